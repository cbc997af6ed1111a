/* listen.h - the daemon's listening sockets (spec 13.1-13.6): which
 * addresses and ports come from local_interfaces, daemon_smtp_ports and
 * -oX, which of them are TLS-on-connect (tls_on_connect_ports), opening
 * them with daemon_startup_retries, and the "listening for SMTP on ..."
 * text of the start-up log line.
 *
 * Entry points: listen_plan(), listen_inherited() (-bw), listen_open(),
 * listen_describe().
 * Must never: exit (the daemon decides; the only log lines here are the
 * waits between bind retries), or bind anything the configuration did not
 * ask for.
 */
#ifndef DAEMON_LISTEN_H
#define DAEMON_LISTEN_H

#include <stdbool.h>

typedef struct listen_sock {
  int fd;                 /* -1 until opened */
  int family;             /* 4 or 6 */
  const char *address;    /* text form; "0.0.0.0" / "::" for the wildcards */
  int port;
  bool wildcard;
  bool dual_stack;        /* an IPv6 wildcard that also takes IPv4 */
  bool skip;              /* covered by a dual-stack socket, or IPv6 disabled */
  bool tls_on_connect;
} listen_sock;

/* The sockets to open.  override is -oX (NULL when not given);
 * tls_on_connect_all is -tls-on-connect.  Returns NULL or an error text
 * (an unknown service name, a malformed interface item). */
const char *listen_plan(const char *override, bool tls_on_connect_all, listen_sock **out, int *count);

/* -bw: the one socket is fd, already listening (inetd's).  Returns NULL
 * or why fd cannot be used. */
const char *listen_inherited(int fd, bool tls_on_connect_all, listen_sock **out, int *count);

/* Create, bind and listen (backlog smtp_connect_backlog).  A bind that
 * fails for any reason (address in use, not a local address...) is retried
 * daemon_startup_retries times, daemon_startup_sleep apart, each wait
 * logged as Exim does.  Returns NULL or the text of the final failure. */
const char *listen_open(listen_sock *l, int count);

/* "SMTP on [127.0.0.1]:25 [::1]:{25,587} and for SMTPS on port 465 (IPv4)"
 * as in the start-up line, after "listening for ". */
const char *listen_describe(const listen_sock *l, int count);

/* Parse a port item: a number or a service name (names allowed only when
 * names_ok).  -1 when not a port. */
int listen_port(const char *s, bool names_ok);

#endif
