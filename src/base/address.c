/* address.c - mail addresses as text (see address.h): the working address
 * of a mailbox with Exim's error texts, the end of one address in a list,
 * the walk over a header's address list, qualification, xtext and the
 * 7-bit test.
 *
 * The grammar is RFC 5322's as Exim applies it: white space and comments
 * may appear between any two tokens and are dropped; a local part is words
 * (atoms or quoted strings) joined by dots, where Exim also accepts empty
 * words ("a..b", ".a", "a."); a backslash takes the next byte literally
 * and is kept; domains are dot-separated labels of ASCII letters, digits
 * and hyphens that start with a letter or digit, or a domain literal in
 * square brackets when address_allow_domain_literals is on.
 *
 * Never modifies its input and never reads past a NUL.
 */
#include "address.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "store.h"
#include "str.h"

bool address_allow_domain_literals = false;

/* The longest working address text (the span between the angle brackets,
 * or of the addr-spec) that exim4 accepts. */
#define ADDRESS_MAXLENGTH 256

/* An error text in memory as tainted as the address it quotes. */
static const char *error_text(const char *mailbox, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *error_text(const char *mailbox, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(g_new(64, is_tainted(mailbox)), fmt, ap);
  va_end(ap);
  return g_str(g);
}

/* Skip white space and comments.  A comment runs to its matching ')';
 * a backslash escapes the next byte; an unterminated comment runs to the
 * end of the string. */
static const char *skip_cfws(const char *s) {
  for (;;) {
    while (isspace(uc(*s))) s++;
    if (*s != '(') return s;
    int depth = 0;
    for (; *s; s++) {
      if (*s == '\\' && s[1]) s++;
      else if (*s == '(') depth++;
      else if (*s == ')' && --depth == 0) {
        s++;
        break;
      }
    }
  }
}

static bool label_start(int c) { return c < 0x80 && isalnum(c); }

/* A byte that may appear in an atom.  The backslash is handled apart. */
static bool atom_char(int c) {
  return c > ' ' && c != 127 && strchr("()<>@,;:\".[]\\", c) == NULL;
}

/* Parser state for one address_extract() call. */
typedef struct parser {
  const char *mailbox;  /* the whole input, for error texts */
  const char *error;
  gstring *g;  /* the working address being built */
  const char *tok_end;  /* the end of the last word, dot or label read */
  bool *group;          /* header lists: whether a group is open (or NULL) */
  bool group_closed;    /* a ';' right after a local part closed it */
  bool in_brackets;     /* the text left over is inside angle brackets */
} parser;

/* One word (quoted string or atom) at s, appended to p->g.  Returns the end
 * of the word, s itself when there is no word there, or NULL (with
 * p->error) for an unterminated quoted string. */
static const char *read_word(parser *p, const char *s) {
  const char *t = s;
  if (*t == '"') {
    for (t++; *t != '"'; t++) {
      if (!*t) {
        p->error = "unmatched doublequote in local part";
        return NULL;
      }
      if (*t == '\\' && t[1]) t++;
    }
    t++;
  } else {
    while (*t == '\\' || atom_char(uc(*t))) {
      if (*t == '\\' && t[1]) t++;
      t++;
    }
  }
  p->g = g_catn(p->g, s, (size_t)(t - s));
  return t;
}

/* A local part: words and dots, with white space and comments between
 * them dropped.  Returns the position after it (comments after it are
 * skipped) or NULL on error.  In an open group, a ';' after it closes the
 * group (exim4 does so even where the ';' is then an error). */
static const char *read_local_part(parser *p, const char *s) {
  bool after_word = false;
  for (;;) {
    s = skip_cfws(s);
    if (*s == '.') {
      p->g = g_catc(p->g, '.');
      p->tok_end = ++s;
      after_word = false;
      continue;
    }
    if (after_word) break;
    const char *t = read_word(p, s);
    if (!t) return NULL;
    if (t == s) break;
    p->tok_end = s = t;
    after_word = true;
  }
  if (*s == ';' && p->group && *p->group) {
    *p->group = false;
    p->group_closed = true;
  }
  return s;
}

/* A domain at s (after the '@'), appended to p->g.  Returns the position
 * after it (comments after it are skipped) or NULL on error.
 *
 * exim4 treats domain literals in two ways.  In a route-addr and a source
 * route they need allow_domain_literals and may hold only letters, digits,
 * dots and colons ([1.2.3.4], [IPv6:::1]).  As the domain of a bare
 * addr-spec (no angle brackets) a literal is taken whatever the option
 * says, as any printable ASCII up to the ']' except '[' and backslash. */
static const char *read_domain(parser *p, const char *s, bool bare) {
  s = skip_cfws(s);
  if (*s == '[') {
    if (!bare && !address_allow_domain_literals) {
      p->error = "domain literals not allowed";
      return NULL;
    }
    const char *t = s + 1;
    if (bare)
      while (uc(*t) > ' ' && uc(*t) < 127 && *t != '[' && *t != ']' && *t != '\\') t++;
    else
      while (label_start(uc(*t)) || *t == '.' || *t == ':') t++;
    if (*t != ']') {
      p->error = "malformed domain literal";
      return NULL;
    }
    p->g = g_catn(p->g, s, (size_t)(t + 1 - s));
    p->tok_end = t + 1;
    return skip_cfws(t + 1);
  }
  for (;;) {
    const char *t = s;
    if (label_start(uc(*t)))
      while (label_start(uc(*t)) || *t == '-') t++;
    if (t == s) {
      p->error = "domain missing or malformed";
      return NULL;
    }
    p->g = g_catn(p->g, s, (size_t)(t - s));
    p->tok_end = t;
    s = skip_cfws(t);
    if (*s != '.') return s;
    p->g = g_catc(p->g, '.');
    s = skip_cfws(s + 1);
  }
}

/* A phrase (display name): words, dots, white space and comments.  Returns
 * the position after it, or NULL for an unterminated quoted string. */
static const char *skip_phrase(parser *p, const char *s) {
  gstring *keep = p->g;
  for (;;) {
    s = skip_cfws(s);
    if (*s == '.') {
      s++;
      continue;
    }
    p->g = g_new(16, false);
    const char *t = read_word(p, s);
    if (!t || t == s) {
      p->g = keep;
      return t;
    }
    s = t;
  }
}

/* The source route of a route-addr "@a,@b:" at s ('@'); returns the
 * position after the ':' or NULL. */
static const char *skip_route(parser *p, const char *s) {
  gstring *keep = p->g;
  p->g = g_new(16, false);
  s = read_domain(p, s + 1, false);
  if (s && *s != ',' && *s != ':') {
    p->error = "no local part";
    s = NULL;
  }
  while (s && *s == ',') {
    s = skip_cfws(s + 1);
    if (*s != '@') break;
    s = read_domain(p, s + 1, false);
  }
  if (s && *s != ':') {
    p->error = "colon expected after route list";
    s = NULL;
  }
  p->g = keep;
  return s ? s + 1 : NULL;
}

/* The end of the span of a route-addr whose '>' is at gt: white space
 * before the '>' is not part of it (comments are), as exim4 counts it. */
static const char *span_end(const char *start, const char *gt) {
  while (gt > start && isspace(uc(gt[-1]))) gt--;
  return gt;
}

/* The route-addr at s ('<').  Sets *start and *end to the span inside
 * the brackets; returns the position after the '>' or NULL. */
static const char *route_addr(parser *p, const char *s, bool allow_null, const char **start,
                              const char **end, size_t *dom) {
  *start = ++s;
  s = skip_cfws(s);
  bool routed = *s == '@';
  if (routed) {
    s = skip_route(p, s);
    if (!s) return NULL;
    s = skip_cfws(s);
  }
  if (*s == '>' && allow_null && !routed) {
    *end = span_end(*start, s);
    return s + 1;
  }
  const char *t = read_local_part(p, s);
  if (!t) return NULL;
  if (p->g->len == 0) {
    p->error = "missing or malformed local part";
    return NULL;
  }
  s = t;
  if (*s == '@') {
    *dom = p->g->len + 1;
    p->g = g_catc(p->g, '@');
    s = read_domain(p, s + 1, false);
    if (!s) return NULL;
    if (!*s) {
      p->error = "'>' missing at end of address";
      return NULL;
    }
  }
  if (*s == '>' && routed && !*dom) {
    p->error = "domain missing in source-routed address";
    return NULL;
  }
  if (*s != '>') {
    if (*dom) {
      p->error = NULL;  /* reported by the caller as trailing text */
      p->in_brackets = true;
      *end = s;
      return s;
    }
    p->error = error_text(p->mailbox, "\"@\" or \".\" expected after \"%s\"", g_str(p->g));
    return NULL;
  }
  *end = span_end(*start, s);
  return s + 1;
}

/* The parser proper.  group is NULL outside header lists; otherwise it
 * says whether a group ("name: a, b;") is open, and is updated: a
 * "name:" at the start opens one, a ';' after a complete address (or
 * right after a local part) closes it and ends the item, what follows
 * being ignored, as exim4 does.  An item that holds only a group's start
 * or end gives "" with no error. */
static char *extract(const char *mailbox, const char **error, int *start, int *end, int *domain,
                     bool allow_null, bool *group) {
  parser p = {mailbox, NULL, g_new(32, is_tainted(mailbox)), mailbox, group, false, false};
  const char *err_dummy, *a_start, *a_end = NULL;
  size_t dom = 0;
  if (!error) error = &err_dummy;
  *error = NULL;

  const char *s = skip_cfws(mailbox);
  if (group && !*group) {
    /* "name:" opens a group: a phrase (may be empty) and a colon */
    parser ph = {mailbox, NULL, NULL, mailbox, NULL, false, false};
    const char *t = skip_phrase(&ph, s);
    if (t && *t == ':') {
      *group = true;
      s = skip_cfws(t + 1);
      if (!*s) goto empty;
    }
  }
  if (group && *s == ';') {
    /* ends a group; exim4 ignores such an item even when none is open */
    *group = false;
    goto empty;
  }
  if (!*s) {
    *error = "empty address";
    return NULL;
  }
  if (*s == '<') {
    s = route_addr(&p, s, allow_null, &a_start, &a_end, &dom);
  } else {
    /* an addr-spec, possibly after a source route, or a phrase */
    a_start = s;
    bool routed = *s == '@';
    const char *t = routed ? skip_route(&p, s) : s;
    if (t) t = read_local_part(&p, t);
    if (t && p.g->len == 0 && routed) {
      p.error = "missing or malformed local part";
      t = NULL;
    }
    if (t && p.g->len > 0 && *t == '@') {
      dom = p.g->len + 1;
      p.g = g_catc(p.g, '@');
      /* the end is that of the domain's last token, before any comment */
      const char *e = read_domain(&p, t + 1, true);
      if (e) a_end = p.tok_end;
      s = e;
    } else if (t && routed) {
      /* a source route needs a domain after the local part */
      p.error = *t ? error_text(mailbox, "\"@\" or \".\" expected after \"%s\"", g_str(p.g))
                   : "domain missing in source-routed address";
      s = NULL;
    } else if (t && p.g->len > 0 && (!*t || *t == ';')) {
      /* an unqualified local part */
      a_end = p.tok_end;
      s = t;
    } else if (t) {
      /* a phrase, which must be followed by a route-addr */
      p.g = g_new(32, is_tainted(mailbox));
      p.error = NULL;
      t = skip_phrase(&p, a_start);
      if (t && *t == '<') {
        s = route_addr(&p, t, allow_null, &a_start, &a_end, &dom);
      } else {
        p.error = error_text(mailbox, "%s (expected word or \"<\")",
                             p.error ? p.error : "missing or malformed local part");
        s = NULL;
      }
    } else {
      s = NULL;
    }
  }
  if (!s) {
    *error = p.error;
    return NULL;
  }
  s = skip_cfws(s);
  if (*s == ';' && group && (*group || p.group_closed) && !p.in_brackets) {
    *group = false;
  } else if (*s) {
    *error = error_text(mailbox, "malformed address: %.32s may not follow %.*s", s,
                        (int)(s - mailbox), mailbox);
    return NULL;
  }
  char *yield = g_str(p.g);
  if (a_end - a_start > ADDRESS_MAXLENGTH) {
    *error = error_text(mailbox, "address is ridiculously long: %.64s...", yield);
    return NULL;
  }
  if (start) *start = (int)(a_start - mailbox);
  if (end) *end = (int)(a_end - mailbox);
  if (domain) *domain = (int)dom;
  return yield;

empty:
  if (start) *start = (int)(s - mailbox);
  if (end) *end = (int)(s - mailbox);
  if (domain) *domain = 0;
  return str_copy_taint("", is_tainted(mailbox));
}

char *address_extract(const char *mailbox, const char **error, int *start, int *end, int *domain,
                      bool allow_null) {
  return extract(mailbox, error, start, end, domain, allow_null, NULL);
}

/* ---- the end of one address in a list ------------------------------------- */

/* The list rules are described in address.h. */
const char *address_find_end(const char *s, bool nl_ends) {
  bool angle = false;  /* not a count: "<a@<b>," ends at the comma (exim4) */
  /* exim4: a source route, an item that starts (no white space before)
   * with '@' or a "<@", keeps its commas up to its ':'; a '>' that closes
   * no bracket ends it too */
  bool route = *s == '@';
  for (; *s; s++) {
    if (*s == ',' && !angle && !route) return s;
    if (*s == ':') route = false;
    switch (*s) {
    case '\n':
      if (nl_ends) return s;
      break;
    case '\\':
      if (s[1]) s++;
      break;
    case '"':
      for (s++; *s && *s != '"'; s++)
        if (*s == '\\' && s[1]) s++;
      if (!*s) return s;
      break;
    case '(': {
      int depth = 0;
      for (; *s; s++) {
        if (*s == '\\' && s[1]) s++;
        else if (*s == '(') depth++;
        else if (*s == ')' && --depth == 0) break;
      }
      if (!*s) return s;
      break;
    }
    case '<':
      angle = true;
      route = s[1] == '@';
      break;
    case '>':
      if (angle) angle = false;
      else route = false;
      break;
    }
  }
  return s;
}

/* ---- header address lists ---------------------------------------------------- */

void address_walk_init(address_walk *w, const char *value) {
  w->base = w->p = value;
  w->in_group = false;
}

/* Like exim4: the item given to the parser starts after the leading white
 * space but keeps what trails it (a header value's final newline shows in
 * a "may not follow" error), and keeps a group's name; the item reported
 * is trimmed. */
bool address_walk_next(address_walk *w, address_item *item) {
  while (*w->p) {
    const char *s = w->p, *e = address_find_end(s, false);
    w->p = *e ? e + 1 : e;
    while (s < e && isspace(uc(*s))) s++;
    const char *te = e;
    while (te > s && isspace(uc(te[-1]))) te--;
    char *spec = str_copyn(s, (size_t)(e - s));
    if (*skip_cfws(spec) == 0) continue;  /* empty, or only comments */
    int as = 0, ae = 0, dom = 0;
    const char *err = NULL;
    char *a = extract(spec, &err, &as, &ae, &dom, false, &w->in_group);
    if (a && !*a) continue;  /* only a group's start or end */
    item->text = str_copyn(s, (size_t)(te - s));
    item->offset = (size_t)(s - w->base);
    item->address = a;
    item->error = err;
    item->domain = dom;
    item->start = item->offset + (size_t)as;
    item->end = item->offset + (size_t)ae;
    return true;
  }
  return false;
}

/* ---- phrases ------------------------------------------------------------------ */

/* Bytes that make exim4 quote a word of a phrase ('(' starts a comment and
 * '"' a quoted string instead). */
static bool phrase_special(int c) { return c && strchr("),.:;<>@[\\]", c) != NULL; }

/* Copy the comment at s ('(') to g; returns the position after it (the end
 * of the string when it is not closed). */
static const char *copy_comment(gstring **g, const char *s) {
  const char *t = s;
  int depth = 0;
  for (; *t; t++) {
    if (*t == '\\' && t[1]) t++;
    else if (*t == '(') depth++;
    else if (*t == ')' && --depth == 0) {
      t++;
      break;
    }
  }
  *g = g_catn(*g, s, (size_t)(t - s));
  return t;
}

/* Copy the quoted string at s ('"') to g, closing it when it is not. */
static const char *copy_quoted(gstring **g, const char *s) {
  const char *t = s + 1;
  while (*t && *t != '"') t += t[1] && *t == '\\' ? 2 : 1;
  *g = g_catn(*g, s, (size_t)(t - s));
  *g = g_catc(*g, '"');
  return *t ? t + 1 : t;
}

char *address_fix_phrase(const char *phrase) {
  const char *s = phrase;
  while (isspace(uc(*s))) s++;
  gstring *g = g_new(strlen(s) + 8, is_tainted(phrase));

  /* Up to the first quoted string: quoted as a whole if it holds a special
   * outside comments; trailing spaces stay outside unless it is the end. */
  const char *q = s;
  bool special = false;
  while (*q && *q != '"') {
    if (*q == '(') {
      gstring *skip = NULL;
      q = copy_comment(&skip, q);
      continue;
    }
    if (phrase_special(uc(*q))) special = true;
    q += *q == '\\' && q[1] ? 2 : 1;
  }
  const char *e = q;
  if (*q == '"')
    while (e > s && e[-1] == ' ') e--;
  if (special) g = g_catc(g, '"');
  g = g_catn(g, s, (size_t)(e - s));
  if (special) g = g_catc(g, '"');
  g = g_catn(g, e, (size_t)(q - e));
  s = q;

  /* After it, exim4 works word by word (words end at a space or a quoted
   * string; a tab does not end one): a word holding a special is quoted
   * from its start, or from the end of a comment in it, to its end; a
   * quoted word that reaches the end of the phrase gets a second closing
   * quote, as exim4 writes it. */
  while (*s) {
    if (*s == ' ') {
      g = g_catc(g, ' ');
      s++;
      continue;
    }
    if (*s == '"') {
      s = copy_quoted(&g, s);
      continue;
    }
    size_t word_start = g->len;
    bool open = false;
    while (*s && *s != ' ' && *s != '"') {
      if (*s == '(') {
        s = copy_comment(&g, s);
        if (!open) word_start = g->len;
        continue;
      }
      if (!open && phrase_special(uc(*s))) {
        g = g_catc(g, '"');
        memmove(g->s + word_start + 1, g->s + word_start, g->len - 1 - word_start);
        g->s[word_start] = '"';
        open = true;
      }
      g = g_catc(g, *s++);
    }
    if (open) g = g_cat(g, *s ? "\"" : "\"\"");
  }
  return g_str(g);
}

/* ---- small helpers ---------------------------------------------------------------- */

char *address_qualify(const char *addr, const char *domain) {
  bool quoted = false;
  for (const char *s = addr; *s; s++) {
    if (*s == '\\' && s[1]) s++;
    else if (*s == '"') quoted = !quoted;
    else if (*s == '@' && !quoted) return str_copy(addr);
  }
  gstring *g = g_new(strlen(addr) + strlen(domain) + 2, is_tainted(addr) || is_tainted(domain));
  g = g_cat(g, addr);
  g = g_catc(g, '@');
  g = g_cat(g, domain);
  return g_str(g);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

char *xtext_decode(const char *s) {
  gstring *g = g_new(strlen(s) + 1, is_tainted(s));
  for (; *s; s++) {
    int c = uc(*s);
    if (c == '+') {
      int h = s[1] ? hexval(uc(s[1])) : -1, l = h >= 0 && s[2] ? hexval(uc(s[2])) : -1;
      if (h < 0 || l < 0) return NULL;
      if (h == 0 && l == 0) break;  /* an encoded NUL ends the string, as in exim4 */
      g = g_catc(g, (char)(h * 16 + l));
      s += 2;
    } else if (c < 33 || c > 127) {
      return NULL;
    } else {
      g = g_catc(g, (char)c);
    }
  }
  return g_str(g);
}

char *xtext_encode(const char *s) {
  gstring *g = g_new(strlen(s) + 1, is_tainted(s));
  for (; *s; s++) {
    int c = uc(*s);
    if (c < 33 || c > 126 || c == '+' || c == '=') g = g_fmt(g, "+%02X", c);
    else g = g_catc(g, (char)c);
  }
  return g_str(g);
}

bool address_is_7bit(const char *s) {
  for (; *s; s++)
    if (uc(*s) >= 0x80) return false;
  return true;
}
