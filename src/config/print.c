/* print.c - "-bP": print configuration values as Exim does.
 *
 * Entry points (print.h): bp_main(), bp_print_main_options().
 * Main options are printed here through option_print(); driver instances,
 * named lists, macros and the configuration text are printed by the reader's
 * and the drivers' printers, to which this file only dispatches.
 *
 * Must never: show a hidden value to a non-admin caller, or print an option
 * whose build feature is off (it does not exist in this build).
 */
#include "print.h"

#include <stdio.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../modules.h"
#include "driver.h"
#include "main_config.h"
#include "option.h"
#include "readconf.h"

extern char **environ;

static void put_line(gstring *g) {
  fwrite(g ? g->s : "", 1, g ? g->len : 0, stdout);
  fputc('\n', stdout);
}

static bool printable_main(const optionlist *o) {
  return !(o->feature && !feature_on(o->feature)) && (o->type & opt_mask) != opt_bool_verify;
}

static void print_main_one(const optionlist *o, const void *base, bool admin, bool no_labels) {
  store_mark *m = store_mark_take(POOL_MAIN);
  gstring *g = no_labels ? option_print_value(NULL, o, base, admin) : option_print(NULL, o, base, admin);
  put_line(g);
  store_reset(m);
}

void bp_print_main_options(bool admin, bool no_labels) {
  int n;
  const option_table *t = main_option_tables(&n);
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < t[i].count; j++) {
      const optionlist *o = &t[i].list[j];
      if (!printable_main(o) || (o->type & opt_unprintable)) continue;
      print_main_one(o, t[i].base, admin, no_labels);
    }
}

/* "+name": every named list of that name, whatever its kind (reader). */
static int print_named(const char *name, bool no_labels) {
  return readconf_print_named_lists(name, no_labels) ? 0 : 1;
}

static driver_kind *kind_by_name(const char *word, bool *plural, bool *list) {
  static const struct {
    const char *one;
    int which;
  } kinds[] = {{"router", 0}, {"transport", 1}, {"authenticator", 2}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    size_t l = strlen(kinds[i].one);
    if (strncmp(word, kinds[i].one, l) != 0) continue;
    const char *rest = word + l;
    if (*rest && strcmp(rest, "s") != 0 && strcmp(rest, "_list") != 0) continue;
    *plural = strcmp(rest, "s") == 0;
    *list = strcmp(rest, "_list") == 0;
    return i == 0 ? &router_kind : i == 1 ? &transport_kind : &auth_kind;
  }
  return NULL;
}

int bp_main(int argc, char **argv, bool admin) {
  bool no_labels = false;
  int i = 0;
  while (i < argc && strcmp(argv[i], "-n") == 0) {
    no_labels = true;
    i++;
  }
  if (i >= argc) {
    bp_print_main_options(admin, no_labels);
    return 0;
  }

  int rc = 0;
  for (; i < argc; i++) {
    const char *w = argv[i];
    rc = 0;

    if (strcmp(w, "all") == 0) {
      bp_print_main_options(admin, no_labels);
      continue;
    }
    if (strcmp(w, "config_file") == 0 || strcmp(w, "configure_file") == 0) {
      printf("%s\n", config.filename);
      continue;
    }
    if (strcmp(w, "config") == 0) {
      readconf_print_config_opt(admin, no_labels);
      continue;
    }
    /* Macros may hold passwords: admin users only (spec 5, -bP). */
    if (!admin && (strcmp(w, "macros") == 0 || strcmp(w, "macro_list") == 0 ||
                   (strcmp(w, "macro") == 0 && i + 1 < argc))) {
      fflush(stdout);
      fprintf(stderr, "exim: permission denied\n");
      return 1;
    }
    if (strcmp(w, "macros") == 0) {
      readconf_print_macros_opt(NULL, false, no_labels);
      continue;
    }
    if (strcmp(w, "macro_list") == 0) {
      readconf_print_macros_opt(NULL, true, no_labels);
      continue;
    }
    if (strcmp(w, "macro") == 0 && i + 1 < argc) {
      const char *name = argv[++i];
      if (!readconf_print_macros_opt(name, false, no_labels)) rc = 1;
      continue;
    }
    if (strcmp(w, "environment") == 0) {
      if (admin)
        for (char **e = environ; e && *e; e++) printf("%s\n", *e);
      continue;
    }
    if (strcmp(w, "local_scan") == 0) {
      printf("local_scan() options are not supported\n");
      rc = 1;
      continue;
    }
    if (w[0] == '+') {
      rc = print_named(w + 1, no_labels);
      continue;
    }

    bool plural = false, list = false;
    driver_kind *k = kind_by_name(w, &plural, &list);
    if (k && plural) {
      option_print_no_labels = no_labels;
      driver_print_all(k, admin);
      option_print_no_labels = false;
      continue;
    }
    if (k && list) {
      driver_print_names(k);
      continue;
    }
    if (k && i + 1 < argc) {
      const char *name = argv[++i];
      const driver_instance *d = driver_find(k, name);
      if (!d) {
        printf("%s %s not found\n", k->kind_name ? k->kind_name : w, name);
        rc = 1;
        continue;
      }
      option_print_no_labels = no_labels;
      driver_print_instance(k, d, admin);
      option_print_no_labels = false;
      continue;
    }

    /* A main option. */
    int n;
    const option_table *t = main_option_tables(&n);
    int which = 0;
    const optionlist *o = option_find(t, n, w, &which);
    if (!o || !printable_main(o)) {
      printf("%s is not a known option\n", w);
      rc = 1;
      continue;
    }
    print_main_one(o, t[which].base, admin, no_labels);
  }
  fflush(stdout);
  return rc;
}
