/* tls_ctx.c - building the OpenSSL server context for one incoming
 * connection from the main options (spec 43.6-43.12): certificates and
 * keys (lists, or a self-signed certificate when unset), client
 * certificate verification (tls_verify_hosts / tls_try_verify_hosts with
 * tls_verify_certificates and tls_crl), SNI (re-expansion of the options
 * when tls_certificate mentions tls_in_sni), ALPN (tls_alpn), and the
 * parameters of tls_params.c.
 *
 * Entry points: tls_expand_opt, tls_expand_opts, tls_ctx_build,
 * tls_openssl_errors, tls_ex_index (tls_int.h).
 *
 * Must never: open a file whose name is tainted, or accept a client
 * certificate that failed verification for a host in tls_verify_hosts.
 */
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "tls/tls_int.h"

int tls_ex_index(void) {
  static int idx = -1;
  if (idx < 0) idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  return idx;
}

const char *tls_openssl_errors(const char *fallback) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return str_copy(buf);
}

const char *tls_expand_opt(const char *name, const char *value, const char **error) {
  *error = NULL;
  if (!value) return NULL;
  const char *r = expand_cstring(value);
  if (!r) {
    if (expand_status.forced_fail) return NULL;
    *error = str_sprintf("failed to expand %s: %s", name, expand_status.message);
    return NULL;
  }
  return *r ? r : NULL;
}

bool tls_expand_opts(tls_server *s, const char **error) {
  static const struct {
    const char *name;
    size_t conf_off, opt_off;
  } map[] = {
      {"tls_certificate", offsetof(main_config, tls_certificate), offsetof(tls_opts, certificate)},
      {"tls_privatekey", offsetof(main_config, tls_privatekey), offsetof(tls_opts, privatekey)},
      {"tls_verify_certificates", offsetof(main_config, tls_verify_certificates),
       offsetof(tls_opts, verify_certificates)},
      {"tls_crl", offsetof(main_config, tls_crl), offsetof(tls_opts, crl)},
      {"tls_ocsp_file", offsetof(main_config, tls_ocsp_file), offsetof(tls_opts, ocsp_file)},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    const char *v = *(const char *const *)((const char *)&mainconf + map[i].conf_off);
    const char *r = tls_expand_opt(map[i].name, v, error);
    if (*error) return false;
    *(const char **)((char *)&s->opts + map[i].opt_off) = r;
  }
  return true;
}

/* Files named by options must be absolute and untainted. */
static bool file_ok(const char *opt, const char *file, const char **error) {
  if (is_tainted(file)) {
    *error = str_sprintf("Tainted filename for %s: '%s'", opt, str_printing(file));
    return false;
  }
  if (file[0] != '/') {
    *error = str_sprintf("%s: '%s' is not an absolute path", opt, file);
    return false;
  }
  return true;
}

/* tls_certificate / tls_privatekey: lists of equal length, or no key list
 * (the keys are then in the certificate files). */
static bool load_certs(tls_server *s, SSL_CTX *ctx, const char **error) {
  if (!s->opts.certificate) {
    X509 *cert;
    EVP_PKEY *key;
    if (!tls_selfsigned(&cert, &key, error)) return false;
    if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
      *error = str_sprintf("self-signed certificate: %s", tls_openssl_errors("unusable"));
      return false;
    }
    return true;
  }
  const char *clist = s->opts.certificate, *klist = s->opts.privatekey;
  int csep = 0, ksep = 0;
  const char *cert;
  while ((cert = list_next(&clist, &csep))) {
    const char *key = klist ? list_next(&klist, &ksep) : NULL;
    if (!key) key = cert;
    if (!file_ok("tls_certificate", cert, error) || !file_ok("tls_privatekey", key, error))
      return false;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
      *error = str_sprintf("(SSL_CTX_use_certificate_chain_file file=%s): %s", cert,
                           tls_openssl_errors("failed"));
      return false;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
      *error = str_sprintf("(SSL_CTX_use_PrivateKey_file file=%s): %s", key,
                           tls_openssl_errors("failed"));
      return false;
    }
  }
  return true;
}

/* Verification callback: remember failures; fail the handshake only for
 * tls_verify_hosts. */
static int verify_cb(int ok, X509_STORE_CTX *x) {
  SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
  tls_server *s = ssl ? SSL_get_ex_data(ssl, tls_ex_index()) : NULL;
  if (ok || !s) return ok;
  X509 *cert = X509_STORE_CTX_get_current_cert(x);
  int err = X509_STORE_CTX_get_error(x);
  const char *dn = cert ? tls_name_text(X509_get_subject_name(cert)) : "<none>";
  log_write(LOG_MAIN, "SSL verify error: depth=%d error=%s cert=%s", X509_STORE_CTX_get_error_depth(x),
            X509_verify_cert_error_string(err), str_printing(dn));
  s->verify_failed = true;
  return s->verify_required ? 0 : 1;
}

static bool setup_verify(tls_server *s, SSL_CTX *ctx, const char **error) {
  if (!s->verify_required && !s->verify_try) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return true;
  }
  const char *v = s->opts.verify_certificates;
  if (!v) {
    *error = "tls_verify_hosts or tls_try_verify_hosts is set but tls_verify_certificates is not";
    return false;
  }
  if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    *error = str_sprintf("SSL_CTX_set_default_verify_paths: %s", tls_openssl_errors("failed"));
    return false;
  }
  if (strcmp(v, "system") != 0) {
    if (!file_ok("tls_verify_certificates", v, error)) return false;
    struct stat st;
    if (stat(v, &st) != 0) {
      *error = str_sprintf("tls_verify_certificates: cannot access %s", v);
      return false;
    }
    bool dir = S_ISDIR(st.st_mode);
    if (SSL_CTX_load_verify_locations(ctx, dir ? NULL : v, dir ? v : NULL) != 1) {
      *error = str_sprintf("(SSL_CTX_load_verify_locations file=%s): %s", v, tls_openssl_errors("failed"));
      return false;
    }
    /* A file's certificates are sent as the acceptable CAs (spec 43.7). */
    if (!dir) {
      STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(v);
      if (names) SSL_CTX_set_client_CA_list(ctx, names);
    }
  }
  if (s->opts.crl) {
    const char *crl = s->opts.crl;
    if (!file_ok("tls_crl", crl, error)) return false;
    struct stat st;
    if (stat(crl, &st) != 0) {
      *error = str_sprintf("tls_crl: cannot access %s", crl);
      return false;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    X509_LOOKUP *lk;
    bool ok;
    if (S_ISDIR(st.st_mode)) {
      lk = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
      ok = lk && X509_LOOKUP_add_dir(lk, crl, X509_FILETYPE_PEM) == 1;
    } else {
      lk = X509_STORE_add_lookup(store, X509_LOOKUP_file());
      ok = lk && X509_load_crl_file(lk, crl, X509_FILETYPE_PEM) > 0;
    }
    if (!ok) {
      *error = str_sprintf("tls_crl file=%s: %s", crl, tls_openssl_errors("cannot load"));
      return false;
    }
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  int mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;
  if (s->verify_required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, verify_cb);
  SSL_CTX_set_verify_depth(ctx, 9);
  return true;
}

/* SNI: record the name; re-expand the certificate options if asked. */
static int sni_cb(SSL *ssl, int *alert, void *arg) {
  (void)arg;
  tls_server *s = SSL_get_ex_data(ssl, tls_ex_index());
  const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (!s || !name) return SSL_TLSEXT_ERR_OK;
  s->c->tls.sni = str_copy_taint(name, true);
  expand_var_set("tls_in_sni", s->c->tls.sni);
  expand_var_set("tls_sni", s->c->tls.sni);
  DEBUG(D_tls) debug_printf("TLS SNI: %s\n", str_printing(name));
  if (!s->reexpand_on_sni) return SSL_TLSEXT_ERR_OK;
  const char *err = NULL;
  SSL_CTX *ctx = NULL;
  if (tls_expand_opts(s, &err)) ctx = tls_ctx_build(s, &err);
  if (!ctx) {
    s->cb_error = str_sprintf("SNI: %s", err);
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  SSL_set_SSL_CTX(ssl, ctx);
  /* Verification settings are per connection: take the new context's. */
  SSL_set_verify(ssl, SSL_CTX_get_verify_mode(ctx), SSL_CTX_get_verify_callback(ctx));
  SSL_set1_verify_cert_store(ssl, SSL_CTX_get_cert_store(ctx));
  STACK_OF(X509_NAME) *cas = SSL_CTX_get_client_CA_list(ctx);
  if (cas) SSL_set_client_CA_list(ssl, SSL_dup_CA_list(cas));
  if (s->sni_ctx) SSL_CTX_free(s->sni_ctx);
  s->sni_ctx = ctx;
  return SSL_TLSEXT_ERR_OK;
}

/* ALPN (spec 43.12): with tls_alpn set, a client offering more than one
 * protocol or one not in the list is refused. */
static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg) {
  (void)arg;
  tls_server *s = SSL_get_ex_data(ssl, tls_ex_index());
  const char *err = NULL;
  const char *list = tls_expand_opt("tls_alpn", mainconf.tls_alpn, &err);
  if (!list) return SSL_TLSEXT_ERR_NOACK;
  if (inlen < 1 || (unsigned)in[0] + 1 != inlen) {
    if (s) s->cb_error = "TLS ALPN: client offered more than one protocol";
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  const char *item;
  int sep = 0;
  while ((item = list_next(&list, &sep))) {
    if (strlen(item) == in[0] && memcmp(item, in + 1, in[0]) == 0) {
      *out = in + 1;
      *outlen = in[0];
      return SSL_TLSEXT_ERR_OK;
    }
  }
  if (s) s->cb_error = str_sprintf("TLS ALPN (%s) rejected", str_printing(str_copyn((const char *)in + 1, in[0])));
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static int client_hello_cb(SSL *ssl, int *alert, void *arg) {
  (void)alert;
  (void)arg;
  tls_server *s = SSL_get_ex_data(ssl, tls_ex_index());
  if (s && tls_resume_ops_hooks) tls_resume_ops_hooks->client_hello(s, ssl);
  return SSL_CLIENT_HELLO_SUCCESS;
}

SSL_CTX *tls_ctx_build(tls_server *s, const char **error) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    *error = str_sprintf("SSL_CTX_new: %s", tls_openssl_errors("failed"));
    return NULL;
  }
  /* openssl_options adds to and takes from the library's defaults. */
  uint64_t lib = SSL_CTX_get_options(ctx), opts = lib;
  if (!tls_parse_openssl_options(mainconf.openssl_options, &opts, error)) goto fail;
  if (s->resumption_offered) opts &= ~(uint64_t)SSL_OP_NO_TICKET;
  SSL_CTX_clear_options(ctx, lib);
  SSL_CTX_set_options(ctx, opts);
  /* Each connection is its own process: a session cache cannot help. */
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (!s->resumption_offered) SSL_CTX_set_num_tickets(ctx, 0);
  if (!load_certs(s, ctx, error)) goto fail;
  if (!tls_ctx_set_dhparam(ctx, error)) goto fail;
  if (!tls_ctx_set_eccurve(ctx, error)) goto fail;
  if (!tls_ctx_set_ciphers(ctx, error)) goto fail;
  if (!setup_verify(s, ctx, error)) goto fail;
  SSL_CTX_set_tlsext_servername_callback(ctx, sni_cb);
  SSL_CTX_set_alpn_select_cb(ctx, alpn_cb, NULL);
  SSL_CTX_set_client_hello_cb(ctx, client_hello_cb, NULL);
  if (tls_ocsp_ops_hooks && s->opts.ocsp_file && !tls_ocsp_ops_hooks->server_setup(s, ctx, error))
    goto fail;
  if (s->resumption_offered && tls_resume_ops_hooks &&
      !tls_resume_ops_hooks->server_setup(s, ctx, error))
    goto fail;
  return ctx;
fail:
  SSL_CTX_free(ctx);
  return NULL;
}
