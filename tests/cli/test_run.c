/* test_run.c — `eldercap run/check/info` end to end on the embedded Xinzheng
 * data, read back with the HDF5 C API (not eldercap's own reader), and the
 * bad-input catalogue of the foundation issue.
 *
 * Independent expectations: the 7th census (2020) of 新郑市 counts 122,867
 * persons aged 60+, 88,558 aged 65+, 16,229 aged 80+ and 1,172,237 in all
 * (《中国人口普查分县资料-2020》, data/README.md). The bed formula is the
 * policy's: ceil(40 x elderly / 1000).                                         */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eldercap/ec_results.h"

#include "cli_test.h"


static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
}

static double *read_2d(hid_t f, const char *name, hsize_t *ny, hsize_t *nu) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert(d >= 0, "dataset %s", name);
  hid_t sp = H5Dget_space(d);
  hsize_t dims[2];
  cr_assert_eq(H5Sget_simple_extent_ndims(sp), 2);
  H5Sget_simple_extent_dims(sp, dims, NULL);
  double *v = malloc(dims[0] * dims[1] * sizeof *v);
  cr_assert(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(sp);
  H5Dclose(d);
  *ny = dims[0];
  *nu = dims[1];
  return v;
}

static char *read_attr(hid_t obj, const char *name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  cr_assert(a >= 0, "attribute %s", name);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  char *v = NULL;
  cr_assert(H5Aread(a, t, &v) >= 0);
  char *out = strdup(v);
  H5free_memory(v);
  H5Tclose(t);
  H5Aclose(a);
  return out;
}

TestSuite(run, .init = setup, .fini = teardown, .timeout = 120);

Test(run, baseline_matches_census_and_formula) {
  char cmd[2048], err[4096], h5[512];
  snprintf(h5, sizeof h5, "%s/xz.h5", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run -q %s/scenarios/xinzheng.ini -o %s", EC_BIN, EC_SOURCE_DIR, h5);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "run failed: %s", err);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert(f >= 0);
  /* year scale */
  hid_t dy = H5Dopen2(f, "year", H5P_DEFAULT);
  hid_t sp = H5Dget_space(dy);
  hsize_t nyear;
  H5Sget_simple_extent_dims(sp, &nyear, NULL);
  int *years = malloc(nyear * sizeof *years);
  H5Dread(dy, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, years);
  cr_assert_eq(H5DSis_scale(dy), 1, "year is a dimension scale");
  H5Sclose(sp);
  H5Dclose(dy);
  int i2020 = -1;
  for (hsize_t i = 0; i < nyear; i++)
    if (years[i] == 2020) i2020 = (int)i;
  cr_assert(i2020 >= 0);
  hsize_t ny, nu;
  double *p60 = read_2d(f, "pop_60plus", &ny, &nu);
  double *p65 = read_2d(f, "pop_65plus", &ny, &nu);
  double *p80 = read_2d(f, "pop_80plus", &ny, &nu);
  double *ptot = read_2d(f, "pop_total", &ny, &nu);
  double *eld = read_2d(f, "elderly", &ny, &nu);
  double *req = read_2d(f, "beds_required", &ny, &nu);
  double *avail = read_2d(f, "beds_available", &ny, &nu);
  double *gap = read_2d(f, "bed_gap", &ny, &nu);
  cr_assert_eq(ny, nyear);
  cr_assert_eq(nu, 12, "12 township polygons of 2017 units");
  double s60 = 0, s65 = 0, s80 = 0, stot = 0;
  for (hsize_t u = 0; u < nu; u++) {
    s60 += p60[i2020 * nu + u];
    s65 += p65[i2020 * nu + u];
    s80 += p80[i2020 * nu + u];
    stot += ptot[i2020 * nu + u];
  }
  cr_assert_eq(s60, 122867.0, "2020 60+ = census 122,867 (got %.6f)", s60);
  cr_assert_eq(s65, 88558.0);
  cr_assert_eq(s80, 16229.0);
  cr_assert_eq(stot, 1172237.0);
  for (hsize_t i = 0; i < ny * nu; i++) {
    /* the elderly threshold is 60 in the baseline */
    cr_assert_eq(eld[i], p60[i]);
    cr_assert_eq(req[i], ceil(40.0 * eld[i] / 1000.0), "beds_required formula at %zu", (size_t)i);
    cr_assert_eq(gap[i], req[i] - avail[i]);
    cr_assert(p60[i] >= p65[i] && p65[i] >= p80[i] && p80[i] >= 0);
  }
  /* the 200-bed home opens by 2018-06-30: counted from 2018, not in 2017 */
  for (hsize_t u = 0; u < nu; u++) {
    cr_assert_eq(avail[0 * nu + u], 0.0);
    cr_assert_eq(avail[1 * nu + u], 200.0);
  }
  /* units and provenance */
  hid_t d = H5Dopen2(f, "beds_required", H5P_DEFAULT);
  char *units = read_attr(d, "units");
  cr_assert_str_eq(units, "beds");
  free(units);
  H5Dclose(d);
  char *ini = read_attr(f, "scenario_ini");
  cr_assert(strstr(ini, "beds_per_1000 = 40"));
  free(ini);
  char *ver = read_attr(f, "eldercap_version");
  cr_assert(strlen(ver) > 0);
  free(ver);
  /* siting options [site, township]: ranked by the p-median objective, i.e.
   * by mean distance for one home; access shares are shares */
  hsize_t ns, nu2;
  double *md = read_2d(f, "site_mean_distance_m", &ns, &nu2);
  cr_assert_eq(ns, 3);
  cr_assert_eq(nu2, nu);
  for (hsize_t u = 0; u < nu; u++) {
    cr_assert_leq(md[u], md[nu + u]);
    cr_assert_leq(md[nu + u], md[2 * nu + u]);
  }
  double *sw = read_2d(f, "share_within_radius", &ny, &nu);
  for (hsize_t i = nu; i < ny * nu; i++) cr_assert(sw[i] >= 0 && sw[i] <= 1);
  free(md);
  free(sw);
  H5Fclose(f);
  free(years); free(p60); free(p65); free(p80); free(ptot); free(eld); free(req);
  free(avail); free(gap);
}

/* 二(一), 二(三): 郭店镇 had 44,268 people (c.2000, data/README.md), between
 * 30,000 and 50,000: 4 full-time staff and a budget of at least 200,000 yuan;
 * 28 villages + 4 communities = 32 stations, 32 x 500 x 12 = 192,000 yuan of
 * coordinator allowances. 新建路街道 has no population: unknown, not guessed. */
Test(run, standards_in_results) {
  char cmd[2048], err[4096], h5[512];
  snprintf(h5, sizeof h5, "%s/st.h5", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run -q %s/scenarios/xinzheng.ini -o %s", EC_BIN, EC_SOURCE_DIR, h5);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  size_t n;
  char **codes;
  ec_error e;
  cr_assert_eq(ec_results_read_strings(h5, "unit_code", &n, &codes, &e), 0, "%s", e.msg);
  cr_assert_eq(n, 15, "all 15 units of 2017");
  int gd = -1, xj = -1;
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(codes[i], "410184108000")) gd = (int)i;
    if (!strcmp(codes[i], "410184001000")) xj = (int)i;
    free(codes[i]);
  }
  free(codes);
  cr_assert(gd >= 0 && xj >= 0);
  int nd;
  size_t shp[EC_H5_MAXDIMS];
  double *staff, *budget, *stations, *allow;
  cr_assert_eq(ec_results_read_double(h5, "standards_staff_required", &nd, shp, &staff, &e), 0);
  cr_assert_eq(ec_results_read_double(h5, "standards_budget_min_yuan", &nd, shp, &budget, &e), 0);
  cr_assert_eq(ec_results_read_double(h5, "standards_stations_required", &nd, shp, &stations, &e), 0);
  cr_assert_eq(ec_results_read_double(h5, "standards_coordinator_allowance_yuan_per_year", &nd, shp,
                                      &allow, &e), 0);
  cr_assert_eq(staff[gd], 4.0);
  cr_assert_eq(budget[gd], 200000.0);
  cr_assert_eq(stations[gd], 32.0);
  cr_assert_eq(allow[gd], 192000.0);
  cr_assert(isnan(staff[xj]));
  free(staff);
  free(budget);
  free(stations);
  free(allow);
}

Test(run, set_override_changes_standard) {
  char cmd[2048], err[4096], h5[512];
  snprintf(h5, sizeof h5, "%s/x45.h5", tmpdir);
  snprintf(cmd, sizeof cmd,
           "%s run -q %s/scenarios/xinzheng.ini -o %s --set capacity.beds_per_1000=45 "
           "--set capacity.elderly_age=65",
           EC_BIN, EC_SOURCE_DIR, h5);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  hsize_t ny, nu;
  double *p65 = read_2d(f, "pop_65plus", &ny, &nu);
  double *eld = read_2d(f, "elderly", &ny, &nu);
  double *req = read_2d(f, "beds_required", &ny, &nu);
  for (hsize_t i = 0; i < ny * nu; i++) {
    cr_assert_eq(eld[i], p65[i]);
    cr_assert_eq(req[i], ceil(45.0 * eld[i] / 1000.0));
  }
  H5Fclose(f);
  free(p65); free(eld); free(req);
}

Test(run, info_and_check) {
  char cmd[2048], err[4096], h5[512];
  snprintf(h5, sizeof h5, "%s/xi.h5", tmpdir);
  snprintf(cmd, sizeof cmd, "%s check %s/scenarios/xinzheng.ini", EC_BIN, EC_SOURCE_DIR);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(cmd, sizeof cmd, "%s run -q %s/scenarios/xinzheng.ini -o %s && %s info %s", EC_BIN,
           EC_SOURCE_DIR, h5, EC_BIN, h5);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  char out[65536], path[512];
  snprintf(path, sizeof path, "%s/stdout.txt", tmpdir);
  FILE *fp = fopen(path, "r");
  size_t k = fread(out, 1, sizeof out - 1, fp);
  out[k] = '\0';
  fclose(fp);
  cr_assert(strstr(out, "beds_required"));
  cr_assert(strstr(out, "year=19, township=12"));
  /* info on something that is not a results file */
  snprintf(cmd, sizeof cmd, "%s info %s/scenarios/xinzheng.ini", EC_BIN, EC_SOURCE_DIR);
  cr_assert_eq(sh(cmd, err, sizeof err), 1);
  cr_assert(strstr(err, "xinzheng.ini"), "%s", err);
}

/* A scenario whose data paths point at the embedded data. */
static void scenario_with(const char *extra_data, const char *extra, char *ini) {
  snprintf(ini, 512, "%s/s.ini", tmpdir);
  char text[4096];
  snprintf(text, sizeof text,
           "[scenario]\nname = t\n[data]\n%s"
           "census = %s/data/xinzheng/census_age_sex.csv\ncensus_area = 410184\n"
           "mortality = %s/data/wpp2024/wpp2024_china_mx_abridged_1950_2100.csv\n"
           "fertility = %s/data/wpp2024/wpp2024_china_fertility_asfr5_1950_2100.csv\n%s",
           extra_data, EC_SOURCE_DIR, EC_SOURCE_DIR, EC_SOURCE_DIR, extra);
  write_file(ini, text);
}

static void expect_fail(const char *ini, const char *must_contain, const char *extra_args) {
  char cmd[2048], err[4096], h5[512];
  snprintf(h5, sizeof h5, "%s/keep.h5", tmpdir);
  write_file(h5, "previous good result");
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s %s", EC_BIN, ini, h5, extra_args ? extra_args : "");
  int rc = sh(cmd, err, sizeof err);
  cr_assert_eq(rc, 1, "exit 1 expected, got %d: %s", rc, err);
  cr_assert(strstr(err, must_contain), "message should name '%s': %s", must_contain, err);
  cr_assert(strncmp(err, "eldercap: ", 10) == 0, "%s", err);
  FILE *f = fopen(h5, "r");
  char buf[64] = "";
  cr_assert(f);
  (void)!fgets(buf, sizeof buf, f);
  fclose(f);
  cr_assert_str_eq(buf, "previous good result", "existing result left intact");
  /* no temporary file left behind */
  char ls[512];
  snprintf(ls, sizeof ls, "ls -a %s | grep -c '\\.tmp-' >/dev/null", tmpdir);
  cr_assert_neq(system(ls), 0, "temporary file left in %s", tmpdir);
}

Test(run, missing_file) {
  char ini[512];
  scenario_with("townships = /nonexistent/towns.shp\n", "", ini);
  expect_fail(ini, "/nonexistent/towns.shp", NULL);
}

Test(run, missing_scenario) {
  char err[4096], cmd[1024];
  snprintf(cmd, sizeof cmd, "%s run %s/none.ini", EC_BIN, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 1);
  cr_assert(strstr(err, "none.ini"));
}

Test(run, unknown_key_names_file_and_line) {
  char ini[512];
  scenario_with("", "[capacity]\nbeds_per_1000 = 40\nbeds_per_thousand = 40\n", ini);
  /* the unknown key is on line 10 of the file written above */
  char where[600];
  snprintf(where, sizeof where, "%s:10:", ini);
  expect_fail(ini, where, NULL);
  expect_fail(ini, "beds_per_thousand", NULL);
}

Test(run, non_numeric_value) {
  char ini[512];
  scenario_with("", "[capacity]\nbeds_per_1000 = forty\n", ini);
  char where[600];
  snprintf(where, sizeof where, "%s:9:", ini);
  expect_fail(ini, where, NULL);
  expect_fail(ini, "forty", NULL);
}

Test(run, negative_beds) {
  char ini[512];
  scenario_with("", "[capacity]\nexisting_beds = -5\n", ini);
  expect_fail(ini, "capacity.existing_beds", NULL);
  /* and in a facilities file: the line and column are named */
  char fac[512], text[2048];
  snprintf(fac, sizeof fac, "%s/fac.csv", tmpdir);
  write_file(fac, "id,township,beds,medical\nh1,410184101000,120,1\nh2,410184102000,-30,0\n");
  snprintf(text, sizeof text, "townships = %s/data/xinzheng/townships.shp\nfacilities = %s\n",
           EC_SOURCE_DIR, fac);
  scenario_with(text, "", ini);
  char where[600];
  snprintf(where, sizeof where, "%s:3: field 'beds'", fac);
  expect_fail(ini, where, NULL);
}

Test(run, negative_beds_by_set_is_refused) {
  char ini[512];
  scenario_with("", "", ini);
  expect_fail(ini, "capacity.existing_beds", "--set capacity.existing_beds=-1");
}

static void copy_layer(const char *dst_base, int with_prj) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "cp %s/data/xinzheng/townships.shp %s.shp && cp %s/data/xinzheng/townships.shx %s.shx",
           EC_SOURCE_DIR, dst_base, EC_SOURCE_DIR, dst_base);
  cr_assert_eq(system(cmd), 0);
  if (with_prj) {
    snprintf(cmd, sizeof cmd, "cp %s/data/xinzheng/townships.prj %s.prj", EC_SOURCE_DIR, dst_base);
    cr_assert_eq(system(cmd), 0);
  }
}

Test(run, dbf_without_population_field) {
  char base[512], ini[512], text[1024];
  snprintf(base, sizeof base, "%s/nopop", tmpdir);
  copy_layer(base, 1);
  /* a DBF with the code and name but no POP field, written with shapelib */
  char dbfpath[600];
  snprintf(dbfpath, sizeof dbfpath, "%s.dbf", base);
  DBFHandle src;
  char srcpath[600];
  snprintf(srcpath, sizeof srcpath, "%s/data/xinzheng/townships.dbf", EC_SOURCE_DIR);
  src = DBFOpen(srcpath, "rb");
  cr_assert(src);
  DBFHandle d = DBFCreateEx(dbfpath, "UTF-8");
  DBFAddField(d, "CODE", FTString, 40, 0);
  DBFAddField(d, "NAME_ZH", FTString, 100, 0);
  int ci = DBFGetFieldIndex(src, "CODE"), ni = DBFGetFieldIndex(src, "NAME_ZH");
  for (int i = 0; i < DBFGetRecordCount(src); i++) {
    char code[64], name[128];
    snprintf(code, sizeof code, "%s", DBFReadStringAttribute(src, i, ci));
    snprintf(name, sizeof name, "%s", DBFReadStringAttribute(src, i, ni));
    DBFWriteStringAttribute(d, i, 0, code);
    DBFWriteStringAttribute(d, i, 1, name);
  }
  DBFClose(d);
  DBFClose(src);
  snprintf(text, sizeof text, "townships = %s.shp\n", base);
  scenario_with(text, "", ini);
  expect_fail(ini, "POP", NULL);
  expect_fail(ini, "nopop.shp", NULL);
}

Test(run, shapefile_without_prj) {
  char base[512], ini[512], text[1024], cmd[1024];
  snprintf(base, sizeof base, "%s/noprj", tmpdir);
  copy_layer(base, 0);
  snprintf(cmd, sizeof cmd, "cp %s/data/xinzheng/townships.dbf %s.dbf", EC_SOURCE_DIR, base);
  cr_assert_eq(system(cmd), 0);
  snprintf(text, sizeof text, "townships = %s.shp\n", base);
  scenario_with(text, "", ini);
  expect_fail(ini, ".prj", NULL);
  expect_fail(ini, "noprj", NULL);
}

Test(run, geographic_working_crs_refused) {
  char ini[512], text[1024];
  snprintf(text, sizeof text, "townships = %s/data/xinzheng/townships.shp\ncrs = EPSG:4326\n",
           EC_SOURCE_DIR);
  scenario_with(text, "", ini);
  expect_fail(ini, "data.crs", NULL);
}

Test(run, unwritable_output_keeps_previous) {
  if (geteuid() == 0) {
    /* root ignores directory permissions: use a path whose parent is a file */
    char cmd[2048], err[4096];
    snprintf(cmd, sizeof cmd, "%s run -q %s/scenarios/xinzheng.ini -o %s/stdout.txt/x.h5",
             EC_BIN, EC_SOURCE_DIR, tmpdir);
    cr_assert_eq(sh(cmd, err, sizeof err), 1, "%s", err);
    cr_assert(strstr(err, "x.h5"), "%s", err);
  }
  char dir[600], cmd[2048], err[4096], h5[700];
  snprintf(dir, sizeof dir, "%s/ro", tmpdir);
  mkdir(dir, 0755);
  snprintf(h5, sizeof h5, "%s/old.h5", dir);
  write_file(h5, "previous good result");
  chmod(dir, 0555);
  snprintf(cmd, sizeof cmd, "%s run -q %s/scenarios/xinzheng.ini -o %s", EC_BIN, EC_SOURCE_DIR, h5);
  int rc = sh(cmd, err, sizeof err);
  if (geteuid() != 0) {
    cr_assert_eq(rc, 1, "%s", err);
    cr_assert(strstr(err, "old.h5"), "%s", err);
  }
  chmod(dir, 0755);
  if (geteuid() != 0) {
    FILE *f = fopen(h5, "r");
    char buf[64] = "";
    (void)!fgets(buf, sizeof buf, f);
    fclose(f);
    cr_assert_str_eq(buf, "previous good result");
  }
}

Test(run, usage_errors_exit_2) {
  char cmd[1024], err[4096];
  snprintf(cmd, sizeof cmd, "%s run", EC_BIN);
  cr_assert_eq(sh(cmd, err, sizeof err), 2);
  snprintf(cmd, sizeof cmd, "%s run --bogus x.ini", EC_BIN);
  cr_assert_eq(sh(cmd, err, sizeof err), 2);
  snprintf(cmd, sizeof cmd, "%s frobnicate", EC_BIN);
  cr_assert_eq(sh(cmd, err, sizeof err), 2);
  snprintf(cmd, sizeof cmd, "%s --version", EC_BIN);
  cr_assert_eq(sh(cmd, err, sizeof err), 0);
}

static double *read_1d(hid_t f, const char *name, hsize_t *n) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  cr_assert(d >= 0, "dataset %s", name);
  hid_t sp = H5Dget_space(d);
  H5Sget_simple_extent_dims(sp, n, NULL);
  double *v = malloc(*n * sizeof *v);
  cr_assert(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(sp);
  H5Dclose(d);
  return v;
}

/* An existing 250-bed home giving medical care in 新村镇 since 2016: that unit
 * needs no planned home; by hand, 2017 has 1 home (medical) -> share 1 > 0.5,
 * rule met; 2018 adds 11 planned homes of unknown status -> 1/12 known medical,
 * and the rule is undecided (-1) until their status is known. */
Test(run, existing_home_and_medical_rule) {
  char fac[512], ini[512], text[2048], cmd[2048], err[4096], h5[512];
  snprintf(fac, sizeof fac, "%s/fac.csv", tmpdir);
  write_file(fac, "id,township,beds,medical,opening_year,lon,lat\n"
                  "h1,410184101000,250,1,2016,113.71,34.45\n");
  snprintf(text, sizeof text, "townships = %s/data/xinzheng/townships.shp\nfacilities = %s\n",
           EC_SOURCE_DIR, fac);
  scenario_with(text, "", ini);
  snprintf(h5, sizeof h5, "%s/f.h5", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s", EC_BIN, ini, h5);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
  hsize_t ny, nu, nyy;
  double *avail = read_2d(f, "beds_available", &ny, &nu);
  double *homes = read_1d(f, "homes_open", &nyy);
  double *rule = read_1d(f, "meets_medical_rule", &nyy);
  double *nfac = read_1d(f, "facility_beds", &nyy);
  cr_assert_eq(nyy, 12, "1 existing + 11 planned homes");
  /* unit order is by code: 新村镇 410184101000 is the second feature */
  cr_assert_eq(avail[0 * nu + 1], 250.0);
  cr_assert_eq(avail[1 * nu + 1], 250.0);
  cr_assert_eq(avail[1 * nu + 2], 200.0);
  cr_assert_eq(homes[0], 1.0);
  cr_assert_eq(homes[1], 12.0);
  cr_assert_eq(rule[0], 1.0);
  cr_assert_eq(rule[1], -1.0);
  H5Fclose(f);
  free(avail); free(homes); free(rule); free(nfac);
}

/* --json: the same summary, machine-readable; 2020's city elderly is the
 * census count 122,867 and each township's requirement follows the formula. */
Test(run, json_summary) {
  char cmd[2048], err[4096], path[512];
  snprintf(cmd, sizeof cmd, "%s run %s/scenarios/xinzheng.ini -o %s/j.h5 --json", EC_BIN,
           EC_SOURCE_DIR, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(path, sizeof path, "%s/stdout.txt", tmpdir);
  FILE *f = fopen(path, "r");
  static char text[1 << 20];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  cJSON *root = cJSON_Parse(text);
  cr_assert(root, "stdout is JSON");
  const cJSON *years = cJSON_GetObjectItem(root, "years"), *y;
  int seen = 0;
  cJSON_ArrayForEach(y, years) {
    if (cJSON_GetObjectItem(y, "year")->valuedouble != 2020) continue;
    seen = 1;
    const cJSON *city = cJSON_GetObjectItem(y, "city");
    cr_assert_eq(cJSON_GetObjectItem(city, "elderly")->valuedouble, 122867.0);
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(y, "townships")) {
      double e = cJSON_GetObjectItem(t, "elderly")->valuedouble;
      cr_assert_eq(cJSON_GetObjectItem(t, "beds_required")->valuedouble, ceil(40 * e / 1000));
    }
  }
  cr_assert(seen, "2020 is a summary year");
  cJSON_Delete(root);
}
