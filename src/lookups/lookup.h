/* lookup.h - the lookup driver interface (spec chapter 9) and the search
 * API the expander (${lookup ...}) and the list matcher ("lsearch;file"
 * items) use.
 *
 * Every lookup type is one file under src/lookups/ exporting a
 * `const lookup_info lookup_<name>` listed in src/modules.def; the build's
 * lookup_drivers[] (src/modules.h) holds the enabled ones.  search.c wraps
 * them: parsing of "partial2-lsearch*@,ret=key", the partial-/ * / *@
 * retries, per-process caches of open files and of results (files reopened
 * when they change), and taint rules (results of lookups are untainted
 * unless the lookup says otherwise; file names must be untainted).
 */
#ifndef LOOKUPS_LOOKUP_H
#define LOOKUPS_LOOKUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../base/str.h"

typedef enum {
  LOOKUP_SINGLE_KEY,      /* ${lookup{key}type{file}...}: needs an absolute file */
  LOOKUP_QUERY,           /* ${lookup type{query}...} */
  LOOKUP_ABS_FILE_QUERY   /* query style with a leading file name (sqlite) */
} lookup_style;

typedef enum { LOOKUP_FOUND, LOOKUP_NOTFOUND, LOOKUP_DEFER } lookup_rc;

typedef struct lookup_info {
  const char *name;                  /* "lsearch" */
  lookup_style style;
  /* Open a file (single-key) or a connection; NULL and *error on failure. */
  void *(*open)(const char *filename, const char **error);
  /* Ownership/mode checks on an open file (may be NULL). */
  bool (*check)(void *handle, const char *filename, int modemask, const uid_t *owners,
                const gid_t *owngroups, const char **error);
  /* Look key up; on LOOKUP_FOUND *result is set.  opts: the ",opt=..."
   * text after the type name, or NULL.  *do_cache false forbids caching. */
  lookup_rc (*find)(void *handle, const char *filename, const char *key, size_t keylen,
                    const char **result, const char **error, bool *do_cache, const char *opts);
  void (*close)(void *handle);
  void (*tidy)(void);                /* drop per-process state; may be NULL */
  /* ${quote_<name>:...}; NULL when the lookup has no quoting. */
  const char *(*quote)(const char *s, const char *opt);
  /* -bV "Library version:" line(s); may be NULL. */
  gstring *(*version_report)(gstring *g);
} lookup_info;

/* A parsed lookup type as written: "partial3-lsearch*@,ret=key". */
typedef struct lookup_spec {
  const lookup_info *info;
  int partial;          /* -1: not partial; else minimum fixed components */
  const char *affix;    /* partial affix, "*." by default */
  bool star;            /* "*": retry with key "*" */
  bool starat;          /* "*@": retry with "*@domain" then "*" */
  const char *opts;     /* options after the first comma, or NULL */
} lookup_spec;

/* Parse a lookup type name; NULL or the error text (Exim's wording, e.g.
 * 'unknown lookup type "foo"'). */
const char *lookup_spec_parse(const char *text, size_t len, lookup_spec *spec);

/* What a successful search found, for variables the caller sets. */
typedef struct lookup_hit {
  const char *value;    /* the data */
  const char *key;      /* the key that matched (for ret=key and $1/$2) */
  const char *wild;     /* partial: the part matched by the wildcard */
  const char *fixed;    /* partial: the fixed part */
} lookup_hit;

/* Run a lookup: file is NULL for query-style lookups.  On LOOKUP_DEFER
 * *error says why. */
lookup_rc lookup_search(const lookup_spec *spec, const char *file, const char *key,
                        lookup_hit *hit, const char **error);

/* The value of "name=value" in a lookup's comma-separated options
 * ("ret=key,filter=dir"), or NULL when absent.  For drivers' own options. */
const char *lookup_opt_get(const char *opts, const char *name);

/* Find a lookup type by name among the enabled ones (NULL if absent). */
const lookup_info *lookup_find(const char *name);

/* Close every open lookup and drop the caches (between messages, after
 * fork, on configuration reload). */
void lookup_tidy_all(void);

#endif
