/* test_trust.c - unit tests for src/main/trust.c: admin and trusted callers
 * (spec 5.2) and the -C / -D trust decision (spec 5.3) in this build. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "main/cmdline.h"
#include "main/trust.h"
#include "unit.h"


static cmdline_state st;
static trust_decision d;

static const char *decide(uid_t uid, const char *const *words) {
  static char *argv[16];
  int argc = 0;
  argv[argc++] = "exim";
  while (*words) argv[argc++] = (char *)*words++;
  argv[argc] = NULL;
  if (cmdline_parse(argc, argv, &st)) return "parse error";
  gid_t groups[1] = {100};
  caller c = {.uid = uid, .euid = uid, .gid = 100, .egid = 100, .groups = groups, .ngroups = 1,
              .login = "u"};
  return trust_check(&st, &c, &d);
}
#define DECIDE(uid, ...) decide(uid, (const char *const[]){__VA_ARGS__, NULL})

static void test_trust_check(void) {
  CHECK(DECIDE(0, "-bV") == NULL && !d.drop && !d.config_changed &&
        strcmp(d.config_list, CONFIGURE_FILE) == 0);
  /* root keeps privilege with any -C or -D */
  CHECK(DECIDE(0, "-C", "/tmp/x.conf", "-DFOO=1", "-bV") == NULL && !d.drop && d.config_changed &&
        d.config_trusted && d.macros_trusted && strcmp(d.config_list, "/tmp/x.conf") == 0);
  /* anyone else: -C or -D means running as the caller */
  CHECK(DECIDE(1000, "-C", "/tmp/x.conf", "-bV") == NULL && d.drop && !d.config_trusted);
  CHECK(DECIDE(1000, "-DFOO", "-bV") == NULL && d.drop && !d.macros_trusted && d.config_trusted);
  CHECK(DECIDE(1000, "-bV") == NULL && !d.drop);
  /* -C naming the compiled-in file is no change */
  CHECK(DECIDE(1000, "-C", CONFIGURE_FILE, "-bV") == NULL && !d.drop && !d.config_changed);
  /* expansion and filter testing always run as the caller, even for root */
  CHECK(DECIDE(0, "-be") == NULL && d.drop);
  CHECK(DECIDE(0, "-bf", "/dev/null") == NULL && d.drop);
  CHECK(DECIDE(0, "-bF", "/dev/null") == NULL && d.drop);
}

static void test_admin_trusted(void) {
  gid_t groups[2] = {50, 60};
  caller c = {.uid = 1000, .euid = 1000, .gid = 100, .egid = 100, .groups = groups, .ngroups = 2};
  caller root = c;
  root.uid = 0;
  gid_t admin_groups[] = {1, 60};
  gid_t other_groups[] = {1, 70};
  uid_t tusers[] = {2, 999, 1000};
  gid_t tgroups[] = {1, 100};
  CHECK(caller_is_admin(&root, false, 0, 0, NULL));
  CHECK(!caller_is_admin(&c, false, 0, 0, NULL));
  CHECK(caller_is_admin(&c, true, 1000, 8, NULL));          /* the Exim user */
  CHECK(caller_is_admin(&c, true, 8, 50, NULL));            /* member of the Exim group */
  CHECK(caller_is_admin(&c, true, 8, 100, NULL));           /* real gid is the Exim group */
  CHECK(!caller_is_admin(&c, true, 8, 9, NULL));
  CHECK(caller_is_admin(&c, true, 8, 9, admin_groups));     /* supplementary group 60 */
  CHECK(!caller_is_admin(&c, true, 8, 9, other_groups));
  CHECK(caller_is_trusted(&root, false, 0, NULL, NULL));
  CHECK(!caller_is_trusted(&c, true, 8, NULL, NULL));
  CHECK(caller_is_trusted(&c, true, 1000, NULL, NULL));
  CHECK(caller_is_trusted(&c, true, 8, tusers, NULL));
  CHECK(caller_is_trusted(&c, true, 8, NULL, tgroups));     /* current group */
  CHECK(!caller_is_trusted(&c, true, 8, NULL, other_groups));
  CHECK(caller_in_group(&c, 50) && caller_in_group(&c, 100) && !caller_in_group(&c, 70));
}

int main(void) {
  test_trust_check();
  test_admin_trusted();
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else printf("test_trust: all checks passed\n");
  return failures != 0;
}
