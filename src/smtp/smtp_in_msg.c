/* smtp_in_msg.c - DATA and BDAT (CHUNKING): the checks before a message
 * may start (a sender, at least one accepted recipient, acl_smtp_predata),
 * the 354 reply, and the body functions reception reads the message
 * through.  Reception (src/receive) writes the spool and gives the final
 * reply; this file sends it.
 *
 * BDAT: after a non-LAST chunk only BDAT may follow; any other command is
 * answered "503 only BDAT permissible after non-LAST BDAT" and then only
 * RSET is accepted ("503 only RSET accepted now"), as Exim 4.96 does.
 *
 * Entry points: smtp_cmd_data(), smtp_cmd_bdat().
 *
 * Must never: read a byte after CRLF.CRLF or after the last chunk's count
 * as message text, or send 250 for a message reception did not accept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "config/main_config.h"
#include "deliver/deliver_start.h"
#include "receive/receive.h"
#include "smtp/smtp_in_int.h"

/* The 503 for DATA/BDAT without an accepted recipient.  After RCPTs that
 * failed, Exim repeats the last failure after "All RCPT commands were
 * rejected with this error:": an ACL's text without its code (then
 * "Valid RCPT command ..."), or a syntax/protocol error's whole line (then
 * "valid RCPT command ..."). */
static void no_recipients(smtp_session *s, const char *verb) {
  smtp_conn *c = s->c;
  gstring *g = NULL;
  if (s->last_rcpt_error && !s->rcpt_errors_differ) {
    g = g_cat(g, "All RCPT commands were rejected with this error:\n");
    const char *p = g_str(s->last_rcpt_error);
    while (*p) {
      const char *e = strstr(p, "\r\n");
      size_t n = e ? (size_t)(e - p) : strlen(p);
      if (s->last_rcpt_by_acl && n >= 4) g = g_fmt(g, "%.*s\n", (int)(n - 4), p + 4);
      else g = g_fmt(g, "%.*s\n", (int)n, p);
      p = e ? e + 2 : p + n;
    }
  }
  /* exim4 repeats a RCPT error once: after that, later ones in this
   * transaction are not remembered */
  if (g) s->rcpt_errors_muted = true;
  s->last_rcpt_error = NULL;
  /* "Valid" (and not counted) when recipients were refused, "valid" (a
   * protocol error) when none got as far as that (exim4) */
  bool refused = c->env.rcpt_fail_count + c->env.rcpt_defer_count > 0;
  g = g_fmt(g, "%s RCPT command must precede %s", refused ? "Valid" : "valid", verb);
  if (refused) {
    smtp_reply(s, 503, "%s", g_str(g));
    return;
  }
  smtp_synprot_error_kind(s, SMTP_PROTOCOL, 503, str_sprintf("valid RCPT command must precede %s", verb), "%s",
                          g_str(g));
}

/* -bh: say that no message was really taken. */
static void host_check_note(smtp_session *s, const receive_result *res) {
  if (!s->c->host_checking || !res->accepted) return;
  conn_flush(s->c);
  static const char note[] = "\n**** SMTP testing: that is not a real message id!\n\n";
  if (write(s->c->out_fd, note, sizeof note - 1) < 0) s->c->write_failed = true;
}

/* A message is on the spool: once the reply is on its way, delivery
 * starts or is left to a queue runner (smtp_accept_queue and
 * smtp_accept_queue_per_connection say so in the log). */
static void start_delivery(smtp_conn *c, const char *id) {
  conn_flush(c);
  int per = c->connection_max_messages > 0 ? c->connection_max_messages
                                           : mainconf.smtp_accept_queue_per_connection;
  if (per > 0 && c->messages_received >= per) {   /* this one not counted yet */
    log_write_msg(id, LOG_MAIN, "no immediate delivery: more than %d messages received in one connection", per);
    return;
  }
  if (c->accept_queue) {
    log_write_msg(id, LOG_MAIN, "no immediate delivery: more than %d connections", mainconf.smtp_accept_queue);
    return;
  }
  deliver_after_reception(id, deliver_reception_mode, c->env.queue_only);
}

/* Send what reception decided, and end the transaction. */
static void finish_message(smtp_session *s, receive_result *res, const char *prefix) {
  smtp_conn *c = s->c;
  if (res->lost_connection) {
    s->done = true;
    if (res->reply) smtp_reply_raw(s, res->reply->s, res->reply->len);
    return;
  }
  if (prefix && res->accepted) conn_write(c, prefix, strlen(prefix));
  if (res->reply) smtp_reply_raw(s, res->reply->s, res->reply->len);
  if (res->accepted && !c->host_checking) start_delivery(c, res->id);
  if (res->accepted) {
    if (c->host_checking) log_host_checking_id(res->id);
    c->messages_received++;
    s->free_helo_used = s->free_rset_used = false;
    /* smtp_accept_queue_per_connection (the daemon puts it in
     * connection_max_messages): later messages are only queued */
    if (c->connection_max_messages > 0 && c->messages_received >= c->connection_max_messages) c->accept_queue = true;
  }
  host_check_note(s, res);
  if (res->drop) s->done = true;
  smtp_reset_transaction(s);
}

static smtp_in_result data_body(void *ctx, smtp_in_body *b) {
  smtp_session *s = ctx;
  b->lf_lines = s->c->local;   /* -bs on a pipe, not inetd or -bh */
  return smtp_in_read_data(&s->c->in, b);
}

/* Common checks before DATA or the first BDAT; false when refused. */
static bool message_may_start(smtp_session *s, const char *verb) {
  smtp_conn *c = s->c;
  /* all recipients discarded by an ACL: exim4 still takes the message */
  if (c->env.recipients_count == 0 && !c->env.discarded_by) {
    no_recipients(s, verb);
    return false;
  }
  if (mainconf.acl_smtp_predata) {
    bool dropped;
    if (smtp_run_acl(s, ACL_WHERE_PREDATA, mainconf.acl_smtp_predata, NULL, &dropped) != ACL_OK) return false;
  }
  return true;
}

void smtp_cmd_data(smtp_session *s) {
  smtp_conn *c = s->c;
  if (*s->cmd_args) {
    smtp_unexpected_args(s);
    return;
  }
  if (!message_may_start(s, "DATA")) return;
  smtp_reply(s, 354, "Enter message, ending with \".\" on a line by itself");
  conn_flush(c);
  receive_result res;
  memset(&res, 0, sizeof res);
  receive_smtp_message(c, data_body, s, &res);
  finish_message(s, &res, NULL);
}

/* ---- BDAT ---- */

static bool discard(void *ctx, const char *data, size_t len) {
  (void)ctx, (void)data, (void)len;
  return true;
}

typedef struct {
  smtp_session *s;
  unsigned long long first_size;
  bool first_last;
  unsigned long long total;
  unsigned long long last_size;  /* the LAST chunk's */
  bool reset;       /* RSET ended the transfer */
  /* the first line as stored, to tell whether the message starts with a
   * header (for the "total" of the last reply) */
  smtp_in_sink sink;
  void *sink_ctx;
  char first[256];
  size_t first_len;
  bool first_done;
} bdat_ctx;

/* Sink in front of reception's: keeps the start of the first line. */
static bool bdat_sink(void *vctx, const char *data, size_t len) {
  bdat_ctx *x = vctx;
  for (size_t i = 0; i < len && !x->first_done; i++) {
    if (data[i] == '\n' || x->first_len == sizeof x->first - 1) x->first_done = true;
    else x->first[x->first_len++] = data[i];
  }
  return x->sink(x->sink_ctx, data, len);
}

/* exim4's "total" in the reply to BDAT LAST: the message in CRLF form
 * (with the final line ending it adds), plus one when the first line is
 * not a header line (the blank line it then puts before the body). */
static unsigned long long bdat_total(const bdat_ctx *x, const smtp_in_body *b) {
  if (b->size == 0) return 2;   /* exim4 counts the CRLF it adds to an empty message */
  unsigned long long t = (unsigned long long)b->size + b->lines;
  size_t n = 0;
  while (n < x->first_len && x->first[n] > ' ' && x->first[n] < 127 && x->first[n] != ':') n++;
  bool header = n > 0 && n < x->first_len && x->first[n] == ':';
  return header ? t : t + 1;
}

/* "n" or "n LAST": false when malformed. */
static bool bdat_args(const char *a, unsigned long long *size, bool *last) {
  char *end;
  if (!*a || *a < '0' || *a > '9') return false;
  errno = 0;
  *size = strtoull(a, &end, 10);
  if (errno) return false;
  const char *p = str_skip_space(end);
  *last = false;
  if (!*p) return true;
  if (p == end) return false;
  if (str_eqic(p, "LAST")) {
    *last = true;
    return true;
  }
  return false;
}

static smtp_in_result bdat_body(void *vctx, smtp_in_body *b) {
  bdat_ctx *x = vctx;
  smtp_session *s = x->s;
  smtp_conn *c = s->c;
  unsigned long long size = x->first_size;
  bool last = x->first_last;
  x->sink = b->sink;
  x->sink_ctx = b->ctx;
  b->sink = bdat_sink;
  b->ctx = x;
  for (;;) {
    smtp_in_result r = smtp_in_read_chunk(&c->in, b, (size_t)size);
    if (r != SMTP_IN_OK) return r;
    x->total += size;
    if (last) {
      x->last_size = size;
      smtp_in_result f = smtp_in_body_finish(b);
      x->total = bdat_total(x, b);
      return f;
    }
    smtp_reply(s, 250, "%llu byte chunk received", size);
    if (!smtp_in_input_pending(&c->in)) conn_flush(c);
    /* The next command must be BDAT. */
    for (;;) {
      char *line;
      size_t len;
      r = smtp_in_read_command(&c->in, &line, &len);
      if (r == SMTP_IN_EOF || r == SMTP_IN_TIMEOUT || r == SMTP_IN_ERROR) return r;
      const char *args = "";
      smtp_cmd cmd = r == SMTP_IN_OK ? smtp_cmd_parse(line, len, &args) : SCMD_UNKNOWN;
      c->last_command = str_copy_taint(line, true);
      if (cmd == SCMD_RSET) {
        x->reset = true;
        return SMTP_IN_ERROR;
      }
      if (cmd == SCMD_QUIT && s->bdat_failed && !*args) {
        /* The client goes: reception sees the connection lost. */
        smtp_cmd_quit(s);
        return SMTP_IN_EOF;
      }
      if (cmd == SCMD_NOOP && !s->bdat_failed) {
        smtp_reply(s, 250, "OK");
        if (!smtp_in_input_pending(&c->in)) conn_flush(c);
        continue;
      }
      if (cmd == SCMD_BDAT && !s->bdat_failed) {
        if (!bdat_args(args, &size, &last)) {
          smtp_synprot_error(s, 501, "missing size for BDAT command", "missing size for BDAT command");
          if (s->done) return SMTP_IN_ERROR;
          continue;
        }
        break;
      }
      if (s->bdat_failed) {
        smtp_synprot_error(s, 503, "only RSET accepted now", "only RSET accepted now");
      } else {
        s->bdat_failed = true;
        smtp_synprot_error(s, 503, "only BDAT permissible after non-LAST BDAT", "only BDAT permissible after non-LAST BDAT");
      }
      if (s->done) return SMTP_IN_ERROR;
      if (!smtp_in_input_pending(&c->in)) conn_flush(c);
    }
  }
}

void smtp_cmd_bdat(smtp_session *s) {
  smtp_conn *c = s->c;
  if (!c->chunking_advertised) {
    smtp_synprot_error(s, 503, "BDAT command used when CHUNKING not advertised",
                       "BDAT command used when CHUNKING not advertised");
    return;
  }
  unsigned long long size;
  bool last;
  if (!bdat_args(s->cmd_args, &size, &last)) {
    smtp_synprot_error_kind(s, SMTP_PROTOCOL, 501, "missing size for BDAT command", "missing size for BDAT command");
    return;
  }
  if (!message_may_start(s, "BDAT")) {
    /* The chunk's bytes are still on their way: skip them. */
    smtp_in_body skip;
    smtp_in_body_init(&skip, discard, NULL, 0);
    if (smtp_in_read_chunk(&c->in, &skip, (size_t)size) != SMTP_IN_OK) s->done = true;
    return;
  }
  c->chunking_used = true;
  bdat_ctx x = {.s = s, .first_size = size, .first_last = last};
  receive_result res;
  memset(&res, 0, sizeof res);
  receive_smtp_message(c, bdat_body, &x, &res);
  if (x.reset) {
    smtp_reset_transaction(s);
    smtp_reply(s, 250, "Reset OK");
    return;
  }
  const char *prefix = str_sprintf("250- %llu byte chunk, total %llu\r\n", x.last_size, x.total);
  finish_message(s, &res, prefix);
}
