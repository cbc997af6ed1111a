/* cram_md5.c - the cram_md5 authenticator (spec chapter 35): private
 * options and init (server when server_secret is set, client when
 * client_secret is set; client_name then defaults to primary_hostname),
 * and the server side of CRAM-MD5 (RFC 2195): challenge
 * "<pid.time@primary_hostname>", response "user digest", digest checked
 * against HMAC-MD5 of the challenge keyed with the expanded server_secret.
 * Entry point: auth_cram_md5.
 * Must never: run an AUTH exchange at configuration time; accept a digest
 * that does not match.
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../config/main_config.h"
#include "../expand/expand.h"
#include "auth_server.h"

typedef struct cram_md5_options {
  const char *client_name;
  const char *client_secret;
  const char *server_secret;
} cram_md5_options;

#define CO(n, t, f) {n, t, OPT_OFF(cram_md5_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist cram_md5_option_list[] = {
  CO("client_name", opt_stringptr, client_name),
  CO("client_secret", opt_stringptr, client_secret),
  CO("server_secret", opt_stringptr, server_secret),
};

static const cram_md5_options cram_md5_defaults = {.client_name = NULL};

static const char *cram_md5_init(driver_instance *d) {
  auth_instance *a = (auth_instance *)d;
  cram_md5_options *ob = d->options_block;
  a->server = ob->server_secret != NULL;
  a->client = ob->client_secret != NULL;
  if (a->client && !ob->client_name) ob->client_name = mainconf.primary_hostname;
  return auth_generic_init(d);
}

#define MD5_LEN 16

static int cram_md5_server(auth_instance *a, smtp_conn *c, const char *initial) {
  cram_md5_options *ob = a->drv.options_block;
  if (initial) return AUTH_UNEXPECTED;
  const char *challenge = str_sprintf("<%d.%ld@%s>", (int)getpid(), (long)time(NULL),
                                      mainconf.primary_hostname ? mainconf.primary_hostname : "");
  const char *data;
  size_t len;
  int rc = auth_get_data(c, challenge, strlen(challenge), &data, &len);
  if (rc != AUTH_OK) return rc;
  /* "user digest": the digest follows the last space. */
  size_t sp = len;
  while (sp > 0 && data[sp - 1] != ' ') sp--;
  const char *user = sp ? str_copyn(data, sp - 1) : str_copyn(data, len);
  const char *digest = sp ? data + sp : "";
  size_t dlen = sp ? len - sp : 0;
  const char *v[1] = {user};
  auth_set_vars(v, 1);

  /* A digest of the wrong length fails before the secret is looked at. */
  if (dlen != 2 * MD5_LEN) return AUTH_FAIL;
  const char *secret = expand_cstring(ob->server_secret);
  if (!secret) {
    if (expand_status.forced_fail) return AUTH_FAIL;
    auth_server_defer(expand_status.message, NULL);
    return AUTH_DEFER;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned mdlen = 0;
  HMAC(EVP_md5(), secret, (int)strlen(secret), (const unsigned char *)challenge, strlen(challenge), md, &mdlen);
  if (mdlen != MD5_LEN) return AUTH_FAIL;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  for (unsigned i = 0; i < mdlen; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  auth_hdebug(c, "CRAM-MD5: user name = %s", user);
  auth_hdebug(c, "          challenge = %s", challenge);
  auth_hdebug(c, "          received  = %.*s", (int)dlen, digest);
  auth_hdebug(c, "          digest    = %s", hex);
  char given[2 * EVP_MAX_MD_SIZE + 1];
  for (size_t i = 0; i < dlen; i++) {
    char ch = digest[i];
    given[i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
  }
  if (CRYPTO_memcmp(given, hex, dlen) != 0) return AUTH_FAIL;
  return auth_check_server_condition(a, c);
}

static const auth_ops cram_md5_ops = {.public_name_from_instance = false, .server = cram_md5_server};

const driver_info auth_cram_md5 = {
  .name = "cram_md5",
  .options = cram_md5_option_list,
  .options_count = OPT_COUNT(cram_md5_option_list),
  .options_defaults = &cram_md5_defaults,
  .options_size = sizeof(cram_md5_options),
  .init = cram_md5_init,
  .kind_ops = &cram_md5_ops,
};
