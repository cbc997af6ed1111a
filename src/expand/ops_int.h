/* ops_int.h - internal declarations shared by the operator files
 * (ops.c, ops_encode.c, ops_hash.c, ops_address.c, ops_misc.c).
 * Only ops.c's table uses these; nothing outside src/expand/ops*.c may.
 */
#ifndef EXPAND_OPS_INT_H
#define EXPAND_OPS_INT_H

#include "ops.h"

#define OPFN(name) const char *name(gstring **out, const char *arg, const char *opt)

/* ops.c */
OPFN(op_lc); OPFN(op_uc); OPFN(op_strlen); OPFN(op_listcount);
OPFN(op_length); OPFN(op_l); OPFN(op_substr); OPFN(op_s);
OPFN(op_hash); OPFN(op_h); OPFN(op_nhash); OPFN(op_nh);
/* ops_encode.c */
OPFN(op_base32); OPFN(op_base32d); OPFN(op_base62); OPFN(op_base62d);
OPFN(op_base64); OPFN(op_base64d); OPFN(op_hex2b64); OPFN(op_hexquote);
OPFN(op_escape); OPFN(op_escape8bit); OPFN(op_quote); OPFN(op_quote_lookup);
OPFN(op_rxquote); OPFN(op_from_utf8); OPFN(op_utf8clean); OPFN(op_rfc2047);
OPFN(op_rfc2047d);
/* RFC 2047 words in a header value decoded for $h_ (translated to
 * headers_charset) or $bh_ (convert false: not translated). */
const char *expand_header_decode(gstring **out, const char *s, bool convert);
/* ops_hash.c */
OPFN(op_md5); OPFN(op_sha1); OPFN(op_sha2); OPFN(op_sha3);
/* ops_address.c */
OPFN(op_address); OPFN(op_addresses); OPFN(op_local_part); OPFN(op_domain);
OPFN(op_mask); OPFN(op_ipv6norm); OPFN(op_ipv6denorm); OPFN(op_reverse_ip);
/* ops_misc.c */
OPFN(op_eval); OPFN(op_eval10); OPFN(op_time_eval); OPFN(op_time_interval);
OPFN(op_randint); OPFN(op_listnamed); OPFN(op_stat); OPFN(op_expand);

#endif
