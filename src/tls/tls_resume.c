/* tls_resume.c - TLS session resumption for incoming connections
 * (EXPERIMENTAL_TLS_RESUME; spec 43.17): stateless session tickets for
 * hosts matching tls_resumption_hosts.  Ticket keys live only in memory:
 * each hour's key is derived from a random secret made once, when the
 * configuration is read (so in the daemon before it forks, and every
 * child can open the others' tickets); the previous hour's key is still
 * accepted (such tickets are renewed), and tickets are valid for two
 * hours.  The bits of
 * $tls_in_resumption: 1 support built (and offered), 2 client requested a
 * ticket, 4 client offered a session, 8 server issued a ticket, 16 the
 * session was resumed.
 *
 * Entry point: struct tls_resume_ops tls_resume (through
 * tls_resume_ops_hooks).
 *
 * Must never: write a ticket key or its secret anywhere, or accept a
 * ticket made with a key older than the previous hour's.
 */
#include <stdio.h>
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
} ticket_key;

/* The keys of each hour are derived from one random secret made once per
 * process tree (before the daemon forks), so that every child computes
 * the same current and previous key without talking to the others. */
static unsigned char master[32];
static bool have_master;

static void keys_init(void) {
  if (have_master) return;
  if (RAND_bytes(master, sizeof master) != 1) {
    log_write(LOG_MAIN, "TLS resumption: cannot make a ticket key secret");
    return;
  }
  have_master = true;
  DEBUG(D_tls) debug_printf("TLS resumption: ticket key secret made\n");
}

static bool mac(const char *what, long epoch, unsigned char *out, size_t outlen, const char *digest) {
  char data[64];
  int n = snprintf(data, sizeof data, "%s %ld", what, epoch);
  size_t got = 0;
  return EVP_Q_mac(NULL, "HMAC", NULL, digest, NULL, master, sizeof master, (unsigned char *)data,
                   (size_t)n, out, outlen, &got) != NULL && got == outlen;
}

/* The key of one rotation period. */
static bool key_for(long epoch, ticket_key *k) {
  unsigned char name[32], keys[64];
  if (!mac("name", epoch, name, sizeof name, "SHA256") || !mac("keys", epoch, keys, sizeof keys, "SHA512"))
    return false;
  memcpy(k->name, name, sizeof k->name);
  memcpy(k->aes, keys, sizeof k->aes);
  memcpy(k->hmac, keys + 32, sizeof k->hmac);
  return true;
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
  keys_init();
  long epoch = (long)(time(NULL) / KEY_ROTATE);
  ticket_key cur;
  if (!have_master || !key_for(epoch, &cur)) return -1;
  if (enc) {
    int ivlen = EVP_CIPHER_get_iv_length(EVP_aes_256_cbc());
    memcpy(name, cur.name, 16);
    if (RAND_bytes(iv, ivlen) != 1 || EVP_EncryptInit_ex(ectx, EVP_aes_256_cbc(), NULL, cur.aes, iv) != 1 ||
        !set_hmac(hctx, &cur))
      return -1;
    if (s) s->resume_bits |= RESUME_SERVER_TICKET;
    DEBUG(D_tls) debug_printf("TLS resumption: ticket issued\n");
    return 1;
  }
  ticket_key prev, *k = NULL;
  if (memcmp(name, cur.name, 16) == 0) k = &cur;
  else if (key_for(epoch - 1, &prev) && memcmp(name, prev.name, 16) == 0) k = &prev;
  if (!k) {
    DEBUG(D_tls) debug_printf("TLS resumption: ticket key unknown\n");
    return 0;
  }
  if (!set_hmac(hctx, k) || EVP_DecryptInit_ex(ectx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1) return -1;
  DEBUG(D_tls) debug_printf("TLS resumption: ticket accepted (%s key)\n", k == &cur ? "current" : "previous");
  /* A ticket of the previous period is replaced by a new one. */
  return k == &cur ? 1 : 2;
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
