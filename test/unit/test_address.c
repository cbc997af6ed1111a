/* test_address.c - address parsing (src/base/address.c): every case
 * recorded from exim4 in test/expected/address/extract.tsv (working address
 * or Exim's exact error text, as MAIL FROM and RCPT TO arguments, with and
 * without allow_domain_literals), then offsets, the list end finder, the
 * header-list walker, qualification, xtext and the 7-bit test, and the
 * display names of test/expected/address/phrase.tsv (exim4 -t -F) and
 * the header values of walk.tsv (verify = header_syntax, -t) and the
 * rewritten headers of spans.tsv (exim4 -t with a header rewrite). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"
#include "base/str.h"
#include "unit.h"

/* exim4's text for a phrase that is not followed by a route-addr */
#define EXPECTED_WORD "!missing or malformed local part (expected word or \"<\")"

static char *unhex(const char *h) {
  size_t n = strcmp(h, "-") == 0 ? 0 : strlen(h) / 2;
  char *s = store_get(n + 1, false);
  for (size_t i = 0; i < n; i++) {
    char two[3] = {h[2 * i], h[2 * i + 1], 0};
    s[i] = (char)strtoul(two, NULL, 16);
  }
  s[n] = 0;
  return s;
}

static int recorded(void) {
  const char *path = "test/expected/address/extract.tsv";
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 1;
  }
  static char line[8192];
  int total = 0, bad = 0;
  while (fgets(line, sizeof line, f)) {
    char *fields[5], *p = line;
    line[strcspn(line, "\n")] = 0;
    for (int i = 0; i < 5; i++) {
      fields[i] = p;
      p = strchr(p, '\t');
      if (p) *p++ = 0;
      else if (i < 4) return fprintf(stderr, "%s: malformed line\n", path), 1;
    }
    const char *mailbox = unhex(fields[0]), *want = unhex(fields[4]);
    bool mail = fields[2][0] == 'M', want_ok = fields[3][0] == '1';
    address_allow_domain_literals = fields[1][0] == '1';
    const char *err = NULL;
    int start = -1, end = -1, dom = -1;
    char *a = address_extract(mailbox, &err, &start, &end, &dom, mail);
    total++;
    bool same = want_ok ? a != NULL && (!mail || strcmp(a, want) == 0)
                        : a == NULL && err != NULL && strcmp(err, want) == 0;
    if (a && (start < 0 || end < start || (size_t)end > strlen(mailbox) || dom < 0 ||
              (size_t)dom > strlen(a) || (dom > 0 && a[dom - 1] != '@')))
      same = false;
    if (!same) {
      bad++;
      fprintf(stderr, "%s %s (literals %s): got %s[%s], exim4 %s[%s]\n", mail ? "MAIL" : "RCPT",
              str_printing(mailbox), fields[1], a ? "" : "error ",
              str_printing(a ? a : err ? err : "(null)"), want_ok ? "" : "error ",
              str_printing(want));
    }
  }
  fclose(f);
  address_allow_domain_literals = false;
  printf("address_extract: %d of %d recorded cases agree with exim4\n", total - bad, total);
  if (total < 100) bad++;
  return bad;
}

/* address_fix_phrase() against phrase.tsv (exim4 -t -F NAME). */
static int phrases(void) {
  const char *path = "test/expected/address/phrase.tsv";
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 1;
  }
  static char line[4096];
  int total = 0, bad = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *tab = strchr(line, '\t');
    if (!tab) return fprintf(stderr, "%s: malformed line\n", path), 1;
    *tab = 0;
    const char *name = unhex(line), *want = unhex(tab + 1);
    const char *got = address_fix_phrase(name);
    total++;
    if (strcmp(got, want) != 0) {
      bad++;
      fprintf(stderr, "phrase [%s]: got [%s], exim4 [%s]\n", str_printing(name),
              str_printing(got), str_printing(want));
    }
  }
  fclose(f);
  printf("address_fix_phrase: %d of %d recorded names agree with exim4\n", total - bad, total);
  return bad + (total < 50);
}

/* A newline as exim4's log shows it: \n (a tab stays as it is). */
static const char *log_escape(const char *s) {
  gstring *g = g_new(strlen(s) + 1, false);
  for (; *s; s++) g = *s == '\n' ? g_cat(g, "\\n") : g_catc(g, *s);
  return g_str(g);
}

/* The walker against walk.tsv: what exim4's verify = header_syntax says
 * about a To: value (the first failing item, or an unqualified one) and
 * the recipients exim4 -t takes from it. */
static int walks(void) {
  const char *path = "test/expected/address/walk.tsv";
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 1;
  }
  static char line[8192];
  int total = 0, bad = 0;
  while (fgets(line, sizeof line, f)) {
    char *fields[3], *p = line;
    line[strcspn(line, "\n")] = 0;
    for (int i = 0; i < 3; i++) {
      fields[i] = p;
      p = strchr(p, '\t');
      if (p) *p++ = 0;
      else if (i < 2) return fprintf(stderr, "%s: malformed line\n", path), 1;
    }
    /* the header value as exim4 holds it: with its final newline */
    const char *value = str_sprintf("%s\n", unhex(fields[0]));
    const char *want_verify = unhex(fields[1]), *want_rcpts = unhex(fields[2]);
    gstring *verify = NULL, *rcpts = g_new(64, false);
    address_walk w;
    address_item it;
    address_walk_init(&w, value);
    while (address_walk_next(&w, &it)) {
      if (!it.address && !verify)
        verify = g_fmt(NULL, "%s\t%s", log_escape(it.error), log_escape(it.text));
      if (!it.address) continue;
      if (!it.domain && !verify)
        verify = g_fmt(NULL, "unqualified address not permitted\t%s", log_escape(it.text));
      if (rcpts->len) rcpts = g_catc(rcpts, '\n');
      rcpts = g_cat(rcpts, it.domain ? it.address : address_qualify(it.address, "q.invalid"));
    }
    const char *got_verify = verify ? g_str(verify) : "OK";
    total++;
    if (strcmp(got_verify, want_verify) != 0 || strcmp(g_str(rcpts), want_rcpts) != 0) {
      bad++;
      fprintf(stderr, "walk [%s]: got [%s] [%s], exim4 [%s] [%s]\n", str_printing(value),
              str_printing(got_verify), str_printing(g_str(rcpts)), str_printing(want_verify),
              str_printing(want_rcpts));
    }
  }
  fclose(f);
  printf("address_walk: %d of %d recorded header values agree with exim4\n", total - bad, total);
  return bad + (total < 40);
}

/* The walker's spans against spans.tsv: exim4 -t rewriting *@old.example
 * to NEW@new.example and qualifying unqualified addresses in a Cc: header
 * replaces exactly each address's start..end. */
static int spans(void) {
  const char *path = "test/expected/address/spans.tsv";
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return 1;
  }
  static char line[4096];
  int total = 0, bad = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *tab = strchr(line, '\t');
    if (!tab) return fprintf(stderr, "%s: malformed line\n", path), 1;
    *tab = 0;
    const char *value = unhex(line), *want = unhex(tab + 1);
    gstring *g = g_new(64, false);
    size_t done = 0;
    address_walk w;
    address_item it;
    address_walk_init(&w, value);
    while (address_walk_next(&w, &it)) {
      if (!it.address) continue;
      const char *with = !it.domain ? address_qualify(it.address, "q.invalid")
                         : strcmp(it.address + it.domain, "old.example") == 0 ? "NEW@new.example"
                         : NULL;
      if (!with) continue;
      g = g_catn(g, value + done, it.start - done);
      g = g_cat(g, with);
      done = it.end;
    }
    g = g_cat(g, value + done);
    total++;
    if (strcmp(g_str(g), want) != 0) {
      bad++;
      fprintf(stderr, "spans [%s]: got [%s], exim4 [%s]\n", value, g_str(g), want);
    }
  }
  fclose(f);
  printf("address spans: %d of %d recorded rewrites agree with exim4\n", total - bad, total);
  return bad + (total < 20);
}

static void offsets(void) {
  const char *err;
  int s, e, d;
  const char *m = "Phrase (c) <a@b.c> (d)";
  char *a = address_extract(m, &err, &s, &e, &d, false);
  CHECK(a && strcmp(a, "a@b.c") == 0 && s == 12 && e == 17 && d == 2);
  m = "  a @ b (x)";
  a = address_extract(m, &err, &s, &e, &d, false);
  CHECK(a && strcmp(a, "a@b") == 0 && s == 2 && e == 7 && d == 2);
  m = "<>";
  a = address_extract(m, &err, &s, &e, &d, true);
  CHECK(a && *a == 0 && s == 1 && e == 1 && d == 0);
  a = address_extract("<\"x y\"@[1.2.3.4]>", &err, NULL, NULL, &d, false);
  CHECK(a == NULL && strcmp(err, "domain literals not allowed") == 0);
  address_allow_domain_literals = true;
  a = address_extract("<\"x y\"@[1.2.3.4]>", &err, NULL, NULL, &d, false);
  CHECK(a && strcmp(a, "\"x y\"@[1.2.3.4]") == 0 && d == 6);
  address_allow_domain_literals = false;
  a = address_extract("postmaster", &err, &s, &e, &d, false);
  CHECK(a && strcmp(a, "postmaster") == 0 && d == 0 && s == 0 && e == 10);
  /* taint follows the input, results and error texts alike */
  char *t = store_get(16, true);
  strcpy(t, "<x@y>");
  a = address_extract(t, &err, NULL, NULL, NULL, false);
  CHECK(a && is_tainted(a));
  strcpy(t, "<x@y> z");
  a = address_extract(t, &err, NULL, NULL, NULL, false);
  CHECK(!a && is_tainted(err));
  a = address_extract("<x@y>", &err, NULL, NULL, NULL, false);
  CHECK(a && !is_tainted(a));
  /* NULL error pointer is allowed */
  CHECK(address_extract("<", NULL, NULL, NULL, NULL, false) == NULL);
}

static void find_end(void) {
  const char *s = "a@b, c@d";
  CHECK(address_find_end(s, false) == s + 3);
  s = "\"x,y\" <a@b>, c";
  CHECK(address_find_end(s, false) == s + 11);
  s = "x (a, b) <a@b>";
  CHECK(*address_find_end(s, false) == 0);
  s = "<a@b,c@d>, e";
  CHECK(address_find_end(s, false) == s + 9);
  s = "a@[1,2], e";  /* brackets are not special (exim4) */
  CHECK(address_find_end(s, false) == s + 4);
  s = "a\\,b@c, d";
  CHECK(address_find_end(s, false) == s + 6);
  s = "a@b\nc@d, e";
  CHECK(address_find_end(s, true) == s + 3);
  CHECK(address_find_end(s, false) == s + 7);
  s = "\"unterminated, x";
  CHECK(*address_find_end(s, false) == 0);
  s = "(unterminated, x";
  CHECK(*address_find_end(s, false) == 0);
  s = "";
  CHECK(address_find_end(s, false) == s);
  /* a source route at the very start of an item keeps its commas (exim4) */
  s = "@r,@s:a@b, c";
  CHECK(address_find_end(s, false) == s + 9);
  s = "@r x, c@d";
  CHECK(*address_find_end(s, false) == 0);
  s = "<a@<b> , c";
  CHECK(address_find_end(s, false) == s + 7);
  s = "<@e>, a@b";  /* "<@" starts a route too; the '>' closes the bracket */
  CHECK(*address_find_end(s, false) == 0);
  s = "<@e>>, a@b";
  CHECK(address_find_end(s, false) == s + 5);
  s = "<@r:a@b>, c@d";
  CHECK(address_find_end(s, false) == s + 8);
  s = "x <@<a@b>,<c@d>";  /* a later '<' not followed by '@' ends the route */
  CHECK(address_find_end(s, false) == s + 9);
  s = "<@x>:a, b@c";
  CHECK(address_find_end(s, false) == s + 6);
  s = "@x>,a@b";
  CHECK(address_find_end(s, false) == s + 3);
  s = " @r, c@d";
  CHECK(address_find_end(s, false) == s + 3);
}

/* Walk value and return the items joined: address or "!error". */
static const char *walk(const char *value) {
  address_walk w;
  address_item it;
  gstring *g = g_new(64, false);
  address_walk_init(&w, value);
  while (address_walk_next(&w, &it)) {
    if (g->len) g = g_catc(g, '|');
    g = it.address ? g_cat(g, it.address) : g_fmt(g, "!%s", it.error);
    CHECK(it.offset < strlen(value) && strncmp(value + it.offset, it.text, strlen(it.text)) == 0);
  }
  return g_str(g);
}

static void walker(void) {
  CHECK(strcmp(walk("a@b, \"X, Y\" <c@d>,\n\te@f (x, y)"), "a@b|c@d|e@f") == 0);
  CHECK(strcmp(walk("  ,, a@b ,"), "a@b") == 0);
  CHECK(strcmp(walk(""), "") == 0);
  CHECK(strcmp(walk("undisclosed-recipients:;"), "") == 0);
  CHECK(strcmp(walk("Friends: a@b, \"Q\" <c@d>; , e@f"), "a@b|c@d|e@f") == 0);
  CHECK(strcmp(walk("Friends: a@b;"), "a@b") == 0);
  CHECK(strcmp(walk("a@b, x y@z, <c@d"),
               "a@b|!missing or malformed local part (expected word or \"<\")|"
               "!'>' missing at end of address") == 0);
  CHECK(strcmp(walk("a@b; c@d"), "!malformed address: ; c@d may not follow a@b") == 0);
  CHECK(strcmp(walk("<@r1,@r2:a@b>, local"), "a@b|local") == 0);
  /* as exim4 -t and verify = header_syntax (recorded by hand) */
  CHECK(strcmp(walk(" a@b, bad<, e@f\n"), "a@b|!missing or malformed local part") == 0);
  CHECK(strcmp(walk(" (c), a@b\n"), "a@b") == 0);
  CHECK(strcmp(walk(" (x, a@b\n"), "") == 0);
  CHECK(strcmp(walk(" g: a@b; c@d\n"), "a@b") == 0);
  CHECK(strcmp(walk(" G: ; a@b\n"), "") == 0);
  CHECK(strcmp(walk(" g: a@b, c d\n"), "a@b|" EXPECTED_WORD) == 0);
  CHECK(strcmp(walk(" a@b;\n"), "!malformed address: ;\n may not follow a@b") == 0);
  CHECK(strcmp(walk(" a[b, c@d\n"), EXPECTED_WORD "|c@d") == 0);
  CHECK(strcmp(walk(" <a, b>, c@d\n"), "!\"@\" or \".\" expected after \"a\"|c@d") == 0);
  CHECK(strcmp(walk(" x\\, y@z\n"), EXPECTED_WORD) == 0);
  CHECK(strcmp(walk(" g:a@b;,h:c@d;\n"), "a@b|c@d") == 0);
  CHECK(strcmp(walk("a@b,@r x, c@d\n"), "a@b|!no local part") == 0);
  CHECK(strcmp(walk(" :a@b;\n"), "a@b") == 0);
  /* a ';' right after a local part ends the group, even in angle
   * brackets; after a domain there it does not (exim4 ${addresses:}) */
  CHECK(strcmp(walk("g: <a;c@d>, <x@b>;, y@z"),
               "!\"@\" or \".\" expected after \"a\"|!malformed address: ; may not follow <x@b>|y@z") == 0);
  CHECK(strcmp(walk("g: <a@b;c@d>, x@y;, z@w"),
               "!malformed address: ;c@d> may not follow g: <a@b|x@y|z@w") == 0);
  CHECK(strcmp(walk("g:, a@b;"), "a@b") == 0);
  address_walk w;
  address_item it;
  address_walk_init(&w, "x@y,  Name <a@b>");
  CHECK(address_walk_next(&w, &it) && it.offset == 0 && strcmp(it.text, "x@y") == 0 &&
        it.domain == 2);
  CHECK(address_walk_next(&w, &it) && it.offset == 6 && strcmp(it.text, "Name <a@b>") == 0);
  CHECK(it.start == 12 && it.end == 15);
  CHECK(!address_walk_next(&w, &it));
  /* spans for rewriting: an unqualified address in a group */
  const char *v = " g: a (c), Q <x>;\n";
  address_walk_init(&w, v);
  CHECK(address_walk_next(&w, &it) && strcmp(it.address, "a") == 0 && it.start == 4 && it.end == 5);
  CHECK(address_walk_next(&w, &it) && strcmp(it.address, "x") == 0 && it.start == 14 &&
        it.end == 15 && strcmp(it.text, "Q <x>;") == 0);
  CHECK(!address_walk_next(&w, &it));
}

static void helpers(void) {
  CHECK(strcmp(address_qualify("a", "example.org"), "a@example.org") == 0);
  CHECK(strcmp(address_qualify("a@b", "example.org"), "a@b") == 0);
  CHECK(strcmp(address_qualify("\"a@b\"", "x.y"), "\"a@b\"@x.y") == 0);
  char *t = store_get(8, true);
  strcpy(t, "u");
  CHECK(is_tainted(address_qualify(t, "d")));
  CHECK(!is_tainted(address_qualify("u", "d")));

  CHECK(strcmp(xtext_decode("a+2Bb+3D"), "a+b=") == 0);
  CHECK(strcmp(xtext_decode("+41+7e"), "A~") == 0);
  CHECK(strcmp(xtext_decode(""), "") == 0);
  CHECK(xtext_decode("a+2") == NULL);
  CHECK(xtext_decode("a+") == NULL);
  CHECK(xtext_decode("a+G1") == NULL);
  /* as exim4's AUTH= (recorded by hand with -bh) */
  CHECK(strcmp(xtext_decode("x+2by"), "x+y") == 0);
  CHECK(strcmp(xtext_decode("x+00y"), "x") == 0);
  CHECK(strcmp(xtext_decode("x\x7fy"), "x\x7fy") == 0);
  CHECK(strcmp(xtext_decode("x+FFy"), "x\xffy") == 0);
  CHECK(xtext_decode("a b") == NULL);
  CHECK(xtext_decode("x\x01y") == NULL);
  CHECK(xtext_decode("x\xe9y") == NULL);
  CHECK(strcmp(xtext_encode("a+b=c d\x01\xff~"), "a+2Bb+3Dc+20d+01+FF~") == 0);
  CHECK(strcmp(xtext_decode(xtext_encode("x=y +z")), "x=y +z") == 0);
  CHECK(address_is_7bit("a@b.c~"));
  CHECK(!address_is_7bit("\xc3\xa9@b"));
  CHECK(address_is_7bit(""));
}

int main(void) {
  int bad = recorded() + phrases() + walks() + spans();
  offsets();
  find_end();
  walker();
  helpers();
  return unit_done("test_address") || bad;
}
