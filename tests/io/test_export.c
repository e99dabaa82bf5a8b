/* test_export.c — ec_export on a hand-made results file with a sweep
 * (`scenario` axis), read back with shapelib and a plain CSV parse.
 *
 * Independent expectations: the values are the ones this test writes into the
 * HDF5 file; polygon areas are hand-computed (a 2 km x 1 km rectangle = 2e6 m2,
 * a 1 km square with a 0.2 km x 0.2 km hole = 0.96e6 m2); DBF field names
 * follow the dBase limit of 10 ASCII bytes; UTF-8 boundaries from the
 * encoding (CJK characters are 3 bytes each).                                */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eldercap/ec_export.h"
#include "eldercap/ec_results.h"

static char tmpdir[256];
static char h5[300];

/* 3 scenarios (beds_per_1000 = 35, 40, 45) x 2 years x 2 townships. */
static void make_results(void) {
  ec_error err;
  ec_results *r;
  snprintf(h5, sizeof h5, "%s/sweep.h5", tmpdir);
  cr_assert_eq(ec_results_create(h5, &r, &err), 0, "%s", err.msg);
  cr_assert_eq(ec_results_provenance(r, "test", "t.ini", "[scenario]\n", 1, &err), 0);
  cr_assert_eq(ec_results_attr_str(r, NULL, "crs", "EPSG:4547", &err), 0);
  int sc[] = {0, 1, 2}, yr[] = {2017, 2018}, tw[] = {0, 1}, fa[] = {0};
  cr_assert_eq(ec_results_dim(r, "scenario", 3, sc, NULL, "1", "scenario", &err), 0);
  cr_assert_eq(ec_results_dim(r, "year", 2, yr, NULL, "year", "year", &err), 0);
  cr_assert_eq(ec_results_dim(r, "township", 2, tw, NULL, "1", "township", &err), 0);
  cr_assert_eq(ec_results_dim(r, "facility", 1, fa, NULL, "1", "facility", &err), 0);
  const char *dS[] = {"scenario"}, *dT[] = {"township"}, *dF[] = {"facility"};
  const char *dSYT[] = {"scenario", "year", "township"};
  double bp[] = {35, 40, 45};
  cr_assert_eq(ec_results_put(r, "sweep_capacity.beds_per_1000", EC_H5_DOUBLE, 1, dS,
                              "beds per 1000 persons", "swept", bp, &err), 0);
  const char *code[] = {"410184101000", "410184102000"};
  const char *name[] = {"新村镇", "辛店镇"};
  const char *wkt[] = {
      "POLYGON ((470000 3800000, 472000 3800000, 472000 3801000, 470000 3801000, "
      "470000 3800000))",
      "POLYGON ((480000 3800000, 481000 3800000, 481000 3801000, 480000 3801000, "
      "480000 3800000), (480400 3800400, 480600 3800400, 480600 3800600, 480400 "
      "3800600, 480400 3800400))"};
  cr_assert_eq(ec_results_put(r, "township_code", EC_H5_STRING, 1, dT, "1", "code", code, &err), 0);
  cr_assert_eq(ec_results_put(r, "township_name", EC_H5_STRING, 1, dT, "1", "name", name, &err), 0);
  cr_assert_eq(ec_results_put(r, "township_geometry_wkt", EC_H5_STRING, 1, dT, "1", "wkt", wkt,
                              &err), 0);
  /* beds_required[s][y][u] = 100*s + 10*y + u + 0.25 */
  double v[12];
  for (int s = 0; s < 3; s++)
    for (int y = 0; y < 2; y++)
      for (int u = 0; u < 2; u++) v[(s * 2 + y) * 2 + u] = 100 * s + 10 * y + u + 0.25;
  cr_assert_eq(ec_results_put(r, "beds_required", EC_H5_DOUBLE, 3, dSYT, "beds", "required",
                              v, &err), 0);
  int8_t fl[12];
  for (int i = 0; i < 12; i++) fl[i] = (int8_t)(i % 2);
  cr_assert_eq(ec_results_put(r, "meets_bed_standard", EC_H5_INT8, 3, dSYT, "1", "meets", fl,
                              &err), 0);
  double fx[] = {471000}, fy[] = {3800500}, fb[] = {200};
  const char *fn[] = {"新村镇敬老院"};
  cr_assert_eq(ec_results_put(r, "facility_x", EC_H5_DOUBLE, 1, dF, "m", "x", fx, &err), 0);
  cr_assert_eq(ec_results_put(r, "facility_y", EC_H5_DOUBLE, 1, dF, "m", "y", fy, &err), 0);
  cr_assert_eq(ec_results_put(r, "facility_beds", EC_H5_DOUBLE, 1, dF, "beds", "beds", fb, &err), 0);
  cr_assert_eq(ec_results_put(r, "facility_name", EC_H5_STRING, 1, dF, "1", "name", fn, &err), 0);
  cr_assert_eq(ec_results_commit(r, &err), 0, "%s", err.msg);
}

static void setup(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ec_export_XXXXXX");
  cr_assert(mkdtemp(tmpdir));
  make_results();
}
static void teardown(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  (void)!system(cmd);
}

TestSuite(export, .init = setup, .fini = teardown);

static int field(DBFHandle d, const char *name) {
  for (int i = 0; i < DBFGetFieldCount(d); i++) {
    char f[12];
    DBFGetFieldInfo(d, i, f, NULL, NULL);
    if (!strcasecmp(f, name)) return i;
  }
  return -1;
}

static double ring_area(const SHPObject *o) {
  double a = 0; /* shoelace over all rings: shapefile outer rings clockwise (negative) */
  for (int p = 0; p < o->nParts; p++) {
    int s = o->panPartStart[p], e = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
    for (int i = s; i + 1 < e; i++)
      a += o->padfX[i] * o->padfY[i + 1] - o->padfX[i + 1] * o->padfY[i];
  }
  return -a / 2;
}

Test(export, shapefile_of_one_swept_scenario_reads_back) {
  ec_export_opts o = {0};
  char out[400];
  snprintf(out, sizeof out, "%s/shp", tmpdir);
  o.format = EC_EXPORT_SHP;
  o.out_dir = out;
  o.req.nwhere = 1;
  o.req.where[0] = "capacity.beds_per_1000=40"; /* scenario 1 */
  o.req.has_year = 1;
  o.req.year = 2018;
  ec_export_summary s;
  ec_error err;
  cr_assert_eq(ec_export_run(h5, &o, &s, &err), 0, "%s", err.msg);
  cr_assert_eq(s.scenario, 1);
  char p[500];
  snprintf(p, sizeof p, "%s/townships", out);
  SHPHandle shp = SHPOpen(p, "rb");
  DBFHandle dbf = DBFOpen(p, "rb");
  cr_assert(shp && dbf);
  cr_assert_eq(DBFGetRecordCount(dbf), 2);
  int fb = field(dbf, "beds_req"), fm = field(dbf, "meets_std"), fn = field(dbf, "name_zh");
  int fs = field(dbf, "scenario");
  cr_assert(fb >= 0 && fm >= 0 && fn >= 0 && fs >= 0);
  for (int u = 0; u < 2; u++) {
    /* scenario 1, year index 1: 100 + 10 + u + 0.25; flag (1*2+1)*2+u -> u */
    cr_assert_float_eq(DBFReadDoubleAttribute(dbf, u, fb), 110.25 + u, 0.5e-6);
    cr_assert_eq(DBFReadIntegerAttribute(dbf, u, fm), u % 2);
    cr_assert_eq(DBFReadIntegerAttribute(dbf, u, fs), 1);
  }
  cr_assert_str_eq(DBFReadStringAttribute(dbf, 0, fn), "新村镇");
  SHPObject *a = SHPReadObject(shp, 0), *b = SHPReadObject(shp, 1);
  cr_assert_float_eq(ring_area(a), 2e6, 1e-3);
  cr_assert_eq(b->nParts, 2);
  cr_assert_float_eq(ring_area(b), 1e6 - 0.04e6, 1e-3);
  SHPDestroyObject(a);
  SHPDestroyObject(b);
  SHPClose(shp);
  DBFClose(dbf);
  /* sidecar files */
  const char *side[] = {"townships.cpg", "townships.prj", "townships_fields.csv",
                        "facilities.shp", "facilities_fields.csv"};
  for (int i = 0; i < 5; i++) {
    snprintf(p, sizeof p, "%s/%s", out, side[i]);
    cr_assert_eq(access(p, F_OK), 0, "%s missing", side[i]);
  }
  snprintf(p, sizeof p, "%s/townships.cpg", out);
  FILE *f = fopen(p, "r");
  char cpg[16] = "";
  cr_assert(fgets(cpg, sizeof cpg, f));
  fclose(f);
  cr_assert(!strncmp(cpg, "UTF-8", 5));
}

Test(export, csv_long_table_holds_every_scenario_year_township) {
  ec_export_opts o = {0};
  char out[400];
  snprintf(out, sizeof out, "%s/csv", tmpdir);
  o.format = EC_EXPORT_CSV;
  o.out_dir = out;
  ec_export_summary s;
  ec_error err;
  cr_assert_eq(ec_export_run(h5, &o, &s, &err), 0, "%s", err.msg);
  cr_assert_eq(s.ntable_rows, 12);
  char p[500], line[1024];
  snprintf(p, sizeof p, "%s/township_year.csv", out);
  FILE *f = fopen(p, "r");
  cr_assert(f);
  cr_assert(fgets(line, sizeof line, f));
  cr_assert(!strncmp(line, "scenario,sweep_capacity.beds_per_1000,year,township_code,"
                           "township_name,beds_required,meets_bed_standard",
                     strlen("scenario,sweep_capacity.beds_per_1000,year,township_code,"
                            "township_name,beds_required,meets_bed_standard")),
            "%s", line);
  int rows = 0;
  while (fgets(line, sizeof line, f)) {
    int sc, yr;
    double bp, req;
    char code[32], nm[64];
    int m;
    cr_assert_eq(sscanf(line, "%d,%lf,%d,%31[^,],%63[^,],%lf,%d", &sc, &bp, &yr, code, nm,
                        &req, &m), 7, "%s", line);
    int y = yr - 2017, u = strcmp(code, "410184101000") ? 1 : 0;
    cr_assert_float_eq(req, 100 * sc + 10 * y + u + 0.25, 1e-12);
    cr_assert_float_eq(bp, 35 + 5 * sc, 1e-12);
    rows++;
  }
  fclose(f);
  cr_assert_eq(rows, 12);
}

Test(export, errors_name_the_option_and_keep_existing_output) {
  char out[400], keep[500];
  snprintf(out, sizeof out, "%s/keep", tmpdir);
  mkdir(out, 0755);
  snprintf(keep, sizeof keep, "%s/townships.shp", out);
  FILE *f = fopen(keep, "w");
  fputs("old", f);
  fclose(f);
  ec_export_opts o = {0};
  o.format = EC_EXPORT_SHP;
  o.out_dir = out;
  ec_export_summary s;
  ec_error err;
  /* three scenarios, none chosen */
  cr_assert_neq(ec_export_run(h5, &o, &s, &err), 0);
  cr_assert_str_eq(err.field, "--scenario");
  o.req.nwhere = 1;
  o.req.where[0] = "capacity.no_such_key=1";
  cr_assert_eq(ec_export_run(h5, &o, &s, &err), EC_ERR_MISSING);
  cr_assert_str_eq(err.field, "--where");
  cr_assert(strstr(err.msg, "capacity.beds_per_1000"), "%s", err.msg);
  o.req.where[0] = "capacity.beds_per_1000=45";
  o.req.has_year = 1;
  o.req.year = 2040;
  cr_assert_eq(ec_export_run(h5, &o, &s, &err), EC_ERR_RANGE);
  cr_assert_str_eq(err.field, "--year");
  cr_assert_str_eq(err.file, h5);
  o.req.year = 2017;
  o.crs = "EPSG:not-a-crs";
  cr_assert_eq(ec_export_run(h5, &o, &s, &err), EC_ERR_CRS);
  f = fopen(keep, "r");
  char buf[8] = "";
  cr_assert(fgets(buf, sizeof buf, f));
  fclose(f);
  cr_assert_str_eq(buf, "old");
}

Test(export, short_names_fit_dbase_and_are_unique) {
  const char *n[] = {"township_code", "beds_per_1000", "standards_staff_required",
                     "standards_staff_required_range", "STANDARDS_staff_required",
                     "access_2sfca_medical_beds_within_radius", "9lives"};
  char out[7][11];
  ec_export_short_names(7, n, "township_", out);
  cr_assert_str_eq(out[0], "code");
  cr_assert_str_eq(out[1], "beds_p1000");
  for (int i = 0; i < 7; i++) {
    cr_assert(strlen(out[i]) >= 1 && strlen(out[i]) <= 10, "%s", out[i]);
    for (const char *c = out[i]; *c; c++) cr_assert((unsigned char)*c < 128);
    for (int j = 0; j < i; j++) cr_assert(strcasecmp(out[i], out[j]), "%s twice", out[i]);
  }
  cr_assert(out[6][0] == 'f', "a DBF field cannot start with a digit: %s", out[6]);
}

Test(export, utf8_cut_on_character_boundary) {
  /* 新村镇 = 3 characters x 3 bytes */
  cr_assert_eq(ec_export_utf8_fit("新村镇", 9), 9);
  cr_assert_eq(ec_export_utf8_fit("新村镇", 8), 6);
  cr_assert_eq(ec_export_utf8_fit("新村镇", 2), 0);
  cr_assert_eq(ec_export_utf8_fit("ab新", 4), 2);
  cr_assert_eq(ec_export_utf8_fit("abc", 10), 3);
}
