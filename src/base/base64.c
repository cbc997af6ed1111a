/* base64.c - base64 encoding and decoding.  See base64.h.
 *
 * Must never: read beyond the input or write outside the gstring.
 */
#include "base64.h"

#include <ctype.h>
#include <string.h>

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

gstring *base64_encode(gstring *g, const void *data, size_t n) {
  const unsigned char *s = data;
  if (!g) g = g_new(n / 3 * 4 + 5, false);
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16;
    if (i + 1 < n) v |= (unsigned)s[i + 1] << 8;
    if (i + 2 < n) v |= s[i + 2];
    char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], i + 1 < n ? b64chars[(v >> 6) & 63] : '=',
                 i + 2 < n ? b64chars[v & 63] : '='};
    g = g_catn(g, q, 4);
  }
  return g;
}

/* Value of one base64 character, -1 for '=', -2 for anything else. */
static int b64val(int ch) {
  if (ch == '=') return -1;
  if (ch == 0) return -2;
  const char *t = strchr(b64chars, ch);
  return t ? (int)(t - b64chars) : -2;
}

bool base64_decode(gstring **g, const char *s) {
  int q[4], n = 0;
  bool ended = false;
  if (!*g) *g = g_new(strlen(s) / 4 * 3 + 4, is_tainted(s));
  for (; *s; s++) {
    if (isspace(uc(*s))) continue;
    if (ended) return false;
    int v = b64val(uc(*s));
    if (v == -2) return false;
    q[n++] = v;
    if (n < 4) continue;
    n = 0;
    if (q[0] < 0 || q[1] < 0 || (q[2] < 0 && q[3] >= 0)) return false;
    *g = g_catc(*g, (char)(q[0] << 2 | q[1] >> 4));
    if (q[2] >= 0) *g = g_catc(*g, (char)((q[1] & 15) << 4 | q[2] >> 2));
    if (q[3] >= 0) *g = g_catc(*g, (char)((q[2] & 3) << 6 | q[3]));
    if (q[2] < 0 || q[3] < 0) ended = true;
  }
  return n == 0;
}
