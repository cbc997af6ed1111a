/* dovecot.c - the dovecot authenticator (spec chapter 37, and the seed's
 * "Dovecot authenticator via inet socket"): server_socket is either a
 * UNIX socket path (starting with '/') or "host port" for Dovecot's inet
 * listener (parsed when connecting, as Exim 4.96 checks nothing here);
 * server_tls (seed) asks for TLS on the inet connection (OpenSSL's
 * libssl, linked for this driver).  A server-only mechanism.
 *
 * The server side speaks Dovecot's authentication client protocol (tab-
 * separated lines): read the handshake (VERSION, MECH ..., DONE), send
 * VERSION, CPID and "AUTH id mech service=smtp [secured]
 * [valid-client-cert] rip= lip= nologin [resp=]", then relay CONT
 * challenges and responses between Dovecot and the client until OK or
 * FAIL; user= of the answer becomes $auth1.
 * Entry point: auth_dovecot.
 * Must never: connect to Dovecot at configuration time; pass a control
 * character from the client to Dovecot (a tab or newline would forge
 * protocol fields); wait for Dovecot without a timeout.
 */
#include "auth.h"

#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../base/ip.h"
#include "../base/sock.h"
#include "auth_server.h"

typedef struct dovecot_options {
  const char *server_socket;
  bool server_tls;
} dovecot_options;

#define DO(n, t, f) {n, t, OPT_OFF(dovecot_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist dovecot_option_list[] = {
  DO("server_socket", opt_stringptr, server_socket),
  DO("server_tls", opt_bool, server_tls),
};

static const dovecot_options dovecot_defaults = {.server_socket = NULL};

static const char *dovecot_init(driver_instance *d) {
  auth_instance *a = (auth_instance *)d;
  dovecot_options *ob = d->options_block;
  a->server = ob->server_socket != NULL;
  a->client = false;
  return auth_generic_init(d);
}

#define DV_LINE_MAX 65536   /* longest line accepted from Dovecot */
#define DV_ID "1"           /* our request id: one request per connection */

typedef struct dv_conn {
  int fd;
  int timeout;
  SSL_CTX *ctx;             /* server_tls: the TLS session over fd */
  SSL *ssl;
  char buf[4096];
  size_t pos, end;
} dv_conn;

/* The library's last error, for the deferral text. */
static const char *tls_error(void) {
  unsigned long e = ERR_get_error();
  if (!e) return errno ? strerror(errno) : "unknown error";
  char b[256];
  ERR_error_string_n(e, b, sizeof b);
  ERR_clear_error();
  return str_copy(b);
}

/* server_tls: a TLS client session over the connected fd (the seed names
 * no verification settings: the peer is not verified; SNI is the host
 * name unless it is an address).  Every blocking step is bounded by the
 * socket timeouts set here. */
static bool dv_tls_start(dv_conn *d, const char *host) {
  struct timeval tv = {.tv_sec = d->timeout};
  setsockopt(d->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(d->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  d->ctx = SSL_CTX_new(TLS_client_method());
  if (d->ctx) d->ssl = SSL_new(d->ctx);
  if (!d->ssl || !SSL_set_fd(d->ssl, d->fd)) {
    auth_server_defer(str_sprintf("TLS setup for %s failed: %s", host, tls_error()), NULL);
    return false;
  }
  SSL_set_verify(d->ssl, SSL_VERIFY_NONE, NULL);
  if (!ip_is_address(host, NULL)) SSL_set_tlsext_host_name(d->ssl, host);
  if (SSL_connect(d->ssl) != 1) {
    auth_server_defer(str_sprintf("TLS connect to %s failed: %s", host, tls_error()), NULL);
    return false;
  }
  return true;
}

static void dv_close(dv_conn *d) {
  if (d->ssl) {
    SSL_shutdown(d->ssl);
    SSL_free(d->ssl);
  }
  if (d->ctx) SSL_CTX_free(d->ctx);
  if (d->fd >= 0) close(d->fd);
}

/* Write the whole of g to Dovecot; false on failure. */
static bool dv_send(dv_conn *d, const gstring *g) {
  size_t off = 0;
  while (off < g->len) {
    ssize_t n;
    if (d->ssl) {
      n = SSL_write(d->ssl, g->s + off, (int)(g->len - off));
    } else {
      if (sock_wait(d->fd, true, d->timeout) != 1) return false;
      n = send(d->fd, g->s + off, g->len - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
    }
    if (n <= 0) return false;
    off += (size_t)n;
  }
  return true;
}

/* Fill the empty buffer; false on EOF, timeout or error. */
static bool dv_fill(dv_conn *d) {
  for (;;) {
    ssize_t n;
    if (d->ssl) {
      n = SSL_read(d->ssl, d->buf, sizeof d->buf);
    } else {
      if (sock_wait(d->fd, false, d->timeout) != 1) return false;
      n = read(d->fd, d->buf, sizeof d->buf);
      if (n < 0 && errno == EINTR) continue;
    }
    if (n <= 0) return false;
    d->pos = 0;
    d->end = (size_t)n;
    return true;
  }
}

/* One line from Dovecot (without its LF), split at tabs into at most max
 * fields; the number of fields, or -1 on EOF, timeout, error or an
 * over-long line. */
static int dv_read(dv_conn *d, char **f, int max) {
  gstring *g = g_new(128, true);
  for (;;) {
    if (d->pos >= d->end && !dv_fill(d)) return -1;
    char ch = d->buf[d->pos++];
    if (ch == '\n') break;
    if (g->len >= DV_LINE_MAX) return -1;
    g = g_catc(g, ch);
  }
  char *s = g_str(g);
  int n = 0;
  while (n < max) {
    f[n++] = s;
    char *t = strchr(s, '\t');
    if (!t) break;
    *t = 0;
    s = t + 1;
  }
  return n;
}

/* What the client sends goes to Dovecot as it is (Dovecot judges the
 * base64), but never a control character: a tab or newline would forge
 * protocol fields. */
static bool safe_for_dovecot(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
  return true;
}

/* Connect as server_socket says (TLS on a TCP connection when asked);
 * false with the deferral recorded. */
static bool dv_connect(dv_conn *d, const char *spec, bool tls) {
  if (*spec == '/') {
    d->fd = sock_connect_unix(spec);
    if (d->fd < 0)
      auth_server_defer(str_sprintf("unable to connect to UNIX socket (%s): %s", spec, strerror(errno)), NULL);
    return d->fd >= 0;
  }
  /* "host port", white space between */
  const char *p = spec;
  size_t hl = strcspn(p, " \t");
  const char *port = str_skip_space(p + hl);
  if (hl == 0 || !*port) {
    auth_server_defer(str_sprintf("invalid socket '%s'", spec), NULL);
    return false;
  }
  const char *host = str_copyn(p, hl);
  port = str_copyn(port, strcspn(port, " \t"));
  int gai_rc, err_no;
  d->fd = sock_connect_tcp(host, port, d->timeout, &gai_rc, &err_no);
  if (d->fd < 0) {
    auth_server_defer(str_sprintf("failed to connect to any address for %s: %s", host,
                                  gai_rc ? gai_strerror(gai_rc) : strerror(err_no)),
                      NULL);
    return false;
  }
  return !tls || dv_tls_start(d, host);
}

static int dv_protocol_error(const char *what) {
  auth_server_defer(str_sprintf("authentication socket protocol error: %s", what), NULL);
  return AUTH_DEFER;
}

/* The exchange on an open connection to Dovecot. */
static int dv_exchange(auth_instance *a, smtp_conn *c, dv_conn *d, const char *initial) {
  char *f[16];
  int n;
  bool version_ok = false, mech_ok = false;
  /* Handshake: up to DONE. */
  for (;;) {
    n = dv_read(d, f, 16);
    if (n < 0) return dv_protocol_error("read error or premature end of the handshake");
    if (strcmp(f[0], "DONE") == 0) break;
    if (strcmp(f[0], "VERSION") == 0) {
      if (n < 2 || strcmp(f[1], "1") != 0)
        return dv_protocol_error(str_sprintf("unsupported version %s", n > 1 ? f[1] : ""));
      version_ok = true;
    } else if (strcmp(f[0], "MECH") == 0 && n > 1 && str_eqic(f[1], a->public_name)) {
      mech_ok = true;
    }
  }
  if (!version_ok) return dv_protocol_error("no VERSION in the handshake");
  if (!mech_ok) {
    auth_server_defer(str_sprintf("Dovecot did not advertise mechanism \"%s\" to us", a->public_name), NULL);
    return AUTH_DEFER;
  }
  if (initial && !safe_for_dovecot(initial)) return AUTH_BAD64;

  /* secured: TLS, or a client on our own address (local input is not, as
   * with exim4) */
  bool secured = c->tls.active || (c->host_address && c->interface_address &&
                                   strcmp(c->host_address, c->interface_address) == 0);
  gstring *g = g_new(256, true);
  g = g_fmt(g, "VERSION\t1\t0\nCPID\t%d\nAUTH\t" DV_ID "\t%s\tservice=smtp\t", (int)getpid(), a->public_name);
  if (secured) g = g_cat(g, "secured\t");
  if (c->tls.active && c->tls.certificate_verified) g = g_cat(g, "valid-client-cert\t");
  if (c->host_address) g = g_fmt(g, "rip=%s\t", c->host_address);
  if (c->interface_address) g = g_fmt(g, "lip=%s\t", c->interface_address);
  g = g_cat(g, "nologin");
  if (initial) g = g_fmt(g, "\tresp=%s", initial);   /* as given, "=" too: Dovecot judges it */
  g = g_catc(g, '\n');
  if (!dv_send(d, g)) return dv_protocol_error("write failed");

  for (;;) {
    n = dv_read(d, f, 16);
    if (n < 0) return dv_protocol_error("read error or premature end of the reply");
    if (n < 2 || strcmp(f[1], DV_ID) != 0) return dv_protocol_error("reply for another request");
    if (strcmp(f[0], "CONT") == 0) {
      const char *challenge = "";
      size_t clen = 0;
      if (n > 2 && !auth_b64_decode(f[2], &challenge, &clen)) return dv_protocol_error("bad base64 challenge");
      const char *line;
      int rc = auth_get_response(c, challenge, clen, &line);
      if (rc != AUTH_OK) return rc;
      if (!safe_for_dovecot(line)) return AUTH_BAD64;
      g = g_fmt(g_new(strlen(line) + 16, true), "CONT\t" DV_ID "\t%s\n", line);
      if (!dv_send(d, g)) return dv_protocol_error("write failed");
      continue;
    }
    bool ok = strcmp(f[0], "OK") == 0;
    if (!ok && strcmp(f[0], "FAIL") != 0) return dv_protocol_error(str_sprintf("unknown reply %s", f[0]));
    const char *user = NULL;
    for (int i = 2; i < n; i++)
      if (strncmp(f[i], "user=", 5) == 0) user = f[i] + 5;
    if (user) {
      const char *v[1] = {user};
      auth_set_vars(v, 1);
    }
    /* FAIL is a failure, "temp" or not, as exim4 takes it */
    return ok ? auth_check_server_condition(a, c) : AUTH_FAIL;
  }
}

static int dovecot_server(auth_instance *a, smtp_conn *c, const char *initial) {
  dovecot_options *ob = a->drv.options_block;
  dv_conn d = {.fd = -1, .timeout = c->in.timeout > 0 ? c->in.timeout : 300};
  int rc = dv_connect(&d, ob->server_socket, ob->server_tls) ? dv_exchange(a, c, &d, initial) : AUTH_DEFER;
  dv_close(&d);
  return rc;
}

static const auth_ops dovecot_ops = {.public_name_from_instance = true, .server = dovecot_server};

const driver_info auth_dovecot = {
  .name = "dovecot",
  .options = dovecot_option_list,
  .options_count = OPT_COUNT(dovecot_option_list),
  .options_defaults = &dovecot_defaults,
  .options_size = sizeof(dovecot_options),
  .init = dovecot_init,
  .kind_ops = &dovecot_ops,
};
