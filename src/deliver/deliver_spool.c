/* deliver_spool.c - the spool side of a delivery (spec chapter 57): paths
 * of a message's files, opening a message (the -D file write-locked with
 * fcntl, then -H read), the -J journal of addresses delivered in this run,
 * the per-message log (msglog), freezing, and removing a finished message.
 *
 * Entry points: deliver_spool_path, deliver_open, deliver_close,
 * deliver_remove_files, deliver_freeze (deliver.h); dlv_queue_dir,
 * dlv_msglog*, dlv_journal_*, dlv_update_header (deliver_int.h).
 * Must never: remove or change a spool file it could not read; report a
 * journal line as written before fsync returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver_int.h"

deliver_msg *deliver_current;
int deliver_notify_fd = -1;

const char *dlv_queue_dir(const char *queue_name) {
  const char *sd = mainconf.spool_directory ? mainconf.spool_directory : "";
  if (queue_name && *queue_name) return str_sprintf("%s/%s", sd, queue_name);
  return sd;
}

char *deliver_spool_path(const char *id, const char *queue_name, char kind) {
  const char *qd = dlv_queue_dir(queue_name);
  bool split = mainconf.split_spool_directory;
  if (kind == 'M') {
    if (split) return str_sprintf("%s/msglog/%c/%s", qd, id[5], id);
    return str_sprintf("%s/msglog/%s", qd, id);
  }
  return str_sprintf("%s/%s-%c", spool_input_dir(qd, split, id), id, kind);
}

/* mkdir -p for the directory part of path (0750, as the spool's own). */
static void make_parent_dirs(const char *path) {
  char *p = str_copy(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    (void)mkdir(p, 0750);
    *s = '/';
  }
}

bool deliver_open(deliver_msg *dm, const char *id, const char *queue_name, const char **error) {
  memset(dm, 0, sizeof *dm);
  spool_msg_init(&dm->m);
  dm->data_fd = -1;
  dm->journal_fd = -1;
  dm->queue_name = queue_name ? queue_name : "";
  dm->spool_directory = dlv_queue_dir(dm->queue_name);
  dm->split = mainconf.split_spool_directory;
  if (strlen(id) != MESSAGE_ID_LENGTH || strchr(id, '/')) {
    *error = str_sprintf("%s is not a message id", id);
    errno = EINVAL;
    return false;
  }

  /* -D first: its lock says who owns the message. */
  const char *dpath = deliver_spool_path(id, dm->queue_name, 'D');
  int fd = open(dpath, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    *error = *dm->queue_name ? str_sprintf("Spool Q=%s file %s-D not found", dm->queue_name, id)
                             : str_sprintf("Spool file %s-D not found", id);
    errno = e;
    return false;
  }
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  if (fcntl(fd, F_SETLK, &fl) < 0) {
    close(fd);
    *error = "Spool file is locked (another process is handling this message)";
    errno = EAGAIN;
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_size < MESSAGE_ID_LENGTH + 3) {
    close(fd);
    *error = str_sprintf("Format error in spool file %s-D: size=%ld", id, (long)st.st_size);
    errno = EINVAL;
    return false;
  }
  char first[MESSAGE_ID_LENGTH + 3];
  if (pread(fd, first, sizeof first, 0) != (ssize_t)sizeof first ||
      memcmp(first, id, MESSAGE_ID_LENGTH) != 0 || memcmp(first + MESSAGE_ID_LENGTH, "-D\n", 3) != 0) {
    close(fd);
    *error = str_sprintf("Format error in spool file %s-D: size=%ld", id, (long)st.st_size);
    errno = EINVAL;
    return false;
  }

  /* Then -H: absent or unreadable, or not in the format. */
  const char *hpath = deliver_spool_path(id, dm->queue_name, 'H');
  struct stat hst;
  int hfd = open(hpath, O_RDONLY | O_CLOEXEC);
  if (hfd < 0 || fstat(hfd, &hst) < 0) {
    int e = errno;
    if (hfd >= 0) close(hfd);
    close(fd);
    *error = str_sprintf("Error reading spool file %s-H: %s", id, strerror(e));
    errno = e;
    return false;
  }
  close(hfd);
  const char *rerr = NULL;
  if (!spool_read_header(dm->spool_directory, dm->split, id, &dm->m, &rerr)) {
    close(fd);
    *error = str_sprintf("Format error in spool file %s-H: size=%ld", id, (long)hst.st_size);
    DEBUG(D_deliver) debug_printf("%s\n", rerr ? rerr : "");
    errno = EINVAL;
    return false;
  }
  dm->data_fd = fd;
  dm->body_offset = MESSAGE_ID_LENGTH + 3;
  dm->body_size = (long)(st.st_size - dm->body_offset);
  return true;
}

void deliver_close(deliver_msg *dm) {
  if (dm->msglog) fclose(dm->msglog);
  dm->msglog = NULL;
  if (dm->journal_fd >= 0) close(dm->journal_fd);
  dm->journal_fd = -1;
  if (dm->data_fd >= 0) close(dm->data_fd);   /* releases the lock */
  dm->data_fd = -1;
  if (deliver_current == dm) deliver_current = NULL;
}

void deliver_remove_files(const char *id, const char *queue_name) {
  /* -H first, so that no queue runner takes the message up again. */
  (void)unlink(deliver_spool_path(id, queue_name, 'H'));
  (void)unlink(deliver_spool_path(id, queue_name, 'D'));
  (void)unlink(deliver_spool_path(id, queue_name, 'J'));
  const char *ml = deliver_spool_path(id, queue_name, 'M');
  if (mainconf.preserve_message_logs) {
    /* kept in msglog.OLD, as exim4 keeps them */
    const char *qd = dlv_queue_dir(queue_name);
    const char *dest = str_sprintf("%s/msglog.OLD/%s", qd, id);
    if (rename(ml, dest) < 0 && errno == ENOENT) {
      make_parent_dirs(dest);
      (void)rename(ml, dest);
    }
  } else {
    (void)unlink(ml);
  }
}

/* ------------------------------------------------------------ the msglog */

static FILE *msglog_open(const char *id, const char *queue_name) {
  const char *path = deliver_spool_path(id, queue_name, 'M');
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0 && errno == ENOENT) {
    make_parent_dirs(path);
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  }
  if (fd < 0) {
    log_write_msg(id, LOG_MAIN | LOG_PANIC, "Couldn't open message log %s: %s", path, strerror(errno));
    return NULL;
  }
  FILE *f = fdopen(fd, "a");
  if (!f) close(fd);
  return f;
}

void dlv_msglog_open(deliver_msg *dm) {
  if (dm->msglog || !mainconf.message_logs) return;
  dm->msglog = msglog_open(dm->m.id, dm->queue_name);
}

void deliver_msglog_write(const char *id, const char *text) {
  if (!mainconf.message_logs) return;
  deliver_msg dm = {.m.id = "", .queue_name = ""};
  dm.msglog = msglog_open(id, deliver_reception_queue ? deliver_reception_queue : "");
  dlv_msglog(&dm, "%s", text);
  if (dm.msglog) fclose(dm.msglog);
}

static void msglog_v(deliver_msg *dm, bool stamp, const char *fmt, va_list ap) {
  if (!dm->msglog) return;
  gstring *g = NULL;
  if (stamp) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    g = log_timestamp(g, &tv, LOGGING(millisec), mainconf.log_timezone);
    g = g_catc(g, ' ');
  }
  gstring *text = g_vfmt(NULL, fmt, ap);
  g = g_cat(g, dlv_one_line(g_str(text)));   /* newlines as "\n", as the main log */
  g = g_catc(g, '\n');
  fwrite(g->s, 1, g->len, dm->msglog);
  fflush(dm->msglog);
}

void dlv_msglog(deliver_msg *dm, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  msglog_v(dm, true, fmt, ap);
  va_end(ap);
}

void dlv_msglog_plain(deliver_msg *dm, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  msglog_v(dm, false, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------ the journal */

bool dlv_journal_add(deliver_msg *dm, const char *unique, const char **error) {
  if (dm->journal_fd < 0) {
    const char *path = deliver_spool_path(dm->m.id, dm->queue_name, 'J');
    dm->journal_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (dm->journal_fd < 0) {
      *error = str_sprintf("Couldn't open journal file %s: %s", path, strerror(errno));
      return false;
    }
  }
  const char *line = str_sprintf("%s\n", unique);
  size_t n = strlen(line), done = 0;
  while (done < n) {
    ssize_t w = write(dm->journal_fd, line + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      *error = str_sprintf("failed to write journal for %s: %s", unique, strerror(errno));
      return false;
    }
    done += (size_t)w;
  }
  if (fsync(dm->journal_fd) < 0) {
    *error = str_sprintf("failed to fsync journal: %s", strerror(errno));
    return false;
  }
  return true;
}

int dlv_journal_recover(deliver_msg *dm) {
  const char *path = deliver_spool_path(dm->m.id, dm->queue_name, 'J');
  FILE *f = fopen(path, "re");
  if (!f) return 0;
  int count = 0;
  char line[16384];
  while (fgets(line, sizeof line, f)) {
    size_t n = strlen(line);
    /* a line cut short by a crash (no newline) was not recorded */
    if (!n || line[n - 1] != '\n') continue;
    line[--n] = 0;
    if (!n) continue;
    if (spool_tree_insert(&dm->m.nonrecipients, line)) count++;
    DEBUG(D_deliver) debug_printf("Previously delivered address %s taken from journal file\n", line);
  }
  fclose(f);
  if (count > 0 && !dlv_update_header(dm)) return -1;
  (void)unlink(path);
  return count;
}

void dlv_journal_remove(deliver_msg *dm) {
  if (dm->journal_fd >= 0) close(dm->journal_fd);
  dm->journal_fd = -1;
  (void)unlink(deliver_spool_path(dm->m.id, dm->queue_name, 'J'));
}

bool dlv_update_header(deliver_msg *dm) {
  const char *err = NULL;
  if (spool_update_header(dm->spool_directory, dm->split, &dm->m, &err)) return true;
  log_write_msg(dm->m.id, LOG_MAIN | LOG_PANIC, "Unable to update spool header file for %s: %s",
                dm->m.id, err ? err : strerror(errno));
  return false;
}

bool deliver_freeze(deliver_msg *dm, const char *reason) {
  dm->m.frozen = true;
  dm->m.frozen_at = (long)time(NULL);
  dm->frozen_reason = reason;
  log_write_msg(dm->m.id, LOG_MAIN, "Frozen (%s)", reason);
  dlv_msglog_plain(dm, "*** Frozen (%s)", reason);
  return dlv_update_header(dm);
}
