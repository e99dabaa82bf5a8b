/* Tests of the civil-affairs standards core (section 二 of 新政〔2017〕29号).
 * Every expected value is computed by hand from the policy text
 * (/work/shared/policy/xinzheng-2017-29.zh.txt, 二(一)-(七)) in the comment
 * beside it; the scenario is filled by hand here, not by the loader. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "eldercap/ec_scenario.h"
#include "eldercap/ec_standards.h"

/* The policy's numbers, typed from the text:
 * 二(一) 3万人口以下 >=3 staff, 3-5万 >=4, 5万以上 >=5; 2 social workers;
 *        500 yuan/month per coordinator; deadline 2017年6月30日
 * 二(二) >= 40 m2, ten haves, computers >= 2
 * 二(三) 15万 / 20万 / 25万 yuan
 * 二(五) deadline 2017年12月31日; 二(六) >= 7 days a person; 二(七)
 * 2017年8月31日 */
static void policy(ec_scenario *s, int inclusive) {
  memset(s, 0, sizeof *s);
  s->band_edge_low = 30000;
  s->band_edge_high = 50000;
  s->band_edges_inclusive = inclusive;
  s->staff_min[0] = 3;
  s->staff_min[1] = 4;
  s->staff_min[2] = 5;
  s->budget_min_yuan[0] = 150000;
  s->budget_min_yuan[1] = 200000;
  s->budget_min_yuan[2] = 250000;
  s->social_workers = 2;
  s->coordinator_allowance_yuan_per_month = 500;
  s->office_m2_min = 40;
  s->computers_min = 2;
  s->training_days_min = 7;
  strcpy(s->standards_deadline, "2017-06-30");
  strcpy(s->database_deadline, "2017-12-31");
  strcpy(s->social_work_deadline, "2017-08-31");
}

static ec_std_unit unit(const char *code, double pop, int vil, int com) {
  ec_std_unit u;
  memset(&u, 0, sizeof u);
  strcpy(u.code, code);
  strcpy(u.name_zh, code);
  u.population = pop;
  u.n_villages = vil;
  u.n_communities = com;
  return u;
}

/* ---- bands -----------------------------------------------------------------
 */

Test(standards, band_edges_inclusive_default) {
  ec_scenario s;
  policy(&s, 1);
  /* 以下 includes 30,000 -> low; 以上 includes 50,000 -> high */
  cr_expect_eq(ec_standards_band(&s, 29999), EC_BAND_LOW);
  cr_expect_eq(ec_standards_band(&s, 30000), EC_BAND_LOW);
  cr_expect_eq(ec_standards_band(&s, 30001), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 30000.5), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 49999), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 50000), EC_BAND_HIGH);
  cr_expect_eq(ec_standards_band(&s, 50001), EC_BAND_HIGH);
  cr_expect_eq(ec_standards_band(&s, 0), EC_BAND_LOW);
  cr_expect_eq(ec_standards_band(&s, NAN), EC_BAND_UNKNOWN);
}

Test(standards, band_edges_exclusive) {
  ec_scenario s;
  policy(&s, 0);
  /* edges go to the middle band: < 30,000 low, 30,000..50,000 mid, > high */
  cr_expect_eq(ec_standards_band(&s, 29999), EC_BAND_LOW);
  cr_expect_eq(ec_standards_band(&s, 30000), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 30001), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 49999), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 50000), EC_BAND_MID);
  cr_expect_eq(ec_standards_band(&s, 50001), EC_BAND_HIGH);
  cr_expect_eq(ec_standards_band(&s, NAN), EC_BAND_UNKNOWN);
}

/* staff / budget at and around each edge, both settings */
Test(standards, staff_and_budget_at_edges) {
  static const struct {
    double pop;
    int staff_incl, staff_excl;
    double budget_incl, budget_excl;
  } t[] = {
      /* pop     incl excl   incl yuan excl yuan */
      {29999, 3, 3, 150000, 150000}, {30000, 3, 4, 150000, 200000},
      {30001, 4, 4, 200000, 200000}, {49999, 4, 4, 200000, 200000},
      {50000, 5, 4, 250000, 200000}, {50001, 5, 5, 250000, 250000},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    ec_scenario si, se;
    policy(&si, 1);
    policy(&se, 0);
    ec_std_unit u = unit("x", t[i].pop, 10, 0);
    ec_std_requirement qi, qe;
    ec_standards_require(&si, &u, &qi);
    ec_standards_require(&se, &u, &qe);
    cr_expect_eq(qi.staff, t[i].staff_incl, "pop %g inclusive", t[i].pop);
    cr_expect_eq(qe.staff, t[i].staff_excl, "pop %g exclusive", t[i].pop);
    cr_expect_eq(qi.budget_min_yuan, t[i].budget_incl, "pop %g", t[i].pop);
    cr_expect_eq(qe.budget_min_yuan, t[i].budget_excl, "pop %g", t[i].pop);
    /* training 7 x (staff + 10 coordinators) */
    cr_expect_eq(qi.training_days_min, 7.0 * (t[i].staff_incl + 10));
    cr_expect_eq(qe.training_days_min, 7.0 * (t[i].staff_excl + 10));
  }
}

/* ---- requirement, every rule -----------------------------------------------
 */

Test(standards, requirement_every_rule) {
  ec_scenario s;
  policy(&s, 1);
  /* 郭店镇 2017: 28 villages + 4 communities, population 44,268 (mid band) */
  ec_std_unit u = unit("410184108000", 44268, 28, 4);
  ec_std_requirement q;
  ec_standards_require(&s, &u, &q);
  cr_expect_eq(q.band, EC_BAND_MID);
  cr_expect_eq(q.staff, 4);
  cr_expect_eq(q.social_workers, 2);
  cr_expect_eq(q.stations, 32);                      /* 28 + 4 */
  cr_expect_eq(q.coordinators, 32);                  /* one per station */
  cr_expect_eq(q.allowance_yuan_per_year, 192000.0); /* 32 x 500 x 12 */
  cr_expect_eq(q.budget_min_yuan, 200000.0);
  cr_expect_eq(q.office_m2_min, 40.0);
  cr_expect_eq(q.computers_min, 2);
  cr_expect_eq(q.equipment_items, 10);
  cr_expect_eq(q.training_days_per_person, 7);
  cr_expect_eq(q.training_days_min, 252.0); /* 7 x (4 + 32) */
}

Test(standards, requirement_unknown_band) {
  ec_scenario s;
  policy(&s, 1);
  /* 新华路街道: no population, 12 communities */
  ec_std_unit u = unit("410184002000", NAN, 0, 12);
  ec_std_requirement q;
  ec_standards_require(&s, &u, &q);
  cr_expect_eq(q.band, EC_BAND_UNKNOWN);
  cr_expect_eq(q.staff, -1);
  cr_expect(isnan(q.budget_min_yuan));
  cr_expect(isnan(q.training_days_min));
  /* population-independent rules still apply */
  cr_expect_eq(q.social_workers, 2);
  cr_expect_eq(q.stations, 12);
  cr_expect_eq(q.coordinators, 12);
  cr_expect_eq(q.allowance_yuan_per_year, 72000.0); /* 12 x 500 x 12 */
  cr_expect_eq(q.office_m2_min, 40.0);
  cr_expect_eq(q.computers_min, 2);
  cr_expect_eq(q.equipment_items, 10);
  cr_expect_eq(q.training_days_per_person, 7);
}

/* ---- compliance
 * -------------------------------------------------------------- */

/* An inventory meeting every rule for a mid-band unit with 20 stations:
 * staff 4, 2 social workers, 20 stations/coordinators, 120,000 yuan allowance
 * (20 x 6,000), 200,000 yuan budget, 40 m2, every item (2 computers),
 * training 7 x (4 + 20) = 168 person-days. */
static ec_std_inventory full_inventory(void) {
  ec_std_inventory v;
  memset(&v, 0, sizeof v);
  v.reported = 1;
  v.staff = 4;
  v.social_workers = 2;
  v.stations = 20;
  v.coordinators = 20;
  v.allowance_yuan_per_year = 120000;
  v.budget_yuan = 200000;
  v.office_m2 = 40;
  for (int i = 0; i < EC_STD_EQUIPMENT_ITEMS; i++)
    v.equipment[i] = 1;
  v.equipment[EC_EQ_COMPUTERS] = 2;
  v.training_days = 168;
  v.service_window = v.database_linked = v.social_work_purchased = 1;
  return v;
}

static ec_std_requirement mid20(const ec_scenario *s) {
  ec_std_unit u = unit("u", 40000, 20, 0);
  ec_std_requirement q;
  ec_standards_require(s, &u, &q);
  return q;
}

Test(standards, all_met_exactly_at_minimum) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_requirement q = mid20(&s);
  ec_std_inventory v = full_inventory();
  ec_std_compliance c;
  ec_standards_comply(&s, &q, &v, "2017-06-30", &c);
  for (int r = 0; r < EC_NRULES; r++) {
    cr_expect_eq(c.status[r], EC_STD_MET, "rule %s", ec_standards_rule_name(r));
    cr_expect_eq(c.shortfall[r], 0.0, "rule %s", ec_standards_rule_name(r));
  }
  cr_expect_eq(c.rules_met, EC_NRULES);
  cr_expect_eq(c.missing_items, 0u);
}

Test(standards, each_rule_shortfall) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_requirement q = mid20(&s);
  ec_std_inventory v = full_inventory();
  v.staff = 3;                       /* 4 - 3 = 1 person */
  v.social_workers = 0;              /* 2 persons */
  v.stations = 17;                   /* 20 - 17 = 3 stations */
  v.coordinators = 15;               /* 5 persons */
  v.allowance_yuan_per_year = 90000; /* 120,000 - 90,000 = 30,000 yuan */
  v.office_m2 = 25.5;                /* 40 - 25.5 = 14.5 m2 */
  v.equipment[EC_EQ_COMPUTERS] = 1;  /* computers below 2: missing */
  v.equipment[EC_EQ_FAX] = 0;
  v.equipment[EC_EQ_RELIEF_VEHICLE] = 0; /* 3 items missing */
  v.budget_yuan = 120000;                /* 80,000 yuan */
  v.service_window = 0;
  v.database_linked = 0;
  v.social_work_purchased = 0;
  v.training_days = 100; /* 7 x (3 + 15) = 126 needed: 26 short */
  ec_std_compliance c;
  ec_standards_comply(&s, &q, &v, "", &c); /* no date: every rule due */
  double want[EC_NRULES] = {1, 2, 3, 5, 30000, 14.5, 3, 80000, 1, 1, 26, 1};
  for (int r = 0; r < EC_NRULES; r++) {
    cr_expect_eq(c.status[r], EC_STD_NOT_MET, "rule %s",
                 ec_standards_rule_name(r));
    cr_expect_float_eq(c.shortfall[r], want[r], 1e-9, "rule %s",
                       ec_standards_rule_name(r));
  }
  cr_expect_eq(c.missing_items, (1u << EC_EQ_COMPUTERS) | (1u << EC_EQ_FAX) |
                                    (1u << EC_EQ_RELIEF_VEHICLE));
  cr_expect_eq(c.computers_short, 1);
  cr_expect_eq(c.rules_not_met, EC_NRULES);
}

Test(standards, status_as_of_dates) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_requirement q = mid20(&s);
  ec_std_inventory v = full_inventory();
  v.staff = 3;                 /* deadline 2017-06-30 */
  v.database_linked = 0;       /* deadline 2017-12-31 */
  v.social_work_purchased = 0; /* deadline 2017-08-31 */
  ec_std_compliance c;
  /* before every deadline: nothing failed yet */
  ec_standards_comply(&s, &q, &v, "2017-06-29", &c);
  cr_expect_eq(c.status[EC_RULE_STAFF], EC_STD_NOT_YET_DUE);
  cr_expect_eq(c.status[EC_RULE_DATABASE], EC_STD_NOT_YET_DUE);
  cr_expect_eq(c.status[EC_RULE_SOCIAL_WORK], EC_STD_NOT_YET_DUE);
  cr_expect_eq(c.shortfall[EC_RULE_STAFF], 1.0); /* shortfall still shown */
  /* on the deadline day the rule is due ("6月30日前") */
  ec_standards_comply(&s, &q, &v, "2017-06-30", &c);
  cr_expect_eq(c.status[EC_RULE_STAFF], EC_STD_NOT_MET);
  cr_expect_eq(c.status[EC_RULE_DATABASE], EC_STD_NOT_YET_DUE);
  cr_expect_eq(c.status[EC_RULE_SOCIAL_WORK], EC_STD_NOT_YET_DUE);
  cr_expect_eq(c.rules_not_met, 1);
  cr_expect_eq(c.rules_not_yet_due, 2);
  ec_standards_comply(&s, &q, &v, "2017-08-31", &c);
  cr_expect_eq(c.status[EC_RULE_SOCIAL_WORK], EC_STD_NOT_MET);
  cr_expect_eq(c.status[EC_RULE_DATABASE], EC_STD_NOT_YET_DUE);
  ec_standards_comply(&s, &q, &v, "2017-12-31", &c);
  cr_expect_eq(c.status[EC_RULE_DATABASE], EC_STD_NOT_MET);
  cr_expect_eq(c.rules_not_met, 3);
  /* a met rule is met whatever the date */
  ec_standards_comply(&s, &q, &v, "2016-01-01", &c);
  cr_expect_eq(c.status[EC_RULE_OFFICE], EC_STD_MET);
}

Test(standards, unknown_band_verdicts) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_unit u = unit("jd", NAN, 0, 20);
  ec_std_requirement q;
  ec_standards_require(&s, &u, &q);
  ec_std_inventory v = full_inventory();
  ec_std_compliance c;
  /* 5 staff and 250,000 yuan meet the top band, hence any band */
  v.staff = 5;
  v.budget_yuan = 250000;
  v.training_days = 7 * 25; /* 5 staff + 20 coordinators in post */
  ec_standards_comply(&s, &q, &v, "", &c);
  cr_expect_eq(c.status[EC_RULE_STAFF], EC_STD_MET);
  cr_expect_eq(c.status[EC_RULE_BUDGET], EC_STD_MET);
  cr_expect_eq(c.status[EC_RULE_TRAINING], EC_STD_MET);
  /* 2 staff and 149,999 yuan miss even the low band: not met, size unknown */
  v.staff = 2;
  v.budget_yuan = 149999;
  ec_standards_comply(&s, &q, &v, "", &c);
  cr_expect_eq(c.status[EC_RULE_STAFF], EC_STD_NOT_MET);
  cr_expect_eq(c.status[EC_RULE_BUDGET], EC_STD_NOT_MET);
  cr_expect(isnan(c.shortfall[EC_RULE_STAFF]));
  cr_expect(isnan(c.shortfall[EC_RULE_BUDGET]));
  /* 4 staff and 200,000 yuan: met in low/mid, not in high -> unknown */
  v.staff = 4;
  v.budget_yuan = 200000;
  ec_standards_comply(&s, &q, &v, "", &c);
  cr_expect_eq(c.status[EC_RULE_STAFF], EC_STD_UNKNOWN);
  cr_expect_eq(c.status[EC_RULE_BUDGET], EC_STD_UNKNOWN);
  cr_expect_eq(c.rules_unknown, 2);
  /* the population-free rules are judged normally */
  cr_expect_eq(c.status[EC_RULE_STATIONS], EC_STD_MET);
  cr_expect_eq(c.status[EC_RULE_ALLOWANCE], EC_STD_MET); /* 20 x 6,000 */
}

Test(standards, not_reported) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_requirement q = mid20(&s);
  ec_std_inventory v;
  memset(&v, 0, sizeof v); /* reported = 0 */
  ec_std_compliance c;
  ec_standards_comply(&s, &q, &v, "2017-06-30", &c);
  for (int r = 0; r < EC_NRULES; r++) {
    cr_expect_eq(c.status[r], EC_STD_NOT_REPORTED);
    cr_expect(isnan(c.shortfall[r]));
  }
}

/* ---- the city --------------------------------------------------------------
 */

/* The 15 NBS-2017 units (data/xinzheng/units_2017.csv): population c.2000,
 * villages, communities. */
static const struct {
  const char *code;
  double pop;
  int vil, com;
} xz[15] = {
    {"410184001000", NAN, 0, 6},    {"410184002000", NAN, 0, 12},
    {"410184003000", NAN, 0, 8},    {"410184101000", 33479, 22, 0},
    {"410184102000", 50520, 36, 0}, {"410184103000", 45076, 21, 0},
    {"410184104000", 30298, 24, 0}, {"410184105000", 56365, 16, 0},
    {"410184106000", 42802, 20, 0}, {"410184107000", 39896, 22, 1},
    {"410184108000", 44268, 28, 4}, {"410184109000", 61017, 17, 11},
    {"410184200000", 70217, 14, 0}, {"410184402000", 19567, 14, 0},
    {"410184403000", NAN, 0, 8},
};

static ec_std_result *xinzheng(const ec_scenario *s,
                               const ec_std_inventory *inv) {
  ec_std_unit u[15];
  for (int i = 0; i < 15; i++)
    u[i] = unit(xz[i].code, xz[i].pop, xz[i].vil, xz[i].com);
  ec_std_result *r = NULL;
  ec_error err;
  int rc = ec_standards_evaluate(s, u, 15, inv, "2017-06-30", &r, &err);
  cr_assert_eq(rc, EC_OK, "%s", err.msg);
  return r;
}

Test(standards, xinzheng_totals) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_result *r = xinzheng(&s, NULL);
  cr_assert_eq(ec_standards_result_n(r), 15);
  /* per unit staff (inclusive): 3 街道 + 403 unknown; 101 33,479 mid 4;
   * 102 50,520 high 5; 103 mid 4; 104 30,298 mid 4; 105 high 5; 106 mid 4;
   * 107 mid 4; 108 mid 4; 109 high 5; 200 high 5; 402 19,567 low 3 */
  int staff[15] = {-1, -1, -1, 4, 5, 4, 4, 5, 4, 4, 4, 5, 5, 3, -1};
  for (int i = 0; i < 15; i++)
    cr_expect_eq(ec_standards_result_requirement(r, i)->staff, staff[i], "%s",
                 xz[i].code);
  ec_std_totals t;
  ec_standards_result_totals(r, &t);
  cr_expect_eq(t.units, 15);
  cr_expect_eq(t.units_band_unknown, 4);
  cr_expect_eq(t.band_count[0], 1);
  cr_expect_eq(t.band_count[1], 6);
  cr_expect_eq(t.band_count[2], 4);
  cr_expect_eq(t.staff, 47);          /* 3 + 6 x 4 + 4 x 5 */
  cr_expect_eq(t.staff_lo, 59);       /* 47 + 4 x 3 */
  cr_expect_eq(t.staff_hi, 67);       /* 47 + 4 x 5 */
  cr_expect_eq(t.social_workers, 30); /* 15 x 2 */
  cr_expect_eq(t.stations, 284);      /* 234 村 + 50 社区 */
  cr_expect_eq(t.coordinators, 284);
  cr_expect_eq(t.allowance_yuan_per_year, 1704000.0); /* 284 x 6,000 */
  cr_expect_eq(t.budget_min_yuan, 2350000.0); /* 150k + 6 x 200k + 4 x 250k */
  cr_expect_eq(t.budget_lo, 2950000.0);       /* + 4 x 150k */
  cr_expect_eq(t.budget_hi, 3350000.0);       /* + 4 x 250k */
  cr_expect_eq(t.office_m2_min, 600.0);       /* 15 x 40 */
  cr_expect_eq(t.computers_min, 30);
  cr_expect_eq(t.equipment_items, 150);
  /* 7 x (47 staff + 250 coordinators of the 11 known-band units) */
  cr_expect_eq(t.training_days_min, 2079.0);
  /* unknown units have 34 coordinators: 7 x (12 + 34) = 322, 7 x (20 + 34) =
   * 378 */
  cr_expect_eq(t.training_lo, 2401.0);
  cr_expect_eq(t.training_hi, 2457.0);
  ec_standards_result_free(r);
}

Test(standards, xinzheng_totals_exclusive_same) {
  /* no Xinzheng population sits on an edge, so the convention changes nothing
   */
  ec_scenario s;
  policy(&s, 0);
  ec_std_result *r = xinzheng(&s, NULL);
  ec_std_totals t;
  ec_standards_result_totals(r, &t);
  cr_expect_eq(t.staff, 47);
  cr_expect_eq(t.budget_min_yuan, 2350000.0);
  ec_standards_result_free(r);
}

Test(standards, flat_columns) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_result *r = xinzheng(&s, NULL);
  cr_assert_eq(ec_standards_ncolumns(r), 12);
  double v[15];
  ec_std_column info;
  int found = 0;
  for (int c = 0; c < ec_standards_ncolumns(r); c++) {
    cr_assert_eq(ec_standards_column(r, c, &info, v), EC_OK);
    cr_expect(info.units && info.units[0] && info.long_name);
    if (!strcmp(info.name, "staff_required")) {
      found++;
      cr_expect(isnan(v[0]));   /* 新建路街道 unknown */
      cr_expect_eq(v[4], 5.0);  /* 辛店镇 high */
      cr_expect_eq(v[13], 3.0); /* 具茨山 low */
      cr_expect_str_eq(info.units, "persons");
    }
    if (!strcmp(info.name, "coordinator_allowance_yuan_per_year")) {
      found++;
      cr_expect_eq(v[10], 192000.0); /* 郭店 32 x 6,000 */
    }
    if (!strcmp(info.name, "band")) {
      found++;
      cr_expect_eq(v[0], -1.0);
      cr_expect_eq(v[3], 1.0);
      cr_expect_eq(info.kind, 2);
    }
  }
  cr_expect_eq(found, 3);
  cr_expect_eq(ec_standards_column(r, 12, NULL, NULL), EC_ERR_RANGE);
  ec_standards_result_free(r);

  /* with an inventory: + 22 inventory + 2 x 12 rule + 3 summary columns */
  ec_std_inventory inv[15];
  memset(inv, 0, sizeof inv);
  inv[0] = full_inventory();
  r = xinzheng(&s, inv);
  cr_assert_eq(ec_standards_ncolumns(r), 12 + 22 + 24 + 3);
  int c_status = -1;
  for (int c = 0; c < ec_standards_ncolumns(r); c++) {
    cr_assert_eq(ec_standards_column(r, c, &info, NULL), EC_OK);
    if (!strcmp(info.name, "stations_status")) c_status = c;
  }
  cr_assert_geq(c_status, 0);
  ec_standards_column(r, c_status, &info, v);
  cr_expect_eq(info.kind, 1);
  /* unit 0 has 20 stations for 6 required: met; others not reported */
  cr_expect_eq(v[0], (double)EC_STD_MET);
  cr_expect_eq(v[1], (double)EC_STD_NOT_REPORTED);
  ec_standards_result_free(r);
}

Test(standards, compliance_totals) {
  ec_scenario s;
  policy(&s, 1);
  ec_std_inventory inv[15];
  memset(inv, 0, sizeof inv);
  /* 辛店镇 (high band, 36 stations): 4 staff, budget 200,000 */
  inv[4] = full_inventory();
  inv[4].staff = 4;
  inv[4].stations = inv[4].coordinators = 36;
  inv[4].allowance_yuan_per_year = 216000; /* 36 x 6,000 */
  inv[4].training_days = 7 * 40;           /* 4 + 36 persons in post */
  /* 城关乡 (high, 14 stations): everything met */
  inv[12] = full_inventory();
  inv[12].staff = 5;
  inv[12].budget_yuan = 250000;
  inv[12].stations = inv[12].coordinators = 14;
  inv[12].allowance_yuan_per_year = 84000;
  inv[12].training_days = 7 * 19;
  ec_std_result *r = xinzheng(&s, inv);
  const ec_std_compliance *c = ec_standards_result_compliance(r, 4);
  cr_expect_eq(c->status[EC_RULE_STAFF], EC_STD_NOT_MET);
  cr_expect_eq(c->shortfall[EC_RULE_STAFF], 1.0);      /* 5 - 4 */
  cr_expect_eq(c->shortfall[EC_RULE_BUDGET], 50000.0); /* 250k - 200k */
  cr_expect_eq(c->rules_not_met, 2);
  ec_std_totals t;
  ec_standards_result_totals(r, &t);
  cr_expect_eq(t.units_compliant, 1); /* 城关乡 only */
  cr_expect_eq(t.not_met[EC_RULE_STAFF], 1);
  cr_expect_eq(t.met[EC_RULE_STAFF], 1);
  cr_expect_eq(t.not_reported[EC_RULE_STAFF], 13);
  cr_expect_eq(t.shortfall[EC_RULE_BUDGET], 50000.0);
  ec_standards_result_free(r);
}

/* ---- checks
 * ------------------------------------------------------------------ */

Test(standards, dates_and_checks) {
  cr_expect(ec_standards_date_valid("2017-06-30"));
  cr_expect(ec_standards_date_valid("2016-02-29")); /* leap year */
  cr_expect(!ec_standards_date_valid("2017-02-29"));
  cr_expect(!ec_standards_date_valid("2017-6-30"));
  cr_expect(!ec_standards_date_valid("2017-13-01"));
  cr_expect(!ec_standards_date_valid("2017-06-31"));
  cr_expect(!ec_standards_date_valid(""));
  ec_scenario s;
  ec_error err;
  policy(&s, 1);
  cr_expect_eq(ec_standards_check(&s, &err), EC_OK);
  s.band_edge_low = 50000; /* low must be below high */
  cr_expect_eq(ec_standards_check(&s, &err), EC_ERR_RANGE);
  cr_expect_str_eq(err.field, "standards.band_edge_low");
  policy(&s, 1);
  strcpy(s.database_deadline, "2017-12-32");
  cr_expect_eq(ec_standards_check(&s, &err), EC_ERR_PARSE);
  cr_expect_str_eq(err.field, "standards.database_deadline");
  policy(&s, 1);
  ec_std_result *r = NULL;
  ec_std_unit u = unit("a", 1, 1, 1);
  cr_expect_eq(ec_standards_evaluate(&s, &u, 1, NULL, "30/06/2017", &r, &err),
               EC_ERR_PARSE);
  cr_expect_null(r);
}

Test(standards, loader_defaults_are_the_policy) {
  /* the scenario defaults must be the numbers typed from the text above */
  ec_scenario d, p;
  ec_scenario_defaults(&d);
  policy(&p, 1);
  cr_expect_eq(d.band_edge_low, p.band_edge_low);
  cr_expect_eq(d.band_edge_high, p.band_edge_high);
  cr_expect_eq(d.band_edges_inclusive, 1);
  for (int b = 0; b < 3; b++) {
    cr_expect_eq(d.staff_min[b], p.staff_min[b]);
    cr_expect_eq(d.budget_min_yuan[b], p.budget_min_yuan[b]);
  }
  cr_expect_eq(d.social_workers, 2);
  cr_expect_eq(d.coordinator_allowance_yuan_per_month, 500.0);
  cr_expect_eq(d.office_m2_min, 40.0);
  cr_expect_eq(d.computers_min, 2);
  cr_expect_eq(d.training_days_min, 7);
  cr_expect_str_eq(d.standards_deadline, "2017-06-30");
  cr_expect_str_eq(d.database_deadline, "2017-12-31");
  cr_expect_str_eq(d.social_work_deadline, "2017-08-31");
  ec_scenario_free(&d);
}
