/* faultshim.c — LD_PRELOAD shim that makes writes fail, for the fault tests.
 *
 * Environment:
 *   FAULT_AFTER=N     let N bytes through to matching files, then fail every
 *                     write (default: never fail writes)
 *   FAULT_ERRNO=E     ENOSPC (default) or EIO
 *   FAULT_MATCH=S     only files whose path contains S (default ".tmp-":
 *                     eldercap's temporary names .NAME.tmp-PID-N)
 *   FAULT_FSYNC=1     fsync/fdatasync of matching files fail
 *   FAULT_CLOSE=1     close/fclose of matching files fail (after closing)
 * Covers write, pwrite(64), writev, pwritev (HDF5's sec2 driver uses pwrite)
 * and the stdio calls shapelib, cJSON output and CSV writers use (fwrite,
 * fputs, fputc, putc, fprintf, vfprintf, fflush, fclose): glibc's stdio
 * calls its internal write, which LD_PRELOAD cannot reach.                 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long g_after = -1, g_written;
static int g_errno = ENOSPC, g_fsync, g_close, g_init, g_tripped;
static const char *g_match = ".tmp-";

static void init(void) {
  if (g_init) return;
  g_init = 1;
  const char *a = getenv("FAULT_AFTER");
  if (a && *a) g_after = atoll(a);
  const char *e = getenv("FAULT_ERRNO");
  if (e && !strcmp(e, "EIO")) g_errno = EIO;
  const char *m = getenv("FAULT_MATCH");
  if (m && *m) g_match = m;
  g_fsync = getenv("FAULT_FSYNC") && atoi(getenv("FAULT_FSYNC"));
  g_close = getenv("FAULT_CLOSE") && atoi(getenv("FAULT_CLOSE"));
}

static int matches(int fd) {
  init();
  if (fd < 0) return 0;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  return strstr(path, g_match) != NULL;
}

/* 1 if writing len more bytes to fd must fail. */
static int must_fail(int fd, size_t len) {
  if (!matches(fd) || g_after < 0) return 0;
  if (g_tripped || g_written + (long long)len > g_after) return g_tripped = 1;
  g_written += (long long)len;
  return 0;
}

#define REAL(name, ret, ...)                                                   \
  static ret (*real_##name)(__VA_ARGS__);                                      \
  if (!real_##name) real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t n) {
  REAL(write, ssize_t, int, const void *, size_t);
  if (must_fail(fd, n)) { errno = g_errno; return -1; }
  return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  REAL(pwrite, ssize_t, int, const void *, size_t, off_t);
  if (must_fail(fd, n)) { errno = g_errno; return -1; }
  return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
  REAL(pwrite64, ssize_t, int, const void *, size_t, off_t);
  if (must_fail(fd, n)) { errno = g_errno; return -1; }
  return real_pwrite64(fd, buf, n, off);
}

static size_t iov_len(const struct iovec *iov, int cnt) {
  size_t s = 0;
  for (int i = 0; i < cnt; i++) s += iov[i].iov_len;
  return s;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  REAL(writev, ssize_t, int, const struct iovec *, int);
  if (must_fail(fd, iov_len(iov, cnt))) { errno = g_errno; return -1; }
  return real_writev(fd, iov, cnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) {
  REAL(pwritev, ssize_t, int, const struct iovec *, int, off_t);
  if (must_fail(fd, iov_len(iov, cnt))) { errno = g_errno; return -1; }
  return real_pwritev(fd, iov, cnt, off);
}

int fsync(int fd) {
  REAL(fsync, int, int);
  if (g_fsync && matches(fd)) { errno = g_errno; return -1; }
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync, int, int);
  if (g_fsync && matches(fd)) { errno = g_errno; return -1; }
  return real_fdatasync(fd);
}

int close(int fd) {
  REAL(close, int, int);
  int fail = g_close && matches(fd);
  int rc = real_close(fd);
  if (fail && rc == 0) { errno = g_errno; return -1; }
  return rc;
}

/* ---- stdio ---------------------------------------------------------------- */
static int stream_fail(FILE *fp, size_t len) {
  if (!fp) return 0;
  return must_fail(fileno(fp), len);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *fp) {
  REAL(fwrite, size_t, const void *, size_t, size_t, FILE *);
  if (stream_fail(fp, size * n)) { errno = g_errno; return 0; }
  return real_fwrite(p, size, n, fp);
}

int fputs(const char *s, FILE *fp) {
  REAL(fputs, int, const char *, FILE *);
  if (stream_fail(fp, strlen(s))) { errno = g_errno; return EOF; }
  return real_fputs(s, fp);
}

int fputc(int c, FILE *fp) {
  REAL(fputc, int, int, FILE *);
  if (stream_fail(fp, 1)) { errno = g_errno; return EOF; }
  return real_fputc(c, fp);
}

int putc(int c, FILE *fp) {
  REAL(putc, int, int, FILE *);
  if (stream_fail(fp, 1)) { errno = g_errno; return EOF; }
  return real_putc(c, fp);
}

int vfprintf(FILE *fp, const char *fmt, va_list ap) {
  REAL(vfprintf, int, FILE *, const char *, va_list);
  va_list aq;
  va_copy(aq, ap);
  int len = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  if (len > 0 && stream_fail(fp, (size_t)len)) { errno = g_errno; return -1; }
  return real_vfprintf(fp, fmt, ap);
}

int fprintf(FILE *fp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(fp, fmt, ap);
  va_end(ap);
  return r;
}

int fflush(FILE *fp) {
  REAL(fflush, int, FILE *);
  int r = real_fflush(fp);
  if (r == 0 && fp && g_tripped && matches(fileno(fp))) {
    errno = g_errno;
    return EOF;
  }
  return r;
}

int fclose(FILE *fp) {
  REAL(fclose, int, FILE *);
  int fail = fp && matches(fileno(fp)) &&
             (g_close || g_tripped);
  int r = real_fclose(fp);
  if (fail && r == 0) { errno = g_errno; return EOF; }
  return r;
}
