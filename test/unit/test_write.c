/* test_write.c - transport_write_message() on a hand-made spool message:
 * header order (Return-path:, Envelope-to:, Delivery-date:), headers_remove
 * from routers and the transport (wildcards), deleted headers skipped,
 * routers' and transport's headers_add, "From " escaping, CRLF and dot
 * stuffing with the end dot, headers_only/body_only, a wireformat (CRLF)
 * -D file, size_limit cutting, a transport filter (its output, its
 * failure, its timeout), a header expansion failure, the failure texts and
 * message_size_limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "deliver/deliver.h"
#include "expand/variables.h"
#include "transport/transport.h"
#include "transport/write.h"
#include "unit.h"

static char dir[64];
static deliver_msg dm;

static spool_header *hdr(spool_header *next, char type, const char *text) {
  spool_header *h = store_get(sizeof *h, false);
  h->type = type;
  h->text = str_copy(text);
  h->next = next;
  return h;
}

/* A message with the given -D body (after the id line). */
static void make_msg(const char *body, bool wire) {
  memset(&dm, 0, sizeof dm);
  spool_msg_init(&dm.m);
  strcpy(dm.m.id, "1xZ3r2-0005pp-0v");
  dm.m.sender = "sender@x.y";
  dm.m.wireformat = wire;
  spool_header *h = hdr(NULL, ' ', "Date: Thu, 03 Dec 2026 10:15:56 +0000\n");
  h = hdr(h, 'I', "Message-Id: <E1xZ3r2-0005pp-0v@test.example>\n");
  h = hdr(h, '*', "X-Old: deleted\n");
  h = hdr(h, ' ', "Subject: hi\n");
  h = hdr(h, ' ', "X-Drop-Me: z\n");
  h = hdr(h, ' ', "X-Drop: z\n");
  h = hdr(h, 'F', "From: a@b\n");
  dm.m.headers = h;
  char name[128];
  snprintf(name, sizeof name, "%s/data-%d", dir, wire);
  int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
  const char *idl = "1xZ3r2-0005pp-0v-D\n";
  if (write(fd, idl, strlen(idl)) < 0 || write(fd, body, strlen(body)) < 0) perror("write");
  dm.data_fd = fd;
  dm.body_offset = (off_t)strlen(idl);
  dm.body_size = (long)strlen(body);
  deliver_current = &dm;
}

/* Run the writer into a file and return what it wrote. */
static char *run(transport_write_opts *o, bool *ok, const char **error, int *code) {
  char name[128];
  snprintf(name, sizeof name, "%s/out", dir);
  int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
  o->fd = fd;
  *error = NULL;
  *ok = transport_write_message(o, error, code);
  off_t end = lseek(fd, 0, SEEK_END);
  char *s = store_get((size_t)end + 1, false);
  ssize_t n = pread(fd, s, (size_t)end, 0);
  s[n < 0 ? 0 : n] = 0;
  close(fd);
  return s;
}

static transport_instance tp;

static void reset_t(void) {
  memset(&tp, 0, sizeof tp);
  tp.drv.name = "t1";
}

static void test_headers(void) {
  make_msg("From me\nline2\n", false);
  address_item a = {0}, b = {0}, c = {0}, parent = {0};
  a.address = "aa@x";
  b.address = "bb@x";
  parent.address = "orig@x";
  c.address = "child@x";
  c.parent = &parent;
  a.next = &b;
  b.next = &c;
  a.remove_headers = "X-Drop";
  a.extra_headers = "X-Router: yes\n";
  reset_t();
  tp.headers_remove = "subject : x-drop-*";
  tp.headers_add = "X-T1: a\n${if eq{1}{2}{X-T2: x}}\nX-T3: ${if eq{1}{2}{x}{y}}";
  tp.return_path_add = true;
  tp.envelope_to_add = true;
  transport_write_opts o = {.t = &tp, .addr = &a, .check_string = "From ", .escape_string = ">From "};
  bool ok;
  const char *err;
  int code;
  char *out = run(&o, &ok, &err, &code);
  CHECK(ok);
  const char *want =
      "Return-path: <sender@x.y>\n"
      "Envelope-to: aa@x,\n bb@x,\n orig@x\n"
      "From: a@b\n"
      "Message-Id: <E1xZ3r2-0005pp-0v@test.example>\n"
      "Date: Thu, 03 Dec 2026 10:15:56 +0000\n"
      "X-Router: yes\n"
      "X-T1: a\n"
      "X-T3: y\n"
      "\n"
      ">From me\nline2\n";
  if (strcmp(out, want) != 0) fprintf(stderr, "got:\n%s", out);
  CHECK(strcmp(out, want) == 0);

  /* Delivery-date: comes after Envelope-to: and uses $tod_full. */
  tp.delivery_date_add = true;
  tp.headers_add = NULL;
  out = run(&o, &ok, &err, &code);
  CHECK(ok && strstr(out, " orig@x\nDelivery-date: ") != NULL);

  /* headers_text has the header section without the blank line. */
  gstring *g = transport_headers_text(&o, &err);
  CHECK(g && g->len > 0 && g->s[g->len - 1] == '\n' && strstr(g_str(g), "\n\n") == NULL);

  /* A failing headers_add expansion. */
  tp.headers_add = "${if";
  out = run(&o, &ok, &err, &code);
  CHECK(!ok && code == ERRNO_CHHEADER_FAIL && *out == 0);
  CHECK(err && strncmp(err, "failed to expand headers_add or headers_remove: ", 48) == 0);
  char *t = transport_write_failure_text(err, "/m/box");
  CHECK(strncmp(t, "failed to expand headers_add or headers_remove while writing to /m/box: ", 72) == 0);
  CHECK(strcmp(transport_write_failure_text(NULL, "/m/box"), "error while writing to /m/box") == 0);
  CHECK(strcmp(transport_write_failure_text("transport filter process failed (1)", "/m/b"),
               "transport filter process failed (1) while writing to /m/b") == 0);

  /* return_path replaces the sender; a bounce shows <>. */
  reset_t();
  tp.return_path_add = true;
  tp.return_path = "verp-$return_path";
  transport_write_opts o2 = {.t = &tp, .addr = &a};
  out = run(&o2, &ok, &err, &code);
  CHECK(ok && strncmp(out, "Return-path: <verp-sender@x.y>\nFrom: a@b\n", 41) == 0);
  tp.return_path = NULL;
  dm.m.sender = "";
  out = run(&o2, &ok, &err, &code);
  CHECK(ok && strncmp(out, "Return-path: <>\n", 16) == 0);
  a.errors_address = "err@x";
  out = run(&o2, &ok, &err, &code);
  CHECK(ok && strncmp(out, "Return-path: <err@x>\n", 21) == 0);
}

/* headers_rewrite changes the message's address headers only. */
static void test_rewrite(void) {
  make_msg("body\n", false);
  reset_t();
  address_item a = {0};
  a.address = "aa@x";
  a.extra_headers = "X-Router: a@b\n";
  tp.headers_rewrite = "a@b c@d f";
  bool ok;
  const char *err;
  int code;
  transport_write_opts o = {.t = &tp, .addr = &a};
  char *out = run(&o, &ok, &err, &code);
  CHECK(ok && strncmp(out, "From: c@d\n", 10) == 0 && strstr(out, "X-Router: a@b\n"));
}

static void test_smtp_forms(void) {
  make_msg(".dot\nplain\n..two\nFrom x\n", false);
  reset_t();
  address_item a = {0};
  a.address = "aa@x";
  bool ok;
  const char *err;
  int code;
  transport_write_opts o = {.t = &tp, .addr = &a, .flags = TW_CRLF | TW_DOT_STUFF | TW_END_DOT | TW_BODY_ONLY};
  char *out = run(&o, &ok, &err, &code);
  CHECK(ok && strcmp(out, "..dot\r\nplain\r\n...two\r\nFrom x\r\n.\r\n") == 0);

  /* A body without a final newline gets one before the dot. */
  make_msg("abc", false);
  out = run(&o, &ok, &err, &code);
  CHECK(ok && strcmp(out, "abc\r\n.\r\n") == 0);

  /* headers_only: the header section and its blank line. */
  make_msg("body\n", false);
  transport_write_opts o2 = {.t = &tp, .addr = &a, .flags = TW_HEADERS_ONLY};
  out = run(&o2, &ok, &err, &code);
  CHECK(ok && strstr(out, "From: a@b\nX-Drop: z\nX-Drop-Me: z\nSubject: hi\nMessage-Id:") && strstr(out, "\n\n") &&
        strcmp(out + strlen(out) - 2, "\n\n") == 0 && !strstr(out, "body"));

  /* A wireformat -D file (CRLF) written with LF, then with CRLF. */
  make_msg("From a\r\nb\rc\r\n.\r\n", true);
  transport_write_opts o3 = {.t = &tp, .addr = &a, .flags = TW_BODY_ONLY, .check_string = "From ",
                             .escape_string = ">From "};
  out = run(&o3, &ok, &err, &code);
  CHECK(ok && strcmp(out, ">From a\nb\rc\n.\n") == 0);
  o3.flags |= TW_CRLF;
  out = run(&o3, &ok, &err, &code);
  CHECK(ok && strcmp(out, ">From a\r\nb\rc\r\n.\r\n") == 0);

  /* size_limit cuts the body and ends the line. */
  make_msg("0123456789\nabcdef\n", false);
  transport_write_opts o4 = {.t = &tp, .addr = &a, .flags = TW_BODY_ONLY, .size_limit = 5};
  out = run(&o4, &ok, &err, &code);
  CHECK(ok && strcmp(out, "01234\n") == 0);

  /* Escaping a check string longer than a short line, and at the end. */
  make_msg("Fr\nFrom \nFrom", false);
  out = run(&o3, &ok, &err, &code);
  CHECK(ok && strcmp(out, "Fr\r\n>From \r\nFrom") == 0);
}

static void test_filter(void) {
  make_msg("From me\nline2\n", false);
  reset_t();
  address_item a = {0};
  a.address = "aa@x";
  tp.transport_filter = "/usr/bin/tr a-z A-Z";
  bool ok;
  const char *err;
  int code;
  transport_write_opts o = {.t = &tp, .addr = &a, .flags = TW_BODY_ONLY | TW_CRLF, .check_string = "FROM ",
                            .escape_string = ">FROM "};
  char *out = run(&o, &ok, &err, &code);
  CHECK(ok && strcmp(out, ">FROM ME\r\nLINE2\r\n") == 0);

  tp.transport_filter = "/bin/false";
  out = run(&o, &ok, &err, &code);
  CHECK(!ok && code == ERRNO_FILTER_FAIL && err && strcmp(err, "transport filter process failed (1)") == 0);

  tp.transport_filter = "/bin/sleep 5";
  tp.transport_filter_timeout = 1;
  out = run(&o, &ok, &err, &code);
  CHECK(!ok && code == ETIMEDOUT && err == NULL);
}

/* A full device: the errno comes back, with no text of its own. */
static void test_enospc(void) {
  make_msg("body\n", false);
  reset_t();
  address_item a = {0};
  a.address = "aa@x";
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) return;
  transport_write_opts o = {.fd = fd, .t = &tp, .addr = &a};
  const char *err = "unset";
  int code = 0;
  CHECK(!transport_write_message(&o, &err, &code));
  CHECK(code == ENOSPC && err == NULL);
  close(fd);
}

static void test_size(void) {
  make_msg("0123456789\n", false);
  reset_t();
  address_item a = {0};
  a.address = "aa@x";
  tp.message_size_limit = "10";
  CHECK(transport_check_size(&tp, &a) == FAIL);
  CHECK(a.transport_return == FAIL && strcmp(a.message, "message is too big (transport limit = 10)") == 0);
  address_item b = {0};
  tp.message_size_limit = "1M";
  CHECK(transport_check_size(&tp, &b) == OK);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/test_write.XXXXXX");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_headers();
  test_rewrite();
  test_smtp_forms();
  test_filter();
  test_enospc();
  test_size();
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return unit_done("test_write");
}
