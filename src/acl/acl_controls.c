/* acl_controls.c - the control modifier (spec 44.22): the core controls
 * (including debug, writing debug output to a file, and dscp),
 * each with the ACLs it is allowed in, setting fields of the connection
 * (conn_current) or of the message being received (conn_current->env).
 * Optional parts add theirs with acl_register_controls().
 *
 * Errors are Exim's: "syntax error in \"control=NAME\"" for an unknown
 * control or bad options, "cannot use \"control=NAME\" in <where> ACL".
 *
 * Entry points: acl_run_control() (the "control" modifier's runner),
 * the table acl_controls_core[].
 * Must never: apply a control in an ACL where Exim refuses it.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "acl/acl_int.h"
#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "smtp/conn.h"

#define W(x) ACL_WHERE_BIT(ACL_WHERE_##x)
#define W_RECEIVING (W(MAIL) | W(RCPT) | W(PREDATA) | W(DATA) | W(PRDR) | W(MIME) | W(DKIM) | W(NOTSMTP))
#define W_SMTP (ACL_WHERE_ALL & ~(W(NOTSMTP) | W(NOTSMTP_START)))

static int syntax(acl_ctx *ctx, const char *name, const char *opts) {
  return acl_error(ctx, "syntax error in \"control=%s%s\"", name, opts);
}

static smtp_conn *conn(void) { return conn_current; }

static int c_allow_auth_unadvertised(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->allow_auth_unadvertised = true;
  return ACL_OK;
}

/* $local_part with the RCPT address's own case, or lower-cased again. */
static void set_local_part_case(acl_ctx *ctx, bool caseful) {
  if (conn()) conn()->env.rcpt_caseful_local_part = caseful;
  if (!ctx->recipient) return;
  const char *lp, *dom;
  acl_split_recipient(ctx->recipient, caseful, &lp, &dom);
  expand_var_set("local_part", lp);
}

static int c_caseful_local_part(acl_ctx *ctx, const char *opts) {
  (void)opts;
  set_local_part_case(ctx, true);
  return ACL_OK;
}

static int c_caselower_local_part(acl_ctx *ctx, const char *opts) {
  (void)opts;
  set_local_part_case(ctx, false);
  return ACL_OK;
}

/* cutthrough_delivery: Exim does an ordinary delivery whenever the
 * conditions for cutthrough are not met; the request is recorded for the
 * delivery layer, which decides. */
static int c_cutthrough(acl_ctx *ctx, const char *opts) {
  if (*opts && *opts != '/') return syntax(ctx, "cutthrough_delivery", opts);
  if (conn()) conn()->env.cutthrough_requested = true;
  return ACL_OK;
}

static int c_enforce_sync(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->enforce_sync = true;
  return ACL_OK;
}

static int c_no_enforce_sync(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->enforce_sync = false;
  return ACL_OK;
}

static int fake(acl_ctx *ctx, const char *opts, int code, const char *name) {
  if (*opts && *opts != '/') return syntax(ctx, name, opts);
  if (!conn()) return ACL_OK;
  recv_envelope *env = &conn()->env;
  env->fake_response = true;
  env->fake_response_code = code;
  env->fake_response_text = *opts ? str_copy(opts + 1) : NULL;
  return ACL_OK;
}

static int c_fakedefer(acl_ctx *ctx, const char *opts) { return fake(ctx, opts, ACL_DEFER, "fakedefer"); }
static int c_fakereject(acl_ctx *ctx, const char *opts) { return fake(ctx, opts, ACL_FAIL, "fakereject"); }

static int c_freeze(acl_ctx *ctx, const char *opts) {
  bool no_tell = false;
  if (*opts) {
    if (strcmp(opts, "/no_tell") != 0) return syntax(ctx, "freeze", opts);
    no_tell = true;
  }
  if (conn()) {
    conn()->env.freeze = true;
    conn()->env.freeze_no_tell = no_tell;
    conn()->env.freeze_reason = str_sprintf("frozen by %s ACL", acl_where_name[ctx->where]);
  }
  return ACL_OK;
}

static int c_no_callout_flush(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->no_callout_flush = true;
  return ACL_OK;
}

static int c_no_delay_flush(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->no_delay_flush = true;
  return ACL_OK;
}

static int c_no_multiline(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->no_multiline_responses = true;
  return ACL_OK;
}

static int c_no_pipelining(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->no_pipelining = true;
  return ACL_OK;
}

/* queue / queue_only, options /first_pass_route and /only. */
static int c_queue(acl_ctx *ctx, const char *opts) {
  bool first_pass_route = false;
  const char *p = opts;
  while (*p == '/') {
    p++;
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 16 && strncmp(p, "first_pass_route", 16) == 0) first_pass_route = true;
    else if (!(n == 4 && strncmp(p, "only", 4) == 0)) return syntax(ctx, "queue", opts);
    p += n;
  }
  if (*p) return syntax(ctx, "queue", opts);
  if (conn()) {
    conn()->env.queue_only = true;
    conn()->env.queue_first_pass_route = first_pass_route;
  }
  return ACL_OK;
}

static int c_queue_only(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->env.queue_only = true;
  return ACL_OK;
}

/* submission[/sender_retain][/domain=...][/name=...] */
static int c_submission(acl_ctx *ctx, const char *opts) {
  bool retain = false;
  const char *domain = NULL, *name = NULL;
  const char *p = opts;
  while (*p == '/') {
    p++;
    if (strncmp(p, "sender_retain", 13) == 0 && (p[13] == '/' || !p[13])) {
      retain = true;
      p += 13;
    } else if (strncmp(p, "domain=", 7) == 0) {
      const char *e = strchr(p + 7, '/');
      size_t n = e ? (size_t)(e - p - 7) : strlen(p + 7);
      domain = str_copyn(p + 7, n);
      p += 7 + n;
    } else if (strncmp(p, "name=", 5) == 0) {
      /* The name runs to the end: it may contain slashes. */
      name = str_copy(p + 5);
      p += strlen(p);
    } else {
      return syntax(ctx, "submission", opts);
    }
  }
  if (*p) return syntax(ctx, "submission", opts);
  if (conn()) {
    recv_envelope *env = &conn()->env;
    env->submission_mode = true;
    env->submission_sender_retain = retain;
    env->submission_domain = domain;
    env->submission_name = name;
  }
  return ACL_OK;
}

static int c_suppress_local_fixups(acl_ctx *ctx, const char *opts) {
  (void)ctx, (void)opts;
  if (conn()) conn()->env.suppress_local_fixups = true;
  return ACL_OK;
}

/* dkim_disable_verify when DKIM is not in the build: there is no
 * verification to turn off, so the control has nothing to do (the DKIM
 * part registers its own when built; the default configuration uses it).
 * dmarc_disable_verify is unknown without DMARC, as in exim4. */
static int c_disable_absent(acl_ctx *ctx, const char *opts) {
  if (*opts) return acl_error(ctx, "syntax error in \"control=%s\"", opts);
  return ACL_OK;
}

/* debug[/tag=SUFFIX][/opts=SELECTORS][/stop][/kill]: debug output to
 * "debuglog" + SUFFIX in the log directory (log_file_path's first file
 * item, else <spool>/log), selectors as -d takes them. */
static FILE *debug_fp;
static const char *debug_path;

static const char *debug_log_name(const char *tag) {
  const char *tmpl = NULL;
  const char *list = mainconf.log_file_path ? expand_cstring(mainconf.log_file_path) : NULL;
  int sep = ':';
  char *item;
  while (list && (item = list_next(&list, &sep)))
    if (strcmp(item, "syslog") != 0 && strstr(item, "%s")) {
      tmpl = item;
      break;
    }
  if (!tmpl) tmpl = str_sprintf("%s/log/%%slog", mainconf.spool_directory ? mainconf.spool_directory : ".");
  return str_sprintf("%s%s", log_file_name(tmpl, "debug", time(NULL)), tag ? tag : "");
}

static int c_debug(acl_ctx *ctx, const char *opts) {
  const char *tag = NULL, *sel = NULL;
  bool stop = false, kill = false;
  const char *list = *opts == '/' ? opts + 1 : opts;
  if (*opts && *opts != '/') return syntax(ctx, "debug", opts);
  int sep = '/';
  char *o;
  while ((o = list_next(&list, &sep))) {
    if (strncmp(o, "tag=", 4) == 0) tag = o + 4;
    else if (strncmp(o, "opts=", 5) == 0) sel = o + 5;
    else if (strcmp(o, "stop") == 0) stop = true;
    else if (strcmp(o, "kill") == 0) stop = kill = true;
    else if (strncmp(o, "pretrigger=", 11) == 0 || strncmp(o, "trigger=", 8) == 0)
      return acl_error(ctx, "control=debug: the pretrigger buffer is not supported by this build");
    else return syntax(ctx, "debug", opts);
  }
  if (stop) {
    if (debug_fp) {
      fclose(debug_fp);
      debug_fp = NULL;
      debug_file = NULL;
      debug_selector = 0;
      if (kill && debug_path) unlink(debug_path);
    }
    return ACL_OK;
  }
  uint64_t bits = debug_default;
  if (sel) {
    const char *err = debug_parse(sel, debug_default, &bits);
    if (err) return acl_error(ctx, "%s", err);
  }
  if (!debug_fp) {
    const char *path = debug_log_name(tag);
    FILE *f = fopen(path, "a");
    if (!f) return acl_error(ctx, "failed to open debug log %s: %s", path, strerror(errno));
    debug_fp = f;
    debug_path = str_perm(path);
    debug_file = f;
  }
  debug_selector = bits;
  debug_printf("debug file opened by ACL (control = debug) in %s ACL\n", acl_where_name[ctx->where]);
  return ACL_OK;
}

/* dscp/VALUE: the DSCP bits of the connection's socket (IP_TOS or
 * IPV6_TCLASS).  Names as Exim knows them, or a number 0..0x3f.  Without
 * a socket (-bh, local input) there is nothing to mark. */
static const struct { const char *name; int value; } dscp_names[] = {
  {"af11", 0x0a}, {"af12", 0x0c}, {"af13", 0x0e}, {"af21", 0x12}, {"af22", 0x14}, {"af23", 0x16},
  {"af31", 0x1a}, {"af32", 0x1c}, {"af33", 0x1e}, {"af41", 0x22}, {"af42", 0x24}, {"af43", 0x26},
  {"ef", 0x2e}, {"lowcost", 0x02 >> 2}, {"lowdelay", 0x10 >> 2}, {"mincost", 0x02 >> 2},
  {"reliability", 0x04 >> 2}, {"throughput", 0x08 >> 2},
};

static int c_dscp(acl_ctx *ctx, const char *opts) {
  if (*opts != '/') return syntax(ctx, "dscp", opts);
  smtp_conn *c = conn();
  if (!c || !c->host_address || c->host_checking) return ACL_OK;
  const char *v = opts + 1;
  int value = -1;
  for (size_t i = 0; i < sizeof dscp_names / sizeof dscp_names[0]; i++)
    if (strcasecmp(v, dscp_names[i].name) == 0) value = dscp_names[i].value;
  if (value < 0) {
    char *end;
    long n = strtol(v, &end, 0);
    if (*v && !*end && n >= 0 && n <= 0x3f) value = (int)n;
  }
  if (value < 0) return acl_error(ctx, "unrecognised DSCP value in \"control=dscp%s\"", opts);
  int tos = value << 2;
  int fd = c->in.fd;
  bool v6 = strchr(c->host_address, ':') != NULL;
  int rc = v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos)
              : setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  if (rc < 0 && errno != ENOTSOCK)
    log_write(LOG_MAIN, "failed to set socket DSCP value %d: %s", value, strerror(errno));
  return ACL_OK;
}

static int c_utf8_downconvert(acl_ctx *ctx, const char *opts) {
  (void)opts;
  return acl_error(ctx, "control=utf8_downconvert is not available in this build: it needs "
                        "internationalised mail (SUPPORT_I18N)");
}

const acl_control_def acl_controls_core[] = {
  /* where as exim4 answers (recorded: refused in MAIL, DATA, PREDATA, QUIT) */
  {"allow_auth_unadvertised", W_SMTP & ~(W(MAIL) | W(PREDATA) | W(DATA) | W(QUIT) | W(MIME) | W(DKIM) | W(PRDR)),
   false, c_allow_auth_unadvertised},
  {"caseful_local_part", W(RCPT) | W(UNKNOWN), false, c_caseful_local_part},
  {"caselower_local_part", W(RCPT) | W(UNKNOWN), false, c_caselower_local_part},
  {"cutthrough_delivery", ACL_WHERE_ALL, true, c_cutthrough},
  {"dkim_disable_verify", ACL_WHERE_ALL & ~W(DATA), false, c_disable_absent},
  {"dscp", ACL_WHERE_ALL, true, c_dscp},
  {"debug", ACL_WHERE_ALL, true, c_debug},
  {"enforce_sync", W_SMTP, false, c_enforce_sync},
  {"fakedefer", W(MAIL) | W(RCPT) | W(PREDATA) | W(DATA) | W(MIME) | W(DKIM) | W(PRDR) | W(UNKNOWN), true,
   c_fakedefer},
  {"fakereject", W(MAIL) | W(RCPT) | W(PREDATA) | W(DATA) | W(MIME) | W(DKIM) | W(PRDR) | W(UNKNOWN), true,
   c_fakereject},
  {"freeze", W_RECEIVING | W(UNKNOWN), true, c_freeze},
  {"no_callout_flush", W_SMTP, false, c_no_callout_flush},
  {"no_delay_flush", W_SMTP, false, c_no_delay_flush},
  {"no_enforce_sync", W_SMTP, false, c_no_enforce_sync},
  {"no_multiline_responses", W_SMTP, false, c_no_multiline},
  {"no_pipelining", W_SMTP, false, c_no_pipelining},
  {"queue", W_RECEIVING | W(UNKNOWN), true, c_queue},
  {"queue_only", W_RECEIVING | W(UNKNOWN), false, c_queue_only},
  {"submission", W(MAIL) | W(RCPT) | W(PREDATA) | W(UNKNOWN), true, c_submission},
  {"suppress_local_fixups", W(MAIL) | W(RCPT) | W(PREDATA) | W(NOTSMTP_START) | W(UNKNOWN), false,
   c_suppress_local_fixups},
  {"utf8_downconvert", W(RCPT) | W(VRFY) | W(UNKNOWN), true, c_utf8_downconvert},
  {NULL, 0, false, NULL},
};

int acl_run_control(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  /* The longest control name the text starts with; a control that takes
   * no options ignores what follows its name, as exim4 does. */
  const char *p = arg;
  while (isalnum((unsigned char)*p) || *p == '_') p++;
  const acl_control_def *d = NULL;
  for (size_t n = (size_t)(p - arg); n > 0 && !d; n--) {
    const acl_control_def *t = acl_control_find(arg, n);
    if (t && (n == (size_t)(p - arg) || !t->takes_options)) d = t;
  }
  if (!d) return acl_error(ctx, "syntax error in \"control=%s\"", arg);
  if (ctx->where != ACL_WHERE_UNKNOWN && !(d->allowed & ACL_WHERE_BIT(ctx->where)))
    return acl_error(ctx, "cannot use \"control=%s\" in %s ACL", d->name, acl_where_name[ctx->where]);
  if (!d->takes_options) return d->apply(ctx, "");
  return d->apply(ctx, arg + strlen(d->name));
}
