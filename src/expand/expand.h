/* expand.h - the string expansion language (spec chapter 11): public API.
 *
 * expand_string() parses a string once (the parsed form is cached by the
 * string's text, so the same configuration string met again is evaluated
 * without parsing) and evaluates it.  Failure returns NULL and leaves the
 * reason in expand_state: the message Exim would give, whether the failure
 * was forced ("fail" / ${if ...{}fail}), and whether a lookup deferred.
 *
 * Result strings are allocated in the current pool; they are tainted when
 * any tainted data went into them.  A string with neither "$" nor "\" is
 * returned as it is (the same pointer, as Exim does): treat results as
 * read-only.
 */
#ifndef EXPAND_EXPAND_H
#define EXPAND_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/str.h"

typedef struct expand_state {
  const char *message;     /* error text after a failure (Exim's wording) */
  bool forced_fail;        /* the failure was forced */
  bool lookup_deferred;    /* a lookup deferred (temporary failure) */
} expand_state;

extern expand_state expand_status;

/* Expand s; NULL on failure (see expand_status). */
char *expand_string(const char *s);
/* The same, for callers that keep the result read-only. */
const char *expand_cstring(const char *s);
/* Expand and interpret as a boolean condition result, as Exim does for
 * options such as "condition" ("", "0", "no", "false" are false; other
 * strings true).  On expansion failure: sets *error and returns false. */
bool expand_check_condition(const char *s, const char **error);
/* Expand and convert to an integer with K/M/G suffixes; NULL or error. */
const char *expand_string_integer(const char *s, bool allow_negative, long long *value);

/* Numeric variables $0..$9 from the last successful regex match or
 * partial lookup.  Setters are for conditions, items and lookups. */
#define EXPAND_MAXN 20
void expand_set_numeric(int n, const char *const *values);   /* $0..$n-1 */
typedef struct expand_numeric_save {
  int n;
  const char *v[EXPAND_MAXN];
} expand_numeric_save;
void expand_numeric_save_get(expand_numeric_save *s);
void expand_numeric_restore(const expand_numeric_save *s);
const char *expand_numeric(int n);          /* NULL if unset */

/* $r_NAME (a router's "set" values): the routing layer installs the
 * function giving the value of NAME (without "r_"), NULL when unset. */
extern const char *(*expand_rvar_hook)(const char *name);

/* What an Exim filter may be refused (redirect's forbid_filter_* options,
 * spec 22): the filter layer sets these while it runs a user's filter, 0
 * otherwise.  Refused items fail with exim4's texts. */
enum {
  EXPAND_FORBID_LOOKUP = 1u << 0,    /* ${lookup} */
  EXPAND_FORBID_RUN = 1u << 1,       /* ${run} */
  EXPAND_FORBID_EXISTS = 1u << 2,    /* the exists condition, ${stat:} */
  EXPAND_FORBID_READFILE = 1u << 3,  /* ${readfile} */
  EXPAND_FORBID_READSOCK = 1u << 4,  /* ${readsocket} */
  EXPAND_FORBID_DLFUNC = 1u << 5,    /* ${dlfunc} */
  EXPAND_FORBID_PERL = 1u << 6       /* ${perl} */
};
extern unsigned expand_forbid;

/* $value and $item (used by lookups, extract, map/filter/reduce ...). */
void expand_set_value(const char *v);
void expand_set_item(const char *v);

#endif
