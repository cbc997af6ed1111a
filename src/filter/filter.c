/* filter.c - the entry points of the filter layer: which kind of filter a
 * text is (filter document 3.1, 2.1), running it (Exim filter or Sieve),
 * -bI:sieve, and the helpers both interpreters share: generated addresses,
 * the -bf form of text, header changes of the system filter.
 *
 * Entry points: filter_kind(), filter_interpret(), filter_sieve_extensions().
 *
 * Must never: deliver anything itself; generated addresses are handed back
 * on ctx->generated.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "filter_int.h"

bool filter_testing;
bool filter_verbose;

/* "#" [space] word1 [space] word2, caseless, after leading white space. */
static bool first_line_is(const char *text, const char *w1, const char *w2) {
  const char *p = text;
  while (isspace((unsigned char)*p)) p++;
  if (*p++ != '#') return false;
  while (*p == ' ' || *p == '\t') p++;
  size_t n = strlen(w1);
  if (str_ncmpic(p, w1, n) != 0) return false;
  p += n;
  while (*p == ' ' || *p == '\t') p++;
  n = strlen(w2);
  if (str_ncmpic(p, w2, n) != 0) return false;
  p += n;
  return !*p || isspace((unsigned char)*p) || !isalnum((unsigned char)*p);
}

filter_type filter_kind(const char *text) {
  if (!text) return FILTER_NOT;
  if (first_line_is(text, "exim", "filter")) return FILTER_EXIM;
  if (first_line_is(text, "sieve", "filter")) return FILTER_SIEVE;
  return FILTER_NOT;
}

filter_result filter_interpret(const char *text, filter_ctx *ctx) {
  filter_testing = (ctx->options & RDO_TESTING) != 0;
  switch (filter_kind(text)) {
  case FILTER_EXIM:
    if (!(ctx->options & (RDO_EXIM_FILTER | RDO_SYSTEM))) {
      ctx->error = "Exim filtering not enabled";
      return FF_ERROR;
    }
    return exim_filter_interpret(text, ctx);
  case FILTER_SIEVE:
    if (ctx->options & RDO_SYSTEM) {
      ctx->error = "Sieve filtering is not available in a system filter";
      return FF_ERROR;
    }
    if (!(ctx->options & RDO_SIEVE_FILTER)) {
      ctx->error = "Sieve filtering not enabled";
      return FF_ERROR;
    }
    return sieve_interpret(text, ctx);
  default:
    ctx->error = "not a filter file";
    return FF_ERROR;
  }
}

void filter_sieve_extensions(void) {
  static const char *const ext[] = {
    "comparator-i;ascii-numeric", "copy", "encoded-character", "enotify", "envelope",
    "fileinto", "subaddress", "vacation",
  };
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) printf("%s\n", ext[i]);
}

char *filter_printing(const char *s) {
  gstring *g = g_new(64, is_tainted(s));
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '\n') g = g_cat(g, "\\n");
    else if (*p == '\r') g = g_cat(g, "\\r");
    else if (*p == '\t' || (*p >= 32 && *p < 127)) g = g_catc(g, (char)*p);
    else g = g_fmt(g, "\\%03o", *p);
  }
  return g_str(g);
}

const char *filter_user_address(const filter_ctx *ctx) {
  if (ctx->options & RDO_SYSTEM) return "";
  const char *lp = expand_cstring("$local_part"), *dom = expand_cstring("$domain");
  return str_sprintf("%s@%s", lp ? lp : "", dom ? dom : "");
}

address_item *filter_generate(filter_ctx *ctx, const char *address) {
  address_item *a = ctx->parent ? addr_child(ctx->parent, address) : addr_new(address);
  char c = address[0];
  if (c == '|' || c == '/' || c == '>') {
    a->flags |= af_pfr;
    if (c == '/') a->flags |= af_file;
    if (c == '>') a->flags |= af_reply;
    if (c == '/' && address[strlen(address) - 1] == '/') a->flags |= af_directory;
    a->cc_local_part = a->lc_local_part = a->local_part = a->address;
  }
  address_item **tail = &ctx->generated;
  while (*tail) tail = &(*tail)->next;
  *tail = a;
  return a;
}

/* ---- system filter header changes ---- */

static bool header_named(const char *h, const char *name, size_t n) {
  if (str_ncmpic(h, name, n) != 0) return false;
  const char *p = h + n;
  while (*p == ' ' || *p == '\t') p++;
  return *p == ':';
}

void filter_headers_add(filter_ctx *ctx, const char *text) {
  const char *h, *b;
  size_t hl, bl;
  expand_get_message(&h, &hl, &b, &bl);
  size_t n = strlen(text);
  gstring *g = g_new(hl + n + 2, true);
  if (h) g = g_catn(g, h, hl);
  g = g_catn(g, text, n);
  if (n && text[n - 1] != '\n') g = g_catc(g, '\n');
  expand_set_message(g_str(g), g->len, b ? b : "", b ? bl : 0);
  ctx->headers_add = ctx->headers_add ? str_sprintf("%s%s%s", ctx->headers_add, text,
                                                    text[n - 1] == '\n' ? "" : "\n")
                                      : str_sprintf("%s%s", text, text[n - 1] == '\n' ? "" : "\n");
}

void filter_headers_remove(filter_ctx *ctx, const char *list) {
  const char *h, *b;
  size_t hl, bl;
  expand_get_message(&h, &hl, &b, &bl);
  if (!h) return;
  gstring *g = g_new(hl + 1, true);
  const char *p = h, *end = h + hl;
  while (p < end) {
    const char *e = p;
    for (;;) {
      const char *nl = memchr(e, '\n', (size_t)(end - e));
      if (!nl) { e = end; break; }
      e = nl + 1;
      if (e >= end || (*e != ' ' && *e != '\t')) break;
    }
    bool drop = false;
    const char *l = list;
    while (*l && !drop) {
      const char *c = strchr(l, ':');
      size_t n = c ? (size_t)(c - l) : strlen(l);
      const char *name = l;
      while (n && isspace((unsigned char)*name)) name++, n--;
      while (n && isspace((unsigned char)name[n - 1])) n--;
      if (n && header_named(p, name, n)) drop = true;
      l = c ? c + 1 : l + strlen(l);
    }
    if (!drop) g = g_catn(g, p, (size_t)(e - p));
    p = e;
  }
  expand_set_message(g_str(g), g->len, b ? b : "", b ? bl : 0);
  ctx->headers_remove = ctx->headers_remove ? str_sprintf("%s:%s", ctx->headers_remove, list)
                                            : str_copy(list);
}
