/* queue_runs.h - the daemon's deliveries (spec 3, 5 -q<time>, 13): queue
 * runner processes started every -q<time> interval (at most queue_run_max
 * at once), and a delivery process for each message that an SMTP
 * receiver hands over through deliver_notify_fd.
 *
 * Entry points: qr_init, qr_describe, qr_poll_fd, qr_timeout_ms, qr_tick,
 * qr_notified, qr_reaped, qr_child_cleanup.
 * Must never: start more runners than queue_run_max allows (0: no limit);
 * count a notified delivery as a queue runner; let a child keep the
 * daemon's end of the notification pipe.
 */
#ifndef DAEMON_QUEUE_RUNS_H
#define DAEMON_QUEUE_RUNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "main/cmdline.h"

/* Set up from the command line.  child_setup is what a child of the
 * daemon must do first (close the listening sockets, reset signals).
 * With listening, creates the notification pipe and sets
 * deliver_notify_fd to its write end. */
void qr_init(const cmdline_state *st, bool listening, void (*child_setup)(void));

/* "-q30m", "-qGname/5m" or "no queue runs", for the start-up log line. */
const char *qr_describe(void);

/* The read end of the notification pipe (for poll), or -1. */
int qr_poll_fd(void);

/* Milliseconds until the next queue run is due; -1 when there are none. */
int qr_timeout_ms(void);

/* Start a queue runner when one is due. */
void qr_tick(void);

/* Read the ids waiting on the pipe and start a delivery for each. */
void qr_notified(void);

/* A child ended: true when it was one of ours. */
bool qr_reaped(pid_t pid);

/* In an SMTP child: close the daemon's end of the pipe (the write end,
 * deliver_notify_fd, stays for deliver_after_reception). */
void qr_child_cleanup(void);

#endif
