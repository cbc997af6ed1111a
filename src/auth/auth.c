/* auth.c - the authenticator kind: generic authenticator options (spec
 * chapter 33), auth_kind, the generic part of init and the checks made once
 * the authenticators section is read.
 *
 * Entry points: auth_kind, auth_generic_init(), auth_check_all().
 * Must never: talk SMTP or expand strings.
 */
#include "auth.h"

#include <string.h>

#include "../base/str.h"
#include "../modules.h"

#define AO(n, t, f) {n, (t) | opt_public, OPT_OFF(auth_instance, f), NULL, NULL}

/* Sorted by name (strcmp order); test/unit/test_driver_tables.c checks. */
static const optionlist auth_generic_options[] = {
  AO("client_condition", opt_stringptr, client_condition),
  AO("client_set_id", opt_stringptr, client_set_id),
  AO("driver", opt_stringptr, drv.driver_name),
  AO("public_name", opt_stringptr, public_name),
  AO("server_advertise_condition", opt_stringptr, server_advertise_condition),
  AO("server_condition", opt_stringptr, server_condition),
  AO("server_debug_print", opt_stringptr, server_debug_print),
  AO("server_mail_auth_condition", opt_stringptr, server_mail_auth_condition),
  AO("server_set_id", opt_stringptr, server_set_id),
};

static const auth_instance auth_defaults = {.server = false};

driver_kind auth_kind = {
  .section = "authenticators",
  .kind_name = "authenticator",
  .instance_size = sizeof(auth_instance),
  .instance_defaults = &auth_defaults,
  .generic = auth_generic_options,
  .generic_count = OPT_COUNT(auth_generic_options),
  .available = auth_drivers,
  .instances = NULL,
};

const char *auth_generic_init(driver_instance *d) {
  auth_instance *a = (auth_instance *)d;
  const auth_ops *ops = d->info ? d->info->kind_ops : NULL;
  if (!a->public_name) {
    if (ops && ops->public_name_from_instance)
      a->public_name = d->name;
    else
      return driver_error_plain("no public name specified for the %s authenticator", d->name);
  }
  return NULL;
}

const char *auth_check_all(void) {
  for (driver_instance *d = auth_kind.instances; d; d = d->next) {
    auth_instance *a = (auth_instance *)d;
    if (!a->server || !a->public_name) continue;
    for (driver_instance *e = d->next; e; e = e->next) {
      auth_instance *b = (auth_instance *)e;
      if (b->server && b->public_name && str_eqic(a->public_name, b->public_name))
        return driver_error_plain(
            "two server authenticators (%s and %s) have the same public name (%s)", d->name,
            e->name, a->public_name);
    }
  }
  return NULL;
}
