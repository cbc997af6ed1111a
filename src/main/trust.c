/* trust.c - the caller's identity, admin/trusted status (spec 5.2) and the
 * -C / -D trust rules (spec 5.3, options -C and -D).
 *
 * Entry points: caller_identify(), caller_in_group(), caller_is_admin(),
 * caller_is_trusted(), trust_check(), trust_drop_privilege().
 *
 * Build settings (build/config.h; an empty string means unset):
 *   ALT_CONFIG_PREFIX    every -C file must start with it and contain no
 *                        "/../" (a -C equal to CONFIGURE_FILE is ignored)
 *   TRUSTED_CONFIG_LIST  file of full paths; a -C list whose files are all
 *                        listed keeps privilege when the caller is the Exim
 *                        user (or CONFIGURE_OWNER) and the list file is
 *                        owned by root and writable by no one else
 *   WHITELIST_D_MACROS   -D of only these names, with values of
 *                        [A-Za-z0-9_/.-], keeps privilege for root, the
 *                        Exim user or CONFIGURE_OWNER
 *   DISABLE_D_OPTION     -D is refused outright
 * Root keeps its privilege whatever -C/-D say.  For anyone else an
 * untrusted -C or -D means running as the real uid/gid: in a setuid
 * install the effective ids are given up; when the binary is not setuid the
 * process already runs as the caller and nothing changes.
 *
 * Must never: grant anything the spec does not; leave the process with
 * mixed real/effective ids after deciding to drop.
 */
#include "trust.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "config.h"

/* A build setting's value, NULL when unset or empty. */
static const char *setting(const char *v) { return v && *v ? v : NULL; }

#ifdef ALT_CONFIG_PREFIX
static const char *alt_config_prefix(void) { return setting(ALT_CONFIG_PREFIX); }
#else
static const char *alt_config_prefix(void) { return NULL; }
#endif
#ifdef TRUSTED_CONFIG_LIST
static const char *trusted_config_list(void) { return setting(TRUSTED_CONFIG_LIST); }
#else
static const char *trusted_config_list(void) { return NULL; }
#endif
#ifdef WHITELIST_D_MACROS
static const char *whitelist_d_macros(void) { return setting(WHITELIST_D_MACROS); }
#else
static const char *whitelist_d_macros(void) { return NULL; }
#endif
#ifdef DISABLE_D_OPTION
static bool d_option_disabled(void) {
  const char *v = setting(DISABLE_D_OPTION);
  return v && strcmp(v, "no") != 0;
}
#else
static bool d_option_disabled(void) { return false; }
#endif
#ifdef CONFIGURE_OWNER
static const char *configure_owner(void) { return setting(CONFIGURE_OWNER); }
#else
static const char *configure_owner(void) { return NULL; }
#endif
#ifdef CONFIGURE_GROUP
static const char *configure_group(void) { return setting(CONFIGURE_GROUP); }
#else
static const char *configure_group(void) { return NULL; }
#endif

/* A user setting (name or number) to a uid. */
static bool lookup_uid(const char *name, uid_t *uid) {
  if (!name) return false;
  if (isdigit(uc(*name))) {
    *uid = (uid_t)strtoul(name, NULL, 10);
    return true;
  }
  struct passwd *pw = getpwnam(name);
  if (!pw) return false;
  *uid = pw->pw_uid;
  return true;
}

static bool lookup_gid(const char *name, gid_t *gid) {
  if (!name) return false;
  if (isdigit(uc(*name))) {
    *gid = (gid_t)strtoul(name, NULL, 10);
    return true;
  }
  struct group *gr = getgrnam(name);
  if (!gr) return false;
  *gid = gr->gr_gid;
  return true;
}

void caller_identify(caller *c) {
  c->uid = getuid();
  c->euid = geteuid();
  c->gid = getgid();
  c->egid = getegid();
  int n = getgroups(0, NULL);
  if (n < 0) n = 0;
  c->groups = store_get_in(POOL_PERM, sizeof(gid_t) * (size_t)(n + 1), false);
  c->ngroups = n > 0 ? getgroups(n, c->groups) : 0;
  if (c->ngroups < 0) c->ngroups = 0;
  struct passwd *pw = getpwuid(c->uid);
  c->login = pw ? str_perm(pw->pw_name) : str_perm(str_sprintf("%ld", (long)c->uid));
}

bool caller_in_group(const caller *c, gid_t g) {
  if (c->gid == g) return true;
  for (int i = 0; i < c->ngroups; i++)
    if (c->groups[i] == g) return true;
  return false;
}

bool caller_is_admin(const caller *c, bool exim_known, uid_t exim_uid, gid_t exim_gid,
                     const gid_t *admin_groups) {
  if (c->uid == 0) return true;
  if (exim_known && (c->uid == exim_uid || caller_in_group(c, exim_gid))) return true;
  if (admin_groups)
    for (int i = 1; i <= (int)admin_groups[0]; i++)
      if (caller_in_group(c, admin_groups[i])) return true;
  return false;
}

bool caller_is_trusted(const caller *c, bool exim_known, uid_t exim_uid,
                       const uid_t *trusted_users, const gid_t *trusted_groups) {
  if (c->uid == 0) return true;
  if (exim_known && c->uid == exim_uid) return true;
  if (trusted_users)
    for (int i = 1; i <= (int)trusted_users[0]; i++)
      if (trusted_users[i] == c->uid) return true;
  if (trusted_groups)
    for (int i = 1; i <= (int)trusted_groups[0]; i++)
      if (caller_in_group(c, trusted_groups[i])) return true;
  return false;
}

/* Is the caller root, the Exim user (from the build) or CONFIGURE_OWNER? */
static bool caller_is_config_user(const caller *c) {
  uid_t u;
  if (c->uid == 0) return true;
  if (lookup_uid(EXIM_USER, &u) && u == c->uid) return true;
  if (lookup_uid(configure_owner(), &u) && u == c->uid) return true;
  return false;
}

/* Every file of the colon list `list` is named in TRUSTED_CONFIG_LIST, and
 * that file is owned and protected as the spec requires. */
static bool listed_as_trusted(const char *list) {
  const char *tcl = trusted_config_list();
  if (!tcl) return false;
  FILE *f = fopen(tcl, "r");
  if (!f) return false;
  struct stat sb;
  uid_t owner_alt;
  gid_t group_alt;
  bool owner_ok = false, perm_ok = false;
  if (fstat(fileno(f), &sb) == 0) {
    owner_ok = sb.st_uid == 0 || (lookup_uid(configure_owner(), &owner_alt) && sb.st_uid == owner_alt);
    bool group_ok = sb.st_gid == 0 || (lookup_gid(configure_group(), &group_alt) && sb.st_gid == group_alt);
    perm_ok = (sb.st_mode & 002) == 0 && (group_ok || (sb.st_mode & 020) == 0);
  }
  if (!owner_ok || !perm_ok) {
    fclose(f);
    return false;
  }
  /* Read the whole file into a gstring, then match each -C element. */
  gstring *g = NULL;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) g = g_catn(g, buf, n);
  fclose(f);
  const char *text = g_str(g);

  const char *p = list;
  while (true) {
    const char *e = strchr(p, ':');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    bool found = false;
    for (const char *l = text; *l && !found;) {
      const char *le = strchr(l, '\n');
      size_t ll = le ? (size_t)(le - l) : strlen(l);
      while (ll > 0 && isspace(uc(l[ll - 1]))) ll--;
      if (ll == len && *l == '/' && strncmp(l, p, len) == 0) found = true;
      l = le ? le + 1 : l + strlen(l);
    }
    if (!found) return false;
    if (!e) break;
    p = e + 1;
  }
  return true;
}

/* The -D macros are all in WHITELIST_D_MACROS with harmless values. */
static bool macros_whitelisted(const cmdline_state *st) {
  const char *wl = whitelist_d_macros();
  if (!wl) return false;
  for (const cmdline_macro *m = st->macros; m; m = m->next) {
    const char *p = str_skip_space(m->text);
    const char *name = p;
    while (isalnum(uc(*p)) || *p == '_') p++;
    size_t nlen = (size_t)(p - name);
    p = str_skip_space(p);
    const char *value = *p == '=' ? str_skip_space(p + 1) : p;
    for (const char *v = value; *v; v++)
      if (!isalnum(uc(*v)) && !strchr("_/.-", *v)) return false;
    bool listed = false;
    for (const char *w = wl; *w && !listed;) {
      const char *we = strchr(w, ':');
      size_t wlen = we ? (size_t)(we - w) : strlen(w);
      if (wlen == nlen && strncmp(w, name, nlen) == 0) listed = true;
      w = we ? we + 1 : w + wlen;
    }
    if (!listed) return false;
  }
  return true;
}

const char *trust_check(const cmdline_state *st, const caller *c, trust_decision *d) {
  memset(d, 0, sizeof *d);
  d->config_list = CONFIGURE_FILE;
  d->config_trusted = true;
  d->macros_trusted = true;

  if (st->config_file && strcmp(st->config_file, CONFIGURE_FILE) != 0) {
    const char *prefix = alt_config_prefix();
    if (prefix) {
      size_t plen = strlen(prefix);
      const char *p = st->config_file;
      while (true) {
        const char *e = strchr(p, ':');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *name = str_copyn(p, len);
        if (strncmp(name, prefix, plen) != 0 || strstr(name, "/../")) return "-C Permission denied";
        if (!e) break;
        p = e + 1;
      }
    }
    d->config_list = st->config_file;
    d->config_changed = true;
    if (c->uid != 0) {
      uid_t u;
      bool may = (lookup_uid(EXIM_USER, &u) && u == c->uid) ||
                 (lookup_uid(configure_owner(), &u) && u == c->uid);
      d->config_trusted = may && listed_as_trusted(st->config_file);
    }
  }

  if (st->macros) {
    if (d_option_disabled()) return "exim: -D is not available in this Exim binary";
    d->macros_trusted = c->uid == 0 || (caller_is_config_user(c) && macros_whitelisted(st));
  }

  bool testing = st->expansion_test || st->filter_user || st->filter_system;
  d->drop = ((!d->config_trusted || !d->macros_trusted) && c->uid != 0) || testing;
  return NULL;
}

const char *trust_drop_privilege(const caller *c, const char *why) {
  if (c->euid == c->uid && c->egid == c->gid) return NULL;  /* not setuid: nothing held */
  gid_t g = c->gid;
  if (c->euid == 0 && setgroups(1, &g) != 0)
    return str_sprintf("exim: setgroups failed: %s", strerror(errno));
  if (setgid(c->gid) != 0 || setuid(c->uid) != 0)
    return str_sprintf("exim: unable to set uid=%ld gid=%ld: %s", (long)c->uid, (long)c->gid,
                       strerror(errno));
  DEBUG(D_any | D_uid) {
    debug_printf("changed uid/gid: %s\n  uid=%ld gid=%ld pid=%ld\n", why, (long)getuid(),
                 (long)getgid(), (long)getpid());
    gstring *gl = NULL;
    int n = getgroups(0, NULL);
    gid_t *list = store_get(sizeof(gid_t) * (size_t)(n > 0 ? n : 1), false);
    n = n > 0 ? getgroups(n, list) : 0;
    for (int i = 0; i < n; i++) gl = g_fmt(gl, "%s%ld", i ? " " : "", (long)list[i]);
    debug_printf("  auxiliary group list: %s\n", n > 0 ? g_str(gl) : "<none>");
  }
  return NULL;
}
