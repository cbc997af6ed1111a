/* filter_int.h - what the files of src/filter share: the parsed form of an
 * Exim filter (exim_filter_parse.c builds it, exim_filter.c and
 * exim_filter_cond.c run it), the Sieve entry point, the helpers for
 * generated addresses, test-mode printing and address lists.
 *
 * Must never: be included outside src/filter.
 */
#ifndef FILTER_FILTER_INT_H
#define FILTER_FILTER_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"

/* ---- shared helpers (filter.c) ---- */

/* True while -bf/-bF runs the filter (ctx->options & RDO_TESTING). */
extern bool filter_testing;
/* -v given with -bf: trace conditions / Sieve actions on stderr. */
extern bool filter_verbose;

/* Text as -bf shows it: newline as "\n", carriage return as "\r", other
 * non-printing bytes (tab excepted) as "\ooo". */
char *filter_printing(const char *s);

/* The current recipient's address (parent, or the -bf envelope), "" for
 * the system filter. */
const char *filter_user_address(const filter_ctx *ctx);

/* New generated address appended to ctx->generated: a child of
 * ctx->parent, or a top-level address for the system filter. */
address_item *filter_generate(filter_ctx *ctx, const char *address);

/* Replace the message's header block seen by the expansion layer (system
 * filter "headers add/remove"). */
void filter_headers_add(filter_ctx *ctx, const char *text);
void filter_headers_remove(filter_ctx *ctx, const char *list);

/* ---- address lists (filter_addr.c: kept apart from addr.h, whose
 * address_item is a different type from address.h's) ---- */

/* Call fn for each working address of an RFC 2822 address list (header
 * form, groups allowed); stop when fn returns true.  Returns whether fn
 * returned true.  Items that do not parse are skipped (and reported in
 * verbose mode). */
bool filter_each_address(const char *list, bool (*fn)(const char *address, void *arg), void *arg);
/* The working address of a single mailbox ("Name <a@b>"), NULL and
 * *error on failure; *qualified false when it has no domain. */
const char *filter_one_address(const char *mailbox, const char **error, bool *qualified);
/* A display name made fit for "Name <address>" (address_fix_phrase). */
const char *filter_fix_phrase(const char *phrase);

/* ---- Exim filter ---- */

typedef struct fstrlist {
  struct fstrlist *next;
  const char *s;
} fstrlist;

/* filter_personal.c: the user's addresses ($local_part@$domain, and with
 * the prefix and suffix), and the personal-mail check shared by the Exim
 * filter's "personal" and Sieve's vacation (to_mine: addresses looked for
 * in To: (and Cc:, Bcc: when cc_bcc); from_mine: the user's own, refused
 * in From:). */
fstrlist *filter_user_addresses(void);
bool filter_personal(const fstrlist *to_mine, const fstrlist *from_mine, bool cc_bcc);

enum fcmd_type {
  FC_ADD, FC_DEFER, FC_DELIVER, FC_FAIL, FC_FINISH, FC_FREEZE, FC_HEADERS_ADD,
  FC_HEADERS_CHARSET, FC_HEADERS_REMOVE, FC_IF, FC_LOGFILE, FC_LOGWRITE, FC_MAIL,
  FC_PIPE, FC_SAVE, FC_TESTPRINT, FC_VACATION
};

enum fcond_type {
  FCO_AND, FCO_OR, FCO_NOT, FCO_DELIVERED, FCO_ERROR_MESSAGE, FCO_FIRST_DELIVERY,
  FCO_MANUALLY_THAWED, FCO_PERSONAL, FCO_FORANY,
  FCO_IS, FCO_CONTAINS, FCO_BEGINS, FCO_ENDS, FCO_MATCHES, FCO_ABOVE, FCO_BELOW
};

typedef struct fcond {
  enum fcond_type type;
  bool negated;           /* "does not" / "is not" forms */
  bool caseful;           /* the relation was written in upper case */
  struct fcond *left, *right;   /* AND/OR; NOT and FORANY use left */
  const char *a, *b;      /* string / numeric operands (unexpanded) */
  fstrlist *aliases;      /* personal alias ... */
  const char *optext;     /* the relation as the -v trace shows it ("IS not") */
} fcond;

/* Mail / vacation keywords, in the order -bf prints them. */
enum {
  MK_TO, MK_CC, MK_BCC, MK_FROM, MK_REPLY_TO, MK_SUBJECT, MK_EXTRA_HEADERS, MK_TEXT,
  MK_FILE, MK_LOG, MK_ONCE, MK_ONCE_REPEAT, MK_COUNT
};
extern const char *const filter_mail_keys[MK_COUNT];

typedef struct fcmd {
  struct fcmd *next;
  enum fcmd_type type;
  bool seen, seen_given, noerror;
  int line;
  const char *arg[MK_COUNT];    /* arguments; mail uses all, others arg[0..2] */
  bool expand_file, return_message;
  /* if: condition and then-commands, then the elif/else chain in next_if
   * (an FC_IF with cond NULL is the else part). */
  fcond *cond;
  struct fcmd *then;
  struct fcmd *next_if;
} fcmd;

/* Parse an Exim filter (text after its "# Exim filter" line is fine to
 * include); NULL with *error on a syntax error. */
fcmd *exim_filter_parse(const char *text, unsigned options, const char **error, bool *empty_ok);

/* Run state shared by exim_filter.c and exim_filter_cond.c. */
typedef struct frun {
  filter_ctx *ctx;
  int depth;                /* if-nesting, for the -v trace */
  bool finished;
  filter_result stop;       /* FF_FAIL/FF_FREEZE/FF_DEFER when ended by one */
  const char *error;
  int log_fd;               /* logfile (non-testing), opened by the first logwrite, or -1 */
  const char *log_name;
  int log_mode;
} frun;

/* Evaluate a condition; -1 on error (r->error set). */
int exim_filter_cond(frun *r, const fcond *c);
/* Trace text of a condition (-v). */
const char *exim_filter_cond_text(const fcond *c);
/* Expand s for the named command; NULL with r->error set. */
const char *exim_filter_expand(frun *r, const char *s, const char *what);

/* Exim filter interpreter (exim_filter.c). */
filter_result exim_filter_interpret(const char *text, filter_ctx *ctx);

/* ---- Sieve (sieve.c) ---- */
filter_result sieve_interpret(const char *text, filter_ctx *ctx);

#endif
