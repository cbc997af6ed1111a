/* trust.h - who called us, and what that caller may do (spec 5.2, and the
 * -C / -D rules of spec 5.3).
 *
 * caller_identify() records the real and effective ids and the groups.
 * trust_check() applies the build's ALT_CONFIG_PREFIX, TRUSTED_CONFIG_LIST,
 * WHITELIST_D_MACROS and DISABLE_D_OPTION settings to -C and -D and says
 * whether the process must give up privilege before reading the
 * configuration; trust_drop_privilege() does it.  caller_is_admin() and
 * caller_is_trusted() answer spec 5.2 once the configuration is read.
 */
#ifndef MAIN_TRUST_H
#define MAIN_TRUST_H

#include <stdbool.h>
#include <sys/types.h>

#include "cmdline.h"

typedef struct caller {
  uid_t uid, euid;
  gid_t gid, egid;
  gid_t *groups;          /* supplementary groups */
  int ngroups;
  const char *login;      /* from the password file, or the uid in decimal */
} caller;

void caller_identify(caller *c);

/* True if the caller's real gid or a supplementary group is g. */
bool caller_in_group(const caller *c, gid_t g);

/* Lists as the option tables store them: p[0] = count, then the ids;
 * NULL = unset. */
bool caller_is_admin(const caller *c, bool exim_known, uid_t exim_uid, gid_t exim_gid,
                     const gid_t *admin_groups);
bool caller_is_trusted(const caller *c, bool exim_known, uid_t exim_uid,
                       const uid_t *trusted_users, const gid_t *trusted_groups);

typedef struct trust_decision {
  const char *config_list;   /* the list to read (-C or CONFIGURE_FILE) */
  bool config_changed;       /* -C named something else than CONFIGURE_FILE */
  bool config_trusted;       /* root, or listed in TRUSTED_CONFIG_LIST */
  bool macros_trusted;       /* no -D, or root, or all in WHITELIST_D_MACROS */
  bool drop;                 /* give up privilege before reading */
} trust_decision;

/* NULL, or the error line to print before exiting 1. */
const char *trust_check(const cmdline_state *st, const caller *c, trust_decision *d);

/* Become the real uid/gid (setuid installs only: when the effective ids are
 * already the real ones there is nothing to give up).  NULL or error. */
const char *trust_drop_privilege(const caller *c, const char *why);

#endif
