/* tls_resume.c - TLS session resumption for incoming connections
 * (EXPERIMENTAL_TLS_RESUME; spec 43.17): stateless session tickets for
 * hosts matching tls_resumption_hosts.  Ticket keys live only in memory:
 * made in the daemon before it forks (so every child can open the others'
 * tickets), rotated hourly with the previous key still accepted (tickets
 * it opened are renewed), tickets valid for two hours.  The bits of
 * $tls_in_resumption: 1 support built (and offered), 2 client requested a
 * ticket, 4 client offered a session, 8 server issued a ticket, 16 the
 * session was resumed.
 *
 * Entry point: struct tls_resume_ops tls_resume (through
 * tls_resume_ops_hooks).
 *
 * Must never: write a ticket key anywhere, or accept a ticket made with a
 * key older than the previous one.
 */
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/log.h"
#include "tls/tls_int.h"

#define KEY_ROTATE 3600   /* seconds a key issues tickets */
#define TICKET_LIFE 7200  /* seconds a ticket is good for */

enum {
  RESUME_SUPPORTED = 1,
  RESUME_CLIENT_REQUESTED = 2,
  RESUME_CLIENT_SUGGESTED = 4,
  RESUME_SERVER_TICKET = 8,
  RESUME_USED = 16,
};

typedef struct ticket_key {
  unsigned char name[16], aes[32], hmac[32];
  time_t created;
  bool valid;
} ticket_key;

static ticket_key key_cur, key_prev;

static bool key_new(ticket_key *k) {
  if (RAND_bytes(k->name, sizeof k->name) != 1 || RAND_bytes(k->aes, sizeof k->aes) != 1 ||
      RAND_bytes(k->hmac, sizeof k->hmac) != 1)
    return false;
  k->created = time(NULL);
  k->valid = true;
  return true;
}

static void keys_init(void) {
  if (key_cur.valid && time(NULL) - key_cur.created < KEY_ROTATE) return;
  ticket_key k;
  if (!key_new(&k)) {
    log_write(LOG_MAIN, "TLS resumption: cannot make a ticket key");
    return;
  }
  if (key_cur.valid) key_prev = key_cur;
  key_cur = k;
  DEBUG(D_tls) debug_printf("TLS resumption: new ticket key\n");
}

static bool set_hmac(EVP_MAC_CTX *h, ticket_key *k) {
  OSSL_PARAM p[] = {OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, k->hmac, sizeof k->hmac),
                    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
                    OSSL_PARAM_construct_end()};
  return EVP_MAC_CTX_set_params(h, p) == 1;
}

static int ticket_cb(SSL *ssl, unsigned char name[16], unsigned char *iv, EVP_CIPHER_CTX *ectx,
                     EVP_MAC_CTX *hctx, int enc) {
  tls_server *s = SSL_get_ex_data(ssl, tls_ex_index());
  /* A process the daemon did not prepare (inetd, -bs) makes its own key;
   * rotation is the daemon's, so that its children keep sharing one. */
  if (!key_cur.valid) keys_init();
  if (!key_cur.valid) return -1;
  if (enc) {
    int ivlen = EVP_CIPHER_get_iv_length(EVP_aes_256_cbc());
    memcpy(name, key_cur.name, 16);
    if (RAND_bytes(iv, ivlen) != 1 || EVP_EncryptInit_ex(ectx, EVP_aes_256_cbc(), NULL, key_cur.aes, iv) != 1 ||
        !set_hmac(hctx, &key_cur))
      return -1;
    if (s) s->resume_bits |= RESUME_SERVER_TICKET;
    DEBUG(D_tls) debug_printf("TLS resumption: ticket issued\n");
    return 1;
  }
  ticket_key *k = NULL;
  if (memcmp(name, key_cur.name, 16) == 0) k = &key_cur;
  else if (key_prev.valid && memcmp(name, key_prev.name, 16) == 0) k = &key_prev;
  if (!k) {
    DEBUG(D_tls) debug_printf("TLS resumption: ticket key unknown\n");
    return 0;
  }
  if (!set_hmac(hctx, k) || EVP_DecryptInit_ex(ectx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1) return -1;
  DEBUG(D_tls) debug_printf("TLS resumption: ticket accepted (%s key)\n", k == &key_cur ? "current" : "previous");
  return k == &key_cur ? 1 : 2;
}

static bool server_setup(tls_server *s, SSL_CTX *ctx, const char **error) {
  (void)s;
  (void)error;
  SSL_CTX_set_timeout(ctx, TICKET_LIFE);
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb);
  return true;
}

static void client_hello(tls_server *s, SSL *ssl) {
  const unsigned char *p;
  size_t len;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_session_ticket, &p, &len) == 1) {
    s->resume_bits |= RESUME_CLIENT_REQUESTED;
    if (len > 0) s->resume_bits |= RESUME_CLIENT_SUGGESTED;
  }
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_psk_kex_modes, &p, &len) == 1)
    s->resume_bits |= RESUME_CLIENT_REQUESTED;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_psk, &p, &len) == 1)
    s->resume_bits |= RESUME_CLIENT_SUGGESTED;
}

static int server_result(tls_server *s) {
  int bits = s->resume_bits | RESUME_SUPPORTED;
  if (SSL_session_reused(s->ssl)) bits |= RESUME_USED;
  return bits;
}

const struct tls_resume_ops tls_resume = {
    .keys_init = keys_init,
    .server_setup = server_setup,
    .server_result = server_result,
    .client_hello = client_hello,
};
