/* test_acl.c - unit tests for the hints database layer (src/hints) and the
 * ACL engine's reader and evaluator (src/acl): records round-trip with
 * their keys as Exim stores them, the lock file, read-only opens of missing
 * databases, inline ACL parse errors in Exim's words, verb results,
 * message texts, nesting depth, the registration interface and the
 * defaults when no ACL is set. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "acl/acl.h"
#include "base/store.h"
#include "base/str.h"
#include "hints/hints.h"
#include "unit.h"

static char dir[] = "/tmp/test_acl.XXXXXX";

typedef struct {
  hints_header h;
  int value;
} rec;

static void test_hints(void) {
  const char *err = NULL;
  /* read-only open of a database that does not exist fails */
  hints_db *db = hints_open(dir, "misc", false, &err);
  CHECK(db == NULL && err != NULL);
  db = hints_open(dir, "misc", true, &err);
  CHECK(db != NULL);
  if (!db) return;
  struct stat st;
  CHECK(stat(str_sprintf("%s/db/misc.lockfile", dir), &st) == 0);
  CHECK(stat(str_sprintf("%s/db/misc", dir), &st) == 0);
  rec r = {{time(NULL)}, 42};
  CHECK(hints_write(db, "key-one", &r, sizeof r));
  r.value = 7;
  CHECK(hints_write(db, "key-two", &r, sizeof r));
  size_t len = 0;
  rec *got = hints_read(db, "key-one", &len);
  CHECK(got && len == sizeof r && got->value == 42);
  CHECK(hints_read(db, "nokey", &len) == NULL);
  int n = 0;
  for (const char *k = hints_scan(db, true); k; k = hints_scan(db, false)) {
    CHECK(strcmp(k, "key-one") == 0 || strcmp(k, "key-two") == 0);
    n++;
  }
  CHECK(n == 2);
  CHECK(hints_delete(db, "key-two"));
  CHECK(hints_read(db, "key-two", &len) == NULL);
  /* While we hold the write lock another process cannot take one. */
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(str_sprintf("%s/db/misc.lockfile", dir), O_RDWR);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    _exit(fd >= 0 && fcntl(fd, F_SETLK, &fl) < 0 && (errno == EAGAIN || errno == EACCES) ? 0 : 1);
  }
  int status;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  hints_close(db);
  /* ... and can once it is closed */
  pid = fork();
  if (pid == 0) {
    int fd = open(str_sprintf("%s/db/misc.lockfile", dir), O_RDWR);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    _exit(fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
  }
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* a name with a slash is refused */
  CHECK(hints_open(dir, "../x", true, &err) == NULL);
}

static int run(acl_where where, const char *text, const char **um, const char **lm) {
  *um = *lm = NULL;
  return acl_check(where, where == ACL_WHERE_RCPT ? "someone@example.com" : NULL, text, um, lm);
}

/* A registered condition: "even = N" is true for even numbers. */
static int c_even(struct acl_ctx *ctx, const struct acl_item *it, const char *arg) {
  (void)it;
  if (!*arg) return acl_error(ctx, "even needs a number");
  return atoi(arg) % 2 == 0 ? ACL_OK : ACL_FAIL;
}
static const acl_cond_def extra[] = {{"even", 0, ACL_WHERE_ALL, c_even, NULL}, {NULL, 0, 0, NULL, NULL}};

static void test_engine(void) {
  const char *um, *lm;
  /* defaults with no ACL */
  CHECK(acl_check(ACL_WHERE_RCPT, NULL, NULL, &um, &lm) == ACL_FAIL);
  CHECK(acl_check(ACL_WHERE_VRFY, NULL, NULL, &um, &lm) == ACL_FAIL);
  CHECK(acl_check(ACL_WHERE_MAIL, NULL, NULL, &um, &lm) == ACL_OK);
  CHECK(acl_check(ACL_WHERE_CONNECT, NULL, NULL, &um, &lm) == ACL_OK);
  /* verbs */
  CHECK(run(ACL_WHERE_MAIL, "accept", &um, &lm) == ACL_OK);
  CHECK(run(ACL_WHERE_MAIL, "deny message = no\nlog_message = logged", &um, &lm) == ACL_FAIL);
  CHECK(um && strcmp(um, "no") == 0 && lm && strcmp(lm, "logged") == 0);
  CHECK(run(ACL_WHERE_MAIL, "defer", &um, &lm) == ACL_DEFER);
  CHECK(run(ACL_WHERE_MAIL, "drop", &um, &lm) == ACL_FAIL_DROP);
  CHECK(run(ACL_WHERE_RCPT, "discard", &um, &lm) == ACL_DISCARD);
  CHECK(run(ACL_WHERE_MAIL, "require condition = no\naccept", &um, &lm) == ACL_FAIL);
  CHECK(run(ACL_WHERE_MAIL, "warn\n", &um, &lm) == ACL_FAIL);   /* implicit deny */
  /* $local_part/$domain from the recipient */
  CHECK(run(ACL_WHERE_RCPT, "accept local_parts = someone\n domains = example.com", &um, &lm) == ACL_OK);
  /* where checks */
  CHECK(run(ACL_WHERE_MAIL, "accept domains = x", &um, &lm) == ACL_ERROR);
  CHECK(lm && strcmp(lm, "cannot test domains condition in MAIL ACL") == 0);
  CHECK(run(ACL_WHERE_CONNECT, "accept add_header = X: y", &um, &lm) == ACL_ERROR);
  CHECK(lm && strcmp(lm, "cannot use add_header condition in connection ACL") == 0);
  /* inline parse errors */
  CHECK(run(ACL_WHERE_MAIL, "nonsense", &um, &lm) == ACL_ERROR);
  CHECK(lm && strcmp(lm, "unknown ACL verb \"nonsense\" in \"nonsense\"") == 0);
  CHECK(run(ACL_WHERE_MAIL, "accept whatever = 1", &um, &lm) == ACL_ERROR);
  CHECK(lm && strcmp(lm, "unknown ACL condition/modifier in \"accept whatever = 1\"") == 0);
  /* nesting loop */
  CHECK(run(ACL_WHERE_MAIL, "accept acl = accept\n", &um, &lm) == ACL_OK);
  /* registration */
  CHECK(run(ACL_WHERE_MAIL, "accept even = 4", &um, &lm) == ACL_ERROR);
  acl_register_conditions(extra);
  CHECK(run(ACL_WHERE_MAIL, "accept even = 4", &um, &lm) == ACL_OK);
  CHECK(run(ACL_WHERE_MAIL, "accept even = 3", &um, &lm) == ACL_FAIL);
  CHECK(run(ACL_WHERE_MAIL, "accept !even = 3", &um, &lm) == ACL_OK);
  CHECK(run(ACL_WHERE_MAIL, "accept even =", &um, &lm) == ACL_ERROR);
  CHECK(lm && strcmp(lm, "even needs a number") == 0);
  /* result names as ${acl} failures give them */
  CHECK(strcmp(acl_result_name(ACL_FAIL_DROP), "FAIL_DROP") == 0);
  CHECK(strcmp(acl_where_name[ACL_WHERE_HELO], "EHLO or HELO") == 0);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_hints();
  test_engine();
  system(str_sprintf("rm -rf %s", dir));
  return unit_done("test_acl");
}
