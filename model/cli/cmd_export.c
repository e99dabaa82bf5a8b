/* cmd_export.c — `eldercap export RESULTS.h5 --format shp|csv -o DIR`. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_export.h"

static void usage(void) {
  printf(
      "Usage: eldercap export RESULTS.h5 --format shp|csv -o DIR\n"
      "                       [--scenario N | --where key=value ...] [--year Y]\n"
      "                       [--quantile Q] [--crs EPSG:XXXX] [-q]\n\n"
      "Writes the results for GIS and spreadsheets into DIR (created if missing;\n"
      "files of the same name are replaced only when every file was written):\n"
      "  shp: townships.shp (polygons, one scenario and year as attributes),\n"
      "       facilities.shp and, when the results hold sites, sites.shp (points);\n"
      "       each with .shx .dbf .prj (ESRI WKT by PROJ) .cpg (UTF-8) and a\n"
      "       <layer>_fields.csv dictionary (short_name,long_name,units,description)\n"
      "  csv: townships.csv (with a WKT column), facilities.csv, sites.csv,\n"
      "       township_year.csv (every scenario, year and township, long format),\n"
      "       city_year.csv, each with its <table>_fields.csv\n\n"
      "Options:\n"
      "  --format shp|csv    output format (required)\n"
      "  -o, --output DIR    output directory (required)\n"
      "  --scenario N        scenario number on the `scenario` axis (sweeps)\n"
      "  --where key=value   pick the scenario whose swept parameter key has this\n"
      "                      value (e.g. capacity.beds_per_1000=45); repeatable\n"
      "  --year Y            year of the township attributes (default: last year)\n"
      "  --quantile Q        Monte Carlo quantile (e.g. 0.95) instead of the\n"
      "                      deterministic values, where quantiles exist\n"
      "  --crs CRS           output CRS (default: the results' CRS attribute)\n"
      "  -q, --quiet         no summary on stdout\n"
      "  -h, --help          this help\n");
}

int ec_cmd_export(int argc, char **argv) {
  static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                     {"output", required_argument, 0, 'o'},
                                     {"scenario", required_argument, 0, 'S'},
                                     {"where", required_argument, 0, 'W'},
                                     {"year", required_argument, 0, 'Y'},
                                     {"quantile", required_argument, 0, 'Q'},
                                     {"crs", required_argument, 0, 'C'},
                                     {"quiet", no_argument, 0, 'q'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  ec_export_opts o;
  memset(&o, 0, sizeof o);
  int have_format = 0, quiet = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!strcmp(optarg, "shp")) o.format = EC_EXPORT_SHP;
      else if (!strcmp(optarg, "csv")) o.format = EC_EXPORT_CSV;
      else return ec_cli_usage(argv[0], "--format must be shp or csv, not '%s'", optarg);
      have_format = 1;
      break;
    case 'o': o.out_dir = optarg; break;
    case 'C': o.crs = optarg; break;
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
  if (!have_format) return ec_cli_usage(argv[0], "--format shp|csv is required");
  if (!o.out_dir) return ec_cli_usage(argv[0], "-o DIR is required");
  ec_error err;
  ec_error_clear(&err);
  ec_export_summary sum;
  if (ec_export_run(argv[optind], &o, &sum, &err)) return ec_cli_fail(&err);
  if (!quiet) {
    printf("Exported %s to %s (%s)\n", argv[optind], o.out_dir, sum.crs);
    printf("  year %.0f", sum.year);
    if (sum.scenario >= 0) printf(", scenario index %ld", sum.scenario);
    if (sum.quantile >= 0) printf(", quantile %g", sum.quantile);
    printf("; %d townships, %d facilities", sum.ntownships, sum.nfacilities);
    if (sum.nsites) printf(", %d sites", sum.nsites);
    if (sum.ntable_rows) printf(", %ld township-year rows", sum.ntable_rows);
    printf("\n");
    for (int i = 0; i < sum.nfiles; i++) printf("  %s\n", sum.files[i]);
  }
  return EC_EXIT_OK;
}
