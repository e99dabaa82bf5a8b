/* capacity.c — beds required against beds available, year by year. */
#include "eldercap/ec_capacity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const ec_var_info ec_var_table[EC_NVARS] = {
    {"pop_total", "persons", "resident population, all ages", 0},
    {"pop_60plus", "persons", "population aged 60 and over", 0},
    {"pop_65plus", "persons", "population aged 65 and over", 0},
    {"pop_80plus", "persons", "population aged 80 and over", 0},
    {"elderly", "persons", "elderly population (at or above the scenario's elderly_age)", 0},
    {"beds_required", "beds", "elderly-care beds required: ceil(beds_per_1000 x elderly / 1000)", 0},
    {"beds_available", "beds", "elderly-care beds open by 1 July of the year", 0},
    {"bed_gap", "beds", "bed shortfall: required minus available (negative = surplus)", 0},
    {"beds_per_1000", "beds per 1000 persons", "beds available per 1,000 elderly", 0},
    {"residents", "persons", "expected residents: min(available, use_per_1000 x elderly / 1000)", 0},
    {"occupancy", "1", "occupancy rate of available beds (residents / available)", 0},
    {"meets_bed_standard", "1", "1 if beds available >= beds required, else 0", 1},
    {"has_required_home", "1", "1 if a home of at least home_min_beds beds is open, else 0", 1},
    {"access_beds_per_1000", "beds per 1000 persons",
     "2SFCA: beds per 1,000 elderly within the catchment (elderly-weighted mean over the township)", 0},
    {"share_within_radius", "1", "share of the elderly within radius_m of an open home", 0},
    {"share_within_radius_medical", "1",
     "share of the elderly within radius_m of an open home giving medical care", 0},
    {"distance_nearest_m", "m", "elderly-weighted mean straight-line distance to the nearest open home", 0},
};

double ec_capacity_beds_required(double beds_per_1000, double elderly) {
  return ceil(beds_per_1000 * elderly / 1000.0);
}

int ec_capacity_plan_homes(const ec_scenario *s, const ec_region *r,
                           ec_facility **facilities, int *nfacilities,
                           ec_error *err) {
  if (!s->home_per_township) return EC_OK;
  double deadline = ec_date_to_year(s->home_deadline);
  if (deadline < 0)
    return ec_error_set(err, EC_ERR_RANGE, s->path, 0, "capacity.home_deadline",
                        "bad date '%s'", s->home_deadline);
  for (int u = 0; u < r->nunits; u++) {
    int has = 0;
    for (int f = 0; f < *nfacilities; f++) {
      const ec_facility *fa = &(*facilities)[f];
      if (fa->unit == u && fa->beds >= s->home_min_beds &&
          fa->opening_year <= deadline)
        has = 1;
    }
    if (has) continue;
    ec_facility *nf = realloc(*facilities, (size_t)(*nfacilities + 1) * sizeof *nf);
    if (!nf) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    *facilities = nf;
    ec_facility *h = &nf[(*nfacilities)++];
    memset(h, 0, sizeof *h);
    snprintf(h->id, sizeof h->id, "planned-%s", r->units[u].code);
    snprintf(h->name, sizeof h->name, "%.150s planned home", r->units[u].name);
    h->unit = u;
    h->beds = s->home_min_beds;
    h->nursing_beds = 0;
    h->medical = -1;               /* not known until it is built */
    h->opening_year = deadline;    /* opens on the deadline */
    h->x_m = r->units[u].cx_m;     /* until siting chooses a site */
    h->y_m = r->units[u].cy_m;
    h->planned = 1;
  }
  return EC_OK;
}

int ec_capacity_compute(const ec_scenario *s, int nyears, int nunits,
                        const ec_agesex *pop, const ec_facility *fac, int nfac,
                        double *out, ec_city_year *city, ec_error *err) {
  if (s->elderly_age < 0 || s->elderly_age >= EC_NAGE)
    return ec_error_set(err, EC_ERR_RANGE, s->path, 0, "capacity.elderly_age",
                        "elderly_age %d outside 0..100", s->elderly_age);
  size_t plane = (size_t)nyears * (size_t)nunits;
#define V(var, y, u) out[(size_t)(var) * plane + (size_t)(y) * (size_t)nunits + (size_t)(u)]
  for (int y = 0; y < nyears; y++) {
    /* a home counts in year Y if it has opened by 1 July of Y (mid-year, the
     * reference time of the population) */
    double t = s->start_year + y + 0.5;
    for (int u = 0; u < nunits; u++) {
      const ec_agesex *p = &pop[(size_t)y * (size_t)nunits + (size_t)u];
      double eld = ec_agesex_sum_from(p, s->elderly_age);
      double avail = s->existing_beds;
      int home = 0;
      for (int f = 0; f < nfac; f++)
        if (fac[f].unit == u && fac[f].opening_year <= t) {
          avail += fac[f].beds;
          if (fac[f].beds >= s->home_min_beds) home = 1;
        }
      double req = ec_capacity_beds_required(s->beds_per_1000, eld);
      double use = s->use_per_1000 * eld / 1000.0;
      double res = use < avail ? use : avail;
      V(EC_V_POP_TOTAL, y, u) = ec_agesex_sum_from(p, 0);
      V(EC_V_POP_60PLUS, y, u) = ec_agesex_sum_from(p, 60);
      V(EC_V_POP_65PLUS, y, u) = ec_agesex_sum_from(p, 65);
      V(EC_V_POP_80PLUS, y, u) = ec_agesex_sum_from(p, 80);
      V(EC_V_ELDERLY, y, u) = eld;
      V(EC_V_BEDS_REQUIRED, y, u) = req;
      V(EC_V_BEDS_AVAILABLE, y, u) = avail;
      V(EC_V_BED_GAP, y, u) = req - avail;
      V(EC_V_BEDS_PER_1000, y, u) = eld > 0 ? 1000.0 * avail / eld : NAN;
      V(EC_V_RESIDENTS, y, u) = res;
      V(EC_V_OCCUPANCY, y, u) = avail > 0 ? res / avail : NAN;
      V(EC_V_MEETS_BEDS, y, u) = avail >= req ? 1 : 0;
      V(EC_V_HAS_HOME, y, u) = home;
      V(EC_V_ACCESS, y, u) = NAN; /* filled by the spatial measures */
      V(EC_V_SHARE_WITHIN, y, u) = NAN;
      V(EC_V_SHARE_MEDICAL, y, u) = NAN;
      V(EC_V_DIST_NEAREST, y, u) = NAN;
    }
    if (city) {
      ec_city_year *c = &city[y];
      int known = 0;
      c->homes = c->homes_medical = 0;
      for (int f = 0; f < nfac; f++)
        if (fac[f].opening_year <= t) {
          c->homes += 1;
          if (fac[f].medical >= 0) known++;
          if (fac[f].medical == 1) c->homes_medical += 1;
        }
      c->medical_share = known ? c->homes_medical / known : NAN;
      c->access_gini = c->access_palma = c->share_within = NAN;
      /* unknown homes could go either way: the rule is decided only when the
       * known ones settle it */
      if (c->homes == 0) c->meets_medical = 0;
      else if (c->homes_medical / c->homes > s->medical_share_target) c->meets_medical = 1;
      else if ((c->homes_medical + (c->homes - known)) / c->homes <= s->medical_share_target)
        c->meets_medical = 0;
      else c->meets_medical = -1;
    }
  }
#undef V
  return EC_OK;
}
