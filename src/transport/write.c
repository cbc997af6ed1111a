/* write.c - writing the message being delivered to a transport's output
 * (spec chapter 24 generic options, 48.17 header changes): Return-path:,
 * Envelope-to: and Delivery-date: when asked, the message's headers less
 * those removed by routers and the transport (and rewritten by
 * headers_rewrite), the routers' and the transport's added headers, a
 * blank line, then the body read from the -D file; with CRLF line ends,
 * SMTP dot stuffing and check_string/escape_string at the start of body lines.
 * A transport_filter is handed to write_filter.c.
 *
 * Entry points: transport_write_message(), transport_return_path(),
 * transport_local_setup(), transport_headers_text(); tw_* (write_int.h) for write_filter.c.
 * Must never: move the shared offset of the -D file (pread only); report
 * success after a short write.
 */
#include "write.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/fdio.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "../rewrite/rewrite.h"
#include "write_int.h"

/* ---- output stream ------------------------------------------------------ */

long transport_count;

bool transport_write_string(int fd, const char *s, size_t n) {
  if (!fd_write_all(fd, s, n)) return false;
  transport_count += (long)n;
  return true;
}

void tw_out_init(tw_out *w, int fd, unsigned flags, const char *check, const char *escape) {
  memset(w, 0, sizeof *w);
  w->fd = fd;
  w->crlf = flags & TW_CRLF;
  w->dot_stuff = flags & TW_DOT_STUFF;
  if (check && *check && escape) {
    w->check = check;
    w->escape = escape;
    w->check_len = strlen(check);
    if (w->check_len > TW_PEND_MAX) w->check_len = TW_PEND_MAX;
  }
  w->need = w->check_len;
  if (w->dot_stuff && w->need < 1) w->need = 1;
  w->line_start = true;
}

static bool raw_flush(tw_out *w) {
  size_t off = 0;
  while (!w->failed && off < w->blen) {
    ssize_t n = write(w->fd, w->buf + off, w->blen - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      w->failed = true;
      w->err = errno;
    } else if (n == 0) {
      w->failed = true;
      w->err = EIO;
    } else {
      off += (size_t)n;
      transport_count += (long)n;
    }
  }
  w->blen = 0;
  return !w->failed;
}

static void raw_byte(tw_out *w, char c) {
  if (w->blen == sizeof w->buf) raw_flush(w);
  w->buf[w->blen++] = c;
}

/* One byte of text: LF becomes CRLF when asked. */
static void plain_byte(tw_out *w, char c) {
  if (c == '\n' && w->crlf) raw_byte(w, '\r');
  raw_byte(w, c);
}

static void plain_bytes(tw_out *w, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) plain_byte(w, p[i]);
}

/* Decide what the pending start of a line becomes. */
static void resolve_pending(tw_out *w) {
  const char *p = w->pend;
  size_t n = w->pend_len;
  if (w->check && n >= w->check_len && memcmp(p, w->check, w->check_len) == 0) {
    plain_bytes(w, w->escape, strlen(w->escape));
    p += w->check_len;
    n -= w->check_len;
  } else if (w->dot_stuff && n > 0 && p[0] == '.') {
    raw_byte(w, '.');
  }
  plain_bytes(w, p, n);
  w->line_start = w->pend_len > 0 && w->pend[w->pend_len - 1] == '\n';
  w->pend_len = 0;
}

bool tw_out_data(tw_out *w, const char *p, size_t n) {
  for (size_t i = 0; i < n && !w->failed; i++) {
    char c = p[i];
    if (w->line_start && w->need > 0) {
      w->pend[w->pend_len++] = c;
      if (c == '\n' || w->pend_len >= w->need) resolve_pending(w);
      continue;
    }
    plain_byte(w, c);
    w->line_start = c == '\n';
  }
  return !w->failed;
}

bool tw_out_flush(tw_out *w) {
  if (w->pend_len) resolve_pending(w);
  return raw_flush(w);
}


/* ---- return path, header section ---------------------------------------- */

bool transport_local_setup(const transport_instance *t, address_item *addr, const char **error, int *error_no) {
  if (!transport_return_path(t, addr, error)) {
    *error_no = ERRNO_EXPANDFAIL;
    log_write_msg(deliver_current ? deliver_current->m.id : NULL, LOG_MAIN | LOG_PANIC, "%s", *error);
    return false;
  }
  if (t->transport_filter && !transport_command_argv(t->transport_filter, "transport filter", true, addr, error)) {
    *error_no = ERRNO_UNKNOWNERROR;
    return false;
  }
  return true;
}

const char *transport_return_path(const transport_instance *t, const address_item *addr,
                                  const char **error) {
  const char *rp = "";
  if (addr && addr->errors_address) rp = addr->errors_address;
  else if (deliver_current && deliver_current->m.sender) rp = deliver_current->m.sender;
  expand_var_set("return_path", rp);
  if (t && t->return_path) {
    const char *v = expand_cstring(t->return_path);
    if (!v) {
      if (!expand_status.forced_fail) {
        *error = str_sprintf("Failed to expand return path \"%s\" in %s transport: %s", t->return_path,
                             t->drv.name, expand_status.message);
        return NULL;
      }
    } else {
      rp = v;
      expand_var_set("return_path", rp);
    }
  }
  return rp;
}

unsigned tw_flags(const transport_write_opts *o) {
  unsigned f = o->flags;
  const transport_instance *t = o->t;
  if (t) {
    if (t->headers_only) f |= TW_HEADERS_ONLY;
    if (t->body_only) f |= TW_BODY_ONLY;
    if (t->return_path_add) f |= TW_RETURN_PATH;
    if (t->envelope_to_add) f |= TW_ENVELOPE_TO;
    if (t->delivery_date_add) f |= TW_DELIVERY_DATE;
  }
  return f;
}

/* The length of a header line's name (before the colon, without the white
 * space that may precede it). */
static size_t header_name_len(const char *text) {
  size_t n = 0;
  while (text[n] && text[n] != ':' && text[n] != '\n') n++;
  while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t')) n--;
  return n;
}

/* Is the header named by its first name_len bytes in the ':'-list? An item
 * ending in '*' matches any name it is a prefix of. */
static bool header_listed(const char *text, size_t name_len, const char *list) {
  if (!list || !*list) return false;
  int sep = 0;
  char *item;
  while ((item = list_next(&list, &sep))) {
    size_t n = strlen(item);
    if (n > 0 && item[n - 1] == '*') {
      if (name_len >= n - 1 && str_ncmpic(text, item, n - 1) == 0) return true;
    } else if (n == name_len && str_ncmpic(text, item, n) == 0) {
      return true;
    }
  }
  return false;
}

/* The transport's headers_remove, each item expanded: a ':'-list, or NULL. */
static bool transport_remove_list(const transport_instance *t, const char **out, const char **error) {
  *out = NULL;
  if (!t || !t->headers_remove) return true;
  const char *list = t->headers_remove;
  int sep = 0;
  gstring *g = NULL;
  char *item;
  while ((item = list_next(&list, &sep))) {
    const char *v = expand_cstring(item);
    if (!v) {
      if (expand_status.forced_fail) continue;
      *error = str_sprintf("%s: %s", TW_HEADER_FAIL, expand_status.message);
      return false;
    }
    if (*v) g = list_append(g, ':', v);
  }
  if (g) *out = g_str(g);
  return true;
}

/* Add text as header lines, ending it with a newline when it has none. */
static gstring *cat_header_text(gstring *g, const char *s) {
  size_t n = strlen(s);
  if (n == 0) return g;
  g = g_catn(g, s, n);
  if (s[n - 1] != '\n') g = g_catc(g, '\n');
  return g;
}

/* The transport's headers_add: newline-separated items, each expanded;
 * empty results and forced failures add nothing. */
static bool transport_add_headers(const transport_instance *t, gstring **g, const char **error) {
  if (!t || !t->headers_add) return true;
  const char *list = t->headers_add;
  int sep = '\n';
  char *item;
  while ((item = list_next(&list, &sep))) {
    const char *v = expand_cstring(item);
    if (!v) {
      if (expand_status.forced_fail) continue;
      *error = str_sprintf("%s: %s", TW_HEADER_FAIL, expand_status.message);
      return false;
    }
    *g = cat_header_text(*g, v);
  }
  return true;
}

/* Envelope-to: the original (top-level) addresses behind the batch, each
 * once, one per line after the first. */
static gstring *envelope_to(gstring *g, const address_item *addr) {
  g = g_cat(g, "Envelope-to: ");
  const char **seen = NULL;
  size_t nseen = 0, cap = 0;
  for (const address_item *a = addr; a; a = a->next) {
    const address_item *top = a;
    while (top->parent) top = top->parent;
    bool dup = false;
    for (size_t i = 0; i < nseen && !dup; i++) dup = strcmp(seen[i], top->address) == 0;
    if (dup) continue;
    if (nseen == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      const char **n = store_get(ncap * sizeof *n, false);
      if (nseen) memcpy(n, seen, nseen * sizeof *n);
      seen = n;
      cap = ncap;
    }
    seen[nseen++] = top->address;
    if (nseen > 1) g = g_cat(g, ",\n ");
    g = g_cat(g, top->address);
  }
  return g_catc(g, '\n');
}

static gstring *headers_section(const transport_write_opts *o, unsigned flags, const char **error,
                                int *err_code) {
  const transport_instance *t = o->t;
  const address_item *addr = o->addr;
  gstring *g = g_new(1024, false);
  *err_code = 0;

  if (flags & TW_RETURN_PATH) {
    const char *rp = transport_return_path(t, addr, error);
    if (!rp) {
      *err_code = ERRNO_EXPANDFAIL;
      return NULL;
    }
    g = g_cat(g_cat(g_cat(g, "Return-path: <"), rp), ">\n");
  }
  if ((flags & TW_ENVELOPE_TO) && addr) g = envelope_to(g, addr);
  if (flags & TW_DELIVERY_DATE) {
    const char *d = expand_cstring("$tod_full");
    g = g_cat(g_cat(g_cat(g, "Delivery-date: "), d ? d : ""), "\n");
  }

  const char *tremove;
  if (!transport_remove_list(t, &tremove, error)) {
    *err_code = ERRNO_CHHEADER_FAIL;
    return NULL;
  }
  const char *rremove = addr ? addr->remove_headers : NULL;
  rewrite_rule *rules = NULL;
  int existflags = 0;
  if (t && t->headers_rewrite) {
    const char *rerr = NULL;
    rules = rewrite_rules_parse(t->headers_rewrite, &rerr);
    if (!rules && rerr) {
      *error = rerr;
      *err_code = ERRNO_CHHEADER_FAIL;
      return NULL;
    }
    for (const rewrite_rule *r = rules; r; r = r->next) existflags |= r->flags;
  }
  for (const spool_header *h = deliver_current->m.headers; h; h = h->next) {
    if (h->type == '*') continue;
    size_t nl = header_name_len(h->text);
    if (header_listed(h->text, nl, rremove) || header_listed(h->text, nl, tremove)) continue;
    const char *text = h->text;
    if (rules) {
      char *rw = rewrite_one_header(text, rules, existflags);
      if (rw) text = rw;
    }
    g = g_cat(g, text);
  }

  if (addr && addr->extra_headers) g = cat_header_text(g, addr->extra_headers);
  if (!transport_add_headers(t, &g, error)) {
    *err_code = ERRNO_CHHEADER_FAIL;
    return NULL;
  }
  return g;
}

gstring *transport_headers_text(const transport_write_opts *o, const char **error) {
  int code;
  if (!deliver_current) {
    *error = "no message is being delivered";
    return NULL;
  }
  return headers_section(o, tw_flags(o), error, &code);
}

/* ---- the body ------------------------------------------------------------- */

/* Feed the body from the -D file; a wireformat spool file has CRLF line
 * ends, which become LF here.  limit > 0 cuts the body after that many
 * bytes. */
static bool feed_body(tw_out *w, long limit, const char **error) {
  const deliver_msg *dm = deliver_current;
  bool wire = dm->m.wireformat;
  off_t pos = dm->body_offset;
  long fed = 0;
  bool held_cr = false;
  char in[TW_BUFSIZE], out[TW_BUFSIZE + 1];
  for (;;) {
    ssize_t n = pread(dm->data_fd, in, sizeof in, pos);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = str_sprintf("error reading spool data file: %s", strerror(errno));
      return false;
    }
    if (n == 0) break;
    pos += n;
    size_t k = 0;
    for (ssize_t i = 0; i < n; i++) {
      char c = in[i];
      if (wire) {
        if (held_cr) {
          held_cr = false;
          if (c != '\n') out[k++] = '\r';
        }
        if (c == '\r') {
          held_cr = true;
          continue;
        }
      }
      out[k++] = c;
    }
    if (limit > 0 && fed + (long)k > limit) k = (size_t)(limit - fed);
    fed += (long)k;
    if (!tw_out_data(w, out, k)) return true;   /* the caller reports the write error */
    if (limit > 0 && fed >= limit) {
      held_cr = false;
      if (!w->line_start || w->pend_len) tw_out_data(w, "\n", 1);
      break;
    }
  }
  if (held_cr) tw_out_data(w, "\r", 1);
  return true;
}

gstring *tw_headers(const transport_write_opts *o, unsigned flags, const char **error, int *err_code) {
  if (flags & TW_BODY_ONLY) return g_new(1, false);
  gstring *h = headers_section(o, flags, error, err_code);
  if (h) h = g_catc(h, '\n');
  return h;
}

bool tw_write_parts(const transport_write_opts *o, unsigned flags, const gstring *hdrs, tw_out *w,
                    const char **error, int *err_code) {
  if (hdrs) {
    /* check_string/escape_string are for body lines only (exim4). */
    const char *check = w->check;
    size_t need = w->need;
    w->check = NULL;
    w->need = w->dot_stuff ? 1 : 0;
    tw_out_data(w, hdrs->s, hdrs->len);
    w->check = check;
    w->need = need;
  }
  if (!(flags & TW_HEADERS_ONLY) && !feed_body(w, o->size_limit, error)) {
    *err_code = ERRNO_SPOOLFORMAT;
    return false;
  }
  return true;
}

bool transport_write_message(const transport_write_opts *o, const char **error, int *err_code) {
  *err_code = 0;
  if (!deliver_current) {
    *error = "no message is being delivered";
    *err_code = ERRNO_UNKNOWNERROR;
    return false;
  }
  unsigned flags = tw_flags(o);
  tw_out w;
  tw_out_init(&w, o->fd, flags, o->check_string, o->escape_string);

  bool ok;
  const char *filter = NULL;
  if (o->t && o->t->transport_filter && !(flags & TW_NO_FILTER)) {
    filter = o->t->transport_filter;
    const char *s = str_skip_space(filter);
    if (!*s) filter = NULL;
  }
  gstring *hdrs = tw_headers(o, flags, error, err_code);
  if (!hdrs) return false;
  if (filter) ok = tw_write_filtered(o, flags, filter, hdrs, &w, error, err_code);
  else ok = tw_write_parts(o, flags, hdrs, &w, error, err_code);
  if (!ok) return false;

  if (flags & TW_END_DOT) {
    if (!w.line_start || w.pend_len) tw_out_data(&w, "\n", 1);
    tw_out_flush(&w);
    w.dot_stuff = false;
    w.check = NULL;
    w.need = 0;
    tw_out_data(&w, ".\n", 2);
  }
  if (!tw_out_flush(&w)) {
    *err_code = w.err;
    errno = w.err;
    *error = NULL;
    return false;
  }
  return true;
}

/* ---- helpers for the transports' messages -------------------------------- */

char *transport_write_failure_text(const char *error, const char *where) {
  if (!error) return str_sprintf("error while writing to %s", where);
  /* "<what>: <why>" becomes "<what> while writing to <where>: <why>" */
  size_t n = strlen(TW_HEADER_FAIL);
  if (strncmp(error, TW_HEADER_FAIL, n) == 0 && error[n] == ':')
    return str_sprintf("%s while writing to %s%s", TW_HEADER_FAIL, where, error + n);
  n = strlen(TW_FILTER_FAIL);
  const char *colon = strncmp(error, TW_FILTER_FAIL, n) == 0 ? strchr(error + n, ':') : NULL;
  if (colon)
    return str_sprintf("%.*s while writing to %s%s", (int)(colon - error), error, where, colon);
  return str_sprintf("%s while writing to %s", error, where);
}

int transport_check_size(const transport_instance *t, address_item *addr) {
  if (!t || !t->message_size_limit || !deliver_current) return OK;
  long long limit;
  const char *err = expand_string_integer(t->message_size_limit, false, &limit);
  int rc = OK, code = 0;
  const char *msg = NULL;
  if (err) {
    rc = DEFER;
    code = ERRNO_EXPANDFAIL;
    msg = str_sprintf("failed to expand message_size_limit for %s transport: %s", t->drv.name, err);
  } else if (limit > 0) {
    struct stat st;
    long dsize = fstat(deliver_current->data_fd, &st) == 0 ? (long)st.st_size : 0;
    long size = spool_message_size(&deliver_current->m, dsize);
    if (size > limit) {
      rc = FAIL;
      msg = str_sprintf("message is too big (transport limit = %lld)", limit);
    }
  }
  if (rc != OK)
    for (address_item *a = addr; a; a = a->next) {
      a->transport_return = rc;
      a->basic_errno = code;
      a->message = msg;
    }
  return rc;
}
