/* receive_log.c - the "<=" main log line for an accepted message (spec
 * 53.6, fields of 53.13, the reception selectors of 53.15), items in the
 * order Exim 4.96 writes them:
 *   <= sender [R=ref] H=... [U=...] P=proto [L[.*][-]] [X= CV= DN= SNI=]
 *   [A=auth[:id[:sender]]] [PRDR] [PRX=] [K] S=size [M8S=n] [id=|id*=msgid] [Q=queue]
 *   [T="subject"] [from <sender>] [for rcpt ...]
 *
 * Entry point: rcv_log_arrival (receive_int.h).
 * Must never: log a message that is not on the spool.
 */
#include <string.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "base/str.h"
#include "expand/expand.h"
#include "receive/receive_int.h"

/* A value for a quoted log field, as Exim prints one: '"' and '\' escaped,
 * tab/newline/CR as \t \n \r, other non-printing bytes (and 8-bit ones)
 * as three octal digits. */
static const char *quoted(const char *s) {
  gstring *g = g_new(strlen(s) + 3, is_tainted(s));
  g = g_catc(g, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') g = g_fmt(g, "\\%c", *p);
    else if (*p == '\n') g = g_cat(g, "\\n");
    else if (*p == '\r') g = g_cat(g, "\\r");
    else if (*p == '\t') g = g_cat(g, "\\t");
    else if (*p < 32 || *p >= 127) g = g_fmt(g, "\\%03o", *p);
    else g = g_catc(g, (char)*p);
  }
  return g_str(g_catc(g, '"'));
}

/* The Subject: for T=: unfolded, without the final newline, RFC 2047
 * words decoded into headers_charset (as $h_subject: would be). */
static const char *subject_text(const char *raw) {
  gstring *g = g_new(strlen(raw) + 1, is_tainted(raw));
  for (const char *p = raw; *p; p++) {
    if (*p == '\n' && (p[1] == ' ' || p[1] == '\t')) continue;
    if (*p == '\n' && !p[1]) break;
    g = g_catc(g, *p);
  }
  expand_set_value(g_str(g));
  const char *d = expand_cstring("${rfc2047d:$value}");
  expand_set_value(NULL);
  return d ? d : g_str(g);
}

/* RT=: from the start of reception to the message's completion. */
static const char *receive_time(const spool_msg *m) {
  return conn_elapsed_text((m->complete_sec - m->received_sec) * 1000000L + (m->complete_usec - m->received_usec));
}

const char *rcv_log_arrival(rcv_msg *r) {
  smtp_conn *c = r->c;
  spool_msg *m = &r->m;
  gstring *g = g_fmt(NULL, "%s %s", r->fake_reject ? "(=" : "<=", m->sender && *m->sender ? m->sender : "<>");
  if (r->bounce_ref) g = g_fmt(g, " R=%s", r->bounce_ref);
  gstring *h = conn_host_text(NULL, c);
  if (h && h->len) g = g_fmt(g, " %s", g_str(h));
  if (c->received_protocol) g = g_fmt(g, " P=%s", c->received_protocol);
  if (LOGGING(pipelining) && c->pipelining_advertised) {
    g = g_cat(g, " L");
    if (c->pipe_connect_used) g = g_catc(g, '*');
    else if (c->pipe_connect_advertised) g = g_catc(g, '.');
    if (!c->pipelining_used) g = g_catc(g, '-');
  }
  if (c->tls.active) {
    /* tls_resumption: '*' after the cipher when the session was resumed
     * (bit 16 of $tls_in_resumption) */
    if (LOGGING(tls_cipher) && c->tls.cipher)
      g = g_fmt(g, " X=%s%s", c->tls.cipher,
                LOGGING(tls_resumption) && (c->tls.resumption & 16) ? "*" : "");
    if (LOGGING(tls_certificate_verified))
      g = g_fmt(g, " CV=%s", c->tls.certificate_verified ? "yes" : "no");
    if (LOGGING(tls_peerdn) && c->tls.peerdn) g = g_fmt(g, " DN=%s", quoted(c->tls.peerdn));
    if (LOGGING(tls_sni) && c->tls.sni) g = g_fmt(g, " SNI=%s", quoted(c->tls.sni));
  }
  if (c->auth_driver_name) {
    g = g_fmt(g, " A=%s", c->auth_driver_name);
    if (c->authenticated_id) g = g_fmt(g, ":%s", c->authenticated_id);
    if (LOGGING(smtp_mailauth) && c->env.auth_sender)
      g = g_fmt(g, ":%s", *c->env.auth_sender ? c->env.auth_sender : "<>");
  }
  if (r->prdr_used) g = g_cat(g, " PRDR");
  if (LOGGING(proxy) && c->proxy_session && c->proxy_local_address)
    g = g_fmt(g, " PRX=%s", c->proxy_local_address);   /* exim4: address only (recorded) */
  if (c->chunking_used) g = g_cat(g, " K");
  long dsize = MESSAGE_ID_LENGTH + 3 + r->body_size;
  g = g_fmt(g, " S=%ld", spool_message_size(m, dsize));
  if (LOGGING(8bitmime)) g = g_fmt(g, " M8S=%d", c->env.body_type == 8 ? 8 : c->env.body_type == 7 ? 7 : 0);
  if (LOGGING(receive_time)) g = g_fmt(g, " RT=%s", receive_time(m));
  if (r->msgid_header && LOGGING(msg_id) && (!r->msgid_created || LOGGING(msg_id_created)))
    g = g_fmt(g, " id%s=%s", r->msgid_created ? "*" : "", r->msgid_header);
  if (r->queue_name) g = g_fmt(g, " Q=%s", r->queue_name);
  if (LOGGING(subject) && r->subject) g = g_fmt(g, " T=%s", quoted(subject_text(r->subject)));
  if (LOGGING(received_sender)) g = g_fmt(g, " from <%s>", m->sender ? m->sender : "");
  if (LOGGING(received_recipients) && m->recipients_count) {
    g = g_cat(g, " for");
    for (int i = 0; i < m->recipients_count; i++) g = g_fmt(g, " %s", r->rcpt_given[i]);
  }
  log_write_msg(m->id, LOG_MAIN, "%s", g_str(g));
  return g_str(g) + 3;
}
