/* lifetable.c — WPP rates turned into single-year death rates, life tables,
 * fertility and migration by single year of age and decimal time.
 *
 * Mortality. WPP 2024 publishes central death rates m for abridged ages
 * (0, 1-4, 5-9, ..., 95-99, 100+) and 5-year periods. For each period and sex
 * we first build the abridged life table the way WPP/bayesPop do (Coale-Demeny
 * a0 and 4a1 from m0; Greville nax = 2.5 - 25/12 (m - 0.1 ln(m[x+5]/m[x-5]))
 * for 5-9 ... 95-99; nqx = n m / (1 + (n - nax) m)), which reproduces WPP's
 * e0. Each group's cumulative hazard H = -ln(1 - nqx) is then spread over its
 * single years with a log-linear age shape whose slope is that of ln m between
 * the neighbouring groups' mid-points: single-year hazards m_i = H w_i / sum w,
 * w_i = exp(b (i - (n-1)/2)). Survival across each abridged group is therefore
 * exactly WPP's, and only the within-group distribution of person-years is
 * ours. Age 0 keeps WPP's m0; 100+ keeps WPP's m(100+).
 *
 * Single-year life table: a0 of Coale-Demeny from m0 (q0 = m0/(1+(1-a0) m0),
 * L0 = 1 - (1-a0) q0); ages 1..99 constant hazard (q = 1 - e^-m,
 * L = l q / m); open group L100 = l100 / m100.
 *
 * Time. ln m of every single age is interpolated linearly between period
 * mid-points (2020-2025 holds at 2022.5), so mortality improves smoothly
 * year by year; it is held constant outside the first and last mid-points. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_population.h"

struct ec_rates {
  int nmort;
  double mort_mid[EC_WPP_MAX_PERIODS];
  double lnm[EC_WPP_MAX_PERIODS][EC_NSEX][EC_NAGE]; /* single-year ln m */
  int nfert;
  double fert_mid[EC_WPP_MAX_PERIODS];
  double asfr[EC_WPP_MAX_PERIODS][EC_NAGE]; /* single-year, births/woman/yr */
  double srb[EC_WPP_MAX_PERIODS];
  int nmig;
  int mig_start[EC_WPP_MAX_PERIODS];
  double mig[EC_WPP_MAX_PERIODS][EC_NSEX][EC_NAGE]; /* persons/year */
};

void ec_rates_free(ec_rates *r) { free(r); }

/* Coale-Demeny separation factors from m0 (Preston et al. 2001, table 3.3). */
static void coale_demeny(int sex, double m0, double *a0, double *a1_4) {
  if (sex == EC_MALE) {
    if (m0 >= 0.107) {
      *a0 = 0.330;
      *a1_4 = 1.352;
    } else {
      *a0 = 0.045 + 2.684 * m0;
      *a1_4 = 1.651 - 2.816 * m0;
    }
  } else {
    if (m0 >= 0.107) {
      *a0 = 0.350;
      *a1_4 = 1.361;
    } else {
      *a0 = 0.053 + 2.800 * m0;
      *a1_4 = 1.522 - 1.518 * m0;
    }
  }
}

static const int abr_start[EC_WPP_NAGE_ABR] = {0,  1,  5,  10, 15, 20, 25, 30,
                                               35, 40, 45, 50, 55, 60, 65, 70,
                                               75, 80, 85, 90, 95, 100};

static int abr_width(int g) { return g == 0 ? 1 : g == 1 ? 4 : 5; }
static double abr_mid(int g) {
  return g == EC_WPP_NAGE_ABR - 1 ? 102.5 : abr_start[g] + abr_width(g) / 2.0;
}

/* Abridged m -> single-year hazards (see the file comment). */
static int abridged_to_single(int sex, const double m[EC_WPP_NAGE_ABR],
                              double out[EC_NAGE]) {
  double a0, a14;
  coale_demeny(sex, m[0], &a0, &a14);
  out[0] = m[0];
  for (int g = 1; g < EC_WPP_NAGE_ABR - 1; g++) {
    int n = abr_width(g);
    double ax;
    if (g == 1)
      ax = a14;
    else
      ax = 2.5 - 25.0 / 12.0 * (m[g] - 0.1 * log(m[g + 1] / m[g - 1]));
    double q = n * m[g] / (1.0 + (n - ax) * m[g]);
    if (!(q > 0.0) || q >= 1.0) q = q >= 1.0 ? 0.999999 : 1e-12;
    double H = -log1p(-q);
    double b =
        (log(m[g + 1]) - log(m[g - 1])) / (abr_mid(g + 1) - abr_mid(g - 1));
    double c = (n - 1) / 2.0, sw = 0.0;
    for (int i = 0; i < n; i++)
      sw += exp(b * (i - c));
    for (int i = 0; i < n; i++)
      out[abr_start[g] + i] = H * exp(b * (i - c)) / sw;
  }
  out[100] = m[EC_WPP_NAGE_ABR - 1];
  for (int a = 0; a < EC_NAGE; a++)
    if (!(out[a] > 0.0) || !isfinite(out[a])) return -1;
  return 0;
}

int ec_rates_new(const ec_rates_tables *t, ec_rates **out, ec_error *err) {
  *out = NULL;
  if (t->nmort < 1 || t->nmort > EC_WPP_MAX_PERIODS)
    return ec_error_set(err, EC_ERR_MISSING, NULL, 0, "mx",
                        "no mortality periods");
  if (t->nfert < 1 || t->nfert > EC_WPP_MAX_PERIODS)
    return ec_error_set(err, EC_ERR_MISSING, NULL, 0, "asfr",
                        "no fertility periods");
  if (t->nmig < 0 || t->nmig > EC_WPP_MAX_PERIODS)
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "mig",
                        "bad number of migration periods");
  ec_rates *r = calloc(1, sizeof *r);
  if (!r)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  r->nmort = t->nmort;
  for (int p = 0; p < t->nmort; p++) {
    if (p > 0 && t->mort_start[p] != t->mort_start[p - 1] + 5) {
      free(r);
      return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "period",
                          "mortality periods are not consecutive 5-year "
                          "periods (%d after %d)",
                          t->mort_start[p], t->mort_start[p - 1]);
    }
    r->mort_mid[p] = t->mort_start[p] + 2.5;
    for (int s = 0; s < EC_NSEX; s++) {
      double m1[EC_NAGE];
      if (abridged_to_single(s, t->mx[p][s], m1) != 0) {
        free(r);
        return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "mx",
                            "death rates of period %d-%d give an invalid life "
                            "table",
                            t->mort_start[p], t->mort_start[p] + 5);
      }
      for (int a = 0; a < EC_NAGE; a++)
        r->lnm[p][s][a] = log(m1[a]);
    }
  }
  r->nfert = t->nfert;
  for (int p = 0; p < t->nfert; p++) {
    if (p > 0 && t->fert_start[p] != t->fert_start[p - 1] + 5) {
      free(r);
      return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "period",
                          "fertility periods are not consecutive");
    }
    r->fert_mid[p] = t->fert_start[p] + 2.5;
    r->srb[p] = t->srb[p];
    /* Each 5-year ASFR applies to its 5 single years: the TFR is kept. */
    for (int a = 0; a < 100; a++)
      r->asfr[p][a] = t->asfr[p][a / 5];
  }
  r->nmig = t->nmig;
  for (int p = 0; p < t->nmig; p++) {
    r->mig_start[p] = t->mig_start[p];
    for (int s = 0; s < EC_NSEX; s++) {
      for (int a = 0; a < 100; a++)
        r->mig[p][s][a] = t->mig[p][s][a / 5] / 5.0;
      r->mig[p][s][100] = t->mig[p][s][EC_WPP_NAGE5 - 1];
    }
  }
  *out = r;
  return EC_OK;
}

/* Index p and weight w of decimal time `year` between mid-points mid[p] and
 * mid[p+1] (w in [0,1]; clamped outside). */
static void time_weight(const double *mid, int n, double year, int *p,
                        double *w) {
  if (n == 1 || year <= mid[0]) {
    *p = 0;
    *w = 0.0;
    return;
  }
  if (year >= mid[n - 1]) {
    *p = n - 2;
    *w = 1.0;
    return;
  }
  int i = (int)((year - mid[0]) / 5.0);
  if (i > n - 2) i = n - 2;
  *p = i;
  *w = (year - mid[i]) / (mid[i + 1] - mid[i]);
}

double ec_rates_mx(const ec_rates *r, int sex, int age, double year) {
  int p;
  double w;
  time_weight(r->mort_mid, r->nmort, year, &p, &w);
  if (r->nmort == 1) return exp(r->lnm[0][sex][age]);
  return exp((1.0 - w) * r->lnm[p][sex][age] + w * r->lnm[p + 1][sex][age]);
}

double ec_rates_asfr(const ec_rates *r, int age, double year) {
  if (age < 0 || age >= EC_NAGE) return 0.0;
  int p;
  double w;
  time_weight(r->fert_mid, r->nfert, year, &p, &w);
  if (r->nfert == 1) return r->asfr[0][age];
  return (1.0 - w) * r->asfr[p][age] + w * r->asfr[p + 1][age];
}

double ec_rates_srb(const ec_rates *r, double year) {
  int p;
  double w;
  time_weight(r->fert_mid, r->nfert, year, &p, &w);
  if (r->nfert == 1) return r->srb[0];
  return (1.0 - w) * r->srb[p] + w * r->srb[p + 1];
}

int ec_rates_has_migration(const ec_rates *r) { return r->nmig > 0; }

double ec_rates_netmig(const ec_rates *r, int sex, int age, double year) {
  if (r->nmig == 0) return 0.0;
  int p = 0;
  for (int i = 0; i < r->nmig; i++)
    if (year >= r->mig_start[i]) p = i;
  return r->mig[p][sex][age];
}

void ec_lifetable_build(const double m[EC_NAGE], int sex, ec_lifetable *lt) {
  double a0, a14;
  coale_demeny(sex, m[0], &a0, &a14);
  double l = 1.0, e = 0.0;
  for (int a = 0; a < EC_NAGE; a++) {
    double L, q;
    lt->m[a] = m[a];
    lt->l[a] = l;
    if (a == 0) {
      q = m[0] / (1.0 + (1.0 - a0) * m[0]);
      L = l * (1.0 - (1.0 - a0) * q);
    } else if (a < EC_NAGE - 1) {
      q = -expm1(-m[a]);
      L = m[a] > 1e-12 ? l * q / m[a] : l * (1.0 - 0.5 * m[a]);
    } else {
      q = 1.0;
      L = l / m[a];
    }
    lt->L[a] = L;
    e += L;
    l *= 1.0 - q;
  }
  lt->e0 = e;
}

void ec_rates_lifetable(const ec_rates *r, int sex, double year, double scale,
                        ec_lifetable *lt) {
  double m[EC_NAGE];
  for (int a = 0; a < EC_NAGE; a++)
    m[a] = ec_rates_mx(r, sex, a, year) * scale;
  ec_lifetable_build(m, sex, lt);
}

double ec_rates_e0(const ec_rates *r, int sex, double year) {
  ec_lifetable lt;
  ec_rates_lifetable(r, sex, year, 1.0, &lt);
  return lt.e0;
}

void ec_rates_lnmx(const ec_rates *r, int sex, double year,
                   double out[EC_NAGE]) {
  int p;
  double w;
  time_weight(r->mort_mid, r->nmort, year, &p, &w);
  for (int a = 0; a < EC_NAGE; a++)
    out[a] = r->nmort == 1
                 ? r->lnm[0][sex][a]
                 : (1.0 - w) * r->lnm[p][sex][a] + w * r->lnm[p + 1][sex][a];
}
