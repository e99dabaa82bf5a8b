/* siting_cover.c — exact unicost set cover for LSCP and the p-center oracle:
 * root reductions (fixed sites, essential columns, dominated rows and
 * columns), a greedy upper bound, then depth-first branch and bound that
 * branches on the row with the fewest columns and bounds with a packing of
 * pairwise column-disjoint rows (each needs its own site). */
#include <stdlib.h>
#include <string.h>

#include "siting_internal.h"

typedef struct {
  size_t n, m;
  size_t *rp, *cp;      /* row -> cols, col -> rows (reduced problem) */
  uint32_t *ri, *ci;
  unsigned char *avail; /* column may still be chosen */
  unsigned char *alive; /* row must be covered */
  uint32_t *covcnt;     /* per row: chosen columns covering it */
  size_t nunc;          /* alive rows not yet covered */
  uint32_t *cur, *best;
  size_t ncur, nbest;   /* nbest = SIZE_MAX: none yet */
  size_t target;        /* stop when a cover of <= target is found */
  unsigned char *mark;  /* per column scratch */
  uint32_t *order;      /* per row scratch */
  double t_end;
  int timed_out, done;
  long nodes;
} sc;

static void choose(sc *s, uint32_t c, int sign) {
  for (size_t k = s->cp[c]; k < s->cp[c + 1]; k++) {
    uint32_t r = s->ci[k];
    if (!s->alive[r]) continue;
    if (sign > 0) {
      if (s->covcnt[r]++ == 0) s->nunc--;
    } else if (--s->covcnt[r] == 0) {
      s->nunc++;
    }
  }
}

static size_t avail_count(const sc *s, size_t r) {
  size_t a = 0;
  for (size_t k = s->rp[r]; k < s->rp[r + 1]; k++) a += s->avail[s->ri[k]];
  return a;
}

/* Rows pairwise without a common available column: a lower bound. */
static size_t packing_bound(sc *s) {
  memset(s->mark, 0, s->m);
  size_t lb = 0;
  for (size_t r = 0; r < s->n; r++) {
    if (!s->alive[r] || s->covcnt[r]) continue;
    int ok = 1;
    for (size_t k = s->rp[r]; k < s->rp[r + 1] && ok; k++)
      if (s->avail[s->ri[k]] && s->mark[s->ri[k]]) ok = 0;
    if (!ok) continue;
    lb++;
    for (size_t k = s->rp[r]; k < s->rp[r + 1]; k++) s->mark[s->ri[k]] = 1;
  }
  return lb;
}

static size_t newly(const sc *s, uint32_t c) {
  size_t a = 0;
  for (size_t k = s->cp[c]; k < s->cp[c + 1]; k++)
    a += s->alive[s->ci[k]] && !s->covcnt[s->ci[k]];
  return a;
}

static void bnb(sc *s) {
  if (s->done) return;
  if ((++s->nodes & 255) == 0 && ec__now() > s->t_end) {
    s->timed_out = 1;
    s->done = 1;
  }
  if (s->done) return;
  if (s->nunc == 0) {
    if (s->nbest == SIZE_MAX || s->ncur < s->nbest) {
      s->nbest = s->ncur;
      memcpy(s->best, s->cur, s->ncur * sizeof *s->cur);
      if (s->nbest <= s->target) s->done = 1;
    }
    return;
  }
  size_t bound = s->nbest;
  if (s->target > 0 && s->target + 1 < bound) bound = s->target + 1;
  if (s->ncur + 1 >= bound) return;
  if (s->ncur + packing_bound(s) >= bound) return;
  /* Row with the fewest available columns. */
  size_t br = SIZE_MAX, bc = SIZE_MAX;
  for (size_t r = 0; r < s->n; r++) {
    if (!s->alive[r] || s->covcnt[r]) continue;
    size_t a = avail_count(s, r);
    if (a < bc) {
      bc = a;
      br = r;
      if (a <= 1) break;
    }
  }
  if (bc == 0) return;
  /* Its columns, most newly covered rows first. */
  size_t nb = 0;
  uint32_t *cols = malloc(bc * sizeof *cols);
  size_t *gain = malloc(bc * sizeof *gain);
  if (!cols || !gain) {
    free(cols);
    free(gain);
    s->done = 1;
    return;
  }
  for (size_t k = s->rp[br]; k < s->rp[br + 1]; k++)
    if (s->avail[s->ri[k]]) {
      cols[nb] = s->ri[k];
      gain[nb++] = newly(s, s->ri[k]);
    }
  for (size_t a = 1; a < nb; a++) /* insertion sort, descending gain */
    for (size_t b = a; b > 0 && gain[b] > gain[b - 1]; b--) {
      size_t tg = gain[b];
      gain[b] = gain[b - 1];
      gain[b - 1] = tg;
      uint32_t tc = cols[b];
      cols[b] = cols[b - 1];
      cols[b - 1] = tc;
    }
  size_t tried = 0;
  for (size_t a = 0; a < nb && !s->done; a++) {
    uint32_t c = cols[a];
    choose(s, c, +1);
    s->avail[c] = 0;
    s->cur[s->ncur++] = c;
    bnb(s);
    s->ncur--;
    choose(s, c, -1);
    tried++;
  }
  for (size_t a = 0; a < tried; a++) s->avail[cols[a]] = 1;
  free(cols);
  free(gain);
}

int ec__set_cover(const ec__cover_problem *cp, size_t limit, uint32_t *sel,
                  size_t *nsel, size_t *lower, int *status, ec_error *err) {
  size_t n = cp->n, m = cp->m, nnz = cp->rowptr[n];
  sc s;
  memset(&s, 0, sizeof s);
  s.n = n;
  s.m = m;
  s.t_end = cp->t_end;
  s.nbest = SIZE_MAX;
  s.target = limit;
  s.rp = malloc((n + 1) * sizeof *s.rp);
  s.ri = malloc((nnz ? nnz : 1) * sizeof *s.ri);
  s.cp = calloc(m + 1, sizeof *s.cp);
  s.ci = malloc((nnz ? nnz : 1) * sizeof *s.ci);
  s.avail = calloc(m ? m : 1, 1);
  s.alive = malloc(n ? n : 1);
  s.covcnt = calloc(n ? n : 1, sizeof *s.covcnt);
  s.cur = malloc((m ? m : 1) * sizeof *s.cur);
  s.best = malloc((m ? m : 1) * sizeof *s.best);
  s.mark = calloc(m ? m : 1, 1);
  s.order = calloc(n ? n : 1, sizeof *s.order);
  size_t *pos = malloc((m + 1) * sizeof *pos);
  uint32_t *fixedsel = malloc((m ? m : 1) * sizeof *fixedsel);
  int rc = EC_OK;
  if (!s.rp || !s.ri || !s.cp || !s.ci || !s.avail || !s.alive ||
      !s.covcnt || !s.cur || !s.best || !s.mark || !s.order || !pos ||
      !fixedsel) {
    rc = ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL,
                      "out of memory in the set-cover search");
    goto out;
  }
  /* Rows covered by a fixed site are dropped; columns = candidates. */
  size_t nfix = 0, q = 0;
  for (size_t j = 0; j < m; j++)
    if (cp->fixed[j]) fixedsel[nfix++] = (uint32_t)j;
  s.rp[0] = 0;
  for (size_t i = 0; i < n; i++) {
    int byfixed = 0;
    for (size_t k = cp->rowptr[i]; k < cp->rowptr[i + 1]; k++)
      if (cp->fixed[cp->rows[k]]) byfixed = 1;
    s.alive[i] = !byfixed;
    if (!byfixed)
      for (size_t k = cp->rowptr[i]; k < cp->rowptr[i + 1]; k++)
        if (cp->cand[cp->rows[k]]) s.ri[q++] = cp->rows[k];
    s.rp[i + 1] = q;
  }
  for (size_t k = 0; k < q; k++) s.cp[s.ri[k] + 1]++;
  for (size_t j = 0; j < m; j++) s.cp[j + 1] += s.cp[j];
  memcpy(pos, s.cp, (m + 1) * sizeof *pos);
  for (size_t i = 0; i < n; i++)
    for (size_t k = s.rp[i]; k < s.rp[i + 1]; k++) s.ci[pos[s.ri[k]]++] = (uint32_t)i;
  for (size_t j = 0; j < m; j++) s.avail[j] = cp->cand[j] && s.cp[j + 1] > s.cp[j];
  s.nunc = 0;
  for (size_t i = 0; i < n; i++) {
    if (!s.alive[i]) continue;
    s.nunc++;
    if (s.rp[i + 1] == s.rp[i]) { /* nobody can cover this client */
      *nsel = SIZE_MAX;
      *lower = SIZE_MAX;
      *status = 1;
      goto out;
    }
  }
  /* Dominated columns: c's rows within another available column's rows
   * (equal sets: keep the lower index). Checked through c's first row. */
  for (size_t c = 0; c < m; c++) {
    if (!s.avail[c]) continue;
    size_t cn = s.cp[c + 1] - s.cp[c];
    uint32_t r0 = s.ci[s.cp[c]];
    for (size_t k = s.cp[c]; k < s.cp[c + 1]; k++) s.order[s.ci[k]] = 1;
    for (size_t k = s.rp[r0]; k < s.rp[r0 + 1]; k++) {
      uint32_t d = s.ri[k];
      if (d == c || !s.avail[d]) continue;
      size_t dn = s.cp[d + 1] - s.cp[d];
      if (dn < cn || (dn == cn && d > c)) continue;
      size_t hit = 0;
      for (size_t t = s.cp[d]; t < s.cp[d + 1]; t++)
        hit += s.order[s.ci[t]] == 1;
      if (hit == cn) {
        s.avail[c] = 0;
        break;
      }
    }
    for (size_t k = s.cp[c]; k < s.cp[c + 1]; k++) s.order[s.ci[k]] = 0;
    if (ec__now() > s.t_end) break;
  }
  /* Dominated rows: if avail(a) within avail(b), covering a covers b. */
  for (size_t a = 0; a < n; a++) {
    if (!s.alive[a]) continue;
    size_t an = avail_count(&s, a);
    uint32_t c0 = UINT32_MAX;
    for (size_t k = s.rp[a]; k < s.rp[a + 1]; k++)
      if (s.avail[s.ri[k]]) {
        c0 = s.ri[k];
        break;
      }
    if (c0 == UINT32_MAX) continue;
    for (size_t k = s.rp[a]; k < s.rp[a + 1]; k++) s.mark[s.ri[k]] = 1;
    for (size_t t = s.cp[c0]; t < s.cp[c0 + 1]; t++) {
      uint32_t b = s.ci[t];
      if (b == a || !s.alive[b]) continue;
      size_t bn = avail_count(&s, b);
      if (bn < an || (bn == an && b < a)) continue;
      size_t hit = 0;
      for (size_t k = s.rp[b]; k < s.rp[b + 1]; k++)
        hit += s.avail[s.ri[k]] && s.mark[s.ri[k]];
      if (hit == an) {
        s.alive[b] = 0;
        s.nunc--;
      }
    }
    for (size_t k = s.rp[a]; k < s.rp[a + 1]; k++) s.mark[s.ri[k]] = 0;
    if (ec__now() > s.t_end) break;
  }
  /* Greedy upper bound. */
  {
    size_t ng = 0;
    while (s.nunc > 0) {
      size_t bg = 0;
      uint32_t bcol = 0;
      for (size_t c = 0; c < m; c++) {
        if (!s.avail[c]) continue;
        size_t g = newly(&s, (uint32_t)c);
        if (g > bg) {
          bg = g;
          bcol = (uint32_t)c;
        }
      }
      if (bg == 0) break;
      choose(&s, bcol, +1);
      s.avail[bcol] = 0;
      s.cur[ng++] = bcol;
    }
    for (size_t a = 0; a < ng; a++) {
      choose(&s, s.cur[a], -1);
      s.avail[s.cur[a]] = 1;
    }
    if (s.nunc > 0) {
      /* unreachable given the checks above, but keep the search honest */
      s.nunc = 0;
      for (size_t i = 0; i < n; i++) s.nunc += s.alive[i] && !s.covcnt[i];
    }
    s.nbest = ng;
    memcpy(s.best, s.cur, ng * sizeof *s.cur);
  }
  size_t lb_root = packing_bound(&s);
  if (s.nbest <= limit || s.nbest <= lb_root) {
    s.timed_out = 0;
  } else {
    s.ncur = 0;
    bnb(&s);
  }
  *status = s.timed_out ? 0 : 1;
  if (s.nbest == SIZE_MAX) {
    *nsel = SIZE_MAX;
  } else {
    memcpy(sel, fixedsel, nfix * sizeof *sel);
    memcpy(sel + nfix, s.best, s.nbest * sizeof *sel);
    *nsel = nfix + s.nbest;
  }
  if (s.timed_out || (limit > 0 && s.nbest <= limit)) *lower = nfix + lb_root;
  else if (limit > 0) *lower = nfix + (lb_root > limit + 1 ? lb_root : limit + 1);
  else *lower = *nsel;
out:
  free(s.rp);
  free(s.ri);
  free(s.cp);
  free(s.ci);
  free(s.avail);
  free(s.alive);
  free(s.covcnt);
  free(s.cur);
  free(s.best);
  free(s.mark);
  free(s.order);
  free(pos);
  free(fixedsel);
  return rc;
}
