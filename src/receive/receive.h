/* receive.h - taking in one message: header processing (spec chapter 48),
 * the spool files (chapter 57, through src/spool), the "<=" log line
 * (chapter 53), for SMTP (after DATA/BDAT) and for non-SMTP input
 * (command line: -t, -i, -f, -F, -bm, sendmail interface).
 *
 * The SMTP layer has built the envelope (conn->env) and hands over a
 * function that delivers the message bytes (DATA with its dot handling, or
 * the BDAT chunks); this layer processes the headers, runs the DATA ACL
 * (and PRDR's), writes -D and -H durably, logs, and returns the reply the
 * SMTP layer must send: a 250 only once the spool files are on disk.
 *
 * Must never: say 250 before the spool files are fsync'd and renamed into
 * place; leave a file behind for a message that was not accepted.
 */
#ifndef RECEIVE_RECEIVE_H
#define RECEIVE_RECEIVE_H

#include <stdbool.h>

#include "main/cmdline.h"
#include "smtp/conn.h"
#include "smtp/smtp_in_data.h"

/* Delivers the message's bytes into b (through its sink): returns when the
 * message ends (SMTP_IN_OK) or on EOF/timeout/error. */
typedef smtp_in_result (*receive_body_fn)(void *ctx, smtp_in_body *b);

typedef struct receive_result {
  bool accepted;        /* spool files written; message id in id */
  bool drop;            /* close the connection after the reply (drop verb, timeout, EOF) */
  bool lost_connection; /* EOF/timeout during the data: no reply to send */
  char id[MESSAGE_ID_LENGTH + 1];
  /* The whole reply to send (one or more lines, each ending CRLF), for
   * PRDR the per-recipient lines too.  NULL when nothing is to be sent. */
  gstring *reply;
} receive_result;

/* Receive a message over SMTP: c->env holds sender and recipients.  Writes
 * nothing to the peer itself. */
void receive_smtp_message(smtp_conn *c, receive_body_fn body, void *body_ctx, receive_result *res);

/* The non-SMTP entry: "exim [options] address..." / -t / -bm (main.c calls
 * this when there is no other action).  Returns the process exit code. */
int receive_cmdline_main(cmdline_state *st, int argc, char **argv);

#endif
