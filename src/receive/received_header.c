/* received_header.c - the Received: header (spec 48.13): received_header_text
 * expanded with the message's variables, then "; " and the date, put first
 * as a type P header; $sender_rcvhost and $received_for for it; the RFC 2822
 * date that Date: and Received: carry.
 *
 * Entry points: rcv_add_received, rcv_date (receive_int.h).
 * Must never: add a Received: header whose expansion failed (the caller
 * rejects the message instead).
 */
#include <string.h>
#include <time.h>

#include "base/log_selector.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "receive/receive_int.h"

char *rcv_date(time_t t) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  localtime_r(&t, &tm);
  long off = tm.tm_gmtoff / 60;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return str_sprintf("%s, %02d %s %d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
                     off / 60, off % 60);
}

/* $sender_rcvhost: "[ip] (port=n helo=h ident=u)" for a host without a
 * verified name, "name ([ip]:port helo=h ident=u)" with one (helo= only
 * when it differs from the name; the line broken before "(" when the
 * address, helo= and ident= are all there, spec $sender_rcvhost); the
 * port only with the incoming_port selector and when known. */
static const char *rcvhost(const smtp_conn *c) {
  if (!c->host_address) return NULL;
  bool port = LOGGING(incoming_port) && c->host_port > 0;   /* -oMa without a port: none */
  gstring *g = NULL;
  if (c->host_name) {
    bool helo = c->helo_name && !str_eqic(c->helo_name, c->host_name);
    g = g_fmt(g, "%s%s([%s]", c->host_name, helo && c->ident ? "\n\t" : " ", c->host_address);
    if (port) g = g_fmt(g, ":%d", c->host_port);
    if (helo) g = g_fmt(g, " helo=%s", c->helo_name);
    if (c->ident) g = g_fmt(g, " ident=%s", c->ident);
    return g_str(g_catc(g, ')'));
  }
  g = g_fmt(g, "[%s]", c->host_address);
  gstring *x = NULL;
  if (port) x = g_fmt(x, "port=%d", c->host_port);
  if (c->helo_name) x = g_fmt(x, "%shelo=%s", x ? " " : "", c->helo_name);
  if (c->ident) x = g_fmt(x, "%sident=%s", x ? " " : "", c->ident);
  if (x) g = g_fmt(g, " (%s)", g_str(x));
  return g_str(g);
}

bool rcv_add_received(rcv_msg *r, const char **error) {
  const smtp_conn *c = r->c;
  expand_var_set("sender_rcvhost", rcvhost(c));
  expand_var_set("sender_address", r->m.sender);   /* submission mode may have changed it */
  expand_var_set("received_for", r->m.recipients_count == 1 ? r->m.recipients[0].address : NULL);
  const char *text = mainconf.received_header_text;
  const char *x = text ? expand_cstring(text) : "";
  expand_var_set("received_for", NULL);   /* only while the header is made (exim4) */
  if (!x) {
    *error = str_sprintf("Expansion of \"%s\" (received_header_text) failed: %s", text,
                         expand_status.message);
    return false;
  }
  gstring *g = g_cat(g_new(strlen(x) + 64, is_tainted(x)), x);
  g = g_cat(g, ";\n\t");
  r->received_head = g_str(g);
  r->received = rcv_header_prepend(&r->m.headers, r->received_head, 'P');
  rcv_received_date(r, r->tv.tv_sec);
  return true;
}

void rcv_received_date(rcv_msg *r, time_t t) {
  if (!r->received) return;
  gstring *g = g_cat(g_new(strlen(r->received_head) + 40, is_tainted(r->received_head)), r->received_head);
  r->received->text = g_str(g_fmt(g, "%s\n", rcv_date(t)));
}
