/* acl_conditions.c - the core ACL conditions (spec 44.26): acl,
 * authenticated, condition, domains, encrypted, hosts, local_parts,
 * recipients, sender_domains, senders (dnslists is in acl_dnslist.c),
 * and the conditions whose part is not in this build (decode, spam, ...),
 * which are refused with a message naming what is missing.
 *
 * List conditions set $domain_data, $local_part_data, $host_data,
 * $sender_data, $recipient_data from the matching item's data, and match
 * local parts and addresses caselessly, as exim4 does.
 *
 * Entry point: the table acl_conditions_core[].
 * Must never: treat a deferred list match as a match.
 */
#include <ctype.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/str.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "smtp/conn.h"

/* Where they may run (Exim's rules). */
#define W(x) ACL_WHERE_BIT(ACL_WHERE_##x)
#define W_RCPT_ONLY (W(RCPT) | W(VRFY) | W(UNKNOWN))
#define W_NOT_NONSMTP (ACL_WHERE_ALL & ~(W(NOTSMTP) | W(NOTSMTP_START)))
#define W_SENDER (W(RCPT) | W(MAIL) | W(PREDATA) | W(MIME) | W(DKIM) | W(DATA) | W(PRDR) | \
                  W(NOTSMTP) | W(DELIVERY) | W(UNKNOWN))

static const char *address_of(const char *addr) { return addr ? addr : ""; }

static void set_data(const char *var, const char *data) {
  if (data) expand_var_set(var, data);
}

static int match_result(acl_ctx *ctx, match_rc rc, const char *error, const char *what) {
  if (rc == MATCH_YES) return ACL_OK;
  if (rc == MATCH_NO) return ACL_FAIL;
  if (error) acl_ctx_set_messages(ctx, NULL, error);
  (void)what;
  return ACL_DEFER;
}

/* acl = name [arg1 ... arg9]: the words are separated at white space
 * and expanded one by one (so a space inside an expansion splits it, as
 * in Exim); the first is the ACL - a name, a file, or else taken as an
 * inline ACL by itself. */
static const char *expand_part(acl_ctx *ctx, const char *s, const char *name, bool *forced) {
  const char *e = expand_cstring(s);
  if (!e) {
    *forced = expand_status.forced_fail;
    /* Exim names the ACL (not the failing argument) in the error. */
    if (!*forced) acl_error(ctx, "failed to expand ACL string \"%s\": %s", name, expand_status.message);
  }
  return e;
}

static int c_acl(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *args[9];
  int nargs = 0;
  bool forced = false;
  const char *p = str_skip_space(arg);
  const char *e = p;
  while (*e && !isspace((unsigned char)*e)) e++;
  const char *word = str_copyn(p, (size_t)(e - p));
  const char *name = expand_part(ctx, word, word, &forced);
  if (!name) return forced ? ACL_OK : ACL_ERROR;
  p = str_skip_space(e);
  while (*p && nargs < 9) {
    e = p;
    while (*e && !isspace((unsigned char)*e)) e++;
    const char *a = expand_part(ctx, str_copyn(p, (size_t)(e - p)), name, &forced);
    if (!a) return forced ? ACL_OK : ACL_ERROR;
    args[nargs++] = a;
    p = str_skip_space(e);
  }
  const char *saved_user = *ctx->user_msg, *saved_log = *ctx->log_msg;
  int rc = acl_run(ctx->where, ctx->recipient, name, ctx->level + 1, args, nargs,
                   ctx->user_msg, ctx->log_msg);
  switch (rc) {
  case ACL_OK:
    /* An accepting nested ACL's texts are not kept. */
    *ctx->user_msg = saved_user;
    *ctx->log_msg = saved_log;
    return ACL_OK;
  case ACL_ERROR:
    ctx->error = *ctx->log_msg;
    return ACL_ERROR;
  case ACL_FAIL_DROP:
    ctx->nested_drop = true;
    return ACL_FAIL;
  default:
    return rc;
  }
}

static int c_authenticated(acl_ctx *ctx, const acl_item *it, const char *arg) {
  /* The authenticator's (instance) name is tested against the list. */
  const smtp_conn *c = conn_current;
  if (!c || !c->auth_driver_name) return ACL_FAIL;
  const char *error = NULL;
  match_rc rc = match_list_check(MATCH_LIST_STRING, c->auth_driver_name, NULL, arg,
                                 MATCH_F_NOEXPAND, NULL, &error);
  (void)it;
  return match_result(ctx, rc, error, "authenticated");
}

/* condition = : a number (true unless zero), "yes"/"true", "no"/"false"
 * or empty; anything else defers with "invalid \"condition\" value". */
static int c_condition(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  if (!*arg) return ACL_FAIL;
  if (str_eqic(arg, "yes") || str_eqic(arg, "true")) return ACL_OK;
  if (str_eqic(arg, "no") || str_eqic(arg, "false")) return ACL_FAIL;
  const char *p = arg;
  if (*p == '-') p++;   /* ("+1" is not a number here, as in exim4) */
  if (isdigit((unsigned char)*p)) {
    while (isdigit((unsigned char)*p)) p++;
    if (!*p) {
      for (const char *q = arg; *q; q++)
        if (*q >= '1' && *q <= '9') return ACL_OK;
      return ACL_FAIL;
    }
  }
  acl_ctx_set_messages(ctx, NULL, str_sprintf("invalid \"condition\" value \"%s\"", arg));
  return ACL_DEFER;
}

static int c_domains(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *dom = expand_var_value(expand_var_find("domain", 6));
  const char *data = NULL, *error = NULL;
  match_rc rc = match_list_check(MATCH_LIST_DOMAIN, dom ? dom : "", NULL, arg, MATCH_F_NOEXPAND,
                                 &data, &error);
  if (rc == MATCH_YES) set_data("domain_data", data);
  return match_result(ctx, rc, error, "domains");
}

static int c_local_parts(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *lp = expand_var_value(expand_var_find("local_part", 10));
  const char *data = NULL, *error = NULL;
  /* ACL list tests are caseless (checked against exim4) */
  match_rc rc = match_list_check(MATCH_LIST_LOCALPART, lp ? lp : "", NULL, arg,
                                 MATCH_F_NOEXPAND | MATCH_F_CASELESS, &data, &error);
  if (rc == MATCH_YES) set_data("local_part_data", data);
  return match_result(ctx, rc, error, "local_parts");
}

static int c_recipients(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *data = NULL, *error = NULL;
  match_rc rc = match_list_check(MATCH_LIST_ADDRESS, address_of(ctx->recipient), NULL, arg,
                                 MATCH_F_NOEXPAND | MATCH_F_CASELESS, &data, &error);
  if (rc == MATCH_YES) set_data("recipient_data", data);
  return match_result(ctx, rc, error, "recipients");
}

static const char *sender(void) {
  if (conn_current && conn_current->env.sender) return conn_current->env.sender;
  const char *s = expand_var_value(expand_var_find("sender_address", 14));
  return s ? s : "";
}

static int c_senders(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *data = NULL, *error = NULL;
  match_rc rc = match_list_check(MATCH_LIST_ADDRESS, sender(), NULL, arg, MATCH_F_NOEXPAND | MATCH_F_CASELESS,
                                 &data, &error);
  if (rc == MATCH_YES) set_data("sender_data", data);
  return match_result(ctx, rc, error, "senders");
}

static int c_sender_domains(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *s = sender();
  const char *at = strrchr(s, '@');
  const char *data = NULL, *error = NULL;
  /* (no variable is set from sender_domains, as in exim4) */
  match_rc rc = match_list_check(MATCH_LIST_DOMAIN, at ? at + 1 : "", NULL, arg, MATCH_F_NOEXPAND,
                                 &data, &error);
  return match_result(ctx, rc, error, "sender_domains");
}

static int c_hosts(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const smtp_conn *c = conn_current;
  const char *addr = c ? c->host_address : NULL;
  const char *name = c ? c->host_name : NULL;
  if (!addr) {
    const char *v = expand_var_value(expand_var_find("sender_host_address", 19));
    addr = v && *v ? v : NULL;
  }
  const char *error = NULL, *data = NULL;
  /* Local input: the host is "" (only an empty item matches). */
  match_rc rc = match_list_check(MATCH_LIST_HOST, addr ? addr : "", name, arg, MATCH_F_NOEXPAND,
                                 &data, &error);
  if (rc == MATCH_YES) set_data("host_data", data);
  return match_result(ctx, rc, error, "hosts");
}

static int c_encrypted(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const smtp_conn *c = conn_current;
  if (!c || !c->tls.active || !c->tls.cipher) return ACL_FAIL;
  const char *error = NULL;
  match_rc rc = match_list_check(MATCH_LIST_STRING, c->tls.cipher, NULL, arg, MATCH_F_NOEXPAND, NULL, &error);
  return match_result(ctx, rc, error, "encrypted");
}

/* Conditions of optional parts this build does not have: refused when
 * the ACL is read (a configuration error naming what is missing), and at
 * run time for inline ACLs. */
static const char *missing_text(const char *name) {
  const char *need = strcmp(name, "decode") == 0 || strcmp(name, "malware") == 0 ||
                             strcmp(name, "mime_regex") == 0 || strcmp(name, "regex") == 0 ||
                             strcmp(name, "spam") == 0
                         ? "content scanning (WITH_CONTENT_SCAN)"
                     : strncmp(name, "dkim_", 5) == 0 ? "DKIM (DISABLE_DKIM unset)"
                     : strcmp(name, "dmarc_status") == 0 ? "SUPPORT_DMARC"
                     : "SUPPORT_SPF";
  return str_sprintf("the \"%s\" ACL condition is not available in this build: it needs %s", name, need);
}

static int c_missing(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)arg;
  return acl_error(ctx, "%s", missing_text(it->def->name));
}

#define MISSING(n) \
  static const char *check_##n(const char *arg) { (void)arg; return missing_text(#n); }
MISSING(decode)
MISSING(dkim_signers)
MISSING(dkim_status)
MISSING(dmarc_status)
MISSING(malware)
MISSING(mime_regex)
MISSING(regex)
MISSING(spam)
MISSING(spf)
MISSING(spf_guess)

const acl_cond_def acl_conditions_core[] = {
  {"acl", ACD_NOEXPAND, ACL_WHERE_ALL, c_acl, NULL},
  {"authenticated", 0, ACL_WHERE_ALL & ~(W(NOTSMTP) | W(NOTSMTP_START) | W(CONNECT) | W(HELO)),
   c_authenticated, NULL},
  {"condition", 0, ACL_WHERE_ALL, c_condition, NULL},
  {"domains", 0, W_RCPT_ONLY, c_domains, NULL},
  {"encrypted", 0, W_NOT_NONSMTP & ~W(HELO), c_encrypted, NULL},
  {"dnslists", 0, W_NOT_NONSMTP, acl_dnslists_run, NULL},   /* acl_dnslist.c */
  {"hosts", 0, W_NOT_NONSMTP, c_hosts, NULL},
  {"local_parts", 0, W_RCPT_ONLY, c_local_parts, NULL},
  {"recipients", 0, W_RCPT_ONLY, c_recipients, NULL},
  {"sender_domains", 0, W_SENDER, c_sender_domains, NULL},
  {"senders", 0, W_SENDER, c_senders, NULL},
  /* Parts not in this build: recognised, refused when used. */
  {"decode", 0, ACL_WHERE_ALL, c_missing, check_decode},
  {"dkim_signers", 0, ACL_WHERE_ALL, c_missing, check_dkim_signers},
  {"dkim_status", 0, ACL_WHERE_ALL, c_missing, check_dkim_status},
  {"dmarc_status", 0, ACL_WHERE_ALL, c_missing, check_dmarc_status},
  {"malware", 0, ACL_WHERE_ALL, c_missing, check_malware},
  {"mime_regex", 0, ACL_WHERE_ALL, c_missing, check_mime_regex},
  {"regex", 0, ACL_WHERE_ALL, c_missing, check_regex},
  {"spam", 0, ACL_WHERE_ALL, c_missing, check_spam},
  {"spf", 0, ACL_WHERE_ALL, c_missing, check_spf},
  {"spf_guess", 0, ACL_WHERE_ALL, c_missing, check_spf_guess},
  {NULL, 0, 0, NULL, NULL},
};
