/* test_smtp_in.c - unit tests for the SMTP input reader (src/smtp/
 * smtp_in_io.c, smtp_in_data.c): command lines, DATA with dot-unstuffing
 * and the smuggling variants that must not end it, BDAT chunks, size and
 * line accounting, timeouts, EOF, errors and PIPELINING's pending check.
 *
 * Inputs are fed through a memory layer (the reader's readfn hook) that
 * splits them at every byte boundary and also one byte per read, and
 * through real pipes and socketpairs for timeouts, EOF and pending input.
 * The over-long command boundary and the NUL response text were recorded
 * from exim4 -bs (4.96).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/store.h"
#include "smtp/smtp_in_data.h"
#include "smtp/smtp_in_io.h"
#include "unit.h"

/* ---- memory layer ------------------------------------------------------ */
typedef struct {
  const char *data;
  size_t len, off, split; /* split: first read ends here; 0: one byte a read */
} mem_src;

static ssize_t mem_read(smtp_in_reader *r, char *buf, size_t len) {
  mem_src *m = r->layer;
  size_t n = m->len - m->off;
  if (m->split == 0) n = n ? 1 : 0;
  else if (m->off < m->split && m->split - m->off < n) n = m->split - m->off;
  if (n > len) n = len;
  memcpy(buf, m->data + m->off, n);
  m->off += n;
  return (ssize_t)n;
}
static bool mem_pending(smtp_in_reader *r) {
  mem_src *m = r->layer;
  return m->off < m->len;
}
static void mem_reader(smtp_in_reader *r, mem_src *m, const char *data, size_t len, size_t split,
                       size_t cmd_max) {
  *m = (mem_src){data, len, 0, split};
  smtp_in_reader_init(r, -1, 0, 64, cmd_max);
  r->readfn = mem_read;
  r->pendingfn = mem_pending;
  r->layer = m;
}

/* ---- sink -------------------------------------------------------------- */
static char out[1 << 16];
static size_t outlen;
static bool sink_fail;
static bool sink(void *ctx, const char *d, size_t n) {
  if (sink_fail) return false;
  if (outlen + n > sizeof out) return false;
  memcpy(out + outlen, d, n);
  outlen += n;
  return true;
}

/* ---- commands ------------------------------------------------------------ */
/* Every split of `in` yields the lines in `want` (results in `res`). */
static void check_commands(const char *in, size_t inlen, size_t cmd_max, int n,
                           const smtp_in_result *res, const char *const *want) {
  for (size_t split = 0; split <= inlen; split++) {
    smtp_in_reader r;
    mem_src m;
    store_mark *mk = store_mark_take(POOL_MAIN);
    mem_reader(&r, &m, in, inlen, split, cmd_max);
    for (int i = 0; i < n; i++) {
      char *line;
      size_t len;
      smtp_in_result got = smtp_in_read_command(&r, &line, &len);
      if (got != res[i] || (want[i] && (len != strlen(want[i]) || memcmp(line, want[i], len)))) {
        fprintf(stderr, "split %zu line %d: got %s \"%s\"\n", split, i, smtp_in_result_name(got),
                line);
        CHECK(!"command line");
      }
    }
    store_reset(mk);
  }
}

static void test_commands(void) {
  static const char in1[] = "EHLO x\r\nNOOP\nQUIT\r\n\r\nA\rB\r\n";
  smtp_in_result r1[] = {SMTP_IN_OK, SMTP_IN_OK, SMTP_IN_OK, SMTP_IN_OK, SMTP_IN_OK, SMTP_IN_EOF};
  const char *w1[] = {"EHLO x", "NOOP", "QUIT", "", "A\rB", NULL};
  check_commands(in1, sizeof in1 - 1, 0, 6, r1, w1);

  /* NUL: reported, whole line consumed, next line fine */
  static const char in2[] = "NO\0OP\r\nQUIT\r\n";
  smtp_in_result r2[] = {SMTP_IN_NUL, SMTP_IN_OK, SMTP_IN_EOF};
  const char *w2[] = {NULL, "QUIT", NULL};
  check_commands(in2, sizeof in2 - 1, 0, 3, r2, w2);
  CHECK(!strcmp(SMTP_IN_NUL_RESPONSE, "501 NUL characters are not allowed in SMTP commands"));

  /* EOF in the middle of a line */
  smtp_in_result r3[] = {SMTP_IN_OK, SMTP_IN_EOF, SMTP_IN_EOF};
  const char *w3[] = {"A", NULL, NULL};
  check_commands("A\r\nQUI", 6, 0, 3, r3, w3);

  /* limit 10: 10 bytes counting a CR are fine; the 11th byte makes it too
   * long, and the rest is the next line */
  smtp_in_result r4[] = {SMTP_IN_OK, SMTP_IN_OK, SMTP_IN_TOOLONG, SMTP_IN_OK, SMTP_IN_TOOLONG,
                         SMTP_IN_OK, SMTP_IN_EOF};
  const char *w4[] = {"012345678", "0123456789", "0123456789", "A", "0123456789", "", NULL};
  static const char in4[] = "012345678\r\n0123456789\n0123456789A\r\n0123456789\r\n";
  check_commands(in4, sizeof in4 - 1, 10, 7, r4, w4);
}

/* The default limit at exim4's boundary: "NOOP " + 16378 bytes + CRLF is
 * accepted, one more byte gives "500 unrecognized command" twice. */
static void test_command_limit(void) {
  static char in[16500];
  for (int extra = 0; extra <= 1; extra++) {
    size_t n = 0;
    memcpy(in, "NOOP ", 5);
    n = 5;
    memset(in + n, 'a', 16378 + extra);
    n += 16378 + extra;
    memcpy(in + n, "\r\nQUIT\r\n", 8);
    n += 8;
    smtp_in_reader r;
    mem_src m;
    store_mark *mk = store_mark_take(POOL_MAIN);
    mem_reader(&r, &m, in, n, 1000, 0);
    char *line;
    size_t len;
    smtp_in_result got = smtp_in_read_command(&r, &line, &len);
    if (!extra) {
      CHECK(got == SMTP_IN_OK && len == 16383);
    } else {
      CHECK(got == SMTP_IN_TOOLONG && len == 16384);
      CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && len == 0);
    }
    CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && !strcmp(line, "QUIT"));
    store_reset(mk);
  }
}

/* ---- DATA ---------------------------------------------------------------- */
/* Every split of `in` stores `want` and leaves `next` as the next command. */
static void check_data(const char *in, const char *want, const char *next, size_t limit,
                       smtp_in_result want_res) {
  size_t inlen = strlen(in);
  for (size_t split = 0; split <= inlen; split++) {
    smtp_in_reader r;
    mem_src m;
    store_mark *mk = store_mark_take(POOL_MAIN);
    mem_reader(&r, &m, in, inlen, split, 0);
    smtp_in_body b;
    outlen = 0;
    smtp_in_body_init(&b, sink, NULL, limit);
    smtp_in_result got = smtp_in_read_data(&r, &b);
    size_t wl = strlen(want);
    bool ok = got == want_res && (limit ? outlen == (wl < limit ? wl : limit) : outlen == wl) &&
              !memcmp(out, want, outlen) && b.size == wl;
    if (ok && next) {
      char *line;
      size_t len;
      ok = smtp_in_input_pending(&r) && smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK &&
           !strcmp(line, next);
    }
    if (!ok) {
      fprintf(stderr, "DATA split %zu of \"%s\": %s, stored %zu \"%.*s\"\n", split, in,
              smtp_in_result_name(got), outlen, (int)outlen, out);
      CHECK(!"data");
      store_reset(mk);
      return;
    }
    store_reset(mk);
  }
}

static void test_data(void) {
  check_data("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", "Subject: x\n\nbody\n", "QUIT", 0, SMTP_IN_OK);
  check_data(".\r\nQUIT\r\n", "", "QUIT", 0, SMTP_IN_OK);
  /* dot-unstuffing */
  check_data("..x\r\n...\r\n..\r\n.\r\n", ".x\n..\n.\n", NULL, 0, SMTP_IN_OK);
  check_data("a\r\n.b\r\n.\r\nNOOP\r\n", "a\nb\n", "NOOP", 0, SMTP_IN_OK);
  /* smuggling: none of these ends the data */
  check_data("a\n.\nb\r\n.\r\nQUIT\r\n", "a\n.\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r\n.\nb\r\n.\r\nQUIT\r\n", "a\n.\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\n.\r\nb\r\n.\r\nQUIT\r\n", "a\n.\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r.\r\nb\r\n.\r\nQUIT\r\n", "a\n.\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r.\rb\r\n.\r\nQUIT\r\n", "a\n.\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r\n.\rb\r\n.\r\nQUIT\r\n", "a\n\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r\n.\r\rb\r\n.\r\nQUIT\r\n", "a\n\n\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r\n.\r.\r\n.\r\nQUIT\r\n", "a\n\n.\n", "QUIT", 0, SMTP_IN_OK);
  check_data("\n.\nx\r\n.\r\nQUIT\r\n", "\n.\nx\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r\n.\n\r\n.\r\nQUIT\r\n", "a\n.\n\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\n.\n.\r\nb\r\n.\r\nQUIT\r\n", "a\n.\n.\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\n\r\n.\r\nQUIT\r\n", "a\n\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\r\r\n.\r\nQUIT\r\n", "a\n\n", "QUIT", 0, SMTP_IN_OK);
  check_data("a\rb\r\n.\r\nQUIT\r\n", "a\nb\n", "QUIT", 0, SMTP_IN_OK);
  check_data("\r.\r\n.\r\nQUIT\r\n", "\n.\n", "QUIT", 0, SMTP_IN_OK);
  /* EOF before the end */
  check_data("abc\r\n.\n", "abc\n.\n", NULL, 0, SMTP_IN_EOF);
  check_data("abc\r\n.\r", "abc\n", NULL, 0, SMTP_IN_EOF);
  /* over the size limit: read to the end, store only the limit */
  check_data("abcdefgh\r\n.\r\nQUIT\r\n", "abcdefgh\n", "QUIT", 5, SMTP_IN_OK);
  check_data("abcd\r\n.\r\nQUIT\r\n", "abcd\n", "QUIT", 5, SMTP_IN_OK);
}

static void test_data_accounting(void) {
  static const char in[] = "H: 1\r\nH: 2\r\n\r\nabc\r\nabcdefg\r\n.\r\n";
  smtp_in_reader r;
  mem_src m;
  mem_reader(&r, &m, in, sizeof in - 1, 7, 0);
  smtp_in_body b;
  outlen = 0;
  smtp_in_body_init(&b, sink, NULL, 0);
  CHECK(smtp_in_read_data(&r, &b) == SMTP_IN_OK);
  CHECK(b.lines == 5 && b.max_linelen == 7 && b.hdr_end == 11 && b.header_lines == 2);
  CHECK(!b.too_big && b.size == 23);
  CHECK(!smtp_in_input_pending(&r));

  /* size limit */
  mem_reader(&r, &m, "abcdef\r\n.\r\n", 11, 3, 0);
  outlen = 0;
  smtp_in_body_init(&b, sink, NULL, 5);
  CHECK(smtp_in_read_data(&r, &b) == SMTP_IN_OK && b.too_big && b.size == 7 && outlen == 5);
  CHECK(b.hdr_end == -1);

  /* NUL bytes in the data are counted and stored */
  mem_reader(&r, &m, "a\0b\r\n.\r\n", 9, 2, 0);
  outlen = 0;
  smtp_in_body_init(&b, sink, NULL, 0);
  CHECK(smtp_in_read_data(&r, &b) == SMTP_IN_OK && b.zeros == 1 && outlen == 4);
  CHECK(!memcmp(out, "a\0b\n", 4));

  /* a failing sink: read to the end, then SMTP_IN_SINKERR */
  mem_reader(&r, &m, "abc\r\n.\r\nQUIT\r\n", 14, 2, 0);
  sink_fail = true;
  smtp_in_body_init(&b, sink, NULL, 0);
  CHECK(smtp_in_read_data(&r, &b) == SMTP_IN_SINKERR && b.sink_failed);
  sink_fail = false;
  char *line;
  size_t len;
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && !strcmp(line, "QUIT"));

  /* a large message passes through the staging buffer intact */
  static char big[3 * SMTP_IN_STAGE + 100], want[sizeof big];
  size_t n = 0, w = 0;
  while (n < sizeof big - 200) {
    memcpy(big + n, "..0123456789\r\n", 14);
    n += 14;
    memcpy(want + w, ".0123456789\n", 12);
    w += 12;
  }
  memcpy(big + n, ".\r\n", 3);
  n += 3;
  mem_reader(&r, &m, big, n, 1000, 0);
  outlen = 0;
  smtp_in_body_init(&b, sink, NULL, 0);
  CHECK(smtp_in_read_data(&r, &b) == SMTP_IN_OK && outlen == w && !memcmp(out, want, w));
  CHECK(b.max_linelen == 11);
}

/* ---- BDAT ---------------------------------------------------------------- */
static void check_chunks(const char *in, const size_t *counts, int n, const char *want,
                         const char *next) {
  size_t inlen = strlen(in);
  for (size_t split = 0; split <= inlen; split++) {
    smtp_in_reader r;
    mem_src m;
    store_mark *mk = store_mark_take(POOL_MAIN);
    mem_reader(&r, &m, in, inlen, split, 0);
    smtp_in_body b;
    outlen = 0;
    smtp_in_body_init(&b, sink, NULL, 0);
    bool ok = true;
    for (int i = 0; i < n; i++) ok = ok && smtp_in_read_chunk(&r, &b, counts[i]) == SMTP_IN_OK;
    ok = ok && smtp_in_body_finish(&b) == SMTP_IN_OK && outlen == strlen(want) &&
         !memcmp(out, want, outlen);
    char *line;
    size_t len;
    if (ok && next)
      ok = smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && !strcmp(line, next);
    if (!ok) {
      fprintf(stderr, "BDAT split %zu of \"%s\": stored \"%.*s\"\n", split, in, (int)outlen, out);
      CHECK(!"bdat");
      store_reset(mk);
      return;
    }
    store_reset(mk);
  }
}

static void test_bdat(void) {
  size_t c1[] = {5};
  check_chunks("ab\r\ncQUIT\r\n", c1, 1, "ab\nc\n", "QUIT");
  size_t c2[] = {3, 4};
  check_chunks("ab\r\ncdeQUIT\r\n", c2, 2, "ab\ncde\n", "QUIT");
  size_t c3[] = {2};
  check_chunks("x\rBDAT 0 LAST\r\n", c3, 1, "x\n", "BDAT 0 LAST");
  size_t c4[] = {7, 0};
  check_chunks(".\r\n..x\nNOOP\r\n", c4, 2, ".\n..x\n", "NOOP");
  size_t c5[] = {4, 3};
  check_chunks("a\r\r\r\n\r\rQUIT\r\n", c5, 2, "a\n\n\n\n\n", "QUIT");

  smtp_in_reader r;
  mem_src m;
  smtp_in_body b;
  mem_reader(&r, &m, "abc", 3, 1, 0);
  smtp_in_body_init(&b, sink, NULL, 0);
  outlen = 0;
  CHECK(smtp_in_read_chunk(&r, &b, 10) == SMTP_IN_EOF && outlen == 3);

  /* an empty message stays empty; accounting works across chunks */
  mem_reader(&r, &m, "", 0, 1, 0);
  smtp_in_body_init(&b, sink, NULL, 0);
  outlen = 0;
  CHECK(smtp_in_read_chunk(&r, &b, 0) == SMTP_IN_OK && smtp_in_body_finish(&b) == SMTP_IN_OK);
  CHECK(outlen == 0 && b.size == 0);
  mem_reader(&r, &m, "A: b\r\n\r\nxyz", 11, 5, 0);
  smtp_in_body_init(&b, sink, NULL, 0);
  outlen = 0;
  CHECK(smtp_in_read_chunk(&r, &b, 5) == SMTP_IN_OK && smtp_in_read_chunk(&r, &b, 6) == SMTP_IN_OK);
  CHECK(smtp_in_body_finish(&b) == SMTP_IN_OK && outlen == 10 && !memcmp(out, "A: b\n\nxyz\n", 10));
  CHECK(b.hdr_end == 6 && b.header_lines == 1 && b.lines == 3 && b.max_linelen == 4);
}

/* ---- real descriptors ------------------------------------------------------ */
static void test_fds(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  smtp_in_reader r;
  smtp_in_reader_init(&r, p[0], 1, 0, 0);
  char *line;
  size_t len;
  CHECK(!smtp_in_input_pending(&r));
  time_t t0 = time(NULL);
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_TIMEOUT);
  CHECK(time(NULL) - t0 >= 1);
  CHECK(write(p[1], "HELO a\r\nNOOP\r\n", 14) == 14);
  CHECK(smtp_in_input_pending(&r));
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && !strcmp(line, "HELO a"));
  CHECK(smtp_in_input_pending(&r)); /* NOOP in the buffer */
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && !strcmp(line, "NOOP"));
  CHECK(!smtp_in_input_pending(&r));
  CHECK(write(p[1], "QU", 2) == 2);
  close(p[1]);
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_EOF);
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_EOF);
  close(p[0]);

  /* socketpair: pipelined command after the data stays for the next read */
  int s[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  smtp_in_reader_init(&r, s[0], 2, 0, 0);
  CHECK(!smtp_in_input_pending(&r));
  CHECK(write(s[1], "x\r\n.\r\nQUIT\r\n", 12) == 12);
  smtp_in_body b;
  outlen = 0;
  smtp_in_body_init(&b, sink, NULL, 0);
  CHECK(smtp_in_read_data(&r, &b) == SMTP_IN_OK && outlen == 2 && !memcmp(out, "x\n", 2));
  CHECK(smtp_in_input_pending(&r));
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_OK && !strcmp(line, "QUIT"));
  CHECK(!smtp_in_input_pending(&r));
  CHECK(write(s[1], "N", 1) == 1);
  CHECK(smtp_in_input_pending(&r)); /* on the socket, not yet buffered */
  CHECK(smtp_in_buffered(&r) == 0);
  close(s[1]);
  CHECK(smtp_in_read_command(&r, &line, &len) == SMTP_IN_EOF);
  CHECK(!smtp_in_input_pending(&r));
  close(s[0]);

  /* peer closed with nothing sent: EOF is not pending input */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  smtp_in_reader_init(&r, s[0], 2, 0, 0);
  close(s[1]);
  CHECK(!smtp_in_input_pending(&r));
  CHECK(smtp_in_getc(&r) == SMTP_IN_EOF);
  close(s[0]);

  /* read error */
  smtp_in_reader_init(&r, -1, 0, 0, 0);
  CHECK(smtp_in_getc(&r) == SMTP_IN_ERROR && r.last_errno == EBADF);
  CHECK(!strcmp(smtp_in_result_name(SMTP_IN_TIMEOUT), "timeout"));
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  test_commands();
  test_command_limit();
  test_data();
  test_data_accounting();
  test_bdat();
  test_fds();
  return unit_done("test_smtp_in");
}
