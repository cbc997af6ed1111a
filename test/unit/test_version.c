/* test_version.c - unit test for version_print() (src/main/version.c): the
 * -bV layout of Exim 4.96 (line labels in order, version line format) and
 * that every list shows exactly what the generated registration table of
 * this build holds. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main/version.h"
#include "modules.h"
#include "unit.h"


static char *text;

/* The line starting with `label`, copied without its newline; NULL if none. */
static char *line_of(const char *label) {
  static char buf[4096];
  for (const char *p = text; *p;) {
    size_t n = strcspn(p, "\n");
    if (strncmp(p, label, strlen(label)) == 0 && n < sizeof buf) {
      memcpy(buf, p, n);
      buf[n] = '\0';
      return buf;
    }
    p += n + (p[n] == '\n');
  }
  return NULL;
}

static bool matches(const char *s, const char *rx) {
  regex_t re;
  if (regcomp(&re, rx, REG_EXTENDED | REG_NOSUB) != 0) return false;
  bool ok = regexec(&re, s, 0, NULL, 0) == 0;
  regfree(&re);
  return ok;
}

static void expect_list(const char *label, const char *const *names) {
  char want[4096];
  size_t len = (size_t)snprintf(want, sizeof want, "%s", label);
  for (; *names; names++) len += (size_t)snprintf(want + len, sizeof want - len, " %s", *names);
  char *got = line_of(label);
  CHECK(got != NULL);
  if (got && strcmp(got, want) != 0) {
    fprintf(stderr, "got  \"%s\"\nwant \"%s\"\n", got, want);
    failures++;
  }
}

int main(void) {
  size_t size;
  FILE *f = open_memstream(&text, &size);
  version_print(f);
  fclose(f);

  char *first = line_of("Exim version");
  CHECK(first != NULL);
  CHECK(first && matches(first, "^Exim version 4\\.96 #[0-9]+ built "
                                "[0-3][0-9]-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-"
                                "[0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$"));
  CHECK(strcmp(version_string, "4.96") == 0);
  /* Our copyright, not the University of Cambridge's. */
  CHECK(strstr(text, "Cambridge") == NULL);
  CHECK(line_of("Copyright (c)") != NULL);

  /* Labels in Exim's order. */
  const char *order[] = {"Exim version", "Copyright", "Support for:", "Lookups (built-in):",
                         "Authenticators:", "Routers:", "Transports:", "Fixed never_users:",
                         "Configure owner:", "Size of off_t:", NULL};
  const char *prev = text;
  for (const char **o = order; *o; o++) {
    char key[64];
    snprintf(key, sizeof key, "%s%s", prev == text ? "" : "\n", *o);
    const char *at = prev == text && strncmp(text, *o, strlen(*o)) == 0 ? text : strstr(prev, key);
    if (!at) {
      fprintf(stderr, "label \"%s\" missing or out of order\n", *o);
      failures++;
      continue;
    }
    prev = at + 1;
  }

  /* Support for: exactly the -bV words of the features that are on. */
  char want[4096] = "Support for:";
  for (const build_feature *b = build_features; b->name; b++)
    if (b->on && b->bv_word) {
      strncat(want, " ", sizeof want - strlen(want) - 1);
      strncat(want, b->bv_word, sizeof want - strlen(want) - 1);
    }
    else CHECK(!b->on || b->bv_word == NULL);
  char *sup = line_of("Support for:");
  CHECK(sup && strcmp(sup, want) == 0);
  /* A part documented ahead of its code is never on. */
  for (const build_feature *b = build_features; b->name; b++) CHECK(b->in_tree || !b->on);

  expect_list("Lookups (built-in):", lookup_drivers_names);
  expect_list("Authenticators:", auth_drivers_names);
  expect_list("Routers:", router_drivers_names);
  expect_list("Transports:", transport_drivers_names);

  /* Library lines only for linked libraries, Runtime aligned under Compile. */
  int libs = 0;
  for (const build_library *l = build_libraries; l->label; l++) libs++;
  int seen = 0;
  for (const char *p = text; (p = strstr(p, "Library version: ")); p++) seen++;
  CHECK(seen == libs);

  char *nu = line_of("Fixed never_users:");
  CHECK(nu && matches(nu, "^Fixed never_users:( [0-9]+(:[0-9]+)*)?$"));
  char *co = line_of("Configure owner:");
  CHECK(co && matches(co, "^Configure owner: [0-9]+:[0-9]+$"));
  char want_off[64];
  snprintf(want_off, sizeof want_off, "Size of off_t: %zu", sizeof(off_t));
  CHECK(line_of("Size of off_t:") && strcmp(line_of("Size of off_t:"), want_off) == 0);
  CHECK(line_of("Configuration file") == NULL);  /* main prints that one */

  free(text);
  if (failures) fprintf(stderr, "test_version: %d failure(s)\n", failures);
  return failures != 0;
}
