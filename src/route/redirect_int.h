/* redirect_int.h - inside the redirect router: the parser of non-filter
 * redirection lists (spec 22.4-22.6, redirect_list.c), kept apart from
 * address_item (addr.h) so that it can use the header address parser.
 */
#ifndef ROUTE_REDIRECT_INT_H
#define ROUTE_REDIRECT_INT_H

#include <stdbool.h>

#include "../base/str.h"

typedef enum { RDI_ADDRESS, RDI_PIPE, RDI_FILE } rd_item_kind;

/* One generated item, in list order. */
typedef struct rd_item {
  struct rd_item *next;
  rd_item_kind kind;
  const char *text;     /* working address (maybe unqualified), "|cmd" or "/path" */
  bool backslash;       /* "\local": qualify with the incoming domain */
  bool qualified;       /* the address has a domain */
} rd_item;

/* What a list parse yields. */
enum { RDL_OK, RDL_DECLINE, RDL_FAIL, RDL_DEFER, RDL_ERROR };

typedef struct rd_list {
  /* In: what the router allows. */
  bool allow_fail, allow_defer, forbid_blackhole, forbid_include, skip_syntax_errors;
  const char *include_directory;
  bool missing_include_ends;    /* -bf: an :include: file that does not
                                   exist silently ends the list (exim4) */
  const char *router_name;      /* for the "skipped error" log lines */
  const char *log_id;           /* the message id they carry (delivery), or NULL */
  bool defer_logging;           /* collect them in log_lines instead (a child
                                   that may not write the log) */
  gstring *log_lines;
  /* Out. */
  rd_item *items;
  bool blackhole;               /* :blackhole: seen */
  const char *text;             /* :fail: / :defer: text, or the error (RDL_ERROR) */
  int skipped;                  /* items skipped for syntax errors */
  gstring *skipped_text;        /* the errors as the syntax_errors_to message lists them */
} rd_list;

/* Parse redirection data (not a filter) into l.  Returns RDL_OK (items,
 * maybe none, and maybe blackhole), RDL_DECLINE (:unknown:), RDL_FAIL /
 * RDL_DEFER (:fail: / :defer: with their text) or RDL_ERROR (l->text says
 * what, in Exim's words, without the "error in redirect data: " prefix). */
int rd_parse_list(const char *data, rd_list *l);

/* The same in a child process running as uid/gid when this one has other
 * privileges (redirect_child.c), so that :include: files are read with the
 * user's rights; RDL_ERROR with *error when the child fails. */
#include <sys/types.h>
int redirect_list_as_user(const char *data, rd_list *l, uid_t uid, gid_t gid, const char **error);

#endif
