/* fuzz_smtp_in.c - libFuzzer target for the SMTP input reader (src/smtp/
 * smtp_in_io.c, smtp_in_data.c).
 *
 * The first input byte picks how the rest is fed (read sizes) and what is
 * read: a command/DATA/BDAT conversation, or the whole rest as DATA.  Checks
 * beyond "no crash": DATA ends exactly at the first CRLF.CRLF (or a leading
 * .CRLF) and nowhere else, nothing past the end is consumed, the stored
 * message holds no CR, never more than the size limit reaches the sink, and
 * a command line is never longer than the limit.
 *
 * Build and run: FUZZ_TARGET=smtp_in test/fuzz/run-fuzz.sh [seconds].
 *
 * Must never: touch files or sockets (input comes through the reader's
 * readfn hook from memory).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/store.h"
#include "smtp/smtp_in_data.h"
#include "smtp/smtp_in_io.h"

typedef struct {
  const uint8_t *data;
  size_t len, off, step;
} src;

static ssize_t src_read(smtp_in_reader *r, char *buf, size_t len) {
  src *s = r->layer;
  size_t n = s->len - s->off;
  if (n > s->step) n = s->step;
  if (n > len) n = len;
  memcpy(buf, s->data + s->off, n);
  s->off += n;
  return (ssize_t)n;
}
static bool src_pending(smtp_in_reader *r) {
  src *s = r->layer;
  return s->off < s->len;
}

static size_t stored, limit;
static bool sink(void *ctx, const char *d, size_t n) {
  if (memchr(d, '\r', n)) abort();
  stored += n;
  if (limit && stored > limit) abort();
  return true;
}

/* Bytes consumed from the input so far. */
static size_t consumed(const smtp_in_reader *r, const src *s) { return s->off - smtp_in_buffered(r); }

/* Where DATA starting at p must end (offset just past CRLF.CRLF), or 0. */
static size_t data_end(const uint8_t *p, size_t n) {
  if (n >= 3 && !memcmp(p, ".\r\n", 3)) return 3;
  for (size_t i = 0; i + 5 <= n; i++)
    if (!memcmp(p + i, "\r\n.\r\n", 5)) return i + 5;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  store_mark *m = store_mark_take(POOL_MAIN);
  src s = {data + 1, size - 1, 0, (size_t)(data[0] & 0x1f) + 1};
  smtp_in_reader r;
  smtp_in_reader_init(&r, -1, 0, 16 + (data[0] & 0x3f), 40);
  r.readfn = src_read;
  r.pendingfn = src_pending;
  r.layer = &s;
  smtp_in_body b;
  stored = 0;
  limit = (data[0] & 0x40) ? 50 : 0;

  if (data[0] & 0x80) {
    /* the whole rest is DATA */
    smtp_in_body_init(&b, sink, NULL, limit);
    smtp_in_result res = smtp_in_read_data(&r, &b);
    size_t want = data_end(s.data, s.len);
    if (want ? (res != SMTP_IN_OK || consumed(&r, &s) != want) : res != SMTP_IN_EOF) abort();
    if (b.too_big != (limit && b.size > limit)) abort();
  } else {
    for (int cmds = 0; cmds < 200; cmds++) {
      char *line;
      size_t len;
      smtp_in_result res = smtp_in_read_command(&r, &line, &len);
      if (res == SMTP_IN_EOF) break;
      if (res != SMTP_IN_OK && res != SMTP_IN_NUL && res != SMTP_IN_TOOLONG) abort();
      if (len > r.cmd_max) abort();
      if (res != SMTP_IN_OK) continue;
      if (len == 4 && !memcmp(line, "DATA", 4)) {
        size_t start = consumed(&r, &s), want = data_end(s.data + start, s.len - start);
        smtp_in_body_init(&b, sink, NULL, limit);
        stored = 0;
        res = smtp_in_read_data(&r, &b);
        if (want ? (res != SMTP_IN_OK || consumed(&r, &s) != start + want) : res != SMTP_IN_EOF)
          abort();
        if (res != SMTP_IN_OK) break;
      } else if (len >= 6 && !memcmp(line, "BDAT ", 5)) {
        size_t n = strtoul(line + 5, NULL, 10) % 1000, start = consumed(&r, &s);
        smtp_in_body_init(&b, sink, NULL, limit);
        stored = 0;
        res = smtp_in_read_chunk(&r, &b, n);
        if (res == SMTP_IN_OK) {
          if (consumed(&r, &s) != start + n) abort();
          if (smtp_in_body_finish(&b) != SMTP_IN_OK) abort();
        } else if (res != SMTP_IN_EOF || start + n <= s.len) abort();
        else break;
      }
    }
  }
  store_reset(m);
  return 0;
}
