/* fuzz_standards — the standards CSV readers (model/io/standards_io.c):
 * units SEP inventory. */
#include "fuzz_common.h"

#include "eldercap/ec_standards.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[2];
  size_t len[2];
  int np = fuzz_split(data, size, 2, part, len);
  char pu[512], pi[512];
  fuzz_write(pu, sizeof pu, "units.csv", part[0], len[0]);
  ec_std_unit *u = NULL;
  int n = 0;
  ec_error err;
  if (ec_standards_units_read(pu, &u, &n, &err)) return 0;
  if (np > 1) {
    fuzz_write(pi, sizeof pi, "inv.csv", part[1], len[1]);
    ec_std_inventory *inv = NULL;
    if (ec_standards_inventory_read(pi, u, n, &inv, &err) == EC_OK) free(inv);
  }
  free(u);
  return 0;
}
