/* smtp_in_data.h - reading a message body after DATA or in BDAT chunks.
 *
 * The message goes to a caller-supplied sink (e.g. a writer for the spool
 * -D file) with LF line endings, as Exim's spool stores it.  Accounting
 * done on the way: total size against a limit (over it, reading goes on to
 * the end but nothing more is written and too_big is set), line count and
 * longest line (for max_received_linelength), and where the headers end
 * (the first empty line).
 *
 * DATA (smtp_in_read_data): dot-unstuffing, and the data ends ONLY at
 * CRLF.CRLF.  Against SMTP smuggling (as Exim 4.97.1 and later): a bare LF
 * ends a line in the stored message but a dot after it is plain data, so
 * "\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n" and the like never end the data.
 * A bare CR also ends a line (stored as LF; the spool holds no CRs), and a
 * dot after it is plain data too.  A dot followed by a bare LF is kept.
 * BDAT (smtp_in_read_chunk): exactly the chunk's byte count, no dots; CRLF
 * and bare CR are stored as LF, also when a chunk ends between CR and LF;
 * smtp_in_body_finish() after the LAST chunk adds a missing final LF.
 *
 * Must never: stop reading before the real end of the data (the client's
 * next command would be taken as message text, or the reverse), or write
 * more than size_limit bytes to the sink.
 */
#ifndef SMTP_SMTP_IN_DATA_H
#define SMTP_SMTP_IN_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "smtp/smtp_in_io.h"

/* Write len bytes; false on failure (reading then goes on to the end, and
 * the read returns SMTP_IN_SINKERR). */
typedef bool (*smtp_in_sink)(void *ctx, const char *data, size_t len);

#define SMTP_IN_STAGE 4096

typedef struct {
  smtp_in_sink sink;
  void *ctx;
  size_t size_limit;   /* 0: no limit */
  bool lf_lines;       /* DATA: a bare LF ends a line as CRLF does, so LF "." LF
                          ends the data (local -bs / -bS input, as exim4 4.96);
                          false (network input): only CRLF "." CRLF */
  /* results */
  size_t size;         /* bytes of the message as stored (LF endings) */
  bool too_big;        /* size went over size_limit */
  bool sink_failed;
  size_t lines;        /* complete lines */
  size_t max_linelen;  /* longest line, without its line ending */
  ssize_t hdr_end;     /* offset just after the empty line ending the
                          headers; -1 if there was none */
  size_t header_lines; /* lines before that empty line */
  size_t zeros;        /* NUL bytes in the message */
  /* state */
  size_t cur_len;
  char last;           /* last byte stored */
  bool pending_cr;     /* BDAT: a CR that may be half of a CRLF */
  size_t stage_len;
  char stage[SMTP_IN_STAGE];
} smtp_in_body;

void smtp_in_body_init(smtp_in_body *b, smtp_in_sink sink, void *ctx, size_t size_limit);

/* Read after DATA up to and including CRLF.CRLF; flushes the sink.
 * SMTP_IN_OK (check too_big), _EOF, _TIMEOUT, _ERROR, _SINKERR. */
smtp_in_result smtp_in_read_data(smtp_in_reader *r, smtp_in_body *b);

/* Read one BDAT chunk of exactly count bytes. */
smtp_in_result smtp_in_read_chunk(smtp_in_reader *r, smtp_in_body *b, size_t count);

/* After the LAST chunk: store a held CR, flush.  SMTP_IN_OK or _SINKERR. */
smtp_in_result smtp_in_body_finish(smtp_in_body *b);

#endif
