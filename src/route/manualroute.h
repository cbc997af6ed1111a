/* manualroute.h - private options block of the manualroute router. */
#ifndef ROUTE_MANUALROUTE_H
#define ROUTE_MANUALROUTE_H

#include <stdbool.h>

/* host_find_failed / host_all_ignored codes, in the order of the words. */
enum { MR_FREEZE, MR_DEFER, MR_PASS, MR_DECLINE, MR_FAIL, MR_IGNORE };

typedef struct manualroute_options {
  const char *host_all_ignored;
  const char *host_find_failed;
  bool hosts_randomize;
  const char *route_data;
  const char *route_list;
  bool same_domain_copy_routing;
  int hff_code;                     /* derived by init */
  int hai_code;
} manualroute_options;

#endif
