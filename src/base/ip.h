/* ip.h - IPv4 and IPv6 addresses as text and as bytes.
 *
 * Entry points: ip_is_address() (Exim's "is this an IP address" test:
 * 4, 6 or 0, optionally with a /mask), ip_parse() (text to bytes),
 * ip_apply_mask() (CIDR masking), and the text forms Exim prints:
 * ip_format_full() (IPv6 as eight 4-digit groups joined by ':' or '.',
 * IPv4 dotted quad), ip_format_compressed() (the ipv6norm form) and
 * ip_format_reverse() (reversed for DNS lookups).
 *
 * Never allocates with malloc; results live in the current store pool.
 * IPv4 addresses given where IPv6 bytes are wanted are mapped
 * (::ffff:a.b.c.d) only by ip_to_v6().
 */
#ifndef BASE_IP_H
#define BASE_IP_H

#include <stdbool.h>

typedef struct ip_address {
  int family;               /* 4 or 6 */
  unsigned char b[16];      /* 4 bytes used for IPv4 */
  int mask;                 /* prefix length; -1 when none was given */
} ip_address;

/* Exim's test: 4 for IPv4, 6 for IPv6, 0 otherwise.  With maskoff NULL a
 * "/mask" is refused; otherwise it is accepted and *maskoff receives the
 * offset of the '/' (0 when there is none).  A trailing "%scope" on an
 * IPv6 address without a mask is accepted.  Leading zeros in IPv4
 * components and incomplete dotted forms are refused (as inet_pton). */
int ip_is_address(const char *s, int *maskoff);

/* Parse into *a; allow_mask as above.  A mask may be empty ("1.2.3.4/"
 * means /0).  Returns false when s is not an address; when the address is
 * good but the mask too big, returns false with *mask_too_big set (may be
 * NULL). */
bool ip_parse(const char *s, bool allow_mask, ip_address *a, bool *mask_too_big);

/* Zero all bits after the first `bits` (0..32 or 0..128). */
void ip_apply_mask(ip_address *a, int bits);

/* IPv4 to IPv4-mapped IPv6; IPv6 unchanged. */
void ip_to_v6(ip_address *a);

/* Dotted quad for IPv4; for IPv6 eight groups of four hex digits joined
 * by sep (':' for ipv6denorm, '.' for mask and host lists). */
char *ip_format_full(const ip_address *a, char sep);
/* IPv6 compressed as Exim's ipv6norm does (first longest run of zero
 * groups, even a single one, becomes "::"; all-zero prints ":"). IPv4
 * dotted quad. */
char *ip_format_compressed(const ip_address *a);
/* 4.3.2.1 for IPv4; 32 nibbles reversed and dot-separated for IPv6. */
char *ip_format_reverse(const ip_address *a);

#endif
