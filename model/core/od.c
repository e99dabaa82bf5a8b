/* od.c — sparse origin-destination cost tables (CSR by origin).
 *
 * Storage is 12 bytes per kept pair (uint32 destination + double cost) plus
 * one size_t per origin. Rows are sorted by (cost, destination index).
 *
 * From points, destinations are bucketed into a uniform grid:
 *  - with a cost cut and no k: cell = max_cost / 4 (enlarged if the grid
 *    would have more than ~4 cells per destination), each origin scans the
 * cells overlapping its max_cost box; two passes (count, fill) so memory is
 *    exactly the kept pairs;
 *  - with k nearest: cell ~ sqrt(area / ndest) (about 2 destinations per
 *    cell), rings of cells expand around the origin until the k-th best
 *    candidate is strictly closer than anything outside the scanned square. */
#include "eldercap/ec_od.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct ec_od {
  size_t norig, ndest, nnz;
  size_t *rowptr; /* norig + 1 */
  uint32_t *dest; /* nnz */
  double *cost;   /* nnz */
};

typedef struct {
  double c;
  uint32_t d;
} pair_t;

static inline int pair_lt(const pair_t *a, const pair_t *b) {
  return a->c < b->c || (a->c == b->c && a->d < b->d);
}

/* Quicksort (median of three, smaller side recursed) + insertion sort;
 * keys are distinct within a row (destination indices are unique). */
static void pair_sort(pair_t *a, size_t n) {
  while (n > 16) {
    size_t m = n / 2, l = n - 1;
    pair_t t;
    if (pair_lt(&a[m], &a[0])) {
      t = a[m];
      a[m] = a[0];
      a[0] = t;
    }
    if (pair_lt(&a[l], &a[0])) {
      t = a[l];
      a[l] = a[0];
      a[0] = t;
    }
    if (pair_lt(&a[l], &a[m])) {
      t = a[l];
      a[l] = a[m];
      a[m] = t;
    }
    pair_t p = a[m];
    size_t i = 0, j = l;
    for (;;) {
      while (pair_lt(&a[i], &p))
        i++;
      while (pair_lt(&p, &a[j]))
        j--;
      if (i >= j) break;
      t = a[i];
      a[i] = a[j];
      a[j] = t;
      i++;
      j--;
    }
    /* [0, j] <= p <= [j+1, n) */
    size_t nl = j + 1, nr = n - nl;
    if (nl < nr) {
      pair_sort(a, nl);
      a += nl;
      n = nr;
    } else {
      pair_sort(a + nl, nr);
      n = nl;
    }
  }
  for (size_t i = 1; i < n; i++) {
    pair_t v = a[i];
    size_t j = i;
    while (j > 0 && pair_lt(&v, &a[j - 1])) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
}

/* Bucket pass then small sorts: near-linear for the cost distributions of an
 * OD row. Keys are mapped to n buckets by (c - lo) / (hi - lo), or by
 * (c / hi)^2 when area_uniform (Euclidean costs in a disk: equal-area rings
 * hold equal counts). tmp: n pairs, cnt: n + 1 counters. */
static void bucket_sort(pair_t *a, size_t n, pair_t *tmp, size_t *cnt,
                        int area_uniform) {
  if (n <= 32) {
    pair_sort(a, n);
    return;
  }
  double lo = a[0].c, hi = a[0].c;
  for (size_t k = 1; k < n; k++) {
    if (a[k].c < lo) lo = a[k].c;
    if (a[k].c > hi) hi = a[k].c;
  }
  if (!(hi > lo)) { /* all costs equal: order by destination */
    pair_sort(a, n);
    return;
  }
  double scale;
  if (area_uniform) {
    lo = 0;
    scale = (double)n / (hi * hi);
  } else {
    scale = (double)n / (hi - lo);
  }
  memset(cnt, 0, (n + 1) * sizeof *cnt);
#define EC_BUCKET(c)                                                           \
  (area_uniform ? (size_t)((c) * (c)*scale) : (size_t)(((c)-lo) * scale))
  for (size_t k = 0; k < n; k++) {
    size_t b = EC_BUCKET(a[k].c);
    if (b >= n) b = n - 1;
    cnt[b + 1]++;
  }
  for (size_t b = 0; b < n; b++)
    cnt[b + 1] += cnt[b];
  for (size_t k = 0; k < n; k++) {
    size_t b = EC_BUCKET(a[k].c);
    if (b >= n) b = n - 1;
    tmp[cnt[b]++] = a[k];
  }
#undef EC_BUCKET
  /* cnt[b] is now the end of bucket b; sort each bucket */
  size_t start = 0;
  for (size_t b = 0; b < n; b++) {
    size_t end = cnt[b];
    if (end - start > 1) pair_sort(tmp + start, end - start);
    start = end;
  }
  memcpy(a, tmp, n * sizeof *a);
}

static ec_od *od_alloc(size_t norig, size_t ndest, size_t nnz) {
  ec_od *od = calloc(1, sizeof *od);
  if (!od) return NULL;
  od->norig = norig;
  od->ndest = ndest;
  od->nnz = nnz;
  od->rowptr = calloc(norig + 1, sizeof *od->rowptr);
  od->dest = malloc((nnz ? nnz : 1) * sizeof *od->dest);
  od->cost = malloc((nnz ? nnz : 1) * sizeof *od->cost);
  if (!od->rowptr || !od->dest || !od->cost) {
    ec_od_free(od);
    return NULL;
  }
  return od;
}

void ec_od_free(ec_od *od) {
  if (!od) return;
  free(od->rowptr);
  free(od->dest);
  free(od->cost);
  free(od);
}

size_t ec_od_norig(const ec_od *od) { return od ? od->norig : 0; }
size_t ec_od_ndest(const ec_od *od) { return od ? od->ndest : 0; }
size_t ec_od_nnz(const ec_od *od) { return od ? od->nnz : 0; }
const size_t *ec_od_rowptr(const ec_od *od) { return od->rowptr; }
const uint32_t *ec_od_dest(const ec_od *od) { return od->dest; }
const double *ec_od_cost(const ec_od *od) { return od->cost; }

/* ---- uniform grid over destinations ------------------------------------ */

typedef struct {
  double x0, y0, h; /* origin of cell (0,0), cell side */
  long nx, ny;
  size_t *start;   /* nx*ny + 1: cell c holds [start[c], start[c+1]) */
  uint32_t *idx;   /* destination index, in cell order */
  double *px, *py; /* coordinates in cell order (cache-friendly scans) */
} grid_t;

static void grid_free(grid_t *g) {
  free(g->start);
  free(g->idx);
  free(g->px);
  free(g->py);
}

static long clampl(long v, long lo, long hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* Cell coordinate of x along an axis with nx cells (unclamped, may be out of
 * range for origins outside the destinations' box). */
static long cell_of(double x, double x0, double h) {
  double c = floor((x - x0) / h);
  if (c < -1e15) return -(long)1e15;
  if (c > 1e15) return (long)1e15;
  return (long)c;
}

static int grid_build(grid_t *g, const double *dx, const double *dy,
                      size_t ndest, double h_wanted) {
  memset(g, 0, sizeof *g);
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  for (size_t j = 0; j < ndest; j++) {
    if (dx[j] < xmin) xmin = dx[j];
    if (dx[j] > xmax) xmax = dx[j];
    if (dy[j] < ymin) ymin = dy[j];
    if (dy[j] > ymax) ymax = dy[j];
  }
  double w = xmax - xmin, hgt = ymax - ymin;
  /* at most ~4 cells per destination: tiny cells only cost empty scans */
  double maxcells = 4.0 * (double)ndest + 16.0;
  double h = h_wanted;
  if (!(h > 0) || !isfinite(h)) h = fmax(w, hgt);
  double hmin = sqrt(w * hgt / maxcells);
  if (w / maxcells > hmin) hmin = w / maxcells;
  if (hgt / maxcells > hmin) hmin = hgt / maxcells;
  if (h < hmin) h = hmin;
  if (!(h > 0)) h = 1.0;
  g->x0 = xmin;
  g->y0 = ymin;
  g->h = h;
  g->nx = (long)floor(w / h) + 1;
  g->ny = (long)floor(hgt / h) + 1;
  size_t ncell = (size_t)g->nx * (size_t)g->ny;
  g->start = calloc(ncell + 1, sizeof *g->start);
  g->idx = malloc((ndest ? ndest : 1) * sizeof *g->idx);
  g->px = malloc((ndest ? ndest : 1) * sizeof *g->px);
  g->py = malloc((ndest ? ndest : 1) * sizeof *g->py);
  size_t *cellof = malloc((ndest ? ndest : 1) * sizeof *cellof);
  if (!g->start || !g->idx || !g->px || !g->py || !cellof) {
    free(cellof);
    grid_free(g);
    return -1;
  }
  for (size_t j = 0; j < ndest; j++) {
    long cx = clampl(cell_of(dx[j], g->x0, h), 0, g->nx - 1);
    long cy = clampl(cell_of(dy[j], g->y0, h), 0, g->ny - 1);
    cellof[j] = (size_t)cy * (size_t)g->nx + (size_t)cx;
    g->start[cellof[j] + 1]++;
  }
  for (size_t c = 0; c < ncell; c++)
    g->start[c + 1] += g->start[c];
  size_t *fill = malloc((ncell ? ncell : 1) * sizeof *fill);
  if (!fill) {
    free(cellof);
    grid_free(g);
    return -1;
  }
  memcpy(fill, g->start, ncell * sizeof *fill);
  for (size_t j = 0; j < ndest; j++) {
    size_t p = fill[cellof[j]]++;
    g->idx[p] = (uint32_t)j;
    g->px[p] = dx[j];
    g->py[p] = dy[j];
  }
  free(fill);
  free(cellof);
  return 0;
}

/* ---- cost-cut rows (k = 0) --------------------------------------------- */

/* Scan the cells overlapping [x-r, x+r] x [y-r, y+r]; if buf is NULL only
 * count. Returns the number of destinations with cost <= r. */
static size_t scan_box(const grid_t *g, double x, double y, double r,
                       pair_t *buf) {
  long cx0, cx1, cy0, cy1;
  if (isinf(r)) {
    cx0 = 0;
    cy0 = 0;
    cx1 = g->nx - 1;
    cy1 = g->ny - 1;
  } else {
    cx0 = clampl(cell_of(x - r, g->x0, g->h), 0, g->nx - 1);
    cx1 = clampl(cell_of(x + r, g->x0, g->h), 0, g->nx - 1);
    cy0 = clampl(cell_of(y - r, g->y0, g->h), 0, g->ny - 1);
    cy1 = clampl(cell_of(y + r, g->y0, g->h), 0, g->ny - 1);
    /* the box misses the grid entirely */
    if (x + r < g->x0 || y + r < g->y0) return 0;
    if (x - r > g->x0 + (double)g->nx * g->h ||
        y - r > g->y0 + (double)g->ny * g->h)
      return 0;
  }
  size_t n = 0;
  for (long cy = cy0; cy <= cy1; cy++) {
    size_t c0 = (size_t)cy * (size_t)g->nx;
    size_t b = g->start[c0 + (size_t)cx0], e = g->start[c0 + (size_t)cx1 + 1];
    for (size_t p = b; p < e; p++) {
      double ddx = g->px[p] - x, ddy = g->py[p] - y;
      double d = sqrt(ddx * ddx + ddy * ddy);
      if (d <= r) {
        if (buf) {
          buf[n].c = d;
          buf[n].d = g->idx[p];
        }
        n++;
      }
    }
  }
  return n;
}

/* ---- k nearest rows ----------------------------------------------------- */

/* max-heap on (cost, dest) of capacity k */
static void heap_push(pair_t *h, size_t *n, size_t k, pair_t v) {
  if (*n < k) {
    size_t i = (*n)++;
    while (i > 0) {
      size_t p = (i - 1) / 2;
      if (!pair_lt(&h[p], &v)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = v;
    return;
  }
  if (!pair_lt(&v, &h[0])) return;
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    const pair_t *mv = &v;
    if (l < k && pair_lt(mv, &h[l])) {
      m = l;
      mv = &h[l];
    }
    if (r < k && pair_lt(mv, &h[r])) {
      m = r;
    }
    if (m == i) break;
    h[i] = h[m];
    i = m;
  }
  h[i] = v;
}

static void scan_cell(const grid_t *g, long xx, long yy, double x, double y,
                      double maxc, size_t k, pair_t *heap, size_t *n) {
  size_t c = (size_t)yy * (size_t)g->nx + (size_t)xx;
  for (size_t p = g->start[c]; p < g->start[c + 1]; p++) {
    double ddx = g->px[p] - x, ddy = g->py[p] - y;
    double d = sqrt(ddx * ddx + ddy * ddy);
    if (d <= maxc) {
      pair_t v = {d, g->idx[p]};
      heap_push(heap, n, k, v);
    }
  }
}

static size_t scan_knn(const grid_t *g, double x, double y, double maxc,
                       size_t k, pair_t *heap) {
  size_t n = 0;
  long cx = cell_of(x, g->x0, g->h), cy = cell_of(y, g->y0, g->h);
  /* rings closer than the grid's nearest cell are empty: start there */
  long gapx = cx < 0 ? -cx : cx > g->nx - 1 ? cx - (g->nx - 1) : 0;
  long gapy = cy < 0 ? -cy : cy > g->ny - 1 ? cy - (g->ny - 1) : 0;
  long r0 = gapx > gapy ? gapx : gapy;
  for (long r = r0;; r++) {
    /* the ring at Chebyshev distance r (cells), clipped to the grid */
    long ylo = cy - r, yhi = cy + r, xlo = cx - r, xhi = cx + r;
    long ys = clampl(ylo, 0, g->ny - 1), ye = clampl(yhi, 0, g->ny - 1);
    long xs = clampl(xlo, 0, g->nx - 1), xe = clampl(xhi, 0, g->nx - 1);
    for (long yy = ys; yy <= ye; yy++) {
      if (yy == ylo || yy == yhi) {
        for (long xx = xs; xx <= xe; xx++)
          scan_cell(g, xx, yy, x, y, maxc, k, heap, &n);
      } else {
        if (xlo >= 0) scan_cell(g, xlo, yy, x, y, maxc, k, heap, &n);
        if (xhi <= g->nx - 1 && xhi != xlo)
          scan_cell(g, xhi, yy, x, y, maxc, k, heap, &n);
      }
    }
    /* everything not yet visited lies outside this square of cells */
    if (xlo <= 0 && ylo <= 0 && xhi >= g->nx - 1 && yhi >= g->ny - 1) break;
    double bx0 = g->x0 + (double)xlo * g->h;
    double bx1 = g->x0 + (double)(xhi + 1) * g->h;
    double by0 = g->y0 + (double)ylo * g->h;
    double by1 = g->y0 + (double)(yhi + 1) * g->h;
    double bound = fmin(fmin(x - bx0, bx1 - x), fmin(y - by0, by1 - y));
    if (bound > maxc) break;
    if (n == k && heap[0].c < bound) break;
  }
  return n;
}

/* ---- public constructors ------------------------------------------------ */

static int check_points(const double *x, const double *y, size_t n,
                        const char *what, ec_error *err) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]) || !isfinite(y[i]))
      return ec_error_set(err, EC_ERR_RANGE, NULL, 0, what,
                          "%s point %zu has a non-finite coordinate", what,
                          i + 1);
  return EC_OK;
}

/* one thread's share of the cost-cut rows */
typedef struct {
  const grid_t *g;
  const double *ox, *oy;
  double max_cost;
  size_t i0, i1;  /* origins [i0, i1) */
  size_t *rowptr; /* count pass: rowptr[i + 1] = row length */
  ec_od *od;      /* fill pass */
  size_t maxrow;  /* count pass: out; fill pass: in */
  int failed;
} cut_job;

static void *cut_count(void *arg) {
  cut_job *j = arg;
  for (size_t i = j->i0; i < j->i1; i++) {
    size_t n = scan_box(j->g, j->ox[i], j->oy[i], j->max_cost, NULL);
    if (n > j->maxrow) j->maxrow = n;
    j->rowptr[i + 1] = n;
  }
  return NULL;
}

static void *cut_fill(void *arg) {
  cut_job *j = arg;
  size_t m = j->maxrow ? j->maxrow : 1;
  pair_t *buf = malloc(m * sizeof *buf), *tmp = malloc(m * sizeof *tmp);
  size_t *cnt = malloc((m + 1) * sizeof *cnt);
  if (!buf || !tmp || !cnt) {
    j->failed = 1;
  } else {
    for (size_t i = j->i0; i < j->i1; i++) {
      size_t n = scan_box(j->g, j->ox[i], j->oy[i], j->max_cost, buf);
      bucket_sort(buf, n, tmp, cnt, 1);
      size_t b = j->od->rowptr[i];
      for (size_t q = 0; q < n; q++) {
        j->od->dest[b + q] = buf[q].d;
        j->od->cost[b + q] = buf[q].c;
      }
    }
  }
  free(buf);
  free(tmp);
  free(cnt);
  return NULL;
}

/* run fn on every job, jobs[1..] on their own threads (inline if a thread
 * cannot be created: same result, only slower) */
static void run_jobs(cut_job *jobs, int nt, void *(*fn)(void *)) {
  pthread_t th[64];
  int started[64] = {0};
  for (int t = 1; t < nt; t++)
    started[t] = pthread_create(&th[t], NULL, fn, &jobs[t]) == 0;
  fn(&jobs[0]);
  for (int t = 1; t < nt; t++) {
    if (started[t])
      pthread_join(th[t], NULL);
    else
      fn(&jobs[t]);
  }
}

int ec_od_from_points_mt(const double *ox, const double *oy, size_t norig,
                         const double *dx, const double *dy, size_t ndest,
                         double max_cost, size_t k_nearest, int nthreads,
                         ec_od **out, ec_error *err) {
  if (!out)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "no output given");
  *out = NULL;
  if (isnan(max_cost) || max_cost < 0)
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "max_cost",
                        "maximum cost must be >= 0 or infinite, got %g",
                        max_cost);
  if (ndest > UINT32_MAX || norig > UINT32_MAX)
    return ec_error_set(err, EC_ERR_LIMIT, NULL, 0, NULL,
                        "more than 2^32-1 origins or destinations");
  int rc = check_points(ox, oy, norig, "origin", err);
  if (rc) return rc;
  rc = check_points(dx, dy, ndest, "destination", err);
  if (rc) return rc;

  grid_t g;
  ec_od *od = NULL;
  if (ndest == 0) {
    od = od_alloc(norig, ndest, 0);
    if (!od)
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                          "out of memory for the OD table");
    *out = od;
    return EC_OK;
  }
  size_t k = k_nearest < ndest ? k_nearest : ndest;
  if (k > 0) {
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t j = 0; j < ndest; j++) {
      xmin = fmin(xmin, dx[j]);
      xmax = fmax(xmax, dx[j]);
      ymin = fmin(ymin, dy[j]);
      ymax = fmax(ymax, dy[j]);
    }
    double area = (xmax - xmin) * (ymax - ymin);
    double h = sqrt(2.0 * area / (double)ndest);
    if (!(h > 0)) h = fmax(xmax - xmin, ymax - ymin) / sqrt((double)ndest);
    if (grid_build(&g, dx, dy, ndest, h))
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                          "out of memory for the spatial index");
    pair_t *heap = malloc(k * sizeof *heap);
    size_t cap = norig * k;
    od = od_alloc(norig, ndest, cap);
    if (!heap || !od) {
      free(heap);
      ec_od_free(od);
      grid_free(&g);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                          "out of memory for the OD table");
    }
    size_t nnz = 0;
    for (size_t i = 0; i < norig; i++) {
      size_t n = scan_knn(&g, ox[i], oy[i], max_cost, k, heap);
      pair_sort(heap, n);
      for (size_t q = 0; q < n; q++) {
        od->dest[nnz + q] = heap[q].d;
        od->cost[nnz + q] = heap[q].c;
      }
      nnz += n;
      od->rowptr[i + 1] = nnz;
    }
    free(heap);
    grid_free(&g);
    od->nnz = nnz;
    if (nnz < cap && nnz > 0) { /* give back the unused tail */
      uint32_t *d2 = realloc(od->dest, nnz * sizeof *d2);
      if (d2) od->dest = d2;
      double *c2 = realloc(od->cost, nnz * sizeof *c2);
      if (c2) od->cost = c2;
    }
    *out = od;
    return EC_OK;
  }

  /* cells of max_cost / 4: the scanned box of cells hugs the catchment
   * square (2.25 r)^2 instead of up to (3 r)^2, for 4x more (cheap) cells */
  if (grid_build(&g, dx, dy, ndest, max_cost / 4))
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory for the spatial index");
  /* pass 1: count, so the table is allocated once at its exact size */
  size_t *rowptr = calloc(norig + 1, sizeof *rowptr);
  if (!rowptr) {
    grid_free(&g);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory for the OD table");
  }
  int nt = nthreads < 1 ? 1 : nthreads > 64 ? 64 : nthreads;
  if ((size_t)nt > norig / 256 + 1) nt = (int)(norig / 256 + 1);
  cut_job jobs[64];
  for (int t = 0; t < nt; t++) {
    jobs[t] = (cut_job){&g,
                        ox,
                        oy,
                        max_cost,
                        norig * (size_t)t / (size_t)nt,
                        norig * (size_t)(t + 1) / (size_t)nt,
                        rowptr,
                        NULL,
                        0,
                        0};
  }
  run_jobs(jobs, nt, cut_count);
  size_t maxrow = 0;
  for (int t = 0; t < nt; t++)
    if (jobs[t].maxrow > maxrow) maxrow = jobs[t].maxrow;
  for (size_t i = 0; i < norig; i++)
    rowptr[i + 1] += rowptr[i];
  size_t nnz = rowptr[norig];
  od = od_alloc(norig, ndest, nnz);
  if (!od) {
    free(rowptr);
    grid_free(&g);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory for the OD table (%zu pairs, %.0f MB)",
                        nnz, (double)nnz * 12.0 / 1e6);
  }
  free(od->rowptr);
  od->rowptr = rowptr;
  for (int t = 0; t < nt; t++) {
    jobs[t].od = od;
    jobs[t].maxrow = maxrow;
  }
  run_jobs(jobs, nt, cut_fill);
  int failed = 0;
  for (int t = 0; t < nt; t++)
    failed |= jobs[t].failed;
  grid_free(&g);
  if (failed) {
    ec_od_free(od);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                        "out of memory for row buffers");
  }
  *out = od;
  return EC_OK;
}

int ec_od_from_points(const double *ox, const double *oy, size_t norig,
                      const double *dx, const double *dy, size_t ndest,
                      double max_cost, size_t k_nearest, ec_od **out,
                      ec_error *err) {
  return ec_od_from_points_mt(ox, oy, norig, dx, dy, ndest, max_cost, k_nearest,
                              1, out, err);
}

int ec_od_from_triples(size_t norig, size_t ndest, size_t ntriples,
                       const uint32_t *orig, const uint32_t *dest,
                       const double *cost, double max_cost, ec_od **out,
                       ec_error *err) {
  if (!out)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "no output given");
  *out = NULL;
  if (isnan(max_cost) || max_cost < 0)
    return ec_error_set(err, EC_ERR_RANGE, NULL, 0, "max_cost",
                        "maximum cost must be >= 0 or infinite, got %g",
                        max_cost);
  if (ndest > UINT32_MAX || norig > UINT32_MAX)
    return ec_error_set(err, EC_ERR_LIMIT, NULL, 0, NULL,
                        "more than 2^32-1 origins or destinations");
  size_t *rowptr = calloc(norig + 1, sizeof *rowptr);
  if (!rowptr)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  for (size_t t = 0; t < ntriples; t++) {
    if (orig[t] >= norig || dest[t] >= ndest) {
      free(rowptr);
      return ec_error_set(err, EC_ERR_RANGE, NULL, (long)(t + 1), NULL,
                          "pair %zu: origin %u or destination %u out of range "
                          "(%zu origins, %zu destinations)",
                          t + 1, orig[t], dest[t], norig, ndest);
    }
    if (!isfinite(cost[t]) || cost[t] < 0) {
      free(rowptr);
      return ec_error_set(err, EC_ERR_RANGE, NULL, (long)(t + 1), "cost",
                          "pair %zu: cost must be finite and >= 0, got %g",
                          t + 1, cost[t]);
    }
    if (cost[t] <= max_cost) rowptr[orig[t] + 1]++;
  }
  size_t maxrow = 0;
  for (size_t i = 0; i < norig; i++) {
    if (rowptr[i + 1] > maxrow) maxrow = rowptr[i + 1];
    rowptr[i + 1] += rowptr[i];
  }
  size_t nnz = rowptr[norig];
  ec_od *od = od_alloc(norig, ndest, nnz);
  size_t *fill = malloc((norig ? norig : 1) * sizeof *fill);
  pair_t *buf = malloc((maxrow ? maxrow : 1) * sizeof *buf);
  pair_t *tmp = malloc((maxrow ? maxrow : 1) * sizeof *tmp);
  size_t *cnt = malloc((maxrow + 1) * sizeof *cnt);
  /* seen[j] = last origin (+1) that listed destination j: duplicate check */
  uint32_t *seen = calloc(ndest ? ndest : 1, sizeof *seen);
  if (!od || !fill || !buf || !seen || !tmp || !cnt) {
    free(rowptr);
    free(fill);
    free(buf);
    free(tmp);
    free(cnt);
    free(seen);
    ec_od_free(od);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  free(od->rowptr);
  od->rowptr = rowptr;
  memcpy(fill, rowptr, norig * sizeof *fill);
  for (size_t t = 0; t < ntriples; t++) {
    if (cost[t] > max_cost) continue;
    size_t p = fill[orig[t]]++;
    od->dest[p] = dest[t];
    od->cost[p] = cost[t];
  }
  free(fill);
  /* duplicates are detected among the pairs kept (cost <= max_cost) */
  int rc = EC_OK;
  for (size_t i = 0; i < norig && rc == EC_OK; i++) {
    size_t b = rowptr[i], n = rowptr[i + 1] - b;
    for (size_t q = 0; q < n; q++) {
      uint32_t j = od->dest[b + q];
      if (seen[j] == (uint32_t)(i + 1)) {
        rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                          "duplicate pair: origin %zu, destination %u", i, j);
        break;
      }
      seen[j] = (uint32_t)(i + 1);
      buf[q].c = od->cost[b + q];
      buf[q].d = j;
    }
    if (rc) break;
    bucket_sort(buf, n, tmp, cnt, 0);
    for (size_t q = 0; q < n; q++) {
      od->dest[b + q] = buf[q].d;
      od->cost[b + q] = buf[q].c;
    }
  }
  free(buf);
  free(tmp);
  free(cnt);
  free(seen);
  if (rc) {
    ec_od_free(od);
    return rc;
  }
  *out = od;
  return EC_OK;
}

int ec_od_transpose(const ec_od *od, ec_od **out, ec_error *err) {
  if (!od || !out)
    return ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL, "no table given");
  *out = NULL;
  ec_od *t = od_alloc(od->ndest, od->norig, od->nnz);
  if (!t)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  for (size_t p = 0; p < od->nnz; p++)
    t->rowptr[od->dest[p] + 1]++;
  size_t maxrow = 0;
  for (size_t j = 0; j < od->ndest; j++) {
    if (t->rowptr[j + 1] > maxrow) maxrow = t->rowptr[j + 1];
    t->rowptr[j + 1] += t->rowptr[j];
  }
  size_t *fill = malloc((od->ndest ? od->ndest : 1) * sizeof *fill);
  pair_t *buf = malloc((maxrow ? maxrow : 1) * sizeof *buf);
  pair_t *tmp = malloc((maxrow ? maxrow : 1) * sizeof *tmp);
  size_t *cnt = malloc((maxrow + 1) * sizeof *cnt);
  if (!fill || !buf || !tmp || !cnt) {
    free(fill);
    free(buf);
    free(tmp);
    free(cnt);
    ec_od_free(t);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  memcpy(fill, t->rowptr, od->ndest * sizeof *fill);
  for (size_t i = 0; i < od->norig; i++)
    for (size_t p = od->rowptr[i]; p < od->rowptr[i + 1]; p++) {
      size_t q = fill[od->dest[p]]++;
      t->dest[q] = (uint32_t)i;
      t->cost[q] = od->cost[p];
    }
  free(fill);
  /* origins arrive in index order; a stable cost sort keeps ties by index */
  for (size_t j = 0; j < od->ndest; j++) {
    size_t b = t->rowptr[j], n = t->rowptr[j + 1] - b;
    int sorted = 1;
    for (size_t q = 1; q < n && sorted; q++)
      if (t->cost[b + q] < t->cost[b + q - 1]) sorted = 0;
    if (sorted) continue;
    for (size_t q = 0; q < n; q++) {
      buf[q].c = t->cost[b + q];
      buf[q].d = t->dest[b + q];
    }
    bucket_sort(buf, n, tmp, cnt, 0);
    for (size_t q = 0; q < n; q++) {
      t->dest[b + q] = buf[q].d;
      t->cost[b + q] = buf[q].c;
    }
  }
  free(buf);
  free(tmp);
  free(cnt);
  *out = t;
  return EC_OK;
}
