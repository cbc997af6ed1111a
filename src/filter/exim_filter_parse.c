/* exim_filter_parse.c - reading an Exim filter file (filter document
 * chapter 3): the lexer (words, quoted and verbatim data values, comments,
 * line counting) and the parser building the command list and condition
 * trees that exim_filter.c runs.
 *
 * Entry point: exim_filter_parse().
 *
 * Error texts and the line numbers in them follow exim4: the lexer skips
 * the white space after each token before the parser looks at it, so an
 * error found after the last token of a line names the next line.
 *
 * Must never: expand anything or act on the message; read past the end of
 * the text.
 */
#include <ctype.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../base/stack.h"
#include "filter_int.h"

#define MAX_ITEM 1024

struct lexer;
static bool set_error(struct lexer *l, const char *e);

const char *const filter_mail_keys[MK_COUNT] = {
  "to", "cc", "bcc", "from", "reply_to", "subject", "extra_headers", "text",
  "file", "log", "once", "once_repeat"
};

typedef struct lexer {
  const char *p;
  int line;
  const char *error;
  unsigned options;
  int depth;          /* nesting of if, brackets and and/or chains */
  int nest;           /* nesting of if and brackets alone */
  const char *item_end;  /* where the last read_item()'s text ended */
} lexer;

/* Nesting deeper than this is refused rather than risking the stack
 * (parsing and running recurse on it).  exim4 has no limit but overflows
 * its stack (8M) beyond about 6700 nested ifs, 7000 nested brackets or
 * and/or chains of 28000: these limits accept all of that. */
#define MAX_DEPTH 30000
#define MAX_NEST 10000

static bool too_deep(lexer *l) {
  if (l->depth <= MAX_DEPTH && l->nest <= MAX_NEST && !stack_nearly_full()) return false;
  set_error(l, str_sprintf("filter nested too deeply near line %d of filter file", l->line));
  return true;
}

static void skip_space(lexer *l) {
  for (;;) {
    char c = *l->p;
    if (c == '\n') {
      l->line++;
      l->p++;
    } else if (isspace((unsigned char)c)) {
      l->p++;
    } else if (c == '#') {
      while (*l->p && *l->p != '\n') l->p++;
    } else {
      return;
    }
  }
}

static bool set_error(lexer *l, const char *e) {
  if (!l->error) l->error = e;
  return false;
}

/* A keyword: everything up to white space or a bracket. */
static const char *read_word(lexer *l) {
  const char *s = l->p;
  while (*l->p && !isspace((unsigned char)*l->p) && *l->p != '(' && *l->p != ')') l->p++;
  const char *w = str_copyn(s, (size_t)(l->p - s));
  skip_space(l);
  return w;
}

/* The next word without consuming it. */
static const char *peek_word(lexer *l) {
  lexer save = *l;
  const char *w = read_word(l);
  *l = save;
  return w;
}

/* A data value: quoted (with escapes and continuation lines) or verbatim
 * up to white space (and brackets inside conditions).  NULL on error. */
static const char *read_item(lexer *l, bool incond) {
  gstring *g = g_new(64, false);
  if (*l->p == '"') {
    l->p++;
    for (;;) {
      char c = *l->p;
      if (!c) {
        set_error(l, str_sprintf("quote missing at end of string in line %d", l->line));
        return NULL;
      }
      l->p++;
      if (c == '"') break;
      if (c == '\n') {
        set_error(l, str_sprintf("quote missing at end of string in line %d", l->line));
        return NULL;
      }
      if (c == '\\') {
        c = *l->p;
        if (c == '\n') {
          l->p++;
          l->line++;
          while (*l->p == ' ' || *l->p == '\t') l->p++;
          continue;
        }
        if (c == 'n') { c = '\n'; l->p++; }
        else if (c == 'r') { c = '\r'; l->p++; }
        else if (c == 't') { c = '\t'; l->p++; }
        else if (c >= '0' && c <= '7') {
          int v = 0;
          for (int n = 0; n < 3 && *l->p >= '0' && *l->p <= '7'; n++) v = v * 8 + (*l->p++ - '0');
          c = (char)v;
        } else if (c == 'x' && isxdigit((unsigned char)l->p[1])) {
          l->p++;
          int v = 0;
          for (int n = 0; n < 2 && isxdigit((unsigned char)*l->p); n++) {
            char h = (char)tolower((unsigned char)*l->p++);
            v = v * 16 + (isdigit((unsigned char)h) ? h - '0' : h - 'a' + 10);
          }
          c = (char)v;
        } else if (c) {
          l->p++;
        } else {
          continue;
        }
      }
      g = g_catc(g, c);
      if (g->len > MAX_ITEM) {
        set_error(l, str_sprintf("string is too long in line %d of filter file (max = %d chars)",
                                 l->line, MAX_ITEM));
        return NULL;
      }
    }
  } else {
    while (*l->p && !isspace((unsigned char)*l->p) && !(incond && (*l->p == '(' || *l->p == ')'))) {
      g = g_catc(g, *l->p++);
      if (g->len > MAX_ITEM) {
        set_error(l, str_sprintf("string is too long in line %d of filter file (max = %d chars)",
                                 l->line, MAX_ITEM));
        return NULL;
      }
    }
  }
  l->item_end = l->p;
  skip_space(l);
  return g_str(g);
}

/* ---------------- conditions ---------------- */

static fcond *parse_or(lexer *l);
static fcond *parse_not(lexer *l);

static fcond *new_cond(enum fcond_type t) {
  fcond *c = store_zget(sizeof *c, false);
  c->type = t;
  return c;
}

static bool is_upper_word(const char *w) {
  for (; *w; w++)
    if (islower((unsigned char)*w)) return false;
  return true;
}

/* "(" condition ")" with the bracket at l->p. */
static fcond *parse_bracketed(lexer *l) {
  l->p++;
  skip_space(l);
  l->depth++;
  l->nest++;
  if (too_deep(l)) return NULL;
  fcond *c = parse_or(l);
  l->depth--;
  l->nest--;
  if (!c) return NULL;
  if (*l->p != ')') {
    set_error(l, str_sprintf("missing \")\" at end of condition near line %d of filter file", l->line));
    return NULL;
  }
  l->p++;
  skip_space(l);
  return c;
}

static fcond *parse_primary(lexer *l) {
  /* The file ends where a condition should start (exim4's text). */
  if (!*l->p) {
    set_error(l, "\"then\" missing at end of filter file");
    return NULL;
  }
  if (*l->p == '(') return parse_bracketed(l);
  if (*l->p != '"') {
    const char *w = peek_word(l);
    static const struct { const char *name; enum fcond_type t; } simple[] = {
      {"delivered", FCO_DELIVERED}, {"error_message", FCO_ERROR_MESSAGE},
      {"first_delivery", FCO_FIRST_DELIVERY}, {"manually_thawed", FCO_MANUALLY_THAWED},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
      if (strcmp(w, simple[i].name) == 0) {
        read_word(l);
        return new_cond(simple[i].t);
      }
    if (strcmp(w, "then") == 0) {
      read_word(l);
      set_error(l, str_sprintf("unexpected \"then\" near line %d of filter file", l->line));
      return NULL;
    }
    if (strcmp(w, "personal") == 0) {
      read_word(l);
      fcond *c = new_cond(FCO_PERSONAL);
      fstrlist **tail = &c->aliases;
      for (;;) {
        /* exim4 keeps the line count of this look-ahead even when the
         * word is not "alias" (its error line numbers show it). */
        if (*l->p == '"') break;
        lexer ahead = *l;
        const char *w2 = read_word(&ahead);
        if (strcmp(w2, "alias") != 0) {
          l->line = ahead.line;
          break;
        }
        read_word(l);
        const char *a = read_item(l, true);
        if (!a) return NULL;
        fstrlist *s = store_zget(sizeof *s, false);
        s->s = a;
        *tail = s;
        tail = &s->next;
      }
      return c;
    }
    if (strcmp(w, "foranyaddress") == 0) {
      read_word(l);
      fcond *c = new_cond(FCO_FORANY);
      if (!(c->a = read_item(l, true))) return NULL;
      if (*l->p != '(') {
        set_error(l, str_sprintf("\"(\" expected after \"foranyaddress\" near line %d of filter file",
                                 l->line));
        return NULL;
      }
      if (!(c->left = parse_bracketed(l))) return NULL;
      return c;
    }
  }

  const char *a = read_item(l, true);
  if (!a) return NULL;
  const char *rel = read_word(l);
  fcond *c = NULL;
  if (str_eqic(rel, "is")) {
    /* "is", "is not", "is above", "is not below" ... ("above" and "below"
     * only in lower case, as exim4). */
    bool neg = false;
    if (*l->p != '"' && str_eqic(peek_word(l), "not")) {
      read_word(l);
      neg = true;
    }
    const char *w = *l->p != '"' ? peek_word(l) : "";
    if (strcmp(w, "above") == 0 || strcmp(w, "below") == 0) {
      read_word(l);
      c = new_cond(w[0] == 'a' ? FCO_ABOVE : FCO_BELOW);
      c->optext = neg ? str_sprintf("not %s", w) : w;
    } else {
      c = new_cond(FCO_IS);
      c->caseful = strcmp(rel, "IS") == 0;
      c->optext = neg ? str_sprintf("%s not", rel) : rel;
    }
    c->negated = neg;
  } else {
    static const char *const ops[] = {"contains", "begins", "ends", "matches"};
    static const char *const negops[] = {"contain", "begin", "end", "match"};
    static const enum fcond_type types[] = {FCO_CONTAINS, FCO_BEGINS, FCO_ENDS, FCO_MATCHES};
    int which = -1;
    bool neg = false;
    const char *verb = rel;
    if (str_eqic(rel, "does")) {
      const char *n = read_word(l);
      if (!str_eqic(n, "not")) {
        set_error(l, str_sprintf("unrecognized condition word \"%s\" near line %d of filter file",
                                 n, l->line));
        return NULL;
      }
      verb = read_word(l);
      neg = true;
    }
    const char *lverb = str_lc(verb);
    bool exact = strcmp(verb, lverb) == 0 || is_upper_word(verb);
    for (int i = 0; i < 4 && exact; i++)
      if (strcmp(lverb, neg ? negops[i] : ops[i]) == 0) which = i;
    if (which < 0) {
      set_error(l, str_sprintf("unrecognized condition word \"%s\" near line %d of filter file",
                               verb, l->line));
      return NULL;
    }
    c = new_cond(types[which]);
    c->negated = neg;
    c->caseful = strcmp(verb, lverb) != 0;
    c->optext = neg ? str_sprintf("does not %s", verb) : verb;
  }
  c->a = a;
  if (!(c->b = read_item(l, true))) return NULL;
  /* exim4 counts the line ends between a comparison's second operand and
   * the next word twice (its error line numbers show it). */
  for (const char *s = l->item_end; s < l->p; s++)
    if (*s == '\n') l->line++;
  return c;
}

/* "not" toggles: a run of them is one negation or none (exim4's -v
 * trace shows "not not x" as "x"). */
static fcond *parse_not(lexer *l) {
  bool neg = false;
  while (*l->p != '"' && *l->p != '(' && strcmp(peek_word(l), "not") == 0) {
    read_word(l);
    neg = !neg;
  }
  fcond *inner = parse_primary(l);
  if (!inner || !neg) return inner;
  fcond *c = new_cond(FCO_NOT);
  c->left = inner;
  return c;
}

/* A chain of conditions joined by "and" and "or", grouped as exim4 groups
 * them (its -v trace shows it): "or" takes what is at the current point
 * as its left operand; "and" takes the condition just read, and the
 * current point moves to the first "and" of a run of them.  So "a or b or c" is
 * (a or b) or c, "a and b and c" is a and (b and c), and "a or b and c or
 * d" is a or ((b and c) or d). */
static fcond *parse_or(lexer *l) {
  fcond *root = parse_not(l);
  if (!root) return NULL;
  fcond **slot = &root, **last = &root;
  bool after_and = false;
  int saved_depth = l->depth;
  for (;;) {
    if (*l->p == '"' || *l->p == '(') {
      l->depth = saved_depth;
      return root;
    }
    const char *w = peek_word(l);
    bool is_or = strcmp(w, "or") == 0;
    if (!is_or && strcmp(w, "and") != 0) {
      l->depth = saved_depth;
      return root;
    }
    read_word(l);
    l->depth++;
    if (too_deep(l)) return NULL;
    fcond *r = parse_not(l);
    if (!r) return NULL;
    fcond *n = new_cond(is_or ? FCO_OR : FCO_AND);
    n->right = r;
    if (is_or) {
      n->left = *slot;
      *slot = n;
      last = &n->right;
    } else {
      n->left = *last;
      *last = n;
      if (!after_and) slot = last;
      last = &n->right;
    }
    after_and = !is_or;
  }
}

/* ---------------- commands ---------------- */

static const struct { const char *name; enum fcmd_type type; } command_names[] = {
  {"add", FC_ADD}, {"defer", FC_DEFER}, {"deliver", FC_DELIVER}, {"fail", FC_FAIL},
  {"finish", FC_FINISH}, {"freeze", FC_FREEZE}, {"headers", FC_HEADERS_ADD},
  {"logfile", FC_LOGFILE}, {"logwrite", FC_LOGWRITE}, {"mail", FC_MAIL}, {"pipe", FC_PIPE},
  {"save", FC_SAVE}, {"testprint", FC_TESTPRINT}, {"vacation", FC_VACATION},
};

/* A required argument of command name. */
static const char *required(lexer *l, const char *name) {
  const char *s = read_item(l, false);
  if (!s) return NULL;
  if (!*s) {
    set_error(l, str_sprintf("\"%s\" requires an argument near line %d of filter file", name, l->line));
    return NULL;
  }
  return s;
}

/* An optional octal mode after a file name (a value starting with a digit). */
static bool optional_mode(lexer *l, fcmd *c) {
  if (!isdigit((unsigned char)*l->p)) return true;
  const char *m = read_item(l, false);
  if (!m) return false;
  c->arg[1] = m;
  return true;
}

/* The value after "headers add/remove/charset". */
static const char *headers_value(lexer *l) {
  const char *v = read_item(l, false);
  if (v && !*v) {
    set_error(l, str_sprintf("value missing after \"add\", \"remove\", or \"charset\" near line %d of "
                             "filter file", l->line));
    return NULL;
  }
  return v;
}

static bool parse_mail(lexer *l, fcmd *c) {
  for (;;) {
    if (*l->p == '"' || !*l->p) return true;
    const char *w = peek_word(l);
    int k = -1;
    for (int i = 0; i < MK_COUNT; i++)
      if (strcmp(w, filter_mail_keys[i]) == 0) k = i;
    if (k >= 0) {
      read_word(l);
      const char *v = read_item(l, false);
      if (!v) return false;
      c->arg[k] = v;
      if (k == MK_FILE) c->expand_file = false;
    } else if (strcmp(w, "expand") == 0) {
      read_word(l);
      if (strcmp(read_word(l), "file") != 0) {
        set_error(l, str_sprintf("\"expand\" not followed by \"file\"  near line %d of filter file", l->line));
        return false;
      }
      const char *v = read_item(l, false);
      if (!v) return false;
      c->arg[MK_FILE] = v;
      c->expand_file = true;
    } else if (strcmp(w, "return") == 0) {
      read_word(l);
      if (strcmp(read_word(l), "message") != 0) {
        set_error(l, str_sprintf("\"return\" not followed by \"message\"  near line %d of filter file",
                                 l->line));
        return false;
      }
      c->return_message = true;
    } else {
      return true;
    }
  }
}

/* Commands up to the end of the text or (inside "if") the word that ends
 * this part, which is returned in *term ("" at the end of the text). */
static fcmd *parse_commands(lexer *l, bool in_if, const char **term, bool *ok);

static fcmd *parse_if(lexer *l, bool *ok) {
  fcmd *head = NULL, **tail = &head;
  l->depth++;
  l->nest++;
  if (too_deep(l)) return *ok = false, NULL;
  for (;;) {
    fcmd *c = store_zget(sizeof *c, false);
    c->type = FC_IF;
    c->line = l->line;
    if (!(c->cond = parse_or(l))) return *ok = false, NULL;
    const char *w = read_word(l);
    if (strcmp(w, "then") != 0) {
      set_error(l, str_sprintf("\"and\" or \"or\" or \"then\" expected near line %d of filter file, "
                               "but found \"%s\"", l->line, w));
      return *ok = false, NULL;
    }
    const char *term;
    c->then = parse_commands(l, true, &term, ok);
    if (!*ok) return NULL;
    *tail = c;
    tail = &c->next_if;
    if (!*term) {
      set_error(l, "\"endif\" missing at end of filter file");
      return *ok = false, NULL;
    }
    if (strcmp(term, "endif") == 0) {
      l->depth--;
      l->nest--;
      return head;
    }
    if (strcmp(term, "else") == 0) {
      fcmd *e = store_zget(sizeof *e, false);
      e->type = FC_IF;
      e->then = parse_commands(l, true, &term, ok);
      if (!*ok) return NULL;
      *tail = e;
      if (!*term) {
        set_error(l, "\"endif\" missing at end of filter file");
        return *ok = false, NULL;
      }
      if (strcmp(term, "endif") != 0) {
        set_error(l, str_sprintf("\"endif\" missing near line %d of filter file", l->line));
        return *ok = false, NULL;
      }
      l->depth--;
      l->nest--;
      return head;
    }
    /* elif: loop for its condition */
  }
}

static fcmd *parse_commands(lexer *l, bool in_if, const char **term, bool *ok) {
  fcmd *head = NULL, **tail = &head;
  *term = "";
  for (;;) {
    if (!*l->p) return head;
    const char *w = read_word(l);
    bool seen = false, seen_given = false, noerror = false;
    while (strcmp(w, "seen") == 0 || strcmp(w, "unseen") == 0 || strcmp(w, "noerror") == 0) {
      if (w[0] == 'n') {
        noerror = true;
      } else {
        if (seen_given) {
          set_error(l, str_sprintf("\"seen\" or \"unseen\" repeated near line %d", l->line));
          return *ok = false, NULL;
        }
        seen_given = true;
        seen = w[0] == 's';
      }
      w = read_word(l);
      if (!*w) {
        set_error(l, str_sprintf("\"seen\" or \"unseen\" near line %d is not followed by a command",
                                 l->line));
        return *ok = false, NULL;
      }
    }
    if (strcmp(w, "elif") == 0 || strcmp(w, "else") == 0 || strcmp(w, "endif") == 0) {
      if (!in_if) {
        set_error(l, str_sprintf("unexpected \"%s\" command near line %d of filter file", w, l->line));
        return *ok = false, NULL;
      }
      *term = w;
      return head;
    }
    if (strcmp(w, "if") == 0) {
      if (seen_given || noerror) {
        set_error(l, str_sprintf("\"seen\", \"unseen\", or \"noerror\" found before an \"if\" command "
                                 "near line %d", l->line));
        return *ok = false, NULL;
      }
      fcmd *c = parse_if(l, ok);
      if (!*ok) return NULL;
      *tail = c;
      tail = &c->next;
      continue;
    }
    int type = -1;
    for (size_t i = 0; i < sizeof command_names / sizeof command_names[0]; i++)
      if (strcmp(w, command_names[i].name) == 0) type = (int)command_names[i].type;
    if (type < 0) {
      set_error(l, str_sprintf("unknown filtering command \"%s\" near line %d of filter file", w, l->line));
      return *ok = false, NULL;
    }
    fcmd *c = store_zget(sizeof *c, false);
    c->type = (enum fcmd_type)type;
    c->line = l->line;
    c->seen = seen;
    c->seen_given = seen_given;
    c->noerror = noerror;
    switch (c->type) {
    case FC_ADD:
      if (!(c->arg[0] = read_item(l, false))) return *ok = false, NULL;
      if (strcmp(read_word(l), "to") != 0) {
        set_error(l, str_sprintf("\"to\" expected in \"add\" command near line %d of filter file", l->line));
        return *ok = false, NULL;
      }
      if (!(c->arg[1] = read_item(l, false))) return *ok = false, NULL;
      if (!*c->arg[1]) {
        set_error(l, str_sprintf("value missing after \"to\" near line %d of filter file", l->line));
        return *ok = false, NULL;
      }
      break;
    case FC_DELIVER:
      if (!(c->arg[0] = required(l, w))) return *ok = false, NULL;
      if (*l->p != '"') {
        lexer ahead = *l;
        if (strcmp(read_word(&ahead), "errors_to") == 0) {
          read_word(l);
          c->arg[1] = read_word(l);   /* a word, not a quoted item, as exim4 reads it */
        } else {
          /* exim4 keeps the line count of its look-ahead for errors_to
           * (the line ends after the next word count twice). */
          l->line = ahead.line;
        }
      }
      break;
    case FC_SAVE:
    case FC_LOGFILE:
      if (!(c->arg[0] = required(l, w))) return *ok = false, NULL;
      if (!optional_mode(l, c)) return *ok = false, NULL;
      break;
    case FC_PIPE:
    case FC_LOGWRITE:
    case FC_TESTPRINT:
      if (!(c->arg[0] = required(l, w))) return *ok = false, NULL;
      break;
    case FC_FINISH:
      break;
    case FC_FAIL:
    case FC_FREEZE:
    case FC_DEFER: {
      unsigned need = c->type == FC_FAIL ? RDO_FAIL : c->type == FC_FREEZE ? RDO_FREEZE : RDO_DEFER;
      if (!(l->options & (need | RDO_SYSTEM))) {
        set_error(l, str_sprintf("filtering command \"%s\" is disabled: near line %d of filter file",
                                 w, l->line));
        return *ok = false, NULL;
      }
      c->arg[0] = "";
      if (*l->p == '"') {
        if (!(c->arg[0] = read_item(l, false))) return *ok = false, NULL;
      } else if (strcmp(peek_word(l), "text") == 0) {
        read_word(l);
        if (!(c->arg[0] = read_item(l, false))) return *ok = false, NULL;
      }
      break;
    }
    case FC_HEADERS_ADD: {
      const char *sub = required(l, w);
      if (!sub) return *ok = false, NULL;
      if (strcmp(sub, "charset") == 0) {
        c->type = FC_HEADERS_CHARSET;
        if (!(c->arg[0] = headers_value(l))) return *ok = false, NULL;
        break;
      }
      if (!(l->options & RDO_SYSTEM)) {
        set_error(l, str_sprintf("header addition and removal is available only in system filters: "
                                 "near line %d of filter file", l->line));
        return *ok = false, NULL;
      }
      if (strcmp(sub, "add") == 0) c->type = FC_HEADERS_ADD;
      else if (strcmp(sub, "remove") == 0) c->type = FC_HEADERS_REMOVE;
      else {
        set_error(l, str_sprintf("\"add\", \"remove\", or \"charset\" expected after \"headers\" near line %d "
                                 "of filter file", l->line));
        return *ok = false, NULL;
      }
      if (!(c->arg[0] = headers_value(l))) return *ok = false, NULL;
      break;
    }
    case FC_MAIL:
    case FC_VACATION:
      if (c->type == FC_VACATION) {
        c->arg[MK_SUBJECT] = "On vacation";
        c->arg[MK_FILE] = ".vacation.msg";
        c->expand_file = true;
        c->arg[MK_LOG] = ".vacation.log";
        c->arg[MK_ONCE] = ".vacation";
        c->arg[MK_ONCE_REPEAT] = "7d";
      }
      if (!parse_mail(l, c)) return *ok = false, NULL;
      break;
    default:
      break;
    }
    *tail = c;
    tail = &c->next;
  }
}

fcmd *exim_filter_parse(const char *text, unsigned options, const char **error, bool *empty_ok) {
  lexer l = {.p = text, .line = 1, .options = options};
  (void)empty_ok;
  skip_space(&l);
  bool ok = true;
  const char *term;
  fcmd *cmds = parse_commands(&l, false, &term, &ok);
  if (!ok) {
    *error = l.error ? l.error : "syntax error in filter file";
    return NULL;
  }
  *error = NULL;
  return cmds;
}
