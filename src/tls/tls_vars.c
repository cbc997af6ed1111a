/* tls_vars.c - what a finished server handshake negotiated, copied into
 * the connection (c->tls) in Exim's forms and published as the $tls_in_*
 * variables: cipher "TLS1.3:TLS_AES_256_GCM_SHA384:256", version "TLS1.3",
 * bits, the RFC cipher name, the peer's DN in OpenSSL's slash form, both
 * certificates as PEM, certificate_verified, resumption bits.
 *
 * Entry points: tls_vars_fill, tls_name_text (tls_int.h).
 *
 * Must never: mark a certificate verified that was not requested, or
 * that failed verification at any depth.
 */
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/store.h"
#include "base/str.h"
#include "expand/variables.h"
#include "tls/tls_int.h"

const char *tls_name_text(X509_NAME *name) {
  char *t = X509_NAME_oneline(name, NULL, 0);
  if (!t) return NULL;
  const char *r = str_copy_taint(t, true);
  OPENSSL_free(t);
  return r;
}

static const char *pem_of(X509 *x) {
  if (!x) return NULL;
  BIO *b = BIO_new(BIO_s_mem());
  const char *r = NULL;
  if (b && PEM_write_bio_X509(b, x)) {
    char *data;
    long n = BIO_get_mem_data(b, &data);
    if (n > 0) r = str_copy_taint(str_copyn(data, (size_t)n), true);
  }
  BIO_free(b);
  return r;
}

void tls_vars_fill(tls_server *s) {
  smtp_conn *c = s->c;
  tls_in_state *t = &c->tls;
  const SSL_CIPHER *ci = SSL_get_current_cipher(s->ssl);
  const char *v = SSL_get_version(s->ssl);
  /* "TLSv1.3" is shown as Exim shows it: "TLS1.3". */
  if (strncmp(v, "TLSv", 4) == 0) v = str_sprintf("TLS%s", v + 4);
  else v = str_copy(v);
  t->active = true;
  t->ver = v;
  t->bits = ci ? SSL_CIPHER_get_bits(ci, NULL) : 0;
  t->cipher = str_sprintf("%s:%s:%d", v, ci ? SSL_CIPHER_get_name(ci) : "unknown", t->bits);
  t->cipher_std = ci ? str_copy(SSL_CIPHER_standard_name(ci)) : NULL;
  X509 *peer = SSL_get1_peer_certificate(s->ssl);
  t->peerdn = peer ? tls_name_text(X509_get_subject_name(peer)) : NULL;
  t->peercert = pem_of(peer);
  t->certificate_verified = peer && (s->verify_required || s->verify_try) && !s->verify_failed &&
                            SSL_get_verify_result(s->ssl) == X509_V_OK;
  X509_free(peer);
  t->ourcert = pem_of(SSL_get_certificate(s->ssl));
  t->resumption = s->resumption_offered && tls_resume_ops_hooks ? tls_resume_ops_hooks->server_result(s) : 0;
  conn_publish(c);
  expand_var_set("tls_in_ourcert", t->ourcert);
  expand_var_set("tls_in_peercert", t->peercert);
}
