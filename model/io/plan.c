/* plan.c — load a scenario's inputs and simulate it. */
#include "eldercap/ec_plan.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void ec_plan_free(ec_plan *p) {
  if (!p) return;
  ec_projection_free(p->proj);
  ec_od_free(p->od);
  if (!p->shares_inputs) {
    ec_rates_free(p->rates);
    ec_region_free(p->region);
    ec_demand_grid_free(&p->grid);
    free(p->options);
    ec_standards_result_free(p->standards);
  }
  free(p->fac);
  free(p->base);
  free(p);
}

/* Largest-remainder rounding of v[0..n) to integers summing to round(sum v)
 * (Hamilton's method; ties go to the lower index). */
static void round_preserving_sum(double *v, int n) {
  double sum = 0, fl = 0;
  for (int i = 0; i < n; i++) sum += v[i];
  long target = lround(sum);
  for (int i = 0; i < n; i++) fl += floor(v[i]);
  long extra = target - (long)fl;
  double frac[EC_NAGE];
  int used[EC_NAGE] = {0};
  for (int i = 0; i < n; i++) {
    frac[i] = v[i] - floor(v[i]);
    v[i] = floor(v[i]);
  }
  for (long k = 0; k < extra && k < n; k++) {
    int best = -1;
    for (int i = 0; i < n; i++)
      if (!used[i] && (best < 0 || frac[i] > frac[best])) best = i;
    used[best] = 1;
    v[best] += 1;
  }
}

void ec_plan_share_out(const ec_agesex *county, int nunits, const double *weight,
                       ec_agesex *out) {
  double wsum = 0;
  for (int u = 0; u < nunits; u++) wsum += weight[u];
  /* Whole persons: the county's single-year counts are rounded within the
   * census age groups (0, 1-4, 5-9, ..., 85+), so every group total and hence
   * every 60+/65+/80+ total is kept exactly; then each cell is shared out by
   * largest remainder, so the townships add up to the county exactly. */
  ec_agesex c = *county;
  static const int blocks[] = {0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55,
                               60, 65, 70, 75, 80, 85, EC_NAGE};
  for (int sx = 0; sx < EC_NSEX; sx++)
    for (size_t b = 0; b + 1 < sizeof blocks / sizeof blocks[0]; b++)
      round_preserving_sum(&c.n[sx][blocks[b]], blocks[b + 1] - blocks[b]);
  double *q = malloc((size_t)nunits * sizeof *q);
  int *used = malloc((size_t)nunits * sizeof *used);
  if (!q || !used) { /* fall back to plain proportional shares */
    for (int u = 0; u < nunits; u++)
      for (int sx = 0; sx < EC_NSEX; sx++)
        for (int a = 0; a < EC_NAGE; a++) out[u].n[sx][a] = c.n[sx][a] * weight[u] / wsum;
    free(q);
    free(used);
    return;
  }
  for (int sx = 0; sx < EC_NSEX; sx++)
    for (int a = 0; a < EC_NAGE; a++) {
      double total = c.n[sx][a], fl = 0;
      for (int u = 0; u < nunits; u++) {
        q[u] = total * (weight[u] / wsum);
        out[u].n[sx][a] = floor(q[u]);
        fl += out[u].n[sx][a];
        used[u] = 0;
      }
      long extra = lround(total - fl);
      for (long k = 0; k < extra && k < nunits; k++) {
        int best = -1;
        for (int u = 0; u < nunits; u++)
          if (!used[u] && (best < 0 || q[u] - floor(q[u]) > q[best] - floor(q[best]))) best = u;
        used[best] = 1;
        out[best].n[sx][a] += 1;
      }
    }
  free(q);
  free(used);
}

static void add_checksum(ec_plan *p, const char *path) {
  if (!path || !path[0] || p->nchecksums >= 8) return;
  char hex[65];
  if (ec_sha256_file(path, hex, NULL)) return;
  snprintf(p->checksums[p->nchecksums++], sizeof p->checksums[0], "%.80s sha256:%s",
           path, hex);
}

static int prepare(ec_plan *p, const ec_scenario *s, ec_error *err);
static int prepare_keep(ec_plan *p, const ec_scenario *s, const ec_plan *base, ec_error *err);

int ec_plan_load(const ec_scenario *s, ec_plan **out, ec_error *err) {
  *out = NULL;
  ec_plan *p = calloc(1, sizeof *p);
  if (!p) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  p->s = s;
  int rc;
  if (!s->census[0] || !s->mortality[0]) {
    ec_plan_free(p);
    return ec_error_set(err, EC_ERR_MISSING, s->path, 0,
                        !s->census[0] ? "data.census" : "data.mortality",
                        "the scenario must name this input file");
  }
  if ((rc = ec_rates_read(s->mortality, s->fertility, s->migration, &p->rates, err)) ||
      (rc = ec_census_read(s->census, s->census_area, &p->census, err)) ||
      (rc = ec_region_read(s, p->census.area_code, p->census.area_name, &p->region, err))) {
    ec_plan_free(p);
    return rc;
  }
  add_checksum(p, s->mortality);
  add_checksum(p, s->fertility);
  add_checksum(p, s->migration);
  add_checksum(p, s->census);
  add_checksum(p, s->townships);
  p->nunits = p->region->nunits;
  p->nyears = s->horizon_year - s->start_year + 1;
  if (s->facilities[0]) {
    if ((rc = ec_facilities_read(s->facilities, s, p->region, &p->fac, &p->nfac, err))) {
      ec_plan_free(p);
      return rc;
    }
    add_checksum(p, s->facilities);
  }
  p->nexisting = p->nfac;
  for (int f = 0; f < p->nfac; f++)
    if (isnan(p->fac[f].x_m) && p->fac[f].unit >= 0) { /* ASSUMPTION, see README */
      p->fac[f].x_m = p->region->units[p->fac[f].unit].cx_m;
      p->fac[f].y_m = p->region->units[p->fac[f].unit].cy_m;
    }
  if (s->units[0]) { /* 二: the civil-affairs standards of every 2017 unit */
    ec_std_unit *units = NULL;
    ec_std_inventory *inv = NULL;
    int n = 0;
    rc = ec_standards_units_read(s->units, &units, &n, err);
    if (!rc && s->inventory[0]) rc = ec_standards_inventory_read(s->inventory, units, n, &inv, err);
    if (!rc) rc = ec_standards_evaluate(s, units, n, inv, s->as_of, &p->standards, err);
    free(units);
    free(inv);
    if (rc) {
      ec_plan_free(p);
      return rc;
    }
    add_checksum(p, s->units);
    add_checksum(p, s->inventory);
  }
  if (s->coverage_enabled && s->townships[0] &&
      (rc = ec_demand_grid_build(p->region, s->cell_size_m, &p->grid, err))) {
    ec_plan_free(p);
    return rc;
  }
  rc = prepare(p, s, err);
  if (rc) {
    ec_plan_free(p);
    return rc;
  }
  *out = p;
  return EC_OK;
}

/* prepare() for a sweep point: planned homes take the base plan's sites. */
static int prepare_keep(ec_plan *p, const ec_scenario *s, const ec_plan *base, ec_error *err) {
  int rc = ec_capacity_plan_homes(s, p->region, &p->fac, &p->nfac, err);
  if (rc) return rc;
  for (int f = p->nexisting; f < p->nfac; f++)
    for (int b = base->nexisting; b < base->nfac; b++)
      if (base->fac[b].unit == p->fac[f].unit) {
        p->fac[f].x_m = base->fac[b].x_m;
        p->fac[f].y_m = base->fac[b].y_m;
      }
  p->homes_planned = 1;
  return prepare(p, s, err);
}

/* The scenario-dependent part: planned homes, base population, projection. */
static int prepare(ec_plan *p, const ec_scenario *s, ec_error *err) {
  int rc;
  if ((!p->homes_planned && (rc = ec_capacity_plan_homes(s, p->region, &p->fac, &p->nfac, err))) ||
      (rc = ec_population_base(s, &p->census, p->rates, &p->county_base, err)))
    return rc;
  p->base = calloc((size_t)p->nunits, sizeof *p->base);
  double *w = malloc((size_t)p->nunits * sizeof *w);
  if (!p->base || !w) {
    free(w);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  for (int u = 0; u < p->nunits; u++) w[u] = p->region->units[u].weight;
  ec_plan_share_out(&p->county_base, p->nunits, w, p->base);
  if (p->grid.n > 0) {
    if (p->shares_inputs) {
      /* a sweep point: the planned homes stand where the base plan put them */
    } else if (s->siting_enabled) {
      for (int u = 0; u < p->nunits; u++) w[u] = ec_agesex_sum_from(&p->base[u], s->elderly_age);
      p->options = calloc((size_t)p->nunits * (size_t)s->siting_options, sizeof *p->options);
      rc = p->options ? ec_spatial_site_homes(s, &p->grid, p->fac, p->nfac, w, p->options, err)
                      : ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    if (!rc) rc = ec_spatial_od(s, &p->grid, p->fac, p->nfac, &p->od, err);
  }
  free(w);
  if (rc) return rc;
  return ec_projection_new(s, p->rates, &p->census, p->nunits, p->base, &p->proj, err);
}

int ec_plan_derive(const ec_plan *base, const ec_scenario *s, ec_plan **out,
                   ec_error *err) {
  *out = NULL;
  ec_plan *p = calloc(1, sizeof *p);
  if (!p) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  *p = *base;
  p->shares_inputs = 1;
  p->s = s;
  p->proj = NULL;
  p->base = NULL;
  p->nfac = base->nexisting;
  p->fac = malloc((size_t)(p->nfac + p->nunits + 1) * sizeof *p->fac);
  if (!p->fac) {
    free(p);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  if (p->nfac) memcpy(p->fac, base->fac, (size_t)p->nfac * sizeof *p->fac);
  p->nyears = s->horizon_year - s->start_year + 1;
  p->od = NULL;
  int rc = prepare_keep(p, s, base, err);
  if (rc) {
    ec_plan_free(p);
    return rc;
  }
  *out = p;
  return EC_OK;
}

int ec_plan_simulate(const ec_plan *p, long scenario_index, long replicate,
                     ec_agesex *pop, double *vars, ec_city_year *city,
                     ec_error *err) {
  int rc = ec_projection_run(p->proj, scenario_index, replicate, pop, err);
  if (!rc) rc = ec_capacity_compute(p->s, p->nyears, p->nunits, pop, p->fac, p->nfac,
                                    vars, city, err);
  if (rc || p->grid.n == 0 || !p->od) return rc;
  /* access measures of every year, on the same demand grid */
  size_t cell = (size_t)p->nyears * (size_t)p->nunits;
  int nu = p->nunits;
  double *acc = malloc((size_t)EC_NACC * (size_t)nu * sizeof *acc);
  if (!acc) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  static const int map[EC_NACC] = {EC_V_ACCESS, EC_V_SHARE_WITHIN, EC_V_SHARE_MEDICAL,
                                   EC_V_DIST_NEAREST};
  for (int y = 0; y < p->nyears && !rc; y++) {
    const double *eld = vars + (size_t)EC_V_ELDERLY * cell + (size_t)y * (size_t)nu;
    ec_acc_city c;
    rc = ec_spatial_measures(p->s, &p->grid, p->fac, p->nfac, p->od, p->s->start_year + y + 0.5,
                             eld, acc, &c, err);
    for (int k = 0; !rc && k < EC_NACC; k++)
      memcpy(vars + (size_t)map[k] * cell + (size_t)y * (size_t)nu, acc + (size_t)k * (size_t)nu,
             (size_t)nu * sizeof *acc);
    if (!rc && city) {
      city[y].access_gini = c.gini;
      city[y].access_palma = c.palma;
      city[y].share_within = c.share_within;
    }
  }
  free(acc);
  return rc;
}

/* The standards table on a `unit` dimension (all statistical units, which
 * are more than the township polygons). */
static int write_standards(const ec_std_result *sr, ec_results *r, ec_error *err) {
  int n = ec_standards_result_n(sr), rc;
  int *idx = malloc((size_t)n * sizeof *idx);
  const char **str = malloc((size_t)n * sizeof *str);
  double *v = malloc((size_t)n * sizeof *v);
  int8_t *i8 = malloc((size_t)n);
  if (!idx || !str || !v || !i8) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto out;
  }
  for (int i = 0; i < n; i++) idx[i] = i;
  const char *dU[] = {"unit"};
  if ((rc = ec_results_dim(r, "unit", (size_t)n, idx, NULL, "1",
                           "statistical unit of 2017 (civil-affairs standards)", err)))
    goto out;
  for (int i = 0; i < n; i++) str[i] = ec_standards_result_unit(sr, i)->code;
  if ((rc = ec_results_put(r, "unit_code", EC_H5_STRING, 1, dU, "1", "NBS 2017 code of the unit", str, err)))
    goto out;
  for (int i = 0; i < n; i++) str[i] = ec_standards_result_unit(sr, i)->name_zh;
  if ((rc = ec_results_put(r, "unit_name", EC_H5_STRING, 1, dU, "1", "Chinese name of the unit", str, err)))
    goto out;
  for (int c = 0; c < ec_standards_ncolumns(sr) && !rc; c++) {
    ec_std_column info;
    ec_standards_column(sr, c, &info, v);
    char name[128];
    snprintf(name, sizeof name, "standards_%s", info.name);
    if (info.kind == 1 || info.kind == 2) {
      for (int i = 0; i < n; i++) i8[i] = (int8_t)v[i];
      rc = ec_results_put(r, name, EC_H5_INT8, 1, dU, info.units, info.long_name, i8, err);
      if (!rc && info.flag_meanings)
        rc = ec_results_attr_str(r, name, "flag_meanings", info.flag_meanings, err);
    } else {
      rc = ec_results_put(r, name, EC_H5_DOUBLE, 1, dU, info.units, info.long_name, v, err);
    }
  }
  if (!rc) {
    const char *asof = ec_standards_result_as_of(sr);
    rc = ec_results_attr_str(r, NULL, "standards_as_of", asof ? asof : "", err);
  }
out:
  free(idx);
  free(str);
  free(v);
  free(i8);
  return rc;
}

int ec_plan_write_static(const ec_plan *p, ec_results *r, int nquantiles,
                         int nreplicates, ec_error *err) {
  const ec_scenario *s = p->s;
  int nu = p->nunits, ny = p->nyears, nf = p->nfac, rc;
  int *years = malloc((size_t)ny * sizeof *years);
  int *idx = malloc((size_t)(nu > nf ? (nu > 101 ? nu : 101) : (nf > 101 ? nf : 101)) * sizeof *idx);
  double *buf = malloc((size_t)(nu > nf ? nu : nf + 1) * sizeof *buf);
  const char **str = malloc((size_t)(nu > nf ? nu : nf + 1) * sizeof *str);
  int8_t *i8 = malloc((size_t)(nf + 1));
  if (!years || !idx || !buf || !str || !i8) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto done;
  }
  for (int y = 0; y < ny; y++) years[y] = s->start_year + y;
  int maxn = nu > nf ? nu : nf;
  if (maxn < 101) maxn = 101;
  for (int i = 0; i < maxn; i++) idx[i] = i;
  const char *dU[] = {"township"}, *dF[] = {"facility"}, *dY[] = {"year"};
  if ((rc = ec_results_dim(r, "year", (size_t)ny, years, NULL, "year",
                           "calendar year (populations at mid-year)", err)) ||
      (rc = ec_results_dim(r, "township", (size_t)nu, idx, NULL, "1",
                           "township index (see township_code, township_name)", err)) ||
      (rc = ec_results_dim(r, "sex", 2, idx, NULL, "1", "sex: 0 male, 1 female", err)) ||
      (rc = ec_results_dim(r, "age", 101, idx, NULL, "years",
                           "age in completed years (100 = 100 and over)", err)))
    goto done;
  if (nf > 0 && (rc = ec_results_dim(r, "facility", (size_t)nf, idx, NULL, "1",
                                     "facility index (see facility_id)", err)))
    goto done;
  if (nquantiles > 0 &&
      (rc = ec_results_dim(r, "quantile", (size_t)nquantiles, NULL, s->quantiles, "1",
                           "probability of the Monte Carlo quantile", err)))
    goto done;
  if (nreplicates > 0) {
    int *rep = malloc((size_t)nreplicates * sizeof *rep);
    if (!rep) { rc = EC_ERR_NOMEM; goto done; }
    for (int i = 0; i < nreplicates; i++) rep[i] = i;
    rc = ec_results_dim(r, "replicate", (size_t)nreplicates, rep, NULL, "1",
                        "Monte Carlo replicate", err);
    free(rep);
    if (rc) goto done;
  }
  const ec_region *g = p->region;
#define PUTS(name, field, ln)                                                   \
  do {                                                                         \
    for (int u = 0; u < nu; u++) str[u] = g->units[u].field;                   \
    if ((rc = ec_results_put(r, name, EC_H5_STRING, 1, dU, "1", ln, str, err))) \
      goto done;                                                               \
  } while (0)
#define PUTD(name, expr, units, ln)                                             \
  do {                                                                         \
    for (int u = 0; u < nu; u++) buf[u] = (expr);                              \
    if ((rc = ec_results_put(r, name, EC_H5_DOUBLE, 1, dU, units, ln, buf, err))) \
      goto done;                                                               \
  } while (0)
  PUTS("township_code", code, "statistical code(s) of the township-level unit (NBS 2017)");
  PUTS("township_name", name, "Chinese name of the township-level unit");
  PUTS("township_name_pinyin", name_py, "pinyin name");
  PUTS("township_unit_type", unit_type, "unit type: 镇 town, 乡 township, 街道 subdistrict, 管委会 management committee");
  for (int u = 0; u < nu; u++) str[u] = g->units[u].wkt ? g->units[u].wkt : "";
  if ((rc = ec_results_put(r, "township_geometry_wkt", EC_H5_STRING, 1, dU, "1",
                           "township polygon as WKT in the working CRS (see attribute crs)", str, err)) ||
      (rc = ec_results_attr_str(r, "township_geometry_wkt", "crs", g->crs, err)))
    goto done;
  PUTD("township_area_km2", g->units[u].area_m2 / 1e6, "km2", "polygon area in the working CRS");
  PUTD("township_x", g->units[u].cx_m, "m", "centroid easting in the working CRS");
  PUTD("township_y", g->units[u].cy_m, "m", "centroid northing in the working CRS");
  PUTD("township_lon", g->units[u].lon_deg, "degrees_east", "centroid longitude (EPSG:4326)");
  PUTD("township_lat", g->units[u].lat_deg, "degrees_north", "centroid latitude (EPSG:4326)");
  PUTD("township_weight", g->units[u].weight, s->township_weights == EC_WEIGHT_AREA ? "m2" : "persons",
       "weight used to share the county population out to townships (ESTIMATE basis)");
  PUTD("township_villages", g->units[u].n_villages, "1", "village committees (NBS 2017; -1 unknown)");
  PUTD("township_communities", g->units[u].n_communities, "1", "residents' committees (NBS 2017; -1 unknown)");
  if (nf > 0) {
    for (int f = 0; f < nf; f++) str[f] = p->fac[f].id;
    if ((rc = ec_results_put(r, "facility_id", EC_H5_STRING, 1, dF, "1", "facility identifier", str, err)))
      goto done;
    for (int f = 0; f < nf; f++) str[f] = p->fac[f].name;
    if ((rc = ec_results_put(r, "facility_name", EC_H5_STRING, 1, dF, "1", "facility name", str, err)))
      goto done;
#define PUTF(name, expr, units, ln)                                              \
    do {                                                                        \
      for (int f = 0; f < nf; f++) buf[f] = (expr);                             \
      if ((rc = ec_results_put(r, name, EC_H5_DOUBLE, 1, dF, units, ln, buf, err))) \
        goto done;                                                              \
    } while (0)
    PUTF("facility_township", p->fac[f].unit, "1", "township index of the facility");
    PUTF("facility_beds", p->fac[f].beds, "beds", "beds of the facility");
    PUTF("facility_nursing_beds", p->fac[f].nursing_beds, "beds", "nursing-type beds");
    PUTF("facility_opening_year", isfinite(p->fac[f].opening_year) ? p->fac[f].opening_year : -9999,
         "year", "fractional year the facility opens (-9999: open before the run)");
    PUTF("facility_x", p->fac[f].x_m, "m", "easting in the working CRS");
    PUTF("facility_y", p->fac[f].y_m, "m", "northing in the working CRS");
#undef PUTF
    for (int f = 0; f < nf; f++) i8[f] = (int8_t)p->fac[f].medical;
    if ((rc = ec_results_put(r, "facility_medical", EC_H5_INT8, 1, dF, "1",
                             "gives medical care: 1 yes, 0 no, -1 unknown", i8, err)))
      goto done;
    for (int f = 0; f < nf; f++) i8[f] = (int8_t)p->fac[f].planned;
    if ((rc = ec_results_put(r, "facility_planned", EC_H5_INT8, 1, dF, "1",
                             "1 = the policy's planned home added by the run, 0 = from the facilities file", i8, err)))
      goto done;
  }
  (void)dY;
  if (p->standards && (rc = write_standards(p->standards, r, err))) goto done;
  if (p->options) {
    int K = s->siting_options;
    int *ks = malloc((size_t)K * sizeof *ks);
    double *ov = malloc((size_t)K * (size_t)nu * sizeof *ov);
    if (!ks || !ov) {
      free(ks);
      free(ov);
      rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto done;
    }
    for (int k = 0; k < K; k++) ks[k] = k;
    rc = ec_results_dim(r, "site", (size_t)K, ks, NULL, "1",
                        "siting option rank for each township's planned home (0 = best)", err);
    const char *dSU[] = {"site", "township"};
#define PUTO(name, field, units, ln)                                            \
    for (int k = 0; !rc && k < K; k++)                                          \
      for (int u = 0; u < nu; u++) {                                            \
        const ec_site_option *o = &p->options[u * K + k];                       \
        ov[k * nu + u] = o->unit >= 0 ? (double)(o->field) : NAN;               \
      }                                                                         \
    if (!rc) rc = ec_results_put(r, name, EC_H5_DOUBLE, 2, dSU, units, ln, ov, err);
    PUTO("site_x", x_m, "m", "option's site easting in the working CRS")
    PUTO("site_y", y_m, "m", "option's site northing in the working CRS")
    if (!rc) {
      double *xs = malloc((size_t)K * (size_t)nu * sizeof *xs), *ys = malloc((size_t)K * (size_t)nu * sizeof *ys);
      double *lon = malloc((size_t)K * (size_t)nu * sizeof *lon), *lat = malloc((size_t)K * (size_t)nu * sizeof *lat);
      if (!xs || !ys || !lon || !lat) rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      for (int k = 0; !rc && k < K; k++)
        for (int u = 0; u < nu; u++) {
          const ec_site_option *o = &p->options[u * K + k];
          xs[k * nu + u] = o->unit >= 0 ? o->x_m : NAN;
          ys[k * nu + u] = o->unit >= 0 ? o->y_m : NAN;
        }
      if (!rc) rc = ec_region_to_lonlat(g, (size_t)K * (size_t)nu, xs, ys, lon, lat, err);
      if (!rc) rc = ec_results_put(r, "site_lon", EC_H5_DOUBLE, 2, dSU, "degrees_east", "option's site longitude (EPSG:4326)", lon, err);
      if (!rc) rc = ec_results_put(r, "site_lat", EC_H5_DOUBLE, 2, dSU, "degrees_north", "option's site latitude (EPSG:4326)", lat, err);
      free(xs); free(ys); free(lon); free(lat);
    }
    PUTO("site_mean_distance_m", mean_dist_m, "m", "elderly-weighted mean distance of the township's elderly to the site")
    PUTO("site_max_distance_m", max_dist_m, "m", "largest distance of the township's elderly to the site")
    PUTO("site_share_within_radius", share_within, "1", "share of the township's elderly within siting radius_m of the site")
    PUTO("site_beds_per_1000_reach", beds_per_1000, "beds per 1000 persons", "2SFCA beds per 1,000 elderly within reach for the township after opening")
    PUTO("site_distance_medical_m", dist_medical_m, "m", "distance from the site to the nearest home giving medical care (NaN: none)")
    PUTO("site_load", load, "1", "expected users within the catchment / the home's beds")
    PUTO("site_objective", objective, "1", "the siting model's objective (p-median: person-metres; MCLP: persons covered)")
    PUTO("site_lower_bound", lower_bound, "1", "certified bound on the best objective (Lagrangian)")
    PUTO("site_gap", gap, "1", "relative optimality gap of the best option")
#undef PUTO
    free(ks);
    free(ov);
    if (!rc) rc = ec_results_attr_str(r, "site_x", "siting_model", s->siting_model, err);
    if (rc) goto done;
  }
  {
    char sums[8 * 170] = "";
    for (int i = 0; i < p->nchecksums; i++) {
      strcat(sums, p->checksums[i]);
      strcat(sums, "\n");
    }
    if ((rc = ec_results_attr_str(r, NULL, "input_checksums", sums, err)) ||
        (rc = ec_results_attr_str(r, NULL, "crs", g->crs, err)) ||
        (rc = ec_results_attr_str(r, NULL, "source_crs", g->source_crs, err)) ||
        (rc = ec_results_attr_str(r, NULL, "township_layer", g->source_path, err)) ||
        (rc = ec_results_attr_str(r, NULL, "census_area", p->census.area_code, err)) ||
        (rc = ec_results_attr_str(r, NULL, "scenario_name", s->name, err)) ||
        (rc = ec_results_attr_str(r, NULL, "scenario_title", s->title, err)) ||
        (rc = ec_results_attr_long(r, NULL, "base_year", s->base_year, err)) ||
        (rc = ec_results_attr_long(r, NULL, "elderly_age", s->elderly_age, err)) ||
        (rc = ec_results_attr_double(r, NULL, "beds_per_1000", s->beds_per_1000, err)) ||
        (rc = ec_results_attr_long(r, NULL, "home_min_beds", s->home_min_beds, err)) ||
        (rc = ec_results_attr_str(r, NULL, "home_deadline", s->home_deadline, err)) ||
        (rc = ec_results_attr_double(r, NULL, "medical_share_target", s->medical_share_target, err)) ||
        (rc = ec_results_attr_str(r, NULL, "medical_deadline", s->medical_deadline, err)))
      goto done;
  }
#undef PUTS
#undef PUTD
  rc = EC_OK;
done:
  free(years);
  free(idx);
  free(buf);
  free(str);
  free(i8);
  return rc;
}
