/* rfc2047.c - RFC 2047 "Q" encoded words with exim4's layout (see
 * rfc2047.h).  Entry point: rfc2047_encode().
 * Must never: read past the input's NUL.
 */
#include <string.h>

#include "rfc2047.h"

static const char specials[] = "?=()<>@,;:\\\".[]_";

static bool special(unsigned c) {
  return c < 33 || c > 126 || strchr(specials, (int)c);
}

gstring *rfc2047_encode(gstring *g, const char *s, const char *charset) {
  if (!g) g = g_new(1, false);
  bool need = false;
  for (const char *p = s; *p && !need; p++) {
    unsigned c = (unsigned char)*p;
    if (c != ' ' && special(c)) need = true;
  }
  if (!need) return g_cat(g, s);
  /* exim4's layout: a new encoded word once the current one holds more
   * than 67 characters, counted from the end of the first word's header
   * but from the start of later words' (so later words are shorter); it
   * never breaks after an odd number of consecutive "=XX" bytes, which
   * keeps two-byte characters together. */
  size_t hstart = g->len;
  g = g_fmt(g, "=?%s?Q?", charset && *charset ? charset : "UTF-8");
  size_t hlen = g->len - hstart, line_off = g->len;
  bool odd_byte = false;
  for (const char *p = s; *p; p++) {
    unsigned c = (unsigned char)*p;
    if (g->len - line_off > 67 && !odd_byte) {
      g = g_cat(g, "?= ");
      line_off = g->len;
      g = g_catn(g, g->s + hstart, hlen);
    }
    if (c == ' ') {
      g = g_catc(g, '_');
      odd_byte = false;
    } else if (special(c)) {
      g = g_fmt(g, "=%02X", c);
      odd_byte = !odd_byte;
    } else {
      g = g_catc(g, (char)c);
      odd_byte = false;
    }
  }
  return g_cat(g, "?=");
}
