/* test_regex.c - unit tests for the PCRE2 wrapper (src/base/regex.c):
 * caching, captures with taint, caseless flag, compile error text. */
#include <stdio.h>
#include <string.h>

#include "base/regex.h"
#include "base/str.h"
#include "unit.h"


int main(void) {
  const char *err = NULL;
  const regex *re = regex_get("^(\\w+)@(\\w+)\\.com$", 0, &err);
  CHECK(re != NULL);
  CHECK(regex_get("^(\\w+)@(\\w+)\\.com$", 0, &err) == re);   /* cached */
  const char *caps[10];
  int n = 0;
  const char *subj = str_copy_taint("joe@example.com", true);
  CHECK(regex_match(re, subj, strlen(subj), caps, 10, &n, &err) == 1);
  CHECK(n == 3);
  CHECK(strcmp(caps[0], "joe@example.com") == 0 && strcmp(caps[1], "joe") == 0 &&
        strcmp(caps[2], "example") == 0);
  CHECK(is_tainted(caps[1]));
  CHECK(regex_match(re, "x@y.org", 7, NULL, 0, NULL, &err) == 0);
  const regex *ci = regex_get("abc", REGEX_CASELESS, &err);
  CHECK(ci && ci != regex_get("abc", 0, &err));
  CHECK(regex_match(ci, "xABCx", 5, NULL, 0, NULL, &err) == 1);
  CHECK(regex_get("a(b", 0, &err) == NULL);
  CHECK(err && strstr(err, "at offset 3 while compiling a(b") != NULL);
  size_t ov[4];
  CHECK(regex_match_offsets(regex_get("b", 0, &err), "abcb", 4, 2, ov, 2, &err) == 1);
  CHECK(ov[0] == 3 && ov[1] == 4);
  regex_cache_reset();
  if (failures) fprintf(stderr, "test_regex: %d failure(s)\n", failures);
  return failures != 0;
}
