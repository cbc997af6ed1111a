/* test_smtp_cmd.c - unit tests for SMTP command recognition
 * (src/smtp/smtp_in_cmd.c): verbs without regard to case, the space (not a
 * tab) that must follow a verb, "MAIL FROM:"/"RCPT TO:" with their colon,
 * argument trimming, and the names used in the C= history.  The accepting
 * and refusing cases are the ones exim4 -bh answered (test/expected/smtp).
 */
#include <string.h>

#include "base/store.h"
#include "smtp/smtp_in_int.h"
#include "unit.h"

static smtp_cmd parse(const char *line, const char **args) {
  return smtp_cmd_parse(line, strlen(line), args);
}

int main(void) {
  const char *a;
  CHECK(parse("EHLO client.example", &a) == SCMD_EHLO && strcmp(a, "client.example") == 0);
  CHECK(parse("ehlo x", &a) == SCMD_EHLO && strcmp(a, "x") == 0);
  CHECK(parse("HELO  spaced  ", &a) == SCMD_HELO && strcmp(a, "spaced") == 0);
  CHECK(parse("HELO\tfoo", &a) == SCMD_UNKNOWN);            /* exim4: 500 */
  CHECK(parse("HELO", &a) == SCMD_HELO && *a == 0);
  CHECK(parse("EHLOfoo", &a) == SCMD_UNKNOWN);
  CHECK(parse("NOOPX", &a) == SCMD_UNKNOWN);
  CHECK(parse("NOOP\r\rNOOP", &a) == SCMD_UNKNOWN);         /* a CR inside the line is not a space */
  CHECK(parse("MAIL FROM:<a@b.c> SIZE=10", &a) == SCMD_MAIL && strcmp(a, "<a@b.c> SIZE=10") == 0);
  CHECK(parse("mail from: <a@b.c>", &a) == SCMD_MAIL && strcmp(a, "<a@b.c>") == 0);
  CHECK(parse("MAIL FROM:", &a) == SCMD_MAIL && *a == 0);
  CHECK(parse("MAIL TO:<x>", &a) == SCMD_UNKNOWN);
  CHECK(parse("MAIL", &a) == SCMD_UNKNOWN);
  CHECK(parse("RCPT TO:x", &a) == SCMD_RCPT && strcmp(a, "x") == 0);
  CHECK(parse("RCPT FROM:<x>", &a) == SCMD_UNKNOWN);
  CHECK(parse("BDAT 10 LAST", &a) == SCMD_BDAT && strcmp(a, "10 LAST") == 0);
  CHECK(parse("STARTTLS", &a) == SCMD_STARTTLS);
  CHECK(parse("AUTH PLAIN dGVzdA==", &a) == SCMD_AUTH && strcmp(a, "PLAIN dGVzdA==") == 0);
  CHECK(parse("QUIT x", &a) == SCMD_QUIT && strcmp(a, "x") == 0);
  CHECK(parse("", &a) == SCMD_UNKNOWN && *a == 0);
  CHECK(parse(".", &a) == SCMD_UNKNOWN);
  CHECK(parse("DATA", &a) == SCMD_DATA);
  CHECK(parse("RSET", &a) == SCMD_RSET);
  CHECK(parse("VRFY a@b", &a) == SCMD_VRFY && strcmp(a, "a@b") == 0);
  CHECK(parse("EXPN list", &a) == SCMD_EXPN);
  CHECK(parse("ETRN #x", &a) == SCMD_ETRN && strcmp(a, "#x") == 0);
  CHECK(parse("help me", &a) == SCMD_HELP && strcmp(a, "me") == 0);

  /* taint follows the line */
  char *t = store_get(16, true);
  strcpy(t, "HELO tainted");
  CHECK(smtp_cmd_parse(t, strlen(t), &a) == SCMD_HELO && is_tainted(a));
  CHECK(parse("HELO clean", &a) == SCMD_HELO && !is_tainted(a));

  CHECK(strcmp(smtp_cmd_name(SCMD_MAIL), "MAIL") == 0);
  CHECK(strcmp(smtp_cmd_name(SCMD_RCPT), "RCPT") == 0);
  CHECK(strcmp(smtp_cmd_name(SCMD_EHLO), "EHLO") == 0);
  return unit_done("test_smtp_cmd");
}
