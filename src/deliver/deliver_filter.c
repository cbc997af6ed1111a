/* deliver_filter.c - the system filter in a delivery attempt (spec 47):
 * run once per attempt before routing, its header changes made to the
 * message, its deliveries put under the pseudo-parent "system-filter"
 * (pipes, files and replies going to system_filter_*_transport), and its
 * decision about the original recipients (ignored after a significant
 * delivery, failed, deferred, frozen) logged as exim4 logs them.
 *
 * Entry point: dlv_system_filter (deliver_int.h).
 * Must never: run a Sieve filter as the system filter; let a freeze
 * override an administrator's manual thaw.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver_int.h"
#include "expand/variables.h"
#include "filter/filter.h"
#include "transport/transport.h"

/* The whole filter file, or NULL with *error. */
static char *read_file(const char *path, const char **error) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    *error = str_sprintf("failed to open \"%s\": %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return NULL;
  }
  size_t n = (size_t)st.st_size, got = 0;
  char *text = store_get(n + 1, false);
  while (got < n) {
    ssize_t r = read(fd, text + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  text[got] = 0;
  return text;
}

/* Split a header block into its headers (each with its continuation
 * lines and final newline). */
static int split_headers(const char *h, size_t hl, const char ***out) {
  int n = 0, cap = 16;
  const char **v = store_get(sizeof(char *) * (size_t)cap, false);
  const char *p = h, *end = h + hl;
  while (p < end) {
    const char *e = p;
    for (;;) {
      const char *nl = memchr(e, '\n', (size_t)(end - e));
      if (!nl) { e = end; break; }
      e = nl + 1;
      if (e >= end || (*e != ' ' && *e != '\t')) break;
    }
    if (n == cap) {
      const char **w = store_get(sizeof(char *) * (size_t)cap * 2, false);
      memcpy(w, v, sizeof(char *) * (size_t)n);
      v = w;
      cap *= 2;
    }
    v[n++] = str_copyn(p, (size_t)(e - p));
    p = e;
  }
  *out = v;
  return n;
}

/* The filter changed the header block the expander holds: headers no
 * longer there are marked deleted ('*'), new ones (at the end) added. */
static void apply_header_changes(deliver_msg *dm) {
  const char *h, *b;
  size_t hl, bl;
  expand_get_message(&h, &hl, &b, &bl);
  if (!h) return;
  const char **now;
  int n = split_headers(h, hl, &now), j = 0;
  spool_header **tail = &dm->m.headers;
  for (spool_header *sh = dm->m.headers; sh; sh = sh->next) {
    tail = &sh->next;
    if (sh->type == '*') continue;
    if (j < n && strcmp(sh->text, now[j]) == 0) j++;
    else sh->type = '*';
  }
  for (; j < n; j++) {
    spool_header *nh = store_get(sizeof *nh, false);
    nh->next = NULL;
    nh->type = ' ';
    nh->text = (char *)now[j];
    *tail = nh;
    tail = &nh->next;
  }
}

/* The transport for a pipe, file, directory or reply the filter made. */
static transport_instance *pfr_transport(const address_item *a) {
  const char *name = NULL;
  if (a->flags & af_reply) name = mainconf.system_filter_reply_transport;
  else if (a->flags & af_directory) name = mainconf.system_filter_directory_transport;
  else if (a->flags & af_file) name = mainconf.system_filter_file_transport;
  else name = mainconf.system_filter_pipe_transport;
  return name ? (transport_instance *)driver_find(&transport_kind, name) : NULL;
}

int dlv_system_filter(deliver_msg *dm, address_item **generated, const char **fail_text) {
  spool_msg *m = &dm->m;
  *generated = NULL;
  if (!mainconf.system_filter || !*mainconf.system_filter) return SF_CONTINUE;
  const char *err = NULL;
  char *text = read_file(mainconf.system_filter, &err);
  if (!text) {
    log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "Failed to read system filter file: %s", err);
    return SF_ERROR;
  }

  address_item *sf = addr_new("system-filter");
  sf->parent_index = -1;
  filter_ctx ctx = {0};
  ctx.options = RDO_SYSTEM | RDO_DEFER | RDO_FAIL | RDO_FREEZE | RDO_BLACKHOLE | RDO_FILE | RDO_PIPE |
                RDO_REPLY | RDO_LOG | RDO_EXISTS | RDO_LOOKUP | RDO_RUN | RDO_READFILE | RDO_READSOCK |
                RDO_EXIM_FILTER | RDO_REWRITE;
  ctx.parent = sf;
  ctx.first_delivery = m->deliver_firsttime;
  ctx.manually_thawed = m->manual_thaw;
  expand_var_set("recipients", NULL);
  gstring *rl = NULL;
  for (int i = 0; i < m->recipients_count; i++)
    rl = g_fmt(rl, "%s%s", i ? ", " : "", m->recipients[i].address);
  expand_var_set("recipients", rl ? g_str(rl) : "");
  filter_result fr = filter_kind(text) == FILTER_EXIM ? filter_interpret(text, &ctx) : FF_ERROR;
  if (fr == FF_ERROR && !ctx.error) ctx.error = "the system filter must be an Exim filter";
  apply_header_changes(dm);

  for (address_item *a = ctx.generated; a; a = a->next) {
    if (a->flags & af_pfr) a->transport = pfr_transport(a);
    if (a->flags & af_pfr) a->status = OK;
  }
  *generated = ctx.generated;

  switch (fr) {
  case FF_DELIVERED:
  case FF_BLACKHOLE:
    log_write_msg(m->id, LOG_MAIN, "original recipients ignored (system filter)");
    return SF_IGNORE;
  case FF_FAIL:
    log_write_msg(m->id, LOG_MAIN, "cancelled by system filter: %s", ctx.error ? ctx.error : "");
    *fail_text = ctx.user_message ? ctx.user_message : ctx.error;
    return SF_FAIL;
  case FF_DEFER:
    log_write_msg(m->id, LOG_MAIN, "Delivery deferred by system filter");
    dlv_msglog(dm, "Delivery deferred by system filter");
    return SF_DEFER;
  case FF_FREEZE:
    if (m->manual_thaw) return SF_CONTINUE;
    if (ctx.error && *ctx.error) {
      log_write_msg(m->id, LOG_MAIN, "Frozen by the system filter: %s", ctx.error);
      dlv_msglog_plain(dm, "*** Frozen by the system filter: %s", ctx.error);
    } else {
      log_write_msg(m->id, LOG_MAIN, "Frozen by the system filter");
      dlv_msglog_plain(dm, "*** Frozen by the system filter");
    }
    return SF_FREEZE;
  case FF_ERROR:
  case FF_INCLUDEFAIL:
    log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "Error in system filter: %s", ctx.error ? ctx.error : "");
    return SF_ERROR;
  default:
    return SF_CONTINUE;
  }
}
