/* parse.c - parser of the expansion language (spec 11.1-11.5, 11.8): turns
 * a string into a tree (expand_int.h) that eval.c evaluates any number of
 * times.  Branches not taken are parsed here like every other part, so
 * syntax errors and unknown variables anywhere are reported as Exim does.
 *
 * Entry point: expand_parse().  Nesting is bounded by EXPAND_MAX_DEPTH.
 *
 * Must never: evaluate anything (no lookups, no commands, no variables'
 * values) - parsing has no side effects.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "expand_int.h"
#include "ops.h"
#include "../lookups/lookup.h"

typedef struct P {
  const char *p;
  int depth;
  const char *err;
  bool hdr_brace;   /* a header name took in a brace: hint in the error */
} P;

static eseq *parse_seq(P *p, bool brace, bool dollar);
static econd *parse_cond(P *p);

static void *zget(size_t n) { return store_zget(n, false); }

static void seq_add(eseq *q, int *cap, enode *n) {
  if (q->n >= *cap) {
    int nc = *cap ? *cap * 2 : 4;
    enode **v = store_get(sizeof(enode *) * (size_t)nc, false);
    if (q->n) memcpy(v, q->v, sizeof(enode *) * (size_t)q->n);
    q->v = v;
    *cap = nc;
  }
  q->v[q->n++] = n;
}

static bool perr(P *p, const char *msg) {
  if (!p->err) p->err = msg;
  return false;
}

/* Exim's context suffix on an error met inside a group or an item. */
static void err_inside(P *p, const char *fmt, const char *name) {
  if (p->err && strcmp(p->err, "expansion nested too deeply") != 0)
    p->err = str_sprintf("%s%s", p->err, str_sprintf(fmt, name));
}

static void skip_ws(P *p) {
  while (isspace(uc(*p->p))) p->p++;
}

/* A name: letters, digits, underscore. */
static size_t name_len(const char *s) {
  size_t n = 0;
  while (isalnum(uc(s[n])) || s[n] == '_') n++;
  return n;
}

/* Names after "${" also take '-' (exim4: "${substr_-2:...}", and
 * "${a-b}" is reported as an unknown variable with its whole name). */
static size_t brace_name_len(const char *s) {
  size_t n = 0;
  if (*s == '-') return 0;
  while (isalnum(uc(s[n])) || s[n] == '_' || s[n] == '-') n++;
  return n;
}

static const struct {
  const char *prefix;
  int kind;
} hdr_prefixes[] = {
  {"bheader_", HDR_BASE}, {"bh_", HDR_BASE}, {"header_", HDR_DECODED}, {"h_", HDR_DECODED},
  {"lheader_", HDR_LIST}, {"lh_", HDR_LIST}, {"rheader_", HDR_RAW}, {"rh_", HDR_RAW},
};

static int header_prefix(const char *s, size_t *plen) {
  for (size_t i = 0; i < sizeof hdr_prefixes / sizeof hdr_prefixes[0]; i++) {
    size_t l = strlen(hdr_prefixes[i].prefix);
    if (strncmp(s, hdr_prefixes[i].prefix, l) == 0) {
      *plen = l;
      return hdr_prefixes[i].kind;
    }
  }
  return -1;
}

static bool all_digits(const char *s, size_t n) {
  if (!n) return false;
  for (size_t i = 0; i < n; i++) if (!isdigit(uc(s[i]))) return false;
  return true;
}

/* Read the variable (or header) reference starting at p->p (after "$"),
 * unbraced form.  Returns a node or NULL. */
static enode *parse_dollar_name(P *p) {
  const char *s = p->p;
  enode *n = zget(sizeof *n);
  if (isdigit(uc(*s))) {
    int v = 0;
    while (isdigit(uc(*s))) {
      if (v < 100000) v = v * 10 + (*s - '0');
      s++;
    }
    n->type = N_NUM;
    n->num = v;
    p->p = s;
    return n;
  }
  size_t plen;
  int hk = header_prefix(s, &plen);
  if (hk >= 0) {
    const char *h = s + plen;
    const char *e = h;
    while (*e && *e != ':' && !isspace(uc(*e))) e++;
    n->type = N_HEADER;
    n->num = hk;
    n->text = str_copyn(h, (size_t)(e - h));
    if (strpbrk(n->text, "{}")) p->hdr_brace = true;
    p->p = *e == ':' ? e + 1 : e;
    return n;
  }
  size_t l = name_len(s);
  char *name = str_copyn(s, l);
  p->p = s + l;
  if (strncmp(name, "acl_c", 5) == 0 || strncmp(name, "acl_m", 5) == 0) {
    if (l > 5 && !expand_aclvar_name_ok(name)) {
      perr(p, str_sprintf("unknown variable name \"%s\" (6th character of a user-defined ACL "
                          "variable must be a digit or underscore)", name));
      return NULL;
    }
    n->type = N_ACLVAR;
    n->text = name;
    return n;
  }
  if (l > 2 && strncmp(name, "r_", 2) == 0) {
    n->type = N_RVAR;
    n->text = name;
    return n;
  }
  const expand_var *v = expand_var_find(name, l);
  if (!v) {
    perr(p, str_sprintf("unknown variable name \"%s\"", name));
    return NULL;
  }
  n->type = N_VAR;
  n->var = v;
  n->text = name;
  return n;
}

/* One braced argument: p->p at '{'.  On success p->p is after the '}'. */
static eseq *parse_braced(P *p, bool dollar) {
  if (*p->p != '{') return NULL;
  p->p++;
  eseq *q = parse_seq(p, true, dollar);
  if (!q) return NULL;
  if (*p->p != '}') {
    perr(p, "missing } at end of string");
    return NULL;
  }
  p->p++;
  return q;
}

/* Up to max braced arguments (white space between).  Exim's read_subs. */
static int parse_subs(P *p, eseq **args, int min, int max, const char *name, bool check_end) {
  int n = 0;
  for (; n < max; n++) {
    skip_ws(p);
    if (*p->p != '{') {
      if (n < min) {
        /* items whose arguments end the item word it as Exim's read_subs */
        if (name && check_end)
          perr(p, str_sprintf("Not enough arguments for '%s' (min is %d)", name, min));
        else
          perr(p, str_sprintf("missing '{' for arg %d of %s", n + 1, name ? name : ""));
        return -1;
      }
      break;
    }
    if (!(args[n] = parse_braced(p, true))) return -1;
  }
  if (check_end) {
    skip_ws(p);
    if (n == max && *p->p == '{') {
      perr(p, str_sprintf("Too many arguments for '%s' (max is %d)", name, max));
      return -1;
    }
    if (*p->p != '}') {
      perr(p, str_sprintf("missing '}' after '%s'", name));
      return -1;
    }
    p->p++;
  }
  return n;
}

/* {yes}{no} / fail after a condition or lookup, then the closing '}'. */
static bool parse_yesno(P *p, enode *n, const char *type) {
  skip_ws(p);
  if (*p->p == '}') {
    p->p++;
    return true;
  }
  if (*p->p != '{')
    return perr(p, str_sprintf("curly-bracket problem in conditional yes/no parsing: 'yes' part "
                               "did not start with '{'\n remaining string is '%s'", p->p));
  if (!(n->yes = parse_braced(p, true))) return false;
  n->has_yes = true;
  skip_ws(p);
  if (*p->p == '{') {
    if (!(n->no = parse_braced(p, true))) return false;
    n->has_no = true;
  } else if (strncmp(p->p, "fail", 4) == 0 && !isalnum(uc(p->p[4]))) {
    p->p += 4;
    n->fail_no = true;
  } else if (*p->p != '}') {
    return perr(p, str_sprintf("syntax error in \"%s\" item - \"fail\" expected", type));
  }
  skip_ws(p);
  if (*p->p != '}') {
    if (!*p->p && !n->has_no && !n->fail_no)
      return perr(p, str_sprintf("syntax error in \"%s\" item - \"fail\" expected", type));
    return perr(p, str_sprintf("curly-bracket problem in conditional yes/no parsing: did not "
                               "close with '}'%s\n remaining string is '%s'",
                               n->fail_no ? " after forcedfail" : "", p->p));
  }
  p->p++;
  return true;
}

/* A list of {cond}{cond}... inside and{} / or{}. */
static econd *parse_combiner(P *p, econd_type t, const char *name) {
  econd *c = zget(sizeof *c);
  c->type = t;
  c->name = name;
  skip_ws(p);
  if (*p->p != '{') {
    perr(p, str_sprintf("missing { after \"%s\"", name));
    return NULL;
  }
  p->p++;
  int cap = 0;
  for (;;) {
    skip_ws(p);
    if (*p->p == '}') {
      p->p++;
      break;
    }
    if (*p->p != '{') {
      perr(p, str_sprintf("each subcondition inside an \"%s{...}\" condition must be in its own {}",
                          name));
      return NULL;
    }
    p->p++;
    econd *sub = parse_cond(p);
    if (!sub) {
      err_inside(p, " inside \"%s{...}\" condition", name);
      return NULL;
    }
    skip_ws(p);
    if (*p->p != '}') {
      perr(p, str_sprintf("missing } at end of condition inside \"%s\" group", name));
      return NULL;
    }
    p->p++;
    if (c->nsubs >= cap) {
      int nc = cap ? cap * 2 : 4;
      econd **v = store_get(sizeof(econd *) * (size_t)nc, false);
      if (c->nsubs) memcpy(v, c->subs, sizeof(econd *) * (size_t)c->nsubs);
      c->subs = v;
      cap = nc;
    }
    c->subs[c->nsubs++] = sub;
  }
  return c;
}

static econd *parse_cond(P *p) {
  if (++p->depth > EXPAND_MAX_DEPTH) {
    perr(p, "expansion nested too deeply");
    return NULL;
  }
  econd *c = NULL;
  skip_ws(p);
  if (*p->p == '!') {
    p->p++;
    econd *sub = parse_cond(p);
    if (!sub) return NULL;
    c = zget(sizeof *c);
    c->type = C_NOT;
    c->name = "!";
    c->nsubs = 1;
    c->subs = store_get(sizeof(econd *), false);
    c->subs[0] = sub;
    p->depth--;
    return c;
  }
  const char *s = p->p;
  size_t l;
  if (isalnum(uc(*s))) l = name_len(s);
  else {
    l = 0;
    if (s[0] == '<' || s[0] == '>' || s[0] == '=') l = s[1] == '=' ? 2 : 1;
  }
  if (!l) {
    perr(p, str_sprintf("condition name expected, but found \"%.16s\"", s));
    return NULL;
  }
  char *name = str_copyn(s, l);
  p->p = s + l;
  c = zget(sizeof *c);
  c->name = name;
  if (strcmp(name, "def") == 0 && *p->p != ':') {
    perr(p, "\":\" expected after \"def\"");
    return NULL;
  }
  if (strcmp(name, "def") == 0) {
    p->p++;
    c->type = C_DEF;
    const char *v = p->p;
    if (*v == '$') v++;
    size_t plen;
    int hk = header_prefix(v, &plen);
    if (hk >= 0) {
      const char *e = v + plen;
      while (*e && *e != ':' && !isspace(uc(*e))) e++;
      c->defkind = 1;
      c->hdr = hk;
      c->defname = str_copyn(v + plen, (size_t)(e - v - plen));
      p->p = *e == ':' ? e + 1 : e;
      if (strchr(c->defname, '}')) {
        perr(p, "missing or misplaced { or } - could be header name not terminated by colon");
        return NULL;
      }
    } else {
      size_t vl = name_len(v);
      if (!vl) {
        perr(p, "variable name omitted after \"def:\"");
        return NULL;
      }
      char *vn = str_copyn(v, vl);
      p->p = v + vl;
      c->defname = vn;
      if (strncmp(vn, "acl_c", 5) == 0 || strncmp(vn, "acl_m", 5) == 0) {
        c->defkind = 2;
      } else if (vl > 2 && strncmp(vn, "r_", 2) == 0) {
        c->defkind = 3;
      } else if (!(c->var = expand_var_find(vn, vl))) {
        perr(p, str_sprintf("unknown variable \"%s\" after \"def:\"", vn));
        return NULL;
      }
    }
  } else if (strcmp(name, "and") == 0 || strcmp(name, "or") == 0) {
    c = parse_combiner(p, name[0] == 'a' ? C_AND : C_OR, name);
    if (!c) return NULL;
  } else if (strncmp(name, "forall", 6) == 0 || strncmp(name, "forany", 6) == 0) {
    const char *suf = name + 6;
    if (*suf && strcmp(suf, "_json") != 0 && strcmp(suf, "_jsons") != 0) goto unknown;
    c->type = name[4] == 'l' ? C_FORALL : C_FORANY;
    c->json = !*suf ? 0 : strcmp(suf, "_json") == 0 ? 1 : 2;
    skip_ws(p);
    if (*p->p != '{') {
      perr(p, str_sprintf("missing { after \"%s\"", name));
      return NULL;
    }
    c->nargs = 1;
    c->args = store_get(sizeof(eseq *), false);
    if (!(c->args[0] = parse_braced(p, true))) return NULL;
    skip_ws(p);
    if (*p->p != '{') {
      perr(p, str_sprintf("missing { after \"%s\"", name));
      return NULL;
    }
    p->p++;
    econd *sub = parse_cond(p);
    if (!sub) {
      err_inside(p, " inside \"%s\" condition", name);
      return NULL;
    }
    skip_ws(p);
    if (*p->p != '}') {
      perr(p, str_sprintf("missing } at end of condition inside \"%s\"", name));
      return NULL;
    }
    p->p++;
    c->nsubs = 1;
    c->subs = store_get(sizeof(econd *), false);
    c->subs[0] = sub;
  } else if (strcmp(name, "bool") == 0 || strcmp(name, "bool_lax") == 0 ||
             strcmp(name, "acl") == 0) {
    c->type = name[0] == 'a' ? C_ACL : name[4] ? C_BOOL_LAX : C_BOOL;
    skip_ws(p);
    if (*p->p != '{') {
      perr(p, str_sprintf("missing { after \"%s\"", name));
      return NULL;
    }
    if (c->type == C_ACL) {
      /* acl {{name}{arg1}...{arg9}} */
      p->p++;
      c->args = store_get(sizeof(eseq *) * 10, false);
      c->nargs = parse_subs(p, c->args, 1, 10, name, false);
      if (c->nargs < 0) return NULL;
      skip_ws(p);
      if (*p->p != '}') {
        perr(p, "missing } at end of string");
        return NULL;
      }
      p->p++;
    } else {
      c->args = store_get(sizeof(eseq *), false);
      c->nargs = 1;
      if (!(c->args[0] = parse_braced(p, true))) return NULL;
    }
  } else if (strcmp(name, "first_delivery") == 0 || strcmp(name, "queue_running") == 0) {
    c->type = name[0] == 'f' ? C_FIRST_DELIVERY : C_QUEUE_RUNNING;
  } else {
    const struct expand_cond *sc = expand_cond_find(name);
    if (!sc) goto unknown;
    c->type = C_SIMPLE;
    c->sc = sc;
    c->args = zget(sizeof(eseq *) * (size_t)(sc->max_args ? sc->max_args : 1));
    static const char *const ord[] = {"1st", "2nd", "3rd", "4th"};
    for (int i = 0; i < sc->max_args; i++) {
      skip_ws(p);
      if (*p->p != '{') {
        if (i < sc->min_args) {
          if (i == 0) perr(p, str_sprintf("missing { after \"%s\"", name));
          else perr(p, str_sprintf("missing %s string in {} after \"%s\"", ord[i < 4 ? i : 3], name));
          return NULL;
        }
        break;
      }
      bool dollar = !(i == 1 && (sc->flags & COND_RHS_LITERAL));
      if (!(c->args[i] = parse_braced(p, dollar))) return NULL;
      c->nargs = i + 1;
    }
  }
  p->depth--;
  return c;
unknown:
  perr(p, str_sprintf("unknown condition \"%s\"", name));
  return NULL;
}

/* After "${name": an item. */
static enode *parse_item(P *p, int id, const char *name) {
  enode *n = zget(sizeof *n);
  n->type = N_ITEM;
  n->num = id;
  n->text = name;
  eseq *args[10] = {0};   /* the most any item takes: ${acl} with 9 arguments */
  int cnt;
  switch (id) {
  case I_LOOKUP: {
    skip_ws(p);
    eseq *key = NULL;
    if (*p->p == '{') {
      if (!(key = parse_braced(p, true))) return NULL;
      skip_ws(p);
    }
    const char *t = p->p;
    while (*t && *t != '{' && !isspace(uc(*t))) t++;
    if (t == p->p || *p->p == '}') {
      perr(p, "missing lookup type");
      return NULL;
    }
    n->opt = str_copyn(p->p, (size_t)(t - p->p));
    p->p = t;
    lookup_spec spec;
    const char *lerr = lookup_spec_parse(n->opt, strlen(n->opt), &spec);
    if (lerr) {
      perr(p, lerr);
      return NULL;
    }
    skip_ws(p);
    if (*p->p != '{') {
      perr(p, "missing '{' for lookup file-or-query arg");
      return NULL;
    }
    eseq *q = parse_braced(p, true);
    if (!q) return NULL;
    n->nargs = 2;
    n->args = store_get(2 * sizeof(eseq *), false);
    n->args[0] = key;
    n->args[1] = q;
    return parse_yesno(p, n, "lookup") ? n : NULL;
  }
  case I_EXTRACT: {
    skip_ws(p);
    if (strncmp(p->p, "json", 4) == 0) {
      const char *t = p->p + 4;
      if (*t == 's') {
        n->key2 = "jsons";
        t++;
      } else
        n->key2 = "json";
      p->p = t;
    }
    /* a literal key decides the form now, as Exim reads it: a number takes
     * three arguments (number, separators, string), a name two */
    skip_ws(p);
    if (*p->p == '{') {
      if (!(args[0] = parse_braced(p, true))) return NULL;
      eseq *k = args[0];
      if (k->n == 0 || (k->n == 1 && k->v[0]->type == N_TEXT)) {
        const char *kt = k->n ? k->v[0]->text : "";
        while (isspace(uc(*kt))) kt++;
        const char *d = kt;
        if (*d == '-') d++;
        size_t dl = strspn(d, "0123456789");
        const char *e = d + dl;
        while (isspace(uc(*e))) e++;
        int want = !n->key2 && dl && !*e ? 3 : 2;
        for (cnt = 1; cnt < want; cnt++) {
          skip_ws(p);
          if (*p->p != '{') {
            perr(p, str_sprintf("missing '{' for arg %d of extract", cnt + 1));
            return NULL;
          }
          if (!(args[cnt] = parse_braced(p, true))) return NULL;
        }
        n->nargs = want;
        n->args = store_get(sizeof(eseq *) * (size_t)want, false);
        memcpy(n->args, args, sizeof(eseq *) * (size_t)want);
        return parse_yesno(p, n, "extract") ? n : NULL;
      }
    }
    cnt = args[0] ? 1 : 0;
    for (; cnt < 3; cnt++) {
      skip_ws(p);
      if (*p->p != '{') {
        if (cnt < 2) {
          perr(p, str_sprintf("missing '{' for arg %d of extract", cnt + 1));
          return NULL;
        }
        break;
      }
      if (!(args[cnt] = parse_braced(p, true))) return NULL;
    }
    n->nargs = cnt;
    n->args = store_get(sizeof(eseq *) * (size_t)cnt, false);
    memcpy(n->args, args, sizeof(eseq *) * (size_t)cnt);
    /* a third braced part followed by yes/no/}: decided at run time */
    skip_ws(p);
    if (*p->p == '{') {
      if (!(n->yes = parse_braced(p, true))) return NULL;
      n->has_yes = true;
    }
    skip_ws(p);
    if (*p->p == '{') {
      if (!(n->no = parse_braced(p, true))) return NULL;
      n->has_no = true;
    } else if (strncmp(p->p, "fail", 4) == 0 && !isalnum(uc(p->p[4]))) {
      p->p += 4;
      n->fail_no = true;
    }
    skip_ws(p);
    if (*p->p != '}' && !n->has_yes && !(cnt == 3 && n->fail_no)) {
      perr(p, str_sprintf("curly-bracket problem in conditional yes/no parsing: 'yes' part did "
                          "not start with '{'\n remaining string is '%s'", p->p));
      return NULL;
    }
    if (*p->p != '}') {
      perr(p, str_sprintf("curly-bracket problem in conditional yes/no parsing: did not close "
                          "with '}'%s\n remaining string is '%s'",
                          n->fail_no ? " after forcedfail" : "", p->p));
      return NULL;
    }
    p->p++;
    return n;
  }
  case I_RUN:
  case I_READSOCK:
    if (*p->p == ',') {
      const char *t = p->p + 1;
      while (*t && *t != '{' && !isspace(uc(*t))) t++;
      n->opt = str_copyn(p->p + 1, (size_t)(t - p->p - 1));
      p->p = t;
    }
    if (id == I_RUN) {
      if (n->opt && strcmp(n->opt, "preexpand") != 0) {
        perr(p, str_sprintf("bad option '%s' for run", n->opt));
        return NULL;
      }
      skip_ws(p);
      const char *raw = *p->p == '{' ? p->p + 1 : NULL;
      cnt = parse_subs(p, args, 1, 1, name, false);
      if (cnt < 0) return NULL;
      /* without preexpand the command is split first, each part expanded */
      if (!n->opt) n->key2 = str_copyn(raw, (size_t)(p->p - 1 - raw));
      n->nargs = 1;
      n->args = store_get(sizeof(eseq *), false);
      n->args[0] = args[0];
      return parse_yesno(p, n, "run") ? n : NULL;
    }
    break;
  case I_MAP:
  case I_FILTER:
  case I_SORT:
  case I_REDUCE: {
    int want = id == I_MAP || id == I_FILTER ? 2 : 3;
    for (cnt = 0; cnt < want; cnt++) {
      skip_ws(p);
      if (*p->p != '{') {
        if (id == I_SORT)
          perr(p, str_sprintf("missing '{' for %s arg of sort",
                              cnt == 0 ? "list" : cnt == 1 ? "comparator" : "extractor"));
        else
          perr(p, str_sprintf("missing '{' for %s arg of %s",
                              cnt == want - 1 ? "last" : cnt == 0 ? "first" : "second", name));
        return NULL;
      }
      if (id == I_SORT && cnt == 1) {
        /* the comparator is a condition name, taken as written */
        const char *cs = p->p + 1;
        const char *ce = strchr(cs, '}');
        if (!ce) {
          perr(p, "missing } at end of string");
          return NULL;
        }
        char *cmp = str_copyn(cs, (size_t)(ce - cs));
        const char *t = cmp;
        if (!isalnum(uc(*t)) && *t != '<' && *t != '>' && *t != '=') {
          perr(p, str_sprintf("condition name expected, but found \"%s\"", t));
          return NULL;
        }
        n->opt = cmp;
        p->p = ce + 1;
        args[cnt] = NULL;
        continue;
      }
      if (id == I_FILTER && cnt == 1) {
        /* the filter's second part is a condition */
        p->p++;
        econd *c = parse_cond(p);
        if (!c) {
          err_inside(p, " inside \"%s\" item", name);
          return NULL;
        }
        skip_ws(p);
        if (*p->p != '}') {
          perr(p, str_sprintf("missing } at end of condition or expression inside \"%s\"; could "
                              "be an unquoted } in the content", name));
          return NULL;
        }
        p->p++;
        n->cond = c;
        args[cnt] = NULL;
        continue;
      }
      const char *raw = p->p + 1;
      if (!(args[cnt] = parse_braced(p, true))) {
        if (cnt > 0 && id != I_SORT) err_inside(p, " inside \"%s\" item", name);
        return NULL;
      }
      if (id == I_SORT && cnt == 2) n->key2 = str_copyn(raw, (size_t)(p->p - 1 - raw));
    }
    skip_ws(p);
    if (*p->p != '}') {
      perr(p, str_sprintf("missing } at end of \"%s\"", name));
      return NULL;
    }
    p->p++;
    n->nargs = cnt;
    n->args = store_get(sizeof(eseq *) * (size_t)cnt, false);
    memcpy(n->args, args, sizeof(eseq *) * (size_t)cnt);
    return n;
  }
  case I_ENV:
  case I_LISTEXTRACT: {
    int want = id == I_ENV ? 1 : 2;
    cnt = parse_subs(p, args, want, want, name, false);
    if (cnt < 0) return NULL;
    n->nargs = cnt;
    n->args = store_get(sizeof(eseq *) * (size_t)cnt, false);
    memcpy(n->args, args, sizeof(eseq *) * (size_t)cnt);
    return parse_yesno(p, n, name) ? n : NULL;
  }
  default:
    break;
  }
  int min, max;
  item_arg_counts(id, &min, &max);
  cnt = parse_subs(p, args, min, max, name, true);
  if (cnt < 0) return NULL;
  n->nargs = cnt;
  n->args = store_get(sizeof(eseq *) * (size_t)(cnt ? cnt : 1), false);
  memcpy(n->args, args, sizeof(eseq *) * (size_t)cnt);
  return n;
}

/* After "${": variable, item, operator or ${if}. */
static enode *parse_brace_expr(P *p) {
  const char *s = p->p;
  size_t l = isalnum(uc(*s)) ? brace_name_len(s) : 0;
  if (!l) {
    perr(p, "letter or digit expected after ${");
    return NULL;
  }
  if (isdigit(uc(*s))) {
    /* ${digits}: a numeric variable */
    size_t d = 0;
    while (isdigit(uc(s[d]))) d++;
    if (s[d] != '}') {
      perr(p, "} expected after number");
      return NULL;
    }
    l = d;
  }
  char *name = str_copyn(s, l);
  p->p = s + l;
  int id = item_lookup_name(name);
  if (id >= 0) return parse_item(p, id, name);
  if (*p->p == '}') {
    p->p++;
    enode *n = zget(sizeof *n);
    if (all_digits(name, l)) {
      n->type = N_NUM;
      n->num = l > 6 ? 1000000 : atoi(name);
      return n;
    }
    if (strncmp(name, "acl_c", 5) == 0 || strncmp(name, "acl_m", 5) == 0) {
      n->type = N_ACLVAR;
      n->text = name;
      return n;
    }
    if (l > 2 && strncmp(name, "r_", 2) == 0) {
      n->type = N_RVAR;
      n->text = name;
      return n;
    }
    const expand_var *v = expand_var_find(name, l);
    if (!v) {
      perr(p, str_sprintf("unknown variable in \"${%s}\"", name));
      return NULL;
    }
    n->type = N_VAR;
    n->var = v;
    n->text = name;
    return n;
  }
  if (strcmp(name, "if") == 0) {
    enode *n = zget(sizeof *n);
    n->type = N_IF;
    if (!(n->cond = parse_cond(p))) return NULL;
    return parse_yesno(p, n, "if") ? n : NULL;
  }
  if (*p->p == ':') {
    /* as Exim: the argument is read before the operator's name is checked */
    p->p++;
    eseq *arg = parse_seq(p, true, true);
    if (!arg) return NULL;
    if (*p->p != '}') {
      perr(p, "missing } at end of string");
      return NULL;
    }
    p->p++;
    const char *opt = NULL;
    const struct expand_op *op = expand_op_find(name, &opt);
    if (!op) {
      perr(p, str_sprintf("unknown expansion operator \"%s\"", name));
      return NULL;
    }
    enode *n = zget(sizeof *n);
    n->type = N_OP;
    n->text = name;
    n->op = op;
    n->opt = opt;
    n->nargs = 1;
    n->args = store_get(sizeof(eseq *), false);
    n->args[0] = arg;
    return n;
  }
  perr(p, str_sprintf("\"${%s\" is not a known operator (or a } is missing in a variable reference)",
                      name));
  return NULL;
}

/* Escape after a backslash (spec 11.2); p->p at the char after '\'. */
static gstring *parse_escape(P *p, gstring *g) {
  const char *s = p->p;
  int c = uc(*s);
  if (!c) {
    perr(p, "\\ at end of string");
    return g;
  }
  return g_catc(g, (char)str_escape(&p->p));
}

static void flush_text(eseq *q, int *cap, gstring **g) {
  if (!*g || !(*g)->len) return;
  enode *n = zget(sizeof *n);
  n->type = N_TEXT;
  n->len = (*g)->len;
  n->text = str_copyn((*g)->s, (*g)->len);
  seq_add(q, cap, n);
  *g = NULL;
}

static eseq *parse_seq(P *p, bool brace, bool dollar) {
  if (++p->depth > EXPAND_MAX_DEPTH) {
    perr(p, "expansion nested too deeply");
    return NULL;
  }
  eseq *q = zget(sizeof *q);
  int cap = 0;
  gstring *g = NULL;
  for (;;) {
    char c = *p->p;
    if (!c) {
      if (brace) {
        perr(p, "missing } at end of string");
        return NULL;
      }
      break;
    }
    if (brace && c == '}') break;
    if (c == '\\') {
      if (p->p[1] == 'N') {
        const char *start = p->p + 2;
        const char *e = strstr(start, "\\N");
        if (!e) e = start + strlen(start);
        g = g_catn(g, start, (size_t)(e - start));
        p->p = *e ? e + 2 : e;
        continue;
      }
      p->p++;
      g = parse_escape(p, g);
      if (p->err) return NULL;
      continue;
    }
    if (c != '$' || !dollar) {
      const char *s = p->p;
      while (*s && *s != '\\' && !(dollar && *s == '$') && !(brace && *s == '}')) s++;
      g = g_catn(g, p->p, (size_t)(s - p->p));
      p->p = s;
      continue;
    }
    /* '$' */
    p->p++;
    enode *n;
    if (*p->p == '{') {
      p->p++;
      n = parse_brace_expr(p);
    } else if (isalnum(uc(*p->p))) {
      n = parse_dollar_name(p);
    } else {
      perr(p, "$ not followed by letter, digit, or {");
      return NULL;
    }
    if (!n) return NULL;
    flush_text(q, &cap, &g);
    seq_add(q, &cap, n);
  }
  flush_text(q, &cap, &g);
  p->depth--;
  return q;
}

const char *expand_parse(const char *s, eseq **out) {
  P p = {.p = s, .depth = 0, .err = NULL};
  eseq *q = parse_seq(&p, false, true);
  if (!q || p.err) {
    if (p.err && p.hdr_brace && strncmp(p.err, "missing ", 8) == 0)
      return str_sprintf("%s - could be header name not terminated by colon", p.err);
    return p.err ? p.err : "expansion parse failed";
  }
  *out = q;
  return NULL;
}
