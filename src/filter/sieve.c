/* sieve.c - the Sieve interpreter (RFC 5228 with the extensions of
 * exim4 -bI:sieve; filter document chapter 2): require, if/elsif/else,
 * stop, keep, discard, redirect [:copy], fileinto [:copy], vacation (RFC
 * 5230), notify (RFC 5435 with mailto, RFC 5436).  Parsing and running are
 * one pass: commands in branches not taken are parsed but not run.
 *
 * Entry point: sieve_interpret().
 *
 * keep and the implicit keep file into "inbox" (a generated file address
 * the transport maps to the mailbox); fileinto gives a generated file
 * address with the folder name; redirect a generated address; vacation and
 * notify generated reply items.  A script error files into inbox as the
 * document says (the result is still FF_DELIVERED; ctx->error says why).
 *
 * Must never: act on anything but ctx->generated.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "../base/stack.h"
#include "sieve_int.h"


static bool commands(sieve_state *s, bool exec, bool in_block);

static bool semicolon(sieve_state *s) {
  if (*s->p != ';') return sieve_fail(s, "missing semicolon");
  s->p++;
  return sieve_skip(s);
}

static void file_into(sieve_state *s, const char *folder) {
  for (address_item *a = s->ctx->generated; a; a = a->next)
    if ((a->flags & af_file) && strcmp(a->address, folder) == 0) {
      if (filter_verbose) fprintf(stderr, "Repeated fileinto `%s' ignored.\n", folder);
      return;
    }
  if (filter_verbose) fprintf(stderr, "fileinto `%s'\n", folder);
  address_item *a = filter_generate(s->ctx, folder);
  a->flags |= af_pfr | af_file;
  a->cc_local_part = a->lc_local_part = a->local_part = a->address;
}

static bool block(sieve_state *s, bool exec) {
  if (*s->p != '{') return sieve_fail(s, "missing block");
  s->p++;
  if (!sieve_skip(s)) return false;
  if (++s->depth > SIEVE_MAX_DEPTH || stack_nearly_full()) return sieve_fail(s, "nested too deeply");
  if (!commands(s, exec, true)) return false;
  s->depth--;
  if (*s->p != '}') return sieve_fail(s, "missing closing brace");
  s->p++;
  return sieve_skip(s);
}

/* Capability names match exactly, as exim4 matches them. */
static bool do_require(sieve_state *s, bool exec) {
  (void)exec;
  sieve_list *caps;
  int r = sieve_string_list(s, &caps);
  if (r < 0) return false;
  if (r == 0) return sieve_fail(s, "capability string list expected");
  for (sieve_list *c = caps; c; c = c->next) {
    const char *n = c->s;
    if (strcmp(n, "envelope") == 0) s->require_envelope = true;
    else if (strcmp(n, "fileinto") == 0) s->require_fileinto = true;
    else if (strcmp(n, "copy") == 0) s->require_copy = true;
    else if (strcmp(n, "subaddress") == 0) s->require_subaddress = true;
    else if (strcmp(n, "comparator-i;ascii-numeric") == 0) s->require_numeric = true;
    else if (strcmp(n, "comparator-i;octet") == 0 || strcmp(n, "comparator-i;ascii-casemap") == 0 ||
             strcmp(n, "comparator-en;ascii-casemap") == 0) {
    } else if (strcmp(n, "encoded-character") == 0) s->require_encoded = true;
    else if (strcmp(n, "enotify") == 0) s->require_enotify = true;
    else if (strcmp(n, "vacation") == 0) {
      if (!filter_testing && !s->ctx->sieve_vacation_directory) return sieve_fail(s, "vacation disabled");
      s->require_vacation = true;
    } else {
      return sieve_fail(s, "unknown capability");
    }
  }
  return semicolon(s);
}

/* The :copy tag of redirect/fileinto. */
static bool copy_tag(sieve_state *s, bool *copy) {
  *copy = false;
  while (*s->p == ':') {
    const char *tag;
    const char *save = s->p;
    if (!sieve_tag(s, &tag)) return sieve_fail(s, "syntax error");
    if (strcmp(tag, "copy") != 0) {   /* not ours: the argument check reports it */
      s->p = save;
      return true;
    }
    if (!s->require_copy) return sieve_fail(s, "missing previous require \"copy\";");
    *copy = true;
  }
  return true;
}

/* not inlined: commands() recurses through nested blocks */
__attribute__((noinline)) static bool do_redirect(sieve_state *s, bool exec) {
  bool copy;
  if (!copy_tag(s, &copy)) return false;
  const char *to;
  int r = sieve_string(s, &to);
  if (r < 0) return false;
  if (r == 0) return sieve_fail(s, "missing redirect recipient string");
  const char *err;
  bool qualified;
  const char *a = filter_one_address(to, &err, &qualified);
  if (!a) return sieve_fail(s, str_sprintf("malformed recipient address: %s", err));
  if (!qualified) return sieve_fail(s, "unqualified recipient address");
  /* exim4 acts before it checks for the semicolon. */
  if (exec) {
    if (!copy) s->keep = false;
    bool repeated = false;
    for (address_item *g = s->ctx->generated; g; g = g->next)
      if (!(g->flags & af_pfr) && strcmp(g->address, a) == 0) repeated = true;
    if (repeated) {
      if (filter_verbose) fprintf(stderr, "Repeated redirect `%s' ignored.\n", to);
    } else {
      if (filter_verbose) fprintf(stderr, "redirect `%s'\n", to);
      filter_generate(s->ctx, a);
    }
  }
  return semicolon(s);
}

/* not inlined: commands() recurses through nested blocks */
__attribute__((noinline)) static bool do_fileinto(sieve_state *s, bool exec) {
  if (!s->require_fileinto) return sieve_fail(s, "missing previous require \"fileinto\";");
  bool copy;
  if (!copy_tag(s, &copy)) return false;
  const char *folder;
  int r = sieve_string(s, &folder);
  if (r < 0) return false;
  if (r == 0) return sieve_fail(s, "missing fileinto folder string");
  if (!*folder || strstr(folder, "..")) return sieve_fail(s, "invalid folder");
  if (exec) {
    file_into(s, folder);
    if (!copy) s->keep = false;
  }
  return semicolon(s);
}

/* RFC 5230 4.5/4.6 as exim4 checks it: the user's own addresses and the
 * :addresses in To:, Cc: or Bcc:, none of them in From:, and the other
 * tests of the Exim filter's "personal". */
static bool vacation_personal(sieve_list *addresses) {
  fstrlist *mine = filter_user_addresses();
  for (sieve_list *a = addresses; a; a = a->next) {
    fstrlist *t = store_zget(sizeof *t, false);
    t->s = a->s;
    t->next = mine;
    mine = t;
  }
  return filter_personal(mine, mine, true);
}

/* not inlined: commands() recurses through nested blocks */
__attribute__((noinline)) static bool do_vacation(sieve_state *s, bool exec) {
  if (!s->require_vacation) return sieve_fail(s, "missing previous require \"vacation\";");
  unsigned long days = 7;
  const char *subject = NULL, *from = NULL, *handle = NULL;
  sieve_list *addresses = NULL;
  bool mime = false;
  while (*s->p == ':') {
    const char *tag;
    if (!sieve_tag(s, &tag)) return sieve_fail(s, "syntax error");
    int r = 1;
    if (strcmp(tag, "days") == 0) {
      r = sieve_number(s, &days);
      if (r == 0) return sieve_fail(s, "missing days");
      if (days < 1) days = 1;
    } else if (strcmp(tag, "subject") == 0) {
      r = sieve_string(s, &subject);
      if (r == 0) return sieve_fail(s, "missing subject");
    } else if (strcmp(tag, "from") == 0) {
      r = sieve_string(s, &from);
      if (r == 0) return sieve_fail(s, "from string expected");
    } else if (strcmp(tag, "addresses") == 0) {
      r = sieve_string_list(s, &addresses);
      if (r == 0) return sieve_fail(s, "addresses string list expected");
    } else if (strcmp(tag, "mime") == 0) {
      mime = true;
    } else if (strcmp(tag, "handle") == 0) {
      r = sieve_string(s, &handle);
      if (r == 0) return sieve_fail(s, "handle string expected");
    } else {
      return sieve_fail(s, "unknown vacation tag");
    }
    if (r < 0) return false;
  }
  const char *reason;
  int r = sieve_string(s, &reason);
  if (r < 0) return false;
  if (r == 0) return sieve_fail(s, "missing vacation reason string");
  if (mime) {
    for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
      if (*p & 0x80) return sieve_fail(s, "MIME reason string contains 8bit text");
  }
  /* exim4 checks for the semicolon, acts, then skips what follows it. */
  if (*s->p != ';') return sieve_fail(s, "missing semicolon");
  s->p++;
  if (!exec) return sieve_skip(s);
  if (s->vacation_done) return sieve_fail(s, "trying to execute vacation more than once");
  if (!vacation_personal(addresses)) {
    if (filter_verbose) fprintf(stderr, "Sieve: mail was not personal, vacation would ignore it\n");
    return sieve_skip(s);
  }
  s->vacation_done = true;
  /* The once-file name: the MD5 of the handle, by default of :subject,
   * :from (or :handle), the :mime flag and the reason, in upper case hex
   * as exim4. */
  expand_set_value(str_sprintf("%s%d%s", handle ? handle : str_sprintf("%s%s", subject ? subject : "",
                                                                        from ? from : ""),
                               mime ? 1 : 0, reason));
  const char *key = expand_cstring("${md5:$value}");
  char *uc = str_copy(key ? key : "");
  for (char *k = uc; *k; k++) *k = (char)toupper((unsigned char)*k);
  key = uc;
  if (filter_verbose) fprintf(stderr, "Sieve: mail was personal, vacation file basename: %s\n", key);
  const char *orig = expand_cstring("$h_subject:");
  if (!subject) subject = str_sprintf("Auto: %s", orig ? orig : "");
  const char *sender = expand_cstring("$return_path");
  reply_item *ri = store_zget(sizeof *ri, false);
  ri->to = sender;
  ri->from = from;
  ri->subject = subject;
  /* (the autoreply transport adds Auto-Submitted: itself) */
  ri->text = reason;
  if (mime) {
    /* a :mime reason is MIME headers, an empty line, then the body */
    const char *sep = strstr(reason, "\r\n\r\n");
    size_t skip = 4;
    const char *lf = strstr(reason, "\n\n");
    if (!sep || (lf && lf < sep)) {
      sep = lf;
      skip = 2;
    }
    gstring *mh = g_new(64, false);
    for (const char *p = reason; *p && (!sep || p < sep); p++)
      if (*p != '\r') mh = g_catc(mh, *p);
    ri->headers = str_sprintf("MIME-Version: 1.0\n%s", g_str(mh));
    ri->text = sep ? sep + skip : "";
  }
  const char *dir = s->ctx->sieve_vacation_directory;
  if (dir) ri->oncelog = str_sprintf("%s/%s", dir, key);
  ri->once_repeat = (int)(days * 86400UL);
  address_item *a = filter_generate(s->ctx, str_sprintf(">%s", sender));
  a->flags |= af_pfr | af_reply;
  a->reply = ri;
  return sieve_skip(s);
}

/* notify (RFC 5435) with the mailto method (RFC 5436). */
/* not inlined: commands() recurses through nested blocks */
__attribute__((noinline)) static bool do_notify(sieve_state *s, bool exec) {
  if (!s->require_enotify) return sieve_fail(s, "missing previous require \"enotify\";");
  const char *from = NULL, *importance = NULL, *message = NULL;
  sieve_list *options = NULL;
  while (*s->p == ':') {
    const char *tag;
    if (!sieve_tag(s, &tag)) return sieve_fail(s, "syntax error");
    int r;
    if (strcmp(tag, "from") == 0) r = sieve_string(s, &from);
    else if (strcmp(tag, "importance") == 0) r = sieve_string(s, &importance);
    else if (strcmp(tag, "message") == 0) r = sieve_string(s, &message);
    else if (strcmp(tag, "options") == 0) r = sieve_string_list(s, &options);
    else return sieve_fail(s, "unknown notify tag");
    if (r < 0) return false;
    if (r == 0) return sieve_fail(s, "missing notify tag argument");
  }
  (void)importance;
  (void)options;
  const char *method;
  int r = sieve_string(s, &method);
  if (r < 0) return false;
  if (r == 0) return sieve_fail(s, "missing method string");
  if (!s->ctx->sieve_enotify_mailto_owner) return sieve_fail(s, "enotify disabled");
  if (str_ncmpic(method, "mailto:", 7) != 0) return sieve_fail(s, "unknown notification method");
  /* mailto:addr[,addr]?subject=...&body=... (percent-decoded) */
  const char *q = strchr(method + 7, '?');
  const char *to_part = q ? str_copyn(method + 7, (size_t)(q - method - 7)) : method + 7;
  const char *subject = NULL, *body = NULL;
  if (q) {
    const char *p = q + 1;
    while (*p) {
      const char *amp = strchr(p, '&');
      const char *item = amp ? str_copyn(p, (size_t)(amp - p)) : p;
      const char *eq = strchr(item, '=');
      if (eq) {
        gstring *g = g_new(32, false);
        for (const char *v = eq + 1; *v; v++) {
          if (*v == '%' && isxdigit((unsigned char)v[1]) && isxdigit((unsigned char)v[2])) {
            char hx[3] = {v[1], v[2], 0};
            g = g_catc(g, (char)strtol(hx, NULL, 16));
            v += 2;
          } else {
            g = g_catc(g, *v);
          }
        }
        if (str_ncmpic(item, "subject=", 8) == 0) subject = g_str(g);
        else if (str_ncmpic(item, "body=", 5) == 0) body = g_str(g);
      }
      p = amp ? amp + 1 : p + strlen(p);
    }
  }
  if (!semicolon(s)) return false;
  if (!exec) return true;
  const char *sender = expand_cstring("$sender_address");
  if (!sender || !*sender) return true;   /* never notify about a bounce */
  reply_item *ri = store_zget(sizeof *ri, false);
  ri->to = to_part;
  ri->from = from ? from : s->ctx->sieve_enotify_mailto_owner;
  const char *orig = expand_cstring("$h_subject:");
  ri->subject = subject ? subject : message ? message : str_sprintf("[SIEVE] %s", orig ? orig : "");
  ri->text = body ? body : message ? message : "";
  if (filter_verbose) fprintf(stderr, "notify `%s'\n", to_part);
  address_item *a = filter_generate(s->ctx, str_sprintf(">%s", to_part));
  a->flags |= af_pfr | af_reply;
  a->reply = ri;
  return true;
}

static bool do_if(sieve_state *s, bool exec) {
  bool done = false;
  const char *word = "if";
  for (;;) {
    const char *id;
    if (!sieve_identifier(s, &id)) return sieve_fail(s, "missing test");
    if (!sieve_skip(s)) return false;
    int r = sieve_run_test(s, id, exec && !done);
    if (r < 0) return false;
    bool take = exec && !done && r == 1;
    if (exec && !done && filter_verbose) fprintf(stderr, "%s %s\n", word, r ? "true" : "false");
    if (!block(s, take)) return false;
    if (take) done = true;
    if (sieve_peek_identifier(s, "elsif")) {
      s->p += 5;
      if (!sieve_skip(s)) return false;
      word = "elsif";
      continue;
    }
    if (sieve_peek_identifier(s, "else")) {
      s->p += 4;
      if (!sieve_skip(s)) return false;
      return block(s, exec && !done);
    }
    return true;
  }
}

static bool commands(sieve_state *s, bool exec, bool in_block) {
  for (;;) {
    if (!*s->p) return in_block ? sieve_fail(s, "expecting command or closing brace") : true;
    if (*s->p == '}') return in_block ? true : sieve_fail(s, "unexpected closing brace");
    const char *id;
    if (!sieve_identifier(s, &id))
      return sieve_fail(s, in_block ? "expecting command or closing brace" : "syntax error");
    if (!sieve_skip(s)) return false;
    const char *c = str_lc(id);
    bool run = exec && !s->stopped;
    bool ok;
    if (strcmp(c, "if") == 0) ok = do_if(s, run);
    else if (strcmp(c, "stop") == 0) {
      ok = semicolon(s);
      if (ok && run) s->stopped = true;
    } else if (strcmp(c, "keep") == 0) {
      ok = semicolon(s);
      if (ok && run) {
        file_into(s, s->ctx->sieve_inbox ? s->ctx->sieve_inbox : "inbox");
        s->keep = false;
      }
    } else if (strcmp(c, "discard") == 0) {
      ok = semicolon(s);
      if (ok && run) s->keep = false;
    } else if (strcmp(c, "redirect") == 0) ok = do_redirect(s, run);
    else if (strcmp(c, "fileinto") == 0) ok = do_fileinto(s, run);
    else if (strcmp(c, "vacation") == 0) ok = do_vacation(s, run);
    else if (strcmp(c, "notify") == 0) ok = do_notify(s, run);
    else ok = sieve_fail(s, in_block ? "expecting command or closing brace" : "syntax error");
    if (!ok) return false;
  }
}

filter_result sieve_interpret(const char *text, filter_ctx *ctx) {
  sieve_state s = {.p = text, .line = 1, .ctx = ctx, .keep = true};
  /* The "# Sieve filter" line is a comment.  As exim4: one require, and
   * only at the start (a later one is a syntax error). */
  bool ok = sieve_skip(&s);
  if (ok && sieve_peek_identifier(&s, "require")) {
    s.p += 7;
    ok = sieve_skip(&s) && do_require(&s, true);
  }
  ok = ok && commands(&s, true, false);
  const char *inbox = ctx->sieve_inbox ? ctx->sieve_inbox : "inbox";
  if (!ok) {
    ctx->error = str_sprintf("%s in line %d", s.error ? s.error : "syntax error", s.error_line);
    file_into(&s, inbox);
    ctx->sieve_keep = true;
    return FF_DELIVERED;
  }
  ctx->sieve_keep = s.keep;
  if (s.keep) file_into(&s, inbox);
  ctx->seen = true;
  return FF_DELIVERED;
}
