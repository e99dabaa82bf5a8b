/* ec_export.h — results into GIS layers and tables: shapefiles and CSV.
 *
 * Township polygons carry one scenario and year of results as attributes;
 * facilities (and candidate/chosen sites when the results hold a `site` axis)
 * are points; CSV tables hold every township-year. Shapefiles get a UTF-8 .cpg
 * and an ESRI-WKT .prj written by PROJ; DBF field names are <= 10 ASCII bytes,
 * unique, and explained in a field dictionary CSV beside every layer
 * (short_name,long_name,units,description). Everything is written into a
 * temporary directory beside the destination and renamed into place only when
 * all files are complete.                                                    */
#ifndef EC_EXPORT_H
#define EC_EXPORT_H

#include <stddef.h>

#include "eldercap/ec_error.h"
#include "eldercap/ec_results_read.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { EC_EXPORT_SHP = 0, EC_EXPORT_CSV = 1 } ec_export_format;

typedef struct {
  ec_export_format format;
  const char *out_dir;      /* created if missing; same-named files replaced */
  const char *crs;          /* output CRS ("EPSG:4326"); NULL: the results' CRS */
  ec_results_request req;   /* scenario, year, quantile */
} ec_export_opts;

#define EC_EXPORT_MAXFILES 40

typedef struct {
  int nfiles;
  char files[EC_EXPORT_MAXFILES][128]; /* names written into out_dir */
  long scenario;           /* index on the scenario axis, -1 none/all */
  double year;             /* calendar year of the township layer */
  double quantile;         /* probability, or -1 for deterministic values */
  int ntownships, nfacilities, nsites;
  long ntable_rows;        /* rows of township_year.csv (CSV format) */
  char crs[128];           /* output CRS */
} ec_export_summary;

/* Export a results file. Errors name the results file and the option or
 * dataset at fault; nothing in out_dir changes unless every file was written. */
int ec_export_run(const char *results_path, const ec_export_opts *opts,
                  ec_export_summary *summary, ec_error *err);

/* DBF field names for variables: <= 10 ASCII bytes, unique ignoring case.
 * prefix (e.g. "township_", may be NULL) is dropped first. out[i] gets 11
 * bytes. */
void ec_export_short_names(int n, const char *const *names, const char *prefix,
                           char (*out)[11]);

/* Length in bytes of the longest prefix of s that is at most max_bytes long
 * and ends on a UTF-8 character boundary. */
size_t ec_export_utf8_fit(const char *s, size_t max_bytes);

#ifdef __cplusplus
}
#endif
#endif
