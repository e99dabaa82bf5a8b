/* test_setcover.c — the set-cover engine behind LSCP and p-center:
 * small random instances against exhaustive enumeration done here (bitmask
 * covers, with fixed and excluded sites), and published / CBC-proven optima:
 * SJC324 LSCP (S = 150 m: 75 sites, S = 200 m: 41; CBC 2.10.8, see
 * tests/data/location/NOTES.md) and the vertex p-center of OR-Library pmed1
 * (p = 5: 127) and pmed4 (p = 20: 74) (Mladenović, Labbé & Hansen 2003). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../model/core/siting_setcover.h"
#include "eldercap/ec_siting.h"

#define MAXS 18
#define MAXC 32

static unsigned long lcg_state;
static int rnd(int k) { /* deterministic, independent of libc rand() */
  lcg_state = lcg_state * 6364136223846793005UL + 1442695040888963407UL;
  return (int)((lcg_state >> 33) % (unsigned long)k);
}

typedef struct {
  int nc, ns;
  double cx[MAXC], cy[MAXC], sx[MAXS], sy[MAXS];
  unsigned char fixed[MAXS], cand[MAXS];
} inst;

/* Integer coordinates in a square of side `side`, so distances tie often. */
static void make(inst *in, unsigned seed, int nc, int ns, int side, int nfix,
                 int nexcl) {
  lcg_state = seed;
  in->nc = nc;
  in->ns = ns;
  for (int i = 0; i < nc; i++) {
    in->cx[i] = rnd(side);
    in->cy[i] = rnd(side);
  }
  for (int j = 0; j < ns; j++) {
    in->sx[j] = rnd(side);
    in->sy[j] = rnd(side);
    in->fixed[j] = 0;
    in->cand[j] = 1;
  }
  for (int k = 0; k < nfix; k++)
    in->fixed[rnd(ns)] = 1;
  for (int k = 0; k < nexcl; k++) {
    int j = rnd(ns);
    if (!in->fixed[j]) in->cand[j] = 0;
  }
}

/* squared distance: integers, exact */
static double d2(const inst *in, int i, int j) {
  double dx = in->cx[i] - in->sx[j], dy = in->cy[i] - in->sy[j];
  return dx * dx + dy * dy;
}

static ec_od *od_of(const inst *in, double max_cost) {
  ec_od *od = NULL;
  ec_error err;
  cr_assert_eq(ec_od_from_points(in->cx, in->cy, (size_t)in->nc, in->sx, in->sy,
                                 (size_t)in->ns, max_cost, 0, &od, &err),
               EC_OK, "%s", err.msg);
  return od;
}

/* Fewest sites (fixed included) covering every client within radius r;
 * -1 when even all allowed sites do not cover. */
static int enum_lscp(const inst *in, double r) {
  unsigned cov[MAXC], fmask = 0, cmask = 0;
  for (int j = 0; j < in->ns; j++) {
    if (in->fixed[j])
      fmask |= 1u << j;
    else if (in->cand[j])
      cmask |= 1u << j;
  }
  for (int i = 0; i < in->nc; i++) {
    cov[i] = 0;
    for (int j = 0; j < in->ns; j++)
      if (d2(in, i, j) <= r * r) cov[i] |= 1u << j;
  }
  int best = -1;
  for (unsigned s = 0; s < (1u << in->ns); s++) {
    if (s & ~cmask) continue;
    int k = __builtin_popcount(s | fmask);
    if (best >= 0 && k >= best) continue;
    int ok = 1;
    for (int i = 0; i < in->nc && ok; i++)
      ok = (cov[i] & (s | fmask)) != 0;
    if (ok) best = k;
  }
  return best;
}

/* Least largest distance with p sites (fixed included, p >= #fixed). */
static double enum_pcenter(const inst *in, int p) {
  unsigned fmask = 0, cmask = 0;
  for (int j = 0; j < in->ns; j++) {
    if (in->fixed[j])
      fmask |= 1u << j;
    else if (in->cand[j])
      cmask |= 1u << j;
  }
  int extra = p - __builtin_popcount(fmask), ncand = __builtin_popcount(cmask);
  if (extra > ncand) extra = ncand;
  double best = INFINITY;
  for (unsigned s = 0; s < (1u << in->ns); s++) {
    if ((s & ~cmask) || __builtin_popcount(s) != extra) continue;
    unsigned open = s | fmask;
    double worst = 0;
    for (int i = 0; i < in->nc; i++) {
      double b = INFINITY;
      for (int j = 0; j < in->ns; j++)
        if (open >> j & 1) b = fmin(b, d2(in, i, j));
      worst = fmax(worst, b);
    }
    best = fmin(best, worst);
  }
  return sqrt(best);
}

Test(setcover, random_lscp_vs_enumeration) {
  int solved = 0, infeasible = 0;
  for (unsigned seed = 1; seed <= 120; seed++) {
    inst in;
    int ns = 8 + (int)(seed % 11), nc = 10 + (int)(seed * 7 % 22);
    make(&in, seed, nc, ns, 24 + (int)(seed % 3) * 8, (int)(seed % 3),
         (int)(seed % 4));
    double r = 8 + (double)(seed % 7);
    int opt = enum_lscp(&in, r);
    /* sparse table cut near the radius, or dense */
    ec_od *od = od_of(&in, seed % 2 ? r + 3 : INFINITY);
    ec_site_params par;
    ec_site_params_init(&par);
    par.model = EC_SITE_LSCP;
    par.radius = r;
    par.fixed = in.fixed;
    par.candidate = in.cand;
    ec_site_result res;
    ec_error err;
    int rc = ec_site_solve(od, &par, &res, &err);
    if (opt < 0) {
      cr_assert_neq(rc, EC_OK,
                    "seed %u: no cover exists, the solver must say so", seed);
      infeasible++;
    } else {
      cr_assert_eq(rc, EC_OK, "seed %u: %s", seed, err.msg);
      cr_assert_eq((int)res.objective, opt, "seed %u: lscp %g, enumeration %d",
                   seed, res.objective, opt);
      cr_assert_eq(res.nopen, (size_t)opt);
      cr_assert_eq((int)res.bound, opt, "seed %u: bound %g", seed, res.bound);
      cr_assert(res.proven);
      /* every client within r of an open site, fixed sites open, and only
       * allowed sites used */
      unsigned char isopen[MAXS] = {0};
      for (size_t k = 0; k < res.nopen; k++) {
        isopen[res.open[k]] = 1;
        cr_assert(in.cand[res.open[k]] || in.fixed[res.open[k]]);
      }
      for (int j = 0; j < ns; j++)
        if (in.fixed[j])
          cr_assert(isopen[j], "seed %u: fixed site %d closed", seed, j);
      for (int i = 0; i < nc; i++) {
        int ok = 0;
        for (int j = 0; j < ns; j++)
          ok |= isopen[j] && d2(&in, i, j) <= r * r;
        cr_assert(ok, "seed %u: client %d not covered", seed, i);
      }
      solved++;
    }
    ec_site_result_free(&res);
    ec_od_free(od);
  }
  cr_assert_gt(solved, 60, "enough feasible cases (%d)", solved);
  cr_assert_gt(infeasible, 0, "some infeasible cases (%d)", infeasible);
}

/* Clusters far apart: the cover splits into independent components. */
Test(setcover, random_lscp_components_vs_enumeration) {
  for (unsigned seed = 1; seed <= 40; seed++) {
    inst in;
    make(&in, 1000 + seed, 30, 18, 12, (int)(seed % 2), 0);
    for (int i = 0; i < in.nc; i++)
      in.cx[i] += 100.0 * (i % 3);
    for (int j = 0; j < in.ns; j++)
      in.sx[j] += 100.0 * (j % 3);
    double r = 4 + (double)(seed % 4);
    int opt = enum_lscp(&in, r);
    if (opt < 0) continue;
    ec_od *od = od_of(&in, INFINITY);
    ec_site_params par;
    ec_site_params_init(&par);
    par.model = EC_SITE_LSCP;
    par.radius = r;
    par.fixed = in.fixed;
    ec_site_result res;
    ec_error err;
    cr_assert_eq(ec_site_solve(od, &par, &res, &err), EC_OK, "%s", err.msg);
    cr_assert_eq((int)res.objective, opt, "seed %u: %g vs %d", seed,
                 res.objective, opt);
    cr_assert_eq((int)res.bound, opt);
    ec_site_result_free(&res);
    ec_od_free(od);
  }
}

Test(setcover, random_pcenter_vs_enumeration) {
  for (unsigned seed = 1; seed <= 60; seed++) {
    inst in;
    int ns = 6 + (int)(seed % 10), nc = 8 + (int)(seed * 5 % 20);
    int nfix = (int)(seed % 3);
    make(&in, 500 + seed, nc, ns, 30, nfix, (int)(seed % 3));
    int f = 0, na = 0;
    for (int j = 0; j < ns; j++) {
      f += in.fixed[j];
      na += in.fixed[j] || in.cand[j];
    }
    ec_od *od = od_of(&in, INFINITY);
    for (int p = f > 1 ? f : 1; p <= f + 4 && p <= na; p++) {
      double opt = enum_pcenter(&in, p);
      ec_site_params par;
      ec_site_params_init(&par);
      par.model = EC_SITE_PCENTER;
      par.p = (size_t)p;
      par.fixed = in.fixed;
      par.candidate = in.cand;
      ec_site_result res;
      ec_error err;
      cr_assert_eq(ec_site_solve(od, &par, &res, &err), EC_OK,
                   "seed %u p %d: %s", seed, p, err.msg);
      cr_assert_float_eq(res.objective, opt, 1e-9, "seed %u p %d: %g vs %g",
                         seed, p, res.objective, opt);
      cr_assert_float_eq(res.bound, opt, 1e-9, "seed %u p %d: bound %g", seed,
                         p, res.bound);
      cr_assert(res.proven);
      cr_assert_leq(res.nopen, (size_t)p);
      ec_site_result_free(&res);
    }
    ec_od_free(od);
  }
}

/* SJC324: n, then n lines "x y" (CRLF); the points are clients and sites. */
static void read_sjc(double *x, double *y, size_t *n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/location/SJC324.txt",
           EC_SOURCE_DIR);
  FILE *fp = fopen(path, "r");
  cr_assert_not_null(fp, "%s", path);
  cr_assert_eq(fscanf(fp, "%zu", n), 1);
  cr_assert_eq(*n, 324u);
  for (size_t i = 0; i < *n; i++)
    cr_assert_eq(fscanf(fp, "%lf %lf", &x[i], &y[i]), 2, "point %zu", i);
  fclose(fp);
}

static void sjc_lscp(double radius, double want, double time_limit) {
  static double x[324], y[324];
  size_t n;
  read_sjc(x, y, &n);
  ec_od *od = NULL;
  ec_error err;
  cr_assert_eq(ec_od_from_points(x, y, n, x, y, n, radius, 0, &od, &err), EC_OK,
               "%s", err.msg);
  ec_site_params par;
  ec_site_params_init(&par);
  par.model = EC_SITE_LSCP;
  par.radius = radius;
  par.time_limit_s = time_limit;
  ec_site_result res;
  cr_assert_eq(ec_site_solve(od, &par, &res, &err), EC_OK, "%s", err.msg);
  if (time_limit >= 1) {
    cr_assert_eq(res.objective, want, "S = %g: %g sites, CBC optimum %g",
                 radius, res.objective, want);
    cr_assert_eq(res.bound, want, "S = %g: bound %g", radius, res.bound);
    cr_assert(res.proven);
  } else { /* cut short: still a cover, and a valid bound */
    cr_assert_geq(res.objective, want);
    cr_assert_leq(res.bound, want, "S = %g: bound %g above the optimum", radius,
                  res.bound);
  }
  cr_assert_eq(res.nopen, (size_t)res.objective);
  /* independent coverage check */
  for (size_t i = 0; i < n; i++) {
    int ok = 0;
    for (size_t k = 0; k < res.nopen && !ok; k++) {
      uint32_t j = res.open[k];
      ok = hypot(x[i] - x[j], y[i] - y[j]) <= radius;
    }
    cr_assert(ok, "point %zu not within %g m of an open site", i + 1, radius);
  }
  ec_site_result_free(&res);
  ec_od_free(od);
}

Test(setcover, sjc324_lscp_150) { sjc_lscp(150, 75, 120); }
Test(setcover, sjc324_lscp_200) { sjc_lscp(200, 41, 120); }
Test(setcover, sjc324_bound_valid_when_cut_short) { sjc_lscp(150, 75, 1e-9); }

static void pmed_pcenter(const char *file, size_t p, double want,
                         double time_limit) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/location/%s", EC_SOURCE_DIR, file);
  ec_site_data *d = NULL;
  ec_error err;
  cr_assert_eq(ec_site_read_orlib_pmed(path, &d, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(d->p, p);
  ec_site_params par;
  ec_site_params_init(&par);
  par.model = EC_SITE_PCENTER;
  par.p = d->p;
  par.time_limit_s = time_limit;
  ec_site_result res;
  cr_assert_eq(ec_site_solve(d->od, &par, &res, &err), EC_OK, "%s", err.msg);
  cr_assert_leq(res.nopen, p);
  double mx = 0;
  for (size_t i = 0; i < res.nclients; i++)
    mx = fmax(mx, res.cost[i]);
  cr_assert_eq(mx, res.objective, "objective = largest assigned cost");
  if (time_limit >= 1) {
    cr_assert_eq(res.objective, want, "%s: %g, published %g", file,
                 res.objective, want);
    cr_assert_eq(res.bound, want, "%s: bound %g", file, res.bound);
    cr_assert(res.proven);
  } else {
    cr_assert_geq(res.objective, want);
    cr_assert_leq(res.bound, want, "%s: bound %g above the optimum", file,
                  res.bound);
  }
  ec_site_result_free(&res);
  ec_site_data_free(d);
}

Test(setcover, pmed1_pcenter) { pmed_pcenter("pmed1.txt", 5, 127, 120); }
Test(setcover, pmed4_pcenter) { pmed_pcenter("pmed4.txt", 20, 74, 120); }
Test(setcover, pmed4_pcenter_bound_valid_when_cut_short) {
  pmed_pcenter("pmed4.txt", 20, 74, 1e-9);
}

Test(setcover, deterministic) {
  static double x[324], y[324];
  size_t n;
  read_sjc(x, y, &n);
  ec_od *od = NULL;
  ec_error err;
  cr_assert_eq(ec_od_from_points(x, y, n, x, y, n, 200, 0, &od, &err), EC_OK);
  ec_site_params par;
  ec_site_params_init(&par);
  par.model = EC_SITE_LSCP;
  par.radius = 200;
  ec_site_result a, b;
  cr_assert_eq(ec_site_solve(od, &par, &a, &err), EC_OK);
  cr_assert_eq(ec_site_solve(od, &par, &b, &err), EC_OK);
  cr_assert_eq(a.nopen, b.nopen);
  cr_assert_arr_eq(a.open, b.open, a.nopen * sizeof *a.open);
  ec_site_result_free(&a);
  ec_site_result_free(&b);
  ec_od_free(od);
}

/* The engine directly: random 0/1 matrices (no geometry, so weak bounds and
 * real branching), checked against enumeration for every mode. */
Test(setcover, engine_random_matrices_vs_enumeration) {
  for (unsigned seed = 1; seed <= 150; seed++) {
    lcg_state = 77 + seed;
    size_t m = 8 + (size_t)rnd(13), n = 10 + (size_t)rnd(31);
    int dens = 10 + rnd(25); /* percent */
    unsigned rowmask[64];
    size_t rp[65], cp[22];
    uint32_t ri[64 * 20], ci[64 * 20];
    size_t q = 0;
    rp[0] = 0;
    for (size_t i = 0; i < n; i++) {
      rowmask[i] = 0;
      for (size_t j = 0; j < m; j++)
        if (rnd(100) < dens) rowmask[i] |= 1u << j;
      if (!rowmask[i]) rowmask[i] = 1u << rnd((int)m);
      for (size_t j = 0; j < m; j++)
        if (rowmask[i] >> j & 1) ri[q++] = (uint32_t)j;
      rp[i + 1] = q;
    }
    size_t t = 0;
    cp[0] = 0;
    for (size_t j = 0; j < m; j++) {
      for (size_t i = 0; i < n; i++)
        if (rowmask[i] >> j & 1) ci[t++] = (uint32_t)i;
      cp[j + 1] = t;
    }
    size_t opt = SIZE_MAX;
    for (unsigned sm = 1; sm < (1u << m); sm++) {
      size_t k = (size_t)__builtin_popcount(sm);
      if (k >= opt) continue;
      int ok = 1;
      for (size_t i = 0; i < n && ok; i++)
        ok = (rowmask[i] & sm) != 0;
      if (ok) opt = k;
    }
    ec__sc_matrix A = {.n = n, .m = m, .rp = rp, .ri = ri, .cp = cp, .ci = ci};
    uint32_t best[20];
    ec__sc_stats st;
    /* a returned cover must cover */
#define CHECK_COVER()                                                          \
  do {                                                                         \
    unsigned sm = 0;                                                           \
    for (size_t k = 0; k < st.nbest; k++)                                      \
      sm |= 1u << best[k];                                                     \
    for (size_t i = 0; i < n; i++)                                             \
      cr_assert(rowmask[i] & sm, "seed %u: row %zu uncovered", seed, i);       \
  } while (0)
    cr_assert_eq(ec__sc_solve(&A, SIZE_MAX, 0, 0, HUGE_VAL, best, &st), EC_OK);
    cr_assert_eq(st.nbest, opt, "seed %u: %zu vs %zu", seed, st.nbest, opt);
    cr_assert_eq(st.lower, opt);
    cr_assert(st.proven);
    CHECK_COVER();
    /* no cover of opt - 1: proven, bound opt */
    cr_assert_eq(ec__sc_solve(&A, opt - 1, opt - 1, 0, HUGE_VAL, best, &st),
                 EC_OK);
    cr_assert(st.proven);
    cr_assert_eq(st.lower, opt, "seed %u: capped lower %zu vs %zu", seed,
                 st.lower, opt);
    cr_assert(st.nbest == SIZE_MAX || st.nbest >= opt);
    if (st.nbest != SIZE_MAX) CHECK_COVER();
    /* stop at opt + 1: a cover of <= opt + 1, bound below opt */
    cr_assert_eq(ec__sc_solve(&A, SIZE_MAX, opt + 1, 0, HUGE_VAL, best, &st),
                 EC_OK);
    cr_assert(st.proven);
    cr_assert_leq(st.nbest, opt + 1);
    cr_assert_leq(st.lower, opt);
    CHECK_COVER();
    /* root only: a cover and a valid bound */
    cr_assert_eq(ec__sc_solve(&A, SIZE_MAX, 0, 1, HUGE_VAL, best, &st), EC_OK);
    cr_assert_geq(st.nbest, opt);
    cr_assert_leq(st.lower, opt);
    CHECK_COVER();
#undef CHECK_COVER
  }
}
