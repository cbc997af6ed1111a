/* test_route.c - unit tests for the routing layer's small parts: address
 * items (addr_new/addr_child/addr_set_unique), host list parsing (ports,
 * brackets, /MX, randomize groups) and IP address recognition. */
#include <string.h>

#include "base/store.h"
#include "base/str.h"
#include "deliver/addr.h"
#include "route/route.h"
#include "unit.h"

static const char *names(const host_item *h) {
  gstring *g = g_cat(NULL, "");
  for (; h; h = h->next)
    g = g_fmt(g, "%s%s%s%s", g->len ? "|" : "", h->name, h->port != PORT_NONE ? ":" : "",
              h->port != PORT_NONE ? str_sprintf("%d", h->port) : "");
  return g_str(g);
}

static void test_addresses(void) {
  address_item *a = addr_new("Some.One@Example.COM");
  CHECK(strcmp(a->address, "Some.One@Example.COM") == 0);
  CHECK(strcmp(a->domain, "example.com") == 0);
  CHECK(strcmp(a->cc_local_part, "Some.One") == 0);
  CHECK(strcmp(a->lc_local_part, "some.one") == 0);
  CHECK(strcmp(a->unique, a->address) == 0);
  a->address_data = "data";
  a->parent_index = 3;
  address_item *c = addr_child(a, "|/bin/cat");
  CHECK(c->parent == a && a->child_count == 1);
  CHECK((c->flags & af_pfr) && !(c->flags & af_file));
  CHECK(strcmp(c->domain, "example.com") == 0);
  CHECK(strcmp(c->address_data, "data") == 0 && c->parent_index == 3);
  CHECK(strcmp(c->unique, "|/bin/cat:Some.One@Example.COM") == 0);
  address_item *d = addr_child(c, "/var/mail/box/");
  CHECK((d->flags & af_file) && (d->flags & af_directory));
  CHECK(strcmp(d->unique, "/var/mail/box/:Some.One@Example.COM") == 0);
  address_item *e = addr_child(a, "x@y");
  CHECK(!(e->flags & af_pfr) && strcmp(e->unique, "x@y") == 0);
  /* taint follows the text */
  CHECK(is_tainted(addr_new(str_copy_taint("t@x", true))->address));
}

static void test_hosts(void) {
  CHECK(strcmp(names(route_hosts_parse("a.example : 192.0.2.1", false)), "a.example|192.0.2.1") == 0);
  CHECK(strcmp(names(route_hosts_parse("a.example::26 : 192.0.2.1", false)),
               "a.example:26|192.0.2.1") == 0);
  CHECK(strcmp(names(route_hosts_parse("<+ [192.0.2.3]:2526 + [2001:db8::1]:25", false)),
               "192.0.2.3:2526|2001:db8::1:25") == 0);
  /* brackets without a port stay a (bad) name */
  CHECK(strcmp(names(route_hosts_parse("[192.0.2.3]", false)), "[192.0.2.3]") == 0);
  host_item *h = route_hosts_parse("<; 2001:db8::1 ; mx.example/MX", false);
  CHECK(h && strcmp(h->name, "2001:db8::1") == 0 && h->address && h->port == PORT_NONE);
  CHECK(h && h->next && strcmp(h->next->name, "mx.example") == 0 && h->next->mx == 0);
  CHECK(route_hosts_parse("192.0.2.1", false)->address != NULL);
  CHECK(route_hosts_parse("a.example", false)->address == NULL);
  /* randomizing keeps "+" groups in order */
  for (int i = 0; i < 20; i++) {
    const char *n = names(route_hosts_parse("a:b:c:+:d:e", true));
    CHECK(strlen(n) == 9);
    CHECK(strncmp(n + 6, "d|e", 3) == 0 || strncmp(n + 6, "e|d", 3) == 0);
    CHECK(!strchr(n, '+'));
  }
  int fam = 0;
  CHECK(route_is_ip_address("192.0.2.1", &fam) && fam == 4);
  CHECK(route_is_ip_address("::1", &fam) && fam == 6);
  CHECK(!route_is_ip_address("300.1.1.1", &fam));
  CHECK(!route_is_ip_address("host.example", &fam));
}

int main(void) {
  test_addresses();
  test_hosts();
  return unit_done("test_route");
}
