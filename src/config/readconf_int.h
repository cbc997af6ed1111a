/* readconf_int.h - interfaces shared by the configuration reader's own files
 * (readconf.c, confline.c, macro.c); nothing outside src/config/ includes it.
 *
 * confline.c turns the file into logical lines (includes, continuations,
 * comments, .ifdef family, macro substitution of physical lines); macro.c
 * owns the macro list (file, -D and built-in macros); readconf.c drives the
 * sections.  Must never: be used after readconf_load() returns, except the
 * printing entry points of readconf.h.
 */
#ifndef CONFIG_READCONF_INT_H
#define CONFIG_READCONF_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "readconf.h"

/* ---- confline.c ---- */

/* Start reading `f`, already open, named `filename`; relative .include names
 * are resolved against `directory`. */
void cl_start(FILE *f, const char *filename, const char *directory);
/* The next logical line (continuations joined, comments and skipped
 * conditional lines dropped, macros substituted), leading and trailing white
 * space removed; NULL at the end of the file.  The string lives in the
 * permanent pool and is also recorded in config.all_lines. */
const char *cl_next(void);
/* Where the reader is: file and line number of the last physical line read. */
const char *cl_file(void);
int cl_line(void);

/* ---- macro.c ---- */

/* Substitute macros in one physical line `s` (leading white space already
 * skipped).  `logical_start` is true when `s` starts a logical line: then a
 * leading "NAME =" (a macro definition) is not substituted.  Returns the new
 * text (current pool) and sets *found when anything was replaced. */
char *macro_substitute(const char *s, bool logical_start, bool *found);
/* Handle a "NAME = value" / "NAME == value" logical line. */
void macro_read_assignment(const char *s);
/* Adopt the -D macros of readconf_args (in order), forgetting earlier file
 * macros (a fresh load). */
void macro_init(macro_item *cmdline);
/* Make sure the built-in macros exist (they are made on first need). */
void macro_builtins_create(void);

/* ---- readconf.c ---- */

/* A macro definition error: as config_error() (with_line) or
 * config_error_noline(), but logged as Exim does for these (panic, then
 * exit 1). */
void config_error_macro(bool with_line, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Read a name as Exim does: letters first, then letters, digits and
 * underscores, at most `max` characters kept; white space around is skipped.
 * Returns the name (current pool) and sets *rest to what follows. */
char *readconf_readname(const char *s, size_t max, const char **rest);

#define READCONF_NAME_MAX 63   /* longest driver/ACL/macro name kept */

#endif
