/* readconf.h - the runtime configuration file reader (spec chapter 6).
 *
 * readconf_load() reads the file (first existing name of a colon-separated
 * list), handling comments, continuation lines, macros (file, -D, built-in
 * _HAVE_* / _OPT_* / _DRIVER_*), .include / .include_if_exists, the
 * .ifdef family, named lists, the main section and every "begin" section.
 * Option values go through the generic option reader (option.h); driver
 * sections build driver instances (driver.h).  Sections whose content other
 * layers parse (acl, retry, rewrite, local_scan) are kept as logical lines
 * with their source positions.
 *
 * Any error is reported as Exim does
 *     Exim configuration error in line N of FILE:
 *       <what was expected>
 * and the process exits 1: nothing half-loaded ever runs.
 */
#ifndef CONFIG_READCONF_H
#define CONFIG_READCONF_H

#include <stdbool.h>

#include "../base/str.h"

/* One logical line (continuations joined, macros expanded, comment
 * stripped) with its origin. */
typedef struct config_line {
  struct config_line *next;
  const char *text;
  const char *file;
  int line;
} config_line;

typedef enum { NL_DOMAIN, NL_HOST, NL_ADDRESS, NL_LOCALPART, NL__COUNT } named_list_kind;

typedef struct named_list {
  struct named_list *next;
  const char *name;
  const char *value;
  named_list_kind kind;
  bool cache;            /* "_cache" form, or cacheable by Exim's rules */
  bool hide;
  int number;            /* index within its kind, for match caches */
} named_list;

typedef struct macro_item {
  struct macro_item *next;
  const char *name;
  const char *value;
  bool command_line;     /* from -D */
  bool builtin;          /* _HAVE_*, _OPT_*, _DRIVER_* */
} macro_item;

/* Everything the reader produces besides option values. */
typedef struct config_state {
  const char *filename;          /* file actually read */
  const char *directory;         /* its directory, absolute ($config_dir) */
  named_list *lists[NL__COUNT];
  macro_item *macros;            /* file and -D macros, in definition order */
  config_line *acl_lines;        /* "begin acl" content */
  config_line *retry_lines;
  config_line *rewrite_lines;
  config_line *local_scan_lines;
  config_line *all_lines;        /* every logical line, for -bP config;
                                    entries with line 0 are position
                                    markers ("# N \"file\"") */
} config_state;

extern config_state config;

/* Settings the command line passes to the reader. */
typedef struct readconf_args {
  const char *file_list;         /* colon list of names; first that exists */
  macro_item *cmdline_macros;    /* -D, in order */
  bool check_owner;              /* enforce owner/mode rules (spec 6.2) */
} readconf_args;

/* Read and check the whole configuration; on any error report and exit(1). */
void readconf_load(const readconf_args *args);

/* Define a macro from -D ("NAME" or "NAME=value"): `arg` is the text after
 * "-D"; appended to *list.  NULL, or the message Exim prints after "exim: "
 * before exiting (e.g. "duplicated -D in command line"). */
const char *macro_parse_cmdline(const char *arg, macro_item **list);

/* Report a configuration error at the current reading position and exit. */
void config_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Same, at an explicit position (errors found after reading: the acl, retry
 * and rewrite layers report against config_line file/line). */
void config_error_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* An error that has no position (Exim: duplicate instance names, "no
 * driver defined", driver init errors):
 *     Exim configuration error:
 *       TEXT */
void config_error_noline(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Find a named list. */
named_list *named_list_find(named_list_kind kind, const char *name);

/* -bP pieces that belong to the reader: named lists, macros, config. */
void readconf_print_named_list(named_list_kind kind, const char *name, bool admin);
void readconf_print_macros(const char *name /* NULL: all */);
void readconf_print_config(bool admin);

/* The same with Exim's -n handling.  "-bP +NAME": every kind of named list
 * called NAME, or "no address, domain, host, or local part list called ..."
 * (returns false).  Macros: NULL name for all (built-ins first), names_only
 * for macro_list; false when a named macro does not exist (after printing
 * "macro NAME not found").  terse: -n -bP config (no indentation, no blank
 * lines). */
bool readconf_print_named_lists(const char *name, bool no_labels);
bool readconf_print_macros_opt(const char *name, bool names_only, bool no_labels);
void readconf_print_config_opt(bool admin, bool terse);

#endif
