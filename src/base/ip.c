/* ip.c - IPv4/IPv6 text <-> bytes, CIDR masks, Exim's printed forms.
 *
 * Entry points are declared in ip.h.  Parsing relies on inet_pton(), which
 * gives the strictness Exim 4.96 shows (no leading zeros in IPv4 parts,
 * four parts required).  Never writes outside the caller's ip_address and
 * never keeps state.
 */
#include "ip.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "str.h"

/* Parse s (length n, not NUL-terminated) as a bare address. */
static int parse_bare(const char *s, size_t n, unsigned char *b, bool allow_scope) {
  char buf[64];
  if (n == 0 || n >= sizeof buf) return 0;
  memcpy(buf, s, n);
  buf[n] = 0;
  if (strchr(buf, ':')) {
    if (allow_scope) {
      char *pct = strchr(buf, '%');
      if (pct) *pct = 0;
    }
    return inet_pton(AF_INET6, buf, b) == 1 ? 6 : 0;
  }
  return inet_pton(AF_INET, buf, b) == 1 ? 4 : 0;
}

bool ip_parse(const char *s, bool allow_mask, ip_address *a, bool *mask_too_big) {
  const char *slash = allow_mask ? strchr(s, '/') : NULL;
  size_t alen = slash ? (size_t)(slash - s) : strlen(s);
  if (mask_too_big) *mask_too_big = false;
  memset(a, 0, sizeof *a);
  a->mask = -1;
  a->family = parse_bare(s, alen, a->b, slash == NULL);
  if (!a->family) return false;
  if (slash) {
    long long m = 0;
    const char *p = slash + 1;
    for (; *p; p++) {
      if (!isdigit(uc(*p))) {
        a->family = 0;
        return false;
      }
      if (m < INT_MAX) m = m * 10 + (*p - '0');
    }
    if (m > (a->family == 4 ? 32 : 128)) {
      if (mask_too_big) *mask_too_big = true;
      return false;
    }
    a->mask = (int)m;
  }
  return true;
}

int ip_is_address(const char *s, int *maskoff) {
  ip_address a;
  bool big;
  if (maskoff) *maskoff = 0;
  if (!ip_parse(s, maskoff != NULL, &a, &big) && !big) return 0;
  if (maskoff) {
    const char *slash = strchr(s, '/');
    *maskoff = slash ? (int)(slash - s) : 0;
  }
  return a.family;
}

void ip_apply_mask(ip_address *a, int bits) {
  int total = a->family == 4 ? 4 : 16;
  for (int i = 0; i < total; i++) {
    int keep = bits - 8 * i;
    if (keep >= 8) continue;
    a->b[i] = keep <= 0 ? 0 : (unsigned char)(a->b[i] & (0xff << (8 - keep)));
  }
}

void ip_to_v6(ip_address *a) {
  if (a->family != 4) return;
  unsigned char v4[4];
  memcpy(v4, a->b, 4);
  memset(a->b, 0, 16);
  a->b[10] = a->b[11] = 0xff;
  memcpy(a->b + 12, v4, 4);
  a->family = 6;
  if (a->mask >= 0) a->mask += 96;
}

static unsigned group(const ip_address *a, int i) {
  return (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
}

char *ip_format_full(const ip_address *a, char sep) {
  if (a->family == 4) return str_sprintf("%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
  gstring *g = g_new(40, false);
  for (int i = 0; i < 8; i++) {
    if (i) g = g_catc(g, sep);
    g = g_fmt(g, "%04x", group(a, i));
  }
  return g_str(g);
}

char *ip_format_compressed(const ip_address *a) {
  if (a->family == 4) return ip_format_full(a, '.');
  int best = -1, bestlen = 0;
  for (int i = 0; i < 8;) {
    if (group(a, i) == 0) {
      int j = i;
      while (j < 8 && group(a, j) == 0) j++;
      if (j - i > bestlen) {
        best = i;
        bestlen = j - i;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (bestlen == 8) return str_copy(":");
  gstring *g = g_new(40, false);
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      g = g_cat(g, i == 0 ? "::" : ":");
      i += bestlen - 1;
      continue;
    }
    g = g_fmt(g, "%x", group(a, i));
    if (i < 7) g = g_catc(g, ':');
  }
  return g_str(g);
}

char *ip_format_reverse(const ip_address *a) {
  gstring *g = g_new(72, false);
  if (a->family == 4) return str_sprintf("%u.%u.%u.%u", a->b[3], a->b[2], a->b[1], a->b[0]);
  for (int i = 15; i >= 0; i--)
    g = g_fmt(g, i == 15 ? "%x.%x" : ".%x.%x", a->b[i] & 0xf, a->b[i] >> 4);
  return g_str(g);
}
