/* smtp_in_io.c - buffered, timed reading of SMTP client input and of
 * command lines.
 *
 * Entry points: smtp_in_reader_init, smtp_in_fill, smtp_in_input_pending,
 * smtp_in_read_command, smtp_in_result_name (see smtp_in_io.h).
 *
 * Must never: block for longer than the reader's timeout on one wait, read
 * past what the caller asked for into its own buffers, or write anything.
 */
#include "smtp/smtp_in_io.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/store.h"

#define SMTP_IN_BUFSIZE 8192

void smtp_in_reader_init(smtp_in_reader *r, int fd, int timeout, size_t bufsize, size_t cmd_max) {
  memset(r, 0, sizeof *r);
  r->fd = fd;
  r->timeout = timeout;
  r->size = bufsize ? bufsize : SMTP_IN_BUFSIZE;
  r->buf = store_get(r->size, true);
  r->cmd_max = cmd_max ? cmd_max : SMTP_IN_CMD_MAX;
  r->cmd = store_get(r->cmd_max + 1, true);
}

/* Wait until fd is readable: SMTP_IN_OK, _TIMEOUT or _ERROR. */
static smtp_in_result wait_readable(smtp_in_reader *r) {
  if (r->timeout <= 0) return SMTP_IN_OK;
  struct pollfd p = {.fd = r->fd, .events = POLLIN};
  for (;;) {
    int n = poll(&p, 1, r->timeout * 1000);
    if (n > 0) return SMTP_IN_OK;
    if (n == 0) return SMTP_IN_TIMEOUT;
    if (errno != EINTR) {
      r->last_errno = errno;
      return SMTP_IN_ERROR;
    }
  }
}

smtp_in_result smtp_in_fill(smtp_in_reader *r) {
  if (r->pos < r->end) return SMTP_IN_OK;
  r->pos = r->end = 0;
  if (r->eof) return SMTP_IN_EOF;
  for (;;) {
    if (!(r->pendingfn && r->pendingfn(r))) {
      smtp_in_result w = wait_readable(r);
      if (w != SMTP_IN_OK) return w;
    }
    ssize_t n = r->readfn ? r->readfn(r, r->buf, r->size) : read(r->fd, r->buf, r->size);
    if (n > 0) {
      r->end = (size_t)n;
      return SMTP_IN_OK;
    }
    if (n == 0) {
      r->eof = true;
      DEBUG(D_receive) debug_printf("SMTP input: EOF\n");
      return SMTP_IN_EOF;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      /* Non-blocking descriptor with nothing yet: wait (bounded) and retry. */
      struct pollfd p = {.fd = r->fd, .events = POLLIN};
      int t = r->timeout > 0 ? r->timeout * 1000 : -1;
      int k = poll(&p, 1, t);
      if (k == 0) return SMTP_IN_TIMEOUT;
      if (k < 0 && errno != EINTR) {
        r->last_errno = errno;
        return SMTP_IN_ERROR;
      }
      continue;
    }
    r->last_errno = errno;
    DEBUG(D_receive) debug_printf("SMTP input: read error: %s\n", strerror(errno));
    return SMTP_IN_ERROR;
  }
}

bool smtp_in_input_pending(smtp_in_reader *r) {
  if (r->pos < r->end) return true;
  if (r->pendingfn && r->pendingfn(r)) return true;
  if (r->eof) return false;
  struct pollfd p = {.fd = r->fd, .events = POLLIN};
  int n;
  do n = poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0 || !(p.revents & POLLIN)) return false;
  /* Readable can also mean EOF: on a socket, peek for a real byte. */
  char c;
  ssize_t k = recv(r->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (k >= 0) return k > 0;
  return errno == ENOTSOCK; /* a pipe: POLLIN with data */
}

smtp_in_result smtp_in_read_command(smtp_in_reader *r, char **line, size_t *len) {
  size_t n = 0;
  bool nul = false;
  *line = r->cmd;
  *len = 0;
  for (;;) {
    int c = smtp_in_getc(r);
    if (c < 0) {
      r->cmd[n] = 0;
      return (smtp_in_result)c;
    }
    if (c == '\n') break;
    if (n >= r->cmd_max) {
      r->pos--; /* this byte starts the "next command" */
      r->cmd[n] = 0;
      *len = n;
      DEBUG(D_receive) debug_printf("SMTP input: command line over %zu bytes\n", r->cmd_max);
      return SMTP_IN_TOOLONG;
    }
    if (c == 0) nul = true;
    r->cmd[n++] = (char)c;
  }
  if (n > 0 && r->cmd[n - 1] == '\r') n--;
  r->cmd[n] = 0;
  *len = n;
  return nul ? SMTP_IN_NUL : SMTP_IN_OK;
}

const char *smtp_in_result_name(smtp_in_result res) {
  switch (res) {
  case SMTP_IN_OK: return "ok";
  case SMTP_IN_EOF: return "EOF";
  case SMTP_IN_TIMEOUT: return "timeout";
  case SMTP_IN_ERROR: return "read error";
  case SMTP_IN_TOOLONG: return "command line too long";
  case SMTP_IN_NUL: return "NUL in command";
  case SMTP_IN_SINKERR: return "output error";
  }
  return "unknown result";
}
