/* ec_report.h — the planning-review report: one self-contained HTML file.
 *
 * No network, no external scripts, styles or fonts: inline CSS and SVG only,
 * UTF-8 with Chinese and English labels, print-friendly. Contents: the policy
 * rules met or not and by when; choropleth maps of beds per 1,000 elderly and
 * of the bed gap drawn from the township polygons (simplified with GEOS), with
 * facilities and sites; required against available beds over the years (with
 * the Monte Carlo band when the results hold quantiles); and, when present in
 * the results, siting options, medical coverage and the standards table.   */
#ifndef EC_REPORT_H
#define EC_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_results_read.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const char *out_path;   /* report.html, written via ec_atomic */
  ec_results_request req; /* scenario, year of the maps, (quantile unused) */
} ec_report_opts;

typedef struct {
  size_t bytes;          /* size of the HTML file */
  int ntownships, nfacilities, nsites;
  double year;           /* year of the maps and tables */
  long scenario;         /* index on the scenario axis, -1 none */
  int has_band;          /* Monte Carlo band drawn */
  int rules_met, rules_not_met, rules_unknown; /* at their deadlines */
} ec_report_summary;

int ec_report_run(const char *results_path, const ec_report_opts *opts,
                  ec_report_summary *summary, ec_error *err);

/* Write s to fp with & < > " ' escaped for HTML text and attributes. */
void ec_report_escape(FILE *fp, const char *s);

#ifdef __cplusplus
}
#endif
#endif
