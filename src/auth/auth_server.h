/* auth_server.h - the server side of SMTP AUTH (spec chapter 33 and the
 * plaintext, cram_md5 and dovecot chapters): which mechanisms EHLO
 * advertises, the AUTH command with its challenge/response exchange, and
 * the AUTH= parameter of MAIL.
 *
 * Each authenticator type provides a server function through its
 * driver_info.kind_ops (struct auth_ops in auth.h); this file runs the
 * command around it: acl_smtp_auth, base64 exchange, server_condition,
 * server_set_id, $auth1..3, logging, the 235/535/435 replies.
 *
 * Must never: accept credentials that did not pass the mechanism and
 * server_condition; log a password; read a challenge reply without bounds.
 */
#ifndef AUTH_AUTH_SERVER_H
#define AUTH_AUTH_SERVER_H

#include <stdbool.h>

#include "auth/auth.h"
#include "smtp/conn.h"

/* Append " MECH MECH" for the EHLO AUTH line (mechanisms whose
 * server_advertise_condition passes, when the host matches
 * auth_advertise_hosts and the client has not authenticated yet); returns
 * g unchanged when there are none.  Sets c->auth_advertised to whether any
 * mechanism was advertised (call it for every EHLO; HELO clears the flag
 * in the SMTP layer). */
gstring *auth_server_advertise(smtp_conn *c, gstring *g);

/* The AUTH command with its argument ("PLAIN dGVzdA=="): runs the whole
 * exchange, writes every reply (334 challenges, 235/535/...), logs, and
 * updates c (authenticated_id, auth_driver_name, received_protocol "a").
 * Returns false when the connection must be closed (drop, I/O error).
 *
 * The replies Exim counts as syntax or protocol errors (503 AUTH command
 * used when not advertised, 503 already authenticated, 503 not permitted
 * in mail transaction, 501 invalid character in authentication mechanism
 * name, 504 <mech> authentication mechanism not supported) go through
 * auth_server_synprot when the SMTP layer has set it, so that they count
 * against smtp_max_synprot_errors. */
bool auth_server_command(smtp_conn *c, const char *args);

/* STARTTLS forgets any authentication (RFC 3207; exim4 offers AUTH again
 * and a new AUTH may succeed): clears authenticated_id, auth_driver_name,
 * auth_mechanism and what was advertised.  The SMTP layer calls it after
 * the TLS handshake and then recomputes the received protocol. */
void auth_server_reset(smtp_conn *c);

/* Set by the SMTP layer: queue the reply "code text" as a syntax/protocol
 * error (log_text for the log line, NULL for none) and return false when
 * the session must end.  NULL: the reply is queued with conn_printf. */
typedef bool (*auth_synprot_fn)(smtp_conn *c, int code, const char *log_text, const char *text);
extern auth_synprot_fn auth_server_synprot;

/* The AUTH= parameter of MAIL (xtext already decoded), spec 33.2: "<>"
 * is ignored; acl_smtp_mailauth runs when set (else the value is kept only
 * for an authenticated client); then server_mail_auth_condition of the
 * authenticator used.  Sets c->env.auth_sender (and $authenticated_sender)
 * or logs "ignoring AUTH=... from H=... (reason)".  Returns true to go on
 * with MAIL; false when the mailauth ACL deferred (or failed to run): the
 * 451 reply is then queued (smtp_acl_reply) and MAIL is answered. */
bool auth_server_mail_param(smtp_conn *c, const char *value);

/* ---- for the authenticator types' server functions (auth_ops.server) ---- */

/* Send "334 <base64 of challenge[0..len)>" (flushing output) and read the
 * client's one-line response into *line (raw, tainted, NUL-terminated).
 * AUTH_OK, AUTH_CANCELLED ("*"), or AUTH_EOF (EOF, timeout, I/O error). */
int auth_get_response(smtp_conn *c, const char *challenge, size_t len, const char **line);
/* The same, decoding the response: *data and *dlen hold the bytes (tainted,
 * may contain NULs).  AUTH_BAD64 for a response that is not base64. */
int auth_get_data(smtp_conn *c, const char *challenge, size_t len, const char **data, size_t *dlen);
/* Decode base64 text s (an AUTH initial response: "=" means empty) into
 * *data and *dlen; false when malformed. */
bool auth_b64_decode(const char *s, const char **data, size_t *dlen);

/* Set $auth1..$authn and $1..$n (n <= 3 is what Exim keeps for $authN;
 * more are kept as numeric variables) from values; the others unset. */
void auth_set_vars(const char *const *values, int n);
/* The value of $authN (1-based), NULL when unset. */
const char *auth_var(int n);

/* Run the generic server_condition of a (unset: AUTH_OK): AUTH_OK,
 * AUTH_FAIL (forced failure, "", "0", "no", "false") or AUTH_DEFER (other
 * expansion failure or another result, via auth_server_defer). */
int auth_check_server_condition(auth_instance *a, smtp_conn *c);

/* Record why a server function returns AUTH_DEFER/AUTH_ERROR: log_msg is
 * appended to the log line, user_msg (NULL: none) to the 435 reply. */
void auth_server_defer(const char *log_msg, const char *user_msg);

/* Commentary in -bh mode and debug output with +auth: ">>> " lines. */
void auth_hdebug(const smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
