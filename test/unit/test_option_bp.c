/* test_option_bp.c - "-bP" with no arguments (bp_print_main_options) against
 * Exim 4.96's output for its default configuration, recorded with Debian's
 * exim4 in test/expected/bP/example.txt (and empty.txt for an empty file).
 *
 * The main-section settings of the default configuration are applied through
 * option_read_line (the ".ifdef _HAVE_X" ones only when feature X is built),
 * then every line we print is compared with exim4's line for the same option.
 * Values that are build-time settings of Debian's package (paths, the exim
 * user, the header charset) or depend on the host name are listed below and
 * checked separately.  Every option exim4 prints must be known to us; those
 * whose feature is not in this build must be absent from our output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/option.h"
#include "config/print.h"
#include "modules.h"

static int failures;

/* Values that differ by build settings, not by behaviour. */
static const char *const build_dependent[] = {
  "exim_group", "exim_user", "exim_path", "spool_directory", "process_log_path",
  "log_file_path", "pid_file_path", "headers_charset",
  "received_header_text",   /* Debian's has TLS; ours follows the TLS feature */
  "tls_require_ciphers",    /* set under .ifdef _HAVE_OPENSSL; Debian uses GnuTLS */
  NULL};
/* Options of features Debian's exim4 is not built with (experimental ones
 * from the seeds, lookups it lacks): exim4 cannot show them, so when such a
 * feature is on here their printed default is checked against the spec. */
static const struct { const char *name, *line; } not_in_debian[] = {
  {"bmi_config_file", "bmi_config_file = /opt/brightmail/etc/brightmail.cfg"},
  {"dcc_direct_add_header", "no_dcc_direct_add_header"},
  {"dccifd_address", "dccifd_address = /usr/local/dcc/var/dccifd"},
  {"dccifd_options", "dccifd_options = header"},
  {"dmarc_forensic_sender", "dmarc_forensic_sender = "},
  {"dmarc_history_file", "dmarc_history_file = "},
  {"dmarc_tld_file", "dmarc_tld_file = "},
  {"hosts_xclient", "hosts_xclient = "},
  {"ibase_servers", "ibase_servers = "},
  {"oracle_servers", "oracle_servers = "},
  {"redis_servers", "redis_servers = "},
  {"srs_config", "srs_config = "},
  {"srs_hashlength", "srs_hashlength = 6"},
  {"srs_hashmin", "srs_hashmin = -1"},
  {"srs_maxage", "srs_maxage = 31"},
  {"srs_secrets", "srs_secrets = "},
  {"srs_usehash", "srs_usehash"},
  {"srs_usetimestamp", "srs_usetimestamp"},
  {"tcp_wrappers_daemon_name", "tcp_wrappers_daemon_name = exim"},
  {"tls_advertise_requiretls", "tls_advertise_requiretls = *"},
  {NULL, NULL}};

static const char *not_in_debian_line(const char *name) {
  for (int i = 0; not_in_debian[i].name; i++)
    if (strcmp(not_in_debian[i].name, name) == 0) return not_in_debian[i].line;
  return NULL;
}

/* Values that are the host's name. */
static const char *const host_dependent[] = {"primary_hostname", "qualify_domain",
                                             "qualify_recipient", NULL};

static bool in(const char *const *list, const char *name) {
  for (; *list; list++)
    if (strcmp(*list, name) == 0) return true;
  return false;
}

/* The main-section settings of Exim's default configuration; a leading
 * feature name means ".ifdef _HAVE_<feature>". */
static const struct { const char *feature, *line; } example_settings[] = {
  {NULL, "acl_smtp_rcpt =         acl_check_rcpt"},
  {"PRDR", "acl_smtp_data_prdr =    acl_check_prdr"},
  {NULL, "acl_smtp_data =         acl_check_data"},
  {"OPENSSL", "tls_require_ciphers = ECDSA:RSA:!COMPLEMENTOFDEFAULT"},
  {"TLS_RESUME", "tls_resumption_hosts = ${if inlist {$received_port}{587:465} {:}{*}}"},
  {NULL, "never_users = root"},
  {NULL, "host_lookup = *"},
  {NULL, "dns_dnssec_ok = 1"},
  {"PRDR", "prdr_enable = true"},
  {NULL, "log_selector = +smtp_protocol_error +smtp_syntax_error +tls_certificate_verified"},
  {NULL, "ignore_bounce_errors_after = 2d"},
  {NULL, "timeout_frozen_after = 7d"},
};

static char *read_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  gstring *g = NULL;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) g = g_catn(g, buf, n);
  fclose(f);
  return g_str(g);
}

/* Run bp_print_main_options with stdout captured. */
static char *capture_bp(bool no_labels) {
  char tmpl[] = "/tmp/test_option_bp.XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) exit(2);
  fflush(stdout);
  int saved = dup(1);
  dup2(fd, 1);
  bp_print_main_options(true, no_labels);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  close(fd);
  char *s = read_file(tmpl);
  unlink(tmpl);
  return s;
}

/* Name of the option a -bP line is about. */
static char *line_name(const char *line, const option_table *t, int n) {
  const char *eq = strstr(line, " =");
  if (eq) return str_copyn(line, (size_t)(eq - line));
  if (strncmp(line, "no_", 3) == 0 && option_find(t, n, line + 3, NULL)) return str_copy(line + 3);
  return str_copy(line);
}

typedef struct {
  char **names, **lines;
  int count;
} bp_lines;

static bp_lines split(char *text, const option_table *t, int n) {
  bp_lines r = {0};
  int cap = 512;
  r.names = store_get(cap * sizeof(char *), false);
  r.lines = store_get(cap * sizeof(char *), false);
  for (char *p = text, *nl; *p; p = nl + 1) {
    nl = strchr(p, '\n');
    if (!nl) break;
    *nl = 0;
    if (r.count < cap) {
      r.lines[r.count] = p;
      r.names[r.count] = line_name(p, t, n);
      r.count++;
    }
  }
  return r;
}

static const char *find_line(const bp_lines *b, const char *name) {
  for (int i = 0; i < b->count; i++)
    if (strcmp(b->names[i], name) == 0) return b->lines[i];
  return NULL;
}

static void compare(const char *expected_path, bool apply_example) {
  int n;
  main_config_reset();
  const option_table *t = main_option_tables(&n);
  if (apply_example)
    for (size_t i = 0; i < sizeof example_settings / sizeof example_settings[0]; i++) {
      if (example_settings[i].feature && !feature_on(example_settings[i].feature)) continue;
      const char *err = option_read_line(t, n, example_settings[i].line, "main");
      if (err) {
        fprintf(stderr, "%s: %s\n", example_settings[i].line, err == OPTION_UNKNOWN ? "unknown" : err);
        failures++;
      }
    }
  const char *ferr = main_config_finish();
  if (ferr) {
    fprintf(stderr, "main_config_finish: %s\n", ferr);
    failures++;
  }

  bp_lines ours = split(capture_bp(false), t, n);
  bp_lines theirs = split(read_file(expected_path), t, n);

  for (int i = 0; i < ours.count; i++) {
    const char *name = ours.names[i];
    const char *want = find_line(&theirs, name);
    if (in(build_dependent, name)) continue;
    if (in(host_dependent, name)) {
      char *exp = str_sprintf("%s = %s", name, mainconf.primary_hostname);
      if (strcmp(ours.lines[i], exp) != 0) {
        fprintf(stderr, "%s: got [%s] want [%s]\n", expected_path, ours.lines[i], exp);
        failures++;
      }
      continue;
    }
    if (!want && not_in_debian_line(name)) want = not_in_debian_line(name);
    if (!want) {
      fprintf(stderr, "%s: we print [%s], exim4 has no such option\n", expected_path, ours.lines[i]);
      failures++;
    } else if (strcmp(want, ours.lines[i]) != 0) {
      fprintf(stderr, "%s: got [%s] want [%s]\n", expected_path, ours.lines[i], want);
      failures++;
    }
  }
  /* Every option exim4 prints is in our table; the ones whose feature is on
   * are printed, the others are not. */
  for (int i = 0; i < theirs.count; i++) {
    const char *name = theirs.names[i];
    const optionlist *o = option_find(t, n, name, NULL);
    bool printed = find_line(&ours, name) != NULL;
    if (!o) {
      fprintf(stderr, "%s: exim4 option %s is missing from our table\n", expected_path, name);
      failures++;
    } else if (o->feature && !feature_on(o->feature)) {
      if (printed) {
        fprintf(stderr, "%s: %s printed though feature %s is off\n", expected_path, name, o->feature);
        failures++;
      }
    } else if (!printed) {
      fprintf(stderr, "%s: %s not printed\n", expected_path, name);
      failures++;
    }
  }
  /* Sorted output. */
  for (int i = 1; i < ours.count; i++)
    if (strcmp(ours.names[i - 1], ours.names[i]) >= 0) {
      fprintf(stderr, "output not sorted at %s\n", ours.names[i]);
      failures++;
    }
}

/* -bP -n: values alone, booleans and unset fixed-point values keep a label. */
static void compare_no_labels(const char *expected_path) {
  int n;
  main_config_reset();
  const option_table *t = main_option_tables(&n);
  for (size_t i = 0; i < sizeof example_settings / sizeof example_settings[0]; i++)
    if (!example_settings[i].feature || feature_on(example_settings[i].feature))
      (void)option_read_line(t, n, example_settings[i].line, "main");
  (void)main_config_finish();
  /* Pair each labelled line with its -n line, in order; compare the -n form
   * with exim4's -n line for the same option. */
  char *labelled_ours = capture_bp(false);
  char *bare_ours = capture_bp(true);
  char *labelled_theirs = read_file(str_sprintf("%.*s/example.txt",
                                                (int)(strrchr(expected_path, '/') - expected_path),
                                                expected_path));
  char *bare_theirs = read_file(expected_path);
  bp_lines lo = split(labelled_ours, t, n), lt = split(labelled_theirs, t, n);
  /* split the -n outputs by line only */
  char *bo[600], *bt[600];
  int nbo = 0, nbt = 0;
  for (char *p = bare_ours, *nl; *p && (nl = strchr(p, '\n')) && nbo < 600; p = nl + 1) {
    *nl = 0;
    bo[nbo++] = p;
  }
  for (char *p = bare_theirs, *nl; *p && (nl = strchr(p, '\n')) && nbt < 600; p = nl + 1) {
    *nl = 0;
    bt[nbt++] = p;
  }
  if (nbo != lo.count || nbt != lt.count) {
    fprintf(stderr, "-n line counts differ from labelled output (%d/%d, %d/%d)\n", nbo, lo.count, nbt,
            lt.count);
    failures++;
    return;
  }
  for (int i = 0; i < lo.count; i++) {
    const char *name = lo.names[i];
    if (in(build_dependent, name) || in(host_dependent, name)) continue;
    for (int j = 0; j < lt.count; j++)
      if (strcmp(lt.names[j], name) == 0) {
        if (strcmp(bo[i], bt[j]) != 0) {
          fprintf(stderr, "-n %s: got [%s] want [%s]\n", name, bo[i], bt[j]);
          failures++;
        }
        break;
      }
  }
}

int main(void) {
  /* test/unit/ -> test/expected/bP/ */
  const char *here = __FILE__;
  const char *slash = strrchr(here, '/');
  char *dir = str_sprintf("%.*s/../expected/bP", slash ? (int)(slash - here) : 1, slash ? here : ".");
  compare(str_sprintf("%s/example.txt", dir), true);
  compare(str_sprintf("%s/empty.txt", dir), false);
  compare_no_labels(str_sprintf("%s/example-n.txt", dir));
  if (failures) fprintf(stderr, "test_option_bp: %d failure(s)\n", failures);
  else printf("test_option_bp: ok\n");
  return failures != 0;
}
