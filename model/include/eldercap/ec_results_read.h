/* ec_results_read.h — reading slices of a results file for export and report.
 *
 * Results may carry a leading `scenario` axis (sweeps) and `quantile` /
 * `replicate` axes (Monte Carlo). These helpers read a dataset with some named
 * axes fixed at one index, and resolve a user's choice (--scenario, --where,
 * --year, --quantile) to indices, so export and report treat every layout the
 * same way.                                                                   */
#ifndef EC_RESULTS_READ_H
#define EC_RESULTS_READ_H

#include <stddef.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_results.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EC_SEL_MAXWHERE 8

/* What the user asked for on the command line. */
typedef struct {
  int has_scenario;
  long scenario;                      /* value on the `scenario` coordinate */
  int nwhere;
  const char *where[EC_SEL_MAXWHERE]; /* "key=value", key a dataset on [scenario] */
  int has_year;
  long year;                          /* calendar year */
  int has_quantile;
  double quantile;                    /* probability, e.g. 0.95 */
} ec_results_request;

/* The resolved choice: indices along each axis. */
typedef struct {
  long scenario;     /* index on `scenario`; -1: no scenario axis or all scenarios */
  long nscenarios;   /* length of the `scenario` axis, 0 when absent */
  long year;         /* index on `year` */
  long nyears;
  long quantile;     /* index on `quantile`; -1: the deterministic values */
  double year_value; /* the calendar year chosen */
  double quantile_value;
} ec_results_sel;

/* Resolve req against the file. With need_one_scenario and a scenario axis of
 * more than one entry, the request must pick exactly one. Without --year the
 * last year is chosen. Errors name the option (field) and the file. */
int ec_results_select(const char *path, const ec_results_info *info,
                      const ec_results_request *req, int need_one_scenario,
                      ec_results_sel *sel, ec_error *err);

/* 1 if ds's axes are exactly dims[0..n) after an optional leading `scenario`
 * axis, else 0. */
int ec_results_dims_are(const ec_dsinfo *ds, int n, const char *const *dims);

/* Read a numeric dataset (any integer or float type) as doubles with the named
 * axes fixed at one index each (names the dataset lacks are ignored; an index
 * < 0 leaves that axis whole). The remaining axes are returned in *ndims and
 * shape; *data is malloc'd and row-major. */
int ec_results_read_fixed(const char *path, const ec_dsinfo *ds, int nfix,
                          const char *const *fix_dims, const long *fix_index,
                          int *ndims, size_t shape[EC_H5_MAXDIMS],
                          double **data, ec_error *err);

/* Convenience for [scenario?, quantile?, year, township] variables: the
 * [year, township] block of `name` for sel (the `<name>_q` block at
 * sel->quantile when quantile >= 0 and that dataset exists). *out holds
 * nyears * ntownships values. */
int ec_results_read_yt(const char *path, const ec_results_info *info,
                       const char *name, const ec_results_sel *sel,
                       long scenario, double **out, size_t *nyears,
                       size_t *ntownships, ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
