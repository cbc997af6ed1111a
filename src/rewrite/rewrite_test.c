/* rewrite_test.c - -brw (spec 31.3): how an address would be rewritten in
 * each header and envelope field, printed as Exim 4.96 prints it, with the
 * SMTP-time ("S") result first when there are such rules.
 *
 * Entry point: rewrite_test_main().
 * Must never: change anything; print for fields the rules cannot touch
 * in other wording than Exim's.
 */
#include "rewrite.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../base/address.h"
#include "../base/str.h"
#include "../config/main_config.h"

int rewrite_test_main(const char *arg) {
  if (!rewrite_rules) {
    printf("No rewrite rules are defined\n");
    return 0;
  }
  const char *qd = mainconf.qualify_domain ? mainconf.qualify_domain : "";
  const char *rq = rewrite_qualify_recipient();
  if (rewrite_existflags & RW_S) {
    const char *n = rewrite_address_full(arg, RW_S, rewrite_rules, rq, NULL);
    if (n != arg) printf("    SMTP: %s\n", n);
  }
  if (!(rewrite_existflags & RW_ALL)) return 0;

  const char *addr = strchr(arg, '@') ? arg : str_sprintf("%s@%s", arg, qd);
  const char *err = NULL;
  const char *working = address_extract(addr, &err, NULL, NULL, NULL, false);
  if (!working) {
    printf("Syntax error in %s\n%c%s\n", addr, toupper((unsigned char)err[0]), err + 1);
    return 0;
  }
  static const struct { const char *name; int flag; } headers[] = {
    {"sender", RW_s}, {"from", RW_f}, {"to", RW_t}, {"cc", RW_c}, {"bcc", RW_b}, {"reply-to", RW_r},
  };
  for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
    const char *text = str_sprintf("x:%s", addr);
    char *n = rewrite_header_text(text, headers[i].flag, rewrite_rules, NULL);
    printf("%8s: %s\n", headers[i].name, (n ? n : text) + 2);
  }
  printf("env-from: %s\n", rewrite_address(working, RW_F, rewrite_rules, rq));
  printf("  env-to: %s\n", rewrite_address(working, RW_T, rewrite_rules, rq));
  return 0;
}
