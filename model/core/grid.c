/* grid.c — township elderly spread over a regular grid (see ec_grid.h).
 * GEOS reentrant API: one context per call, so threads may call freely. */
#include "eldercap/ec_grid.h"

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char msg[256];
} geos_msg;

static void geos_error_r(const char *message, void *userdata) {
  geos_msg *m = userdata;
  snprintf(m->msg, sizeof m->msg, "%s", message);
}

void ec_demand_points_free(ec_demand_points *p) {
  if (!p) return;
  free(p->x);
  free(p->y);
  free(p->w);
  free(p->area_m2);
  memset(p, 0, sizeof *p);
}

/* Build the even-odd region of the rings. NULL on error (err filled). */
static GEOSGeometry *build_region(GEOSContextHandle_t h, geos_msg *gm,
                                  const double *xy, const size_t *rs,
                                  size_t nrings, ec_error *err) {
  if (!xy || !rs || nrings == 0) {
    ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon", "no rings given");
    return NULL;
  }
  GEOSGeometry *region = NULL;
  for (size_t k = 0; k < nrings; k++) {
    size_t b = rs[k], e = rs[k + 1];
    if (e < b + 3) {
      ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon",
                   "ring %zu has fewer than 3 vertices", k + 1);
      GEOSGeom_destroy_r(h, region);
      return NULL;
    }
    for (size_t q = b; q < e; q++)
      if (!isfinite(xy[2 * q]) || !isfinite(xy[2 * q + 1])) {
        ec_error_set(err, EC_ERR_RANGE, NULL, 0, "polygon",
                     "ring %zu vertex %zu is not finite", k + 1, q - b + 1);
        GEOSGeom_destroy_r(h, region);
        return NULL;
      }
    int closed =
        xy[2 * b] == xy[2 * (e - 1)] && xy[2 * b + 1] == xy[2 * (e - 1) + 1];
    unsigned n = (unsigned)(e - b) + (closed ? 0u : 1u);
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, n, 2);
    for (size_t q = b; q < e; q++)
      GEOSCoordSeq_setXY_r(h, seq, (unsigned)(q - b), xy[2 * q], xy[2 * q + 1]);
    if (!closed) GEOSCoordSeq_setXY_r(h, seq, n - 1, xy[2 * b], xy[2 * b + 1]);
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(h, seq);
    GEOSGeometry *poly =
        ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0) : NULL;
    if (!poly || GEOSisValid_r(h, poly) != 1) {
      char reason[256] = "";
      if (poly) {
        char *why = GEOSisValidReason_r(h, poly);
        if (why) {
          snprintf(reason, sizeof reason, "%s", why);
          GEOSFree_r(h, why);
        }
      } else {
        snprintf(reason, sizeof reason, "%s", gm->msg);
      }
      ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon",
                   "ring %zu is not a valid ring: %s", k + 1, reason);
      GEOSGeom_destroy_r(h, poly);
      GEOSGeom_destroy_r(h, region);
      return NULL;
    }
    if (!region) {
      region = poly;
    } else {
      GEOSGeometry *x = GEOSSymDifference_r(h, region, poly);
      GEOSGeom_destroy_r(h, region);
      GEOSGeom_destroy_r(h, poly);
      if (!x) {
        ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon",
                     "combining ring %zu failed: %s", k + 1, gm->msg);
        return NULL;
      }
      region = x;
    }
  }
  return region;
}

int ec_grid_polygon_area(const double *ring_xy, const size_t *ring_start,
                         size_t nrings, double *area_m2, ec_error *err) {
  geos_msg gm = {""};
  GEOSContextHandle_t h = GEOS_init_r();
  if (!h) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "GEOS init");
  GEOSContext_setErrorMessageHandler_r(h, geos_error_r, &gm);
  GEOSGeometry *g = build_region(h, &gm, ring_xy, ring_start, nrings, err);
  int rc = EC_OK;
  if (!g)
    rc = err ? err->code : EC_ERR_INVALID;
  else if (!GEOSArea_r(h, g, area_m2))
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon", "area: %s",
                      gm.msg);
  GEOSGeom_destroy_r(h, g);
  GEOS_finish_r(h);
  return rc;
}

typedef struct {
  double x, y, w, a;
} cell_t;

int ec_grid_demand(const double *ring_xy, const size_t *ring_start,
                   size_t nrings, double cell, double total, const double *lx,
                   const double *ly, const double *lw, size_t nlayer,
                   ec_demand_points *out, ec_error *err) {
  if (!out)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "no output given");
  memset(out, 0, sizeof *out);
  if (!(cell > 0) || !isfinite(cell))
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "cell_size_m",
                        "cell size must be > 0 m, got %g", cell);
  if (!(total >= 0) || !isfinite(total))
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "total",
                        "township total must be finite and >= 0, got %g",
                        total);
  for (size_t k = 0; k < nlayer; k++)
    if (!isfinite(lx[k]) || !isfinite(ly[k]) || !(lw[k] >= 0) ||
        !isfinite(lw[k]))
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "layer",
                          "layer point %zu: coordinates must be finite and "
                          "weight >= 0",
                          k + 1);

  geos_msg gm = {""};
  GEOSContextHandle_t h = GEOS_init_r();
  if (!h) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "GEOS init");
  GEOSContext_setErrorMessageHandler_r(h, geos_error_r, &gm);
  int rc = EC_OK;
  cell_t *cells = NULL;
  double *lsum = NULL;
  const GEOSPreparedGeometry *prep = NULL;
  GEOSGeometry *g = build_region(h, &gm, ring_xy, ring_start, nrings, err);
  if (!g) {
    rc = err ? err->code : EC_ERR_INVALID;
    goto done;
  }
  double area_total = 0, xmin, ymin, xmax, ymax;
  if (!GEOSArea_r(h, g, &area_total) || !(area_total > 0)) {
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon",
                      "township polygon has no area");
    goto done;
  }
  if (!GEOSGeom_getXMin_r(h, g, &xmin) || !GEOSGeom_getYMin_r(h, g, &ymin) ||
      !GEOSGeom_getXMax_r(h, g, &xmax) || !GEOSGeom_getYMax_r(h, g, &ymax)) {
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon", "extent: %s",
                      gm.msg);
    goto done;
  }
  long cx0 = (long)floor(xmin / cell), cy0 = (long)floor(ymin / cell);
  long nx = (long)floor(xmax / cell) - cx0 + 1;
  long ny = (long)floor(ymax / cell) - cy0 + 1;
  if ((double)nx * (double)ny > 5e7) {
    rc = ec_error_set(err, EC_ERR_LIMIT, NULL, 0, "cell_size_m",
                      "%.0f m cells over a %.0f x %.0f m township: too many "
                      "cells",
                      cell, xmax - xmin, ymax - ymin);
    goto done;
  }
  prep = GEOSPrepare_r(h, g);
  if (!prep) {
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon", "prepare: %s",
                      gm.msg);
    goto done;
  }
  /* layer weights per cell of the township's bounding grid */
  double lin = 0;
  if (nlayer > 0) {
    lsum = calloc((size_t)nx * (size_t)ny, sizeof *lsum);
    if (!lsum) {
      rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto done;
    }
    for (size_t k = 0; k < nlayer; k++) {
      if (lw[k] == 0 || lx[k] < xmin || lx[k] > xmax || ly[k] < ymin ||
          ly[k] > ymax)
        continue;
      GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, lx[k], ly[k]);
      char in = pt ? GEOSPreparedContains_r(h, prep, pt) : 2;
      GEOSGeom_destroy_r(h, pt);
      if (in == 2) {
        rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "layer",
                          "point-in-polygon: %s", gm.msg);
        goto done;
      }
      if (!in) continue;
      long ix = (long)floor(lx[k] / cell) - cx0;
      long iy = (long)floor(ly[k] / cell) - cy0;
      if (ix < 0) ix = 0;
      if (ix >= nx) ix = nx - 1;
      if (iy < 0) iy = 0;
      if (iy >= ny) iy = ny - 1;
      lsum[(size_t)iy * (size_t)nx + (size_t)ix] += lw[k];
      lin += lw[k];
    }
  }
  int by_layer = lin > 0;

  size_t cap = 64, n = 0;
  cells = malloc(cap * sizeof *cells);
  if (!cells) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto done;
  }
  for (long iy = 0; iy < ny; iy++)
    for (long ix = 0; ix < nx; ix++) {
      double lwc = by_layer ? lsum[(size_t)iy * (size_t)nx + (size_t)ix] : 0;
      if (by_layer && lwc == 0) continue;
      double x0 = (double)(cx0 + ix) * cell, y0 = (double)(cy0 + iy) * cell;
      GEOSGeometry *box =
          GEOSGeom_createRectangle_r(h, x0, y0, x0 + cell, y0 + cell);
      if (!box) {
        rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "cell: %s",
                          gm.msg);
        goto done;
      }
      cell_t c = {x0 + cell / 2, y0 + cell / 2, 0, 0};
      char inside = GEOSPreparedContainsProperly_r(h, prep, box);
      if (inside == 1) {
        c.a = cell * cell;
      } else if (GEOSPreparedIntersects_r(h, prep, box) == 1) {
        GEOSGeometry *part = GEOSIntersection_r(h, g, box);
        GEOSGeometry *pos = part ? GEOSPointOnSurface_r(h, part) : NULL;
        if (!part || !pos || !GEOSArea_r(h, part, &c.a) ||
            (GEOSisEmpty_r(h, pos) == 0 && (!GEOSGeomGetX_r(h, pos, &c.x) ||
                                            !GEOSGeomGetY_r(h, pos, &c.y)))) {
          GEOSGeom_destroy_r(h, part);
          GEOSGeom_destroy_r(h, pos);
          GEOSGeom_destroy_r(h, box);
          rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon",
                            "cell overlay: %s", gm.msg);
          goto done;
        }
        GEOSGeom_destroy_r(h, part);
        GEOSGeom_destroy_r(h, pos);
      }
      GEOSGeom_destroy_r(h, box);
      /* a layer point exactly on a cell edge may fall in a cell whose
       * overlap is a sliver: it still carries its weight */
      if (!(c.a > 0) && !by_layer) continue;
      c.w = by_layer ? total * (lwc / lin) : total * (c.a / area_total);
      if (n == cap) {
        cap *= 2;
        cell_t *nc = realloc(cells, cap * sizeof *cells);
        if (!nc) {
          rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
          goto done;
        }
        cells = nc;
      }
      cells[n++] = c;
    }
  if (n == 0) {
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, "polygon",
                      "no grid cell overlaps the township");
    goto done;
  }
  /* the largest cell absorbs the residual so the sum is exactly total */
  size_t big = 0;
  for (size_t k = 1; k < n; k++)
    if (cells[k].w > cells[big].w) big = k;
  for (int it = 0; it < 8; it++) {
    double s = 0;
    for (size_t k = 0; k < n; k++)
      s += cells[k].w;
    if (s == total) break;
    cells[big].w += total - s;
    if (cells[big].w < 0) cells[big].w = 0;
  }
  out->x = malloc(n * sizeof *out->x);
  out->y = malloc(n * sizeof *out->y);
  out->w = malloc(n * sizeof *out->w);
  out->area_m2 = malloc(n * sizeof *out->area_m2);
  if (!out->x || !out->y || !out->w || !out->area_m2) {
    ec_demand_points_free(out);
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < n; k++) {
    out->x[k] = cells[k].x;
    out->y[k] = cells[k].y;
    out->w[k] = cells[k].w;
    out->area_m2[k] = cells[k].a;
  }
  out->n = n;
done:
  free(cells);
  free(lsum);
  if (prep) GEOSPreparedGeom_destroy_r(h, prep);
  GEOSGeom_destroy_r(h, g);
  GEOS_finish_r(h);
  return rc;
}
