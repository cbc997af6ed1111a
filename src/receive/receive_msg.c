/* receive_msg.c - one message on its way in: the id and -D file, the sink
 * that keeps the header block in memory (bounded by header_maxsize) and
 * streams the body into the -D file, the counts Exim keeps (lines, longest
 * line, NULs), the expansion variables for the DATA / non-SMTP ACLs, ACL
 * header changes, the durable commit, discard, and small shared helpers
 * (size limit, reject-log text, the caller's full name).
 *
 * Entry points: rcv_begin, rcv_sink, rcv_end_input, rcv_publish,
 * rcv_apply_acl_headers, rcv_add_recipient, rcv_commit, rcv_discard,
 * rcv_abandon, rcv_forget, rcv_size_limit, rcv_reject_log_text,
 * rcv_gecos_name (receive_int.h).
 * Must never: write the -H file before the -D is complete, or report
 * success before spool_commit() has made both durable; keep more than
 * header_maxsize bytes of header text.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/regex.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver_start.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "main/version.h"
#include "receive/receive_int.h"
#include "spool/message_id.h"

static int host_number(void) {
  const char *n = mainconf.localhost_number;
  if (!n || !*n) return -1;
  const char *x = expand_cstring(n);
  return x ? atoi(x) : -1;
}

bool rcv_begin(rcv_msg *r, smtp_conn *c, bool no_files) {
  memset(r, 0, sizeof *r);
  r->c = c;
  r->no_files = no_files;
  spool_msg_init(&r->m);
  message_id_new(host_number(), r->m.id, &r->tv);
  r->m.received_sec = r->tv.tv_sec;
  r->m.received_usec = (int)r->tv.tv_usec;
  r->hdr = g_new(1024, true);
  r->line = g_new(256, true);
  r->header_maxsize = mainconf.header_maxsize > 0 ? (size_t)mainconf.header_maxsize : 0;
  r->header_line_maxsize = mainconf.header_line_maxsize > 0 ? (size_t)mainconf.header_line_maxsize : 0;
  r->visible = mainconf.message_body_visible > 0 ? (size_t)mainconf.message_body_visible : 500;
  r->body_head = g_new(r->visible + 1, true);
  r->tail = store_get(r->visible, true);
  r->spool.data_fd = -1;
  /* $version_number is what the default received_header_text shows */
  const char **vn = expand_var_slot("version_number");
  if (vn && !*vn) *vn = version_string;
  expand_var_set("message_exim_id", r->m.id);
  expand_var_set("message_id", r->m.id);
  /* queue = NAME (set before the message): its files go to
   * <spool_directory>/NAME/input and msglog, as exim4's named queues */
  r->queue_name = c && c->env.queue_name && *c->env.queue_name ? str_copy(c->env.queue_name) : NULL;
  deliver_reception_queue = r->queue_name ? str_perm(r->queue_name) : NULL;   /* used after rcv_forget */
  if (no_files) return true;
  const char *err = NULL;
  const char *dir = r->queue_name ? str_sprintf("%s/%s", mainconf.spool_directory, r->queue_name)
                                  : mainconf.spool_directory;
  if (!spool_data_open(&r->spool, dir, mainconf.split_spool_directory, r->m.id, &err)) {
    r->spool_failed = true;
    r->spool_errno = errno;
    r->spool_error = err;
    return false;
  }
  r->spool_open = true;
  return true;
}

/* ---------------------------------------------------------------- the body */

static void stage_flush(rcv_msg *r) {
  if (!r->stage_len) return;
  if (r->spool_open && !r->spool_failed) {
    const char *err = NULL;
    if (!spool_data_write(&r->spool, r->stage, r->stage_len, &err)) {
      r->spool_failed = true;
      r->spool_errno = errno;
      r->spool_error = err;
      r->spool_open = false;   /* spool_data_write removed the file */
    }
  }
  r->stage_len = 0;
}

/* Body bytes: to the -D file, counted, start and end kept for the ACL. */
static void body_bytes(rcv_msg *r, const char *p, size_t n) {
  r->body_size += (long)n;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n') r->body_linecount++;
    else if (p[i] == 0) r->body_zerocount++;
  }
  if (r->body_head->len < r->visible) {
    size_t k = r->visible - r->body_head->len;
    r->body_head = g_catn(r->body_head, p, n < k ? n : k);
  }
  for (size_t i = n > r->visible ? n - r->visible : 0; i < n; i++) {
    r->tail[r->tail_pos] = p[i];
    r->tail_pos = (r->tail_pos + 1) % r->visible;
    if (r->tail_len < r->visible) r->tail_len++;
  }
  while (n) {
    size_t k = RCV_STAGE - r->stage_len;
    if (k > n) k = n;
    memcpy(r->stage + r->stage_len, p, k);
    r->stage_len += k;
    p += k;
    n -= k;
    if (r->stage_len == RCV_STAGE) stage_flush(r);
  }
}

/* The first line, when it is a UUCP "From " line (spec 48.4): kept aside,
 * neither header nor body. */
static bool uucp_from(rcv_msg *r, const char *p, size_t n) {
  const char *pat = mainconf.uucp_from_pattern;
  if (!pat || !*pat || n < 5 || strncmp(p, "From ", 5) != 0) return false;
  const char *err = NULL;
  const regex *re = regex_get(pat, 0, &err);
  if (!re) return false;
  const char *caps[10];
  int ncaps = 0;
  if (regex_match(re, p, n, caps, 10, &ncaps, &err) != 1) return false;
  r->uucp_from_line = str_copyn(p, n);
  expand_set_numeric(ncaps, caps);
  return true;
}

/* A complete line (with its "\n") while still in the header section. */
static void header_line(rcv_msg *r, const char *p, size_t n) {
  if (n == 1) {                         /* the empty line ends the headers */
    r->blank_line_seen = true;
    r->in_body = true;
    return;
  }
  if (r->check_uucp_from && !r->first_line_done) {
    r->first_line_done = true;
    if (uucp_from(r, p, n - 1)) return;
  }
  bool cont = (p[0] == ' ' || p[0] == '\t') && r->hdr->len > 0;
  if (!cont && !rcv_is_header_line(p, n - 1)) {
    r->in_body = true;                  /* not a header: the body starts here */
    body_bytes(r, p, n);
    return;
  }
  if (r->header_too_big || r->header_line_too_long) return;
  r->cur_header_len = cont ? r->cur_header_len + n : n;
  /* what was read of the header section, for the -oem report: up to the
   * end of the overlong line, or the first header_maxsize bytes */
  if (r->header_line_maxsize && r->cur_header_len > r->header_line_maxsize) {
    r->header_line_too_long = true;
    r->header_read = g_str(g_catn(g_catn(g_new(r->hdr->len + n + 1, true), r->hdr->s, r->hdr->len), p, n));
  }
  if (r->header_maxsize && r->hdr->len + n > r->header_maxsize) {
    r->header_too_big = true;
    r->header_line_too_long = false;
    gstring *g = g_catn(g_new(r->header_maxsize + 1, true), r->hdr->s, r->hdr->len);
    r->header_read = g_str(g_catn(g, p, r->header_maxsize - r->hdr->len));
    return;
  }
  if (r->header_line_too_long) return;
  size_t at = r->hdr->len;
  r->hdr = g_catn(r->hdr, p, n);
  for (size_t i = at; i < r->hdr->len; i++)   /* as exim4: a NUL in a header is a '?' */
    if (r->hdr->s[i] == 0) r->hdr->s[i] = '?';
}

bool rcv_sink(void *ctx, const char *data, size_t len) {
  rcv_msg *r = ctx;
  r->size += (long)len;
  for (size_t i = 0; i < len; i++) {
    if (data[i] == '\n') {
      r->linecount++;
      if (r->cur_linelen > r->max_linelen) r->max_linelen = r->cur_linelen;
      r->cur_linelen = 0;
    } else {
      r->cur_linelen++;
    }
  }
  r->line_open = len ? data[len - 1] != '\n' : r->line_open;
  size_t i = 0;
  while (i < len && !r->in_body) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - data) + 1 : len;
    /* a line longer than any limit allows is not kept whole */
    if (r->line->len < (r->header_maxsize ? r->header_maxsize + 2 : (size_t)1 << 30))
      r->line = g_catn(r->line, data + i, e - i);
    i = e;
    if (!nl) break;
    header_line(r, r->line->s, r->line->len);
    g_trim(r->line, 0);
  }
  if (i < len) body_bytes(r, data + i, len - i);
  return !r->spool_failed;
}

void rcv_drop_last_header(rcv_msg *r) {
  if (r->cur_header_len && r->cur_header_len <= r->hdr->len) r->hdr->len -= r->cur_header_len;
  r->cur_header_len = 0;
}

void rcv_end_input(rcv_msg *r) {
  if (r->line_open) {                   /* the last line had no newline */
    rcv_sink(r, "\n", 1);
    r->size--;                          /* not part of what was received */
  }
  if (!r->in_body && r->line->len) {
    header_line(r, r->line->s, r->line->len);
    g_trim(r->line, 0);
  }
  stage_flush(r);
  r->m.headers = rcv_parse_headers(r->hdr->s, r->hdr->len);
}

const char *rcv_gecos_name(uid_t uid) {
  struct passwd *pw = getpwuid(uid);
  if (!pw || !pw->pw_gecos) return NULL;
  const char *comma = strchr(pw->pw_gecos, ',');
  return comma ? str_copyn(pw->pw_gecos, (size_t)(comma - pw->pw_gecos)) : str_copy(pw->pw_gecos);
}

long rcv_size_limit(void) {
  const char *s = mainconf.message_size_limit;
  if (!s || !*s) return 0;
  long long v = 0;
  if (expand_string_integer(s, false, &v) != NULL) return 0;
  return (long)v;
}

char *rcv_reject_log_text(rcv_msg *r, const char *sender) {
  /* exim4 leaves the envelope lines out when there is no recipient yet
   * (-t input cut short by message_size_limit) */
  gstring *g = NULL;
  if (r->m.recipients_count) {
    g = g_fmt(g, "Envelope-from: <%s>\nEnvelope-to: ", sender ? sender : "");
    for (int i = 0; i < r->m.recipients_count; i++)
      g = g_fmt(g, "%s<%s>", i ? ", " : "", r->m.recipients[i].address);
  }
  const char *h = rcv_headers_for_log(r->m.headers);
  if (*h) g = g_fmt(g, "%s%s", g ? "\n" : "", h);
  return g ? g_str(g) : "";
}

/* ------------------------------------------------------------ recipients */

void rcv_add_recipient(rcv_msg *r, const char *address, const char *given) {
  spool_msg *m = &r->m;
  if (m->recipients_count % 16 == 0) {
    spool_recipient *n = store_get(sizeof *n * (size_t)(m->recipients_count + 16), false);
    const char **gv = store_get(sizeof *gv * (size_t)(m->recipients_count + 16), false);
    if (m->recipients_count) {
      memcpy(n, m->recipients, sizeof *n * (size_t)m->recipients_count);
      memcpy(gv, r->rcpt_given, sizeof *gv * (size_t)m->recipients_count);
    }
    m->recipients = n;
    r->rcpt_given = gv;
  }
  r->rcpt_given[m->recipients_count] = str_copy(given ? given : address);
  spool_recipient *rc = &m->recipients[m->recipients_count++];
  memset(rc, 0, sizeof *rc);
  rc->address = str_copy(address);
  rc->pno = -1;
}

/* ------------------------------------------------------ expansion variables */

void rcv_publish(rcv_msg *r) {
  gstring *hb = rcv_headers_block(r->m.headers);
  expand_set_message(hb->s, hb->len, r->body_head->s, r->body_head->len);
  char *tail = store_get(r->tail_len + 1, true);
  size_t start = r->tail_len < r->visible ? 0 : r->tail_pos;
  for (size_t i = 0; i < r->tail_len; i++) tail[i] = r->tail[(start + i) % r->visible];
  tail[r->tail_len] = 0;
  expand_msg_counts counts = {.size = r->size, .linecount = r->linecount,
                              .body_linecount = r->body_linecount,
                              .body_zerocount = r->body_zerocount, .body_size = r->body_size,
                              .body_end = tail, .body_end_len = r->tail_len};
  expand_set_message_counts(&counts);
  spool_msg *m = &r->m;
  expand_var_set("message_exim_id", m->id);
  expand_var_set("message_id", m->id);
  expand_var_set("sender_address", m->sender);
  expand_var_set("max_received_linelength", str_sprintf("%zu", r->max_linelen));
  expand_var_set("recipients_count", str_sprintf("%d", m->recipients_count));
  gstring *g = NULL;
  for (int i = 0; i < m->recipients_count; i++)
    g = g_fmt(g, "%s%s", i ? ", " : "", m->recipients[i].address);
  expand_var_set("recipients", g ? g_str(g) : "");
  expand_var_set("received_time", str_sprintf("%ld", m->received_sec));
  expand_var_set("originator_uid", str_sprintf("%ld", (long)m->originator_uid));
  expand_var_set("originator_gid", str_sprintf("%ld", (long)m->originator_gid));
}

/* ------------------------------------------------------ headers from ACLs */

void rcv_apply_acl_headers(rcv_msg *r) {
  recv_envelope *e = &r->c->env;
  if (e->acl_removed_headers && *e->acl_removed_headers) {
    char *list = str_copy(e->acl_removed_headers);
    for (char *name = strtok(list, ":"); name; name = strtok(NULL, ":")) {
      while (*name == ' ') name++;
      str_rtrim(name);
      size_t n = strlen(name);
      if (n && name[n - 1] == ':') name[--n] = 0;
      for (spool_header *h = r->m.headers; h; h = h->next)
        if (rcv_header_is(h, name)) h->type = '*';
    }
    e->acl_removed_headers = NULL;
  }
  if (!e->acl_added_headers || !e->acl_added_headers->len) return;
  /* One header per entry ("\n" not followed by white space ends it), each
   * with a position letter in front (acl add_header): A at the end, S at
   * the start, R after the Received: header(s), F after Received: and
   * Resent- headers (at_start_rfc). */
  const char *p = e->acl_added_headers->s, *end = p + e->acl_added_headers->len;
  while (p < end) {
    const char *s0 = p;
    for (;;) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      p = nl ? nl + 1 : end;
      if (p >= end || (*p != ' ' && *p != '\t')) break;
    }
    if (p - s0 < 2) continue;
    char pos = *s0;
    char *text = str_copyn(s0 + 1, (size_t)(p - s0 - 1));
    char type = rcv_header_type(text);
    if (pos == 'S') {
      rcv_header_prepend(&r->m.headers, text, type);
    } else if (pos == 'R' || pos == 'F') {
      /* after the first block of Received: headers (at the start when none) */
      spool_header **at = &r->m.headers;
      while (*at && (*at)->type != 'P') at = &(*at)->next;
      if (!*at) at = &r->m.headers;
      while (*at && (*at)->type == 'P') at = &(*at)->next;
      rcv_header_prepend(at, text, type);
    } else {
      rcv_header_append(&r->m.headers, text, type);
    }
  }
  e->acl_added_headers = NULL;
}

/* ---------------------------------------------------------------- commit */

/* One $acl_c* / $acl_m* for the -H file ("-aclm _name 5"). */
static void add_aclvar(const char *name, const char *value, void *ctx) {
  spool_msg *m = ctx;
  spool_aclvar *v = store_get(sizeof *v, false);
  v->scope = name[4];
  v->name = str_copy(name + 5);
  v->value = (char *)value;
  v->next = m->aclvars;
  m->aclvars = v;
}

/* The rest of the -H fields, from the connection. */
static void fill_envelope(rcv_msg *r) {
  spool_msg *m = &r->m;
  smtp_conn *c = r->c;
  m->aclvars = NULL;
  expand_aclvar_foreach(add_aclvar, m);
  m->helo_name = (char *)c->helo_name;
  if (c->host_address) {
    m->host_address = (char *)c->host_address;
    m->host_port = c->host_port;
    m->host_name = (char *)c->host_name;
    m->interface_address = (char *)c->interface_address;
    m->interface_port = c->interface_port;
  }
  if (c->auth_driver_name) {
    m->host_auth = (char *)c->auth_driver_name;
    m->host_auth_pubname = (char *)c->auth_mechanism;
  }
  /* written only when smtp_active_hostname made it differ */
  if (c->active_hostname && mainconf.primary_hostname &&
      strcmp(c->active_hostname, mainconf.primary_hostname) != 0)
    m->active_hostname = (char *)c->active_hostname;
  m->ident = (char *)c->ident;
  m->received_protocol = (char *)c->received_protocol;
  m->body_linecount = (int)r->body_linecount;
  m->body_zerocount = (int)r->body_zerocount;
  m->max_received_linelength = (int)r->max_linelen;
  m->deliver_firsttime = true;
  m->dont_deliver = c->dont_deliver;
  m->host_lookup_deferred = c->host_lookup_deferred;
  m->host_lookup_failed = c->host_lookup_failed;
  if (c->env.freeze) {
    m->frozen = true;
    m->frozen_at = time(NULL);
  }
  if (c->tls.active) {
    m->tls_certificate_verified = c->tls.certificate_verified;
    m->tls_cipher = (char *)c->tls.cipher;
    m->tls_peercert = (char *)c->tls.peercert;
    m->tls_peerdn = (char *)c->tls.peerdn;
    m->tls_sni = (char *)c->tls.sni;
    m->tls_ourcert = (char *)c->tls.ourcert;
    m->tls_ocsp = c->tls.ocsp;
    m->tls_resumption = c->tls.resumption;
    m->tls_ver = (char *)c->tls.ver;
  }
  m->smtputf8 = c->env.smtputf8;
  m->dsn_envid = (char *)c->env.dsn_envid;
  m->dsn_ret = c->env.dsn_ret;
}

bool rcv_commit(rcv_msg *r) {
  fill_envelope(r);
  struct timeval now;
  gettimeofday(&now, NULL);
  r->m.complete_sec = now.tv_sec;
  r->m.complete_usec = (int)now.tv_usec;
  rcv_received_date(r, now.tv_sec);
  if (r->no_files) return true;
  stage_flush(r);
  if (r->spool_failed) return false;
  const char *err = NULL;
  if (!spool_commit(&r->spool, &r->m, &err)) {
    r->spool_failed = true;
    r->spool_errno = errno;
    r->spool_error = err;
    r->spool_open = false;
    return false;
  }
  spool_close(&r->spool);
  r->spool_open = false;
  deliver_msglog_write(r->m.id, str_sprintf("Received from %s", rcv_log_arrival(r)));
  if (r->m.frozen) {
    log_write_msg(r->m.id, LOG_MAIN, "frozen by ACL");
    deliver_msglog_write(r->m.id, "frozen by ACL");
  }
  return true;
}

void rcv_discard(rcv_msg *r, const char *acl_name, const char *log_msg) {
  fill_envelope(r);
  rcv_log_arrival(r);
  log_write_msg(r->m.id, LOG_MAIN, "=> blackhole (%s ACL discarded recipients)%s%s", acl_name,
                log_msg ? ": " : "", log_msg ? log_msg : "");
  log_write_msg(r->m.id, LOG_MAIN, "Completed");
  rcv_abandon(r);
}

void rcv_leave_data(rcv_msg *r) {
  if (r->spool_open) {
    stage_flush(r);
    if (r->spool_open && (fsync(r->spool.data_fd) < 0 || rename(r->spool.data_tmp, r->spool.data_final) < 0))
      spool_abort(&r->spool);
    else if (r->spool_open)
      spool_close(&r->spool);
  }
  r->spool_open = false;
  rcv_forget(r);
}

void rcv_abandon(rcv_msg *r) {
  if (r->spool_open) spool_abort(&r->spool);
  r->spool_open = false;
  rcv_forget(r);
}

void rcv_forget(rcv_msg *r) {
  (void)r;
  expand_set_message(NULL, 0, NULL, 0);
  expand_set_message_counts(NULL);
  /* as exim4 at the next MAIL, RSET or QUIT: the message's id and
   * recipients are gone ($max_received_linelength and $received_time
   * stay, as there) */
  expand_var_set("message_exim_id", NULL);
  expand_var_set("message_id", NULL);
  expand_var_set("recipients", NULL);
  expand_var_set("recipients_count", "0");
  expand_var_set("received_for", NULL);
}
