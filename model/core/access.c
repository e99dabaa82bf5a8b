/* access.c — floating catchment measures, nearest cost, coverage, equity.
 * Formulas and edge rules are in ec_access.h. Weights are recomputed on each
 * pass rather than stored: the OD table already costs 12 bytes per pair. */
#include "eldercap/ec_access.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double ec_decay_eval(const ec_decay *f, double c) {
  switch (f->kind) {
  case EC_DECAY_NONE:
    return 1.0;
  case EC_DECAY_STEP:
    for (int k = 0; k < f->nsteps; k++)
      if (f->right_open ? c < f->step_cost[k] : c <= f->step_cost[k])
        return f->step_weight[k];
    return 0.0;
  case EC_DECAY_GAUSSIAN:
    return exp(-c * c / (2 * f->sigma * f->sigma));
  case EC_DECAY_GRAVITY:
    return pow((c > f->min_cost ? c : f->min_cost) / f->scale, f->alpha);
  }
  return NAN;
}

int ec_decay_check(const ec_decay *f, ec_error *err) {
  switch (f->kind) {
  case EC_DECAY_NONE:
    return EC_OK;
  case EC_DECAY_STEP:
    if (f->nsteps < 1 || f->nsteps > EC_DECAY_MAX_STEPS)
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "step",
                          "need 1 to %d steps", EC_DECAY_MAX_STEPS);
    for (int k = 0; k < f->nsteps; k++) {
      if (!isfinite(f->step_cost[k]) || f->step_cost[k] < 0 ||
          !isfinite(f->step_weight[k]) || f->step_weight[k] < 0)
        return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "step",
                            "step %d: threshold and weight must be finite "
                            "and >= 0",
                            k + 1);
      if (k > 0 && !(f->step_cost[k] > f->step_cost[k - 1]))
        return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "step",
                            "step thresholds must be strictly ascending");
    }
    return EC_OK;
  case EC_DECAY_GAUSSIAN:
    if (!(f->sigma > 0) || !isfinite(f->sigma))
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "decay",
                          "gaussian sigma must be > 0, got %g", f->sigma);
    return EC_OK;
  case EC_DECAY_GRAVITY:
    if (!isfinite(f->alpha) || !(f->scale > 0) || !isfinite(f->scale) ||
        !(f->min_cost >= 0) || !isfinite(f->min_cost))
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "decay",
                          "gravity needs finite alpha, scale > 0 and "
                          "min_cost >= 0");
    if (f->alpha < 0 && f->min_cost == 0)
      return EC_OK; /* f(0) = inf: allowed (pysal), documented by the caller */
    return EC_OK;
  }
  return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "decay",
                      "unknown decay kind");
}

static int parse_num(const char *s, size_t len, double *out) {
  char buf[64];
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, s, len);
  buf[len] = 0;
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (*end || errno || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

int ec_decay_parse_steps(const char *spec, ec_decay *f, ec_error *err) {
  memset(f, 0, sizeof *f);
  f->kind = EC_DECAY_STEP;
  const char *p = spec;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    const char *colon = memchr(p, ':', len);
    if (f->nsteps >= EC_DECAY_MAX_STEPS)
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "step",
                          "at most %d steps", EC_DECAY_MAX_STEPS);
    double t, w;
    if (!colon || parse_num(p, (size_t)(colon - p), &t) ||
        parse_num(colon + 1, len - (size_t)(colon - p) - 1, &w))
      return ec_error_set(err, EC_ERR_PARSE, NULL, 0, "step",
                          "expected THRESHOLD:WEIGHT[,...], got '%s'", spec);
    f->step_cost[f->nsteps] = t;
    f->step_weight[f->nsteps] = w;
    f->nsteps++;
    if (!comma) break;
    p = comma + 1;
  }
  return ec_decay_check(f, err);
}

int ec_decay_parse(const char *spec, ec_decay *f, ec_error *err) {
  memset(f, 0, sizeof *f);
  double v[3];
  int n = 0;
  const char *colon = strchr(spec, ':');
  size_t namelen = colon ? (size_t)(colon - spec) : strlen(spec);
  while (colon && n < 3) {
    const char *next = strchr(colon + 1, ':');
    size_t len = next ? (size_t)(next - colon - 1) : strlen(colon + 1);
    if (parse_num(colon + 1, len, &v[n]))
      return ec_error_set(err, EC_ERR_PARSE, NULL, 0, "decay",
                          "bad number in '%s'", spec);
    n++;
    colon = next;
  }
  if (colon)
    return ec_error_set(err, EC_ERR_PARSE, NULL, 0, "decay",
                        "too many parameters in '%s'", spec);
  if (namelen == 8 && !strncmp(spec, "gaussian", 8) && n == 1) {
    f->kind = EC_DECAY_GAUSSIAN;
    f->sigma = v[0];
  } else if (namelen == 7 && !strncmp(spec, "gravity", 7) && n >= 1) {
    f->kind = EC_DECAY_GRAVITY;
    f->alpha = v[0];
    f->min_cost = n >= 2 ? v[1] : 0.0;
    f->scale = n >= 3 ? v[2] : 1.0;
  } else {
    return ec_error_set(err, EC_ERR_PARSE, NULL, 0, "decay",
                        "expected gaussian:SIGMA or "
                        "gravity:ALPHA[:MIN_COST[:SCALE]], got '%s'",
                        spec);
  }
  return ec_decay_check(f, err);
}

static const char *const method_names[] = {"cumulative", "2sfca",   "3sfca",
                                           "bfca",       "nearest", "coverage"};

int ec_access_method_parse(const char *name) {
  for (int m = 0; m < 6; m++)
    if (!strcmp(name, method_names[m])) return m;
  return -1;
}

const char *ec_access_method_name(ec_access_method m) {
  return (unsigned)m < 6 ? method_names[m] : "unknown";
}

void ec_access_opts_init(ec_access_opts *o) {
  memset(o, 0, sizeof *o);
  o->max_cost = INFINITY;
  o->decay.kind = EC_DECAY_NONE;
}

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
  size_t norig, ndest;
  const size_t *rp;
  const uint32_t *de;
  const double *co;
} view_t;

static view_t view_of(const ec_od *od) {
  view_t v = {ec_od_norig(od), ec_od_ndest(od), ec_od_rowptr(od),
              ec_od_dest(od), ec_od_cost(od)};
  return v;
}

/* end of row i's in-reach prefix (rows are sorted by cost); strict: the
 * pysal/access rule cost < maxc */
static size_t reach_end_rule(const view_t *v, size_t i, double maxc,
                             int strict) {
  size_t p = v->rp[i], e = v->rp[i + 1];
  if (isinf(maxc) && maxc > 0) return e;
  if (strict)
    while (p < e && v->co[p] < maxc)
      p++;
  else
    while (p < e && v->co[p] <= maxc)
      p++;
  return p;
}

static int check_inputs(const ec_od *od, const double *demand,
                        const double *supply, size_t ncap,
                        const ec_access_opts *o, ec_error *err) {
  if (!od || !o)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                        "no OD table or options given");
  if (isnan(o->max_cost) || o->max_cost < 0)
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "max_cost",
                        "max_cost must be >= 0, got %g", o->max_cost);
  int rc = ec_decay_check(&o->decay, err);
  if (rc) return rc;
  size_t no = ec_od_norig(od), nd = ec_od_ndest(od);
  if (demand)
    for (size_t i = 0; i < no; i++)
      if (!(demand[i] >= 0) || !isfinite(demand[i]))
        return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "demand",
                            "demand point %zu: weight must be finite and "
                            ">= 0, got %g",
                            i + 1, demand[i]);
  if (supply)
    for (size_t q = 0; q < nd * ncap; q++)
      if (!(supply[q] >= 0) || !isfinite(supply[q]))
        return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "supply",
                            "facility %zu: capacity must be finite and >= 0, "
                            "got %g",
                            q / ncap + 1, supply[q]);
  return EC_OK;
}

/* ---- measures ----------------------------------------------------------- */

static void cumulative(const view_t *v, const double *S, size_t nc,
                       const ec_access_opts *o, double *A) {
  for (size_t i = 0; i < v->norig; i++) {
    size_t b = v->rp[i], e = reach_end_rule(v, i, o->max_cost, o->strict_cut);
    double *a = A + i * nc;
    for (size_t c = 0; c < nc; c++)
      a[c] = 0.0;
    for (size_t p = b; p < e; p++) {
      double w = ec_decay_eval(&o->decay, v->co[p]);
      const double *s = S + (size_t)v->de[p] * nc;
      for (size_t c = 0; c < nc; c++)
        a[c] += s[c] * w;
    }
  }
}

/* Generic two-step: pair weight for demand side wd(i,p) and supply side
 * ws(i,p) = rowf[i] * w * colf[j] factors. 2SFCA: rowf = colf = 1.
 * 3SFCA: wd = ws = w * (w / rowsum_i): rowf = 1/rowsum, extra w factor.
 * BFCA: wd = w / rowsum_i, ws = w / colsum_j. */
typedef struct {
  const double *rowf; /* per origin factor, NULL = 1 */
  const double *colf; /* per destination factor on the supply side, NULL = 1 */
  int squared;        /* 3SFCA: w * G = w^2 / rowsum */
  int rowf_supply;    /* apply rowf on the supply side too (3SFCA) */
} twostep_t;

static int twostep(const view_t *v, const double *P, const double *S, size_t nc,
                   const ec_access_opts *o, const twostep_t *t, double *A,
                   double *Dout) {
  double *D = calloc(v->ndest ? v->ndest : 1, sizeof *D);
  double *R = malloc((v->ndest ? v->ndest : 1) * nc * sizeof *R);
  if (!D || !R) {
    free(D);
    free(R);
    return EC_ERR_NOMEM;
  }
  for (size_t i = 0; i < v->norig; i++) {
    if (P[i] == 0) continue;
    size_t b = v->rp[i], e = reach_end_rule(v, i, o->max_cost, o->strict_cut);
    double rf = t->rowf ? t->rowf[i] : 1.0;
    for (size_t p = b; p < e; p++) {
      double w = ec_decay_eval(&o->decay, v->co[p]);
      if (t->squared) w *= w;
      D[v->de[p]] += P[i] * w * rf;
    }
  }
  for (size_t j = 0; j < v->ndest; j++)
    for (size_t c = 0; c < nc; c++)
      R[j * nc + c] = D[j] > 0 ? S[j * nc + c] / D[j] : 0.0;
  for (size_t i = 0; i < v->norig; i++) {
    size_t b = v->rp[i], e = reach_end_rule(v, i, o->max_cost, o->strict_cut);
    double *a = A + i * nc;
    if (b == e) {
      for (size_t c = 0; c < nc; c++)
        a[c] = o->no_reach_zero ? 0.0 : NAN;
      continue;
    }
    for (size_t c = 0; c < nc; c++)
      a[c] = 0.0;
    double rf = (t->rowf && t->rowf_supply) ? t->rowf[i] : 1.0;
    for (size_t p = b; p < e; p++) {
      double w = ec_decay_eval(&o->decay, v->co[p]);
      if (t->squared) w *= w;
      w *= rf;
      if (t->colf) w *= t->colf[v->de[p]];
      const double *r = R + (size_t)v->de[p] * nc;
      for (size_t c = 0; c < nc; c++)
        a[c] += r[c] * w;
    }
  }
  if (Dout) memcpy(Dout, D, v->ndest * sizeof *D);
  free(D);
  free(R);
  return EC_OK;
}

/* reciprocal of a sum, 0 when the sum is 0 (its pairs then weigh nothing) */
static double inv0(double s) { return s > 0 ? 1.0 / s : 0.0; }

int ec_access_compute(const ec_od *od, ec_access_method m, const double *P,
                      const double *S, size_t nc, const ec_access_opts *o,
                      double *A, ec_error *err) {
  int rc = check_inputs(od, P, S, nc, o, err);
  if (rc) return rc;
  if (nc == 0) return EC_OK;
  view_t v = view_of(od);
  if ((m == EC_ACCESS_2SFCA || m == EC_ACCESS_3SFCA || m == EC_ACCESS_BFCA) &&
      !P)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "demand",
                        "%s needs demand weights", ec_access_method_name(m));
  switch (m) {
  case EC_ACCESS_CUMULATIVE:
    cumulative(&v, S, nc, o, A);
    for (size_t i = 0; i < v.norig; i++)
      if (reach_end_rule(&v, i, o->max_cost, o->strict_cut) == v.rp[i] &&
          !o->no_reach_zero)
        for (size_t c = 0; c < nc; c++)
          A[i * nc + c] = NAN;
    return EC_OK;
  case EC_ACCESS_2SFCA: {
    twostep_t t = {NULL, NULL, 0, 0};
    rc = twostep(&v, P, S, nc, o, &t, A, NULL);
    break;
  }
  case EC_ACCESS_3SFCA: {
    double *rowf = malloc((v.norig ? v.norig : 1) * sizeof *rowf);
    if (!rowf)
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    for (size_t i = 0; i < v.norig; i++) {
      double s = 0;
      if (o->selection_rowsum) {
        s = o->selection_rowsum[i];
      } else {
        for (size_t p = v.rp[i]; p < v.rp[i + 1]; p++)
          s += ec_decay_eval(&o->decay, v.co[p]);
      }
      rowf[i] = inv0(s);
    }
    twostep_t t = {rowf, NULL, 1, 1};
    rc = twostep(&v, P, S, nc, o, &t, A, NULL);
    free(rowf);
    break;
  }
  case EC_ACCESS_BFCA: {
    double *rowf = malloc((v.norig ? v.norig : 1) * sizeof *rowf);
    double *colf = calloc(v.ndest ? v.ndest : 1, sizeof *colf);
    if (!rowf || !colf) {
      free(rowf);
      free(colf);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < v.norig; i++) {
      double s = 0;
      size_t e = reach_end_rule(&v, i, o->max_cost, o->strict_cut);
      for (size_t p = v.rp[i]; p < e; p++) {
        double w = ec_decay_eval(&o->decay, v.co[p]);
        s += w;
        colf[v.de[p]] += w;
      }
      rowf[i] = inv0(s);
    }
    for (size_t j = 0; j < v.ndest; j++)
      colf[j] = inv0(colf[j]);
    twostep_t t = {rowf, colf, 0, 0};
    rc = twostep(&v, P, S, nc, o, &t, A, NULL);
    free(rowf);
    free(colf);
    break;
  }
  case EC_ACCESS_NEAREST:
  case EC_ACCESS_COVERAGE:
    for (size_t i = 0; i < v.norig; i++) {
      size_t e = reach_end_rule(&v, i, o->max_cost, o->strict_cut);
      for (size_t c = 0; c < nc; c++) {
        double best = NAN;
        for (size_t p = v.rp[i]; p < e; p++)
          if (S[(size_t)v.de[p] * nc + c] > 0) {
            best = v.co[p]; /* rows are sorted: the first is the nearest */
            break;
          }
        A[i * nc + c] = m == EC_ACCESS_NEAREST ? best : (isnan(best) ? 0 : 1);
      }
    }
    return EC_OK;
  default:
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "method",
                        "unknown access method %d", (int)m);
  }
  if (rc == EC_ERR_NOMEM)
    return ec_error_set(err, rc, NULL, 0, NULL, "out of memory");
  return rc;
}

int ec_access_reachable_supply(const ec_od *od, const double *P,
                               const double *S, size_t nc, size_t col,
                               const ec_access_opts *o, double *out,
                               ec_error *err) {
  int rc = check_inputs(od, P, S, nc, o, err);
  if (rc) return rc;
  if (col >= nc)
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, NULL, "no column %zu", col);
  view_t v = view_of(od);
  double *D = calloc(v.ndest ? v.ndest : 1, sizeof *D);
  if (!D)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < v.norig; i++) {
    size_t e = reach_end_rule(&v, i, o->max_cost, o->strict_cut);
    for (size_t p = v.rp[i]; p < e; p++)
      D[v.de[p]] += P[i] * ec_decay_eval(&o->decay, v.co[p]);
  }
  double s = 0;
  for (size_t j = 0; j < v.ndest; j++)
    if (D[j] > 0) s += S[j * nc + col];
  free(D);
  *out = s;
  return EC_OK;
}

/* ---- equity ------------------------------------------------------------- */

typedef struct {
  double a, w;
} aw_t;

static int aw_cmp(const void *x, const void *y) {
  const aw_t *p = x, *q = y;
  return (p->a > q->a) - (p->a < q->a);
}

/* sorted (access, weight) pairs with NaN / non-positive weights dropped */
static int sorted_pairs(const double *a, const double *w, size_t n, aw_t **out,
                        size_t *m, double *tw, double *ta, ec_error *err) {
  aw_t *v = malloc((n ? n : 1) * sizeof *v);
  if (!v)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  size_t k = 0;
  double sw = 0, sa = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    if (isnan(a[i]) || !(wi > 0)) continue;
    if (!isfinite(a[i]) || !isfinite(wi) || a[i] < 0) {
      free(v);
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, NULL,
                          "point %zu: access and weight must be finite and "
                          "access >= 0 for Gini/Palma",
                          i + 1);
    }
    v[k].a = a[i];
    v[k].w = wi;
    sw += wi;
    sa += wi * a[i];
    k++;
  }
  qsort(v, k, sizeof *v, aw_cmp);
  *out = v;
  *m = k;
  *tw = sw;
  *ta = sa;
  return EC_OK;
}

int ec_access_gini(const double *a, const double *w, size_t n, double *gini,
                   ec_error *err) {
  aw_t *v;
  size_t m;
  double tw, ta;
  int rc = sorted_pairs(a, w, n, &v, &m, &tw, &ta, err);
  if (rc) return rc;
  if (m == 0 || !(ta > 0)) {
    *gini = NAN;
    free(v);
    return EC_OK;
  }
  double cum = 0, prev = 0, area = 0;
  for (size_t k = 0; k < m; k++) {
    cum += v[k].w * v[k].a;
    double L = cum / ta;
    area += (prev + L) * (v[k].w / tw);
    prev = L;
  }
  *gini = 1.0 - area;
  free(v);
  return EC_OK;
}

/* Lorenz curve value at population share q (linear within a point's mass) */
static double lorenz_at(const aw_t *v, size_t m, double tw, double ta,
                        double q) {
  double target = q * tw, cw = 0, ca = 0;
  for (size_t k = 0; k < m; k++) {
    if (cw + v[k].w >= target) return (ca + (target - cw) * v[k].a) / ta;
    cw += v[k].w;
    ca += v[k].w * v[k].a;
  }
  return 1.0;
}

int ec_access_palma(const double *a, const double *w, size_t n, double *palma,
                    ec_error *err) {
  aw_t *v;
  size_t m;
  double tw, ta;
  int rc = sorted_pairs(a, w, n, &v, &m, &tw, &ta, err);
  if (rc) return rc;
  if (m == 0 || !(ta > 0)) {
    *palma = NAN;
    free(v);
    return EC_OK;
  }
  double l40 = lorenz_at(v, m, tw, ta, 0.4), l90 = lorenz_at(v, m, tw, ta, 0.9);
  *palma = l40 > 0 ? (1.0 - l90) / l40 : NAN;
  free(v);
  return EC_OK;
}

double ec_access_weighted_mean(const double *a, const double *w, size_t n) {
  double sw = 0, sa = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    if (isnan(a[i]) || !(wi > 0)) continue;
    sw += wi;
    sa += wi * a[i];
  }
  return sw > 0 ? sa / sw : NAN;
}

/* ---- medical coverage --------------------------------------------------- */

int ec_access_medical(const ec_od *od, const double *P, const int *medical,
                      const double *medical_beds, double radius,
                      ec_medical_coverage *out, double *per_point,
                      ec_error *err) {
  if (!od || !P || !medical || !out)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                        "missing input for medical coverage");
  view_t v = view_of(od);
  memset(out, 0, sizeof *out);
  out->n_homes = v.ndest;
  for (size_t j = 0; j < v.ndest; j++)
    if (medical[j]) out->n_medical++;
  out->share_homes_medical =
      v.ndest ? (double)out->n_medical / (double)v.ndest : NAN;
  ec_access_opts o;
  ec_access_opts_init(&o);
  o.max_cost = radius;
  int rc = check_inputs(od, P, medical_beds, 1, &o, err);
  if (rc) return rc;
  for (size_t i = 0; i < v.norig; i++) {
    out->elderly_total += P[i];
    size_t e = reach_end_rule(&v, i, radius, 0);
    for (size_t p = v.rp[i]; p < e; p++)
      if (medical[v.de[p]]) {
        out->elderly_covered += P[i];
        break;
      }
  }
  out->share_elderly_covered =
      out->elderly_total > 0 ? out->elderly_covered / out->elderly_total : NAN;
  out->med_beds_per_1000 = NAN;
  if (!medical_beds) return EC_OK;
  double *S = malloc((v.ndest ? v.ndest : 1) * sizeof *S);
  double *A = malloc((v.norig ? v.norig : 1) * sizeof *A);
  if (!S || !A) {
    free(S);
    free(A);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  /* only homes giving medical care count their medical beds */
  for (size_t j = 0; j < v.ndest; j++)
    S[j] = medical[j] ? medical_beds[j] : 0.0;
  rc = ec_access_compute(od, EC_ACCESS_2SFCA, P, S, 1, &o, A, err);
  if (rc == EC_OK) {
    for (size_t i = 0; i < v.norig; i++)
      A[i] *= 1000.0;
    out->med_beds_per_1000 = ec_access_weighted_mean(A, P, v.norig);
    if (per_point) memcpy(per_point, A, v.norig * sizeof *A);
  }
  free(S);
  free(A);
  return rc;
}
