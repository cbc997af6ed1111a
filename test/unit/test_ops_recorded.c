/* test_ops_recorded.c - every operator case recorded from exim4 -be
 * (test/expected/expand/ops_cases.tsv, written by record_ops.py) run
 * through expand_op_find() and the operator function; reports the share
 * that agrees and fails on any difference not listed in known_diffs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/main_config.h"
#include "expand/ops.h"

/* Differences kept on purpose (see the operators' report). */
static const char *const known_diffs[] = {
  /* lookups Debian's exim4 has and this build has not (yet), or the
   * reverse (LMDB is EXPERIMENTAL_LMDB here) */
  "quote_lmdb", "quote_sqlite", "quote_dnsdb", "quote_ldap", "quote_mysql", "quote_pgsql",
  NULL
};

static char *unhex(const char *h, size_t *len) {
  size_t n = strcmp(h, "-") == 0 ? 0 : strlen(h) / 2;
  char *s = store_get(n + 1, false);
  for (size_t i = 0; i < n; i++) {
    char two[3] = {h[2 * i], h[2 * i + 1], 0};
    s[i] = (char)strtoul(two, NULL, 16);
  }
  s[n] = 0;
  if (len) *len = n;
  return s;
}

int main(void) {
  mainconf.headers_charset = "UTF-8";   /* as the recording configuration */
  mainconf.check_rfc2047_length = true; /* Exim's default */
  FILE *f = fopen("test/expected/expand/ops_cases.tsv", "r");
  if (!f) {
    perror("test/expected/expand/ops_cases.tsv");
    return 1;
  }
  static char line[65536];
  int total = 0, agree = 0, bad = 0;
  while (fgets(line, sizeof line, f)) {
    char *fields[4];
    char *p = line;
    line[strcspn(line, "\n")] = 0;
    for (int i = 0; i < 4; i++) {
      fields[i] = p;
      p = strchr(p, '\t');
      if (p) *p++ = 0;
      else if (i < 3) return fprintf(stderr, "malformed line\n"), 1;
    }
    const char *word = unhex(fields[0], NULL), *arg = unhex(fields[1], NULL);
    bool want_ok = fields[2][0] == '1';
    size_t wlen;
    const char *want = unhex(fields[3], &wlen);
    const char *opt;
    const expand_op *op = expand_op_find(word, &opt);
    gstring *g = NULL;
    const char *err = op ? op->fn(&g, arg, opt)
                         : str_sprintf("unknown expansion operator \"%s\"", word);
    const char *got = err ? err : g_str(g);
    size_t glen = err ? strlen(err) : (g ? g->len : 0);
    total++;
    if (!err == want_ok && glen == wlen && memcmp(got, want, wlen) == 0) {
      agree++;
      continue;
    }
    bool known = false;
    for (int i = 0; known_diffs[i]; i++)
      if (strcmp(known_diffs[i], word) == 0) known = true;
    if (!known) bad++;
    fprintf(stderr, "%s${%s:%s}: got %s[%s], exim4 %s[%s]\n", known ? "(kept) " : "",
            word, str_printing(arg), err ? "error " : "", str_printing(got),
            want_ok ? "" : "error ", str_printing(want));
  }
  fclose(f);
  printf("operators: %d of %d recorded cases agree with exim4 (%.1f%%)\n", agree, total,
         total ? 100.0 * agree / total : 0.0);
  return bad != 0;
}
