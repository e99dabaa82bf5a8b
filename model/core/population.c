/* population.c — the projection: cohort-component or Hamilton-Perry, one year
 * at a time, with migration and Monte Carlo replicates.
 *
 * Timing. The counts of year Y are mid-year counts (decimal Y + 0.5; WPP's
 * populations are 1 July; a 1 November census is treated as mid-year). The
 * step Y -> Y+1 uses the rates of decimal time Y + 1.0, the centre of the
 * interval.
 *
 * Cohort-component step (single years 0..99, open 100+, by sex):
 *   P'(a+1) = P(a) L(a+1)/L(a)                        a = 0..98
 *   P'(100+) = (P(99) + P(100+)) L(100+)/(L(99)+L(100+))   (Preston's T ratio)
 *   B = sum_a f(a) (W(a) + W'(a))/2   (female exposure = mean of the year's
 *       start and end counts of age a), P'(0) = B s L(0), s = SRB/(1+SRB)
 *       for boys and 1/(1+SRB) for girls, l(0) = 1;
 * then net migrants of the year are added at their end-of-year age (no
 * mortality of migrants inside the year; counts are floored at zero).
 *
 * Migration (county net migrants by sex and age, persons/year, times
 * migration_scale, allocated to units in proportion to each unit's base-year
 * total population):
 *  - none: closed;
 *  - census_residual: the two last censuses' cohort residual. The first census
 *    is survived closed to the second (single-year steps, the model's life
 *    tables); R(c) = P2(c) - survived P1(c) for the cohort aged c at the second
 *    census. The annual flow at age x is R(x + L/2)/L (L = intercensal years;
 *    cohort centred on the middle of the interval); ages below L/2 take the
 *    youngest complete cohort's rate R(L)/L; cohorts reaching 100+ are set to
 *    zero (there the residual mostly measures the split of the census open
 *    group and age misreporting, not migration);
 *  - totals: migration_total_per_year spread by WPP China's net-migration age
 *    and sex pattern of the period containing base_year + 1, normalised to 1;
 *  - wpp: WPP's national net migration by age of the period containing each
 *    step's mid time (validation runs of a whole country).
 *
 * Hamilton-Perry: annual cohort-change ratios from the two last censuses,
 * r(a) = (P2(a + L - h)/P1(a - h))^(1/L), h = L/2 (the cohort that is aged a
 * mid-interval; for a < h the youngest cohort, P1(0) -> P2(L)), multiplied by
 * the mortality-improvement factor S_t(a)/S_ref(a) of the model's survival
 * ratios at the step's time over those of the intercensal mid-point. Cohorts
 * reaching 100+ (or with P1 = 0) use the life-table survival. Births: the
 * second census's child-woman ratio P2(0, sex)/W2(15-49) applied to the
 * women 15-49 at the end of each step. Migration is inside the ratios.
 *
 * Monte Carlo (replicate >= 0): one stream ec_rng_stream(seed, scenario,
 * replicate); draws, in this fixed order: Z1 for mortality improvement,
 * Z2 for migration, then the demographic noise year by year, unit by unit.
 *  - mortality improvement: ln m_rep(t) = ln m(t0) + k (ln m(t) - ln m(t0)),
 *    t0 = base year mid-year, k = exp(mortality_improvement_sd Z1)
 *    (log-normal, median 1): the whole WPP trend is faster or slower;
 *  - migration: every flow times (1 + migration_sd Z2) (normal);
 *  - demographic noise (demographic_noise = 1): survivors ~ Binomial(round(P),
 *    S), births ~ Poisson(B), boys ~ Binomial(births, SRB/(1+SRB)), infants
 *    surviving ~ Binomial(births, L0). Hamilton-Perry ratios above 1:
 *    P + Poisson(P (r - 1)).
 * The deterministic run (replicate < 0) is the expected-value projection. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_population.h"

struct ec_projection {
  ec_pop_method method;
  unsigned long seed;
  int noise;
  double mort_sd, mig_sd;
  int mc_uniform; /* uniform instead of normal draws */
  int start, base, horizon, nyears, nbefore, nsteps, nunits;
  ec_agesex *pre; /* (nbefore + 1) * nunits: years start..base */
  double *lnm;    /* nsteps * 2 * EC_NAGE: ln(m * mortality_scale) */
  double lnm_ref[EC_NSEX][EC_NAGE]; /* at the base year's mid-year */
  double *asfr;                     /* nsteps * EC_NAGE */
  double *srb;                      /* nsteps */
  double *mig; /* nsteps * 2 * EC_NAGE county persons/year, NULL if none */
  double *w;   /* nunits: share of the migration flows */
  /* Hamilton-Perry */
  double hp_r[EC_NSEX][EC_NAGE];
  int hp_ok[EC_NSEX][EC_NAGE];
  double hp_sref[EC_NSEX][EC_NAGE];
  double cwr[EC_NSEX];
};

void ec_projection_free(ec_projection *p) {
  if (!p) return;
  free(p->pre);
  free(p->lnm);
  free(p->asfr);
  free(p->srb);
  free(p->mig);
  free(p->w);
  free(p);
}

int ec_projection_nyears(const ec_projection *p) { return p->nyears; }

static double *dalloc(size_t n) { return calloc(n ? n : 1, sizeof(double)); }

/* Survival ratios of a life table: S[a] = L(a+1)/L(a) (a < 99),
 * S[99] = the open-group ratio L(100+)/(L(99)+L(100+)), L0 = L(0). */
static void survival(const ec_lifetable *lt, double S[EC_NAGE], double *L0) {
  for (int a = 0; a < 99; a++)
    S[a] = lt->L[a + 1] / lt->L[a];
  S[99] = lt->L[100] / (lt->L[99] + lt->L[100]);
  S[100] = S[99];
  *L0 = lt->L[0];
}

static void lt_from_lnm(const double lnm[EC_NAGE], int sex, ec_lifetable *lt) {
  double m[EC_NAGE];
  for (int a = 0; a < EC_NAGE; a++)
    m[a] = exp(lnm[a]);
  ec_lifetable_build(m, sex, lt);
}

/* Closed survival of p over one step with the rates of decimal time t. */
static void age_closed(ec_agesex *p, const ec_rates *r, double t,
                       double scale) {
  for (int s = 0; s < EC_NSEX; s++) {
    ec_lifetable lt;
    double S[EC_NAGE], L0;
    ec_rates_lifetable(r, s, t, scale, &lt);
    survival(&lt, S, &L0);
    double open = (p->n[s][99] + p->n[s][100]) * S[99];
    for (int a = 98; a >= 0; a--)
      p->n[s][a + 1] = p->n[s][a] * S[a];
    p->n[s][100] = open;
    p->n[s][0] = 0.0;
  }
}

/* County counts of `year` from the censuses (graduated). */
static int county_at(const ec_census *c, const ec_rates *r, int year,
                     ec_agesex *out, ec_error *err) {
  for (int i = 0; i < c->ncensus; i++)
    if (c->census[i].year == year)
      return ec_graduate(&c->census[i], r, out, err);
  for (int i = 0; i + 1 < c->ncensus; i++)
    if (c->census[i].year < year && year < c->census[i + 1].year) {
      ec_agesex g1, g2;
      int rc = ec_graduate(&c->census[i], r, &g1, err);
      if (rc == EC_OK) rc = ec_graduate(&c->census[i + 1], r, &g2, err);
      if (rc != EC_OK) return rc;
      return ec_population_intercensal(&g1, c->census[i].year, &g2,
                                       c->census[i + 1].year, year, r, out,
                                       err);
    }
  return ec_error_set(
      err, EC_ERR_INVALID, NULL, 0, "start_year",
      "year %d is not covered by the censuses of area %s "
      "(intercensal interpolation needs censuses on both sides)",
      year, c ? c->area_code : "");
}

static int need_two(const ec_census *c, const char *what, ec_error *err) {
  if (!c || c->ncensus < 2)
    return ec_error_set(err, EC_ERR_MISSING, NULL, 0, "census",
                        "%s needs two censuses of the area", what);
  return EC_OK;
}

static int setup_hp(ec_projection *p, const ec_scenario *s, const ec_rates *r,
                    const ec_census *c, ec_error *err) {
  int rc = need_two(c, "Hamilton-Perry", err);
  if (rc) return rc;
  const ec_agegroups *c1 = &c->census[c->ncensus - 2],
                     *c2 = &c->census[c->ncensus - 1];
  ec_agesex g1, g2;
  if ((rc = ec_graduate(c1, r, &g1, err)) ||
      (rc = ec_graduate(c2, r, &g2, err)))
    return rc;
  int L = c2->year - c1->year, h = L / 2;
  double tref = 0.5 * (c1->year + c2->year) + 0.5;
  for (int sx = 0; sx < EC_NSEX; sx++) {
    ec_lifetable lt;
    double S[EC_NAGE], L0;
    ec_rates_lifetable(r, sx, tref, s->mortality_scale, &lt);
    survival(&lt, S, &L0);
    for (int a = 0; a < EC_NAGE; a++) {
      p->hp_sref[sx][a] = S[a];
      int a1 = a - h < 0 ? 0 : a - h, a2 = a1 + L;
      p->hp_ok[sx][a] = 0;
      p->hp_r[sx][a] = 1.0;
      if (a < 99 && a2 <= 99 && g1.n[sx][a1] > 0.0 && g2.n[sx][a2] > 0.0) {
        p->hp_ok[sx][a] = 1;
        p->hp_r[sx][a] = pow(g2.n[sx][a2] / g1.n[sx][a1], 1.0 / L);
      }
    }
  }
  double W = 0.0;
  for (int a = 15; a < 50; a++)
    W += g2.n[EC_FEMALE][a];
  if (!(W > 0.0))
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "census",
                        "no women aged 15-49 in the %d census", c2->year);
  for (int sx = 0; sx < EC_NSEX; sx++)
    p->cwr[sx] = g2.n[sx][0] / W;
  return EC_OK;
}

static int setup_residual(ec_projection *p, const ec_scenario *s,
                          const ec_rates *r, const ec_census *c, double *M,
                          ec_error *err) {
  int rc = need_two(c, "census-residual migration", err);
  if (rc) return rc;
  const ec_agegroups *c1 = &c->census[c->ncensus - 2],
                     *c2 = &c->census[c->ncensus - 1];
  ec_agesex g1, g2;
  if ((rc = ec_graduate(c1, r, &g1, err)) ||
      (rc = ec_graduate(c2, r, &g2, err)))
    return rc;
  int L = c2->year - c1->year, h = L / 2;
  ec_agesex e = g1;
  for (int i = 0; i < L; i++)
    age_closed(&e, r, c1->year + i + 1.0, s->mortality_scale);
  for (int sx = 0; sx < EC_NSEX; sx++)
    for (int x = 0; x < EC_NAGE; x++) {
      int cc = x + h < L ? L : x + h;
      M[sx * EC_NAGE + x] = cc >= 100 ? 0.0 : (g2.n[sx][cc] - e.n[sx][cc]) / L;
    }
  return EC_OK;
}

int ec_projection_new(const ec_scenario *s, const ec_rates *r,
                      const ec_census *c, int nunits, const ec_agesex *base,
                      ec_projection **out, ec_error *err) {
  *out = NULL;
  if (!(s->start_year <= s->base_year && s->base_year <= s->horizon_year))
    return ec_error_set(err, EC_ERR_INVALID, s->path, 0, "base_year",
                        "years must satisfy start_year <= base_year <= "
                        "horizon_year (%d, %d, %d)",
                        s->start_year, s->base_year, s->horizon_year);
  if (nunits < 1 || !base || !r)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                        "a projection needs rates and at least one unit");
  if (!(s->mortality_scale > 0.0))
    return ec_error_set(err, EC_ERR_RANGE, s->path, 0, "mortality_scale",
                        "mortality_scale must be > 0");
  double total = 0.0;
  for (int u = 0; u < nunits; u++)
    for (int sx = 0; sx < EC_NSEX; sx++)
      for (int a = 0; a < EC_NAGE; a++) {
        double v = base[u].n[sx][a];
        if (!(v >= 0.0) || !isfinite(v))
          return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "population",
                              "unit %d has a negative or invalid base count",
                              u);
        total += v;
      }
  ec_projection *p = calloc(1, sizeof *p);
  if (!p)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  p->method = s->method;
  p->seed = s->seed;
  p->noise = s->demographic_noise;
  p->mort_sd = s->mortality_improvement_sd;
  p->mig_sd = s->migration_sd;
  p->mc_uniform = s->mc_uniform;
  p->start = s->start_year;
  p->base = s->base_year;
  p->horizon = s->horizon_year;
  p->nyears = p->horizon - p->start + 1;
  p->nbefore = p->base - p->start;
  p->nsteps = p->horizon - p->base;
  p->nunits = nunits;
  size_t ns = (size_t)p->nsteps, nu = (size_t)nunits;
  p->pre = calloc((size_t)(p->nbefore + 1) * nu, sizeof *p->pre);
  p->lnm = dalloc(ns * EC_NSEX * EC_NAGE);
  p->asfr = dalloc(ns * EC_NAGE);
  p->srb = dalloc(ns);
  p->w = dalloc(nu);
  int rc = EC_OK;
  if (!p->pre || !p->lnm || !p->asfr || !p->srb || !p->w) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  for (int u = 0; u < nunits; u++) {
    p->w[u] =
        total > 0.0 ? ec_agesex_sum_from(&base[u], 0) / total : 1.0 / nunits;
    p->pre[(size_t)p->nbefore * nu + (size_t)u] = base[u];
  }
  /* Years before the base year: county intercensal estimate shared out by
   * each unit's base-year share of the age-sex cell. */
  if (p->nbefore > 0) {
    ec_agesex sum;
    memset(&sum, 0, sizeof sum);
    for (int u = 0; u < nunits; u++)
      for (int sx = 0; sx < EC_NSEX; sx++)
        for (int a = 0; a < EC_NAGE; a++)
          sum.n[sx][a] += base[u].n[sx][a];
    for (int y = 0; y < p->nbefore; y++) {
      ec_agesex cty;
      if (!c || c->ncensus < 1) {
        rc = need_two(c, "a start year before the base year", err);
        goto fail;
      }
      if ((rc = county_at(c, r, p->start + y, &cty, err)) != EC_OK) goto fail;
      for (int u = 0; u < nunits; u++) {
        ec_agesex *o = &p->pre[(size_t)y * nu + (size_t)u];
        for (int sx = 0; sx < EC_NSEX; sx++)
          for (int a = 0; a < EC_NAGE; a++)
            o->n[sx][a] = cty.n[sx][a] * (sum.n[sx][a] > 0.0
                                              ? base[u].n[sx][a] / sum.n[sx][a]
                                              : p->w[u]);
      }
    }
  }
  /* Rates of every step. */
  double lnscale = log(s->mortality_scale);
  for (int sx = 0; sx < EC_NSEX; sx++) {
    ec_rates_lnmx(r, sx, p->base + 0.5, p->lnm_ref[sx]);
    for (int a = 0; a < EC_NAGE; a++)
      p->lnm_ref[sx][a] += lnscale;
  }
  for (int j = 0; j < p->nsteps; j++) {
    double t = p->base + j + 1.0;
    for (int sx = 0; sx < EC_NSEX; sx++) {
      double *l = p->lnm + ((size_t)j * EC_NSEX + (size_t)sx) * EC_NAGE;
      ec_rates_lnmx(r, sx, t, l);
      for (int a = 0; a < EC_NAGE; a++)
        l[a] += lnscale;
    }
    for (int a = 0; a < EC_NAGE; a++)
      p->asfr[(size_t)j * EC_NAGE + (size_t)a] = ec_rates_asfr(r, a, t);
    p->srb[j] = ec_rates_srb(r, t);
  }
  if (s->method == EC_POP_HAMILTON_PERRY) {
    if ((rc = setup_hp(p, s, r, c, err)) != EC_OK) goto fail;
  } else if (s->migration_method != EC_MIG_NONE && p->nsteps > 0) {
    p->mig = dalloc(ns * EC_NSEX * EC_NAGE);
    if (!p->mig) {
      rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto fail;
    }
    double M[EC_NSEX * EC_NAGE];
    memset(M, 0, sizeof M);
    if (s->migration_method == EC_MIG_CENSUS_RESIDUAL) {
      if ((rc = setup_residual(p, s, r, c, M, err)) != EC_OK) goto fail;
    } else {
      if (!ec_rates_has_migration(r)) {
        rc = ec_error_set(err, EC_ERR_MISSING, s->migration, 0, "migration",
                          "this migration method needs the WPP net-migration "
                          "table ([data] migration)");
        goto fail;
      }
      if (s->migration_method == EC_MIG_TOTALS) {
        double t0 = p->base + 1.0, sum = 0.0;
        for (int sx = 0; sx < EC_NSEX; sx++)
          for (int a = 0; a < EC_NAGE; a++)
            sum += ec_rates_netmig(r, sx, a, t0);
        if (sum == 0.0) {
          rc = ec_error_set(err, EC_ERR_INVALID, s->migration, 0, "migration",
                            "the WPP net-migration pattern sums to zero");
          goto fail;
        }
        for (int sx = 0; sx < EC_NSEX; sx++)
          for (int a = 0; a < EC_NAGE; a++)
            M[sx * EC_NAGE + a] = s->migration_total_per_year *
                                  ec_rates_netmig(r, sx, a, t0) / sum;
      }
    }
    for (int j = 0; j < p->nsteps; j++)
      for (int sx = 0; sx < EC_NSEX; sx++)
        for (int a = 0; a < EC_NAGE; a++) {
          double v = s->migration_method == EC_MIG_WPP
                         ? ec_rates_netmig(r, sx, a, p->base + j + 1.0)
                         : M[sx * EC_NAGE + a];
          p->mig[((size_t)j * EC_NSEX + (size_t)sx) * EC_NAGE + (size_t)a] =
              v * s->migration_scale;
        }
  }
  *out = p;
  return EC_OK;
fail:
  ec_projection_free(p);
  return rc;
}

/* Survivors of n persons with probability/ratio q. */
static double draw_surv(gsl_rng *rng, double n, double q) {
  if (!rng) return n * q;
  double k = floor(n + 0.5);
  if (k <= 0.0) return 0.0;
  if (q > 1.0) return k + gsl_ran_poisson(rng, k * (q - 1.0));
  if (k > (double)UINT_MAX) return n * q; /* beyond the binomial's range */
  return gsl_ran_binomial(rng, q, (unsigned int)k);
}

/* The replicate's first two draws: the mortality-trend and migration
 * multipliers. Z1, Z2 standard normal, or uniform with the same variance. */
static void draw_multipliers(const ec_projection *p, gsl_rng *rng, double *k, double *mm) {
  double z1 = p->mc_uniform ? gsl_ran_flat(rng, -sqrt(3.0), sqrt(3.0)) : gsl_ran_gaussian(rng, 1.0);
  double z2 = p->mc_uniform ? gsl_ran_flat(rng, -sqrt(3.0), sqrt(3.0)) : gsl_ran_gaussian(rng, 1.0);
  *k = exp(p->mort_sd * z1);
  *mm = 1.0 + p->mig_sd * z2;
}

int ec_projection_multipliers(const ec_projection *p, long scenario_index, long replicate,
                              double *mortality_trend, double *migration) {
  *mortality_trend = *migration = 1.0;
  if (replicate < 0) return EC_OK;
  gsl_rng *rng = ec_rng_stream(p->seed, scenario_index, replicate);
  if (!rng) return EC_ERR_NOMEM;
  draw_multipliers(p, rng, mortality_trend, migration);
  gsl_rng_free(rng);
  return EC_OK;
}

int ec_projection_run(const ec_projection *p, long scenario_index,
                      long replicate, ec_agesex *out, ec_error *err) {
  size_t nu = (size_t)p->nunits;
  memcpy(out, p->pre, (size_t)(p->nbefore + 1) * nu * sizeof *out);
  gsl_rng *rng = NULL;
  double k = 1.0, mm = 1.0;
  if (replicate >= 0) {
    rng = ec_rng_stream(p->seed, scenario_index, replicate);
    if (!rng)
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    draw_multipliers(p, rng, &k, &mm);
  }
  gsl_rng *nz = p->noise ? rng : NULL; /* demographic noise draws */
  for (int j = 0; j < p->nsteps; j++) {
    double S[EC_NSEX][EC_NAGE], L0[EC_NSEX];
    for (int sx = 0; sx < EC_NSEX; sx++) {
      const double *l = p->lnm + ((size_t)j * EC_NSEX + (size_t)sx) * EC_NAGE;
      double lr[EC_NAGE];
      ec_lifetable lt;
      if (k != 1.0) {
        for (int a = 0; a < EC_NAGE; a++)
          lr[a] = p->lnm_ref[sx][a] + k * (l[a] - p->lnm_ref[sx][a]);
        l = lr;
      }
      lt_from_lnm(l, sx, &lt);
      survival(&lt, S[sx], &L0[sx]);
    }
    const double *f = p->asfr + (size_t)j * EC_NAGE;
    double pm = p->srb[j] / (1.0 + p->srb[j]);
    for (size_t u = 0; u < nu; u++) {
      const ec_agesex *P = &out[((size_t)p->nbefore + (size_t)j) * nu + u];
      ec_agesex *Q = &out[((size_t)p->nbefore + (size_t)j + 1) * nu + u];
      for (int sx = 0; sx < EC_NSEX; sx++) {
        for (int a = 0; a < 99; a++) {
          double q = S[sx][a];
          if (p->method == EC_POP_HAMILTON_PERRY && p->hp_ok[sx][a])
            q = p->hp_r[sx][a] * S[sx][a] / p->hp_sref[sx][a];
          Q->n[sx][a + 1] = draw_surv(nz, P->n[sx][a], q);
        }
        Q->n[sx][100] = draw_surv(nz, P->n[sx][99] + P->n[sx][100], S[sx][99]);
        Q->n[sx][0] = 0.0;
        if (p->mig) {
          const double *M =
              p->mig + ((size_t)j * EC_NSEX + (size_t)sx) * EC_NAGE;
          double wu = p->w[u] * mm;
          for (int a = 1; a < EC_NAGE; a++) {
            double v = Q->n[sx][a] + wu * M[a];
            Q->n[sx][a] = v > 0.0 ? v : 0.0;
          }
        }
      }
      if (p->method == EC_POP_HAMILTON_PERRY) {
        double W = 0.0;
        for (int a = 15; a < 50; a++)
          W += Q->n[EC_FEMALE][a];
        for (int sx = 0; sx < EC_NSEX; sx++) {
          double e = p->cwr[sx] * W;
          Q->n[sx][0] = nz ? (double)gsl_ran_poisson(nz, e) : e;
        }
        continue;
      }
      double B = 0.0;
      for (int a = 10; a < 55; a++)
        B += f[a] * 0.5 * (P->n[EC_FEMALE][a] + Q->n[EC_FEMALE][a]);
      double bm, bf;
      if (nz) {
        unsigned int nb = gsl_ran_poisson(nz, B);
        unsigned int nbm = gsl_ran_binomial(nz, pm, nb);
        bm = gsl_ran_binomial(nz, L0[EC_MALE], nbm);
        bf = gsl_ran_binomial(nz, L0[EC_FEMALE], nb - nbm);
      } else {
        bm = B * pm * L0[EC_MALE];
        bf = B * (1.0 - pm) * L0[EC_FEMALE];
      }
      Q->n[EC_MALE][0] = bm;
      Q->n[EC_FEMALE][0] = bf;
      if (p->mig) {
        for (int sx = 0; sx < EC_NSEX; sx++) {
          const double *M =
              p->mig + ((size_t)j * EC_NSEX + (size_t)sx) * EC_NAGE;
          double v = Q->n[sx][0] + p->w[u] * mm * M[0];
          Q->n[sx][0] = v > 0.0 ? v : 0.0;
        }
      }
    }
  }
  gsl_rng_free(rng);
  return EC_OK;
}
