/* scenario.c — scenario INI files (inih) over the policy defaults.
 *
 * inih is driven through ini_parse_stream with our own line reader, which
 * counts lines (Debian's inih passes no line number to the handler), rejects
 * lines inih would split (>= INI_MAX_LINE bytes) and keeps the full text for
 * provenance. Every key is declared once in the schema table below.          */
#include "eldercap/ec_scenario.h"

#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eldercap/ec_csv.h"

typedef enum {
  T_INT, T_ULONG, T_DOUBLE, T_TEXT, T_PATH, T_BOOL, T_ENUM, T_DATE,
  T_QUANTILES, T_YEARS, T_INT3, T_DOUBLE3
} ktype;

typedef struct {
  const char *section;
  const char *key;
  ktype type;
  size_t off;
  size_t size;       /* bytes for text/path/date */
  double min, max;   /* numeric range (inclusive) */
  const char *enums; /* "a|b|c" for T_ENUM (value = index) */
} kdef;

#define F(field) offsetof(ec_scenario, field), sizeof(((ec_scenario *)0)->field)
#define BIG 1e300
static const kdef schema[] = {
    {"scenario", "name", T_TEXT, F(name), 0, 0, NULL},
    {"scenario", "title", T_TEXT, F(title), 0, 0, NULL},
    {"scenario", "start_year", T_INT, F(start_year), 1950, 2100, NULL},
    {"scenario", "base_year", T_INT, F(base_year), 1950, 2100, NULL},
    {"scenario", "horizon_year", T_INT, F(horizon_year), 1950, 2100, NULL},
    {"scenario", "as_of", T_DATE, F(as_of), 0, 0, NULL},

    {"data", "townships", T_PATH, F(townships), 0, 0, NULL},
    {"data", "township_code_field", T_TEXT, F(township_code_field), 0, 0, NULL},
    {"data", "township_name_field", T_TEXT, F(township_name_field), 0, 0, NULL},
    {"data", "township_weight_field", T_TEXT, F(township_weight_field), 0, 0, NULL},
    {"data", "township_weights", T_ENUM, F(township_weights), 0, 0, "field|area"},
    {"data", "census", T_PATH, F(census), 0, 0, NULL},
    {"data", "census_area", T_TEXT, F(census_area), 0, 0, NULL},
    {"data", "mortality", T_PATH, F(mortality), 0, 0, NULL},
    {"data", "fertility", T_PATH, F(fertility), 0, 0, NULL},
    {"data", "migration", T_PATH, F(migration), 0, 0, NULL},
    {"data", "facilities", T_PATH, F(facilities), 0, 0, NULL},
    {"data", "villages", T_PATH, F(villages), 0, 0, NULL},
    {"data", "units", T_PATH, F(units), 0, 0, NULL},
    {"data", "inventory", T_PATH, F(inventory), 0, 0, NULL},
    {"data", "crs", T_TEXT, F(crs), 0, 0, NULL},

    {"population", "method", T_ENUM, F(method), 0, 0,
     "cohort_component|hamilton_perry"},
    {"population", "mortality_scale", T_DOUBLE, F(mortality_scale), 0.01, 100, NULL},
    {"population", "migration", T_ENUM, F(migration_method), 0, 0,
     "none|census_residual|totals|wpp"},
    {"population", "migration_total_per_year", T_DOUBLE,
     F(migration_total_per_year), -1e9, 1e9, NULL},
    {"population", "migration_scale", T_DOUBLE, F(migration_scale), -100, 100, NULL},
    {"population", "replicates", T_INT, F(replicates), 0, 1000000, NULL},
    {"population", "seed", T_ULONG, F(seed), 0, 1.8e19, NULL},
    {"population", "demographic_noise", T_BOOL, F(demographic_noise), 0, 0, NULL},
    {"population", "mortality_improvement_sd", T_DOUBLE,
     F(mortality_improvement_sd), 0, 10, NULL},
    {"population", "migration_sd", T_DOUBLE, F(migration_sd), 0, 10, NULL},
    {"population", "uncertainty_distribution", T_ENUM, F(mc_uniform), 0, 0, "normal|uniform"},
    {"population", "quantiles", T_QUANTILES, F(quantiles), 0, 1, NULL},
    {"population", "keep_replicates", T_BOOL, F(keep_replicates), 0, 0, NULL},

    {"capacity", "elderly_age", T_INT, F(elderly_age), 0, 100, NULL},
    {"capacity", "beds_per_1000", T_DOUBLE, F(beds_per_1000), 0, 1000, NULL},
    {"capacity", "home_min_beds", T_INT, F(home_min_beds), 0, 100000, NULL},
    {"capacity", "home_deadline", T_DATE, F(home_deadline), 0, 0, NULL},
    {"capacity", "existing_beds", T_DOUBLE, F(existing_beds), 0, 1e7, NULL},
    {"capacity", "home_per_township", T_BOOL, F(home_per_township), 0, 0, NULL},
    {"capacity", "medical_share_target", T_DOUBLE, F(medical_share_target), 0, 1, NULL},
    {"capacity", "medical_deadline", T_DATE, F(medical_deadline), 0, 0, NULL},
    {"capacity", "use_per_1000", T_DOUBLE, F(use_per_1000), 0, 1000, NULL},

    {"coverage", "enabled", T_BOOL, F(coverage_enabled), 0, 0, NULL},
    {"coverage", "cell_size_m", T_DOUBLE, F(cell_size_m), 10, 1e5, NULL},
    {"coverage", "radius_m", T_DOUBLE, F(radius_m), 0, 1e6, NULL},
    {"coverage", "catchment_m", T_DOUBLE, F(catchment_m), 0, 1e6, NULL},
    {"coverage", "method", T_TEXT, F(access_method), 0, 0, NULL},
    {"coverage", "decay", T_TEXT, F(decay), 0, 0, NULL},
    {"coverage", "steps", T_TEXT, F(steps), 0, 0, NULL},

    {"siting", "enabled", T_BOOL, F(siting_enabled), 0, 0, NULL},
    {"siting", "model", T_TEXT, F(siting_model), 0, 0, NULL},
    {"siting", "candidates", T_PATH, F(candidates), 0, 0, NULL},
    {"siting", "options", T_INT, F(siting_options), 1, 100, NULL},
    {"siting", "radius_m", T_DOUBLE, F(siting_radius_m), 0, 1e6, NULL},
    {"siting", "time_limit_s", T_DOUBLE, F(siting_time_limit_s), 0, 1e6, NULL},
    {"siting", "scope", T_TEXT, F(siting_scope), 0, 0, NULL},

    {"standards", "band_edge_low", T_DOUBLE, F(band_edge_low), 0, 1e9, NULL},
    {"standards", "band_edge_high", T_DOUBLE, F(band_edge_high), 0, 1e9, NULL},
    {"standards", "band_edges_inclusive", T_BOOL, F(band_edges_inclusive), 0, 0, NULL},
    {"standards", "staff_min", T_INT3, F(staff_min), 0, 1e6, NULL},
    {"standards", "budget_min_yuan", T_DOUBLE3, F(budget_min_yuan), 0, 1e12, NULL},
    {"standards", "social_workers", T_INT, F(social_workers), 0, 1e6, NULL},
    {"standards", "coordinator_allowance_yuan_per_month", T_DOUBLE,
     F(coordinator_allowance_yuan_per_month), 0, 1e9, NULL},
    {"standards", "office_m2_min", T_DOUBLE, F(office_m2_min), 0, 1e6, NULL},
    {"standards", "computers_min", T_INT, F(computers_min), 0, 1e6, NULL},
    {"standards", "training_days_min", T_INT, F(training_days_min), 0, 366, NULL},
    {"standards", "deadline", T_DATE, F(standards_deadline), 0, 0, NULL},
    {"standards", "database_deadline", T_DATE, F(database_deadline), 0, 0, NULL},
    {"standards", "social_work_deadline", T_DATE, F(social_work_deadline), 0, 0, NULL},

    {"sweep", "zip", T_BOOL, F(sweep_zip), 0, 0, NULL},

    {"output", "path", T_PATH, F(output), 0, 0, NULL},
    {"output", "summary_years", T_YEARS, F(summary_years), 1950, 2100, NULL},
};
#undef F
#define NSCHEMA (sizeof schema / sizeof schema[0])

void ec_scenario_defaults(ec_scenario *s) {
  memset(s, 0, sizeof *s);
  snprintf(s->name, sizeof s->name, "scenario");
  s->start_year = 2017;     /* the policy year */
  s->base_year = 2020;      /* the 7th census */
  s->horizon_year = 2035;
  snprintf(s->as_of, sizeof s->as_of, "2018-06-30");
  snprintf(s->township_code_field, sizeof s->township_code_field, "CODE");
  snprintf(s->township_name_field, sizeof s->township_name_field, "NAME_ZH");
  snprintf(s->township_weight_field, sizeof s->township_weight_field, "POP");
  s->township_weights = EC_WEIGHT_FIELD;
  snprintf(s->crs, sizeof s->crs, "EPSG:4547");
  s->method = EC_POP_COHORT;
  s->mortality_scale = 1.0;
  s->migration_method = EC_MIG_NONE;
  s->migration_scale = 1.0;
  s->replicates = 0;
  s->seed = 20170629UL;
  s->demographic_noise = 1;
  s->mortality_improvement_sd = 0.0;
  s->migration_sd = 0.0;
  s->nquantiles = 3;
  s->quantiles[0] = 0.05;
  s->quantiles[1] = 0.5;
  s->quantiles[2] = 0.95;
  s->elderly_age = 60;                   /* 老年人: 60 and over */
  s->beds_per_1000 = 40;                 /* 三(三) */
  s->home_min_beds = 200;                /* 三(三) */
  snprintf(s->home_deadline, sizeof s->home_deadline, "2018-06-30");
  s->existing_beds = 0;                  /* no inventory found: user input */
  s->home_per_township = 1;
  s->medical_share_target = 0.5;         /* 三(四): more than half */
  snprintf(s->medical_deadline, sizeof s->medical_deadline, "2017-12-31");
  s->use_per_1000 = 20;                  /* ASSUMPTION, see README */
  s->coverage_enabled = 1;
  s->cell_size_m = 500;
  s->radius_m = 5000;
  s->catchment_m = 10000;
  snprintf(s->access_method, sizeof s->access_method, "2sfca");
  snprintf(s->siting_model, sizeof s->siting_model, "pmedian");
  s->siting_options = 3;
  s->siting_radius_m = 5000;
  s->siting_time_limit_s = 10;
  snprintf(s->siting_scope, sizeof s->siting_scope, "township");
  s->band_edge_low = 30000;              /* 二(一), 二(三) */
  s->band_edge_high = 50000;
  s->band_edges_inclusive = 1;
  s->staff_min[0] = 3; s->staff_min[1] = 4; s->staff_min[2] = 5;
  s->budget_min_yuan[0] = 150000; s->budget_min_yuan[1] = 200000;
  s->budget_min_yuan[2] = 250000;
  s->social_workers = 2;
  s->coordinator_allowance_yuan_per_month = 500;
  s->office_m2_min = 40;
  s->computers_min = 2;
  s->training_days_min = 7;
  snprintf(s->standards_deadline, sizeof s->standards_deadline, "2017-06-30");
  snprintf(s->database_deadline, sizeof s->database_deadline, "2017-12-31");
  snprintf(s->social_work_deadline, sizeof s->social_work_deadline, "2017-08-31");
  s->nsummary_years = 5;
  int ys[] = {2017, 2018, 2020, 2025, 2035};
  memcpy(s->summary_years, ys, sizeof ys);
}

void ec_scenario_free(ec_scenario *s) {
  if (!s) return;
  free(s->text);
  s->text = NULL;
  for (int i = 0; i < s->noverrides; i++) free(s->overrides[i]);
  free(s->overrides);
  s->overrides = NULL;
  s->noverrides = 0;
  for (int a = 0; a < s->nsweep; a++) {
    for (int v = 0; v < s->sweep[a].nvalues; v++) free(s->sweep[a].values[v]);
    free(s->sweep[a].values);
  }
  s->nsweep = 0;
}

double ec_date_to_year(const char *d) {
  int y, m, day;
  char extra;
  if (!d || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &extra) != 3) return -1;
  if (strlen(d) != 10 || m < 1 || m > 12 || day < 1) return -1;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int dim = mdays[m - 1] + (m == 2 && leap);
  if (day > dim) return -1;
  int doy = day - 1;
  for (int i = 0; i < m - 1; i++) doy += mdays[i] + (i == 1 && leap);
  return y + (double)doy / (365.0 + leap);
}

static const kdef *find_key(const char *section, const char *key) {
  for (size_t i = 0; i < NSCHEMA; i++)
    if (!strcmp(schema[i].section, section) && !strcmp(schema[i].key, key))
      return &schema[i];
  return NULL;
}

static int section_known(const char *section) {
  for (size_t i = 0; i < NSCHEMA; i++)
    if (!strcmp(schema[i].section, section)) return 1;
  return 0;
}

/* Split a comma list into trimmed items (in place). Returns count or -1. */
static int split_list(char *buf, char **items, int max) {
  int n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    while (*tok == ' ' || *tok == '\t') tok++;
    size_t L = strlen(tok);
    while (L && (tok[L - 1] == ' ' || tok[L - 1] == '\t')) tok[--L] = '\0';
    if (!*tok || n >= max) return -1;
    items[n++] = tok;
  }
  return n;
}

static int parse_bool(const char *v, int *out) {
  if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
      !strcmp(v, "1")) { *out = 1; return 0; }
  if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
      !strcmp(v, "0")) { *out = 0; return 0; }
  return -1;
}

/* Directory of the INI file, for resolving relative data paths. */
static void resolve_path(const char *ini_path, const char *value, char *out,
                         size_t size) {
  if (!value[0] || value[0] == '/' || !ini_path || !ini_path[0]) {
    snprintf(out, size, "%s", value);
    return;
  }
  char buf[EC_SCN_PATH];
  snprintf(buf, sizeof buf, "%s", ini_path);
  const char *dir = dirname(buf);
  if (!strcmp(dir, "."))
    snprintf(out, size, "%s", value);
  else
    snprintf(out, size, "%s/%s", dir, value);
}

/* Expand "start:stop:step" or "a, b, c" into sweep values. */
static int sweep_values(const char *value, char ***out, int *n, char *why,
                        size_t whysz) {
  *out = NULL;
  *n = 0;
  double a, b, st;
  char extra;
  if (strchr(value, ':')) {
    if (sscanf(value, "%lf:%lf:%lf%c", &a, &b, &st, &extra) != 3 ||
        !isfinite(a) || !isfinite(b) || !isfinite(st) || st <= 0 || b < a) {
      snprintf(why, whysz, "'%s' is not start:stop:step with step > 0 and stop >= start", value);
      return -1;
    }
    double cnt = floor((b - a) / st + 1e-9) + 1;
    if (cnt > EC_MAX_SWEEP_VALUES) {
      snprintf(why, whysz, "'%s' gives %.0f values (at most %d)", value, cnt,
               EC_MAX_SWEEP_VALUES);
      return -1;
    }
    char **v = calloc((size_t)cnt, sizeof *v);
    if (!v) return -1;
    for (int i = 0; i < (int)cnt; i++) {
      char num[64];
      double x = a + i * st;
      if (fabs(x) < 1e-12 * fabs(st)) x = 0;
      snprintf(num, sizeof num, "%.10g", x);
      v[i] = strdup(num);
    }
    *out = v;
    *n = (int)cnt;
    return 0;
  }
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", value);
  char *items[EC_MAX_SWEEP_VALUES];
  int k = split_list(buf, items, EC_MAX_SWEEP_VALUES);
  if (k <= 0) {
    snprintf(why, whysz, "'%s' is not a comma-separated list of values", value);
    return -1;
  }
  char **v = calloc((size_t)k, sizeof *v);
  if (!v) return -1;
  for (int i = 0; i < k; i++) v[i] = strdup(items[i]);
  *out = v;
  *n = k;
  return 0;
}

int ec_scenario_set(ec_scenario *s, const char *section, const char *key,
                    const char *value, const char *where, long line,
                    ec_error *err) {
  char fq[160];
  snprintf(fq, sizeof fq, "%s.%s", section, key);
  if (!strcmp(section, "sweep") && strchr(key, '.')) {
    char sec[64], k2[96];
    const char *dot = strchr(key, '.');
    snprintf(sec, sizeof sec, "%.*s", (int)(dot - key), key);
    snprintf(k2, sizeof k2, "%s", dot + 1);
    const kdef *d = find_key(sec, k2);
    if (!d || !strcmp(sec, "sweep") || !strcmp(sec, "data") ||
        !strcmp(sec, "output"))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "'%s' is not a scenario key that can be swept", key);
    for (int a = 0; a < s->nsweep; a++)
      if (!strcmp(s->sweep[a].key, key))
        return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                            "sweep axis given twice");
    if (s->nsweep >= EC_MAX_SWEEP_AXES)
      return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                          "at most %d sweep axes", EC_MAX_SWEEP_AXES);
    char why[256];
    ec_sweep_axis *ax = &s->sweep[s->nsweep];
    if (sweep_values(value, &ax->values, &ax->nvalues, why, sizeof why))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq, "%s", why);
    snprintf(ax->key, sizeof ax->key, "%s", key);
    s->nsweep++;
    /* every value must be valid for its key: check on a scratch copy */
    for (int v = 0; v < ax->nvalues; v++) {
      ec_scenario tmp = *s;
      tmp.text = NULL; tmp.overrides = NULL; tmp.noverrides = 0; tmp.nsweep = 0;
      int rc = ec_scenario_set(&tmp, sec, k2, ax->values[v], where, line, err);
      if (rc) return rc;
    }
    return EC_OK;
  }
  const kdef *d = find_key(section, key);
  if (!d) {
    if (!section_known(section))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "unknown section [%s]", section);
    return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                        "unknown key '%s' in section [%s]", key, section);
  }
  char *p = (char *)s + d->off;
  double x;
  long l;
  switch (d->type) {
  case T_INT:
  case T_ULONG:
    if (ec_parse_long(value, &l))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "'%s' is not an integer", value);
    if ((double)l < d->min || (double)l > d->max)
      return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                          "%ld is outside [%g, %g]", l, d->min, d->max);
    if (d->type == T_INT) *(int *)p = (int)l;
    else *(unsigned long *)p = (unsigned long)l;
    return EC_OK;
  case T_DOUBLE:
    if (ec_parse_double(value, &x))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "'%s' is not a finite number", value);
    if (x < d->min || x > d->max)
      return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                          "%g is outside [%g, %g]", x, d->min, d->max);
    *(double *)p = x;
    return EC_OK;
  case T_TEXT:
  case T_PATH:
    if (strlen(value) >= d->size)
      return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                          "value longer than %zu bytes", d->size - 1);
    if (!ec_utf8_valid(value, strlen(value)))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "invalid UTF-8");
    if (d->type == T_PATH && strcmp(where, "--set"))
      resolve_path(where, value, p, d->size);
    else
      snprintf(p, d->size, "%s", value);
    return EC_OK;
  case T_BOOL: {
    int b;
    if (parse_bool(value, &b))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "'%s' is not true/false", value);
    *(int *)p = b;
    return EC_OK;
  }
  case T_ENUM: {
    const char *e = d->enums;
    int idx = 0;
    size_t L = strlen(value);
    while (e && *e) {
      const char *bar = strchr(e, '|');
      size_t n = bar ? (size_t)(bar - e) : strlen(e);
      if (n == L && !strncmp(e, value, n)) {
        *(int *)p = idx;
        return EC_OK;
      }
      idx++;
      e = bar ? bar + 1 : NULL;
    }
    return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                        "'%s' is not one of %s", value, d->enums);
  }
  case T_DATE:
    if (ec_date_to_year(value) < 0)
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "'%s' is not a date YYYY-MM-DD", value);
    snprintf(p, d->size, "%s", value);
    return EC_OK;
  case T_QUANTILES:
  case T_YEARS:
  case T_INT3:
  case T_DOUBLE3: {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", value);
    char *items[EC_MAX_QUANTILES];
    int max = d->type == T_QUANTILES ? EC_MAX_QUANTILES
              : d->type == T_YEARS   ? EC_MAX_SUMMARY_YEARS
                                     : 3;
    int n = split_list(buf, items, max);
    if (n <= 0 || ((d->type == T_INT3 || d->type == T_DOUBLE3) && n != 3))
      return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                          "'%s' is not a list of %s", value,
                          (d->type == T_INT3 || d->type == T_DOUBLE3)
                              ? "exactly 3 numbers"
                              : "at most 16 numbers");
    for (int i = 0; i < n; i++) {
      if (ec_parse_double(items[i], &x))
        return ec_error_set(err, EC_ERR_PARSE, where, line, fq,
                            "'%s' is not a number", items[i]);
      int integral = d->type != T_QUANTILES && d->type != T_DOUBLE3;
      if ((integral && x != floor(x)) || x < d->min || x > d->max ||
          (d->type == T_QUANTILES && (x <= 0 || x >= 1)))
        return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                            "'%s' is out of range", items[i]);
      if (d->type == T_QUANTILES) s->quantiles[i] = x;
      else if (d->type == T_YEARS) s->summary_years[i] = (int)x;
      else if (d->type == T_INT3) s->staff_min[i] = (int)x;
      else s->budget_min_yuan[i] = x;
    }
    if (d->type == T_QUANTILES) {
      for (int i = 1; i < n; i++)
        if (s->quantiles[i] <= s->quantiles[i - 1])
          return ec_error_set(err, EC_ERR_RANGE, where, line, fq,
                              "quantiles must be strictly increasing");
      s->nquantiles = n;
    } else if (d->type == T_YEARS) {
      s->nsummary_years = n;
    }
    return EC_OK;
  }
  }
  return ec_error_set(err, EC_ERR_STATE, where, line, fq, "unhandled key type");
}

int ec_scenario_get(const ec_scenario *s, const char *fqkey, char *buf, size_t size) {
  const char *dot = strchr(fqkey, '.');
  if (!dot) return EC_ERR_MISSING;
  char sec[64];
  snprintf(sec, sizeof sec, "%.*s", (int)(dot - fqkey), fqkey);
  const kdef *d = find_key(sec, dot + 1);
  if (!d) return EC_ERR_MISSING;
  const char *p = (const char *)s + d->off;
  switch (d->type) {
  case T_INT: snprintf(buf, size, "%d", *(const int *)p); break;
  case T_ULONG: snprintf(buf, size, "%lu", *(const unsigned long *)p); break;
  case T_DOUBLE: snprintf(buf, size, "%.10g", *(const double *)p); break;
  case T_BOOL: snprintf(buf, size, "%s", *(const int *)p ? "true" : "false"); break;
  case T_ENUM: {
    int idx = *(const int *)p;
    const char *e = d->enums;
    for (int i = 0; i < idx && e; i++) {
      e = strchr(e, '|');
      if (e) e++;
    }
    const char *bar = e ? strchr(e, '|') : NULL;
    snprintf(buf, size, "%.*s", e ? (int)(bar ? (size_t)(bar - e) : strlen(e)) : 0, e ? e : "");
    break;
  }
  default: snprintf(buf, size, "%s", p); break; /* text, path, date; lists as stored */
  }
  return EC_OK;
}

/* --- INI reading ----------------------------------------------------------- */

typedef struct {
  FILE *fp;
  long line;          /* lines read so far */
  int too_long;       /* line number of a line inih would split */
  int nul_line;       /* line number of a line with a NUL byte */
  int indented;       /* the last line read starts with white space */
  char *text;         /* accumulated full text */
  size_t len, cap;
} reader_state;

static char *reader(char *str, int num, void *stream) {
  reader_state *r = stream;
  long pos = ftell(r->fp);
  if (!fgets(str, num, r->fp)) return NULL;
  size_t L = strlen(str);
  /* a NUL byte hides the rest of the line from strlen: count what was read */
  long now = ftell(r->fp);
  if (pos >= 0 && now >= 0 && (size_t)(now - pos) != L) {
    if (!r->nul_line) r->nul_line = (int)r->line + 1;
  }
  r->indented = L > 0 && (str[0] == ' ' || str[0] == '\t') && str[strspn(str, " \t")] != '\n' &&
                str[strspn(str, " \t")] != '\0' && str[strspn(str, " \t")] != ';' &&
                str[strspn(str, " \t")] != '#';
  int complete = L > 0 && str[L - 1] == '\n';
  if (!complete && !feof(r->fp) && !r->too_long && !r->nul_line) r->too_long = (int)r->line + 1;
  if (complete || feof(r->fp)) r->line++;
  if (r->len + L + 1 > r->cap) {
    size_t cap = (r->cap + L + 1) * 2;
    char *t = realloc(r->text, cap);
    if (!t) return NULL;
    r->text = t;
    r->cap = cap;
  }
  memcpy(r->text + r->len, str, L + 1);
  r->len += L;
  return str;
}

typedef struct {
  ec_scenario *s;
  reader_state *r;
  ec_error *err;
  int failed;
  char seen[128][160]; /* section.key already given */
  int nseen;
  char prev[160];
} handler_state;

static int handler(void *user, const char *section, const char *name,
                   const char *value) {
  handler_state *h = user;
  if (h->failed) return 1;
  long line = h->r->line;
  if (!name) { /* new section (inih >= r42 calls with name NULL) */
    if (!section_known(section)) {
      ec_error_set(h->err, EC_ERR_PARSE, h->s->path, line, section,
                   "unknown section [%s]", section);
      h->failed = 1;
    }
    return 1;
  }
  char fq[160];
  snprintf(fq, sizeof fq, "%s.%s", section, name);
  for (int i = 0; i < h->nseen; i++)
    if (!strcmp(h->seen[i], fq)) {
      if (!strcmp(h->prev, fq) && h->r->indented)
        ec_error_set(h->err, EC_ERR_PARSE, h->s->path, line, fq,
                     "indented line continues key '%s': continuation lines are not supported",
                     name);
      else
        ec_error_set(h->err, EC_ERR_PARSE, h->s->path, line, fq,
                     "key given twice in [%s]", section);
      h->failed = 1;
      return 1;
    }
  if (h->nseen < 128) snprintf(h->seen[h->nseen++], 160, "%s", fq);
  snprintf(h->prev, sizeof h->prev, "%s", fq);
  if (ec_scenario_set(h->s, section, name, value, h->s->path, line, h->err))
    h->failed = 1;
  return 1;
}

int ec_scenario_load(ec_scenario *s, const char *path, int noverrides,
                     char *const *overrides, ec_error *err) {
  snprintf(s->path, sizeof s->path, "%s", path);
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot open scenario: %s",
                        strerror(errno));
  reader_state r = {.fp = fp};
  handler_state *h = calloc(1, sizeof *h);
  if (!h) {
    fclose(fp);
    return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
  }
  h->s = s;
  h->r = &r;
  h->err = err;
  int rc = ini_parse_stream(reader, &r, handler, h);
  fclose(fp);
  int failed = h->failed;
  free(h);
  s->text = r.text ? r.text : strdup("");
  if (r.nul_line) {
    ec_scenario_free(s);
    return ec_error_set(err, EC_ERR_PARSE, path, r.nul_line, NULL,
                        "NUL byte in the scenario (is this a text file?)");
  }
  if (r.too_long) {
    ec_scenario_free(s);
    return ec_error_set(err, EC_ERR_PARSE, path, r.too_long, NULL,
                        "line is %d bytes or longer (the INI reader's limit)",
                        INI_MAX_LINE - 1);
  }
  if (failed) {
    ec_scenario_free(s);
    return err ? err->code : EC_ERR_PARSE;
  }
  if (rc > 0) {
    ec_scenario_free(s);
    return ec_error_set(err, EC_ERR_PARSE, path, rc, NULL,
                        "malformed line (expected [section], key = value or a comment)");
  }
  if (rc < 0) {
    ec_scenario_free(s);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot read scenario");
  }
  if (r.len && memchr(s->text, '\0', r.len)) {
    ec_scenario_free(s);
    return ec_error_set(err, EC_ERR_PARSE, path, 0, NULL, "NUL byte in scenario");
  }
  if (!ec_utf8_valid(s->text, r.len)) {
    ec_scenario_free(s);
    return ec_error_set(err, EC_ERR_PARSE, path, 0, NULL, "scenario is not valid UTF-8");
  }
  for (int i = 0; i < noverrides; i++) {
    const char *o = overrides[i];
    const char *dot = strchr(o, '.'), *eq = strchr(o, '=');
    if (!dot || !eq || dot > eq) {
      ec_scenario_free(s);
      return ec_error_set(err, EC_ERR_USAGE, "--set", 0, o,
                          "expected --set section.key=value");
    }
    char sec[64], key[128], val[EC_SCN_PATH];
    snprintf(sec, sizeof sec, "%.*s", (int)(dot - o), o);
    snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
    snprintf(val, sizeof val, "%s", eq + 1);
    int rc2 = ec_scenario_set(s, sec, key, val, "--set", 0, err);
    if (rc2) {
      ec_scenario_free(s);
      return rc2;
    }
    char **no = realloc(s->overrides, (size_t)(s->noverrides + 1) * sizeof *no);
    if (!no) {
      ec_scenario_free(s);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    s->overrides = no;
    s->overrides[s->noverrides++] = strdup(o);
  }
  rc = ec_scenario_validate(s, err);
  if (rc) ec_scenario_free(s);
  return rc;
}

int ec_scenario_validate(const ec_scenario *s, ec_error *err) {
  const char *f = s->path;
  if (s->base_year > s->horizon_year)
    return ec_error_set(err, EC_ERR_RANGE, f, 0, "scenario.base_year",
                        "base_year %d is after horizon_year %d", s->base_year,
                        s->horizon_year);
  if (s->start_year > s->horizon_year)
    return ec_error_set(err, EC_ERR_RANGE, f, 0, "scenario.start_year",
                        "start_year %d is after horizon_year %d", s->start_year,
                        s->horizon_year);
  if (s->band_edge_low > s->band_edge_high)
    return ec_error_set(err, EC_ERR_RANGE, f, 0, "standards.band_edge_low",
                        "band_edge_low %g exceeds band_edge_high %g",
                        s->band_edge_low, s->band_edge_high);
  if (s->township_weights == EC_WEIGHT_FIELD && s->townships[0] &&
      !s->township_weight_field[0])
    return ec_error_set(err, EC_ERR_MISSING, f, 0, "data.township_weight_field",
                        "township_weights = field needs township_weight_field");
  return EC_OK;
}
