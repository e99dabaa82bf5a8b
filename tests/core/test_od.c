/* test_od.c — sparse OD tables against brute force and hand-made cases. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_od.h"

/* brute-force row: all dest with cost <= maxc, sorted by (cost, index),
 * truncated to k (k = 0: all) */
typedef struct {
  double c;
  uint32_t d;
} bp;
static int bp_cmp(const void *a, const void *b) {
  const bp *x = a, *y = b;
  if (x->c < y->c) return -1;
  if (x->c > y->c) return 1;
  return (x->d > y->d) - (x->d < y->d);
}

static void check_vs_brute(const double *ox, const double *oy, size_t no,
                           const double *dx, const double *dy, size_t nd,
                           double maxc, size_t k) {
  ec_od *od = NULL;
  ec_error err;
  cr_assert_eq(ec_od_from_points(ox, oy, no, dx, dy, nd, maxc, k, &od, &err),
               EC_OK, "%s", err.msg);
  cr_assert_eq(ec_od_norig(od), no);
  cr_assert_eq(ec_od_ndest(od), nd);
  const size_t *rp = ec_od_rowptr(od);
  const uint32_t *de = ec_od_dest(od);
  const double *co = ec_od_cost(od);
  bp *row = malloc((nd + 1) * sizeof *row);
  size_t total = 0;
  for (size_t i = 0; i < no; i++) {
    size_t n = 0;
    for (size_t j = 0; j < nd; j++) {
      double c = sqrt((dx[j] - ox[i]) * (dx[j] - ox[i]) +
                      (dy[j] - oy[i]) * (dy[j] - oy[i]));
      if (c <= maxc) row[n++] = (bp){c, (uint32_t)j};
    }
    qsort(row, n, sizeof *row, bp_cmp);
    if (k > 0 && n > k) n = k;
    cr_assert_eq(rp[i + 1] - rp[i], n, "origin %zu: %zu vs %zu kept", i,
                 rp[i + 1] - rp[i], n);
    for (size_t q = 0; q < n; q++) {
      cr_assert_eq(de[rp[i] + q], row[q].d, "origin %zu entry %zu", i, q);
      cr_assert_eq(co[rp[i] + q], row[q].c);
    }
    total += n;
  }
  cr_assert_eq(ec_od_nnz(od), total);

  /* transpose: same pairs by destination, sorted by (cost, origin) */
  ec_od *t = NULL;
  cr_assert_eq(ec_od_transpose(od, &t, &err), EC_OK);
  cr_assert_eq(ec_od_nnz(t), total);
  cr_assert_eq(ec_od_norig(t), nd);
  const size_t *trp = ec_od_rowptr(t);
  for (size_t j = 0; j < nd; j++)
    for (size_t q = trp[j]; q < trp[j + 1]; q++) {
      uint32_t i = ec_od_dest(t)[q];
      double c = ec_od_cost(t)[q];
      if (q > trp[j]) {
        double pc = ec_od_cost(t)[q - 1];
        cr_assert(pc < c || (pc == c && ec_od_dest(t)[q - 1] < i));
      }
      int found = 0;
      for (size_t p = rp[i]; p < rp[i + 1]; p++)
        if (de[p] == j && co[p] == c) found = 1;
      cr_assert(found);
    }
  ec_od_free(t);
  free(row);
  ec_od_free(od);
}

static double urand(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return (double)((*s >> 8) & 0xFFFFFF) / 16777216.0;
}

Test(od, random_cut_matches_brute_force) {
  unsigned s = 7;
  size_t no = 400, nd = 150;
  double *o = malloc(2 * no * sizeof *o), *d = malloc(2 * nd * sizeof *d);
  /* origins spill outside the destinations' box on purpose */
  for (size_t i = 0; i < no; i++) {
    o[i] = -20 + 140 * urand(&s);
    o[no + i] = -20 + 140 * urand(&s);
  }
  for (size_t j = 0; j < nd; j++) {
    d[j] = 100 * urand(&s);
    d[nd + j] = 100 * urand(&s);
  }
  check_vs_brute(o, o + no, no, d, d + nd, nd, 15.0, 0);
  check_vs_brute(o, o + no, no, d, d + nd, nd, 0.5, 0); /* tiny cells */
  check_vs_brute(o, o + no, no, d, d + nd, nd, 1e6, 0); /* one cell */
  check_vs_brute(o, o + no, no, d, d + nd, nd, INFINITY, 0);
  check_vs_brute(o, o + no, no, d, d + nd, nd, INFINITY, 1);
  check_vs_brute(o, o + no, no, d, d + nd, nd, INFINITY, 7);
  check_vs_brute(o, o + no, no, d, d + nd, nd, 12.0, 5);
  check_vs_brute(o, o + no, no, d, d + nd, nd, INFINITY, 1000); /* k > nd */
  free(o);
  free(d);
}

Test(od, threads_give_the_same_table) {
  unsigned s = 3;
  size_t no = 3000, nd = 200;
  double *o = malloc(2 * no * sizeof *o), *d = malloc(2 * nd * sizeof *d);
  for (size_t i = 0; i < 2 * no; i++)
    o[i] = 100 * urand(&s);
  for (size_t j = 0; j < 2 * nd; j++)
    d[j] = 100 * urand(&s);
  ec_od *a = NULL, *b = NULL;
  cr_assert_eq(ec_od_from_points(o, o + no, no, d, d + nd, nd, 20, 0, &a, NULL),
               0);
  cr_assert_eq(
      ec_od_from_points_mt(o, o + no, no, d, d + nd, nd, 20, 0, 4, &b, NULL),
      0);
  cr_assert_eq(ec_od_nnz(a), ec_od_nnz(b));
  cr_assert_eq(
      memcmp(ec_od_rowptr(a), ec_od_rowptr(b), (no + 1) * sizeof(size_t)), 0);
  cr_assert_eq(
      memcmp(ec_od_dest(a), ec_od_dest(b), ec_od_nnz(a) * sizeof(uint32_t)), 0);
  cr_assert_eq(
      memcmp(ec_od_cost(a), ec_od_cost(b), ec_od_nnz(a) * sizeof(double)), 0);
  ec_od_free(a);
  ec_od_free(b);
  free(o);
  free(d);
}

Test(od, integer_lattice_ties_and_inclusive_cut) {
  /* 6x6 lattice of destinations, origins on lattice points: many equal
   * costs, and cost == cut exactly (1, 2) must be kept */
  double dx[36], dy[36], ox[49], oy[49];
  for (int j = 0; j < 36; j++) {
    dx[j] = j % 6;
    dy[j] = j / 6;
  }
  for (int i = 0; i < 49; i++) {
    ox[i] = i % 7 - 0.5 * (i % 2);
    oy[i] = i / 7;
  }
  check_vs_brute(ox, oy, 49, dx, dy, 36, 1.0, 0);
  check_vs_brute(ox, oy, 49, dx, dy, 36, 2.0, 0);
  check_vs_brute(ox, oy, 49, dx, dy, 36, INFINITY, 3);
  check_vs_brute(ox, oy, 49, dx, dy, 36, 2.0, 4);
  check_vs_brute(ox, oy, 49, dx, dy, 36, 0.0, 0);
}

Test(od, hand_case_inclusive_cut) {
  /* origin at (0,0); destinations at distance 3 (3,0), 5 (3,4), 5 (0,5),
   * 5.000001: with cut 5 the row is [0:3, 1:5, 2:5] (tie by index) */
  double ox[1] = {0}, oy[1] = {0};
  double dx[4] = {3, 3, 0, 5.000001}, dy[4] = {0, 4, 5, 0};
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_points(ox, oy, 1, dx, dy, 4, 5.0, 0, &od, NULL), 0);
  cr_assert_eq(ec_od_nnz(od), 3);
  cr_assert_eq(ec_od_dest(od)[0], 0);
  cr_assert_eq(ec_od_dest(od)[1], 1);
  cr_assert_eq(ec_od_dest(od)[2], 2);
  cr_assert_eq(ec_od_cost(od)[1], 5.0);
  ec_od_free(od);
}

Test(od, far_origin_knn) {
  /* an origin 1e9 away from the destinations still finds its 2 nearest */
  double ox[1] = {1e9}, oy[1] = {-1e9};
  double dx[3] = {0, 1, 2}, dy[3] = {0, 0, 0};
  ec_od *od = NULL;
  cr_assert_eq(ec_od_from_points(ox, oy, 1, dx, dy, 3, INFINITY, 2, &od, NULL),
               0);
  cr_assert_eq(ec_od_nnz(od), 2);
  cr_assert_eq(ec_od_dest(od)[0], 2);
  cr_assert_eq(ec_od_dest(od)[1], 1);
  ec_od_free(od);
}

Test(od, triples_sort_cut_and_errors) {
  uint32_t o[5] = {0, 0, 0, 1, 1}, d[5] = {2, 0, 1, 0, 2};
  double c[5] = {5, 7, 5, 30, 1};
  ec_od *od = NULL;
  ec_error err;
  cr_assert_eq(ec_od_from_triples(3, 3, 5, o, d, c, 10, &od, &err), EC_OK);
  /* row 0 sorted: (5,1) (5,2) (7,0); row 1: (1,2), 30 dropped; row 2 empty */
  const size_t *rp = ec_od_rowptr(od);
  cr_assert_eq(rp[1], 3);
  cr_assert_eq(rp[2], 4);
  cr_assert_eq(rp[3], 4);
  cr_assert_eq(ec_od_dest(od)[0], 1);
  cr_assert_eq(ec_od_dest(od)[1], 2);
  cr_assert_eq(ec_od_dest(od)[2], 0);
  cr_assert_eq(ec_od_dest(od)[3], 2);
  cr_assert_eq(ec_od_cost(od)[3], 1.0);
  ec_od_free(od);

  uint32_t od2[2] = {0, 0}, dd2[2] = {1, 1};
  double cc2[2] = {1, 2};
  cr_assert_eq(ec_od_from_triples(1, 2, 2, od2, dd2, cc2, INFINITY, &od, &err),
               EC_ERR_INVALID);
  cr_assert_null(od);
  uint32_t bad[1] = {5};
  cr_assert_eq(ec_od_from_triples(1, 2, 1, bad, dd2, cc2, INFINITY, &od, &err),
               EC_ERR_RANGE);
  double neg[1] = {-1};
  cr_assert_eq(ec_od_from_triples(1, 2, 1, od2, dd2, neg, INFINITY, &od, &err),
               EC_ERR_RANGE);
  double nan_[1] = {NAN};
  cr_assert_eq(ec_od_from_triples(1, 2, 1, od2, dd2, nan_, INFINITY, &od, &err),
               EC_ERR_RANGE);
  cr_assert_eq(ec_od_from_triples(1, 2, 1, od2, dd2, cc2, -1, &od, &err),
               EC_ERR_RANGE);
}

Test(od, empty_inputs) {
  ec_od *od = NULL;
  double x[1] = {0};
  cr_assert_eq(ec_od_from_points(x, x, 1, NULL, NULL, 0, 5, 0, &od, NULL), 0);
  cr_assert_eq(ec_od_nnz(od), 0);
  cr_assert_eq(ec_od_rowptr(od)[1], 0);
  ec_od_free(od);
  cr_assert_eq(ec_od_from_points(NULL, NULL, 0, x, x, 1, 5, 0, &od, NULL), 0);
  cr_assert_eq(ec_od_nnz(od), 0);
  ec_od_free(od);
  ec_od_free(NULL);
}
