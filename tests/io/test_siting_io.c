/* test_siting_io.c — siting readers and the assignment writer. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eldercap/ec_siting.h"

static char dir[256];

static const char *put(const char *name, const char *text) {
  static char path[8][512];
  static int k;
  char *p = path[k++ % 8];
  snprintf(p, 512, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
  return p;
}

static void setup(void) {
  strcpy(dir, "/tmp/ec_siteio_XXXXXX");
  cr_assert(mkdtemp(dir));
}

TestSuite(siting_io, .init = setup);

Test(siting_io, pmed_last_duplicate_edge_wins) {
  /* edge 1-2 given as 5 then 9: the last (9) counts, so the shortest path
   * 1-2 is 1-3-2 = 4 + 3 = 7 (keeping the minimum would give 5) */
  const char *p = put("g.txt", " 3 4 1\n 1 2 5\n 1 3 4\n 1 2 9\n 2 3 3\n");
  ec_site_data *d = NULL;
  ec_error err;
  cr_assert_eq(ec_site_read_orlib_pmed(p, &d, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(d->p, 1u);
  const size_t *rp = ec_od_rowptr(d->od);
  const uint32_t *de = ec_od_dest(d->od);
  const double *c = ec_od_cost(d->od);
  for (size_t k = rp[0]; k < rp[1]; k++)
    if (de[k] == 1) cr_assert_float_eq(c[k], 7, 0);
  for (size_t k = rp[1]; k < rp[2]; k++)
    if (de[k] == 2) cr_assert_float_eq(c[k], 3, 0);
  ec_site_data_free(d);
}

Test(siting_io, pmed_bad_token_names_line_and_column) {
  const char *p = put("bad.txt", " 3 2 1\n 1 2 5\n 1 x 4\n");
  ec_site_data *d = NULL;
  ec_error err;
  cr_assert_eq(ec_site_read_orlib_pmed(p, &d, &err), EC_ERR_PARSE);
  cr_assert_eq(err.line, 3);
  cr_assert(strstr(err.msg, "column 4"), "%s", err.msg);
}

Test(siting_io, pmedcap_floors_distances) {
  /* (0,0)-(3,4) = 5 exactly; (0,0)-(1,1) = 1.414 -> 1 */
  const char *p = put("c.txt", " 1 7\n 3 1 10\n 1 0 0 2\n 2 3 4 3\n 3 1 1 4\n");
  ec_site_data *d = NULL;
  ec_error err;
  cr_assert_eq(ec_site_read_orlib_pmedcap(p, &d, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(ec_site_euclid_costs(d, INFINITY, 0, &err), EC_OK, "%s", err.msg);
  cr_assert_float_eq(d->best_known, 7, 0);
  cr_assert_float_eq(d->demand[2], 4, 0);
  cr_assert_float_eq(d->capacity[0], 10, 0);
  const size_t *rp = ec_od_rowptr(d->od);
  const uint32_t *de = ec_od_dest(d->od);
  const double *c = ec_od_cost(d->od);
  for (size_t k = rp[0]; k < rp[1]; k++) {
    if (de[k] == 1) cr_assert_float_eq(c[k], 5, 0);
    if (de[k] == 2) cr_assert_float_eq(c[k], 1, 0);
  }
  ec_site_data_free(d);
}

Test(siting_io, csv_readers_costs_and_writer) {
  const char *D = put("D.csv", "id,weight,x,y,capacity_demand\na,2,0,0,1\nb,3,10,0,2\n");
  const char *S = put("S.csv", "id,x,y,capacity,fixed\nA,1,0,5,1\nB,9,0,5,0\n");
  const char *C = put("C.csv", "origin,dest,cost\na,A,1\nb,B,1\nb,A,9\n");
  ec_site_data *d = NULL;
  ec_error err;
  cr_assert_eq(ec_site_read_csv(D, S, &d, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(d->nclients, 2u);
  cr_assert_eq(d->fixed[0], 1);
  cr_assert_float_eq(d->demand[1], 2, 0);
  cr_assert_eq(ec_site_read_costs(d, C, INFINITY, 0, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(ec_od_nnz(d->od), 3u);
  /* k = 1 keeps the cheapest per client: a-A, b-B */
  cr_assert_eq(ec_site_read_costs(d, C, INFINITY, 1, &err), EC_OK, "%s", err.msg);
  cr_assert_eq(ec_od_nnz(d->od), 2u);
  ec_site_params par;
  ec_site_params_init(&par);
  par.p = 2;
  par.weight = d->weight;
  par.fixed = d->fixed;
  ec_site_result r;
  cr_assert_eq(ec_site_solve(d->od, &par, &r, &err), EC_OK, "%s", err.msg);
  cr_assert_float_eq(r.objective, 2 * 1 + 3 * 1, 1e-12);
  char out[512];
  snprintf(out, sizeof out, "%s/OUT.csv", dir);
  cr_assert_eq(ec_site_write_assignment(out, d, &r, &err), EC_OK, "%s", err.msg);
  FILE *f = fopen(out, "r");
  char buf[256] = {0};
  size_t nr = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[nr] = 0;
  cr_assert_str_eq(buf, "client,site,cost\na,A,1\nb,B,1\n");
  ec_site_result_free(&r);
  ec_site_data_free(d);
}

Test(siting_io, csv_errors_name_file_line_column) {
  const char *D = put("D2.csv", "id,weight\na,2\nb,-1\n");
  const char *S = put("S2.csv", "id\nA\n");
  ec_site_data *d = NULL;
  ec_error err;
  cr_assert_neq(ec_site_read_csv(D, S, &d, &err), EC_OK);
  cr_assert_eq(err.line, 3);
  cr_assert_str_eq(err.field, "weight");
  cr_assert(strstr(err.file, "D2.csv"));
  const char *D3 = put("D3.csv", "id,weight\na,2\na,1\n");
  cr_assert_eq(ec_site_read_csv(D3, S, &d, &err), EC_ERR_INVALID);
  cr_assert_eq(err.line, 3);
  const char *D4 = put("D4.csv", "id,weight\na,2\n");
  cr_assert_eq(ec_site_read_csv(D4, S, &d, &err), EC_OK);
  const char *C = put("C4.csv", "origin,dest,cost\na,A,1\na,Z,2\n");
  cr_assert_eq(ec_site_read_costs(d, C, INFINITY, 0, &err), EC_ERR_INVALID);
  cr_assert_eq(err.line, 3);
  cr_assert_str_eq(err.field, "dest");
  ec_site_data_free(d);
}
