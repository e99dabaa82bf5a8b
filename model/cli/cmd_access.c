/* cmd_access.c — `eldercap access`: spatial access of demand points to
 * facilities (cumulative, 2SFCA/E2SFCA, 3SFCA, BFCA, nearest, coverage) from
 * CSV files, with an equity summary. Semantics: ec_access.h. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_access.h"
#include "eldercap/ec_od.h"

static void usage(FILE *f) {
  fprintf(
      f,
      "Usage: eldercap access --demand D.csv --supply S.csv [--costs C.csv]\n"
      "         --method cumulative|2sfca|3sfca|bfca|nearest|coverage\n"
      "         [--max-cost X] [--step 10:1,20:0.68,30:0.22]\n"
      "         [--decay gaussian:SIGMA|gravity:ALPHA[:MIN_COST[:SCALE]]]\n"
      "         [--right-open] [--no-reach-zero] [--strict-cut] -o OUT.csv\n"
      "         [-j N] [--json] [-q]\n\n"
      "Spatial access of demand points (origins) to facilities "
      "(destinations).\n\n"
      "  --demand D.csv   id,weight[,x,y | ,lon,lat]  (weight: persons), or a\n"
      "                   point shapefile D.shp (id, weight fields; its .prj)\n"
      "  --supply S.csv   id,capacity[,x,y]; every column other than id, x, "
      "y,\n"
      "                   name, township, medical, year, opening_year, type,\n"
      "                   crs, lon, lat is a capacity column (one output "
      "column each)\n"
      "  --costs C.csv    origin,dest,cost (origin = demand id, dest = supply "
      "id);\n"
      "                   without it: Euclidean distance from x,y (projected, "
      "m)\n"
      "  --method M       cumulative: supply within reach (weighted by the "
      "decay)\n"
      "                   2sfca: two-step FCA (E2SFCA with --step, or "
      "--decay)\n"
      "                   3sfca: three-step FCA (Wan et al. 2012, pysal)\n"
      "                   bfca: balanced FCA (Paez et al. 2019, IPEA)\n"
      "                   nearest: cost to the nearest facility with capacity "
      "> 0\n"
      "                   coverage: 1 if a facility with capacity > 0 is "
      "within\n"
      "                   --max-cost, else 0\n"
      "  --max-cost X     catchment, inclusive (cost <= X); default: none, or "
      "the\n"
      "                   last --step threshold\n"
      "  --step SPEC      step weights THRESHOLD:WEIGHT,...; a weight applies "
      "up to\n"
      "                   and including its threshold (pysal/access)\n"
      "  --right-open     steps apply below their threshold (IPEA "
      "accessibility)\n"
      "  --decay SPEC     gaussian:SIGMA  f = exp(-d^2 / (2 SIGMA^2))\n"
      "                   gravity:ALPHA[:MIN_COST[:SCALE]]  f = "
      "(max(d,MIN_COST)/SCALE)^ALPHA\n"
      "                   (ALPHA as given: -1 is inverse distance)\n"
      "  --no-reach-zero  a demand point with no facility in reach gets 0 "
      "(default NaN)\n"
      "  --strict-cut     in reach when cost < X (pysal/access's max_cost "
      "rule)\n"
      "  -o, --output F   output CSV: id,access (id,access_<col> for several "
      "columns)\n"
      "  --json           summary as JSON on stdout\n"
      "  -j, --threads N  threads for the distance table (default 1)\n"
      "  -q, --quiet      no summary, no progress\n"
      "  -h, --help       this help\n\n"
      "Rules: a facility whose weighted demand is 0 contributes 0. "
      "Summary: weighted\n"
      "mean access (by demand weight), population-weighted Gini and Palma "
      "ratio\n"
      "(NaN points skipped).\n");
}

enum {
  OPT_DEMAND = 256,
  OPT_SUPPLY,
  OPT_COSTS,
  OPT_METHOD,
  OPT_MAXCOST,
  OPT_STEP,
  OPT_DECAY,
  OPT_RIGHTOPEN,
  OPT_NOREACH,
  OPT_JSON,
  OPT_STRICT
};

int ec_cmd_access(int argc, char **argv) {
  static const struct option longopts[] = {
      {"demand", required_argument, NULL, OPT_DEMAND},
      {"supply", required_argument, NULL, OPT_SUPPLY},
      {"costs", required_argument, NULL, OPT_COSTS},
      {"method", required_argument, NULL, OPT_METHOD},
      {"max-cost", required_argument, NULL, OPT_MAXCOST},
      {"step", required_argument, NULL, OPT_STEP},
      {"decay", required_argument, NULL, OPT_DECAY},
      {"right-open", no_argument, NULL, OPT_RIGHTOPEN},
      {"no-reach-zero", no_argument, NULL, OPT_NOREACH},
      {"strict-cut", no_argument, NULL, OPT_STRICT},
      {"output", required_argument, NULL, 'o'},
      {"json", no_argument, NULL, OPT_JSON},
      {"quiet", no_argument, NULL, 'q'},
      {"threads", required_argument, NULL, 'j'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *dpath = NULL, *spath = NULL, *cpath = NULL, *out = NULL;
  const char *step = NULL, *decay = NULL;
  int method = -1, right_open = 0, json = 0, quiet = 0, nthreads = 1;
  ec_access_opts o;
  ec_access_opts_init(&o);
  int have_max = 0;
  ec_error err;
  ec_error_clear(&err);
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":o:qvhj:", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_DEMAND:
      dpath = optarg;
      break;
    case OPT_SUPPLY:
      spath = optarg;
      break;
    case OPT_COSTS:
      cpath = optarg;
      break;
    case OPT_METHOD:
      method = ec_access_method_parse(optarg);
      if (method < 0)
        return ec_cli_usage("access", "unknown method '%s'", optarg);
      break;
    case OPT_MAXCOST: {
      char *end;
      o.max_cost = strtod(optarg, &end);
      if (*end || !optarg[0] || isnan(o.max_cost) || o.max_cost < 0)
        return ec_cli_usage("access",
                            "--max-cost needs a number >= 0, got '%s'", optarg);
      have_max = 1;
      break;
    }
    case OPT_STEP:
      step = optarg;
      break;
    case OPT_DECAY:
      decay = optarg;
      break;
    case OPT_RIGHTOPEN:
      right_open = 1;
      break;
    case OPT_NOREACH:
      o.no_reach_zero = 1;
      break;
    case OPT_STRICT:
      o.strict_cut = 1;
      break;
    case 'o':
      out = optarg;
      break;
    case OPT_JSON:
      json = 1;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'j': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v < 1 || v > 64)
        return ec_cli_usage("access", "-j needs 1..64 threads, got '%s'",
                            optarg);
      nthreads = (int)v;
      break;
    }
    case 'v':
      ec_cli_verbose = 1;
      break;
    case 'h':
      usage(stdout);
      return EC_EXIT_OK;
    case ':':
      return ec_cli_usage("access", "option '%s' needs a value",
                          argv[optind - 1]);
    default:
      return ec_cli_usage("access", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return ec_cli_usage("access", "unexpected argument '%s'", argv[optind]);
  if (!dpath || !spath)
    return ec_cli_usage("access", "--demand and --supply are required");
  if (method < 0) return ec_cli_usage("access", "--method is required");
  if (!out) return ec_cli_usage("access", "-o OUT.csv is required");
  if (step && decay)
    return ec_cli_usage("access", "--step and --decay are exclusive");
  if (right_open && !step)
    return ec_cli_usage("access", "--right-open applies to --step");
  if (step && ec_decay_parse_steps(step, &o.decay, &err))
    return ec_cli_usage("access", "--step: %s", err.msg);
  if (decay && ec_decay_parse(decay, &o.decay, &err))
    return ec_cli_usage("access", "--decay: %s", err.msg);
  o.decay.right_open = right_open;
  if (step && !have_max) /* weights are 0 beyond the last threshold */
    o.max_cost = o.decay.step_cost[o.decay.nsteps - 1];
  if (method == EC_ACCESS_COVERAGE && !have_max)
    return ec_cli_usage("access", "--method coverage needs --max-cost "
                                  "(the radius)");

  double t0 = ec_cli_now();
  ec_access_points D, S;
  memset(&D, 0, sizeof D);
  memset(&S, 0, sizeof S);
  ec_od *od = NULL;
  double *A = NULL, *rowsum = NULL;
  int rc = ec_access_read_demand(dpath, &D, &err);
  if (!rc) rc = ec_access_read_supply(spath, &S, &err);
  if (rc) goto fail;
  /* 3SFCA selection weights span every pair given (pysal): keep them all */
  double table_cut = method == EC_ACCESS_3SFCA ? INFINITY : o.max_cost;
  if (cpath) {
    rc = ec_access_read_costs(cpath, &D, &S, table_cut, &od, &err);
    if (rc) goto fail;
  } else {
    if (!D.x || !S.x) {
      rc = ec_error_set(&err, EC_ERR_MISSING, D.x ? spath : dpath, 1, "x",
                        "no --costs given, so x and y columns are needed");
      goto fail;
    }
    rc = ec_od_from_points_mt(D.x, D.y, D.n, S.x, S.y, S.n, o.max_cost, 0,
                              nthreads, &od, &err);
    if (rc) goto fail;
    if (method == EC_ACCESS_3SFCA && isfinite(o.max_cost)) {
      /* selection over every facility, as pysal with a full distance table */
      rowsum = malloc((D.n ? D.n : 1) * sizeof *rowsum);
      if (!rowsum) {
        rc = ec_error_set(&err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto fail;
      }
      for (size_t i = 0; i < D.n; i++) {
        double s = 0;
        for (size_t j = 0; j < S.n; j++) {
          double dx = D.x[i] - S.x[j], dy = D.y[i] - S.y[j];
          s += ec_decay_eval(&o.decay, sqrt(dx * dx + dy * dy));
        }
        rowsum[i] = s;
      }
      o.selection_rowsum = rowsum;
    }
  }
  ec_cli_note("%zu demand points, %zu facilities, %zu pairs in the table", D.n,
              S.n, ec_od_nnz(od));
  A = malloc((D.n ? D.n : 1) * S.nval * sizeof *A);
  if (!A) {
    rc = ec_error_set(&err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  rc = ec_access_compute(od, (ec_access_method)method, D.val, S.val, S.nval, &o,
                         A, &err);
  if (rc) goto fail;
  rc = ec_access_write(out, &D, &S, A, &err);
  if (rc) goto fail;
  double secs = ec_cli_now() - t0;

  if (!quiet || json) {
    cJSON *root = json ? cJSON_CreateObject() : NULL;
    cJSON *cols = root ? cJSON_AddArrayToObject(root, "columns") : NULL;
    double *col = malloc((D.n ? D.n : 1) * sizeof *col);
    if (!col) {
      cJSON_Delete(root);
      rc = ec_error_set(&err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto fail;
    }
    double mean0 = NAN, gini0 = NAN, palma0 = NAN;
    if (!json)
      printf("method %s: %zu demand points, %zu facilities, %zu pairs, "
             "%.3f s\n",
             ec_access_method_name((ec_access_method)method), D.n, S.n,
             ec_od_nnz(od), secs);
    for (size_t k = 0; k < S.nval; k++) {
      for (size_t i = 0; i < D.n; i++)
        col[i] = A[i * S.nval + k];
      double mean = ec_access_weighted_mean(col, D.val, D.n), gini, palma;
      if (ec_access_gini(col, D.val, D.n, &gini, &err) ||
          ec_access_palma(col, D.val, D.n, &palma, &err))
        gini = palma = NAN; /* negative costs cannot occur; keep going */
      size_t nanc = 0;
      for (size_t i = 0; i < D.n; i++)
        nanc += isnan(col[i]);
      if (k == 0) {
        mean0 = mean;
        gini0 = gini;
        palma0 = palma;
      }
      if (json) {
        cJSON *cj = cJSON_CreateObject();
        cJSON_AddStringToObject(cj, "capacity", S.valname[k]);
        cJSON_AddNumberToObject(cj, "weighted_mean_access", mean);
        cJSON_AddNumberToObject(cj, "gini", gini);
        cJSON_AddNumberToObject(cj, "palma", palma);
        cJSON_AddNumberToObject(cj, "n_no_reach", (double)nanc);
        cJSON_AddItemToArray(cols, cj);
      } else {
        printf("  %s: weighted mean %.6g, Gini %.4f, Palma %.4f, %zu points "
               "without reach\n",
               S.valname[k], mean, gini, palma, nanc);
      }
    }
    free(col);
    if (json) {
      cJSON_AddStringToObject(root, "method",
                              ec_access_method_name((ec_access_method)method));
      cJSON_AddNumberToObject(root, "n_demand", (double)D.n);
      cJSON_AddNumberToObject(root, "n_supply", (double)S.n);
      cJSON_AddNumberToObject(root, "nnz", (double)ec_od_nnz(od));
      if (isfinite(o.max_cost))
        cJSON_AddNumberToObject(root, "max_cost", o.max_cost);
      else
        cJSON_AddNullToObject(root, "max_cost");
      cJSON_AddNumberToObject(root, "weighted_mean_access", mean0);
      cJSON_AddNumberToObject(root, "gini", gini0);
      cJSON_AddNumberToObject(root, "palma", palma0);
      cJSON_AddNumberToObject(root, "seconds", secs);
      cJSON_AddStringToObject(root, "output", out);
      char *txt = cJSON_Print(root);
      if (txt) puts(txt);
      free(txt);
      cJSON_Delete(root);
    }
  }
  free(A);
  free(rowsum);
  ec_od_free(od);
  ec_access_points_free(&D);
  ec_access_points_free(&S);
  return EC_EXIT_OK;
fail:
  free(A);
  free(rowsum);
  ec_od_free(od);
  ec_access_points_free(&D);
  ec_access_points_free(&S);
  return ec_cli_fail(&err);
}
