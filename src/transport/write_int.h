/* write_int.h - internals shared by the message writer's files (write.c,
 * write_filter.c): the output stream that applies line endings, dot
 * stuffing and check_string/escape_string at line starts, and the plain
 * copy of the message that a transport filter reads.
 * Not for use outside src/transport/write*.c.
 */
#ifndef TRANSPORT_WRITE_INT_H
#define TRANSPORT_WRITE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "write.h"

#define TW_BUFSIZE 8192
#define TW_PEND_MAX 256          /* longest check_string honoured */

typedef struct tw_out {
  int fd;
  bool crlf, dot_stuff;
  const char *check, *escape;    /* check NULL: no escaping */
  size_t check_len, need;        /* need: bytes to look at at a line start */
  bool line_start;
  char pend[TW_PEND_MAX];        /* start of a line being looked at */
  size_t pend_len;
  char buf[TW_BUFSIZE];
  size_t blen;
  bool failed;
  int err;                       /* errno of a failed write */
} tw_out;

/* Start a stream to fd with the TW_CRLF/TW_DOT_STUFF flags and the
 * check/escape pair (either may be NULL). */
void tw_out_init(tw_out *w, int fd, unsigned flags, const char *check, const char *escape);
/* Feed n bytes of LF-terminated text. */
bool tw_out_data(tw_out *w, const char *p, size_t n);
/* Flush a pending line start and the buffer. */
bool tw_out_flush(tw_out *w);

/* The start of the error text of a failed headers_add/headers_remove
 * expansion (the expansion's message follows after ": "). */
#define TW_HEADER_FAIL "failed to expand headers_add or headers_remove"
/* tw_write_filtered()'s "transport filter process failed (<code>)[: why]" */
#define TW_FILTER_FAIL "transport filter process failed ("

/* The header section with its blank line as the options select it (empty
 * for body_only); NULL with *error and *err_code on failure. */
gstring *tw_headers(const transport_write_opts *o, unsigned flags, const char **error, int *err_code);

/* The header section (from tw_headers) and the body as selected by the
 * options, fed to w.  Used for the direct copy and for the copy a filter
 * reads. */
bool tw_write_parts(const transport_write_opts *o, unsigned flags, const gstring *hdrs, tw_out *w,
                    const char **error, int *err_code);

/* The flags after the transport's generic options are added. */
unsigned tw_flags(const transport_write_opts *o);

/* The copy through the transport filter command (write_filter.c).  Writes
 * to w what the filter outputs. */
bool tw_write_filtered(const transport_write_opts *o, unsigned flags, const char *command,
                       const gstring *hdrs, tw_out *w, const char **error, int *err_code);

#endif
