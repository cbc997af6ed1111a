/* test_expand_parse.c - unit tests of the expansion parser and evaluator
 * (src/expand/parse.c, eval.c): parse results and errors for tricky input,
 * bounded nesting, the parse cache, and a replay of the fuzzing regressions
 * kept in test/fuzz/corpus_expand/regress-*. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/store.h"
#include "base/str.h"
#include "expand/expand.h"
#include "expand/expand_int.h"
#include "unit.h"


static const char *parse_err(const char *s) {
  eseq *t = NULL;
  return expand_parse(s, &t);
}

static bool expands_to(const char *s, const char *want) {
  char *r = expand_string(s);
  if (!r || strcmp(r, want) != 0) {
    fprintf(stderr, "  %s -> %s (%s)\n", s, r ? r : "NULL",
            expand_status.message ? expand_status.message : "");
    return false;
  }
  return true;
}

static bool fails_with(const char *s, const char *msg) {
  char *r = expand_string(s);
  if (r || !expand_status.message || strcmp(expand_status.message, msg) != 0) {
    fprintf(stderr, "  %s -> %s / %s\n", s, r ? r : "NULL",
            expand_status.message ? expand_status.message : "");
    return false;
  }
  return true;
}

static void replay_regressions(void) {
  const char *dir = "test/fuzz/corpus_expand";
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  if (!d) return;
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "regress-", 8) != 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "rb");
    if (!f) continue;
    gstring *g = NULL;
    char buf[4096];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) g = g_catn(g, buf, r);
    fclose(f);
    (void)parse_err(g_str(g));
    (void)expand_string(g_str(g));   /* must fail or succeed cleanly */
    n++;
  }
  closedir(d);
  CHECK(n >= 2);
}

int main(void) {
  store_pool_set(POOL_MAIN);
  /* parse errors */
  CHECK(parse_err("plain") == NULL);
  CHECK(strcmp(parse_err("${"), "letter or digit expected after ${") == 0);
  CHECK(strcmp(parse_err("$"), "$ not followed by letter, digit, or {") == 0);
  CHECK(strcmp(parse_err("ab\\"), "\\ at end of string") == 0);
  CHECK(strcmp(parse_err("${lc:x"), "missing } at end of string") == 0);
  CHECK(strcmp(parse_err("$nosuchvar"), "unknown variable name \"nosuchvar\"") == 0);
  /* nesting is bounded: a clean error, no stack overflow */
  gstring *deep = NULL;
  for (int i = 0; i < 20000; i++) deep = g_cat(deep, "${if eq{a}{a}{");
  CHECK(strcmp(parse_err(g_str(deep)), "expansion nested too deeply") == 0);
  gstring *deepc = g_cat(NULL, "${if ");
  for (int i = 0; i < 20000; i++) deepc = g_cat(deepc, "!");
  deepc = g_cat(deepc, "eq{a}{a}}");
  CHECK(strcmp(parse_err(g_str(deepc)), "expansion nested too deeply") == 0);
  /* evaluation */
  CHECK(expands_to("a\\tb\\x41\\101", "a\tbAA"));
  CHECK(expands_to("\\N${x}\\N", "${x}"));
  CHECK(expands_to("${if !!!eq{a}{b}{y}{n}}", "y"));
  CHECK(expands_to("${if eq{a}{b}{$value}{n}}", "n"));
  CHECK(fails_with("${if eq{a}{b}{y}fail}", "\"if\" failed and \"fail\" requested"));
  CHECK(expand_status.forced_fail);
  CHECK(fails_with("${if !bogus{a}}", "unknown condition \"bogus\""));
  /* the parse cache: the same text again is not parsed again */
  unsigned long p0, h0, p1, h1;
  expand_cache_counts(&p0, &h0);
  CHECK(expands_to("${substr{1}{2}{abcdef}}", "bc"));
  for (int i = 0; i < 5; i++) CHECK(expands_to("${substr{1}{2}{abcdef}}", "bc"));
  expand_cache_counts(&p1, &h1);
  CHECK(p1 == p0 + 1);
  CHECK(h1 == h0 + 5);
  /* taint: a tainted string is not expanded */
  char *t = str_copy_taint("${lc:A}", true);
  CHECK(expand_string(t) == NULL);
  CHECK(expand_status.message && strncmp(expand_status.message, "attempt to expand tainted", 25) == 0);
  /* exponential growth stops with an error */
  CHECK(expand_string("${reduce{1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20:21:22:23:24:25:"
                      "26:27:28:29:30}{xxxxxxxxxxxxxxxx}{$value$value}}") == NULL);
  replay_regressions();
  if (failures) fprintf(stderr, "test_expand_parse: %d failure(s)\n", failures);
  return failures ? 1 : 0;
}
