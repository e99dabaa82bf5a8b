/* Tests of the standards unit/inventory readers and `eldercap standards`.
 * Expected values are hand-computed from the policy text (二 of
 * 新政〔2017〕29号) and the 2017 unit list
 * (tests/data/standards/units_2017.csv, a copy of
 * data/xinzheng/units_2017.csv). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eldercap/ec_standards.h"

#define FIX EC_SOURCE_DIR "/tests/data/standards"

/* The 15 units, hand-derived requirement (inclusive edges):
 * staff 3/4/5 and budget 150k/200k/250k by band; stations = villages +
 * communities; allowance = stations x 500 x 12; training = 7 x (staff +
 * stations). -1 = unknown (population blank). */
static const struct {
  const char *code, *name;
  int staff, stations;
  double budget, allowance, training;
} want[15] = {
    {"410184001000", "新建路街道", -1, 6, -1, 36000, -1},
    {"410184002000", "新华路街道", -1, 12, -1, 72000, -1},
    {"410184003000", "新烟街道", -1, 8, -1, 48000, -1},
    {"410184101000", "新村镇", 4, 22, 200000, 132000, 182},   /* 33,479 mid */
    {"410184102000", "辛店镇", 5, 36, 250000, 216000, 287},   /* 50,520 high */
    {"410184103000", "观音寺镇", 4, 21, 200000, 126000, 175}, /* 45,076 mid */
    {"410184104000", "梨河镇", 4, 24, 200000, 144000, 196},   /* 30,298 mid */
    {"410184105000", "和庄镇", 5, 16, 250000, 96000, 147},    /* 56,365 high */
    {"410184106000", "薛店镇", 4, 20, 200000, 120000, 168},   /* 42,802 mid */
    {"410184107000", "孟庄镇", 4, 23, 200000, 138000, 189},   /* 22 + 1 */
    {"410184108000", "郭店镇", 4, 32, 200000, 192000, 252},   /* 28 + 4 */
    {"410184109000", "龙湖镇", 5, 28, 250000, 168000, 231},   /* 17 + 11 */
    {"410184200000", "城关乡", 5, 14, 250000, 84000, 133},    /* 70,217 high */
    {"410184402000", "具茨山国家级森林公园管理委员会", 3, 14, 150000, 84000,
     119}, /* 19,567 low */
    {"410184403000", "中心城区新区建设管理委员会", -1, 8, -1, 48000, -1},
};

static char tmpdir[64];
static void mk_tmp(void) {
  strcpy(tmpdir, "/tmp/ec_std_XXXXXX");
  cr_assert_not_null(mkdtemp(tmpdir));
}
static void rm_tmp(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) { /* best effort */
  }
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = '\0';
  fclose(f);
  return s;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

/* Run eldercap ARGS with stdout/stderr to tmpdir/out, tmpdir/err; exit code. */
static int run(const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' %s >'%s/out' 2>'%s/err'", EC_BIN, args,
           tmpdir, tmpdir);
  int st = system(cmd);
  /* stderr goes to a file, so a sanitizer report in the child would escape
   * ctest's FAIL_REGULAR_EXPRESSION: look for it here */
  char p[256];
  snprintf(p, sizeof p, "%s/err", tmpdir);
  char *e = slurp(p);
  cr_expect(!e || (!strstr(e, "Sanitizer") && !strstr(e, "runtime error:")),
            "sanitizer report from eldercap %s:\n%s", args, e);
  free(e);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
static char *out_text(const char *which) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", tmpdir, which);
  return slurp(p);
}

/* ---- unit list --------------------------------------------------------------
 */

static void check_units(const char *path) {
  ec_std_unit *u = NULL;
  int n = 0;
  ec_error err;
  cr_assert_eq(ec_standards_units_read(path, &u, &n, &err), EC_OK, "%s",
               err.msg);
  cr_assert_eq(n, 15);
  int stations = 0, unknown = 0;
  for (int i = 0; i < 15; i++) {
    cr_expect_str_eq(u[i].code, want[i].code);
    cr_expect_str_eq(u[i].name_zh, want[i].name);
    cr_expect_eq(u[i].n_villages + u[i].n_communities, want[i].stations);
    cr_expect_eq(isnan(u[i].population), want[i].staff < 0, "%s", u[i].code);
    stations += u[i].n_villages + u[i].n_communities;
    unknown += isnan(u[i].population);
  }
  cr_expect_eq(stations, 284); /* NBS 2017: 234 村 + 50 社区 */
  cr_expect_eq(unknown, 4);    /* 3 街道 + 新区管委会 */
  free(u);
}

Test(standards_io, units_fixture) { check_units(FIX "/units_2017.csv"); }

Test(standards_io, units_data_file) {
  /* the shipped unit list, when present, matches the same 15 units */
  if (access(EC_SOURCE_DIR "/data/xinzheng/units_2017.csv", R_OK) != 0)
    cr_skip_test("data/xinzheng/units_2017.csv not present");
  check_units(EC_SOURCE_DIR "/data/xinzheng/units_2017.csv");
}

Test(standards_io, units_errors, .init = mk_tmp, .fini = rm_tmp) {
  char p[256];
  snprintf(p, sizeof p, "%s/u.csv", tmpdir);
  ec_std_unit *u = NULL;
  int n = 0;
  ec_error err;
  write_file(p, "code,name_zh,population,n_villages,n_communities\n"
                "1,a,100,1,0\n1,b,200,2,0\n");
  cr_expect_eq(ec_standards_units_read(p, &u, &n, &err), EC_ERR_INVALID);
  cr_expect_eq(err.line, 3);
  cr_expect_str_eq(err.field, "code");
  write_file(p, "code,name_zh,population,n_villages,n_communities\n"
                "1,a,-5,1,0\n");
  cr_expect_eq(ec_standards_units_read(p, &u, &n, &err), EC_ERR_RANGE);
  cr_expect_eq(err.line, 2);
  cr_expect_str_eq(err.field, "population");
  write_file(p, "code,name_zh,population,n_villages\n1,a,5,1\n");
  cr_expect_eq(ec_standards_units_read(p, &u, &n, &err), EC_ERR_MISSING);
  cr_expect_str_eq(err.field, "n_communities");
  cr_expect_null(u);
}

/* ---- inventory
 * ---------------------------------------------------------------- */

static const char *inv_header =
    "code,staff,social_workers,stations,coordinators,"
    "coordinator_allowance_yuan_per_year,budget_yuan,office_m2,telephone,"
    "computers,printer,copier,fax,desks_chairs,document_camera,"
    "video_equipment,filing_cabinets,relief_vehicle,training_days,"
    "service_window,database_linked,social_work_purchased\n";
/* a valid row for 新村镇 (22 stations) */
static const char *good_row = "410184101000,4,2,22,22,132000,200000,40,1,2,1,"
                              "1,1,1,1,1,1,1,182,1,1,1\n";

static void units_fixture(ec_std_unit **u, int *n) {
  ec_error err;
  cr_assert_eq(ec_standards_units_read(FIX "/units_2017.csv", u, n, &err),
               EC_OK);
}

/* Write header + good row + `bad` and expect an error on line 3 column col. */
static void expect_inventory_error(const char *bad, const char *col,
                                   long line) {
  char p[256], text[2048];
  snprintf(p, sizeof p, "%s/inv.csv", tmpdir);
  snprintf(text, sizeof text, "%s%s%s", inv_header, good_row, bad);
  write_file(p, text);
  ec_std_unit *u;
  int n;
  units_fixture(&u, &n);
  ec_std_inventory *inv = NULL;
  ec_error err;
  ec_error_clear(&err);
  int rc = ec_standards_inventory_read(p, u, n, &inv, &err);
  cr_expect_lt(rc, 0, "row %s", bad);
  cr_expect_null(inv);
  cr_expect_eq(err.line, line, "row %s: line %ld", bad, err.line);
  cr_expect_str_eq(err.field, col, "row %s", bad);
  char msg[1024];
  ec_error_format(&err, msg, sizeof msg);
  char where[300];
  snprintf(where, sizeof where, "inv.csv:%ld: field '%s'", line, col);
  cr_expect(strstr(msg, where) != NULL, "message '%s'", msg);
  free(u);
}

Test(standards_io, inventory_fixture) {
  ec_std_unit *u;
  int n;
  units_fixture(&u, &n);
  ec_std_inventory *inv = NULL;
  ec_error err;
  cr_assert_eq(
      ec_standards_inventory_read(FIX "/inventory.csv", u, n, &inv, &err),
      EC_OK, "%s", err.msg);
  for (int i = 0; i < n; i++)
    cr_expect(inv[i].reported, "%s", u[i].code);
  /* 新村镇 row (line 5): 4 staff, 20 stations, 1 computer, no fax */
  cr_expect_eq(inv[3].line, 5);
  cr_expect_eq(inv[3].staff, 4);
  cr_expect_eq(inv[3].stations, 20);
  cr_expect_eq(inv[3].equipment[EC_EQ_COMPUTERS], 1);
  cr_expect_eq(inv[3].equipment[EC_EQ_FAX], 0);
  free(inv);
  free(u);
}

Test(standards_io, inventory_bad_cells, .init = mk_tmp, .fini = rm_tmp) {
  /* each row is the good row with one cell spoiled */
  expect_inventory_error("410184102000,-1,2,36,36,216000,250000,40,1,2,1,1,1,"
                         "1,1,1,1,1,287,1,1,1\n",
                         "staff", 3);
  expect_inventory_error("410184102000,5,2,36,36,216000,NaN,40,1,2,1,1,1,1,1,"
                         "1,1,1,287,1,1,1\n",
                         "budget_yuan", 3);
  expect_inventory_error("410184102000,5,2,36,36,216000,250000,,1,2,1,1,1,1,"
                         "1,1,1,1,287,1,1,1\n",
                         "office_m2", 3);
  expect_inventory_error("410184102000,5,2,36,36,216000,250000,40,1,1.5,1,1,"
                         "1,1,1,1,1,1,287,1,1,1\n",
                         "computers", 3);
  expect_inventory_error("410184102000,5,2,36,36,216000,250000,40,1,2,1,1,1,"
                         "1,1,1,1,1,-7,1,1,1\n",
                         "training_days", 3);
  expect_inventory_error("410184102000,5,2,36,36,216000,250000,40,1,2,1,1,1,"
                         "1,1,1,1,1,287,2,1,1\n",
                         "service_window", 3);
  expect_inventory_error("410184102000,5,2,36,36,inf,250000,40,1,2,1,1,1,"
                         "1,1,1,1,1,287,1,1,1\n",
                         "coordinator_allowance_yuan_per_year", 3);
  expect_inventory_error("410184999000,5,2,36,36,216000,250000,40,1,2,1,1,1,"
                         "1,1,1,1,1,287,1,1,1\n",
                         "code", 3);
  /* duplicate: the good row again */
  expect_inventory_error(good_row, "code", 3);
}

Test(standards_io, inventory_missing_column, .init = mk_tmp, .fini = rm_tmp) {
  char p[256];
  snprintf(p, sizeof p, "%s/inv.csv", tmpdir);
  write_file(p, "code,staff\n410184101000,4\n");
  ec_std_unit *u;
  int n;
  units_fixture(&u, &n);
  ec_std_inventory *inv = NULL;
  ec_error err;
  cr_expect_eq(ec_standards_inventory_read(p, u, n, &inv, &err),
               EC_ERR_MISSING);
  cr_expect_eq(err.line, 1);
  cr_expect_str_eq(err.field, "social_workers");
  free(u);
}

/* ---- the command
 * ---------------------------------------------------------------- */

static cJSON *run_json(const char *args) {
  cr_assert_eq(run(args), 0, "eldercap %s failed: %s", args, out_text("err"));
  char *text = out_text("out");
  cr_assert_not_null(text);
  cJSON *doc = cJSON_Parse(text);
  free(text);
  cr_assert_not_null(doc, "stdout is not JSON");
  return doc;
}

static double num_or_nan(const cJSON *o, const char *k) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
  cr_assert_not_null(x, "key %s missing", k);
  if (cJSON_IsNull(x)) return NAN;
  cr_assert(cJSON_IsNumber(x), "key %s not a number", k);
  return x->valuedouble;
}

static void expect_value(const cJSON *o, const char *k, double v,
                         const char *code) {
  double got = num_or_nan(o, k);
  if (v < 0)
    cr_expect(isnan(got), "%s %s should be null", code, k);
  else
    cr_expect_eq(got, v, "%s %s: %g != %g", code, k, got, v);
}

Test(standards_cli, json_requirement, .init = mk_tmp, .fini = rm_tmp) {
  cJSON *doc = run_json("standards '" FIX "/scenario.ini' --json");
  const cJSON *ts = cJSON_GetObjectItemCaseSensitive(doc, "townships");
  cr_assert(cJSON_IsArray(ts));
  cr_assert_eq(cJSON_GetArraySize(ts), 15); /* every 2017 unit */
  static const char *keys[] = {"code",
                               "name",
                               "population",
                               "band",
                               "staff_required",
                               "social_workers_required",
                               "stations_required",
                               "coordinators_required",
                               "coordinator_allowance_yuan_per_year",
                               "budget_min_yuan",
                               "office_m2_min",
                               "computers_min",
                               "equipment_items",
                               "training_days_min"};
  for (int i = 0; i < 15; i++) {
    const cJSON *t = cJSON_GetArrayItem(ts, i);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      cr_expect_not_null(cJSON_GetObjectItemCaseSensitive(t, keys[k]),
                         "township %d lacks %s", i, keys[k]);
    const char *code = cJSON_GetObjectItemCaseSensitive(t, "code")->valuestring;
    cr_expect_str_eq(code, want[i].code);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring,
                     want[i].name);
    expect_value(t, "staff_required", want[i].staff, code);
    expect_value(t, "budget_min_yuan", want[i].budget, code);
    expect_value(t, "training_days_min", want[i].training, code);
    expect_value(t, "stations_required", want[i].stations, code);
    expect_value(t, "coordinators_required", want[i].stations, code);
    expect_value(t, "coordinator_allowance_yuan_per_year", want[i].allowance,
                 code);
    expect_value(t, "social_workers_required", 2, code);
    expect_value(t, "office_m2_min", 40, code);
    expect_value(t, "computers_min", 2, code);
    expect_value(t, "equipment_items", 10, code);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(t, "band")->valuestring,
                     want[i].staff < 0    ? "unknown"
                     : want[i].staff == 3 ? "low"
                     : want[i].staff == 4 ? "mid"
                                          : "high");
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(t, "compliance"));
  }
  const cJSON *tot = cJSON_GetObjectItemCaseSensitive(doc, "totals");
  cr_assert_not_null(tot);
  /* sums of the table above (known-band units for staff/budget/training) */
  expect_value(tot, "staff_required", 47, "totals");
  expect_value(tot, "social_workers_required", 30, "totals");
  expect_value(tot, "stations_required", 284, "totals");
  expect_value(tot, "coordinators_required", 284, "totals");
  expect_value(tot, "coordinator_allowance_yuan_per_year", 1704000, "totals");
  expect_value(tot, "budget_min_yuan", 2350000, "totals");
  expect_value(tot, "office_m2_min", 600, "totals");
  expect_value(tot, "training_days_min", 2079, "totals");
  expect_value(tot, "units_band_unknown", 4, "totals");
  const cJSON *rg =
      cJSON_GetObjectItemCaseSensitive(tot, "staff_required_range");
  cr_assert_eq(cJSON_GetArraySize(rg), 2);
  cr_expect_eq(cJSON_GetArrayItem(rg, 0)->valuedouble, 59.0); /* 47 + 4 x 3 */
  cr_expect_eq(cJSON_GetArrayItem(rg, 1)->valuedouble, 67.0); /* 47 + 4 x 5 */
  /* deadlines of the rules */
  const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
  cr_assert_eq(cJSON_GetArraySize(rules), EC_NRULES);
  const cJSON *db = cJSON_GetArrayItem(rules, EC_RULE_DATABASE);
  cr_expect_str_eq(
      cJSON_GetObjectItemCaseSensitive(db, "deadline")->valuestring,
      "2017-12-31");
  cJSON_Delete(doc);
}

Test(standards_cli, json_compliance_as_of, .init = mk_tmp, .fini = rm_tmp) {
  cJSON *doc =
      run_json("standards '" FIX "/scenario.ini' --json --inventory '" FIX
               "/inventory.csv' --as-of 2017-06-30");
  const cJSON *ts = cJSON_GetObjectItemCaseSensitive(doc, "townships");
  /* 新建路街道 (line 2): database_linked 0, deadline 2017-12-31 -> not yet due;
   * 3 staff with unknown band -> unknown */
  const cJSON *c0 =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ts, 0), "compliance");
  cr_assert_not_null(c0);
  cr_expect_str_eq(
      cJSON_GetObjectItemCaseSensitive(
          cJSON_GetObjectItemCaseSensitive(c0, "database"), "status")
          ->valuestring,
      "not_yet_due");
  cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(
                       cJSON_GetObjectItemCaseSensitive(c0, "staff"), "status")
                       ->valuestring,
                   "unknown");
  /* 辛店镇: 4 staff for 5, 200,000 yuan for 250,000 */
  const cJSON *c4 =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ts, 4), "compliance");
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(c4, "staff");
  cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(st, "status")->valuestring,
                   "not_met");
  expect_value(st, "shortfall", 1, "辛店镇 staff");
  expect_value(cJSON_GetObjectItemCaseSensitive(c4, "budget"), "shortfall",
               50000, "辛店镇 budget");
  /* 新村镇: 1 computer and no fax -> 2 items missing */
  const cJSON *t3 = cJSON_GetArrayItem(ts, 3);
  expect_value(
      cJSON_GetObjectItemCaseSensitive(
          cJSON_GetObjectItemCaseSensitive(t3, "compliance"), "equipment"),
      "shortfall", 2, "新村镇 equipment");
  cr_expect_eq(
      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t3, "missing_items")),
      2);
  const cJSON *tot = cJSON_GetObjectItemCaseSensitive(doc, "totals");
  cr_expect_not_null(cJSON_GetObjectItemCaseSensitive(tot, "compliance"));
  cr_expect_not_null(cJSON_GetObjectItemCaseSensitive(tot, "units_compliant"));
  cJSON_Delete(doc);

  /* a year later the database deadline has passed */
  doc = run_json("standards '" FIX "/scenario.ini' --json --inventory '" FIX
                 "/inventory.csv' --as-of 2018-01-01");
  ts = cJSON_GetObjectItemCaseSensitive(doc, "townships");
  c0 =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ts, 0), "compliance");
  cr_expect_str_eq(
      cJSON_GetObjectItemCaseSensitive(
          cJSON_GetObjectItemCaseSensitive(c0, "database"), "status")
          ->valuestring,
      "not_met");
  cJSON_Delete(doc);
}

Test(standards_cli, band_edge_via_set, .init = mk_tmp, .fini = rm_tmp) {
  /* move the low edge onto 新村镇's 33,479: inclusive -> low (3 staff),
   * exclusive -> mid (4 staff) */
  cJSON *doc = run_json("standards '" FIX "/scenario.ini' --json "
                        "--set standards.band_edge_low=33479");
  const cJSON *t =
      cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "townships"), 3);
  expect_value(t, "staff_required", 3, "新村镇 inclusive");
  expect_value(t, "budget_min_yuan", 150000, "新村镇 inclusive");
  cJSON_Delete(doc);
  doc = run_json("standards '" FIX "/scenario.ini' --json "
                 "--set standards.band_edge_low=33479 "
                 "--set standards.band_edges_inclusive=0");
  t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "townships"), 3);
  expect_value(t, "staff_required", 4, "新村镇 exclusive");
  cJSON_Delete(doc);
}

Test(standards_cli, table_and_output_file, .init = mk_tmp, .fini = rm_tmp) {
  char args[1024], path[256];
  snprintf(path, sizeof path, "%s/std.json", tmpdir);
  snprintf(args, sizeof args,
           "standards '" FIX "/scenario.ini' --inventory '" FIX
           "/inventory.csv' -o '%s'",
           path);
  cr_assert_eq(run(args), 0);
  char *out = out_text("out");
  /* every unit listed by Chinese name, with the city total line */
  for (int i = 0; i < 15; i++)
    cr_expect(strstr(out, want[i].name) != NULL, "%s missing", want[i].name);
  cr_expect(strstr(out, "total") != NULL);
  cr_expect(strstr(out, "Compliance as of 2017-06-30") != NULL);
  free(out);
  char *js = slurp(path);
  cr_assert_not_null(js);
  cJSON *doc = cJSON_Parse(js);
  cr_expect_not_null(doc);
  cJSON_Delete(doc);
  free(js);
}

Test(standards_cli, bad_inventory_exit_1, .init = mk_tmp, .fini = rm_tmp) {
  char p[256], args[1024], text[2048];
  snprintf(p, sizeof p, "%s/inv.csv", tmpdir);
  snprintf(text, sizeof text, "%s%s%s", inv_header, good_row,
           "410184102000,5,2,36,36,216000,250000,40,1,2,1,1,1,1,1,1,1,1,"
           "287,1,1,maybe\n");
  write_file(p, text);
  snprintf(args, sizeof args,
           "standards '" FIX "/scenario.ini' --inventory '%s'", p);
  cr_expect_eq(run(args), 1);
  char *err = out_text("err");
  cr_expect(strstr(err, "inv.csv:3: field 'social_work_purchased'") != NULL,
            "stderr: %s", err);
  free(err);
}

Test(standards_cli, usage, .init = mk_tmp, .fini = rm_tmp) {
  cr_expect_eq(run("standards"), 2);
  cr_expect_eq(run("standards --help"), 0);
  char *out = out_text("out");
  cr_expect(strstr(out, "Usage: eldercap standards") != NULL);
  free(out);
  cr_expect_eq(run("standards '" FIX "/scenario.ini' --as-of 2017-02-30"), 2);
  cr_expect_eq(run("standards '" FIX "/scenario.ini' --bogus"), 2);
  cr_expect_eq(run("standards '" FIX "/scenario.ini' --inventory"), 2);
  /* a scenario without [data] units is a data error */
  char p[256], args[512];
  snprintf(p, sizeof p, "%s/s.ini", tmpdir);
  write_file(p, "[scenario]\nname = x\n");
  snprintf(args, sizeof args, "standards '%s'", p);
  cr_expect_eq(run(args), 1);
  char *err = out_text("err");
  cr_expect(strstr(err, "data.units") != NULL, "stderr: %s", err);
  free(err);
}
