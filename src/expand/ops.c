/* ops.c - the table of expansion operators (spec 11.6) and the simple
 * string ones: lc, uc, strlen, listcount, length/l, substr/s, hash/h,
 * nhash/nh.
 *
 * Entry point: expand_op_find() (ops.h).  The other operators live in
 * ops_encode.c, ops_hash.c, ops_address.c and ops_misc.c.
 * Operators never expand their argument (the core has already done so)
 * and never touch taint.
 */
#include <ctype.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>

#include "../base/list.h"
#include "ops_int.h"

/* ---- suffix numbers ------------------------------------------------- */

/* Parse "N" or "N_M" after the operator word.  Up to `max` numbers, the
 * first may be negative when allow_neg.  Returns count or -1. */
static int parse_nums(const char *opt, long *v, int max, bool allow_neg) {
  int n = 0;
  const char *p = opt;
  if (!p) return 0;
  for (;;) {
    bool neg = false;
    if (*p == '-' && allow_neg && n == 0) {
      neg = true;
      p++;
    }
    if (!isdigit(uc(*p))) return -1;
    long x = 0;
    while (isdigit(uc(*p))) {
      if (x < LONG_MAX / 10 - 10) x = x * 10 + (*p - '0');
      p++;
    }
    if (n >= max) return -1;
    v[n++] = neg ? -x : x;
    if (!*p) return n;
    if (*p != '_') return -1;
    p++;
  }
}

static const char *nondigit(const char *word, const char *opt) {
  return str_sprintf("non-digit after underscore in \"%s_%s\"", word, opt);
}

/* No numbers at all.  The long names are items in the parser and only
 * reach here when called directly; the short forms ("${l:x}") need their
 * numbers after an underscore. */
static const char *missing_values(const char *word) {
  if (strlen(word) > 2) return str_sprintf("Not enough arguments for '%s' (min is 2)", word);
  return str_sprintf("missing values after %s", word);
}

/* ---- shared helpers ---------------------------------------------------- */

gstring *ops_length(gstring *g, const char *s, long n) {
  size_t len = strlen(s);
  if (n >= 0 && (size_t)n < len) len = (size_t)n;
  return g_catn(g ? g : g_new(len + 1, false), s, len);
}

gstring *ops_substr(gstring *g, const char *s, long start, long len, bool len_given) {
  long sublen = (long)strlen(s);
  if (!g) g = g_new(16, false);
  if (start < 0) {
    start += sublen;
    if (!len_given) {
      len = start;
      start = 0;
    }
    if (start < 0) {
      len += start;
      start = 0;
    }
  } else {
    if (start > sublen) start = sublen;
    if (!len_given) len = sublen - start;
  }
  if (len < 0) len = 0;
  if (start + len > sublen) len = sublen - start;
  return g_catn(g, s + start, (size_t)len);
}

/* exim4's alphabet for ${hash}: note "qrts", recorded from the oracle
 * (hash_1_62 over inputs hitting every index). */
static const char hashcodes[] = "abcdefghijklmnopqrtsuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const char *ops_hash(gstring **g, const char *s, long n, long m) {
  size_t len = strlen(s);
  if (m < 0) m = 26;
  else if (m > (long)sizeof hashcodes - 1) return str_sprintf("hash count \"%ld\" too big", m);
  else if (m == 0) return str_sprintf("hash count \"%ld\" too small", m);
  if (n < 0 || (size_t)n >= len) {
    *g = g_cat(*g, s);
    return NULL;
  }
  unsigned char *h = store_get((size_t)n + 1, false);
  memcpy(h, s, (size_t)n);
  long i = 0;
  for (size_t j = (size_t)n; j < len; j++) {
    unsigned c = uc(s[j]);
    unsigned shift = (c + (unsigned)j) & 7;
    h[i] ^= (unsigned char)((c << shift) | (c >> (8 - shift)));
    if (++i >= n) i = 0;
  }
  for (i = 0; i < n; i++) *g = g_catc(*g, hashcodes[h[i] % m]);
  if (!*g) *g = g_new(1, false);
  return NULL;
}

static const int primes[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,  43,  47,
                             53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113};

const char *ops_nhash(gstring **g, const char *s, long n, long m) {
  uint32_t total = 0;   /* Exim sums in 32 bits: long strings wrap */
  int i = 0;
  if (n <= 0 || m == 0) return str_sprintf("nhash divisor must not be zero");
  /* The primes are used from the last down to the second, then again from
   * the last: Exim never multiplies by the first one. */
  for (; *s; s++) {
    if (i == 0) i = (int)(sizeof primes / sizeof primes[0]) - 1;
    total += (uint32_t)primes[i--] * uc(*s);
  }
  if (m < 0) {
    *g = g_fmt(*g, "%lu", total % (unsigned long)n);
  } else {
    total %= (unsigned long)n * (unsigned long)m;
    *g = g_fmt(*g, "%lu/%lu", total / (unsigned long)m, total % (unsigned long)m);
  }
  return NULL;
}

/* ---- operators ----------------------------------------------------------- */

OPFN(op_lc) {
  (void)opt;
  for (const char *p = arg; *p; p++) *out = g_catc(*out, (char)tolower(uc(*p)));
  if (!*out) *out = g_new(1, false);
  return NULL;
}

OPFN(op_uc) {
  (void)opt;
  for (const char *p = arg; *p; p++) *out = g_catc(*out, (char)toupper(uc(*p)));
  if (!*out) *out = g_new(1, false);
  return NULL;
}

OPFN(op_strlen) {
  (void)opt;
  *out = g_fmt(*out, "%zu", strlen(arg));
  return NULL;
}

OPFN(op_listcount) {
  (void)opt;
  *out = g_fmt(*out, "%d", list_count(arg, 0));
  return NULL;
}

static const char *empty_result(gstring **out) {
  if (!*out) *out = g_new(1, false);
  return NULL;
}

static const char *do_length(gstring **out, const char *arg, const char *opt, const char *word) {
  long v[1];
  if (!opt) return missing_values(word);
  if (!*opt) v[0] = 0;                       /* "l_": no number is zero */
  else if (parse_nums(opt, v, 1, false) != 1) return nondigit(word, opt);
  *out = ops_length(*out, arg, v[0]);
  return NULL;
}
OPFN(op_length) { return do_length(out, arg, opt, "length"); }
OPFN(op_l) { return do_length(out, arg, opt, "l"); }

static const char *do_substr(gstring **out, const char *arg, const char *opt, const char *word) {
  long v[2];
  if (!opt) return missing_values(word);
  int n = 1;
  if (!*opt) v[0] = 0;                       /* "s_": from the start */
  else if ((n = parse_nums(opt, v, 2, true)) < 1) return nondigit(word, opt);
  *out = ops_substr(*out, arg, v[0], n > 1 ? v[1] : 0, n > 1);
  return NULL;
}
OPFN(op_substr) { return do_substr(out, arg, opt, "substr"); }
OPFN(op_s) { return do_substr(out, arg, opt, "s"); }

static const char *do_hash(gstring **out, const char *arg, const char *opt, const char *word) {
  long v[2];
  if (!opt) return missing_values(word);
  if (!*opt) return empty_result(out);      /* "h_": zero characters */
  int n = parse_nums(opt, v, 2, false);
  if (n < 1) return nondigit(word, opt);
  return ops_hash(out, arg, v[0], n > 1 ? v[1] : -1);
}
OPFN(op_hash) { return do_hash(out, arg, opt, "hash"); }
OPFN(op_h) { return do_hash(out, arg, opt, "h"); }

static const char *do_nhash(gstring **out, const char *arg, const char *opt, const char *word) {
  long v[2];
  if (!opt) return missing_values(word);
  if (!*opt) return empty_result(out);      /* "nh_": as exim4, nothing */
  int n = parse_nums(opt, v, 2, false);
  if (n < 1) return nondigit(word, opt);
  return ops_nhash(out, arg, v[0], n > 1 ? v[1] : -1);
}
OPFN(op_nhash) { return do_nhash(out, arg, opt, "nhash"); }
OPFN(op_nh) { return do_nhash(out, arg, opt, "nh"); }

/* Operators of features this build leaves out (SMTPUTF8/IDNA belongs to
 * the i18n module, planned in src/modules.def). */
#define ABSENT(fn, word, flag)                                                            \
  static OPFN(fn) {                                                                     \
    (void)out, (void)arg, (void)opt;                                                    \
    return "the \"" word "\" operator is not available in this build (needs " flag    \
           " in Local/Makefile)";                                                       \
  }
ABSENT(op_u2a_dom, "utf8_domain_to_alabel", "SUPPORT_I18N")
ABSENT(op_a2u_dom, "utf8_domain_from_alabel", "SUPPORT_I18N")
ABSENT(op_u2a_lp, "utf8_localpart_to_alabel", "SUPPORT_I18N")
ABSENT(op_a2u_lp, "utf8_localpart_from_alabel", "SUPPORT_I18N")

/* ---- the table ------------------------------------------------------------ */

static const expand_op ops_table[] = {
  {"address", op_address, false},
  {"addresses", op_addresses, false},
  {"base32", op_base32, false},
  {"base32d", op_base32d, false},
  {"base62", op_base62, false},
  {"base62d", op_base62d, false},
  {"base64", op_base64, false},
  {"base64d", op_base64d, false},
  {"domain", op_domain, false},
  {"escape", op_escape, false},
  {"escape8bit", op_escape8bit, false},
  {"eval", op_eval, false},
  {"eval10", op_eval10, false},
  {"expand", op_expand, false},
  {"from_utf8", op_from_utf8, false},
  {"h", op_h, true},
  {"hash", op_hash, true},
  {"hex2b64", op_hex2b64, false},
  {"hexquote", op_hexquote, false},
  {"ipv6denorm", op_ipv6denorm, false},
  {"ipv6norm", op_ipv6norm, false},
  {"l", op_l, true},
  {"lc", op_lc, false},
  {"length", op_length, true},
  {"listcount", op_listcount, false},
  {"listnamed", op_listnamed, true},
  {"local_part", op_local_part, false},
  {"mask", op_mask, true},
  {"md5", op_md5, false},
  {"nh", op_nh, true},
  {"nhash", op_nhash, true},
  {"quote", op_quote, false},
  {"randint", op_randint, false},
  {"reverse_ip", op_reverse_ip, false},
  {"rfc2047", op_rfc2047, false},
  {"rfc2047d", op_rfc2047d, false},
  {"rxquote", op_rxquote, false},
  {"s", op_s, true},
  {"sha1", op_sha1, false},
  {"sha2", op_sha2, true},
  {"sha256", op_sha2, true},
  {"sha3", op_sha3, true},
  {"stat", op_stat, false},
  {"str2b64", op_base64, false},
  {"strlen", op_strlen, false},
  {"substr", op_substr, true},
  {"time_eval", op_time_eval, false},
  {"time_interval", op_time_interval, false},
  {"uc", op_uc, false},
  {"utf8_domain_from_alabel", op_a2u_dom, false},
  {"utf8_domain_to_alabel", op_u2a_dom, false},
  {"utf8_localpart_from_alabel", op_a2u_lp, false},
  {"utf8_localpart_to_alabel", op_u2a_lp, false},
  {"utf8clean", op_utf8clean, false},
};

const struct expand_op *expand_op_find(const char *name, const char **opt) {
  const size_t n = sizeof ops_table / sizeof ops_table[0];
  *opt = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(ops_table[i].name, name) == 0) return &ops_table[i];
  /* quote_<lookup>, quote_local_part */
  static const expand_op quote_lookup = {"quote_", op_quote_lookup, true};
  if (strncmp(name, "quote_", 6) == 0) {
    *opt = name + 6;
    return &quote_lookup;
  }
  /* "word_suffix": the word is everything before the first underscore
   * that is not part of an operator's name; as exim4, operators that take
   * no suffix ignore one ("md5_1" is md5) */
  const char *us = NULL;
  size_t wl = 0;
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(ops_table[i].name);
    if (strncmp(ops_table[i].name, name, l) == 0 && name[l] == '_' && l > wl) {
      wl = l;
      us = name + l;
    }
  }
  if (!us) return NULL;
  for (size_t i = 0; i < n; i++)
    if (strlen(ops_table[i].name) == wl &&
        strncmp(ops_table[i].name, name, wl) == 0) {
      *opt = us + 1;
      return &ops_table[i];
    }
  return NULL;
}
