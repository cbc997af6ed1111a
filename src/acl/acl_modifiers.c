/* acl_modifiers.c - the ACL modifiers (spec 44.21, 44.24, 44.25):
 * add_header, continue, delay, endpass, log_message, log_reject_target,
 * logwrite, message, queue, remove_header, set, udpsend.  (control is in
 * acl_controls.c.)
 *
 * message and log_message are only recorded here; acl.c expands them when
 * the statement decides.
 *
 * Entry point: the table acl_modifiers_core[].
 * Must never: write a header line that does not end in a newline, or send
 * UDP to anything but the one destination the modifier names.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "acl/acl_int.h"
#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "config/option.h"
#include "expand/variables.h"
#include "smtp/conn.h"

#define W(x) ACL_WHERE_BIT(ACL_WHERE_##x)
/* The ACLs that are concerned with receiving a message. */
#define W_MESSAGE (W(MAIL) | W(RCPT) | W(PREDATA) | W(DATA) | W(PRDR) | W(MIME) | W(DKIM) | \
                   W(NOTSMTP) | W(NOTSMTP_START) | W(UNKNOWN))

/* Recorded by acl.c itself (never called). */
static int m_text(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)ctx, (void)it, (void)arg;
  return ACL_OK;
}

static int m_continue(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)ctx, (void)it, (void)arg;   /* the expansion was the point */
  return ACL_OK;
}

/* add_header: each line of the text becomes a header line; a line that
 * does not look like "name:" gets "X-ACL-Warn: " in front.  Queued in the
 * envelope with a one-letter position prefix (A at_end / default, R
 * after_received, S at_start, F at_start_rfc) for reception to apply; as
 * in exim4 the position applies to the first line, later ones go at the
 * end. */
static int m_add_header(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  char pos = 'A';
  const char *p = arg;
  static const struct { const char *word; char pos; } where[] = {
    {":after_received:", 'R'}, {":at_start_rfc:", 'F'}, {":at_start:", 'S'}, {":at_end:", 'A'}};
  for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
    if (strncmp(p, where[i].word, strlen(where[i].word)) == 0) {
      pos = where[i].pos;
      p = str_skip_space(p + strlen(where[i].word));
      break;
    }
  if (!conn_current) return ACL_OK;
  recv_envelope *env = &conn_current->env;
  /* Split into header lines: a newline followed by white space continues
   * the current header. */
  while (*p) {
    const char *e = p;
    for (;;) {
      const char *nl = strchr(e, '\n');
      if (!nl) {
        e += strlen(e);
        break;
      }
      if (nl[1] == ' ' || nl[1] == '\t') {
        e = nl + 1;
        continue;
      }
      e = nl;
      break;
    }
    size_t len = (size_t)(e - p);
    if (len > 0) {
      const char *q = p;
      while (q < e && *q != ':' && !isspace((unsigned char)*q) && *q > 32 && *q < 127) q++;
      bool named = q > p && q < e && *q == ':';
      env->acl_added_headers = g_catc(env->acl_added_headers, pos);
      if (!named) env->acl_added_headers = g_cat(env->acl_added_headers, "X-ACL-Warn: ");
      env->acl_added_headers = g_catn(env->acl_added_headers, p, len);
      env->acl_added_headers = g_catc(env->acl_added_headers, '\n');
      pos = 'A';   /* as exim4: the position applies to the first line only */
    }
    p = *e ? e + 1 : e;
  }
  (void)ctx;
  return ACL_OK;
}

static int m_remove_header(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)ctx, (void)it;
  if (!conn_current || !*arg) return ACL_OK;
  recv_envelope *env = &conn_current->env;
  const char *list = arg;
  int sep = 0;
  char *item;
  gstring *g = env->acl_removed_headers ? g_cat(NULL, env->acl_removed_headers) : NULL;
  while ((item = list_next(&list, &sep))) g = list_append(g, ':', item);
  if (g) env->acl_removed_headers = g_str(g);
  return ACL_OK;
}

int acl_parse_time(const char *s) {
  int secs;
  if (option_parse_time(s, &secs) != NULL) return -1;
  return secs;
}

static int m_delay(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  int secs = acl_parse_time(arg);
  if (secs < 0)
    return acl_error(ctx, "syntax error in argument for \"delay\" modifier: \"%s\" is not a time value", arg);
  smtp_conn *c = conn_current;
  if (acl_tracing) acl_trace(ctx->level, "delay modifier requests %d-second delay", secs);
  if (c && c->host_checking) {
    if (acl_tracing) acl_trace(ctx->level, "delay skipped in -bh checking mode");
    return ACL_OK;
  }
  if (secs == 0) return ACL_OK;
  if (c && !c->no_delay_flush && c->host_address) conn_flush(c);
  struct timespec ts = {secs, 0};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
  return ACL_OK;
}

/* log_reject_target: main, reject, panic (colon list, may be empty). */
static int m_log_reject_target(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  unsigned bits = 0;
  const char *list = arg;
  int sep = 0;
  char *item;
  while ((item = list_next(&list, &sep))) {
    if (strcmp(item, "main") == 0) bits |= LOG_MAIN;
    else if (strcmp(item, "reject") == 0) bits |= LOG_REJECT;
    else if (strcmp(item, "panic") == 0) bits |= LOG_PANIC;
    else
      log_write(LOG_MAIN | LOG_PANIC, "unknown log name \"%s\" in \"log_reject_target\" in %s ACL", item,
                acl_where_name[ctx->where]);
  }
  acl_set_log_reject_target(bits);
  return ACL_OK;
}

/* logwrite: ":main,reject:" prefixes choose the logs; an unknown name
 * (or no closing colon) is reported instead of writing the text. */
static int m_logwrite(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  unsigned flags = 0;
  const char *p = arg;
  if (*p == ':') {
    const char *e = strchr(p + 1, ':');
    bool bad = !e;
    if (e) {
      const char *list = str_copyn(p + 1, (size_t)(e - p - 1));
      int sep = ',';
      char *item;
      while ((item = list_next(&list, &sep))) {
        if (strcmp(item, "main") == 0) flags |= LOG_MAIN;
        else if (strcmp(item, "reject") == 0) flags |= LOG_REJECT;
        else if (strcmp(item, "panic") == 0) flags |= LOG_PANIC;
        else bad = true;
      }
      p = str_skip_space(e + 1);
    }
    if (bad) {
      log_write(LOG_MAIN | LOG_PANIC, "unknown log name in \"%s\" in \"logwrite\" in %s ACL", arg,
                acl_where_name[ctx->where]);
      return ACL_OK;
    }
  }
  if (!flags) flags = LOG_MAIN;
  /* While a message is being received its id starts the line. */
  log_write_msg(acl_log_id(ctx->where), flags, "%s", p);
  return ACL_OK;
}

static int m_set(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)ctx;
  expand_aclvar_set(it->varname, str_copy_taint(arg, is_tainted(arg)));
  return ACL_OK;
}

static int m_queue(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)ctx, (void)it;
  /* the name becomes a directory below spool_directory: exim4's text for
   * a slash; "." and ".." (which exim4 lets through) are refused too */
  if (strchr(arg, '/')) return acl_error(ctx, "Directory separator not permitted in queue name: '%s'", arg);
  if (strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
    return acl_error(ctx, "queue name '%s' not permitted", arg);
  if (conn_current) conn_current->env.queue_name = *arg ? str_copy(arg) : NULL;
  return ACL_OK;
}

/* udpsend = host : port : data */
static int m_udpsend(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *list = arg;
  int sep = 0;
  char *host = list_next(&list, &sep);
  char *port = list_next(&list, &sep);
  if (!host || !*host) return acl_error(ctx, "missing destination host in \"udpsend\" modifier");
  if (!port || !*port) return acl_error(ctx, "missing destination port in \"udpsend\" modifier");
  /* The packet: the rest of the text as it is (exim4 does not treat it as
   * a list item). */
  const char *data = list ? list : "";
  if (*data == (char)sep) data++;
  char *end;
  long portnum = strtol(port, &end, 10);
  if (*end || portnum <= 0 || portnum > 65535)
    return acl_error(ctx, "bad destination port \"%s\" in \"udpsend\" modifier", port);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_DGRAM;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0 || !res) return acl_error(ctx, "DNS lookup of \"%s\" for \"udpsend\" failed", host);
  int rc = ACL_OK;
  int fd = socket(res->ai_family, SOCK_DGRAM, 0);
  if (fd < 0) rc = acl_error(ctx, "unable to create socket in \"udpsend\" modifier: %s", strerror(errno));
  else {
    size_t len = strlen(data);
    ssize_t n = sendto(fd, data, len, 0, res->ai_addr, res->ai_addrlen);
    if (n < 0 || (size_t)n != len)
      log_write(LOG_MAIN, "udpsend write error: %s", n < 0 ? strerror(errno) : "short write");
    close(fd);
  }
  freeaddrinfo(res);
  return rc;
}

const acl_cond_def acl_modifiers_core[] = {
  {"add_header", ACD_MODIFIER, W_MESSAGE, m_add_header, NULL},
  {"continue", ACD_MODIFIER, ACL_WHERE_ALL, m_continue, NULL},
  {"control", ACD_MODIFIER, ACL_WHERE_ALL, acl_run_control, NULL},
  {"delay", ACD_MODIFIER, ACL_WHERE_ALL & ~W(NOTQUIT), m_delay, NULL},
  {"endpass", ACD_MODIFIER | ACD_NOARG, ACL_WHERE_ALL, m_text, NULL},
  {"log_message", ACD_MODIFIER | ACD_NOEXPAND, ACL_WHERE_ALL, m_text, NULL},
  {"log_reject_target", ACD_MODIFIER, ACL_WHERE_ALL, m_log_reject_target, NULL},
  {"logwrite", ACD_MODIFIER, ACL_WHERE_ALL, m_logwrite, NULL},
  {"message", ACD_MODIFIER | ACD_NOEXPAND, ACL_WHERE_ALL, m_text, NULL},
  {"queue", ACD_MODIFIER, ACL_WHERE_ALL & ~(W(DATA) | W(MIME) | W(DKIM) | W(PRDR) | W(NOTSMTP)), m_queue,
   NULL},
  {"remove_header", ACD_MODIFIER, W_MESSAGE, m_remove_header, NULL},
  {"set", ACD_MODIFIER | ACD_SETVAR, ACL_WHERE_ALL, m_set, NULL},
  {"udpsend", ACD_MODIFIER, ACL_WHERE_ALL, m_udpsend, NULL},
  {NULL, 0, 0, NULL, NULL},
};
