/* test_driver_tables.c - the driver option tables (src/route, src/transport,
 * src/auth) and src/config/driver.c, without the configuration reader:
 *
 *  1. every generic and private table is sorted, without duplicates, and
 *     names only features modules.def knows;
 *  2. the instances of test/expected/drivers/all.conf, built here with the
 *     generic option reader (option_read_line) and each type's init, print
 *     (driver_print_all / driver_print_names / driver_print_instance) exactly
 *     what Exim 4.96 printed for the same file (all.*.txt, recorded with
 *     Debian's exim4), less the options of features this build lacks and
 *     plus the options of features Debian's exim4 lacks (lists below);
 *  3. the configuration-time errors of each type's init and of
 *     drivers_check_references() have Exim's wording (recorded from exim4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/store.h"
#include "base/str.h"
#include "config/driver.h"
#include "config/main_config.h"
#include "config/option.h"
#include "modules.h"
#include "route/router.h"
#include "transport/transport.h"

static int failures;
#define CHECK(cond, ...)                                               \
  do {                                                                 \
    if (!(cond)) {                                                     \
      fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                  \
      fprintf(stderr, __VA_ARGS__);                                    \
      fputc('\n', stderr);                                             \
      failures++;                                                      \
    }                                                                  \
  } while (0)

/* Driver types that may be built as optional parts: found through the
 * registration arrays when listed there, else through these weak names. */
extern const driver_info router_accept __attribute__((weak)), router_dnslookup __attribute__((weak)),
    router_ipliteral __attribute__((weak)), router_iplookup __attribute__((weak)),
    router_manualroute __attribute__((weak)),
    router_queryprogram __attribute__((weak)), router_redirect __attribute__((weak)),
    transport_appendfile __attribute__((weak)), transport_pipe __attribute__((weak)),
    transport_autoreply __attribute__((weak)), transport_lmtp __attribute__((weak)),
    transport_smtp __attribute__((weak)), transport_queuefile __attribute__((weak)),
    auth_plaintext __attribute__((weak)), auth_cram_md5 __attribute__((weak)),
    auth_dovecot __attribute__((weak));

static const driver_info *all_types[20];
static int n_types;

static void collect_types(void) {
  const driver_info *w[] = {&router_accept, &router_dnslookup, &router_ipliteral, &router_iplookup,
                            &router_manualroute, &router_queryprogram, &router_redirect,
                            &transport_appendfile, &transport_pipe, &transport_autoreply,
                            &transport_lmtp, &transport_smtp, &transport_queuefile,
                            &auth_plaintext, &auth_cram_md5, &auth_dovecot};
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
    if (w[i]) all_types[n_types++] = w[i];
}

static const driver_info *find_type(const driver_kind *k, const char *name) {
  for (const driver_info *const *p = k->available; p && *p; p++)
    if (strcmp((*p)->name, name) == 0) return *p;
  for (int i = 0; i < n_types; i++) {
    const driver_info *d = all_types[i];
    if (strcmp(d->name, name) != 0) continue;
    /* the three kinds have no type name in common */
    return d;
  }
  return NULL;
}

/* ---- 1. the tables ------------------------------------------------------ */

static void check_table(const char *what, const optionlist *l, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      CHECK(strcmp(l[i - 1].name, l[i].name) < 0, "%s: \"%s\" is not sorted after \"%s\"", what,
            l[i].name, l[i - 1].name);
    if (l[i].feature)
      CHECK(feature_find(l[i].feature) != NULL, "%s: option %s names unknown feature %s", what,
            l[i].name, l[i].feature);
  }
}

static void test_tables(void) {
  check_table("router generic", router_kind.generic, router_kind.generic_count);
  check_table("transport generic", transport_kind.generic, transport_kind.generic_count);
  check_table("auth generic", auth_kind.generic, auth_kind.generic_count);
  CHECK(strcmp(router_kind.section, "routers") == 0 && strcmp(router_kind.kind_name, "router") == 0,
        "router kind names");
  CHECK(strcmp(auth_kind.kind_name, "authenticator") == 0, "auth kind name");
  for (int i = 0; i < n_types; i++) {
    const driver_info *d = all_types[i];
    check_table(d->name, d->options, d->options_count);
    CHECK(d->init != NULL, "%s has no init", d->name);
    CHECK((d->options_count == 0) == (d->options_size == 0), "%s: options vs size", d->name);
  }
  CHECK(n_types == 16, "expected 16 driver types, found %d", n_types);
}

/* ---- a small reader of driver sections, for the tests only ---------------- */

static void reset_kinds(void) {
  router_kind.instances = transport_kind.instances = auth_kind.instances = NULL;
}

static const char *finish_instance(driver_instance *d) {
  if (!d) return NULL;
  if (!d->info) return "no driver";
  return d->info->init(d);
}

/* Read `text` (main options, then "begin" sections); returns NULL or the
 * first error text (init, option or cross-check). */
static const char *load(const char *text) {
  reset_kinds();
  driver_kind *k = NULL;
  driver_instance *cur = NULL, **tail = NULL;
  char *copy = str_copy(text);
  for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
    const char *p = str_skip_space(line);
    if (*p == 0 || *p == '#') continue;
    str_rtrim((char *)p);
    if (strncmp(p, "begin ", 6) == 0) {
      const char *e = finish_instance(cur);
      if (e) return e;
      cur = NULL;
      const char *s = p + 6;
      k = strcmp(s, "routers") == 0      ? &router_kind
          : strcmp(s, "transports") == 0 ? &transport_kind
                                         : &auth_kind;
      tail = &k->instances;
      continue;
    }
    if (!k) {
      int n;
      const option_table *t = main_option_tables(&n);
      const char *e = option_read_line(t, n, p, "main");
      if (e) return e;
      continue;
    }
    size_t len = strlen(p);
    if (line[0] != ' ' && p[len - 1] == ':') {
      const char *e = finish_instance(cur);
      if (e) return e;
      cur = store_get(k->instance_size, false);
      memcpy(cur, k->instance_defaults, k->instance_size);
      cur->name = str_copyn(p, len - 1);
      cur->next = NULL;
      *tail = cur;
      tail = &cur->next;
      continue;
    }
    if (strncmp(p, "driver = ", 9) == 0) {
      cur->driver_name = str_copy(p + 9);
      cur->info = find_type(k, cur->driver_name);
      if (!cur->info) return str_sprintf("no %s driver %s", k->kind_name, cur->driver_name);
      cur->options_block = NULL;
      if (cur->info->options_size) {
        cur->options_block = store_get(cur->info->options_size, false);
        memcpy(cur->options_block, cur->info->options_defaults, cur->info->options_size);
      }
      continue;
    }
    option_table t[2] = {
      {k->generic, k->generic_count, cur, NULL},
      {cur->info->options, cur->info->options_count, cur->options_block, NULL}};
    const char *e = option_read_line(t, 2, p, "driver");
    if (e == OPTION_UNKNOWN) return str_sprintf("option \"%s\" unknown", p);
    if (e) return e;
  }
  const char *e = finish_instance(cur);
  if (e) return e;
  return drivers_check_references();
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    failures++;
    return str_copy("");
  }
  gstring *g = NULL;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) g = g_catn(g, buf, n);
  fclose(f);
  return g_str(g);
}

/* Run a printing function with stdout captured. */
static char *capture(void (*fn)(void *), void *arg) {
  char *buf = NULL;
  size_t size = 0;
  FILE *mem = open_memstream(&buf, &size);
  FILE *saved = stdout;
  stdout = mem;
  fn(arg);
  fflush(stdout);
  stdout = saved;
  fclose(mem);
  char *r = str_copy(buf ? buf : "");
  free(buf);
  return r;
}

static void print_all(void *k) { driver_print_all(k, true); }
static void print_names(void *k) { driver_print_names(k); }
static void print_redirect(void *admin) {
  driver_print_instance(&router_kind, driver_find(&router_kind, "r_redirect"), *(bool *)admin);
}

/* Options Debian's exim4 prints that need a build feature: they are left
 * out of the expected text when that feature is off here.  (Checked against
 * our tables too, so the two lists cannot drift apart.) */
static const struct { const char *option, *feature; } debian_feature_options[] = {
  {"event_action", "EVENT"},
  {"dane_require_tls_ciphers", "DANE"}, {"hosts_require_dane", "DANE"}, {"hosts_try_dane", "DANE"},
  {"dkim_canon", "DKIM"}, {"dkim_domain", "DKIM"}, {"dkim_hash", "DKIM"},
  {"dkim_identity", "DKIM"}, {"dkim_private_key", "DKIM"}, {"dkim_selector", "DKIM"},
  {"dkim_sign_headers", "DKIM"}, {"dkim_strict", "DKIM"}, {"dkim_timestamps", "DKIM"},
  {"host_name_extract", "TLS_RESUME"}, {"tls_resumption_hosts", "TLS_RESUME"},
  {"hosts_avoid_tls", "TLS"}, {"hosts_nopass_tls", "TLS"}, {"hosts_noproxy_tls", "TLS"},
  {"hosts_require_alpn", "TLS"}, {"hosts_require_tls", "TLS"},
  {"hosts_verify_avoid_tls", "TLS"}, {"tls_alpn", "TLS"}, {"tls_certificate", "TLS"},
  {"tls_crl", "TLS"}, {"tls_dh_min_bits", "TLS"}, {"tls_privatekey", "TLS"},
  {"tls_require_ciphers", "TLS"}, {"tls_sni", "TLS"}, {"tls_tempfail_tryclear", "TLS"},
  {"tls_try_verify_hosts", "TLS"}, {"tls_verify_cert_hostnames", "TLS"},
  {"tls_verify_certificates", "TLS"}, {"tls_verify_hosts", "TLS"},
  {"hosts_pipe_connect", "PIPE_CONNECT"},
  {"hosts_request_ocsp", "OCSP"}, {"hosts_require_ocsp", "OCSP"},
  {"hosts_try_prdr", "PRDR"},
  {"socks_proxy", "SOCKS"},
  {"utf8_downconvert", "I18N"},
  {NULL, NULL}};

/* Lines we print that Debian's exim4 cannot: options of features it is not
 * built with (printed only when the feature is on here) and the seed's
 * dovecot server_tls (always). */
static const struct { const char *line, *feature; } extra_lines[] = {
  {"no_bmi_deliver_alternate", "BMI"}, {"no_bmi_deliver_default", "BMI"},
  {"no_bmi_dont_deliver", "BMI"}, {"bmi_rule = ", "BMI"},
  {"translate_ip_address = ", "TRANSLATE_IP_ADDRESS"},
  {"srs = ", "SRS_ALT"}, {"srs_alias = ", "SRS_ALT"}, {"srs_condition = ", "SRS_ALT"},
  {"srs_dbinsert = ", "SRS_ALT"}, {"srs_dbselect = ", "SRS_ALT"},
  {"arc_sign = ", "ARC"},
  {"no_server_tls", NULL},
  {NULL, NULL}};

static const char *option_of_line(const char *line) {
  const char *eq = strstr(line, " =");
  char *name = eq ? str_copyn(line, (size_t)(eq - line)) : str_copy(line);
  if (!eq && strncmp(name, "no_", 3) == 0) name += 3;
  return name;
}

static bool dropped_by_feature(const char *line) {
  const char *name = option_of_line(line);
  for (int i = 0; debian_feature_options[i].option; i++)
    if (strcmp(name, debian_feature_options[i].option) == 0)
      return !feature_on(debian_feature_options[i].feature);
  return false;
}

static bool extra_line(const char *line) {
  for (int i = 0; extra_lines[i].line; i++)
    if (strcmp(line, extra_lines[i].line) == 0)
      return !extra_lines[i].feature || feature_on(extra_lines[i].feature);
  return false;
}

static void compare(const char *what, const char *ours, const char *theirs) {
  gstring *a = NULL, *b = NULL;
  char *o = str_copy(ours), *t = str_copy(theirs);
  /* Blank lines matter: keep them by splitting by hand. */
  for (char *s = o; s && *s;) {
    char *nl = strchr(s, '\n');
    if (nl) *nl = 0;
    if (!extra_line(s)) a = g_fmt(a, "%s\n", s);
    s = nl ? nl + 1 : NULL;
  }
  for (char *s = t; s && *s;) {
    char *nl = strchr(s, '\n');
    if (nl) *nl = 0;
    if (!dropped_by_feature(s)) b = g_fmt(b, "%s\n", s);
    s = nl ? nl + 1 : NULL;
  }
  const char *x = g_str(a), *y = g_str(b);
  if (strcmp(x, y) == 0) return;
  /* Report the first differing line. */
  int line = 1;
  while (*x && *x == *y) {
    if (*x == '\n') line++;
    x++, y++;
  }
  while (x > g_str(a) && x[-1] != '\n') x--, y--;
  fprintf(stderr, "%s: differs at line %d:\n  ours:   %.*s\n  exim4:  %.*s\n", what, line,
          (int)strcspn(x, "\n"), x, (int)strcspn(y, "\n"), y);
  failures++;
}

static void test_all_conf(const char *dir) {
  const char *err = load(slurp(str_sprintf("%s/all.conf", dir)));
  CHECK(err == NULL, "all.conf: %s", err ? err : "");
  if (err) return;
  static const struct { driver_kind *k; const char *file; void (*fn)(void *); } cases[] = {
    {&router_kind, "all.routers.txt", print_all},
    {&transport_kind, "all.transports.txt", print_all},
    {&auth_kind, "all.authenticators.txt", print_all},
    {&router_kind, "all.router_list.txt", print_names},
    {&transport_kind, "all.transport_list.txt", print_names},
    {&auth_kind, "all.authenticator_list.txt", print_names},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    compare(cases[i].file, capture(cases[i].fn, cases[i].k),
            slurp(str_sprintf("%s/%s", dir, cases[i].file)));
  bool admin = true;
  compare("all.router_r_redirect.txt", capture(print_redirect, &admin),
          slurp(str_sprintf("%s/all.router_r_redirect.txt", dir)));
  admin = false;
  compare("all.router_r_redirect.nonadmin.txt", capture(print_redirect, &admin),
          slurp(str_sprintf("%s/all.router_r_redirect.nonadmin.txt", dir)));

  /* The consistency of the feature list with the tables. */
  for (int i = 0; debian_feature_options[i].option; i++) {
    const optionlist *o = NULL;
    for (int j = 0; j < n_types && !o; j++) {
      const driver_info *d = all_types[j];
      for (size_t m = 0; m < d->options_count; m++)
        if (strcmp(d->options[m].name, debian_feature_options[i].option) == 0) o = &d->options[m];
    }
    for (size_t m = 0; !o && m < transport_kind.generic_count; m++)
      if (strcmp(transport_kind.generic[m].name, debian_feature_options[i].option) == 0)
        o = &transport_kind.generic[m];
    CHECK(o && o->feature && strcmp(o->feature, debian_feature_options[i].feature) == 0,
          "option %s should need feature %s", debian_feature_options[i].option,
          debian_feature_options[i].feature);
  }
}

/* ---- 3. errors ------------------------------------------------------------------- */

static const struct { const char *conf, *error; } error_cases[] = {
  {"begin routers\nr:\n  driver = redirect\n",
   " for r router:\n  one of \"file\" or \"data\" must be specified"},
  {"begin routers\nr:\n  driver = redirect\n  data = x\n  file = y\n",
   " for r router:\n  only one of \"file\" or \"data\" must be specified"},
  {"begin routers\nr:\n  driver = redirect\n  data = x\n  one_time\n  unseen\n",
   " for r router:\n  \"unseen\" may not be used with \"one_time\""},
  {"begin routers\nr:\n  driver = redirect\n  data = x\n  qualify_domain = a\n  qualify_preserve_domain\n",
   " for r router:\n  only one of \"qualify_domain\" or \"qualify_preserve_domain\" must be set"},
  {"begin routers\nr:\n  driver = redirect\n  data = x\n  allow_filter\n",
   " for r router:\n  \"user\" or \"check_local_user\" must be set with \"allow_filter\""},
  {"begin routers\nr:\n  driver = manualroute\n  transport = t\n",
   " for r router:\n  route_list or route_data (but not both) must be specified"},
  {"begin routers\nr:\n  driver = manualroute\n  route_list = a b\n  route_data = c\n",
   " for r router:\n  route_list or route_data (but not both) must be specified"},
  {"begin routers\nr:\n  driver = manualroute\n  host_find_failed = x\n",
   " for r router:\n  unrecognized setting for host_find_failed option"},
  {"begin routers\nr:\n  driver = manualroute\n  route_list = a b\n  host_all_ignored = ignore\n",
   " for r router:\n  unrecognized setting for host_all_ignored option"},
  {"begin routers\nr:\n  driver = queryprogram\n",
   " for r router:\n  a command specification is required"},
  {"begin routers\nr:\n  driver = queryprogram\n  command = /bin/x\n",
   " for r router:\n  command_user must be specified"},
  {"begin routers\nr:\n  driver = iplookup\n", " for r router:\n  a port must be specified"},
  {"begin routers\nr:\n  driver = iplookup\n  port = 25\n",
   " for r router:\n  a host list must be specified"},
  {"begin routers\nr:\n  driver = iplookup\n  port = 25\n  hosts = a\n  protocol = foo\n",
   " for r router:\n  protocol not specified as udp or tcp"},
  {"begin routers\nr:\n  driver = iplookup\n  port = 25\n  hosts = a\n  transport = t\n",
   ":\n  r router:\n  a transport must not be defined for this router"},
  {"begin routers\nr:\n  driver = accept\n",
   ":\n  r router:\n  a transport is required for this router"},
  {"begin routers\nr:\n  driver = accept\nr2:\n  driver = redirect\n",
   " for r2 router:\n  one of \"file\" or \"data\" must be specified"},
  {"begin routers\nr:\n  driver = dnslookup\n",
   ":\n  r router:\n  a transport is required for this router"},
  {"begin routers\nr:\n  driver = ipliteral\n",
   ":\n  r router:\n  a transport is required for this router"},
  {"begin routers\nr:\n  driver = redirect\n  data = x\n  transport = t\n",
   ":\n  r router:\n  a transport must not be defined for this router"},
  {"begin routers\nr:\n  driver = accept\n  transport = t\n  self = foo\n",
   " for r router:\n  foo is not valid for the self option"},
  {"begin routers\nr:\n  driver = accept\n  transport = t\n  pass_router = nosuch\n",
   ":\n  new_router \"nosuch\" not found for \"r\" router"},
  {"begin routers\nr:\n  driver = accept\n  transport = t\n  redirect_router = nosuch\n",
   ":\n  new_router \"nosuch\" not found for \"r\" router"},
  {"begin routers\nr:\n  driver = accept\n  transport = t\n  pass_router = r\n",
   ":\n  new_router \"r\" does not follow \"r\" router"},
  {"begin transports\nt:\n  driver = appendfile\n  file = /a\n  directory = /b\n",
   " for t transport:\n  only one of \"file\" or \"directory\" can be specified"},
  {"begin transports\nt:\n  driver = appendfile\n  no_use_lockfile\n  no_use_fcntl_lock\n",
   " for t transport:\n  no locking configured"},
  {"begin transports\nt:\n  driver = appendfile\n  mbx_format\n  no_use_fcntl_lock\n  no_use_lockfile\n",
   " for t transport:\n  no locking configured"},
  {"begin transports\nt:\n  driver = appendfile\n  create_file = foo\n",
   ":\n  invalid value given for \"create_file\" for the t transport: 'foo'"},
  {"begin transports\nt:\n  driver = lmtp\n",
   ":\n  one (and only one) of command or socket must be set for the t transport"},
  {"begin transports\nt:\n  driver = lmtp\n  command = a\n  socket = b\n",
   ":\n  one (and only one) of command or socket must be set for the t transport"},
  {"begin transports\nt:\n  driver = pipe\n  use_shell\n  restrict_to_path\n",
   ":\n  both restrict_to_path and use_shell set for t transport"},
  {"begin transports\nt:\n  driver = pipe\n  temp_errors = a\n",
   ":\n  temp_errors must be a list of numbers or an asterisk for the t transport"},
  {"begin transports\nt:\n  driver = pipe\n  pipe_as_creator\n  user = mail\n",
   ":\n  both pipe_as_creator and an explicit uid/gid are set for the t transport"},
  {"begin transports\nt:\n  driver = smtp\n  shadow_transport = x\n",
   ":\n  shadow transport not allowed on non-local transport t"},
  {"begin authenticators\na:\n  driver = cram_md5\n  server_secret = x\n",
   ":\n  no public name specified for the a authenticator"},
  {"begin authenticators\nPLAIN:\n  driver = plaintext\n  server_condition = x\n"
   "b:\n  driver = plaintext\n  public_name = plain\n  server_condition = x\n",
   ":\n  two server authenticators (PLAIN and b) have the same public name (PLAIN)"},
  /* Accepted by Exim 4.96 at configuration time. */
  {"begin routers\nr:\n  driver = accept\n  transport = nosuch\n", NULL},
  {"begin routers\nr:\n  driver = manualroute\n  route_list = * x\n", NULL},
  {"begin routers\nr:\n  driver = accept\n  transport = t\n  redirect_router = r\n", NULL},
  {"begin transports\nt:\n  driver = pipe\n", NULL},
  {"begin transports\nt:\n  driver = autoreply\n", NULL},
  {"begin transports\nt:\n  driver = appendfile\n  shadow_transport = nosuch\n", NULL},
  {"begin authenticators\na:\n  driver = plaintext\n  public_name = PLAIN\n"
   "b:\n  driver = plaintext\n  public_name = PLAIN\n  client_send = x\n", NULL},
  {"begin authenticators\na:\n  driver = dovecot\n  public_name = PLAIN\n"
   "  server_socket = dovecot.example 12345\n  server_tls = true\n  server_set_id = $auth1\n", NULL},
};

static void test_errors(void) {
  for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
    if (strstr(error_cases[i].conf, "queuefile") && !&transport_queuefile) continue;
    const char *err = load(error_cases[i].conf);
    const char *want = error_cases[i].error;
    CHECK((err == NULL && want == NULL) || (err && want && strcmp(err, want) == 0),
          "case %zu: got [%s], want [%s]", i, err ? err : "(none)", want ? want : "(none)");
  }
  if (&transport_queuefile) {
    const char *err = load("begin transports\nq:\n  driver = queuefile\n");
    CHECK(err && strcmp(err, ":\n  directory must be set for the q transport") == 0, "queuefile: %s",
          err ? err : "(none)");
    CHECK(load("begin transports\nq:\n  driver = queuefile\n  directory = /x\n") == NULL,
          "queuefile with directory");
  }
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "test/expected/drivers";
  store_pool_set(POOL_PERM);
  collect_types();
  test_tables();
  test_all_conf(dir);
  test_errors();
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  else printf("test_driver_tables: all passed\n");
  return failures != 0;
}
