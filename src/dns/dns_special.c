/* dns_special.c - the pseudo record types of dns.h, which take more than
 * one query:
 *   DNS_T_ZNS     NS records of the name, else of its nearest parent that
 *                 has some (never the root's);
 *   DNS_T_SOA_UP  the same walk for SOA records;
 *   DNS_T_CSA     SRV records at _client._smtp.<name> (Client SMTP
 *                 Authorization, spec 44.52): an IP address (bare or as a
 *                 [literal]) is looked up in the reverse tree when
 *                 dns_csa_use_reverse is set; when the name has no record
 *                 and the "no data" reply names the zone (its SOA), the
 *                 zone's apex is asked once (dns_csa_search_limit > 0),
 *                 as exim4 does; a top-level zone is never asked.
 * On success *fqn is the name the records belong to: for CSA, callers
 * compare it with "_client._smtp.<name>" to tell a record of the name
 * itself from a parent's assertion about its subdomains.
 *
 * Entry point: dns_special_lookup().
 * Must never: walk past the last label, or turn a temporary error into
 * "not found".
 */
#include <string.h>
#include <strings.h>

#include "dns.h"

#include "../base/ip.h"
#include "../base/log.h"
#include "../base/str.h"
#include "../config/main_config.h"

/* NS or SOA of the name or its nearest parent. */
static dns_rc walk_up(dns_answer **ans, const char *name, int type, const char **fqn) {
  const char *d = name;
  while (*d) {
    dns_rc rc = dns_lookup(ans, d, type, fqn);
    if (rc == DNS_SUCCEED || rc == DNS_AGAIN) return rc;
    const char *dot = strchr(d, '.');
    if (!dot) break;
    d = dot + 1;
  }
  *ans = NULL;
  return DNS_NOMATCH;
}

/* The name CSA asks about: IP addresses (bare or bracketed) in reverse. */
static const char *csa_domain(const char *name) {
  size_t n = strlen(name);
  const char *ip = name;
  if (n > 2 && name[0] == '[' && name[n - 1] == ']') {
    ip = str_copyn(name + 1, n - 2);
    if (str_ncmpic(ip, "IPv6:", 5) == 0) ip += 5;
  }
  if (ip_is_address(ip, NULL)) {
    if (!mainconf.dns_csa_use_reverse) return NULL;
    return dns_reverse_name(ip);
  }
  return ip == name ? name : NULL;
}

/* The owner of the first SOA in a negative answer's authority section. */
static const char *negative_zone(const dns_answer *a) {
  const dns_record *soa = a ? dns_first(a->authority, DNS_T_SOA) : NULL;
  return soa ? soa->name : NULL;
}

static dns_rc csa_lookup(dns_answer **ans, const char *name, const char **fqn) {
  const char *domain = csa_domain(name);
  *ans = NULL;
  if (!domain) return DNS_NOMATCH;
  DEBUG(D_dns) debug_printf("CSA lookup of %s\n", domain);
  dns_rc rc = dns_lookup(ans, str_sprintf("_client._smtp.%s", domain), DNS_T_SRV, fqn);
  if (rc != DNS_NODATA) return rc;
  /* The parent search: the zone the negative reply came from. */
  const char *zone = negative_zone(*ans);
  *ans = NULL;
  size_t dl = strlen(domain), zl = zone ? strlen(zone) : 0;
  if (!zone || !strchr(zone, '.') || mainconf.dns_csa_search_limit <= 0 || zl >= dl ||
      domain[dl - zl - 1] != '.' || strcasecmp(domain + dl - zl, zone) != 0)
    return DNS_NOMATCH;
  DEBUG(D_dns) debug_printf("CSA parent search at %s\n", zone);
  rc = dns_lookup(ans, str_sprintf("_client._smtp.%s", zone), DNS_T_SRV, fqn);
  return rc == DNS_NODATA ? DNS_NOMATCH : rc;
}

dns_rc dns_special_lookup(dns_answer **ans, const char *name, int type, const char **fqn) {
  switch (type) {
  case DNS_T_ZNS: return walk_up(ans, name, DNS_T_NS, fqn);
  case DNS_T_SOA_UP: return walk_up(ans, name, DNS_T_SOA, fqn);
  case DNS_T_CSA: return csa_lookup(ans, name, fqn);
  default: return dns_lookup(ans, name, type, fqn);
  }
}
