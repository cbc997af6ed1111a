/* smtp_in.h - the SMTP server: one session from greeting to QUIT on an
 * smtp_conn (spec chapters 3, 13, 44 call sites, 46, 48).
 *
 * Entry points:
 *   smtp_session_run()    serve a connection already set up (daemon child,
 *                         -bs, -bS, -bh): banner, command loop, QUIT
 *   smtp_session_main()   the -bs / -bS / -bh / -bhc modes from main.c
 *   smtp_acl_reply()      turn an ACL result into the SMTP reply and the
 *                         log lines Exim writes for it (used by reception
 *                         for the DATA and PRDR ACLs too)
 *
 * Must never: take input after DATA's CRLF.CRLF (or BDAT's count) as
 * message text or the reverse; answer a command before the previous
 * pipelined ones; say 250 to a message before reception did.
 */
#ifndef SMTP_SMTP_IN_H
#define SMTP_SMTP_IN_H

#include <stdbool.h>

#include "acl/acl.h"
#include "expand/match.h"
#include "main/cmdline.h"
#include "main/trust.h"
#include "smtp/conn.h"

/* Serve c until QUIT, EOF, timeout, drop or too many errors.  c is set up
 * (peer, interface, I/O) and published; returns when the session is over
 * (output flushed, notquit/quit ACL run), with the exit code exim4's
 * process has for such an ending: 1 after a lost connection, a timeout, too
 * many syntax errors or a synchronisation error, else 0. */
int smtp_session_run(smtp_conn *c);

/* -bs, -bS, -bh ADDRESS, -bhc ADDRESS for caller me (trusted: may set
 * the -oM values).  -bs needs the log files open.  Returns the exit code. */
int smtp_session_main(cmdline_state *st, const caller *me, bool trusted);

/* -bh commentary for a list the session checks, as exim4 writes it:
 * ">>> host in helo_verify_hosts? no (option unset)", ">>> x in
 * helo_lookup_domains? yes (matched "@")".  Nothing unless -bh. */
void smtp_list_trace(const smtp_conn *c, const char *who, const char *option, match_list_type type,
                     const char *subject, const char *list, bool yes);

/* The -oM values of a trusted caller (-oMa with host_too, -oMs, -oMt,
 * -oMi, -oMr, -oMai, -oMaa) put into c, tainted as exim4 keeps them. */
void smtp_apply_oM(smtp_conn *c, const cmdline_state *st, bool host_too);

/* The verified host name of c's peer, looked up now when it was not yet
 * (verify = reverse_host_lookup): 1 c->host_name is set, 0 the lookup
 * failed (or no remote host), -1 it met a temporary error. */
int smtp_host_name_needed(smtp_conn *c);

/* Does the HELO/EHLO name helo fit c's peer (helo_verify_hosts,
 * helo_try_verify_hosts, verify = helo)?  The peer's address in brackets,
 * its verified host name, or a name whose DNS records give the address.
 * Remembered per HELO name for the connection (c->helo_verified); trace,
 * when not NULL, gets each line of the -bh commentary. */
typedef void (*smtp_helo_trace_fn)(void *arg, const char *line);
bool smtp_helo_verify(smtp_conn *c, const char *helo, smtp_helo_trace_fn trace, void *arg);

/* After acl_check() gave rc (not ACL_OK) at where: write Exim's log lines
 * (mainlog/rejectlog: "H=... rejected RCPT <x>: text"), append the reply
 * (default texts, message= override with its own code and extended code,
 * multi-line) to *reply, and return the reply's code (550/450/451...).
 * *drop is set for ACL_FAIL_DROP.  recipient is for RCPT (else NULL). */
int smtp_acl_reply(smtp_conn *c, acl_where where, int rc, const char *recipient,
                   const char *user_msg, const char *log_msg, gstring **reply, bool *drop);

#endif
