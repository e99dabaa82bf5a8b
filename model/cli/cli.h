/* cli.h — what every eldercap subcommand shares: exit codes, diagnostics,
 * GDAL-style progress, signal safety. Internal to model/cli.               */
#ifndef EC_CLI_H
#define EC_CLI_H

#include <stdio.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_results_read.h"

#define EC_EXIT_OK 0
#define EC_EXIT_FAIL 1   /* data or runtime failure */
#define EC_EXIT_USAGE 2  /* bad command line */

/* Subcommands: argv[0] is the command name. Return an exit status. */
int ec_cmd_run(int argc, char **argv);
int ec_cmd_check(int argc, char **argv);
int ec_cmd_info(int argc, char **argv);
int ec_cmd_access(int argc, char **argv);
int ec_cmd_site(int argc, char **argv);
int ec_cmd_standards(int argc, char **argv);
int ec_cmd_export(int argc, char **argv);
int ec_cmd_report(int argc, char **argv);

/* The full command line as one string (recorded in results' provenance). */
extern const char *ec_cli_command_line;

/* Print "eldercap: FILE:LINE: field 'F': message" to stderr and return the
 * exit status for err->code (2 for EC_ERR_USAGE, else 1). */
int ec_cli_fail(const ec_error *err);
/* Print "eldercap CMD: message" + a hint to stderr; return 2. */
int ec_cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Verbose/diagnostic message to stderr (shown only when verbose). */
extern int ec_cli_verbose;
void ec_cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* GDAL's progress line "0...10...20...30...40...50...60...70...80...90...100 - done."
 * on stderr, only when stderr is a terminal and not quiet. */
typedef struct {
  int enabled;
  int last_tick; /* ticks printed, 0..40 (one tick = 2.5 %) */
  double t0;     /* start time (s) for the ETA */
  double last_draw; /* time of the last redraw (s) */
} ec_progress;
void ec_progress_init(ec_progress *p, int quiet);
void ec_progress_update(ec_progress *p, double fraction);
void ec_progress_done(ec_progress *p);

/* SIGINT/SIGTERM: remove registered temporary files, print a note, exit 1. */
void ec_cli_install_signal_handlers(void);

/* The options that choose a slice of a results file, shared by export and
 * report: 'S' --scenario N, 'W' --where key=value, 'Y' --year Y, 'Q'
 * --quantile P. Returns 0 when c was one of them and was stored in req, 2
 * (after a usage message) when its argument is bad, -1 when c is not one. */
int ec_cli_selection_option(const char *cmd, int c, const char *arg,
                            ec_results_request *req);

/* MPI rank and size of this process (0 and 1 without MPI). */
void ec_cli_mpi_ranks(int *rank, int *size);

/* Seconds since an arbitrary epoch (monotonic clock). */
double ec_cli_now(void);

#endif
