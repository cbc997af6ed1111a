/* manualroute.c - the manualroute router (spec chapter 20): private
 * options and init (host_find_failed / host_all_ignored values, exactly one
 * of route_list and route_data), and routing: the rule for the domain, its
 * host list (expanded) and options, the hosts' addresses for a remote
 * transport, host_find_failed / host_all_ignored, self.
 * Entry point: router_manualroute.
 * Must never: look up hosts at configuration time; look up hosts for a
 * local transport (the list is only passed on as $host).
 */
#include "router.h"

#include <string.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "../expand/variables.h"
#include "../transport/transport.h"
#include "manualroute.h"
#include "route.h"

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

/* The next white-space separated word of *pp ("..." quoted, with
 * backslash escapes); NULL at the end. */
static char *next_word(const char **pp) {
  const char *p = str_skip_space(*pp);
  if (!*p) return NULL;
  gstring *g = g_new(32, is_tainted(p));
  if (*p == '"') {
    p++;
    while (*p && *p != '"') {
      if (*p == '\\' && p[1]) {
        p++;
        g = g_catc(g, (char)str_escape(&p));
        continue;
      }
      g = g_catc(g, *p++);
    }
    if (*p == '"') p++;
  } else {
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') g = g_catc(g, *p++);
  }
  *pp = p;
  return g_str(g);
}

/* The host list and options for a's domain: from the first route_list
 * rule whose pattern matches, or from route_data.  OK, DECLINE, DEFER. */
static int find_rule(router_instance *r, manualroute_options *ob, address_item *a,
                     const char **hosts, const char **options) {
  const char *err = NULL;
  if (ob->route_list) {
    const char *list = ob->route_list;
    int sep = ';';
    char *rule;
    while ((rule = list_next(&list, &sep))) {
      const char *p = rule;
      char *pattern = next_word(&p);
      if (!pattern) continue;
      const char *data = NULL;
      match_rc m = match_domain_list(a->domain, pattern, &data, &err);
      if (m == MATCH_DEFER) {
        a->message = str_sprintf("lookup defer in route_list for %s: %s", a->domain,
                                 err ? err : "");
        return DEFER;
      }
      if (m != MATCH_YES) continue;
      const char *zero[1] = {a->domain};
      if (!expand_numeric(1)) expand_set_numeric(1, zero);
      expand_set_value(data);
      *hosts = next_word(&p);
      *options = p;
      return *hosts ? OK : DECLINE;
    }
    return DECLINE;
  }
  const char *d = expand_cstring(ob->route_data);
  if (!d) {
    if (expand_status.forced_fail) return DECLINE;
    a->message = str_sprintf("failed to expand \"%s\": %s", ob->route_data, expand_status.message);
    return DEFER;
  }
  const char *p = d;
  *hosts = next_word(&p);
  *options = p;
  return *hosts && **hosts ? OK : DECLINE;
}

static int mr_route(router_instance *r, address_item *a, const struct passwd *pw,
                    route_ctx *ctx) {
  manualroute_options *ob = r->drv.options_block;
  const char *hosts = NULL, *options = "";
  int rc = find_rule(r, ob, a, &hosts, &options);
  if (rc != OK) return rc;

  /* The options: randomize, no_randomize, byname, bydns, ipv4_only,
   * ipv4_prefer, or a transport name. */
  bool randomize = ob->hosts_randomize;
  unsigned how = 0;
  const char *tname = NULL;
  char *w;
  while ((w = next_word(&options))) {
    if (strcmp(w, "randomize") == 0) randomize = true;
    else if (strcmp(w, "no_randomize") == 0) randomize = false;
    else if (strcmp(w, "byname") == 0) how |= RH_BYNAME;
    else if (strcmp(w, "bydns") == 0) how |= RH_BYDNS;
    else if (strcmp(w, "ipv4_only") == 0) how |= RH_IPV4_ONLY;
    else if (strcmp(w, "ipv4_prefer") == 0) how |= RH_IPV4_PREFER;
    else if (driver_find(&transport_kind, w)) tname = w;
    else {
      a->message = str_sprintf("bad option or transport \"%s\" in %s router", w, r->drv.name);
      return ERROR;
    }
  }

  const char *list = expand_cstring(hosts);
  if (!list) {
    if (expand_status.forced_fail) return DECLINE;
    a->message = str_sprintf("%s router: failed to expand \"%s\": %s", r->drv.name, hosts, expand_status.message);
    return DEFER;
  }
  if (!*list) return DECLINE;

  struct transport_instance *t = NULL;
  if (tname || r->transport_name) {
    t = route_get_transport(r, tname ? tname : r->transport_name, a);
    if (!t) return DEFER;
  }

  /* A local transport gets the list as it is, in $host. */
  if (t && route_transport_is_local(t)) {
    host_item *one = store_zget(sizeof *one, false);
    one->name = list;
    one->port = PORT_NONE;
    one->mx = MX_NONE;
    a->host_list = one;
    a->transport = t;
    return OK;
  }

  host_item *hl = route_hosts_parse(list, randomize);
  if (!hl) return DECLINE;
  const char *failed = NULL;
  if (ob->hff_code == MR_IGNORE) how |= RH_IGNORE_FAILED;
  rc = route_hosts_lookup(r, a, &hl, how, &failed);
  if (rc == HOST_FIND_AGAIN) {
    if (r->pass_on_timeout) return PASS;
    if (!a->message)
      a->message = str_sprintf("host lookup for %s did not complete (DNS timeout?)", failed);
    return DEFER;
  }
  if (rc == HOST_FIND_FAILED) {
    a->host_list = route_hosts_parse(list, false);   /* as exim4 leaves it */
    route_log_no_address(failed);
    int code = ob->hff_code == MR_IGNORE ? ob->hai_code : ob->hff_code;
    a->message = ob->hff_code == MR_IGNORE && !failed
                     ? str_sprintf("lookup failed for all hosts in %s router: host_find_failed=%s "
                                   "host_all_ignored=%s", r->drv.name, ob->host_find_failed,
                                   ob->host_all_ignored)
                     : str_sprintf("lookup of host \"%s\" failed in %s router", failed,
                                   r->drv.name);
    switch (code) {
    case MR_PASS:
      a->message = NULL;
      return PASS;
    case MR_DECLINE:
      a->message = NULL;
      return DECLINE;
    case MR_FAIL:
      a->basic_errno = ERRNO_UNKNOWNHOST;
      return FAIL;
    case MR_FREEZE:
      a->special_action = SPECIAL_FREEZE;
      /* fall through */
    default:
      a->basic_errno = ERRNO_UNKNOWNHOST;
      return DEFER;
    }
  }
  a->host_list = hl;
  a->transport = t;
  if (r->fallback_hosts) a->fallback_hosts = route_hosts_parse(r->fallback_hosts, false);
  if (route_host_is_local(hl)) {
    int before = a->child_count;
    rc = route_self(r, a, hl, ctx);
    if (rc != OK || a->child_count != before) {
      a->host_list = NULL;         /* failed, passed, or rerouted */
      a->transport = NULL;
    }
    return rc;
  }
  return OK;
}

static const router_ops manualroute_ops = {.flags = 0, .route = mr_route};

const driver_info router_manualroute = {
  .name = "manualroute",
  .options = manualroute_option_list,
  .options_count = OPT_COUNT(manualroute_option_list),
  .options_defaults = &manualroute_defaults,
  .options_size = sizeof(manualroute_options),
  .init = manualroute_init,
  .kind_ops = &manualroute_ops,
};
