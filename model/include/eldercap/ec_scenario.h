/* ec_scenario.h — a planning scenario: every parameter of a run, with the
 * policy's values (Xinzheng 新政〔2017〕29号, see ../policy) as defaults.
 *
 * A plain value struct (caller-allocated). ec_scenario_defaults fills the
 * policy values; ec_scenario_load reads an INI file over them (model/io), then
 * applies --set overrides. Paths are stored resolved relative to the INI file's
 * directory. Unknown sections/keys, duplicates, bad numbers and out-of-range
 * values are errors naming file and line.                                    */
#ifndef EC_SCENARIO_H
#define EC_SCENARIO_H

#include <stddef.h>

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EC_SCN_PATH 1024
#define EC_SCN_TEXT 256
#define EC_MAX_QUANTILES 16
#define EC_MAX_SUMMARY_YEARS 16
#define EC_MAX_SWEEP_AXES 8
#define EC_MAX_SWEEP_VALUES 4096
#define EC_MAX_BANDS 8

typedef enum { EC_POP_COHORT = 0, EC_POP_HAMILTON_PERRY = 1 } ec_pop_method;
typedef enum {
  EC_MIG_NONE = 0,            /* closed population */
  EC_MIG_CENSUS_RESIDUAL = 1, /* county cohort residual 2010->2020 */
  EC_MIG_TOTALS = 2,          /* a yearly total spread by a standard age pattern */
  EC_MIG_WPP = 3              /* WPP national net migration by age ("wpp") */
} ec_mig_method;
typedef enum {
  EC_WEIGHT_FIELD = 0, /* a population field of the township layer */
  EC_WEIGHT_AREA = 1   /* polygon area */
} ec_weight_method;

/* One [sweep] axis: a scenario key and its values (numbers as text). */
typedef struct {
  char key[96];                  /* "section.key" */
  int nvalues;
  char **values;                 /* owned by the scenario (see ec_scenario_free) */
} ec_sweep_axis;

typedef struct {
  /* [scenario] */
  char name[EC_SCN_TEXT];        /* short identifier */
  char title[EC_SCN_TEXT];       /* human title for summaries and reports */
  int start_year;                /* first year reported (may precede base_year) */
  int base_year;                 /* year of the base population */
  int horizon_year;              /* last year projected */
  char as_of[16];                /* "YYYY-MM-DD" status date for compliance */

  /* [data] (paths resolved against the INI's directory; "" = not given) */
  char townships[EC_SCN_PATH];   /* township polygons (.shp) */
  char township_code_field[32];  /* DBF field with the statistical code */
  char township_name_field[32];  /* DBF field with the Chinese name */
  char township_weight_field[32];/* DBF field used to share out population */
  ec_weight_method township_weights;
  char census[EC_SCN_PATH];      /* census age-sex CSV (two censuses) */
  char census_area[32];          /* area_code whose rows are used */
  char mortality[EC_SCN_PATH];   /* WPP abridged mx CSV */
  char fertility[EC_SCN_PATH];   /* WPP ASFR CSV (with srb) */
  char migration[EC_SCN_PATH];   /* WPP net migration by age (pattern) */
  char facilities[EC_SCN_PATH];  /* existing/planned homes CSV, optional */
  char villages[EC_SCN_PATH];    /* village points/list, optional */
  char units[EC_SCN_PATH];       /* all statistical units (standards), optional */
  char inventory[EC_SCN_PATH];   /* standards inventory CSV, optional */
  char crs[64];                  /* metric working CRS, "EPSG:4547" */

  /* [population] */
  ec_pop_method method;
  double mortality_scale;        /* multiplies every death rate (1) */
  ec_mig_method migration_method;
  double migration_total_per_year; /* persons/year for EC_MIG_TOTALS */
  double migration_scale;        /* multiplies the migration flows (1) */
  int replicates;                /* Monte Carlo replicates; 0 = deterministic */
  unsigned long seed;            /* base seed of every RNG stream */
  int demographic_noise;         /* 1 = binomial deaths in Monte Carlo */
  double mortality_improvement_sd; /* sd of the log-multiplier of mx trend (1) */
  double migration_sd;           /* sd of the multiplier of migration (1) */
  int mc_uniform;                /* 0: normal draws Z, 1: uniform on [-sqrt 3, sqrt 3] (same sd) */
  int nquantiles;
  double quantiles[EC_MAX_QUANTILES]; /* probabilities, e.g. 0.05 0.5 0.95 */
  int keep_replicates;           /* also store every replicate */

  /* [capacity] */
  int elderly_age;               /* age threshold of "elderly" (years), 60 */
  double beds_per_1000;          /* beds per 1,000 elderly, at least 40 (三(三)) */
  int home_min_beds;             /* beds of each township's home, 200 (三(三)) */
  char home_deadline[16];        /* "2018-06-30" (三(三)) */
  double existing_beds;          /* beds per township when no facilities file */
  int home_per_township;         /* 1 = plan the 200-bed home in every unit */
  double medical_share_target;   /* share of homes giving medical care, > 0.5 */
  char medical_deadline[16];     /* "2017-12-31" (三(四)) */
  double use_per_1000;           /* beds demanded per 1,000 elderly (occupancy) */

  /* [coverage] */
  int coverage_enabled;          /* demand grid + access measures in runs */
  double cell_size_m;            /* demand grid cell (m), 500 */
  double radius_m;               /* coverage radius (m) */
  double catchment_m;            /* FCA catchment (m) */
  char access_method[32];        /* "2sfca", "e2sfca", ... */
  char decay[64];                /* "", "gaussian:SIGMA", "gravity:ALPHA[:MIN]" */
  char steps[128];               /* E2SFCA steps "10:1,20:0.68,30:0.22" */

  /* [siting] */
  int siting_enabled;
  char siting_model[16];         /* pmedian|mclp|lscp|pcenter|cpmp */
  char candidates[EC_SCN_PATH];  /* candidate sites CSV; "" = the demand grid */
  int siting_options;            /* best K options compared per township */
  double siting_radius_m;        /* radius for coverage-type measures (m) */
  double siting_time_limit_s;    /* per solve (s) */
  char siting_scope[16];         /* "township" or "city" */

  /* [standards] (二 of the policy) */
  double band_edge_low;          /* 30,000 persons */
  double band_edge_high;         /* 50,000 persons */
  int band_edges_inclusive;      /* 1: 以下/以上 include the edge number */
  int staff_min[3];              /* full-time staff by band: 3, 4, 5 */
  double budget_min_yuan[3];     /* yuan/year by band: 150k, 200k, 250k */
  int social_workers;            /* posts per township, 2 */
  double coordinator_allowance_yuan_per_month; /* 500 */
  double office_m2_min;          /* 40 */
  int computers_min;             /* 2 */
  int training_days_min;         /* days per person per year, 7 */
  char standards_deadline[16];   /* "2017-06-30" */
  char database_deadline[16];    /* "2017-12-31" */
  char social_work_deadline[16]; /* "2017-08-31" */

  /* [sweep] */
  int nsweep;
  ec_sweep_axis sweep[EC_MAX_SWEEP_AXES];
  int sweep_zip;                 /* 1 = zipped axes, 0 = Cartesian product */

  /* [output] */
  char output[EC_SCN_PATH];      /* results file (.h5) */
  int nsummary_years;
  int summary_years[EC_MAX_SUMMARY_YEARS];

  /* provenance: what was read */
  char path[EC_SCN_PATH];        /* the INI file as given */
  char *text;                    /* its full text (owned; NULL for defaults) */
  int noverrides;
  char **overrides;              /* "section.key=value" applied (owned) */
} ec_scenario;

/* Policy defaults. Paths empty. */
void ec_scenario_defaults(ec_scenario *s);
/* Release owned memory (text, overrides, sweep values); keeps the values. */
void ec_scenario_free(ec_scenario *s);

/* Read path over the defaults, then apply overrides ("section.key=value").
 * On error s is freed. */
int ec_scenario_load(ec_scenario *s, const char *path, int noverrides,
                     char *const *overrides, ec_error *err);
/* Apply one "section.key=value" (also used by sweeps). where names the origin
 * (e.g. "--set") for error messages. */
int ec_scenario_set(ec_scenario *s, const char *section, const char *key,
                    const char *value, const char *where, long line,
                    ec_error *err);
/* The value of "section.key" as text (as a scenario file would write it).
 * Returns EC_OK or EC_ERR_MISSING for an unknown key. */
int ec_scenario_get(const ec_scenario *s, const char *fqkey, char *buf, size_t size);
/* Cross-key checks (base <= horizon, quantiles in (0,1), ...). */
int ec_scenario_validate(const ec_scenario *s, ec_error *err);

/* Parse "YYYY-MM-DD" to a fractional year (2018-06-30 -> 2018.49...). -1 if bad. */
double ec_date_to_year(const char *date);

#ifdef __cplusplus
}
#endif
#endif
