/* smtp_in_reply.c - turning an ACL's refusal into Exim's SMTP reply and
 * log line (checked against exim4 -bh).
 *
 * Defaults: a failure is "550 Administrative prohibition", a deferral or
 * an error "451 Temporary local problem - please try later".  A message=
 * text that starts with a three-digit code sets the code when its first
 * digit is the expected one (else the default code is used and the
 * mismatch logged); an extended code "d.d.d" after it is repeated on every
 * line; newlines make a multi-line reply.  The log line is
 * "H=... [F=<sender> ]rejected WHAT[: text]" ("temporarily rejected" for
 * deferrals), to the main and reject logs.
 *
 * Entry point: smtp_acl_reply() (smtp_in.h).
 *
 * Must never: turn a refusal into a 2xx reply, or log a NULL text.
 */
#include <ctype.h>
#include <string.h>

#include "base/log.h"
#include "smtp/smtp_in.h"
#include "smtp/smtp_in_int.h"

/* What the log line says was rejected. */
static const char *what_rejected(const smtp_conn *c, acl_where where, const char *recipient) {
  const char *arg = c->last_command ? c->last_command : "";
  const char *sp = strchr(arg, ' ');
  const char *rest = sp ? str_skip_space(sp) : "";
  switch (where) {
  case ACL_WHERE_CONNECT: return "connection in \"connect\" ACL";
  case ACL_WHERE_HELO: return str_sprintf("EHLO or HELO %s", c->helo_name ? c->helo_name : "");
  case ACL_WHERE_MAIL: return str_sprintf("MAIL <%s>", c->env.sender ? c->env.sender : "");
  case ACL_WHERE_RCPT: return str_sprintf("RCPT <%s>", recipient ? recipient : "");
  case ACL_WHERE_PREDATA: return "DATA";
  case ACL_WHERE_DATA: return "after DATA";
  case ACL_WHERE_PRDR: return str_sprintf("after DATA PRDR <%s>", recipient ? recipient : "");
  case ACL_WHERE_VRFY: return str_sprintf("VRFY %s", rest);
  case ACL_WHERE_EXPN: return str_sprintf("EXPN %s", rest);
  case ACL_WHERE_ETRN: return str_sprintf("ETRN %s", rest);
  case ACL_WHERE_STARTTLS: return "STARTTLS";
  /* AUTH: the mechanism only, never the credentials after it (exim4) */
  case ACL_WHERE_AUTH: return str_sprintf("AUTH %.*s", (int)strcspn(rest, " \t"), rest);
  /* MAILAUTH: the MAIL arguments after "FROM:" ("<a@b> AUTH=x"), as exim4 */
  case ACL_WHERE_MAILAUTH:
    return str_sprintf("MAILAUTH %s", str_skip_space(str_ncmpic(rest, "FROM:", 5) == 0 ? rest + 5 : rest));
  default: return acl_where_name[where];
  }
}

/* "ddd " at the start of s. */
static bool has_code(const char *s) {
  return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
         (s[3] == ' ' || s[3] == 0 || s[3] == '\n');
}

/* "d.d{1,3}.d{1,3} " at the start of s: its length with the space, or 0. */
static size_t ext_code_len(const char *s) {
  const char *p = s;
  if (!isdigit((unsigned char)*p)) return 0;
  p++;
  for (int part = 0; part < 2; part++) {
    if (*p != '.') return 0;
    p++;
    int n = 0;
    while (isdigit((unsigned char)*p) && n < 3) p++, n++;
    if (n == 0) return 0;
  }
  if (*p != ' ') return 0;
  return (size_t)(p - s) + 1;
}

/* code + text as reply lines, one per line of text, each with the
 * extended code ext (ext_len bytes, may be NULL) when given. */
static gstring *reply_lines(const smtp_conn *c, gstring *g, int code, const char *ext, size_t ext_len,
                            const char *text) {
  const char *p = text;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    /* control = no_multiline_responses: only the first line (spec) */
    bool last = !nl || !nl[1] || c->no_multiline_responses;
    g = g_fmt(g, "%d%c%s%.*s\r\n", code, last ? ' ' : '-', ext ? ext : "", (int)n, p);
    if (last) break;
    p = nl + 1;
    if (ext && !strncmp(p, ext, ext_len)) p += ext_len;
  }
  return g;
}

gstring *smtp_acl_accept_reply(const smtp_conn *c, const char *default_text, const char *user_msg) {
  int code = 250;
  const char *m = user_msg && *user_msg ? user_msg : NULL;
  if (!m) return reply_lines(c, NULL, code, NULL, 0, default_text);
  if (has_code(m) && m[0] == '2') {
    code = (m[0] - '0') * 100 + (m[1] - '0') * 10 + (m[2] - '0');
    m += 3;
    if (*m == ' ') m++;
  }
  size_t ext_len = ext_code_len(m);
  const char *ext = ext_len ? str_copyn(m, ext_len) : NULL;
  return reply_lines(c, NULL, code, ext, ext_len, m + ext_len);
}

int smtp_acl_reply(smtp_conn *c, acl_where where, int rc, const char *recipient,
                   const char *user_msg, const char *log_msg, gstring **reply, bool *drop) {
  bool temp = rc == ACL_DEFER || rc == ACL_ERROR;
  /* a refused VRFY is "cannot verify" (252), its text the ACL's if any (exim4) */
  int code = temp ? 451 : where == ACL_WHERE_ETRN ? 458 : where == ACL_WHERE_AUTH ? 503
             : where == ACL_WHERE_VRFY ? 252 : 550;
  const char *text = temp ? "Temporary local problem - please try later" : "Administrative prohibition";
  const char *ext = NULL;
  size_t ext_len = 0;
  if (drop) *drop = rc == ACL_FAIL_DROP;

  const char *logged_user = NULL;
  if (user_msg && *user_msg) {
    const char *m = user_msg;
    if (has_code(m)) {
      int given = (m[0] - '0') * 100 + (m[1] - '0') * 10 + (m[2] - '0');
      char want = (char)('0' + code / 100);
      bool wrong_class = m[0] != want;
      if (wrong_class) {
        log_write(LOG_MAIN | LOG_PANIC, "configured error code starts with incorrect digit (expected %c) in \"%s\"",
                  want, user_msg);
      } else {
        code = given;
      }
      m += 3;
      if (*m == ' ') m++;
      /* a code of the wrong class takes its extended code with it (exim4) */
      if (wrong_class) m += ext_code_len(m);
      logged_user = str_sprintf("%d %s", code, m);
    } else {
      logged_user = m;
    }
    ext_len = ext_code_len(m);
    if (ext_len) {
      ext = str_copyn(m, ext_len);
      m += ext_len;
    }
    text = m;
  }

  /* The reply, one line per line of text. */
  gstring *g = reply_lines(c, reply && *reply ? *reply : NULL, code, ext, ext_len, text);
  if (reply) *reply = g;

  /* The log line. */
  const char *why = log_msg && *log_msg ? log_msg : logged_user;
  if (why) {
    const char *nl = strchr(why, '\n');
    if (nl) why = str_copyn(why, (size_t)(nl - why));
  }
  gstring *l = conn_host_text(g_new(128, false), c);
  if (where == ACL_WHERE_RCPT || where == ACL_WHERE_DATA || where == ACL_WHERE_PRDR)
    l = g_fmt(l, " F=<%s>", c->env.sender ? c->env.sender : "");
  l = g_fmt(l, " %srejected %s", temp ? "temporarily " : "", what_rejected(c, where, recipient));
  if (why) l = g_fmt(l, ": %s", why);
  const char *line = g_str(l);
  if (line[0] == ' ') line++;
  unsigned target = acl_log_reject_target();
  if (target) log_write_full(c->env.log_id, target, c->env.log_reject_headers, "%s", line);
  return code;
}
