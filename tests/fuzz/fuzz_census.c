/* fuzz_census — the census age-sex CSV reader (model/io/rates.c). */
#include "fuzz_common.h"

#include "eldercap/ec_population.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[512];
  fuzz_write(path, sizeof path, "census.csv", data, size);
  ec_census c;
  ec_error err;
  memset(&c, 0, sizeof c);
  (void)ec_census_read(path, "410184", &c, &err);
  return 0;
}
