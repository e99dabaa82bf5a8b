/* cmd_run.c — `eldercap run SCENARIO.ini`: project, plan, simulate, write HDF5,
 * print the summary. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "eldercap/ec_plan.h"
#include "eldercap/ec_results.h"
#include "eldercap/ec_scenario.h"
#include "eldercap/ec_sweep.h"

static void usage(FILE *f) {
  fprintf(f,
          "Usage: eldercap run SCENARIO.ini [-o FILE.h5] [--set section.key=value ...]\n"
          "                    [-j THREADS] [-q] [-v]\n\n"
          "Projects the elderly population of every township year by year, sets it\n"
          "against the bed standard, simulates the 200-bed build-out and writes\n"
          "self-describing HDF5 results (default: [output] path of the scenario, else\n"
          "results/<name>.h5). The summary goes to stdout.\n\n"
          "  -o, --output FILE    results file (.h5); written to a temporary file and\n"
          "                       renamed into place\n"
          "      --set S.K=V      override a scenario key (repeatable)\n"
          "  -j, --threads N      worker threads (default: all cores); never changes a number\n"
          "      --resume         continue an interrupted sweep from its checkpoints\n"
          "      --json           the summary as JSON on stdout (like gdalinfo -json)\n"
          "      --max-memory MB  refuse to start a run estimated to need more\n"
          "                       (default: half of the physical memory)\n"
          "  -q, --quiet          no progress line, no summary\n"
          "  -v, --verbose        diagnostics on stderr\n"
          "  -h, --help           this help\n");
}

/* Shared by run and check: parse options common to scenario commands. */
typedef struct {
  const char *ini;
  const char *output;
  char **sets;
  int nsets;
  int threads;
  int quiet;
  int resume;
  int json;
  double max_memory_mb;
} run_opts;

static int parse(int argc, char **argv, run_opts *o) {
  memset(o, 0, sizeof *o);
  o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
  static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                     {"set", required_argument, 0, 'S'},
                                     {"threads", required_argument, 0, 'j'},
                                     {"resume", no_argument, 0, 'R'},
                                     {"json", no_argument, 0, 'J'},
                                     {"max-memory", required_argument, 0, 'M'},
                                     {"quiet", no_argument, 0, 'q'},
                                     {"verbose", no_argument, 0, 'v'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:j:qvh", lo, NULL)) != -1) {
    switch (c) {
    case 'o': o->output = optarg; break;
    case 'S': o->sets[o->nsets++] = optarg; break;
    case 'j': {
      char *end;
      long j = strtol(optarg, &end, 10);
      if (*end || j < 1 || j > 1024)
        return ec_cli_usage(argv[0], "-j needs a thread count 1..1024, not '%s'", optarg);
      o->threads = (int)j;
      break;
    }
    case 'q': o->quiet = 1; break;
    case 'R': o->resume = 1; break;
    case 'J': o->json = 1; break;
    case 'M': {
      char *end;
      double m = strtod(optarg, &end);
      if (*end || !(m > 0))
        return ec_cli_usage(argv[0], "--max-memory needs a size in MB, not '%s'", optarg);
      o->max_memory_mb = m;
      break;
    }
    case 'v': ec_cli_verbose = 1; break;
    case 'h': usage(stdout); return -1;
    default:
      return ec_cli_usage(argv[0], "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind != argc - 1)
    return ec_cli_usage(argv[0], optind >= argc ? "a scenario file is required"
                                                : "exactly one scenario file expected");
  o->ini = argv[optind];
  return 0;
}

/* Print name in a column of `width` display cells (CJK characters take two),
 * cut on a character boundary with "…" when longer. */
static void print_cell(const char *name, int width) {
  int cols = 0;
  const unsigned char *c = (const unsigned char *)name;
  const unsigned char *cut = NULL;
  int cut_cols = 0;
  while (*c) {
    int n = *c < 0x80 ? 1 : *c < 0xE0 ? 2 : *c < 0xF0 ? 3 : 4;
    int w = n >= 3 ? 2 : 1;
    if (!cut && cols + w > width - 1) {
      cut = c;
      cut_cols = cols;
    }
    cols += w;
    for (int k = 0; k < n && *c; k++) c++;
  }
  if (cols <= width) {
    printf("%s%*s", name, width - cols, "");
  } else {
    printf("%.*s…%*s", (int)(cut - (const unsigned char *)name), name, width - cut_cols - 1, "");
  }
}

/* --- summary ---------------------------------------------------------------- */

static void print_summary(const ec_plan *p, const double *vars, const ec_city_year *city) {
  const ec_scenario *s = p->s;
  size_t cell = (size_t)p->nyears * (size_t)p->nunits;
#define VAL(v, y, u) vars[(size_t)(v) * cell + (size_t)(y) * (size_t)p->nunits + (size_t)(u)]
  printf("eldercap run: %s%s%s\n", s->name, s->title[0] ? " — " : "", s->title);
  printf("Standard: %g beds per 1,000 persons aged %d+ (三(三)); a home of >= %d beds in "
         "every township by %s; > %.0f %% of homes giving medical care by %s (三(四)).\n",
         s->beds_per_1000, s->elderly_age, s->home_min_beds, s->home_deadline,
         100 * s->medical_share_target, s->medical_deadline);
  printf("Population: base year %d, %s%s; elderly counts are ESTIMATES shared out by "
         "township weights (see data/README.md).\n",
         s->base_year, s->method == EC_POP_HAMILTON_PERRY ? "Hamilton-Perry" : "cohort-component",
         s->replicates > 0 ? ", with Monte Carlo" : "");
  for (int k = 0; k < s->nsummary_years; k++) {
    int y = s->summary_years[k] - s->start_year;
    if (y < 0 || y >= p->nyears) continue;
    printf("\nYear %d\n", s->start_year + y);
    printf("  %-36s %9s %9s %9s %9s %9s  %s\n", "township", "elderly", "required",
           "available", "gap", "per 1000", "meets");
    double te = 0, tr = 0, ta = 0;
    for (int u = 0; u < p->nunits; u++) {
      const ec_unit *un = &p->region->units[u];
      double e = VAL(EC_V_ELDERLY, y, u), r = VAL(EC_V_BEDS_REQUIRED, y, u),
             a = VAL(EC_V_BEDS_AVAILABLE, y, u);
      te += e;
      tr += r;
      ta += a;
      printf("  ");
      print_cell(un->name, 36);
      printf(" %9.0f %9.0f %9.0f %9.0f %9.1f  %s\n", e, r, a, r - a, VAL(EC_V_BEDS_PER_1000, y, u),
             VAL(EC_V_MEETS_BEDS, y, u) > 0 ? "yes" : "NO");
    }
    printf("  %-36s %9.0f %9.0f %9.0f %9.0f %9.1f  %s\n", "city total", te, tr, ta, tr - ta,
           te > 0 ? 1000 * ta / te : NAN, ta >= tr ? "yes" : "NO");
    if (city && !isnan(city[y].access_gini))
      printf("  access: %.0f %% of the elderly within %.0f km of an open home; Gini of 2SFCA "
             "access %.3f\n", 100 * city[y].share_within, s->radius_m / 1000, city[y].access_gini);
    if (city) {
      const ec_city_year *c = &city[y];
      char share[64] = "unknown";
      if (!isnan(c->medical_share))
        snprintf(share, sizeof share, "%.0f %% of those known", 100 * c->medical_share);
      printf("  homes open: %.0f; giving medical care: %.0f (%s); rule 三(四) > %.0f %%: %s\n",
             c->homes, c->homes_medical, share, 100 * s->medical_share_target,
             c->meets_medical > 0    ? "met"
             : c->meets_medical == 0 ? "NOT met"
                                     : "undecided (homes of unknown medical status)");
    }
  }
  if (p->options) {
    int K = s->siting_options;
    printf("\nSiting of each township's %d-bed home (三(三): weighing where the elderly live), "
           "%s, best %d options,\nmeasured on the %d elderly:\n", s->home_min_beds,
           s->siting_model, K, s->base_year);
    printf("  %-30s %3s %9s %8s %8s %8s %8s %6s %7s\n", "township", "opt", "lon", "lat",
           "mean km", "max km", "in reach", "beds/k", "load");
    for (int u = 0; u < p->nunits; u++)
      for (int k = 0; k < K; k++) {
        const ec_site_option *o = &p->options[u * K + k];
        if (o->unit < 0) continue;
        double lon, lat;
        ec_region_to_lonlat(p->region, 1, &o->x_m, &o->y_m, &lon, &lat, NULL);
        printf("  ");
        print_cell(k == 0 ? p->region->units[u].name : "", 30);
        printf(" %3d %9.4f %8.4f %8.2f %8.2f %7.0f%% %6.1f %7.2f\n", k + 1, lon, lat,
               o->mean_dist_m / 1000,
               o->max_dist_m / 1000, 100 * o->share_within, o->beds_per_1000, o->load);
      }
    printf("  (in reach: share within %.0f km; beds/k: 2SFCA beds per 1,000 elderly within "
           "%.0f km after opening; load: expected users / beds; best options proven optimal, "
           "gap %.2g)\n", s->siting_radius_m / 1000, s->catchment_m / 1000, p->options[0].gap);
  }
#undef VAL
}

static void print_sweep_summary(const ec_runner *r, const ec_scenario *s) {
  long n = ec_runner_nscenarios(r);
  printf("eldercap run: %s%s%s — sweep of %ld scenarios (%s of %d axes)", s->name,
         s->title[0] ? " — " : "", s->title, n, s->sweep_zip ? "zip" : "product", s->nsweep);
  if (ec_runner_resumed(r)) printf(", %ld taken from checkpoints", ec_runner_resumed(r));
  printf("\nCity totals in %d (the first scenarios; all are in the results file):\n",
         s->horizon_year);
  printf("  %5s  %-58s %9s %9s %9s %9s\n", "#", "parameters", "elderly", "required",
         "available", "gap");
  for (long k = 0; k < n && k < 20; k++) {
    ec_scenario sk;
    char label[256] = "";
    if (ec_sweep_scenario(s, k, &sk, NULL) == EC_OK)
      for (int a = 0; a < s->nsweep; a++) {
        char one[128];
        const char *dot = strchr(s->sweep[a].key, '.');
        ec_scenario_get(&sk, s->sweep[a].key, one, sizeof one);
        char part[256];
        snprintf(part, sizeof part, "%s%s=%s", a ? " " : "", dot ? dot + 1 : s->sweep[a].key, one);
        strncat(label, part, sizeof label - strlen(label) - 1);
      }
    double e = ec_runner_city_total(r, k, EC_V_ELDERLY, 0),
           q = ec_runner_city_total(r, k, EC_V_BEDS_REQUIRED, 0),
           av = ec_runner_city_total(r, k, EC_V_BEDS_AVAILABLE, 0);
    if (isnan(e)) continue;
    printf("  %5ld  %-58.58s %9.0f %9.0f %9.0f %9.0f\n", k, label, e, q, av, q - av);
  }
  if (n > 20) printf("  ... %ld more\n", n - 20);
}

/* The summary as JSON: per summary year, every township and the city. */
static void print_json(const ec_runner *r, const ec_scenario *s, const char *out) {
  const ec_plan *p = ec_runner_plan(r);
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "scenario", s->name);
  cJSON_AddStringToObject(root, "results", out);
  cJSON_AddNumberToObject(root, "scenarios", (double)ec_runner_nscenarios(r));
  cJSON_AddNumberToObject(root, "replicates", s->replicates);
  cJSON_AddNumberToObject(root, "beds_per_1000", s->beds_per_1000);
  cJSON_AddNumberToObject(root, "elderly_age", s->elderly_age);
  cJSON *years = cJSON_AddArrayToObject(root, "years");
  const double *v = ec_runner_summary_vars(r);
  const ec_city_year *city = ec_runner_summary_city(r);
  size_t cell = (size_t)p->nyears * (size_t)p->nunits;
  static const int keys[] = {EC_V_ELDERLY, EC_V_BEDS_REQUIRED, EC_V_BEDS_AVAILABLE, EC_V_BED_GAP,
                             EC_V_BEDS_PER_1000, EC_V_MEETS_BEDS};
  for (int y = 0; y < p->nyears; y++) {
    int in = 0;
    for (int k = 0; k < s->nsummary_years; k++) in |= s->summary_years[k] == s->start_year + y;
    if (!in) continue;
    cJSON *yo = cJSON_CreateObject();
    cJSON_AddNumberToObject(yo, "year", s->start_year + y);
    cJSON *ts = cJSON_AddArrayToObject(yo, "townships");
    double tot[6] = {0};
    for (int u = 0; u < p->nunits; u++) {
      cJSON *t = cJSON_CreateObject();
      cJSON_AddStringToObject(t, "code", p->region->units[u].code);
      cJSON_AddStringToObject(t, "name", p->region->units[u].name);
      for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        double x = v[(size_t)keys[k] * cell + (size_t)y * (size_t)p->nunits + (size_t)u];
        if (isnan(x)) cJSON_AddNullToObject(t, ec_var_table[keys[k]].name);
        else cJSON_AddNumberToObject(t, ec_var_table[keys[k]].name, x);
        tot[k] += x;
      }
      cJSON_AddItemToArray(ts, t);
    }
    cJSON *c = cJSON_AddObjectToObject(yo, "city");
    for (int k = 0; k < 4; k++) cJSON_AddNumberToObject(c, ec_var_table[keys[k]].name, tot[k]);
    cJSON_AddNumberToObject(c, "beds_per_1000", tot[0] > 0 ? 1000 * tot[2] / tot[0] : 0);
    cJSON_AddNumberToObject(c, "homes_open", city[y].homes);
    if (city[y].meets_medical < 0) cJSON_AddNullToObject(c, "meets_medical_rule");
    else cJSON_AddBoolToObject(c, "meets_medical_rule", city[y].meets_medical);
    cJSON_AddItemToArray(years, yo);
  }
  char *txt = cJSON_Print(root);
  if (txt) puts(txt);
  free(txt);
  cJSON_Delete(root);
}

static double default_max_memory_mb(void) {
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  double phys = pages > 0 && psz > 0 ? (double)pages * (double)psz / 1e6 : 8192;
  return phys / 2; /* leave half of the machine to everything else */
}

int ec_cmd_run(int argc, char **argv) {
  run_opts o;
  int prc = parse(argc, argv, &o);
  if (prc) {
    free(o.sets);
    return prc < 0 ? EC_EXIT_OK : prc;
  }
  ec_error err;
  ec_error_clear(&err);
  ec_scenario s;
  ec_scenario_defaults(&s);
  int rc = ec_scenario_load(&s, o.ini, o.nsets, o.sets, &err);
  free(o.sets);
  if (rc) return ec_cli_fail(&err);
  char outbuf[EC_SCN_PATH + 64];
  const char *out = o.output;
  if (!out) {
    if (s.output[0]) out = s.output;
    else {
      snprintf(outbuf, sizeof outbuf, "results/%s.h5", s.name);
      out = outbuf;
    }
  }
  ec_run_options ro;
  memset(&ro, 0, sizeof ro);
  ro.output = out;
  ro.threads = o.threads ? o.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (ro.threads < 1) ro.threads = 1;
  ro.resume = o.resume;
  ro.max_memory_mb = o.max_memory_mb > 0 ? o.max_memory_mb : default_max_memory_mb();
  ro.command_line = ec_cli_command_line;
  ro.rank = 0;
  ro.size = 1;
  ec_cli_mpi_ranks(&ro.rank, &ro.size);
  ec_progress prog;
  ec_progress_init(&prog, o.quiet || ro.rank != 0);
  ec_runner *r = NULL;
  rc = ec_runner_new(&s, &ro, &r, &err);
  double frac = 0;
  if (!rc) {
    while ((rc = ec_runner_next(r, &frac, &err)) == 1) ec_progress_update(&prog, frac);
    if (rc == 0) rc = ec_runner_finish(r, &err);
  }
  ec_progress_done(&prog);
  if (!rc) {
    double ws, wb;
    ec_runner_write_stats(r, &ws, &wb);
    ec_cli_note("rank %d: %ld scenarios, wrote %.1f MB of values in %.3f s (%.1f MB/s)", ro.rank,
                ec_runner_nscenarios(r), wb / 1e6, ws, ws > 0 ? wb / 1e6 / ws : 0);
  }
  if (!rc && o.json && ro.rank == 0) {
    print_json(r, &s, out);
  } else if (!rc && !o.quiet && ro.rank == 0) {
    if (s.nsweep > 0) print_sweep_summary(r, &s);
    else print_summary(ec_runner_plan(r), ec_runner_summary_vars(r), ec_runner_summary_city(r));
    printf("\nResults: %s\n", out);
  }
  ec_runner_free(r); /* after finish the file is committed: nothing to abort */
  ec_scenario_free(&s);
  return rc ? ec_cli_fail(&err) : EC_EXIT_OK;
}
