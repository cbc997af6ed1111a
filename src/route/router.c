/* router.c - the router kind: generic router options (spec chapter 15),
 * their defaults, router_kind, the settings every router type's init
 * applies, and the checks Exim makes once the routers section is read.
 *
 * Entry points: router_kind, router_generic_init(), router_check_all(),
 * router_condition_func / router_set_func (option readers for "condition"
 * and "set", which combine repeated settings as Exim does).
 * Must never: route addresses or expand strings (later layers do that).
 */
#include "router.h"

#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "../base/str.h"
#include "../modules.h"

/* "condition" given several times: the conditions are combined so that
 * all must be true, and -bP shows the combined expansion. */
static const char *read_condition(const optionlist *opt, void *base, const char *value) {
  const char **field = (const char **)((char *)base + opt->offset);
  if (*field)
    *field = str_perm(str_sprintf("${if and{{bool_lax{%s}}{bool_lax{%s}}}}", *field, value));
  else
    *field = str_perm(value);
  return NULL;
}

static gstring *print_string(gstring *g, const optionlist *opt, const void *base) {
  const char *s = *(const char *const *)((const char *)base + opt->offset);
  g = g_fmt(g, "%s = ", opt->name);
  return s ? g_cat(g, option_printing(s)) : g;
}

/* "set" given several times: the settings form one ';'-separated list; a
 * leading "<;" separator specification is dropped. */
static const char *read_set(const optionlist *opt, void *base, const char *value) {
  const char **field = (const char **)((char *)base + opt->offset);
  if (value[0] == '<' && value[1] == ';') value = str_skip_space(value + 2);
  *field = str_perm(*field ? str_sprintf("%s;%s", *field, value) : value);
  return NULL;
}

const option_func router_condition_func = {read_condition, print_string};
const option_func router_set_func = {read_set, print_string};

#define RO(n, t, f) {n, (t) | opt_public, OPT_OFF(router_instance, f), NULL, NULL}
#define ROF(n, t, f, feat) {n, (t) | opt_public, OPT_OFF(router_instance, f), feat, NULL}
#define ROX(n, t, f, aux) {n, (t) | opt_public, OPT_OFF(router_instance, f), NULL, aux}

/* Sorted by name (strcmp order); test/unit/test_driver_tables.c checks. */
static const optionlist router_generic_options[] = {
  RO("address_data", opt_stringptr, address_data),
  RO("address_test", opt_bool, address_test),
  ROF("bmi_deliver_alternate", opt_bool, bmi_deliver_alternate, "BMI"),
  ROF("bmi_deliver_default", opt_bool, bmi_deliver_default, "BMI"),
  ROF("bmi_dont_deliver", opt_bool, bmi_dont_deliver, "BMI"),
  ROF("bmi_rule", opt_stringptr, bmi_rule, "BMI"),
  RO("cannot_route_message", opt_stringptr, cannot_route_message),
  RO("caseful_local_part", opt_bool, caseful_local_part),
  RO("check_local_user", opt_bool, check_local_user),
  ROX("condition", opt_func | opt_rep_con, condition, &router_condition_func),
  RO("debug_print", opt_stringptr, debug_print),
  RO("disable_logging", opt_bool, disable_logging),
  RO("dnssec_request_domains", opt_stringptr, dnssec_request_domains),
  RO("dnssec_require_domains", opt_stringptr, dnssec_require_domains),
  RO("domains", opt_stringptr, domains),
  RO("driver", opt_stringptr, drv.driver_name),
  RO("dsn_lasthop", opt_bool, dsn_lasthop),
  RO("errors_to", opt_stringptr, errors_to),
  RO("expn", opt_bool, expn),
  RO("fail_verify", opt_bool_verify, fail_verify_sender),
  RO("fail_verify_recipient", opt_bool, fail_verify_recipient),
  RO("fail_verify_sender", opt_bool, fail_verify_sender),
  RO("fallback_hosts", opt_stringptr, fallback_hosts),
  RO("group", opt_expand_gid, group),
  RO("headers_add", opt_stringptr | opt_rep_con, headers_add),
  RO("headers_remove", opt_stringptr | opt_rep_str, headers_remove),
  RO("ignore_target_hosts", opt_stringptr, ignore_target_hosts),
  RO("initgroups", opt_bool, initgroups),
  RO("local_part_prefix", opt_stringptr, local_part_prefix),
  RO("local_part_prefix_optional", opt_bool, local_part_prefix_optional),
  RO("local_part_suffix", opt_stringptr, local_part_suffix),
  RO("local_part_suffix_optional", opt_bool, local_part_suffix_optional),
  RO("local_parts", opt_stringptr, local_parts),
  RO("log_as_local", opt_bool_set, log_as_local),
  RO("more", opt_expand_bool, more),
  RO("pass_on_timeout", opt_bool, pass_on_timeout),
  RO("pass_router", opt_stringptr, pass_router_name),
  RO("redirect_router", opt_stringptr, redirect_router_name),
  RO("require_files", opt_stringptr, require_files),
  RO("retry_use_local_part", opt_bool_set, retry_use_local_part),
  RO("router_home_directory", opt_stringptr, router_home_directory),
  RO("self", opt_stringptr, self),
  RO("senders", opt_stringptr, senders),
  ROX("set", opt_func | opt_rep_str, set, &router_set_func),
  ROF("translate_ip_address", opt_stringptr, translate_ip_address, "TRANSLATE_IP_ADDRESS"),
  RO("transport", opt_stringptr, transport_name),
  RO("transport_current_directory", opt_stringptr, transport_current_directory),
  RO("transport_home_directory", opt_stringptr, transport_home_directory),
  RO("unseen", opt_expand_bool, unseen),
  RO("user", opt_expand_uid, user),
  RO("verify", opt_bool_verify, verify_sender),
  RO("verify_only", opt_bool, verify_only),
  RO("verify_recipient", opt_bool, verify_recipient),
  RO("verify_sender", opt_bool, verify_sender),
};

static const router_instance router_defaults = {
  .address_test = true,
  .dnssec_request_domains = "*",
  .expn = true,
  .more = {NULL, true},
  .self = "freeze",
  .unseen = {NULL, false},
  .verify_sender = true,
  .verify_recipient = true,
};

driver_kind router_kind = {
  .section = "routers",
  .kind_name = "router",
  .instance_size = sizeof(router_instance),
  .instance_defaults = &router_defaults,
  .generic = router_generic_options,
  .generic_count = OPT_COUNT(router_generic_options),
  .available = router_drivers,
  .instances = NULL,
};

static const optionlist *generic_opt(const char *name) {
  option_table t = {router_generic_options, OPT_COUNT(router_generic_options), NULL, NULL};
  return option_find(&t, 1, name, NULL);
}

const char *router_generic_init(driver_instance *d) {
  router_instance *r = (router_instance *)d;
  const router_ops *ops = d->info ? d->info->kind_ops : NULL;

  /* retry_use_local_part defaults to true when the router's choice can
   * depend on the local part; log_as_local to the type's own default (true
   * for accept). */
  if (!r->retry_use_local_part_set)
    r->retry_use_local_part = r->check_local_user || r->local_parts || r->condition ||
                              r->local_part_prefix || r->local_part_suffix || r->senders ||
                              r->require_files;
  if (!r->log_as_local_set) r->log_as_local = ops && ops->log_as_local;

  /* A fixed user without a group gives the group of that user. */
  if (r->user.set && !r->user.numeric && !r->user.expand && !r->group.set && !r->group.expand &&
      !option_was_set(generic_opt("group"), r)) {
    struct passwd *pw = getpwuid((uid_t)r->user.id);
    if (pw) {
      r->group.id = pw->pw_gid;
      r->group.set = true;
    }
  }
  return NULL;
}

/* Parse "self"; NULL when the value is not one Exim accepts. */
static bool parse_self(router_instance *r) {
  static const struct { const char *word; router_self code; } words[] = {
    {"freeze", SELF_FREEZE}, {"defer", SELF_DEFER}, {"fail", SELF_FAIL},
    {"send", SELF_SEND}, {"pass", SELF_PASS}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(r->self, words[i].word) == 0) {
      r->self_code = words[i].code;
      return true;
    }
  if (strncmp(r->self, "reroute:", 8) == 0) {
    r->self_code = SELF_REROUTE;
    r->self_reroute = r->self + 8;
    return true;
  }
  return false;
}

/* A pass_router must name a router that comes later; a redirect_router any
 * router. */
static const char *find_router(router_instance *r, const char *name, bool need_later,
                               router_instance **out) {
  bool later = false;
  for (driver_instance *d = router_kind.instances; d; d = d->next) {
    if (strcmp(d->name, name) == 0) {
      if (need_later && !later) return driver_error_plain("new_router \"%s\" does not follow \"%s\" router", name,
                                           r->drv.name);
      *out = (router_instance *)d;
      return NULL;
    }
    if (d == &r->drv) later = true;
  }
  return driver_error_plain("new_router \"%s\" not found for \"%s\" router", name, r->drv.name);
}

const char *router_check_all(void) {
  for (driver_instance *d = router_kind.instances; d; d = d->next) {
    router_instance *r = (router_instance *)d;
    const router_ops *ops = d->info ? d->info->kind_ops : NULL;
    unsigned flags = ops ? ops->flags : 0;
    if (!r->transport_name && (flags & RI_YESTRANSPORT))
      return driver_error_plain("%s router:\n  a transport is required for this router", d->name);
    if (r->transport_name && (flags & RI_NOTRANSPORT))
      return driver_error_plain("%s router:\n  a transport must not be defined for this router",
                                d->name);
    if (r->self && !parse_self(r))
      return driver_error(d, "router", "%s is not valid for the self option", r->self);
    const char *err;
    if (r->pass_router_name && (err = find_router(r, r->pass_router_name, true, &r->pass_router)))
      return err;
    if (r->redirect_router_name &&
        (err = find_router(r, r->redirect_router_name, false, &r->redirect_router)))
      return err;
  }
  return NULL;
}
