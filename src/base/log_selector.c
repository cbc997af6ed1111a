/* log_selector.c - the log_selector option's table and parser; see
 * log_selector.h.  Pure: no I/O, no configuration access.
 */
#include "log_selector.h"

#include <ctype.h>
#include <string.h>

#include "str.h"

#define B(x) (1ULL << Li_##x)

const log_selector_name log_selector_names[] = {
  {"8bitmime", Li_8bitmime}, {"acl_warn_skipped", Li_acl_warn_skipped},
  {"address_rewrite", Li_address_rewrite}, {"all", -1}, {"all_parents", Li_all_parents},
  {"arguments", Li_arguments}, {"connection_reject", Li_connection_reject},
  {"delay_delivery", Li_delay_delivery}, {"deliver_time", Li_deliver_time},
  {"delivery_size", Li_delivery_size}, {"dkim", Li_dkim}, {"dkim_verbose", Li_dkim_verbose},
  {"dnslist_defer", Li_dnslist_defer}, {"dnssec", Li_dnssec}, {"etrn", Li_etrn},
  {"host_lookup_failed", Li_host_lookup_failed}, {"ident_timeout", Li_ident_timeout},
  {"incoming_interface", Li_incoming_interface}, {"incoming_port", Li_incoming_port},
  {"lost_incoming_connection", Li_lost_incoming_connection}, {"millisec", Li_millisec},
  {"msg_id", Li_msg_id}, {"msg_id_created", Li_msg_id_created},
  {"outgoing_interface", Li_outgoing_interface}, {"outgoing_port", Li_outgoing_port},
  {"pid", Li_pid}, {"pipelining", Li_pipelining}, {"protocol_detail", Li_protocol_detail},
  {"proxy", Li_proxy}, {"queue_run", Li_queue_run}, {"queue_time", Li_queue_time},
  {"queue_time_exclusive", Li_queue_time_exclusive},
  {"queue_time_overall", Li_queue_time_overall}, {"receive_time", Li_receive_time},
  {"received_recipients", Li_received_recipients}, {"received_sender", Li_received_sender},
  {"rejected_header", Li_rejected_header}, {"rejected_headers", Li_rejected_header},
  {"retry_defer", Li_retry_defer}, {"return_path_on_delivery", Li_return_path_on_delivery},
  {"sender_on_delivery", Li_sender_on_delivery}, {"sender_verify_fail", Li_sender_verify_fail},
  {"size_reject", Li_size_reject}, {"skip_delivery", Li_skip_delivery},
  {"smtp_confirmation", Li_smtp_confirmation}, {"smtp_connection", Li_smtp_connection},
  {"smtp_incomplete_transaction", Li_smtp_incomplete_transaction},
  {"smtp_mailauth", Li_smtp_mailauth}, {"smtp_no_mail", Li_smtp_no_mail},
  {"smtp_protocol_error", Li_smtp_protocol_error}, {"smtp_syntax_error", Li_smtp_syntax_error},
  {"subject", Li_subject}, {"tls_certificate_verified", Li_tls_certificate_verified},
  {"tls_cipher", Li_tls_cipher}, {"tls_peerdn", Li_tls_peerdn},
  {"tls_resumption", Li_tls_resumption}, {"tls_sni", Li_tls_sni},
  {"unknown_in_list", Li_unknown_in_list}, {NULL, 0}};

const uint64_t log_selector_default =
    B(acl_warn_skipped) | B(connection_reject) | B(delay_delivery) | B(dkim) |
    B(dnslist_defer) | B(etrn) | B(host_lookup_failed) | B(lost_incoming_connection) |
    B(msg_id) | B(queue_run) | B(rejected_header) | B(retry_defer) | B(sender_verify_fail) |
    B(size_reject) | B(skip_delivery) | B(smtp_confirmation) | B(tls_certificate_verified) |
    B(tls_cipher);

uint64_t log_selector_bits = log_selector_default;

#define ALL_BITS ((1ULL << Li__COUNT) - 1)

const char *log_selector_parse(const char *spec) {
  log_selector_bits = log_selector_default;
  const char *p = spec ? spec : "";
  for (;;) {
    while (isspace((unsigned char)*p)) p++;
    if (!*p) return NULL;
    char sign = *p;
    if (sign != '+' && sign != '-')
      return str_sprintf("malformed log_selector setting: + or - expected but found \"%s\"", p);
    const char *w = ++p;
    while (*p && *p != '+' && *p != '-' && !isspace((unsigned char)*p)) p++;
    size_t n = (size_t)(p - w);
    const log_selector_name *s;
    for (s = log_selector_names; s->name; s++)
      if (strlen(s->name) == n && strncmp(s->name, w, n) == 0) break;
    if (!s->name) return str_sprintf("unknown log_selector setting: %c%.*s", sign, (int)n, w);
    uint64_t b = s->bit < 0 ? ALL_BITS : 1ULL << s->bit;
    if (sign == '+') log_selector_bits |= b;
    else log_selector_bits &= ~b;
  }
}
