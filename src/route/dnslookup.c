/* dnslookup.c - the dnslookup router (spec chapter 17): private options
 * with Exim 4.96's types and defaults, init, and routing: the domain's
 * hosts by SRV (check_srv), MX or address records (host_find.c), widened
 * by widen_domains when not found; a domain the resolver qualified is
 * re-routed in its full form (and, with rewrite_headers, changed in the
 * message's address header lines); "self" when the first host is this host;
 * fail_defer_domains, pass_on_timeout, check_secondary_mx.
 * Entry point: router_dnslookup.
 * Must never: look anything up in the DNS at configuration time; accept an
 * address without hosts that have addresses.
 */
#include "router.h"

#include <ctype.h>
#include <string.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "../rewrite/rewrite.h"
#include "dnslookup.h"
#include "host_find.h"
#include "route.h"

#define DO(n, t, f) {n, t, OPT_OFF(dnslookup_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist dnslookup_option_list[] = {
  DO("check_secondary_mx", opt_bool, check_secondary_mx),
  DO("check_srv", opt_stringptr, check_srv),
  DO("fail_defer_domains", opt_stringptr, fail_defer_domains),
  DO("ipv4_only", opt_stringptr, ipv4_only),
  DO("ipv4_prefer", opt_stringptr, ipv4_prefer),
  DO("mx_domains", opt_stringptr, mx_domains),
  DO("mx_fail_domains", opt_stringptr, mx_fail_domains),
  DO("qualify_single", opt_bool, qualify_single),
  DO("rewrite_headers", opt_bool, rewrite_headers),
  DO("same_domain_copy_routing", opt_bool, same_domain_copy_routing),
  DO("search_parents", opt_bool, search_parents),
  DO("srv_fail_domains", opt_stringptr, srv_fail_domains),
  DO("widen_domains", opt_stringptr, widen_domains),
};

static const dnslookup_options dnslookup_defaults = {
  .qualify_single = true,
  .rewrite_headers = true,
};

static const char *dnslookup_init(driver_instance *d) { return router_generic_init(d); }

/* An expanded yes/no option (ipv4_only, ipv4_prefer): anything but a
 * forced failure, "", "0", "no" or "false" means yes.  -1: expansion error. */
static int expand_flag(const char *opt, const char *name, router_instance *r, address_item *a) {
  if (!opt) return 0;
  const char *v = expand_cstring(opt);
  if (!v) {
    if (expand_status.forced_fail) return 0;
    a->message = str_sprintf("failed to expand \"%s\" (%s option) in %s router: %s", opt, name,
                             r->drv.name, expand_status.message);
    return -1;
  }
  return *v && strcmp(v, "0") != 0 && !str_eqic(v, "no") && !str_eqic(v, "false");
}

/* A domain made only of letters, digits, '-', '_' and dots: safe to
 * put in a rewriting rule as untainted text. */
static bool plain_domain(const char *d) {
  if (!*d) return false;
  for (; *d; d++)
    if (!isalnum((unsigned char)*d) && *d != '-' && *d != '_' && *d != '.') return false;
  return true;
}

/* rewrite_headers: the short domain becomes the full one in the address
 * header lines (Bcc:, Cc:, From:, Reply-To:, Sender:, To:) of the message
 * being delivered. */
static void rewrite_header_domain(route_ctx *ctx, const char *from, const char *to) {
  if (!ctx->headers || !plain_domain(from) || !plain_domain(to)) return;
  rewrite_rule rule = {
      .key = str_copy_taint(str_sprintf("*@%s", from), false),
      .replacement = str_copy_taint(str_sprintf("$local_part@%s", to), false),
      .flags = RW_b | RW_c | RW_f | RW_r | RW_s | RW_t,
  };
  (void)rewrite_header_list(ctx->headers, &rule, rule.flags);
}

static bool domain_in(const char *domain, const char *list) {
  const char *err = NULL;
  return list && match_domain_list(domain, list, NULL, &err) == MATCH_YES;
}

static int dnslookup_route(router_instance *r, address_item *a, const struct passwd *pw,
                           route_ctx *ctx) {
  (void)pw;
  dnslookup_options *ob = r->drv.options_block;
  const char *domain = a->domain;
  if (domain[0] == '[') {
    a->message = str_sprintf("mail domain \"%s\" is syntactically invalid", domain);
    return DECLINE;
  }

  host_find_opts o;
  memset(&o, 0, sizeof o);
  o.port = PORT_NONE;
  o.ignore_target_hosts = r->ignore_target_hosts;
  o.mx_fail_domains = ob->mx_fail_domains;
  o.srv_fail_domains = ob->srv_fail_domains;
  o.flags = HF_MX;
  if (ob->qualify_single) o.flags |= HF_QUALIFY_SINGLE;
  if (ob->search_parents) o.flags |= HF_SEARCH_PARENTS;
  int v4only = expand_flag(ob->ipv4_only, "ipv4_only", r, a);
  int v4pref = expand_flag(ob->ipv4_prefer, "ipv4_prefer", r, a);
  if (v4only < 0 || v4pref < 0) return DEFER;
  if (v4only) o.flags |= HF_IPV4_ONLY;
  if (v4pref) o.flags |= HF_IPV4_PREFER;
  if (ob->check_srv) {
    const char *srv = expand_cstring(ob->check_srv);
    if (srv) {
      o.srv_service = srv;
      o.flags |= HF_SRV;
    } else if (!expand_status.forced_fail) {
      a->message = str_sprintf("%s router: failed to expand \"%s\": %s", r->drv.name,
                               ob->check_srv, expand_status.message);
      return DEFER;
    }
  }
  if (domain_in(domain, ob->mx_domains)) o.flags |= HF_MX_ONLY;

  /* The domain, then each widening of it, until one is found.  Senders
   * are not widened when verifying unless rewrite_headers is off. */
  const char *widen = ob->widen_domains;
  if (ctx->purpose == ROUTE_VERIFY_SENDER && ob->rewrite_headers) widen = NULL;
  int sep = 0;
  const char *tryname = domain;
  host_find_result res;
  int rc;
  for (;;) {
    unsigned f = o.flags;
    o.flags |= route_dnssec_flags(r, tryname);
    rc = host_find_bydns(tryname, &o, &res);
    o.flags = f;
    if (rc != HOST_FIND_FAILED || !widen) break;
    const char *w = list_next(&widen, &sep);
    if (!w) break;
    tryname = str_sprintf("%s.%s", domain, w);
  }

  switch (rc) {
  case HOST_FIND_AGAIN:
    if (r->pass_on_timeout) return PASS;
    a->message = "host lookup did not complete";
    return DEFER;
  case HOST_FIND_SECURITY:
    a->message = "host lookup done insecurely";
    return DEFER;
  case HOST_FIND_FAILED:
    if (domain_in(domain, ob->fail_defer_domains)) {
      a->message = "missing MX, or all MXs point to missing A records, and defer requested";
      return DEFER;
    }
    if (res.message) a->message = res.message;
    return DECLINE;
  default:
    break;
  }
  if (ob->check_secondary_mx && !res.local_removed) return DECLINE;

  /* The resolver qualified the domain, or it was widened: the address is
   * routed again with the full domain. */
  const char *full = tryname != domain ? tryname : res.fqn;
  /* (A name starting with '*' is a wildcard record's own: not used.) */
  if (full && full[0] != '*' && !str_eqic(full, domain)) {
    if (ob->rewrite_headers) rewrite_header_domain(ctx, domain, full);
    const char *lp = a->cc_local_part ? a->cc_local_part : a->local_part;
    address_item *c = addr_child(a, str_copy_taint(str_sprintf("%s@%s", lp, full), true));
    route_add_generated(ctx, c);
    return OK;
  }

  a->host_list = res.hosts;
  if (r->fallback_hosts) a->fallback_hosts = route_hosts_parse(r->fallback_hosts, false);
  if (rc == HOST_FOUND_LOCAL) {
    int before = a->child_count;
    rc = route_self_msg(r, a, res.hosts, ctx, res.message);
    if (rc != OK || a->child_count != before) a->host_list = NULL;
    return rc;
  }
  return OK;
}

static const router_ops dnslookup_ops = {.flags = RI_YESTRANSPORT, .route = dnslookup_route};

const driver_info router_dnslookup = {
  .name = "dnslookup",
  .options = dnslookup_option_list,
  .options_count = OPT_COUNT(dnslookup_option_list),
  .options_defaults = &dnslookup_defaults,
  .options_size = sizeof(dnslookup_options),
  .init = dnslookup_init,
  .kind_ops = &dnslookup_ops,
};
