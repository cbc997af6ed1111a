/* transport.c - the transport kind: generic transport options (spec
 * chapter 24), their defaults, transport_kind, the settings every
 * transport type's init applies, and the checks made once the transports
 * section is read.
 *
 * Entry points: transport_kind, transport_generic_init(),
 * transport_check_all(), transport_generic_option().
 * Must never: deliver messages or expand strings.
 */
#include "transport.h"

#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "../base/str.h"
#include "../modules.h"

#define TO(n, t, f) {n, (t) | opt_public, OPT_OFF(transport_instance, f), NULL, NULL}
#define TOF(n, t, f, feat) {n, (t) | opt_public, OPT_OFF(transport_instance, f), feat, NULL}

/* Sorted by name (strcmp order); test/unit/test_driver_tables.c checks. */
static const optionlist transport_generic_options[] = {
  TO("body_only", opt_bool, body_only),
  TO("current_directory", opt_stringptr, current_directory),
  TO("debug_print", opt_stringptr, debug_print),
  TO("delivery_date_add", opt_bool, delivery_date_add),
  TO("disable_logging", opt_bool, disable_logging),
  TO("driver", opt_stringptr, drv.driver_name),
  TO("envelope_to_add", opt_bool, envelope_to_add),
  TOF("event_action", opt_stringptr, event_action, "EVENT"),
  TO("group", opt_expand_gid, group),
  TO("headers_add", opt_stringptr | opt_rep_con, headers_add),
  TO("headers_only", opt_bool, headers_only),
  TO("headers_remove", opt_stringptr | opt_rep_str, headers_remove),
  TO("headers_rewrite", opt_rewrite, headers_rewrite),
  TO("home_directory", opt_stringptr, home_directory),
  TO("initgroups", opt_bool, initgroups),
  TO("max_parallel", opt_stringptr, max_parallel),
  TO("message_size_limit", opt_stringptr, message_size_limit),
  TO("rcpt_include_affixes", opt_bool, rcpt_include_affixes),
  TO("retry_use_local_part", opt_bool_set, retry_use_local_part),
  TO("return_path", opt_stringptr, return_path),
  TO("return_path_add", opt_bool, return_path_add),
  TO("shadow_condition", opt_stringptr, shadow_condition),
  TO("shadow_transport", opt_stringptr, shadow_transport),
  TO("transport_filter", opt_stringptr, transport_filter),
  TO("transport_filter_timeout", opt_time, transport_filter_timeout),
  TO("user", opt_expand_uid, user),
};

static const transport_instance transport_defaults = {
  .transport_filter_timeout = 300,
};

driver_kind transport_kind = {
  .section = "transports",
  .kind_name = "transport",
  .instance_size = sizeof(transport_instance),
  .instance_defaults = &transport_defaults,
  .generic = transport_generic_options,
  .generic_count = OPT_COUNT(transport_generic_options),
  .available = transport_drivers,
  .instances = NULL,
};

const optionlist *transport_generic_option(const char *name) {
  option_table t = {transport_generic_options, OPT_COUNT(transport_generic_options), NULL, NULL};
  return option_find(&t, 1, name, NULL);
}

const char *transport_generic_init(driver_instance *d) {
  transport_instance *t = (transport_instance *)d;
  const transport_ops *ops = d->info ? d->info->kind_ops : NULL;
  if (t->body_only && t->headers_only)
    return driver_error_plain("%s transport: body_only and headers_only are mutually exclusive",
                              d->name);
  if (!t->retry_use_local_part_set) t->retry_use_local_part = ops && ops->local;
  if (t->user.set && !t->user.numeric && !t->user.expand && !t->group.set && !t->group.expand &&
      !option_was_set(transport_generic_option("group"), t)) {
    struct passwd *pw = getpwuid((uid_t)t->user.id);
    if (pw) {
      t->group.id = pw->pw_gid;
      t->group.set = true;
    }
  }
  if (t->user.set && !t->group.set && !t->group.expand)
    return driver_error_plain("user set without group for the %s transport", d->name);
  return NULL;
}

const char *transport_check_all(void) {
  for (driver_instance *d = transport_kind.instances; d; d = d->next) {
    transport_instance *t = (transport_instance *)d;
    const transport_ops *ops = d->info ? d->info->kind_ops : NULL;
    if (t->shadow_transport && !(ops && ops->local))
      return driver_error_plain("shadow transport not allowed on non-local transport %s", d->name);
  }
  return NULL;
}
