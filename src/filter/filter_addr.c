/* filter_addr.c - address lists for the filters: foranyaddress, personal,
 * deliver/redirect targets, Sieve's address test.  Kept in a file of its
 * own because src/base/address.h names its header-list item address_item,
 * as src/deliver/addr.h names the routed address.
 *
 * Entry points: filter_each_address(), filter_one_address(),
 * filter_fix_phrase().
 *
 * Must never: modify the list it walks.
 */
#include <stdio.h>
#include <string.h>

#include "../base/address.h"
#include "../base/store.h"
#include "../base/str.h"

/* Declared in filter_int.h (which cannot be included here). */
extern bool filter_verbose;
bool filter_each_address(const char *list, bool (*fn)(const char *address, void *arg), void *arg);
const char *filter_one_address(const char *mailbox, const char **error, bool *qualified);
const char *filter_fix_phrase(const char *phrase);

bool filter_each_address(const char *list, bool (*fn)(const char *address, void *arg), void *arg) {
  address_walk w;
  address_item item;
  address_walk_init(&w, list);
  while (address_walk_next(&w, &item)) {
    if (!item.address) continue;
    if (!*item.address) continue;
    if (fn(item.address, arg)) return true;
  }
  return false;
}

const char *filter_one_address(const char *mailbox, const char **error, bool *qualified) {
  int start, end, domain;
  char *a = address_extract(mailbox, error, &start, &end, &domain, false);
  if (!a) return NULL;
  if (qualified) *qualified = domain != 0;
  return a;
}

/* A display name made fit for "Name <address>" (the -bf From: header). */
const char *filter_fix_phrase(const char *phrase) {
  return address_fix_phrase(phrase);
}
