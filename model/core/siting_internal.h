/* siting_internal.h — shared between the siting solver files (not public). */
#ifndef EC_SITING_INTERNAL_H
#define EC_SITING_INTERNAL_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "eldercap/ec_error.h"

/* A p-median problem over sparse rows (also MCLP: costs 0 within radius,
 * penalty 1 outside). A virtual site of cost `penalty` per unit weight is
 * always open, so a client whose row has no open site is "unserved". */
typedef struct {
  size_t n, m, p;
  const size_t *rowptr;
  const uint32_t *dest;
  const double *cost;
  const double *w;             /* weights, length n, >= 0 */
  double penalty;              /* cost of the virtual site (per unit weight) */
  const unsigned char *fixed;  /* length m */
  const unsigned char *cand;   /* length m: may be opened (fixed excluded) */
  int integral;                /* all w*cost integers: bounds may be rounded up */
  double t_end;                /* monotonic deadline (s) */
  gsl_rng *rng;
  int max_no_improve;
} ec__pm_problem;

/* open_out: p site indices. obj, lb: objective and Lagrangian bound. */
int ec__pmedian_solve(const ec__pm_problem *pb, uint32_t *open_out,
                      double *obj, double *lb, long *iters, ec_error *err);

/* Capacitated p-median, single source. */
typedef struct {
  ec__pm_problem pm;  /* rows, weights, p, fixed, cand, deadline, rng */
  const double *q;    /* per client capacity use */
  const double *cap;  /* per site capacity */
} ec__cpmp_problem;

/* assign_out: per client site index (EC_SITE_NONE never on success). */
int ec__cpmp_solve(const ec__cpmp_problem *pb, uint32_t *open_out,
                   uint32_t *assign_out, double *obj, double *lb, long *iters,
                   ec_error *err);

/* Set cover: cover lists per site (clients within radius) and per client
 * (sites within radius). Finds the fewest extra sites (beyond fixed) so every
 * client is covered. limit: stop as soon as a cover with <= limit sites is
 * found (0 = minimise). Returns EC_OK; *status = 1 proven (optimal or proven
 * no cover <= limit), 0 timed out. nsel/sel: the best cover found (sites,
 * fixed included), or nsel = SIZE_MAX when none exists / none found. */
typedef struct {
  size_t n, m;
  const size_t *rowptr;  /* client -> sites covering it */
  const uint32_t *rows;
  const unsigned char *fixed, *cand;
  double t_end;
} ec__cover_problem;

int ec__set_cover(const ec__cover_problem *cp, size_t limit, uint32_t *sel,
                  size_t *nsel, size_t *lower, int *status, ec_error *err);

double ec__now(void);

#endif
