/* deliver_vars.c - the expansion variables of a message being delivered
 * (spec 11.9): everything the -H file holds ($message_id, $sender_address,
 * $received_*, $sender_host_*, $authenticated_*, $acl_m*, $recipients,
 * ...), the header block for $h_... and the body read from the -D file for
 * $message_body / $message_body_end.
 *
 * Entry point: dlv_set_message_vars (deliver_int.h).
 * Must never: read more of the -D file than message_body_visible from each
 * end (the body can be large); change the file position others use (pread).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver_int.h"
#include "expand/variables.h"

static const char *num(long n) { return str_sprintf("%ld", n); }

/* Up to n bytes of the body from offset off (in the body), tainted. */
static char *body_bytes(const deliver_msg *dm, long off, long n, size_t *got) {
  if (n < 0) n = 0;
  char *buf = store_get((size_t)n + 1, true);
  ssize_t r = n ? pread(dm->data_fd, buf, (size_t)n, dm->body_offset + off) : 0;
  if (r < 0) r = 0;
  buf[r] = 0;
  *got = (size_t)r;
  return buf;
}

static void set_aclvar(const spool_aclvar *v) {
  expand_aclvar_set(str_sprintf("acl_%c%s", v->scope, v->name), v->value);
}

void dlv_set_message_vars(deliver_msg *dm) {
  spool_msg *m = &dm->m;

  /* the header block and the body */
  gstring *hb = g_new(1024, false);
  long hlines = 0, hsize = 0;
  for (spool_header *h = m->headers; h; h = h->next) {
    if (h->type == '*') continue;
    hb = g_cat(hb, h->text);
    for (const char *p = h->text; *p; p++) hlines += *p == '\n';
  }
  hsize = (long)hb->len;
  long visible = mainconf.message_body_visible > 0 ? mainconf.message_body_visible : 0;
  size_t head_len = 0, tail_len = 0;
  char *head = body_bytes(dm, 0, visible < dm->body_size ? visible : dm->body_size, &head_len);
  long tail_off = dm->body_size > visible ? dm->body_size - visible : 0;
  char *tail = body_bytes(dm, tail_off, dm->body_size - tail_off, &tail_len);
  expand_set_message(hb->s, hb->len, head, head_len);
  expand_msg_counts counts = {
      .size = hsize + 1 + dm->body_size,
      .linecount = hlines + m->body_linecount,   /* the blank line is not counted (exim4) */
      .body_linecount = m->body_linecount,
      .body_zerocount = m->body_zerocount,
      .body_size = dm->body_size,
      .body_end = tail,
      .body_end_len = tail_len};
  expand_set_message_counts(&counts);

  expand_var_set("message_exim_id", m->id);
  expand_var_set("message_id", m->id);
  expand_var_set("sender_address", m->sender);
  expand_var_set("return_path", m->sender);
  expand_var_set("recipients_count", num(m->recipients_count));
  gstring *g = NULL;
  for (int i = 0; i < m->recipients_count; i++)
    g = g_fmt(g, "%s%s", i ? ", " : "", m->recipients[i].address);
  expand_var_set("recipients", g ? g_str(g) : "");
  expand_var_set("received_time", num(m->received_sec));
  long age = (long)time(NULL) - m->received_sec;
  expand_var_set("message_age", num(age < 0 ? 0 : age));
  expand_var_set("received_protocol", m->received_protocol);
  expand_var_set("originator_uid", num((long)m->originator_uid));
  expand_var_set("originator_gid", num((long)m->originator_gid));
  expand_var_set("sender_ident", m->ident);
  expand_var_set("sender_helo_name", m->helo_name);
  expand_var_set("sender_host_address", m->host_address);
  expand_var_set("sender_host_port", num(m->host_address ? m->host_port : 0));
  expand_var_set("sender_host_name", m->host_name);
  expand_var_set("sender_host_authenticated", m->host_auth);
  expand_var_set("received_ip_address", m->interface_address);
  expand_var_set("received_port", num(m->interface_address ? m->interface_port : -1));
  expand_var_set("interface_address", m->interface_address);
  expand_var_set("interface_port", num(m->interface_address ? m->interface_port : -1));
  expand_var_set("smtp_active_hostname", m->active_hostname);
  expand_var_set("authenticated_id", m->auth_id);
  expand_var_set("authenticated_sender", m->auth_sender);
  expand_var_set("host_lookup_failed", m->host_lookup_failed ? "1" : "0");
  expand_var_set("host_lookup_deferred", m->host_lookup_deferred ? "1" : "0");
  expand_var_set("max_received_linelength", num(m->max_received_linelength));
  expand_var_set("tls_in_cipher", m->tls_cipher);
  expand_var_set("tls_cipher", m->tls_cipher);
  expand_var_set("tls_in_peerdn", m->tls_peerdn);
  expand_var_set("tls_peerdn", m->tls_peerdn);
  expand_var_set("tls_in_sni", m->tls_sni);
  expand_var_set("tls_sni", m->tls_sni);
  expand_var_set("tls_in_certificate_verified", m->tls_certificate_verified ? "1" : "0");
  expand_var_set("tls_certificate_verified", m->tls_certificate_verified ? "1" : "0");
  expand_var_set("local_scan_data", m->local_scan);
  expand_var_set("spam_bar", m->spam_bar);
  expand_var_set("spam_score", m->spam_score);
  expand_var_set("spam_score_int", m->spam_score_int);
  expand_var_set("dsn_envid", m->dsn_envid);

  /* $received_count: the Received: headers of the message */
  long rc = 0;
  for (spool_header *h = m->headers; h; h = h->next)
    if (h->type != '*' && strncasecmp(h->text, "received:", 9) == 0) rc++;
  expand_var_set("received_count", num(rc));

  expand_aclvar_clear_message();
  for (const spool_aclvar *v = m->aclvars; v; v = v->next) set_aclvar(v);
}
