/* test_log.c - unit tests for the log layer's pure parts: log_selector
 * parsing (errors as exim4 gives them), datestamped file names (spec 53.3),
 * syslog line splitting (53.4), timestamp format, and the file mode
 * (one line per write, reopen after a rename, message ids, reject log
 * with headers) against a temporary directory. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/str.h"
#include "unit.h"


#define CHECK_STR(a, b)                                                                   \
  do {                                                                                    \
    const char *a_ = (a), *b_ = (b);                                                      \
    if (!a_ || strcmp(a_, b_) != 0) {                                                     \
      fprintf(stderr, "%s:%d: got \"%s\" want \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_); \
      failures++;                                                                         \
    }                                                                                     \
  } while (0)

static char *slurp(const char *name) {
  FILE *f = fopen(name, "r");
  if (!f) return NULL;
  gstring *g = NULL;
  int c;
  while ((c = getc(f)) != EOF) g = g_catc(g, (char)c);
  fclose(f);
  return str_copy(g_str(g));
}

/* Drop the "YYYY-MM-DD HH:MM:SS " prefix of every line. */
static const char *strip_stamps(const char *s) {
  gstring *g = NULL;
  bool bol = true;
  for (const char *p = s; *p; p++) {
    if (bol && strlen(p) > 20 && p[4] == '-' && p[7] == '-' && p[13] == ':' && p[19] == ' ') p += 20;
    bol = *p == '\n';
    g = g_catc(g, *p);
  }
  return g_str(g);
}

static void test_selector(void) {
  CHECK(log_selector_parse(NULL) == NULL);
  CHECK(log_selector_bits == log_selector_default);
  CHECK(LOGGING(msg_id) && LOGGING(retry_defer) && LOGGING(tls_cipher) && !LOGGING(pid));
  CHECK(log_selector_parse("+pid -retry_defer") == NULL);
  CHECK(LOGGING(pid) && !LOGGING(retry_defer));
  CHECK(log_selector_parse("+8bitmime+pid") == NULL);
  CHECK((log_selector_bits >> Li_8bitmime) & 1);
  CHECK(log_selector_parse("-all +subject") == NULL);
  CHECK(log_selector_bits == (1ULL << Li_subject));
  CHECK(log_selector_parse("+all") == NULL);
  CHECK(LOGGING(unknown_in_list) && LOGGING(protocol_detail) && LOGGING(arguments));
  CHECK(log_selector_parse("+rejected_headers") == NULL);
  /* error texts recorded from exim4 -bV */
  CHECK_STR(log_selector_parse("+foo"), "unknown log_selector setting: +foo");
  CHECK_STR(log_selector_parse("foo"), "malformed log_selector setting: + or - expected but found \"foo\"");
  CHECK_STR(log_selector_parse("+all -foo"), "unknown log_selector setting: -foo");
  CHECK_STR(log_selector_parse("+ all"), "unknown log_selector setting: +");
  CHECK_STR(log_selector_parse("+8bitmime-"), "unknown log_selector setting: -");
  CHECK_STR(log_selector_parse("+foo bar"), "unknown log_selector setting: +foo");
  /* items before an error stay applied */
  CHECK(log_selector_parse("+pid +nope") != NULL && LOGGING(pid));
  int n = 0;
  for (const log_selector_name *s = log_selector_names; s->name; s++, n++)
    if (s[1].name) CHECK(strcmp(s->name, s[1].name) < 0);
  CHECK(n == 58);   /* exim4 -bP macros shows 58 _LOG_ names */
}

static void test_names(void) {
  struct tm tm = {.tm_year = 102, .tm_mon = 11, .tm_mday = 25, .tm_hour = 12};
  time_t t = mktime(&tm);
  /* the four examples of spec 53.3 */
  CHECK_STR(log_file_name("/var/spool/exim/log/%slog-%D", "main", t), "/var/spool/exim/log/mainlog-20021225");
  CHECK_STR(log_file_name("/var/log/exim-%s-%D.log", "reject", t), "/var/log/exim-reject-20021225.log");
  CHECK_STR(log_file_name("/var/spool/exim/log/%D-%slog", "main", t), "/var/spool/exim/log/20021225-mainlog");
  CHECK_STR(log_file_name("/var/log/exim/%s.%M", "main", t), "/var/log/exim/main.200212");
  CHECK_STR(log_file_name("/var/spool/exim/log/%slog-%D", "panic", t), "/var/spool/exim/log/paniclog");
  CHECK_STR(log_file_name("/var/log/exim-%s-%D.log", "panic", t), "/var/log/exim-panic.log");
  CHECK_STR(log_file_name("/var/spool/exim/log/%D-%slog", "panic", t), "/var/spool/exim/log/paniclog");
  CHECK_STR(log_file_name("/var/log/exim/%s.%M", "panic", t), "/var/log/exim/panic");
  CHECK_STR(log_file_name("/l/%slog", "main", t), "/l/mainlog");
}

static void test_split(void) {
  int n;
  const char **p = log_syslog_split("short line", 870, &n);
  CHECK(n == 1);
  CHECK_STR(p[0], "short line");
  p = log_syslog_split("abcdefghij", 4, &n);
  CHECK(n == 3);
  CHECK_STR(p[0], "[1/3] abcd");
  CHECK_STR(p[1], "[2/3] efgh");
  CHECK_STR(p[2], "[3/3] ij");
  p = log_syslog_split("ab\ncdefg\nh", 4, &n);
  CHECK(n == 4);
  CHECK_STR(p[0], "[1\\4] ab");
  CHECK_STR(p[1], "[2/4] cdef");
  CHECK_STR(p[2], "[3\\4] g");
  CHECK_STR(p[3], "[4/4] h");
}

static void test_stamp(void) {
  setenv("TZ", "UTC", 1);
  tzset();
  struct timeval tv = {.tv_sec = 1000000000, .tv_usec = 123456};
  CHECK_STR(g_str(log_timestamp(NULL, &tv, false, false)), "2001-09-09 01:46:40");
  CHECK_STR(g_str(log_timestamp(NULL, &tv, true, true)), "2001-09-09 01:46:40.123 +0000");
}

static void test_files(void) {
  char dir[] = "/tmp/test_log.XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  log_selector_parse(NULL);
  log_settings s = {.file_path = str_sprintf("%s/sub/%%slog", dir), .write_rejectlog = true};
  CHECK(log_open_files(&s) == NULL);
  CHECK(log_files_active());
  log_write(LOG_MAIN, "first %d", 1);
  log_write_msg("1abcde-000001-AB", LOG_MAIN, "=> someone");
  log_write_reject("1abcde-000002-AB", "P Received: x\n  Subject: y\n", "rejected by policy");
  const char *main_name = str_sprintf("%s/sub/mainlog", dir);
  const char *rej_name = str_sprintf("%s/sub/rejectlog", dir);
  CHECK_STR(strip_stamps(slurp(main_name)),
            "first 1\n1abcde-000001-AB => someone\n1abcde-000002-AB rejected by policy\n");
  CHECK_STR(strip_stamps(slurp(rej_name)),
            "1abcde-000002-AB rejected by policy\nP Received: x\n  Subject: y\n");
  struct stat st;
  CHECK(stat(main_name, &st) == 0 && (st.st_mode & 0777) == 0640);
  /* cycling: the renamed file keeps its lines, a new one is started */
  const char *old = str_sprintf("%s.0", main_name);
  CHECK(rename(main_name, old) == 0);
  log_write(LOG_MAIN, "after rename");
  CHECK_STR(strip_stamps(slurp(main_name)), "after rename\n");
  CHECK(strstr(slurp(old), "after rename") == NULL);
  /* selectors change the line prefix */
  log_selector_parse("+pid");
  log_write(LOG_MAIN, "with pid");
  char *txt = slurp(main_name);
  CHECK(strstr(txt, str_sprintf(" [%d] with pid\n", (int)getpid())) != NULL);
  /* write_rejectlog false: main log only */
  log_selector_parse(NULL);
  s.write_rejectlog = false;
  CHECK(log_open_files(&s) == NULL);
  log_write(LOG_REJECT, "not in reject");
  CHECK(strstr(slurp(rej_name), "not in reject") == NULL);
  CHECK(strstr(slurp(main_name), "not in reject") != NULL);
  /* panic: the panic log, and a copy on stderr */
  s.no_stderr = true;
  CHECK(log_open_files(&s) == NULL);
  log_write(LOG_PANIC, "panicked");
  CHECK_STR(strip_stamps(slurp(str_sprintf("%s/sub/paniclog", dir))), "panicked\n");
  CHECK(strstr(slurp(main_name), "panicked") == NULL);
  /* datestamped names: a new day starts a new file */
  s.file_path = str_sprintf("%s/d/%%slog-%%D", dir);
  CHECK(log_open_files(&s) == NULL);
  struct tm day = {.tm_year = 102, .tm_mon = 11, .tm_mday = 25, .tm_hour = 23, .tm_min = 59};
  log_clock_override = mktime(&day);
  log_write(LOG_MAIN, "christmas");
  day.tm_mday = 26;
  day.tm_hour = 0;
  log_clock_override = mktime(&day);
  log_write(LOG_MAIN, "boxing day");
  log_clock_override = 0;
  CHECK_STR(strip_stamps(slurp(str_sprintf("%s/d/mainlog-20021225", dir))), "christmas\n");
  CHECK_STR(strip_stamps(slurp(str_sprintf("%s/d/mainlog-20021226", dir))), "boxing day\n");
  /* bad templates */
  log_settings bad = {.file_path = "/var/log/nopct"};
  CHECK_STR(log_open_files(&bad), "log_file_path \"/var/log/nopct\" does not contain \"%s\"");
  CHECK(system(str_sprintf("rm -rf %s", dir)) == 0);
}

static void test_facility(void) {
  CHECK(log_facility_code(NULL) == LOG_MAIL);
  CHECK(log_facility_code("LOG_LOCAL3") == LOG_LOCAL3);
  CHECK(log_facility_code("Daemon") == LOG_DAEMON);
  CHECK(log_facility_code("auth") == -1);
  CHECK(log_facility_code("") == -1);
}

int main(void) {
  test_facility();
  test_selector();
  test_names();
  test_split();
  test_stamp();
  test_files();
  if (failures) fprintf(stderr, "test_log: %d failures\n", failures);
  return failures != 0;
}
