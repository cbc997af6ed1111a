/* test_retry.c - the retry hints database side of retry rules (retry_db.c,
 * spec 32.7-32.10): records created and updated by retry_db_defer (first
 * failure kept, F and G intervals, retry_interval_max, the cutoff timing
 * the address out, no rule meaning no retries, retry_data_expire),
 * retry_due (skipping with af_retry_skipped, forced runs, the time
 * passing), retry_db_success removing the records, and
 * retry_next_interval's G and H arithmetic.  -brt and rule syntax are
 * covered by test/black/test_retry_brt.py against exim4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/readconf.h"
#include "deliver/addr.h"
#include "deliver/deliver.h"
#include "deliver/retry.h"
#include "unit.h"

static char dir[] = "/tmp/test_retryXXXXXX";

static void load_config(void) {
  char *conf = str_sprintf("%s/exim.conf", dir);
  FILE *f = fopen(conf, "w");
  fprintf(f, "spool_directory = %s\n"
             "begin retry\n"
             "f.example * F,1h,10m\n"
             "g.example * G,10h,5m,2\n"
             "n.example quota\n"
             "*@q.example * F,2h,20m\n"
             "l.example lookup F,1h,1m\n"
             "l.example quota_2d F,1h,2m\n"
             "l.example timeout_connect_MX F,1h,3m\n"
             "l.example rcpt_45x F,1h,4m\n",
          dir);
  fclose(f);
  readconf_args a = {.file_list = conf};
  readconf_load(&a);
}

static address_item *failing(const char *address, int basic_errno) {
  address_item *a = addr_new(address);
  a->basic_errno = basic_errno;
  a->message = "connection timed out";
  return a;
}

static void test_fixed(time_t now) {
  address_item *a = failing("u@f.example", ETIMEDOUT);
  CHECK(!retry_db_defer(a, "R:f.example", now));
  CHECK(a->retry_time == now + 600);
  retry_record r;
  CHECK(retry_db_read("R:f.example", &r));
  CHECK(r.first_failed == now && r.last_try == now && r.next_try == now + 600 && !r.expired);
  CHECK(r.basic_errno == ETIMEDOUT && strcmp(r.text, "connection timed out") == 0);

  /* a later failure keeps the first-failure time */
  a = failing("u@f.example", ETIMEDOUT);
  CHECK(!retry_db_defer(a, "R:f.example", now + 700));
  CHECK(retry_db_read("R:f.example", &r));
  CHECK(r.first_failed == now && r.last_try == now + 700 && r.next_try == now + 1300);

  /* before the retry time: skipped; forced or later: due */
  a = failing("v@f.example", 0);
  CHECK(!retry_due(a, false, now + 800));
  CHECK(a->flags & af_retry_skipped);
  CHECK(a->flags & af_dr_retry_exists);
  CHECK(a->retry_time == now + 1300);
  a = failing("v@f.example", 0);
  CHECK(retry_due(a, true, now + 800));
  CHECK(retry_due(a, false, now + 1300));

  /* past the rule's cutoff (1h from the first failure): timed out */
  a = failing("u@f.example", ETIMEDOUT);
  CHECK(retry_db_defer(a, "R:f.example", now + 3700));
  CHECK(a->flags & af_retry_timedout);
  CHECK(retry_db_read("R:f.example", &r));
  CHECK(r.expired && r.first_failed == now);
  /* an expired record does not stop the next attempt */
  a = failing("v@f.example", 0);
  CHECK(retry_due(a, false, now + 3701));

  /* success removes the records */
  a = failing("u@f.example", 0);
  a->domain_retry_key = "R:f.example";
  retry_db_success(a);
  CHECK(!retry_db_read("R:f.example", &r));
}

static void test_geometric(time_t now) {
  address_item *a = failing("u@g.example", ETIMEDOUT);
  retry_db_defer(a, "R:g.example", now);
  CHECK(a->retry_time == now + 300);
  retry_db_defer(a, "R:g.example", now + 300);
  CHECK(a->retry_time == now + 300 + 600);
  retry_db_defer(a, "R:g.example", now + 900);
  CHECK(a->retry_time == now + 900 + 1200);

  /* retry_interval_max caps the interval */
  int saved = mainconf.retry_interval_max;
  mainconf.retry_interval_max = 900;
  retry_db_defer(a, "R:g.example", now + 2100);
  CHECK(a->retry_time == now + 2100 + 900);
  mainconf.retry_interval_max = saved;

  retry_param g = {'G', 36000, 300, 1.5};
  CHECK(retry_next_interval(&g, 0) == 300);
  CHECK(retry_next_interval(&g, 300) == 450);
  CHECK(retry_next_interval(&g, 450) == 675);
  retry_param h = {'H', 36000, 300, 2.0};
  for (int i = 0; i < 20; i++) {
    long v = retry_next_interval(&h, 600);
    CHECK(v >= 300 && v <= 1200);
  }
  retry_param f = {'F', 3600, 600, 1.0};
  CHECK(retry_next_interval(&f, 5000) == 600);
}

static void test_no_rule(time_t now) {
  /* a rule without parameters (and no rule at all) means no retrying */
  address_item *a = failing("u@n.example", ERRNO_EXIMQUOTA);
  CHECK(retry_db_defer(a, "R:u@n.example", now));
  a = failing("u@nowhere.example", ETIMEDOUT);
  CHECK(retry_db_defer(a, "R:nowhere.example", now));
}

static void test_expiry(time_t now) {
  /* records older than retry_data_expire are ignored: a new first failure */
  address_item *a = failing("u@q.example", ETIMEDOUT);
  retry_db_defer(a, "R:u@q.example", now - 8 * 86400);
  a = failing("u@q.example", ETIMEDOUT);
  CHECK(retry_due(a, false, now));
  CHECK(!(a->flags & af_retry_skipped));
  CHECK(!retry_db_defer(a, "R:u@q.example", now));
  retry_record r;
  CHECK(retry_db_read("R:u@q.example", &r));
  CHECK(r.first_failed == now && r.next_try == now + 1200);
  /* the address key is consulted too */
  a = failing("u@q.example", 0);
  CHECK(!retry_due(a, false, now + 10));
}

/* Errors as the layers below set them against the rules' error fields. */
static void test_error_matching(void) {
  const retry_rule *r = retry_find_rule("l.example", NULL, ERRNO_UNKNOWNHOST, 0, NULL);
  CHECK(r && r->params[0].p1 == 60);
  r = retry_find_rule("l.example", NULL, ERRNO_DNSDEFER, 0, NULL);
  CHECK(r && r->params[0].p1 == 60);
  CHECK(!retry_find_rule("l.example", NULL, ERRNO_EXIMQUOTA, 86400, NULL));
  r = retry_find_rule("l.example", NULL, ERRNO_EXIMQUOTA, 3 * 86400, NULL);
  CHECK(r && r->params[0].p1 == 120);
  r = retry_find_rule("x@l.example", NULL, ENOSPC, 3 * 86400, NULL);
  CHECK(r && r->params[0].p1 == 120);
  CHECK(!retry_find_rule("l.example", NULL, ETIMEDOUT, RTEF_CTOUT | RTEF_A, NULL));
  r = retry_find_rule("l.example", NULL, ETIMEDOUT, RTEF_CTOUT | RTEF_MX, NULL);
  CHECK(r && r->params[0].p1 == 180);
  r = retry_find_rule("host.example", "l.example", ERRNO_RCPT4XX, 452, NULL);
  CHECK(r && r->params[0].p1 == 240);
  CHECK(!retry_find_rule("l.example", NULL, ERRNO_RCPT4XX, 421, NULL));
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  load_config();
  deliver_current = NULL;
  time_t now = time(NULL);
  test_fixed(now);
  test_geometric(now);
  test_no_rule(now);
  test_expiry(now);
  test_error_matching();
  if (system(str_sprintf("rm -rf %s", dir)) != 0) fprintf(stderr, "cleanup failed\n");
  return unit_done("test_retry");
}
