/* deliver_start.h - the part of the delivery layer that reception uses
 * (spec 3.4, -odb/-odi/-odq, queue_only...): starting (or not) a delivery
 * for a message just put on the spool.  Kept apart from deliver.h so that
 * reception need not see address_item (base/address.h has its own).
 *
 * Entry point: deliver_after_reception() (deliver_start.c).
 * Must never: be called before the spool files are committed and the
 * -D lock released.
 */
#ifndef DELIVER_DELIVER_START_H
#define DELIVER_DELIVER_START_H

#include <stdbool.h>

/* What to do once a message has been received (receive layer calls this
 * after the spool files are committed and the reply is sent):
 *   mode: -odb/-odi/-odf/-odq from the command line, or DELIVERY_DEFAULT
 * queue_only, queue_only_file, queue_only_load, control=queue, smtp
 * queue_smtp_domains ... decide whether delivery starts now.  Starting it
 * means: forking a child that calls deliver_message (when this process
 * still has the privilege local deliveries need), else re-executing the
 * program as "exim -Mc <id>".  Foreground (-odi/-odf) waits for it. */
void deliver_after_reception(const char *id, int mode, bool queue_only_by_acl);

/* Set by the session's start from the command line: the -od? mode
 * (cmdline.h delivery_mode_t) that SMTP reception passes to
 * deliver_after_reception, and the -C file to give a re-executed delivery
 * process (NULL when the compiled-in configuration is used). */
extern int deliver_reception_mode;
/* True in a delivery process that its starter waits for (-odi/-odf):
 * messages it submits (bounces, reports) should be delivered the same way
 * (exim4 gives such a child -odi). */
extern bool deliver_synchronous;
extern const char *deliver_config_arg;
/* Set by reception for each message: its named queue (queue = NAME), NULL
 * for the default queue; the message log and the delivery after
 * reception use it. */
extern const char *deliver_reception_queue;
/* -odqs (set by main() from the command line): deliveries started after
 * reception leave their remote transports for a queue runner; like
 * -odb/-odi it overrides queue_only when queue_only_override is true. */
extern bool deliver_queue_smtp;

/* A line (timestamped) in the message log of a message being received
 * (spec 53.16: "Received from ...", "frozen by ACL"); nothing when
 * message_logs is false. */
void deliver_msglog_write(const char *id, const char *text);

/* When the daemon wants to start deliveries itself (a privileged parent
 * that already holds the configuration), it sets this to the write end of
 * a pipe before forking receivers: deliver_after_reception() then writes
 * "<id>\n" to it instead of forking.  -1 otherwise. */
extern int deliver_notify_fd;

#endif
