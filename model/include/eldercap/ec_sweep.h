/* ec_sweep.h — scenario sets and the run driver.
 *
 * A scenario's [sweep] section names scenario keys and their values; the set of
 * scenarios is their Cartesian product (or the axes zipped). The runner loads
 * the inputs once, then works through (scenario, replicate) items on a thread
 * pool in bounded batches, writing every finished scenario to the HDF5 result
 * at once (streaming) and to an append-only checkpoint, so a killed sweep
 * resumes with only what is missing. Each item draws from its own RNG stream
 * (seed, scenario, replicate), so the numbers never depend on the thread count,
 * the batch size or (under MPI) the number of ranks.
 *
 * It is an iterator (new / next / finish) so a front end can show progress. */
#ifndef EC_SWEEP_H
#define EC_SWEEP_H

#include "eldercap/ec_error.h"
#include "eldercap/ec_plan.h"
#include "eldercap/ec_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Number of scenarios of s's [sweep] (1 without axes); -1 if zipped axes have
 * different lengths. */
long ec_sweep_count(const ec_scenario *s);
/* Scenario k (0-based, last axis fastest): a copy of base with the axis values
 * applied. out owns no memory (text, overrides and sweep are not copied). */
int ec_sweep_scenario(const ec_scenario *base, long k, ec_scenario *out,
                      ec_error *err);

typedef struct {
  const char *output;        /* final results path (.h5) */
  int threads;               /* worker threads, >= 1 */
  int resume;                /* reuse checkpoints of an interrupted sweep */
  double max_memory_mb;      /* refuse to start above this estimate (0: none) */
  const char *command_line;  /* recorded in provenance */
  int rank, size;            /* MPI rank and size (0, 1 without MPI) */
} ec_run_options;

typedef struct ec_runner ec_runner;

/* Estimate the memory a run needs (MB) before anything is allocated. */
double ec_runner_memory_mb(const ec_scenario *s, int nunits, int threads);

/* Load inputs, define the result layout, read checkpoints when resuming. */
int ec_runner_new(const ec_scenario *s, const ec_run_options *o,
                  ec_runner **out, ec_error *err);
/* Do the next piece of work. Returns 1 while work remains, 0 when all is done,
 * < 0 on error. *fraction gets the share of work done (0..1). */
int ec_runner_next(ec_runner *r, double *fraction, ec_error *err);
/* Write the remaining metadata, commit the file, remove checkpoints. */
int ec_runner_finish(ec_runner *r, ec_error *err);
/* Abort: remove the temporary file (checkpoints are kept). Accepts NULL. */
void ec_runner_free(ec_runner *r);

long ec_runner_nscenarios(const ec_runner *r);
long ec_runner_resumed(const ec_runner *r); /* scenarios taken from checkpoints */
const ec_plan *ec_runner_plan(const ec_runner *r);
/* Scenario 0's deterministic variables [EC_NVARS][nyears][nunits] and city
 * indicators, for the summary (valid after the run). */
const double *ec_runner_summary_vars(const ec_runner *r);
const ec_city_year *ec_runner_summary_city(const ec_runner *r);
/* City totals of variable v in the horizon year for scenario k (NaN if this
 * rank did not compute it). */
double ec_runner_city_total(const ec_runner *r, long k, int v, int year_index);

/* Time spent writing results (s) and the bytes of values written. */
void ec_runner_write_stats(const ec_runner *r, double *seconds, double *bytes);

#ifdef __cplusplus
}
#endif
#endif
