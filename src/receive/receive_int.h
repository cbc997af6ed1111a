/* receive_int.h - what the files of src/receive share: one message being
 * received (rcv_msg), the sink that splits its header block from the body
 * (streaming the body into the -D file), header-list helpers, the fix-ups of
 * spec chapter 48, the Received: header, the "<=" log line and the commit.
 *
 * Flow for both entries (receive_smtp.c, receive_local.c):
 *   rcv_begin()        id, reception time, -D opened (not under -bh)
 *   rcv_sink()         the message bytes, LF line endings, any chunking
 *   rcv_end_input()    end of data: headers parsed into m->headers
 *   rcv_fixups()       chapter 48 processing (removals, Message-Id, From,
 *                      Sender, Date, Resent-, Bcc for -t)
 *   rcv_add_received() the Received: header
 *   rcv_publish()      expansion variables for the DATA / non-SMTP ACL
 *   rcv_commit()       -H and -D durable, "<=" logged
 *   rcv_abandon()      nothing left behind
 *
 * Must never: hold more than header_maxsize bytes of headers in memory, or
 * leave a spool file for a message that was not accepted.
 */
#ifndef RECEIVE_RECEIVE_INT_H
#define RECEIVE_RECEIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "base/str.h"
#include "smtp/conn.h"
#include "spool/spool.h"

/* Body data is staged and written to the -D file in blocks of this size. */
#define RCV_STAGE 8192

typedef struct rcv_msg {
  smtp_conn *c;
  spool_msg m;                  /* envelope and headers as they will be written */
  const char **rcpt_given;      /* m.recipients as given, before qualifying and rewriting
                                   (the "for" list of received_recipients) */
  struct timeval tv;            /* reception start (the id's time) */
  bool no_files;                /* -bh: nothing is written */
  const char *queue_name;       /* queue = NAME before reception (NULL: the default queue) */

  /* the -D file */
  spool_ctx spool;
  bool spool_open;
  bool spool_failed;            /* a write failed: errno in spool_errno */
  int spool_errno;
  const char *spool_error;
  char stage[RCV_STAGE];
  size_t stage_len;

  /* header phase */
  bool in_body;
  gstring *hdr;                 /* the header block as received (each line ends "\n") */
  gstring *line;                /* the line being assembled */
  size_t header_maxsize;        /* 0: none */
  size_t header_line_maxsize;   /* 0: none (a header with its continuations) */
  size_t cur_header_len;
  bool header_too_big;
  bool header_line_too_long;
  const char *header_read;      /* either: the header section as far as it was read */
  bool blank_line_seen;

  /* counts over the whole message */
  long size;                    /* bytes as received, blank line included */
  long linecount;
  long body_linecount;
  long body_zerocount;
  long body_size;
  size_t cur_linelen;
  size_t max_linelen;
  bool line_open;               /* the last byte was not a newline */

  /* the start and the end of the body, for $message_body(_end) */
  gstring *body_head;
  size_t visible;
  char *tail;                   /* ring of `visible` bytes */
  size_t tail_len, tail_pos;

  /* decisions of the caller */
  bool local;                   /* locally-originated (non-SMTP, -bs) */
  bool non_smtp;                /* read from standard input, not SMTP */
  bool trusted;                 /* caller is trusted (local input) */
  bool suppress_fixups;         /* -G, control = suppress_local_fixups */
  bool submission;              /* control = submission */
  bool extract;                 /* -t */
  bool sender_explicit;         /* sender came from -f (trusted or allowed) */
  const char *login;            /* local caller's login */
  const char *fullname;         /* -F or the password file's name */
  bool fullname_given;          /* fullname came from -F */
  bool local_error;             /* -E: a locally generated report (gets a From: even with <>) */
  const char *msgid_header;     /* content of Message-ID (or Resent-), for id= */
  bool msgid_created;
  const char *subject;          /* Subject: content, for T= */
  bool fake_reject;             /* control = fakereject: "(=" instead of "<=" */
  const char *bounce_ref;       /* -E<id>: the message this one reports on (R= in "<=") */
  bool check_uucp_from;         /* a first line matching uucp_from_pattern is taken away */
  const char *uucp_from_line;   /* that line (without newline), when there was one */
  bool first_line_done;
  bool no_qualify;              /* -bnq: unqualified header addresses stay so */
  bool prdr_used;               /* the PRDR data phase ran (log " PRDR") */
  gstring *bad_addresses;       /* -t: "  item: error" lines, when any */
  const char *first_bad;        /* the first of them as "item - error" */
  int bad_address_count;
  spool_header *received;       /* our Received: header, and its text up to the date */
  const char *received_head;
} rcv_msg;

/* headers.c ---------------------------------------------------------------- */

/* True if the line (no newline needed) starts with a header name and colon:
 * bytes above space other than DEL and ':' (8-bit ones included, as
 * exim4), then optional blanks and ':'. */
bool rcv_is_header_line(const char *line, size_t len);
/* Split a header block (each line ending "\n") into a list of headers. */
spool_header *rcv_parse_headers(const char *block, size_t len);
/* The type letter Exim gives a header by its name. */
char rcv_header_type(const char *text);
/* True if h is named name (no colon), case-insensitive, not deleted. */
bool rcv_header_is(const spool_header *h, const char *name);
/* The first live header named name, or NULL. */
spool_header *rcv_header_find(spool_header *list, const char *name);
/* The value after the colon, without the final newline (a copy). */
char *rcv_header_value(const spool_header *h);
/* Append / prepend a header: text is "Name: value" without the newline. */
spool_header *rcv_header_append(spool_header **list, const char *text, char type);
spool_header *rcv_header_prepend(spool_header **list, const char *text, char type);
/* The headers as $message_headers_raw sees them (live ones only). */
gstring *rcv_headers_block(const spool_header *list);
/* Lines for the reject log: "T To: x" form, each line of a header. */
char *rcv_headers_for_log(const spool_header *list);

/* receive_msg.c ------------------------------------------------------------- */

/* Set up m for the connection c: id, time, spool -D opened unless no_files.
 * False with r->spool_error when the -D could not be created. */
bool rcv_begin(rcv_msg *r, smtp_conn *c, bool no_files);
/* The sink for message bytes (LF line endings); the smtp_in_sink type. */
bool rcv_sink(void *ctx, const char *data, size_t len);
/* End of the input: flush the staged body and parse the header block. */
void rcv_end_input(rcv_msg *r);
/* Take the header just completed back out of the header block: input over
 * message_size_limit at a header's end leaves that header out, as exim4. */
void rcv_drop_last_header(rcv_msg *r);
/* Expansion variables for the message as it is now ($message_*, $h_*,
 * $sender_address, $recipients_count, $message_exim_id ...). */
void rcv_publish(rcv_msg *r);
/* Write -H (the -D is complete), log "<=".  False: the caller answers
 * spool_failure_code(r->spool_errno) and nothing is left. */
bool rcv_commit(rcv_msg *r);
/* Throw away whatever was written (and rcv_forget). */
void rcv_abandon(rcv_msg *r);
/* PRDR refused every recipient: as exim4, the -D file stays (under its
 * final name, without a -H) and nothing else is written (and rcv_forget). */
void rcv_leave_data(rcv_msg *r);
/* The message's expansion variables ($h_*, $message_*) end with it. */
void rcv_forget(rcv_msg *r);
/* An ACL said discard: the "<=" line, the blackhole delivery and
 * "Completed" are logged as Exim does (acl_name: "DATA", "non-SMTP"),
 * nothing is kept. */
void rcv_discard(rcv_msg *r, const char *acl_name, const char *log_msg);
/* The full name in the password file for uid (up to the first comma). */
const char *rcv_gecos_name(uid_t uid);
/* message_size_limit expanded (0: none). */
long rcv_size_limit(void);
/* "Envelope-from: <s>\nEnvelope-to: <a>, <b>\n" and the headers, for the
 * reject log after a rejection of the message's content. */
char *rcv_reject_log_text(rcv_msg *r, const char *sender);
/* Add a recipient to m (copied). */
void rcv_add_recipient(rcv_msg *r, const char *address, const char *given);
/* Apply the headers queued by ACLs (c->env.acl_added_headers) and removals. */
void rcv_apply_acl_headers(rcv_msg *r);

/* fixups.c ------------------------------------------------------------------ */

/* Chapter 48 processing of the parsed headers.  For -t, extracts the
 * recipients (removing those given as arguments: args, count nargs),
 * noting malformed ones in r->bad_addresses; false with *error when -t
 * found no address at all. */
bool rcv_fixups(rcv_msg *r, char **args, int nargs, const char **error);

/* received_header.c --------------------------------------------------------- */

/* Expand received_header_text and put the result, with "; date", at the
 * top as type P.  False with *error when the expansion failed. */
bool rcv_add_received(rcv_msg *r, const char **error);
/* Once the message is accepted the Received: date becomes that time
 * (spec 48.13). */
void rcv_received_date(rcv_msg *r, time_t t);
/* "Thu, 03 Dec 2026 07:18:54 +0000" for t (as Date: and Received: use). */
char *rcv_date(time_t t);

/* receive_log.c ------------------------------------------------------------- */

/* The "<=" line for an accepted message (to the main log); returns its
 * text after "<= " (the message log's "Received from" line). */
const char *rcv_log_arrival(rcv_msg *r);

#endif
