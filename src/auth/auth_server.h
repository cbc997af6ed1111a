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

#include "smtp/conn.h"

/* Append " MECH MECH" for the EHLO AUTH line (mechanisms whose
 * server_advertise_condition passes, when the host matches
 * auth_advertise_hosts); returns g unchanged when there are none. */
gstring *auth_server_advertise(smtp_conn *c, gstring *g);

/* The AUTH command with its argument ("PLAIN dGVzdA=="): runs the whole
 * exchange, writes every reply (334 challenges, 235/535/...), logs, and
 * updates c (authenticated_id, auth_driver_name, received_protocol "a").
 * Returns false when the connection must be closed (drop, I/O error). */
bool auth_server_command(smtp_conn *c, const char *args);

/* The AUTH= parameter of MAIL (xtext already decoded): runs
 * acl_smtp_mailauth when set and decides whether to keep it; sets
 * c->env.auth_sender.  Never rejects the MAIL command. */
void auth_server_mail_param(smtp_conn *c, const char *value);

#endif
