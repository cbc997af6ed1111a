/* cond.h - the simple conditions of ${if ...} (spec 11.7): those whose
 * arguments are plain strings in braces ({a}{b}).
 *
 * The expansion core parses ${if}, handles the structural conditions itself
 * (!, def:, and, or, forall/forany and their _json forms, bool, bool_lax,
 * acl, first_delivery, queue_running), and for every other condition word
 * looks it up with expand_cond_find(), expands each braced argument and
 * calls fn.  fn returns NULL with *result set, or Exim's error text (the
 * part after "Failed: ").  Conditions that capture ($0..$n: match) call
 * expand_set_numeric(); those that set $value (inlist, inlisti,
 * match_address, match_domain, match_local_part) call expand_set_value():
 * saving and restoring both around the ${if} is the core's job.
 *
 * COND_RHS_LITERAL: for match_address/match_domain/match_ip/
 * match_local_part Exim reads the second argument without honouring "$"
 * (no variable substitution, no nested ${...}: the argument ends at the
 * first unescaped "}"), and the list is then not expanded again.
 */
#ifndef EXPAND_COND_H
#define EXPAND_COND_H

#include <stdbool.h>

typedef const char *(*expand_cond_fn)(const char *const *args, int nargs, bool *result);

#define COND_RHS_LITERAL 1   /* second argument read with "$" taken literally */

struct expand_cond {
  const char *name;
  int min_args, max_args;
  expand_cond_fn fn;
  unsigned flags;            /* COND_* */
};

/* The entry for a condition word as written ("eq", "==", "match_ip"); NULL
 * when the word is not a simple condition (the core then reports
 * 'unknown condition "<word>"' unless it is one of its structural ones). */
const struct expand_cond *expand_cond_find(const char *name);

/* Exim's integer reading for the numeric comparisons (= == < <= > >=):
 * optional white space and sign, decimal digits, optional K/M/G (either
 * case), trailing white space; the empty (or all-blank) string is 0.
 * Returns NULL or the error text, e.g. 'invalid integer "1x"'. */
const char *cond_parse_integer(const char *s, long long *value);

#endif
