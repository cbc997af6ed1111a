/* ops_misc.c - arithmetic, time, list and file operators: eval, eval10,
 * time_eval, time_interval, randint, listnamed/listnamed_<t>, stat, expand.
 *
 * Entry points: the op_* functions in ops_int.h.  Arithmetic is done in
 * unsigned 64-bit where Exim's results wrap, so there is no undefined
 * behaviour; error texts are Exim's.  ${expand:} calls expand_string()
 * of the core (src/expand/expand.h); when the engine is not linked it
 * fails loudly.  Never opens files other than the stat() of ${stat:}.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/rand.h>

#include "../base/list.h"
#include "../config/readconf.h"
#include "expand.h"
#include "ops_int.h"

#pragma weak expand_string
#pragma weak expand_status

/* ---- eval ------------------------------------------------------------------ */

typedef struct {
  const char *s;
  bool decimal;
  const char *error;
} evalctx;

static long long eval_or(evalctx *c);

static void skipws(evalctx *c) {
  while (isspace(uc(*c->s))) c->s++;
}

static long long eval_number(evalctx *c) {
  long long n = 0;
  skipws(c);
  if (isdigit(uc(*c->s))) {
    int count = 0;
    if (sscanf(c->s, c->decimal ? "%lld%n" : "%lli%n", &n, &count) < 1 || count == 0) count = 1;
    c->s += count;
    switch (tolower(uc(*c->s))) {
    case 'k': n = (long long)((unsigned long long)n * 1024ULL); c->s++; break;
    case 'm': n = (long long)((unsigned long long)n * 1024ULL * 1024ULL); c->s++; break;
    case 'g': n = (long long)((unsigned long long)n * 1024ULL * 1024ULL * 1024ULL); c->s++; break;
    }
    skipws(c);
  } else if (*c->s == '(') {
    c->s++;
    n = eval_or(c);
    if (c->error) return 0;
    if (*c->s != ')') {
      c->error = "expecting closing parenthesis";
      return 0;
    }
    c->s++;
    skipws(c);
  } else {
    c->error = "expecting number or opening parenthesis";
  }
  return n;
}

static long long eval_unary(evalctx *c) {
  skipws(c);
  char op = *c->s;
  if (op == '+' || op == '-' || op == '~') {
    c->s++;
    long long x = eval_unary(c);
    if (c->error) return 0;
    if (op == '-') return (long long)(0ULL - (unsigned long long)x);
    if (op == '~') return ~x;
    return x;
  }
  return eval_number(c);
}

static long long eval_mult(evalctx *c) {
  long long x = eval_unary(c);
  while (!c->error && (*c->s == '*' || *c->s == '/' || *c->s == '%')) {
    char op = *c->s++;
    long long y = eval_unary(c);
    if (c->error) break;
    if (op == '*') {
      x = (long long)((unsigned long long)x * (unsigned long long)y);
    } else if (y == 0) {
      c->error = op == '/' ? "divide by zero" : "modulo by zero";
    } else if (y == -1 && x == LLONG_MIN) {
      x = LLONG_MAX;
    } else {
      x = op == '/' ? x / y : x % y;
    }
  }
  return x;
}

static long long eval_sum(evalctx *c) {
  long long x = eval_mult(c);
  while (!c->error && (*c->s == '+' || *c->s == '-')) {
    char op = *c->s++;
    long long y = eval_mult(c);
    if (c->error) break;
    /* exim4's overflow test (the same for both operators): the left
     * operand at least half the range, or both at most minus half */
    const long long half = LLONG_MAX / 2;
    if (x >= half || (x <= -half && y <= -half)) {
      c->error = op == '+' ? "overflow in sum" : "overflow in difference";
      break;
    }
    x = (long long)(op == '+' ? (unsigned long long)x + (unsigned long long)y
                              : (unsigned long long)x - (unsigned long long)y);
  }
  return x;
}

static long long eval_shift(evalctx *c) {
  long long x = eval_sum(c);
  while (!c->error && (c->s[0] == '<' || c->s[0] == '>') && c->s[1] == c->s[0]) {
    char op = *c->s;
    c->s += 2;
    long long y = eval_sum(c);
    if (c->error) break;
    unsigned sh = (unsigned)y & 63;
    x = op == '<' ? (long long)((unsigned long long)x << sh) : x >> sh;
  }
  return x;
}

static long long eval_and(evalctx *c) {
  long long x = eval_shift(c);
  while (!c->error && *c->s == '&') {
    c->s++;
    long long y = eval_shift(c);
    if (!c->error) x &= y;
  }
  return x;
}

static long long eval_xor(evalctx *c) {
  long long x = eval_and(c);
  while (!c->error && *c->s == '^') {
    c->s++;
    long long y = eval_and(c);
    if (!c->error) x ^= y;
  }
  return x;
}

static long long eval_or(evalctx *c) {
  long long x = eval_xor(c);
  while (!c->error && *c->s == '|') {
    c->s++;
    long long y = eval_xor(c);
    if (!c->error) x |= y;
  }
  return x;
}

static const char *do_eval(gstring **out, const char *arg, bool decimal) {
  evalctx c = {arg, decimal, NULL};
  long long v = eval_or(&c);
  if (!c.error && *c.s) c.error = "expecting operator";
  if (c.error)
    return str_sprintf("error in expression evaluation: %s (after processing \"%.*s\")", c.error,
                       (int)(c.s - arg), arg);
  *out = g_fmt(*out, "%lld", v);
  return NULL;
}

OPFN(op_eval) {
  (void)opt;
  return do_eval(out, arg, false);
}

OPFN(op_eval10) {
  (void)opt;
  return do_eval(out, arg, true);
}

/* ---- times ------------------------------------------------------------------ */

OPFN(op_time_eval) {
  long long total = 0;
  const char *p = arg;
  (void)opt;
  do {
    long long n = 0;
    if (!isdigit(uc(*p))) goto bad;
    while (isdigit(uc(*p))) {
      n = n * 10 + (*p++ - '0');
      if (n > INT_MAX) goto bad;
    }
    switch (*p++) {
    case 's': break;
    case 'm': n *= 60; break;
    case 'h': n *= 3600; break;
    case 'd': n *= 86400; break;
    case 'w': n *= 7 * 86400; break;
    default: goto bad;
    }
    total += n;
    if (total > INT_MAX) goto bad;
  } while (*p);
  *out = g_fmt(*out, "%lld", total);
  return NULL;
bad:
  return str_sprintf("string \"%s\" is not an Exim time interval in \"time_eval\" operator", arg);
}

OPFN(op_time_interval) {
  unsigned int u = 0;
  (void)opt;
  for (const char *p = arg; *p; p++) {
    if (!isdigit(uc(*p)))
      return str_sprintf("string \"%s\" is not a positive number in \"time_interval\" operator", arg);
    u = u * 10u + (unsigned)(*p - '0');
  }
  long long t = (int)u;
  gstring *g = *out ? *out : g_new(16, false);
  if (t == INT_MIN) {
    /* what exim4 prints for 2147483648 (its int wraps): no weeks part */
    *out = g_cat(g, "-5d3h14m8s");
    return NULL;
  }
  if (t < 0) {
    g = g_catc(g, '-');
    t = -t;
  }
  static const struct { long long secs; char unit; } units[] = {
      {7 * 86400, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  bool any = false;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    long long n = t / units[i].secs;
    t %= units[i].secs;
    if (n) {
      g = g_fmt(g, "%lld%c", n, units[i].unit);
      any = true;
    }
  }
  if (!any) g = g_cat(g, "0s");
  *out = g;
  return NULL;
}

/* ---- randint ----------------------------------------------------------------- */

/* Exim's integer conversion of an expanded string (with K/M/G). */
static const char *exp_integer(const char *s, bool nonneg, long long *v) {
  const char *p = s;
  char *end;
  while (isspace(uc(*p))) p++;
  errno = 0;
  long long n = strtoll(p, &end, 10);
  if (end == p || !*p) return str_sprintf("integer expected but \"%s\" found", s);
  if (n < 0 && nonneg) return str_sprintf("non-negative integer expected but \"%s\" found", s);
  int c = tolower(uc(*end));
  long long mult = c == 'k' ? 1024LL : c == 'm' ? 1024LL * 1024 : c == 'g' ? 1024LL * 1024 * 1024 : 1;
  if (mult > 1) {
    end++;
    if (n > LLONG_MAX / mult || n < LLONG_MIN / mult) errno = ERANGE;
    else n *= mult;
  }
  if (errno == ERANGE) return str_sprintf("absolute value of integer \"%s\" is too large (overflow)", s);
  while (isspace(uc(*end))) end++;
  if (*end) return str_sprintf("invalid integer \"%s\"", s);
  *v = n;
  return NULL;
}

OPFN(op_randint) {
  long long max = 0;
  (void)opt;
  const char *err = exp_integer(arg, true, &max);
  if (err) return err;
  int m = (int)(unsigned int)(unsigned long long)max;
  unsigned long long r = 0;
  if (m > 1) {
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1) return "random number generator failed (OpenSSL RAND_bytes)";
    r %= (unsigned long long)m;
  }
  *out = g_fmt(*out, "%llu", r);
  return NULL;
}

/* ---- listnamed ------------------------------------------------------------------ */

static const char *const kind_names[NL__COUNT] = {"domain", "host", "address", "localpart"};

static const char *listnamed(gstring **g, bool *first, const char *name, int kind, int depth) {
  named_list *nl = NULL;
  if (depth > 50) return str_sprintf("named list \"%s\" refers to itself", name);
  if (kind >= 0) {
    nl = named_list_find((named_list_kind)kind, name);
    if (!nl) return str_sprintf("\"%s\" is not a %s named list", name, kind_names[kind]);
  } else {
    for (int k = 0; k < NL__COUNT && !nl; k++) nl = named_list_find((named_list_kind)k, name);
    if (!nl) return str_sprintf("\"%s\" is not a named list", name);
  }
  const char *list = nl->value ? nl->value : "";
  int sep = 0;
  char *item;
  while ((item = list_next(&list, &sep))) {
    if (item[0] == '+') {
      const char *err = listnamed(g, first, item + 1, kind, depth + 1);
      if (err) return err;
      continue;
    }
    if (!*first) *g = g_cat(*g, " : ");
    *first = false;
    *g = g_cat(*g, item);
  }
  return NULL;
}

OPFN(op_listnamed) {
  int kind = -1;
  if (opt) {
    switch (*opt) {
    case 'd': kind = NL_DOMAIN; break;
    case 'h': kind = NL_HOST; break;
    case 'a': kind = NL_ADDRESS; break;
    case 'l': kind = NL_LOCALPART; break;
    default: return "bad suffix on \"list\" operator";
    }
  }
  bool first = true;
  if (!*out) *out = g_new(32, false);
  return listnamed(out, &first, arg, kind, 0);
}

/* ---- stat ---------------------------------------------------------------------- */

OPFN(op_stat) {
  struct stat st;
  (void)opt;
  if (expand_forbid & EXPAND_FORBID_EXISTS) return "Use of the stat() expansion is not permitted";
  if (stat(arg, &st) < 0) return str_sprintf("stat(%s) failed: %s", arg, strerror(errno));
  char sm[11];
  mode_t m = st.st_mode;
  sm[0] = S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISLNK(m) ? 'l'
        : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  static const char rwx[] = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) sm[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
  if (m & S_ISUID) sm[3] = (m & S_IXUSR) ? 's' : 'S';
  if (m & S_ISGID) sm[6] = (m & S_IXGRP) ? 's' : 'S';
  if (m & S_ISVTX) sm[9] = (m & S_IXOTH) ? 't' : 'T';
  sm[10] = 0;
  *out = g_fmt(*out,
               "mode=%04lo smode=%s inode=%ld device=%ld links=%ld uid=%ld gid=%ld size=%lld "
               "atime=%ld mtime=%ld ctime=%ld",
               (unsigned long)(m & ~(mode_t)S_IFREG), sm, (long)st.st_ino, (long)st.st_dev,
               (long)st.st_nlink, (long)st.st_uid, (long)st.st_gid, (long long)st.st_size,
               (long)st.st_atime, (long)st.st_mtime, (long)st.st_ctime);
  return NULL;
}

/* ---- expand ----------------------------------------------------------------------- */

OPFN(op_expand) {
  (void)opt;
  if (!expand_string) return "the expand operator needs the expansion engine, which is not linked";
  const char *r = expand_string(arg);
  if (!r) return str_sprintf("internal expansion of \"%s\" failed: %s", arg,
                             expand_status.message ? expand_status.message : "");
  *out = g_cat(*out ? *out : g_new(1, false), r);
  return NULL;
}
