/* driver.c - driver instances once read: finding them, printing them for
 * -bP (router/transport/authenticator NAME, routers/transports/
 * authenticators, *_list), the error texts of driver checks, and the
 * checks made across instances after every section is read.
 *
 * Entry points (driver.h): driver_find, driver_find_option,
 * driver_print_instance, driver_print_all, driver_print_names,
 * driver_error, driver_error_plain, drivers_check_references.
 * Must never: change an instance's options (printing is read-only), or list
 * an option whose build feature is off (Exim's table would not have it).
 */
#include "driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../base/str.h"
#include "../modules.h"
#include "../route/router.h"
#include "../transport/transport.h"

const char *driver_error(const driver_instance *d, const char *kind_name, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_fmt(NULL, " for %s %s:\n  ", d->name, kind_name);
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  return str_perm(g_str(g));
}

const char *driver_error_plain(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_cat(NULL, ":\n  ");
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  return str_perm(g_str(g));
}

driver_instance *driver_find(const driver_kind *k, const char *name) {
  for (driver_instance *d = k->instances; d; d = d->next)
    if (strcmp(d->name, name) == 0) return d;
  return NULL;
}

const optionlist *driver_find_option(const driver_kind *k, const driver_instance *d,
                                     const char *name, const void **base) {
  option_table t[2] = {
    {k->generic, k->generic_count, (void *)d, NULL},
    {d->info ? d->info->options : NULL, d->info ? d->info->options_count : 0, d->options_block,
     NULL},
  };
  int which = 0;
  const optionlist *o = option_find(t, t[1].count ? 2 : 1, name, &which);
  if (o && base) *base = t[which].base;
  return o;
}

/* One option line, unless Exim would not list it. */
static gstring *print_option(gstring *g, const optionlist *o, const void *base, bool admin) {
  if ((o->type & opt_mask) == opt_bool_verify) return g;
  if (o->type & opt_unprintable) return g;
  if (o->feature && !feature_on(o->feature)) return g;
  g = option_print(g, o, base, admin);
  return g_catc(g, '\n');
}

static gstring *print_instance(gstring *g, const driver_kind *k, const driver_instance *d,
                               bool admin) {
  for (size_t i = 0; i < k->generic_count; i++) g = print_option(g, &k->generic[i], d, admin);
  if (d->info && d->options_block)
    for (size_t i = 0; i < d->info->options_count; i++)
      g = print_option(g, &d->info->options[i], d->options_block, admin);
  return g;
}

static void emit(gstring *g) {
  if (g && g->len) fwrite(g->s, 1, g->len, stdout);
}

void driver_print_instance(const driver_kind *k, const driver_instance *d, bool admin) {
  store_mark *m = store_mark_take(POOL_MAIN);
  emit(print_instance(NULL, k, d, admin));
  store_reset(m);
}

void driver_print_all(const driver_kind *k, bool admin) {
  for (const driver_instance *d = k->instances; d; d = d->next) {
    store_mark *m = store_mark_take(POOL_MAIN);
    gstring *g = g_fmt(NULL, "\n%s %s:\n", d->name, k->kind_name);
    emit(print_instance(g, k, d, admin));
    store_reset(m);
  }
}

void driver_print_names(const driver_kind *k) {
  for (const driver_instance *d = k->instances; d; d = d->next) printf("%s\n", d->name);
}

const char *driver_kind_check(const driver_kind *k) {
  if (k == &router_kind) return router_check_all();
  if (k == &transport_kind) return transport_check_all();
  if (k == &auth_kind) return auth_check_all();
  return NULL;
}

const char *drivers_check_references(void) {
  const char *err;
  if ((err = router_check_all())) return err;
  if ((err = transport_check_all())) return err;
  if ((err = auth_check_all())) return err;
  return NULL;
}
