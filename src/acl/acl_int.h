/* acl_int.h - what the files of the ACL engine share: the parsed form of
 * an ACL, the evaluation context, the core tables and the -bh commentary.
 *
 *   acl.c            evaluation (acl_check, acl = nesting, ${acl}), lookup
 *                    of named, inline and file ACLs
 *   acl_read.c       parsing "begin acl", inline and file ACLs
 *   acl_register.c   the table of conditions/modifiers/controls
 *   acl_conditions.c, acl_modifiers.c, acl_controls.c, acl_verify.c,
 *   acl_ratelimit.c, acl_seen.c   the conditions and modifiers themselves
 *                    (ratelimit and seen keep their data in src/hints)
 *   acl_trace.c      the -bh commentary
 *
 * Nothing outside src/acl includes this file.
 */
#ifndef ACL_ACL_INT_H
#define ACL_ACL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "acl/acl.h"
#include "base/str.h"

/* Verbs, in Exim's alphabetical order. */
typedef enum {
  ACL_VERB_ACCEPT, ACL_VERB_DEFER, ACL_VERB_DENY, ACL_VERB_DISCARD,
  ACL_VERB_DROP, ACL_VERB_REQUIRE, ACL_VERB_WARN, ACL_VERB_COUNT
} acl_verb;
extern const char *const acl_verb_names[ACL_VERB_COUNT];

/* One condition or modifier of a statement. */
typedef struct acl_item {
  struct acl_item *next;
  const acl_cond_def *def;
  bool negated;
  const char *arg;          /* the text after "=" (unexpanded) */
  const char *varname;      /* "set": the variable name */
} acl_item;

/* One statement: a verb and its conditions/modifiers. */
typedef struct acl_stmt {
  struct acl_stmt *next;
  acl_verb verb;
  acl_item *items;
  const char *file;         /* where it was defined (trace) */
  int line;
} acl_stmt;

/* The context of one running ACL (nested ACLs get their own). */
typedef struct acl_ctx {
  acl_where where;
  const char *recipient;      /* RCPT address, or NULL */
  const char *acl_name;       /* for the commentary */
  int level;                  /* nesting level, 0 outermost */
  const char *message;        /* message = ... seen in the current statement */
  const char *log_message;    /* log_message = ... */
  const char **user_msg;      /* outputs, shared with nested ACLs: the texts */
  const char **log_msg;       /* in force (a nested ACL's stay unless replaced) */
  const char *error;          /* ACL_ERROR text */
  acl_verb verb;              /* of the statement being evaluated */
  bool nested_drop;           /* a nested ACL returned "drop" in this statement */
} acl_ctx;

/* Maximum nesting of "acl =" / ${acl} (Exim: 20). */
#define ACL_MAX_NESTING 20

/* The registry (acl_register.c). */
const acl_cond_def *acl_cond_find(const char *name, size_t len);
const acl_control_def *acl_control_find(const char *name, size_t len);
extern const acl_cond_def acl_conditions_core[];
extern const acl_cond_def acl_modifiers_core[];
extern const acl_cond_def acl_verify_defs[];
extern const acl_cond_def acl_ratelimit_defs[];
extern const acl_cond_def acl_seen_defs[];
/* The per-message cache of ratelimit results ends with the message. */
void acl_ratelimit_reset_message(void);
extern const acl_control_def acl_controls_core[];

/* Reading (acl_read.c).  acl_parse_text: an inline ACL or a file's
 * content; NULL with *error on a syntax error (an empty ACL is a valid,
 * empty list: *error stays NULL). */
acl_stmt *acl_parse_text(const char *text, const char *file, int line, const char **error);
/* An inline ACL (an option value or ${acl} argument): positions are the
 * configuration file's last line, as Exim shows them. */
acl_stmt *acl_parse_inline(const char *text, const char **error);
/* A named ACL from "begin acl" (found = false when there is none). */
acl_stmt *acl_named_find(const char *name, bool *found);
/* Read and parse an ACL file, cached for the life of the process;
 * *fresh tells whether it was read now. */
acl_stmt *acl_file_load(const char *path, bool *fresh, const char **error);

/* Evaluation (acl.c): run the ACL named/given by text at nesting level
 * `level`.  args (non-NULL) set $acl_arg1..9 and $acl_narg for its
 * duration.  *user_msg / *log_msg are updated in place (the caller sets
 * them up, NULL for a top-level run). */
int acl_run(acl_where where, const char *recipient, const char *text, int level,
            const char *const *args, int nargs, const char **user_msg, const char **log_msg);


/* -bh commentary (acl_trace.c).  acl_trace writes ">>> " + nesting
 * indent + text + newline on stderr when on. */
extern bool acl_tracing;
void acl_trace(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* $local_part/$domain of a RCPT address (acl.c), lower-cased unless
 * caseful (the local part). */
void acl_split_recipient(const char *recipient, bool caseful, const char **lp, const char **dom);

/* The message id for log lines written in an ACL at `w` (NULL: none). */
const char *acl_log_id(acl_where w);

/* log_reject_target modifier -> acl_log_reject_target() */
void acl_set_log_reject_target(unsigned bits);
/* control = ... (acl_controls.c) */
int acl_run_control(acl_ctx *ctx, const acl_item *it, const char *arg);
/* verify = recipient / sender / header_sender (acl_verify_addr.c): what
 * is "recipient", "sender" or "header_sender", arg the whole argument
 * (with "=address" and "/options").  acl_pending_sender_log: the "sender
 * verify fail/defer for <x>: ..." line, written by the statement that
 * rejects because of it (then acl_sender_log_told(): once per sender). */
int acl_verify_address(acl_ctx *ctx, const char *what, const char *arg);
extern const char *acl_pending_sender_log;
/* The lines a failed sender verification puts in front of the rejection's
 * text ("Verification failed for <x>\n<reason>"), whatever message= says,
 * as exim4 does; NULL with /no_details. */
extern const char *acl_pending_sender_detail;
void acl_sender_log_told(void);
/* A new message: the cached sender verification result is dropped. */
void acl_verify_reset_message(void);

/* verify = csa[/domain] (acl_verify_csa.c); opts: "/domain" or NULL */
int acl_verify_csa(acl_ctx *ctx, const char *opts);
/* dnslists = ... (acl_dnslist.c) */
int acl_dnslists_run(acl_ctx *ctx, const acl_item *it, const char *arg);

/* Expand a time ("30s", "1d") for delay/ratelimit/seen: seconds or -1. */
int acl_parse_time(const char *s);

#endif
