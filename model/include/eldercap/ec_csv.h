/* ec_csv.h — a strict RFC 4180 CSV reader shared by every CSV input.
 *
 * UTF-8 (a leading BOM is skipped), LF or CRLF, double-quoted fields with "" escapes,
 * a header row naming the columns. Every error names the file, the line and the
 * column, so a planner can find the cell in a spreadsheet.                     */
#ifndef EC_CSV_H
#define EC_CSV_H

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ec_csv ec_csv;

/* Open path and read its header. Fails on a missing/unreadable/empty file, an
 * empty or duplicate column name. */
int ec_csv_open(const char *path, ec_csv **out, ec_error *err);
void ec_csv_free(ec_csv *csv);

int ec_csv_ncols(const ec_csv *csv);
const char *ec_csv_colname(const ec_csv *csv, int col);
const char *ec_csv_path(const ec_csv *csv);
/* Column index of name (exact, case-sensitive) or -1. */
int ec_csv_col(const ec_csv *csv, const char *name);
/* Like ec_csv_col but an error naming file and column when absent. */
int ec_csv_require(const ec_csv *csv, const char *name, int *col, ec_error *err);

/* Read the next record: 1 when a row was read, 0 at end of file, <0 on error
 * (unterminated quote, wrong number of fields, invalid UTF-8, NUL byte).
 * Blank lines are skipped. */
int ec_csv_next(ec_csv *csv, ec_error *err);
/* 1-based line number where the current record starts. */
long ec_csv_line(const ec_csv *csv);
/* Field text of the current record (never NULL; "" if empty). */
const char *ec_csv_field(const ec_csv *csv, int col);

/* Parse the current record's column as a finite double (rejects "", NaN, inf,
 * trailing garbage) / as a long integer; errors name file:line and column. */
int ec_csv_double(const ec_csv *csv, int col, double *out, ec_error *err);
int ec_csv_long(const ec_csv *csv, int col, long *out, ec_error *err);
/* Convenience: a finite double that must be >= min. */
int ec_csv_double_min(const ec_csv *csv, int col, double min, double *out,
                      ec_error *err);

/* Shared number parsing (also used by the INI loader): whole string must be a
 * finite number. Returns 0 on success, -1 otherwise. */
int ec_parse_double(const char *s, double *out);
int ec_parse_long(const char *s, long *out);
/* 1 if s is valid UTF-8, else 0. */
int ec_utf8_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
