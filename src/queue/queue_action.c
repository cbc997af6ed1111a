/* queue_action.c - the administrator's message actions (spec 5: -Mf -Mt
 * -Mrm -Mar -Mmad -Mmd -Mes -MG -Mvh -Mvb -Mvl -Mvc), with exim4's texts on
 * stdout and its main log lines ("frozen by <user>", "removed by <user>",
 * "recipient <a> added by <user>" ...).  The delivering actions (-M, -Mc,
 * -Mg) are queue_deliver_ids() in queue_run.c.
 *
 * Entry point: queue_action_main (queue.h).  Exit status 1 when any
 * message could not be acted on.
 * Must never: change a message whose -D file another process has locked
 * (it is "locked" and left alone); write -H other than by
 * spool_update_header (temporary file and rename); remove a message
 * without logging who did it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver.h"
#include "queue/queue.h"
#include "queue/queue_int.h"

static bool caller_admin = true;
static uid_t caller_uid;

void queue_set_caller(bool admin, uid_t uid) {
  caller_admin = admin;
  caller_uid = uid;
}

/* After the message is open: may this caller act on it?  Prints exim4's
 * refusal when not. */
static bool permitted(const deliver_msg *dm, bool originator_may) {
  if (caller_admin || (originator_may && dm->m.originator_uid == caller_uid)) return true;
  printf("Permission denied\n");
  return false;
}

typedef struct {
  const cmdline_state *st;
  const char *queue_name;       /* the queue the messages are on (-qG) */
  const char *who;              /* the caller's login, for the log */
  char **args;                  /* the addresses after the id (one-id actions) */
  int nargs;
} action_ctx;

/* Open and lock a message, printing exim's text when that fails. */
static bool open_message(const action_ctx *c, deliver_msg *dm, const char *id) {
  const char *error;
  if (deliver_open(dm, id, c->queue_name, &error)) return true;
  if (errno == EAGAIN) {
    printf("Message %s is locked\n", id);
    error = str_sprintf("Spool file for %s is locked (another process is handling this message)", id);
  } else if (errno == ENOENT && strstr(error, "-D")) {
    printf("Spool data file for %s does not exist\n", id);
  } else {
    printf("Spool read error for %s: %s\n", id, error);
  }
  log_write_msg(id, LOG_MAIN, "%s", error);
  return false;
}

static bool write_header(deliver_msg *dm) {
  const char *error;
  if (spool_update_header(dm->spool_directory, dm->split, &dm->m, &error)) return true;
  printf("Message %s - failed to update the header file: %s\n", dm->m.id, error);
  log_write_msg(dm->m.id, LOG_MAIN | LOG_PANIC, "Unable to update spool header file: %s", error);
  return false;
}

/* ---------------- -Mf, -Mt ---------------- */

static bool freeze(const action_ctx *c, const char *id, bool on) {
  deliver_msg dm;
  if (!open_message(c, &dm, id)) return false;
  bool ok = false;
  if (!permitted(&dm, false)) ;
  else if (on && dm.m.frozen) printf("Message %s is already frozen\n", id);
  else if (!on && !dm.m.frozen) printf("Message %s is not frozen\n", id);
  else {
    dm.m.frozen = on;
    if (on) dm.m.frozen_at = (long)time(NULL);
    else dm.m.manual_thaw = true;
    if ((ok = write_header(&dm))) {
      printf(on ? "Message %s is now frozen\n" : "Message %s is no longer frozen\n", id);
      log_write_msg(id, LOG_MAIN, "%s by %s", on ? "frozen" : "unfrozen", c->who);
    }
  }
  deliver_close(&dm);
  return ok;
}

/* ---------------- -Mrm ---------------- */

static bool remove_message(const action_ctx *c, const char *id) {
  deliver_msg dm;
  const char *error;
  bool opened = deliver_open(&dm, id, c->queue_name, &error);
  int e = errno;
  if (opened && !permitted(&dm, true)) {
    deliver_close(&dm);
    return false;
  }
  if (opened) {
    log_write_msg(id, LOG_MAIN, "removed by %s", c->who);
    log_write_msg(id, LOG_MAIN, "Completed");
    deliver_remove_files(id, c->queue_name);
    deliver_close(&dm);
    printf("Message %s has been removed\n", id);
    return true;
  }
  if (e == EAGAIN) {
    printf("Message %s is locked\n", id);
    log_write_msg(id, LOG_MAIN, "Spool file for %s is locked (another process is handling this message)", id);
    return false;
  }
  log_write_msg(id, LOG_MAIN, "%s", error);
  /* whatever is left of a broken message goes, as exim4 does it */
  if (e == ENOENT && strstr(error, "-D"))
    printf("Spool data file for %s does not exist\nContinuing, to ensure all files removed\n", id);
  int fd = open(deliver_spool_path(id, c->queue_name, 'H'), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    printf("Spool read error for %s-H: %s\nContinuing to ensure all files removed\n", id, strerror(errno));
  else close(fd);
  deliver_remove_files(id, c->queue_name);
  printf("Message %s has been removed or did not exist\n", id);
  return false;
}

/* ---------------- -Mmad, -Mmd, -Mar, -Mes ---------------- */

static void mark_delivered(const action_ctx *c, deliver_msg *dm, const char *address) {
  spool_tree_insert(&dm->m.nonrecipients, address);
  log_write_msg(dm->m.id, LOG_MAIN, "address <%s> marked delivered by %s", address, c->who);
}

/* The working address of a -Mar/-Mes argument, or NULL after printing
 * why not: it must parse and be fully qualified (or "<>" for a sender). */
static const char *check_address(const char *id, const char *doing, const char *arg, bool allow_null) {
  const char *error = NULL;
  const char *a = queue_parse_address(arg, allow_null, &error);
  if (!a) {
    printf("Message %s - error while %s:\n  bad address %s: %s\n", id, doing, arg, error);
    return NULL;
  }
  return a;
}

static bool edit_message(const action_ctx *c, const char *id) {
  msg_action_t act = c->st->msg_action;
  deliver_msg dm;
  if (!open_message(c, &dm, id)) return false;
  if (!permitted(&dm, false)) {
    deliver_close(&dm);
    return false;
  }
  bool ok = true;
  spool_msg *m = &dm.m;
  const char *doing = act == MSG_ADD_RECIPIENT ? "adding recipient"
                      : act == MSG_EDIT_SENDER ? "editing sender" : "marking as delivered";
  if (act != MSG_MARK_ALL_DELIVERED && c->nargs == 0) {
    printf("Message %s - error while %s: no address given\n", id, doing);
    ok = false;
  } else if (act == MSG_MARK_ALL_DELIVERED) {
    for (int i = 0; i < m->recipients_count; i++) mark_delivered(c, &dm, m->recipients[i].address);
  } else if (act == MSG_MARK_DELIVERED) {
    for (int i = 0; ok && i < c->nargs; i++) {
      if (queue_is_recipient(m, c->args[i])) mark_delivered(c, &dm, c->args[i]);
      else {
        printf("Message %s - error while %s:\n  %s is not a recipient: message not updated\n", id, doing,
               c->args[i]);
        ok = false;
      }
    }
  } else if (act == MSG_ADD_RECIPIENT) {
    spool_recipient *r = store_get(sizeof *r * (size_t)(m->recipients_count + c->nargs), false);
    if (m->recipients_count) memcpy(r, m->recipients, sizeof *r * (size_t)m->recipients_count);
    m->recipients = r;
    for (int i = 0; ok && i < c->nargs; i++) {
      const char *a = check_address(id, doing, c->args[i], false);
      if (!a) {
        ok = false;
        break;
      }
      r[m->recipients_count++] = (spool_recipient){.address = (char *)a, .pno = -1};
      log_write_msg(id, LOG_MAIN, "recipient <%s> added by %s", a, c->who);
    }
  } else {                      /* -Mes */
    const char *a = NULL;
    if (c->nargs > 1) {
      printf("Message %s - only one sender address can be specified\n", id);
      ok = false;
    } else if ((a = check_address(id, doing, c->args[0], true))) {
      m->sender = (char *)a;
      log_write_msg(id, LOG_MAIN, "sender address changed to <%s> by %s", a, c->who);
    } else {
      ok = false;
    }
  }
  if (ok && (ok = write_header(&dm))) printf("Message %s has been modified\n", id);
  deliver_close(&dm);
  return ok;
}

/* ---------------- -MG ---------------- */

static void make_dirs(const char *path) {
  char *p = str_copy(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    (void)mkdir(p, 0750);
    *s = '/';
  }
}

/* Rename one file of the message between queues; false when it was not there. */
static bool move_file(const char *id, const char *from_q, const char *to_q, char kind) {
  const char *from = deliver_spool_path(id, from_q, kind);
  const char *to = deliver_spool_path(id, to_q, kind);
  if (rename(from, to) == 0) return true;
  if (errno != ENOENT) return false;
  struct stat st;
  if (stat(from, &st) < 0) return false;
  make_dirs(to);
  return rename(from, to) == 0;
}

static bool move_message(const action_ctx *c, const char *id) {
  deliver_msg dm;
  const char *dest = c->st->queue_name_dest ? c->st->queue_name_dest : "";
  if (!open_message(c, &dm, id)) return false;
  bool ok = true;
  if (strcmp(dest, c->queue_name) != 0) {
    ok = move_file(id, c->queue_name, dest, 'D') && move_file(id, c->queue_name, dest, 'H');
    if (ok) {
      move_file(id, c->queue_name, dest, 'J');
      move_file(id, c->queue_name, dest, 'M');
      const char *fq = *c->queue_name ? str_sprintf("(%s) ", c->queue_name) : "";
      const char *tq = *dest ? str_sprintf("(%s) ", dest) : "";
      log_write_msg(id, LOG_MAIN, "moved from %sinput, msglog to %sinput, msglog", fq, tq);
    }
  }
  deliver_close(&dm);
  if (ok) printf("Message %s ", id);       /* exim4's words; the line ends after the last id */
  else printf("Message %s could not be moved: %s\n", id, strerror(errno));
  return ok;
}

/* ---------------- -Mvh, -Mvb, -Mvl, -Mvc ---------------- */

static bool copy_out(int fd, off_t from) {
  char buf[16384];
  ssize_t n;
  off_t at = from;
  fflush(stdout);
  while ((n = pread(fd, buf, sizeof buf, at)) > 0) {
    at += n;
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return false;
  }
  return n == 0;
}

static bool show_file(const char *path, const char *what, const char *name) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    printf("Failed to open %s file for %s: %s\n", what, name, strerror(errno));
    return false;
  }
  bool ok = copy_out(fd, 0);
  close(fd);
  return ok;
}

static bool show(const action_ctx *c, const char *id) {
  if (!caller_admin) {
    printf("Permission denied\n");
    return false;
  }
  switch (c->st->msg_action) {
  case MSG_SHOW_HEADER:
    return show_file(deliver_spool_path(id, c->queue_name, 'H'), "input", str_sprintf("%s-H", id));
  case MSG_SHOW_BODY:
    return show_file(deliver_spool_path(id, c->queue_name, 'D'), "input", str_sprintf("%s-D", id));
  case MSG_SHOW_LOG:
    return show_file(deliver_spool_path(id, c->queue_name, 'M'), "msglog", id);
  default: {
    deliver_msg dm;
    if (!open_message(c, &dm, id)) return false;
    for (const spool_header *h = dm.m.headers; h; h = h->next)
      if (h->type != '*') fputs(h->text, stdout);
    fputs("\n", stdout);
    bool ok = copy_out(dm.data_fd, dm.body_offset);
    deliver_close(&dm);
    return ok;
  }
  }
}

int queue_action_main(const cmdline_state *st, int argc, char **argv, const char *admin_name) {
  action_ctx c = {.st = st, .queue_name = st->queue_name ? st->queue_name : "", .who = admin_name};
  msg_action_t act = st->msg_action;
  int first = st->msg_action_arg;
  if (st->one_msg_action) {
    c.args = argv + st->recipients_arg;
    c.nargs = argc - st->recipients_arg;
  }
  bool ok = true;
  switch (act) {
  case MSG_SHOW_HEADER: case MSG_SHOW_BODY: case MSG_SHOW_LOG: case MSG_SHOW_COPY:
    if (c.nargs > 0) {
      printf("*** Only one message can be listed at once\n");
      return EXIT_FAILURE;
    }
    ok = show(&c, argv[first]);
    break;
  case MSG_ADD_RECIPIENT: case MSG_EDIT_SENDER: case MSG_MARK_DELIVERED:
    ok = edit_message(&c, argv[first]);
    break;
  default:
    for (int i = first; i < argc; i++) {
      store_mark *mark = store_mark_take(POOL_MAIN);
      bool one = act == MSG_FREEZE ? freeze(&c, argv[i], true)
                 : act == MSG_THAW ? freeze(&c, argv[i], false)
                 : act == MSG_REMOVE ? remove_message(&c, argv[i])
                 : act == MSG_MARK_ALL_DELIVERED ? edit_message(&c, argv[i])
                 : act == MSG_SETQUEUE ? move_message(&c, argv[i])
                 : false;
      if (!one) ok = false;
      fflush(stdout);
      store_reset(mark);
    }
    if (act == MSG_MARK_ALL_DELIVERED || act == MSG_SETQUEUE) printf("\n");
    break;
  }
  fflush(stdout);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
