/* test_ip.c - unit tests for src/base/ip.c: address recognition, masks,
 * and the printed forms (values recorded from exim4 -be). */
#include <stdio.h>
#include <string.h>

#include "base/ip.h"
#include "unit.h"


static const char *norm(const char *s) {
  ip_address a;
  if (!ip_parse(s, false, &a, NULL)) return "BAD";
  ip_to_v6(&a);
  return ip_format_compressed(&a);
}

static const char *masked(const char *s) {
  ip_address a;
  bool big;
  if (!ip_parse(s, true, &a, &big)) return big ? "BIG" : "BAD";
  ip_apply_mask(&a, a.mask < 0 ? 0 : a.mask);
  return ip_format_full(&a, '.');
}

int main(void) {
  int off;
  CHECK(ip_is_address("1.2.3.4", NULL) == 4);
  CHECK(ip_is_address("1.2.3", NULL) == 0);
  CHECK(ip_is_address("01.2.3.4", NULL) == 0);
  CHECK(ip_is_address("1.2.3.256", NULL) == 0);
  CHECK(ip_is_address("fe80::1%eth0", NULL) == 6);
  CHECK(ip_is_address("::ffff:1.2.3.4", NULL) == 6);
  CHECK(ip_is_address("1::2::3", NULL) == 0);
  CHECK(ip_is_address("1:2:3:4:5:6:7:8:9", NULL) == 0);
  CHECK(ip_is_address("1:2:3:4:5:6:7::", NULL) == 6);
  CHECK(ip_is_address("1.2.3.4/24", NULL) == 0);
  CHECK(ip_is_address("1.2.3.4/24", &off) == 4 && off == 7);
  CHECK(ip_is_address("1.2.3.4", &off) == 4 && off == 0);
  CHECK(ip_is_address("fe80::1%eth0/64", &off) == 0);
  CHECK(ip_is_address(" 1.2.3.4", NULL) == 0);
  CHECK(ip_is_address("", NULL) == 0);

  CHECK(strcmp(norm("::1"), "::1") == 0);
  CHECK(strcmp(norm("1:0:0:1:0:0:0:1"), "1:0:0:1::1") == 0);
  CHECK(strcmp(norm("1.2.3.4"), "::ffff:102:304") == 0);
  CHECK(strcmp(norm("1:0:0:0:1:0:0:0"), "1::1:0:0:0") == 0);
  CHECK(strcmp(norm("0:0:0:0:0:0:0:0"), ":") == 0);
  CHECK(strcmp(norm("1:2:0:4:5:6:7:8"), "1:2::4:5:6:7:8") == 0);
  CHECK(strcmp(norm("1::"), "1::") == 0);
  CHECK(strcmp(norm("1:2:3:4:5:6:7:0"), "1:2:3:4:5:6:7::") == 0);
  CHECK(strcmp(norm("0:2:3:4:5:6:7:0"), "::2:3:4:5:6:7:0") == 0);
  CHECK(strcmp(norm("ABCD::1"), "abcd::1") == 0);
  CHECK(strcmp(norm("fe80::1%eth0"), "fe80::1") == 0);

  CHECK(strcmp(masked("10.111.131.206/28"), "10.111.131.192") == 0);
  CHECK(strcmp(masked("5f03:1200:836f:0a00:000a:0800:200a:c031/99"),
               "5f03.1200.836f.0a00.000a.0800.2000.0000") == 0);
  CHECK(strcmp(masked("1.2.3.4/"), "0.0.0.0") == 0);
  CHECK(strcmp(masked("1.2.3.4/08"), "1.0.0.0") == 0);
  CHECK(strcmp(masked("1.2.3.4/33"), "BIG") == 0);
  CHECK(strcmp(masked("1.2.3.4/999999999999"), "BIG") == 0);
  CHECK(strcmp(masked("1.2.3.4/-1"), "BAD") == 0);
  CHECK(strcmp(masked("1.2.3.4/8x"), "BAD") == 0);

  ip_address a;
  CHECK(ip_parse("::ffff:1.2.3.4", false, &a, NULL));
  CHECK(strcmp(ip_format_full(&a, ':'), "0000:0000:0000:0000:0000:ffff:0102:0304") == 0);
  CHECK(ip_parse("1.2.3.4", false, &a, NULL));
  CHECK(strcmp(ip_format_reverse(&a), "4.3.2.1") == 0);
  CHECK(ip_parse("fe80::1", false, &a, NULL));
  CHECK(strcmp(ip_format_reverse(&a),
               "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f") == 0);

  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures != 0;
}
