/* hints.h - Exim's hints databases: Berkeley DB files under
 * <spool_directory>/db named as Exim names them ("ratelimit", "seen",
 * "retry", "wait-<transport>", "misc", "callout"), each guarded by a
 * separate lock file "<name>.lockfile" locked with fcntl (shared for
 * reading, exclusive for writing) for as long as the database is open.
 *
 * Records start with Exim's generic header (the time the record was
 * written); keys include their terminating zero byte, as Exim stores them.
 *
 * Entry points: hints_open(), hints_read(), hints_write(), hints_delete(),
 * hints_scan(), hints_close().
 *
 * Must never: touch a database without holding its lock file's lock, or
 * write a record partially (Berkeley DB puts are whole).
 */
#ifndef HINTS_HINTS_H
#define HINTS_HINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct hints_db hints_db;

/* Every record starts with this (Exim's dbdata_generic). */
typedef struct hints_header {
  time_t time_stamp;
} hints_header;

/* Open database `name` in <spool_directory>/db (spool_directory NULL: the
 * configured one), creating the directory and, for writing, the file.
 * NULL with *error set on failure (a missing database opened read-only is
 * a failure with errno ENOENT). */
hints_db *hints_open(const char *spool_directory, const char *name, bool write, const char **error);

/* Read a record: a copy in the current pool, *len its size; NULL if none. */
void *hints_read(hints_db *db, const char *key, size_t *len);
/* Write (replace) a record (the caller sets the header's time_stamp). */
bool hints_write(hints_db *db, const char *key, void *data, size_t len);
bool hints_delete(hints_db *db, const char *key);
/* Walk the keys: first=true starts again.  NULL at the end. */
const char *hints_scan(hints_db *db, bool first);
void hints_close(hints_db *db);

#endif
