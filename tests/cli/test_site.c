/* test_site.c — `eldercap site` end to end. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char dir[256];

static void setup(void) {
  strcpy(dir, "/tmp/ec_sitecli_XXXXXX");
  cr_assert(mkdtemp(dir));
}
TestSuite(site, .init = setup);

/* Run a command line, capture stdout+stderr into out; return exit status. */
static int run(const char *args, char *out, size_t cap) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s site %s 2>&1", EC_BIN, args);
  FILE *p = popen(cmd, "r");
  cr_assert(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *put(const char *name, const char *text) {
  static char path[8][512];
  static int k;
  char *p = path[k++ % 8];
  snprintf(p, 512, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
  return p;
}

Test(site, orlib_pmed1_json) {
  char args[1024], out[8192];
  snprintf(args, sizeof args,
           "--model pmedian --orlib %s/tests/data/location/pmed1.txt --json",
           EC_SOURCE_DIR);
  cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
  cJSON *j = cJSON_Parse(out);
  cr_assert(j, "%s", out);
  /* pmedopt.txt: pmed1 = 5819 */
  cr_assert_float_eq(cJSON_GetObjectItem(j, "objective")->valuedouble, 5819, 1e-9);
  cr_assert_leq(cJSON_GetObjectItem(j, "lower_bound")->valuedouble, 5819);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "sites")), 5);
  cr_assert(cJSON_GetObjectItem(j, "gap") && cJSON_GetObjectItem(j, "seconds") &&
            cJSON_GetObjectItem(j, "model") && cJSON_GetObjectItem(j, "p"));
  cJSON_Delete(j);
}

Test(site, orlib_pmedcap02_json) {
  char args[1024], out[8192];
  snprintf(args, sizeof args,
           "--model cpmp --orlib-cap %s/tests/data/location/pmedcap02.txt "
           "--json --time-limit 10",
           EC_SOURCE_DIR);
  cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
  cJSON *j = cJSON_Parse(out);
  cr_assert(j, "%s", out);
  /* line 1 of pmedcap02.txt: best 740 (proven by CBC, NOTES) */
  cr_assert_float_eq(cJSON_GetObjectItem(j, "objective")->valuedouble, 740, 1e-9);
  cr_assert_leq(cJSON_GetObjectItem(j, "lower_bound")->valuedouble, 740);
  cJSON_Delete(j);
}

Test(site, csv_models_with_fixed_site_and_output) {
  /* Four towns on a line at x = 0, 10, 20, 30 (weights 1, 1, 1, 5); sites
   * at the same places, the one at 0 already open (fixed). With p = 2 the
   * best second site is x = 30: cost 0 + 10 + 10 + 0 = 20 (x = 20 gives
   * 0 + 10 + 0 + 5*10 = 60). */
  const char *D = put("D.csv", "id,weight,x,y\nt0,1,0,0\nt1,1,10,0\nt2,1,20,0\nt3,5,30,0\n");
  const char *S = put("S.csv", "id,x,y,fixed\ns0,0,0,1\ns1,10,0,0\ns2,20,0,0\ns3,30,0,0\n");
  char args[2048], out[8192], op[600];
  snprintf(op, sizeof op, "%s/OUT.csv", dir);
  snprintf(args, sizeof args,
           "--model pmedian -p 2 --demand %s --sites %s -o %s --json", D, S, op);
  cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
  cJSON *j = cJSON_Parse(out);
  cr_assert(j, "%s", out);
  cr_assert_float_eq(cJSON_GetObjectItem(j, "objective")->valuedouble, 20, 1e-9);
  cr_assert_float_eq(cJSON_GetObjectItem(j, "gap")->valuedouble, 0, 1e-12);
  cJSON *s = cJSON_GetObjectItem(j, "sites");
  cr_assert_str_eq(cJSON_GetArrayItem(s, 0)->valuestring, "s0");
  cr_assert_str_eq(cJSON_GetArrayItem(s, 1)->valuestring, "s3");
  cJSON_Delete(j);
  FILE *f = fopen(op, "r");
  cr_assert(f);
  char buf[512] = {0};
  size_t nr = fread(buf, 1, sizeof buf - 1, f);
  buf[nr] = 0;
  fclose(f);
  cr_assert_str_eq(buf, "client,site,cost\nt0,s0,0\nt1,s0,10\nt2,s3,10\nt3,s3,0\n");

  /* MCLP radius 10, p = 2 with s0 fixed: s2 covers t1, t2, t3 -> all 8 */
  snprintf(args, sizeof args,
           "--model mclp -p 2 --radius 10 --demand %s --sites %s --json", D, S);
  cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
  j = cJSON_Parse(out);
  cr_assert_float_eq(cJSON_GetObjectItem(j, "objective")->valuedouble, 8, 1e-9);
  cJSON_Delete(j);
  /* LSCP radius 5: every town needs its own site -> 4 */
  snprintf(args, sizeof args,
           "--model lscp --radius 5 --demand %s --sites %s --json", D, S);
  cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
  j = cJSON_Parse(out);
  cr_assert_float_eq(cJSON_GetObjectItem(j, "objective")->valuedouble, 4, 1e-9);
  cJSON_Delete(j);
  /* p-center p = 2 with s0 fixed: s2 -> largest 10 */
  snprintf(args, sizeof args,
           "--model pcenter -p 2 --demand %s --sites %s --json", D, S);
  cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
  j = cJSON_Parse(out);
  cr_assert_float_eq(cJSON_GetObjectItem(j, "objective")->valuedouble, 10, 1e-9);
  cJSON_Delete(j);
}

Test(site, bad_input_and_usage) {
  const char *D = put("Db.csv", "id,weight,x,y\nt0,1,0,0\nt1,oops,10,0\n");
  const char *S = put("Sb.csv", "id,x,y\ns0,0,0\n");
  char args[2048], out[8192];
  snprintf(args, sizeof args, "--model pmedian -p 1 --demand %s --sites %s", D, S);
  cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
  cr_assert(strstr(out, "Db.csv:3"), "%s", out);
  cr_assert(strstr(out, "weight"), "%s", out);
  cr_assert_eq(run("--model nope --orlib x", out, sizeof out), 2);
  cr_assert_eq(run("--model mclp -p 2 --orlib x", out, sizeof out), 2, "needs --radius");
  cr_assert_eq(run("--help", out, sizeof out), 0);
  cr_assert(strstr(out, "Usage: eldercap site"));
}
