/* facilities.c — existing and planned nursing homes from a CSV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_crs.h"
#include "eldercap/ec_csv.h"
#include "eldercap/ec_plan.h"

int ec_facilities_read(const char *path, const ec_scenario *s, const ec_region *r,
                       ec_facility **out, int *n, ec_error *err) {
  *out = NULL;
  *n = 0;
  ec_csv *c = NULL;
  int rc = ec_csv_open(path, &c, err);
  if (rc) return rc;
  int ci_id, ci_town, ci_beds;
  if ((rc = ec_csv_require(c, "id", &ci_id, err)) ||
      (rc = ec_csv_require(c, "township", &ci_town, err)) ||
      (rc = ec_csv_require(c, "beds", &ci_beds, err))) {
    ec_csv_free(c);
    return rc;
  }
  int ci_name = ec_csv_col(c, "name"), ci_nb = ec_csv_col(c, "nursing_beds"),
      ci_med = ec_csv_col(c, "medical"), ci_oy = ec_csv_col(c, "opening_year"),
      ci_od = ec_csv_col(c, "opening_date"), ci_lon = ec_csv_col(c, "lon"),
      ci_lat = ec_csv_col(c, "lat"), ci_x = ec_csv_col(c, "x"), ci_y = ec_csv_col(c, "y");
  if ((ci_lon >= 0) != (ci_lat >= 0) || (ci_x >= 0) != (ci_y >= 0)) {
    ec_csv_free(c);
    return ec_error_set(err, EC_ERR_MISSING, path, 1, ci_lon >= 0 || ci_lat >= 0 ? "lon/lat" : "x/y",
                        "coordinates need both columns");
  }
  ec_facility *f = NULL;
  int cnt = 0;
  while ((rc = ec_csv_next(c, err)) == 1) {
    rc = EC_OK; /* from here rc is this row's status */
    ec_facility *nf = realloc(f, (size_t)(cnt + 1) * sizeof *nf);
    if (!nf) { rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory"); break; }
    f = nf;
    ec_facility *x = &f[cnt];
    memset(x, 0, sizeof *x);
    long line = ec_csv_line(c);
    snprintf(x->id, sizeof x->id, "%s", ec_csv_field(c, ci_id));
    if (!x->id[0]) { rc = ec_error_set(err, EC_ERR_MISSING, path, line, "id", "empty id"); break; }
    for (int j = 0; j < cnt; j++)
      if (!strcmp(f[j].id, x->id)) {
        rc = ec_error_set(err, EC_ERR_INVALID, path, line, "id", "duplicate id '%s'", x->id);
        break;
      }
    if (rc) break;
    if (ci_name >= 0) snprintf(x->name, sizeof x->name, "%s", ec_csv_field(c, ci_name));
    const char *town = ec_csv_field(c, ci_town);
    x->unit = -1;
    for (int u = 0; u < r->nunits; u++)
      if (!strcmp(r->units[u].code, town) ||
          (strstr(r->units[u].code, town) && strlen(town) >= 9))
        x->unit = u;
    if (x->unit < 0) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, line, "township",
                        "'%s' is not a township code of %s", town,
                        r->source_path[0] ? r->source_path : "the region");
      break;
    }
    if ((rc = ec_csv_double_min(c, ci_beds, 0, &x->beds, err))) break;
    x->nursing_beds = 0;
    if (ci_nb >= 0 && ec_csv_field(c, ci_nb)[0] &&
        (rc = ec_csv_double_min(c, ci_nb, 0, &x->nursing_beds, err)))
      break;
    if (x->nursing_beds > x->beds) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, line, "nursing_beds",
                        "%g nursing beds exceed the home's %g beds", x->nursing_beds, x->beds);
      break;
    }
    x->medical = -1;
    if (ci_med >= 0 && ec_csv_field(c, ci_med)[0]) {
      long m;
      if ((rc = ec_csv_long(c, ci_med, &m, err))) break;
      if (m != 0 && m != 1) {
        rc = ec_error_set(err, EC_ERR_RANGE, path, line, "medical", "must be 0 or 1, not %ld", m);
        break;
      }
      x->medical = (int)m;
    }
    x->opening_year = -INFINITY; /* already open */
    if (ci_oy >= 0 && ec_csv_field(c, ci_oy)[0]) {
      long y;
      if ((rc = ec_csv_long(c, ci_oy, &y, err))) break;
      if (y < 1900 || y > 2200) {
        rc = ec_error_set(err, EC_ERR_RANGE, path, line, "opening_year", "year %ld out of range", y);
        break;
      }
      x->opening_year = (double)y; /* open from 1 January */
    } else if (ci_od >= 0 && ec_csv_field(c, ci_od)[0]) {
      x->opening_year = ec_date_to_year(ec_csv_field(c, ci_od));
      if (x->opening_year < 0) {
        rc = ec_error_set(err, EC_ERR_PARSE, path, line, "opening_date",
                          "'%s' is not a date YYYY-MM-DD", ec_csv_field(c, ci_od));
        break;
      }
    }
    x->x_m = x->y_m = NAN;
    if (ci_lon >= 0) {
      double lon, lat;
      if ((rc = ec_csv_double(c, ci_lon, &lon, err)) || (rc = ec_csv_double(c, ci_lat, &lat, err)))
        break;
      if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
        rc = ec_error_set(err, EC_ERR_RANGE, path, line, "lon", "(%g, %g) is not a lon/lat position", lon, lat);
        break;
      }
      x->x_m = lon; /* projected below, all at once */
      x->y_m = lat;
    } else if (ci_x >= 0) {
      if ((rc = ec_csv_double(c, ci_x, &x->x_m, err)) || (rc = ec_csv_double(c, ci_y, &x->y_m, err)))
        break;
    }
    cnt++;
  }
  if (rc > 0) rc = EC_OK;
  if (!rc && ci_lon >= 0 && cnt > 0) {
    double *lx = malloc((size_t)cnt * sizeof *lx), *ly = malloc((size_t)cnt * sizeof *ly);
    if (!lx || !ly) rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    for (int i = 0; !rc && i < cnt; i++) {
      lx[i] = f[i].x_m;
      ly[i] = f[i].y_m;
    }
    if (!rc) rc = ec_crs_transform("EPSG:4326", s->crs, (size_t)cnt, lx, ly, path, err);
    for (int i = 0; !rc && i < cnt; i++) {
      f[i].x_m = lx[i];
      f[i].y_m = ly[i];
    }
    free(lx);
    free(ly);
  }
  ec_csv_free(c);
  if (rc < 0) {
    free(f);
    return rc;
  }
  *out = f;
  *n = cnt;
  return EC_OK;
}
