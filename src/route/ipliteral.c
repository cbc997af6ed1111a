/* ipliteral.c - the ipliteral router (spec chapter 18): domains that are
 * IP literals ("[192.0.2.1]", "[IPv6:2001:db8::1]") are routed to that
 * address.  No private options; a transport is required.
 * Entry point: router_ipliteral.
 * Must never: accept a literal that is not a valid IP address; route to an
 * address ignore_target_hosts names.
 */
#include "router.h"

#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "host_find.h"
#include "route.h"

static const char *ipliteral_init(driver_instance *d) { return router_generic_init(d); }

static int ipliteral_route(router_instance *r, address_item *a, const struct passwd *pw,
                           route_ctx *ctx) {
  const char *d = a->domain;
  size_t n = strlen(d);
  if (n < 3 || d[0] != '[' || d[n - 1] != ']') return DECLINE;
  const char *ip = str_copyn(d + 1, n - 2);
  if (str_ncmpic(ip, "IPv6:", 5) == 0) ip += 5;
  else if (str_ncmpic(ip, "IPv4:", 5) == 0) ip += 5;
  if (!route_is_ip_address(ip, NULL)) return DECLINE;
  if (host_find_ignored(r->ignore_target_hosts, d, ip)) return DECLINE;
  host_item *h = store_zget(sizeof *h, false);
  h->name = a->domain;
  h->address = ip;
  h->port = PORT_NONE;
  h->mx = MX_NONE;
  a->host_list = h;
  if (route_host_is_local(h)) {
    int before = a->child_count;
    int rc = route_self(r, a, h, ctx);
    if (rc != OK || a->child_count != before) a->host_list = NULL;
    return rc;
  }
  return OK;
}

static const router_ops ipliteral_ops = {.flags = RI_YESTRANSPORT, .route = ipliteral_route};

const driver_info router_ipliteral = {
  .name = "ipliteral",
  .init = ipliteral_init,
  .kind_ops = &ipliteral_ops,
};
