/* prdr.h - the PRDR data phase (RFC draft "SMTP Service Extension for
 * Per-Recipient Data Responses", spec 44.9), an optional part
 * (EXPERIMENTAL_PRDR, on by default; DISABLE_PRDR=yes leaves it out).
 *
 * Reception calls prdr_ops_hooks->data_phase() (NULL when the part is not
 * built) after the message is read and before acl_smtp_data, when the
 * client asked for PRDR and more than one recipient was accepted.
 */
#ifndef RECEIVE_PRDR_H
#define RECEIVE_PRDR_H

#include <stdbool.h>

#include "base/str.h"
#include "receive/receive_int.h"

struct prdr_ops {
  /* Run acl_smtp_data_prdr once per recipient of r: the 353 line and one
   * reply line per recipient are appended to *reply, Exim's "PRDR ..." log
   * lines written, and the recipients not accepted removed from r->m.
   * Returns how many were accepted; *all_rejected tells whether every
   * refusal was a rejection (none deferred). */
  int (*data_phase)(rcv_msg *r, gstring **reply, bool *all_rejected);
};

extern const struct prdr_ops *const prdr_ops_hooks;

#endif
