/* ec_spatial.h — the spatial side of a planning run: where the elderly live
 * (a demand grid inside every township), who can reach care (access measures
 * per township and year) and where each township's 200-bed home should go
 * (siting options compared side by side).
 *
 * Demand: each township's elderly are spread over a grid of cell_size_m inside
 * its polygon, area-proportionally (ec_grid_demand, GEOS); every year the
 * township's projected elderly are distributed with the same shares, so
 * township totals are kept exactly. Costs are straight-line distances in the
 * working metric CRS (m). */
#ifndef EC_SPATIAL_H
#define EC_SPATIAL_H

#include <stddef.h>

#include "eldercap/ec_capacity.h"
#include "eldercap/ec_error.h"
#include "eldercap/ec_od.h"
#include "eldercap/ec_region.h"
#include "eldercap/ec_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Demand points of all townships, grouped by township. */
typedef struct {
  size_t n;
  double *x_m, *y_m; /* working CRS (m) */
  double *share;     /* share of its township's elderly (1); sums to 1 per township */
  int *unit;         /* township index of each point */
  size_t *start;     /* nunits + 1: points of township u are [start[u], start[u+1]) */
  int nunits;
} ec_demand_grid;

int ec_demand_grid_build(const ec_region *r, double cell_size_m, ec_demand_grid *g,
                         ec_error *err);
void ec_demand_grid_free(ec_demand_grid *g);

/* Sparse distances from every demand point to every facility (m), cut at
 * the larger of the catchment and the coverage radius. */
int ec_spatial_od(const ec_scenario *s, const ec_demand_grid *g,
                  const ec_facility *fac, int nfac, ec_od **out, ec_error *err);

/* Access measures of one year, per township (population-weighted over its
 * demand points) and for the city. */
typedef enum {
  EC_ACC_BEDS_PER_1000_REACH, /* 2SFCA beds per 1,000 elderly within catchment_m */
  EC_ACC_SHARE_WITHIN_RADIUS, /* 1: elderly within radius_m of an open home */
  EC_ACC_SHARE_MEDICAL,       /* 1: elderly within radius_m of an open medical home */
  EC_ACC_DIST_NEAREST_M,      /* m: mean distance to the nearest open home */
  EC_NACC
} ec_acc_var;

typedef struct {
  double gini;         /* 1: population-weighted Gini of 2SFCA access */
  double palma;        /* 1: Palma ratio of 2SFCA access */
  double share_within; /* 1: city share of elderly within radius_m of a home */
} ec_acc_city;

/* elderly: nunits persons for the year; t: the fractional time at which a
 * home counts as open (mid-year). out: EC_NACC * nunits (var-major). */
int ec_spatial_measures(const ec_scenario *s, const ec_demand_grid *g,
                        const ec_facility *fac, int nfac, const ec_od *od,
                        double t, const double *elderly, double *out,
                        ec_acc_city *city, ec_error *err);

/* One siting option for a township's planned home. */
typedef struct {
  int unit;                /* township index */
  int rank;                /* 0 = best (lowest weighted distance) */
  double x_m, y_m;         /* site (working CRS, m) */
  double mean_dist_m;      /* elderly-weighted mean distance to the site (m) */
  double max_dist_m;       /* largest distance of the township's elderly (m) */
  double share_within;     /* 1: township elderly within siting radius */
  double beds_per_1000;    /* 2SFCA beds per 1,000 elderly in reach after opening */
  double dist_medical_m;   /* m: site to the nearest medical home (NaN: none) */
  double load;             /* 1: demand in the catchment / the home's beds */
  double objective;        /* weighted distance (person-m), the p-median's */
  double lower_bound;      /* certified bound on the best objective */
  double gap;              /* 1: (objective - bound) / objective, best option */
} ec_site_option;

/* Choose each planned home's site (facilities with planned = 1): p-median over
 * the township's demand points as clients and candidate sites (its grid
 * points), solved by the siting module with a certified gap; the best K
 * options (at least 2 cells apart) are evaluated and the planned home is
 * moved to the best. elderly: nunits persons (the base year). opts gets
 * nunits * K entries (rank >= K or unit = -1 where a township has fewer). */
int ec_spatial_site_homes(const ec_scenario *s, const ec_demand_grid *g,
                          ec_facility *fac, int nfac, const double *elderly,
                          ec_site_option *opts, ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
