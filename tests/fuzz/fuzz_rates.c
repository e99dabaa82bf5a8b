/* fuzz_rates — the WPP rate readers (model/io/rates.c): mortality SEP
 * fertility [SEP migration]. An empty migration part means "no file". */
#include "fuzz_common.h"

#include "eldercap/ec_population.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[3];
  size_t len[3];
  int np = fuzz_split(data, size, 3, part, len);
  char pm[512], pf[512], pg[512];
  fuzz_write(pm, sizeof pm, "mx.csv", part[0], len[0]);
  fuzz_write(pf, sizeof pf, "asfr.csv", part[1], len[1]);
  const char *mig = "";
  if (np > 2) mig = fuzz_write(pg, sizeof pg, "mig.csv", part[2], len[2]);
  ec_rates *r = NULL;
  ec_error err;
  if (ec_rates_read(pm, pf, mig, &r, &err) == EC_OK) ec_rates_free(r);
  return 0;
}
