/* retry_db.c - the retry hints database (db/retry, spec 32.7-32.11):
 * reading records, updating them after a temporary failure (next retry
 * time from the matching rule, retry_interval_max, timing out), deleting
 * them after a success, and deciding whether an address's retry time has
 * come.
 *
 * Entry points (retry.h): retry_db_read(), retry_db_defer(),
 * retry_db_success(), retry_due(), retry_next_interval().
 * Must never: lose a record's first-failure time when updating it; treat a
 * missing database or record as an error (it means "try now"); hold the
 * database open across a delivery.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../hints/hints.h"
#include "deliver.h"
#include "retry.h"

bool retry_db_read(const char *key, retry_record *out) {
  const char *error;
  hints_db *db = hints_open(NULL, "retry", false, &error);
  if (!db) return false;
  size_t len = 0;
  retry_record *r = hints_read(db, key, &len);
  hints_close(db);
  if (!r || len < sizeof *r) return false;
  *out = *r;
  out->text[sizeof out->text - 1] = 0;
  return true;
}

/* A record older than retry_data_expire is ignored (spec 32.9). */
static bool record_current(const retry_record *r, time_t now) {
  return mainconf.retry_data_expire <= 0 || now - r->time_stamp <= mainconf.retry_data_expire;
}

/* The key a rule is looked up with: "R:x" gives x; "T:host:ip" gives the
 * host name (spec 32.4; the mail domain is the alternative). */
static const char *rule_key(const char *key) {
  if (strncmp(key, "R:", 2) == 0) return key + 2;
  if (strncmp(key, "T:", 2) == 0) {
    const char *c = strchr(key + 2, ':');
    return c ? str_copyn(key + 2, (size_t)(c - key - 2)) : key + 2;
  }
  return key;
}

/* Message-related errors (spec 32.11): the earlier of the message's
 * arrival and the first failure counts. */
static bool message_error(int basic_errno) {
  return basic_errno == ERRNO_MAIL4XX || basic_errno == ERRNO_DATA4XX || basic_errno == ERRNO_EXIMQUOTA;
}

long retry_next_interval(const retry_param *p, long last_interval) {
  long next = p->p1;
  if (p->algorithm == 'F' || p->p2 <= 1.0) return next;
  /* G and H: grow from the first interval until past the previous one */
  double v = p->p1;
  while (v <= (double)last_interval && v < 1e9) v *= p->p2;
  next = (long)v;
  if (p->algorithm == 'H' && next > p->p1) next = p->p1 + random() % (next - p->p1 + 1);
  return next;
}

bool retry_db_defer(address_item *a, const char *key, time_t now) {
  const char *sender = deliver_current ? deliver_current->m.sender : NULL;
  time_t received = deliver_current ? (time_t)deliver_current->m.received_sec : now;
  const retry_rule *rule = retry_find_rule(rule_key(key), a->domain, a->basic_errno, a->more_errno, sender);

  const char *error;
  hints_db *db = hints_open(NULL, "retry", true, &error);
  if (!db) log_write(LOG_MAIN, "Failed to open retry database: %s", error);
  retry_record old, rec;
  bool have_old = false;
  if (db) {
    size_t len = 0;
    retry_record *r = hints_read(db, key, &len);
    if (r && len >= sizeof *r && record_current(r, now)) {
      old = *r;
      have_old = true;
    }
  }
  memset(&rec, 0, sizeof rec);
  rec.time_stamp = now;
  rec.basic_errno = a->basic_errno;
  rec.more_errno = a->more_errno;
  rec.first_failed = have_old ? old.first_failed : now;
  rec.last_try = now;
  if (a->message) snprintf(rec.text, sizeof rec.text, "%s", a->message);

  bool expired;
  if (!rule || rule->nparams == 0) {
    /* no rule (or a rule without parameters): no retrying at all */
    expired = true;
    rec.next_try = now;
  } else {
    time_t start = rec.first_failed;
    if (message_error(a->basic_errno) && received < start) start = received;
    long failing = (long)(now - start);
    const retry_param *p = NULL;
    for (int i = 0; i < rule->nparams; i++)
      if (failing < rule->params[i].until) {
        p = &rule->params[i];
        break;
      }
    /* spec 32.11: on the queue longer than the final cutoff times out too */
    long cutoff = rule->params[rule->nparams - 1].until;
    expired = !p || (long)(now - received) > cutoff;
    if (!p) p = &rule->params[rule->nparams - 1];
    long last = have_old ? (long)(old.next_try - old.last_try) : 0;
    long interval = retry_next_interval(p, last);
    if (mainconf.retry_interval_max > 0 && interval > mainconf.retry_interval_max)
      interval = mainconf.retry_interval_max;
    rec.next_try = now + interval;
  }
  rec.expired = expired;
  if (db) {
    hints_write(db, key, &rec, sizeof rec);
    hints_close(db);
  }
  a->retry_time = rec.next_try;
  if (expired) {
    /* what the sender's report says: the last error meant for the sender
     * (a :defer: text), "local delivery failed" for a transport's own
     * deferral (its text when it passes it on), nothing for an internal
     * error or a check made before the transport ran; then the timeout */
    a->flags |= af_retry_timedout;
    const char *last = a->user_message;
    if (!last && a->transport_ran) last = (a->flags & af_pass_message) ? a->message : "local delivery failed";
    a->user_message = last && *last ? str_sprintf("%s: retry timeout exceeded", last) : "retry timeout exceeded";
  }
  return expired;
}

static void delete_key(hints_db *db, const char *key) {
  if (key && *key) hints_delete(db, key);
}

void retry_db_success(const address_item *a) {
  const char *error;
  hints_db *db = hints_open(NULL, "retry", true, &error);
  if (!db) return;
  delete_key(db, a->address_retry_key);
  delete_key(db, a->domain_retry_key);
  hints_close(db);
}

static const char *domain_key(const address_item *a) {
  if (a->domain_retry_key) return a->domain_retry_key;
  return a->domain ? str_sprintf("R:%s", a->domain) : NULL;
}

static const char *address_key(const address_item *a) {
  if (a->address_retry_key) return a->address_retry_key;
  return a->domain && a->local_part ? str_sprintf("R:%s@%s", a->local_part, a->domain) : NULL;
}

bool retry_due(address_item *a, bool forced, time_t now) {
  if (forced) return true;
  const char *error;
  hints_db *db = hints_open(NULL, "retry", false, &error);
  if (!db) return true;
  const char *keys[2] = {domain_key(a), address_key(a)};
  time_t received = deliver_current ? (time_t)deliver_current->m.received_sec : now;
  const char *sender = deliver_current ? deliver_current->m.sender : NULL;
  bool due = true;
  for (int i = 0; i < 2; i++) {
    if (!keys[i]) continue;
    size_t len = 0;
    retry_record *r = hints_read(db, keys[i], &len);
    if (!r || len < sizeof *r || !record_current(r, now)) continue;
    if (i == 0) a->flags |= af_dr_retry_exists;
    /* after the cutoff one attempt is always made (it then fails) */
    if (r->expired || now >= r->next_try) continue;
    /* spec 32.11: a message older than the rule's final cutoff is tried */
    const retry_rule *rule =
        retry_find_rule(keys[i] + 2, a->domain, r->basic_errno, r->more_errno, sender);
    if (rule && rule->nparams > 0 && (long)(now - received) > rule->params[rule->nparams - 1].until) continue;
    due = false;
    if (r->next_try > a->retry_time) a->retry_time = r->next_try;
  }
  hints_close(db);
  if (!due) a->flags |= af_retry_skipped;
  return due;
}
