/* exim_filter.c - running an Exim filter (filter document chapter 3, spec
 * chapter 47 for the system filter's extra commands): the commands, the
 * significant-delivery rule, the -bf/-bF printout of each action.
 *
 * Entry point: exim_filter_interpret().
 *
 * Deliveries (deliver, save, pipe, mail, vacation) become generated
 * addresses on ctx->generated; nothing is delivered here.  Whether a
 * file, pipe or reply is allowed (forbid_file, forbid_pipe,
 * forbid_filter_reply) is the redirect router's decision about the
 * generated address, as in exim4.  The only things
 * done at once are the ones the document says happen while filtering:
 * logfile/logwrite (appending to the user's log file with the privileges
 * the caller runs the filter under; logwrite refused unless RDO_LOG), testprint
 * (printing only under -bf), and the system filter's header changes.
 *
 * Must never: run a command; open a log file through a symbolic link.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../config/option.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "filter_int.h"

static bool run_commands(frun *r, const fcmd *c);

static void out(frun *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(frun *r, const char *fmt, ...) {
  (void)r;
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
}

/* "Deliver message to" / "Unseen deliver message to" / "Seen mail to". */
static const char *action_word(const fcmd *c, bool default_seen, const char *word) {
  if (c->seen_given && c->seen != default_seen)
    return str_sprintf("%s %s", c->seen ? "Seen" : "Unseen", word);
  char *w = str_copy(word);
  w[0] = (char)toupper((unsigned char)w[0]);
  return w;
}

static bool is_significant(const fcmd *c, bool default_seen) {
  return c->seen_given ? c->seen : default_seen;
}

static bool do_deliver(frun *r, const fcmd *c) {
  const char *s = exim_filter_expand(r, c->arg[0], "deliver command");
  if (!s) return false;
  const char *err;
  bool qualified;
  const char *a = filter_one_address(s, &err, &qualified);
  if (!a) {
    r->error = str_sprintf("malformed address \"%s\" in filter file: %s", s, err);
    return false;
  }
  if (!qualified) {
    const char *q = mainconf.qualify_recipient ? mainconf.qualify_recipient : mainconf.qualify_domain;
    a = str_sprintf("%s@%s", a, q ? q : "");
  }
  const char *errors_to = NULL;
  if (c->arg[1]) {
    const char *e = exim_filter_expand(r, c->arg[1], "deliver command");
    if (!e) return false;
    const char *ea = filter_one_address(e, &err, &qualified);
    if (!ea) {
      r->error = str_sprintf("malformed address \"%s\" in filter file: %s", e, err);
      return false;
    }
    if (!qualified) {
      const char *q = mainconf.qualify_recipient ? mainconf.qualify_recipient : mainconf.qualify_domain;
      ea = str_sprintf("%s@%s", ea, q ? q : "");
    }
    if (!(r->ctx->options & RDO_SYSTEM) && str_cmpic(ea, filter_user_address(r->ctx)) != 0) {
      r->error = "errors_to must point to the caller's address";
      return false;
    }
    errors_to = ea;
  }
  if (filter_testing) {
    out(r, "%s: %s%s%s%s\n", action_word(c, true, "deliver message to"), a,
        errors_to ? " errors_to " : "", errors_to ? errors_to : "", c->noerror ? " (noerror)" : "");
  }
  address_item *g = filter_generate(r->ctx, a);
  if (errors_to) g->errors_address = errors_to;
  if (c->noerror) g->flags |= af_ignore_error;
  return true;
}

static bool do_save(frun *r, const fcmd *c) {
  const char *s = exim_filter_expand(r, c->arg[0], "save command");
  if (!s) return false;
  if (s[0] != '/' && r->ctx->home && *r->ctx->home) s = str_sprintf("%s/%s", r->ctx->home, s);
  int mode = -1;
  if (c->arg[1]) mode = (int)strtol(c->arg[1], NULL, 8);
  if (filter_testing) {
    out(r, "%s: %s", action_word(c, true, "save message to"), s);
    if (mode >= 0) out(r, " %04o", mode);
    out(r, "%s\n", c->noerror ? " (noerror)" : "");
  }
  address_item *g = filter_generate(r->ctx, s);
  g->flags |= af_pfr | af_file;
  if (s[0] && s[strlen(s) - 1] == '/') g->flags |= af_directory;
  g->cc_local_part = g->lc_local_part = g->local_part = g->address;
  g->mode = mode;
  if (c->noerror) g->flags |= af_ignore_error;
  return true;
}

static bool do_pipe(frun *r, const fcmd *c) {
  /* The command is expanded by the pipe transport after it is split into
   * arguments (filter document 3.13), so it is kept as written. */
  if (filter_testing)
    out(r, "%s: %s%s\n", action_word(c, true, "pipe message to"), c->arg[0], c->noerror ? " (noerror)" : "");
  address_item *g = filter_generate(r->ctx, str_sprintf("|%s", c->arg[0]));
  g->flags |= af_expand_pipe;
  if (c->noerror) g->flags |= af_ignore_error;
  return true;
}

static bool do_mail(frun *r, const fcmd *c) {
  const char *v[MK_COUNT] = {0};
  for (int k = 0; k < MK_COUNT; k++) {
    if (!c->arg[k]) continue;
    if (!(v[k] = exim_filter_expand(r, c->arg[k], c->type == FC_MAIL ? "mail command" : "vacation command")))
      return false;
  }
  int repeat = 0;
  if (v[MK_ONCE_REPEAT] && *v[MK_ONCE_REPEAT]) {
    const char *e = option_parse_time(v[MK_ONCE_REPEAT], &repeat);
    if (e) {
      r->error = str_sprintf("\"once_repeat\" value \"%s\" is malformed", v[MK_ONCE_REPEAT]);
      return false;
    }
  }
  /* No automatic replies to bounces (filter document 3.14). */
  const char **rps = expand_var_slot("return_path");
  const char *rp = rps && *rps ? *rps : expand_cstring("$sender_address");   /* unset: the sender */
  if (!rp || !*rp) {
    if (filter_testing)
      out(r, "%s command ignored because return_path is empty\n", c->type == FC_MAIL ? "mail" : "vacation");
    return true;
  }
  if (filter_testing) {
    out(r, "%s: %s%s\n", action_word(c, false, "mail to"), v[MK_TO] ? filter_printing(v[MK_TO]) : "<default>",
        c->type == FC_VACATION ? " (vacation)" : "");
    for (int k = MK_CC; k < MK_COUNT; k++) {
      if (!v[k]) continue;
      out(r, "%7s: %s%s\n", filter_mail_keys[k], filter_printing(v[k]),
          k == MK_FILE && c->expand_file ? " (expanded)" : "");
    }
    if (c->return_message) out(r, "Return original message\n");
  }
  const char *to = v[MK_TO];
  if (!to) {
    to = expand_cstring("$reply_address");
    if (!to) to = "";
  }
  /* Relative file, log and once names (vacation's defaults) are in the
   * user's home directory, as save's are. */
  const char *home = r->ctx->home;
  for (int k = MK_FILE; k <= MK_ONCE; k++)
    if (v[k] && *v[k] && v[k][0] != '/' && home && *home) v[k] = str_sprintf("%s/%s", home, v[k]);
  reply_item *ri = store_zget(sizeof *ri, false);
  ri->to = to;
  ri->cc = v[MK_CC];
  ri->bcc = v[MK_BCC];
  ri->from = v[MK_FROM];
  ri->reply_to = v[MK_REPLY_TO];
  ri->subject = v[MK_SUBJECT];
  ri->headers = v[MK_EXTRA_HEADERS];
  ri->text = v[MK_TEXT];
  ri->file = v[MK_FILE];
  ri->file_expand = c->expand_file;
  ri->logfile = v[MK_LOG];
  ri->oncelog = v[MK_ONCE];
  ri->once_repeat = repeat;
  ri->return_message = c->return_message;
  address_item *g = filter_generate(r->ctx, str_sprintf(">%s", to));
  g->flags |= af_pfr | af_reply;
  g->reply = ri;
  if (c->noerror) g->flags |= af_ignore_error;
  return true;
}

static bool do_add(frun *r, const fcmd *c) {
  const char *n = exim_filter_expand(r, c->arg[0], "add command");
  if (!n) return false;
  const char *var = exim_filter_expand(r, c->arg[1], "add command");
  if (!var) return false;
  char *end;
  errno = 0;
  long long v = strtoll(n, &end, 10);
  if (end == n || *end || errno) {
    r->error = str_sprintf("malformed number \"%s\" in \"add\" command", n);
    return false;
  }
  if (!(var[0] == 'n' && var[1] >= '0' && var[1] <= '9' && !var[2])) {
    r->error = str_sprintf("unknown variable \"%s\" in \"add\" command", var);
    return false;
  }
  if (filter_testing) out(r, "Add %lld to %s\n", v, var);
  const char **slot = expand_var_slot(var);
  long long old = slot && *slot ? strtoll(*slot, NULL, 10) : 0;
  expand_var_set(var, str_perm(str_sprintf("%lld", old + v)));
  return true;
}

static bool do_logfile(frun *r, const fcmd *c) {
  const char *s = exim_filter_expand(r, c->arg[0], "logfile command");
  if (!s) return false;
  int mode = c->arg[1] ? (int)strtol(c->arg[1], NULL, 8) : 0600;
  if (filter_testing) {
    out(r, "Logfile %s\n", s);
    r->log_name = s;
    return true;
  }
  if (s[0] != '/') {
    r->error = str_sprintf("logfile path \"%s\" is not absolute", s);
    return false;
  }
  if (is_tainted(s)) {
    r->error = str_sprintf("tainted log file name \"%s\"", s);
    return false;
  }
  /* A previous log is closed; the new one is opened by the first logwrite. */
  if (r->log_fd >= 0) close(r->log_fd);
  r->log_fd = -1;
  r->log_name = s;
  r->log_mode = mode;
  return true;
}

static bool do_logwrite(frun *r, const fcmd *c) {
  /* forbid_filter_logwrite: refused when obeyed, before expanding */
  if (!filter_testing && !(r->ctx->options & RDO_LOG)) {
    r->error = "logwrite command forbidden";
    return false;
  }
  const char *s = exim_filter_expand(r, c->arg[0], "logwrite command");
  if (!s) return false;
  size_t n = strlen(s);
  if (!n || s[n - 1] != '\n') s = str_sprintf("%s\n", s);
  if (filter_testing) {
    out(r, "Logwrite \"%s\"\n", filter_printing(s));
    return true;
  }
  if (!r->log_name) {
    r->error = "attempt to obey \"logwrite\" command without a previous \"logfile\"";
    return false;
  }
  if (r->log_fd < 0) {
    r->log_fd = open(r->log_name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, r->log_mode);
    if (r->log_fd < 0) {
      r->error = str_sprintf("failed to open filter log file \"%s\": %s", r->log_name, strerror(errno));
      return false;
    }
  }
  n = strlen(s);
  for (size_t done = 0; done < n;) {
    ssize_t w = write(r->log_fd, s + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      r->error = str_sprintf("write to filter log file \"%s\" failed: %s", r->log_name, strerror(errno));
      return false;
    }
    done += (size_t)w;
  }
  return true;
}

/* fail / freeze / defer: stop with their text. */
static void do_stop(frun *r, const fcmd *c, filter_result how, const char *word) {
  const char *t = exim_filter_expand(r, c->arg[0], str_sprintf("%s command", word));
  if (!t) return;
  if (filter_testing) {
    char *w = str_copy(word);
    w[0] = (char)toupper((unsigned char)w[0]);
    out(r, "%s text \"%s\"\n", w, filter_printing(t));
  }
  r->ctx->error = t;
  r->ctx->user_message = t;
  if (t[0] == '<' && t[1] == '<') {
    const char *e = strstr(t + 2, ">>");
    if (e) {
      r->ctx->error = str_copyn(t + 2, (size_t)(e - t - 2));
      r->ctx->user_message = e + 2;
    }
  }
  r->stop = how;
  r->finished = true;
}

static bool run_if(frun *r, const fcmd *c) {
  const char *saved_this = expand_cstring("$thisaddress");
  bool ok = true;
  int depth = r->depth;
  /* exim4 treats each elif as an if inside the else: the -v trace
   * indents it one level further */
  for (const fcmd *b = c; b; b = b->next_if, r->depth++) {
    int v = 1;
    if (b->cond) {
      v = exim_filter_cond(r, b->cond);
      if (v < 0) return false;
      if (filter_verbose)
        fprintf(stderr, "%*sCondition is %s: %s \n", 2 * r->depth + 1, "", v ? "true" : "false",
                exim_filter_cond_text(b->cond));
    }
    if (v) {
      if (b->cond) r->depth++;   /* else: already one level further in */
      ok = run_commands(r, b->then);
      break;
    }
  }
  r->depth = depth;
  expand_var_set("thisaddress", saved_this);
  return ok;
}

static bool run_commands(frun *r, const fcmd *c) {
  for (; c && !r->finished; c = c->next) {
    bool ok = true;
    bool sig = false;
    switch (c->type) {
    case FC_IF: ok = run_if(r, c); break;
    case FC_DELIVER: ok = do_deliver(r, c); sig = is_significant(c, true); break;
    case FC_SAVE: ok = do_save(r, c); sig = is_significant(c, true); break;
    case FC_PIPE: ok = do_pipe(r, c); sig = is_significant(c, true); break;
    case FC_MAIL:
    case FC_VACATION: ok = do_mail(r, c); sig = is_significant(c, false); break;
    case FC_ADD: ok = do_add(r, c); sig = is_significant(c, false); break;
    case FC_LOGFILE: ok = do_logfile(r, c); break;
    case FC_LOGWRITE: ok = do_logwrite(r, c); break;
    case FC_TESTPRINT: {
      const char *s = exim_filter_expand(r, c->arg[0], "testprint command");
      if (!s) ok = false;
      else if (filter_testing) out(r, "Testprint: %s\n", filter_printing(s));
      sig = is_significant(c, false);
      break;
    }
    case FC_FINISH:
      if (filter_testing) out(r, "%s\n", action_word(c, false, "finish"));
      sig = is_significant(c, false);
      r->finished = true;
      break;
    case FC_FAIL: do_stop(r, c, FF_FAIL, "fail"); ok = !r->error; break;
    case FC_DEFER: do_stop(r, c, FF_DEFER, "defer"); ok = !r->error; break;
    case FC_FREEZE:
      if (r->ctx->manually_thawed) break;
      do_stop(r, c, FF_FREEZE, "freeze");
      ok = !r->error;
      break;
    case FC_HEADERS_CHARSET: {
      const char *s = exim_filter_expand(r, c->arg[0], "headers command");
      if (!s) { ok = false; break; }
      if (filter_testing) out(r, "Headers charset \"%s\"\n", filter_printing(s));
      mainconf.headers_charset = s;
      break;
    }
    case FC_HEADERS_ADD: {
      const char *s = exim_filter_expand(r, c->arg[0], "headers command");
      if (!s) {
        ok = false;
        break;
      }
      if (filter_testing) out(r, "Headers add \"%s\"\n", filter_printing(s));
      while (isspace((unsigned char)*s)) s++;
      if (*s) filter_headers_add(r->ctx, s);
      break;
    }
    case FC_HEADERS_REMOVE: {
      const char *s = exim_filter_expand(r, c->arg[0], "headers command");
      if (!s) { ok = false; break; }
      if (filter_testing) out(r, "Headers remove \"%s\"\n", filter_printing(s));
      filter_headers_remove(r->ctx, s);
      break;
    }
    }
    if (!ok) return false;
    if (sig) r->ctx->seen = true;
  }
  return !r->error;
}

filter_result exim_filter_interpret(const char *text, filter_ctx *ctx) {
  const char *err;
  bool empty_ok;
  fcmd *cmds = exim_filter_parse(text, ctx->options, &err, &empty_ok);
  if (err) {
    ctx->error = err;
    return FF_ERROR;
  }
  bool was_running = expand_filter_running;
  const char *charset = mainconf.headers_charset;
  unsigned forbid_before = expand_forbid;
  expand_filter_running = true;
  /* redirect's forbid_filter_* options refuse expansion items */
  unsigned o = ctx->options;
  expand_forbid = (o & RDO_LOOKUP ? 0 : EXPAND_FORBID_LOOKUP) | (o & RDO_RUN ? 0 : EXPAND_FORBID_RUN) |
                  (o & RDO_EXISTS ? 0 : EXPAND_FORBID_EXISTS) |
                  (o & RDO_READFILE ? 0 : EXPAND_FORBID_READFILE) |
                  (o & RDO_READSOCK ? 0 : EXPAND_FORBID_READSOCK) |
                  (o & RDO_DLFUNC ? 0 : EXPAND_FORBID_DLFUNC) | (o & RDO_PERL ? 0 : EXPAND_FORBID_PERL);
  if (o & RDO_SYSTEM) expand_forbid = 0;   /* the forbid options are the redirect router's */
  for (int i = 0; i < 10; i++) {
    expand_var_set(str_sprintf("n%d", i), "0");
    const char **sn = expand_var_slot(str_sprintf("sn%d", i));
    if (sn && !*sn) *sn = "0";
  }
  frun r = {.ctx = ctx, .log_fd = -1, .stop = FF_NOTDELIVERED};
  bool ok = run_commands(&r, cmds);
  if (r.log_fd >= 0) close(r.log_fd);
  mainconf.headers_charset = charset;
  if (ctx->options & RDO_SYSTEM) {
    /* $n0..$n9 become $sn0..$sn9 for the users' filters (spec 47.3). */
    for (int i = 0; i < 10; i++) {
      const char **n = expand_var_slot(str_sprintf("n%d", i));
      expand_var_set(str_sprintf("sn%d", i), n && *n ? *n : "0");
    }
  }
  expand_filter_running = was_running;
  expand_forbid = forbid_before;
  if (!ok || r.error) {
    ctx->error = r.error ? r.error : "filter error";
    return FF_ERROR;
  }
  if (r.stop != FF_NOTDELIVERED) return r.stop;
  return ctx->seen ? FF_DELIVERED : FF_NOTDELIVERED;
}
