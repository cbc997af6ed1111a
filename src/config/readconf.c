/* readconf.c - the runtime configuration reader (spec chapter 6): finds and
 * checks the file, reads the main section (macros, named lists, options),
 * then each "begin" section: driver instances for routers, transports and
 * authenticators, and the logical lines of the acl, retry, rewrite and
 * local_scan sections for the layers that parse them.  Also the reader's
 * parts of -bP: named lists and the configuration text.
 *
 * Entry points (readconf.h): readconf_load(), config_error(),
 * config_error_at(), config_error_noline(), named_list_find(),
 * readconf_print_named_list(), readconf_print_named_lists(),
 * readconf_print_config(), readconf_print_config_opt().
 * Lines come from confline.c, macros from macro.c.
 *
 * Must never: return from readconf_load() with a configuration that had an
 * error (every error exits 1 with Exim's message), or show a hidden value
 * to a non-admin caller.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../acl/acl.h"
#include "../deliver/retry.h"
#include "../tls/tls.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../main/version.h"
#include "../modules.h"
#include "../rewrite/rewrite.h"
#include "driver.h"
#include "main_config.h"
#include "option.h"
#include "readconf_int.h"

config_state config;

#define NAMED_LIST_MAX 32      /* per kind, as Exim 4.96 */
#define SECTION_NAME_MAX 22    /* Exim keeps this much of a "begin" name */

static const char hidden_text[] = "<value not displayable>";

/* ---------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------- */

/* Exim logs most configuration errors as "panic and die", but macro
 * definition errors as a plain panic followed by an exit: the difference
 * shows only in debug output ("LOG: PANIC" versus "LOG: PANIC DIE"). */
static void die_flags(unsigned flags, bool with_line, const char *fmt, va_list ap)
    __attribute__((noreturn, format(printf, 3, 0)));
static void die_flags(unsigned flags, bool with_line, const char *fmt, va_list ap) {
  gstring *g = with_line
                   ? g_fmt(NULL, "Exim configuration error in line %d of %s:\n  ", cl_line(), cl_file())
                   : g_cat(NULL, "Exim configuration error:\n  ");
  g = g_vfmt(g, fmt, ap);
  log_write(flags, "%s", g_str(g));
  exit(EXIT_FAILURE);
}

static void die_with(gstring *g) __attribute__((noreturn));
static void die_with(gstring *g) {
  log_write(LOG_PANIC | LOG_DIE, "%s", g_str(g));
  exit(EXIT_FAILURE);
}

void config_error_at(const char *file, int line, const char *fmt, ...) {
  gstring *g = g_fmt(NULL, "Exim configuration error in line %d of %s:\n  ", line, file);
  va_list ap;
  va_start(ap, fmt);
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  die_with(g);
}

void config_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  die_flags(LOG_PANIC | LOG_DIE, true, fmt, ap);
}

void config_error_noline(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  die_flags(LOG_PANIC | LOG_DIE, false, fmt, ap);
}

void config_error_macro(bool with_line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  die_flags(LOG_PANIC, with_line, fmt, ap);
}

/* ---------------------------------------------------------------------
 * Small parsing helpers
 * ------------------------------------------------------------------- */

char *readconf_readname(const char *s, size_t max, const char **rest) {
  s = str_skip_space(s);
  const char *start = s;
  if (isalpha(uc(*s)))
    while (isalnum(uc(*s)) || *s == '_') s++;
  size_t n = (size_t)(s - start);
  char *name = str_copyn(start, n > max ? max : n);
  *rest = str_skip_space(s);
  return name;
}

/* A string value as Exim reads it: as is, or quoted with backslash escapes
 * (spec 6.17). */
static char *read_string(const char *s, const char *name) {
  const char *err;
  char *v = option_string_value(s, name, &err);
  if (!v) config_error("%s", err);
  return v;
}

/* ---------------------------------------------------------------------
 * Named lists (spec 10.5)
 * ------------------------------------------------------------------- */

static const char *const list_words[NL__COUNT] = {"domainlist", "hostlist", "addresslist",
                                                  "localpartlist"};
static const char *const list_kinds[NL__COUNT] = {"domain list", "host list", "address list",
                                                  "local part list"};

named_list *named_list_find(named_list_kind kind, const char *name) {
  if ((int)kind < 0 || kind >= NL__COUNT) return NULL;
  for (named_list *n = config.lists[kind]; n; n = n->next)
    if (strcmp(n->name, name) == 0) return n;
  return NULL;
}

static void read_named_list(named_list_kind kind, const char *s, bool hide) {
  bool force_cache = false;
  if (strncmp(s, "_cache", 6) == 0) {
    force_cache = true;
    s += 6;
  }
  if (!isspace(uc(*s))) config_error("unrecognized configuration line");

  int count = 0;
  named_list **tail = &config.lists[kind];
  for (; *tail; tail = &(*tail)->next) count++;
  if (count >= NAMED_LIST_MAX)
    config_error("too many named %ss (max is %d)\n", list_kinds[kind], NAMED_LIST_MAX);

  s = str_skip_space(s);
  const char *e = s;
  while (isalnum(uc(*e)) || *e == '_') e++;
  char *name = str_copyn(s, (size_t)(e - s));
  if (named_list_find(kind, name)) config_error("duplicate name \"%s\" for a named %s", name, list_kinds[kind]);

  named_list *n = store_get_in(POOL_PERM, sizeof *n, false);
  n->next = NULL;
  n->name = str_perm(name);
  n->kind = kind;
  n->hide = hide;
  n->number = count;
  n->value = NULL;
  n->cache = true;
  *tail = n;

  s = str_skip_space(e);
  if (*s++ != '=') config_error("missing '=' after \"%s\"", name);
  n->value = str_perm(read_string(str_skip_space(s), name));
  /* Lists with expansions are not cached unless "_cache" says so. */
  n->cache = force_cache || !strchr(n->value, '$');
}

/* ---------------------------------------------------------------------
 * The main section
 * ------------------------------------------------------------------- */

static void main_option_line(const char *s, const option_table *tabs, int ntabs) {
  if (!isalpha(uc(*s))) config_error("option setting expected: %s", s);
  const char *err = tabs ? option_read_line(tabs, ntabs, s, "main") : OPTION_UNKNOWN;
  if (err == OPTION_UNKNOWN) config_error("main option \"%s\" unknown", option_line_name(s));
  if (err) config_error("%s", err);
}

/* Reads until "begin" (returns the section name) or the end (NULL). */
static const char *read_main(void) {
  int ntabs = 0;
  const option_table *tabs = main_option_tables(&ntabs);
  const char *s;
  while ((s = cl_next())) {
    if (str_ncmpic(s, "begin ", 6) == 0) return s + 6;
    if (cl_line() == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
      config_error("found unexpected BOM (Byte Order Mark)");
    if (isupper(uc(*s))) {
      macro_read_assignment(s);
      continue;
    }
    bool hide = strncmp(s, "hide", 4) == 0 && isspace(uc(s[4]));
    const char *t = hide ? s + 5 : s;
    int k;
    for (k = 0; k < NL__COUNT; k++)
      if (strncmp(t, list_words[k], strlen(list_words[k])) == 0) break;
    if (k < NL__COUNT) read_named_list((named_list_kind)k, t + strlen(list_words[k]), hide);
    else main_option_line(s, tabs, ntabs);
  }
  return NULL;
}

/* ---------------------------------------------------------------------
 * Sections kept as lines: acl, retry, rewrite, local_scan
 * ------------------------------------------------------------------- */

static config_line *keep_line(config_line ***tailp, const char *s) {
  config_line *l = store_get_in(POOL_PERM, sizeof *l, false);
  l->next = NULL;
  l->text = s;
  l->file = cl_file();
  l->line = cl_line();
  **tailp = l;
  *tailp = &l->next;
  return l;
}

/* ACLs: "name:" starts one; macro definitions may come between ACLs (and end
 * the current one, as in Exim). */
static const char *read_acl(void) {
  config_line **tail = &config.acl_lines;
  bool need_name = true;
  const char *s;
  while ((s = cl_next())) {
    if (str_ncmpic(s, "begin ", 6) == 0) return s + 6;
    const char *p;
    char *name = readconf_readname(s, READCONF_NAME_MAX, &p);
    if (isupper(uc(*name)) && *p == '=') {
      macro_read_assignment(s);
      need_name = true;
      continue;
    }
    if (*p == ':' || need_name) {
      if (*p != ':' || !*name) config_error("missing or malformed ACL name");
      for (config_line *l = config.acl_lines; l; l = l->next) {
        const char *q;
        char *other = readconf_readname(l->text, READCONF_NAME_MAX, &q);
        if (*q == ':' && strcmp(other, name) == 0) config_error("there are two ACLs called \"%s\"", name);
      }
      need_name = false;
    }
    keep_line(&tail, s);
  }
  return NULL;
}

/* retry, rewrite, local_scan: every line belongs to the section. */
static const char *read_plain(config_line **head) {
  config_line **tail = head;
  const char *s;
  while ((s = cl_next())) {
    if (str_ncmpic(s, "begin ", 6) == 0) return s + 6;
    keep_line(&tail, s);
  }
  return NULL;
}

/* ---------------------------------------------------------------------
 * Driver sections (spec 6.23)
 * ------------------------------------------------------------------- */

static void driver_finish(driver_kind *k, driver_instance *d) {
  if (!d) return;
  if (!d->driver_name) config_error_noline("no driver defined for %s \"%s\"", k->kind_name, d->name);
  if (d->info && d->info->init) {
    const char *err = d->info->init(d);
    /* driver.h DRIVER ERROR TEXTS: the text follows "Exim configuration error". */
    if (err) die_with(g_fmt(NULL, "Exim configuration error%s", err));
  }
}

static void driver_select(driver_kind *k, driver_instance *d) {
  for (const driver_info *const *i = k->available; i && *i; i++)
    if (strcmp((*i)->name, d->driver_name) == 0) {
      d->info = *i;
      d->options_block = store_get_in(POOL_PERM, (*i)->options_size ? (*i)->options_size : 1, false);
      if ((*i)->options_defaults) memcpy(d->options_block, (*i)->options_defaults, (*i)->options_size);
      else memset(d->options_block, 0, (*i)->options_size);
      return;
    }
  config_error("%s %s: cannot find %s driver \"%s\"", k->kind_name, d->name, k->kind_name, d->driver_name);
}

static const char *read_drivers(driver_kind *k) {
  driver_instance **tail = &k->instances;
  driver_instance *d = NULL;
  const char *s;
  while ((s = cl_next())) {
    if (str_ncmpic(s, "begin ", 6) == 0) break;
    const char *p;
    char *name = readconf_readname(s, READCONF_NAME_MAX, &p);

    if (isupper(uc(*name)) && *p == '=') {     /* macro: ends the instance */
      driver_finish(k, d);
      d = NULL;
      macro_read_assignment(s);
      continue;
    }

    if (*p == ':') {                            /* a new instance */
      driver_finish(k, d);
      for (driver_instance *o = k->instances; o; o = o->next)
        if (strcmp(o->name, name) == 0) config_error_noline("there are two %ss called \"%s\"", k->kind_name, name);
      d = store_get_in(POOL_PERM, k->instance_size, false);
      if (k->instance_defaults) memcpy(d, k->instance_defaults, k->instance_size);
      else memset(d, 0, k->instance_size);
      d->next = NULL;
      d->name = str_perm(name);
      d->driver_name = NULL;
      d->info = NULL;
      d->options_block = NULL;
      d->srcfile = cl_file();
      d->srcline = cl_line();
      *tail = d;
      tail = &d->next;
      if (*str_skip_space(p + 1)) config_error("extra characters follow driver name %s", name);
      continue;
    }

    if (!d) config_error("%s name missing", k->kind_name);
    if (!isalpha(uc(*s))) config_error("option setting expected: %s", s);

    const char *where = str_sprintf("%s %s", d->name, k->kind_name);
    option_table generic = {k->generic, k->generic_count, d, NULL};
    const char *err = option_read_line(&generic, 1, s, where);
    if (!err) {
      if (!d->info && d->driver_name) driver_select(k, d);
      continue;
    }
    if (err != OPTION_UNKNOWN) config_error("%s", err);
    if (!d->info)
      config_error("option \"%s\" unknown (\"driver\" must be specified before any private options)",
                   option_line_name(s));
    option_table priv = {d->info->options, d->info->options_count, d->options_block, NULL};
    err = option_read_line(&priv, 1, s, where);
    if (err == OPTION_UNKNOWN) config_error("option \"%s\" unknown", option_line_name(s));
    if (err) config_error("%s", err);
  }
  driver_finish(k, d);
  const char *kerr = driver_kind_check(k);    /* Exim checks at the section's end */
  if (kerr) die_with(g_fmt(NULL, "Exim configuration error%s", kerr));
  return s ? s + 6 : NULL;
}

/* ---------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------- */

static const char *const sections[] = {"acls",    "authenticators", "local_scans", "retrys",
                                       "rewrites", "routers",        "transports"};

static unsigned sections_had;   /* bit per sections[] entry */

static const char *read_section(const char *name) {
  char *given = str_copy(str_skip_space(name));
  if (strlen(given) > SECTION_NAME_MAX) given[SECTION_NAME_MAX] = 0;
  size_t n = strlen(given);
  const char *plural = n && tolower(uc(given[n - 1])) == 's' ? given : str_sprintf("%ss", given);

  size_t i;
  for (i = 0; i < sizeof sections / sizeof sections[0]; i++)
    if (str_eqic(plural, sections[i])) break;
  if (i == sizeof sections / sizeof sections[0])
    config_error("\"%s\" is not a known configuration section name", given);
  if (sections_had & (1u << i)) config_error("\"%s\" section is repeated in the configuration file", given);
  sections_had |= 1u << i;

  switch (i) {
  case 0: return read_acl();
  case 1: return read_drivers(&auth_kind);
  case 2:
    if (!feature_on("LOCAL_SCAN_HAS_OPTIONS"))
      config_error("local_scan() options not supported: (LOCAL_SCAN_HAS_OPTIONS not defined in "
                   "Local/Makefile)");
    return read_plain(&config.local_scan_lines);
  case 3: return read_plain(&config.retry_lines);
  case 4: return read_plain(&config.rewrite_lines);
  case 5: return read_drivers(&router_kind);
  default: return read_drivers(&transport_kind);
  }
}

/* ---------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------- */

/* Directory for relative .include names: the file's own directory, made
 * absolute with the working directory when the name is relative. */
static const char *file_directory(const char *filename) {
  const char *slash = strrchr(filename, '/');
  if (filename[0] == '/') return slash == filename ? "/" : str_copyn(filename, (size_t)(slash - filename));
  gstring *g = NULL;
  size_t size = 256;
  for (;;) {
    char *buf = store_get(size, false);
    if (getcwd(buf, size)) {
      g = g_cat(NULL, buf);
      break;
    }
    if (errno != ERANGE) log_panic_die("exim: getcwd: %s", strerror(errno));
    size *= 2;
  }
  if (g->len == 0 || g->s[g->len - 1] != '/') g = g_catc(g, '/');
  if (slash) g = g_catn(g, filename, (size_t)(slash - filename));
  return g_str(g);
}

/* Spec 6 / 6.1: owned by root, not writable by others, nor by the group
 * unless the group is root's. */
static void check_ownership(FILE *f, const char *filename) {
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "failed to stat configuration file %s", filename);
    exit(EXIT_FAILURE);
  }
  if (st.st_uid != 0 || (st.st_gid != 0 && (st.st_mode & 020)) || (st.st_mode & 2)) {
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE,
              "Exim configuration file %s has the wrong owner, group, or mode", filename);
    exit(EXIT_FAILURE);
  }
}

void readconf_load(const readconf_args *args) {
  store_pool old = store_pool_set(POOL_PERM);
  memset(&config, 0, sizeof config);
  sections_had = 0;
  router_kind.instances = transport_kind.instances = auth_kind.instances = NULL;
  macro_init(args->cmdline_macros);

  const char *list = args->file_list ? args->file_list : "";
  int sep = 0;
  char *name;
  FILE *f = NULL;
  while ((name = list_next(&list, &sep)))
    if ((f = fopen(name, "rb"))) break;
  if (!f) {
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "non-existent configuration file(s): %s",
              args->file_list ? args->file_list : "");
    exit(EXIT_FAILURE);
  }
  config.filename = str_perm(name);
  config.directory = str_perm(file_directory(name));
  if (args->check_owner && strcmp(name, "/dev/null") != 0) check_ownership(f, name);

  cl_start(f, config.filename, config.directory);
  const char *section = read_main();
  const char *err = main_config_finish();
  if (err) config_error_noline("%s", err);
  while (section) section = read_section(section);
  if ((err = drivers_check_references())) die_with(g_fmt(NULL, "Exim configuration error%s", err));
  if ((err = acl_read_config())) config_error_noline("%s", err);
  rewrite_read_config();
  retry_read_config();
  if (tls_ops_hooks && (err = tls_ops_hooks->check_config())) config_error_noline("%s", err);
  fclose(f);
  store_pool_set(old);
}

/* ---------------------------------------------------------------------
 * -bP: named lists and the configuration text
 * ------------------------------------------------------------------- */

static const char *const list_labels[NL__COUNT] = {"domain", "host", "address", "localpart"};

static void print_list(const named_list *n, bool no_labels) {
  const char *v = n->hide ? hidden_text : n->value;
  if (no_labels) printf("%s\n", v);
  else printf("%slist %s = %s\n", list_labels[n->kind], n->name, v);
}

void readconf_print_named_list(named_list_kind kind, const char *name, bool admin) {
  (void)admin;  /* Exim hides a "hide" list from admin users too */
  named_list *n = named_list_find(kind, name);
  if (n) print_list(n, false);
}

bool readconf_print_named_lists(const char *name, bool no_labels) {
  static const named_list_kind order[] = {NL_ADDRESS, NL_DOMAIN, NL_HOST, NL_LOCALPART};
  bool found = false;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    named_list *n = named_list_find(order[i], name);
    if (n) {
      print_list(n, no_labels);
      found = true;
    }
  }
  if (!found) printf("no address, domain, host, or local part list called \"%s\" exists\n", name);
  return found;
}

/* Exim's -bP config turns each run of white space into one space, but stops
 * at the first run whose following text starts with a quote or "$" (as that
 * may be careful formatting).  The check looks at the buffer after the run
 * has been closed up, so for runs longer than one character it sees a later
 * character; that is reproduced here on a copy that keeps the old bytes
 * beyond the shortened string, as Exim's in-place buffer does. */
static void collapse_spaces(char *p) {
  for (; *p; p++) {
    if (!isspace(uc(*p))) continue;
    *p = ' ';
    char *next = p;
    while (isspace(uc(*next))) next++;
    if (next - p > 1) memmove(p + 1, next, strlen(next) + 1);
    if (*next == '"' || *next == '\'' || *next == '$') break;
  }
}

void readconf_print_config_opt(bool admin, bool terse) {
  const int ts = terse ? 0 : 2;
  int indent = 0;
  printf("# Exim Configuration (%s)\n", version_string);
  for (const config_line *l = config.all_lines; l; l = l->next) {
    store_mark *m = store_mark_take(POOL_MAIN);
    char *current = str_copy(l->text);
    char *p = (char *)str_skip_space(current);
    if (!*p) goto next;
    collapse_spaces(p);
    if (*p == '#') {
      printf("%s\n", p);
      goto next;
    }
    if (strncmp(p, "begin", 5) == 0 && isspace(uc(p[5]))) {
      if (!terse) putchar('\n');
      printf("%s\n", p);
      indent = ts;
      goto next;
    }
    if (p[strlen(p) - 1] == ':' && !strchr(p, '=')) {
      if (!terse) putchar('\n');
      printf("%*s%s\n", ts, "", p);
      indent = 2 * ts;
      goto next;
    }
    if (!admin && (isupper(uc(*p)) || (strncmp(p, "hide", 4) == 0 && isspace(uc(p[4]))))) {
      char *eq = strchr(p, '=');
      if (eq) {
        *eq = 0;
        printf("%*s%s= %s\n", indent, "", current, hidden_text);
      } else {
        printf("%*s\n", indent, hidden_text);
      }
      goto next;
    }
    printf("%*s%s\n", indent, "", p);
  next:
    store_reset(m);
  }
}

void readconf_print_config(bool admin) { readconf_print_config_opt(admin, false); }
