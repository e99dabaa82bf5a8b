/* ec_standards.h — the civil-affairs standards of section 二 of Xinzheng's
 * 新政〔2017〕29号: what every township-level unit (乡镇/街道/管委会) must
 * have, and an inventory checked against it.
 *
 * Requirement per unit (every number is an ec_scenario [standards] key):
 *   staff            full-time civil-affairs staff by population band: 3/4/5
 * (二(一)) social_workers   government-purchased social-worker posts: 2
 * (二(一)) stations         one service station per village and community (2017
 * NBS counts): n_villages + n_communities (二(一)) coordinators     one
 * part-time coordinator per station: same count (二(一)) allowance coordinators
 * x 500 yuan/month x 12 = yuan/year (二(一)) office           civil-affairs
 * office >= 40 m2 (二(二)) equipment        the "ten haves" (二(二)):
 * telephone, computers (>= 2), printer, copier, fax, desks and chairs, document
 * camera (高拍仪), video recording equipment, filing cabinets, dedicated relief
 * vehicle budget           yuan/year by band: 150,000 / 200,000 / 250,000
 * (二(三)) service_window   window + signage in the township service hall
 * (二(四)) database         livelihood database linked, all villages (二(五))
 *   training         >= 7 days per person per year for township staff and
 *                    village coordinators (二(六)); the requirement table shows
 *                    7 x (staff + coordinators) person-days/year
 *   social_work      purchased social-work services in the budget (二(七))
 * Deadlines: standards_deadline (2017-06-30) for every rule except database
 * (database_deadline, 2017-12-31) and social_work (social_work_deadline,
 * 2017-08-31).
 *
 * Population bands. The text says "3万人口以下 ... 3-5万人口 ... 5万人口以上",
 * so 30,000 and 50,000 each fall in two bands. DEFAULT (band_edges_inclusive =
 * 1): the Chinese legal convention (民法典 art. 1259: 以上/以下 include the
 * number), so
 *     low  : population <= 30,000            (3 staff, 150,000 yuan)
 *     mid  : 30,000 < population < 50,000    (4 staff, 200,000 yuan)
 *     high : population >= 50,000            (5 staff, 250,000 yuan)
 * With band_edges_inclusive = 0 the edges go to the middle band instead:
 *     low  : population < 30,000;  mid: 30,000 <= p <= 50,000;  high: > 50,000
 * A unit without a population (NaN) is in band "unknown": its staff, budget and
 * training requirements are unknown (never guessed), every other rule applies.
 *
 * Status as of a date: a rule that is met is "met"; a rule not met whose
 * deadline is after the as-of date is "not_yet_due"; otherwise "not_met". A
 * deadline equal to the as-of date is due ("完成时限:2017年6月30日前" means by
 * the end of that day). An empty as-of date means every rule is due (final
 * check). With an unknown requirement (band unknown) the verdict is still given
 * when it holds for every band (e.g. 5 staff meets any band, 2 misses every
 * band), else "unknown"; the shortfall is then NaN. A unit with no inventory
 * row has every rule "not_reported".
 *
 * Units of the columns: persons, yuan/year, m2, items, person-days/year.
 * Use (e.g. from `eldercap run`):
 *   ec_standards_units_read(s.units, &units, &n, &err);
 *   if (s.inventory[0]) ec_standards_inventory_read(s.inventory, units, n,
 *                                                   &inv, &err);
 *   ec_standards_evaluate(&s, units, n, inv, s.as_of, &res, &err);
 *   for c in 0..ec_standards_ncolumns(res)-1: ec_standards_column(res, c,
 *       &info, values) -> one dataset per column on the township dimension
 *   (codes/names from ec_standards_result_unit), then free(inv), free(units),
 *   ec_standards_result_free(res).
 * Nothing here prints or reads files (io: model/io/standards_io.c).          */
#ifndef EC_STANDARDS_H
#define EC_STANDARDS_H

#include "eldercap/ec_error.h"
#include "eldercap/ec_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EC_STD_EQUIPMENT_ITEMS 10

/* Population bands; EC_BAND_UNKNOWN when the population is not known. */
typedef enum {
  EC_BAND_UNKNOWN = -1,
  EC_BAND_LOW = 0, /* "3万人口以下" */
  EC_BAND_MID = 1, /* "3-5万人口" */
  EC_BAND_HIGH = 2 /* "5万人口以上" */
} ec_std_band;

/* The rules, in report order. */
typedef enum {
  EC_RULE_STAFF = 0,
  EC_RULE_SOCIAL_WORKERS,
  EC_RULE_STATIONS,
  EC_RULE_COORDINATORS,
  EC_RULE_ALLOWANCE,
  EC_RULE_OFFICE,
  EC_RULE_EQUIPMENT,
  EC_RULE_BUDGET,
  EC_RULE_SERVICE_WINDOW,
  EC_RULE_DATABASE,
  EC_RULE_TRAINING,
  EC_RULE_SOCIAL_WORK,
  EC_NRULES
} ec_std_rule;

typedef enum {
  EC_STD_MET = 0,
  EC_STD_NOT_MET = 1,
  EC_STD_NOT_YET_DUE = 2, /* not met, deadline after the as-of date */
  EC_STD_UNKNOWN = 3,     /* requirement unknown (band unknown) */
  EC_STD_NOT_REPORTED = 4 /* no inventory row for the unit */
} ec_std_status;
#define EC_STD_NSTATUS 5

/* The ten equipment items ("十有"), in the policy's order. */
typedef enum {
  EC_EQ_TELEPHONE = 0,
  EC_EQ_COMPUTERS,
  EC_EQ_PRINTER,
  EC_EQ_COPIER,
  EC_EQ_FAX,
  EC_EQ_DESKS_CHAIRS,
  EC_EQ_DOCUMENT_CAMERA,
  EC_EQ_VIDEO_EQUIPMENT,
  EC_EQ_FILING_CABINETS,
  EC_EQ_RELIEF_VEHICLE
} ec_std_item;

/* One township-level statistical unit (a row of data/xinzheng/units_2017.csv).
 */
typedef struct {
  char code[16];     /* 12-digit NBS code */
  char name_zh[160]; /* UTF-8 */
  char name_pinyin[160];
  char unit_type[32];       /* 镇, 乡, 街道, 管委会 */
  double population;        /* persons; NaN = unknown */
  char population_year[48]; /* as given ("" unknown) */
  int n_villages;           /* 村 (2017) */
  int n_communities;        /* 社区/居委会 (2017) */
} ec_std_unit;

/* What a unit must have. Unknown values: -1 (counts) or NaN (amounts). */
typedef struct {
  int band;                       /* ec_std_band */
  int staff;                      /* persons, -1 if band unknown */
  int social_workers;             /* persons (posts) */
  int stations;                   /* stations */
  int coordinators;               /* persons */
  double allowance_yuan_per_year; /* yuan/year for all coordinators */
  double budget_min_yuan;         /* yuan/year, NaN if band unknown */
  double office_m2_min;           /* m2 */
  int computers_min;              /* computers */
  int equipment_items;            /* items, 10 */
  int training_days_per_person;   /* days/person/year, 7 */
  double training_days_min;       /* person-days/year, NaN if band unknown */
} ec_std_requirement;

/* What a unit has (one inventory row). Counts are persons/items; the
 * equipment columns are counts, an item being present when >= 1 (computers:
 * >= computers_min). Yes/no columns are 0/1. */
typedef struct {
  int reported;                   /* 1 if the inventory had a row */
  long line;                      /* its line in the CSV (0 if none) */
  long staff;                     /* full-time staff in post, persons */
  long social_workers;            /* purchased social-worker posts filled */
  long stations;                  /* stations with the "five haves" */
  long coordinators;              /* coordinators appointed, persons */
  double allowance_yuan_per_year; /* coordinator allowance paid, yuan/year */
  double budget_yuan;             /* budgeted working funds, yuan/year */
  double office_m2;               /* office floor area, m2 */
  long equipment[EC_STD_EQUIPMENT_ITEMS]; /* counts, ec_std_item order */
  double training_days;      /* person-days of training in the year */
  int service_window;        /* 0/1 */
  int database_linked;       /* 0/1 */
  int social_work_purchased; /* 0/1 */
} ec_std_inventory;

/* Verdict per rule for one unit. */
typedef struct {
  int status[EC_NRULES];       /* ec_std_status */
  double shortfall[EC_NRULES]; /* in the rule's unit (ec_standards_rule_units);
                                  0 when met, NaN when unknown/not reported */
  unsigned missing_items;      /* bit i set: equipment item i missing */
  int computers_short;         /* computers below computers_min */
  int rules_met, rules_not_met, rules_not_yet_due, rules_unknown;
} ec_std_compliance;

/* ---- rule metadata ------------------------------------------------------ */
const char *ec_standards_rule_name(int rule);   /* "staff", "budget", ... */
const char *ec_standards_rule_clause(int rule); /* "二(一)" ... */
const char *ec_standards_rule_units(int rule);  /* unit of the shortfall */
/* The rule's deadline from the scenario ("YYYY-MM-DD"). */
const char *ec_standards_rule_deadline(const ec_scenario *s, int rule);
const char *ec_standards_status_name(int status); /* "met", "not_met", ... */
const char *ec_standards_band_name(int band); /* "low","mid","high","unknown" */
const char *ec_standards_item_name(int item); /* "telephone", ... */

/* 1 if date is a valid "YYYY-MM-DD" calendar date, else 0. */
int ec_standards_date_valid(const char *date);

/* Check the [standards] keys (edges 0 < low < high, non-negative minima,
 * valid deadlines) and, when non-empty, s->as_of. */
int ec_standards_check(const ec_scenario *s, ec_error *err);

/* Band of a population (persons); EC_BAND_UNKNOWN for NaN. */
int ec_standards_band(const ec_scenario *s, double population);

/* The requirement of one unit. */
void ec_standards_require(const ec_scenario *s, const ec_std_unit *u,
                          ec_std_requirement *req);

/* The verdict for one unit as of as_of ("" = every rule due). inv NULL or
 * !inv->reported: every rule not_reported. */
void ec_standards_comply(const ec_scenario *s, const ec_std_requirement *req,
                         const ec_std_inventory *inv, const char *as_of,
                         ec_std_compliance *c);

/* ---- the whole city: an opaque result --------------------------------------
 */
typedef struct ec_std_result ec_std_result;

/* Requirement (and compliance when inventory != NULL: n rows aligned with
 * units) of every unit, as of as_of ("" or NULL: every rule due). units and
 * inventory are copied. */
int ec_standards_evaluate(const ec_scenario *s, const ec_std_unit *units, int n,
                          const ec_std_inventory *inventory, const char *as_of,
                          ec_std_result **out, ec_error *err);
void ec_standards_result_free(ec_std_result *r);

int ec_standards_result_n(const ec_std_result *r);
int ec_standards_result_has_inventory(const ec_std_result *r);
const char *ec_standards_result_as_of(const ec_std_result *r); /* "" if none */
const ec_std_unit *ec_standards_result_unit(const ec_std_result *r, int i);
const ec_std_requirement *
ec_standards_result_requirement(const ec_std_result *r, int i);
/* NULL when no inventory was given. */
const ec_std_compliance *ec_standards_result_compliance(const ec_std_result *r,
                                                        int i);
const ec_std_inventory *ec_standards_result_inventory(const ec_std_result *r,
                                                      int i);

/* City totals. Sums run over the units whose value is known; *_lo/_hi bound
 * the staff/budget/training totals when the unknown-band units are put in the
 * lowest/highest band. */
typedef struct {
  int units;               /* unit count */
  int units_band_unknown;  /* units without population */
  int band_count[3];       /* units per band low/mid/high */
  long staff;              /* persons, known bands only */
  long staff_lo, staff_hi; /* persons, bounds over all units */
  long social_workers, stations, coordinators;
  double allowance_yuan_per_year;
  double budget_min_yuan, budget_lo, budget_hi; /* yuan/year */
  double office_m2_min; /* m2 (sum of the per-unit minima) */
  long computers_min, equipment_items;
  double training_days_min, training_lo, training_hi; /* person-days/year */
  /* with an inventory: */
  int units_compliant; /* every due rule met (none not_met/unknown/not_reported)
                        */
  int met[EC_NRULES], not_met[EC_NRULES], not_yet_due[EC_NRULES],
      unknown[EC_NRULES],
      not_reported[EC_NRULES]; /* units per rule and status */
  double shortfall[EC_NRULES]; /* summed over units with a known shortfall */
} ec_std_totals;
void ec_standards_result_totals(const ec_std_result *r, ec_std_totals *t);

/* ---- the flat table (for HDF5: one dataset per column, dimension township) --
 * Column c of the result, as doubles, one per unit (n values): numbers in
 * their units with NaN for unknown, statuses as ec_std_status codes (kind 1;
 * flag_values 0..4 with flag_meanings), the band as -1..2 (kind 2). Columns
 * are the requirement (always) then, with an inventory, the inventory
 * values, a <rule>_status and <rule>_shortfall per rule, missing_items (bit
 * mask, kind 3) and compliant (0/1). Strings (code, name) come from
 * ec_standards_result_unit. */
typedef struct {
  const char *name;  /* dataset/JSON key, e.g. "staff_required" */
  const char *units; /* UDUNITS-style: "persons", "yuan/year", "m2", "1" */
  const char *long_name;
  int kind; /* 0 number, 1 status code, 2 band code, 3 bit mask */
  const char *flag_meanings; /* kind 1/2: space-separated names, else NULL */
} ec_std_column;
int ec_standards_ncolumns(const ec_std_result *r);
/* Fill info (may be NULL) and values (n doubles, may be NULL) for column c.
 * EC_ERR_RANGE if c is out of range. */
int ec_standards_column(const ec_std_result *r, int c, ec_std_column *info,
                        double *values);

/* ---- io (model/io/standards_io.c) -----------------------------------------
 */

/* Read the unit list CSV (code,name_zh,population,n_villages,n_communities
 * required; name_pinyin,unit_type,population_year optional; an empty
 * population = unknown). *units is malloc'd (free()). Duplicate codes,
 * negative or non-integer counts, negative population are errors naming
 * file, line and column. */
int ec_standards_units_read(const char *path, ec_std_unit **units, int *n,
                            ec_error *err);

/* Read an inventory CSV: one row per unit, columns
 *   code, staff, social_workers, stations, coordinators,
 *   coordinator_allowance_yuan_per_year, budget_yuan, office_m2,
 *   telephone, computers, printer, copier, fax, desks_chairs,
 *   document_camera, video_equipment, filing_cabinets, relief_vehicle,
 *   training_days, service_window, database_linked, social_work_purchased
 * (any other column, e.g. name or note, is ignored). Counts are
 * non-negative integers, amounts non-negative finite numbers, yes/no 0 or 1.
 * *inventory is calloc'd with n rows aligned to units (rows not in the file
 * have reported = 0). Unknown or duplicate codes and bad cells are errors
 * naming file, line and column. */
int ec_standards_inventory_read(const char *path, const ec_std_unit *units,
                                int n, ec_std_inventory **inventory,
                                ec_error *err);

/* The result as JSON {"as_of", "band_edges_inclusive", "townships":[...],
 * "totals":{...}} (a cJSON object the caller deletes); NULL when out of
 * memory. Unknown values are null. */
struct cJSON;
struct cJSON *ec_standards_json(const ec_scenario *s, const ec_std_result *r);

#ifdef __cplusplus
}
#endif
#endif
