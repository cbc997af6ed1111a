/* match.h - matching strings against domain, host, address and local part
 * lists (spec chapter 10), with named lists (+name) and their caches.
 *
 * Lists are expanded before use, as Exim does.  Each function returns
 * MATCH_YES, MATCH_NO or MATCH_DEFER (a lookup deferred or the list could
 * not be expanded: *error says why).  On a match from a lookup item, *data
 * (if non-NULL) receives the looked-up data ($domain_data and friends).
 */
#ifndef EXPAND_MATCH_H
#define EXPAND_MATCH_H

#include <stdbool.h>

typedef enum { MATCH_NO = 0, MATCH_YES = 1, MATCH_DEFER = 2 } match_rc;

match_rc match_domain_list(const char *domain, const char *list, const char **data,
                           const char **error);
match_rc match_localpart_list(const char *local_part, const char *list, bool caseless,
                              const char **data, const char **error);
match_rc match_address_list(const char *address, const char *list, bool caseless,
                            const char **data, const char **error);
/* Set by the SMTP layer: the verified host name of `address` for an item
 * (`pattern`) that needs it when the caller passed none - looked up now,
 * "" when it cannot be found, NULL when the address is not the current
 * connection's (the item then defers).  NULL: no such lookups. */
extern const char *(*match_host_name_finder)(const char *address, const char *pattern);

/* Set by the SMTP layer: writes one line of the -bh commentary about host
 * list items (the addresses a host name item's name has).  NULL: none. */
extern void (*match_host_trace)(const char *line);

/* host_name may be NULL (not yet looked up) or "" (lookup failed). */
match_rc match_host_list(const char *host_name, const char *host_address, const char *list,
                         const char **error);
/* Plain string list (inlist): items are literal or regex. */
match_rc match_string_list(const char *s, const char *list, bool caseless, const char **error);

/* One entry point for every kind, with options: the ${if match_*} and
 * inlist conditions use the list as given (MATCH_F_NOEXPAND), match_ip
 * uses MATCH_LIST_IP (a host list restricted to address items: single-key
 * lookups are net- lookups, name items never match).  subject is the
 * domain, local part, address, IP address or string; host_name is for
 * MATCH_LIST_HOST (subject is then the address).  *data: the value of the
 * matching item ($domain_data, $value ...), NULL when there is none. */
typedef enum {
  MATCH_LIST_DOMAIN, MATCH_LIST_LOCALPART, MATCH_LIST_ADDRESS, MATCH_LIST_HOST,
  MATCH_LIST_IP, MATCH_LIST_STRING
} match_list_type;
#define MATCH_F_NOEXPAND 1u
#define MATCH_F_CASELESS 2u   /* local part, address and string lists */
match_rc match_list_check(match_list_type type, const char *subject, const char *host_name,
                          const char *list, unsigned flags, const char **data,
                          const char **error);

/* Drop the named-list match caches (new message / new connection).  The
 * caches live in POOL_MESSAGE: call this before that pool is reset. */
void match_cache_reset(void);

#endif
