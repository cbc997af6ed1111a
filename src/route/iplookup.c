/* iplookup.c - the iplookup router (spec chapter 19): private options with
 * Exim 4.96's types and defaults, and init (a port and a host list are
 * required; the protocol is udp or tcp).  A transport must not be set.
 * The response_pattern regular expression is compiled when the routing
 * code that uses it arrives; until then a bad pattern is found at use.
 * Entry point: router_iplookup.
 * Must never: send a query at configuration time.
 */
#include "router.h"

#include <string.h>

typedef struct iplookup_options {
  const char *hosts;
  bool optional;
  int port;
  const char *protocol;
  const char *query;
  const char *reroute;
  const char *response_pattern;
  int timeout;
  bool tcp;                         /* derived: protocol is tcp */
} iplookup_options;

#define IO(n, t, f) {n, t, OPT_OFF(iplookup_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist iplookup_option_list[] = {
  IO("hosts", opt_stringptr, hosts),
  IO("optional", opt_bool, optional),
  IO("port", opt_int, port),
  IO("protocol", opt_stringptr, protocol),
  IO("query", opt_stringptr, query),
  IO("reroute", opt_stringptr, reroute),
  IO("response_pattern", opt_stringptr, response_pattern),
  IO("timeout", opt_time, timeout),
};

/* An unset protocol means udp (-bP shows it unset, as Exim's does). */
static const iplookup_options iplookup_defaults = {
  .protocol = NULL,
  .timeout = 5,
};

static const char *iplookup_init(driver_instance *d) {
  const char *err = router_generic_init(d);
  if (err) return err;
  iplookup_options *ob = d->options_block;
  if (ob->port <= 0) return driver_error(d, "router", "a port must be specified");
  if (!ob->hosts) return driver_error(d, "router", "a host list must be specified");
  if (!ob->protocol || strcmp(ob->protocol, "udp") == 0) ob->tcp = false;
  else if (strcmp(ob->protocol, "tcp") == 0) ob->tcp = true;
  else return driver_error(d, "router", "protocol not specified as udp or tcp");
  return NULL;
}

static const router_ops iplookup_ops = {.flags = RI_NOTRANSPORT};

const driver_info router_iplookup = {
  .name = "iplookup",
  .options = iplookup_option_list,
  .options_count = OPT_COUNT(iplookup_option_list),
  .options_defaults = &iplookup_defaults,
  .options_size = sizeof(iplookup_options),
  .init = iplookup_init,
  .kind_ops = &iplookup_ops,
};
