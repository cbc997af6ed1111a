/* option.c - the generic option reader and printer (spec 6.11-6.20).
 *
 * Entry points (option.h): option_find, option_read_line, option_print,
 * option_print_value, the number/time parsers and formatters, and the
 * "hide"/"set" state queries.  Every table of options (main section, driver
 * generic and private options, module options) goes through here, so the
 * value syntax and the error texts are the same everywhere and match Exim's.
 *
 * Must never: write into a const option table (per-option state such as
 * "hide" and "already set" lives in small registries here), print a hidden
 * value to a non-admin caller, or accept a value Exim would reject.
 */
#include "option.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../modules.h"
#include "../rewrite/rewrite.h"

const char OPTION_UNKNOWN[] = "unknown option";

/* ------------------------------------------------------------------------
 * Registries: which (base, option) pairs were set, which options were hidden.
 * A small open-addressing hash of pointer pairs in the permanent pool.
 * ---------------------------------------------------------------------- */

typedef struct {
  const void *base;
  const optionlist *opt;
} pair;

typedef struct {
  pair *slots;
  size_t size;   /* power of two, 0 when empty */
  size_t used;
} pairset;

static pairset set_registry, hide_registry;

static size_t pair_hash(const void *base, const optionlist *opt) {
  uintptr_t h = (uintptr_t)base * 31u + (uintptr_t)opt;
  h ^= h >> 17;
  h *= 0x9e3779b1u;
  return (size_t)(h ^ (h >> 13));
}

static pair *pairset_slot(pairset *ps, const void *base, const optionlist *opt) {
  size_t i = pair_hash(base, opt) & (ps->size - 1);
  while (ps->slots[i].opt && !(ps->slots[i].opt == opt && ps->slots[i].base == base))
    i = (i + 1) & (ps->size - 1);
  return &ps->slots[i];
}

static bool pairset_has(pairset *ps, const void *base, const optionlist *opt) {
  if (ps->size == 0) return false;
  return pairset_slot(ps, base, opt)->opt != NULL;
}

static void pairset_add(pairset *ps, const void *base, const optionlist *opt) {
  if ((ps->used + 1) * 2 > ps->size) {
    pairset old = *ps;
    ps->size = old.size ? old.size * 2 : 256;
    ps->slots = store_get_in(POOL_PERM, ps->size * sizeof(pair), false);
    memset(ps->slots, 0, ps->size * sizeof(pair));
    ps->used = 0;
    for (size_t i = 0; i < old.size; i++)
      if (old.slots[i].opt) {
        *pairset_slot(ps, old.slots[i].base, old.slots[i].opt) = old.slots[i];
        ps->used++;
      }
  }
  pair *p = pairset_slot(ps, base, opt);
  if (!p->opt) {
    p->base = base;
    p->opt = opt;
    ps->used++;
  }
}

void option_reset_state(void) {
  memset(&set_registry, 0, sizeof set_registry);
  memset(&hide_registry, 0, sizeof hide_registry);
}

bool option_is_hidden(const optionlist *opt) { return pairset_has(&hide_registry, NULL, opt); }

bool option_was_set(const optionlist *opt, const void *base) {
  return pairset_has(&set_registry, base, opt);
}

/* ------------------------------------------------------------------------
 * Lookup
 * ---------------------------------------------------------------------- */

static const optionlist *find_in(const optionlist *list, size_t count, const char *name) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(name, list[mid].name);
    if (c == 0) return &list[mid];
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

const optionlist *option_find(const option_table *tabs, int ntabs, const char *name, int *which) {
  for (int i = 0; i < ntabs; i++) {
    const optionlist *o = find_in(tabs[i].list, tabs[i].count, name);
    if (o) {
      if (which) *which = i;
      return o;
    }
  }
  return NULL;
}

const char *option_feature_error(const optionlist *opt) {
  if (!opt->feature || feature_on(opt->feature)) return NULL;
  const build_feature *f = feature_find(opt->feature);
  if (f && f->in_tree && f->how)
    return str_sprintf("option \"%s\" is not available in this build (needs %s in Local/Makefile)",
                       opt->name, f->how);
  return str_sprintf("option \"%s\" is not available in this build "
                     "(its support is not part of this source tree yet)", opt->name);
}

/* ------------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------- */

typedef enum { NUM_OK, NUM_EXPECTED, NUM_EXTRA, NUM_OVERFLOW, NUM_NEGFIXED } num_status;

/* Integer of type opt_int/opt_mkint/opt_octint (32-bit) or opt_Kint (64-bit,
 * counted in K). */
static num_status parse_integer(const char *s, int type, long long *out) {
  int base = type == opt_octint ? 8 : 0;
  const char *p = str_skip_space(s);
  /* strtoll would accept leading space and a sign; Exim's reader does too,
   * but needs at least one digit. */
  const char *q = p;
  if (*q == '+' || *q == '-') q++;
  if (!isdigit(uc(*q))) return NUM_EXPECTED;
  if (base == 8 && !(uc(*q) >= '0' && uc(*q) <= '7')) return NUM_EXPECTED;
  char *end;
  errno = 0;
  long long v = strtoll(p, &end, base);
  if (end == p) return NUM_EXPECTED;
  if (errno == ERANGE) return NUM_OVERFLOW;
  long long mult = 1;
  switch (*end) {
  case 'k': case 'K': mult = type == opt_Kint ? 1 : 1024; end++; break;
  case 'm': case 'M': mult = type == opt_Kint ? 1024 : 1024 * 1024; end++; break;
  case 'g': case 'G': mult = type == opt_Kint ? 1024 * 1024 : 1024LL * 1024 * 1024; end++; break;
  default: break;
  }
  if (mult != 1) {
    if (v > LLONG_MAX / mult || v < LLONG_MIN / mult) return NUM_OVERFLOW;
    v *= mult;
  }
  if (type != opt_Kint && (v > INT_MAX || v < INT_MIN)) return NUM_OVERFLOW;
  end = (char *)str_skip_space(end);
  if (*end) return NUM_EXTRA;
  *out = v;
  return NUM_OK;
}

/* Fixed point: digits, optional '.', up to three decimals kept (further
 * decimals ignored).  Stored as value*1000 in an int, wrapping as Exim's
 * does; a leading '-' is reported as an overflow, as Exim reports it. */
static num_status parse_fixed(const char *s, int *out) {
  const char *p = str_skip_space(s);
  const char *q = p;
  if (*q == '+' || *q == '-') q++;
  if (!isdigit(uc(*q))) return NUM_EXPECTED;
  if (*p == '-') return NUM_NEGFIXED;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (errno == ERANGE || v > (unsigned long long)LLONG_MAX) return NUM_NEGFIXED;
  uint32_t r = (uint32_t)(v * 1000u);
  if (*end == '.') {
    int mult = 100;
    end++;
    while (isdigit(uc(*end))) {
      if (mult > 0) r += (uint32_t)((*end - '0') * mult);
      mult /= 10;
      end++;
    }
  }
  end = (char *)str_skip_space(end);
  if (*end) return NUM_EXTRA;
  *out = (int)r;
  return NUM_OK;
}

const char *option_parse_int(const char *s, int type, long long *value) {
  if (type == opt_fixed) {
    int v = 0;
    switch (parse_fixed(s, &v)) {
    case NUM_OK: *value = v; return NULL;
    case NUM_EXPECTED: return "fixed-point number expected for value";
    case NUM_EXTRA: return "extra characters follow fixed-point value for value";
    default: return str_sprintf("integer \"%s\" is too large (overflow)", s);
    }
  }
  switch (parse_integer(s, type, value)) {
  case NUM_OK: return NULL;
  case NUM_EXPECTED:
    return type == opt_octint ? "octal integer expected for value" : "integer expected for value";
  case NUM_EXTRA:
    return type == opt_octint ? "extra characters follow octal integer value for value"
                              : "extra characters follow integer value for value";
  default: return str_sprintf("absolute value of integer \"%s\" is too large (overflow)", s);
  }
}

/* ------------------------------------------------------------------------
 * Time intervals: sequences of <digits><s|m|h|d|w>, summed; wraps at 32 bits
 * as Exim's does.
 * ---------------------------------------------------------------------- */

const char *option_parse_time(const char *s, int *seconds) {
  const char *p = s;
  uint64_t total = 0;
  if (!*p) return "invalid time value";
  while (*p) {
    if (!isdigit(uc(*p))) return "invalid time value";
    uint64_t v = 0;
    while (isdigit(uc(*p))) {
      v = v * 10 + (uint64_t)(*p - '0');
      p++;
    }
    uint64_t mult;
    switch (*p) {
    case 's': mult = 1; break;
    case 'm': mult = 60; break;
    case 'h': mult = 3600; break;
    case 'd': mult = 86400; break;
    case 'w': mult = 604800; break;
    default: return "invalid time value";
    }
    p++;
    total += v * mult;
  }
  *seconds = (int)(uint32_t)total;
  return NULL;
}

char *option_format_time(int seconds) {
  gstring *g = NULL;
  long long t = seconds;
  if (t < 0) {
    g = g_catc(g, '-');
    t = -t;
  }
  if (t == 0) return "0s";
  static const struct { long long n; char c; } units[] = {
    {604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (size_t i = 0; i < OPT_COUNT(units); i++) {
    long long q = t / units[i].n;
    if (q) g = g_fmt(g, "%lld%c", q, units[i].c);
    t %= units[i].n;
  }
  return g_str(g);
}

char *option_format_mkint(long long n) {
  if (n != 0) {
    if (n % (1024 * 1024) == 0) return str_sprintf("%lldM", n / (1024 * 1024));
    if (n % 1024 == 0) return str_sprintf("%lldK", n / 1024);
  }
  return str_sprintf("%lld", n);
}

char *option_format_Kint(long long n) {
  if (n == 0) return "0";
  static const char units[] = "KMGT";
  int u = 0;
  while (u < 3 && n % 1024 == 0) {
    n /= 1024;
    u++;
  }
  return str_sprintf("%lld%c", n, units[u]);
}

char *option_format_fixed(int n) {
  char *s = str_sprintf("%d.%03d", n / 1000, n % 1000);
  size_t len = strlen(s);
  while (len > 0 && s[len - 1] == '0' && s[len - 2] != '.') s[--len] = 0;
  return s;
}

char *option_printing(const char *s) {
  gstring *g = g_new(s ? strlen(s) + 1 : 1, s && is_tainted(s));
  for (const char *p = s ? s : ""; *p; p++) {
    unsigned char c = uc(*p);
    switch (c) {
    case '\n': g = g_cat(g, "\\n"); break;
    case '\r': g = g_cat(g, "\\r"); break;
    case '\t': g = g_cat(g, "\\t"); break;
    case '\f': g = g_cat(g, "\\f"); break;
    case '\b': g = g_cat(g, "\\b"); break;
    case '\v': g = g_cat(g, "\\v"); break;
    default:
      if (c < 32 || c >= 127) g = g_fmt(g, "\\%03o", c);
      else g = g_catc(g, (char)c);
    }
  }
  return g_str(g);
}

/* ------------------------------------------------------------------------
 * Users and groups
 * ---------------------------------------------------------------------- */

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isdigit(uc(*s))) return false;
  return true;
}

static bool lookup_uid(const char *name, uid_t *uid) {
  if (all_digits(name)) {
    *uid = (uid_t)strtoul(name, NULL, 10);
    return true;
  }
  struct passwd *pw = getpwnam(name);
  if (!pw) return false;
  *uid = pw->pw_uid;
  return true;
}

static bool lookup_gid(const char *name, gid_t *gid) {
  if (all_digits(name)) {
    *gid = (gid_t)strtoul(name, NULL, 10);
    return true;
  }
  struct group *gr = getgrnam(name);
  if (!gr) return false;
  *gid = gr->gr_gid;
  return true;
}

static char *uid_name(unsigned long id) {
  struct passwd *pw = getpwuid((uid_t)id);
  return pw ? str_copy(pw->pw_name) : str_sprintf("%lu", id);
}

static char *gid_name(unsigned long id) {
  struct group *gr = getgrgid((gid_t)id);
  return gr ? str_copy(gr->gr_name) : str_sprintf("%lu", id);
}

/* Split a list with the default ':' separator, "<c" changing it, "::"
 * standing for one colon (for printing separators) and white space trimmed
 * from each item; empty items are dropped.  Returns the items, NULL-ended. */
static char **split_list(const char *s, int *nitems) {
  char sep = ':';
  s = str_skip_space(s);
  if (*s == '<' && s[1] && ispunct(uc(s[1]))) {
    sep = s[1];
    s += 2;
  }
  int cap = 8, n = 0;
  char **items = store_get(cap * sizeof(char *), false);
  while (*s) {
    gstring *g = NULL;
    s = str_skip_space(s);
    while (*s) {
      if (*s == sep) {
        if (s[1] == sep && ispunct(uc(sep))) {
          g = g_catc(g, sep);
          s += 2;
          continue;
        }
        s++;
        break;
      }
      g = g_catc(g, *s++);
    }
    char *item = str_rtrim(g_str(g));
    if (!*item) continue;
    if (n + 1 >= cap) {
      char **bigger = store_get(cap * 2 * sizeof(char *), false);
      memcpy(bigger, items, n * sizeof(char *));
      items = bigger;
      cap *= 2;
    }
    items[n++] = item;
  }
  items[n] = NULL;
  *nitems = n;
  return items;
}

/* ------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------- */

/* Unquote a string value.  Unquoted values are taken as they are (already
 * trimmed); quoted ones have backslash escapes interpreted.  Returns the
 * value or NULL with *err set. */
char *option_string_value(const char *v, const char *name, const char **err) {
  if (*v != '"') return str_copy(v);
  gstring *g = g_new(strlen(v) + 1, is_tainted(v));
  const char *p = v + 1;
  for (;;) {
    if (!*p) {
      *err = str_sprintf("missing quote at end of string value for %s", name);
      return NULL;
    }
    if (*p == '"') break;
    if (*p != '\\') {
      g = g_catc(g, *p++);
      continue;
    }
    p++;
    if (!*p) {
      *err = str_sprintf("missing quote at end of string value for %s", name);
      return NULL;
    }
    g = g_catc(g, (char)str_escape(&p));
  }
  p++;
  if (*str_skip_space(p)) {
    *err = str_sprintf("extra characters follow string value for %s", name);
    return NULL;
  }
  return g_str(g);
}

static bool is_name_char(char c) { return isalnum(uc(c)) || c == '_'; }

char *option_line_name(const char *line) {
  const char *p = str_skip_space(line);
  if (strncmp(p, "hide", 4) == 0 && isspace(uc(p[4]))) p = str_skip_space(p + 4);
  const char *e = p;
  while (is_name_char(*e)) e++;
  return str_copyn(p, (size_t)(e - p));
}

static const char *read_bool(const optionlist *opt, const char *name, bool negated, const char *rest,
                             bool *value) {
  rest = str_skip_space(rest);
  if (!*rest) {
    *value = !negated;
    return NULL;
  }
  if (*rest != '=' || negated)
    return str_sprintf("extra characters follow boolean option %s", name);
  rest = str_skip_space(rest + 1);
  const char *e = rest;
  while (*e && !isspace(uc(*e))) e++;
  char *word = str_copyn(rest, (size_t)(e - rest));
  if (!*word) {
    *value = true;
    return NULL;
  }
  if (str_eqic(word, "true") || str_eqic(word, "yes")) *value = true;
  else if (str_eqic(word, "false") || str_eqic(word, "no")) *value = false;
  else return str_sprintf("\"%s\" is not a valid value for the \"%s\" option", word, opt->name);
  if (*str_skip_space(e))
    return str_sprintf("extra characters follow \"%s\" for boolean option %s", word, name);
  return NULL;
}

static const char *number_error(num_status st, int type, const char *name, const char *value) {
  switch (st) {
  case NUM_EXPECTED:
    if (type == opt_fixed) return str_sprintf("fixed-point number expected for %s", name);
    if (type == opt_octint) return str_sprintf("octal integer expected for %s", name);
    return str_sprintf("integer expected for %s", name);
  case NUM_EXTRA:
    if (type == opt_fixed) return str_sprintf("extra characters follow fixed-point value for %s", name);
    if (type == opt_octint)
      return str_sprintf("extra characters follow octal integer value for %s", name);
    return str_sprintf("extra characters follow integer value for %s", name);
  case NUM_NEGFIXED: return str_sprintf("integer \"%s\" is too large (overflow)", value);
  default: return str_sprintf("absolute value of integer \"%s\" is too large (overflow)", value);
  }
}

static const char *read_timelist(const char *v, const char *name, int **out) {
  int *list = store_get_in(POOL_PERM, (OPT_TIMELIST_MAX + 1) * sizeof(int), false);
  int n = 0;
  const char *p = v;
  if (*p) {
    for (;;) {
      const char *e = strchr(p, ':');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      char *item = str_rtrim(str_copyn(p, len));
      int t;
      if (option_parse_time(str_skip_space(item), &t))
        return str_sprintf("invalid time value for %s", name);
      if (n >= OPT_TIMELIST_MAX) return str_sprintf("too many time values for %s", name);
      if (n > 0 && t <= list[n]) return str_sprintf("time value out of order for %s", name);
      list[++n] = t;
      if (!e) break;
      p = e + 1;
    }
  }
  list[0] = n;
  *out = list;
  return NULL;
}

static const char *read_idlist(const char *v, const char *name, bool groups, void *field) {
  if (strchr(v, '$'))
    return str_sprintf("failed to expand %s: string expansion is not available in this build", name);
  int n;
  char **items = split_list(v, &n);
  if (groups) {
    gid_t *list = store_get_in(POOL_PERM, (size_t)(n + 1) * sizeof(gid_t), false);
    list[0] = (gid_t)n;
    for (int i = 0; i < n; i++)
      if (!lookup_gid(items[i], &list[i + 1])) return str_sprintf("group %s was not found", items[i]);
    *(gid_t **)field = list;
  } else {
    uid_t *list = store_get_in(POOL_PERM, (size_t)(n + 1) * sizeof(uid_t), false);
    list[0] = (uid_t)n;
    for (int i = 0; i < n; i++)
      if (!lookup_uid(items[i], &list[i + 1])) return str_sprintf("user %s was not found", items[i]);
    *(uid_t **)field = list;
  }
  return NULL;
}

static const char *read_value(const optionlist *opt, void *base, const char *name, const char *v,
                              bool already_set) {
  char *field = (char *)base + opt->offset;
  int type = (int)(opt->type & opt_mask);
  const char *err = NULL;

  if (type == opt_func) {
    if (!opt->aux || !opt->aux->read)
      return str_sprintf("option \"%s\" has no reader in this build", opt->name);
    char *s = option_string_value(v, name, &err);
    if (!s) return err;
    return opt->aux->read(opt, base, str_perm(s));
  }

  char *s = option_string_value(v, name, &err);
  if (!s) return err;

  switch (type) {
  case opt_stringptr:
  case opt_rewrite: {
    char **sp = (char **)field;
    if (type == opt_rewrite) {
      /* headers_rewrite: the rules are checked as they are read. */
      const char *rerr = NULL;
      if (!rewrite_rules_parse(s, &rerr) && rerr) return rerr;
    }
    if (already_set && *sp && (opt->type & opt_rep_con))
      *sp = str_perm(str_sprintf("%s\n%s", *sp, s));
    else if (already_set && *sp && (opt->type & opt_rep_str))
      *sp = str_perm(str_sprintf("%s:%s", *sp, s));
    else
      *sp = str_perm(s);
    return NULL;
  }
  case opt_int:
  case opt_mkint:
  case opt_octint:
  case opt_Kint: {
    long long val = 0;
    num_status st = parse_integer(s, type, &val);
    if (st != NUM_OK) return number_error(st, type, name, s);
    if (type == opt_Kint) *(long long *)field = val;
    else *(int *)field = (int)val;
    return NULL;
  }
  case opt_fixed: {
    int val = 0;
    num_status st = parse_fixed(s, &val);
    if (st != NUM_OK) return number_error(st, type, name, s);
    *(int *)field = val;
    return NULL;
  }
  case opt_time: {
    int t;
    if (option_parse_time(s, &t)) return str_sprintf("invalid time value for %s", name);
    *(int *)field = t;
    return NULL;
  }
  case opt_timelist: return read_timelist(s, name, (int **)field);
  case opt_uid: {
    uid_t u;
    if (!lookup_uid(s, &u)) return str_sprintf("user %s was not found", s);
    *(uid_t *)field = u;
    return NULL;
  }
  case opt_gid: {
    gid_t gr;
    if (!lookup_gid(s, &gr)) return str_sprintf("group %s was not found", s);
    *(gid_t *)field = gr;
    return NULL;
  }
  case opt_expand_uid:
  case opt_expand_gid: {
    opt_expand_id *x = (opt_expand_id *)field;
    if (strchr(s, '$')) {
      x->expand = str_perm(s);
      x->set = false;
      return NULL;
    }
    x->expand = NULL;
    x->numeric = all_digits(s);
    if (type == opt_expand_uid) {
      uid_t u;
      if (!lookup_uid(s, &u)) return str_sprintf("user %s was not found", s);
      x->id = u;
    } else {
      gid_t gr;
      if (!lookup_gid(s, &gr)) return str_sprintf("group %s was not found", s);
      x->id = gr;
    }
    x->set = true;
    return NULL;
  }
  case opt_uidlist: return read_idlist(s, name, false, field);
  case opt_gidlist: return read_idlist(s, name, true, field);
  default: return str_sprintf("option \"%s\" has an unknown type", opt->name);
  }
}

const char *option_read_line(const option_table *tabs, int ntabs, const char *line, const char *where) {
  (void)where;
  const char *p = str_skip_space(line);
  bool hide = false;
  if (strncmp(p, "hide", 4) == 0 && isspace(uc(p[4]))) {
    hide = true;
    p = str_skip_space(p + 4);
  }
  const char *e = p;
  while (is_name_char(*e)) e++;
  char *name = str_copyn(p, (size_t)(e - p));
  const char *rest = e;

  int which = 0;
  bool negated = false;
  const optionlist *opt = option_find(tabs, ntabs, name, &which);
  if (!opt) {
    const char *plain = NULL;
    if (strncmp(name, "no_", 3) == 0) plain = name + 3;
    else if (strncmp(name, "not_", 4) == 0) plain = name + 4;
    if (plain) opt = option_find(tabs, ntabs, plain, &which);
    if (!opt) return OPTION_UNKNOWN;
    negated = true;
  }
  const char *ferr = option_feature_error(opt);
  if (ferr) return ferr;

  int type = (int)(opt->type & opt_mask);
  bool is_bool = type == opt_bool || type == opt_bool_verify || type == opt_bool_set ||
                 type == opt_expand_bool;
  if (negated && !is_bool) return "negation prefix applied to a non-boolean option";

  const option_table *tab = &tabs[which];
  void *base = tab->base;
  bool already = option_was_set(opt, base);
  if (already && !(opt->type & (opt_rep_con | opt_rep_str)))
    return str_sprintf("\"%s\" option set for the second time", opt->name);

  const char *err;
  const char *eq = str_skip_space(rest);
  if (type == opt_expand_bool && !negated && *eq == '=' && strchr(eq, '$')) {
    opt_expand_bool_val *x = (opt_expand_bool_val *)((char *)base + opt->offset);
    char *v = str_rtrim(str_copy(str_skip_space(eq + 1)));
    char *sv = option_string_value(v, name, &err);
    if (!sv) return err;
    x->expand = str_perm(sv);
  } else if (type == opt_expand_bool) {
    bool val = false;
    err = read_bool(opt, name, negated, rest, &val);
    if (err) return err;
    opt_expand_bool_val *x = (opt_expand_bool_val *)((char *)base + opt->offset);
    x->expand = NULL;
    x->value = val;
  } else if (is_bool) {
    bool val = false;
    err = read_bool(opt, name, negated, rest, &val);
    if (err) return err;
    bool *field = (bool *)((char *)base + opt->offset);
    field[0] = val;
    if (type == opt_bool_verify || type == opt_bool_set) field[1] = type == opt_bool_set ? true : val;
  } else {
    rest = str_skip_space(rest);
    if (*rest != '=') return str_sprintf("missing \"=\" after %s", name);
    char *v = str_rtrim(str_copy(str_skip_space(rest + 1)));
    err = read_value(opt, base, name, v, already);
    if (err) return err;
  }

  pairset_add(&set_registry, base, opt);
  if (tab->set) tab->set[opt - tab->list] = true;
  if (hide) pairset_add(&hide_registry, NULL, opt);
  return NULL;
}

/* ------------------------------------------------------------------------
 * Printing
 * ---------------------------------------------------------------------- */

static gstring *cat_idlist(gstring *g, const void *field, bool groups) {
  if (groups) {
    const gid_t *list = *(gid_t *const *)field;
    if (!list) return g;
    for (gid_t i = 1; i <= list[0]; i++) {
      if (i > 1) g = g_catc(g, ':');
      g = g_cat(g, gid_name(list[i]));
    }
  } else {
    const uid_t *list = *(uid_t *const *)field;
    if (!list) return g;
    for (uid_t i = 1; i <= list[0]; i++) {
      if (i > 1) g = g_catc(g, ':');
      g = g_cat(g, uid_name(list[i]));
    }
  }
  return g;
}

static bool idlist_empty(const void *field, bool groups) {
  if (groups) {
    const gid_t *l = *(gid_t *const *)field;
    return !l || l[0] == 0;
  }
  const uid_t *l = *(uid_t *const *)field;
  return !l || l[0] == 0;
}

/* Append "name = value" (with_name) or the bare value ("-bP -n").  Exim
 * keeps the label for unset fixed-point values even with -n. */
static gstring *print_one(gstring *g, const optionlist *opt, const void *base, bool admin,
                          bool with_name) {
  const char *field = (const char *)base + opt->offset;
  int type = (int)(opt->type & opt_mask);
  bool hidden = !admin && ((opt->type & (opt_hidden | opt_secure)) || option_is_hidden(opt));

  if (type == opt_bool_verify) return g;
  if (hidden)
    return with_name ? g_fmt(g, "%s = <value not displayable>", opt->name)
                     : g_cat(g, "<value not displayable>");

  if (type == opt_func) {
    if (opt->aux && opt->aux->print) {
      if (!with_name) {
        gstring *t = opt->aux->print(NULL, opt, base);
        const char *s = g_str(t);
        size_t nl = strlen(opt->name);
        if (strncmp(s, opt->name, nl) == 0 && strncmp(s + nl, " = ", 3) == 0) s += nl + 3;
        return g_cat(g, s);
      }
      return opt->aux->print(g, opt, base);
    }
    return with_name ? g_fmt(g, "%s = ", opt->name) : g;
  }

  switch (type) {
  case opt_bool:
  case opt_bool_set:
    return g_fmt(g, "%s%s", *(const bool *)field ? "" : "no_", opt->name);
  case opt_expand_bool: {
    const opt_expand_bool_val *x = (const opt_expand_bool_val *)field;
    if (x->expand)
      return with_name ? g_fmt(g, "%s = %s", opt->name, option_printing(x->expand))
                       : g_cat(g, option_printing(x->expand));
    return g_fmt(g, "%s%s", x->value ? "" : "no_", opt->name);
  }
  case opt_fixed: {
    int v = *(const int *)field;
    if (v < 0) return g_fmt(g, "%s =", opt->name);
    break;
  }
  case opt_uidlist:
  case opt_gidlist:
    if (idlist_empty(field, type == opt_gidlist)) return with_name ? g_fmt(g, "%s =", opt->name) : g;
    break;
  default: break;
  }

  if (with_name) g = g_fmt(g, "%s = ", opt->name);
  switch (type) {
  case opt_stringptr:
  case opt_rewrite: {
    const char *s = *(char *const *)field;
    return s ? g_cat(g, option_printing(s)) : g;
  }
  case opt_int: return g_fmt(g, "%d", *(const int *)field);
  case opt_mkint: return g_cat(g, option_format_mkint(*(const int *)field));
  case opt_Kint: return g_cat(g, option_format_Kint(*(const long long *)field));
  case opt_octint: return g_fmt(g, "0%o", (unsigned)*(const int *)field);
  case opt_fixed: return g_cat(g, option_format_fixed(*(const int *)field));
  case opt_time: return g_cat(g, option_format_time(*(const int *)field));
  case opt_timelist: {
    const int *list = *(int *const *)field;
    if (!list || list[0] == 0 || list[1] == 0) return g;
    for (int i = 1; i <= list[0]; i++) {
      if (i > 1) g = g_catc(g, ':');
      g = g_cat(g, option_format_time(list[i]));
    }
    return g;
  }
  /* A plain uid/gid has no "unset" value: it shows only once set. */
  case opt_uid: return option_was_set(opt, base) ? g_cat(g, uid_name(*(const uid_t *)field)) : g;
  case opt_gid: return option_was_set(opt, base) ? g_cat(g, gid_name(*(const gid_t *)field)) : g;
  case opt_expand_uid:
  case opt_expand_gid: {
    const opt_expand_id *x = (const opt_expand_id *)field;
    if (x->expand) return g_cat(g, option_printing(x->expand));
    if (!x->set) return g;
    return g_cat(g, type == opt_expand_uid ? uid_name(x->id) : gid_name(x->id));
  }
  case opt_uidlist: return cat_idlist(g, field, false);
  case opt_gidlist: return cat_idlist(g, field, true);
  default: return g;
  }
}

bool option_print_no_labels;

gstring *option_print(gstring *g, const optionlist *opt, const void *base, bool admin) {
  return print_one(g, opt, base, admin, !option_print_no_labels);
}

gstring *option_print_value(gstring *g, const optionlist *opt, const void *base, bool admin) {
  return print_one(g, opt, base, admin, false);
}
