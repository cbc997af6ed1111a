/* tls_openssl.c - TLS for incoming SMTP with OpenSSL: the tls_ops entry
 * points (tls.h): configuration checks, preparing a session, the
 * handshake bounded by smtp_receive_timeout, the encrypted read/write
 * layer put under the connection's reader and writer, close_notify, the
 * -bV library lines and the daemon's preparation before it forks (which
 * also warns about option files that do not exist).
 *
 * Entry points: struct tls_ops tls_openssl (through tls_ops_hooks),
 * tls_version_compiled/tls_version_runtime (the -bV library line).
 *
 * Must never: read cleartext that was buffered before the handshake as if
 * it were protected, leave a failed session installed, or block on the
 * peer without a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>

#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "tls/tls.h"
#include "tls/tls_int.h"

const char *tls_version_compiled(void) { return OPENSSL_VERSION_TEXT; }
const char *tls_version_runtime(void) { return OpenSSL_version(OPENSSL_VERSION); }

/* Seconds for each wait on the peer. */
static int io_timeout(const smtp_conn *c) { return c->in.timeout > 0 ? c->in.timeout : 300; }

/* Wait up to seconds for fd to be ready for events.  false (errno
 * ETIMEDOUT on timeout) when it is not. */
static bool wait_fd(int fd, short events, int seconds) {
  struct pollfd p = {.fd = fd, .events = events};
  for (;;) {
    int n = poll(&p, 1, seconds * 1000);
    if (n > 0) return true;
    if (n == 0) {
      errno = ETIMEDOUT;
      return false;
    }
    if (errno != EINTR) return false;
  }
}

static void set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- the read/write layer ------------------------------------------------ */

static ssize_t tls_read(smtp_in_reader *r, char *buf, size_t len) {
  tls_server *s = r->layer;
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(s->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    if (n > 0) return n;
    switch (SSL_get_error(s->ssl, n)) {
    case SSL_ERROR_WANT_READ:
      errno = EAGAIN; /* the reader waits (with its timeout) and calls again */
      return -1;
    case SSL_ERROR_WANT_WRITE:
      if (!wait_fd(SSL_get_wfd(s->ssl), POLLOUT, io_timeout(s->c))) return -1;
      continue;
    case SSL_ERROR_ZERO_RETURN:
      DEBUG(D_tls) debug_printf("TLS: peer sent close_notify\n");
      return 0;
    case SSL_ERROR_SYSCALL:
      if (errno == 0 || ERR_peek_error() != 0) {
        ERR_clear_error();
        DEBUG(D_tls) debug_printf("TLS: EOF without close_notify\n");
        return 0;
      }
      return -1;
    default:
      DEBUG(D_tls) debug_printf("TLS read error: %s\n", tls_openssl_errors("failed"));
      ERR_clear_error();
      errno = EIO;
      return -1;
    }
  }
}

static bool tls_pending(smtp_in_reader *r) {
  tls_server *s = r->layer;
  return SSL_pending(s->ssl) > 0;
}

static bool tls_write(smtp_conn *c, const char *data, size_t len) {
  tls_server *s = c->tls.session;
  if (!s) return false;
  while (len > 0) {
    ERR_clear_error();
    int n = SSL_write(s->ssl, data, len > INT_MAX ? INT_MAX : (int)len);
    if (n > 0) {
      data += n;
      len -= (size_t)n;
      continue;
    }
    switch (SSL_get_error(s->ssl, n)) {
    case SSL_ERROR_WANT_WRITE:
      if (!wait_fd(SSL_get_wfd(s->ssl), POLLOUT, io_timeout(c))) return false;
      break;
    case SSL_ERROR_WANT_READ:
      if (!wait_fd(SSL_get_rfd(s->ssl), POLLIN, io_timeout(c))) return false;
      break;
    default:
      DEBUG(D_tls) debug_printf("TLS write error: %s\n", tls_openssl_errors("failed"));
      ERR_clear_error();
      return false;
    }
  }
  return true;
}

/* ---- session set-up ------------------------------------------------------ */

/* Does the peer match a host list option?  Local input matches as the
 * empty address. */
static bool host_in(const smtp_conn *c, const char *list) {
  if (!list || !*list) return false;
  const char *err = NULL;
  match_rc rc = match_host_list(c->host_name, c->host_address ? c->host_address : "", list, &err);
  if (rc == MATCH_DEFER) log_write(LOG_MAIN, "host list check deferred: %s", err ? err : "");
  return rc == MATCH_YES;
}

/* Build the context and the SSL object; nothing is sent to the peer. */
static bool prepare(smtp_conn *c, const char **error) {
  *error = NULL;
  if (c->tls.session) return true;
  if (c->tls.active) {
    *error = "(tls_server_start): TLS already active";
    return false;
  }
  tls_server *s = store_get(sizeof *s, false);
  memset(s, 0, sizeof *s);
  s->c = c;
  s->fd_flags = s->out_fd_flags = -1;
  /* The first expansion of the options happens before any SNI. */
  c->tls.sni = NULL;
  expand_var_set("tls_in_sni", NULL);
  expand_var_set("tls_sni", NULL);
  s->verify_required = host_in(c, mainconf.tls_verify_hosts);
  s->verify_try = !s->verify_required && host_in(c, mainconf.tls_try_verify_hosts);
  s->resumption_offered = tls_resume_ops_hooks && host_in(c, mainconf.tls_resumption_hosts);
  s->reexpand_on_sni = mainconf.tls_certificate && (strstr(mainconf.tls_certificate, "tls_in_sni") ||
                                                    strstr(mainconf.tls_certificate, "tls_sni"));
  const char *err = NULL;
  if (!tls_expand_opts(s, &err) || !(s->ctx = tls_ctx_build(s, &err))) {
    /* Errors naming the failing call come as "(call): reason" already. */
    *error = err[0] == '(' ? err : str_sprintf("(tls_init): %s", err);
    return false;
  }
  s->ssl = SSL_new(s->ctx);
  if (!s->ssl) {
    *error = str_sprintf("(SSL_new): %s", tls_openssl_errors("failed"));
    SSL_CTX_free(s->ctx);
    return false;
  }
  SSL_set_ex_data(s->ssl, tls_ex_index(), s);
  c->tls.session = s;
  return true;
}

static void session_free(smtp_conn *c) {
  tls_server *s = c->tls.session;
  if (!s) return;
  if (s->fd_flags >= 0) fcntl(c->in.fd, F_SETFL, s->fd_flags);
  if (s->out_fd_flags >= 0) fcntl(c->out_fd, F_SETFL, s->out_fd_flags);
  SSL_free(s->ssl);
  if (tls_ocsp_ops_hooks) tls_ocsp_ops_hooks->server_free(s);
  if (s->sni_ctx) SSL_CTX_free(s->sni_ctx);
  SSL_CTX_free(s->ctx);
  c->tls.session = NULL;
}

/* The handshake on non-blocking descriptors, bounded as a whole by the
 * receive timeout.  NULL, or the error text. */
static const char *handshake(tls_server *s) {
  time_t deadline = time(NULL) + io_timeout(s->c);
  for (;;) {
    ERR_clear_error();
    int n = SSL_accept(s->ssl);
    if (n == 1) return NULL;
    int e = SSL_get_error(s->ssl, n);
    int saved = errno;
    short ev;
    if (e == SSL_ERROR_WANT_READ) ev = POLLIN;
    else if (e == SSL_ERROR_WANT_WRITE) ev = POLLOUT;
    else {
      if (s->cb_error) return s->cb_error;
      if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
        return saved ? strerror(saved) : "Connection closed by peer";
      return tls_openssl_errors(e == SSL_ERROR_ZERO_RETURN ? "Connection closed by peer" : "handshake failed");
    }
    time_t left = deadline - time(NULL);
    if (left <= 0 || !wait_fd(ev == POLLIN ? SSL_get_rfd(s->ssl) : SSL_get_wfd(s->ssl), ev, (int)left))
      return errno == ETIMEDOUT || left <= 0 ? "timed out" : strerror(errno);
  }
}

static bool start(smtp_conn *c, const char **error) {
  if (!prepare(c, error)) return false;
  tls_server *s = c->tls.session;
  /* Cleartext that arrived before the handshake is not part of the
   * protected session (RFC 3207 command injection): drop it. */
  if (smtp_in_buffered(&c->in) > 0)
    DEBUG(D_tls) debug_printf("TLS: discarding %zu bytes of cleartext input\n", smtp_in_buffered(&c->in));
  c->in.pos = c->in.end = 0;
  s->fd_flags = fcntl(c->in.fd, F_GETFL);
  s->out_fd_flags = c->out_fd != c->in.fd ? fcntl(c->out_fd, F_GETFL) : -1;
  set_nonblock(c->in.fd);
  if (c->out_fd != c->in.fd) set_nonblock(c->out_fd);
  if (!SSL_set_rfd(s->ssl, c->in.fd) || !SSL_set_wfd(s->ssl, c->out_fd)) {
    *error = str_sprintf("(SSL_set_fd): %s", tls_openssl_errors("failed"));
    session_free(c);
    return false;
  }
  const char *err = handshake(s);
  if (err) {
    *error = str_sprintf("(SSL_accept): %s", err);
    DEBUG(D_tls) debug_printf("TLS handshake failed: %s\n", err);
    session_free(c);
    return false;
  }
  c->in.readfn = tls_read;
  c->in.pendingfn = tls_pending;
  c->in.layer = s;
  c->writefn = tls_write;
  tls_vars_fill(s);
  DEBUG(D_tls) debug_printf("TLS active: %s\n", c->tls.cipher);
  return true;
}

/* The session's state and the values put in c->tls live as long as the
 * connection, whatever pool the caller resets: they come from POOL_PERM
 * (one connection per process). */
static bool server_prepare(smtp_conn *c, const char **error) {
  store_pool old = store_pool_set(POOL_PERM);
  bool ok = prepare(c, error);
  store_pool_set(old);
  return ok;
}

static bool server_start(smtp_conn *c, const char **error) {
  store_pool old = store_pool_set(POOL_PERM);
  bool ok = start(c, error);
  store_pool_set(old);
  return ok;
}

static void server_close(smtp_conn *c) {
  tls_server *s = c->tls.session;
  if (!s) return;
  if (c->tls.active) {
    conn_flush(c);
    ERR_clear_error();
    int n = SSL_shutdown(s->ssl);
    DEBUG(D_tls) debug_printf("TLS: close_notify sent (%d)\n", n);
    (void)n;
  }
  c->in.readfn = NULL;
  c->in.pendingfn = NULL;
  c->in.layer = NULL;
  session_free(c);
}

/* ---- configuration ------------------------------------------------------- */

/* Each file of an option value that has no expansion must exist. */
static const char *check_file(const char *name, const char *f) {
  if (access(f, R_OK) != 0) return str_sprintf("%s: cannot access '%s': %s", name, f, strerror(errno));
  return NULL;
}

static const char *check_files(const char *name, const char *value, bool list, bool prefixes) {
  if (!value || !*value || strchr(value, '$')) return NULL;
  if (!list) return strcmp(value, "system") == 0 ? NULL : check_file(name, value);
  const char *l = value, *f, *err;
  int sep = 0;
  while ((f = list_next(&l, &sep))) {
    if (prefixes && (strncmp(f, "DER ", 4) == 0 || strncmp(f, "PEM ", 4) == 0)) f += 4;
    if ((err = check_file(name, f))) return err;
  }
  return NULL;
}

/* Syntax of the options, at configuration time (so -bV reports a bad
 * openssl_options item).  Files are not looked at here: a missing
 * certificate must not stop every exim command.  Also makes the
 * session ticket secret, which forked children then share. */
static const char *check_config(void) {
  /* Made here, before any fork, so that the daemon's children share it. */
  if (tls_resume_ops_hooks) tls_resume_ops_hooks->keys_init();
  uint64_t bits = 0;
  const char *err = NULL;
  if (!tls_parse_openssl_options(mainconf.openssl_options, &bits, &err)) return err;
  if (mainconf.tls_dh_max_bits < 1024)
    return str_sprintf("tls_dh_max_bits must be at least 1024 (is %d)", mainconf.tls_dh_max_bits);
  if ((mainconf.tls_verify_hosts && *mainconf.tls_verify_hosts) ||
      (mainconf.tls_try_verify_hosts && *mainconf.tls_try_verify_hosts)) {
    if (!mainconf.tls_verify_certificates || !*mainconf.tls_verify_certificates)
      return "tls_verify_hosts or tls_try_verify_hosts is set, but tls_verify_certificates is not";
  }
  return NULL;
}

const char *tls_check_files(void) {
  const char *err;
  if ((err = check_files("tls_certificate", mainconf.tls_certificate, true, false))) return err;
  if ((err = check_files("tls_privatekey", mainconf.tls_privatekey, true, false))) return err;
  if ((err = check_files("tls_verify_certificates", mainconf.tls_verify_certificates, false, false))) return err;
  if ((err = check_files("tls_crl", mainconf.tls_crl, false, false))) return err;
  if (tls_ocsp_ops_hooks && (err = check_files("tls_ocsp_file", mainconf.tls_ocsp_file, true, true)))
    return err;
  if (mainconf.tls_dhparam && mainconf.tls_dhparam[0] == '/' &&
      (err = check_files("tls_dhparam", mainconf.tls_dhparam, false, false)))
    return err;
  return NULL;
}

/* The daemon, before it forks: the self-signed certificate (when needed)
 * and the ticket keys are made once and shared by every child. */
static void daemon_init(void) {
  const char *err = tls_check_files();
  if (err) log_write(LOG_MAIN, "Warning: TLS: %s", err);
  if (!mainconf.tls_certificate || !*mainconf.tls_certificate) {
    X509 *x;
    EVP_PKEY *k;
    if (!tls_selfsigned(&x, &k, &err)) log_write(LOG_MAIN, "TLS: %s", err);
  }
  if (tls_resume_ops_hooks) tls_resume_ops_hooks->keys_init();
}

const struct tls_ops tls_openssl = {
    .check_config = check_config,
    .server_prepare = server_prepare,
    .server_start = server_start,
    .server_close = server_close,
    .version_compiled = tls_version_compiled,
    .version_runtime = tls_version_runtime,
    .daemon_init = daemon_init,
};
