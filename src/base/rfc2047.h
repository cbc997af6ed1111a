/* rfc2047.h - RFC 2047 "Q" encoding of header text the way exim4 does it,
 * shared by the ${rfc2047:} operator and the From:/Sender: headers that
 * reception adds with the caller's full name.
 *
 * Entry point: rfc2047_encode().
 * Must never: read past the terminating NUL of its input.
 */
#ifndef BASE_RFC2047_H
#define BASE_RFC2047_H

#include "str.h"

/* Append s to g (NULL: a new gstring), as one or more encoded words in
 * charset (NULL or "": UTF-8) when it holds a byte outside 33..126 other
 * than space or one of ?=()<>@,;:\".[]_ ; unchanged otherwise. */
gstring *rfc2047_encode(gstring *g, const char *s, const char *charset);

#endif
