/* match.c - list matching engine (spec chapter 10): expansion of the list,
 * negation, "+name" references with the named-list cache (10.8), files of
 * items (10.3), "+caseful" and the host-list "+include_unknown" family, and
 * the public entry points of match.h.
 *
 * Item forms are checked in match_item.c (domains, local parts, addresses,
 * lookups) and match_host.c (hosts).  This file must never interpret an
 * item itself beyond the list-level syntax above, and must never keep
 * pointers into a pool other than POOL_MESSAGE in its cache.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "expand.h"
#include "match_int.h"


#define MAX_NESTING 50

static const char *kind_name[NL__COUNT] = {"domain", "host", "address", "local part"};

/* ---- expansion ---------------------------------------------------------- */

/* Expand a list.  A list with no '$' and no '\' expands to itself, so it
 * is used as it is.  NULL: failure, with *forced set for a forced one. */
static const char *match_expand(const char *list, const char **error, bool *forced) {
  *forced = false;
  if (!strchr(list, '$') && !strchr(list, '\\')) return list;
  char *r = expand_string(list);
  if (r) return r;
  *forced = expand_status.forced_fail;
  *error = expand_status.message ? expand_status.message : "expansion failed";
  return NULL;
}

/* ---- named-list cache (10.8) ------------------------------------------- */

typedef struct cache_entry {
  struct cache_entry *next;
  named_list *nl;
  const char *key;      /* subject (host lists: name and address) */
  bool caseless;
  match_rc rc;
  const char *value;
} cache_entry;

static cache_entry *cache_head;

void match_cache_reset(void) { cache_head = NULL; }

/* A named list may be cached when the reader marked it so (_cache form or
 * no '$') and every named list it refers to may be cached too. */
static bool cacheable(named_list *nl, int depth) {
  if (!nl->cache || depth > MAX_NESTING) return false;
  const char *l = nl->value;
  int sep = 0;
  char *it;
  while ((it = list_next(&l, &sep))) {
    const char *p = it;
    if (*p == '!') p = str_skip_space(p + 1);
    if (*p == '+' && p[1]) {
      named_list *sub = named_list_find(nl->kind, p + 1);
      if (sub && !cacheable(sub, depth + 1)) return false;
    }
  }
  return true;
}

static const char *cache_key(match_ctx *c) {
  if (c->type == MT_HOST)
    return str_sprintf("%s|%s", c->host_address ? c->host_address : "",
                       c->host_name ? c->host_name : "\001");
  return c->subject;
}

static cache_entry *cache_find(named_list *nl, match_ctx *c) {
  const char *key = cache_key(c);
  for (cache_entry *e = cache_head; e; e = e->next)
    if (e->nl == nl && e->caseless == c->caseless && strcmp(e->key, key) == 0) return e;
  return NULL;
}

static void cache_add(named_list *nl, match_ctx *c, match_rc rc) {
  store_pool old = store_pool_set(POOL_MESSAGE);
  cache_entry *e = store_get(sizeof *e, false);
  const char *key = cache_key(c);
  e->nl = nl;
  e->key = str_copy(key);
  e->caseless = c->caseless;
  e->rc = rc;
  e->value = c->value ? str_copy(c->value) : NULL;
  e->next = cache_head;
  cache_head = e;
  store_pool_set(old);
}

/* ---- files of items (10.3) --------------------------------------------- */

/* Strip a comment: anywhere for domain and host lists, only after white
 * space or at the line start for address and local part lists. */
static void strip_comment(match_ctx *c, char *line) {
  bool anywhere = c->type == MT_DOMAIN || c->type == MT_HOST;
  for (char *p = line; *p; p++)
    if (*p == '#' && (anywhere || p == line || p[-1] == ' ' || p[-1] == '\t')) {
      *p = 0;
      return;
    }
}

static match_rc item_check(match_ctx *c, const char *pattern);

/* Check the items of a file.  *matched tells whether an item matched;
 * *last_neg whether the last item was negative. */
static match_rc file_check(match_ctx *c, const char *name, const char *list_item, bool *matched,
                           bool *item_neg, bool *last_neg) {
  FILE *f = fopen(name, "r");
  if (!f)
    log_panic_die("failed to open %s when checking \"%s\": %s", name, list_item,
                  strerror(errno));
  gstring *g = NULL;
  int ch;
  match_rc rc = MATCH_NO;
  *matched = false;
  bool any = false;
  for (;;) {
    if (g) g->len = 0;
    bool eof = true;
    while ((ch = getc(f)) != EOF) {
      eof = false;
      if (ch == '\n') break;
      g = g_catc(g, (char)ch);
    }
    if (eof && (!g || g->len == 0)) break;
    char *line = g ? g_str(g) : "";
    line = str_copy(line);
    strip_comment(c, line);
    str_rtrim(line);
    const char *p = str_skip_space(line);
    if (!*p) continue;
    bool neg = false;
    if (*p == '!') {
      neg = true;
      p = str_skip_space(p + 1);
    }
    any = true;
    *last_neg = neg;
    rc = item_check(c, p);
    if (rc == MATCH_YES) {
      *matched = true;
      *item_neg = neg;
      break;
    }
    if (rc == MATCH_DEFER || rc == MATCH_UNKNOWN) break;
  }
  fclose(f);
  if (!any) *last_neg = false;
  return rc;
}

/* ---- the engine --------------------------------------------------------- */

static match_rc item_check(match_ctx *c, const char *pattern) {
  switch (c->type) {
  case MT_HOST: return match_host_item(c, pattern);
  case MT_ADDRESS: return match_address_item(c, pattern);
  case MT_STRING:
    if ((c->caseless ? str_cmpic(pattern, c->subject) : strcmp(pattern, c->subject)) == 0) {
      c->value = pattern;
      return MATCH_YES;
    }
    return MATCH_NO;
  default:
    return match_domain_item(c, c->subject, pattern, c->type == MT_DOMAIN, c->caseless);
  }
}

/* Outcome of an item that could not be decided (host lists, 10.15/10.17). */
static bool unknown_outcome(match_ctx *c, match_rc rc, match_rc *result) {
  if (rc == MATCH_UNKNOWN) {
    if (c->include_unknown) {
      if (c->ip_only)
        log_write(LOG_MAIN, "cannot match host name in match_ip list: accepted by +include_unknown");
      *result = MATCH_YES;
      return true;
    }
    if (c->ignore_unknown) return false;
    *result = MATCH_NO;
    return true;
  }
  if (c->include_defer) { *result = MATCH_YES; return true; }
  if (c->ignore_defer) return false;
  *result = MATCH_DEFER;
  return true;
}

static match_rc list_run(match_ctx *c, const char *list, bool expand, const char **listed,
                         const char **why);

/* Check a list, with Exim's debug line: SUBJECT in "LIST"? RESULT (WHY). */
match_rc match_list_run(match_ctx *c, const char *list, bool expand) {
  const char *listed = list, *why = NULL;
  match_rc rc = list_run(c, list, expand, &listed, &why);
  DEBUG(D_lists) {
    const char *who = c->type == MT_HOST && !c->ip_only ? "host" : c->orig_subject;
    debug_printf("%s in \"%s\"? %s (%s)\n", who ? who : "", listed ? listed : "",
                 rc == MATCH_YES ? "yes" : rc == MATCH_NO ? "no" : "defer",
                 why ? why : rc == MATCH_DEFER && c->error ? c->error : "end of list");
  }
  return rc;
}

static match_rc list_run(match_ctx *c, const char *list, bool expand, const char **listed,
                         const char **why) {
  if (!list) {
    *why = "option unset";
    return MATCH_NO;
  }
  if (expand) {
    bool forced;
    const char *err;
    const char *l = match_expand(list, &err, &forced);
    if (!l) {
      if (forced) {
        *why = "forced failure of the list expansion";
        return MATCH_NO;
      }
      c->error = str_sprintf("failed to expand \"%s\" while checking a list: %s", list, err);
      log_write(LOG_MAIN | LOG_PANIC, "%s", c->error);
      return MATCH_DEFER;
    }
    list = l;
    *listed = l;
  }
  int sep = 0;
  char *item;
  bool last_neg = false;
  while ((item = list_next(&list, &sep))) {
    const char *p = item;
    bool neg = false;
    /* One '!' negates ("!!x" is the negation of "!x"); plain string
     * lists (inlist) know no negation, names or files. */
    if (*p == '!' && c->type != MT_STRING) {
      neg = true;
      p = str_skip_space(p + 1);
    }
    if (*p == '+' && c->type != MT_STRING) {
      if ((c->type == MT_ADDRESS || c->type == MT_LOCALPART) && !neg &&
          strcmp(p, "+caseful") == 0) {
        c->caseless = false;
        c->subject = c->orig_subject;
        continue;
      }
      if (c->type == MT_HOST) {
        if (strcmp(p, "+include_unknown") == 0) { c->include_unknown = true; c->ignore_unknown = false; continue; }
        if (strcmp(p, "+ignore_unknown") == 0) { c->ignore_unknown = true; c->include_unknown = false; continue; }
        if (strcmp(p, "+include_defer") == 0) { c->include_defer = true; c->ignore_defer = false; continue; }
        if (strcmp(p, "+ignore_defer") == 0) { c->ignore_defer = true; c->include_defer = false; continue; }
      }
      last_neg = neg;
      named_list *nl = named_list_find(c->nlkind, p + 1);
      if (!nl) {
        c->error = str_sprintf("unknown named %s list \"%s\"", kind_name[c->nlkind], p);
        log_write(LOG_MAIN, "%s", c->error);
        return MATCH_DEFER;
      }
      if (c->depth >= MAX_NESTING) {
        c->error = str_sprintf("named %s lists nested too deeply at \"%s\"", kind_name[c->nlkind], p);
        return MATCH_DEFER;
      }
      bool use_cache = cacheable(nl, 0);
      cache_entry *e = use_cache ? cache_find(nl, c) : NULL;
      match_rc rc;
      if (e) {
        rc = e->rc;
        c->value = e->value;
        DEBUG(D_lists) debug_printf("cached %s match for %s\n", rc == MATCH_YES ? "yes" : "no", p);
      } else {
        match_ctx sub = *c;
        sub.depth++;
        sub.value = NULL;
        sub.include_unknown = sub.ignore_unknown = sub.include_defer = sub.ignore_defer = false;
        rc = match_list_run(&sub, nl->value, true);
        c->value = sub.value;
        if (rc == MATCH_DEFER) {
          c->error = sub.error;
          if (c->type == MT_HOST && !unknown_outcome(c, MATCH_DEFER, &rc)) continue;
          return rc;
        }
        if (use_cache) cache_add(nl, c, rc);
      }
      if (rc == MATCH_YES) {
        *why = str_sprintf("matched \"%s\"", item);
        return neg ? MATCH_NO : MATCH_YES;
      }
      continue;
    }
    if (*p == '/' && c->type != MT_STRING) {
      bool matched, item_neg = false, file_last_neg = false;
      match_rc rc = file_check(c, p, item, &matched, &item_neg, &file_last_neg);
      last_neg = neg != file_last_neg;
      if (matched) {
        *why = str_sprintf("matched an item in \"%s\"", p);
        return (neg != item_neg) ? MATCH_NO : MATCH_YES;
      }
      if (rc == MATCH_DEFER || rc == MATCH_UNKNOWN) {
        match_rc r;
        if (c->type == MT_HOST && !unknown_outcome(c, rc, &r)) continue;
        return rc == MATCH_UNKNOWN ? MATCH_NO : MATCH_DEFER;
      }
      continue;
    }
    last_neg = neg;
    match_rc rc = item_check(c, p);
    if (rc == MATCH_YES) {
      *why = str_sprintf("matched \"%s\"", item);
      return neg ? MATCH_NO : MATCH_YES;
    }
    if (rc == MATCH_DEFER || rc == MATCH_UNKNOWN) {
      match_rc r;
      if (c->type == MT_HOST) {
        if (!unknown_outcome(c, rc, &r)) continue;
        return r;
      }
      return MATCH_DEFER;
    }
  }
  return last_neg ? MATCH_YES : MATCH_NO;
}

/* ---- public entry points ---------------------------------------------- */

static match_rc finish(match_ctx *c, match_rc rc, const char **data, const char **error) {
  if (data) *data = rc == MATCH_YES ? c->value : NULL;
  if (error) *error = rc == MATCH_DEFER ? (c->error ? c->error : "list match deferred") : NULL;
  return rc;
}

match_rc match_list_check(match_list_type type, const char *subject, const char *host_name,
                          const char *list, unsigned flags, const char **data,
                          const char **error) {
  match_ctx c = {0};
  const char *s = subject ? subject : "";
  bool caseless = (flags & MATCH_F_CASELESS) != 0;
  c.subject = c.orig_subject = s;
  c.caseless = true;
  switch (type) {
  case MATCH_LIST_DOMAIN:
    c.type = MT_DOMAIN;
    c.nlkind = NL_DOMAIN;
    break;
  case MATCH_LIST_LOCALPART:
    c.type = MT_LOCALPART;
    c.nlkind = NL_LOCALPART;
    c.subject = caseless ? str_lc(s) : s;
    c.caseless = caseless;
    break;
  case MATCH_LIST_ADDRESS: {
    c.type = MT_ADDRESS;
    c.nlkind = NL_ADDRESS;
    /* The domain is always lowercased; the local part unless caseful. */
    const char *at = strrchr(s, '@');
    char *orig = str_copy(s);
    if (at) {
      char *ld = str_lc(at);
      memcpy(orig + (at - s), ld, strlen(ld));
    }
    c.orig_subject = orig;
    c.subject = caseless ? str_lc(orig) : orig;
    c.caseless = caseless;
    break;
  }
  case MATCH_LIST_HOST:
  case MATCH_LIST_IP:
    c.type = MT_HOST;
    c.nlkind = NL_HOST;
    c.host_address = s;
    c.host_name = host_name;
    c.ip_only = type == MATCH_LIST_IP;
    break;
  case MATCH_LIST_STRING:
    c.type = MT_STRING;
    c.caseless = caseless;
    break;
  }
  return finish(&c, match_list_run(&c, list, !(flags & MATCH_F_NOEXPAND)), data, error);
}

match_rc match_domain_list(const char *domain, const char *list, const char **data,
                           const char **error) {
  return match_list_check(MATCH_LIST_DOMAIN, domain, NULL, list, 0, data, error);
}

match_rc match_localpart_list(const char *local_part, const char *list, bool caseless,
                              const char **data, const char **error) {
  return match_list_check(MATCH_LIST_LOCALPART, local_part, NULL, list,
                          caseless ? MATCH_F_CASELESS : 0, data, error);
}

match_rc match_address_list(const char *address, const char *list, bool caseless,
                            const char **data, const char **error) {
  return match_list_check(MATCH_LIST_ADDRESS, address, NULL, list,
                          caseless ? MATCH_F_CASELESS : 0, data, error);
}

match_rc match_host_list(const char *host_name, const char *host_address, const char *list,
                         const char **error) {
  return match_list_check(MATCH_LIST_HOST, host_address, host_name, list, 0, NULL, error);
}

match_rc match_string_list(const char *s, const char *list, bool caseless, const char **error) {
  return match_list_check(MATCH_LIST_STRING, s, NULL, list, caseless ? MATCH_F_CASELESS : 0,
                          NULL, error);
}
