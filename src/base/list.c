/* list.c - iteration over and building of Exim string lists; see list.h.
 * Never modifies the list it reads.
 */
#include "list.h"

#include <ctype.h>
#include <string.h>

static bool is_control(int c) { return c < 32 || c == 127; }

char *list_next(const char **listptr, int *sep) {
  const char *s = *listptr;
  if (!s) return NULL;
  int c;
  if (*sep < 0) {
    c = -*sep;
  } else {
    /* A '<x' separator change is looked for at the very start (after
     * white space) only when this is the first call. */
    const char *p = s;
    c = *sep ? *sep : ':';
    if (*sep == 0) {
      while (isspace(uc(*p))) p++;
      if (*p == '<' && (ispunct(uc(p[1])) || is_control(uc(p[1])))) {
        c = uc(p[1]);
        s = p + 2;
      }
    }
    *sep = c;
  }

  /* Skip leading white space, but never the separator itself (it may be a
   * control character such as newline). */
  while (*s && *s != c && isspace(uc(*s))) s++;
  if (!*s) {
    *listptr = s;
    return NULL;
  }

  gstring *g = g_new(32, is_tainted(*listptr));
  if (is_control(c)) {
    const char *e = strchr(s, c);
    size_t n = e ? (size_t)(e - s) : strlen(s);
    g = g_catn(g, s, n);
    s += n;
    if (*s) s++;
  } else {
    for (;;) {
      const char *e = strchr(s, c);
      if (!e) {
        g = g_cat(g, s);
        s += strlen(s);
        break;
      }
      g = g_catn(g, s, (size_t)(e - s));
      if (e[1] == c) {          /* doubled: a literal separator */
        g = g_catc(g, (char)c);
        s = e + 2;
        continue;
      }
      s = e + 1;
      break;
    }
  }
  /* Trailing white space of the item is not part of it. */
  size_t n = g->len;
  while (n > 0 && isspace(uc(g->s[n - 1]))) n--;
  g_trim(g, n);
  *listptr = s;
  return g_str(g);
}

int list_count(const char *list, int sep) {
  int n = 0;
  store_mark *m = store_mark_take(store_pool_current());
  while (list_next(&list, &sep)) n++;
  store_reset(m);
  return n;
}

gstring *list_append(gstring *g, int sep, const char *item) {
  g = g_catn(g, item, 0);                 /* takes on the item's taint */
  if (g->len > 0) g = g_catc(g, (char)sep);
  if (is_control(sep)) return g_cat(g, item);
  for (const char *p = item; *p; p++) {
    if (*p == sep) g = g_catc(g, (char)sep);
    g = g_catc(g, *p);
  }
  return g;
}
