/* ec_results.h — self-describing HDF5 results (flat, netCDF-4 compatible).
 *
 * Every array sits at the root with its dimension scales attached
 * (H5DSset_scale / H5DSattach_scale), `units` and `long_name` attributes, chunked
 * with shuffle + gzip 4. Strings are variable-length UTF-8. The file is written
 * under a temporary name in the destination directory and renamed into place by
 * ec_results_commit, so a failed or killed run never damages an existing result.
 * Datasets are created first and filled by slabs, so large sweeps stream.     */
#ifndef EC_RESULTS_H
#define EC_RESULTS_H

#include <stddef.h>

#include "eldercap/ec_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ec_results ec_results;

typedef enum { EC_H5_DOUBLE, EC_H5_INT32, EC_H5_INT8, EC_H5_STRING } ec_h5type;

#define EC_H5_MAXDIMS 6

/* Begin a results file (nothing appears at final_path until commit). */
int ec_results_create(const char *final_path, ec_results **out, ec_error *err);
#ifdef ELDERCAP_HAVE_MPI
/* Collective over MPI_COMM_WORLD: one file written by every rank with
 * parallel HDF5 (MPI-IO). Rank 0 chooses the temporary name and renames the
 * file into place at commit. Datasets are chunked but not compressed: HDF5
 * 1.10 compresses only with collective writes, and ranks write their own
 * scenarios independently. Every define/attribute call must be made by all
 * ranks with the same arguments (rank 0 alone writes the layout, strings
 * and attributes until ec_results_parallel); writes are independent. */
int ec_results_create_mpi(const char *final_path, ec_results **out, ec_error *err);
#endif

/* MPI: end the serial layout phase and reopen the file on every rank for
 * independent writes. A no-op for a serial file. */
int ec_results_parallel(ec_results *r, ec_error *err);

/* Close, flush and rename into place. Frees r. */
int ec_results_commit(ec_results *r, ec_error *err);
/* Close and delete the temporary file. Frees r; accepts NULL. */
void ec_results_abort(ec_results *r);

/* A dimension and its coordinate values (a dimension scale dataset of that
 * name). values_i (int32) or values_d (double): exactly one non-NULL. */
int ec_results_dim(ec_results *r, const char *name, size_t n,
                   const int *values_i, const double *values_d,
                   const char *units, const char *long_name, ec_error *err);

/* Create a dataset over named dimensions (already defined), attach the scales
 * and set units/long_name. fill: NaN for doubles, -1 for ints. */
int ec_results_define(ec_results *r, const char *name, ec_h5type type,
                      int ndims, const char *const *dims, const char *units,
                      const char *long_name, ec_error *err);

/* Write a hyperslab [start, start+count) of a defined dataset. data is
 * row-major of the dataset's type (double, int32_t, int8_t, or const char * for
 * strings). */
int ec_results_write(ec_results *r, const char *name, const size_t *start,
                     const size_t *count, const void *data, ec_error *err);

/* Convenience: define + write the whole dataset. */
int ec_results_put(ec_results *r, const char *name, ec_h5type type, int ndims,
                   const char *const *dims, const char *units,
                   const char *long_name, const void *data, ec_error *err);

/* Root (or dataset, when obj != NULL) attributes. */
int ec_results_attr_str(ec_results *r, const char *obj, const char *name,
                        const char *value, ec_error *err);
int ec_results_attr_double(ec_results *r, const char *obj, const char *name,
                           double value, ec_error *err);
int ec_results_attr_long(ec_results *r, const char *obj, const char *name,
                         long value, ec_error *err);

/* Standard provenance on the root: tool version and git hash, command line,
 * creation time (UTC ISO 8601), the scenario INI text, RNG type and seed. */
int ec_results_provenance(ec_results *r, const char *command_line,
                          const char *scenario_path, const char *scenario_text,
                          unsigned long seed, ec_error *err);

/* --- reading ------------------------------------------------------------ */

typedef struct {
  char name[128];
  ec_h5type type;
  int ndims;
  char dims[EC_H5_MAXDIMS][64]; /* dimension names ("" if no scale) */
  size_t shape[EC_H5_MAXDIMS];
  char units[64];
  char long_name[256];
  int is_scale;
} ec_dsinfo;

typedef struct {
  int nds;
  ec_dsinfo *ds;
  int nattrs;
  char **attr_name;
  char **attr_value; /* every root attribute rendered as text */
} ec_results_info;

/* What a results file holds. Checks it is an eldercap results file. */
int ec_results_inspect(const char *path, ec_results_info **out, ec_error *err);
void ec_results_info_free(ec_results_info *info);
const ec_dsinfo *ec_results_info_find(const ec_results_info *info, const char *name);
const char *ec_results_info_attr(const ec_results_info *info, const char *name);

/* Read a whole numeric dataset as doubles (caller frees *data). shape gets
 * ndims entries. */
int ec_results_read_double(const char *path, const char *name, int *ndims,
                           size_t shape[EC_H5_MAXDIMS], double **data,
                           ec_error *err);
/* Read a 1-D string dataset (caller frees each string and the array). */
int ec_results_read_strings(const char *path, const char *name, size_t *n,
                            char ***strings, ec_error *err);

/* SHA-256 of a file as 64 hex characters (hex needs 65 bytes). */
int ec_sha256_file(const char *path, char hex[65], ec_error *err);

#ifdef __cplusplus
}
#endif
#endif
