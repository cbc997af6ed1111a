/* ops_hash.c - hashing operators: md5 (lower-case hex), sha1, sha2/sha256
 * with _256/_384/_512, sha3 with _224/_256/_384/_512 (upper-case hex).
 *
 * Entry points: op_md5, op_sha1, op_sha2, op_sha3 (ops_int.h), called via
 * expand_op_find().  Uses OpenSSL's EVP digest API only; never keeps a
 * digest context past one call.
 */
#include <openssl/evp.h>
#include <string.h>

#include "ops_int.h"

static const char *digest(gstring **out, const char *arg, const EVP_MD *md, bool upper) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!md || !EVP_Digest(arg, strlen(arg), buf, &len, md, NULL)) return "digest computation failed in OpenSSL";
  if (!*out) *out = g_new(2 * len + 1, false);
  for (unsigned i = 0; i < len; i++) *out = g_fmt(*out, upper ? "%02X" : "%02x", buf[i]);
  return NULL;
}

OPFN(op_md5) {
  (void)opt;
  return digest(out, arg, EVP_md5(), false);
}

OPFN(op_sha1) {
  (void)opt;
  return digest(out, arg, EVP_sha1(), true);
}

/* sha2, sha256 and their _N forms (Exim accepts the suffix on both). */
OPFN(op_sha2) {
  const EVP_MD *md;
  if (!opt || strcmp(opt, "256") == 0) md = EVP_sha256();
  else if (strcmp(opt, "384") == 0) md = EVP_sha384();
  else if (strcmp(opt, "512") == 0) md = EVP_sha512();
  else return "unrecognised sha2 variant";
  return digest(out, arg, md, true);
}

OPFN(op_sha3) {
  const EVP_MD *md;
  if (!opt || strcmp(opt, "256") == 0) md = EVP_sha3_256();
  else if (strcmp(opt, "224") == 0) md = EVP_sha3_224();
  else if (strcmp(opt, "384") == 0) md = EVP_sha3_384();
  else if (strcmp(opt, "512") == 0) md = EVP_sha3_512();
  else return "unrecognised sha3 variant";
  return digest(out, arg, md, true);
}
