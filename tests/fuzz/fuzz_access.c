/* fuzz_access — the access CSV readers (model/io/access_io.c):
 * demand SEP supply SEP costs. */
#include "fuzz_common.h"

#include "eldercap/ec_access.h"
#include "eldercap/ec_od.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[3];
  size_t len[3];
  fuzz_split(data, size, 3, part, len);
  char pd[512], ps[512], pc[512];
  fuzz_write(pd, sizeof pd, "D.csv", part[0], len[0]);
  fuzz_write(ps, sizeof ps, "S.csv", part[1], len[1]);
  fuzz_write(pc, sizeof pc, "C.csv", part[2], len[2]);
  ec_access_points d, s;
  memset(&d, 0, sizeof d);
  memset(&s, 0, sizeof s);
  ec_error err;
  int rd = ec_access_read_demand(pd, &d, &err);
  int rs = ec_access_read_supply(ps, &s, &err);
  if (rd == EC_OK && rs == EC_OK) {
    ec_od *od = NULL;
    if (ec_access_read_costs(pc, &d, &s, 1e300, &od, &err) == EC_OK) ec_od_free(od);
  }
  ec_access_points_free(&d);
  ec_access_points_free(&s);
  return 0;
}
