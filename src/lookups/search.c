/* search.c - the lookup layer's front end (spec chapter 9): parsing of
 * lookup type names ("partial2(*.)lsearch*@,ret=key"), the search with the
 * partial-, "*" and "*@" retries (9.6, 9.7), the per-process caches of open
 * files (at most lookup_open_max kept open, least recently used closed
 * first) and of results (9.8; a file's results are dropped and the file
 * reopened when it changes on disk), and the taint rules: a tainted file
 * name is refused, results are untainted.
 *
 * Entry points: lookup_spec_parse, lookup_search, lookup_find,
 * lookup_tidy_all (lookup.h).
 *
 * Never: hand a tainted file name to a lookup driver, keep more files open
 * than lookup_open_max allows, or return a result cached for an older
 * version of a file.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lookup.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../modules.h"

/* One cached result. */
typedef struct cached_result {
  struct cached_result *next;
  const char *key;       /* key as looked up */
  const char *opts;      /* options text ("" when none) */
  const char *value;     /* NULL: not found */
} cached_result;

/* One open file (or query-style connection; then filename is "") of one
 * lookup type. */
typedef struct open_search {
  struct open_search *next, *prev;   /* LRU list: head most recent */
  const lookup_info *info;
  const char *filename;              /* "" for query-style lookups */
  bool query;                        /* query-style: no file */
  void *handle;                      /* NULL: closed (only the cache kept) */
  pid_t pid;                         /* process that opened it */
  bool have_stat;
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  cached_result *results;
} open_search;

static open_search *searches;        /* every known file, LRU order */
static int open_count;

const lookup_info *lookup_find(const char *name) {
  for (const struct lookup_info *const *l = lookup_drivers; *l; l++)
    if (strcmp((*l)->name, name) == 0) return *l;
  return NULL;
}

static const lookup_info *find_n(const char *name, size_t len) {
  for (const struct lookup_info *const *l = lookup_drivers; *l; l++)
    if (strlen((*l)->name) == len && strncmp((*l)->name, name, len) == 0) return *l;
  return NULL;
}

const char *lookup_spec_parse(const char *text, size_t len, lookup_spec *spec) {
  const char *p = text, *end = text + len;
  memset(spec, 0, sizeof *spec);
  spec->partial = -1;

  if (len >= 7 && strncmp(p, "partial", 7) == 0) {
    const char *q = p + 7;
    int n = 2;
    const char *affix = "*.";
    if (q < end && *q >= '0' && *q <= '9') {
      n = 0;
      while (q < end && *q >= '0' && *q <= '9') {
        if (n > 1000) return str_sprintf("format error in lookup type \"%.*s\"", (int)len, text);
        n = n * 10 + (*q++ - '0');
      }
    }
    if (q < end && *q == '(') {
      const char *a = ++q;
      while (q < end && *q != ')') {
        if (!ispunct(uc(*q)))
          return str_sprintf("format error in lookup type \"%.*s\"", (int)len, text);
        q++;
      }
      if (q >= end) return str_sprintf("format error in lookup type \"%.*s\"", (int)len, text);
      affix = str_copyn(a, (size_t)(q - a));
      q++;
    } else if (q < end && *q == '-') {
      q++;
    } else {
      return str_sprintf("format error in lookup type \"%.*s\"", (int)len, text);
    }
    spec->partial = n;
    spec->affix = affix;
    p = q;
  }

  /* The name runs to a "*" or a ","; then "*" / "*@"; then ",options". */
  const char *name = p;
  while (p < end && *p != '*' && *p != ',') p++;
  size_t namelen = (size_t)(p - name);
  if (p < end && *p == '*') {
    if (p + 1 < end && p[1] == '@') spec->starat = true;
    else spec->star = true;
    /* as Exim, anything else between the star and the options is ignored */
    while (p < end && *p != ',') p++;
  }
  if (p < end && *p == ',') spec->opts = str_copyn(p + 1, (size_t)(end - p - 1));
  spec->info = find_n(name, namelen);
  if (!spec->info) return str_sprintf("unknown lookup type \"%.*s\"", (int)namelen, name);

  if (spec->info->style != LOOKUP_SINGLE_KEY) {
    if (spec->partial >= 0)
      return str_sprintf("\"partial\" is not permitted for lookup type \"%s\"", spec->info->name);
    if (spec->star || spec->starat)
      return str_sprintf("defaults using \"*\" or \"*@\" are not permitted for lookup type \"%s\"",
                         spec->info->name);
  }
  return NULL;
}

/* ---- options -------------------------------------------------------------------- */

const char *lookup_opt_get(const char *opts, const char *name) {
  if (!opts) return NULL;
  size_t nl = strlen(name);
  const char *p = opts;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') return str_copyn(p + nl + 1, l - nl - 1);
    if (!e) break;
    p = e + 1;
  }
  return NULL;
}

/* The options the driver sees: those of the search layer ("ret=key",
 * "cache=no_rd") removed, as Exim does; NULL when none is left. */
static const char *driver_opts(const char *opts) {
  if (!opts) return NULL;
  gstring *g = NULL;
  const char *p = opts;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (!(l == 7 && strncmp(p, "ret=key", 7) == 0) && !(l == 11 && strncmp(p, "cache=no_rd", 11) == 0)) {
      if (g) g = g_catc(g, ',');
      g = g_catn(g, p, l);
    }
    if (!e) break;
    p = e + 1;
  }
  return g && g->len ? g_str(g) : NULL;
}

/* ---- open files ----------------------------------------------------------------- */

static void lru_unlink(open_search *s) {
  if (s->prev) s->prev->next = s->next; else searches = s->next;
  if (s->next) s->next->prev = s->prev;
  s->next = s->prev = NULL;
}

static void lru_front(open_search *s) {
  s->next = searches;
  s->prev = NULL;
  if (searches) searches->prev = s;
  searches = s;
}

static void close_one(open_search *s) {
  if (!s->handle) return;
  if (s->pid != getpid()) {
    /* opened by the parent before a fork: closing here would release what
     * the parent still uses (LMDB reader slots are shared); just forget it */
    s->handle = NULL;
    open_count--;
    return;
  }
  if (s->info->close) s->info->close(s->handle);
  s->handle = NULL;
  open_count--;
}

/* Find (or make) the record of a file, most recently used first. */
static open_search *search_record(const lookup_info *info, const char *filename) {
  bool query = filename == NULL;
  if (query) filename = "";
  for (open_search *s = searches; s; s = s->next)
    if (s->info == info && s->query == query && strcmp(s->filename, filename) == 0) {
      lru_unlink(s);
      lru_front(s);
      return s;
    }
  store_pool old = store_pool_set(POOL_SEARCH);
  open_search *s = store_zget(sizeof *s, false);
  s->info = info;
  s->filename = str_copy_taint(filename, false);
  s->query = query;
  store_pool_set(old);
  lru_front(s);
  return s;
}

/* Check whether the file changed since it was opened; a change drops the
 * cached results and closes the handle so that it is reopened. */
static void check_changed(open_search *s) {
  struct stat st;
  if (s->query) return;
  if (stat(s->filename, &st) != 0) {
    if (s->have_stat) {
      close_one(s);
      s->results = NULL;
      s->have_stat = false;
    }
    return;
  }
  if (s->have_stat && st.st_dev == s->dev && st.st_ino == s->ino && st.st_size == s->size &&
      st.st_mtim.tv_sec == s->mtime.tv_sec && st.st_mtim.tv_nsec == s->mtime.tv_nsec)
    return;
  if (s->have_stat) {
    DEBUG(D_lookup) debug_printf("%s changed: cached %s results dropped\n", s->filename,
                                 s->info->name);
    close_one(s);
    s->results = NULL;
  }
  s->have_stat = true;
  s->dev = st.st_dev;
  s->ino = st.st_ino;
  s->size = st.st_size;
  s->mtime = st.st_mtim;
}

/* Files still open when the process exits are closed then, so that the
 * libraries behind them (Berkeley DB, LMDB) release what they hold. */
static void close_at_exit(void) {
  for (open_search *s = searches; s; s = s->next) close_one(s);
}

static bool ensure_open(open_search *s, const char **error) {
  static bool exit_hook;
  if (s->handle) return true;
  if (!exit_hook) {
    atexit(close_at_exit);
    exit_hook = true;
  }
  int max = mainconf.lookup_open_max > 0 ? mainconf.lookup_open_max : 25;
  if (!s->query && open_count >= max) {
    /* close the least recently used open file */
    open_search *last = NULL;
    for (open_search *t = searches; t; t = t->next)
      if (t->handle && !t->query && t != s) last = t;
    if (last) close_one(last);
  }
  const char *err = NULL;
  void *h = s->info->open(s->query ? NULL : s->filename, &err);
  if (!h) {
    *error = err ? err : str_sprintf("failed to open %s for %s lookup", s->filename, s->info->name);
    return false;
  }
  s->handle = h;
  s->pid = getpid();
  open_count++;
  return true;
}

/* ---- one lookup, with the result cache ----------------------------------------- */

static lookup_rc find_one(open_search *s, const char *key, const char *opts, bool no_rd,
                          const char **result, const char **error) {
  const char *o = opts ? opts : "";
  cached_result *c;
  DEBUG(D_lookup) debug_printf(" internal_search_find: file=\"%s\"\n   type=%s key=\"%s\" "
                               "opts=%s\n", s->query ? "NULL" : s->filename, s->info->name, key,
                               opts ? str_sprintf("\"%s\"", opts) : "NULL");
  for (c = s->results; c; c = c->next)
    if (strcmp(c->key, key) == 0 && strcmp(c->opts, o) == 0) break;
  if (c && !no_rd) {
    DEBUG(D_lookup) debug_printf(" cached data used for lookup of %s\n   in %s\n", key,
                                 s->filename);
    if (!c->value) {
      DEBUG(D_lookup) debug_printf(" lookup failed\n");
      return LOOKUP_NOTFOUND;
    }
    DEBUG(D_lookup) debug_printf(" lookup yielded: %s\n", c->value);
    *result = c->value;
    return LOOKUP_FOUND;
  }
  if (!ensure_open(s, error)) return LOOKUP_DEFER;
  bool do_cache = true;
  const char *res = NULL, *err = NULL;
  DEBUG(D_lookup) debug_printf(" file lookup required for %s\n   in %s\n", key, s->filename);
  lookup_rc rc = s->info->find(s->handle, s->query ? NULL : s->filename, key, strlen(key),
                               &res, &err, &do_cache, opts);
  if (rc == LOOKUP_DEFER) {
    /* Exim's wording for a lookup that could not be completed */
    *error = str_sprintf("lookup of \"%s\" gave DEFER: %s", key,
                         err ? err : str_sprintf("%s lookup failed", s->info->name));
    return rc;
  }
  if (do_cache) {
    DEBUG(D_lookup) debug_printf(" %s cache entry\n", c ? "replacing old" : "creating new");
    store_pool old = store_pool_set(POOL_SEARCH);
    if (!c) {
      c = store_get(sizeof *c, false);
      c->key = str_copy_taint(key, false);
      c->opts = str_copy_taint(o, false);
      c->next = s->results;
      s->results = c;
    }
    c->value = rc == LOOKUP_FOUND ? str_copy_taint(res ? res : "", false) : NULL;
    store_pool_set(old);
    if (rc == LOOKUP_FOUND) res = c->value;
  } else if (rc == LOOKUP_FOUND) {
    res = str_copy_taint(res ? res : "", false);
  }
  if (rc == LOOKUP_FOUND) {
    *result = res;
    DEBUG(D_lookup) debug_printf(" lookup yielded: %s\n", res);
  } else DEBUG(D_lookup) debug_printf(" lookup failed\n");
  return rc;
}

/* The options the search layer consumes ("ret=key", "cache=no_rd") are
 * passed on to the driver too: drivers ignore what they do not know. */

lookup_rc lookup_search(const lookup_spec *spec, const char *file, const char *key,
                        lookup_hit *hit, const char **error) {
  const lookup_info *info = spec->info;
  const char *opts = spec->opts;
  memset(hit, 0, sizeof *hit);
  *error = NULL;

  if (info->style == LOOKUP_SINGLE_KEY && !file) {
    *error = str_sprintf("\"%s\" lookup requires a file name", info->name);
    return LOOKUP_DEFER;
  }
  if (file && is_tainted(file)) {
    log_write(LOG_MAIN | LOG_PANIC, "Tainted filename for search: '%s'", file);
    *error = str_sprintf("Tainted filename for search: '%s'", file);
    return LOOKUP_DEFER;
  }
  if (!key) key = "";

  const char *cache_opt = lookup_opt_get(opts, "cache");
  bool no_rd = cache_opt && strcmp(cache_opt, "no_rd") == 0;
  const char *ret = lookup_opt_get(opts, "ret");
  bool ret_key = ret && strcmp(ret, "key") == 0;


  /* an empty key finds nothing in a file */
  if (info->style == LOOKUP_SINGLE_KEY && !*key) return LOOKUP_NOTFOUND;

  const char *dopts = driver_opts(opts);
  open_search *s = search_record(info, info->style == LOOKUP_SINGLE_KEY ? file : NULL);
  check_changed(s);
  DEBUG(D_lookup) {
    debug_printf(" search_open: %s \"%s\"\n", info->name, s->query ? "NULL" : s->filename);
    if (s->handle) debug_printf("   cached open\n");
  }
  DEBUG(D_lookup) debug_printf(" search_find: file=\"%s\"\n   key=\"%s\" partial=%d affix=%s "
                               "starflags=%d opts=%s\n", file ? file : "NULL", key, spec->partial,
                               spec->affix ? spec->affix : "NULL",
                               spec->starat ? 2 : spec->star ? 1 : 0,
                               opts ? str_sprintf("\"%s\"", opts) : "NULL");

  const char *res = NULL;
  const char *matched = key;
  lookup_rc rc = find_one(s, key, dopts, no_rd, &res, error);
  if (rc == LOOKUP_DEFER) return rc;
  if (rc == LOOKUP_FOUND && spec->partial >= 0) {
    /* as Exim: a partial search that matched the key itself gives an empty
     * wild part and the whole key as the fixed part */
    hit->wild = "";
    hit->fixed = str_copy(key);
  }

  /* partial matching (9.7) */
  if (rc == LOOKUP_NOTFOUND && spec->partial >= 0) {
    const char *affix = spec->affix ? spec->affix : "*.";
    size_t alen = strlen(affix);
    /* count the dot-separated components of the key */
    int comps = 1;
    for (const char *p = key; *p; p++) if (*p == '.') comps++;
    if (!*key) comps = 0;
    const char *rest = key;
    /* first: affix + full key (only when there are enough components) */
    while (rc == LOOKUP_NOTFOUND && comps >= spec->partial && *rest) {
      const char *k = str_sprintf("%s%s", affix, rest);
      DEBUG(D_lookup) debug_printf(" trying partial match %s\n", k);
      rc = find_one(s, k, dopts, no_rd, &res, error);
      if (rc == LOOKUP_DEFER) return rc;
      if (rc == LOOKUP_FOUND) {
        matched = k;
        hit->wild = str_copyn(key, (size_t)(rest - key) - (rest > key ? 1 : 0));
        hit->fixed = str_copy(rest);
        break;
      }
      const char *dot = strchr(rest, '.');
      comps--;
      if (!dot) { rest = ""; break; }
      rest = dot + 1;
    }
    /* partial0: the final lookup for the affix itself */
    if (rc == LOOKUP_NOTFOUND && spec->partial == 0 && alen > 0 && comps <= 0) {
      const char *k = alen == 1 ? affix
                    : affix[alen - 1] == '.' ? str_copyn(affix, alen - 1) : affix;
      DEBUG(D_lookup) debug_printf(" trying partial match %s\n", k);
      rc = find_one(s, k, dopts, no_rd, &res, error);
      if (rc == LOOKUP_DEFER) return rc;
      if (rc == LOOKUP_FOUND) {
        matched = k;
        /* Exim sets the wild part to the key less its last character here */
        size_t kl = strlen(key);
        hit->wild = str_copyn(key, kl ? kl - 1 : 0);
        hit->fixed = "";
      }
    }
  }

  /* defaults (9.6) */
  if (rc == LOOKUP_NOTFOUND && spec->starat) {
    const char *at = strrchr(key, '@');
    if (at && at > key) {
      const char *k = str_sprintf("*%s", at);
      DEBUG(D_lookup) debug_printf(" trying default match %s\n", k);
      rc = find_one(s, k, dopts, no_rd, &res, error);
      if (rc == LOOKUP_DEFER) return rc;
      if (rc == LOOKUP_FOUND) matched = k;
    }
  }
  if (rc == LOOKUP_NOTFOUND && (spec->star || spec->starat)) {
    DEBUG(D_lookup) debug_printf(" trying to match *\n");
    rc = find_one(s, "*", dopts, no_rd, &res, error);
    if (rc == LOOKUP_DEFER) return rc;
    if (rc == LOOKUP_FOUND) {
      matched = "*";
      if (spec->partial >= 0) {
        /* as Exim: the default after a partial search gives the whole key
         * as the wild part */
        hit->wild = str_copy(key);
        hit->fixed = "";
      }
    }
  }

  if (rc != LOOKUP_FOUND) return rc;
  hit->key = str_copy_taint(matched, false);
  hit->value = ret_key ? str_copy_taint(key, false) : res;
  return LOOKUP_FOUND;
}

void lookup_tidy_all(void) {
  DEBUG(D_lookup) debug_printf("search_tidyup called\n");
  for (open_search *s = searches; s; s = s->next) close_one(s);
  searches = NULL;
  open_count = 0;
  for (const struct lookup_info *const *l = lookup_drivers; *l; l++)
    if ((*l)->tidy) (*l)->tidy();
  store_pool_reset(POOL_SEARCH);
}
