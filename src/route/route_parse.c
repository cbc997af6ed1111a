/* route_parse.c - the address syntax check for -bt/-bv/-bvs arguments and
 * SMTP VRFY/EXPN (kept apart from route.c because base/address.h and
 * deliver/addr.h both name a struct address_item).
 *
 * Entry point: route_parse_address().
 * Must never: accept an address base/address.c refuses.
 */
#include <string.h>

#include "../base/address.h"

/* Declared in route.h. */
const char *route_parse_address(const char *s, const char **error, bool *qualified);

const char *route_parse_address(const char *s, const char **error, bool *qualified) {
  int dom = 0;
  const char *a = address_extract(s, error, NULL, NULL, &dom, false);
  if (qualified) *qualified = a && dom > 0;
  return a;
}
