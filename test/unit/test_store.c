/* test_store.c - unit tests for the pools (src/base/store.c) and strings
 * (src/base/str.c): allocation, marks and resets, taint tracking, gstring
 * growth and taint propagation, formatting helpers. */
#include <stdio.h>
#include <string.h>

#include "base/store.h"
#include "base/str.h"
#include "unit.h"


static void test_taint(void) {
  char *clean = store_get(10, false);
  char *dirty = store_get(10, true);
  CHECK(!is_tainted(clean));
  CHECK(is_tainted(dirty));
  CHECK(is_tainted(dirty + 9));
  int local;
  CHECK(!is_tainted(&local));
  CHECK(!is_tainted("literal"));
  /* Big tainted allocations get their own block and are still found. */
  char *big = store_get(100000, true);
  CHECK(is_tainted(big) && is_tainted(big + 99999));
  char *perm = store_get_in(POOL_PERM, 32, true);
  CHECK(is_tainted(perm));
}

static void test_marks(void) {
  store_mark *m = store_mark_take(POOL_MAIN);
  size_t before = store_in_use(POOL_MAIN);
  for (int i = 0; i < 1000; i++) (void)store_get(1000, i & 1);
  CHECK(store_in_use(POOL_MAIN) > before + 900000);
  (void)store_get(50, true);
  store_reset(m);
  CHECK(store_in_use(POOL_MAIN) <= before + 64);
  char *c = store_get(10, false);
  CHECK(!is_tainted(c));
}

static void test_gstring(void) {
  gstring *g = NULL;
  for (int i = 0; i < 1000; i++) g = g_fmt(g, "%d,", i);
  CHECK(g->len == strlen(g_str(g)));
  CHECK(strncmp(g_str(g), "0,1,2,", 6) == 0);
  CHECK(!is_tainted(g->s));
  char *dirty = str_copy_taint("evil", true);
  g = g_cat(g, dirty);
  CHECK(is_tainted(g->s));
  CHECK(strcmp(g_str(g) + g->len - 5, ",evil") == 0);
  CHECK(is_tainted(str_copy(g_str(g))));
  g_trim(g, 3);
  CHECK(strcmp(g_str(g), "0,1") == 0);
  CHECK(strcmp(g_str(NULL), "") == 0);
}

static void test_helpers(void) {
  CHECK(str_cmpic("HeLLo", "hello") == 0);
  CHECK(str_cmpic("a", "B") < 0);
  CHECK(str_ncmpic("abcX", "ABCy", 3) == 0);
  CHECK(strcmp(str_lc("MiXeD"), "mixed") == 0);
  CHECK(strcmp(str_skip_space("  \t x"), "x") == 0);
  char buf[] = "trail  \t\n";
  CHECK(strcmp(str_rtrim(buf), "trail") == 0);
  CHECK(strcmp(str_printing("a\nb\x01"), "a\\nb\\x01") == 0);
  CHECK(strcmp(str_format_mkint(100 * 1024), "100K") == 0);
  CHECK(strcmp(str_format_mkint(50 * 1024 * 1024), "50M") == 0);
  CHECK(strcmp(str_format_mkint(1000), "1000") == 0);
  CHECK(strcmp(str_format_mkint(0), "0") == 0);
  CHECK(strcmp(str_sprintf("%s-%d", "x", 5), "x-5") == 0);
  CHECK(strcmp(str_copyn("abcdef", 3), "abc") == 0);
}

int main(void) {
  test_taint();
  test_marks();
  test_gstring();
  test_helpers();
  if (failures) fprintf(stderr, "test_store: %d failure(s)\n", failures);
  return failures != 0;
}
