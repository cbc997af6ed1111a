/* bounce_parts.c - the pieces every generated report shares (spec chapter
 * 50, RFC 3464): template files (bounce_message_file, warn_message_file),
 * the multipart/report skeleton and its boundary, the header lines common
 * to bounces and warnings, the message/delivery-status part, the address
 * list lines, and the returned copy of the original message.
 *
 * Entry points: bounce_int.h.
 * Must never: return a body bigger than bounce_return_size_limit or with
 * lines longer than bounce_return_linesize_limit; write the returned copy
 * other than through transport_write_message (the same copy a transport
 * would make).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../transport/write.h"
#include "bounce_int.h"

/* ---- templates ---------------------------------------------------------- */

void bounce_template_read(bounce_template *t, const char *file, const char *what, const char *id) {
  memset(t, 0, sizeof *t);
  if (!file || !*file) return;
  const char *name = expand_cstring(file);
  if (!name) {
    log_write_msg(id, LOG_MAIN | LOG_PANIC, "Failed to expand %s: %s", file, expand_status.message);
    return;
  }
  FILE *f = fopen(name, "r");
  if (!f) {
    log_write_msg(id, LOG_MAIN | LOG_PANIC, "Failed to open %s for %s message texts: %s", name, what,
                  strerror(errno));
    return;
  }
  t->loaded = true;
  gstring *g = NULL;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    if (strcmp(line, "****\n") == 0 || strcmp(line, "****") == 0) {
      if (t->n < BOUNCE_MAX_ITEMS) t->item[t->n++] = g ? g_str(g) : "";
      g = NULL;
      continue;
    }
    g = g_cat(g ? g : g_new(256, false), line);
  }
  if (t->n < BOUNCE_MAX_ITEMS) t->item[t->n++] = g ? g_str(g) : "";
  fclose(f);
}

const char *bounce_template_item(const bounce_template *t, int i) {
  if (!t->loaded || i >= t->n || !t->item[i][0]) return NULL;
  const char *s = expand_cstring(t->item[i]);
  if (!s) {
    log_write(LOG_MAIN | LOG_PANIC, "Expansion of \"%s\" failed: %s", t->item[i], expand_status.message);
    return NULL;
  }
  return *s ? s : NULL;
}

/* ---- headers ------------------------------------------------------------ */

const char *bounce_boundary(void) {
  static bool seeded;
  if (!seeded) {
    srandom((unsigned)time(NULL) ^ (unsigned)getpid());
    seeded = true;
  }
  return str_sprintf("%ld-eximdsn-%ld", (long)time(NULL), (long)(random() % 2147483647));
}

const char *bounce_message_id(const deliver_msg *dm) {
  for (const spool_header *h = dm->m.headers; h; h = h->next) {
    if (h->type == '*' || str_ncmpic(h->text, "message-id:", 11) != 0) continue;
    const char *v = str_skip_space(h->text + 11);
    char *s = str_copy(v);
    str_rtrim(s);
    return *s ? s : NULL;
  }
  return NULL;
}

const char *bounce_sender(const deliver_msg *dm) { return dm->m.sender ? dm->m.sender : ""; }

void bounce_put_references(FILE *f, const deliver_msg *dm) {
  const char *id = bounce_message_id(dm);
  if (id) fprintf(f, "References: %s\n", id);
}

void bounce_put_reply_to(FILE *f) {
  if (!mainconf.errors_reply_to || !*mainconf.errors_reply_to) return;
  const char *rt = expand_cstring(mainconf.errors_reply_to);
  if (rt && *rt) fprintf(f, "Reply-To: %s\n", rt);
  else if (!rt) log_write(LOG_MAIN | LOG_PANIC, "Failed to expand errors_reply_to: %s", expand_status.message);
}

void bounce_put_from(FILE *f) {
  const char *from = expand_cstring(mainconf.dsn_from);
  if (!from) {
    log_write(LOG_MAIN | LOG_PANIC, "Failed to expand dsn_from (using default): %s", expand_status.message);
    from = str_sprintf("Mail Delivery System <Mailer-Daemon@%s>", mainconf.qualify_domain);
  }
  fprintf(f, "From: %s\n", from);
}

void bounce_put_mime(FILE *f, const char *boundary) {
  fprintf(f, "Content-Type: multipart/report; report-type=delivery-status; boundary=%s\n"
             "MIME-Version: 1.0\n", boundary);
}

/* ---- the delivery-status part ------------------------------------------- */

void bounce_put_dsn_head(FILE *f, const deliver_msg *dm, const char *boundary) {
  fprintf(f, "--%s\nContent-type: message/delivery-status\n\nReporting-MTA: dns; %s\n", boundary,
          mainconf.primary_hostname);
  if (dm->m.dsn_envid && *dm->m.dsn_envid) fprintf(f, "Original-Envelope-ID: %s\n", dm->m.dsn_envid);
  fputc('\n', f);
}

void bounce_put_dsn_recipient(FILE *f, const address_item *a, const char *action, const char *status,
                              const char *diagnostic) {
  if (a->dsn_orcpt && *a->dsn_orcpt) fprintf(f, "Original-Recipient: %s\n", a->dsn_orcpt);
  /* the original recipient (exim4), the nearest visible one for a hidden
   * address */
  const char *final = (a->flags & af_hide_child) ? bounce_reported_address(a)->address : addr_original(a);
  fprintf(f, "Action: %s\nFinal-Recipient: rfc822;%s\nStatus: %s\n", action, final, status);
  if (diagnostic) fprintf(f, "Diagnostic-Code: %s\n", diagnostic);
  fputc('\n', f);
}

/* ---- addresses in the text part ------------------------------------------ */

/* The ancestor a report names instead of a hidden address
 * (hide_child_in_errmsg): the nearest one not hidden itself. */
static const address_item *unhidden(const address_item *a) {
  while (a->parent && (a->flags & af_hide_child)) a = a->parent;
  return a;
}

const address_item *bounce_reported_address(const address_item *a) {
  if (a->flags & af_hide_child) return unhidden(a);
  while ((a->flags & af_pfr) && a->parent) a = a->parent;
  return a;
}

void bounce_put_address(FILE *f, const address_item *a, const char *reason, const char *reason_prefix) {
  if ((a->flags & af_hide_child) && a->parent) {
    /* exim 4.96 gives neither the address nor the reason */
    fprintf(f, "  an undisclosed address\n    (generated from %s)\n", unhidden(a)->address);
    return;
  }
  if ((a->flags & af_pfr) && a->parent) {
    const char *kind = a->address[0] == '|' ? "pipe to " : (a->flags & af_file) ? "save to " : "";
    fprintf(f, "  %s%s\n    generated by %s\n", kind, a->address, bounce_reported_address(a)->address);
  } else {
    fprintf(f, "  %s\n", a->address);
    /* a redirection's child: where it came from, unless that is the
     * same address (exim4) */
    const address_item *top = addr_top(a);
    const char *original = addr_original(a);
    if (strcmp(a->address, original) != 0)
      fprintf(f, "    (%sgenerated from %s)\n", a->parent && a->parent != top ? "ultimately " : "", original);
  }
  if (!reason || !*reason) return;
  fprintf(f, "    %s", reason_prefix ? reason_prefix : "");
  for (const char *p = reason; *p; p++) {
    fputc(*p, f);
    if (*p == '\n' && p[1]) fputs("    ", f);
  }
  if (reason[strlen(reason) - 1] != '\n') fputc('\n', f);
}

/* ---- the returned message ------------------------------------------------ */

/* The size of the message as $message_size counts it: header lines plus
 * body. */
static long message_size(const deliver_msg *dm) {
  long n = dm->body_size;
  for (const spool_header *h = dm->m.headers; h; h = h->next)
    if (h->type != '*') n += (long)strlen(h->text);
  return n;
}

bool bounce_put_returned(FILE *f, const deliver_msg *dm, const address_item *addr, const char *boundary,
                         bool headers_only) {
  bool too_big = false;
  if (!headers_only) {
    if (!mainconf.bounce_return_body) headers_only = true;
    else if ((mainconf.bounce_return_size_limit > 0 &&
              message_size(dm) > mainconf.bounce_return_size_limit) ||
             (mainconf.bounce_return_linesize_limit > 0 &&
              dm->m.max_received_linelength > mainconf.bounce_return_linesize_limit))
      headers_only = too_big = true;
  }
  fprintf(f, "--%s\nContent-type: %s\n\n", boundary, headers_only ? "text/rfc822-headers" : "message/rfc822");

  deliver_msg *saved = deliver_current;
  deliver_current = (deliver_msg *)dm;
  /* the copy's Return-path: is the message's sender, not the failed
   * address's errors_to (exim4) */
  address_item plain;
  if (addr) {
    plain = *addr;
    plain.errors_address = NULL;
    addr = &plain;
  }
  transport_write_opts o = {.fd = -1, .flags = TW_RETURN_PATH | TW_NO_FILTER, .addr = addr};
  const char *error = NULL;
  bool ok = true;
  if (headers_only) {
    gstring *h = transport_headers_text(&o, &error);
    if (!h) ok = false;
    else {
      fwrite(h->s, 1, h->len, f);
      if (too_big) fputs("X-Exim-DSN-Information: Due to administrative limits only headers are returned\n", f);
      fputc('\n', f);
    }
  } else {
    fflush(f);
    o.fd = fileno(f);
    int code;
    ok = transport_write_message(&o, &error, &code);
  }
  deliver_current = saved;
  if (!ok) {
    /* a child that stopped reading is reported by its exit status
     * (bounce_out_close), as exim4 does, not here */
    bool gone = errno == EPIPE || (error && strstr(error, strerror(EPIPE)));
    if (!gone)
      log_write_msg(dm->m.id, LOG_MAIN, "error while writing the returned message: %s",
                    error ? error : strerror(errno));
    return false;
  }
  fprintf(f, "\n--%s--\n", boundary);
  return !ferror(f);
}
