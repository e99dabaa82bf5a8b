/* ec_error.h — status codes and the error record every eldercap function fills.
 *
 * Functions return int: EC_OK (0) or a negative ec_status. Details go into an
 * ec_error the caller passes (may be NULL): the file, line and field at fault and
 * a sentence a planner can act on. Nothing in model/core or model/io prints.   */
#ifndef EC_ERROR_H
#define EC_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EC_OK = 0,
  EC_ERR_NOMEM = -1,       /* out of memory */
  EC_ERR_IO = -2,          /* file missing, unreadable or unwritable */
  EC_ERR_PARSE = -3,       /* malformed text: INI, CSV, number */
  EC_ERR_RANGE = -4,       /* value outside its allowed range (negative beds, NaN) */
  EC_ERR_MISSING = -5,     /* a required field, key or column is absent */
  EC_ERR_CRS = -6,         /* coordinate reference system missing or unusable */
  EC_ERR_HDF5 = -7,        /* HDF5 library failure */
  EC_ERR_INVALID = -8,     /* inconsistent input (duplicate ids, bad geometry) */
  EC_ERR_USAGE = -9,       /* bad command-line usage */
  EC_ERR_NUMERIC = -10,    /* numerical failure (no convergence, singular) */
  EC_ERR_INTERRUPTED = -11,/* stopped by a signal */
  EC_ERR_LIMIT = -12,      /* would exceed a resource limit (memory) */
  EC_ERR_STATE = -13       /* checkpoint/version mismatch, wrong call order */
} ec_status;

#define EC_ERROR_FILE_MAX 512
#define EC_ERROR_FIELD_MAX 96
#define EC_ERROR_MSG_MAX 640

/* Where and why something failed. line = 0 when no line applies. */
typedef struct {
  int code;                          /* an ec_status */
  char file[EC_ERROR_FILE_MAX];      /* path of the offending input, "" if none */
  long line;                         /* 1-based line (or record) number, 0 if none */
  char field[EC_ERROR_FIELD_MAX];    /* key, column or field name, "" if none */
  char msg[EC_ERROR_MSG_MAX];        /* the reason, one sentence */
} ec_error;

/* Static text for a status code. */
const char *ec_strerror(int code);

/* Fill err (if non-NULL) and return code. file/field may be NULL. */
int ec_error_set(ec_error *err, int code, const char *file, long line,
                 const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reset to EC_OK with empty fields. */
void ec_error_clear(ec_error *err);

/* "FILE:LINE: field 'F': message" (parts omitted when empty) into buf. */
void ec_error_format(const ec_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
