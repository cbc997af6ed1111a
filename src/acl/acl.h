/* acl.h - the access control list engine (spec chapter 44): what the SMTP
 * server, reception and ${acl} call.
 *
 * An ACL is named by an option value that is either the name of an ACL in
 * "begin acl", an inline ACL (a value holding a space: "accept hosts = :"),
 * or a file name (absolute path) holding one; the value is expanded first.
 * acl_check() runs it for one place ("where") and gives the verb's result;
 * the texts from message= and log_message= come back for the caller to use
 * in the response and log lines (smtp_acl_reply() in smtp_in.h does that
 * for SMTP).
 *
 * Must never: accept by accident.  A condition or modifier that this build
 * does not have, an unknown ACL, an expansion failure: ACL_ERROR (the
 * caller answers 451 and writes a panic-log line) or a configuration error
 * at load time where Exim reports one then.
 */
#ifndef ACL_ACL_H
#define ACL_ACL_H

#include <stdbool.h>

/* Where an ACL runs.  The order is fixed: acl_where_name[] and the tables
 * of allowed conditions/modifiers are indexed by it. */
typedef enum {
  ACL_WHERE_RCPT,       /* first: $recipients and some conditions only here */
  ACL_WHERE_MAIL,
  ACL_WHERE_PREDATA,
  ACL_WHERE_MIME,
  ACL_WHERE_DKIM,
  ACL_WHERE_DATA,
  ACL_WHERE_PRDR,
  ACL_WHERE_NOTSMTP,
  ACL_WHERE_AUTH,
  ACL_WHERE_CONNECT,
  ACL_WHERE_ETRN,
  ACL_WHERE_EXPN,
  ACL_WHERE_HELO,
  ACL_WHERE_MAILAUTH,
  ACL_WHERE_NOTSMTP_START,
  ACL_WHERE_NOTQUIT,
  ACL_WHERE_QUIT,
  ACL_WHERE_STARTTLS,
  ACL_WHERE_VRFY,
  ACL_WHERE_DELIVERY,
  ACL_WHERE_UNKNOWN,
  ACL_WHERE_COUNT
} acl_where;

/* Upper-case names as Exim logs them: "RCPT", "MAIL", "DATA", "non-SMTP"... */
extern const char *const acl_where_name[ACL_WHERE_COUNT];

/* Results. */
enum {
  ACL_OK,        /* accept (or no ACL set where that means accept) */
  ACL_FAIL,      /* deny / require failed */
  ACL_DEFER,     /* defer, or a temporary error in a condition */
  ACL_DISCARD,   /* discard */
  ACL_ERROR,     /* configuration or expansion error: 451 and panic log */
  ACL_FAIL_DROP, /* drop: reject and close the connection */
};

/* Run the ACL named/given by acl_text for where.  recipient is the address
 * for RCPT (and $local_part/$domain are set from it), else NULL.  On
 * return *user_msg and *log_msg hold the message= and log_message= texts
 * in force (NULL when none); with ACL_ERROR *log_msg is the error text.
 * acl_text NULL: no ACL is set, and the result is spec 44.14's default:
 * ACL_FAIL for RCPT, VRFY, EXPN and ETRN, ACL_OK for the others. */
int acl_check(acl_where where, const char *recipient, const char *acl_text,
              const char **user_msg, const char **log_msg);

/* Parse every ACL of "begin acl" (from config.acl_lines) and check the
 * ACL options of the main section: called once after the configuration
 * has been read.  NULL or an error text in config_error form (file, line). */
const char *acl_read_config(void);

/* Per-message and per-connection variables: $acl_m* are cleared for each
 * new message (acl_reset_message), $acl_c* live for the connection. */
void acl_reset_message(void);

/* The logs an ACL rejection goes to (log_reject_target modifier of the
 * last acl_check): LOG_MAIN|LOG_REJECT by default; 0 means not logged. */
unsigned acl_log_reject_target(void);

/* -bh commentary: the ">>> processing ..." lines on stderr.  The SMTP
 * layer turns it on for host checking. */
void acl_set_trace(bool on);
/* Whether that commentary is on (VRFY/EXPN routing adds to it). */
bool acl_trace_on(void);

/* ${acl {name}{arg1}...}: run the ACL with $acl_arg1.. set; *result gets
 * the message text.  Returns the ACL_* result (ACL_ERROR: *result is the
 * error text). */
int acl_eval_expansion(const char *name, const char *const *args, int nargs, const char **result);
/* "OK", "FAIL", "DEFER", "DISCARD", "ERROR", "FAIL_DROP" (as ${acl} failures name them). */
const char *acl_result_name(int rc);

/* ---------------------------------------------------------------------
 * Registration: optional parts add conditions, modifiers and controls.
 * ------------------------------------------------------------------- */

struct acl_ctx;     /* one running ACL (opaque outside src/acl) */
struct acl_item;    /* one condition/modifier of a statement */

/* Definition flags. */
#define ACD_MODIFIER   0x01u   /* a modifier: runs, never "fails" on its own */
#define ACD_NOEXPAND   0x02u   /* the argument is passed unexpanded */
#define ACD_NOARG      0x04u   /* no "= value" (endpass) */
#define ACD_SETVAR     0x08u   /* "set NAME = value" */
#define ACD_NONEG      0x10u   /* "!" is not allowed */

/* Where a condition may be used: a mask of ACL_WHERE_BIT(w). */
#define ACL_WHERE_BIT(w) (1u << (w))
#define ACL_WHERE_ALL ((1u << ACL_WHERE_COUNT) - 1u)

typedef struct acl_cond_def {
  const char *name;
  unsigned flags;
  unsigned allowed;      /* the ACLs it may be used in */
  /* arg: the expanded argument (raw with ACD_NOEXPAND).  Returns ACL_OK
   * (true / done), ACL_FAIL (false), ACL_DEFER, ACL_ERROR (after
   * acl_error()), or ACL_DISCARD / ACL_FAIL_DROP (a nested ACL). */
  int (*run)(struct acl_ctx *ctx, const struct acl_item *it, const char *arg);
  /* Optional check at load time of the unexpanded argument: NULL or the
   * error text (reported with file and line). */
  const char *(*check)(const char *arg);
} acl_cond_def;

/* A control (control = name/options): apply it for the running ACL.
 * opts: the text after the name ("" or "/..."); returns ACL_OK or
 * ACL_ERROR after acl_error(). */
typedef struct acl_control_def {
  const char *name;
  unsigned allowed;      /* the ACLs it may be used in */
  bool takes_options;    /* "/..." or "=..." may follow the name */
  int (*apply)(struct acl_ctx *ctx, const char *opts);
} acl_control_def;

/* Arrays terminated by an entry whose name is NULL; kept by pointer. */
void acl_register_conditions(const acl_cond_def *defs);
void acl_register_controls(const acl_control_def *defs);

/* For runners: set the error text of an ACL_ERROR and return ACL_ERROR;
 * where the ACL runs; the texts a failing condition supplies (NULL keeps). */
int acl_error(struct acl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
acl_where acl_ctx_where(const struct acl_ctx *ctx);
void acl_ctx_set_messages(struct acl_ctx *ctx, const char *user_msg, const char *log_msg);

#endif
