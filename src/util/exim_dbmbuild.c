/* exim_dbmbuild.c - the exim_dbmbuild utility (spec 54.9): reads a file in
 * lsearch format (or "-" for the standard input) and writes a Berkeley DB
 * (DB_HASH) file for the dbm lookups, under "<output>.dbmbuild_temp" first
 * and renamed into place when all went well.
 *
 * Usage: exim_dbmbuild [-nolc] [-nowarn] [-noduperr] [-lastdup] [-nozero]
 *        <source file> <dbm file>
 *   -nolc      keep the case of keys (default: lower-cased)
 *   -nowarn    do not list duplicate keys on stderr
 *   -noduperr  duplicates do not make the exit code 1
 *   -lastdup   the last of a set of duplicates wins (default: the first)
 *   -nozero    no terminating zero in keys and data (for dbmnz)
 * Messages and exit codes as Exim's: counts on stdout ("N entries
 * written", "N duplicate keys "), "** Duplicate key" lines on stderr, exit
 * 1 on any error or (without -noduperr) on duplicates.
 *
 * Built without LOOKUP_DBM it only reports that it cannot work.
 *
 * Never: write over the output file unless the whole input was read and
 * stored.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <db.h>

#include "base/str.h"

/* Berkeley DB is linked only when the build has the dbm lookups
 * (LOOKUP_DBM); without it this program says so and stops. */
#pragma weak db_create
#pragma weak db_strerror

static bool opt_nolc, opt_nowarn, opt_noduperr, opt_lastdup, opt_nozero;
static DB *out_db;
static int entries, dups;

static void usage(void) {
  printf("usage: exim_dbmbuild [-nolc] <source file> <dbm base name>\n");
}

/* Read one line with its newline (if any) into a fresh gstring; NULL at
 * end of input. */
static gstring *read_line(FILE *f) {
  gstring *g = NULL;
  int c;
  while ((c = getc(f)) != EOF) {
    g = g_catc(g, (char)c);
    if (c == '\n') break;
  }
  if (g) g_str(g);
  return g;
}

/* Backslash escapes inside a quoted key (spec 6.17). */
static const char *escape(const char *p, gstring **g) {
  if (*p) *g = g_catc(*g, (char)str_escape(&p));
  return p;
}

/* Store one record; false on a database error. */
static bool store_record(const char *key, size_t klen, const char *data, size_t dlen) {
  DBT k, d;
  memset(&k, 0, sizeof k);
  memset(&d, 0, sizeof d);
  k.data = (void *)key;
  k.size = (u_int32_t)(klen + (opt_nozero ? 0 : 1));
  d.data = (void *)data;
  d.size = (u_int32_t)(dlen + (opt_nozero ? 0 : 1));
  int rc = out_db->put(out_db, NULL, &k, &d, DB_NOOVERWRITE);
  if (rc == DB_KEYEXIST) {
    dups++;
    if (!opt_nowarn) fprintf(stderr, "** Duplicate key \"%s\"\n", key);
    if (opt_lastdup) rc = out_db->put(out_db, NULL, &k, &d, 0);
    else rc = 0;
    return rc == 0;
  }
  if (rc != 0) {
    printf("exim_dbmbuild: failed to write: %s\n", db_strerror(rc));
    return false;
  }
  entries++;
  return true;
}

static void rtrim(gstring *g) {
  while (g->len && isspace(uc(g->s[g->len - 1]))) g->len--;
  g->s[g->len] = 0;
}

int main(int argc, char **argv) {
  int arg = 1;
  for (; arg < argc && argv[arg][0] == '-' && argv[arg][1]; arg++) {
    const char *o = argv[arg];
    if (strcmp(o, "-nolc") == 0) opt_nolc = true;
    else if (strcmp(o, "-nowarn") == 0) opt_nowarn = true;
    else if (strcmp(o, "-noduperr") == 0) opt_noduperr = true;
    else if (strcmp(o, "-lastdup") == 0) opt_lastdup = true;
    else if (strcmp(o, "-nozero") == 0) opt_nozero = true;
    else { usage(); return 1; }
  }
  if (argc - arg != 2) { usage(); return 1; }
  const char *in_name = argv[arg], *out_name = argv[arg + 1];

  if (!db_create) {
    printf("exim_dbmbuild: this build has no Berkeley DB (LOOKUP_DBM=yes is needed)\n");
    return 1;
  }

  FILE *in = stdin;
  if (strcmp(in_name, "-") != 0 && !(in = fopen(in_name, "r"))) {
    printf("exim_dbmbuild: unable to open %s: %s\n", in_name, strerror(errno));
    return 1;
  }
  if (strcmp(in_name, out_name) == 0) {
    printf("exim_dbmbuild: input and output filenames are the same\n");
    return 1;
  }

  const char *temp = str_sprintf("%s.dbmbuild_temp", out_name);
  unlink(temp);
  int rc = db_create(&out_db, NULL, 0);
  if (rc == 0) rc = out_db->open(out_db, NULL, temp, NULL, DB_HASH, DB_CREATE | DB_EXCL, 0644);
  if (rc != 0) {
    printf("exim_dbmbuild: unable to create %s: %s\n", temp, rc > 0 ? strerror(rc) : db_strerror(rc));
    return 1;
  }

  gstring *key = NULL, *data = NULL;
  gstring *line;
  bool ok = true;
  while (ok && (line = read_line(in))) {
    const char *s = line->s;
    if (*s == '#' || *s == '\n') continue;
    if (isspace(uc(*s))) {
      while (isspace(uc(*s))) s++;
      if (!*s) continue;
      if (!key) {
        printf("Unexpected continuation line ignored\n%s\n", line->s);
        continue;
      }
      gstring *t = g_cat(NULL, s);
      rtrim(t);
      data = g_catc(data, ' ');
      data = g_catn(data, t->s, t->len);
      continue;
    }
    /* a new key: store the previous record */
    if (key) {
      rtrim(data);
      ok = store_record(key->s, key->len, data->s, data->len);
    }
    key = g_new(64, false);
    if (*s == '"') {
      s++;
      while (*s && *s != '"' && *s != '\n') {
        if (*s == '\\') s = escape(s + 1, &key);
        else key = g_catc(key, *s++);
      }
      if (*s == '"') s++;
    } else {
      while (*s && *s != ':' && !isspace(uc(*s))) key = g_catc(key, *s++);
    }
    g_str(key);
    if (!opt_nolc)
      for (size_t i = 0; i < key->len; i++) key->s[i] = (char)tolower(uc(key->s[i]));
    while (isspace(uc(*s)) && *s != '\n') s++;
    if (*s == ':') s++;
    while (isspace(uc(*s))) s++;
    data = g_cat(g_new(128, false), s);
    rtrim(data);
  }
  if (ok && key) {
    rtrim(data);
    ok = store_record(key->s, key->len, data->s, data->len);
  }
  out_db->close(out_db, 0);
  if (in != stdin) fclose(in);

  if (!ok) {
    unlink(temp);
    return 1;
  }
  printf("%d entr%s written\n", entries, entries == 1 ? "y" : "ies");
  if (dups > 0) printf("%d duplicate key%s \n", dups, dups == 1 ? "" : "s");

  if (rename(temp, out_name) != 0) {
    printf("Unable to rename %s as %s\n", temp, out_name);
    return 1;
  }
  return dups > 0 && !opt_noduperr ? 1 : 0;
}
