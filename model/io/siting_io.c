/* siting_io.c — siting inputs (demand/site/cost CSVs, OR-Library pmed and
 * pmedcap files) and the per-client assignment CSV. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_atomic.h"
#include "eldercap/ec_csv.h"
#include "eldercap/ec_siting.h"

static void free_ids(char **ids, size_t n) {
  if (!ids) return;
  for (size_t i = 0; i < n; i++) free(ids[i]);
  free(ids);
}

void ec_site_data_free(ec_site_data *d) {
  if (!d) return;
  free_ids(d->client_id, d->nclients);
  free_ids(d->site_id, d->nsites);
  free(d->weight);
  free(d->demand);
  free(d->cx);
  free(d->cy);
  free(d->sx);
  free(d->sy);
  free(d->capacity);
  free(d->fixed);
  ec_od_free(d->od);
  free(d);
}

static ec_site_data *data_new(void) {
  ec_site_data *d = calloc(1, sizeof *d);
  if (d) d->best_known = NAN;
  return d;
}

/* Growable arrays for the CSV readers. */
static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 256;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, nc * elem);
  if (!q) return -1;
  *p = q;
  *cap = nc;
  return 0;
}

/* Ids sorted for lookup; duplicates are an error (reported by the caller). */
typedef struct {
  char **ids;
  size_t *ord;
  size_t n;
} idx_t;

static const char *const *g_sort_ids;
static int cmp_ord(const void *a, const void *b) {
  return strcmp(g_sort_ids[*(const size_t *)a], g_sort_ids[*(const size_t *)b]);
}

static int idx_build(idx_t *x, char **ids, size_t n, size_t *dup) {
  x->ids = ids;
  x->n = n;
  x->ord = malloc((n ? n : 1) * sizeof *x->ord);
  if (!x->ord) return EC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) x->ord[i] = i;
  g_sort_ids = (const char *const *)ids;
  qsort(x->ord, n, sizeof *x->ord, cmp_ord);
  *dup = SIZE_MAX;
  for (size_t i = 1; i < n; i++)
    if (strcmp(ids[x->ord[i]], ids[x->ord[i - 1]]) == 0) {
      *dup = x->ord[i] > x->ord[i - 1] ? x->ord[i] : x->ord[i - 1];
      break;
    }
  return EC_OK;
}

static size_t idx_find(const idx_t *x, const char *id) {
  size_t lo = 0, hi = x->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(x->ids[x->ord[mid]], id);
    if (c == 0) return x->ord[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return SIZE_MAX;
}

/* Lines of a CSV record, for duplicate-id messages. */
static int read_demand(const char *path, ec_site_data *d, ec_error *err) {
  ec_csv *c = NULL;
  int rc = ec_csv_open(path, &c, err);
  if (rc) return rc;
  int ci, cw;
  if ((rc = ec_csv_require(c, "id", &ci, err)) ||
      (rc = ec_csv_require(c, "weight", &cw, err))) {
    ec_csv_free(c);
    return rc;
  }
  int cx = ec_csv_col(c, "x"), cy = ec_csv_col(c, "y");
  int cq = ec_csv_col(c, "capacity_demand");
  if ((cx >= 0) != (cy >= 0)) {
    rc = ec_error_set(err, EC_ERR_MISSING, path, 1, cx >= 0 ? "y" : "x",
                      "coordinates need both columns x and y");
    ec_csv_free(c);
    return rc;
  }
  size_t cap = 0, capw = 0, capx = 0, capy = 0, capq = 0;
  long *lines = NULL;
  size_t capl = 0;
  while ((rc = ec_csv_next(c, err)) == 1) {
    size_t i = d->nclients;
    if (grow((void **)&d->client_id, &cap, i + 1, sizeof(char *)) ||
        grow((void **)&d->weight, &capw, i + 1, sizeof(double)) ||
        grow((void **)&lines, &capl, i + 1, sizeof(long)) ||
        (cx >= 0 && (grow((void **)&d->cx, &capx, i + 1, sizeof(double)) ||
                     grow((void **)&d->cy, &capy, i + 1, sizeof(double)))) ||
        (cq >= 0 && grow((void **)&d->demand, &capq, i + 1, sizeof(double)))) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      break;
    }
    const char *id = ec_csv_field(c, ci);
    if (!*id) {
      rc = ec_error_set(err, EC_ERR_MISSING, path, ec_csv_line(c), "id",
                        "empty id");
      break;
    }
    d->client_id[i] = strdup(id);
    if (!d->client_id[i]) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      break;
    }
    d->nclients++;
    lines[i] = ec_csv_line(c);
    if ((rc = ec_csv_double_min(c, cw, 0, &d->weight[i], err))) break;
    if (cx >= 0 && ((rc = ec_csv_double(c, cx, &d->cx[i], err)) ||
                    (rc = ec_csv_double(c, cy, &d->cy[i], err))))
      break;
    if (cq >= 0 && (rc = ec_csv_double_min(c, cq, 0, &d->demand[i], err)))
      break;
  }
  if (rc == 0 && d->nclients == 0)
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, NULL, "no demand rows");
  if (rc == 0) {
    idx_t x;
    size_t dup;
    rc = idx_build(&x, d->client_id, d->nclients, &dup);
    if (!rc && dup != SIZE_MAX)
      rc = ec_error_set(err, EC_ERR_INVALID, path, lines[dup], "id",
                        "duplicate id '%s'", d->client_id[dup]);
    free(x.ord);
  }
  free(lines);
  ec_csv_free(c);
  return rc < 0 ? rc : EC_OK;
}

static int read_sites(const char *path, ec_site_data *d, ec_error *err) {
  ec_csv *c = NULL;
  int rc = ec_csv_open(path, &c, err);
  if (rc) return rc;
  int ci;
  if ((rc = ec_csv_require(c, "id", &ci, err))) {
    ec_csv_free(c);
    return rc;
  }
  int cx = ec_csv_col(c, "x"), cy = ec_csv_col(c, "y");
  int ck = ec_csv_col(c, "capacity"), cf = ec_csv_col(c, "fixed");
  if ((cx >= 0) != (cy >= 0)) {
    rc = ec_error_set(err, EC_ERR_MISSING, path, 1, cx >= 0 ? "y" : "x",
                      "coordinates need both columns x and y");
    ec_csv_free(c);
    return rc;
  }
  size_t cap = 0, capx = 0, capy = 0, capk = 0, capf = 0, capl = 0;
  long *lines = NULL;
  while ((rc = ec_csv_next(c, err)) == 1) {
    size_t j = d->nsites;
    if (grow((void **)&d->site_id, &cap, j + 1, sizeof(char *)) ||
        grow((void **)&lines, &capl, j + 1, sizeof(long)) ||
        (cx >= 0 && (grow((void **)&d->sx, &capx, j + 1, sizeof(double)) ||
                     grow((void **)&d->sy, &capy, j + 1, sizeof(double)))) ||
        (ck >= 0 && grow((void **)&d->capacity, &capk, j + 1, sizeof(double))) ||
        (cf >= 0 && grow((void **)&d->fixed, &capf, j + 1, 1))) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      break;
    }
    const char *id = ec_csv_field(c, ci);
    if (!*id) {
      rc = ec_error_set(err, EC_ERR_MISSING, path, ec_csv_line(c), "id",
                        "empty id");
      break;
    }
    d->site_id[j] = strdup(id);
    if (!d->site_id[j]) {
      rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
      break;
    }
    d->nsites++;
    lines[j] = ec_csv_line(c);
    if (cx >= 0 && ((rc = ec_csv_double(c, cx, &d->sx[j], err)) ||
                    (rc = ec_csv_double(c, cy, &d->sy[j], err))))
      break;
    if (ck >= 0 && (rc = ec_csv_double_min(c, ck, 0, &d->capacity[j], err)))
      break;
    if (cf >= 0) {
      long f;
      if ((rc = ec_csv_long(c, cf, &f, err))) break;
      if (f != 0 && f != 1) {
        rc = ec_error_set(err, EC_ERR_RANGE, path, ec_csv_line(c), "fixed",
                          "fixed must be 0 or 1, not %ld", f);
        break;
      }
      d->fixed[j] = (unsigned char)f;
    }
  }
  if (rc == 0 && d->nsites == 0)
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, NULL, "no site rows");
  if (rc == 0) {
    idx_t x;
    size_t dup;
    rc = idx_build(&x, d->site_id, d->nsites, &dup);
    if (!rc && dup != SIZE_MAX)
      rc = ec_error_set(err, EC_ERR_INVALID, path, lines[dup], "id",
                        "duplicate id '%s'", d->site_id[dup]);
    free(x.ord);
  }
  free(lines);
  ec_csv_free(c);
  return rc < 0 ? rc : EC_OK;
}

int ec_site_read_csv(const char *demand_csv, const char *sites_csv,
                     ec_site_data **out, ec_error *err) {
  *out = NULL;
  ec_site_data *d = data_new();
  if (!d) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  int rc = read_demand(demand_csv, d, err);
  if (!rc) rc = read_sites(sites_csv, d, err);
  if (rc) {
    ec_site_data_free(d);
    return rc;
  }
  *out = d;
  return EC_OK;
}

/* Keep only the k cheapest entries of each row (rows are sorted). */
static int od_keep_k(ec_od **od, size_t k, ec_error *err) {
  if (k == 0) return EC_OK;
  ec_od *o = *od;
  size_t n = ec_od_norig(o), nnz = 0;
  const size_t *rp = ec_od_rowptr(o);
  for (size_t i = 0; i < n; i++) {
    size_t len = rp[i + 1] - rp[i];
    nnz += len < k ? len : k;
  }
  uint32_t *oi = malloc((nnz + 1) * sizeof *oi), *di = malloc((nnz + 1) * sizeof *di);
  double *cc = malloc((nnz + 1) * sizeof *cc);
  if (!oi || !di || !cc) {
    free(oi);
    free(di);
    free(cc);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  size_t q = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t t = rp[i]; t < rp[i + 1] && t < rp[i] + k; t++) {
      oi[q] = (uint32_t)i;
      di[q] = ec_od_dest(o)[t];
      cc[q++] = ec_od_cost(o)[t];
    }
  ec_od *nw = NULL;
  int rc = ec_od_from_triples(n, ec_od_ndest(o), q, oi, di, cc, INFINITY, &nw,
                              err);
  free(oi);
  free(di);
  free(cc);
  if (rc) return rc;
  ec_od_free(o);
  *od = nw;
  return EC_OK;
}

int ec_site_read_costs(ec_site_data *d, const char *costs_csv, double max_cost,
                       size_t k_nearest, ec_error *err) {
  ec_csv *c = NULL;
  int rc = ec_csv_open(costs_csv, &c, err);
  if (rc) return rc;
  int co, cd, cc;
  if ((rc = ec_csv_require(c, "origin", &co, err)) ||
      (rc = ec_csv_require(c, "dest", &cd, err)) ||
      (rc = ec_csv_require(c, "cost", &cc, err))) {
    ec_csv_free(c);
    return rc;
  }
  idx_t xc = {0}, xs = {0};
  size_t dup;
  uint32_t *oi = NULL, *di = NULL;
  double *cost = NULL;
  size_t n = 0, capo = 0, capd = 0, capc = 0;
  if ((rc = idx_build(&xc, d->client_id, d->nclients, &dup)) ||
      (rc = idx_build(&xs, d->site_id, d->nsites, &dup))) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto out;
  }
  while ((rc = ec_csv_next(c, err)) == 1) {
    size_t i = idx_find(&xc, ec_csv_field(c, co));
    if (i == SIZE_MAX) {
      rc = ec_error_set(err, EC_ERR_INVALID, costs_csv, ec_csv_line(c), "origin",
                        "unknown demand id '%s'", ec_csv_field(c, co));
      break;
    }
    size_t j = idx_find(&xs, ec_csv_field(c, cd));
    if (j == SIZE_MAX) {
      rc = ec_error_set(err, EC_ERR_INVALID, costs_csv, ec_csv_line(c), "dest",
                        "unknown site id '%s'", ec_csv_field(c, cd));
      break;
    }
    double v;
    if ((rc = ec_csv_double_min(c, cc, 0, &v, err))) break;
    if (grow((void **)&oi, &capo, n + 1, sizeof *oi) ||
        grow((void **)&di, &capd, n + 1, sizeof *di) ||
        grow((void **)&cost, &capc, n + 1, sizeof *cost)) {
      rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      break;
    }
    oi[n] = (uint32_t)i;
    di[n] = (uint32_t)j;
    cost[n++] = v;
  }
  if (rc < 0) goto out;
  ec_od *od = NULL;
  rc = ec_od_from_triples(d->nclients, d->nsites, n, oi, di, cost, max_cost,
                          &od, err);
  if (rc) {
    /* name the file: the triples came from it */
    if (err && !err->file[0])
      snprintf(err->file, sizeof err->file, "%s", costs_csv);
    goto out;
  }
  if ((rc = od_keep_k(&od, k_nearest, err))) {
    ec_od_free(od);
    goto out;
  }
  ec_od_free(d->od);
  d->od = od;
  rc = EC_OK;
out:
  free(xc.ord);
  free(xs.ord);
  free(oi);
  free(di);
  free(cost);
  ec_csv_free(c);
  return rc;
}

int ec_site_euclid_costs(ec_site_data *d, double max_cost, size_t k_nearest,
                         ec_error *err) {
  if (!d->cx || !d->sx)
    return ec_error_set(err, EC_ERR_MISSING, NULL, 0, "x",
                        "no cost file and no coordinates (x, y) for %s",
                        d->cx ? "the sites" : "the demand points");
  ec_od *od = NULL;
  int rc;
  if (!d->truncate_costs) {
    rc = ec_od_from_points(d->cx, d->cy, d->nclients, d->sx, d->sy, d->nsites,
                           max_cost, k_nearest, &od, err);
  } else {
    /* Floor every distance, then cut and re-sort (ties change order). */
    rc = ec_od_from_points(d->cx, d->cy, d->nclients, d->sx, d->sy, d->nsites,
                           isfinite(max_cost) ? max_cost + 1 : max_cost, 0, &od,
                           err);
    if (rc) return rc;
    size_t nnz = ec_od_nnz(od), n = ec_od_norig(od);
    uint32_t *oi = malloc((nnz + 1) * sizeof *oi),
             *di = malloc((nnz + 1) * sizeof *di);
    double *cc = malloc((nnz + 1) * sizeof *cc);
    if (!oi || !di || !cc) {
      free(oi);
      free(di);
      free(cc);
      ec_od_free(od);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    const size_t *rp = ec_od_rowptr(od);
    for (size_t i = 0; i < n; i++)
      for (size_t t = rp[i]; t < rp[i + 1]; t++) {
        oi[t] = (uint32_t)i;
        di[t] = ec_od_dest(od)[t];
        /* exact integer distance when it is one: floor(sqrt) can land just
         * below an integer, so check the square */
        double v = floor(ec_od_cost(od)[t]);
        double dx = d->cx[i] - d->sx[di[t]], dy = d->cy[i] - d->sy[di[t]];
        if ((v + 1) * (v + 1) <= dx * dx + dy * dy) v += 1;
        cc[t] = v;
      }
    ec_od *nw = NULL;
    rc = ec_od_from_triples(n, d->nsites, nnz, oi, di, cc, max_cost, &nw, err);
    free(oi);
    free(di);
    free(cc);
    ec_od_free(od);
    od = nw;
    if (!rc) rc = od_keep_k(&od, k_nearest, err);
  }
  if (rc) {
    ec_od_free(od);
    return rc;
  }
  ec_od_free(d->od);
  d->od = od;
  return EC_OK;
}

/* ---- OR-Library files: whitespace-separated numbers ---------------------- */

typedef struct {
  const char *path;
  char *buf;
  size_t pos, len;
  long line, col; /* of the last token */
  long cur_line, cur_col;
} tok_t;

static int tok_open(tok_t *t, const char *path, ec_error *err) {
  memset(t, 0, sizeof *t);
  t->path = path;
  t->cur_line = 1;
  t->cur_col = 1;
  FILE *f = fopen(path, "rb");
  if (!f)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot open: %s",
                        strerror(errno));
  size_t cap = 1 << 16;
  t->buf = malloc(cap);
  size_t r;
  while (t->buf && (r = fread(t->buf + t->len, 1, cap - t->len - 1, f)) > 0) {
    t->len += r;
    if (t->len + 1 >= cap) {
      char *nb = realloc(t->buf, cap * 2);
      if (!nb) {
        free(t->buf);
        t->buf = NULL;
        break;
      }
      t->buf = nb;
      cap *= 2;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (!t->buf) return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
  if (bad) {
    free(t->buf);
    t->buf = NULL;
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "read error");
  }
  t->buf[t->len] = '\0';
  return EC_OK;
}

/* Next number; what = name for the message. eol_ok: the token must be on
 * the same line as the previous one unless 0. */
static int tok_num(tok_t *t, const char *what, double *v, ec_error *err) {
  while (t->pos < t->len &&
         (t->buf[t->pos] == ' ' || t->buf[t->pos] == '\t' ||
          t->buf[t->pos] == '\r' || t->buf[t->pos] == '\n')) {
    if (t->buf[t->pos] == '\n') {
      t->cur_line++;
      t->cur_col = 1;
    } else {
      t->cur_col++;
    }
    t->pos++;
  }
  t->line = t->cur_line;
  t->col = t->cur_col;
  if (t->pos >= t->len)
    return ec_error_set(err, EC_ERR_PARSE, t->path, t->line, what,
                        "column %ld: unexpected end of file, expected %s",
                        t->col, what);
  size_t start = t->pos;
  while (t->pos < t->len && t->buf[t->pos] != ' ' && t->buf[t->pos] != '\t' &&
         t->buf[t->pos] != '\r' && t->buf[t->pos] != '\n')
    t->pos++;
  char save = t->buf[t->pos];
  t->buf[t->pos] = '\0';
  int bad = ec_parse_double(t->buf + start, v);
  char tokcopy[48];
  snprintf(tokcopy, sizeof tokcopy, "%s", t->buf + start);
  t->buf[t->pos] = save;
  t->cur_col += (long)(t->pos - start);
  if (bad)
    return ec_error_set(err, EC_ERR_PARSE, t->path, t->line, what,
                        "column %ld: '%s' is not a number", t->col, tokcopy);
  return EC_OK;
}

static int tok_int(tok_t *t, const char *what, long lo, long hi, long *v,
                   ec_error *err) {
  double x;
  int rc = tok_num(t, what, &x, err);
  if (rc) return rc;
  if (x != floor(x) || x < (double)lo || x > (double)hi)
    return ec_error_set(err, EC_ERR_RANGE, t->path, t->line, what,
                        "column %ld: %s = %g must be an integer in [%ld, %ld]",
                        t->col, what, x, lo, hi);
  *v = (long)x;
  return EC_OK;
}

static int make_ids(ec_site_data *d, size_t n, ec_error *err) {
  d->client_id = calloc(n, sizeof(char *));
  d->site_id = calloc(n, sizeof(char *));
  d->weight = malloc(n * sizeof(double));
  if (!d->client_id || !d->site_id || !d->weight)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  d->nclients = d->nsites = n;
  for (size_t i = 0; i < n; i++) {
    char b[24];
    snprintf(b, sizeof b, "%zu", i + 1);
    d->client_id[i] = strdup(b);
    d->site_id[i] = strdup(b);
    d->weight[i] = 1;
    if (!d->client_id[i] || !d->site_id[i])
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  return EC_OK;
}

int ec_site_read_orlib_pmed(const char *path, ec_site_data **out,
                            ec_error *err) {
  *out = NULL;
  tok_t t;
  int rc = tok_open(&t, path, err);
  if (rc) return rc;
  ec_site_data *d = data_new();
  double *dist = NULL;
  uint32_t *oi = NULL, *di = NULL;
  long n, ne, p;
  if (!d) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  if ((rc = tok_int(&t, "n", 1, 20000, &n, err)) ||
      (rc = tok_int(&t, "edges", 0, 100000000, &ne, err)) ||
      (rc = tok_int(&t, "p", 1, n, &p, err)))
    goto fail;
  /* every vertex must be reachable: a connected graph has >= n-1 edges. The
   * check also stops a few-byte header from claiming a huge matrix. */
  if (ne < n - 1) {
    rc = ec_error_set(err, EC_ERR_INVALID, path, 1, "edges",
                      "%ld edges cannot connect %ld vertices", ne, n);
    goto fail;
  }
  size_t N = (size_t)n;
  dist = malloc(N * N * sizeof *dist);
  if (!dist) {
    rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL,
                      "out of memory for a %zu x %zu distance matrix", N, N);
    goto fail;
  }
  for (size_t k = 0; k < N * N; k++) dist[k] = INFINITY;
  for (size_t i = 0; i < N; i++) dist[i * N + i] = 0;
  for (long e = 0; e < ne; e++) {
    long a, b;
    double c;
    if ((rc = tok_int(&t, "i", 1, n, &a, err)) ||
        (rc = tok_int(&t, "j", 1, n, &b, err)) ||
        (rc = tok_num(&t, "cost", &c, err)))
      goto fail;
    if (c < 0) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, t.line, "cost",
                        "column %ld: negative edge cost %g", t.col, c);
      goto fail;
    }
    if (a == b) continue;
    /* OR-Library pmedinfo: the last copy of a duplicated edge counts */
    dist[(size_t)(a - 1) * N + (size_t)(b - 1)] = c;
    dist[(size_t)(b - 1) * N + (size_t)(a - 1)] = c;
  }
  /* Floyd-Warshall; rows with no path through k are skipped. */
  for (size_t k = 0; k < N; k++) {
    const double *dk = dist + k * N;
    for (size_t i = 0; i < N; i++) {
      double dik = dist[i * N + k];
      if (dik == INFINITY) continue;
      double *drow = dist + i * N;
      for (size_t j = 0; j < N; j++) {
        double v = dik + dk[j];
        if (v < drow[j]) drow[j] = v;
      }
    }
  }
  size_t nnz = 0;
  for (size_t k = 0; k < N * N; k++) nnz += isfinite(dist[k]);
  oi = malloc(nnz * sizeof *oi);
  di = malloc(nnz * sizeof *di);
  double *cc = malloc(nnz * sizeof *cc);
  if (!oi || !di || !cc) {
    free(cc);
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  size_t q = 0;
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++)
      if (isfinite(dist[i * N + j])) {
        oi[q] = (uint32_t)i;
        di[q] = (uint32_t)j;
        cc[q++] = dist[i * N + j];
      }
  rc = ec_od_from_triples(N, N, q, oi, di, cc, INFINITY, &d->od, err);
  free(cc);
  if (rc) goto fail;
  if ((rc = make_ids(d, N, err))) goto fail;
  d->p = (size_t)p;
  free(dist);
  free(oi);
  free(di);
  free(t.buf);
  *out = d;
  return EC_OK;
fail:
  free(dist);
  free(oi);
  free(di);
  free(t.buf);
  ec_site_data_free(d);
  return rc;
}

int ec_site_read_orlib_pmedcap(const char *path, ec_site_data **out,
                               ec_error *err) {
  *out = NULL;
  tok_t t;
  int rc = tok_open(&t, path, err);
  if (rc) return rc;
  ec_site_data *d = data_new();
  long prob, n, p;
  double best, Q;
  if (!d) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  if ((rc = tok_int(&t, "problem", 0, 1000000, &prob, err)) ||
      (rc = tok_num(&t, "best", &best, err)) ||
      (rc = tok_int(&t, "n", 1, 10000000, &n, err)) ||
      (rc = tok_int(&t, "p", 1, n, &p, err)) ||
      (rc = tok_num(&t, "Q", &Q, err)))
    goto fail;
  if (Q < 0) {
    rc = ec_error_set(err, EC_ERR_RANGE, path, t.line, "Q",
                      "column %ld: negative capacity", t.col);
    goto fail;
  }
  size_t N = (size_t)n;
  if ((rc = make_ids(d, N, err))) goto fail;
  d->cx = malloc(N * sizeof(double));
  d->cy = malloc(N * sizeof(double));
  d->sx = malloc(N * sizeof(double));
  d->sy = malloc(N * sizeof(double));
  d->demand = malloc(N * sizeof(double));
  d->capacity = malloc(N * sizeof(double));
  if (!d->cx || !d->cy || !d->sx || !d->sy || !d->demand || !d->capacity) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < N; i++) {
    double id;
    if ((rc = tok_num(&t, "id", &id, err)) ||
        (rc = tok_num(&t, "x", &d->cx[i], err)) ||
        (rc = tok_num(&t, "y", &d->cy[i], err)) ||
        (rc = tok_num(&t, "demand", &d->demand[i], err)))
      goto fail;
    if (d->demand[i] < 0) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, t.line, "demand",
                        "column %ld: negative demand", t.col);
      goto fail;
    }
    d->sx[i] = d->cx[i];
    d->sy[i] = d->cy[i];
    d->capacity[i] = Q;
  }
  d->p = (size_t)p;
  d->best_known = best;
  d->truncate_costs = 1;
  free(t.buf);
  *out = d;
  return EC_OK;
fail:
  free(t.buf);
  ec_site_data_free(d);
  return rc;
}

int ec_site_write_assignment(const char *path, const ec_site_data *d,
                             const ec_site_result *res, ec_error *err) {
  ec_atomic a;
  int rc = ec_atomic_begin(&a, path, "", err);
  if (rc) return rc;
  FILE *f = fopen(a.tmp_path, "w");
  if (!f) {
    ec_atomic_abort(&a);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot create: %s",
                        strerror(errno));
  }
  int bad = fprintf(f, "client,site,cost\n") < 0;
  for (size_t i = 0; i < res->nclients && !bad; i++) {
    uint32_t s = res->assign[i];
    if (s == EC_SITE_NONE)
      bad = fprintf(f, "%s,,\n", d->client_id[i]) < 0;
    else
      bad = fprintf(f, "%s,%s,%.17g\n", d->client_id[i], d->site_id[s],
                    res->cost[i]) < 0;
  }
  if (fclose(f) != 0) bad = 1;
  if (bad) {
    ec_atomic_abort(&a);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "write failed");
  }
  return ec_atomic_commit(&a, err);
}
