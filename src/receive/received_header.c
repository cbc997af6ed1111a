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

/* $sender_rcvhost: "name ([ip]:port helo=h ident=u)" or "[ip]:port (helo=h)" */
static const char *rcvhost(const smtp_conn *c) {
  if (!c->host_address) return NULL;
  gstring *addr = g_fmt(NULL, "[%s]", c->host_address);
  if (LOGGING(incoming_port)) addr = g_fmt(addr, ":%d", c->host_port);
  gstring *extra = NULL;
  if (c->helo_name && !(c->host_name && str_eqic(c->helo_name, c->host_name)))
    extra = g_fmt(extra, "helo=%s", c->helo_name);
  if (c->ident) extra = g_fmt(extra, "%sident=%s", extra ? " " : "", c->ident);
  if (c->host_name) {
    return str_sprintf("%s (%s%s%s)", c->host_name, g_str(addr), extra ? " " : "",
                       extra ? g_str(extra) : "");
  }
  if (extra) return str_sprintf("%s (%s)", g_str(addr), g_str(extra));
  return g_str(addr);
}

bool rcv_add_received(rcv_msg *r, const char **error) {
  const smtp_conn *c = r->c;
  expand_var_set("sender_rcvhost", rcvhost(c));
  expand_var_set("received_for", r->m.recipients_count == 1 ? r->m.recipients[0].address : NULL);
  const char *text = mainconf.received_header_text;
  const char *x = text ? expand_cstring(text) : "";
  if (!x) {
    *error = str_sprintf("Expansion of \"%s\" (received_header_text) failed: %s", text,
                         expand_status.message);
    return false;
  }
  gstring *g = g_cat(g_new(strlen(x) + 64, is_tainted(x)), x);
  g = g_fmt(g, ";\n\t%s", rcv_date(time(NULL)));
  rcv_header_prepend(&r->m.headers, g_str(g), 'P');
  return true;
}
