/* fuzz_common.h — shared helpers of the libFuzzer targets (tests/fuzz).
 *
 * The readers take paths, so every target writes the fuzz input to files in
 * a private directory (tmpfs when available) and calls the reader. Inputs of
 * multi-file readers are split on the separator line FUZZ_SEP; missing parts
 * are empty files, so the mutator can also drop a part.                     */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_SEP "\n@@EC@@\n"
#define FUZZ_SEP_LEN 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private directory, created once per process and removed at exit. */
static char fuzz_dir_[256];
static inline void fuzz_rmdir_(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir_);
  if (system(cmd)) { /* best effort */
  }
}
static inline const char *fuzz_dir(void) {
  if (!fuzz_dir_[0]) {
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(fuzz_dir_, sizeof fuzz_dir_, "%s/ecfuzz-XXXXXX", base);
    if (!mkdtemp(fuzz_dir_)) abort();
    atexit(fuzz_rmdir_);
  }
  return fuzz_dir_;
}

/* dir/name into buf. */
static inline const char *fuzz_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", fuzz_dir(), name);
  return buf;
}

/* Write len bytes of p to dir/name; the full path goes to buf. */
static inline const char *fuzz_write(char *buf, size_t n, const char *name,
                              const uint8_t *p, size_t len) {
  fuzz_path(buf, n, name);
  FILE *fp = fopen(buf, "wb");
  if (!fp) abort();
  if (len && fwrite(p, 1, len, fp) != len) abort();
  fclose(fp);
  return buf;
}

/* Split data on FUZZ_SEP into at most maxparts parts (the last part takes
 * the rest). Returns the number of parts found (>= 1); absent parts get
 * length 0. */
static inline int fuzz_split(const uint8_t *data, size_t size, int maxparts,
                      const uint8_t **part, size_t *len) {
  for (int i = 0; i < maxparts; i++) part[i] = data + size, len[i] = 0;
  int k = 0;
  size_t start = 0;
  for (size_t i = 0; k < maxparts - 1 && i + FUZZ_SEP_LEN <= size; i++)
    if (!memcmp(data + i, FUZZ_SEP, FUZZ_SEP_LEN)) {
      part[k] = data + start;
      len[k] = i - start;
      k++;
      start = i + FUZZ_SEP_LEN;
      i = start - 1;
    }
  part[k] = data + start;
  len[k] = size - start;
  return k + 1;
}

#endif
