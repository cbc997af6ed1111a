/* test_lookups.c - unit tests of the lookup layer (src/lookups/): type
 * name parsing, lsearch family, partial/star retries, ret=key/ret=full,
 * result caching and reopening of changed files, taint of file names.
 * Expected values were recorded from exim4 -be with ${lookup} on the same
 * fixture files (test/expected/lookups/README). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "base/store.h"
#include "config/main_config.h"
#include "base/str.h"
#include "lookups/lookup.h"
#include "modules.h"
#include "unit.h"

static char dir[64];


static int count_fds(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

static const char *path(const char *name) { return str_sprintf("%s/%s", dir, name); }

static void write_file(const char *name, const char *text) {
  FILE *f = fopen(path(name), "w");
  if (!f) { perror(name); exit(2); }
  fputs(text, f);
  fclose(f);
}

/* Run ${lookup{key}type{file}{[$value]}{NOTFOUND}} the way the expander
 * does and give the text Exim prints ("Failed: " errors as the error text). */
static const char *run(const char *type, const char *file, const char *key, lookup_hit *hitp) {
  lookup_spec spec;
  const char *err = lookup_spec_parse(type, strlen(type), &spec);
  if (err) return str_sprintf("Failed: %s", err);
  lookup_hit hit;
  lookup_rc rc = lookup_search(&spec, file ? path(file) : NULL, key, &hit, &err);
  if (hitp) *hitp = hit;
  if (rc == LOOKUP_NOTFOUND) return "NOTFOUND";
  if (rc == LOOKUP_DEFER) return str_sprintf("DEFER: %s", err);
  return str_sprintf("[%s]", hit.value);
}

static void expect(const char *type, const char *file, const char *key, const char *want) {
  const char *got = run(type, file, key, NULL);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "lookup{%s}%s{%s}: got \"%s\", want \"%s\"\n", key, type, file, got, want);
    failures++;
  }
}

static void expect_partial(const char *type, const char *key, const char *want, const char *w1,
                           const char *w2) {
  lookup_hit hit;
  const char *got = run(type, "ls1", key, &hit);
  CHECK(strcmp(got, want) == 0);
  if (strcmp(got, want) != 0) fprintf(stderr, "  %s %s: got %s\n", type, key, got);
  if (w1) {
    CHECK(hit.wild && strcmp(hit.wild, w1) == 0);
    CHECK(hit.fixed && strcmp(hit.fixed, w2) == 0);
    if (!hit.wild || strcmp(hit.wild, w1) || strcmp(hit.fixed, w2))
      fprintf(stderr, "  %s %s: $1=%s $2=%s\n", type, key, hit.wild ? hit.wild : "(null)",
              hit.fixed ? hit.fixed : "(null)");
  }
}

static const char ls1[] =
  "# comment\n"
  "alpha: one\n"
  "Beta   two words  \n"
  "gamma:\n"
  "  cont1\n"
  "# mid comment\n"
  "\n"
  "  cont2\n"
  "delta: :fail:\n"
  "\"quoted key\": qdata\n"
  "\"esc\\x41pe\" : escaped\n"
  "\"ip::6\" six\n"
  "empty\n"
  "spaced :   data after  \n"
  "*: star\n"
  "*@example.com: staratdomain\n"
  "*.fict.example: partwild\n"
  "dates.fict.example: exact\n";

static const char ls2[] =
  "g1:\n  c1\n# mid comment\n  c2\n"
  "g2: a\n \n  b\n"
  "g3: a\n\n  b\n"
  "g4: a\n#x\n  b\n"
  "g5: a\n  b\n\tc\n";

static const char ip1[] =
  "1.2.3.4: exact4\n"
  "10.0.0.0/8   ten\n"
  "\"abcd::cdab\": six1\n"
  "\"abcd:abcd::/32\"   six32\n"
  "*: star\n";

static const char wl1[] =
  "*.a.b: starsuffix\n"
  "*fish  fishy\n"
  "^\\d+\\.x  regex\n"
  "^(?-i)CASE  casereg\n"
  "LSEARCH_NESTED  nested\n";

int main(void) {
  strcpy(dir, "/tmp/test_lookups.XXXXXX");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
  write_file("ls1", ls1);
  write_file("ls2", ls2);
  write_file("ip1", ip1);
  /* the nested-lookup key names a file in the temporary directory */
  const char *wl = str_sprintf("%.*slsearch;%s%s", (int)(strstr(wl1, "LSEARCH_NESTED") - wl1), wl1,
                               path("ls1"), strstr(wl1, "LSEARCH_NESTED") + 14);
  write_file("wl1", wl);

  /* lsearch */
  expect("lsearch", "ls1", "alpha", "[one]");
  expect("lsearch", "ls1", "ALPHA", "[one]");
  expect("lsearch", "ls1", "beta", "[two words]");
  expect("lsearch", "ls1", "gamma", "[ cont1]");
  expect("lsearch", "ls1", "delta", "[:fail:]");
  expect("lsearch", "ls1", "quoted key", "[qdata]");
  expect("lsearch", "ls1", "escApe", "[escaped]");
  expect("lsearch", "ls1", "empty", "[]");
  expect("lsearch", "ls1", "spaced", "[data after]");
  expect("lsearch", "ls1", "nosuch", "NOTFOUND");
  expect("lsearch", "ls1", "x@example.com", "NOTFOUND");
  expect("lsearch", "ls1", "ip::6", "[six]");
  expect("lsearch", "ls2", "g1", "[ c1]");
  expect("lsearch", "ls2", "g2", "[a]");
  expect("lsearch", "ls2", "g3", "[a]");
  expect("lsearch", "ls2", "g4", "[a]");
  expect("lsearch", "ls2", "g5", "[a b c]");
  /* options */
  expect("lsearch,ret=full", "ls1", "alpha", "[alpha: one]");
  expect("lsearch,ret=key", "ls1", "Alpha", "[Alpha]");
  expect("lsearch*@,ret=key", "ls1", "zz@example.com", "[zz@example.com]");
  expect("lsearch,ret=full", "ls1", "quoted key", "[quoted key: qdata]");
  expect("lsearch,foo=bar", "ls1", "x", "NOTFOUND");
  expect("lsearch,cache=no_rd", "ls1", "alpha", "[one]");
  /* defaults */
  expect("lsearch*@", "ls1", "zz@example.com", "[staratdomain]");
  expect("lsearch*@", "ls1", "zz@exampl.com", "[star]");
  expect("lsearch*", "ls1", "zz@example.com", "[star]");
  expect("lsearch*x", "ls1", "x", "[star]");
  /* partial */
  expect_partial("partial-lsearch", "a.b.dates.fict.example", "[partwild]", "a.b.dates",
                 "fict.example");
  expect_partial("partial-lsearch", "dates.fict.example", "[exact]", "", "dates.fict.example");
  expect_partial("partial-lsearch", "fict.example", "[partwild]", "", "fict.example");
  expect_partial("partial-lsearch", "example", "NOTFOUND", NULL, NULL);
  expect_partial("partial0-lsearch", "example", "[star]", "exampl", "");
  expect_partial("partial-lsearch,ret=key", "x.example", "NOTFOUND", NULL, NULL);
  expect_partial("partial-lsearch,ret=key", "x.fict.example", "[x.fict.example]", "x",
                 "fict.example");
  expect_partial("partial3-lsearch", "x.fict.example", "NOTFOUND", NULL, NULL);
  expect_partial("partial(*.)lsearch", "x.y.fict.example", "[partwild]", "x.y", "fict.example");
  /* errors */
  expect("foo", "ls1", "x", "Failed: unknown lookup type \"foo\"");
  expect("partial-foo", "ls1", "x", "Failed: unknown lookup type \"foo\"");
  expect("partialx-lsearch", "ls1", "x", "Failed: format error in lookup type \"partialx-lsearch\"");
  expect("partial(ab)-lsearch", "ls1", "x",
         "Failed: format error in lookup type \"partial(ab)-lsearch\"");
  expect("lsearch", "nonexist", "x",
         str_sprintf("DEFER: failed to open %s for linear search: No such file or directory",
                     path("nonexist")));

  /* iplsearch */
  expect("iplsearch", "ip1", "1.2.3.4", "[exact4]");
  expect("iplsearch", "ip1", "10.9.8.7", "[ten]");
  expect("iplsearch", "ip1", "abcd::cdab", "[six1]");
  expect("iplsearch", "ip1", "abcd:abcd:1::2", "[six32]");
  expect("iplsearch", "ip1", "11.1.1.1", "NOTFOUND");
  expect("iplsearch*", "ip1", "11.1.1.1", "[star]");
  expect("iplsearch", "ip1", "notip",
         "DEFER: lookup of \"notip\" gave DEFER: \"notip\" is not a valid iplsearch key (an IP address, with optional CIDR "
         "mask, is wanted): in a host list, use net-iplsearch as the search type");
  expect("iplsearch", "ip1", "*", "[star]");
  expect("iplsearch,ret=full", "ip1", "10.1.1.1", "[10.0.0.0/8   ten]");
  expect("iplsearch,ret=full", "ip1", "abcd::cdab", "[abcd::cdab: six1]");
  expect("iplsearch", "ip1", "::ffff:1.2.3.4", "[exact4]");
  expect("iplsearch", "ip1", "1.2.3.4/32",
         "DEFER: lookup of \"1.2.3.4/32\" gave DEFER: \"1.2.3.4/32\" is not a valid iplsearch key (an IP address, with optional CIDR "
         "mask, is wanted): in a host list, use net-iplsearch as the search type");

  /* nwildlsearch (wildlsearch needs the expander) */
  expect("iplsearch", "ip1", "", "NOTFOUND");
  expect("lsearch", "ls1", "", "NOTFOUND");
  expect_partial("partial-lsearch*", "nomatch.example", "[star]", "nomatch.example", "");
  expect_partial("partial0(.)lsearch*", "x.y", "[star]", "x.y", "");
  mkdir(path("dir"), 0755);
  expect("lsearch", "dir", "x", str_sprintf("DEFER: %s is not a regular file (lsearch lookup)",
                                            path("dir")));
  expect("iplsearch", "dir", "1.2.3.4",
         str_sprintf("DEFER: %s is not a regular file (iplsearch lookup)", path("dir")));
  expect("nwildlsearch", "wl1", "q.A.B", "[starsuffix]");
  expect("nwildlsearch", "wl1", "a.b", "NOTFOUND");
  expect("nwildlsearch", "wl1", "goldFISH", "[fishy]");
  expect("nwildlsearch", "wl1", "123.X", "[regex]");
  expect("nwildlsearch", "wl1", "CASEy", "[casereg]");
  expect("nwildlsearch", "wl1", "casey", "NOTFOUND");
  expect("nwildlsearch", "wl1", "alpha", "[nested]");
  expect("nwildlsearch,ret=full", "wl1", "q.a.b", "[*.a.b: starsuffix]");
  expect("nwildlsearch,ret=key", "wl1", "q.a.b", "[q.a.b]");

  /* caching: a second lookup is answered from the cache; a changed file is
   * read again */
  write_file("chg", "k: v1\n");
  expect("lsearch", "chg", "k", "[v1]");
  write_file("chg", "k: version2\n");
  expect("lsearch", "chg", "k", "[version2]");
  expect("lsearch", "chg", "k", "[version2]");

  /* taint: a tainted file name is refused */
  {
    lookup_spec spec;
    lookup_hit hit;
    const char *err = lookup_spec_parse("lsearch", 7, &spec);
    CHECK(err == NULL);
    const char *tf = str_copy_taint(path("ls1"), true);
    CHECK(lookup_search(&spec, tf, "alpha", &hit, &err) == LOOKUP_DEFER);
    CHECK(err && strcmp(err, str_sprintf("Tainted filename for search: '%s'", tf)) == 0);
    /* results are untainted even for a tainted key */
    CHECK(lookup_search(&spec, path("ls1"), str_copy_taint("alpha", true), &hit, &err) ==
          LOOKUP_FOUND);
    CHECK(!is_tainted(hit.value));
  }

  /* query-style refusals come from the type's style */
  CHECK(lookup_find("lsearch") != NULL);
  CHECK(lookup_find("nosuch") == NULL);

  /* lookup_open_max: at most that many files stay open, the least
   * recently used is closed first; results stay cached */
  lookup_tidy_all();
  mainconf.lookup_open_max = 2;
  int before = count_fds();
  for (int i = 0; i < 5; i++) {
    const char *n = str_sprintf("f%d", i);
    write_file(n, str_sprintf("k: v%d\n", i));
    expect("lsearch", n, "k", str_sprintf("[v%d]", i));
  }
  CHECK(count_fds() - before <= 2);
  expect("lsearch", "f0", "k", "[v0]");
  write_file("f1", "k: again\n");
  expect("lsearch", "f1", "k", "[again]");
  CHECK(count_fds() - before <= 2);

  lookup_tidy_all();
  CHECK(count_fds() == before);
  system(str_sprintf("rm -rf '%s'", dir));
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures != 0;
}
