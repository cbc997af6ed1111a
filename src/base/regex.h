/* regex.h - regular expressions through PCRE2, as Exim uses them.
 *
 * Patterns are compiled once and kept in a per-process cache keyed by the
 * pattern text and flags, so a pattern from the configuration met on every
 * message costs one hash lookup.  Compile errors come back as Exim phrases
 * them: "<error> at offset <n> while compiling <pattern>".
 */
#ifndef BASE_REGEX_H
#define BASE_REGEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct regex regex;

#define REGEX_CASELESS 1

/* Compile (or fetch from the cache); NULL and *error on failure. */
const regex *regex_get(const char *pattern, unsigned flags, const char **error);

/* Match subject against re.  When caps is non-NULL and the match succeeds,
 * *ncaps receives the number of captured strings ($0 .. $n-1) and caps[]
 * copies of them (at most maxcaps), in the current pool with the subject's
 * taint.  Returns 1 on match, 0 on no match, -1 on a matching error (e.g.
 * match limit) with *error set. */
int regex_match(const regex *re, const char *subject, size_t len, const char **caps,
                int maxcaps, int *ncaps, const char **error);

/* Offsets of the last successful regex_match_offsets() call: pairs
 * (start,end) for $0..$n-1.  For ${sg}, which needs repeated matching. */
int regex_match_offsets(const regex *re, const char *subject, size_t len, size_t start,
                        size_t *ovector, int maxpairs, const char **error);

/* Drop the cache (configuration reload). */
void regex_cache_reset(void);

#endif
