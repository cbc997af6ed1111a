/* sieve_test.c - Sieve tests (RFC 5228 section 5, envelope, subaddress RFC
 * 5233, comparator i;ascii-numeric RFC 4790): address, allof, anyof,
 * envelope, exists, false, header, not, size, true; comparators i;octet,
 * i;ascii-casemap (and Exim's default name en;ascii-casemap),
 * i;ascii-numeric; match types :is, :contains, :matches.
 *
 * Entry points: sieve_run_test(), sieve_compare().
 *
 * Must never: change the message or the envelope.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "../base/stack.h"
#include "sieve_int.h"

static const char *const comparator_names[] = {"i;octet", "en;ascii-casemap", "i;ascii-numeric"};
static const char *const match_names[] = {":is", ":contains", ":matches"};

static int fold(int c, int comparator) {
  return comparator == SC_CASEMAP && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* :matches: "*" any sequence, "?" one character (a UTF-8 sequence counts
 * as one), "\\" quotes the next character.  Iterative, backtracking only
 * to the last "*", so hostile patterns cannot take exponential time. */
static bool glob(const char *v, const char *k, int cmp) {
  const char *star_k = NULL, *star_v = NULL;
  for (;;) {
    if (*k == '*') {
      while (*k == '*') k++;
      star_k = k;
      star_v = v;
      continue;
    }
    if (!*k && !*v) return true;
    bool step = false;
    if (*v && *k == '?') {
      k++;
      unsigned char c = (unsigned char)*v++;
      if (c >= 0xc0)
        while (((unsigned char)*v & 0xc0) == 0x80) v++;
      step = true;
    } else if (*v && *k) {
      const char *kk = *k == '\\' && k[1] ? k + 1 : k;
      if (fold((unsigned char)*kk, cmp) == fold((unsigned char)*v, cmp)) {
        k = kk + 1;
        v++;
        step = true;
      }
    }
    if (step) continue;
    if (!star_k || !*star_v) return false;
    /* let the last "*" take one more character */
    unsigned char c = (unsigned char)*star_v++;
    if (c >= 0xc0)
      while (((unsigned char)*star_v & 0xc0) == 0x80) star_v++;
    k = star_k;
    v = star_v;
  }
}

/* i;ascii-numeric: the leading digits as a number; none = infinity. */
static int numeric_cmp(const char *a, const char *b) {
  bool da = isdigit((unsigned char)*a), db = isdigit((unsigned char)*b);
  if (!da || !db) return da == db ? 0 : da ? -1 : 1;
  size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");
  if (la != lb) return la < lb ? -1 : 1;
  return strncmp(a, b, la);
}

bool sieve_compare(sieve_state *s, const char *value, const char *key, int match, int comparator) {
  bool r = false;
  if (filter_verbose) {
    fprintf(stderr, "String comparison (match %s, comparison \"%s\"):\n", match_names[match],
            comparator_names[comparator]);
    fprintf(stderr, "  Search = %s (%zu chars)\n", key, strlen(key));
    fprintf(stderr, "  Inside = %s (%zu chars)\n", value, strlen(value));
  }
  if (comparator == SC_NUMERIC && match != SM_IS) {
    sieve_fail(s, "comparator does not offer specified matchtype");
    return false;
  }
  if (comparator == SC_NUMERIC) {
    r = match == SM_IS && numeric_cmp(value, key) == 0;
  } else if (match == SM_IS) {
    r = comparator == SC_CASEMAP ? str_cmpic(value, key) == 0 : strcmp(value, key) == 0;
  } else if (match == SM_CONTAINS) {
    size_t n = strlen(key);
    for (const char *p = value;; p++) {
      if (comparator == SC_CASEMAP ? str_ncmpic(p, key, n) == 0 : strncmp(p, key, n) == 0) {
        r = true;
        break;
      }
      if (!*p) break;
    }
  } else {
    r = glob(value, key, comparator);
  }
  if (filter_verbose) fprintf(stderr, "  Result %s\n", r ? "true" : "false");
  return r;
}

/* ---- argument parsing ---- */

typedef struct targs {
  int match, comparator, part;
  bool have_match, have_comparator, have_part;
  unsigned long number;
  bool over, have_size;
} targs;

/* Optional tags of a test; allowed: 'c' comparator, 'm' match, 'a' address part. */
static bool tags(sieve_state *s, targs *t, const char *allowed) {
  const char *tag;
  t->match = SM_IS;
  t->comparator = SC_CASEMAP;
  t->part = SA_ALL;
  while (*s->p == ':') {
    const char *save = s->p;
    if (!sieve_tag(s, &tag)) return sieve_fail(s, "syntax error");
    if (strcmp(tag, "comparator") == 0 && strchr(allowed, 'c')) {
      const char *name;
      int r = sieve_string(s, &name);
      if (r < 0) return false;
      if (r == 0) return sieve_fail(s, "missing comparator");
      if (t->have_comparator) return sieve_fail(s, "comparator already specified");
      t->have_comparator = true;
      if (str_cmpic(name, "i;octet") == 0) t->comparator = SC_OCTET;
      else if (str_cmpic(name, "i;ascii-casemap") == 0 || str_cmpic(name, "en;ascii-casemap") == 0)
        t->comparator = SC_CASEMAP;
      else if (str_cmpic(name, "i;ascii-numeric") == 0) {
        if (!s->require_numeric) return sieve_fail(s, "missing previous require \"comparator-i;ascii-numeric\";");
        t->comparator = SC_NUMERIC;
      } else {
        return sieve_fail(s, "invalid comparator");
      }
    } else if ((strcmp(tag, "is") == 0 || strcmp(tag, "contains") == 0 || strcmp(tag, "matches") == 0) &&
               strchr(allowed, 'm')) {
      if (t->have_match) return sieve_fail(s, "match type already specified");
      t->have_match = true;
      t->match = tag[0] == 'i' ? SM_IS : tag[0] == 'c' ? SM_CONTAINS : SM_MATCHES;
    } else if ((strcmp(tag, "all") == 0 || strcmp(tag, "localpart") == 0 || strcmp(tag, "domain") == 0 ||
                strcmp(tag, "user") == 0 || strcmp(tag, "detail") == 0) &&
               strchr(allowed, 'a')) {
      if (t->have_part) return sieve_fail(s, "address part already specified");
      if ((tag[0] == 'u' || tag[1] == 'e') && !s->require_subaddress)
        return sieve_fail(s, "missing previous require \"subaddress\";");
      t->have_part = true;
      t->part = tag[0] == 'a' ? SA_ALL : tag[0] == 'l' ? SA_LOCALPART : tag[1] == 'o' ? SA_DOMAIN
                : tag[0] == 'u' ? SA_USER : SA_DETAIL;
    } else {
      s->p = save;
      return true;
    }
  }
  return true;
}

/* A required string list. */
static bool need_list(sieve_state *s, sieve_list **l, const char *what) {
  int r = sieve_string_list(s, l);
  if (r < 0) return false;
  if (r == 0) return sieve_fail(s, what);
  return true;
}

static bool valid_header_name(const char *h) {
  if (!*h) return false;
  for (const unsigned char *p = (const unsigned char *)h; *p; p++)
    if (*p <= ' ' || *p == ':' || *p == 127) return false;
  return true;
}

/* ---- values from the message ---- */

typedef struct hvals {
  sieve_list *head, **tail;
} hvals;

static void collect(const char *content, size_t len, void *arg) {
  hvals *h = arg;
  sieve_list *l = store_zget(sizeof *l, false);
  l->s = str_copy_taint(str_copyn(content, len), true);
  *h->tail = l;
  h->tail = &l->next;
}

static char *trim(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  char *c = str_copy(s);
  size_t n = strlen(c);
  while (n && (c[n - 1] == ' ' || c[n - 1] == '\t' || c[n - 1] == '\n' || c[n - 1] == '\r')) c[--n] = 0;
  return c;
}

/* Each header named name: raw (for address parsing) or decoded (RFC 2047
 * words to UTF-8, white space trimmed). */
static sieve_list *header_values(const char *name, bool decode) {
  hvals h = {NULL, &h.head};
  expand_headers_foreach(name, collect, &h);
  for (sieve_list *l = h.head; l; l = l->next) {
    /* unfold */
    char *u = str_copy(l->s);
    char *w = u;
    for (const char *p = l->s; *p; p++)
      if (*p != '\n' && *p != '\r') *w++ = *p;
    *w = 0;
    l->s = trim(u);
    if (decode) {
      const char *cs = mainconf.headers_charset;
      mainconf.headers_charset = "UTF-8";
      expand_set_value(l->s);
      const char *d = expand_cstring("${rfc2047d:$value}");
      mainconf.headers_charset = cs;
      if (d) l->s = d;
    }
  }
  return h.head;
}

typedef struct addr_collect {
  sieve_list *head, **tail;
} addr_collect;

static bool add_address(const char *a, void *arg) {
  addr_collect *c = arg;
  sieve_list *l = store_zget(sizeof *l, false);
  l->s = a;
  *c->tail = l;
  c->tail = &l->next;
  return false;
}

/* The part of an address an address part tag asks for; NULL when absent
 * (a detail test of an address without a separator). */
static const char *address_part(sieve_state *s, const char *a, int part, bool envelope_to) {
  const char *at = strrchr(a, '@');
  const char *lp = at ? str_copyn(a, (size_t)(at - a)) : a;
  switch (part) {
  case SA_ALL: return a;
  case SA_LOCALPART: return lp;
  case SA_DOMAIN: return at ? at + 1 : "";
  case SA_USER:
    /* as exim4: the envelope recipient's :user is sieve_useraddress, by
     * default the whole local part with its prefix and suffix (spec 22.6);
     * its :detail is sieve_subaddress, absent when unset.  Addresses in
     * headers are not split: :user is the local part, :detail absent. */
    if (envelope_to) return s->ctx->sieve_useraddress ? s->ctx->sieve_useraddress : lp;
    return lp;
  case SA_DETAIL:
    return envelope_to ? s->ctx->sieve_subaddress : NULL;
  default: return a;
  }
}

/* 1 when value matches one of the keys, 0 when none, -1 on an error. */
static int any_match(sieve_state *s, const char *value, sieve_list *keys, const targs *t) {
  for (sieve_list *k = keys; k; k = k->next) {
    if (sieve_compare(s, value, k->s, t->match, t->comparator)) return 1;
    if (s->error) return -1;
  }
  return 0;
}

/* ---- the tests ---- */

static int run_test(sieve_state *s, const char *name, bool exec);

int sieve_run_test(sieve_state *s, const char *name, bool exec) {
  if (++s->depth > SIEVE_MAX_DEPTH || stack_nearly_full()) return sieve_fail(s, "nested too deeply"), -1;
  int r = run_test(s, name, exec);
  s->depth--;
  return r;
}

static int other_test(sieve_state *s, const char *n, bool exec);

/* true, false, not, allof, anyof here (they recurse, so this frame is kept
 * small); the others in other_test(). */
static int run_test(sieve_state *s, const char *name, bool exec) {
  const char *n = str_lc(name);
  if (strcmp(n, "true") == 0) return 1;
  if (strcmp(n, "false") == 0) return 0;
  if (strcmp(n, "not") == 0) {
    const char *id;
    if (!sieve_identifier(s, &id)) return sieve_fail(s, "missing test"), -1;
    if (!sieve_skip(s)) return -1;
    int r = sieve_run_test(s, id, exec);
    return r < 0 ? r : !r;
  }
  if (strcmp(n, "allof") == 0 || strcmp(n, "anyof") == 0) {
    bool all = n[1] == 'l';
    if (*s->p != '(') return sieve_fail(s, "missing test list"), -1;
    s->p++;
    if (!sieve_skip(s)) return -1;
    int result = all ? 1 : 0;
    for (;;) {
      const char *id;
      if (!sieve_identifier(s, &id)) return sieve_fail(s, "missing test"), -1;
      if (!sieve_skip(s)) return -1;
      bool run = exec && (all ? result == 1 : result == 0);
      int r = sieve_run_test(s, id, run);
      if (r < 0) return -1;
      if (run) result = r;
      if (*s->p == ',') {
        s->p++;
        if (!sieve_skip(s)) return -1;
        continue;
      }
      if (*s->p == ')') {
        s->p++;
        if (!sieve_skip(s)) return -1;
        return result;
      }
      return sieve_fail(s, "missing closing paren"), -1;
    }
  }
  return other_test(s, n, exec);
}

__attribute__((noinline)) static int other_test(sieve_state *s, const char *n, bool exec) {
  targs t = {0};
  if (strcmp(n, "exists") == 0) {
    sieve_list *names;
    if (!need_list(s, &names, "header string list expected")) return -1;
    if (!exec) return 0;
    /* as exim4: an empty name does not exist; one that cannot be a header
     * name fails like its expansion as $h_<name>: does */
    for (sieve_list *h = names; h; h = h->next) {
      if (!*h->s) return 0;
      if (!valid_header_name(h->s)) return sieve_fail(s, "header string expansion failed"), -1;
      if (!header_values(h->s, false)) return 0;
    }
    return 1;
  }
  if (strcmp(n, "size") == 0) {
    const char *tag;
    if (!sieve_tag(s, &tag) || (strcmp(tag, "over") != 0 && strcmp(tag, "under") != 0))
      return sieve_fail(s, "missing :over or :under"), -1;
    unsigned long lim;
    int r = sieve_number(s, &lim);
    if (r < 0) return -1;
    if (r == 0) return sieve_fail(s, "missing number"), -1;
    if (!exec) return 0;
    const char *sz = expand_cstring("$message_size");
    unsigned long size = sz ? strtoul(sz, NULL, 10) : 0;
    return tag[0] == 'o' ? size > lim : size < lim;
  }
  if (strcmp(n, "header") == 0) {
    if (!tags(s, &t, "cm")) return -1;
    sieve_list *names, *keys;
    if (!need_list(s, &names, "header string list expected")) return -1;
    if (!need_list(s, &keys, "key string list expected")) return -1;
    for (sieve_list *h = names; h; h = h->next)
      if (!valid_header_name(h->s)) return sieve_fail(s, "invalid header field"), -1;
    if (!exec) return 0;
    for (sieve_list *h = names; h; h = h->next)
      for (sieve_list *v = header_values(h->s, true); v; v = v->next) {
        int m = any_match(s, v->s, keys, &t);
        if (m) return m;
      }
    return 0;
  }
  if (strcmp(n, "address") == 0 || strcmp(n, "envelope") == 0) {
    bool env = n[0] == 'e';
    if (env && !s->require_envelope) return sieve_fail(s, "missing previous require \"envelope\";"), -1;
    if (!tags(s, &t, "cma")) return -1;
    sieve_list *names, *keys;
    if (!need_list(s, &names, env ? "envelope string list expected" : "header string list expected")) return -1;
    if (!need_list(s, &keys, "key string list expected")) return -1;
    /* The address test works on the headers RFC 5228 5.1 names; envelope
     * on "from" and "to". */
    static const char *const addr_headers[] = {"from", "to", "cc", "bcc", "sender", "resent-from",
                                               "resent-to"};
    for (sieve_list *h = names; h; h = h->next) {
      bool ok = false;
      if (env) {
        ok = str_cmpic(h->s, "from") == 0 || str_cmpic(h->s, "to") == 0;
      } else {
        for (size_t i = 0; i < sizeof addr_headers / sizeof addr_headers[0]; i++)
          if (str_cmpic(h->s, addr_headers[i]) == 0) ok = true;
      }
      if (!ok) return sieve_fail(s, env ? "invalid envelope string" : "invalid header field"), -1;
    }
    if (!exec) return 0;
    for (sieve_list *h = names; h; h = h->next) {
      addr_collect c = {NULL, &c.head};
      bool to = false;
      if (env) {
        if (str_cmpic(h->s, "from") == 0) {
          const char *rp = expand_cstring("$sender_address");
          add_address(rp ? rp : "", &c);
        } else if (str_cmpic(h->s, "to") == 0) {
          const char *pre = expand_cstring("$local_part_prefix"), *lp = expand_cstring("$local_part");
          const char *suf = expand_cstring("$local_part_suffix"), *dom = expand_cstring("$domain");
          add_address(str_sprintf("%s%s%s@%s", pre ? pre : "", lp ? lp : "", suf ? suf : "", dom ? dom : ""), &c);
          to = true;
        } else {
          continue;
        }
      } else {
        for (sieve_list *v = header_values(h->s, false); v; v = v->next) filter_each_address(v->s, add_address, &c);
      }
      for (sieve_list *a = c.head; a; a = a->next) {
        const char *part = address_part(s, a->s, t.part, to);
        int m = part ? any_match(s, part, keys, &t) : 0;
        if (m) return m;
      }
    }
    return 0;
  }
  if (strcmp(n, "valid_notify_method") == 0 || strcmp(n, "notify_method_capability") == 0) {
    if (!s->require_enotify) return sieve_fail(s, "missing previous require \"enotify\";"), -1;
    if (!s->ctx->sieve_enotify_mailto_owner) return sieve_fail(s, "enotify disabled"), -1;
    if (n[0] == 'v') {
      sieve_list *uris;
      if (!need_list(s, &uris, "URI string list expected")) return -1;
      if (!exec) return 0;
      for (sieve_list *u = uris; u; u = u->next) {
        if (str_ncmpic(u->s, "mailto:", 7) != 0) return 0;
        const char *q = strchr(u->s + 7, '?');
        const char *to = q ? str_copyn(u->s + 7, (size_t)(q - u->s - 7)) : u->s + 7;
        const char *err;
        bool qualified;
        if (!filter_one_address(to, &err, &qualified) || !qualified) return 0;
      }
      return 1;
    }
    /* notify_method_capability [COMPARATOR] [MATCH-TYPE] uri capability keys:
     * mailto's only capability, "online", is "maybe" (RFC 5436 2.6). */
    if (!tags(s, &t, "cm")) return -1;
    const char *uri, *cap;
    if (sieve_string(s, &uri) <= 0 || sieve_string(s, &cap) <= 0) return sieve_fail(s, "missing string"), -1;
    sieve_list *keys;
    if (!need_list(s, &keys, "key string list expected")) return -1;
    if (!exec) return 0;
    if (str_ncmpic(uri, "mailto:", 7) != 0 || str_cmpic(cap, "online") != 0) return 0;
    return any_match(s, "maybe", keys, &t);
  }
  return sieve_fail(s, "missing test"), -1;
}
