/* ec_region.h — the planning units (townships) of a run, in the working metric
 * CRS. A plain data record filled by model/io (ec_region_read) and read by the
 * core; freed with ec_region_free.                                            */
#ifndef EC_REGION_H
#define EC_REGION_H

#include <stddef.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  char code[64];        /* statistical code(s), e.g. "410184101000" */
  char name[192];       /* Chinese name (UTF-8) */
  char name_py[128];    /* pinyin name, "" if unknown */
  char unit_type[32];   /* 镇 / 乡 / 街道 / 管委会, "" if unknown */
  double weight;        /* share-out weight: population (persons) or area (m2) */
  double area_m2;       /* polygon area in the working CRS (m2) */
  double cx_m, cy_m;    /* centroid in the working CRS (m) */
  double lon_deg, lat_deg; /* centroid, geographic (degrees) */
  int n_villages;       /* village committees (2017), -1 if unknown */
  int n_communities;    /* residents' committees (2017), -1 if unknown */
  int nparts;           /* polygon rings */
  int *part_start;      /* first vertex of each ring (nparts) */
  int nvertices;
  double *xy_m;         /* ring vertices, x0 y0 x1 y1 ... in the working CRS (m) */
  char *wkt;            /* the polygon as WKT in the working CRS */
} ec_unit;

typedef struct {
  int nunits;
  ec_unit *units;
  char crs[64];          /* working CRS, e.g. "EPSG:4547" */
  char source_crs[64];   /* CRS of the input layer as identified ("EPSG:4326") */
  char source_path[1024];/* the township layer read ("" for a single area) */
} ec_region;

void ec_region_free(ec_region *r);

/* Read s->townships (polygon shapefile with .prj), reproject to s->crs, and
 * compute areas and centroids. When s->townships is empty the region is one
 * unit named after the census area (code/name given). */
int ec_region_read(const ec_scenario *s, const char *single_code,
                   const char *single_name, ec_region **out, ec_error *err);

/* Working-CRS coordinates (m) to longitude/latitude (degrees, EPSG:4326). */
int ec_region_to_lonlat(const ec_region *r, size_t n, const double *x_m,
                        const double *y_m, double *lon_deg, double *lat_deg,
                        ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
