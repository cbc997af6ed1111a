/* smtp_in_int.h - what the files of the SMTP server share (not for other
 * layers): the command table, the per-session state wrapped around the
 * smtp_conn, and the helpers the command handlers use.
 *
 * Files: smtp_in.c (session loop, synchronisation, limits, QUIT/EOF),
 * smtp_in_cmd.c (command recognition; pure, fuzzed), smtp_in_ehlo.c
 * (HELO/EHLO and what EHLO advertises), smtp_in_mail.c (MAIL, RCPT and
 * their parameters), smtp_in_msg.c (DATA and BDAT), smtp_in_misc.c (VRFY,
 * EXPN, ETRN, HELP, STARTTLS), smtp_in_reply.c (ACL replies and log
 * lines), smtp_in_host.c (host_lookup, ident, HELO verification),
 * smtp_in_mode.c (-bs, -bS, -bh entry), smtp_in_bsmtp.c (-bS),
 * smtp_in_pipe_connect.c (optional PIPECONNECT part).
 *
 * Must never: be included outside src/smtp (and its tests).
 */
#ifndef SMTP_SMTP_IN_INT_H
#define SMTP_SMTP_IN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "acl/acl.h"
#include "base/str.h"
#include "expand/match.h"
#include "smtp/conn.h"
#include "smtp/smtp_in.h"

/* Commands as Exim recognises them (case-insensitive verb, then a space or
 * the end; "MAIL FROM:" and "RCPT TO:" include their colon). */
typedef enum {
  SCMD_HELO, SCMD_EHLO, SCMD_AUTH, SCMD_STARTTLS, SCMD_MAIL, SCMD_RCPT, SCMD_DATA, SCMD_BDAT,
  SCMD_QUIT, SCMD_RSET, SCMD_NOOP, SCMD_ETRN, SCMD_VRFY, SCMD_EXPN, SCMD_HELP,
  SCMD_XCLIENT,      /* only with the XCLIENT part (xclient_ops_hooks) */
  SCMD_UNKNOWN,
  SCMD_COUNT
} smtp_cmd;

/* Recognise the command in line[0..len) (no line ending).  *args points
 * at the argument with leading and trailing white space removed (a fresh
 * copy, same taint as the line), "" when there is none. */
smtp_cmd smtp_cmd_parse(const char *line, size_t len, const char **args);

/* The verb as written in the C= history and log lines ("EHLO", "MAIL"...). */
const char *smtp_cmd_name(smtp_cmd cmd);

/* Early pipelining (optional part, smtp_in_pipe_connect.c); the hooks are
 * NULL when the build does not have it. */
struct pipe_connect_ops {
  /* PIPECONNECT is advertised to this host and its early input allowed */
  bool (*offered)(smtp_conn *c);
};
extern const struct pipe_connect_ops *const pipe_connect_ops_hooks;

/* State of one session beyond what the smtp_conn holds. */
typedef struct smtp_session {
  smtp_conn *c;
  bool done;                /* leave the command loop (QUIT, drop, EOF) */
  bool quit;                /* ended by QUIT */
  bool any_mail;            /* a MAIL command was accepted */
  bool nolog;               /* hosts_connection_nolog matched */
  const char *notquit_reason; /* $smtp_notquit_reason when the session ends without QUIT */
  const char *acl_accept_msg; /* message= of the last ACL that accepted/discarded (smtp_run_acl) */
  const char *acl_accept_log; /* its log_message= */
  bool notquit_done;        /* acl_smtp_notquit has run */
  bool pipe_connect;        /* PIPECONNECT offered to this host */
  int exit_code;            /* what smtp_session_run() returns */
  int mail_commands;        /* MAIL commands so far (smtp_ratelimit_mail) */
  bool mail_failed;         /* the last MAIL of this transaction was refused */
  const char *cmd_args;     /* arguments of the command being handled */
  smtp_cmd cmd;
  /* RCPT bookkeeping for DATA's "All RCPT commands were rejected" reply */
  gstring *last_rcpt_error; /* the last failing RCPT's reply, CRLF lines */
  bool last_rcpt_by_acl;    /* ... and it came from the RCPT ACL */
  bool rcpt_errors_differ;  /* the failed RCPTs did not all get the same reply */
  bool rcpt_errors_muted;   /* DATA/BDAT has repeated it: remember no more */
  bool rcpt_excess_logged;  /* recipients_max's log line written for this message */
  /* non-mail commands that are free once (spec 49.6) */
  bool free_helo_used, free_rset_used, free_starttls_used, free_auth_used;
  int nonmail_counted;      /* smtp_accept_max_nonmail_hosts, decided at the first
                               counted command: -1 not yet, 0 no, 1 yes */
  /* CHUNKING */
  bool bdat_failed;         /* after a BDAT error only RSET is accepted */
  /* C= history (last commands) */
  const char *history[20];
  int history_count;
  bool history_overflow;
  /* synchronisation of pipelined input */
  bool sync_checked_for_cmd;
} smtp_session;

/* ---- replies (smtp_in.c) ---- */
/* Queue a reply; the text may hold newlines (one line each); code is used
 * for every line ("250-", "250 "). */
void smtp_reply(smtp_session *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Queue an already formatted reply (lines ending CRLF). */
void smtp_reply_raw(smtp_session *s, const char *text, size_t len);
/* A syntax or protocol error: counts against smtp_max_synprot_errors and
 * ends the session when over it (the reply then gets a last line "Too many
 * syntax or protocol errors").  fmt NULL: the caller has replied itself,
 * only count (and log).  log_text: the smtp_syntax_error /
 * smtp_protocol_error log line's text, or NULL. */
void smtp_synprot_error(smtp_session *s, int code, const char *log_text, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with the log line's kind given (exim4 calls some 501s protocol
 * errors and some 503s syntax errors). */
enum { SMTP_SYNPROT_BY_CODE, SMTP_SYNTAX, SMTP_PROTOCOL };
void smtp_synprot_error_kind(smtp_session *s, int kind, int code, const char *log_text, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* End the session (after queued replies are written) because of a drop;
 * with a 421 text when reply is non-NULL. */
void smtp_drop(smtp_session *s, const char *reply);
/* 501 unexpected argument data (RSET/DATA/QUIT with arguments): counted,
 * and left out of the C= history, as exim4 does. */
void smtp_unexpected_args(smtp_session *s);

/* "C=EHLO,MAIL,..." as Exim appends it to some log lines. */
const char *smtp_history(const smtp_session *s);
/* Host text "H=..." for log lines (conn_host_text as a string). */
const char *smtp_host_text(const smtp_conn *c);
/* The host description Exim uses in "SMTP call from %s" lines:
 * "name (helo) [ip]" / "(helo) [ip]" / "[ip]", or "U=login" for local. */
const char *smtp_call_from(const smtp_conn *c);
/* "(helo) [ip]:port U=ident" (the host text without "H="), or the login
 * for local input without an address: exim4's form in rejections. */
const char *smtp_host_and_ident(const smtp_conn *c);

/* ---- command handlers ---- */
void smtp_cmd_helo(smtp_session *s, bool ehlo);           /* smtp_in_ehlo.c */
void smtp_cmd_mail(smtp_session *s);                      /* smtp_in_mail.c */
void smtp_cmd_rcpt(smtp_session *s);
void smtp_cmd_data(smtp_session *s);                      /* smtp_in_msg.c */
void smtp_cmd_bdat(smtp_session *s);
void smtp_cmd_vrfy(smtp_session *s, bool expn);           /* smtp_in_misc.c */
void smtp_cmd_etrn(smtp_session *s);
void smtp_cmd_help(smtp_session *s);
void smtp_cmd_starttls(smtp_session *s);
void smtp_cmd_quit(smtp_session *s);                      /* smtp_in.c */

/* host_lookup (or always): set c->host_name (verified) or
 * host_lookup_failed / _deferred.  Done once. */
void smtp_host_lookup(smtp_conn *c, bool always);         /* smtp_in_host.c */
/* RFC 1413 (rfc1413_hosts, rfc1413_query_timeout): ask the client's ident
 * service who it is; sets c->ident on a USERID answer.  Not in -bh. */
void smtp_ident_lookup(smtp_conn *c);
/* One line of the -bh commentary (">>> line") about conn (an smtp_conn),
 * or debug output under -d+host_lookup; a smtp_helo_trace_fn. */
void smtp_bh_trace(void *conn, const char *line);

/* -bS: the whole batch on c; returns the exit code. */
int smtp_bsmtp_run(smtp_conn *c);                          /* smtp_in_bsmtp.c */

/* Reset the transaction (RSET, HELO/EHLO, after a message). */
void smtp_reset_transaction(smtp_session *s);
/* log_selector +smtp_incomplete_transaction: when a MAIL was accepted,
 * "<host> incomplete transaction (<why>) from <sender> [for rcpt...]". */
void smtp_log_incomplete(smtp_session *s, const char *why);               /* smtp_in.c */
/* The same without clearing $acl_m* (HELO/EHLO clears them only once its
 * ACL has run, as exim4). */
void smtp_reset_envelope(smtp_session *s);

/* The host matches the host list option (unset = no match; "*" = all).
 * option_name (NULL: none) names it in the -bh commentary. */
bool smtp_host_in(const smtp_conn *c, const char *list, const char *option_name);
/* The host lists exim4 decides once, at the start of a session, in its
 * order (sender/recipient_unqualified_hosts, helo_verify_hosts,
 * helo_try_verify_hosts, helo_accept_junk_hosts; hosts_proxy shown). */
void smtp_host_options(smtp_conn *c);

/* Run the ACL of option `acl_text` for where (recipient for RCPT).  On
 * anything but ACL_OK or ACL_DISCARD (which the caller answers as an
 * acceptance) queue the reply (smtp_acl_reply) and return the ACL result;
 * *dropped when the connection is closing. */
int smtp_run_acl(smtp_session *s, acl_where where, const char *acl_text, const char *recipient,
                 bool *dropped);

/* The reply to a command an ACL accepted (or discarded): the ACL's
 * message= text (s->acl_accept_msg) when it set one ("2dd" and an extended
 * code at its start used), default_text otherwise.  smtp_in_reply.c */
gstring *smtp_acl_accept_reply(const smtp_conn *c, const char *default_text, const char *user_msg);

/* message_size_limit expanded (0: none). */
long long smtp_message_size_limit(void);
/* An expanded integer option (value may be NULL: 0); a failure is logged
 * to the panic log and gives 0 (no limit). */
long long smtp_expand_limit(const char *value, const char *option_name);
/* $received_protocol from what was negotiated: [local-](e)smtp[s][a],
 * unless -oMr fixed it. */
void smtp_set_protocol(smtp_conn *c);

/* Expanded smtp_active_hostname / primary_hostname. */
const char *smtp_hostname(const smtp_conn *c);

#endif
