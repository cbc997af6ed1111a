/* smtp_in_ehlo.c - HELO and EHLO: the syntax check of the argument
 * (helo_allow_chars, helo_accept_junk_hosts), acl_smtp_helo, the greeting
 * line and the extensions EHLO advertises, in Exim 4.96's order: SIZE,
 * 8BITMIME, DSN, ETRN, VRFY, EXPN, PIPELINING, PIPECONNECT (optional
 * part), AUTH, CHUNKING, PRDR, STARTTLS, HELP.
 *
 * Entry points: smtp_cmd_helo(), smtp_message_size_limit(), smtp_expand_limit(),
 * smtp_set_protocol().
 *
 * Must never: advertise something this build or this host may not use
 * (STARTTLS without a TLS layer, PRDR/PIPECONNECT when not built).
 */
#include <ctype.h>
#include <string.h>

#include "auth/auth_server.h"
#include "base/ip.h"
#include "base/log.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "modules.h"
#include "smtp/smtp_in_int.h"
#include "smtp/xclient.h"
#include "tls/tls.h"

long long smtp_expand_limit(const char *value, const char *option_name) {
  if (!value) return 0;
  long long n = 0;
  const char *err = expand_string_integer(value, false, &n);
  if (err) {
    log_write(LOG_MAIN | LOG_PANIC, "failed to expand %s \"%s\": %s", option_name, value, err);
    return 0;
  }
  return n;
}

long long smtp_message_size_limit(void) {
  return smtp_expand_limit(mainconf.message_size_limit, "message_size_limit");
}

void smtp_set_protocol(smtp_conn *c) {
  if (c->protocol_fixed) return;
  c->received_protocol = str_sprintf("%s%s%s%s", c->local && !c->host_address ? "local-" : "", c->esmtp ? "esmtp" : "smtp",
                                     c->tls.active ? "s" : "", c->auth_driver_name ? "a" : "");
}

/* Exim's HELO/EHLO argument check: letters, digits, '-', '.', the
 * characters of helo_allow_chars, or an address literal in brackets. */
static bool helo_syntax_ok(const char *h) {
  if (!*h) return false;
  size_t n = strlen(h);
  if (h[0] == '[' && h[n - 1] == ']') {
    const char *in = str_copyn(h + 1, n - 2);
    if (str_ncmpic(in, "IPv6:", 5) == 0) return ip_is_address(in + 5, NULL) == 6;
    return ip_is_address(in, NULL) == 4;
  }
  const char *allow = mainconf.helo_allow_chars ? mainconf.helo_allow_chars : "";
  for (const char *p = h; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (isalnum(ch) || ch == '-' || ch == '.') continue;
    if (ch && strchr(allow, ch)) continue;
    return false;
  }
  return true;
}

/* "name Hello [ident at ]helo [ip]" */
static void greeting_text(smtp_conn *c, gstring **g) {
  const char *who = c->ident ? c->ident : (c->local ? c->login : NULL);
  *g = g_fmt(*g, "%s Hello ", smtp_hostname(c));
  if (who) *g = g_fmt(*g, "%s at ", who);
  *g = g_cat(*g, c->host_name ? c->host_name : (c->helo_name ? c->helo_name : ""));
  if (c->host_address) *g = g_fmt(*g, " [%s]", c->host_address);
}

void smtp_cmd_helo(smtp_session *s, bool ehlo) {
  smtp_conn *c = s->c;
  const char *verb = ehlo ? "EHLO" : "HELO";
  const char *arg = s->cmd_args;

  /* exim4 takes the ESMTP state from the command even when its argument
   * is refused (MAIL parameters are then parsed). */
  c->esmtp = ehlo;
  /* exim4 forgets the RCPT counts at any HELO/EHLO, even a refused one
   * (DATA's 503 then says "valid") */
  c->env.rcpt_count = c->env.rcpt_fail_count = c->env.rcpt_defer_count = 0;
  if (ehlo) {
    /* what the last EHLO offered is forgotten even when this one fails */
    c->pipelining_advertised = c->pipe_connect_advertised = c->chunking_advertised = false;
    c->prdr_advertised = c->auth_advertised = c->tls_advertised = c->dsn_advertised = false;
  }
  bool ok = *arg && helo_syntax_ok(arg);
  if (!ok && *arg && !strchr(arg, ' ') && !strchr(arg, '\t') &&
      c->helo_junk_ok)
    ok = true;
  if (!ok) {
    log_write(LOG_MAIN | LOG_REJECT, "rejected %s from %s: syntactically invalid argument(s): %s", verb,
              smtp_host_and_ident(c), *arg ? str_printing(arg) : "(no argument given)");
    smtp_reply(s, 501, "Syntactically invalid %s argument(s)", verb);
    smtp_synprot_error(s, 501, NULL, NULL);
    return;
  }

  /* helo_lookup_domains ("@ : @[]": our own name or address given as the
   * HELO name): look up the caller's real name. */
  if (c->host_address && !c->host_name && mainconf.helo_lookup_domains) {
    const char *err = NULL;
    bool yes = match_domain_list(arg, mainconf.helo_lookup_domains, NULL, &err) == MATCH_YES;
    smtp_list_trace(c, arg, "helo_lookup_domains", MATCH_LIST_DOMAIN, arg, mainconf.helo_lookup_domains, yes);
    if (yes) smtp_host_lookup(c, true);
  }

  /* helo_verify_hosts (hard) and helo_try_verify_hosts (remembered for
   * "verify = helo"). */
  bool hard = c->helo_verify_required;
  if (hard || c->helo_verify_try) {
    bool verified = smtp_helo_verify(c, arg, smtp_bh_trace, c);
    if (!verified && hard) {
      /* exim4 keeps the refused name: later lines show "(name) [ip]" */
      c->helo_name = str_copy_taint(arg, true);
      log_write(LOG_MAIN | LOG_REJECT, "rejected \"%s\" from %s", str_printing(c->last_command),
                smtp_host_and_ident(c));
      smtp_reply(s, 550, "HELO argument does not match calling host");
      return;
    }
  }

  /* A new HELO/EHLO starts afresh (RFC 5321 4.1.4); $acl_m* go once its
   * ACL has accepted (the ACL still sees the previous message's). */
  smtp_reset_envelope(s);
  c->helo_name = str_copy_taint(arg, true);
  c->esmtp = ehlo;
  c->helo_seen = false;
  smtp_set_protocol(c);
  conn_publish(c);

  if (mainconf.acl_smtp_helo) {
    bool dropped;
    if (smtp_run_acl(s, ACL_WHERE_HELO, mainconf.acl_smtp_helo, NULL, &dropped) != ACL_OK) {
      c->helo_name = NULL;
      conn_publish(c);
      return;
    }
  }
  c->helo_seen = true;
  acl_reset_message();

  /* The first line is an accepting ACL's message= (its first line) when set. */
  gstring *g = NULL;
  const char *msg = mainconf.acl_smtp_helo ? s->acl_accept_msg : NULL;
  if (msg && *msg) {
    const char *nl = strchr(msg, '\n');
    g = g_catn(g, msg, nl ? (size_t)(nl - msg) : strlen(msg));
  } else {
    greeting_text(c, &g);
  }
  if (!ehlo) {
    smtp_reply(s, 250, "%s", g_str(g));
    return;
  }
  g = g_catc(g, '\n');
  long long limit = smtp_message_size_limit();
  if (limit > 0) g = g_fmt(g, "SIZE %lld\n", limit);
  else g = g_cat(g, "SIZE\n");
  if (mainconf.accept_8bitmime) g = g_cat(g, "8BITMIME\n");
  if (smtp_host_in(c, mainconf.dsn_advertise_hosts, "dsn_advertise_hosts")) {
    c->dsn_advertised = true;
    g = g_cat(g, "DSN\n");
  }
  if (mainconf.acl_smtp_etrn) g = g_cat(g, "ETRN\n");
  if (mainconf.acl_smtp_vrfy) g = g_cat(g, "VRFY\n");
  if (mainconf.acl_smtp_expn) g = g_cat(g, "EXPN\n");
  if (!c->no_pipelining && smtp_host_in(c, mainconf.pipelining_advertise_hosts, "pipelining_advertise_hosts")) {
    c->pipelining_advertised = true;
    g = g_cat(g, "PIPELINING\n");
    if (c->pipe_connect_offered) {
      c->pipe_connect_advertised = true;
      g = g_cat(g, "PIPECONNECT\n");
    }
  }
  if (!c->authenticated_id) {
    size_t before = g->len;
    g = g_cat(g, "AUTH");
    size_t mark = g->len;
    g = auth_server_advertise(c, g);
    if (g->len == mark) {
      g_trim(g, before);
    } else {
      c->auth_advertised = true;
      g = g_catc(g, '\n');
    }
  }
  if (smtp_host_in(c, mainconf.chunking_advertise_hosts, "chunking_advertise_hosts")) {
    c->chunking_advertised = true;
    g = g_cat(g, "CHUNKING\n");
  }
  if (feature_on("PRDR") && mainconf.prdr_enable) {
    c->prdr_advertised = true;
    g = g_cat(g, "PRDR\n");
  }
  /* exim4 checks the list (-bh shows it) even where TLS cannot start */
  if (!c->tls.active && smtp_host_in(c, mainconf.tls_advertise_hosts, "tls_advertise_hosts") &&
      tls_available()) {
    c->tls_advertised = true;
    g = g_cat(g, "STARTTLS\n");
  }
  if (xclient_ops_hooks) {               /* XCLIENT part: to hosts_xclient */
    const char *kw = xclient_ops_hooks->ehlo_keyword(c);
    if (kw) g = g_fmt(g, "%s\n", kw);
  }
  g = g_cat(g, "HELP");
  smtp_reply(s, 250, "%s", g_str(g));
}
