/* bounce_warn.c - delay warnings (delay_warning, delay_warning_condition,
 * warn_message_file; spec 50.2) and DSN success notifications (RFC 3461
 * NOTIFY=SUCCESS), both multipart/report messages like bounces.
 *
 * Entry points (bounce.h): bounce_warning_due(), bounce_send_warning(),
 * bounce_send_success().
 * Must never: warn about a bounce (sender "<>"), or when the first delayed
 * address's DSN NOTIFY excludes DELAY (exim 4.96's rule); send a success
 * notice not asked for.
 */
#include <string.h>
#include <time.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "bounce_int.h"

/* ---- when ---------------------------------------------------------------- */

/* Seconds after arrival at which warning number k (0 = the first) is due;
 * -1 when there are no warnings.  Past the list, the last interval
 * repeats (a single time is itself the interval). */
static long warning_threshold(int k) {
  const int *t = mainconf.delay_warning;
  if (!t || t[0] <= 0 || t[1] <= 0) return -1;
  int n = t[0];
  if (k < n) return t[k + 1];
  long interval = n >= 2 ? (long)t[n] - t[n - 1] : t[n];
  if (interval <= 0) return -1;
  return t[n] + (long)(k - n + 1) * interval;
}

static const char *delay_text(long seconds) {
  /* whole hours from two up; one hour is "60 minutes" (exim4) */
  if (seconds >= 7200 && seconds % 3600 == 0) return str_sprintf("%ld hours", seconds / 3600);
  return str_sprintf("%ld minutes", seconds / 60);
}

bool bounce_warning_due(const deliver_msg *dm, time_t now) {
  if (!dm->m.sender || !*dm->m.sender) return false;
  long when = warning_threshold(dm->m.warning_count);
  return when >= 0 && (long)(now - dm->m.received_sec) >= when;
}

/* The domain every address of the list shares, or "" ($domain for
 * delay_warning_condition). */
static const char *common_domain(const address_item *list) {
  const char *d = NULL;
  for (const address_item *a = list; a; a = a->next) {
    if (!a->domain) return "";
    if (!d) d = a->domain;
    else if (strcmp(d, a->domain) != 0) return "";
  }
  return d ? d : "";
}

/* delay_warning_condition (spec 14.23): a forced failure, "", "0", "no"
 * or "false" means no warning. */
static bool warning_wanted(const deliver_msg *dm, const address_item *deferred) {
  if (!mainconf.delay_warning_condition) return true;
  expand_var_set("domain", common_domain(deferred));
  const char *v = expand_cstring(mainconf.delay_warning_condition);
  expand_var_set("domain", NULL);
  if (!v) {
    if (!expand_status.forced_fail)
      log_write_msg(dm->m.id, LOG_MAIN | LOG_PANIC, "failed to expand delay_warning_condition: %s",
                    expand_status.message);
    return false;
  }
  return *v && strcmp(v, "0") != 0 && !str_eqic(v, "no") && !str_eqic(v, "false");
}

/* ---- the warning ----------------------------------------------------------- */

static bool wants_delay_notice(const address_item *a) {
  for (; a; a = a->parent)
    if (a->dsn_flags & (rf_notify_never | rf_notify_success | rf_notify_failure | rf_notify_delay))
      return (a->dsn_flags & rf_notify_delay) != 0;
  return true;
}

/* The trimmed value of header `name`, or NULL. */
static const char *header_value(const deliver_msg *dm, const char *name) {
  size_t n = strlen(name);
  for (const spool_header *h = dm->m.headers; h; h = h->next) {
    if (h->type == '*' || str_ncmpic(h->text, name, n) != 0 || h->text[n] != ':') continue;
    char *s = str_copy(str_skip_space(h->text + n + 1));
    str_rtrim(s);
    return s;
  }
  return NULL;
}

static void put_default_warning_intro(FILE *f, const deliver_msg *dm, const char *to, const char *delay,
                                      int count) {
  const char *sender = bounce_sender(dm);
  fputs("This message was created automatically by mail delivery software.\n", f);
  if (strcmp(sender, to) == 0) fputs("A message that you sent has not yet been delivered to one or more of its\n", f);
  else fprintf(f, "A message sent by\n\n  <%s>\n\nhas not yet been delivered to one or more of its\n", sender);
  fprintf(f, "recipients after more than %s on the queue on %s.\n\n", delay, mainconf.primary_hostname);
  fprintf(f, "The message identifier is:     %s\n", dm->m.id);
  const char *subject = header_value(dm, "subject");
  if (subject) fprintf(f, "The subject of the message is: %s\n", subject);
  const char *date = header_value(dm, "date");
  if (date) fprintf(f, "The date of the message is:    %s\n", date);
  fputc('\n', f);
  if (count == 1) fputs("The address to which the message has not yet been delivered is:\n", f);
  else fputs("The addresses to which the message has not yet been delivered are:\n", f);
}

static const char default_warning_end[] =
    "No action is required on your part. Delivery attempts will continue for\n"
    "some time, and this warning may be repeated at intervals if the message\n"
    "remains undelivered. Eventually the mail delivery software will give up,\n"
    "and when that happens, the message will be returned to you.\n";

/* One warning to `to` for the addresses of `list` whose report goes
 * there. */
static bool send_warning_to(deliver_msg *dm, const char *to, address_item *list, const char *delay) {
  int count = 0;
  for (address_item *a = list; a; a = a->next) count++;
  expand_var_set("warn_message_recipients", to);
  bounce_template tpl;
  bounce_template_read(&tpl, mainconf.warn_message_file, "warning", dm->m.id);

  bounce_out out;
  if (!bounce_out_open(&out, dm, "warning", to)) return false;
  FILE *f = out.f;
  const char *boundary = bounce_boundary();
  bounce_put_reply_to(f);
  fputs("Auto-Submitted: auto-replied\n", f);
  bounce_put_from(f);
  fprintf(f, "To: %s\n", to);
  bounce_put_references(f, dm);
  bounce_put_mime(f, boundary);
  const char *subject = bounce_template_item(&tpl, 0);
  if (subject) fprintf(f, "%s%s", subject, subject[strlen(subject) - 1] == '\n' ? "" : "\n");
  else fprintf(f, "Subject: Warning: message %s delayed %s\n", dm->m.id, delay);
  fprintf(f, "\n--%s\nContent-type: text/plain; charset=us-ascii\n\n", boundary);

  const char *intro = bounce_template_item(&tpl, 1);
  if (intro) fputs(intro, f);
  else put_default_warning_intro(f, dm, to, delay, count);
  fputc('\n', f);
  for (address_item *a = list; a; a = a->next) bounce_put_address(f, a, a->message, "Delay reason: ");
  fputc('\n', f);
  const char *end = bounce_template_item(&tpl, 2);
  fputs(end ? end : default_warning_end, f);
  fputc('\n', f);

  bounce_put_dsn_head(f, dm, boundary);
  for (address_item *a = list; a; a = a->next) bounce_put_dsn_recipient(f, a, "delayed", "4.0.0", NULL);
  bool ok = bounce_out_close(&out, bounce_put_returned(f, dm, list, boundary, true));
  expand_var_set("warn_message_recipients", NULL);
  return ok;
}

/* Copy the members of list (linked by ->next) that satisfy keep into a new
 * list of shallow copies, so the caller's list is left alone. */
static address_item *copy_where(address_item *list, bool (*keep)(const address_item *, const void *),
                                const void *arg) {
  address_item *head = NULL, **tail = &head;
  for (address_item *a = list; a; a = a->next) {
    if (!keep(a, arg)) continue;
    address_item *c = store_get(sizeof *c, false);
    *c = *a;
    c->next = NULL;
    *tail = c;
    tail = &c->next;
  }
  return head;
}

static const char *report_to(const address_item *a, const deliver_msg *dm) {
  for (; a; a = a->parent)
    if (a->errors_address) return a->errors_address;
  return bounce_sender(dm);
}

struct to_match {
  const char *to;
  const deliver_msg *dm;
};
static bool keep_to(const address_item *a, const void *arg) {
  const struct to_match *m = arg;
  return strcmp(report_to(a, m->dm), m->to) == 0;
}

bool bounce_send_warning(deliver_msg *dm, address_item *deferred) {
  long when = warning_threshold(dm->m.warning_count);
  if (when < 0 || !warning_wanted(dm, deferred)) return true;
  dm->m.warning_count++;
  /* as exim 4.96: the first address's DSN NOTIFY decides for them all */
  if (!deferred || !wants_delay_notice(deferred)) return true;
  const char *delay = delay_text(when);
  expand_var_set("warn_message_delay", delay);
  address_item *wanted = deferred;
  bool ok = true;
  /* one warning per distinct report address, in the order first seen */
  for (address_item *a = wanted; a; a = a->next) {
    const char *to = report_to(a, dm);
    if (!*to) continue;
    bool seen = false;
    for (address_item *b = wanted; b != a; b = b->next)
      if (strcmp(report_to(b, dm), to) == 0) seen = true;
    if (seen) continue;
    struct to_match m = {to, dm};
    ok = send_warning_to(dm, to, copy_where(wanted, keep_to, &m), delay) && ok;
  }
  expand_var_set("warn_message_delay", NULL);
  return ok;
}

/* ---- success notifications ----------------------------------------------- */

static bool keep_success(const address_item *a, const void *arg) {
  (void)arg;
  for (; a; a = a->parent)
    if (a->dsn_flags & rf_dsnflags) return (a->dsn_flags & rf_notify_success) != 0;
  return false;
}

bool bounce_send_success(deliver_msg *dm, address_item *delivered) {
  address_item *list = copy_where(delivered, keep_success, NULL);
  const char *to = bounce_sender(dm);
  if (!list || !*to) return true;

  bounce_out out;
  if (!bounce_out_open(&out, dm, "DSN", to)) return false;
  FILE *f = out.f;
  const char *boundary = bounce_boundary();
  bounce_put_from(f);
  fprintf(f, "Auto-Submitted: auto-generated\nTo: %s\nSubject: Delivery Status Notification\n", to);
  bounce_put_references(f, dm);
  bounce_put_mime(f, boundary);
  fprintf(f, "\n--%s\nContent-type: text/plain; charset=us-ascii\n\n"
             "This message was created automatically by mail delivery software.\n"
             " ----- The following addresses had successful delivery notifications -----\n", boundary);
  for (address_item *a = list; a; a = a->next)
    fprintf(f, "<%s> (relayed via non \"Remote SMTP\" router)\n", a->address);
  fputc('\n', f);
  bounce_put_dsn_head(f, dm, boundary);
  for (address_item *a = list; a; a = a->next)
    bounce_put_dsn_recipient(f, a, "delivered", "2.0.0", "X-Exim; relayed via non SMTP router");
  return bounce_out_close(&out, bounce_put_returned(f, dm, list, boundary, true));
}
