/* smtp_in_io.h - buffered reader for what an SMTP client sends.
 *
 * A reader wraps a file descriptor (socket or pipe) and an input buffer.
 * Each wait for more input is bounded by a timeout in seconds (poll), and
 * timeout, EOF and read error are distinct results.  A TLS layer can later
 * be put underneath by setting readfn/pendingfn; nothing here knows TLS.
 *
 * Entry points:
 *   smtp_in_reader_init()     set up a reader on an fd
 *   smtp_in_getc()            next byte (or a negative SMTP_IN_* result)
 *   smtp_in_input_pending()   unread input waiting (buffer or socket)?
 *   smtp_in_read_command()    one command line, CRLF or bare LF ended
 * The DATA and BDAT readers built on this are in smtp_in_data.h.
 *
 * Must never: interpret SMTP commands, write to the client, or block
 * without a timeout when one was given.
 */
#ifndef SMTP_SMTP_IN_IO_H
#define SMTP_SMTP_IN_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Results.  Values below zero are also what smtp_in_getc() returns. */
typedef enum {
  SMTP_IN_OK = 0,
  SMTP_IN_EOF = -1,      /* end of input (for a command: EOF before its end) */
  SMTP_IN_TIMEOUT = -2,  /* no input within the timeout */
  SMTP_IN_ERROR = -3,    /* read or poll error; errno in reader.last_errno */
  SMTP_IN_TOOLONG = -4,  /* command line over the limit (rest left unread) */
  SMTP_IN_NUL = -5,      /* command line contained a NUL (line consumed) */
  SMTP_IN_SINKERR = -6,  /* the output sink reported failure */
} smtp_in_result;

/* Exim's command buffer: a command line may hold this many bytes, counting
 * a CR before the LF but not the LF.  A longer line is answered by Exim
 * 4.96 with "500 unrecognized command", and the bytes after the first
 * SMTP_IN_CMD_MAX are then read as the next command. */
#define SMTP_IN_CMD_MAX 16384
/* Exim's answer to a command holding a NUL byte. */
#define SMTP_IN_NUL_RESPONSE "501 NUL characters are not allowed in SMTP commands"
#define SMTP_IN_TOOLONG_RESPONSE "500 unrecognized command"

struct smtp_in_reader;
/* Lower layer: read up to len bytes (like read(2)); must not block when
 * pendingfn said data is pending.  NULL means plain read() on fd. */
typedef ssize_t (*smtp_in_readfn)(struct smtp_in_reader *r, char *buf, size_t len);
/* Lower layer: does it hold decoded input not yet returned?  May be NULL. */
typedef bool (*smtp_in_pendingfn)(struct smtp_in_reader *r);

typedef struct smtp_in_reader {
  int fd;
  int timeout;              /* seconds for each wait for input; <= 0: none */
  char *buf;                /* input buffer (tainted) */
  size_t size, pos, end;    /* capacity; next unread byte; end of data */
  char *cmd;                /* command line buffer (tainted), cmd_max + 1 */
  size_t cmd_max;
  smtp_in_readfn readfn;
  smtp_in_pendingfn pendingfn;
  void *layer;              /* lower layer's state */
  int last_errno;
  bool eof;
} smtp_in_reader;

/* bufsize 0 means a default; cmd_max 0 means SMTP_IN_CMD_MAX.  Buffers come
 * from the current store pool. */
void smtp_in_reader_init(smtp_in_reader *r, int fd, int timeout, size_t bufsize, size_t cmd_max);

/* Refill the empty buffer: SMTP_IN_OK, _EOF, _TIMEOUT or _ERROR. */
smtp_in_result smtp_in_fill(smtp_in_reader *r);

/* Next byte 0..255, or SMTP_IN_EOF/_TIMEOUT/_ERROR. */
static inline int smtp_in_getc(smtp_in_reader *r) {
  if (r->pos >= r->end) {
    smtp_in_result res = smtp_in_fill(r);
    if (res != SMTP_IN_OK) return res;
  }
  return (unsigned char)r->buf[r->pos++];
}

/* Bytes already buffered and not yet read. */
static inline size_t smtp_in_buffered(const smtp_in_reader *r) { return r->end - r->pos; }

/* True if unread input is waiting, in the buffer, in the lower layer or on
 * the descriptor (without blocking).  For PIPELINING synchronisation. */
bool smtp_in_input_pending(smtp_in_reader *r);

/* Read one command line.  On SMTP_IN_OK and SMTP_IN_NUL, *line points at
 * the line without its LF or CRLF (NUL-terminated; valid until the next
 * call) and *len is its length.  SMTP_IN_TOOLONG: cmd_max bytes were
 * consumed, the rest of the line is left for the next call. */
smtp_in_result smtp_in_read_command(smtp_in_reader *r, char **line, size_t *len);

/* Short name of a result, for messages and debug output. */
const char *smtp_in_result_name(smtp_in_result res);

#endif
