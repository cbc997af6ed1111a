/* acl_verify_addr.c - verify = recipient, sender[=address] and
 * header_sender in ACLs (spec 44.45-44.48) through the routing engine:
 * the failure texts, $acl_verify_message, $recipient_verify_failure,
 * $sender_verify_failure, $address_data / $sender_address_data, the
 * options /defer_ok /no_details /success_on_redirect, and the
 * once-per-message "sender verify fail" log line (written by acl.c when
 * the failure rejects).
 *
 * Entry point: acl_verify_address() (from acl_verify.c).
 * Must never: claim success for a verification it did not make (callouts
 * and the other options that need the smtp transport are ACL errors).
 */
#include <stdlib.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/variables.h"
#include "route/route.h"
#include "route/route_smtp.h"
#include "smtp/conn.h"

/* The "sender verify fail/defer" line waiting for the statement to
 * reject, and whether this sender's has been logged (acl.c). */
const char *acl_pending_sender_log;
const char *acl_pending_sender_detail;

/* The result for the envelope sender, kept for the message ("using
 * cached sender verify result"). */
static struct {
  char *sender;
  int rc;
  char *message;
  char *detail;   /* the text for the client, or NULL (see v_sender) */
  bool told;
} cache;

void acl_sender_log_told(void) { cache.told = true; }

void acl_verify_reset_message(void) {
  free(cache.sender);
  free(cache.message);
  free(cache.detail);
  cache.sender = cache.message = cache.detail = NULL;
  cache.told = false;
}

bool acl_trace_on(void) { return acl_tracing; }

typedef struct {
  bool defer_ok, no_details, success_on_redirect, callout;
  const char *bad;            /* an option this build cannot do */
} verify_opts;

static void parse_opts(const char *s, verify_opts *o) {
  memset(o, 0, sizeof *o);
  while (s && *s == '/') {
    s++;
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    char *w = str_copyn(s, n);
    if (strcmp(w, "defer_ok") == 0) o->defer_ok = true;
    else if (strcmp(w, "no_details") == 0) o->no_details = true;
    else if (strcmp(w, "success_on_redirect") == 0) o->success_on_redirect = true;
    else if (strcmp(w, "callout") == 0 || strncmp(w, "callout=", 8) == 0) o->callout = true;
    else if (!o->bad) o->bad = w;
    s = e;
  }
}

/* Verifying header addresses: no "end verify" commentary line. */
static bool header_verify;

/* Route `address` for verification: OK / FAIL / DEFER, with the failing
 * leaf's message and user message. */
static int verify_one(const char *address, route_purpose purpose, const char *sender, bool sor,
                      const char **message, const char **user_message, const char **address_data) {
  address_item *top = route_new_address(address, purpose);
  address_item *leaves = NULL;
  route_tracing = acl_tracing;
  int rc = route_tree(top, purpose, sender, sor ? RV_SUCCESS_ON_REDIRECT : 0, &leaves);
  if (acl_tracing && !header_verify) acl_trace(0, "----------- end verify ------------");
  route_tracing = false;
  *message = *user_message = NULL;
  *address_data = leaves ? leaves->address_data : top->address_data;
  if (rc != OK) {
    address_item *bad = leaves;
    while (bad && bad->status != FAIL && bad->status != DEFER) bad = bad->next;
    if (bad) {
      *message = bad->message;
      *user_message = bad->user_message;
    }
  }
  return rc;
}

static int v_recipient(acl_ctx *ctx, const verify_opts *o) {
  if (!ctx->recipient) return acl_error(ctx, "verify = recipient with no recipient");
  const char *msg, *umsg, *ad;
  const char *sender = conn_current && conn_current->env.sender ? conn_current->env.sender : "";
  int rc = verify_one(ctx->recipient, ROUTE_VERIFY_RECIPIENT, sender, o->success_on_redirect, &msg,
                      &umsg, &ad);
  expand_var_set("address_data", ad);
  if (rc == OK) {
    if (o->callout)
      return acl_error(ctx, "verify = recipient/callout needs the smtp transport, which is not "
                            "in this build yet");
    return ACL_OK;
  }
  if (!msg) msg = rc == FAIL ? "Unrouteable address" : "Could not complete recipient verify";
  if (rc == DEFER) {
    if (o->defer_ok) {
      if (acl_tracing) acl_trace(0, "verify defer overridden by defer_ok");
      return ACL_OK;
    }
    expand_var_set("acl_verify_message", msg);
    /* A text for the client (":defer: 452 ..."), with its code, is the
     * reply (exim4); otherwise the generic temporary one. */
    acl_ctx_set_messages(ctx, umsg, umsg && strcmp(umsg, msg) == 0 ? NULL : msg);
    return ACL_DEFER;
  }
  expand_var_set("recipient_verify_failure", "route");
  expand_var_set("acl_verify_message", umsg ? umsg : msg);
  /* The log line shows the client's text as replied (its code
   * corrected) when the router gave one text for both (exim4). */
  acl_ctx_set_messages(ctx, umsg ? umsg : msg, umsg && strcmp(umsg, msg) == 0 ? NULL : msg);
  return ACL_FAIL;
}

static int v_sender(acl_ctx *ctx, const verify_opts *o, const char *given) {
  const char *sender = given;
  if (!sender) {
    sender = conn_current && conn_current->env.sender ? conn_current->env.sender
                                                      : expand_var_value(expand_var_find("sender_address", 14));
    /* A bounce (empty sender) has nothing to verify: true (spec 44.26). */
    if (!sender || !*sender) return ACL_OK;
  }
  int rc;
  const char *msg = NULL, *detail = NULL;
  if (!given && cache.sender && strcmp(cache.sender, sender) == 0) {
    if (acl_tracing) acl_trace(0, "using cached sender verify result");
    rc = cache.rc;
    msg = cache.message;
    detail = cache.detail;
  } else {
    const char *umsg, *ad;
    rc = verify_one(sender, ROUTE_VERIFY_SENDER, "", o->success_on_redirect, &msg, &umsg, &ad);
    /* The client is told why only with a text meant for it (":fail:",
     * cannot_route_message) or the generic "Unrouteable address"; a
     * router's own reason ("all relevant MX records point to non-existent
     * hosts") is logged only (exim4). */
    detail = umsg ? umsg : !msg || strcmp(msg, "Unrouteable address") == 0 ? "Unrouteable address" : NULL;
    if (umsg) msg = umsg;
    if (rc == OK) expand_var_set("sender_address_data", ad);
    if (!given) {
      /* The cache lives until the message ends (outside the pools, which
       * are reset between commands). */
      acl_verify_reset_message();
      cache.sender = strdup(sender);
      cache.message = msg ? strdup(msg) : NULL;
      cache.detail = detail ? strdup(detail) : NULL;
      if (!cache.sender) cache.message = cache.detail = NULL;
      cache.rc = rc;
      cache.told = false;
    }
  }
  if (rc == OK) {
    if (o->callout)
      return acl_error(ctx, "verify = sender/callout needs the smtp transport, which is not in "
                            "this build yet");
    return ACL_OK;
  }
  bool told = !given && cache.told;
  if (rc == DEFER) {
    if (!msg) msg = "Could not complete sender verify";
    if (o->defer_ok) {
      if (acl_tracing) acl_trace(0, "verify defer overridden by defer_ok");
      return ACL_OK;
    }
    if (!told) acl_pending_sender_log = str_sprintf("sender verify defer for <%s>: %s", sender, msg);
    expand_var_set("acl_verify_message", "Could not complete sender verify");
    acl_ctx_set_messages(ctx, NULL, "Could not complete sender verify");
    return ACL_DEFER;
  }
  if (!msg) msg = "Unrouteable address";
  if (!told) acl_pending_sender_log = str_sprintf("sender verify fail for <%s>: %s", sender, msg);
  expand_var_set("sender_verify_failure", "route");
  expand_var_set("acl_verify_message", "Sender verify failed");
  acl_pending_sender_detail = o->no_details || !detail
                                  ? NULL
                                  : str_sprintf("Verification failed for <%s>\n%s", sender, detail);
  acl_ctx_set_messages(ctx, "Sender verify failed", "Sender verify failed");
  return ACL_FAIL;
}

/* header_sender: a verifiable address in Sender:, Reply-To: or From:. */
static int v_header_sender(acl_ctx *ctx, const verify_opts *o) {
  const char *list = route_header_sender_addresses();
  int worst = FAIL;
  const char *last_msg = NULL;
  for (const char *h = list; h && *h;) {
    const char *text = h + strlen(h) + 1;
    const char *a = text + strlen(text) + 1;
    if (acl_tracing) acl_trace(0, "verifying %s: header address %s", h, text);
    h = a + strlen(a) + 1;
    const char *msg, *umsg, *ad;
    header_verify = true;
    int rc = verify_one(a, ROUTE_VERIFY_SENDER, "", o->success_on_redirect, &msg, &umsg, &ad);
    header_verify = false;
    if (rc == OK) {
      expand_var_set("sender_address_data", ad);
      if (o->callout)
        return acl_error(ctx, "verify = header_sender/callout needs the smtp transport, which is "
                              "not in this build yet");
      return ACL_OK;
    }
    if (rc == DEFER) worst = DEFER;
    last_msg = umsg ? umsg : msg;
  }
  if (worst == DEFER) {
    if (o->defer_ok) return ACL_OK;
    acl_ctx_set_messages(ctx, NULL, last_msg);
    return ACL_DEFER;
  }
  acl_ctx_set_messages(ctx, NULL, "there is no valid sender in any header line");
  return ACL_FAIL;
}

int acl_verify_address(acl_ctx *ctx, const char *what, const char *arg) {
  const char *opts = strchr(arg, '/');
  const char *given = NULL;
  const char *eq = strchr(arg, '=');
  if (eq && (!opts || eq < opts)) {
    given = str_copyn(eq + 1, opts ? (size_t)(opts - eq - 1) : strlen(eq + 1));
    if (!*given) given = NULL;
  }
  verify_opts o;
  parse_opts(opts, &o);
  if (o.bad)
    return acl_error(ctx, "verify = %s/%s is not supported in this build", what, o.bad);
  if (strcmp(what, "recipient") == 0) return v_recipient(ctx, &o);
  if (strcmp(what, "sender") == 0) return v_sender(ctx, &o, given);
  return v_header_sender(ctx, &o);
}
