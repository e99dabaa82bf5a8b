/* fuzz_site — the siting CSV readers (model/io/siting_io.c):
 * demand SEP sites SEP costs; an empty costs part uses Euclidean costs. */
#include "fuzz_common.h"

#include "eldercap/ec_siting.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[3];
  size_t len[3];
  fuzz_split(data, size, 3, part, len);
  char pd[512], ps[512], pc[512];
  fuzz_write(pd, sizeof pd, "D.csv", part[0], len[0]);
  fuzz_write(ps, sizeof ps, "S.csv", part[1], len[1]);
  ec_site_data *d = NULL;
  ec_error err;
  if (ec_site_read_csv(pd, ps, &d, &err) == EC_OK) {
    if (len[2]) {
      fuzz_write(pc, sizeof pc, "C.csv", part[2], len[2]);
      (void)ec_site_read_costs(d, pc, 1e300, 3, &err);
    } else {
      (void)ec_site_euclid_costs(d, 1e300, 3, &err);
    }
  }
  ec_site_data_free(d);
  return 0;
}
