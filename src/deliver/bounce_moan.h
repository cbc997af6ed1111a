/* bounce_moan.h - error reports mailed to the sender of a non-SMTP message
 * that could not be taken as it was (spec 5, -oee/-oem/-oew): no recipient
 * addresses, malformed ones (-t or the command line), a message or header
 * too big, a rejection by acl_not_smtp.  Kept apart from bounce.h so the
 * reception layer need not see address_item.
 *
 * Entry point: bounce_moan() (bounce_moan.c).
 * Must never: report to an empty sender.
 */
#ifndef DELIVER_BOUNCE_MOAN_H
#define DELIVER_BOUNCE_MOAN_H

#include <stdbool.h>
#include <sys/types.h>

typedef enum {
  MOAN_NO_RECIPIENTS,           /* "Mail failure - no recipient addresses" */
  MOAN_BAD_ADDRESSES,           /* "Mail failure - malformed recipient address" */
  MOAN_BAD_ARGUMENT,            /* the same subject, for a command-line address (reason) */
  MOAN_TOO_BIG,                 /* "Mail failure - message too big" (size_limit) */
  MOAN_HEADER_TOO_BIG,          /* "Mail failure - overlong header section" */
  MOAN_HEADER_LINE_TOO_BIG,     /* "Mail failure - overlong header line" */
  MOAN_LOCAL_REJECT             /* "Mail failure - rejected by local scanning code" (reason) */
} bounce_moan_kind;

typedef struct bounce_moan_msg {
  const char *id;               /* the message's id (-E<id> of the report) */
  const char *message_id;       /* its Message-ID value for References:, or NULL */
  const char *headers;          /* its header section, each line ending "\n" */
  int body_fd;                  /* its -D file, or -1 */
  off_t body_offset;            /* where the body starts in it */
  bool body_is_stream;          /* body_fd is read to its end (standard input), not pread */
  const char *reason;           /* MOAN_BAD_ARGUMENT: "address  error"; MOAN_LOCAL_REJECT:
                                   the ACL's message (NULL: none given) */
  long size_limit;              /* MOAN_TOO_BIG: message_size_limit */
} bounce_moan_msg;

/* Mail the report to `to`.  bad: the "  item: error" lines (joined with
 * "\n"), bad_count of them; others_remain: the valid addresses go on to
 * delivery (both MOAN_BAD_ADDRESSES only).  For the header kinds, headers
 * holds what was read of the header section and nothing follows it.  true
 * when the report was accepted for delivery. */
bool bounce_moan(bounce_moan_kind kind, const char *to, const bounce_moan_msg *m, const char *bad,
                 int bad_count, bool others_remain);

#endif
