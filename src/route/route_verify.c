/* route_verify.c - routing an address completely, for verification
 * (-bv, -bvs, verify = recipient/sender) and for -bt (spec 3.9, 5 -bt/-bv):
 * the address and whatever it is redirected to, until every branch ends in
 * a transport, a failure, a deferral or a discard.
 *
 * Entry points: route_verify(), route_tree().
 * Must never: deliver; loop forever on a redirection loop (a depth limit
 * stops it).
 */
#include "route.h"

#include <stdio.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/variables.h"

/* Redirection deeper than this is a loop (Exim's own limit is similar). */
#define MAX_DEPTH 100

static int depth_of(const address_item *a) {
  int d = 0;
  for (; a->parent; a = a->parent) d++;
  return d;
}

static void push(address_item **head, address_item *a) {
  a->next = *head;
  *head = a;
}

static void append(address_item ***tail, address_item *a) {
  a->next = NULL;
  **tail = a;
  *tail = &a->next;
}

static int worse(int a, int b) {
  if (a == DEFER || b == DEFER) return DEFER;
  if (a == FAIL || b == FAIL) return FAIL;
  return OK;
}

/* The address variables a sender verification leaves changed: the ACL
 * that asked goes on with the recipient's (exim4 restores them). */
static const char *const kept_vars[] = {"domain", "local_part", "local_part_prefix",
                                        "local_part_suffix"};

static int route_tree_inner(address_item *top, route_purpose purpose, const char *sender,
                            unsigned flags, address_item **leaves);

int route_tree(address_item *top, route_purpose purpose, const char *sender, unsigned flags,
               address_item **leaves) {
  enum { NKEPT = sizeof kept_vars / sizeof kept_vars[0] };
  const char *saved[NKEPT];
  bool keep = purpose == ROUTE_VERIFY_SENDER;
  for (int i = 0; keep && i < NKEPT; i++) {
    const expand_var *v = expand_var_find(kept_vars[i], strlen(kept_vars[i]));
    saved[i] = v ? expand_var_value(v) : NULL;
  }
  int rc = route_tree_inner(top, purpose, sender, flags, leaves);
  for (int i = 0; keep && i < NKEPT; i++) expand_var_set(kept_vars[i], saved[i]);
  return rc;
}

static int route_tree_inner(address_item *top, route_purpose purpose, const char *sender,
                            unsigned flags, address_item **leaves) {
  route_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.purpose = purpose;
  ctx.sender = sender;
  ctx.expn = (flags & RV_EXPN) != 0;
  ctx.debug_print = purpose == ROUTE_ADDRESS_TEST;
  expand_var_set("verify_mode", purpose == ROUTE_VERIFY_SENDER     ? "S"
                                : purpose == ROUTE_VERIFY_RECIPIENT ? "R"
                                                                    : NULL);

  address_item *pending = top, *ended = NULL, **ended_tail = &ended, *local = NULL, *remote = NULL;
  top->next = NULL;
  int result = OK;
  bool full = (flags & RV_FULL) != 0;

  while (pending) {
    address_item *a = pending;
    pending = a->next;
    a->next = NULL;
    int rc;
    if (a->status == OK && a->router) {
      rc = OK;                       /* the routed half of an unseen router */
    } else if (depth_of(a) > MAX_DEPTH) {
      a->status = rc = DEFER;
      a->message = "redirection loop";
    } else {
      ctx.generated = NULL;
      if (route_tracing && !full) fprintf(stderr, ">>> %s\n", ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>");
      rc = route_address(a, &ctx);
    }
    address_item *kids = ctx.generated;
    ctx.generated = NULL;
    if (a->status == OK && a->router && kids && rc == OK) {
      /* Redirected (or split by unseen): route the children next, in the
       * order generated.  Verification of a redirection to several
       * addresses succeeds without them (Exim's -bv). */
      int n = 0;
      for (address_item *k = kids; k; k = k->next) n++;
      if (!full && ((flags & RV_SUCCESS_ON_REDIRECT) || n > 1)) {
        append(&ended_tail, a);
        continue;
      }
      address_item *last = kids;
      while (last->next) last = last->next;
      last->next = pending;
      pending = kids;
      continue;
    }
    if (rc == OK && (a->flags & af_pfr)) {
      /* A pipe, file or reply (a local delivery with its transport;
       * forbidden or without one, -bt says why): shown as met. */
      append(&ended_tail, a);
      continue;
    }
    if (rc == OK && !a->transport && !a->host_list && a->router) {
      /* Redirected to nothing: nothing to deliver, nothing failed. */
      a->status = DISCARD;
      rc = DISCARD;
    }
    if (rc == OK) {
      if (a->transport && !route_transport_is_local(a->transport)) push(&remote, a);
      else if (!a->transport && a->host_list) push(&remote, a);
      else push(&local, a);
      continue;
    }
    if (rc == DISCARD) {
      append(&ended_tail, a);
      continue;
    }
    result = worse(result, rc == FAIL ? FAIL : DEFER);
    append(&ended_tail, a);
    if (!full) break;
    if (rc == FAIL && kids) {
      /* Children made before a :fail: in a redirection list go on. */
      address_item *last = kids;
      while (last->next) last = last->next;
      last->next = pending;
      pending = kids;
    }
  }

  /* Printing order (exim4's): ended ones and pipes/files/replies as met,
   * then the other local ones latest first, then remote. */
  *ended_tail = local;
  address_item **t = &ended;
  while (*t) t = &(*t)->next;
  *t = remote;
  *leaves = ended;
  return result;
}

/* The address qualified as Exim qualifies -bv/-bvs/verify arguments. */
address_item *route_new_address(const char *address, route_purpose purpose) {
  if (!strchr(address, '@') && address[0] != '|' && address[0] != '/') {
    const char *dom = purpose == ROUTE_VERIFY_SENDER ? mainconf.qualify_domain
                                                     : mainconf.qualify_recipient;
    address = str_copy_taint(str_sprintf("%s@%s", address, dom ? dom : ""), is_tainted(address));
  }
  return addr_new(address);
}

int route_verify(const char *address, route_purpose purpose, const char *sender,
                 address_item **leaves) {
  address_item *top = route_new_address(address, purpose);
  return route_tree(top, purpose, sender, 0, leaves);
}
