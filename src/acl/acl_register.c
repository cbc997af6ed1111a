/* acl_register.c - the table of ACL conditions, modifiers and controls:
 * the core ones (from the acl_*.c files) and those optional parts register
 * with acl_register_conditions() / acl_register_controls().
 *
 * Entry points: acl_cond_find(), acl_control_find(),
 * acl_register_conditions(), acl_register_controls().
 *
 * Must never: let two parts claim one name unnoticed: a registered
 * condition replaces only the core's "not in this build" entry.
 */
#include <string.h>

#include "acl/acl_int.h"
#include "base/store.h"

#define MAX_SETS 32

static const acl_cond_def *extra_conds[MAX_SETS];
static int n_extra_conds;
static const acl_control_def *extra_controls[MAX_SETS];
static int n_extra_controls;

void acl_register_conditions(const acl_cond_def *defs) {
  if (n_extra_conds < MAX_SETS) extra_conds[n_extra_conds++] = defs;
}

void acl_register_controls(const acl_control_def *defs) {
  if (n_extra_controls < MAX_SETS) extra_controls[n_extra_controls++] = defs;
}

static const acl_cond_def *search_conds(const acl_cond_def *t, const char *name, size_t len) {
  for (; t->name; t++)
    if (strlen(t->name) == len && strncmp(t->name, name, len) == 0) return t;
  return NULL;
}

const acl_cond_def *acl_cond_find(const char *name, size_t len) {
  static const acl_cond_def *const core[] = {acl_conditions_core, acl_modifiers_core, acl_verify_defs,
                                             acl_ratelimit_defs, acl_seen_defs};
  const acl_cond_def *d;
  /* Registered parts first: they replace the core's "not in this build"
   * entries for their conditions. */
  for (int i = 0; i < n_extra_conds; i++)
    if ((d = search_conds(extra_conds[i], name, len))) return d;
  for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
    if ((d = search_conds(core[i], name, len))) return d;
  return NULL;
}

static const acl_control_def *search_controls(const acl_control_def *t, const char *name, size_t len) {
  for (; t->name; t++)
    if (strlen(t->name) == len && strncmp(t->name, name, len) == 0) return t;
  return NULL;
}

const acl_control_def *acl_control_find(const char *name, size_t len) {
  const acl_control_def *d = NULL;
  for (int i = 0; !d && i < n_extra_controls; i++) d = search_controls(extra_controls[i], name, len);
  return d ? d : search_controls(acl_controls_core, name, len);
}
