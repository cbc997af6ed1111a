/* eval.c - evaluator of parsed expansion trees, the parse cache, and the
 * public API of expand.h (expand_string and friends, $0..$n, $value,
 * $item).
 *
 * Entry points: expand_string, expand_cstring, expand_check_condition,
 * expand_string_integer, expand_set_numeric & co (expand.h); eval_seq,
 * eval_cond, eval_header for items.c.
 *
 * Must never: expand a tainted string (Exim's "attempt to expand tainted
 * string" error); recurse without bound (${expand:} nesting is counted).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../config/main_config.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "expand_int.h"
#include "ops_int.h"
#include "ops.h"

expand_state expand_status;
const char *expand_value;
const char *expand_item;
const char *(*expand_rvar_hook)(const char *name);

static int numeric_n;
static const char *numeric_v[EXPAND_MAXN];
static int eval_depth;

/* ---------------- numeric variables, $value, $item ---------------- */

void expand_set_numeric(int n, const char *const *values) {
  if (n > EXPAND_MAXN) n = EXPAND_MAXN;
  numeric_n = n < 0 ? 0 : n;
  for (int i = 0; i < numeric_n; i++) numeric_v[i] = values[i];
}
void expand_numeric_save_get(expand_numeric_save *s) {
  s->n = numeric_n;
  memcpy(s->v, numeric_v, sizeof s->v);
}
void expand_numeric_restore(const expand_numeric_save *s) {
  numeric_n = s->n;
  memcpy(numeric_v, s->v, sizeof s->v);
}
const char *expand_numeric(int n) { return n >= 0 && n < numeric_n ? numeric_v[n] : NULL; }
void expand_set_value(const char *v) { expand_value = v; }
void expand_set_item(const char *v) { expand_item = v; }

/* ---------------- errors ---------------- */

bool ev_error_from_simple_cond;

ev_rc ev_fail(const char *fmt, ...) {
  ev_error_from_simple_cond = false;
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(NULL, fmt, ap);
  va_end(ap);
  expand_status.message = g_str(g);
  expand_status.forced_fail = false;
  return EV_ERROR;
}

ev_rc ev_inside(ev_rc rc, const char *fmt, const char *name) {
  if (rc == EV_ERROR && expand_status.message)
    expand_status.message = str_sprintf("%s%s", expand_status.message, str_sprintf(fmt, name));
  return rc;
}

ev_rc ev_forced(const char *msg) {
  expand_status.message = msg;
  expand_status.forced_fail = true;
  return EV_FORCED;
}

/* ---------------- headers ---------------- */

typedef struct hdr_ctx {
  gstring *g;
  int kind;
  bool found;
  bool comma;    /* an address header: several join with ",\n" */
  int count;
} hdr_ctx;

static void hdr_one(const char *content, size_t len, void *vctx) {
  hdr_ctx *c = vctx;
  c->found = true;
  if (c->kind == HDR_RAW) {
    c->g = g_catn(c->g, content, len);
    return;
  }
  if (c->kind == HDR_LIST) {
    if (len && content[len - 1] == '\n') len--;
    if (c->count++) c->g = g_catc(c->g, ':');
    for (size_t i = 0; i < len; i++) {
      if (content[i] == ':') c->g = g_catc(c->g, ':');
      c->g = g_catc(c->g, content[i]);
    }
    return;
  }
  size_t a = 0, b = len;
  while (a < b && isspace(uc(content[a]))) a++;
  while (b > a && isspace(uc(content[b - 1]))) b--;
  if (a == b) return;
  if (c->count++) c->g = g_cat(c->g, c->comma ? ",\n" : "\n");
  c->g = g_catn(c->g, content + a, b - a);
}

/* Headers whose values are address lists: $h_ joins several of them with
 * ",\n" (spec 11.5). */
static bool address_header(const char *name) {
  static const char *const names[] = {"bcc", "cc", "from", "reply-to", "sender", "to"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (str_eqic(name, names[i])) return true;
  return false;
}

void eval_header(int kind, const char *name, gstring **out, bool *found) {
  hdr_ctx c = {.g = NULL, .kind = kind, .found = false, .count = 0};
  c.comma = address_header(name);
  expand_headers_foreach(name, hdr_one, &c);
  if (found) *found = c.found;
  if (!c.g) return;
  if (kind == HDR_DECODED || kind == HDR_BASE) {
    /* RFC 2047 words decoded; a value that does not decode stays raw */
    gstring *d = NULL;
    if (!expand_header_decode(&d, g_str(c.g), kind == HDR_DECODED) && d) c.g = d;
  }
  /* message data is tainted */
  char *v = str_copy_taint(g_str(c.g), true);
  *out = g_catn(*out, v, c.g->len);
}

/* ---------------- conditions ---------------- */

static ev_rc cond_bool(const econd *c, bool *result) {
  char *s = eval_to_str(c->args[0]);
  if (!s) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *t = str_skip_space(s);
  char *v = str_rtrim(str_copy(t));
  if (c->type == C_BOOL_LAX) {
    *result = !(!*v || strcmp(v, "0") == 0 || str_eqic(v, "no") || str_eqic(v, "false"));
    return EV_OK;
  }
  if (!*v) { *result = false; return EV_OK; }
  bool neg = false;
  const char *d = v;
  if (*d == '-') { neg = true; d++; }
  if (*d && strspn(d, "0123456789") == strlen(d)) {
    *result = strtoll(v, NULL, 10) != 0;
    (void)neg;
    return EV_OK;
  }
  if (str_eqic(v, "true") || str_eqic(v, "yes")) { *result = true; return EV_OK; }
  if (str_eqic(v, "false") || str_eqic(v, "no")) { *result = false; return EV_OK; }
  return ev_fail("unrecognised boolean value \"%s\"", v);
}

/* acl {{name}{arg1}...}: true when the ACL accepts. */
static ev_rc cond_acl(const econd *c, bool *result) {
  const char *parts[10];
  int n = c->nargs > 10 ? 10 : c->nargs;
  for (int i = 0; i < n; i++) {
    parts[i] = eval_to_str(c->args[i]);
    if (!parts[i]) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  }
  const char *res;
  int rc = acl_eval_expansion(parts[0], parts + 1, n - 1, &res);
  if (rc == ACL_OK) { *result = true; return EV_OK; }
  if (rc == ACL_FAIL) { *result = false; return EV_OK; }
  return ev_fail("%s from acl \"%s\"", acl_result_name(rc),
                 parts[0]);
}

static ev_rc cond_for(const econd *c, bool *result) {
  char *list = eval_to_str(c->args[0]);
  if (!list) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *save_item = expand_item;
  bool all = c->type == C_FORALL;
  *result = false;
  bool any_item = false;
  int sep = 0;
  const char *lp = list;
  char *it;
  ev_rc rc = EV_OK;
  char **jitems = NULL;
  int jn = 0, ji = 0;
  if (c->json) {
    const char *err;
    if (!(jitems = json_list_items(list, c->json == 2, &jn, &err)))
      return ev_fail("%s for %s", err, c->name);
  }
  while ((it = jitems ? (ji < jn ? jitems[ji++] : NULL) : list_next(&lp, &sep))) {
    expand_item = it;
    any_item = true;
    bool r;
    if ((rc = eval_cond(c->subs[0], &r)) != EV_OK) {
      ev_inside(rc, " inside \"%s\" condition", c->name);
      break;
    }
    if (all && !r) { any_item = false; break; }
    if (!all && r) { *result = true; break; }
  }
  if (all && any_item && rc == EV_OK) *result = true;
  expand_item = save_item;
  return rc;
}

ev_rc eval_cond(const econd *c, bool *result) {
  switch (c->type) {
  case C_NOT: {
    bool r = false;
    ev_rc rc = eval_cond(c->subs[0], &r);
    *result = !r;
    return rc;
  }
  case C_AND:
  case C_OR: {
    bool want = c->type == C_OR;
    *result = !want;
    for (int i = 0; i < c->nsubs; i++) {
      bool r;
      ev_rc rc = eval_cond(c->subs[i], &r);
      if (rc != EV_OK) return ev_inside(rc, " inside \"%s{...}\" condition", c->name);
      if (r == want) {
        *result = want;
        return EV_OK;
      }
    }
    return EV_OK;
  }
  case C_DEF: {
    const char *v = NULL;
    if (c->defkind == 1) {
      gstring *g = NULL;
      bool found;
      eval_header(c->hdr, c->defname, &g, &found);
      *result = found;
      return EV_OK;
    }
    if (c->defkind == 2) v = expand_aclvar_get(c->defname);
    else if (c->defkind == 3) v = expand_rvar_hook ? expand_rvar_hook(c->defname + 2) : NULL;
    else if (strcmp(c->defname, "value") == 0) v = expand_value;
    else v = expand_var_value(c->var);
    *result = v && *v;
    return EV_OK;
  }
  case C_BOOL:
  case C_BOOL_LAX:
    return cond_bool(c, result);
  case C_FORALL:
  case C_FORANY:
    return cond_for(c, result);
  case C_ACL:
    return cond_acl(c, result);
  case C_FIRST_DELIVERY:
  case C_QUEUE_RUNNING:
    *result = false;
    return EV_OK;
  case C_SIMPLE: {
    const char *args[8];
    int n = c->nargs > 8 ? 8 : c->nargs;
    for (int i = 0; i < n; i++) {
      args[i] = eval_to_str(c->args[i]);
      if (!args[i]) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
    }
    const char *err = c->sc->fn(args, n, result);
    if (err) {
      ev_fail("%s", err);
      ev_error_from_simple_cond = true;
      return EV_ERROR;
    }
    return EV_OK;
  }
  }
  return ev_fail("internal error: bad condition node");
}

/* ---------------- nodes ---------------- */

static ev_rc eval_node(const enode *n, gstring **out) {
  switch (n->type) {
  case N_TEXT:
    *out = g_catn(*out, n->text, n->len);
    return EV_OK;
  case N_VAR: {
    const char *v;
    if (strcmp(n->text, "value") == 0) v = expand_value;
    else if (strcmp(n->text, "item") == 0) v = expand_item;
    else if (!expand_filter_running && expand_var_filter_only(n->var))
      return ev_fail("unknown variable name \"%s\"", n->text);
    else v = expand_var_value(n->var);
    if (v) *out = g_cat(*out, v);
    return EV_OK;
  }
  case N_RVAR: {
    const char *v = expand_rvar_hook ? expand_rvar_hook(n->text + 2) : NULL;
    if (v) *out = g_cat(*out, v);
    return EV_OK;
  }
  case N_ACLVAR: {
    const char *v = expand_aclvar_get(n->text);
    if (!v && mainconf.strict_acl_vars)
      return ev_fail("unknown variable name \"%s\" (strict_acl_vars is set)", n->text);
    if (v) *out = g_cat(*out, v);
    return EV_OK;
  }
  case N_NUM: {
    const char *v = expand_numeric(n->num);
    if (v) *out = g_cat(*out, v);
    return EV_OK;
  }
  case N_HEADER:
    eval_header(n->num, n->text, out, NULL);
    return EV_OK;
  case N_OP: {
    gstring *a = NULL;
    ev_rc rc = eval_seq(n->args[0], &a);
    if (rc != EV_OK) return rc;
    const char *arg = g_str(a);
    bool tainted = is_tainted(arg);
    gstring *r = g_new(16, tainted);
    const struct expand_op *op = n->op;
    const char *err = op->fn(&r, arg, n->opt);
    if (err) return ev_fail("%s", err);
    *out = g_catn(*out, r->s, r->len);
    if (tainted && !is_tainted((*out)->s)) {
      gstring *t = g_new((*out)->len + 1, true);
      t = g_catn(t, (*out)->s, (*out)->len);
      *out = t;
    }
    return EV_OK;
  }
  case N_IF: {
    bool r;
    expand_numeric_save ns;
    expand_numeric_save_get(&ns);
    const char *save_value = expand_value;
    ev_rc rc = eval_cond(n->cond, &r);
    if (rc != EV_OK) {
      expand_numeric_restore(&ns);
      return rc;
    }
    if (r) {
      if (n->has_yes) rc = eval_seq(n->yes, out);
      else *out = g_cat(*out, "true");
    } else if (n->fail_no) {
      rc = ev_forced("\"if\" failed and \"fail\" requested");
    } else if (n->has_no) {
      rc = eval_seq(n->no, out);
    }
    expand_numeric_restore(&ns);
    expand_value = save_value;
    return rc;
  }
  case N_ITEM:
    return item_eval(n, out);
  }
  return ev_fail("internal error: bad expansion node");
}

ev_rc eval_seq(const eseq *q, gstring **out) {
  if (!*out) *out = g_new(16, false);
  for (int i = 0; i < q->n; i++) {
    ev_rc rc = eval_node(q->v[i], out);
    if (rc != EV_OK) return rc;
    if ((*out)->len > EXPAND_MAX_RESULT)
      return ev_fail("expansion result is too long (more than %d bytes)", EXPAND_MAX_RESULT);
  }
  return EV_OK;
}

char *eval_to_str(const eseq *q) {
  gstring *g = NULL;
  if (eval_seq(q, &g) != EV_OK) return NULL;
  return g_str(g);
}

/* ---------------- parse cache ---------------- */

#define CACHE_SIZE 4096
#define CACHE_MAX_ENTRIES 8192

typedef struct centry {
  struct centry *next;
  const char *text;
  eseq *tree;
} centry;
static centry *cache[CACHE_SIZE];
static int cache_entries;

static unsigned hash_str(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ uc(*s)) * 16777619u;
  return h;
}

/* Parsed form of s: from the cache, or parsed now (into the permanent pool
 * and cached while the cache has room). NULL on a syntax error. */
static unsigned long n_parses, n_hits;

void expand_cache_counts(unsigned long *parses, unsigned long *hits) {
  *parses = n_parses;
  *hits = n_hits;
}

static eseq *get_tree(const char *s) {
  unsigned h = hash_str(s) % CACHE_SIZE;
  for (centry *e = cache[h]; e; e = e->next)
    if (strcmp(e->text, s) == 0) {
      n_hits++;
      return e->tree;
    }
  n_parses++;
  bool keep = cache_entries < CACHE_MAX_ENTRIES;
  /* parse in the current pool first: a string with a syntax error leaves
   * nothing in the permanent pool; a good one is parsed again there */
  eseq *tree = NULL;
  const char *err = expand_parse(s, &tree);
  if (err) {
    expand_status.message = err;
    expand_status.forced_fail = false;
    return NULL;
  }
  store_pool old = store_pool_set(POOL_PERM);
  if (keep && expand_parse(s, &tree) != NULL) keep = false;
  if (keep) {
    centry *e = store_get(sizeof *e, false);
    e->text = str_copy(s);
    e->tree = tree;
    e->next = cache[h];
    cache[h] = e;
    cache_entries++;
  }
  store_pool_set(old);
  return tree;
}

/* ---------------- public API ---------------- */

char *expand_string(const char *s) {
  expand_status.message = NULL;
  expand_status.forced_fail = false;
  expand_status.lookup_deferred = false;
  if (!s) return NULL;
  if (is_tainted(s)) {
    expand_status.message = str_sprintf("attempt to expand tainted string '%s'", s);
    return NULL;
  }
  /* nothing to expand: no copy, no parse */
  if (!strpbrk(s, "$\\")) return (char *)s;
  if (++eval_depth > 50) {
    eval_depth--;
    expand_status.message = "expansion nested too deeply";
    return NULL;
  }
  eseq *tree = get_tree(s);
  char *r = NULL;
  if (tree) {
    gstring *g = NULL;
    if (eval_seq(tree, &g) == EV_OK) r = g_str(g);
  }
  eval_depth--;
  return r;
}

const char *expand_cstring(const char *s) { return expand_string(s); }

bool expand_check_condition(const char *s, const char **error) {
  char *r = expand_string(s);
  if (!r) {
    if (error) *error = expand_status.message;
    return false;
  }
  if (error) *error = NULL;
  return !(!*r || strcmp(r, "0") == 0 || str_eqic(r, "no") || str_eqic(r, "false"));
}

const char *expand_string_integer(const char *s, bool allow_negative, long long *value) {
  char *r = expand_string(s);
  if (!r) return expand_status.message;
  const char *p = str_skip_space(r);
  if (!*p) return "integer expected but \"\" found";
  errno = 0;
  char *end;
  long long v = strtoll(p, &end, 0);
  if (end == p || errno) return str_sprintf("integer expected but \"%s\" found", r);
  if (v < 0 && !allow_negative) return str_sprintf("negative value not allowed in \"%s\"", r);
  switch (tolower(uc(*end))) {
  case 'k': v *= 1024; end++; break;
  case 'm': v *= 1024 * 1024; end++; break;
  case 'g': v *= 1024 * 1024 * 1024; end++; break;
  default: break;
  }
  end = (char *)str_skip_space(end);
  if (*end) return str_sprintf("integer expected but \"%s\" found", r);
  *value = v;
  return NULL;
}
