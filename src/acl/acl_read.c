/* acl_read.c - reading ACLs (spec 44.12, 44.17): the named ACLs of
 * "begin acl" (parsed once, after the configuration has been read), inline
 * ACLs given as option values, and ACL files (read once per process).
 *
 * A statement starts with a verb; the conditions and modifiers follow, one
 * a line ("verb cond = value", then "cond = value" lines).  Syntax errors
 * are worded as Exim words them ("unknown ACL verb ...", "\"=\" missing
 * after ACL \"hosts\" condition" ...); for "begin acl" they are reported
 * with file and line as configuration errors.
 *
 * Entry points: acl_read_config(), acl_parse_text(), acl_named_find(),
 * acl_file_load().
 *
 * Must never: accept a line it does not understand.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/store.h"
#include "config/readconf.h"

const char *const acl_verb_names[ACL_VERB_COUNT] = {"accept", "defer", "deny", "discard",
                                                    "drop", "require", "warn"};

typedef struct named_acl {
  struct named_acl *next;
  const char *name;
  acl_stmt *stmts;
} named_acl;

static named_acl *named_acls;

typedef struct file_acl {
  struct file_acl *next;
  const char *path;
  acl_stmt *stmts;
} file_acl;

static file_acl *file_acls;

static inline unsigned char uch(char c) { return (unsigned char)c; }

static int verb_index(const char *w, size_t len) {
  for (int v = 0; v < ACL_VERB_COUNT; v++)
    if (strlen(acl_verb_names[v]) == len && strncmp(w, acl_verb_names[v], len) == 0) return v;
  return -1;
}

/* Parse one logical line into *cur (a new statement when it starts with a
 * verb).  NULL or the error text. */
static const char *parse_line(const char *line, const char *file, int lineno, acl_stmt **cur,
                              acl_stmt ***tail, bool trim) {
  const char *s = str_skip_space(line);
  if (!*s) return NULL;
  /* Words of the ACL language are letters and underscores. */
  const char *w = s;
  while (isalpha(uch(*s)) || *s == '_') s++;
  size_t wl = (size_t)(s - w);
  int verb = verb_index(w, wl);
  if (*w == '!') {
    /* a negated verb is malformed; otherwise the word after "!" is what
     * an unknown-verb error names */
    const char *n = str_skip_space(w + 1), *e = n;
    while (isalpha(uch(*e)) || *e == '_') e++;
    if (verb_index(n, (size_t)(e - n)) >= 0) return str_sprintf("malformed ACL line \"%s\"", line);
    if (!*cur) return str_sprintf("unknown ACL verb \"%.*s\" in \"%s\"", (int)(e - n), n, line);
  }
  if (verb < 0 && !*cur) return str_sprintf("unknown ACL verb \"%.*s\" in \"%s\"", (int)wl, w, line);
  if (verb >= 0) {
    acl_stmt *st = store_get_in(POOL_PERM, sizeof *st, false);
    memset(st, 0, sizeof *st);
    st->verb = (acl_verb)verb;
    st->file = file;
    st->line = lineno;
    **tail = st;
    *tail = &st->next;
    *cur = st;
    s = str_skip_space(s);
    if (!*s) return NULL;
  } else {
    s = w;
  }

  /* A condition or modifier. */
  acl_item *it = store_get_in(POOL_PERM, sizeof *it, false);
  memset(it, 0, sizeof *it);
  if (*s == '!') {
    it->negated = true;
    s = str_skip_space(s + 1);
  }
  const char *n = s;
  while (isalnum(uch(*s)) || *s == '_') s++;   /* (verbs are letters only, names may hold digits) */
  const acl_cond_def *def = acl_cond_find(n, (size_t)(s - n));
  if (!def) return str_sprintf("unknown ACL condition/modifier in \"%s\"", line);
  it->def = def;
  if (it->negated && (def->flags & (ACD_MODIFIER | ACD_NONEG)))
    return str_sprintf("ACL error: negation is not allowed with \"%s\"", def->name);
  if (def->flags & ACD_NOARG) {
    if (strcmp(def->name, "endpass") == 0 && (*cur)->verb != ACL_VERB_ACCEPT &&
        (*cur)->verb != ACL_VERB_DISCARD)
      return str_sprintf("ACL error: \"endpass\" is not allowed with \"%s\"",
                         acl_verb_names[(*cur)->verb]);
  } else {
    s = str_skip_space(s);
    if (def->flags & ACD_SETVAR) {
      const char *v = s;
      while (isalnum(uch(*s)) || *s == '_') s++;
      char *name = str_copyn(v, (size_t)(s - v));
      if (strncmp(name, "acl_c", 5) != 0 && strncmp(name, "acl_m", 5) != 0)
        return str_sprintf("invalid variable name after \"set\" in ACL modifier \"%s\" "
                           "(must start \"acl_c\" or \"acl_m\")", n);
      if (!isdigit(uch(name[5])) && name[5] != '_')
        return str_sprintf("invalid variable name after \"set\" in ACL modifier \"%s\" "
                           "(digit or underscore must follow acl_c or acl_m)", n);
      it->varname = str_perm(name);
      s = str_skip_space(s);
    }
    if (*s != '=')
      return str_sprintf("\"=\" missing after ACL \"%s\" %s", def->name,
                         (def->flags & ACD_MODIFIER) ? "modifier" : "condition");
    s = str_skip_space(s + 1);
    char *arg = str_copy_taint(s, false);
    if (trim) str_rtrim(arg);
    it->arg = store_pool_current() == POOL_PERM ? arg : str_perm(arg);
    if (def->check) {
      const char *err = def->check(it->arg);
      if (err) return err;
    }
  }
  acl_item **ip = &(*cur)->items;
  while (*ip) ip = &(*ip)->next;
  *ip = it;
  return NULL;
}

/* Where inline ACLs say they are: the configuration file and its last
 * line, as Exim reports them. */
static const char *inline_file;
static int inline_line;

static acl_stmt *parse_text(const char *text, const char *file, int line, bool trim, const char **error) {
  acl_stmt *head = NULL, **tail = &head, *cur = NULL;
  *error = NULL;
  const char *p = text;
  int lineno = line;
  while (*p) {
    /* One logical line: backslash-newline continuations join. */
    gstring *g = g_new(80, false);
    int first = lineno + 1;
    for (;;) {
      const char *e = strchr(p, '\n');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      const char *seg = p;
      p += len + (e ? 1 : 0);
      lineno++;
      size_t tl = len;
      while (tl > 0 && isspace(uch(seg[tl - 1]))) tl--;
      if (trim) len = tl;
      if (tl > 0 && seg[tl - 1] == '\\' && *p) {
        len = tl;
        g = g_catn(g, seg, len - 1);
        p = str_skip_space(p);
        continue;
      }
      g = g_catn(g, seg, len);
      break;
    }
    const char *l = str_skip_space(g_str(g));
    if (!*l || *l == '#') continue;
    const char *err = parse_line(l, file, line > 0 ? line : first, &cur, &tail, trim);
    if (err) {
      *error = err;
      return NULL;
    }
  }
  return head;
}

acl_stmt *acl_parse_text(const char *text, const char *file, int line, const char **error) {
  return parse_text(text, file, line, true, error);
}

/* Inline ACLs: values keep their trailing white space (Exim splits the
 * option value at newlines and takes each line as it is). */
acl_stmt *acl_parse_inline(const char *text, const char **error) {
  return parse_text(text, inline_file, inline_line > 0 ? inline_line : -1, false, error);
}

acl_stmt *acl_named_find(const char *name, bool *found) {
  for (named_acl *n = named_acls; n; n = n->next)
    if (strcmp(n->name, name) == 0) {
      *found = true;
      return n->stmts;
    }
  *found = false;
  return NULL;
}

acl_stmt *acl_file_load(const char *path, bool *fresh, const char **error) {
  *fresh = false;
  for (file_acl *f = file_acls; f; f = f->next)
    if (strcmp(f->path, path) == 0) return f->stmts;
  *fresh = true;
  *error = NULL;
  FILE *fp = fopen(path, "r");
  if (!fp) {
    *error = str_sprintf("failed to open ACL file \"%s\": %s", path, strerror(errno));
    return NULL;
  }
  gstring *g = g_new(1024, false);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, fp)) > 0) g = g_catn(g, buf, n);
  fclose(fp);
  store_pool old = store_pool_set(POOL_PERM);
  const char *fpath = str_perm(path);
  /* Lines are read as configuration lines are; the commentary shows the
   * configuration file's last line for them, as exim4 does. */
  acl_stmt *st = parse_text(g_str(g), inline_file, inline_line > 0 ? inline_line : -1, true, error);
  store_pool_set(old);
  if (*error) return NULL;
  file_acl *f = store_get_in(POOL_PERM, sizeof *f, false);
  f->path = fpath;
  f->stmts = st;
  f->next = file_acls;
  file_acls = f;
  return st;
}

/* "begin acl": "name:" lines start ACLs; the statements follow. */
const char *acl_read_config(void) {
  store_pool old = store_pool_set(POOL_PERM);
  named_acls = NULL;
  named_acl **ntail = &named_acls;
  named_acl *curacl = NULL;
  acl_stmt **tail = NULL, *cur = NULL;
  for (const config_line *l = config.acl_lines; l; l = l->next) {
    const char *s = str_skip_space(l->text);
    const char *w = s;
    while (isalnum(uch(*s)) || *s == '_' || *s == '-' || *s == '.') s++;
    if (*s == ':' && s > w) {
      named_acl *n = store_get_in(POOL_PERM, sizeof *n, false);
      n->next = NULL;
      n->name = str_copyn(w, (size_t)(s - w));
      n->stmts = NULL;
      *ntail = n;
      ntail = &n->next;
      curacl = n;
      tail = &n->stmts;
      cur = NULL;
      continue;   /* exim4 ignores anything after "name:" on its line */
    } else {
      s = w;
    }
    if (!curacl) {
      store_pool_set(old);
      config_error_at(l->file, l->line, "missing or malformed ACL name");
    }
    const char *err = parse_line(s, l->file, l->line, &cur, &tail, true);
    if (err) {
      store_pool_set(old);
      config_error_at(l->file, l->line, "error in ACL: %s", err);
    }
  }
  /* Inline ACLs report the configuration file's last line. */
  inline_file = config.filename;
  inline_line = 0;
  FILE *f = config.filename ? fopen(config.filename, "r") : NULL;
  if (f) {
    int c;
    while ((c = getc(f)) != EOF)
      if (c == '\n') inline_line++;
    fclose(f);
  }
  store_pool_set(old);
  return NULL;
}
