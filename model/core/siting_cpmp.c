/* siting_cpmp.c — capacitated p-median, single source.
 * Heuristic: start from the uncapacitated p-median sites; assign clients by
 * largest regret among sites with room, repair by shift and swap moves; then
 * site swaps (first improvement) and random perturbation (VNS). Bound:
 * Lagrangian relaxation of the assignment rows; each site's subproblem is a
 * 0-1 knapsack over its capacity (exact DP for integer capacity use, else the
 * LP bound, which is still valid), its relaxed sites also seed the search. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_siting.h"
#include "siting_internal.h"

#define NEAR_K 8 /* swap partners: this many nearest sites per served client */

typedef struct {
  const ec__cpmp_problem *pb;
  size_t n, m, p;
  double *C;     /* n x p: cost of client i at open slot s (HUGE_VAL: none) */
  double *res;   /* residual capacity per slot */
  uint32_t *a;   /* slot per client */
  unsigned char *done;
  int32_t *slotof; /* site -> slot for the current evaluation */
} cp_ws;

static double ov(double r) { return r < 0 ? -r : 0; }

static double assign_eval(cp_ws *ws, const uint32_t *open, int deep) {
  const ec__cpmp_problem *pb = ws->pb;
  const ec__pm_problem *pm = &pb->pm;
  size_t n = ws->n, p = ws->p;
  for (size_t k = 0; k < n * p; k++) ws->C[k] = HUGE_VAL;
  for (size_t s = 0; s < p; s++) ws->slotof[open[s]] = (int32_t)s;
  for (size_t i = 0; i < n; i++)
    for (size_t k = pm->rowptr[i]; k < pm->rowptr[i + 1]; k++) {
      int32_t s = ws->slotof[pm->dest[k]];
      if (s >= 0 && ws->C[i * p + (size_t)s] == HUGE_VAL)
        ws->C[i * p + (size_t)s] = pm->w[i] * pm->cost[k];
    }
  for (size_t s = 0; s < p; s++) {
    ws->slotof[open[s]] = -1;
    ws->res[s] = pb->cap[open[s]];
  }
  memset(ws->done, 0, n);
  /* overload penalty: more than any possible saving in cost */
  double big = 1;
  for (size_t i = 0; i < n; i++) {
    double mx = 0;
    for (size_t s = 0; s < p; s++)
      if (ws->C[i * p + s] < HUGE_VAL && ws->C[i * p + s] > mx) mx = ws->C[i * p + s];
    big += mx;
  }
  /* Largest regret first: the client that loses most if its best site fills. */
  for (size_t step = 0; step < n; step++) {
    double breg = -1;
    size_t bi = SIZE_MAX, bs = 0;
    for (size_t i = 0; i < n; i++) {
      if (ws->done[i]) continue;
      double c1 = HUGE_VAL, c2 = HUGE_VAL;
      size_t s1 = SIZE_MAX;
      for (size_t s = 0; s < p; s++) {
        double c = ws->C[i * p + s];
        if (c == HUGE_VAL || ws->res[s] < pb->q[i]) continue;
        if (c < c1) {
          c2 = c1;
          c1 = c;
          s1 = s;
        } else if (c < c2) {
          c2 = c;
        }
      }
      if (s1 == SIZE_MAX) {
        /* no room anywhere: overload the roomiest reachable site for now,
         * the repair below removes overload first */
        double br = -HUGE_VAL;
        for (size_t s = 0; s < p; s++)
          if (ws->C[i * p + s] < HUGE_VAL && ws->res[s] > br) {
            br = ws->res[s];
            s1 = s;
          }
        if (s1 == SIZE_MAX) return HUGE_VAL; /* no open site reachable */
      }
      double reg = c2 == HUGE_VAL ? HUGE_VAL : c2 - c1;
      if (reg > breg || (reg == breg && pb->q[i] > pb->q[bi])) {
        breg = reg;
        bi = i;
        bs = s1;
      }
    }
    ws->done[bi] = 1;
    ws->a[bi] = (uint32_t)bs;
    ws->res[bs] -= pb->q[bi];
  }
  /* Shift and swap repair until no move improves. */
  for (int improved = 1; improved;) {
    improved = 0;
    for (size_t i = 0; i < n; i++) {
      size_t cur = ws->a[i];
      double cc = ws->C[i * p + cur];
      for (size_t s = 0; s < p; s++)
        if (s != cur && ws->C[i * p + s] < HUGE_VAL &&
            ws->C[i * p + s] - cc +
                    big * (ov(ws->res[cur] + pb->q[i]) - ov(ws->res[cur]) +
                           ov(ws->res[s] - pb->q[i]) - ov(ws->res[s])) <
                -1e-9) {
          ws->res[cur] += pb->q[i];
          ws->res[s] -= pb->q[i];
          ws->a[i] = (uint32_t)s;
          cur = s;
          cc = ws->C[i * p + s];
          improved = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
      for (size_t k = i + 1; k < n; k++) {
        size_t ai = ws->a[i], ak = ws->a[k];
        if (ai == ak) continue;
        double d = ws->C[i * p + ak] + ws->C[k * p + ai] - ws->C[i * p + ai] -
                   ws->C[k * p + ak];
        if (d == HUGE_VAL || d != d) continue;
        double dq = pb->q[i] - pb->q[k];
        d += big * (ov(ws->res[ak] - dq) - ov(ws->res[ak]) +
                    ov(ws->res[ai] + dq) - ov(ws->res[ai]));
        if (!(d < -1e-9)) continue;
        ws->res[ak] -= dq;
        ws->res[ai] += dq;
        ws->a[i] = (uint32_t)ak;
        ws->a[k] = (uint32_t)ai;
        improved = 1;
      }
    /* Ejection chain (deep only): i moves into a full site s whose client
     * k moves on to t (t may be i's old site). */
    for (size_t i = 0; deep && !improved && i < n; i++) {
      size_t ai = ws->a[i];
      for (size_t s = 0; s < p && !improved; s++) {
        double di = ws->C[i * p + s] - ws->C[i * p + ai];
        if (s == ai || !(di < 0)) continue;
        for (size_t k = 0; k < n && !improved; k++) {
          if (ws->a[k] != s) continue;
          if (ws->res[s] + pb->q[k] < pb->q[i]) continue;
          for (size_t t = 0; t < p; t++) {
            if (t == s) continue;
            double d = di + ws->C[k * p + t] - ws->C[k * p + s];
            if (!(d < -1e-9)) continue;
            double room = ws->res[t] + (t == ai ? pb->q[i] : 0);
            if (room < pb->q[k]) continue;
            ws->res[ai] += pb->q[i];
            ws->res[s] += pb->q[k] - pb->q[i];
            ws->res[t] -= pb->q[k];
            ws->a[i] = (uint32_t)s;
            ws->a[k] = (uint32_t)t;
            improved = 1;
            break;
          }
        }
      }
    }
  }
  for (size_t s = 0; s < p; s++)
    if (ws->res[s] < -1e-9) return HUGE_VAL; /* overload left: infeasible */
  double tot = 0;
  for (size_t i = 0; i < n; i++) tot += ws->C[i * p + ws->a[i]];
  return tot;
}

/* 0-1 knapsack: maximise sum profit over items with sum weight <= cap.
 * Exact DP when weights and cap are integers (and small), else LP bound.
 * take[] gets a feasible 0/1 selection (greedy in the LP case). */
static double knapsack(size_t k, const double *profit, const double *wt,
                       double cap, unsigned char *take, double *dp,
                       unsigned char *keep, size_t dpcap, uint32_t *ord) {
  memset(take, 0, k);
  if (k == 0) return 0;
  int exact = cap >= 0 && cap == floor(cap) && (size_t)cap <= dpcap &&
              k * ((size_t)cap + 1) <= 4000000;
  for (size_t t = 0; exact && t < k; t++)
    if (wt[t] != floor(wt[t]) || wt[t] < 0) exact = 0;
  if (exact) {
    size_t W = (size_t)cap;
    for (size_t c = 0; c <= W; c++) dp[c] = 0;
    for (size_t t = 0; t < k; t++) {
      size_t wi = (size_t)wt[t];
      unsigned char *kr = keep + t * (W + 1);
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
      if (keep[t * (W + 1) + c]) {
        take[t] = 1;
        c -= (size_t)wt[t];
      }
    return best;
  }
  /* LP relaxation (Dantzig): by profit density, last item fractional. */
  for (size_t t = 0; t < k; t++) ord[t] = (uint32_t)t;
  for (size_t a = 1; a < k; a++) /* insertion sort by density, descending */
    for (size_t b = a; b > 0; b--) {
      double db = wt[ord[b]] > 0 ? profit[ord[b]] / wt[ord[b]] : HUGE_VAL;
      double da = wt[ord[b - 1]] > 0 ? profit[ord[b - 1]] / wt[ord[b - 1]]
                                     : HUGE_VAL;
      if (db <= da) break;
      uint32_t tmp = ord[b];
      ord[b] = ord[b - 1];
      ord[b - 1] = tmp;
    }
  double room = cap, v = 0;
  for (size_t a = 0; a < k; a++) {
    uint32_t t = ord[a];
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

int ec__cpmp_solve(const ec__cpmp_problem *pb, uint32_t *open_out,
                   uint32_t *assign_out, double *obj, double *lb, long *iters,
                   ec_error *err) {
  const ec__pm_problem *pm = &pb->pm;
  size_t n = pm->n, m = pm->m, p = pm->p;
  cp_ws ws = {.pb = pb, .n = n, .m = m, .p = p};
  int rc = EC_OK;
  long it = 0;
  double dpcap_d = 0;
  for (size_t j = 0; j < m; j++)
    if (pb->cap[j] > dpcap_d) dpcap_d = pb->cap[j];
  size_t dpcap = dpcap_d < 100000 ? (size_t)dpcap_d : 100000;
  ws.C = malloc((n * p + 1) * sizeof *ws.C);
  ws.res = malloc((p ? p : 1) * sizeof *ws.res);
  ws.a = malloc((n ? n : 1) * sizeof *ws.a);
  ws.done = malloc(n ? n : 1);
  ws.slotof = malloc((m ? m : 1) * sizeof *ws.slotof);
  uint32_t *cur = malloc((p ? p : 1) * sizeof *cur);
  uint32_t *best = malloc((p ? p : 1) * sizeof *best);
  uint32_t *besta = malloc((n ? n : 1) * sizeof *besta);
  double *lam = malloc((n ? n : 1) * sizeof *lam);
  double *g = malloc((n ? n : 1) * sizeof *g);
  double *rho = malloc((m ? m : 1) * sizeof *rho);
  double *prof = malloc((n ? n : 1) * sizeof *prof);
  double *wt = malloc((n ? n : 1) * sizeof *wt);
  uint32_t *item = malloc((n ? n : 1) * sizeof *item);
  uint32_t *ord = malloc((n ? n : 1) * sizeof *ord);
  unsigned char *take = malloc(n ? n : 1);
  unsigned char *takeall = malloc(n * m + 1);
  double *dp = malloc((dpcap + 1) * sizeof *dp);
  unsigned char *keep = malloc(4000001);
  unsigned char *isopen = calloc(m ? m : 1, 1);
  uint32_t *idx = malloc((m ? m : 1) * sizeof *idx);
  unsigned char *chosen = calloc(m ? m : 1, 1);
  unsigned char *near = calloc(m ? m : 1, 1);
  uint32_t *cura = calloc(n ? n : 1, sizeof *cura);
  size_t nnz = pm->rowptr[n];
  size_t *bcnt = malloc((m + 1) * sizeof *bcnt);
  size_t *bpos = malloc((m + 1) * sizeof *bpos);
  uint32_t *bitem = malloc((nnz ? nnz : 1) * sizeof *bitem);
  double *bprof = malloc((nnz ? nnz : 1) * sizeof *bprof);
  if (!near || !cura || !bcnt || !bpos || !bitem || !bprof ||
      !ws.C || !ws.res || !ws.a || !ws.done || !ws.slotof || !cur || !best ||
      !besta || !lam || !g || !rho || !prof || !wt || !item || !ord ||
      !take || !takeall || !dp || !keep || !isopen || !idx || !chosen) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                      "out of memory in the capacitated p-median solver");
    goto out;
  }
  for (size_t j = 0; j < m; j++) ws.slotof[j] = -1;

  /* Start: the uncapacitated optimum's sites (a short solve). */
  ec__pm_problem pm0 = *pm;
  double t_end0 = ec__now() + 0.1 * (pm->t_end - ec__now());
  pm0.t_end = t_end0;
  pm0.max_no_improve = 20;
  double o0, l0;
  long it0 = 0;
  rc = ec__pmedian_solve(&pm0, cur, &o0, &l0, &it0, err);
  if (rc) goto out;
  it += it0;
  double best_obj = assign_eval(&ws, cur, 1);
  memcpy(best, cur, p * sizeof *best);
  memcpy(besta, ws.a, n * sizeof *besta);
  double cur_obj = best_obj;

  size_t nfree = 0, nfix = 0;
  for (size_t j = 0; j < m; j++) {
    if (pm->fixed[j]) nfix++;
    else if (pm->cand[j]) nfree++;
  }
  double bestL = -HUGE_VAL, pi = 2.0;
  int lag_noimp = 0;
  for (size_t i = 0; i < n; i++) {
    /* warm start: each client's cost in the first heuristic answer */
    lam[i] = best_obj < HUGE_VAL ? ws.C[i * p + besta[i]] : 0;
    if (lam[i] == HUGE_VAL) lam[i] = 0;
  }
  int maxni = pm->max_no_improve > 0 ? pm->max_no_improve : 30;

  for (int round = 0; round < 8 && ec__now() < pm->t_end; round++) {
    /* Site swaps, first improvement; then perturb (VNS) from the best. */
    int noimp = 0;
    size_t k = 1;
    /* round 0 computes the bound first; later rounds share the time left */
    double t_vns = ec__now() + 0.35 * (pm->t_end - ec__now());
    while (round > 0 && noimp < maxni && ec__now() < t_vns) {
      for (int improved = 1; improved && ec__now() < t_vns;) {
        improved = 0;
        memset(isopen, 0, m);
        for (size_t s = 0; s < p; s++) isopen[cur[s]] = 1;
        if (assign_eval(&ws, cur, 0) == HUGE_VAL) memset(ws.a, 0, n * sizeof *ws.a);
        memcpy(cura, ws.a, n * sizeof *cura);
        for (size_t s = 0; s < p && !improved; s++) {
          if (pm->fixed[cur[s]]) continue;
          uint32_t out = cur[s];
          /* swap partners: sites near the clients this site serves */
          memset(near, 0, m);
          for (size_t i = 0; i < n; i++) {
            if (cura[i] != s) continue;
            size_t e = pm->rowptr[i] + NEAR_K;
            for (size_t kk = pm->rowptr[i]; kk < pm->rowptr[i + 1] && kk < e; kk++)
              near[pm->dest[kk]] = 1;
          }
          for (size_t j = 0; j < m && !improved; j++) {
            if (!near[j] || isopen[j] || !pm->cand[j]) continue;
            cur[s] = (uint32_t)j;
            double o = assign_eval(&ws, cur, 0);
            if (o < 1.03 * best_obj) o = assign_eval(&ws, cur, 1);
            it++;
            if (o < cur_obj - 1e-9 * (1 + fabs(cur_obj))) {
              cur_obj = o;
              improved = 1;
            } else {
              cur[s] = out;
            }
          }
        }
      }
      if (cur_obj < best_obj - 1e-9 * (1 + fabs(best_obj))) {
        best_obj = assign_eval(&ws, cur, 1);
        memcpy(best, cur, p * sizeof *best);
        memcpy(besta, ws.a, n * sizeof *besta);
        noimp = 0;
        k = 1;
      } else {
        noimp++;
        k = k % 3 + 1;
      }
      double Lr = pm->integral ? ceil(bestL - 1e-7 * (1 + fabs(bestL))) : bestL;
      if (Lr >= best_obj - 1e-9 * (1 + fabs(best_obj))) break;
      if (nfree <= p - nfix) break;
      memcpy(cur, best, p * sizeof *cur);
      memset(isopen, 0, m);
      for (size_t s = 0; s < p; s++) isopen[cur[s]] = 1;
      for (size_t a = 0; a < k; a++) {
        size_t s;
        do s = gsl_rng_uniform_int(pm->rng, p);
        while (pm->fixed[cur[s]]);
        uint32_t in;
        do in = (uint32_t)gsl_rng_uniform_int(pm->rng, m);
        while (isopen[in] || !pm->cand[in]);
        isopen[cur[s]] = 0;
        isopen[in] = 1;
        cur[s] = in;
      }
      cur_obj = assign_eval(&ws, cur, 0);
    }
    memcpy(cur, best, p * sizeof *cur);
    cur_obj = best_obj;
    /* Lagrangian bound. */
    int maxit = round == 0 ? 400 : 200;
    for (int t = 0; t < maxit && ec__now() < pm->t_end; t++) {
      double L = 0;
      it++;
      for (size_t i = 0; i < n; i++) L += lam[i];
      /* Items per site: clients with a positive profit lam_i - w_i c_ij
       * (a row prefix, rows being sorted by cost), bucketed by site. */
      memset(takeall, 0, n * m);
      memset(bcnt, 0, (m + 1) * sizeof *bcnt);
      for (size_t i = 0; i < n; i++)
        for (size_t kk = pm->rowptr[i]; kk < pm->rowptr[i + 1]; kk++) {
          if (lam[i] - pm->w[i] * pm->cost[kk] <= 0) break;
          bcnt[pm->dest[kk] + 1]++;
        }
      for (size_t j = 0; j < m; j++) bcnt[j + 1] += bcnt[j];
      memcpy(bpos, bcnt, m * sizeof *bpos);
      for (size_t i = 0; i < n; i++)
        for (size_t kk = pm->rowptr[i]; kk < pm->rowptr[i + 1]; kk++) {
          double v = lam[i] - pm->w[i] * pm->cost[kk];
          if (v <= 0) break;
          size_t q = bpos[pm->dest[kk]]++;
          bitem[q] = (uint32_t)i;
          bprof[q] = v;
        }
      for (size_t j = 0; j < m; j++) {
        rho[j] = 0;
        if (!pm->fixed[j] && !pm->cand[j]) continue;
        size_t ni = bcnt[j + 1] - bcnt[j];
        for (size_t a = 0; a < ni; a++) {
          item[a] = bitem[bcnt[j] + a];
          prof[a] = bprof[bcnt[j] + a];
          wt[a] = pb->q[item[a]];
        }
        rho[j] = -knapsack(ni, prof, wt, pb->cap[j], take, dp, keep, dpcap,
                           ord);
        for (size_t a = 0; a < ni; a++)
          if (take[a]) takeall[(size_t)item[a] * m + j] = 1;
      }
      size_t nc = 0;
      memset(chosen, 0, m);
      size_t ns = 0;
      for (size_t j = 0; j < m; j++) {
        if (pm->fixed[j]) {
          L += rho[j];
          chosen[j] = 1;
          cur[ns++] = (uint32_t)j;
        } else if (pm->cand[j]) {
          idx[nc++] = (uint32_t)j;
        }
      }
      size_t need = p - nfix;
      /* the need smallest rho (selection by partial sort; m is small) */
      for (size_t a = 0; a < need && a < nc; a++) {
        size_t bsel = a;
        for (size_t b = a + 1; b < nc; b++)
          if (rho[idx[b]] < rho[idx[bsel]]) bsel = b;
        uint32_t tmp = idx[a];
        idx[a] = idx[bsel];
        idx[bsel] = tmp;
        L += rho[idx[a]];
        chosen[idx[a]] = 1;
        cur[ns++] = idx[a];
      }
      double gn = 0;
      for (size_t i = 0; i < n; i++) {
        double gi = 1;
        for (size_t kk = pm->rowptr[i]; kk < pm->rowptr[i + 1]; kk++) {
          uint32_t j = pm->dest[kk];
          if (chosen[j] && takeall[i * m + j]) gi -= 1;
        }
        g[i] = gi;
        gn += gi * gi;
      }
      if (L > bestL + 1e-12 * (1 + fabs(L))) {
        bestL = L;
        lag_noimp = 0;
        if (ns == p) { /* Lagrangian heuristic: the relaxed sites */
          double o = assign_eval(&ws, cur, 1);
          if (o < best_obj - 1e-9 * (1 + fabs(best_obj))) {
            best_obj = o;
            memcpy(best, cur, p * sizeof *best);
            memcpy(besta, ws.a, n * sizeof *besta);
          }
        }
      } else if (++lag_noimp >= 20) {
        pi /= 2;
        lag_noimp = 0;
      }
      double Lr = pm->integral ? ceil(bestL - 1e-7 * (1 + fabs(bestL))) : bestL;
      if (Lr >= best_obj - 1e-9 * (1 + fabs(best_obj))) break;
      if (gn == 0 || pi < 1e-4) break;
      double ub = best_obj < HUGE_VAL ? best_obj : 2 * fabs(L) + 1;
      double step = pi * (1.01 * ub - L) / gn;
      for (size_t i = 0; i < n; i++) lam[i] += step * g[i];
    }
    memcpy(cur, best, p * sizeof *cur);
    cur_obj = best_obj;
    double Lr = pm->integral ? ceil(bestL - 1e-7 * (1 + fabs(bestL))) : bestL;
    if (Lr >= best_obj - 1e-9 * (1 + fabs(best_obj))) break;
    if (pi < 1e-4) pi = 0.5;
  }
  if (best_obj == HUGE_VAL) {
    rc = ec_error_set(err, EC_ERR_INVALID, NULL, 0, NULL,
                      "no feasible capacitated assignment found: the open "
                      "sites' capacity or the clients' reachable sites are "
                      "too few");
    goto out;
  }
  memcpy(open_out, best, p * sizeof *best);
  for (size_t i = 0; i < n; i++) assign_out[i] = best[besta[i]];
  *obj = best_obj;
  double L = pm->integral ? ceil(bestL - 1e-7 * (1 + fabs(bestL))) : bestL;
  *lb = L > best_obj ? best_obj : L;
  *iters = it;
out:
  free(ws.C);
  free(ws.res);
  free(ws.a);
  free(ws.done);
  free(ws.slotof);
  free(cur);
  free(best);
  free(besta);
  free(lam);
  free(g);
  free(rho);
  free(prof);
  free(wt);
  free(item);
  free(ord);
  free(take);
  free(takeall);
  free(dp);
  free(keep);
  free(isopen);
  free(idx);
  free(chosen);
  free(near);
  free(cura);
  free(bcnt);
  free(bpos);
  free(bitem);
  free(bprof);
  return rc;
}
