/* manualroute.c - the manualroute router (spec chapter 20): private
 * options and init (host_find_failed / host_all_ignored values, exactly one
 * of route_list and route_data).
 * Entry point: router_manualroute.
 * Must never: look up hosts at configuration time.
 */
#include "router.h"

#include <string.h>

#include "manualroute.h"

#define MO(n, t, f) {n, t, OPT_OFF(manualroute_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist manualroute_option_list[] = {
  MO("host_all_ignored", opt_stringptr, host_all_ignored),
  MO("host_find_failed", opt_stringptr, host_find_failed),
  MO("hosts_randomize", opt_bool, hosts_randomize),
  MO("route_data", opt_stringptr, route_data),
  MO("route_list", opt_stringptr, route_list),
  MO("same_domain_copy_routing", opt_bool, same_domain_copy_routing),
};

static const manualroute_options manualroute_defaults = {
  .host_all_ignored = "defer",
  .host_find_failed = "freeze",
};

/* Words host_find_failed accepts; host_all_ignored takes all but "ignore". */
static const char *const hff_words[] = {"freeze", "defer", "pass", "decline", "fail", "ignore"};

static int hff_code(const char *s, bool allow_ignore) {
  for (int i = 0; i < (int)(sizeof hff_words / sizeof hff_words[0]); i++)
    if (strcmp(s, hff_words[i]) == 0) return (!allow_ignore && i == MR_IGNORE) ? -1 : i;
  return -1;
}

static const char *manualroute_init(driver_instance *d) {
  const char *err = router_generic_init(d);
  if (err) return err;
  manualroute_options *ob = d->options_block;
  if ((ob->hff_code = hff_code(ob->host_find_failed, true)) < 0)
    return driver_error(d, "router", "unrecognized setting for host_find_failed option");
  if ((ob->hai_code = hff_code(ob->host_all_ignored, false)) < 0)
    return driver_error(d, "router", "unrecognized setting for host_all_ignored option");
  if ((ob->route_list == NULL) == (ob->route_data == NULL))
    return driver_error(d, "router", "route_list or route_data (but not both) must be specified");
  return NULL;
}

static const router_ops manualroute_ops = {.flags = 0};

const driver_info router_manualroute = {
  .name = "manualroute",
  .options = manualroute_option_list,
  .options_count = OPT_COUNT(manualroute_option_list),
  .options_defaults = &manualroute_defaults,
  .options_size = sizeof(manualroute_options),
  .init = manualroute_init,
  .kind_ops = &manualroute_ops,
};
