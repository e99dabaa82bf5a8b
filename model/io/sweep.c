/* sweep.c — scenario sets and the run driver: batches of (scenario, replicate)
 * items on a thread pool, streamed to HDF5 and to append-only checkpoints. */
#include "eldercap/ec_sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <libgen.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "eldercap/ec_atomic.h"
#include "eldercap/ec_csv.h"
#include "eldercap/ec_results.h"

#ifdef ELDERCAP_HAVE_MPI
#include <mpi.h>
#endif

#ifndef ELDERCAP_VERSION
#define ELDERCAP_VERSION "0"
#endif
#ifndef ELDERCAP_GIT_HASH
#define ELDERCAP_GIT_HASH "unknown"
#endif

/* --- scenario sets ------------------------------------------------------- */

long ec_sweep_count(const ec_scenario *s) {
  if (s->nsweep == 0) return 1;
  long n = s->sweep_zip ? s->sweep[0].nvalues : 1;
  for (int a = 0; a < s->nsweep; a++) {
    if (s->sweep_zip) {
      if (s->sweep[a].nvalues != n) return -1;
    } else {
      if (n > 100000000L / (s->sweep[a].nvalues ? s->sweep[a].nvalues : 1)) return -1;
      n *= s->sweep[a].nvalues;
    }
  }
  return n;
}

static int axis_index(const ec_scenario *s, long k, int a) {
  if (s->sweep_zip) return (int)k;
  long stride = 1;
  for (int b = s->nsweep - 1; b > a; b--) stride *= s->sweep[b].nvalues;
  return (int)((k / stride) % s->sweep[a].nvalues);
}

int ec_sweep_scenario(const ec_scenario *base, long k, ec_scenario *out, ec_error *err) {
  *out = *base;
  out->text = NULL;
  out->overrides = NULL;
  out->noverrides = 0;
  out->nsweep = 0;
  for (int a = 0; a < base->nsweep; a++) {
    const ec_sweep_axis *ax = &base->sweep[a];
    char sec[64];
    const char *dot = strchr(ax->key, '.');
    snprintf(sec, sizeof sec, "%.*s", (int)(dot - ax->key), ax->key);
    int rc = ec_scenario_set(out, sec, dot + 1, ax->values[axis_index(base, k, a)],
                             base->path, 0, err);
    if (rc) return rc;
  }
  return ec_scenario_validate(out, err);
}

static uint64_t fnv1a(const void *p, size_t n);

/* --- the runner ---------------------------------------------------------- */

#define NCITY 7 /* homes, homes_medical, medical_share, meets_medical, gini, palma, within */
#define EC_SUMMARY_SCENARIOS 64 /* scenarios whose city totals the summary keeps */

/* City totals whose Monte Carlo quantiles are kept (the sum over townships
 * of each replicate, then its quantiles: township quantiles do not add). */
static const int city_q_vars[] = {EC_V_POP_60PLUS,    EC_V_POP_65PLUS,      EC_V_POP_80PLUS,
                                  EC_V_ELDERLY,       EC_V_BEDS_REQUIRED,   EC_V_BEDS_AVAILABLE,
                                  EC_V_BED_GAP};
#define NCITYQ ((int)(sizeof city_q_vars / sizeof city_q_vars[0]))

typedef struct {
  long k;               /* scenario index */
  ec_scenario s;        /* its parameters */
  ec_plan *plan;
  double *det;          /* EC_NVARS * cell */
  double city[NCITY * 200];
  double *rep;          /* nrep * EC_NVARS * cell */
  ec_agesex *pop;       /* deterministic populations (nyears * nunits) */
} slot;

struct ec_runner {
  const ec_scenario *s;
  ec_run_options o;
  ec_plan *inputs;
  long nscen;
  int nrep, nq, keep, has_scen;
  int nyears, nunits;
  size_t cell;
  size_t payload; /* doubles per scenario in the checkpoint */
  ec_results *res;
  unsigned char *done; /* per scenario: 1 when written */
  long ndone, nmine, resumed;
  long next_k;         /* next scenario to consider */
  /* checkpoint */
  char ckpt_prefix[EC_PATH_MAX];
  char ckpt_path[EC_PATH_MAX + 96];
  int ckpt_fd;
  char fingerprint[65];
  double last_sync;
  /* batch */
  int bcap, bn;
  slot *b;
  long bitems, bnext;
  int threads;
  /* summary of scenario 0 */
  double *sum_vars;
  ec_city_year *sum_city;
  double *city_totals; /* nscen * EC_NVARS (horizon year), NaN if not mine */
  double write_s;      /* seconds spent writing results (HDF5) */
  double write_bytes;  /* bytes of result values written (before compression) */
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ec_runner_write_stats(const ec_runner *r, double *seconds, double *bytes) {
  *seconds = r->write_s;
  *bytes = r->write_bytes;
}

static int mine(const ec_runner *r, long k) { return k % r->o.size == r->o.rank; }

long ec_runner_nscenarios(const ec_runner *r) { return r->nscen; }
long ec_runner_resumed(const ec_runner *r) { return r->resumed; }
const ec_plan *ec_runner_plan(const ec_runner *r) { return r->inputs; }
const double *ec_runner_summary_vars(const ec_runner *r) { return r->sum_vars; }
const ec_city_year *ec_runner_summary_city(const ec_runner *r) { return r->sum_city; }
double ec_runner_city_total(const ec_runner *r, long k, int v, int y) {
  (void)y;
  return r->city_totals && k < EC_SUMMARY_SCENARIOS ? r->city_totals[k * EC_NVARS + v] : NAN;
}

double ec_runner_memory_mb(const ec_scenario *s, int nunits, int threads) {
  double cell = (double)(s->horizon_year - s->start_year + 1) * nunits;
  long nscen = ec_sweep_count(s);
  double batch = nscen < 2L * threads ? (double)nscen : 2.0 * threads;
  if (batch < 1) batch = 1;
  double per = cell * EC_NVARS * 8.0 * (1.0 + s->replicates) +
               cell * sizeof(ec_agesex) + 64e3 /* plan, projection */;
  double fixed = 32e6 /* inputs, libraries */ + (double)nscen /* done flags */;
  double q = cell * EC_NVARS * 8.0 * (s->nquantiles + 2);
  return (batch * per + threads * (cell * sizeof(ec_agesex) + (s->replicates + 1) * 8.0) +
          fixed + q) / 1e6;
}

/* Fingerprint of what a checkpoint may be reused for: version, scenario text,
 * overrides and the layout (two FNV-1a hashes, hex). */
static void fingerprint(const ec_runner *r, char hex[65]) {
  size_t cap = 4096 + (r->s->text ? strlen(r->s->text) : 0);
  for (int i = 0; i < r->s->noverrides; i++) cap += strlen(r->s->overrides[i]) + 8;
  char *buf = malloc(cap);
  if (!buf) {
    snprintf(hex, 65, "%064d", 0);
    return;
  }
  size_t n = (size_t)snprintf(buf, cap, "eldercap %s %s\n%s\n", ELDERCAP_VERSION,
                              ELDERCAP_GIT_HASH, r->s->text ? r->s->text : "");
  for (int i = 0; i < r->s->noverrides; i++)
    n += (size_t)snprintf(buf + n, cap - n, "--set %s\n", r->s->overrides[i]);
  n += (size_t)snprintf(buf + n, cap - n, "layout %ld %d %d %d %d %d %zu\n", r->nscen,
                        r->nyears, r->nunits, r->nrep, r->nq, r->keep, r->payload);
  uint64_t h1 = fnv1a(buf, n), h2 = fnv1a(buf, n / 2) ^ (uint64_t)n;
  snprintf(hex, 65, "%016llx%016llx%032zx", (unsigned long long)h1, (unsigned long long)h2, n);
  free(buf);
}

/* --- result layout ----------------------------------------------------------- */

static const char *qname(const ec_var_info *v, char *buf, size_t n, const char *suffix) {
  snprintf(buf, n, "%s%s", v->name, suffix);
  return buf;
}

static int define_layout(ec_runner *r, ec_error *err) {
  const ec_scenario *s = r->s;
  int rc;
  if ((rc = ec_results_provenance(r->res, r->o.command_line, s->path, s->text ? s->text : "",
                                  s->seed, err)) ||
      (rc = ec_plan_write_static(r->inputs, r->res, r->nq, r->keep ? r->nrep : 0, err)))
    return rc;
  char buf[4096] = "";
  for (int i = 0; i < s->noverrides; i++) {
    strncat(buf, s->overrides[i], sizeof buf - strlen(buf) - 2);
    strcat(buf, "\n");
  }
  if ((rc = ec_results_attr_str(r->res, NULL, "scenario_overrides", buf, err)) ||
      (rc = ec_results_attr_long(r->res, NULL, "replicates", s->replicates, err)) ||
      (rc = ec_results_attr_long(r->res, NULL, "scenarios", r->nscen, err)))
    return rc;
  if (r->has_scen) {
    int *idx = malloc((size_t)r->nscen * sizeof *idx);
    if (!idx) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    for (long k = 0; k < r->nscen; k++) idx[k] = (int)k;
    rc = ec_results_dim(r->res, "scenario", (size_t)r->nscen, idx, NULL, "1",
                        "scenario index (see the sweep_* datasets)", err);
    free(idx);
    if (rc) return rc;
    /* one dataset per swept parameter on the scenario axis */
    const char *dS[] = {"scenario"};
    double *vals = malloc((size_t)r->nscen * sizeof *vals);
    const char **strs = malloc((size_t)r->nscen * sizeof *strs);
    for (int a = 0; a < s->nsweep && !rc; a++) {
      const ec_sweep_axis *ax = &s->sweep[a];
      char name[128];
      snprintf(name, sizeof name, "sweep_%s", ax->key);
      for (char *c = name; *c; c++)
        if (*c == '.') *c = '_';
      int numeric = 1;
      for (int v = 0; v < ax->nvalues; v++) {
        double x;
        if (ec_parse_double(ax->values[v], &x)) numeric = 0;
      }
      char ln[256];
      snprintf(ln, sizeof ln, "swept value of scenario key %s", ax->key);
      for (long k = 0; k < r->nscen; k++) {
        const char *t = ax->values[axis_index(s, k, a)];
        strs[k] = t;
        if (numeric) ec_parse_double(t, &vals[k]);
      }
      rc = numeric ? ec_results_put(r->res, name, EC_H5_DOUBLE, 1, dS, "1", ln, vals, err)
                   : ec_results_put(r->res, name, EC_H5_STRING, 1, dS, "1", ln, strs, err);
      if (!rc) rc = ec_results_attr_str(r->res, name, "key", ax->key, err);
    }
    free(vals);
    free(strs);
    if (rc) return rc;
  }
  /* per-scenario datasets */
  const char *d2[5], *d3[5];
  int n2 = 0;
  if (r->has_scen) d2[n2++] = "scenario";
  d2[n2++] = "year";
  d2[n2++] = "township";
  for (int v = 0; v < EC_NVARS; v++) {
    const ec_var_info *vi = &ec_var_table[v];
    if ((rc = ec_results_define(r->res, vi->name, vi->is_flag ? EC_H5_INT8 : EC_H5_DOUBLE, n2, d2,
                                vi->units, vi->long_name, err)))
      return rc;
    char nm[96], ln[400];
    if (r->nq) {
      int n3 = 0;
      if (r->has_scen) d3[n3++] = "scenario";
      d3[n3++] = "quantile";
      d3[n3++] = "year";
      d3[n3++] = "township";
      if (vi->is_flag) {
        snprintf(ln, sizeof ln, "share of Monte Carlo replicates where: %s", vi->long_name);
        rc = ec_results_define(r->res, qname(vi, nm, sizeof nm, "_share"), EC_H5_DOUBLE, n2, d2,
                               "1", ln, err);
      } else {
        snprintf(ln, sizeof ln, "%s: Monte Carlo quantiles", vi->long_name);
        rc = ec_results_define(r->res, qname(vi, nm, sizeof nm, "_q"), EC_H5_DOUBLE, n3, d3,
                               vi->units, ln, err);
      }
      if (rc) return rc;
    }
    if (r->keep) {
      int n3 = 0;
      if (r->has_scen) d3[n3++] = "scenario";
      d3[n3++] = "replicate";
      d3[n3++] = "year";
      d3[n3++] = "township";
      snprintf(ln, sizeof ln, "%s: every Monte Carlo replicate", vi->long_name);
      if ((rc = ec_results_define(r->res, qname(vi, nm, sizeof nm, "_rep"),
                                  vi->is_flag ? EC_H5_INT8 : EC_H5_DOUBLE, n3, d3, vi->units, ln,
                                  err)))
        return rc;
    }
  }
  const char *dc[2];
  int nc = 0;
  if (r->has_scen) dc[nc++] = "scenario";
  dc[nc++] = "year";
  if ((rc = ec_results_define(r->res, "homes_open", EC_H5_DOUBLE, nc, dc, "1",
                              "nursing homes open by 1 July (city)", err)) ||
      (rc = ec_results_define(r->res, "homes_medical", EC_H5_DOUBLE, nc, dc, "1",
                              "homes open giving medical care (city)", err)) ||
      (rc = ec_results_define(r->res, "medical_share", EC_H5_DOUBLE, nc, dc, "1",
                              "share of homes with known status giving medical care (NaN: unknown)",
                              err)) ||
      (rc = ec_results_define(r->res, "meets_medical_rule", EC_H5_INT8, nc, dc, "1",
                              "1 if more than medical_share_target of homes give medical care, "
                              "0 if not, -1 unknown",
                              err)) ||
      (rc = ec_results_define(r->res, "access_gini", EC_H5_DOUBLE, nc, dc, "1",
                              "Gini of 2SFCA access over the city's elderly", err)) ||
      (rc = ec_results_define(r->res, "access_palma", EC_H5_DOUBLE, nc, dc, "1",
                              "Palma ratio of 2SFCA access (top 10 % / bottom 40 %)", err)) ||
      (rc = ec_results_define(r->res, "share_within_radius_city", EC_H5_DOUBLE, nc, dc, "1",
                              "share of the city's elderly within radius_m of an open home", err)))
    return rc;
  if (r->nq) {
    const char *dq[3];
    int n3 = 0;
    if (r->has_scen) dq[n3++] = "scenario";
    dq[n3++] = "quantile";
    dq[n3++] = "year";
    for (int c = 0; c < NCITYQ; c++) {
      const ec_var_info *vi = &ec_var_table[city_q_vars[c]];
      char nm[96], ln[400];
      snprintf(nm, sizeof nm, "city_%s_q", vi->name);
      snprintf(ln, sizeof ln, "city total, %s: Monte Carlo quantiles of the replicates' sums",
               vi->long_name);
      if ((rc = ec_results_define(r->res, nm, EC_H5_DOUBLE, n3, dq, vi->units, ln, err)))
        return rc;
    }
  }
  if (!r->has_scen) {
    const char *d4[] = {"year", "sex", "age", "township"};
    if ((rc = ec_results_define(r->res, "population", EC_H5_DOUBLE, 4, d4, "persons",
                                "population by sex and single year of age (deterministic "
                                "projection)",
                                err)))
      return rc;
  }
  return EC_OK;
}


/* Payload of one scenario, in checkpoint order: det, city, q (or share), rep,
 * city quantiles. */
static size_t payload_size(const ec_runner *r) {
  size_t n = EC_NVARS * r->cell + (size_t)NCITY * (size_t)r->nyears;
  if (r->nq) n += EC_NVARS * (size_t)r->nq * r->cell; /* flags use nq slots for the share */
  if (r->keep) n += EC_NVARS * (size_t)r->nrep * r->cell;
  if (r->nq) n += (size_t)NCITYQ * (size_t)r->nq * (size_t)r->nyears;
  return n;
}

/* Quantiles of the city totals: out[NCITYQ][nq][nyears]. */
static void summarise_city(const ec_runner *r, const double *rep, double *out) {
  double *col = malloc((size_t)(r->nrep > 0 ? r->nrep : 1) * sizeof *col);
  for (int c = 0; c < NCITYQ; c++)
    for (int y = 0; y < r->nyears; y++) {
      long m = 0;
      for (long k = 0; k < r->nrep; k++) {
        const double *v = rep + ((size_t)k * EC_NVARS + (size_t)city_q_vars[c]) * r->cell +
                          (size_t)y * (size_t)r->nunits;
        double t = 0;
        for (int u = 0; u < r->nunits; u++) t += v[u];
        if (!isnan(t)) col[m++] = t;
      }
      if (m) gsl_sort(col, 1, (size_t)m);
      for (int j = 0; j < r->nq; j++)
        out[((size_t)c * (size_t)r->nq + (size_t)j) * (size_t)r->nyears + (size_t)y] =
            m ? gsl_stats_quantile_from_sorted_data(col, 1, (size_t)m, r->s->quantiles[j]) : NAN;
    }
  free(col);
}

/* Type-7 quantiles over replicates (R's and numpy's default). */
static void summarise(const ec_runner *r, const double *rep, double *q) {
  double *col = malloc((size_t)(r->nrep > 0 ? r->nrep : 1) * sizeof *col);
  for (int v = 0; v < EC_NVARS; v++)
    for (size_t i = 0; i < r->cell; i++) {
      size_t off = (size_t)v * r->cell + i;
      long m = 0;
      double sum = 0;
      for (long k = 0; k < r->nrep; k++) {
        double x = rep[(size_t)k * EC_NVARS * r->cell + off];
        if (!isnan(x)) {
          col[m++] = x;
          sum += x;
        }
      }
      double *out = q + ((size_t)v * (size_t)r->nq) * r->cell;
      if (ec_var_table[v].is_flag) {
        out[i] = m ? sum / (double)m : NAN; /* share of replicates (slot 0) */
        for (int j = 1; j < r->nq; j++) out[(size_t)j * r->cell + i] = NAN;
        continue;
      }
      if (m) gsl_sort(col, 1, (size_t)m);
      for (int j = 0; j < r->nq; j++)
        out[(size_t)j * r->cell + i] =
            m ? gsl_stats_quantile_from_sorted_data(col, 1, (size_t)m, r->s->quantiles[j]) : NAN;
    }
  free(col);
}

/* Write one scenario's payload to the results file. */
static int write_payload_(ec_runner *r, long k, const double *pl, const ec_agesex *pop,
                          ec_error *err);
static int write_payload(ec_runner *r, long k, const double *pl, const ec_agesex *pop,
                         ec_error *err) {
  double t0 = now_s();
  int rc = write_payload_(r, k, pl, pop, err);
  r->write_s += now_s() - t0;
  r->write_bytes += (double)r->payload * sizeof *pl;
  return rc;
}

static int write_payload_(ec_runner *r, long k, const double *pl, const ec_agesex *pop,
                          ec_error *err) {
  size_t st[5] = {0}, ct[5];
  int lead = r->has_scen ? 1 : 0;
  int8_t *i8 = malloc(r->cell * (size_t)(r->keep ? r->nrep : 1) + (size_t)r->nyears);
  if (!i8) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  int rc = EC_OK;
  const double *det = pl, *city = pl + EC_NVARS * r->cell;
  const double *qv = city + (size_t)NCITY * (size_t)r->nyears;
  const double *rep = qv + (r->nq ? EC_NVARS * (size_t)r->nq * r->cell : 0);
  for (int v = 0; v < EC_NVARS && !rc; v++) {
    const ec_var_info *vi = &ec_var_table[v];
    st[0] = (size_t)k;
    ct[0] = 1;
    st[lead] = 0;
    ct[lead] = (size_t)r->nyears;
    st[lead + 1] = 0;
    ct[lead + 1] = (size_t)r->nunits;
    const double *src = det + (size_t)v * r->cell;
    if (vi->is_flag) {
      for (size_t i = 0; i < r->cell; i++) i8[i] = (int8_t)src[i];
      rc = ec_results_write(r->res, vi->name, st, ct, i8, err);
    } else {
      rc = ec_results_write(r->res, vi->name, st, ct, src, err);
    }
    char nm[96];
    if (!rc && r->nq) {
      const double *qs = qv + (size_t)v * (size_t)r->nq * r->cell;
      if (vi->is_flag) {
        rc = ec_results_write(r->res, qname(vi, nm, sizeof nm, "_share"), st, ct, qs, err);
      } else {
        size_t st3[5] = {0}, ct3[5];
        int L = 0;
        if (r->has_scen) { st3[L] = (size_t)k; ct3[L++] = 1; }
        st3[L] = 0; ct3[L++] = (size_t)r->nq;
        st3[L] = 0; ct3[L++] = (size_t)r->nyears;
        st3[L] = 0; ct3[L++] = (size_t)r->nunits;
        rc = ec_results_write(r->res, qname(vi, nm, sizeof nm, "_q"), st3, ct3, qs, err);
      }
    }
    if (!rc && r->keep) {
      size_t st3[5] = {0}, ct3[5];
      int L = 0;
      if (r->has_scen) { st3[L] = (size_t)k; ct3[L++] = 1; }
      st3[L] = 0; ct3[L++] = (size_t)r->nrep;
      st3[L] = 0; ct3[L++] = (size_t)r->nyears;
      st3[L] = 0; ct3[L++] = (size_t)r->nunits;
      double *tmp = malloc((size_t)r->nrep * r->cell * sizeof *tmp);
      if (!tmp) { rc = EC_ERR_NOMEM; break; }
      for (int j = 0; j < r->nrep; j++)
        memcpy(tmp + (size_t)j * r->cell, rep + ((size_t)j * EC_NVARS + (size_t)v) * r->cell,
               r->cell * sizeof *tmp);
      if (vi->is_flag) {
        for (size_t i = 0; i < (size_t)r->nrep * r->cell; i++) i8[i] = (int8_t)tmp[i];
        rc = ec_results_write(r->res, qname(vi, nm, sizeof nm, "_rep"), st3, ct3, i8, err);
      } else {
        rc = ec_results_write(r->res, qname(vi, nm, sizeof nm, "_rep"), st3, ct3, tmp, err);
      }
      free(tmp);
    }
  }
  if (!rc) {
    size_t sc[2] = {(size_t)k, 0}, cc[2] = {1, (size_t)r->nyears};
    size_t *s1 = r->has_scen ? sc : sc + 1, *c1 = r->has_scen ? cc : cc + 1;
    static const char *names[NCITY] = {"homes_open",         "homes_medical",
                                       "medical_share",      "meets_medical_rule",
                                       "access_gini",        "access_palma",
                                       "share_within_radius_city"};
    for (int c = 0; c < NCITY && !rc; c++) {
      const double *src = city + (size_t)c * (size_t)r->nyears;
      if (c == 3) {
        for (int y = 0; y < r->nyears; y++) i8[y] = (int8_t)src[y];
        rc = ec_results_write(r->res, names[c], s1, c1, i8, err);
      } else {
        rc = ec_results_write(r->res, names[c], s1, c1, src, err);
      }
    }
  }
  if (!rc && r->nq) {
    const double *cq = rep + (r->keep ? EC_NVARS * (size_t)r->nrep * r->cell : 0);
    size_t st2[3] = {(size_t)k, 0, 0}, ct2[3] = {1, (size_t)r->nq, (size_t)r->nyears};
    for (int c = 0; c < NCITYQ && !rc; c++) {
      char nm[96];
      snprintf(nm, sizeof nm, "city_%s_q", ec_var_table[city_q_vars[c]].name);
      rc = ec_results_write(r->res, nm, r->has_scen ? st2 : st2 + 1, r->has_scen ? ct2 : ct2 + 1,
                            cq + (size_t)c * (size_t)r->nq * (size_t)r->nyears, err);
    }
  }
  if (!rc && pop && !r->has_scen) {
    size_t n = r->cell * EC_NSEX * EC_NAGE;
    double *pa = malloc(n * sizeof *pa);
    if (!pa) rc = EC_ERR_NOMEM;
    for (int y = 0; pa && y < r->nyears; y++)
      for (int sx = 0; sx < EC_NSEX; sx++)
        for (int a = 0; a < EC_NAGE; a++)
          for (int u = 0; u < r->nunits; u++)
            pa[(((size_t)y * EC_NSEX + (size_t)sx) * EC_NAGE + (size_t)a) * (size_t)r->nunits +
               (size_t)u] = pop[(size_t)y * (size_t)r->nunits + (size_t)u].n[sx][a];
    size_t s4[4] = {0}, c4[4] = {(size_t)r->nyears, EC_NSEX, EC_NAGE, (size_t)r->nunits};
    if (pa) rc = ec_results_write(r->res, "population", s4, c4, pa, err);
    free(pa);
  }
  free(i8);
  /* horizon-year city totals for the summary */
  if (!rc && r->city_totals && k < EC_SUMMARY_SCENARIOS) {
    int y = r->nyears - 1;
    for (int v = 0; v < EC_NVARS; v++) {
      double t = 0;
      for (int u = 0; u < r->nunits; u++) t += det[(size_t)v * r->cell + (size_t)y * (size_t)r->nunits + (size_t)u];
      r->city_totals[k * EC_NVARS + v] = t;
    }
  }
  return rc;
}

/* --- checkpoints ---------------------------------------------------------------- */

static uint64_t fnv1a(const void *p, size_t n) {
  const unsigned char *c = p;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ULL;
  return h;
}

static const char CKPT_MAGIC[8] = "ECKPT01\n";

static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int ckpt_open(ec_runner *r, ec_error *err) {
  snprintf(r->ckpt_path, sizeof r->ckpt_path, "%.4000s.%dof%d.%ld", r->ckpt_prefix, r->o.rank,
           r->o.size, (long)time(NULL));
  r->ckpt_fd = open(r->ckpt_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (r->ckpt_fd < 0)
    return ec_error_set(err, EC_ERR_IO, r->ckpt_path, 0, NULL, "cannot create checkpoint: %s",
                        strerror(errno));
  if (write_all(r->ckpt_fd, CKPT_MAGIC, 8) || write_all(r->ckpt_fd, r->fingerprint, 64))
    return ec_error_set(err, EC_ERR_IO, r->ckpt_path, 0, NULL, "cannot write checkpoint: %s",
                        strerror(errno));
  return EC_OK;
}

static int ckpt_append(ec_runner *r, long k, const double *pl, ec_error *err) {
  uint64_t kk = (uint64_t)k, h = fnv1a(pl, r->payload * sizeof *pl) ^ kk;
  if (write_all(r->ckpt_fd, &kk, 8) || write_all(r->ckpt_fd, pl, r->payload * sizeof *pl) ||
      write_all(r->ckpt_fd, &h, 8))
    return ec_error_set(err, EC_ERR_IO, r->ckpt_path, 0, NULL, "cannot write checkpoint: %s",
                        strerror(errno));
  /* sync at most every second: a kill loses at most that much work */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double now = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
  if (now - r->last_sync > 1.0) {
    fdatasync(r->ckpt_fd);
    r->last_sync = now;
  }
  return EC_OK;
}

/* Files of this output's checkpoints: "<dir>/.<base>.ckpt.*". */
static int ckpt_list(const ec_runner *r, char ***names, int *n) {
  char dbuf[EC_PATH_MAX], bbuf[EC_PATH_MAX];
  snprintf(dbuf, sizeof dbuf, "%s", r->ckpt_prefix);
  snprintf(bbuf, sizeof bbuf, "%s", r->ckpt_prefix);
  const char *dir = dirname(dbuf), *base = basename(bbuf);
  size_t L = strlen(base);
  *names = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, base, L) || e->d_name[L] != '.') continue;
    char **nn = realloc(*names, (size_t)(*n + 1) * sizeof *nn);
    if (!nn) break;
    *names = nn;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    (*names)[*n] = malloc(len);
    snprintf((*names)[*n], len, "%s/%s", dir, e->d_name);
    (*n)++;
  }
  closedir(d);
  return 0;
}

static void ckpt_remove_all(const ec_runner *r, int keep_own) {
  char **names;
  int n;
  ckpt_list(r, &names, &n);
  for (int i = 0; i < n; i++) {
    if (!(keep_own && !strcmp(names[i], r->ckpt_path))) unlink(names[i]);
    free(names[i]);
  }
  free(names);
}

/* Read every checkpoint of this output; write the scenarios this rank owns. */
static int ckpt_resume(ec_runner *r, ec_error *err) {
  char **names;
  int n;
  ckpt_list(r, &names, &n);
  double *pl = malloc(r->payload * sizeof *pl);
  int rc = pl ? EC_OK : EC_ERR_NOMEM;
  for (int i = 0; i < n && !rc; i++) {
    FILE *f = fopen(names[i], "rb");
    if (!f) continue;
    char magic[8], fp[65] = "";
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, CKPT_MAGIC, 8) || fread(fp, 1, 64, f) != 64) {
      fclose(f);
      continue; /* an empty or foreign file: ignore */
    }
    if (memcmp(fp, r->fingerprint, 64)) {
      fclose(f);
      rc = ec_error_set(err, EC_ERR_STATE, names[i], 0, NULL,
                        "this checkpoint was written for another scenario text, "
                        "override set or eldercap version; remove it or run without --resume");
      break;
    }
    uint64_t kk, h;
    while (fread(&kk, 8, 1, f) == 1 && fread(pl, sizeof *pl, r->payload, f) == r->payload &&
           fread(&h, 8, 1, f) == 1) {
      if (h != (fnv1a(pl, r->payload * sizeof *pl) ^ kk) || kk >= (uint64_t)r->nscen) break;
      long k = (long)kk;
      if (!mine(r, k) || r->done[k]) continue;
      if ((rc = write_payload(r, k, pl, NULL, err))) break;
      r->done[k] = 1;
      r->ndone++;
      r->resumed++;
      if ((rc = ckpt_append(r, k, pl, err))) break; /* carry into this run's file */
    }
    fclose(f);
  }
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
  free(pl);
  return rc;
}

/* --- workers -------------------------------------------------------------------- */

typedef int (*job_fn)(ec_runner *r, long i, ec_agesex *scratch, ec_error *err);

typedef struct {
  ec_runner *r;
  job_fn fn;
  pthread_mutex_t mu;
  long next, end;
  int failed;
  ec_error err;
} pool;

/* Item i of the batch: scenario b = i / (nrep + 1), replicate i % (nrep+1) - 1. */
static int do_item(ec_runner *r, long i, ec_agesex *pop, ec_error *err) {
  long per = r->nrep + 1;
  slot *sl = &r->b[i / per];
  long rep = i % per - 1;
  if (rep < 0) {
    ec_city_year *cy = malloc((size_t)r->nyears * sizeof *cy);
    if (!cy) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    int rc = ec_plan_simulate(sl->plan, sl->k, -1, sl->pop, sl->det, cy, err);
    for (int y = 0; !rc && y < r->nyears; y++) {
      sl->city[0 * r->nyears + y] = cy[y].homes;
      sl->city[1 * r->nyears + y] = cy[y].homes_medical;
      sl->city[2 * r->nyears + y] = cy[y].medical_share;
      sl->city[3 * r->nyears + y] = cy[y].meets_medical;
      sl->city[4 * r->nyears + y] = cy[y].access_gini;
      sl->city[5 * r->nyears + y] = cy[y].access_palma;
      sl->city[6 * r->nyears + y] = cy[y].share_within;
    }
    free(cy);
    return rc;
  }
  return ec_plan_simulate(sl->plan, sl->k, rep, pop, sl->rep + (size_t)rep * EC_NVARS * r->cell,
                          NULL, err);
}

/* Slot i of the batch: its scenario's parameters and plan. */
static int do_derive(ec_runner *r, long i, ec_agesex *scratch, ec_error *err) {
  (void)scratch;
  slot *sl = &r->b[i];
  int rc = ec_sweep_scenario(r->s, sl->k, &sl->s, err);
  if (!rc) rc = ec_plan_derive(r->inputs, &sl->s, &sl->plan, err);
  return rc;
}

static void *worker(void *arg) {
  pool *p = arg;
  ec_runner *r = p->r;
  ec_agesex *pop = malloc(r->cell * sizeof *pop);
  for (;;) {
    pthread_mutex_lock(&p->mu);
    long i = (p->failed || !pop) ? p->end : p->next++;
    if (!pop && !p->failed) {
      p->failed = 1;
      ec_error_set(&p->err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
    pthread_mutex_unlock(&p->mu);
    if (i >= p->end) break;
    ec_error e;
    ec_error_clear(&e);
    int rc = p->fn(r, i, pop, &e);
    if (rc) {
      pthread_mutex_lock(&p->mu);
      if (!p->failed) {
        p->failed = 1;
        p->err = e;
      }
      pthread_mutex_unlock(&p->mu);
    }
  }
  free(pop);
  return NULL;
}

/* Run fn over [begin, end) on the thread pool. Each index writes only its
 * own slot, so the order of execution never changes a number. */
static int run_pool(ec_runner *r, job_fn fn, long begin, long end, ec_error *err) {
  pool p;
  memset(&p, 0, sizeof p);
  p.r = r;
  p.fn = fn;
  p.next = begin;
  p.end = end;
  pthread_mutex_init(&p.mu, NULL);
  int nt = r->threads;
  if (nt > end - begin) nt = (int)(end - begin);
  pthread_t *t = calloc((size_t)(nt > 0 ? nt : 1), sizeof *t);
  int started = 0;
  for (int i = 0; t && nt > 1 && i < nt; i++)
    if (!pthread_create(&t[i], NULL, worker, &p)) started++;
  if (!started) worker(&p); /* one thread: no thread at all */
  for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
  free(t);
  pthread_mutex_destroy(&p.mu);
  if (p.failed) {
    if (err) *err = p.err;
    return p.err.code ? p.err.code : EC_ERR_NUMERIC;
  }
  return EC_OK;
}

static void free_batch(ec_runner *r) {
  for (int i = 0; i < r->bn; i++) {
    ec_plan_free(r->b[i].plan);
    r->b[i].plan = NULL;
  }
  r->bn = 0;
  r->bitems = r->bnext = 0;
}

/* Fill the next batch with up to bcap scenarios this rank owns and still needs. */
static int load_batch(ec_runner *r, ec_error *err) {
  free_batch(r);
  while (r->bn < r->bcap && r->next_k < r->nscen) {
    long k = r->next_k++;
    if (!mine(r, k) || r->done[k]) continue;
    r->b[r->bn].k = k;
    r->b[r->bn].plan = NULL;
    r->bn++;
  }
  int rc = r->bn ? run_pool(r, do_derive, 0, r->bn, err) : EC_OK;
  if (rc) return rc;
  r->bitems = (long)r->bn * (r->nrep + 1);
  r->bnext = 0;
  return EC_OK;
}

/* The batch is computed: summarise, write, checkpoint. */
static int flush_batch(ec_runner *r, ec_error *err) {
  double *pl = malloc(r->payload * sizeof *pl);
  if (!pl) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  int rc = EC_OK;
  for (int i = 0; i < r->bn && !rc; i++) {
    slot *sl = &r->b[i];
    memcpy(pl, sl->det, EC_NVARS * r->cell * sizeof *pl);
    double *city = pl + EC_NVARS * r->cell;
    memcpy(city, sl->city, (size_t)NCITY * (size_t)r->nyears * sizeof *pl);
    double *q = city + (size_t)NCITY * (size_t)r->nyears;
    if (r->nq) summarise(r, sl->rep, q);
    double *after = q + (r->nq ? EC_NVARS * (size_t)r->nq * r->cell : 0);
    if (r->keep) {
      memcpy(after, sl->rep, (size_t)r->nrep * EC_NVARS * r->cell * sizeof *pl);
      after += (size_t)r->nrep * EC_NVARS * r->cell;
    }
    if (r->nq) summarise_city(r, sl->rep, after);
    rc = write_payload(r, sl->k, pl, sl->pop, err);
    if (!rc && r->has_scen) rc = ckpt_append(r, sl->k, pl, err);
    if (!rc && sl->k == 0) {
      memcpy(r->sum_vars, sl->det, EC_NVARS * r->cell * sizeof *pl);
      for (int y = 0; y < r->nyears; y++) {
        r->sum_city[y].homes = sl->city[y];
        r->sum_city[y].homes_medical = sl->city[r->nyears + y];
        r->sum_city[y].medical_share = sl->city[2 * r->nyears + y];
        r->sum_city[y].meets_medical = (int)sl->city[3 * r->nyears + y];
        r->sum_city[y].access_gini = sl->city[4 * r->nyears + y];
        r->sum_city[y].access_palma = sl->city[5 * r->nyears + y];
        r->sum_city[y].share_within = sl->city[6 * r->nyears + y];
      }
    }
    if (!rc) {
      r->done[sl->k] = 1;
      r->ndone++;
    }
  }
  free(pl);
  free_batch(r);
  return rc;
}

int ec_runner_next(ec_runner *r, double *fraction, ec_error *err) {
  if (r->bn == 0) {
    int rc = load_batch(r, err);
    if (rc) return rc;
    if (r->bn == 0) {
      if (fraction) *fraction = 1.0;
      return 0;
    }
  }
  /* a slice of the batch per call, so progress moves during long batches */
  long slice = 16L * r->threads;
  long end = r->bnext + slice < r->bitems ? r->bnext + slice : r->bitems;
  int rc = run_pool(r, do_item, r->bnext, end, err);
  r->bnext = end;
  if (rc) return rc;
  if (r->bnext >= r->bitems && (rc = flush_batch(r, err))) return rc;
  if (fraction) {
    double items_done = (double)(r->bnext) / (double)(r->nrep + 1);
    *fraction = r->nmine ? ((double)r->ndone + (r->bn ? items_done : 0)) / (double)r->nmine : 1;
    if (*fraction > 1) *fraction = 1;
  }
  return 1;
}

int ec_runner_new(const ec_scenario *s, const ec_run_options *o, ec_runner **out,
                  ec_error *err) {
  *out = NULL;
  long nscen = ec_sweep_count(s);
  if (nscen < 1)
    return ec_error_set(err, EC_ERR_INVALID, s->path, 0, "sweep",
                        s->sweep_zip ? "zipped sweep axes must have the same number of values"
                                     : "the sweep has too many scenarios (more than 10^8)");
  ec_runner *r = calloc(1, sizeof *r);
  if (!r) return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  r->s = s;
  r->o = *o;
  if (r->o.size < 1) r->o.size = 1;
  r->threads = o->threads > 0 ? o->threads : 1;
  r->ckpt_fd = -1;
  r->nscen = nscen;
  r->has_scen = s->nsweep > 0;
  r->nrep = s->replicates;
  r->nq = s->replicates > 0 ? s->nquantiles : 0;
  r->keep = s->replicates > 0 && s->keep_replicates;
  int rc = ec_plan_load(s, &r->inputs, err);
  if (rc) {
    free(r);
    return rc;
  }
  r->nyears = r->inputs->nyears;
  r->nunits = r->inputs->nunits;
  r->cell = (size_t)r->nyears * (size_t)r->nunits;
  if (r->nyears > 200) {
    ec_runner_free(r);
    return ec_error_set(err, EC_ERR_RANGE, s->path, 0, "scenario.horizon_year",
                        "at most 200 years");
  }
  double need = ec_runner_memory_mb(s, r->nunits, r->threads);
  if (o->max_memory_mb > 0 && need > o->max_memory_mb) {
    ec_runner_free(r);
    return ec_error_set(err, EC_ERR_LIMIT, s->path, 0, "population.replicates",
                        "this run needs about %.0f MB, above the limit of %.0f MB "
                        "(--max-memory); use fewer replicates or keep_replicates = false",
                        need, o->max_memory_mb);
  }
  r->payload = payload_size(r);
  r->bcap = (int)(nscen < 8L * r->threads ? nscen : 8L * r->threads);
  if (r->nrep > 0) r->bcap = 1 + (r->nrep + 1 < r->threads ? r->threads / (r->nrep + 1) : 0);
  r->b = calloc((size_t)r->bcap, sizeof *r->b);
  r->done = calloc((size_t)nscen, 1);
  r->sum_vars = calloc(EC_NVARS * r->cell, sizeof *r->sum_vars);
  r->sum_city = calloc((size_t)r->nyears, sizeof *r->sum_city);
  r->city_totals = malloc(EC_SUMMARY_SCENARIOS * EC_NVARS * sizeof *r->city_totals);
  if (!r->b || !r->done || !r->sum_vars || !r->sum_city || !r->city_totals) {
    ec_runner_free(r);
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  }
  for (long i = 0; i < EC_SUMMARY_SCENARIOS * EC_NVARS; i++) r->city_totals[i] = NAN;
  for (int i = 0; i < r->bcap; i++) {
    r->b[i].det = malloc(EC_NVARS * r->cell * sizeof(double));
    r->b[i].pop = malloc(r->cell * sizeof(ec_agesex));
    r->b[i].rep = r->nrep ? malloc((size_t)r->nrep * EC_NVARS * r->cell * sizeof(double)) : NULL;
    if (!r->b[i].det || !r->b[i].pop || (r->nrep && !r->b[i].rep)) {
      ec_runner_free(r);
      return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    }
  }
  for (long k = 0; k < nscen; k++)
    if (mine(r, k)) r->nmine++;
  /* checkpoints sit beside the output: <dir>/.<name>.ckpt.<rank>of<size>.<time> */
  {
    char dbuf[EC_PATH_MAX], bbuf[EC_PATH_MAX];
    snprintf(dbuf, sizeof dbuf, "%s", o->output);
    snprintf(bbuf, sizeof bbuf, "%s", o->output);
    snprintf(r->ckpt_prefix, sizeof r->ckpt_prefix, "%.2000s/.%.1900s.ckpt", dirname(dbuf), basename(bbuf));
  }
#ifdef ELDERCAP_HAVE_MPI
  if (r->o.size > 1) rc = ec_results_create_mpi(o->output, &r->res, err);
  else
#endif
    rc = ec_results_create(o->output, &r->res, err);
  if (!rc) rc = define_layout(r, err);
  if (!rc) rc = ec_results_parallel(r->res, err);
  if (rc) {
    ec_runner_free(r);
    return rc;
  }
  if (r->has_scen) {
    fingerprint(r, r->fingerprint);
    if (!o->resume) {
#ifdef ELDERCAP_HAVE_MPI
      if (r->o.size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
      if (r->o.rank == 0) ckpt_remove_all(r, 0); /* a fresh start */
#ifdef ELDERCAP_HAVE_MPI
      if (r->o.size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
    }
    if ((rc = ckpt_open(r, err)) || (o->resume && (rc = ckpt_resume(r, err)))) {
      ec_runner_free(r);
      return rc;
    }
  }
  *out = r;
  return EC_OK;
}

int ec_runner_finish(ec_runner *r, ec_error *err) {
  int rc = EC_OK;
#ifdef ELDERCAP_HAVE_MPI
  if (r->o.size > 1) { /* the summary on rank 0 shows every rank's scenarios */
    int n = EC_SUMMARY_SCENARIOS * EC_NVARS;
    for (int i = 0; i < n; i++)
      if (isnan(r->city_totals[i])) r->city_totals[i] = -HUGE_VAL;
    MPI_Allreduce(MPI_IN_PLACE, r->city_totals, n, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    for (int i = 0; i < n; i++)
      if (r->city_totals[i] == -HUGE_VAL) r->city_totals[i] = NAN;
  }
#endif
  if (r->ckpt_fd >= 0) {
    fdatasync(r->ckpt_fd);
    close(r->ckpt_fd);
    r->ckpt_fd = -1;
  }
  ec_results *res = r->res;
  r->res = NULL;
  rc = ec_results_commit(res, err);
  if (!rc && r->has_scen) {
#ifdef ELDERCAP_HAVE_MPI
    if (r->o.size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
    if (r->o.rank == 0) ckpt_remove_all(r, 0);
  }
  return rc;
}

void ec_runner_free(ec_runner *r) {
  if (!r) return;
  if (r->ckpt_fd >= 0) close(r->ckpt_fd);
  ec_results_abort(r->res);
  free_batch(r);
  for (int i = 0; r->b && i < r->bcap; i++) {
    free(r->b[i].det);
    free(r->b[i].pop);
    free(r->b[i].rep);
  }
  free(r->b);
  free(r->done);
  free(r->sum_vars);
  free(r->sum_city);
  free(r->city_totals);
  ec_plan_free(r->inputs);
  free(r);
}
