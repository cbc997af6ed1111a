/* base64.h - base64 (RFC 4648 alphabet, '=' padding) for the ${base64}
 * family of expansion operators and for SMTP AUTH exchanges.
 *
 * Entry points: base64_encode(), base64_decode().
 * Must never: read past the given length or the terminating NUL, or accept
 * text that is not base64 (the callers turn false into Exim's errors).
 */
#ifndef BASE_BASE64_H
#define BASE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

/* Append the encoding of n bytes at data to g (NULL: a new untainted
 * gstring; appending tainted-looking text is the caller's affair). */
gstring *base64_encode(gstring *g, const void *data, size_t n);

/* Decode the NUL-terminated text s and append the bytes (which may include
 * NULs) to *g (NULL: a new gstring, tainted when s is).  White space is
 * skipped; input must be groups of four with '=' padding only at the end.
 * False when s is not well-formed (what was appended is then undefined). */
bool base64_decode(gstring **g, const char *s);

#endif
