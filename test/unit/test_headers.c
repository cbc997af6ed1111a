/* test_headers.c - the header side of reception (src/receive/headers.c and
 * the sink of receive_msg.c): what is a header line, splitting a header
 * block, the -H type letters, where the body starts, header_maxsize and
 * header_line_maxsize, and the counts kept for $message_linecount etc.
 * Mostly without files (the -bh path of rcv_begin); at the end a real
 * spool in a temporary directory with write(2) failing with ENOSPC through
 * spool_write_fn: the failure is reported (452) and nothing is left. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/store.h"
#include "config/main_config.h"
#include "receive/receive_int.h"
#include "unit.h"

static smtp_conn conn;

static rcv_msg *receive(const char *text, size_t chunk) {
  static rcv_msg r;
  memset(&conn, 0, sizeof conn);
  CHECK(rcv_begin(&r, &conn, true));
  size_t n = strlen(text);
  for (size_t i = 0; i < n; i += chunk) rcv_sink(&r, text + i, n - i < chunk ? n - i : chunk);
  rcv_end_input(&r);
  return &r;
}

static ssize_t full_disk(int fd, const void *buf, size_t n) {
  (void)fd, (void)buf, (void)n;
  errno = ENOSPC;
  return -1;
}

/* Files in dir/input (0 when it is missing). */
static int files_in(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/input", dir);
  DIR *d = opendir(path);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static int count(const spool_header *h) {
  int n = 0;
  for (; h; h = h->next) n++;
  return n;
}

int main(void) {
  /* header lines */
  CHECK(rcv_is_header_line("Subject: x", 10));
  CHECK(rcv_is_header_line("X-A :y", 6));
  CHECK(rcv_is_header_line("X-A\t:y", 6));
  CHECK(!rcv_is_header_line("no colon here", 13));
  CHECK(!rcv_is_header_line(" Subject: x", 11));
  CHECK(!rcv_is_header_line(": x", 3));
  CHECK(!rcv_is_header_line("Sub ject: x", 11));
  CHECK(!rcv_is_header_line("From someone", 12));
  /* exim4: 8-bit bytes may be in a name, DEL and controls may not */
  CHECK(rcv_is_header_line("X\xc3\xa9: v", 7));
  CHECK(rcv_is_header_line("\x80X: v", 6));
  CHECK(rcv_is_header_line("X\xff: v", 6));
  CHECK(!rcv_is_header_line("X\x7f: v", 6));
  CHECK(!rcv_is_header_line("X\x01: v", 6));

  /* types */
  CHECK(rcv_header_type("To: a") == 'T');
  CHECK(rcv_header_type("cc: a") == 'C');
  CHECK(rcv_header_type("BCC: a") == 'B');
  CHECK(rcv_header_type("From: a") == 'F');
  CHECK(rcv_header_type("Message-ID: <a>") == 'I');
  CHECK(rcv_header_type("Received: x") == 'P');
  CHECK(rcv_header_type("Reply-To: a") == 'R');
  CHECK(rcv_header_type("Sender: a") == 'S');
  CHECK(rcv_header_type("Resent-To: a") == 'T');
  CHECK(rcv_header_type("Resent-From: a") == 'F');
  CHECK(rcv_header_type("Subject: s") == ' ');
  CHECK(rcv_header_type("Toto: s") == ' ');

  /* split, at every chunk size */
  for (size_t chunk = 1; chunk <= 7; chunk++) {
    rcv_msg *r = receive("Subject: one\n two\nTo: a@b\n\nbody\nline\n", chunk);
    CHECK(count(r->m.headers) == 2);
    CHECK(strcmp(r->m.headers->text, "Subject: one\n two\n") == 0);
    CHECK(r->m.headers->next->type == 'T');
    CHECK(r->body_size == 10 && r->body_linecount == 2);
    CHECK(r->linecount == 6 && r->size == 37);
    CHECK(r->max_linelen == 12);
    CHECK(r->body_head->len == 10 && memcmp(r->body_head->s, "body\nline\n", 10) == 0);
  }

  /* a line that is not a header starts the body (no empty line needed) */
  rcv_msg *r = receive("Subject: s\nthis is text\nX: y\n", 3);
  CHECK(count(r->m.headers) == 1);
  CHECK(r->body_size == 18 && r->body_head->len == 18 &&
        memcmp(r->body_head->s, "this is text\nX: y\n", 18) == 0);
  r = receive(" leading space\n", 4);
  CHECK(count(r->m.headers) == 0 && r->body_size == 15);
  /* no final newline: one is added, not counted in the size */
  r = receive("Subject: s\n\nlast", 5);
  CHECK(r->body_size == 5 && r->size == 16);
  /* headers only */
  r = receive("A: 1\nB: 2\n", 64);
  CHECK(count(r->m.headers) == 2 && r->body_size == 0);
  /* NULs counted in the body */
  static const char nul[] = "A: 1\n\nx\0y\n";
  memset(&conn, 0, sizeof conn);
  static rcv_msg z;
  CHECK(rcv_begin(&z, &conn, true));
  rcv_sink(&z, nul, sizeof nul - 1);
  rcv_end_input(&z);
  CHECK(z.body_zerocount == 1 && z.body_size == 4);

  /* limits */
  mainconf.header_maxsize = 20;
  r = receive("Subject: 0123456789\nX: 1\n\nb\n", 64);
  CHECK(r->header_too_big);
  mainconf.header_maxsize = 0;
  mainconf.header_line_maxsize = 15;
  r = receive("Subject: 0123\n 4567\n\nb\n", 2);
  CHECK(r->header_line_too_long && !r->header_too_big);
  r = receive("Subject: 012\nX: 1\n\nb\n", 2);
  CHECK(!r->header_line_too_long);
  mainconf.header_line_maxsize = 0;

  /* list helpers */
  r = receive("To: a\nSubject: s\n\n", 64);
  rcv_header_append(&r->m.headers, "Date: d", ' ');
  rcv_header_prepend(&r->m.headers, "Received: x", 'P');
  CHECK(count(r->m.headers) == 4);
  CHECK(strcmp(r->m.headers->text, "Received: x\n") == 0);
  CHECK(rcv_header_find(r->m.headers, "subject") != NULL);
  CHECK(strcmp(rcv_header_value(rcv_header_find(r->m.headers, "date")), " d") == 0);
  rcv_header_find(r->m.headers, "To")->type = '*';
  CHECK(rcv_header_find(r->m.headers, "To") == NULL);
  CHECK(strcmp(rcv_headers_block(r->m.headers)->s, "Received: x\nSubject: s\nDate: d\n") == 0);
  CHECK(strcmp(rcv_headers_for_log(r->m.headers), "P Received: x\n  Subject: s\n  Date: d") == 0);
  /* ENOSPC while the body is written: the -D goes, 452 */
  char dir[] = "/tmp/test_headers.XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  mainconf.spool_directory = dir;
  mainconf.split_spool_directory = false;
  memset(&conn, 0, sizeof conn);
  static rcv_msg f;
  CHECK(rcv_begin(&f, &conn, false));
  spool_write_fn = full_disk;
  static char big[3 * RCV_STAGE];
  memset(big, 'x', sizeof big);
  big[sizeof big - 1] = '\n';
  rcv_sink(&f, "Subject: s\n\n", 12);
  CHECK(!rcv_sink(&f, big, sizeof big));
  rcv_end_input(&f);
  CHECK(f.spool_failed && spool_failure_code(f.spool_errno) == 452);
  CHECK(!rcv_commit(&f));
  rcv_abandon(&f);
  spool_write_fn = write;
  CHECK(files_in(dir) == 0);
  /* the same message with room: -D and -H */
  static rcv_msg ok;
  CHECK(rcv_begin(&ok, &conn, false));
  rcv_sink(&ok, "Subject: s\n\nbody\n", 17);
  rcv_end_input(&ok);
  ok.m.sender = "s@x.example";
  rcv_add_recipient(&ok, "a@b.example", NULL);
  CHECK(rcv_commit(&ok));
  CHECK(files_in(dir) == 2);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return unit_done("test_headers");
}
