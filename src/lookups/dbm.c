/* dbm.c - the dbm, dbmnz and dbmjz lookups (spec 9.3) through Berkeley DB
 * (db.h, -ldb).  Files are opened read-only as DB_UNKNOWN, so any access
 * method the library knows is accepted (exim_dbmbuild writes DB_HASH).
 * Keys: dbm includes a terminating zero in the key, dbmnz does not, dbmjz
 * takes the key as an Exim list and joins its items with zero bytes (no
 * terminating zero).  Keys are case-sensitive; data is used up to its
 * first zero byte.
 *
 * Entry points: lookup_dbm, lookup_dbmnz, lookup_dbmjz (lookup_info);
 * dbm_version_text() for -bV's "Berkeley DB:" line.
 *
 * Never: open a file for writing.
 */
#include <errno.h>
#include <string.h>

#include <db.h>

#include "lookup.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../base/str.h"

static void dbm_errcall(const DB_ENV *env, const char *prefix, const char *msg) {
  (void)env;
  (void)prefix;
  log_write(LOG_MAIN, "Berkeley DB error: %s", msg);
}

static void *dbm_open(const char *filename, const char **error) {
  DB *db = NULL;
  int rc = db_create(&db, NULL, 0);
  if (rc != 0) {
    *error = str_sprintf("failed to open %s as a db (v4.1+) file: %s", filename, db_strerror(rc));
    return NULL;
  }
  db->set_errcall(db, dbm_errcall);
  rc = db->open(db, NULL, filename, NULL, DB_UNKNOWN, DB_RDONLY, 0);
  if (rc != 0) {
    /* Exim reports errno, which the library leaves at ENOENT for a file
     * that is not a database */
    int e = rc == EINVAL ? ENOENT : rc > 0 ? rc : errno;
    db->close(db, 0);
    *error = str_sprintf("failed to open %s as a db (v4.1+) file: %s", filename, strerror(e));
    return NULL;
  }
  return db;
}

static void dbm_close(void *handle) {
  DB *db = handle;
  db->close(db, 0);
}

static lookup_rc dbm_get(DB *db, const char *filename, const char *k, size_t klen,
                         const char **result, const char **error) {
  DBT key, data;
  memset(&key, 0, sizeof key);
  memset(&data, 0, sizeof data);
  key.data = (void *)k;
  key.size = (u_int32_t)klen;
  int rc = db->get(db, NULL, &key, &data, 0);
  if (rc == DB_NOTFOUND || rc == DB_KEYEMPTY) return LOOKUP_NOTFOUND;
  if (rc != 0) {
    *error = str_sprintf("dbm lookup in %s failed: %s", filename, db_strerror(rc));
    return LOOKUP_DEFER;
  }
  *result = str_copyn(data.data, data.size);   /* stops at a zero byte when read as text */
  return LOOKUP_FOUND;
}

static lookup_rc dbm_find(void *handle, const char *filename, const char *key, size_t keylen,
                          const char **result, const char **error, bool *do_cache,
                          const char *opts) {
  (void)do_cache;
  (void)opts;
  return dbm_get(handle, filename, key, keylen + 1, result, error);
}

static lookup_rc dbmnz_find(void *handle, const char *filename, const char *key, size_t keylen,
                            const char **result, const char **error, bool *do_cache,
                            const char *opts) {
  (void)do_cache;
  (void)opts;
  return dbm_get(handle, filename, key, keylen, result, error);
}

static lookup_rc dbmjz_find(void *handle, const char *filename, const char *key, size_t keylen,
                            const char **result, const char **error, bool *do_cache,
                            const char *opts) {
  (void)do_cache;
  (void)opts;
  (void)keylen;
  gstring *g = NULL;
  int sep = 0;
  const char *list = key;
  char *item;
  while ((item = list_next(&list, &sep))) {
    g = g_cat(g, item);
    g = g_catn(g, "", 1);
  }
  if (!g || g->len == 0) {
    *error = "empty list key";
    return LOOKUP_NOTFOUND;
  }
  return dbm_get(handle, filename, g->s, g->len - 1, result, error);
}

/* -bV: the line Exim prints for its DBM library. */
static gstring *dbm_version(gstring *g) {
  return g_fmt(g, "Berkeley DB: %s\n", db_version(NULL, NULL, NULL));
}

const lookup_info lookup_dbm = {
  .name = "dbm", .style = LOOKUP_SINGLE_KEY, .open = dbm_open, .find = dbm_find,
  .close = dbm_close, .version_report = dbm_version,
};
const lookup_info lookup_dbmjz = {
  .name = "dbmjz", .style = LOOKUP_SINGLE_KEY, .open = dbm_open, .find = dbmjz_find,
  .close = dbm_close,
};
const lookup_info lookup_dbmnz = {
  .name = "dbmnz", .style = LOOKUP_SINGLE_KEY, .open = dbm_open, .find = dbmnz_find,
  .close = dbm_close,
};
