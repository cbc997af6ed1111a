/* str.c - growable strings and string helpers; see str.h.
 * Everything is allocated from the store pools; nothing here frees memory.
 */
#include "str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static gstring *g_grow(gstring *g, size_t extra, bool want_taint) {
  if (!g) {
    g = g_new(extra + 1, want_taint);
  } else if (want_taint && !is_tainted(g->s)) {
    /* Content becomes tainted: move it to tainted memory. */
    size_t size = g->size > g->len + extra + 1 ? g->size : g->len + extra + 1 + 64;
    char *n = store_get(size, true);
    memcpy(n, g->s, g->len);
    g->s = n;
    g->size = size;
  }
  if (g->len + extra + 1 > g->size) {
    size_t need = g->len + extra + 1;
    size_t newsize = g->size * 2 > need ? g->size * 2 : need + 64;
    if (!store_extend(g->s, g->size, newsize)) {
      char *n = store_get(newsize, is_tainted(g->s));
      memcpy(n, g->s, g->len);
      g->s = n;
    }
    g->size = newsize;
  }
  return g;
}

gstring *g_new(size_t hint, bool tainted) {
  gstring *g = store_get(sizeof *g, false);
  g->size = hint < 32 ? 32 : hint;
  g->len = 0;
  g->s = store_get(g->size, tainted);
  g->s[0] = 0;
  return g;
}

gstring *g_catn(gstring *g, const char *s, size_t n) {
  g = g_grow(g, n, s && is_tainted(s));
  if (n) memcpy(g->s + g->len, s, n);
  g->len += n;
  return g;
}

gstring *g_cat(gstring *g, const char *s) { return g_catn(g, s, s ? strlen(s) : 0); }

gstring *g_catc(gstring *g, char c) {
  g = g_grow(g, 1, false);
  g->s[g->len++] = c;
  return g;
}

gstring *g_vfmt(gstring *g, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return g ? g : g_new(32, false);
  g = g_grow(g, (size_t)n, false);
  vsnprintf(g->s + g->len, (size_t)n + 1, fmt, ap);
  g->len += (size_t)n;
  return g;
}

gstring *g_fmt(gstring *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  return g;
}

char *g_str(gstring *g) {
  if (!g) return "";
  g->s[g->len] = 0;
  return g->s;
}

void g_trim(gstring *g, size_t n) {
  if (g && n < g->len) g->len = n;
}

char *str_copy_taint(const char *s, bool tainted) {
  size_t n = strlen(s);
  char *d = store_get(n + 1, tainted);
  memcpy(d, s, n + 1);
  return d;
}

char *str_copy(const char *s) { return s ? str_copy_taint(s, is_tainted(s)) : NULL; }

char *str_copyn(const char *s, size_t n) {
  char *d = store_get(n + 1, is_tainted(s));
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *str_perm(const char *s) {
  if (!s) return NULL;
  store_pool old = store_pool_set(POOL_PERM);
  char *d = str_copy(s);
  store_pool_set(old);
  return d;
}

char *str_sprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(NULL, fmt, ap);
  va_end(ap);
  return g_str(g);
}

int str_cmpic(const char *a, const char *b) {
  for (;; a++, b++) {
    int c = tolower(uc(*a)) - tolower(uc(*b));
    if (c || !*a) return c;
  }
}

int str_ncmpic(const char *a, const char *b, size_t n) {
  for (; n > 0; n--, a++, b++) {
    int c = tolower(uc(*a)) - tolower(uc(*b));
    if (c || !*a) return c;
  }
  return 0;
}

bool str_eqic(const char *a, const char *b) { return str_cmpic(a, b) == 0; }

char *str_lc(const char *s) {
  char *d = str_copy(s);
  for (char *p = d; *p; p++) *p = (char)tolower(uc(*p));
  return d;
}

const char *str_skip_space(const char *s) {
  while (isspace(uc(*s))) s++;
  return s;
}

char *str_rtrim(char *s) {
  size_t n = strlen(s);
  while (n > 0 && isspace(uc(s[n - 1]))) s[--n] = 0;
  return s;
}

char *str_printing(const char *s) {
  gstring *g = NULL;
  for (const char *p = s; *p; p++) {
    unsigned char c = uc(*p);
    if (c == '\n') g = g_cat(g, "\\n");
    else if (c == '\t') g = g_cat(g, "\\t");
    else if (c == '\r') g = g_cat(g, "\\r");
    else if (c < 32 || c == 127) g = g_fmt(g, "\\x%02x", c);
    else g = g_catc(g, (char)c);
  }
  return g_str(g);
}

char *str_format_mkint(long long n) {
  if (n != 0) {
    if (n % (1024LL * 1024 * 1024) == 0) return str_sprintf("%lldG", n / (1024LL * 1024 * 1024));
    if (n % (1024LL * 1024) == 0) return str_sprintf("%lldM", n / (1024LL * 1024));
    if (n % 1024 == 0) return str_sprintf("%lldK", n / 1024);
  }
  return str_sprintf("%lld", n);
}

int str_escape(const char **pp) {
  const char *p = *pp;
  int c = uc(*p);
  if (!c) return '\\';
  if (c >= '0' && c <= '7') {
    int v = 0;
    for (int n = 0; n < 3 && *p >= '0' && *p <= '7'; n++) v = v * 8 + (*p++ - '0');
    *pp = p;
    return v & 0xff;
  }
  p++;
  if (c == 'x') {
    int v = 0;
    for (int n = 0; n < 2 && isxdigit(uc(*p)); n++, p++)
      v = v * 16 + (isdigit(uc(*p)) ? *p - '0' : tolower(uc(*p)) - 'a' + 10);
    *pp = p;
    return v;
  }
  *pp = p;
  switch (c) {
  case 'b': return '\b';
  case 'f': return '\f';
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  case 'v': return '\v';
  default: return c;
  }
}
