/* cmd_run.c — `eldercap run SCENARIO.ini`: project, plan, simulate, write HDF5,
 * print the summary. */
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
          "  -j, --threads N      threads for Monte Carlo replicates (default: all cores)\n"
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
} run_opts;

static int parse(int argc, char **argv, run_opts *o) {
  memset(o, 0, sizeof *o);
  o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
  static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                     {"set", required_argument, 0, 'S'},
                                     {"threads", required_argument, 0, 'j'},
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

/* --- Monte Carlo replicates on a thread pool ------------------------------ */

typedef struct {
  const ec_plan *p;
  long next;          /* next replicate to take (under lock) */
  long nrep;
  double *vars;       /* [nrep][EC_NVARS][nyears][nunits] */
  pthread_mutex_t mu;
  int failed;
  ec_error err;
  long done;
  ec_progress *prog;
} mc_ctx;

static void *mc_worker(void *arg) {
  mc_ctx *c = arg;
  size_t cell = (size_t)c->p->nyears * (size_t)c->p->nunits;
  ec_agesex *pop = malloc(cell * sizeof *pop);
  if (!pop) {
    pthread_mutex_lock(&c->mu);
    c->failed = 1;
    ec_error_set(&c->err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    pthread_mutex_unlock(&c->mu);
    return NULL;
  }
  for (;;) {
    pthread_mutex_lock(&c->mu);
    long r = c->failed ? c->nrep : c->next++;
    pthread_mutex_unlock(&c->mu);
    if (r >= c->nrep) break;
    ec_error e;
    ec_error_clear(&e);
    /* each replicate owns its slot and its RNG stream: results do not depend
     * on which thread ran it */
    int rc = ec_plan_simulate(c->p, 0, r, pop, c->vars + (size_t)r * EC_NVARS * cell,
                              NULL, &e);
    pthread_mutex_lock(&c->mu);
    if (rc && !c->failed) {
      c->failed = 1;
      c->err = e;
    }
    c->done++;
    if (c->prog) ec_progress_update(c->prog, 0.1 + 0.8 * (double)c->done / (double)c->nrep);
    pthread_mutex_unlock(&c->mu);
  }
  free(pop);
  return NULL;
}

static int run_replicates(const ec_plan *p, long nrep, int threads, double *vars,
                          ec_progress *prog, ec_error *err) {
  mc_ctx c;
  memset(&c, 0, sizeof c);
  c.p = p;
  c.nrep = nrep;
  c.vars = vars;
  c.prog = prog;
  pthread_mutex_init(&c.mu, NULL);
  if (threads < 1) threads = 1;
  if (threads > nrep) threads = (int)nrep;
  pthread_t *t = calloc((size_t)threads, sizeof *t);
  int started = 0;
  for (int i = 0; t && i < threads; i++)
    if (pthread_create(&t[i], NULL, mc_worker, &c) == 0) started++;
  if (started == 0) mc_worker(&c);
  for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
  free(t);
  pthread_mutex_destroy(&c.mu);
  if (c.failed) {
    if (err) *err = c.err;
    return c.err.code ? c.err.code : EC_ERR_NUMERIC;
  }
  return EC_OK;
}

/* Quantiles over replicates for every (var, year, township): type 7 (linear
 * interpolation of the order statistics, R's default and numpy's). */
static void quantiles(const double *vars, long nrep, size_t per_rep, int nq,
                      const double *q, double *out /* [EC_NVARS][nq][cell] */,
                      size_t cell) {
  double *col = malloc((size_t)nrep * sizeof *col);
  for (int v = 0; v < EC_NVARS; v++)
    for (size_t i = 0; i < cell; i++) {
      size_t off = (size_t)v * cell + i;
      long m = 0;
      for (long r = 0; r < nrep; r++) {
        double x = vars[(size_t)r * per_rep + off];
        if (!isnan(x)) col[m++] = x;
      }
      if (m) gsl_sort(col, 1, (size_t)m);
      for (int k = 0; k < nq; k++)
        out[((size_t)v * (size_t)nq + (size_t)k) * cell + i] =
            m ? gsl_stats_quantile_from_sorted_data(col, 1, (size_t)m, q[k]) : NAN;
    }
  free(col);
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
      /* pad by display columns: CJK characters are 3 bytes, 2 columns wide */
      char name[200];
      snprintf(name, sizeof name, "%s", un->name);
      int cols = 0;
      for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        if ((*c & 0xC0) != 0x80) cols += (*c >= 0xE0) ? 2 : 1;
      printf("  %s%*s %9.0f %9.0f %9.0f %9.0f %9.1f  %s\n", name, cols < 36 ? 36 - cols : 0, "",
             e, r, a, r - a, VAL(EC_V_BEDS_PER_1000, y, u),
             VAL(EC_V_MEETS_BEDS, y, u) > 0 ? "yes" : "NO");
    }
    printf("  %-36s %9.0f %9.0f %9.0f %9.0f %9.1f  %s\n", "city total", te, tr, ta, tr - ta,
           te > 0 ? 1000 * ta / te : NAN, ta >= tr ? "yes" : "NO");
    if (city) {
      const ec_city_year *c = &city[y];
      printf("  homes open: %.0f; giving medical care: %.0f; share %s (target > %.0f %%): %s\n",
             c->homes, c->homes_medical,
             isnan(c->medical_share) ? "unknown" : "known", 100 * s->medical_share_target,
             c->meets_medical > 0 ? "met" : c->meets_medical == 0 ? "NOT met" : "unknown (no data on which homes give medical care)");
    }
  }
#undef VAL
}

/* --- writing ----------------------------------------------------------------- */

static int write_results(const char *path, const ec_plan *p, const ec_agesex *pop,
                         const double *vars, const ec_city_year *city,
                         const double *qv, const double *repv, long nrep,
                         ec_error *err) {
  const ec_scenario *s = p->s;
  ec_results *r = NULL;
  int rc = ec_results_create(path, &r, err);
  if (rc) return rc;
  int nq = qv ? s->nquantiles : 0;
  int nr = repv ? (int)nrep : 0;
  size_t cell = (size_t)p->nyears * (size_t)p->nunits;
  if ((rc = ec_results_provenance(r, ec_cli_command_line, s->path, s->text ? s->text : "",
                                  s->seed, err)) ||
      (rc = ec_plan_write_static(p, r, nq, nr, err)))
    goto fail;
  {
    char reps[32];
    snprintf(reps, sizeof reps, "%d", s->replicates);
    if ((rc = ec_results_attr_str(r, NULL, "replicates", reps, err))) goto fail;
    char ov[4096] = "";
    for (int i = 0; i < s->noverrides; i++) {
      strncat(ov, s->overrides[i], sizeof ov - strlen(ov) - 2);
      strcat(ov, "\n");
    }
    if ((rc = ec_results_attr_str(r, NULL, "scenario_overrides", ov, err))) goto fail;
  }
  const char *dYU[] = {"year", "township"};
  const char *dQYU[] = {"quantile", "year", "township"};
  const char *dRYU[] = {"replicate", "year", "township"};
  int8_t *flag = malloc(cell);
  double *tmp = malloc((size_t)(nr > 0 ? nr : 1) * cell * sizeof *tmp);
  if (!flag || !tmp) {
    free(flag);
    free(tmp);
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  for (int v = 0; v < EC_NVARS && !rc; v++) {
    const ec_var_info *vi = &ec_var_table[v];
    if (vi->is_flag) {
      for (size_t i = 0; i < cell; i++) flag[i] = (int8_t)vars[(size_t)v * cell + i];
      rc = ec_results_put(r, vi->name, EC_H5_INT8, 2, dYU, vi->units, vi->long_name, flag, err);
      continue;
    }
    rc = ec_results_put(r, vi->name, EC_H5_DOUBLE, 2, dYU, vi->units, vi->long_name,
                        vars + (size_t)v * cell, err);
    if (!rc && nq) {
      char nm[96], ln[400];
      snprintf(nm, sizeof nm, "%s_q", vi->name);
      snprintf(ln, sizeof ln, "%s: Monte Carlo quantiles", vi->long_name);
      rc = ec_results_put(r, nm, EC_H5_DOUBLE, 3, dQYU, vi->units, ln,
                          qv + (size_t)v * (size_t)nq * cell, err);
    }
    if (!rc && nr) {
      char nm[96], ln[400];
      snprintf(nm, sizeof nm, "%s_rep", vi->name);
      snprintf(ln, sizeof ln, "%s: every Monte Carlo replicate", vi->long_name);
      for (int k = 0; k < nr; k++)
        memcpy(tmp + (size_t)k * cell, repv + ((size_t)k * EC_NVARS + (size_t)v) * cell,
               cell * sizeof *tmp);
      rc = ec_results_put(r, nm, EC_H5_DOUBLE, 3, dRYU, vi->units, ln, tmp, err);
    }
  }
  free(flag);
  free(tmp);
  if (rc) goto fail;
  /* population by sex and single year of age: [year, sex, age, township] */
  {
    size_t n = cell * EC_NSEX * EC_NAGE;
    double *pa = malloc(n * sizeof *pa);
    if (!pa) { rc = EC_ERR_NOMEM; goto fail; }
    for (int y = 0; y < p->nyears; y++)
      for (int sx = 0; sx < EC_NSEX; sx++)
        for (int a = 0; a < EC_NAGE; a++)
          for (int u = 0; u < p->nunits; u++)
            pa[(((size_t)y * EC_NSEX + (size_t)sx) * EC_NAGE + (size_t)a) * (size_t)p->nunits + (size_t)u] =
                pop[(size_t)y * (size_t)p->nunits + (size_t)u].n[sx][a];
    const char *d4[] = {"year", "sex", "age", "township"};
    rc = ec_results_put(r, "population", EC_H5_DOUBLE, 4, d4, "persons",
                        "population by sex and single year of age (deterministic projection)", pa, err);
    free(pa);
    if (rc) goto fail;
  }
  /* city-level medical-care rule 三(四) */
  {
    const char *dY[] = {"year"};
    double *a = malloc((size_t)p->nyears * sizeof *a);
    int8_t *f8 = malloc((size_t)p->nyears);
    if (!a || !f8) { free(a); free(f8); rc = EC_ERR_NOMEM; goto fail; }
    for (int y = 0; y < p->nyears; y++) a[y] = city[y].homes;
    rc = ec_results_put(r, "homes_open", EC_H5_DOUBLE, 1, dY, "1", "nursing homes open by 1 July (city)", a, err);
    for (int y = 0; !rc && y < p->nyears; y++) a[y] = city[y].homes_medical;
    if (!rc) rc = ec_results_put(r, "homes_medical", EC_H5_DOUBLE, 1, dY, "1", "homes open giving medical care (city)", a, err);
    for (int y = 0; !rc && y < p->nyears; y++) a[y] = city[y].medical_share;
    if (!rc) rc = ec_results_put(r, "medical_share", EC_H5_DOUBLE, 1, dY, "1", "share of homes with known status giving medical care (NaN: unknown)", a, err);
    for (int y = 0; y < p->nyears; y++) f8[y] = (int8_t)city[y].meets_medical;
    if (!rc) rc = ec_results_put(r, "meets_medical_rule", EC_H5_INT8, 1, dY, "1", "1 if more than medical_share_target of homes give medical care, 0 if not, -1 unknown", f8, err);
    free(a);
    free(f8);
    if (rc) goto fail;
  }
  return ec_results_commit(r, err);
fail:
  ec_results_abort(r);
  return rc;
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
  if (s.nsweep > 0) {
    ec_error_set(&err, EC_ERR_USAGE, s.path, 0, "sweep",
                 "this build runs single scenarios; [sweep] support is not built yet");
    ec_scenario_free(&s);
    return ec_cli_fail(&err);
  }
  char outbuf[EC_SCN_PATH + 64];
  const char *out = o.output;
  if (!out) {
    if (s.output[0]) out = s.output;
    else {
      snprintf(outbuf, sizeof outbuf, "results/%s.h5", s.name);
      out = outbuf;
    }
  }
  ec_progress prog;
  ec_progress_init(&prog, o.quiet);
  ec_plan *p = NULL;
  rc = ec_plan_load(&s, &p, &err);
  if (rc) {
    ec_progress_done(&prog);
    ec_scenario_free(&s);
    return ec_cli_fail(&err);
  }
  ec_progress_update(&prog, 0.05);
  size_t cell = (size_t)p->nyears * (size_t)p->nunits;
  ec_agesex *pop = malloc(cell * sizeof *pop);
  double *vars = malloc(EC_NVARS * cell * sizeof *vars);
  ec_city_year *city = calloc((size_t)p->nyears, sizeof *city);
  double *repv = NULL, *qv = NULL;
  if (!pop || !vars || !city) {
    rc = ec_error_set(&err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto out;
  }
  if ((rc = ec_plan_simulate(p, 0, -1, pop, vars, city, &err))) goto out;
  ec_progress_update(&prog, 0.1);
  long nrep = s.replicates;
  if (nrep > 0) {
    size_t bytes = (size_t)nrep * EC_NVARS * cell * sizeof(double);
    repv = malloc(bytes);
    qv = malloc((size_t)EC_NVARS * (size_t)s.nquantiles * cell * sizeof *qv);
    if (!repv || !qv) {
      rc = ec_error_set(&err, EC_ERR_LIMIT, NULL, 0, "population.replicates",
                        "%ld replicates need %.0f MB of memory", nrep, (double)bytes / 1e6);
      goto out;
    }
    int threads = o.threads ? o.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if ((rc = run_replicates(p, nrep, threads, repv, &prog, &err))) goto out;
    quantiles(repv, nrep, EC_NVARS * cell, s.nquantiles, s.quantiles, qv, cell);
  }
  ec_progress_update(&prog, 0.92);
  rc = write_results(out, p, pop, vars, city, qv, s.keep_replicates ? repv : NULL, nrep, &err);
  ec_progress_done(&prog);
  if (!rc && !o.quiet) {
    print_summary(p, vars, city);
    printf("\nResults: %s\n", out);
  }
out:
  free(pop);
  free(vars);
  free(city);
  free(repv);
  free(qv);
  ec_plan_free(p);
  ec_scenario_free(&s);
  return rc ? ec_cli_fail(&err) : EC_EXIT_OK;
}
