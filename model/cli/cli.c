/* cli.c — diagnostics, progress and signals shared by the subcommands. */
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eldercap/ec_atomic.h"
#include "eldercap/ec_csv.h"
#include "eldercap/ec_results_read.h"

const char *ec_cli_command_line = "";
int ec_cli_verbose = 0;

int ec_cli_fail(const ec_error *err) {
  char buf[2048];
  ec_error_format(err, buf, sizeof buf);
  fprintf(stderr, "eldercap: %s\n", buf);
  return err && err->code == EC_ERR_USAGE ? EC_EXIT_USAGE : EC_EXIT_FAIL;
}

int ec_cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "eldercap %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry 'eldercap %s --help'.\n", cmd);
  va_end(ap);
  return EC_EXIT_USAGE;
}

void ec_cli_note(const char *fmt, ...) {
  if (!ec_cli_verbose) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("eldercap: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

#ifdef ELDERCAP_HAVE_MPI
#include <mpi.h>
void ec_cli_mpi_ranks(int *rank, int *size) {
  int init = 0;
  MPI_Initialized(&init);
  if (!init) {
    *rank = 0;
    *size = 1;
    return;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
}
#else
void ec_cli_mpi_ranks(int *rank, int *size) {
  *rank = 0;
  *size = 1;
}
#endif

double ec_cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ec_progress_init(ec_progress *p, int quiet) {
  memset(p, 0, sizeof *p);
  p->enabled = !quiet && isatty(STDERR_FILENO);
  p->t0 = ec_cli_now();
  if (p->enabled) {
    fputs("0", stderr);
    fflush(stderr);
  }
}

/* The GDAL line so far for `ticks` ticks (one tick = 2.5 %). */
static void progress_line(int ticks) {
  fputs("\r0", stderr);
  for (int t = 1; t <= ticks; t++) {
    if (t % 4 == 0)
      fprintf(stderr, "%d", t / 4 * 10);
    else
      fputc('.', stderr);
  }
}

void ec_progress_update(ec_progress *p, double fraction) {
  if (!p->enabled) return;
  if (fraction > 1) fraction = 1;
  int tick = (int)(fraction * 40.0 + 1e-9);
  double now = ec_cli_now(), el = now - p->t0;
  /* redraw at each new tick, and the ETA at most twice a second */
  if (tick == p->last_tick && now - p->last_draw < 0.5) return;
  p->last_tick = tick;
  p->last_draw = now;
  progress_line(tick);
  if (fraction > 0.005 && fraction < 1 && el > 1.0) {
    double eta = el * (1 - fraction) / fraction;
    fprintf(stderr, "  ETA %d:%02d   ", (int)(eta / 60), (int)eta % 60);
  }
  fflush(stderr);
}

void ec_progress_done(ec_progress *p) {
  if (!p->enabled) return;
  p->last_tick = -1;
  progress_line(40);
  fprintf(stderr, " - done.          \n");
  p->enabled = 0;
}

static void on_signal(int sig) {
  ec_atomic_cleanup_signal();
  static const char msg[] = "\neldercap: interrupted; partial results removed\n";
  ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)w;
  (void)sig;
  _exit(EC_EXIT_FAIL);
}

void ec_cli_install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

int ec_cli_selection_option(const char *cmd, int c, const char *arg,
                            ec_results_request *req) {
  switch (c) {
  case 'S':
    if (ec_parse_long(arg, &req->scenario))
      return ec_cli_usage(cmd, "--scenario needs an integer, not '%s'", arg);
    req->has_scenario = 1;
    return 0;
  case 'W':
    if (req->nwhere >= EC_SEL_MAXWHERE)
      return ec_cli_usage(cmd, "at most %d --where options", EC_SEL_MAXWHERE);
    if (!strchr(arg, '=')) return ec_cli_usage(cmd, "--where needs key=value, not '%s'", arg);
    req->where[req->nwhere++] = arg;
    return 0;
  case 'Y':
    if (ec_parse_long(arg, &req->year))
      return ec_cli_usage(cmd, "--year needs an integer year, not '%s'", arg);
    req->has_year = 1;
    return 0;
  case 'Q':
    if (ec_parse_double(arg, &req->quantile) || !(req->quantile >= 0 && req->quantile <= 1))
      return ec_cli_usage(cmd, "--quantile needs a probability in [0, 1], not '%s'", arg);
    req->has_quantile = 1;
    return 0;
  default: return -1;
  }
}
