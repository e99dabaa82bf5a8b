/* fuzz_shapelib — the shapefile/DBF reading that ec_region_read does, without
 * the PROJ steps (those make fuzz_townships slow): open .shp/.shx/.dbf with
 * the same hooks and read every shape and attribute. Input as fuzz_townships:
 * shp SEP shx SEP dbf [SEP prj]. */
#include "fuzz_common.h"

#include <shapefil.h>

static void quiet(const char *msg) { (void)msg; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[4];
  size_t len[4];
  fuzz_split(data, size, 4, part, len);
  char p[512];
  fuzz_write(p, sizeof p, "l.shx", part[1], len[1]);
  fuzz_write(p, sizeof p, "l.dbf", part[2], len[2]);
  fuzz_write(p, sizeof p, "l.shp", part[0], len[0]);
  SAHooks hooks;
  SASetupDefaultHooks(&hooks);
  hooks.Error = quiet;
  SHPHandle shp = SHPOpenLL(p, "rb", &hooks);
  DBFHandle dbf = DBFOpenLL(p, "rb", &hooks);
  if (shp) {
    int n = 0, type = 0;
    SHPGetInfo(shp, &n, &type, NULL, NULL);
    for (int i = 0; i < n && i < 10000; i++) {
      SHPObject *o = SHPReadObject(shp, i);
      if (o) SHPDestroyObject(o);
    }
    SHPClose(shp);
  }
  if (dbf) {
    int nf = DBFGetFieldCount(dbf), nr = DBFGetRecordCount(dbf);
    for (int r = 0; r < nr && r < 10000; r++)
      for (int f = 0; f < nf; f++) {
        char name[12];
        DBFGetFieldInfo(dbf, f, name, NULL, NULL);
        if (!DBFIsAttributeNULL(dbf, r, f)) {
          (void)DBFReadStringAttribute(dbf, r, f);
          (void)DBFReadIntegerAttribute(dbf, r, f);
        }
      }
    DBFClose(dbf);
  }
  return 0;
}
