/* autoreply_run.c - delivery by the autoreply transport (spec chapter
 * 27): build a new message from the transport's options, or from the
 * reply data a filter's mail/vacation command attached to the address
 * (never a mixture), apply never_mail and the once record, and submit it
 * with an empty envelope sender through bounce_submit_open()/close() (the
 * "exim -t" child).  Headers in Exim's order (From, Reply-To, To, Cc, Bcc,
 * Subject, In-Reply-To, References, Auto-Submitted, then the headers
 * option), the body from text and file (file_expand, file_optional), and
 * with return_message a copy of the original message; the log file
 * records what was sent or that a reply was previously sent.
 *
 * Entry point: autoreply_deliver() (autoreply.h).
 * Must never: send a reply with non-printing characters in its header
 * lines; send one when no recipient is left; reply with a non-empty
 * envelope sender.
 */
#include "autoreply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../config/main_config.h"
#include "../config/option.h"
#include "../deliver/bounce.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "write.h"

typedef struct reply_parts {
  const char *from, *reply_to, *to, *cc, *bcc, *subject, *headers, *text, *file, *log, *once;
  int once_repeat;
  bool file_expand, return_message;
} reply_parts;

static void set_result(struct address_item *addr, int rc, int basic, const char *msg) {
  addr->transport_return = rc;
  addr->basic_errno = basic;
  addr->message = msg;
}

/* Expand an option; NULL option stays NULL.  false with *error on failure. */
static bool expand_opt(const char *opt, const char *name, const char *tname, const char **out,
                       const char **error) {
  *out = NULL;
  if (!opt) return true;
  *out = expand_cstring(opt);
  if (*out) return true;
  *error = str_sprintf("Expansion of \"%s\" failed in %s transport: %s", opt, tname, expand_status.message);
  (void)name;
  return false;
}

/* Header lines may hold only printing characters (and newlines followed
 * by white space, i.e. folding). */
static const char *bad_char(const char *s) {
  if (!s) return NULL;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '\n' && (p[1] == ' ' || p[1] == '\t')) continue;
    if (*p == '\t') continue;
    if (*p < 32 || *p == 127) return (const char *)p;
    if (*p >= 128 && !mainconf.print_topbitchars) return (const char *)p;
  }
  return NULL;
}

/* The address in one item of a header-style list: inside <...> when
 * there are angle brackets, else the item without comments and spaces. */
static const char *item_address(const char *item) {
  const char *lt = strrchr(item, '<');
  if (lt) {
    const char *gt = strchr(lt, '>');
    return str_copyn(lt + 1, gt ? (size_t)(gt - lt - 1) : strlen(lt + 1));
  }
  gstring *g = g_new(strlen(item) + 1, is_tainted(item));
  int depth = 0;
  for (const char *p = item; *p; p++) {
    if (*p == '(') depth++;
    else if (*p == ')' && depth) depth--;
    else if (!depth && *p != ' ' && *p != '\t' && *p != '\n') g = g_catc(g, *p);
  }
  return g_str(g);
}

/* Drop the items of list (a header-style list, commas outside quotes,
 * comments and angle brackets separating them) whose address matches
 * never_mail; the remaining items joined by ", ", or NULL when none is
 * left. */
static const char *filter_never(const char *list, const char *never) {
  if (!list || !never) return list;
  gstring *g = NULL;
  const char *p = list;
  while (*p) {
    const char *start = p;
    bool quoted = false;
    int depth = 0, angle = 0;
    for (; *p; p++) {
      if (*p == '\\' && p[1]) { p++; continue; }
      if (*p == '"') quoted = !quoted;
      else if (quoted) continue;
      else if (*p == '(') depth++;
      else if (*p == ')' && depth) depth--;
      else if (*p == '<' && !depth) angle++;
      else if (*p == '>' && !depth && angle) angle--;
      else if (*p == ',' && !depth && !angle) break;
    }
    const char *item = str_copyn(start, (size_t)(p - start));
    if (*p == ',') p++;
    const char *trimmed = str_skip_space(item);
    if (!*trimmed) continue;
    const char *a = item_address(trimmed);
    const char *err = NULL;
    if (*a && match_address_list(a, never, true, NULL, &err) == MATCH_YES) continue;
    if (!g) g = g_new(64, is_tainted(list));
    else g = g_cat(g, ", ");
    g = g_cat(g, str_rtrim(str_copy(trimmed)));
  }
  return g ? g_str(g) : NULL;
}

static const char *log_time(void) {
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return str_copy(buf);
}

static void write_log(const char *path, int mode, const char *text) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, mode);
  if (fd < 0) return;
  size_t len = strlen(text);
  ssize_t w = write(fd, text, len);
  (void)w;
  close(fd);
}

/* The parts from the transport's options (expanded). */
static bool parts_from_options(const transport_instance *t, const autoreply_options *ob, reply_parts *r,
                               const char **error) {
  const char *tn = t->drv.name;
  const char *rep = NULL;
  if (!expand_opt(ob->from, "from", tn, &r->from, error) ||
      !expand_opt(ob->reply_to, "reply_to", tn, &r->reply_to, error) ||
      !expand_opt(ob->to, "to", tn, &r->to, error) || !expand_opt(ob->cc, "cc", tn, &r->cc, error) ||
      !expand_opt(ob->bcc, "bcc", tn, &r->bcc, error) ||
      !expand_opt(ob->subject, "subject", tn, &r->subject, error) ||
      !expand_opt(ob->headers, "headers", tn, &r->headers, error) ||
      !expand_opt(ob->text, "text", tn, &r->text, error) || !expand_opt(ob->file, "file", tn, &r->file, error) ||
      !expand_opt(ob->log, "log", tn, &r->log, error) || !expand_opt(ob->once, "once", tn, &r->once, error) ||
      !expand_opt(ob->once_repeat, "once_repeat", tn, &rep, error))
    return false;
  r->once_repeat = 0;
  if (rep && *rep) {
    int v = 0;
    if (option_parse_time(rep, &v) != NULL) {
      *error = str_sprintf("Invalid time value \"%s\" for \"once_repeat\" in %s transport", rep, tn);
      return false;
    }
    r->once_repeat = v;
  }
  r->file_expand = ob->file_expand;
  r->return_message = ob->return_message;
  return true;
}

static void parts_from_reply(const reply_item *ri, const autoreply_options *ob, reply_parts *r) {
  r->from = ri->from;
  r->reply_to = ri->reply_to;
  r->to = ri->to;
  r->cc = ri->cc;
  r->bcc = ri->bcc;
  r->subject = ri->subject;
  r->headers = ri->headers;
  r->text = ri->text;
  r->file = ri->file;
  r->log = ri->logfile;
  r->once = ri->oncelog;
  r->once_repeat = ri->once_repeat;
  r->file_expand = ri->file_expand;
  r->return_message = ri->return_message || ob->return_message;
}

/* A References: header for a reply: the original's References (or a
 * single-identifier In-Reply-To), then its Message-ID. */
static const char *references(const char *msgid) {
  const char *refs = expand_cstring("$h_references:");
  if (!refs || !*refs) {
    const char *irt = expand_cstring("$h_in-reply-to:");
    if (irt && *irt == '<' && strchr(irt, '>') && !strchr(strchr(irt, '>') + 1, '<')) refs = irt;
    else refs = NULL;
  }
  if (!refs || !*refs) return msgid;
  return str_sprintf("%s %s", refs, msgid);
}

bool autoreply_deliver(transport_instance *t, address_item *addr) {
  autoreply_options *ob = t->drv.options_block;
  const char *tname = t->drv.name;
  const char *err = NULL;
  reply_parts r;
  memset(&r, 0, sizeof r);

  if (addr->reply) {
    parts_from_reply(addr->reply, ob, &r);
  } else if (!parts_from_options(t, ob, &r, &err)) {
    set_result(addr, FAIL, ERRNO_EXPANDFAIL, err);   /* exim4 fails the address */
    return true;
  }

  /* never_mail: drop matching recipients quietly */
  if (ob->never_mail) {
    const char *never = expand_cstring(ob->never_mail);
    if (!never) {
      /* exim4 fails the address here, without the reason */
      set_result(addr, FAIL, 0,
                 str_sprintf("Failed to expand \"%s\" for \"never_mail\" in %s transport", ob->never_mail, tname));
      return true;
    }
    r.to = filter_never(r.to, never);
    r.cc = filter_never(r.cc, never);
    r.bcc = filter_never(r.bcc, never);
  }
  bool have_to = r.to && *str_skip_space(r.to);
  if (!have_to && !(r.cc && *str_skip_space(r.cc)) && !(r.bcc && *str_skip_space(r.bcc))) {
    set_result(addr, OK, 0, NULL);   /* nobody to send to: nothing to do */
    return true;
  }

  const char *hdrs[] = {r.from, r.reply_to, r.to, r.cc, r.bcc, r.subject};
  for (size_t i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++)
    if (bad_char(hdrs[i])) {
      set_result(addr, FAIL, 0,   /* "**" in exim4, although the spec says it defers */
                 str_sprintf("Expansion of \"%s\" in %s transport contains non-printing character %d",
                             str_printing(hdrs[i]), tname, *(const unsigned char *)bad_char(hdrs[i])));
      return true;
    }

  time_t now = time(NULL);
  int mode = ob->mode;
  /* The once record */
  if (r.once && *r.once && have_to) {
    time_t then = 0;
    int eno = 0;
    if (!autoreply_once_check(r.once, ob->once_file_size, mode, r.to, &then, &err, &eno)) {
      set_result(addr, DEFER, eno,
                 str_sprintf("%s when sending message from %s transport: %s", err, tname, strerror(eno)));
      return true;
    }
    if (then && (r.once_repeat == 0 || now - then < r.once_repeat)) {
      if (r.log && *r.log)
        write_log(r.log, mode, str_sprintf("%s\n  previously sent to %.200s\n", log_time(), r.to));
      set_result(addr, OK, 0, NULL);
      return true;
    }
  }

  /* The file, read (and checked) before anything is sent. */
  FILE *ff = NULL;
  if (r.file && *r.file) {
    ff = fopen(r.file, "r");
    if (!ff && !ob->file_optional) {
      int e = errno;
      set_result(addr, DEFER, e,
                 str_sprintf("Failed to open file %s when sending message from %s transport: %s", r.file,
                             tname, strerror(e)));
      return true;
    }
  }

  pid_t pid = 0;
  FILE *f = bounce_submit_open("", deliver_current ? deliver_current->m.id : NULL, &pid, &err);
  if (!f) {
    if (ff) fclose(ff);
    set_result(addr, DEFER, errno, str_sprintf("Failed to create child process to send message from %s transport: %s",
                                               tname, err ? err : strerror(errno)));
    return true;
  }
  if (r.from) fprintf(f, "From: %s\n", r.from);
  if (r.reply_to) fprintf(f, "Reply-To: %s\n", r.reply_to);
  if (r.to) fprintf(f, "To: %s\n", r.to);
  if (r.cc) fprintf(f, "Cc: %s\n", r.cc);
  if (r.bcc) fprintf(f, "Bcc: %s\n", r.bcc);
  if (r.subject) fprintf(f, "Subject: %s\n", r.subject);
  const char *msgid = expand_cstring("$h_message-id:");
  if (msgid && *msgid) {
    fprintf(f, "In-Reply-To: %s\n", msgid);
    fprintf(f, "References: %s\n", references(msgid));
  }
  fprintf(f, "Auto-Submitted: auto-replied\n");
  if (r.headers && *r.headers) fprintf(f, "%s\n", r.headers);
  fprintf(f, "\n");
  if (r.text) {
    fputs(r.text, f);
    size_t n = strlen(r.text);
    if (n && r.text[n - 1] != '\n') fputc('\n', f);
  }
  if (ff) {
    char line[8192];
    while (fgets(line, sizeof line, ff)) {
      if (r.file_expand) {
        const char *e = expand_cstring(line);
        fputs(e ? e : line, f);
      } else {
        fputs(line, f);
      }
    }
    fclose(ff);
  }
  bool ok = true;
  if (r.return_message) {
    /* A body over bounce_return_size_limit is cut (at a line end), with no
     * note, as exim4 does here. */
    long limit = mainconf.bounce_return_size_limit;
    fprintf(f, "\n------ This is a copy of the message, including all the headers.\n\n");
    fflush(f);
    transport_write_opts o = {
        .fd = fileno(f),
        .flags = TW_NO_FILTER,
        .t = t,
        .addr = addr,
        .size_limit = limit > 0 ? limit : 0,
    };
    int code = 0;
    ok = transport_write_message(&o, &err, &code);
  }
  bool written;
  int child = bounce_submit_result(f, pid, &written);
  if (child != 0) {
    /* exim4 adds the child's exit code */
    set_result(addr, DEFER, 0, str_sprintf("Failed to send message from %s transport (%d)", tname, child));
    return true;
  }
  if (!ok || !written) {
    set_result(addr, DEFER, 0, str_sprintf("Failed to send message from %s transport", tname));
    return true;
  }

  if (r.once && *r.once && have_to && !autoreply_once_record(r.once, ob->once_file_size, mode, r.to, now, &err))
    log_write_msg(deliver_current ? deliver_current->m.id : NULL, LOG_MAIN, "%s for %s transport", err, tname);

  if (r.log && *r.log) {
    gstring *g = g_new(256, true);
    g = g_fmt(g, "%s\n", log_time());
    if (r.from) g = g_fmt(g, "  From: %s\n", r.from);
    if (r.to) g = g_fmt(g, "  To: %s\n", r.to);
    if (r.cc) g = g_fmt(g, "  Cc: %s\n", r.cc);
    if (r.bcc) g = g_fmt(g, "  Bcc: %s\n", r.bcc);
    if (r.subject) g = g_fmt(g, "  Subject: %s\n", r.subject);
    if (r.headers) g = g_fmt(g, "  %s\n", r.headers);
    write_log(r.log, mode, g_str(g));
  }
  set_result(addr, OK, 0, NULL);
  return true;
}
