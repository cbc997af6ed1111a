/* smtp_in_host.c - the peer's host name (host_lookup, spec 5 and
 * $sender_host_name): the address is looked up as host_lookup_order says
 * ("bydns": a PTR query through src/dns; "byaddr": gethostbyaddr), and a
 * name is accepted only when a forward lookup of it gives the address
 * back.  Every name the reverse lookup gave is checked; the first that
 * maps back becomes the host name.  A temporary error leaves the lookup
 * "deferred" (tried again when something needs the name); a failure is
 * final for the connection.  Under -bh the steps are told as exim4 tells
 * them (">>> looking up host name for ...").
 *
 * Entry points: smtp_host_lookup(), smtp_host_name_needed() (verify =
 * reverse_host_lookup, host list items that need the name),
 * smtp_ident_lookup() (RFC 1413), smtp_helo_verify() (helo_verify_hosts,
 * helo_try_verify_hosts and verify = helo share it: the HELO name is the
 * calling address in brackets, or the verified host name, or a name whose
 * DNS A/AAAA records give the address).
 *
 * Must never: set a name that does not map back to the address, or block
 * longer than the resolver's own timeouts.
 */
#include <netdb.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/ip.h"
#include "base/list.h"
#include "base/log.h"
#include "base/log_selector.h"
#include "base/sock.h"
#include "config/main_config.h"
#include "dns/dns.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "smtp/smtp_in_int.h"

/* The -bh commentary, or debug output under -d+host_lookup. */
static void hl_trace(const smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hl_trace(const smtp_conn *c, const char *fmt, ...) {
  if (!c->host_checking && !(debug_selector & D_host_lookup)) return;
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(g_new(64, false), fmt, ap);
  va_end(ap);
  if (c->host_checking) {
    fprintf(stderr, ">>> %s\n", g_str(g));
    fflush(stderr);
  } else {
    debug_printf("%s\n", g_str(g));
  }
}

static bool same_address(const ip_address *a, const char *text) {
  ip_address b;
  if (!ip_parse(text, false, &b, NULL)) return false;
  ip_address x = *a, y = b;
  ip_to_v6(&x);
  ip_to_v6(&y);
  return memcmp(x.b, y.b, 16) == 0;
}

typedef enum { NAMES_FOUND, NAMES_NONE, NAMES_AGAIN } names_rc;

/* The names a PTR lookup gives (bydns). */
static names_rc names_bydns(smtp_conn *c, const char *addr, const char ***names, int *n) {
  const char *rev = dns_reverse_name(addr);
  if (!rev) return NAMES_NONE;
  dns_init(false, false, false);
  dns_answer *ans = NULL;
  const char *fqn = NULL;
  dns_rc rc = dns_lookup(&ans, rev, DNS_T_PTR, &fqn);
  if (rc == DNS_AGAIN) {
    hl_trace(c, "IP address PTR lookup gave temporary error");
    return NAMES_AGAIN;
  }
  if (rc != DNS_SUCCEED) return NAMES_NONE;
  int count = 0;
  for (const dns_record *r = dns_first(ans->answer, DNS_T_PTR); r; r = dns_next(r, DNS_T_PTR)) count++;
  *names = store_get(sizeof(char *) * (size_t)(count + 1), false);
  *n = 0;
  for (const dns_record *r = dns_first(ans->answer, DNS_T_PTR); r; r = dns_next(r, DNS_T_PTR))
    if (r->target && *r->target && strcmp(r->target, ".") != 0) (*names)[(*n)++] = str_lc(r->target);
  return *n ? NAMES_FOUND : NAMES_NONE;
}

/* The names gethostbyaddr gives (byaddr). */
static names_rc names_byaddr(smtp_conn *c, const ip_address *a, const char ***names, int *n) {
  hl_trace(c, "IP address lookup using gethostbyaddr()");
  struct hostent *he = gethostbyaddr(a->b, a->family == 4 ? 4 : 16, a->family == 4 ? AF_INET : AF_INET6);
  if (!he || !he->h_name) {
    int err = h_errno;
    hl_trace(c, "IP address lookup failed: h_errno=%d", err);
    return err == TRY_AGAIN ? NAMES_AGAIN : NAMES_NONE;
  }
  int count = 1;
  for (char **al = he->h_aliases; al && *al; al++) count++;
  *names = store_get(sizeof(char *) * (size_t)(count + 1), false);
  *n = 0;
  (*names)[(*n)++] = str_lc(str_copy_taint(he->h_name, true));
  for (char **al = he->h_aliases; al && *al; al++) (*names)[(*n)++] = str_lc(str_copy_taint(*al, true));
  return NAMES_FOUND;
}

/* The forward check of one name: 1 it gives the address, 0 not, -1
 * temporary error. */
static int check_name(smtp_conn *c, const char *name, const ip_address *a) {
  int types[2] = {DNS_T_A, 0};
  if (a->family == 6) types[0] = DNS_T_AAAA, types[1] = DNS_T_A;
  bool match = false, again = false;
  gstring *lines = NULL;   /* the addresses, for the commentary */
  for (int t = 0; t < 2 && types[t]; t++) {
    dns_answer *ans = NULL;
    const char *fqn = NULL;
    dns_rc rc = dns_lookup(&ans, name, types[t], &fqn);
    if (rc == DNS_AGAIN) again = true;
    if (rc != DNS_SUCCEED) continue;
    for (const dns_record *r = dns_first(ans->answer, types[t]); r; r = dns_next(r, types[t])) {
      if (fqn && strcasecmp(r->name, fqn) != 0) continue;
      bool ok = same_address(a, r->target);
      lines = g_fmt(lines, "%s  %s%s", lines ? "\n" : "", r->target, ok ? " OK" : "");
      if (ok) match = true;
    }
  }
  if (!lines) {
    if (again) return -1;
    hl_trace(c, "no IP addresses found for %s", name);
    return 0;
  }
  hl_trace(c, "checking addresses for %s", name);
  const char *p = g_str(lines);
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    hl_trace(c, "%.*s", (int)n, p);
    p += n + (nl ? 1 : 0);
  }
  if (match) return 1;
  hl_trace(c, "no IP address for %s matched %s", name, c->host_address);
  return 0;
}

static void lookup_now(smtp_conn *c) {
  ip_address a;
  if (!ip_parse(c->host_address, false, &a, NULL)) return;
  hl_trace(c, "looking up host name for %s", c->host_address);
  c->host_lookup_deferred = false;
  const char **names = NULL;
  int n = 0;
  names_rc nr = NAMES_NONE;
  const char *order = mainconf.host_lookup_order ? mainconf.host_lookup_order : "bydns:byaddr";
  int sep = 0;
  const char *how;
  while (nr == NAMES_NONE && (how = list_next(&order, &sep)) != NULL) {
    if (str_eqic(how, "bydns")) nr = names_bydns(c, c->host_address, &names, &n);
    else if (str_eqic(how, "byaddr")) nr = names_byaddr(c, &a, &names, &n);
  }
  if (nr == NAMES_AGAIN) {
    c->host_lookup_deferred = true;
    return;
  }
  if (nr == NAMES_NONE) {
    c->host_lookup_failed = true;
    if (LOGGING(host_lookup_failed)) log_write(LOG_MAIN, "no host name found for IP address %s", c->host_address);
    return;
  }
  hl_trace(c, "IP address lookup yielded \"%s\"", names[0]);
  for (int i = 1; i < n; i++) hl_trace(c, "  alias \"%s\"", names[i]);
  const char *verified = NULL;
  bool again = false;
  for (int i = 0; i < n; i++) {
    int r = check_name(c, names[i], &a);
    if (r > 0 && !verified) verified = names[i];
    if (r < 0) again = true;
  }
  if (verified) {
    c->host_name = str_copy_taint(verified, true);
    return;
  }
  if (again) {
    c->host_lookup_deferred = true;
    return;
  }
  hl_trace(c, "%s does not match any IP address for %s", c->host_address, names[0]);
  c->host_lookup_failed = true;
}

/* Host list items that need the name (match_host.c): look it up now. */
static const char *name_for_lists(const char *address, const char *pattern) {
  smtp_conn *c = conn_current;
  if (!c || !c->host_address || !address || strcmp(address, c->host_address) != 0) return NULL;
  hl_trace(c, "sender host name required, to match against %s", pattern);
  if (smtp_host_name_needed(c) > 0) return c->host_name;
  return "";
}

static void list_trace(const char *line) {
  if (conn_current) hl_trace(conn_current, "%s", line);
}

/* $sender_host_name referenced before the name was looked up: looked up
 * now (spec: "a reference to $sender_host_name triggers a lookup"). */
static const char *var_on_demand(const char *name) {
  smtp_conn *c = conn_current;
  if (!c || strcmp(name, "sender_host_name") != 0 || !c->host_address) return NULL;
  return smtp_host_name_needed(c) > 0 ? c->host_name : NULL;
}

void smtp_host_lookup(smtp_conn *c, bool always) {
  match_host_name_finder = name_for_lists;
  match_host_trace = list_trace;
  expand_var_on_demand = var_on_demand;
  if (!c->host_address || c->host_name || c->host_lookup_failed) return;
  if (c->host_lookup_deferred && !always) return;
  if (!always && !smtp_host_in(c, mainconf.host_lookup, "host_lookup")) return;
  lookup_now(c);
  conn_publish(c);
}

int smtp_host_name_needed(smtp_conn *c) {
  if (!c->host_address) return 0;
  if (!c->host_name && !c->host_lookup_failed) smtp_host_lookup(c, true);
  return c->host_name ? 1 : c->host_lookup_deferred ? -1 : 0;
}

void smtp_list_trace(const smtp_conn *c, const char *who, const char *option, match_list_type type,
                     const char *subject, const char *list, bool yes) {
  if (!c->host_checking) return;
  /* the item named is the first of the expanded list that matches on its
   * own (for the words only: yes/no is the whole list's answer) */
  const char *why = "option unset";
  if (list) {
    why = NULL;
    const char *x = expand_cstring(list);
    int sep = 0;
    const char *p = x;
    char *item;
    while (x && !why && (item = list_next(&p, &sep)) != NULL) {
      const char *core = item;
      while (*core == '!' || *core == ' ') core++;
      const char *err = NULL;
      if (match_list_check(type, subject, type == MATCH_LIST_HOST ? c->host_name : NULL, core,
                           MATCH_F_NOEXPAND, NULL, &err) == MATCH_YES)
        why = str_sprintf("matched \"%s\"", item);
    }
    if (!why) why = "end of list";
  }
  fprintf(stderr, ">>> %s in %s? %s (%s)\n", who, option, yes ? "yes" : "no", why);
  fflush(stderr);
}

void smtp_bh_trace(void *conn, const char *line) {
  hl_trace(conn, "%s", line);
}

/* Does the DNS give name the address a (AAAA and A records)? */
static bool dns_name_has_address(const char *name, const ip_address *a) {
  static const int types[] = {DNS_T_AAAA, DNS_T_A};
  dns_init(false, false, false);
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    dns_answer *ans = NULL;
    const char *fqn = NULL;
    if (dns_lookup(&ans, name, types[t], &fqn) != DNS_SUCCEED) continue;
    for (const dns_record *r = dns_first(ans->answer, types[t]); r; r = dns_next(r, types[t]))
      if (same_address(a, r->target)) return true;
  }
  return false;
}

static void helo_trace(smtp_helo_trace_fn trace, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void helo_trace(smtp_helo_trace_fn trace, void *arg, const char *fmt, ...) {
  if (!trace) return;
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(g_new(64, false), fmt, ap);
  va_end(ap);
  trace(arg, g_str(g));
}

bool smtp_helo_verify(smtp_conn *c, const char *helo, smtp_helo_trace_fn trace, void *arg) {
  ip_address a;
  if (!c->host_address || !ip_parse(c->host_address, false, &a, NULL) || !helo) return false;
  /* done for this HELO name already (helo_verify_hosts at HELO, or an
   * earlier verify = helo): the same answer, without a second commentary */
  if (c->helo_verify_name && strcmp(c->helo_verify_name, helo) == 0) return c->helo_verified;
  helo_trace(trace, arg, "verifying EHLO/HELO argument \"%s\"", helo);
  bool ok = false;
  size_t n = strlen(helo);
  if (n > 2 && helo[0] == '[' && helo[n - 1] == ']') {
    const char *lit = str_copyn(helo + 1, n - 2);
    if (str_ncmpic(lit, "IPv6:", 5) == 0) lit += 5;
    ok = same_address(&a, lit);
    if (ok) helo_trace(trace, arg, "matched host address");
  } else {
    smtp_host_name_needed(c);
    if (c->host_name && str_eqic(c->host_name, helo)) {
      ok = true;
      helo_trace(trace, arg, "matched host name");
    } else {
      helo_trace(trace, arg, "getting IP address for %s", helo);
      ok = dns_name_has_address(helo, &a);
      if (ok) {
        helo_trace(trace, arg, "IP address for %s matches calling address", helo);
        helo_trace(trace, arg, "Forward DNS security status: unverified");
      }
    }
  }
  c->helo_verify_name = str_perm(helo);
  c->helo_verified = ok;
  return ok;
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
