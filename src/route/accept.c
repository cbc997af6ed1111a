/* accept.c - the accept router (spec chapter 16): configuration half.
 * It has no private options; a transport is required, and log_as_local
 * defaults to true.
 * Entry point: router_accept (driver_info, listed in build/modules.c).
 * Must never: route addresses here before the routing engine exists.
 */
#include "router.h"

static const char *accept_init(driver_instance *d) { return router_generic_init(d); }

static const router_ops accept_ops = {.flags = RI_YESTRANSPORT, .log_as_local = true};

const driver_info router_accept = {
  .name = "accept",
  .options = NULL,
  .options_count = 0,
  .options_defaults = NULL,
  .options_size = 0,
  .init = accept_init,
  .kind_ops = &accept_ops,
};
