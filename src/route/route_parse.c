/* route_parse.c - the address syntax check for -bt/-bv/-bvs arguments,
 * and the header addresses for verify = header_sender (kept apart from
 * route.c because base/address.h and deliver/addr.h both name a struct
 * address_item).
 *
 * Entry points: route_parse_address(), route_header_sender_addresses().
 * Must never: accept an address base/address.c refuses.
 */
#include <string.h>

#include "../base/address.h"
#include "../base/str.h"
#include "../expand/variables.h"
#include "route_smtp.h"

/* Declared in route.h. */
const char *route_parse_address(const char *s, const char **error, bool *qualified);

const char *route_parse_address(const char *s, const char **error, bool *qualified) {
  int dom = 0;
  const char *a = address_extract(s, error, NULL, NULL, &dom, false);
  if (qualified) *qualified = a && dom > 0;
  return a;
}

typedef struct {
  gstring *g;
  const char *name;
} collecting;

static void collect(const char *content, size_t len, void *vc) {
  collecting *c = vc;
  address_walk w;
  address_item item;
  address_walk_init(&w, str_copyn(content, len));
  while (address_walk_next(&w, &item)) {
    if (!item.address || !item.domain) continue;   /* unqualified: not verifiable */
    c->g = g_cat(c->g, c->name);
    c->g = g_catc(c->g, 0);
    c->g = g_cat(c->g, item.text);
    c->g = g_catc(c->g, 0);
    c->g = g_cat(c->g, item.address);
    c->g = g_catc(c->g, 0);
  }
}

const char *route_header_sender_addresses(void) {
  collecting c = {NULL, NULL};
  static const char *const names[] = {"Sender", "Reply-To", "From"};
  for (int i = 0; i < 3; i++) {
    c.name = names[i];
    expand_headers_foreach(names[i], collect, &c);
  }
  gstring *g = c.g;
  if (!g) return NULL;
  g = g_catc(g, 0);
  return g->s;
}

const char *route_split_address_list(const char *list) {
  gstring *g = NULL;
  const char *p = list;
  while (p && *p) {
    const char *e = address_find_end(p, false);
    char *item = str_copyn(p, (size_t)(e - p));
    int dom = 0;
    const char *err = NULL;
    const char *a = address_extract(item, &err, NULL, NULL, &dom, false);
    if (a && *a) {
      g = g_cat(g, a);
      g = g_catc(g, 0);
    }
    p = *e ? e + 1 : e;
  }
  if (!g) return NULL;
  g = g_catc(g, 0);
  return g->s;
}
