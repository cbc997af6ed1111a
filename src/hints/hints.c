/* hints.c - the hints database layer (see hints.h): Berkeley DB (DB_HASH)
 * files in <spool>/db with fcntl locks on "<name>.lockfile".
 *
 * Entry points: hints_open(), hints_read(), hints_write(), hints_delete(),
 * hints_scan(), hints_close().
 *
 * Must never: open the database file before its lock is held, or keep the
 * lock after hints_close().
 */
#include "hints/hints.h"

#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"

struct hints_db {
  DB *db;
  DBC *cursor;
  int lockfd;
};

/* Files and directories made by root belong to the Exim user, as exim4
 * makes them (so that later runs as that user can use them). */
static void give_to_exim(const char *path) {
  if (geteuid() == 0 && mainconf.exim_uid_set)
    if (chown(path, mainconf.exim_uid, mainconf.exim_gid_set ? mainconf.exim_gid : (gid_t)-1) < 0) {
      /* not fatal: the file stays root's */
    }
}

static bool make_dir(const char *path) {
  if (mkdir(path, 0750) == 0) {
    give_to_exim(path);
    return true;
  }
  return errno == EEXIST;
}

hints_db *hints_open(const char *spool_directory, const char *name, bool write, const char **error) {
  const char *spool = spool_directory ? spool_directory : mainconf.spool_directory;
  if (!spool || !*spool) {
    *error = "no spool_directory for the hints databases";
    return NULL;
  }
  if (strchr(name, '/')) {
    *error = str_sprintf("bad hints database name \"%s\"", name);
    return NULL;
  }
  const char *dir = str_sprintf("%s/db", spool);
  if (!make_dir(spool) || !make_dir(dir)) {
    *error = str_sprintf("failed to create directory %s: %s", dir, strerror(errno));
    return NULL;
  }
  const char *lockname = str_sprintf("%s/%s.lockfile", dir, name);
  bool existed = access(lockname, F_OK) == 0;
  int fd = open(lockname, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd >= 0 && !existed) give_to_exim(lockname);
  if (fd < 0) {
    *error = str_sprintf("failed to open DB lock file %s: %s", lockname, strerror(errno));
    return NULL;
  }
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = write ? F_WRLCK : F_RDLCK;
  fl.l_whence = SEEK_SET;
  int rc;
  while ((rc = fcntl(fd, F_SETLKW, &fl)) < 0 && errno == EINTR) {}
  if (rc < 0) {
    *error = str_sprintf("failed to get %s lock for %s: %s", write ? "write" : "read", lockname,
                         strerror(errno));
    close(fd);
    return NULL;
  }
  const char *file = str_sprintf("%s/%s", dir, name);
  DB *db = NULL;
  if ((rc = db_create(&db, NULL, 0)) != 0) {
    *error = str_sprintf("failed to create a Berkeley DB handle: %s", db_strerror(rc));
    close(fd);
    return NULL;
  }
  bool file_existed = access(file, F_OK) == 0;
  rc = db->open(db, NULL, file, NULL, DB_HASH, write ? DB_CREATE : DB_RDONLY, 0640);
  if (rc == 0 && !file_existed) give_to_exim(file);
  if (rc != 0) {
    *error = str_sprintf("failed to open DB file %s: %s", file, rc > 0 ? strerror(rc) : db_strerror(rc));
    if (rc == ENOENT) errno = ENOENT;
    db->close(db, 0);
    close(fd);
    return NULL;
  }
  /* malloc'd: opened and closed many times in a long-lived process */
  hints_db *h = malloc(sizeof *h);
  if (!h) {
    *error = "out of memory opening a hints database";
    db->close(db, 0);
    close(fd);
    return NULL;
  }
  h->db = db;
  h->cursor = NULL;
  h->lockfd = fd;
  return h;
}

static void set_key(DBT *k, const char *key) {
  memset(k, 0, sizeof *k);
  k->data = (void *)key;
  k->size = (u_int32_t)strlen(key) + 1;
}

void *hints_read(hints_db *h, const char *key, size_t *len) {
  DBT k, d;
  set_key(&k, key);
  memset(&d, 0, sizeof d);
  if (h->db->get(h->db, NULL, &k, &d, 0) != 0) return NULL;
  /* Records are kept aligned for the caller's struct. */
  void *copy = store_get(d.size ? d.size : 1, false);
  memcpy(copy, d.data, d.size);
  if (len) *len = d.size;
  return copy;
}

bool hints_write(hints_db *h, const char *key, void *data, size_t len) {
  DBT k, d;
  set_key(&k, key);
  memset(&d, 0, sizeof d);
  d.data = data;
  d.size = (u_int32_t)len;
  return h->db->put(h->db, NULL, &k, &d, 0) == 0;
}

bool hints_delete(hints_db *h, const char *key) {
  DBT k;
  set_key(&k, key);
  return h->db->del(h->db, NULL, &k, 0) == 0;
}

const char *hints_scan(hints_db *h, bool first) {
  if (first && h->cursor) {
    h->cursor->close(h->cursor);
    h->cursor = NULL;
  }
  if (!h->cursor && h->db->cursor(h->db, NULL, &h->cursor, 0) != 0) return NULL;
  DBT k, d;
  memset(&k, 0, sizeof k);
  memset(&d, 0, sizeof d);
  if (h->cursor->get(h->cursor, &k, &d, DB_NEXT) != 0) return NULL;
  size_t n = k.size;
  if (n > 0 && ((char *)k.data)[n - 1] == 0) n--;
  return str_copyn(k.data, n);
}

void hints_close(hints_db *h) {
  if (!h) return;
  if (h->cursor) h->cursor->close(h->cursor);
  h->db->close(h->db, 0);
  close(h->lockfd);   /* releases the lock */
  free(h);
}
