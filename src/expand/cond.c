/* cond.c - the simple conditions of ${if ...} (spec 11.7): string and
 * numeric comparisons, match, the list-matching conditions, inlist,
 * exists, isip*, crypteq (cond_crypt.c) and the authentication conditions
 * that this build does not contain.
 *
 * Entry points: expand_cond_find() (the table the expansion core consults
 * for every condition word it does not handle itself) and
 * cond_parse_integer() (Exim's integer reading for = == < <= > >=).
 *
 * Each condition receives its arguments already expanded and returns NULL
 * (with *result) or Exim's error text.  This file must never expand
 * anything itself, print, or exit: errors go back to the caller.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/ip.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../base/regex.h"
#include "../base/str.h"
#include "cond.h"
#include "cond_int.h"
#include "expand.h"
#include "match.h"

/* No mask is ever allowed here, not even after an IPv6 "%scope". */
int cond_ip_version(const char *s)
{
  return strchr(s, '/') ? 0 : ip_is_address(s, NULL);
}

/* ---- integers ------------------------------------------------------------ */

const char *cond_parse_integer(const char *s, long long *value)
{
  const char *p = s;
  char *end;
  long long v;

  *value = 0;
  while (isspace(uc(*p))) p++;
  if (*p == '\0') return NULL;          /* empty or all blank: zero */

  errno = 0;
  v = strtoll(p, &end, 10);
  if (end == p) return str_sprintf("integer expected but \"%s\" found", p);
  if (errno == ERANGE)
    return str_sprintf("absolute value of integer \"%s\" is too large (overflow)", p);

  switch (tolower(uc(*end))) {
  case 'k': case 'm': case 'g': {
    int shift = tolower(uc(*end)) == 'k' ? 10 : tolower(uc(*end)) == 'm' ? 20 : 30;
    long long lim = LLONG_MAX >> shift;
    if (v > lim || v < -lim - 1)
      return str_sprintf("absolute value of integer \"%s\" is too large (overflow)", p);
    v = (long long)((unsigned long long)v << shift);
    end++;
    break;
  }
  default:
    break;
  }
  while (isspace(uc(*end))) end++;
  if (*end != '\0') return str_sprintf("invalid integer \"%s\"", p);
  *value = v;
  return NULL;
}

/* ---- comparisons --------------------------------------------------------- */

enum { CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

static bool cmp_holds(int c, int op)
{
  switch (op) {
  case CMP_EQ: return c == 0;
  case CMP_LT: return c < 0;
  case CMP_LE: return c <= 0;
  case CMP_GT: return c > 0;
  default:     return c >= 0;
  }
}

static int cmp_bytes(const char *a, const char *b)
{
  return strcmp(a, b);   /* strcmp compares as unsigned char */
}

/* Exim's caseless comparison: ASCII case folding; when the first string
 * ends, the result is the second string's next byte, so a first string
 * that is a proper prefix of the second compares as greater (Exim's
 * lti{a}{ab} is false and gei{}{x} true). */
static int cmp_caseless(const char *a, const char *b)
{
  const unsigned char *s = (const unsigned char *)a, *t = (const unsigned char *)b;
  while (*s) {
    int c = tolower(*s++) - tolower(*t++);
    if (c) return c;
  }
  return *t;
}

#define STRCMP_FN(fname, op, cmpf)                                              \
  static const char *fname(const char *const *a, int n, bool *r)               \
  {                                                                             \
    (void)n;                                                                    \
    *r = cmp_holds(cmpf(a[0], a[1]), op);                                       \
    return NULL;                                                                \
  }
STRCMP_FN(c_eq, CMP_EQ, cmp_bytes)
STRCMP_FN(c_eqi, CMP_EQ, cmp_caseless)
STRCMP_FN(c_lt, CMP_LT, cmp_bytes)
STRCMP_FN(c_lti, CMP_LT, cmp_caseless)
STRCMP_FN(c_le, CMP_LE, cmp_bytes)
STRCMP_FN(c_lei, CMP_LE, cmp_caseless)
STRCMP_FN(c_gt, CMP_GT, cmp_bytes)
STRCMP_FN(c_gti, CMP_GT, cmp_caseless)
STRCMP_FN(c_ge, CMP_GE, cmp_bytes)
STRCMP_FN(c_gei, CMP_GE, cmp_caseless)

static const char *num_compare(const char *const *a, int op, bool *r)
{
  long long x, y;
  const char *err;
  if ((err = cond_parse_integer(a[0], &x)) != NULL) return err;
  if ((err = cond_parse_integer(a[1], &y)) != NULL) return err;
  *r = cmp_holds(x < y ? -1 : x > y ? 1 : 0, op);
  return NULL;
}

#define NUMCMP_FN(fname, op)                                                    \
  static const char *fname(const char *const *a, int n, bool *r)               \
  {                                                                             \
    (void)n;                                                                    \
    return num_compare(a, op, r);                                               \
  }
NUMCMP_FN(c_num_eq, CMP_EQ)
NUMCMP_FN(c_num_lt, CMP_LT)
NUMCMP_FN(c_num_le, CMP_LE)
NUMCMP_FN(c_num_gt, CMP_GT)
NUMCMP_FN(c_num_ge, CMP_GE)

/* ---- match ---------------------------------------------------------------- */

static const char *c_match(const char *const *a, int n, bool *r)
{
  const char *err = NULL, *caps[EXPAND_MAXN];
  const regex *re;
  int ncaps = 0, rc;
  (void)n;

  if (!(re = regex_get(a[1], 0, &err))) {
    /* regex_get phrases it "<what> at offset <n> while compiling <re>";
     * the expansion says 'regular expression error in "<re>": <what> at
     * offset <n>'. */
    const char *w = err ? strstr(err, " while compiling ") : NULL;
    return str_sprintf("regular expression error in \"%s\": %.*s", a[1],
                       w ? (int)(w - err) : (int)strlen(err ? err : ""), err ? err : "");
  }
  rc = regex_match(re, a[0], strlen(a[0]), caps, EXPAND_MAXN, &ncaps, &err);
  if (rc < 0) {
    /* A matching error (e.g. the match limit) counts as no match, as in
     * Exim. */
    DEBUG(D_expand) debug_printf("match: %s\n", err ? err : "regex matching error");
    rc = 0;
  }
  *r = rc == 1;
  if (*r) expand_set_numeric(ncaps, caps);
  return NULL;
}

/* ---- list matching -------------------------------------------------------- */

/* The list argument is used as given (the core read it without "$"
 * substitution); a match sets $value to the matching item's value. */
static const char *list_cond(const char *cond, match_list_type type, unsigned flags,
                             const char *const *a, bool *r)
{
  const char *data = NULL, *err = NULL;
  match_rc rc = match_list_check(type, a[0], NULL, a[1], flags | MATCH_F_NOEXPAND, &data, &err);
  DEBUG(D_expand) debug_printf("%s: \"%s\" in \"%s\": %s\n", cond, a[0], a[1],
                                rc == MATCH_YES ? "yes" : rc == MATCH_NO ? "no" : "defer");
  if (rc == MATCH_DEFER)
    return str_sprintf("unable to complete match against \"%s\": %s", a[1],
                       err ? err : "list match deferred");
  *r = rc == MATCH_YES;
  if (*r) expand_set_value(data ? data : "");
  return NULL;
}

static const char *c_match_domain(const char *const *a, int n, bool *r)
{
  (void)n;
  return list_cond("match_domain", MATCH_LIST_DOMAIN, 0, a, r);
}

static const char *c_match_local_part(const char *const *a, int n, bool *r)
{
  (void)n;
  return list_cond("match_local_part", MATCH_LIST_LOCALPART, MATCH_F_CASELESS, a, r);
}

static const char *c_match_address(const char *const *a, int n, bool *r)
{
  (void)n;
  return list_cond("match_address", MATCH_LIST_ADDRESS, MATCH_F_CASELESS, a, r);
}

/* match_ip: the first argument must be an IP address or empty; the list is
 * a host list restricted to address items. */
static const char *c_match_ip(const char *const *a, int n, bool *r)
{
  (void)n;
  if (a[0][0] != '\0' && cond_ip_version(a[0]) == 0)
    return str_sprintf("\"%s\" is not an IP address", a[0]);
  return list_cond("match_ip", MATCH_LIST_IP, 0, a, r);
}

/* inlist: plain string list, items compared literally (no negation, no
 * regex, no lookups); $value is the matching item, with the list's taint. */
static const char *inlist_common(const char *const *a, bool caseless, bool *r)
{
  const char *list = a[1];
  int sep = 0;
  char *item;
  *r = false;
  while ((item = list_next(&list, &sep)) != NULL)
    if (caseless ? str_cmpic(a[0], item) == 0 : strcmp(a[0], item) == 0) {
      *r = true;
      expand_set_value(item);
      break;
    }
  return NULL;
}

static const char *c_inlist(const char *const *a, int n, bool *r)
{
  (void)n;
  return inlist_common(a, false, r);
}

static const char *c_inlisti(const char *const *a, int n, bool *r)
{
  (void)n;
  return inlist_common(a, true, r);
}

/* ---- files and addresses -------------------------------------------------- */

static const char *c_exists(const char *const *a, int n, bool *r)
{
  struct stat st;
  (void)n;
  if (expand_forbid & EXPAND_FORBID_EXISTS) return "File existence tests are not permitted";
  *r = a[0][0] != '\0' && stat(a[0], &st) == 0;
  return NULL;
}

static const char *c_isip(const char *const *a, int n, bool *r)
{
  (void)n;
  *r = cond_ip_version(a[0]) != 0;
  return NULL;
}

static const char *c_isip4(const char *const *a, int n, bool *r)
{
  (void)n;
  *r = cond_ip_version(a[0]) == 4;
  return NULL;
}

static const char *c_isip6(const char *const *a, int n, bool *r)
{
  (void)n;
  *r = cond_ip_version(a[0]) == 6;
  return NULL;
}

/* ---- authentication conditions absent from this build ---------------------- */

/* The text is Exim's for a binary built without the support; the debug
 * output names the build setting that Exim would need. */
#define ABSENT_FN(fname, word, setting)                                         \
  static const char *fname(const char *const *a, int n, bool *r)               \
  {                                                                             \
    (void)a; (void)n; *r = false;                                               \
    DEBUG(D_expand) debug_printf("condition \"" word "\" needs " setting        \
                                 " at build time, which this tree does not provide\n"); \
    return "support for \"" word "\" not compiled";                            \
  }
ABSENT_FN(c_pam, "pam", "SUPPORT_PAM")
ABSENT_FN(c_radius, "radius", "RADIUS_CONFIG_FILE")
ABSENT_FN(c_pwcheck, "pwcheck", "CYRUS_PWCHECK_SOCKET")
ABSENT_FN(c_ldapauth, "ldapauth", "LOOKUP_LDAP")
ABSENT_FN(c_saslauthd, "saslauthd", "CYRUS_SASLAUTHD_SOCKET")

/* ---- the table ------------------------------------------------------------- */

static const struct expand_cond cond_table[] = {
  { "<",                2, 2, c_num_lt,           0 },
  { "<=",               2, 2, c_num_le,           0 },
  { "=",                2, 2, c_num_eq,           0 },
  { "==",               2, 2, c_num_eq,           0 },
  { ">",                2, 2, c_num_gt,           0 },
  { ">=",               2, 2, c_num_ge,           0 },
  { "crypteq",          2, 2, cond_crypteq,       0 },
  { "eq",               2, 2, c_eq,               0 },
  { "eqi",              2, 2, c_eqi,              0 },
  { "exists",           1, 1, c_exists,           0 },
  { "ge",               2, 2, c_ge,               0 },
  { "gei",              2, 2, c_gei,              0 },
  { "gt",               2, 2, c_gt,               0 },
  { "gti",              2, 2, c_gti,              0 },
  { "inlist",           2, 2, c_inlist,           0 },
  { "inlisti",          2, 2, c_inlisti,          0 },
  { "isip",             1, 1, c_isip,             0 },
  { "isip4",            1, 1, c_isip4,            0 },
  { "isip6",            1, 1, c_isip6,            0 },
  { "ldapauth",         1, 1, c_ldapauth,         0 },
  { "le",               2, 2, c_le,               0 },
  { "lei",              2, 2, c_lei,              0 },
  { "lt",               2, 2, c_lt,               0 },
  { "lti",              2, 2, c_lti,              0 },
  { "match",            2, 2, c_match,            0 },
  { "match_address",    2, 2, c_match_address,    COND_RHS_LITERAL },
  { "match_domain",     2, 2, c_match_domain,     COND_RHS_LITERAL },
  { "match_ip",         2, 2, c_match_ip,         COND_RHS_LITERAL },
  { "match_local_part", 2, 2, c_match_local_part, COND_RHS_LITERAL },
  { "pam",              1, 1, c_pam,              0 },
  { "pwcheck",          1, 1, c_pwcheck,          0 },
  { "radius",           1, 1, c_radius,           0 },
  { "saslauthd",        2, 4, c_saslauthd,        0 },
};

const struct expand_cond *expand_cond_find(const char *name)
{
  size_t lo = 0, hi = sizeof cond_table / sizeof cond_table[0];
  if (!name) return NULL;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(name, cond_table[mid].name);
    if (c == 0) return &cond_table[mid];
    if (c < 0) hi = mid; else lo = mid + 1;
  }
  return NULL;
}
