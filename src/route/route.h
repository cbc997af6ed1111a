/* route.h - the routing engine (spec chapters 3.9-3.12, 15): taking one
 * address through the configured routers, applying the generic router
 * options in Exim's order (spec 3.12: verify_only/address_test, domains,
 * local_part affixes, local_parts, check_local_user, router_home_directory,
 * senders, require_files, condition, then the router itself), and handing
 * back where it goes.
 *
 * Entry points: route_address() (one address, one pass), route_verify()
 * (verification for -bv/-bvs/ACL verify), route_print_bt() (-bt output).
 * Each router type supplies a route function through router_ops.route.
 *
 * Must never: deliver anything; run a command from a tainted string
 * without the checks the router's own options require.
 */
#ifndef ROUTE_ROUTE_H
#define ROUTE_ROUTE_H

#include <stdbool.h>
#include <pwd.h>

#include "../deliver/addr.h"
#include "router.h"

/* What the routing is for (routers' verify_only/no_verify/address_test). */
typedef enum {
  ROUTE_DELIVER,            /* a delivery run */
  ROUTE_VERIFY_RECIPIENT,   /* -bv, verify = recipient */
  ROUTE_VERIFY_SENDER,      /* -bvs, verify = sender */
  ROUTE_ADDRESS_TEST        /* -bt */
} route_purpose;

/* State shared by the routing of one message's addresses. */
typedef struct route_ctx {
  route_purpose purpose;
  bool expn;                        /* EXPN: routers with expn=false decline */
  const char *sender;               /* envelope sender ($sender_address) */
  bool debug_print;                 /* run debug_print (when D_route is on) */
  /* Where route_address() puts generated addresses (redirect children,
   * unseen copies): the caller routes them in turn. */
  address_item *generated;
  /* Addresses already routed in this message, for check_ancestor,
   * duplicate removal and one_time: caller-owned, may be NULL. */
  const address_item *done_list;
} route_ctx;

/* What a router type's route function gets and does (router_ops.route):
 *   r        the router instance (its private block: r->drv.options_block)
 *   a        the address, with $local_part etc. already set by the engine
 *   pw       the passwd entry found by check_local_user, or NULL
 *   ctx      the routing context; generated addresses go on ctx->generated
 * Returns OK (a->transport / host_list set, or generated children: the
 * engine decides which from the fields), DECLINE (next router), PASS (next
 * router or pass_router), DEFER (a->message set), FAIL (a->message,
 * a->user_message set), DISCARD (:blackhole:, filter "seen finish"),
 * REROUTED (self=reroute, the domain changed), ERROR (configuration problem:
 * the engine freezes the message and panics the log line). */
typedef int (*router_route_fn)(struct router_instance *r, address_item *a, const struct passwd *pw,
                               route_ctx *ctx);

/* Route `a` through the routers from a->start_router (NULL: the first).
 * On OK, a->router, a->transport (or generated children on ctx->generated,
 * a->status = DISCARD-free OK meaning "redirected") are set.  The engine
 * sets a->message/user_message/basic_errno for DEFER and FAIL, including
 * "Unrouteable address" when no router accepts. */
int route_address(address_item *a, route_ctx *ctx);

/* Whether the router's generic preconditions (domains, local_parts,
 * senders, require_files, condition, check_local_user, verify_only, ...)
 * pass for `a` (used by route_address; exported for -bt tracing tests).
 * Returns OK, SKIP (precondition failed: next router) or DEFER/ERROR. */
int route_check_preconditions(struct router_instance *r, address_item *a, route_ctx *ctx,
                              struct passwd **pw_out);

/* Route an address completely (following redirections to their leaves) for
 * verification or -bt; *leaves gets the final addresses (each with its
 * router and transport or failure).  Returns OK when all leaves route,
 * else the worst of FAIL / DEFER. */
int route_verify(const char *address, route_purpose purpose, const char *sender,
                 address_item **leaves);

/* -bt / -bv / -bvs main: prints results as Exim 4.96 does for each
 * argument (or each line of stdin when there are none); returns the exit
 * code (0 all routed, 2 some failed, 1 some deferred). */
int route_test_main(int argc, char **argv, route_purpose purpose, const char *sender);

/* Look up a local user as check_local_user does (getpwnam, with Exim's
 * caching); NULL when absent. */
struct passwd *route_finduser(const char *name);

/* Interpret a router's user/group options (fixed or expanded) into a's
 * uid/gid; false with a->message on failure. */
bool route_set_ugid(struct router_instance *r, address_item *a, const struct passwd *pw);

/* The transport named by the router's transport option (expanded when it
 * contains "$"), or NULL with a->message set. */
struct transport_instance *route_get_transport(struct router_instance *r, const char *name,
                                               address_item *a);

#endif
