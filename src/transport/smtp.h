/* smtp.h - private options block of the smtp transport. */
#ifndef TRANSPORT_SMTP_H
#define TRANSPORT_SMTP_H

#include <stdbool.h>

#include "../config/option.h"

typedef struct smtp_options {
  bool address_retry_include_sender;
  bool allow_localhost;
  const char *arc_sign;
  const char *authenticated_sender;
  bool authenticated_sender_force;
  int command_timeout;
  int connect_timeout;
  int connection_max_messages;
  const char *dane_require_tls_ciphers;
  int data_timeout;
  bool delay_after_cutoff;
  const char *dkim_canon, *dkim_domain, *dkim_hash, *dkim_identity, *dkim_private_key;
  const char *dkim_selector, *dkim_sign_headers, *dkim_strict, *dkim_timestamps;
  bool dns_qualify_single;
  bool dns_search_parents;
  const char *dnssec_request_domains;
  const char *dnssec_require_domains;
  const char *dscp;
  const char *fallback_hosts;
  int final_timeout;
  bool gethostbyname;
  const char *helo_data;
  const char *host_name_extract;
  const char *hosts;
  const char *hosts_avoid_esmtp, *hosts_avoid_pipelining, *hosts_avoid_tls;
  int hosts_max_try;
  int hosts_max_try_hardlimit;
  const char *hosts_nopass_tls, *hosts_noproxy_tls;
  bool hosts_override;
  const char *hosts_pipe_connect;
  bool hosts_randomize;
  const char *hosts_request_ocsp, *hosts_require_alpn, *hosts_require_auth;
  const char *hosts_require_dane, *hosts_require_ocsp, *hosts_require_tls;
  const char *hosts_try_auth, *hosts_try_chunking, *hosts_try_dane, *hosts_try_fastopen;
  const char *hosts_try_prdr, *hosts_verify_avoid_tls;
  const char *interface;
  bool keepalive;
  bool lmtp_ignore_quota;
  int max_rcpt;
  int message_linelength_limit;
  opt_expand_bool_val multi_domain;
  const char *port;
  const char *protocol;
  opt_expand_bool_val retry_include_ip_address;
  const char *serialize_hosts;
  int size_addition;
  const char *socks_proxy;
  const char *tls_alpn, *tls_certificate, *tls_crl;
  int tls_dh_min_bits;
  const char *tls_privatekey, *tls_require_ciphers, *tls_resumption_hosts, *tls_sni;
  bool tls_tempfail_tryclear;
  const char *tls_try_verify_hosts, *tls_verify_cert_hostnames, *tls_verify_certificates;
  const char *tls_verify_hosts;
  const char *utf8_downconvert;
} smtp_options;

#endif
