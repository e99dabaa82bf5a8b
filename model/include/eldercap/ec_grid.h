/* ec_grid.h — demand points: a township's elderly spread over a regular grid
 * inside its polygon (projected CRS, metres), via GEOS.
 *
 * Polygon shape: nrings rings of projected coordinates, ring k's vertices are
 * ring_xy[2*ring_start[k] .. 2*ring_start[k+1]) as x,y pairs (ring_start has
 * nrings + 1 entries; rings may be closed or not). The region is the even-odd
 * combination of the rings (symmetric difference), so outer rings, holes,
 * islands in holes and multi-part townships need no flags or orientation.
 *
 * Grid: square cells of cell_size_m aligned on multiples of cell_size_m in
 * the CRS (neighbouring townships share one lattice). A cell takes the part
 * of the township it overlaps; its point is the cell centre when the cell
 * lies wholly inside, else a point on the surface of the overlap (always
 * inside the township). Weights:
 *  - area-proportional: weight = total * area(cell ∩ township) /
 * area(township);
 *  - by a point layer (e.g. village populations): weight = total * (layer
 *    weight of points inside the township in the cell) / (layer weight inside
 *    the township); cells without layer weight are dropped; if the layer has
 *    no weight inside the township, area-proportional is used.
 * Weights sum to total exactly (naive left-to-right double sum): the largest
 * cell absorbs the rounding residual.                                       */
#ifndef EC_GRID_H
#define EC_GRID_H

#include <stddef.h>

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  size_t n;
  double *x, *y;   /* point coordinates (m, the polygon's CRS) */
  double *w;       /* persons */
  double *area_m2; /* area of cell ∩ township (m^2) */
} ec_demand_points;

/* Release the arrays (the struct itself is the caller's); zeroes it. */
void ec_demand_points_free(ec_demand_points *p);

/* Spread total persons (>= 0) over the grid. layer_x/y/w (nlayer points,
 * weights >= 0) may be NULL/0 for area-proportional. out is overwritten. */
int ec_grid_demand(const double *ring_xy, const size_t *ring_start,
                   size_t nrings, double cell_size_m, double total,
                   const double *layer_x, const double *layer_y,
                   const double *layer_w, size_t nlayer, ec_demand_points *out,
                   ec_error *err);

/* Area of the even-odd region of the rings (m^2), via GEOS. */
int ec_grid_polygon_area(const double *ring_xy, const size_t *ring_start,
                         size_t nrings, double *area_m2, ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
