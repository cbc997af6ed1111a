/* ops.h - the expansion operators ${name:argument} of spec 11.6.
 *
 * The core's parser, having read "${word:", calls expand_op_find(word,
 * &opt) and, when it finds an operator, expands the argument and calls
 * op->fn(&out, arg, opt).  The function appends its result to *out and
 * returns NULL, or returns Exim's error text (without "Failed: ").  The
 * core marks the result tainted when the argument was, so operators need
 * not care about taint.
 *
 * Operators with a suffix ("sha2_512", "hash_3_5", "l_3", "quote_lsearch",
 * "listnamed_d", "mask_n") set *opt to the text after the first '_' (or
 * NULL when there is none).  Bare "length", "hash", "nhash", "substr" are
 * items when written with braces; with a colon and no suffix the operator
 * returns Exim's "Not enough arguments" text.
 *
 * The numeric helpers below are shared with the brace item forms
 * ${length{n}{s}}, ${substr{..}}, ${hash{..}}, ${nhash{..}}.
 */
#ifndef EXPAND_OPS_H
#define EXPAND_OPS_H

#include <stdbool.h>

#include "../base/str.h"

typedef const char *(*expand_op_fn)(gstring **out, const char *arg, const char *opt);

typedef struct expand_op {
  const char *name;
  expand_op_fn fn;
  bool takes_opt;      /* accepts "_suffix" */
} expand_op;

/* Find an operator by the word as written; NULL if there is none (the
 * core then says: unknown expansion operator "word"). */
const struct expand_op *expand_op_find(const char *name, const char **opt);

/* Shared with the items.  n/m < 0 mean "not given". */
gstring *ops_length(gstring *g, const char *s, long n);
gstring *ops_substr(gstring *g, const char *s, long start, long len, bool len_given);
/* Text hash; NULL or error text ("hash count "64" too big"). */
const char *ops_hash(gstring **g, const char *s, long n, long m);
/* Numeric hash; m < 0: one number, else "a/b". NULL or error text. */
const char *ops_nhash(gstring **g, const char *s, long n, long m);

#endif
