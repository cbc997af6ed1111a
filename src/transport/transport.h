/* transport.h - the transport kind: the instance struct holding every
 * generic transport option (spec chapter 24), the kind descriptor
 * transport_kind, and what each transport type tells the kind about itself
 * (transport_ops).
 *
 * Entry points: transport_kind (driver.h), transport_generic_init() (called
 * by every transport type's init first), transport_check_all().
 * Must never: run a transport outside the delivery child (deliver/).
 */
#ifndef TRANSPORT_TRANSPORT_H
#define TRANSPORT_TRANSPORT_H

#include <stdbool.h>

#include "../config/driver.h"
#include "../config/option.h"

typedef struct transport_instance {
  driver_instance drv;              /* must be first */
  bool body_only;
  const char *current_directory;
  const char *debug_print;
  bool delivery_date_add;
  bool disable_logging;
  bool envelope_to_add;
  const char *event_action;
  opt_expand_id group;
  const char *headers_add;
  bool headers_only;
  const char *headers_remove;
  const char *headers_rewrite;
  const char *home_directory;
  bool initgroups;
  const char *max_parallel;
  const char *message_size_limit;
  bool rcpt_include_affixes;
  bool retry_use_local_part;        /* opt_bool_set: value, then was-set */
  bool retry_use_local_part_set;
  const char *return_path;
  bool return_path_add;
  const char *shadow_condition;
  const char *shadow_transport;
  const char *transport_filter;
  int transport_filter_timeout;
  opt_expand_id user;
} transport_instance;

/* What a transport type tells the kind (driver_info.kind_ops). */
struct address_item;
typedef struct transport_ops {
  bool local;                       /* local delivery (not smtp/lmtp-over-net) */
  /* Deliver the message to addr (a list when the transport batches:
   * addr->next...).  Called in the delivery child, already running as the
   * delivery uid/gid with $home, $local_part etc. set for the first
   * address.  Sets transport_return (OK / DEFER / FAIL / PANIC),
   * basic_errno, more_errno, message on every address of the list.  The
   * return value is false only when the transport itself could not run
   * (the caller then defers every address it has not set). */
  bool (*deliver)(struct transport_instance *t, struct address_item *addr);
  /* How many addresses one call may take (batch_max, or 1); NULL: 1. */
  int (*batch_max)(const struct transport_instance *t);
  /* For an address the transport marked special_action SPECIAL_WARN (a
   * quota warning threshold crossed): called by the delivery process
   * itself (privileged, after the transport's child has finished) to send
   * the warning message.  NULL when the type has none. */
  void (*send_warning)(struct transport_instance *t, struct address_item *addr);
  /* true when the delivery runs as the message's creator (the uid/gid
   * that submitted it) unless the transport sets a user: pipe's
   * pipe_as_creator.  NULL: never. */
  bool (*as_creator)(const struct transport_instance *t);
} transport_ops;

/* Defaults every transport type's init applies first (retry_use_local_part
 * follows locality, group follows a fixed user).  NULL or an error text. */
const char *transport_generic_init(driver_instance *d);

/* Checks made after the transports section is read (shadow transports only
 * on local transports).  NULL or an error text. */
const char *transport_check_all(void);

/* The generic option named `name` (for option_was_set()). */
const optionlist *transport_generic_option(const char *name);

#endif
