/* fuzz_results — the HDF5 results reader behind `info` and `export`
 * (model/io/results.c, results_read.c): inspect a file, read every dataset,
 * then select a year/scenario and read slices the way export does. */
#include "fuzz_common.h"

#include "eldercap/ec_results.h"
#include "eldercap/ec_results_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[512];
  fuzz_write(path, sizeof path, "r.h5", data, size);
  ec_results_info *in = NULL;
  ec_error err;
  if (ec_results_inspect(path, &in, &err)) return 0;
  (void)ec_results_info_attr(in, "scenario_ini");
  for (int i = 0; i < in->nds; i++) {
    const ec_dsinfo *ds = &in->ds[i];
    (void)ec_results_info_find(in, ds->name);
    if (ds->type == EC_H5_STRING) {
      size_t n = 0;
      char **s = NULL;
      if (ec_results_read_strings(path, ds->name, &n, &s, &err) == EC_OK) {
        for (size_t k = 0; k < n; k++) free(s[k]);
        free(s);
      }
    } else {
      int nd = 0;
      size_t shape[EC_H5_MAXDIMS];
      double *v = NULL;
      if (ec_results_read_double(path, ds->name, &nd, shape, &v, &err) == EC_OK) free(v);
    }
  }
  ec_results_request req;
  memset(&req, 0, sizeof req);
  ec_results_sel sel;
  if (ec_results_select(path, in, &req, 0, &sel, &err) == EC_OK) {
    static const char *const vars[] = {"beds_required", "elderly", "bed_gap"};
    for (int v = 0; v < 3; v++) {
      double *out = NULL;
      size_t ny = 0, nt = 0;
      if (ec_results_read_yt(path, in, vars[v], &sel, sel.scenario < 0 ? 0 : sel.scenario,
                             &out, &ny, &nt, &err) == EC_OK)
        free(out);
    }
  }
  ec_results_info_free(in);
  return 0;
}
