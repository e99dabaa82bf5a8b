/* main.c — `eldercap <command> [options]`: dispatch to one file per subcommand. */
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef ELDERCAP_HAVE_MPI
#include <mpi.h>
#endif

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} commands[] = {
    {"run", ec_cmd_run, "project, plan and simulate a scenario; write HDF5 results"},
    {"check", ec_cmd_check, "validate a scenario and its inputs without running"},
    {"info", ec_cmd_info, "describe what a results file holds"},
    {"access", ec_cmd_access, "spatial access measures (FCA family, nearest, coverage)"},
    {"site", ec_cmd_site, "choose sites: p-median, MCLP, LSCP, p-center, capacitated"},
    {"standards", ec_cmd_standards, "civil-affairs staffing, stations and budgets"},
    {"export", ec_cmd_export, "results to shapefile/CSV for GIS"},
    {"report", ec_cmd_report, "a self-contained HTML planning-review report"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f,
          "Usage: eldercap <command> [options]\n"
          "       eldercap --version | --help\n\n"
          "Elderly-care capacity planning for the townships of a city, under\n"
          "Xinzheng's 2017 policy (40 beds per 1,000 elderly, a 200-bed home per\n"
          "township by 2018-06-30, > 50 %% of homes giving medical care).\n\n"
          "Commands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n'eldercap <command> --help' describes each command.\n"
             "Exit status: 0 success, 1 data or runtime failure, 2 usage error.\n");
}

/* Keep the command line for provenance. */
static char *join_args(int argc, char **argv) {
  size_t n = 1;
  for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 3;
  char *s = malloc(n);
  if (!s) return NULL;
  s[0] = '\0';
  for (int i = 0; i < argc; i++) {
    if (i) strcat(s, " ");
    strcat(s, argv[i]);
  }
  return s;
}

int main(int argc, char **argv) {
#ifdef ELDERCAP_HAVE_MPI
  /* threads inside a rank only compute; MPI calls come from the main thread */
  int provided;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
#endif
  gsl_set_error_handler_off();      /* GSL reports through return codes */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* HDF5 too: we check every call */
  ec_cli_install_signal_handlers();
  char *cl = join_args(argc, argv);
  if (cl) ec_cli_command_line = cl;
  int rc;
  if (argc < 2) {
    usage(stderr);
    rc = EC_EXIT_USAGE;
  } else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
             !strcmp(argv[1], "help")) {
    usage(stdout);
    rc = EC_EXIT_OK;
  } else if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
    printf("eldercap %s (git %s)\n", ELDERCAP_VERSION, ELDERCAP_GIT_HASH);
    rc = EC_EXIT_OK;
  } else {
    rc = -1;
    for (size_t i = 0; i < NCOMMANDS; i++)
      if (!strcmp(argv[1], commands[i].name)) {
        rc = commands[i].fn(argc - 1, argv + 1);
        break;
      }
    if (rc < 0) {
      fprintf(stderr, "eldercap: unknown command '%s'\n\n", argv[1]);
      usage(stderr);
      rc = EC_EXIT_USAGE;
    }
  }
  fflush(stdout);
  if (ferror(stdout)) {
    fprintf(stderr, "eldercap: cannot write to standard output\n");
    rc = EC_EXIT_FAIL;
  }
  free(cl);
#ifdef ELDERCAP_HAVE_MPI
  MPI_Finalize();
#endif
  return rc;
}
