/* deliver_local.c - running a local transport (spec 23.2-23.3): the uid
 * and gid a batch of addresses is delivered under (transport user/group,
 * then the router's, then the Exim user), the never_users check, the home
 * and current directories, and the child process that switches to them,
 * calls the transport and reports each address's outcome back over a pipe.
 *
 * Entry point: dlv_run_local (deliver_int.h).
 * Must never: run a transport as a uid on never_users or the build's
 * FIXED_NEVER_USERS; let a child's failure to report pass as a success.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fdio.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config.h"
#include "config/main_config.h"
#include "deliver/deliver_int.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "route/route.h"
#include "route/router.h"
#include "transport/transport.h"
#include "transport/write.h"

/* ------------------------------------------------------------- uid / gid */

typedef struct ugid {
  uid_t uid;
  gid_t gid;
  bool gid_set;
  bool initgroups;
  const char *home, *cwd;
} ugid;

/* A user option's value: fixed, or expanded now.  false with *error. */
static bool resolve_user(const opt_expand_id *o, uid_t *uid, gid_t *gid, bool *gid_known,
                         const char *tname, const char **error) {
  if (!o->expand) {
    *uid = (uid_t)o->id;
    if (!o->numeric) {
      struct passwd *pw = getpwuid(*uid);
      if (pw) *gid = pw->pw_gid, *gid_known = true;
    }
    return true;
  }
  const char *v = expand_cstring(o->expand);
  if (!v) {
    *error = str_sprintf("Failed to expand user string \"%s\" for the %s transport: %s", o->expand,
                         tname, expand_status.message ? expand_status.message : "");
    return false;
  }
  bool have_gid;
  gid_t g;
  if (!route_find_uid(v, uid, &g, &have_gid)) {
    *error = str_sprintf("Failed to find user \"%s\" from expanded string \"%s\" for the %s transport",
                         v, o->expand, tname);
    return false;
  }
  if (have_gid) *gid = g, *gid_known = true;
  return true;
}

static bool resolve_group(const opt_expand_id *o, gid_t *gid, const char *tname, const char **error) {
  if (!o->expand) {
    *gid = (gid_t)o->id;
    return true;
  }
  const char *v = expand_cstring(o->expand);
  if (!v) {
    *error = str_sprintf("Failed to expand group string \"%s\" for the %s transport: %s", o->expand,
                         tname, expand_status.message ? expand_status.message : "");
    return false;
  }
  if (!route_find_gid(v, gid)) {
    *error = str_sprintf("Failed to find group \"%s\" from expanded string \"%s\" for the %s transport",
                         v, o->expand, tname);
    return false;
  }
  return true;
}

/* 1: on FIXED_NEVER_USERS, 2: on never_users, 0: neither. */
static int on_never_users(uid_t uid) {
  const char *fixed = FIXED_NEVER_USERS;
  while (fixed && *fixed) {
    const char *c = strchr(fixed, ':');
    size_t n = c ? (size_t)(c - fixed) : strlen(fixed);
    char *name = str_copyn(fixed, n);
    char *end;
    long v = strtol(name, &end, 10);
    if (*name && !*end) {
      if ((uid_t)v == uid) return 1;
    } else if (*name) {
      struct passwd *pw = getpwnam(name);
      if (pw && pw->pw_uid == uid) return 1;
    }
    fixed = c ? c + 1 : NULL;
  }
  const uid_t *nu = mainconf.never_users;
  if (nu)
    for (uid_t i = 1; i <= nu[0]; i++)
      if (nu[i] == uid) return 2;
  return 0;
}

/* The ids, home and current directory for delivering `a` with t (spec
 * 23.2: the transport's user, else the message's creator for a transport
 * that asks for it, else the router's, else the Exim user; the gid
 * likewise, the creator's only with the creator's uid).  false with
 * a->message and a->basic_errno set (the caller defers). */
static bool choose_ugid(const deliver_msg *dm, address_item *a, transport_instance *t, ugid *u) {
  const char *tname = t->drv.name;
  const char *err = NULL;
  gid_t user_gid = 0;
  bool user_gid_known = false;
  memset(u, 0, sizeof *u);
  const transport_ops *ops = t->drv.info ? t->drv.info->kind_ops : NULL;
  bool creator = false;

  if (t->user.set || t->user.expand) {
    if (!resolve_user(&t->user, &u->uid, &user_gid, &user_gid_known, tname, &err)) goto fail;
    u->initgroups = t->initgroups;
  } else if (ops && ops->as_creator && ops->as_creator(t)) {
    u->uid = dm->m.originator_uid;
    creator = true;
  } else if (a->flags & af_uid_set) {
    u->uid = a->uid;
    u->initgroups = (a->flags & af_initgroups) != 0;
  } else {
    uid_t eu;
    gid_t eg;
    if (main_config_exim_ids(&eu, &eg) != NULL) {
      err = str_sprintf("Neither the %s router nor the %s transport set a uid for local delivery of %s",
                        a->router ? a->router->drv.name : "", tname, a->address);
      goto fail;
    }
    u->uid = eu;
    user_gid = eg;
    user_gid_known = true;
  }

  if (t->group.set || t->group.expand) {
    if (!resolve_group(&t->group, &u->gid, tname, &err)) goto fail;
    u->gid_set = true;
  } else if (a->flags & af_gid_set) {
    u->gid = a->gid;
    u->gid_set = true;
  } else if (creator) {
    u->gid = dm->m.originator_gid;
    u->gid_set = true;
  } else if (user_gid_known) {
    u->gid = user_gid;
    u->gid_set = true;
  }
  if (!u->gid_set) {
    err = str_sprintf("User set without group for %s transport", tname);
    goto fail;
  }

  int nu = on_never_users(u->uid);
  if (nu) {
    err = str_sprintf("User %ld set for %s transport is on the %snever_users list", (long)u->uid, tname,
                      nu == 1 ? "fixed_" : "");
    goto fail;
  }

  /* home and current directory */
  if (t->home_directory) {
    const char *h = expand_cstring(t->home_directory);
    if (!h) {
      err = str_sprintf("home directory \"%s\" failed to expand for %s transport: %s",
                        t->home_directory, tname, expand_status.message ? expand_status.message : "");
      goto expand_fail;
    }
    u->home = h;
  } else {
    u->home = a->home_dir;
  }
  if (t->current_directory) {
    const char *c = expand_cstring(t->current_directory);
    if (!c) {
      err = str_sprintf("current directory \"%s\" failed to expand for %s transport: %s",
                        t->current_directory, tname, expand_status.message ? expand_status.message : "");
      goto expand_fail;
    }
    u->cwd = c;
  } else {
    u->cwd = a->current_dir;
  }
  if (!u->cwd || !*u->cwd) u->cwd = u->home && *u->home ? u->home : "/";
  return true;

fail:
  a->basic_errno = ERRNO_UIDFAIL;
  a->message = err;
  return false;
expand_fail:   /* the directories: exim4's error -27 */
  a->basic_errno = ERRNO_EXPANDFAIL;
  a->message = err;
  return false;
}

/* ------------------------------------------------------------ the child */

/* One outcome as the child sends it. */
typedef struct report {
  int index;
  int status;
  int basic_errno;
  int more_errno;
  int special_action;
  int msglen;                   /* -1: no message */
  int outlen;                   /* -1: no return_output */
  long size;                    /* bytes written (transport_count) */
  int shlen;                    /* -1: no shadow transport ran, else its error's length (0: ok) */
  char transport[64];           /* the transport that delivered (appendfile's
                                   file_format may hand over to another) */
} report;

#define REPORT_MSG_MAX 8192

/* n bytes of text from the child (tainted: it may hold a command's
 * output); NULL for n < 0 or a short read. */
static char *read_text(int fd, int n) {
  if (n < 0) return NULL;
  char *s = store_get((size_t)n + 1, true);
  if (n && !fd_read_all(fd, s, (size_t)n)) return NULL;
  s[n] = 0;
  return s;
}

static void child_report(int fd, address_item *batch) {
  int i = 0;
  for (address_item *a = batch; a; a = a->next, i++) {
    report r = {.index = i, .status = a->transport_return, .basic_errno = a->basic_errno,
                .more_errno = a->more_errno, .special_action = a->special_action,
                .size = transport_count};
    size_t n = a->message ? strlen(a->message) : 0;
    if (n > REPORT_MSG_MAX) n = REPORT_MSG_MAX;
    size_t sh = a->shadow_message ? strlen(a->shadow_message) : 0;
    if (sh > REPORT_MSG_MAX) sh = REPORT_MSG_MAX;
    r.shlen = a->shadow_message ? (int)sh : -1;
    size_t o = a->return_output ? strlen(a->return_output) : 0;
    if (o > REPORT_MSG_MAX) o = REPORT_MSG_MAX;
    r.msglen = a->message ? (int)n : -1;
    r.outlen = a->return_output ? (int)o : -1;
    if (a->transport && a->transport->drv.name && strlen(a->transport->drv.name) < sizeof r.transport)
      strcpy(r.transport, a->transport->drv.name);
    /* a short write shows as a short read in the parent, which defers the address */
    (void)(fd_write_all(fd, &r, sizeof r) && (!n || fd_write_all(fd, a->message, n)) &&
           (!o || fd_write_all(fd, a->return_output, o)) && (!sh || fd_write_all(fd, a->shadow_message, sh)));
  }
}

static void child_fail(int fd, address_item *batch, int err, const char *msg) {
  for (address_item *a = batch; a; a = a->next) {
    a->transport_return = DEFER;
    a->basic_errno = err;
    a->message = msg;
  }
  child_report(fd, batch);
  _exit(EXIT_FAILURE);
}

/* shadow_transport (spec 24): after a success, the same addresses go to
 * the shadow transport too (in this process, when shadow_condition
 * allows); its result only annotates the log line (a->shadow_message). */
static void run_shadow(deliver_msg *dm, transport_instance *t, address_item *batch) {
  if (!t->shadow_transport) return;
  if (t->shadow_condition) {
    const char *v = expand_cstring(t->shadow_condition);
    if (!v) {
      if (!expand_status.forced_fail)
        log_write_msg(dm->m.id, LOG_MAIN, "Failed to expand shadow_condition \"%s\" for %s transport: %s",
                      t->shadow_condition, t->drv.name, expand_status.message ? expand_status.message : "");
      return;
    }
    if (!*v || strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0) return;
  }
  transport_instance *st = (transport_instance *)driver_find(&transport_kind, t->shadow_transport);
  const transport_ops *sops = st && st->drv.info ? st->drv.info->kind_ops : NULL;
  if (!sops || !sops->deliver) return;
  address_item *copies = NULL, **tail = &copies;
  for (address_item *a = batch; a; a = a->next) {
    if (a->transport_return != OK) continue;
    address_item *c = store_get(sizeof *c, false);
    *c = *a;
    c->next = NULL;
    c->transport = st;
    c->transport_return = DEFER_NONE;
    c->basic_errno = c->more_errno = 0;
    c->message = NULL;
    *tail = c;
    tail = &c->next;
  }
  if (!copies) return;
  long count = transport_count;   /* S= is the main transport's */
  expand_var_set("transport_name", st->drv.name);
  sops->deliver(st, copies);
  transport_count = count;
  address_item *c = copies;
  for (address_item *a = batch; a && c; a = a->next) {
    if (a->transport_return != OK) continue;
    /* its error as a log line would give it: "strerror: message" */
    if (c->transport_return == OK) a->shadow_message = "";
    else if (c->basic_errno > 0)
      a->shadow_message = str_sprintf("%s%s%s", strerror(c->basic_errno), c->message ? ": " : "",
                                      c->message ? c->message : "");
    else a->shadow_message = c->message ? c->message : "";
    c = c->next;
  }
}

static void child_run(deliver_msg *dm, address_item *batch, const ugid *u, int fd) {
  transport_instance *t = batch->transport;
  signal(SIGPIPE, SIG_DFL);
  if (geteuid() == 0) {
    struct passwd *pw = u->initgroups ? getpwuid(u->uid) : NULL;
    bool groups_ok = pw ? initgroups(pw->pw_name, u->gid) == 0 : setgroups(1, &u->gid) == 0;
    if (!groups_ok || setgid(u->gid) < 0 || setuid(u->uid) < 0)
      child_fail(fd, batch, ERRNO_UIDFAIL,
                 str_sprintf("unable to set gid=%ld or uid=%ld (euid=%ld)", (long)u->gid,
                             (long)u->uid, (long)geteuid()));
  } else if (geteuid() != u->uid || (getegid() != u->gid && setgid(u->gid) < 0)) {
    child_fail(fd, batch, ERRNO_UIDFAIL,
               str_sprintf("unable to set gid=%ld or uid=%ld (euid=%ld)", (long)u->gid, (long)u->uid,
                           (long)geteuid()));
  }
  if (chdir(u->cwd) < 0) child_fail(fd, batch, errno, str_sprintf("failed to chdir to %s", u->cwd));

  deliver_current = dm;
  addr_set_vars(batch);
  expand_var_set("home", u->home);
  expand_var_set("transport_name", t->drv.name);
  const transport_ops *ops = t->drv.info ? t->drv.info->kind_ops : NULL;
  for (address_item *a = batch; a; a = a->next) {
    a->transport_return = DEFER_NONE;
    a->basic_errno = 0;
    a->more_errno = 0;
    a->message = NULL;
  }
  transport_count = 0;
  bool ran = ops && ops->deliver && ops->deliver(t, batch);
  run_shadow(dm, t, batch);
  for (address_item *a = batch; a; a = a->next)
    if (a->transport_return == DEFER_NONE) {   /* not set: the transport could not run */
      a->transport_return = DEFER;
      if (!a->message)
        a->message = ran || (ops && ops->deliver) ? str_sprintf("%s transport did not run", t->drv.name)
                                         : str_sprintf("no delivery code for the %s transport",
                                                       t->drv.name);
    }
  child_report(fd, batch);
  _exit(EXIT_SUCCESS);
}

bool dlv_check_ugid(deliver_msg *dm, address_item *a) {
  ugid u;
  addr_set_vars(a);
  if (choose_ugid(dm, a, a->transport, &u)) return true;
  a->transport_return = DEFER;
  log_write_msg(dm->m.id, LOG_MAIN | LOG_PANIC, "%s", a->message);
  return false;
}

void dlv_run_local(deliver_msg *dm, address_item *batch) {
  ugid u;
  /* $local_part etc. for expanding the transport's user/group/home */
  addr_set_vars(batch);
  log_open_main();   /* the child may not be able to open it as its user */
  if (!choose_ugid(dm, batch, batch->transport, &u)) {
    for (address_item *a = batch; a; a = a->next) {
      a->transport_return = DEFER;
      a->basic_errno = batch->basic_errno;
      a->message = batch->message;
      a->special_action = batch->special_action;
    }
    log_write_msg(dm->m.id, LOG_MAIN | LOG_PANIC, "%s", batch->message);   /* exim4: panic log too */
    return;
  }

  int pfd[2];
  if (pipe(pfd) < 0) {
    for (address_item *a = batch; a; a = a->next) {
      a->transport_return = DEFER;
      a->basic_errno = errno;
      a->message = "pipe() failed for a delivery process";
    }
    return;
  }
  fflush(NULL);
  if (dm->msglog) fflush(dm->msglog);
  pid_t pid = fork();
  if (pid == 0) {
    close(pfd[0]);
    child_run(dm, batch, &u, pfd[1]);
  }
  close(pfd[1]);
  int n = 0;
  for (address_item *a = batch; a; a = a->next, n++) a->transport_return = DEFER_NONE;
  if (pid > 0) {
    report r;
    while (fd_read_all(pfd[0], &r, sizeof r)) {
      if (r.msglen > REPORT_MSG_MAX || r.outlen > REPORT_MSG_MAX || r.shlen > REPORT_MSG_MAX) break;
      char *msg = read_text(pfd[0], r.msglen), *out = read_text(pfd[0], r.outlen),
           *shadow = read_text(pfd[0], r.shlen);
      if ((r.msglen > 0 && !msg) || (r.outlen > 0 && !out) || (r.shlen > 0 && !shadow)) break;
      address_item *a = batch;
      for (int i = 0; a && i < r.index; i++) a = a->next;
      if (!a || r.index < 0 || r.index >= n) break;
      a->transport_return = r.status;
      a->basic_errno = r.basic_errno;
      a->more_errno = r.more_errno;
      a->special_action = r.special_action;
      a->size_delivered = r.size;
      a->transport_ran = true;
      a->shadow_message = shadow;
      a->message = msg;
      a->return_output = out;
      r.transport[sizeof r.transport - 1] = 0;
      if (r.transport[0] && (!a->transport || strcmp(a->transport->drv.name, r.transport) != 0)) {
        driver_instance *d = driver_find(&transport_kind, r.transport);
        if (d) a->transport = (transport_instance *)d;
      }
    }
  }
  close(pfd[0]);
  int status = 0;
  if (pid > 0)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  for (address_item *a = batch; a; a = a->next) {
    if (a->transport_return != DEFER_NONE) continue;
    a->transport_return = DEFER;
    a->basic_errno = 0;
    if (pid < 0) a->message = str_sprintf("fork failed for local delivery to %s", a->address);
    else if (WIFSIGNALED(status))
      a->message = str_sprintf("%s transport process crashed (signal %d)", batch->transport->drv.name,
                               WTERMSIG(status));
    else
      a->message = str_sprintf("%s transport process returned non-zero status 0x%04x",
                               batch->transport->drv.name, (unsigned)status);
  }
  /* a threshold crossed (appendfile's quota_warn_threshold): the
   * transport's warning message, sent from here as the delivery's user */
  const transport_ops *ops = batch->transport->drv.info ? batch->transport->drv.info->kind_ops : NULL;
  for (address_item *a = batch; a; a = a->next)
    if (a->special_action == SPECIAL_WARN && ops && ops->send_warning)
      ops->send_warning(batch->transport, a);
}
