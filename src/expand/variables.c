/* variables.c - the expansion variable table (spec 11.9), $acl_c/$acl_m,
 * and the message that $h_... and $message_body read in -bem mode.
 *
 * Entry points: expand_var_find, expand_var_value, expand_var_set,
 * expand_var_slot, expand_aclvar_*, expand_set_message,
 * expand_headers_foreach (see variables.h).
 *
 * Must never: invent values for variables whose layer has not set them
 * (they stay unset and expand as empty, as in Exim without a message).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../config/readconf.h"
#include "variables.h"

/* ---------------- computed variables ---------------- */

static const char *tod_fmt(const char *fmt, bool utc) {
  time_t t = time(NULL);
  struct tm tm;
  if (utc) gmtime_r(&t, &tm); else localtime_r(&t, &tm);
  char buf[128];
  strftime(buf, sizeof buf, fmt, &tm);
  return str_copy(buf);
}

static const char *zone_string(void) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  long off = tm.tm_gmtoff / 60;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return str_sprintf("%c%02ld%02ld", sign, off / 60, off % 60);
}

static const char *v_tod_bsdinbox(void) { return tod_fmt("%a %b %d %H:%M:%S %Y", false); }
static const char *v_tod_epoch(void) { return str_sprintf("%lld", (long long)time(NULL)); }
static const char *v_tod_epoch_l(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return str_sprintf("%lld%06ld", (long long)ts.tv_sec, ts.tv_nsec / 1000);
}
static const char *v_tod_full(void) {
  return str_sprintf("%s %s", tod_fmt("%a, %d %b %Y %H:%M:%S", false), zone_string());
}
static const char *v_tod_log(void) { return tod_fmt("%Y-%m-%d %H:%M:%S", false); }
static const char *v_tod_logfile(void) { return tod_fmt("%Y%m%d", false); }
static const char *v_tod_zone(void) { return zone_string(); }
static const char *v_tod_zulu(void) { return tod_fmt("%Y%m%d%H%M%SZ", true); }
static const char *v_pid(void) { return str_sprintf("%ld", (long)getpid()); }
static const char *v_primary_hostname(void) { return mainconf.primary_hostname; }
static const char *v_qualify_domain(void) { return mainconf.qualify_domain; }
static const char *v_qualify_recipient(void) { return mainconf.qualify_recipient; }
static const char *v_spool_directory(void) { return mainconf.spool_directory; }
static const char *v_exim_path(void) { return mainconf.exim_path; }
static const char *v_config_file(void) { return config.filename; }
static const char *v_config_dir(void) { return config.directory; }
static const char *v_exim_uid(void) {
  uid_t u = 0;
  gid_t g = 0;
  main_config_exim_ids(&u, &g);
  return str_sprintf("%ld", (long)u);
}
static const char *v_exim_gid(void) {
  uid_t u = 0;
  gid_t g = 0;
  main_config_exim_ids(&u, &g);
  return str_sprintf("%ld", (long)g);
}
static const char *v_bounce_return_size_limit(void) {
  return str_sprintf("%lld", (long long)mainconf.bounce_return_size_limit);
}
/* Messages on the queue: -H files under the spool's input directory (and
 * its split subdirectories). */
static const char *v_queue_size(void) {
  const char *dir = str_sprintf("%s/input", mainconf.spool_directory ? mainconf.spool_directory : "");
  long n = 0;
  DIR *d = opendir(dir);
  if (!d) return "0";
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l > 2 && strcmp(e->d_name + l - 2, "-H") == 0) n++;
    else if (l == 1 && e->d_name[0] != '.') {
      DIR *sd = opendir(str_sprintf("%s/%s", dir, e->d_name));
      struct dirent *se;
      while (sd && (se = readdir(sd))) {
        size_t sl = strlen(se->d_name);
        if (sl > 2 && strcmp(se->d_name + sl - 2, "-H") == 0) n++;
      }
      if (sd) closedir(sd);
    }
  }
  closedir(d);
  return str_sprintf("%ld", n);
}
static const char *v_caller_uid(void) { return str_sprintf("%ld", (long)getuid()); }
static const char *v_caller_gid(void) { return str_sprintf("%ld", (long)getgid()); }
static const char *v_load_average(void) {
  double l[1];
  if (getloadavg(l, 1) < 1) return "-1";
  return str_sprintf("%d", (int)(l[0] * 1000.0));
}
static const char *dir_space(const char *dir, bool inodes) {
  struct statvfs sv;
  if (!dir || statvfs(dir, &sv) != 0) return "-1";
  if (inodes) return str_sprintf("%llu", (unsigned long long)sv.f_favail);
  return str_sprintf("%llu", (unsigned long long)sv.f_bavail * sv.f_frsize / 1024);
}
static const char *v_spool_space(void) { return dir_space(mainconf.spool_directory, false); }
static const char *v_spool_inodes(void) { return dir_space(mainconf.spool_directory, true); }
static const char *log_dir(void) {
  const char *p = mainconf.log_file_path;
  if (!p || !*p || strcmp(p, ":") == 0 || strncmp(p, "syslog", 6) == 0)
    return str_sprintf("%s/log", mainconf.spool_directory ? mainconf.spool_directory : "");
  char *d = str_copy(p);
  char *c = strchr(d, ':');
  if (c) *c = 0;
  char *sl = strrchr(d, '/');
  if (sl) *sl = 0;
  return d;
}
static const char *v_log_space(void) { return dir_space(log_dir(), false); }
static const char *v_log_inodes(void) { return dir_space(log_dir(), true); }
static const char *v_initial_cwd(void);
static const char *v_localhost_number(void) {
  const char *n = mainconf.localhost_number;
  return n && *n ? n : "0";
}

/* Message-derived values (-bem). */
static const char *msg_headers;
static size_t msg_hlen;
static const char *msg_body;
static size_t msg_blen;

static const char *body_part(bool end) {
  if (!msg_body) return NULL;
  size_t limit = mainconf.message_body_visible > 0 ? (size_t)mainconf.message_body_visible : 500;
  size_t n = msg_blen < limit ? msg_blen : limit;
  const char *start = end ? msg_body + msg_blen - n : msg_body;
  char *s = str_copyn(start, n);
  for (char *p = s; *p; p++) if (*p == '\n') *p = ' ';
  return s;
}
/* Reception: a message whose body is on disk (expand_set_message_counts). */
static bool msg_counted;
static expand_msg_counts msg_counts;

static const char *v_message_body(void) { return body_part(false); }
static const char *v_message_body_end(void) {
  if (msg_counted && msg_counts.body_end) {
    char *s = str_copyn(msg_counts.body_end, msg_counts.body_end_len);
    for (char *p = s; *p; p++) if (*p == '\n') *p = ' ';
    return s;
  }
  return body_part(true);
}
static const char *v_message_body_size(void) {
  if (msg_counted) return str_sprintf("%ld", msg_counts.body_size);
  return msg_body ? str_sprintf("%zu", msg_blen) : "0";
}
static long msg_size_override = -1;
void expand_set_message_size_override(long size) {
  msg_size_override = size;
}
static const char *v_message_size(void) {
  if (msg_size_override >= 0) return str_sprintf("%ld", msg_size_override);
  if (msg_counted) return str_sprintf("%ld", msg_counts.size);
  return msg_body ? str_sprintf("%zu", msg_hlen + 1 + msg_blen) : "0";
}
static const char *v_message_linecount(void) {
  if (msg_counted) return str_sprintf("%ld", msg_counts.linecount);
  size_t n = msg_headers ? 1 : 0;
  for (size_t i = 0; msg_headers && i < msg_hlen; i++) n += msg_headers[i] == '\n';
  for (size_t i = 0; msg_body && i < msg_blen; i++) n += msg_body[i] == '\n';
  return str_sprintf("%zu", n);
}
static const char *v_body_linecount(void) {
  if (msg_counted) return str_sprintf("%ld", msg_counts.body_linecount);
  size_t n = 0;
  for (size_t i = 0; msg_body && i < msg_blen; i++) n += msg_body[i] == '\n';
  return str_sprintf("%zu", n);
}
static const char *v_body_zerocount(void) {
  if (msg_counted) return str_sprintf("%ld", msg_counts.body_zerocount);
  size_t n = 0;
  for (size_t i = 0; msg_body && i < msg_blen; i++) n += msg_body[i] == 0;
  return str_sprintf("%zu", n);
}
static const char *v_message_headers_raw(void) {
  return msg_headers ? str_copyn(msg_headers, msg_hlen) : NULL;
}
static const char *v_message_headers(void) {
  if (!msg_headers) return NULL;
  gstring *g = g_new(msg_hlen + 1, true);
  const char *p = msg_headers, *end = msg_headers + msg_hlen;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    const char *t = e;
    while (t > p && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r')) t--;
    if (g->len) g = g_catc(g, '\n');
    g = g_catn(g, p, (size_t)(t - p));
    p = nl ? nl + 1 : end;
  }
  return g_str(g);
}

/* ---------------- the table ---------------- */

/* Slot variables: their values, indexed by the table's slot numbers. */
#define NSLOTS 256
static const char *slots[NSLOTS];

#define S(n) {n, VT_SLOT, 0, NULL}
#define F(n, f) {n, VT_FN, 0, f}

/* Sorted by name (checked at first use). */
static expand_var vars[] = {
  S("acl_arg1"), S("acl_arg2"), S("acl_arg3"), S("acl_arg4"), S("acl_arg5"), S("acl_arg6"),
  S("acl_arg7"), S("acl_arg8"), S("acl_arg9"), S("acl_narg"), S("acl_verify_message"),
  S("address_data"), S("address_file"), S("address_pipe"), S("atrn_host"), S("atrn_mode"),
  S("auth1"), S("auth2"), S("auth3"), S("authenticated_fail_id"), S("authenticated_id"),
  S("authenticated_sender"), S("authentication_failed"), S("av_failed"),
  F("body_linecount", v_body_linecount), F("body_zerocount", v_body_zerocount),
  S("bounce_recipient"), F("bounce_return_size_limit", v_bounce_return_size_limit), F("caller_gid", v_caller_gid),
  F("caller_uid", v_caller_uid), S("callout_address"), S("compile_date"), S("compile_number"),
  F("config_dir", v_config_dir), F("config_file", v_config_file), S("csa_status"),
  S("dnslist_domain"), S("dnslist_matched"), S("dnslist_text"), S("dnslist_value"),
  S("domain"), S("domain_data"), F("exim_gid", v_exim_gid), F("exim_path", v_exim_path),
  F("exim_uid", v_exim_uid), S("exim_version"), S("headers_added"), S("home"), S("host"),
  S("host_address"), S("host_data"), S("host_lookup_deferred"), S("host_lookup_failed"),
  S("host_port"), F("initial_cwd", v_initial_cwd), S("inode"), S("interface_address"),
  S("interface_port"), S("item"), S("ldap_dn"), F("load_average", v_load_average), S("local_part"),
  S("local_part_data"), S("local_part_prefix"), S("local_part_prefix_v"),
  S("local_part_suffix"), S("local_part_suffix_v"), S("local_scan_data"),
  S("local_user_gid"), S("local_user_uid"), F("localhost_number", v_localhost_number),
  F("log_inodes", v_log_inodes), F("log_space", v_log_space),
  S("lookup_dnssec_authenticated"), S("mailstore_basename"), S("malware_name"),
  S("max_received_linelength"), S("message_age"), F("message_body", v_message_body),
  F("message_body_end", v_message_body_end), F("message_body_size", v_message_body_size),
  S("message_exim_id"), F("message_headers", v_message_headers), F("message_headers_raw", v_message_headers_raw),
  S("message_id"), F("message_linecount", v_message_linecount), F("message_size", v_message_size),
  S("message_smtputf8"), S("mime_anomaly_level"), S("mime_anomaly_text"), S("mime_boundary"),
  S("mime_charset"), S("mime_content_description"), S("mime_content_disposition"),
  S("mime_content_id"), S("mime_content_size"), S("mime_content_transfer_encoding"),
  S("mime_content_type"), S("mime_decoded_filename"), S("mime_filename"),
  S("mime_is_coverletter"), S("mime_is_multipart"), S("mime_is_rfc822"), S("mime_part_count"),
  S("n0"), S("n1"), S("n2"), S("n3"), S("n4"), S("n5"), S("n6"), S("n7"), S("n8"), S("n9"),
  S("original_domain"), S("original_local_part"), S("originator_gid"), S("originator_uid"),
  S("parent_domain"), S("parent_local_part"), F("pid", v_pid), S("pipe_addresses"),
  S("prdr_requested"), F("primary_hostname", v_primary_hostname), S("proxy_external_address"),
  S("proxy_external_port"), S("proxy_local_address"), S("proxy_local_port"), S("proxy_session"),
  S("prvscheck_address"), S("prvscheck_keynum"), S("prvscheck_result"),
  F("qualify_domain", v_qualify_domain), F("qualify_recipient", v_qualify_recipient),
  S("queue_name"), F("queue_size", v_queue_size), S("rcpt_count"), S("rcpt_defer_count"),
  S("rcpt_fail_count"), S("received_count"), S("received_for"), S("received_ip_address"),
  S("received_port"), S("received_protocol"), S("received_time"), S("recipient_data"),
  S("recipient_verify_failure"), S("recipients"), S("recipients_count"), S("regex_cachesize"),
  S("regex_match_string"), S("reply_address"), S("return_path"), F("return_size_limit", v_bounce_return_size_limit),
  S("router_name"), S("runrc"), S("self_hostname"), S("sender_address"),
  S("sender_address_data"), S("sender_address_domain"), S("sender_address_local_part"),
  S("sender_data"), S("sender_fullhost"), S("sender_helo_dnssec"), S("sender_helo_name"),
  S("sender_host_address"), S("sender_host_authenticated"), S("sender_host_dnssec"),
  S("sender_host_name"), S("sender_host_port"), S("sender_ident"), S("sender_rate"),
  S("sender_rate_limit"), S("sender_rate_period"), S("sender_rcvhost"),
  S("sender_verify_failure"), S("sending_ip_address"), S("sending_port"),
  S("smtp_active_hostname"), S("smtp_command"), S("smtp_command_argument"),
  S("smtp_command_history"), S("smtp_count_at_connection_start"), S("smtp_notquit_reason"),
  S("sn0"), S("sn1"), S("sn2"), S("sn3"), S("sn4"), S("sn5"), S("sn6"), S("sn7"), S("sn8"),
  S("sn9"), F("spool_directory", v_spool_directory), F("spool_inodes", v_spool_inodes),
  F("spool_space", v_spool_space), S("thisaddress"), S("tls_bits"),
  S("tls_certificate_verified"), S("tls_cipher"), S("tls_in_bits"),
  S("tls_in_certificate_verified"), S("tls_in_cipher"), S("tls_in_cipher_std"),
  S("tls_in_ocsp"), S("tls_in_ourcert"), S("tls_in_peercert"), S("tls_in_peerdn"),
  S("tls_in_resumption"), S("tls_in_sni"), S("tls_in_ver"), S("tls_out_bits"),
  S("tls_out_certificate_verified"), S("tls_out_cipher"), S("tls_out_cipher_std"),
  S("tls_out_dane"), S("tls_out_ocsp"), S("tls_out_ourcert"), S("tls_out_peercert"),
  S("tls_out_peerdn"), S("tls_out_resumption"), S("tls_out_sni"), S("tls_out_tlsa_usage"),
  S("tls_out_ver"), S("tls_peerdn"), S("tls_sni"), F("tod_bsdinbox", v_tod_bsdinbox),
  F("tod_epoch", v_tod_epoch), F("tod_epoch_l", v_tod_epoch_l), F("tod_full", v_tod_full),
  F("tod_log", v_tod_log), F("tod_logfile", v_tod_logfile), F("tod_zone", v_tod_zone),
  F("tod_zulu", v_tod_zulu), S("transport_name"), S("value"), S("verify_mode"),
  S("version_number"), S("warn_message_delay"), S("warn_message_recipients"),
};
#define NVARS (sizeof vars / sizeof vars[0])

static bool table_ready;
static const char *initial_cwd;
static const char *v_initial_cwd(void) { return initial_cwd; }

static int cmp_var(const void *a, const void *b) {
  return strcmp(((const expand_var *)a)->name, ((const expand_var *)b)->name);
}

static void table_init(void) {
  if (table_ready) return;
  table_ready = true;
  qsort(vars, NVARS, sizeof vars[0], cmp_var);
  int n = 0;
  for (size_t i = 0; i < NVARS; i++)
    if (vars[i].type == VT_SLOT) vars[i].slot = n++;
  if (n > NSLOTS) abort();
  /* values of unset variables as Exim shows them without a message */
  static const char *const defaults[][2] = {
    {"acl_narg", "0"}, {"authentication_failed", "0"}, {"av_failed", "0"},
    {"host_lookup_deferred", "0"}, {"host_lookup_failed", "0"}, {"host_port", "0"},
    {"inode", "0"}, {"interface_port", "-1"}, {"local_user_gid", "4294967295"},
    {"local_user_uid", "4294967295"},
    {"max_received_linelength", "0"}, {"message_age", "0"}, {"message_smtputf8", "no"},
    {"mime_anomaly_level", "0"}, {"mime_content_size", "0"}, {"mime_is_coverletter", "0"},
    {"mime_is_multipart", "0"}, {"mime_is_rfc822", "0"}, {"mime_part_count", "-1"},
    {"prdr_requested", "no"}, {"proxy_session", "no"}, {"rcpt_count", "0"},
    {"rcpt_defer_count", "0"}, {"rcpt_fail_count", "0"}, {"received_count", "0"},
    {"received_port", "-1"}, {"received_time", "0"}, {"recipients_count", "0"},
    {"runrc", "0"}, {"sender_helo_dnssec", "no"}, {"sender_host_dnssec", "no"},
    {"sender_host_port", "0"}, {"smtp_count_at_connection_start", "0"},
    {"tls_in_bits", "0"}, {"tls_in_certificate_verified", "0"}, {"tls_in_ocsp", "0"},
    {"tls_in_resumption", "0"}, {"tls_out_bits", "0"}, {"tls_out_certificate_verified", "0"},
    {"tls_out_dane", "no"}, {"tls_out_ocsp", "0"}, {"tls_out_resumption", "0"},
    {"tls_bits", "0"}, {"tls_certificate_verified", "0"},
  };
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
    const expand_var *v = expand_var_find(defaults[i][0], strlen(defaults[i][0]));
    if (v && v->type == VT_SLOT) slots[v->slot] = defaults[i][1];
  }
  char *cwd = getcwd(NULL, 0);
  if (cwd) {
    initial_cwd = str_perm(cwd);
    free(cwd);
  }
}

const expand_var *expand_var_find(const char *name, size_t len) {
  table_init();
  size_t lo = 0, hi = NVARS;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strncmp(name, vars[mid].name, len);
    if (c == 0 && vars[mid].name[len]) c = -1;
    if (c == 0) return &vars[mid];
    if (c < 0) hi = mid; else lo = mid + 1;
  }
  return NULL;
}

bool expand_filter_running;

/* $n0..$n9 and $sn0..$sn9 exist only while a filter runs. */
bool expand_var_filter_only(const expand_var *v) {
  const char *n = v->name;
  if (n[0] == 's') n++;
  return n[0] == 'n' && n[1] >= '0' && n[1] <= '9' && !n[2];
}

const char *(*expand_var_on_demand)(const char *name);

const char *expand_var_value(const expand_var *v) {
  if (v->type == VT_FN) return v->fn();
  if (!slots[v->slot] && expand_var_on_demand) return expand_var_on_demand(v->name);
  return slots[v->slot];
}

const char **expand_var_slot(const char *name) {
  const expand_var *v = expand_var_find(name, strlen(name));
  if (!v || v->type != VT_SLOT) return NULL;
  return &slots[v->slot];
}

bool expand_var_set(const char *name, const char *value) {
  const char **p = expand_var_slot(name);
  if (!p) return false;
  *p = value;
  return true;
}

/* ---------------- $acl_c / $acl_m ---------------- */

typedef struct aclvar {
  struct aclvar *next;
  const char *name;
  const char *value;
} aclvar;
static aclvar *aclvars;

bool expand_aclvar_name_ok(const char *name) {
  if (strncmp(name, "acl_c", 5) != 0 && strncmp(name, "acl_m", 5) != 0) return false;
  const char *p = name + 5;
  if (!*p) return false;
  /* acl_c0..9 or acl_c_name / acl_m_name */
  if (*p >= '0' && *p <= '9') return p[1] == 0;
  return *p == '_' && p[1];
}

const char *expand_aclvar_get(const char *name) {
  for (aclvar *a = aclvars; a; a = a->next)
    if (strcmp(a->name, name) == 0) return a->value;
  return NULL;
}

void expand_aclvar_set(const char *name, const char *value) {
  for (aclvar *a = aclvars; a; a = a->next)
    if (strcmp(a->name, name) == 0) {
      a->value = value;
      return;
    }
  aclvar *a = store_get_in(POOL_PERM, sizeof *a, false);
  a->name = str_perm(name);
  a->value = value;
  a->next = aclvars;
  aclvars = a;
}

void expand_aclvar_foreach(void (*fn)(const char *name, const char *value, void *ctx), void *ctx) {
  for (aclvar *a = aclvars; a; a = a->next)
    if (a->value) fn(a->name, a->value, ctx);
}

/* $acl_m* end with the message (MAIL, RSET, EHLO/HELO, after STARTTLS). */
void expand_aclvar_clear_message(void) {
  for (aclvar *a = aclvars; a; a = a->next)
    if (a->name[4] == 'm') a->value = NULL;
}

/* ---------------- the message ---------------- */

void expand_set_message(const char *headers, size_t hlen, const char *body, size_t blen) {
  msg_headers = headers;
  msg_hlen = hlen;
  msg_body = body;
  msg_blen = blen;
}

void expand_set_message_counts(const expand_msg_counts *counts) {
  msg_counted = counts != NULL;
  if (counts) msg_counts = *counts;
}

bool expand_have_message(void) { return msg_headers != NULL; }

void expand_get_message(const char **headers, size_t *hlen, const char **body, size_t *blen) {
  *headers = msg_headers;
  *hlen = msg_hlen;
  *body = msg_body;
  *blen = msg_blen;
}

void expand_headers_foreach(const char *name, void (*fn)(const char *, size_t, void *), void *ctx) {
  if (!msg_headers) return;
  size_t nlen = strlen(name);
  const char *p = msg_headers, *end = msg_headers + msg_hlen;
  while (p < end) {
    /* one header: up to a newline not followed by white space */
    const char *h = p;
    const char *e = p;
    for (;;) {
      const char *nl = memchr(e, '\n', (size_t)(end - e));
      if (!nl) { e = end; break; }
      e = nl + 1;
      if (e >= end || (*e != ' ' && *e != '\t')) break;
    }
    p = e;
    if ((size_t)(e - h) > nlen && str_ncmpic(h, name, nlen) == 0 && h[nlen] == ':')
      fn(h + nlen + 1, (size_t)(e - h - nlen - 1), ctx);
  }
}
