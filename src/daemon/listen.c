/* listen.c - the daemon's listening sockets: the plan from
 * local_interfaces / daemon_smtp_ports / -oX / tls_on_connect_ports, the
 * sockets themselves, and their description for the start-up log line.
 * See listen.h.
 *
 * Wildcards: when an IPv6 wildcard (::0) and an IPv4 wildcard (0.0.0.0)
 * ask for the same port, one dual-stack IPv6 socket serves both, which Exim
 * reports as "port N (IPv6 and IPv4)"; every other IPv6 socket is
 * IPv6-only so that specific IPv4 addresses can be bound beside it.
 *
 * Must never: exit, or leave a socket open after a failure it reports.
 */
#include "daemon/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/ip.h"
#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/option.h"

int listen_port(const char *s, bool names_ok) {
  if (!s || !*s) return -1;
  char *end;
  long v = strtol(s, &end, 10);
  if (*end == 0 && end != s) return v >= 0 && v <= 65535 ? (int)v : -1;
  if (!names_ok) return -1;
  struct servent *se = getservbyname(s, "tcp");
  return se ? ntohs((unsigned short)se->s_port) : -1;
}

/* The ports of a list (daemon_smtp_ports, tls_on_connect_ports) as an array
 * ending in -1. */
static const char *port_list(const char *list, int **out) {
  int n = list ? list_count(list, 0) : 0;
  int *p = store_get(sizeof(int) * (size_t)(n + 1), false);
  int k = 0, sep = 0;
  const char *l = list;
  char *item;
  while (l && (item = list_next(&l, &sep))) {
    int port = listen_port(item, true);
    if (port < 0) return str_sprintf("Exim configuration error:\n  TCP port \"%s\" not found", item);
    p[k++] = port;
  }
  p[k] = -1;
  *out = p;
  return NULL;
}

static bool all_zero(const ip_address *a) {
  int n = a->family == 4 ? 4 : 16;
  for (int i = 0; i < n; i++)
    if (a->b[i]) return false;
  return true;
}

/* One local_interfaces item: "addr", "addr.port" or "[addr]:port".
 * *port is -1 when the item has none.  On failure *addr is the text to
 * quote in the error (exim4: the address part when a numeric port was
 * split off, else the whole item). */
static bool parse_interface(const char *item, char **addr, int *port) {
  *port = -1;
  *addr = str_copy(item);
  if (item[0] == '[') {
    const char *close = strchr(item, ']');
    if (!close || close[1] != ':') return false;
    char *a = str_copyn(item + 1, (size_t)(close - item - 1));
    int p = listen_port(close + 2, false);
    if (p < 0) return false;
    *addr = a;
    *port = p;
    return ip_is_address(a, NULL) != 0;
  }
  if (ip_is_address(item, NULL)) return true;
  /* a port follows the last dot of an IPv6 address, or a fourth dot */
  const char *dot = strrchr(item, '.');
  int dots = 0;
  for (const char *q = item; *q; q++) dots += *q == '.';
  if (!dot || (!strchr(item, ':') && dots != 4)) return false;
  int p = listen_port(dot + 1, false);
  if (p < 0) return false;
  *addr = str_copyn(item, (size_t)(dot - item));
  *port = p;
  return ip_is_address(*addr, NULL) != 0;
}

const char *listen_plan(const char *override, bool tls_on_connect_all, listen_sock **out, int *count) {
  const char *interfaces = mainconf.local_interfaces;
  const char *ports_text = mainconf.daemon_smtp_ports;
  const char *where = "local_interfaces";
  const char *err;

  /* -oX: items with dots or colons replace local_interfaces, the others
   * daemon_smtp_ports (spec 13.3). */
  if (override) {
    gstring *ifs = NULL, *pts = NULL;
    int sep = 0;
    const char *l = override;
    char *item;
    while ((item = list_next(&l, &sep))) {
      if (strpbrk(item, ".:")) ifs = list_append(ifs, ';', item);
      else pts = list_append(pts, ';', item);
    }
    if (ifs) {
      interfaces = str_sprintf("<;%s", g_str(ifs));
      where = "-oX data";
    }
    if (pts) ports_text = str_sprintf("<;%s", g_str(pts));
  }

  int *ports, *tls_ports;
  if ((err = port_list(ports_text, &ports))) return err;
  if ((err = port_list(mainconf.tls_on_connect_ports, &tls_ports))) return err;
  int nports = 0;
  while (ports[nports] >= 0) nports++;

  int cap = 8, n = 0;
  listen_sock *ls = store_get(sizeof *ls * (size_t)cap, false);
  int sep = 0;
  const char *l = interfaces ? interfaces : "";
  char *item;
  while ((item = list_next(&l, &sep))) {
    char *addr;
    int port;
    if (!parse_interface(item, &addr, &port)) return str_sprintf("Malformed IP address \"%s\" in %s", addr, where);
    ip_address ip;
    if (!ip_parse(addr, false, &ip, NULL)) {
      /* a scoped IPv6 address ("fe80::1%eth0") parses without its scope */
      char *pct = strchr(addr, '%');
      char *bare = pct ? str_copyn(addr, (size_t)(pct - addr)) : addr;
      if (!ip_parse(bare, false, &ip, NULL))
        return str_sprintf("Malformed IP address \"%s\" in %s", addr, where);
    }
    int nitem = port >= 0 ? 1 : nports;
    for (int k = 0; k < nitem; k++) {
      if (n == cap) {
        listen_sock *bigger = store_get(sizeof *ls * (size_t)cap * 2, false);
        memcpy(bigger, ls, sizeof *ls * (size_t)cap);
        ls = bigger;
        cap *= 2;
      }
      listen_sock *s = &ls[n++];
      memset(s, 0, sizeof *s);
      s->fd = -1;
      s->family = ip.family;
      s->wildcard = all_zero(&ip);
      s->address = s->wildcard ? (ip.family == 6 ? "::" : "0.0.0.0") : addr;
      s->port = port >= 0 ? port : ports[k];
      s->skip = ip.family == 6 && mainconf.disable_ipv6;
      s->tls_on_connect = tls_on_connect_all;
      for (int *t = tls_ports; *t >= 0; t++)
        if (*t == s->port) s->tls_on_connect = true;
    }
  }

  /* One dual-stack socket for an IPv6 and an IPv4 wildcard on one port. */
  for (int i = 0; i < n; i++) {
    if (ls[i].skip || !ls[i].wildcard || ls[i].family != 6) continue;
    for (int j = 0; j < n; j++)
      if (!ls[j].skip && ls[j].wildcard && ls[j].family == 4 && ls[j].port == ls[i].port) {
        ls[i].dual_stack = true;
        ls[j].skip = true;
      }
  }
  /* The same address and port twice is one socket. */
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (!ls[j].skip && ls[j].port == ls[i].port && strcmp(ls[j].address, ls[i].address) == 0)
        ls[j].skip = true;

  *out = ls;
  *count = n;
  return NULL;
}

const char *listen_inherited(int fd, bool tls_on_connect_all, listen_sock **out, int *count) {
  struct sockaddr_storage sa;
  socklen_t len = sizeof sa;
  int type = 0, accepting = 0;
  socklen_t tlen = sizeof type, alen = sizeof accepting;
  if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 ||
      getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &alen) < 0 || type != SOCK_STREAM || !accepting ||
      (sa.ss_family != AF_INET && sa.ss_family != AF_INET6))
    return "standard input is not a listening TCP socket";
  listen_sock *s = store_get_in(POOL_PERM, sizeof *s, false);
  memset(s, 0, sizeof *s);
  char buf[INET6_ADDRSTRLEN];
  if (sa.ss_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&sa;
    inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof buf);
    s->port = ntohs(s6->sin6_port);
    s->family = 6;
  } else {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)&sa;
    inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof buf);
    s->port = ntohs(s4->sin_port);
    s->family = 4;
  }
  s->fd = fd;
  s->address = str_perm(buf);
  s->wildcard = strcmp(buf, "0.0.0.0") == 0 || strcmp(buf, "::") == 0;
  s->dual_stack = s->wildcard && s->family == 6;
  int *tls_ports;
  const char *err = port_list(mainconf.tls_on_connect_ports, &tls_ports);
  if (err) return err;
  s->tls_on_connect = tls_on_connect_all;
  for (int *t = tls_ports; *t >= 0; t++)
    if (*t == s->port) s->tls_on_connect = true;
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  *out = s;
  *count = 1;
  return NULL;
}

/* Undo dual-stack pairing when IPv6 sockets cannot be made at all. */
static void ipv6_unavailable(listen_sock *l, int count, listen_sock *s) {
  s->skip = true;
  if (!s->dual_stack) return;
  for (int j = 0; j < count; j++)
    if (l[j].wildcard && l[j].family == 4 && l[j].port == s->port) l[j].skip = false;
}

static const char *addr_for_log(const listen_sock *s) {
  if (s->wildcard) return s->family == 6 ? "(any IPv6)" : "(any IPv4)";
  return s->address;
}

const char *listen_open(listen_sock *l, int count) {
  for (int i = 0; i < count; i++) {
    listen_sock *s = &l[i];
    if (s->skip) continue;
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                             .ai_family = s->family == 6 ? AF_INET6 : AF_INET,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", s->port);
    int gai = getaddrinfo(s->address, portbuf, &hints, &ai);
    if (gai != 0) return str_sprintf("cannot use address %s: %s", s->address, gai_strerror(gai));

    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      int e = errno;
      freeaddrinfo(ai);
      if (s->family == 6 && (e == EAFNOSUPPORT || e == EPROTONOSUPPORT)) {
        DEBUG(D_interface) debug_printf("IPv6 is not available: %s not used\n", s->address);
        ipv6_unavailable(l, count, s);
        i = -1;  /* IPv4 wildcards may have come back: start again */
        for (int j = 0; j < count; j++)
          if (l[j].fd >= 0) { close(l[j].fd); l[j].fd = -1; }
        continue;
      }
      return str_sprintf("IPv%d socket creation failed: %s", s->family, strerror(e));
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s->family == 6) {
      int v6only = s->dual_stack ? 0 : 1;
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    for (int tries = mainconf.daemon_startup_retries;; tries--) {
      if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
      int e = errno;
      if (tries <= 0) {                 /* exim4 retries whatever the error */
        close(fd);
        freeaddrinfo(ai);
        return str_sprintf("socket bind() to port %d for address %s failed: %s: daemon abandoned",
                           s->port, addr_for_log(s), strerror(e));
      }
      log_write(LOG_MAIN, "socket bind() to port %d for address %s failed: %s: waiting %s before trying again (%d more %s)",
                s->port, addr_for_log(s), strerror(e), option_format_time(mainconf.daemon_startup_sleep),
                tries, tries == 1 ? "try" : "tries");
      sleep((unsigned)mainconf.daemon_startup_sleep);
    }
    freeaddrinfo(ai);
    if (listen(fd, mainconf.smtp_connect_backlog > 0 ? mainconf.smtp_connect_backlog : 20) < 0) {
      int e = errno;
      close(fd);
      return str_sprintf("listen() failed on interface %s: %s", addr_for_log(s), strerror(e));
    }
    s->fd = fd;
    DEBUG(D_interface) debug_printf("listening on %s port %d\n", s->address, s->port);
  }
  return NULL;
}

/* The words for the sockets of one kind (SMTP or SMTPS). */
static gstring *describe_kind(gstring *g, const listen_sock *l, int count, bool tls) {
  bool first = true;
  for (int i = 0; i < count; i++) {
    const listen_sock *s = &l[i];
    if (s->skip || s->tls_on_connect != tls) continue;
    if (!first) g = g_catc(g, ' ');
    first = false;
    if (s->wildcard) {
      g = g_fmt(g, "port %d (%s)", s->port, s->dual_stack ? "IPv6 and IPv4" : s->family == 6 ? "IPv6" : "IPv4");
      continue;
    }
    /* consecutive sockets on one address: [addr]:{p1,p2} */
    int j = i + 1;
    while (j < count && (l[j].skip || (l[j].tls_on_connect == tls && !l[j].wildcard &&
                                       strcmp(l[j].address, s->address) == 0)))
      j++;
    int same = 0;
    for (int k = i; k < j; k++) same += !l[k].skip;
    if (same == 1) {
      g = g_fmt(g, "[%s]:%d", s->address, s->port);
    } else {
      g = g_fmt(g, "[%s]:{", s->address);
      bool comma = false;
      for (int k = i; k < j; k++) {
        if (l[k].skip) continue;
        g = g_fmt(g, "%s%d", comma ? "," : "", l[k].port);
        comma = true;
      }
      g = g_catc(g, '}');
    }
    i = j - 1;
  }
  return g;
}

const char *listen_describe(const listen_sock *l, int count) {
  bool plain = false, tls = false;
  for (int i = 0; i < count; i++)
    if (!l[i].skip) {
      if (l[i].tls_on_connect) tls = true;
      else plain = true;
    }
  gstring *g = g_new(128, false);
  if (plain) g = describe_kind(g_cat(g, "SMTP on "), l, count, false);
  if (tls) {
    if (plain) g = g_cat(g, " and for ");
    g = describe_kind(g_cat(g, "SMTPS on "), l, count, true);
  }
  return g_str(g);
}
