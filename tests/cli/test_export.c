/* test_export.c — `eldercap export` on the Xinzheng baseline, checked against
 * the HDF5 values (read with eldercap's plain whole-dataset reader), shapelib,
 * and GDAL's ogrinfo/gdalsrsinfo as the independent GIS client (Debian
 * gdal-bin; scripts/bootstrap installs it — missing tools fail the test).   */
#include <criterion/criterion.h>
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eldercap/ec_results.h"

static char tmpdir[256];
static char h5[320];

static int run(const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' %s >'%s/out' 2>'%s/err'", EC_BIN, args, tmpdir, tmpdir);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  size_t k = fread(b, 1, (size_t)n, f);
  b[k] = '\0';
  fclose(f);
  return b;
}

static char *tmpfile_text(const char *name) {
  char p[400];
  snprintf(p, sizeof p, "%s/%s", tmpdir, name);
  return slurp(p);
}

static void setup(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ec_cliexport_XXXXXX");
  cr_assert(mkdtemp(tmpdir));
  snprintf(h5, sizeof h5, "%s/x.h5", tmpdir);
  char args[1024];
  snprintf(args, sizeof args, "run '%s/scenarios/xinzheng.ini' -q -o '%s'", EC_SOURCE_DIR, h5);
  cr_assert_eq(run(args), 0, "baseline run failed");
}
static void teardown(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  (void)!system(cmd);
}

TestSuite(cli_export, .init = setup, .fini = teardown, .timeout = 120);

static int field(DBFHandle d, const char *name) {
  for (int i = 0; i < DBFGetFieldCount(d); i++) {
    char f[12];
    DBFGetFieldInfo(d, i, f, NULL, NULL);
    if (!strcasecmp(f, name)) return i;
  }
  return -1;
}

Test(cli_export, shapefile_equals_hdf5_and_gdal_reads_it) {
  char args[1024];
  snprintf(args, sizeof args, "export '%s' --format shp -o '%s/shp' --year 2025", h5, tmpdir);
  cr_assert_eq(run(args), 0, "%s", tmpfile_text("err"));
  /* the HDF5 values: [year, township], year 2025 = index 2025 - first year */
  int nd;
  size_t sh[EC_H5_MAXDIMS], ysh[EC_H5_MAXDIMS];
  double *req, *gap, *per, *years;
  ec_error err;
  cr_assert_eq(ec_results_read_double(h5, "beds_required", &nd, sh, &req, &err), 0);
  cr_assert_eq(ec_results_read_double(h5, "bed_gap", &nd, sh, &gap, &err), 0);
  cr_assert_eq(ec_results_read_double(h5, "beds_per_1000", &nd, sh, &per, &err), 0);
  cr_assert_eq(ec_results_read_double(h5, "year", &nd, ysh, &years, &err), 0);
  size_t y = (size_t)(2025 - years[0]), nt = sh[1];
  cr_assert_eq(years[y], 2025);
  size_t nn;
  char **names;
  cr_assert_eq(ec_results_read_strings(h5, "township_name", &nn, &names, &err), 0);
  char p[500];
  snprintf(p, sizeof p, "%s/shp/townships.dbf", tmpdir);
  DBFHandle dbf = DBFOpen(p, "rb");
  cr_assert(dbf);
  cr_assert_eq((size_t)DBFGetRecordCount(dbf), nt);
  int fr = field(dbf, "beds_req"), fg = field(dbf, "bed_gap"), fp = field(dbf, "beds_p1000"),
      fn = field(dbf, "name_zh"), fy = field(dbf, "year");
  cr_assert(fr >= 0 && fg >= 0 && fp >= 0 && fn >= 0 && fy >= 0);
  for (size_t u = 0; u < nt; u++) {
    cr_assert_float_eq(DBFReadDoubleAttribute(dbf, (int)u, fr), req[y * nt + u], 0.5);
    cr_assert_float_eq(DBFReadDoubleAttribute(dbf, (int)u, fg), gap[y * nt + u], 0.5);
    /* 6 decimals in the DBF */
    cr_assert_float_eq(DBFReadDoubleAttribute(dbf, (int)u, fp), per[y * nt + u], 0.5e-6);
    cr_assert_str_eq(DBFReadStringAttribute(dbf, (int)u, fn), names[u]);
    cr_assert_eq(DBFReadIntegerAttribute(dbf, (int)u, fy), 2025);
  }
  DBFClose(dbf);
  /* GDAL: EPSG recognised from the ESRI .prj, Chinese names through the .cpg */
  cr_assert_eq(system("command -v ogrinfo >/dev/null && command -v gdalsrsinfo >/dev/null"), 0,
               "ogrinfo/gdalsrsinfo missing: install gdal-bin (scripts/bootstrap)");
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "ogrinfo -ro -al '%s/shp/townships.shp' > '%s/ogr.txt' 2>&1",
           tmpdir, tmpdir);
  cr_assert_eq(system(cmd), 0);
  char *ogr = tmpfile_text("ogr.txt");
  cr_assert(strstr(ogr, "ID[\"EPSG\",4547]"), "ogrinfo does not see EPSG:4547");
  cr_assert(strstr(ogr, "Feature Count: 12") || strstr(ogr, "OGRFeature(townships):11"));
  for (size_t u = 0; u < nt; u++) cr_assert(strstr(ogr, names[u]), "%s not in ogrinfo", names[u]);
  cr_assert(strstr(ogr, "name_zh (String) = 新村镇"));
  free(ogr);
  snprintf(cmd, sizeof cmd, "gdalsrsinfo -e '%s/shp/townships.prj' > '%s/srs.txt' 2>&1", tmpdir,
           tmpdir);
  cr_assert_eq(system(cmd), 0);
  char *srs = tmpfile_text("srs.txt");
  cr_assert(strstr(srs, "EPSG:4547"), "%s", srs);
  free(srs);
  snprintf(cmd, sizeof cmd, "ogrinfo -ro -al -so '%s/shp/facilities.shp' > '%s/fac.txt' 2>&1",
           tmpdir, tmpdir);
  cr_assert_eq(system(cmd), 0);
  char *fac = tmpfile_text("fac.txt");
  cr_assert(strstr(fac, "Geometry: Point") && strstr(fac, "Feature Count: 12"), "%s", fac);
  free(fac);
  for (size_t u = 0; u < nn; u++) free(names[u]);
  free(names);
  free(req);
  free(gap);
  free(per);
  free(years);
}

Test(cli_export, reprojected_to_wgs84_gdal_sees_epsg4326) {
  char args[1024];
  snprintf(args, sizeof args, "export '%s' --format shp --crs EPSG:4326 -o '%s/geo'", h5, tmpdir);
  cr_assert_eq(run(args), 0, "%s", tmpfile_text("err"));
  char cmd[1000];
  snprintf(cmd, sizeof cmd, "gdalsrsinfo -e '%s/geo/townships.prj' > '%s/srs.txt' 2>&1", tmpdir,
           tmpdir);
  cr_assert_eq(system(cmd), 0);
  char *srs = tmpfile_text("srs.txt");
  cr_assert(strstr(srs, "EPSG:4326"), "%s", srs);
  free(srs);
  /* facility 0 transformed independently by GDAL's gdaltransform */
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *fx, *fy;
  ec_error err;
  cr_assert_eq(ec_results_read_double(h5, "facility_x", &nd, sh, &fx, &err), 0);
  cr_assert_eq(ec_results_read_double(h5, "facility_y", &nd, sh, &fy, &err), 0);
  snprintf(cmd, sizeof cmd,
           "echo '%.6f %.6f' | gdaltransform -s_srs EPSG:4547 -t_srs EPSG:4326 -output_xy "
           "> '%s/gt.txt'",
           fx[0], fy[0], tmpdir);
  cr_assert_eq(system(cmd), 0, "gdaltransform failed");
  char *gt = tmpfile_text("gt.txt");
  double lon = 0, lat = 0;
  cr_assert_eq(sscanf(gt, "%lf %lf", &lon, &lat), 2, "%s", gt);
  free(gt);
  char p[500];
  snprintf(p, sizeof p, "%s/geo/facilities", tmpdir);
  SHPHandle shp = SHPOpen(p, "rb");
  cr_assert(shp);
  SHPObject *o = SHPReadObject(shp, 0);
  double x = o->padfX[0], y = o->padfY[0];
  SHPDestroyObject(o);
  SHPClose(shp);
  free(fx);
  free(fy);
  /* 1e-8 degrees is about 1 mm */
  cr_assert_float_eq(x, lon, 1e-8);
  cr_assert_float_eq(y, lat, 1e-8);
}

Test(cli_export, csv_long_table_equals_hdf5) {
  char args[1024];
  snprintf(args, sizeof args, "export '%s' --format csv -o '%s/csv'", h5, tmpdir);
  cr_assert_eq(run(args), 0, "%s", tmpfile_text("err"));
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *eld, *years;
  ec_error err;
  cr_assert_eq(ec_results_read_double(h5, "elderly", &nd, sh, &eld, &err), 0);
  cr_assert_eq(ec_results_read_double(h5, "year", &nd, (size_t[EC_H5_MAXDIMS]){0}, &years, &err),
               0);
  size_t ny, nt;
  ny = sh[0];
  nt = sh[1];
  char p[500];
  snprintf(p, sizeof p, "%s/csv/township_year.csv", tmpdir);
  FILE *f = fopen(p, "r");
  cr_assert(f);
  char line[8192];
  cr_assert(fgets(line, sizeof line, f));
  /* find the elderly column */
  int col = -1, k = 0;
  for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n"), k++)
    if (!strcmp(tok, "elderly")) col = k;
  cr_assert(col >= 0);
  size_t rows = 0;
  while (fgets(line, sizeof line, f)) {
    /* year,township_code,township_name,... (no quoted commas in these names) */
    char *fld[128];
    int n = 0;
    for (char *q = line; n < 128;) {
      fld[n++] = q;
      char *c = strchr(q, ',');
      if (!c) break;
      *c = '\0';
      q = c + 1;
    }
    cr_assert(n > col);
    size_t y = rows / nt, u = rows % nt;
    cr_assert_eq(atof(fld[0]), years[y]);
    /* shortest round-trip text: exactly the stored double */
    cr_assert_eq(strtod(fld[col], NULL), eld[y * nt + u], "row %zu", rows);
    rows++;
  }
  fclose(f);
  cr_assert_eq(rows, ny * nt);
  snprintf(p, sizeof p, "%s/csv/township_year_fields.csv", tmpdir);
  char *dict = slurp(p);
  cr_assert(dict && !strncmp(dict, "short_name,long_name,units,description\n", 39));
  cr_assert(strstr(dict, "elderly,elderly,persons,"));
  free(dict);
  free(eld);
  free(years);
}

Test(cli_export, bad_options_exit_1_naming_the_option) {
  char args[1024];
  snprintf(args, sizeof args, "export '%s' --format shp -o '%s/o' --year 1990", h5, tmpdir);
  cr_assert_eq(run(args), 1);
  char *e = tmpfile_text("err");
  cr_assert(strstr(e, "--year") && strstr(e, "x.h5"), "%s", e);
  free(e);
  snprintf(args, sizeof args, "export '%s' --format shp -o '%s/o' --where capacity.x=1", h5,
           tmpdir);
  cr_assert_eq(run(args), 1);
  e = tmpfile_text("err");
  cr_assert(strstr(e, "--where"), "%s", e);
  free(e);
  snprintf(args, sizeof args, "export '%s/missing.h5' --format csv -o '%s/o'", tmpdir, tmpdir);
  cr_assert_eq(run(args), 1);
  e = tmpfile_text("err");
  cr_assert(strstr(e, "missing.h5"), "%s", e);
  free(e);
  snprintf(args, sizeof args, "export '%s' --format kml -o '%s/o'", h5, tmpdir);
  cr_assert_eq(run(args), 2);
  char p[400];
  snprintf(p, sizeof p, "%s/o", tmpdir);
  cr_assert_neq(access(p, F_OK), 0, "nothing may be left behind on failure");
}
