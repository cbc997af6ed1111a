/* fuzz_address.c - libFuzzer target for the address parser
 * (src/base/address.c).
 *
 * Checks beyond "no crash": a successful address_extract() gives offsets
 * inside the input, a domain offset just after an '@' of the result, a
 * result no longer than the input, and an error text otherwise; the
 * header-list walker reports items that are substrings of the value at
 * their offsets, with address spans inside the value; xtext_encode()
 * output decodes back to its input; address_fix_phrase() output stays
 * within four times the input's length.
 *
 * Build and run: FUZZ_TARGET=address test/fuzz/run-fuzz.sh [seconds].
 *
 * Must never: touch files or sockets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"
#include "base/store.h"

static void extract(const char *s, size_t size, bool allow_null) {
  const char *err = NULL;
  int start = -1, end = -1, dom = -1;
  char *a = address_extract(s, &err, &start, &end, &dom, allow_null);
  if (!a) {
    if (!err || !*err) abort();
    return;
  }
  size_t alen = strlen(a);
  if (start < 0 || end < start || (size_t)end > size) abort();
  if (alen > size) abort();
  if (dom < 0 || (size_t)dom > alen || (dom > 0 && a[dom - 1] != '@')) abort();
  if (!allow_null && alen == 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 20000) return 0;
  store_mark *m = store_mark_take(POOL_MAIN);
  char *s = store_get(size + 1, true);
  memcpy(s, data, size);
  s[size] = 0;
  size_t len = strlen(s);

  address_allow_domain_literals = size & 1;
  extract(s, len, false);
  extract(s, len, true);

  address_walk w;
  address_item it;
  address_walk_init(&w, s);
  while (address_walk_next(&w, &it)) {
    size_t tl = strlen(it.text);
    if (it.offset + tl > len || memcmp(s + it.offset, it.text, tl) != 0) abort();
    if (it.address && (it.start > it.end || it.end > len)) abort();
    if (!it.address && (!it.error || !*it.error)) abort();
  }
  const char *e = address_find_end(s, size & 2);
  if (e < s || e > s + len) abort();

  char *x = xtext_encode(s);
  char *d = xtext_decode(x);
  if (!d || strcmp(d, s) != 0) abort();
  (void)xtext_decode(s);
  (void)address_qualify(s, "example.org");
  if (strlen(address_fix_phrase(s)) > 4 * len + 4) abort();
  (void)address_is_7bit(s);
  store_reset(m);
  return 0;
}
