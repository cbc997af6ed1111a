/* acl_verify.c - the verify condition (spec 44.26, 44.45): certificate,
 * header_names_ascii, helo, header_syntax, not_blind,
 * reverse_host_lookup; recipient, sender and header_sender go to
 * acl_verify_addr.c (routing), csa to acl_verify_csa.c.
 *
 * A failing verification leaves its text in $acl_verify_message (and as
 * the statement's underlying message).
 *
 * Entry point: the table acl_verify_defs[].
 * Must never: report success for a check it did not make.
 */
#include <ctype.h>
#include <strings.h>
#include <string.h>

#include "acl/acl_int.h"
#include "base/address.h"
#include "base/log.h"
#include "base/store.h"
#include "config/main_config.h"
#include "expand/match.h"
#include "expand/variables.h"
#include "base/ip.h"
#include "base/list.h"
#include "dns/dns.h"
#include "smtp/conn.h"
#include "smtp/smtp_in.h"

#define W(x) ACL_WHERE_BIT(ACL_WHERE_##x)
/* Header checks: only where there is a message (not in -be's ACLs either). */
#define W_AFTER_DATA (W(DATA) | W(NOTSMTP) | W(MIME) | W(DKIM) | W(PRDR))

static int verify_failed(acl_ctx *ctx, const char *text) {
  expand_var_set("acl_verify_message", text);
  acl_ctx_set_messages(ctx, text, text);
  return ACL_FAIL;
}

static bool allowed_in(acl_ctx *ctx, unsigned mask) {
  return (mask & ACL_WHERE_BIT(ctx->where)) != 0;
}

/* Header names must be printable ASCII other than ':' (33..126). */
static int v_header_names_ascii(acl_ctx *ctx) {
  const char *h = expand_var_value(expand_var_find("message_headers_raw", 19));
  if (!h) return ACL_OK;
  const char *line = h;
  while (*line) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    if (len && line[0] != ' ' && line[0] != '\t') {
      const char *colon = memchr(line, ':', len);
      size_t nlen = colon ? (size_t)(colon - line) : len;
      for (size_t i = 0; i < nlen; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 33 || c > 126)
          return verify_failed(ctx, str_sprintf("Invalid character in header \"%.*s\" found",
                                                (int)nlen, line));
      }
    }
    line += len + (nl ? 1 : 0);
  }
  return ACL_OK;
}

static void helo_trace_line(void *arg, const char *line) {
  acl_ctx *ctx = arg;
  acl_trace(ctx->level, "%s", line);
}

/* verify = helo: the SMTP layer's check (smtp_helo_verify, shared with
 * helo_verify_hosts), done once per connection and HELO name. */
static int v_helo(acl_ctx *ctx) {
  smtp_conn *c = conn_current;
  if (!c) return ACL_FAIL;                      /* no SMTP at all (-be): nothing verified */
  if (!c->host_address) return ACL_OK;          /* local SMTP input: trusted, as exim4 */
  if (!c->helo_name) return ACL_FAIL;
  return smtp_helo_verify(c, c->helo_name, acl_tracing ? helo_trace_line : NULL, ctx) ? ACL_OK : ACL_FAIL;
}

/* The headers whose addresses verify = header_syntax checks. */
static const char *const address_headers[] = {
  "Sender", "From", "Reply-To", "To", "Cc", "Bcc",
  "Resent-Sender", "Resent-From", "Resent-Reply-To", "Resent-To", "Resent-Cc", "Resent-Bcc", NULL};

typedef struct hs_state {
  const char *header;     /* name being checked */
  const char *error;      /* first failure, in Exim's words */
  bool allow_unqualified;
  const char **want;      /* not_blind: recipients still to find (NULL: found) */
  int nwant;
} hs_state;

static void check_header_value(const char *content, size_t len, void *vctx) {
  hs_state *st = vctx;
  if (st->error) return;
  address_walk w;
  address_item item;
  address_walk_init(&w, str_copyn(content, len));
  while (address_walk_next(&w, &item)) {
    if (!item.address) {
      st->error = str_sprintf("%s: failing address in \"%s:\" header is: %s", item.error, st->header, item.text);
      return;
    }
    if (item.domain == 0 && *item.address && !st->allow_unqualified) {
      st->error = str_sprintf("unqualified address not permitted: failing address in \"%s:\" header is: %s",
                              st->header, item.text);
      return;
    }
  }
}

/* Unqualified addresses are allowed in local messages and from the hosts
 * sender_unqualified_hosts / recipient_unqualified_hosts name. */
static bool unqualified_ok(void) {
  const smtp_conn *c = conn_current;
  if (!c || !c->host_address) return true;
  const char *lists[] = {mainconf.sender_unqualified_hosts, mainconf.recipient_unqualified_hosts};
  for (int i = 0; i < 2; i++) {
    const char *err = NULL;
    if (lists[i] && match_host_list(c->host_name, c->host_address, lists[i], &err) == MATCH_YES) return true;
  }
  return false;
}

static int v_header_syntax(acl_ctx *ctx) {
  hs_state st;
  memset(&st, 0, sizeof st);
  st.allow_unqualified = unqualified_ok();
  for (int i = 0; address_headers[i] && !st.error; i++) {
    st.header = address_headers[i];
    expand_headers_foreach(address_headers[i], check_header_value, &st);
  }
  if (!st.error) return ACL_OK;
  /* Exim puts the text in the log message only ($acl_verify_message
   * stays as it was). */
  acl_ctx_set_messages(ctx, NULL, st.error);
  return ACL_FAIL;
}

/* not_blind: every envelope recipient appears in To: or Cc:. */
static void find_recipients(const char *content, size_t len, void *vctx) {
  hs_state *st = vctx;
  address_walk w;
  address_item item;
  address_walk_init(&w, str_copyn(content, len));
  while (address_walk_next(&w, &item)) {
    if (!item.address) continue;
    for (int i = 0; i < st->nwant; i++)
      if (st->want[i] && strcasecmp(st->want[i], item.address) == 0) st->want[i] = NULL;
  }
}

static int v_not_blind(acl_ctx *ctx) {
  /* The envelope recipients: the SMTP envelope, or $recipients (set by
   * reception for the DATA and non-SMTP ACLs). */
  const smtp_conn *c = conn_current;
  hs_state st;
  memset(&st, 0, sizeof st);
  if (c && c->env.recipients_count > 0) {
    st.nwant = c->env.recipients_count;
    st.want = store_get(sizeof(char *) * (size_t)st.nwant, false);
    for (int i = 0; i < st.nwant; i++) st.want[i] = c->env.recipients[i].address;
  } else {
    const char *list = expand_var_value(expand_var_find("recipients", 10));
    if (!list) list = "";
    st.want = store_get(sizeof(char *) * (strlen(list) / 2 + 1), false);
    for (const char *p = list; *p;) {
      p = str_skip_space(p);
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      if (n) st.want[st.nwant++] = str_copyn(p, n);
      p += n + (e ? 1 : 0);
    }
  }
  expand_headers_foreach("To", find_recipients, &st);
  expand_headers_foreach("Cc", find_recipients, &st);
  for (int i = 0; i < st.nwant; i++)
    if (st.want[i]) {
      acl_ctx_set_messages(ctx, NULL, "bcc recipient detected");
      return ACL_FAIL;
    }
  return ACL_OK;
}

/* reverse_host_lookup[/defer_ok]: the host has a name that maps back to
 * its address (looked up now if it was not). */
static int v_reverse_host_lookup(acl_ctx *ctx, const char *opts) {
  smtp_conn *c = conn_current;
  if (!c || !c->host_address) return ACL_OK;   /* local input: nothing to check */
  bool defer_ok = false;
  if (opts) {
    int sep = '/';
    const char *o = opts + 1;
    const char *w;
    while ((w = list_next(&o, &sep)) != NULL) {
      if (strcmp(w, "defer_ok") == 0) defer_ok = true;
      else return acl_error(ctx, "unknown option \"%s\" in ACL verify condition", w);
    }
  }
  if (c->host_name) return ACL_OK;
  if (c->host_lookup_failed) return ACL_FAIL;
  if (acl_tracing) acl_trace(ctx->level, "looking up host name to force name/address consistency check");
  int r = smtp_host_name_needed(c);
  if (r > 0) return ACL_OK;
  if (r == 0) return ACL_FAIL;
  if (defer_ok) return ACL_OK;
  acl_ctx_set_messages(ctx, NULL, "host lookup deferred for reverse lookup check");
  return ACL_DEFER;
}

static int v_certificate(acl_ctx *ctx) {
  smtp_conn *c = conn_current;
  if (!c || !c->tls.active) return verify_failed(ctx, "no TLS session");
  if (!c->tls.peercert) return verify_failed(ctx, "no client certificate");
  if (!c->tls.certificate_verified) return verify_failed(ctx, "client certificate not verified");
  return ACL_OK;
}

static int c_verify(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *slash = strchr(arg, '/');
  size_t n = slash ? (size_t)(slash - arg) : strlen(arg);
  char *what = str_copyn(arg, n);
  const char *eq = strchr(what, '=');
  if (eq) what[eq - what] = 0;   /* sender=address */
  if (strcmp(what, "header_names_ascii") == 0) {
    if (!allowed_in(ctx, W_AFTER_DATA))
      return acl_error(ctx, "cannot verify %s in ACL for %s", what, acl_where_name[ctx->where]);
    return v_header_names_ascii(ctx);
  }
  if (strcmp(what, "helo") == 0) return v_helo(ctx);
  if (strcmp(what, "certificate") == 0) return v_certificate(ctx);
  if (strcmp(what, "recipient") == 0 || strcmp(what, "sender") == 0 ||
      strcmp(what, "header_sender") == 0) {
    unsigned where_ok = what[0] == 'r' ? W(RCPT) | W(VRFY) | W(PRDR)
                        : what[0] == 's' ? W(MAIL) | W(RCPT) | W(PREDATA) | W_AFTER_DATA
                                         : W_AFTER_DATA;
    if (!allowed_in(ctx, where_ok))
      return acl_error(ctx, "cannot verify %s in ACL for %s", what, acl_where_name[ctx->where]);
    /* A bounce (empty sender) has nothing to verify: true (spec 44.26). */
    if (what[0] == 's' && !eq) {
      const char *snd = conn_current && conn_current->env.sender ? conn_current->env.sender
                                                                  : expand_var_value(expand_var_find("sender_address", 14));
      if (!snd || !*snd) return ACL_OK;
    }
    return acl_verify_address(ctx, what, arg);
  }
  if (strcmp(what, "reverse_host_lookup") == 0) return v_reverse_host_lookup(ctx, slash);
  if (strcmp(what, "csa") == 0) return acl_verify_csa(ctx, slash);
  if (strcmp(what, "header_syntax") == 0 || strcmp(what, "not_blind") == 0) {
    if (!allowed_in(ctx, W_AFTER_DATA))
      return acl_error(ctx, "cannot verify %s in ACL for %s", what, acl_where_name[ctx->where]);
    return what[0] == 'h' ? v_header_syntax(ctx) : v_not_blind(ctx);
  }
  return acl_error(ctx, "unknown verify condition \"%s\"", arg);
}

const acl_cond_def acl_verify_defs[] = {
  {"verify", 0, ACL_WHERE_ALL, c_verify, NULL},
  {NULL, 0, 0, NULL, NULL},
};
