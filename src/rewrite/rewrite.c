/* rewrite.c - address rewriting rules (spec chapter 31): reading the
 * "begin rewrite" section and headers_rewrite option values, and applying
 * the rules to one address (envelope or SMTP-time) with Exim's pattern
 * matching, numeric variables, replacement expansion and flags.
 *
 * Entry points: rewrite_read_config(), rewrite_rules_parse(),
 * rewrite_address(), rewrite_address_full().  Header
 * rewriting is in rewrite_header.c, -brw in rewrite_test.c.
 * Must never: return an address that does not parse (the rewrite is
 * abandoned and logged instead); apply a rule more than 10 times (R flag).
 */
#include "rewrite.h"

#include <string.h>

#include "../base/address.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../base/regex.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../config/readconf.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "../expand/variables.h"

rewrite_rule *rewrite_rules;
int rewrite_existflags;

/* ---- reading rules ----------------------------------------------------- */

/* One item of a rule: up to white space, or a quoted string with the usual
 * backslash escapes.  NULL when there is nothing left. */
static char *take_item(const char **pp) {
  const char *p = str_skip_space(*pp);
  if (!*p) return NULL;
  gstring *g = g_new(32, is_tainted(p));
  if (*p == '"') {
    p++;
    while (*p && *p != '"') {
      if (*p == '\\') {
        p++;
        g = g_catc(g, (char)str_escape(&p));
      } else {
        g = g_catc(g, *p++);
      }
    }
    if (*p == '"') p++;
  } else {
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') g = g_catc(g, *p++);
  }
  *pp = p;
  return g_str(g);
}

static int flag_bits(char c) {
  switch (c) {
  case 'E': return RW_E | RW_F | RW_T;
  case 'F': return RW_F;
  case 'T': return RW_T;
  case 'b': return RW_b;
  case 'c': return RW_c;
  case 'f': return RW_f;
  case 'h': return RW_ALL_HEADERS;
  case 'r': return RW_r;
  case 's': return RW_s;
  case 't': return RW_t;
  case 'S': return RW_S;
  case 'Q': return RW_Q;
  case 'q': return RW_q;
  case 'R': return RW_R;
  case 'w': return RW_w;
  default: return 0;
  }
}

/* Parse one rule; NULL with *error (Exim's wording) on a bad one. */
static rewrite_rule *parse_rule(const char *text, bool transport, const char **error) {
  const char *p = text;
  rewrite_rule *r = store_zget(sizeof *r, false);
  r->key = take_item(&p);
  r->replacement = r->key ? take_item(&p) : NULL;
  if (!r->key || !r->replacement) {
    *error = "missing rewrite replacement string";
    return NULL;
  }
  for (; *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n') continue;
    int b = flag_bits(*p);
    if (!b) {
      *error = str_sprintf("unknown rewrite flag character '%c' "
                           "(could be missing quotes round replacement item)", *p);
      return NULL;
    }
    if (transport && (b & (RW_E | RW_F | RW_T | RW_S))) {
      *error = "rewrite rule specifies a non-header rewrite - not allowed at transport time -";
      return NULL;
    }
    r->flags |= b;
  }
  if (!(r->flags & (RW_ALL | RW_S))) r->flags |= transport ? RW_ALL_HEADERS : RW_ALL;
  if ((r->flags & RW_S) && r->key[0] != '^' && strncmp(r->key, "\\N^", 3) != 0) {
    *error = "rewrite rule has the S flag but is not a regular expression";
    return NULL;
  }
  return r;
}

void rewrite_read_config(void) {
  rewrite_rule **tail = &rewrite_rules;
  rewrite_rules = NULL;
  rewrite_existflags = 0;
  int old = store_pool_set(POOL_PERM);
  for (const config_line *l = config.rewrite_lines; l; l = l->next) {
    const char *err = NULL;
    rewrite_rule *r = parse_rule(l->text, false, &err);
    if (!r) config_error_at(l->file, l->line, "%s", err);
    rewrite_existflags |= r->flags;
    *tail = r;
    tail = &r->next;
  }
  store_pool_set(old);
}

rewrite_rule *rewrite_rules_parse(const char *text, const char **error) {
  rewrite_rule *head = NULL, **tail = &head;
  const char *list = text;
  int sep = 0;
  char *item;
  while ((item = list_next(&list, &sep))) {
    rewrite_rule *r = parse_rule(item, true, error);
    if (!r) return NULL;
    *tail = r;
    tail = &r->next;
  }
  return head;
}

int rewrite_rules_flags(const rewrite_rule *rules) {
  int f = 0;
  for (; rules; rules = rules->next) f |= rules->flags;
  return f;
}

/* ---- matching ---------------------------------------------------------- */

/* The local part and domain of an address (split at its last '@'). */
static void split(const char *address, const char **lp, const char **dom) {
  const char *at = strrchr(address, '@');
  if (!at) {
    *lp = address;
    *dom = "";
    return;
  }
  *lp = str_copyn(address, (size_t)(at - address));
  *dom = at + 1;
}

/* $1.. for a non-regex pattern: the parts matched by a leading '*' in the
 * local part and then in the domain (spec 31.5). */
static void wildcard_numerics(const char *address, const char *pattern) {
  const char *vals[3];
  int n = 0;
  vals[n++] = address;
  const char *lp, *dom;
  split(address, &lp, &dom);
  const char *pat_at = strchr(pattern, '@');
  const char *dpat = pattern;
  if (pat_at && !strchr(pattern, ';')) {
    if (pattern[0] == '*') {
      size_t fixed = (size_t)(pat_at - pattern) - 1, l = strlen(lp);
      vals[n++] = str_copyn(lp, l >= fixed ? l - fixed : 0);
    }
    dpat = pat_at + 1;
  } else if (pat_at) {
    dpat = NULL;
  }
  if (dpat && dpat[0] == '*' && !strchr(dpat, ';')) {
    size_t fixed = strlen(dpat + 1), l = strlen(dom);
    vals[n++] = str_copyn(dom, l >= fixed ? l - fixed : 0);
  }
  expand_set_numeric(n, vals);
}

/* Does the (expanded) pattern match?  Sets $0.. as spec 31.5 says.
 * MATCH_DEFER when a lookup deferred. */
static match_rc rule_matches(const char *pattern, const char *address, bool smtp) {
  if (pattern[0] == '^') {
    const char *err = NULL;
    const regex *re = regex_get(pattern, 0, &err);
    if (!re) {
      log_write(LOG_MAIN | LOG_PANIC, "rewrite rule: regular expression error: %s", err);
      return MATCH_DEFER;
    }
    const char *caps[EXPAND_MAXN];
    int ncaps = 0;
    int r = regex_match(re, address, strlen(address), caps, EXPAND_MAXN, &ncaps, &err);
    if (r <= 0) return r < 0 ? MATCH_DEFER : MATCH_NO;
    caps[0] = address;
    expand_set_numeric(ncaps, caps);
    return MATCH_YES;
  }
  if (smtp) return MATCH_NO;
  /* Domains compare caselessly, local parts casefully. */
  const char *lp, *dom;
  split(address, &lp, &dom);
  const char *subject = *dom ? str_sprintf("%s@%s", lp, str_lc(dom)) : address;
  const char *err = NULL;
  match_rc rc = match_list_check(MATCH_LIST_ADDRESS, subject, NULL, str_sprintf("<\n%s", pattern),
                                 MATCH_F_NOEXPAND, NULL, &err);
  if (rc == MATCH_YES) wildcard_numerics(address, pattern);
  return rc;
}

/* ---- applying rules ---------------------------------------------------- */

/* Rewrite `address` with the rules that have `flag`.  Returns the new
 * working address (the original pointer when nothing changed); *whole gets
 * the full replacement text when the last change came from a w rule.  For
 * SMTP-time rules the address is the raw command argument. */
const char *rewrite_address_full(const char *address, int flag, const rewrite_rule *rules,
                                 const char *qualify, const char **whole) {
  const char *current = address;
  const char *new_whole = NULL;
  bool smtp = flag == RW_S;
  expand_numeric_save save;
  expand_numeric_save_get(&save);
  const char **lpslot = expand_var_slot("local_part"), **dslot = expand_var_slot("domain");
  const char *old_lp = lpslot ? *lpslot : NULL, *old_dom = dslot ? *dslot : NULL;
  bool stop = false;

  for (const rewrite_rule *r = rules; r && !stop; r = r->next) {
    if (!(r->flags & flag)) continue;
    for (int applied = 0;; applied++) {
      const char *pattern = expand_cstring(r->key);
      if (!pattern) {
        /* A pattern that does not expand matches nothing (silently when
         * the failure was forced). */
        if (!expand_status.forced_fail)
          log_write(LOG_MAIN | LOG_PANIC, "failed to expand \"%s\" while checking %s: %s", r->key,
                    smtp ? "for SMTP rewriting" : "a list", expand_status.message);
        break;
      }
      match_rc m = rule_matches(pattern, current, smtp);
      if (m != MATCH_YES) break;
      if (r->flags & RW_q) stop = true;
      if (strcmp(r->replacement, "*") == 0) {
        stop = true;
        break;
      }
      if (!smtp) {
        const char *lp, *dom;
        split(current, &lp, &dom);
        expand_var_set("local_part", lp);
        expand_var_set("domain", dom);
      }
      const char *rep = expand_cstring(r->replacement);
      if (!smtp) {
        expand_var_set("local_part", NULL);
        expand_var_set("domain", NULL);
      }
      if (!rep) {
        if (expand_status.forced_fail) break;
        log_write(LOG_MAIN | LOG_PANIC, "Expansion of %s failed while rewriting: %s",
                  r->replacement, expand_status.message);
        stop = true;
        break;
      }
      const char *err = NULL;
      int start, end, domoff;
      const char *parsed;
      if (smtp) {
        /* The result replaces the command's argument, brackets and all,
         * but it must still hold an address. */
        if (!address_extract(rep, &err, NULL, NULL, NULL, true)) {
          log_write(LOG_MAIN, "Rewrite of %s yielded unparseable address: %s in address %s",
                    current, err, rep);
          stop = true;
          break;
        }
        parsed = rep;
      } else {
        parsed = address_extract(rep, &err, &start, &end, &domoff, false);
        if (!parsed) {
          log_write(LOG_MAIN, "Rewrite of %s yielded unparseable address: %s in address %s",
                    current, err, rep);
          stop = true;
          break;
        }
        if (domoff == 0) {
          if (!(r->flags & RW_Q)) {
            log_write(LOG_MAIN, "Rewrite of %s yielded unqualified address \"%s\"", current, parsed);
            stop = true;
            break;
          }
          parsed = address_qualify(parsed, qualify ? qualify : "");
        }
      }
      new_whole = (r->flags & RW_w) ? rep : NULL;
      current = parsed;
      if (!(r->flags & RW_R)) break;
      if (applied == 10) {
        log_write(LOG_MAIN, "rewrite rule repeat ignored after 10 times");
        break;
      }
    }
  }
  expand_numeric_restore(&save);
  if (lpslot) *lpslot = old_lp;
  if (dslot) *dslot = old_dom;
  if (whole) *whole = new_whole;
  if (current != address && strcmp(current, address) == 0 && !new_whole) return address;
  return current;
}

const char *rewrite_address(const char *address, int flag, const rewrite_rule *rules,
                            const char *qualify_domain) {
  if (!address || !*address) return address;
  return rewrite_address_full(address, flag, rules, qualify_domain, NULL);
}

const char *rewrite_qualify_recipient(void) {
  if (mainconf.qualify_recipient && *mainconf.qualify_recipient) return mainconf.qualify_recipient;
  return mainconf.qualify_domain ? mainconf.qualify_domain : "";
}

const char *rewrite_smtp(const char *arg) {
  if (!(rewrite_existflags & RW_S)) return arg;
  return rewrite_address_full(arg, RW_S, rewrite_rules, rewrite_qualify_recipient(), NULL);
}
