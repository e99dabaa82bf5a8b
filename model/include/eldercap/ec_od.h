/* ec_od.h — sparse origin-destination cost tables, shared by access and siting.
 *
 * Compressed rows by origin (demand point / client); each row holds the
 * destinations (facilities / candidate sites) in reach, sorted by ascending cost
 * (ties by destination index), so "nearest", "within radius" and "k nearest"
 * are prefix scans. Costs are in the caller's units: metres when built from
 * projected coordinates, minutes when read from a routing engine's table.
 * Cut-offs are inclusive (cost <= max_cost).                                  */
#ifndef EC_OD_H
#define EC_OD_H

#include <stddef.h>
#include <stdint.h>

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ec_od ec_od;

/* Euclidean costs between projected points (same units as the coordinates).
 * Keeps, per origin, every destination with cost <= max_cost (INFINITY: no
 * cut), and if k_nearest > 0 at most the k nearest of those. Uses a uniform
 * grid spatial index, so the work is proportional to the pairs kept. */
int ec_od_from_points(const double *ox, const double *oy, size_t norig,
                      const double *dx, const double *dy, size_t ndest,
                      double max_cost, size_t k_nearest, ec_od **out,
                      ec_error *err);

/* The same with nthreads worker threads for the cost-cut case (k_nearest =
 * 0); the table is identical whatever the thread count. */
int ec_od_from_points_mt(const double *ox, const double *oy, size_t norig,
                         const double *dx, const double *dy, size_t ndest,
                         double max_cost, size_t k_nearest, int nthreads,
                         ec_od **out, ec_error *err);

/* From (origin, destination, cost) triples (0-based indices), e.g. a routing
 * engine's table. Pairs absent from the list are unreachable. Duplicate pairs,
 * negative or non-finite costs and out-of-range indices are errors. Entries with
 * cost > max_cost are dropped. */
int ec_od_from_triples(size_t norig, size_t ndest, size_t ntriples,
                       const uint32_t *orig, const uint32_t *dest,
                       const double *cost, double max_cost, ec_od **out,
                       ec_error *err);

void ec_od_free(ec_od *od);

size_t ec_od_norig(const ec_od *od);
size_t ec_od_ndest(const ec_od *od);
size_t ec_od_nnz(const ec_od *od);
/* Row i spans entries [rowptr[i], rowptr[i+1]). */
const size_t *ec_od_rowptr(const ec_od *od);
const uint32_t *ec_od_dest(const ec_od *od);
const double *ec_od_cost(const ec_od *od);

/* The same table indexed by destination (rows = destinations, entries =
 * origins, sorted by cost). Caller frees. */
int ec_od_transpose(const ec_od *od, ec_od **out, ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
