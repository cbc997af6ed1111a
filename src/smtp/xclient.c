/* xclient.c - the XCLIENT command (EXPERIMENTAL_XCLIENT): advertisement to
 * hosts_xclient and the command's parameters ADDR NAME PORT LOGIN DESTADDR
 * DESTPORT, values in xtext, "[UNAVAILABLE]" / "[TEMPUNAVAIL]" for unknown
 * ones.  See xclient.h for the contract with the SMTP server.
 *
 * Entry points: xclient_ops_impl.ehlo_keyword and .command (through
 * xclient_ops_hooks).
 * Must never: change the connection unless every parameter of the command
 * is valid (a command is applied whole or not at all), or judge the
 * permission on an address an earlier XCLIENT supplied.
 */
#include "smtp/xclient.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"
#include "base/ip.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/match.h"
#include "smtp/smtp_in_int.h"

#define XCLIENT_KEYWORD "XCLIENT ADDR NAME PORT LOGIN DESTADDR DESTPORT"
#define VALUE_MAX 255

/* The connection's own peer, fixed at the first XCLIENT (one connection
 * per process). */
static const char *real_peer;

static const char *peer_of(const smtp_conn *c) { return real_peer ? real_peer : c->host_address; }

static bool permitted(const smtp_conn *c) {
  const char *err = NULL;
  if (!mainconf.hosts_xclient || !peer_of(c)) return false;
  return match_host_list(NULL, peer_of(c), mainconf.hosts_xclient, &err) == MATCH_YES;
}

static const char *ehlo_keyword(smtp_conn *c) { return permitted(c) ? XCLIENT_KEYWORD : NULL; }

/* What one command asks for; NULL strings and -1 ports are "not given". */
typedef struct {
  bool addr_given, name_given, port_given, login_given, daddr_given, dport_given;
  const char *addr, *name, *login, *daddr;   /* NULL: unavailable */
  int port, dport;                           /* -1: unavailable */
  bool name_tempfail;
} xclient_req;

static bool unavailable(const char *v) { return strcmp(v, "[UNAVAILABLE]") == 0 || strcmp(v, "[TEMPUNAVAIL]") == 0; }

static bool port_ok(const char *v, int *port) {
  if (unavailable(v)) {
    *port = -1;
    return true;
  }
  if (!*v || strlen(v) > 5) return false;
  for (const char *p = v; *p; p++)
    if (*p < '0' || *p > '9') return false;
  *port = atoi(v);
  return *port <= 65535;
}

/* "1.2.3.4" or "IPV6:2001:db8::1" (Postfix's form; a bare IPv6 address is
 * taken too). */
static bool addr_ok(const char *v, const char **out) {
  if (unavailable(v)) {
    *out = NULL;
    return true;
  }
  if (str_ncmpic(v, "IPV6:", 5) == 0) {
    if (ip_is_address(v + 5, NULL) != 6) return false;
    *out = str_copy_taint(v + 5, true);
    return true;
  }
  if (!ip_is_address(v, NULL)) return false;
  *out = str_copy_taint(v, true);
  return true;
}

static bool name_ok(const char *v) {
  if (!*v || strlen(v) > VALUE_MAX) return false;
  for (const char *p = v; *p; p++)
    if (!(isalnum(uc(*p)) || *p == '-' || *p == '.' || *p == '_')) return false;
  return true;
}

static int fail(const char **reply, int code, const char *text) {
  *reply = str_sprintf("%d %s", code, text);
  return code;
}

static int command(smtp_conn *c, const char *args, const char **reply) {
  if (!permitted(c)) return fail(reply, 550, "XCLIENT command used when not advertised");
  if (c->env.mail_seen) return fail(reply, 503, "XCLIENT command not permitted during a mail transaction");
  args = str_skip_space(args ? args : "");
  if (!*args) return fail(reply, 501, "XCLIENT must have at least one operand");

  xclient_req q;
  memset(&q, 0, sizeof q);
  q.port = q.dport = -1;
  char *work = str_copy_taint(args, true);
  for (char *save, *item = strtok_r(work, " \t", &save); item; item = strtok_r(NULL, " \t", &save)) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item) return fail(reply, 501, str_sprintf("XCLIENT: malformed parameter \"%s\"", str_printing(item)));
    *eq = 0;
    const char *name = item;
    char *value = xtext_decode(eq + 1);
    if (!value || strlen(value) > VALUE_MAX)
      return fail(reply, 501, str_sprintf("XCLIENT: invalid xtext in %s value", str_printing(name)));
    bool ok;
    if (str_eqic(name, "ADDR")) {
      q.addr_given = true;
      ok = addr_ok(value, &q.addr);
    } else if (str_eqic(name, "NAME")) {
      q.name_given = true;
      q.name_tempfail = strcmp(value, "[TEMPUNAVAIL]") == 0;
      if ((ok = unavailable(value) || name_ok(value))) q.name = unavailable(value) ? NULL : str_copy_taint(value, true);
    } else if (str_eqic(name, "PORT")) {
      q.port_given = true;
      ok = port_ok(value, &q.port);
    } else if (str_eqic(name, "LOGIN")) {
      q.login_given = true;
      ok = true;
      for (const char *p = value; *p; p++)
        if (uc(*p) < 33 || uc(*p) > 126) ok = false;
      q.login = unavailable(value) || !*value ? NULL : str_copy_taint(value, true);
    } else if (str_eqic(name, "DESTADDR")) {
      q.daddr_given = true;
      ok = addr_ok(value, &q.daddr);
    } else if (str_eqic(name, "DESTPORT")) {
      q.dport_given = true;
      ok = port_ok(value, &q.dport);
    } else {
      return fail(reply, 501, str_sprintf("XCLIENT: unrecognised parameter \"%s\"", str_printing(name)));
    }
    if (!ok) return fail(reply, 501, str_sprintf("XCLIENT: invalid value for %s", str_printing(name)));
  }
  if (!c->xclient_used && (!q.addr_given || !q.port_given))
    return fail(reply, 501, "XCLIENT must give both ADDR and PORT parameters when first used");

  /* Valid: apply it whole. */
  if (!c->xclient_used) {
    real_peer = str_perm(c->host_address ? c->host_address : "");
    c->proxy_session = true;
    c->proxy_local_address = c->host_address;
    c->proxy_local_port = c->host_port;
    c->xclient_used = true;
  }
  if (q.addr_given) {
    c->host_address = q.addr;
    c->host_name = NULL;
    c->host_lookup_failed = c->host_lookup_deferred = false;
  }
  if (q.port_given) c->host_port = q.port < 0 ? 0 : q.port;
  if (q.name_given) {
    c->host_name = q.name;
    c->host_lookup_failed = !q.name && !q.name_tempfail;
    c->host_lookup_deferred = !q.name && q.name_tempfail;
  }
  if (q.login_given) c->authenticated_id = q.login;
  if (q.daddr_given) c->proxy_external_address = q.daddr;
  if (q.dport_given) c->proxy_external_port = q.dport < 0 ? 0 : q.dport;

  /* As after a new connection: HELO/EHLO needed again, no message. */
  c->helo_seen = false;
  c->esmtp = false;
  c->helo_name = NULL;
  c->helo_verified = false;
  c->helo_verify_name = NULL;
  smtp_host_options(c);   /* the host lists again, for the new client */
  conn_reset_envelope(c);
  conn_publish(c);
  DEBUG(D_receive) debug_printf("XCLIENT: client now [%s]:%d\n", c->host_address ? c->host_address : "", c->host_port);
  *reply = "220 XCLIENT success";
  return 220;
}

const struct xclient_ops xclient_ops_impl = {.ehlo_keyword = ehlo_keyword, .command = command};
