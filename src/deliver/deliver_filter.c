/* deliver_filter.c - the system filter in a delivery attempt (spec 47):
 * run once per attempt before routing, its header changes made to the
 * message, its deliveries put under the pseudo-parent "system-filter"
 * (pipes, files and replies going to system_filter_*_transport), and its
 * decision about the original recipients (ignored after a significant
 * delivery, failed, deferred, frozen) logged as exim4 logs them.
 *
 * It runs as system_filter_user (default: the Exim user): in this process
 * when that is root, otherwise in a child under that uid/gid, which
 * reports back over a pipe; its pipes, files and replies are delivered as
 * that user unless their transport says otherwise.
 *
 * Entry point: dlv_system_filter (deliver_int.h).
 * Must never: run a Sieve filter as the system filter; let a freeze
 * override an administrator's manual thaw.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/option.h"
#include "deliver/bounce.h"
#include "deliver/bounce_int.h"
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

/* ---- running the filter as system_filter_user ------------------------
 * The filter runs in a child under that uid/gid; what it decided comes
 * back over a pipe as length-prefixed strings ("<len>:<bytes>", "-:" for
 * NULL): result, error, user message, the header block, then per
 * generated address its text, flags, errors address, mode and reply. */

static gstring *put_str(gstring *g, const char *s) {
  if (!s) return g_cat(g, "-:");
  return g_catn(g_fmt(g, "%zu:", strlen(s)), s, strlen(s));
}

static gstring *put_int(gstring *g, long n) { return put_str(g, str_sprintf("%ld", n)); }

typedef struct reader {
  const char *p, *end;
  bool bad;
} reader;

static const char *get_str(reader *r) {
  if (r->bad || r->p >= r->end) { r->bad = true; return NULL; }
  if (r->p[0] == '-' && r->p + 1 < r->end && r->p[1] == ':') { r->p += 2; return NULL; }
  char *colon;
  unsigned long n = strtoul(r->p, &colon, 10);
  if (colon >= r->end || *colon != ':' || (size_t)(r->end - colon - 1) < n) { r->bad = true; return NULL; }
  const char *s = str_copyn(colon + 1, n);
  r->p = colon + 1 + n;
  return s;
}

static long get_int(reader *r) {
  const char *s = get_str(r);
  if (!s) { r->bad = true; return 0; }
  return strtol(s, NULL, 10);
}

static gstring *put_result(filter_result fr, const filter_ctx *ctx) {
  gstring *g = put_int(NULL, fr);
  g = put_str(g, ctx->error);
  g = put_str(g, ctx->user_message);
  const char *h, *b;
  size_t hl, bl;
  expand_get_message(&h, &hl, &b, &bl);
  g = put_str(g, h ? str_copyn(h, hl) : NULL);
  for (int i = 0; i < 10; i++) {   /* $sn0..$sn9 for the users' filters */
    const char **v = expand_var_slot(str_sprintf("sn%d", i));
    g = put_str(g, v ? *v : NULL);
  }
  for (const address_item *a = ctx->generated; a; a = a->next) {
    g = put_str(g, a->address);
    g = put_int(g, (long)a->flags);
    g = put_str(g, a->errors_address);
    g = put_int(g, a->mode);
    const reply_item *ri = a->reply;
    g = put_int(g, ri != NULL);
    if (ri) {
      const char *v[] = {ri->from, ri->reply_to, ri->to, ri->cc, ri->bcc, ri->subject, ri->headers,
                         ri->text, ri->file, ri->logfile, ri->oncelog};
      for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) g = put_str(g, v[i]);
      g = put_int(g, ri->once_repeat);
      g = put_int(g, ri->file_expand);
      g = put_int(g, ri->return_message);
    }
  }
  return g;
}

static filter_result get_result(const char *text, size_t len, filter_ctx *ctx, address_item *sf,
                                bool *ok) {
  reader r = {text, text + len, false};
  filter_result fr = (filter_result)get_int(&r);
  ctx->error = get_str(&r);
  ctx->user_message = get_str(&r);
  const char *hb = get_str(&r);
  if (hb) {
    const char *h, *b;
    size_t hl, bl;
    expand_get_message(&h, &hl, &b, &bl);
    expand_set_message(hb, strlen(hb), b ? b : "", b ? bl : 0);
  }
  for (int i = 0; i < 10; i++) {
    const char *v = get_str(&r);
    if (v) expand_var_set(str_sprintf("sn%d", i), v);
  }
  address_item **tail = &ctx->generated;
  while (!r.bad && r.p < r.end) {
    const char *addr = get_str(&r);
    if (!addr) { r.bad = true; break; }
    address_item *a = addr_child(sf, addr);
    a->flags = (unsigned)get_int(&r);
    a->errors_address = get_str(&r);
    a->mode = (int)get_int(&r);
    if (get_int(&r)) {
      reply_item *ri = store_get(sizeof *ri, false);
      const char **v[] = {&ri->from, &ri->reply_to, &ri->to, &ri->cc, &ri->bcc, &ri->subject,
                          &ri->headers, &ri->text, &ri->file, &ri->logfile, &ri->oncelog};
      for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) *v[i] = get_str(&r);
      ri->once_repeat = (int)get_int(&r);
      ri->file_expand = get_int(&r) != 0;
      ri->return_message = get_int(&r) != 0;
      a->reply = ri;
    }
    addr_set_unique(a);
    *tail = a;
    tail = &a->next;
  }
  *ok = !r.bad;
  return fr;
}

/* Whether a main option was given in the configuration. */
static bool main_option_given(const char *name) {
  int n = 0, which = 0;
  const option_table *t = main_option_tables(&n);
  const optionlist *o = option_find(t, n, name, &which);
  return o && option_was_set(o, t[which].base);
}

/* Run the filter in a child as system_filter_user/group. */
static filter_result run_as_user(const char *text, filter_ctx *ctx, address_item *sf, uid_t uid, gid_t gid) {
  int pfd[2];
  if (pipe(pfd) < 0) {
    ctx->error = str_sprintf("pipe() failed for the system filter: %s", strerror(errno));
    return FF_ERROR;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(pfd[0]);
    filter_result fr;
    if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
      ctx->error = str_sprintf("unable to set gid=%ld or uid=%ld for the system filter", (long)gid, (long)uid);
      fr = FF_ERROR;
    } else {
      fr = filter_interpret(text, ctx);
    }
    gstring *g = put_result(fr, ctx);
    const char *p = g->s;
    size_t n = g->len;
    while (n) {
      ssize_t w = write(pfd[1], p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      p += w;
      n -= (size_t)w;
    }
    _exit(0);
  }
  close(pfd[1]);
  gstring *in = g_new(4096, true);
  char buf[4096];
  ssize_t got;
  while (pid > 0 && (got = read(pfd[0], buf, sizeof buf)) != 0) {
    if (got < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in->len > 16 * 1024 * 1024) break;
    in = g_catn(in, buf, (size_t)got);
  }
  close(pfd[0]);
  int status = 0;
  if (pid > 0)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  bool ok = false;
  filter_result fr = pid > 0 && in->len ? get_result(in->s, in->len, ctx, sf, &ok) : FF_ERROR;
  if (!ok) {
    ctx->generated = NULL;
    ctx->error = "the system filter process did not report (it failed or was killed)";
    return FF_ERROR;
  }
  return fr;
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
  /* system_filter_user, else the Exim user; root runs it in this process */
  uid_t fuid = 0;
  gid_t fgid = 0;
  if (main_option_given("system_filter_user")) {
    fuid = mainconf.system_filter_user;
    struct passwd *pw = getpwuid(fuid);
    fgid = pw ? pw->pw_gid : (gid_t)fuid;
  } else if (main_config_exim_ids(&fuid, &fgid) != NULL) {
    fuid = 0, fgid = 0;
  }
  if (main_option_given("system_filter_group")) fgid = mainconf.system_filter_group;
  filter_result fr;
  if (filter_kind(text) != FILTER_EXIM) {
    fr = FF_ERROR;
  } else if (geteuid() == 0 && fuid != 0) {
    fr = run_as_user(text, &ctx, sf, fuid, fgid);
  } else {
    fr = filter_interpret(text, &ctx);
  }
  if (fr == FF_ERROR && !ctx.error) ctx.error = "the system filter must be an Exim filter";
  apply_header_changes(dm);

  /* pipes, files and replies: their transport, and the filter's uid/gid
   * unless the transport sets its own */
  for (address_item *a = ctx.generated; a; a = a->next) {
    if (!(a->flags & af_pfr)) continue;
    a->transport = pfr_transport(a);
    a->status = OK;
    a->uid = fuid;
    a->gid = fgid;
    a->flags |= af_uid_set | af_gid_set;
  }
  *generated = ctx.generated;

  switch (fr) {
  case FF_DELIVERED:
  case FF_BLACKHOLE:
    log_write_msg(m->id, LOG_MAIN, "original recipients ignored (system filter)");
    return SF_IGNORE;
  case FF_FAIL:
    log_write_msg(m->id, LOG_MAIN, "cancelled by system filter: %s", ctx.error ? dlv_one_line(ctx.error) : "");
    *fail_text = ctx.user_message ? ctx.user_message : ctx.error;
    return SF_FAIL;
  case FF_DEFER:
    log_write_msg(m->id, LOG_MAIN, "Delivery deferred by system filter");
    dlv_msglog(dm, "Delivery deferred by system filter");
    return SF_DEFER;
  case FF_FREEZE:
    if (m->manual_thaw) return SF_CONTINUE;
    *fail_text = ctx.error && *ctx.error ? ctx.error : NULL;   /* logged at the end of the attempt */
    return SF_FREEZE;
  case FF_ERROR:
  case FF_INCLUDEFAIL:
    log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "Error in system filter: %s", ctx.error ? ctx.error : "");
    return SF_ERROR;
  default:
    return SF_CONTINUE;
  }
}

void dlv_system_filter_frozen(deliver_msg *dm, const char *text, const address_item *pending) {
  spool_msg *m = &dm->m;
  /* freeze_tell: not for a bounce (it could loop) */
  if (mainconf.freeze_tell && *mainconf.freeze_tell && m->sender && *m->sender) {
    const char *error = NULL;
    pid_t pid;
    FILE *f = bounce_submit_open("", m->id, &pid, &error);
    if (!f) {
      log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "Failed to send freeze_tell message: %s", error);
    } else {
      fprintf(f, "Auto-Submitted: auto-replied\n");
      bounce_put_from(f);
      fprintf(f, "To: %s\n", mainconf.freeze_tell);
      bounce_put_references(f, dm);
      fprintf(f, "Subject: Message frozen\n\n");
      fprintf(f, "Message %s has been frozen by the system filter.\n", m->id);
      if (text) fprintf(f, "%s.\n", text);
      fprintf(f, "The sender is <%s>.\n", m->sender);
      if (pending) {
        fprintf(f, "\nThe following address(es) have yet to be delivered:\n");
        for (const address_item *a = pending; a; a = a->next) fprintf(f, "  %s\n", a->address);
      }
      /* a child that refuses it (an exit status) goes unremarked (exim4) */
      bool written;
      int status = bounce_submit_result(f, pid, &written);
      if (status < 0 || (status == 0 && !written))
        log_write_msg(m->id, LOG_MAIN | LOG_PANIC, "Failed to send freeze_tell message");
    }
  }
  if (text) {
    log_write_msg(m->id, LOG_MAIN, "Frozen by the system filter: %s", dlv_one_line(text));
    dlv_msglog_plain(dm, "*** Frozen by the system filter: %s", text);
  } else {
    log_write_msg(m->id, LOG_MAIN, "Frozen by the system filter");
    dlv_msglog_plain(dm, "*** Frozen by the system filter");
  }
}
