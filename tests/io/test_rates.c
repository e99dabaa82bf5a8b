/* test_rates.c — reading WPP rate tables and census counts: values against the
 * files' own cells, and bad inputs named by file, line and column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eldercap/ec_population.h"

#define FIX EC_SOURCE_DIR "/tests/data/wpp2024/"
#define MX FIX "wpp2024_china_mx_abridged_1950_2100.csv"
#define ASFR FIX "wpp2024_china_fertility_asfr5_1950_2100.csv"
#define MIG FIX "wpp2024_china_netmig_age5_2020_2100.csv"

static char dir[64];
static char path[128];

static const char *write_tmp(const char *name, const char *text) {
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/ec_rates_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
  }
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
  return path;
}

static void cleanup(void) {
  if (dir[0]) {
    char p[160];
    const char *names[] = {"mx.csv", "f.csv", "census.csv", "mig.csv"};
    for (int i = 0; i < 4; i++) {
      snprintf(p, sizeof p, "%s/%s", dir, names[i]);
      unlink(p);
    }
    rmdir(dir);
    dir[0] = '\0';
  }
}

/* Cells of the files: 2020-2025 age 0 mxM 0.00617945, mxF 0.00523073; 100+
 * mxM of 2095-2100 0.38249997; 2020-2025 ASFR 25-29 0.073964, SRB 1.105;
 * net migration 2020-2025 males 0-4 -58.411 thousand per 5 years = -58,411 /
 * 5 years / 5 ages = -2,336.44 persons per year and single age. */
Test(rates, read_wpp_tables) {
  ec_rates *r = NULL;
  ec_error err;
  cr_assert_eq(ec_rates_read(MX, ASFR, MIG, &r, &err), EC_OK, "%s", err.msg);
  cr_expect_float_eq(ec_rates_mx(r, EC_MALE, 0, 2022.5), 0.00617945, 1e-12);
  cr_expect_float_eq(ec_rates_mx(r, EC_FEMALE, 0, 2022.5), 0.00523073, 1e-12);
  cr_expect_float_eq(ec_rates_mx(r, EC_MALE, 100, 2097.5), 0.38249997, 1e-12);
  cr_expect_float_eq(ec_rates_asfr(r, 27, 2022.5), 0.073964, 1e-12);
  cr_expect_float_eq(ec_rates_srb(r, 2022.5), 1.105, 1e-12);
  cr_expect_float_eq(ec_rates_netmig(r, EC_MALE, 2, 2021.0), -2336.44, 1e-9);
  cr_expect(ec_rates_has_migration(r));
  ec_rates_free(r);
  /* migration is optional */
  cr_assert_eq(ec_rates_read(MX, ASFR, "", &r, &err), EC_OK);
  cr_expect(!ec_rates_has_migration(r));
  cr_expect_float_eq(ec_rates_netmig(r, EC_MALE, 2, 2021.0), 0.0, 0.0);
  ec_rates_free(r);
}

/* China 2020 (mid-year, x1000): 21 groups 0-4 .. 100+, males 0-4 42,852,056.
 * Xinzheng: censuses 2010 and 2020 in ascending order, 19 groups "0", "1-4",
 * ..., "85+"; 2020 60+ = 122,867 (published census figure). */
Test(census, read_groups) {
  ec_census c;
  ec_error err;
  cr_assert_eq(ec_census_read(FIX "china_base_2020.csv", "156", &c, &err),
               EC_OK, "%s", err.msg);
  cr_expect_eq(c.ncensus, 1);
  cr_expect_eq(c.census[0].ngroups, 21);
  cr_expect_eq(c.census[0].start[20], 100);
  cr_expect_float_eq(c.census[0].n[EC_MALE][0], 42852056.0, 0.0);
  cr_assert_eq(ec_census_read(FIX "census_xinzheng_zhengzhou_2010_2020.csv",
                              "410184", &c, &err),
               EC_OK, "%s", err.msg);
  cr_expect_eq(c.ncensus, 2);
  cr_expect_eq(c.census[0].year, 2010);
  cr_expect_eq(c.census[1].year, 2020);
  cr_expect_eq(c.census[1].ngroups, 19);
  cr_expect_eq(c.census[1].start[1], 1);
  cr_expect_eq(c.census[1].start[18], 85);
  double e = 0;
  for (int k = 13; k < 19; k++)
    e += c.census[1].n[0][k] + c.census[1].n[1][k];
  cr_expect_float_eq(e, 122867.0, 0.0);
}

#define MXHEAD "period,mid_year,age,mxM,mxF\n"
Test(rates, bad_number_names_line_and_column, .fini = cleanup) {
  char text[4096] = MXHEAD;
  const char *ages[] = {"0",  "1",  "5",  "10", "15", "20",  "25", "30",
                        "35", "40", "45", "50", "55", "60",  "65", "70",
                        "75", "80", "85", "90", "95", "100+"};
  for (int i = 0; i < 22; i++) {
    char row[96];
    snprintf(row, sizeof row, "2020-2025,2023,%s,%s,0.01\n", ages[i],
             i == 5 ? "abc" : "0.01");
    strcat(text, row);
  }
  const char *p = write_tmp("mx.csv", text);
  ec_rates *r = NULL;
  ec_error err;
  cr_expect_eq(ec_rates_read(p, ASFR, "", &r, &err), EC_ERR_PARSE);
  cr_expect_str_eq(err.file, p);
  cr_expect_eq(err.line, 7); /* header + 6th row */
  cr_expect_str_eq(err.field, "mxM");
  cr_expect_null(r);
}

Test(rates, incomplete_and_bad_labels, .fini = cleanup) {
  ec_rates *r = NULL;
  ec_error err;
  const char *p = write_tmp("mx.csv", MXHEAD "2020-2025,2023,0,0.01,0.01\n");
  cr_expect_eq(ec_rates_read(p, ASFR, "", &r, &err), EC_ERR_MISSING);
  cr_expect(strstr(err.msg, "2020-2025") != NULL, "%s", err.msg);
  p = write_tmp("mx.csv", MXHEAD "2020-2025,2023,7,0.01,0.01\n");
  cr_expect_eq(ec_rates_read(p, ASFR, "", &r, &err), EC_ERR_PARSE);
  cr_expect_eq(err.line, 2);
  cr_expect_str_eq(err.field, "age");
  p = write_tmp("mx.csv", MXHEAD "2020-2024,2023,0,0.01,0.01\n");
  cr_expect_eq(ec_rates_read(p, ASFR, "", &r, &err), EC_ERR_PARSE);
  cr_expect_str_eq(err.field, "period");
  p = write_tmp("mx.csv", "period,age,mxM\n2020-2025,0,0.01\n");
  cr_expect_eq(ec_rates_read(p, ASFR, "", &r, &err), EC_ERR_MISSING);
  cr_expect_str_eq(err.field, "mxF");
  p = write_tmp("mx.csv", MXHEAD "2020-2025,2023,0,-0.01,0.01\n");
  cr_expect_eq(ec_rates_read(p, ASFR, "", &r, &err), EC_ERR_RANGE);
  cr_expect_eq(ec_rates_read("/nonexistent/mx.csv", ASFR, "", &r, &err),
               EC_ERR_IO);
  cr_expect_null(r);
}

#define CHEAD "year,area_code,area_name,age_group,male,female\n"
Test(census, bad_inputs, .fini = cleanup) {
  ec_census c;
  ec_error err;
  const char *p = write_tmp("census.csv", CHEAD "2020,1,A,0-4,10,10\n"
                                                "2020,1,A,5-9x,10,10\n");
  cr_expect_eq(ec_census_read(p, "1", &c, &err), EC_ERR_PARSE);
  cr_expect_eq(err.line, 3);
  cr_expect_str_eq(err.field, "age_group");
  p = write_tmp("census.csv", CHEAD "2020,1,A,0-4,10,-3\n");
  cr_expect_eq(ec_census_read(p, "1", &c, &err), EC_ERR_RANGE);
  cr_expect_str_eq(err.field, "female");
  p = write_tmp("census.csv", CHEAD "2020,1,A,0-4,10,10\n2020,1,A,10-14,1,1\n"
                                    "2020,1,A,15+,1,1\n");
  cr_expect_eq(ec_census_read(p, "1", &c, &err), EC_ERR_INVALID);
  cr_expect(strstr(err.msg, "gap") != NULL, "%s", err.msg);
  p = write_tmp("census.csv", CHEAD "2020,1,A,0-4,10,10\n2020,1,A,5-9,1,1\n"
                                    "2020,1,A,10-14,1,1\n");
  cr_expect_eq(ec_census_read(p, "1", &c, &err), EC_ERR_INVALID);
  cr_expect(strstr(err.msg, "open") != NULL, "%s", err.msg);
  cr_expect_eq(ec_census_read(p, "999", &c, &err), EC_ERR_MISSING);
  cr_expect(strstr(err.msg, "999") != NULL, "%s", err.msg);
}
