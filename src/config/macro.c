/* macro.c - configuration macros (spec 6.4-6.9): definitions in the file,
 * -D on the command line, and the built-in _HAVE_* / _OPT_* / _DRIVER_*
 * macros; substitution into physical lines; -bP macros.
 *
 * Entry points: macro_parse_cmdline(), readconf_print_macros*() (readconf.h);
 * macro_init(), macro_substitute(), macro_read_assignment(),
 * macro_builtins_create() (readconf_int.h).
 *
 * Rules kept as Exim 4.96 has them: macros are applied in definition order
 * (built-ins, then -D, then the file's), a replacement is not rescanned for
 * the macro just applied, a new name may not contain an earlier name, a -D
 * definition makes the file's (re)definitions of that name no-ops, and the
 * built-ins are only considered when the first possible macro start in the
 * line is "_" followed by an upper-case letter.
 *
 * Must never: substitute inside the name of a macro being defined, or let a
 * file definition override a -D one.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../base/log_selector.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../modules.h"
#include "driver.h"
#include "main_config.h"
#include "readconf_int.h"

static macro_item *builtins;      /* newest first: the order Exim lists them */
static bool builtins_made;
static macro_item *user_tail;     /* last of config.macros */

/* A macro name can start here: an upper-case letter, or "_" and one. */
static bool mac_start(const char *p) {
  return isupper(uc(p[0])) || (p[0] == '_' && isupper(uc(p[1])));
}

static macro_item *new_macro(const char *name, const char *value, bool cmdline, bool builtin) {
  macro_item *m = store_get_in(POOL_PERM, sizeof *m, false);
  m->next = NULL;
  m->name = str_perm(name);
  m->value = str_perm(value);
  m->command_line = cmdline;
  m->builtin = builtin;
  return m;
}

static void append_user(macro_item *m) {
  if (user_tail) user_tail->next = m;
  else config.macros = m;
  user_tail = m;
}

void macro_init(macro_item *cmdline) {
  config.macros = NULL;
  user_tail = NULL;
  for (macro_item *m = cmdline; m; m = m->next) append_user(new_macro(m->name, m->value, true, false));
}

/* ---------------------------------------------------------------------
 * -D
 * ------------------------------------------------------------------- */

const char *macro_parse_cmdline(const char *arg, macro_item **list) {
  const char *s = str_skip_space(arg);
  if (*s < 'A' || *s > 'Z') return "macro name set by -D must start with an upper case letter";
  const char *n = s;
  while (isalnum(uc(*s)) || *s == '_') s++;
  size_t len = (size_t)(s - n);
  if (len > 23) len = 23;  /* Exim keeps 23 characters of a -D name */
  char *name = str_copyn(n, len);
  s = str_skip_space(s);
  if (*s) {
    if (*s != '=') return str_sprintf("unknown, malformed, or incomplete option -D%s", arg);
    s = str_skip_space(s + 1);
  }
  macro_item **tail = list;
  for (; *tail; tail = &(*tail)->next)
    if (strcmp((*tail)->name, name) == 0) return "duplicated -D in command line";
  *tail = new_macro(name, s, true, false);
  return NULL;
}

/* ---------------------------------------------------------------------
 * Definitions in the file
 * ------------------------------------------------------------------- */

void macro_read_assignment(const char *s) {
  const char *p = s;
  while (isalnum(uc(*p)) || *p == '_') p++;
  size_t len = (size_t)(p - s);
  if (len > READCONF_NAME_MAX)
    config_error_macro(true, "macro name too long (maximum is %d characters)", READCONF_NAME_MAX);
  char *name = str_copyn(s, len);
  p = str_skip_space(p);
  if (*p++ != '=') config_error_macro(true, "malformed macro definition");
  bool redef = false;
  if (*p == '=') {
    redef = true;
    p++;
  }
  p = str_skip_space(p);

  /* The substring rule applies to every macro known, built-ins included. */
  macro_builtins_create();
  macro_item *found = NULL;
  for (int pass = 0; pass < 2 && !found; pass++)
    for (macro_item *m = pass == 0 ? builtins : config.macros; m; m = m->next) {
      if (strcmp(m->name, name) == 0) {
        if (!m->command_line && !redef)
          config_error_macro(false, "macro \"%s\" is already defined (use \"==\" if you want to redefine it)",
                              name);
        found = m;
        break;
      }
      if (strlen(m->name) < len && strstr(name, m->name))
        config_error_macro(false, "\"%s\" cannot be defined as a macro because previously defined macro "
                            "\"%s\" is a substring",
                            name, m->name);
    }

  if (found && found->command_line) return;  /* -D wins over the file */
  if (redef) {
    if (!found) config_error_macro(false, "can't redefine an undefined macro \"%s\"", name);
    found->value = str_perm(p);
    return;
  }
  append_user(new_macro(name, p, false, false));
}

/* ---------------------------------------------------------------------
 * Substitution
 * ------------------------------------------------------------------- */

/* Replace every occurrence of `m` in g from offset `from`, not rescanning
 * replacements; returns the new string. */
static gstring *replace_all(gstring *g, size_t from, const macro_item *m, bool *found) {
  const char *text = g_str(g);
  const char *hit = strstr(text + from, m->name);
  if (!hit) return g;
  size_t nlen = strlen(m->name);
  gstring *out = g_new(g->len + 64, false);
  out = g_catn(out, text, from);
  const char *t = text + from;
  while (hit) {
    out = g_catn(out, t, (size_t)(hit - t));
    out = g_cat(out, m->value);
    t = hit + nlen;
    hit = strstr(t, m->name);
  }
  out = g_cat(out, t);
  *found = true;
  return out;
}

char *macro_substitute(const char *s, bool logical_start, bool *found) {
  *found = false;
  gstring *g = g_cat(NULL, s);
  const char *text = g_str(g);
  size_t from = 0;

  /* Skip the name of a macro being defined. */
  if (logical_start && isupper(uc(*text))) {
    const char *p = text;
    while (isalnum(uc(*p)) || *p == '_') p++;
    p = str_skip_space(p);
    if (*p == '=') from = (size_t)(p - text);
  }
  while (text[from] && !mac_start(text + from)) from++;
  if (!text[from]) return g_str(g);

  bool all = text[from] == '_';
  if (all) macro_builtins_create();
  for (int pass = all ? 0 : 1; pass < 2; pass++)
    for (const macro_item *m = pass == 0 ? builtins : config.macros; m; m = m->next) {
      text = g_str(g);
      while (text[from] && !mac_start(text + from)) from++;
      if (!text[from]) return g_str(g);
      g = replace_all(g, from, m, found);
    }
  return g_str(g);
}

/* ---------------------------------------------------------------------
 * Built-in macros (spec 6.9)
 * ------------------------------------------------------------------- */

static void add_builtin(const char *prefix, const char *a, const char *b) {
  char *name = str_sprintf("%s%s%s%s", prefix, a, b ? "_" : "", b ? b : "");
  for (char *p = name; *p; p++) *p = (char)toupper(uc(*p));
  macro_item *m = new_macro(name, "y", false, true);
  m->next = builtins;
  builtins = m;
}

/* Options whose names are not words ("*expand_..." internal ones) get no
 * macro, as in Exim. */
static bool usable(const optionlist *o) {
  return isalpha(uc(o->name[0])) && (!o->feature || feature_on(o->feature));
}

/* _HAVE_ names that Exim spells differently from the build feature. */
static const struct {
  const char *feature, *have;
} have_names[] = {
    {"CONTENT_SCAN", "CONTENT_SCANNING"},
    {"SUPPORT_MOVE_FROZEN", "MOVE_FROZEN_MESSAGES"},
    {"LMDB", "LOOKUP_LMDB"},
};

static void builtin_have(const build_feature *f) {
  if (!f->on) return;
  const char *how = f->how ? f->how : "";
  /* Driver types have _DRIVER_* macros instead. */
  if (strncmp(how, "ROUTER_", 7) == 0 || strncmp(how, "TRANSPORT_", 10) == 0 ||
      strncmp(how, "AUTH_", 5) == 0)
    return;
  for (size_t i = 0; i < sizeof have_names / sizeof have_names[0]; i++)
    if (strcmp(f->name, have_names[i].feature) == 0) {
      add_builtin("_HAVE_", have_names[i].have, NULL);
      return;
    }
  if (strncmp(how, "LOOKUP_", 7) == 0) add_builtin("_HAVE_LOOKUP_", f->name, NULL);
  else add_builtin("_HAVE_", f->name, NULL);
  if (strcmp(f->name, "TLS") == 0) add_builtin("_HAVE_", "OPENSSL", NULL);
}

static void builtin_kind(const driver_kind *k, const char *generic_prefix, const char *one) {
  for (size_t i = 0; i < k->generic_count; i++)
    if (usable(&k->generic[i])) add_builtin(generic_prefix, k->generic[i].name, NULL);
  if (!k->available) return;
  for (const driver_info *const *d = k->available; *d; d++) {
    add_builtin(str_sprintf("_DRIVER_%s_", one), (*d)->name, NULL);
    for (size_t i = 0; i < (*d)->options_count; i++)
      if (usable(&(*d)->options[i]))
        add_builtin(str_sprintf("_OPT_%s_", one), (*d)->name, (*d)->options[i].name);
  }
}

void macro_builtins_create(void) {
  if (builtins_made) return;
  builtins_made = true;
  store_pool old = store_pool_set(POOL_PERM);
  for (const build_feature *f = build_features; f->name; f++) builtin_have(f);
  {
    int n;
    const option_table *t = main_option_tables(&n);
    for (int i = 0; i < n; i++)
      for (size_t j = 0; j < t[i].count; j++)
        if (usable(&t[i].list[j])) add_builtin("_OPT_MAIN_", t[i].list[j].name, NULL);
  }
  builtin_kind(&router_kind, "_OPT_ROUTERS_", "ROUTER");
  builtin_kind(&transport_kind, "_OPT_TRANSPORTS_", "TRANSPORT");
  builtin_kind(&auth_kind, "_OPT_AUTHENTICATORS_", "AUTHENTICATOR");
  for (const log_selector_name *l = log_selector_names; l->name; l++) add_builtin("_LOG_", l->name, NULL);
  store_pool_set(old);
}

/* ---------------------------------------------------------------------
 * -bP macros / macro NAME / macro_list
 * ------------------------------------------------------------------- */

static void print_one(const macro_item *m, bool names_only, bool no_labels) {
  if (names_only) printf("%s\n", m->name);
  else if (no_labels) printf("%s\n", m->value);
  else printf("%s=%s\n", m->name, m->value);
}

bool readconf_print_macros_opt(const char *name, bool names_only, bool no_labels) {
  macro_builtins_create();
  bool any = false;
  for (int pass = 0; pass < 2; pass++)
    for (const macro_item *m = pass == 0 ? builtins : config.macros; m; m = m->next)
      if (!name || strcmp(name, m->name) == 0) {
        print_one(m, names_only, no_labels);
        any = true;
        if (name) return true;
      }
  if (name && !any) printf("macro %s not found\n", name);
  return any || !name;
}

void readconf_print_macros(const char *name) { (void)readconf_print_macros_opt(name, false, false); }
