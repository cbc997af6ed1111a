/* tls_ocsp.c - OCSP stapling for incoming TLS (EXPERIMENTAL_OCSP; spec
 * 43.8, tls_ocsp_file): the expanded tls_ocsp_file list (matching the
 * tls_certificate list; "DER " or "PEM " before a file sets the format
 * for it and those after it, DER first) is loaded, each response checked
 * (successful, with a next-update time, not expired: otherwise ignored),
 * and when a client asks for the status the response whose certificate
 * serial matches the certificate being presented is stapled.  $tls_in_ocsp
 * becomes 1 (requested, no response) or 2 (response sent, not verified).
 *
 * Entry point: struct tls_ocsp_ops tls_ocsp (through tls_ocsp_ops_hooks).
 *
 * Must never: staple an expired proof or one without a next-update time,
 * or a proof for a different certificate.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "tls/tls_int.h"

#define OCSP_MAX 8

typedef struct ocsp_set {
  int n;
  struct {
    unsigned char *der;          /* the whole response, DER */
    int len;
    ASN1_INTEGER *serial;        /* of the certificate it is about */
  } r[OCSP_MAX];
} ocsp_set;

/* Read one response file; NULL (with a debug line) when unusable. */
static OCSP_RESPONSE *read_response(const char *file, bool pem) {
  BIO *b = BIO_new_file(file, "rb");
  if (!b) {
    DEBUG(D_tls) debug_printf("OCSP: cannot open %s\n", file);
    return NULL;
  }
  OCSP_RESPONSE *rsp = NULL;
  if (pem) {
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    if (PEM_read_bio(b, &name, &header, &data, &len) == 1) {
      const unsigned char *p = data;
      rsp = d2i_OCSP_RESPONSE(NULL, &p, len);
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  } else {
    rsp = d2i_OCSP_RESPONSE_bio(b, NULL);
  }
  BIO_free(b);
  if (!rsp) DEBUG(D_tls) debug_printf("OCSP: %s holds no readable response\n", file);
  return rsp;
}

/* Successful, every single response current with a next-update time.
 * Returns the serial of the (first) certificate it covers, or NULL. */
static ASN1_INTEGER *response_serial(OCSP_RESPONSE *rsp, const char *file) {
  if (OCSP_response_status(rsp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    DEBUG(D_tls) debug_printf("OCSP: %s: response status is not successful\n", file);
    return NULL;
  }
  OCSP_BASICRESP *basic = OCSP_response_get1_basic(rsp);
  if (!basic) return NULL;
  ASN1_INTEGER *serial = NULL;
  int count = OCSP_resp_count(basic);
  bool ok = count > 0;
  for (int i = 0; ok && i < count; i++) {
    OCSP_SINGLERESP *single = OCSP_resp_get0(basic, i);
    ASN1_GENERALIZEDTIME *thisupd = NULL, *nextupd = NULL, *rev = NULL;
    int reason;
    OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
    if (!nextupd) {
      DEBUG(D_tls) debug_printf("OCSP: %s: no next-update time: ignored\n", file);
      ok = false;
    } else if (!OCSP_check_validity(thisupd, nextupd, 300, -1)) {
      DEBUG(D_tls) debug_printf("OCSP: %s: proof is not current: ignored\n", file);
      ok = false;
    } else if (i == 0) {
      ASN1_INTEGER *sn = NULL;
      OCSP_id_get0_info(NULL, NULL, NULL, &sn, (OCSP_CERTID *)OCSP_SINGLERESP_get0_id(single));
      if (sn) serial = ASN1_INTEGER_dup(sn);
    }
  }
  OCSP_BASICRESP_free(basic);
  ERR_clear_error();
  if (!ok) {
    ASN1_INTEGER_free(serial);
    return NULL;
  }
  return serial;
}

static int status_cb(SSL *ssl, void *arg) {
  (void)arg;
  tls_server *s = SSL_get_ex_data(ssl, tls_ex_index());
  if (!s) return SSL_TLSEXT_ERR_NOACK;
  s->c->tls.ocsp = 1;
  ocsp_set *set = s->ocsp;
  X509 *cert = SSL_get_certificate(ssl);
  if (!set || !cert) return SSL_TLSEXT_ERR_NOACK;
  const ASN1_INTEGER *sn = X509_get0_serialNumber(cert);
  for (int i = 0; i < set->n; i++) {
    if (ASN1_INTEGER_cmp(set->r[i].serial, sn) != 0) continue;
    unsigned char *copy = OPENSSL_memdup(set->r[i].der, (size_t)set->r[i].len);
    if (!copy) return SSL_TLSEXT_ERR_NOACK;
    SSL_set_tlsext_status_ocsp_resp(ssl, copy, set->r[i].len);
    s->c->tls.ocsp = 2;
    DEBUG(D_tls) debug_printf("OCSP: stapled response %d\n", i);
    return SSL_TLSEXT_ERR_OK;
  }
  DEBUG(D_tls) debug_printf("OCSP: no current response for the certificate presented\n");
  return SSL_TLSEXT_ERR_NOACK;
}

static void server_free(tls_server *s);

static bool server_setup(tls_server *s, SSL_CTX *ctx, const char **error) {
  (void)error;
  server_free(s); /* a context made again after SNI replaces the first */
  ocsp_set *set = store_get(sizeof *set, false);
  memset(set, 0, sizeof *set);
  const char *list = s->opts.ocsp_file, *item;
  int sep = 0;
  bool pem = false;
  while ((item = list_next(&list, &sep)) && set->n < OCSP_MAX) {
    if (strncmp(item, "DER ", 4) == 0) pem = false, item += 4;
    else if (strncmp(item, "PEM ", 4) == 0) pem = true, item += 4;
    item = str_skip_space(item);
    if (is_tainted(item)) {
      log_write(LOG_MAIN, "Tainted filename for tls_ocsp_file: '%s'", str_printing(item));
      continue;
    }
    OCSP_RESPONSE *rsp = read_response(item, pem);
    if (!rsp) continue;
    ASN1_INTEGER *serial = response_serial(rsp, item);
    unsigned char *der = NULL;
    int len = serial ? i2d_OCSP_RESPONSE(rsp, &der) : 0;
    OCSP_RESPONSE_free(rsp);
    if (len <= 0) {
      ASN1_INTEGER_free(serial);
      continue;
    }
    set->r[set->n].der = der;
    set->r[set->n].len = len;
    set->r[set->n].serial = serial;
    set->n++;
  }
  s->ocsp = set;
  SSL_CTX_set_tlsext_status_cb(ctx, status_cb);
  return true;
}

static void server_free(tls_server *s) {
  ocsp_set *set = s->ocsp;
  if (!set) return;
  for (int i = 0; i < set->n; i++) {
    OPENSSL_free(set->r[i].der);
    ASN1_INTEGER_free(set->r[i].serial);
  }
  set->n = 0;
  s->ocsp = NULL;
}

const struct tls_ocsp_ops tls_ocsp = {
    .server_setup = server_setup,
    .server_free = server_free,
};
