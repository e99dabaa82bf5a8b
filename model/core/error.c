/* error.c — status strings and the error record. */
#include "eldercap/ec_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ec_strerror(int code) {
  switch (code) {
  case EC_OK: return "success";
  case EC_ERR_NOMEM: return "out of memory";
  case EC_ERR_IO: return "input/output error";
  case EC_ERR_PARSE: return "parse error";
  case EC_ERR_RANGE: return "value out of range";
  case EC_ERR_MISSING: return "required item missing";
  case EC_ERR_CRS: return "unusable coordinate reference system";
  case EC_ERR_HDF5: return "HDF5 error";
  case EC_ERR_INVALID: return "invalid input";
  case EC_ERR_USAGE: return "usage error";
  case EC_ERR_NUMERIC: return "numerical failure";
  case EC_ERR_INTERRUPTED: return "interrupted";
  case EC_ERR_LIMIT: return "resource limit exceeded";
  case EC_ERR_STATE: return "inconsistent state";
  default: return "unknown error";
  }
}

void ec_error_clear(ec_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

int ec_error_set(ec_error *err, int code, const char *file, long line,
                 const char *field, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  err->line = line;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return code;
}

void ec_error_format(const ec_error *err, char *buf, size_t size) {
  if (!buf || size == 0) return;
  buf[0] = '\0';
  if (!err) return;
  char where[EC_ERROR_FILE_MAX + 32] = "", field[EC_ERROR_FIELD_MAX + 16] = "";
  if (err->file[0] && err->line > 0)
    snprintf(where, sizeof where, "%s:%ld: ", err->file, err->line);
  else if (err->file[0])
    snprintf(where, sizeof where, "%s: ", err->file);
  if (err->field[0]) snprintf(field, sizeof field, "field '%s': ", err->field);
  snprintf(buf, size, "%s%s%s", where, field,
           err->msg[0] ? err->msg : ec_strerror(err->code));
}
