/* smtp_in.c - the SMTP server session: greeting, the command loop with
 * its limits (unknown commands, syntax/protocol errors, non-mail
 * commands), PIPELINING synchronisation, QUIT, EOF and timeouts, and the
 * log lines Exim writes for them.  The commands themselves are handled in
 * the other smtp_in_*.c files (see smtp_in_int.h).
 *
 * Entry points: smtp_session_run(), and the shared helpers of
 * smtp_in_int.h (smtp_reply, smtp_synprot_error, smtp_drop, ...).
 *
 * Must never: answer a command before the earlier pipelined ones, flush
 * output while pipelined input is waiting, or go on reading after a drop.
 */
#include "smtp/smtp_in.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "auth/auth_server.h"
#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "main/version.h"
#include "smtp/proxy.h"
#include "smtp/smtp_in_int.h"
#include "smtp/xclient.h"
#include "tls/tls.h"

/* ------------------------------------------------------------------ */
/* Replies                                                              */

void smtp_reply_raw(smtp_session *s, const char *text, size_t len) { conn_write(s->c, text, len); }

/* Queue text as reply lines with code: newlines split lines. */
static void reply_lines(smtp_conn *c, int code, const char *text) {
  const char *p = text;
  for (;;) {
    const char *nl = strchr(p, '\n');
    if (!nl) {
      conn_printf(c, "%d %s\r\n", code, p);
      break;
    }
    size_t n = (size_t)(nl - p);
    if (n && p[n - 1] == '\r') n--;
    if (!nl[1]) {
      conn_printf(c, "%d %.*s\r\n", code, (int)n, p);
      break;
    }
    conn_printf(c, "%d-%.*s\r\n", code, (int)n, p);
    p = nl + 1;
  }
}

void smtp_reply(smtp_session *s, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(NULL, fmt, ap);
  va_end(ap);
  reply_lines(s->c, code, g_str(g));
}

const char *smtp_host_text(const smtp_conn *c) { return g_str(conn_host_text(g_new(64, false), c)); }

const char *smtp_call_from(const smtp_conn *c) {
  /* local input: the ident (-oMt of a trusted caller, else the login; exim4) */
  if (c->local || !c->host_address) return c->ident ? c->ident : c->login ? c->login : "local process";
  /* exim4 names the host without the ident here */
  smtp_conn anon = *c;
  anon.ident = NULL;
  const char *h = smtp_host_text(&anon);
  if (h[0] == 'H' && h[1] == '=') h += 2;
  return c->inetd ? str_sprintf("%s (via inetd)", h) : h;
}

const char *smtp_host_and_ident(const smtp_conn *c) {
  if (!c->host_address) return smtp_call_from(c);
  const char *h = smtp_host_text(c);
  return h[0] == 'H' && h[1] == '=' ? h + 2 : h;
}

const char *smtp_history(const smtp_session *s) {
  gstring *g = g_new(64, false);
  g = g_cat(g, "C=");
  if (s->history_overflow) g = g_cat(g, "...");
  for (int i = 0; i < s->history_count; i++) g = g_fmt(g, "%s%s", i ? "," : "", s->history[i]);
  return g_str(g);
}

/* exim4 leaves a command refused for its arguments (RSET x, DATA x,
 * QUIT x) out of the C= history. */
void smtp_history_forget(smtp_session *s) {
  if (s->history_count > 0) s->history_count--;
}

void smtp_unexpected_args(smtp_session *s) {
  smtp_history_forget(s);
  smtp_synprot_error(s, 501, "unexpected argument data", "unexpected argument data");
}

static void history_add(smtp_session *s, const char *name) {
  int max = (int)(sizeof s->history / sizeof s->history[0]);
  if (s->history_count == max) {
    memmove(s->history, s->history + 1, sizeof s->history[0] * (size_t)(max - 1));
    s->history_count--;
    s->history_overflow = true;
  }
  s->history[s->history_count++] = name;
}

/* Exim's elapsed-time form: 1w2d3h4m5s, "0s" for nothing. */
/* D=: the connection's age (conn_elapsed_text). */
static const char *duration(const smtp_conn *c) {
  struct timeval now;
  gettimeofday(&now, NULL);
  return conn_elapsed_text((long)(now.tv_sec - c->start) * 1000000L + ((long)now.tv_usec - c->start_usec));
}

const char *smtp_hostname(const smtp_conn *c) {
  return c->active_hostname ? c->active_hostname : mainconf.primary_hostname;
}

void smtp_drop(smtp_session *s, const char *reply) {
  if (reply) reply_lines(s->c, 421, reply);
  s->done = true;
}

static void synprot_v(smtp_session *s, int kind, int code, const char *log_text, const char *fmt, va_list ap) {
  smtp_conn *c = s->c;
  const char *text = fmt ? g_str(g_vfmt(NULL, fmt, ap)) : NULL;
  if (log_text && !c->batched) {   /* a batch's errors go to stderr / the sender only (exim4) */
    /* 503 (sequence) and 504 (AUTH mechanism not supported) are protocol errors in exim4 */
    bool syntax = kind == SMTP_SYNTAX || (kind == SMTP_SYNPROT_BY_CODE && code >= 500 && code != 503 && code != 504);
    if (syntax ? LOGGING(smtp_syntax_error) : LOGGING(smtp_protocol_error))
      log_write(LOG_MAIN, "SMTP %s error in \"%s\" %s %s", syntax ? "syntax" : "protocol",
                str_printing(c->last_command ? c->last_command : ""), smtp_host_text(c), log_text);
  }
  c->synprot_errors++;
  bool over = mainconf.smtp_max_synprot_errors > 0 && c->synprot_errors > mainconf.smtp_max_synprot_errors;
  if (over)
    log_write(LOG_MAIN | LOG_REJECT, "SMTP call from %s dropped: too many syntax or protocol errors (last command was \"%s\",  %s)",
              smtp_host_and_ident(c), str_printing(c->last_command ? c->last_command : ""), smtp_history(s));
  /* Over the limit the reply goes on with a last line saying so. */
  if (text) reply_lines(c, code, over ? str_sprintf("%s\nToo many syntax or protocol errors", text) : text);
  if (over) {
    s->done = true;
    s->exit_code = 1;
    s->notquit_done = true;   /* exim4 runs no notquit ACL for this drop */
  }
}

void smtp_synprot_error(smtp_session *s, int code, const char *log_text, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  synprot_v(s, SMTP_SYNPROT_BY_CODE, code, log_text, fmt, ap);
  va_end(ap);
}

void smtp_synprot_error_kind(smtp_session *s, int kind, int code, const char *log_text, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  synprot_v(s, kind, code, log_text, fmt, ap);
  va_end(ap);
}

bool smtp_host_in(const smtp_conn *c, const char *list, const char *option_name) {
  if (!c->host_address) {
    /* Local input: only an empty-address match ("" items) or "*" applies. */
    const char *err = NULL;
    return list && match_host_list(NULL, "", list, &err) == MATCH_YES;
  }
  bool yes = false;
  if (list) {
    const char *err = NULL;
    match_rc rc = match_host_list(c->host_name, c->host_address, list, &err);
    if (rc == MATCH_DEFER && err) log_write(LOG_MAIN, "%s", err);
    yes = rc == MATCH_YES;
  }
  if (option_name) smtp_list_trace(c, "host", option_name, MATCH_LIST_HOST, c->host_address, list, yes);
  return yes;
}

void smtp_host_options(smtp_conn *c) {
  /* Local input without a host (-oMa makes it a remote host's, as exim4)
     may use unqualified addresses; a host only when listed. */
  bool local = c->local && !c->host_address;
  c->unqualified_sender_ok =
      local || smtp_host_in(c, mainconf.sender_unqualified_hosts, "sender_unqualified_hosts");
  c->unqualified_recipient_ok =
      local || smtp_host_in(c, mainconf.recipient_unqualified_hosts, "recipient_unqualified_hosts");
  c->helo_verify_required = smtp_host_in(c, mainconf.helo_verify_hosts, "helo_verify_hosts");
  c->helo_verify_try = smtp_host_in(c, mainconf.helo_try_verify_hosts, "helo_try_verify_hosts");
  c->helo_junk_ok = smtp_host_in(c, mainconf.helo_accept_junk_hosts, "helo_accept_junk_hosts");
  /* PROXY itself was dealt with before the session; -bh shows the check */
  if (c->host_checking && proxy_ops_hooks) (void)smtp_host_in(c, mainconf.hosts_proxy, "hosts_proxy");
}

/* ------------------------------------------------------------------ */
/* ACLs                                                                 */

int smtp_run_acl(smtp_session *s, acl_where where, const char *acl_text, const char *recipient,
                 bool *dropped) {
  const char *user_msg = NULL, *log_msg = NULL;
  *dropped = false;
  int rc = acl_check(where, recipient, acl_text, &user_msg, &log_msg);
  s->acl_accept_msg = s->acl_accept_log = NULL;
  if (rc == ACL_OK || rc == ACL_DISCARD) {         /* discard: the caller accepts */
    s->acl_accept_msg = user_msg;
    s->acl_accept_log = log_msg;
    return rc;
  }
  gstring *reply = NULL;
  bool drop = false;
  smtp_acl_reply(s->c, where, rc, recipient, user_msg, log_msg, &reply, &drop);
  if (reply) smtp_reply_raw(s, reply->s, reply->len);
  if (drop) {
    *dropped = true;
    s->done = true;
    s->notquit_reason = "acl-drop";
  }
  return rc;
}

/* ------------------------------------------------------------------ */
/* Pipelining synchronisation                                           */

/* A command that must be the last of a group arrived with more input
 * behind it, or input came before the greeting / when PIPELINING was not
 * advertised.  Enforced only on real TCP/IP connections. */
static bool sync_enforced(const smtp_conn *c) {
  return c->enforce_sync && c->host_address && !c->host_checking && !c->local && !c->batched;
}

static const char *pending_input(smtp_conn *c) {
  size_t n = smtp_in_buffered(&c->in);
  if (n > 150) n = 150;
  return str_printing(str_copyn(c->in.buf + c->in.pos, n));
}

static bool cmd_needs_sync(const smtp_session *s, smtp_cmd cmd) {
  switch (cmd) {
  case SCMD_MAIL: case SCMD_RCPT: case SCMD_RSET: case SCMD_BDAT:
    return !s->c->pipelining_advertised;
  case SCMD_AUTH:
    return !s->c->pipelining_advertised;
  case SCMD_QUIT:
    return false;
  default:
    return true;
  }
}

/* ------------------------------------------------------------------ */
/* Endings other than QUIT                                              */

/* Run acl_smtp_notquit once, with $smtp_notquit_reason; returns its
 * message= text (exim4 sends it instead of the closing reply's text). */
static const char *run_notquit(smtp_session *s, const char *reason) {
  if (s->notquit_done) return NULL;
  s->notquit_done = true;
  if (!mainconf.acl_smtp_notquit) return NULL;
  expand_var_set("smtp_notquit_reason", reason);
  const char *user_msg = NULL, *log_msg = NULL;
  int rc = acl_check(ACL_WHERE_NOTQUIT, NULL, mainconf.acl_smtp_notquit, &user_msg, &log_msg);
  if (rc == ACL_ERROR)
    log_write(LOG_MAIN | LOG_PANIC, "ACL for not-QUIT returned ERROR: %s", log_msg ? log_msg : "");
  expand_var_set("smtp_notquit_reason", NULL);
  return user_msg && *user_msg ? user_msg : NULL;
}

/* The last reply of a session that ends without QUIT: the notquit ACL
 * runs first and its message replaces the text. */
static void closing_reply(smtp_session *s, int code, const char *reason, const char *text) {
  const char *m = run_notquit(s, reason);
  reply_lines(s->c, code, m ? m : text);
  s->done = true;
}

/* ------------------------------------------------------------------ */
/* Limits                                                               */

/* Is the host one whose non-mail commands count (smtp_accept_max_nonmail_hosts)?
 * Decided once per session, at the first command that counts, as exim4. */
static bool nonmail_limited(smtp_session *s) {
  if (s->nonmail_counted < 0)
    s->nonmail_counted = smtp_host_in(s->c, mainconf.smtp_accept_max_nonmail_hosts, "smtp_accept_max_nonmail_hosts");
  return s->nonmail_counted && mainconf.smtp_accept_max_nonmail > 0;
}

/* Count a non-mail command (spec 49.6: one HELO/EHLO and one RSET between
 * messages, the first STARTTLS and AUTH are free); false when the limit
 * drops the connection. */
static bool count_nonmail(smtp_session *s, smtp_cmd cmd) {
  smtp_conn *c = s->c;
  bool *free_flag = NULL;
  switch (cmd) {
  case SCMD_MAIL: case SCMD_RCPT: case SCMD_DATA: case SCMD_BDAT: case SCMD_QUIT: case SCMD_UNKNOWN:
    return true;
  case SCMD_HELO: case SCMD_EHLO: free_flag = &s->free_helo_used; break;
  case SCMD_RSET:
    /* RSET is free until one has been carried out (once per message, in a
     * transaction or not); one refused for its argument does not use that
     * up (exim4) */
    if (!s->free_rset_used) {
      if (!*s->cmd_args) s->free_rset_used = true;
      return true;
    }
    break;
  case SCMD_STARTTLS:
    if (!c->tls_advertised) return true;   /* refused first, not counted (exim4) */
    free_flag = &s->free_starttls_used;
    break;
  case SCMD_AUTH: free_flag = &s->free_auth_used; break;
  default: break;
  }
  if (free_flag && !*free_flag) {
    *free_flag = true;
    return true;
  }
  if (nonmail_limited(s) && ++c->nonmail_commands > mainconf.smtp_accept_max_nonmail) {
    smtp_log_incomplete(s, "too many non-mail commands");
    log_write(LOG_MAIN | LOG_REJECT, "SMTP call from %s dropped: too many nonmail commands (last was \"%s\")",
              smtp_host_and_ident(c), smtp_cmd_name(cmd));   /* the verb only (exim4) */
    const char *m = run_notquit(s, "bad-commands");
    reply_lines(c, 554, m ? m : "Too many nonmail commands");
    s->done = true;
    return false;
  }
  return true;
}

static void cmd_unknown(smtp_session *s) {
  smtp_conn *c = s->c;
  c->unknown_commands++;
  if (mainconf.smtp_max_unknown_commands > 0 && c->unknown_commands > mainconf.smtp_max_unknown_commands) {
    smtp_log_incomplete(s, "unrecognized command");
    const char *m = run_notquit(s, "bad-commands");
    /* the host with its ident here (exim4: "(helo) [ip] U=ident") */
    log_write(LOG_MAIN | LOG_REJECT, "SMTP call from %s dropped: too many unrecognized commands (last was \"%s\")",
              smtp_host_and_ident(c), str_printing(c->last_command));
    reply_lines(c, 500, m ? m : "Too many unrecognized commands");
    s->done = true;
    return;
  }
  smtp_synprot_error(s, 500, "unrecognized command", "unrecognized command");
}

/* ------------------------------------------------------------------ */
/* Transactions                                                         */

void smtp_log_incomplete(smtp_session *s, const char *why) {
  smtp_conn *c = s->c;
  if (!LOGGING(smtp_incomplete_transaction) || !c->env.mail_seen) return;
  gstring *g = g_fmt(NULL, "%s incomplete transaction (%s) from <%s>", smtp_host_text(c), why,
                     c->env.sender ? c->env.sender : "");
  if (c->env.recipients_count) g = g_cat(g, " for");
  for (int i = 0; i < c->env.recipients_count; i++) g = g_fmt(g, " %s", c->env.recipients[i].address);
  log_write(LOG_MAIN, "%s", g_str(g));
}

void smtp_reset_transaction(smtp_session *s) {
  smtp_reset_envelope(s);
  acl_reset_message();
}

void smtp_reset_envelope(smtp_session *s) {
  conn_reset_envelope(s->c);
  s->last_rcpt_error = NULL;
  s->rcpt_errors_differ = s->rcpt_errors_muted = false;
  s->rcpt_excess_logged = false;
  s->mail_failed = false;
  s->bdat_failed = false;
  expand_var_set("sender_address", NULL);
}

static void cmd_rset(smtp_session *s) {
  smtp_log_incomplete(s, "RSET");
  smtp_reset_transaction(s);
  smtp_reply(s, 250, "Reset OK");
}

void smtp_cmd_quit(smtp_session *s) {
  smtp_conn *c = s->c;
  smtp_log_incomplete(s, "QUIT");
  if (mainconf.acl_smtp_quit) {
    const char *user_msg = NULL, *log_msg = NULL;
    int rc = acl_check(ACL_WHERE_QUIT, NULL, mainconf.acl_smtp_quit, &user_msg, &log_msg);
    if (rc == ACL_ERROR)
      log_write(LOG_MAIN | LOG_PANIC, "ACL for QUIT returned ERROR: %s", log_msg ? log_msg : "");
    if (user_msg && rc == ACL_OK) {
      reply_lines(c, 221, user_msg);
    } else {
      smtp_reply(s, 221, "%s closing connection", smtp_hostname(c));
    }
  } else {
    smtp_reply(s, 221, "%s closing connection", smtp_hostname(c));
  }
  if (LOGGING(smtp_connection) && !s->nolog)
    log_write(LOG_MAIN, "SMTP connection from %s closed by QUIT", smtp_call_from(c));
  s->quit = true;
  s->done = true;
}

/* ------------------------------------------------------------------ */
/* The session                                                          */

static bool send_banner(smtp_session *s) {
  smtp_conn *c = s->c;
  /* an accepting connect ACL's message= replaces smtp_banner (spec 44.4) */
  const char *b = s->acl_accept_msg && *s->acl_accept_msg ? s->acl_accept_msg : expand_cstring(mainconf.smtp_banner);
  if (!b) {
    log_write(LOG_MAIN | LOG_PANIC, "Expansion of \"%s\" (smtp_banner) failed: %s", mainconf.smtp_banner,
              expand_status.message);
    smtp_drop(s, str_sprintf("%s: temporary error: please try again later", smtp_hostname(c)));
    return false;
  }
  reply_lines(c, 220, b);
  return true;
}

/* The reader said the command line held a NUL or was too long. */
static void bad_line(smtp_session *s, smtp_in_result r) {
  if (r == SMTP_IN_NUL) {
    smtp_synprot_error(s, 501, "NUL character(s) present (shown as '?')", "NUL characters are not allowed in SMTP commands");
  } else {
    cmd_unknown(s);
  }
}

static void lost_connection(smtp_session *s, smtp_in_result r) {
  smtp_conn *c = s->c;
  if (r == SMTP_IN_TIMEOUT) {
    log_write(LOG_MAIN, "SMTP command timeout on%s connection from %s", c->tls.active ? " TLS" : "",
              smtp_host_and_ident(c));
    s->exit_code = 1;
    closing_reply(s, 421, "command-timeout", str_sprintf("%s: SMTP command timeout - closing connection", smtp_hostname(c)));
    return;
  }
  /* EOF or read error */
  smtp_log_incomplete(s, "connection lost");
  s->exit_code = 1;
  closing_reply(s, 421, "connection-lost", str_sprintf("%s lost input connection", smtp_hostname(c)));
  if (c->env.mail_seen) {
    if (LOGGING(lost_incoming_connection))
      /* exim4 says "EOF" for local input without a host address */
      log_write(LOG_MAIN, "unexpected %s while reading SMTP command from %s D=%s",
                c->host_address ? "disconnection" : "EOF", smtp_host_and_ident(c),
                duration(c));
  }
  else if (LOGGING(smtp_connection) && !s->nolog)
    log_write(LOG_MAIN, "SMTP connection from %s lost D=%s", smtp_call_from(c), duration(c));
}

/* XCLIENT (optional part, src/smtp/xclient.c): the hook checks, applies
 * and words the reply; a 501 counts as a syntax error. */
static void cmd_xclient(smtp_session *s) {
  const char *reply = NULL;
  int code = xclient_ops_hooks->command(s->c, s->cmd_args, &reply);
  const char *text = reply && strlen(reply) > 4 ? reply + 4 : "";
  if (code == 501) smtp_synprot_error(s, code, text, "%s", text);
  else smtp_reply(s, code, "%s", text);
}

/* Handle one command. */
static void dispatch(smtp_session *s, smtp_cmd cmd) {
  smtp_conn *c = s->c;
  if (s->bdat_failed && cmd != SCMD_RSET && cmd != SCMD_QUIT) {
    smtp_synprot_error(s, 503, "only RSET accepted now", "only RSET accepted now");
    return;
  }
  if (!count_nonmail(s, cmd)) return;
  switch (cmd) {
  case SCMD_HELO: smtp_cmd_helo(s, false); break;
  case SCMD_EHLO: smtp_cmd_helo(s, true); break;
  case SCMD_MAIL: smtp_cmd_mail(s); break;
  case SCMD_RCPT: smtp_cmd_rcpt(s); break;
  case SCMD_DATA: smtp_cmd_data(s); break;
  case SCMD_BDAT: smtp_cmd_bdat(s); break;
  case SCMD_RSET:
    if (*s->cmd_args) {
      smtp_unexpected_args(s);
      break;
    }
    cmd_rset(s);
    break;
  case SCMD_NOOP: smtp_reply(s, 250, "OK"); break;
  case SCMD_QUIT:
    if (*s->cmd_args) {
      smtp_unexpected_args(s);
      break;
    }
    smtp_cmd_quit(s);
    break;
  case SCMD_VRFY: smtp_cmd_vrfy(s, false); break;
  case SCMD_EXPN: smtp_cmd_vrfy(s, true); break;
  case SCMD_ETRN: smtp_cmd_etrn(s); break;
  case SCMD_HELP: smtp_cmd_help(s); break;
  case SCMD_STARTTLS: smtp_cmd_starttls(s); break;
  case SCMD_AUTH:
    if (!auth_server_command(c, s->cmd_args)) s->done = true;
    conn_publish(c);
    break;
  case SCMD_XCLIENT:
    if (xclient_ops_hooks) cmd_xclient(s);
    else cmd_unknown(s);
    break;
  default:
    cmd_unknown(s);
    break;
  }
  (void)c;
}

/* The session being served (for the AUTH layer's error callback). */
static smtp_session *current_session;

/* auth_server_synprot: an AUTH error counts as a syntax/protocol error. */
static bool auth_synprot(smtp_conn *c, int code, const char *log_text, const char *text) {
  smtp_session *s = current_session;
  if (!s || s->c != c) {
    conn_printf(c, "%d %s\r\n", code, text);
    return true;
  }
  smtp_synprot_error(s, code, log_text ? log_text : text, "%s", text);
  return !s->done;
}

/* Whether the session may write its replies now: nothing waits in the
 * input (RFC 2920: answer a group of pipelined commands at once). */
static void flush_if_idle(smtp_conn *c) {
  if (!smtp_in_input_pending(&c->in)) conn_flush(c);
}

int smtp_session_run(smtp_conn *c) {
  smtp_session sess;
  memset(&sess, 0, sizeof sess);
  smtp_session *s = &sess;
  s->c = c;
  s->nonmail_counted = -1;
  conn_current = c;
  current_session = s;
  auth_server_synprot = auth_synprot;
  c->enforce_sync = mainconf.smtp_enforce_sync;
  conn_publish(c);
  if (!c->active_hostname && mainconf.smtp_active_hostname) {
    const char *h = expand_cstring(mainconf.smtp_active_hostname);
    if (!h) log_write(LOG_MAIN | LOG_PANIC, "failed to expand \"%s\": %s", mainconf.smtp_active_hostname,
                      expand_status.message);
    else if (*h) c->active_hostname = h;
  }
  if (!c->active_hostname) c->active_hostname = mainconf.primary_hostname;
  expand_var_set("version_number", version_string);
  expand_var_set("exim_version", mainconf.exim_version ? mainconf.exim_version : version_string);
  if (!c->received_protocol) c->received_protocol = c->local && !c->host_address ? "local-smtp" : "smtp";
  conn_publish(c);

  s->nolog = c->host_address && smtp_host_in(c, mainconf.hosts_connection_nolog, "hosts_connection_nolog");
  if (LOGGING(smtp_connection) && !s->nolog) {
    if (c->connection_count > 0)     /* from the daemon, as exim4 words it */
      log_write(LOG_MAIN, "SMTP connection from %s (TCP/IP connection count = %d)", smtp_call_from(c),
                c->connection_count);
    else
      log_write(LOG_MAIN, "SMTP connection from %s", smtp_call_from(c));
  }
  smtp_host_lookup(c, false);
  smtp_ident_lookup(c);
  conn_publish(c);

  /* host_reject_connection (obsolete, kept by exim4): refused at once. */
  if (!c->batched && smtp_host_in(c, mainconf.host_reject_connection, "host_reject_connection")) {
    log_write(LOG_MAIN | LOG_REJECT, "refused connection from %s (host_reject_connection)", smtp_call_from(c));
    smtp_reply(s, 554, "SMTP service not available");
    conn_flush(c);
    return 0;
  }
  smtp_host_options(c);

  if (!c->batched && mainconf.acl_smtp_connect) {
    bool dropped;
    int rc = smtp_run_acl(s, ACL_WHERE_CONNECT, mainconf.acl_smtp_connect, NULL, &dropped);
    if (rc != ACL_OK) {
      conn_flush(c);
      return 0;
    }
  }

  s->pipe_connect = c->pipe_connect_offered = pipe_connect_ops_hooks && pipe_connect_ops_hooks->offered(c);
  if (!c->batched) {
    if (s->pipe_connect && sync_enforced(c) && smtp_in_input_pending(&c->in)) c->pipe_connect_used = true;
    if (sync_enforced(c) && !s->pipe_connect && smtp_in_input_pending(&c->in) && smtp_in_buffered(&c->in) == 0)
      smtp_in_fill(&c->in);
    if (sync_enforced(c) && !s->pipe_connect && smtp_in_buffered(&c->in) > 0) {
      log_write(LOG_MAIN | LOG_REJECT, "SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from %s input=\"%s\"",
                smtp_host_text(c), pending_input(c));
      conn_write(c, "554 SMTP synchronization error\r\n", 32);
      conn_flush(c);
      return 0;
    }
    if (!send_banner(s)) {
      conn_flush(c);
      return 0;
    }
    conn_flush(c);
  }
  /* $acl_m* set by the connect ACL do not reach the first message (exim4) */
  acl_reset_message();

  while (!s->done) {
    flush_if_idle(c);
    if (c->write_failed) break;
    char *line;
    size_t len;
    smtp_in_result r = smtp_in_read_command(&c->in, &line, &len);
    if (r == SMTP_IN_EOF || r == SMTP_IN_TIMEOUT || r == SMTP_IN_ERROR) {
      lost_connection(s, r);
      break;
    }
    const char *args = "";
    smtp_cmd cmd = r == SMTP_IN_OK ? smtp_cmd_parse(line, len, &args) : SCMD_UNKNOWN;
    if (r == SMTP_IN_NUL) {
      char *q = str_copyn(line, len);   /* tainted like line: a NUL shows as '?' */
      for (size_t i = 0; i < len; i++)
        if (!q[i]) q[i] = '?';
      c->last_command = str_copy_taint(q, true);
    } else {
      c->last_command = str_copy_taint(line, true);
    }
    s->cmd = cmd;
    s->cmd_args = args;
    if (cmd != SCMD_UNKNOWN) history_add(s, smtp_cmd_name(cmd));
    expand_var_set("smtp_command", c->last_command);
    expand_var_set("smtp_command_argument", args);
    if (r != SMTP_IN_OK) {
      bad_line(s, r);
      continue;
    }
    /* as exim4, no command is a synchronisation point for a host that is
     * offered PIPECONNECT (cleartext behind STARTTLS is then discarded by
     * the TLS layer, never run) */
    if (sync_enforced(c) && !s->pipe_connect && cmd_needs_sync(s, cmd) && smtp_in_input_pending(&c->in)) {
      if (smtp_in_buffered(&c->in) == 0) smtp_in_fill(&c->in);
      log_write(LOG_MAIN | LOG_REJECT, "SMTP protocol synchronization error (next input sent too soon: pipelining was%s advertised): rejected \"%s\" %s next input=\"%s\"",
                c->pipelining_advertised ? "" : " not", str_printing(c->last_command), smtp_host_text(c),
                pending_input(c));
      conn_write(c, "554 SMTP synchronization error\r\n", 32);
      s->done = true;
      s->notquit_reason = "synchronization-error";
      s->exit_code = 1;
      break;
    }
    /* Pipelining "used" (log_selector pipelining: L, not L-): more input
     * was waiting behind a command; only seen on a real TCP connection. */
    if (c->pipelining_advertised && c->host_address && !c->host_checking && !c->local &&
        smtp_in_buffered(&c->in) > 0)
      c->pipelining_used = true;
    dispatch(s, cmd);
  }

  if (!s->quit) run_notquit(s, s->notquit_reason ? s->notquit_reason : "connection-lost");
  if (LOGGING(smtp_no_mail) && c->messages_received == 0 && !s->any_mail)
    log_write(LOG_MAIN, "no MAIL in %sSMTP connection from %s D=%s %s", c->tls.active ? "TLS " : "",
              smtp_host_and_ident(c), duration(c), smtp_history(s));
  conn_flush(c);
  if (c->tls.active && tls_ops_hooks) tls_ops_hooks->server_close(c);
  conn_current = NULL;
  current_session = NULL;
  return c->host_checking ? 0 : s->exit_code;
}
