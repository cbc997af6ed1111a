/* smtp.c - the smtp transport (spec chapter 30): private options with Exim
 * 4.96's types and defaults, each option of an optional feature tagged with
 * that feature (TLS, DKIM, DANE, OCSP, PRDR, SOCKS, PIPE_CONNECT,
 * TLS_RESUME, I18N, ARC), and init (the port follows the protocol).
 * Entry point: transport_smtp.
 * Must never: connect anywhere at configuration time.
 */
#include "transport.h"

#include <string.h>

#include "smtp.h"

#define SO(n, t, f) {n, t, OPT_OFF(smtp_options, f), NULL, NULL}
#define SF(n, t, f, feat) {n, t, OPT_OFF(smtp_options, f), feat, NULL}

/* Sorted by name (strcmp order). */
static const optionlist smtp_option_list[] = {
  SO("address_retry_include_sender", opt_bool, address_retry_include_sender),
  SO("allow_localhost", opt_bool, allow_localhost),
  SF("arc_sign", opt_stringptr, arc_sign, "ARC"),
  SO("authenticated_sender", opt_stringptr, authenticated_sender),
  SO("authenticated_sender_force", opt_bool, authenticated_sender_force),
  SO("command_timeout", opt_time, command_timeout),
  SO("connect_timeout", opt_time, connect_timeout),
  SO("connection_max_messages", opt_int, connection_max_messages),
  SF("dane_require_tls_ciphers", opt_stringptr, dane_require_tls_ciphers, "DANE"),
  SO("data_timeout", opt_time, data_timeout),
  SO("delay_after_cutoff", opt_bool, delay_after_cutoff),
  SF("dkim_canon", opt_stringptr, dkim_canon, "DKIM"),
  SF("dkim_domain", opt_stringptr, dkim_domain, "DKIM"),
  SF("dkim_hash", opt_stringptr, dkim_hash, "DKIM"),
  SF("dkim_identity", opt_stringptr, dkim_identity, "DKIM"),
  SF("dkim_private_key", opt_stringptr, dkim_private_key, "DKIM"),
  SF("dkim_selector", opt_stringptr, dkim_selector, "DKIM"),
  SF("dkim_sign_headers", opt_stringptr, dkim_sign_headers, "DKIM"),
  SF("dkim_strict", opt_stringptr, dkim_strict, "DKIM"),
  SF("dkim_timestamps", opt_stringptr, dkim_timestamps, "DKIM"),
  SO("dns_qualify_single", opt_bool, dns_qualify_single),
  SO("dns_search_parents", opt_bool, dns_search_parents),
  SO("dnssec_request_domains", opt_stringptr, dnssec_request_domains),
  SO("dnssec_require_domains", opt_stringptr, dnssec_require_domains),
  SO("dscp", opt_stringptr, dscp),
  SO("fallback_hosts", opt_stringptr, fallback_hosts),
  SO("final_timeout", opt_time, final_timeout),
  SO("gethostbyname", opt_bool, gethostbyname),
  SO("helo_data", opt_stringptr, helo_data),
  SF("host_name_extract", opt_stringptr, host_name_extract, "TLS_RESUME"),
  SO("hosts", opt_stringptr, hosts),
  SO("hosts_avoid_esmtp", opt_stringptr, hosts_avoid_esmtp),
  SO("hosts_avoid_pipelining", opt_stringptr, hosts_avoid_pipelining),
  SF("hosts_avoid_tls", opt_stringptr, hosts_avoid_tls, "TLS"),
  SO("hosts_max_try", opt_int, hosts_max_try),
  SO("hosts_max_try_hardlimit", opt_int, hosts_max_try_hardlimit),
  SF("hosts_nopass_tls", opt_stringptr, hosts_nopass_tls, "TLS"),
  SF("hosts_noproxy_tls", opt_stringptr, hosts_noproxy_tls, "TLS"),
  SO("hosts_override", opt_bool, hosts_override),
  SF("hosts_pipe_connect", opt_stringptr, hosts_pipe_connect, "PIPE_CONNECT"),
  SO("hosts_randomize", opt_bool, hosts_randomize),
  SF("hosts_request_ocsp", opt_stringptr, hosts_request_ocsp, "OCSP"),
  SF("hosts_require_alpn", opt_stringptr, hosts_require_alpn, "TLS"),
  SO("hosts_require_auth", opt_stringptr, hosts_require_auth),
  SF("hosts_require_dane", opt_stringptr, hosts_require_dane, "DANE"),
  SF("hosts_require_ocsp", opt_stringptr, hosts_require_ocsp, "OCSP"),
  SF("hosts_require_tls", opt_stringptr, hosts_require_tls, "TLS"),
  SO("hosts_try_auth", opt_stringptr, hosts_try_auth),
  SO("hosts_try_chunking", opt_stringptr, hosts_try_chunking),
  SF("hosts_try_dane", opt_stringptr, hosts_try_dane, "DANE"),
  SO("hosts_try_fastopen", opt_stringptr, hosts_try_fastopen),
  SF("hosts_try_prdr", opt_stringptr, hosts_try_prdr, "PRDR"),
  SF("hosts_verify_avoid_tls", opt_stringptr, hosts_verify_avoid_tls, "TLS"),
  SO("interface", opt_stringptr, interface),
  SO("keepalive", opt_bool, keepalive),
  SO("lmtp_ignore_quota", opt_bool, lmtp_ignore_quota),
  SO("max_rcpt", opt_int, max_rcpt),
  SO("message_linelength_limit", opt_int, message_linelength_limit),
  SO("multi_domain", opt_expand_bool, multi_domain),
  SO("port", opt_stringptr, port),
  SO("protocol", opt_stringptr, protocol),
  SO("retry_include_ip_address", opt_expand_bool, retry_include_ip_address),
  SO("serialize_hosts", opt_stringptr, serialize_hosts),
  SO("size_addition", opt_int, size_addition),
  SF("socks_proxy", opt_stringptr, socks_proxy, "SOCKS"),
  SF("tls_alpn", opt_stringptr, tls_alpn, "TLS"),
  SF("tls_certificate", opt_stringptr, tls_certificate, "TLS"),
  SF("tls_crl", opt_stringptr, tls_crl, "TLS"),
  SF("tls_dh_min_bits", opt_int, tls_dh_min_bits, "TLS"),
  SF("tls_privatekey", opt_stringptr, tls_privatekey, "TLS"),
  SF("tls_require_ciphers", opt_stringptr, tls_require_ciphers, "TLS"),
  SF("tls_resumption_hosts", opt_stringptr, tls_resumption_hosts, "TLS_RESUME"),
  SF("tls_sni", opt_stringptr, tls_sni, "TLS"),
  SF("tls_tempfail_tryclear", opt_bool, tls_tempfail_tryclear, "TLS"),
  SF("tls_try_verify_hosts", opt_stringptr, tls_try_verify_hosts, "TLS"),
  SF("tls_verify_cert_hostnames", opt_stringptr, tls_verify_cert_hostnames, "TLS"),
  SF("tls_verify_certificates", opt_stringptr, tls_verify_certificates, "TLS"),
  SF("tls_verify_hosts", opt_stringptr, tls_verify_hosts, "TLS"),
  SF("utf8_downconvert", opt_stringptr, utf8_downconvert, "I18N"),
};

static const smtp_options smtp_defaults = {
  .address_retry_include_sender = true,
  .command_timeout = 5 * 60,
  .connect_timeout = 5 * 60,
  .connection_max_messages = 500,
  .data_timeout = 5 * 60,
  .delay_after_cutoff = true,
  .dkim_hash = "sha256",
  .dns_qualify_single = true,
  .dnssec_request_domains = "*",
  .final_timeout = 10 * 60,
  .helo_data = "$primary_hostname",
  .host_name_extract = "${if and {{match{$host}{.outlook.com\\$}} "
                       "{match{$item}{\\N^250-([\\w.]+)\\s\\N}}} {$1}}",
  .hosts_max_try = 5,
  .hosts_max_try_hardlimit = 50,
  .hosts_request_ocsp = "*",
  .hosts_try_chunking = "*",
  .hosts_try_dane = "*",
  .hosts_try_fastopen = "*",
  .hosts_try_prdr = "*",
  .keepalive = true,
  .max_rcpt = 100,
  .message_linelength_limit = 998,
  .multi_domain = {NULL, true},
  .protocol = "smtp",
  .retry_include_ip_address = {NULL, true},
  .size_addition = 1024,
  .tls_dh_min_bits = 1024,
  .tls_tempfail_tryclear = true,
  .tls_try_verify_hosts = "*",
  .tls_verify_cert_hostnames = "*",
  .tls_verify_certificates = "system",
  .utf8_downconvert = "-1",
};

static const char *smtp_init(driver_instance *d) {
  const char *err = transport_generic_init(d);
  if (err) return err;
  smtp_options *ob = d->options_block;
  /* Without a port, the protocol's own service is used. */
  if (!ob->port)
    ob->port = strcmp(ob->protocol, "lmtp") == 0    ? "lmtp"
               : strcmp(ob->protocol, "smtps") == 0 ? "smtps"
                                                    : "smtp";
  return NULL;
}

static const transport_ops smtp_ops = {.local = false};

const driver_info transport_smtp = {
  .name = "smtp",
  .options = smtp_option_list,
  .options_count = OPT_COUNT(smtp_option_list),
  .options_defaults = &smtp_defaults,
  .options_size = sizeof(smtp_options),
  .init = smtp_init,
  .kind_ops = &smtp_ops,
};
