/* dnslookup.h - private options block of the dnslookup router, shared by
 * its configuration half (dnslookup.c) and the routing code to come.
 */
#ifndef ROUTE_DNSLOOKUP_H
#define ROUTE_DNSLOOKUP_H

#include <stdbool.h>

typedef struct dnslookup_options {
  bool check_secondary_mx;
  const char *check_srv;
  const char *fail_defer_domains;
  const char *ipv4_only;
  const char *ipv4_prefer;
  const char *mx_domains;
  const char *mx_fail_domains;
  bool qualify_single;
  bool rewrite_headers;
  bool same_domain_copy_routing;
  bool search_parents;
  const char *srv_fail_domains;
  const char *widen_domains;
} dnslookup_options;

#endif
