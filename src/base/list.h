/* list.h - Exim's string lists (spec 6.20-6.22): iteration and building.
 *
 * A list is one string.  Its separator is ':' unless the list starts with
 * '<' followed by a punctuation or control character, which then becomes the
 * separator.  A printing separator is included in an item by doubling it;
 * leading and trailing white space of items is ignored; an empty item at the
 * end of the list is ignored.
 *
 * Items are returned as new strings in the current pool with the taint of
 * the list they came from.
 */
#ifndef BASE_LIST_H
#define BASE_LIST_H

#include <stdbool.h>

#include "str.h"

/* Return the next item of *listptr and advance it; NULL at the end.
 * *sep is 0 on the first call (the list decides: '<x' or ':'), a positive
 * separator to use (a leading '<x' is still honoured), or a negative one
 * -c to force c and ignore any '<x'.  The chosen separator is left in *sep. */
char *list_next(const char **listptr, int *sep);

/* Number of items in the list. */
int list_count(const char *list, int sep);

/* Append `item` to the list being built in g, separated by `sep`, doubling
 * any separator character inside item (a printing sep) as Exim does. */
gstring *list_append(gstring *g, int sep, const char *item);

#endif
