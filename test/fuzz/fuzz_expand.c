/* fuzz_expand.c - libFuzzer target for the expansion parser (src/expand/
 * parse.c) and, for strings that use only side-effect-free items, the
 * evaluator.
 *
 * Build and run: test/fuzz/run-fuzz.sh [seconds] (clang, -fsanitize=fuzzer,
 * address,undefined; objects built into build-fuzz/).
 *
 * Must never: evaluate an input that could run a command, open a file or a
 * socket, or run a lookup (such inputs are parsed only).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/store.h"
#include "expand/expand.h"
#include "expand/expand_int.h"

/* Words that make evaluation reach outside the process. */
static const char *const unsafe[] = {"run", "readfile", "readsocket", "lookup", "acl", "dlfunc",
                                     "perl", "exists", "pam", "radius", "ldapauth", "saslauthd",
                                     "stat", "match_domain", "match_address", "match_host",
                                     "match_local_part", "match_ip", "env", "isip", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  store_mark *m = store_mark_take(POOL_MAIN);
  char *s = store_get(size + 1, false);
  memcpy(s, data, size);
  s[size] = 0;
  eseq *tree = NULL;
  store_pool old = store_pool_set(POOL_MAIN);
  const char *err = expand_parse(s, &tree);
  store_pool_set(old);
  bool safe = !err && !memchr(data, 0, size);
  for (int i = 0; safe && unsafe[i]; i++)
    if (strstr(s, unsafe[i])) safe = false;
  if (safe) (void)expand_string(s);
  store_reset(m);
  return 0;
}
