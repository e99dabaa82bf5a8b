/* test_access.c — access measures against pysal/access fixtures (copied from
 * ../shared/benchmarks/access into tests/data/access, see its README) and
 * hand-computed cases (the arithmetic is in the comments). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_access.h"
#include "eldercap/ec_csv.h"
#include "eldercap/ec_od.h"

#define TOL 1e-9
#define DATA EC_SOURCE_DIR "/tests/data/access/"

static double max_abs_err_seen = 0;
static void near(double got, double want, const char *what, int i) {
  double e = fabs(got - want);
  if (e > max_abs_err_seen) max_abs_err_seen = e;
  cr_assert(e <= TOL, "%s [%d]: got %.17g want %.17g", what, i, got, want);
}

/* ---- pysal fixture 3: the 3-tract hospital example --------------------- */

static ec_od *fixture3_od(int scenario) {
  ec_csv *csv;
  ec_error err;
  cr_assert_eq(ec_csv_open(DATA "fixture3_costs.csv", &csv, &err), 0, "%s",
               err.msg);
  uint32_t o[16], d[16];
  double c[16];
  size_t n = 0;
  while (ec_csv_next(csv, &err) == 1) {
    long s, oi, di;
    double cost;
    ec_csv_long(csv, 0, &s, &err);
    ec_csv_long(csv, 1, &oi, &err);
    ec_csv_long(csv, 2, &di, &err);
    ec_csv_double(csv, 3, &cost, &err);
    if (s != scenario) continue;
    o[n] = (uint32_t)(oi - 1); /* geoid 1..3 -> index 0..2 */
    d[n] = (uint32_t)(di - 1);
    c[n] = cost;
    n++;
  }
  ec_csv_free(csv);
  cr_assert_eq(n, 9);
  ec_od *od = NULL;
  /* keep every pair: pysal's 3SFCA selection weights use the whole table */
  cr_assert_eq(ec_od_from_triples(3, 3, n, o, d, c, INFINITY, &od, &err), 0);
  return od;
}

static void fixture3_expected(int scenario, int col, double out[3]) {
  ec_csv *csv;
  ec_error err;
  cr_assert_eq(ec_csv_open(DATA "fixture3_expected.csv", &csv, &err), 0);
  int k = 0;
  while (ec_csv_next(csv, &err) == 1) {
    long s;
    ec_csv_long(csv, 0, &s, &err);
    if (s != scenario) continue;
    cr_assert_eq(ec_csv_double(csv, col, &out[k], &err), 0);
    k++;
  }
  ec_csv_free(csv);
  cr_assert_eq(k, 3);
}

Test(access, pysal_fixture3_hospital_example) {
  const double pop[3] = {100, 50, 10}, doc[3] = {15, 20, 100};
  for (int s = 0; s < 4; s++) {
    ec_od *od = fixture3_od(s);
    ec_access_opts o;
    ec_access_opts_init(&o);
    o.max_cost = 61;
    o.decay.kind = EC_DECAY_GRAVITY; /* pysal weights.gravity(1, -1) = 1/d */
    o.decay.alpha = -1;
    o.decay.scale = 1;
    double a[3], want[3];
    ec_error err;
    cr_assert_eq(
        ec_access_compute(od, EC_ACCESS_2SFCA, pop, doc, 1, &o, a, &err), 0,
        "%s", err.msg);
    fixture3_expected(s, 2, want);
    for (int i = 0; i < 3; i++)
      near(a[i], want[i], "g2sfca", s * 3 + i);
    cr_assert_eq(
        ec_access_compute(od, EC_ACCESS_3SFCA, pop, doc, 1, &o, a, &err), 0);
    fixture3_expected(s, 3, want);
    for (int i = 0; i < 3; i++)
      near(a[i], want[i], "g3sfca", s * 3 + i);
    o.decay.kind = EC_DECAY_NONE;
    cr_assert_eq(
        ec_access_compute(od, EC_ACCESS_2SFCA, pop, doc, 1, &o, a, &err), 0);
    fixture3_expected(s, 4, want);
    for (int i = 0; i < 3; i++)
      near(a[i], want[i], "2sfca_binary", s * 3 + i);
    ec_od_free(od);
  }
  cr_log_info("pysal fixture3 max abs error %.3g", max_abs_err_seen);
}

/* ---- pysal 5x5 grid fixture, Euclidean costs ----------------------------- */

Test(access, pysal_fixture_grid5) {
  double x[25], y[25], v[25], want[25][5];
  ec_csv *csv;
  ec_error err;
  cr_assert_eq(ec_csv_open(DATA "fixture_grid5_points.csv", &csv, &err), 0);
  int n = 0;
  while (ec_csv_next(csv, &err) == 1) {
    ec_csv_double(csv, 1, &x[n], &err);
    ec_csv_double(csv, 2, &y[n], &err);
    ec_csv_double(csv, 3, &v[n], &err);
    n++;
  }
  ec_csv_free(csv);
  cr_assert_eq(n, 25);
  cr_assert_eq(ec_csv_open(DATA "fixture_grid5_expected.csv", &csv, &err), 0);
  n = 0;
  while (ec_csv_next(csv, &err) == 1) {
    for (int c = 0; c < 5; c++)
      ec_csv_double(csv, c + 1, &want[n][c], &err);
    n++;
  }
  ec_csv_free(csv);
  cr_assert_eq(n, 25);

  ec_od *full = NULL;
  cr_assert_eq(ec_od_from_points(x, y, 25, x, y, 25, INFINITY, 0, &full, &err),
               0);
  double a[25];
  ec_access_opts o;

  /* weighted catchment, gravity scale 60 alpha 1, no limit */
  ec_access_opts_init(&o);
  o.decay.kind = EC_DECAY_GRAVITY;
  o.decay.scale = 60;
  o.decay.alpha = 1;
  cr_assert_eq(
      ec_access_compute(full, EC_ACCESS_CUMULATIVE, v, v, 1, &o, a, &err), 0);
  for (int i = 0; i < 25; i++)
    near(a[i], want[i][0], "wc_gravity", i);

  /* 2SFCA: no limit, 0.9, 1.5 (on the full table and on a truncated one) */
  const double cuts[3] = {INFINITY, 0.9, 1.5};
  for (int k = 0; k < 3; k++) {
    ec_access_opts_init(&o);
    o.max_cost = cuts[k];
    cr_assert_eq(ec_access_compute(full, EC_ACCESS_2SFCA, v, v, 1, &o, a, &err),
                 0);
    for (int i = 0; i < 25; i++)
      near(a[i], want[i][1 + k], "2sfca", i);
    ec_od *cut = NULL;
    cr_assert_eq(ec_od_from_points(x, y, 25, x, y, 25, cuts[k], 0, &cut, &err),
                 0);
    cr_assert_eq(ec_access_compute(cut, EC_ACCESS_2SFCA, v, v, 1, &o, a, &err),
                 0);
    for (int i = 0; i < 25; i++)
      near(a[i], want[i][1 + k], "2sfca_cut", i);
    ec_od_free(cut);
  }
  /* gaussian sigma 1.5, max_cost 3 */
  ec_access_opts_init(&o);
  o.max_cost = 3;
  o.decay.kind = EC_DECAY_GAUSSIAN;
  o.decay.sigma = 1.5;
  cr_assert_eq(ec_access_compute(full, EC_ACCESS_2SFCA, v, v, 1, &o, a, &err),
               0);
  for (int i = 0; i < 25; i++)
    near(a[i], want[i][4], "2sfca_gauss", i);
  ec_od_free(full);
  cr_log_info("pysal grid5 max abs error %.3g", max_abs_err_seen);
}

/* ---- hand-computed cases ------------------------------------------------ */

/* Instance H: P = [100, 50, 10]; two facilities, capacity columns
 * S = [[10, 0], [20, 3]]; pairs 0->0 cost 5, 0->1 cost 15, 1->1 cost 10;
 * origin 2 reaches nothing. */
static ec_od *hand_od(void) {
  uint32_t o[3] = {0, 0, 1}, d[3] = {0, 1, 1};
  double c[3] = {5, 15, 10};
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_triples(3, 2, 3, o, d, c, INFINITY, &od, NULL), 0);
  return od;
}
static const double HP[3] = {100, 50, 10};
static const double HS[4] = {10, 0, 20, 3};

Test(access, hand_2sfca_inclusive_cut_and_nan) {
  ec_od *od = hand_od();
  ec_access_opts o;
  ec_access_opts_init(&o);
  double a[6];
  /* cut 10 (inclusive: 1->1 at exactly 10 is in): D0 = 100, D1 = 50;
   * column 0: R = 0.1, 0.4 -> A = [0.1, 0.4, NaN];
   * column 1: R = 0, 3/50 = 0.06 -> A = [0, 0.06, NaN] */
  o.max_cost = 10;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  near(a[0], 0.1, "A0", 0);
  near(a[2], 0.4, "A1", 0);
  cr_assert(isnan(a[4]) && isnan(a[5]));
  near(a[1], 0.0, "A0c1", 0);
  near(a[3], 0.06, "A1c1", 0);
  /* invariant: sum P A = 100*0.1 + 50*0.4 = 30 = reachable supply */
  double rs;
  cr_assert_eq(ec_access_reachable_supply(od, HP, HS, 2, 0, &o, &rs, NULL), 0);
  near(rs, 30, "reachable", 0);
  near(HP[0] * a[0] + HP[1] * a[2], rs, "invariant", 0);
  /* no_reach_zero: origin 2 gets 0 */
  o.no_reach_zero = 1;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  cr_assert_eq(a[4], 0.0);
  /* cut 15: D0 = 100, D1 = 150; R = 0.1, 20/150; A0 = 0.1 + 2/15 = 7/30,
   * A1 = 2/15; sum P A = 70/3 + 20/3 = 30 */
  o.no_reach_zero = 0;
  o.max_cost = 15;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  near(a[0], 7.0 / 30, "A0", 0);
  near(a[2], 2.0 / 15, "A1", 0);
  /* pysal's strict rule (cost < 10): origin 1's pair at exactly 10 drops
   * out -> NaN; origin 0 keeps cost 5: A0 = 10/100 = 0.1 */
  o.max_cost = 10;
  o.strict_cut = 1;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  near(a[0], 0.1, "strict", 0);
  cr_assert(isnan(a[2]));
  o.strict_cut = 0;
  /* cut just below 10: origin 1 loses its only pair -> NaN */
  o.max_cost = 9.999999;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  cr_assert(isnan(a[2]));
  ec_od_free(od);
}

Test(access, hand_cumulative) {
  ec_od *od = hand_od();
  ec_access_opts o;
  ec_access_opts_init(&o);
  double a[6];
  /* cut 10: A0 = S0 = [10, 0]; A1 = S1 = [20, 3]; A2 = NaN */
  o.max_cost = 10;
  cr_assert_eq(
      ec_access_compute(od, EC_ACCESS_CUMULATIVE, HP, HS, 2, &o, a, NULL), 0);
  near(a[0], 10, "c", 0);
  near(a[1], 0, "c", 1);
  near(a[2], 20, "c", 2);
  near(a[3], 3, "c", 3);
  cr_assert(isnan(a[4]));
  /* cut 15: A0 = [30, 3] */
  o.max_cost = 15;
  cr_assert_eq(
      ec_access_compute(od, EC_ACCESS_CUMULATIVE, HP, HS, 2, &o, a, NULL), 0);
  near(a[0], 30, "c", 0);
  near(a[1], 3, "c", 1);
  ec_od_free(od);
}

Test(access, hand_e2sfca_steps_inclusive_and_right_open) {
  ec_od *od = hand_od();
  ec_access_opts o;
  ec_access_opts_init(&o);
  ec_error err;
  cr_assert_eq(ec_decay_parse_steps("5:1,10:0.5,15:0.25", &o.decay, &err), 0);
  /* pysal rule (cost <= t): w(5) = 1, w(10) = 0.5, w(15) = 0.25.
   * D0 = 100*1 = 100; D1 = 100*0.25 + 50*0.5 = 50; R = [0.1, 0.4];
   * A0 = 0.1*1 + 0.4*0.25 = 0.2; A1 = 0.4*0.5 = 0.2; sum P A = 30 */
  double a[6];
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  near(a[0], 0.2, "e2", 0);
  near(a[2], 0.2, "e2", 1);
  /* IPEA right-open rule (cost < t): w(5) = 0.5, w(10) = 0.25, w(15) = 0.
   * D0 = 50; D1 = 0 + 50*0.25 = 12.5; R = [0.2, 1.6];
   * A0 = 0.2*0.5 + 1.6*0 = 0.1; A1 = 1.6*0.25 = 0.4; sum P A = 30 */
  o.decay.right_open = 1;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, NULL),
               0);
  near(a[0], 0.1, "e2ro", 0);
  near(a[2], 0.4, "e2ro", 1);
  /* step weights themselves (pysal docstring example {20:1, 40:0.68, 60:0.22})
   */
  ec_decay f;
  cr_assert_eq(ec_decay_parse_steps("20:1,40:0.68,60:0.22", &f, &err), 0);
  cr_assert_eq(ec_decay_eval(&f, 20), 1);
  cr_assert_eq(ec_decay_eval(&f, 30), 0.68);
  cr_assert_eq(ec_decay_eval(&f, 60), 0.22);
  cr_assert_eq(ec_decay_eval(&f, 70), 0);
  cr_assert_neq(ec_decay_parse_steps("20:1,10:0.5", &f, &err), 0);
  cr_assert_neq(ec_decay_parse_steps("20=1", &f, &err), 0);
  ec_od_free(od);
}

Test(access, hand_decays) {
  ec_decay f;
  ec_error err;
  /* pysal docstrings: gaussian(20)(20) = exp(-1/2); gravity(20,-2,1)(2)=100 */
  cr_assert_eq(ec_decay_parse("gaussian:20", &f, &err), 0);
  near(ec_decay_eval(&f, 20), 0.6065306597126334, "gauss", 0);
  cr_assert_eq(ec_decay_parse("gravity:-2:1:20", &f, &err), 0);
  near(ec_decay_eval(&f, 0), 400, "grav", 0);
  near(ec_decay_eval(&f, 2), 100, "grav", 1);
  near(ec_decay_eval(&f, 40), 0.25, "grav", 2);
  cr_assert_neq(ec_decay_parse("gaussian:0", &f, &err), 0);
  cr_assert_neq(ec_decay_parse("cubic:1", &f, &err), 0);
  /* single origin P = 2, S = [1, 3] at costs 0 and sigma: whatever the
   * weights, A = total supply / P = 2 */
  uint32_t o[2] = {0, 0}, d[2] = {0, 1};
  double c[2] = {0, 20}, P[1] = {2}, S[2] = {1, 3}, a[1];
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_triples(1, 2, 2, o, d, c, INFINITY, &od, NULL), 0);
  ec_access_opts op;
  ec_access_opts_init(&op);
  cr_assert_eq(ec_decay_parse("gaussian:20", &op.decay, &err), 0);
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, P, S, 1, &op, a, NULL),
               0);
  near(a[0], 2.0, "gauss2sfca", 0);
  ec_od_free(od);
}

Test(access, hand_zero_demand_facility_contributes_zero) {
  /* P = [0, 10]; S = [5, 5]; pairs 0->0 and 1->1 at cost 1. D0 = 0 -> R0 = 0,
   * so A0 = 0 (in reach, not NaN, not inf); A1 = 5/10 = 0.5; reachable
   * supply = 5 = 10 * 0.5 */
  uint32_t o[2] = {0, 1}, d[2] = {0, 1};
  double c[2] = {1, 1}, P[2] = {0, 10}, S[2] = {5, 5}, a[2], rs;
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_triples(2, 2, 2, o, d, c, INFINITY, &od, NULL), 0);
  ec_access_opts op;
  ec_access_opts_init(&op);
  for (int m = EC_ACCESS_2SFCA; m <= EC_ACCESS_BFCA; m++) {
    cr_assert_eq(
        ec_access_compute(od, (ec_access_method)m, P, S, 1, &op, a, NULL), 0);
    cr_assert_eq(a[0], 0.0, "method %d", m);
    near(a[1], 0.5, "a1", m);
  }
  cr_assert_eq(ec_access_reachable_supply(od, P, S, 1, 0, &op, &rs, NULL), 0);
  near(rs, 5, "rs", 0);
  ec_od_free(od);
}

/* Instance T: P = [10, 20]; S = [6, 6]; pairs 0->0 cost 1, 0->1 cost 2,
 * 1->1 cost 1; no decay (w = 1). */
static ec_od *t_od(void) {
  uint32_t o[3] = {0, 0, 1}, d[3] = {0, 1, 1};
  double c[3] = {1, 2, 1};
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_triples(2, 2, 3, o, d, c, INFINITY, &od, NULL), 0);
  return od;
}

Test(access, hand_3sfca) {
  /* G: origin 0 -> 1/2, 1/2; origin 1 -> 1. D0 = 10*0.5 = 5;
   * D1 = 10*0.5 + 20*1 = 25; R = [1.2, 0.24]; A0 = 0.5*1.2 + 0.5*0.24 = 0.72;
   * A1 = 0.24; sum P A = 7.2 + 4.8 = 12 = total supply */
  ec_od *od = t_od();
  double P[2] = {10, 20}, S[2] = {6, 6}, a[2];
  ec_access_opts o;
  ec_access_opts_init(&o);
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_3SFCA, P, S, 1, &o, a, NULL), 0);
  near(a[0], 0.72, "3s", 0);
  near(a[1], 0.24, "3s", 1);
  /* a supplied selection sum (e.g. over a larger choice set): origin 0 sum 4
   * -> G = 1/4 each: D0 = 2.5, D1 = 2.5 + 20 = 22.5; R = [2.4, 6/22.5];
   * A0 = 0.25*2.4 + 0.25*(6/22.5) = 0.6 + 1/15 */
  double rs[2] = {4, 1};
  o.selection_rowsum = rs;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_3SFCA, P, S, 1, &o, a, NULL), 0);
  near(a[0], 0.6 + 1.0 / 15, "3s_sel", 0);
  ec_od_free(od);
}

Test(access, hand_bfca) {
  /* row sums: origin 0: 2, origin 1: 1; column sums: facility 0: 1,
   * facility 1: 2. D0 = 10/2 = 5; D1 = 10/2 + 20/1 = 25; R = [1.2, 0.24];
   * A0 = 1.2/1 + 0.24/2 = 1.32; A1 = 0.24/2 = 0.12 (IPEA fca_bfca) */
  ec_od *od = t_od();
  double P[2] = {10, 20}, S[2] = {6, 6}, a[2];
  ec_access_opts o;
  ec_access_opts_init(&o);
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_BFCA, P, S, 1, &o, a, NULL), 0);
  near(a[0], 1.32, "bfca", 0);
  near(a[1], 0.12, "bfca", 1);
  ec_od_free(od);
}

Test(access, hand_nearest_and_coverage) {
  ec_od *od = hand_od();
  ec_access_opts o;
  ec_access_opts_init(&o);
  double a[6];
  /* nearest with capacity > 0: origin 0: col 0 -> 5 (facility 0), col 1 ->
   * 15 (facility 0 has 0 in col 1); origin 1: 10, 10; origin 2: NaN */
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_NEAREST, HP, HS, 2, &o, a, NULL),
               0);
  near(a[0], 5, "n", 0);
  near(a[1], 15, "n", 1);
  near(a[2], 10, "n", 2);
  near(a[3], 10, "n", 3);
  cr_assert(isnan(a[4]) && isnan(a[5]));
  /* coverage within 10 (inclusive): [1, 0], [1, 1], [0, 0] */
  o.max_cost = 10;
  cr_assert_eq(
      ec_access_compute(od, EC_ACCESS_COVERAGE, HP, HS, 2, &o, a, NULL), 0);
  const double want[6] = {1, 0, 1, 1, 0, 0};
  for (int k = 0; k < 6; k++)
    cr_assert_eq(a[k], want[k], "k=%d", k);
  ec_od_free(od);
}

Test(access, invariant_random_2sfca) {
  /* sum_i P_i A_i = sum of supply of facilities with demand in reach, for
   * any decay; random points, 30-unit cut */
  unsigned s = 11;
  enum { NO = 300, ND = 40 };
  double ox[NO], oy[NO], P[NO], dx[ND], dy[ND], S[ND], a[NO];
  for (int i = 0; i < NO; i++) {
    s = s * 1103515245u + 12345u;
    ox[i] = (s >> 8) % 1000 / 10.0;
    s = s * 1103515245u + 12345u;
    oy[i] = (s >> 8) % 1000 / 10.0;
    P[i] = (s >> 4) % 50;
  }
  for (int j = 0; j < ND; j++) {
    s = s * 1103515245u + 12345u;
    dx[j] = (s >> 8) % 1000 / 10.0;
    s = s * 1103515245u + 12345u;
    dy[j] = (s >> 8) % 1000 / 10.0;
    S[j] = 1 + (s >> 4) % 200;
  }
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_points(ox, oy, NO, dx, dy, ND, 30, 0, &od, NULL), 0);
  const char *decays[3] = {NULL, "gaussian:10", "gravity:-1:1"};
  for (int k = 0; k < 3; k++) {
    ec_access_opts o;
    ec_access_opts_init(&o);
    o.max_cost = 30;
    if (decays[k]) cr_assert_eq(ec_decay_parse(decays[k], &o.decay, NULL), 0);
    cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, P, S, 1, &o, a, NULL),
                 0);
    double sum = 0, rs;
    for (int i = 0; i < NO; i++)
      if (!isnan(a[i])) sum += P[i] * a[i];
    cr_assert_eq(ec_access_reachable_supply(od, P, S, 1, 0, &o, &rs, NULL), 0);
    cr_assert(fabs(sum - rs) <= 1e-9 * rs, "decay %d: %.17g vs %.17g", k, sum,
              rs);
  }
  ec_od_free(od);
}

Test(access, gini_palma_hand) {
  double g, p;
  /* a = [1, 3], equal weights: Lorenz L = 1/4, 1; area = 0.5*(0 + 1/4)*...
   * 1 - [(0 + .25)*.5 + (.25 + 1)*.5] = 1 - .75 = 0.25 (= mean |xi-xj| /
   * (2 mean) = 1/4) */
  double a1[2] = {3, 1}, w1[2] = {1, 1};
  cr_assert_eq(ec_access_gini(a1, w1, 2, &g, NULL), 0);
  near(g, 0.25, "gini", 0);
  /* weights [1, 3] on a = [3, 1] equal the list 1,1,1,3: Gini 0.25 */
  double w2[2] = {1, 3};
  cr_assert_eq(ec_access_gini(a1, w2, 2, &g, NULL), 0);
  near(g, 0.25, "gini_w", 0);
  /* NaN is skipped */
  double a3[3] = {1, NAN, 3}, w3[3] = {1, 5, 1};
  cr_assert_eq(ec_access_gini(a3, w3, 3, &g, NULL), 0);
  near(g, 0.25, "gini_nan", 0);
  /* equal access: 0 */
  double a4[3] = {2, 2, 2};
  cr_assert_eq(ec_access_gini(a4, NULL, 3, &g, NULL), 0);
  near(g, 0.0, "gini0", 0);
  /* Palma of 1..10: bottom 40 % holds 10/55, top 10 % holds 10/55 -> 1 */
  double a5[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  cr_assert_eq(ec_access_palma(a5, NULL, 10, &p, NULL), 0);
  near(p, 1.0, "palma", 0);
  /* nine 1s and one 11: bottom 4/20, top 11/20 -> 2.75 */
  double a6[10] = {1, 1, 1, 11, 1, 1, 1, 1, 1, 1};
  cr_assert_eq(ec_access_palma(a6, NULL, 10, &p, NULL), 0);
  near(p, 2.75, "palma", 1);
  /* [1, 3] equal weights: L(0.4) = 0.8*1/4 = 0.2; L(0.9) = (1 + 0.8*3)/4 =
   * 0.85 -> (1 - 0.85) / 0.2 = 0.75 */
  cr_assert_eq(ec_access_palma(a1, w1, 2, &p, NULL), 0);
  near(p, 0.75, "palma", 2);
  near(ec_access_weighted_mean(a3, w3, 3), 2.0, "mean", 0);
}

Test(access, medical_coverage_hand) {
  /* homes: medical = [1, 0, 1], medical beds [10, 50, 0] (home 1's 50 do
   * not count: no medical care); demand [100, 100]; origin 0 -> home 1 at
   * 1, home 0 at 5; origin 1 -> home 2 at 2.
   * radius 4: origin 0 reaches only the non-medical home -> 100/200 = 0.5.
   * radius 5: both covered -> 1.0; 2SFCA on medical beds: D0 = D1 = D2 =
   * 100, R = [0.1, 0, 0]; A = [0.1, 0] -> per 1000: [100, 0], mean 50. */
  uint32_t o[3] = {0, 0, 1}, d[3] = {1, 0, 2};
  double c[3] = {1, 5, 2}, P[2] = {100, 100}, mb[3] = {10, 50, 0}, pp[2];
  int med[3] = {1, 0, 1};
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_triples(2, 3, 3, o, d, c, INFINITY, &od, NULL), 0);
  ec_medical_coverage mc;
  cr_assert_eq(ec_access_medical(od, P, med, mb, 4, &mc, NULL, NULL), 0);
  cr_assert_eq(mc.n_homes, 3);
  cr_assert_eq(mc.n_medical, 2);
  near(mc.share_homes_medical, 2.0 / 3, "share", 0);
  near(mc.share_elderly_covered, 0.5, "cov", 0);
  cr_assert_eq(ec_access_medical(od, P, med, mb, 5, &mc, pp, NULL), 0);
  near(mc.share_elderly_covered, 1.0, "cov", 1);
  near(pp[0], 100, "pp", 0);
  near(pp[1], 0, "pp", 1);
  near(mc.med_beds_per_1000, 50, "mb", 0);
  ec_od_free(od);
}

Test(access, bad_inputs) {
  ec_od *od = hand_od();
  ec_access_opts o;
  ec_access_opts_init(&o);
  double a[6], P[3] = {1, -1, 1};
  ec_error err;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, P, HS, 2, &o, a, &err),
               EC_ERR_RANGE);
  cr_assert(strstr(err.msg, "demand point 2"));
  double S[4] = {1, NAN, 1, 1};
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, S, 2, &o, a, &err),
               EC_ERR_RANGE);
  o.max_cost = -1;
  cr_assert_eq(ec_access_compute(od, EC_ACCESS_2SFCA, HP, HS, 2, &o, a, &err),
               EC_ERR_RANGE);
  cr_assert_eq(ec_access_method_parse("2sfca"), EC_ACCESS_2SFCA);
  cr_assert_eq(ec_access_method_parse("4sfca"), -1);
  ec_od_free(od);
}
