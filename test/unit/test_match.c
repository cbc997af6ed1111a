/* test_match.c - unit tests for list matching (src/expand/match*.c, spec
 * chapter 10) with literal lists: domains, local parts, addresses, hosts,
 * plain string lists, named lists and their cache, files of items, lookup
 * items on lsearch files.  Expected answers were checked against exim4
 * (see test/expected/expand/lists_unit.txt for the recorded ${if} forms). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/readconf.h"
#include "expand/match.h"
#include "unit.h"


static char dir[] = "/tmp/test_match.XXXXXX";

static const char *write_file(const char *name, const char *text) {
  const char *path = str_sprintf("%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) { perror(path); exit(1); }
  fputs(text, f);
  fclose(f);
  return path;
}

static const char *data;
static const char *err;

static int dom(const char *d, const char *list) {
  data = err = NULL;
  return match_domain_list(d, list, &data, &err);
}
static int lp(const char *l, const char *list, bool caseless) {
  data = err = NULL;
  return match_localpart_list(l, list, caseless, &data, &err);
}
static int addr(const char *a, const char *list) {
  data = err = NULL;
  return match_address_list(a, list, true, &data, &err);
}
static int ip(const char *a, const char *list) {
  data = err = NULL;
  return match_list_check(MATCH_LIST_IP, a, NULL, list, MATCH_F_NOEXPAND, &data, &err);
}
static int host(const char *name, const char *a, const char *list) {
  data = err = NULL;
  return match_host_list(name, a, list, &err);
}
static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Case mode for test/black/test_lists.py: run one recorded case the way
 * the ${if} condition of that name calls the matcher, print "Y:value",
 * "N" or "D:error" (what exim -be shows as "Failed: ..."). */
static int run_case(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: test_match --case CONFIG KIND SUBJECT LIST\n");
    return 2;
  }
  readconf_args a = {.file_list = argv[2]};
  readconf_load(&a);
  const char *kind = argv[3];
  match_list_type t;
  unsigned flags = MATCH_F_NOEXPAND;
  if (strcmp(kind, "match_domain") == 0) t = MATCH_LIST_DOMAIN;
  else if (strcmp(kind, "match_local_part") == 0) t = MATCH_LIST_LOCALPART, flags |= MATCH_F_CASELESS;
  else if (strcmp(kind, "match_address") == 0) t = MATCH_LIST_ADDRESS, flags |= MATCH_F_CASELESS;
  else if (strcmp(kind, "match_ip") == 0) t = MATCH_LIST_IP;
  else if (strcmp(kind, "inlist") == 0) t = MATCH_LIST_STRING;
  else if (strcmp(kind, "inlisti") == 0) t = MATCH_LIST_STRING, flags |= MATCH_F_CASELESS;
  else {
    fprintf(stderr, "unknown kind %s\n", kind);
    return 2;
  }
  match_rc rc = match_list_check(t, argv[4], NULL, argv[5], flags, &data, &err);
  fflush(stderr);
  if (rc == MATCH_YES) printf("Y:%s\n", data ? data : "");
  else if (rc == MATCH_NO) printf("N\n");
  else printf("D:%s\n", err ? err : "");
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--case") == 0) return run_case(argc, argv);
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
  const char *doms = write_file("doms", "x.example\nfoo.b.example: data1\n*.pb.example: pdata\n");
  write_file("lps", "a.example: postmaster : *-x : >*\n*: ^\\d{3}$\n");
  write_file("nets", "10.1.2.0/24: net\n192.168.1.1: one\n");
  write_file("items", "# comment\n!bad.b.example   # not this one\n*.b.example\n\n");
  write_file("lpitems", "not#comment  # but this is\n");
  const char *conf = write_file(
      "exim.conf",
      "primary_hostname = my.host.example\n"
      "domainlist dl = a.example : *.b.example : !c.example\n"
      "domainlist dlneg = !a.b\n"
      "domainlist dl2 = +dl : z.example\n"
      "hostlist hl = 10.0.0.0/8 : 192.168.1.1\n"
      "addresslist al = *@a.example : ^b.*@x[.]y : joe@+dl\n"
      "localpartlist ll = postmaster : ^ab.* : *-list\n");
  readconf_args a = {.file_list = conf};
  readconf_load(&a);

  /* domain lists */
  CHECK(dom("a.example", "+dl") == MATCH_YES && is(data, "a.example"));
  CHECK(dom("c.example", "+dl") == MATCH_NO);
  CHECK(dom("x.b.example", "+dl") == MATCH_YES && is(data, "*.b.example"));
  CHECK(dom("c.example", "+dl2") == MATCH_NO);
  CHECK(dom("z.example", "+dl2") == MATCH_YES);
  CHECK(dom("x.y", "+dlneg") == MATCH_YES && data == NULL);
  CHECK(dom("a.b", "+dlneg") == MATCH_NO);
  CHECK(dom("A.Example", "+dl") == MATCH_YES);
  CHECK(dom("a.example", "+dl") == MATCH_YES);    /* cached the second time */
  match_cache_reset();
  CHECK(dom("a.example", "+dl") == MATCH_YES && is(data, "a.example"));
  CHECK(dom("donkey.ex", "*key.ex") == MATCH_YES && is(data, "*key.ex"));
  CHECK(dom("ABC.ex", "^a(b)c[.]ex") == MATCH_YES && is(data, "^a(b)c[.]ex"));
  CHECK(dom("ABC.ex", "(?-i)^a(b)c[.]ex") == MATCH_NO);
  data = NULL;
  CHECK(match_list_check(MATCH_LIST_DOMAIN, "ABC.ex", NULL, "^a(b)c\\.ex$", MATCH_F_NOEXPAND,
                         &data, &err) == MATCH_YES && is(data, "^a(b)c\\.ex$"));
  CHECK(dom("my.host.example", "@") == MATCH_YES && is(data, "my.host.example"));
  CHECK(dom("[127.0.0.1]", "@[]") == MATCH_YES && is(data, "@[]"));
  CHECK(dom("[192.0.2.99]", "@[]") == MATCH_NO);
  CHECK(dom("x.y", "+nosuch") == MATCH_DEFER && is(err, "unknown named domain list \"+nosuch\""));
  CHECK(dom("x.y", "@mx_any") == MATCH_DEFER && err && strstr(err, "DNS"));
  CHECK(dom("x.y", "") == MATCH_NO);
  CHECK(dom("", ":") == MATCH_YES);
  CHECK(dom("x.y", "!a.b") == MATCH_YES);
  CHECK(dom("x.y", "! a.b : ! c.d") == MATCH_YES);
  CHECK(dom("x.y", "a.b : !c.d : e.f") == MATCH_NO);
  CHECK(dom("B.example", "<; a.example ; b.example") == MATCH_YES);
  CHECK(dom("foo.b.example", str_sprintf("lsearch;%s", doms)) == MATCH_YES && is(data, "data1"));
  CHECK(dom("x.example", str_sprintf("lsearch;%s", doms)) == MATCH_YES && is(data, ""));
  CHECK(dom("nope.example", str_sprintf("lsearch;%s", doms)) == MATCH_NO);
  CHECK(dom("bar.foo.pb.example", str_sprintf("partial-lsearch;%s", doms)) == MATCH_YES &&
        is(data, "pdata"));
  const char *items = str_sprintf("%s/items", dir);
  CHECK(dom("x.b.example", items) == MATCH_YES);
  CHECK(dom("bad.b.example", items) == MATCH_NO);
  CHECK(dom("bad.b.example", str_sprintf("!%s", items)) == MATCH_YES);
  CHECK(dom("x.b.example", str_sprintf("!%s", items)) == MATCH_NO);

  /* local part lists */
  CHECK(lp("postmaster", "+ll", true) == MATCH_YES && is(data, "postmaster"));
  CHECK(lp("PostMaster", "+ll", true) == MATCH_YES);
  CHECK(lp("PostMaster", "+caseful : postmaster", true) == MATCH_NO);
  CHECK(lp("PostMaster", "+caseful : PostMaster", true) == MATCH_YES);
  CHECK(lp("PostMaster", "postmaster", false) == MATCH_NO);
  CHECK(lp("abc", "+ll", true) == MATCH_YES && is(data, "^ab.*"));
  CHECK(lp("foo-list", "+ll", true) == MATCH_YES && is(data, "*-list"));
  CHECK(lp("my.host.example", "@", true) == MATCH_NO);
  CHECK(lp("not#comment", str_sprintf("%s/lpitems", dir), true) == MATCH_YES);

  /* address lists */
  CHECK(addr("x@a.example", "+al") == MATCH_YES && is(data, "*@a.example"));
  CHECK(addr("bob@x.y", "+al") == MATCH_YES && is(data, "*@a@"));
  CHECK(addr("joe@x.b.example", "+al") == MATCH_YES);
  CHECK(addr("jim@x.b.example", "+al") == MATCH_NO);
  CHECK(addr("", ":") == MATCH_YES);
  CHECK(addr("", "a@b") == MATCH_NO);
  CHECK(addr("x@Enemy.Domain", "enemy.domain") == MATCH_YES && is(data, "@enemy.domain"));
  CHECK(addr("x@a.enemy.domain", "*.enemy.domain") == MATCH_YES);
  CHECK(addr("Joe@X.Y", "joe@x.y") == MATCH_YES);
  CHECK(addr("Joe@X.Y", "+caseful : joe@x.y") == MATCH_NO);
  CHECK(addr("Joe@X.Y", "+caseful : Joe@x.y") == MATCH_YES);
  CHECK(addr("foo-x@a.example", str_sprintf("@@lsearch;%s/lps", dir)) == MATCH_YES);
  CHECK(addr("postmaster@a.example", str_sprintf("@@lsearch;%s/lps", dir)) == MATCH_YES);
  CHECK(addr("123@a.example", str_sprintf("@@lsearch*;%s/lps", dir)) == MATCH_YES);
  CHECK(addr("bob@a.example", str_sprintf("@@lsearch*;%s/lps", dir)) == MATCH_NO);
  CHECK(addr("x@foo.b.example", str_sprintf("*@lsearch;%s", doms)) == MATCH_YES);
  CHECK(addr("x@my.host.example", "*@@") == MATCH_YES);

  /* ip (match_ip) and host lists */
  CHECK(ip("1.2.3.4", "localhost:1.2.3.0/24") == MATCH_NO);     /* name: unknown */
  CHECK(ip("1.2.3.4", "+ignore_unknown:localhost:1.2.3.0/24") == MATCH_YES);
  CHECK(ip("127.0.0.1", "localhost") == MATCH_NO);
  CHECK(ip("1.2.3.4", "*.foo") == MATCH_NO);
  CHECK(ip("::ffff:1.2.3.4", "1.2.3.4") == MATCH_YES);
  CHECK(ip("1.2.3.4", "<; ::1 ; 1.2.0.0/16") == MATCH_YES);
  CHECK(ip("2001:db8::1", "<; 2001:db8::/32") == MATCH_YES);
  CHECK(ip("2001:db9::1", "<; 2001:db8::/32") == MATCH_NO);
  CHECK(ip("", ":1.2.3.4") == MATCH_YES);
  CHECK(ip("1.2.3.4", "!1.2.3.4") == MATCH_NO);
  CHECK(ip("5.2.3.4", "!1.2.3.4") == MATCH_YES);
  CHECK(ip("1.2.3.4", "+hl") == MATCH_NO);
  CHECK(ip("10.9.9.9", "+hl") == MATCH_YES);
  CHECK(ip("127.0.0.1", "@[]") == MATCH_YES);
  CHECK(ip("1.2.3.4", "*") == MATCH_YES);
  CHECK(ip("10.1.2.7", str_sprintf("net24-lsearch;%s/nets", dir)) == MATCH_YES && is(data, "net"));
  CHECK(ip("192.168.1.1", str_sprintf("lsearch;%s/nets", dir)) == MATCH_YES && is(data, "one"));
  CHECK(host("mail.friend.example", "192.0.2.1", "*.friend.example") == MATCH_YES);
  CHECK(host("", "192.0.2.1", "*.friend.example") == MATCH_NO);
  CHECK(host("", "192.0.2.1", "+include_unknown : *.friend.example") == MATCH_YES);
  CHECK(host("", "192.0.2.1", "+ignore_unknown : *.friend.example : 192.0.2.1") == MATCH_YES);
  CHECK(host(NULL, "192.0.2.1", "*.friend.example") == MATCH_DEFER && err && strstr(err, "needs the host name"));
  CHECK(host(NULL, "127.0.0.1", "localhost") == MATCH_YES);
  CHECK(host(NULL, "", ":") == MATCH_YES);
  CHECK(host(NULL, "1.2.3.4", "") == MATCH_NO);

  /* host lists: lookups keyed by name need the name */
  CHECK(host("foo.b.example", "192.0.2.1", str_sprintf("lsearch;%s", doms)) == MATCH_YES);
  CHECK(host("", "192.0.2.1", str_sprintf("lsearch;%s", doms)) == MATCH_NO);
  CHECK(host(NULL, "192.0.2.1", str_sprintf("lsearch;%s", doms)) == MATCH_DEFER);
  CHECK(host(NULL, "192.0.2.1", str_sprintf("+ignore_defer : lsearch;%s : 192.0.2.1", doms)) ==
        MATCH_YES);
  CHECK(host(NULL, "192.0.2.1", str_sprintf("+include_defer : lsearch;%s", doms)) == MATCH_YES);
  CHECK(host("Mail.Friend.Example", "192.0.2.1", "^mail[.]friend") == MATCH_YES);
  CHECK(host("mail.friend.example", "192.0.2.1", "!*.friend.example : *") == MATCH_NO);
  CHECK(host("x", "192.0.2.1", "+hl") == MATCH_NO);
  CHECK(host("x", "10.1.1.1", "+hl") == MATCH_YES);
  data = NULL;
  CHECK(match_list_check(MATCH_LIST_HOST, "10.1.2.3", "x", str_sprintf("net24-lsearch;%s/nets", dir),
                         0, &data, &err) == MATCH_YES && is(data, "net"));

  /* taint: a value from a tainted list is tainted; literal ones are not */
  {
    char *tl = store_get(32, true);
    strcpy(tl, "*@x.y");
    CHECK(addr("joe@x.y", tl) == MATCH_YES && data && is_tainted(data));
    CHECK(addr("joe@x.y", "*@x.y") == MATCH_YES && data && !is_tainted(data));
    strcpy(tl, "a.example");
    CHECK(dom("a.example", tl) == MATCH_YES && data && is_tainted(data));
    CHECK(dom("x.example", str_sprintf("lsearch;%s", doms)) == MATCH_YES && !is_tainted(data));
  }

  /* plain string lists (inlist) */
  CHECK(match_string_list("abc", "^a.*", false, &err) == MATCH_NO);
  CHECK(match_string_list("ABC", "x:abc", false, &err) == MATCH_NO);
  CHECK(match_string_list("ABC", "x:abc", true, &err) == MATCH_YES);
  CHECK(match_string_list("a", "+dl", false, &err) == MATCH_NO);
  CHECK(match_list_check(MATCH_LIST_STRING, "ABC", NULL, "x:abc", MATCH_F_CASELESS, &data, &err) ==
            MATCH_YES && is(data, "abc"));

  /* Robustness: random lists and subjects from characters that cannot
   * name a file, a lookup or a regex (those die on errors, as in exim4)
   * never crash and always give one of the three answers. */
  {
    static const char alphabet[] = "ab.*!@:+<; [],|0123456789:::.fe/";
    unsigned long seed = 12345;
    for (int i = 0; i < 20000; i++) {
      char lbuf[40], sbuf[16];
      int ln = 0, sn = 0;
      seed = seed * 6364136223846793005UL + 1442695040888963407UL;
      int llen = (int)((seed >> 33) % 39), slen = (int)((seed >> 20) % 15);
      for (int k = 0; k < llen; k++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        char ch = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        if (ch == '/' || ch == ';') ch = '.';
        lbuf[ln++] = ch;
      }
      lbuf[ln] = 0;
      for (int k = 0; k < slen; k++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        sbuf[sn++] = alphabet[(seed >> 33) % 16];
      }
      sbuf[sn] = 0;
      for (int t = MATCH_LIST_DOMAIN; t <= MATCH_LIST_STRING; t++) {
        if (t == MATCH_LIST_HOST) continue;     /* would ask the resolver about names */
        match_rc rc = match_list_check((match_list_type)t, sbuf, NULL,
                                       lbuf, MATCH_F_NOEXPAND | MATCH_F_CASELESS, &data, &err);
        CHECK(rc == MATCH_YES || rc == MATCH_NO || rc == MATCH_DEFER);
      }
    }
  }

  if (failures) fprintf(stderr, "test_match: %d failures\n", failures);
  return failures != 0;
}
