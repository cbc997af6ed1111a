/* test_option.c - unit tests for the generic option reader/printer
 * (src/config/option.c) and the main option table (main_options.c):
 * the table is sorted, each value type reads and prints as Exim 4.96 does
 * (expected texts recorded from Debian's exim4 -bP), and each wrong value
 * gives Exim's error text. */
#include <stdio.h>
#include <string.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/option.h"
#include "modules.h"
#include "unit.h"


#define CHECK_STR(got, want)                                               \
  do {                                                                     \
    const char *g_ = (got), *w_ = (want);                                  \
    if (!g_ || strcmp(g_, w_) != 0) {                                      \
      fprintf(stderr, "%s:%d: got [%s] want [%s]\n", __FILE__, __LINE__,   \
              g_ ? g_ : "(null)", w_);                                     \
      failures++;                                                          \
    }                                                                      \
  } while (0)

static const option_table *tabs;
static int ntabs;

/* Set one line on fresh defaults; return the error or NULL. */
static const char *set1(const char *line) {
  main_config_reset();
  return option_read_line(tabs, ntabs, line, "main");
}

/* Another line without resetting. */
static const char *set_more(const char *line) { return option_read_line(tabs, ntabs, line, "main"); }

static char *show(const char *name) {
  int which;
  const optionlist *o = option_find(tabs, ntabs, name, &which);
  if (!o) return "(no such option)";
  return g_str(option_print(NULL, o, tabs[which].base, true));
}

static char *show_nonadmin(const char *name) {
  int which;
  const optionlist *o = option_find(tabs, ntabs, name, &which);
  if (!o) return "(no such option)";
  return g_str(option_print(NULL, o, tabs[which].base, false));
}

/* Set then show: "line" -> printed form, or the error text. */
static char *roundtrip(const char *line, const char *name) {
  const char *err = set1(line);
  if (err) return (char *)err;
  return show(name);
}

static void test_sorted(void) {
  int n;
  const option_table *t = main_option_tables(&n);
  CHECK(n >= 1);
  for (int i = 0; i < n; i++) {
    CHECK(t[i].count > 250);
    for (size_t j = 1; j < t[i].count; j++) {
      if (strcmp(t[i].list[j - 1].name, t[i].list[j].name) >= 0) {
        fprintf(stderr, "table not sorted at %s / %s\n", t[i].list[j - 1].name, t[i].list[j].name);
        failures++;
      }
    }
    for (size_t j = 0; j < t[i].count; j++) {
      const optionlist *o = &t[i].list[j];
      /* Every option is found by name. */
      CHECK(option_find(t, n, o->name, NULL) == o);
      /* A feature tag is a name src/modules.def knows. */
      if (o->feature && !feature_find(o->feature)) {
        fprintf(stderr, "option %s names feature %s, unknown to src/modules.def\n", o->name, o->feature);
        failures++;
      }
    }
  }
  CHECK(option_find(t, n, "no_such_option", NULL) == NULL);
  CHECK(option_find(t, n, "Accept_8bitmime", NULL) == NULL);   /* case-sensitive */
}

static void test_time(void) {
  int t = -1;
  CHECK(option_parse_time("1w2d3h4m5s", &t) == NULL && t == 604800 + 2 * 86400 + 3 * 3600 + 245);
  CHECK(option_parse_time("1h1h", &t) == NULL && t == 7200);
  CHECK(option_parse_time("0s", &t) == NULL && t == 0);
  CHECK(option_parse_time("", &t) != NULL);
  CHECK(option_parse_time("5", &t) != NULL);
  CHECK(option_parse_time("2s5", &t) != NULL);
  CHECK(option_parse_time("1y", &t) != NULL);
  CHECK(option_parse_time("1H", &t) != NULL);
  CHECK(option_parse_time("-5s", &t) != NULL);
  CHECK(option_parse_time("1h 2m", &t) != NULL);
  /* Exim wraps at 32 bits. */
  CHECK(option_parse_time("99999999999s", &t) == NULL && t == 1215752191);
  CHECK_STR(option_format_time(0), "0s");
  CHECK_STR(option_format_time(7200), "2h");
  CHECK_STR(option_format_time(9000), "2h30m");
  CHECK_STR(option_format_time(86400), "1d");
  CHECK_STR(option_format_time(604800), "1w");
  CHECK_STR(option_format_time(694861), "1w1d1h1m1s");
  CHECK_STR(option_format_time(1215752191), "2010w1d4h56m31s");
  CHECK_STR(option_format_time(6048000), "10w");
}

static void test_int_formats(void) {
  CHECK_STR(option_format_mkint(1024), "1K");
  CHECK_STR(option_format_mkint(1025), "1025");
  CHECK_STR(option_format_mkint(1048576), "1M");
  CHECK_STR(option_format_mkint(1073741824), "1024M");
  CHECK_STR(option_format_mkint(0), "0");
  CHECK_STR(option_format_mkint(-1024), "-1K");
  CHECK_STR(option_format_mkint(-2147483647LL - 1), "-2048M");
  CHECK_STR(option_format_Kint(0), "0");
  CHECK_STR(option_format_Kint(1), "1K");
  CHECK_STR(option_format_Kint(1536), "1536K");
  CHECK_STR(option_format_Kint(1024), "1M");
  CHECK_STR(option_format_Kint(-1), "-1K");
  CHECK_STR(option_format_Kint(2048LL * 1024 * 1024), "2T");
  CHECK_STR(option_format_Kint(1024LL * 1024 * 1024 * 1024), "1024T");
  CHECK_STR(option_format_Kint(9223372036854775807LL), "9223372036854775807K");
  CHECK_STR(option_format_fixed(1000), "1.0");
  CHECK_STR(option_format_fixed(1500), "1.5");
  CHECK_STR(option_format_fixed(1234), "1.234");
  CHECK_STR(option_format_fixed(1), "0.001");
  CHECK_STR(option_format_fixed(10250), "10.25");
  long long v = 0;
  CHECK(option_parse_int("0x1g", opt_int, &v) == NULL && v == 1073741824);
  CHECK(option_parse_int("010", opt_int, &v) == NULL && v == 8);
  CHECK(option_parse_int("08", opt_int, &v) != NULL);
  CHECK(option_parse_int("17", opt_octint, &v) == NULL && v == 15);
  CHECK(option_parse_int("1k", opt_Kint, &v) == NULL && v == 1);
  CHECK(option_parse_int("1M", opt_Kint, &v) == NULL && v == 1024);
  CHECK(option_parse_int("2048", opt_Kint, &v) == NULL && v == 2048);
  CHECK(option_parse_int("1.5", opt_fixed, &v) == NULL && v == 1500);
}

/* Integers: values and errors recorded from exim4 with
 * bounce_return_linesize_limit (mkint), check_log_space (Kint). */
static void test_ints(void) {
  const char *o = "bounce_return_linesize_limit";
  static const struct { const char *in, *out; } cases[] = {
    {"0x1g", "bounce_return_linesize_limit = 1024M"},
    {"010", "bounce_return_linesize_limit = 8"},
    {"08", "extra characters follow integer value for bounce_return_linesize_limit"},
    {"1k", "bounce_return_linesize_limit = 1K"},
    {"2M", "bounce_return_linesize_limit = 2M"},
    {"3G", "absolute value of integer \"3G\" is too large (overflow)"},
    {"4g", "absolute value of integer \"4g\" is too large (overflow)"},
    {"-5", "bounce_return_linesize_limit = -5"},
    {" 7 ", "bounce_return_linesize_limit = 7"},
    {"0x10", "bounce_return_linesize_limit = 16"},
    {"0X1F", "bounce_return_linesize_limit = 31"},
    {"2147483647", "bounce_return_linesize_limit = 2147483647"},
    {"2147483648", "absolute value of integer \"2147483648\" is too large (overflow)"},
    {"-2147483648", "bounce_return_linesize_limit = -2048M"},
    {"-2147483649", "absolute value of integer \"-2147483649\" is too large (overflow)"},
    {"1.5", "extra characters follow integer value for bounce_return_linesize_limit"},
    {"+3", "bounce_return_linesize_limit = 3"},
    {"1K2", "extra characters follow integer value for bounce_return_linesize_limit"},
    {"1 k", "extra characters follow integer value for bounce_return_linesize_limit"},
    {"1048576", "bounce_return_linesize_limit = 1M"},
    {"1025", "bounce_return_linesize_limit = 1025"},
    {"abc", "integer expected for bounce_return_linesize_limit"},
    {"", "integer expected for bounce_return_linesize_limit"},
    {"99999999999", "absolute value of integer \"99999999999\" is too large (overflow)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_STR(roundtrip(str_sprintf("%s = %s", o, cases[i].in), o), cases[i].out);

  CHECK_STR(roundtrip("header_maxsize = 1024", "header_maxsize"), "header_maxsize = 1024");
  CHECK_STR(roundtrip("header_maxsize = 1k", "header_maxsize"), "header_maxsize = 1024");
  CHECK_STR(roundtrip("message_body_visible = 1024", "message_body_visible"), "message_body_visible = 1K");

  o = "check_log_space";
  static const struct { const char *in, *out; } kcases[] = {
    {"1M", "check_log_space = 1M"}, {"1G", "check_log_space = 1G"},
    {"2048", "check_log_space = 2M"}, {"0", "check_log_space = 0"},
    {"-1", "check_log_space = -1K"}, {"1k", "check_log_space = 1K"},
    {"1536", "check_log_space = 1536K"}, {"2048G", "check_log_space = 2T"},
    {"4294967296", "check_log_space = 4T"}, {"0x10", "check_log_space = 16K"},
    {"010", "check_log_space = 8K"}, {"1048576G", "check_log_space = 1024T"},
    {"9223372036854775807", "check_log_space = 9223372036854775807K"},
    {"9223372036854775808", "absolute value of integer \"9223372036854775808\" is too large (overflow)"},
    {"9999999999999G", "absolute value of integer \"9999999999999G\" is too large (overflow)"},
    {"1.5", "extra characters follow integer value for check_log_space"},
  };
  for (size_t i = 0; i < sizeof kcases / sizeof kcases[0]; i++)
    CHECK_STR(roundtrip(str_sprintf("%s = %s", o, kcases[i].in), o), kcases[i].out);
}

static void test_fixed(void) {
  const char *o = "deliver_queue_load_max";
  static const struct { const char *in, *out; } cases[] = {
    {"1", "deliver_queue_load_max = 1.0"},
    {"1.5", "deliver_queue_load_max = 1.5"},
    {"1.2345", "deliver_queue_load_max = 1.234"},
    {"0.001", "deliver_queue_load_max = 0.001"},
    {"0.0005", "deliver_queue_load_max = 0.0"},
    {"10.25", "deliver_queue_load_max = 10.25"},
    {"-1", "integer \"-1\" is too large (overflow)"},
    {"-1.5", "integer \"-1.5\" is too large (overflow)"},
    {".5", "fixed-point number expected for deliver_queue_load_max"},
    {"1.", "deliver_queue_load_max = 1.0"},
    {"2147483", "deliver_queue_load_max = 2147483.0"},
    {"2147484", "deliver_queue_load_max ="},
    {"99999999999", "deliver_queue_load_max = 276446.232"},
    {"1.5x", "extra characters follow fixed-point value for deliver_queue_load_max"},
    {" 2.5 ", "deliver_queue_load_max = 2.5"},
    {"0", "deliver_queue_load_max = 0.0"},
    {"1e3", "extra characters follow fixed-point value for deliver_queue_load_max"},
    {"0x10", "extra characters follow fixed-point value for deliver_queue_load_max"},
    {"abc", "fixed-point number expected for deliver_queue_load_max"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_STR(roundtrip(str_sprintf("%s = %s", o, cases[i].in), o), cases[i].out);
  main_config_reset();
  CHECK_STR(show(o), "deliver_queue_load_max =");
}

static void test_times(void) {
  const char *o = "auto_thaw";
  static const struct { const char *in, *out; } cases[] = {
    {"1w2d3h4m5s", "auto_thaw = 1w2d3h4m5s"}, {"1h1h", "auto_thaw = 2h"},
    {"10w", "auto_thaw = 10w"}, {"0s", "auto_thaw = 0s"}, {"1d1w", "auto_thaw = 1w1d"},
    {"99999999999s", "auto_thaw = 2010w1d4h56m31s"},
    {"0", "invalid time value for auto_thaw"}, {"abc", "invalid time value for auto_thaw"},
    {"5x", "invalid time value for auto_thaw"}, {"", "invalid time value for auto_thaw"},
    {"1h 2m", "invalid time value for auto_thaw"}, {"-5s", "invalid time value for auto_thaw"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_STR(roundtrip(str_sprintf("%s = %s", o, cases[i].in), o), cases[i].out);

  o = "delay_warning";
  static const struct { const char *in, *out; } tl[] = {
    {"1h:2h", "delay_warning = 1h:2h"}, {"1h : 2h", "delay_warning = 1h:2h"},
    {"0s", "delay_warning = "}, {"0s:1h", "delay_warning = "}, {"", "delay_warning = "},
    {"1h:2h:30m", "time value out of order for delay_warning"},
    {"1h:1h", "time value out of order for delay_warning"},
    {"1h:0s", "time value out of order for delay_warning"},
    {"1h::2h", "invalid time value for delay_warning"},
    {"1h:", "invalid time value for delay_warning"},
    {"<; 1h ; 2h", "invalid time value for delay_warning"},
    {"1s:2s:3s:4s:5s:6s:7s:8s:9s:10s", "delay_warning = 1s:2s:3s:4s:5s:6s:7s:8s:9s:10s"},
    {"1s:2s:3s:4s:5s:6s:7s:8s:9s:10s:11s", "too many time values for delay_warning"},
  };
  for (size_t i = 0; i < sizeof tl / sizeof tl[0]; i++)
    CHECK_STR(roundtrip(str_sprintf("%s = %s", o, tl[i].in), o), tl[i].out);
  main_config_reset();
  CHECK_STR(show(o), "delay_warning = 1d");
}

static void test_bools(void) {
  const char *o = "accept_8bitmime";
  static const struct { const char *line, *out; } cases[] = {
    {"accept_8bitmime = TRUE", "accept_8bitmime"},
    {"accept_8bitmime = Yes", "accept_8bitmime"},
    {"accept_8bitmime=no", "no_accept_8bitmime"},
    {"accept_8bitmime =", "accept_8bitmime"},
    {"not_accept_8bitmime", "no_accept_8bitmime"},
    {"no_accept_8bitmime", "no_accept_8bitmime"},
    {"accept_8bitmime false", "extra characters follow boolean option accept_8bitmime"},
    {"no_accept_8bitmime=x", "extra characters follow boolean option no_accept_8bitmime"},
    {"no_accept_8bitmime = true", "extra characters follow boolean option no_accept_8bitmime"},
    {"accept_8bitmime = true x", "extra characters follow \"true\" for boolean option accept_8bitmime"},
    {"accept_8bitmime = maybe", "\"maybe\" is not a valid value for the \"accept_8bitmime\" option"},
    {"no_qualify_domain", "negation prefix applied to a non-boolean option"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_STR(roundtrip(cases[i].line, o), cases[i].out);
  CHECK(set1("no_foo_bar") == OPTION_UNKNOWN);
  CHECK(set1("foo_bar = 1") == OPTION_UNKNOWN);
  CHECK(set1("Accept_8bitmime") == OPTION_UNKNOWN);
  CHECK_STR(option_line_name("hide  foo_bar = 1"), "foo_bar");
}

static void test_strings(void) {
  CHECK_STR(roundtrip("qualify_domain=abc", "qualify_domain"), "qualify_domain = abc");
  CHECK_STR(roundtrip("qualify_domain = abc  ", "qualify_domain"), "qualify_domain = abc");
  CHECK_STR(roundtrip("qualify_domain = a\\tb", "qualify_domain"), "qualify_domain = a\\tb");
  CHECK_STR(roundtrip("qualify_domain = \"q\\tx\\101\\x42\\\\\\\"z\"", "qualify_domain"),
            "qualify_domain = q\\txAB\\\"z");
  CHECK_STR(roundtrip("qualify_domain = \"a\\x01b\\x7f\\xc3\\xa9\\r\\n\\e\"", "qualify_domain"),
            "qualify_domain = a\\001b\\177\\303\\251\\r\\ne");
  CHECK_STR(roundtrip("qualify_domain = \"\\x1b\\x0c\\x08\\x0b\\x07\"", "qualify_domain"),
            "qualify_domain = \\033\\f\\b\\v\\007");
  CHECK_STR(roundtrip("qualify_domain = \"a\"b\"", "qualify_domain"),
            "extra characters follow string value for qualify_domain");
  CHECK_STR(roundtrip("qualify_domain = \"abc", "qualify_domain"),
            "missing quote at end of string value for qualify_domain");
  CHECK_STR(roundtrip("qualify_domain foo", "qualify_domain"), "missing \"=\" after qualify_domain");
  main_config_reset();
  CHECK_STR(show("acl_smtp_rcpt"), "acl_smtp_rcpt = ");
  CHECK_STR(show("acl_smtp_data_prdr"), "acl_smtp_data_prdr = accept");
  /* Second setting. */
  CHECK(set1("qualify_domain = a") == NULL);
  CHECK_STR(set_more("qualify_domain = b"), "\"qualify_domain\" option set for the second time");
  CHECK(set1("accept_8bitmime") == NULL);
  CHECK_STR(set_more("accept_8bitmime"), "\"accept_8bitmime\" option set for the second time");
}

static void test_ids(void) {
  CHECK_STR(roundtrip("never_users = 0:65534:99999", "never_users"), "never_users = root:nobody:99999");
  CHECK_STR(roundtrip("trusted_groups = 0 : mail : ", "trusted_groups"), "trusted_groups = root:mail");
  CHECK_STR(roundtrip("never_users = ", "never_users"), "never_users =");
  CHECK_STR(roundtrip("never_users = root:nosuch", "never_users"), "user nosuch was not found");
  CHECK_STR(roundtrip("trusted_groups = nosuch", "trusted_groups"), "group nosuch was not found");
  CHECK_STR(roundtrip("exim_user = 0", "exim_user"), "exim_user = root");
  CHECK_STR(roundtrip("exim_user = \"root\"", "exim_user"), "exim_user = root");
  CHECK_STR(roundtrip("exim_user = nosuchuser", "exim_user"), "user nosuchuser was not found");
  CHECK_STR(roundtrip("exim_user = root:x", "exim_user"), "user root:x was not found");
  CHECK_STR(roundtrip("exim_group = nosuchgroup", "exim_group"), "group nosuchgroup was not found");
  CHECK_STR(roundtrip("exim_group = 99999", "exim_group"), "exim_group = 99999");
  CHECK_STR(roundtrip("exim_user = mail", "exim_group"), "exim_group = mail");
  CHECK_STR(roundtrip("system_filter_user = root", "system_filter_user"), "system_filter_user = root");
  CHECK_STR(roundtrip("system_filter_user = ", "system_filter_user"), "user  was not found");
  main_config_reset();
  CHECK_STR(show("system_filter_user"), "system_filter_user = ");
  CHECK_STR(show("admin_groups"), "admin_groups =");
  CHECK_STR(show("trusted_users"), "trusted_users =");
}

static void test_hide_and_features(void) {
  CHECK(set1("hide qualify_domain = secret") == NULL);
  CHECK_STR(show("qualify_domain"), "qualify_domain = secret");
  CHECK_STR(show_nonadmin("qualify_domain"), "qualify_domain = <value not displayable>");
  CHECK_STR(show_nonadmin("primary_hostname"), "primary_hostname = ");
  {
    int w;
    const optionlist *qd = option_find(tabs, ntabs, "qualify_domain", &w);
    CHECK_STR(g_str(option_print_value(NULL, qd, tabs[w].base, false)), "<value not displayable>");
    CHECK_STR(g_str(option_print_value(NULL, qd, tabs[w].base, true)), "secret");
  }
  main_config_reset();
  CHECK_STR(show_nonadmin("qualify_domain"), "qualify_domain = ");

  /* Options of features this build lacks are refused with the way to get them. */
  int which;
  const optionlist *o = option_find(tabs, ntabs, "spf_guess", &which);
  CHECK(o && o->feature && strcmp(o->feature, "SPF") == 0);
  const build_feature *f = feature_find("SPF");
  const char *err = set1("spf_guess = x");
  if (!feature_on("SPF")) {
    CHECK(err != NULL);
    if (f && f->in_tree)
      CHECK_STR(err, str_sprintf("option \"spf_guess\" is not available in this build (needs %s in "
                                 "Local/Makefile)", f->how));
    else
      CHECK_STR(err, "option \"spf_guess\" is not available in this build (its support is not "
                     "part of this source tree yet)");
  } else {
    CHECK(err == NULL);
  }
  o = option_find(tabs, ntabs, "gnutls_require_kx", &which);
  CHECK(o == NULL);
}

static void test_finish(void) {
  main_config_reset();
  CHECK(main_config_finish() == NULL);
  CHECK(mainconf.primary_hostname && *mainconf.primary_hostname);
  CHECK(mainconf.qualify_domain == mainconf.primary_hostname);
  CHECK(mainconf.qualify_recipient == mainconf.qualify_domain);
  CHECK_STR(mainconf.exim_version, "4.96");
  CHECK(mainconf.process_log_path && strstr(mainconf.process_log_path, "/exim-process.info"));
  main_config_reset();
  CHECK(set_more("qualify_domain = q.example") == NULL);
  CHECK(main_config_finish() == NULL);
  CHECK_STR(mainconf.qualify_recipient, "q.example");
}

/* A table with the types the main section does not use (driver options). */
typedef struct {
  bool bs, bs_set;
  const char *hadd, *hrem, *secret;
  int mode;
  opt_expand_bool_val more;
  opt_expand_id user;
  bool vsender, vrecipient;
} synth;

static const optionlist synth_opts[] = {
  {"bset", opt_bool_set, OPT_OFF(synth, bs), NULL, NULL},
  {"headers_add", opt_stringptr | opt_rep_con, OPT_OFF(synth, hadd), NULL, NULL},
  {"headers_remove", opt_stringptr | opt_rep_str, OPT_OFF(synth, hrem), NULL, NULL},
  {"mode", opt_octint, OPT_OFF(synth, mode), NULL, NULL},
  {"more", opt_expand_bool, OPT_OFF(synth, more), NULL, NULL},
  {"secret", opt_stringptr | opt_secure, OPT_OFF(synth, secret), NULL, NULL},
  {"user", opt_expand_uid, OPT_OFF(synth, user), NULL, NULL},
  {"verify", opt_bool_verify, OPT_OFF(synth, vsender), NULL, NULL},
};

static void test_other_types(void) {
  synth sy;
  memset(&sy, 0, sizeof sy);
  sy.mode = 0600;
  sy.more.value = true;
  option_table st = {synth_opts, OPT_COUNT(synth_opts), &sy, NULL};
  for (size_t i = 1; i < st.count; i++) CHECK(strcmp(synth_opts[i - 1].name, synth_opts[i].name) < 0);
#define SHOW(n) g_str(option_print(NULL, option_find(&st, 1, n, NULL), &sy, true))
  CHECK_STR(SHOW("mode"), "mode = 0600");
  CHECK(option_read_line(&st, 1, "mode = 640", "t") == NULL);
  CHECK_STR(SHOW("mode"), "mode = 0640");
  option_reset_state();
  CHECK(option_read_line(&st, 1, "mode = 1k", "t") == NULL);   /* as exim4: 02000 */
  CHECK_STR(SHOW("mode"), "mode = 02000");
  option_reset_state();
  CHECK_STR(option_read_line(&st, 1, "mode = 9", "t"), "octal integer expected for mode");
  CHECK_STR(option_read_line(&st, 1, "mode = ", "t"), "octal integer expected for mode");
  CHECK_STR(option_read_line(&st, 1, "mode = 0x1f", "t"),
            "extra characters follow octal integer value for mode");

  /* Repeated settings: newline-joined or list-joined. */
  CHECK(option_read_line(&st, 1, "headers_add = X-A: 1", "t") == NULL);
  CHECK(option_read_line(&st, 1, "headers_add = X-B: 2", "t") == NULL);
  CHECK_STR(sy.hadd, "X-A: 1\nX-B: 2");
  CHECK_STR(SHOW("headers_add"), "headers_add = X-A: 1\\nX-B: 2");
  CHECK(option_read_line(&st, 1, "headers_remove = a", "t") == NULL);
  CHECK(option_read_line(&st, 1, "headers_remove = b", "t") == NULL);
  CHECK_STR(sy.hrem, "a:b");

  /* Booleans with a "set" flag, verify setting two flags. */
  CHECK(option_read_line(&st, 1, "no_bset", "t") == NULL);
  CHECK(!sy.bs && sy.bs_set);
  CHECK_STR(SHOW("bset"), "no_bset");
  CHECK(option_read_line(&st, 1, "verify = false", "t") == NULL);
  CHECK(!sy.vsender && !sy.vrecipient);
  CHECK_STR(SHOW("verify"), "");

  /* Expandable booleans and uids keep a string with '$'. */
  CHECK_STR(SHOW("more"), "more");
  CHECK(option_read_line(&st, 1, "more = ${if eq{1}{1}}", "t") == NULL);
  CHECK_STR(sy.more.expand, "${if eq{1}{1}}");
  CHECK_STR(SHOW("more"), "more = ${if eq{1}{1}}");
  CHECK_STR(SHOW("user"), "user = ");
  CHECK(option_read_line(&st, 1, "user = root", "t") == NULL);
  CHECK(sy.user.set && sy.user.id == 0 && !sy.user.expand);
  CHECK_STR(SHOW("user"), "user = root");
  option_reset_state();
  CHECK(option_read_line(&st, 1, "user = ${local_part}", "t") == NULL);
  CHECK_STR(SHOW("user"), "user = ${local_part}");
  option_reset_state();
  CHECK_STR(option_read_line(&st, 1, "user = nosuchuser", "t"), "user nosuchuser was not found");

  /* opt_secure is never shown to non-admins. */
  CHECK(option_read_line(&st, 1, "secret = pw", "t") == NULL);
  CHECK_STR(g_str(option_print(NULL, option_find(&st, 1, "secret", NULL), &sy, false)),
            "secret = <value not displayable>");
  CHECK_STR(SHOW("secret"), "secret = pw");
#undef SHOW
}

int main(void) {
  tabs = main_option_tables(&ntabs);
  test_sorted();
  test_time();
  test_int_formats();
  test_ints();
  test_fixed();
  test_times();
  test_bools();
  test_strings();
  test_ids();
  test_hide_and_features();
  test_finish();
  test_other_types();
  if (failures) fprintf(stderr, "test_option: %d failure(s)\n", failures);
  else printf("test_option: ok\n");
  return failures != 0;
}
