/* test_sweep.c — sweeps and Monte Carlo through `eldercap run`: bit-identical
 * results at -j 1 and -j 2, the same seed twice, a SIGKILLed sweep resumed,
 * checkpoints of another scenario refused, the swept values applied.
 * The bed formula checked per scenario is the policy's, ceil(b x elderly/1000),
 * with b read from the scenario's own sweep dataset. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "eldercap/ec_results.h"

#include "cli_test.h"

TestSuite(sweep, .init = setup, .fini = teardown, .timeout = 600);

/* A small sweep of the baseline: 2 x 2 scenarios, 6 replicates each. */
static void sweep_ini(char *ini, const char *extra) {
  snprintf(ini, 512, "%s/sweep.ini", tmpdir);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "sed -e 's|\\.\\./data/|%s/data/|' -e '/^\\[output\\]/,$d' "
           "%s/scenarios/xinzheng.ini > %s && printf '%s' >> %s",
           EC_SOURCE_DIR, EC_SOURCE_DIR, ini, extra, ini);
  cr_assert_eq(system(cmd), 0);
}

/* Every numeric dataset of a and b equal bit for bit. */
static void assert_same_numbers(const char *a, const char *b) {
  ec_results_info *ia = NULL, *ib = NULL;
  ec_error err;
  cr_assert_eq(ec_results_inspect(a, &ia, &err), 0, "%s", err.msg);
  cr_assert_eq(ec_results_inspect(b, &ib, &err), 0, "%s", err.msg);
  cr_assert_eq(ia->nds, ib->nds);
  int compared = 0;
  for (int i = 0; i < ia->nds; i++) {
    if (ia->ds[i].type == EC_H5_STRING) continue;
    int na, nb;
    size_t sa[EC_H5_MAXDIMS], sb[EC_H5_MAXDIMS];
    double *da, *db;
    cr_assert_eq(ec_results_read_double(a, ia->ds[i].name, &na, sa, &da, &err), 0);
    cr_assert_eq(ec_results_read_double(b, ia->ds[i].name, &nb, sb, &db, &err), 0, "%s missing",
                 ia->ds[i].name);
    cr_assert_eq(na, nb);
    size_t n = 1;
    for (int k = 0; k < na; k++) {
      cr_assert_eq(sa[k], sb[k]);
      n *= sa[k];
    }
    cr_assert_eq(memcmp(da, db, n * sizeof *da), 0, "dataset %s differs", ia->ds[i].name);
    compared++;
    free(da);
    free(db);
  }
  cr_assert_gt(compared, 40);
  ec_results_info_free(ia);
  ec_results_info_free(ib);
}

static const char *AXES = "[sweep]\\ncapacity.beds_per_1000 = 35, 45\\n"
                          "population.mortality_scale = 0.9:1.1:0.2\\n";

Test(sweep, threads_do_not_change_numbers) {
  char ini[512], cmd[2048], err[4096], h1[512], h2[512];
  sweep_ini(ini, AXES);
  snprintf(h1, sizeof h1, "%s/j1.h5", tmpdir);
  snprintf(h2, sizeof h2, "%s/j2.h5", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s -j 1 --set population.replicates=6", EC_BIN, ini, h1);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s -j 2 --set population.replicates=6", EC_BIN, ini, h2);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  assert_same_numbers(h1, h2);

  /* layout: [scenario, year, township], a dataset per swept key */
  int nd;
  size_t sh4[EC_H5_MAXDIMS];
  size_t sb1[EC_H5_MAXDIMS];
  double *req, *eld, *b;
  ec_error e;
  cr_assert_eq(ec_results_read_double(h1, "beds_required", &nd, sh4, &req, &e), 0);
  cr_assert_eq(nd, 3);
  cr_assert_eq(sh4[0], 4, "2 x 2 scenarios");
  cr_assert_eq(ec_results_read_double(h1, "elderly", &nd, sh4, &eld, &e), 0);
  cr_assert_eq(ec_results_read_double(h1, "sweep_capacity_beds_per_1000", &nd, sb1, &b, &e), 0);
  /* last axis fastest: scenarios 0,1 have 35; 2,3 have 45 */
  cr_assert_eq(b[0], 35.0);
  cr_assert_eq(b[1], 35.0);
  cr_assert_eq(b[2], 45.0);
  size_t cell = sh4[1] * sh4[2];
  for (size_t k = 0; k < 4; k++)
    for (size_t i = 0; i < cell; i++)
      cr_assert_eq(req[k * cell + i], ceil(b[k] * eld[k * cell + i] / 1000.0));
  /* mortality_scale 0.9 (scenario 0) leaves more elderly than 1.1 (scenario 1) */
  double e0 = 0, e1 = 0;
  for (size_t i = cell - sh4[2]; i < cell; i++) {
    e0 += eld[i];
    e1 += eld[cell + i];
  }
  cr_assert_gt(e0, e1);
  free(req);
  free(eld);
  free(b);
  /* quantiles ordered P5 <= P50 <= P95 */
  double *q;
  cr_assert_eq(ec_results_read_double(h1, "elderly_q", &nd, sh4, &q, &e), 0);
  cr_assert_eq(nd, 4);
  size_t nq = sh4[1];
  cr_assert_eq(nq, 3);
  for (size_t k = 0; k < sh4[0]; k++)
    for (size_t i = 0; i < cell; i++) {
      double *base = q + k * nq * cell;
      cr_assert_leq(base[i], base[cell + i]);
      cr_assert_leq(base[cell + i], base[2 * cell + i]);
    }
  free(q);
}

Test(sweep, same_seed_same_numbers_other_seed_differs) {
  char ini[512], cmd[2048], err[4096], h1[512], h2[512], h3[512];
  sweep_ini(ini, "");
  snprintf(h1, sizeof h1, "%s/a.h5", tmpdir);
  snprintf(h2, sizeof h2, "%s/b.h5", tmpdir);
  snprintf(h3, sizeof h3, "%s/c.h5", tmpdir);
  const char *set = "--set population.replicates=20 --set population.seed=11";
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s %s -j 2", EC_BIN, ini, h1, set);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s %s -j 1", EC_BIN, ini, h2, set);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  assert_same_numbers(h1, h2);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s --set population.replicates=20 --set population.seed=12",
           EC_BIN, ini, h3);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  int nd;
  size_t s1[EC_H5_MAXDIMS], s2[EC_H5_MAXDIMS];
  double *a, *c;
  ec_error e;
  cr_assert_eq(ec_results_read_double(h1, "elderly_q", &nd, s1, &a, &e), 0);
  cr_assert_eq(ec_results_read_double(h3, "elderly_q", &nd, s2, &c, &e), 0);
  size_t n = s1[0] * s1[1] * s1[2];
  cr_assert_neq(memcmp(a, c, n * sizeof *a), 0, "another seed gives other draws");
  free(a);
  free(c);
}

static void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* eldercap run in the background, output discarded. */
static pid_t spawn_run(const char *ini, const char *out, const char *threads) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(EC_BIN, EC_BIN, "run", "-q", ini, "-o", out, "-j", threads, "--set",
          "population.replicates=40", (char *)NULL);
    _exit(127);
  }
  return pid;
}

static long ckpt_bytes(void) {
  DIR *d = opendir(tmpdir);
  long best = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".ckpt.")) {
      char p[600];
      struct stat st;
      snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
      if (!stat(p, &st) && st.st_size > best) best = st.st_size;
    }
  closedir(d);
  return best;
}

Test(sweep, sigkill_then_resume_equals_uninterrupted) {
  char ini[512], cmd[2048], err[4096], hk[512], hf[512];
  sweep_ini(ini, "[sweep]\\ncapacity.beds_per_1000 = 30:50:2.5\\n");
  snprintf(hk, sizeof hk, "%s/k.h5", tmpdir);
  snprintf(hf, sizeof hf, "%s/f.h5", tmpdir);
  const char *set = "--set population.replicates=40";
  pid_t pid = spawn_run(ini, hk, "2");
  /* wait until at least two scenarios are in the checkpoint, then SIGKILL */
  for (int i = 0; i < 6000 && ckpt_bytes() < 72 + 2 * 8; i++) nap_ms(10);
  nap_ms(200);
  kill(pid, SIGKILL);
  int st;
  waitpid(pid, &st, 0);
  int killed = WIFSIGNALED(st);
  struct stat sb;
  if (killed) cr_assert_neq(stat(hk, &sb), 0, "no result file after a kill");
  snprintf(cmd, sizeof cmd, "%s run %s -o %s %s --resume", EC_BIN, ini, hk, set);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s %s", EC_BIN, ini, hf, set);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  assert_same_numbers(hk, hf);
  /* checkpoints and temporary files are gone after success */
  cr_assert_eq(ckpt_bytes(), 0);
}

Test(sweep, checkpoint_of_other_scenario_refused) {
  char ini[512], cmd[2048], err[4096], hk[512];
  sweep_ini(ini, "[sweep]\\ncapacity.beds_per_1000 = 30:50:2.5\\n");
  snprintf(hk, sizeof hk, "%s/k.h5", tmpdir);
  pid_t pid = spawn_run(ini, hk, "1");
  for (int i = 0; i < 6000 && ckpt_bytes() < 72 + 8; i++) nap_ms(10);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s --set population.replicates=40 "
           "--set capacity.use_per_1000=25 --resume", EC_BIN, ini, hk);
  int rc = sh(cmd, err, sizeof err);
  cr_assert_eq(rc, 1, "%s", err);
  cr_assert(strstr(err, "checkpoint"), "%s", err);
  cr_assert(strstr(err, ".ckpt."), "%s", err);
}

Test(sweep, bad_sweeps_are_errors) {
  char ini[512], cmd[2048], err[4096];
  sweep_ini(ini, "[sweep]\\nzip = true\\ncapacity.beds_per_1000 = 35, 40\\n"
                 "capacity.home_min_beds = 100, 150, 200\\n");
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s/z.h5", EC_BIN, ini, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 1, "%s", err);
  cr_assert(strstr(err, "same number of values"), "%s", err);
  sweep_ini(ini, "[sweep]\\ncapacity.no_such_key = 1, 2\\n");
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s/z.h5", EC_BIN, ini, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 1, "%s", err);
  cr_assert(strstr(err, "sweep.ini:"), "%s", err);
  sweep_ini(ini, "[sweep]\\ncapacity.beds_per_1000 = 35, -4\\n");
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s/z.h5", EC_BIN, ini, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 1, "%s", err);
  cr_assert(strstr(err, "beds_per_1000"), "%s", err);
  /* zipped axes of equal length: 2 scenarios */
  sweep_ini(ini, "[sweep]\\nzip = true\\ncapacity.beds_per_1000 = 35, 40\\n"
                 "capacity.home_min_beds = 100, 150\\n");
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s/z.h5", EC_BIN, ini, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  char h[512];
  snprintf(h, sizeof h, "%s/z.h5", tmpdir);
  int nd;
  size_t s[EC_H5_MAXDIMS];
  double *v;
  ec_error e;
  cr_assert_eq(ec_results_read_double(h, "sweep_capacity_home_min_beds", &nd, s, &v, &e), 0);
  cr_assert_eq(s[0], 2);
  cr_assert_eq(v[1], 150.0);
  free(v);
}

Test(sweep, memory_limit_refuses_before_start) {
  char ini[512], cmd[2048], err[4096];
  sweep_ini(ini, "");
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s/m.h5 --set population.replicates=100000 "
           "--max-memory 100", EC_BIN, ini, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 1, "%s", err);
  cr_assert(strstr(err, "MB"), "%s", err);
  cr_assert(strstr(err, "--max-memory"), "%s", err);
}

/* export --where takes the scenario keys as the INI writes them: with axes
 * beds_per_1000 = 35, 45 and mortality_scale = 0.9, 1.1 (last fastest),
 * beds 45 and mortality 0.9 is scenario 2. */
Test(sweep, export_where_by_scenario_key) {
  char ini[512], cmd[2048], err[4096], h[512], out[4096], path[600];
  sweep_ini(ini, AXES);
  snprintf(h, sizeof h, "%s/w.h5", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run -q %s -o %s", EC_BIN, ini, h);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(cmd, sizeof cmd,
           "%s export %s --format csv -o %s/csv --where capacity.beds_per_1000=45 "
           "--where population.mortality_scale=0.9",
           EC_BIN, h, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 0, "%s", err);
  snprintf(path, sizeof path, "%s/stdout.txt", tmpdir);
  FILE *f = fopen(path, "r");
  size_t n = fread(out, 1, sizeof out - 1, f);
  out[n] = '\0';
  fclose(f);
  cr_assert(strstr(out, "scenario index 2"), "%s", out);
  snprintf(cmd, sizeof cmd, "%s export %s --format csv -o %s/csv2 --where capacity.beds_per_1000=50",
           EC_BIN, h, tmpdir);
  cr_assert_eq(sh(cmd, err, sizeof err), 1, "%s", err);
}
