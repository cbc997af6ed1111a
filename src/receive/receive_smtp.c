/* receive_smtp.c - reception after DATA or BDAT: the message read through
 * the SMTP layer's body function into the -D file, size and header limits
 * (message_size_limit, header_maxsize, header_line_maxsize) with Exim's
 * replies and log lines, the chapter 48 fix-ups (local -bs input and
 * submission mode), Received:, acl_smtp_data, and the reply: "250 OK
 * id=..." once the spool files are durable, 451/452 when they could not be
 * written.  Under -bh nothing is written but the ACL runs and the "<=" line
 * is shown as Exim shows it.
 *
 * Entry point: receive_smtp_message (receive.h).
 * Must never: reply 250 before rcv_commit() succeeded, or leave files for a
 * message that was refused or lost.
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "main/trust.h"
#include "receive/prdr.h"
#include "receive/receive.h"
#include "receive/receive_int.h"
#include "smtp/smtp_in.h"
#include "smtp/smtp_in_int.h"

/* $sender_fullhost, or the caller's login for local input (local_only:
 * the login for -bs whatever -oMa says, as Exim's lost-connection line). */
static const char *peer_text(const smtp_conn *c, bool local_only) {
  if ((local_only && c->local) || !c->host_address) return c->login ? c->login : "";
  const expand_var *v = expand_var_find("sender_fullhost", 15);
  const char *s = v ? expand_var_value(v) : NULL;
  return s ? s : str_sprintf("[%s]", c->host_address);
}

static void reply(receive_result *res, const char *fmt, const char *arg) {
  res->reply = g_fmt(res->reply, fmt, arg);
  res->reply = g_cat(res->reply, "\r\n");
}

/* The envelope and the caller into m. */
static void setup_envelope(rcv_msg *r, smtp_conn *c) {
  spool_msg *m = &r->m;
  uid_t uid = getuid();
  struct passwd *pw = getpwuid(uid);
  m->originator_login = (char *)(c->login ? c->login : pw ? str_copy(pw->pw_name) : str_sprintf("%ld", (long)uid));
  m->originator_uid = uid;
  m->originator_gid = getgid();
  m->sender = (char *)(c->env.sender ? c->env.sender : "");
  for (int i = 0; i < c->env.recipients_count; i++) {
    rcv_add_recipient(r, c->env.recipients[i].address, NULL);
    spool_recipient *d = &m->recipients[m->recipients_count - 1];
    const spool_recipient *s = &c->env.recipients[i];
    d->orcpt = s->orcpt;
    d->dsn_flags = s->dsn_flags;
    d->errors_to = s->errors_to;
    d->pno = s->pno;
  }
  r->local = !c->host_address;
  m->allow_unqualified_recipient = r->local || c->unqualified_recipient_ok;
  m->allow_unqualified_sender = r->local || c->unqualified_sender_ok;
  r->submission = c->env.submission_mode;
  r->suppress_fixups = c->env.suppress_local_fixups;
  r->sender_explicit = true;
  r->login = c->login;
  if (r->local) {
    caller me;
    caller_identify(&me);
    uid_t eu = 0;
    gid_t eg = 0;
    bool known = main_config_exim_ids(&eu, &eg) == NULL;
    r->trusted = caller_is_trusted(&me, known, eu, mainconf.trusted_users, mainconf.trusted_groups);
    if (!r->login) r->login = me.login;
    r->fullname = rcv_gecos_name(me.uid);
  }
  if (c->authenticated_id) m->auth_id = (char *)c->authenticated_id;
  if (c->env.auth_sender) m->auth_sender = (char *)c->env.auth_sender;
}

void receive_smtp_message(smtp_conn *c, receive_body_fn body, void *body_ctx, receive_result *res) {
  static rcv_msg r;
  memset(res, 0, sizeof *res);
  bool no_files = c->host_checking;
  bool opened = rcv_begin(&r, c, no_files);
  setup_envelope(&r, c);
  memcpy(res->id, r.m.id, sizeof res->id);

  long limit = rcv_size_limit();
  smtp_in_body b;
  smtp_in_body_init(&b, rcv_sink, &r, limit > 0 ? (size_t)limit : 0);
  smtp_in_result got = body(body_ctx, &b);

  if (got == SMTP_IN_EOF || got == SMTP_IN_TIMEOUT || got == SMTP_IN_ERROR) {
    rcv_abandon(&r);
    res->lost_connection = true;
    res->drop = true;
    if (got == SMTP_IN_TIMEOUT) {
      log_write(LOG_MAIN, "SMTP data timeout (message abandoned) on connection from %s F=<%s>",
                peer_text(c, true), c->env.sender ? c->env.sender : "");
      reply(res, "421 %s SMTP incoming data timeout - closing connection.",
            mainconf.primary_hostname ? mainconf.primary_hostname : "");
    } else {
      /* exim4: "(after header)" when the input ended at the start of a
       * line behind complete header lines, "(header)" inside one */
      log_write(LOG_MAIN, "SMTP connection from %s lost while reading message data%s", peer_text(c, true),
                r.in_body ? "" : r.hdr->len && !r.line->len ? " (after header)" : " (header)");
      reply(res, "421 Lost incoming connection%s", "");
    }
    return;
  }
  rcv_end_input(&r);

  if (b.too_big) {
    log_write_reject(r.m.id, rcv_reject_log_text(&r, c->env.sender), "rejected from <%s> %s: message too big: read=%zu max=%ld",
                     c->env.sender ? c->env.sender : "", g_str(conn_host_text(NULL, c)), b.size, limit);
    rcv_abandon(&r);
    reply(res, "552 Message size exceeds maximum permitted%s", "");
    return;
  }
  if (r.header_too_big || r.header_line_too_long) {
    size_t max = r.header_too_big ? r.header_maxsize : r.header_line_maxsize;
    log_write(LOG_MAIN, "%s message header%s received from %s (more than %zu characters): message abandoned",
              r.header_too_big ? "ridiculously long" : "overlong", r.header_too_big ? "" : " line",
              peer_text(c, false), max);
    rcv_abandon(&r);
    reply(res, "552 %s", r.header_too_big ? "Message header is ridiculously long"
                                         : "A message header line is too long");
    return;
  }
  if (!opened || r.spool_failed || got == SMTP_IN_SINKERR) {
    int code = spool_failure_code(r.spool_errno);
    log_write_msg(r.m.id, LOG_MAIN, "%s", r.spool_error ? r.spool_error : "spool write failed");
    rcv_abandon(&r);
    res->reply = g_fmt(res->reply, "%d Error while writing spool file\r\n", code);
    return;
  }

  const char *err = NULL;
  rcv_fixups(&r, NULL, 0, &err);
  if (!rcv_add_received(&r, &err)) {
    log_write(LOG_MAIN | LOG_PANIC, "%s", err);
    rcv_abandon(&r);
    reply(res, "451 Temporary local problem - please try later%s", "");
    return;
  }
  /* PRDR (spec 44.9): per-recipient decisions before the DATA ACL */
  gstring *prdr_reply = NULL;
  if (c->env.prdr_requested && r.m.recipients_count > 1 && prdr_ops_hooks &&
      mainconf.acl_smtp_data_prdr) {
    rcv_publish(&r);
    bool all_rejected = false;
    r.prdr_used = true;
    int kept = prdr_ops_hooks->data_phase(&r, &prdr_reply, &all_rejected);
    res->reply = prdr_reply;   /* later lines follow the per-recipient ones */
    if (kept == 0) {
      /* nobody accepted: exim4 answers 550 when all were refused, but
       * "250 ... accepted for some recipients" when one was deferred; it
       * logs no arrival and leaves the -D file behind in both cases */
      rcv_leave_data(&r);
      if (all_rejected)
        res->reply = g_fmt(res->reply, "550 id=%s message rejected for all recipients\r\n", r.m.id);
      else
        res->reply = g_fmt(res->reply, "250 id=%s message accepted for some recipients\r\n", r.m.id);
      return;
    }
  }
  rcv_publish(&r);

  if (r.m.recipients_count == 0 && c->env.discarded_by) {
    /* every recipient was discarded before DATA: no DATA ACL, the message
     * is logged as arriving and going to the blackhole (exim4) */
    rcv_discard(&r, c->env.discarded_by, NULL);
    reply(res, "250 OK id=%s", r.m.id);
    return;
  }
  if (mainconf.acl_smtp_data) {
    const char *u = NULL, *l = NULL;
    /* -bh: exim4 shows the message id on the ACL's lines from here on */
    if (c->host_checking) log_host_checking_id(r.m.id);
    int rc = acl_check(ACL_WHERE_DATA, NULL, mainconf.acl_smtp_data, &u, &l);
    if (rc == ACL_DISCARD) {
      rcv_discard(&r, "DATA", l);
      reply(res, "250 OK id=%s", r.m.id);
      return;
    }
    if (rc != ACL_OK) {
      c->env.log_id = str_copy(r.m.id);
      c->env.log_reject_headers = rcv_reject_log_text(&r, c->env.sender);
      rcv_abandon(&r);
      smtp_acl_reply(c, ACL_WHERE_DATA, rc, NULL, u, l, &res->reply, &res->drop);
      c->env.log_id = c->env.log_reject_headers = NULL;
      return;
    }
  }
  rcv_apply_acl_headers(&r);
  r.fake_reject = c->env.fake_response && c->env.fake_response_code == ACL_FAIL;

  if (!rcv_commit(&r)) {
    int code = spool_failure_code(r.spool_errno);
    log_write_msg(r.m.id, LOG_MAIN, "%s", r.spool_error ? r.spool_error : "spool write failed");
    rcv_abandon(&r);
    res->reply = g_fmt(res->reply, "%d Error while writing spool file\r\n", code);
    return;
  }
  if (no_files) rcv_log_arrival(&r);
  rcv_forget(&r);
  res->accepted = true;
  if (c->env.fake_response && c->env.fake_response_code != ACL_OK) {
    /* control = fakereject / fakedefer: kept, but the client is told no */
    int code = c->env.fake_response_code == ACL_DEFER ? 450 : 550;
    const char *text = c->env.fake_response_text;
    if (!text || !*text)
      text = "Your message has been rejected but is being kept for evaluation.\n"
             "If it was a legitimate message, it may still be delivered to the target\n"
             "recipient(s).";
    for (;;) {
      const char *nl = strchr(text, '\n');
      size_t n = nl ? (size_t)(nl - text) : strlen(text);
      res->reply = g_fmt(res->reply, "%d%c%.*s\r\n", code, nl ? '-' : ' ', (int)n, text);
      if (!nl) break;
      text = nl + 1;
    }
    return;
  }
  if (r.prdr_used) {
    res->reply = g_fmt(res->reply, "250 id=%s message accepted%s\r\n", r.m.id,
                       r.m.recipients_count < c->env.recipients_count ? " for some recipients" : "");
    return;
  }
  reply(res, "250 OK id=%s", r.m.id);
}
