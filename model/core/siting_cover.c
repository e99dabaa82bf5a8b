/* siting_cover.c — exact unicost set cover for LSCP and the p-center oracle:
 * root reductions (fixed sites, dominated columns, dominated rows), then the
 * Lagrangian engine of siting_setcover.c (subgradient bound, reduced-cost
 * greedy, reduced-cost fixing, depth-first branch and bound) on the reduced
 * matrix. Reductions keep the optimum value, so bounds carry over. */
#include <stdlib.h>
#include <string.h>

#include "siting_internal.h"
#include "siting_setcover.h"

static size_t avail_count(const size_t *rp, const uint32_t *ri,
                          const unsigned char *avail, size_t r) {
  size_t a = 0;
  for (size_t k = rp[r]; k < rp[r + 1]; k++)
    a += avail[ri[k]];
  return a;
}

static uint32_t uf_find(uint32_t *par, uint32_t x) {
  while (par[x] != x) {
    par[x] = par[par[x]];
    x = par[x];
  }
  return x;
}

/* Solve the reduced matrix (n rows, m columns) component by component:
 * rows linked through shared columns form independent subproblems, whose
 * bounds are rounded up one by one (the sum of ceilings beats the ceiling of
 * the sum). limit > 0: decide whether a cover of <= limit columns exists;
 * 0: minimise. best, nb: the cover (nb = SIZE_MAX: none), lb: a valid
 * lower bound, status: 1 when decided (limit) or proven optimal (minimise). */
static int solve_components(size_t n, size_t m, const size_t *rp,
                            const uint32_t *ri, const size_t *cp,
                            const uint32_t *ci, size_t limit, double t_end,
                            uint32_t *best, size_t *nb, size_t *lb,
                            int *status) {
  size_t nn = n ? n : 1, mm = m ? m : 1, zz = rp[n] ? rp[n] : 1;
  uint32_t *par = malloc(nn * sizeof *par), *comp = malloc(nn * sizeof *comp);
  uint32_t *rord = malloc(nn * sizeof *rord), *cord = malloc(mm * sizeof *cord);
  uint32_t *rloc = malloc(nn * sizeof *rloc), *cloc = malloc(mm * sizeof *cloc);
  uint32_t *Ri = malloc(zz * sizeof *Ri), *Ci = malloc(zz * sizeof *Ci);
  uint32_t *sol = malloc(mm * sizeof *sol), *tmp = malloc(mm * sizeof *tmp);
  size_t *roff = NULL, *coff = NULL, *zoff = NULL, *Rp = NULL, *Cp = NULL;
  size_t *ub = NULL, *lo = NULL;
  unsigned char *prov = NULL;
  int rc = EC_OK;
  if (!par || !comp || !rord || !cord || !rloc || !cloc || !Ri || !Ci || !sol ||
      !tmp) {
    rc = EC_ERR_NOMEM;
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    par[i] = (uint32_t)i;
  for (size_t j = 0; j < m; j++) {
    uint32_t r0 = uf_find(par, ci[cp[j]]);
    for (size_t t = cp[j] + 1; t < cp[j + 1]; t++) {
      uint32_t r = uf_find(par, ci[t]);
      if (r != r0) par[r] = r0;
    }
  }
  size_t K = 0;
  for (size_t i = 0; i < n; i++)
    comp[i] = UINT32_MAX;
  for (size_t i = 0; i < n; i++) {
    uint32_t r = uf_find(par, (uint32_t)i);
    if (comp[r] == UINT32_MAX) comp[r] = (uint32_t)K++;
    comp[i] = comp[r];
  }
  roff = calloc(K + 1, sizeof *roff);
  coff = calloc(K + 1, sizeof *coff);
  zoff = calloc(K + 1, sizeof *zoff);
  Rp = malloc((n + K + 1) * sizeof *Rp);
  Cp = malloc((m + K + 1) * sizeof *Cp);
  ub = malloc((K ? K : 1) * sizeof *ub);
  lo = malloc((K ? K : 1) * sizeof *lo);
  prov = calloc(K ? K : 1, 1);
  if (!roff || !coff || !zoff || !Rp || !Cp || !ub || !lo || !prov) {
    rc = EC_ERR_NOMEM;
    goto out;
  }
  /* counting sort of rows and columns by component (stable) */
  for (size_t i = 0; i < n; i++)
    roff[comp[i] + 1]++;
  for (size_t j = 0; j < m; j++)
    coff[comp[ci[cp[j]]] + 1]++;
  for (size_t k = 0; k < K; k++) {
    roff[k + 1] += roff[k];
    coff[k + 1] += coff[k];
  }
  for (size_t i = 0; i < n; i++) {
    size_t k = comp[i], at = roff[k] + zoff[k]++;
    rord[at] = (uint32_t)i;
    rloc[i] = (uint32_t)(at - roff[k]);
  }
  memset(zoff, 0, (K + 1) * sizeof *zoff);
  for (size_t j = 0; j < m; j++) {
    size_t k = comp[ci[cp[j]]], at = coff[k] + zoff[k]++;
    cord[at] = (uint32_t)j;
    cloc[j] = (uint32_t)(at - coff[k]);
  }
  size_t z = 0;
  for (size_t k = 0; k < K; k++) {
    zoff[k] = z;
    size_t *rpk = Rp + roff[k] + k, *cpk = Cp + coff[k] + k, t = 0, t2 = 0;
    rpk[0] = 0;
    for (size_t a = 0; a < roff[k + 1] - roff[k]; a++) {
      uint32_t i = rord[roff[k] + a];
      for (size_t q = rp[i]; q < rp[i + 1]; q++)
        Ri[z + t++] = cloc[ri[q]];
      rpk[a + 1] = t;
    }
    cpk[0] = 0;
    for (size_t b = 0; b < coff[k + 1] - coff[k]; b++) {
      uint32_t j = cord[coff[k] + b];
      for (size_t q = cp[j]; q < cp[j + 1]; q++)
        Ci[z + t2++] = rloc[ci[q]];
      cpk[b + 1] = t2;
    }
    z += t;
  }
  zoff[K] = z;
#define COMP_MATRIX(k)                                                         \
  {.n = roff[(k) + 1] - roff[k],                                               \
   .m = coff[(k) + 1] - coff[k],                                               \
   .rp = Rp + roff[k] + (k),                                                   \
   .ri = Ri + zoff[k],                                                         \
   .cp = Cp + coff[k] + (k),                                                   \
   .ci = Ci + zoff[k]}
  ec__sc_stats st;
  size_t sumlb = 0, sumub = 0;
  int decided = 0, timed_out = 0;
  if (K == 1) {
    ec__sc_matrix A = COMP_MATRIX(0);
    rc = ec__sc_solve(&A, limit ? limit : SIZE_MAX, limit, 0, t_end, sol, &st);
    if (rc) goto out;
    ub[0] = st.nbest;
    lo[0] = st.lower;
    if (st.nbest == SIZE_MAX) { /* a row without columns */
      *nb = SIZE_MAX;
      *lb = st.lower;
      *status = 1;
      goto out;
    }
    sumub = ub[0];
    sumlb = lo[0];
    decided = st.proven;
  } else {
    /* pass 1: greedy + root bound per component */
    for (size_t k = 0; k < K; k++) {
      ec__sc_matrix A = COMP_MATRIX(k);
      rc = ec__sc_solve(&A, SIZE_MAX, 0, 1, t_end, sol + coff[k], &st);
      if (rc) goto out;
      if (st.nbest == SIZE_MAX) { /* a row without columns: no cover */
        *nb = SIZE_MAX;
        *lb = SIZE_MAX;
        *status = 1;
        goto out;
      }
      ub[k] = st.nbest;
      lo[k] = st.lower;
      prov[k] = (unsigned char)st.proven;
      sumub += ub[k];
      sumlb += lo[k];
    }
    /* pass 2: close the gaps, largest first, until decided */
    for (;;) {
      if (limit > 0 && (sumub <= limit || sumlb > limit)) {
        decided = 1;
        break;
      }
      size_t kb = SIZE_MAX;
      for (size_t k = 0; k < K; k++)
        if (!prov[k] && (kb == SIZE_MAX || ub[k] - lo[k] > ub[kb] - lo[kb]))
          kb = k;
      if (kb == SIZE_MAX) {
        decided = 1;
        break;
      }
      if (ec__now() > t_end) {
        timed_out = 1;
        break;
      }
      ec__sc_matrix A = COMP_MATRIX(kb);
      size_t cap = limit > 0 ? limit - (sumlb - lo[kb]) : SIZE_MAX;
      rc = ec__sc_solve(&A, cap, 0, 0, t_end, tmp, &st);
      if (rc) goto out;
      if (st.nbest < ub[kb]) {
        memcpy(sol + coff[kb], tmp, st.nbest * sizeof *tmp);
        sumub -= ub[kb] - st.nbest;
        ub[kb] = st.nbest;
      }
      if (st.lower > lo[kb]) {
        sumlb += st.lower - lo[kb];
        lo[kb] = st.lower;
      }
      if (lo[kb] >= ub[kb]) prov[kb] = 1;
      if (!st.proven) {
        timed_out = 1;
        break;
      }
      prov[kb] = 1;
    }
    (void)timed_out;
  }
#undef COMP_MATRIX
  size_t q = 0;
  for (size_t k = 0; k < K; k++)
    for (size_t a = 0; a < ub[k]; a++)
      best[q++] = cord[coff[k] + sol[coff[k] + a]];
  *nb = q;
  *lb = sumlb < q ? sumlb : q;
  *status = decided;
out:
  free(par);
  free(comp);
  free(rord);
  free(cord);
  free(rloc);
  free(cloc);
  free(Ri);
  free(Ci);
  free(sol);
  free(tmp);
  free(roff);
  free(coff);
  free(zoff);
  free(Rp);
  free(Cp);
  free(ub);
  free(lo);
  free(prov);
  return rc;
}

int ec__set_cover(const ec__cover_problem *cp, size_t limit, uint32_t *sel,
                  size_t *nsel, size_t *lower, int *status, ec_error *err) {
  size_t n = cp->n, m = cp->m, nnz = cp->rowptr[n];
  size_t nn = n ? n : 1, mm = m ? m : 1, zz = nnz ? nnz : 1;
  size_t *rp = malloc((n + 1) * sizeof *rp);
  uint32_t *ri = malloc(zz * sizeof *ri);
  size_t *cpp = calloc(m + 1, sizeof *cpp);
  uint32_t *ci = malloc(zz * sizeof *ci);
  unsigned char *avail = calloc(mm, 1);
  unsigned char *alive = malloc(nn);
  unsigned char *mark = calloc(mm, 1);
  unsigned char *rmark = calloc(nn, 1);
  size_t *pos = malloc((m + 1) * sizeof *pos);
  uint32_t *fixedsel = malloc(mm * sizeof *fixedsel);
  /* compact matrix for the engine */
  uint32_t *rnew = malloc(nn * sizeof *rnew), *cold = malloc(mm * sizeof *cold);
  uint32_t *cnew = malloc(mm * sizeof *cnew);
  size_t *crp = malloc((n + 1) * sizeof *crp),
         *ccp = calloc(m + 1, sizeof *ccp);
  uint32_t *cri = malloc(zz * sizeof *cri), *cci = malloc(zz * sizeof *cci);
  uint32_t *best = malloc(mm * sizeof *best);
  size_t nb = SIZE_MAX, lb = 0;
  int rc = EC_OK;
  *nsel = SIZE_MAX;
  *lower = 0;
  *status = 0;
  if (!rp || !ri || !cpp || !ci || !avail || !alive || !mark || !rmark ||
      !pos || !fixedsel || !rnew || !cold || !cnew || !crp || !ccp || !cri ||
      !cci || !best) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                      "out of memory in the set-cover search");
    goto out;
  }
  /* Rows covered by a fixed site are dropped; columns = candidates. */
  size_t nfix = 0, q = 0;
  for (size_t j = 0; j < m; j++)
    if (cp->fixed[j]) fixedsel[nfix++] = (uint32_t)j;
  rp[0] = 0;
  for (size_t i = 0; i < n; i++) {
    int byfixed = 0;
    for (size_t k = cp->rowptr[i]; k < cp->rowptr[i + 1]; k++)
      if (cp->fixed[cp->rows[k]]) byfixed = 1;
    alive[i] = !byfixed;
    if (!byfixed)
      for (size_t k = cp->rowptr[i]; k < cp->rowptr[i + 1]; k++)
        if (cp->cand[cp->rows[k]] && !cp->fixed[cp->rows[k]])
          ri[q++] = cp->rows[k];
    rp[i + 1] = q;
  }
  for (size_t k = 0; k < q; k++)
    cpp[ri[k] + 1]++;
  for (size_t j = 0; j < m; j++)
    cpp[j + 1] += cpp[j];
  memcpy(pos, cpp, (m + 1) * sizeof *pos);
  for (size_t i = 0; i < n; i++)
    for (size_t k = rp[i]; k < rp[i + 1]; k++)
      ci[pos[ri[k]]++] = (uint32_t)i;
  for (size_t j = 0; j < m; j++)
    avail[j] = cp->cand[j] && !cp->fixed[j] && cpp[j + 1] > cpp[j];
  for (size_t i = 0; i < n; i++)
    if (alive[i] && rp[i + 1] == rp[i]) { /* nobody can cover this client */
      *lower = SIZE_MAX;
      *status = 1;
      goto out;
    }
  /* Dominated columns: c's rows within another available column's rows
   * (equal sets: keep the lower index). Any such column covers c's first
   * row, so only that row's columns are compared. */
  for (size_t c = 0; c < m; c++) {
    if (!avail[c]) continue;
    size_t cn = cpp[c + 1] - cpp[c];
    uint32_t r0 = ci[cpp[c]];
    for (size_t k = cpp[c]; k < cpp[c + 1]; k++)
      rmark[ci[k]] = 1;
    for (size_t k = rp[r0]; k < rp[r0 + 1]; k++) {
      uint32_t d = ri[k];
      if (d == c || !avail[d]) continue;
      size_t dn = cpp[d + 1] - cpp[d];
      if (dn < cn || (dn == cn && d > c)) continue;
      size_t hit = 0;
      for (size_t t = cpp[d]; t < cpp[d + 1]; t++)
        hit += rmark[ci[t]];
      if (hit == cn) {
        avail[c] = 0;
        break;
      }
    }
    for (size_t k = cpp[c]; k < cpp[c + 1]; k++)
      rmark[ci[k]] = 0;
    if (ec__now() > cp->t_end) break;
  }
  /* Dominated rows: if avail(a) within avail(b), covering a covers b. */
  for (size_t a = 0; a < n; a++) {
    if (!alive[a]) continue;
    size_t an = avail_count(rp, ri, avail, a);
    uint32_t c0 = UINT32_MAX;
    for (size_t k = rp[a]; k < rp[a + 1]; k++)
      if (avail[ri[k]]) {
        c0 = ri[k];
        break;
      }
    if (c0 == UINT32_MAX) continue;
    for (size_t k = rp[a]; k < rp[a + 1]; k++)
      mark[ri[k]] = 1;
    for (size_t t = cpp[c0]; t < cpp[c0 + 1]; t++) {
      uint32_t b = ci[t];
      if (b == a || !alive[b]) continue;
      size_t bn = avail_count(rp, ri, avail, b);
      if (bn < an || (bn == an && b < a)) continue;
      size_t hit = 0;
      for (size_t k = rp[b]; k < rp[b + 1]; k++)
        hit += avail[ri[k]] && mark[ri[k]];
      if (hit == an) alive[b] = 0;
    }
    for (size_t k = rp[a]; k < rp[a + 1]; k++)
      mark[ri[k]] = 0;
    if (ec__now() > cp->t_end) break;
  }
  /* Compact: alive rows x available columns that cover an alive row. */
  size_t n2 = 0, m2 = 0, q2 = 0;
  for (size_t j = 0; j < m; j++)
    cnew[j] = UINT32_MAX;
  for (size_t i = 0; i < n; i++) {
    rnew[i] = UINT32_MAX;
    if (!alive[i]) continue;
    rnew[i] = (uint32_t)n2++;
    for (size_t k = rp[i]; k < rp[i + 1]; k++)
      if (avail[ri[k]] && cnew[ri[k]] == UINT32_MAX) {
        cnew[ri[k]] = 0; /* seen; numbered below in site order */
      }
  }
  for (size_t j = 0; j < m; j++)
    if (cnew[j] != UINT32_MAX) {
      cnew[j] = (uint32_t)m2;
      cold[m2++] = (uint32_t)j;
    }
  crp[0] = 0;
  for (size_t i = 0; i < n; i++) {
    if (!alive[i]) continue;
    for (size_t k = rp[i]; k < rp[i + 1]; k++)
      if (avail[ri[k]]) cri[q2++] = cnew[ri[k]];
    crp[rnew[i] + 1] = q2;
  }
  for (size_t k = 0; k < q2; k++)
    ccp[cri[k] + 1]++;
  for (size_t j = 0; j < m2; j++)
    ccp[j + 1] += ccp[j];
  memcpy(pos, ccp, (m2 + 1) * sizeof *pos);
  for (size_t i = 0; i < n2; i++)
    for (size_t k = crp[i]; k < crp[i + 1]; k++)
      cci[pos[cri[k]]++] = (uint32_t)i;
  rc = solve_components(n2, m2, crp, cri, ccp, cci, limit, cp->t_end, best, &nb,
                        &lb, status);
  if (rc) {
    rc = ec_error_set(err, rc, NULL, 0, NULL,
                      "out of memory in the set-cover search");
    goto out;
  }
  if (nb == SIZE_MAX) {
    *lower = lb == SIZE_MAX ? SIZE_MAX : nfix + lb;
  } else {
    memcpy(sel, fixedsel, nfix * sizeof *sel);
    for (size_t k = 0; k < nb; k++)
      sel[nfix + k] = cold[best[k]];
    *nsel = nfix + nb;
    *lower = nfix + lb;
  }
out:
  free(rp);
  free(ri);
  free(cpp);
  free(ci);
  free(avail);
  free(alive);
  free(mark);
  free(rmark);
  free(pos);
  free(fixedsel);
  free(rnew);
  free(cold);
  free(cnew);
  free(crp);
  free(ccp);
  free(cri);
  free(cci);
  free(best);
  return rc;
}
