/* match_int.h - what the list-matching files (match.c, match_item.c,
 * match_host.c) share: the context of one list check and the item checkers.
 *
 * Not a public interface: everything else uses match.h.  Nothing here may
 * keep state between list checks except the named-list cache in match.c.
 */
#ifndef EXPAND_MATCH_INT_H
#define EXPAND_MATCH_INT_H

#include <stdbool.h>

#include "../config/readconf.h"
#include "match.h"

/* Internal result of a host item whose name or address cannot be found
 * (spec 10.15); never returned by the public functions. */
#define MATCH_UNKNOWN 3

typedef enum { MT_DOMAIN, MT_LOCALPART, MT_ADDRESS, MT_HOST, MT_STRING } match_type;

typedef struct match_ctx {
  match_type type;
  named_list_kind nlkind;     /* kind of "+name" items at top level */
  const char *subject;        /* domain / local part / address / string */
  const char *orig_subject;   /* before lowercasing (for "+caseful") */
  bool caseless;
  const char *host_name;      /* host lists: NULL unknown, "" not found */
  const char *host_address;   /* host lists: NULL or "" when no remote host */
  const char *value;          /* value of the matching item ($domain_data...) */
  const char *error;          /* set with MATCH_DEFER */
  bool include_unknown, ignore_unknown, include_defer, ignore_defer;
  bool query;                 /* the last lookup item was query-style */
  bool ip_only;               /* match_ip: address items only */
  int depth;                  /* named-list nesting */
} match_ctx;

/* Check one list (expanding it first when `expand`).  The engine in
 * match.c: negation, +named lists with caching, files of items. */
match_rc match_list_run(match_ctx *c, const char *list, bool expand);

/* Per-type item checks (one pattern, no negation, no file names). */
match_rc match_domain_item(match_ctx *c, const char *subject, const char *pattern,
                           bool at_special, bool caseless);
match_rc match_address_item(match_ctx *c, const char *pattern);
match_rc match_host_item(match_ctx *c, const char *pattern);

/* Is the IP address (text) one of this host's interface addresses?
 * (the "@[]" item).  -1 with c->error set when they cannot be read. */
int match_is_local_address(match_ctx *c, const char *address);

/* A lookup item "type;data" (single-key: data is the file and key the
 * subject; query-style: data is the query).  `net` handling is the host
 * code's: it passes the key it built. */
match_rc match_lookup_item(match_ctx *c, const char *pattern, const char *semicolon,
                           const char *key, bool allow_partial);

/* Set $0.. from a match. */
void match_set_numeric(int n, const char *const *values);

#endif
