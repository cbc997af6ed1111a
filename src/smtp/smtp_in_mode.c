/* smtp_in_mode.c - the command-line modes that run an SMTP session on
 * standard input and output: -bs (local SMTP, or inetd when stdin is a
 * TCP socket), -bh / -bhc (host checking: a session as if from the given
 * address, commentary on stdout, log lines as "LOG: ..." on stderr,
 * nothing on the spool).
 *
 * -bS (batched SMTP) shares the set-up and runs smtp_bsmtp_run().
 *
 * Entry point: smtp_session_main().
 *
 * Must never: let an untrusted caller set the -oM values, or write a log
 * file or spool file in -bh mode.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/store.h"
#include "config/main_config.h"
#include "deliver/deliver_start.h"
#include "expand/expand.h"
#include "smtp/smtp_in.h"
#include "smtp/smtp_in_int.h"
#include "tls/tls.h"

/* "1.2.3.4", "1.2.3.4.25", "::1", "::1.25": address and port. */
static bool split_host_port(const char *arg, const char **addr, int *port) {
  *port = 0;
  if (ip_is_address(arg, NULL)) {
    *addr = arg;
    return true;
  }
  ip_address ip;
  if (ip_parse(arg, false, &ip, NULL)) {   /* IPv6 with a %scope */
    *addr = arg;
    return true;
  }
  const char *dot = strrchr(arg, '.');
  if (!dot || !dot[1]) return false;
  for (const char *p = dot + 1; *p; p++)
    if (*p < '0' || *p > '9') return false;
  const char *a = str_copyn(arg, (size_t)(dot - arg));
  if (!ip_is_address(a, NULL)) return false;
  *addr = a;
  *port = atoi(dot + 1);
  return true;
}

static const char *sockaddr_text(const struct sockaddr_storage *ss, int *port) {
  char buf[INET6_ADDRSTRLEN];
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    *port = ntohs(in->sin_port);
  } else {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof buf);
    else inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    *port = ntohs(in6->sin6_port);
  }
  return str_copy(buf);
}

/* stdin is a TCP socket (started by inetd): take both ends from it. */
static bool inetd_peer(smtp_conn *c) {
  struct sockaddr_storage peer, me;
  socklen_t pl = sizeof peer, ml = sizeof me;
  if (getpeername(0, (struct sockaddr *)&peer, &pl) != 0) return false;
  if (peer.ss_family != AF_INET && peer.ss_family != AF_INET6) return false;
  c->host_address = sockaddr_text(&peer, &c->host_port);
  if (getsockname(0, (struct sockaddr *)&me, &ml) == 0)
    c->interface_address = sockaddr_text(&me, &c->interface_port);
  c->inetd = true;
  return true;
}

/* The -oM values a trusted caller (or -bh) may give.  exim4 treats them
 * as tainted (its -H file writes them with "--"), and so do we. */
void smtp_apply_oM(smtp_conn *c, const cmdline_state *st, bool host_too) {
  if (host_too && st->host_address) {
    const char *a;
    int port;
    if (split_host_port(st->host_address, &a, &port)) {
      c->host_address = str_copy_taint(a, true);
      c->host_port = port;
    }
  }
  if (st->host_name) c->host_name = str_copy_taint(st->host_name, true);
  if (st->ident) c->ident = *st->ident ? str_copy_taint(st->ident, true) : NULL;   /* -oMt "": none */
  if (st->interface_address) {
    const char *a;
    int port;
    if (split_host_port(st->interface_address, &a, &port)) {
      c->interface_address = str_copy_taint(a, true);
      c->interface_port = port;
    }
  }
  if (st->received_protocol) {
    c->received_protocol = st->received_protocol;
    c->protocol_fixed = true;
  }
  if (st->authenticated_id) c->authenticated_id = str_copy_taint(st->authenticated_id, true);
  if (st->authenticator) c->auth_driver_name = str_copy_taint(st->authenticator, true);
}

int smtp_session_main(cmdline_state *st, const caller *me, bool trusted) {
  /* A client that goes away must not kill us with SIGPIPE: writes fail instead. */
  signal(SIGPIPE, SIG_IGN);
  int timeout = st->smtp_receive_timeout >= 0 ? st->smtp_receive_timeout : mainconf.smtp_receive_timeout;
  smtp_conn *c = store_get(sizeof *c, false);
  conn_init(c, 0, 1, timeout);
  c->dont_deliver = st->dont_deliver;
  deliver_reception_mode = st->delivery_mode;
  deliver_config_arg = st->config_file;

  if (st->host_checking) {
    const char *addr;
    int port;
    if (!split_host_port(st->host_checking, &addr, &port)) {
      fprintf(stderr, "exim abandoned: \"%s\" is not an IP address\n", st->host_checking);
      return EXIT_FAILURE;
    }
    log_host_checking(true);
    acl_set_trace(true);
    c->host_checking = true;
    c->host_checking_callout = st->host_checking_callout;
    ip_address ip;
    /* exim4 shows an IPv6 -bh address in its full form */
    if (ip_is_address(addr, NULL) == 6 && ip_parse(addr, false, &ip, NULL)) addr = ip_format_full(&ip, ':');
    c->host_address = addr;
    c->host_port = port;
    smtp_apply_oM(c, st, false);
    printf("\n**** SMTP testing session as if from host %s\n"
           "**** but without any ident (RFC 1413) callback.\n"
           "**** This is not for real!\n\n", addr);
    fflush(stdout);
  } else {
    if (!inetd_peer(c)) {
      c->local = true;
      c->login = me->login;
      c->ident = me->login;      /* exim4: the caller's login is the ident (U=) */
      if (trusted) smtp_apply_oM(c, st, true);
    }
  }
  conn_publish(c);
  if (st->smtp_batched) return smtp_bsmtp_run(c);
  /* -tls-on-connect from inetd: TLS before anything else. */
  if (st->tls_on_connect && c->inetd && tls_ops_hooks) {
    c->tls.on_connect = true;
    const char *err = NULL;
    if (!tls_ops_hooks->server_start(c, &err)) {
      log_write(LOG_MAIN, "TLS error on connection from %s (tls_on_connect): %s", smtp_host_text(c),
                err ? err : "handshake failed");
      return EXIT_FAILURE;
    }
    conn_publish(c);
  }
  return smtp_session_run(c);
}
