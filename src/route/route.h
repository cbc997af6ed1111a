/* route.h - the routing engine (spec chapters 3.9-3.12, 15): taking one
 * address through the configured routers, applying the generic router
 * options in Exim's order (spec 3.12: verify_only/address_test, domains,
 * local_part affixes, local_parts, check_local_user, router_home_directory,
 * senders, require_files, condition, then the router itself), and handing
 * back where it goes.
 *
 * Entry points: route_address() (one address, one pass), route_verify()
 * (verification for -bv/-bvs/ACL verify), route_test_main() (-bt/-bv).
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
   * unseen copies): the caller routes them in turn, in list order (the
   * order Exim routes them: the first generated first).  Add them with
   * route_add_generated().  A generated address whose status is already
   * OK with its router set (the routed half of an "unseen" router) is
   * finished: the caller must not route it again. */
  address_item *generated;
  /* Addresses already routed in this message, for check_ancestor,
   * duplicate removal and one_time: caller-owned, may be NULL. */
  const address_item *done_list;
  /* The message's header lines when delivering (NULL otherwise): the
   * dnslookup router's rewrite_headers changes them. */
  struct spool_header **headers;
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

/* -bh commentary of routing (">>> routing x", ">>> calling r router"...)
 * on stderr while set (the ACL layer sets it around verification). */
extern bool route_tracing;
/* One line of that commentary (">>> " and a newline added), when set. */
void route_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -bt: debug_print output from every routing, verifications included. */
extern bool route_address_testing;

/* Route `a` through the routers from a->start_router (NULL: the first).
 * On OK, a->router, a->transport (or generated children on ctx->generated,
 * a->status = DISCARD-free OK meaning "redirected") are set.  The engine
 * sets a->message/user_message/basic_errno for DEFER and FAIL, including
 * "Unrouteable address" when no router accepts. */
int route_address(address_item *a, route_ctx *ctx);

/* Append a generated address to ctx->generated (keeps generation order). */
void route_add_generated(route_ctx *ctx, address_item *child);

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

/* route_verify() with options: the top address made by the caller (see
 * route_new_address()), RV_* flags.  Without RV_FULL, as Exim's -bv: a
 * redirection to one address goes on with it, to several (or with
 * RV_SUCCESS_ON_REDIRECT) ends verification successfully, and the first
 * failure or deferral ends it.  With RV_FULL (-bt, EXPN) every branch is
 * followed.  *leaves: ended addresses as met (failures, deferrals,
 * discards, verified redirections), then local, then remote routings,
 * linked by ->next, in the order -bt prints them. */
#define RV_FULL 1u
#define RV_SUCCESS_ON_REDIRECT 2u
#define RV_EXPN 4u
int route_tree(address_item *top, route_purpose purpose, const char *sender, unsigned flags,
               address_item **leaves);
/* A top-level address for routing: unqualified ones get qualify_recipient
 * (qualify_domain for ROUTE_VERIFY_SENDER). */
address_item *route_new_address(const char *address, route_purpose purpose);

/* The working address of s (route-addr or addr-spec, as for command-line
 * recipients); NULL with Exim's *error text.  *qualified: it has a
 * domain. */
const char *route_parse_address(const char *s, const char **error, bool *qualified);

/* ---- host lists (route_hosts.c): manualroute, ipliteral, fallback_hosts;
 * one name's hosts: host_find.h */
enum { HOST_FOUND, HOST_FIND_FAILED, HOST_FIND_AGAIN };
#define RH_BYNAME 1u          /* how to look up: byname, bydns, or (neither) */
#define RH_BYDNS 2u           /* the DNS then getaddrinfo() */
#define RH_IPV4_ONLY 4u
#define RH_IPV4_PREFER 8u
#define RH_IGNORE_FAILED 16u  /* host_find_failed = ignore: drop the host */
/* True when s is an IPv4 or IPv6 address (*family 4 or 6). */
bool route_is_ip_address(const char *s, int *family);
/* A host list (already expanded) as host_items: names, IP addresses,
 * ":port" / "[ip]:port", "name/MX"; shuffled (within "+" groups) when
 * randomize is set. */
host_item *route_hosts_parse(const char *list, bool randomize);
/* Find the addresses of the hosts on *list (one host_item per address),
 * dropping ignore_target_hosts addresses and any host after the first that
 * is this host.  HOST_FOUND, or HOST_FIND_FAILED / HOST_FIND_AGAIN with
 * *failed_name the host that failed. */
int route_hosts_lookup(struct router_instance *r, address_item *a, host_item **list,
                       unsigned how, const char **failed_name);
/* In an SMTP session, a host with no address is logged ("no IP address
 * found for host ... (during SMTP connection from ...)"), as exim4 does. */
void route_log_no_address(const char *name);
/* Whether h (with its address) is this host (spec 13.8: a local interface
 * address, or a name in hosts_treat_as_local). */
bool route_host_is_local(const host_item *h);
/* The router's "self" action when the first host is this host: OK (send,
 * or reroute with the new address on ctx->generated), PASS, DEFER (logged),
 * FAIL. */
int route_self(struct router_instance *r, address_item *a, host_item *first, route_ctx *ctx);
/* The same with the message to give (dnslookup: "lowest numbered MX record
 * points to local host"). */
int route_self_msg(struct router_instance *r, address_item *a, host_item *first, route_ctx *ctx,
                   const char *msg);
/* HF_DNSSEC_REQUEST / HF_DNSSEC_REQUIRE (host_find.h) for a name, from the
 * router's dnssec_request_domains / dnssec_require_domains. */
unsigned route_dnssec_flags(struct router_instance *r, const char *name);

/* The addresses of a comma-separated list (queryprogram REDIRECT), as
 * "a\0b\0\0"; unparseable items are skipped; NULL when none. */
const char *route_split_address_list(const char *list);

/* -bt / -bv / -bvs main: prints results as Exim 4.96 does for each
 * argument (or each line of stdin when there are none); returns the exit
 * code (0 all routed, 2 some failed, 1 some deferred). */
int route_test_main(int argc, char **argv, route_purpose purpose, const char *sender);

/* Look up a local user as check_local_user does (getpwnam, with Exim's
 * caching); NULL when absent. */
struct passwd *route_finduser(const char *name);

/* Interpret a router's user/group options (fixed or expanded) into a's
 * uid/gid; false with a->message (and error -1, logged to the main and
 * panic logs) on failure. */
bool route_set_ugid(struct router_instance *r, address_item *a, const struct passwd *pw);

/* A user or group given as a number or a name (users through
 * route_finduser's cache); false when unknown.  *have_gid says whether
 * the user's passwd entry gave *gid. */
bool route_find_uid(const char *s, uid_t *uid, gid_t *gid, bool *have_gid);
bool route_find_gid(const char *s, gid_t *gid);

/* The message id for routing's log lines: the message being delivered,
 * NULL otherwise (-bt, verification). */
const char *route_log_id(void);

/* The transport named by the router's transport option (expanded when it
 * contains "$"), or NULL with a->message set. */
struct transport_instance *route_get_transport(struct router_instance *r, const char *name,
                                               address_item *a);

/* The options giving data for the transport, in Exim's order: errors_to
 * (kept only when it verifies), headers_add, headers_remove (skipped when
 * verifying).  Routers that generate children call it before making them;
 * the engine calls it for the others.  OK, or DEFER with a->message. */
int route_get_errors_headers(struct router_instance *r, address_item *a, route_ctx *ctx);
/* errors_to alone (also for an address the router fails): OK, or DEFER
 * with a->message when it does not expand. */
int route_get_errors_to(struct router_instance *r, address_item *a, route_ctx *ctx);

/* Routing results printed by -bt (route_test.c) need the local/remote
 * split of transports: true for a local transport. */
bool route_transport_is_local(const struct transport_instance *t);

#endif
