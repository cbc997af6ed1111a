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
   * prepares private data (the kind's generic settings first, through the
   * kind's layer).  Returns NULL or an error text: see DRIVER ERROR TEXTS
   * below for how the reader prints it. */
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

/* DRIVER ERROR TEXTS.  Exim words the errors found by a driver's init and
 * by the checks made after a section is read in two ways:
 *     Exim configuration error for r1 router:
 *       one of "file" or "data" must be specified
 * and
 *     Exim configuration error:
 *       one (and only one) of command or socket must be set for the t transport
 * (no line number in either).  So init() and drivers_check_references()
 * return the whole text that follows "Exim configuration error": it starts
 * with " for NAME KIND:\n  " or with ":\n  ".  The reader prints
 * "Exim configuration error" and the text as they are, then exits 1.
 * driver_error() and driver_error_plain() build the two forms. */
const char *driver_error(const driver_instance *d, const char *kind_name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *driver_error_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The three kinds, defined by the route/transport/auth layers. */
extern driver_kind router_kind, transport_kind, auth_kind;

/* Find an instance by name; NULL if absent. */
driver_instance *driver_find(const driver_kind *k, const char *name);

/* -bP helpers: print one instance ("-bP router NAME") or all of a kind
 * ("-bP routers"), and the list of names ("-bP router_list"). */
void driver_print_instance(const driver_kind *k, const driver_instance *d, bool admin);
void driver_print_all(const driver_kind *k, bool admin);
void driver_print_names(const driver_kind *k);

/* After every section has been read: the checks Exim makes across
 * instances (router transport required or forbidden, pass_router and
 * redirect_router naming a later router, "self" values, shadow transports
 * only on local transports, ...).  Returns NULL or an error text in the form
 * described under DRIVER ERROR TEXTS.  Called once by the reader. */
const char *drivers_check_references(void);
/* The same checks for one kind, made when its section has been read (Exim
 * reports them before anything in a later section). */
const char *driver_kind_check(const driver_kind *k);

/* Find a generic or private option of instance `d` of kind `k` by name;
 * *base is set to the struct its offset points into (the instance or its
 * private block).  NULL when the name is neither. */
const optionlist *driver_find_option(const driver_kind *k, const driver_instance *d,
                                     const char *name, const void **base);

#endif
