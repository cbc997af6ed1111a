/* auth_server.c - the server side of SMTP AUTH (spec 33.2, 33.3): the
 * mechanisms EHLO advertises, the AUTH command around each type's server
 * function (acl_smtp_auth, mechanism choice, server_set_id, replies, log
 * lines, $authenticated_id & co), the AUTH= parameter of MAIL, and the
 * helpers the types share (334 exchange, base64, $auth1..3,
 * server_condition).
 *
 * Entry points: see auth_server.h.
 * Must never: log a password or response (only set_id and Exim's reply
 * texts go to the log); mark the connection authenticated unless the type
 * returned AUTH_OK; read a response without the reader's bounds.
 */
#include "auth/auth_server.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "acl/acl.h"
#include "base/base64.h"
#include "base/log.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "smtp/smtp_in.h"

#define AUTH_VARS 3

auth_synprot_fn auth_server_synprot;

/* Why the last exchange deferred.  The user text is kept across AUTH
 * commands of a connection as Exim 4.96 keeps it: a later deferral without
 * a text of its own repeats it in the 435 reply. */
static const char *defer_log_msg;
static const char *defer_user_msg;

static const char *auth_values[AUTH_VARS];

void auth_server_defer(const char *log_msg, const char *user_msg) {
  defer_log_msg = log_msg;
  if (user_msg) defer_user_msg = user_msg;
}

void auth_hdebug(const smtp_conn *c, const char *fmt, ...) {
  if (!(c && c->host_checking) && !(debug_selector & D_auth)) return;
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(g_new(64, false), fmt, ap);
  va_end(ap);
  if (c && c->host_checking && !(debug_selector & D_auth)) {
    fprintf(stderr, ">>> %s\n", g_str(g));
    fflush(stderr);
  } else {
    debug_printf("%s\n", g_str(g));
  }
}

/* ---- variables ------------------------------------------------------------ */

void auth_set_vars(const char *const *values, int n) {
  static const char *const names[AUTH_VARS] = {"auth1", "auth2", "auth3"};
  const char *num[EXPAND_MAXN] = {NULL};
  if (n > EXPAND_MAXN - 1) n = EXPAND_MAXN - 1;
  for (int i = 0; i < AUTH_VARS; i++) {
    auth_values[i] = i < n ? values[i] : NULL;
    expand_var_set(names[i], auth_values[i]);
  }
  for (int i = 0; i < n; i++) num[i + 1] = values[i];
  expand_set_numeric(n > 0 ? n + 1 : 0, num);
}

const char *auth_var(int n) { return n >= 1 && n <= AUTH_VARS ? auth_values[n - 1] : NULL; }

/* ---- base64 exchange ------------------------------------------------------ */

bool auth_b64_decode(const char *s, const char **data, size_t *dlen) {
  gstring *g = g_new(strlen(s) + 1, true);
  if (strcmp(s, "=") != 0 && !base64_decode(&g, s)) return false;
  *data = g_str(g);
  *dlen = g->len;
  return true;
}

int auth_get_response(smtp_conn *c, const char *challenge, size_t len, const char **line) {
  gstring *g = g_cat(NULL, "334 ");
  g = base64_encode(g, challenge, len);
  g = g_cat(g, "\r\n");
  conn_write(c, g->s, g->len);
  if (!conn_flush(c)) return AUTH_EOF;
  char *l;
  size_t n;
  smtp_in_result r = smtp_in_read_command(&c->in, &l, &n);
  /* An over-long response is not base64 we can use; as with exim4, the
   * rest of that line is then read as the next command. */
  if (r == SMTP_IN_NUL || r == SMTP_IN_TOOLONG) {
    *line = "";
    return AUTH_BAD64;
  }
  if (r != SMTP_IN_OK) return AUTH_EOF;
  if (strcmp(l, "*") == 0) return AUTH_CANCELLED;
  *line = str_copyn(l, n);
  return AUTH_OK;
}

int auth_get_data(smtp_conn *c, const char *challenge, size_t len, const char **data, size_t *dlen) {
  const char *line;
  int rc = auth_get_response(c, challenge, len, &line);
  if (rc != AUTH_OK) return rc;
  /* A response is never "=": that form is for the initial response only. */
  if (strcmp(line, "=") == 0) return AUTH_BAD64;
  return auth_b64_decode(line, data, dlen) ? AUTH_OK : AUTH_BAD64;
}

/* ---- server_condition ----------------------------------------------------- */

int auth_check_server_condition(auth_instance *a, smtp_conn *c) {
  /* The commentary comes even when the option is unset (exim4 -bh). */
  auth_hdebug(c, "%s authenticator server_condition:", a->drv.name);
  for (int i = 0; i < AUTH_VARS && auth_values[i]; i++) auth_hdebug(c, "  $auth%d = %s", i + 1, auth_values[i]);
  for (int i = 1; i < EXPAND_MAXN && expand_numeric(i); i++) auth_hdebug(c, "  $%d = %s", i, expand_numeric(i));
  if (a->server_debug_print && ((c && c->host_checking) || (debug_selector & D_auth))) {
    const char *t = expand_cstring(a->server_debug_print);
    if (t) auth_hdebug(c, "%s", t);
    else auth_hdebug(c, "failed to expand server_debug_print: %s", expand_status.message);
  }
  if (!a->server_condition) return AUTH_OK;
  const char *r = expand_cstring(a->server_condition);
  if (!r) {
    auth_hdebug(c, "expansion failed: %s", expand_status.message);
    if (expand_status.forced_fail) return AUTH_FAIL;
    auth_server_defer(expand_status.message, NULL);
    return AUTH_DEFER;
  }
  auth_hdebug(c, "expanded string: %s", r);
  if (!*r || strcmp(r, "0") == 0 || str_eqic(r, "no") || str_eqic(r, "false")) return AUTH_FAIL;
  if (strcmp(r, "1") == 0 || str_eqic(r, "yes") || str_eqic(r, "true")) return AUTH_OK;
  auth_server_defer(r, r);
  return AUTH_DEFER;
}

/* ---- EHLO ----------------------------------------------------------------- */

/* False for "", "0", "no", "false" (any case), as Exim reads conditions. */
static bool cond_true(const char *s) {
  return *s && strcmp(s, "0") != 0 && !str_eqic(s, "no") && !str_eqic(s, "false");
}

gstring *auth_server_advertise(smtp_conn *c, gstring *g) {
  c->auth_advertised = false;
  bool any_server = false;
  for (driver_instance *d = auth_kind.instances; d; d = d->next) {
    auth_instance *a = (auth_instance *)d;
    a->advertised = false;
    if (a->server) any_server = true;
  }
  /* Nothing more is offered once the client has authenticated. */
  if (!any_server || c->auth_driver_name) return g;
  const char *err = NULL;
  match_rc mrc = match_host_list(c->host_name, c->host_address, mainconf.auth_advertise_hosts, &err);
  if (mrc == MATCH_DEFER && err) log_write(LOG_MAIN, "%s", err);
  if (c->host_address)
    smtp_list_trace(c, "host", "auth_advertise_hosts", MATCH_LIST_HOST, c->host_address,
                    mainconf.auth_advertise_hosts, mrc == MATCH_YES);
  if (mrc != MATCH_YES) return g;
  for (driver_instance *d = auth_kind.instances; d; d = d->next) {
    auth_instance *a = (auth_instance *)d;
    if (!a->server) continue;
    if (a->server_advertise_condition) {
      const char *r = expand_cstring(a->server_advertise_condition);
      if (!r) {
        /* exim4 logs even a lookup's failure here (a file it cannot open) */
        if (!expand_status.forced_fail)
          log_write(LOG_MAIN | LOG_PANIC, "failed to expand condition \"%s\" for %s authenticator: %s",
                    a->server_advertise_condition, d->name, expand_status.message);
        continue;
      }
      if (!cond_true(r)) continue;
    }
    g = g_fmt(g, " %s", a->public_name);
    a->advertised = true;
    c->auth_advertised = true;
  }
  return g;
}

/* ---- AUTH ----------------------------------------------------------------- */

static bool synprot(smtp_conn *c, int code, const char *text) {
  if (auth_server_synprot) return auth_server_synprot(c, code, NULL, text);
  conn_printf(c, "%d %s\r\n", code, text);
  return true;
}

/* The host as Exim writes it in "authenticator failed for" lines: the
 * H= text without its "H=", or the login of a local caller. */
static const char *host_for_log(const smtp_conn *c) {
  if (!c->host_address) return c->login ? c->login : c->ident ? c->ident : "";
  const char *s = g_str(conn_host_text(NULL, c));
  return strncmp(s, "H=", 2) == 0 ? s + 2 : s;
}

/* Run the mechanism and answer; false when the connection is lost. */
static bool run_exchange(smtp_conn *c, auth_instance *a, const char *initial) {
  const auth_ops *ops = a->drv.info->kind_ops;
  auth_set_vars(NULL, 0);
  defer_log_msg = NULL;
  int rc = ops->server(a, c, initial);
  if (rc == AUTH_EOF) return false;

  const char *set_id = NULL;
  bool set_id_failed = false;
  if (a->server_set_id) {
    set_id = expand_cstring(a->server_set_id);
    set_id_failed = !set_id && !expand_status.forced_fail;
    if (set_id && !*set_id) set_id = NULL;
  }
  const char *idtext = set_id ? str_sprintf(" (set_id=%s)", set_id) : "";
  const char *reply = NULL;
  /* $auth1.. and $1.. do not outlive the command (as in exim4). */
  auth_set_vars(NULL, 0);

  /* A server_set_id that cannot be expanded spoils a success: exim4
   * answers 435 then, and logs nothing. */
  if (rc == AUTH_OK && set_id_failed) {
    expand_var_set("authentication_failed", "1");
    conn_publish(c);
    conn_printf(c, "435 Unable to authenticate at present%s%s\r\n", defer_user_msg ? ": " : "",
                defer_user_msg ? defer_user_msg : "");
    return true;
  }

  switch (rc) {
  case AUTH_OK:
    c->authenticated_id = set_id;
    c->authenticated_fail_id = NULL;
    c->auth_driver_name = a->drv.name;
    c->auth_mechanism = a->public_name;
    if (c->received_protocol) {
      size_t n = strlen(c->received_protocol);
      if (n == 0 || c->received_protocol[n - 1] != 'a')
        c->received_protocol = str_sprintf("%sa", c->received_protocol);
    }
    expand_var_set("authentication_failed", "0");
    conn_publish(c);
    conn_printf(c, "235 Authentication succeeded\r\n");
    return true;
  case AUTH_DEFER:
    reply = str_sprintf("435 Unable to authenticate at present%s%s", defer_user_msg ? ": " : "",
                        defer_user_msg ? defer_user_msg : "");
    log_write(LOG_MAIN | LOG_REJECT, "%s authenticator failed for %s: 435 Unable to authenticate at present%s: %s",
              a->drv.name, host_for_log(c), idtext, defer_log_msg ? defer_log_msg : "");
    break;
  case AUTH_ERROR:
    reply = "435 Internal error";
    log_write(LOG_MAIN | LOG_REJECT, "%s authenticator failed for %s: 435 Internal error%s: %s", a->drv.name,
              host_for_log(c), idtext, defer_log_msg ? defer_log_msg : "");
    break;
  case AUTH_CANCELLED: reply = "501 Authentication cancelled"; break;
  case AUTH_BAD64: reply = "501 Invalid base64 data"; break;
  case AUTH_UNEXPECTED: reply = "553 Initial data not expected"; break;
  default: reply = "535 Incorrect authentication data"; break;
  }
  if (rc != AUTH_DEFER && rc != AUTH_ERROR)
    log_write(LOG_MAIN | LOG_REJECT, "%s authenticator failed for %s: %s%s", a->drv.name, host_for_log(c), reply,
              idtext);
  if (set_id) c->authenticated_fail_id = idtext;
  expand_var_set("authentication_failed", "1");
  conn_publish(c);
  conn_printf(c, "%s\r\n", reply);
  return true;
}

bool auth_server_command(smtp_conn *c, const char *args) {
  if (!c->auth_advertised && !c->allow_auth_unadvertised)
    return synprot(c, 503, "AUTH command used when not advertised");
  if (c->auth_driver_name) return synprot(c, 503, "already authenticated");
  if (c->env.mail_seen) return synprot(c, 503, "not permitted in mail transaction");

  if (mainconf.acl_smtp_auth) {
    const char *user_msg = NULL, *log_msg = NULL;
    int rc = acl_check(ACL_WHERE_AUTH, NULL, mainconf.acl_smtp_auth, &user_msg, &log_msg);
    if (rc != ACL_OK) {
      gstring *reply = NULL;
      bool drop = false;
      smtp_acl_reply(c, ACL_WHERE_AUTH, rc, NULL, user_msg, log_msg, &reply, &drop);
      if (reply) conn_write(c, reply->s, reply->len);
      return !drop;
    }
  }

  const char *p = args ? args : "";
  size_t n = 0;
  while (p[n] && p[n] != ' ' && p[n] != '\t') {
    char ch = p[n];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
          ch == '_'))
      return synprot(c, 501, "invalid character in authentication mechanism name");
    n++;
  }
  const char *mech = str_copyn(p, n);
  const char *initial = NULL;
  if (p[n]) {
    initial = str_skip_space(p + n);
    if (!*initial) initial = NULL;
  }

  for (driver_instance *d = auth_kind.instances; d; d = d->next) {
    auth_instance *a = (auth_instance *)d;
    if (a->server && (a->advertised || c->allow_auth_unadvertised) && a->public_name &&
        str_eqic(a->public_name, mech) && d->info && d->info->kind_ops &&
        ((const auth_ops *)d->info->kind_ops)->server)
      return run_exchange(c, a, initial);
  }
  return synprot(c, 504, str_sprintf("%s authentication mechanism not supported", mech));
}

void auth_server_reset(smtp_conn *c) {
  c->authenticated_id = NULL;
  c->auth_driver_name = NULL;
  c->auth_mechanism = NULL;
  c->auth_advertised = false;
  for (driver_instance *d = auth_kind.instances; d; d = d->next) ((auth_instance *)d)->advertised = false;
}

/* ---- AUTH= on MAIL -------------------------------------------------------- */

static auth_instance *used_authenticator(const smtp_conn *c) {
  if (!c->auth_driver_name) return NULL;
  for (driver_instance *d = auth_kind.instances; d; d = d->next)
    if (strcmp(d->name, c->auth_driver_name) == 0) return (auth_instance *)d;
  return NULL;
}

static const char *host_text(const smtp_conn *c) { return g_str(conn_host_text(NULL, c)); }

bool auth_server_mail_param(smtp_conn *c, const char *value) {
  c->env.auth_sender = NULL;
  expand_var_set("authenticated_sender", NULL);
  if (strcmp(value, "<>") == 0) return true;

  expand_var_set("authenticated_sender", value);
  if (mainconf.acl_smtp_mailauth) {
    const char *user_msg = NULL, *log_msg = NULL;
    int rc = acl_check(ACL_WHERE_MAILAUTH, NULL, mainconf.acl_smtp_mailauth, &user_msg, &log_msg);
    if (rc == ACL_DEFER || rc == ACL_ERROR) {
      expand_var_set("authenticated_sender", NULL);
      gstring *reply = NULL;
      bool drop = false;
      smtp_acl_reply(c, ACL_WHERE_MAILAUTH, rc, NULL, user_msg, log_msg, &reply, &drop);
      if (reply) conn_write(c, reply->s, reply->len);
      return false;
    }
    if (rc != ACL_OK) {
      log_write(LOG_MAIN, "ignoring AUTH=%s from %s (rejected by ACL)", value, host_text(c));
      expand_var_set("authenticated_sender", NULL);
      return true;
    }
  } else if (!c->auth_driver_name) {
    log_write(LOG_MAIN, "ignoring AUTH=%s from %s (client not authenticated)", value, host_text(c));
    expand_var_set("authenticated_sender", NULL);
    return true;
  }

  auth_instance *a = used_authenticator(c);
  if (a && a->server_mail_auth_condition) {
    const char *r = expand_cstring(a->server_mail_auth_condition);
    if (!r || !cond_true(r)) {
      log_write(LOG_MAIN, "ignoring AUTH=%s from %s (server_mail_auth_condition failed: authenticated ID=\"%s\")",
                value, host_text(c), c->authenticated_id ? c->authenticated_id : "");
      expand_var_set("authenticated_sender", NULL);
      return true;
    }
  }
  c->env.auth_sender = value;
  return true;
}
