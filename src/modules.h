/* modules.h - the build's registration table, generated from src/modules.def
 * into build/modules.c by util/genmodules.
 *
 * The core never tests a build flag with #ifdef: it asks this table which
 * drivers and features are in the build.  Feature names are the words used
 * in _HAVE_<NAME> configuration macros (upper case) and the optionlist
 * `feature` field.
 */
#ifndef MODULES_H
#define MODULES_H

#include <stdbool.h>

#include "config/driver.h"

typedef struct build_feature {
  const char *name;      /* "DKIM", "TLS", "LMDB" ... */
  const char *bv_word;   /* word on the -bV "Support for:" line, or NULL */
  const char *how;       /* how to turn it on: "SUPPORT_SPF=yes" */
  bool on;
  bool in_tree;          /* false: documented ahead of its code (src/EDITME);
                            turning it on stops the build */
} build_feature;

/* Every feature the source tree knows, on or off; NULL-terminated. */
extern const build_feature build_features[];

/* Enabled driver types, NULL-terminated, in registration order. */
struct lookup_info;  /* defined by the lookup layer */
extern const struct lookup_info *const lookup_drivers[];
extern const driver_info *const router_drivers[];
extern const driver_info *const transport_drivers[];
extern const driver_info *const auth_drivers[];
/* Their names as -bV shows them ("appendfile/maildir/mailstore"), in the
 * same order, NULL-terminated. */
extern const char *const lookup_drivers_names[];
extern const char *const router_drivers_names[];
extern const char *const transport_drivers_names[];
extern const char *const auth_drivers_names[];

/* Library versions for -bV: name, compile-time version, run-time version. */
typedef struct build_library {
  const char *label;          /* "OpenSSL" */
  const char *(*compiled)(void);
  const char *(*runtime)(void);
} build_library;
extern const build_library build_libraries[];

/* Lookup a feature; NULL if the source tree has no such feature. */
const build_feature *feature_find(const char *name);
bool feature_on(const char *name);

#endif
