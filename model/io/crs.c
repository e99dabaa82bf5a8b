/* crs.c — coordinate transformations through PROJ. */
#include "eldercap/ec_crs.h"

#include <math.h>
#include <proj.h>

int ec_crs_transform(const char *from, const char *to, size_t n, double *x, double *y,
                     const char *where, ec_error *err) {
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *t0 = proj_create_crs_to_crs(ctx, from, to, NULL);
  PJ *t = t0 ? proj_normalize_for_visualization(ctx, t0) : NULL;
  proj_destroy(t0);
  int rc = EC_OK;
  if (!t) {
    rc = ec_error_set(err, EC_ERR_CRS, where, 0, NULL, "PROJ cannot transform to %s: %s", to,
                      proj_context_errno_string(ctx, proj_context_errno(ctx)));
  }
  for (size_t i = 0; !rc && i < n; i++) {
    if (!isfinite(x[i]) || !isfinite(y[i])) {
      x[i] = y[i] = NAN;
      continue;
    }
    PJ_COORD c = proj_trans(t, PJ_FWD, proj_coord(x[i], y[i], 0, 0));
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y) || c.xy.x == HUGE_VAL)
      rc = ec_error_set(err, EC_ERR_CRS, where, 0, NULL,
                        "point %zu (%g, %g) cannot be transformed to %s", i + 1, x[i], y[i], to);
    x[i] = c.xy.x;
    y[i] = c.xy.y;
  }
  proj_destroy(t);
  proj_context_destroy(ctx);
  return rc;
}

int ec_crs_is_projected(const char *crs) {
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *p = proj_create(ctx, crs);
  int yes = p && proj_get_type(p) == PJ_TYPE_PROJECTED_CRS;
  proj_destroy(p);
  proj_context_destroy(ctx);
  return yes;
}
