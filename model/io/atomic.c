/* atomic.c — temporary file + rename for every result eldercap writes. */
#include "eldercap/ec_atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Registry of live temporary paths for the signal handler. Fixed slots: a run
 * writes a handful of files at once. */
#define EC_ATOMIC_SLOTS 64
static char g_tmp[EC_ATOMIC_SLOTS][EC_PATH_MAX];
static volatile sig_atomic_t g_used[EC_ATOMIC_SLOTS];
static unsigned g_counter;

static void reg_add(const char *p) {
  for (int i = 0; i < EC_ATOMIC_SLOTS; i++)
    if (!g_used[i]) {
      snprintf(g_tmp[i], EC_PATH_MAX, "%s", p);
      g_used[i] = 1;
      return;
    }
}

static void reg_del(const char *p) {
  for (int i = 0; i < EC_ATOMIC_SLOTS; i++)
    if (g_used[i] && !strcmp(g_tmp[i], p)) {
      g_used[i] = 0;
      return;
    }
}

void ec_atomic_cleanup_signal(void) {
  for (int i = 0; i < EC_ATOMIC_SLOTS; i++)
    if (g_used[i]) unlink(g_tmp[i]);
}

/* Remove temporary files of this destination left by processes that no longer
 * exist (a SIGKILL cannot clean up after itself). */
static void remove_stale(const char *dir, const char *base) {
  char prefix[EC_PATH_MAX];
  snprintf(prefix, sizeof prefix, ".%s.tmp-", base);
  size_t L = strlen(prefix);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, prefix, L)) continue;
    long pid = strtol(e->d_name + L, NULL, 10);
    if (pid <= 0 || pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours */
    char path[2 * EC_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
}

int ec_atomic_begin(ec_atomic *a, const char *final_path, const char *suffix,
                    ec_error *err) {
  memset(a, 0, sizeof *a);
  if (!final_path || !final_path[0])
    return ec_error_set(err, EC_ERR_USAGE, NULL, 0, NULL, "empty output path");
  if (strlen(final_path) >= EC_PATH_MAX - 64)
    return ec_error_set(err, EC_ERR_IO, final_path, 0, NULL, "path too long");
  snprintf(a->final_path, sizeof a->final_path, "%s", final_path);
  char dbuf[EC_PATH_MAX], bbuf[EC_PATH_MAX];
  snprintf(dbuf, sizeof dbuf, "%s", final_path);
  snprintf(bbuf, sizeof bbuf, "%s", final_path);
  const char *dir = dirname(dbuf);
  const char *base = basename(bbuf);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return ec_error_set(err, EC_ERR_IO, final_path, 0, NULL,
                        "output directory '%s' does not exist", dir);
  if (access(dir, W_OK) != 0)
    return ec_error_set(err, EC_ERR_IO, final_path, 0, NULL,
                        "output directory '%s' is not writable: %s", dir,
                        strerror(errno));
  if (stat(final_path, &st) == 0 && S_ISDIR(st.st_mode))
    return ec_error_set(err, EC_ERR_IO, final_path, 0, NULL,
                        "output path is a directory");
  remove_stale(dir, base);
  snprintf(a->tmp_path, sizeof a->tmp_path, "%s/.%s.tmp-%ld-%u%s", dir, base,
           (long)getpid(), g_counter++, suffix ? suffix : "");
  a->active = 1;
  reg_add(a->tmp_path);
  return EC_OK;
}

int ec_atomic_commit(ec_atomic *a, ec_error *err) {
  if (!a->active)
    return ec_error_set(err, EC_ERR_STATE, a->final_path, 0, NULL,
                        "commit without begin");
  int fd = open(a->tmp_path, O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    ec_atomic_abort(a);
    return ec_error_set(err, EC_ERR_IO, a->final_path, 0, NULL,
                        "cannot flush the result to disk: %s", strerror(e));
  }
  close(fd);
  if (rename(a->tmp_path, a->final_path) != 0) {
    int e = errno;
    ec_atomic_abort(a);
    return ec_error_set(err, EC_ERR_IO, a->final_path, 0, NULL,
                        "cannot move the result into place: %s", strerror(e));
  }
  reg_del(a->tmp_path);
  a->active = 0;
  char dbuf[EC_PATH_MAX];
  snprintf(dbuf, sizeof dbuf, "%s", a->final_path);
  int dfd = open(dirname(dbuf), O_RDONLY);
  if (dfd >= 0) {
    (void)fsync(dfd); /* best effort: the rename itself is already atomic */
    close(dfd);
  }
  return EC_OK;
}

void ec_atomic_abort(ec_atomic *a) {
  if (!a || !a->active) return;
  unlink(a->tmp_path);
  reg_del(a->tmp_path);
  a->active = 0;
}
