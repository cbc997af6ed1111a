/* fuzz_acl.c - libFuzzer target for the ACL reader (src/acl/acl_read.c):
 * the input is taken as an inline ACL and parsed.
 *
 * Checks beyond "no crash": a parse either gives statements whose items
 * all name a known condition/modifier, or an error text; never both.
 *
 * Build and run: FUZZ_TARGET=acl test/fuzz/run-fuzz.sh [seconds].
 *
 * Must never: touch files or sockets (nothing is evaluated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 20000) return 0;
  store_mark *m = store_mark_take(POOL_MAIN);
  char *s = store_get(size + 1, false);
  memcpy(s, data, size);
  s[size] = 0;
  const char *err = NULL;
  acl_stmt *st = acl_parse_inline(s, &err);
  if (err && (st || !*err)) abort();
  for (; st; st = st->next) {
    if (st->verb < 0 || st->verb >= ACL_VERB_COUNT) abort();
    for (const acl_item *it = st->items; it; it = it->next)
      if (!it->def || !it->def->name || acl_cond_find(it->def->name, strlen(it->def->name)) != it->def) abort();
  }
  store_reset(m);
  return 0;
}
