/* redirect_child.c - running a user's filter under the router's uid and
 * gid (spec 22.10 allow_filter: "The filter is run using the uid and gid
 * set by the generic user and group options"): when the process has more
 * privilege than that, the filter runs in a child process that gives it
 * up first, and its outcome (result, texts, generated addresses with their
 * reply data) comes back through a pipe.
 *
 * Entry point: redirect_filter_as_user() (redirect.h).
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

#include "../base/store.h"
#include "../base/str.h"
#include "redirect.h"
#include "route.h"

#define MAX_STR (4 * 1024 * 1024)
#define MAX_GENERATED 10000

/* ---- writing (child) ---------------------------------------------------- */

static bool put(int fd, const void *p, size_t n) {
  const char *s = p;
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    s += w;
    n -= (size_t)w;
  }
  return true;
}

static bool put_int(int fd, int64_t v) { return put(fd, &v, sizeof v); }

static bool put_str(int fd, const char *s) {
  if (!s) return put_int(fd, -1);
  size_t n = strlen(s);
  return put_int(fd, (int64_t)n) && put(fd, s, n);
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

static bool get(int fd, void *p, size_t n) {
  char *s = p;
  while (n) {
    ssize_t r = read(fd, s, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    s += r;
    n -= (size_t)r;
  }
  return true;
}

static bool get_int(int fd, int64_t *v) { return get(fd, v, sizeof *v); }

/* The filter's strings keep the taint of what it read: treat them as
 * tainted. */
static bool get_str(int fd, const char **s) {
  int64_t n;
  if (!get_int(fd, &n) || n < -1 || n > MAX_STR) return false;
  if (n < 0) {
    *s = NULL;
    return true;
  }
  char *b = store_get((size_t)n + 1, true);
  if (!get(fd, b, (size_t)n)) return false;
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

filter_result redirect_filter_as_user(const char *data, filter_ctx *fc, uid_t uid, gid_t gid,
                                      const char **error) {
  if (geteuid() != 0 || (uid == geteuid() && gid == getegid()))
    return filter_interpret(data, fc);
  int fds[2];
  if (pipe(fds) != 0) {
    *error = str_sprintf("failed to create a pipe for the filter: %s", strerror(errno));
    return FF_ERROR;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    *error = str_sprintf("failed to fork the filter process: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return FF_ERROR;
  }
  if (pid == 0) {
    close(fds[0]);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0 || getuid() != uid)
      _exit(EXIT_FAILURE);
    filter_result fr = filter_interpret(data, fc);
    fflush(stdout);
    fflush(stderr);
    _exit(put_outcome(fds[1], fr, fc) ? EXIT_SUCCESS : EXIT_FAILURE);
  }
  close(fds[1]);
  filter_result fr = FF_ERROR;
  filter_ctx got = *fc;
  got.generated = NULL;
  got.error = got.user_message = NULL;
  bool ok = get_outcome(fds[0], &fr, &got, fc->parent);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = "the filter process (running as the router's user) failed";
    return FF_ERROR;
  }
  *fc = got;
  return fr;
}
