/* autoreply_once.c - the autoreply transport's record of whom it has
 * answered (spec 27.1 "once"): a Berkeley DB hash file keyed by the
 * recipient (with its terminating zero, the value a time_t) when
 * once_file_size is 0, else a plain file of fixed-size-bounded records
 * "time_t, address, zero byte" from which the oldest is dropped when a new
 * one does not fit, as Exim keeps them.
 *
 * Entry points: autoreply_once_check() (creates a missing record file),
 * autoreply_once_record().
 * Must never: grow the plain file beyond once_file_size; follow the file
 * records past the end of what was read.
 */
#include "autoreply.h"

#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/store.h"
#include "../base/str.h"

/* The plain file: read it all (bounded by its size). */
static char *read_file(int fd, size_t *len) {
  struct stat st;
  if (fstat(fd, &st) < 0) return NULL;
  size_t size = (size_t)st.st_size;
  char *buf = store_get(size + 1, false);
  size_t got = 0;
  while (got < size) {
    ssize_t r = pread(fd, buf + got, size - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  *len = got;
  return buf;
}

/* Find `to` in the plain file's records; its time or 0. */
static time_t file_find(const char *buf, size_t len, const char *to, size_t *at) {
  size_t p = 0;
  while (p + sizeof(time_t) < len) {
    const char *a = buf + p + sizeof(time_t);
    const char *z = memchr(a, 0, len - p - sizeof(time_t));
    if (!z) break;
    if (strcmp(a, to) == 0) {
      time_t t;
      memcpy(&t, buf + p, sizeof t);
      if (at) *at = p;
      return t;
    }
    p = (size_t)(z - buf) + 1;
  }
  return 0;
}

/* NULL with errno set (Berkeley DB returns its error code). */
static DB *db_open_path(const char *path, int mode, bool create) {
  DB *db = NULL;
  int rc = db_create(&db, NULL, 0);
  if (rc != 0) {
    errno = rc;
    return NULL;
  }
  rc = db->open(db, NULL, path, NULL, DB_HASH, create ? DB_CREATE : DB_RDONLY, mode);
  if (rc != 0) {
    db->close(db, 0);
    errno = rc;
    return NULL;
  }
  return db;
}

bool autoreply_once_check(const char *path, int file_size, int mode, const char *to, time_t *when,
                          const char **error, int *error_no) {
  *when = 0;
  /* The record is created when missing, even if no reply follows (as
   * exim4 leaves it).  The failure texts are exim4's (its Debian build
   * names Berkeley DB "db (v4.1+)"). */
  if (file_size > 0) {
    int fd = open(path, O_RDONLY | O_CREAT, mode);
    if (fd < 0) {
      *error_no = errno;
      *error = str_sprintf("Failed to open \"once\" file %s", path);
      return false;
    }
    size_t len = 0;
    char *buf = read_file(fd, &len);
    close(fd);
    if (buf) *when = file_find(buf, len, to, NULL);
    return true;
  }
  DB *db = db_open_path(path, mode, true);
  if (!db) {
    *error_no = errno;
    *error = str_sprintf("Failed to open db (v4.1+) file %s", path);
    return false;
  }
  DBT k, v;
  memset(&k, 0, sizeof k);
  memset(&v, 0, sizeof v);
  k.data = (void *)to;
  k.size = (u_int32_t)strlen(to) + 1;
  if (db->get(db, NULL, &k, &v, 0) == 0 && v.size >= sizeof(time_t)) memcpy(when, v.data, sizeof(time_t));
  db->close(db, 0);
  return true;
}

bool autoreply_once_record(const char *path, int file_size, int mode, const char *to, time_t now,
                           const char **error) {
  if (file_size > 0) {
    int fd = open(path, O_RDWR | O_CREAT, mode);
    if (fd < 0) {
      *error = str_sprintf("failed to open %s: %s", path, strerror(errno));
      return false;
    }
    size_t len = 0;
    char *buf = read_file(fd, &len);
    if (!buf) len = 0;
    size_t at;
    gstring *g = g_new(len + 64, false);
    if (buf && file_find(buf, len, to, &at)) {
      /* drop the old record of this address */
      size_t end = at + sizeof(time_t) + strlen(buf + at + sizeof(time_t)) + 1;
      g = g_catn(g, buf, at);
      g = g_catn(g, buf + end, len - end);
    } else if (buf) {
      g = g_catn(g, buf, len);
    }
    size_t need = sizeof(time_t) + strlen(to) + 1;
    /* drop the oldest records (at the start) until the new one fits */
    size_t start = 0;
    while (g->len - start + need > (size_t)file_size && start < g->len) {
      const char *z = memchr(g->s + start + sizeof(time_t), 0, g->len - start - sizeof(time_t));
      start = z ? (size_t)(z - g->s) + 1 : g->len;
    }
    gstring *out = g_new(need + g->len - start, false);
    out = g_catn(out, g->s + start, g->len - start);
    if (out->len + need <= (size_t)file_size) {
      out = g_catn(out, (const char *)&now, sizeof now);
      out = g_catn(out, to, strlen(to) + 1);
    }
    bool ok = ftruncate(fd, 0) == 0 && pwrite(fd, out->s, out->len, 0) == (ssize_t)out->len;
    if (!ok) *error = str_sprintf("failed to write %s: %s", path, strerror(errno));
    close(fd);
    return ok;
  }
  DB *db = db_open_path(path, mode, true);
  if (!db) {
    *error = str_sprintf("failed to open %s as a DBM file: %s", path, strerror(errno));
    return false;
  }
  DBT k, v;
  memset(&k, 0, sizeof k);
  memset(&v, 0, sizeof v);
  k.data = (void *)to;
  k.size = (u_int32_t)strlen(to) + 1;
  v.data = &now;
  v.size = sizeof now;
  bool ok = db->put(db, NULL, &k, &v, 0) == 0;
  if (!ok) *error = str_sprintf("failed to write %s", path);
  db->close(db, 0);
  return ok;
}
