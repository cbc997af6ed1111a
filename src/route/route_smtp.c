/* route_smtp.c - VRFY and EXPN through the routing engine (spec 44
 * "VRFY"/"EXPN", 15 "expn"): VRFY verifies the address as a recipient,
 * EXPN routes it once with routers' expn option honoured and lists what it
 * is redirected to, with exim4's reply texts.
 *
 * Entry points: route_smtp_vrfy(), route_smtp_expn().
 * Must never: deliver anything.
 */
#include "route_smtp.h"

#include <stdio.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "route.h"

/* The commentary's banner before a routing (route_tree() writes its own). */
static void start_trace(bool trace, bool banner) {
  route_tracing = trace;
  if (trace && banner) fprintf(stderr, ">>> %s\n", ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>");
}

int route_smtp_vrfy(const char *address, bool trace, const char **text, bool *failed) {
  address_item *top = route_new_address(address, ROUTE_VERIFY_RECIPIENT);
  address_item *leaves = NULL;
  start_trace(trace, false);
  int rc = route_tree(top, ROUTE_VERIFY_RECIPIENT, NULL, 0, &leaves);
  route_tracing = false;
  *failed = false;
  if (rc == OK) {
    *text = str_sprintf("<%s> is deliverable", address);
    return 250;
  }
  address_item *bad = leaves;
  while (bad && bad->status != FAIL && bad->status != DEFER) bad = bad->next;
  if (rc == DEFER) {
    *text = str_sprintf("Cannot resolve <%s> at this time", address);
    return 451;
  }
  const char *why = bad ? (bad->user_message ? bad->user_message : bad->message) : NULL;
  *failed = true;
  *text = str_sprintf("<%s> %s", address, why ? why : "Unrouteable address");
  return 550;
}

int route_smtp_expn(const char *address, bool trace, const char **text) {
  address_item *top = route_new_address(address, ROUTE_ADDRESS_TEST);
  route_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.purpose = ROUTE_ADDRESS_TEST;
  ctx.expn = true;
  start_trace(trace, true);
  int rc = route_address(top, &ctx);
  route_tracing = false;
  if (rc == OK && ctx.generated) {
    gstring *g = NULL;
    for (address_item *c = ctx.generated; c; c = c->next)
      g = g_fmt(g, "%s<%s>", g ? "\n" : "", c->address);
    *text = g_str(g);
    return 250;
  }
  if (rc == OK && !top->transport && !top->host_list) rc = DISCARD;
  switch (rc) {
  case OK:
    *text = str_sprintf("<%s>", address);
    return 250;
  case DISCARD:
    *text = str_sprintf("mail to <%s> is discarded", address);
    return 250;
  case DEFER:
    *text = str_sprintf("%s cannot be resolved at this time", address);
    return 553;
  default:
    *text = str_sprintf("%s is undeliverable", address);
    return 553;
  }
}
