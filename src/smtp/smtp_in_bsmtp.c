/* smtp_in_bsmtp.c - batched SMTP input (-bS, spec 5 "-bS" and 49.11): the
 * envelope comes from SMTP commands on standard input, nothing is answered;
 * HELO and EHLO act as RSET; VRFY, EXPN, ETRN, HELP and NOOP do nothing;
 * QUIT ends the batch.  The first error stops everything: Exim's short
 * report goes to standard output and its long one to standard error, and
 * the exit code is 1 if messages were accepted before it, else 2.
 *
 * MAIL, RCPT and DATA run through the interactive handlers (same parsing;
 * the few texts that differ in a batch are chosen there by c->batched);
 * their replies are only looked at, never sent.  "Transaction started in
 * line N": the last line that ended a message or was a command outside a
 * transaction (HELO, RSET, NOOP, VRFY ...), as exim4 counts.
 *
 * Entry point: smtp_bsmtp_run().
 *
 * Must never: write an SMTP reply for a command that succeeded, or go on
 * after an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "config/main_config.h"
#include "receive/receive.h"
#include "smtp/smtp_in_int.h"

typedef struct {
  smtp_session *s;
  size_t lines;             /* message lines read by the body function */
} bsmtp_data;

static smtp_in_result bsmtp_body(void *ctx, smtp_in_body *b) {
  bsmtp_data *d = ctx;
  b->lf_lines = true;          /* batches are written with LF line ends */
  smtp_in_result r = smtp_in_read_data(&d->s->c->in, b);
  d->lines = b->lines + (r == SMTP_IN_OK ? 1 : 0);  /* the "." line */
  return r;
}

/* The first line of a queued reply, without its CRLF (queued output is
 * then discarded). */
static const char *take_reply(smtp_conn *c, size_t from) {
  if (c->outbuf->len <= from) return NULL;
  const char *p = c->outbuf->s + from;
  const char *e = memchr(p, '\r', c->outbuf->len - from);
  const char *r = str_copyn(p, e ? (size_t)(e - p) : c->outbuf->len - from);
  g_trim(c->outbuf, from);
  return r;
}

static void report(int messages, const char *reply, long start, long line, const char *command) {
  printf("%s\nTransaction started in line %ld\nError detected in line %ld\n", reply, start, line);
  if (command) printf("%s\n", command);
  fflush(stdout);
  fprintf(stderr, "An error was detected while processing a file of BSMTP input.\n"
                  "The error message was:\n\n  %s\n\n"
                  "The SMTP transaction started in line %ld.\n"
                  "The error was detected in line %ld.\n", reply, start, line);
  if (command) fprintf(stderr, "The SMTP command at fault was:\n\n   %s\n\n", command);
  fprintf(stderr, "%d previous message%s successfully processed.\n"
                  "The rest of the batch was abandoned.\n", messages, messages == 1 ? " was" : "s were");
  fflush(stderr);
}

int smtp_bsmtp_run(smtp_conn *c) {
  smtp_session sess;
  memset(&sess, 0, sizeof sess);
  smtp_session *s = &sess;
  s->c = c;
  s->nonmail_counted = -1;
  conn_current = c;
  c->batched = true;
  smtp_host_options(c);
  c->helo_seen = true;     /* no HELO needed in a batch */
  c->esmtp = true;         /* ESMTP parameters are taken */
  if (!c->received_protocol || !c->protocol_fixed) c->received_protocol = "local-bsmtp";
  c->protocol_fixed = true;
  conn_publish(c);
  if (LOGGING(smtp_connection)) log_write(LOG_MAIN, "SMTP connection from %s", smtp_call_from(c));

  long line = 0, start = 0;
  int messages = 0;
  const char *error = NULL, *command = NULL;
  for (;;) {
    char *text;
    size_t len;
    smtp_in_result r = smtp_in_read_command(&c->in, &text, &len);
    /* The end of the input ends the batch, also after MAIL/RCPT (exim4). */
    if (r == SMTP_IN_EOF) break;
    line++;
    if (r == SMTP_IN_EOF || r == SMTP_IN_TIMEOUT || r == SMTP_IN_ERROR) {
      error = "421 Lost incoming connection";
      break;
    }
    const char *args = "";
    smtp_cmd cmd = r == SMTP_IN_OK ? smtp_cmd_parse(text, len, &args) : SCMD_UNKNOWN;
    c->last_command = str_copy_taint(text, true);
    s->cmd = cmd;
    s->cmd_args = args;
    size_t mark = c->outbuf->len;
    switch (cmd) {
    case SCMD_HELO: case SCMD_EHLO: case SCMD_RSET:
      smtp_reset_transaction(s);
      start = line;
      continue;
    case SCMD_NOOP: case SCMD_VRFY: case SCMD_EXPN: case SCMD_ETRN: case SCMD_HELP:
      start = line;
      continue;
    case SCMD_QUIT:
      goto done;
    case SCMD_MAIL:
      smtp_cmd_mail(s);
      break;
    case SCMD_RCPT:
      smtp_cmd_rcpt(s);
      break;
    case SCMD_DATA: {
      if (c->env.recipients_count == 0) {
        smtp_reply(s, 503, "RCPT TO:<recipient> must precede DATA");
        break;
      }
      /* acl_not_smtp_start runs once DATA is reached; its result is
       * ignored (spec 44.3), its controls stay. */
      if (mainconf.acl_not_smtp_start) {
        const char *u = NULL, *l = NULL;
        (void)acl_check(ACL_WHERE_NOTSMTP_START, NULL, mainconf.acl_not_smtp_start, &u, &l);
      }
      bsmtp_data d = {.s = s};
      receive_result res;
      memset(&res, 0, sizeof res);
      receive_smtp_message(c, bsmtp_body, &d, &res);
      line += (long)d.lines;
      if (res.lost_connection) {
        g_trim(c->outbuf, mark);
        error = "421 Lost incoming connection";
        line++;
        command = NULL;
        goto done;
      }
      if (res.reply) smtp_reply_raw(s, res.reply->s, res.reply->len);
      if (res.accepted) {
        messages++;
        start = line;
      }
      smtp_reset_transaction(s);
      break;
    }
    default:
      smtp_reply(s, 500, "Command unrecognized");
      break;
    }
    const char *reply = take_reply(c, mark);
    if (reply && reply[0] >= '4') {
      error = reply;
      command = c->last_command;
      break;
    }
  }
done:
  g_trim(c->outbuf, 0);
  conn_current = NULL;
  if (!error) return EXIT_SUCCESS;
  report(messages, error, start, line, command ? str_printing(command) : NULL);
  return messages > 0 ? 1 : 2;
}
