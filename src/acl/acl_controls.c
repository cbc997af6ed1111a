/* acl_controls.c - the control modifier (spec 44.22): the core controls,
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
#include <string.h>

#include "acl/acl_int.h"
#include "base/store.h"
#include "smtp/conn.h"

#define W(x) ACL_WHERE_BIT(ACL_WHERE_##x)
#define W_RECEIVING (W(MAIL) | W(RCPT) | W(PREDATA) | W(DATA) | W(PRDR) | W(MIME) | W(DKIM) | W(NOTSMTP))
#define W_SMTP (ACL_WHERE_ALL & ~(W(NOTSMTP) | W(NOTSMTP_START)))

static int syntax(acl_ctx *ctx, const char *name, const char *opts) {
  return acl_error(ctx, "syntax error in \"control=%s%s\"", name, opts);
}

/* Controls without options: refuse trailing text. */
#define NOOPTS(name)                                           \
  if (*opts) return syntax(ctx, name, opts)

static smtp_conn *conn(void) { return conn_current; }

static int c_allow_auth_unadvertised(acl_ctx *ctx, const char *opts) {
  NOOPTS("allow_auth_unadvertised");
  if (conn()) conn()->allow_auth_unadvertised = true;
  return ACL_OK;
}

static int c_caseful_local_part(acl_ctx *ctx, const char *opts) {
  NOOPTS("caseful_local_part");
  if (conn()) conn()->env.rcpt_caseful_local_part = true;
  return ACL_OK;
}

static int c_caselower_local_part(acl_ctx *ctx, const char *opts) {
  NOOPTS("caselower_local_part");
  if (conn()) conn()->env.rcpt_caseful_local_part = false;
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
  NOOPTS("enforce_sync");
  if (conn()) conn()->enforce_sync = true;
  return ACL_OK;
}

static int c_no_enforce_sync(acl_ctx *ctx, const char *opts) {
  NOOPTS("no_enforce_sync");
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
  NOOPTS("no_callout_flush");
  if (conn()) conn()->no_callout_flush = true;
  return ACL_OK;
}

static int c_no_delay_flush(acl_ctx *ctx, const char *opts) {
  NOOPTS("no_delay_flush");
  if (conn()) conn()->no_delay_flush = true;
  return ACL_OK;
}

static int c_no_multiline(acl_ctx *ctx, const char *opts) {
  NOOPTS("no_multiline_responses");
  if (conn()) conn()->no_multiline_responses = true;
  return ACL_OK;
}

static int c_no_pipelining(acl_ctx *ctx, const char *opts) {
  NOOPTS("no_pipelining");
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
  NOOPTS("queue_only");
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
  NOOPTS("suppress_local_fixups");
  if (conn()) conn()->env.suppress_local_fixups = true;
  return ACL_OK;
}

/* dkim_disable_verify / dmarc_disable_verify when DKIM / DMARC is not in
 * the build: there is no verification to turn off, so the control has
 * nothing to do (the parts register their own versions when built). */
static int c_disable_absent(acl_ctx *ctx, const char *opts) {
  if (*opts) return acl_error(ctx, "syntax error in \"control=%s\"", opts);
  return ACL_OK;
}

static int c_utf8_downconvert(acl_ctx *ctx, const char *opts) {
  (void)opts;
  return acl_error(ctx, "control=utf8_downconvert is not available in this build: it needs "
                        "internationalised mail (SUPPORT_I18N)");
}

const acl_control_def acl_controls_core[] = {
  {"allow_auth_unadvertised", W(CONNECT) | W(HELO) | W(UNKNOWN), false, c_allow_auth_unadvertised},
  {"caseful_local_part", W(RCPT) | W(UNKNOWN), false, c_caseful_local_part},
  {"caselower_local_part", W(RCPT) | W(UNKNOWN), false, c_caselower_local_part},
  {"cutthrough_delivery", W(RCPT) | W(MAIL) | W(PREDATA) | W(UNKNOWN), true, c_cutthrough},
  {"dkim_disable_verify", ACL_WHERE_ALL, false, c_disable_absent},
  {"dmarc_disable_verify", ACL_WHERE_ALL, false, c_disable_absent},
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
  {"utf8_downconvert", W_RECEIVING | W(UNKNOWN), true, c_utf8_downconvert},
  {NULL, 0, false, NULL},
};

int acl_run_control(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *p = arg;
  while (isalnum((unsigned char)*p) || *p == '_') p++;
  const acl_control_def *d = acl_control_find(arg, (size_t)(p - arg));
  if (!d) return acl_error(ctx, "syntax error in \"control=%s\"", arg);
  if (ctx->where != ACL_WHERE_UNKNOWN && !(d->allowed & ACL_WHERE_BIT(ctx->where)))
    return acl_error(ctx, "cannot use \"control=%s\" in %s ACL", d->name, acl_where_name[ctx->where]);
  if (*p && !d->takes_options) return acl_error(ctx, "syntax error in \"control=%s\"", arg);
  return d->apply(ctx, p);
}
