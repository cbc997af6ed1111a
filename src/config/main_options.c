/* main_options.c - the main section's option table, Exim's defaults, and the
 * run-time defaults filled in after reading (see main_config.h).
 *
 * Entry points: mainconf, main_option_tables(), main_config_finish(),
 * main_config_exim_ids(), main_config_reset().
 *
 * The table is sorted by name (strcmp order; test/unit/test_option.c checks
 * it).  Options that need a build feature name it; the reader refuses them
 * and -bP leaves them out while the feature is off.
 *
 * Must never: hard-code a host name or a user that the build or the system
 * should supply; guess an id that cannot be looked up.
 */
#include "../base/address.h"
#include "../base/log.h"
#include "../base/log_selector.h"
#include "main_config.h"

#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include "config.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../modules.h"

#ifndef EXIM_VERSION_STRING
#define EXIM_VERSION_STRING "4.96"
#endif
#ifndef HEADERS_CHARSET
#define HEADERS_CHARSET "ISO-8859-1"
#endif
#ifndef BIN_DIRECTORY
#define BIN_DIRECTORY "/usr/exim/bin"
#endif
#ifndef SPOOL_DIRECTORY
#define SPOOL_DIRECTORY "/var/spool/exim"
#endif
#ifndef EXIM_USER
#define EXIM_USER "exim"
#endif
#ifdef LOG_FILE_PATH
#define LOG_FILE_PATH_DEFAULT LOG_FILE_PATH
#else
#define LOG_FILE_PATH_DEFAULT NULL
#endif
#ifdef PID_FILE_PATH
#define PID_FILE_PATH_DEFAULT PID_FILE_PATH
#else
#define PID_FILE_PATH_DEFAULT NULL
#endif
#ifdef TIMEZONE_DEFAULT
#define TIMEZONE_DEFAULT_VALUE TIMEZONE_DEFAULT
#else
#define TIMEZONE_DEFAULT_VALUE NULL
#endif
#ifdef EXIM_GROUP
#define EXIM_GROUP_NAME EXIM_GROUP
#else
#define EXIM_GROUP_NAME NULL
#endif

/* delay_warning: one interval, 24h. */
static const int delay_warning_default[] = {1, 24 * 3600};

/* The Received: header Exim adds by default, with and without TLS. */
static const char received_tls[] =
    "Received: ${if def:sender_rcvhost {from $sender_rcvhost\n\t}"
    "{${if def:sender_ident {from ${quote_local_part:$sender_ident} }}"
    "${if def:sender_helo_name {(helo=$sender_helo_name)\n\t}}}}"
    "by $primary_hostname "
    "${if def:received_protocol {with $received_protocol }}"
    "${if def:tls_in_ver        { ($tls_in_ver)}}"
    "${if def:tls_in_cipher_std { tls $tls_in_cipher_std\n\t}}"
    "(Exim $version_number)\n\t"
    "${if def:sender_address {(envelope-from <$sender_address>)\n\t}}"
    "id $message_exim_id"
    "${if def:received_for {\n\tfor $received_for}}";
static const char received_plain[] =
    "Received: ${if def:sender_rcvhost {from $sender_rcvhost\n\t}"
    "{${if def:sender_ident {from ${quote_local_part:$sender_ident} }}"
    "${if def:sender_helo_name {(helo=$sender_helo_name)\n\t}}}}"
    "by $primary_hostname "
    "${if def:received_protocol {with $received_protocol }}"
    "(Exim $version_number)\n\t"
    "${if def:sender_address {(envelope-from <$sender_address>)\n\t}}"
    "id $message_exim_id"
    "${if def:received_for {\n\tfor $received_for}}";

static const main_config main_defaults = {
    .accept_8bitmime = true,
    .acl_smtp_data_prdr = "accept",
    .allow_domain_literals = false,
    .allow_mx_to_ip = false,
    .allow_utf8_domains = false,
    .auth_advertise_hosts = "*",
    .auto_thaw = 0,
    .av_scanner = "sophie:/var/run/sophie",
    .bmi_config_file = "/opt/brightmail/etc/brightmail.cfg",
    .bounce_return_body = true,
    .bounce_return_linesize_limit = 998,
    .bounce_return_message = true,
    .bounce_return_size_limit = 100*1024,
    .callout_domain_negative_expire = 3*3600,
    .callout_domain_positive_expire = 7*86400,
    .callout_negative_expire = 2*3600,
    .callout_positive_expire = 24*3600,
    .callout_random_local_part = "$primary_hostname-$tod_epoch-testing",
    .check_log_inodes = 100,
    .check_log_space = 10*1024,
    .check_rfc2047_length = true,
    .check_spool_inodes = 100,
    .check_spool_space = 10*1024,
    .chunking_advertise_hosts = "*",
    .commandline_checks_require_admin = false,
    .daemon_smtp_ports = "smtp",
    .daemon_startup_retries = 9,
    .daemon_startup_sleep = 30,
    .dcc_direct_add_header = false,
    .dccifd_address = "/usr/local/dcc/var/dccifd",
    .dccifd_options = "header",
    .debug_store = false,
    .delay_warning = delay_warning_default,
    .delay_warning_condition = "${if or {{ !eq{$h_list-id:$h_list-post:$h_list-subscribe:}{} }{ match{$h_precedence:}{(?i)bulk|list|junk} }{ match{$h_auto-submitted:}{(?i)auto-generated|auto-replied} }} {no}{yes}}",
    .deliver_drop_privilege = false,
    .deliver_queue_load_max = -1,
    .delivery_date_remove = true,
    .disable_fsync = false,
    .disable_ipv6 = false,
    .dkim_verify_hashes = "sha256:sha512",
    .dkim_verify_keytypes = "ed25519:rsa",
    .dkim_verify_min_keysizes = "rsa=1024 ed25519=250",
    .dkim_verify_minimal = false,
    .dkim_verify_signers = "$dkim_signers",
    .dns_check_names_pattern = "(?i)^(?>(?(1)\\.|())[^\\W](?>[a-z0-9/_-]*[^\\W])?)+(\\.?)$",
    .dns_cname_loops = 1,
    .dns_csa_search_limit = 5,
    .dns_csa_use_reverse = true,
    .dns_dnssec_ok = -1,
    .dns_retrans = 0,
    .dns_retry = 0,
    .dns_use_edns0 = -1,
    .drop_cr = false,
    .dsn_from = "Mail Delivery System <Mailer-Daemon@$qualify_domain>",
    .envelope_to_remove = true,
    .extract_addresses_remove_arguments = true,
    .finduser_retries = 0,
    .gnutls_allow_auto_pkcs11 = false,
    .gnutls_compat_mode = false,
    .header_line_maxsize = 0,
    .header_maxsize = 1024*1024,
    .helo_lookup_domains = "@ : @[]",
    .host_lookup_order = "bydns:byaddr",
    .hosts_require_helo = "*",
    .ignore_bounce_errors_after = 10*604800,
    .ignore_fromline_local = false,
    .keep_malformed = 4*86400,
    .ldap_start_tls = false,
    .ldap_version = -1,
    .local_from_check = true,
    .local_interfaces = "<; ::0 ; 0.0.0.0",
    .local_scan_timeout = 5*60,
    .local_sender_retain = false,
    .log_timezone = false,
    .lookup_open_max = 25,
    .max_username_length = 0,
    .message_body_newlines = false,
    .message_body_visible = 500,
    .message_logs = true,
    .message_size_limit = "50M",
    .move_frozen_messages = false,
    .mua_wrapper = false,
    .notifier_socket = "$spool_directory/exim_daemon_notify",
    .perl_at_start = false,
    .perl_taintmode = false,
    .pipelining_advertise_hosts = "*",
    .pipelining_connect_advertise_hosts = "*",
    .prdr_enable = false,
    .preserve_message_logs = false,
    .print_topbitchars = false,
    .prod_requires_admin = true,
    .proxy_protocol_timeout = 3,
    .queue_fast_ramp = false,
    .queue_list_requires_admin = true,
    .queue_only = false,
    .queue_only_load = -1,
    .queue_only_load_latch = true,
    .queue_only_override = true,
    .queue_run_in_order = false,
    .queue_run_max = "5",
    .receive_timeout = 0,
    .received_headers_max = 30,
    .recipients_max = 50000,
    .recipients_max_reject = false,
    .remote_max_parallel = 2,
    .retry_data_expire = 7*86400,
    .retry_interval_max = 24*3600,
    .return_path_remove = true,
    .rfc1413_hosts = "@[]",
    .rfc1413_query_timeout = 0,
    .slow_lookup_log = 0,
    .smtp_accept_keepalive = true,
    .smtp_accept_max = 20,
    .smtp_accept_max_nonmail = 10,
    .smtp_accept_max_nonmail_hosts = "*",
    .smtp_accept_max_per_connection = "1000",
    .smtp_accept_queue = 0,
    .smtp_accept_queue_per_connection = 10,
    .smtp_accept_reserve = 0,
    .smtp_backlog_monitor = 0,
    .smtp_banner = "$smtp_active_hostname ESMTP Exim $version_number $tod_full",
    .smtp_check_spool_space = true,
    .smtp_connect_backlog = 20,
    .smtp_enforce_sync = true,
    .smtp_etrn_serialize = true,
    .smtp_load_reserve = -1,
    .smtp_max_synprot_errors = 3,
    .smtp_max_unknown_commands = 3,
    .smtp_receive_timeout = 5*60,
    .smtp_return_error_details = false,
    .smtputf8_advertise_hosts = "*",
    .spamd_address = "127.0.0.1 783",
    .spf_guess = "v=spf1 a/24 mx/24 ptr ?all",
    .spf_smtp_comment_template = "Please%_see%_http://www.open-spf.org/Why",
    .split_spool_directory = false,
    .spool_wireformat = false,
    .sqlite_lock_timeout = 5,
    .srs_hashlength = 6,
    .srs_hashmin = -1,
    .srs_maxage = 31,
    .srs_usehash = true,
    .srs_usetimestamp = true,
    .strict_acl_vars = false,
    .strip_excess_angle_brackets = false,
    .strip_trailing_dot = false,
    .syslog_duplication = true,
    .syslog_pid = true,
    .syslog_processname = "exim",
    .syslog_timestamp = true,
    .tcp_nodelay = true,
    .tcp_wrappers_daemon_name = "exim",
    .timeout_frozen_after = 0,
    .tls_advertise_hosts = "*",
    .tls_advertise_requiretls = "*",
    .tls_alpn = "smtp:esmtp",
    .tls_dh_max_bits = 2236,
    .tls_eccurve = "auto",
    .tls_remember_esmtp = false,
    .tls_verify_certificates = "system",
    .uucp_from_pattern = "^From\\s+(\\S+)\\s+(?:[a-zA-Z]{3},?\\s+)?(?:[a-zA-Z]{3}\\s+\\d?\\d|\\d?\\d\\s+[a-zA-Z]{3}\\s+\\d\\d(?:\\d\\d)?)\\s+\\d\\d?:\\d\\d?",
    .uucp_from_sender = "$1",
    .write_rejectlog = true,
    .exim_path = BIN_DIRECTORY "/exim",
    .headers_charset = HEADERS_CHARSET,
    .log_file_path = LOG_FILE_PATH_DEFAULT,
    .pid_file_path = PID_FILE_PATH_DEFAULT,
    .spool_directory = SPOOL_DIRECTORY,
    .timezone = TIMEZONE_DEFAULT_VALUE,
    .exim_user_name = EXIM_USER,
    .exim_group_name = EXIM_GROUP_NAME,
};

main_config mainconf = {0};
static bool mainconf_initialised;

/* ------------------------------------------------------------------------
 * exim_user / exim_group: a name or number, looked up at once; the group
 * follows the user's passwd entry unless exim_group is set too.
 * ---------------------------------------------------------------------- */

static bool digits_only(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

static const char *read_exim_user(const optionlist *opt, void *base, const char *value) {
  main_config *mc = base;
  if (digits_only(value)) {
    mc->exim_uid = (uid_t)strtoul(value, NULL, 10);
  } else {
    struct passwd *pw = getpwnam(value);
    if (!pw) return str_sprintf("user %s was not found", value);
    mc->exim_uid = pw->pw_uid;
    /* The passwd entry's group applies when neither the configuration nor
     * the build (EXIM_GROUP) names one. */
    if (!mc->exim_gid_set && !mc->exim_group_name) {
      mc->exim_gid = pw->pw_gid;
      mc->exim_gid_set = true;
      mc->exim_group_name = NULL;
    }
  }
  mc->exim_uid_set = true;
  mc->exim_user_name = NULL;
  return NULL;
}

static const char *read_exim_group(const optionlist *opt, void *base, const char *value) {
  main_config *mc = base;
  if (digits_only(value)) {
    mc->exim_gid = (gid_t)strtoul(value, NULL, 10);
  } else {
    struct group *gr = getgrnam(value);
    if (!gr) return str_sprintf("group %s was not found", value);
    mc->exim_gid = gr->gr_gid;
  }
  mc->exim_gid_set = true;
  mc->exim_group_name = NULL;
  return NULL;
}

static gstring *print_exim_user(gstring *g, const optionlist *opt, const void *base) {
  const main_config *mc = base;
  g = g_cat(g, "exim_user = ");
  if (mc->exim_uid_set) {
    struct passwd *pw = getpwuid(mc->exim_uid);
    return pw ? g_cat(g, pw->pw_name) : g_fmt(g, "%lu", (unsigned long)mc->exim_uid);
  }
  return g_cat(g, mc->exim_user_name);
}

static gstring *print_exim_group(gstring *g, const optionlist *opt, const void *base) {
  const main_config *mc = base;
  g = g_cat(g, "exim_group = ");
  if (mc->exim_gid_set) {
    struct group *gr = getgrgid(mc->exim_gid);
    return gr ? g_cat(g, gr->gr_name) : g_fmt(g, "%lu", (unsigned long)mc->exim_gid);
  }
  return g_cat(g, mc->exim_group_name ? mc->exim_group_name : mc->exim_user_name);
}

static const option_func exim_user_func = {read_exim_user, print_exim_user};
static const option_func exim_group_func = {read_exim_group, print_exim_group};

/* ------------------------------------------------------------------------
 * The table
 * ---------------------------------------------------------------------- */

#define MO(f) OPT_OFF(main_config, f)

static const optionlist main_options[] = {
  {"accept_8bitmime", opt_bool, MO(accept_8bitmime), NULL, NULL},
  {"acl_not_smtp", opt_stringptr, MO(acl_not_smtp), NULL, NULL},
  {"acl_not_smtp_mime", opt_stringptr, MO(acl_not_smtp_mime), "CONTENT_SCAN", NULL},
  {"acl_not_smtp_start", opt_stringptr, MO(acl_not_smtp_start), NULL, NULL},
  {"acl_smtp_auth", opt_stringptr, MO(acl_smtp_auth), NULL, NULL},
  {"acl_smtp_connect", opt_stringptr, MO(acl_smtp_connect), NULL, NULL},
  {"acl_smtp_data", opt_stringptr, MO(acl_smtp_data), NULL, NULL},
  {"acl_smtp_data_prdr", opt_stringptr, MO(acl_smtp_data_prdr), "PRDR", NULL},
  {"acl_smtp_dkim", opt_stringptr, MO(acl_smtp_dkim), "DKIM", NULL},
  {"acl_smtp_etrn", opt_stringptr, MO(acl_smtp_etrn), NULL, NULL},
  {"acl_smtp_expn", opt_stringptr, MO(acl_smtp_expn), NULL, NULL},
  {"acl_smtp_helo", opt_stringptr, MO(acl_smtp_helo), NULL, NULL},
  {"acl_smtp_mail", opt_stringptr, MO(acl_smtp_mail), NULL, NULL},
  {"acl_smtp_mailauth", opt_stringptr, MO(acl_smtp_mailauth), NULL, NULL},
  {"acl_smtp_mime", opt_stringptr, MO(acl_smtp_mime), "CONTENT_SCAN", NULL},
  {"acl_smtp_notquit", opt_stringptr, MO(acl_smtp_notquit), NULL, NULL},
  {"acl_smtp_predata", opt_stringptr, MO(acl_smtp_predata), NULL, NULL},
  {"acl_smtp_quit", opt_stringptr, MO(acl_smtp_quit), NULL, NULL},
  {"acl_smtp_rcpt", opt_stringptr, MO(acl_smtp_rcpt), NULL, NULL},
  {"acl_smtp_starttls", opt_stringptr, MO(acl_smtp_starttls), "TLS", NULL},
  {"acl_smtp_vrfy", opt_stringptr, MO(acl_smtp_vrfy), NULL, NULL},
  {"add_environment", opt_stringptr, MO(add_environment), NULL, NULL},
  {"admin_groups", opt_gidlist, MO(admin_groups), NULL, NULL},
  {"allow_domain_literals", opt_bool, MO(allow_domain_literals), NULL, NULL},
  {"allow_mx_to_ip", opt_bool, MO(allow_mx_to_ip), NULL, NULL},
  {"allow_utf8_domains", opt_bool, MO(allow_utf8_domains), NULL, NULL},
  {"auth_advertise_hosts", opt_stringptr, MO(auth_advertise_hosts), NULL, NULL},
  {"auto_thaw", opt_time, MO(auto_thaw), NULL, NULL},
  {"av_scanner", opt_stringptr, MO(av_scanner), "CONTENT_SCAN", NULL},
  {"bi_command", opt_stringptr, MO(bi_command), NULL, NULL},
  {"bmi_config_file", opt_stringptr, MO(bmi_config_file), "BMI", NULL},
  {"bounce_message_file", opt_stringptr, MO(bounce_message_file), NULL, NULL},
  {"bounce_message_text", opt_stringptr, MO(bounce_message_text), NULL, NULL},
  {"bounce_return_body", opt_bool, MO(bounce_return_body), NULL, NULL},
  {"bounce_return_linesize_limit", opt_mkint, MO(bounce_return_linesize_limit), NULL, NULL},
  {"bounce_return_message", opt_bool, MO(bounce_return_message), NULL, NULL},
  {"bounce_return_size_limit", opt_mkint, MO(bounce_return_size_limit), NULL, NULL},
  {"bounce_sender_authentication", opt_stringptr, MO(bounce_sender_authentication), NULL, NULL},
  {"callout_domain_negative_expire", opt_time, MO(callout_domain_negative_expire), NULL, NULL},
  {"callout_domain_positive_expire", opt_time, MO(callout_domain_positive_expire), NULL, NULL},
  {"callout_negative_expire", opt_time, MO(callout_negative_expire), NULL, NULL},
  {"callout_positive_expire", opt_time, MO(callout_positive_expire), NULL, NULL},
  {"callout_random_local_part", opt_stringptr, MO(callout_random_local_part), NULL, NULL},
  {"check_log_inodes", opt_int, MO(check_log_inodes), NULL, NULL},
  {"check_log_space", opt_Kint, MO(check_log_space), NULL, NULL},
  {"check_rfc2047_length", opt_bool, MO(check_rfc2047_length), NULL, NULL},
  {"check_spool_inodes", opt_int, MO(check_spool_inodes), NULL, NULL},
  {"check_spool_space", opt_Kint, MO(check_spool_space), NULL, NULL},
  {"chunking_advertise_hosts", opt_stringptr, MO(chunking_advertise_hosts), NULL, NULL},
  {"commandline_checks_require_admin", opt_bool, MO(commandline_checks_require_admin), NULL, NULL},
  {"daemon_smtp_port", opt_stringptr | opt_unprintable, MO(daemon_smtp_ports), NULL, NULL},
  {"daemon_smtp_ports", opt_stringptr, MO(daemon_smtp_ports), NULL, NULL},
  {"daemon_startup_retries", opt_int, MO(daemon_startup_retries), NULL, NULL},
  {"daemon_startup_sleep", opt_time, MO(daemon_startup_sleep), NULL, NULL},
  {"dcc_direct_add_header", opt_bool, MO(dcc_direct_add_header), "DCC", NULL},
  {"dccifd_address", opt_stringptr, MO(dccifd_address), "DCC", NULL},
  {"dccifd_options", opt_stringptr, MO(dccifd_options), "DCC", NULL},
  {"debug_store", opt_bool, MO(debug_store), NULL, NULL},
  {"delay_warning", opt_timelist, MO(delay_warning), NULL, NULL},
  {"delay_warning_condition", opt_stringptr, MO(delay_warning_condition), NULL, NULL},
  {"deliver_drop_privilege", opt_bool, MO(deliver_drop_privilege), NULL, NULL},
  {"deliver_queue_load_max", opt_fixed, MO(deliver_queue_load_max), NULL, NULL},
  {"delivery_date_remove", opt_bool, MO(delivery_date_remove), NULL, NULL},
  {"disable_fsync", opt_bool | opt_unprintable, MO(disable_fsync), "DISABLE_FSYNC", NULL},
  {"disable_ipv6", opt_bool, MO(disable_ipv6), NULL, NULL},
  {"dkim_verify_hashes", opt_stringptr, MO(dkim_verify_hashes), "DKIM", NULL},
  {"dkim_verify_keytypes", opt_stringptr, MO(dkim_verify_keytypes), "DKIM", NULL},
  {"dkim_verify_min_keysizes", opt_stringptr, MO(dkim_verify_min_keysizes), "DKIM", NULL},
  {"dkim_verify_minimal", opt_bool, MO(dkim_verify_minimal), "DKIM", NULL},
  {"dkim_verify_signers", opt_stringptr, MO(dkim_verify_signers), "DKIM", NULL},
  {"dmarc_forensic_sender", opt_stringptr, MO(dmarc_forensic_sender), "DMARC", NULL},
  {"dmarc_history_file", opt_stringptr, MO(dmarc_history_file), "DMARC", NULL},
  {"dmarc_tld_file", opt_stringptr, MO(dmarc_tld_file), "DMARC", NULL},
  {"dns_again_means_nonexist", opt_stringptr, MO(dns_again_means_nonexist), NULL, NULL},
  {"dns_check_names_pattern", opt_stringptr, MO(dns_check_names_pattern), NULL, NULL},
  {"dns_cname_loops", opt_int, MO(dns_cname_loops), NULL, NULL},
  {"dns_csa_search_limit", opt_int, MO(dns_csa_search_limit), NULL, NULL},
  {"dns_csa_use_reverse", opt_bool, MO(dns_csa_use_reverse), NULL, NULL},
  {"dns_dnssec_ok", opt_int, MO(dns_dnssec_ok), NULL, NULL},
  {"dns_ipv4_lookup", opt_stringptr, MO(dns_ipv4_lookup), NULL, NULL},
  {"dns_retrans", opt_time, MO(dns_retrans), NULL, NULL},
  {"dns_retry", opt_int, MO(dns_retry), NULL, NULL},
  {"dns_trust_aa", opt_stringptr, MO(dns_trust_aa), NULL, NULL},
  {"dns_use_edns0", opt_int, MO(dns_use_edns0), NULL, NULL},
  {"drop_cr", opt_bool, MO(drop_cr), NULL, NULL},
  {"dsn_advertise_hosts", opt_stringptr, MO(dsn_advertise_hosts), NULL, NULL},
  {"dsn_from", opt_stringptr, MO(dsn_from), NULL, NULL},
  {"envelope_to_remove", opt_bool, MO(envelope_to_remove), NULL, NULL},
  {"errors_copy", opt_stringptr, MO(errors_copy), NULL, NULL},
  {"errors_reply_to", opt_stringptr, MO(errors_reply_to), NULL, NULL},
  {"event_action", opt_stringptr, MO(event_action), "EVENT", NULL},
  {"exim_group", opt_func, 0, NULL, &exim_group_func},
  {"exim_path", opt_stringptr, MO(exim_path), NULL, NULL},
  {"exim_user", opt_func, 0, NULL, &exim_user_func},
  {"exim_version", opt_stringptr, MO(exim_version), NULL, NULL},
  {"extra_local_interfaces", opt_stringptr, MO(extra_local_interfaces), NULL, NULL},
  {"extract_addresses_remove_arguments", opt_bool, MO(extract_addresses_remove_arguments), NULL, NULL},
  {"finduser_retries", opt_int, MO(finduser_retries), NULL, NULL},
  {"freeze_tell", opt_stringptr, MO(freeze_tell), NULL, NULL},
  {"gecos_name", opt_stringptr, MO(gecos_name), NULL, NULL},
  {"gecos_pattern", opt_stringptr, MO(gecos_pattern), NULL, NULL},
  {"gnutls_allow_auto_pkcs11", opt_bool, MO(gnutls_allow_auto_pkcs11), "TLS", NULL},
  {"gnutls_compat_mode", opt_bool, MO(gnutls_compat_mode), "TLS", NULL},
  {"header_line_maxsize", opt_int, MO(header_line_maxsize), NULL, NULL},
  {"header_maxsize", opt_int, MO(header_maxsize), NULL, NULL},
  {"headers_charset", opt_stringptr, MO(headers_charset), NULL, NULL},
  {"helo_accept_junk_hosts", opt_stringptr, MO(helo_accept_junk_hosts), NULL, NULL},
  {"helo_allow_chars", opt_stringptr, MO(helo_allow_chars), NULL, NULL},
  {"helo_lookup_domains", opt_stringptr, MO(helo_lookup_domains), NULL, NULL},
  {"helo_try_verify_hosts", opt_stringptr, MO(helo_try_verify_hosts), NULL, NULL},
  {"helo_verify_hosts", opt_stringptr, MO(helo_verify_hosts), NULL, NULL},
  {"hold_domains", opt_stringptr, MO(hold_domains), NULL, NULL},
  {"host_lookup", opt_stringptr, MO(host_lookup), NULL, NULL},
  {"host_lookup_order", opt_stringptr, MO(host_lookup_order), NULL, NULL},
  {"host_reject_connection", opt_stringptr, MO(host_reject_connection), NULL, NULL},
  {"hosts_connection_nolog", opt_stringptr, MO(hosts_connection_nolog), NULL, NULL},
  {"hosts_proxy", opt_stringptr, MO(hosts_proxy), "PROXY", NULL},
  {"hosts_require_alpn", opt_stringptr, MO(hosts_require_alpn), "TLS", NULL},
  {"hosts_require_helo", opt_stringptr, MO(hosts_require_helo), NULL, NULL},
  {"hosts_treat_as_local", opt_stringptr, MO(hosts_treat_as_local), NULL, NULL},
  {"hosts_xclient", opt_stringptr, MO(hosts_xclient), "XCLIENT", NULL},
  {"ibase_servers", opt_stringptr, MO(ibase_servers), "IBASE", NULL},
  {"ignore_bounce_errors_after", opt_time, MO(ignore_bounce_errors_after), NULL, NULL},
  {"ignore_fromline_hosts", opt_stringptr, MO(ignore_fromline_hosts), NULL, NULL},
  {"ignore_fromline_local", opt_bool, MO(ignore_fromline_local), NULL, NULL},
  {"keep_environment", opt_stringptr, MO(keep_environment), NULL, NULL},
  {"keep_malformed", opt_time, MO(keep_malformed), NULL, NULL},
  {"ldap_ca_cert_dir", opt_stringptr, MO(ldap_ca_cert_dir), "LDAP", NULL},
  {"ldap_ca_cert_file", opt_stringptr, MO(ldap_ca_cert_file), "LDAP", NULL},
  {"ldap_cert_file", opt_stringptr, MO(ldap_cert_file), "LDAP", NULL},
  {"ldap_cert_key", opt_stringptr, MO(ldap_cert_key), "LDAP", NULL},
  {"ldap_cipher_suite", opt_stringptr, MO(ldap_cipher_suite), "LDAP", NULL},
  {"ldap_default_servers", opt_stringptr, MO(ldap_default_servers), "LDAP", NULL},
  {"ldap_require_cert", opt_stringptr, MO(ldap_require_cert), "LDAP", NULL},
  {"ldap_start_tls", opt_bool, MO(ldap_start_tls), "LDAP", NULL},
  {"ldap_version", opt_int, MO(ldap_version), "LDAP", NULL},
  {"local_from_check", opt_bool, MO(local_from_check), NULL, NULL},
  {"local_from_prefix", opt_stringptr, MO(local_from_prefix), NULL, NULL},
  {"local_from_suffix", opt_stringptr, MO(local_from_suffix), NULL, NULL},
  {"local_interfaces", opt_stringptr, MO(local_interfaces), NULL, NULL},
  {"local_scan_path", opt_stringptr, MO(local_scan_path), "DLOPEN_LOCAL_SCAN", NULL},
  {"local_scan_timeout", opt_time, MO(local_scan_timeout), NULL, NULL},
  {"local_sender_retain", opt_bool, MO(local_sender_retain), NULL, NULL},
  {"localhost_number", opt_stringptr, MO(localhost_number), NULL, NULL},
  {"log_file_path", opt_stringptr, MO(log_file_path), NULL, NULL},
  {"log_selector", opt_stringptr, MO(log_selector), NULL, NULL},
  {"log_timezone", opt_bool, MO(log_timezone), NULL, NULL},
  {"lookup_open_max", opt_int, MO(lookup_open_max), NULL, NULL},
  {"max_username_length", opt_int, MO(max_username_length), NULL, NULL},
  {"message_body_newlines", opt_bool, MO(message_body_newlines), NULL, NULL},
  {"message_body_visible", opt_mkint, MO(message_body_visible), NULL, NULL},
  {"message_id_header_domain", opt_stringptr, MO(message_id_header_domain), NULL, NULL},
  {"message_id_header_text", opt_stringptr, MO(message_id_header_text), NULL, NULL},
  {"message_logs", opt_bool, MO(message_logs), NULL, NULL},
  {"message_size_limit", opt_stringptr, MO(message_size_limit), NULL, NULL},
  {"move_frozen_messages", opt_bool, MO(move_frozen_messages), "SUPPORT_MOVE_FROZEN", NULL},
  {"mua_wrapper", opt_bool, MO(mua_wrapper), NULL, NULL},
  {"mysql_servers", opt_stringptr, MO(mysql_servers), "MYSQL", NULL},
  {"never_users", opt_uidlist, MO(never_users), NULL, NULL},
  {"notifier_socket", opt_stringptr, MO(notifier_socket), NULL, NULL},
  {"openssl_options", opt_stringptr, MO(openssl_options), "TLS", NULL},
  {"oracle_servers", opt_stringptr, MO(oracle_servers), "ORACLE", NULL},
  {"percent_hack_domains", opt_stringptr, MO(percent_hack_domains), NULL, NULL},
  {"perl_at_start", opt_bool, MO(perl_at_start), "PERL", NULL},
  {"perl_startup", opt_stringptr, MO(perl_startup), "PERL", NULL},
  {"perl_taintmode", opt_bool, MO(perl_taintmode), "PERL", NULL},
  {"pgsql_servers", opt_stringptr, MO(pgsql_servers), "PGSQL", NULL},
  {"pid_file_path", opt_stringptr, MO(pid_file_path), NULL, NULL},
  {"pipelining_advertise_hosts", opt_stringptr, MO(pipelining_advertise_hosts), NULL, NULL},
  {"pipelining_connect_advertise_hosts", opt_stringptr, MO(pipelining_connect_advertise_hosts), "PIPE_CONNECT", NULL},
  {"prdr_enable", opt_bool, MO(prdr_enable), "PRDR", NULL},
  {"preserve_message_logs", opt_bool, MO(preserve_message_logs), NULL, NULL},
  {"primary_hostname", opt_stringptr, MO(primary_hostname), NULL, NULL},
  {"print_topbitchars", opt_bool, MO(print_topbitchars), NULL, NULL},
  {"process_log_path", opt_stringptr, MO(process_log_path), NULL, NULL},
  {"prod_requires_admin", opt_bool, MO(prod_requires_admin), NULL, NULL},
  {"proxy_protocol_timeout", opt_time, MO(proxy_protocol_timeout), "PROXY", NULL},
  {"qualify_domain", opt_stringptr, MO(qualify_domain), NULL, NULL},
  {"qualify_recipient", opt_stringptr, MO(qualify_recipient), NULL, NULL},
  {"queue_domains", opt_stringptr, MO(queue_domains), NULL, NULL},
  {"queue_fast_ramp", opt_bool, MO(queue_fast_ramp), NULL, NULL},
  {"queue_list_requires_admin", opt_bool, MO(queue_list_requires_admin), NULL, NULL},
  {"queue_only", opt_bool, MO(queue_only), NULL, NULL},
  {"queue_only_file", opt_stringptr, MO(queue_only_file), NULL, NULL},
  {"queue_only_load", opt_fixed, MO(queue_only_load), NULL, NULL},
  {"queue_only_load_latch", opt_bool, MO(queue_only_load_latch), NULL, NULL},
  {"queue_only_override", opt_bool, MO(queue_only_override), NULL, NULL},
  {"queue_run_in_order", opt_bool, MO(queue_run_in_order), NULL, NULL},
  {"queue_run_max", opt_stringptr, MO(queue_run_max), NULL, NULL},
  {"queue_smtp_domains", opt_stringptr, MO(queue_smtp_domains), NULL, NULL},
  {"receive_timeout", opt_time, MO(receive_timeout), NULL, NULL},
  {"received_header_text", opt_stringptr, MO(received_header_text), NULL, NULL},
  {"received_headers_max", opt_int, MO(received_headers_max), NULL, NULL},
  {"recipient_unqualified_hosts", opt_stringptr, MO(recipient_unqualified_hosts), NULL, NULL},
  {"recipients_max", opt_int, MO(recipients_max), NULL, NULL},
  {"recipients_max_reject", opt_bool, MO(recipients_max_reject), NULL, NULL},
  {"redis_servers", opt_stringptr, MO(redis_servers), "REDIS", NULL},
  {"remote_max_parallel", opt_int, MO(remote_max_parallel), NULL, NULL},
  {"remote_sort_domains", opt_stringptr, MO(remote_sort_domains), NULL, NULL},
  {"retry_data_expire", opt_time, MO(retry_data_expire), NULL, NULL},
  {"retry_interval_max", opt_time, MO(retry_interval_max), NULL, NULL},
  {"return_path_remove", opt_bool, MO(return_path_remove), NULL, NULL},
  {"return_size_limit", opt_mkint | opt_unprintable, MO(bounce_return_size_limit), NULL, NULL},
  {"rfc1413_hosts", opt_stringptr, MO(rfc1413_hosts), NULL, NULL},
  {"rfc1413_query_timeout", opt_time, MO(rfc1413_query_timeout), NULL, NULL},
  {"sender_unqualified_hosts", opt_stringptr, MO(sender_unqualified_hosts), NULL, NULL},
  {"slow_lookup_log", opt_int, MO(slow_lookup_log), NULL, NULL},
  {"smtp_accept_keepalive", opt_bool, MO(smtp_accept_keepalive), NULL, NULL},
  {"smtp_accept_max", opt_int, MO(smtp_accept_max), NULL, NULL},
  {"smtp_accept_max_nonmail", opt_int, MO(smtp_accept_max_nonmail), NULL, NULL},
  {"smtp_accept_max_nonmail_hosts", opt_stringptr, MO(smtp_accept_max_nonmail_hosts), NULL, NULL},
  {"smtp_accept_max_per_connection", opt_stringptr, MO(smtp_accept_max_per_connection), NULL, NULL},
  {"smtp_accept_max_per_host", opt_stringptr, MO(smtp_accept_max_per_host), NULL, NULL},
  {"smtp_accept_queue", opt_int, MO(smtp_accept_queue), NULL, NULL},
  {"smtp_accept_queue_per_connection", opt_int, MO(smtp_accept_queue_per_connection), NULL, NULL},
  {"smtp_accept_reserve", opt_int, MO(smtp_accept_reserve), NULL, NULL},
  {"smtp_active_hostname", opt_stringptr, MO(smtp_active_hostname), NULL, NULL},
  {"smtp_backlog_monitor", opt_int, MO(smtp_backlog_monitor), NULL, NULL},
  {"smtp_banner", opt_stringptr, MO(smtp_banner), NULL, NULL},
  {"smtp_check_spool_space", opt_bool, MO(smtp_check_spool_space), NULL, NULL},
  {"smtp_connect_backlog", opt_int, MO(smtp_connect_backlog), NULL, NULL},
  {"smtp_enforce_sync", opt_bool, MO(smtp_enforce_sync), NULL, NULL},
  {"smtp_etrn_command", opt_stringptr, MO(smtp_etrn_command), NULL, NULL},
  {"smtp_etrn_serialize", opt_bool, MO(smtp_etrn_serialize), NULL, NULL},
  {"smtp_load_reserve", opt_fixed, MO(smtp_load_reserve), NULL, NULL},
  {"smtp_max_synprot_errors", opt_int, MO(smtp_max_synprot_errors), NULL, NULL},
  {"smtp_max_unknown_commands", opt_int, MO(smtp_max_unknown_commands), NULL, NULL},
  {"smtp_ratelimit_hosts", opt_stringptr, MO(smtp_ratelimit_hosts), NULL, NULL},
  {"smtp_ratelimit_mail", opt_stringptr, MO(smtp_ratelimit_mail), NULL, NULL},
  {"smtp_ratelimit_rcpt", opt_stringptr, MO(smtp_ratelimit_rcpt), NULL, NULL},
  {"smtp_receive_timeout", opt_time, MO(smtp_receive_timeout), NULL, NULL},
  {"smtp_reserve_hosts", opt_stringptr, MO(smtp_reserve_hosts), NULL, NULL},
  {"smtp_return_error_details", opt_bool, MO(smtp_return_error_details), NULL, NULL},
  {"smtputf8_advertise_hosts", opt_stringptr, MO(smtputf8_advertise_hosts), "I18N", NULL},
  {"spamd_address", opt_stringptr, MO(spamd_address), "CONTENT_SCAN", NULL},
  {"spf_guess", opt_stringptr, MO(spf_guess), "SPF", NULL},
  {"spf_smtp_comment_template", opt_stringptr, MO(spf_smtp_comment_template), "SPF", NULL},
  {"split_spool_directory", opt_bool, MO(split_spool_directory), NULL, NULL},
  {"spool_directory", opt_stringptr, MO(spool_directory), NULL, NULL},
  {"spool_wireformat", opt_bool, MO(spool_wireformat), NULL, NULL},
  {"sqlite_dbfile", opt_stringptr, MO(sqlite_dbfile), "SQLITE", NULL},
  {"sqlite_lock_timeout", opt_int, MO(sqlite_lock_timeout), "SQLITE", NULL},
  {"srs_config", opt_stringptr, MO(srs_config), "SRS_ALT", NULL},
  {"srs_hashlength", opt_int, MO(srs_hashlength), "SRS_ALT", NULL},
  {"srs_hashmin", opt_int, MO(srs_hashmin), "SRS_ALT", NULL},
  {"srs_maxage", opt_int, MO(srs_maxage), "SRS_ALT", NULL},
  {"srs_secrets", opt_stringptr, MO(srs_secrets), "SRS_ALT", NULL},
  {"srs_usehash", opt_bool, MO(srs_usehash), "SRS_ALT", NULL},
  {"srs_usetimestamp", opt_bool, MO(srs_usetimestamp), "SRS_ALT", NULL},
  {"strict_acl_vars", opt_bool, MO(strict_acl_vars), NULL, NULL},
  {"strip_excess_angle_brackets", opt_bool, MO(strip_excess_angle_brackets), NULL, NULL},
  {"strip_trailing_dot", opt_bool, MO(strip_trailing_dot), NULL, NULL},
  {"syslog_duplication", opt_bool, MO(syslog_duplication), NULL, NULL},
  {"syslog_facility", opt_stringptr, MO(syslog_facility), NULL, NULL},
  {"syslog_pid", opt_bool, MO(syslog_pid), NULL, NULL},
  {"syslog_processname", opt_stringptr, MO(syslog_processname), NULL, NULL},
  {"syslog_timestamp", opt_bool, MO(syslog_timestamp), NULL, NULL},
  {"system_filter", opt_stringptr, MO(system_filter), NULL, NULL},
  {"system_filter_directory_transport", opt_stringptr, MO(system_filter_directory_transport), NULL, NULL},
  {"system_filter_file_transport", opt_stringptr, MO(system_filter_file_transport), NULL, NULL},
  {"system_filter_group", opt_gid, MO(system_filter_group), NULL, NULL},
  {"system_filter_pipe_transport", opt_stringptr, MO(system_filter_pipe_transport), NULL, NULL},
  {"system_filter_reply_transport", opt_stringptr, MO(system_filter_reply_transport), NULL, NULL},
  {"system_filter_user", opt_uid, MO(system_filter_user), NULL, NULL},
  {"tcp_nodelay", opt_bool, MO(tcp_nodelay), NULL, NULL},
  {"tcp_wrappers_daemon_name", opt_stringptr, MO(tcp_wrappers_daemon_name), "TCP_WRAPPERS", NULL},
  {"timeout_frozen_after", opt_time, MO(timeout_frozen_after), NULL, NULL},
  {"timezone", opt_stringptr, MO(timezone), NULL, NULL},
  {"tls_advertise_hosts", opt_stringptr, MO(tls_advertise_hosts), "TLS", NULL},
  {"tls_advertise_requiretls", opt_stringptr, MO(tls_advertise_requiretls), "REQUIRETLS", NULL},
  {"tls_alpn", opt_stringptr, MO(tls_alpn), "TLS", NULL},
  {"tls_certificate", opt_stringptr, MO(tls_certificate), "TLS", NULL},
  {"tls_crl", opt_stringptr, MO(tls_crl), "TLS", NULL},
  {"tls_dh_max_bits", opt_int, MO(tls_dh_max_bits), "TLS", NULL},
  {"tls_dhparam", opt_stringptr, MO(tls_dhparam), "TLS", NULL},
  {"tls_eccurve", opt_stringptr, MO(tls_eccurve), "TLS", NULL},
  {"tls_ocsp_file", opt_stringptr, MO(tls_ocsp_file), "OCSP", NULL},
  {"tls_on_connect_ports", opt_stringptr, MO(tls_on_connect_ports), "TLS", NULL},
  {"tls_privatekey", opt_stringptr, MO(tls_privatekey), "TLS", NULL},
  {"tls_remember_esmtp", opt_bool, MO(tls_remember_esmtp), "TLS", NULL},
  {"tls_require_ciphers", opt_stringptr, MO(tls_require_ciphers), "TLS", NULL},
  {"tls_resumption_hosts", opt_stringptr, MO(tls_resumption_hosts), "TLS_RESUME", NULL},
  {"tls_try_verify_hosts", opt_stringptr, MO(tls_try_verify_hosts), "TLS", NULL},
  {"tls_verify_certificates", opt_stringptr, MO(tls_verify_certificates), "TLS", NULL},
  {"tls_verify_hosts", opt_stringptr, MO(tls_verify_hosts), "TLS", NULL},
  {"trusted_groups", opt_gidlist, MO(trusted_groups), NULL, NULL},
  {"trusted_users", opt_uidlist, MO(trusted_users), NULL, NULL},
  {"unknown_login", opt_stringptr, MO(unknown_login), NULL, NULL},
  {"unknown_username", opt_stringptr, MO(unknown_username), NULL, NULL},
  {"untrusted_set_sender", opt_stringptr, MO(untrusted_set_sender), NULL, NULL},
  {"uucp_from_pattern", opt_stringptr, MO(uucp_from_pattern), NULL, NULL},
  {"uucp_from_sender", opt_stringptr, MO(uucp_from_sender), NULL, NULL},
  {"warn_message_file", opt_stringptr, MO(warn_message_file), NULL, NULL},
  {"write_rejectlog", opt_bool, MO(write_rejectlog), NULL, NULL},
};

static option_table main_table;

/* Build settings left empty in Local/Makefile mean "unset". */
static const char *unless_empty(const char *s) { return s && *s ? s : NULL; }

void main_config_reset(void) {
  mainconf = main_defaults;
  mainconf.log_file_path = unless_empty(mainconf.log_file_path);
  mainconf.pid_file_path = unless_empty(mainconf.pid_file_path);
  mainconf.timezone = unless_empty(mainconf.timezone);
  mainconf.exim_group_name = unless_empty(mainconf.exim_group_name);
  mainconf_initialised = true;
  option_reset_state();
}

const option_table *main_option_tables(int *count) {
  if (!mainconf_initialised) main_config_reset();
  main_table.list = main_options;
  main_table.count = OPT_COUNT(main_options);
  main_table.base = &mainconf;
  main_table.set = NULL;
  if (count) *count = 1;
  return &main_table;
}

/* ------------------------------------------------------------------------
 * Run-time defaults
 * ---------------------------------------------------------------------- */

/* The node name, fully qualified through the resolver when it has no dot. */
static const char *default_hostname(void) {
  struct utsname u;
  if (uname(&u) < 0) return NULL;
  const char *name = u.nodename;
  if (!strchr(name, '.')) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_CANONNAME;
    hints.ai_family = AF_UNSPEC;
    if (getaddrinfo(name, NULL, &hints, &res) == 0) {
      const char *canon = res && res->ai_canonname ? str_perm(res->ai_canonname) : NULL;
      freeaddrinfo(res);
      if (canon && *canon) return canon;
    }
  }
  return str_perm(name);
}

static void resolve_exim_ids(void) {
  if (!mainconf.exim_uid_set && mainconf.exim_user_name) {
    const char *n = mainconf.exim_user_name;
    if (digits_only(n)) {
      mainconf.exim_uid = (uid_t)strtoul(n, NULL, 10);
      mainconf.exim_uid_set = true;
    } else {
      struct passwd *pw = getpwnam(n);
      if (pw) {
        mainconf.exim_uid = pw->pw_uid;
        mainconf.exim_uid_set = true;
        if (!mainconf.exim_gid_set && !mainconf.exim_group_name) {
          mainconf.exim_gid = pw->pw_gid;
          mainconf.exim_gid_set = true;
        }
      }
    }
  }
  if (!mainconf.exim_gid_set && mainconf.exim_group_name) {
    const char *n = mainconf.exim_group_name;
    if (digits_only(n)) {
      mainconf.exim_gid = (gid_t)strtoul(n, NULL, 10);
      mainconf.exim_gid_set = true;
    } else {
      struct group *gr = getgrnam(n);
      if (gr) {
        mainconf.exim_gid = gr->gr_gid;
        mainconf.exim_gid_set = true;
      }
    }
  }
}

const char *main_config_finish(void) {
  if (!mainconf_initialised) main_config_reset();
  if (!mainconf.primary_hostname) {
    mainconf.primary_hostname = default_hostname();
    if (!mainconf.primary_hostname) return "cannot determine the host name (uname failed)";
  }
  if (!mainconf.qualify_domain) mainconf.qualify_domain = mainconf.primary_hostname;
  if (!mainconf.qualify_recipient) mainconf.qualify_recipient = mainconf.qualify_domain;
  if (!mainconf.exim_version) mainconf.exim_version = EXIM_VERSION_STRING;
  address_allow_domain_literals = mainconf.allow_domain_literals;
  if (!mainconf.process_log_path && mainconf.spool_directory)
    mainconf.process_log_path = str_perm(str_sprintf("%s/exim-process.info", mainconf.spool_directory));
  if (!mainconf.received_header_text)
    mainconf.received_header_text = feature_on("TLS") ? received_tls : received_plain;
  resolve_exim_ids();
  if (log_facility_code(mainconf.syslog_facility) < 0)
    return str_sprintf("failed to interpret syslog_facility \"%s\"", mainconf.syslog_facility);
  return log_selector_parse(mainconf.log_selector);
}

const char *main_config_exim_ids(uid_t *uid, gid_t *gid) {
  resolve_exim_ids();
  if (!mainconf.exim_uid_set)
    return str_sprintf("the exim user \"%s\" (EXIM_USER in Local/Makefile) does not exist on this "
                       "system: set exim_user in the configuration", mainconf.exim_user_name);
  if (!mainconf.exim_gid_set)
    return str_sprintf("the exim group \"%s\" does not exist on this system: set exim_group in the "
                       "configuration", mainconf.exim_group_name ? mainconf.exim_group_name : "?");
  *uid = mainconf.exim_uid;
  *gid = mainconf.exim_gid;
  return NULL;
}
