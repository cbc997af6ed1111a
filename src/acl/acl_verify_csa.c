/* acl_verify_csa.c - verify = csa[/domain] (Client SMTP Authorization,
 * spec 44.52): the SRV records at _client._smtp.<HELO name> (or the
 * given domain; the calling address, in the reverse tree, when there was
 * no HELO) say whether the client may send.  $csa_status becomes "ok",
 * "fail", "defer" or "unknown"; only "fail" makes the condition false,
 * with exim4's texts in $acl_verify_message:
 *   host name not authorized      the name's own record says no (weight < 2)
 *   explicit authorization required   a parent's record (port bit 0) says
 *                                 every subdomain needs its own record
 *   no authorized addresses       the target has no address
 *   client address mismatch       the client's address is not the target's
 * A record of another version, or weight 3, is "unknown".  Results are
 * kept per domain for the process (one SMTP connection).
 *
 * Entry point: acl_verify_csa().
 * Must never: make the condition defer (the specification says a DNS
 * problem only shows in $csa_status).
 */
#include <strings.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/ip.h"
#include "base/store.h"
#include "dns/dns.h"
#include "expand/variables.h"
#include "smtp/conn.h"

typedef struct csa_result {
  struct csa_result *next;
  const char *domain;
  const char *status;
  const char *reason;   /* for "fail" */
} csa_result;

static csa_result *results;

static bool same_address(const char *x, const char *y) {
  ip_address a, b;
  if (!ip_parse(x, false, &a, NULL) || !ip_parse(y, false, &b, NULL)) return false;
  ip_to_v6(&a);
  ip_to_v6(&b);
  return memcmp(a.b, b.b, 16) == 0;
}

/* Does the target have the client's address?  Sets *status and *reason. */
static void check_target(const char *target, const char *client, const char **status, const char **reason) {
  static const int types[] = {DNS_T_AAAA, DNS_T_A};
  bool any = false, again = false;
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    dns_answer *ans = NULL;
    const char *fqn = NULL;
    dns_rc rc = dns_lookup(&ans, target, types[t], &fqn);
    if (rc == DNS_AGAIN) again = true;
    if (rc != DNS_SUCCEED) continue;
    for (const dns_record *r = dns_first(ans->answer, types[t]); r; r = dns_next(r, types[t])) {
      any = true;
      if (client && same_address(r->target, client)) {
        *status = "ok";
        return;
      }
    }
  }
  if (!any && again) {
    *status = "defer";
    *reason = "client SMTP authorization target address lookup failed";
    return;
  }
  *status = "fail";
  *reason = any ? "client SMTP authorization failed (client address mismatch)"
                : "client SMTP authorization failed (no authorized addresses)";
}

static void csa_check(const char *domain, const char *client, const char **status, const char **reason) {
  dns_init(false, false, false);
  dns_answer *ans = NULL;
  const char *fqn = NULL;
  dns_rc rc = dns_special_lookup(&ans, domain, DNS_T_CSA, &fqn);
  *reason = NULL;
  if (rc == DNS_AGAIN) {
    *status = "defer";
    *reason = "client SMTP authorization lookup failed";
    return;
  }
  *status = "unknown";
  if (rc != DNS_SUCCEED) return;
  /* The name looked up for the domain itself (IP addresses: reversed). */
  const char *own = NULL;
  if (ip_is_address(domain, NULL)) {
    const char *rev = dns_reverse_name(domain);
    own = rev ? str_sprintf("_client._smtp.%s", rev) : NULL;
  } else if (domain[0] == '[') {
    size_t n = strlen(domain);
    const char *lit = n > 2 ? str_copyn(domain + 1, n - 2) : "";
    if (strncasecmp(lit, "IPv6:", 5) == 0) lit += 5;
    const char *rev = dns_reverse_name(lit);
    own = rev ? str_sprintf("_client._smtp.%s", rev) : NULL;
  } else {
    own = str_sprintf("_client._smtp.%s", domain);
  }
  bool is_own = own && fqn && strcasecmp(own, fqn) == 0;
  for (const dns_record *r = dns_first(ans->answer, DNS_T_SRV); r; r = dns_next(r, DNS_T_SRV)) {
    if (fqn && strcasecmp(r->name, fqn) != 0) continue;
    if (r->pref != 1) continue;                    /* CSA version 1 only */
    if (!is_own) {
      if (r->port & 1) {
        *status = "fail";
        *reason = "client SMTP authorization failed (explicit authorization required)";
      }
      return;
    }
    if (r->weight > 3) continue;
    if (r->weight < 2) {
      *status = "fail";
      *reason = "client SMTP authorization failed (host name not authorized)";
      return;
    }
    if (r->weight == 3) return;                    /* unknown */
    check_target(r->target, client, status, reason);
    return;
  }
}

int acl_verify_csa(acl_ctx *ctx, const char *opts) {
  const smtp_conn *c = conn_current;
  const char *client = c ? c->host_address : NULL;
  const char *domain = NULL;
  if (opts && opts[1]) domain = opts + 1;
  else if (c && c->helo_name) domain = c->helo_name;
  else domain = client;
  if (!domain || !*domain) {
    expand_var_set("csa_status", "unknown");
    return ACL_OK;
  }
  csa_result *res;
  for (res = results; res; res = res->next)
    if (strcasecmp(res->domain, domain) == 0) break;
  if (!res) {
    res = store_get_in(POOL_PERM, sizeof *res, false);
    memset(res, 0, sizeof *res);
    res->domain = str_copy_taint(domain, true);
    const char *status, *reason;
    csa_check(domain, client, &status, &reason);
    res->status = status;
    res->reason = reason ? str_perm(reason) : NULL;
    res->next = results;
    results = res;
  }
  expand_var_set("csa_status", res->status);
  if (strcmp(res->status, "fail") != 0) return ACL_OK;
  expand_var_set("acl_verify_message", res->reason);
  acl_ctx_set_messages(ctx, res->reason, res->reason);
  return ACL_FAIL;
}
