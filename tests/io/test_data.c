/* test_data.c: the embedded datasets under data/ (from scripts/build-data)
 * against published figures, read the way the model reads them: shapelib
 * for the township layers, ec_csv for the tables, PROJ for the .prj.
 *
 * Independent values:
 * - 2020 census, 分县资料 (also the independent tudigong copy):
 *   新郑市 1,172,237; 60+ 122,867 (10.48 %); 65+ 88,558 (7.55 %,
 *   the published share); 80+ 16,229.
 *   郑州市 12,600,574; 60+ 1,617,392 (12.84 %); 65+ 1,130,977 (8.98 %).
 * - 2010 census: 新郑市 758,128; 60+ 82,305; 65+ 54,754
 *   (published 65+ share 7.22 %: 54,754 / 758,128 = 7.222 %).
 *   郑州市 published 65+ share 7.16 %.
 * - NBS 2017 codes: 15 units in 新郑市; 284 village-level units
 *   = 234 村 + 50 居委会; 新郑新区管委会 (403) has 8 居委会, no polygon.
 * - geotrellis c.2000 layer: 160 Zhengzhou units sum to 6,656,759
 *   (the 2000 census total is about 6.66 million); the 14 Xinzheng
 *   units sum to 609,173; without 八千乡 41,596 and 龙王乡 39,834
 *   the 12 features of the 2017 layer sum to 527,743.
 * - WPP 2024 China mid-2020: 1,426,106,092 persons, 60+ 255,367,728
 *   (elderly totals file: 1,426,106.092 and 255,367.728 thousand).
 * - Xinzheng lies in 113.5-113.9 E, 34.2-34.7 N; the 2021 county
 *   without 航空港区 is 707.6 km2 (tudigong). The 12 c.2000 polygons
 *   (孟庄镇 still with 7 airport-zone villages) are within 5 % of it. */
#include <criterion/criterion.h>
#include <proj.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eldercap/ec_csv.h"

#define DATA EC_SOURCE_DIR "/data/"

static const char *const CENSUS_GROUPS[19] = {
    "0",     "1-4",   "5-9",   "10-14", "15-19", "20-24", "25-29",
    "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64",
    "65-69", "70-74", "75-79", "80-84", "85+"};

static ec_csv *open_csv(const char *path) {
  ec_csv *csv = NULL;
  ec_error err;
  int rc = ec_csv_open(path, &csv, &err);
  cr_assert_eq(rc, EC_OK, "%s: %s", path, err.msg);
  return csv;
}

static int col(ec_csv *csv, const char *name) {
  int c = -1;
  ec_error err;
  cr_assert_eq(ec_csv_require(csv, name, &c, &err), EC_OK, "%s", err.msg);
  return c;
}

static long lng(ec_csv *csv, int c) {
  long v = 0;
  ec_error err;
  cr_assert_eq(ec_csv_long(csv, c, &v, &err), EC_OK, "%s", err.msg);
  return v;
}

/* Age-sex totals of one area and year from census_age_sex.csv. */
typedef struct {
  long total, male, female, p60, p65, p80;
  int ngroups;
} census_sums;

static census_sums census(long year, long area) {
  census_sums s = {0};
  ec_csv *csv = open_csv(DATA "xinzheng/census_age_sex.csv");
  cr_assert_eq(ec_csv_ncols(csv), 6);
  int cy = col(csv, "year"), ca = col(csv, "area_code"),
      cg = col(csv, "age_group");
  int cm = col(csv, "male"), cf = col(csv, "female");
  ec_error err;
  int rc;
  while ((rc = ec_csv_next(csv, &err)) == 1) {
    if (lng(csv, cy) != year || lng(csv, ca) != area) continue;
    cr_assert_lt(s.ngroups, 19, "more than 19 age groups for %ld %ld", year,
                 area);
    /* groups must come in the model's order, exactly these labels */
    cr_assert_str_eq(ec_csv_field(csv, cg), CENSUS_GROUPS[s.ngroups]);
    long m = lng(csv, cm), f = lng(csv, cf);
    cr_assert_geq(m, 0);
    cr_assert_geq(f, 0);
    s.male += m;
    s.female += f;
    if (s.ngroups >= 13) s.p60 += m + f; /* 60-64 is group 13 */
    if (s.ngroups >= 14) s.p65 += m + f;
    if (s.ngroups >= 17) s.p80 += m + f;
    s.ngroups++;
  }
  cr_assert_eq(rc, 0, "%s", err.msg);
  ec_csv_free(csv);
  s.total = s.male + s.female;
  return s;
}

Test(data, census_xinzheng_2020) {
  census_sums s = census(2020, 410184);
  cr_assert_eq(s.ngroups, 19);
  cr_assert_eq(s.total, 1172237);
  cr_assert_eq(s.p60, 122867);
  cr_assert_eq(s.p65, 88558);
  cr_assert_eq(s.p80, 16229);
}

Test(data, census_xinzheng_2010) {
  census_sums s = census(2010, 410184);
  cr_assert_eq(s.ngroups, 19);
  cr_assert_eq(s.total, 758128);
  cr_assert_eq(s.p60, 82305);
  cr_assert_eq(s.p65, 54754);
}

Test(data, census_zhengzhou) {
  census_sums s = census(2020, 410100);
  cr_assert_eq(s.ngroups, 19);
  cr_assert_eq(s.total, 12600574);
  cr_assert_eq(s.p60, 1617392);
  cr_assert_eq(s.p65, 1130977);
  census_sums t = census(2010, 410100);
  cr_assert_eq(t.ngroups, 19);
  /* 2010 65+ share of Zhengzhou, published 7.16 % */
  cr_assert_float_eq(100.0 * (double)t.p65 / (double)t.total, 7.16, 0.005);
}

/* ---- shapefiles ------------------------------------------------------------
 */

static void check_prj_4326(const char *prj_path) {
  FILE *f = fopen(prj_path, "rb");
  cr_assert_not_null(f, "missing %s", prj_path);
  char wkt[2048] = {0};
  size_t n = fread(wkt, 1, sizeof wkt - 1, f);
  fclose(f);
  cr_assert_gt(n, 0);
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *crs = proj_create(ctx, wkt);
  PJ *ref = proj_create(ctx, "EPSG:4326");
  cr_assert_not_null(crs, "PROJ cannot read %s", prj_path);
  int same = proj_is_equivalent_to_with_ctx(
      ctx, crs, ref, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS);
  proj_destroy(crs);
  proj_destroy(ref);
  proj_context_destroy(ctx);
  cr_assert(same, "%s is not EPSG:4326: %s", prj_path, wkt);
}

static void check_cpg(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "missing %s", path);
  char buf[16] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  cr_assert_eq(n, 5);
  cr_assert_str_eq(buf, "UTF-8");
}

/* native DBF type ('C' text, 'N' number): shapelib reports N 10,0 as FTDouble,
 * so the byte in the field descriptor is what is checked */
typedef struct {
  const char *name;
  char type;
  int width, decimals;
} field_spec;

static void check_fields(DBFHandle dbf, const field_spec *spec, int n) {
  cr_assert_eq(DBFGetFieldCount(dbf), n);
  for (int i = 0; i < n; i++) {
    char name[12] = {0};
    int w = 0, d = 0;
    (void)DBFGetFieldInfo(dbf, i, name, &w, &d);
    cr_assert_str_eq(name, spec[i].name);
    cr_assert_eq(DBFGetNativeFieldType(dbf, i), spec[i].type, "field %s type",
                 name);
    cr_assert_eq(w, spec[i].width, "field %s width", name);
    cr_assert_eq(d, spec[i].decimals, "field %s decimals", name);
  }
}

Test(data, xinzheng_townships) {
  check_prj_4326(DATA "xinzheng/townships.prj");
  check_cpg(DATA "xinzheng/townships.cpg");
  SHPHandle shp = SHPOpen(DATA "xinzheng/townships", "rb");
  DBFHandle dbf = DBFOpen(DATA "xinzheng/townships", "rb");
  cr_assert_not_null(shp);
  cr_assert_not_null(dbf);
  int n = 0, type = 0;
  double lo[4], hi[4];
  SHPGetInfo(shp, &n, &type, lo, hi);
  /* 9 镇 + 城关乡 + 具茨山 + the combined 街道 feature */
  cr_assert_eq(n, 12);
  cr_assert_eq(type, SHPT_POLYGON);
  cr_assert(lo[0] > 113.5 && hi[0] < 113.9 && lo[1] > 34.2 && hi[1] < 34.7,
            "extent %f %f %f %f outside Xinzheng", lo[0], lo[1], hi[0], hi[1]);
  cr_assert_eq(DBFGetRecordCount(dbf), 12);
  cr_assert_str_eq(DBFGetCodePage(dbf), "UTF-8");

  static const field_spec spec[] = {
      {"CODE", 'C', 40, 0},     {"NAME_ZH", 'C', 100, 0},
      {"NAME_PY", 'C', 80, 0},  {"UNIT_TYPE", 'C', 24, 0},
      {"POP", 'N', 10, 0},      {"POP_YEAR", 'N', 4, 0},
      {"POP_SRC", 'C', 80, 0},  {"GB2000", 'C', 9, 0},
      {"N_VILLAGE", 'N', 4, 0}, {"N_COMMUN", 'N', 4, 0},
      {"AREA_KM2", 'N', 10, 2}};
  check_fields(dbf, spec, 11);

  int code = DBFGetFieldIndex(dbf, "CODE"),
      name = DBFGetFieldIndex(dbf, "NAME_ZH");
  int pop = DBFGetFieldIndex(dbf, "POP"),
      year = DBFGetFieldIndex(dbf, "POP_YEAR");
  int nv = DBFGetFieldIndex(dbf, "N_VILLAGE"),
      nc = DBFGetFieldIndex(dbf, "N_COMMUN");
  int area = DBFGetFieldIndex(dbf, "AREA_KM2"),
      gb = DBFGetFieldIndex(dbf, "GB2000");
  int utype = DBFGetFieldIndex(dbf, "UNIT_TYPE");
  long pop_sum = 0, nv_sum = 0, nc_sum = 0;
  double area_sum = 0;
  char prev[64] = "";
  int found_combined = 0, found_jucishan = 0;
  for (int i = 0; i < 12; i++) {
    /* shapelib reuses one buffer for every read: copy the code first */
    char c[64];
    snprintf(c, sizeof c, "%s", DBFReadStringAttribute(dbf, i, code));
    cr_assert_gt(strcmp(c, prev), 0, "CODE not sorted at record %d", i);
    snprintf(prev, sizeof prev, "%s", c);
    cr_assert_eq(DBFReadIntegerAttribute(dbf, i, year), 2000);
    pop_sum += DBFReadIntegerAttribute(dbf, i, pop);
    nv_sum += DBFReadIntegerAttribute(dbf, i, nv);
    nc_sum += DBFReadIntegerAttribute(dbf, i, nc);
    double a = DBFReadDoubleAttribute(dbf, i, area);
    cr_assert_gt(a, 1.0);
    area_sum += a;
    if (strcmp(c, "410184001000;410184002000;410184003000") == 0) {
      found_combined = 1;
      cr_assert_str_eq(DBFReadStringAttribute(dbf, i, name),
                       "新建路街道+新华路街道+新烟街道（原城关镇）");
      cr_assert_str_eq(DBFReadStringAttribute(dbf, i, utype), "街道");
      cr_assert_str_eq(DBFReadStringAttribute(dbf, i, gb), "410184100");
      cr_assert_eq(DBFReadIntegerAttribute(dbf, i, pop), 34238);
      /* NBS 2017: 6 + 12 + 8 居委会 in the three 街道 */
      cr_assert_eq(DBFReadIntegerAttribute(dbf, i, nc), 26);
    }
    if (strcmp(c, "410184402000") == 0) {
      found_jucishan = 1; /* from the former 千户寨乡 polygon */
      cr_assert_str_eq(DBFReadStringAttribute(dbf, i, gb), "410184201");
      cr_assert_str_eq(DBFReadStringAttribute(dbf, i, name),
                       "具茨山国家级森林公园管理委员会");
    }
    cr_assert_str_neq(DBFReadStringAttribute(dbf, i, gb),
                      "410184202"); /* 八千乡 */
    cr_assert_str_neq(DBFReadStringAttribute(dbf, i, gb),
                      "410184203"); /* 龙王乡 */
    SHPObject *o = SHPReadObject(shp, i);
    cr_assert_not_null(o);
    cr_assert_geq(o->nVertices, 4);
    SHPDestroyObject(o);
  }
  cr_assert(found_combined && found_jucishan);
  cr_assert_eq(pop_sum, 527743);
  cr_assert_eq(nv_sum, 234);    /* all 234 村: 403 has none */
  cr_assert_eq(nc_sum, 50 - 8); /* 403's 8 居委会 have no polygon */
  cr_assert_float_eq(area_sum, 707.6, 0.05 * 707.6);
  DBFClose(dbf);
  SHPClose(shp);
}

Test(data, zhengzhou_townships) {
  check_prj_4326(DATA "zhengzhou/townships.prj");
  check_cpg(DATA "zhengzhou/townships.cpg");
  SHPHandle shp = SHPOpen(DATA "zhengzhou/townships", "rb");
  DBFHandle dbf = DBFOpen(DATA "zhengzhou/townships", "rb");
  cr_assert_not_null(shp);
  cr_assert_not_null(dbf);
  int n = 0, type = 0;
  double lo[4], hi[4];
  SHPGetInfo(shp, &n, &type, lo, hi);
  cr_assert_eq(n, 160);
  cr_assert_eq(type, SHPT_POLYGON);
  /* Zhengzhou city: about 112.7–114.2 °E, 34.2–35.0 °N */
  cr_assert(lo[0] > 112.5 && hi[0] < 114.4 && lo[1] > 34.1 && hi[1] < 35.1);
  static const field_spec spec[] = {{"CODE", 'C', 9, 0},
                                    {"NAME_PY", 'C', 60, 0},
                                    {"POP", 'N', 10, 0},
                                    {"POP_YEAR", 'N', 4, 0}};
  check_fields(dbf, spec, 4);
  int code = DBFGetFieldIndex(dbf, "CODE"), pop = DBFGetFieldIndex(dbf, "POP");
  long total = 0, xinzheng = 0;
  int nxz = 0;
  for (int i = 0; i < n; i++) {
    char c[16];
    snprintf(c, sizeof c, "%s", DBFReadStringAttribute(dbf, i, code));
    cr_assert_eq(strlen(c), 9);
    cr_assert_eq(strncmp(c, "4101", 4), 0);
    long p = DBFReadIntegerAttribute(dbf, i, pop);
    cr_assert_gt(p, 0);
    total += p;
    if (strncmp(c, "410184", 6) == 0) {
      xinzheng += p;
      nxz++;
    }
  }
  cr_assert_eq(total, 6656759);
  cr_assert_eq(nxz, 14);
  cr_assert_eq(xinzheng, 609173);
  DBFClose(dbf);
  SHPClose(shp);
}

/* ---- tables ----------------------------------------------------------------
 */

Test(data, units_2017) {
  ec_csv *csv = open_csv(DATA "xinzheng/units_2017.csv");
  int cc = col(csv, "code"), cp = col(csv, "population"),
      cv = col(csv, "n_villages");
  int cn = col(csv, "n_communities"), cg = col(csv, "polygon_code");
  int ct = col(csv, "unit_type");
  col(csv, "name_zh");
  col(csv, "name_pinyin");
  col(csv, "population_year");
  col(csv, "population_source");
  ec_error err;
  int rc, rows = 0, blank_pop = 0, jiedao = 0, guanweihui = 0;
  long nv = 0, nc = 0, pop = 0;
  while ((rc = ec_csv_next(csv, &err)) == 1) {
    rows++;
    const char *code = ec_csv_field(csv, cc);
    cr_assert_eq(strlen(code), 12);
    nv += lng(csv, cv);
    nc += lng(csv, cn);
    if (ec_csv_field(csv, cp)[0] == '\0')
      blank_pop++;
    else
      pop += lng(csv, cp);
    if (strcmp(ec_csv_field(csv, ct), "街道") == 0) {
      jiedao++;
      cr_assert_str_eq(ec_csv_field(csv, cg),
                       "410184001000;410184002000;410184003000");
      cr_assert_str_eq(ec_csv_field(csv, cp), "");
    }
    if (strcmp(ec_csv_field(csv, ct), "管委会") == 0) guanweihui++;
    if (strcmp(code, "410184403000") == 0) {
      cr_assert_str_eq(ec_csv_field(csv, cg), ""); /* 新郑新区: no polygon */
      cr_assert_str_eq(ec_csv_field(csv, cp), "");
      cr_assert_eq(lng(csv, cn), 8);
    }
  }
  cr_assert_eq(rc, 0, "%s", err.msg);
  ec_csv_free(csv);
  cr_assert_eq(rows, 15);
  cr_assert_eq(jiedao, 3);
  cr_assert_eq(guanweihui, 2);
  cr_assert_eq(nv, 234);
  cr_assert_eq(nc, 50);
  cr_assert_eq(blank_pop, 4);
  /* 527,743 − 城关镇's 34,238 (not given to any single 街道) */
  cr_assert_eq(pop, 527743 - 34238);
}

Test(data, villages_2017) {
  ec_csv *csv = open_csv(DATA "xinzheng/villages_2017.csv");
  int cc = col(csv, "code"), ct = col(csv, "township_code"),
      cu = col(csv, "unit_type");
  col(csv, "name");
  ec_error err;
  int rc, nv = 0, nr = 0;
  while ((rc = ec_csv_next(csv, &err)) == 1) {
    const char *code = ec_csv_field(csv, cc), *town = ec_csv_field(csv, ct);
    cr_assert_eq(strlen(code), 12);
    cr_assert_eq(strlen(town), 12);
    cr_assert_eq(strncmp(code, town, 9), 0, "%s not in %s", code, town);
    const char *u = ec_csv_field(csv, cu);
    if (strcmp(u, "village_committee") == 0)
      nv++;
    else if (strcmp(u, "residents_committee") == 0)
      nr++;
    else
      cr_assert_fail("unit_type %s", u);
  }
  cr_assert_eq(rc, 0, "%s", err.msg);
  ec_csv_free(csv);
  cr_assert_eq(nv, 234);
  cr_assert_eq(nr, 50);
}

Test(data, china_base_2020) {
  ec_csv *csv = open_csv(DATA "wpp2024/china_base_2020.csv");
  int cy = col(csv, "year"), ca = col(csv, "area_code"),
      cg = col(csv, "age_group");
  int cm = col(csv, "male"), cf = col(csv, "female");
  col(csv, "area_name");
  ec_error err;
  int rc, k = 0;
  long total = 0, p60 = 0;
  char want[16];
  while ((rc = ec_csv_next(csv, &err)) == 1) {
    cr_assert_eq(lng(csv, cy), 2020);
    cr_assert_eq(lng(csv, ca), 156);
    if (k < 20)
      snprintf(want, sizeof want, "%d-%d", 5 * k, 5 * k + 4);
    else
      snprintf(want, sizeof want, "100+");
    cr_assert_str_eq(ec_csv_field(csv, cg), want);
    long p = lng(csv, cm) + lng(csv, cf);
    total += p;
    if (k >= 12) p60 += p;
    k++;
  }
  cr_assert_eq(rc, 0, "%s", err.msg);
  ec_csv_free(csv);
  cr_assert_eq(k, 21);
  /* WPP counts have 3 decimals of thousands, so the persons are exact */
  cr_assert_eq(total, 1426106092L);
  cr_assert_eq(p60, 255367728L);
}
