/* acl.c - running ACLs (spec 44.12-44.20): finding the ACL an option names
 * (named, file, inline), evaluating its statements verb by verb, nesting
 * ("acl =", ${acl}) with $acl_arg1..9 / $acl_narg, the texts of message =
 * and log_message = handed back to the caller, warn logging, and the
 * defaults when no ACL is set.
 *
 * Entry points: acl_check(), acl_run() (nested), acl_eval_expansion(),
 * acl_reset_message(), acl_error(), acl_ctx_where(),
 * acl_ctx_set_messages(), acl_where_name[].
 *
 * Must never: turn an error or an unknown condition into "accept"; leave
 * $acl_arg* or $domain/$local_part changed after it returns.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/log.h"
#include "base/store.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "smtp/conn.h"

const char *const acl_where_name[ACL_WHERE_COUNT] = {
  "RCPT", "MAIL", "PREDATA", "MIME", "DKIM", "DATA", "PRDR", "non-SMTP", "AUTH", "connection",
  "ETRN", "EXPN", "EHLO or HELO", "MAILAUTH", "non-SMTP-start", "NOTQUIT", "QUIT", "STARTTLS",
  "VRFY", "delivery", "unknown"};


/* Where the innermost running ACL runs (for ${acl} met inside an ACL). */
static acl_where current_where = ACL_WHERE_UNKNOWN;
static const char *current_recipient;
static unsigned reject_target = LOG_MAIN | LOG_REJECT;

unsigned acl_log_reject_target(void) { return reject_target; }
void acl_set_log_reject_target(unsigned bits) { reject_target = bits; }
static int current_level = -1;

/* Warn log lines already written for this message (Exim writes each once). */
typedef struct warned {
  struct warned *next;
  const char *text;
} warned;
static warned *warned_list;

int acl_error(acl_ctx *ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(NULL, fmt, ap);
  va_end(ap);
  ctx->error = g_str(g);
  return ACL_ERROR;
}

acl_where acl_ctx_where(const acl_ctx *ctx) { return ctx->where; }

void acl_ctx_set_messages(acl_ctx *ctx, const char *user_msg, const char *log_msg) {
  if (user_msg) *ctx->user_msg = user_msg;
  if (log_msg) *ctx->log_msg = log_msg;
}

void acl_reset_message(void) {
  while (warned_list) {
    warned *w = warned_list;
    warned_list = w->next;
    free((char *)w->text);
    free(w);
  }
  expand_aclvar_clear_message();
  acl_ratelimit_reset_message();
  acl_verify_reset_message();
}

/* ---------------------------------------------------------------------
 * One condition or modifier
 * ------------------------------------------------------------------- */

static int run_item(acl_ctx *ctx, const acl_item *it) {
  const acl_cond_def *d = it->def;
  const char *name = d->name;
  /* message and log_message are kept as text and expanded when the
   * statement ends the ACL. */
  if (strcmp(name, "message") == 0 || strcmp(name, "log_message") == 0) {
    if (acl_tracing) acl_trace(ctx->level, "%s: %s", name[0] == 'm' ? "  message" : "l_message", it->arg);
    if (name[0] == 'm') ctx->message = it->arg;
    else ctx->log_message = it->arg;
    return ACL_OK;
  }
  const char *arg = it->arg;
  const char *label = it->varname ? str_sprintf("set %s", it->varname) : name;
  if (!(d->flags & ACD_NOEXPAND) && arg) {
    const char *e = expand_cstring(arg);
    if (!e) {
      if (expand_status.forced_fail) {
        if (acl_tracing) acl_trace(ctx->level, "check %s%s = %s", it->negated ? "!" : "", label, arg);
        /* A forced failure: the condition is ignored (true). */
        return ACL_OK;
      }
      return acl_error(ctx, "failed to expand ACL string \"%s\": %s", arg, expand_status.message);
    }
    if (acl_tracing) {
      acl_trace(ctx->level, "check %s%s = %s", it->negated ? "!" : "", label, arg);
      if (strcmp(e, arg) != 0)
        /* Exim aligns this under the "=" of the first level only. */
        acl_trace(0, "%*s= %s", (int)(strlen(label) + 7 + (it->negated ? 1 : 0)), "", e);
    }
    arg = e;
  } else if (acl_tracing && !(d->flags & ACD_NOARG)) {
    acl_trace(ctx->level, "check %s%s = %s", it->negated ? "!" : "", label, arg ? arg : "");
  }
  if (ctx->where != ACL_WHERE_UNKNOWN && !(d->allowed & ACL_WHERE_BIT(ctx->where))) {
    if (d->flags & ACD_MODIFIER)
      return acl_error(ctx, "cannot use %s condition in %s ACL", name, acl_where_name[ctx->where]);
    return acl_error(ctx, "cannot test %s condition in %s ACL", name, acl_where_name[ctx->where]);
  }
  int rc = d->run(ctx, it, arg);
  if (it->negated) {
    if (rc == ACL_OK) rc = ACL_FAIL;
    else if (rc == ACL_FAIL) rc = ACL_OK;
  }
  return rc;
}

/* Expand a message text when the statement decides; NULL when it fails
 * or is empty (the modifier is then ignored).  $acl_verify_message holds
 * what a failing verification left there. */
static const char *expand_msg(const char *text) {
  if (!text) return NULL;
  const char *e = expand_cstring(text);
  if (!e && !expand_status.forced_fail)
    log_write(LOG_MAIN, "failed to expand ACL message \"%s\": %s", text, expand_status.message);
  if (!e || !*e) return NULL;
  return e;
}

/* The message id that starts log lines: only once the message exists
 * (the DATA, MIME, DKIM, PRDR and non-SMTP ACLs), as in exim4. */
const char *acl_log_id(acl_where w) {
  if (w != ACL_WHERE_DATA && w != ACL_WHERE_NOTSMTP && w != ACL_WHERE_MIME && w != ACL_WHERE_DKIM &&
      w != ACL_WHERE_PRDR)
    return NULL;
  return expand_var_value(expand_var_find("message_exim_id", 15));
}

/* A line with the host part in front: "H=... text" (just the text for
 * local input). */
static void log_host_line(acl_where where, const char *text) {
  gstring *g = NULL;
  if (conn_current && conn_current->host_address) {
    g = conn_host_text(g, conn_current);
    g = g_catc(g, ' ');
  }
  g = g_cat(g, text);
  log_write_msg(acl_log_id(where), LOG_MAIN, "%s", g_str(g));
}

/* A statement rejecting because sender verification failed or deferred
 * logs why, once per sender (acl_verify_addr.c leaves the line). */
static void log_sender_verify(acl_where where) {
  if (!acl_pending_sender_log) return;
  log_host_line(where, acl_pending_sender_log);
  acl_pending_sender_log = NULL;
  acl_sender_log_told();
}

/* warn's log_message: written once per message. */
static void log_warning(acl_where where, const char *text) {
  for (warned *w = warned_list; w; w = w->next)
    if (strcmp(w->text, text) == 0) return;
  warned *w = malloc(sizeof *w);   /* freed by acl_reset_message() */
  char *t = strdup(text);
  if (w && t) {
    w->text = t;
    w->next = warned_list;
    warned_list = w;
  } else {
    free(w);
    free(t);
  }
  log_host_line(where, str_sprintf("Warning: %s", text));
}

/* "ACL \"name\"" or "inline ACL", as the commentary names them. */
static const char *acl_label(const acl_ctx *ctx) {
  return ctx->acl_name ? str_sprintf("ACL \"%s\"", ctx->acl_name) : "inline ACL";
}

static const char *result_name(int rc, bool implicit) {
  switch (rc) {
  case ACL_OK: return "ACCEPT";
  case ACL_FAIL: return implicit ? "implicit DENY" : "DENY";
  case ACL_DEFER: return "DEFER";
  case ACL_DISCARD: return "DISCARD";
  case ACL_FAIL_DROP: return "DROP";
  default: return "ERROR";
  }
}

/* The statement ends the ACL: expand its message / log_message into the
 * outputs (a text that fails to expand or is empty leaves what a condition
 * or a nested ACL put there). */
static void set_texts(acl_ctx *ctx) {
  const char *m = expand_msg(ctx->message);
  if (m) *ctx->user_msg = m;
  const char *l = expand_msg(ctx->log_message);
  if (l) *ctx->log_msg = l;
  if (ctx->message) expand_var_set("acl_verify_message", NULL);   /* cleared once used */
}

/* Evaluate the statements of one ACL. */
static int run_stmts(acl_ctx *ctx, const acl_stmt *stmts) {
  for (const acl_stmt *st = stmts; st; st = st->next) {
    const char *verb = acl_verb_names[st->verb];
    if (acl_tracing) acl_trace(ctx->level, "processing \"%s\" (%s %d)", verb, st->file ? st->file : "", st->line);
    ctx->message = ctx->log_message = NULL;
    ctx->verb = st->verb;
    acl_pending_sender_log = NULL;
    acl_pending_sender_detail = NULL;
    /* $acl_verify_message belongs to the statement whose verification
     * set it: the next statement starts with it empty, as in exim4. */
    expand_var_set("acl_verify_message", NULL);
    /* Each statement starts without texts; what a warn statement's
     * conditions leave (a failed verification's texts) does not outlive
     * it, as in exim4. */
    const char *saved_user = *ctx->user_msg, *saved_log = *ctx->log_msg;
    *ctx->user_msg = *ctx->log_msg = NULL;
    ctx->nested_drop = false;
    bool endpass = false, endpass_seen = false;
    int rc = ACL_OK;
    for (const acl_item *it = st->items; it; it = it->next) {
      if (it->def->flags & ACD_NOARG) {
        endpass_seen = true;
        continue;
      }
      rc = run_item(ctx, it);
      if (rc != ACL_OK) {
        endpass = endpass_seen;
        break;
      }
    }
    const char *what = rc == ACL_OK ? "succeeded" : rc == ACL_FAIL ? "failed"
                       : rc == ACL_DEFER ? "deferred" : rc == ACL_ERROR ? "error" : "succeeded";
    if (acl_tracing) acl_trace(ctx->level, "%s: condition test %s in %s", verb, what, acl_label(ctx));

    if (rc == ACL_ERROR) {
      *ctx->log_msg = ctx->error;
      return ACL_ERROR;
    }
    if (rc == ACL_DISCARD) {
      /* A nested ACL discarded: accept and discard act at once. */
      if (st->verb != ACL_VERB_ACCEPT && st->verb != ACL_VERB_DISCARD) {
        *ctx->log_msg = str_sprintf("nested ACL returned \"discard\" for \"%s\" command", verb);
        return ACL_ERROR;
      }
      set_texts(ctx);
      if (acl_tracing) acl_trace(ctx->level, "end of %s: %s", acl_label(ctx), result_name(ACL_DISCARD, false));
      return ACL_DISCARD;
    }
    if (rc == ACL_DEFER) {
      if (st->verb == ACL_VERB_WARN) {
        /* The incident is logged and processing goes on. */
        const char *why = *ctx->user_msg ? *ctx->user_msg : *ctx->log_msg;
        log_host_line(ctx->where, str_sprintf("Warning: ACL \"warn\" statement skipped: condition test deferred%s%s",
                                  why ? ": " : "", why ? why : ""));
        *ctx->user_msg = *ctx->log_msg = NULL;
        continue;
      }
      set_texts(ctx);
      log_sender_verify(ctx->where);
      return ACL_DEFER;
    }
    int result = -1;
    if (st->verb == ACL_VERB_WARN && rc != ACL_ERROR) {
      *ctx->user_msg = saved_user;
      *ctx->log_msg = saved_log;
    }
    if (rc == ACL_OK) {
      switch (st->verb) {
      case ACL_VERB_ACCEPT: result = ACL_OK; break;
      case ACL_VERB_DEFER: result = ACL_DEFER; break;
      case ACL_VERB_DENY: result = ACL_FAIL; break;
      case ACL_VERB_DISCARD: result = ACL_DISCARD; break;
      case ACL_VERB_DROP: result = ACL_FAIL_DROP; break;
      case ACL_VERB_REQUIRE: break;
      case ACL_VERB_WARN: {
        const char *lm = expand_msg(ctx->log_message);
        if (lm) log_warning(ctx->where, lm);
        const char *m = expand_msg(ctx->message);
        if (m && ctx->where > ACL_WHERE_NOTSMTP)
          log_write(LOG_MAIN, "ACL \"warn\" with \"message\" setting found in a non-message (%s) ACL: "
                    "cannot specify header lines here: message ignored", acl_where_name[ctx->where]);
        else if (m && conn_current) {
          /* Deprecated: message on warn adds a header line. */
          recv_envelope *env = &conn_current->env;
          env->acl_added_headers = g_catc(env->acl_added_headers, 'A');
          env->acl_added_headers = g_cat(env->acl_added_headers, m);
          env->acl_added_headers = g_catc(env->acl_added_headers, '\n');
        }
        break;
      }
      default: break;
      }
    } else if (rc == ACL_FAIL) {
      if (st->verb == ACL_VERB_REQUIRE) result = ACL_FAIL;
      else if ((st->verb == ACL_VERB_ACCEPT || st->verb == ACL_VERB_DISCARD) && endpass) result = ACL_FAIL;
    }
    if (result < 0) {
      /* A statement that does not end the ACL (an accept whose verify
       * failed, say) hands its texts on only to the end of the ACL: a later
       * statement that ends it starts with none (exim4). */
      if (!*ctx->user_msg && !*ctx->log_msg) {
        *ctx->user_msg = saved_user;
        *ctx->log_msg = saved_log;
      }
      continue;
    }
    if (result == ACL_FAIL && ctx->nested_drop) result = ACL_FAIL_DROP;
    set_texts(ctx);
    /* With endpass, an accept's message= is the text of its denial (spec
     * 44.x "accept"): an acceptance keeps the command's own reply. */
    if (result == ACL_OK && endpass_seen) *ctx->user_msg = NULL;
    if (acl_tracing) {
      if (rc == ACL_FAIL && st->verb != ACL_VERB_REQUIRE)
        acl_trace(ctx->level, "%s: endpass encountered - denying access", verb);
      else
        acl_trace(ctx->level, "end of %s: %s", acl_label(ctx),
                  rc == ACL_FAIL ? "not OK" : result_name(result, false));
    }
    if ((result == ACL_FAIL || result == ACL_FAIL_DROP) && acl_pending_sender_detail)
      *ctx->user_msg = str_sprintf("%s\n%s", acl_pending_sender_detail,
                                   *ctx->user_msg ? *ctx->user_msg : "Sender verify failed");
    acl_pending_sender_detail = NULL;
    if (result != ACL_OK && result != ACL_DISCARD) log_sender_verify(ctx->where);
    return result;
  }
  if (acl_tracing) acl_trace(ctx->level, "end of %s: %s", acl_label(ctx), result_name(ACL_FAIL, true));
  return ACL_FAIL;
}

/* Find the statements an (expanded) ACL text stands for; *name is NULL
 * for an inline ACL. */
static const acl_stmt *find_acl(const char *text, int level, const char **name, const char **error) {
  *error = NULL;
  *name = text;
  if (*text == '/') {
    bool fresh;
    const acl_stmt *st = acl_file_load(text, &fresh, error);
    if (acl_tracing && st && fresh) acl_trace(level, "read ACL from file %s", text);
    else if (acl_tracing && st) acl_trace(level, "using ACL \"%s\"", text);
    return st;
  }
  if (!strpbrk(text, " \t\n")) {
    bool found;
    const acl_stmt *st = acl_named_find(text, &found);
    if (found) return st;
  }
  *name = NULL;
  return acl_parse_inline(text, error);
}

int acl_run(acl_where where, const char *recipient, const char *text, int level,
            const char *const *args, int nargs, const char **user_msg, const char **log_msg) {
  if (level > ACL_MAX_NESTING) {
    *log_msg = "ACL nested too deep: possible loop";
    return ACL_ERROR;
  }
  if (is_tainted(text)) {
    /* ACL text from outside (an option expanding message data) is refused. */
    log_write(LOG_MAIN | LOG_PANIC, "attempt to use tainted ACL text \"%s\"", text);
    *log_msg = "internal configuration error";
    return ACL_ERROR;
  }
  const char *name, *error;
  const acl_stmt *stmts = find_acl(text, level, &name, &error);
  if (error) {
    *log_msg = error;
    return ACL_ERROR;
  }
  acl_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.where = where;
  ctx.recipient = recipient;
  ctx.acl_name = name;
  ctx.level = level;
  ctx.user_msg = user_msg;
  ctx.log_msg = log_msg;
  if (acl_tracing && name && *name != '/') acl_trace(level, "using ACL \"%s\"", name);

  /* $acl_arg1..9 and $acl_narg for this ACL, when it is given arguments. */
  const char *saved[10];
  const char **slots[10];
  bool set_args = args != NULL;
  if (set_args) {
    for (int i = 0; i < 10; i++) {
      slots[i] = expand_var_slot(i == 0 ? "acl_narg" : str_sprintf("acl_arg%d", i));
      saved[i] = slots[i] ? *slots[i] : NULL;
      if (slots[i]) *slots[i] = i == 0 ? str_sprintf("%d", nargs) : (i <= nargs ? args[i - 1] : NULL);
    }
  }
  acl_where old_where = current_where;
  const char *old_rcpt = current_recipient;
  int old_level = current_level;
  current_where = where;
  current_recipient = recipient;
  current_level = level;
  int rc = run_stmts(&ctx, stmts);
  current_where = old_where;
  current_recipient = old_rcpt;
  current_level = old_level;
  if (set_args)
    for (int i = 0; i < 10; i++)
      if (slots[i]) *slots[i] = saved[i];
  return rc;
}

/* $local_part and $domain from a RCPT address: lower-cased, as exim4
 * sets them for the ACL (control = caseful_local_part restores the local
 * part's case). */
void acl_split_recipient(const char *recipient, bool caseful, const char **lp, const char **dom) {
  const char *at = strrchr(recipient, '@');
  bool t = is_tainted(recipient);
  char *l = str_copy_taint(at ? str_copyn(recipient, (size_t)(at - recipient)) : recipient, t);
  char *d = str_copy_taint(at ? at + 1 : "", t);
  if (!caseful)
    for (char *p = l; *p; p++) *p = (char)tolower((unsigned char)*p);
  for (char *p = d; *p; p++) *p = (char)tolower((unsigned char)*p);
  *lp = l;
  *dom = d;
}

int acl_check(acl_where where, const char *recipient, const char *acl_text,
              const char **user_msg, const char **log_msg) {
  const char *um = NULL, *lm = NULL;
  if (user_msg) *user_msg = NULL;
  if (log_msg) *log_msg = NULL;
  if (!acl_text) {
    switch (where) {
    case ACL_WHERE_RCPT:
    case ACL_WHERE_ETRN:
    case ACL_WHERE_EXPN:
    case ACL_WHERE_VRFY:
      return ACL_FAIL;
    default:
      return ACL_OK;
    }
  }
  reject_target = LOG_MAIN | LOG_REJECT;
  /* $domain and $local_part are the RCPT (or VRFY) address's, for the
   * option's expansion too. */
  const char **dslot = expand_var_slot("domain"), **lslot = expand_var_slot("local_part");
  const char *sd = dslot ? *dslot : NULL, *sl = lslot ? *lslot : NULL;
  if (recipient && (where == ACL_WHERE_RCPT || where == ACL_WHERE_VRFY)) {
    const char *lp, *dom;
    acl_split_recipient(recipient, false, &lp, &dom);
    if (dslot) *dslot = dom;
    if (lslot) *lslot = lp;
  }
  int rc;
  const char *text = expand_cstring(acl_text);
  if (!text) {
    rc = expand_status.forced_fail ? ACL_OK : ACL_ERROR;
    if (rc == ACL_ERROR)
      lm = str_sprintf("failed to expand ACL string \"%s\": %s", acl_text, expand_status.message);
  } else {
    rc = acl_run(where, recipient, text, 0, NULL, 0, &um, &lm);
  }
  if (dslot) *dslot = sd;
  if (lslot) *lslot = sl;
  /* discard is only for the ACLs that receive messages. */
  if (rc == ACL_DISCARD && where != ACL_WHERE_RCPT && where != ACL_WHERE_MAIL &&
      where != ACL_WHERE_DATA && where != ACL_WHERE_NOTSMTP && where != ACL_WHERE_MIME &&
      where != ACL_WHERE_DKIM && where != ACL_WHERE_PRDR) {
    log_write(LOG_MAIN | LOG_PANIC, "\"discard\" verb not allowed in %s ACL", acl_where_name[where]);
    um = lm = NULL;
    rc = ACL_ERROR;
  }
  if (user_msg) *user_msg = um;
  if (log_msg) *log_msg = lm;
  return rc;
}

const char *acl_result_name(int rc) {
  static const char *const names[] = {"OK", "FAIL", "DEFER", "DISCARD", "ERROR", "FAIL_DROP"};
  return rc >= 0 && rc <= ACL_FAIL_DROP ? names[rc] : "ERROR";
}

int acl_eval_expansion(const char *name, const char *const *args, int nargs, const char **result) {
  const char *um = NULL, *lm = NULL;
  int rc = acl_run(current_where, current_recipient, name, current_level + 1, args, nargs, &um, &lm);
  *result = rc == ACL_ERROR ? lm : um ? um : "";
  return rc;
}
