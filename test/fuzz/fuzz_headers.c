/* fuzz_headers.c - libFuzzer target for reception's header handling
 * (src/receive/headers.c and the sink of receive_msg.c).
 *
 * The first input byte picks the chunk size the rest is fed in and the
 * header limits.  Checks beyond "no crash": the header block kept never
 * exceeds header_maxsize, every parsed header ends with a newline, the
 * bytes are all accounted for (headers + empty line + body = size).
 *
 * Build and run: FUZZ_TARGET=headers test/fuzz/run-fuzz.sh [seconds].
 *
 * Must never: touch files (rcv_begin runs in its -bh form).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/store.h"
#include "config/main_config.h"
#include "receive/receive_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  store_mark *mark = store_mark_take(POOL_MAIN);
  size_t step = (data[0] & 15) + 1;
  mainconf.header_maxsize = (data[0] & 16) ? 64 : 0;
  mainconf.header_line_maxsize = (data[0] & 32) ? 40 : 0;
  data++, size--;
  static smtp_conn c;
  static rcv_msg r;
  memset(&c, 0, sizeof c);
  if (!rcv_begin(&r, &c, true)) abort();
  for (size_t i = 0; i < size; i += step)
    rcv_sink(&r, (const char *)data + i, size - i < step ? size - i : step);
  rcv_end_input(&r);
  if (mainconf.header_maxsize && r.hdr->len > (size_t)mainconf.header_maxsize) abort();
  size_t hdr = 0;
  for (spool_header *h = r.m.headers; h; h = h->next) {
    size_t n = strlen(h->text);
    if (!n || h->text[n - 1] != '\n') abort();
    hdr += n;
  }
  if (!r.header_too_big && !r.header_line_too_long && r.body_zerocount == 0) {
    long total = (long)hdr + (r.blank_line_seen ? 1 : 0) + r.body_size;
    long expect = r.size + (size && data[size - 1] != '\n' ? 1 : 0);
    if (total != expect) abort();
  }
  store_reset(mark);
  return 0;
}
