/* acl_seen.c - the seen condition (spec 44.38):
 *   seen = [-]interval / key=TEXT / readonly / write / refresh=interval
 * A record in the "seen" hints database holds the time a key was last
 * seen.  Without "-" the condition is true when the record is at least as
 * recent as now - interval ("since"); with "-" when it is older ("before").
 * Updates: none with readonly; always with write or for a "since" test;
 * otherwise a missing record is created.  A successful "before" test whose
 * record is older than the refresh interval (default 10 days) gets the test
 * time as its new stamp, so tidying keeps it.
 *
 * Entry point: the table acl_seen_defs[].
 * Must never: write with readonly.
 */
#include <string.h>
#include <time.h>

#include "acl/acl_int.h"
#include "base/list.h"
#include "base/log.h"
#include "expand/variables.h"
#include "hints/hints.h"
#include "smtp/conn.h"

static int c_seen(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *list = arg;
  int sep = '/';
  char *first = list_next(&list, &sep);
  if (!first || !*first) return acl_error(ctx, "failed to parse ''");
  bool before = false;
  const char *t = first;
  if (*t == '-') {
    before = true;
    t++;
  }
  int interval = acl_parse_time(t);
  if (interval < 0) return acl_error(ctx, "failed to parse '%s'", first);
  const char *key = NULL;
  bool readonly = false, write = false;
  int refresh = 10 * 24 * 60 * 60;
  char *opt;
  while ((opt = list_next(&list, &sep))) {
    if (strncmp(opt, "key=", 4) == 0) key = opt + 4;
    else if (strcmp(opt, "readonly") == 0) readonly = true, write = false;
    else if (strcmp(opt, "write") == 0) write = true, readonly = false;
    else if (strncmp(opt, "refresh=", 8) == 0) {
      refresh = acl_parse_time(opt + 8);
      if (refresh < 0) return acl_error(ctx, "failed to parse '%s'", arg);
    } else {
      return acl_error(ctx, "unrecognised option '%s' in '%s'", opt, arg);
    }
  }
  if (!key) {
    const char *h = conn_current ? conn_current->host_address : NULL;
    if (!h) h = expand_var_value(expand_var_find("sender_host_address", 19));
    key = h ? h : "";
  }
  time_t now = time(NULL), test = now - interval;
  const char *error;
  hints_db *db = hints_open(NULL, "seen", !readonly, &error);
  if (!db && readonly) return ACL_FAIL;   /* nothing recorded yet */
  if (!db) {
    log_write(LOG_MAIN | LOG_PANIC, "seen database not available: %s", error);
    return ACL_DEFER;
  }
  size_t len;
  hints_header *rec = hints_read(db, key, &len);
  bool have = rec && len >= sizeof *rec;
  int rc;
  if (before) rc = have && rec->time_stamp <= test ? ACL_OK : ACL_FAIL;   /* as exim4: "-0s" matches now */
  else rc = have && rec->time_stamp >= test ? ACL_OK : ACL_FAIL;
  if (!readonly) {
    hints_header h;
    h.time_stamp = 0;
    if (write || !before || !have) h.time_stamp = now;
    else if (rc == ACL_OK && rec->time_stamp < now - refresh) h.time_stamp = test;
    if (h.time_stamp) hints_write(db, key, &h, sizeof h);
    if (acl_tracing)
      acl_trace(ctx->level, h.time_stamp ? "seen db written (%s)" : "seen db not written", have ? "update" : "create");
  } else if (acl_tracing) {
    acl_trace(ctx->level, "seen db not written (readonly)");
  }
  hints_close(db);
  return rc;
}

const acl_cond_def acl_seen_defs[] = {
  {"seen", 0, ACL_WHERE_ALL, c_seen, NULL},
  {NULL, 0, 0, NULL, NULL},
};
