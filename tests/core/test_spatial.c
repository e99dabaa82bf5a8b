/* test_spatial.c — the spatial side of a run on squares worked by hand.
 *
 * A 2 km x 2 km township with 1 km cells has 4 demand points at the cell
 * centres (500,500), (1500,500), (500,1500), (1500,1500), a quarter of the
 * elderly each. A home of 100 beds at (500,500) is 0, 1000, 1000 and
 * 1414.21 m away. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_scenario.h"
#include "eldercap/ec_spatial.h"

static ec_region *square(double side) {
  ec_region *r = calloc(1, sizeof *r);
  r->nunits = 1;
  r->units = calloc(1, sizeof *r->units);
  ec_unit *u = &r->units[0];
  u->nparts = 1;
  u->nvertices = 5;
  u->part_start = calloc(1, sizeof(int));
  u->xy_m = malloc(10 * sizeof(double));
  double xy[10] = {0, 0, 0, side, side, side, side, 0, 0, 0};
  memcpy(u->xy_m, xy, sizeof xy);
  snprintf(r->crs, sizeof r->crs, "EPSG:4547");
  return r;
}

static ec_facility home(double x, double y, double beds, double opening, int medical) {
  ec_facility f;
  memset(&f, 0, sizeof f);
  f.unit = 0;
  f.x_m = x;
  f.y_m = y;
  f.beds = beds;
  f.opening_year = opening;
  f.medical = medical;
  return f;
}

Test(spatial, measures_by_hand) {
  ec_scenario s;
  ec_scenario_defaults(&s);
  s.catchment_m = 1500;
  s.radius_m = 1000;
  ec_region *r = square(2000);
  ec_demand_grid g;
  ec_error err;
  cr_assert_eq(ec_demand_grid_build(r, 1000, &g, &err), 0, "%s", err.msg);
  cr_assert_eq(g.n, 4);
  for (size_t i = 0; i < 4; i++) cr_assert_float_eq(g.share[i], 0.25, 1e-12);
  ec_facility fac[2] = {home(500, 500, 100, -INFINITY, 1), home(1500, 1500, 300, 2030, 0)};
  ec_od *od = NULL;
  cr_assert_eq(ec_spatial_od(&s, &g, fac, 2, &od, &err), 0);
  double elderly = 1000, out[EC_NACC];
  ec_acc_city city;
  cr_assert_eq(ec_spatial_measures(&s, &g, fac, 2, od, 2020.5, &elderly, out, &city, &err), 0);
  /* 2SFCA: all four points within 1500 m: R = 100 / 1000 -> 100 per 1,000 */
  cr_assert_float_eq(out[EC_ACC_BEDS_PER_1000_REACH], 100.0, 1e-9);
  /* within 1000 m (inclusive): 0, 1000, 1000 -> 3 of 4 */
  cr_assert_float_eq(out[EC_ACC_SHARE_WITHIN_RADIUS], 0.75, 1e-12);
  cr_assert_float_eq(out[EC_ACC_SHARE_MEDICAL], 0.75, 1e-12);
  cr_assert_float_eq(out[EC_ACC_DIST_NEAREST_M], (0 + 1000 + 1000 + sqrt(2e6)) / 4, 1e-9);
  cr_assert_float_eq(city.gini, 0.0, 1e-12, "everyone has the same access");
  /* 2030: the second home (300 beds) opens at (1500,1500): R2 = 300/1000, so
   * every point has 0.1 + 0.3 beds per person = 400 per 1,000; nearest
   * distances 0, 1000, 1000, 0; all within 1000 m; medical still 3 of 4 */
  cr_assert_eq(ec_spatial_measures(&s, &g, fac, 2, od, 2030.5, &elderly, out, &city, &err), 0);
  cr_assert_float_eq(out[EC_ACC_BEDS_PER_1000_REACH], 400.0, 1e-9);
  cr_assert_float_eq(out[EC_ACC_SHARE_WITHIN_RADIUS], 1.0, 1e-12);
  cr_assert_float_eq(out[EC_ACC_SHARE_MEDICAL], 0.75, 1e-12);
  cr_assert_float_eq(out[EC_ACC_DIST_NEAREST_M], 500.0, 1e-9);
  ec_od_free(od);
  ec_demand_grid_free(&g);
  ec_region_free(r);
}

/* 3 km x 3 km, 1 km cells: 9 points. The p-median home is the centre: 4
 * points at 1000 m, 4 at 1414.21 m: mean (4000 + 4 sqrt(2e6)) / 9 = 1073.0 m,
 * largest 1414.21 m; every other cell is within 2 cells of the centre, so
 * there is no second option at least 2 cells away. */
Test(spatial, siting_by_hand) {
  ec_scenario s;
  ec_scenario_defaults(&s);
  s.cell_size_m = 1000;
  s.siting_options = 3;
  s.siting_radius_m = 1000;
  s.catchment_m = 5000;
  s.use_per_1000 = 20;
  ec_region *r = square(3000);
  ec_demand_grid g;
  ec_error err;
  cr_assert_eq(ec_demand_grid_build(r, 1000, &g, &err), 0);
  cr_assert_eq(g.n, 9);
  ec_facility fac[1] = {home(0, 0, 200, 2018.5, -1)};
  fac[0].planned = 1;
  double elderly = 900;
  ec_site_option opts[3];
  cr_assert_eq(ec_spatial_site_homes(&s, &g, fac, 1, &elderly, opts, &err), 0, "%s", err.msg);
  cr_assert_float_eq(fac[0].x_m, 1500.0, 1e-9);
  cr_assert_float_eq(fac[0].y_m, 1500.0, 1e-9);
  cr_assert_eq(opts[0].unit, 0);
  cr_assert_float_eq(opts[0].mean_dist_m, (4000 + 4 * sqrt(2e6)) / 9, 1e-9);
  cr_assert_float_eq(opts[0].max_dist_m, sqrt(2e6), 1e-9);
  /* within 1000 m: the centre and 4 edge cells: 5 of 9 */
  cr_assert_float_eq(opts[0].share_within, 5.0 / 9.0, 1e-12);
  /* load: all 900 elderly within 5 km x 20 per 1,000 = 18 users / 200 beds */
  cr_assert_float_eq(opts[0].load, 18.0 / 200.0, 1e-12);
  /* 2SFCA after opening: 200 beds / 900 elderly = 222.2 per 1,000 */
  cr_assert_float_eq(opts[0].beds_per_1000, 200.0 / 900.0 * 1000, 1e-9);
  cr_assert(isnan(opts[0].dist_medical_m), "no medical home");
  cr_assert_float_eq(opts[0].gap, 0.0, 1e-12);
  cr_assert_eq(opts[1].unit, -1, "no second option 2 cells away");
  ec_demand_grid_free(&g);
  ec_region_free(r);
}
