/* ipliteral.c - the ipliteral router (spec chapter 18): configuration
 * half.  No private options; a transport is required.
 * Entry point: router_ipliteral.
 * Must never: route addresses here before the routing engine exists.
 */
#include "router.h"

static const char *ipliteral_init(driver_instance *d) { return router_generic_init(d); }

static const router_ops ipliteral_ops = {.flags = RI_YESTRANSPORT};

const driver_info router_ipliteral = {
  .name = "ipliteral",
  .init = ipliteral_init,
  .kind_ops = &ipliteral_ops,
};
