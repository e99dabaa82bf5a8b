/* test_site_spopt.c — `eldercap site` on pysal/spopt's San Francisco fixture
 * (205 tracts x 16 stores, network distances): the four models reach the
 * optima that spopt and CBC prove (tests/data/location/spopt-sf/README.md). */
#include <math.h>
#include <string.h>

#include "cli_test.h"
#include "eldercap/ec_csv.h"

TestSuite(site_spopt, .init = setup, .fini = teardown, .timeout = 120);

/* D.csv (tract, POP2000), S.csv (stores), C.csv (tract, store, metres). */
static void write_instance(void) {
  char path[600];
  ec_csv *c = NULL;
  ec_error err;
  snprintf(path, sizeof path,
           "%s/tests/data/location/spopt-sf/SF_demand_205_centroid_uniform_weight.csv",
           EC_SOURCE_DIR);
  cr_assert_eq(ec_csv_open(path, &c, &err), 0, "%s", err.msg);
  int cn = ec_csv_col(c, "NAME"), cp = ec_csv_col(c, "POP2000");
  snprintf(path, sizeof path, "%s/D.csv", tmpdir);
  FILE *d = fopen(path, "w");
  fputs("id,weight\n", d);
  while (ec_csv_next(c, &err) == 1) fprintf(d, "%s,%s\n", ec_csv_field(c, cn), ec_csv_field(c, cp));
  fclose(d);
  ec_csv_free(c);
  snprintf(path, sizeof path,
           "%s/tests/data/location/spopt-sf/SF_network_distance_candidateStore_16_censusTract_205_new.csv",
           EC_SOURCE_DIR);
  cr_assert_eq(ec_csv_open(path, &c, &err), 0, "%s", err.msg);
  int cd = ec_csv_col(c, "distance"), cs = ec_csv_col(c, "name"), ct = ec_csv_col(c, "DestinationName");
  snprintf(path, sizeof path, "%s/C.csv", tmpdir);
  FILE *k = fopen(path, "w");
  fputs("origin,dest,cost\n", k);
  snprintf(path, sizeof path, "%s/S.csv", tmpdir);
  FILE *s = fopen(path, "w");
  fputs("id\n", s);
  char seen[32][32];
  int ns = 0;
  while (ec_csv_next(c, &err) == 1) {
    fprintf(k, "%s,%s,%s\n", ec_csv_field(c, ct), ec_csv_field(c, cs), ec_csv_field(c, cd));
    int found = 0;
    for (int i = 0; i < ns; i++) found |= !strcmp(seen[i], ec_csv_field(c, cs));
    if (!found && ns < 32) {
      snprintf(seen[ns++], 32, "%s", ec_csv_field(c, cs));
      fprintf(s, "%s\n", ec_csv_field(c, cs));
    }
  }
  fclose(k);
  fclose(s);
  ec_csv_free(c);
  cr_assert_eq(ns, 16);
}

static double objective(const char *model_args) {
  char cmd[2048], err[4096], path[600], out[65536];
  snprintf(cmd, sizeof cmd, "cd %s && %s site %s --demand D.csv --sites S.csv --costs C.csv --json",
           tmpdir, EC_BIN, model_args);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(path, sizeof path, "%s/stdout.txt", tmpdir);
  FILE *f = fopen(path, "r");
  size_t n = fread(out, 1, sizeof out - 1, f);
  out[n] = '\0';
  fclose(f);
  const char *o = strstr(out, "\"objective\"");
  cr_assert(o, "%s", out);
  return strtod(strchr(o, ':') + 1, NULL);
}

Test(site_spopt, four_models_reach_the_optima) {
  write_instance();
  cr_assert_float_eq(objective("--model pmedian -p 4"), 2848268129.715, 0.01);
  cr_assert_float_eq(objective("--model mclp -p 4 --radius 5000"), 875247.0, 1e-6);
  cr_assert_float_eq(objective("--model pcenter -p 4"), 7403.064, 0.001);
  cr_assert_float_eq(objective("--model lscp --radius 5000"), 8.0, 1e-9);
}
