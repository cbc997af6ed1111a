/* dovecot.c - the dovecot authenticator (spec chapter 37, and the seed's
 * "Dovecot authenticator via inet socket"): server_socket is either a
 * UNIX socket path (starting with '/') or "host port" for Dovecot's inet
 * listener (parsed when connecting, as Exim 4.96 checks nothing here);
 * server_tls (seed) asks for TLS on the inet connection.  A server-only
 * mechanism.
 * Entry point: auth_dovecot.
 * Must never: connect to Dovecot at configuration time.
 */
#include "auth.h"

typedef struct dovecot_options {
  const char *server_socket;
  bool server_tls;
} dovecot_options;

#define DO(n, t, f) {n, t, OPT_OFF(dovecot_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist dovecot_option_list[] = {
  DO("server_socket", opt_stringptr, server_socket),
  DO("server_tls", opt_bool, server_tls),
};

static const dovecot_options dovecot_defaults = {.server_socket = NULL};

static const char *dovecot_init(driver_instance *d) {
  auth_instance *a = (auth_instance *)d;
  dovecot_options *ob = d->options_block;
  a->server = ob->server_socket != NULL;
  a->client = false;
  return auth_generic_init(d);
}

static const auth_ops dovecot_ops = {.public_name_from_instance = true};

const driver_info auth_dovecot = {
  .name = "dovecot",
  .options = dovecot_option_list,
  .options_count = OPT_COUNT(dovecot_option_list),
  .options_defaults = &dovecot_defaults,
  .options_size = sizeof(dovecot_options),
  .init = dovecot_init,
  .kind_ops = &dovecot_ops,
};
