/* ec_siting.h — choose sites for care homes with a certified optimality gap.
 *
 * Models (clients = demand points, sites = fixed + candidate locations):
 *   EC_SITE_PMEDIAN  minimise sum_i weight_i * cost(i, site(i)), p sites open
 *   EC_SITE_MCLP     maximise the weight within radius of an open site, p sites
 *   EC_SITE_LSCP     fewest sites so that every client is within radius
 *   EC_SITE_PCENTER  minimise the largest cost(i, site(i)), p sites open
 *   EC_SITE_CPMP     capacitated p-median, single source: each client uses
 *                    demand_i of its site's capacity (separate from weight_i)
 * Costs come from a sparse ec_od table (rows = clients, entries = sites sorted
 * by cost): a pair absent from a client's row is not allowed, except that
 * p-median/MCLP may leave a client unserved at a penalty (see unserved_cost).
 * Results report the objective, a bound on the optimum (Lagrangian for
 * p-median, MCLP and CPMP; a Lagrangian set-cover bound with branch and
 * bound for LSCP and p-center) and the
 * relative gap, so a planner knows how far from optimal an answer can be.
 * The bound certifies the problem as given, i.e. over the sparse table. */
#ifndef EC_SITING_H
#define EC_SITING_H

#include <stddef.h>
#include <stdint.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_od.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EC_SITE_PMEDIAN = 0,
  EC_SITE_MCLP = 1,
  EC_SITE_LSCP = 2,
  EC_SITE_PCENTER = 3,
  EC_SITE_CPMP = 4
} ec_site_model;

#define EC_SITE_NONE UINT32_MAX /* "no site" in ec_site_result.assign */

typedef struct {
  ec_site_model model;
  size_t p;                  /* sites open in total, fixed ones included */
  double radius;             /* coverage radius (cost units, e.g. m); MCLP, LSCP */
  const double *weight;      /* per client objective weight (persons); NULL = 1 */
  const double *demand;      /* per client capacity use (beds), CPMP; NULL = 1 */
  const double *capacity;    /* per site capacity (beds), CPMP; required there */
  const unsigned char *fixed;     /* per site, 1 = already open, stays open */
  const unsigned char *candidate; /* per site, 0 = may not be opened; NULL = all */
  /* p-median: cost per unit weight of a client with no open site in its row.
   * <= 0 (default): such a client makes the answer infeasible (an error). */
  double unserved_cost;
  unsigned long seed;        /* GSL mt19937 seed; same seed, same answer */
  double time_limit_s;       /* wall-clock budget (seconds); <= 0: 60 */
  int max_no_improve;        /* VNS rounds without improvement; 0 = automatic */
} ec_site_params;

/* Defaults: p-median, p = 1, seed 1, 60 s, everything else zero/NULL. */
void ec_site_params_init(ec_site_params *par);

typedef struct {
  ec_site_model model;
  double objective; /* weighted cost, covered weight, number of sites,
                       largest cost or capacitated cost */
  double bound;     /* lower bound on the optimum (minimisation); for MCLP an
                       upper bound on the coverable weight */
  double gap;       /* |objective - bound| / |objective| (0 when proven) */
  int proven;       /* 1 when the objective is proven optimal */
  size_t nopen;
  uint32_t *open;   /* sorted indices of the open sites (fixed included) */
  size_t nclients;
  uint32_t *assign; /* per client: its site, or EC_SITE_NONE */
  double *cost;     /* per client: cost to its site (NAN when none) */
  size_t unserved;  /* clients without a site (p-median with penalty), or
                       clients outside radius (MCLP) */
  double seconds;   /* wall-clock time of the solve */
  long iterations;  /* local-search moves + subgradient steps, for reports */
} ec_site_result;

/* Solve. res is filled (free with ec_site_result_free even on error). */
int ec_site_solve(const ec_od *od, const ec_site_params *par,
                  ec_site_result *res, ec_error *err);
void ec_site_result_free(ec_site_result *res);

const char *ec_site_model_name(ec_site_model m);
/* "pmedian", "mclp", "lscp", "pcenter", "cpmp" -> model; -1 if unknown. */
int ec_site_model_parse(const char *s);

/* ---- inputs (model/io/siting_io.c) ------------------------------------- */

/* A siting instance in memory: clients, sites and optionally costs. */
typedef struct {
  size_t nclients, nsites;
  char **client_id, **site_id; /* ids as in the files */
  double *weight;              /* per client (persons) */
  double *demand;              /* per client capacity use; NULL if absent */
  double *cx, *cy;             /* client coordinates; NULL if absent */
  double *sx, *sy;             /* site coordinates; NULL if absent */
  double *capacity;            /* per site; NULL if absent */
  unsigned char *fixed;        /* per site; NULL if absent */
  size_t p;                    /* from an OR-Library file, else 0 */
  double best_known;           /* from a pmedcap file header, else NAN */
  int truncate_costs;          /* pmedcap: Euclidean costs floored */
  ec_od *od;                   /* costs when read (C.csv, pmed), else NULL */
} ec_site_data;

void ec_site_data_free(ec_site_data *d); /* frees members and d; NULL ok */

/* D.csv: id,weight[,x,y][,capacity_demand]; S.csv: id[,x,y][,capacity][,fixed]. */
int ec_site_read_csv(const char *demand_csv, const char *sites_csv,
                     ec_site_data **out, ec_error *err);
/* C.csv: origin,dest,cost (client id, site id, cost). Pairs with cost >
 * max_cost are dropped; k_nearest > 0 keeps the k cheapest per client. */
int ec_site_read_costs(ec_site_data *d, const char *costs_csv, double max_cost,
                       size_t k_nearest, ec_error *err);
/* Euclidean costs from coordinates (floored when truncate_costs). */
int ec_site_euclid_costs(ec_site_data *d, double max_cost, size_t k_nearest,
                         ec_error *err);
/* OR-Library pmed: "n m p" then m edges "i j cost"; all-pairs shortest paths,
 * the last copy of a duplicated edge wins. Clients = sites = vertices. */
int ec_site_read_orlib_pmed(const char *path, ec_site_data **out,
                            ec_error *err);
/* OR-Library pmedcap: "problem best", "n p Q", n lines "id x y demand".
 * Weight 1, demand from the file, capacity Q; costs via ec_site_euclid_costs
 * with truncation (truncate_costs = 1). */
int ec_site_read_orlib_pmedcap(const char *path, ec_site_data **out,
                               ec_error *err);
/* OUT.csv: client,site,cost (site empty when unserved), atomically. */
int ec_site_write_assignment(const char *path, const ec_site_data *d,
                             const ec_site_result *res, ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
