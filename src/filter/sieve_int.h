/* sieve_int.h - what the Sieve files share: the parse/run state, string
 * lists, the lexer (sieve_lex.c) and the tests with their comparators and
 * match types (sieve_test.c).  The interpreter (sieve.c) parses and runs
 * in one pass, as a script's syntax is checked even where it is not run.
 *
 * Must never: be included outside src/filter.
 */
#ifndef FILTER_SIEVE_INT_H
#define FILTER_SIEVE_INT_H

#include <stdbool.h>

#include "filter_int.h"

typedef struct sieve_list {
  struct sieve_list *next;
  const char *s;
} sieve_list;

typedef struct sieve_state {
  const char *p;
  int line;
  const char *error;
  int error_line;
  filter_ctx *ctx;
  bool keep;                 /* the implicit keep is still in force */
  bool stopped;
  bool require_envelope, require_fileinto, require_copy, require_vacation, require_subaddress,
      require_numeric, require_encoded, require_enotify;
  bool vacation_done;
  int depth;                 /* nesting of blocks and tests (bounded: the parser recurses) */
} sieve_state;

#define SIEVE_MAX_DEPTH 32000

enum { SM_IS, SM_CONTAINS, SM_MATCHES };
enum { SC_OCTET, SC_CASEMAP, SC_NUMERIC };
enum { SA_ALL, SA_LOCALPART, SA_DOMAIN, SA_USER, SA_DETAIL };

/* sieve_lex.c */
bool sieve_fail(sieve_state *s, const char *msg);
bool sieve_skip(sieve_state *s);
bool sieve_identifier(sieve_state *s, const char **id);
bool sieve_peek_identifier(sieve_state *s, const char *name);
bool sieve_tag(sieve_state *s, const char **tag);
int sieve_number(sieve_state *s, unsigned long *n);
int sieve_string(sieve_state *s, const char **out);
int sieve_string_list(sieve_state *s, sieve_list **out);

/* sieve_test.c: one test at s->p (the identifier already read as name);
 * 1 true, 0 false, -1 error.  exec false: parse only. */
int sieve_run_test(sieve_state *s, const char *name, bool exec);
/* Compare value against key with a match type and comparator. */
bool sieve_compare(sieve_state *s, const char *value, const char *key, int match, int comparator);

#endif
