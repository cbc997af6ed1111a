/* retry.h - retry rules (spec chapter 32: the "begin retry" section) and
 * the retry hints database (db/retry, Exim's record layout), and -brt.
 *
 * Entry points: retry_read_config() (from readconf, errors with file and
 * line), retry_find_rule(), retry_next_time(), retry_db_* (hints), and
 * retry_test_main() (-brt).
 * Must never: lose a retry record's first-failure time when updating it;
 * treat a missing database as an error (no records means "try now").
 */
#ifndef DELIVER_RETRY_H
#define DELIVER_RETRY_H

#include <stdbool.h>
#include <time.h>

#include "../config/readconf.h"
#include "addr.h"

/* One parameter set of a rule: F,2h,15m  G,16h,1h,1.5  H,... */
typedef struct retry_param {
  char algorithm;               /* 'F', 'G' or 'H' */
  int until;                    /* seconds from the first failure */
  int p1;                       /* interval (F) or initial interval (G, H) */
  double p2;                    /* multiplier (G, H) */
} retry_param;

typedef struct retry_rule {
  struct retry_rule *next;
  const char *pattern;          /* address or domain pattern */
  const char *senders;          /* senders=... or NULL */
  int basic_errno;              /* 0 = any; ERRNO_* or a real errno class */
  int more_errno;               /* qualifier (e.g. timeout_connect A/MX, 4xx code) */
  const char *error_name;       /* as written, for -brt and -bP retry */
  retry_param *params;
  int nparams;
  const char *file;             /* where it was defined */
  int line;
} retry_rule;

/* Parse the retry section (config.retry_lines); exits with Exim's
 * configuration error text (file and line) on a bad rule. */
void retry_read_config(void);

/* The first rule whose pattern matches key (an address, a domain or a host
 * name) or else domain (may be NULL), whose error covers basic/more_errno,
 * and whose senders list (if any) matches sender (NULL: unknown, such rules
 * never match); NULL when none matches: the temporary error is then
 * treated as permanent (spec 32). */
const retry_rule *retry_find_rule(const char *key, const char *domain, int basic_errno,
                                  int more_errno, const char *sender);

/* A retry record in the hints database (Exim's dbdata_retry). */
typedef struct retry_record {
  time_t time_stamp;            /* hints_header */
  int basic_errno;
  int more_errno;
  time_t first_failed;
  time_t last_try;
  time_t next_try;
  bool expired;
  char text[512];               /* the last error message */
} retry_record;

/* The interval a parameter set gives after an interval of last_interval
 * seconds (0 for the first failure): F its fixed interval; G the first
 * interval multiplied until it exceeds last_interval; H a random value
 * between the first interval and that. */
long retry_next_interval(const retry_param *p, long last_interval);

/* Read the record for key ("R:domain", "R:local@domain", "T:host:ip");
 * false when there is none.  */
bool retry_db_read(const char *key, retry_record *out);

/* After a temporary failure of `a` at time now: update (or create) its
 * record from the rule that matches, computing next_try; sets
 * a->retry_time and returns true when the rule's time has run out (the
 * address must now be failed: "retry timeout exceeded"; a->user_message
 * is then "<the error>: retry timeout exceeded" for the bounce, as exim's
 * reads, and af_retry_timedout is set). */
bool retry_db_defer(address_item *a, const char *key, time_t now);

/* After a success: delete the record(s) for a. */
void retry_db_success(const address_item *a);

/* Whether a's retry time has come (no record, or next_try passed, or
 * forced).  Sets af_retry_skipped when not. */
bool retry_due(address_item *a, bool forced, time_t now);

/* -brt address|domain [domain] [error]: prints the matching rule as Exim
 * does; exit code.  argv holds the arguments after -brt; sender is the -f
 * address (NULL when -f was not given: rules with senders= never match). */
int retry_test_main(int argc, char **argv, const char *sender);

/* more_errno bits for ECONNREFUSED and ETIMEDOUT errors (the smtp
 * transport sets them): the host came from an MX record (RTEF_MX) or not
 * (RTEF_A); the timeout was while connecting (RTEF_CTOUT).  For quota
 * errors (ERRNO_EXIMQUOTA, ENOSPC) more_errno is the number of seconds
 * since the mailbox was last read, 0 when unknown (quota_<time> rules). For
 * ERRNO_RCPT4XX/MAIL4XX/DATA4XX it is the SMTP code (e.g. 452). */
#define RTEF_MX 0x01
#define RTEF_A 0x02
#define RTEF_CTOUT 0x04

/* An error name of spec 32.5 ("*", "quota_4d", "rcpt_45x", "timeout_A"...)
 * into basic/more errno as rules hold them; NULL or the error text. */
const char *retry_parse_error(const char *name, int *basic, int *more);

/* The rule as -brt prints it after "Retry rule: ". */
char *retry_format_rule(const retry_rule *r);

/* All rules, in order (NULL: none). */
const retry_rule *retry_rules(void);

/* The rules, one per line in -brt's format (exim 4.96 has no -bP retry;
 * this is for debugging output). */
void retry_print_config(void);

#endif
