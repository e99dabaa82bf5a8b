/* ec_population.h — the demographic core: single-year ages 0..100+ by sex,
 * graduation of grouped counts, life tables from WPP rates, cohort-component
 * and Hamilton-Perry projection with migration, intercensal interpolation, and
 * Monte Carlo replicates with one counter-derived RNG stream per
 * (scenario, replicate). */
#ifndef EC_POPULATION_H
#define EC_POPULATION_H

#include <gsl/gsl_rng.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EC_NAGE 101 /* single years 0..99 and the open group 100+ */
#define EC_MAX_GROUPS 32
enum { EC_MALE = 0, EC_FEMALE = 1, EC_NSEX = 2 };

/* Persons by sex and single year of age (persons). */
typedef struct {
  double n[EC_NSEX][EC_NAGE];
} ec_agesex;

/* Grouped counts as published: group g covers ages [start[g], start[g+1]),
 * the last group is open (start[ngroups-1] and over). */
typedef struct {
  int year; /* reference year of the count */
  int ngroups;
  int start[EC_MAX_GROUPS];         /* first age of each group (years) */
  double n[EC_NSEX][EC_MAX_GROUPS]; /* persons */
} ec_agegroups;

/* The censuses (or estimates) of one area, in ascending year. */
typedef struct {
  int ncensus;
  ec_agegroups census[4];
  char area_code[32];
  char area_name[128];
} ec_census;

/* Rates from WPP: mortality by period/sex/abridged age, fertility, sex ratio
 * at birth, migration age pattern. Opaque, read by model/io (ec_rates_read). */
typedef struct ec_rates ec_rates;
void ec_rates_free(ec_rates *r);

/* The raw WPP tables as published, filled by model/io and turned into an
 * ec_rates by ec_rates_new (core). Periods are 5-year calendar intervals
 * [start, start+5); their mid-point start+2.5 is where the period's rates
 * hold exactly. */
#define EC_WPP_MAX_PERIODS 40
#define EC_WPP_NAGE_ABR 22 /* abridged ages 0, 1-4, 5-9, ..., 95-99, 100+ */
#define EC_WPP_NAGE5 21    /* 5-year groups 0-4, ..., 95-99, 100+ */
typedef struct {
  int nmort;
  int mort_start[EC_WPP_MAX_PERIODS]; /* first calendar year of the period */
  double mx[EC_WPP_MAX_PERIODS][EC_NSEX][EC_WPP_NAGE_ABR]; /* 1/year */
  int nfert;
  int fert_start[EC_WPP_MAX_PERIODS];
  /* births per woman per year in the 5-year group starting at 5*k (k<21) */
  double asfr[EC_WPP_MAX_PERIODS][EC_WPP_NAGE5];
  double srb[EC_WPP_MAX_PERIODS]; /* males per female at birth */
  int nmig;                       /* 0 = no migration table */
  int mig_start[EC_WPP_MAX_PERIODS];
  /* net migrants (persons/year) of 5-year group k (k = 20: 100+) */
  double mig[EC_WPP_MAX_PERIODS][EC_NSEX][EC_WPP_NAGE5];
} ec_rates_tables;

/* Build the model's rates from the tables: abridged mx -> single-year death
 * rates per period (see population.c: each abridged group's probability of
 * dying, from a Coale-Demeny/Greville abridged life table as WPP builds it, is
 * spread over its single years with a log-linear age shape), ASFR -> single
 * years. Periods must be consecutive. */
int ec_rates_new(const ec_rates_tables *t, ec_rates **out, ec_error *err);

/* A single-year life table (radix 1): l (survivors at exact age x), L
 * (person-years lived in [x, x+1), L[100] = open group 100+), e0 (years). */
typedef struct {
  double m[EC_NAGE];
  double l[EC_NAGE];
  double L[EC_NAGE];
  double e0;
} ec_lifetable;
/* Life table from single-year death rates m (1/year): a0 of Coale-Demeny
 * (from m0, by sex), constant hazard within each later year of age, open
 * group L = l/m. */
void ec_lifetable_build(const double m[EC_NAGE], int sex, ec_lifetable *lt);
/* The life table of calendar time `year` (decimal), death rates multiplied
 * by scale. */
void ec_rates_lifetable(const ec_rates *r, int sex, double year, double scale,
                        ec_lifetable *lt);
/* Single-year age-specific fertility (births per woman per year) and sex
 * ratio at birth (males per female) at decimal time `year`, linear between
 * period mid-points. */
double ec_rates_asfr(const ec_rates *r, int age, double year);
double ec_rates_srb(const ec_rates *r, double year);
/* ln m(x) of every single age at decimal time `year` (1/year, unscaled). */
void ec_rates_lnmx(const ec_rates *r, int sex, double year,
                   double out[EC_NAGE]);
/* 1 when the rates carry a WPP net-migration table. */
int ec_rates_has_migration(const ec_rates *r);
/* WPP net migrants (persons/year) of a single age at decimal time `year`
 * (the period containing it; each 5-year group spread evenly). 0 when the
 * rates have no migration table. */
double ec_rates_netmig(const ec_rates *r, int sex, int age, double year);

/* Read WPP tables (formats of the data/wpp2024 CSV files). migration_csv may be
 * "" */
int ec_rates_read(const char *mortality_csv, const char *fertility_csv,
                  const char *migration_csv, ec_rates **out, ec_error *err);
/* Read census rows "year,area_code,area_name,age_group,male,female" of one
 * area (age_group "0", "1-4", "5-9", ..., "85+"). */
int ec_census_read(const char *path, const char *area_code, ec_census *out,
                   ec_error *err);

/* Central death rate m(x) for a single age, sex and calendar year, (1/year),
 * interpolated between WPP periods (log-linear at period mid-points; constant
 * before the first and after the last mid-point). `year` is decimal: the
 * period 2020-2025 holds exactly at 2022.5. */
double ec_rates_mx(const ec_rates *r, int sex, int age, double year);
/* Life expectancy at birth (years) of the single-year life table the model
 * builds for decimal time `year` (2022.5 = the WPP period 2020-2025). */
double ec_rates_e0(const ec_rates *r, int sex, double year);

/* Graduate grouped counts to single years, preserving every group total
 * exactly (monotone Steffen spline of the cumulative count; the open group is
 * split by the life table's stationary population of `year`). */
int ec_graduate(const ec_agegroups *g, const ec_rates *r, ec_agesex *out,
                ec_error *err);

/* The county base population at s->base_year from the censuses: the census
 * itself when base_year is a census year, otherwise intercensal interpolation
 * between the two censuses (documented in data/README.md / README). */
int ec_population_base(const ec_scenario *s, const ec_census *c,
                       const ec_rates *r, ec_agesex *out, ec_error *err);

typedef struct ec_projection ec_projection;

/* Prepare projections of nunits areas whose base-year populations are
 * base[0..nunits-1] (persons), for the years s->start_year..s->horizon_year.
 * The county census c is used for Hamilton-Perry ratios, census-residual
 * migration and years before the base year (county intercensal estimates
 * shared out by each unit's share of the base-year age-sex cell; needs
 * censuses on both sides). County migration flows are allocated to units in
 * proportion to their base-year total population. Method details:
 * model/core/population.c. */
int ec_projection_new(const ec_scenario *s, const ec_rates *r,
                      const ec_census *c, int nunits, const ec_agesex *base,
                      ec_projection **out, ec_error *err);
void ec_projection_free(ec_projection *p);
int ec_projection_nyears(const ec_projection *p);

/* Intercensal estimate at `year` from two graduated counts p1 (year y1) and
 * p2 (year y2), y1 < year < y2, cohort-aligned (see population.c). */
int ec_population_intercensal(const ec_agesex *p1, int y1, const ec_agesex *p2,
                              int y2, int year, const ec_rates *r,
                              ec_agesex *out, ec_error *err);

/* Timing convention: population counts of year Y hold at mid-year
 * (decimal Y + 0.5; censuses of 1 November are treated as mid-year). The step
 * Y -> Y+1 uses the rates of decimal time Y + 1.0.
 *
 * Run one trajectory. replicate < 0: deterministic (expected values).
 * replicate >= 0: a Monte Carlo replicate drawn from the stream
 * ec_rng_stream(s->seed, scenario_index, replicate).
 * out has nyears * nunits entries, year-major: out[y * nunits + u].
 * Thread-safe: a projection may be run from several threads at once. */
int ec_projection_run(const ec_projection *p, long scenario_index,
                      long replicate, ec_agesex *out, ec_error *err);

/* The multipliers replicate `replicate` draws first from its stream: of the
 * speed of the mortality trend (log-normal or log-uniform, median 1) and of
 * migration; 1 and 1 for the deterministic run (replicate < 0). */
int ec_projection_multipliers(const ec_projection *p, long scenario_index,
                              long replicate, double *mortality_trend,
                              double *migration);

/* A GSL RNG (mt19937) seeded from a hash of (seed, scenario, replicate):
 * streams depend on those numbers only, never on thread or rank. */
gsl_rng *ec_rng_stream(unsigned long seed, long scenario, long replicate);

/* Persons aged >= min_age (both sexes). */
double ec_agesex_sum_from(const ec_agesex *p, int min_age);

#ifdef __cplusplus
}
#endif
#endif
