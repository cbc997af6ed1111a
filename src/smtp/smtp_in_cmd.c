/* smtp_in_cmd.c - recognising an SMTP command line: which verb, and its
 * argument.  Pure string work (fuzzed by test/fuzz/fuzz_smtp_cmd.c).
 *
 * As Exim 4.96 does: the verb is matched without regard to case and must
 * be followed by a space or the end of the line (a tab does not count:
 * "HELO<tab>x" is an unrecognised command); "MAIL FROM:" and "RCPT TO:"
 * are verbs with their colon, so the address may follow at once.  The
 * argument loses leading and trailing white space.
 *
 * Entry points: smtp_cmd_parse(), smtp_cmd_name().
 *
 * Must never: read outside line[0..len), or modify the line.
 */
#include "smtp/smtp_in_int.h"

#include <ctype.h>
#include <string.h>

#include "base/store.h"

static const struct {
  const char *verb;   /* as matched */
  size_t len;
  bool colon;         /* ends in ':' (no space needed after it) */
  const char *name;   /* for the C= history */
} cmds[SCMD_COUNT] = {
  [SCMD_HELO] = {"HELO", 4, false, "HELO"},
  [SCMD_EHLO] = {"EHLO", 4, false, "EHLO"},
  [SCMD_AUTH] = {"AUTH", 4, false, "AUTH"},
  [SCMD_STARTTLS] = {"STARTTLS", 8, false, "STARTTLS"},
  [SCMD_MAIL] = {"MAIL FROM:", 10, true, "MAIL"},
  [SCMD_RCPT] = {"RCPT TO:", 8, true, "RCPT"},
  [SCMD_DATA] = {"DATA", 4, false, "DATA"},
  [SCMD_BDAT] = {"BDAT", 4, false, "BDAT"},
  [SCMD_QUIT] = {"QUIT", 4, false, "QUIT"},
  [SCMD_RSET] = {"RSET", 4, false, "RSET"},
  [SCMD_NOOP] = {"NOOP", 4, false, "NOOP"},
  [SCMD_ETRN] = {"ETRN", 4, false, "ETRN"},
  [SCMD_VRFY] = {"VRFY", 4, false, "VRFY"},
  [SCMD_EXPN] = {"EXPN", 4, false, "EXPN"},
  [SCMD_HELP] = {"HELP", 4, false, "HELP"},
  [SCMD_XCLIENT] = {"XCLIENT", 7, false, "XCLIENT"},
  [SCMD_UNKNOWN] = {NULL, 0, false, "UNKNOWN"},
};

const char *smtp_cmd_name(smtp_cmd cmd) {
  return cmd >= 0 && cmd < SCMD_COUNT ? cmds[cmd].name : "UNKNOWN";
}

static bool is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v'; }

smtp_cmd smtp_cmd_parse(const char *line, size_t len, const char **args) {
  smtp_cmd found = SCMD_UNKNOWN;
  size_t vlen = 0;
  for (int i = 0; i < SCMD_UNKNOWN; i++) {
    size_t n = cmds[i].len;
    if (len < n) continue;
    bool same = true;
    for (size_t k = 0; k < n && same; k++)
      same = toupper((unsigned char)line[k]) == cmds[i].verb[k];
    if (!same) continue;
    if (!cmds[i].colon && len > n && line[n] != ' ') continue;
    found = (smtp_cmd)i;
    vlen = n;
    break;
  }
  size_t a = found == SCMD_UNKNOWN ? len : vlen, b = len;
  while (a < b && is_ws(line[a])) a++;
  while (b > a && is_ws(line[b - 1])) b--;
  if (args) {
    bool t = is_tainted(line);
    char *p = store_get(b - a + 1, t);
    memcpy(p, line + a, b - a);
    p[b - a] = 0;
    *args = p;
  }
  return found;
}
