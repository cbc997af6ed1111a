/* unit.h - the little that every C unit test shares: a failure counter and
 * CHECK(), which reports the file, line and condition of a failed check and
 * lets the test go on.  A test's main() ends with `return unit_done("name");`.
 */
#ifndef TEST_UNIT_H
#define TEST_UNIT_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      failures++;                                                                \
    }                                                                            \
  } while (0)

static inline int unit_done(const char *name) {
  if (failures) fprintf(stderr, "%s: %d failure(s)\n", name, failures);
  return failures != 0;
}

#endif
