/* cmd_check.c — `eldercap check SCENARIO.ini`: validate a scenario and every
 * input it names, without running. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_plan.h"

int ec_cmd_check(int argc, char **argv) {
  static const struct option lo[] = {{"set", required_argument, 0, 'S'},
                                     {"quiet", no_argument, 0, 'q'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  char **sets = calloc((size_t)argc + 1, sizeof *sets);
  int nsets = 0, quiet = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
    if (c == 'S') sets[nsets++] = optarg;
    else if (c == 'q') quiet = 1;
    else if (c == 'h') {
      printf("Usage: eldercap check SCENARIO.ini [--set section.key=value ...] [-q]\n\n"
             "Reads the scenario and every input file it names (township layer and its\n"
             ".prj, censuses, rates, facilities), checks them and prepares the\n"
             "projection, without running it or writing anything. Exit 0 if all is well.\n");
      free(sets);
      return EC_EXIT_OK;
    } else {
      free(sets);
      return ec_cli_usage(argv[0], "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind != argc - 1) {
    free(sets);
    return ec_cli_usage(argv[0], "exactly one scenario file expected");
  }
  ec_error err;
  ec_error_clear(&err);
  ec_scenario s;
  ec_scenario_defaults(&s);
  int rc = ec_scenario_load(&s, argv[optind], nsets, sets, &err);
  free(sets);
  if (rc) return ec_cli_fail(&err);
  ec_plan *p = NULL;
  rc = ec_plan_load(&s, &p, &err);
  if (rc) {
    ec_scenario_free(&s);
    return ec_cli_fail(&err);
  }
  if (!quiet) {
    printf("%s: OK\n", s.path);
    printf("  scenario   %s (%s)\n", s.name, s.title);
    printf("  years      %d..%d, base %d\n", s.start_year, s.horizon_year, s.base_year);
    printf("  townships  %d from %s (source CRS %s, working CRS %s)\n", p->nunits,
           p->region->source_path[0] ? p->region->source_path : "(one unit: the census area)",
           p->region->source_crs[0] ? p->region->source_crs : "-", p->region->crs);
    printf("  census     %s, %d census(es)", p->census.area_name, p->census.ncensus);
    for (int i = 0; i < p->census.ncensus; i++) printf(" %d", p->census.census[i].year);
    printf("\n  facilities %d from file, %d homes planned by the policy\n", p->nexisting,
           p->nfac - p->nexisting);
    printf("  Monte Carlo replicates %d, seed %lu; sweep axes %d\n", s.replicates, s.seed,
           s.nsweep);
  }
  ec_plan_free(p);
  ec_scenario_free(&s);
  return EC_EXIT_OK;
}
