/* test_list.c - unit tests for Exim string lists (src/base/list.c):
 * separators, doubling, white space, empty items, taint of items. */
#include <stdio.h>
#include <string.h>

#include "base/list.h"
#include "unit.h"


/* Join the items of `list` with '|' for easy comparison. */
static const char *items(const char *list, int sep) {
  gstring *g = NULL;
  char *it;
  int n = 0;
  while ((it = list_next(&list, &sep))) {
    if (n++) g = g_catc(g, '|');
    g = g_cat(g, it);
  }
  return g_str(g);
}

int main(void) {
  CHECK(strcmp(items("a : b:c", 0), "a|b|c") == 0);
  CHECK(strcmp(items("127.0.0.1 : ::::1", 0), "127.0.0.1|::1") == 0);
  CHECK(strcmp(items("<; 127.0.0.1 ; ::1", 0), "127.0.0.1|::1") == 0);
  CHECK(strcmp(items("user@domain :", 0), "user@domain") == 0);
  CHECK(strcmp(items("u1 : : u2", 0), "u1||u2") == 0);
  CHECK(strcmp(items(":", 0), "") == 0);
  CHECK(list_count(":", 0) == 1);
  CHECK(list_count("", 0) == 0);
  CHECK(list_count("   ", 0) == 0);
  CHECK(strcmp(items("<\n a \n b\n\nc", 0), "a|b||c") == 0);
  CHECK(strcmp(items("a;b:c", ';'), "a|b:c") == 0);
  CHECK(strcmp(items("<, a,b", -':'), "<, a,b") == 0);
  /* Taint follows the list. */
  const char *t = str_copy_taint("x : y", true);
  int sep = 0;
  CHECK(is_tainted(list_next(&t, &sep)));
  /* Building doubles printing separators. */
  gstring *g = list_append(NULL, ':', "a:b");
  g = list_append(g, ':', "c");
  CHECK(strcmp(g_str(g), "a::b:c") == 0);
  CHECK(strcmp(items(g_str(g), 0), "a:b|c") == 0);
  g = list_append(NULL, ':', "clean");
  g = list_append(g, ':', str_copy_taint("dirty", true));
  CHECK(is_tainted(g->s));
  if (failures) fprintf(stderr, "test_list: %d failure(s)\n", failures);
  return failures != 0;
}
