/* main_config.h - the values of every main-section option (spec chapter
 * "Main configuration"), in one struct, and the table that describes them.
 *
 * Entry points: mainconf (the values; Exim's defaults until the
 * configuration is read), main_option_tables() (for the reader and -bP),
 * main_config_finish() (run-time defaults after reading),
 * main_config_exim_ids() (the exim uid/gid, failing loudly when unknown).
 * A field exists for every option of Exim 4.96 and of the experimental
 * features the project supports; options of features not in this build are
 * in the table (tagged with their feature) but are refused by the reader and
 * left out of -bP.
 *
 * Types follow option.h: strings are const char * (NULL = unset), fixed
 * point values are value*1000 (-1 = unset), times are seconds, opt_Kint
 * values are long long counted in K, lists of ids and times are pointers to
 * arrays whose element 0 is the count.
 *
 * Must never: be written to after configuration time except by the code
 * that reads the configuration.
 */
#ifndef CONFIG_MAIN_CONFIG_H
#define CONFIG_MAIN_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

#include "option.h"

typedef struct main_config {
  bool accept_8bitmime;
  const char *acl_not_smtp;
  const char *acl_not_smtp_mime;  /* needs CONTENT_SCAN */
  const char *acl_not_smtp_start;
  const char *acl_smtp_auth;
  const char *acl_smtp_connect;
  const char *acl_smtp_data;
  const char *acl_smtp_data_prdr;  /* needs PRDR */
  const char *acl_smtp_dkim;  /* needs DKIM */
  const char *acl_smtp_etrn;
  const char *acl_smtp_expn;
  const char *acl_smtp_helo;
  const char *acl_smtp_mail;
  const char *acl_smtp_mailauth;
  const char *acl_smtp_mime;  /* needs CONTENT_SCAN */
  const char *acl_smtp_notquit;
  const char *acl_smtp_predata;
  const char *acl_smtp_quit;
  const char *acl_smtp_rcpt;
  const char *acl_smtp_starttls;  /* needs TLS */
  const char *acl_smtp_vrfy;
  const char *add_environment;
  const gid_t *admin_groups;
  bool allow_domain_literals;
  bool allow_mx_to_ip;
  bool allow_utf8_domains;
  const char *auth_advertise_hosts;
  int auto_thaw;
  const char *av_scanner;  /* needs CONTENT_SCAN */
  const char *bi_command;
  const char *bmi_config_file;  /* needs BMI */
  const char *bounce_message_file;
  const char *bounce_message_text;
  bool bounce_return_body;
  int bounce_return_linesize_limit;
  bool bounce_return_message;
  int bounce_return_size_limit;
  const char *bounce_sender_authentication;
  int callout_domain_negative_expire;
  int callout_domain_positive_expire;
  int callout_negative_expire;
  int callout_positive_expire;
  const char *callout_random_local_part;
  int check_log_inodes;
  long long check_log_space;
  bool check_rfc2047_length;
  int check_spool_inodes;
  long long check_spool_space;
  const char *chunking_advertise_hosts;
  bool commandline_checks_require_admin;
  const char *daemon_smtp_ports;
  int daemon_startup_retries;
  int daemon_startup_sleep;
  bool dcc_direct_add_header;  /* needs DCC */
  const char *dccifd_address;  /* needs DCC */
  const char *dccifd_options;  /* needs DCC */
  bool debug_store;
  const int *delay_warning;
  const char *delay_warning_condition;
  bool deliver_drop_privilege;
  int deliver_queue_load_max;
  bool delivery_date_remove;
  bool disable_fsync;  /* needs DISABLE_FSYNC */
  bool disable_ipv6;
  const char *dkim_verify_hashes;  /* needs DKIM */
  const char *dkim_verify_keytypes;  /* needs DKIM */
  const char *dkim_verify_min_keysizes;  /* needs DKIM */
  bool dkim_verify_minimal;  /* needs DKIM */
  const char *dkim_verify_signers;  /* needs DKIM */
  const char *dmarc_forensic_sender;  /* needs DMARC */
  const char *dmarc_history_file;  /* needs DMARC */
  const char *dmarc_tld_file;  /* needs DMARC */
  const char *dns_again_means_nonexist;
  const char *dns_check_names_pattern;
  int dns_cname_loops;
  int dns_csa_search_limit;
  bool dns_csa_use_reverse;
  int dns_dnssec_ok;
  const char *dns_ipv4_lookup;
  int dns_retrans;
  int dns_retry;
  const char *dns_trust_aa;
  int dns_use_edns0;
  bool drop_cr;
  const char *dsn_advertise_hosts;
  const char *dsn_from;
  bool envelope_to_remove;
  const char *errors_copy;
  const char *errors_reply_to;
  const char *event_action;  /* needs EVENT */
  const char *exim_path;
  const char *exim_version;
  const char *extra_local_interfaces;
  bool extract_addresses_remove_arguments;
  int finduser_retries;
  const char *freeze_tell;
  const char *gecos_name;
  const char *gecos_pattern;
  bool gnutls_allow_auto_pkcs11;  /* needs TLS */
  bool gnutls_compat_mode;  /* needs TLS */
  int header_line_maxsize;
  int header_maxsize;
  const char *headers_charset;
  const char *helo_accept_junk_hosts;
  const char *helo_allow_chars;
  const char *helo_lookup_domains;
  const char *helo_try_verify_hosts;
  const char *helo_verify_hosts;
  const char *hold_domains;
  const char *host_lookup;
  const char *host_lookup_order;
  const char *host_reject_connection;
  const char *hosts_connection_nolog;
  const char *hosts_proxy;  /* needs PROXY */
  const char *hosts_require_alpn;  /* needs TLS */
  const char *hosts_require_helo;
  const char *hosts_treat_as_local;
  const char *hosts_xclient;  /* needs XCLIENT */
  const char *ibase_servers;  /* needs IBASE */
  int ignore_bounce_errors_after;
  const char *ignore_fromline_hosts;
  bool ignore_fromline_local;
  const char *keep_environment;
  int keep_malformed;
  const char *ldap_ca_cert_dir;  /* needs LDAP */
  const char *ldap_ca_cert_file;  /* needs LDAP */
  const char *ldap_cert_file;  /* needs LDAP */
  const char *ldap_cert_key;  /* needs LDAP */
  const char *ldap_cipher_suite;  /* needs LDAP */
  const char *ldap_default_servers;  /* needs LDAP */
  const char *ldap_require_cert;  /* needs LDAP */
  bool ldap_start_tls;  /* needs LDAP */
  int ldap_version;  /* needs LDAP */
  bool local_from_check;
  const char *local_from_prefix;
  const char *local_from_suffix;
  const char *local_interfaces;
  const char *local_scan_path;  /* needs DLOPEN_LOCAL_SCAN */
  int local_scan_timeout;
  bool local_sender_retain;
  const char *localhost_number;
  const char *log_file_path;
  const char *log_selector;
  bool log_timezone;
  int lookup_open_max;
  int max_username_length;
  bool message_body_newlines;
  int message_body_visible;
  const char *message_id_header_domain;
  const char *message_id_header_text;
  bool message_logs;
  const char *message_size_limit;
  bool move_frozen_messages;  /* needs SUPPORT_MOVE_FROZEN */
  bool mua_wrapper;
  const char *mysql_servers;  /* needs MYSQL */
  const uid_t *never_users;
  const char *notifier_socket;
  const char *openssl_options;  /* needs TLS */
  const char *oracle_servers;  /* needs ORACLE */
  const char *percent_hack_domains;
  bool perl_at_start;  /* needs PERL */
  const char *perl_startup;  /* needs PERL */
  bool perl_taintmode;  /* needs PERL */
  const char *pgsql_servers;  /* needs PGSQL */
  const char *pid_file_path;
  const char *pipelining_advertise_hosts;
  const char *pipelining_connect_advertise_hosts;  /* needs PIPE_CONNECT */
  bool prdr_enable;  /* needs PRDR */
  bool preserve_message_logs;
  const char *primary_hostname;
  bool print_topbitchars;
  const char *process_log_path;
  bool prod_requires_admin;
  int proxy_protocol_timeout;  /* needs PROXY */
  const char *qualify_domain;
  const char *qualify_recipient;
  const char *queue_domains;
  bool queue_fast_ramp;
  bool queue_list_requires_admin;
  bool queue_only;
  const char *queue_only_file;
  int queue_only_load;
  bool queue_only_load_latch;
  bool queue_only_override;
  bool queue_run_in_order;
  const char *queue_run_max;
  const char *queue_smtp_domains;
  int receive_timeout;
  const char *received_header_text;
  int received_headers_max;
  const char *recipient_unqualified_hosts;
  int recipients_max;
  bool recipients_max_reject;
  const char *redis_servers;  /* needs REDIS */
  int remote_max_parallel;
  const char *remote_sort_domains;
  int retry_data_expire;
  int retry_interval_max;
  bool return_path_remove;
  const char *rfc1413_hosts;
  int rfc1413_query_timeout;
  const char *sender_unqualified_hosts;
  int slow_lookup_log;
  bool smtp_accept_keepalive;
  int smtp_accept_max;
  int smtp_accept_max_nonmail;
  const char *smtp_accept_max_nonmail_hosts;
  const char *smtp_accept_max_per_connection;
  const char *smtp_accept_max_per_host;
  int smtp_accept_queue;
  int smtp_accept_queue_per_connection;
  int smtp_accept_reserve;
  const char *smtp_active_hostname;
  int smtp_backlog_monitor;
  const char *smtp_banner;
  bool smtp_check_spool_space;
  int smtp_connect_backlog;
  bool smtp_enforce_sync;
  const char *smtp_etrn_command;
  bool smtp_etrn_serialize;
  int smtp_load_reserve;
  int smtp_max_synprot_errors;
  int smtp_max_unknown_commands;
  const char *smtp_ratelimit_hosts;
  const char *smtp_ratelimit_mail;
  const char *smtp_ratelimit_rcpt;
  int smtp_receive_timeout;
  const char *smtp_reserve_hosts;
  bool smtp_return_error_details;
  const char *smtputf8_advertise_hosts;  /* needs I18N */
  const char *spamd_address;  /* needs CONTENT_SCAN */
  const char *spf_guess;  /* needs SPF */
  const char *spf_smtp_comment_template;  /* needs SPF */
  bool split_spool_directory;
  const char *spool_directory;
  bool spool_wireformat;
  const char *sqlite_dbfile;  /* needs SQLITE */
  int sqlite_lock_timeout;  /* needs SQLITE */
  const char *srs_config;  /* needs SRS_ALT */
  int srs_hashlength;  /* needs SRS_ALT */
  int srs_hashmin;  /* needs SRS_ALT */
  int srs_maxage;  /* needs SRS_ALT */
  const char *srs_secrets;  /* needs SRS_ALT */
  bool srs_usehash;  /* needs SRS_ALT */
  bool srs_usetimestamp;  /* needs SRS_ALT */
  bool strict_acl_vars;
  bool strip_excess_angle_brackets;
  bool strip_trailing_dot;
  bool syslog_duplication;
  const char *syslog_facility;
  bool syslog_pid;
  const char *syslog_processname;
  bool syslog_timestamp;
  const char *system_filter;
  const char *system_filter_directory_transport;
  const char *system_filter_file_transport;
  gid_t system_filter_group;
  const char *system_filter_pipe_transport;
  const char *system_filter_reply_transport;
  uid_t system_filter_user;
  bool tcp_nodelay;
  const char *tcp_wrappers_daemon_name;  /* needs TCP_WRAPPERS */
  int timeout_frozen_after;
  const char *timezone;
  const char *tls_advertise_hosts;  /* needs TLS */
  const char *tls_advertise_requiretls;  /* needs REQUIRETLS */
  const char *tls_alpn;  /* needs TLS */
  const char *tls_certificate;  /* needs TLS */
  const char *tls_crl;  /* needs TLS */
  int tls_dh_max_bits;  /* needs TLS */
  const char *tls_dhparam;  /* needs TLS */
  const char *tls_eccurve;  /* needs TLS */
  const char *tls_ocsp_file;  /* needs OCSP */
  const char *tls_on_connect_ports;  /* needs TLS */
  const char *tls_privatekey;  /* needs TLS */
  bool tls_remember_esmtp;  /* needs TLS */
  const char *tls_require_ciphers;  /* needs TLS */
  const char *tls_resumption_hosts;  /* needs TLS_RESUME */
  const char *tls_try_verify_hosts;  /* needs TLS */
  const char *tls_verify_certificates;  /* needs TLS */
  const char *tls_verify_hosts;  /* needs TLS */
  const gid_t *trusted_groups;
  const uid_t *trusted_users;
  const char *unknown_login;
  const char *unknown_username;
  const char *untrusted_set_sender;
  const char *uucp_from_pattern;
  const char *uucp_from_sender;
  const char *warn_message_file;
  bool write_rejectlog;

  /* exim_user / exim_group: the ids, and whether they are known (set in the
   * configuration or found from the build's EXIM_USER / EXIM_GROUP). */
  uid_t exim_uid;
  gid_t exim_gid;
  bool exim_uid_set;
  bool exim_gid_set;
  const char *exim_user_name;   /* name to show when the uid is not known */
  const char *exim_group_name;
} main_config;

extern main_config mainconf;

/* The main section's option tables (one table, over mainconf). */
const option_table *main_option_tables(int *count);

/* Fill run-time defaults once the file is read: primary_hostname (the
 * node name, fully qualified through the resolver when it has no dot),
 * qualify_domain, qualify_recipient, exim_path, process_log_path,
 * received_header_text, exim_version, exim_user/exim_group from the build.
 * Returns NULL or an error text. */
const char *main_config_finish(void);

/* The exim uid and gid; NULL, or an error text when the build's EXIM_USER
 * names a user this system does not have and exim_user was not set. */
const char *main_config_exim_ids(uid_t *uid, gid_t *gid);

/* Reset mainconf to its defaults and forget which options were set (unit
 * tests, re-reading the configuration). */
void main_config_reset(void);

#endif
