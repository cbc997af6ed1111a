/* deliver.c - one delivery attempt of one message (spec 3.4-3.14, 47): the
 * frozen-message rules, recovery of a crashed run's journal, the system
 * filter, routing every recipient not yet done (and the children routers
 * generate), duplicate removal, batching local deliveries by transport and
 * identity, the outcome of each address (journal, log, bounce, retry), and
 * the end of the message ("Completed", files removed) or the rewritten -H.
 *
 * Entry point: deliver_message (deliver.h).
 * Must never: deliver an address the -H nonrecipients or the journal hold;
 * log a delivery before its journal line is on disk; remove a message
 * while a recipient is undelivered.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/bounce.h"
#include "deliver/deliver_int.h"
#include "deliver/retry.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "route/redirect.h"
#include "route/route.h"
#include "transport/transport.h"

/* Bound on the addresses one message may generate (redirection loops that
 * the routers' own checks miss). */
#define MAX_ADDRESSES 100000

typedef struct addr_list {
  address_item *head, *tail;
} addr_list;

static void list_add(addr_list *l, address_item *a) {
  a->next = NULL;
  if (l->tail) l->tail->next = a;
  else l->head = a;
  l->tail = a;
}

static address_item *list_pop(addr_list *l) {
  address_item *a = l->head;
  if (a) {
    l->head = a->next;
    if (!l->head) l->tail = NULL;
    a->next = NULL;
  }
  return a;
}

/* One delivery run's state. */
typedef struct run {
  deliver_msg *dm;
  const deliver_opts *o;
  time_t now;
  bool fake;                /* -N */
  bool changed;             /* nonrecipients grew: -H must be rewritten */
  bool journal_failed;
  bool cancelled;           /* -Mg, timeout_frozen_after, the system filter's fail */
  spool_tree *seen;         /* unique+transport of addresses set for delivery */
  int count;
  addr_list pending, local, deferred, failed, delivered;
  addr_list queued_smtp;    /* remote, left for a queue runner (-odqs, queue_smtp_domains) */
} run;

static const char *top_recipient(const run *r, const address_item *a) {
  while (a->parent) a = a->parent;
  if (a->parent_index >= 0 && a->parent_index < r->dm->m.recipients_count)
    return r->dm->m.recipients[a->parent_index].address;
  return a->address;
}

/* The key under which a finished address goes into the nonrecipients. */
static const char *done_key(const run *r, const address_item *a) {
  return a->parent ? a->unique : top_recipient(r, a);
}

/* Record a as finished: journal first, then the tree. */
static bool mark_done(run *r, const address_item *a) {
  const char *key = done_key(r, a);
  const char *err = NULL;
  if (spool_tree_search(r->dm->m.nonrecipients, key)) return true;
  if (!dlv_journal_add(r->dm, key, &err)) {
    log_write_msg(r->dm->m.id, LOG_MAIN | LOG_PANIC, "%s", err);
    r->journal_failed = true;
    return false;
  }
  spool_tree_insert(&r->dm->m.nonrecipients, key);
  r->changed = true;
  return true;
}

/* A child finished: its ancestors finish when their last child does. */
static void child_done(run *r, address_item *a) {
  for (address_item *p = a->parent; p; p = p->parent) {
    if (--p->child_count > 0) return;
    dlv_msglog(r->dm, "%s: children all complete", p->address);
    if (!mark_done(r, p)) return;
  }
}

static void finished(run *r, address_item *a) {
  if (mark_done(r, a)) child_done(r, a);
}

/* ------------------------------------------------------------- retries */

/* The retry key of a local delivery: "T:" and the address, or only the
 * domain when the transport's retry_use_local_part is off (spec 24); seen
 * as "T:a@test.example" in exim4's retry database. */
static const char *transport_retry_key(const address_item *a) {
  const transport_instance *t = a->transport;
  bool lp = t ? t->retry_use_local_part : true;   /* its default follows locality */
  if (lp) return str_sprintf("T:%s@%s", a->local_part, a->domain);
  return str_sprintf("T:%s", a->domain);
}

/* Deferred addresses are kept newest first (exim4 works through them in
 * that order after the deliveries); those marked af_retry_skipped did not
 * try anything and leave the retry data alone. */
static void defer_push(run *r, address_item *a) {
  a->next = r->deferred.head;
  r->deferred.head = a;
  if (!r->deferred.tail) r->deferred.tail = a;
  a->status = DEFER;
}

/* The retry rules for this run's temporary failures: an address whose
 * retry time has run out (or that no rule covers) fails now. */
static void do_retries(run *r) {
  addr_list keep = {0};
  for (address_item *a; (a = list_pop(&r->deferred));) {
    if (a->flags & af_retry_skipped) {
      list_add(&keep, a);
      continue;
    }
    /* the router's key (R:local@domain or R:domain as retry_use_local_part
     * says) for routing deferrals, the transport's for the others */
    const char *key = a->address_retry_key ? a->address_retry_key
                      : a->domain_retry_key ? a->domain_retry_key
                                            : str_sprintf("R:%s@%s", a->local_part, a->domain);
    if (retry_db_defer(a, key, r->now)) {
      /* logged as "retry timeout exceeded"; the bounce keeps the error
       * a router gave for the sender, and lists it first (exim4) */
      a->flags |= af_retry_timedout;
      dlv_log_failure(r->dm, a);
      a->next = r->failed.head;
      r->failed.head = a;
      if (!r->failed.tail) r->failed.tail = a;
    } else {
      list_add(&keep, a);
    }
  }
  r->deferred = keep;
}

/* ------------------------------------------------------------- routing */

/* The transport a redirect router names for a pipe, file or reply it was
 * forbidden to make: exim4 shows it (T=) in the failure line. */
static void forbidden_transport(address_item *a) {
  router_instance *rt = a->router;
  if (a->transport || !rt || !rt->drv.driver_name || strcmp(rt->drv.driver_name, "redirect") != 0)
    return;
  const redirect_options *ob = rt->drv.options_block;
  const char *name = a->address[0] == '|'    ? ob->pipe_transport
                     : a->flags & af_reply     ? ob->reply_transport
                     : a->flags & af_directory ? ob->directory_transport
                                               : ob->file_transport;
  if (!name) return;
  const char *message = a->message;
  a->transport = route_get_transport(rt, name, a);
  a->message = message;
}

/* Whether a's domain is on a domain list option (unset: no). */
static bool domain_on(const address_item *a, const char *list) {
  const char *err = NULL;
  return list && a->domain && match_domain_list(a->domain, list, NULL, &err) == MATCH_YES;
}

/* Whether a remote delivery waits for a queue runner: -odqs, or a domain
 * on queue_smtp_domains right after reception. */
static bool queued_smtp(const run *r, const address_item *a) {
  if (r->o->queue_smtp) return true;
  return r->o->reception_domains && domain_on(a, mainconf.queue_smtp_domains);
}

/* Those addresses: deferred with exim4's texts, errno 0 for -odqs, -1 for
 * queue_smtp_domains, without retry processing; the identity checks of
 * the transport still apply. */
static void do_queued_smtp(run *r) {
  for (address_item *a; (a = list_pop(&r->queued_smtp));) {
    if (dlv_check_ugid(r->dm, a)) {
      a->transport_return = DEFER;
      if (r->o->queue_smtp) {
        a->basic_errno = 0;
        a->message = "SMTP delivery explicitly queued";
      } else {
        a->basic_errno = ERRNO_UNKNOWNERROR;
        a->message = "first-pass only routing due to -odqs, queue_smtp_domains or control=queue";
      }
    }
    a->flags |= af_retry_skipped;
    dlv_log_deferral(r->dm, a);
    defer_push(r, a);
  }
}

static void routed_one(run *r, address_item *a);

/* The addresses routing generated: an unseen router's routed copy is
 * queued for its transport at once; the others, in their order, go to
 * the front of the addresses of the next pass (exim4's order). */
static void queue_generated(run *r, route_ctx *ctx) {
  if (!ctx->generated) return;
  addr_list kids = {0};
  for (address_item *c = ctx->generated, *next; c; c = next) {
    next = c->next;
    c->next = NULL;
    if ((c->flags & af_unseen) && c->status == OK && c->transport) routed_one(r, c);
    else list_add(&kids, c);
  }
  ctx->generated = NULL;
  if (!kids.head) return;
  kids.tail->next = r->pending.head;
  r->pending.head = kids.head;
  if (!r->pending.tail) r->pending.tail = kids.tail;
}

/* Routing one address that needs it. */
static void route_one(run *r, address_item *a, route_ctx *ctx) {
  deliver_msg *dm = r->dm;
  /* queue_domains: right after reception, not routed; a queue run will */
  if (r->o->reception_domains && domain_on(a, mainconf.queue_domains)) {
    a->basic_errno = ERRNO_QUEUE_DOMAIN;
    a->message = "domain is in queue_domains";
    a->transport_return = DEFER;
    a->flags |= af_retry_skipped;
    dlv_log_deferral(dm, a);
    defer_push(r, a);
    return;
  }
  ctx->generated = NULL;
  addr_set_vars(a);
  int rc = route_address(a, ctx);
  switch (rc) {
  case OK:
    break;
  case DISCARD: {
    /* a filter that set up no delivery: "discarded"; a list's
     * :blackhole: by that name (exim4) */
    gstring *g = g_cat(NULL, (a->flags & af_filter_discard) ? "=> discarded " : "=> :blackhole: ");
    g = g_fmt(g, "<%s>", a->address);
    if (a->router) g = g_fmt(g, " R=%s", a->router->drv.name);
    log_write_msg(dm->m.id, LOG_MAIN, "%s", g_str(g));
    finished(r, a);
    return;
  }
  case DEFER:
    a->transport_return = DEFER;
    dlv_log_deferral(dm, a);
    if (a->special_action == SPECIAL_FREEZE && !dm->frozen_reason) {
      /* a filter's freeze: the message is frozen, logged plainly (exim4) */
      log_write_msg(dm->m.id, LOG_MAIN, "Frozen");
      dm->frozen_reason = "";
    }
    defer_push(r, a);
    return;
  default:   /* FAIL, REROUTED without a new domain, ... */
    if (!a->message) a->message = "Unrouteable address";
    a->transport_return = FAIL;
    dlv_log_failure(dm, a);
    /* the bounce lists them latest first, transport failures before */
    a->next = r->failed.head;
    r->failed.head = a;
    if (!r->failed.tail) r->failed.tail = a;
    /* the items a redirection list had before its :fail: are still
     * delivered (exim4) */
    queue_generated(r, ctx);
    return;
  }
  if (ctx->generated) {
    queue_generated(r, ctx);
    return;
  }
  if (!a->transport) {
    /* routed with neither a transport nor children: all children were
     * duplicates or already done */
    if (a->child_count <= 0) finished(r, a);
    return;
  }
  routed_one(r, a);
}

/* One pass over the addresses waiting (exim4's order): each is looked at
 * in turn (pipes, files, replies and earlier deliveries settled, retry
 * times checked), then those that need routing are routed, the last one
 * first; what routing generates waits for the next pass. */
static void route_pass(run *r, route_ctx *ctx) {
  deliver_msg *dm = r->dm;
  address_item *to_route = NULL;
  for (address_item *a; (a = list_pop(&r->pending));) {
    if (++r->count > MAX_ADDRESSES) {
      a->message = "too many addresses generated";
      a->basic_errno = ERRNO_BADREDIRECT;
      dlv_log_deferral(dm, a);
      defer_push(r, a);
      continue;
    }
    /* Delivered in an earlier run (a child recorded in nonrecipients). */
    if (a->parent && spool_tree_search(dm->m.nonrecipients, a->unique)) {
      DEBUG(D_deliver) debug_printf("%s was previously delivered: discarded\n", a->address);
      child_done(r, a);
      continue;
    }
    /* Already routed (an unseen copy, or a pipe/file/reply from a filter
     * or redirection, which goes straight to its transport). */
    if ((a->flags & af_pfr) && !a->router && a->parent) a->router = a->parent->router;
    if ((a->status == OK && a->transport) || (a->flags & af_pfr)) {
      routed_one(r, a);
      continue;
    }
    /* hold_domains: deferred, unrouted, each time unless forced */
    if (!r->o->forced && domain_on(a, mainconf.hold_domains)) {
      a->basic_errno = ERRNO_HELD;
      a->message = "domain is held";
      a->transport_return = DEFER;
      a->flags |= af_retry_skipped;
      const char *q = *dm->queue_name ? str_sprintf(" Q=%s", dm->queue_name) : "";
      log_write_msg(dm->m.id, LOG_MAIN, "== %s%s defer (%d): %s", a->address, q, a->basic_errno, a->message);
      dlv_msglog(dm, "%s%s defer (%d): %s", a->address, q, a->basic_errno, a->message);
      defer_push(r, a);
      continue;
    }
    /* in a queue run, routing waits for its retry time; other deliveries
     * always route (spec 32) */
    if (r->o->queue_run && !r->o->forced && !retry_due(a, false, r->now)) {
      a->message = "retry time not reached";
      a->basic_errno = ERRNO_ROUTE_RETRY_NOT_DUE;
      log_write_sel("retry_defer", LOGGING(retry_defer), dm->m.id, LOG_MAIN, "== %s",
                    g_str(dlv_defer_text(dm, a)));
      defer_push(r, a);
      continue;
    }
    a->next = to_route;
    to_route = a;
  }
  while (to_route) {
    address_item *a = to_route;
    to_route = a->next;
    a->next = NULL;
    route_one(r, a, ctx);
  }
}

/* A routed address (or a pipe, file or reply, which needs no routing):
 * failures and bypasses settled now, the rest queued for its transport. */
static void routed_one(run *r, address_item *a) {
  deliver_msg *dm = r->dm;
  if (a->basic_errno == ERRNO_FORBIDPIPE || a->basic_errno == ERRNO_FORBIDFILE ||
      a->basic_errno == ERRNO_FORBIDREPLY) {
    /* forbidden by the redirect router: fails, naming the transport it
     * would have used (exim4), logged as it is met */
    forbidden_transport(a);
    a->transport_return = FAIL;
    dlv_log_failure(dm, a);
    list_add(&r->failed, a);
    return;
  }
  if ((a->flags & (af_pfr | af_file)) == (af_pfr | af_file) && !(a->flags & af_directory) && strcmp(a->address, "/dev/null") == 0) {
    /* writing to /dev/null needs no transport: bypassed as exim4 */
    a->transport = NULL;
    a->transport_return = OK;
    if (!mark_done(r, a)) {
      dm->frozen_reason = "journal write failure";
      return;
    }
    dlv_log_delivery(dm, a, false, false, NULL);
    child_done(r, a);
    return;
  }
  if (!a->transport) {
    /* a pipe, file or reply without its transport: deferred, no retry
     * (the redirect router's "pipe_transport unset in X router" kept) */
    if (a->basic_errno == ERRNO_BADTRANSPORT && a->message)
      ;
    else if (!a->router)
      a->message = str_sprintf("system_filter_%s_transport is unset",
                               (a->flags & af_reply) ? "reply" : (a->flags & af_directory) ? "directory"
                               : (a->flags & af_file) ? "file" : "pipe");
    else
      a->message = str_sprintf("No transport set by %s router", a->router->drv.name);
    if (a->basic_errno != ERRNO_BADTRANSPORT) a->basic_errno = ERRNO_UNKNOWNERROR;
    a->transport_return = DEFER;
    a->flags |= af_retry_skipped;
    dlv_log_deferral(dm, a);
    defer_push(r, a);
    return;
  }

  /* -ql and -qq's first pass: remote transports wait for a later run,
   * without a log line. */
  if (!route_transport_is_local(a->transport) &&
      (r->o->local_only || r->o->first_pass_routing)) {
    a->flags |= af_retry_skipped;
    defer_push(r, a);
    return;
  }
  /* -odqs / queue_smtp_domains after reception: routed, but the remote
   * transport is left for a queue runner (logged after the local
   * deliveries) */
  if (!route_transport_is_local(a->transport) && queued_smtp(r, a)) {
    list_add(&r->queued_smtp, a);
    return;
  }

  /* A temporary failure earlier: not before its retry time (exim4 logs
   * this in the main log only). */
  if (!(a->flags & af_pfr)) {
    a->address_retry_key = transport_retry_key(a);
    if (r->o->queue_run && !retry_due(a, r->o->forced, r->now)) {
      a->message = "Retry time not yet reached";
      a->basic_errno = ERRNO_RETRY_NOT_DUE;
      log_write_sel("retry_defer", LOGGING(retry_defer), dm->m.id, LOG_MAIN, "== %s",
                    g_str(dlv_defer_text(dm, a)));
      defer_push(r, a);
      return;
    }
  }

  /* A remote transport has no delivery code in this build yet: the
   * address waits on the queue.  No retry data is written, so it is never
   * timed out and bounced for this. */
  if (!route_transport_is_local(a->transport)) {
    a->message = "remote delivery (the smtp transport) is not in this build yet";
    a->basic_errno = ERRNO_UNKNOWNERROR;
    a->transport_return = DEFER;
    a->flags |= af_retry_skipped;
    dlv_log_deferral(dm, a);
    defer_push(r, a);
    return;
  }

  /* rcpt_include_affixes: the log names the local part with them */
  if (a->transport->rcpt_include_affixes) a->flags |= af_include_affixes;

  /* every delivery goes to the head of the local list (exim4's
   * addr_local): the last one queued is made first */
  a->next = r->local.head;
  r->local.head = a;
  if (!r->local.tail) r->local.tail = a;
}

/* ----------------------------------------------------- local deliveries */

static int batch_limit(const transport_instance *t) {
  const transport_ops *ops = t->drv.info ? t->drv.info->kind_ops : NULL;
  int n = ops && ops->batch_max ? ops->batch_max(t) : 1;
  return n < 1 ? 1 : n;
}

static bool same_str(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* Whether b may go in the same transport call as a (spec 26.x batching:
 * same transport, identity, directories, headers, errors address and
 * domain). */
static bool batchable(const address_item *a, const address_item *b) {
  return a->transport == b->transport && !(b->flags & af_pfr) && !(a->flags & af_pfr) &&
         a->uid == b->uid && a->gid == b->gid &&
         (a->flags & (af_uid_set | af_gid_set)) == (b->flags & (af_uid_set | af_gid_set)) &&
         same_str(a->home_dir, b->home_dir) && same_str(a->current_dir, b->current_dir) &&
         same_str(a->errors_address, b->errors_address) &&
         same_str(a->extra_headers, b->extra_headers) &&
         same_str(a->remove_headers, b->remove_headers) && same_str(a->domain, b->domain);
}

static void outcome(run *r, address_item *a, bool later_in_batch, const struct timeval *dt) {
  deliver_msg *dm = r->dm;
  switch (a->transport_return) {
  case OK:
    if (!mark_done(r, a)) {
      /* not recorded: it would be delivered again; say so and freeze */
      dm->frozen_reason = "journal write failure";
      return;
    }
    dlv_log_delivery(dm, a, r->fake, later_in_batch, dt);
    retry_db_success(a);
    child_done(r, a);
    list_add(&r->delivered, a);   /* for NOTIFY=SUCCESS reports */
    break;
  case FAIL:
  case PANIC:
    /* the bounce lists transport failures latest first (exim4) */
    dlv_log_failure(dm, a);
    a->next = r->failed.head;
    r->failed.head = a;
    if (!r->failed.tail) r->failed.tail = a;
    break;
  default:
    a->transport_return = DEFER;
    dlv_log_deferral(dm, a);
    if (a->special_action == SPECIAL_FREEZE && !dm->frozen_reason) dm->frozen_reason = a->message;
    defer_push(r, a);
    break;
  }
}

static void do_local(run *r) {
  /* Duplicates: the same delivery (unique key and transport) once only,
   * the first in delivery order made (exim4) */
  address_item *pending = NULL, **pt = &pending;
  for (address_item *a = r->local.head, *next; a; a = next) {
    next = a->next;
    a->next = NULL;
    const char *key = str_sprintf("%s\n%s", a->unique, a->transport->drv.name);
    if (!spool_tree_insert(&r->seen, key)) {
      DEBUG(D_deliver) debug_printf("%s is a duplicate address: discarded\n", a->address);
      child_done(r, a);
      continue;
    }
    *pt = a;
    pt = &a->next;
  }
  r->local.head = r->local.tail = NULL;
  while (pending) {
    address_item *first = pending;
    pending = pending->next;
    first->next = NULL;
    int max = batch_limit(first->transport), n = 1;
    address_item *btail = first, **pp = &pending;
    while (*pp && n < max) {
      if (batchable(first, *pp)) {
        address_item *b = *pp;
        *pp = b->next;
        b->next = NULL;
        btail->next = b;
        btail = b;
        n++;
      } else {
        pp = &(*pp)->next;
      }
    }
    struct timeval t0, t1, dt = {0, 0};
    gettimeofday(&t0, NULL);
    if (r->fake) {
      for (address_item *a = first; a; a = a->next) a->transport_return = OK;
    } else {
      dlv_run_local(r->dm, first);
    }
    gettimeofday(&t1, NULL);
    timersub(&t1, &t0, &dt);
    bool delivered_one = false;
    for (address_item *a = first; a;) {
      address_item *next = a->next;
      a->next = NULL;
      bool ok = a->transport_return == OK;
      outcome(r, a, delivered_one, &dt);
      delivered_one |= ok;
      a = next;
    }
  }
}

/* one_time (spec 22): a generated address that did not get through at
 * this attempt becomes a top-level recipient (its parent's number kept as
 * pno) and the address that generated it is done, so that the redirection
 * is not made again. */
static void one_time_children(run *r) {
  spool_msg *m = &r->dm->m;
  for (address_item *a = r->deferred.head; a; a = a->next) {
    if (!a->onetime_parent || !a->parent) continue;
    int pno = -1;
    bool present = false;
    for (int i = 0; i < m->recipients_count; i++) {
      if (pno < 0 && strcmp(m->recipients[i].address, a->onetime_parent) == 0) pno = i;
      if (strcmp(m->recipients[i].address, a->address) == 0) present = true;
    }
    if (pno < 0) continue;
    if (!present) {
      spool_recipient *rs = store_get(sizeof *rs * (m->recipients_count + 1), false);
      if (m->recipients_count) memcpy(rs, m->recipients, sizeof *rs * m->recipients_count);
      rs[m->recipients_count] = (spool_recipient){.address = (char *)a->address, .pno = pno};
      m->recipients = rs;
      m->recipients_count++;
      r->changed = true;
    }
    const address_item *top = a;
    while (top->parent) top = top->parent;
    if (!mark_done(r, top)) return;
  }
}

/* ------------------------------------------------------------ failures */

/* Bounce the failed addresses: one report per errors address (the
 * router's errors_to, else the sender).  A message whose sender is empty
 * (a bounce itself) cannot be bounced: it is frozen, unless it is old
 * enough for ignore_bounce_errors_after, when the failures are ignored. */
static void do_failures(run *r) {
  deliver_msg *dm = r->dm;
  spool_msg *m = &dm->m;
  while (r->failed.head) {
    address_item *first = list_pop(&r->failed);
    const char *to = first->errors_address ? first->errors_address : m->sender;
    addr_list same = {0};
    list_add(&same, first);
    addr_list rest = {0};
    while (r->failed.head) {
      address_item *b = list_pop(&r->failed);
      const char *bt = b->errors_address ? b->errors_address : m->sender;
      if (strcmp(bt, to) == 0) list_add(&same, b);
      else list_add(&rest, b);
    }
    r->failed = rest;

    bool discard = !*to && r->cancelled;   /* a cancelled bounce goes quietly */
    bool ignore = !*to || (first->flags & af_ignore_error);
    if (!discard && !*to && !*m->sender) {
      long age = (long)r->now - m->received_sec;
      if (mainconf.ignore_bounce_errors_after <= 0 || age < mainconf.ignore_bounce_errors_after) {
        /* a bounce that failed: keep it, frozen */
        if (!dm->frozen_reason) dm->frozen_reason = "delivery error message";
        continue;
      }
    }
    if (discard) {
      DEBUG(D_deliver) debug_printf("cancelled bounce: failures discarded\n");
    } else if (ignore) {
      for (address_item *a = same.head; a; a = a->next)
        log_write_msg(m->id, LOG_MAIN, "%s: error ignored", a->address);
    } else if (!bounce_send(dm, to, same.head)) {
      if (!dm->frozen_reason) dm->frozen_reason = "bounce message could not be sent";
      continue;
    }
    for (address_item *a = same.head; a;) {
      address_item *next = a->next;
      finished(r, a);
      a = next;
    }
  }
}

/* ------------------------------------------------------------- the run */

static bool all_done(const spool_msg *m) {
  for (int i = 0; i < m->recipients_count; i++)
    if (!spool_tree_search(m->nonrecipients, m->recipients[i].address)) return false;
  return true;
}

/* Frozen messages: thawed by force (-M, -qff), by ignore_bounce_errors_after
 * for bounces, by auto_thaw for others, cancelled by timeout_frozen_after;
 * otherwise left alone.
 * Returns false when nothing is to be done now. */
static bool frozen_check(run *r, bool *cancel) {
  deliver_msg *dm = r->dm;
  spool_msg *m = &dm->m;
  if (!m->frozen) return true;
  long age = (long)r->now - m->received_sec;
  if (r->o->force_thaw) {
    log_write_msg(m->id, LOG_MAIN, "Unfrozen by forced delivery");
    dlv_msglog(dm, "Unfrozen by forced delivery");
    m->manual_thaw = true;   /* the system filter's freeze no longer applies */
  } else if (mainconf.timeout_frozen_after > 0 && age > mainconf.timeout_frozen_after) {
    log_write_msg(m->id, LOG_MAIN, "cancelled by timeout_frozen_after");
    *cancel = true;
  } else if (!*m->sender && mainconf.ignore_bounce_errors_after > 0 &&
             age > mainconf.ignore_bounce_errors_after) {
    log_write_msg(m->id, LOG_MAIN, "Unfrozen by errmsg timer");
    dlv_msglog(dm, "Unfrozen by errmsg timer");
  } else if (*m->sender && mainconf.auto_thaw > 0 && (long)r->now - m->frozen_at > mainconf.auto_thaw) {
    log_write_msg(m->id, LOG_MAIN, "Unfrozen by auto-thaw");
    dlv_msglog(dm, "Unfrozen by auto-thaw");
  } else {
    /* still frozen: said in the main log (and by -v even with
     * skip_delivery off, exim4) */
    if (!r->o->after_reception)
      log_write_sel("skip_delivery", LOGGING(skip_delivery), m->id, LOG_MAIN, "Message is frozen");
    return false;
  }
  m->frozen = false;
  m->frozen_at = 0;
  r->changed = true;
  return true;
}

int deliver_message(const char *id, const char *queue_name, const deliver_opts *o) {
  static const deliver_opts none;
  if (!o) o = &none;
  static deliver_msg dm;   /* deliver_current points here while it runs */
  const char *err = NULL;
  if (!deliver_open(&dm, id, queue_name, &err)) {
    if (errno == EAGAIN) {
      /* another process has it: a skip_delivery line (exim4) */
      DEBUG(D_deliver) debug_printf("%s\n", err);
      log_write_sel("skip_delivery", LOGGING(skip_delivery), id, LOG_MAIN,
                    "Spool file for %s is locked (another process is handling this message)", id);
    } else {
      log_write_msg(id, LOG_MAIN, "%s", err);
    }
    return DELIVER_NOT_ATTEMPTED;
  }
  deliver_current = &dm;
  spool_msg *m = &dm.m;
  /* the transport children are waited for: not under an ignored SIGCHLD
   * inherited from a daemon */
  void (*old_chld)(int) = signal(SIGCHLD, SIG_DFL);
  if (debug_selector & (D_v | D_deliver)) {
    if (o->queue_run_pid) debug_printf("delivering %s (queue run pid %d)\n", id, o->queue_run_pid);
    else debug_printf("delivering %s\n", id);
  }
  run r = {.dm = &dm, .o = o, .now = time(NULL)};
  r.fake = o->dont_deliver || m->dont_deliver;

  bool cancel = o->give_up;
  if (!frozen_check(&r, &cancel)) {
    deliver_close(&dm);
    signal(SIGCHLD, old_chld);
    return DELIVER_NOT_ATTEMPTED;
  }
  dlv_msglog_open(&dm);
  if (dlv_journal_recover(&dm) < 0) {
    deliver_close(&dm);
    signal(SIGCHLD, old_chld);
    return DELIVER_NOT_ATTEMPTED;
  }
  dlv_set_message_vars(&dm);

  /* the recipients still to do */
  for (int i = 0; i < m->recipients_count; i++) {
    spool_recipient *rc = &m->recipients[i];
    if (spool_tree_search(m->nonrecipients, rc->address)) continue;
    address_item *a = addr_new(rc->address);
    a->parent_index = i;
    a->dsn_flags = rc->dsn_flags;
    a->dsn_orcpt = rc->orcpt;
    if (rc->errors_to) a->errors_address = rc->errors_to;
    if (rc->pno >= 0 && rc->pno < m->recipients_count)
      a->onetime_parent = m->recipients[rc->pno].address;
    list_add(&r.pending, a);
  }

  if (cancel) {
    /* -Mg or timeout_frozen_after: every remaining recipient fails at
     * once, without "**" lines; a bounce is sent unless this is one */
    if (o->give_up) {
      struct passwd *pw = getpwuid(getuid());
      log_write_msg(m->id, LOG_MAIN, "cancelled by %s", pw ? pw->pw_name : "root");
    }
    r.cancelled = true;
    for (address_item *a; (a = list_pop(&r.pending));) {
      /* the bounce names each address with no reason under it, the last
       * recipient first (exim4, -Mg and timeout_frozen_after alike) */
      a->message = a->user_message = NULL;
      a->transport_return = FAIL;
      a->next = r.failed.head;
      r.failed.head = a;
      if (!r.failed.tail) r.failed.tail = a;
    }
  }

  /* the system filter, then the original recipients as it decided */
  address_item *sf_gen = NULL;
  const char *sf_fail = NULL;
  int sf = cancel ? SF_CONTINUE : dlv_system_filter(&dm, &sf_gen, &sf_fail);
  addr_list sf_held = {0};   /* original recipients a freeze holds */
  if (sf != SF_CONTINUE) {
    for (address_item *a; (a = list_pop(&r.pending));) {
      if (sf == SF_FREEZE) {
        list_add(&sf_held, a);
      } else if (sf == SF_IGNORE) {
        finished(&r, a);
      } else if (sf == SF_FAIL) {
        r.cancelled = true;   /* a bounce so failed is dropped, not frozen (exim4) */
        a->message = a->user_message = sf_fail;
        a->transport_return = FAIL;
        list_add(&r.failed, a);   /* bounced, not logged one by one */
      }
    }
    if (sf == SF_ERROR) dm.frozen_reason = "";
    if (sf != SF_FAIL || sf_gen) r.changed = true;
  }
  for (address_item *a = sf_gen; a;) {
    address_item *next = a->next;
    list_add(&r.pending, a);
    a = next;
  }

  route_ctx ctx = {.purpose = ROUTE_DELIVER, .sender = m->sender, .headers = &m->headers};
  while (r.pending.head) route_pass(&r, &ctx);
  do_local(&r);
  do_queued_smtp(&r);
  do_retries(&r);
  one_time_children(&r);
  /* the success DSN goes before the bounce (exim4) */
  if (r.delivered.head && !r.fake) (void)bounce_send_success(&dm, r.delivered.head);
  do_failures(&r);

  if (*m->sender && r.deferred.head && bounce_warning_due(&dm, r.now)) {
    /* the warning takes them as they are kept, the last deferred first
     * (exim4's addr_defer) */
    if (bounce_send_warning(&dm, r.deferred.head)) r.changed = true;
  }

  if (sf == SF_FREEZE) {
    dlv_system_filter_frozen(&dm, sf_fail, sf_held.head);
    dm.frozen_reason = "";   /* logged */
  }

  int result = DELIVER_ATTEMPTED_NORMAL;
  /* done when every recipient is, and nothing (a system filter's delivery)
   * is waiting */
  if (all_done(m) && !r.deferred.head && !dm.frozen_reason && !r.journal_failed) {
    gstring *g = g_cat(NULL, "Completed");
    if (LOGGING(queue_time_overall)) {
      struct timeval tv;
      gettimeofday(&tv, NULL);
      long sec = (long)tv.tv_sec - m->received_sec, usec = (long)tv.tv_usec - m->received_usec;
      if (usec < 0) usec += 1000000, sec--;
      g = g_fmt(g, " QT=%s", dlv_time_text(sec, usec, LOGGING(millisec)));
    }
    log_write_msg(m->id, LOG_MAIN, "%s", g_str(g));
    deliver_remove_files(m->id, dm.queue_name);
  } else {
    if (!dm.keep_firsttime) m->deliver_firsttime = false;
    bool saved;
    if (dm.frozen_reason && *dm.frozen_reason) {
      saved = deliver_freeze(&dm, dm.frozen_reason);
    } else {
      if (dm.frozen_reason) m->frozen = true, m->frozen_at = (long)time(NULL);   /* logged already */
      saved = dlv_update_header(&dm);
    }
    if (saved && !r.journal_failed) dlv_journal_remove(&dm);
  }
  deliver_close(&dm);
  signal(SIGCHLD, old_chld);
  return result;
}
