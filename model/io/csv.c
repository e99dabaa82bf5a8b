/* csv.c — strict CSV reader (RFC 4180 with LF or CRLF). */
#include "eldercap/ec_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ec_csv {
  FILE *fp;
  char *path;
  char **cols;  /* header names */
  int ncols;
  char **fields; /* current record, pointers into rec */
  int nfields;
  int cap_fields;
  char *rec; /* current record buffer */
  size_t rec_cap;
  long line;       /* next physical line number to read */
  long rec_line;   /* line where the current record starts */
};

int ec_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned c = p[i];
    size_t n;
    unsigned min;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { n = 1; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 2; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; min = 0x10000; }
    else return 0;
    if (i + n >= len) return 0; /* truncated sequence */
    unsigned cp = c & (n == 1 ? 0x1Fu : n == 2 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k <= n; k++) {
      if ((p[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += n + 1;
  }
  return 1;
}

int ec_parse_double(const char *s, double *out) {
  if (!s) return -1;
  while (*s == ' ' || *s == '\t') s++;
  if (!*s) return -1;
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s) return -1;
  while (*end == ' ' || *end == '\t') end++;
  if (*end) return -1;
  if (!isfinite(v) || errno == ERANGE) return -1;
  *out = v;
  return 0;
}

int ec_parse_long(const char *s, long *out) {
  if (!s) return -1;
  while (*s == ' ' || *s == '\t') s++;
  if (!*s) return -1;
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s) return -1;
  while (*end == ' ' || *end == '\t') end++;
  if (*end || errno == ERANGE) return -1;
  *out = v;
  return 0;
}

/* Append a byte to the record buffer. */
static int rec_put(ec_csv *c, size_t *len, char ch) {
  if (*len + 1 >= c->rec_cap) {
    size_t cap = c->rec_cap ? c->rec_cap * 2 : 256;
    char *p = realloc(c->rec, cap);
    if (!p) return EC_ERR_NOMEM;
    c->rec = p;
    c->rec_cap = cap;
  }
  c->rec[(*len)++] = ch;
  return EC_OK;
}

/* Read one record into rec as NUL-separated fields. Returns 1, 0 (EOF) or <0. */
static int read_record(ec_csv *c, ec_error *err) {
  for (;;) {
    size_t len = 0;
    int nf = 0, inq = 0, had_quote = 0, any = 0, ch;
    c->rec_line = c->line;
    /* offsets of fields are recorded after parsing, using NUL separators */
    while ((ch = fgetc(c->fp)) != EOF) {
      any = 1;
      if (ch == '\0')
        return ec_error_set(err, EC_ERR_PARSE, c->path, c->line, NULL,
                            "NUL byte in text (is this a binary file?)");
      if (inq) {
        if (ch == '"') {
          int nx = fgetc(c->fp);
          if (nx == '"') {
            if (rec_put(c, &len, '"')) return EC_ERR_NOMEM;
          } else {
            inq = 0;
            if (nx != EOF) ungetc(nx, c->fp);
          }
        } else {
          if (ch == '\n') c->line++;
          if (rec_put(c, &len, (char)ch)) return EC_ERR_NOMEM;
        }
        continue;
      }
      if (ch == '"') {
        if (had_quote || (len > 0 && c->rec[len - 1] != '\0'))
          return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line, NULL,
                              "stray double quote inside field %d", nf + 1);
        inq = 1;
        had_quote = 1;
        continue;
      }
      if (ch == ',') {
        if (rec_put(c, &len, '\0')) return EC_ERR_NOMEM;
        nf++;
        had_quote = 0;
        continue;
      }
      if (ch == '\r') {
        int nx = fgetc(c->fp);
        if (nx != '\n' && nx != EOF) ungetc(nx, c->fp);
        ch = '\n';
      }
      if (ch == '\n') {
        c->line++;
        break;
      }
      if (had_quote)
        return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line, NULL,
                            "text after closing quote in field %d", nf + 1);
      if (rec_put(c, &len, (char)ch)) return EC_ERR_NOMEM;
    }
    if (ferror(c->fp))
      return ec_error_set(err, EC_ERR_IO, c->path, c->line, NULL, "read error");
    if (inq)
      return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line, NULL,
                          "unterminated quoted field");
    if (!any) return 0;
    if (rec_put(c, &len, '\0')) return EC_ERR_NOMEM;
    nf++;
    /* skip blank lines (a single empty field) */
    if (nf == 1 && c->rec[0] == '\0') {
      if (feof(c->fp)) return 0;
      continue;
    }
    if (!ec_utf8_valid(c->rec, len - 1))
      return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line, NULL,
                          "invalid UTF-8 text");
    if (nf > c->cap_fields) {
      char **p = realloc(c->fields, (size_t)nf * sizeof *p);
      if (!p) return EC_ERR_NOMEM;
      c->fields = p;
      c->cap_fields = nf;
    }
    char *q = c->rec;
    for (int i = 0; i < nf; i++) {
      c->fields[i] = q;
      q += strlen(q) + 1;
    }
    c->nfields = nf;
    return 1;
  }
}

int ec_csv_open(const char *path, ec_csv **out, ec_error *err) {
  *out = NULL;
  ec_csv *c = calloc(1, sizeof *c);
  if (!c) return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
  c->path = strdup(path ? path : "");
  c->line = 1;
  c->fp = fopen(path, "rb");
  if (!c->fp) {
    int e = errno;
    ec_csv_free(c);
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot open: %s",
                        strerror(e));
  }
  /* UTF-8 BOM */
  int b0 = fgetc(c->fp);
  if (b0 == 0xEF) {
    int b1 = fgetc(c->fp), b2 = fgetc(c->fp);
    if (b1 != 0xBB || b2 != 0xBF) {
      ec_csv_free(c);
      return ec_error_set(err, EC_ERR_PARSE, path, 1, NULL,
                          "invalid UTF-8 at start of file");
    }
  } else if (b0 != EOF) {
    ungetc(b0, c->fp);
  }
  int rc = read_record(c, err);
  if (rc <= 0) {
    ec_csv_free(c);
    if (rc == 0)
      return ec_error_set(err, EC_ERR_PARSE, path, 1, NULL,
                          "empty file: a header row is required");
    return rc;
  }
  c->ncols = c->nfields;
  c->cols = calloc((size_t)c->ncols, sizeof *c->cols);
  if (!c->cols) {
    ec_csv_free(c);
    return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
  }
  for (int i = 0; i < c->ncols; i++) {
    const char *name = c->fields[i];
    while (*name == ' ') name++;
    c->cols[i] = strdup(name);
    size_t L = strlen(c->cols[i]);
    while (L > 0 && c->cols[i][L - 1] == ' ') c->cols[i][--L] = '\0';
    /* R's write.csv leaves the row-names column unnamed: allow that one */
    if (!c->cols[i][0] && !(i == 0 && c->ncols > 1)) {
      ec_csv_free(c);
      return ec_error_set(err, EC_ERR_PARSE, path, 1, NULL,
                          "header column %d has no name", i + 1);
    }
    for (int j = 0; j < i; j++)
      if (!strcmp(c->cols[i], c->cols[j])) {
        char name_copy[EC_ERROR_FIELD_MAX];
        snprintf(name_copy, sizeof name_copy, "%s", c->cols[i]);
        ec_csv_free(c);
        return ec_error_set(err, EC_ERR_PARSE, path, 1, name_copy,
                            "duplicate column name");
      }
  }
  c->nfields = 0;
  *out = c;
  return EC_OK;
}

void ec_csv_free(ec_csv *c) {
  if (!c) return;
  if (c->fp) fclose(c->fp);
  if (c->cols)
    for (int i = 0; i < c->ncols; i++) free(c->cols[i]);
  free(c->cols);
  free(c->fields);
  free(c->rec);
  free(c->path);
  free(c);
}

int ec_csv_ncols(const ec_csv *c) { return c->ncols; }
const char *ec_csv_colname(const ec_csv *c, int col) {
  return (col >= 0 && col < c->ncols) ? c->cols[col] : "";
}
const char *ec_csv_path(const ec_csv *c) { return c->path; }

int ec_csv_col(const ec_csv *c, const char *name) {
  for (int i = 0; i < c->ncols; i++)
    if (!strcmp(c->cols[i], name)) return i;
  return -1;
}

int ec_csv_require(const ec_csv *c, const char *name, int *col, ec_error *err) {
  *col = ec_csv_col(c, name);
  if (*col < 0)
    return ec_error_set(err, EC_ERR_MISSING, c->path, 1, name,
                        "required column is missing from the header");
  return EC_OK;
}

int ec_csv_next(ec_csv *c, ec_error *err) {
  int rc = read_record(c, err);
  if (rc <= 0) return rc;
  if (c->nfields != c->ncols)
    return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line, NULL,
                        "%d fields where the header has %d", c->nfields,
                        c->ncols);
  return 1;
}

long ec_csv_line(const ec_csv *c) { return c->rec_line; }

const char *ec_csv_field(const ec_csv *c, int col) {
  return (col >= 0 && col < c->nfields) ? c->fields[col] : "";
}

int ec_csv_double(const ec_csv *c, int col, double *out, ec_error *err) {
  const char *s = ec_csv_field(c, col);
  if (ec_parse_double(s, out))
    return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line,
                        ec_csv_colname(c, col),
                        "'%.60s' is not a finite number", s);
  return EC_OK;
}

int ec_csv_double_min(const ec_csv *c, int col, double min, double *out,
                      ec_error *err) {
  int rc = ec_csv_double(c, col, out, err);
  if (rc) return rc;
  if (*out < min)
    return ec_error_set(err, EC_ERR_RANGE, c->path, c->rec_line,
                        ec_csv_colname(c, col), "%g is below the minimum %g",
                        *out, min);
  return EC_OK;
}

int ec_csv_long(const ec_csv *c, int col, long *out, ec_error *err) {
  const char *s = ec_csv_field(c, col);
  if (ec_parse_long(s, out))
    return ec_error_set(err, EC_ERR_PARSE, c->path, c->rec_line,
                        ec_csv_colname(c, col), "'%.60s' is not an integer", s);
  return EC_OK;
}
