/* ops_address.c - operators on mail and IP addresses: address, addresses,
 * local_part, domain (RFC 2822 parsing as Exim does it: phrase <route-addr>,
 * comments, quoted local parts, groups for addresses), and mask/mask_n,
 * ipv6norm, ipv6denorm, reverse_ip (through src/base/ip.h).
 *
 * Entry points: the op_* functions in ops_int.h.  The parser here is a
 * small private one for these operators; it never modifies its input and
 * never reads past the end of the item it is given.
 */
#include <ctype.h>
#include <string.h>

#include "../base/ip.h"
#include "ops_int.h"

static gstring *ensure(gstring *g) { return g ? g : g_new(1, false); }

/* ---- RFC 2822 scanning ------------------------------------------------------ */

/* Skip white space and (nested) comments; p < e. */
static const char *skip_cfws(const char *p, const char *e) {
  for (;;) {
    while (p < e && isspace(uc(*p))) p++;
    if (p >= e || *p != '(') return p;
    int depth = 0;
    for (; p < e; p++) {
      if (*p == '\\' && p + 1 < e) p++;
      else if (*p == '(') depth++;
      else if (*p == ')' && --depth == 0) {
        p++;
        break;
      }
    }
    if (depth > 0) return e;
  }
}

static bool atext(int c) {
  return isalnum(c) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* A quoted string starting at p ('"'); returns its end or NULL. */
static const char *quoted_end(const char *p, const char *e) {
  for (p++; p < e; p++) {
    if (*p == '\\' && p + 1 < e) p++;
    else if (*p == '"') return p + 1;
  }
  return NULL;
}

/* Find the first top-level occurrence of c in [p,e) (outside quotes,
 * comments and, unless c is '<' or '>', angle brackets). */
static const char *find_top(const char *p, const char *e, char c) {
  int angle = 0;
  while (p < e) {
    if (*p == c && (angle == 0 || c == '>')) return p;
    if (*p == '"') {
      const char *q = quoted_end(p, e);
      if (!q) return NULL;
      p = q;
      continue;
    }
    if (*p == '(') {
      const char *q = skip_cfws(p, e);
      if (q == p) q++;
      p = q;
      continue;
    }
    if (*p == '\\' && p + 1 < e) p++;
    else if (*p == '<') angle++;
    else if (*p == '>' && angle > 0) angle--;
    p++;
  }
  return NULL;
}

/* addr-spec in [p,e): local part (words and dots), optional @domain.
 * Appends local@domain to *g; sets *dom to the offset of the domain in *g
 * (0 when none).  Returns the end of what was parsed or NULL. */
static const char *addr_spec(const char *p, const char *e, gstring **g, size_t *dom) {
  bool last_word = false, any = false;
  *dom = 0;
  for (;;) {
    p = skip_cfws(p, e);
    if (p >= e) break;
    if (*p == '.') {
      *g = g_catc(*g, '.');
      p++;
      last_word = false;
      continue;
    }
    if (last_word) break;
    if (*p == '"') {
      const char *q = quoted_end(p, e);
      if (!q) return NULL;
      *g = g_catn(*g, p, (size_t)(q - p));
      p = q;
    } else if (atext(uc(*p))) {
      const char *q = p;
      while (q < e && atext(uc(*q))) q++;
      *g = g_catn(*g, p, (size_t)(q - p));
      p = q;
    } else {
      break;
    }
    last_word = any = true;
  }
  if (!any) return NULL;
  if (p < e && *p == '@') {
    p = skip_cfws(p + 1, e);
    *g = g_catc(*g, '@');
    *dom = (*g)->len;
    if (p < e && *p == '[') {
      const char *q = memchr(p, ']', (size_t)(e - p));
      if (!q) return NULL;
      *g = g_catn(*g, p, (size_t)(q + 1 - p));
      return q + 1;
    }
    for (;;) {
      /* a label starts with an ASCII letter or digit; then '-' too */
      const char *q = p;
      if (q < e && isalnum(uc(*q)) && uc(*q) < 0x80)
        while (q < e && ((isalnum(uc(*q)) && uc(*q) < 0x80) || *q == '-')) q++;
      if (q == p) return NULL;
      *g = g_catn(*g, p, (size_t)(q - p));
      p = skip_cfws(q, e);
      if (p < e && *p == '.') {
        *g = g_catc(*g, '.');
        p = skip_cfws(p + 1, e);
        continue;
      }
      break;
    }
  }
  return p;
}

/* Extract the working address from [s,e).  NULL when it does not parse.
 * *dom: offset of the domain within the result (0: none). */
static const char *extract(const char *s, const char *e, size_t *dom) {
  gstring *g = g_new(32, false);
  const char *lt = find_top(s, e, '<');
  const char *p;
  if (lt) {
    const char *gt = find_top(lt + 1, e, '>');
    if (!gt) return NULL;
    /* the phrase: words (atoms, quoted strings), dots, comments */
    for (const char *q = skip_cfws(s, lt); q < lt; q = skip_cfws(q, lt)) {
      if (*q == '"') {
        q = quoted_end(q, lt);
        if (!q) return NULL;
      } else if (*q == '.' || atext(uc(*q))) {
        q++;
      } else {
        return NULL;
      }
    }
    p = skip_cfws(lt + 1, gt);
    /* exim4 takes a ':' in the brackets for the end of a source route,
     * even inside a domain literal */
    if (p < gt && *p != '@' && find_top(p, gt, ':')) return NULL;
    if (p < gt && *p == '@') {
      /* source route "@a,@b:" is dropped */
      const char *colon = memchr(p, ':', (size_t)(gt - p));
      if (!colon) return NULL;
      p = colon + 1;
    }
    p = skip_cfws(p, gt);
    if (p == gt) {
      *dom = 0;
      p = gt;
    } else {
      p = addr_spec(p, gt, &g, dom);
      if (!p || skip_cfws(p, gt) != gt) return NULL;
    }
    p = gt + 1;
  } else {
    p = addr_spec(s, e, &g, dom);
    if (!p) return NULL;
  }
  if (skip_cfws(p, e) != e) return NULL;
  return g_str(g);
}

static const char *extract_str(const char *s, size_t *dom) {
  return extract(s, s + strlen(s), dom);
}

OPFN(op_address) {
  size_t dom;
  (void)opt;
  const char *a = extract_str(arg, &dom);
  *out = g_cat(ensure(*out), a ? a : "");
  return NULL;
}

OPFN(op_local_part) {
  size_t dom;
  (void)opt;
  const char *a = extract_str(arg, &dom);
  *out = ensure(*out);
  if (a) *out = g_catn(*out, a, dom ? dom - 1 : strlen(a));
  return NULL;
}

OPFN(op_domain) {
  size_t dom;
  (void)opt;
  const char *a = extract_str(arg, &dom);
  *out = ensure(*out);
  if (a && dom) *out = g_cat(*out, a + dom);
  return NULL;
}

OPFN(op_addresses) {
  char sep = ':';
  const char *p = arg;
  (void)opt;
  if (*p == '>') {
    if (!p[1]) return str_sprintf("output separator missing in expanding ${addresses:%s}", arg);
    sep = p[1];
    p += 2;
  }
  const char *end = p + strlen(p);
  gstring *g = ensure(*out);
  bool first = true, in_group = false;
  while (p < end) {
    const char *comma = find_top(p, end, ',');
    const char *ie = comma ? comma : end;
    /* an unclosed '<' swallows the rest */
    const char *lt = find_top(p, ie, '<');
    if (lt && !find_top(lt + 1, end, '>')) ie = end;
    else if (lt && comma) {
      const char *gt = find_top(lt + 1, end, '>');
      if (gt > comma) {
        comma = find_top(gt, end, ',');
        ie = comma ? comma : end;
      }
    }
    const char *s = skip_cfws(p, ie);
    /* group: "name:" before any '<' or '@' */
    const char *colon = find_top(s, ie, ':');
    if (colon) {
      const char *at = find_top(s, ie, '@');
      const char *lt2 = find_top(s, ie, '<');
      if ((!at || colon < at) && (!lt2 || colon < lt2)) {
        s = colon + 1;
        in_group = true;
      }
    }
    const char *t = ie;
    while (t > s && isspace(uc(t[-1]))) t--;
    bool bad = false;
    if (t > s && t[-1] == ';') {
      /* a group ends here; a ';' with no group open spoils the item */
      if (in_group) t--;
      else bad = true;
      in_group = false;
    }
    size_t dom;
    const char *a = !bad && skip_cfws(s, t) < t ? extract(s, t, &dom) : NULL;
    if (a && *a) {
      if (!first) g = g_catc(g, sep);
      first = false;
      for (; *a; a++) {
        if (*a == sep) g = g_catc(g, sep);
        g = g_catc(g, *a);
      }
    }
    if (!comma || ie == end) break;
    p = comma + 1;
  }
  *out = g;
  return NULL;
}

/* ---- IP addresses --------------------------------------------------------------- */

OPFN(op_mask) {
  ip_address a;
  bool big;
  if (!ip_parse(arg, true, &a, &big)) {
    if (big) return str_sprintf("mask value too big in \"%s\"", arg);
    return str_sprintf("\"%s\" is not an IP address", arg);
  }
  if (a.mask < 0) return str_sprintf("missing mask value in \"%s\"", arg);
  ip_apply_mask(&a, a.mask);
  const char *txt = opt && a.family == 6 ? ip_format_compressed(&a) : ip_format_full(&a, '.');
  *out = g_fmt(*out, "%s/%d", txt, a.mask);
  return NULL;
}

static const char *v6form(gstring **out, const char *arg, bool norm) {
  ip_address a;
  if (!ip_parse(arg, false, &a, NULL)) return str_sprintf("\"%s\" is not an IP address", arg);
  ip_to_v6(&a);
  *out = g_cat(ensure(*out), norm ? ip_format_compressed(&a) : ip_format_full(&a, ':'));
  return NULL;
}

OPFN(op_ipv6norm) {
  (void)opt;
  return v6form(out, arg, true);
}

OPFN(op_ipv6denorm) {
  (void)opt;
  return v6form(out, arg, false);
}

OPFN(op_reverse_ip) {
  ip_address a;
  (void)opt;
  if (!ip_parse(arg, true, &a, NULL)) return str_sprintf("reverse_ip() not given an IP address [%s]", arg);
  /* an IPv4-mapped IPv6 address reverses as IPv4, as exim4 */
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (a.family == 6 && memcmp(a.b, mapped, 12) == 0) {
    memmove(a.b, a.b + 12, 4);
    a.family = 4;
  }
  *out = g_cat(ensure(*out), ip_format_reverse(&a));
  return NULL;
}
