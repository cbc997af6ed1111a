/* smtp_in_misc.c - the SMTP commands around the mail transaction: VRFY,
 * EXPN, ETRN, HELP and STARTTLS, with Exim 4.96's replies (checked
 * against exim4 -bh).
 *
 * VRFY without acl_smtp_vrfy, or refused by it, is answered 252 ("252
 * Administrative prohibition" or the ACL's text); EXPN without an ACL is
 * refused; ETRN without an ACL is refused with 458.  ETRN runs
 * smtp_etrn_command (split into words, each expanded; a tainted word
 * stops it, as in 4.96) or, without one, "exim -R <text after #>",
 * serialised per argument with smtp_etrn_serialize.  VRFY or EXPN that
 * the ACL accepts is answered by routing the address (route_smtp.c).
 *
 * Entry points: smtp_cmd_vrfy(), smtp_cmd_etrn(), smtp_cmd_help(),
 * smtp_cmd_starttls().
 *
 * Must never: run a command through a shell or with tainted arguments, or
 * read cleartext pipelined after STARTTLS as if it came over TLS.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/auth_server.h"
#include "base/address.h"
#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "config/driver.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "hints/hints.h"
#include "route/route_smtp.h"
#include "smtp/smtp_in_int.h"
#include "tls/tls.h"

void smtp_cmd_vrfy(smtp_session *s, bool expn) {
  smtp_conn *c = s->c;
  const char *acl = expn ? mainconf.acl_smtp_expn : mainconf.acl_smtp_vrfy;
  acl_where where = expn ? ACL_WHERE_EXPN : ACL_WHERE_VRFY;
  const char *vrfy_addr = NULL;
  if (!expn) {
    if (!*s->cmd_args) {
      smtp_reply(s, 501, "empty address");   /* not counted (exim4) */
      return;
    }
    const char *err = NULL;
    int dom = 0;
    char *addr = address_extract(s->cmd_args, &err, NULL, NULL, &dom, false);
    if (!addr) {
      smtp_synprot_error(s, 501, err, "%s: %s", s->cmd_args, err);
      return;
    }
    if (dom == 0 && !c->unqualified_recipient_ok) {
      /* the reject log always, the main log with smtp_syntax_error (exim4) */
      log_write(LOG_REJECT | (LOGGING(smtp_syntax_error) ? 0 : LOG_NOMAIN), "unqualified verify rejected: <%s> %s",
                addr, smtp_host_text(c));
      smtp_reply(s, 501, "%s: recipient address must contain a domain", s->cmd_args);   /* not counted */
      return;
    }
    vrfy_addr = dom ? addr : address_qualify(addr, mainconf.qualify_recipient ? mainconf.qualify_recipient
                                                                              : mainconf.qualify_domain);
  }
  const char *user_msg = NULL, *log_msg = NULL;
  int rc;
  if (acl) {
    /* VRFY's address sets $local_part and $domain as a RCPT's does */
    rc = acl_check(where, expn ? NULL : vrfy_addr, acl, &user_msg, &log_msg);
  } else {
    DEBUG(D_acl) debug_printf(">>> ACL is NULL: implicit DENY\n");
    rc = ACL_FAIL;
  }
  if (rc != ACL_OK) {
    gstring *reply = NULL;
    bool drop = false;
    smtp_acl_reply(c, where, rc, NULL, user_msg, log_msg, &reply, &drop);
    smtp_reply_raw(s, reply->s, reply->len);
    if (drop) s->done = true;
    return;
  }
  /* Accepted: the address is routed (route_smtp.c): VRFY verifies it,
   * EXPN lists what it is redirected to. */
  if (!expn) {
    bool failed = false;
    const char *text = NULL;
    int code = route_smtp_vrfy(vrfy_addr, acl_trace_on(), &text, &failed);
    if (failed) log_write(LOG_MAIN, "VRFY failed for %s %s", vrfy_addr, smtp_host_text(c));
    smtp_reply(s, code, "%s", text);
    return;
  }
  const char *err = NULL;
  int dom = 0;
  char *addr = address_extract(s->cmd_args, &err, NULL, NULL, &dom, false);
  if (!addr) {
    smtp_synprot_error(s, 501, err, "%s: %s", s->cmd_args, err);
    return;
  }
  if (!dom) addr = address_qualify(addr, mainconf.qualify_recipient ? mainconf.qualify_recipient
                                                                    : mainconf.qualify_domain);
  const char *text = NULL;
  int code = route_smtp_expn(addr, acl_trace_on(), &text);
  smtp_reply(s, code, "%s", text);
}

/* smtp_etrn_serialize: one run per argument at a time, recorded in the
 * "misc" hints database under "etrn-<argument>" as exim4 does (records
 * older than six hours are ignored).  Returns false when one is running. */
typedef struct {
  hints_header h;
  int count;
} etrn_serial;

static bool serial_start(const char *key) {
  const char *err = NULL;
  hints_db *db = hints_open(NULL, "misc", true, &err);
  if (!db) return true;    /* no database: no serialisation, as a failure to lock would not stop Exim */
  size_t len = 0;
  etrn_serial *old = hints_read(db, key, &len);
  time_t now = time(NULL);
  if (old && len >= sizeof *old && old->count > 0 && now - old->h.time_stamp < 6 * 60 * 60) {
    hints_close(db);
    return false;
  }
  etrn_serial rec = {.h = {.time_stamp = now}, .count = 1};
  hints_write(db, key, &rec, sizeof rec);
  hints_close(db);
  return true;
}

static void serial_end(const char *key) {
  const char *err = NULL;
  hints_db *db = hints_open(NULL, "misc", true, &err);
  if (!db) return;
  hints_delete(db, key);
  hints_close(db);
}

/* Start argv without waiting for it (ETRN does not wait).  With
 * serial_key, a detached process waits for the command and then removes
 * the serialisation record. */
static bool run_detached(const char *const *argv, const char *serial_key, const char **error) {
  pid_t pid = fork();
  if (pid < 0) {
    *error = strerror(errno);
    return false;
  }
  if (pid == 0) {
    /* A grandchild, so that nobody has to reap it. */
    if (fork() != 0) _exit(0);
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
      dup2(fd, 0);
      dup2(fd, 1);
      dup2(fd, 2);
      if (fd > 2) close(fd);
    }
    if (serial_key) {
      pid_t cmd = fork();
      if (cmd == 0) {
        execv(argv[0], (char *const *)argv);
        _exit(127);
      }
      int st;
      if (cmd > 0)
        while (waitpid(cmd, &st, 0) < 0 && errno == EINTR) {}
      serial_end(serial_key);
      _exit(0);
    }
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return true;
}

/* smtp_etrn_command split at white space (double quotes group), each
 * word expanded with $domain set. */
static const char **etrn_argv(const char *cmd, const char **error) {
  const char **argv = store_get(sizeof(char *) * 65, false);
  int n = 0;
  const char *p = cmd;
  for (;;) {
    p = str_skip_space(p);
    if (!*p) break;
    if (n == 64) {
      *error = "too many arguments";
      return NULL;
    }
    gstring *w = g_new(32, false);
    if (*p == '"') {
      for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) p++;
        w = g_catc(w, *p);
      }
      if (*p == '"') p++;
    } else {
      while (*p && *p != ' ' && *p != '\t' && *p != '\n') w = g_catc(w, *p++);
    }
    const char *x = expand_cstring(g_str(w));
    if (!x) {
      *error = str_sprintf("Expansion of \"%s\" failed: %s", g_str(w), expand_status.message);
      return NULL;
    }
    if (is_tainted(x)) {
      *error = str_sprintf("Tainted arg %d for ETRN processing command: '%s'", n, x);
      return NULL;
    }
    argv[n++] = x;
  }
  argv[n] = NULL;
  if (n == 0) {
    *error = "empty command";
    return NULL;
  }
  return argv;
}

void smtp_cmd_etrn(smtp_session *s) {
  smtp_conn *c = s->c;
  const char *arg = s->cmd_args;
  if (c->env.mail_seen) {
    smtp_synprot_error(s, 503, "ETRN is not permitted inside a transaction", "ETRN is not permitted inside a transaction");
    return;
  }
  if (LOGGING(etrn)) log_write(LOG_MAIN, "ETRN %s received from %s", str_printing(arg), smtp_host_and_ident(c));
  if (!mainconf.acl_smtp_etrn) {
    gstring *reply = NULL;
    DEBUG(D_acl) debug_printf(">>> ACL is NULL: implicit DENY\n");
    smtp_acl_reply(c, ACL_WHERE_ETRN, ACL_FAIL, NULL, NULL, NULL, &reply, NULL);
    smtp_reply_raw(s, reply->s, reply->len);
    return;
  }
  bool dropped;
  if (smtp_run_acl(s, ACL_WHERE_ETRN, mainconf.acl_smtp_etrn, NULL, &dropped) != ACL_OK) return;

  const char *error = NULL;
  const char **argv;
  if (mainconf.smtp_etrn_command) {
    expand_var_set("domain", arg);
    argv = etrn_argv(mainconf.smtp_etrn_command, &error);
    expand_var_set("domain", NULL);
  } else {
    if (arg[0] != '#') {
      smtp_synprot_error(s, 501, "argument must begin with #", "argument must begin with #");
      return;
    }
    if (is_tainted(arg)) arg = str_copy_taint(arg, false);  /* a queue-run selector, not a file or command */
    argv = store_get(sizeof(char *) * 4, false);
    argv[0] = mainconf.exim_path;
    argv[1] = "-R";
    argv[2] = arg + 1;
    argv[3] = NULL;
  }
  if (!argv) {
    log_write(LOG_MAIN | LOG_PANIC, "failed to set up ETRN command: %s", error ? error : "");
    smtp_reply(s, 458, "Internal failure");
    return;
  }
  if (c->host_checking) {
    /* -bh: say what would run, run nothing (exim4's commentary) */
    gstring *g = NULL;
    for (int i = 0; argv[i]; i++) g = g_fmt(g, "%s%s", i ? " " : "", argv[i]);
    fprintf(stderr, ">>> ETRN command is: %s\n>>> ETRN command execution skipped\n", g_str(g));
    fflush(stderr);
    smtp_reply(s, 250, "OK");
    return;
  }
  const char *key = NULL;
  if (mainconf.smtp_etrn_serialize) {
    key = str_sprintf("etrn-%s", s->cmd_args);
    if (!serial_start(key)) {
      smtp_reply(s, 458, "Already processing %s", s->cmd_args);
      return;
    }
  }
  if (!run_detached(argv, key, &error)) {
    if (key) serial_end(key);
    log_write(LOG_MAIN | LOG_PANIC, "failed to set up ETRN command: %s", error ? error : "");
    smtp_reply(s, 458, "Internal failure");
    return;
  }
  smtp_reply(s, 250, "OK");
}

void smtp_cmd_help(smtp_session *s) {
  smtp_conn *c = s->c;
  gstring *g = g_cat(NULL, "Commands supported:\nAUTH ");
  if (tls_available() && !c->tls.active && smtp_host_in(c, mainconf.tls_advertise_hosts, "tls_advertise_hosts"))
    g = g_cat(g, "STARTTLS ");
  g = g_cat(g, "HELO EHLO MAIL RCPT DATA BDAT NOOP QUIT RSET HELP");
  if (mainconf.acl_smtp_etrn) g = g_cat(g, " ETRN");
  if (mainconf.acl_smtp_expn) g = g_cat(g, " EXPN");
  if (mainconf.acl_smtp_vrfy) g = g_cat(g, " VRFY");
  smtp_reply(s, 214, "%s", g_str(g));
}

void smtp_cmd_starttls(smtp_session *s) {
  smtp_conn *c = s->c;
  if (!c->tls_advertised || !tls_available() || c->tls.active) {
    smtp_synprot_error(s, 503, "STARTTLS command used when not advertised", "STARTTLS command used when not advertised");
    return;
  }
  if (*s->cmd_args) {
    smtp_synprot_error(s, 501, "unexpected argument data", "unexpected argument data");
    return;
  }
  if (mainconf.acl_smtp_starttls) {
    bool dropped;
    if (smtp_run_acl(s, ACL_WHERE_STARTTLS, mainconf.acl_smtp_starttls, NULL, &dropped) != ACL_OK) return;
  }
  const char *error = NULL;
  if (tls_ops_hooks->server_prepare && !tls_ops_hooks->server_prepare(c, &error)) {
    log_write(LOG_MAIN, "TLS error on connection from %s %s", smtp_call_from(c), error ? error : "");
    smtp_reply(s, 454, "TLS currently unavailable");
    return;
  }
  smtp_log_incomplete(s, "STARTTLS");
  smtp_reply(s, 220, "TLS go ahead");
  conn_flush(c);
  /* The TLS layer discards cleartext pipelined behind STARTTLS. */
  if (!tls_ops_hooks->server_start(c, &error)) {
    log_write(LOG_MAIN, "TLS error on connection from %s %s", smtp_call_from(c), error ? error : "");
    s->done = true;
    s->notquit_reason = "tls-failed";
    return;
  }
  /* RFC 3207: forget everything learned before TLS.  The EHLO and AUTH
   * that follow are not counted as non-mail commands (spec 49.6). */
  smtp_reset_transaction(s);
  s->free_helo_used = s->free_auth_used = false;
  if (!mainconf.tls_remember_esmtp) {
    /* tls_remember_esmtp keeps the EHLO state for clients that do not
     * send EHLO again (it breaks the RFC; spec). */
    c->helo_seen = false;
    c->helo_name = NULL;
    c->esmtp = false;
    c->pipelining_advertised = c->chunking_advertised = c->prdr_advertised = false;
    c->dsn_advertised = false;
  }
  c->auth_advertised = c->tls_advertised = false;
  auth_server_reset(c);   /* exim4 offers AUTH again after STARTTLS */
  smtp_set_protocol(c);
  conn_publish(c);
}
