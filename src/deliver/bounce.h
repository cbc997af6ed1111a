/* bounce.h - messages the delivery process sends (spec chapter 50): bounces
 * (delivery failure reports, with DSN multipart/report when the sender
 * asked for it, bounce_message_file / bounce_message_text), delay warnings
 * (delay_warning, delay_warning_condition, warn_message_file), success DSNs
 * (NOTIFY=SUCCESS), and the -oem/-oee error reports for non-SMTP input;
 * also the way every generated message is submitted: a child of this
 * program reading it as "-t -oem -oi -f <> -E<id>".
 *
 * Entry points: bounce_send(), bounce_warning_due()/bounce_send_warning(),
 * bounce_send_success(), bounce_submit_open()/bounce_submit_close().
 * Must never: bounce a bounce to "<>" (the sender is empty: the message is
 * frozen instead, or discarded after ignore_bounce_errors_after).
 */
#ifndef DELIVER_BOUNCE_H
#define DELIVER_BOUNCE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "addr.h"
#include "deliver.h"

/* Send one bounce to `to` for the failed addresses in `failed` (a list).
 * Returns false when the bounce could not be submitted (the caller then
 * freezes the message, as Exim does). */
bool bounce_send(deliver_msg *dm, const char *to, address_item *failed);

/* Whether a delay warning is due now for the message (delay_warning times
 * against received time and warning_count). */
bool bounce_warning_due(const deliver_msg *dm, time_t now);
/* Send it for the deferred addresses when delay_warning_condition (with
 * $domain set when they all share one) allows; increments
 * dm->m.warning_count then (also when DSN NOTIFY suppresses it). */
bool bounce_send_warning(deliver_msg *dm, address_item *deferred);

/* DSN success notification for addresses with NOTIFY=SUCCESS. */
bool bounce_send_success(deliver_msg *dm, address_item *delivered);

/* Start a new message: a child of this program reading the message on the
 * returned stream ("-t -oem -oi -f <sender> -E<id>"; id may be NULL).
 * NULL with *error on failure.  Close with bounce_submit_close, which waits
 * and returns whether the child accepted the message. */
FILE *bounce_submit_open(const char *sender, const char *id, pid_t *pid, const char **error);
bool bounce_submit_close(FILE *f, pid_t pid);
/* The same, giving the child's result: its exit code, minus the signal
 * that killed it, or INT_MIN when it could not be waited for; *written is
 * false when the message could not be written to it. */
int bounce_submit_result(FILE *f, pid_t pid, bool *written);

#endif
