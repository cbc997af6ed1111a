/* log_selector.h - the log_selector option (spec 53.15): which optional
 * items the main log carries.
 *
 * Entry points: log_selector_parse() (the option's text, applied when the
 * configuration is loaded), LOGGING(name) to ask whether an item is on,
 * log_selector_names[] for the table (also the _LOG_* built-in macros).
 * Must never: change the selector after the configuration is loaded, except
 * through log_selector_parse().
 */
#ifndef BASE_LOG_SELECTOR_H
#define BASE_LOG_SELECTOR_H

#include <stdbool.h>
#include <stdint.h>

/* One bit per optional item; the names are Exim 4.96's (plus the
 * experimental protocol_detail of the default build). */
enum {
  Li_8bitmime, Li_acl_warn_skipped, Li_address_rewrite, Li_all_parents, Li_arguments,
  Li_connection_reject, Li_delay_delivery, Li_deliver_time, Li_delivery_size, Li_dkim,
  Li_dkim_verbose, Li_dnslist_defer, Li_dnssec, Li_etrn, Li_host_lookup_failed,
  Li_ident_timeout, Li_incoming_interface, Li_incoming_port, Li_lost_incoming_connection,
  Li_millisec, Li_msg_id, Li_msg_id_created, Li_outgoing_interface, Li_outgoing_port, Li_pid,
  Li_pipelining, Li_protocol_detail, Li_proxy, Li_queue_run, Li_queue_time,
  Li_queue_time_exclusive, Li_queue_time_overall, Li_receive_time, Li_received_recipients,
  Li_received_sender, Li_rejected_header, Li_retry_defer, Li_return_path_on_delivery,
  Li_sender_on_delivery, Li_sender_verify_fail, Li_size_reject, Li_skip_delivery,
  Li_smtp_confirmation, Li_smtp_connection, Li_smtp_incomplete_transaction, Li_smtp_mailauth,
  Li_smtp_no_mail, Li_smtp_protocol_error, Li_smtp_syntax_error, Li_subject,
  Li_tls_certificate_verified, Li_tls_cipher, Li_tls_peerdn, Li_tls_resumption, Li_tls_sni,
  Li_unknown_in_list,
  Li__COUNT
};

typedef struct {
  const char *name;
  int bit;          /* Li_x, or -1 for "all" */
} log_selector_name;

/* Sorted by name, NULL-terminated; "rejected_headers" is a second name for
 * rejected_header, as in Exim. */
extern const log_selector_name log_selector_names[];

extern uint64_t log_selector_bits;          /* current selection */
extern const uint64_t log_selector_default; /* the items marked * in 53.15 */

#define LOGGING(x) ((log_selector_bits >> Li_##x) & 1)

/* Apply "+name -name ..." (white space between items allowed) to the
 * default selection.  Returns NULL, or Exim's error text:
 *   unknown log_selector setting: +word
 *   malformed log_selector setting: + or - expected but found "text"
 * The items before an error stay applied (Exim's timestamps after a bad
 * setting show it). */
const char *log_selector_parse(const char *spec);

#endif
