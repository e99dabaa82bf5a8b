/* siting_cpmp.c — capacitated p-median, single source.
 *
 * Bound: Lagrangian relaxation of the assignment rows (sum_j x_ij = 1, price
 * lam_i); each site's subproblem is a 0-1 knapsack over its capacity (exact DP
 * for integer capacity use, else the LP bound, still valid), and the p sites
 * with the best knapsack values open. Subgradient with Polyak steps towards
 * the best answer, the step halved after 30 steps without progress and the
 * multipliers kept at or above each client's cheapest cost.
 * Reduced-cost tests on the knapsack values close sites that cannot be in a
 * better answer (or must be), which also prunes the search.
 * Heuristic: the open set of every distinct Lagrangian subproblem is a start
 * (Beasley 1993's Lagrangian heuristic); each open set is assigned by a
 * regret greedy, then shift / swap / ejection-chain moves (generalised
 * assignment local search, overload penalised). Site swaps with candidates
 * near the served clients, then VNS shakes from the best set; every
 * improvement re-tightens the bound with a short subgradient run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_siting.h"
#include "siting_internal.h"

#define NEAR_K 8     /* swap partners: this many nearest sites per client */
#define SEEN_BITS 15 /* open sets already assigned (Zobrist hash table) */

/* ---- generalised assignment for a given open set ----------------------- */

typedef struct {
  const ec__cpmp_problem *pb;
  size_t n, m, p;
  double *C;       /* n x p: cost of client i at open slot s (HUGE_VAL: none) */
  uint32_t *ord;   /* n x p: reachable slots of client i by cost */
  uint32_t *cnt;   /* per client: number of reachable slots */
  uint32_t *f1, *f2; /* greedy: first / second slot with room, index in ord */
  double *res;     /* residual capacity per slot */
  uint32_t *a;     /* slot per client */
  unsigned char *done;
  unsigned char *mark; /* clients already moved in the current chain */
  uint32_t *a2;        /* saved assignment / residuals for the ILS */
  double *res2;
  double big;          /* overload penalty of the current open set */
  int32_t *slotof; /* site -> slot for the current evaluation, else -1 */
  long evals;
} cp_ws;

static double ov(double r) { return r < 0 ? -r : 0; }

/* Fill C/ord for the open set; returns 0 if a client reaches no open site. */
static int ws_build(cp_ws *ws, const uint32_t *open) {
  const ec__pm_problem *pm = &ws->pb->pm;
  size_t n = ws->n, p = ws->p;
  int ok = 1;
  for (size_t s = 0; s < p; s++) ws->slotof[open[s]] = (int32_t)s;
  for (size_t i = 0; i < n; i++) {
    double *Ci = ws->C + i * p;
    uint32_t *oi = ws->ord + i * p, c = 0;
    for (size_t s = 0; s < p; s++) Ci[s] = HUGE_VAL;
    for (size_t k = pm->rowptr[i]; k < pm->rowptr[i + 1]; k++) {
      int32_t s = ws->slotof[pm->dest[k]];
      if (s >= 0 && Ci[s] == HUGE_VAL) { /* rows are sorted by cost */
        Ci[s] = pm->w[i] * pm->cost[k];
        oi[c++] = (uint32_t)s;
      }
    }
    ws->cnt[i] = c;
    if (!c) ok = 0;
  }
  for (size_t s = 0; s < p; s++) ws->slotof[open[s]] = -1;
  return ok;
}

/* Largest regret first: the client that loses most if its best site with
 * room fills. Residuals only fall, so each client's pointers only advance. */
static void regret_greedy(cp_ws *ws) {
  const double *q = ws->pb->q;
  size_t n = ws->n, p = ws->p;
  memset(ws->done, 0, n);
  memset(ws->f1, 0, n * sizeof *ws->f1);
  memset(ws->f2, 0, n * sizeof *ws->f2);
  for (size_t step = 0; step < n; step++) {
    double breg = -1;
    size_t bi = SIZE_MAX, bs = 0;
    for (size_t i = 0; i < n; i++) {
      if (ws->done[i]) continue;
      const uint32_t *oi = ws->ord + i * p;
      uint32_t c = ws->cnt[i], f1 = ws->f1[i], f2;
      while (f1 < c && ws->res[oi[f1]] < q[i]) f1++;
      ws->f1[i] = f1;
      f2 = ws->f2[i] > f1 ? ws->f2[i] : f1 + 1;
      while (f2 < c && ws->res[oi[f2]] < q[i]) f2++;
      ws->f2[i] = f2;
      double reg;
      size_t s1;
      if (f1 >= c) {
        /* no room anywhere: overload the roomiest reachable site for now,
         * the local search removes overload first */
        double br = -HUGE_VAL;
        s1 = oi[0];
        for (uint32_t t = 0; t < c; t++)
          if (ws->res[oi[t]] > br) {
            br = ws->res[oi[t]];
            s1 = oi[t];
          }
        reg = HUGE_VAL;
      } else {
        s1 = oi[f1];
        reg = f2 >= c ? HUGE_VAL
                      : ws->C[i * p + oi[f2]] - ws->C[i * p + oi[f1]];
      }
      if (bi == SIZE_MAX || reg > breg || (reg == breg && q[i] > q[bi])) {
        breg = reg;
        bi = i;
        bs = s1;
      }
    }
    ws->done[bi] = 1;
    ws->a[bi] = (uint32_t)bs;
    ws->res[bs] -= q[bi];
  }
}

#define CHAIN_D 3 /* ejection-chain length (moves) */

/* Client x is floating (its capacity use already returned to its slot
 * a[x]); place it where the chain's cost change d stays negative, ejecting
 * a client to continue the chain when the target is full. Applies the chain
 * and returns 1 on success; leaves everything unchanged on failure. */
static int chain(cp_ws *ws, size_t x, double d, int depth) {
  const double *q = ws->pb->q;
  size_t n = ws->n, p = ws->p;
  double *C = ws->C, *res = ws->res;
  uint32_t *a = ws->a, o = a[x];
  const uint32_t *ox = ws->ord + x * p;
  for (uint32_t u = 0; u < ws->cnt[x]; u++) {
    uint32_t s = ox[u];
    double dd = d + C[x * p + s] - C[x * p + o];
    if (!(dd < -1e-9)) break; /* sorted by cost: later slots cost more */
    if (s == o) continue;
    if (res[s] >= q[x]) {
      res[s] -= q[x];
      a[x] = s;
      return 1;
    }
    if (depth >= CHAIN_D) continue;
    for (size_t k = 0; k < n; k++) {
      if (a[k] != s || ws->mark[k] || res[s] + q[k] < q[x]) continue;
      res[s] += q[k] - q[x];
      a[x] = s;
      ws->mark[k] = 1;
      int ok = chain(ws, k, dd, depth + 1);
      ws->mark[k] = 0;
      if (ok) return 1;
      a[x] = o;
      res[s] -= q[k] - q[x];
    }
  }
  return 0;
}

/* Shift, swap and (deep) ejection-chain moves until none improves the cost
 * plus big * overload. */
static void gap_local(cp_ws *ws, int deep, double big) {
  const double *q = ws->pb->q;
  size_t n = ws->n, p = ws->p;
  double *C = ws->C, *res = ws->res;
  uint32_t *a = ws->a;
  for (int improved = 1; improved;) {
    improved = 0;
    for (size_t i = 0; i < n; i++) {
      size_t cur = a[i];
      const uint32_t *oi = ws->ord + i * p;
      for (uint32_t t = 0; t < ws->cnt[i]; t++) {
        size_t s = oi[t];
        if (s == cur) continue;
        double d = C[i * p + s] - C[i * p + cur] +
                   big * (ov(res[cur] + q[i]) - ov(res[cur]) +
                          ov(res[s] - q[i]) - ov(res[s]));
        if (d < -1e-9) {
          res[cur] += q[i];
          res[s] -= q[i];
          a[i] = (uint32_t)s;
          cur = s;
          improved = 1;
        }
      }
    }
    for (size_t i = 0; i < n; i++)
      for (size_t k = i + 1; k < n; k++) {
        size_t ai = a[i], ak = a[k];
        if (ai == ak) continue;
        double d = C[i * p + ak] + C[k * p + ai] - C[i * p + ai] - C[k * p + ak];
        if (!(d < HUGE_VAL)) continue;
        double dq = q[i] - q[k];
        d += big * (ov(res[ak] - dq) - ov(res[ak]) + ov(res[ai] + dq) -
                    ov(res[ai]));
        if (!(d < -1e-9)) continue;
        res[ak] -= dq;
        res[ai] += dq;
        a[i] = (uint32_t)ak;
        a[k] = (uint32_t)ai;
        improved = 1;
      }
    if (!deep || improved) continue;
    /* Ejection chains: i moves to a cheaper site, ejecting a client there,
     * which moves on, ... (at most CHAIN_D moves, the running change in
     * cost negative at every link, as in Lin-Kernighan). */
    for (size_t i = 0; i < n && !improved; i++) {
      res[a[i]] += q[i];
      ws->mark[i] = 1;
      improved = chain(ws, i, 0, 1);
      ws->mark[i] = 0;
      if (!improved) res[a[i]] -= q[i];
    }
  }
}

/* Cost of the best assignment found for the open set (HUGE_VAL: none). */
static double assign_eval(cp_ws *ws, const uint32_t *open, int deep) {
  const ec__cpmp_problem *pb = ws->pb;
  size_t n = ws->n, p = ws->p;
  ws->evals++;
  if (!ws_build(ws, open)) return HUGE_VAL;
  double tot_cap = 0, tot_q = 0;
  for (size_t s = 0; s < p; s++) {
    ws->res[s] = pb->cap[open[s]];
    tot_cap += ws->res[s];
  }
  for (size_t i = 0; i < n; i++) tot_q += pb->q[i];
  if (tot_q > tot_cap * (1 + 1e-12)) return HUGE_VAL;
  /* overload penalty: more than any possible saving in cost */
  double big = 1;
  for (size_t i = 0; i < n; i++)
    big += ws->C[i * p + ws->ord[i * p + ws->cnt[i] - 1]];
  ws->big = big;
  regret_greedy(ws);
  gap_local(ws, deep, big);
  for (size_t s = 0; s < p; s++)
    if (ws->res[s] < -1e-9) return HUGE_VAL; /* overload left: infeasible */
  double tot = 0;
  for (size_t i = 0; i < n; i++) tot += ws->C[i * p + ws->a[i]];
  return tot;
}

/* Iterated local search on the assignment of the open set in ws (feasible,
 * cost obj): kick a few clients to one of their nearest slots (overload
 * allowed, penalised), re-optimise, keep the result if cheaper. */
static double gap_ils(cp_ws *ws, gsl_rng *rng, int rounds, double obj) {
  const double *q = ws->pb->q;
  size_t n = ws->n, p = ws->p;
  for (int r = 0; r < rounds; r++) {
    memcpy(ws->a2, ws->a, n * sizeof *ws->a);
    memcpy(ws->res2, ws->res, p * sizeof *ws->res);
    size_t kick = 2 + gsl_rng_uniform_int(rng, 3);
    for (size_t t = 0; t < kick; t++) {
      size_t i = gsl_rng_uniform_int(rng, n);
      if (ws->cnt[i] < 2) continue;
      uint32_t lim = ws->cnt[i] < 4 ? ws->cnt[i] : 4;
      uint32_t s = ws->ord[i * p + gsl_rng_uniform_int(rng, lim)];
      if (s == ws->a[i]) continue;
      ws->res[ws->a[i]] += q[i];
      ws->res[s] -= q[i];
      ws->a[i] = s;
    }
    gap_local(ws, 1, ws->big);
    double tot = 0;
    for (size_t s = 0; s < p; s++)
      if (ws->res[s] < -1e-9) tot = HUGE_VAL;
    for (size_t i = 0; i < n && tot < HUGE_VAL; i++)
      tot += ws->C[i * p + ws->a[i]];
    if (tot < obj - 1e-9 * (1 + fabs(obj))) {
      obj = tot;
    } else {
      memcpy(ws->a, ws->a2, n * sizeof *ws->a);
      memcpy(ws->res, ws->res2, p * sizeof *ws->res);
    }
  }
  return obj;
}

/* ---- knapsack ------------------------------------------------------------ */

typedef struct {
  double *dp;
  unsigned char *keep;
  size_t dpcap, keepcap;
  uint32_t *ord;
} ks_ws;

/* 0-1 knapsack: maximise sum profit over items with sum weight <= cap.
 * Exact DP when weights and cap are integers (and small), else LP bound.
 * take[] gets a feasible 0/1 selection (greedy in the LP case). */
static double knapsack(size_t k, const double *profit, const double *wt,
                       double cap, unsigned char *take, ks_ws *kw) {
  memset(take, 0, k);
  if (k == 0) return 0;
  double sw = 0, sp = 0;
  int integ = 1;
  for (size_t t = 0; t < k; t++) {
    sw += wt[t];
    sp += profit[t];
    if (wt[t] != floor(wt[t]) || wt[t] < 0) integ = 0;
  }
  if (sw <= cap) { /* everything fits */
    memset(take, 1, k);
    return sp;
  }
  double capf = floor(cap);
  if (integ && capf >= 0 && capf <= (double)kw->dpcap &&
      k * ((size_t)capf + 1) <= kw->keepcap) {
    size_t W = (size_t)capf;
    double *dp = kw->dp;
    for (size_t c = 0; c <= W; c++) dp[c] = 0;
    for (size_t t = 0; t < k; t++) {
      size_t wi = (size_t)wt[t];
      unsigned char *kr = kw->keep + t * (W + 1);
      memset(kr, 0, W + 1);
      for (size_t c = W + 1; c-- > wi;) {
        double v = dp[c - wi] + profit[t];
        if (v > dp[c]) {
          dp[c] = v;
          kr[c] = 1;
        }
      }
    }
    double best = dp[W];
    size_t c = W;
    for (size_t t = k; t-- > 0;)
      if (kw->keep[t * (W + 1) + c]) {
        take[t] = 1;
        c -= (size_t)wt[t];
      }
    return best;
  }
  /* LP relaxation (Dantzig): by profit density, last item fractional. */
  uint32_t *ord = kw->ord;
  for (size_t t = 0; t < k; t++) ord[t] = (uint32_t)t;
  for (size_t x = 1; x < k; x++) /* insertion sort by density, descending */
    for (size_t b = x; b > 0; b--) {
      double db = wt[ord[b]] > 0 ? profit[ord[b]] / wt[ord[b]] : HUGE_VAL;
      double da = wt[ord[b - 1]] > 0 ? profit[ord[b - 1]] / wt[ord[b - 1]]
                                     : HUGE_VAL;
      if (db <= da) break;
      uint32_t tmp = ord[b];
      ord[b] = ord[b - 1];
      ord[b - 1] = tmp;
    }
  double room = cap, v = 0;
  for (size_t x = 0; x < k; x++) {
    uint32_t t = ord[x];
    if (wt[t] <= room) {
      room -= wt[t];
      v += profit[t];
      take[t] = 1;
    } else {
      v += profit[t] * room / wt[t];
      break;
    }
  }
  return v;
}

/* ---- solver state ---------------------------------------------------------- */

typedef struct {
  const ec__cpmp_problem *pb;
  size_t n, m, p, nforced, nfree;
  cp_ws ws;
  ks_ws kw;
  /* Lagrangian */
  double *lam, *blam, *g, *v;
  size_t *bcnt, *bpos;
  uint32_t *bitem;
  double *bprof;
  unsigned char *btake;
  double *prof, *wt;
  unsigned char *take;
  uint32_t *idx;
  unsigned char *chosen;
  double bestL, pi;
  /* fixing: 1 = no better answer opens it, 2 = every better answer does */
  unsigned char *fix;
  /* search */
  uint32_t *cur, *best, *besta, *tmp;
  double best_obj;
  unsigned char *isopen, *near;
  uint64_t *zkey, *seen;
  size_t nseen;
  long it;
} cp_st;

static int integral(const cp_st *st) { return st->pb->pm.integral; }

/* A bound value rounded up when all costs are integers. */
static double round_lb(const cp_st *st, double L) {
  return integral(st) ? ceil(L - 1e-7 * (1 + fabs(L))) : L;
}

/* Bound L shows no answer strictly better than the best exists. */
static int closes(const cp_st *st, double L) {
  if (st->best_obj == HUGE_VAL) return 0;
  return round_lb(st, L) >= st->best_obj - 1e-9 * (1 + fabs(st->best_obj));
}

static uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* 1 if the open set was already assigned; records it otherwise. */
static int seen_set(cp_st *st, const uint32_t *open) {
  uint64_t h = 0;
  for (size_t s = 0; s < st->p; s++) h += st->zkey[open[s]];
  if (h == 0) h = 1;
  size_t mask = ((size_t)1 << SEEN_BITS) - 1, k = (size_t)h & mask;
  for (size_t probe = 0; probe < 64; probe++, k = (k + 1) & mask) {
    if (st->seen[k] == h) return 1;
    if (st->seen[k] == 0) {
      if (st->nseen < mask / 2) {
        st->seen[k] = h;
        st->nseen++;
      }
      return 0;
    }
  }
  return 0;
}

/* Assign the open set (quick, then deep if promising); keep it if best. */
static double try_set(cp_st *st, const uint32_t *open) {
  double o = assign_eval(&st->ws, open, 0);
  if (o < HUGE_VAL && o < 1.03 * st->best_obj + 1)
    o = assign_eval(&st->ws, open, 1);
  if (o < HUGE_VAL && o < 1.005 * st->best_obj + 1e-9)
    o = gap_ils(&st->ws, st->pb->pm.rng, 30, o);
  st->it++;
  if (o < HUGE_VAL && (st->best_obj == HUGE_VAL ||
                       o < st->best_obj - 1e-9 * (1 + fabs(st->best_obj)))) {
    st->best_obj = o;
    memcpy(st->best, open, st->p * sizeof *st->best);
    memcpy(st->besta, st->ws.a, st->n * sizeof *st->besta);
  }
  return o;
}

/* One subproblem at multipliers lam: returns L, fills g, chosen, v, and the
 * chosen open set in cur (when p sites are available). */
static double lag_solve(cp_st *st, const double *lam, uint32_t *setout,
                        int *setok) {
  const ec__cpmp_problem *pb = st->pb;
  const ec__pm_problem *pm = &pb->pm;
  size_t n = st->n, m = st->m, p = st->p;
  double L = 0;
  for (size_t i = 0; i < n; i++) L += lam[i];
  /* Items per site: clients with a positive profit lam_i - w_i c_ij (a row
   * prefix, rows being sorted by cost), bucketed by site. */
  memset(st->bcnt, 0, (m + 1) * sizeof *st->bcnt);
  for (size_t i = 0; i < n; i++)
    for (size_t k = pm->rowptr[i]; k < pm->rowptr[i + 1]; k++) {
      if (lam[i] - pm->w[i] * pm->cost[k] <= 0) break;
      st->bcnt[pm->dest[k] + 1]++;
    }
  for (size_t j = 0; j < m; j++) st->bcnt[j + 1] += st->bcnt[j];
  memcpy(st->bpos, st->bcnt, m * sizeof *st->bpos);
  for (size_t i = 0; i < n; i++)
    for (size_t k = pm->rowptr[i]; k < pm->rowptr[i + 1]; k++) {
      double pr = lam[i] - pm->w[i] * pm->cost[k];
      if (pr <= 0) break;
      size_t x = st->bpos[pm->dest[k]]++;
      st->bitem[x] = (uint32_t)i;
      st->bprof[x] = pr;
    }
  size_t nc = 0, ns = 0;
  memset(st->chosen, 0, m);
  for (size_t j = 0; j < m; j++) {
    st->v[j] = 0;
    int forced = pm->fixed[j] || st->fix[j] == 2;
    if (!forced && (!pm->cand[j] || st->fix[j] == 1)) continue;
    size_t b0 = st->bcnt[j], ni = st->bcnt[j + 1] - b0;
    for (size_t x = 0; x < ni; x++) st->wt[x] = pb->q[st->bitem[b0 + x]];
    st->v[j] = knapsack(ni, st->bprof + b0, st->wt, pb->cap[j],
                        st->btake + b0, &st->kw);
    if (forced) {
      L -= st->v[j];
      st->chosen[j] = 1;
      setout[ns++] = (uint32_t)j;
    } else {
      st->idx[nc++] = (uint32_t)j;
    }
  }
  size_t need = p - ns;
  if (ns > p || need > nc) { /* fixing left no better answer */
    *setok = 0;
    return HUGE_VAL;
  }
  /* the need largest v (partial selection sort; m is moderate) */
  for (size_t x = 0; x < need; x++) {
    size_t bs = x;
    for (size_t b = x + 1; b < nc; b++)
      if (st->v[st->idx[b]] > st->v[st->idx[bs]]) bs = b;
    uint32_t t = st->idx[x];
    st->idx[x] = st->idx[bs];
    st->idx[bs] = t;
    L -= st->v[st->idx[x]];
    st->chosen[st->idx[x]] = 1;
    setout[ns++] = st->idx[x];
  }
  /* reduced-cost fixing on the free sites */
  if (st->best_obj < HUGE_VAL && need > 0) {
    double vp = st->v[st->idx[need - 1]];
    double vn = -HUGE_VAL; /* best site left out (the tail is unsorted) */
    for (size_t x = need; x < nc; x++)
      if (st->v[st->idx[x]] > vn) vn = st->v[st->idx[x]];
    for (size_t x = 0; x < nc; x++) {
      uint32_t j = st->idx[x];
      if (x >= need) {
        if (closes(st, L + vp - st->v[j])) st->fix[j] = 1;
      } else if (vn > -HUGE_VAL && closes(st, L + st->v[j] - vn)) {
        st->fix[j] = 2;
      }
    }
  }
  for (size_t i = 0; i < n; i++) st->g[i] = 1;
  for (size_t j = 0; j < m; j++) {
    if (!st->chosen[j]) continue;
    for (size_t x = st->bcnt[j]; x < st->bcnt[j + 1]; x++)
      if (st->btake[x]) st->g[st->bitem[x]] -= 1;
  }
  *setok = ns == p;
  return L;
}

/* Subgradient run of at most maxit steps; stops when the step size shrinks
 * below pi_min or the bound meets the best answer. */
static void subgradient(cp_st *st, int maxit, double pi0, double t_end) {
  const ec__pm_problem *pm = &st->pb->pm;
  size_t n = st->n;
  double pi = pi0;
  int noimp = 0;
  double runbest = -HUGE_VAL;
  for (int t = 0; t < maxit && ec__now() < t_end; t++) {
    int setok = 0;
    st->it++;
    double L = lag_solve(st, st->lam, st->tmp, &setok);
    if (L == HUGE_VAL) {
      st->bestL = HUGE_VAL;
      return;
    }
    if (L > st->bestL + 1e-12 * (1 + fabs(L))) {
      st->bestL = L;
      memcpy(st->blam, st->lam, n * sizeof *st->lam);
    }
    if (L > runbest + 1e-9 * (1 + fabs(L))) {
      runbest = L;
      noimp = 0;
    } else if (++noimp >= 30) {
      pi /= 2;
      noimp = 0;
    }
    if (setok && !seen_set(st, st->tmp)) try_set(st, st->tmp);
    if (closes(st, st->bestL) || pi < 0.001) return;
    double gn = 0;
    for (size_t i = 0; i < n; i++) gn += st->g[i] * st->g[i];
    if (gn == 0) { /* subproblem solution is feasible: L is optimal */
      return;
    }
    double ub = st->best_obj < HUGE_VAL ? st->best_obj : 2 * fabs(L) + 1;
    double step = pi * (ub - L + 1e-6 * (1 + fabs(ub))) / gn;
    for (size_t i = 0; i < n; i++) {
      /* below its cheapest cost a client is in no knapsack: clamp there */
      double lo = pm->w[i] * pm->cost[pm->rowptr[i]];
      st->lam[i] += step * st->g[i];
      if (st->lam[i] < lo) st->lam[i] = lo;
    }
  }
}

/* Site swaps, first improvement, from cur (objective *obj); fixing-aware. */
static void site_local(cp_st *st, double *obj, double t_end) {
  const ec__pm_problem *pm = &st->pb->pm;
  size_t n = st->n, m = st->m, p = st->p;
  uint32_t *cur = st->cur;
  uint32_t *cura = malloc((n ? n : 1) * sizeof *cura);
  if (!cura) return;
  for (int improved = 1; improved && ec__now() < t_end;) {
    improved = 0;
    memset(st->isopen, 0, m);
    for (size_t s = 0; s < p; s++) st->isopen[cur[s]] = 1;
    if (assign_eval(&st->ws, cur, 0) == HUGE_VAL)
      memset(st->ws.a, 0, n * sizeof *st->ws.a);
    memcpy(cura, st->ws.a, n * sizeof *cura);
    for (size_t s = 0; s < p && !improved && ec__now() < t_end; s++) {
      uint32_t out = cur[s];
      if (pm->fixed[out] || st->fix[out] == 2) continue;
      /* swap partners: sites near the clients this site serves */
      memset(st->near, 0, m);
      for (size_t i = 0; i < n; i++) {
        if (cura[i] != s) continue;
        size_t e = pm->rowptr[i] + NEAR_K;
        for (size_t k = pm->rowptr[i]; k < pm->rowptr[i + 1] && k < e; k++)
          st->near[pm->dest[k]] = 1;
      }
      for (size_t j = 0; j < m && !improved; j++) {
        if (!st->near[j] || st->isopen[j] || !pm->cand[j] || st->fix[j] == 1)
          continue;
        cur[s] = (uint32_t)j;
        double o = try_set(st, cur);
        if (o < HUGE_VAL &&
            (*obj == HUGE_VAL || o < *obj - 1e-9 * (1 + fabs(*obj)))) {
          *obj = o;
          improved = 1;
        } else {
          cur[s] = out;
        }
      }
    }
  }
  free(cura);
}

static void st_free(cp_st *st) {
  free(st->ws.C);
  free(st->ws.ord);
  free(st->ws.cnt);
  free(st->ws.f1);
  free(st->ws.f2);
  free(st->ws.res);
  free(st->ws.a);
  free(st->ws.done);
  free(st->ws.mark);
  free(st->ws.a2);
  free(st->ws.res2);
  free(st->ws.slotof);
  free(st->kw.dp);
  free(st->kw.keep);
  free(st->kw.ord);
  free(st->lam);
  free(st->blam);
  free(st->g);
  free(st->v);
  free(st->bcnt);
  free(st->bpos);
  free(st->bitem);
  free(st->bprof);
  free(st->btake);
  free(st->prof);
  free(st->wt);
  free(st->take);
  free(st->idx);
  free(st->chosen);
  free(st->fix);
  free(st->cur);
  free(st->best);
  free(st->besta);
  free(st->tmp);
  free(st->isopen);
  free(st->near);
  free(st->zkey);
  free(st->seen);
}

int ec__cpmp_solve(const ec__cpmp_problem *pb, uint32_t *open_out,
                   uint32_t *assign_out, double *obj, double *lb, long *iters,
                   ec_error *err) {
  const ec__pm_problem *pm = &pb->pm;
  size_t n = pm->n, m = pm->m, p = pm->p;
  cp_st st = {.pb = pb, .n = n, .m = m, .p = p};
  st.ws = (cp_ws){.pb = pb, .n = n, .m = m, .p = p};
  int rc = EC_OK;
  size_t N1 = n ? n : 1, M1 = m ? m : 1, P1 = p ? p : 1;
  size_t nnz = pm->rowptr[n], Z1 = nnz ? nnz : 1;
  double dpcap_d = 0;
  for (size_t j = 0; j < m; j++)
    if (pb->cap[j] > dpcap_d) dpcap_d = pb->cap[j];
  st.kw.dpcap = dpcap_d < 100000 ? (size_t)dpcap_d : 100000;
  st.kw.keepcap = 8000000;
  st.ws.C = malloc(N1 * P1 * sizeof *st.ws.C);
  st.ws.ord = malloc(N1 * P1 * sizeof *st.ws.ord);
  st.ws.cnt = malloc(N1 * sizeof *st.ws.cnt);
  st.ws.f1 = malloc(N1 * sizeof *st.ws.f1);
  st.ws.f2 = malloc(N1 * sizeof *st.ws.f2);
  st.ws.res = malloc(P1 * sizeof *st.ws.res);
  st.ws.a = calloc(N1, sizeof *st.ws.a);
  st.ws.done = malloc(N1);
  st.ws.mark = calloc(N1, 1);
  st.ws.a2 = malloc(N1 * sizeof *st.ws.a2);
  st.ws.res2 = malloc(P1 * sizeof *st.ws.res2);
  st.ws.slotof = malloc(M1 * sizeof *st.ws.slotof);
  st.kw.dp = malloc((st.kw.dpcap + 1) * sizeof *st.kw.dp);
  st.kw.keep = malloc(st.kw.keepcap);
  st.kw.ord = malloc(N1 * sizeof *st.kw.ord);
  st.lam = malloc(N1 * sizeof *st.lam);
  st.blam = malloc(N1 * sizeof *st.blam);
  st.g = malloc(N1 * sizeof *st.g);
  st.v = malloc(M1 * sizeof *st.v);
  st.bcnt = malloc((m + 1) * sizeof *st.bcnt);
  st.bpos = malloc((m + 1) * sizeof *st.bpos);
  st.bitem = malloc(Z1 * sizeof *st.bitem);
  st.bprof = malloc(Z1 * sizeof *st.bprof);
  st.btake = malloc(Z1);
  st.prof = malloc(N1 * sizeof *st.prof);
  st.wt = malloc(N1 * sizeof *st.wt);
  st.take = malloc(N1);
  st.idx = malloc(M1 * sizeof *st.idx);
  st.chosen = calloc(M1, 1);
  st.fix = calloc(M1, 1);
  st.cur = malloc(P1 * sizeof *st.cur);
  st.best = malloc(P1 * sizeof *st.best);
  st.besta = calloc(N1, sizeof *st.besta);
  st.tmp = malloc(P1 * sizeof *st.tmp);
  st.isopen = calloc(M1, 1);
  st.near = calloc(M1, 1);
  st.zkey = malloc(M1 * sizeof *st.zkey);
  st.seen = calloc((size_t)1 << SEEN_BITS, sizeof *st.seen);
  if (!st.ws.C || !st.ws.ord || !st.ws.cnt || !st.ws.f1 || !st.ws.f2 ||
      !st.ws.res || !st.ws.a || !st.ws.done || !st.ws.mark || !st.ws.a2 || !st.ws.res2 || !st.ws.slotof || !st.kw.dp ||
      !st.kw.keep || !st.kw.ord || !st.lam || !st.blam || !st.g ||
      !st.v || !st.bcnt || !st.bpos || !st.bitem || !st.bprof || !st.btake ||
      !st.prof || !st.wt || !st.take || !st.idx || !st.chosen || !st.fix ||
      !st.cur || !st.best || !st.besta || !st.tmp || !st.isopen || !st.near ||
      !st.zkey || !st.seen) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                      "out of memory in the capacitated p-median solver");
    goto out;
  }
  for (size_t j = 0; j < m; j++) {
    st.ws.slotof[j] = -1;
    st.zkey[j] = mix64(j + 1);
    if (pm->fixed[j]) st.nforced++;
    else if (pm->cand[j]) st.nfree++;
  }
  st.best_obj = HUGE_VAL;
  st.bestL = -HUGE_VAL;
  double t_all = pm->t_end - ec__now();

  /* Start: the uncapacitated optimum's sites (a short solve). */
  ec__pm_problem pm0 = *pm;
  pm0.t_end = ec__now() + 0.05 * t_all;
  pm0.max_no_improve = 20;
  double o0, l0;
  long it0 = 0;
  rc = ec__pmedian_solve(&pm0, st.cur, &o0, &l0, &it0, err);
  if (rc) goto out;
  st.it += it0;
  seen_set(&st, st.cur);
  try_set(&st, st.cur);

  /* warm start: each client's second-cheapest cost (its price when its
   * nearest site is not open) */
  for (size_t i = 0; i < n; i++) {
    size_t r0 = pm->rowptr[i], r1 = pm->rowptr[i + 1];
    double c = r1 - r0 > 1 ? pm->cost[r0 + 1] : pm->cost[r0];
    st.lam[i] = pm->w[i] * c;
  }
  memcpy(st.blam, st.lam, n * sizeof *st.lam);
  subgradient(&st, 3000, 2.0, ec__now() + 0.35 * (pm->t_end - ec__now()));

  int maxni = pm->max_no_improve > 0 ? pm->max_no_improve
                                     : (int)(50 + 5 * p);
  int noimp = 0;
  size_t k = 1, kmax = p < 5 ? p : 5;
  if (st.best_obj < HUGE_VAL && !closes(&st, st.bestL) && st.nfree > p - st.nforced) {
    memcpy(st.cur, st.best, p * sizeof *st.cur);
    double cobj = st.best_obj;
    site_local(&st, &cobj, pm->t_end);
    while (noimp < maxni && ec__now() < pm->t_end && !closes(&st, st.bestL)) {
      double before = st.best_obj;
      /* shake: k random swaps from the best set, avoiding fixed sites */
      memcpy(st.cur, st.best, p * sizeof *st.cur);
      memset(st.isopen, 0, m);
      for (size_t s = 0; s < p; s++) st.isopen[st.cur[s]] = 1;
      size_t nmov = 0;
      for (size_t a = 0; a < k; a++) {
        size_t s = 0, tries = 0;
        int ok = 0;
        for (; tries < 100 && !ok; tries++) {
          s = gsl_rng_uniform_int(pm->rng, p);
          ok = !pm->fixed[st.cur[s]] && st.fix[st.cur[s]] != 2;
        }
        if (!ok) break;
        uint32_t in = 0;
        ok = 0;
        for (tries = 0; tries < 1000 && !ok; tries++) {
          in = (uint32_t)gsl_rng_uniform_int(pm->rng, m);
          ok = !st.isopen[in] && pm->cand[in] && st.fix[in] != 1;
        }
        if (!ok) break;
        st.isopen[st.cur[s]] = 0;
        st.isopen[in] = 1;
        st.cur[s] = in;
        nmov++;
      }
      if (!nmov) break;
      cobj = try_set(&st, st.cur);
      site_local(&st, &cobj, pm->t_end);
      if (st.best_obj < before - 1e-9 * (1 + fabs(before))) {
        noimp = 0;
        k = 1;
        /* a better answer: tighter Polyak target and more fixing */
        memcpy(st.lam, st.blam, n * sizeof *st.lam);
        subgradient(&st, 300, 0.25,
                    ec__now() + 0.2 * (pm->t_end - ec__now()));
      } else {
        noimp++;
        k = k % kmax + 1;
      }
    }
  }
  if (st.best_obj == HUGE_VAL) {
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                      "no feasible capacitated assignment found: the open "
                      "sites' capacity or the clients' reachable sites are "
                      "too few");
    goto out;
  }
  memcpy(open_out, st.best, p * sizeof *st.best);
  for (size_t i = 0; i < n; i++) assign_out[i] = st.best[st.besta[i]];
  *obj = st.best_obj;
  double L = round_lb(&st, st.bestL);
  *lb = L > st.best_obj ? st.best_obj : L;
  *iters = st.it;
out:
  st_free(&st);
  return rc;
}
