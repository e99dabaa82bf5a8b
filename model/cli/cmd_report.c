/* cmd_report.c — `eldercap report RESULTS.h5 -o report.html`. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_report.h"

static void usage(void) {
  printf("Usage: eldercap report RESULTS.h5 -o REPORT.html\n"
         "                       [--scenario N | --where key=value ...] [--year Y] [-q]\n\n"
         "Writes one self-contained HTML file for a planning review (no network, no\n"
         "external files; Chinese and English labels; prints on A4): the policy rules\n"
         "met or not and by when, maps of beds per 1,000 elderly and of the bed gap,\n"
         "required against available beds over the years (with the Monte Carlo band\n"
         "when present), medical care, and siting options and standards when present.\n\n"
         "Options:\n"
         "  -o, --output FILE   the HTML report (required)\n"
         "  --scenario N        scenario number on the `scenario` axis (sweeps)\n"
         "  --where key=value   pick the scenario by a swept parameter; repeatable\n"
         "  --year Y            year of the maps and tables (default: last year)\n"
         "  -q, --quiet         no summary on stdout\n"
         "  -h, --help          this help\n");
}

int ec_cmd_report(int argc, char **argv) {
  static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                     {"scenario", required_argument, 0, 'S'},
                                     {"where", required_argument, 0, 'W'},
                                     {"year", required_argument, 0, 'Y'},
                                     {"quiet", no_argument, 0, 'q'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  ec_report_opts o;
  memset(&o, 0, sizeof o);
  int quiet = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
    switch (c) {
    case 'o': o.out_path = optarg; break;
    case 'q': quiet = 1; break;
    case 'h': usage(); return EC_EXIT_OK;
    default: {
      int sel = ec_cli_selection_option(argv[0], c, optarg, &o.req);
      if (sel >= 0) {
        if (sel) return sel;
        break;
      }
      return ec_cli_usage(argv[0], "unknown option '%s'", argv[optind - 1]);
    }
    }
  }
  if (optind != argc - 1) return ec_cli_usage(argv[0], "exactly one results file expected");
  if (!o.out_path) return ec_cli_usage(argv[0], "-o REPORT.html is required");
  ec_error err;
  ec_error_clear(&err);
  ec_report_summary s;
  if (ec_report_run(argv[optind], &o, &s, &err)) return ec_cli_fail(&err);
  if (!quiet) {
    printf("Report: %s (%zu bytes)\n", o.out_path, s.bytes);
    printf("  year %.0f; %d townships, %d facilities", s.year, s.ntownships, s.nfacilities);
    if (s.nsites) printf(", %d sites", s.nsites);
    if (s.scenario >= 0) printf("; scenario index %ld", s.scenario);
    printf("%s\n", s.has_band ? "; Monte Carlo band shown" : "");
    printf("  rules at their deadlines: %d met, %d not met, %d unknown\n", s.rules_met,
           s.rules_not_met, s.rules_unknown);
  }
  return EC_EXIT_OK;
}
