/* ec_plan.h — one scenario, loaded and ready to simulate: the inputs read from
 * files (rates, censuses, township layer, facilities), the base population
 * shared out to townships and the projection prepared. Any front end (the CLI,
 * a sweep driver, an MPI rank, a test) loads a plan once and simulates it for
 * as many replicates as it needs.                                              */
#ifndef EC_PLAN_H
#define EC_PLAN_H

#include "eldercap/ec_capacity.h"
#include "eldercap/ec_population.h"
#include "eldercap/ec_region.h"
#include "eldercap/ec_results.h"
#include "eldercap/ec_scenario.h"
#include "eldercap/ec_spatial.h"
#include "eldercap/ec_standards.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const ec_scenario *s;  /* borrowed */
  ec_rates *rates;
  ec_census census;      /* county censuses */
  ec_region *region;
  ec_facility *fac;      /* existing + planned homes */
  int nfac;
  int nexisting;         /* fac[0..nexisting) came from the facilities file */
  ec_agesex county_base; /* county population at the base year (persons) */
  ec_agesex *base;       /* per township at the base year (persons) */
  ec_projection *proj;
  int nyears;            /* start_year..horizon_year */
  int nunits;
  char checksums[8][160];/* "path sha256" of every input read */
  int nchecksums;
  int shares_inputs;     /* 1: rates, census, region belong to another plan */
  ec_demand_grid grid;   /* demand points (n = 0: no spatial measures) */
  ec_od *od;             /* demand points x facilities (m) */
  ec_site_option *options; /* nunits * s->siting_options, NULL without siting */
  int homes_planned;     /* the policy's homes are already in fac */
  ec_std_result *standards; /* civil-affairs requirement (and compliance), NULL
                               without [data] units */
} ec_plan;

/* Read every input of s and prepare the projection. */
int ec_plan_load(const ec_scenario *s, ec_plan **out, ec_error *err);
void ec_plan_free(ec_plan *p);

/* A plan for scenario s (a sweep point of base's scenario) that shares base's
 * inputs (rates, census, region, facilities read from file) and rebuilds the
 * planned homes, base population and projection. s must outlive the plan. */
int ec_plan_derive(const ec_plan *base, const ec_scenario *s, ec_plan **out,
                   ec_error *err);

/* Share a county population out to units by weight (persons). Every age-sex
 * cell of the units sums to the county's cell. */
void ec_plan_share_out(const ec_agesex *county, int nunits, const double *weight,
                       ec_agesex *out);

/* One trajectory: replicate < 0 is the deterministic projection. pop
 * (nyears*nunits) receives the populations; vars (EC_NVARS*nyears*nunits) the
 * capacity variables; city (nyears, may be NULL) the city indicators. */
int ec_plan_simulate(const ec_plan *p, long scenario_index, long replicate,
                     ec_agesex *pop, double *vars, ec_city_year *city,
                     ec_error *err);

/* Read a facilities CSV: id,township,beds[,name][,nursing_beds][,medical]
 * [,opening_year|opening_date][,lon,lat | x,y]. township is a unit code of r. */
int ec_facilities_read(const char *path, const ec_scenario *s,
                       const ec_region *r, ec_facility **out, int *n,
                       ec_error *err);

#ifdef __cplusplus
}
#endif
#endif

#ifndef EC_PLAN_WRITE_DECLARED
#define EC_PLAN_WRITE_DECLARED
/* Write the static part of a results file: the dimensions year, township,
 * sex, age, facility (and quantile when nquantiles > 0, replicate when
 * nreplicates > 0), the township and facility tables and provenance. */
int ec_plan_write_static(const ec_plan *p, ec_results *r, int nquantiles,
                         int nreplicates, ec_error *err);
#endif
