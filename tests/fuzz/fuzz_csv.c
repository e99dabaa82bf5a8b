/* fuzz_csv — the strict CSV reader every CSV input goes through: header,
 * records, quoting, UTF-8 checks, and the number parsers on every field. */
#include "fuzz_common.h"

#include "eldercap/ec_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[512];
  fuzz_write(path, sizeof path, "in.csv", data, size);
  ec_csv *c = NULL;
  ec_error err;
  if (ec_csv_open(path, &c, &err) == EC_OK) {
    int n = ec_csv_ncols(c);
    for (int i = 0; i < n; i++) (void)ec_csv_col(c, ec_csv_colname(c, i));
    int col;
    (void)ec_csv_require(c, "id", &col, &err);
    while (ec_csv_next(c, &err) == 1) {
      (void)ec_csv_line(c);
      for (int i = 0; i < n; i++) {
        double d;
        long l;
        const char *f = ec_csv_field(c, i);
        (void)ec_utf8_valid(f, strlen(f));
        (void)ec_csv_double(c, i, &d, &err);
        (void)ec_csv_long(c, i, &l, &err);
        (void)ec_csv_double_min(c, i, 0, &d, &err);
      }
    }
    ec_csv_free(c);
  }
  return 0;
}
