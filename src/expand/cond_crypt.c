/* cond_crypt.c - the crypteq condition (spec 11.7): compares a clear text
 * with an encrypted one given as {md5}..., {sha1}..., {crypt}...,
 * {crypt16}... (type names caseless) or bare (crypt(3), or crypt16 when
 * the build sets DEFAULT_CRYPT=crypt16).
 *
 * Entry point: cond_crypteq() (listed in cond.c's table).
 * Digests through OpenSSL's EVP API, crypt through libcrypt.  Must never
 * log or print the clear text.
 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "../base/str.h"
#include "cond_int.h"
#include "config.h"

static const char b64chars[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Digest of s with the named EVP algorithm into out (at least
 * EVP_MAX_MD_SIZE); length or 0 on failure. */
static unsigned digest(const char *alg, const char *s, unsigned char *out)
{
  unsigned len = 0;
  if (!EVP_Digest(s, strlen(s), out, &len, EVP_get_digestbyname(alg), NULL)) return 0;
  return len;
}

static char *to_hex(const unsigned char *d, unsigned n)
{
  gstring *g = g_new(2 * n + 1, false);
  for (unsigned i = 0; i < n; i++) g = g_fmt(g, "%02x", d[i]);
  return g_str(g);
}

static char *to_base64(const unsigned char *d, unsigned n)
{
  gstring *g = g_new(4 * n / 3 + 5, false);
  for (unsigned i = 0; i < n; i += 3) {
    unsigned v = (unsigned)d[i] << 16;
    if (i + 1 < n) v |= (unsigned)d[i + 1] << 8;
    if (i + 2 < n) v |= d[i + 2];
    g = g_catc(g, b64chars[(v >> 18) & 63]);
    g = g_catc(g, b64chars[(v >> 12) & 63]);
    g = g_catc(g, i + 1 < n ? b64chars[(v >> 6) & 63] : '=');
    g = g_catc(g, i + 2 < n ? b64chars[v & 63] : '=');
  }
  return g_str(g);
}

/* {md5}/{sha1}: base64 when the comparison string has the base64 length
 * (compared exactly), hex when it has the hex length (compared
 * caselessly); any other length does not match. */
static bool digest_equal(const char *alg, unsigned dlen, const char *clear, const char *want)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  size_t wl = strlen(want);
  if (digest(alg, clear, d) != dlen) return false;
  if (wl == (dlen + 2) / 3 * 4) return strcmp(to_base64(d, dlen), want) == 0;
  if (wl == 2 * dlen) return str_cmpic(to_hex(d, dlen), want) == 0;
  return false;
}

static bool crypt_equal(const char *clear, const char *want)
{
  struct crypt_data *cd = store_get(sizeof *cd, false);
  const char *res;
  memset(cd, 0, sizeof *cd);
  res = crypt_r(clear, want, cd);
  return res && res[0] != '*' && strcmp(res, want) == 0;
}

/* Exim's own crypt16: the first 8 characters of the clear text crypted
 * with the salt (13 characters); when the clear text is longer than 8, the
 * next 8 crypted with the salt taken from the first result's characters
 * 2-3, whose 11 hash characters are appended. */
static bool crypt16_equal(const char *clear, const char *want)
{
  struct crypt_data *cd = store_get(sizeof *cd, false);
  char part[9], salt[3];
  const char *r1, *r2;
  gstring *g;
  size_t cl = strlen(clear);

  if (strlen(want) < 2) return false;
  memset(cd, 0, sizeof *cd);
  snprintf(part, sizeof part, "%.8s", clear);
  salt[0] = want[0]; salt[1] = want[1]; salt[2] = '\0';
  if (!(r1 = crypt_r(part, salt, cd)) || strlen(r1) != 13) return false;
  g = g_catn(NULL, r1, 13);
  if (cl <= 8) return strcmp(g_str(g), want) == 0;
  snprintf(part, sizeof part, "%.8s", clear + 8);
  salt[0] = r1[2]; salt[1] = r1[3];
  if (!(r2 = crypt_r(part, salt, cd)) || strlen(r2) != 13) return false;
  g = g_catn(g, r2 + 2, 11);
  return strcmp(g_str(g), want) == 0;
}

const char *cond_crypteq(const char *const *a, int n, bool *r)
{
  const char *clear = a[0], *enc = a[1];
  (void)n;
  *r = false;
  if (str_ncmpic(enc, "{md5}", 5) == 0)
    *r = digest_equal("MD5", 16, clear, enc + 5);
  else if (str_ncmpic(enc, "{sha1}", 6) == 0)
    *r = digest_equal("SHA1", 20, clear, enc + 6);
  else if (str_ncmpic(enc, "{crypt16}", 9) == 0)
    *r = crypt16_equal(clear, enc + 9);
  else if (str_ncmpic(enc, "{crypt}", 7) == 0)
    *r = crypt_equal(clear, enc + 7);
  else if (enc[0] == '{')
    return str_sprintf("unknown encryption mechanism in \"%s\"", enc);
  else if (str_cmpic(DEFAULT_CRYPT, "crypt16") == 0)
    *r = crypt16_equal(clear, enc);
  else
    *r = crypt_equal(clear, enc);
  return NULL;
}
