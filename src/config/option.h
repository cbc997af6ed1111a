/* option.h - typed option tables and the one generic option reader/printer.
 *
 * Every configurable thing (main section, generic and private driver options,
 * module options) is declared as a table of optionlist entries: name, type
 * and the byte offset of its value inside the struct that owns it.  One
 * reader parses "name = value" / "no_name" lines for all of them and one
 * printer produces Exim's -bP format.  Tables are sorted by name (binary
 * search); test/unit checks that they are.
 */
#ifndef CONFIG_OPTION_H
#define CONFIG_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../base/str.h"

/* Value types (low byte of optionlist.type). */
typedef enum {
  opt_stringptr,   /* char *; "name = value", unset prints "name = " */
  opt_bool,        /* bool; "name" / "no_name"; value may be true/false/yes/no */
  opt_bool_verify, /* router "verify": sets verify_sender and verify_recipient */
  opt_bool_set,    /* bool plus a "was set" flag in the following bool */
  opt_int,         /* int; decimal, 0x hex, leading-0 octal, K/M/G suffix */
  opt_mkint,       /* int; printed with K/M/G suffix when exact */
  opt_Kint,        /* long long counted in K; input may have K/M/G suffix */
  opt_octint,      /* int read as octal, printed with leading 0 */
  opt_fixed,       /* int holding value*1000; "1.5" */
  opt_time,        /* int seconds; "1d2h", printed Exim-style */
  opt_timelist,    /* int *: p[0]=count, then times; colon list, at most
                      OPT_TIMELIST_MAX values, ascending */
  opt_uid,         /* uid_t; name or number */
  opt_gid,         /* gid_t; name or number */
  opt_expand_uid,  /* opt_expand_id: string kept when it contains '$',
                      else the uid */
  opt_expand_gid,  /* opt_expand_id, for a group */
  opt_uidlist,     /* uid_t *: p[0]=count, then the uids (NULL: unset) */
  opt_gidlist,     /* gid_t *: likewise */
  opt_rewrite,     /* char * rewrite rules, parsed at read time */
  opt_func,        /* custom: optionlist.aux is an option_func; the reader passes
                      the unquoted value */
  opt_expand_bool, /* opt_expand_bool_val: read like opt_bool ("name",
                      "no_name", "name = true"), but a value containing '$'
                      is kept in .expand for expansion at use time; -bP
                      prints "name = <expand>" when it is set, else the
                      opt_bool form (router more/unseen, smtp multi_domain) */
} opt_type;

/* opt_bool_verify: the value is two adjacent bools (verify_sender, then
 * verify_recipient) at offset and offset+1; -bP never lists it.
 * opt_bool_set: a bool at offset and its "was set" bool at offset+1. */

#define OPT_TIMELIST_MAX 10

/* Storage of opt_expand_bool. */
typedef struct opt_expand_bool_val {
  const char *expand;       /* the setting, when it must be expanded later */
  bool value;               /* the value otherwise */
} opt_expand_bool_val;

/* Storage of opt_expand_uid / opt_expand_gid. */
typedef struct opt_expand_id {
  const char *expand;       /* the setting, when it must be expanded later */
  unsigned long id;         /* uid or gid when set and not expanded */
  bool set;                 /* id is valid */
  bool numeric;             /* given as a number, not a name (a user given
                               by name also gives its group, as in Exim) */
} opt_expand_id;

#define opt_mask    0x00ffu
#define opt_hidden  0x0100u  /* value hidden from non-admin -bP ("hide") */
#define opt_public  0x0200u  /* driver generic option (offset into the instance) */
#define opt_secure  0x0400u  /* always shown as <value not displayable> to non-admins */
#define opt_rep_con 0x0800u  /* repeated setting concatenates with a newline */
#define opt_rep_str 0x1000u  /* repeated setting concatenates as a list */
#define opt_set     0x2000u  /* set in the configuration (runtime flag in the copy) */
#define opt_unprintable 0x4000u /* never printed by a bare -bP (only when named) */

struct optionlist;
typedef struct option_func {
  /* Parse `value` for `opt` into `base`; return NULL or an error text. */
  const char *(*read)(const struct optionlist *opt, void *base, const char *value);
  /* Append the -bP text for the option (without trailing newline). */
  gstring *(*print)(gstring *g, const struct optionlist *opt, const void *base);
} option_func;

typedef struct optionlist {
  const char *name;
  unsigned type;            /* opt_type | flags */
  size_t offset;            /* of the value inside the owning struct */
  const char *feature;      /* build feature it needs (see modules.h), or NULL */
  const option_func *aux;   /* for opt_func */
} optionlist;

/* A table together with the struct its offsets point into. */
typedef struct option_table {
  const optionlist *list;
  size_t count;
  void *base;
  bool *set;                /* optional parallel array: was option i set? */
} option_table;

#define OPT_OFF(type, field) offsetof(type, field)
#define OPT_COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/* Find an option by name in several tables; returns the entry and sets
 * *which to the index of its table. */
const optionlist *option_find(const option_table *tabs, int ntabs, const char *name, int *which);

/* Parse one option setting (the whole logical line, e.g. "no_foo" or
 * "foo = bar").  `where` is the section or driver ("main", "dnslookup
 * router") used in messages.  Returns:
 *   NULL          the option was set
 *   OPTION_UNKNOWN (a static marker) the name is in none of the tables
 *   other         an error text ("unknown", "malformed", ...) already phrased
 *                 as Exim phrases it, for the caller to report with file/line
 */
extern const char OPTION_UNKNOWN[];
const char *option_read_line(const option_table *tabs, int ntabs, const char *line, const char *where);

/* Append the -bP line for one option (no newline).  `admin` false hides
 * opt_hidden/opt_secure values and options set with "hide".  Appends
 * nothing for opt_bool_verify (never listed).  option_print_value() is the
 * "-bP -n" form: the value alone for non-boolean options. */
gstring *option_print(gstring *g, const optionlist *opt, const void *base, bool admin);
gstring *option_print_value(gstring *g, const optionlist *opt, const void *base, bool admin);
/* Set by -bP -n while other layers' printers run: option_print() then
 * behaves as option_print_value(). */
extern bool option_print_no_labels;

/* The option name of a setting line (after any "hide"), for messages such
 * as 'main option "NAME" unknown'. */
char *option_line_name(const char *line);
/* Forget every "set" and "hide" mark (re-reading the configuration). */
void option_reset_state(void);

/* True when `opt` was given the "hide" prefix in the configuration (this
 * hides it for every instance of a driver, as in Exim). */
bool option_is_hidden(const optionlist *opt);
/* True when the option at `base` was set by the configuration. */
bool option_was_set(const optionlist *opt, const void *base);
/* NULL when the option's build feature (if any) is on, else the error text
 * 'option "NAME" is not available in this build (needs ...)'. */
const char *option_feature_error(const optionlist *opt);
/* Render a value as -bP shows it: \n \r \t \f \b \v, other control and
 * top-bit bytes as \ooo. */
char *option_printing(const char *s);

/* Helpers shared with other readers. */
/* A string value as written: as is, or "quoted" with backslash escapes
 * (spec 6.17); NULL and *err ("missing quote at end of string value for
 * NAME", ...) when malformed. */
char *option_string_value(const char *v, const char *name, const char **err);
const char *option_parse_time(const char *s, int *seconds);   /* NULL or error */
char *option_format_time(int seconds);                        /* "1d2h" / "0s" */
/* Parse a number as option type `type` (opt_int, opt_mkint, opt_Kint,
 * opt_octint, opt_fixed); NULL or an error text naming "value". */
const char *option_parse_int(const char *s, int type, long long *value);
/* K/M suffix form of -bP for opt_mkint ("100K", "1024M") and opt_Kint. */
char *option_format_mkint(long long n);
char *option_format_Kint(long long n);
/* "1.5" form of a fixed-point value (value*1000). */
char *option_format_fixed(int n);

#endif
