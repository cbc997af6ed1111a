/* xclient.h - the XCLIENT command for an inbound proxy such as nginx
 * (seed "XCLIENT proxy support"; Postfix's XCLIENT_README), as an optional
 * part (EXPERIMENTAL_XCLIENT, src/modules.def: hooks=xclient_ops:...).  The
 * SMTP server calls it only through xclient_ops_hooks, NULL when the build
 * has no XCLIENT.
 *
 * For the SMTP server (smtp_in*.c):
 *   - EHLO: if ehlo_keyword(c) is not NULL, advertise it as one line
 *     ("250-XCLIENT ADDR NAME PORT LOGIN DESTADDR DESTPORT").
 *   - the XCLIENT command: call command(c, arguments, &reply) and send
 *     *reply (one line, no CRLF) whatever the result; the return value is
 *     its code.  220 is success: c then describes the real client
 *     ($sender_host_address/port, $sender_host_name, $proxy_*,
 *     $authenticated_id for LOGIN), its HELO state and envelope are reset
 *     (a fresh HELO/EHLO is required) and it has been published.  501 is a
 *     syntax error (count it as one), 503 a sequence error (inside a mail
 *     transaction), 550 a host not in hosts_xclient.  The hook writes no
 *     log line; the server logs rejections as it does for other commands.
 *
 * Must never: accept XCLIENT from a host outside hosts_xclient (judged on
 * the connection's real peer, not on an address a previous XCLIENT set),
 * or take a value that is not well formed for its attribute.
 */
#ifndef SMTP_XCLIENT_H
#define SMTP_XCLIENT_H

#include "smtp/conn.h"

struct xclient_ops {
  const char *(*ehlo_keyword)(smtp_conn *c);
  int (*command)(smtp_conn *c, const char *args, const char **reply);
};

extern const struct xclient_ops *const xclient_ops_hooks;

#endif
