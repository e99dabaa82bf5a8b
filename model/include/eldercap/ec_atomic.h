/* ec_atomic.h — write-then-rename, so a failed or killed run never leaves a broken
 * result where a good one was.
 *
 * ec_atomic_begin picks a temporary name in the destination's own directory (a
 * rename across file systems is not atomic); the writer creates and fills that
 * file; ec_atomic_commit flushes it to disk and renames it over the destination;
 * ec_atomic_abort removes it. Temporary names are registered so a signal handler
 * can remove them with ec_atomic_cleanup_signal() (async-signal-safe).        */
#ifndef EC_ATOMIC_H
#define EC_ATOMIC_H

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EC_PATH_MAX 4096

typedef struct {
  char final_path[EC_PATH_MAX]; /* where the result goes */
  char tmp_path[EC_PATH_MAX];   /* where it is written first */
  int active;                   /* 1 between begin and commit/abort */
} ec_atomic;

/* Choose tmp_path = DIR/.BASENAME.tmp-PID-N<suffix>, check DIR is writable.
 * suffix ("" or e.g. ".h5") is appended so libraries that insist on an
 * extension are satisfied. The file itself is not created. */
int ec_atomic_begin(ec_atomic *a, const char *final_path, const char *suffix,
                    ec_error *err);
/* fsync tmp_path and rename it to final_path (then fsync the directory). */
int ec_atomic_commit(ec_atomic *a, ec_error *err);
/* Remove tmp_path if it exists; safe to call twice or after commit. */
void ec_atomic_abort(ec_atomic *a);
/* Remove every registered temporary file. Async-signal-safe. */
void ec_atomic_cleanup_signal(void);

#ifdef __cplusplus
}
#endif
#endif
