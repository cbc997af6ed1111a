/* test_tls.c - unit tests for the OpenSSL server side (src/tls): the
 * handshake through tls_ops_hooks->server_start() on a real loopback TCP
 * connection from `openssl s_client` (TLS from the first byte), the
 * encrypted reader and writer, $tls_in_* values in Exim's forms, client
 * certificate verification (required and tried), SNI re-expansion picking
 * a second certificate, ALPN refusal, OCSP stapling (-status), session
 * resumption with tickets (-sess_out / -sess_in), cipher selection,
 * openssl_options, tls_dhparam, handshake failures (garbage, timeout) and
 * the configuration checks.
 *
 * Certificates, keys and OCSP responses are made at run time with the
 * openssl command in a private temporary directory.  In a build without
 * TLS the test only checks that tls_ops_hooks is NULL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "modules.h"
#include "smtp/conn.h"
#include "tls/tls.h"
#include "tls/tls_int.h"
#include "unit.h"

static char dir[] = "/tmp/test_tls.XXXXXX";

static const char *path(const char *name) { return str_sprintf("%s/%s", dir, name); }

static bool sh(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char cmd[4096];
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = system(str_sprintf("cd %s && (%s) >>%s/openssl.log 2>&1", dir, cmd, dir));
  if (rc != 0) fprintf(stderr, "command failed: %s\n", cmd);
  return rc == 0;
}

static char *slurp(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) return str_copy("");
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return str_copy(buf);
}

/* A CA, two server certificates, a client certificate from the CA, a
 * self-signed client certificate, and OCSP responses for the server. */
static bool make_pki(void) {
  const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  return sh("openssl req -x509 %s -keyout ca.key -out ca.pem -subj /CN=Test-CA -days 2", ec) &&
         sh("openssl req %s -keyout srv.key -out srv.csr -subj /CN=server.example", ec) &&
         sh("openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -set_serial 0x1001 -out srv.pem -days 2") &&
         sh("openssl req %s -keyout second.key -out second.csr -subj /CN=second.example", ec) &&
         sh("openssl x509 -req -in second.csr -CA ca.pem -CAkey ca.key -set_serial 0x1002 -out second.pem -days 2") &&
         sh("cat second.pem second.key > second.both") &&
         sh("cat srv.pem srv.key > srv.both") &&
         sh("openssl req %s -keyout cli.key -out cli.csr -subj /CN=client.example", ec) &&
         sh("openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -set_serial 0x2001 -out cli.pem -days 2") &&
         sh("openssl req -x509 %s -keyout rogue.key -out rogue.pem -subj /CN=rogue.example -days 2", ec) &&
         sh("printf 'V\\t300101000000Z\\t\\t1001\\tunknown\\t/CN=server.example\\n' > index.txt") &&
         sh("openssl ocsp -issuer ca.pem -cert srv.pem -reqout req.der -no_nonce") &&
         sh("openssl ocsp -index index.txt -rsigner ca.pem -rkey ca.key -CA ca.pem -reqin req.der "
            "-respout resp.der -ndays 1") &&
         sh("openssl ocsp -index index.txt -rsigner ca.pem -rkey ca.key -CA ca.pem -reqin req.der "
            "-respout resp-nonext.der") &&
         /* CRLs: one revoking the client certificate, one revoking nothing */
         sh("printf '[ca]\\ndefault_ca = d\\n[d]\\ndatabase = crl-index.txt\\ndefault_md = sha256\\n' > ca.cnf") &&
         sh("printf 'R\\t300101000000Z\\t260101000000Z\\t2001\\tunknown\\t/CN=client.example\\n' > crl-index.txt") &&
         sh("openssl ca -gencrl -config ca.cnf -keyfile ca.key -cert ca.pem -crldays 1 -out crl-revoked.pem") &&
         sh(": > crl-index.txt") &&
         sh("openssl ca -gencrl -config ca.cnf -keyfile ca.key -cert ca.pem -crldays 1 -out crl-empty.pem") &&
         /* the OCSP response in PEM form */
         sh("(echo '-----BEGIN OCSP RESPONSE-----'; base64 resp.der; echo '-----END OCSP RESPONSE-----') > resp.pem") &&
         /* an RSA server certificate beside the EC one, and DH parameters */
         sh("openssl req -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.csr -subj /CN=rsa.example") &&
         sh("openssl x509 -req -in rsa.csr -CA ca.pem -CAkey ca.key -set_serial 0x1003 -out rsa.pem -days 2") &&
         sh("openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh2048.pem") &&
         sh("mkdir cadir && cp ca.pem cadir/ && openssl rehash cadir");
}

/* ---- one connection -------------------------------------------------- */

typedef struct result {
  bool ok;                /* server_start succeeded */
  const char *error;      /* its error text */
  const char *line;       /* the line read through TLS */
  const char *client;     /* s_client's output */
  smtp_conn c;
} result;

/* Client: "s" = openssl s_client with extra args (sends "HELLO" and
 * waits for the server to close); "g" = raw garbage; "n" = connects and
 * sends nothing. */
static void run(result *r, char kind, const char *args) {
  memset(r, 0, sizeof *r);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  if (bind(ls, (struct sockaddr *)&sa, sl) != 0 || listen(ls, 1) != 0 ||
      getsockname(ls, (struct sockaddr *)&sa, &sl) != 0) {
    CHECK(!"listen");
    return;
  }
  const char *out = path("client.out");
  pid_t pid = fork();
  if (pid == 0) {
    close(ls);
    int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(o, 2);
    if (kind == 's') {
      int in = open(path("hello.txt"), O_RDONLY);
      dup2(in, 0);
      char *cmd = str_sprintf("exec openssl s_client -connect 127.0.0.1:%d -ign_eof -CAfile %s %s", ntohs(sa.sin_port),
                              path("ca.pem"), args);
      execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
      _exit(127);
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) _exit(1);
    if (kind == 'g') {
      const char *g = "GARBAGE IN PLACE OF A CLIENT HELLO\r\n";
      if (write(s, g, strlen(g)) < 0) _exit(1);
      char b[512];
      while (read(s, b, sizeof b) > 0) {}
    } else {
      sleep(5); /* silent until the server gives up */
    }
    _exit(0);
  }
  int fd = accept(ls, NULL, NULL);
  close(ls);
  conn_init(&r->c, fd, fd, kind == 'n' ? 1 : 10);
  r->c.host_address = "127.0.0.1";
  r->c.host_port = 1234;
  conn_current = &r->c;
  r->ok = tls_ops_hooks->server_start(&r->c, &r->error);
  if (r->ok) {
    char *line;
    size_t len;
    if (smtp_in_read_command(&r->c.in, &line, &len) == SMTP_IN_OK) r->line = str_copy(line);
    conn_printf(&r->c, "250 got %s\r\n", r->line ? r->line : "(nothing)");
    CHECK(conn_flush(&r->c));
    tls_ops_hooks->server_close(&r->c);
    CHECK(r->c.tls.session == NULL);
  } else {
    CHECK(r->c.tls.session == NULL);
    CHECK(!r->c.tls.active);
  }
  CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK)); /* the descriptor is as it was */
  close(fd);
  if (kind == 'n') kill(pid, SIGKILL);
  int st;
  waitpid(pid, &st, 0);
  r->client = slurp(out);
}

static bool has(const char *hay, const char *needle) {
  bool yes = hay && strstr(hay, needle);
  if (!yes) fprintf(stderr, "  missing \"%s\" in:\n%s\n", needle, hay ? hay : "(null)");
  return yes;
}

static const char *xp(const char *s) {
  const char *r = expand_cstring(s);
  return r ? r : "(expansion failed)";
}

static void reset(void) {
  main_config_reset();
  mainconf.tls_certificate = path("srv.pem");
  mainconf.tls_privatekey = path("srv.key");
}

int main(void) {
  if (!tls_ops_hooks) {
    CHECK(!tls_available());
    return unit_done("test_tls");
  }
  signal(SIGPIPE, SIG_IGN);
  if (!mkdtemp(dir)) return 1;
  if (!make_pki()) {
    fprintf(stderr, "%s", slurp(path("openssl.log")));
    CHECK(!"PKI");
    return unit_done("test_tls");
  }
  FILE *h = fopen(path("hello.txt"), "w");
  fputs("HELLO\n", h);
  fclose(h);
  result r;

  /* Basic TLS 1.3: values in Exim's forms, data both ways. */
  reset();
  run(&r, 's', "");
  CHECK(r.ok);
  CHECK(r.line && strcmp(r.line, "HELLO") == 0);
  CHECK(has(r.client, "250 got HELLO"));
  CHECK(r.c.tls.active);
  CHECK(r.c.tls.ver && strcmp(r.c.tls.ver, "TLS1.3") == 0);
  CHECK(r.c.tls.cipher && strcmp(r.c.tls.cipher, "TLS1.3:TLS_AES_256_GCM_SHA384:256") == 0);
  CHECK(r.c.tls.cipher_std && strcmp(r.c.tls.cipher_std, "TLS_AES_256_GCM_SHA384") == 0);
  CHECK(r.c.tls.bits == 256);
  CHECK(!r.c.tls.certificate_verified);
  CHECK(r.c.tls.peerdn == NULL);
  CHECK(r.c.tls.ourcert && strncmp(r.c.tls.ourcert, "-----BEGIN CERTIFICATE-----", 27) == 0);
  CHECK(r.c.tls.ocsp == 0);
  CHECK(strcmp(xp("$tls_in_cipher"), "TLS1.3:TLS_AES_256_GCM_SHA384:256") == 0);
  CHECK(strcmp(xp("$tls_in_ver/$tls_in_bits/$tls_in_certificate_verified"), "TLS1.3/256/0") == 0);
  CHECK(strcmp(xp("${if def:tls_in_ourcert{yes}{no}}"), "yes") == 0);
  CHECK(has(r.client, "subject=CN = server.example"));
  CHECK(has(r.client, "Verification: OK"));

  /* TLS 1.2 with tls_require_ciphers (underscores read as hyphens). */
  reset();
  mainconf.tls_require_ciphers = "ECDHE_ECDSA_AES128_GCM_SHA256";
  run(&r, 's', "-tls1_2");
  CHECK(r.ok);
  CHECK(r.c.tls.cipher && strcmp(r.c.tls.cipher, "TLS1.2:ECDHE-ECDSA-AES128-GCM-SHA256:128") == 0);
  CHECK(r.c.tls.cipher_std && strcmp(r.c.tls.cipher_std, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") == 0);
  CHECK(r.c.tls.ver && strcmp(r.c.tls.ver, "TLS1.2") == 0);
  run(&r, 's', "-tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(SSL_accept): error:") && has(r.error, "no shared cipher"));
  /* A cipher string OpenSSL does not know: the context cannot be made. */
  mainconf.tls_require_ciphers = "NO-SUCH-CIPHER";
  run(&r, 's', "");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(tls_init): SSL_CTX_set_cipher_list(NO-SUCH-CIPHER)"));

  /* openssl_options: +no_tlsv1_3 leaves TLS 1.2; bad names are refused. */
  reset();
  mainconf.openssl_options = "+no_sslv2 +no_tlsv1_3";
  run(&r, 's', "");
  CHECK(r.ok);
  CHECK(r.c.tls.ver && strcmp(r.c.tls.ver, "TLS1.2") == 0);
  CHECK(tls_ops_hooks->check_config() == NULL);
  mainconf.openssl_options = "+no_tlsv1_3 +no_such_thing";
  CHECK(has(tls_ops_hooks->check_config(), "openssl_options parse error: unknown option \"no_such_thing\""));
  mainconf.openssl_options = "no_tlsv1_3";
  CHECK(has(tls_ops_hooks->check_config(), "does not start with + or -"));
  {
    const char *err = NULL;
    uint64_t bits = 0;
    CHECK(tls_parse_openssl_options(NULL, &bits, &err));
    CHECK(bits == (SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION));
    bits = SSL_OP_ENABLE_MIDDLEBOX_COMPAT | SSL_OP_NO_COMPRESSION;
    CHECK(tls_parse_openssl_options("+no_tlsv1 -enable_middlebox_compat +Cipher_Server_Preference", &bits, &err));
    CHECK(bits == (SSL_OP_NO_COMPRESSION | SSL_OP_NO_TLSv1 | SSL_OP_CIPHER_SERVER_PREFERENCE));
    bits = 0;
    CHECK(tls_parse_openssl_options("+all -tls_rollback_bug", &bits, &err));
    CHECK(bits == (SSL_OP_ALL & ~(uint64_t)SSL_OP_TLS_ROLLBACK_BUG));
  }

  /* Client certificates: required and verified. */
  reset();
  mainconf.tls_verify_hosts = "127.0.0.1";
  mainconf.tls_verify_certificates = path("ca.pem");
  run(&r, 's', str_sprintf("-cert %s -key %s", path("cli.pem"), path("cli.key")));
  CHECK(r.ok);
  CHECK(r.c.tls.certificate_verified);
  CHECK(r.c.tls.peerdn && strcmp(r.c.tls.peerdn, "/CN=client.example") == 0);
  CHECK(r.c.tls.peercert && strncmp(r.c.tls.peercert, "-----BEGIN CERTIFICATE-----", 27) == 0);
  CHECK(strcmp(xp("$tls_in_peerdn $tls_in_certificate_verified"), "/CN=client.example 1") == 0);
  /* ... no certificate: the handshake fails. */
  run(&r, 's', "");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(SSL_accept): error:") && has(r.error, "peer did not return a certificate"));
  /* ... a certificate from elsewhere: fails too. */
  run(&r, 's', str_sprintf("-cert %s -key %s", path("rogue.pem"), path("rogue.key")));
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "certificate verify failed"));
  /* A directory of hashed CA certificates works as well. */
  mainconf.tls_verify_certificates = path("cadir");
  run(&r, 's', str_sprintf("-cert %s -key %s", path("cli.pem"), path("cli.key")));
  CHECK(r.ok && r.c.tls.certificate_verified);
  mainconf.tls_verify_certificates = path("ca.pem");
  /* tls_try_verify_hosts: the session goes on, unverified. */
  mainconf.tls_verify_hosts = NULL;
  mainconf.tls_try_verify_hosts = "*";
  run(&r, 's', str_sprintf("-cert %s -key %s", path("rogue.pem"), path("rogue.key")));
  CHECK(r.ok);
  CHECK(!r.c.tls.certificate_verified);
  CHECK(r.c.tls.peerdn && strcmp(r.c.tls.peerdn, "/CN=rogue.example") == 0);
  run(&r, 's', "");
  CHECK(r.ok);
  CHECK(!r.c.tls.certificate_verified && r.c.tls.peerdn == NULL);
  run(&r, 's', str_sprintf("-cert %s -key %s", path("cli.pem"), path("cli.key")));
  CHECK(r.ok && r.c.tls.certificate_verified);
  /* tls_crl: a revoked client certificate fails verification. */
  mainconf.tls_try_verify_hosts = NULL;
  mainconf.tls_verify_hosts = "*";
  mainconf.tls_crl = path("crl-empty.pem");
  run(&r, 's', str_sprintf("-cert %s -key %s", path("cli.pem"), path("cli.key")));
  CHECK(r.ok && r.c.tls.certificate_verified);
  mainconf.tls_crl = path("crl-revoked.pem");
  run(&r, 's', str_sprintf("-cert %s -key %s", path("cli.pem"), path("cli.key")));
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "certificate verify failed"));  /* logged: "certificate revoked" */
  mainconf.tls_crl = NULL;
  mainconf.tls_verify_hosts = NULL;
  mainconf.tls_try_verify_hosts = "*";
  /* A host not in either list is not asked for a certificate. */
  mainconf.tls_try_verify_hosts = "192.0.2.1";
  run(&r, 's', str_sprintf("-cert %s -key %s", path("cli.pem"), path("cli.key")));
  CHECK(r.ok && !r.c.tls.certificate_verified && r.c.tls.peerdn == NULL);

  /* SNI: tls_certificate mentions tls_in_sni, so it is expanded again. */
  reset();
  mainconf.tls_certificate =
      str_sprintf("${if eq{$tls_in_sni}{second.example}{%s}{%s}}", path("second.both"), path("srv.both"));
  mainconf.tls_privatekey = NULL;
  run(&r, 's', "-servername second.example");
  CHECK(r.ok);
  CHECK(r.c.tls.sni && strcmp(r.c.tls.sni, "second.example") == 0);
  CHECK(has(r.client, "subject=CN = second.example"));
  CHECK(strcmp(xp("$tls_in_sni"), "second.example") == 0);
  run(&r, 's', "-servername other.example");
  CHECK(r.ok);
  CHECK(has(r.client, "subject=CN = server.example"));
  CHECK(r.c.tls.sni && strcmp(r.c.tls.sni, "other.example") == 0);
  run(&r, 's', "-noservername");
  CHECK(r.ok && r.c.tls.sni == NULL);
  /* The client's name is tainted: it cannot make a file name. */
  mainconf.tls_certificate = str_sprintf("${if def:tls_in_sni{%s/$tls_in_sni.both}{%s}}", dir, path("srv.both"));
  run(&r, 's', "-servername second");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(SSL_accept): SNI: Tainted filename for tls_certificate"));
  run(&r, 's', "-noservername");
  CHECK(r.ok);

  /* ALPN: one protocol from tls_alpn is fine; others are refused. */
  reset();
  run(&r, 's', "-alpn smtp");
  CHECK(r.ok);
  CHECK(has(r.client, "ALPN protocol: smtp"));
  run(&r, 's', "-alpn http/1.1");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "TLS ALPN (http/1.1) rejected"));
  run(&r, 's', "-alpn smtp,esmtp");
  CHECK(!r.ok);
  mainconf.tls_alpn = NULL;
  run(&r, 's', "-alpn http/1.1");
  CHECK(r.ok);

  /* Self-signed certificate when tls_certificate is unset. */
  main_config_reset();
  mainconf.primary_hostname = "mx.test.example";
  run(&r, 's', "");
  CHECK(r.ok);
  CHECK(has(r.client, "CN = mx.test.example"));

  /* tls_dhparam: names, none, a file, unknown names. */
  reset();
  mainconf.tls_dhparam = "none";
  run(&r, 's', "");
  CHECK(r.ok);
  mainconf.tls_dhparam = "ike23";
  run(&r, 's', "");
  CHECK(r.ok);
  mainconf.tls_dhparam = "ffdhe3072";
  run(&r, 's', "");
  CHECK(r.ok);
  mainconf.tls_dhparam = "no-such-prime";
  run(&r, 's', "");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(tls_init): DH: unknown fixed DH identifier: no-such-prime"));
  mainconf.tls_dhparam = path("missing-dh.pem");
  CHECK(tls_ops_hooks->check_config() == NULL);
  CHECK(has(tls_check_files(), "tls_dhparam: cannot access"));
  /* tls_eccurve: a named curve; a bad one. */
  reset();
  mainconf.tls_eccurve = "secp384r1";
  run(&r, 's', "");
  CHECK(r.ok);
  CHECK(has(r.client, "Server Temp Key: ECDH, secp384r1, 384 bits"));
  mainconf.tls_eccurve = "no-such-curve";
  run(&r, 's', "");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "Unable to set ECDH curve \"no-such-curve\""));

  /* Handshake failures: garbage, and silence until the timeout. */
  reset();
  run(&r, 'g', NULL);
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(SSL_accept): error:") && has(r.error, "wrong version number"));
  run(&r, 'n', NULL);
  CHECK(!r.ok);
  CHECK(r.error && strcmp(r.error, "(SSL_accept): timed out") == 0);

  /* Lists: an EC and an RSA certificate; the cipher decides which is used. */
  reset();
  mainconf.tls_certificate = str_sprintf("%s : %s", path("srv.pem"), path("rsa.pem"));
  mainconf.tls_privatekey = str_sprintf("%s : %s", path("srv.key"), path("rsa.key"));
  run(&r, 's', "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256");
  CHECK(r.ok);
  CHECK(has(r.client, "subject=CN = rsa.example"));
  CHECK(r.c.tls.cipher && strcmp(r.c.tls.cipher, "TLS1.2:ECDHE-RSA-AES128-GCM-SHA256:128") == 0);
  run(&r, 's', "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256");
  CHECK(r.ok);
  CHECK(has(r.client, "subject=CN = server.example"));
  /* DHE with tls_dhparam from a file; over tls_dh_max_bits it is not used. */
  mainconf.tls_dhparam = path("dh2048.pem");
  run(&r, 's', "-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256");
  CHECK(r.ok);
  CHECK(r.c.tls.cipher && strcmp(r.c.tls.cipher, "TLS1.2:DHE-RSA-AES128-GCM-SHA256:128") == 0);
  CHECK(has(r.client, "Server Temp Key: DH, 2048 bits"));
  mainconf.tls_dh_max_bits = 1024;
  run(&r, 's', "-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "no shared cipher"));
  mainconf.tls_dh_max_bits = 2236;
  mainconf.tls_dhparam = "none";
  run(&r, 's', "-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256");
  CHECK(!r.ok);
  mainconf.tls_dhparam = "ike23";
  run(&r, 's', "-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256");
  CHECK(r.ok);
  CHECK(has(r.client, "Server Temp Key: DH, 2048 bits"));

  /* Configuration checks. */
  reset();
  CHECK(tls_ops_hooks->check_config() == NULL);
  CHECK(tls_check_files() == NULL);
  mainconf.tls_certificate = path("no-such-cert.pem");
  CHECK(tls_ops_hooks->check_config() == NULL);
  CHECK(has(tls_check_files(), "tls_certificate: cannot access"));
  mainconf.tls_certificate = "${if eq{1}{1}{/no/such/file}}";
  CHECK(tls_check_files() == NULL);
  run(&r, 's', "");
  CHECK(!r.ok);
  CHECK(r.error && has(r.error, "(SSL_CTX_use_certificate_chain_file file=/no/such/file): error:") &&
        has(r.error, "No such file or directory"));
  reset();
  mainconf.tls_verify_hosts = "*";
  mainconf.tls_verify_certificates = "";
  CHECK(has(tls_ops_hooks->check_config(), "tls_verify_certificates is not"));

  /* OCSP stapling. */
  const build_feature *ocsp = feature_find("OCSP");
  if (ocsp && ocsp->on) {
    reset();
    mainconf.tls_ocsp_file = path("resp.der");
    run(&r, 's', "-status");
    CHECK(r.ok);
    CHECK(r.c.tls.ocsp == 2);
    CHECK(has(r.client, "OCSP Response Status: successful"));
    CHECK(strcmp(xp("$tls_in_ocsp"), "2") == 0);
    run(&r, 's', "");
    CHECK(r.ok && r.c.tls.ocsp == 0);
    /* The same proof in PEM form, with the prefix. */
    mainconf.tls_ocsp_file = str_sprintf("PEM %s", path("resp.pem"));
    run(&r, 's', "-status");
    CHECK(r.ok && r.c.tls.ocsp == 2);
    CHECK(has(r.client, "OCSP Response Status: successful"));
    /* Lists: the proof goes with the certificate it is about. */
    mainconf.tls_certificate = str_sprintf("%s : %s", path("srv.pem"), path("rsa.pem"));
    mainconf.tls_privatekey = str_sprintf("%s : %s", path("srv.key"), path("rsa.key"));
    mainconf.tls_ocsp_file = str_sprintf("%s : %s", path("resp.der"), path("resp-nonext.der"));
    run(&r, 's', "-status -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256");
    CHECK(r.ok && r.c.tls.ocsp == 2);
    run(&r, 's', "-status -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256");
    CHECK(r.ok && r.c.tls.ocsp == 1);
    /* A proof without a next-update time is not served. */
    mainconf.tls_ocsp_file = path("resp-nonext.der");
    run(&r, 's', "-status");
    CHECK(r.ok && r.c.tls.ocsp == 1);
    CHECK(has(r.client, "OCSP response: no response sent"));
    /* A proof for another certificate is not served either. */
    mainconf.tls_certificate = path("second.both");
    mainconf.tls_privatekey = NULL;
    mainconf.tls_ocsp_file = str_sprintf("DER %s", path("resp.der"));
    run(&r, 's', "-status");
    CHECK(r.ok && r.c.tls.ocsp == 1);
  }

  /* Resumption with tickets. */
  const build_feature *resume = feature_find("TLS_RESUME");
  if (resume && resume->on) {
    reset();
    mainconf.tls_resumption_hosts = "*";
    const char *sess = path("sess.pem");
    unlink(sess);
    run(&r, 's', str_sprintf("-sess_out %s", sess));
    CHECK(r.ok);
    CHECK(r.c.tls.resumption & 1);
    CHECK(r.c.tls.resumption & 8);   /* ticket issued */
    CHECK(!(r.c.tls.resumption & 16));
    CHECK(has(r.client, "New, TLSv1.3"));
    run(&r, 's', str_sprintf("-sess_in %s", sess));
    CHECK(r.ok);
    CHECK(has(r.client, "Reused, TLSv1.3"));
    CHECK(r.c.tls.resumption & 4);   /* client offered a session */
    CHECK(r.c.tls.resumption & 16);  /* resumed */
    CHECK(strcmp(xp("${if >{$tls_in_resumption}{15}{yes}{no}}"), "yes") == 0);
    /* Not offered to other hosts: no ticket, no resumption. */
    mainconf.tls_resumption_hosts = "192.0.2.1";
    run(&r, 's', str_sprintf("-sess_in %s", sess));
    CHECK(r.ok);
    CHECK(has(r.client, "New, TLSv1.3"));
    CHECK(r.c.tls.resumption == 0);
  }

  sh("rm -rf %s", dir);
  return unit_done("test_tls");
}
