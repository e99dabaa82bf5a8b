/* siting_pmedian.c — p-median over sparse rows: greedy, Whitaker's fast
 * interchange with Resende & Werneck's (2004) incremental gain/loss/extra
 * bookkeeping, VNS (Hansen & Mladenovic 1997), and a Lagrangian lower bound
 * (relax the assignment rows; subgradient as in Beasley 1993), whose primal
 * open sets are also used as local-search starts. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siting_internal.h"

double ec__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
  const ec__pm_problem *pb;
  size_t n, m, p, nopen;
  unsigned char *isopen;
  int32_t *slot;   /* site -> slot in openl, -1 when closed */
  uint32_t *openl; /* slot -> site */
  int32_t *f1, *f2; /* nearest / second-nearest open site, -1 = virtual */
  double *d1, *d2;
  double *gain, *loss, *extra; /* extra: m x p, [site * p + slot] */
  size_t *colptr;   /* transpose: site -> clients (any order) */
  uint32_t *colcli;
  double *colcost;
  uint32_t *stamp;  /* per client, for collecting affected clients once */
  uint32_t epoch;
  uint32_t *aff;
  double obj;
} pm_state;

static void st_free(pm_state *s) {
  free(s->isopen);
  free(s->slot);
  free(s->openl);
  free(s->f1);
  free(s->f2);
  free(s->d1);
  free(s->d2);
  free(s->gain);
  free(s->loss);
  free(s->extra);
  free(s->colptr);
  free(s->colcli);
  free(s->colcost);
  free(s->stamp);
  free(s->aff);
}

/* Nearest two open sites of client i (the virtual site caps both). */
static void client_assign(pm_state *s, size_t i) {
  const ec__pm_problem *pb = s->pb;
  int32_t a = -1, b = -1;
  double da = pb->penalty, db = pb->penalty;
  for (size_t k = pb->rowptr[i]; k < pb->rowptr[i + 1]; k++) {
    double c = pb->cost[k];
    if (c >= db) break;
    uint32_t f = pb->dest[k];
    if (!s->isopen[f]) continue;
    if (a < 0 && c < da) {
      a = (int32_t)f;
      da = c;
    } else {
      b = (int32_t)f;
      db = c;
      break;
    }
  }
  if (a < 0) db = da; /* unserved: only the virtual site */
  s->f1[i] = a;
  s->f2[i] = b;
  s->d1[i] = da;
  s->d2[i] = db;
}

static void client_contrib(pm_state *s, size_t i, double sign) {
  const ec__pm_problem *pb = s->pb;
  double w = pb->w[i] * sign, d1 = s->d1[i], d2 = s->d2[i];
  int32_t f1 = s->f1[i];
  if (w == 0) return;
  if (f1 >= 0) s->loss[f1] += w * (d2 - d1);
  double *ex = f1 >= 0 ? s->extra + s->slot[f1] : NULL;
  size_t p = s->p;
  for (size_t k = pb->rowptr[i]; k < pb->rowptr[i + 1]; k++) {
    double c = pb->cost[k];
    if (c >= d2) break;
    uint32_t f = pb->dest[k];
    if (c < d1) s->gain[f] += w * (d1 - c);
    if (ex) ex[(size_t)f * p] += w * (d2 - (c > d1 ? c : d1));
  }
}

static int st_init(pm_state *s, const ec__pm_problem *pb) {
  memset(s, 0, sizeof *s);
  s->pb = pb;
  s->n = pb->n;
  s->m = pb->m;
  s->p = pb->p;
  size_t n = pb->n, m = pb->m, p = pb->p ? pb->p : 1;
  size_t nnz = pb->rowptr[n];
  s->isopen = calloc(m, 1);
  s->slot = malloc(m * sizeof *s->slot);
  s->openl = calloc(p, sizeof *s->openl);
  s->f1 = malloc(n * sizeof *s->f1);
  s->f2 = malloc(n * sizeof *s->f2);
  s->d1 = malloc(n * sizeof *s->d1);
  s->d2 = malloc(n * sizeof *s->d2);
  s->gain = calloc(m, sizeof *s->gain);
  s->loss = calloc(m, sizeof *s->loss);
  s->extra = calloc(m * p, sizeof *s->extra);
  s->colptr = calloc(m + 1, sizeof *s->colptr);
  s->colcli = malloc((nnz ? nnz : 1) * sizeof *s->colcli);
  s->colcost = malloc((nnz ? nnz : 1) * sizeof *s->colcost);
  s->stamp = calloc(n ? n : 1, sizeof *s->stamp);
  s->aff = malloc((n ? n : 1) * sizeof *s->aff);
  if (!s->isopen || !s->slot || !s->openl || !s->f1 || !s->f2 || !s->d1 ||
      !s->d2 || !s->gain || !s->loss || !s->extra || !s->colptr ||
      !s->colcli || !s->colcost || !s->stamp || !s->aff)
    return EC_ERR_NOMEM;
  for (size_t k = 0; k < nnz; k++) s->colptr[pb->dest[k] + 1]++;
  for (size_t j = 0; j < m; j++) s->colptr[j + 1] += s->colptr[j];
  size_t *pos = malloc((m ? m : 1) * sizeof *pos);
  if (!pos) return EC_ERR_NOMEM;
  memcpy(pos, s->colptr, m * sizeof *pos);
  for (size_t i = 0; i < n; i++)
    for (size_t k = pb->rowptr[i]; k < pb->rowptr[i + 1]; k++) {
      size_t q = pos[pb->dest[k]]++;
      s->colcli[q] = (uint32_t)i;
      s->colcost[q] = pb->cost[k];
    }
  free(pos);
  for (size_t j = 0; j < m; j++) s->slot[j] = -1;
  s->obj = 0;
  for (size_t i = 0; i < n; i++) {
    client_assign(s, i);
    client_contrib(s, i, 1.0);
    s->obj += pb->w[i] * s->d1[i];
  }
  return EC_OK;
}

/* Clients whose nearest/second-nearest may change when `in` opens or `out`
 * closes (out may be -1). */
static size_t collect(pm_state *s, int32_t in, int32_t out) {
  size_t na = 0;
  if (++s->epoch == 0) {
    memset(s->stamp, 0, s->n * sizeof *s->stamp);
    s->epoch = 1;
  }
  if (out >= 0)
    for (size_t k = s->colptr[out]; k < s->colptr[out + 1]; k++) {
      uint32_t i = s->colcli[k];
      if ((s->f1[i] == out || s->f2[i] == out) && s->stamp[i] != s->epoch) {
        s->stamp[i] = s->epoch;
        s->aff[na++] = i;
      }
    }
  if (in >= 0)
    for (size_t k = s->colptr[in]; k < s->colptr[in + 1]; k++) {
      uint32_t i = s->colcli[k];
      if (s->colcost[k] < s->d2[i] && s->stamp[i] != s->epoch) {
        s->stamp[i] = s->epoch;
        s->aff[na++] = i;
      }
    }
  return na;
}

/* Open `in` and close `out` (out = -1: just open in a new slot). */
static void st_move(pm_state *s, int32_t in, int32_t out) {
  size_t na = collect(s, in, out);
  const double *w = s->pb->w;
  for (size_t a = 0; a < na; a++) {
    uint32_t i = s->aff[a];
    client_contrib(s, i, -1.0);
    s->obj -= w[i] * s->d1[i];
  }
  int32_t sl;
  if (out >= 0) {
    sl = s->slot[out];
    s->slot[out] = -1;
    s->isopen[out] = 0;
  } else {
    sl = (int32_t)s->nopen++;
  }
  s->slot[in] = sl;
  s->openl[sl] = (uint32_t)in;
  s->isopen[in] = 1;
  for (size_t a = 0; a < na; a++) {
    uint32_t i = s->aff[a];
    client_assign(s, i);
    client_contrib(s, i, 1.0);
    s->obj += w[i] * s->d1[i];
  }
}

static double st_exact_obj(pm_state *s) {
  double o = 0;
  for (size_t i = 0; i < s->n; i++) o += s->pb->w[i] * s->d1[i];
  return o;
}

static double eps_of(double obj) { return 1e-9 * (fabs(obj) + 1.0); }

/* Fast interchange: best improving swap until none. Returns moves made. */
static long local_search(pm_state *s) {
  const ec__pm_problem *pb = s->pb;
  size_t p = s->p, m = s->m;
  long moves = 0;
  double *lossv = malloc((p ? p : 1) * sizeof *lossv);
  if (!lossv) return -1;
  for (;;) {
    if (ec__now() > pb->t_end) break;
    for (size_t sl = 0; sl < p; sl++) {
      uint32_t f = s->openl[sl];
      lossv[sl] = pb->fixed[f] ? HUGE_VAL : s->loss[f];
    }
    double best = eps_of(s->obj);
    int32_t bi = -1, bo = -1;
    for (size_t j = 0; j < m; j++) {
      if (s->isopen[j] || !pb->cand[j]) continue;
      double g = s->gain[j];
      const double *ex = s->extra + j * p;
      for (size_t sl = 0; sl < p; sl++) {
        double pr = g - lossv[sl] + ex[sl];
        if (pr > best) {
          best = pr;
          bi = (int32_t)j;
          bo = (int32_t)s->openl[sl];
        }
      }
    }
    if (bi < 0) break;
    st_move(s, bi, bo);
    moves++;
  }
  free(lossv);
  return moves;
}

/* Move the open set to `target` (p sites) by pairing differences. */
static void st_goto(pm_state *s, const uint32_t *target, unsigned char *mark) {
  size_t p = s->p;
  memset(mark, 0, s->m);
  for (size_t k = 0; k < p; k++) mark[target[k]] = 1;
  size_t ti = 0;
  for (size_t sl = 0; sl < p; sl++) {
    uint32_t f = s->openl[sl];
    if (mark[f]) continue;
    while (ti < p && s->isopen[target[ti]]) ti++;
    if (ti >= p) break;
    st_move(s, (int32_t)target[ti], (int32_t)f);
  }
}

/* Smallest k of v[idx[0..n)] moved to the front (quickselect). */
static void select_k(const double *v, uint32_t *idx, size_t n, size_t k) {
  size_t lo = 0, hi = n;
  while (hi - lo > 1 && k > lo && k < hi) {
    double piv = v[idx[lo + (hi - lo) / 2]];
    size_t i = lo, j = hi - 1;
    while (i <= j) {
      while (v[idx[i]] < piv) i++;
      while (v[idx[j]] > piv) j--;
      if (i <= j) {
        uint32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j + 1) hi = j + 1;
    else if (k >= i) lo = i;
    else break;
  }
}

typedef struct {
  double *lam, *rho, *g;
  uint32_t *idx;
  unsigned char *chosen;
  uint32_t *sol; /* the relaxation's open set (p) */
} lag_ws;

/* One evaluation of the Lagrangian at lam; fills rho, chosen, sol and the
 * subgradient g; returns L(lam). */
static double lag_eval(const ec__pm_problem *pb, lag_ws *ws, size_t nfree_c,
                       double *gnorm) {
  size_t n = pb->n, m = pb->m;
  double L = 0;
  memset(ws->rho, 0, m * sizeof *ws->rho);
  for (size_t i = 0; i < n; i++) {
    double lam = ws->lam[i], w = pb->w[i];
    L += lam;
    double vp = w * pb->penalty - lam;
    if (vp < 0) L += vp;
    for (size_t k = pb->rowptr[i]; k < pb->rowptr[i + 1]; k++) {
      double v = w * pb->cost[k] - lam;
      if (v >= 0) break;
      ws->rho[pb->dest[k]] += v;
    }
  }
  size_t ns = 0, nc = 0;
  memset(ws->chosen, 0, m);
  for (size_t j = 0; j < m; j++) {
    if (pb->fixed[j]) {
      L += ws->rho[j];
      ws->chosen[j] = 1;
      ws->sol[ns++] = (uint32_t)j;
    } else if (pb->cand[j]) {
      ws->idx[nc++] = (uint32_t)j;
    }
  }
  size_t k = pb->p - ns;
  if (k > nc) k = nc;
  select_k(ws->rho, ws->idx, nc, k);
  for (size_t a = 0; a < k; a++) {
    uint32_t j = ws->idx[a];
    L += ws->rho[j];
    ws->chosen[j] = 1;
    ws->sol[ns++] = j;
  }
  (void)nfree_c;
  double nrm = 0;
  for (size_t i = 0; i < n; i++) {
    double lam = ws->lam[i], w = pb->w[i];
    double gi = 1.0;
    if (w * pb->penalty < lam) gi -= 1.0;
    for (size_t kk = pb->rowptr[i]; kk < pb->rowptr[i + 1]; kk++) {
      if (w * pb->cost[kk] - lam >= 0) break;
      if (ws->chosen[pb->dest[kk]]) gi -= 1.0;
    }
    ws->g[i] = gi;
    nrm += gi * gi;
  }
  *gnorm = nrm;
  return L;
}

static double round_lb(const ec__pm_problem *pb, double L) {
  if (!pb->integral) return L;
  return ceil(L - 1e-7 * (1.0 + fabs(L)));
}

int ec__pmedian_solve(const ec__pm_problem *pb, uint32_t *open_out,
                      double *obj, double *lb, long *iters, ec_error *err) {
  pm_state s;
  lag_ws ws = {0};
  unsigned char *mark = NULL;
  uint32_t *best = NULL;
  long it = 0;
  int rc = st_init(&s, pb);
  size_t n = pb->n, m = pb->m, p = pb->p;
  if (rc) goto nomem;
  mark = malloc(m ? m : 1);
  best = malloc((p ? p : 1) * sizeof *best);
  ws.lam = malloc((n ? n : 1) * sizeof(double));
  ws.g = malloc((n ? n : 1) * sizeof(double));
  ws.rho = malloc((m ? m : 1) * sizeof(double));
  ws.idx = malloc((m ? m : 1) * sizeof(uint32_t));
  ws.chosen = malloc(m ? m : 1);
  ws.sol = malloc((p ? p : 1) * sizeof(uint32_t));
  if (!mark || !best || !ws.lam || !ws.g || !ws.rho || !ws.idx ||
      !ws.chosen || !ws.sol)
    goto nomem;

  /* Fixed sites, then greedy additions by largest gain. */
  size_t nfree = 0;
  for (size_t j = 0; j < m; j++)
    if (pb->fixed[j]) st_move(&s, (int32_t)j, -1);
    else if (pb->cand[j]) nfree++;
  while (s.nopen < p) {
    int32_t bj = -1;
    double bg = -1;
    for (size_t j = 0; j < m; j++)
      if (!s.isopen[j] && pb->cand[j] && s.gain[j] > bg) {
        bg = s.gain[j];
        bj = (int32_t)j;
      }
    if (bj < 0) break;
    st_move(&s, bj, -1);
    it++;
  }
  it += local_search(&s);
  s.obj = st_exact_obj(&s);
  double best_obj = s.obj;
  memcpy(best, s.openl, p * sizeof *best);
  size_t nswap_free = s.nopen;
  for (size_t j = 0; j < m; j++)
    if (pb->fixed[j]) nswap_free--;
  size_t nclosed = nfree - nswap_free;

  /* Lagrangian state, warm-started at each client's cost in the heuristic. */
  for (size_t i = 0; i < n; i++) ws.lam[i] = pb->w[i] * s.d1[i];
  double bestL = -HUGE_VAL, pi = 2.0;
  int lag_noimp = 0;
  int maxni = pb->max_no_improve > 0 ? pb->max_no_improve : 0;
  if (!maxni) maxni = (int)(p < 10 ? 50 : p > 100 ? 200 : 5 * p);

  for (int round = 0; round < 8; round++) {
    /* VNS: shake k random swaps, local search, keep if better. */
    if (nswap_free > 0 && nclosed > 0) {
      size_t kmax = nswap_free < 10 ? nswap_free : 10;
      if (kmax > nclosed) kmax = nclosed;
      size_t k = 1;
      int noimp = 0;
      /* leave most of the budget to the bound and later rounds */
      double t_vns = ec__now() + 0.4 * (pb->t_end - ec__now());
      while (noimp < maxni && ec__now() < t_vns) {
        for (size_t a = 0; a < k; a++) {
          uint32_t out;
          do out = s.openl[gsl_rng_uniform_int(pb->rng, p)];
          while (pb->fixed[out]);
          uint32_t in;
          do in = (uint32_t)gsl_rng_uniform_int(pb->rng, m);
          while (s.isopen[in] || !pb->cand[in]);
          st_move(&s, (int32_t)in, (int32_t)out);
        }
        it += local_search(&s);
        if (s.obj < best_obj - eps_of(best_obj)) {
          s.obj = st_exact_obj(&s);
          best_obj = s.obj;
          memcpy(best, s.openl, p * sizeof *best);
          k = 1;
          noimp = 0;
        } else {
          st_goto(&s, best, mark);
          s.obj = best_obj;
          k = k % kmax + 1;
          noimp++;
        }
        if (round_lb(pb, bestL) >= best_obj - eps_of(best_obj)) break;
      }
    }
    if (round_lb(pb, bestL) >= best_obj - eps_of(best_obj)) break;
    /* Subgradient optimisation of the Lagrangian bound. */
    int maxit = round == 0 ? 600 : 300;
    for (int t = 0; t < maxit && ec__now() < pb->t_end; t++) {
      double gn;
      double L = lag_eval(pb, &ws, nfree, &gn);
      it++;
      if (L > bestL + 1e-12 * (1 + fabs(L))) {
        bestL = L;
        lag_noimp = 0;
        /* Lagrangian heuristic: local search from the relaxation's sites. */
        if (t % 5 == 0 && ws.sol && nswap_free > 0) {
          st_goto(&s, ws.sol, mark);
          it += local_search(&s);
          s.obj = st_exact_obj(&s);
          if (s.obj < best_obj - eps_of(best_obj)) {
            best_obj = s.obj;
            memcpy(best, s.openl, p * sizeof *best);
          } else {
            st_goto(&s, best, mark);
            s.obj = best_obj;
          }
        }
      } else if (++lag_noimp >= 30) {
        pi /= 2;
        lag_noimp = 0;
      }
      if (round_lb(pb, bestL) >= best_obj - eps_of(best_obj)) break;
      if (gn == 0 || pi < 1e-5) break;
      double step = pi * (1.01 * best_obj - L) / gn;
      for (size_t i = 0; i < n; i++) ws.lam[i] += step * ws.g[i];
    }
    if (round_lb(pb, bestL) >= best_obj - eps_of(best_obj)) break;
    if (ec__now() > pb->t_end) break;
    if (pi < 1e-5) pi = 0.5; /* restart the step from the best multipliers */
  }
  memcpy(open_out, best, p * sizeof *best);
  *obj = best_obj;
  double L = round_lb(pb, bestL);
  if (L > best_obj) L = best_obj;
  *lb = L;
  *iters = it;
  rc = EC_OK;
  goto done;
nomem:
  rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                    "out of memory in the p-median solver (%zu sites x %zu "
                    "open needs %.0f MB)",
                    m, p, (double)m * (double)p * 8.0 / 1e6);
done:
  st_free(&s);
  free(mark);
  free(best);
  free(ws.lam);
  free(ws.g);
  free(ws.rho);
  free(ws.idx);
  free(ws.chosen);
  free(ws.sol);
  return rc;
}
