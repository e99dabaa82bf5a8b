/* siting.c — the siting models behind one entry point: checks the inputs,
 * turns each model into the solver it needs (MCLP as a p-median on 0/1
 * coverage costs, p-center as a binary search over sorted costs with a
 * set-cover oracle) and fills the result with objective, bound and gap. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_siting.h"
#include "siting_internal.h"

void ec_site_params_init(ec_site_params *par) {
  memset(par, 0, sizeof *par);
  par->model = EC_SITE_PMEDIAN;
  par->p = 1;
  par->seed = 1;
  par->time_limit_s = 60;
}

void ec_site_result_free(ec_site_result *res) {
  if (!res) return;
  free(res->open);
  free(res->assign);
  free(res->cost);
  res->open = NULL;
  res->assign = NULL;
  res->cost = NULL;
}

static const char *const model_names[] = {"pmedian", "mclp", "lscp", "pcenter",
                                          "cpmp"};

const char *ec_site_model_name(ec_site_model m) {
  return (unsigned)m < 5 ? model_names[m] : "unknown";
}

int ec_site_model_parse(const char *s) {
  for (int k = 0; k < 5; k++)
    if (s && strcmp(s, model_names[k]) == 0) return k;
  return -1;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest open site of every client (first open entry of its sorted row). */
static void assign_nearest(const ec_od *od, const unsigned char *isopen,
                           ec_site_result *res) {
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *de = ec_od_dest(od);
  const double *co = ec_od_cost(od);
  for (size_t i = 0; i < res->nclients; i++) {
    res->assign[i] = EC_SITE_NONE;
    res->cost[i] = NAN;
    for (size_t k = rp[i]; k < rp[i + 1]; k++)
      if (isopen[de[k]]) {
        res->assign[i] = de[k];
        res->cost[i] = co[k];
        break;
      }
  }
}

static double gap_of(double obj, double bound) {
  double d = fabs(obj - bound), s = fabs(obj);
  if (d <= 1e-9 * (1 + s)) return 0;
  return s > 0 ? d / s : HUGE_VAL;
}

/* Coverage rows (sites within radius, allowed ones only) for set cover. */
static int build_cover(const ec_od *od, const unsigned char *allowed,
                       double radius, size_t **rp_out, uint32_t **ri_out) {
  size_t n = ec_od_norig(od);
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *de = ec_od_dest(od);
  const double *co = ec_od_cost(od);
  size_t *r = malloc((n + 1) * sizeof *r), q = 0;
  size_t cnt = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = rp[i]; k < rp[i + 1] && co[k] <= radius; k++)
      cnt += allowed[de[k]];
  uint32_t *ri = malloc((cnt ? cnt : 1) * sizeof *ri);
  if (!r || !ri) {
    free(r);
    free(ri);
    return EC_ERR_NOMEM;
  }
  r[0] = 0;
  for (size_t i = 0; i < n; i++) {
    for (size_t k = rp[i]; k < rp[i + 1] && co[k] <= radius; k++)
      if (allowed[de[k]]) ri[q++] = de[k];
    r[i + 1] = q;
  }
  *rp_out = r;
  *ri_out = ri;
  return EC_OK;
}

int ec_site_solve(const ec_od *od, const ec_site_params *par,
                  ec_site_result *res, ec_error *err) {
  double t0 = ec__now();
  memset(res, 0, sizeof *res);
  res->model = par->model;
  if (!od) return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "no cost table");
  size_t n = ec_od_norig(od), m = ec_od_ndest(od);
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *de = ec_od_dest(od);
  const double *co = ec_od_cost(od);
  size_t nnz = rp[n];
  int rc = EC_OK;
  if ((unsigned)par->model > EC_SITE_CPMP)
    return ec_error_set(err, EC_ERR_USAGE, NULL, 0, "model", "unknown model");
  if (n == 0 || m == 0)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                        "no clients or no sites (%zu clients, %zu sites)", n, m);
  if (m >= UINT32_MAX || n >= UINT32_MAX)
    return ec_error_set(err, EC_ERR_LIMIT, NULL, 0, NULL, "too many sites or clients");
  int needs_p = par->model != EC_SITE_LSCP;
  int needs_r = par->model == EC_SITE_MCLP || par->model == EC_SITE_LSCP;
  if (needs_r && !(par->radius >= 0 && isfinite(par->radius)))
    return ec_error_set(err, EC_ERR_USAGE, NULL, 0, "radius",
                        "%s needs a finite radius >= 0", ec_site_model_name(par->model));
  if (par->model == EC_SITE_CPMP && !par->capacity)
    return ec_error_set(err, EC_ERR_MISSING, NULL, 0, "capacity",
                        "the capacitated model needs a capacity per site");

  unsigned char *fixed = calloc(m, 1), *cand = calloc(m, 1), *allowed = calloc(m, 1);
  double *w = malloc(n * sizeof *w);
  double *tmpc = NULL;
  size_t *rp2 = NULL;
  uint32_t *de2 = NULL;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  res->nclients = n;
  res->assign = malloc(n * sizeof *res->assign);
  res->cost = malloc(n * sizeof *res->cost);
  res->open = malloc(m * sizeof *res->open);
  if (!fixed || !cand || !allowed || !w || !rng || !res->assign || !res->cost ||
      !res->open) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto out;
  }
  gsl_rng_set(rng, par->seed);
  size_t nfix = 0, ncand = 0;
  for (size_t j = 0; j < m; j++) {
    fixed[j] = par->fixed && par->fixed[j];
    cand[j] = !fixed[j] && (!par->candidate || par->candidate[j]);
    allowed[j] = fixed[j] || cand[j];
    nfix += fixed[j];
    ncand += cand[j];
  }
  int wint = 1;
  for (size_t i = 0; i < n; i++) {
    w[i] = par->weight ? par->weight[i] : 1.0;
    if (!(w[i] >= 0) || !isfinite(w[i])) {
      rc = ec_error_set(err, EC_ERR_RANGE, NULL, 0, "weight",
                        "client %zu has weight %g; weights must be finite and >= 0",
                        i + 1, w[i]);
      goto out;
    }
    if (w[i] != floor(w[i])) wint = 0;
  }
  if (needs_p && (par->p < nfix || par->p > nfix + ncand || par->p == 0)) {
    rc = ec_error_set(err, EC_ERR_RANGE, NULL, 0, "p",
                      "p = %zu must be between the %zu fixed sites (and >= 1) "
                      "and fixed + candidate sites (%zu)",
                      par->p, nfix, nfix + ncand);
    goto out;
  }
  double tl = par->time_limit_s > 0 ? par->time_limit_s : 60;
  double t_end = t0 + tl;
  unsigned char *isopen = allowed; /* reused below once the model is solved */

  if (par->model == EC_SITE_PMEDIAN || par->model == EC_SITE_MCLP ||
      par->model == EC_SITE_CPMP) {
    ec__pm_problem pb = {.n = n, .m = m, .p = par->p, .rowptr = rp, .dest = de,
                         .cost = co, .w = w, .fixed = fixed, .cand = cand,
                         .t_end = t_end, .rng = rng,
                         .max_no_improve = par->max_no_improve};
    double total_w = 0;
    for (size_t i = 0; i < n; i++) total_w += w[i];
    if (par->model == EC_SITE_MCLP) {
      /* covered within radius = cost 0, otherwise the virtual site, cost 1 */
      rc = build_cover(od, allowed, par->radius, &rp2, &de2);
      if (rc) {
        rc = ec_error_set(err, rc, NULL, 0, NULL, "out of memory");
        goto out;
      }
      tmpc = calloc(rp2[n] ? rp2[n] : 1, sizeof *tmpc);
      if (!tmpc) {
        rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto out;
      }
      pb.rowptr = rp2;
      pb.dest = de2;
      pb.cost = tmpc;
      pb.penalty = 1;
      pb.integral = wint;
    } else {
      double maxc = 0;
      int cint = 1;
      for (size_t k = 0; k < nnz; k++) {
        if (co[k] > maxc) maxc = co[k];
        if (co[k] != floor(co[k])) cint = 0;
      }
      for (size_t i = 0; i < n; i++) {
        int any = 0;
        for (size_t k = rp[i]; k < rp[i + 1] && !any; k++) any = allowed[de[k]];
        if (!any && (par->unserved_cost <= 0 || par->model == EC_SITE_CPMP)) {
          rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                            "client %zu has no fixed or candidate site within "
                            "reach (enlarge the radius or k-nearest, or give "
                            "an unserved cost)",
                            i + 1);
          goto out;
        }
      }
      pb.penalty = par->unserved_cost > 0 ? par->unserved_cost
                                          : 100.0 * (maxc + 1.0);
      pb.integral = wint && cint && pb.penalty == floor(pb.penalty);
    }
    double obj = 0, lb = 0;
    if (par->model == EC_SITE_CPMP) {
      for (size_t i = 0; i < n; i++)
        if (par->demand && !(par->demand[i] >= 0 && isfinite(par->demand[i]))) {
          rc = ec_error_set(err, EC_ERR_RANGE, NULL, 0, "demand",
                            "client %zu has capacity use %g; must be >= 0",
                            i + 1, par->demand[i]);
          goto out;
        }
      double *q = NULL;
      if (!par->demand) {
        q = malloc(n * sizeof *q);
        if (!q) {
          rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
          goto out;
        }
        for (size_t i = 0; i < n; i++) q[i] = 1;
      }
      ec__cpmp_problem cp = {.pm = pb, .q = par->demand ? par->demand : q,
                             .cap = par->capacity};
      rc = ec__cpmp_solve(&cp, res->open, res->assign, &obj, &lb,
                          &res->iterations, err);
      free(q);
      if (rc) goto out;
    } else {
      rc = ec__pmedian_solve(&pb, res->open, &obj, &lb, &res->iterations, err);
      if (rc) goto out;
    }
    res->nopen = par->p;
    qsort(res->open, res->nopen, sizeof *res->open, cmp_u32);
    memset(isopen, 0, m);
    for (size_t k = 0; k < res->nopen; k++) isopen[res->open[k]] = 1;
    if (par->model == EC_SITE_CPMP) {
      for (size_t i = 0; i < n; i++) {
        res->cost[i] = NAN;
        for (size_t k = rp[i]; k < rp[i + 1]; k++)
          if (de[k] == res->assign[i]) {
            res->cost[i] = co[k];
            break;
          }
      }
      res->objective = obj;
      res->bound = lb;
    } else {
      assign_nearest(od, isopen, res);
      if (par->model == EC_SITE_MCLP) {
        double unc = 0;
        for (size_t i = 0; i < n; i++)
          if (!(res->cost[i] <= par->radius)) {
            unc += w[i];
            res->unserved++;
          }
        res->objective = total_w - unc;
        res->bound = total_w - lb;
      } else {
        double o = 0;
        for (size_t i = 0; i < n; i++) {
          if (res->assign[i] == EC_SITE_NONE || res->cost[i] > pb.penalty) {
            res->unserved++;
            o += w[i] * pb.penalty;
          } else {
            o += w[i] * res->cost[i];
          }
        }
        if (res->unserved && par->unserved_cost <= 0) {
          rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                            "%zu clients have no open site in their sparse "
                            "rows; enlarge the radius or k-nearest, or give an "
                            "unserved cost",
                            res->unserved);
          goto out;
        }
        res->objective = o;
        res->bound = lb;
      }
    }
  } else {
    /* LSCP and p-center: set cover over coverage rows. */
    ec__cover_problem cp = {.n = n, .m = m, .fixed = fixed, .cand = cand,
                            .t_end = t_end};
    size_t nsel = 0, lower = 0;
    int status = 0;
    uint32_t *sel = malloc(m * sizeof *sel);
    if (!sel) {
      rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto out;
    }
    if (par->model == EC_SITE_LSCP) {
      rc = build_cover(od, allowed, par->radius, &rp2, &de2);
      if (!rc) {
        cp.rowptr = rp2;
        cp.rows = de2;
        rc = ec__set_cover(&cp, 0, sel, &nsel, &lower, &status, err);
      } else {
        rc = ec_error_set(err, rc, NULL, 0, NULL, "out of memory");
      }
      if (!rc && nsel == SIZE_MAX)
        rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                          "some client has no site within radius %g: no cover "
                          "exists", par->radius);
      if (rc) {
        free(sel);
        goto out;
      }
      res->objective = (double)nsel;
      res->bound = (double)lower;
      memcpy(res->open, sel, nsel * sizeof *sel);
      res->nopen = nsel;
    } else {
      /* p-center: distinct allowed costs, binary search. The radius is at
       * least each client's nearest allowed cost. */
      tmpc = malloc((nnz ? nnz : 1) * sizeof *tmpc);
      if (!tmpc) {
        free(sel);
        rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto out;
      }
      size_t nd = 0;
      double rmin = 0;
      for (size_t i = 0; i < n; i++) {
        double first = HUGE_VAL;
        for (size_t k = rp[i]; k < rp[i + 1]; k++)
          if (allowed[de[k]]) {
            if (first == HUGE_VAL) first = co[k];
            tmpc[nd++] = co[k];
          }
        if (first == HUGE_VAL) {
          free(sel);
          rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                            "client %zu has no fixed or candidate site within "
                            "reach", i + 1);
          goto out;
        }
        if (first > rmin) rmin = first;
      }
      qsort(tmpc, nd, sizeof *tmpc, cmp_dbl);
      size_t u = 0;
      for (size_t k = 0; k < nd; k++)
        if (u == 0 || tmpc[k] != tmpc[u - 1]) tmpc[u++] = tmpc[k];
      /* lo: largest index known infeasible (proven), hi: smallest feasible */
      size_t lo_p = 0, hi = u - 1, lo = 0;
      while (lo < u && tmpc[lo] < rmin) lo++;
      lo_p = lo; /* tmpc[lo_p] is the smallest radius not yet ruled out */
      size_t search_lo = lo;
      int have_hi = 0;
      size_t best_n = 0;
      uint32_t *bestsel = malloc(m * sizeof *bestsel);
      if (!bestsel) {
        free(sel);
        rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        goto out;
      }
      size_t limit = par->p - nfix;
      /* hi = the largest radius first: must be feasible, else no answer */
      size_t probe = hi;
      while (!rc) {
        free(rp2);
        free(de2);
        rp2 = NULL;
        de2 = NULL;
        rc = build_cover(od, allowed, tmpc[probe], &rp2, &de2);
        if (rc) {
          rc = ec_error_set(err, rc, NULL, 0, NULL, "out of memory");
          break;
        }
        cp.rowptr = rp2;
        cp.rows = de2;
        /* share what is left of the time between the probes still to come, so
         * one hard radius cannot use the whole budget */
        {
          size_t span = hi > search_lo ? hi - search_lo : 0, probes = 1;
          while (span > 0) {
            span >>= 1;
            probes++;
          }
          double now = ec__now();
          cp.t_end = now + (t_end - now) / (double)probes;
        }
        rc = ec__set_cover(&cp, limit ? limit : 0, sel, &nsel, &lower, &status, err);
        if (rc) break;
        res->iterations++;
        if (nsel != SIZE_MAX && nsel <= par->p) {
          hi = probe;
          have_hi = 1;
          best_n = nsel;
          memcpy(bestsel, sel, nsel * sizeof *sel);
        } else {
          if (!have_hi) {
            rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                              "%zu sites cannot reach every client within "
                              "the sparse cost table",
                              par->p);
            break;
          }
          if (status == 1 && probe + 1 > lo_p) lo_p = probe + 1;
          search_lo = probe + 1;
        }
        if (search_lo >= hi || ec__now() > t_end) break;
        probe = search_lo + (hi - search_lo) / 2;
      }
      if (!rc) {
        /* fill up to p sites (extra open sites cannot hurt the radius) */
        memset(isopen, 0, m);
        for (size_t k = 0; k < best_n; k++) isopen[bestsel[k]] = 1;
        for (size_t j = 0; j < m && best_n < par->p; j++)
          if (cand[j] && !isopen[j]) {
            isopen[j] = 1;
            bestsel[best_n++] = (uint32_t)j;
          }
        memcpy(res->open, bestsel, best_n * sizeof *bestsel);
        res->nopen = best_n;
        res->objective = tmpc[hi];
        res->bound = tmpc[lo_p < hi ? lo_p : hi];
      }
      free(bestsel);
    }
    free(sel);
    if (rc) goto out;
    qsort(res->open, res->nopen, sizeof *res->open, cmp_u32);
    memset(isopen, 0, m);
    for (size_t k = 0; k < res->nopen; k++) isopen[res->open[k]] = 1;
    assign_nearest(od, isopen, res);
    if (par->model == EC_SITE_PCENTER) {
      double mx = 0;
      for (size_t i = 0; i < n; i++)
        if (res->cost[i] > mx) mx = res->cost[i];
      res->objective = mx;
      if (res->bound > mx) res->bound = mx;
    }
  }
  res->gap = gap_of(res->objective, res->bound);
  res->proven = res->gap == 0;
out:
  res->seconds = ec__now() - t0;
  free(fixed);
  free(cand);
  free(allowed);
  free(w);
  free(tmpc);
  free(rp2);
  free(de2);
  gsl_rng_free(rng);
  return rc;
}
