/* route_hosts.c - host lists for the routers that find remote hosts
 * (manualroute, ipliteral, fallback_hosts; spec 20.4-20.7, 15 "self" and
 * "ignore_target_hosts", 13.8 local host detection): parsing a host list,
 * finding the hosts' addresses with the system resolver, dropping ignored
 * addresses, and what to do when the first host is this host.
 *
 * Entry points: route_hosts_parse(), route_hosts_lookup(), route_host_is_local(),
 * route_self().
 * Must never: pretend to have done a DNS lookup (MX lookups are refused
 * with a deferral naming what is missing); block on anything but the
 * system resolver.
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
      int j = (int)(random() % (i + 1));
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

void route_log_no_address(const char *name) {
  if (!name || !conn_current) return;
  const char *h = g_str(conn_host_text(NULL, conn_current));
  if (h[0] == 'H' && h[1] == '=') h += 2;
  const char *text = str_sprintf("no IP address found for host %s (during SMTP connection from %s)",
                                 name, h);
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

/* Whether ignore_target_hosts drops this address. */
static bool ignored(router_instance *r, const char *name, const char *ip) {
  if (!r->ignore_target_hosts) return false;
  const char *err = NULL;
  expand_var_set("host_address", ip);
  bool yes = match_host_list(name, ip, r->ignore_target_hosts, &err) == MATCH_YES;
  expand_var_set("host_address", NULL);
  return yes;
}

/* Addresses of h->name from the system resolver: one host_item per
 * address, in the resolver's order (IPv4 first with ipv4_prefer, only IPv4
 * with ipv4_only).  HOST_FOUND, HOST_FIND_FAILED or HOST_FIND_AGAIN. */
static int lookup_one(router_instance *r, host_item *h, unsigned how, host_item **out) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = (how & RH_IPV4_ONLY) ? AF_INET : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(h->name, NULL, &hints, &res);
  if (rc == EAI_AGAIN) return HOST_FIND_AGAIN;
  if (rc != 0) return HOST_FIND_FAILED;
  host_item *first = NULL, **tail = &first;
  for (int pass = 0; pass < 2; pass++) {
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
      char buf[INET6_ADDRSTRLEN];
      bool v4 = ai->ai_family == AF_INET;
      if ((how & RH_IPV4_PREFER) ? (pass == 0) != v4 : pass == 1) continue;
      const void *src = v4 ? (const void *)&((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr
                           : (const void *)&((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr;
      if (!inet_ntop(ai->ai_family, src, buf, sizeof buf)) continue;
      bool dup = false;
      for (host_item *x = first; x; x = x->next)
        if (strcmp(x->address, buf) == 0) dup = true;
      if (dup || ignored(r, h->name, buf)) continue;
      host_item *n = new_host(h->name);
      n->address = str_copy(buf);
      n->port = h->port;
      *tail = n;
      tail = &n->next;
    }
  }
  freeaddrinfo(res);
  if (!first) return HOST_FIND_FAILED;
  *out = first;
  return HOST_FOUND;
}

int route_hosts_lookup(router_instance *r, address_item *a, host_item **list, unsigned how,
                       const char **failed_name) {
  host_item *out = NULL, **tail = &out;
  *failed_name = NULL;
  for (host_item *h = *list, *next; h; h = next) {
    next = h->next;
    h->next = NULL;
    if (h->mx == 0) {
      *failed_name = h->name;
      a->message = str_sprintf("%s router: MX lookups (\"%s/MX\") need the DNS resolver, which is "
                               "not in this build yet", r->drv.name, h->name);
      return HOST_FIND_AGAIN;
    }
    host_item *found = NULL;
    int rc;
    if (h->address) {
      if (ignored(r, h->name, h->address)) rc = HOST_FIND_FAILED;
      else {
        found = h;
        rc = HOST_FOUND;
      }
    } else {
      rc = lookup_one(r, h, how, &found);
    }
    if (rc != HOST_FOUND) {
      *failed_name = h->name;
      if (how & RH_IGNORE_FAILED) continue;
      *list = out;
      return rc;
    }
    /* A local host after the first ends the list (spec 20.6); the first
     * being local is for "self" to decide before anything else. */
    bool local = route_host_is_local(found);
    if (out && local) break;
    *tail = found;
    while (*tail) tail = &(*tail)->next;
    if (local && r->self_code != SELF_SEND) break;
  }
  *list = out;
  return out ? HOST_FOUND : HOST_FIND_FAILED;
}

int route_self(router_instance *r, address_item *a, host_item *first, route_ctx *ctx) {
  a->self_hostname = first->name;
  switch (r->self_code) {
  case SELF_SEND:
    return OK;
  case SELF_PASS:
    expand_var_set("self_hostname", first->name);
    return PASS;
  case SELF_REROUTE: {
    address_item *c = addr_child(a, str_sprintf("%s@%s", a->cc_local_part, r->self_reroute));
    route_add_generated(ctx, c);
    return OK;
  }
  case SELF_FAIL:
    a->message = "remote host address is the local host";
    a->basic_errno = ERRNO_UNKNOWNHOST;
    return FAIL;
  case SELF_DEFER:
  case SELF_FREEZE:
  default:
    log_write(LOG_MAIN, "remote host address is the local host: %s (while routing <%s>)",
              a->domain, a->address);
    a->message = "remote host address is the local host";
    a->basic_errno = ERRNO_UNKNOWNHOST;
    if (r->self_code == SELF_FREEZE) a->special_action = SPECIAL_FREEZE;
    return DEFER;
  }
}
