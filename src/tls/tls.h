/* tls.h - TLS for incoming connections, as an optional part (USE_OPENSSL in
 * Local/Makefile).  The core calls the TLS layer only through tls_ops_hooks
 * (generated table, src/modules.def: hooks=tls_ops:...), which is NULL when
 * the build has no TLS; tls_available() says which.
 *
 * The layer puts itself under the connection's reader (c->in.readfn and
 * pendingfn) and writer (c->writefn), fills c->tls, and keeps its own
 * state in c->tls.session.
 *
 * Must never: leave a half-set-up session in place after a failed
 * handshake (the connection is then dropped, as Exim does), or read
 * cleartext that arrived before STARTTLS's reply as if it were protected.
 */
#ifndef TLS_TLS_H
#define TLS_TLS_H

#include <stdbool.h>

#include "smtp/conn.h"

struct tls_ops {
  /* Configuration-time checks of the tls_* main options (openssl_options
   * syntax, tls_dh_max_bits, verification settings); readconf calls it.
   * It also makes the session ticket secret that the daemon's children
   * inherit.  NULL or an error text. */
  const char *(*check_config)(void);
  /* Start the server side on c (after "220 TLS go ahead", or at once for
   * TLS-on-connect).  false with *error (for the log line) on failure.
   * *error is the part after "TLS error on connection from <host> ", as
   * Exim logs it: "(SSL_accept): <reason>" ("timed out", the library's
   * error text, ...).  The session is gone after a failure (drop the
   * connection, as Exim does).  Cleartext still buffered in c->in is
   * discarded here, never read as protected input. */
  bool (*server_start)(smtp_conn *c, const char **error);
  /* Optional first step for STARTTLS: expand the tls_* options and build
   * the context before "220 TLS go ahead" is sent.  false: a configuration
   * problem (*error as for server_start, e.g. "(tls_init): ..."), to be
   * answered "454 TLS currently unavailable" with the connection kept.
   * server_start() does this itself when it was not called. */
  bool (*server_prepare)(smtp_conn *c, const char **error);
  /* Send close_notify and free the session (connection end). */
  void (*server_close)(smtp_conn *c);
  /* Library version lines for -bV. */
  const char *(*version_compiled)(void);
  const char *(*version_runtime)(void);
  /* The daemon calls this before it forks children (and may call it again
   * later): it makes what every child should share, such as the
   * self-signed certificate used when tls_certificate is unset, and logs
   * a warning for option files that cannot be read. */
  void (*daemon_init)(void);
};

/* The build's TLS layer, or NULL. */
extern const struct tls_ops *const tls_ops_hooks;

static inline bool tls_available(void) { return tls_ops_hooks != 0; }

#endif
