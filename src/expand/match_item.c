/* match_item.c - single items of domain, local part and address lists
 * (spec 10.9, 10.20-10.22) and lookup items ("lsearch;/file",
 * "partial-dbm;/file", "mysql;query").
 *
 * Entry points: match_domain_item, match_address_item, match_lookup_item,
 * match_set_numeric (see match_int.h).  Never handles negation, named lists
 * or files of items (the engine in match.c does), and never resolves names
 * in the DNS: "@mx_*" items defer until the DNS layer exists.
 */
#include <string.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/regex.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../lookups/lookup.h"
#include "expand.h"
#include "match_int.h"

void match_set_numeric(int n, const char *const *values) { expand_set_numeric(n, values); }

/* ---- lookups ------------------------------------------------------------ */

match_rc match_lookup_item(match_ctx *c, const char *pattern, const char *semicolon,
                           const char *key, bool allow_partial) {
  /* The type ends at the semicolon (white space before it is part of the
   * name, and so an unknown type, as for exim4). */
  size_t tlen = (size_t)(semicolon - pattern);
  lookup_spec spec;
  const char *err = lookup_spec_parse(pattern, tlen, &spec);
  if (err) log_panic_die("%s", err);
  if (spec.partial >= 0 && !allow_partial) {
    log_write(LOG_MAIN | LOG_PANIC, "partial matching is not applicable to whole-address "
              "lookups: ignored \"partial-\" in \"%s\"", pattern);
    spec.partial = -1;
  }
  const char *data = str_skip_space(semicolon + 1);
  lookup_hit hit = {0};
  lookup_rc rc;
  if (spec.info->style == LOOKUP_SINGLE_KEY) {
    char *file = str_rtrim(str_copy(data));
    if (!key || !*key) return MATCH_NO;    /* empty keys are not supported */
    rc = lookup_search(&spec, file, key, &hit, &err);
  } else {
    c->query = true;
    rc = lookup_search(&spec, NULL, data, &hit, &err);
  }
  if (rc == LOOKUP_DEFER) {
    /* A file that cannot be opened is a configuration error: exim4 dies
     * with the lookup's message (the tainted-name refusal and other
     * deferrals are temporary errors). */
    if (spec.info->style == LOOKUP_SINGLE_KEY && err && strncmp(err, "failed to open ", 15) == 0)
      log_panic_die("%s", err);
    c->error = err ? err : "lookup deferred";
    return MATCH_DEFER;
  }
  if (rc == LOOKUP_NOTFOUND) return MATCH_NO;
  c->value = hit.value ? hit.value : "";
  return MATCH_YES;
}

/* Does the pattern start with a lookup type ("type;")?  The part before
 * the first ';' must look like a type name (letters, digits, '-', '*',
 * '@', ',' options, '=' values). */
static const char *lookup_semicolon(const char *pattern) {
  const char *semi = strchr(pattern, ';');
  if (!semi) return NULL;
  return semi;
}

/* ---- domains and local parts ------------------------------------------- */

static match_rc regex_item(match_ctx *c, const char *subject, const char *pattern, bool caseless,
                           bool set_numeric) {
  const char *err = NULL;
  const regex *re = regex_get(pattern, caseless ? REGEX_CASELESS : 0, &err);
  if (!re) log_panic_die("regular expression error: %s", err);
  const char *caps[EXPAND_MAXN];
  int ncaps = 0;
  int r = regex_match(re, subject, strlen(subject), caps, EXPAND_MAXN, &ncaps, &err);
  if (r < 0) {
    c->error = err;
    return MATCH_DEFER;
  }
  if (r == 0) return MATCH_NO;
  if (set_numeric) match_set_numeric(ncaps, caps);
  c->value = pattern;
  return MATCH_YES;
}

match_rc match_domain_item(match_ctx *c, const char *subject, const char *pattern,
                           bool at_special, bool caseless) {
  if (at_special && pattern[0] == '@') {
    if (pattern[1] == 0) {
      const char *ph = mainconf.primary_hostname ? mainconf.primary_hostname : "";
      if (str_cmpic(subject, ph) != 0) return MATCH_NO;
      c->value = ph;
      return MATCH_YES;
    }
    if (strcmp(pattern, "@[]") == 0) {
      size_t n = strlen(subject);
      if (n < 3 || subject[0] != '[' || subject[n - 1] != ']') return MATCH_NO;
      const char *ip = str_copyn(subject + 1, n - 2);
      int r = match_is_local_address(c, ip);
      if (r < 0) return MATCH_DEFER;
      if (r == 0) return MATCH_NO;
      c->value = pattern;
      return MATCH_YES;
    }
    if (strncmp(pattern, "@mx_", 4) == 0) {
      size_t l = strcspn(pattern, "/");
      if ((l == 7 && strncmp(pattern, "@mx_any", 7) == 0) ||
          (l == 11 && strncmp(pattern, "@mx_primary", 11) == 0) ||
          (l == 13 && strncmp(pattern, "@mx_secondary", 13) == 0)) {
        c->error = str_sprintf("\"%s\" needs an MX lookup of \"%s\": DNS lookups arrive with "
                               "the DNS layer, which is not part of this build yet",
                               pattern, subject);
        return MATCH_DEFER;
      }
    }
  }
  if (pattern[0] == '*') {
    size_t pl = strlen(pattern + 1), sl = strlen(subject);
    if (pl > sl) return MATCH_NO;
    const char *tail = subject + sl - pl;
    if ((caseless ? str_cmpic(tail, pattern + 1) : strcmp(tail, pattern + 1)) != 0)
      return MATCH_NO;
    /* $0 and $1 are lowercased in caseless matching, as exim4 gives them. */
    const char *sub = caseless ? str_lc(subject) : subject;
    const char *caps[2] = {sub, str_copyn(sub, sl - pl)};
    match_set_numeric(2, caps);
    c->value = pattern;
    return MATCH_YES;
  }
  if (pattern[0] == '^') return regex_item(c, subject, pattern, caseless, true);
  const char *semi = lookup_semicolon(pattern);
  if (semi) return match_lookup_item(c, pattern, semi, subject, true);
  if ((caseless ? str_cmpic(subject, pattern) : strcmp(subject, pattern)) != 0) return MATCH_NO;
  c->value = pattern;
  return MATCH_YES;
}

/* ---- addresses (10.20) -------------------------------------------------- */

/* Match a local part against one pattern of an "@@" list; the list may
 * chain to another key with a last item ">key". */
static match_rc at_at_item(match_ctx *c, const char *pattern, const char *semi,
                           const char *local_part, const char *domain) {
  const char *key = domain;
  for (int chain = 0; chain < 50; chain++) {
    match_ctx lk = *c;
    lk.value = NULL;
    match_rc rc = match_lookup_item(&lk, pattern, semi, key, true);
    if (rc != MATCH_YES) {
      if (rc == MATCH_DEFER) c->error = lk.error;
      return rc;
    }
    /* Local part patterns, each possibly negated; chaining with ">". */
    const char *list = lk.value;
    int sep = 0;
    char *it;
    const char *next = NULL;
    while ((it = list_next(&list, &sep))) {
      if (it[0] == '>' && !list_next(&(const char *){list}, &(int){sep})) {
        next = str_skip_space(it + 1);
        break;
      }
      const char *p = it;
      bool neg = false;
      if (*p == '!') {
        neg = true;
        p = str_skip_space(p + 1);
      }
      match_ctx lp = *c;
      lp.value = NULL;
      match_rc r = match_domain_item(&lp, local_part, p, false, c->caseless);
      if (r == MATCH_DEFER) {
        c->error = lp.error;
        return r;
      }
      if (r == MATCH_YES) {
        if (neg) return MATCH_NO;
        c->value = lp.value;
        return MATCH_YES;
      }
    }
    /* Chaining is for single-key lookups only: a query gives one list. */
    if (!next || lk.query) return MATCH_NO;
    key = next;
  }
  c->error = str_sprintf("too many chained \">\" items in \"%s\" lookup", pattern);
  return MATCH_DEFER;
}

match_rc match_address_item(match_ctx *c, const char *pattern) {
  const char *address = c->subject;
  if (pattern[0] == 0) {
    if (address[0]) return MATCH_NO;
    c->value = pattern;
    return MATCH_YES;
  }
  /* A regex against the whole address gives no value of its own and
   * leaves $0.. alone (as exim4 does). */
  if (pattern[0] == '^') {
    const char *keep = c->value;
    match_rc rc = regex_item(c, address, pattern, c->caseless, false);
    c->value = keep;
    return rc;
  }
  const char *semi = strchr(pattern, ';');
  const char *pat_at = strchr(pattern, '@');
  /* A whole-address lookup starts with its type: no '@' before the ';'
   * except in the "*@" default marker ("lsearch*@;file"). */
  if (semi && pattern[0] != '@') {
    bool whole = true;
    for (const char *q = pattern; q < semi; q++)
      if (*q == '@' && !(q > pattern && q[-1] == '*' && (q[1] == ';' || q[1] == ','))) whole = false;
    if (whole) return match_lookup_item(c, pattern, semi, address, false);
  }
  if (!address[0]) return MATCH_NO;
  const char *at = strrchr(address, '@');
  if (!at) {
    log_write(LOG_MAIN, "no @ found in the subject of an address list match: subject=\"%s\" "
              "pattern=\"%s\"", address, pattern);
    return MATCH_NO;
  }
  size_t sub_llen = (size_t)(at - address);
  const char *local_part = str_copyn(address, sub_llen);
  const char *domain = at + 1;

  if (pattern[0] == '@' && pattern[1] == '@') {
    const char *p = pattern + 2;
    const char *s2 = strchr(p, ';');
    if (!s2) return MATCH_NO;     /* no lookup: nothing to look in */
    return at_at_item(c, p, s2, local_part, domain);
  }

  /* Local part of the pattern (none: a plain domain or "*domain", as if
   * "*@" came first), then its domain as a domain list item.  "*suffix"
   * ends at the pattern's first '@'; a literal local part is the subject's
   * followed by '@' (so local parts containing '@' work). */
  const char *dpat = pattern;
  if (pat_at) {
    if (pattern[0] == '*') {
      size_t pl = (size_t)(pat_at - pattern) - 1, sl = strlen(local_part);
      if (pl > sl) return MATCH_NO;
      const char *tail = local_part + sl - pl;
      if ((c->caseless ? str_ncmpic(tail, pattern + 1, pl) : strncmp(tail, pattern + 1, pl)) != 0)
        return MATCH_NO;
      dpat = pat_at + 1;
    } else {
      if ((c->caseless ? str_ncmpic(pattern, local_part, sub_llen)
                       : strncmp(pattern, local_part, sub_llen)) != 0 ||
          pattern[sub_llen] != '@')
        return MATCH_NO;
      dpat = pattern + sub_llen + 1;
    }
  }
  match_rc rc;
  const char *dvalue = NULL;
  if (dpat[0] == '+') {
    named_list *nl = named_list_find(NL_DOMAIN, dpat + 1);
    if (!nl) {
      c->error = str_sprintf("unknown named domain list \"%s\"", dpat);
      log_write(LOG_MAIN, "%s", c->error);
      return MATCH_DEFER;
    }
    match_ctx d = {0};
    d.type = MT_DOMAIN;
    d.nlkind = NL_DOMAIN;
    d.subject = d.orig_subject = domain;
    d.caseless = true;
    d.depth = c->depth + 1;
    rc = match_list_run(&d, nl->value, true);
    if (rc == MATCH_DEFER) c->error = d.error;
    dvalue = d.value;
  } else {
    match_ctx d = *c;
    d.value = NULL;
    /* The domain is lowercased already; after "+caseful" a domain given
     * with a local part is compared casefully, a domain alone never. */
    rc = match_domain_item(&d, domain, dpat, pat_at != NULL, pat_at ? c->caseless : true);
    if (rc == MATCH_DEFER) c->error = d.error;
    dvalue = d.value;
  }
  /* Exim's value: the pattern's first characters, as many as the
   * subject's local part has (none for a pattern without '@'), "@", and
   * the domain item's value.  It is set once the local part matched, even
   * when the domain then fails (a later regex item keeps it). */
  if (rc != MATCH_DEFER) {
    int n = pat_at ? (int)(sub_llen < 100000 ? sub_llen : 100000) : 0;
    bool tainted = is_tainted(pattern) || (dvalue && is_tainted(dvalue));
    c->value = str_copy_taint(str_sprintf("%.*s@%s", n, pattern, dvalue ? dvalue : ""), tainted);
  }
  return rc;
}
