/* dnslookup.c - the dnslookup router (spec chapter 17): private options
 * with Exim 4.96's types and defaults, and init.  A transport is required.
 * Entry point: router_dnslookup.
 * Must never: look anything up in the DNS at configuration time.
 */
#include "router.h"

#include "dnslookup.h"

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

static const router_ops dnslookup_ops = {.flags = RI_YESTRANSPORT};

const driver_info router_dnslookup = {
  .name = "dnslookup",
  .options = dnslookup_option_list,
  .options_count = OPT_COUNT(dnslookup_option_list),
  .options_defaults = &dnslookup_defaults,
  .options_size = sizeof(dnslookup_options),
  .init = dnslookup_init,
  .kind_ops = &dnslookup_ops,
};
