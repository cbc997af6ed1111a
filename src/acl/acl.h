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
 * in force (NULL when none).  acl_text NULL: no ACL is set (the caller
 * decides what that means: RCPT and non-SMTP deny, others accept). */
int acl_check(acl_where where, const char *recipient, const char *acl_text,
              const char **user_msg, const char **log_msg);

/* Parse every ACL of "begin acl" (from config.acl_lines) and check the
 * ACL options of the main section: called once after the configuration
 * has been read.  NULL or an error text in config_error form (file, line). */
const char *acl_read_config(void);

/* Per-message and per-connection variables: $acl_m* are cleared for each
 * new message (acl_reset_message), $acl_c* live for the connection. */
void acl_reset_message(void);

#endif
