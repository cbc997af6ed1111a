/* test_cond.c - unit tests for the ${if} simple conditions
 * (src/expand/cond.c, cond_crypt.c): the table, string and numeric
 * comparisons with Exim's integer errors, match, inlist, exists, crypteq,
 * the absent authentication conditions.  Expected values were recorded
 * from exim4 -be. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"
#include "expand/cond.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "unit.h"


/* $value as the expander sees it. */
static const char *value_now(void)
{
  const char *v = expand_string("$value");
  return v ? v : "(expansion failed)";
}

/* Run condition name on args; returns 1 true, 0 false, -1 error (*err). */
static int run(const char *name, int n, const char *a0, const char *a1, const char **err)
{
  const struct expand_cond *c = expand_cond_find(name);
  const char *args[2] = { a0, a1 };
  bool r = false;
  if (!c) { *err = "no such condition"; return -1; }
  if (n < c->min_args || n > c->max_args) { *err = "arg count"; return -1; }
  *err = c->fn(args, n, &r);
  return *err ? -1 : r;
}

static int t2(const char *name, const char *a, const char *b)
{
  const char *err;
  return run(name, 2, a, b, &err);
}

static void check_err(const char *name, const char *a, const char *b, const char *want)
{
  const char *err = NULL;
  int rc = run(name, b ? 2 : 1, a, b, &err);
  if (rc != -1 || !err || strcmp(err, want) != 0) {
    fprintf(stderr, "%s{%s}{%s}: want error '%s', got rc %d '%s'\n", name, a, b ? b : "", want,
            rc, err ? err : "(none)");
    failures++;
  }
}

/* Random arguments through the conditions of this file: each call must
 * return either a result or a non-empty error, never crash (run under ASan
 * by make asan).  Deterministic (fixed seed).  The match_* conditions are
 * left out: a bad regex or lookup type in a list makes the list matcher
 * exit, as Exim does. */
static void random_arguments(void)
{
  static const char alphabet[] = "aAbZ09.:<>!*@^$()[]{}\\/%+-kKmMgG \t\n\xe9\xff,";
  static const char *const pieces[] = { "1.2.3.4", "::1", "fe80::", "/24", "%eth0", "{md5}",
    "{sha1}", "{crypt}", "{crypt16}", "$1$", "+caseful", "<,", "*@", "@@", "(a)", "\\",
    "9223372036854775807", "-9223372036854775808", "8589934592G", "" };
  unsigned seed = 12345;
  size_t ncond = 0;
  const struct expand_cond *all[64];
  static const char *const names[] = { "<", "<=", "=", "==", ">", ">=", "crypteq", "eq", "eqi",
    "exists", "ge", "gei", "gt", "gti", "inlist", "inlisti", "isip", "isip4", "isip6", "le",
    "lei", "lt", "lti", "match" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) all[ncond++] = expand_cond_find(names[i]);

  for (int iter = 0; iter < 20000; iter++) {
    const struct expand_cond *c = all[iter % ncond];
    const char *args[4];
    for (int a = 0; a < c->max_args; a++) {
      gstring *g = g_new(32, (iter & 1) != 0);
      int len = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
      for (int k = 0; k < len; k++) {
        unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
        if (r % 5 == 0)
          g = g_cat(g, pieces[(r / 5) % (sizeof pieces / sizeof pieces[0])]);
        else
          g = g_catc(g, alphabet[(r / 5) % (sizeof alphabet - 1)]);
      }
      args[a] = g_str(g);
    }
    bool r = false;
    const char *err = c->fn(args, c->max_args, &r);
    if (err && !*err) {
      fprintf(stderr, "%s: empty error text\n", c->name);
      failures++;
    }
  }
}

int main(void)
{
  const char *err;
  long long v;

  /* the table: sorted (binary search finds every entry), unknown words */
  static const char *const names[] = { "<", "<=", "=", "==", ">", ">=", "crypteq", "eq", "eqi",
    "exists", "ge", "gei", "gt", "gti", "inlist", "inlisti", "isip", "isip4", "isip6",
    "ldapauth", "le", "lei", "lt", "lti", "match", "match_address", "match_domain",
    "match_ip", "match_local_part", "pam", "pwcheck", "radius", "saslauthd" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const struct expand_cond *c = expand_cond_find(names[i]);
    CHECK(c && strcmp(c->name, names[i]) == 0);
  }
  CHECK(expand_cond_find("ne") == NULL);        /* no "ne" in Exim */
  CHECK(expand_cond_find("foo") == NULL);
  CHECK(expand_cond_find("def") == NULL);       /* structural: the core's */
  CHECK(expand_cond_find("and") == NULL);
  CHECK(expand_cond_find("EQ") == NULL);
  CHECK(expand_cond_find("match_ip")->flags & COND_RHS_LITERAL);
  CHECK(!(expand_cond_find("match")->flags & COND_RHS_LITERAL));
  CHECK(expand_cond_find("isip")->min_args == 1 && expand_cond_find("isip")->max_args == 1);

  /* string comparisons */
  CHECK(t2("eq", "a", "a") == 1 && t2("eq", "a", "b") == 0 && t2("eq", "", "") == 1);
  CHECK(t2("eq", "A", "a") == 0 && t2("eqi", "A", "a") == 1);
  CHECK(t2("lt", "a", "b") == 1 && t2("lt", "2", "10") == 0);
  CHECK(t2("gei", "B", "a") == 1 && t2("ge", "B", "a") == 0);
  CHECK(t2("lei", "abc", "ABC") == 1 && t2("le", "abc", "ABC") == 0);
  CHECK(t2("gt", "", "") == 0 && t2("gti", "b", "A") == 1 && t2("lti", "a", "B") == 1);
  CHECK(t2("gt", "\xe9", "z") == 1);
  /* Exim's caseless compare: a proper prefix compares greater */
  CHECK(t2("lti", "a", "ab") == 0 && t2("gti", "a", "ab") == 1 && t2("gei", "", "0") == 1);
  CHECK(t2("lt", "a", "ab") == 1 && t2("eqi", "a", "ab") == 0 && t2("lei", "", "") == 1);            /* bytes compare unsigned */

  /* numbers */
  CHECK(t2("=", "1", "1") == 1 && t2("==", "1K", "1024") == 1 && t2("=", "1k", "1024") == 1);
  CHECK(t2("=", "5m", "5242880") == 1 && t2("=", "1G", "1073741824") == 1);
  CHECK(t2("=", "", "0") == 1 && t2("=", " ", "0") == 1 && t2("=", " 5 ", "5") == 1);
  CHECK(t2("=", "\t5", "5") == 1 && t2("=", "+5", "5") == 1 && t2("=", "-5", "-5") == 1);
  CHECK(t2("=", "010", "8") == 0 && t2("<", "2", "10") == 1 && t2(">=", "3", "3") == 1);
  CHECK(t2(">", "-1", "-2") == 1 && t2("<=", "1K", "1023") == 0);
  CHECK(t2("=", "9223372036854775807", "1") == 0);
  CHECK(t2("=", "-9223372036854775808", "1") == 0);
  CHECK(t2("=", "8589934591G", "1") == 0 && t2("=", "-8589934592G", "1") == 0);
  check_err("=", "1x", "1", "invalid integer \"1x\"");
  check_err("=", " 1x", "1", "invalid integer \"1x\"");
  check_err("=", "1 K", "1", "invalid integer \"1 K\"");
  check_err("=", "1KK", "1", "invalid integer \"1KK\"");
  check_err("=", "1.5", "1", "invalid integer \"1.5\"");
  check_err("=", "1T", "1", "invalid integer \"1T\"");
  check_err("=", "0x10", "16", "invalid integer \"0x10\"");
  check_err("=", "a", "1", "integer expected but \"a\" found");
  check_err("=", "-", "1", "integer expected but \"-\" found");
  check_err("=", "1", " x", "integer expected but \"x\" found");
  check_err("=", "99999999999999999999", "5",
            "absolute value of integer \"99999999999999999999\" is too large (overflow)");
  check_err("=", "9223372036854775808", "5",
            "absolute value of integer \"9223372036854775808\" is too large (overflow)");
  check_err("=", "8589934592G", "5",
            "absolute value of integer \"8589934592G\" is too large (overflow)");
  check_err("=", "-8589934593G", "5",
            "absolute value of integer \"-8589934593G\" is too large (overflow)");
  CHECK(cond_parse_integer("2M", &v) == NULL && v == 2097152);

  /* match */
  CHECK(t2("match", "abc", "^(a)(b)") == 1);
  CHECK(expand_numeric(0) && strcmp(expand_numeric(0), "ab") == 0);
  CHECK(expand_numeric(1) && strcmp(expand_numeric(1), "a") == 0);
  CHECK(expand_numeric(2) && strcmp(expand_numeric(2), "b") == 0);
  CHECK(expand_numeric(3) == NULL);
  CHECK(t2("match", "xyz", "^(q)") == 0);                /* no match: $1 kept */
  CHECK(expand_numeric(1) && strcmp(expand_numeric(1), "a") == 0);
  CHECK(t2("match", "abc", "^b") == 0 && t2("match", "abc", "B") == 0);
  check_err("match", "abc", "(",
            "regular expression error in \"(\": missing closing parenthesis at offset 1");

  /* inlist: literal items, no regex or negation; $value is the item */
  CHECK(t2("inlist", "b", "a:b:c") == 1);
  CHECK(strcmp(value_now(), "b") == 0);
  CHECK(t2("inlisti", "B", "a:b:c") == 1);
  CHECK(strcmp(value_now(), "b") == 0);
  {
    const char *tl = str_copy_taint("x:y", true);
    const char *args[2] = { "y", tl };
    bool r = false;
    CHECK(expand_cond_find("inlist")->fn(args, 2, &r) == NULL && r);
    CHECK(is_tainted(expand_string("$value")));       /* the list's taint */
  }
  CHECK(t2("inlist", "B", "a:b:c") == 0);
  CHECK(t2("inlist", "abc", "^a") == 0 && t2("inlist", "abc", "a*") == 0);
  CHECK(t2("inlist", "a", "!a") == 0 && t2("inlist", "a", "<;b;a") == 1);
  CHECK(t2("inlist", " abc ", "x: abc :y") == 0 && t2("inlist", "", "x::y") == 0);
  CHECK(t2("inlist", "", "") == 0 && t2("inlist", "a:b", "a::b") == 1);

  /* exists */
  CHECK(run("exists", 1, "/", NULL, &err) == 1);
  CHECK(run("exists", 1, "/nonexistent/file", NULL, &err) == 0);
  CHECK(run("exists", 1, "", NULL, &err) == 0);

  /* isip */
  {
    CHECK(run("isip", 1, "1.2.3.4", NULL, &err) == 1);
    CHECK(run("isip", 1, "999.1.1.1", NULL, &err) == 0);
    CHECK(run("isip", 1, "1.2.3.4/24", NULL, &err) == 0);
    CHECK(run("isip4", 1, "::1", NULL, &err) == 0 && run("isip6", 1, "::1", NULL, &err) == 1);
    CHECK(run("isip6", 1, "fe80::1%eth0", NULL, &err) == 1);
    CHECK(run("isip6", 1, "fe80::1%eth0/64", NULL, &err) == 0);
    CHECK(run("isip4", 1, "1.2.3.4", NULL, &err) == 1 && run("isip", 1, "abc", NULL, &err) == 0);
  }

  /* crypteq */
  CHECK(t2("crypteq", "test", "{md5}CY9rzUYh03PK3k6DJie09g==") == 1);
  CHECK(t2("crypteq", "test", "{MD5}098F6BCD4621D373CADE4E832627B4F6") == 1);
  CHECK(t2("crypteq", "test", "{md5}098f6bcd4621d373cade4e832627b4f6") == 1);
  CHECK(t2("crypteq", "test", "{md5}cy9rzUYh03PK3k6DJie09g==") == 0);
  CHECK(t2("crypteq", "test", "{sha1}qUqP5cyxm6YcTAhz05Hph5gvu9M=") == 1);
  CHECK(t2("crypteq", "test", "{SHA1}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3") == 1);
  CHECK(t2("crypteq", "test", "{sha1}A94A8FE5CCB19BA61C4C0873D391E987982FBBD3") == 1);
  CHECK(t2("crypteq", "secret", "abNANd1rDfiNc") == 1);
  CHECK(t2("crypteq", "secret", "{crypt}abNANd1rDfiNc") == 1);
  CHECK(t2("crypteq", "secrets", "abNANd1rDfiNc") == 0);
  CHECK(t2("crypteq", "secret", "{crypt}$1$salt$ez2vlPGdaLYkJam5pWs/Y1") == 1);
  CHECK(t2("crypteq", "secret", "{crypt16}abNANd1rDfiNc") == 1);
  CHECK(t2("crypteq", "secretpassword12", "{crypt16}abSsy3GvmHpeQiSZA.lw9pZw") == 1);
  CHECK(t2("crypteq", "secret", "{crypt16}abSsy3GvmHpeQiSZA.lw9pZw") == 0);
  CHECK(t2("crypteq", "secretpa", "{crypt16}abSsy3GvmHpeQ") == 1);
  CHECK(t2("crypteq", "secretpassword12", "{crypt16}abSsy3GvmHpeQ") == 0);
  CHECK(t2("crypteq", "secret", "") == 0 && t2("crypteq", "", "") == 0);
  CHECK(t2("crypteq", "secret", "{md5}") == 0 && t2("crypteq", "secret", "a") == 0);
  check_err("crypteq", "secret", "{foo}abc", "unknown encryption mechanism in \"{foo}abc\"");
  check_err("crypteq", "secret", "{md5", "unknown encryption mechanism in \"{md5\"");

  /* list conditions: the list is used as given (no expansion) */
  CHECK(t2("match_domain", "a.b", "x:*.b") == 1 && strcmp(value_now(), "*.b") == 0);
  CHECK(t2("match_domain", "x", "$primary_hostname") == 0);
  CHECK(t2("match_local_part", "X", "x") == 1);
  CHECK(t2("match_address", "X@A.B", "x@a.b") == 1);
  CHECK(t2("match_ip", "1.2.3.4", "1.2.3.0/24") == 1 && t2("match_ip", "", ":1.2.3.4") == 1);
  CHECK(t2("match_ip", "1.2.3.4", "<; ::1") == 0);
  check_err("match_ip", "abc", "*", "\"abc\" is not an IP address");
  check_err("match_ip", "1.2.3.4/24", "*", "\"1.2.3.4/24\" is not an IP address");

  /* not in this build */
  check_err("radius", "a", NULL, "support for \"radius\" not compiled");
  check_err("pwcheck", "a:b", NULL, "support for \"pwcheck\" not compiled");
  check_err("pam", "a:b", NULL, "support for \"pam\" not compiled");

  random_arguments();

  if (failures) fprintf(stderr, "test_cond: %d failure(s)\n", failures);
  return failures != 0;
}
