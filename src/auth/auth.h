/* auth.h - the authenticator kind: the instance struct holding every
 * generic authenticator option (spec chapter 33), the kind descriptor
 * auth_kind, and what each authenticator type tells the kind (auth_ops).
 *
 * Entry points: auth_kind (driver.h), auth_generic_init() (called by every
 * authenticator type's init last, once it has decided whether the instance
 * is a server and/or a client), auth_check_all().
 * The server exchange itself is run by auth_server.c, which calls the
 * type's auth_ops.server.
 * Must never: talk SMTP (auth_server.c and the types' server functions do).
 */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

#include <stdbool.h>

#include "../config/driver.h"
#include "../config/option.h"

typedef struct auth_instance {
  driver_instance drv;              /* must be first */
  const char *client_condition;
  const char *client_set_id;
  const char *public_name;
  const char *server_advertise_condition;
  const char *server_condition;
  const char *server_debug_print;
  const char *server_mail_auth_condition;
  const char *server_set_id;

  /* Derived at configuration time by the type's init. */
  bool server;                      /* usable as a server mechanism */
  bool client;                      /* usable as a client mechanism */

  /* Per connection (a receiving process serves one). */
  bool advertised;                  /* in the last EHLO response */
} auth_instance;

struct smtp_conn;

/* Results of a server exchange (auth_ops.server, auth_get_data ...). */
enum {
  AUTH_OK,          /* 235 Authentication succeeded */
  AUTH_FAIL,        /* 535 Incorrect authentication data */
  AUTH_DEFER,       /* 435 Unable to authenticate at present */
  AUTH_ERROR,       /* 435 Internal error */
  AUTH_CANCELLED,   /* the client sent "*": 501 Authentication cancelled */
  AUTH_BAD64,       /* 501 Invalid base64 data */
  AUTH_UNEXPECTED,  /* initial data where the mechanism wants none */
  AUTH_EOF,         /* the connection failed during the exchange */
};

/* What an authenticator type tells the kind (driver_info.kind_ops). */
typedef struct auth_ops {
  bool public_name_from_instance;   /* no public_name: use the instance name */
  /* The server half of one AUTH exchange.  initial is the text after the
   * mechanism name (base64, "=" for an empty response), NULL when none.
   * Sets $auth1.. (auth_set_vars) and returns an AUTH_* result; it
   * checks server_condition itself (auth_check_server_condition) before
   * returning AUTH_OK. */
  int (*server)(auth_instance *a, struct smtp_conn *c, const char *initial);
} auth_ops;

/* Generic settings and checks after the type's own init: public_name
 * default or "no public name specified".  NULL or an error text. */
const char *auth_generic_init(driver_instance *d);

/* After the section: two server authenticators with one public name. */
const char *auth_check_all(void);

#endif
