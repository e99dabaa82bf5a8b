/* siting_setcover.h — Lagrangian engine for unicost set cover (internal).
 *
 * Used by siting_cover.c after its reductions, for LSCP and the p-center
 * oracle. The matrix is given both ways (rows = clients that must be covered,
 * columns = sites that may be opened); every column costs 1. */
#ifndef EC_SITING_SETCOVER_H
#define EC_SITING_SETCOVER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t n, m;      /* rows, columns */
  const size_t *rp; /* row -> columns covering it, length n + 1 */
  const uint32_t *ri;
  const size_t *cp; /* column -> rows it covers, length m + 1 */
  const uint32_t *ci;
} ec__sc_matrix;

typedef struct {
  size_t nbest; /* columns in best (SIZE_MAX: no cover found) */
  size_t lower; /* valid lower bound on the minimum cover size */
  int proven;   /* 1: the search finished (see ec__sc_solve) */
  long nodes;   /* branch-and-bound nodes */
  long iters;   /* subgradient iterations */
} ec__sc_stats;

/* Fewest columns covering every row, among covers of at most cap columns
 * (SIZE_MAX: no cap); stop early once a cover of <= stop_at columns is
 * found (0: minimise). Lagrangian relaxation of the covering rows
 * (subgradient), a reduced-cost greedy with redundant-column removal for
 * covers, reduced-cost fixing against the target, then depth-first branch
 * and bound on the rows bounded by the Lagrangian value (root_only: stop
 * after the root; the result is then a bound and a cover, not proven).
 * proven = 1: the search finished, so either nbest is optimal, or no cover
 * of <= cap columns exists (lower = cap + 1), or nbest <= stop_at.
 * Deterministic; t_end (ec__now() clock) only cuts the search short.
 * best: room for m columns (a heuristic cover is reported even when it is
 * larger than cap). A row without columns gives nbest = SIZE_MAX and lower =
 * SIZE_MAX (no cover exists). Returns EC_OK or EC_ERR_NOMEM. */
int ec__sc_solve(const ec__sc_matrix *a, size_t cap, size_t stop_at,
                 int root_only, double t_end, uint32_t *best, ec__sc_stats *st);

#endif
