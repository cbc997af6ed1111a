/* smtp_in_mail.c - MAIL FROM and RCPT TO: the ESMTP parameters (SIZE,
 * BODY, RET, ENVID, AUTH, SMTPUTF8, PRDR on MAIL; NOTIFY and ORCPT on
 * RCPT), the address, acl_smtp_mail / acl_smtp_rcpt, recipients_max,
 * hosts_require_helo, smtp_accept_max_per_connection, check_spool_space,
 * smtp_ratelimit_*, and Exim's replies for each failure (checked against
 * exim4 -bh).
 *
 * Parameters are taken from the end of the argument while the last word
 * is one this session knows; anything else stays with the address, whose
 * parser then reports it ("malformed address: X may not follow <a@b>").
 *
 * Entry points: smtp_cmd_mail(), smtp_cmd_rcpt().
 *
 * Must never: accept a recipient the ACL did not accept, or take a
 * parameter whose extension was not advertised as if it had been.
 */
#include <ctype.h>
#include <errno.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_server.h"
#include "base/address.h"
#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "config/main_config.h"
#include "expand/variables.h"
#include "modules.h"
#include "rewrite/rewrite.h"
#include "smtp/smtp_in_int.h"

/* Split off the last white-space separated word of *text when it looks
 * like "NAME" or "NAME=value" (NAME letters, digits, '-'): returns true
 * with *name and *value (NULL without '='), and cuts *text before it. */
static bool last_param(char *text, char **name, char **value) {
  size_t n = strlen(text);
  while (n && isspace((unsigned char)text[n - 1])) text[--n] = 0;
  char *sp = NULL;
  for (size_t i = n; i > 0; i--)
    if (isspace((unsigned char)text[i - 1])) {
      sp = text + i - 1;
      break;
    }
  if (!sp) return false;
  char *w = sp + 1;
  char *eq = strchr(w, '=');
  size_t nl = eq ? (size_t)(eq - w) : strlen(w);
  if (nl == 0) return false;
  for (size_t i = 0; i < nl; i++)
    if (!isalnum((unsigned char)w[i]) && w[i] != '-') return false;
  *name = w;
  *value = eq ? eq + 1 : NULL;
  return true;
}

/* Put a word taken by last_param() back (it is not ours). */
static void put_back(char *word, char *eq_value) {
  word[-1] = ' ';
  if (eq_value) eq_value[-1] = '=';
}

/* What a command's parameter handler says of one parameter. */
typedef enum { PARAM_TAKEN, PARAM_NOT_OURS, PARAM_FAILED } param_result;
typedef param_result (*param_fn)(smtp_session *s, void *ctx, const char *name, const char *value);

/* Take the ESMTP parameters off the end of text, last first, offering each
 * to fn: the first one fn does not know, and all before it, stay in text
 * (as part of the address).  False when fn failed (it has answered). */
static bool take_params(smtp_session *s, char *text, param_fn fn, void *ctx) {
  char *name, *value;
  while (last_param(text, &name, &value)) {
    if (value) value[-1] = 0;
    param_result r = fn(s, ctx, name, value);
    if (r == PARAM_FAILED) return false;
    if (r == PARAM_NOT_OURS) {
      put_back(name, value);
      break;
    }
    name[-1] = 0;
  }
  return true;
}

/* check_spool_space / check_spool_inodes, with SIZE= added when
 * smtp_check_spool_space is set ($spool_space and $spool_inodes give the
 * free K and inodes).  Logs exim4's line when short. */
static bool spool_space_ok(long long size) {
  if (mainconf.check_spool_space <= 0 && mainconf.check_spool_inodes <= 0) return true;
  const expand_var *vs = expand_var_find("spool_space", 11), *vi = expand_var_find("spool_inodes", 12);
  long long space = vs ? strtoll(expand_var_value(vs), NULL, 10) : -1;
  long long inodes = vi ? strtoll(expand_var_value(vi), NULL, 10) : -1;
  if (space < 0 || inodes < 0) return true;   /* statvfs failed: nothing known */
  long long need = mainconf.check_spool_space;
  if (mainconf.smtp_check_spool_space && size > 0) need += (size + 1023) / 1024;
  if ((mainconf.check_spool_space > 0 && space < need) ||
      (mainconf.check_spool_inodes > 0 && inodes < mainconf.check_spool_inodes)) {
    log_write(LOG_MAIN, "spool directory space check failed: space=%lld inodes=%lld", space, inodes);
    return false;
  }
  return true;
}

/* One value of smtp_ratelimit_mail/_rcpt: "threshold,delay,factor,max"
 * (the times may have fractions: 0.5s).  A time: number and unit s/m/h. */
static double rl_time(const char *p, char **end) {
  double v = strtod(p, end);
  switch (**end) {
  case 'm': v *= 60, (*end)++; break;
  case 'h': v *= 3600, (*end)++; break;
  case 's': (*end)++; break;
  default: break;
  }
  return v;
}

/* smtp_ratelimit_hosts: before the count-th MAIL (or RCPT of a message),
 * flush the replies and wait delay*factor^(count-threshold-1), capped. */
static void ratelimit(smtp_session *s, const char *setting, int count) {
  smtp_conn *c = s->c;
  if (!setting || !*setting) return;
  if (!smtp_host_in(c, mainconf.smtp_ratelimit_hosts, "smtp_ratelimit_hosts")) return;
  char *e;
  long threshold = strtol(setting, &e, 10);
  if (*e != ',') return;
  double delay = rl_time(e + 1, &e);
  if (*e != ',') return;
  double factor = strtod(e + 1, &e);
  if (*e != ',') return;
  double max = rl_time(e + 1, &e);
  if (count <= threshold || delay <= 0) return;
  for (long i = threshold + 1; i < count && delay < max; i++) delay *= factor;
  if (max > 0 && delay > max) delay = max;
  conn_flush(c);
  struct timespec ts = {.tv_sec = (time_t)delay, .tv_nsec = (long)((delay - (double)(time_t)delay) * 1e9)};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* MAIL's parameters (SIZE and AUTH are used after the address is known). */
typedef struct {
  long long size;
  const char *auth_value;
} mail_params;

static param_result mail_param(smtp_session *s, void *ctx, const char *name, const char *value) {
  smtp_conn *c = s->c;
  recv_envelope *e = &c->env;
  mail_params *mp = ctx;
  if (str_eqic(name, "SIZE") && value) {
    char *end;
    long long v = strtoll(value, &end, 10);
    if (*value && !*end && v >= 0) mp->size = v;
  } else if (str_eqic(name, "BODY") && value && mainconf.accept_8bitmime) {
    if (str_eqic(value, "8BITMIME")) e->body_type = 8;
    else if (str_eqic(value, "7BIT")) e->body_type = 7;
    else {
      smtp_synprot_error(s, 501, "invalid data for BODY", "invalid data for BODY");
      return PARAM_FAILED;
    }
  } else if (str_eqic(name, "RET") && value) {
    if (!c->dsn_advertised) {
      /* accepted and ignored, as Exim does */
    } else if (str_eqic(value, "HDRS")) e->dsn_ret = SPOOL_DSN_RET_HDRS;
    else if (str_eqic(value, "FULL")) e->dsn_ret = SPOOL_DSN_RET_FULL;
    else {
      smtp_synprot_error(s, 501, "invalid data for RET", "invalid data for RET");
      return PARAM_FAILED;
    }
  } else if (str_eqic(name, "ENVID") && value) {
    if (c->dsn_advertised) e->dsn_envid = str_copy_taint(value, true);
  } else if (str_eqic(name, "AUTH") && value) {
    mp->auth_value = value;
  } else if (str_eqic(name, "SMTPUTF8") && !value) {
    if (!c->smtputf8_advertised) {
      smtp_synprot_error(s, 501, "SMTPUTF8 used when not advertised", "SMTPUTF8 used when not advertised");
      return PARAM_FAILED;
    }
    e->smtputf8 = true;
  } else if (str_eqic(name, "PRDR") && !value && c->prdr_advertised) {
    e->prdr_requested = true;
  } else {
    return PARAM_NOT_OURS;
  }
  return PARAM_TAKEN;
}

void smtp_cmd_mail(smtp_session *s) {
  smtp_conn *c = s->c;
  s->any_mail = true;   /* any MAIL command, even refused, spares the "no MAIL" line (exim4) */
  if (!c->helo_seen && (smtp_host_in(c, mainconf.hosts_require_helo, "hosts_require_helo") ||
                        c->helo_verify_required)) {
    log_write(LOG_MAIN | LOG_REJECT, "rejected MAIL from %s: no HELO/EHLO given", smtp_host_and_ident(c));
    smtp_reply(s, 503, "HELO or EHLO required");   /* not counted as a protocol error (exim4) */
    return;
  }
  ratelimit(s, mainconf.smtp_ratelimit_mail, ++s->mail_commands);
  if (c->env.mail_seen) {
    smtp_synprot_error(s, 503, "sender already given", c->batched ? "Sender already given" : "sender already given");
    return;
  }
  if (!*s->cmd_args) {
    smtp_synprot_error_kind(s, SMTP_PROTOCOL, 501, "MAIL must have an address operand", "MAIL must have an address operand");
    return;
  }
  long long per_conn = smtp_expand_limit(mainconf.smtp_accept_max_per_connection, "smtp_accept_max_per_connection");
  if (per_conn > 0 && c->messages_received >= per_conn) {
    log_write(LOG_MAIN | LOG_REJECT, "rejected MAIL command %s: too many messages in one connection", smtp_host_text(c));
    smtp_reply(s, 421, "too many messages in this connection");
    return;
  }
  smtp_reset_transaction(s);
  s->mail_failed = true;    /* until it succeeds (see smtp_cmd_rcpt) */
  recv_envelope *e = &c->env;
  char *text = str_copy_taint(s->cmd_args, true);
  mail_params mp = {.size = -1};
  if (c->esmtp && !take_params(s, text, mail_param, &mp)) return;
  long long size = mp.size;
  const char *auth_value = mp.auth_value;
  text = (char *)rewrite_smtp(text);   /* S rules (spec 31.9) */

  const char *err = NULL;
  int dom = 0;
  char *addr = address_extract(text, &err, NULL, NULL, &dom, true);
  if (!addr) {
    if (c->batched) smtp_synprot_error(s, 501, err, "%s", err);
    else smtp_synprot_error(s, 501, err, "%s: %s", text, err);
    return;
  }
  if (*addr && dom == 0) {
    if (c->unqualified_sender_ok) {
      addr = address_qualify(addr, mainconf.qualify_domain);
    } else {
      /* exim4's smtp_syntax_error line for this one has its own form */
      /* the reject log always, the main log with smtp_syntax_error (exim4) */
      log_write(LOG_REJECT | (LOGGING(smtp_syntax_error) ? 0 : LOG_NOMAIN), "unqualified sender rejected: <%s> %s",
                addr, smtp_host_text(c));
      smtp_reply(s, 501, "%s: sender address must contain a domain", text);   /* not counted (exim4) */
      return;
    }
  }

  long long limit = smtp_message_size_limit();
  if (limit > 0 && size > limit) {
    log_write(LOG_MAIN | LOG_REJECT, "rejected MAIL FROM:<%s> %s: message too big: size=%lld max=%lld", addr,
              smtp_host_text(c), size, limit);
    smtp_reply(s, 552, "Message size exceeds maximum permitted");
    return;
  }
  if (!spool_space_ok(size)) {
    smtp_reply(s, 452, "Space shortage, please try later");
    return;
  }
  e->declared_size = size;
  e->sender = addr;
  expand_var_set("sender_address", addr);
  if (auth_value) {
    const char *v = xtext_decode(auth_value);
    if (v && !auth_server_mail_param(c, v)) {
      /* the mailauth ACL deferred: its reply is queued */
      smtp_reset_transaction(s);
      s->mail_failed = true;
      return;
    }
  }
  conn_publish(c);

  if (mainconf.acl_smtp_mail && !c->batched) {
    bool dropped;
    int rc = smtp_run_acl(s, ACL_WHERE_MAIL, mainconf.acl_smtp_mail, NULL, &dropped);
    if (rc != ACL_OK && rc != ACL_DISCARD) {
      smtp_reset_transaction(s);
      s->mail_failed = true;
      return;
    }
    if (rc == ACL_DISCARD) {   /* every recipient will be discarded; the RCPT ACL is not run */
      e->discarded_by = "MAIL";
      e->mail_discard_log = s->acl_accept_log ? str_copy(s->acl_accept_log) : NULL;
    }
  }
  s->mail_failed = false;
  e->mail_seen = true;
  const char *accept_msg = mainconf.acl_smtp_mail && !c->batched ? s->acl_accept_msg : NULL;
  gstring *reply = smtp_acl_accept_reply(c, e->prdr_requested ? "OK, PRDR Requested" : "OK", accept_msg);
  smtp_reply_raw(s, reply->s, reply->len);
}

/* NOTIFY=NEVER | SUCCESS,FAILURE,DELAY (any of them): flags or -1. */
static int notify_flags(const char *v) {
  if (str_eqic(v, "NEVER")) return SPOOL_DSN_NOTIFY_NEVER;
  int flags = 0;
  const char *p = v;
  while (*p) {
    const char *q = strchr(p, ',');
    size_t n = q ? (size_t)(q - p) : strlen(p);
    if (n == 7 && !str_ncmpic(p, "SUCCESS", 7)) flags |= SPOOL_DSN_NOTIFY_SUCCESS;
    else if (n == 7 && !str_ncmpic(p, "FAILURE", 7)) flags |= SPOOL_DSN_NOTIFY_FAILURE;
    else if (n == 5 && !str_ncmpic(p, "DELAY", 5)) flags |= SPOOL_DSN_NOTIFY_DELAY;
    else return -1;
    if (!q) break;
    p = q + 1;
  }
  return flags ? flags : -1;
}

/* Remember a failed RCPT's reply (CRLF lines) for DATA/BDAT's 503; note
 * when the failures' replies were not all the same. */
static void remember_rcpt_error(smtp_session *s, gstring *reply, bool by_acl) {
  if (s->rcpt_errors_muted) return;
  if (s->last_rcpt_error &&
      (s->last_rcpt_error->len != reply->len || memcmp(s->last_rcpt_error->s, reply->s, reply->len) != 0))
    s->rcpt_errors_differ = true;
  s->last_rcpt_error = reply;
  s->last_rcpt_by_acl = by_acl;
}

/* Queue a RCPT failure reply and remember it for DATA. */
static void rcpt_error(smtp_session *s, int code, const char *log_text, const char *text, bool failure) {
  size_t before = s->c->outbuf->len;
  smtp_synprot_error(s, code, log_text, "%s", text);
  remember_rcpt_error(s, g_catn(NULL, s->c->outbuf->s + before, s->c->outbuf->len - before), false);
  /* a refused address counts as a failed recipient; a RCPT refused before
   * its address was looked at does not (DATA's 503 then says "valid") */
  if (failure) s->c->env.rcpt_fail_count++;
}

/* RCPT's DSN parameters. */
typedef struct {
  int flags;
  const char *orcpt;
} rcpt_params;

static param_result rcpt_param(smtp_session *s, void *ctx, const char *name, const char *value) {
  rcpt_params *rp = ctx;
  if (str_eqic(name, "NOTIFY") && value) {
    int f = notify_flags(value);
    if (f < 0) {
      rcpt_error(s, 501, "Invalid value for NOTIFY parameter", "Invalid value for NOTIFY parameter", true);
      return PARAM_FAILED;
    }
    rp->flags |= f;
  } else if (str_eqic(name, "ORCPT") && value) {
    rp->orcpt = str_copy_taint(value, true);
  } else {
    return PARAM_NOT_OURS;
  }
  return PARAM_TAKEN;
}

void smtp_cmd_rcpt(smtp_session *s) {
  smtp_conn *c = s->c;
  recv_envelope *e = &c->env;
  if (!e->mail_seen) {
    if (s->mail_failed && c->pipelining_advertised) {
      /* a pipelined RCPT behind a refused MAIL: exim4 does not count it as
       * a protocol error but as a failed recipient (DATA's 503 then says
       * "Valid ...") */
      size_t before = c->outbuf->len;
      smtp_reply(s, 503, "sender not yet given");
      remember_rcpt_error(s, g_catn(NULL, c->outbuf->s + before, c->outbuf->len - before), false);
      e->rcpt_fail_count++;
      return;
    }
    rcpt_error(s, 503, "sender not yet given", "sender not yet given", false);
    return;
  }
  if (!*s->cmd_args) {
    rcpt_error(s, 501, "RCPT must have an address operand", "RCPT must have an address operand", false);
    return;
  }
  e->rcpt_count++;
  ratelimit(s, mainconf.smtp_ratelimit_rcpt, e->rcpt_count);
  char *text = str_copy_taint(s->cmd_args, true);
  rcpt_params rp = {0, NULL};
  if (c->esmtp && c->dsn_advertised && !take_params(s, text, rcpt_param, &rp)) return;
  int flags = rp.flags;
  const char *orcpt = rp.orcpt;
  text = (char *)rewrite_smtp(text);   /* S rules (spec 31.9) */

  const char *err = NULL;
  int dom = 0;
  char *addr = address_extract(text, &err, NULL, NULL, &dom, false);
  if (!addr) {
    rcpt_error(s, 501, err, c->batched ? err : str_sprintf("%s: %s", text, err), true);
    return;
  }
  if (dom == 0) {
    /* RFC 5321: RCPT TO:<postmaster> (any case) is accepted unqualified. */
    if (str_eqic(addr, "postmaster") || c->unqualified_recipient_ok) {
      addr = address_qualify(addr, mainconf.qualify_recipient ? mainconf.qualify_recipient : mainconf.qualify_domain);
    } else {
      /* the reject log always, the main log with smtp_syntax_error (exim4) */
      log_write(LOG_REJECT | (LOGGING(smtp_syntax_error) ? 0 : LOG_NOMAIN), "unqualified recipient rejected: <%s> %s",
                addr, smtp_host_text(c));
      /* answered and remembered, but not counted (exim4) */
      size_t before = c->outbuf->len;
      smtp_reply(s, 501, "%s: recipient address must contain a domain", text);
      remember_rcpt_error(s, g_catn(NULL, c->outbuf->s + before, c->outbuf->len - before), false);
      e->rcpt_fail_count++;
      return;
    }
  }

  if (mainconf.recipients_max > 0 && e->recipients_count >= mainconf.recipients_max) {
    size_t before = c->outbuf->len;
    bool reject = mainconf.recipients_max_reject;
    if (!s->rcpt_excess_logged) {
      log_write(LOG_MAIN | LOG_REJECT, "too many recipients: excess %srejected: sender=<%s> %s",
                reject ? "" : "temporarily ", e->sender ? e->sender : "", smtp_host_text(c));
      s->rcpt_excess_logged = true;
    }
    smtp_reply(s, reject ? 552 : 452, "too many recipients");
    remember_rcpt_error(s, g_catn(NULL, c->outbuf->s + before, c->outbuf->len - before), false);
    if (reject) e->rcpt_fail_count++;
    else e->rcpt_defer_count++;
    return;
  }

  int rc;
  const char *accept_msg = NULL;
  if (e->discarded_by && strcmp(e->discarded_by, "MAIL") == 0) {
    const char *why = e->mail_discard_log;
    log_write(LOG_MAIN | LOG_REJECT, "%s F=<%s> RCPT <%s>: discarded by MAIL ACL%s%s", smtp_host_text(c),
              e->sender ? e->sender : "", addr, why && *why ? ": " : "", why && *why ? why : "");
    rc = ACL_DISCARD;
  } else if (c->batched) {
    /* Batched SMTP is checked by the non-SMTP ACLs, not the RCPT ACL. */
    rc = ACL_OK;
  } else if (mainconf.acl_smtp_rcpt) {
    bool dropped;
    size_t before = c->outbuf->len;
    rc = smtp_run_acl(s, ACL_WHERE_RCPT, mainconf.acl_smtp_rcpt, addr, &dropped);
    if (rc != ACL_OK && rc != ACL_DISCARD) {
      remember_rcpt_error(s, g_catn(NULL, c->outbuf->s + before, c->outbuf->len - before), true);
      if (rc == ACL_DEFER || rc == ACL_ERROR) e->rcpt_defer_count++;
      else e->rcpt_fail_count++;
      return;
    }
    accept_msg = s->acl_accept_msg;
    if (rc == ACL_DISCARD) {
      const char *why = s->acl_accept_log;
      log_write(LOG_MAIN | LOG_REJECT, "%s F=<%s> RCPT <%s>: discarded by RCPT ACL%s%s", smtp_host_text(c),
                e->sender ? e->sender : "", addr, why && *why ? ": " : "", why && *why ? why : "");
      e->discarded_by = "RCPT";
    }
  } else if (c->local) {
    rc = ACL_OK;
  } else {
    /* No RCPT ACL: a remote host may not send to anyone. */
    gstring *reply = NULL;
    bool drop = false;
    DEBUG(D_acl) debug_printf(">>> ACL is NULL: implicit DENY\n");
    smtp_acl_reply(c, ACL_WHERE_RCPT, ACL_FAIL, addr, NULL, NULL, &reply, &drop);
    smtp_reply_raw(s, reply->s, reply->len);
    remember_rcpt_error(s, reply, true);
    e->rcpt_fail_count++;
    return;
  }

  if (rc == ACL_OK) {
    if (e->recipients_count >= e->recipients_size) {
      int n = e->recipients_size ? e->recipients_size * 2 : 8;
      spool_recipient *r = store_get(sizeof *r * (size_t)n, false);
      if (e->recipients_count) memcpy(r, e->recipients, sizeof *r * (size_t)e->recipients_count);
      e->recipients = r;
      e->recipients_size = n;
    }
    spool_recipient *r = &e->recipients[e->recipients_count++];
    memset(r, 0, sizeof *r);
    r->address = addr;
    r->orcpt = (char *)orcpt;
    r->dsn_flags = flags;
    r->pno = -1;
  }
  gstring *reply = smtp_acl_accept_reply(c, "Accepted", accept_msg);
  smtp_reply_raw(s, reply->s, reply->len);
}
