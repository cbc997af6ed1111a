/* route_hosts.c - host lists for the routers that find remote hosts
 * (manualroute, queryprogram, fallback_hosts; spec 20.4-20.7, 15 "self"):
 * parsing a host list, finding each item's addresses through host_find.c
 * (bydns, byname, the default, "/MX"), local host detection, and what to
 * do when the first host is this host.
 *
 * Entry points: route_hosts_parse(), route_hosts_lookup(), route_host_is_local(),
 * route_self(), route_self_msg(), route_dnssec_flags().
 * Must never: keep a host after a local one in a list; look anything up
 * but through host_find.c.
 */
#include "route.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "../expand/variables.h"
#include "../smtp/conn.h"
#include "host_find.h"

static host_item *new_host(const char *name) {
  host_item *h = store_zget(sizeof *h, false);
  h->name = name;
  h->port = PORT_NONE;
  h->mx = MX_NONE;
  return h;
}

bool route_is_ip_address(const char *s, int *family) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, s, buf) == 1) {
    if (family) *family = 4;
    return true;
  }
  if (inet_pton(AF_INET6, s, buf) == 1) {
    if (family) *family = 6;
    return true;
  }
  return false;
}

/* One item: "name", "ip", "name:port", "[ip]:port", "name/MX[:port]",
 * or "+" (a randomizing group boundary: sort_key marks it). */
static host_item *parse_item(const char *item) {
  char *s = str_copy(item);
  int port = PORT_NONE;
  if (s[0] == '[') {
    /* Brackets only with a port; "[ip]" alone stays a (bad) name. */
    char *close = strchr(s, ']');
    if (close && close[1] == ':' && isdigit((unsigned char)close[2])) {
      port = atoi(close + 2);
      *close = 0;
      s++;
    }
  } else {
    char *colon = strrchr(s, ':');
    if (colon && strchr(s, ':') == colon && colon[1]) {
      char *p = colon + 1;
      while (isdigit((unsigned char)*p)) p++;
      if (!*p) {
        port = atoi(colon + 1);
        *colon = 0;
      }
    }
  }
  host_item *h = new_host(s);
  h->port = port;
  size_t n = strlen(s);
  if (n > 3 && str_eqic(s + n - 3, "/MX")) {
    s[n - 3] = 0;
    h->mx = 0;                     /* marks "look up MX records" */
  }
  if (route_is_ip_address(s, NULL)) h->address = s;
  return h;
}

host_item *route_hosts_parse(const char *list, bool randomize) {
  host_item *first = NULL, **tail = &first;
  int sep = 0, n = 0;
  char *item;
  while ((item = list_next(&list, &sep))) {
    if (!*item) continue;
    host_item *h;
    if (strcmp(item, "+") == 0) {
      h = new_host("+");
      h->status = -1;              /* a group boundary, removed below */
    } else {
      h = parse_item(item);
    }
    *tail = h;
    tail = &h->next;
    n++;
  }
  if (!randomize || n < 2) {
    /* Drop group boundaries. */
    for (host_item **p = &first; *p;)
      if ((*p)->status == -1) *p = (*p)->next;
      else p = &(*p)->next;
    return first;
  }
  /* Randomize within each group ("+" separates groups). */
  host_item *out = NULL, **otail = &out;
  host_item *h = first;
  while (h) {
    host_item *grp[256];
    int k = 0;
    while (h && h->status != -1) {
      if (k < 256) grp[k++] = h;
      h = h->next;
    }
    if (h) h = h->next;
    for (int i = k - 1; i > 0; i--) {
      int j = (int)host_random(i + 1);
      host_item *t = grp[i];
      grp[i] = grp[j];
      grp[j] = t;
    }
    for (int i = 0; i < k; i++) {
      grp[i]->next = NULL;
      *otail = grp[i];
      otail = &grp[i]->next;
    }
  }
  return out;
}

/* The SMTP client as log lines name it, without "H=" ("(helo) [ip]"). */
static const char *client_text(void) {
  const char *h = g_str(conn_host_text(NULL, conn_current));
  if (h[0] == 'H' && h[1] == '=') h += 2;
  return h;
}

void route_log_no_address(const char *name) {
  if (!name || !conn_current) return;
  const char *text = str_sprintf("no IP address found for host %s (during SMTP connection from %s)",
                                 name, client_text());
  if (route_tracing) fprintf(stderr, ">>> %s\n", text);
  log_write(LOG_MAIN, "%s", text);
}

bool route_host_is_local(const host_item *h) {
  const char *err = NULL;
  if (h->address && match_host_list(h->name, h->address, "@[]", &err) == MATCH_YES) return true;
  if (mainconf.hosts_treat_as_local &&
      match_domain_list(h->name, mainconf.hosts_treat_as_local, NULL, &err) == MATCH_YES)
    return true;
  return false;
}

/* The generic dnssec_request_domains / dnssec_require_domains for a name. */
unsigned route_dnssec_flags(router_instance *r, const char *name) {
  unsigned f = 0;
  const char *err = NULL;
  if (r->dnssec_request_domains &&
      match_domain_list(name, r->dnssec_request_domains, NULL, &err) == MATCH_YES)
    f |= HF_DNSSEC_REQUEST;
  if (r->dnssec_require_domains &&
      match_domain_list(name, r->dnssec_require_domains, NULL, &err) == MATCH_YES)
    f |= HF_DNSSEC_REQUIRE;
  return f;
}

/* The addresses of one item of a host list: "/MX" items by MX, others by
 * bydns, byname or the default (DNS, then getaddrinfo()). */
static int lookup_one(router_instance *r, host_item *h, unsigned how, host_item **out) {
  host_find_opts o;
  memset(&o, 0, sizeof o);
  o.ignore_target_hosts = r->ignore_target_hosts;
  o.port = h->port;
  o.flags = HF_NO_LOCAL_CHECK | route_dnssec_flags(r, h->name);
  if (how & RH_IPV4_ONLY) o.flags |= HF_IPV4_ONLY;
  if (how & RH_IPV4_PREFER) o.flags |= HF_IPV4_PREFER;
  host_find_result res;
  int rc;
  if (h->mx == 0) {
    o.flags = (o.flags & ~(unsigned)HF_NO_LOCAL_CHECK) | HF_MX;
    rc = host_find_bydns(h->name, &o, &res);
    if (rc == HOST_FOUND_LOCAL) rc = HOST_FOUND;
  } else if (how & RH_BYNAME) {
    rc = host_find_byname(h->name, &o, &res);
  } else if (how & RH_BYDNS) {
    rc = host_find_bydns(h->name, &o, &res);
  } else {
    rc = host_find_default(h->name, &o, &res);
  }
  if (rc == HOST_FIND_SECURITY) rc = HOST_FIND_AGAIN;
  if (rc != HOST_FOUND) return rc;
  /* Hosts from MX records with no address are no use to a host list. */
  host_item **p = &res.hosts;
  while (*p)
    if (!(*p)->address) *p = (*p)->next;
    else p = &(*p)->next;
  if (!res.hosts) return HOST_FIND_FAILED;
  *out = res.hosts;
  return HOST_FOUND;
}

int route_hosts_lookup(router_instance *r, address_item *a, host_item **list, unsigned how,
                       const char **failed_name) {
  host_item *out = NULL, **tail = &out;
  *failed_name = NULL;
  (void)a;
  for (host_item *h = *list, *next; h; h = next) {
    next = h->next;
    h->next = NULL;
    host_item *found = NULL;
    int rc;
    if (h->address) {
      if (host_find_ignored(r->ignore_target_hosts, h->name, h->address)) rc = HOST_FIND_FAILED;
      else {
        found = h;
        rc = HOST_FOUND;
      }
    } else {
      rc = lookup_one(r, h, how, &found);
    }
    if (rc != HOST_FOUND) {
      if ((how & RH_IGNORE_FAILED) && rc == HOST_FIND_FAILED) continue;
      *failed_name = h->name;
      *list = out;
      return rc;
    }
    /* A local host after the first ends the list (spec 20.6); the first
     * being local is for "self" to decide before anything else. */
    bool local = route_host_is_local(found);
    if (local) route_trace("local host found for non-MX address");
    if (out && local) break;
    *tail = found;
    while (*tail) tail = &(*tail)->next;
    if (local && r->self_code != SELF_SEND) break;
  }
  *list = out;
  return out ? HOST_FOUND : HOST_FIND_FAILED;
}

int route_self(router_instance *r, address_item *a, host_item *first, route_ctx *ctx) {
  return route_self_msg(r, a, first, ctx, "remote host address is the local host");
}

int route_self_msg(router_instance *r, address_item *a, host_item *first, route_ctx *ctx,
                   const char *msg) {
  a->self_hostname = first->name;
  switch (r->self_code) {
  case SELF_SEND:
    return OK;
  case SELF_PASS:
    expand_var_set("self_hostname", first->name);
    a->message = msg;
    return PASS;
  case SELF_REROUTE: {
    address_item *c = addr_child(a, str_sprintf("%s@%s", a->cc_local_part, r->self_reroute));
    route_add_generated(ctx, c);
    return OK;
  }
  case SELF_FAIL:
    a->message = msg;
    a->basic_errno = ERRNO_UNKNOWNHOST;
    return FAIL;
  case SELF_DEFER:
  case SELF_FREEZE:
  default:
    /* Verifying for an SMTP client, the log names the client. */
    if (conn_current && ctx &&
        (ctx->purpose == ROUTE_VERIFY_RECIPIENT || ctx->purpose == ROUTE_VERIFY_SENDER))
      log_write(LOG_MAIN, "%s: %s (while verifying <%s> from host %s)", msg, a->domain,
                a->address, client_text());
    else
      log_write(LOG_MAIN, "%s: %s (while routing <%s>)", msg, a->domain, a->address);
    a->message = msg;
    a->basic_errno = ERRNO_UNKNOWNHOST;
    if (r->self_code == SELF_FREEZE) a->special_action = SPECIAL_FREEZE;
    return DEFER;
  }
}
