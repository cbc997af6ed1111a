/* sieve_lex.c - the lexical part of Sieve (RFC 5228 section 2): white
 * space and comments, identifiers, tags, numbers with K/M/G, quoted and
 * multi-line strings, string lists; encoded-character (RFC 5228 2.4.2.4)
 * when the script required it.
 *
 * Entry points: the sieve_* functions declared in sieve_int.h.
 *
 * Must never: read past the end of the script; accept a NUL inside it.
 */
#include <ctype.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "sieve_int.h"

bool sieve_fail(sieve_state *s, const char *msg) {
  if (!s->error) {
    s->error = msg;
    s->error_line = s->line;
  }
  return false;
}

/* White space, "#" comments and bracketed comments. */
bool sieve_skip(sieve_state *s) {
  for (;;) {
    char c = *s->p;
    if (c == '\n') {
      s->line++;
      s->p++;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      s->p++;
    } else if (c == '#') {
      while (*s->p && *s->p != '\n') s->p++;
    } else if (c == '/' && s->p[1] == '*') {
      int start = s->line;
      s->p += 2;
      while (*s->p && !(s->p[0] == '*' && s->p[1] == '/')) {
        if (*s->p == '\n') s->line++;
        s->p++;
      }
      if (!*s->p) {
        s->line = start;
        return sieve_fail(s, "missing end of comment");
      }
      s->p += 2;
    } else {
      return true;
    }
  }
}

bool sieve_identifier(sieve_state *s, const char **id) {
  if (!isalpha((unsigned char)*s->p) && *s->p != '_') return false;
  const char *b = s->p;
  while (isalnum((unsigned char)*s->p) || *s->p == '_') s->p++;
  *id = str_copyn(b, (size_t)(s->p - b));
  return true;
}

bool sieve_peek_identifier(sieve_state *s, const char *name) {
  size_t n = strlen(name);
  return str_ncmpic(s->p, name, n) == 0 && !isalnum((unsigned char)s->p[n]) && s->p[n] != '_';
}

/* ":name"; the tag without the colon in *tag. */
bool sieve_tag(sieve_state *s, const char **tag) {
  if (*s->p != ':' || !(isalpha((unsigned char)s->p[1]) || s->p[1] == '_')) return false;
  s->p++;
  sieve_identifier(s, tag);
  *tag = str_lc(*tag);
  return sieve_skip(s);
}

/* 1 number read, 0 none, -1 error. */
int sieve_number(sieve_state *s, unsigned long *n) {
  if (!isdigit((unsigned char)*s->p)) return 0;
  unsigned long v = 0;
  while (isdigit((unsigned char)*s->p)) {
    unsigned long d = (unsigned long)(*s->p++ - '0');
    if (v > (~0UL - d) / 10) return sieve_fail(s, "Numerical result out of range"), -1;
    v = v * 10 + d;
  }
  unsigned long mul = 1;
  if (*s->p == 'K') mul = 1024UL;
  else if (*s->p == 'M') mul = 1024UL * 1024;
  else if (*s->p == 'G') mul = 1024UL * 1024 * 1024;
  if (mul > 1) {
    s->p++;
    if (v > ~0UL / mul) return sieve_fail(s, "Numerical result out of range"), -1;
    v *= mul;
  }
  *n = v;
  if (!sieve_skip(s)) return -1;
  return 1;
}

/* encoded-character: "${hex:41 42}" and "${unicode:263a}" sequences. */
static const char *decode_encoded(sieve_state *s, const char *in) {
  gstring *g = g_new(strlen(in) + 1, false);
  const char *p = in;
  while (*p) {
    bool hex = str_ncmpic(p, "${hex:", 6) == 0, uni = str_ncmpic(p, "${unicode:", 10) == 0;
    if (!hex && !uni) {
      g = g_catc(g, *p++);
      continue;
    }
    const char *q = p + (hex ? 6 : 10);
    gstring *out = g_new(16, false);
    bool ok = true;
    for (;;) {
      while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
      if (*q == '}') break;
      if (!isxdigit((unsigned char)*q)) { ok = false; break; }
      unsigned long v = 0;
      int digits = 0;
      while (isxdigit((unsigned char)*q)) {
        char h = (char)tolower((unsigned char)*q++);
        v = v * 16 + (unsigned long)(isdigit((unsigned char)h) ? h - '0' : h - 'a' + 10);
        if (++digits > 8) { ok = false; break; }
      }
      if (!ok) break;
      if (hex) {
        if (v > 0xff) { ok = false; break; }
        out = g_catc(out, (char)v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
          sieve_fail(s, "unicode character out of range");
          return NULL;
        }
        if (v < 0x80) out = g_catc(out, (char)v);
        else if (v < 0x800) {
          out = g_catc(out, (char)(0xc0 | (v >> 6)));
          out = g_catc(out, (char)(0x80 | (v & 0x3f)));
        } else if (v < 0x10000) {
          out = g_catc(out, (char)(0xe0 | (v >> 12)));
          out = g_catc(out, (char)(0x80 | ((v >> 6) & 0x3f)));
          out = g_catc(out, (char)(0x80 | (v & 0x3f)));
        } else {
          out = g_catc(out, (char)(0xf0 | (v >> 18)));
          out = g_catc(out, (char)(0x80 | ((v >> 12) & 0x3f)));
          out = g_catc(out, (char)(0x80 | ((v >> 6) & 0x3f)));
          out = g_catc(out, (char)(0x80 | (v & 0x3f)));
        }
      }
    }
    if (ok && *q == '}') {
      g = g_catn(g, g_str(out), out->len);
      p = q + 1;
    } else {
      g = g_catc(g, *p++);   /* not a valid sequence: literal */
    }
  }
  return g_str(g);
}

/* 1 string read, 0 none, -1 error. */
int sieve_string(sieve_state *s, const char **out) {
  gstring *g = g_new(64, false);
  if (*s->p == '"') {
    s->p++;
    for (;;) {
      char c = *s->p;
      if (!c) return sieve_fail(s, "missing end of string"), -1;
      s->p++;
      if (c == '"') break;
      if (c == '\\' && *s->p) {
        c = *s->p++;
        if (c == '0') c = 0;   /* Exim's extension: \0 is NUL; kept out of C strings */
        if (!c) continue;
      }
      if (c == '\n') s->line++;
      g = g_catc(g, c);
    }
  } else if (str_ncmpic(s->p, "text:", 5) == 0) {
    s->p += 5;
    while (*s->p == ' ' || *s->p == '\t') s->p++;
    if (*s->p == '#') while (*s->p && *s->p != '\n') s->p++;
    if (*s->p == '\r') s->p++;
    if (*s->p != '\n') return sieve_fail(s, "syntax error"), -1;
    s->p++;
    s->line++;
    for (;;) {
      if (!*s->p) return sieve_fail(s, "missing end of multi line string"), -1;
      const char *nl = strchr(s->p, '\n');
      size_t len = nl ? (size_t)(nl - s->p) : strlen(s->p);
      size_t l2 = len && s->p[len - 1] == '\r' ? len - 1 : len;
      if (l2 == 1 && s->p[0] == '.') {
        s->p += len + (nl ? 1 : 0);
        s->line++;
        break;
      }
      const char *from = s->p[0] == '.' && s->p[1] == '.' ? s->p + 1 : s->p;
      g = g_catn(g, from, (size_t)(s->p + l2 - from));
      g = g_cat(g, "\r\n");   /* as exim4: multi-line strings end lines with CRLF */
      s->p += len + (nl ? 1 : 0);
      s->line++;
    }
  } else {
    return 0;
  }
  const char *r = g_str(g);
  if (s->require_encoded) {
    r = decode_encoded(s, r);
    if (!r) return -1;
  }
  *out = r;
  if (!sieve_skip(s)) return -1;
  return 1;
}

/* A string or "[" string, ... "]". 1 / 0 / -1. */
int sieve_string_list(sieve_state *s, sieve_list **out) {
  sieve_list *head = NULL, **tail = &head;
  if (*s->p == '[') {
    s->p++;
    if (!sieve_skip(s)) return -1;
    if (*s->p == ']') {   /* an empty list */
      s->p++;
      if (!sieve_skip(s)) return -1;
      *out = NULL;
      return 1;
    }
    for (;;) {
      const char *str;
      int r = sieve_string(s, &str);
      if (r < 0) return -1;
      if (r == 0) return sieve_fail(s, "missing string"), -1;
      sieve_list *l = store_zget(sizeof *l, false);
      l->s = str;
      *tail = l;
      tail = &l->next;
      if (*s->p == ',') {
        s->p++;
        if (!sieve_skip(s)) return -1;
        continue;
      }
      if (*s->p == ']') {
        s->p++;
        if (!sieve_skip(s)) return -1;
        break;
      }
      return sieve_fail(s, "missing closing bracket"), -1;
    }
    *out = head;
    return 1;
  }
  const char *str;
  int r = sieve_string(s, &str);
  if (r <= 0) return r;
  sieve_list *l = store_zget(sizeof *l, false);
  l->s = str;
  *out = l;
  return 1;
}
