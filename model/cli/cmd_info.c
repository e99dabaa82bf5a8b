/* cmd_info.c — `eldercap info FILE.h5`: what a results file holds. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eldercap/ec_results.h"

static const char *type_name(ec_h5type t) {
  switch (t) {
  case EC_H5_DOUBLE: return "float64";
  case EC_H5_INT32: return "int32";
  case EC_H5_INT8: return "int8";
  case EC_H5_STRING: return "string";
  }
  return "?";
}

int ec_cmd_info(int argc, char **argv) {
  static const struct option lo[] = {{"json", no_argument, 0, 'J'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  int json = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    if (c == 'J') json = 1;
    else if (c == 'h') {
      printf("Usage: eldercap info FILE.h5 [--json]\n\n"
             "Lists the dimensions, datasets (shape, units, meaning) and provenance of an\n"
             "eldercap results file.\n");
      return EC_EXIT_OK;
    } else
      return ec_cli_usage(argv[0], "unknown option '%s'", argv[optind - 1]);
  }
  if (optind != argc - 1) return ec_cli_usage(argv[0], "exactly one results file expected");
  ec_error err;
  ec_error_clear(&err);
  ec_results_info *in = NULL;
  if (ec_results_inspect(argv[optind], &in, &err)) return ec_cli_fail(&err);
  if (json) {
    cJSON *root = cJSON_CreateObject();
    cJSON *attrs = cJSON_AddObjectToObject(root, "attributes");
    for (int i = 0; i < in->nattrs; i++)
      cJSON_AddStringToObject(attrs, in->attr_name[i], in->attr_value[i]);
    cJSON *dss = cJSON_AddArrayToObject(root, "datasets");
    for (int i = 0; i < in->nds; i++) {
      const ec_dsinfo *d = &in->ds[i];
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "name", d->name);
      cJSON_AddStringToObject(o, "type", type_name(d->type));
      cJSON *dims = cJSON_AddArrayToObject(o, "dims");
      cJSON *shape = cJSON_AddArrayToObject(o, "shape");
      for (int k = 0; k < d->ndims; k++) {
        cJSON_AddItemToArray(dims, cJSON_CreateString(d->dims[k]));
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)d->shape[k]));
      }
      cJSON_AddStringToObject(o, "units", d->units);
      cJSON_AddStringToObject(o, "long_name", d->long_name);
      cJSON_AddBoolToObject(o, "dimension_scale", d->is_scale);
      cJSON_AddItemToArray(dss, o);
    }
    char *txt = cJSON_Print(root);
    if (txt) puts(txt);
    free(txt);
    cJSON_Delete(root);
  } else {
    printf("%s: eldercap results\n", argv[optind]);
    const char *show[] = {"scenario_name", "scenario_title", "eldercap_version", "git_hash",
                          "created_utc", "command_line", "seed", "replicates", "crs",
                          "base_year", "elderly_age", "beds_per_1000", "home_min_beds",
                          "home_deadline"};
    for (size_t i = 0; i < sizeof show / sizeof show[0]; i++) {
      const char *v = ec_results_info_attr(in, show[i]);
      if (v) printf("  %-18s %s\n", show[i], v);
    }
    const char *ini = ec_results_info_attr(in, "scenario_ini");
    printf("  %-18s %zu bytes (attribute scenario_ini)\n", "scenario text", ini ? strlen(ini) : 0);
    printf("\nDimensions:\n");
    for (int i = 0; i < in->nds; i++)
      if (in->ds[i].is_scale)
        printf("  %-12s %6zu  %s\n", in->ds[i].name, in->ds[i].shape[0], in->ds[i].long_name);
    printf("\nDatasets:\n");
    for (int i = 0; i < in->nds; i++) {
      const ec_dsinfo *d = &in->ds[i];
      if (d->is_scale) continue;
      char dims[256] = "";
      for (int k = 0; k < d->ndims; k++) {
        char one[96];
        snprintf(one, sizeof one, "%s%s=%zu", k ? ", " : "", d->dims[k][0] ? d->dims[k] : "?",
                 d->shape[k]);
        strncat(dims, one, sizeof dims - strlen(dims) - 1);
      }
      printf("  %-26s %-7s [%s] (%s)\n      %s\n", d->name, type_name(d->type), dims, d->units,
             d->long_name);
    }
  }
  ec_results_info_free(in);
  return EC_EXIT_OK;
}
