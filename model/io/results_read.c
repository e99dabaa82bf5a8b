/* results_read.c — hyperslab reads and user selections over a results file. */
#include "eldercap/ec_results_read.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hid_t open_ro(const char *path, ec_error *err) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    ec_error_set(err, EC_ERR_HDF5, path, 0, NULL, "HDF5 cannot open the file");
  return f;
}

int ec_results_dims_are(const ec_dsinfo *ds, int n, const char *const *dims) {
  int off = ds->ndims > 0 && !strcmp(ds->dims[0], "scenario") &&
                    (n == 0 || strcmp(dims[0], "scenario"))
                ? 1
                : 0;
  if (ds->ndims - off != n) return 0;
  for (int i = 0; i < n; i++)
    if (strcmp(ds->dims[off + i], dims[i])) return 0;
  return 1;
}

int ec_results_read_fixed(const char *path, const ec_dsinfo *ds, int nfix,
                          const char *const *fix_dims, const long *fix_index,
                          int *ndims, size_t shape[EC_H5_MAXDIMS],
                          double **data, ec_error *err) {
  *data = NULL;
  *ndims = 0;
  if (ds->type == EC_H5_STRING)
    return ec_error_set(err, EC_ERR_INVALID, path, 0, ds->name,
                        "dataset '%s' is not numeric", ds->name);
  hsize_t start[EC_H5_MAXDIMS], count[EC_H5_MAXDIMS];
  size_t n = 1;
  int nd = 0;
  for (int i = 0; i < ds->ndims; i++) {
    long fix = -1;
    for (int k = 0; k < nfix; k++)
      if (!strcmp(ds->dims[i], fix_dims[k])) fix = fix_index[k];
    if (fix >= (long)ds->shape[i])
      return ec_error_set(err, EC_ERR_RANGE, path, 0, ds->name,
                          "index %ld outside axis '%s' of length %zu", fix,
                          ds->dims[i], ds->shape[i]);
    start[i] = fix >= 0 ? (hsize_t)fix : 0;
    count[i] = fix >= 0 ? 1 : (hsize_t)ds->shape[i];
    if (fix < 0) shape[nd++] = ds->shape[i];
    n *= (size_t)count[i];
  }
  hid_t f = open_ro(path, err);
  if (f < 0) return EC_ERR_HDF5;
  int rc = EC_OK;
  hid_t d = H5Dopen2(f, ds->name, H5P_DEFAULT);
  hid_t fs = d >= 0 ? H5Dget_space(d) : -1;
  hid_t ms = -1;
  double *buf = malloc((n ? n : 1) * sizeof *buf);
  if (!buf) rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, ds->name, "out of memory");
  else if (d < 0 || fs < 0)
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, ds->name, "no dataset '%s'",
                      ds->name);
  else if (n > 0) {
    hsize_t mn = (hsize_t)n;
    ms = H5Screate_simple(1, &mn, NULL);
    if (ds->ndims > 0 &&
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
      rc = ec_error_set(err, EC_ERR_HDF5, path, 0, ds->name, "bad hyperslab");
    else if (ms < 0 || H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0)
      rc = ec_error_set(err, EC_ERR_HDF5, path, 0, ds->name,
                        "cannot read dataset '%s' (damaged file?)", ds->name);
  }
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  if (d >= 0) H5Dclose(d);
  H5Fclose(f);
  if (rc) {
    free(buf);
    return rc;
  }
  *data = buf;
  *ndims = nd;
  return EC_OK;
}

/* Coordinate values of a dimension scale; *n = 0 when the file lacks it. */
static int coord(const char *path, const ec_results_info *info, const char *dim,
                 size_t *n, double **v, ec_error *err) {
  *n = 0;
  *v = NULL;
  const ec_dsinfo *d = ec_results_info_find(info, dim);
  if (!d) return EC_OK;
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  int rc = ec_results_read_fixed(path, d, 0, NULL, NULL, &nd, sh, v, err);
  if (rc) return rc;
  *n = nd == 1 ? sh[0] : 0;
  return EC_OK;
}

static int same_value(double a, double b) {
  return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

/* Apply one "key=value" to the mask of candidate scenarios. */
static int apply_where(const char *path, const ec_results_info *info,
                       const char *expr, size_t nscen, unsigned char *mask,
                       ec_error *err) {
  const char *eq = strchr(expr, '=');
  if (!eq || eq == expr)
    return ec_error_set(err, EC_ERR_USAGE, NULL, 0, "--where",
                        "'%s' is not key=value", expr);
  char key[128];
  snprintf(key, sizeof key, "%.*s", (int)(eq - expr), expr);
  const char *val = eq + 1;
  char alt[160], alt2[160];
  snprintf(alt, sizeof alt, "sweep_%s", key);
  /* the scenario key as written in the INI ("capacity.beds_per_1000") names
   * the run's dataset sweep_capacity_beds_per_1000 */
  snprintf(alt2, sizeof alt2, "%s", alt);
  for (char *c = alt2; *c; c++)
    if (*c == '.') *c = '_';
  const char *dn[] = {"scenario"};
  const ec_dsinfo *d = ec_results_info_find(info, alt);
  if (!d || !ec_results_dims_are(d, 1, dn)) d = ec_results_info_find(info, alt2);
  if (!d || !ec_results_dims_are(d, 1, dn)) d = ec_results_info_find(info, key);
  if (!d || d->is_scale || !ec_results_dims_are(d, 1, dn)) {
    char known[512] = "";
    for (int i = 0; i < info->nds; i++)
      if (!info->ds[i].is_scale && ec_results_dims_are(&info->ds[i], 1, dn) &&
          strlen(known) + strlen(info->ds[i].name) + 3 < sizeof known) {
        const char *nm = info->ds[i].name;
        if (!strncmp(nm, "sweep_", 6)) nm += 6;
        strcat(known, known[0] ? ", " : "");
        char dotted[128];
        snprintf(dotted, sizeof dotted, "%s", nm);
        char *u = strchr(dotted, '_'); /* section_key -> section.key */
        if (u && !strchr(dotted, '.') && !strncmp(info->ds[i].name, "sweep_", 6)) *u = '.';
        strcat(known, dotted);
      }
    return ec_error_set(err, EC_ERR_MISSING, path, 0, "--where",
                        "unknown key '%s' (parameters on the scenario axis: %s)",
                        key, known[0] ? known : "none");
  }
  if (d->type == EC_H5_STRING) {
    size_t n;
    char **s;
    int rc = ec_results_read_strings(path, d->name, &n, &s, err);
    if (rc) return rc;
    for (size_t i = 0; i < nscen; i++)
      if (i >= n || strcmp(s[i], val)) mask[i] = 0;
    for (size_t i = 0; i < n; i++) free(s[i]);
    free(s);
    return EC_OK;
  }
  char *end;
  errno = 0;
  double x = strtod(val, &end);
  if (end == val || *end || errno)
    return ec_error_set(err, EC_ERR_PARSE, NULL, 0, "--where",
                        "'%s' is not a number for key '%s'", val, key);
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *v;
  int rc = ec_results_read_fixed(path, d, 0, NULL, NULL, &nd, sh, &v, err);
  if (rc) return rc;
  for (size_t i = 0; i < nscen; i++)
    if (i >= sh[0] || !same_value(v[i], x)) mask[i] = 0;
  free(v);
  return EC_OK;
}

static void range_text(const double *v, size_t n, char *buf, size_t sz) {
  if (n == 0) snprintf(buf, sz, "none");
  else if (n <= 8) {
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
      size_t L = strlen(buf);
      snprintf(buf + L, sz - L, "%s%g", i ? ", " : "", v[i]);
    }
  } else
    snprintf(buf, sz, "%g .. %g", v[0], v[n - 1]);
}

int ec_results_select(const char *path, const ec_results_info *info,
                      const ec_results_request *req, int need_one_scenario,
                      ec_results_sel *sel, ec_error *err) {
  memset(sel, 0, sizeof *sel);
  sel->scenario = -1;
  sel->quantile = -1;
  size_t n;
  double *v = NULL;
  char rng[256];
  int rc;
  /* scenario */
  if ((rc = coord(path, info, "scenario", &n, &v, err))) return rc;
  sel->nscenarios = (long)n;
  if (n == 0) {
    free(v);
    if (req->nwhere > 0)
      return ec_error_set(err, EC_ERR_MISSING, path, 0, "--where",
                          "the results hold one scenario (no scenario axis), "
                          "so there is nothing to select with --where");
    if (req->has_scenario && req->scenario != 0)
      return ec_error_set(err, EC_ERR_RANGE, path, 0, "--scenario",
                          "the results hold one scenario (no scenario axis); "
                          "--scenario %ld does not exist",
                          req->scenario);
  } else {
    unsigned char *mask = malloc(n);
    if (!mask) {
      free(v);
      return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    }
    memset(mask, 1, n);
    if (req->has_scenario) {
      for (size_t i = 0; i < n; i++)
        if (!same_value(v[i], (double)req->scenario)) mask[i] = 0;
    }
    for (int w = 0; w < req->nwhere && !rc; w++)
      rc = apply_where(path, info, req->where[w], n, mask, err);
    size_t hits = 0, first = 0;
    for (size_t i = 0; i < n; i++)
      if (mask[i] && !hits++) first = i;
    free(mask);
    range_text(v, n, rng, sizeof rng);
    free(v);
    if (rc) return rc;
    int chose = req->has_scenario || req->nwhere > 0;
    if (chose && hits == 0)
      return ec_error_set(err, EC_ERR_RANGE, path, 0,
                          req->has_scenario ? "--scenario" : "--where",
                          "no scenario matches (scenarios: %s)", rng);
    if (chose && hits > 1)
      return ec_error_set(err, EC_ERR_RANGE, path, 0, "--where",
                          "%zu scenarios match; add --where or --scenario to "
                          "pick one",
                          hits);
    if (chose) sel->scenario = (long)first;
    else if (n == 1) sel->scenario = 0;
    else if (need_one_scenario)
      return ec_error_set(err, EC_ERR_MISSING, path, 0, "--scenario",
                          "the results hold %zu scenarios (%s); choose one "
                          "with --scenario N or --where key=value",
                          n, rng);
  }
  /* year */
  if ((rc = coord(path, info, "year", &n, &v, err))) return rc;
  if (n == 0) {
    free(v);
    return ec_error_set(err, EC_ERR_MISSING, path, 0, "year",
                        "no 'year' dimension in the results");
  }
  sel->nyears = (long)n;
  sel->year = (long)n - 1;
  if (req->has_year) {
    sel->year = -1;
    for (size_t i = 0; i < n; i++)
      if (same_value(v[i], (double)req->year)) sel->year = (long)i;
    if (sel->year < 0) {
      range_text(v, n, rng, sizeof rng);
      free(v);
      return ec_error_set(err, EC_ERR_RANGE, path, 0, "--year",
                          "year %ld is not in the results (years %s)",
                          req->year, rng);
    }
  }
  sel->year_value = v[sel->year];
  free(v);
  /* quantile */
  if (req->has_quantile) {
    if ((rc = coord(path, info, "quantile", &n, &v, err))) return rc;
    for (size_t i = 0; i < n; i++)
      if (fabs(v[i] - req->quantile) < 1e-9) sel->quantile = (long)i;
    if (sel->quantile < 0) {
      range_text(v, n, rng, sizeof rng);
      free(v);
      return ec_error_set(err, EC_ERR_RANGE, path, 0, "--quantile",
                          n ? "quantile %g is not in the results (quantiles: %s)"
                            : "quantile %g requested but the results hold no "
                              "Monte Carlo quantiles (%s); run with replicates",
                          req->quantile, rng);
    }
    sel->quantile_value = v[sel->quantile];
    free(v);
  }
  return EC_OK;
}

int ec_results_read_yt(const char *path, const ec_results_info *info,
                       const char *name, const ec_results_sel *sel,
                       long scenario, double **out, size_t *nyears,
                       size_t *ntownships, ec_error *err) {
  *out = NULL;
  const char *yt[] = {"year", "township"};
  const char *qyt[] = {"quantile", "year", "township"};
  const ec_dsinfo *d = NULL;
  if (sel->quantile >= 0) {
    char qn[160];
    snprintf(qn, sizeof qn, "%s_q", name);
    d = ec_results_info_find(info, qn);
    if (d && !ec_results_dims_are(d, 3, qyt)) d = NULL;
  }
  if (!d) d = ec_results_info_find(info, name);
  if (!d)
    return ec_error_set(err, EC_ERR_MISSING, path, 0, name,
                        "no dataset '%s' in the results", name);
  if (!ec_results_dims_are(d, 2, yt) && !ec_results_dims_are(d, 3, qyt))
    return ec_error_set(err, EC_ERR_INVALID, path, 0, name,
                        "dataset '%s' is not on [year, township]", name);
  const char *fd[] = {"scenario", "quantile"};
  long fi[] = {scenario < 0 ? 0 : scenario, sel->quantile};
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  int rc = ec_results_read_fixed(path, d, 2, fd, fi, &nd, sh, out, err);
  if (rc) return rc;
  if (nd != 2) {
    free(*out);
    *out = NULL;
    return ec_error_set(err, EC_ERR_INVALID, path, 0, name,
                        "dataset '%s' has an unexpected shape", name);
  }
  *nyears = sh[0];
  *ntownships = sh[1];
  return EC_OK;
}
