/* smtp_in_pipe_connect.c - early pipelining (PIPECONNECT, the optional
 * part EXPERIMENTAL_PIPE_CONNECT; spec pipelining_connect_advertise_hosts).
 * The core calls it through pipe_connect_ops_hooks (NULL when not built).
 *
 * For a host that matches pipelining_connect_advertise_hosts, EHLO
 * advertises PIPECONNECT, and a client that cached that may send its
 * EHLO/HELO (and what follows) before the banner: neither the greeting
 * nor HELO/EHLO is then a synchronisation point.  Input that was waiting
 * before the banner marks the connection as having used it ("L*" on the
 * "<=" line with log_selector pipelining), as exim4 does.
 *
 * Entry point: pipe_connect_impl (struct pipe_connect_ops, smtp_in_int.h).
 *
 * Must never: relax synchronisation for a host outside the list.
 */
#include "config/main_config.h"
#include "smtp/smtp_in_int.h"

static bool offered(smtp_conn *c) {
  if (!c->host_address) return false;   /* -bs with -oMa counts as remote, as in exim4 */
  return smtp_host_in(c, mainconf.pipelining_connect_advertise_hosts, "pipelining_connect_advertise_hosts");
}

const struct pipe_connect_ops pipe_connect_impl = {
  .offered = offered,
};
