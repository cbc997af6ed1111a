/* deliver.h - the delivery process (spec chapters 3.4-3.14, 47, 50, 53,
 * 57): load a message from the spool, run the system filter, route every
 * undelivered recipient, run local transports in children under the right
 * uid/gid, record outcomes in the -J journal and the msglog, log the
 * "=>", "->", "**", "==" and "Completed" lines, rewrite -H, send bounces
 * and delay warnings, and remove the message when nothing is left.
 *
 * Entry points: deliver_message() (one message: -M, -q, after reception),
 * deliver_after_reception() (what the receiving process does for
 * -odi/-odb/-odq/queue_only), deliver_current (the message a transport
 * writes).
 *
 * Must never: deliver twice what the -J journal or -H records as done;
 * deliver from a truncated or corrupt spool file (it is logged and left in
 * place); run a transport as root when the user is in never_users.
 */
#ifndef DELIVER_DELIVER_H
#define DELIVER_DELIVER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "../spool/spool.h"
#include "addr.h"
#include "deliver_start.h"

/* The message being delivered, as the delivery process holds it. */
typedef struct deliver_msg {
  spool_msg m;                  /* the -H file (recipients, headers, ...) */
  const char *spool_directory;
  bool split;                   /* split_spool_directory: id's 6th char subdir */
  const char *queue_name;       /* "" for the default queue */
  int data_fd;                  /* the -D file, open and write-locked (fcntl) */
  off_t body_offset;            /* where the body starts (after "<id>-D\n") */
  long body_size;               /* bytes of body ($message_body_size) */
  FILE *msglog;                 /* msglog/<id>, opened by deliver_message */
  int journal_fd;               /* -J journal, -1 until something is delivered */
  const char *frozen_reason;    /* set when the message gets frozen in this run */
  bool system_filter_done;
  bool keep_firsttime;          /* frozen by a refused failure report: exim4
                                   leaves -deliver_firsttime as it was */
} deliver_msg;

/* The message a transport is delivering (set in the delivery child). */
extern deliver_msg *deliver_current;

/* How deliver_message is asked to run. */
typedef struct deliver_opts {
  bool forced;                  /* -M, -qf: ignore retry times, deliver even if frozen with -qff/-M */
  bool force_thaw;              /* -M / -qff: thaw frozen messages */
  bool give_up;                 /* -Mg: fail all remaining recipients ("cancelled by administrator") */
  bool queue_run;               /* from a queue runner */
  int queue_run_pid;            /* that runner's pid (-v: "delivering <id> (queue run pid N)") */
  bool first_pass_routing;      /* -qq first pass: route only, no transports */
  bool local_only;              /* -ql */
  bool verbose;                 /* -v: show deliveries on stdout */
  bool dont_deliver;            /* -N: everything "delivered", nothing written */
  bool queue_smtp;              /* -odqs: remote transports are left for a queue
                                   runner ("SMTP delivery explicitly queued") */
  bool reception_domains;       /* queue_domains and queue_smtp_domains apply (a
                                   delivery started after reception) */
  bool after_reception;         /* started by deliver_after_reception: a message
                                   frozen at reception is left without a log line */
} deliver_opts;

/* Results of deliver_message. */
enum {
  DELIVER_NOT_ATTEMPTED,        /* locked by another process, frozen, or not found */
  DELIVER_ATTEMPTED_NORMAL,     /* ran: delivered, deferred or bounced */
  DELIVER_MUA_ERROR,            /* -oem: errors reported to the submitter */
  DELIVER_MUA_SUCCEEDED
};

/* Deliver message `id` from the spool (spool_directory from mainconf,
 * queue_name "" for the default queue).  Never exits the process.  Logs
 * and leaves the message in place on any spool error. */
int deliver_message(const char *id, const char *queue_name, const deliver_opts *o);

/* The msglog line and the main log line for one outcome, in Exim's format
 * ("=> ...", "-> ...", "** ...", "== ...").  first_for_parent false: a
 * later address of the same transport call ("->"). */
void deliver_log_address(const deliver_msg *dm, const address_item *a, int result, bool first_for_parent);

/* Freeze / thaw helpers shared with -Mf/-Mt (queue layer): set frozen
 * fields and rewrite -H; reason goes to the log as "frozen (reason)". */
bool deliver_freeze(deliver_msg *dm, const char *reason);

/* Open a message for delivery or inspection: read -H, open and lock -D
 * (fcntl write lock, non-blocking).  false with *error (and errno EAGAIN
 * when another process holds the lock).  deliver_close releases it. */
bool deliver_open(deliver_msg *dm, const char *id, const char *queue_name, const char **error);
void deliver_close(deliver_msg *dm);

/* Remove a message's files (-D last? no: -H first so no runner picks it
 * up, then -D, -J, msglog) as Exim does on completion or -Mrm. */
void deliver_remove_files(const char *id, const char *queue_name);

/* Spool paths for id in queue queue_name: kind 'H', 'D', 'J', 'M' (msglog). */
char *deliver_spool_path(const char *id, const char *queue_name, char kind);

#endif
