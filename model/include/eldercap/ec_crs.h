/* ec_crs.h — coordinate transformations through PROJ, in one place. */
#ifndef EC_CRS_H
#define EC_CRS_H

#include <stddef.h>

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Transform n points in place from CRS `from` to CRS `to` (anything PROJ
 * reads: "EPSG:4326", WKT of a .prj). Axis order is x = easting/longitude,
 * y = northing/latitude whatever the CRS definitions say. Non-finite input
 * stays NaN. Errors (no transformation, a point that does not transform)
 * name `where` (a file) and the point. */
int ec_crs_transform(const char *from, const char *to, size_t n, double *x,
                     double *y, const char *where, ec_error *err);

/* 1 if PROJ knows crs as a projected (metric) CRS, else 0. */
int ec_crs_is_projected(const char *crs);

#ifdef __cplusplus
}
#endif
#endif
