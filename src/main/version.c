/* version.c - the -bV text: version, build, copyright, linked libraries,
 * and what this build contains (features, lookups, drivers), then the
 * fixed never_users, the configuration owner and the size of off_t, in the
 * layout of Exim 4.96's -bV.
 *
 * Entry point: version_print(FILE *).  Everything listed comes from the
 * generated registration table (build/modules.c) and build/config.h, so
 * -bV names only what this build really contains.  It must never print a
 * library that is not linked or a part that is not built.
 */
#include "version.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/str.h"
#include "config.h"
#include "modules.h"
#include "lookups/lookup.h"

const char version_string[] = "4.96";

static void print_names(FILE *f, const char *label, const char *const *names) {
  fputs(label, f);
  for (; *names; names++) fprintf(f, " %s", *names);
  fputc('\n', f);
}

/* A user or group given by name or number at build time, as a number;
 * -1 when the name is unknown on this system. */
static long long resolve_id(const char *s, bool group) {
  if (*s == '\0') return 0;
  char *end;
  long long n = strtoll(s, &end, 10);
  if (*end == '\0') return n;
  if (group) {
    struct group *gr = getgrnam(s);
    return gr ? (long long)gr->gr_gid : -1;
  }
  struct passwd *pw = getpwnam(s);
  return pw ? (long long)pw->pw_uid : -1;
}

static void print_never_users(FILE *f) {
  fputs("Fixed never_users:", f);
  const char *p = FIXED_NEVER_USERS;
  bool first = true;
  while (*p) {
    size_t n = strcspn(p, ":");
    char *name = str_copyn(p, n);
    long long id = resolve_id(name, false);
    fputs(first ? " " : ":", f);
    if (id >= 0) fprintf(f, "%lld", id);
    else fprintf(f, "%s(unknown user)", name);
    first = false;
    p += n;
    if (*p == ':') p++;
  }
  fputc('\n', f);
}

static void print_id(FILE *f, const char *setting, bool group) {
  long long id = resolve_id(setting, group);
  if (id >= 0) fprintf(f, "%lld", id);
  else fprintf(f, "%s(unknown %s)", setting, group ? "group" : "user");
}

void version_print(FILE *f) {
  fprintf(f, "Exim version %s #%s built %s\n", version_string, version_build_number,
          version_build_date);
  fputs("Copyright (c) 2026 the authors of this Exim-compatible MTA\n"
        "Free software under the GNU GPL, version 2 or (at your option) any later version\n", f);

  /* lookup libraries that have a line of their own ("Berkeley DB: ...") */
  for (const struct lookup_info *const *lk = lookup_drivers; *lk; lk++)
    if ((*lk)->version_report) fputs(g_str((*lk)->version_report(NULL)), f);

  for (const build_library *l = build_libraries; l->label; l++) {
    int pad = (int)(strlen("Library version: ") + strlen(l->label) + 2);
    fprintf(f, "Library version: %s: Compile: %s\n", l->label, l->compiled());
    fprintf(f, "%*sRuntime: %s\n", pad, "", l->runtime());
  }

  fputs("Support for:", f);
  for (const build_feature *b = build_features; b->name; b++)
    if (b->on && b->bv_word) fprintf(f, " %s", b->bv_word);
  fputc('\n', f);

  print_names(f, "Lookups (built-in):", lookup_drivers_names);
  print_names(f, "Authenticators:", auth_drivers_names);
  print_names(f, "Routers:", router_drivers_names);
  print_names(f, "Transports:", transport_drivers_names);

  print_never_users(f);
  fputs("Configure owner: ", f);
  print_id(f, CONFIGURE_OWNER, false);
  fputc(':', f);
  print_id(f, CONFIGURE_GROUP, true);
  fputc('\n', f);
  fprintf(f, "Size of off_t: %zu\n", sizeof(off_t));
}
