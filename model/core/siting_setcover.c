/* siting_setcover.c — unicost set cover by Lagrangian relaxation and branch
 * and bound (after Beasley 1990, "A Lagrangian heuristic for set-covering
 * problems", and Caprara, Fischetti & Toth 1999).
 *
 * Relaxing "row i covered" with multipliers u_i >= 0 gives
 *   L(u) = sum_i u_i + sum_j min(0, 1 - sum_{i in j} u_i),
 * a lower bound for every u; subgradient steps raise it. Reduced costs
 * rc_j = 1 - sum_{i in j} u_i drive a greedy cover (CFT score), and columns
 * whose reduced cost proves that using (or not using) them cannot beat the
 * target are fixed. The tree branches on the uncovered row with the fewest
 * free columns: child k opens its k-th column (by reduced cost) and closes
 * the earlier ones, so children are disjoint and the search is complete.
 * Costs are unit, so a node is pruned when ceil(L) exceeds the target T =
 * min(best - 1, cap). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "siting_internal.h"
#include "siting_setcover.h"

#define SC_EPS 1e-6
/* Multiplier copies kept per tree depth: cap the memory (doubles). */
#define SC_USTACK_MAX ((size_t)4 << 20)

enum { SG_OPEN = 0, SG_PRUNED = 1, SG_STOP = 2 };

typedef struct {
  const ec__sc_matrix *a;
  size_t n, m;
  unsigned char *st;     /* per column: 0 free, 1 in, 2 out */
  uint32_t *cov, *avail; /* per row: in columns covering it, free ones */
  size_t nact, nin;      /* uncovered rows, columns in */
  uint32_t *trail;       /* columns whose state changed, for undo */
  size_t ntrail;
  double *u, *ub, *rc; /* multipliers, best ones at the node, reduced costs */
  uint32_t *cnt;       /* per row scratch (subgradient) */
  /* heuristic scratch */
  uint32_t *hcov, *hmu, *hsel;
  double *hg, *hval;
  unsigned char *hin;
  uint32_t *best;
  size_t nbest, stop_at, T; /* T: largest cover size still wanted */
  int root_only, truncated;
  double **ustk;
  size_t nstk, ustk_used;
  double t_end;
  int timeout, done;
  double root_L;
  long nodes, iters;
} eng;

static void col_in(eng *e, uint32_t j) {
  const ec__sc_matrix *a = e->a;
  e->st[j] = 1;
  e->trail[e->ntrail++] = j;
  e->nin++;
  for (size_t k = a->cp[j]; k < a->cp[j + 1]; k++) {
    uint32_t r = a->ci[k];
    e->avail[r]--;
    if (e->cov[r]++ == 0) e->nact--;
  }
}

static void col_out(eng *e, uint32_t j) {
  const ec__sc_matrix *a = e->a;
  e->st[j] = 2;
  e->trail[e->ntrail++] = j;
  for (size_t k = a->cp[j]; k < a->cp[j + 1]; k++)
    e->avail[a->ci[k]]--;
}

static void undo(eng *e, size_t mark) {
  const ec__sc_matrix *a = e->a;
  while (e->ntrail > mark) {
    uint32_t j = e->trail[--e->ntrail];
    if (e->st[j] == 1) {
      e->nin--;
      for (size_t k = a->cp[j]; k < a->cp[j + 1]; k++) {
        uint32_t r = a->ci[k];
        e->avail[r]++;
        if (--e->cov[r] == 0) e->nact++;
      }
    } else {
      for (size_t k = a->cp[j]; k < a->cp[j + 1]; k++)
        e->avail[a->ci[k]]++;
    }
    e->st[j] = 0;
  }
}

static void record(eng *e, const uint32_t *sel, size_t k) {
  if (e->nbest != SIZE_MAX && k >= e->nbest) return;
  memcpy(e->best, sel, k * sizeof *sel);
  e->nbest = k;
  if (k == 0) {
    e->done = 1;
    return;
  }
  if (k - 1 < e->T) e->T = k - 1;
  if (k <= e->stop_at) e->done = 1;
}

/* The columns in form a cover: record it. */
static void record_in(eng *e) {
  size_t k = 0;
  for (size_t j = 0; j < e->m; j++)
    if (e->st[j] == 1) e->hsel[k++] = (uint32_t)j;
  record(e, e->hsel, k);
}

/* Rows with one free column force it; a row with none is infeasible.
 * Returns 0 when the node cannot hold a cover of <= T columns. */
static int propagate(eng *e) {
  const ec__sc_matrix *a = e->a;
  int changed = 1;
  while (changed) {
    changed = 0;
    if (e->nin > e->T) return 0;
    if (e->nact == 0) return 1;
    if (e->nin + 1 > e->T) return 0;
    for (size_t r = 0; r < e->n; r++) {
      if (e->cov[r] || e->avail[r] > 1) continue;
      if (e->avail[r] == 0) return 0;
      for (size_t k = a->rp[r]; k < a->rp[r + 1]; k++)
        if (e->st[a->ri[k]] == 0) {
          col_in(e, a->ri[k]);
          changed = 1;
          break;
        }
      if (e->nin > e->T) return 0;
    }
  }
  return 1;
}

static int cmp_val(const void *x, const void *y, const double *v) {
  double a = v[*(const uint32_t *)x], b = v[*(const uint32_t *)y];
  if (a < b) return -1;
  if (a > b) return 1;
  uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
  return (p > q) - (p < q);
}

/* qsort has no context argument in C17: a file-scope pointer, set just
 * before each sort (single-threaded use within one solve). */
static _Thread_local const double *sort_key;
static int cmp_key(const void *x, const void *y) {
  return cmp_val(x, y, sort_key);
}

/* Greedy cover from the node's in columns using multipliers u (CFT score:
 * gamma/mu when gamma > 0, gamma*mu otherwise, gamma = 1 - sum of u over
 * the uncovered rows a column covers, mu = their number), then drop
 * redundant columns, least valuable (sum of u) first. */
static void heuristic(eng *e, const double *u) {
  const ec__sc_matrix *a = e->a;
  size_t n = e->n, m = e->m, k = 0, unc = 0;
  for (size_t r = 0; r < n; r++) {
    e->hcov[r] = e->cov[r];
    unc += e->cov[r] == 0;
  }
  for (size_t j = 0; j < m; j++) {
    e->hin[j] = e->st[j] == 1;
    if (e->hin[j]) e->hsel[k++] = (uint32_t)j;
    double g = 1;
    uint32_t mu = 0;
    if (e->st[j] == 0)
      for (size_t t = a->cp[j]; t < a->cp[j + 1]; t++) {
        uint32_t r = a->ci[t];
        if (!e->hcov[r]) {
          mu++;
          g -= u[r];
        }
      }
    e->hmu[j] = mu;
    e->hg[j] = g;
  }
  while (unc > 0) {
    double bs = HUGE_VAL;
    uint32_t bj = UINT32_MAX;
    for (size_t j = 0; j < m; j++) {
      if (e->hin[j] || e->hmu[j] == 0 || e->st[j] != 0) continue;
      double g = e->hg[j], sc = g > 0 ? g / e->hmu[j] : g * e->hmu[j];
      if (sc < bs) {
        bs = sc;
        bj = (uint32_t)j;
      }
    }
    if (bj == UINT32_MAX) return; /* the node's free columns cannot cover */
    e->hin[bj] = 1;
    e->hsel[k++] = bj;
    for (size_t t = a->cp[bj]; t < a->cp[bj + 1]; t++) {
      uint32_t r = a->ci[t];
      if (e->hcov[r]++ != 0) continue;
      unc--;
      for (size_t q = a->rp[r]; q < a->rp[r + 1]; q++) {
        uint32_t c = a->ri[q];
        if (e->hin[c]) continue;
        e->hmu[c]--;
        e->hg[c] += u[r];
      }
    }
  }
  /* redundancy removal */
  for (size_t q = 0; q < k; q++) {
    uint32_t j = e->hsel[q];
    double v = 0;
    for (size_t t = a->cp[j]; t < a->cp[j + 1]; t++)
      v += u[a->ci[t]];
    e->hval[j] = v;
  }
  sort_key = e->hval;
  qsort(e->hsel, k, sizeof *e->hsel, cmp_key);
  size_t kk = 0;
  for (size_t q = 0; q < k; q++) {
    uint32_t j = e->hsel[q];
    int red = 1;
    for (size_t t = a->cp[j]; t < a->cp[j + 1] && red; t++)
      if (e->hcov[a->ci[t]] < 2) red = 0;
    if (red) {
      for (size_t t = a->cp[j]; t < a->cp[j + 1]; t++)
        e->hcov[a->ci[t]]--;
    } else {
      e->hsel[kk++] = j;
    }
  }
  record(e, e->hsel, kk);
}

/* L(u) at the node; fills rc for free columns. */
static double lagr(eng *e, const double *u) {
  const ec__sc_matrix *a = e->a;
  double L = (double)e->nin;
  for (size_t r = 0; r < e->n; r++)
    if (!e->cov[r]) L += u[r];
  for (size_t j = 0; j < e->m; j++) {
    if (e->st[j]) continue;
    double c = 1;
    for (size_t t = a->cp[j]; t < a->cp[j + 1]; t++) {
      uint32_t r = a->ci[t];
      if (!e->cov[r]) c -= u[r];
    }
    e->rc[j] = c;
    if (c < 0) L += c;
  }
  return L;
}

typedef struct {
  int itmax, stall, heur_every;
  double f0, fmin;
} sg_par;

/* Subgradient at the node from e->u; e->ub gets the best multipliers and
 * *Lb the best bound. Fixes columns by reduced cost against T (on the
 * trail, undone with the node). */
static int subgradient(eng *e, const sg_par *sp, double *Lb) {
  const ec__sc_matrix *a = e->a;
  double Lbest = -HUGE_VAL, f = sp->f0;
  int stall = 0;
  memcpy(e->ub, e->u, e->n * sizeof *e->u);
  for (int it = 0; it < sp->itmax; it++) {
    if (ec__now() > e->t_end) {
      e->timeout = 1;
      e->done = 1;
    }
    if (e->done) break;
    if (e->nact == 0) {
      record_in(e);
      return SG_PRUNED;
    }
    double L = lagr(e, e->u);
    e->iters++;
    if (L > Lbest + 1e-9) {
      Lbest = L;
      memcpy(e->ub, e->u, e->n * sizeof *e->u);
      stall = 0;
    } else {
      stall++;
    }
    *Lb = Lbest;
    if (Lbest > (double)e->T + SC_EPS) return SG_PRUNED;
    /* reduced-cost fixing */
    int fixed = 0;
    for (size_t j = 0; j < e->m; j++) {
      if (e->st[j]) continue;
      double c = e->rc[j];
      if (c >= 0 && L + c > (double)e->T + SC_EPS) {
        col_out(e, (uint32_t)j);
        fixed = 1;
      } else if (c < 0 && L - c > (double)e->T + SC_EPS) {
        col_in(e, (uint32_t)j);
        fixed = 1;
      }
    }
    if (fixed && !propagate(e)) return SG_PRUNED;
    if (e->nact == 0) {
      record_in(e);
      return SG_PRUNED;
    }
    if (sp->heur_every > 0 && it % sp->heur_every == 0) {
      heuristic(e, e->u);
      if (e->done) break;
      if (Lbest > (double)e->T + SC_EPS) return SG_PRUNED;
    }
    /* subgradient s_r = 1 - (columns with rc < 0 covering r) */
    for (size_t r = 0; r < e->n; r++)
      e->cnt[r] = 0;
    for (size_t j = 0; j < e->m; j++) {
      if (e->st[j] || e->rc[j] >= 0) continue;
      for (size_t t = a->cp[j]; t < a->cp[j + 1]; t++)
        e->cnt[a->ci[t]]++;
    }
    double norm = 0;
    for (size_t r = 0; r < e->n; r++) {
      if (e->cov[r]) continue;
      double s = 1.0 - e->cnt[r];
      if (s < 0 && e->u[r] <= 0) s = 0;
      norm += s * s;
    }
    if (norm == 0) {
      /* the relaxed solution covers every row: with rc = 0 terms it may
       * differ from L by ties, so only use it as a cover */
      size_t k = 0;
      for (size_t j = 0; j < e->m; j++)
        if (e->st[j] == 1 || (e->st[j] == 0 && e->rc[j] < 0))
          e->hsel[k++] = (uint32_t)j;
      int all = 1;
      for (size_t r = 0; r < e->n && all; r++)
        if (!e->cov[r] && !e->cnt[r]) all = 0;
      if (all) record(e, e->hsel, k);
      if (e->done || Lbest > (double)e->T + SC_EPS) return SG_PRUNED;
      break;
    }
    if (stall >= sp->stall) {
      f *= 0.5;
      stall = 0;
      if (f < sp->fmin) break;
    }
    double target = 1.05 * ((double)e->T + 1.0);
    if (target < L + 0.5) target = L + 0.5;
    double step = f * (target - L) / norm;
    for (size_t r = 0; r < e->n; r++) {
      if (e->cov[r]) continue;
      double s = 1.0 - e->cnt[r];
      double v = e->u[r] + step * s;
      e->u[r] = v > 0 ? v : 0;
    }
  }
  if (e->done) return SG_STOP;
  return Lbest > (double)e->T + SC_EPS ? SG_PRUNED : SG_OPEN;
}

static const sg_par root_par = {
    .itmax = 3000, .stall = 20, .heur_every = 5, .f0 = 2.0, .fmin = 0.002};
static const sg_par node_par = {
    .itmax = 300, .stall = 8, .heur_every = 0, .f0 = 0.25, .fmin = 0.01};

static double *ustk_at(eng *e, size_t depth) {
  if (depth < e->nstk && e->ustk[depth]) return e->ustk[depth];
  if (depth >= e->nstk) {
    size_t nn = e->nstk ? 2 * e->nstk : 64;
    while (nn <= depth)
      nn *= 2;
    double **p = realloc(e->ustk, nn * sizeof *p);
    if (!p) return NULL;
    for (size_t k = e->nstk; k < nn; k++)
      p[k] = NULL;
    e->ustk = p;
    e->nstk = nn;
  }
  if (e->ustk_used + e->n > SC_USTACK_MAX) return NULL;
  e->ustk[depth] = malloc(e->n * sizeof(double));
  if (e->ustk[depth]) e->ustk_used += e->n;
  return e->ustk[depth];
}

static void node(eng *e, size_t depth) {
  const ec__sc_matrix *a = e->a;
  if (e->done) return;
  e->nodes++;
  size_t mark = e->ntrail;
  if (!propagate(e)) goto out;
  if (e->nact == 0) {
    record_in(e);
    goto out;
  }
  double Lb = -HUGE_VAL;
  int r = subgradient(e, depth == 0 ? &root_par : &node_par, &Lb);
  if (depth == 0 && Lb > e->root_L) e->root_L = Lb;
  if (r != SG_OPEN || e->done) goto out;
  if (e->root_only) {
    heuristic(e, e->ub);
    if (!e->done && Lb <= (double)e->T + SC_EPS) e->truncated = 1;
    goto out;
  }
  heuristic(e, e->ub);
  if (e->done || Lb > (double)e->T + SC_EPS) goto out;
  if (!propagate(e)) goto out;
  if (e->nact == 0) {
    record_in(e);
    goto out;
  }
  /* branching row: fewest free columns, then the largest multiplier */
  size_t br = SIZE_MAX;
  for (size_t i = 0; i < e->n; i++) {
    if (e->cov[i]) continue;
    if (br == SIZE_MAX || e->avail[i] < e->avail[br] ||
        (e->avail[i] == e->avail[br] && e->ub[i] > e->ub[br]))
      br = i;
  }
  size_t nc = 0;
  uint32_t *cols = malloc(e->avail[br] * sizeof *cols);
  if (!cols) {
    e->done = 1; /* out of memory: stop with what we have */
    e->timeout = 1;
    goto out;
  }
  for (size_t k = a->rp[br]; k < a->rp[br + 1]; k++) {
    uint32_t j = a->ri[k];
    if (e->st[j] != 0) continue;
    double c = 1;
    for (size_t t = a->cp[j]; t < a->cp[j + 1]; t++)
      if (!e->cov[a->ci[t]]) c -= e->ub[a->ci[t]];
    e->rc[j] = c;
    cols[nc++] = j;
  }
  sort_key = e->rc;
  qsort(cols, nc, sizeof *cols, cmp_key);
  double *save = ustk_at(e, depth);
  if (save) memcpy(save, e->ub, e->n * sizeof *save);
  for (size_t q = 0; q < nc && !e->done; q++) {
    uint32_t j = cols[q];
    if (e->st[j] != 0) continue;
    size_t m2 = e->ntrail;
    col_in(e, j);
    if (save) memcpy(e->u, save, e->n * sizeof *save);
    node(e, depth + 1);
    undo(e, m2);
    if (e->done) break;
    col_out(e, j);
    if (e->avail[br] == 0 || e->nin + 1 > e->T) break;
  }
  free(cols);
out:
  undo(e, mark);
}

int ec__sc_solve(const ec__sc_matrix *a, size_t cap, size_t stop_at,
                 int root_only, double t_end, uint32_t *best,
                 ec__sc_stats *st) {
  size_t n = a->n, m = a->m;
  memset(st, 0, sizeof *st);
  st->nbest = SIZE_MAX;
  st->proven = 1;
  if (n == 0) {
    st->nbest = 0;
    return EC_OK;
  }
  for (size_t r = 0; r < n; r++)
    if (a->rp[r + 1] == a->rp[r]) {
      st->lower = SIZE_MAX;
      return EC_OK;
    }
  eng e;
  memset(&e, 0, sizeof e);
  e.a = a;
  e.n = n;
  e.m = m;
  e.best = best;
  e.nbest = SIZE_MAX;
  e.stop_at = stop_at;
  e.root_only = root_only;
  e.T = cap < m ? cap : m;
  e.t_end = t_end;
  e.root_L = -HUGE_VAL;
  size_t nn = n ? n : 1, mm = m ? m : 1;
  e.st = calloc(mm, 1);
  e.cov = calloc(nn, sizeof *e.cov);
  e.avail = malloc(nn * sizeof *e.avail);
  e.trail = malloc(2 * mm * sizeof *e.trail);
  e.u = malloc(nn * sizeof *e.u);
  e.ub = malloc(nn * sizeof *e.ub);
  e.rc = malloc(mm * sizeof *e.rc);
  e.cnt = malloc(nn * sizeof *e.cnt);
  e.hcov = malloc(nn * sizeof *e.hcov);
  e.hmu = malloc(mm * sizeof *e.hmu);
  e.hsel = malloc(mm * sizeof *e.hsel);
  e.hg = malloc(mm * sizeof *e.hg);
  e.hval = malloc(mm * sizeof *e.hval);
  e.hin = malloc(mm);
  int rc = EC_OK;
  if (!e.st || !e.cov || !e.avail || !e.trail || !e.u || !e.ub || !e.rc ||
      !e.cnt || !e.hcov || !e.hmu || !e.hsel || !e.hg || !e.hval || !e.hin) {
    rc = EC_ERR_NOMEM;
    goto out;
  }
  e.nact = n;
  for (size_t r = 0; r < n; r++)
    e.avail[r] = (uint32_t)(a->rp[r + 1] - a->rp[r]);
  /* plain greedy first (u = 0: score 1/mu), then the Beasley start u */
  memset(e.u, 0, n * sizeof *e.u);
  heuristic(&e, e.u);
  for (size_t r = 0; r < n; r++) {
    double b = HUGE_VAL;
    for (size_t k = a->rp[r]; k < a->rp[r + 1]; k++) {
      uint32_t j = a->ri[k];
      double v = 1.0 / (double)(a->cp[j + 1] - a->cp[j]);
      if (v < b) b = v;
    }
    e.u[r] = b;
  }
  if (!e.done) heuristic(&e, e.u);
  if (!e.done) node(&e, 0);
  st->nbest = e.nbest;
  st->nodes = e.nodes;
  st->iters = e.iters;
  /* trivial bound: some row needs a column */
  size_t lroot = 1;
  if (e.root_L > -HUGE_VAL) {
    double c = ceil(e.root_L - SC_EPS);
    if (c > (double)lroot) lroot = (size_t)c;
  }
  size_t tp1 = e.T + 1;
  if (e.timeout || e.truncated) {
    st->proven = 0;
    st->lower = lroot < tp1 ? lroot : tp1;
  } else if (e.nbest != SIZE_MAX && e.nbest <= stop_at) {
    st->proven = 1;
    st->lower = lroot < tp1 ? lroot : tp1;
  } else {
    st->proven = 1; /* search complete: no cover of <= T columns */
    st->lower = tp1;
  }
  if (e.nbest != SIZE_MAX && st->lower > e.nbest) st->lower = e.nbest;
out:
  for (size_t k = 0; k < e.nstk; k++)
    free(e.ustk[k]);
  free(e.ustk);
  free(e.st);
  free(e.cov);
  free(e.avail);
  free(e.trail);
  free(e.u);
  free(e.ub);
  free(e.rc);
  free(e.cnt);
  free(e.hcov);
  free(e.hmu);
  free(e.hsel);
  free(e.hg);
  free(e.hval);
  free(e.hin);
  return rc;
}
