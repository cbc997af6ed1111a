/* auth.h - the authenticator kind: the instance struct holding every
 * generic authenticator option (spec chapter 33), the kind descriptor
 * auth_kind, and what each authenticator type tells the kind (auth_ops).
 *
 * Entry points: auth_kind (driver.h), auth_generic_init() (called by every
 * authenticator type's init last, once it has decided whether the instance
 * is a server and/or a client), auth_check_all().
 * Must never: run an SMTP AUTH exchange (the SMTP layer arrives later).
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
} auth_instance;

/* What an authenticator type tells the kind (driver_info.kind_ops). */
typedef struct auth_ops {
  bool public_name_from_instance;   /* no public_name: use the instance name */
} auth_ops;

/* Generic settings and checks after the type's own init: public_name
 * default or "no public name specified".  NULL or an error text. */
const char *auth_generic_init(driver_instance *d);

/* After the section: two server authenticators with one public name. */
const char *auth_check_all(void);

#endif
