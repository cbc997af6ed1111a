/* deliver_log.c - the main-log and msglog lines of a delivery (spec 53.7 -
 * 53.12): "=>" deliveries (local style for log_as_local routers), "*>"
 * under -N, "==" deferrals, "**" failures, and how an address is shown in
 * them (final address, intermediate parent in parentheses, the original
 * recipient in angle brackets), with the log_selector fields.
 *
 * Entry points: deliver_log_address (deliver.h); dlv_address_text,
 * dlv_log_delivery, dlv_log_deferral, dlv_log_failure, dlv_time_text
 * (deliver_int.h).
 * Must never: write anything but log lines (no spool or journal changes).
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/str.h"
#include "deliver/deliver_int.h"
#include "route/route.h"
#include "route/router.h"
#include "transport/transport.h"
#include "transport/write.h"

gstring *dlv_address_text(gstring *g, const address_item *a, bool local_style) {
  const address_item *top = addr_top(a);
  if (local_style && !(a->flags & af_pfr)) {
    if (a->flags & af_include_affixes)
      g = g_fmt(g, "%s%s%s", a->prefix ? a->prefix : "", a->local_part ? a->local_part : "",
                a->suffix ? a->suffix : "");
    else
      g = g_cat(g, a->local_part ? a->local_part : a->address);
  } else {
    g = g_cat(g, a->address);
  }
  /* exim4 names an intermediate parent only for pipes, files and replies
   * (and every one with +all_parents) */
  if (a->parent && a->parent != top && (LOGGING(all_parents) || (a->flags & af_pfr))) {
    if (LOGGING(all_parents)) {
      for (const address_item *p = a->parent; p && p != top; p = p->parent)
        g = g_fmt(g, " (%s)", p->address);
    } else {
      g = g_fmt(g, " (%s)", a->parent->address);
    }
  }
  /* the original recipient, unless it is the same address (as the one
   * going on after an unseen router or a non-significant filter: exim4) */
  const char *original = addr_original(a);
  if (local_style || strcmp(a->address, original) != 0) g = g_fmt(g, " <%s>", original);
  return g;
}

const char *dlv_one_line(const char *s) {
  if (!s || !strchr(s, '\n')) return s;
  gstring *g = NULL;
  for (; *s; s++) g = *s == '\n' ? g_cat(g, "\\n") : g_catc(g, *s);
  return g_str(g);
}

const char *dlv_time_text(long sec, long usec, bool millisec) {
  if (sec < 0) sec = 0, usec = 0;
  if (millisec) return str_sprintf("%ld.%03lds", sec, usec / 1000);
  gstring *g = NULL;
  long w = sec / (7 * 86400), d = sec / 86400 % 7, h = sec / 3600 % 24, m = sec / 60 % 60,
       s = sec % 60;
  if (w) g = g_fmt(g, "%ldw", w);
  if (d) g = g_fmt(g, "%ldd", d);
  if (h) g = g_fmt(g, "%ldh", h);
  if (m) g = g_fmt(g, "%ldm", m);
  if (s || !g) g = g_fmt(g, "%lds", s);
  return g_str(g);
}

static const char *router_name(const address_item *a) {
  return a->router ? a->router->drv.name : NULL;
}
/* A file delivery to /dev/null is made without its transport (exim4's
 * "T=**bypassed**"). */
static const char *transport_name(const address_item *a) {
  if (!a->transport && (a->flags & af_file) && a->transport_return == OK && strcmp(a->address, "/dev/null") == 0)
    return "**bypassed**";
  return a->transport ? a->transport->drv.name : NULL;
}

/* disable_logging on the transport: no main log line for its deliveries
 * or errors (the msglog keeps them). */
static bool quiet(const address_item *a) {
  return a->transport && a->transport->disable_logging;
}

static bool local_style(const address_item *a) {
  if (a->flags & af_pfr) return true;
  return a->router && a->router->log_as_local;
}

/* " Q=name" after the address for a message on a named queue (exim4
 * writes it on "=>", "==" and "**" lines and in the msglog). */
static gstring *queue_field(gstring *g, const deliver_msg *dm) {
  return *dm->queue_name ? g_fmt(g, " Q=%s", dm->queue_name) : g;
}

static gstring *queue_time(gstring *g, const deliver_msg *dm) {
  struct timeval now;
  gettimeofday(&now, NULL);
  long sec = (long)now.tv_sec - dm->m.received_sec;
  long usec = (long)now.tv_usec - dm->m.received_usec;
  if (usec < 0) usec += 1000000, sec--;
  return g_fmt(g, " QT=%s", dlv_time_text(sec, usec, LOGGING(millisec)));
}

void dlv_log_delivery(deliver_msg *dm, const address_item *a, bool fake, bool later_in_batch,
                      const struct timeval *dt) {
  /* -N: "*>", but a batch's later addresses keep "->" (exim4) */
  gstring *g = g_cat(NULL, later_in_batch ? "-> " : fake ? "*> " : "=> ");
  g = dlv_address_text(g, a, local_style(a));
  if (LOGGING(sender_on_delivery)) g = g_fmt(g, " F=<%s>", dm->m.sender ? dm->m.sender : "");
  g = queue_field(g, dm);
  if (LOGGING(return_path_on_delivery)) {
    /* the delivery's own: errors_to, the transport's return_path */
    const char *err = NULL, *rp = NULL;
    if (a->transport) {
      addr_set_vars(a);
      rp = transport_return_path(a->transport, a, &err);
    }
    if (!rp) rp = a->errors_address ? a->errors_address : dm->m.sender ? dm->m.sender : "";
    g = g_fmt(g, " P=<%s>", rp);
  }
  if (router_name(a)) g = g_fmt(g, " R=%s", router_name(a));
  if (transport_name(a)) g = g_fmt(g, " T=%s", transport_name(a));
  if (LOGGING(delivery_size)) g = g_fmt(g, " S=%ld", fake ? 0L : a->size_delivered);
  /* a local transport given hosts by its router (manualroute): the list
   * as one string, as $host has it (exim4) */
  if (a->host_list && route_transport_is_local(a->transport)) g = g_fmt(g, " H=%s", a->host_list->name);
  /* smtp_confirmation: an LMTP delivery's reply to the data (the
   * transport leaves it in a->message) */
  if (LOGGING(smtp_confirmation) && !fake && a->message && a->transport && a->transport->drv.driver_name &&
      strcmp(a->transport->drv.driver_name, "lmtp") == 0)
    g = g_fmt(g, " C=\"%s\"", str_printing(a->message));
  /* shadow_transport: its name, and its error when it failed */
  if (a->shadow_message && a->transport && a->transport->shadow_transport) {
    g = g_fmt(g, " ST=%s", a->transport->shadow_transport);
    if (*a->shadow_message) g = g_fmt(g, " (%s)", a->shadow_message);
  }
  if (LOGGING(queue_time)) g = queue_time(g, dm);
  if (LOGGING(deliver_time))
    g = g_fmt(g, " DT=%s", dlv_time_text(dt ? (long)dt->tv_sec : 0, dt ? (long)dt->tv_usec : 0,
                                         LOGGING(millisec)));
  if (!quiet(a)) log_write_msg(dm->m.id, LOG_MAIN, "%s", g_str(g));

  /* msglog: "address [<parent>]: T transport succeeded" */
  gstring *ml = g_cat(NULL, a->address);
  if (a->parent) ml = g_fmt(ml, " <%s>", a->parent->address);
  ml = g_fmt(ml, ": %s transport succeeded", transport_name(a) ? transport_name(a) : "");   /* -N too */
  dlv_msglog(dm, "%s", g_str(ml));
}

/* The part after the address: " [Q=q] R=r T=t defer (errno): text". */
static gstring *defer_text(gstring *g, const deliver_msg *dm, const address_item *a) {
  g = queue_field(g, dm);
  if (router_name(a)) g = g_fmt(g, " R=%s", router_name(a));
  if (transport_name(a)) g = g_fmt(g, " T=%s", transport_name(a));
  /* neither: deferred before any router (exim4's wording) */
  g = g_fmt(g, "%s defer (%d)", router_name(a) || transport_name(a) ? "" : " routing", a->basic_errno);
  if (a->basic_errno > 0) g = g_fmt(g, ": %s", strerror(a->basic_errno));
  if (a->message) g = g_fmt(g, ": %s", dlv_one_line(a->message));
  return g;
}

gstring *dlv_defer_text(const deliver_msg *dm, const address_item *a) {
  return defer_text(dlv_address_text(NULL, a, false), dm, a);
}

void dlv_log_deferral(deliver_msg *dm, const address_item *a) {
  const char *text = g_str(dlv_defer_text(dm, a));
  if (!quiet(a)) log_write_msg(dm->m.id, LOG_MAIN, "== %s", text);
  dlv_msglog(dm, "%s", text);
}

void dlv_log_failure(deliver_msg *dm, const address_item *a) {
  gstring *t = dlv_address_text(NULL, a, false);
  bool expired = (a->flags & af_retry_timedout) != 0;
  if (expired) {
    t = g_cat(t, ": retry timeout exceeded");
  } else {
    t = queue_field(t, dm);
    if (router_name(a)) t = g_fmt(t, " R=%s", router_name(a));
    if (transport_name(a)) t = g_fmt(t, " T=%s", transport_name(a));
    if (a->message) t = g_fmt(t, ": %s", dlv_one_line(a->message));
  }
  const char *text = g_str(t);
  if (!quiet(a)) log_write_msg(dm->m.id, LOG_MAIN, "** %s", text);
  /* a retry timeout is not in the msglog (exim4) */
  if (expired) return;
  if (!a->transport && !a->router) dlv_msglog(dm, "routing failed for %s", text);
  else dlv_msglog(dm, "%s", text);
}

void deliver_log_address(const deliver_msg *dm, const address_item *a, int result, bool first_for_parent) {
  deliver_msg *d = (deliver_msg *)dm;
  switch (result) {
  case OK: dlv_log_delivery(d, a, false, !first_for_parent, NULL); break;
  case DEFER: dlv_log_deferral(d, a); break;
  default: dlv_log_failure(d, a); break;
  }
}
