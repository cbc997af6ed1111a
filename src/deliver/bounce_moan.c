/* bounce_moan.c - the reports -oee/-oem mail to the sender of a non-SMTP
 * message that was not taken (no recipients, malformed recipient addresses,
 * too big, an overlong header, refused by acl_not_smtp), in exim 4.96's
 * words, followed by a copy of the message.
 *
 * Entry point: bounce_moan() (bounce_moan.h).
 * Must never: report to an empty sender; read a -D file other than with
 * pread (the receiving process still owns the file's offset).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/str.h"
#include "bounce_int.h"
#include "bounce_moan.h"

static void copy_body(FILE *f, int fd, off_t offset, bool stream) {
  char buf[8192];
  ssize_t n;
  while (fd >= 0 && (n = stream ? read(fd, buf, sizeof buf) : pread(fd, buf, sizeof buf, offset)) != 0) {
    if (n < 0) {
      if (stream && errno == EINTR) continue;
      break;
    }
    fwrite(buf, 1, (size_t)n, f);
    offset += n;
  }
}

static const char *const COPY_INTRO =
    "\n------ This is a copy of your message, including all the headers. ------\n\n";

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
  const char *intro = COPY_INTRO;
  bool body = true;
  if (kind == MOAN_NO_RECIPIENTS) {
    fputs("Subject: Mail failure - no recipient addresses\n\n"
          "A message that you sent contained no recipient addresses, and therefore no\n"
          "delivery could be attempted.\n", f);
  } else if (kind == MOAN_BAD_ARGUMENT) {
    fprintf(f, "Subject: Mail failure - malformed recipient address\n\n"
               "A message that you sent contained a recipient address that was incorrectly\n"
               "constructed:\n\n  %s\n\n"
               "The message has not been delivered to any recipients.\n", m->reason ? m->reason : "");
  } else if (kind == MOAN_TOO_BIG) {
    fputs("Subject: Mail failure - message too big\n\n"
          "A message that you sent was longer than the maximum size allowed on this\n"
          "system. It was not delivered to any recipients.\n", f);
    intro = str_sprintf("\n------ This is a copy of your message, including all the headers.\n"
                        "------ No more than %ld characters of the body are included.\n\n", m->size_limit);
  } else if (kind == MOAN_HEADER_TOO_BIG || kind == MOAN_HEADER_LINE_TOO_BIG) {
    fprintf(f, "Subject: Mail failure - overlong header %s\n\n"
               "A message that you sent contained a header %s that was excessively\n"
               "long and could not be handled by the mail transmission software. The\n"
               "message has not been delivered to any recipients.\n",
            kind == MOAN_HEADER_TOO_BIG ? "section" : "line", kind == MOAN_HEADER_TOO_BIG ? "section" : "line");
    body = false;
  } else if (kind == MOAN_LOCAL_REJECT) {
    fprintf(f, "Subject: Mail failure - rejected by local scanning code\n\n"
               "A message that you sent was rejected by the local scanning code that\n"
               "checks incoming messages on this system. The following error was given:\n\n  %s\n",
            m->reason ? m->reason : "local configuration problem");
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
  fputs(intro, f);
  if (m->headers) fputs(m->headers, f);
  if (!body && m->body_is_stream) copy_body(f, m->body_fd, 0, true);   /* overlong header: the rest of stdin */
  if (body) {
    fputc('\n', f);
    copy_body(f, m->body_fd, m->body_offset, m->body_is_stream);
  }
  bool written;
  int status = bounce_submit_result(f, pid, &written);
  /* the child refused it: exim4's line, under the message's id */
  if (status > 0) log_write_msg(m->id, LOG_MAIN, "Child mail process returned status %d", status);
  return status == 0 && written;
}
