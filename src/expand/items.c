/* items.c - the expansion items ${name{...}...} of spec 11.5 (except ${if},
 * which eval.c handles): argument evaluation and each item's work.
 *
 * Entry points: item_lookup_name, item_arg_counts (for parse.c), item_eval.
 *
 * Must never: open a file or run a command whose name is tainted; run a
 * lookup or command in a branch that is not taken (items are evaluated
 * only when eval.c reaches them).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../acl/acl.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../config/main_config.h"
#include "match.h"
#include "../base/regex.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../lookups/lookup.h"
#include "expand_int.h"
#include "ops.h"

static const struct {
  const char *name;
  int id, min, max;
} items[] = {
  /* sorted by name */
  {"acl", I_ACL, 1, 10},         {"authresults", I_AUTHRESULTS, 1, 1},
  {"certextract", I_CERTEXTRACT, 2, 3}, {"dlfunc", I_DLFUNC, 2, 10},
  {"env", I_ENV, 1, 1},          {"extract", I_EXTRACT, 2, 3},
  {"filter", I_FILTER, 2, 2},    {"hash", I_HASH, 2, 3},
  {"hmac", I_HMAC, 3, 3},        {"imapfolder", I_IMAPFOLDER, 1, 3},
  {"length", I_LENGTH, 2, 2},    {"listextract", I_LISTEXTRACT, 2, 2},
  {"listquote", I_LISTQUOTE, 2, 2}, {"lookup", I_LOOKUP, 0, 0},
  {"map", I_MAP, 2, 2},          {"nhash", I_NHASH, 2, 3},
  {"perl", I_PERL, 1, 9},        {"prvs", I_PRVS, 2, 3},
  {"prvscheck", I_PRVSCHECK, 2, 3}, {"readfile", I_READFILE, 1, 2},
  {"readsocket", I_READSOCK, 2, 5}, {"reduce", I_REDUCE, 3, 3},
  {"run", I_RUN, 1, 1},          {"sg", I_SG, 3, 3},
  {"sort", I_SORT, 3, 3},        {"srs_encode", I_SRS_ENCODE, 3, 3},
  {"substr", I_SUBSTR, 2, 3},    {"tr", I_TR, 3, 3},
};
#define NITEMS (sizeof items / sizeof items[0])

int item_lookup_name(const char *name) {
  for (size_t i = 0; i < NITEMS; i++)
    if (strcmp(items[i].name, name) == 0) return items[i].id;
  return -1;
}

void item_arg_counts(int id, int *min, int *max) {
  for (size_t i = 0; i < NITEMS; i++)
    if (items[i].id == id) {
      *min = items[i].min;
      *max = items[i].max;
      return;
    }
  *min = *max = 0;
}

/* The regex layer's error without its " while compiling ..." tail. */
static const char *regex_errtext(const char *err) {
  const char *w = strstr(err, " while compiling");
  return w ? str_copyn(err, (size_t)(w - err)) : err;
}

/* Evaluate all arguments of n into strings. */
static ev_rc eval_args(const enode *n, char **sub) {
  for (int i = 0; i < n->nargs; i++) {
    if (!n->args[i]) {
      sub[i] = NULL;
      continue;
    }
    if (!(sub[i] = eval_to_str(n->args[i]))) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  }
  return EV_OK;
}

/* yes/no handling after a lookup or extract: $value is val while the
 * strings are expanded. */
ev_rc eval_yesno(const enode *n, bool ok, const char *val, gstring **out, const char *type) {
  const char *save = expand_value;
  ev_rc rc = EV_OK;
  expand_value = val;
  if (ok) {
    if (n->has_yes) rc = eval_seq(n->yes, out);
    else if (val) *out = g_cat(*out, val);
  } else if (n->fail_no) {
    rc = ev_forced(str_sprintf("\"%s\" failed and \"fail\" requested", type));
  } else if (n->has_no) {
    rc = eval_seq(n->no, out);
  }
  expand_value = save;
  return rc;
}

/* Exim's integer argument check for substr/length/hash/nhash: an optional
 * minus sign and digits, nothing else. */
static bool int_arg(const char *s, long *v) {
  const char *p = s;
  if (*p == '-') p++;
  if (!*p || strspn(p, "0123456789") != strlen(p)) return false;
  errno = 0;
  long x = strtol(s, NULL, 10);
  if (errno) return false;
  *v = x;
  return true;
}

static ev_rc item_numeric(const enode *n, char **sub, gstring **out) {
  long a = 0, b = -1;
  int last = n->nargs - 1;
  for (int i = 0; i < last; i++) {
    long *v = i == 0 ? &a : &b;
    /* length and the length of substr must not be negative; the start of
     * substr may be; hash and nhash say "not a number" */
    /* Exim's wording: length and the length of substr say "positive" for
     * any bad value; the start of substr, hash and nhash say "not a
     * number" unless the value is a negative number */
    bool positive = n->num == I_LENGTH || (n->num == I_SUBSTR && i == 1);
    bool ok = int_arg(sub[i], v);
    if (!ok)
      return ev_fail("\"%s\" is not a%s number (in \"%s\" expansion)", sub[i],
                     positive ? " positive" : "", n->text);
    if (*v < 0 && !(n->num == I_SUBSTR && i == 0))
      return ev_fail("\"%s\" is not a positive number (in \"%s\" expansion)", sub[i], n->text);
  }
  const char *s = sub[last];
  const char *err = NULL;
  switch (n->num) {
  case I_LENGTH: *out = ops_length(*out, s, a); break;
  case I_SUBSTR: *out = ops_substr(*out, s, a, b, last == 2); break;
  case I_HASH: err = ops_hash(out, s, a, last == 2 ? b : -1); break;
  case I_NHASH: err = ops_nhash(out, s, a, last == 2 ? b : -1); break;
  default: break;
  }
  if (err) return ev_fail("%s", err);
  return EV_OK;
}

/* ${tr{subject}{from}{to}} */
static ev_rc item_tr(char **sub, gstring **out) {
  size_t fl = strlen(sub[1]), tl = strlen(sub[2]);
  *out = g_catn(*out, sub[0], 0);   /* the result keeps the subject's taint */
  for (const char *p = sub[0]; *p; p++) {
    const char *f = tl ? memrchr(sub[1], *p, fl) : NULL;
    if (f) {
      size_t i = (size_t)(f - sub[1]);
      *out = g_catc(*out, sub[2][i < tl ? i : tl - 1]);
    } else
      *out = g_catc(*out, *p);
  }
  return EV_OK;
}

/* ${sg{subject}{regex}{replacement}} */
static ev_rc item_sg(char **sub, gstring **out) {
  const char *err;
  const regex *re = regex_get(sub[1], 0, &err);
  if (!re) return ev_fail("regular expression error in \"%s\": %s", sub[1], regex_errtext(err));
  const char *s = sub[0];
  size_t len = strlen(s), start = 0;
  size_t ov[2 * EXPAND_MAXN];
  while (start <= len) {
    int rc = regex_match_offsets(re, s, len, start, ov, EXPAND_MAXN, &err);
    if (rc < 0) return ev_fail("%s", err);
    if (rc == 0) break;
    *out = g_catn(*out, s + start, ov[0] - start);
    /* captures as $0..$n for the replacement */
    const char *caps[EXPAND_MAXN];
    int nc = rc > EXPAND_MAXN ? EXPAND_MAXN : rc;
    for (int i = 0; i < nc; i++)
      caps[i] = ov[2 * i] == (size_t)-1 ? "" : str_copyn(s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    expand_numeric_save ns;
    expand_numeric_save_get(&ns);
    expand_set_numeric(nc, caps);
    char *rep = expand_string(sub[2]);
    expand_numeric_restore(&ns);
    if (!rep) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
    *out = g_cat(*out, rep);
    if (ov[1] == ov[0]) {
      if (ov[1] >= len) { start = len + 1; break; }
      *out = g_catc(*out, s[ov[1]]);
      start = ov[1] + 1;
    } else
      start = ov[1];
  }
  if (start < len) *out = g_catn(*out, s + start, len - start);
  return EV_OK;
}

/* ${readfile{name}{eol}} */
static ev_rc item_readfile(char **sub, int nargs, gstring **out) {
  if (is_tainted(sub[0])) {
    /* as Exim: the open is refused, the attempt logged */
    log_write(LOG_MAIN | LOG_PANIC, "Tainted filename '%s'", sub[0]);
    return ev_fail("failed to open %s: %s (euid=%ld egid=%ld)", sub[0], strerror(EACCES),
                   (long)geteuid(), (long)getegid());
  }
  int fd = open(sub[0], O_RDONLY);
  if (fd < 0) return ev_fail("failed to open %s: %s", sub[0], strerror(errno));
  char buf[8192];
  ssize_t r;
  gstring *g = NULL;
  while ((r = read(fd, buf, sizeof buf)) > 0) g = g_catn(g, buf, (size_t)r);
  close(fd);
  if (!g) return EV_OK;
  if (nargs > 1) {
    *out = g_catn(*out, g->s, 0);
    for (size_t i = 0; i < g->len; i++) {
      if (g->s[i] == '\n') *out = g_cat(*out, sub[1]);
      else *out = g_catc(*out, g->s[i]);
    }
  } else
    *out = g_catn(*out, g->s, g->len);
  return EV_OK;
}

/* ${lookup...}: args[0] key (NULL for query style), args[1] file/query. */
static ev_rc item_lookup(const enode *n, gstring **out) {
  lookup_spec spec;
  const char *err = lookup_spec_parse(n->opt, strlen(n->opt), &spec);
  if (err) return ev_fail("%s", err);
  char *key = NULL;
  if (n->args[0] && !(key = eval_to_str(n->args[0])))
    return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  char *fq = eval_to_str(n->args[1]);
  if (!fq) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  if (spec.info->style == LOOKUP_SINGLE_KEY) {
    if (!key)
      return ev_fail("missing {key} for single-key \"%s\" lookup", spec.info->name);
  } else if (key) {
    return ev_fail("a single key was given for lookup type \"%s\", which is not a single-key "
                   "lookup type", spec.info->name);
  }
  lookup_hit hit = {0};
  lookup_rc rc = spec.info->style == LOOKUP_SINGLE_KEY
                     ? lookup_search(&spec, fq, key, &hit, &err)
                     : lookup_search(&spec, NULL, fq, &hit, &err);
  if (rc == LOOKUP_DEFER) {
    expand_status.lookup_deferred = true;
    return ev_fail("%s", err ? err : "lookup deferred");
  }
  if (rc == LOOKUP_FOUND && (hit.wild || hit.fixed)) {
    /* partial and "*@" matches: $1 the wild part, $2 the fixed part */
    const char *nv[3] = {hit.key ? hit.key : "", hit.wild ? hit.wild : "",
                         hit.fixed ? hit.fixed : ""};
    expand_set_numeric(3, nv);
  }
  /* a failed lookup leaves $value as it was (as exim4) */
  return eval_yesno(n, rc == LOOKUP_FOUND, rc == LOOKUP_FOUND ? hit.value : expand_value, out, "lookup");
}

/* Field n (1-based; negative from the end; 0 = whole) of a list split by
 * any of the separator characters. */
static const char *extract_field(const char *s, long num, const char *seps) {
  if (num == 0) return s;
  /* count fields */
  long nf = 1;
  for (const char *p = s; *p; p++) if (strchr(seps, *p)) nf++;
  if (num < 0) num = nf + num + 1;
  if (num <= 0 || num > nf) return NULL;
  const char *p = s;
  for (long i = 1; i < num; i++) {
    while (*p && !strchr(seps, *p)) p++;
    p++;
  }
  const char *e = p;
  while (*e && !strchr(seps, *e)) e++;
  return str_copyn(p, (size_t)(e - p));
}

/* Named field "key=value" of a string of such pairs. */
static const char *extract_named(const char *key, const char *s) {
  size_t kl = strlen(key);
  const char *p = s;
  while (*p) {
    while (isspace(uc(*p))) p++;
    if (!*p) break;
    const char *ks = p;
    while (*p && *p != '=' && !isspace(uc(*p))) p++;
    size_t l = (size_t)(p - ks);
    while (isspace(uc(*p))) p++;
    if (*p == '=') p++;
    while (isspace(uc(*p))) p++;
    gstring *v = g_new(16, is_tainted(s));
    if (*p == '"') {
      p++;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1]) {
          p++;
          const char *q = p;
          int c = uc(*q);
          switch (c) {
          case 'n': v = g_catc(v, '\n'); break;
          case 't': v = g_catc(v, '\t'); break;
          case 'r': v = g_catc(v, '\r'); break;
          default: v = g_catc(v, (char)c); break;
          }
          p++;
          continue;
        }
        v = g_catc(v, *p++);
      }
      if (*p) p++;
    } else {
      while (*p && !isspace(uc(*p))) v = g_catc(v, *p++);
    }
    if (l == kl && str_ncmpic(ks, key, kl) == 0) return g_str(v);
  }
  return NULL;
}

static ev_rc item_extract(const enode *n, gstring **out) {
  char *sub[3];
  if (n->key2)
    return ev_fail("\"extract %s\" needs a JSON parser, which this build does not have yet",
                   n->key2);
  if (eval_args(n, sub) != EV_OK) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *k = str_skip_space(sub[0]);
  const char *d = k;
  if (*d == '-') d++;
  bool numeric = *d && strspn(d, "0123456789") == strlen(str_rtrim(str_copy(d)));
  if (numeric) {
    if (n->nargs < 3) return ev_fail("missing '{' for arg 3 of extract");
    long num = strtol(k, NULL, 10);
    const char *v = extract_field(sub[2], num, sub[1]);
    return eval_yesno(n, v != NULL, v, out, "extract");
  }
  /* named: two arguments; a third braced part is the "yes" string */
  char *key = str_rtrim(str_copy(k));
  if (!*key) return ev_fail("first argument of \"extract\" must not be empty");
  sub[0] = key;
  if (n->nargs == 3) {
    enode tmp = *n;
    tmp.yes = n->args[2];
    tmp.has_yes = true;
    if (n->has_yes) {
      tmp.no = n->yes;
      tmp.has_no = true;
    }
    const char *v = extract_named(sub[0], sub[1]);
    return eval_yesno(&tmp, v != NULL, v, out, "extract");
  }
  const char *v = extract_named(sub[0], sub[1]);
  return eval_yesno(n, v != NULL, v, out, "extract");
}

/* Append an element to a list being built, as Exim does: separators inside
 * doubled; after the first element, a space before an element that is empty
 * or starts with the separator (so that no doubled separator appears). */
static gstring *list_add(gstring *g, int sep, const char *item, bool first) {
  if (first || sep <= 0) {
    gstring *e = list_append(NULL, sep, item);
    return e ? g_catn(g ? g : g_new(16, false), e->s, e->len) : (g ? g : g_new(16, false));
  }
  g = g_catc(g, (char)sep);
  if (!*item || uc(*item) == sep) g = g_catc(g, ' ');
  gstring *e = list_append(NULL, sep, item);
  return e ? g_catn(g, e->s, e->len) : g;
}

/* map / filter / reduce */
static ev_rc item_listwork(const enode *n, gstring **out) {
  char *list = eval_to_str(n->args[0]);
  if (!list) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *save_item = expand_item, *save_value = expand_value;
  ev_rc rc = EV_OK;
  int sep = 0;
  const char *lp = list;
  char *it;
  gstring *res = NULL;
  if (n->num == I_REDUCE) {
    char *init = eval_to_str(n->args[1]);
    if (!init) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
    expand_value = init;
    while ((it = list_next(&lp, &sep))) {
      expand_item = it;
      char *v = eval_to_str(n->args[2]);
      if (!v) {
        rc = ev_inside(expand_status.forced_fail ? EV_FORCED : EV_ERROR, " inside \"%s\" item",
                       n->text);
        break;
      }
      expand_value = v;
    }
    if (rc == EV_OK) *out = g_cat(*out, expand_value);
  } else {
    int outsep = sep;
    while ((it = list_next(&lp, &sep))) {
      outsep = sep;
      expand_item = it;
      if (n->num == I_MAP) {
        char *v = eval_to_str(n->args[1]);
        if (!v) {
          rc = ev_inside(expand_status.forced_fail ? EV_FORCED : EV_ERROR, " inside \"%s\" item",
                         n->text);
          break;
        }
        res = list_add(res, outsep, v, !res);
      } else {
        bool r;
        if ((rc = eval_cond(n->cond, &r)) != EV_OK) {
          ev_inside(rc, ev_error_from_simple_cond ? " inside \"%s\" condition"
                                                  : " inside \"%s\" item", n->text);
          break;
        }
        if (r) res = list_add(res, outsep, it, !res);
      }
    }
    if (rc == EV_OK && res) *out = g_catn(*out, res->s, res->len);
  }
  expand_item = save_item;
  expand_value = save_value;
  return rc;
}

/* Split a command line into arguments: white space separates; double or
 * single quotes group (backslash escapes inside double quotes). */
static char **split_command(const char *cmd, int *argcp) {
  int cap = 8, argc = 0;
  char **argv = store_get(sizeof(char *) * (size_t)cap, false);
  const char *p = cmd;
  for (;;) {
    while (isspace(uc(*p))) p++;
    if (!*p) break;
    gstring *a = g_new(16, false);
    while (*p && !isspace(uc(*p))) {
      if (*p == '"') {
        p++;
        while (*p && *p != '"') {
          if (*p == '\\' && p[1]) p++;
          a = g_catc(a, *p++);
        }
        if (*p) p++;
      } else if (*p == '\'') {
        p++;
        while (*p && *p != '\'') a = g_catc(a, *p++);
        if (*p) p++;
      } else
        a = g_catc(a, *p++);
    }
    if (argc + 2 > cap) {
      char **nv = store_get(sizeof(char *) * (size_t)(cap * 2), false);
      memcpy(nv, argv, sizeof(char *) * (size_t)argc);
      argv = nv;
      cap *= 2;
    }
    argv[argc++] = g_str(a);
  }
  argv[argc] = NULL;
  *argcp = argc;
  return argv;
}

/* ${run{command args}{yes}{no}} without a shell. */
static ev_rc item_run(const enode *n, gstring **out) {
  int argc = 0;
  char **argv;
  if (n->key2) {
    /* split the text as written, then expand each argument */
    argv = split_command(n->key2, &argc);
    for (int i = 0; i < argc; i++) {
      char *v = expand_string(argv[i]);
      if (!v) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
      argv[i] = v;
    }
  } else {
    char *cmd = eval_to_str(n->args[0]);
    if (!cmd) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
    argv = split_command(cmd, &argc);
    for (int i = 1; i < argc && is_tainted(cmd); i++)
      if (is_tainted(argv[i])) break;
    if (is_tainted(cmd)) {
      log_write(LOG_MAIN | LOG_PANIC, "Attempt to exec tainted path: '%s'", argc ? argv[0] : cmd);
      return ev_fail("couldn't create child process: %s", strerror(EPERM));
    }
  }
  if (argc && is_tainted(argv[0])) {
    log_write(LOG_MAIN | LOG_PANIC, "Attempt to exec tainted path: '%s'", argv[0]);
    return ev_fail("couldn't create child process: %s", strerror(EPERM));
  }
  if (!argc) return ev_fail("missing command name in ${run}");
  int pout[2];
  if (pipe(pout) < 0) return ev_fail("couldn't create pipe for ${run}: %s", strerror(errno));
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return ev_fail("couldn't create child process for ${run}: %s", strerror(errno));
  if (pid == 0) {
    close(pout[0]);
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0) dup2(nul, 0);
    dup2(pout[1], 1);
    dup2(pout[1], 2);
    execv(argv[0], argv);
    _exit(127);
  }
  close(pout[1]);
  gstring *g = g_new(64, true);
  char buf[4096];
  ssize_t r;
  while ((r = read(pout[0], buf, sizeof buf)) > 0) g = g_catn(g, buf, (size_t)r);
  close(pout[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  int runrc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  expand_var_set("runrc", str_perm(str_sprintf("%d", runrc)));
  return eval_yesno(n, runrc == 0, g_str(g), out, "run");
}

/* The environment as Exim presents it: only variables that keep_environment
 * keeps, plus those add_environment sets (Exim clears the rest at start). */
static const char *env_value(const char *name) {
  const char *add = mainconf.add_environment;
  if (add && *add) {
    const char *lp = add;
    int sep = 0;
    char *it;
    size_t nl = strlen(name);
    while ((it = list_next(&lp, &sep)))
      if (strncmp(it, name, nl) == 0 && it[nl] == '=') return it + nl + 1;
  }
  const char *keep = mainconf.keep_environment;
  if (!keep || !*keep) return NULL;
  const char *err = NULL;
  if (match_string_list(name, keep, false, &err) != MATCH_YES) return NULL;
  const char *v = getenv(name);
  return v ? str_copy_taint(v, true) : NULL;
}

unsigned expand_forbid;

/* The item is one a filter was refused (expand_forbid): exim4's text. */
static const char *forbidden(int num) {
  static const struct { int num; unsigned bit; const char *text; } f[] = {
    {I_LOOKUP, EXPAND_FORBID_LOOKUP, "lookup expansions are not permitted"},
    {I_RUN, EXPAND_FORBID_RUN, "running a command is not permitted"},
    {I_READFILE, EXPAND_FORBID_READFILE, "file insertions are not permitted"},
    {I_READSOCK, EXPAND_FORBID_READSOCK, "socket insertions are not permitted"},
    {I_DLFUNC, EXPAND_FORBID_DLFUNC, "dynamically-loaded functions are not permitted"},
    {I_PERL, EXPAND_FORBID_PERL, "Perl calls are not permitted"},
  };
  if (!expand_forbid) return NULL;
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (f[i].num == num && (expand_forbid & f[i].bit)) return f[i].text;
  return NULL;
}

ev_rc item_eval(const enode *n, gstring **out) {
  char *sub[10] = {0};
  const char *refused = forbidden(n->num);
  if (refused) return ev_fail("%s", refused);
  switch (n->num) {
  case I_LOOKUP: return item_lookup(n, out);
  case I_EXTRACT:
    if (n->key2) return item_extract_json(n, out);
    return item_extract(n, out);
  case I_MAP:
  case I_FILTER:
  case I_REDUCE: return item_listwork(n, out);
  case I_SORT: return item_sort(n, out);
  case I_RUN: return item_run(n, out);
  case I_PRVSCHECK: return item_prvscheck(n, out);
  default: break;
  }
  if (n->num == I_EXTRACT && n->key2) return item_extract_json(n, out);
  if (eval_args(n, sub) != EV_OK) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  /* a result computed from tainted arguments is tainted */
  for (int i = 0; i < n->nargs; i++)
    if (sub[i] && is_tainted(sub[i])) {
      *out = g_catn(*out, sub[i], 0);
      break;
    }
  switch (n->num) {
  case I_LENGTH:
  case I_SUBSTR:
  case I_HASH:
  case I_NHASH: return item_numeric(n, sub, out);
  case I_TR: return item_tr(sub, out);
  case I_SG: return item_sg(sub, out);
  case I_ENV: {
    const char *v = env_value(str_rtrim(str_copy(str_skip_space(sub[0]))));
    return eval_yesno(n, v != NULL, v, out, "env");
  }
  case I_LISTEXTRACT: return item_listextract(n, sub, out);
  case I_LISTQUOTE: return item_listquote(sub, out);
  case I_HMAC: return item_hmac(sub, out);
  case I_PRVS: return item_prvs(sub, n->nargs, out);
  case I_IMAPFOLDER: return item_imapfolder(sub, n->nargs, out);
  case I_READSOCK: return item_readsocket(n, sub, out);
  case I_AUTHRESULTS:
    /* the authenticator and SPF/DKIM/DMARC parts are added by their layers */
    *out = g_fmt(*out, "Authentication-Results: %s", sub[0]);
    return EV_OK;
  case I_READFILE: return item_readfile(sub, n->nargs, out);
  case I_ACL: {
    /* ${acl{name}{arg1}...}: the ACL's message; defer and error fail. */
    const char *res;
    int rc = acl_eval_expansion(sub[0], (const char *const *)sub + 1, n->nargs - 1, &res);
    if (rc == ACL_OK || rc == ACL_FAIL) {
      *out = g_cat(*out, res);
      return EV_OK;
    }
    return ev_fail("%s from acl \"%s\"", acl_result_name(rc),
                   sub[0]);
  }
  case I_PERL: return ev_fail("Perl support is not in this build (needs EXIM_PERL)");
  case I_DLFUNC: return ev_fail("dlfunc support is not in this build (needs EXPAND_DLFUNC)");
  case I_SRS_ENCODE: return ev_fail("SRS support is not in this build yet (needs SUPPORT_SRS)");
  case I_CERTEXTRACT:
    return ev_fail("second argument of \"certextract\" must be a certificate variable");
  default:
    return ev_fail("\"%s\" is not available in this build yet", n->text);
  }
}
