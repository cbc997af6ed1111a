/* proxy.h - the PROXY protocol (HAProxy's proxy-protocol.txt, versions 1
 * and 2) for connections from hosts_proxy (spec 59.1), as an optional part
 * (SUPPORT_PROXY, src/modules.def: hooks=proxy_ops:...).  The core calls it
 * only through proxy_ops_hooks, NULL when the build has no PROXY support.
 *
 * The header is the first thing on the connection, before TLS-on-connect
 * and before the banner.  It is read within proxy_protocol_timeout, byte
 * exact (nothing after it is consumed, so the SMTP reader starts at the
 * client's first command).  On success the connection's peer becomes the
 * real client ($sender_host_address/port) and $proxy_* describe the proxy;
 * on a malformed or missing header the session goes on from the proxy's
 * address with $proxy_session set and $proxy_external_address empty, as
 * Exim 4.96 does (no log line either way, spec 59.1).
 *
 * Must never: read past the header, trust a length field beyond the
 * bytes it covers, or accept a header from a host not in hosts_proxy.
 */
#ifndef SMTP_PROXY_H
#define SMTP_PROXY_H

#include <stdbool.h>

#include "smtp/conn.h"

struct proxy_ops {
  /* For a connection set up by the daemon (peer and interface filled in):
   * if the peer matches hosts_proxy, read the header and update c (and
   * publish it).  Returns false when the connection should be closed at
   * once (the peer went away before sending anything). */
  bool (*start)(smtp_conn *c);
};

extern const struct proxy_ops *const proxy_ops_hooks;

#endif
