/* rates.c — read the WPP 2024 rate tables and census age-sex counts.
 *
 * Formats (data/wpp2024/README and data/README.md):
 *  mortality: period,mid_year,age,mxM,mxF[,mxB]  period "2020-2025",
 *             age 0, 1, 5, ..., 95, "100+"; central death rates (1/year)
 *  fertility: period,age,asfr,srb[,pasfr,tfr]  age "15-19" ...; asfr births
 *             per woman per year; srb males per female
 *  migration: period,age,migM,migF  age "0-4" ... "100+"; net migrants over
 *             the 5-year period in THOUSANDS (converted to persons/year)
 *  census:    year,area_code,age_group,male,female[,area_name,...]
 *             age_group "0", "1-4", "5-9", ..., "85+" (or "0-4" ... "100+")
 * Every error names the file, the line and the column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_csv.h"
#include "eldercap/ec_population.h"

/* "2020-2025" -> 2020. */
static int parse_period(const ec_csv *csv, int col, int *start, ec_error *err) {
  const char *f = ec_csv_field(csv, col);
  int a, b;
  char tail;
  if (sscanf(f, "%d-%d%c", &a, &b, &tail) != 2 || b != a + 5 || a < 1900 ||
      a > 2200)
    return ec_error_set(err, EC_ERR_PARSE, ec_csv_path(csv), ec_csv_line(csv),
                        ec_csv_colname(csv, col),
                        "'%s' is not a 5-year period like 2020-2025", f);
  *start = a;
  return EC_OK;
}

/* Age group label: "N", "N-M" or "N+" -> start and end (end = -1 if open). */
static int parse_group(const char *f, int *lo, int *hi) {
  int a, b, n = 0;
  if (sscanf(f, "%d-%d%n", &a, &b, &n) == 2 && f[n] == '\0' && a >= 0 &&
      b >= a) {
    *lo = a;
    *hi = b;
    return 0;
  }
  if (sscanf(f, "%d+%n", &a, &n) == 1 && n > 0 && f[n] == '\0' &&
      f[n - 1] == '+' && a >= 0) {
    *lo = a;
    *hi = -1;
    return 0;
  }
  if (sscanf(f, "%d%n", &a, &n) == 1 && f[n] == '\0' && a >= 0) {
    *lo = a;
    *hi = a;
    return 0;
  }
  return -1;
}

static int bad_age(const ec_csv *csv, int col, const char *what,
                   ec_error *err) {
  return ec_error_set(err, EC_ERR_PARSE, ec_csv_path(csv), ec_csv_line(csv),
                      ec_csv_colname(csv, col), "'%s' is not %s",
                      ec_csv_field(csv, col), what);
}

/* Index of period `start` in list (appending when new and consecutive). */
static int period_index(int *list, int *n, int start, const ec_csv *csv,
                        int col, ec_error *err) {
  for (int i = 0; i < *n; i++)
    if (list[i] == start) return i;
  if (*n >= EC_WPP_MAX_PERIODS)
    return ec_error_set(err, EC_ERR_LIMIT, ec_csv_path(csv), ec_csv_line(csv),
                        ec_csv_colname(csv, col), "more than %d periods",
                        EC_WPP_MAX_PERIODS);
  if (*n > 0 && start != list[*n - 1] + 5)
    return ec_error_set(err, EC_ERR_INVALID, ec_csv_path(csv), ec_csv_line(csv),
                        ec_csv_colname(csv, col),
                        "period %d-%d does not follow %d-%d (rows must be in "
                        "period order without gaps)",
                        start, start + 5, list[*n - 1], list[*n - 1] + 5);
  list[*n] = start;
  return (*n)++;
}

static int read_mortality(const char *path, ec_rates_tables *t, ec_error *err) {
  ec_csv *csv;
  int rc = ec_csv_open(path, &csv, err);
  if (rc) return rc;
  int cp, ca, cm, cf;
  if ((rc = ec_csv_require(csv, "period", &cp, err)) ||
      (rc = ec_csv_require(csv, "age", &ca, err)) ||
      (rc = ec_csv_require(csv, "mxM", &cm, err)) ||
      (rc = ec_csv_require(csv, "mxF", &cf, err)))
    goto done;
  char seen[EC_WPP_MAX_PERIODS][EC_WPP_NAGE_ABR];
  memset(seen, 0, sizeof seen);
  while ((rc = ec_csv_next(csv, err)) == 1) {
    int start, lo, hi, g = -1;
    if ((rc = parse_period(csv, cp, &start, err))) goto done;
    if (parse_group(ec_csv_field(csv, ca), &lo, &hi) == 0) {
      if (lo == 0 && hi == 0)
        g = 0;
      else if (lo == 1 && (hi == 1 || hi == 4))
        g = 1;
      else if (lo == 100 && hi == -1)
        g = EC_WPP_NAGE_ABR - 1;
      else if (lo % 5 == 0 && lo >= 5 && lo <= 95 && (hi == lo || hi == lo + 4))
        g = lo / 5 + 1;
    }
    if (g < 0) {
      rc = bad_age(csv, ca, "an abridged age (0, 1, 5, ..., 95, 100+)", err);
      goto done;
    }
    int p = period_index(t->mort_start, &t->nmort, start, csv, cp, err);
    if (p < 0) {
      rc = p;
      goto done;
    }
    if (seen[p][g]) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, ec_csv_line(csv), "age",
                        "duplicate row for period %d-%d age %s", start,
                        start + 5, ec_csv_field(csv, ca));
      goto done;
    }
    seen[p][g] = 1;
    double m, f;
    if ((rc = ec_csv_double(csv, cm, &m, err)) ||
        (rc = ec_csv_double(csv, cf, &f, err)))
      goto done;
    if (!(m > 0.0) || !(f > 0.0) || m > 10.0 || f > 10.0) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, ec_csv_line(csv),
                        !(m > 0.0) || m > 10.0 ? "mxM" : "mxF",
                        "a death rate must be in (0, 10] per year");
      goto done;
    }
    t->mx[p][EC_MALE][g] = m;
    t->mx[p][EC_FEMALE][g] = f;
  }
  if (rc < 0) goto done;
  rc = EC_OK;
  if (t->nmort == 0) {
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, NULL, "no mortality rows");
    goto done;
  }
  for (int p = 0; p < t->nmort; p++)
    for (int g = 0; g < EC_WPP_NAGE_ABR; g++)
      if (!seen[p][g]) {
        rc = ec_error_set(err, EC_ERR_MISSING, path, 0, "age",
                          "period %d-%d lacks abridged age group %d of 22",
                          t->mort_start[p], t->mort_start[p] + 5, g + 1);
        goto done;
      }
done:
  ec_csv_free(csv);
  return rc;
}

static int read_fertility(const char *path, ec_rates_tables *t, ec_error *err) {
  ec_csv *csv;
  int rc = ec_csv_open(path, &csv, err);
  if (rc) return rc;
  int cp, ca, cf, cs;
  if ((rc = ec_csv_require(csv, "period", &cp, err)) ||
      (rc = ec_csv_require(csv, "age", &ca, err)) ||
      (rc = ec_csv_require(csv, "asfr", &cf, err)) ||
      (rc = ec_csv_require(csv, "srb", &cs, err)))
    goto done;
  while ((rc = ec_csv_next(csv, err)) == 1) {
    int start, lo, hi;
    if ((rc = parse_period(csv, cp, &start, err))) goto done;
    if (parse_group(ec_csv_field(csv, ca), &lo, &hi) != 0 || lo % 5 != 0 ||
        hi != lo + 4 || lo < 10 || lo > 50) {
      rc = bad_age(csv, ca, "a 5-year age group between 10-14 and 50-54", err);
      goto done;
    }
    int p = period_index(t->fert_start, &t->nfert, start, csv, cp, err);
    if (p < 0) {
      rc = p;
      goto done;
    }
    double f, srb;
    if ((rc = ec_csv_double_min(csv, cf, 0.0, &f, err)) ||
        (rc = ec_csv_double(csv, cs, &srb, err)))
      goto done;
    if (f > 1.0) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, ec_csv_line(csv), "asfr",
                        "%g births per woman per year is not a rate in [0, 1]",
                        f);
      goto done;
    }
    if (!(srb > 0.5 && srb < 2.0)) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, ec_csv_line(csv), "srb",
                        "sex ratio at birth %g is outside (0.5, 2)", srb);
      goto done;
    }
    t->asfr[p][lo / 5] = f;
    t->srb[p] = srb;
  }
  if (rc < 0) goto done;
  rc = t->nfert ? EC_OK
                : ec_error_set(err, EC_ERR_MISSING, path, 0, NULL,
                               "no fertility rows");
done:
  ec_csv_free(csv);
  return rc;
}

static int read_migration(const char *path, ec_rates_tables *t, ec_error *err) {
  ec_csv *csv;
  int rc = ec_csv_open(path, &csv, err);
  if (rc) return rc;
  int cp, ca, cm, cf;
  if ((rc = ec_csv_require(csv, "period", &cp, err)) ||
      (rc = ec_csv_require(csv, "age", &ca, err)) ||
      (rc = ec_csv_require(csv, "migM", &cm, err)) ||
      (rc = ec_csv_require(csv, "migF", &cf, err)))
    goto done;
  while ((rc = ec_csv_next(csv, err)) == 1) {
    int start, lo, hi, g = -1;
    if ((rc = parse_period(csv, cp, &start, err))) goto done;
    if (parse_group(ec_csv_field(csv, ca), &lo, &hi) == 0) {
      if (lo == 100 && hi == -1)
        g = EC_WPP_NAGE5 - 1;
      else if (lo % 5 == 0 && lo < 100 && hi == lo + 4)
        g = lo / 5;
    }
    if (g < 0) {
      rc = bad_age(csv, ca, "a 5-year age group 0-4 ... 95-99 or 100+", err);
      goto done;
    }
    int p = period_index(t->mig_start, &t->nmig, start, csv, cp, err);
    if (p < 0) {
      rc = p;
      goto done;
    }
    double m, f;
    if ((rc = ec_csv_double(csv, cm, &m, err)) ||
        (rc = ec_csv_double(csv, cf, &f, err)))
      goto done;
    /* thousands per 5-year period -> persons per year */
    t->mig[p][EC_MALE][g] = m * 1000.0 / 5.0;
    t->mig[p][EC_FEMALE][g] = f * 1000.0 / 5.0;
  }
  if (rc < 0) goto done;
  rc = EC_OK;
done:
  ec_csv_free(csv);
  return rc;
}

int ec_rates_read(const char *mortality_csv, const char *fertility_csv,
                  const char *migration_csv, ec_rates **out, ec_error *err) {
  *out = NULL;
  ec_rates_tables *t = calloc(1, sizeof *t);
  if (!t)
    return ec_error_set(err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
  int rc;
  if (!mortality_csv || !*mortality_csv)
    rc = ec_error_set(err, EC_ERR_MISSING, NULL, 0, "mortality",
                      "no mortality file given");
  else if (!fertility_csv || !*fertility_csv)
    rc = ec_error_set(err, EC_ERR_MISSING, NULL, 0, "fertility",
                      "no fertility file given");
  else if ((rc = read_mortality(mortality_csv, t, err)) == EC_OK &&
           (rc = read_fertility(fertility_csv, t, err)) == EC_OK &&
           (!migration_csv || !*migration_csv ||
            (rc = read_migration(migration_csv, t, err)) == EC_OK)) {
    rc = ec_rates_new(t, out, err);
    if (rc != EC_OK) {
      /* name the file the tables came from */
      if (err && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", mortality_csv);
    }
  }
  free(t);
  return rc;
}

int ec_census_read(const char *path, const char *area_code, ec_census *out,
                   ec_error *err) {
  memset(out, 0, sizeof *out);
  ec_csv *csv;
  int rc = ec_csv_open(path, &csv, err);
  if (rc) return rc;
  int cy, cc, cg, cm, cf, cn = ec_csv_col(csv, "area_name");
  if ((rc = ec_csv_require(csv, "year", &cy, err)) ||
      (rc = ec_csv_require(csv, "area_code", &cc, err)) ||
      (rc = ec_csv_require(csv, "age_group", &cg, err)) ||
      (rc = ec_csv_require(csv, "male", &cm, err)) ||
      (rc = ec_csv_require(csv, "female", &cf, err)))
    goto done;
  snprintf(out->area_code, sizeof out->area_code, "%s", area_code);
  int hi_of[4][EC_MAX_GROUPS];
  memset(hi_of, 0, sizeof hi_of);
  while ((rc = ec_csv_next(csv, err)) == 1) {
    if (strcmp(ec_csv_field(csv, cc), area_code) != 0) continue;
    long year;
    int lo, hi;
    if ((rc = ec_csv_long(csv, cy, &year, err))) goto done;
    if (year < 1900 || year > 2200) {
      rc = ec_error_set(err, EC_ERR_RANGE, path, ec_csv_line(csv), "year",
                        "year %ld is out of range", year);
      goto done;
    }
    if (parse_group(ec_csv_field(csv, cg), &lo, &hi) != 0 || lo > 100) {
      rc = bad_age(csv, cg, "an age group like 0, 1-4, 5-9 or 85+", err);
      goto done;
    }
    int i;
    for (i = 0; i < out->ncensus; i++)
      if (out->census[i].year == year) break;
    if (i == out->ncensus) {
      if (out->ncensus == 4) {
        rc = ec_error_set(err, EC_ERR_LIMIT, path, ec_csv_line(csv), "year",
                          "more than 4 census years for area %s", area_code);
        goto done;
      }
      out->census[i].year = (int)year;
      out->ncensus++;
    }
    ec_agegroups *g = &out->census[i];
    if (g->ngroups == EC_MAX_GROUPS) {
      rc = ec_error_set(err, EC_ERR_LIMIT, path, ec_csv_line(csv), "age_group",
                        "more than %d age groups", EC_MAX_GROUPS);
      goto done;
    }
    for (int k = 0; k < g->ngroups; k++)
      if (g->start[k] == lo) {
        rc = ec_error_set(err, EC_ERR_INVALID, path, ec_csv_line(csv),
                          "age_group", "duplicate age group '%s' for %ld",
                          ec_csv_field(csv, cg), year);
        goto done;
      }
    double m, f;
    if ((rc = ec_csv_double_min(csv, cm, 0.0, &m, err)) ||
        (rc = ec_csv_double_min(csv, cf, 0.0, &f, err)))
      goto done;
    /* insert sorted by first age */
    int k = g->ngroups;
    while (k > 0 && g->start[k - 1] > lo) {
      g->start[k] = g->start[k - 1];
      g->n[0][k] = g->n[0][k - 1];
      g->n[1][k] = g->n[1][k - 1];
      hi_of[i][k] = hi_of[i][k - 1];
      k--;
    }
    g->start[k] = lo;
    g->n[EC_MALE][k] = m;
    g->n[EC_FEMALE][k] = f;
    hi_of[i][k] = hi;
    g->ngroups++;
    if (cn >= 0 && !out->area_name[0])
      snprintf(out->area_name, sizeof out->area_name, "%s",
               ec_csv_field(csv, cn));
  }
  if (rc < 0) goto done;
  rc = EC_OK;
  if (out->ncensus == 0) {
    rc = ec_error_set(err, EC_ERR_MISSING, path, 0, "area_code",
                      "no rows for area %s", area_code);
    goto done;
  }
  /* years ascending; groups contiguous from 0, the last one open */
  for (int a = 1; a < out->ncensus; a++)
    for (int b = a; b > 0 && out->census[b - 1].year > out->census[b].year;
         b--) {
      ec_agegroups tmp = out->census[b];
      out->census[b] = out->census[b - 1];
      out->census[b - 1] = tmp;
      for (int k = 0; k < EC_MAX_GROUPS; k++) {
        int h = hi_of[b][k];
        hi_of[b][k] = hi_of[b - 1][k];
        hi_of[b - 1][k] = h;
      }
    }
  for (int i = 0; i < out->ncensus; i++) {
    ec_agegroups *g = &out->census[i];
    const char *why = NULL;
    if (g->start[0] != 0) why = "does not start at age 0";
    for (int k = 0; !why && k < g->ngroups; k++) {
      int last = k == g->ngroups - 1;
      if (last && hi_of[i][k] != -1)
        why = "does not end with an open group (like 85+)";
      else if (!last && hi_of[i][k] == -1)
        why = "has an open group before the last one";
      else if (!last && hi_of[i][k] + 1 != g->start[k + 1])
        why = "has a gap or overlap between age groups";
    }
    if (!why && g->ngroups < 3) why = "has fewer than 3 age groups";
    if (why) {
      rc = ec_error_set(err, EC_ERR_INVALID, path, 0, "age_group",
                        "the %d age groups of area %s %s", g->year, area_code,
                        why);
      goto done;
    }
  }
done:
  ec_csv_free(csv);
  return rc;
}
