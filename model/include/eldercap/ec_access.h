/* ec_access.h — spatial access and medical-service coverage over one sparse
 * OD table (ec_od.h): origins = demand points (elderly, persons), destinations
 * = supply points (facilities; capacity in beds or any count).
 *
 * Semantics (shared by every measure):
 *  - catchment is inclusive: a pair is in reach when cost <= max_cost; pairs of
 *    the table with cost > max_cost are ignored (except 3SFCA's selection sum,
 *    below);
 *  - a decay f(cost) weights each pair (EC_DECAY_NONE: f = 1);
 *    step weights apply up to and including their threshold (cost <= t, as
 *    pysal/access step_fn); with right_open the weight of threshold t applies
 *    for cost < t (IPEA accessibility decay_stepped); beyond the last
 *    threshold f = 0;
 *  - an origin with no pair in reach gets NaN (no_reach_zero: 0);
 *  - a facility whose weighted demand is 0 contributes 0;
 *  - supply is a flat row-major block ndest x ncap (several capacity columns,
 *    e.g. beds and medical-care beds), results norig x ncap.
 *
 * Formulas (w_ij = f(d_ij) over pairs in reach, P_i demand, S_j supply):
 *  cumulative: A_i = sum_j S_j w_ij (a weighted catchment; pysal
 *              weighted_catchment, IPEA cumulative_cutoff with f = 1)
 *  2SFCA:      R_j = S_j / sum_i P_i w_ij;  A_i = sum_j R_j w_ij   (E2SFCA with
 *              step weights; gaussian / gravity decay as pysal weights.py)
 *  3SFCA:      G_ij = w_ij / sum_k w_ik, then 2SFCA with w_ij G_ij (Wan et al.
 *              2012). The selection sum runs over every pair of the table's row
 *              (pysal three_stage_fca), or over selection_rowsum if given.
 *  BFCA:       Wi_ij = w_ij / sum_k w_ik, Wj_ij = w_ij / sum_k w_kj;
 *              R_j = S_j / sum_i P_i Wi_ij; A_i = sum_j R_j Wj_ij (Paez et al.
 *              2019, IPEA floating_catchment_area "bfca")
 *  nearest:    cost to the nearest facility in reach with capacity > 0 (NaN if
 *              none; no_reach_zero does not apply)
 *  coverage:   1 if a facility with capacity > 0 is in reach, else 0. */
#ifndef EC_ACCESS_H
#define EC_ACCESS_H

#include <stddef.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_od.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EC_DECAY_MAX_STEPS 32

typedef enum {
  EC_DECAY_NONE = 0, /* f = 1 */
  EC_DECAY_STEP,     /* f = weight of the first threshold >= cost (or > cost) */
  EC_DECAY_GAUSSIAN, /* f = exp(-cost^2 / (2 sigma^2)), f(0) = 1 (pysal) */
  EC_DECAY_GRAVITY   /* f = (max(cost, min_cost) / scale)^alpha (pysal; alpha
                        is not negated: -1 is inverse cost) */
} ec_decay_kind;

typedef struct {
  ec_decay_kind kind;
  int nsteps;                           /* EC_DECAY_STEP */
  double step_cost[EC_DECAY_MAX_STEPS]; /* ascending thresholds (cost units) */
  double step_weight[EC_DECAY_MAX_STEPS]; /* weights, >= 0 */
  int right_open;                         /* IPEA rule: weight for cost < t */
  double sigma;                           /* EC_DECAY_GAUSSIAN (cost units) */
  double alpha, scale, min_cost;          /* EC_DECAY_GRAVITY */
} ec_decay;

/* The weight of one cost. */
double ec_decay_eval(const ec_decay *f, double cost);
/* Parse "10:1,20:0.68,30:0.22" (threshold:weight, ascending thresholds). */
int ec_decay_parse_steps(const char *spec, ec_decay *f, ec_error *err);
/* Parse "gaussian:SIGMA" or "gravity:ALPHA[:MIN_COST[:SCALE]]". */
int ec_decay_parse(const char *spec, ec_decay *f, ec_error *err);
/* Check parameters (sigma > 0, scale > 0, finite, ascending steps). */
int ec_decay_check(const ec_decay *f, ec_error *err);

typedef enum {
  EC_ACCESS_CUMULATIVE = 0,
  EC_ACCESS_2SFCA,
  EC_ACCESS_3SFCA,
  EC_ACCESS_BFCA,
  EC_ACCESS_NEAREST,
  EC_ACCESS_COVERAGE
} ec_access_method;

/* "cumulative", "2sfca", ... -> method; -1 if unknown. */
int ec_access_method_parse(const char *name);
const char *ec_access_method_name(ec_access_method m);

typedef struct {
  double max_cost;   /* catchment (cost units, inclusive); INFINITY = none */
  ec_decay decay;    /* pair weight */
  int no_reach_zero; /* 1: an origin with nothing in reach gets 0, not NaN */
  int strict_cut;    /* 1: in reach when cost < max_cost, the rule pysal/access
                        applies (its code filters cost < max_cost); default 0:
                        cost <= max_cost (IPEA decay_binary, this project) */
  /* 3SFCA only: per-origin selection sum sum_k f(d_ik) over the full choice
   * set (e.g. every facility, when the table was truncated); NULL: the sum
   * over the pairs present in the table's row. */
  const double *selection_rowsum;
} ec_access_opts;

/* max_cost = INFINITY, no decay, NaN for no reach. */
void ec_access_opts_init(ec_access_opts *o);

/* Compute one measure. demand: norig persons (>= 0); supply: ndest x ncap
 * row-major (>= 0); out: norig x ncap row-major. */
int ec_access_compute(const ec_od *od, ec_access_method method,
                      const double *demand, const double *supply, size_t ncap,
                      const ec_access_opts *opts, double *out, ec_error *err);

/* Sum over facilities of S_j (column col) whose weighted demand is > 0: what
 * sum_i P_i A_i equals for 2SFCA (the invariant), for checks and reports. */
int ec_access_reachable_supply(const ec_od *od, const double *demand,
                               const double *supply, size_t ncap, size_t col,
                               const ec_access_opts *opts, double *out,
                               ec_error *err);

/* ---- equity (NaN access values and zero weights are skipped) ---------- */

/* Population-weighted Gini of a (Lorenz-curve trapezoids, as IPEA
 * accessibility gini_index): 1 - sum_k p_k (L_{k-1} + L_k) with points sorted
 * by access. NaN when nothing is left or total access is 0. */
int ec_access_gini(const double *a, const double *w, size_t n, double *gini,
                   ec_error *err);
/* Palma ratio: share of total access held by the 10 % of population with the
 * highest access over the share held by the 40 % with the lowest, read off
 * the population-weighted Lorenz curve (a point straddling a quantile is split
 * by population): (1 - L(0.9)) / L(0.4). NaN if L(0.4) = 0. */
int ec_access_palma(const double *a, const double *w, size_t n, double *palma,
                    ec_error *err);
/* Population-weighted mean over non-NaN values (NaN if no weight). */
double ec_access_weighted_mean(const double *a, const double *w, size_t n);

/* ---- medical-service coverage (policy: > 50 % of homes give medical care,
 * care within reach of every elderly person) ----------------------------- */
typedef struct {
  size_t n_homes;               /* facilities */
  size_t n_medical;             /* facilities giving medical care */
  double share_homes_medical;   /* n_medical / n_homes (1); target > 0.5 */
  double elderly_total;         /* sum of demand (persons) */
  double elderly_covered;       /* demand within radius of a medical home */
  double share_elderly_covered; /* elderly_covered / elderly_total (1) */
  double med_beds_per_1000;     /* population-weighted mean of 2SFCA on medical
                                   beds x 1000 (beds per 1,000 elderly), over
                                   points with a facility in reach */
} ec_medical_coverage;

/* od rows = demand points; medical[j] != 0 when facility j gives medical
 * care; medical_beds[j] its medical-care beds (may be NULL: skip the 2SFCA
 * figure, NaN). radius: coverage and catchment (cost units, inclusive).
 * per_point (optional, norig): medical beds per 1,000 elderly by point. */
int ec_access_medical(const ec_od *od, const double *demand, const int *medical,
                      const double *medical_beds, double radius,
                      ec_medical_coverage *out, double *per_point,
                      ec_error *err);

/* ---- file front end (model/io/access_io.c) ----------------------------- */

/* Demand or supply points read from CSV. */
typedef struct {
  size_t n;
  char **id;      /* n strings */
  double *x, *y;  /* n each, NULL when the file has no x,y columns */
  size_t nval;    /* value columns: 1 for demand (weight), >= 1 supply */
  char **valname; /* nval column names */
  double *val;    /* n x nval row-major */
} ec_access_points;

void ec_access_points_free(ec_access_points *p);

/* D.csv: id,weight[,x,y] (weight in persons, >= 0). */
int ec_access_read_demand(const char *path, ec_access_points *out,
                          ec_error *err);
/* S.csv: id,capacity[,x,y]; every column other than id, x, y and the known
 * attribute columns (name, township, medical, year, opening_year, type,
 * crs) is a capacity column (>= 0). */
int ec_access_read_supply(const char *path, ec_access_points *out,
                          ec_error *err);
/* C.csv: origin,dest,cost with ids of demand (origin) and supply (dest);
 * unknown or duplicate pairs, NaN or negative costs are errors naming
 * file:line:column. Keeps pairs with cost <= max_cost. */
int ec_access_read_costs(const char *path, const ec_access_points *demand,
                         const ec_access_points *supply, double max_cost,
                         ec_od **out, ec_error *err);
/* OUT.csv: id,<one column per value column of supply> with %.17g, NaN as
 * "NaN"; written through ec_atomic. */
int ec_access_write(const char *path, const ec_access_points *demand,
                    const ec_access_points *supply, const double *access,
                    ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
