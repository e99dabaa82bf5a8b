/* test_population.c — the demographic core against independent figures:
 * WPP 2024's life expectancies, an independently derived abridged life table,
 * hand calculations, the 2010/2020 census counts of Xinzheng, and the WPP 2024
 * medium-variant elderly totals of China (the validation run). Fixtures and
 * their sources: tests/data/wpp2024/SOURCE.md. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_population.h"

#define FIX EC_SOURCE_DIR "/tests/data/wpp2024/"
#define MX FIX "wpp2024_china_mx_abridged_1950_2100.csv"
#define ASFR FIX "wpp2024_china_fertility_asfr5_1950_2100.csv"
#define MIG FIX "wpp2024_china_netmig_age5_2020_2100.csv"
#define XZ FIX "census_xinzheng_zhengzhou_2010_2020.csv"

static ec_rates *rates(void) {
  ec_rates *r = NULL;
  ec_error err;
  int rc = ec_rates_read(MX, ASFR, MIG, &r, &err);
  cr_assert_eq(rc, EC_OK, "%s:%ld: %s", err.file, err.line, err.msg);
  return r;
}

static void scenario(ec_scenario *s, int start, int base, int horizon) {
  ec_scenario_defaults(s);
  s->start_year = start;
  s->base_year = base;
  s->horizon_year = horizon;
  s->migration_method = EC_MIG_NONE;
}

/* WPP 2024 e0 (wpp2024_china_e0_5yr): the model's single-year life table at
 * the period mid-point must be within 0.05 years, both sexes. */
Test(lifetable, e0_matches_wpp_within_005_years) {
  ec_rates *r = rates();
  static const struct {
    int start;
    double m, f;
  } wpp[] = {{1950, 43.9838, 47.4578}, {1980, 63.2026, 67.7801},
             {2000, 70.7461, 75.8301}, {2015, 74.8307, 80.4044},
             {2020, 75.3674, 81.0101}, {2025, 76.6732, 81.9790},
             {2050, 81.9802, 85.5812}, {2095, 88.1028, 91.0746}};
  for (size_t i = 0; i < sizeof wpp / sizeof wpp[0]; i++) {
    double t = wpp[i].start + 2.5;
    double em = ec_rates_e0(r, EC_MALE, t), ef = ec_rates_e0(r, EC_FEMALE, t);
    cr_expect_leq(fabs(em - wpp[i].m), 0.05, "%d M %.4f vs %.4f", wpp[i].start,
                  em, wpp[i].m);
    cr_expect_leq(fabs(ef - wpp[i].f), 0.05, "%d F %.4f vs %.4f", wpp[i].start,
                  ef, wpp[i].f);
  }
  ec_rates_free(r);
}

/* Infant mx holds at the period mid-point (file: 2020-2025 age 0 M
 * 0.00617945) and is log-linear between mid-points: at 2025.0, halfway to
 * 2027.5 (2025-2030: 0.00564691), sqrt(0.00617945 * 0.00564691) = 0.0059072. */
Test(lifetable, mx_log_linear_in_time) {
  ec_rates *r = rates();
  cr_expect_float_eq(ec_rates_mx(r, EC_MALE, 0, 2022.5), 0.00617945, 1e-10);
  cr_expect_float_eq(ec_rates_mx(r, EC_MALE, 0, 2025.0),
                     sqrt(0.00617945 * 0.00564691), 1e-10);
  /* mortality improves: every age lower in 2040 than in 2021 */
  for (int a = 0; a < EC_NAGE; a++)
    cr_expect_lt(ec_rates_mx(r, EC_FEMALE, a, 2040.0),
                 ec_rates_mx(r, EC_FEMALE, a, 2021.0), "age %d", a);
  ec_rates_free(r);
}

/* 5-year survival ratios of the single-year table vs the independently derived
 * abridged table (derived_china_survival_ratios5, 2020-2025): S(60-64 -> 65-69)
 * M 0.91254849 F 0.9568461; S(80-84 -> 85-89) M 0.5084181 F 0.63094383.
 * Within 0.3 %: survival across each abridged group is WPP's by construction,
 * but person-years inside a group follow our log-linear single-year hazards,
 * not Greville's ax (measured: 60-64 < 0.05 %, 80-84 M -0.21 %). */
Test(lifetable, survival_ratios_match_derived_abridged_table) {
  ec_rates *r = rates();
  static const struct {
    int sex, x;
    double S;
  } ref[] = {{EC_MALE, 60, 0.91254849},
             {EC_FEMALE, 60, 0.9568461},
             {EC_MALE, 80, 0.5084181},
             {EC_FEMALE, 80, 0.63094383}};
  for (size_t i = 0; i < 4; i++) {
    ec_lifetable lt;
    ec_rates_lifetable(r, ref[i].sex, 2022.5, 1.0, &lt);
    double a = 0, b = 0;
    for (int k = 0; k < 5; k++) {
      a += lt.L[ref[i].x + k];
      b += lt.L[ref[i].x + 5 + k];
    }
    cr_expect_leq(fabs(b / a / ref[i].S - 1.0), 3e-3,
                  "x=%d sex %d: %.6f vs %.6f", ref[i].x, ref[i].sex, b / a,
                  ref[i].S);
  }
  ec_rates_free(r);
}

/* Hand: 20 equal groups of 1000 (0-4 ... 95-99) and 10 aged 100+: the
 * cumulative count is linear, so Steffen's spline reproduces it and every
 * single year holds 1000/5 = 200. */
Test(graduate, uniform_groups_give_200_per_year) {
  ec_agegroups g = {.year = 2020, .ngroups = 21};
  for (int k = 0; k < 21; k++) {
    g.start[k] = 5 * k;
    g.n[0][k] = g.n[1][k] = k < 20 ? 1000.0 : 10.0;
  }
  ec_agesex o;
  ec_error err;
  cr_assert_eq(ec_graduate(&g, NULL, &o, &err), EC_OK, "%s", err.msg);
  for (int a = 0; a < 100; a++)
    cr_expect_float_eq(o.n[0][a], 200.0, 1e-9, "age %d", a);
  cr_expect_float_eq(o.n[1][100], 10.0, 1e-12);
}

/* Every group total of the Xinzheng 2020 census kept (1e-6 persons), no
 * negative single year; the 85+ group split over 85..100+; 60+ equals the
 * published 122,867. */
Test(graduate, census_group_totals_exact) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(XZ, "410184", &c, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(c.ncensus, 2);
  const ec_agegroups *g = &c.census[1];
  ec_agesex o;
  cr_assert_eq(ec_graduate(g, r, &o, &err), EC_OK, "%s", err.msg);
  for (int s = 0; s < 2; s++)
    for (int k = 0; k < g->ngroups; k++) {
      int a1 = k + 1 < g->ngroups ? g->start[k + 1] : EC_NAGE;
      double sum = 0;
      for (int a = g->start[k]; a < a1; a++) {
        cr_expect_geq(o.n[s][a], 0.0);
        sum += o.n[s][a];
      }
      cr_expect_float_eq(sum, g->n[s][k], 1e-6, "group %d", g->start[k]);
    }
  cr_expect_float_eq(ec_agesex_sum_from(&o, 60), 122867.0, 1e-6);
  cr_expect_float_eq(ec_agesex_sum_from(&o, 65), 88558.0, 1e-6);
  cr_expect_float_eq(ec_agesex_sum_from(&o, 80), 16229.0, 1e-6);
  ec_rates_free(r);
}

/* Hand: cohort-aligned geometric interpolation. Census 2010 has 200 persons
 * per single year, 2020 has 800; in 2015 a cohort aged 30 (25 in 2010, 35 in
 * 2020) is sqrt(200 * 800) = 400. Ages 0..4 in 2015 (born after 2010) come
 * from 2020 survived back: 800 * L(a)/L(a+5), a little above 800. */
Test(intercensal, cohort_geometric_midpoint) {
  ec_rates *r = rates();
  ec_agesex p1, p2, o;
  for (int s = 0; s < 2; s++)
    for (int a = 0; a < EC_NAGE; a++) {
      p1.n[s][a] = 200.0;
      p2.n[s][a] = 800.0;
    }
  ec_error err;
  cr_assert_eq(
      ec_population_intercensal(&p1, 2010, &p2, 2020, 2015, r, &o, &err),
      EC_OK);
  for (int a = 5; a < 90; a++)
    cr_expect_float_eq(o.n[0][a], 400.0, 1e-9);
  for (int a = 0; a < 5; a++) {
    cr_expect_gt(o.n[1][a], 800.0);
    cr_expect_lt(o.n[1][a], 805.0);
  }
  /* outside the interval is an error */
  cr_expect_eq(
      ec_population_intercensal(&p1, 2010, &p2, 2020, 2021, r, &o, &err),
      EC_ERR_INVALID);
  ec_rates_free(r);
}

/* Base year 2017 (the policy year) for Xinzheng: between the censuses, the
 * 60+ total lies between the published 82,305 (2010) and 122,867 (2020);
 * base 2010 reproduces 82,305 exactly. */
Test(intercensal, base_2017_between_censuses) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(XZ, "410184", &c, &err), EC_OK);
  ec_scenario s;
  scenario(&s, 2017, 2017, 2017);
  ec_agesex b;
  cr_assert_eq(ec_population_base(&s, &c, r, &b, &err), EC_OK, "%s", err.msg);
  double e = ec_agesex_sum_from(&b, 60);
  cr_expect(e > 82305.0 && e < 122867.0, "2017 60+ %.0f", e);
  s.base_year = 2010;
  cr_assert_eq(ec_population_base(&s, &c, r, &b, &err), EC_OK);
  cr_expect_float_eq(ec_agesex_sum_from(&b, 60), 82305.0, 1e-6);
  s.base_year = 2024; /* after the last census */
  cr_expect_eq(ec_population_base(&s, &c, r, &b, &err), EC_ERR_INVALID);
  cr_expect(strstr(err.msg, "2024") != NULL, "%s", err.msg);
  ec_rates_free(r);
}

/* Project s from its base year; returns the nyears * nunits array. */
static ec_agesex *project(const ec_scenario *s, const ec_rates *r,
                          const ec_census *c, int nunits, const ec_agesex *base,
                          long replicate) {
  ec_projection *p = NULL;
  ec_error err;
  int rc = ec_projection_new(s, r, c, nunits, base, &p, &err);
  cr_assert_eq(rc, EC_OK, "%s", err.msg);
  int ny = ec_projection_nyears(p);
  cr_assert_eq(ny, s->horizon_year - s->start_year + 1);
  ec_agesex *o = malloc((size_t)ny * (size_t)nunits * sizeof *o);
  cr_assert_eq(ec_projection_run(p, 0, replicate, o, &err), EC_OK);
  ec_projection_free(p);
  return o;
}

static ec_agesex *china(ec_scenario *s, const ec_rates *r, long replicate) {
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(FIX "china_base_2020.csv", "156", &c, &err),
               EC_OK, "%s", err.msg);
  ec_agesex base;
  cr_assert_eq(ec_population_base(s, &c, r, &base, &err), EC_OK, "%s", err.msg);
  return project(s, r, &c, 1, &base, replicate);
}

/* THE VALIDATION (scenarios/validation/china-wpp2024.ini): China as one unit
 * from WPP's mid-2020 base, WPP mortality, fertility and net migration by age.
 * WPP 2024 medium (wpp2024_china_elderly_totals, thousands, mid-year):
 *   2030: 60+ 369,151.893  65+ 256,434.534  80+ 48,621.401
 *   2040: 60+ 444,312.305  65+ 357,439.127  80+ 82,597.073
 *   2050: 60+ 504,007.443  65+ 389,677.405  80+ 132,065.247
 * Tolerances: 1 % for 60+ and 65+, 2 % for 80+. */
Test(validation, china_elderly_within_wpp2024_medium) {
  ec_rates *r = rates();
  ec_scenario s;
  scenario(&s, 2020, 2020, 2050);
  s.migration_method = EC_MIG_WPP;
  ec_agesex *o = china(&s, r, -1);
  static const double wpp[3][3] = {{369151.893, 256434.534, 48621.401},
                                   {444312.305, 357439.127, 82597.073},
                                   {504007.443, 389677.405, 132065.247}};
  static const int ages[3] = {60, 65, 80};
  static const double tol[3] = {0.01, 0.01, 0.02};
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++) {
      double v = ec_agesex_sum_from(&o[10 * (i + 1)], ages[k]) / 1000.0;
      double e = v / wpp[i][k] - 1.0;
      cr_log_info("validation %d %d+: %.1f vs %.1f (%+.3f %%)", 2030 + 10 * i,
                  ages[k], v, wpp[i][k], 100 * e);
      cr_expect_leq(fabs(e), tol[k], "%d %d+: %+.3f %%", 2030 + 10 * i, ages[k],
                    100 * e);
    }
  free(o);
  ec_rates_free(r);
}

/* Same seed, same (scenario, replicate): bit-identical however the replicates
 * are scheduled (alone, after others, in another thread); replicates differ;
 * demographic-noise replicates average to the expected values (binomial noise
 * on China's counts is ~1e-4 relative: 8 replicates within 0.05 %). */
typedef struct {
  const ec_projection *p;
  long rep;
  ec_agesex *o;
} job;
static void *run_job(void *arg) {
  job *j = arg;
  ec_projection_run(j->p, 7, j->rep, j->o, NULL);
  return NULL;
}

Test(montecarlo, streams_reproducible_and_independent) {
  ec_rates *r = rates();
  ec_scenario s;
  scenario(&s, 2020, 2020, 2035);
  s.migration_method = EC_MIG_WPP;
  s.seed = 12345;
  s.mortality_improvement_sd = 0.2;
  s.migration_sd = 0.3;
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(FIX "china_base_2020.csv", "156", &c, &err),
               EC_OK);
  ec_agesex base;
  cr_assert_eq(ec_population_base(&s, &c, r, &base, &err), EC_OK);
  ec_projection *p;
  cr_assert_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err), EC_OK);
  int ny = ec_projection_nyears(p);
  size_t sz = (size_t)ny * sizeof(ec_agesex);
  ec_agesex *a = malloc(sz), *b = malloc(sz), *d = malloc(sz);
  ec_projection_run(p, 7, 3, a, &err);
  for (long k = 0; k < 3; k++)
    ec_projection_run(p, 7, k, b, &err);
  ec_projection_run(p, 7, 3, b, &err);
  job j = {p, 3, d};
  pthread_t th;
  pthread_create(&th, NULL, run_job, &j);
  pthread_join(th, NULL);
  cr_expect(memcmp(a, b, sz) == 0, "same replicate differs between runs");
  cr_expect(memcmp(a, d, sz) == 0, "same replicate differs in another thread");
  ec_projection_run(p, 7, 4, b, &err);
  cr_expect(memcmp(a, b, sz) != 0, "replicates 3 and 4 are identical");
  ec_projection_run(p, 8, 3, b, &err);
  cr_expect(memcmp(a, b, sz) != 0, "scenarios 7 and 8 share a stream");
  ec_projection_free(p);

  s.mortality_improvement_sd = 0.0;
  s.migration_sd = 0.0;
  cr_assert_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err), EC_OK);
  ec_projection_run(p, 0, -1, a, &err);
  double mean = 0.0;
  for (long k = 0; k < 8; k++) {
    ec_projection_run(p, 0, k, b, &err);
    mean += ec_agesex_sum_from(&b[ny - 1], 60) / 8.0;
  }
  double det = ec_agesex_sum_from(&a[ny - 1], 60);
  cr_expect_leq(fabs(mean / det - 1.0), 5e-4, "%.0f vs %.0f", mean, det);
  ec_projection_free(p);
  free(a);
  free(b);
  free(d);
  ec_rates_free(r);
}

Test(montecarlo, rng_stream_counter_derived) {
  gsl_rng *a = ec_rng_stream(42, 1, 2), *b = ec_rng_stream(42, 1, 2);
  gsl_rng *c = ec_rng_stream(42, 2, 1), *d = ec_rng_stream(43, 1, 2);
  int same_ab = 1, same_ac = 1, same_ad = 1;
  for (int i = 0; i < 100; i++) {
    unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b), z = gsl_rng_get(c),
                  w = gsl_rng_get(d);
    same_ab &= x == y;
    same_ac &= x == z;
    same_ad &= x == w;
  }
  cr_expect(same_ab);
  cr_expect(!same_ac, "(1,2) and (2,1) must differ");
  cr_expect(!same_ad);
  gsl_rng_free(a);
  gsl_rng_free(b);
  gsl_rng_free(c);
  gsl_rng_free(d);
}

/* Migration totals: 10,000 persons/year spread by the WPP 2020-2025 pattern
 * (60+ share = -60.206 / -1740.165 = 0.0345979, from the file's columns), two
 * units with base populations 3:1. After one year each unit's 60+ differs from
 * the closed run by 10,000 * 0.0345979 * 3/4 = 259.48 and * 1/4 = 86.49. */
Test(migration, totals_by_standard_pattern_allocated_by_population) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(XZ, "410184", &c, &err), EC_OK);
  ec_scenario s;
  scenario(&s, 2020, 2020, 2021);
  ec_agesex b0, base[2];
  cr_assert_eq(ec_population_base(&s, &c, r, &b0, &err), EC_OK);
  for (int sx = 0; sx < 2; sx++)
    for (int a = 0; a < EC_NAGE; a++) {
      base[0].n[sx][a] = 0.75 * b0.n[sx][a];
      base[1].n[sx][a] = 0.25 * b0.n[sx][a];
    }
  ec_agesex *closed = project(&s, r, &c, 2, base, -1);
  s.migration_method = EC_MIG_TOTALS;
  s.migration_total_per_year = 10000.0;
  ec_agesex *open = project(&s, r, &c, 2, base, -1);
  double d0 =
      ec_agesex_sum_from(&open[2], 60) - ec_agesex_sum_from(&closed[2], 60);
  double d1 =
      ec_agesex_sum_from(&open[3], 60) - ec_agesex_sum_from(&closed[3], 60);
  cr_expect_float_eq(d0, 10000.0 * 60.206 / 1740.165 * 0.75, 1e-6, "%.4f", d0);
  cr_expect_float_eq(d1, 10000.0 * 60.206 / 1740.165 * 0.25, 1e-6, "%.4f", d1);
  free(closed);
  free(open);
  ec_rates_free(r);
}

/* From the 2010 census, 10 years to 2020: with census-residual migration, and
 * in Hamilton-Perry mode (ratios from the same censuses), the projected 2020
 * 60+ and 65+ must come back to the published 2020 census, 122,867 and
 * 88,558, within 2 % (exact identity is not expected: the residual is
 * annualised and age-centred, the ratios are annual). A closed projection
 * must not (Xinzheng grew from 758,128 to 1,172,237 by migration). */
Test(migration, census_residual_and_hamilton_perry_reproduce_2020) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(XZ, "410184", &c, &err), EC_OK);
  ec_scenario s;
  scenario(&s, 2010, 2010, 2020);
  ec_agesex base;
  cr_assert_eq(ec_population_base(&s, &c, r, &base, &err), EC_OK);
  for (int m = 0; m < 3; m++) {
    s.method = m == 2 ? EC_POP_HAMILTON_PERRY : EC_POP_COHORT;
    s.migration_method = m == 0 ? EC_MIG_NONE : EC_MIG_CENSUS_RESIDUAL;
    ec_agesex *o = project(&s, r, &c, 1, &base, -1);
    double p60 = ec_agesex_sum_from(&o[10], 60),
           p65 = ec_agesex_sum_from(&o[10], 65);
    double tot = ec_agesex_sum_from(&o[10], 0);
    cr_log_info("method %d: 2020 60+ %.0f 65+ %.0f total %.0f", m, p60, p65,
                tot);
    if (m == 0) {
      cr_expect_lt(tot, 0.8 * 1172237.0);
    } else {
      cr_expect_leq(fabs(p60 / 122867.0 - 1), 0.02, "method %d 60+ %.0f", m,
                    p60);
      cr_expect_leq(fabs(p65 / 88558.0 - 1), 0.02, "method %d 65+ %.0f", m,
                    p65);
      cr_expect_leq(fabs(tot / 1172237.0 - 1), 0.05, "method %d total %.0f", m,
                    tot);
    }
    free(o);
  }
  ec_rates_free(r);
}

/* start_year 2017 < base_year 2020: the years 2017..2019 are the county's
 * intercensal estimates shared by the units' base-year cells, so units sum to
 * the county estimate (here: equal units, each half of it) and year 2020 is
 * the base itself; 2017's 60+ lies between the 2010 and 2020 censuses. */
Test(projection, years_before_base_from_intercensal) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(XZ, "410184", &c, &err), EC_OK);
  ec_scenario s;
  scenario(&s, 2017, 2020, 2022);
  ec_agesex b, base[2], cty;
  cr_assert_eq(ec_population_base(&s, &c, r, &b, &err), EC_OK);
  for (int sx = 0; sx < 2; sx++)
    for (int a = 0; a < EC_NAGE; a++)
      base[0].n[sx][a] = base[1].n[sx][a] = 0.5 * b.n[sx][a];
  ec_agesex *o = project(&s, r, &c, 2, base, -1);
  s.base_year = 2017;
  cr_assert_eq(ec_population_base(&s, &c, r, &cty, &err), EC_OK);
  double u0 = ec_agesex_sum_from(&o[0], 60), u1 = ec_agesex_sum_from(&o[1], 60);
  cr_expect_float_eq(u0 + u1, ec_agesex_sum_from(&cty, 60), 1e-6);
  cr_expect_float_eq(u0, u1, 1e-9);
  cr_expect(u0 + u1 > 82305.0 && u0 + u1 < 122867.0);
  cr_expect_float_eq(ec_agesex_sum_from(&o[6], 60), 122867.0 / 2, 1e-6);
  free(o);
  ec_rates_free(r);
}

/* Bad set-ups are errors, not crashes. */
Test(projection, errors) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(FIX "china_base_2020.csv", "156", &c, &err),
               EC_OK);
  ec_scenario s;
  scenario(&s, 2020, 2020, 2030);
  ec_agesex base;
  cr_assert_eq(ec_population_base(&s, &c, r, &base, &err), EC_OK);
  ec_projection *p = NULL;
  s.method = EC_POP_HAMILTON_PERRY; /* one census only */
  cr_expect_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err),
               EC_ERR_MISSING);
  cr_expect(strstr(err.msg, "two censuses") != NULL, "%s", err.msg);
  s.method = EC_POP_COHORT;
  s.start_year = 2015; /* before the only census */
  cr_expect_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err),
               EC_ERR_INVALID);
  s.start_year = 2031;
  cr_expect_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err),
               EC_ERR_INVALID);
  s.start_year = 2020;
  base.n[0][3] = -1.0;
  cr_expect_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err), EC_ERR_RANGE);
  cr_expect_null(p);
  ec_rates_free(r);
}

/* [population] uncertainty_distribution: ln(mortality-trend multiplier)/sd is
 * Z ~ N(0,1) or U(-sqrt 3, sqrt 3). Over 2,000 replicates: uniform never
 * leaves +-sqrt 3 and its sample variance is 1 +- 0.1 (sd of the sample
 * variance of U is sqrt(0.8/n) = 0.02); normal leaves +-sqrt 3 with
 * probability 8.3 % (about 166 times, certainly more than 50). */
Test(montecarlo, uncertainty_distributions) {
  ec_rates *r = rates();
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(FIX "china_base_2020.csv", "156", &c, &err), EC_OK);
  for (int uni = 0; uni <= 1; uni++) {
    ec_scenario s;
    scenario(&s, 2020, 2020, 2025);
    s.mortality_improvement_sd = 0.5;
    s.migration_sd = 0.2;
    s.mc_uniform = uni;
    ec_agesex base;
    cr_assert_eq(ec_population_base(&s, &c, r, &base, &err), EC_OK);
    ec_projection *p;
    cr_assert_eq(ec_projection_new(&s, r, &c, 1, &base, &p, &err), EC_OK);
    double sum2 = 0, k, mm;
    int outside = 0;
    const int n = 2000;
    for (long i = 0; i < n; i++) {
      cr_assert_eq(ec_projection_multipliers(p, 0, i, &k, &mm), EC_OK);
      double z = log(k) / 0.5;
      sum2 += z * z;
      if (fabs(z) > sqrt(3.0) + 1e-12) outside++;
      if (uni) cr_assert_leq(fabs((mm - 1) / 0.2), sqrt(3.0) + 1e-12);
    }
    if (uni) {
      cr_assert_eq(outside, 0);
      cr_assert_float_eq(sum2 / n, 1.0, 0.1);
    } else {
      cr_assert_gt(outside, 50);
    }
    cr_assert_eq(ec_projection_multipliers(p, 0, -1, &k, &mm), EC_OK);
    cr_assert_eq(k, 1.0);
    ec_projection_free(p);
  }
  ec_rates_free(r);
}
