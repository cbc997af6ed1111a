/* host_find.c - the hosts and addresses of one name: SRV, MX and address
 * records through src/dns (dnslookup, manualroute bydns and "/MX"), or
 * getaddrinfo() (byname); ignore_target_hosts; local host detection in an
 * MX list (spec 17: a local host at the lowest preference is for "self",
 * at a higher preference it is removed with every host from there on).
 *
 * Entry points: host_find_bydns(), host_find_byname(), host_find_default(),
 * host_find_ignored(), host_random().
 * Must never: invent an address; turn a temporary DNS error into "no such
 * host" unless the configuration asks for it.
 */
#include "host_find.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../dns/dns.h"
#include "../expand/match.h"
#include "../expand/variables.h"
#include "route.h"

/* Bound on the hosts taken from one MX/SRV answer. */
#define MAX_TARGETS 256

long host_random(long n) {
  static bool seeded;
  if (!seeded) {
    srandom((unsigned)time(NULL) ^ ((unsigned)getpid() << 8));
    seeded = true;
  }
  return n > 0 ? random() % n : 0;
}

static host_item *new_host(const char *name, int port, int mx) {
  host_item *h = store_zget(sizeof *h, false);
  h->name = name;
  h->port = port;
  h->mx = mx;
  return h;
}

bool host_find_ignored(const char *list, const char *name, const char *ip) {
  if (!list || !*list) return false;
  const char *err = NULL;
  expand_var_set("host_address", ip);
  bool yes = match_host_list(name, ip, list, &err) == MATCH_YES;
  expand_var_set("host_address", NULL);
  return yes;
}

static bool in_list(const char *domain, const char *list) {
  if (!list || !*list) return false;
  const char *err = NULL;
  return match_domain_list(domain, list, NULL, &err) == MATCH_YES;
}

/* The name the resolver qualified `asked` to, leaving CNAMEs aside: the
 * start of the answer's CNAME chain when it extends the name asked for. */
static const char *qualified_name(const char *asked, const char *fqn, const dns_answer *ans) {
  if (!fqn) return NULL;
  const char *start = fqn;
  for (int hops = 0; hops < 64; hops++) {
    const dns_record *c;
    for (c = dns_first(ans->answer, DNS_T_CNAME); c; c = dns_next(c, DNS_T_CNAME))
      if (strcasecmp(c->target, start) == 0) break;
    if (!c) break;
    start = c->name;
  }
  size_t n = strlen(asked);
  if (strcasecmp(start, asked) == 0) return start;
  if (strncasecmp(start, asked, n) == 0 && start[n] == '.') return start;
  return asked;
}

/* ---- address records ------------------------------------------------- */

/* Append the addresses of one answer's records of `type` as copies of h,
 * in random order (spec 17: a host's addresses of one family are). */
static void add_addresses(host_item ***tail, const host_item *h, const char *name,
                          const dns_answer *ans, int type, const host_find_opts *o, int *ignored) {
  host_item **start = *tail;
  for (const dns_record *r = dns_first(ans->answer, type); r; r = dns_next(r, type)) {
    if (strcasecmp(r->name, name) != 0) continue;
    if (host_find_ignored(o->ignore_target_hosts, name, r->target)) {
      (*ignored)++;
      continue;
    }
    host_item *n = new_host(name, h->port, h->mx);
    n->address = r->target;
    n->sort_key = h->sort_key;
    n->status = hstatus_usable;
    n->dnssec = ans->authenticated;
    **tail = n;
    *tail = &n->next;
  }
  /* Shuffle the addresses just added by swapping their contents. */
  host_item *v[MAX_TARGETS];
  int k = 0;
  for (host_item *x = *start; x && k < MAX_TARGETS; x = x->next) v[k++] = x;
  for (int i = k - 1; i > 0; i--) {
    int j = (int)host_random(i + 1);
    const char *t = v[i]->address;
    v[i]->address = v[j]->address;
    v[j]->address = t;
  }
}

/* The address records of h->name, as one host_item per address (IPv6
 * first unless ipv4_prefer).  *out gets the items; *fqn the name the
 * records belong to.  HOST_FOUND, HOST_FIND_FAILED (none, or all ignored:
 * *all_ignored), HOST_FIND_AGAIN. */
static int find_addresses(const host_item *h, const host_find_opts *o, host_item **out,
                          const char **fqn, bool *secure, bool *all_ignored) {
  bool v6 = !(o->flags & HF_IPV4_ONLY) && !mainconf.disable_ipv6 &&
            !in_list(h->name, mainconf.dns_ipv4_lookup);
  int types[2] = {DNS_T_AAAA, DNS_T_A};
  if (!v6) types[0] = 0;
  if (o->flags & HF_IPV4_PREFER) {
    types[0] = DNS_T_A;
    types[1] = v6 ? DNS_T_AAAA : 0;
  }
  host_item *first = NULL, **tail = &first;
  int ignored = 0;
  bool again = false;
  *out = NULL;
  *all_ignored = false;
  for (int i = 0; i < 2; i++) {
    if (!types[i]) continue;
    dns_answer *ans = NULL;
    const char *name = NULL;
    dns_rc rc = dns_lookup(&ans, h->name, types[i], &name);
    if (rc == DNS_AGAIN) again = true;
    if (rc != DNS_SUCCEED) continue;
    if (!ans->authenticated) *secure = false;
    if (!*fqn) *fqn = qualified_name(h->name, name, ans);
    add_addresses(&tail, h, name, ans, types[i], o, &ignored);
  }
  if (first) {
    *out = first;
    return HOST_FOUND;
  }
  if (again) return HOST_FIND_AGAIN;
  *all_ignored = ignored > 0;
  return HOST_FIND_FAILED;
}

/* ---- MX and SRV targets ---------------------------------------------- */

/* Shuffle the runs of equal preference (MX), or order each run of equal
 * priority by RFC 2782's weighted random choice (SRV). */
static void order_targets(host_item **v, int n, bool srv) {
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && v[j]->mx == v[i]->mx) j++;
    for (int k = i; k < j - 1; k++) {
      int pick = k;  /* the host to put at k */
      if (srv) {
        long total = 0;
        for (int m = k; m < j; m++) total += v[m]->sort_key + 1;
        long x = host_random(total);
        for (int m = k; m < j; m++) {
          x -= v[m]->sort_key + 1;
          if (x < 0) {
            pick = m;
            break;
          }
        }
      } else {
        pick = k + (int)host_random(j - k);
      }
      host_item *t = v[k];
      v[k] = v[pick];
      v[pick] = t;
    }
    i = j;
  }
}

static int cmp_pref(const void *a, const void *b) {
  const host_item *x = *(host_item *const *)a, *y = *(host_item *const *)b;
  return x->mx < y->mx ? -1 : x->mx > y->mx;
}

/* The targets of an MX or SRV answer, sorted by preference (equal ones in
 * random order); duplicates keep their best preference.  NULL with
 * *no_service when the only record's target is the root ("."). */
static host_item *targets(const dns_answer *ans, const char *owner, int type, int port,
                          bool *no_service) {
  host_item *v[MAX_TARGETS];
  int n = 0, records = 0;
  bool root = false;
  *no_service = false;
  for (const dns_record *r = dns_first(ans->answer, type); r && n < MAX_TARGETS;
       r = dns_next(r, type)) {
    if (strcasecmp(r->name, owner) != 0) continue;
    records++;
    if (!r->target[0] || strcmp(r->target, ".") == 0) {
      root = true;
      continue;
    }
    bool dup = false;
    for (int i = 0; i < n; i++)
      if (strcasecmp(v[i]->name, r->target) == 0) {
        if (r->pref < v[i]->mx) v[i]->mx = r->pref;
        dup = true;
      }
    if (dup) continue;
    host_item *h = new_host(r->target, type == DNS_T_SRV ? r->port : port, r->pref);
    h->sort_key = type == DNS_T_SRV ? r->weight : 0;
    h->dnssec = ans->authenticated;
    v[n++] = h;
  }
  if (root && records == 1) {
    *no_service = true;
    return NULL;
  }
  qsort(v, (size_t)n, sizeof v[0], cmp_pref);
  order_targets(v, n, type == DNS_T_SRV);
  host_item *first = NULL, **tail = &first;
  for (int i = 0; i < n; i++) {
    *tail = v[i];
    tail = &v[i]->next;
  }
  return first;
}

/* Addresses for each MX/SRV target, in place: a target with none stays
 * as an unusable host; one whose addresses are all ignored goes; an IP
 * address as a target is used only with allow_mx_to_ip (*ip_mx: one was
 * refused).  Returns the new list. */
static host_item *resolve_targets(host_item *list, const host_find_opts *o, bool *secure,
                                  bool *any_again, bool *ip_mx) {
  host_item *out = NULL, **tail = &out;
  for (host_item *h = list, *next; h; h = next) {
    next = h->next;
    h->next = NULL;
    if (route_is_ip_address(h->name, NULL)) {
      /* An MX pointing at an IP address: allowed only by allow_mx_to_ip. */
      if (!mainconf.allow_mx_to_ip) {
        *ip_mx = true;
        h->status = hstatus_unusable;
        h->why = hwhy_failed;
      } else if (host_find_ignored(o->ignore_target_hosts, h->name, h->name)) {
        continue;
      } else {
        h->address = h->name;
        h->status = hstatus_usable;
      }
      *tail = h;
      tail = &h->next;
      continue;
    }
    host_item *found = NULL;
    const char *fqn = NULL;
    bool all_ignored = false;
    int rc = find_addresses(h, o, &found, &fqn, secure, &all_ignored);
    if (rc == HOST_FOUND) {
      *tail = found;
      while (*tail) tail = &(*tail)->next;
      continue;
    }
    if (all_ignored) continue;
    /* Shown as unusable either way; a temporary error decides the result
     * only when no host has an address. */
    if (rc == HOST_FIND_AGAIN) *any_again = true;
    h->status = hstatus_unusable;
    h->why = rc == HOST_FIND_AGAIN ? hwhy_deferred : hwhy_failed;
    *tail = h;
    tail = &h->next;
  }
  return out;
}

/* Local host detection in an MX/SRV list: HOST_FOUND_LOCAL when a host at
 * the lowest preference is this host; else a local host at a higher
 * preference is removed with all from its preference on. */
static int scan_local(host_item **list, host_find_result *res) {
  int lowest = (*list)->mx;
  for (host_item **p = list; *p; p = &(*p)->next) {
    host_item *h = *p;
    if (!h->address || !route_host_is_local(h)) continue;
    if (h->mx == lowest) {
      route_trace("local host has lowest MX");
      res->message = "lowest numbered MX record points to local host";
      return HOST_FOUND_LOCAL;
    }
    host_item **q = list;
    while (*q && (*q)->mx < h->mx) q = &(*q)->next;
    route_trace("local host in host list - removed hosts:");
    for (host_item *x = *q; x; x = x->next)
      route_trace("  %s %s %d", x->name, x->address ? x->address : "", x->mx);
    *q = NULL;
    res->local_removed = true;
    break;
  }
  return HOST_FOUND;
}

static bool any_address(const host_item *h) {
  for (; h; h = h->next)
    if (h->address) return true;
  return false;
}

/* A DNS error on an SRV or MX lookup: "none" for a domain in `list`. */
static dns_rc lenient(dns_rc rc, const char *domain, const char *list) {
  if ((rc == DNS_AGAIN || rc == DNS_FAIL) && in_list(domain, list)) return DNS_NOMATCH;
  return rc;
}

int host_find_bydns(const char *name, const host_find_opts *o, host_find_result *res) {
  memset(res, 0, sizeof *res);
  res->secure = true;
  dns_init((o->flags & HF_QUALIFY_SINGLE) != 0, (o->flags & HF_SEARCH_PARENTS) != 0,
           (o->flags & (HF_DNSSEC_REQUEST | HF_DNSSEC_REQUIRE)) != 0);
  host_item *list = NULL;
  bool no_service = false;

  if ((o->flags & HF_SRV) && o->srv_service) {
    const char *srvname = str_sprintf("_%s._tcp.%s", o->srv_service, name);
    size_t plen = strlen(srvname) - strlen(name);
    dns_answer *ans = NULL;
    const char *fqn = NULL;
    dns_rc rc = lenient(dns_lookup(&ans, srvname, DNS_T_SRV, &fqn), name, o->srv_fail_domains);
    if (rc == DNS_AGAIN || rc == DNS_FAIL) return HOST_FIND_AGAIN;
    if (rc == DNS_SUCCEED) {
      if (!ans->authenticated) res->secure = false;
      const char *q = qualified_name(srvname, fqn, ans);
      if (q && strlen(q) > plen) res->fqn = q + plen;
      list = targets(ans, fqn, DNS_T_SRV, o->port, &no_service);
    }
  }
  if (!list && !no_service && (o->flags & HF_MX)) {
    dns_answer *ans = NULL;
    const char *fqn = NULL;
    dns_rc rc = lenient(dns_lookup(&ans, name, DNS_T_MX, &fqn), name, o->mx_fail_domains);
    if (rc == DNS_AGAIN || rc == DNS_FAIL) return HOST_FIND_AGAIN;
    if (rc == DNS_SUCCEED) {
      if (!ans->authenticated) res->secure = false;
      res->fqn = qualified_name(name, fqn, ans);
      list = targets(ans, fqn, DNS_T_MX, o->port, &no_service);
    }
    if (!list && !no_service && (o->flags & HF_MX_ONLY)) return HOST_FIND_FAILED;
  }
  if (no_service) {
    res->message = "an MX or SRV record indicated no SMTP service";
    return HOST_FIND_FAILED;
  }

  if (list) {
    res->from_mx = true;
    bool again = false, ip_mx = false;
    list = resolve_targets(list, o, &res->secure, &again, &ip_mx);
    if (!any_address(list)) {
      if (again) return HOST_FIND_AGAIN;
      res->message = ip_mx ? "all relevant MX records point to non-existent hosts or (invalidly) "
                             "to IP addresses"
                           : "all relevant MX records point to non-existent hosts";
      return HOST_FIND_FAILED;
    }
    res->hosts = list;
    if ((o->flags & HF_DNSSEC_REQUIRE) && !res->secure) return HOST_FIND_SECURITY;
    if (o->flags & HF_NO_LOCAL_CHECK) return HOST_FOUND;
    return scan_local(&res->hosts, res);
  }

  /* No MX or SRV: the name's own address records (an implicit MX). */
  host_item *h = new_host(name, o->port, MX_NONE);
  host_item *found = NULL;
  const char *fqn = NULL;
  bool all_ignored = false;
  int rc = find_addresses(h, o, &found, &fqn, &res->secure, &all_ignored);
  if (rc != HOST_FOUND) return rc;
  if (!res->fqn) res->fqn = fqn;
  res->hosts = found;
  if ((o->flags & HF_DNSSEC_REQUIRE) && !res->secure) return HOST_FIND_SECURITY;
  if (o->flags & HF_NO_LOCAL_CHECK) return HOST_FOUND;
  for (host_item *x = found; x; x = x->next)
    if (route_host_is_local(x)) {
      route_trace("local host found for non-MX address");
      res->message = "remote host address is the local host";
      return HOST_FOUND_LOCAL;
    }
  return HOST_FOUND;
}

int host_find_byname(const char *name, const host_find_opts *o, host_find_result *res) {
  memset(res, 0, sizeof *res);
  struct addrinfo hints, *ai0 = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = (o->flags & HF_IPV4_ONLY) || mainconf.disable_ipv6 ? AF_INET : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(name, NULL, &hints, &ai0);
  if (rc == EAI_AGAIN) return HOST_FIND_AGAIN;
  if (rc != 0) return HOST_FIND_FAILED;
  host_item *first = NULL, **tail = &first;
  bool prefer4 = (o->flags & HF_IPV4_PREFER) != 0;
  for (int pass = 0; pass < 2; pass++) {
    for (struct addrinfo *ai = ai0; ai; ai = ai->ai_next) {
      char buf[INET6_ADDRSTRLEN];
      bool v4 = ai->ai_family == AF_INET;
      /* pass 0: the preferred family (IPv6 unless ipv4_prefer). */
      if ((pass == 0) != (v4 == prefer4)) continue;
      const void *src = v4 ? (const void *)&((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr
                           : (const void *)&((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr;
      if (!inet_ntop(ai->ai_family, src, buf, sizeof buf)) continue;
      bool dup = false;
      for (host_item *x = first; x; x = x->next)
        if (strcmp(x->address, buf) == 0) dup = true;
      if (dup || host_find_ignored(o->ignore_target_hosts, name, buf)) continue;
      host_item *n = new_host(name, o->port, MX_NONE);
      n->address = str_copy(buf);
      n->status = hstatus_usable;
      *tail = n;
      tail = &n->next;
    }
  }
  freeaddrinfo(ai0);
  if (!first) return HOST_FIND_FAILED;
  res->hosts = first;
  res->fqn = name;
  if (o->flags & HF_NO_LOCAL_CHECK) return HOST_FOUND;
  for (host_item *x = first; x; x = x->next)
    if (route_host_is_local(x)) {
      res->message = "remote host address is the local host";
      return HOST_FOUND_LOCAL;
    }
  return HOST_FOUND;
}

int host_find_default(const char *name, const host_find_opts *o, host_find_result *res) {
  host_find_opts dns = *o;
  dns.flags &= ~(unsigned)(HF_MX | HF_SRV);
  int rc = host_find_bydns(name, &dns, res);
  if (rc != HOST_FIND_FAILED) return rc;
  /* Only a name the DNS says does not exist goes on to getaddrinfo(). */
  dns_answer *ans = NULL;
  if (dns_lookup(&ans, name, DNS_T_A, NULL) != DNS_NOMATCH) return rc;
  return host_find_byname(name, o, res);
}
