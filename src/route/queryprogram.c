/* queryprogram.c - the queryprogram router (spec chapter 21): private
 * options and init (a command and command_user are required; a fixed
 * command_user without command_group gives that user's group).
 * Entry point: router_queryprogram.
 * Must never: run the command at configuration time.
 */
#include "router.h"

#include <pwd.h>

#include "queryprogram.h"

#define QO(n, t, f) {n, t, OPT_OFF(queryprogram_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist queryprogram_option_list[] = {
  QO("command", opt_stringptr, command),
  QO("command_group", opt_expand_gid, command_group),
  QO("command_user", opt_expand_uid, command_user),
  QO("current_directory", opt_stringptr, current_directory),
  QO("timeout", opt_time, timeout),
};

static const queryprogram_options queryprogram_defaults = {
  .current_directory = "/",
  .timeout = 3600,
};

static const char *queryprogram_init(driver_instance *d) {
  const char *err = router_generic_init(d);
  if (err) return err;
  queryprogram_options *ob = d->options_block;
  if (!ob->command) return driver_error(d, "router", "a command specification is required");
  if (!ob->command_user.set && !ob->command_user.expand)
    return driver_error(d, "router", "command_user must be specified");
  if (ob->command_user.set && !ob->command_user.numeric && !ob->command_group.set && !ob->command_group.expand) {
    struct passwd *pw = getpwuid((uid_t)ob->command_user.id);
    if (pw) {
      ob->command_group.id = pw->pw_gid;
      ob->command_group.set = true;
    }
  }
  return NULL;
}

static const router_ops queryprogram_ops = {.flags = 0};

const driver_info router_queryprogram = {
  .name = "queryprogram",
  .options = queryprogram_option_list,
  .options_count = OPT_COUNT(queryprogram_option_list),
  .options_defaults = &queryprogram_defaults,
  .options_size = sizeof(queryprogram_options),
  .init = queryprogram_init,
  .kind_ops = &queryprogram_ops,
};
