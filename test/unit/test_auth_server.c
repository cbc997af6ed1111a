/* test_auth_server.c - unit tests of the server side of SMTP AUTH
 * (src/auth/auth_server.c, the server halves of plaintext.c and
 * cram_md5.c, src/base/base64.c): each exchange runs on a socketpair, the
 * client's lines written in advance, the server's replies read back and
 * compared with Exim 4.96's (test/expected/auth/ has the recorded -bh
 * sessions; test/black/test_auth_*.py drive the whole program). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/auth_server.h"
#include "base/base64.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/readconf.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "unit.h"

static char dir[] = "/tmp/test_auth_serverXXXXXX";

static const char *b64(const char *s, size_t n) { return g_str(base64_encode(NULL, s, n)); }

/* A connection whose peer is the other end of a socketpair. */
typedef struct {
  smtp_conn c;
  int peer;
} tconn;

static void tconn_open(tconn *t) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) abort();
  conn_init(&t->c, sv[0], sv[0], 5);
  t->peer = sv[1];
  t->c.host_address = "192.0.2.1";
  t->c.host_port = 1234;
  t->c.helo_name = "x";
  t->c.esmtp = true;
  t->c.received_protocol = "esmtp";
  conn_publish(&t->c);
}

static void tconn_close(tconn *t) {
  close(t->c.out_fd);
  close(t->peer);
}

/* Queue the client's lines ("\n" separated, sent with CRLF). */
static void client_says(tconn *t, const char *lines) {
  gstring *g = NULL;
  for (const char *p = lines; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    g = g_catn(g, p, n);
    g = g_cat(g, "\r\n");
    p += n + (e ? 1 : 0);
  }
  if (g && write(t->peer, g->s, g->len) != (ssize_t)g->len) abort();
}

/* Everything the server wrote so far, CRLFs as "\n". */
static const char *server_said(tconn *t) {
  conn_flush(&t->c);
  gstring *g = g_new(256, false);
  char buf[4096];
  for (;;) {
    ssize_t n = recv(t->peer, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] != '\r') g = g_catc(g, buf[i]);
  }
  return g_str(g);
}

static bool advertise(tconn *t, const char *want) {
  const char *got = g_str(auth_server_advertise(&t->c, g_new(16, false)));
  if (strcmp(got, want) != 0) fprintf(stderr, "advertised \"%s\", wanted \"%s\"\n", got, want);
  return strcmp(got, want) == 0;
}

/* Run "AUTH args" with the client's later lines already sent. */
static const char *auth(tconn *t, const char *args, const char *client) {
  if (client) client_says(t, client);
  CHECK(auth_server_command(&t->c, args));
  const char *r = server_said(t);
  return r;
}

#define SAID(t, args, client, want)                                                      \
  do {                                                                                   \
    const char *got_ = auth(t, args, client);                                            \
    if (strcmp(got_, want) != 0) fprintf(stderr, "AUTH %s: got \"%s\"\n", args, got_);   \
    CHECK(strcmp(got_, want) == 0);                                                      \
  } while (0)

static void test_base64(void) {
  CHECK(strcmp(b64("\0user\0secret", 12), "AHVzZXIAc2VjcmV0") == 0);
  CHECK(strcmp(b64("Username:", 9), "VXNlcm5hbWU6") == 0);
  CHECK(strcmp(b64("", 0), "") == 0);
  const char *d;
  size_t n;
  CHECK(auth_b64_decode("AHVzZXIAc2VjcmV0", &d, &n) && n == 12 && memcmp(d, "\0user\0secret", 12) == 0);
  CHECK(auth_b64_decode("AHVz ZXIAc2VjcmV0", &d, &n) && n == 12);   /* white space skipped, as exim4 */
  CHECK(auth_b64_decode("=", &d, &n) && n == 0);                    /* empty initial response */
  CHECK(is_tainted(d));
  CHECK(!auth_b64_decode("AHVzZXIAc2VjcmV", &d, &n));               /* not groups of four */
  CHECK(!auth_b64_decode("AHVzZXIAc2VjcmU=x", &d, &n));             /* data after padding */
  CHECK(!auth_b64_decode("!!!!", &d, &n));
  CHECK(!auth_b64_decode("A===", &d, &n));
}

static void load_config(void) {
  if (!mkdtemp(dir)) abort();
  const char *conf = str_sprintf("%s/exim.conf", dir);
  FILE *f = fopen(conf, "w");
  fputs("primary_hostname = test.example\n"
        "begin authenticators\n"
        "plain:\n"
        "  driver = plaintext\n"
        "  public_name = PLAIN\n"
        "  server_prompts = :\n"
        "  server_condition = ${if eq{$auth2}{user}{${if eq{$auth3}{secret}{yes}{$auth3}}}{no}}\n"
        "  server_set_id = $auth2\n"
        "login:\n"
        "  driver = plaintext\n"
        "  public_name = LOGIN\n"
        "  server_prompts = Username:: : Password::\n"
        "  server_condition = ${if and {{eq{$auth1}{user}}{eq{$auth2}{secret}}}}\n"
        "  server_set_id = $auth1\n"
        "  server_mail_auth_condition = ${if eq{$authenticated_sender}{ok@x}}\n"
        "cram:\n"
        "  driver = cram_md5\n"
        "  public_name = CRAM-MD5\n"
        "  server_secret = ${if eq{$auth1}{user}{secret}fail}\n"
        "  server_set_id = $auth1\n"
        "hidden:\n"
        "  driver = plaintext\n"
        "  public_name = HIDDEN\n"
        "  server_condition = yes\n"
        "  server_advertise_condition = ${if eq{$sender_host_address}{192.0.2.9}}\n",
        f);
  fclose(f);
  readconf_args a = {.file_list = conf};
  readconf_load(&a);
}

/* The challenge in "334 <base64>\n", decoded. */
static const char *challenge_of(const char *said) {
  CHECK(strncmp(said, "334 ", 4) == 0);
  const char *d;
  size_t n;
  char *line = str_copy(said + 4);
  char *nl = strchr(line, '\n');
  if (nl) *nl = 0;
  if (!auth_b64_decode(line, &d, &n)) return "";
  return str_copyn(d, n);
}

static void test_plain_and_login(void) {
  tconn t;
  tconn_open(&t);
  /* Before EHLO nothing was advertised. */
  SAID(&t, "PLAIN AHVzZXIAc2VjcmV0", NULL, "503 AUTH command used when not advertised\n");
  CHECK(advertise(&t, " PLAIN LOGIN CRAM-MD5"));
  CHECK(t.c.auth_advertised);
  SAID(&t, "FOO", NULL, "504 FOO authentication mechanism not supported\n");
  SAID(&t, "HIDDEN", NULL, "504 HIDDEN authentication mechanism not supported\n");
  SAID(&t, "F!OO", NULL, "501 invalid character in authentication mechanism name\n");
  SAID(&t, "PLAIN !!!", NULL, "501 Invalid base64 data\n");
  SAID(&t, "PLAIN", "*", "334 \n501 Authentication cancelled\n");
  SAID(&t, "PLAIN", "!", "334 \n501 Invalid base64 data\n");
  /* wrong password: 535, $authenticated_fail_id as exim4 sets it */
  SAID(&t, "PLAIN AHVzZXIAbm8=", NULL, "535 Incorrect authentication data\n");
  CHECK(t.c.authenticated_fail_id && strcmp(t.c.authenticated_fail_id, " (set_id=user)") == 0);
  CHECK(strcmp(expand_cstring("$authentication_failed"), "1") == 0);
  CHECK(!t.c.auth_driver_name);
  /* server_condition yielding another string: 435 with the text */
  SAID(&t, "PLAIN AHVzZXIAbWF5YmU=", NULL, "435 Unable to authenticate at present: maybe\n");
  /* LOGIN: two prompts, base64 */
  const char *said = auth(&t, "LOGIN", "dXNlcg==\nd3Jvbmc=");
  CHECK(strcmp(said, "334 VXNlcm5hbWU6\n334 UGFzc3dvcmQ6\n535 Incorrect authentication data\n") == 0);
  /* LOGIN with the user name given on the command: only the password is asked */
  SAID(&t, "login dXNlcg==", "c2VjcmV0", "334 UGFzc3dvcmQ6\n235 Authentication succeeded\n");
  CHECK(t.c.authenticated_id && strcmp(t.c.authenticated_id, "user") == 0);
  CHECK(strcmp(t.c.auth_driver_name, "login") == 0);
  CHECK(strcmp(t.c.received_protocol, "esmtpa") == 0);
  CHECK(!t.c.authenticated_fail_id);
  /* $auth1.. and $1.. are cleared after the command, as exim4 does */
  CHECK(strcmp(expand_cstring("$auth1/$auth2/$1/$sender_host_authenticated/$authenticated_id"),
               "///login/user") == 0);
  CHECK(strcmp(expand_cstring("$authentication_failed"), "0") == 0);
  SAID(&t, "PLAIN AHVzZXIAc2VjcmV0", NULL, "503 already authenticated\n");
  /* no AUTH in a later EHLO */
  CHECK(advertise(&t, ""));
  CHECK(!t.c.auth_advertised);

  /* AUTH= on MAIL: kept for the authenticated client when
   * server_mail_auth_condition passes, ignored otherwise */
  CHECK(auth_server_mail_param(&t.c, "ok@x"));
  CHECK(t.c.env.auth_sender && strcmp(t.c.env.auth_sender, "ok@x") == 0);
  CHECK(strcmp(expand_cstring("$authenticated_sender"), "ok@x") == 0);
  CHECK(auth_server_mail_param(&t.c, "bad@x"));
  CHECK(!t.c.env.auth_sender);
  CHECK(strcmp(expand_cstring("$authenticated_sender"), "") == 0);
  CHECK(auth_server_mail_param(&t.c, "<>"));
  CHECK(!t.c.env.auth_sender);
  tconn_close(&t);

  /* "=" is an empty initial response: one empty string, no prompt */
  tconn_open(&t);
  CHECK(advertise(&t, " PLAIN LOGIN CRAM-MD5"));
  SAID(&t, "PLAIN =", NULL, "535 Incorrect authentication data\n");
  CHECK(strcmp(expand_cstring("<$auth1><$auth2>"), "<><>") == 0);
  /* PLAIN without initial data: one empty prompt, then the data */
  SAID(&t, "PLAIN", "AHVzZXIAc2VjcmV0", "334 \n235 Authentication succeeded\n");
  CHECK(strcmp(t.c.authenticated_id, "user") == 0);
  CHECK(strcmp(t.c.auth_driver_name, "plain") == 0);
  tconn_close(&t);

  /* Not authenticated: AUTH= ignored (no acl_smtp_mailauth) */
  tconn_open(&t);
  CHECK(auth_server_mail_param(&t.c, "someone@x"));
  CHECK(!t.c.env.auth_sender);
  /* the host-dependent advertisement */
  t.c.host_address = "192.0.2.9";
  conn_publish(&t.c);
  CHECK(advertise(&t, " PLAIN LOGIN CRAM-MD5 HIDDEN"));
  SAID(&t, "hidden", NULL, "235 Authentication succeeded\n");   /* no server_prompts: no 334 */
  tconn_close(&t);
}

static const char *hmac_md5_hex(const char *key, const char *data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  HMAC(EVP_md5(), key, (int)strlen(key), (const unsigned char *)data, strlen(data), md, &n);
  gstring *g = NULL;
  for (unsigned i = 0; i < n; i++) g = g_fmt(g, "%02x", md[i]);
  return g_str(g);
}

/* CRAM-MD5: the response must be computed from the challenge, so the
 * client's line is written after the 334 has been read. */
static const char *cram(tconn *t, const char *user, const char *secret, bool upper) {
  /* A child process plays the client: it reads the 334 challenge, passes
   * it back through a pipe for the checks, and answers. */
  int pfd[2];
  if (pipe(pfd) < 0) abort();
  pid_t pid = fork();
  if (pid == 0) {
    /* the client: read the 334 line, answer */
    char buf[512];
    size_t n = 0;
    while (n < sizeof buf - 1) {
      ssize_t r = read(t->peer, buf + n, 1);
      if (r <= 0) _exit(1);
      n++;
      if (buf[n - 1] == '\n') break;
    }
    buf[n] = 0;
    char *cr = strchr(buf, '\r');
    if (cr) *cr = 0;
    const char *d;
    size_t dl;
    if (strncmp(buf, "334 ", 4) != 0 || !auth_b64_decode(buf + 4, &d, &dl)) _exit(1);
    const char *ch = str_copyn(d, dl);
    if (write(pfd[1], ch, strlen(ch)) < 0) _exit(1);
    char *digest = str_copy(hmac_md5_hex(secret, ch));
    if (upper)
      for (char *p = digest; *p; p++)
        if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 32);
    const char *resp = str_sprintf("%s %s", user, digest);
    const char *line = str_sprintf("%s\r\n", b64(resp, strlen(resp)));
    if (write(t->peer, line, strlen(line)) < 0) _exit(1);
    _exit(0);
  }
  close(pfd[1]);
  CHECK(auth_server_command(&t->c, "CRAM-MD5"));
  int st;
  waitpid(pid, &st, 0);
  char ch[256] = {0};
  ssize_t r = read(pfd[0], ch, sizeof ch - 1);
  close(pfd[0]);
  CHECK(r > 0);
  /* <pid.time@primary_hostname> */
  CHECK(ch[0] == '<' && strstr(ch, "@test.example>") && strchr(ch, '.'));
  CHECK(strtol(ch + 1, NULL, 10) == getpid());
  return server_said(t);
}

static void test_cram_md5(void) {
  tconn t;
  tconn_open(&t);
  CHECK(advertise(&t, " PLAIN LOGIN CRAM-MD5"));
  SAID(&t, "CRAM-MD5 abcd", NULL, "553 Initial data not expected\n");
  CHECK(strcmp(cram(&t, "user", "wrong", false), "535 Incorrect authentication data\n") == 0);
  CHECK(strcmp(cram(&t, "nobody", "secret", false), "535 Incorrect authentication data\n") == 0);
  CHECK(strcmp(cram(&t, "user", "secret", true), "235 Authentication succeeded\n") == 0);
  CHECK(strcmp(t.c.authenticated_id, "user") == 0);
  CHECK(strcmp(t.c.auth_driver_name, "cram") == 0);
  CHECK(strcmp(t.c.auth_mechanism, "CRAM-MD5") == 0);
  tconn_close(&t);
  /* the challenge itself */
  tconn_open(&t);
  CHECK(advertise(&t, " PLAIN LOGIN CRAM-MD5"));
  client_says(&t, "*");
  CHECK(auth_server_command(&t.c, "CRAM-MD5"));
  const char *said = server_said(&t);
  const char *ch = challenge_of(said);
  CHECK(strncmp(ch, str_sprintf("<%d.", (int)getpid()), strlen(str_sprintf("<%d.", (int)getpid()))) == 0);
  CHECK(strstr(said, "\n501 Authentication cancelled\n") != NULL);
  tconn_close(&t);
}

/* The client goes away in the middle of an exchange: the command says to
 * close the connection. */
static void test_eof(void) {
  tconn t;
  tconn_open(&t);
  CHECK(advertise(&t, " PLAIN LOGIN CRAM-MD5"));
  shutdown(t.peer, SHUT_WR);
  CHECK(!auth_server_command(&t.c, "LOGIN"));
  tconn_close(&t);
}

int main(void) {
  test_base64();
  load_config();
  test_plain_and_login();
  test_cram_md5();
  test_eof();
  char *rm = str_sprintf("rm -rf %s", dir);
  if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return unit_done("test_auth_server");
}
