/* fuzz_townships — the township layer: shapelib (.shp/.shx/.dbf), the .prj
 * through PROJ, reprojection and GEOS geometry (model/io/townships.c).
 * Input: shp SEP shx SEP dbf SEP prj. */
#include "fuzz_common.h"

#include "eldercap/ec_region.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[4];
  size_t len[4];
  fuzz_split(data, size, 4, part, len);
  char p[512];
  fuzz_write(p, sizeof p, "t.shx", part[1], len[1]);
  fuzz_write(p, sizeof p, "t.dbf", part[2], len[2]);
  fuzz_write(p, sizeof p, "t.prj", part[3], len[3]);
  fuzz_write(p, sizeof p, "t.shp", part[0], len[0]);
  ec_scenario s;
  ec_scenario_defaults(&s);
  snprintf(s.townships, sizeof s.townships, "%s", p);
  snprintf(s.township_code_field, sizeof s.township_code_field, "CODE");
  snprintf(s.township_name_field, sizeof s.township_name_field, "NAME_ZH");
  snprintf(s.township_weight_field, sizeof s.township_weight_field, "POP");
  s.township_weights = EC_WEIGHT_FIELD;
  snprintf(s.crs, sizeof s.crs, "EPSG:4547");
  ec_region *r = NULL;
  ec_error err;
  if (ec_region_read(&s, "410184", "x", &r, &err) == EC_OK) ec_region_free(r);
  return 0;
}
