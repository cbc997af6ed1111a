/* deliver_int.h - what the files of src/deliver/deliver*.c share: the
 * spool side of one delivery run (paths, the -J journal, the msglog), the
 * expansion variables of the message, the log-line texts and the local
 * delivery children.
 *
 * Flow of deliver_message() (deliver.c):
 *   deliver_open()          lock -D, read -H (deliver_spool.c)
 *   dlv_journal_recover()   addresses of a crashed run into nonrecipients
 *   dlv_set_message_vars()  $message_id, $sender_address, $h_ ... (deliver_vars.c)
 *   routing                 route_address() on each recipient and child
 *   dlv_run_local()         one child per transport batch (deliver_local.c)
 *   dlv_journal_add()       before anything else for each success
 *   dlv_log_*()             "=>", "==", "**" lines and the msglog (deliver_log.c)
 *   spool_update_header / deliver_remove_files at the end.
 *
 * Must never: log a delivery before its journal line is on disk.
 */
#ifndef DELIVER_DELIVER_INT_H
#define DELIVER_DELIVER_INT_H

#include <stdbool.h>
#include <sys/time.h>

#include "../base/str.h"
#include "deliver.h"

/* ---------------------------------------------------------- deliver_spool.c */

/* spool_directory, or spool_directory/queue_name for a named queue. */
const char *dlv_queue_dir(const char *queue_name);

/* Open (create, append) the message log unless message_logs is false. */
void dlv_msglog_open(deliver_msg *dm);
/* One msglog line "<timestamp> text\n"; dlv_msglog_plain writes the text
 * without the timestamp ("*** Frozen ..."). */
void dlv_msglog(deliver_msg *dm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dlv_msglog_plain(deliver_msg *dm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append "unique\n" to the -J journal and fsync it.  false with *error
 * when it could not be written. */
bool dlv_journal_add(deliver_msg *dm, const char *unique, const char **error);
/* A journal left by an earlier run that did not finish: each line is
 * added to the nonrecipients and -H is rewritten, then the journal is
 * removed.  Returns how many addresses were recovered, -1 on error
 * (the journal is then left in place). */
int dlv_journal_recover(deliver_msg *dm);
/* Remove this run's journal (after -H records what it held). */
void dlv_journal_remove(deliver_msg *dm);

/* Rewrite -H from dm->m; logs on failure. */
bool dlv_update_header(deliver_msg *dm);

/* ----------------------------------------------------------- deliver_vars.c */

/* Publish the message to the expander: $message_id, $sender_address,
 * $received_*, $sender_host_*, $acl_m*, $recipients, the header block for
 * $h_..., and the body from -D for $message_body (message_body_visible
 * bytes from each end). */
void dlv_set_message_vars(deliver_msg *dm);

/* ------------------------------------------------------------ deliver_log.c */

/* "x@y <top@y>" etc. as delivery lines show an address; local_style gives
 * the local part only (log_as_local routers' deliveries). */
gstring *dlv_address_text(gstring *g, const address_item *a, bool local_style);
/* The line for a routing failure / transport failure ("**") and for a
 * deferral ("=="); also writes the msglog line. */
void dlv_log_failure(deliver_msg *dm, const address_item *a);
void dlv_log_deferral(deliver_msg *dm, const address_item *a);
/* The text of a deferral line after "== ". */
gstring *dlv_defer_text(const deliver_msg *dm, const address_item *a);
/* "=>" (or "*>" under -N) and the msglog's "transport succeeded" line;
 * later_in_batch: not the first address of one transport call ("->");
 * dt: how long the transport took (DT=), NULL when it did not run. */
void dlv_log_delivery(deliver_msg *dm, const address_item *a, bool fake, bool later_in_batch,
                      const struct timeval *dt);
/* s as one log line holds it: each newline written as the two characters
 * "\n" (exim4's delivery lines and message log); s itself when it has
 * none. */
const char *dlv_one_line(const char *s);
/* Time between reception and now as log_selector's QT= shows it. */
const char *dlv_time_text(long sec, long usec, bool millisec);

/* --------------------------------------------------------- deliver_filter.c */

/* What the system filter decided for the original recipients. */
enum { SF_CONTINUE, SF_IGNORE, SF_FAIL, SF_DEFER, SF_FREEZE, SF_ERROR };

/* Run system_filter (when set): header changes are made to dm->m.headers,
 * *generated gets its deliveries (children of the pseudo-address
 * "system-filter"; pipes/files/replies with their system_filter_*_transport
 * set), *fail_text the text for the bounce after SF_FAIL or of the freeze
 * after SF_FREEZE.  Logs the decision as exim4 does (a freeze at the end:
 * dlv_system_filter_frozen). */
int dlv_system_filter(deliver_msg *dm, address_item **generated, const char **fail_text);
/* At the end of an attempt the system filter froze: the freeze_tell
 * message (pending: the original recipients not delivered) and the
 * "Frozen by the system filter[: text]" lines. */
void dlv_system_filter_frozen(deliver_msg *dm, const char *text, const address_item *pending);

/* ---------------------------------------------------------- deliver_local.c */

/* Run transport t for the list of addresses `batch` (linked by ->next) in
 * a child process under the addresses' uid/gid.  Every address gets
 * transport_return/basic_errno/more_errno/message from the child, or a
 * deferral when the child could not report. */
void dlv_run_local(deliver_msg *dm, address_item *batch);
/* The identity checks running a's transport would make (never_users):
 * true when they pass; otherwise a is deferred with the message logged on
 * a line of its own as dlv_run_local does. */
bool dlv_check_ugid(deliver_msg *dm, address_item *a);

#endif
