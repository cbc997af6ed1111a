/* lmdb.c - the lmdb lookup (EXPERIMENTAL_LMDB; seed "LMDB Lookup
 * support"): single-key lookups in an LMDB file through liblmdb.  Each
 * file gets one read-only environment (MDB_NOSUBDIR | MDB_RDONLY) with a
 * read-only transaction, kept for the process by search.c's open-file
 * cache.  Keys are used as given (no terminating zero).
 *
 * Entry points: lookup_lmdb (lookup_info); lmdb_version_compiled() and
 * lmdb_version_runtime() for -bV's "Library version: LMDB" lines.
 *
 * Never: open an environment for writing.
 */
#include <string.h>

#include <lmdb.h>

#include "lookup.h"
#include "../base/str.h"

typedef struct lmdb_handle {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
} lmdb_handle;

static void *lmdb_open(const char *filename, const char **error) {
  lmdb_handle h;
  int rc = mdb_env_create(&h.env);
  if (rc != 0) {
    *error = str_sprintf("LMDB: Unable to create environment: %s", mdb_strerror(rc));
    return NULL;
  }
  rc = mdb_env_open(h.env, filename, MDB_NOSUBDIR | MDB_RDONLY, 0664);
  if (rc != 0) {
    *error = str_sprintf("LMDB: Unable to open environment with %s: %s", filename,
                         mdb_strerror(rc));
    mdb_env_close(h.env);
    return NULL;
  }
  rc = mdb_txn_begin(h.env, NULL, MDB_RDONLY, &h.txn);
  if (rc != 0) {
    *error = str_sprintf("LMDB: Unable to start transaction: %s", mdb_strerror(rc));
    mdb_env_close(h.env);
    return NULL;
  }
  rc = mdb_dbi_open(h.txn, NULL, 0, &h.dbi);
  if (rc != 0) {
    *error = str_sprintf("LMDB: Unable to open database: %s", mdb_strerror(rc));
    mdb_txn_abort(h.txn);
    mdb_env_close(h.env);
    return NULL;
  }
  lmdb_handle *p = store_get_in(POOL_SEARCH, sizeof *p, false);
  *p = h;
  return p;
}

static void lmdb_close(void *handle) {
  lmdb_handle *h = handle;
  mdb_txn_abort(h->txn);
  mdb_env_close(h->env);
}

static lookup_rc lmdb_find(void *handle, const char *filename, const char *key, size_t keylen,
                           const char **result, const char **error, bool *do_cache,
                           const char *opts) {
  lmdb_handle *h = handle;
  (void)filename;
  (void)do_cache;
  (void)opts;
  MDB_val k = {.mv_size = keylen, .mv_data = (void *)key}, d;
  int rc = mdb_get(h->txn, h->dbi, &k, &d);
  if (rc == MDB_NOTFOUND) return LOOKUP_NOTFOUND;
  if (rc != 0) {
    *error = str_sprintf("LMDB: lookup (%s) error: %s", key, mdb_strerror(rc));
    return LOOKUP_DEFER;
  }
  *result = str_copyn(d.mv_data, d.mv_size);
  return LOOKUP_FOUND;
}

const char *lmdb_version_compiled(void) {
  return str_sprintf("%d.%d.%d", MDB_VERSION_MAJOR, MDB_VERSION_MINOR, MDB_VERSION_PATCH);
}

const char *lmdb_version_runtime(void) { return mdb_version(NULL, NULL, NULL); }

const lookup_info lookup_lmdb = {
  .name = "lmdb", .style = LOOKUP_SINGLE_KEY, .open = lmdb_open, .find = lmdb_find,
  .close = lmdb_close,
};
