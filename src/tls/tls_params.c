/* tls_params.c - the TLS parameters that are not about certificates:
 * openssl_options (Exim's +name/-name list over SSL_OP_* bits),
 * tls_dhparam (a PEM file, a standard prime by name, or "none") clamped by
 * tls_dh_max_bits, tls_eccurve ("auto", names or lists, empty = none),
 * tls_require_ciphers (an OpenSSL cipher string, "_" read as "-"), and the
 * self-signed certificate used when tls_certificate is unset.
 *
 * Entry points: tls_parse_openssl_options, tls_ctx_set_dhparam,
 * tls_ctx_set_eccurve, tls_ctx_set_ciphers, tls_selfsigned (tls_int.h).
 *
 * Must never: accept an unknown openssl_options name silently, or use DH
 * parameters larger than tls_dh_max_bits.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "tls/tls_int.h"

/* The names openssl_options knows: SSL_OP_ without the prefix, lower
 * case.  Some are 0 in current OpenSSL (kept so that old settings parse). */
static const struct {
  const char *name;
  uint64_t bits;
} op_names[] = {
    {"all", SSL_OP_ALL},
    {"allow_no_dhe_kex", SSL_OP_ALLOW_NO_DHE_KEX},
    {"allow_unsafe_legacy_renegotiation", SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION},
    {"cipher_server_preference", SSL_OP_CIPHER_SERVER_PREFERENCE},
    {"crypto_pro_tlsext_bug", SSL_OP_CRYPTOPRO_TLSEXT_BUG},
    {"dont_insert_empty_fragments", SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS},
    {"enable_middlebox_compat", SSL_OP_ENABLE_MIDDLEBOX_COMPAT},
    {"ephemeral_rsa", SSL_OP_EPHEMERAL_RSA},
    {"ignore_unexpected_eof", SSL_OP_IGNORE_UNEXPECTED_EOF},
    {"legacy_server_connect", SSL_OP_LEGACY_SERVER_CONNECT},
    {"microsoft_big_sslv3_buffer", SSL_OP_MICROSOFT_BIG_SSLV3_BUFFER},
    {"microsoft_sess_id_bug", SSL_OP_MICROSOFT_SESS_ID_BUG},
    {"msie_sslv2_rsa_padding", SSL_OP_MSIE_SSLV2_RSA_PADDING},
    {"netscape_challenge_bug", SSL_OP_NETSCAPE_CHALLENGE_BUG},
    {"netscape_reuse_cipher_change_bug", SSL_OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG},
    {"no_anti_replay", SSL_OP_NO_ANTI_REPLAY},
    {"no_compression", SSL_OP_NO_COMPRESSION},
    {"no_encrypt_then_mac", SSL_OP_NO_ENCRYPT_THEN_MAC},
    {"no_extended_master_secret", SSL_OP_NO_EXTENDED_MASTER_SECRET},
    {"no_renegotiation", SSL_OP_NO_RENEGOTIATION},
    {"no_session_resumption_on_renegotiation", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION},
    {"no_sslv2", SSL_OP_NO_SSLv2},
    {"no_sslv3", SSL_OP_NO_SSLv3},
    {"no_ticket", SSL_OP_NO_TICKET},
    {"no_tlsv1", SSL_OP_NO_TLSv1},
    {"no_tlsv1_1", SSL_OP_NO_TLSv1_1},
    {"no_tlsv1_2", SSL_OP_NO_TLSv1_2},
    {"no_tlsv1_3", SSL_OP_NO_TLSv1_3},
    {"prioritize_chacha", SSL_OP_PRIORITIZE_CHACHA},
    {"safari_ecdhe_ecdsa_bug", SSL_OP_SAFARI_ECDHE_ECDSA_BUG},
    {"single_dh_use", SSL_OP_SINGLE_DH_USE},
    {"single_ecdh_use", SSL_OP_SINGLE_ECDH_USE},
    {"ssleay_080_client_dh_bug", SSL_OP_SSLEAY_080_CLIENT_DH_BUG},
    {"sslref2_reuse_cert_type_bug", SSL_OP_SSLREF2_REUSE_CERT_TYPE_BUG},
    {"tls_block_padding_bug", SSL_OP_TLS_BLOCK_PADDING_BUG},
    {"tls_d5_bug", SSL_OP_TLS_D5_BUG},
    {"tls_rollback_bug", SSL_OP_TLS_ROLLBACK_BUG},
};

/* The option's default (spec: openssl_options). */
static const char default_openssl_options[] =
    "+no_sslv2 +no_sslv3 +single_dh_use +no_ticket +no_renegotiation";

bool tls_parse_openssl_options(const char *spec, uint64_t *result, const char **error) {
  uint64_t bits = *result;
  if (!spec) spec = default_openssl_options;
  const char *p = spec;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    if (!*p) break;
    const char *start = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
    size_t len = (size_t)(p - start);
    if (*start != '+' && *start != '-') {
      *error = str_sprintf("openssl_options parse error: \"%s\" does not start with + or -",
                           str_copyn(start, len));
      return false;
    }
    size_t i;
    for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
      if (strlen(op_names[i].name) == len - 1 && str_ncmpic(op_names[i].name, start + 1, len - 1) == 0)
        break;
    if (i == sizeof op_names / sizeof op_names[0]) {
      *error = str_sprintf("openssl_options parse error: unknown option \"%s\"", str_copyn(start + 1, len - 1));
      return false;
    }
    if (*start == '+') bits |= op_names[i].bits;
    else bits &= ~op_names[i].bits;
  }
  *result = bits;
  return true;
}

/* ---- DH parameters ---------------------------------------------------- */

/* Standard primes by Exim's names: the RFC 7919 groups and the IKE groups
 * OpenSSL knows by its own names; ike1/ike2 (RFC 2409) come from BN. */
static const struct {
  const char *name, *group;
  BIGNUM *(*prime)(BIGNUM *);
} dh_named[] = {
    {"ffdhe2048", "ffdhe2048", NULL}, {"ffdhe3072", "ffdhe3072", NULL},
    {"ffdhe4096", "ffdhe4096", NULL}, {"ffdhe6144", "ffdhe6144", NULL},
    {"ffdhe8192", "ffdhe8192", NULL},
    {"ike1", NULL, BN_get_rfc2409_prime_768},  {"ike2", NULL, BN_get_rfc2409_prime_1024},
    {"ike5", "modp_1536", NULL},  {"ike14", "modp_2048", NULL}, {"ike15", "modp_3072", NULL},
    {"ike16", "modp_4096", NULL}, {"ike17", "modp_6144", NULL}, {"ike18", "modp_8192", NULL},
    {"ike22", "dh_1024_160", NULL}, {"ike23", "dh_2048_224", NULL},
    {"ike24", "dh_2048_256", NULL},
};

static EVP_PKEY *dh_from_params(OSSL_PARAM *params) {
  EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
  EVP_PKEY *pk = NULL;
  if (pc && EVP_PKEY_fromdata_init(pc) == 1) EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_KEY_PARAMETERS, params);
  EVP_PKEY_CTX_free(pc);
  return pk;
}

static EVP_PKEY *dh_named_key(size_t i) {
  if (dh_named[i].group) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)dh_named[i].group, 0),
        OSSL_PARAM_construct_end()};
    return dh_from_params(params);
  }
  BIGNUM *p = dh_named[i].prime(NULL), *g = BN_new();
  EVP_PKEY *pk = NULL;
  OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
  if (p && g && b && BN_set_word(g, 2) && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, p) &&
      OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, g)) {
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
    if (params) pk = dh_from_params(params);
    OSSL_PARAM_free(params);
  }
  OSSL_PARAM_BLD_free(b);
  BN_free(p);
  BN_free(g);
  return pk;
}

bool tls_ctx_set_dhparam(SSL_CTX *ctx, const char **error) {
  const char *v = tls_expand_opt("tls_dhparam", mainconf.tls_dhparam, error);
  if (*error) return false;
  if (!v || strcmp(v, "default") == 0) v = "ffdhe2048";
  if (strcmp(v, "none") == 0) return true;
  EVP_PKEY *pk = NULL;
  if (v[0] == '/') {
    if (is_tainted(v)) {
      *error = str_sprintf("Tainted filename for tls_dhparam: '%s'", str_printing(v));
      return false;
    }
    BIO *bio = BIO_new_file(v, "r");
    if (!bio) {
      *error = str_sprintf("DH: could not read tls_dhparam \"%s\": %s", v, tls_openssl_errors("cannot open"));
      return false;
    }
    pk = PEM_read_bio_Parameters(bio, NULL);
    BIO_free(bio);
    if (!pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_DH) {
      EVP_PKEY_free(pk);
      *error = str_sprintf("DH: could not load params from file %s", v);
      return false;
    }
  } else {
    size_t i;
    for (i = 0; i < sizeof dh_named / sizeof dh_named[0]; i++)
      if (strcmp(dh_named[i].name, v) == 0) break;
    if (i == sizeof dh_named / sizeof dh_named[0]) {
      *error = str_sprintf("DH: unknown fixed DH identifier: %s", v);
      return false;
    }
    if (strcmp(v, "ike1") == 0 || strcmp(v, "ike22") == 0)
      log_write(LOG_MAIN | LOG_PANIC, "tls_dhparam: %s is a MUST NOT prime (RFC 8247)", v);
    else if (strcmp(v, "ike23") == 0 || strcmp(v, "ike24") == 0)
      log_write(LOG_MAIN, "tls_dhparam: %s is a SHOULD NOT prime (RFC 8247)", v);
    pk = dh_named_key(i);
    if (!pk) {
      *error = str_sprintf("DH: cannot build %s: %s", v, tls_openssl_errors("failed"));
      return false;
    }
  }
  int bits = EVP_PKEY_get_bits(pk);
  if (bits > mainconf.tls_dh_max_bits) {
    DEBUG(D_tls) debug_printf("DH: %s has %d bits, over tls_dh_max_bits %d: not used\n", v, bits,
                              mainconf.tls_dh_max_bits);
    EVP_PKEY_free(pk);
    return true;
  }
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, pk) != 1) {
    EVP_PKEY_free(pk);
    *error = str_sprintf("DH: SSL_CTX_set0_tmp_dh_pkey: %s", tls_openssl_errors("failed"));
    return false;
  }
  return true;
}

/* ---- EC curves, ciphers ----------------------------------------------- */

bool tls_ctx_set_eccurve(SSL_CTX *ctx, const char **error) {
  *error = NULL;
  const char *v = mainconf.tls_eccurve ? expand_cstring(mainconf.tls_eccurve) : "auto";
  if (!v) {
    if (!expand_status.forced_fail) {
      *error = str_sprintf("failed to expand tls_eccurve: %s", expand_status.message);
      return false;
    }
    v = "auto";
  }
  if (strcmp(v, "auto") == 0) return true;
  /* Empty: no EC curves, only the finite-field groups remain. */
  const char *groups = *v ? v : "ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192";
  if (SSL_CTX_set1_groups_list(ctx, groups) != 1) {
    *error = str_sprintf("Unable to set ECDH curve \"%s\": %s", str_printing(v),
                         tls_openssl_errors("unknown curve"));
    return false;
  }
  return true;
}

bool tls_ctx_set_ciphers(SSL_CTX *ctx, const char **error) {
  const char *v = tls_expand_opt("tls_require_ciphers", mainconf.tls_require_ciphers, error);
  if (*error) return false;
  if (!v) return true;
  char *list = str_copy(v);
  for (char *p = list; *p; p++)
    if (*p == '_') *p = '-';
  if (SSL_CTX_set_cipher_list(ctx, list) != 1) {
    *error = str_sprintf("SSL_CTX_set_cipher_list(%s): %s", str_printing(list),
                         tls_openssl_errors("no cipher match"));
    return false;
  }
  return true;
}

/* ---- self-signed certificate --------------------------------------------- */

bool tls_selfsigned(X509 **certp, EVP_PKEY **keyp, const char **error) {
  static X509 *cert;
  static EVP_PKEY *key;
  if (cert) {
    *certp = cert;
    *keyp = key;
    return true;
  }
  EVP_PKEY *k = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  const char *cn = mainconf.primary_hostname && *mainconf.primary_hostname ? mainconf.primary_hostname
                                                                           : "localhost";
  unsigned char serial[8];
  bool ok = k && x;
  if (ok) {
    X509_set_version(x, 2);
    ok = RAND_bytes(serial, sizeof serial) == 1;
    serial[0] &= 0x7f;
    BIGNUM *bn = ok ? BN_bin2bn(serial, sizeof serial, NULL) : NULL;
    ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
  }
  if (ok) {
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 60L * 60 * 24 * 30);
    X509_NAME *n = X509_get_subject_name(x);
    ok = X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Exim Developers", -1, -1, 0) &&
         X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) &&
         X509_set_issuer_name(x, n) && X509_set_pubkey(x, k) && X509_sign(x, k, EVP_sha256()) > 0;
  }
  if (!ok) {
    *error = str_sprintf("building self-signed certificate: %s", tls_openssl_errors("failed"));
    X509_free(x);
    EVP_PKEY_free(k);
    return false;
  }
  *certp = cert = x;
  *keyp = key = k;
  return true;
}
