/* graduate.c — grouped counts to single years, intercensal interpolation and
 * the base-year population.
 *
 * Graduation: the cumulative count C(x) = persons below age x is known at
 * every group boundary. A monotone cubic (Steffen 1990, gsl_interp_steffen)
 * through those points is evaluated at every integer age and differenced, so
 * single-year counts are never negative and every group total is kept
 * (single years are finally rescaled to their group total to remove
 * rounding). The open group A+ (A < 100) is split over A..99 and 100+ in
 * proportion to the stationary population L(x) of the life table of the
 * count's year (mid-year), i.e. as if the oldest ages were stationary.
 *
 * Intercensal interpolation (base year between two censuses y1 < Y < y2),
 * cohort-aligned: the persons aged a at Y were aged a-(Y-y1) at y1 and
 * a+(y2-Y) at y2; P_Y(a) = P1(a-k1)^(1-w) P2(a+k2)^w with w = (Y-y1)/(y2-y1)
 * (geometric along the cohort, i.e. a constant annual rate of cohort change;
 * linear if either count is zero). Cohorts born after y1 are taken from y2
 * and survived backward with the life table of the mid-interval
 * (P2(a+k2) L(a)/L(a+k2)). Cohorts that reach 100+ by y2 are interpolated
 * per age cell (geometric between P1(a) and P2(a)). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>
#include <math.h>
#include <string.h>

#include "eldercap/ec_population.h"

int ec_graduate(const ec_agegroups *g, const ec_rates *r, ec_agesex *out,
                ec_error *err) {
  int ng = g->ngroups;
  if (ng < 3 || ng > EC_MAX_GROUPS)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "age_group",
                        "%d age groups: at least 3 (two closed and an open "
                        "one) are needed",
                        ng);
  if (g->start[0] != 0)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "age_group",
                        "the first age group starts at %d, not 0", g->start[0]);
  for (int k = 1; k < ng; k++)
    if (g->start[k] <= g->start[k - 1] || g->start[k] > 100)
      return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "age_group",
                          "age groups are not increasing within 0..100 "
                          "(group %d starts at %d)",
                          k, g->start[k]);
  int A = g->start[ng - 1];
  if (A < 100 && !r)
    return ec_error_set(err, EC_ERR_MISSING, NULL, 0, "mortality",
                        "an open age group %d+ needs a life table to split it",
                        A);
  memset(out, 0, sizeof *out);
  for (int s = 0; s < EC_NSEX; s++) {
    double x[EC_MAX_GROUPS], c[EC_MAX_GROUPS];
    c[0] = 0.0;
    for (int k = 0; k < ng; k++) {
      if (!(g->n[s][k] >= 0.0) || !isfinite(g->n[s][k]))
        return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "age_group",
                            "negative or invalid count in the group starting "
                            "at %d",
                            g->start[k]);
      x[k] = g->start[k];
      if (k > 0) c[k] = c[k - 1] + g->n[s][k - 1];
    }
    /* Knots 0 .. A (ng points): closed groups only. */
    gsl_interp *it = gsl_interp_alloc(gsl_interp_steffen, (size_t)ng);
    if (!it)
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    if (gsl_interp_init(it, x, c, (size_t)ng) != GSL_SUCCESS) {
      gsl_interp_free(it);
      return ec_error_set(err, EC_ERR_NUMERIC, NULL, 0, NULL,
                          "spline initialisation failed");
    }
    double prev = 0.0;
    for (int a = 0; a < A; a++) {
      double v =
          a + 1 == A ? c[ng - 1] : gsl_interp_eval(it, x, c, a + 1.0, NULL);
      out->n[s][a] = v - prev > 0.0 ? v - prev : 0.0;
      prev = v;
    }
    gsl_interp_free(it);
    /* Rescale each closed group to its exact total. */
    for (int k = 0; k + 1 < ng; k++) {
      double sum = 0.0;
      int a0 = g->start[k], a1 = g->start[k + 1];
      for (int a = a0; a < a1; a++)
        sum += out->n[s][a];
      for (int a = a0; a < a1; a++)
        out->n[s][a] = sum > 0.0 ? out->n[s][a] * g->n[s][k] / sum
                                 : g->n[s][k] / (a1 - a0);
    }
    /* Open group. */
    double open = g->n[s][ng - 1];
    if (A == 100) {
      out->n[s][100] = open;
    } else {
      ec_lifetable lt;
      ec_rates_lifetable(r, s, g->year + 0.5, 1.0, &lt);
      double T = 0.0;
      for (int a = A; a < EC_NAGE; a++)
        T += lt.L[a];
      for (int a = A; a < EC_NAGE; a++)
        out->n[s][a] = open * lt.L[a] / T;
    }
  }
  return EC_OK;
}

static double geo(double p1, double p2, double w) {
  if (p1 > 0.0 && p2 > 0.0) return exp((1.0 - w) * log(p1) + w * log(p2));
  return (1.0 - w) * p1 + w * p2;
}

int ec_population_intercensal(const ec_agesex *p1, int y1, const ec_agesex *p2,
                              int y2, int year, const ec_rates *r,
                              ec_agesex *out, ec_error *err) {
  if (!(y1 < y2) || year < y1 || year > y2)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, "base_year",
                        "year %d is not between the censuses %d and %d", year,
                        y1, y2);
  if (year == y1) {
    *out = *p1;
    return EC_OK;
  }
  if (year == y2) {
    *out = *p2;
    return EC_OK;
  }
  int k1 = year - y1, k2 = y2 - year;
  double w = (double)k1 / (y2 - y1);
  for (int s = 0; s < EC_NSEX; s++) {
    ec_lifetable lt;
    ec_rates_lifetable(r, s, 0.5 * (year + y2) + 0.5, 1.0, &lt);
    for (int a = 0; a < EC_NAGE; a++) {
      double v;
      if (a == 100 || a + k2 > 99)
        v = geo(p1->n[s][a], p2->n[s][a], w);
      else if (a - k1 < 0)
        v = p2->n[s][a + k2] * lt.L[a] / lt.L[a + k2];
      else
        v = geo(p1->n[s][a - k1], p2->n[s][a + k2], w);
      out->n[s][a] = v;
    }
  }
  return EC_OK;
}

int ec_population_base(const ec_scenario *s, const ec_census *c,
                       const ec_rates *r, ec_agesex *out, ec_error *err) {
  int Y = s->base_year;
  if (!c || c->ncensus < 1)
    return ec_error_set(err, EC_ERR_MISSING, s->census, 0, "census",
                        "no census counts for the area");
  for (int i = 0; i < c->ncensus; i++)
    if (c->census[i].year == Y) return ec_graduate(&c->census[i], r, out, err);
  for (int i = 0; i + 1 < c->ncensus; i++) {
    if (c->census[i].year < Y && Y < c->census[i + 1].year) {
      ec_agesex g1, g2;
      int rc = ec_graduate(&c->census[i], r, &g1, err);
      if (rc == EC_OK) rc = ec_graduate(&c->census[i + 1], r, &g2, err);
      if (rc != EC_OK) return rc;
      return ec_population_intercensal(&g1, c->census[i].year, &g2,
                                       c->census[i + 1].year, Y, r, out, err);
    }
  }
  return ec_error_set(err, EC_ERR_INVALID, s->census, 0, "base_year",
                      "base year %d is neither a census year of area %s nor "
                      "between two of its censuses (%d..%d)",
                      Y, c->area_code, c->census[0].year,
                      c->census[c->ncensus - 1].year);
}

double ec_agesex_sum_from(const ec_agesex *p, int min_age) {
  double t = 0.0;
  if (min_age < 0) min_age = 0;
  for (int s = 0; s < EC_NSEX; s++)
    for (int a = min_age; a < EC_NAGE; a++)
      t += p->n[s][a];
  return t;
}
