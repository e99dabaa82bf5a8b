/* results.c — HDF5 results: writer (temp file + rename) and readers. */
#include "eldercap/ec_results.h"

#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eldercap/ec_atomic.h"

#ifdef ELDERCAP_HAVE_MPI
#include <mpi.h>
#endif

#ifndef ELDERCAP_VERSION
#define ELDERCAP_VERSION "0"
#endif
#ifndef ELDERCAP_GIT_HASH
#define ELDERCAP_GIT_HASH "unknown"
#endif

typedef struct {
  char name[64];
  hid_t id;
  size_t n;
} dimrec;

typedef struct {
  char name[128];
  hid_t id;
  ec_h5type type;
  int ndims;
  hsize_t shape[EC_H5_MAXDIMS];
} dsrec;

struct ec_results {
  ec_atomic at;
  int mpi_rank, mpi_size; /* 0, 1 for a serial file */
  int phase1;             /* MPI: rank 0 is writing the layout alone */
  hid_t file;
  dimrec *dims;
  int ndims, cap_dims;
  dsrec *ds;
  int nds, cap_ds;
};

static int h5fail(ec_error *err, const char *path, const char *what,
                  const char *name) {
  return ec_error_set(err, EC_ERR_HDF5, path, 0, name, "HDF5 could not %s", what);
}

static hid_t str_type(void) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

static hid_t mem_type(ec_h5type t) {
  switch (t) {
  case EC_H5_DOUBLE: return H5Tcopy(H5T_NATIVE_DOUBLE);
  case EC_H5_INT32: return H5Tcopy(H5T_NATIVE_INT32);
  case EC_H5_INT8: return H5Tcopy(H5T_NATIVE_INT8);
  case EC_H5_STRING: return str_type();
  }
  return -1;
}

static hid_t file_type(ec_h5type t) {
  switch (t) {
  case EC_H5_DOUBLE: return H5Tcopy(H5T_IEEE_F64LE);
  case EC_H5_INT32: return H5Tcopy(H5T_STD_I32LE);
  case EC_H5_INT8: return H5Tcopy(H5T_STD_I8LE);
  case EC_H5_STRING: return str_type();
  }
  return -1;
}

/* HDF5 1.10 keeps the id of a file whose H5Fclose failed (a write error
 * while flushing: disk full) and closes it again in its atexit handler, on a
 * half-destroyed struct: a segfault after the error was reported. We close
 * every file ourselves, so HDF5's atexit handler is not needed; this must
 * run before the library initialises, hence a constructor. */
__attribute__((constructor)) static void results_no_h5_atexit(void) { H5dont_atexit(); }

int ec_results_create(const char *final_path, ec_results **out, ec_error *err) {
  *out = NULL;
  ec_results *r = calloc(1, sizeof *r);
  if (!r) return ec_error_set(err, EC_ERR_NOMEM, final_path, 0, NULL, "out of memory");
  r->file = -1;
  r->mpi_size = 1;
  int rc = ec_atomic_begin(&r->at, final_path, "", err);
  if (rc) {
    free(r);
    return rc;
  }
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  /* netCDF-4 readers need creation order tracked on the root group */
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
  r->file = H5Fcreate(r->at.tmp_path, H5F_ACC_EXCL, fcpl, fapl);
  H5Pclose(fapl);
  H5Pclose(fcpl);
  if (r->file < 0) {
    ec_atomic_abort(&r->at);
    free(r);
    return ec_error_set(err, EC_ERR_IO, final_path, 0, NULL,
                        "cannot create the HDF5 results file (is the directory "
                        "writable and the disk not full?)");
  }
  *out = r;
  return EC_OK;
}

#ifdef ELDERCAP_HAVE_MPI
/* Two phases: rank 0 alone writes the layout, tables, strings (parallel HDF5
 * cannot write variable-length strings) and attributes into a serial file;
 * ec_results_parallel then reopens it on every rank with MPI-IO for the
 * ranks' independent numeric writes. */
int ec_results_create_mpi(const char *final_path, ec_results **out, ec_error *err) {
  *out = NULL;
  ec_results *r = calloc(1, sizeof *r);
  if (!r) return ec_error_set(err, EC_ERR_NOMEM, final_path, 0, NULL, "out of memory");
  r->file = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &r->mpi_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &r->mpi_size);
  r->phase1 = 1;
  int rc = EC_OK;
  if (r->mpi_rank == 0) {
    ec_results *s0 = NULL;
    rc = ec_results_create(final_path, &s0, err);
    if (!rc) {
      r->at = s0->at;
      r->file = s0->file;
      free(s0);
    }
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (rc) {
    if (r->mpi_rank != 0)
      ec_error_set(err, EC_ERR_IO, final_path, 0, NULL, "rank 0 cannot create the output");
    free(r);
    return rc;
  }
  MPI_Bcast(r->at.tmp_path, sizeof r->at.tmp_path, MPI_CHAR, 0, MPI_COMM_WORLD);
  snprintf(r->at.final_path, sizeof r->at.final_path, "%s", final_path);
  *out = r;
  return EC_OK;
}
#endif

int ec_results_parallel(ec_results *r, ec_error *err) {
#ifdef ELDERCAP_HAVE_MPI
  if (r->mpi_size <= 1 || !r->phase1) return EC_OK;
  int ok = 1;
  if (r->mpi_rank == 0) {
    for (int i = 0; i < r->nds; i++) H5Dclose(r->ds[i].id);
    for (int i = 0; i < r->ndims; i++) H5Dclose(r->dims[i].id);
    ok = H5Fclose(r->file) >= 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  r->file = -1;
  r->phase1 = 0;
  if (!ok) return ec_error_set(err, EC_ERR_IO, r->at.final_path, 0, NULL, "cannot write the layout");
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
  r->file = H5Fopen(r->at.tmp_path, H5F_ACC_RDWR, fapl);
  H5Pclose(fapl);
  ok = r->file >= 0;
  for (int i = 0; ok && i < r->nds; i++) ok = (r->ds[i].id = H5Dopen2(r->file, r->ds[i].name, H5P_DEFAULT)) >= 0;
  for (int i = 0; ok && i < r->ndims; i++) ok = (r->dims[i].id = H5Dopen2(r->file, r->dims[i].name, H5P_DEFAULT)) >= 0;
  int all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  if (!all) return ec_error_set(err, EC_ERR_HDF5, r->at.final_path, 0, NULL,
                                "cannot reopen the results with MPI-IO");
#else
  (void)r;
  (void)err;
#endif
  return EC_OK;
}

/* Ranks other than 0 only track the layout during the serial phase. */
static int bookkeeping_only(const ec_results *r) { return r->phase1 && r->mpi_rank != 0; }

static void close_all(ec_results *r) {
  for (int i = 0; i < r->nds; i++)
    if (r->ds[i].id >= 0) H5Dclose(r->ds[i].id);
  for (int i = 0; i < r->ndims; i++)
    if (r->dims[i].id >= 0) H5Dclose(r->dims[i].id);
  r->nds = r->ndims = 0;
  if (r->file >= 0) {
    H5Fclose(r->file);
    r->file = -1;
  }
}

void ec_results_abort(ec_results *r) {
  if (!r) return;
  close_all(r);
  if (r->mpi_rank == 0) ec_atomic_abort(&r->at);
  free(r->dims);
  free(r->ds);
  free(r);
}

int ec_results_commit(ec_results *r, ec_error *err) {
  int rc = EC_OK;
  if (r->file >= 0 && H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0)
    rc = ec_error_set(err, EC_ERR_IO, r->at.final_path, 0, NULL,
                      "cannot write the results (disk full?)");
  for (int i = 0; i < r->nds; i++)
    if (r->ds[i].id >= 0) H5Dclose(r->ds[i].id);
  for (int i = 0; i < r->ndims; i++)
    if (r->dims[i].id >= 0) H5Dclose(r->dims[i].id);
  r->nds = r->ndims = 0;
  if (r->file >= 0 && H5Fclose(r->file) < 0 && !rc)
    rc = ec_error_set(err, EC_ERR_IO, r->at.final_path, 0, NULL,
                      "cannot close the results file (disk full?)");
  r->file = -1;
#ifdef ELDERCAP_HAVE_MPI
  if (r->mpi_size > 1) {
    int bad = rc != EC_OK, any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    if (any && !rc)
      rc = ec_error_set(err, EC_ERR_IO, r->at.final_path, 0, NULL, "another rank failed to write");
    if (r->mpi_rank == 0) {
      if (!rc) rc = ec_atomic_commit(&r->at, err);
      else ec_atomic_abort(&r->at);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(r->dims);
    free(r->ds);
    free(r);
    return rc;
  }
#endif
  if (!rc) rc = ec_atomic_commit(&r->at, err);
  else ec_atomic_abort(&r->at);
  free(r->dims);
  free(r->ds);
  free(r);
  return rc;
}

static dimrec *find_dim(ec_results *r, const char *name) {
  for (int i = 0; i < r->ndims; i++)
    if (!strcmp(r->dims[i].name, name)) return &r->dims[i];
  return NULL;
}

static dsrec *find_ds(ec_results *r, const char *name) {
  for (int i = 0; i < r->nds; i++)
    if (!strcmp(r->ds[i].name, name)) return &r->ds[i];
  return NULL;
}

static int set_str_attr(hid_t obj, const char *name, const char *value) {
  hid_t t = str_type();
  hid_t sp = H5Screate(H5S_SCALAR);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = a >= 0 ? H5Awrite(a, t, &value) : -1;
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
  return st < 0 ? -1 : 0;
}

/* Chunk: whole extent on the last two axes (capped ~1 MiB), 1 on the rest, so
 * one scenario/quantile/year slice is one chunk read. */
static void choose_chunks(int nd, const hsize_t *shape, size_t elsize, hsize_t *chunk) {
  for (int i = 0; i < nd; i++) chunk[i] = 1;
  size_t bytes = elsize;
  for (int i = nd - 1; i >= 0 && i >= nd - 2; i--) {
    hsize_t want = shape[i] ? shape[i] : 1;
    while (want > 1 && bytes * want > (1u << 20)) want = (want + 1) / 2;
    chunk[i] = want;
    bytes *= want;
  }
}

int ec_results_dim(ec_results *r, const char *name, size_t n, const int *values_i,
                   const double *values_d, const char *units,
                   const char *long_name, ec_error *err) {
  const char *path = r->at.final_path;
  if (find_dim(r, name) || n == 0)
    return ec_error_set(err, EC_ERR_STATE, path, 0, name,
                        "dimension defined twice or empty");
  hid_t d = -1;
  if (bookkeeping_only(r)) goto record;
  hsize_t dims[1] = {n};
  hid_t sp = H5Screate_simple(1, dims, NULL);
  hid_t ft = values_i ? H5Tcopy(H5T_STD_I32LE) : H5Tcopy(H5T_IEEE_F64LE);
  d = H5Dcreate2(r->file, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = -1;
  if (d >= 0)
    st = H5Dwrite(d, values_i ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, H5S_ALL,
                  H5S_ALL, H5P_DEFAULT, values_i ? (const void *)values_i : (const void *)values_d);
  H5Tclose(ft);
  H5Sclose(sp);
  if (d < 0 || st < 0 || H5DSset_scale(d, name) < 0 ||
      set_str_attr(d, "units", units ? units : "1") ||
      set_str_attr(d, "long_name", long_name ? long_name : name)) {
    if (d >= 0) H5Dclose(d);
    return h5fail(err, path, "write a dimension", name);
  }
record:
  if (r->ndims == r->cap_dims) {
    int cap = r->cap_dims ? 2 * r->cap_dims : 8;
    dimrec *nd = realloc(r->dims, (size_t)cap * sizeof *nd);
    if (!nd) {
      if (d >= 0) H5Dclose(d);
      return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    }
    r->dims = nd;
    r->cap_dims = cap;
  }
  dimrec *dr = &r->dims[r->ndims++];
  snprintf(dr->name, sizeof dr->name, "%s", name);
  dr->id = d;
  dr->n = n;
  return EC_OK;
}

int ec_results_define(ec_results *r, const char *name, ec_h5type type, int ndims,
                      const char *const *dims, const char *units,
                      const char *long_name, ec_error *err) {
  const char *path = r->at.final_path;
  if (ndims < 1 || ndims > EC_H5_MAXDIMS || find_ds(r, name) || find_dim(r, name))
    return ec_error_set(err, EC_ERR_STATE, path, 0, name,
                        "bad rank or dataset defined twice");
  hsize_t shape[EC_H5_MAXDIMS], chunk[EC_H5_MAXDIMS];
  dimrec *dr[EC_H5_MAXDIMS];
  for (int i = 0; i < ndims; i++) {
    dr[i] = find_dim(r, dims[i]);
    if (!dr[i])
      return ec_error_set(err, EC_ERR_STATE, path, 0, name,
                          "unknown dimension '%s'", dims[i]);
    shape[i] = dr[i]->n;
  }
  hid_t d = -1;
  if (bookkeeping_only(r)) goto record;
  size_t elsize = type == EC_H5_DOUBLE ? 8 : type == EC_H5_INT32 ? 4 : type == EC_H5_INT8 ? 1 : 16;
  choose_chunks(ndims, shape, elsize, chunk);
  hid_t sp = H5Screate_simple(ndims, shape, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, ndims, chunk);
  if (type != EC_H5_STRING && r->mpi_size == 1) {
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
  }
  if (type == EC_H5_DOUBLE) {
    double fill = NAN;
    H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill);
  } else if (type == EC_H5_INT32) {
    int32_t fill = -1;
    H5Pset_fill_value(dcpl, H5T_NATIVE_INT32, &fill);
  } else if (type == EC_H5_INT8) {
    int8_t fill = -1;
    H5Pset_fill_value(dcpl, H5T_NATIVE_INT8, &fill);
  }
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC);
  hid_t ft = file_type(type);
  d = H5Dcreate2(r->file, name, ft, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Tclose(ft);
  H5Pclose(dcpl);
  H5Sclose(sp);
  if (d < 0) return h5fail(err, path, "create a dataset", name);
  for (int i = 0; i < ndims; i++)
    /* the label lets h5py users see dims[i].label without following scales */
    if (H5DSattach_scale(d, dr[i]->id, (unsigned)i) < 0 ||
        H5DSset_label(d, (unsigned)i, dims[i]) < 0) {
      H5Dclose(d);
      return h5fail(err, path, "attach a dimension scale", name);
    }
  if (set_str_attr(d, "units", units ? units : "1") ||
      set_str_attr(d, "long_name", long_name ? long_name : name)) {
    H5Dclose(d);
    return h5fail(err, path, "write attributes", name);
  }
record:
  if (r->nds == r->cap_ds) {
    int cap = r->cap_ds ? 2 * r->cap_ds : 32;
    dsrec *nd = realloc(r->ds, (size_t)cap * sizeof *nd);
    if (!nd) {
      if (d >= 0) H5Dclose(d);
      return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
    }
    r->ds = nd;
    r->cap_ds = cap;
  }
  dsrec *rec = &r->ds[r->nds++];
  snprintf(rec->name, sizeof rec->name, "%s", name);
  rec->id = d;
  rec->type = type;
  rec->ndims = ndims;
  memcpy(rec->shape, shape, sizeof shape);
  return EC_OK;
}

int ec_results_write(ec_results *r, const char *name, const size_t *start,
                     const size_t *count, const void *data, ec_error *err) {
  const char *path = r->at.final_path;
  dsrec *d = find_ds(r, name);
  if (!d) return ec_error_set(err, EC_ERR_STATE, path, 0, name, "dataset not defined");
  if (bookkeeping_only(r)) return EC_OK;
  hsize_t st[EC_H5_MAXDIMS], ct[EC_H5_MAXDIMS];
  for (int i = 0; i < d->ndims; i++) {
    st[i] = start[i];
    ct[i] = count[i];
    if (st[i] + ct[i] > d->shape[i])
      return ec_error_set(err, EC_ERR_STATE, path, 0, name, "slab outside the dataset");
  }
  hid_t fs = H5Dget_space(d->id);
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, st, NULL, ct, NULL);
  hid_t ms = H5Screate_simple(d->ndims, ct, NULL);
  hid_t mt = mem_type(d->type);
  herr_t s = H5Dwrite(d->id, mt, ms, fs, H5P_DEFAULT, data);
  H5Tclose(mt);
  H5Sclose(ms);
  H5Sclose(fs);
  if (s < 0)
    return ec_error_set(err, EC_ERR_IO, path, 0, name,
                        "cannot write dataset (disk full?)");
  return EC_OK;
}

int ec_results_put(ec_results *r, const char *name, ec_h5type type, int ndims,
                   const char *const *dims, const char *units,
                   const char *long_name, const void *data, ec_error *err) {
  int rc = ec_results_define(r, name, type, ndims, dims, units, long_name, err);
  if (rc) return rc;
  dsrec *d = find_ds(r, name);
  size_t st[EC_H5_MAXDIMS] = {0}, ct[EC_H5_MAXDIMS];
  for (int i = 0; i < ndims; i++) ct[i] = d->shape[i];
  return ec_results_write(r, name, st, ct, data, err);
}

static hid_t attr_target(ec_results *r, const char *obj, int *close) {
  *close = 0;
  if (!obj) return r->file;
  dsrec *d = find_ds(r, obj);
  if (d) return d->id;
  dimrec *m = find_dim(r, obj);
  return m ? m->id : -1;
}

int ec_results_attr_str(ec_results *r, const char *obj, const char *name,
                        const char *value, ec_error *err) {
  if (bookkeeping_only(r)) return EC_OK;
  int cl;
  hid_t t = attr_target(r, obj, &cl);
  if (t < 0 || set_str_attr(t, name, value ? value : ""))
    return h5fail(err, r->at.final_path, "write an attribute", name);
  return EC_OK;
}

static int num_attr(ec_results *r, const char *obj, const char *name, hid_t ft,
                    hid_t mt, const void *v, ec_error *err) {
  if (bookkeeping_only(r)) return EC_OK;
  int cl;
  hid_t t = attr_target(r, obj, &cl);
  if (t < 0) return h5fail(err, r->at.final_path, "find the attribute's object", name);
  hid_t sp = H5Screate(H5S_SCALAR);
  if (H5Aexists(t, name) > 0) H5Adelete(t, name);
  hid_t a = H5Acreate2(t, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t s = a >= 0 ? H5Awrite(a, mt, v) : -1;
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  return s < 0 ? h5fail(err, r->at.final_path, "write an attribute", name) : EC_OK;
}

int ec_results_attr_double(ec_results *r, const char *obj, const char *name,
                           double value, ec_error *err) {
  return num_attr(r, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, err);
}

int ec_results_attr_long(ec_results *r, const char *obj, const char *name,
                         long value, ec_error *err) {
  int64_t v = value;
  return num_attr(r, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, err);
}

int ec_results_provenance(ec_results *r, const char *command_line,
                          const char *scenario_path, const char *scenario_text,
                          unsigned long seed, ec_error *err) {
  char now[32];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
#ifdef ELDERCAP_HAVE_MPI
  if (r->mpi_size > 1) MPI_Bcast(now, sizeof now, MPI_CHAR, 0, MPI_COMM_WORLD);
#endif
  char seedbuf[32];
  snprintf(seedbuf, sizeof seedbuf, "%lu", seed);
  int rc;
  if ((rc = ec_results_attr_str(r, NULL, "title", "eldercap results", err)) ||
      (rc = ec_results_attr_str(r, NULL, "Conventions", "CF-1.8", err)) ||
      (rc = ec_results_attr_str(r, NULL, "eldercap_version", ELDERCAP_VERSION, err)) ||
      (rc = ec_results_attr_str(r, NULL, "git_hash", ELDERCAP_GIT_HASH, err)) ||
      (rc = ec_results_attr_str(r, NULL, "command_line", command_line, err)) ||
      (rc = ec_results_attr_str(r, NULL, "created_utc", now, err)) ||
      (rc = ec_results_attr_str(r, NULL, "scenario_path", scenario_path, err)) ||
      (rc = ec_results_attr_str(r, NULL, "scenario_ini", scenario_text, err)) ||
      (rc = ec_results_attr_str(r, NULL, "rng_type", "mt19937 (GSL), one stream per (scenario, replicate) seeded by splitmix64(seed, scenario, replicate)", err)) ||
      (rc = ec_results_attr_str(r, NULL, "seed", seedbuf, err)))
    return rc;
  return EC_OK;
}

/* --- reading ------------------------------------------------------------- */

static hid_t open_results(const char *path, ec_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return ec_error_set(err, EC_ERR_IO, path, 0, NULL, "cannot open: %s", strerror(errno)), -1;
  fclose(fp);
  if (H5Fis_hdf5(path) <= 0)
    return ec_error_set(err, EC_ERR_PARSE, path, 0, NULL, "not an HDF5 file"), -1;
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) ec_error_set(err, EC_ERR_HDF5, path, 0, NULL, "HDF5 cannot open the file (damaged?)");
  return f;
}

static void get_str_attr(hid_t obj, const char *name, char *out, size_t n) {
  out[0] = '\0';
  if (H5Aexists(obj, name) <= 0) return;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) return;
  hid_t t = H5Aget_type(a);
  if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
    hid_t mt = str_type();
    char *v = NULL;
    hid_t sp = H5Aget_space(a);
    if (H5Sget_simple_extent_npoints(sp) == 1 && H5Aread(a, mt, &v) >= 0 && v) {
      snprintf(out, n, "%s", v);
      H5free_memory(v);
    }
    H5Sclose(sp);
    H5Tclose(mt);
  }
  H5Tclose(t);
  H5Aclose(a);
}

typedef struct {
  ec_results_info *info;
  hid_t file;
  int fail;
} iter_ctx;

static herr_t visit_ds(hid_t g, const char *name, const H5L_info_t *li, void *u) {
  iter_ctx *c = u;
  (void)li;
  H5O_info_t oi;
  if (H5Oget_info_by_name(g, name, &oi, H5P_DEFAULT) < 0 || oi.type != H5O_TYPE_DATASET)
    return 0;
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  if (d < 0) return 0;
  ec_dsinfo *x = realloc(c->info->ds, (size_t)(c->info->nds + 1) * sizeof *x);
  if (!x) { H5Dclose(d); c->fail = 1; return -1; }
  c->info->ds = x;
  ec_dsinfo *di = &x[c->info->nds++];
  memset(di, 0, sizeof *di);
  snprintf(di->name, sizeof di->name, "%s", name);
  hid_t sp = H5Dget_space(d);
  int nd = H5Sget_simple_extent_ndims(sp);
  hsize_t sh[EC_H5_MAXDIMS] = {0};
  if (nd > EC_H5_MAXDIMS) nd = EC_H5_MAXDIMS;
  if (nd > 0) H5Sget_simple_extent_dims(sp, sh, NULL);
  H5Sclose(sp);
  di->ndims = nd < 0 ? 0 : nd;
  for (int i = 0; i < di->ndims; i++) di->shape[i] = (size_t)sh[i];
  hid_t t = H5Dget_type(d);
  H5T_class_t cl = H5Tget_class(t);
  di->type = cl == H5T_STRING ? EC_H5_STRING
             : cl == H5T_FLOAT ? EC_H5_DOUBLE
             : H5Tget_size(t) == 1 ? EC_H5_INT8 : EC_H5_INT32;
  H5Tclose(t);
  di->is_scale = H5DSis_scale(d) > 0;
  for (int i = 0; i < di->ndims; i++) {
    if (di->is_scale) {
      snprintf(di->dims[i], sizeof di->dims[i], "%s", name);
      continue;
    }
    /* the name of the scale attached to axis i */
    char buf[64] = "";
    ssize_t L = -1;
    hid_t dl = H5Aexists(d, "DIMENSION_LIST") > 0 ? H5Aopen(d, "DIMENSION_LIST", H5P_DEFAULT) : -1;
    if (dl >= 0) {
      hvl_t *vl = calloc((size_t)di->ndims, sizeof *vl);
      hid_t vt = H5Tvlen_create(H5T_STD_REF_OBJ);
      if (vl && H5Aread(dl, vt, vl) >= 0) {
        if (vl[i].len > 0) {
          hobj_ref_t ref = ((hobj_ref_t *)vl[i].p)[0];
          hid_t sd = H5Rdereference2(d, H5P_DEFAULT, H5R_OBJECT, &ref);
          if (sd >= 0) {
            L = H5DSget_scale_name(sd, buf, sizeof buf);
            H5Dclose(sd);
          }
        }
        hid_t vsp = H5Aget_space(dl);
        H5Dvlen_reclaim(vt, vsp, H5P_DEFAULT, vl);
        H5Sclose(vsp);
      }
      free(vl);
      H5Tclose(vt);
      H5Aclose(dl);
    }
    if (L > 0) snprintf(di->dims[i], sizeof di->dims[i], "%s", buf);
  }
  get_str_attr(d, "units", di->units, sizeof di->units);
  get_str_attr(d, "long_name", di->long_name, sizeof di->long_name);
  H5Dclose(d);
  return 0;
}

static herr_t visit_attr(hid_t obj, const char *name, const H5A_info_t *ai, void *u) {
  iter_ctx *c = u;
  (void)ai;
  ec_results_info *in = c->info;
  char **nn = realloc(in->attr_name, (size_t)(in->nattrs + 1) * sizeof *nn);
  if (!nn) return -1;
  in->attr_name = nn;
  char **nv = realloc(in->attr_value, (size_t)(in->nattrs + 1) * sizeof *nv);
  if (!nv) return -1;
  in->attr_value = nv;
  char *val = NULL;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  H5T_class_t cl = H5Tget_class(t);
  if (cl == H5T_STRING && H5Tis_variable_str(t) > 0) {
    hid_t mt = str_type();
    char *v = NULL;
    if (H5Aread(a, mt, &v) >= 0 && v) {
      val = strdup(v);
      H5free_memory(v);
    }
    H5Tclose(mt);
  } else if (cl == H5T_FLOAT || cl == H5T_INTEGER) {
    double v = 0;
    if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0) {
      char buf[64];
      snprintf(buf, sizeof buf, "%.17g", v);
      val = strdup(buf);
    }
  }
  H5Tclose(t);
  H5Aclose(a);
  in->attr_name[in->nattrs] = strdup(name);
  in->attr_value[in->nattrs] = val ? val : strdup("");
  in->nattrs++;
  return 0;
}

int ec_results_inspect(const char *path, ec_results_info **out, ec_error *err) {
  *out = NULL;
  hid_t f = open_results(path, err);
  if (f < 0) return err ? err->code : EC_ERR_IO;
  ec_results_info *in = calloc(1, sizeof *in);
  iter_ctx c = {in, f, 0};
  hsize_t idx = 0;
  H5Literate(f, H5_INDEX_NAME, H5_ITER_INC, &idx, visit_ds, &c);
  hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
  hsize_t aidx = 0;
  H5Aiterate2(root, H5_INDEX_NAME, H5_ITER_INC, &aidx, visit_attr, &c);
  H5Gclose(root);
  H5Fclose(f);
  if (c.fail) {
    ec_results_info_free(in);
    return ec_error_set(err, EC_ERR_NOMEM, path, 0, NULL, "out of memory");
  }
  if (!ec_results_info_attr(in, "eldercap_version")) {
    ec_results_info_free(in);
    return ec_error_set(err, EC_ERR_INVALID, path, 0, NULL,
                        "not an eldercap results file (no eldercap_version attribute)");
  }
  *out = in;
  return EC_OK;
}

void ec_results_info_free(ec_results_info *in) {
  if (!in) return;
  for (int i = 0; i < in->nattrs; i++) {
    free(in->attr_name[i]);
    free(in->attr_value[i]);
  }
  free(in->attr_name);
  free(in->attr_value);
  free(in->ds);
  free(in);
}

const ec_dsinfo *ec_results_info_find(const ec_results_info *in, const char *name) {
  for (int i = 0; i < in->nds; i++)
    if (!strcmp(in->ds[i].name, name)) return &in->ds[i];
  return NULL;
}

const char *ec_results_info_attr(const ec_results_info *in, const char *name) {
  for (int i = 0; i < in->nattrs; i++)
    if (!strcmp(in->attr_name[i], name)) return in->attr_value[i];
  return NULL;
}

int ec_results_read_double(const char *path, const char *name, int *ndims,
                           size_t shape[EC_H5_MAXDIMS], double **data,
                           ec_error *err) {
  *data = NULL;
  hid_t f = open_results(path, err);
  if (f < 0) return err ? err->code : EC_ERR_IO;
  int rc = EC_OK;
  hid_t d = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
  if (d < 0) {
    H5Fclose(f);
    return ec_error_set(err, EC_ERR_MISSING, path, 0, name, "no dataset '%s'", name);
  }
  hid_t sp = H5Dget_space(d);
  int nd = H5Sget_simple_extent_ndims(sp);
  hsize_t sh[EC_H5_MAXDIMS];
  hid_t t = H5Dget_type(d);
  H5T_class_t cl = H5Tget_class(t);
  H5Tclose(t);
  if (nd < 0 || nd > EC_H5_MAXDIMS || (cl != H5T_FLOAT && cl != H5T_INTEGER)) {
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, name, "not a numeric array of rank <= 6");
  } else {
    H5Sget_simple_extent_dims(sp, sh, NULL);
    size_t n = 1;
    for (int i = 0; i < nd; i++) {
      shape[i] = (size_t)sh[i];
      n *= shape[i];
    }
    *ndims = nd;
    *data = malloc((n ? n : 1) * sizeof **data);
    if (!*data) rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, name, "out of memory");
    else if (n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
      free(*data);
      *data = NULL;
      rc = ec_error_set(err, EC_ERR_HDF5, path, 0, name, "cannot read the dataset (damaged file?)");
    }
  }
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return rc;
}

/* Every variable-length block HDF5 allocates during a read, freed by us. */
typedef struct {
  void **p;
  size_t n, cap;
} vlen_track;

static void *track_alloc(size_t size, void *info) {
  vlen_track *t = info;
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    void **np = realloc(t->p, cap * sizeof *np);
    if (!np) return NULL;
    t->p = np;
    t->cap = cap;
  }
  void *m = malloc(size ? size : 1);
  if (m) t->p[t->n++] = m;
  return m;
}

static void track_free(void *mem, void *info) { (void)mem, (void)info; }

int ec_results_read_strings(const char *path, const char *name, size_t *n,
                            char ***strings, ec_error *err) {
  *strings = NULL;
  *n = 0;
  hid_t f = open_results(path, err);
  if (f < 0) return err ? err->code : EC_ERR_IO;
  int rc = EC_OK;
  hid_t d = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
  if (d < 0) {
    H5Fclose(f);
    return ec_error_set(err, EC_ERR_MISSING, path, 0, name, "no dataset '%s'", name);
  }
  hid_t sp = H5Dget_space(d);
  hid_t t = H5Dget_type(d);
  if (H5Sget_simple_extent_ndims(sp) != 1 || H5Tget_class(t) != H5T_STRING ||
      H5Tis_variable_str(t) <= 0) {
    rc = ec_error_set(err, EC_ERR_INVALID, path, 0, name, "not a 1-D string dataset");
  } else {
    hsize_t len;
    H5Sget_simple_extent_dims(sp, &len, NULL);
    char **v = calloc(len ? len : 1, sizeof *v);
    hid_t mt = str_type();
    /* HDF5 1.10 leaks the strings already converted when a read fails
     * part-way (a corrupt heap): allocate them through a tracker instead. */
    vlen_track tr = {0};
    hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
    if (xfer >= 0) H5Pset_vlen_mem_manager(xfer, track_alloc, &tr, track_free, &tr);
    if (!v || xfer < 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, xfer, v) < 0) {
      rc = ec_error_set(err, EC_ERR_HDF5, path, 0, name, "cannot read strings");
    } else {
      char **o = calloc(len ? len : 1, sizeof *o);
      for (hsize_t i = 0; o && i < len; i++) {
        o[i] = strdup(v[i] ? v[i] : "");
      }
      *strings = o;
      *n = o ? (size_t)len : 0;
      if (!o) rc = ec_error_set(err, EC_ERR_NOMEM, path, 0, name, "out of memory");
    }
    for (size_t i = 0; i < tr.n; i++) free(tr.p[i]);
    free(tr.p);
    free(v);
    if (xfer >= 0) H5Pclose(xfer);
    H5Tclose(mt);
  }
  H5Tclose(t);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return rc;
}
