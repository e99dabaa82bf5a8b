/* townships.c — the township layer: shapelib in, PROJ to the working metric CRS,
 * GEOS for areas, centroids and WKT. */
#include "eldercap/ec_region.h"

#include <geos_c.h>
#include <math.h>
#include <proj.h>
#include <shapefil.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eldercap/ec_crs.h"
#include "eldercap/ec_csv.h"

/* shapelib 1.5 reports through a global hook without user data. */
static _Thread_local char g_shp_msg[512];
static void shp_error(const char *msg) {
  snprintf(g_shp_msg, sizeof g_shp_msg, "%s", msg);
}

static void geos_msg(const char *fmt, ...) { (void)fmt; }

void ec_region_free(ec_region *r) {
  if (!r) return;
  for (int i = 0; i < r->nunits; i++) {
    free(r->units[i].part_start);
    free(r->units[i].xy_m);
    free(r->units[i].wkt);
  }
  free(r->units);
  free(r);
}

/* Read the .prj beside a shapefile. */
static int read_prj(const char *shp, char **wkt, char *prj_path, size_t n,
                    ec_error *err) {
  snprintf(prj_path, n, "%s", shp);
  char *dot = strrchr(prj_path, '.');
  char *slash = strrchr(prj_path, '/');
  if (dot && (!slash || dot > slash)) *dot = '\0';
  strncat(prj_path, ".prj", n - strlen(prj_path) - 1);
  FILE *fp = fopen(prj_path, "rb");
  if (!fp)
    return ec_error_set(err, EC_ERR_CRS, shp, 0, NULL,
                        "no .prj beside the shapefile (%s): its coordinate "
                        "reference system is unknown",
                        prj_path);
  char *buf = calloc(1, 65536);
  size_t got = buf ? fread(buf, 1, 65535, fp) : 0;
  fclose(fp);
  if (!buf || got == 0) {
    free(buf);
    return ec_error_set(err, EC_ERR_CRS, prj_path, 0, NULL, "empty .prj file");
  }
  *wkt = buf;
  return EC_OK;
}

static int dbf_field(DBFHandle dbf, const char *path, const char *name,
                     int required, int *idx, ec_error *err) {
  *idx = -1;
  int n = DBFGetFieldCount(dbf);
  for (int i = 0; i < n; i++) {
    char fname[12];
    DBFGetFieldInfo(dbf, i, fname, NULL, NULL);
    if (!strcasecmp(fname, name)) {
      *idx = i;
      return EC_OK;
    }
  }
  if (required)
    return ec_error_set(err, EC_ERR_MISSING, path, 0, name,
                        "the DBF has no field '%s'", name);
  return EC_OK;
}

/* Polygon area (m2) and centroid via GEOS; WKT for the results file. */
static int unit_geometry(GEOSContextHandle_t g, ec_unit *u, const char *path,
                         int rec, ec_error *err) {
  GEOSGeometry **rings = calloc((size_t)u->nparts, sizeof *rings);
  if (!rings) return EC_ERR_NOMEM;
  int ok = 1;
  for (int p = 0; p < u->nparts && ok; p++) {
    int a = u->part_start[p];
    int b = p + 1 < u->nparts ? u->part_start[p + 1] : u->nvertices;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(g, (unsigned)(b - a), 2);
    for (int k = a; k < b && cs; k++) {
      GEOSCoordSeq_setX_r(g, cs, (unsigned)(k - a), u->xy_m[2 * k]);
      GEOSCoordSeq_setY_r(g, cs, (unsigned)(k - a), u->xy_m[2 * k + 1]);
    }
    rings[p] = cs ? GEOSGeom_createLinearRing_r(g, cs) : NULL;
    if (!rings[p]) ok = 0;
  }
  if (!ok) {
    for (int p = 0; p < u->nparts; p++)
      if (rings[p]) GEOSGeom_destroy_r(g, rings[p]);
    free(rings);
    return ec_error_set(err, EC_ERR_INVALID, path, rec + 1, NULL,
                        "shape %d has a ring that is not closed or has < 4 points",
                        rec);
  }
  /* Shapefile rings: outer rings clockwise, holes counter-clockwise. Build
   * each outer ring's polygon with the holes that follow it. */
  GEOSGeometry **polys = calloc((size_t)u->nparts, sizeof *polys);
  int npoly = 0;
  for (int p = 0; p < u->nparts;) {
    int q = p + 1;
    while (q < u->nparts) {
      char ccw = 0;
      GEOSCoordSeq_isCCW_r(g, GEOSGeom_getCoordSeq_r(g, rings[q]), &ccw);
      if (!ccw) break; /* next outer ring */
      q++;
    }
    GEOSGeometry **holes = q - p - 1 > 0 ? &rings[p + 1] : NULL;
    polys[npoly++] = GEOSGeom_createPolygon_r(g, rings[p], holes, (unsigned)(q - p - 1));
    p = q;
  }
  free(rings);
  GEOSGeometry *geom =
      npoly == 1 ? polys[0]
                 : GEOSGeom_createCollection_r(g, GEOS_MULTIPOLYGON, polys, (unsigned)npoly);
  free(polys);
  if (!geom)
    return ec_error_set(err, EC_ERR_INVALID, path, rec + 1, NULL,
                        "shape %d is not a valid polygon", rec);
  double area = 0;
  GEOSArea_r(g, geom, &area);
  GEOSGeometry *c = GEOSGetCentroid_r(g, geom);
  if (c) {
    GEOSGeomGetX_r(g, c, &u->cx_m);
    GEOSGeomGetY_r(g, c, &u->cy_m);
    GEOSGeom_destroy_r(g, c);
  }
  GEOSWKTWriter *w = GEOSWKTWriter_create_r(g);
  GEOSWKTWriter_setRoundingPrecision_r(g, w, 2); /* cm in a metric CRS */
  char *wkt = GEOSWKTWriter_write_r(g, w, geom);
  u->wkt = wkt ? strdup(wkt) : NULL;
  GEOSFree_r(g, wkt);
  GEOSWKTWriter_destroy_r(g, w);
  GEOSGeom_destroy_r(g, geom);
  u->area_m2 = area;
  if (!(area > 0))
    return ec_error_set(err, EC_ERR_INVALID, path, rec + 1, NULL,
                        "shape %d has zero area", rec);
  return EC_OK;
}

static void copy_str_field(DBFHandle dbf, int rec, int fld, char *dst, size_t n) {
  dst[0] = '\0';
  if (fld < 0 || DBFIsAttributeNULL(dbf, rec, fld)) return;
  const char *v = DBFReadStringAttribute(dbf, rec, fld);
  if (!v) return;
  while (*v == ' ') v++;
  snprintf(dst, n, "%s", v);
  size_t L = strlen(dst);
  while (L && dst[L - 1] == ' ') dst[--L] = '\0';
}

int ec_region_read(const ec_scenario *s, const char *single_code,
                   const char *single_name, ec_region **out, ec_error *err) {
  *out = NULL;
  ec_region *r = calloc(1, sizeof *r);
  if (!r) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  snprintf(r->crs, sizeof r->crs, "%s", s->crs);
  if (!s->townships[0]) { /* one unit: the census area itself */
    r->nunits = 1;
    r->units = calloc(1, sizeof *r->units);
    if (!r->units) { ec_region_free(r); return EC_ERR_NOMEM; }
    snprintf(r->units[0].code, sizeof r->units[0].code, "%s", single_code);
    snprintf(r->units[0].name, sizeof r->units[0].name, "%s", single_name);
    r->units[0].weight = 1;
    r->units[0].n_villages = r->units[0].n_communities = -1;
    *out = r;
    return EC_OK;
  }
  const char *path = s->townships;
  snprintf(r->source_path, sizeof r->source_path, "%s", path);
  int rc = EC_OK;
  SAHooks hooks;
  SASetupDefaultHooks(&hooks);
  hooks.Error = shp_error;
  g_shp_msg[0] = '\0';
  SHPHandle shp = SHPOpenLL(path, "rb", &hooks);
  if (!shp) {
    ec_region_free(r);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL,
                        "cannot open shapefile%s%s", g_shp_msg[0] ? ": " : "",
                        g_shp_msg);
  }
  DBFHandle dbf = DBFOpenLL(path, "rb", &hooks);
  if (!dbf) {
    SHPClose(shp);
    ec_region_free(r);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL,
                        "cannot open the .dbf beside the shapefile%s%s",
                        g_shp_msg[0] ? ": " : "", g_shp_msg);
  }
  char *wkt = NULL, prj_path[1100];
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *src = NULL, *dst = NULL, *tr = NULL, *norm = NULL;
  GEOSContextHandle_t g = GEOS_init_r();
  GEOSContext_setNoticeHandler_r(g, geos_msg);
  GEOSContext_setErrorHandler_r(g, geos_msg);
  int nent = 0, stype = 0;
  SHPGetInfo(shp, &nent, &stype, NULL, NULL);
  int ci, ni, wi = -1, pyi, ti, vi, cmi;
  if (stype != SHPT_POLYGON && stype != SHPT_POLYGONZ && stype != SHPT_POLYGONM) {
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, NULL,
                      "shape type %d is not a polygon layer", stype);
    goto done;
  }
  if (nent <= 0) {
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, NULL, "the layer has no features");
    goto done;
  }
  if (DBFGetRecordCount(dbf) != nent) {
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, NULL,
                      ".dbf has %d records but .shp has %d shapes",
                      DBFGetRecordCount(dbf), nent);
    goto done;
  }
  if ((rc = dbf_field(dbf, path, s->township_code_field, 1, &ci, err)) ||
      (rc = dbf_field(dbf, path, s->township_name_field, 1, &ni, err)) ||
      (s->township_weights == EC_WEIGHT_FIELD &&
       (rc = dbf_field(dbf, path, s->township_weight_field, 1, &wi, err))))
    goto done;
  dbf_field(dbf, path, "NAME_PY", 0, &pyi, NULL);
  dbf_field(dbf, path, "UNIT_TYPE", 0, &ti, NULL);
  dbf_field(dbf, path, "N_VILLAGE", 0, &vi, NULL);
  dbf_field(dbf, path, "N_COMMUN", 0, &cmi, NULL);

  if ((rc = read_prj(path, &wkt, prj_path, sizeof prj_path, err))) goto done;
  src = proj_create(ctx, wkt);
  if (!src) {
    rc = ec_error_set(err, EC_ERR_CRS, prj_path, 0, NULL,
                      "PROJ cannot read this CRS: %s",
                      proj_context_errno_string(ctx, proj_context_errno(ctx)));
    goto done;
  }
  {
    /* ESRI WKT carries no authority code. proj_identify would search the
     * whole database (slow); the label only needs the usual suspects. */
    const char *auth = proj_get_id_auth_name(src, 0);
    const char *code = proj_get_id_code(src, 0);
    if (auth && code) {
      snprintf(r->source_crs, sizeof r->source_crs, "%s:%s", auth, code);
    } else {
      static const char *usual[] = {"EPSG:4326", "EPSG:4490", "EPSG:4547", "EPSG:3857",
                                    "EPSG:3395"};
      snprintf(r->source_crs, sizeof r->source_crs, "custom (see the .prj)");
      for (size_t k = 0; k < sizeof usual / sizeof usual[0]; k++) {
        PJ *cand = proj_create(ctx, usual[k]);
        int eq = cand && proj_is_equivalent_to(src, cand, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS);
        proj_destroy(cand);
        if (eq) {
          snprintf(r->source_crs, sizeof r->source_crs, "%s", usual[k]);
          break;
        }
      }
    }
  }
  dst = proj_create(ctx, s->crs);
  if (!dst) {
    rc = ec_error_set(err, EC_ERR_CRS, s->path, 0, "data.crs",
                      "PROJ does not know the working CRS '%s'", s->crs);
    goto done;
  }
  {
    PJ_TYPE t = proj_get_type(dst);
    if (t != PJ_TYPE_PROJECTED_CRS) {
      rc = ec_error_set(err, EC_ERR_CRS, s->path, 0, "data.crs",
                        "'%s' is not a projected (metric) CRS: distances and areas "
                        "must not be computed in degrees",
                        s->crs);
      goto done;
    }
  }
  tr = proj_create_crs_to_crs_from_pj(ctx, src, dst, NULL, NULL);
  norm = tr ? proj_normalize_for_visualization(ctx, tr) : NULL;
  if (!norm) {
    rc = ec_error_set(err, EC_ERR_CRS, prj_path, 0, NULL,
                      "no transformation from this CRS to %s", s->crs);
    goto done;
  }
  PJ *togeo = NULL;
  {
    PJ *geo = proj_create(ctx, "EPSG:4326");
    PJ *t2 = proj_create_crs_to_crs_from_pj(ctx, dst, geo, NULL, NULL);
    togeo = t2 ? proj_normalize_for_visualization(ctx, t2) : NULL;
    proj_destroy(t2);
    proj_destroy(geo);
  }
  r->units = calloc((size_t)nent, sizeof *r->units);
  if (!r->units) { rc = EC_ERR_NOMEM; proj_destroy(togeo); goto done; }
  for (int i = 0; i < nent && !rc; i++) {
    ec_unit *u = &r->units[i];
    r->nunits = i + 1;
    copy_str_field(dbf, i, ci, u->code, sizeof u->code);
    copy_str_field(dbf, i, ni, u->name, sizeof u->name);
    copy_str_field(dbf, i, pyi, u->name_py, sizeof u->name_py);
    copy_str_field(dbf, i, ti, u->unit_type, sizeof u->unit_type);
    if (!u->code[0]) {
      rc = ec_error_set(err, EC_ERR_MISSING, path, i + 1, s->township_code_field,
                        "record %d has an empty code", i + 1);
      break;
    }
    if (!ec_utf8_valid(u->name, strlen(u->name)) || !ec_utf8_valid(u->code, strlen(u->code))) {
      rc = ec_error_set(err, EC_ERR_PARSE, path, i + 1, s->township_name_field,
                        "record %d is not valid UTF-8", i + 1);
      break;
    }
    for (int j = 0; j < i; j++)
      if (!strcmp(r->units[j].code, u->code)) {
        rc = ec_error_set(err, EC_ERR_INVALID, path, i + 1, s->township_code_field,
                          "code '%s' appears twice (records %d and %d)", u->code,
                          j + 1, i + 1);
        break;
      }
    if (rc) break;
    u->n_villages = vi >= 0 ? DBFReadIntegerAttribute(dbf, i, vi) : -1;
    u->n_communities = cmi >= 0 ? DBFReadIntegerAttribute(dbf, i, cmi) : -1;
    if (wi >= 0) {
      const char *raw = DBFReadStringAttribute(dbf, i, wi);
      double w;
      if (DBFIsAttributeNULL(dbf, i, wi) || !raw || ec_parse_double(raw, &w)) {
        rc = ec_error_set(err, EC_ERR_PARSE, path, i + 1, s->township_weight_field,
                          "record %d (%s): '%s' is not a number", i + 1, u->code,
                          raw ? raw : "");
        break;
      }
      if (w < 0) {
        rc = ec_error_set(err, EC_ERR_RANGE, path, i + 1, s->township_weight_field,
                          "record %d (%s): negative population %g", i + 1, u->code, w);
        break;
      }
      u->weight = w;
    }
    SHPObject *o = SHPReadObject(shp, i);
    if (!o || o->nVertices < 4 || o->nParts < 1) {
      if (o) SHPDestroyObject(o);
      rc = ec_error_set(err, EC_ERR_INVALID, path, i + 1, NULL,
                        "shape %d is missing or empty%s%s", i + 1,
                        g_shp_msg[0] ? ": " : "", g_shp_msg);
      break;
    }
    u->nparts = o->nParts;
    u->nvertices = o->nVertices;
    u->part_start = malloc((size_t)o->nParts * sizeof(int));
    u->xy_m = malloc((size_t)o->nVertices * 2 * sizeof(double));
    if (!u->part_start || !u->xy_m) { SHPDestroyObject(o); rc = EC_ERR_NOMEM; break; }
    memcpy(u->part_start, o->panPartStart, (size_t)o->nParts * sizeof(int));
    for (int k = 0; k < o->nVertices; k++) {
      if (!isfinite(o->padfX[k]) || !isfinite(o->padfY[k])) {
        rc = ec_error_set(err, EC_ERR_INVALID, path, i + 1, NULL,
                          "shape %d has a non-finite coordinate", i + 1);
        break;
      }
      PJ_COORD c = proj_coord(o->padfX[k], o->padfY[k], 0, 0);
      PJ_COORD t = proj_trans(norm, PJ_FWD, c);
      if (!isfinite(t.xy.x) || !isfinite(t.xy.y) || t.xy.x == HUGE_VAL) {
        rc = ec_error_set(err, EC_ERR_CRS, path, i + 1, NULL,
                          "shape %d: coordinate (%g, %g) cannot be transformed to %s "
                          "(is the .prj right?)",
                          i + 1, o->padfX[k], o->padfY[k], s->crs);
        break;
      }
      u->xy_m[2 * k] = t.xy.x;
      u->xy_m[2 * k + 1] = t.xy.y;
    }
    SHPDestroyObject(o);
    if (rc) break;
    rc = unit_geometry(g, u, path, i, err);
    if (rc) break;
    if (s->township_weights == EC_WEIGHT_AREA) u->weight = u->area_m2;
    if (togeo) {
      PJ_COORD t = proj_trans(togeo, PJ_FWD, proj_coord(u->cx_m, u->cy_m, 0, 0));
      u->lon_deg = t.xy.x;
      u->lat_deg = t.xy.y;
    }
  }
  proj_destroy(togeo);
  /* A .prj that does not match the coordinates (degrees declared as metres,
   * say) still transforms, to somewhere far away: every township must lie in
   * the working CRS's area of use (with half a 3-degree zone of margin). */
  {
    double w, so, e, no;
    if (!rc && proj_get_area_of_use(ctx, dst, &w, &so, &e, &no, NULL) && w > -1000) {
      for (int i = 0; i < r->nunits && !rc; i++) {
        const ec_unit *u = &r->units[i];
        if (!(u->lon_deg >= w - 1.5 && u->lon_deg <= e + 1.5 && u->lat_deg >= so - 1.5 &&
              u->lat_deg <= no + 1.5))
          rc = ec_error_set(err, EC_ERR_CRS, prj_path, 0, NULL,
                            "township %s falls at (%.3f, %.3f) degrees, outside the area where "
                            "%s can be used (%.1f..%.1f E, %.1f..%.1f N): does the .prj "
                            "describe these coordinates, and is [data] crs right?",
                            u->code, u->lon_deg, u->lat_deg, s->crs, w, e, so, no);
      }
    }
  }
  if (!rc) {
    double wsum = 0;
    for (int i = 0; i < r->nunits; i++) wsum += r->units[i].weight;
    if (!(wsum > 0))
      rc = ec_error_set(err, EC_ERR_RANGE, path, 0, s->township_weight_field,
                        "the township weights sum to zero");
  }
done:
  free(wkt);
  proj_destroy(norm);
  proj_destroy(tr);
  proj_destroy(dst);
  proj_destroy(src);
  proj_context_destroy(ctx);
  GEOS_finish_r(g);
  DBFClose(dbf);
  SHPClose(shp);
  if (rc) {
    ec_region_free(r);
    return rc;
  }
  *out = r;
  return EC_OK;
}

int ec_region_to_lonlat(const ec_region *r, size_t n, const double *x_m, const double *y_m,
                        double *lon_deg, double *lat_deg, ec_error *err) {
  memcpy(lon_deg, x_m, n * sizeof *lon_deg);
  memcpy(lat_deg, y_m, n * sizeof *lat_deg);
  return ec_crs_transform(r->crs, "EPSG:4326", n, lon_deg, lat_deg, r->source_path, err);
}
