/* conn.c - the incoming connection's state: initialisation, buffered
 * output to the peer, publishing the state as expansion variables, and the
 * host text of log lines.  See conn.h.
 *
 * Must never: write to the peer except through c->writefn (TLS may be
 * underneath), or keep going after a failed write as if it had worked.
 */
#include "smtp/conn.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/log_selector.h"
#include "base/store.h"
#include "base/str.h"
#include "config/option.h"
#include "expand/variables.h"

smtp_conn *conn_current;

/* Plain write(2) of the whole buffer, retried on EINTR and short writes. */
static bool plain_write(smtp_conn *c, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(c->out_fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    len -= (size_t)n;
  }
  return true;
}

void conn_init(smtp_conn *c, int in_fd, int out_fd, int timeout) {
  memset(c, 0, sizeof *c);
  smtp_in_reader_init(&c->in, in_fd, timeout, 0, 0);
  c->out_fd = out_fd;
  c->writefn = plain_write;
  c->outbuf = g_new(1024, false);
  struct timeval now;
  gettimeofday(&now, NULL);
  c->start = now.tv_sec;
  c->start_usec = (long)now.tv_usec;
  c->connection_max_messages = -1;
  c->env.declared_size = -1;
}

void conn_reset_envelope(smtp_conn *c) {
  memset(&c->env, 0, sizeof c->env);
  c->env.declared_size = -1;
}

bool conn_write(smtp_conn *c, const char *data, size_t len) {
  if (c->write_failed) return false;
  c->outbuf = g_catn(c->outbuf, data, len);
  return true;
}

bool conn_printf(smtp_conn *c, const char *fmt, ...) {
  if (c->write_failed) return false;
  va_list ap;
  va_start(ap, fmt);
  c->outbuf = g_vfmt(c->outbuf, fmt, ap);
  va_end(ap);
  return true;
}

bool conn_flush(smtp_conn *c) {
  if (c->write_failed) return false;
  if (c->outbuf->len == 0) return true;
  bool ok = c->writefn(c, c->outbuf->s, c->outbuf->len);
  g_trim(c->outbuf, 0);
  if (!ok) c->write_failed = true;
  return ok;
}

static const char *num(long n) { return str_sprintf("%ld", n); }

/* "name (helo) [ip]" as $sender_fullhost; NULL for local input. */
static const char *fullhost(const smtp_conn *c) {
  if (!c->host_address) return NULL;
  gstring *g = g_new(64, false);
  if (c->host_name) {
    g = g_cat(g, c->host_name);
    if (c->helo_name && !str_eqic(c->helo_name, c->host_name)) g = g_fmt(g, " (%s)", c->helo_name);
    g = g_catc(g, ' ');
  } else if (c->helo_name) {
    g = g_fmt(g, "(%s) ", c->helo_name);
  }
  g = g_fmt(g, "[%s]", c->host_address);
  return g_str(g);
}

void conn_publish(const smtp_conn *c) {
  expand_var_set("sender_host_address", c->host_address);
  expand_var_set("sender_host_port", num(c->host_address ? c->host_port : 0));
  expand_var_set("sender_host_name", c->host_name);
  expand_var_set("sender_fullhost", fullhost(c));
  expand_var_set("sender_helo_name", c->helo_name);
  expand_var_set("sender_ident", c->ident);
  expand_var_set("host_lookup_failed", c->host_lookup_failed ? "1" : "0");
  expand_var_set("host_lookup_deferred", c->host_lookup_deferred ? "1" : "0");
  expand_var_set("received_ip_address", c->interface_address);
  expand_var_set("received_port", num(c->interface_address ? c->interface_port : -1));
  expand_var_set("interface_address", c->interface_address);
  expand_var_set("interface_port", num(c->interface_address ? c->interface_port : -1));
  expand_var_set("received_protocol", c->received_protocol);
  expand_var_set("smtp_active_hostname", c->active_hostname);
  expand_var_set("authenticated_id", c->authenticated_id);
  expand_var_set("authenticated_fail_id", c->authenticated_fail_id);
  expand_var_set("authenticated_sender", c->env.auth_sender);
  expand_var_set("sender_host_authenticated", c->auth_driver_name);
  expand_var_set("smtp_command", c->last_command);
  const tls_in_state *t = &c->tls;
  expand_var_set("tls_in_bits", num(t->active ? t->bits : 0));
  expand_var_set("tls_in_certificate_verified", t->certificate_verified ? "1" : "0");
  expand_var_set("tls_in_cipher", t->active ? t->cipher : NULL);
  expand_var_set("tls_in_cipher_std", t->active ? t->cipher_std : NULL);
  expand_var_set("tls_in_ver", t->active ? t->ver : NULL);
  expand_var_set("tls_in_peerdn", t->peerdn);
  expand_var_set("tls_in_sni", t->sni);
  expand_var_set("tls_in_ocsp", num(t->ocsp));
  expand_var_set("tls_in_resumption", num(t->resumption));
  /* The un-prefixed forms are the incoming side's. */
  expand_var_set("tls_bits", num(t->active ? t->bits : 0));
  expand_var_set("tls_certificate_verified", t->certificate_verified ? "1" : "0");
  expand_var_set("tls_cipher", t->active ? t->cipher : NULL);
  expand_var_set("tls_peerdn", t->peerdn);
  expand_var_set("tls_sni", t->sni);
  /* as exim4: "no" and port 0 when there is no proxy (recorded with -bh) */
  expand_var_set("proxy_session", c->proxy_session ? "yes" : "no");
  expand_var_set("proxy_local_address", c->proxy_local_address);
  expand_var_set("proxy_local_port", num(c->proxy_local_port));
  expand_var_set("proxy_external_address", c->proxy_external_address);
  expand_var_set("proxy_external_port", num(c->proxy_external_port));
}

const char *conn_elapsed_text(long us) {
  if (us < 0) us = 0;
  long sec = us / 1000000L;
  if (LOGGING(millisec) && sec < 5) return str_sprintf("%ld.%03lds", sec, us % 1000000L / 1000);
  return option_format_time((int)sec);
}

gstring *conn_host_text(gstring *g, const smtp_conn *c) {
  if (!c->host_address) {
    /* the ident (-oMt of a trusted caller, else the login), as exim4 */
    if (c->ident || c->login) g = g_fmt(g, "U=%s", c->ident ? c->ident : c->login);
    return g;
  }
  g = g_fmt(g, "H=%s", fullhost(c));
  if (LOGGING(incoming_port) && c->host_port > 0) g = g_fmt(g, ":%d", c->host_port);   /* -oMa without a port: none */
  if (LOGGING(incoming_interface) && c->interface_address)
    g = g_fmt(g, " I=[%s]:%d", c->interface_address, c->interface_port);
  if (c->ident) g = g_fmt(g, " U=%s", c->ident);
  return g;
}
