/* driver.h - driver types and driver instances (routers, transports,
 * authenticators) as the configuration reader builds them.
 *
 * A driver *type* (e.g. the "redirect" router) is described by a
 * driver_info compiled into the program and listed in the generated
 * registration table (build/modules.c, from src/modules.def).  A driver
 * *instance* is one "name:" block in the routers/transports/authenticators
 * section.  Each kind (router, transport, authenticator) has a struct that
 * starts with driver_instance and holds the kind's generic options; the
 * private options of the type live in a separate block whose defaults the
 * driver_info supplies.
 */
#ifndef CONFIG_DRIVER_H
#define CONFIG_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "option.h"

struct driver_instance;

typedef struct driver_info {
  const char *name;                 /* value of "driver =" */
  const optionlist *options;        /* private options, sorted */
  size_t options_count;
  const void *options_defaults;     /* private block defaults */
  size_t options_size;
  /* Called when the instance has been read: checks option combinations and
   * prepares private data.  Returns NULL or an error text (reported against
   * the instance's position in the file). */
  const char *(*init)(struct driver_instance *d);
  const void *kind_ops;             /* kind-specific entry points (route,
                                       transport, auth functions), defined by
                                       the kind's layer when it lands */
} driver_info;

typedef struct driver_instance {
  struct driver_instance *next;
  const char *name;                 /* instance name */
  const char *driver_name;          /* "driver =" value */
  const driver_info *info;
  void *options_block;              /* private options */
  const char *srcfile;              /* where the instance starts */
  int srcline;
} driver_instance;

/* A kind of driver: how the reader builds instances of it. */
typedef struct driver_kind {
  const char *section;              /* "routers" */
  const char *kind_name;            /* "router" (messages, -bP router NAME) */
  size_t instance_size;             /* sizeof(router_instance) */
  const void *instance_defaults;    /* generic defaults, instance_size bytes */
  const optionlist *generic;        /* generic options (opt_public), sorted */
  size_t generic_count;
  const driver_info *const *available;  /* NULL-terminated, from the build */
  driver_instance *instances;       /* read from the configuration, in order */
} driver_kind;

/* The three kinds, defined by the route/transport/auth layers. */
extern driver_kind router_kind, transport_kind, auth_kind;

/* Find an instance by name; NULL if absent. */
driver_instance *driver_find(const driver_kind *k, const char *name);

/* -bP helpers: print one instance ("-bP router NAME") or all of a kind
 * ("-bP routers"), and the list of names ("-bP router_list"). */
void driver_print_instance(const driver_kind *k, const driver_instance *d, bool admin);
void driver_print_all(const driver_kind *k, bool admin);
void driver_print_names(const driver_kind *k);

#endif
