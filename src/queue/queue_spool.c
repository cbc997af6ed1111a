/* queue_spool.c - finding messages on a queue (spec 3.4, 57, and the
 * split_spool_directory and named-queue rules): the spool directory of a
 * queue, the input directory of one message, the list of ids on a queue,
 * reading a -H file for the queue layer, and the age and size texts that
 * the -bp listing (and exiqgrep/exiqsumm after it) show.
 *
 * Entry points: queue_ids (queue.h); queue_spool_dir, queue_input_dir,
 * queue_locate, queue_read_header, queue_age_text, queue_size_text,
 * queue_message_size, queue_is_recipient, queue_parse_address (queue_int.h).
 * Must never: modify a spool file; accept a directory entry whose name is
 * not "<valid id>-H" as a message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/address.h"
#include "base/fdio.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "queue/queue.h"
#include "queue/queue_int.h"

const char *queue_spool_dir(const char *name) {
  if (!name || !*name) return mainconf.spool_directory;
  return str_sprintf("%s/%s", mainconf.spool_directory, name);
}

static bool exists(const char *dir, const char *id) {
  struct stat st;
  return stat(str_sprintf("%s/%s-H", dir, id), &st) == 0;
}

bool queue_locate(const char *queue_name, const char *id, const char **dir, bool *split) {
  const char *sd = queue_spool_dir(queue_name);
  bool want = mainconf.split_spool_directory;
  const char *first = spool_input_dir(sd, want, id);
  const char *other = spool_input_dir(sd, !want, id);
  if (exists(first, id)) {
    *dir = first;
    *split = want;
    return true;
  }
  if (exists(other, id)) {
    *dir = other;
    *split = !want;
    return true;
  }
  *dir = first;
  *split = want;
  return false;
}

const char *queue_input_dir(const char *queue_name, const char *id) {
  const char *dir;
  bool split;
  queue_locate(queue_name, id, &dir, &split);
  return dir;
}

int queue_read_header(const char *queue_name, const char *id, spool_msg *m, long *hsize) {
  const char *dir;
  bool split;
  *hsize = 0;
  if (strlen(id) != MESSAGE_ID_LENGTH || !message_id_valid(id)) {
    errno = ENOENT;
    return 0;
  }
  queue_locate(queue_name, id, &dir, &split);
  char *name = str_sprintf("%s/%s-H", dir, id);
  int fd = open(name, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return 0;
  if (fstat(fd, &st) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return 0;
  }
  size_t size = (size_t)st.st_size;
  char *buf = store_get(size + 1, true);
  size_t got = fd_read_upto(fd, buf, size);
  close(fd);
  buf[got] = 0;
  *hsize = (long)got;
  const char *error;
  spool_msg_init(m);
  if (!spool_parse_header(buf, got, name, m, &error) || strcmp(m->id, id) != 0) return -1;
  return 1;
}

long queue_message_size(const char *queue_name, const spool_msg *m) {
  struct stat st;
  if (stat(str_sprintf("%s/%s-D", queue_input_dir(queue_name, m->id), m->id), &st) < 0) return -1;
  return spool_message_size(m, (long)st.st_size);
}

bool queue_is_recipient(const spool_msg *m, const char *address) {
  for (int i = 0; i < m->recipients_count; i++)
    if (strcmp(m->recipients[i].address, address) == 0) return true;
  return false;
}

const char *queue_parse_address(const char *arg, bool allow_null, const char **error) {
  int domain = 0;
  *error = NULL;
  char *a = address_extract(arg, error, NULL, NULL, &domain, allow_null);
  if (!a) return NULL;
  if (*a && domain == 0) {
    *error = "domain missing";
    return NULL;
  }
  return a;
}

/* Minutes up to 90, then hours (rounded) up to 72, then days (rounded). */
const char *queue_age_text(long seconds) {
  if (seconds < 0) seconds = 0;
  long m = seconds / 60;
  if (m <= 90) return str_sprintf("%2ldm", m);
  long h = (m + 30) / 60;
  if (h <= 72) return str_sprintf("%2ldh", h);
  return str_sprintf("%2ldd", (h + 12) / 24);
}

/* Bytes below 1K, then K with one decimal below 10K, whole K below 1M,
 * M with one decimal below 10M, whole M beyond. */
const char *queue_size_text(long size) {
  if (size < 1024) return str_sprintf("%5ld", size);
  if (size < 10 * 1024) return str_sprintf("%4.1fK", (double)size / 1024.0);
  if (size < 1024 * 1024) return str_sprintf("%4ldK", (size + 512) / 1024);
  if (size < 10 * 1024 * 1024) return str_sprintf("%4.1fM", (double)size / (1024.0 * 1024.0));
  return str_sprintf("%4ldM", (size + 512 * 1024) / (1024 * 1024));
}

/* ---------------- the ids on a queue ---------------- */

typedef struct { char **v; int n, cap; } idvec;

static void add_id(idvec *ids, const char *id) {
  if (ids->n + 1 >= ids->cap) {
    int cap = ids->cap ? ids->cap * 2 : 64;
    char **v = store_get(sizeof(char *) * (size_t)cap, false);
    if (ids->n) memcpy(v, ids->v, sizeof(char *) * (size_t)ids->n);
    ids->v = v;
    ids->cap = cap;
  }
  ids->v[ids->n++] = str_copy(id);
  ids->v[ids->n] = NULL;
}

/* Adds the "<id>-H" entries of dir; with subdirs, also recurses into the
 * one-character subdirectories of a split spool. */
static void scan_dir(idvec *ids, const char *dir, bool subdirs) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *n = e->d_name;
    size_t len = strlen(n);
    if (subdirs && len == 1 && n[0] != '.') {
      scan_dir(ids, str_sprintf("%s/%s", dir, n), false);
      continue;
    }
    if (len != MESSAGE_ID_LENGTH + 2 || strcmp(n + MESSAGE_ID_LENGTH, "-H") != 0) continue;
    char id[MESSAGE_ID_LENGTH + 1];
    memcpy(id, n, MESSAGE_ID_LENGTH);
    id[MESSAGE_ID_LENGTH] = 0;
    if (message_id_valid(id)) add_id(ids, id);
  }
  closedir(d);
}

static int cmp_ids(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char **queue_ids(const char *queue_name, bool sorted, int *count) {
  idvec ids = {.v = store_get(sizeof(char *) * 64, false), .n = 0, .cap = 64};
  ids.v[0] = NULL;
  scan_dir(&ids, str_sprintf("%s/input", queue_spool_dir(queue_name)), true);
  if (sorted && ids.n > 1) qsort(ids.v, (size_t)ids.n, sizeof(char *), cmp_ids);
  if (count) *count = ids.n;
  return ids.v;
}
