/* standards.c — requirement and compliance of section 二 of 新政〔2017〕29号
 * (see ec_standards.h for the rules, the band convention and the statuses). */
#include "eldercap/ec_standards.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ec_std_result {
  int n;
  int has_inventory;
  char as_of[16];
  ec_std_unit *units;
  ec_std_requirement *req;
  ec_std_inventory *inv;   /* NULL without inventory */
  ec_std_compliance *comp; /* NULL without inventory */
  /* the band values, kept for the totals' bounds over unknown bands */
  int staff_min[3];
  double budget_min_yuan[3];
  int training_days_min;
};

/* ---- metadata --------------------------------------------------------------
 */

static const struct {
  const char *name, *clause, *units;
} rules[EC_NRULES] = {
    [EC_RULE_STAFF] = {"staff", "二(一)", "persons"},
    [EC_RULE_SOCIAL_WORKERS] = {"social_workers", "二(一)", "persons"},
    [EC_RULE_STATIONS] = {"stations", "二(一)", "stations"},
    [EC_RULE_COORDINATORS] = {"coordinators", "二(一)", "persons"},
    [EC_RULE_ALLOWANCE] = {"coordinator_allowance", "二(一)", "yuan/year"},
    [EC_RULE_OFFICE] = {"office", "二(二)", "m2"},
    [EC_RULE_EQUIPMENT] = {"equipment", "二(二)", "items"},
    [EC_RULE_BUDGET] = {"budget", "二(三)", "yuan/year"},
    [EC_RULE_SERVICE_WINDOW] = {"service_window", "二(四)", "1"},
    [EC_RULE_DATABASE] = {"database", "二(五)", "1"},
    [EC_RULE_TRAINING] = {"training", "二(六)", "person-days/year"},
    [EC_RULE_SOCIAL_WORK] = {"social_work", "二(七)", "1"},
};

static const char *const status_names[EC_STD_NSTATUS] = {
    "met", "not_met", "not_yet_due", "unknown", "not_reported"};
static const char *const band_names[3] = {"low", "mid", "high"};
static const char *const item_names[EC_STD_EQUIPMENT_ITEMS] = {
    "telephone",
    "computers",
    "printer",
    "copier",
    "fax",
    "desks_chairs",
    "document_camera",
    "video_equipment",
    "filing_cabinets",
    "relief_vehicle"};

const char *ec_standards_rule_name(int r) {
  return r >= 0 && r < EC_NRULES ? rules[r].name : "?";
}
const char *ec_standards_rule_clause(int r) {
  return r >= 0 && r < EC_NRULES ? rules[r].clause : "?";
}
const char *ec_standards_rule_units(int r) {
  return r >= 0 && r < EC_NRULES ? rules[r].units : "?";
}
const char *ec_standards_rule_deadline(const ec_scenario *s, int r) {
  if (r == EC_RULE_DATABASE) return s->database_deadline;
  if (r == EC_RULE_SOCIAL_WORK) return s->social_work_deadline;
  return s->standards_deadline;
}
const char *ec_standards_status_name(int st) {
  return st >= 0 && st < EC_STD_NSTATUS ? status_names[st] : "?";
}
const char *ec_standards_band_name(int b) {
  return b >= 0 && b < 3 ? band_names[b] : "unknown";
}
const char *ec_standards_item_name(int i) {
  return i >= 0 && i < EC_STD_EQUIPMENT_ITEMS ? item_names[i] : "?";
}

int ec_standards_date_valid(const char *d) {
  if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return 0;
  int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || m < 1 || m > 12 || day < 1) return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= mdays[m - 1] + (m == 2 && leap);
}

int ec_standards_check(const ec_scenario *s, ec_error *err) {
  const char *f = s->path[0] ? s->path : "scenario";
  if (!(isfinite(s->band_edge_low) && isfinite(s->band_edge_high) &&
        s->band_edge_low > 0 && s->band_edge_low < s->band_edge_high))
    return ec_error_set(err, EC_ERR_RANGE, f, 0, "standards.band_edge_low",
                        "band edges must satisfy 0 < low (%g) < high (%g)",
                        s->band_edge_low, s->band_edge_high);
  if (s->band_edges_inclusive != 0 && s->band_edges_inclusive != 1)
    return ec_error_set(err, EC_ERR_RANGE, f, 0,
                        "standards.band_edges_inclusive",
                        "must be 0 or 1, not %d", s->band_edges_inclusive);
  for (int b = 0; b < 3; b++) {
    if (s->staff_min[b] < 0)
      return ec_error_set(err, EC_ERR_RANGE, f, 0, "standards.staff_min",
                          "staff minimum %d is negative", s->staff_min[b]);
    if (!(isfinite(s->budget_min_yuan[b]) && s->budget_min_yuan[b] >= 0))
      return ec_error_set(err, EC_ERR_RANGE, f, 0, "standards.budget_min_yuan",
                          "budget minimum %g is negative or not finite",
                          s->budget_min_yuan[b]);
  }
  if (s->social_workers < 0 || s->computers_min < 0 || s->training_days_min < 0)
    return ec_error_set(err, EC_ERR_RANGE, f, 0, "standards",
                        "social_workers, computers_min and training_days_min "
                        "must be >= 0");
  if (!(isfinite(s->coordinator_allowance_yuan_per_month) &&
        s->coordinator_allowance_yuan_per_month >= 0 &&
        isfinite(s->office_m2_min) && s->office_m2_min >= 0))
    return ec_error_set(
        err, EC_ERR_RANGE, f, 0, "standards",
        "coordinator_allowance_yuan_per_month and office_m2_min "
        "must be finite and >= 0");
  const char *dl[3] = {s->standards_deadline, s->database_deadline,
                       s->social_work_deadline};
  const char *dk[3] = {"standards.deadline", "standards.database_deadline",
                       "standards.social_work_deadline"};
  for (int i = 0; i < 3; i++)
    if (!ec_standards_date_valid(dl[i]))
      return ec_error_set(err, EC_ERR_PARSE, f, 0, dk[i],
                          "'%s' is not a YYYY-MM-DD date", dl[i]);
  if (s->as_of[0] && !ec_standards_date_valid(s->as_of))
    return ec_error_set(err, EC_ERR_PARSE, f, 0, "scenario.as_of",
                        "'%s' is not a YYYY-MM-DD date", s->as_of);
  return EC_OK;
}

int ec_standards_band(const ec_scenario *s, double p) {
  if (!isfinite(p) || p < 0) return EC_BAND_UNKNOWN;
  if (s->band_edges_inclusive) { /* 以下/以上 include the edge */
    if (p <= s->band_edge_low) return EC_BAND_LOW;
    if (p >= s->band_edge_high) return EC_BAND_HIGH;
    return EC_BAND_MID;
  }
  if (p < s->band_edge_low) return EC_BAND_LOW;
  if (p > s->band_edge_high) return EC_BAND_HIGH;
  return EC_BAND_MID;
}

void ec_standards_require(const ec_scenario *s, const ec_std_unit *u,
                          ec_std_requirement *q) {
  memset(q, 0, sizeof *q);
  q->band = ec_standards_band(s, u->population);
  q->social_workers = s->social_workers;
  q->stations = u->n_villages + u->n_communities;
  q->coordinators = q->stations; /* one per station */
  q->allowance_yuan_per_year =
      (double)q->coordinators * s->coordinator_allowance_yuan_per_month * 12.0;
  q->office_m2_min = s->office_m2_min;
  q->computers_min = s->computers_min;
  q->equipment_items = EC_STD_EQUIPMENT_ITEMS;
  q->training_days_per_person = s->training_days_min;
  if (q->band == EC_BAND_UNKNOWN) {
    q->staff = -1;
    q->budget_min_yuan = NAN;
    q->training_days_min = NAN;
  } else {
    q->staff = s->staff_min[q->band];
    q->budget_min_yuan = s->budget_min_yuan[q->band];
    q->training_days_min =
        (double)s->training_days_min * (double)(q->staff + q->coordinators);
  }
}

/* Verdict of "have >= need": 0 met, 1 not met; *short = need - have (>= 0). */
static int judge(double have, double need, double *shortfall) {
  /* amounts are yuan, m2, days: a relative tolerance keeps 0.1+0.2-style
   * rounding in a CSV from failing a rule met on paper */
  double tol = 1e-9 * fmax(1.0, fabs(need));
  if (have + tol >= need) {
    *shortfall = 0;
    return 0;
  }
  *shortfall = need - have;
  return 1;
}

/* Band-dependent rule with an unknown band: judged only when every band
 * gives the same verdict. Returns 0 met, 1 not met, -1 unknown. */
static int judge_any_band(double have, const double need[3]) {
  int met = 0, miss = 0;
  for (int b = 0; b < 3; b++) {
    double sh;
    if (judge(have, need[b], &sh))
      miss++;
    else
      met++;
  }
  return miss == 0 ? 0 : met == 0 ? 1 : -1;
}

void ec_standards_comply(const ec_scenario *s, const ec_std_requirement *q,
                         const ec_std_inventory *v, const char *as_of,
                         ec_std_compliance *c) {
  memset(c, 0, sizeof *c);
  if (!v || !v->reported) {
    for (int r = 0; r < EC_NRULES; r++) {
      c->status[r] = EC_STD_NOT_REPORTED;
      c->shortfall[r] = NAN;
    }
    return;
  }
  int verdict[EC_NRULES]; /* 0 met, 1 not met, -1 unknown */
  double *sh = c->shortfall;

  if (q->band == EC_BAND_UNKNOWN) {
    double need[3] = {s->staff_min[0], s->staff_min[1], s->staff_min[2]};
    verdict[EC_RULE_STAFF] = judge_any_band((double)v->staff, need);
    sh[EC_RULE_STAFF] = NAN;
    verdict[EC_RULE_BUDGET] =
        judge_any_band(v->budget_yuan, s->budget_min_yuan);
    sh[EC_RULE_BUDGET] = NAN;
  } else {
    verdict[EC_RULE_STAFF] =
        judge((double)v->staff, q->staff, &sh[EC_RULE_STAFF]);
    verdict[EC_RULE_BUDGET] =
        judge(v->budget_yuan, q->budget_min_yuan, &sh[EC_RULE_BUDGET]);
  }
  verdict[EC_RULE_SOCIAL_WORKERS] =
      judge((double)v->social_workers, q->social_workers,
            &sh[EC_RULE_SOCIAL_WORKERS]);
  verdict[EC_RULE_STATIONS] =
      judge((double)v->stations, q->stations, &sh[EC_RULE_STATIONS]);
  verdict[EC_RULE_COORDINATORS] = judge(
      (double)v->coordinators, q->coordinators, &sh[EC_RULE_COORDINATORS]);
  verdict[EC_RULE_ALLOWANCE] =
      judge(v->allowance_yuan_per_year, q->allowance_yuan_per_year,
            &sh[EC_RULE_ALLOWANCE]);
  verdict[EC_RULE_OFFICE] =
      judge(v->office_m2, q->office_m2_min, &sh[EC_RULE_OFFICE]);

  int missing = 0;
  for (int i = 0; i < EC_STD_EQUIPMENT_ITEMS; i++) {
    long need = i == EC_EQ_COMPUTERS ? q->computers_min : 1;
    if (need > 0 && v->equipment[i] < need) {
      c->missing_items |= 1u << i;
      missing++;
    }
  }
  if (v->equipment[EC_EQ_COMPUTERS] < q->computers_min)
    c->computers_short = q->computers_min - (int)v->equipment[EC_EQ_COMPUTERS];
  verdict[EC_RULE_EQUIPMENT] = missing > 0;
  sh[EC_RULE_EQUIPMENT] = missing;

  verdict[EC_RULE_SERVICE_WINDOW] =
      judge(v->service_window, 1, &sh[EC_RULE_SERVICE_WINDOW]);
  verdict[EC_RULE_DATABASE] =
      judge(v->database_linked, 1, &sh[EC_RULE_DATABASE]);
  verdict[EC_RULE_SOCIAL_WORK] =
      judge(v->social_work_purchased, 1, &sh[EC_RULE_SOCIAL_WORK]);

  /* 7 days for every person in post: township staff and village coordinators
   * (二(六) "乡、村级民政工作人员 ... 人均培训时间每年不少于7天"). Counted on
   * the persons actually in post, so it is known for every unit. */
  double trained = (double)(v->staff + v->coordinators);
  verdict[EC_RULE_TRAINING] =
      judge(v->training_days, trained * q->training_days_per_person,
            &sh[EC_RULE_TRAINING]);

  for (int r = 0; r < EC_NRULES; r++) {
    int st;
    if (verdict[r] == 0)
      st = EC_STD_MET;
    else if (verdict[r] < 0)
      st = EC_STD_UNKNOWN;
    else if (as_of && as_of[0] &&
             strcmp(ec_standards_rule_deadline(s, r), as_of) > 0)
      st = EC_STD_NOT_YET_DUE; /* ISO dates compare as strings */
    else
      st = EC_STD_NOT_MET;
    c->status[r] = st;
    switch (st) {
    case EC_STD_MET:
      c->rules_met++;
      break;
    case EC_STD_NOT_MET:
      c->rules_not_met++;
      break;
    case EC_STD_NOT_YET_DUE:
      c->rules_not_yet_due++;
      break;
    default:
      c->rules_unknown++;
      break;
    }
  }
}

/* ---- the city
 * ------------------------------------------------------------------ */

void ec_standards_result_free(ec_std_result *r) {
  if (!r) return;
  free(r->units);
  free(r->req);
  free(r->inv);
  free(r->comp);
  free(r);
}

int ec_standards_evaluate(const ec_scenario *s, const ec_std_unit *units, int n,
                          const ec_std_inventory *inventory, const char *as_of,
                          ec_std_result **out, ec_error *err) {
  *out = NULL;
  int rc = ec_standards_check(s, err);
  if (rc) return rc;
  if (n < 0 || (n > 0 && !units))
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "no units given");
  if (!as_of) as_of = "";
  if (as_of[0] && !ec_standards_date_valid(as_of))
    return ec_error_set(err, EC_ERR_PARSE, NULL, 0, "as_of",
                        "'%s' is not a YYYY-MM-DD date", as_of);
  ec_std_result *r = calloc(1, sizeof *r);
  if (!r)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  size_t m = n > 0 ? (size_t)n : 1;
  r->n = n;
  snprintf(r->as_of, sizeof r->as_of, "%s", as_of);
  for (int b = 0; b < 3; b++) {
    r->staff_min[b] = s->staff_min[b];
    r->budget_min_yuan[b] = s->budget_min_yuan[b];
  }
  r->training_days_min = s->training_days_min;
  r->units = calloc(m, sizeof *r->units);
  r->req = calloc(m, sizeof *r->req);
  if (inventory) {
    r->has_inventory = 1;
    r->inv = calloc(m, sizeof *r->inv);
    r->comp = calloc(m, sizeof *r->comp);
  }
  if (!r->units || !r->req || (inventory && (!r->inv || !r->comp))) {
    ec_standards_result_free(r);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  for (int i = 0; i < n; i++) {
    if (units[i].n_villages < 0 || units[i].n_communities < 0) {
      int bad = units[i].n_villages < 0;
      ec_standards_result_free(r);
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0,
                          bad ? "n_villages" : "n_communities",
                          "unit %s has a negative count", units[i].code);
    }
    r->units[i] = units[i];
    ec_standards_require(s, &units[i], &r->req[i]);
    if (inventory) {
      r->inv[i] = inventory[i];
      ec_standards_comply(s, &r->req[i], &inventory[i], as_of, &r->comp[i]);
    }
  }
  *out = r;
  return EC_OK;
}

int ec_standards_result_n(const ec_std_result *r) { return r->n; }
int ec_standards_result_has_inventory(const ec_std_result *r) {
  return r->has_inventory;
}
const char *ec_standards_result_as_of(const ec_std_result *r) {
  return r->as_of;
}
const ec_std_unit *ec_standards_result_unit(const ec_std_result *r, int i) {
  return i >= 0 && i < r->n ? &r->units[i] : NULL;
}
const ec_std_requirement *
ec_standards_result_requirement(const ec_std_result *r, int i) {
  return i >= 0 && i < r->n ? &r->req[i] : NULL;
}
const ec_std_compliance *ec_standards_result_compliance(const ec_std_result *r,
                                                        int i) {
  return r->comp && i >= 0 && i < r->n ? &r->comp[i] : NULL;
}
const ec_std_inventory *ec_standards_result_inventory(const ec_std_result *r,
                                                      int i) {
  return r->inv && i >= 0 && i < r->n ? &r->inv[i] : NULL;
}

static int compliant(const ec_std_inventory *v, const ec_std_compliance *c) {
  return v->reported && c->rules_not_met == 0 && c->rules_unknown == 0;
}

void ec_standards_result_totals(const ec_std_result *r, ec_std_totals *t) {
  memset(t, 0, sizeof *t);
  t->units = r->n;
  for (int i = 0; i < r->n; i++) {
    const ec_std_requirement *q = &r->req[i];
    t->social_workers += q->social_workers;
    t->stations += q->stations;
    t->coordinators += q->coordinators;
    t->allowance_yuan_per_year += q->allowance_yuan_per_year;
    t->office_m2_min += q->office_m2_min;
    t->computers_min += q->computers_min;
    t->equipment_items += q->equipment_items;
    if (q->band == EC_BAND_UNKNOWN) {
      t->units_band_unknown++;
      /* bounds: the unit in its least / most demanding band */
      double slo = INFINITY, shi = -INFINITY, blo = INFINITY, bhi = -INFINITY;
      for (int b = 0; b < 3; b++) {
        slo = fmin(slo, r->staff_min[b]);
        shi = fmax(shi, r->staff_min[b]);
        blo = fmin(blo, r->budget_min_yuan[b]);
        bhi = fmax(bhi, r->budget_min_yuan[b]);
      }
      t->staff_lo += (long)slo;
      t->staff_hi += (long)shi;
      t->budget_lo += blo;
      t->budget_hi += bhi;
      t->training_lo += (double)r->training_days_min * (slo + q->coordinators);
      t->training_hi += (double)r->training_days_min * (shi + q->coordinators);
    } else {
      t->band_count[q->band]++;
      t->staff += q->staff;
      t->budget_min_yuan += q->budget_min_yuan;
      t->training_days_min += q->training_days_min;
      t->staff_lo += q->staff;
      t->staff_hi += q->staff;
      t->budget_lo += q->budget_min_yuan;
      t->budget_hi += q->budget_min_yuan;
      t->training_lo += q->training_days_min;
      t->training_hi += q->training_days_min;
    }
    if (r->comp) {
      const ec_std_compliance *c = &r->comp[i];
      if (compliant(&r->inv[i], c)) t->units_compliant++;
      for (int k = 0; k < EC_NRULES; k++) {
        switch (c->status[k]) {
        case EC_STD_MET:
          t->met[k]++;
          break;
        case EC_STD_NOT_MET:
          t->not_met[k]++;
          break;
        case EC_STD_NOT_YET_DUE:
          t->not_yet_due[k]++;
          break;
        case EC_STD_UNKNOWN:
          t->unknown[k]++;
          break;
        default:
          t->not_reported[k]++;
          break;
        }
        if (isfinite(c->shortfall[k])) t->shortfall[k] += c->shortfall[k];
      }
    }
  }
}

/* ---- the flat table --------------------------------------------------------
 */

static const char *const status_flags =
    "met not_met not_yet_due unknown not_reported";

#define NREQ_COLS 12
#define NINV_COLS (8 + EC_STD_EQUIPMENT_ITEMS + 4)
#define NRULE_COLS (2 * EC_NRULES)
#define NTAIL_COLS 3

static const ec_std_column req_cols[NREQ_COLS] = {
    {"band", "1", "population band of the staff/budget rules (二(一), 二(三))",
     2, "unknown low mid high"},
    {"population", "persons", "population used for the band", 0, NULL},
    {"staff_required", "persons", "full-time civil-affairs staff, minimum", 0,
     NULL},
    {"social_workers_required", "persons",
     "government-purchased social-worker posts", 0, NULL},
    {"stations_required", "stations",
     "civil-affairs service stations (one per village and community)", 0, NULL},
    {"coordinators_required", "persons",
     "part-time coordinators (one per station)", 0, NULL},
    {"coordinator_allowance_yuan_per_year", "yuan/year",
     "coordinators' allowance, all coordinators", 0, NULL},
    {"budget_min_yuan", "yuan/year", "annual working budget, minimum", 0, NULL},
    {"office_m2_min", "m2", "office floor area, minimum", 0, NULL},
    {"computers_min", "computers", "computers, minimum", 0, NULL},
    {"equipment_items", "items", "equipment items required (ten haves)", 0,
     NULL},
    {"training_days_min", "person-days/year",
     "training, 7 days a person for staff and coordinators", 0, NULL},
};

static const ec_std_column inv_cols[NINV_COLS] = {
    {"inventory_reported", "1", "1 if the inventory has a row for the unit", 0,
     NULL},
    {"inventory_staff", "persons", "full-time staff in post", 0, NULL},
    {"inventory_social_workers", "persons", "social-worker posts filled", 0,
     NULL},
    {"inventory_stations", "stations", "stations with the five haves", 0, NULL},
    {"inventory_coordinators", "persons", "coordinators appointed", 0, NULL},
    {"inventory_coordinator_allowance_yuan_per_year", "yuan/year",
     "coordinators' allowance paid", 0, NULL},
    {"inventory_budget_yuan", "yuan/year", "working budget", 0, NULL},
    {"inventory_office_m2", "m2", "office floor area", 0, NULL},
    {"inventory_telephone", "items", "telephones", 0, NULL},
    {"inventory_computers", "computers", "computers", 0, NULL},
    {"inventory_printer", "items", "printers", 0, NULL},
    {"inventory_copier", "items", "copiers", 0, NULL},
    {"inventory_fax", "items", "fax machines", 0, NULL},
    {"inventory_desks_chairs", "items", "desks and chairs", 0, NULL},
    {"inventory_document_camera", "items", "document cameras", 0, NULL},
    {"inventory_video_equipment", "items", "video recording equipment", 0,
     NULL},
    {"inventory_filing_cabinets", "items", "filing cabinets", 0, NULL},
    {"inventory_relief_vehicle", "items", "relief vehicles", 0, NULL},
    {"inventory_training_days", "person-days/year", "training given", 0, NULL},
    {"inventory_service_window", "1", "service window in the hall (0/1)", 0,
     NULL},
    {"inventory_database_linked", "1", "livelihood database linked (0/1)", 0,
     NULL},
    {"inventory_social_work_purchased", "1",
     "social-work services purchased (0/1)", 0, NULL},
};

static const ec_std_column tail_cols[NTAIL_COLS] = {
    {"missing_items", "1",
     "bit mask of missing equipment items (bit i = item i)", 3, NULL},
    {"computers_short", "computers", "computers below the minimum", 0, NULL},
    {"compliant", "1", "1 if every due rule is met", 0, NULL},
};

/* The per-rule columns' names (static: no formatting at run time). */
static const struct {
  const char *status, *shortfall, *long_name;
} rule_cols[EC_NRULES] = {
    {"staff_status", "staff_shortfall", "rule staff (二(一))"},
    {"social_workers_status", "social_workers_shortfall",
     "rule social_workers (二(一))"},
    {"stations_status", "stations_shortfall", "rule stations (二(一))"},
    {"coordinators_status", "coordinators_shortfall",
     "rule coordinators (二(一))"},
    {"coordinator_allowance_status", "coordinator_allowance_shortfall",
     "rule coordinator_allowance (二(一))"},
    {"office_status", "office_shortfall", "rule office (二(二))"},
    {"equipment_status", "equipment_shortfall", "rule equipment (二(二))"},
    {"budget_status", "budget_shortfall", "rule budget (二(三))"},
    {"service_window_status", "service_window_shortfall",
     "rule service_window (二(四))"},
    {"database_status", "database_shortfall", "rule database (二(五))"},
    {"training_status", "training_shortfall", "rule training (二(六))"},
    {"social_work_status", "social_work_shortfall",
     "rule social_work (二(七))"},
};
static void rule_column(int k, ec_std_column *info) {
  int rule = k / 2, is_short = k % 2;
  info->name = is_short ? rule_cols[rule].shortfall : rule_cols[rule].status;
  info->long_name = rule_cols[rule].long_name;
  info->units = is_short ? rules[rule].units : "1";
  info->kind = is_short ? 0 : 1;
  info->flag_meanings = is_short ? NULL : status_flags;
}

int ec_standards_ncolumns(const ec_std_result *r) {
  return NREQ_COLS +
         (r->has_inventory ? NINV_COLS + NRULE_COLS + NTAIL_COLS : 0);
}

static double count_or_nan(long v) { return v < 0 ? NAN : (double)v; }

static double req_value(const ec_std_result *r, int c, int i) {
  const ec_std_requirement *q = &r->req[i];
  switch (c) {
  case 0:
    return q->band;
  case 1:
    return r->units[i].population;
  case 2:
    return count_or_nan(q->staff);
  case 3:
    return q->social_workers;
  case 4:
    return q->stations;
  case 5:
    return q->coordinators;
  case 6:
    return q->allowance_yuan_per_year;
  case 7:
    return q->budget_min_yuan;
  case 8:
    return q->office_m2_min;
  case 9:
    return q->computers_min;
  case 10:
    return q->equipment_items;
  default:
    return q->training_days_min;
  }
}

static double inv_value(const ec_std_result *r, int c, int i) {
  const ec_std_inventory *v = &r->inv[i];
  if (c == 0) return v->reported;
  if (!v->reported) return NAN;
  switch (c) {
  case 1:
    return (double)v->staff;
  case 2:
    return (double)v->social_workers;
  case 3:
    return (double)v->stations;
  case 4:
    return (double)v->coordinators;
  case 5:
    return v->allowance_yuan_per_year;
  case 6:
    return v->budget_yuan;
  case 7:
    return v->office_m2;
  default:
    break;
  }
  if (c < 8 + EC_STD_EQUIPMENT_ITEMS) return (double)v->equipment[c - 8];
  switch (c - 8 - EC_STD_EQUIPMENT_ITEMS) {
  case 0:
    return v->training_days;
  case 1:
    return v->service_window;
  case 2:
    return v->database_linked;
  default:
    return v->social_work_purchased;
  }
}

int ec_standards_column(const ec_std_result *r, int c, ec_std_column *info,
                        double *values) {
  if (c < 0 || c >= ec_standards_ncolumns(r))
    return ec_error_set(NULL, EC_ERR_RANGE, NULL, 0, NULL, "no column");
  ec_std_column tmp;
  if (!info) info = &tmp;
  if (c < NREQ_COLS) {
    *info = req_cols[c];
    if (values)
      for (int i = 0; i < r->n; i++)
        values[i] = req_value(r, c, i);
    return EC_OK;
  }
  c -= NREQ_COLS;
  if (c < NINV_COLS) {
    *info = inv_cols[c];
    if (values)
      for (int i = 0; i < r->n; i++)
        values[i] = inv_value(r, c, i);
    return EC_OK;
  }
  c -= NINV_COLS;
  if (c < NRULE_COLS) {
    rule_column(c, info);
    if (values)
      for (int i = 0; i < r->n; i++)
        values[i] = c % 2 ? r->comp[i].shortfall[c / 2]
                          : (double)r->comp[i].status[c / 2];
    return EC_OK;
  }
  c -= NRULE_COLS;
  *info = tail_cols[c];
  if (values)
    for (int i = 0; i < r->n; i++) {
      const ec_std_compliance *k = &r->comp[i];
      values[i] = c == 0   ? (double)k->missing_items
                  : c == 1 ? (double)k->computers_short
                           : (double)compliant(&r->inv[i], k);
    }
  return EC_OK;
}
