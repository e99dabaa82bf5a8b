/* test_grid.c — demand points on a grid inside township polygons. */
#include <criterion/criterion.h>
#include <math.h>

#include "eldercap/ec_grid.h"

static double naive_sum(const double *w, size_t n) {
  double s = 0;
  for (size_t k = 0; k < n; k++)
    s += w[k];
  return s;
}

Test(grid, square_aligned_area_and_total) {
  /* 2000 m square on the lattice, 500 m cells: 16 whole cells of 250000 m^2,
   * each 1/16 of the total; GEOS area 4e6 m^2 */
  double xy[8] = {0, 0, 2000, 0, 2000, 2000, 0, 2000};
  size_t rs[2] = {0, 4};
  double area;
  cr_assert_eq(ec_grid_polygon_area(xy, rs, 1, &area, NULL), 0);
  cr_assert_float_eq(area, 4e6, 1e-6);
  ec_demand_points p;
  cr_assert_eq(
      ec_grid_demand(xy, rs, 1, 500, 1600, NULL, NULL, NULL, 0, &p, NULL), 0);
  cr_assert_eq(p.n, 16);
  for (size_t k = 0; k < p.n; k++) {
    cr_assert_float_eq(p.w[k], 100.0, 1e-9);
    cr_assert_float_eq(p.area_m2[k], 250000.0, 1e-6);
    cr_assert(fmod(p.x[k] - 250, 500) == 0 && fmod(p.y[k] - 250, 500) == 0);
  }
  cr_assert_eq(naive_sum(p.w, p.n), 1600.0);
  ec_demand_points_free(&p);
}

Test(grid, offset_triangle_total_exact_points_inside) {
  /* triangle off the lattice; awkward total; points must lie in the
   * triangle (barycentric test) and the naive sum must equal total exactly */
  double xy[6] = {137.3, 91.7, 5321.9, 433.1, 1999.99, 4777.7};
  size_t rs[2] = {0, 3};
  double total = 12345.678901;
  ec_demand_points p;
  ec_error err;
  cr_assert_eq(
      ec_grid_demand(xy, rs, 1, 300, total, NULL, NULL, NULL, 0, &p, &err), 0,
      "%s", err.msg);
  cr_assert_gt(p.n, 50);
  cr_assert_eq(naive_sum(p.w, p.n), total);
  double asum = 0;
  for (size_t k = 0; k < p.n; k++) {
    double x = p.x[k], y = p.y[k];
    double d1 = (xy[2] - xy[0]) * (y - xy[1]) - (xy[3] - xy[1]) * (x - xy[0]);
    double d2 = (xy[4] - xy[2]) * (y - xy[3]) - (xy[5] - xy[3]) * (x - xy[2]);
    double d3 = (xy[0] - xy[4]) * (y - xy[5]) - (xy[1] - xy[5]) * (x - xy[4]);
    cr_assert((d1 >= 0 && d2 >= 0 && d3 >= 0) ||
                  (d1 <= 0 && d2 <= 0 && d3 <= 0),
              "point %zu (%g, %g) outside", k, x, y);
    asum += p.area_m2[k];
    cr_assert(p.w[k] >= 0);
  }
  /* shoelace area of the triangle = sum of cell overlaps */
  double tri = 0.5 * fabs((xy[2] - xy[0]) * (xy[5] - xy[1]) -
                          (xy[4] - xy[0]) * (xy[3] - xy[1]));
  cr_assert(fabs(asum - tri) < 1e-6 * tri);
  ec_demand_points_free(&p);
}

Test(grid, hole_and_two_parts) {
  /* outer 0..3000 square with a 1000..2000 hole, plus a separate 1000 m
   * square at 5000..6000: area 9e6 - 1e6 + 1e6 = 9e6 m^2; 1000 m cells:
   * 8 ring cells + 1 island cell, 1/9 of the total each */
  double xy[] = {0,    0,    3000, 0,    3000, 3000, 0,    3000,
                 1000, 1000, 2000, 1000, 2000, 2000, 1000, 2000,
                 5000, 5000, 6000, 5000, 6000, 6000, 5000, 6000};
  size_t rs[4] = {0, 4, 8, 12};
  double area;
  cr_assert_eq(ec_grid_polygon_area(xy, rs, 3, &area, NULL), 0);
  cr_assert_float_eq(area, 9e6, 1e-6);
  ec_demand_points p;
  cr_assert_eq(
      ec_grid_demand(xy, rs, 3, 1000, 900, NULL, NULL, NULL, 0, &p, NULL), 0);
  cr_assert_eq(p.n, 9);
  for (size_t k = 0; k < p.n; k++) {
    cr_assert_float_eq(p.w[k], 100, 1e-9);
    cr_assert(!(p.x[k] == 1500 && p.y[k] == 1500), "a point in the hole");
  }
  cr_assert_eq(naive_sum(p.w, p.n), 900.0);
  ec_demand_points_free(&p);
}

Test(grid, weighted_by_point_layer) {
  /* 2000 m square, 1000 m cells; villages: 30 persons in cell (0,0), 10 in
   * cell (1,1), one outside (ignored): 3/4 and 1/4 of the total 200 */
  double xy[8] = {0, 0, 2000, 0, 2000, 2000, 0, 2000};
  size_t rs[2] = {0, 4};
  double lx[4] = {100, 200, 1500, 9000}, ly[4] = {100, 300, 1500, 9000};
  double lw[4] = {10, 20, 10, 500};
  ec_demand_points p;
  cr_assert_eq(ec_grid_demand(xy, rs, 1, 1000, 200, lx, ly, lw, 4, &p, NULL),
               0);
  cr_assert_eq(p.n, 2);
  cr_assert_float_eq(p.w[0], 150, 1e-9);
  cr_assert_float_eq(p.x[0], 500, 1e-9);
  cr_assert_float_eq(p.w[1], 50, 1e-9);
  cr_assert_float_eq(p.x[1], 1500, 1e-9);
  cr_assert_eq(naive_sum(p.w, p.n), 200.0);
  ec_demand_points_free(&p);
}

Test(grid, errors) {
  double xy[8] = {0, 0, 1, 1, 0, 1, 1, 0}; /* bow tie: self-intersecting */
  size_t rs[2] = {0, 4};
  ec_demand_points p;
  ec_error err;
  cr_assert_eq(
      ec_grid_demand(xy, rs, 1, 0.1, 10, NULL, NULL, NULL, 0, &p, &err),
      EC_ERR_INVALID);
  double sq[8] = {0, 0, 1, 0, 1, 1, 0, 1};
  cr_assert_eq(ec_grid_demand(sq, rs, 1, 0, 10, NULL, NULL, NULL, 0, &p, &err),
               EC_ERR_RANGE);
  cr_assert_eq(ec_grid_demand(sq, rs, 1, 1, -5, NULL, NULL, NULL, 0, &p, &err),
               EC_ERR_RANGE);
  size_t rs2[2] = {0, 2};
  cr_assert_eq(ec_grid_demand(sq, rs2, 1, 1, 5, NULL, NULL, NULL, 0, &p, &err),
               EC_ERR_INVALID);
}
