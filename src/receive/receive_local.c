/* receive_local.c - non-SMTP reception: "exim [options] address...",
 * -t, -bm (spec 5 reception options, 48): the caller and sender (-f/-r with
 * the trusted-user and untrusted_set_sender rules, -F), recipients from
 * the arguments (qualified with qualify_recipient), the message from
 * standard input with Exim's line endings (CR, CRLF and LF all end a line)
 * and, unless -i/-oi, a line holding only "." ending it; then the
 * acl_not_smtp_start and acl_not_smtp ACLs, the header fix-ups, the spool
 * files and the "<=" line.
 *
 * Errors are reported on stderr with exit status 1 under -oep/-oeq, and
 * mailed to the sender with a copy of the message under -oem/-oee (the
 * default; bounce_moan): a malformed recipient, no recipients, too big,
 * an overlong header, acl_not_smtp's refusal.  Once on the spool, a
 * message is handed to deliver_after_reception() (-odi/-odb/-odq,
 * queue_only...).
 *
 * Entry point: receive_cmdline_main (receive.h).
 * Must never: accept a sender from an untrusted caller that
 * untrusted_set_sender does not allow, or leave spool files for a message
 * that was rejected or not completely read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acl/acl.h"
#include "base/address.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/bounce_moan.h"
#include "deliver/deliver_start.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "main/trust.h"
#include "receive/receive.h"
#include "receive/receive_int.h"
#include "smtp/smtp_in.h"

/* "exim: <text>" on stderr; the exit status of a refused message. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("exim: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_FAILURE;
}

/* Every address of the arguments (an argument may hold a comma list),
 * qualified (*given: each as it was written, for the log); NULL, or on a
 * bad one its error with *bad_arg set to the whole argument that held it
 * (as exim4 names it). */
static const char *collect_recipients(int argc, char **argv, int first, char ***list, char ***given,
                                      int *count, const char **bad_arg) {
  const char *qr = mainconf.qualify_recipient ? mainconf.qualify_recipient : mainconf.qualify_domain;
  int n = 0, size = 8;
  char **out = store_get(sizeof(char *) * (size_t)size, false);
  char **as_given = store_get(sizeof(char *) * (size_t)size, false);
  for (int i = first; i < argc; i++) {
    const char *s = argv[i];
    while (*s) {
      const char *e = address_find_end(s, false);
      char *item = str_copyn(s, (size_t)(e - s));
      s = *e ? e + 1 : e;
      const char *t = str_skip_space(item);
      if (!*t) continue;
      str_rtrim((char *)t);
      const char *err = NULL;
      int dom = 0;
      char *a = address_extract((char *)t, &err, NULL, NULL, &dom, false);
      if (!a) {
        *bad_arg = argv[i];
        return err;
      }
      const char *written = a;
      if (!dom) a = address_qualify(a, qr ? qr : "");
      if (n == size) {
        char **bigger = store_get(sizeof(char *) * (size_t)(size *= 2), false);
        char **bigger_given = store_get(sizeof(char *) * (size_t)size, false);
        memcpy(bigger, out, sizeof(char *) * (size_t)n);
        memcpy(bigger_given, as_given, sizeof(char *) * (size_t)n);
        out = bigger;
        as_given = bigger_given;
      }
      as_given[n] = (char *)written;
      out[n++] = a;
    }
  }
  *list = out;
  *given = as_given;
  *count = n;
  return NULL;
}

/* Standard input to the sink: CR, CRLF and LF end lines (stored as LF);
 * with dot_ends a line that is only "." ends the message.  With a limit,
 * exim4 stops reading once the message is over it: in the body at the
 * first byte beyond it, in the header section only when a header is
 * complete, at the first byte of a line that does not continue it (that
 * byte counted in read=).  False when reading is to stop. */
static bool feed(rcv_msg *r, const char *p, size_t n, long limit) {
  if (limit <= 0 || r->size + (long)n <= limit) {
    if (n) rcv_sink(r, p, n);
    return true;
  }
  for (size_t i = 0; i < n; i++) {
    if (r->in_body) {
      size_t k = n - i;
      if (r->size + (long)k > limit + 1) k = (size_t)(limit + 1 - r->size);
      if (k) rcv_sink(r, p + i, k);
      return r->size <= limit;
    }
    bool line_start = r->size > 0 && !r->line_open;
    rcv_sink(r, p + i, 1);
    if (line_start && p[i] != ' ' && p[i] != '\t' && r->size > limit) {
      rcv_drop_last_header(r);
      return false;
    }
  }
  return true;
}

static bool read_stdin(rcv_msg *r, bool dot_ends, long limit, int timeout) {
  /* read() in blocks of 4096, as exim4's stdio does: what it read beyond an
   * overlong header section is lost, and its -oem report copies what
   * standard input still holds after that block */
  char in[4096], out[4096 + 2];
  bool at_line_start = true, pending_cr = false, dot_pending = false;
  time_t deadline = timeout > 0 ? time(NULL) + timeout : 0;
  for (;;) {
    if (deadline) {
      /* receive_timeout (-or) is for the whole message */
      time_t left = deadline - time(NULL);
      struct pollfd pfd = {.fd = 0, .events = POLLIN};
      int pr = left > 0 ? poll(&pfd, 1, (int)(left * 1000)) : 0;
      if (pr < 0 && errno == EINTR) continue;
      if (pr == 0) return false;
    }
    ssize_t n = read(0, in, sizeof in);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size_t o = 0;
    for (ssize_t i = 0; i < n; i++) {
      char ch = in[i];
      if (pending_cr) {
        pending_cr = false;
        if (ch == '\n') continue;          /* CRLF: the LF was already stored */
      }
      if (ch == '\r') {
        pending_cr = true;
        ch = '\n';
      }
      if (dot_pending) {
        dot_pending = false;
        if (ch == '\n') {                  /* "." alone: the end */
          (void)feed(r, out, o, limit);
          return true;
        }
        out[o++] = '.';
      }
      if (at_line_start && dot_ends && ch == '.') {
        dot_pending = true;
        at_line_start = false;
        continue;
      }
      out[o++] = ch;
      at_line_start = ch == '\n';
    }
    if (!feed(r, out, o, limit)) return true;
    if (r->header_too_big || r->header_line_too_long) return true;
  }
  if (dot_pending) (void)feed(r, ".", 1, limit);
  return true;
}

/* After a receive timeout exim4 reads on, discarding, to the end of its
 * input before it logs and gives up; so do we. */
static void drain_stdin(void) {
  char buf[8192];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
  }
}

/* May this caller set the sender to s (spec 5, -f; untrusted_set_sender)? */
static bool sender_allowed(bool trusted, const char *s) {
  if (trusted) return true;
  const char *list = mainconf.untrusted_set_sender;
  if (!list || !*list) return false;
  const char *err = NULL;
  return match_address_list(*s ? s : "", list, true, NULL, &err) == MATCH_YES;
}

/* -oee/-oem/-oew, and by default (spec 5: -oem is the default): errors
 * in the message are mailed to its sender; -oep/-oeq write them out. */
static bool mails_errors(const cmdline_state *st) {
  return st->error_handling != ERRORS_STDERR;
}

/* Mail the sender what was wrong with the message (spec 5, -oee), with a
 * copy of it: the headers and the body as far as they were read, or for
 * an overlong header what was read of the header section followed by the
 * rest of standard input after read_stdin's last block; reason is
 * the kind's text (bounce_moan_msg).  Whether the report was accepted. */
/* No report can go to an empty sender: exim4 logs what it would have said. */
static void no_usable_sender(const char *id, const char *ref, const char *text) {
  const char *r = ref ? str_sprintf(" (R=%s)", ref) : "";
  if (id) log_write_msg(id, LOG_MAIN, "Error while reading message with no usable sender address%s: %s", r, text);
  else log_write(LOG_MAIN, "Error while reading message with no usable sender address%s: %s", r, text);
}

static const char *moan_log_text(const rcv_msg *r, bounce_moan_kind kind, const char *reason) {
  switch (kind) {
  case MOAN_NO_RECIPIENTS: return "no recipient addresses";
  case MOAN_BAD_ADDRESSES: return str_sprintf("at least one malformed recipient address: %s", r->first_bad);
  case MOAN_TOO_BIG: return str_sprintf("message too big (limit set to %ld)", rcv_size_limit());
  case MOAN_HEADER_TOO_BIG:
    return str_sprintf("excessively long message header section read (more than %zu characters)", r->header_maxsize);
  case MOAN_HEADER_LINE_TOO_BIG:
    return str_sprintf("excessively long message header line read (more than %zu characters)", r->header_line_maxsize);
  case MOAN_LOCAL_REJECT:
    return str_sprintf("rejected by non-SMTP ACL: %s", reason ? reason : "local configuration problem");
  default: return reason ? reason : "";
  }
}

static bool moan_sender(rcv_msg *r, bounce_moan_kind kind, const char *reason) {
  bool header_kind = kind == MOAN_HEADER_TOO_BIG || kind == MOAN_HEADER_LINE_TOO_BIG;
  if (!r->m.sender || !*r->m.sender) {
    no_usable_sender(header_kind ? NULL : r->m.id, r->bounce_ref, moan_log_text(r, kind, reason));
    return false;
  }
  gstring *h = g_new(1024, false);
  const char *mid = NULL;
  for (spool_header *x = header_kind ? NULL : r->m.headers; x; x = x->next) {
    if (x->type == '*') continue;
    h = g_cat(h, x->text);
    if (!mid && str_ncmpic(x->text, "message-id:", 11) == 0) {
      char *v = str_copy(str_skip_space(x->text + 11));
      mid = str_rtrim(v);
    }
  }
  /* the -D file being written is open write-only: read it by name */
  int fd = !header_kind && r->spool_open && r->spool.data_tmp ? open(r->spool.data_tmp, O_RDONLY | O_CLOEXEC)
                                                              : -1;
  /* exim4 has no message id yet when a header is too long: the report
   * names none (-E without an id) */
  bounce_moan_msg m = {.id = header_kind ? NULL : r->m.id, .message_id = mid,
                       .headers = header_kind ? r->header_read : g_str(h),
                       .body_fd = header_kind ? 0 : fd, .body_is_stream = header_kind,
                       .body_offset = (off_t)strlen(r->m.id) + 3, .reason = reason,
                       .size_limit = rcv_size_limit()};
  bool sent = bounce_moan(kind, r->m.sender, &m, r->bad_addresses ? g_str(r->bad_addresses) : NULL,
                          r->bad_address_count, r->m.recipients_count > 0);
  if (fd >= 0) close(fd);
  return sent;
}

/* The exit status after a mailed error: -oee gives 0 when the report went
 * (else 2 for no recipients, 1 otherwise); -oem always fails. */
static int moan_status(const cmdline_state *st, bool sent, bool no_recipients) {
  if (!sent) return no_recipients ? 2 : EXIT_FAILURE;
  return st->error_handling == ERRORS_MAIL ? EXIT_SUCCESS : EXIT_FAILURE;
}

int receive_cmdline_main(cmdline_state *st, int argc, char **argv) {
  caller me;
  caller_identify(&me);
  uid_t exim_uid = 0;
  gid_t exim_gid = 0;
  bool exim_known = main_config_exim_ids(&exim_uid, &exim_gid) == NULL;
  bool trusted = caller_is_trusted(&me, exim_known, exim_uid, mainconf.trusted_users,
                                   mainconf.trusted_groups);
  const char *qd = mainconf.qualify_domain ? mainconf.qualify_domain : "";

  static smtp_conn c;
  conn_init(&c, 0, 1, 0);
  c.local = true;
  c.login = me.login;
  c.ident = trusted && st->ident ? st->ident : me.login;
  c.received_protocol = "local";
  c.dont_deliver = st->dont_deliver;
  /* -MCG <name>: a report generated by a delivery from a named queue */
  if (st->internal_option && st->queue_name && *st->queue_name) c.env.queue_name = str_copy(st->queue_name);
  if (trusted) {
    /* -oMa/-oMs/-oMi/-oMt/-oMr...: with a host address the message is no
     * longer "locally generated" (no added Message-Id:/From:/Date:), its
     * Received: and "<=" name the host, as exim4 does; -oMr is kept
     * tainted ("--received_protocol") as exim4 keeps it */
    smtp_apply_oM(&c, st, true);
    if (st->received_protocol) c.received_protocol = str_copy_taint(st->received_protocol, true);
  }
  conn_current = &c;

  static rcv_msg r;
  const char *err = NULL;

  /* The sender: login@qualify_domain unless -f is allowed. */
  const char *sender = str_sprintf("%s@%s", me.login, qd);
  bool explicit_sender = false, set_untrusted = false;
  if (st->sender_address && sender_allowed(trusted, st->sender_address)) {
    const char *s = st->sender_address;
    if (*s) {
      const char *e = NULL;
      int dom = 0;
      char *a = address_extract(s, &e, NULL, NULL, &dom, true);
      if (!a) return fail("bad -f address \"%s\": %s", s, e);
      s = dom || !*a ? a : address_qualify(a, qd);
    }
    sender = s;
    explicit_sender = true;
    set_untrusted = !trusted;
  }

  /* Recipients are checked before anything is read; a malformed one is
   * mailed back with what standard input holds (-oem/-oee). */
  char **rcpts = NULL, **rcpts_given = NULL;
  int nrcpts = 0;
  const char *bad_arg = NULL;
  err = collect_recipients(argc, argv, st->recipients_arg, &rcpts, &rcpts_given, &nrcpts, &bad_arg);
  if (err) {
    if (mails_errors(st)) {
      if (!*sender) {
        no_usable_sender(NULL, st->error_message_id,
                         str_sprintf("at least one malformed recipient address: %s - %s", bad_arg, err));
        return EXIT_FAILURE;
      }
      bounce_moan_msg bm = {.body_fd = 0, .body_is_stream = true,
                            .reason = str_sprintf("%s  %s", bad_arg, err)};
      return moan_status(st, bounce_moan(MOAN_BAD_ARGUMENT, sender, &bm, NULL, 0, false), false);
    }
    return fail("bad recipient address \"%s\": %s", bad_arg, err);
  }
  c.env.sender = sender;
  c.env.mail_seen = true;
  c.env.suppress_local_fixups = st->suppress_local_fixups;
  if (!explicit_sender) {
    c.authenticated_id = trusted && st->authenticated_id ? str_copy_taint(st->authenticated_id, true) : me.login;
    c.env.auth_sender = trusted && st->authenticated_sender ? str_copy_taint(st->authenticated_sender, true) : sender;
  }
  conn_publish(&c);
  expand_var_set("sender_address", sender);
  expand_var_set("received_protocol", c.received_protocol);

  /* acl_not_smtp_start: its result is ignored (spec 44), controls count. */
  if (mainconf.acl_not_smtp_start) {
    const char *u = NULL, *l = NULL;
    (void)acl_check(ACL_WHERE_NOTSMTP_START, NULL, mainconf.acl_not_smtp_start, &u, &l);
  }

  if (!rcv_begin(&r, &c, false)) {
    log_write(LOG_MAIN | LOG_PANIC, "%s", r.spool_error);
    return fail("%s", r.spool_error);
  }
  spool_msg *m = &r.m;
  m->originator_login = (char *)me.login;
  m->originator_uid = me.uid;
  m->originator_gid = me.gid;
  m->sender = (char *)sender;
  m->local = !explicit_sender;
  m->sender_set_untrusted = set_untrusted;
  m->allow_unqualified_recipient = true;
  m->allow_unqualified_sender = true;
  if (!explicit_sender) {
    m->auth_id = (char *)c.authenticated_id;
    m->auth_sender = (char *)c.env.auth_sender;
  }
  r.local = !c.host_address;
  r.non_smtp = true;
  r.check_uucp_from = true;
  r.no_qualify = st->no_qualify;
  r.trusted = trusted;
  r.suppress_fixups = c.env.suppress_local_fixups;
  r.extract = st->extract_recipients;
  r.bounce_ref = st->error_message_id;
  r.sender_explicit = explicit_sender;
  r.login = me.login;
  r.fullname = st->sender_fullname ? st->sender_fullname : rcv_gecos_name(me.uid);
  r.fullname_given = st->sender_fullname != NULL;
  r.local_error = m->localerror = st->local_error_message;
  if (!r.extract)
    for (int i = 0; i < nrcpts; i++) rcv_add_recipient(&r, rcpts[i], rcpts_given[i]);

  long limit = rcv_size_limit();
  int timeout = st->receive_timeout >= 0 ? st->receive_timeout : mainconf.receive_timeout;
  if (!read_stdin(&r, st->dot_ends, limit, timeout)) {
    drain_stdin();
    log_write_msg(m->id, LOG_MAIN, "timed out while reading local message");
    rcv_abandon(&r);
    return fail("timed out while reading - message abandoned");
  }
  rcv_end_input(&r);
  if (r.spool_failed) {
    log_write_msg(m->id, LOG_MAIN, "%s", r.spool_error);
    rcv_abandon(&r);
    return fail("%s", r.spool_error);
  }
  /* A UUCP "From " line sets the sender for a trusted caller without -f
   * (uucp_from_sender, default $1). */
  if (r.uucp_from_line && trusted && !st->sender_address && mainconf.uucp_from_sender) {
    const char *x = expand_cstring(mainconf.uucp_from_sender);
    const char *e = NULL;
    int dom = 0;
    char *a = x ? address_extract(x, &e, NULL, NULL, &dom, true) : NULL;
    if (a) {
      sender = dom || !*a ? a : address_qualify(a, qd);
      c.env.sender = m->sender = (char *)sender;
      r.sender_explicit = true;
      m->local = false;
      m->auth_sender = NULL;
      expand_var_set("sender_address", sender);
    }
  }
  if (r.header_too_big || r.header_line_too_long) {
    size_t max = r.header_too_big ? r.header_maxsize : r.header_line_maxsize;
    const char *what = r.header_too_big ? "header" : "header line";
    log_write(LOG_MAIN, "%s message %s received from %s (more than %zu characters): message abandoned",
              r.header_too_big ? "ridiculously long" : "overlong", what, me.login, max);
    if (mails_errors(st)) {
      bool sent = moan_sender(&r, r.header_too_big ? MOAN_HEADER_TOO_BIG : MOAN_HEADER_LINE_TOO_BIG, NULL);
      rcv_abandon(&r);
      return moan_status(st, sent, false);
    }
    rcv_abandon(&r);
    return fail("message %s longer than %zu characters received: message not accepted", what, max);
  }
  /* over message_size_limit: refused as too big before any recipient
   * trouble (exim4 stopped reading; -t may have lost its To: with it) */
  bool too_big = limit > 0 && r.size > limit;
  if (!rcv_fixups(&r, st->extract_recipients ? rcpts : NULL, st->extract_recipients ? nrcpts : 0,
                  &err) && !too_big) {
    log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "%s %s", m->id, err);   /* Exim names the id twice */
    if (mails_errors(st) && m->recipients_count == 0) {
      bool sent = moan_sender(&r, MOAN_NO_RECIPIENTS, NULL);
      rcv_abandon(&r);
      return moan_status(st, sent, true);
    }
    rcv_abandon(&r);
    return fail("no recipients in message");
  }
  if (r.bad_addresses && !too_big) {
    /* -t met malformed addresses: fatal with -oep/-oeq; otherwise exim4
     * mails the error and goes on with the good ones (we cannot mail yet) */
    log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "%s bad addresses found in headers", m->id);
    if (mails_errors(st)) {
      bool sent = moan_sender(&r, MOAN_BAD_ADDRESSES, NULL);
      if (m->recipients_count == 0) {
        rcv_abandon(&r);
        return moan_status(st, sent, false);
      }
    } else if (st->error_handling == ERRORS_STDERR || m->recipients_count == 0) {
      rcv_abandon(&r);
      if (r.bad_address_count == 1) return fail("invalid address:%s", g_str(r.bad_addresses));
      return fail("invalid addresses:\n%s", g_str(r.bad_addresses));
    }
  }
  if (too_big) {
    log_write_reject(m->id, rcv_reject_log_text(&r, sender), "rejected from <%s> U=%s: message too big: read=%ld max=%ld",
                     sender, me.login, r.size, limit);
    if (mails_errors(st)) {
      bool sent = moan_sender(&r, MOAN_TOO_BIG, NULL);
      rcv_abandon(&r);
      return moan_status(st, sent, false);
    }
    rcv_abandon(&r);
    return fail("message rejected: message too big (max=%ld)", limit);
  }
  if (!rcv_add_received(&r, &err)) {
    log_write(LOG_MAIN | LOG_PANIC, "%s", err);
    rcv_abandon(&r);
    return fail("%s", err);
  }

  rcv_publish(&r);
  if (mainconf.acl_not_smtp) {
    const char *u = NULL, *l = NULL;
    int rc = acl_check(ACL_WHERE_NOTSMTP, NULL, mainconf.acl_not_smtp, &u, &l);
    if (rc != ACL_OK) {
      if (rc == ACL_DISCARD) {
        /* Exim logs the arrival and a blackhole delivery; the exit status is 1 */
        rcv_discard(&r, "non-SMTP", l);
        return EXIT_FAILURE;
      }
      /* as exim4, defer is a rejection here too; a missing log text is
       * written "NULL", a missing message "local configuration problem" */
      const char *text = l ? l : u ? u : "NULL";
      log_write_reject(m->id, rcv_reject_log_text(&r, sender), "F=<%s> rejected by non-SMTP ACL: %s", sender,
                       text);
      if (mails_errors(st)) {
        bool sent = moan_sender(&r, MOAN_LOCAL_REJECT, u);
        rcv_abandon(&r);
        return moan_status(st, sent, false);
      }
      rcv_abandon(&r);
      return fail("message rejected by non-SMTP ACL: %s", u ? u : "local configuration problem");
    }
  }
  rcv_apply_acl_headers(&r);
  if (c.env.freeze) m->frozen = true;

  if (!rcv_commit(&r)) {
    log_write_msg(m->id, LOG_MAIN, "%s", r.spool_error ? r.spool_error : "spool write failed");
    return fail("%s", r.spool_error ? r.spool_error : "spool write failed");
  }
  deliver_config_arg = st->config_file;
  deliver_reception_mode = st->delivery_mode;
  deliver_after_reception(m->id, st->delivery_mode, c.env.queue_only);
  return EXIT_SUCCESS;
}
