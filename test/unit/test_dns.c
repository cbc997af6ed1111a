/* test_dns.c - the parts of the DNS layer (src/dns/dns.c) that need no
 * server: reverse names, TXT string splitting, record walking.  Queries
 * are tested black-box against nsd (test/black/dnsworld.py). */
#include <string.h>

#include "dns/dns.h"
#include "unit.h"

int main(void) {
  CHECK(strcmp(dns_reverse_name("192.0.2.25"), "25.2.0.192.in-addr.arpa") == 0);
  CHECK(strcmp(dns_reverse_name("2001:db8::25"),
               "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa") == 0);
  CHECK(dns_reverse_name("not.an.ip") == NULL);
  CHECK(dns_reverse_name("1.2.3.4/24") == NULL);

  static const unsigned char txt[] = "\5hello\0\5world";
  dns_record r = {.type = DNS_T_TXT, .rdata = txt, .rdlength = sizeof txt - 1};
  CHECK(dns_txt_count(&r) == 3);
  CHECK(strcmp(dns_txt_string(&r, 0), "hello") == 0);
  CHECK(strcmp(dns_txt_string(&r, 1), "") == 0);
  CHECK(strcmp(dns_txt_string(&r, 2), "world") == 0);
  CHECK(dns_txt_string(&r, 3) == NULL);

  dns_record mx2 = {.type = DNS_T_MX, .pref = 20};
  dns_record cname = {.next = &mx2, .type = DNS_T_CNAME};
  dns_record mx1 = {.next = &cname, .type = DNS_T_MX, .pref = 10};
  CHECK(dns_first(&mx1, DNS_T_MX) == &mx1);
  CHECK(dns_next(&mx1, DNS_T_MX) == &mx2);
  CHECK(dns_next(&mx2, DNS_T_MX) == NULL);
  CHECK(dns_first(&mx1, DNS_T_A) == NULL);
  CHECK(strcmp(dns_rc_name(DNS_AGAIN), "DNS_AGAIN") == 0);
  CHECK(strcmp(dns_type_name(DNS_T_AAAA), "AAAA") == 0);
  return unit_done("test_dns");
}
