/* bounce_moan.c - the reports -oee/-oem mail to the sender of a non-SMTP
 * message with no recipients or with malformed recipient addresses, in
 * exim 4.96's words, followed by a copy of the message.
 *
 * Entry point: bounce_moan() (bounce_moan.h).
 * Must never: report to an empty sender; read the body other than with
 * pread (the receiving process still owns the file's offset).
 */
#include <string.h>
#include <unistd.h>

#include "../base/str.h"
#include "bounce_int.h"
#include "bounce_moan.h"

static void copy_body(FILE *f, int fd, off_t offset) {
  char buf[8192];
  ssize_t n;
  while (fd >= 0 && (n = pread(fd, buf, sizeof buf, offset)) > 0) {
    fwrite(buf, 1, (size_t)n, f);
    offset += n;
  }
}

bool bounce_moan(bounce_moan_kind kind, const char *to, const bounce_moan_msg *m, const char *bad,
                 int bad_count, bool others_remain) {
  if (!to || !*to) return false;
  const char *error = NULL;
  pid_t pid;
  FILE *f = bounce_submit_open("", m->id, &pid, &error);
  if (!f) return false;
  fputs("Auto-Submitted: auto-replied\n", f);
  bounce_put_from(f);
  fprintf(f, "To: %s\n", to);
  if (m->message_id) fprintf(f, "References: %s\n", m->message_id);
  if (kind == MOAN_NO_RECIPIENTS) {
    fputs("Subject: Mail failure - no recipient addresses\n\n"
          "A message that you sent contained no recipient addresses, and therefore no\n"
          "delivery could be attempted.\n", f);
  } else {
    fputs("Subject: Mail failure - malformed recipient address\n\n"
          "A message that you sent contained one or more recipient addresses that were\n"
          "incorrectly constructed:\n\n", f);
    fprintf(f, "%s\n\n", bad ? bad : "");
    fputs(bad_count == 1 ? "This address has been ignored. " : "These addresses have been ignored. ", f);
    fputs(others_remain ? "The other addresses in the message were\n"
                          "syntactically valid and have been passed on for an attempt at delivery.\n"
                        : "There were no other addresses in your\n"
                          "message, and so no attempt at delivery was possible.\n", f);
  }
  fputs("\n------ This is a copy of your message, including all the headers. ------\n\n", f);
  if (m->headers) fputs(m->headers, f);
  fputc('\n', f);
  copy_body(f, m->body_fd, m->body_offset);
  return bounce_submit_close(f, pid);
}
