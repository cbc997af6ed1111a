/* ops_encode.c - encoding and quoting operators: base32 base32d base62
 * base62d base64 str2b64 base64d hex2b64 hexquote escape escape8bit quote
 * quote_local_part quote_<lookup> rxquote from_utf8 utf8clean rfc2047
 * rfc2047d.
 *
 * Entry points: the op_* functions in ops_int.h, reached through
 * expand_op_find().  Output follows exim4 byte for byte (recorded cases in
 * test/expected/expand/).  Never reads past the argument's NUL and never
 * keeps state between calls (iconv descriptors are closed each time).
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base64.h"
#include "../base/rfc2047.h"
#include "../config/main_config.h"
#include "../lookups/lookup.h"
#include "ops_int.h"

static gstring *ensure(gstring *g) { return g ? g : g_new(1, false); }

/* ---- base32 / base62 (numbers) ------------------------------------------ */

static const char b32chars[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char b62chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static bool decimal(const char *s, unsigned long long *v) {
  char *end;
  *v = strtoull(s, &end, 10);
  return *end == 0;
}

OPFN(op_base32) {
  unsigned long long v;
  char buf[16];
  size_t i = sizeof buf;
  (void)opt;
  if (!decimal(arg, &v))
    return str_sprintf("argument for base32 operator is \"%s\", which is not a decimal number", arg);
  buf[--i] = 0;
  for (; v; v >>= 5) buf[--i] = b32chars[v & 31];
  *out = g_cat(ensure(*out), buf + i);
  return NULL;
}

OPFN(op_base32d) {
  unsigned long long v = 0;
  (void)opt;
  for (const char *p = arg; *p; p++) {
    const char *t = strchr(b32chars, *p);
    if (!t) return str_sprintf("argument for base32d operator is \"%s\", which is not a base 32 number", arg);
    v = v * 32 + (unsigned long long)(t - b32chars);
  }
  *out = g_fmt(*out, "%lld", (long long)v);
  return NULL;
}

OPFN(op_base62) {
  unsigned long long v;
  char buf[7];
  (void)opt;
  if (!decimal(arg, &v))
    return str_sprintf("argument for base62 operator is \"%s\", which is not a decimal number", arg);
  buf[6] = 0;
  for (int i = 5; i >= 0; i--, v /= 62) buf[i] = b62chars[v % 62];
  *out = g_cat(*out, buf);
  return NULL;
}

OPFN(op_base62d) {
  unsigned long long v = 0;
  (void)opt;
  for (const char *p = arg; *p; p++) {
    const char *t = strchr(b62chars, *p);
    if (!t) return str_sprintf("argument for base62d operator is \"%s\", which is not a base 62 number", arg);
    v = v * 62 + (unsigned long long)(t - b62chars);
  }
  *out = g_fmt(*out, "%lld", (long long)v);
  return NULL;
}

/* ---- base64 ----------------------------------------------------------------- */

OPFN(op_base64) {
  (void)opt;
  *out = base64_encode(ensure(*out), arg, strlen(arg));
  return NULL;
}

OPFN(op_base64d) {
  (void)opt;
  *out = ensure(*out);
  if (!base64_decode(out, arg))
    return str_sprintf("string \"%s\" is not well-formed for \"base64d\" operator", arg);
  return NULL;
}

OPFN(op_hex2b64) {
  size_t n = strlen(arg);
  (void)opt;
  for (size_t i = 0; i < n; i++)
    if (!isxdigit(uc(arg[i]))) return str_sprintf("\"%s\" is not a hex string", arg);
  if (n & 1) return str_sprintf("\"%s\" contains an odd number of characters", arg);
  unsigned char *bin = store_get(n / 2 + 1, false);
  for (size_t i = 0; i < n; i += 2) {
    char two[3] = {arg[i], arg[i + 1], 0};
    bin[i / 2] = (unsigned char)strtoul(two, NULL, 16);
  }
  *out = base64_encode(ensure(*out), bin, n / 2);
  return NULL;
}

/* ---- escaping and quoting ------------------------------------------------------ */

OPFN(op_hexquote) {
  (void)opt;
  *out = ensure(*out);
  for (const char *p = arg; *p; p++) {
    unsigned c = uc(*p);
    if (c >= 33 && c <= 126) *out = g_catc(*out, (char)c);
    else *out = g_fmt(*out, "\\x%02x", c);
  }
  return NULL;
}

OPFN(op_escape) {
  (void)opt;
  *out = ensure(*out);
  for (const char *p = arg; *p; p++) {
    unsigned c = uc(*p);
    if ((c >= 0x20 && c < 0x7f) || c == '\t' || (c >= 0x80 && mainconf.print_topbitchars)) {
      *out = g_catc(*out, (char)c);
      continue;
    }
    const char *e = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\b' ? "\\b" : c == '\v' ? "\\v"
                  : c == '\f' ? "\\f" : NULL;
    *out = e ? g_cat(*out, e) : g_fmt(*out, "\\%03o", c);
  }
  return NULL;
}

OPFN(op_escape8bit) {
  (void)opt;
  *out = ensure(*out);
  for (const char *p = arg; *p; p++) {
    unsigned c = uc(*p);
    if (c >= 0x7f || c == '\\') *out = g_fmt(*out, "\\%03o", c);
    else *out = g_catc(*out, (char)c);
  }
  return NULL;
}

static gstring *quoted(gstring *g, const char *s, bool newlines) {
  g = g_catc(ensure(g), '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') g = g_catc(g, '\\');
    if (newlines && *s == '\n') g = g_cat(g, "\\n");
    else if (newlines && *s == '\r') g = g_cat(g, "\\r");
    else g = g_catc(g, *s);
  }
  return g_catc(g, '"');
}

OPFN(op_quote) {
  bool need = !*arg;
  (void)opt;
  for (const char *p = arg; *p && !need; p++)
    if (!isalnum(uc(*p)) && *p != '_' && *p != '.' && *p != '-') need = true;
  *out = need ? quoted(*out, arg, true) : g_cat(ensure(*out), arg);
  return NULL;
}

/* RFC 2822 atext plus dots not at either end. */
static gstring *quote_local_part(gstring *g, const char *s) {
  size_t n = strlen(s);
  bool need = n == 0 || s[0] == '.' || s[n - 1] == '.';
  for (const char *p = s; *p && !need; p++)
    if (!isalnum(uc(*p)) && *p != '.' && !strchr("!#$%&'*+-/=?^_`{|}~", *p)) need = true;
  return need ? quoted(g, s, false) : g_cat(ensure(g), s);
}

/* quote_<lookup>: opt is the lookup name, or "name_option". */
OPFN(op_quote_lookup) {
  if (strcmp(opt, "local_part") == 0) {
    *out = quote_local_part(*out, arg);
    return NULL;
  }
  /* the lookup name ends at the first '_'; the rest is its option */
  const char *name = opt, *qopt = NULL;
  const char *us = strchr(opt, '_');
  if (us) {
    name = str_copyn(opt, (size_t)(us - opt));
    qopt = us + 1;
  }
  const lookup_info *li = lookup_find(name);
  if (!li) return str_sprintf("unknown lookup type \"%s\"", name);
  if (qopt && !li->quote) return str_sprintf("\"%s\" unrecognized after \"${quote_%s\"", qopt, name);
  if (!li->quote) {
    *out = g_cat(ensure(*out), arg);
    return NULL;
  }
  const char *q = li->quote(arg, qopt);
  if (!q) return str_sprintf("quoting failed in the \"%s\" lookup", name);
  *out = g_cat(ensure(*out), q);
  return NULL;
}

OPFN(op_rxquote) {
  (void)opt;
  *out = ensure(*out);
  for (const char *p = arg; *p; p++) {
    if (!isalnum(uc(*p))) *out = g_catc(*out, '\\');
    *out = g_catc(*out, *p);
  }
  return NULL;
}

/* ---- UTF-8 ---------------------------------------------------------------------------- */

/* Exim decodes with the lead byte's length table and takes the following
 * bytes as continuations whatever they are; values above 255 become '_'. */
OPFN(op_from_utf8) {
  static const unsigned char mask[] = {0xff, 0x1f, 0x0f, 0x07, 0x03, 0x01};
  (void)opt;
  *out = ensure(*out);
  for (const unsigned char *p = (const unsigned char *)arg; *p;) {
    unsigned long c = *p++;
    if ((c & 0xc0) == 0xc0) {
      unsigned low = (unsigned)(c & 0x3f);
      int a = low < 0x20 ? 1 : low < 0x30 ? 2 : low < 0x38 ? 3 : low < 0x3c ? 4 : 5;
      int sh = 6 * a;
      c = (c & mask[a]) << sh;
      while (a-- > 0) {
        sh -= 6;
        if (*p) c |= (unsigned long)(*p++ & 0x3f) << sh;
      }
    }
    if (c > 255) c = '_';
    if (c) *out = g_catc(*out, (char)c);
  }
  return NULL;
}

OPFN(op_utf8clean) {
  (void)opt;
  *out = ensure(*out);
  const unsigned char *p = (const unsigned char *)arg;
  while (*p) {
    unsigned c = *p;
    int need;
    if (c < 0x80) {
      *out = g_catc(*out, (char)c);
      p++;
      continue;
    }
    if (c < 0xc2 || c >= 0xf8) {
      *out = g_catc(*out, '?');
      p++;
      continue;
    }
    need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    unsigned long cp = c & (need == 3 ? 0x07 : need == 2 ? 0x0f : 0x1f);
    int got = 0;
    while (got < need && (p[1 + got] & 0xc0) == 0x80) {
      cp = cp << 6 | (p[1 + got] & 0x3f);
      got++;
    }
    if (got < need || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) *out = g_catc(*out, '?');
    else *out = g_catn(*out, (const char *)p, (size_t)need + 1);
    p += 1 + got;
  }
  return NULL;
}

/* ---- RFC 2047 ---------------------------------------------------------------------------- */

static const char *charset(void) {
  return mainconf.headers_charset && *mainconf.headers_charset ? mainconf.headers_charset : "UTF-8";
}

OPFN(op_rfc2047) {
  (void)opt;
  *out = rfc2047_encode(*out, arg, charset());
  return NULL;
}

static int hexval(int c) {
  return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Convert n bytes from charset `from` to headers_charset, appending to g.
 * Returns NULL or an error text. */
static const char *convert(gstring **g, const char *from, const char *s, size_t n) {
  const char *to = charset();
  if (str_eqic(from, to)) {
    *g = g_catn(*g, s, n);
    return NULL;
  }
  iconv_t cd = iconv_open(to, from);
  if (cd == (iconv_t)-1)
    return str_sprintf("iconv_open(\"%s\", \"%s\") failed: %s%s", to, from, strerror(errno),
                       errno == EINVAL ? " (maybe unsupported conversion)" : "");
  char *in = (char *)s;
  size_t inleft = n;
  while (inleft > 0) {
    char buf[256];
    char *o = buf;
    size_t oleft = sizeof buf;
    size_t r = iconv(cd, &in, &inleft, &o, &oleft);
    *g = g_catn(*g, buf, (size_t)(o - buf));
    if (r == (size_t)-1 && errno != E2BIG) {
      /* as exim4: the rest of the word goes out unconverted */
      *g = g_catn(*g, in, inleft);
      break;
    }
  }
  iconv_close(cd);
  return NULL;
}

/* $bh_ decodes without translating to headers_charset. */
static bool decode_no_convert;

/* Try to decode one encoded word at s; on success return the end of it and
 * append the decoded text, else NULL. */
static const char *encoded_word(const char *s, gstring **g, const char **err) {
  const char *cs = s + 2, *q1 = strchr(cs, '?');
  if (!q1 || q1 == cs || !q1[1] || q1[2] != '?') return NULL;
  int enc = toupper(uc(q1[1]));
  if (enc != 'Q' && enc != 'B') return NULL;
  const char *text = q1 + 3, *end = strstr(text, "?=");
  if (!end) return NULL;
  for (const char *p = cs; p < end; p++)
    if (isspace(uc(*p))) return NULL;
  if (mainconf.check_rfc2047_length && end + 2 - s > 75) return NULL;
  gstring *raw = g_new((size_t)(end - text) + 1, false);
  if (enc == 'Q') {
    for (const char *p = text; p < end; p++) {
      if (*p == '_') raw = g_catc(raw, ' ');
      else if (*p == '=' && p + 2 < end + 1 && isxdigit(uc(p[1])) && isxdigit(uc(p[2]))) {
        raw = g_catc(raw, (char)(hexval(uc(p[1])) << 4 | hexval(uc(p[2]))));
        p += 2;
      } else raw = g_catc(raw, *p);
    }
  } else {
    gstring *tmp = NULL;
    if (!base64_decode(&tmp, str_copyn(text, (size_t)(end - text)))) return NULL;
    raw = tmp;
  }
  for (size_t i = 0; i < raw->len; i++)
    if (raw->s[i] == 0) raw->s[i] = '?';
  if (decode_no_convert) {
    *g = g_catn(*g, raw->s, raw->len);
    return end + 2;
  }
  char *csname = str_copyn(cs, (size_t)(q1 - cs));   /* as exim4: "utf-8*en" goes to iconv */
  *err = convert(g, csname, raw->s, raw->len);
  return end + 2;
}

const char *expand_header_decode(gstring **out, const char *s, bool convert) {
  decode_no_convert = !convert;
  const char *err = op_rfc2047d(out, s, "");
  decode_no_convert = false;
  return err;
}

OPFN(op_rfc2047d) {
  (void)opt;
  gstring *g = ensure(*out);
  const char *p = arg;
  bool last_was_word = false;
  while (*p) {
    if (p[0] == '=' && p[1] == '?') {
      const char *err = NULL;
      const char *e = encoded_word(p, &g, &err);
      if (err) return err;
      if (e) {
        p = e;
        last_was_word = true;
        continue;
      }
    }
    if (last_was_word && isspace(uc(*p))) {
      /* white space between two encoded words disappears */
      const char *q = p;
      while (isspace(uc(*q))) q++;
      if (q[0] == '=' && q[1] == '?') {
        gstring *probe = g_new(16, false);
        const char *err = NULL;
        if (encoded_word(q, &probe, &err)) {
          p = q;
          continue;
        }
      }
    }
    last_was_word = false;
    g = g_catc(g, *p++);
  }
  *out = g;
  return NULL;
}
