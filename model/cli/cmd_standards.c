/* cmd_standards.c — `eldercap standards`: the civil-affairs requirement of
 * every township-level unit (section 二 of 新政〔2017〕29号) and, with an
 * inventory, who meets which rule as of a date and what is missing. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_atomic.h"
#include "eldercap/ec_scenario.h"
#include "eldercap/ec_standards.h"

static void usage(FILE *f) {
  fprintf(
      f,
      "Usage: eldercap standards SCENARIO.ini [--inventory F.csv] "
      "[--as-of YYYY-MM-DD]\n"
      "                          [--json] [-o OUT.json] "
      "[--set section.key=value ...]\n\n"
      "Civil-affairs requirement of every township-level unit (section 二 "
      "of\n"
      "新政〔2017〕29号): staff by population band, social workers, "
      "stations and\n"
      "coordinators (one per village/community), allowance, budget, "
      "office,\n"
      "equipment, training, with each rule's deadline. With an inventory, "
      "the\n"
      "status of each rule as of a date (default: [scenario] as_of) and the\n"
      "shortfall.\n\n"
      "  --inventory F.csv  inventory, one row per unit (overrides "
      "[data] inventory)\n"
      "  --as-of DATE       status date; a rule not met whose deadline is "
      "later is\n"
      "                     'not yet due'\n"
      "  --json             JSON on stdout instead of the table\n"
      "  -o, --output F     also write the JSON to F (atomically)\n"
      "  --set S.K=V        override a scenario key (repeatable)\n"
      "  -h, --help         this help\n\n"
      "Unit list: [data] units (CSV code,name_zh,population,n_villages,"
      "n_communities).\n"
      "A unit without population has band 'unknown': its staff, budget and "
      "training\n"
      "requirements are shown as unknown ('?', JSON null), never guessed.\n");
}

/* Display columns of a UTF-8 string (CJK and full-width forms count 2). */
static int display_width(const char *s) {
  int w = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned cp;
    int n;
    if (*p < 0x80)
      cp = *p, n = 1;
    else if ((*p & 0xE0) == 0xC0)
      cp = *p & 0x1F, n = 2;
    else if ((*p & 0xF0) == 0xE0)
      cp = *p & 0x0F, n = 3;
    else
      cp = *p & 0x07, n = 4;
    for (int k = 1; k < n && p[k]; k++)
      cp = (cp << 6) | (p[k] & 0x3F);
    w += (cp >= 0x1100 &&
          (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)))
             ? 2
             : 1;
    for (int k = 0; k < n && *p; k++)
      p++;
  }
  return w;
}

static void num(char *buf, size_t size, double v) {
  if (!isfinite(v))
    snprintf(buf, size, "?");
  else
    snprintf(buf, size, "%.0f", v);
}

static const char *mark(int status) {
  switch (status) {
  case EC_STD_MET:
    return "ok";
  case EC_STD_NOT_MET:
    return "NO";
  case EC_STD_NOT_YET_DUE:
    return "due";
  case EC_STD_UNKNOWN:
    return "?";
  default:
    return "-";
  }
}

static void print_requirements(const ec_scenario *s, const ec_std_result *r) {
  printf("Civil-affairs requirement per township (新政〔2017〕29号 二)\n"
         "bands: low <%s %.0f, mid, high >%s %.0f persons (edges %s)\n\n",
         s->band_edges_inclusive ? "=" : "", s->band_edge_low,
         s->band_edges_inclusive ? "=" : "", s->band_edge_high,
         s->band_edges_inclusive ? "inclusive: 以下/以上 include the number"
                                 : "exclusive: the edge is in the middle band");
  printf("%-12s %10s %-7s %5s %3s %8s %6s %10s %9s %6s %4s %3s %8s  %s\n",
         "code", "population", "band", "staff", "sw", "stations", "coord",
         "allow_yuan", "budget", "office", "comp", "eq", "train_d", "name");
  char pop[32], staff[16], budget[32], train[32], allow[32];
  for (int i = 0; i < ec_standards_result_n(r); i++) {
    const ec_std_unit *u = ec_standards_result_unit(r, i);
    const ec_std_requirement *q = ec_standards_result_requirement(r, i);
    num(pop, sizeof pop, u->population);
    num(staff, sizeof staff, q->staff < 0 ? NAN : q->staff);
    num(budget, sizeof budget, q->budget_min_yuan);
    num(train, sizeof train, q->training_days_min);
    num(allow, sizeof allow, q->allowance_yuan_per_year);
    printf("%-12s %10s %-7s %5s %3d %8d %6d %10s %9s %6.0f %4d %3d %8s  %s\n",
           u->code, pop, ec_standards_band_name(q->band), staff,
           q->social_workers, q->stations, q->coordinators, allow, budget,
           q->office_m2_min, q->computers_min, q->equipment_items, train,
           u->name_zh);
  }
  ec_std_totals t;
  ec_standards_result_totals(r, &t);
  printf("%-12s %10s %-7s %5ld %3ld %8ld %6ld %10.0f %9.0f %6.0f %4ld %3ld "
         "%8.0f  %d units\n",
         "total", "", "", t.staff, t.social_workers, t.stations, t.coordinators,
         t.allowance_yuan_per_year, t.budget_min_yuan, t.office_m2_min,
         t.computers_min, t.equipment_items, t.training_days_min, t.units);
  if (t.units_band_unknown)
    printf("\n%d unit(s) without population (band unknown): staff, budget and "
           "training totals\ncover the other %d units; over all units they lie "
           "in staff %ld..%ld persons,\nbudget %.0f..%.0f yuan/year, training "
           "%.0f..%.0f person-days/year.\n",
           t.units_band_unknown, t.units - t.units_band_unknown, t.staff_lo,
           t.staff_hi, t.budget_lo, t.budget_hi, t.training_lo, t.training_hi);
  printf("\nRules: sw = social workers, coord = coordinators (allowance "
         "%.0f yuan/month each),\ncomp = computers, eq = equipment items, "
         "train_d = person-days/year (%d a person).\nDeadlines:",
         s->coordinator_allowance_yuan_per_month, s->training_days_min);
  for (int k = 0; k < EC_NRULES; k++)
    printf("%s %s %s", k ? "," : "", ec_standards_rule_name(k),
           ec_standards_rule_deadline(s, k));
  printf("\n");
}

static void print_compliance(const ec_scenario *s, const ec_std_result *r) {
  const char *as_of = ec_standards_result_as_of(r);
  printf("\nCompliance as of %s (ok met, NO not met, due not met but not yet "
         "due, ? unknown, - not reported)\n\n",
         as_of[0] ? as_of : "(no date: every rule due)");
  printf("%-12s", "code");
  static const char *const abbr[EC_NRULES] = {"stf", "sw",  "stn", "crd",
                                              "alw", "off", "eq",  "bud",
                                              "win", "db",  "trn", "scw"};
  for (int k = 0; k < EC_NRULES; k++)
    printf(" %3s", abbr[k]);
  printf("  %s\n", "name");
  for (int i = 0; i < ec_standards_result_n(r); i++) {
    const ec_std_unit *u = ec_standards_result_unit(r, i);
    const ec_std_compliance *c = ec_standards_result_compliance(r, i);
    printf("%-12s", u->code);
    for (int k = 0; k < EC_NRULES; k++)
      printf(" %3s", mark(c->status[k]));
    printf("  %s\n", u->name_zh);
  }
  printf("\nShortfalls:\n");
  int any = 0;
  for (int i = 0; i < ec_standards_result_n(r); i++) {
    const ec_std_unit *u = ec_standards_result_unit(r, i);
    const ec_std_compliance *c = ec_standards_result_compliance(r, i);
    int head = 0;
    for (int k = 0; k < EC_NRULES; k++) {
      int st = c->status[k];
      if (st != EC_STD_NOT_MET && st != EC_STD_NOT_YET_DUE &&
          st != EC_STD_UNKNOWN)
        continue;
      if (!head) {
        int pad = 24 - display_width(u->name_zh);
        printf("  %s %s%*s", u->code, u->name_zh, pad > 0 ? pad : 0, "");
        head = 1;
      } else {
        printf(";");
      }
      any = 1;
      if (k == EC_RULE_EQUIPMENT) {
        printf(" equipment missing");
        for (int j = 0; j < EC_STD_EQUIPMENT_ITEMS; j++)
          if (c->missing_items & (1u << j))
            printf(" %s", ec_standards_item_name(j));
        if (c->computers_short)
          printf(" (%d computer(s) short)", c->computers_short);
      } else if (isfinite(c->shortfall[k]) &&
                 strcmp(ec_standards_rule_units(k), "1")) {
        printf(" %s %.0f %s", ec_standards_rule_name(k), c->shortfall[k],
               ec_standards_rule_units(k));
      } else {
        printf(" %s", ec_standards_rule_name(k));
        if (st == EC_STD_NOT_MET && !isfinite(c->shortfall[k]))
          printf(" (below every band's minimum; band unknown)");
      }
      if (st == EC_STD_NOT_YET_DUE)
        printf(" (due %s)", ec_standards_rule_deadline(s, k));
      if (st == EC_STD_UNKNOWN) printf(" (unknown: no population)");
    }
    if (head) printf("\n");
  }
  if (!any) printf("  none\n");
  ec_std_totals t;
  ec_standards_result_totals(r, &t);
  printf("\nCity: %d of %d units meet every due rule.\n", t.units_compliant,
         t.units);
  printf("%-22s %5s %7s %11s %7s %12s %14s\n", "rule", "met", "not_met",
         "not_yet_due", "unknown", "not_reported", "shortfall");
  for (int k = 0; k < EC_NRULES; k++)
    printf("%-22s %5d %7d %11d %7d %12d %14.0f %s\n", ec_standards_rule_name(k),
           t.met[k], t.not_met[k], t.not_yet_due[k], t.unknown[k],
           t.not_reported[k], t.shortfall[k],
           strcmp(ec_standards_rule_units(k), "1") ? ec_standards_rule_units(k)
                                                   : "unit(s) lacking");
}

/* *out = a followed by b (malloc'd); 0 when out of memory. */
static int asprintf_like(char **out, const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  *out = malloc(n);
  if (!*out) return 0;
  snprintf(*out, n, "%s%s", a, b);
  return 1;
}

static int write_json(const char *path, const char *text, ec_error *err) {
  ec_atomic a;
  int rc = ec_atomic_begin(&a, path, "", err);
  if (rc) return rc;
  FILE *f = fopen(a.tmp_path, "wb");
  if (!f) {
    ec_atomic_abort(&a);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot create");
  }
  int bad = fputs(text, f) < 0 || fputc('\n', f) == EOF;
  bad |= fclose(f) != 0;
  if (bad) {
    ec_atomic_abort(&a);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "write failed");
  }
  return ec_atomic_commit(&a, err);
}

int ec_cmd_standards(int argc, char **argv) {
  static const struct option longopts[] = {
      {"inventory", required_argument, NULL, 'i'},
      {"as-of", required_argument, NULL, 'a'},
      {"json", no_argument, NULL, 'j'},
      {"output", required_argument, NULL, 'o'},
      {"set", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0}};
  const char *inventory = NULL, *as_of = NULL, *output = NULL;
  int json = 0, nset = 0, status = EC_EXIT_OK;
  /* --set values plus room for --as-of and --inventory */
  char **sets = calloc((size_t)argc + 2, sizeof *sets);
  char *extra[2] = {NULL, NULL};
  if (!sets) {
    fprintf(stderr, "eldercap standards: out of memory\n");
    return EC_EXIT_FAIL;
  }
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, ":ho:qv", longopts, NULL)) != -1) {
    switch (ch) {
    case 'i':
      inventory = optarg;
      break;
    case 'a':
      as_of = optarg;
      break;
    case 'j':
      json = 1;
      break;
    case 'o':
      output = optarg;
      break;
    case 's':
      sets[nset++] = optarg;
      break;
    case 'q':
      break;
    case 'v':
      ec_cli_verbose = 1;
      break;
    case 'h':
      usage(stdout);
      free(sets);
      return EC_EXIT_OK;
    case ':':
      free(sets);
      return ec_cli_usage("standards", "option '%s' needs a value",
                          argv[optind - 1]);
    default:
      free(sets);
      return ec_cli_usage("standards", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind != argc - 1) {
    free(sets);
    return ec_cli_usage("standards",
                        optind >= argc ? "a scenario file is required"
                                       : "exactly one scenario file expected");
  }
  if (as_of && !ec_standards_date_valid(as_of)) {
    free(sets);
    return ec_cli_usage("standards", "--as-of '%s' is not a YYYY-MM-DD date",
                        as_of);
  }
  /* --as-of / --inventory go through the loader as overrides, so they are
   * checked and recorded like any --set (paths as given, relative to cwd) */
  if (as_of && asprintf_like(&extra[0], "scenario.as_of=", as_of))
    sets[nset++] = extra[0];
  if (inventory && asprintf_like(&extra[1], "data.inventory=", inventory))
    sets[nset++] = extra[1];

  ec_scenario s;
  ec_error err;
  ec_error_clear(&err);
  ec_scenario_defaults(&s);
  ec_std_unit *units = NULL;
  ec_std_inventory *inv = NULL;
  ec_std_result *res = NULL;
  cJSON *doc = NULL;
  char *text = NULL;
  int loaded = 0, n = 0, rc;
  if ((as_of && !extra[0]) || (inventory && !extra[1])) {
    rc = ec_error_set(&err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
    goto fail;
  }
  rc = ec_scenario_load(&s, argv[optind], nset, sets, &err);
  if (rc) goto fail;
  loaded = 1;
  if (!s.units[0]) {
    rc = ec_error_set(&err, EC_ERR_MISSING, argv[optind], 0, "data.units",
                      "the scenario names no unit list ([data] units)");
    goto fail;
  }
  if ((rc = ec_standards_units_read(s.units, &units, &n, &err))) goto fail;
  if (s.inventory[0] &&
      (rc = ec_standards_inventory_read(s.inventory, units, n, &inv, &err)))
    goto fail;
  if ((rc = ec_standards_evaluate(&s, units, n, inv, s.as_of, &res, &err))) {
    if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", argv[optind]);
    goto fail;
  }
  if (json || output) {
    doc = ec_standards_json(&s, res);
    text = doc ? cJSON_Print(doc) : NULL;
    if (!text) {
      rc = ec_error_set(&err, EC_ERR_NOMEM, NULL, 0, NULL, "out of memory");
      goto fail;
    }
    if (output && (rc = write_json(output, text, &err))) goto fail;
  }
  if (json) {
    printf("%s\n", text);
  } else {
    print_requirements(&s, res);
    if (inv) print_compliance(&s, res);
    if (output) printf("\nJSON written to %s\n", output);
  }
  goto done;
fail:
  status = ec_cli_fail(&err);
done:
  if (text) cJSON_free(text);
  cJSON_Delete(doc);
  ec_standards_result_free(res);
  free(inv);
  free(units);
  if (loaded) ec_scenario_free(&s);
  free(extra[0]);
  free(extra[1]);
  free(sets);
  return status;
}
