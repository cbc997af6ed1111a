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
  opt_Kint,        /* int counted in K; input may have K/M/G suffix */
  opt_octint,      /* int read as octal, printed with leading 0 */
  opt_fixed,       /* int holding value*1000; "1.5" */
  opt_time,        /* int seconds; "1d2h", printed Exim-style */
  opt_timelist,    /* int[]: [0]=count, then times; colon list */
  opt_uid,         /* uid_t; name or number */
  opt_gid,         /* gid_t; name or number */
  opt_expand_uid,  /* char * expanded later, else uid_t */
  opt_expand_gid,
  opt_uidlist,     /* uid_t[]: [0]=count */
  opt_gidlist,
  opt_rewrite,     /* char * rewrite rules, parsed at read time */
  opt_func,        /* custom: optionlist.aux is an option_func */
  opt_expand_bool, /* opt_expand_bool_val: read like opt_bool ("name",
                      "no_name", "name = true"), but a value containing '$'
                      is kept in .expand for expansion at use time; -bP
                      prints "name = <expand>" when it is set, else the
                      opt_bool form (router more/unseen, smtp multi_domain) */
} opt_type;

/* Storage of opt_expand_bool. */
typedef struct opt_expand_bool_val {
  const char *expand;       /* the setting, when it must be expanded later */
  bool value;               /* the value otherwise */
} opt_expand_bool_val;

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
 * opt_hidden values. */
gstring *option_print(gstring *g, const optionlist *opt, const void *base, bool admin);

/* Helpers shared with other readers. */
const char *option_parse_time(const char *s, int *seconds);   /* NULL or error */
char *option_format_time(int seconds);                        /* "1d2h" / "0s" */
const char *option_parse_int(const char *s, int type, long long *value);

#endif
