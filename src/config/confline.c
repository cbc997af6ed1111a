/* confline.c - from configuration files to logical lines (spec 6.2, 6.3,
 * 6.5, 6.10): physical lines of any length, macro substitution of each
 * physical line, comments, continuation lines, .include and
 * .include_if_exists, and the .ifdef/.ifndef/.elifdef/.elifndef/.else/.endif
 * conditionals.  Every logical line, and a "# N "file"" marker where the
 * reading position jumps, is recorded in config.all_lines for -bP config.
 *
 * Entry points (readconf_int.h): cl_start(), cl_next(), cl_file(), cl_line().
 *
 * Must never: substitute macros or follow .include in lines a conditional
 * skips, use a fixed-size line buffer, or lose the file/line of an error.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/store.h"
#include "../base/str.h"
#include "readconf_int.h"

#define COND_DEPTH_MAX 10     /* nesting of .ifdef, as Exim */
#define INCLUDE_DEPTH_MAX 200 /* nesting of .include (Exim: until open fails) */

typedef struct source {
  struct source *prev;
  FILE *f;
  const char *name;
  const char *dir;
  int line;
} source;

static source *cur;          /* file being read */
static int include_depth;

/* Conditional state: active, skipping until a true branch, skipping to
 * .endif (a branch was already taken or the enclosing part is skipped). */
enum { C_ACTIVE, C_SEEK, C_SKIP };
static int cstate;
static int cstack[COND_DEPTH_MAX];
static int cdepth;           /* entries in cstack */

static config_line *all_tail;

const char *cl_file(void) { return cur ? cur->name : config.filename; }
int cl_line(void) { return cur ? cur->line : 0; }

static void record(const char *text, const char *file, int line) {
  config_line *l = store_get_in(POOL_PERM, sizeof *l, false);
  l->next = NULL;
  l->text = text;
  l->file = file;
  l->line = line;
  if (all_tail) all_tail->next = l;
  else config.all_lines = l;
  all_tail = l;
}

/* Position markers have line 0; their text is what -bP config shows. */
static void record_position(void) {
  record(str_perm(str_sprintf("# %d \"%s\"", cur->line, cur->name)), cur->name, 0);
}

void cl_start(FILE *f, const char *filename, const char *directory) {
  cur = store_get_in(POOL_PERM, sizeof *cur, false);
  cur->prev = NULL;
  cur->f = f;
  cur->name = str_perm(filename);
  cur->dir = str_perm(directory);
  cur->line = 0;
  include_depth = 0;
  cstate = C_ACTIVE;
  cdepth = 0;
  all_tail = NULL;
  for (config_line *l = config.all_lines; l; l = l->next) all_tail = l;
}

/* Read one physical line (without its newline) into the current pool.
 * Returns NULL at end of file; *nl tells whether a newline ended it. */
static char *read_physical(FILE *f, bool *nl) {
  gstring *g = NULL;
  int c;
  *nl = false;
  while ((c = getc(f)) != EOF) {
    if (c == '\n') {
      *nl = true;
      break;
    }
    g = g_catc(g, (char)c);
  }
  if (!g && !*nl) return NULL;
  return g_str(g);
}

/* ---------------------------------------------------------------------
 * Conditionals
 * ------------------------------------------------------------------- */

static const struct {
  const char *name;
  size_t len;
  int push;      /* 1 push, 0 change, -1 pop */
  bool negate;   /* ndef forms */
  bool is_else;
} directives[] = {
    {"ifdef", 5, 1, false, false},   {"ifndef", 6, 1, true, false},
    {"elifdef", 7, 0, false, false}, {"elifndef", 8, 0, true, false},
    {"else", 4, 0, false, true},     {"endif", 5, -1, false, false},
};

/* Handle a line starting with "." if it is a conditional directive; returns
 * true when the line has been consumed.  As in Exim, a directive name must be
 * followed by a space, the letter "t" (sic), or the end of the line;
 * anything else after a directive's name makes the line silently ignored. */
static bool conditional(const char *ss, bool macro_found) {
  for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
    if (strncmp(ss + 1, directives[i].name, directives[i].len) != 0) continue;
    char n = ss[1 + directives[i].len];
    if (n != ' ' && n != 't' && n != 0) return true;
    bool cond = directives[i].negate ? !macro_found : macro_found;
    if (directives[i].push > 0) {
      if (cdepth >= COND_DEPTH_MAX) config_error(".%s nested too deeply", directives[i].name);
      cstack[cdepth++] = cstate;
      cstate = cstate == C_ACTIVE ? (cond ? C_ACTIVE : C_SEEK) : C_SKIP;
      return true;
    }
    if (cdepth == 0) config_error(".%s without matching .ifdef", directives[i].name);
    if (directives[i].push < 0) {
      cstate = cstack[--cdepth];
    } else if (directives[i].is_else) {
      cstate = cstate == C_SEEK ? C_ACTIVE : C_SKIP;
    } else {
      cstate = cstate == C_SEEK ? (cond ? C_ACTIVE : C_SEEK) : C_SKIP;
    }
    return true;
  }
  return false;
}

/* ---------------------------------------------------------------------
 * Includes
 * ------------------------------------------------------------------- */

/* Handle ".include" / ".include_if_exists"; returns false if the line is
 * neither. */
static bool include(const char *ss, bool nl) {
  if (strncmp(ss, ".include", 8) != 0) return false;
  const char *p = ss + 8;
  bool if_exists = false;
  if (strncmp(p, "_if_exists", 10) == 0) {
    if_exists = true;
    p += 10;
  }
  /* Exim sees the newline, so a bare ".include" is an include of "". */
  if (!isspace(uc(*p)) && !(*p == 0 && nl)) return false;

  p = str_skip_space(p);
  size_t len = strlen(p);
  while (len > 0 && isspace(uc(p[len - 1]))) len--;
  if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
    p++;
    len -= 2;
  }
  char *name = str_copyn(p, len);
  if (*name != '/') {
    if (if_exists) config_error(".include specifies a non-absolute path \"%s\"", name);
    name = str_sprintf("%s/%s", cur->dir, name);
  }
  struct stat st;
  if (if_exists && stat(name, &st) != 0) return true;

  record_position();
  FILE *f = include_depth < INCLUDE_DEPTH_MAX ? fopen(name, "rb") : NULL;
  if (!f) config_error("failed to open included configuration file %s", name);

  source *s = store_get_in(POOL_PERM, sizeof *s, false);
  s->prev = cur;
  s->f = f;
  s->name = str_perm(name);
  const char *slash = strrchr(s->name, '/');
  s->dir = str_perm(str_copyn(s->name, (size_t)(slash - s->name)));
  s->line = 0;
  cur = s;
  include_depth++;
  return true;
}

/* ---------------------------------------------------------------------
 * Logical lines
 * ------------------------------------------------------------------- */

static void rtrim(gstring *g) {
  size_t n = g->len;
  while (n > 0 && isspace(uc(g->s[n - 1]))) n--;
  g_trim(g, n);
}

const char *cl_next(void) {
  if (!cur) return NULL;
  /* Work space for the physical lines comes from the main pool and is
   * released once the logical line has been copied to the permanent one. */
  store_pool old_pool = store_pool_set(POOL_MAIN);
  store_mark *mark = store_mark_take(POOL_MAIN);
  gstring *lg = g_new(128, false);

  for (;;) {
    bool nl;
    char *phys = read_physical(cur->f, &nl);
    if (!phys) {
      if (cur->prev) {            /* end of an included file */
        fclose(cur->f);
        cur = cur->prev;
        include_depth--;
        record_position();
        continue;
      }
      if (cdepth > 0) config_error("Unexpected end of configuration file: .endif missing");
      if (lg->len > 0) break;     /* the file ended in a continuation */
      store_reset(mark);
      store_pool_set(old_pool);
      return NULL;
    }
    cur->line++;
    if (cur->line == 1) record_position();

    bool found;
    const char *ss = macro_substitute(str_skip_space(phys), lg->len == 0, &found);
    ss = str_skip_space(ss);

    if (*ss == '#') continue;
    if (*ss == '.' && conditional(ss, found)) continue;
    if (cstate != C_ACTIVE) continue;
    if (include(ss, nl)) continue;

    lg = g_cat(lg, ss);
    rtrim(lg);
    if (lg->len > 0) {
      if (lg->s[lg->len - 1] != '\\') break;
      g_trim(lg, lg->len - 1);
    }
  }

  char *line = str_perm(g_str(lg));
  store_reset(mark);
  store_pool_set(old_pool);
  record(line, cur->name, cur->line);
  return line;
}
