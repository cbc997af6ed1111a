/* smtp_in_data.c - the DATA and BDAT message readers: dot-unstuffing, the
 * CRLF.CRLF end (and nothing else) for DATA, exact counts for BDAT, line
 * ending conversion and size/line accounting into a caller's sink.
 *
 * Entry points: smtp_in_body_init, smtp_in_read_data, smtp_in_read_chunk,
 * smtp_in_body_finish (see smtp_in_data.h).
 *
 * Must never: treat anything but CR LF "." CR LF as the end of DATA on
 * network input (a bare LF counts as a line end only for local input,
 * lf_lines), or consume input beyond the end of the data or chunk.
 */
#include "smtp/smtp_in_data.h"

#include <string.h>

#include "base/log.h"

void smtp_in_body_init(smtp_in_body *b, smtp_in_sink sink, void *ctx, size_t size_limit) {
  memset(b, 0, offsetof(smtp_in_body, stage));
  b->sink = sink;
  b->ctx = ctx;
  b->size_limit = size_limit;
  b->hdr_end = -1;
}

static void flush(smtp_in_body *b) {
  if (b->stage_len && !b->sink_failed && !b->sink(b->ctx, b->stage, b->stage_len))
    b->sink_failed = true;
  b->stage_len = 0;
}

/* One byte of the message as stored. */
static void emit(smtp_in_body *b, char c) {
  b->size++;
  b->last = c;
  if (c == 0) b->zeros++;
  if (b->size_limit && b->size > b->size_limit && !b->too_big) {
    b->too_big = true;
    DEBUG(D_receive) debug_printf("SMTP input: message over size limit %zu\n", b->size_limit);
  }
  if (!b->too_big) {
    b->stage[b->stage_len++] = c;
    if (b->stage_len == sizeof b->stage) flush(b);
  }
  if (c != '\n') {
    b->cur_len++;
    return;
  }
  if (b->cur_len > b->max_linelen) b->max_linelen = b->cur_len;
  if (b->cur_len == 0 && b->hdr_end < 0) {
    b->hdr_end = (ssize_t)b->size;
    b->header_lines = b->lines;
  }
  b->lines++;
  b->cur_len = 0;
}

static smtp_in_result done(smtp_in_body *b, smtp_in_result res) {
  flush(b);
  if (res == SMTP_IN_OK && b->sink_failed) return SMTP_IN_SINKERR;
  return res;
}

/* DATA states.  SOL: start of a line after CRLF (or of the data), where a
 * dot is special.  LFSOL: start of a line after a bare LF, where it is not. */
enum { SOL, LFSOL, MID, CR, DOT, DOTCR };

smtp_in_result smtp_in_read_data(smtp_in_reader *r, smtp_in_body *b) {
  int st = SOL;
  for (;;) {
    int c = smtp_in_getc(r);
    if (c < 0) return done(b, (smtp_in_result)c);
    switch (st) {
    case SOL:
      if (c == '.') {
        st = DOT;
        continue;
      }
      break;
    case CR:
      emit(b, '\n'); /* CRLF, or a bare CR: both end the line */
      if (c == '\n') {
        st = SOL;
        continue;
      }
      break; /* after a bare CR a dot is plain data */
    case DOT:
      if (c == '\r') {
        st = DOTCR;
        continue;
      }
      if (c == '\n') {
        if (b->lf_lines) return done(b, SMTP_IN_OK);
        emit(b, '.'); /* ".\n" is data, not an end */
      }
      break;          /* else the stuffed dot is dropped */
    case DOTCR:
      if (c == '\n') {
        DEBUG(D_receive) debug_printf("SMTP input: end of data, %zu bytes\n", b->size);
        return done(b, SMTP_IN_OK);
      }
      emit(b, '\n'); /* stuffed dot dropped; the bare CR ends a line */
      break;
    default:
      break;
    }
    /* c as an ordinary byte inside a line */
    if (c == '\r') st = CR;
    else if (c == '\n') {
      emit(b, '\n');
      st = b->lf_lines ? SOL : LFSOL;
    } else {
      emit(b, (char)c);
      st = MID;
    }
  }
}

smtp_in_result smtp_in_read_chunk(smtp_in_reader *r, smtp_in_body *b, size_t count) {
  while (count > 0) {
    if (r->pos >= r->end) {
      smtp_in_result res = smtp_in_fill(r);
      if (res != SMTP_IN_OK) return done(b, res);
    }
    size_t avail = r->end - r->pos;
    if (avail > count) avail = count;
    const char *p = r->buf + r->pos;
    for (size_t i = 0; i < avail; i++) {
      char c = p[i];
      if (c == '\r') {
        if (b->pending_cr) emit(b, '\n');
        b->pending_cr = true;
        continue;
      }
      if (b->pending_cr && c != '\n') emit(b, '\n');
      b->pending_cr = false;
      emit(b, c);
    }
    r->pos += avail;
    count -= avail;
  }
  return done(b, SMTP_IN_OK);
}

smtp_in_result smtp_in_body_finish(smtp_in_body *b) {
  if (b->pending_cr || (b->size > 0 && b->last != '\n')) emit(b, '\n');
  b->pending_cr = false;
  return done(b, SMTP_IN_OK);
}
