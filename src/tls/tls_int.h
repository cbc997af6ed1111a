/* tls_int.h - what the files of the TLS part (the .c files under src/tls) share: the
 * per-connection server state, the context builder, and the entry points of
 * the optional sub-parts OCSP stapling (tls_ocsp.c, EXPERIMENTAL_OCSP) and
 * session resumption (tls_resume.c, EXPERIMENTAL_TLS_RESUME), which the
 * main TLS files reach only through tls_ocsp_ops_hooks and
 * tls_resume_ops_hooks (generated; NULL when the sub-part is off).
 *
 * Nothing outside src/tls includes this file: the core sees only tls.h.
 */
#ifndef TLS_TLS_INT_H
#define TLS_TLS_INT_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "smtp/conn.h"

/* Expanded per-connection values of the options that are re-expanded
 * after SNI (spec 43.12).  NULL: unset (or forced expansion failure). */
typedef struct tls_opts {
  const char *certificate;
  const char *privatekey;
  const char *verify_certificates;
  const char *crl;
  const char *ocsp_file;
} tls_opts;

/* One server-side session; lives in c->tls.session. */
typedef struct tls_server {
  smtp_conn *c;
  SSL_CTX *ctx;                 /* the context the handshake started with */
  SSL_CTX *sni_ctx;             /* replacement chosen after SNI, or NULL */
  SSL *ssl;
  tls_opts opts;
  bool reexpand_on_sni;         /* tls_certificate mentions tls_in_sni */
  bool verify_required;         /* host in tls_verify_hosts */
  bool verify_try;              /* host in tls_try_verify_hosts */
  bool verify_failed;           /* some certificate of the chain failed */
  bool resumption_offered;      /* host in tls_resumption_hosts */
  const char *cb_error;         /* error met in a callback, for the log */
  void *ocsp;                   /* tls_ocsp.c: loaded responses */
  int resume_bits;              /* tls_resume.c: what the hello and tickets showed */
  int fd_flags, out_fd_flags;   /* descriptor flags before TLS (restored at close) */
} tls_server;

/* tls_ctx.c: expand one option; NULL when unset, empty or forced to fail;
 * *error set (and NULL returned) on a real expansion failure. */
const char *tls_expand_opt(const char *name, const char *value, const char **error);
/* tls_ctx.c: expand the re-expandable options into s->opts. */
bool tls_expand_opts(tls_server *s, const char **error);
/* tls_ctx.c: a server context for s from s->opts and the other options. */
SSL_CTX *tls_ctx_build(tls_server *s, const char **error);
/* tls_ctx.c: the pending OpenSSL error queue as one line (emptied). */
const char *tls_openssl_errors(const char *fallback);

/* tls_openssl.c: files named by unexpanded options that cannot be read
 * (NULL: all there).  The daemon logs it as a warning at start. */
const char *tls_check_files(void);

/* tls_params.c: openssl_options (NULL: its default) applied to the
 * SSL_OP_* bits in *result (the library's defaults, or 0). */
bool tls_parse_openssl_options(const char *spec, uint64_t *result, const char **error);
bool tls_ctx_set_dhparam(SSL_CTX *ctx, const char **error);
bool tls_ctx_set_eccurve(SSL_CTX *ctx, const char **error);
bool tls_ctx_set_ciphers(SSL_CTX *ctx, const char **error);
/* The self-signed certificate used when tls_certificate is unset. */
bool tls_selfsigned(X509 **cert, EVP_PKEY **key, const char **error);

/* tls_vars.c: fill c->tls from the finished handshake and publish. */
void tls_vars_fill(tls_server *s);
/* "/CN=x/O=y" (OpenSSL's one-line form) of a name; tainted copy. */
const char *tls_name_text(X509_NAME *name);

/* ---- optional sub-parts ---- */
struct tls_ocsp_ops {
  /* Load s->opts.ocsp_file (a list matching the certificate list, with
   * optional "DER "/"PEM " prefixes) and install the stapling callback. */
  bool (*server_setup)(tls_server *s, SSL_CTX *ctx, const char **error);
  /* Free what server_setup loaded (session end). */
  void (*server_free)(tls_server *s);
};
extern const struct tls_ocsp_ops *const tls_ocsp_ops_hooks;

struct tls_resume_ops {
  /* Make the secret the ticket keys are derived from, once per process
   * tree (at configuration time, before the daemon forks). */
  void (*keys_init)(void);
  /* Offer resumption on ctx (host matched tls_resumption_hosts). */
  bool (*server_setup)(tls_server *s, SSL_CTX *ctx, const char **error);
  /* After the handshake: the resumption bits for c->tls.resumption. */
  int (*server_result)(tls_server *s);
  /* The client hello callback's observation of ticket extensions. */
  void (*client_hello)(tls_server *s, SSL *ssl);
};
extern const struct tls_resume_ops *const tls_resume_ops_hooks;

/* Index of our tls_server pointer in SSL ex_data. */
int tls_ex_index(void);

#endif
