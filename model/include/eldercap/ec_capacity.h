/* ec_capacity.h — the bed standard and the 200-bed build-out, per township and
 * year: elderly counts, beds required (三(三): >= beds_per_1000 per 1,000
 * elderly), beds available (existing + homes opened), the gap, occupancy and
 * the compliance flags of the policy's elderly-care rules.                     */
#ifndef EC_CAPACITY_H
#define EC_CAPACITY_H

#include <stdint.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_population.h"
#include "eldercap/ec_region.h"
#include "eldercap/ec_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An existing or planned nursing home. */
typedef struct {
  char id[96];
  char name[192];
  int unit;              /* index of its township in the region, -1 if outside */
  double beds;           /* beds (beds) */
  double nursing_beds;   /* nursing-type beds (beds) */
  int medical;           /* 1 gives medical care, 0 not, -1 unknown */
  double opening_year;   /* fractional year it opens (2018.5 = 1 July 2018) */
  double x_m, y_m;       /* location in the working CRS (m); NaN if unknown */
  int planned;           /* 1 = added by the plan (the policy's 200-bed home) */
} ec_facility;

/* Numeric per-(year, township) variables; flags are 1 met / 0 not / -1 unknown. */
typedef enum {
  EC_V_POP_TOTAL,      /* persons */
  EC_V_POP_60PLUS,     /* persons aged 60+ */
  EC_V_POP_65PLUS,     /* persons aged 65+ */
  EC_V_POP_80PLUS,     /* persons aged 80+ */
  EC_V_ELDERLY,        /* persons at or above the scenario's elderly_age */
  EC_V_BEDS_REQUIRED,  /* beds: ceil(beds_per_1000 * elderly / 1000) */
  EC_V_BEDS_AVAILABLE, /* beds open by 1 July of the year */
  EC_V_BED_GAP,        /* beds: required - available (> 0 = shortfall) */
  EC_V_BEDS_PER_1000,  /* beds per 1,000 elderly */
  EC_V_RESIDENTS,      /* persons expected in homes: min(available, use) */
  EC_V_OCCUPANCY,      /* 1: residents / available (NaN with no beds) */
  EC_V_MEETS_BEDS,     /* flag: available >= required */
  EC_V_HAS_HOME,       /* flag: a home of >= home_min_beds open */
  /* spatial access (ec_spatial), NaN without township polygons */
  EC_V_ACCESS,         /* 2SFCA beds per 1,000 elderly within the catchment */
  EC_V_SHARE_WITHIN,   /* 1: elderly within radius_m of an open home */
  EC_V_SHARE_MEDICAL,  /* 1: elderly within radius_m of an open medical home */
  EC_V_DIST_NEAREST,   /* m: mean distance to the nearest open home */
  EC_NVARS
} ec_var;

typedef struct {
  const char *name;      /* dataset name */
  const char *units;     /* UDUNITS-style */
  const char *long_name;
  int is_flag;
} ec_var_info;
extern const ec_var_info ec_var_table[EC_NVARS];

/* City-level per-year indicators. */
typedef struct {
  double homes;             /* homes open (count) */
  double homes_medical;     /* of which giving medical care (count) */
  double medical_share;     /* 1: homes_medical / homes with known status; NaN if none known */
  int meets_medical;        /* flag: medical_share > target (-1 unknown) */
  double access_gini;       /* 1: Gini of 2SFCA access over the elderly (NaN: none) */
  double access_palma;      /* 1: Palma ratio of 2SFCA access */
  double share_within;      /* 1: city elderly within radius_m of an open home */
} ec_city_year;

/* Add the policy's planned home to every unit without one of >= home_min_beds
 * by the deadline (when s->home_per_township). facilities is grown in place
 * (caller frees *facilities with free()). */
int ec_capacity_plan_homes(const ec_scenario *s, const ec_region *r,
                           ec_facility **facilities, int *nfacilities,
                           ec_error *err);

/* Fill out[EC_NVARS][nyears][nunits] from the projected populations
 * pop[nyears * nunits] (years s->start_year..) and the facilities. city may be
 * NULL, else nyears entries. */
int ec_capacity_compute(const ec_scenario *s, int nyears, int nunits,
                        const ec_agesex *pop, const ec_facility *fac,
                        int nfac, double *out, ec_city_year *city,
                        ec_error *err);

/* ceil(beds_per_1000 * elderly / 1000): the policy's minimum (beds). */
double ec_capacity_beds_required(double beds_per_1000, double elderly);

#ifdef __cplusplus
}
#endif
#endif
