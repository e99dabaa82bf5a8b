/* fuzz_facilities — the facilities CSV (model/io/facilities.c) against the
 * real Xinzheng township layer (read once). */
#include "fuzz_common.h"

#include "eldercap/ec_plan.h"
#include "eldercap/ec_region.h"

static ec_scenario g_s;
static ec_region *g_r;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  ec_scenario_defaults(&g_s);
  snprintf(g_s.townships, sizeof g_s.townships, "%s/data/xinzheng/townships.shp",
           EC_SOURCE_DIR);
  snprintf(g_s.township_code_field, sizeof g_s.township_code_field, "CODE");
  snprintf(g_s.township_name_field, sizeof g_s.township_name_field, "NAME_ZH");
  snprintf(g_s.township_weight_field, sizeof g_s.township_weight_field, "POP");
  g_s.township_weights = EC_WEIGHT_FIELD;
  ec_error err;
  if (ec_region_read(&g_s, "410184", "x", &g_r, &err)) {
    fprintf(stderr, "fuzz_facilities: cannot read %s: %s\n", g_s.townships, err.msg);
    abort();
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[512];
  fuzz_write(path, sizeof path, "fac.csv", data, size);
  ec_facility *f = NULL;
  int n = 0;
  ec_error err;
  if (ec_facilities_read(path, &g_s, g_r, &f, &n, &err) == EC_OK) free(f);
  return 0;
}
