/* fuzz_orlib — the OR-Library p-median / capacitated p-median readers
 * (model/io/siting_io.c). */
#include "fuzz_common.h"

#include "eldercap/ec_siting.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[512];
  fuzz_write(path, sizeof path, "or.txt", data, size);
  ec_site_data *d = NULL;
  ec_error err;
  if (ec_site_read_orlib_pmed(path, &d, &err) == EC_OK) ec_site_data_free(d);
  d = NULL;
  if (ec_site_read_orlib_pmedcap(path, &d, &err) == EC_OK) ec_site_data_free(d);
  return 0;
}
