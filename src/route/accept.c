/* accept.c - the accept router (spec chapter 16).  It has no private
 * options; a transport is required, and log_as_local defaults to true.
 * Routing with it always succeeds: the engine (route.c) applies the
 * generic options and the transport.
 * Entry point: router_accept (driver_info, listed in build/modules.c).
 * Must never: decline or fail on its own.
 */
#include "router.h"
#include "route.h"

static const char *accept_init(driver_instance *d) { return router_generic_init(d); }

static int accept_route(router_instance *r, address_item *a, const struct passwd *pw,
                        route_ctx *ctx) {
  return OK;
}

static const router_ops accept_ops = {.flags = RI_YESTRANSPORT, .log_as_local = true,
                                      .route = accept_route};

const driver_info router_accept = {
  .name = "accept",
  .options = NULL,
  .options_count = 0,
  .options_defaults = NULL,
  .options_size = 0,
  .init = accept_init,
  .kind_ops = &accept_ops,
};
