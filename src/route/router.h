/* router.h - the router kind: the instance struct holding every generic
 * router option (spec chapter 15), the kind descriptor router_kind, and
 * what each router type tells the kind about itself (router_ops).
 *
 * Entry points: router_kind (driver.h), router_generic_init() (called by
 * every router type's init first), router_check_all() (cross-instance
 * checks, from drivers_check_references()).
 * Must never: route an address (that is the routing engine's job, arriving
 * with its own issue); hold per-message state.
 */
#ifndef ROUTE_ROUTER_H
#define ROUTE_ROUTER_H

#include <stdbool.h>

#include "../config/driver.h"
#include "../config/option.h"

/* Values of "self" (spec 15, option self). */
typedef enum { SELF_FREEZE, SELF_DEFER, SELF_FAIL, SELF_SEND, SELF_PASS, SELF_REROUTE } router_self;

typedef struct router_instance {
  driver_instance drv;              /* must be first */
  const char *address_data;
  bool address_test;
  bool bmi_deliver_alternate;
  bool bmi_deliver_default;
  bool bmi_dont_deliver;
  const char *bmi_rule;
  const char *cannot_route_message;
  bool caseful_local_part;
  bool check_local_user;
  const char *condition;
  const char *debug_print;
  bool disable_logging;
  const char *dnssec_request_domains;
  const char *dnssec_require_domains;
  const char *domains;
  bool dsn_lasthop;
  const char *errors_to;
  bool expn;
  bool fail_verify_sender;          /* these two adjacent: opt_bool_verify */
  bool fail_verify_recipient;
  const char *fallback_hosts;
  opt_expand_id group;
  const char *headers_add;
  const char *headers_remove;
  const char *ignore_target_hosts;
  bool initgroups;
  const char *local_part_prefix;
  bool local_part_prefix_optional;
  const char *local_part_suffix;
  bool local_part_suffix_optional;
  const char *local_parts;
  bool log_as_local;                /* opt_bool_set: value, then was-set */
  bool log_as_local_set;
  opt_expand_bool_val more;
  bool pass_on_timeout;
  const char *pass_router_name;
  const char *redirect_router_name;
  const char *require_files;
  bool retry_use_local_part;        /* opt_bool_set */
  bool retry_use_local_part_set;
  const char *router_home_directory;
  const char *self;
  const char *senders;
  const char *set;
  const char *translate_ip_address;
  const char *transport_name;
  const char *transport_current_directory;
  const char *transport_home_directory;
  opt_expand_bool_val unseen;
  opt_expand_id user;
  bool verify_only;
  bool verify_sender;               /* these two adjacent: opt_bool_verify */
  bool verify_recipient;

  /* Derived at configuration time. */
  router_self self_code;
  const char *self_reroute;         /* domain for self = reroute:DOMAIN */
  struct router_instance *pass_router;
  struct router_instance *redirect_router;
} router_instance;

/* What a router type tells the kind (driver_info.kind_ops). */
#define RI_YESTRANSPORT 0x01   /* a transport must be set */
#define RI_NOTRANSPORT  0x02   /* a transport must not be set */
struct address_item;
struct route_ctx;
struct passwd;
typedef struct router_ops {
  unsigned flags;
  bool log_as_local;           /* default of log_as_local for this type */
  /* Route one address (route.h, router_route_fn); NULL only for types
   * whose runtime is not built (then routing through them is an error). */
  int (*route)(struct router_instance *r, struct address_item *a, const struct passwd *pw,
               struct route_ctx *ctx);
} router_ops;

/* Settings every router type's init applies first: defaults that depend
 * on other options (retry_use_local_part follows check_local_user,
 * log_as_local follows the type, group follows a fixed user).  Returns NULL
 * or an error text (driver.h DRIVER ERROR TEXTS). */
const char *router_generic_init(driver_instance *d);

/* Checks made after the routers section is read (self values, transport
 * required or forbidden, pass_router/redirect_router).  NULL or an error. */
const char *router_check_all(void);

#endif
