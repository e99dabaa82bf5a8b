/* spatial.c — demand grid, access measures per township-year and siting of
 * the planned homes inside a planning run. The measures come from the access
 * module and the choice of sites from the siting module; this file only
 * assembles them for townships. */
#include "eldercap/ec_spatial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_access.h"
#include "eldercap/ec_grid.h"
#include "eldercap/ec_siting.h"

void ec_demand_grid_free(ec_demand_grid *g) {
  if (!g) return;
  free(g->x_m);
  free(g->y_m);
  free(g->share);
  free(g->unit);
  free(g->start);
  memset(g, 0, sizeof *g);
}

int ec_demand_grid_build(const ec_region *r, double cell_size_m, ec_demand_grid *g,
                         ec_error *err) {
  memset(g, 0, sizeof *g);
  g->nunits = r->nunits;
  g->start = calloc((size_t)r->nunits + 1, sizeof *g->start);
  if (!g->start) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  size_t cap = 0;
  for (int u = 0; u < r->nunits; u++) {
    const ec_unit *un = &r->units[u];
    g->start[u] = g->n;
    if (!un->xy_m || un->nparts < 1) continue; /* no polygon: no demand points */
    size_t *rs = malloc(((size_t)un->nparts + 1) * sizeof *rs);
    if (!rs) {
      ec_demand_grid_free(g);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    for (int p = 0; p < un->nparts; p++) rs[p] = (size_t)un->part_start[p];
    rs[un->nparts] = (size_t)un->nvertices;
    ec_demand_points pts;
    memset(&pts, 0, sizeof pts);
    int rc = ec_grid_demand(un->xy_m, rs, (size_t)un->nparts, cell_size_m, 1.0, NULL, NULL,
                            NULL, 0, &pts, err);
    free(rs);
    if (rc) {
      ec_demand_grid_free(g);
      return rc;
    }
    if (g->n + pts.n > cap) {
      cap = (g->n + pts.n) * 2;
      double *x = realloc(g->x_m, cap * sizeof *x), *y = x ? realloc(g->y_m, cap * sizeof *y) : NULL;
      if (x) g->x_m = x;
      if (y) g->y_m = y;
      double *s = y ? realloc(g->share, cap * sizeof *s) : NULL;
      if (s) g->share = s;
      int *un2 = s ? realloc(g->unit, cap * sizeof *un2) : NULL;
      if (un2) g->unit = un2;
      if (!un2) {
        ec_demand_points_free(&pts);
        ec_demand_grid_free(g);
        return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      }
    }
    for (size_t i = 0; i < pts.n; i++) {
      g->x_m[g->n] = pts.x[i];
      g->y_m[g->n] = pts.y[i];
      g->share[g->n] = pts.w[i];
      g->unit[g->n] = u;
      g->n++;
    }
    ec_demand_points_free(&pts);
  }
  g->start[r->nunits] = g->n;
  return EC_OK;
}

static double cut_of(const ec_scenario *s, size_t npts, int nfac) {
  /* all pairs while small (nearest-home distances need them), else a cut */
  if ((double)npts * nfac <= 5e7) return INFINITY;
  double c = s->catchment_m > s->radius_m ? s->catchment_m : s->radius_m;
  return 2 * c;
}

int ec_spatial_od(const ec_scenario *s, const ec_demand_grid *g, const ec_facility *fac,
                  int nfac, ec_od **out, ec_error *err) {
  *out = NULL;
  double *fx = malloc(((size_t)nfac + 1) * sizeof *fx), *fy = malloc(((size_t)nfac + 1) * sizeof *fy);
  if (!fx || !fy) {
    free(fx);
    free(fy);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  for (int j = 0; j < nfac; j++) {
    fx[j] = fac[j].x_m;
    fy[j] = fac[j].y_m;
  }
  int rc = ec_od_from_points(g->x_m, g->y_m, g->n, fx, fy, (size_t)nfac,
                             cut_of(s, g->n, nfac), 0, out, err);
  free(fx);
  free(fy);
  return rc;
}

/* 2SFCA access (beds per person) of every point; facilities closed at t have
 * no beds. */
static int twosfca(const ec_scenario *s, const ec_od *od, const ec_facility *fac, int nfac,
                   double t, const double *P, double *A, ec_error *err) {
  double *S = malloc(((size_t)nfac + 1) * sizeof *S);
  if (!S) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  for (int j = 0; j < nfac; j++) S[j] = fac[j].opening_year <= t ? fac[j].beds : 0;
  ec_access_opts o;
  ec_access_opts_init(&o);
  o.max_cost = s->catchment_m;
  o.no_reach_zero = 1; /* no home in reach: 0 beds per 1,000 */
  int rc = ec_access_compute(od, EC_ACCESS_2SFCA, P, S, 1, &o, A, err);
  free(S);
  return rc;
}

int ec_spatial_measures(const ec_scenario *s, const ec_demand_grid *g, const ec_facility *fac,
                        int nfac, const ec_od *od, double t, const double *elderly, double *out,
                        ec_acc_city *city, ec_error *err) {
  size_t n = g->n;
  int nu = g->nunits;
  double *P = malloc((n + 1) * sizeof *P), *A = malloc((n + 1) * sizeof *A);
  if (!P || !A) {
    free(P);
    free(A);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t i = 0; i < n; i++) P[i] = elderly[g->unit[i]] * g->share[i];
  int rc = twosfca(s, od, fac, nfac, t, P, A, err);
  if (rc) {
    free(P);
    free(A);
    return rc;
  }
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *dst = ec_od_dest(od);
  const double *cost = ec_od_cost(od);
  double cw = 0, cw_in = 0;
  for (int u = 0; u < nu; u++) {
    double w = 0, acc = 0, within = 0, med = 0, dist = 0, wd = 0;
    for (size_t i = g->start[u]; i < g->start[u + 1]; i++) {
      w += P[i];
      acc += P[i] * A[i] * 1000.0;
      int got_near = 0, got_med = 0;
      for (size_t k = rp[i]; k < rp[i + 1] && !(got_near && got_med); k++) {
        const ec_facility *f = &fac[dst[k]];
        if (f->opening_year > t) continue;
        if (!got_near) {
          got_near = 1;
          dist += P[i] * cost[k];
          wd += P[i];
          if (cost[k] <= s->radius_m) within += P[i];
        }
        if (!got_med && f->medical == 1) {
          got_med = 1;
          if (cost[k] <= s->radius_m) med += P[i];
        }
      }
    }
    out[EC_ACC_BEDS_PER_1000_REACH * nu + u] = w > 0 ? acc / w : NAN;
    out[EC_ACC_SHARE_WITHIN_RADIUS * nu + u] = w > 0 ? within / w : NAN;
    out[EC_ACC_SHARE_MEDICAL * nu + u] = w > 0 ? med / w : NAN;
    out[EC_ACC_DIST_NEAREST_M * nu + u] = wd > 0 ? dist / wd : NAN;
    cw += w;
    cw_in += within;
  }
  if (city) {
    for (size_t i = 0; i < n; i++) A[i] *= 1000.0;
    ec_access_gini(A, P, n, &city->gini, NULL);
    ec_access_palma(A, P, n, &city->palma, NULL);
    city->share_within = cw > 0 ? cw_in / cw : NAN;
  }
  free(P);
  free(A);
  return EC_OK;
}

/* --- siting ----------------------------------------------------------------- */

/* 2SFCA parts of every home with all homes open: D_j, the elderly within
 * the catchment of j (persons), from the city table. */
static void catchment_demand(const ec_scenario *s, const ec_demand_grid *g, const ec_od *od,
                             const double *P, int nfac, double *D) {
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *dst = ec_od_dest(od);
  const double *cost = ec_od_cost(od);
  for (int j = 0; j < nfac; j++) D[j] = 0;
  for (size_t i = 0; i < g->n; i++)
    for (size_t k = rp[i]; k < rp[i + 1] && cost[k] <= s->catchment_m; k++) D[dst[k]] += P[i];
}

/* Measures of one option: home f of township u at demand point c. The
 * other homes stand at their chosen sites; only home f's catchment changes,
 * so the others' supply ratios R_j = S_j / D_j are reused. */
static void evaluate_option(const ec_scenario *s, const ec_demand_grid *g,
                            const ec_facility *fac, int nfac, int f, const double *P,
                            const ec_od *od, const double *D, size_t c, ec_site_option *o) {
  int u = fac[f].unit;
  double sx = g->x_m[c], sy = g->y_m[c];
  double w = 0, wd = 0, maxd = 0, within = 0;
  for (size_t i = g->start[u]; i < g->start[u + 1]; i++) {
    double d = hypot(g->x_m[i] - sx, g->y_m[i] - sy);
    w += P[i];
    wd += P[i] * d;
    if (d > maxd) maxd = d;
    if (d <= s->siting_radius_m) within += P[i];
  }
  o->unit = u;
  o->x_m = sx;
  o->y_m = sy;
  o->objective = wd;
  o->mean_dist_m = w > 0 ? wd / w : NAN;
  o->max_dist_m = maxd;
  o->share_within = w > 0 ? within / w : NAN;
  o->dist_medical_m = NAN;
  for (int j = 0; j < nfac; j++)
    if (j != f && fac[j].medical == 1) {
      double d = hypot(fac[j].x_m - sx, fac[j].y_m - sy);
      if (isnan(o->dist_medical_m) || d < o->dist_medical_m) o->dist_medical_m = d;
    }
  /* the home's own catchment: the city's elderly within catchment_m of c */
  double Df = 0;
  for (size_t i = 0; i < g->n; i++)
    if (hypot(g->x_m[i] - sx, g->y_m[i] - sy) <= s->catchment_m) Df += P[i];
  o->load = fac[f].beds > 0 ? Df * s->use_per_1000 / 1000.0 / fac[f].beds : NAN;
  /* 2SFCA beds per 1,000 elderly of the township with every home open */
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *dst = ec_od_dest(od);
  const double *cost = ec_od_cost(od);
  double acc = 0;
  for (size_t i = g->start[u]; i < g->start[u + 1]; i++) {
    double a = 0;
    for (size_t k = rp[i]; k < rp[i + 1] && cost[k] <= s->catchment_m; k++) {
      int j = (int)dst[k];
      if (j != f && D[j] > 0) a += fac[j].beds / D[j];
    }
    if (Df > 0 && hypot(g->x_m[i] - sx, g->y_m[i] - sy) <= s->catchment_m) a += fac[f].beds / Df;
    acc += P[i] * a * 1000.0;
  }
  o->beds_per_1000 = w > 0 ? acc / w : NAN;
}

int ec_spatial_site_homes(const ec_scenario *s, const ec_demand_grid *g, ec_facility *fac,
                          int nfac, const double *elderly, ec_site_option *opts,
                          ec_error *err) {
  int K = s->siting_options;
  int model = ec_site_model_parse(s->siting_model);
  if (model != EC_SITE_PMEDIAN && model != EC_SITE_MCLP)
    return ec_error_set(err, EC_ERR_RANGE, s->path, 0, "siting.model",
                        "the planning run places one home per township with pmedian or "
                        "mclp, not '%s' (the other models: eldercap site)",
                        s->siting_model);
  for (int k = 0; k < g->nunits * K; k++) {
    memset(&opts[k], 0, sizeof opts[k]);
    opts[k].unit = -1;
    opts[k].rank = k % K;
  }
  for (int f = 0; f < nfac; f++) {
    if (!fac[f].planned || fac[f].unit < 0) continue;
    int u = fac[f].unit;
    size_t a = g->start[u], b = g->start[u + 1], m = b - a;
    if (m == 0) continue; /* no polygon: the home stays at the centroid */
    ec_od *od = NULL;
    int rc = ec_od_from_points(g->x_m + a, g->y_m + a, m, g->x_m + a, g->y_m + a, m, INFINITY,
                               0, &od, err);
    if (rc) return rc;
    double *wt = malloc(m * sizeof *wt), *obj = calloc(m, sizeof *obj);
    if (!wt || !obj) {
      free(wt);
      free(obj);
      ec_od_free(od);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < m; i++) wt[i] = elderly[u] * g->share[a + i];
    ec_site_params par;
    ec_site_params_init(&par);
    par.model = (ec_site_model)model;
    par.p = 1;
    par.radius = s->siting_radius_m;
    par.weight = wt;
    par.seed = s->seed;
    par.time_limit_s = s->siting_time_limit_s;
    ec_site_result res;
    memset(&res, 0, sizeof res);
    rc = ec_site_solve(od, &par, &res, err);
    if (rc) {
      free(wt);
      free(obj);
      ec_od_free(od);
      return rc;
    }
    /* every candidate's objective, for the ranked options (exact for p = 1) */
    const size_t *rp = ec_od_rowptr(od);
    const uint32_t *dst = ec_od_dest(od);
    const double *cost = ec_od_cost(od);
    for (size_t i = 0; i < m; i++)
      for (size_t k = rp[i]; k < rp[i + 1]; k++)
        obj[dst[k]] += model == EC_SITE_MCLP ? -(cost[k] <= s->siting_radius_m) * wt[i]
                                             : wt[i] * cost[k];
    double sep = 2 * s->cell_size_m;
    size_t chosen[64];
    int nch = 0;
    if (res.nopen > 0) chosen[nch++] = res.open[0];
    while (nch < K && nch < 64) {
      size_t best = m;
      for (size_t c = 0; c < m; c++) {
        int ok = 1;
        for (int q = 0; q < nch && ok; q++)
          if (c == chosen[q] || hypot(g->x_m[a + c] - g->x_m[a + chosen[q]],
                                      g->y_m[a + c] - g->y_m[a + chosen[q]]) < sep)
            ok = 0;
        if (ok && (best == m || obj[c] < obj[best])) best = c;
      }
      if (best == m) break;
      chosen[nch++] = best;
    }
    for (int q = 0; q < nch; q++) { /* measured in the second pass */
      ec_site_option *o = &opts[u * K + q];
      o->unit = u;
      o->rank = q;
      o->x_m = g->x_m[a + chosen[q]];
      o->y_m = g->y_m[a + chosen[q]];
      o->objective = model == EC_SITE_MCLP ? -obj[chosen[q]] : obj[chosen[q]];
      o->lower_bound = res.bound;
      o->gap = res.gap;
      o->load = (double)(a + chosen[q]); /* the point index, until pass 2 */
    }
    if (nch > 0) {
      fac[f].x_m = g->x_m[a + chosen[0]];
      fac[f].y_m = g->y_m[a + chosen[0]];
    }
    ec_site_result_free(&res);
    free(wt);
    free(obj);
    ec_od_free(od);
  }
  /* pass 2: every home at its chosen site; compare the options of each */
  double *P = malloc((g->n + 1) * sizeof *P), *D = malloc(((size_t)nfac + 1) * sizeof *D);
  ec_od *city = NULL;
  int rc = P && D ? ec_spatial_od(s, g, fac, nfac, &city, err)
                  : ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  if (!rc) {
    for (size_t i = 0; i < g->n; i++) P[i] = elderly[g->unit[i]] * g->share[i];
    catchment_demand(s, g, city, P, nfac, D);
    for (int f = 0; f < nfac; f++) {
      if (!fac[f].planned || fac[f].unit < 0) continue;
      int u = fac[f].unit;
      for (int q = 0; q < K; q++) {
        ec_site_option *o = &opts[u * K + q];
        if (o->unit < 0) continue;
        double objective = o->objective, lb = o->lower_bound, gap = o->gap;
        evaluate_option(s, g, fac, nfac, f, P, city, D, (size_t)o->load, o);
        o->rank = q;
        if (model == EC_SITE_MCLP) o->objective = objective;
        o->lower_bound = lb;
        o->gap = gap;
      }
    }
  }
  ec_od_free(city);
  free(P);
  free(D);
  return rc;
}
