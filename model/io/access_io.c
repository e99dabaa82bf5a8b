/* access_io.c — demand, supply and cost CSV files for `eldercap access`, and
 * the access result CSV (see ec_access.h for the formats). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <shapefil.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_access.h"
#include "eldercap/ec_atomic.h"
#include "eldercap/ec_crs.h"
#include "eldercap/ec_csv.h"

void ec_access_points_free(ec_access_points *p) {
  if (!p) return;
  if (p->id)
    for (size_t i = 0; i < p->n; i++)
      free(p->id[i]);
  free(p->id);
  free(p->x);
  free(p->y);
  if (p->valname)
    for (size_t k = 0; k < p->nval; k++)
      free(p->valname[k]);
  free(p->valname);
  free(p->val);
  memset(p, 0, sizeof *p);
}

/* ---- id -> index hash (open addressing, FNV-1a) ------------------------- */

typedef struct {
  size_t cap;     /* power of two */
  uint32_t *slot; /* index + 1, 0 = empty */
  char *const *ids;
} idmap;

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static int idmap_init(idmap *m, size_t n, char *const *ids) {
  m->cap = 16;
  while (m->cap < 2 * n + 16)
    m->cap *= 2;
  m->slot = calloc(m->cap, sizeof *m->slot);
  m->ids = ids;
  return m->slot ? 0 : -1;
}

/* index of s, or -1; with insert >= 0, insert it (returns -2 if present) */
static long idmap_find(idmap *m, const char *s, long insert) {
  size_t h = (size_t)fnv(s) & (m->cap - 1);
  for (;;) {
    uint32_t v = m->slot[h];
    if (!v) {
      if (insert >= 0) {
        m->slot[h] = (uint32_t)insert + 1;
        return insert;
      }
      return -1;
    }
    if (!strcmp(m->ids[v - 1], s)) return insert >= 0 ? -2 : (long)(v - 1);
    h = (h + 1) & (m->cap - 1);
  }
}

/* ---- points files ------------------------------------------------------- */

static const char *const attr_cols[] = {
    "name", "township", "medical", "year", "opening_year", "type", "crs",
    "lon",  "lat",      "x",       "y",    "id",           NULL};

static int is_attr(const char *name) {
  for (int k = 0; attr_cols[k]; k++)
    if (!strcmp(name, attr_cols[k])) return 1;
  return 0;
}

static int grow(ec_access_points *p, size_t *cap, int has_xy) {
  if (p->n < *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 256;
  char **id = realloc(p->id, nc * sizeof *id);
  if (!id) return -1;
  p->id = id;
  double *v = realloc(p->val, nc * p->nval * sizeof *v);
  if (!v) return -1;
  p->val = v;
  if (has_xy) {
    double *x = realloc(p->x, nc * sizeof *x);
    if (!x) return -1;
    p->x = x;
    double *y = realloc(p->y, nc * sizeof *y);
    if (!y) return -1;
    p->y = y;
  }
  *cap = nc;
  return 0;
}

/* lon/lat (EPSG:4326, degrees) to the metric working CRS, in place. */
static int lonlat_to_metric(const char *path, const char *crs, ec_access_points *p,
                            ec_error *err) {
  if (!ec_crs_is_projected(crs))
    return ec_error_set(err, EC_ERR_CRS, path, 0, "lon/lat",
                        "cannot project lon/lat to '%s' (a metric, projected CRS is needed)", crs);
  for (size_t i = 0; i < p->n; i++)
    if (p->x[i] < -180 || p->x[i] > 180 || p->y[i] < -90 || p->y[i] > 90)
      return ec_error_set(err, EC_ERR_RANGE, path, 0, "lon",
                          "row %zu: (%g, %g) is not a longitude/latitude", i + 1, p->x[i],
                          p->y[i]);
  return ec_crs_transform("EPSG:4326", crs, p->n, p->x, p->y, path, err);
}

static int read_points(const char *path, int supply, ec_access_points *out,
                       ec_error *err) {
  memset(out, 0, sizeof *out);
  ec_csv *csv = NULL;
  int rc = ec_csv_open(path, &csv, err);
  if (rc) return rc;
  int cid, cx = ec_csv_col(csv, "x"), cy = ec_csv_col(csv, "y");
  int lonlat = 0;
  if (cx < 0 && cy < 0 && ec_csv_col(csv, "lon") >= 0 && ec_csv_col(csv, "lat") >= 0) {
    /* geographic positions: projected below to EPSG:4547 (metres) */
    cx = ec_csv_col(csv, "lon");
    cy = ec_csv_col(csv, "lat");
    lonlat = 1;
  }
  int ncols = ec_csv_ncols(csv);
  int *vcols = malloc((size_t)(ncols > 0 ? ncols : 1) * sizeof *vcols);
  idmap m = {0, NULL, NULL};
  size_t cap = 0, lcap = 0;
  long *lines = NULL; /* file line of each record, for duplicate messages */
  if (!vcols) {
    rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    goto fail;
  }
  rc = ec_csv_require(csv, "id", &cid, err);
  if (rc) goto fail;
  if ((cx < 0) != (cy < 0)) {
    rc = ec_error_set(err, EC_ERR_MISSING, path, 1, cx < 0 ? "x" : "y",
                      "x and y must both be present or both absent");
    goto fail;
  }
  if (supply) {
    for (int c = 0; c < ncols; c++)
      if (!is_attr(ec_csv_colname(csv, c))) vcols[out->nval++] = c;
    if (out->nval == 0) {
      rc = ec_error_set(err, EC_ERR_MISSING, path, 1, "capacity",
                        "no capacity column (any column other than id, x, "
                        "y and attributes)");
      goto fail;
    }
  } else {
    rc = ec_csv_require(csv, "weight", &vcols[0], err);
    if (rc) goto fail;
    out->nval = 1;
  }
  out->valname = calloc(out->nval, sizeof *out->valname);
  if (!out->valname) {
    rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    goto fail;
  }
  for (size_t k = 0; k < out->nval; k++) {
    out->valname[k] = strdup(ec_csv_colname(csv, vcols[k]));
    if (!out->valname[k]) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      goto fail;
    }
  }
  for (;;) {
    rc = ec_csv_next(csv, err);
    if (rc < 0) goto fail;
    if (rc == 0) break;
    if (grow(out, &cap, cx >= 0)) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      goto fail;
    }
    if (out->n >= UINT32_MAX - 1) {
      rc = ec_error_set(err, EC_ERR_LIMIT, path, ec_csv_line(csv), NULL,
                        "too many rows");
      goto fail;
    }
    const char *id = ec_csv_field(csv, cid);
    if (!id[0]) {
      rc = ec_error_set(err, EC_ERR_MISSING, path, ec_csv_line(csv), "id",
                        "empty id");
      goto fail;
    }
    size_t i = out->n;
    for (size_t k = 0; k < out->nval; k++) {
      rc = ec_csv_double_min(csv, vcols[k], 0.0, &out->val[i * out->nval + k],
                             err);
      if (rc) goto fail;
    }
    if (cx >= 0) {
      rc = ec_csv_double(csv, cx, &out->x[i], err);
      if (!rc) rc = ec_csv_double(csv, cy, &out->y[i], err);
      if (rc) goto fail;
    }
    if (i >= lcap) {
      lcap = lcap ? 2 * lcap : 256;
      long *l2 = realloc(lines, lcap * sizeof *l2);
      if (!l2) {
        rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
        goto fail;
      }
      lines = l2;
    }
    lines[i] = ec_csv_line(csv);
    out->id[i] = strdup(id);
    if (!out->id[i]) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      goto fail;
    }
    out->n++;
  }
  /* duplicate ids: second pass over the stored ids */
  if (idmap_init(&m, out->n, out->id)) {
    rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < out->n; i++)
    if (idmap_find(&m, out->id[i], (long)i) == -2) {
      long first = lines[idmap_find(&m, out->id[i], -1)];
      rc = ec_error_set(err, EC_ERR_INVALID, path, lines[i], "id",
                        "duplicate id '%.60s' (first on line %ld)", out->id[i],
                        first);
      goto fail;
    }
  if (lonlat && (rc = lonlat_to_metric(path, "EPSG:4547", out, err))) goto fail;
  free(m.slot);
  free(lines);
  free(vcols);
  ec_csv_free(csv);
  return EC_OK;
fail:
  free(m.slot);
  free(lines);
  free(vcols);
  ec_csv_free(csv);
  ec_access_points_free(out);
  return rc;
}

/* A point shapefile: `id` (or ID/CODE) names the points, demand takes the
 * numeric field `weight`, supply every other numeric field; the .prj says
 * the CRS, and the points are projected to EPSG:4547 (metres). */
static int read_points_shp(const char *path, int supply, ec_access_points *out, ec_error *err) {
  memset(out, 0, sizeof *out);
  SHPHandle shp = SHPOpen(path, "rb");
  DBFHandle dbf = shp ? DBFOpen(path, "rb") : NULL;
  if (!shp || !dbf) {
    if (shp) SHPClose(shp);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot open the shapefile and its .dbf");
  }
  int rc = EC_OK, n = 0, type = 0;
  SHPGetInfo(shp, &n, &type, NULL, NULL);
  int nf = DBFGetFieldCount(dbf), cid = -1, vcols[64], nv = 0;
  if (type != SHPT_POINT && type != SHPT_POINTZ && type != SHPT_POINTM)
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, NULL, "not a point layer (shape type %d)", type);
  if (!rc && DBFGetRecordCount(dbf) != n)
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, NULL, ".dbf and .shp disagree on the count");
  for (int f = 0; !rc && f < nf; f++) {
    char name[12];
    DBFFieldType t = DBFGetFieldInfo(dbf, f, name, NULL, NULL);
    if (!strcasecmp(name, "id") || (cid < 0 && !strcasecmp(name, "code"))) cid = f;
    else if ((t == FTInteger || t == FTDouble) && nv < 64 &&
             (supply ? !is_attr(name) : !strcasecmp(name, "weight")))
      vcols[nv++] = f;
  }
  if (!rc && cid < 0) rc = ec_error_set(err, EC_ERR_MISSING, path, 0, "id", "no id field in the .dbf");
  if (!rc && nv == 0)
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, supply ? "capacity" : "weight",
                      supply ? "no numeric capacity field in the .dbf" : "no numeric weight field");
  out->nval = (size_t)nv;
  out->valname = rc ? NULL : calloc((size_t)nv, sizeof *out->valname);
  for (int k = 0; !rc && k < nv; k++) {
    char name[12];
    DBFGetFieldInfo(dbf, vcols[k], name, NULL, NULL);
    out->valname[k] = strdup(name);
  }
  size_t cap = 0;
  for (int i = 0; !rc && i < n; i++) {
    if (grow(out, &cap, 1)) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      break;
    }
    SHPObject *o = SHPReadObject(shp, i);
    if (!o || o->nVertices < 1 || !isfinite(o->padfX[0]) || !isfinite(o->padfY[0])) {
      if (o) SHPDestroyObject(o);
      rc = ec_error_set(err, EC_ERR_INVALID, path, i + 1, NULL, "record %d has no valid point", i + 1);
      break;
    }
    out->x[i] = o->padfX[0];
    out->y[i] = o->padfY[0];
    SHPDestroyObject(o);
    for (int k = 0; k < nv && !rc; k++) {
      double v = DBFReadDoubleAttribute(dbf, i, vcols[k]);
      if (DBFIsAttributeNULL(dbf, i, vcols[k]) || !isfinite(v) || v < 0)
        rc = ec_error_set(err, EC_ERR_RANGE, path, i + 1, out->valname[k],
                          "record %d: a value >= 0 is required", i + 1);
      else
        out->val[(size_t)i * out->nval + (size_t)k] = v;
    }
    const char *id = DBFReadStringAttribute(dbf, i, cid);
    out->id[i] = strdup(id ? id : "");
    out->n++;
    if (!rc && !out->id[i][0])
      rc = ec_error_set(err, EC_ERR_MISSING, path, i + 1, "id", "record %d has an empty id", i + 1);
  }
  DBFClose(dbf);
  SHPClose(shp);
  /* the CRS of the points, from the .prj */
  char prj[EC_PATH_MAX];
  snprintf(prj, sizeof prj, "%.*s.prj", (int)(strlen(path) - 4), path);
  FILE *fp = rc ? NULL : fopen(prj, "rb");
  if (!rc && !fp) rc = ec_error_set(err, EC_ERR_CRS, path, 0, NULL, "no .prj beside the shapefile");
  if (fp) {
    char wkt[16384];
    size_t k = fread(wkt, 1, sizeof wkt - 1, fp);
    wkt[k] = '\0';
    fclose(fp);
    rc = ec_crs_transform(wkt, "EPSG:4547", out->n, out->x, out->y, path, err);
  }
  if (rc) ec_access_points_free(out);
  return rc;
}

static int is_shp(const char *path) {
  size_t L = strlen(path);
  return L > 4 && !strcasecmp(path + L - 4, ".shp");
}

int ec_access_read_demand(const char *path, ec_access_points *out,
                          ec_error *err) {
  return is_shp(path) ? read_points_shp(path, 0, out, err) : read_points(path, 0, out, err);
}

int ec_access_read_supply(const char *path, ec_access_points *out,
                          ec_error *err) {
  return is_shp(path) ? read_points_shp(path, 1, out, err) : read_points(path, 1, out, err);
}

/* ---- costs -------------------------------------------------------------- */

typedef struct {
  uint32_t o, d;
  long line;
} odline;

static int odline_cmp(const void *a, const void *b) {
  const odline *x = a, *y = b;
  if (x->o != y->o) return x->o < y->o ? -1 : 1;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

int ec_access_read_costs(const char *path, const ec_access_points *demand,
                         const ec_access_points *supply, double max_cost,
                         ec_od **out, ec_error *err) {
  *out = NULL;
  ec_csv *csv = NULL;
  int rc = ec_csv_open(path, &csv, err);
  if (rc) return rc;
  int co, cd, cc;
  idmap mo = {0, NULL, NULL}, md = {0, NULL, NULL};
  uint32_t *O = NULL, *D = NULL;
  double *C = NULL;
  long *L = NULL;
  size_t n = 0, cap = 0;
  if ((rc = ec_csv_require(csv, "origin", &co, err)) ||
      (rc = ec_csv_require(csv, "dest", &cd, err)) ||
      (rc = ec_csv_require(csv, "cost", &cc, err)))
    goto done;
  if (idmap_init(&mo, demand->n, demand->id) ||
      idmap_init(&md, supply->n, supply->id)) {
    rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < demand->n; i++)
    idmap_find(&mo, demand->id[i], (long)i);
  for (size_t j = 0; j < supply->n; j++)
    idmap_find(&md, supply->id[j], (long)j);
  for (;;) {
    rc = ec_csv_next(csv, err);
    if (rc < 0) goto done;
    if (rc == 0) break;
    long line = ec_csv_line(csv);
    long oi = idmap_find(&mo, ec_csv_field(csv, co), -1);
    if (oi < 0) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, line, "origin",
                        "unknown demand id '%.60s'", ec_csv_field(csv, co));
      goto done;
    }
    long di = idmap_find(&md, ec_csv_field(csv, cd), -1);
    if (di < 0) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, line, "dest",
                        "unknown supply id '%.60s'", ec_csv_field(csv, cd));
      goto done;
    }
    double c;
    rc = ec_csv_double_min(csv, cc, 0.0, &c, err);
    if (rc) goto done;
    if (c > max_cost) continue;
    if (n == cap) {
      size_t nc = cap ? 2 * cap : 1024;
      uint32_t *o2 = realloc(O, nc * sizeof *o2);
      if (o2) O = o2;
      uint32_t *d2 = realloc(D, nc * sizeof *d2);
      if (d2) D = d2;
      double *c2 = realloc(C, nc * sizeof *c2);
      if (c2) C = c2;
      long *l2 = realloc(L, nc * sizeof *l2);
      if (l2) L = l2;
      if (!o2 || !d2 || !c2 || !l2) {
        rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
        goto done;
      }
      cap = nc;
    }
    O[n] = (uint32_t)oi;
    D[n] = (uint32_t)di;
    C[n] = c;
    L[n] = line;
    n++;
  }
  rc = ec_od_from_triples(demand->n, supply->n, n, O, D, C, INFINITY, out, err);
  if (rc == EC_ERR_INVALID) {
    /* a duplicate pair: find its lines for the message */
    odline *v = malloc((n ? n : 1) * sizeof *v);
    if (v) {
      for (size_t t = 0; t < n; t++)
        v[t] = (odline){O[t], D[t], L[t]};
      qsort(v, n, sizeof *v, odline_cmp);
      for (size_t t = 1; t < n; t++)
        if (v[t].o == v[t - 1].o && v[t].d == v[t - 1].d) {
          rc = ec_error_set(err, EC_ERR_INVALID, path, v[t].line, "dest",
                            "duplicate pair origin '%.40s', dest '%.40s' "
                            "(first on line %ld)",
                            demand->id[v[t].o], supply->id[v[t].d],
                            v[t - 1].line);
          break;
        }
      free(v);
    }
  } else if (rc && err) {
    snprintf(err->file, sizeof err->file, "%s", path);
  }
done:
  free(mo.slot);
  free(md.slot);
  free(O);
  free(D);
  free(C);
  free(L);
  ec_csv_free(csv);
  return rc;
}

/* ---- output ------------------------------------------------------------- */

static void put_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

int ec_access_write(const char *path, const ec_access_points *demand,
                    const ec_access_points *supply, const double *access,
                    ec_error *err) {
  ec_atomic a;
  int rc = ec_atomic_begin(&a, path, "", err);
  if (rc) return rc;
  FILE *f = fopen(a.tmp_path, "w");
  if (!f) {
    ec_atomic_abort(&a);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot create");
  }
  size_t nc = supply->nval;
  fputs("id", f);
  for (size_t k = 0; k < nc; k++) {
    fputc(',', f);
    if (nc == 1) {
      fputs("access", f);
    } else {
      char name[256];
      snprintf(name, sizeof name, "access_%s", supply->valname[k]);
      put_field(f, name);
    }
  }
  fputc('\n', f);
  for (size_t i = 0; i < demand->n; i++) {
    put_field(f, demand->id[i]);
    for (size_t k = 0; k < nc; k++) {
      double v = access[i * nc + k];
      if (isnan(v))
        fputs(",NaN", f);
      else
        fprintf(f, ",%.17g", v);
    }
    fputc('\n', f);
  }
  int bad = ferror(f);
  if (fclose(f) || bad) {
    ec_atomic_abort(&a);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "write failed");
  }
  rc = ec_atomic_commit(&a, err);
  if (rc) ec_atomic_abort(&a);
  return rc;
}
