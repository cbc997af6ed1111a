/* smtp_in_host.c - the peer's host name (host_lookup): a reverse lookup of
 * the address, accepted only when a forward lookup of the name gives the
 * address back (spec: host_lookup, $sender_host_name).  The system
 * resolver does both lookups.
 *
 * Entry points: smtp_host_lookup(), smtp_ident_lookup() (RFC 1413),
 * smtp_helo_verify() (helo_verify_hosts,
 * helo_try_verify_hosts: the HELO name is the calling address in brackets,
 * or the verified host name, or a name that resolves to the address).
 *
 * Must never: set a name that does not map back to the address, or block
 * longer than the resolver's own timeouts.
 */
#include <netdb.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/log_selector.h"
#include "base/sock.h"
#include "config/main_config.h"
#include "smtp/smtp_in_int.h"

/* Does name resolve to the address a? */
static bool forward_matches(const char *name, const ip_address *a) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(name, NULL, &hints, &res) != 0) return false;
  bool found = false;
  for (struct addrinfo *p = res; p && !found; p = p->ai_next) {
    char buf[NI_MAXHOST];
    if (getnameinfo(p->ai_addr, p->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST) != 0) continue;
    ip_address b;
    if (!ip_parse(buf, false, &b, NULL)) continue;
    ip_address x = *a, y = b;
    ip_to_v6(&x);
    ip_to_v6(&y);
    found = memcmp(x.b, y.b, 16) == 0;
  }
  freeaddrinfo(res);
  return found;
}

void smtp_host_lookup(smtp_conn *c, bool always) {
  if (!c->host_address || c->host_name || c->local || c->host_lookup_failed || c->host_lookup_deferred) return;
  if (!always && !smtp_host_in(c, mainconf.host_lookup, "host_lookup")) return;
  ip_address a;
  if (!ip_parse(c->host_address, false, &a, NULL)) return;
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (a.family == 4) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    memcpy(&in->sin_addr, a.b, 4);
    len = sizeof *in;
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    memcpy(&in6->sin6_addr, a.b, 16);
    len = sizeof *in6;
  }
  char name[NI_MAXHOST];
  int rc = getnameinfo((struct sockaddr *)&ss, len, name, sizeof name, NULL, 0, NI_NAMEREQD);
  if (rc == EAI_AGAIN) {
    c->host_lookup_deferred = true;
    return;
  }
  if (rc != 0) {
    c->host_lookup_failed = true;
    if (LOGGING(host_lookup_failed))
      log_write(LOG_MAIN, "no host name found for IP address %s", c->host_address);
    return;
  }
  if (!forward_matches(name, &a)) {
    c->host_lookup_failed = true;
    if (LOGGING(host_lookup_failed))
      log_write(LOG_MAIN, "no IP address found for host %s (during SMTP connection from [%s])", name,
                c->host_address);
    return;
  }
  c->host_name = str_copy_taint(name, true);
}

bool smtp_helo_verify(smtp_conn *c, const char *helo) {
  ip_address a;
  if (!c->host_address || !ip_parse(c->host_address, false, &a, NULL)) return false;
  smtp_host_lookup(c, true);   /* exim4 looks the name up first, even for a literal */
  size_t n = strlen(helo);
  if (n > 2 && helo[0] == '[' && helo[n - 1] == ']') {
    const char *lit = str_copyn(helo + 1, n - 2);
    if (str_ncmpic(lit, "IPv6:", 5) == 0) lit += 5;
    ip_address b;
    if (!ip_parse(lit, false, &b, NULL)) return false;
    ip_address x = a, y = b;
    ip_to_v6(&x);
    ip_to_v6(&y);
    return memcmp(x.b, y.b, 16) == 0;
  }
  if (c->host_name && str_eqic(c->host_name, helo)) return true;
  return forward_matches(helo, &a);
}

/* One field of an ident answer ("ports : USERID : opsys : user"), trimmed. */
static const char *ident_field(const char *p, size_t n) {
  while (n && (*p == ' ' || *p == '\t')) p++, n--;
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n')) n--;
  return str_copyn(p, n);
}

void smtp_ident_lookup(smtp_conn *c) {
  if (!c->host_address || c->local || c->host_checking || c->ident) return;
  int timeout = mainconf.rfc1413_query_timeout;
  if (timeout <= 0 || !smtp_host_in(c, mainconf.rfc1413_hosts, "rfc1413_hosts")) return;
  int gai = 0, en = 0;
  int fd = sock_connect_tcp(c->host_address, "113", timeout, &gai, &en);
  if (fd < 0) return;
  char q[64];
  int qn = snprintf(q, sizeof q, "%d , %d\r\n", c->host_port, c->interface_port);
  char buf[256];
  size_t got = 0;
  if (write(fd, q, (size_t)qn) == qn) {
    while (got < sizeof buf - 1 && !memchr(buf, '\n', got)) {
      if (sock_wait(fd, false, timeout) != 1) break;
      ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
      if (n <= 0) break;
      got += (size_t)n;
    }
  }
  close(fd);
  buf[got] = 0;
  /* ports : USERID : opsys : user */
  const char *f[4];
  const char *p = buf;
  for (int i = 0; i < 3; i++) {
    const char *colon = strchr(p, ':');
    if (!colon) return;
    f[i] = ident_field(p, (size_t)(colon - p));
    p = colon + 1;
  }
  f[3] = ident_field(p, strcspn(p, "\r\n"));
  if (!str_eqic(f[1], "USERID") || !*f[3]) return;
  c->ident = str_copy_taint(str_printing(f[3]), true);
}
