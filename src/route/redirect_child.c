/* redirect_child.c - running a user's filter under the router's uid and
 * gid (spec 22.10 allow_filter: "The filter is run using the uid and gid
 * set by the generic user and group options"): when the process has more
 * privilege than that, the filter runs in a child process that gives it
 * up first, and its outcome (result, texts, generated addresses with their
 * reply data) comes back through a pipe.
 *
 * The same for a redirection list with :include: items, whose files are
 * then read with the user's rights.
 *
 * Entry points: redirect_filter_as_user() (redirect.h),
 * redirect_list_as_user() (redirect_int.h).
 * Must never: let the filter (its ${run}, ${readfile}, logwrite ...) run
 * with the caller's privilege; trust more from the pipe than it can hold
 * (lengths are bounded, a short or malformed answer is a failure).
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/fdio.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "redirect.h"
#include "redirect_int.h"
#include "route.h"

#define MAX_STR (4 * 1024 * 1024)
#define MAX_GENERATED 10000

/* ---- writing (child) ---------------------------------------------------- */

static bool put_int(int fd, int64_t v) { return fd_write_all(fd, &v, sizeof v); }

/* A string goes with its taint: a filter's text from the configuration
 * (or an untainted file) makes untainted commands and file names. */
static bool put_str(int fd, const char *s) {
  if (!s) return put_int(fd, -1);
  size_t n = strlen(s);
  return put_int(fd, (int64_t)n) && put_int(fd, is_tainted(s)) && fd_write_all(fd, s, n);
}

static bool put_reply(int fd, const reply_item *r) {
  if (!put_int(fd, r != NULL)) return false;
  if (!r) return true;
  const char *s[] = {r->from, r->reply_to, r->to, r->cc, r->bcc, r->subject, r->headers,
                     r->text, r->file, r->logfile, r->oncelog};
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
    if (!put_str(fd, s[i])) return false;
  return put_int(fd, r->once_repeat) && put_int(fd, r->file_expand) && put_int(fd, r->return_message);
}

static bool put_outcome(int fd, filter_result fr, const filter_ctx *fc) {
  int n = 0;
  for (const address_item *g = fc->generated; g; g = g->next) n++;
  if (!put_int(fd, fr) || !put_str(fd, fc->error) || !put_str(fd, fc->user_message) ||
      !put_int(fd, fc->seen) || !put_int(fd, fc->sieve_keep) || !put_int(fd, n))
    return false;
  for (const address_item *g = fc->generated; g; g = g->next)
    if (!put_str(fd, g->address) || !put_int(fd, g->flags) || !put_str(fd, g->errors_address) ||
        !put_int(fd, g->mode) || !put_reply(fd, g->reply))
      return false;
  return true;
}

/* ---- reading (parent) --------------------------------------------------- */

static bool get_int(int fd, int64_t *v) { return fd_read_all(fd, v, sizeof *v); }

/* The filter's strings keep the taint they had in the child. */
static bool get_str(int fd, const char **s) {
  int64_t n, tainted;
  if (!get_int(fd, &n) || n < -1 || n > MAX_STR) return false;
  if (n < 0) {
    *s = NULL;
    return true;
  }
  if (!get_int(fd, &tainted)) return false;
  char *b = store_get((size_t)n + 1, tainted != 0);
  if (!fd_read_all(fd, b, (size_t)n)) return false;
  b[n] = 0;
  *s = b;
  return true;
}

static bool get_reply(int fd, reply_item **out) {
  int64_t has;
  if (!get_int(fd, &has)) return false;
  *out = NULL;
  if (!has) return true;
  reply_item *r = store_zget(sizeof *r, false);
  const char **s[] = {&r->from, &r->reply_to, &r->to, &r->cc, &r->bcc, &r->subject, &r->headers,
                      &r->text, &r->file, &r->logfile, &r->oncelog};
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
    if (!get_str(fd, s[i])) return false;
  int64_t rep, fe, rm;
  if (!get_int(fd, &rep) || !get_int(fd, &fe) || !get_int(fd, &rm)) return false;
  r->once_repeat = (int)rep;
  r->file_expand = fe != 0;
  r->return_message = rm != 0;
  *out = r;
  return true;
}

static bool get_outcome(int fd, filter_result *fr, filter_ctx *fc, address_item *parent) {
  int64_t v, seen, keep, n;
  if (!get_int(fd, &v) || v < FF_DELIVERED || v > FF_INCLUDEFAIL) return false;
  *fr = (filter_result)v;
  if (!get_str(fd, &fc->error) || !get_str(fd, &fc->user_message) || !get_int(fd, &seen) ||
      !get_int(fd, &keep) || !get_int(fd, &n) || n < 0 || n > MAX_GENERATED)
    return false;
  fc->seen = seen != 0;
  fc->sieve_keep = keep != 0;
  address_item **tail = &fc->generated;
  for (int64_t i = 0; i < n; i++) {
    const char *addr, *errors_to;
    int64_t flags, mode;
    reply_item *reply;
    if (!get_str(fd, &addr) || !addr || !get_int(fd, &flags) || !get_str(fd, &errors_to) ||
        !get_int(fd, &mode) || !get_reply(fd, &reply))
      return false;
    address_item *g = addr_child(parent, addr);
    /* the kinds of item and the marks the filter gave it */
    g->flags |= (unsigned)flags & (af_pfr | af_file | af_directory | af_reply | af_ignore_error |
                                   af_expand_pipe);
    if (g->flags & af_pfr) g->cc_local_part = g->lc_local_part = g->local_part = g->address;
    if (errors_to) g->errors_address = errors_to;
    g->mode = (int)mode;
    g->reply = reply;
    *tail = g;
    tail = &g->next;
  }
  return true;
}

/* ---- the child ---------------------------------------------------------- */

/* Fork a child that becomes uid/gid and writes its answer with fn(fd,
 * arg); returns the read end of its pipe and *pid, or -1 with *error. */
static int spawn_as(uid_t uid, gid_t gid, bool (*fn)(int fd, void *arg), void *arg, pid_t *pid,
                    const char **error) {
  int fds[2];
  if (pipe(fds) != 0) {
    *error = str_sprintf("failed to create a pipe for the redirection child: %s", strerror(errno));
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  *pid = fork();
  if (*pid < 0) {
    *error = str_sprintf("failed to fork the redirection child: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (*pid == 0) {
    close(fds[0]);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0 || getuid() != uid)
      _exit(EXIT_FAILURE);
    bool ok = fn(fds[1], arg);
    fflush(stdout);
    fflush(stderr);
    _exit(ok ? EXIT_SUCCESS : EXIT_FAILURE);
  }
  close(fds[1]);
  return fds[0];
}

static bool reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool need_child(uid_t uid, gid_t gid) {
  return geteuid() == 0 && !(uid == geteuid() && gid == getegid());
}

typedef struct { const char *data; filter_ctx *fc; } filter_job;

static bool filter_in_child(int fd, void *arg) {
  filter_job *j = arg;
  filter_result fr = filter_interpret(j->data, j->fc);
  return put_outcome(fd, fr, j->fc);
}

filter_result redirect_filter_as_user(const char *data, filter_ctx *fc, uid_t uid, gid_t gid,
                                      const char **error) {
  if (!need_child(uid, gid)) return filter_interpret(data, fc);
  filter_job job = {data, fc};
  pid_t pid;
  int fd = spawn_as(uid, gid, filter_in_child, &job, &pid, error);
  if (fd < 0) return FF_ERROR;
  filter_result fr = FF_ERROR;
  filter_ctx got = *fc;
  got.generated = NULL;
  got.error = got.user_message = NULL;
  bool ok = get_outcome(fd, &fr, &got, fc->parent);
  close(fd);
  if (!reap(pid) || !ok) {
    *error = "the filter process (running as the router's user) failed";
    return FF_ERROR;
  }
  *fc = got;
  return fr;
}

/* ---- redirection lists with :include: ------------------------------------ */

typedef struct { const char *data; rd_list *l; } list_job;

static bool list_in_child(int fd, void *arg) {
  list_job *j = arg;
  j->l->defer_logging = true;
  int rc = rd_parse_list(j->data, j->l);
  if (!put_str(fd, j->l->log_lines ? g_str(j->l->log_lines) : NULL)) return false;
  int n = 0;
  for (const rd_item *it = j->l->items; it; it = it->next) n++;
  if (!put_int(fd, rc) || !put_int(fd, j->l->blackhole) || !put_str(fd, j->l->text) ||
      !put_int(fd, j->l->skipped) ||
      !put_str(fd, j->l->skipped_text ? g_str(j->l->skipped_text) : NULL) || !put_int(fd, n))
    return false;
  for (const rd_item *it = j->l->items; it; it = it->next)
    if (!put_int(fd, it->kind) || !put_str(fd, it->text) || !put_int(fd, it->backslash) ||
        !put_int(fd, it->qualified))
      return false;
  return true;
}

static bool get_list(int fd, int *rc, rd_list *l) {
  int64_t v, bh, skipped, n;
  const char *skipped_text, *logs;
  if (!get_str(fd, &logs)) return false;
  /* the child's "skipped error" lines, written here */
  for (const char *p = logs; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    log_write_msg(l->log_id, LOG_MAIN, "%.*s", (int)len, p);
    p += len + (nl != NULL);
  }
  if (!get_int(fd, &v) || !get_int(fd, &bh) || !get_str(fd, &l->text) || !get_int(fd, &skipped) ||
      !get_str(fd, &skipped_text) || !get_int(fd, &n) || n < 0 || n > MAX_GENERATED)
    return false;
  *rc = (int)v;
  l->blackhole = bh != 0;
  l->skipped = (int)skipped;
  l->skipped_text = skipped_text ? g_cat(NULL, skipped_text) : NULL;
  rd_item **tail = &l->items;
  for (int64_t i = 0; i < n; i++) {
    rd_item *it = store_zget(sizeof *it, false);
    int64_t kind, bs, q;
    if (!get_int(fd, &kind) || kind < RDI_ADDRESS || kind > RDI_FILE || !get_str(fd, &it->text) ||
        !it->text || !get_int(fd, &bs) || !get_int(fd, &q))
      return false;
    it->kind = (rd_item_kind)kind;
    it->backslash = bs != 0;
    it->qualified = q != 0;
    *tail = it;
    tail = &it->next;
  }
  return true;
}

int redirect_list_as_user(const char *data, rd_list *l, uid_t uid, gid_t gid, const char **error) {
  if (!need_child(uid, gid)) return rd_parse_list(data, l);
  list_job job = {data, l};
  pid_t pid;
  int fd = spawn_as(uid, gid, list_in_child, &job, &pid, error);
  if (fd < 0) return RDL_ERROR;
  int rc = RDL_ERROR;
  l->items = NULL;
  bool ok = get_list(fd, &rc, l);
  close(fd);
  if (!reap(pid) || !ok) {
    *error = "the redirection process (running as the router's user) failed";
    return RDL_ERROR;
  }
  return rc;
}
