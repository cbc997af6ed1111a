/* ops_address.c - operators on mail and IP addresses: address, addresses,
 * local_part, domain (through the address parser src/base/address.h:
 * phrase <route-addr>, comments, quoted local parts, groups for
 * addresses), and mask/mask_n, ipv6norm, ipv6denorm, reverse_ip (through
 * src/base/ip.h).
 *
 * Entry points: the op_* functions in ops_int.h.  Never modifies its input.
 */
#include <ctype.h>
#include <string.h>

#include "../base/address.h"
#include "../base/ip.h"
#include "ops_int.h"

static gstring *ensure(gstring *g) { return g ? g : g_new(1, false); }

/* The working address of arg as exim4's operators see it (an empty
 * address allowed), or NULL.  *dom: offset of the domain (0: none). */
static const char *extract(const char *arg, int *dom) {
  *dom = 0;
  return address_extract(arg, NULL, NULL, NULL, dom, true);
}

OPFN(op_address) {
  int dom;
  (void)opt;
  const char *a = extract(arg, &dom);
  *out = g_cat(ensure(*out), a ? a : "");
  return NULL;
}

OPFN(op_local_part) {
  int dom;
  (void)opt;
  const char *a = extract(arg, &dom);
  *out = ensure(*out);
  if (a) *out = g_catn(*out, a, dom ? (size_t)dom - 1 : strlen(a));
  return NULL;
}

OPFN(op_domain) {
  int dom;
  (void)opt;
  const char *a = extract(arg, &dom);
  *out = ensure(*out);
  if (a && dom) *out = g_cat(*out, a + dom);
  return NULL;
}

/* Every good address of the list (groups allowed), joined by the output
 * separator (':' unless ">X" starts the argument), which is doubled
 * inside an address; items that do not parse are left out. */
OPFN(op_addresses) {
  char sep = ':';
  const char *p = str_skip_space(arg);
  (void)opt;
  if (*p == '>') {
    if (!p[1]) return str_sprintf("output separator missing in expanding ${addresses:%s}", p);
    sep = p[1];
    p += 2;
  }
  gstring *g = ensure(*out);
  bool first = true;
  address_walk w;
  address_item it;
  address_walk_init(&w, p);
  while (address_walk_next(&w, &it)) {
    if (!it.address || !*it.address) continue;
    if (!first) g = g_catc(g, sep);
    first = false;
    for (const char *a = it.address; *a; a++) {
      if (*a == sep) g = g_catc(g, sep);
      g = g_catc(g, *a);
    }
  }
  *out = g;
  return NULL;
}

/* ---- IP addresses --------------------------------------------------------------- */

OPFN(op_mask) {
  ip_address a;
  bool big;
  if (!ip_parse(arg, true, &a, &big)) {
    if (big) return str_sprintf("mask value too big in \"%s\"", arg);
    return str_sprintf("\"%s\" is not an IP address", arg);
  }
  if (a.mask < 0) return str_sprintf("missing mask value in \"%s\"", arg);
  ip_apply_mask(&a, a.mask);
  const char *txt = opt && a.family == 6 ? ip_format_compressed(&a) : ip_format_full(&a, '.');
  *out = g_fmt(*out, "%s/%d", txt, a.mask);
  return NULL;
}

static const char *v6form(gstring **out, const char *arg, bool norm) {
  ip_address a;
  if (!ip_parse(arg, false, &a, NULL)) return str_sprintf("\"%s\" is not an IP address", arg);
  ip_to_v6(&a);
  *out = g_cat(ensure(*out), norm ? ip_format_compressed(&a) : ip_format_full(&a, ':'));
  return NULL;
}

OPFN(op_ipv6norm) {
  (void)opt;
  return v6form(out, arg, true);
}

OPFN(op_ipv6denorm) {
  (void)opt;
  return v6form(out, arg, false);
}

OPFN(op_reverse_ip) {
  ip_address a;
  (void)opt;
  if (!ip_parse(arg, true, &a, NULL)) return str_sprintf("reverse_ip() not given an IP address [%s]", arg);
  /* an IPv4-mapped IPv6 address reverses as IPv4, as exim4 */
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (a.family == 6 && memcmp(a.b, mapped, 12) == 0) {
    memmove(a.b, a.b + 12, 4);
    a.family = 4;
  }
  *out = g_cat(ensure(*out), ip_format_reverse(&a));
  return NULL;
}
