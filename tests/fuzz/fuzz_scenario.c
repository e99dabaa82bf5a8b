/* fuzz_scenario — the INI scenario loader (inih + ec_scenario_set) and the
 * cross-key validation. Input: INI text [SEP override [SEP override ...]]
 * where each override is a --set "section.key=value" string. */
#include "fuzz_common.h"

#include "eldercap/ec_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *part[5];
  size_t len[5];
  int np = fuzz_split(data, size, 5, part, len);
  char path[512];
  fuzz_write(path, sizeof path, "s.ini", part[0], len[0]);
  char *ov[4];
  int nov = 0;
  for (int i = 1; i < np; i++) {
    ov[nov] = malloc(len[i] + 1);
    if (!ov[nov]) abort();
    memcpy(ov[nov], part[i], len[i]);
    ov[nov][len[i]] = '\0';
    nov++;
  }
  ec_scenario s;
  ec_error err;
  ec_scenario_defaults(&s);
  if (ec_scenario_load(&s, path, nov, ov, &err) == EC_OK) {
    (void)ec_scenario_validate(&s, &err);
    (void)ec_date_to_year(s.as_of);
    ec_scenario_free(&s);
  }
  for (int i = 0; i < nov; i++) free(ov[i]);
  return 0;
}
