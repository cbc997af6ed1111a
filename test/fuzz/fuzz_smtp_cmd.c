/* fuzz_smtp_cmd.c - libFuzzer target for SMTP command recognition
 * (src/smtp/smtp_in_cmd.c, smtp_cmd_parse).
 *
 * Checks beyond "no crash": a recognised verb really starts the line (case
 * aside) and is followed by a space, the end, or is a "MAIL FROM:"/"RCPT
 * TO:" verb; the argument is never longer than the line, has no leading or
 * trailing white space, and is a substring of the line.
 *
 * Lines holding a NUL are skipped: the reader refuses them before parsing.
 *
 * Build and run: FUZZ_TARGET=smtp_cmd test/fuzz/run-fuzz.sh [seconds].
 *
 * Must never: touch files or sockets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/store.h"
#include "smtp/smtp_in_int.h"

static const char *const verbs[SCMD_COUNT] = {
  [SCMD_HELO] = "HELO", [SCMD_EHLO] = "EHLO", [SCMD_AUTH] = "AUTH", [SCMD_STARTTLS] = "STARTTLS",
  [SCMD_MAIL] = "MAIL FROM:", [SCMD_RCPT] = "RCPT TO:", [SCMD_DATA] = "DATA", [SCMD_BDAT] = "BDAT",
  [SCMD_QUIT] = "QUIT", [SCMD_RSET] = "RSET", [SCMD_NOOP] = "NOOP", [SCMD_ETRN] = "ETRN",
  [SCMD_VRFY] = "VRFY", [SCMD_EXPN] = "EXPN", [SCMD_HELP] = "HELP",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The reader never hands over a line with a NUL (SMTP_IN_NUL). */
  if (size > 20000 || memchr(data, 0, size)) return 0;
  store_mark *m = store_mark_take(POOL_MAIN);
  char *line = store_get(size + 1, true);
  memcpy(line, data, size);
  line[size] = 0;
  const char *args = NULL;
  smtp_cmd cmd = smtp_cmd_parse(line, size, &args);
  if (cmd < 0 || cmd >= SCMD_COUNT || !args) abort();
  size_t alen = strlen(args);
  if (alen > size) abort();
  if (alen && (args[0] == ' ' || args[0] == '\t' || args[alen - 1] == ' ' || args[alen - 1] == '\t')) abort();
  if (alen && !memmem(line, size, args, alen)) abort();
  if (cmd != SCMD_UNKNOWN) {
    const char *v = verbs[cmd];
    size_t n = strlen(v);
    if (size < n || strncasecmp(line, v, n) != 0) abort();
    if (v[n - 1] != ':' && size > n && line[n] != ' ') abort();
  }
  if (!smtp_cmd_name(cmd)) abort();
  store_reset(m);
  return 0;
}
