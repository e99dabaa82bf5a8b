/* report.c — the planning-review report: HTML with inline CSS and SVG. */
#include "eldercap/ec_report.h"

#include <errno.h>
#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eldercap/ec_atomic.h"

void ec_report_escape(FILE *fp, const char *s) {
  for (; s && *s; s++) switch (*s) {
    case '&': fputs("&amp;", fp); break;
    case '<': fputs("&lt;", fp); break;
    case '>': fputs("&gt;", fp); break;
    case '"': fputs("&quot;", fp); break;
    case '\'': fputs("&#39;", fp); break;
    default: fputc(*s, fp);
    }
}
#define ESC(s) ec_report_escape(fp, (s))

/* ---- data ------------------------------------------------------------------ */

typedef struct {
  const char *path;
  ec_results_info *info;
  ec_results_sel sel;
  size_t nt, ny;
  double *years;
  char **code, **name, **pinyin, **wkt;
  /* [year, township] */
  double *elderly, *req, *avail, *gap, *per1000, *meets, *home;
  double *req_lo, *req_hi, *avail_lo, *avail_hi; /* band (NULL: none) */
  double qlo, qhi;
  /* city [year] (NULL when absent) */
  double *homes_open, *homes_med, *med_share, *med_rule;
  double *city_req_lo, *city_req_hi; /* band from replicates */
  /* facilities */
  size_t nf;
  double *fx, *fy, *fbeds, *fmed, *fplanned, *fopen;
  char **fname;
  /* sites */
  size_t ns;
  double *sx, *sy, *schosen;
  double standard;         /* beds per 1,000 elderly */
  double home_min_beds;
  double med_target;
} rdata;

static void free_strs(char **s, size_t n) {
  for (size_t i = 0; s && i < n; i++) free(s[i]);
  free(s);
}

static void rdata_free(rdata *d) {
  free(d->years);
  free_strs(d->code, d->nt);
  free_strs(d->name, d->nt);
  free_strs(d->pinyin, d->nt);
  free_strs(d->wkt, d->nt);
  double *arr[] = {d->elderly, d->req, d->avail, d->gap, d->per1000, d->meets,
                   d->home, d->req_lo, d->req_hi, d->avail_lo, d->avail_hi,
                   d->homes_open, d->homes_med, d->med_share, d->med_rule,
                   d->city_req_lo, d->city_req_hi, d->fx, d->fy, d->fbeds,
                   d->fmed, d->fplanned, d->fopen, d->sx, d->sy, d->schosen};
  for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) free(arr[i]);
  free_strs(d->fname, d->nf);
  ec_results_info_free(d->info);
}

static double attr_num(const ec_results_info *in, const char *name, double dflt) {
  const char *v = ec_results_info_attr(in, name);
  char *end;
  if (!v || !*v) return dflt;
  double x = strtod(v, &end);
  return end == v ? dflt : x;
}

static const char *attr_str(const ec_results_info *in, const char *name) {
  const char *v = ec_results_info_attr(in, name);
  return v ? v : "";
}

/* A whole 1-D dataset as doubles, NULL (and no error) when absent. */
static int read_1d(rdata *d, const char *name, const char *dim, size_t n, double **out,
                   ec_error *err) {
  *out = NULL;
  const ec_dsinfo *ds = ec_results_info_find(d->info, name);
  const char *dn[] = {dim};
  if (!ds || ds->type == EC_H5_STRING || !ec_results_dims_are(ds, 1, dn)) return EC_OK;
  const char *fd[] = {"scenario"};
  long fi[] = {d->sel.scenario < 0 ? 0 : d->sel.scenario};
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  int rc = ec_results_read_fixed(d->path, ds, 1, fd, fi, &nd, sh, out, err);
  if (!rc && (nd != 1 || sh[0] != n)) {
    free(*out);
    *out = NULL;
    return ec_error_set(err, EC_ERR_INVALID, d->path, 0, name, "'%s' has the wrong length",
                        name);
  }
  return rc;
}

static int read_str(rdata *d, const char *name, size_t n, int required, char ***out,
                    ec_error *err) {
  *out = NULL;
  if (!ec_results_info_find(d->info, name)) {
    if (!required) return EC_OK;
    return ec_error_set(err, EC_ERR_MISSING, d->path, 0, name, "no dataset '%s'", name);
  }
  size_t m;
  int rc = ec_results_read_strings(d->path, name, &m, out, err);
  if (!rc && m != n) {
    free_strs(*out, m);
    *out = NULL;
    return ec_error_set(err, EC_ERR_INVALID, d->path, 0, name, "'%s' has %zu entries, not %zu",
                        name, m, n);
  }
  return rc;
}

static int read_var(rdata *d, const char *name, int required, double **out, ec_error *err) {
  *out = NULL;
  if (!ec_results_info_find(d->info, name)) {
    if (!required) return EC_OK;
    return ec_error_set(err, EC_ERR_MISSING, d->path, 0, name,
                        "no dataset '%s' in the results", name);
  }
  ec_results_sel det = d->sel;
  det.quantile = -1;
  size_t ny, nt;
  int rc = ec_results_read_yt(d->path, d->info, name, &det, d->sel.scenario, out, &ny, &nt,
                              err);
  if (!rc && (ny != d->ny || nt != d->nt)) {
    free(*out);
    *out = NULL;
    return ec_error_set(err, EC_ERR_INVALID, d->path, 0, name, "'%s' has the wrong shape",
                        name);
  }
  return rc;
}

/* The lowest and highest quantile of <name>_q: the band. */
static int read_band(rdata *d, const char *name, double **lo, double **hi, ec_error *err) {
  *lo = *hi = NULL;
  char qn[160];
  snprintf(qn, sizeof qn, "%s_q", name);
  const ec_dsinfo *q = ec_results_info_find(d->info, qn);
  const ec_dsinfo *qs = ec_results_info_find(d->info, "quantile");
  const char *qyt[] = {"quantile", "year", "township"};
  if (!q || !qs || !ec_results_dims_are(q, 3, qyt) || qs->shape[0] < 2) return EC_OK;
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *qv;
  int rc = ec_results_read_fixed(d->path, qs, 0, NULL, NULL, &nd, sh, &qv, err);
  if (rc) return rc;
  d->qlo = qv[0];
  d->qhi = qv[sh[0] - 1];
  ec_results_sel s = d->sel;
  size_t ny, nt;
  s.quantile = 0;
  rc = ec_results_read_yt(d->path, d->info, name, &s, d->sel.scenario, lo, &ny, &nt, err);
  s.quantile = (long)sh[0] - 1;
  if (!rc)
    rc = ec_results_read_yt(d->path, d->info, name, &s, d->sel.scenario, hi, &ny, &nt, err);
  free(qv);
  if (rc) {
    free(*lo);
    free(*hi);
    *lo = *hi = NULL;
  }
  return rc;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* City band of beds required from the replicates (the sum over townships of
 * each replicate, then its quantiles); quantiles of township values do not add. */
static int read_city_band(rdata *d, ec_error *err) {
  /* the run stores the quantiles of the city total: use them when present */
  const ec_dsinfo *cq = ec_results_info_find(d->info, "city_beds_required_q");
  if (cq && d->qhi > d->qlo) {
    const char *fd[] = {"scenario"};
    long fi[] = {d->sel.scenario < 0 ? 0 : d->sel.scenario};
    int nd;
    size_t sh[EC_H5_MAXDIMS];
    double *v;
    int rc = ec_results_read_fixed(d->path, cq, 1, fd, fi, &nd, sh, &v, err);
    if (rc) return rc;
    if (nd == 2 && sh[1] >= d->ny && sh[0] >= 2) {
      d->city_req_lo = malloc(d->ny * sizeof *d->city_req_lo);
      d->city_req_hi = malloc(d->ny * sizeof *d->city_req_hi);
      if (d->city_req_lo && d->city_req_hi) {
        for (size_t y = 0; y < d->ny; y++) { /* first and last quantile */
          d->city_req_lo[y] = v[y];
          d->city_req_hi[y] = v[(sh[0] - 1) * sh[1] + y];
        }
      }
    }
    free(v);
    return EC_OK;
  }
  const ec_dsinfo *r = ec_results_info_find(d->info, "beds_required_rep");
  const char *ryt[] = {"replicate", "year", "township"};
  if (!r || !ec_results_dims_are(r, 3, ryt) || d->qhi <= d->qlo) return EC_OK;
  const char *fd[] = {"scenario"};
  long fi[] = {d->sel.scenario < 0 ? 0 : d->sel.scenario};
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *v;
  int rc = ec_results_read_fixed(d->path, r, 1, fd, fi, &nd, sh, &v, err);
  if (rc) return rc;
  size_t nr = sh[0];
  double *tot = malloc(nr * sizeof *tot);
  d->city_req_lo = malloc(d->ny * sizeof *d->city_req_lo);
  d->city_req_hi = malloc(d->ny * sizeof *d->city_req_hi);
  if (!tot || !d->city_req_lo || !d->city_req_hi || nr < 2) {
    free(tot);
    free(v);
    free(d->city_req_lo);
    free(d->city_req_hi);
    d->city_req_lo = d->city_req_hi = NULL;
    return nr < 2 ? EC_OK : ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t y = 0; y < d->ny; y++) {
    for (size_t k = 0; k < nr; k++) {
      double s = 0;
      for (size_t u = 0; u < d->nt; u++) s += v[(k * d->ny + y) * d->nt + u];
      tot[k] = s;
    }
    qsort(tot, nr, sizeof *tot, cmp_double);
    /* type-7 quantile (linear between order statistics) */
    double ql[2] = {d->qlo, d->qhi}, *o[2] = {&d->city_req_lo[y], &d->city_req_hi[y]};
    for (int j = 0; j < 2; j++) {
      double h = (double)(nr - 1) * ql[j];
      size_t i0 = (size_t)floor(h);
      size_t i1 = i0 + 1 < nr ? i0 + 1 : i0;
      *o[j] = tot[i0] + (h - (double)i0) * (tot[i1] - tot[i0]);
    }
  }
  free(tot);
  free(v);
  return EC_OK;
}

static int load(rdata *d, const char *path, const ec_results_request *req, ec_error *err) {
  memset(d, 0, sizeof *d);
  d->path = path;
  int rc = ec_results_inspect(path, &d->info, err);
  if (rc) return rc;
  if ((rc = ec_results_select(path, d->info, req, 1, &d->sel, err))) return rc;
  const ec_dsinfo *t = ec_results_info_find(d->info, "township");
  if (!t)
    return ec_error_set(err, EC_ERR_MISSING, path, 0, "township",
                        "no 'township' dimension in the results");
  d->nt = t->shape[0];
  d->ny = (size_t)d->sel.nyears;
  if ((rc = read_1d(d, "year", "year", d->ny, &d->years, err))) return rc;
  if ((rc = read_str(d, "township_code", d->nt, 1, &d->code, err)) ||
      (rc = read_str(d, "township_name", d->nt, 1, &d->name, err)) ||
      (rc = read_str(d, "township_name_pinyin", d->nt, 0, &d->pinyin, err)) ||
      (rc = read_str(d, "township_geometry_wkt", d->nt, 1, &d->wkt, err)) ||
      (rc = read_var(d, "elderly", 1, &d->elderly, err)) ||
      (rc = read_var(d, "beds_required", 1, &d->req, err)) ||
      (rc = read_var(d, "beds_available", 1, &d->avail, err)) ||
      (rc = read_var(d, "bed_gap", 1, &d->gap, err)) ||
      (rc = read_var(d, "beds_per_1000", 1, &d->per1000, err)) ||
      (rc = read_var(d, "meets_bed_standard", 0, &d->meets, err)) ||
      (rc = read_var(d, "has_required_home", 0, &d->home, err)) ||
      (rc = read_band(d, "beds_required", &d->req_lo, &d->req_hi, err)) ||
      (rc = read_band(d, "beds_available", &d->avail_lo, &d->avail_hi, err)) ||
      (rc = read_city_band(d, err)) ||
      (rc = read_1d(d, "homes_open", "year", d->ny, &d->homes_open, err)) ||
      (rc = read_1d(d, "homes_medical", "year", d->ny, &d->homes_med, err)) ||
      (rc = read_1d(d, "medical_share", "year", d->ny, &d->med_share, err)) ||
      (rc = read_1d(d, "meets_medical_rule", "year", d->ny, &d->med_rule, err)))
    return rc;
  const ec_dsinfo *f = ec_results_info_find(d->info, "facility");
  if (f && f->shape[0] > 0) {
    d->nf = f->shape[0];
    if ((rc = read_1d(d, "facility_x", "facility", d->nf, &d->fx, err)) ||
        (rc = read_1d(d, "facility_y", "facility", d->nf, &d->fy, err)) ||
        (rc = read_1d(d, "facility_beds", "facility", d->nf, &d->fbeds, err)) ||
        (rc = read_1d(d, "facility_medical", "facility", d->nf, &d->fmed, err)) ||
        (rc = read_1d(d, "facility_planned", "facility", d->nf, &d->fplanned, err)) ||
        (rc = read_1d(d, "facility_opening_year", "facility", d->nf, &d->fopen, err)) ||
        (rc = read_str(d, "facility_name", d->nf, 0, &d->fname, err)))
      return rc;
  }
  const ec_dsinfo *s = ec_results_info_find(d->info, "site");
  if (s && s->shape[0] > 0) {
    d->ns = s->shape[0];
    if ((rc = read_1d(d, "site_x", "site", d->ns, &d->sx, err)) ||
        (rc = read_1d(d, "site_y", "site", d->ns, &d->sy, err)))
      return rc;
    static const char *flags[] = {"site_chosen", "site_selected", "site_open", "site_best"};
    for (size_t i = 0; i < 4 && !d->schosen; i++)
      if ((rc = read_1d(d, flags[i], "site", d->ns, &d->schosen, err))) return rc;
  }
  d->standard = attr_num(d->info, "beds_per_1000", 40);
  d->home_min_beds = attr_num(d->info, "home_min_beds", 200);
  d->med_target = attr_num(d->info, "medical_share_target", 0.5);
  return EC_OK;
}

#define AT(a, y, u) ((a)[(size_t)(y) * d->nt + (size_t)(u)])

/* ---- formatting ------------------------------------------------------------ */

/* Thousands separators, rounded to `dec` decimals; "–" for NaN. */
static void fmtn(char *b, size_t n, double v, int dec) {
  if (!isfinite(v)) {
    snprintf(b, n, "–");
    return;
  }
  char t[64];
  snprintf(t, sizeof t, "%.*f", dec, fabs(v) < 0.5 * pow(10, -dec) ? 0.0 : v);
  char *dot = strchr(t, '.');
  size_t ip = dot ? (size_t)(dot - t) : strlen(t);
  size_t st = t[0] == '-' ? 1 : 0, o = 0;
  for (size_t i = 0; i < ip && o + 2 < n; i++) {
    if (i > st && (ip - i) % 3 == 0) b[o++] = ',';
    b[o++] = t[i];
  }
  snprintf(b + o, n - o, "%s", dot ? dot : "");
}

static const char *N(double v, int dec) {
  static _Thread_local char ring[16][64];
  static _Thread_local int k;
  char *b = ring[k++ % 16];
  fmtn(b, 64, v, dec);
  return b;
}

/* The year by which a deadline "YYYY-MM-DD" is observed: values are at 1 July. */
static int observe_year(const char *date) {
  int y = 0, m = 0, dd = 0;
  if (sscanf(date, "%d-%d-%d", &y, &m, &dd) != 3) return 0;
  return (m < 7 || (m == 7 && dd == 1)) ? y : y + 1;
}

static long year_index(const rdata *d, int year) {
  for (size_t i = 0; i < d->ny; i++)
    if ((int)lround(d->years[i]) == year) return (long)i;
  return -1;
}

/* "Nice" tick step for a span. */
static double nice_step(double span, int nticks) {
  if (!(span > 0)) return 1;
  double raw = span / nticks, p = pow(10, floor(log10(raw))), f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/* ---- maps ------------------------------------------------------------------ */

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

typedef struct {
  char **path_d;  /* SVG path data per township (screen coordinates) */
  double x0, y1, scale, w, h; /* world -> screen: X = (x-x0)*s, Y = (y1-y)*s */
  double cos_lat; /* 1 for metric CRS; cos(mean latitude) for degrees */
  double *lx, *ly; /* label positions (screen) */
} mapgeo;

static void mapgeo_free(mapgeo *m, size_t nt) {
  free_strs(m->path_d, nt);
  free(m->lx);
  free(m->ly);
}

static void ring_path(FILE *fp, GEOSContextHandle_t h, const GEOSGeometry *ring,
                      const mapgeo *m) {
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4) return;
  for (unsigned int i = 0; i + 1 < n; i++) { /* last = first: Z closes */
    double x, y;
    GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
    fprintf(fp, "%s%.1f %.1f", i ? "L" : "M", (x * m->cos_lat - m->x0) * m->scale,
            (m->y1 - y) * m->scale);
  }
  fputc('Z', fp);
}

static int build_map(const rdata *d, double width_px, mapgeo *m, ec_error *err) {
  memset(m, 0, sizeof *m);
  m->cos_lat = 1;
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSContext_setErrorHandler_r(h, geos_quiet);
  GEOSContext_setNoticeHandler_r(h, geos_quiet);
  GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
  GEOSGeometry **g = calloc(d->nt ? d->nt : 1, sizeof *g);
  m->path_d = calloc(d->nt ? d->nt : 1, sizeof *m->path_d);
  m->lx = calloc(d->nt ? d->nt : 1, sizeof *m->lx);
  m->ly = calloc(d->nt ? d->nt : 1, sizeof *m->ly);
  int rc = EC_OK;
  if (!g || !m->path_d || !m->lx || !m->ly || !rd)
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  size_t ng = 0;
  GEOSGeometry **live = calloc(d->nt ? d->nt : 1, sizeof *live);
  size_t *which = calloc(d->nt ? d->nt : 1, sizeof *which);
  if (!live || !which) rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
  for (size_t i = 0; i < d->nt && !rc; i++) {
    if (!d->wkt[i] || !d->wkt[i][0]) continue;
    g[i] = GEOSWKTReader_read_r(h, rd, d->wkt[i]);
    if (!g[i]) {
      rc = ec_error_set(err, EC_ERR_INVALID, d->path, (long)i + 1, "township_geometry_wkt",
                        "township %zu: unreadable WKT", i);
      break;
    }
    double a, b, c, e;
    if (GEOSGeom_getXMin_r(h, g[i], &a) && GEOSGeom_getYMin_r(h, g[i], &b) &&
        GEOSGeom_getXMax_r(h, g[i], &c) && GEOSGeom_getYMax_r(h, g[i], &e)) {
      minx = fmin(minx, a), miny = fmin(miny, b), maxx = fmax(maxx, c), maxy = fmax(maxy, e);
    }
    live[ng] = g[i];
    which[ng++] = i;
  }
  if (!rc && ng > 0 && isfinite(minx)) {
    /* degrees: scale x by cos(latitude) so the map is not stretched */
    if (maxx - minx < 20 && maxy - miny < 20 && fabs(maxy) <= 90 && fabs(maxx) <= 180)
      m->cos_lat = cos((miny + maxy) / 2 * 3.14159265358979323846 / 180);
    double sx = (maxx - minx) * m->cos_lat, sy = maxy - miny;
    m->scale = width_px / (sx > 0 ? sx : 1);
    if (sy * m->scale > width_px * 1.15) m->scale = width_px * 1.15 / sy;
    m->x0 = minx * m->cos_lat;
    m->y1 = maxy;
    m->w = sx * m->scale;
    m->h = sy * m->scale;
    /* simplify all townships together (half a pixel), keeping topology */
    GEOSGeometry *coll =
        GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, live, (unsigned)ng);
    if (coll) {
      for (size_t i = 0; i < d->nt; i++) g[i] = NULL; /* now owned by coll */
      GEOSGeometry *simp = GEOSTopologyPreserveSimplify_r(h, coll, 0.5 / m->scale);
      const GEOSGeometry *src = simp ? simp : coll;
      for (size_t k = 0; k < ng && !rc; k++) {
        const GEOSGeometry *gi = GEOSGetGeometryN_r(h, src, (int)k);
        char *buf = NULL;
        size_t bl = 0;
        FILE *mf = open_memstream(&buf, &bl);
        if (!mf) {
          rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
          break;
        }
        int type = GEOSGeomTypeId_r(h, gi);
        int np = type == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, gi)
                 : type == GEOS_POLYGON    ? 1
                                           : 0;
        for (int p = 0; p < np; p++) {
          const GEOSGeometry *pg = type == GEOS_POLYGON ? gi : GEOSGetGeometryN_r(h, gi, p);
          ring_path(mf, h, GEOSGetExteriorRing_r(h, pg), m);
          int nh = GEOSGetNumInteriorRings_r(h, pg);
          for (int q = 0; q < nh; q++) ring_path(mf, h, GEOSGetInteriorRingN_r(h, pg, q), m);
        }
        fclose(mf);
        m->path_d[which[k]] = buf;
        /* label at a point inside the polygon */
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, gi);
        double px = 0, py = 0;
        if (pt && GEOSGeomGetX_r(h, pt, &px) && GEOSGeomGetY_r(h, pt, &py)) {
          m->lx[which[k]] = (px * m->cos_lat - m->x0) * m->scale;
          m->ly[which[k]] = (m->y1 - py) * m->scale;
        }
        if (pt) GEOSGeom_destroy_r(h, pt);
      }
      if (simp) GEOSGeom_destroy_r(h, simp);
      GEOSGeom_destroy_r(h, coll);
    }
  }
  for (size_t i = 0; g && i < d->nt; i++)
    if (g[i]) GEOSGeom_destroy_r(h, g[i]);
  free(g);
  free(live);
  free(which);
  if (rd) GEOSWKTReader_destroy_r(h, rd);
  GEOS_finish_r(h);
  if (rc) mapgeo_free(m, d->nt);
  return rc;
}

typedef struct {
  int n;
  double lo[8], hi[8]; /* class i: lo < v <= hi (first class: v <= hi) */
  const char *color[8];
  char label[8][96];
} classes;

static int class_of(const classes *c, double v) {
  if (!isfinite(v)) return -1;
  for (int i = 0; i < c->n; i++)
    if (v < c->hi[i] || i == c->n - 1) return i;
  return c->n - 1;
}

/* Beds per 1,000 elderly: four classes below the standard, one at/above. */
static void classes_per1000(classes *c, double standard) {
  static const char *col[] = {"#c0392b", "#e67e22", "#f4d03f", "#a9cce3", "#1e8449"};
  c->n = 5;
  for (int i = 0; i < 4; i++) {
    c->lo[i] = standard * i / 4;
    c->hi[i] = standard * (i + 1) / 4;
    snprintf(c->label[i], sizeof c->label[i], "%s – %s", N(c->lo[i], 0), N(c->hi[i], 0));
  }
  snprintf(c->label[0], sizeof c->label[0], "&lt; %s", N(c->hi[0], 0));
  c->lo[4] = standard;
  c->hi[4] = INFINITY;
  snprintf(c->label[4], sizeof c->label[4], "≥ %s 达标 meets", N(standard, 0));
  for (int i = 0; i < 5; i++) c->color[i] = col[i];
}

/* Gap: surplus/none, then four classes up to the largest gap. */
static void classes_gap(classes *c, double maxgap) {
  static const char *col[] = {"#1e8449", "#fdebd0", "#f5b041", "#dc7633", "#922b21"};
  c->n = 5;
  c->lo[0] = -INFINITY;
  c->hi[0] = 0.5;
  snprintf(c->label[0], sizeof c->label[0], "≤ 0 无缺口 no gap");
  double step = nice_step(maxgap > 1 ? maxgap : 1, 4);
  for (int i = 1; i < 5; i++) {
    c->lo[i] = i == 1 ? 0 : step * (i - 1);
    c->hi[i] = i == 4 ? INFINITY : step * i;
    if (i == 4) snprintf(c->label[i], sizeof c->label[i], "&gt; %s", N(c->lo[i], 0));
    else snprintf(c->label[i], sizeof c->label[i], "%s – %s", N(i == 1 ? 1 : c->lo[i], 0),
                  N(c->hi[i], 0));
  }
  for (int i = 0; i < 5; i++) c->color[i] = col[i];
}

/* Short label for the map: the name up to a '+' or '（'. */
static void short_name(const char *s, char *out, size_t n) {
  size_t L = strlen(s);
  const char *p = strstr(s, "+");
  if (p && (size_t)(p - s) < L) L = (size_t)(p - s);
  p = strstr(s, "（");
  if (p && (size_t)(p - s) < L) L = (size_t)(p - s);
  p = strstr(s, "国家级");
  if (p && (size_t)(p - s) < L && p > s) L = (size_t)(p - s);
  if (L >= n) L = n - 1;
  memcpy(out, s, L);
  out[L] = '\0';
}

static void draw_map(FILE *fp, const rdata *d, const mapgeo *m, const char *id,
                     const char *title, const double *val, int dec, const classes *c,
                     const char *unit) {
  double legend_h = 30.0 + 20.0 * c->n + (d->nf ? 40 : 0) + (d->ns ? 20 : 0);
  double W = m->w + 20, H = fmax(m->h, 10) + 20 + legend_h + 10;
  fprintf(fp, "<figure class=\"map\"><figcaption>");
  ESC(title);
  fprintf(fp, "</figcaption>\n<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
              "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\">\n",
          id, W, H, W, H);
  fprintf(fp, "<g transform=\"translate(10 10)\">\n");
  for (size_t i = 0; i < d->nt; i++) {
    if (!m->path_d[i]) continue;
    double v = val[(size_t)d->sel.year * d->nt + i];
    int k = class_of(c, v);
    fprintf(fp, "<path class=\"twp\" data-code=\"");
    ESC(d->code[i]);
    fprintf(fp, "\" fill=\"%s\" d=\"%s\"><title>", k >= 0 ? c->color[k] : "#cccccc",
            m->path_d[i]);
    ESC(d->name[i]);
    fprintf(fp, ": %s %s</title></path>\n", N(v, dec), unit);
  }
  /* facilities: planned homes as rings, others as dots; red cross = medical */
  for (size_t f = 0; f < d->nf && d->fx && d->fy; f++) {
    if (!isfinite(d->fx[f]) || !isfinite(d->fy[f])) continue;
    double X = (d->fx[f] * m->cos_lat - m->x0) * m->scale, Y = (m->y1 - d->fy[f]) * m->scale;
    int planned = d->fplanned && d->fplanned[f] == 1;
    fprintf(fp, "<circle class=\"fac\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" "
                "stroke=\"#1b2631\" stroke-width=\"1.5\"><title>",
            X, Y, planned ? "#ffffff" : "#1b2631");
    ESC(d->fname ? d->fname[f] : "facility");
    if (d->fbeds) fprintf(fp, " (%s 床 beds)", N(d->fbeds[f], 0));
    fprintf(fp, "</title></circle>\n");
  }
  for (size_t s = 0; s < d->ns && d->sx && d->sy; s++) {
    double X = (d->sx[s] * m->cos_lat - m->x0) * m->scale, Y = (m->y1 - d->sy[s]) * m->scale;
    int chosen = d->schosen && d->schosen[s] == 1;
    fprintf(fp, "<path class=\"site\" d=\"M%.1f %.1fl5 8h-10z\" fill=\"%s\" "
                "stroke=\"#6c3483\" stroke-width=\"1.2\"/>\n",
            X, Y - 5, chosen ? "#8e44ad" : "none");
  }
  if (d->nt <= 40)
    for (size_t i = 0; i < d->nt; i++) {
      if (!m->path_d[i]) continue;
      char sn[96];
      short_name(d->name[i], sn, sizeof sn);
      fprintf(fp, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\">", m->lx[i], m->ly[i] + 14);
      ESC(sn);
      fprintf(fp, "</text>\n");
    }
  /* north arrow and scale bar (metres) */
  fprintf(fp, "<g class=\"north\" transform=\"translate(%.0f 6)\"><path d=\"M0 18l6 -18l6 18l-6 -5z\" "
              "fill=\"#1b2631\"/><text x=\"6\" y=\"30\" text-anchor=\"middle\">N 北</text></g>\n",
          m->w - 16);
  if (m->cos_lat == 1) {
    double km = nice_step(m->w / 4 / m->scale / 1000, 1);
    double L = km * 1000 * m->scale;
    fprintf(fp, "<g class=\"scalebar\" transform=\"translate(0 %.0f)\"><path d=\"M0 0v-5M0 0h%.1fv-5\" "
                "stroke=\"#1b2631\" fill=\"none\"/><text x=\"%.1f\" y=\"-8\">%g km</text></g>\n",
            m->h - 2, L, L + 4, km);
  }
  /* legend */
  double ly = fmax(m->h, 10) + 18;
  fprintf(fp, "<g class=\"legend\" transform=\"translate(0 %.0f)\"><text x=\"0\" y=\"0\" "
              "class=\"lt\">",
          ly);
  ESC(unit);
  fprintf(fp, "</text>\n");
  for (int i = 0; i < c->n; i++)
    fprintf(fp, "<rect x=\"0\" y=\"%d\" width=\"22\" height=\"14\" fill=\"%s\" "
                "stroke=\"#7f8c8d\" stroke-width=\"0.5\"/><text x=\"30\" y=\"%d\">%s</text>\n",
            8 + 20 * i, c->color[i], 19 + 20 * i, c->label[i]);
  int y0 = 8 + 20 * c->n + 6;
  if (d->nf)
    fprintf(fp, "<circle cx=\"11\" cy=\"%d\" r=\"4.5\" fill=\"#1b2631\"/><text x=\"30\" y=\"%d\">"
                "现有养老机构 existing home</text><circle cx=\"11\" cy=\"%d\" r=\"4.5\" "
                "fill=\"#fff\" stroke=\"#1b2631\" stroke-width=\"1.5\"/><text x=\"30\" y=\"%d\">"
                "规划敬老院 planned %s-bed home</text>\n",
            y0 + 4, y0 + 8, y0 + 24, y0 + 28, N(d->home_min_beds, 0));
  if (d->ns)
    fprintf(fp, "<path d=\"M11 %dl5 8h-10z\" fill=\"#8e44ad\"/><text x=\"30\" y=\"%d\">"
                "选址方案 chosen site (hollow: candidate)</text>\n",
            y0 + 40, y0 + 48);
  fprintf(fp, "</g></g></svg></figure>\n");
}

/* ---- charts ---------------------------------------------------------------- */

typedef struct {
  const double *v; /* ny values (stride) */
  size_t stride;
  const char *color, *label, *dash;
} series;

static void line_chart(FILE *fp, const rdata *d, double W, double H, const char *cls,
                       const char *title, const series *s, int ns, const double *blo,
                       const double *bhi, size_t bstride, int legend) {
  double ml = 52, mr = 10, mt = title ? 22 : 8, mb = legend ? 44 : 24;
  double pw = W - ml - mr, ph = H - mt - mb;
  double ymin = 0, ymax = 0;
  for (int k = 0; k < ns; k++)
    for (size_t y = 0; y < d->ny; y++)
      if (isfinite(s[k].v[y * s[k].stride])) ymax = fmax(ymax, s[k].v[y * s[k].stride]);
  if (blo && bhi)
    for (size_t y = 0; y < d->ny; y++)
      if (isfinite(bhi[y * bstride])) ymax = fmax(ymax, bhi[y * bstride]);
  double step = nice_step(ymax > 0 ? ymax : 1, 4);
  ymax = step * ceil((ymax > 0 ? ymax : 1) / step);
  double x0 = d->years[0], x1 = d->years[d->ny - 1];
  if (x1 <= x0) x1 = x0 + 1;
#define PX(yr) (ml + ((yr) - x0) / (x1 - x0) * pw)
#define PY(v) (mt + ph - ((v) - ymin) / (ymax - ymin) * ph)
  fprintf(fp, "<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
              "width=\"%.0f\" height=\"%.0f\">\n",
          cls, W, H, W, H);
  if (title) {
    fprintf(fp, "<text class=\"ct\" x=\"%.0f\" y=\"14\">", ml);
    ESC(title);
    fprintf(fp, "</text>\n");
  }
  for (double t = 0; t <= ymax + 1e-9; t += step)
    fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
            ml, ml + pw, PY(t), PY(t), ml - 4, PY(t) + 3.5, N(t, 0));
  double ystep = nice_step(x1 - x0, W > 400 ? 8 : 3);
  if (ystep < 1) ystep = 1;
  if (ystep == 2.5 || ystep == 25) ystep *= 2; /* years: 1, 2, 5, 10 */
  for (double t = ceil(x0 / ystep) * ystep; t <= x1 + 1e-9; t += ystep)
    fprintf(fp, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
            PX(t), PX(t), mt + ph, mt + ph + 4, PX(t), mt + ph + 15, t);
  fprintf(fp, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", ml,
          ml + pw, mt + ph, mt + ph);
  if (blo && bhi) {
    fprintf(fp, "<path class=\"band\" d=\"");
    for (size_t y = 0; y < d->ny; y++)
      fprintf(fp, "%s%.1f %.1f", y ? "L" : "M", PX(d->years[y]), PY(bhi[y * bstride]));
    for (size_t y = d->ny; y-- > 0;)
      fprintf(fp, "L%.1f %.1f", PX(d->years[y]), PY(blo[y * bstride]));
    fprintf(fp, "Z\"/>\n");
  }
  for (int k = 0; k < ns; k++) {
    fprintf(fp, "<path class=\"line\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s d=\"",
            s[k].color, s[k].dash ? " stroke-dasharray=\"" : "", s[k].dash ? s[k].dash : "",
            s[k].dash ? "\"" : "");
    int pen = 0;
    for (size_t y = 0; y < d->ny; y++) {
      double v = s[k].v[y * s[k].stride];
      if (!isfinite(v)) {
        pen = 0;
        continue;
      }
      fprintf(fp, "%s%.1f %.1f", pen ? "L" : "M", PX(d->years[y]), PY(v));
      pen = 1;
    }
    fprintf(fp, "\"><title>");
    ESC(s[k].label);
    fprintf(fp, "</title></path>\n");
  }
  if (legend) {
    double lx = ml;
    for (int k = 0; k < ns; k++) {
      fprintf(fp, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                  "stroke-width=\"2.5\"%s%s%s/><text class=\"tick\" x=\"%.0f\" y=\"%.0f\">",
              lx, lx + 22, H - 10, H - 10, s[k].color, s[k].dash ? " stroke-dasharray=\"" : "",
              s[k].dash ? s[k].dash : "", s[k].dash ? "\"" : "", lx + 28, H - 6);
      ESC(s[k].label);
      fprintf(fp, "</text>\n");
      lx += 28 + 7.5 * (double)strlen(s[k].label) * 0.8 + 20;
    }
    if (blo && bhi)
      fprintf(fp, "<rect class=\"band\" x=\"%.0f\" y=\"%.0f\" width=\"22\" height=\"10\"/>"
                  "<text class=\"tick\" x=\"%.0f\" y=\"%.0f\">P%g–P%g 蒙特卡洛区间 Monte Carlo band</text>\n",
              lx, H - 15, lx + 28, H - 6, 100 * d->qlo, 100 * d->qhi);
  }
  fprintf(fp, "</svg>\n");
#undef PX
#undef PY
}

/* ---- sections -------------------------------------------------------------- */

static const char *k_css =
    "*{box-sizing:border-box}"
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei',"
    "'PingFang SC','WenQuanYi Micro Hei',sans-serif;color:#1b2631;margin:0 auto;max-width:1100px;"
    "padding:24px 32px;line-height:1.45;font-size:14px;background:#fff}"
    "h1{font-size:24px;margin:0 0 4px;border-bottom:3px solid #1f4e79;padding-bottom:6px}"
    "h2{font-size:18px;color:#1f4e79;margin:28px 0 8px;border-left:5px solid #1f4e79;"
    "padding-left:8px}"
    "h2 .en,h1 .en,th .en{font-weight:normal;color:#566573;font-size:.85em}"
    ".meta{color:#566573;font-size:12px;margin:2px 0 12px}"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}"
    "th,td{border:1px solid #d5d8dc;padding:4px 6px;text-align:left;vertical-align:top}"
    "th{background:#eaf0f6}td.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "tr:nth-child(even) td{background:#fafbfc}"
    ".ok{color:#fff;background:#1e8449;border-radius:3px;padding:1px 6px;white-space:nowrap}"
    ".no{color:#fff;background:#c0392b;border-radius:3px;padding:1px 6px;white-space:nowrap}"
    ".na{color:#1b2631;background:#d5d8dc;border-radius:3px;padding:1px 6px;white-space:nowrap}"
    ".kpis{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0}"
    ".kpi{flex:1 1 150px;border:1px solid #d5d8dc;border-radius:4px;padding:8px 10px}"
    ".kpi b{display:block;font-size:22px}.kpi span{color:#566573;font-size:12px}"
    ".maps{display:flex;gap:12px;flex-wrap:wrap}.map{margin:0;flex:1 1 480px}"
    ".map figcaption{font-weight:bold;margin-bottom:4px}"
    "svg text{font-family:inherit;font-size:11px;fill:#1b2631}"
    "path.twp{stroke:#fff;stroke-width:1.2}"
    "text.lbl{font-size:11px;text-anchor:middle;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px;stroke-linejoin:round}"
    ".lt{font-weight:bold}.ct{font-weight:bold;font-size:12px}"
    "line.grid{stroke:#e5e8e8}line.axis{stroke:#7f8c8d}.tick{font-size:10px;fill:#566573}"
    ".band{fill:#5dade2;opacity:.3;stroke:none}"
    ".multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:6px}"
    ".note{color:#566573;font-size:12px}"
    "section{break-inside:avoid-page}"
    "@media print{body{padding:0;max-width:none;font-size:11pt}h2{break-after:avoid}"
    ".multiples{grid-template-columns:repeat(3,1fr)}}"
    "@page{size:A4;margin:14mm}";

static void badge(FILE *fp, int status) {
  if (status > 0) fputs("<span class=\"ok\">达标 Met</span>", fp);
  else if (status == 0) fputs("<span class=\"no\">未达标 Not met</span>", fp);
  else fputs("<span class=\"na\">未知 Unknown</span>", fp);
}

/* City-wide status of a township flag in year index y: 1 all, 0 not, -1 unknown. */
static int all_towns(const rdata *d, const double *flag, long y) {
  if (!flag || y < 0) return -1;
  int any_unknown = 0;
  for (size_t u = 0; u < d->nt; u++) {
    double v = AT(flag, y, u);
    if (!isfinite(v) || v < 0) any_unknown = 1;
    else if (v == 0) return 0;
  }
  return any_unknown ? -1 : 1;
}

static int count_towns(const rdata *d, const double *flag, long y) {
  int n = 0;
  for (size_t u = 0; flag && u < d->nt; u++) n += AT(flag, y, u) == 1;
  return n;
}

static int first_year_all(const rdata *d, const double *flag) {
  int first = 0;
  for (size_t y = 0; y < d->ny; y++) {
    if (all_towns(d, flag, (long)y) == 1) {
      if (!first) first = (int)lround(d->years[y]);
    } else
      first = 0;
  }
  return first;
}

static void write_when(FILE *fp, int first, const rdata *d) {
  if (first) fprintf(fp, "%d 年起 from %d", first, first);
  else fprintf(fp, "到 %.0f 年仍未达标 not met by %.0f", d->years[d->ny - 1], d->years[d->ny - 1]);
}

static void section_headline(FILE *fp, const rdata *d, ec_report_summary *sum) {
  const char *hd = attr_str(d->info, "home_deadline");
  const char *md = attr_str(d->info, "medical_deadline");
  long yh = year_index(d, observe_year(hd)), ym = year_index(d, observe_year(md));
  long yr = d->sel.year;
  fprintf(fp, "<section><h2>政策目标完成情况 <span class=\"en\">Policy rules: met or not, by "
              "when</span></h2>\n<table><tr><th>政策要求 <span class=\"en\">Rule</span></th>"
              "<th>条款 <span class=\"en\">Clause</span></th><th>期限 <span class=\"en\">"
              "Deadline</span></th><th>期限时 <span class=\"en\">At the deadline</span></th>"
              "<th>全部乡镇达标时间 <span class=\"en\">Met everywhere</span></th>"
              "<th>%.0f 年 <span class=\"en\">in %.0f</span></th></tr>\n",
          d->sel.year_value, d->sel.year_value);
  /* 1: beds per 1,000 (no date in the text: checked every year) */
  int st_now = all_towns(d, d->meets, yr);
  fprintf(fp, "<tr><td>每个乡镇每千名老人养老床位不少于 %s 张<br><span class=\"en\">At least %s "
              "elderly-care beds per 1,000 elderly in every township</span></td><td>三(三)</td>"
              "<td>未规定 <span class=\"en\">no date given</span></td><td>–</td><td>",
          N(d->standard, 0), N(d->standard, 0));
  if (d->meets) write_when(fp, first_year_all(d, d->meets), d);
  else fputs("–", fp);
  fputs("</td><td>", fp);
  badge(fp, st_now);
  if (d->meets) fprintf(fp, " %d/%zu 乡镇 townships", count_towns(d, d->meets, yr), d->nt);
  fputs("</td></tr>\n", fp);
  /* 2: a home of >= 200 beds in every township by the deadline */
  int st_h = all_towns(d, d->home, yh);
  fprintf(fp, "<tr><td>每个乡镇建成一所不少于 %s 张床位的敬老院<br><span class=\"en\">A nursing "
              "home of at least %s beds in every township</span></td><td>三(三)</td><td>",
          N(d->home_min_beds, 0), N(d->home_min_beds, 0));
  ESC(hd[0] ? hd : "–");
  fputs("</td><td>", fp);
  badge(fp, st_h);
  if (d->home && yh >= 0) fprintf(fp, " %d/%zu", count_towns(d, d->home, yh), d->nt);
  fputs("</td><td>", fp);
  if (d->home) write_when(fp, first_year_all(d, d->home), d);
  else fputs("–", fp);
  fputs("</td><td>", fp);
  badge(fp, all_towns(d, d->home, yr));
  fputs("</td></tr>\n", fp);
  /* 3: medical care in more than half of the homes */
  int st_m = d->med_rule && ym >= 0 ? (int)d->med_rule[ym] : -1;
  fprintf(fp, "<tr><td>具备医疗服务能力的养老机构超过 %s%%<br><span class=\"en\">More than "
              "%s%% of nursing homes give medical care</span></td><td>三(四)</td><td>",
          N(100 * d->med_target, 0), N(100 * d->med_target, 0));
  ESC(md[0] ? md : "–");
  fputs("</td><td>", fp);
  badge(fp, st_m < 0 ? -1 : st_m);
  fputs("</td><td>", fp);
  int firstm = 0;
  for (size_t y = 0; d->med_rule && y < d->ny; y++)
    if (d->med_rule[y] == 1) {
      if (!firstm) firstm = (int)lround(d->years[y]);
    } else
      firstm = 0;
  int unknown_all = 1;
  for (size_t y = 0; d->med_rule && y < d->ny; y++)
    if (d->med_rule[y] >= 0) unknown_all = 0;
  if (!d->med_rule || unknown_all) fputs("未知：缺少机构医疗服务数据 <span class=\"en\">unknown: "
                                          "no data on which homes give medical care</span>", fp);
  else write_when(fp, firstm, d);
  fputs("</td><td>", fp);
  badge(fp, d->med_rule ? (int)d->med_rule[yr] : -1);
  fputs("</td></tr></table>\n", fp);
  int sts[3] = {st_now, st_h, st_m};
  for (int i = 0; i < 3; i++) {
    if (sts[i] > 0) sum->rules_met++;
    else if (sts[i] == 0) sum->rules_not_met++;
    else sum->rules_unknown++;
  }
  fprintf(fp, "<p class=\"note\">数值为每年7月1日的状态；期限后的第一个观测年用于判断。"
              "<span class=\"en\">Values are the state on 1 July of each year; a deadline is "
              "judged at the first observation on or after it (home: %ld, medical care: %ld). "
              "The bed standard has no date in the text and is shown for every year.</span></p>"
              "</section>\n",
          yh >= 0 ? (long)lround(d->years[yh]) : 0L, ym >= 0 ? (long)lround(d->years[ym]) : 0L);
}

static void section_kpis(FILE *fp, const rdata *d) {
  double e = 0, r = 0, a = 0, g = 0;
  for (size_t u = 0; u < d->nt; u++) {
    e += AT(d->elderly, d->sel.year, u);
    r += AT(d->req, d->sel.year, u);
    a += AT(d->avail, d->sel.year, u);
    g += fmax(0, AT(d->gap, d->sel.year, u));
  }
  fprintf(fp, "<div class=\"kpis\"><div class=\"kpi\"><span>老年人口 elderly (%.0f)</span><b>%s</b>"
              "</div><div class=\"kpi\"><span>需要床位 beds required</span><b>%s</b></div>"
              "<div class=\"kpi\"><span>现有床位 beds available</span><b>%s</b></div>"
              "<div class=\"kpi\"><span>床位缺口 gap (sum of township gaps)</span><b>%s</b></div>"
              "<div class=\"kpi\"><span>每千名老人床位 beds per 1,000 elderly</span><b>%s</b>"
              "</div></div>\n",
          d->sel.year_value, N(e, 0), N(r, 0), N(a, 0), N(g, 0), N(e > 0 ? 1000 * a / e : NAN, 1));
}

static void section_maps(FILE *fp, const rdata *d, const mapgeo *m) {
  classes c1, c2;
  classes_per1000(&c1, d->standard);
  double maxgap = 0;
  for (size_t u = 0; u < d->nt; u++)
    if (isfinite(AT(d->gap, d->sel.year, u))) maxgap = fmax(maxgap, AT(d->gap, d->sel.year, u));
  classes_gap(&c2, maxgap);
  fprintf(fp, "<section><h2>乡镇分布图 <span class=\"en\">Maps of the townships, %.0f</span></h2>"
              "<div class=\"maps\">\n",
          d->sel.year_value);
  char t1[200], t2[200];
  snprintf(t1, sizeof t1, "每千名老人养老床位 Beds per 1,000 elderly (%.0f)", d->sel.year_value);
  snprintf(t2, sizeof t2, "养老床位缺口 Bed gap: required − available (%.0f)", d->sel.year_value);
  draw_map(fp, d, m, "map-beds", t1, d->per1000, 1, &c1, "床/千名老人 beds per 1,000");
  draw_map(fp, d, m, "map-gap", t2, d->gap, 0, &c2, "床 beds");
  fprintf(fp, "</div></section>\n");
}

static void section_township_table(FILE *fp, const rdata *d) {
  long y = d->sel.year;
  fprintf(fp, "<section><h2>各乡镇床位 <span class=\"en\">Beds by township, %.0f</span></h2>\n"
              "<table><tr><th>乡镇 <span class=\"en\">Township</span></th>"
              "<th>老年人口 <span class=\"en\">Elderly</span></th><th>需要床位 <span class=\"en\">"
              "Required</span></th><th>现有床位 <span class=\"en\">Available</span></th>"
              "<th>缺口 <span class=\"en\">Gap</span></th><th>每千名老人 <span class=\"en\">"
              "Per 1,000</span></th><th>床位标准 <span class=\"en\">Standard</span></th>"
              "<th>%s床敬老院 <span class=\"en\">Home</span></th><th>达标年份 <span class=\"en\">"
              "Years meeting the standard</span></th></tr>\n",
          d->sel.year_value, N(d->home_min_beds, 0));
  for (size_t u = 0; u < d->nt; u++) {
    fputs("<tr><td>", fp);
    ESC(d->name[u]);
    if (d->pinyin && d->pinyin[u][0]) {
      fputs("<br><span class=\"note\">", fp);
      ESC(d->pinyin[u]);
      fputs("</span>", fp);
    }
    fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                "<td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
            N(AT(d->elderly, y, u), 0), N(AT(d->req, y, u), 0), N(AT(d->avail, y, u), 0),
            N(AT(d->gap, y, u), 0), N(AT(d->per1000, y, u), 1));
    badge(fp, d->meets ? (int)AT(d->meets, y, u) : -1);
    fputs("</td><td>", fp);
    badge(fp, d->home ? (int)AT(d->home, y, u) : -1);
    fputs("</td><td>", fp);
    /* the years meeting the standard, as ranges */
    int any = 0;
    for (size_t a = 0; d->meets && a < d->ny; a++) {
      if (AT(d->meets, a, u) != 1) continue;
      size_t b = a;
      while (b + 1 < d->ny && AT(d->meets, b + 1, u) == 1) b++;
      fprintf(fp, "%s%.0f", any ? ", " : "", d->years[a]);
      if (b > a) fprintf(fp, "–%.0f", d->years[b]);
      any = 1;
      a = b;
    }
    if (!any) fputs("从未 never", fp);
    fputs("</td></tr>\n", fp);
  }
  fputs("</table></section>\n", fp);
}

static void section_charts(FILE *fp, const rdata *d, ec_report_summary *sum) {
  double *cr = calloc(d->ny, sizeof *cr), *ca = calloc(d->ny, sizeof *ca);
  if (!cr || !ca) {
    free(cr);
    free(ca);
    return;
  }
  for (size_t y = 0; y < d->ny; y++)
    for (size_t u = 0; u < d->nt; u++) {
      cr[y] += AT(d->req, y, u);
      ca[y] += AT(d->avail, y, u);
    }
  fprintf(fp, "<section><h2>床位需求与供给 <span class=\"en\">Beds required against available, "
              "%.0f–%.0f</span></h2>\n",
          d->years[0], d->years[d->ny - 1]);
  series s[2] = {{cr, 1, "#c0392b", "需要床位 required", NULL},
                 {ca, 1, "#1f4e79", "现有床位 available", "6 3"}};
  line_chart(fp, d, 1000, 300, "chart city", "全市 City total", s, 2, d->city_req_lo,
             d->city_req_hi, 1, 1);
  if (d->req_lo && !d->city_req_lo)
    fputs("<p class=\"note\">全市合计不显示区间（分位数不可相加）。<span class=\"en\">The city total "
          "has no band: quantiles of townships do not add up; keep the replicates to see it. "
          "Township bands are below.</span></p>\n",
          fp);
  if (d->req_lo) sum->has_band = 1;
  fputs("<div class=\"multiples\">\n", fp);
  for (size_t u = 0; u < d->nt; u++) {
    series t[2] = {{d->req + u, d->nt, "#c0392b", "需要 required", NULL},
                   {d->avail + u, d->nt, "#1f4e79", "现有 available", "6 3"}};
    char sn[128];
    short_name(d->name[u], sn, sizeof sn);
    line_chart(fp, d, 250, 150, "chart town", sn, t, 2, d->req_lo ? d->req_lo + u : NULL,
               d->req_hi ? d->req_hi + u : NULL, d->nt, 0);
  }
  fputs("</div>\n<p class=\"note\">红线：需要床位；蓝虚线：现有床位", fp);
  if (d->req_lo)
    fprintf(fp, "；阴影：需要床位的 P%g–P%g 蒙特卡洛区间", 100 * d->qlo, 100 * d->qhi);
  fputs("。<span class=\"en\">Red: beds required; blue dashed: beds available", fp);
  if (d->req_lo)
    fprintf(fp, "; shaded: P%g–P%g Monte Carlo band of beds required", 100 * d->qlo,
            100 * d->qhi);
  fputs(".</span></p></section>\n", fp);
  free(cr);
  free(ca);
}

static void section_medical(FILE *fp, const rdata *d) {
  if (!d->homes_open && !d->med_share) return;
  fprintf(fp, "<section><h2>医养结合 <span class=\"en\">Medical care in nursing homes (target "
              "&gt; %s%%)</span></h2>\n<table><tr><th>年份 <span class=\"en\">Year</span></th>"
              "<th>养老机构 <span class=\"en\">Homes open</span></th><th>提供医疗服务 "
              "<span class=\"en\">Giving medical care</span></th><th>比例 <span class=\"en\">"
              "Share</span></th><th>目标 <span class=\"en\">Rule</span></th></tr>\n",
          N(100 * d->med_target, 0));
  for (size_t y = 0; y < d->ny; y++) {
    double sh = d->med_share ? d->med_share[y] : NAN;
    fprintf(fp, "<tr><td>%.0f</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                "<td class=\"n\">%s</td><td>",
            d->years[y], d->homes_open ? N(d->homes_open[y], 0) : "–",
            d->homes_med ? N(d->homes_med[y], 0) : "–",
            isfinite(sh) ? N(100 * sh, 1) : "未知 unknown");
    badge(fp, d->med_rule ? (int)d->med_rule[y] : -1);
    fputs("</td></tr>\n", fp);
  }
  fputs("</table>\n", fp);
  /* coverage measures written by the access module, when present */
  const char *yt[] = {"year", "township"};
  int any = 0;
  for (int i = 0; i < d->info->nds; i++) {
    const ec_dsinfo *ds = &d->info->ds[i];
    size_t L = strlen(ds->name);
    if (ds->is_scale || ds->type == EC_H5_STRING || !ec_results_dims_are(ds, 2, yt)) continue;
    if (!strstr(ds->name, "medical") && !strstr(ds->name, "coverage")) continue;
    if (L > 2 && !strcmp(ds->name + L - 2, "_q")) continue;
    double *v;
    size_t ny, nt;
    ec_results_sel det = d->sel;
    det.quantile = -1;
    if (ec_results_read_yt(d->path, d->info, ds->name, &det, d->sel.scenario, &v, &ny, &nt,
                           NULL))
      continue;
    if (!any) {
      fprintf(fp, "<table><tr><th>乡镇 <span class=\"en\">Township</span></th>");
      any = 1;
    }
    free(v);
  }
  if (any) {
    for (int i = 0; i < d->info->nds; i++) {
      const ec_dsinfo *ds = &d->info->ds[i];
      size_t L = strlen(ds->name);
      if (ds->is_scale || ds->type == EC_H5_STRING || !ec_results_dims_are(ds, 2, yt)) continue;
      if (!strstr(ds->name, "medical") && !strstr(ds->name, "coverage")) continue;
      if (L > 2 && !strcmp(ds->name + L - 2, "_q")) continue;
      fputs("<th>", fp);
      ESC(ds->long_name[0] ? ds->long_name : ds->name);
      fputs(" (", fp);
      ESC(ds->units);
      fputs(")</th>", fp);
    }
    fputs("</tr>\n", fp);
    for (size_t u = 0; u < d->nt; u++) {
      fputs("<tr><td>", fp);
      ESC(d->name[u]);
      fputs("</td>", fp);
      for (int i = 0; i < d->info->nds; i++) {
        const ec_dsinfo *ds = &d->info->ds[i];
        size_t L = strlen(ds->name);
        if (ds->is_scale || ds->type == EC_H5_STRING || !ec_results_dims_are(ds, 2, yt)) continue;
        if (!strstr(ds->name, "medical") && !strstr(ds->name, "coverage")) continue;
        if (L > 2 && !strcmp(ds->name + L - 2, "_q")) continue;
        double *v = NULL;
        size_t ny, nt;
        ec_results_sel det = d->sel;
        det.quantile = -1;
        double x = NAN;
        if (!ec_results_read_yt(d->path, d->info, ds->name, &det, d->sel.scenario, &v, &ny, &nt,
                                NULL) &&
            u < nt)
          x = v[(size_t)d->sel.year * nt + u];
        free(v);
        fprintf(fp, "<td class=\"n\">%s</td>", N(x, 2));
      }
      fputs("</tr>\n", fp);
    }
    fputs("</table>\n", fp);
  }
  fputs("</section>\n", fp);
}

/* A table of every 1-D dataset on `dim` (sites, standards...), rows = entries. */
static void generic_table(FILE *fp, const rdata *d, const char *dim, const char *prefix,
                          const char *h_zh, const char *h_en) {
  const ec_dsinfo *sc = ec_results_info_find(d->info, dim);
  if (!sc) return;
  size_t n = sc->shape[0];
  const char *dn[] = {dim};
  int ncol = 0;
  for (int i = 0; i < d->info->nds; i++) {
    const ec_dsinfo *ds = &d->info->ds[i];
    if (!ds->is_scale && ec_results_dims_are(ds, 1, dn) &&
        (!prefix || !strncmp(ds->name, prefix, strlen(prefix))))
      ncol++;
  }
  if (!ncol || n == 0) return;
  fprintf(fp, "<section><h2>%s <span class=\"en\">%s</span></h2>\n<table><tr>", h_zh, h_en);
  int withname = !strcmp(dim, "township");
  if (withname) fputs("<th>乡镇 <span class=\"en\">Township</span></th>", fp);
  char ***sv = calloc((size_t)d->info->nds, sizeof *sv);
  double **nv = calloc((size_t)d->info->nds, sizeof *nv);
  if (!sv || !nv) {
    free(sv);
    free(nv);
    fputs("</tr></table></section>\n", fp);
    return;
  }
  for (int i = 0; i < d->info->nds; i++) {
    const ec_dsinfo *ds = &d->info->ds[i];
    if (ds->is_scale || !ec_results_dims_are(ds, 1, dn) ||
        (prefix && strncmp(ds->name, prefix, strlen(prefix))))
      continue;
    size_t m = 0;
    if (ds->type == EC_H5_STRING) {
      if (ec_results_read_strings(d->path, ds->name, &m, &sv[i], NULL) || m != n) {
        free_strs(sv[i], m);
        sv[i] = NULL;
        continue;
      }
    } else {
      const char *fd[] = {"scenario"};
      long fi[] = {d->sel.scenario < 0 ? 0 : d->sel.scenario};
      int nd;
      size_t sh[EC_H5_MAXDIMS];
      if (ec_results_read_fixed(d->path, ds, 1, fd, fi, &nd, sh, &nv[i], NULL) || sh[0] != n) {
        free(nv[i]);
        nv[i] = NULL;
        continue;
      }
    }
    fputs("<th>", fp);
    ESC(ds->long_name[0] ? ds->long_name : ds->name);
    if (ds->units[0] && strcmp(ds->units, "1")) {
      fputs(" (", fp);
      ESC(ds->units);
      fputs(")", fp);
    }
    fputs("</th>", fp);
  }
  fputs("</tr>\n", fp);
  for (size_t r = 0; r < n; r++) {
    fputs("<tr>", fp);
    if (withname) {
      fputs("<td>", fp);
      ESC(r < d->nt ? d->name[r] : "");
      fputs("</td>", fp);
    }
    for (int i = 0; i < d->info->nds; i++) {
      if (sv[i]) {
        fputs("<td>", fp);
        ESC(sv[i][r]);
        fputs("</td>", fp);
      } else if (nv[i]) {
        double x = nv[i][r];
        fprintf(fp, "<td class=\"n\">%s</td>", N(x, x == floor(x) ? 0 : 2));
      }
    }
    fputs("</tr>\n", fp);
  }
  fputs("</table></section>\n", fp);
  for (int i = 0; i < d->info->nds; i++) {
    free_strs(sv[i], n);
    free(nv[i]);
  }
  free(sv);
  free(nv);
}

static void section_about(FILE *fp, const rdata *d) {
  fputs("<section><h2>说明 <span class=\"en\">About this report</span></h2><table>", fp);
  static const char *keys[][2] = {
      {"scenario_name", "情景 scenario"},   {"scenario_title", "标题 title"},
      {"created_utc", "计算时间 run at (UTC)"}, {"eldercap_version", "eldercap version"},
      {"git_hash", "git"},                  {"crs", "坐标系 CRS"},
      {"elderly_age", "老年人年龄 elderly age"}, {"seed", "随机种子 seed"},
      {"replicates", "蒙特卡洛次数 replicates"}};
  fputs("<tr><th>结果文件 results file</th><td>", fp);
  ESC(d->path);
  fputs("</td></tr>\n", fp);
  if (d->sel.scenario >= 0)
    fprintf(fp, "<tr><th>情景序号 scenario index</th><td>%ld</td></tr>\n", d->sel.scenario);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = ec_results_info_attr(d->info, keys[i][0]);
    if (!v || !*v) continue;
    fputs("<tr><th>", fp);
    ESC(keys[i][1]);
    fputs("</th><td>", fp);
    ESC(v);
    fputs("</td></tr>\n", fp);
  }
  fputs("</table><p class=\"note\">床位数为每年7月1日开放床位；缺口 = 需要 − 现有；需要床位 = "
        "⌈标准 × 老年人口 / 1000⌉。地图由乡镇边界多边形绘制（GEOS 简化）。"
        "<span class=\"en\">Beds are those open on 1 July; gap = required − available; required = "
        "ceil(standard × elderly / 1000). Maps are drawn from the township polygons, "
        "simplified with GEOS.</span></p></section>\n",
        fp);
}

/* ---- the report ------------------------------------------------------------ */

static int render(FILE *fp, const rdata *d, ec_report_summary *sum, ec_error *err) {
  mapgeo m;
  int rc = build_map(d, 500, &m, err);
  if (rc) return rc;
  const char *title = attr_str(d->info, "scenario_title");
  fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        fp);
  fputs("养老服务设施规划评估 Elderly-care capacity review — ", fp);
  ESC(title);
  fprintf(fp, "</title>\n<style>%s</style></head><body>\n", k_css);
  fputs("<h1>养老服务设施规划评估 <span class=\"en\">Elderly-care capacity review</span></h1>\n"
        "<p class=\"meta\">",
        fp);
  ESC(title);
  fprintf(fp, " · %.0f 年 year %.0f · %zu 个乡镇 townships", d->sel.year_value,
          d->sel.year_value, d->nt);
  if (d->sel.scenario >= 0) fprintf(fp, " · 情景 scenario %ld", d->sel.scenario);
  fputs(" · ", fp);
  ESC(attr_str(d->info, "created_utc"));
  fputs("</p>\n", fp);
  section_headline(fp, d, sum);
  section_kpis(fp, d);
  section_maps(fp, d, &m);
  section_township_table(fp, d);
  section_charts(fp, d, sum);
  section_medical(fp, d);
  generic_table(fp, d, "site", NULL, "选址方案比较", "Siting options side by side");
  generic_table(fp, d, "township", "standards_", "基层民政能力标准",
                "Civil-affairs standards by township");
  section_about(fp, d);
  fputs("</body></html>\n", fp);
  mapgeo_free(&m, d->nt);
  return EC_OK;
}

int ec_report_run(const char *path, const ec_report_opts *o, ec_report_summary *sum,
                  ec_error *err) {
  memset(sum, 0, sizeof *sum);
  rdata d;
  int rc = load(&d, path, &o->req, err);
  if (rc) {
    rdata_free(&d);
    return rc;
  }
  sum->ntownships = (int)d.nt;
  sum->nfacilities = (int)d.nf;
  sum->nsites = (int)d.ns;
  sum->year = d.sel.year_value;
  sum->scenario = d.sel.scenario;
  ec_atomic a;
  if ((rc = ec_atomic_begin(&a, o->out_path, ".html", err))) {
    rdata_free(&d);
    return rc;
  }
  FILE *fp = fopen(a.tmp_path, "w");
  if (!fp) {
    rc = ec_error_set(err, EC_ERR_IO, o->out_path, 0, "-o", "cannot create: %s",
                      strerror(errno));
  } else {
    rc = render(fp, &d, sum, err);
    long size = ftell(fp);
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad)
      if (!rc) rc = ec_error_set(err, EC_ERR_IO, o->out_path, 0, NULL, "write failed");
    sum->bytes = size > 0 ? (size_t)size : 0;
  }
  if (!rc) rc = ec_atomic_commit(&a, err);
  if (rc) ec_atomic_abort(&a);
  rdata_free(&d);
  return rc;
}
