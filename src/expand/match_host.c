/* match_host.c - single items of host lists (spec 10.10-10.19) and the
 * local interface addresses behind "@[]".
 *
 * Entry points: match_host_item, match_is_local_address (match_int.h).
 * Address items (IPv4/IPv6, CIDR) use src/base/ip.h; names are resolved
 * with the system resolver (getaddrinfo), as Exim's "plain host name"
 * items do.  Items that need the host name of an address that was not
 * looked up yet ask the SMTP layer (match_host_name_finder), which looks
 * it up for the connection's peer.  Never changes the caller's subject.
 */
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../base/ip.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../lookups/lookup.h"
#include "match_int.h"

/* Parse an address for comparison; IPv4-mapped IPv6 becomes IPv4. */
static bool parse_subject(const char *s, ip_address *a) {
  if (!ip_parse(s, false, a, NULL)) return false;
  if (a->family == 6) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a->b, mapped, 12) == 0) {
      memmove(a->b, a->b + 12, 4);
      memset(a->b + 4, 0, 12);
      a->family = 4;
    }
  }
  return true;
}

/* Same address under a mask (bits < 0: whole address). */
static bool same_net(const ip_address *x, const ip_address *y, int bits) {
  if (x->family != y->family) return false;
  ip_address a = *x, b = *y;
  int full = a.family == 4 ? 32 : 128;
  if (bits < 0 || bits > full) bits = full;
  ip_apply_mask(&a, bits);
  ip_apply_mask(&b, bits);
  return memcmp(a.b, b.b, a.family == 4 ? 4 : 16) == 0;
}

int match_is_local_address(match_ctx *c, const char *address) {
  ip_address want;
  if (!parse_subject(address, &want)) return 0;
  struct ifaddrs *ifs;
  if (getifaddrs(&ifs) != 0) {
    c->error = "unable to read the local interface addresses";
    return -1;
  }
  int found = 0;
  for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    ip_address a;
    memset(&a, 0, sizeof a);
    a.mask = -1;
    if (i->ifa_addr->sa_family == AF_INET) {
      a.family = 4;
      memcpy(a.b, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, 4);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      a.family = 6;
      memcpy(a.b, &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    if (same_net(&a, &want, -1)) found = 1;
  }
  freeifaddrs(ifs);
  return found;
}

/* Resolve a name with the system resolver and compare its addresses with
 * the subject's.  MATCH_UNKNOWN when the name has no address. */
static match_rc name_to_address(match_ctx *c, const char *name, const char *pattern) {
  ip_address want;
  if (!c->host_address || !*c->host_address || !parse_subject(c->host_address, &want))
    return MATCH_NO;
  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int r = getaddrinfo(name, NULL, &hints, &res);
  if (r == EAI_AGAIN) {
    c->error = str_sprintf("temporary error looking up the address of \"%s\"", name);
    return MATCH_DEFER;
  }
  if (r != 0) {
    log_write(LOG_MAIN, "no IP address found for host %s", name);
    return MATCH_UNKNOWN;
  }
  bool found = false;
  if (match_host_trace) match_host_trace("gethostbyname2 looked up these IP addresses:");
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    ip_address a;
    memset(&a, 0, sizeof a);
    if (ai->ai_family == AF_INET) {
      a.family = 4;
      memcpy(a.b, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      a.family = 6;
      memcpy(a.b, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    /* (getaddrinfo gives each address once per socket type asked for: one) */
    if (match_host_trace)
      match_host_trace(str_sprintf("  name=%s address=%s", name, ip_format_compressed(&a)));
    if (same_net(&a, &want, -1)) found = true;
  }
  freeaddrinfo(res);
  (void)pattern;
  return found ? MATCH_YES : MATCH_NO;
}

const char *(*match_host_name_finder)(const char *address, const char *pattern);
void (*match_host_trace)(const char *line);

/* The host name for name items: looked up now through the SMTP layer
 * when the caller had none; a name that cannot be found makes the item
 * "unknown" (spec 10.15). */
static match_rc need_name(match_ctx *c, const char *pattern) {
  if (!c->host_name || !*c->host_name) {
    const char *name = match_host_name_finder && c->host_address && *c->host_address
                           ? match_host_name_finder(c->host_address, pattern) : NULL;
    if (!name && !c->host_name) {
      c->error = str_sprintf("host list item \"%s\" needs the host name of %s, which is "
                             "looked up only for the peer of an SMTP connection", pattern,
                             c->host_address && *c->host_address ? c->host_address : "the host");
      return MATCH_DEFER;
    }
    if (name) c->host_name = name;
  }
  if (!*c->host_name) return MATCH_UNKNOWN;
  return MATCH_YES;
}

/* A lookup item, with "net-" / "netN-" keyed by the address. */
static match_rc host_lookup_item(match_ctx *c, const char *pattern, const char *semi) {
  const char *p = pattern;
  int netbits = -2;   /* -2: not a net- item; -1: net- without a mask */
  if (strncmp(p, "net", 3) == 0) {
    const char *q = p + 3;
    int n = -1;
    if (*q >= '0' && *q <= '9') {
      n = 0;
      while (*q >= '0' && *q <= '9' && n < 1000) n = n * 10 + (*q++ - '0');
    }
    if (*q == '-' && q < semi) {
      netbits = n;
      p = q + 1;
    }
  }
  bool query = false, iplsearch = false;
  lookup_spec spec;
  if (!lookup_spec_parse(p, (size_t)(semi - p), &spec)) {
    query = spec.info->style != LOOKUP_SINGLE_KEY;
    iplsearch = strcmp(spec.info->name, "iplsearch") == 0;
  }
  if (query) return match_lookup_item(c, p, semi, NULL, true);
  if (c->ip_only && netbits == -2) netbits = -1;
  if (netbits == -2) {
    match_rc r = need_name(c, pattern);
    if (r != MATCH_YES) return r;
    return match_lookup_item(c, p, semi, c->host_name, true);
  }
  ip_address a;
  if (!c->host_address || !*c->host_address || !parse_subject(c->host_address, &a))
    return MATCH_NO;
  if (netbits >= 0) {
    int full = a.family == 4 ? 32 : 128;
    if (netbits > full) netbits = full;
    ip_apply_mask(&a, netbits);
  }
  char *key = ip_format_full(&a, iplsearch ? ':' : '.');
  if (netbits >= 0) key = str_sprintf("%s/%d", key, netbits);
  return match_lookup_item(c, p, semi, key, true);
}

match_rc match_host_item(match_ctx *c, const char *pattern) {
  const char *addr = c->host_address;
  bool have_addr = addr && *addr;
  /* Only lookup items give a value ($host_data). */
  if (!*pattern) return have_addr ? MATCH_NO : MATCH_YES;
  if (strcmp(pattern, "*") == 0) return MATCH_YES;
  int maskoff = 0;
  if (ip_is_address(pattern, &maskoff)) {
    ip_address pat, sub;
    if (!have_addr || !parse_subject(addr, &sub)) return MATCH_NO;
    bool too_big = false;
    if (!ip_parse(pattern, true, &pat, &too_big)) return MATCH_NO;
    if (pat.family == 6 && sub.family == 4) return MATCH_NO;
    if (!same_net(&pat, &sub, maskoff ? pat.mask : -1)) return MATCH_NO;
    return MATCH_YES;
  }
  if (strcmp(pattern, "@[]") == 0) {
    if (!have_addr) return MATCH_NO;
    int r = match_is_local_address(c, addr);
    if (r < 0) return MATCH_DEFER;
    return r ? MATCH_YES : MATCH_NO;
  }
  const char *semi = strchr(pattern, ';');
  if (semi) return host_lookup_item(c, pattern, semi);
  /* match_ip: a name item needs a name that is never looked up, which
   * counts as a failed lookup (10.15). */
  if (c->ip_only) return MATCH_UNKNOWN;
  if (pattern[0] == '*' || pattern[0] == '^') {
    match_rc r = need_name(c, pattern);
    if (r != MATCH_YES) return r;
    match_ctx d = *c;
    r = match_domain_item(&d, c->host_name, pattern, false, true);
    if (r == MATCH_DEFER) c->error = d.error;
    return r;
  }
  if (strcmp(pattern, "@") == 0) {
    const char *ph = mainconf.primary_hostname ? mainconf.primary_hostname : "";
    return name_to_address(c, ph, pattern);
  }
  return name_to_address(c, pattern, pattern);
}
