/* exim_filter_cond.c - the conditions of an Exim filter's "if" (filter
 * document 3.21-3.30): string tests (is, contains, begins, ends, matches,
 * caseful when written in upper case, negated "does not"/"is not" forms),
 * numeric tests with K/M, delivered, error_message, first_delivery,
 * manually_thawed, personal (with alias addresses), foranyaddress.
 *
 * Entry points: exim_filter_cond(), exim_filter_cond_text(),
 * exim_filter_expand().
 *
 * Must never: run anything but the expansion of the operands.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/regex.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "filter_int.h"

const char *exim_filter_expand(frun *r, const char *s, const char *what) {
  const char *v = expand_cstring(s);
  if (!v && !r->error)
    r->error = str_sprintf("failed to expand \"%s\" in %s: %s", s, what,
                           expand_status.message ? expand_status.message : "");
  return v;
}

static bool compound(const fcond *c) { return c->type == FCO_AND || c->type == FCO_OR; }

/* As exim4's -v trace: a compound left operand is bracketed. */
const char *exim_filter_cond_text(const fcond *c) {
  switch (c->type) {
  case FCO_AND:
  case FCO_OR: {
    const char *l = exim_filter_cond_text(c->left);
    const char *r = exim_filter_cond_text(c->right);
    if (c->left->type == FCO_OR) l = str_sprintf("(%s)", l);
    if (c->right->type == FCO_OR) r = str_sprintf("(%s)", r);
    return str_sprintf("%s %s %s", l, c->type == FCO_AND ? "and" : "or", r);
  }
  case FCO_NOT: {
    /* exim4 keeps negation as a flag: "not not x" shows as "x". */
    int n = 1;
    while (c->left->type == FCO_NOT) {
      c = c->left;
      n++;
    }
    const char *t = exim_filter_cond_text(c->left);
    if (compound(c->left)) t = str_sprintf("(%s)", t);
    return n % 2 ? str_sprintf("not %s", t) : t;
  }
  case FCO_DELIVERED: return "delivered";
  case FCO_ERROR_MESSAGE: return "error_message";
  case FCO_FIRST_DELIVERY: return "first_delivery";
  case FCO_MANUALLY_THAWED: return "manually_thawed";
  case FCO_PERSONAL: return "personal";
  case FCO_FORANY: {
    const char *t = exim_filter_cond_text(c->left);
    if (c->left->type == FCO_OR) t = str_sprintf("(%s)", t);
    return str_sprintf("foranyaddress %s (%s)", c->a, t);
  }
  default:
    return str_sprintf("%s %s %s", c->a, c->optext, c->b);
  }
}

/* An operand of and/or, traced as a sub-condition. */
static int sub(frun *r, const fcond *c) {
  int v = exim_filter_cond(r, c);
  if (filter_verbose && v >= 0)
    fprintf(stderr, "%*sSub-condition is %s: %s \n", 2 * r->depth + 1, "", v ? "true" : "false",
            exim_filter_cond_text(c));
  return v;
}

/* "123", "10k", "2M"; false when malformed. */
static bool filter_number(const char *s, long long *v) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  bool neg = false;
  if (*p == '-' || *p == '+') neg = *p++ == '-';
  if (!isdigit((unsigned char)*p)) return false;
  errno = 0;
  char *end;
  long long n = strtoll(p, &end, 10);
  if (errno) return false;
  if (*end == 'k' || *end == 'K') { n *= 1024; end++; }
  else if (*end == 'm' || *end == 'M') { n *= 1024 * 1024; end++; }
  while (isspace((unsigned char)*end)) end++;
  if (*end) return false;
  *v = neg ? -n : n;
  return true;
}

static const char *find_caseless(const char *hay, const char *needle, bool caseful) {
  size_t n = strlen(needle);
  for (const char *p = hay;; p++) {
    if (caseful ? strncmp(p, needle, n) == 0 : str_ncmpic(p, needle, n) == 0) return p;
    if (!*p) return NULL;
  }
}

static bool starts(const char *s, const char *pre, bool caseful) {
  size_t n = strlen(pre);
  return caseful ? strncmp(s, pre, n) == 0 : str_ncmpic(s, pre, n) == 0;
}

static bool ends(const char *s, const char *suf, bool caseful) {
  size_t n = strlen(s), m = strlen(suf);
  if (m > n) return false;
  return caseful ? strcmp(s + n - m, suf) == 0 : str_cmpic(s + n - m, suf) == 0;
}

/* ---- foranyaddress / personal ---- */

typedef struct forany_arg {
  frun *r;
  const fcond *inner;
  int result;
} forany_arg;

static bool forany_one(const char *address, void *p) {
  forany_arg *fa = p;
  if (filter_verbose) fprintf(stderr, "%*sExtracted address %s\n", 2 * fa->r->depth + 1, "", address);
  expand_var_set("thisaddress", address);
  int v = exim_filter_cond(fa->r, fa->inner);
  if (filter_verbose && v >= 0)
    fprintf(stderr, "%*sSub-condition is %s: %s \n", 2 * fa->r->depth + 1, "", v ? "true" : "false",
            exim_filter_cond_text(fa->inner));
  if (v != 0) {
    fa->result = v;
    return true;
  }
  return false;
}

static int personal(frun *r, const fcond *c) {
  fstrlist *mine = filter_user_addresses();
  for (fstrlist *a = c->aliases; a; a = a->next) {
    const char *v = exim_filter_expand(r, a->s, "filter file");
    if (!v) return -1;
    fstrlist *s = store_zget(sizeof *s, false);
    s->s = v;
    s->next = mine;
    mine = s;
  }
  return filter_personal(mine, mine, false);
}

static int compare(frun *r, const fcond *c);

/* Kept small: and/or chains recurse through here (and sub()) once per
 * operand, so the comparisons' locals live in compare(). */
int exim_filter_cond(frun *r, const fcond *c) {
  int a;
  switch (c->type) {
  case FCO_AND:
    if ((a = sub(r, c->left)) <= 0) return a;
    return sub(r, c->right);
  case FCO_OR:
    if ((a = sub(r, c->left)) != 0) return a;
    return sub(r, c->right);
  case FCO_NOT:
    if ((a = exim_filter_cond(r, c->left)) < 0) return a;
    return !a;
  case FCO_DELIVERED: return r->ctx->seen;
  case FCO_ERROR_MESSAGE: {
    const char *s = expand_cstring("$sender_address");
    return !s || !*s;
  }
  case FCO_FIRST_DELIVERY: return r->ctx->first_delivery;
  case FCO_MANUALLY_THAWED: return r->ctx->manually_thawed;
  case FCO_PERSONAL: return personal(r, c);
  case FCO_FORANY: {
    const char *list = exim_filter_expand(r, c->a, "filter file");
    if (!list) return -1;
    forany_arg fa = {r, c->left, 0};
    filter_each_address(list, forany_one, &fa);
    return fa.result;
  }
  default:
    return compare(r, c);
  }
}

/* is, contains, begins, ends, matches, above, below (and their negations). */
__attribute__((noinline)) static int compare(frun *r, const fcond *c) {
  const char *x = exim_filter_expand(r, c->a, "filter file");
  if (!x) return -1;
  const char *y = exim_filter_expand(r, c->b, "filter file");
  if (!y) return -1;
  bool res = false;
  switch (c->type) {
  case FCO_IS: res = c->caseful ? strcmp(x, y) == 0 : str_cmpic(x, y) == 0; break;
  case FCO_CONTAINS: res = find_caseless(x, y, c->caseful) != NULL; break;
  case FCO_BEGINS: res = starts(x, y, c->caseful); break;
  case FCO_ENDS: res = ends(x, y, c->caseful); break;
  case FCO_MATCHES: {
    if (filter_verbose)
      fprintf(stderr, " Match expanded arguments:\n   Subject = %s\n   Pattern = %s\n", x, y);
    const char *err;
    const regex *re = regex_get(y, c->caseful ? 0 : REGEX_CASELESS, &err);
    if (!re) {
      const char *w = strstr(err, " while compiling ");
      if (w) err = str_copyn(err, (size_t)(w - err));
      r->error = str_sprintf("error while compiling regular expression \"%s\": %s", y, err);
      return -1;
    }
    const char *caps[EXPAND_MAXN];
    int ncaps = 0;
    int m = regex_match(re, x, strlen(x), caps, EXPAND_MAXN, &ncaps, &err);
    if (m < 0) {
      r->error = str_sprintf("error while matching regular expression \"%s\": %s", y, err);
      return -1;
    }
    if (m == 1) expand_set_numeric(ncaps, caps);
    res = m == 1;
    break;
  }
  case FCO_ABOVE:
  case FCO_BELOW: {
    long long nx, ny;
    if (!filter_number(x, &nx)) {
      r->error = str_sprintf("malformed numerical string \"%s\"", x);
      return -1;
    }
    if (!filter_number(y, &ny)) {
      r->error = str_sprintf("malformed numerical string \"%s\"", y);
      return -1;
    }
    res = c->type == FCO_ABOVE ? nx > ny : nx < ny;
    break;
  }
  default:
    break;
  }
  return c->negated ? !res : res;
}
