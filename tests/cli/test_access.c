/* test_access.c (cli) — `eldercap access` on small files: output values
 * against pysal's hospital fixture (tests/data/access/fixture3_expected.csv,
 * scenario 0) and a hand case, and bad-input exit codes and messages. */
#include <criterion/criterion.h>
#include <shapefil.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void put(const char *name, const char *text) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

/* run eldercap access ARGS in dir; capture stdout+stderr into out */
static int run(const char *args, char *out, size_t size) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cd %s && '%s' access %s 2>&1", dir, EC_BIN, args);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, size - 1, p);
  out[n] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void read_out(const char *name, char *buf, size_t size) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "r");
  cr_assert_not_null(f, "no %s", name);
  size_t n = fread(buf, 1, size - 1, f);
  buf[n] = 0;
  fclose(f);
}

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/ec_cli_access_XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  /* pysal hospital example, cost scenario 0 */
  put("D.csv", "id,weight\n1,100\n2,50\n3,10\n");
  put("S.csv", "id,doc\n1,15\n2,20\n3,100\n");
  put("C.csv", "origin,dest,cost\n1,1,1\n2,2,1\n3,3,1\n1,3,40\n2,3,40\n"
               "3,1,40\n3,2,40\n1,2,80\n2,1,80\n");
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {
  }
}

TestSuite(cli_access, .init = setup, .fini = teardown);

static void check_values(const char *csv, const double *want, int n) {
  const char *p = strchr(csv, '\n');
  cr_assert_not_null(p);
  for (int i = 0; i < n; i++) {
    const char *comma = strchr(p + 1, ',');
    cr_assert_not_null(comma);
    double v = strtod(comma + 1, NULL);
    cr_assert(fabs(v - want[i]) <= 1e-9, "row %d: %.17g vs %.17g", i, v,
              want[i]);
    p = strchr(comma, '\n');
  }
}

Test(cli_access, pysal_fixture_2sfca_3sfca) {
  char out[4096], csv[4096];
  cr_assert_eq(run("--demand D.csv --supply S.csv --costs C.csv --method "
                   "2sfca --decay gravity:-1 --max-cost 61 -o A.csv -q",
                   out, sizeof out),
               0, "%s", out);
  read_out("A.csv", csv, sizeof csv);
  cr_assert(!strncmp(csv, "id,access\n1,", 12), "%s", csv);
  /* fixture3_expected.csv scenario 0, g2sfca_gravity_inv_d_max61 */
  const double g2[3] = {0.331444116980277, 0.579828132066938, 7.28641816986254};
  check_values(csv, g2, 3);
  cr_assert_eq(run("--demand D.csv --supply S.csv --costs C.csv --method "
                   "3sfca --decay gravity:-1 --max-cost 61 -o A.csv -q",
                   out, sizeof out),
               0, "%s", out);
  read_out("A.csv", csv, sizeof csv);
  const double g3[3] = {0.15625658829062, 0.406216452450861, 9.9063518548395};
  check_values(csv, g3, 3);
}

Test(cli_access, euclidean_json_and_nan) {
  /* hand case: demand at (0,0) 10 persons and (100,0) 30 persons, (5000,0)
   * 1 person; one facility at (0,50) with 8 beds; cut 200: both near points
   * reach it (d = 50 and sqrt(100^2 + 50^2) = 111.8) -> D = 40, R = 0.2,
   * A = 0.2, 0.2, NaN (far point). Weighted mean = (10*.2 + 30*.2) / 40. */
  char out[4096], csv[4096];
  put("De.csv", "id,weight,x,y\na,10,0,0\nb,30,100,0\nc,1,5000,0\n");
  put("Se.csv", "id,beds,x,y,medical\nh,8,0,50,1\n");
  cr_assert_eq(run("--demand De.csv --supply Se.csv --method 2sfca "
                   "--max-cost 200 -o E.csv --json",
                   out, sizeof out),
               0, "%s", out);
  read_out("E.csv", csv, sizeof csv);
  cr_assert_str_eq(csv, "id,access\na,0.20000000000000001\n"
                        "b,0.20000000000000001\nc,NaN\n");
  cr_assert(strstr(out, "\"method\":\t\"2sfca\""), "%s", out);
  cr_assert(strstr(out, "\"n_demand\":\t3"), "%s", out);
  cr_assert(strstr(out, "\"nnz\":\t2"), "%s", out);
  cr_assert(strstr(out, "\"weighted_mean_access\":\t0.2"), "%s", out);
  /* --no-reach-zero: c gets 0 */
  cr_assert_eq(run("--demand De.csv --supply Se.csv --method 2sfca "
                   "--max-cost 200 --no-reach-zero -o E.csv -q",
                   out, sizeof out),
               0);
  read_out("E.csv", csv, sizeof csv);
  cr_assert(strstr(csv, "c,0\n"), "%s", csv);
  /* nearest: 50, 111.80339887498948, NaN beyond 200 */
  cr_assert_eq(run("--demand De.csv --supply Se.csv --method nearest "
                   "--max-cost 200 -o N.csv -q",
                   out, sizeof out),
               0);
  read_out("N.csv", csv, sizeof csv);
  cr_assert(strstr(csv, "a,50\n"), "%s", csv);
  cr_assert(strstr(csv, "b,111.80339887498948\n"), "%s", csv);
}

Test(cli_access, bad_inputs_exit_codes_and_messages) {
  char out[4096];
  put("Cu.csv", "origin,dest,cost\n1,1,1\n1,9,3\n");
  cr_assert_eq(run("--demand D.csv --supply S.csv --costs Cu.csv --method "
                   "2sfca -o X.csv",
                   out, sizeof out),
               1);
  cr_assert(strstr(out, "Cu.csv:3: field 'dest': unknown supply id '9'"), "%s",
            out);
  put("Cd.csv", "origin,dest,cost\n1,1,1\n2,2,1\n1,1,3\n");
  cr_assert_eq(run("--demand D.csv --supply S.csv --costs Cd.csv --method "
                   "2sfca -o X.csv",
                   out, sizeof out),
               1);
  cr_assert(strstr(out, "Cd.csv:4: field 'dest': duplicate pair"), "%s", out);
  put("Cn.csv", "origin,dest,cost\n1,1,NaN\n");
  cr_assert_eq(run("--demand D.csv --supply S.csv --costs Cn.csv --method "
                   "2sfca -o X.csv",
                   out, sizeof out),
               1);
  cr_assert(strstr(out, "Cn.csv:2: field 'cost'"), "%s", out);
  put("Dn.csv", "id,weight\n1,100\n2,-5\n");
  cr_assert_eq(run("--demand Dn.csv --supply S.csv --costs C.csv --method "
                   "2sfca -o X.csv",
                   out, sizeof out),
               1);
  cr_assert(strstr(out, "Dn.csv:3: field 'weight'"), "%s", out);
  put("Dd.csv", "id,weight\n1,100\n2,5\n1,7\n");
  cr_assert_eq(run("--demand Dd.csv --supply S.csv --costs C.csv --method "
                   "2sfca -o X.csv",
                   out, sizeof out),
               1);
  cr_assert(strstr(out, "Dd.csv:4: field 'id': duplicate id '1'"), "%s", out);
  /* no costs and no coordinates */
  cr_assert_eq(run("--demand D.csv --supply S.csv --method 2sfca -o X.csv", out,
                   sizeof out),
               1);
  cr_assert(strstr(out, "x and y"), "%s", out);
  /* usage errors: exit 2 */
  cr_assert_eq(run("--demand D.csv --supply S.csv --method 5sfca -o X.csv", out,
                   sizeof out),
               2);
  cr_assert_eq(run("--demand D.csv --supply S.csv --method coverage "
                   "--costs C.csv -o X.csv",
                   out, sizeof out),
               2);
  cr_assert_eq(run("--demand D.csv --supply S.csv --method 2sfca --costs "
                   "C.csv --step 10:1,5:0.5 -o X.csv",
                   out, sizeof out),
               2);
  /* nothing was written by the failures */
  char p[256];
  snprintf(p, sizeof p, "%s/X.csv", dir);
  cr_assert_neq(access(p, F_OK), 0);
  cr_assert_eq(run("--help", out, sizeof out), 0);
  cr_assert(strstr(out, "Usage: eldercap access"));
}

/* lon/lat columns are projected to EPSG:4547 (metres). Expected distances by
 * the haversine formula on the mean Earth radius 6,371,008.8 m; the
 * Gauss-Krüger scale error 0.3 degrees from the 114E meridian is ~1e-5, the
 * sphere's error well under 0.5 %. */
static double haversine_m(double lon1, double lat1, double lon2, double lat2) {
  const double R = 6371008.8, d2r = 3.14159265358979323846 / 180;
  double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
  double a = sin(dlat / 2) * sin(dlat / 2) +
             cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
  return 2 * R * asin(sqrt(a));
}

Test(cli_access, lonlat_columns_are_projected) {
  put("DL.csv", "id,weight,lon,lat\na,100,113.70,34.40\nb,50,113.75,34.45\n");
  put("SL.csv", "id,beds,lon,lat\nh,200,113.72,34.41\n");
  char out[4096], csv[1024];
  cr_assert_eq(run("--demand DL.csv --supply SL.csv --method nearest -o OL.csv -q", out,
                   sizeof out), 0, "%s", out);
  read_out("OL.csv", csv, sizeof csv);
  const char *p = strchr(csv, '\n') + 1;
  double da = strtod(strchr(p, ',') + 1, NULL);
  p = strchr(p, '\n') + 1;
  double db = strtod(strchr(p, ',') + 1, NULL);
  double ea = haversine_m(113.70, 34.40, 113.72, 34.41), eb = haversine_m(113.75, 34.45, 113.72, 34.41);
  cr_assert(fabs(da - ea) / ea < 0.005, "%g vs %g", da, ea);
  cr_assert(fabs(db - eb) / eb < 0.005, "%g vs %g", db, eb);
  put("SB.csv", "id,beds,lon,lat\nh,200,213.72,34.41\n");
  cr_assert_eq(run("--demand DL.csv --supply SB.csv --method nearest -o OB.csv -q", out,
                   sizeof out), 1, "%s", out);
  cr_assert(strstr(out, "SB.csv"), "%s", out);
}

/* A point shapefile as supply (lon/lat in its .prj, written here with
 * shapelib) gives the same distances as the same points in a CSV. */
Test(cli_access, point_shapefile_supply) {
  char p[256];
  snprintf(p, sizeof p, "%s/SP.shp", dir);
  SHPHandle shp = SHPCreate(p, SHPT_POINT);
  DBFHandle dbf = DBFCreate(p);
  cr_assert(shp && dbf);
  DBFAddField(dbf, "id", FTString, 8, 0);
  DBFAddField(dbf, "beds", FTDouble, 10, 1);
  double x = 113.72, y = 34.41;
  SHPObject *o = SHPCreateSimpleObject(SHPT_POINT, 1, &x, &y, NULL);
  SHPWriteObject(shp, -1, o);
  SHPDestroyObject(o);
  DBFWriteStringAttribute(dbf, 0, 0, "h");
  DBFWriteDoubleAttribute(dbf, 0, 1, 200);
  SHPClose(shp);
  DBFClose(dbf);
  put("SP.prj", "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
                "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]");
  put("DL.csv", "id,weight,lon,lat\na,100,113.70,34.40\nb,50,113.75,34.45\n");
  put("SL.csv", "id,beds,lon,lat\nh,200,113.72,34.41\n");
  char out[4096], a[1024], b[1024];
  cr_assert_eq(run("--demand DL.csv --supply SP.shp --method nearest -o O1.csv -q", out, sizeof out),
               0, "%s", out);
  cr_assert_eq(run("--demand DL.csv --supply SL.csv --method nearest -o O2.csv -q", out, sizeof out),
               0, "%s", out);
  read_out("O1.csv", a, sizeof a);
  read_out("O2.csv", b, sizeof b);
  cr_assert_str_eq(a, b);
  remove(p);
  cr_assert_eq(run("--demand DL.csv --supply SP.shp --method nearest -o O3.csv -q", out, sizeof out),
               1, "%s", out);
}
