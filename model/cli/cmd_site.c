/* cmd_site.c — `eldercap site`: choose sites with a certified gap. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_csv.h"
#include "eldercap/ec_siting.h"

static void usage(FILE *f) {
  fprintf(f,
          "Usage: eldercap site --model pmedian|mclp|lscp|pcenter|cpmp [-p N]\n"
          "         [--radius X] --demand D.csv --sites S.csv [--costs C.csv]\n"
          "         [--k-nearest K] [--max-cost X] [--unserved-cost X]\n"
          "         [--time-limit SECONDS] [--seed N] [-o OUT.csv] [--json] [-q]\n"
          "       eldercap site --model M --orlib pmedN.txt | --orlib-cap pmedcapNN.txt\n\n"
          "Models: pmedian (least weighted cost), mclp (most weight within\n"
          "--radius), lscp (fewest sites covering all within --radius),\n"
          "pcenter (least largest cost), cpmp (capacitated p-median, single\n"
          "source). Every answer reports its objective, a bound on the optimum\n"
          "and the gap between them.\n\n"
          "  D.csv  id,weight[,x,y][,capacity_demand]\n"
          "  S.csv  id[,x,y][,capacity][,fixed]   fixed = 1 stays open\n"
          "  C.csv  origin,dest,cost              (else Euclidean from x,y)\n"
          "  --k-nearest K     keep each client's K cheapest sites\n"
          "  --max-cost X      drop pairs costing more than X\n"
          "  --unserved-cost X p-median: a client with no open site in reach\n"
          "                    costs X per unit weight (default: an error)\n"
          "  --orlib FILE      OR-Library pmed graph (shortest paths; p from file)\n"
          "  --orlib-cap FILE  OR-Library pmedcap (floored Euclidean; p, Q from file)\n"
          "  -o OUT.csv        each client's site and cost\n"
          "  --json            {model,p,objective,lower_bound,gap,sites,seconds,...}\n");
}

int ec_cmd_site(int argc, char **argv) {
  static const struct option opts[] = {
      {"model", required_argument, 0, 'm'},
      {"radius", required_argument, 0, 'r'},
      {"demand", required_argument, 0, 'D'},
      {"sites", required_argument, 0, 'S'},
      {"costs", required_argument, 0, 'C'},
      {"k-nearest", required_argument, 0, 'k'},
      {"max-cost", required_argument, 0, 'M'},
      {"unserved-cost", required_argument, 0, 'U'},
      {"time-limit", required_argument, 0, 't'},
      {"seed", required_argument, 0, 's'},
      {"orlib", required_argument, 0, 'O'},
      {"orlib-cap", required_argument, 0, 'P'},
      {"output", required_argument, 0, 'o'},
      {"json", no_argument, 0, 'j'},
      {"quiet", no_argument, 0, 'q'},
      {"verbose", no_argument, 0, 'v'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *model_s = NULL, *dem = NULL, *sit = NULL, *costs = NULL,
             *orlib = NULL, *orcap = NULL, *outp = NULL;
  long p = -1, k = 0;
  unsigned long seed = 1;
  double radius = NAN, tlimit = 60, maxcost = INFINITY, unserved = 0;
  int json = 0, quiet = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":m:p:r:o:k:t:s:jqvh", opts, NULL)) != -1) {
    double v;
    long l;
    switch (c) {
    case 'm': model_s = optarg; break;
    case 'D': dem = optarg; break;
    case 'S': sit = optarg; break;
    case 'C': costs = optarg; break;
    case 'O': orlib = optarg; break;
    case 'P': orcap = optarg; break;
    case 'o': outp = optarg; break;
    case 'j': json = 1; break;
    case 'q': quiet = 1; break;
    case 'v': ec_cli_verbose = 1; break;
    case 'h': usage(stdout); return EC_EXIT_OK;
    case 'p':
      if (ec_parse_long(optarg, &l) || l < 0)
        return ec_cli_usage("site", "-p needs a whole number >= 0, not '%s'", optarg);
      p = l;
      break;
    case 'k':
      if (ec_parse_long(optarg, &l) || l < 1)
        return ec_cli_usage("site", "--k-nearest needs a whole number >= 1, not '%s'", optarg);
      k = l;
      break;
    case 's':
      if (ec_parse_long(optarg, &l) || l < 0)
        return ec_cli_usage("site", "--seed needs a whole number >= 0, not '%s'", optarg);
      seed = (unsigned long)l;
      break;
    case 'r': case 't': case 'M': case 'U':
      if (ec_parse_double(optarg, &v) || v < 0 || (c == 't' && v == 0))
        return ec_cli_usage("site", "option -%c needs a number %s, not '%s'", c,
                            c == 't' ? "> 0" : ">= 0", optarg);
      if (c == 'r') radius = v;
      else if (c == 't') tlimit = v;
      else if (c == 'M') maxcost = v;
      else unserved = v;
      break;
    case ':': return ec_cli_usage("site", "option '%s' needs a value", argv[optind - 1]);
    default: return ec_cli_usage("site", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return ec_cli_usage("site", "unexpected argument '%s'", argv[optind]);
  if (!model_s) return ec_cli_usage("site", "--model is required");
  int model = ec_site_model_parse(model_s);
  if (model < 0) return ec_cli_usage("site", "unknown model '%s'", model_s);
  int nsrc = (orlib != NULL) + (orcap != NULL) + (dem != NULL || sit != NULL);
  if (nsrc != 1)
    return ec_cli_usage("site", "give either --demand and --sites, or --orlib, or --orlib-cap");
  if ((dem != NULL) != (sit != NULL))
    return ec_cli_usage("site", "--demand and --sites go together");
  if ((model == EC_SITE_MCLP || model == EC_SITE_LSCP) && isnan(radius))
    return ec_cli_usage("site", "--model %s needs --radius", model_s);
  if (costs && !dem) return ec_cli_usage("site", "--costs goes with --demand/--sites");

  ec_error err;
  ec_error_clear(&err);
  ec_site_data *d = NULL;
  int rc;
  double cut = maxcost;
  /* coverage models never need pairs beyond the radius */
  if (!isnan(radius) && (model == EC_SITE_MCLP || model == EC_SITE_LSCP) && radius < cut)
    cut = radius;
  if (orlib) {
    rc = ec_site_read_orlib_pmed(orlib, &d, &err);
  } else if (orcap) {
    rc = ec_site_read_orlib_pmedcap(orcap, &d, &err);
    if (!rc) rc = ec_site_euclid_costs(d, cut, (size_t)k, &err);
  } else {
    rc = ec_site_read_csv(dem, sit, &d, &err);
    if (!rc) rc = costs ? ec_site_read_costs(d, costs, cut, (size_t)k, &err)
                        : ec_site_euclid_costs(d, cut, (size_t)k, &err);
  }
  if (rc) {
    ec_site_data_free(d);
    return ec_cli_fail(&err);
  }
  if (p < 0) p = (long)d->p;
  if (model != EC_SITE_LSCP && p <= 0) {
    ec_site_data_free(d);
    return ec_cli_usage("site", "--model %s needs -p N", model_s);
  }
  if (model == EC_SITE_CPMP && !d->capacity) {
    ec_site_data_free(d);
    return ec_cli_usage("site", "--model cpmp needs a capacity column in the sites file");
  }
  ec_site_params par;
  ec_site_params_init(&par);
  par.model = (ec_site_model)model;
  par.p = (size_t)(p > 0 ? p : 0);
  par.radius = radius;
  par.weight = d->weight;
  par.demand = d->demand;
  par.capacity = d->capacity;
  par.fixed = d->fixed;
  par.unserved_cost = unserved;
  par.seed = seed;
  par.time_limit_s = tlimit;
  ec_site_result res;
  double t0 = ec_cli_now();
  rc = ec_site_solve(d->od, &par, &res, &err);
  double secs = ec_cli_now() - t0;
  if (rc) {
    ec_site_result_free(&res);
    ec_site_data_free(d);
    return ec_cli_fail(&err);
  }
  if (outp && (rc = ec_site_write_assignment(outp, d, &res, &err))) {
    ec_site_result_free(&res);
    ec_site_data_free(d);
    return ec_cli_fail(&err);
  }
  int is_max = model == EC_SITE_MCLP;
  if (json) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", model_s);
    cJSON_AddNumberToObject(o, "p", (double)res.nopen);
    cJSON_AddNumberToObject(o, "objective", res.objective);
    /* For MCLP (maximisation) the objective itself is the lower bound on the
     * optimum and the Lagrangian gives the upper bound. */
    cJSON_AddNumberToObject(o, "lower_bound", is_max ? res.objective : res.bound);
    if (is_max) cJSON_AddNumberToObject(o, "upper_bound", res.bound);
    cJSON_AddNumberToObject(o, "gap", res.gap);
    cJSON *s = cJSON_AddArrayToObject(o, "sites");
    for (size_t j = 0; j < res.nopen; j++)
      cJSON_AddItemToArray(s, cJSON_CreateString(d->site_id[res.open[j]]));
    cJSON_AddNumberToObject(o, "seconds", secs);
    cJSON_AddBoolToObject(o, "proven_optimal", res.proven);
    cJSON_AddNumberToObject(o, "clients", (double)res.nclients);
    cJSON_AddNumberToObject(o, "unserved", (double)res.unserved);
    cJSON_AddNumberToObject(o, "pairs", (double)ec_od_nnz(d->od));
    if (isfinite(d->best_known)) cJSON_AddNumberToObject(o, "best_known", d->best_known);
    char *txt = cJSON_PrintUnformatted(o);
    if (txt) puts(txt);
    free(txt);
    cJSON_Delete(o);
  } else if (!quiet) {
    static const char *const what[] = {"weighted cost", "covered weight",
                                       "sites needed", "largest cost",
                                       "capacitated cost"};
    printf("model      %s (%zu clients, %zu sites, %zu pairs)\n", model_s,
           d->nclients, d->nsites, ec_od_nnz(d->od));
    printf("objective  %.10g (%s)\n", res.objective, what[model]);
    printf("%s %.10g\n", is_max ? "upper bnd " : "lower bnd ", res.bound);
    printf("gap        %.4f %%%s\n", 100 * res.gap, res.proven ? " (proven optimal)" : "");
    printf("open       %zu sites:", res.nopen);
    for (size_t j = 0; j < res.nopen && j < 30; j++)
      printf(" %s", d->site_id[res.open[j]]);
    printf("%s\n", res.nopen > 30 ? " ..." : "");
    if (res.unserved) printf("%s %zu clients\n", is_max ? "uncovered " : "unserved  ", res.unserved);
    printf("seconds    %.3f\n", secs);
  }
  ec_site_result_free(&res);
  ec_site_data_free(d);
  return EC_EXIT_OK;
}
