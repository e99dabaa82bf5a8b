/* standards_io.c — the unit list and inventory CSVs of the standards module,
 * and its JSON form (see ec_standards.h). */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_csv.h"
#include "eldercap/ec_standards.h"

/* Copy a text cell into a fixed buffer; too long is an error, not a cut. */
static int text_cell(const ec_csv *c, int col, char *dst, size_t size,
                     int required, ec_error *err) {
  const char *v = col >= 0 ? ec_csv_field(c, col) : "";
  if (required && !v[0])
    return ec_error_set(err, EC_ERR_MISSING, ec_csv_path(c), ec_csv_line(c),
                        ec_csv_colname(c, col), "empty value");
  if (strlen(v) >= size)
    return ec_error_set(err, EC_ERR_RANGE, ec_csv_path(c), ec_csv_line(c),
                        ec_csv_colname(c, col),
                        "'%.40s...' is longer than %zu bytes", v, size - 1);
  memcpy(dst, v, strlen(v) + 1);
  return EC_OK;
}

/* A non-negative integer cell (persons, items, counts). */
static int count_cell(const ec_csv *c, int col, long max, long *out,
                      ec_error *err) {
  int rc = ec_csv_long(c, col, out, err);
  if (rc) return rc;
  if (*out < 0 || *out > max)
    return ec_error_set(err, EC_ERR_RANGE, ec_csv_path(c), ec_csv_line(c),
                        ec_csv_colname(c, col), "%ld is outside 0..%ld", *out,
                        max);
  return EC_OK;
}

/* A non-negative finite amount (yuan, m2, days); NaN/inf/"" are rejected by
 * ec_csv_double. */
static int amount_cell(const ec_csv *c, int col, double *out, ec_error *err) {
  int rc = ec_csv_double(c, col, out, err);
  if (rc) return rc;
  if (*out < 0)
    return ec_error_set(err, EC_ERR_RANGE, ec_csv_path(c), ec_csv_line(c),
                        ec_csv_colname(c, col), "%g is negative", *out);
  return EC_OK;
}

static int flag_cell(const ec_csv *c, int col, int *out, ec_error *err) {
  const char *v = ec_csv_field(c, col);
  if (!strcmp(v, "0") || !strcmp(v, "1")) {
    *out = v[0] == '1';
    return EC_OK;
  }
  return ec_error_set(err, EC_ERR_PARSE, ec_csv_path(c), ec_csv_line(c),
                      ec_csv_colname(c, col), "'%.40s' is not 0 or 1", v);
}

int ec_standards_units_read(const char *path, ec_std_unit **units, int *n,
                            ec_error *err) {
  *units = NULL;
  *n = 0;
  ec_csv *c = NULL;
  int rc = ec_csv_open(path, &c, err);
  if (rc) return rc;
  int col_code, col_name, col_pop, col_v, col_c;
  if ((rc = ec_csv_require(c, "code", &col_code, err)) ||
      (rc = ec_csv_require(c, "name_zh", &col_name, err)) ||
      (rc = ec_csv_require(c, "population", &col_pop, err)) ||
      (rc = ec_csv_require(c, "n_villages", &col_v, err)) ||
      (rc = ec_csv_require(c, "n_communities", &col_c, err))) {
    ec_csv_free(c);
    return rc;
  }
  int col_py = ec_csv_col(c, "name_pinyin"),
      col_type = ec_csv_col(c, "unit_type"),
      col_year = ec_csv_col(c, "population_year");
  ec_std_unit *u = NULL;
  long *lines = NULL;
  int cap = 0, m = 0;
  while ((rc = ec_csv_next(c, err)) == 1) {
    if (m == cap) {
      int nc = cap ? 2 * cap : 32;
      ec_std_unit *nu = realloc(u, (size_t)nc * sizeof *u);
      if (!nu) {
        rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
        break;
      }
      u = nu;
      long *nl = realloc(lines, (size_t)nc * sizeof *lines);
      if (!nl) {
        rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
        break;
      }
      lines = nl;
      cap = nc;
    }
    ec_std_unit *x = &u[m];
    memset(x, 0, sizeof *x);
    long nv = 0, ncom = 0;
    if ((rc = text_cell(c, col_code, x->code, sizeof x->code, 1, err)) ||
        (rc = text_cell(c, col_name, x->name_zh, sizeof x->name_zh, 1, err)) ||
        (rc = text_cell(c, col_py, x->name_pinyin, sizeof x->name_pinyin, 0,
                        err)) ||
        (rc = text_cell(c, col_type, x->unit_type, sizeof x->unit_type, 0,
                        err)) ||
        (rc = text_cell(c, col_year, x->population_year,
                        sizeof x->population_year, 0, err)) ||
        (rc = count_cell(c, col_v, INT_MAX / 4, &nv, err)) ||
        (rc = count_cell(c, col_c, INT_MAX / 4, &ncom, err)))
      break;
    x->n_villages = (int)nv;
    x->n_communities = (int)ncom;
    if (!ec_csv_field(c, col_pop)[0]) {
      x->population = NAN; /* unknown: band "unknown", never guessed */
    } else if ((rc = amount_cell(c, col_pop, &x->population, err))) {
      break;
    }
    for (int j = 0; j < m; j++)
      if (!strcmp(u[j].code, x->code)) {
        rc = ec_error_set(err, EC_ERR_INVALID, path, ec_csv_line(c), "code",
                          "duplicate code %s (first on line %ld)", x->code,
                          lines[j]);
        break;
      }
    if (rc) break;
    lines[m] = ec_csv_line(c);
    m++;
  }
  ec_csv_free(c);
  free(lines);
  if (rc == 0 && m == 0)
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, NULL, "no units listed");
  if (rc < 0 || (rc == 0 && m == 0)) {
    free(u);
    return rc;
  }
  *units = u;
  *n = m;
  return EC_OK;
}

/* Inventory columns in file order of the documentation. */
enum {
  IC_CODE,
  IC_STAFF,
  IC_SW,
  IC_STATIONS,
  IC_COORD,
  IC_ALLOW,
  IC_BUDGET,
  IC_OFFICE,
  IC_EQ0,
  IC_TRAIN = IC_EQ0 + EC_STD_EQUIPMENT_ITEMS,
  IC_WINDOW,
  IC_DB,
  IC_SOCWORK,
  IC_N
};
static const char *const inv_names[IC_N] = {
    "code",
    "staff",
    "social_workers",
    "stations",
    "coordinators",
    "coordinator_allowance_yuan_per_year",
    "budget_yuan",
    "office_m2",
    "telephone",
    "computers",
    "printer",
    "copier",
    "fax",
    "desks_chairs",
    "document_camera",
    "video_equipment",
    "filing_cabinets",
    "relief_vehicle",
    "training_days",
    "service_window",
    "database_linked",
    "social_work_purchased"};

static int inventory_row(const ec_csv *c, const int *col, ec_std_inventory *v,
                         ec_error *err) {
  const long maxn = 1000000000L;
  int rc;
  if ((rc = count_cell(c, col[IC_STAFF], maxn, &v->staff, err)) ||
      (rc = count_cell(c, col[IC_SW], maxn, &v->social_workers, err)) ||
      (rc = count_cell(c, col[IC_STATIONS], maxn, &v->stations, err)) ||
      (rc = count_cell(c, col[IC_COORD], maxn, &v->coordinators, err)) ||
      (rc = amount_cell(c, col[IC_ALLOW], &v->allowance_yuan_per_year, err)) ||
      (rc = amount_cell(c, col[IC_BUDGET], &v->budget_yuan, err)) ||
      (rc = amount_cell(c, col[IC_OFFICE], &v->office_m2, err)))
    return rc;
  for (int i = 0; i < EC_STD_EQUIPMENT_ITEMS; i++)
    if ((rc = count_cell(c, col[IC_EQ0 + i], maxn, &v->equipment[i], err)))
      return rc;
  if ((rc = amount_cell(c, col[IC_TRAIN], &v->training_days, err)) ||
      (rc = flag_cell(c, col[IC_WINDOW], &v->service_window, err)) ||
      (rc = flag_cell(c, col[IC_DB], &v->database_linked, err)) ||
      (rc = flag_cell(c, col[IC_SOCWORK], &v->social_work_purchased, err)))
    return rc;
  return EC_OK;
}

int ec_standards_inventory_read(const char *path, const ec_std_unit *units,
                                int n, ec_std_inventory **inventory,
                                ec_error *err) {
  *inventory = NULL;
  ec_csv *c = NULL;
  int rc = ec_csv_open(path, &c, err);
  if (rc) return rc;
  int col[IC_N];
  for (int k = 0; k < IC_N; k++)
    if ((rc = ec_csv_require(c, inv_names[k], &col[k], err))) {
      ec_csv_free(c);
      return rc;
    }
  ec_std_inventory *inv = calloc(n > 0 ? (size_t)n : 1, sizeof *inv);
  if (!inv) {
    ec_csv_free(c);
    return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
  }
  while ((rc = ec_csv_next(c, err)) == 1) {
    const char *code = ec_csv_field(c, col[IC_CODE]);
    int k = -1;
    for (int i = 0; i < n; i++)
      if (!strcmp(units[i].code, code)) {
        k = i;
        break;
      }
    if (k < 0) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, ec_csv_line(c), "code",
                        "unknown unit code '%.40s' (not in the unit list)",
                        code);
      break;
    }
    if (inv[k].reported) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, ec_csv_line(c), "code",
                        "duplicate code %s (first on line %ld)", code,
                        inv[k].line);
      break;
    }
    if ((rc = inventory_row(c, col, &inv[k], err))) break;
    inv[k].reported = 1;
    inv[k].line = ec_csv_line(c);
  }
  ec_csv_free(c);
  if (rc < 0) {
    free(inv);
    return rc;
  }
  *inventory = inv;
  return EC_OK;
}

/* ---- JSON -------------------------------------------------------------------
 */

static int add_num(cJSON *o, const char *k, double v) {
  cJSON *x = isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
  return x && cJSON_AddItemToObject(o, k, x);
}
static int add_count(cJSON *o, const char *k, long v) {
  return add_num(o, k, v < 0 ? NAN : (double)v);
}
static int add_str(cJSON *o, const char *k, const char *v) {
  return cJSON_AddStringToObject(o, k, v) != NULL;
}

/* The requirement keys, shared by a township and the totals. */
static int requirement_json(cJSON *o, const ec_std_requirement *q) {
  return add_count(o, "staff_required", q->staff) &&
         add_count(o, "social_workers_required", q->social_workers) &&
         add_count(o, "stations_required", q->stations) &&
         add_count(o, "coordinators_required", q->coordinators) &&
         add_num(o, "coordinator_allowance_yuan_per_year",
                 q->allowance_yuan_per_year) &&
         add_num(o, "budget_min_yuan", q->budget_min_yuan) &&
         add_num(o, "office_m2_min", q->office_m2_min) &&
         add_count(o, "computers_min", q->computers_min) &&
         add_count(o, "equipment_items", q->equipment_items) &&
         add_count(o, "training_days_per_person_min",
                   q->training_days_per_person) &&
         add_num(o, "training_days_min", q->training_days_min);
}

static int inventory_json(cJSON *o, const ec_std_inventory *v) {
  if (!v->reported) return cJSON_AddNullToObject(o, "inventory") != NULL;
  cJSON *x = cJSON_AddObjectToObject(o, "inventory");
  if (!x) return 0;
  int ok = add_count(x, "staff", v->staff) &&
           add_count(x, "social_workers", v->social_workers) &&
           add_count(x, "stations", v->stations) &&
           add_count(x, "coordinators", v->coordinators) &&
           add_num(x, "coordinator_allowance_yuan_per_year",
                   v->allowance_yuan_per_year) &&
           add_num(x, "budget_yuan", v->budget_yuan) &&
           add_num(x, "office_m2", v->office_m2);
  for (int i = 0; ok && i < EC_STD_EQUIPMENT_ITEMS; i++)
    ok = add_count(x, ec_standards_item_name(i), v->equipment[i]);
  return ok && add_num(x, "training_days", v->training_days) &&
         add_count(x, "service_window", v->service_window) &&
         add_count(x, "database_linked", v->database_linked) &&
         add_count(x, "social_work_purchased", v->social_work_purchased);
}

static int compliance_json(cJSON *o, const ec_scenario *s,
                           const ec_std_inventory *v,
                           const ec_std_compliance *c) {
  cJSON *x = cJSON_AddObjectToObject(o, "compliance");
  if (!x) return 0;
  for (int r = 0; r < EC_NRULES; r++) {
    cJSON *y = cJSON_AddObjectToObject(x, ec_standards_rule_name(r));
    if (!y || !add_str(y, "status", ec_standards_status_name(c->status[r])) ||
        !add_num(y, "shortfall", c->shortfall[r]) ||
        !add_str(y, "units", ec_standards_rule_units(r)) ||
        !add_str(y, "deadline", ec_standards_rule_deadline(s, r)))
      return 0;
  }
  cJSON *m = cJSON_AddArrayToObject(o, "missing_items");
  if (!m) return 0;
  for (int i = 0; i < EC_STD_EQUIPMENT_ITEMS; i++)
    if (c->missing_items & (1u << i)) {
      cJSON *n = cJSON_CreateString(ec_standards_item_name(i));
      if (!n || !cJSON_AddItemToArray(m, n)) return 0;
    }
  return add_count(o, "computers_short", c->computers_short) &&
         add_count(o, "rules_met", c->rules_met) &&
         add_count(o, "rules_not_met", c->rules_not_met) &&
         add_count(o, "rules_not_yet_due", c->rules_not_yet_due) &&
         add_count(o, "rules_unknown", c->rules_unknown) &&
         cJSON_AddBoolToObject(o, "compliant",
                               v->reported && c->rules_not_met == 0 &&
                                   c->rules_unknown == 0) != NULL;
}

static int range_json(cJSON *o, const char *k, double lo, double hi) {
  cJSON *a = cJSON_AddArrayToObject(o, k);
  if (!a) return 0;
  cJSON *x = cJSON_CreateNumber(lo), *y = cJSON_CreateNumber(hi);
  if (!x || !cJSON_AddItemToArray(a, x)) {
    cJSON_Delete(x);
    cJSON_Delete(y);
    return 0;
  }
  if (!y || !cJSON_AddItemToArray(a, y)) {
    cJSON_Delete(y);
    return 0;
  }
  return 1;
}

static int totals_json(cJSON *root, const ec_std_result *r) {
  ec_std_totals t;
  ec_standards_result_totals(r, &t);
  cJSON *o = cJSON_AddObjectToObject(root, "totals");
  if (!o) return 0;
  int ok =
      add_count(o, "units", t.units) &&
      add_count(o, "units_band_unknown", t.units_band_unknown) &&
      add_count(o, "units_band_low", t.band_count[0]) &&
      add_count(o, "units_band_mid", t.band_count[1]) &&
      add_count(o, "units_band_high", t.band_count[2]) &&
      add_count(o, "staff_required", t.staff) &&
      add_count(o, "social_workers_required", t.social_workers) &&
      add_count(o, "stations_required", t.stations) &&
      add_count(o, "coordinators_required", t.coordinators) &&
      add_num(o, "coordinator_allowance_yuan_per_year",
              t.allowance_yuan_per_year) &&
      add_num(o, "budget_min_yuan", t.budget_min_yuan) &&
      add_num(o, "office_m2_min", t.office_m2_min) &&
      add_count(o, "computers_min", t.computers_min) &&
      add_count(o, "equipment_items", t.equipment_items) &&
      add_num(o, "training_days_min", t.training_days_min) &&
      range_json(o, "staff_required_range", (double)t.staff_lo,
                 (double)t.staff_hi) &&
      range_json(o, "budget_min_yuan_range", t.budget_lo, t.budget_hi) &&
      range_json(o, "training_days_min_range", t.training_lo, t.training_hi);
  if (!ok || !ec_standards_result_has_inventory(r)) return ok;
  if (!add_count(o, "units_compliant", t.units_compliant)) return 0;
  cJSON *x = cJSON_AddObjectToObject(o, "compliance");
  if (!x) return 0;
  for (int k = 0; k < EC_NRULES; k++) {
    cJSON *y = cJSON_AddObjectToObject(x, ec_standards_rule_name(k));
    if (!y || !add_count(y, "met", t.met[k]) ||
        !add_count(y, "not_met", t.not_met[k]) ||
        !add_count(y, "not_yet_due", t.not_yet_due[k]) ||
        !add_count(y, "unknown", t.unknown[k]) ||
        !add_count(y, "not_reported", t.not_reported[k]) ||
        !add_num(y, "shortfall", t.shortfall[k]) ||
        !add_str(y, "units", ec_standards_rule_units(k)))
      return 0;
  }
  return 1;
}

cJSON *ec_standards_json(const ec_scenario *s, const ec_std_result *r) {
  cJSON *root = cJSON_CreateObject();
  if (!root) return NULL;
  const char *as_of = ec_standards_result_as_of(r);
  int ok = (as_of[0] ? add_str(root, "as_of", as_of)
                     : cJSON_AddNullToObject(root, "as_of") != NULL) &&
           cJSON_AddBoolToObject(root, "band_edges_inclusive",
                                 s->band_edges_inclusive) != NULL &&
           add_num(root, "band_edge_low", s->band_edge_low) &&
           add_num(root, "band_edge_high", s->band_edge_high);
  cJSON *rl = ok ? cJSON_AddArrayToObject(root, "rules") : NULL;
  ok = rl != NULL;
  for (int k = 0; ok && k < EC_NRULES; k++) {
    cJSON *y = cJSON_CreateObject();
    ok = y && cJSON_AddItemToArray(rl, y);
    if (!ok) {
      cJSON_Delete(y);
      break;
    }
    ok = add_str(y, "name", ec_standards_rule_name(k)) &&
         add_str(y, "clause", ec_standards_rule_clause(k)) &&
         add_str(y, "deadline", ec_standards_rule_deadline(s, k)) &&
         add_str(y, "units", ec_standards_rule_units(k));
  }
  cJSON *arr = ok ? cJSON_AddArrayToObject(root, "townships") : NULL;
  ok = arr != NULL;
  int n = ec_standards_result_n(r);
  for (int i = 0; ok && i < n; i++) {
    const ec_std_unit *u = ec_standards_result_unit(r, i);
    const ec_std_requirement *q = ec_standards_result_requirement(r, i);
    cJSON *o = cJSON_CreateObject();
    ok = o && cJSON_AddItemToArray(arr, o);
    if (!ok) {
      cJSON_Delete(o);
      break;
    }
    ok = add_str(o, "code", u->code) && add_str(o, "name", u->name_zh) &&
         add_str(o, "name_pinyin", u->name_pinyin) &&
         add_str(o, "unit_type", u->unit_type) &&
         add_num(o, "population", u->population) &&
         add_str(o, "population_year", u->population_year) &&
         add_str(o, "band", ec_standards_band_name(q->band)) &&
         requirement_json(o, q);
    if (ok && ec_standards_result_has_inventory(r))
      ok = inventory_json(o, ec_standards_result_inventory(r, i)) &&
           compliance_json(o, s, ec_standards_result_inventory(r, i),
                           ec_standards_result_compliance(r, i));
  }
  if (ok) ok = totals_json(root, r);
  if (!ok) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}
