/* test_ops.c - unit tests for the expansion operators (src/expand/ops*.c),
 * called directly; expected values recorded from exim4 -be. */
#include <stdio.h>
#include <string.h>

#include "expand/ops.h"

static int failures;

/* Run ${word:arg}; returns the result or "ERR:<message>". */
static const char *run(const char *word, const char *arg) {
  const char *opt;
  const expand_op *op = expand_op_find(word, &opt);
  if (!op) return str_sprintf("ERR:unknown expansion operator \"%s\"", word);
  gstring *g = NULL;
  const char *err = op->fn(&g, arg, opt);
  if (err) return str_sprintf("ERR:%s", err);
  return g_str(g);
}

#define T(word, arg, want)                                                       \
  do {                                                                           \
    const char *got_ = run(word, arg);                                           \
    if (strcmp(got_, want) != 0) {                                               \
      fprintf(stderr, "%s:%d: ${%s:%s} gave [%s], want [%s]\n", __FILE__, __LINE__, \
              word, arg, got_, want);                                            \
      failures++;                                                                \
    }                                                                            \
  } while (0)

int main(void) {
  T("lc", "ABC", "abc");
  T("uc", "abc", "ABC");
  T("lc", "", "");
  T("length_2", "abcd", "ab");
  T("l_2", "abcd", "ab");
  T("length_0", "abc", "");
  T("length_99999999999", "abc", "abc");
  T("length", "abc", "ERR:Not enough arguments for 'length' (min is 2)");
  T("length_x", "abcd", "ERR:non-digit after underscore in \"length_x\"");
  T("length_-1", "abcd", "ERR:non-digit after underscore in \"length_-1\"");
  T("length_2_3", "abcd", "ERR:non-digit after underscore in \"length_2_3\"");
  T("length_1x", "abc", "ERR:non-digit after underscore in \"length_1x\"");
  T("hash_3", "abcdefgh", "jac");
  T("hash_3_5", "abcdefgh", "bba");
  T("h_3", "abcdefgh", "jac");
  T("hash_0", "abc", "");
  T("hash", "abc", "ERR:Not enough arguments for 'hash' (min is 2)");
  T("hash_3_64", "abcdefgh", "ERR:hash count \"64\" too big");
  T("hash_3_63", "abcdefgh", "ERR:hash count \"63\" too big");
  T("hash_3_5_7", "abcdefgh", "ERR:non-digit after underscore in \"hash_3_5_7\"");
  T("hash_a", "abc", "ERR:non-digit after underscore in \"hash_a\"");
  T("nhash_8", "abc", "4");
  T("nhash_8_64", "abc", "7/44");
  T("nhash", "abc", "ERR:Not enough arguments for 'nhash' (min is 2)");
  T("substr_1_2", "abcdef", "bc");
  T("s_1", "abcdef", "bcdef");
  T("substr_-2", "abcdef", "abcd");
  T("substr_-2_1", "abcdef", "e");
  T("substr_10", "abc", "");
  T("substr_-5_2", "12", "");
  T("substr_-3_2", "12", "1");
  T("substr_-1", "abc", "ab");
  T("substr_1_x", "abc", "ERR:non-digit after underscore in \"substr_1_x\"");
  T("s_1_1_1", "abc", "ERR:non-digit after underscore in \"s_1_1_1\"");
  T("substr", "abc", "ERR:Not enough arguments for 'substr' (min is 2)");
  T("strlen", "abcd", "4");
  T("listcount", "a:b:c", "3");
  T("foo", "abc", "ERR:unknown expansion operator \"foo\"");

  /* robustness: every operator over random bytes, long strings and
   * awkward suffixes must return a result or an error, never crash */
  static const char *const words[] = {
    "address", "addresses", "base32", "base32d", "base62", "base62d", "base64", "base64d",
    "domain", "escape", "escape8bit", "eval", "eval10", "from_utf8", "hash_3", "hash_2_62",
    "hex2b64", "hexquote", "ipv6denorm", "ipv6norm", "lc", "length_5", "listcount",
    "local_part", "mask", "mask_n", "md5", "nhash_7", "nhash_3_5", "quote", "quote_local_part",
    "quote_lsearch", "randint", "reverse_ip", "rfc2047", "rfc2047d", "rxquote", "sha1", "sha2_512",
    "sha256", "sha3_224", "str2b64", "strlen", "substr_-3_2", "time_eval", "time_interval", "uc",
    "utf8clean", "s_99999999999999999999", "l_99999999999999999999", "h_999_1", "nh_0",
  };
  unsigned seed = 12345;
  for (int round = 0; round < 300; round++) {
    size_t n = (size_t)(round < 290 ? round % 97 : 100000);
    char *buf = store_get(n + 1, false);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      char c = (char)(seed >> 16);
      static const char alpha[] = "0123456789()+-*/%<>&|^~ :.@[]<>\"=?_abcQB,;";
      if (round % 3 == 0) c = alpha[(seed >> 8) % (sizeof alpha - 1)];
      buf[i] = c ? c : 'x';
    }
    buf[n] = 0;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
      const char *opt;
      const expand_op *op = expand_op_find(words[w], &opt);
      if (!op) {
        fprintf(stderr, "operator %s missing\n", words[w]);
        failures++;
        continue;
      }
      gstring *g = NULL;
      const char *err = op->fn(&g, buf, opt);
      if (!err && !g) {
        fprintf(stderr, "%s gave neither result nor error\n", words[w]);
        failures++;
      }
    }
  }

  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures != 0;
}
