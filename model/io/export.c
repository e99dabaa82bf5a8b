/* export.c — results to shapefiles (shapelib, PROJ, GEOS) and CSV tables. */
#include "eldercap/ec_export.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <geos_c.h>
#include <libgen.h>
#include <math.h>
#include <proj.h>
#include <shapefil.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eldercap/ec_atomic.h"

/* ---- names ---------------------------------------------------------------- */

size_t ec_export_utf8_fit(const char *s, size_t max_bytes) {
  size_t n = strlen(s);
  if (n <= max_bytes) return n;
  n = max_bytes;
  /* back up over continuation bytes 10xxxxxx to the start of a character */
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

static const struct {
  const char *name, *shortn;
} k_short[] = {
    {"code", "code"},
    {"name", "name_zh"},
    {"name_pinyin", "name_py"},
    {"unit_type", "unit_type"},
    {"area_km2", "area_km2"},
    {"communities", "n_commun"},
    {"villages", "n_village"},
    {"pop_total", "pop_total"},
    {"pop_60plus", "pop_60p"},
    {"pop_65plus", "pop_65p"},
    {"pop_80plus", "pop_80p"},
    {"beds_required", "beds_req"},
    {"beds_available", "beds_avail"},
    {"bed_gap", "bed_gap"},
    {"beds_per_1000", "beds_p1000"},
    {"meets_bed_standard", "meets_std"},
    {"has_required_home", "has_home"},
    {"nursing_beds", "nurs_beds"},
    {"opening_year", "open_year"},
    {"township", "twp_index"},
    {"township_code", "twp_code"},
};

static const struct {
  const char *word, *abbr;
} k_abbr[] = {{"standards", "std"},  {"standard", "std"}, {"required", "req"},
              {"available", "avail"}, {"population", "pop"}, {"coverage", "cov"},
              {"medical", "med"},     {"access", "acc"},    {"distance", "dist"},
              {"share", "shr"},       {"capacity", "cap"},  {"number", "n"},
              {"within", "in"},       {"minimum", "min"},   {"maximum", "max"},
              {"budget", "bdgt"},     {"compliant", "ok"},  {"staff", "stf"},
              {"facility", "fac"},    {"township", "twp"},  {"scenario", "scn"},
              {"quantile", "q"},      {"elderly", "eld"},   {"per", "p"}};

static void abbreviate(const char *in, char *out, size_t sz) {
  out[0] = '\0';
  const char *p = in;
  while (*p) {
    const char *e = strchr(p, '_');
    size_t L = e ? (size_t)(e - p) : strlen(p);
    const char *w = NULL;
    for (size_t i = 0; i < sizeof k_abbr / sizeof k_abbr[0]; i++)
      if (strlen(k_abbr[i].word) == L && !strncmp(k_abbr[i].word, p, L))
        w = k_abbr[i].abbr;
    size_t o = strlen(out);
    if (o && o + 1 < sz) strcat(out, "_");
    o = strlen(out);
    snprintf(out + o, sz - o, "%.*s", w ? (int)strlen(w) : (int)L, w ? w : p);
    p += L;
    if (*p == '_') p++;
  }
}

void ec_export_short_names(int n, const char *const *names, const char *prefix,
                           char (*out)[11]) {
  for (int i = 0; i < n; i++) {
    const char *nm = names[i];
    if (prefix && !strncmp(nm, prefix, strlen(prefix)) && nm[strlen(prefix)])
      nm += strlen(prefix);
    char buf[256] = "";
    for (size_t k = 0; k < sizeof k_short / sizeof k_short[0]; k++)
      if (!strcmp(k_short[k].name, nm)) snprintf(buf, sizeof buf, "%s", k_short[k].shortn);
    if (!buf[0]) {
      if (strlen(nm) <= 10) snprintf(buf, sizeof buf, "%s", nm);
      else {
        abbreviate(nm, buf, sizeof buf);
        if (strlen(buf) > 10) { /* drop underscores before cutting */
          char t[256];
          size_t o = 0;
          for (const char *q = buf; *q && o + 1 < sizeof t; q++)
            if (*q != '_') t[o++] = *q;
          t[o] = '\0';
          snprintf(buf, sizeof buf, "%s", t);
        }
      }
    }
    /* ASCII letters, digits, underscore; must not start with a digit */
    char s[11];
    size_t o = 0;
    for (const char *q = buf; *q && o < 10; q++) {
      unsigned char c = (unsigned char)*q;
      s[o++] = (c < 128 && (isalnum(c) || c == '_')) ? (char)c : '_';
    }
    s[o] = '\0';
    if (!o || isdigit((unsigned char)s[0])) {
      memmove(s + 1, s, o < 9 ? o + 1 : 10);
      s[0] = 'f';
      s[10] = '\0';
    }
    /* unique ignoring case: replace the tail with _2, _3, ... */
    char orig[11];
    memcpy(orig, s, sizeof orig);
    for (int k = 2;; k++) {
      int clash = 0;
      for (int j = 0; j < i; j++)
        if (!strcasecmp(out[j], s)) clash = 1;
      if (!clash) break;
      char suf[16], cand[32];
      snprintf(suf, sizeof suf, "_%d", k % 1000);
      size_t keep = strlen(orig);
      if (keep + strlen(suf) > 10) keep = 10 - strlen(suf);
      snprintf(cand, sizeof cand, "%.*s%s", (int)keep, orig, suf);
      memcpy(s, cand, 10);
      s[10] = '\0';
    }
    memcpy(out[i], s, 11);
  }
}

/* ---- tables ---------------------------------------------------------------- */

enum { K_NUM = 0, K_INT = 1, K_STR = 2 };

typedef struct {
  char name[128];
  char shortn[11];
  char units[64];
  char desc[320];
  int kind;
  double *num;
  char **str;
} col;

typedef struct {
  col *c;
  int nc;
  size_t nrows;
} table;

static void table_free(table *t) {
  for (int i = 0; i < t->nc; i++) {
    free(t->c[i].num);
    if (t->c[i].str)
      for (size_t r = 0; r < t->nrows; r++) free(t->c[i].str[r]);
    free(t->c[i].str);
  }
  free(t->c);
  memset(t, 0, sizeof *t);
}

static col *table_add(table *t, const char *name, int kind, const char *units,
                      const char *desc, ec_error *err) {
  col *x = realloc(t->c, (size_t)(t->nc + 1) * sizeof *x);
  if (!x) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory"), NULL;
  t->c = x;
  col *c = &x[t->nc];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  snprintf(c->units, sizeof c->units, "%s", units ? units : "");
  snprintf(c->desc, sizeof c->desc, "%s", desc ? desc : "");
  c->kind = kind;
  size_t n = t->nrows ? t->nrows : 1;
  if (kind == K_STR) c->str = calloc(n, sizeof *c->str);
  else c->num = calloc(n, sizeof *c->num);
  if (!c->str && !c->num)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory"), NULL;
  t->nc++;
  return c;
}

static void table_shorten(table *t, const char *prefix) {
  const char **names = malloc((size_t)(t->nc ? t->nc : 1) * sizeof *names);
  char(*sn)[11] = malloc((size_t)(t->nc ? t->nc : 1) * sizeof *sn);
  if (!names || !sn) {
    free(names);
    free(sn);
    for (int i = 0; i < t->nc; i++) snprintf(t->c[i].shortn, 11, "f%d", i % 100000);
    return;
  }
  for (int i = 0; i < t->nc; i++) names[i] = t->c[i].name;
  ec_export_short_names(t->nc, names, prefix, sn);
  for (int i = 0; i < t->nc; i++) memcpy(t->c[i].shortn, sn[i], 11);
  free(names);
  free(sn);
}

/* ---- output directory ------------------------------------------------------ */

typedef struct {
  char final_dir[EC_PATH_MAX];
  char tmp_dir[EC_PATH_MAX];
  ec_export_summary *sum;
} outdir;

static int out_path(const outdir *o, const char *name, char *buf, size_t n) {
  return snprintf(buf, n, "%s/%s", o->tmp_dir, name) >= (int)n;
}

static void note_file(outdir *o, const char *name) {
  if (o->sum->nfiles < EC_EXPORT_MAXFILES)
    snprintf(o->sum->files[o->sum->nfiles++], sizeof o->sum->files[0], "%.127s", name);
}

static void rm_tree_flat(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char p[EC_PATH_MAX + 300];
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
      }
    closedir(d);
  }
  rmdir(dir);
}

static int outdir_begin(outdir *o, const char *final_dir, ec_error *err) {
  if (!final_dir || !final_dir[0])
    return ec_error_set(err, EC_ERR_USAGE, NULL, 0, "-o", "no output directory");
  if (strlen(final_dir) >= EC_PATH_MAX - 64)
    return ec_error_set(err, EC_ERR_IO, final_dir, 0, "-o", "path too long");
  snprintf(o->final_dir, sizeof o->final_dir, "%s", final_dir);
  size_t L = strlen(o->final_dir);
  while (L > 1 && o->final_dir[L - 1] == '/') o->final_dir[--L] = '\0';
  struct stat st;
  if (stat(o->final_dir, &st) == 0 && !S_ISDIR(st.st_mode))
    return ec_error_set(err, EC_ERR_IO, o->final_dir, 0, "-o",
                        "exists and is not a directory");
  char d1[EC_PATH_MAX], d2[EC_PATH_MAX];
  snprintf(d1, sizeof d1, "%s", o->final_dir);
  snprintf(d2, sizeof d2, "%s", o->final_dir);
  const char *parent = dirname(d1), *base = basename(d2);
  if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
    return ec_error_set(err, EC_ERR_IO, o->final_dir, 0, "-o",
                        "parent directory '%s' does not exist", parent);
  snprintf(o->tmp_dir, sizeof o->tmp_dir, "%s/.%s.tmp-%ld-XXXXXX", parent, base,
           (long)getpid());
  if (!mkdtemp(o->tmp_dir))
    return ec_error_set(err, EC_ERR_IO, o->final_dir, 0, "-o",
                        "cannot create a temporary directory in '%s': %s",
                        parent, strerror(errno));
  return EC_OK;
}

static void outdir_abort(outdir *o) {
  if (o->tmp_dir[0]) rm_tree_flat(o->tmp_dir);
  o->tmp_dir[0] = '\0';
}

/* Flush every written file (and the directory) to disk before anything is
 * moved into place: a rename of unsynced files can publish empty ones. */
static int outdir_sync(const outdir *o, ec_error *err) {
  for (int i = 0; i < o->sum->nfiles; i++) {
    char a[EC_PATH_MAX + 200];
    snprintf(a, sizeof a, "%s/%s", o->tmp_dir, o->sum->files[i]);
    int fd = open(a, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
      int e = errno;
      if (fd >= 0) close(fd);
      return ec_error_set(err, EC_ERR_IO, a, 0, "-o", "cannot flush the export to disk: %s",
                          strerror(e));
    }
    if (close(fd) != 0)
      return ec_error_set(err, EC_ERR_IO, a, 0, "-o", "cannot close: %s", strerror(errno));
  }
  int dfd = open(o->tmp_dir, O_RDONLY);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  return EC_OK;
}

static int outdir_commit(outdir *o, ec_error *err) {
  struct stat st;
  int rc = outdir_sync(o, err);
  if (rc) return rc;
  if (stat(o->final_dir, &st) != 0) {
    chmod(o->tmp_dir, 0755);
    if (rename(o->tmp_dir, o->final_dir) == 0) {
      o->tmp_dir[0] = '\0';
      return EC_OK;
    }
    if (mkdir(o->final_dir, 0755) != 0)
      return ec_error_set(err, EC_ERR_IO, o->final_dir, 0, "-o",
                          "cannot create the output directory: %s", strerror(errno));
  }
  for (int i = 0; i < o->sum->nfiles; i++) {
    char a[EC_PATH_MAX + 200], b[EC_PATH_MAX + 200];
    snprintf(a, sizeof a, "%s/%s", o->tmp_dir, o->sum->files[i]);
    snprintf(b, sizeof b, "%s/%s", o->final_dir, o->sum->files[i]);
    if (rename(a, b) != 0)
      return ec_error_set(err, EC_ERR_IO, b, 0, "-o", "cannot move into place: %s",
                          strerror(errno));
  }
  rm_tree_flat(o->tmp_dir);
  o->tmp_dir[0] = '\0';
  return EC_OK;
}

/* ---- CSV ------------------------------------------------------------------- */

static void csv_str(FILE *fp, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, fp);
    return;
  }
  fputc('"', fp);
  for (; *s; s++) {
    if (*s == '"') fputc('"', fp);
    fputc(*s, fp);
  }
  fputc('"', fp);
}

/* Shortest text that reads back to the same double. */
static void fmt_num(char *buf, size_t n, double v) {
  if (!isfinite(v)) {
    buf[0] = '\0';
    return;
  }
  for (int p = 6; p <= 17; p++) {
    snprintf(buf, n, "%.*g", p, v);
    if (strtod(buf, NULL) == v) return;
  }
}

static int fclose_checked(FILE *fp, const char *path, ec_error *err) {
  int bad = ferror(fp);
  if (fclose(fp) != 0 || bad)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "write failed: %s",
                        strerror(errno));
  return EC_OK;
}

/* wkt: optional geometry column (one string per row) written first. */
static int write_csv_mode(outdir *o, const char *name, const table *t, char **wkt,
                          int append, ec_error *err) {
  char path[EC_PATH_MAX + 200];
  out_path(o, name, path, sizeof path);
  FILE *fp = fopen(path, append ? "a" : "w");
  if (!fp)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot create: %s",
                        strerror(errno));
  if (wkt && !append) fputs("wkt", fp);
  for (int i = 0; i < t->nc && !append; i++) {
    if (i || wkt) fputc(',', fp);
    csv_str(fp, t->c[i].name);
  }
  if (!append) fputc('\n', fp);
  char buf[64];
  for (size_t r = 0; r < t->nrows; r++) {
    if (wkt) csv_str(fp, wkt[r]);
    for (int i = 0; i < t->nc; i++) {
      if (i || wkt) fputc(',', fp);
      const col *c = &t->c[i];
      if (c->kind == K_STR) csv_str(fp, c->str[r]);
      else {
        fmt_num(buf, sizeof buf, c->num[r]);
        fputs(buf, fp);
      }
    }
    fputc('\n', fp);
  }
  int rc = fclose_checked(fp, path, err);
  if (!rc && !append) note_file(o, name);
  return rc;
}

static int write_csv(outdir *o, const char *name, const table *t, char **wkt,
                     ec_error *err) {
  return write_csv_mode(o, name, t, wkt, 0, err);
}

/* The field dictionary beside a layer or table. */
static int write_dictionary(outdir *o, const char *layer, const table *t,
                            int use_short, ec_error *err) {
  char name[160], path[EC_PATH_MAX + 200];
  snprintf(name, sizeof name, "%s_fields.csv", layer);
  out_path(o, name, path, sizeof path);
  FILE *fp = fopen(path, "w");
  if (!fp)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot create: %s",
                        strerror(errno));
  fputs("short_name,long_name,units,description\n", fp);
  for (int i = 0; i < t->nc; i++) {
    const col *c = &t->c[i];
    csv_str(fp, use_short ? c->shortn : c->name);
    fputc(',', fp);
    csv_str(fp, c->name);
    fputc(',', fp);
    csv_str(fp, c->units);
    fputc(',', fp);
    csv_str(fp, c->desc);
    fputc('\n', fp);
  }
  int rc = fclose_checked(fp, path, err);
  if (!rc) note_file(o, name);
  return rc;
}

/* ---- shapefiles ------------------------------------------------------------ */

static _Thread_local char g_shp_msg[512];
static void shp_error(const char *msg) { snprintf(g_shp_msg, sizeof g_shp_msg, "%s", msg); }

static int all_integral(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i]) && (v[i] != floor(v[i]) || fabs(v[i]) >= 1e15)) return 0;
  return 1;
}

/* Geometry for shapefile writing: rings with polygon starts, or points. */
typedef struct {
  int nrings, npolys;
  int *ring_start; /* nrings + 1 offsets into x/y */
  int *poly_start; /* npolys + 1 offsets into rings */
  unsigned char *outer; /* per ring: 1 exterior, 0 hole */
  double *x, *y;
} geom;

static void geom_free(geom *g) {
  if (!g) return;
  free(g->ring_start);
  free(g->poly_start);
  free(g->outer);
  free(g->x);
  free(g->y);
  memset(g, 0, sizeof *g);
}

static int write_shp(outdir *o, const char *layer, const table *t, int is_poly,
                     const geom *g, const double *px, const double *py,
                     const char *prj_wkt, ec_error *err) {
  char base[EC_PATH_MAX + 200], path[EC_PATH_MAX + 220], name[200];
  snprintf(name, sizeof name, "%s", layer);
  out_path(o, name, base, sizeof base);
  SAHooks hooks;
  SASetupDefaultHooks(&hooks);
  hooks.Error = shp_error;
  g_shp_msg[0] = '\0';
  SHPHandle shp = SHPCreateLL(base, is_poly ? SHPT_POLYGON : SHPT_POINT, &hooks);
  snprintf(path, sizeof path, "%s.dbf", base);
  DBFHandle dbf = shp ? DBFCreateLL(path, "UTF-8", &hooks) : NULL;
  int rc = EC_OK;
  if (!shp || !dbf) {
    rc = ec_error_set(err, EC_ERR_IO, base, 0, NULL, "cannot create the shapefile: %s",
                      g_shp_msg[0] ? g_shp_msg : strerror(errno));
    goto done;
  }
  /* fields */
  int *width = calloc((size_t)(t->nc ? t->nc : 1), sizeof *width);
  if (!width) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto done;
  }
  for (int i = 0; i < t->nc && !rc; i++) {
    const col *c = &t->c[i];
    int fi;
    if (c->kind == K_STR) {
      size_t w = 1;
      for (size_t r = 0; r < t->nrows; r++)
        if (c->str[r] && strlen(c->str[r]) > w) w = strlen(c->str[r]);
      if (w > 254) w = 254;
      width[i] = (int)w;
      fi = DBFAddField(dbf, c->shortn, FTString, (int)w, 0);
    } else if (c->kind == K_INT || all_integral(c->num, t->nrows)) {
      width[i] = -1;
      fi = DBFAddField(dbf, c->shortn, FTDouble, c->kind == K_INT ? 10 : 16, 0);
    } else {
      width[i] = -2;
      fi = DBFAddField(dbf, c->shortn, FTDouble, 19, 6);
    }
    if (fi < 0)
      rc = ec_error_set(err, EC_ERR_IO, path, 0, c->shortn, "cannot add DBF field: %s",
                        g_shp_msg[0] ? g_shp_msg : "shapelib refused it");
  }
  /* records */
  for (size_t r = 0; r < t->nrows && !rc; r++) {
    SHPObject *obj;
    if (is_poly) {
      int r0 = g->poly_start[r], r1 = g->poly_start[r + 1];
      int nparts = r1 - r0;
      int v0 = g->ring_start[r0], nv = g->ring_start[r1] - v0;
      int *parts = malloc((size_t)(nparts ? nparts : 1) * sizeof *parts);
      if (!parts) {
        rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
        break;
      }
      for (int k = 0; k < nparts; k++) parts[k] = g->ring_start[r0 + k] - v0;
      obj = nparts ? SHPCreateObject(SHPT_POLYGON, -1, nparts, parts, NULL, nv,
                                     g->x + v0, g->y + v0, NULL, NULL)
                   : SHPCreateObject(SHPT_NULL, -1, 0, NULL, NULL, 0, NULL, NULL,
                                     NULL, NULL);
      free(parts);
      if (obj && nparts) SHPRewindObject(shp, obj); /* outer rings clockwise */
    } else if (isfinite(px[r]) && isfinite(py[r])) {
      obj = SHPCreateSimpleObject(SHPT_POINT, 1, &px[r], &py[r], NULL);
    } else
      obj = SHPCreateObject(SHPT_NULL, -1, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL);
    int id = obj ? SHPWriteObject(shp, -1, obj) : -1;
    SHPDestroyObject(obj);
    if (id < 0) {
      rc = ec_error_set(err, EC_ERR_IO, base, (long)r + 1, NULL,
                        "cannot write shape: %s", g_shp_msg[0] ? g_shp_msg : "?");
      break;
    }
    for (int i = 0; i < t->nc && !rc; i++) {
      const col *c = &t->c[i];
      int ok;
      if (c->kind == K_STR) {
        const char *s = c->str[r] ? c->str[r] : "";
        size_t L = ec_export_utf8_fit(s, (size_t)width[i]);
        char *cut = strndup(s, L);
        ok = cut && DBFWriteStringAttribute(dbf, id, i, cut);
        free(cut);
      } else if (!isfinite(c->num[r]))
        ok = DBFWriteNULLAttribute(dbf, id, i);
      else
        ok = DBFWriteDoubleAttribute(dbf, id, i, c->num[r]);
      if (!ok)
        rc = ec_error_set(err, EC_ERR_IO, path, (long)r + 1, c->shortn,
                          "cannot write DBF value of '%s' (too wide?)", c->name);
    }
  }
  free(width);
done:
  if (shp) SHPClose(shp);
  if (dbf) DBFClose(dbf);
  if (rc) return rc;
  static const char *ext[] = {".shp", ".shx", ".dbf", ".cpg"};
  for (int i = 0; i < 4; i++) {
    char fn[240];
    snprintf(fn, sizeof fn, "%s%s", layer, ext[i]);
    snprintf(path, sizeof path, "%s%s", base, ext[i]);
    if (access(path, F_OK) == 0) note_file(o, fn);
  }
  char fn[240];
  snprintf(fn, sizeof fn, "%s.prj", layer);
  snprintf(path, sizeof path, "%s.prj", base);
  FILE *fp = fopen(path, "w");
  if (!fp)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot create: %s",
                        strerror(errno));
  fputs(prj_wkt, fp);
  if ((rc = fclose_checked(fp, path, err))) return rc;
  note_file(o, fn);
  return write_dictionary(o, layer, t, 1, err);
}

/* ---- geometry and CRS ------------------------------------------------------ */

typedef struct {
  PJ_CONTEXT *ctx;
  PJ *dst;      /* output CRS */
  PJ *P;        /* input -> output, x = easting; NULL when identical */
  int geographic;
  char *prj;    /* ESRI WKT of dst */
} crsx;

static void crsx_free(crsx *c) {
  free(c->prj);
  if (c->P) proj_destroy(c->P);
  if (c->dst) proj_destroy(c->dst);
  if (c->ctx) proj_context_destroy(c->ctx);
  memset(c, 0, sizeof *c);
}

static int crsx_init(crsx *c, const char *path, const char *in_crs,
                     const char *out_crs, ec_error *err) {
  memset(c, 0, sizeof *c);
  c->ctx = proj_context_create();
  if (!c->ctx) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "PROJ context");
  proj_log_level(c->ctx, PJ_LOG_NONE);
  PJ *src = proj_create(c->ctx, in_crs);
  if (!src || !proj_is_crs(src)) {
    if (src) proj_destroy(src);
    return ec_error_set(err, EC_ERR_CRS, path, 0, "crs",
                        "the results' CRS '%s' is not understood by PROJ", in_crs);
  }
  c->dst = proj_create(c->ctx, out_crs);
  if (!c->dst || !proj_is_crs(c->dst)) {
    proj_destroy(src);
    return ec_error_set(err, EC_ERR_CRS, NULL, 0, "--crs",
                        "'%s' is not a coordinate reference system PROJ knows",
                        out_crs);
  }
  PJ_TYPE ty = proj_get_type(c->dst);
  c->geographic = ty == PJ_TYPE_GEOGRAPHIC_2D_CRS || ty == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  const char *w = proj_as_wkt(c->ctx, c->dst, PJ_WKT1_ESRI, NULL);
  if (!w) {
    proj_destroy(src);
    return ec_error_set(err, EC_ERR_CRS, NULL, 0, "--crs",
                        "PROJ cannot write '%s' as ESRI WKT for the .prj", out_crs);
  }
  c->prj = strdup(w);
  if (strcasecmp(in_crs, out_crs)) {
    PJ *P = proj_create_crs_to_crs_from_pj(c->ctx, src, c->dst, NULL, NULL);
    if (P) {
      c->P = proj_normalize_for_visualization(c->ctx, P);
      proj_destroy(P);
    }
    if (!c->P) {
      proj_destroy(src);
      return ec_error_set(err, EC_ERR_CRS, NULL, 0, "--crs",
                          "no transformation from %s to %s", in_crs, out_crs);
    }
  }
  proj_destroy(src);
  return c->prj ? EC_OK : ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
}

static int crsx_apply(crsx *c, double *x, double *y, size_t n, const char *what,
                      ec_error *err) {
  if (!c->P || n == 0) return EC_OK;
  proj_trans_generic(c->P, PJ_FWD, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0,
                     NULL, 0, 0);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]) || !isfinite(y[i]) || x[i] == HUGE_VAL)
      return ec_error_set(err, EC_ERR_CRS, NULL, 0, "--crs",
                          "%s: a coordinate cannot be transformed to the output CRS",
                          what);
  return EC_OK;
}

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

static int push_ring(geom *g, GEOSContextHandle_t h, const GEOSGeometry *ring,
                     int is_outer, int *cap_r, int *cap_v) {
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) return -1;
  if (g->nrings + 2 > *cap_r) {
    *cap_r = 2 * *cap_r + 16;
    int *rs = realloc(g->ring_start, (size_t)*cap_r * sizeof *rs);
    if (!rs) return -1;
    g->ring_start = rs;
    unsigned char *ou = realloc(g->outer, (size_t)*cap_r);
    if (!ou) return -1;
    g->outer = ou;
  }
  int v0 = g->ring_start[g->nrings];
  if (v0 + (int)n > *cap_v) {
    *cap_v = 2 * (v0 + (int)n) + 64;
    double *x = realloc(g->x, (size_t)*cap_v * sizeof *x);
    if (!x) return -1;
    g->x = x;
    double *y = realloc(g->y, (size_t)*cap_v * sizeof *y);
    if (!y) return -1;
    g->y = y;
  }
  for (unsigned int i = 0; i < n; i++)
    if (!GEOSCoordSeq_getXY_r(h, cs, i, &g->x[v0 + (int)i], &g->y[v0 + (int)i]))
      return -1;
  g->outer[g->nrings] = (unsigned char)is_outer;
  g->nrings++;
  g->ring_start[g->nrings] = v0 + (int)n;
  return 0;
}

/* Parse township polygons from WKT into rings (GEOS). */
static int parse_polygons(const char *path, char **wkt, size_t n, geom *g,
                          ec_error *err) {
  memset(g, 0, sizeof *g);
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSContext_setErrorHandler_r(h, geos_quiet);
  GEOSContext_setNoticeHandler_r(h, geos_quiet);
  GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
  int cap_r = 16, cap_v = 0, rc = EC_OK;
  g->ring_start = calloc((size_t)cap_r, sizeof *g->ring_start);
  g->poly_start = calloc(n + 1, sizeof *g->poly_start);
  g->outer = calloc((size_t)cap_r, 1);
  if (!g->ring_start || !g->poly_start || !g->outer || !rd)
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < n && !rc; i++) {
    g->poly_start[i] = g->nrings;
    if (!wkt[i] || !wkt[i][0]) continue; /* no polygon: a NULL shape */
    GEOSGeometry *geo = GEOSWKTReader_read_r(h, rd, wkt[i]);
    if (!geo) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, (long)i + 1, "township_geometry_wkt",
                        "township %zu: unreadable WKT polygon", i);
      break;
    }
    int type = GEOSGeomTypeId_r(h, geo);
    int np = type == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, geo)
             : type == GEOS_POLYGON    ? 1
                                       : -1;
    if (np < 0)
      rc = ec_error_set(err, EC_ERR_INVALID, path, (long)i + 1, "township_geometry_wkt",
                        "township %zu: not a polygon", i);
    for (int p = 0; p < np && !rc; p++) {
      const GEOSGeometry *pg = type == GEOS_POLYGON ? geo : GEOSGetGeometryN_r(h, geo, p);
      if (push_ring(g, h, GEOSGetExteriorRing_r(h, pg), 1, &cap_r, &cap_v))
        rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      int nh = GEOSGetNumInteriorRings_r(h, pg);
      for (int k = 0; k < nh && !rc; k++)
        if (push_ring(g, h, GEOSGetInteriorRingN_r(h, pg, k), 0, &cap_r, &cap_v))
          rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    GEOSGeom_destroy_r(h, geo);
  }
  if (!rc) g->poly_start[n] = g->nrings;
  if (rd) GEOSWKTReader_destroy_r(h, rd);
  GEOS_finish_r(h);
  if (rc) geom_free(g);
  return rc;
}

/* WKT of township i from (reprojected) rings: a MULTIPOLYGON when it has more
 * than one exterior ring. */
static char *rings_wkt(const geom *g, size_t i, int geographic) {
  int r0 = g->poly_start[i], r1 = g->poly_start[i + 1];
  if (r1 == r0) return strdup("");
  int nout = 0;
  for (int r = r0; r < r1; r++) nout += g->outer[r];
  size_t cap = 64 + (size_t)(r1 - r0) * 8 +
               (size_t)(g->ring_start[r1] - g->ring_start[r0]) * 48;
  char *s = malloc(cap);
  if (!s) return NULL;
  size_t L = (size_t)snprintf(s, cap, nout > 1 ? "MULTIPOLYGON (" : "POLYGON ");
  for (int r = r0; r < r1; r++) {
    if (g->outer[r])
      L += (size_t)snprintf(s + L, cap - L, "%s%s", r > r0 ? "), " : "",
                            nout > 1 ? "((" : "((");
    else
      L += (size_t)snprintf(s + L, cap - L, ", (");
    for (int v = g->ring_start[r]; v < g->ring_start[r + 1]; v++)
      L += (size_t)snprintf(s + L, cap - L, geographic ? "%s%.8f %.8f" : "%s%.3f %.3f",
                            v > g->ring_start[r] ? ", " : "", g->x[v], g->y[v]);
    L += (size_t)snprintf(s + L, cap - L, ")");
  }
  snprintf(s + L, cap - L, nout > 1 ? "))" : ")");
  return s;
}

/* ---- reading results into tables ------------------------------------------- */

typedef struct {
  const char *path;
  const ec_results_info *info;
  ec_results_sel sel;
} src;

static int is_var_yt(const ec_dsinfo *d) {
  const char *yt[] = {"year", "township"};
  size_t L = strlen(d->name);
  if (d->is_scale || d->type == EC_H5_STRING) return 0;
  if (L > 2 && !strcmp(d->name + L - 2, "_q")) return 0;
  return ec_results_dims_are(d, 2, yt);
}

/* Every numeric/string 1-D dataset on `dim` (not the scale itself) as a column. */
static int add_1d_columns(const src *s, table *t, const char *dim, const char *skip,
                          ec_error *err) {
  const char *dn[] = {dim};
  /* identifiers first, then the rest in file order */
  static const char *first[] = {"code", "id", "name", "name_pinyin", "unit_type"};
  const size_t nfirst = sizeof first / sizeof first[0];
  size_t plen = strlen(dim);
  for (size_t pass = 0; pass <= nfirst; pass++)
  for (int i = 0; i < s->info->nds; i++) {
    const ec_dsinfo *d = &s->info->ds[i];
    int rank = (int)nfirst;
    if (!strncmp(d->name, dim, plen) && d->name[plen] == '_')
      for (size_t k = 0; k < nfirst; k++)
        if (!strcmp(d->name + plen + 1, first[k])) rank = (int)k;
    if ((size_t)rank != pass) continue;
    if (d->is_scale || d->ndims != 1 || strcmp(d->dims[0], dim)) continue;
    if (!ec_results_dims_are(d, 1, dn)) continue;
    if (skip && strstr(d->name, skip)) continue;
    size_t n = d->shape[0];
    if (n != t->nrows) continue;
    if (d->type == EC_H5_STRING) {
      char **v;
      size_t m;
      int rc = ec_results_read_strings(s->path, d->name, &m, &v, err);
      if (rc) return rc;
      col *c = table_add(t, d->name, K_STR, d->units, d->long_name, err);
      if (!c) {
        for (size_t r = 0; r < m; r++) free(v[r]);
        free(v);
        return EC_ERR_NOMEM;
      }
      free(c->str);
      c->str = v;
    } else {
      int nd;
      size_t sh[EC_H5_MAXDIMS];
      double *v;
      int rc = ec_results_read_fixed(s->path, d, 0, NULL, NULL, &nd, sh, &v, err);
      if (rc) return rc;
      col *c = table_add(t, d->name, d->type == EC_H5_DOUBLE ? K_NUM : K_INT,
                         d->units, d->long_name, err);
      if (!c) {
        free(v);
        return EC_ERR_NOMEM;
      }
      free(c->num);
      c->num = v;
    }
  }
  return EC_OK;
}

static int dim_len(const ec_results_info *info, const char *dim) {
  const ec_dsinfo *d = ec_results_info_find(info, dim);
  return d && d->ndims == 1 ? (int)d->shape[0] : -1;
}

/* Scenario parameters (datasets on [scenario]) for scenario index k into row r. */
static int add_scenario_columns(const src *s, table *t, long k, size_t rows_per,
                                ec_error *err) {
  if (s->sel.nscenarios <= 0) return EC_OK;
  col *c = table_add(t, "scenario", K_INT, "1", "scenario index", err);
  if (!c) return EC_ERR_NOMEM;
  const ec_dsinfo *sc = ec_results_info_find(s->info, "scenario");
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *v;
  int rc = ec_results_read_fixed(s->path, sc, 0, NULL, NULL, &nd, sh, &v, err);
  if (rc) return rc;
  for (size_t r = 0; r < t->nrows; r++) {
    long kk = k >= 0 ? k : (long)(r / rows_per);
    c->num[r] = v[kk];
  }
  free(v);
  const char *dn[] = {"scenario"};
  for (int i = 0; i < s->info->nds; i++) {
    const ec_dsinfo *d = &s->info->ds[i];
    if (d->is_scale || !ec_results_dims_are(d, 1, dn) || d->ndims != 1) continue;
    if (d->type == EC_H5_STRING) {
      char **sv;
      size_t m;
      if ((rc = ec_results_read_strings(s->path, d->name, &m, &sv, err))) return rc;
      col *cc = table_add(t, d->name, K_STR, d->units, d->long_name, err);
      for (size_t r = 0; cc && r < t->nrows; r++) {
        size_t kk = k >= 0 ? (size_t)k : r / rows_per;
        cc->str[r] = strdup(kk < m ? sv[kk] : "");
      }
      for (size_t r = 0; r < m; r++) free(sv[r]);
      free(sv);
      if (!cc) return EC_ERR_NOMEM;
    } else {
      if ((rc = ec_results_read_fixed(s->path, d, 0, NULL, NULL, &nd, sh, &v, err)))
        return rc;
      col *cc = table_add(t, d->name, K_NUM, d->units, d->long_name, err);
      for (size_t r = 0; cc && r < t->nrows; r++) {
        size_t kk = k >= 0 ? (size_t)k : r / rows_per;
        cc->num[r] = kk < sh[0] ? v[kk] : NAN;
      }
      free(v);
      if (!cc) return EC_ERR_NOMEM;
    }
  }
  return EC_OK;
}

static int read_strings_req(const src *s, const char *name, size_t n, char ***out,
                            ec_error *err) {
  size_t m;
  int rc = ec_results_read_strings(s->path, name, &m, out, err);
  if (rc) return rc;
  if (m != n) {
    for (size_t i = 0; i < m; i++) free((*out)[i]);
    free(*out);
    *out = NULL;
    return ec_error_set(err, EC_ERR_INVALID, s->path, 0, name,
                        "'%s' has %zu entries, expected %zu", name, m, n);
  }
  return EC_OK;
}

/* The township layer: one scenario and year. */
static int township_layer(const src *s, long k, table *t, ec_error *err) {
  int nt = dim_len(s->info, "township");
  if (nt <= 0)
    return ec_error_set(err, EC_ERR_MISSING, s->path, 0, "township",
                        "no 'township' dimension in the results");
  t->nrows = (size_t)nt;
  int rc;
  if ((rc = add_1d_columns(s, t, "township", "geometry", err))) return rc;
  if (!ec_results_info_find(s->info, "township_code") ||
      !ec_results_info_find(s->info, "township_name"))
    return ec_error_set(err, EC_ERR_MISSING, s->path, 0, "township_code",
                        "the results lack township_code/township_name");
  if ((rc = add_scenario_columns(s, t, k, (size_t)nt, err))) return rc;
  col *c = table_add(t, "year", K_INT, "year", "calendar year of the values", err);
  if (!c) return EC_ERR_NOMEM;
  for (int r = 0; r < nt; r++) c->num[r] = s->sel.year_value;
  if (s->sel.quantile >= 0) {
    c = table_add(t, "quantile", K_NUM, "1",
                  "Monte Carlo quantile of the values where one exists", err);
    if (!c) return EC_ERR_NOMEM;
    for (int r = 0; r < nt; r++) c->num[r] = s->sel.quantile_value;
  }
  for (int i = 0; i < s->info->nds; i++) {
    const ec_dsinfo *d = &s->info->ds[i];
    if (!is_var_yt(d)) continue;
    double *v;
    size_t ny, nu;
    if ((rc = ec_results_read_yt(s->path, s->info, d->name, &s->sel, k, &v, &ny, &nu,
                                 err)))
      return rc;
    char desc[400];
    int q = s->sel.quantile >= 0 && ec_results_info_find(s->info, d->name) &&
            (snprintf(desc, sizeof desc, "%s_q", d->name),
             ec_results_info_find(s->info, desc) != NULL);
    snprintf(desc, sizeof desc, "%s%s", d->long_name,
             q ? " (Monte Carlo quantile)" : "");
    c = table_add(t, d->name, d->type == EC_H5_DOUBLE ? K_NUM : K_INT, d->units, desc,
                  err);
    if (!c) {
      free(v);
      return EC_ERR_NOMEM;
    }
    for (size_t r = 0; r < nu && r < (size_t)nt; r++)
      c->num[r] = v[(size_t)s->sel.year * nu + r];
    free(v);
  }
  return EC_OK;
}

/* Points on `dim` (facility or site) with x/y datasets `<prefix>x`, `<prefix>y`. */
static int point_layer(const src *s, const char *dim, const char *prefix, table *t,
                       double **x, double **y, ec_error *err) {
  *x = *y = NULL;
  int n = dim_len(s->info, dim);
  if (n < 0) return EC_OK;
  t->nrows = (size_t)n;
  int rc = add_1d_columns(s, t, dim, NULL, err);
  if (rc) return rc;
  char xn[64], yn[64];
  snprintf(xn, sizeof xn, "%sx", prefix);
  snprintf(yn, sizeof yn, "%sy", prefix);
  for (int i = 0; i < t->nc; i++) {
    if (!strcmp(t->c[i].name, xn) && t->c[i].num) *x = t->c[i].num;
    if (!strcmp(t->c[i].name, yn) && t->c[i].num) *y = t->c[i].num;
  }
  /* township code beside the township index, for joins */
  char tn[64];
  snprintf(tn, sizeof tn, "%stownship", prefix);
  int ti = -1;
  for (int i = 0; i < t->nc; i++)
    if (!strcmp(t->c[i].name, tn) && t->c[i].num) ti = i;
  if (ti >= 0 && ec_results_info_find(s->info, "township_code")) {
    int nt = dim_len(s->info, "township");
    char **codes;
    if ((rc = read_strings_req(s, "township_code", (size_t)(nt > 0 ? nt : 0), &codes,
                               err)))
      return rc;
    char cn[80];
    snprintf(cn, sizeof cn, "%stownship_code", prefix);
    col *c = table_add(t, cn, K_STR, "1", "statistical code of the township", err);
    for (int r = 0; c && r < n; r++) {
      double k = t->c[ti].num[r];
      c->str[r] = strdup(k >= 0 && k < nt ? codes[(int)k] : "");
    }
    for (int i = 0; i < nt; i++) free(codes[i]);
    free(codes);
    if (!c) return EC_ERR_NOMEM;
    /* the table may have moved: find x/y again */
    for (int i = 0; i < t->nc; i++) {
      if (!strcmp(t->c[i].name, xn) && t->c[i].num) *x = t->c[i].num;
      if (!strcmp(t->c[i].name, yn) && t->c[i].num) *y = t->c[i].num;
    }
  }
  return EC_OK;
}

/* Long table: (scenario) x year x township with every variable; quantile
 * columns <var>_pNN when `_q` datasets exist. */
static int township_year_table(const src *s, table *t, ec_error *err) {
  int nt = dim_len(s->info, "township");
  long ny = s->sel.nyears;
  long ns = s->sel.scenario >= 0 ? 1 : (s->sel.nscenarios > 0 ? s->sel.nscenarios : 1);
  long s0 = s->sel.scenario >= 0 ? s->sel.scenario : 0;
  size_t per = (size_t)ny * (size_t)nt;
  t->nrows = (size_t)ns * per;
  int rc;
  if (s->sel.nscenarios > 0) {
    if ((rc = add_scenario_columns(s, t, s->sel.scenario, per, err))) return rc;
  }
  const ec_dsinfo *yd = ec_results_info_find(s->info, "year");
  double *years;
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  if ((rc = ec_results_read_fixed(s->path, yd, 0, NULL, NULL, &nd, sh, &years, err)))
    return rc;
  col *c = table_add(t, "year", K_INT, "year", "calendar year", err);
  for (size_t r = 0; c && r < t->nrows; r++) c->num[r] = years[(r % per) / (size_t)nt];
  free(years);
  if (!c) return EC_ERR_NOMEM;
  const char *sn[] = {"township_code", "township_name"};
  for (int k = 0; k < 2; k++) {
    char **v;
    if ((rc = read_strings_req(s, sn[k], (size_t)nt, &v, err))) return rc;
    const ec_dsinfo *d = ec_results_info_find(s->info, sn[k]);
    c = table_add(t, sn[k], K_STR, d->units, d->long_name, err);
    for (size_t r = 0; c && r < t->nrows; r++) c->str[r] = strdup(v[r % (size_t)nt]);
    for (int i = 0; i < nt; i++) free(v[i]);
    free(v);
    if (!c) return EC_ERR_NOMEM;
  }
  /* quantile probabilities */
  double *qv = NULL;
  size_t nq = 0;
  const ec_dsinfo *qd = ec_results_info_find(s->info, "quantile");
  if (qd) {
    if ((rc = ec_results_read_fixed(s->path, qd, 0, NULL, NULL, &nd, sh, &qv, err)))
      return rc;
    nq = sh[0];
  }
  for (int i = 0; i < s->info->nds && !rc; i++) {
    const ec_dsinfo *d = &s->info->ds[i];
    if (!is_var_yt(d)) continue;
    c = table_add(t, d->name, d->type == EC_H5_DOUBLE ? K_NUM : K_INT, d->units,
                  d->long_name, err);
    if (!c) {
      rc = EC_ERR_NOMEM;
      break;
    }
    ec_results_sel det = s->sel;
    det.quantile = -1;
    for (long k = 0; k < ns && !rc; k++) {
      double *v;
      size_t a, b;
      if ((rc = ec_results_read_yt(s->path, s->info, d->name, &det, s0 + k, &v, &a, &b,
                                   err)))
        break;
      memcpy(c->num + (size_t)k * per, v, per * sizeof *v);
      free(v);
    }
    char qn[160];
    snprintf(qn, sizeof qn, "%s_q", d->name);
    const ec_dsinfo *dq = ec_results_info_find(s->info, qn);
    const char *qyt[] = {"quantile", "year", "township"};
    if (!dq || !ec_results_dims_are(dq, 3, qyt)) continue;
    for (size_t q = 0; q < nq && !rc; q++) {
      char cn[180], desc[400];
      snprintf(cn, sizeof cn, "%s_p%g", d->name, 100 * qv[q]);
      snprintf(desc, sizeof desc, "%s: Monte Carlo quantile %g", d->long_name, qv[q]);
      c = table_add(t, cn, K_NUM, d->units, desc, err);
      if (!c) {
        rc = EC_ERR_NOMEM;
        break;
      }
      ec_results_sel qs = s->sel;
      qs.quantile = (long)q;
      for (long k = 0; k < ns && !rc; k++) {
        double *v;
        size_t a, b;
        if ((rc = ec_results_read_yt(s->path, s->info, d->name, &qs, s0 + k, &v, &a, &b,
                                     err)))
          break;
        memcpy(c->num + (size_t)k * per, v, per * sizeof *v);
        free(v);
      }
    }
  }
  free(qv);
  return rc;
}

/* City table: (scenario) x year with every [year] variable. */
static int city_year_table(const src *s, table *t, ec_error *err) {
  long ny = s->sel.nyears;
  long ns = s->sel.scenario >= 0 ? 1 : (s->sel.nscenarios > 0 ? s->sel.nscenarios : 1);
  long s0 = s->sel.scenario >= 0 ? s->sel.scenario : 0;
  t->nrows = (size_t)(ns * ny);
  int rc;
  if (s->sel.nscenarios > 0 &&
      (rc = add_scenario_columns(s, t, s->sel.scenario, (size_t)ny, err)))
    return rc;
  const ec_dsinfo *yd = ec_results_info_find(s->info, "year");
  const char *yn[] = {"year"};
  int nd;
  size_t sh[EC_H5_MAXDIMS];
  double *v;
  if ((rc = ec_results_read_fixed(s->path, yd, 0, NULL, NULL, &nd, sh, &v, err)))
    return rc;
  col *c = table_add(t, "year", K_INT, "year", "calendar year", err);
  for (size_t r = 0; c && r < t->nrows; r++) c->num[r] = v[r % (size_t)ny];
  free(v);
  if (!c) return EC_ERR_NOMEM;
  for (int i = 0; i < s->info->nds; i++) {
    const ec_dsinfo *d = &s->info->ds[i];
    if (d->is_scale || d->type == EC_H5_STRING || !ec_results_dims_are(d, 1, yn))
      continue;
    c = table_add(t, d->name, d->type == EC_H5_DOUBLE ? K_NUM : K_INT, d->units,
                  d->long_name, err);
    if (!c) return EC_ERR_NOMEM;
    for (long k = 0; k < ns; k++) {
      const char *fd[] = {"scenario"};
      long fi[] = {s0 + k};
      if ((rc = ec_results_read_fixed(s->path, d, 1, fd, fi, &nd, sh, &v, err)))
        return rc;
      memcpy(c->num + (size_t)(k * ny), v, (size_t)ny * sizeof *v);
      free(v);
    }
  }
  return EC_OK;
}

/* ---- the export ------------------------------------------------------------ */

static int export_points(const src *s, outdir *o, crsx *cx, const char *dim,
                         const char *prefix, const char *layer, int shp, int *count,
                         ec_error *err) {
  table t = {0};
  double *x, *y;
  int rc = point_layer(s, dim, prefix, &t, &x, &y, err);
  *count = (int)t.nrows;
  if (rc || t.nrows == 0 || !x || !y) {
    table_free(&t);
    return rc;
  }
  double *px = malloc(t.nrows * sizeof *px), *py = malloc(t.nrows * sizeof *py);
  if (!px || !py) rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  else {
    memcpy(px, x, t.nrows * sizeof *px);
    memcpy(py, y, t.nrows * sizeof *py);
    rc = crsx_apply(cx, px, py, t.nrows, layer, err);
  }
  if (!rc && shp) {
    table_shorten(&t, prefix);
    rc = write_shp(o, layer, &t, 0, NULL, px, py, cx->prj, err);
  } else if (!rc) {
    /* x, y in the output CRS replace the working-CRS columns */
    memcpy(x, px, t.nrows * sizeof *px);
    memcpy(y, py, t.nrows * sizeof *py);
    char name[160];
    snprintf(name, sizeof name, "%s.csv", layer);
    rc = write_csv(o, name, &t, NULL, err);
    if (!rc) rc = write_dictionary(o, layer, &t, 0, err);
  }
  free(px);
  free(py);
  table_free(&t);
  return rc;
}

int ec_export_run(const char *path, const ec_export_opts *opts,
                  ec_export_summary *sum, ec_error *err) {
  memset(sum, 0, sizeof *sum);
  sum->quantile = -1;
  ec_results_info *info = NULL;
  int rc = ec_results_inspect(path, &info, err);
  if (rc) return rc;
  src s = {path, info, {0}};
  const char *in_crs = ec_results_info_attr(info, "crs");
  int shp = opts->format == EC_EXPORT_SHP;
  outdir o = {0};
  o.sum = sum;
  crsx cx = {0};
  table t = {0};
  geom g = {0};
  char **wkt = NULL, **wkt_out = NULL;
  size_t nwkt = 0;
  if ((rc = ec_results_select(path, info, &opts->req, shp, &s.sel, err))) goto done;
  sum->scenario = s.sel.scenario;
  sum->year = s.sel.year_value;
  if (s.sel.quantile >= 0) sum->quantile = s.sel.quantile_value;
  if (!in_crs || !in_crs[0]) {
    rc = ec_error_set(err, EC_ERR_CRS, path, 0, "crs", "the results have no 'crs' attribute");
    goto done;
  }
  const char *out_crs = opts->crs ? opts->crs : in_crs;
  snprintf(sum->crs, sizeof sum->crs, "%s", out_crs);
  if ((rc = crsx_init(&cx, path, in_crs, out_crs, err))) goto done;
  if (!ec_results_info_find(info, "township_geometry_wkt")) {
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, "township_geometry_wkt",
                      "no dataset 'township_geometry_wkt' (township polygons)");
    goto done;
  }
  if ((rc = township_layer(&s, s.sel.scenario, &t, err))) goto done;
  sum->ntownships = (int)t.nrows;
  if ((rc = read_strings_req(&s, "township_geometry_wkt", t.nrows, &wkt, err))) goto done;
  nwkt = t.nrows;
  if ((rc = parse_polygons(path, wkt, t.nrows, &g, err))) goto done;
  if ((rc = crsx_apply(&cx, g.x, g.y, g.nrings ? (size_t)g.ring_start[g.nrings] : 0,
                       "township polygons", err)))
    goto done;
  if ((rc = outdir_begin(&o, opts->out_dir, err))) goto done;
  if (shp) {
    table_shorten(&t, "township_");
    if ((rc = write_shp(&o, "townships", &t, 1, &g, NULL, NULL, cx.prj, err))) goto done;
  } else {
    wkt_out = calloc(t.nrows, sizeof *wkt_out);
    for (size_t i = 0; wkt_out && i < t.nrows; i++)
      if (!(wkt_out[i] = rings_wkt(&g, i, cx.geographic))) break;
    if (!wkt_out || (t.nrows && !wkt_out[t.nrows - 1])) {
      rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto done;
    }
    if ((rc = write_csv(&o, "townships.csv", &t, wkt_out, err)) ||
        (rc = write_dictionary(&o, "townships", &t, 0, err)))
      goto done;
    /* no scenario chosen: one block of rows per scenario */
    for (long k = 1; s.sel.scenario < 0 && k < s.sel.nscenarios; k++) {
      table tk = {0};
      rc = township_layer(&s, k, &tk, err);
      if (!rc) rc = write_csv_mode(&o, "townships.csv", &tk, wkt_out, 1, err);
      table_free(&tk);
      if (rc) goto done;
    }
  }
  if ((rc = export_points(&s, &o, &cx, "facility", "facility_", "facilities", shp,
                          &sum->nfacilities, err)) ||
      (rc = export_points(&s, &o, &cx, "site", "site_", "sites", shp, &sum->nsites,
                          err)))
    goto done;
  if (!shp) {
    table ty = {0}, tc = {0};
    rc = township_year_table(&s, &ty, err);
    if (!rc) rc = write_csv(&o, "township_year.csv", &ty, NULL, err);
    if (!rc) rc = write_dictionary(&o, "township_year", &ty, 0, err);
    sum->ntable_rows = (long)ty.nrows;
    table_free(&ty);
    if (!rc) rc = city_year_table(&s, &tc, err);
    if (!rc && tc.nc > (s.sel.nscenarios > 0 ? 2 : 1)) {
      rc = write_csv(&o, "city_year.csv", &tc, NULL, err);
      if (!rc) rc = write_dictionary(&o, "city_year", &tc, 0, err);
    }
    table_free(&tc);
    if (rc) goto done;
  }
  rc = outdir_commit(&o, err);
done:
  if (rc) outdir_abort(&o);
  for (size_t i = 0; wkt && i < nwkt; i++) free(wkt[i]);
  free(wkt);
  for (size_t i = 0; wkt_out && i < t.nrows; i++) free(wkt_out[i]);
  free(wkt_out);
  geom_free(&g);
  table_free(&t);
  crsx_free(&cx);
  ec_results_info_free(info);
  return rc;
}
