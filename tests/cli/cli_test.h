/* cli_test.h — what the CLI suites share: a private temporary directory per
 * test (Criterion forks every test) and running a command with its stdout and
 * stderr captured in that directory. Include once per test file. */
#ifndef EC_CLI_TEST_H
#define EC_CLI_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static char tmpdir[256];

static void setup(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ec_cli_XXXXXX");
  cr_assert(mkdtemp(tmpdir));
}

static void teardown(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  (void)!system(cmd);
}

/* Run a shell command (stdout to tmpdir/stdout.txt); return its exit status
 * and its stderr text in errbuf. */
static int sh(const char *cmd, char *errbuf, size_t n) {
  char full[4096], errpath[512];
  snprintf(errpath, sizeof errpath, "%s/stderr.txt", tmpdir);
  snprintf(full, sizeof full, "%s >%s/stdout.txt 2>%s", cmd, tmpdir, errpath);
  int st = system(full);
  if (errbuf) {
    errbuf[0] = '\0';
    FILE *f = fopen(errpath, "r");
    if (f) {
      size_t k = fread(errbuf, 1, n - 1, f);
      errbuf[k] = '\0';
      fclose(f);
    }
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
