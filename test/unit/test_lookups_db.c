/* test_lookups_db.c - unit tests of the cdb, dbm/dbmnz/dbmjz, dsearch and
 * lmdb lookups through lookup_search().  Fixtures are written here (a cdb
 * writer of the format, Berkeley DB DB_HASH as exim_dbmbuild writes,
 * liblmdb); expected values were recorded from exim4 -be on the same data
 * (lmdb: Debian's exim4 has no lmdb, so those follow the seed's rules). */
#include <db.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/str.h"
#include "lookups/lookup.h"

static int failures;
static char dir[64];

static const char *path(const char *name) { return str_sprintf("%s/%s", dir, name); }

static const char *run(const char *type, const char *file, const char *key) {
  lookup_spec spec;
  const char *err = lookup_spec_parse(type, strlen(type), &spec);
  if (err) return str_sprintf("Failed: %s", err);
  lookup_hit hit;
  lookup_rc rc = lookup_search(&spec, path(file), key, &hit, &err);
  if (rc == LOOKUP_NOTFOUND) return "NOTFOUND";
  if (rc == LOOKUP_DEFER) return str_sprintf("DEFER: %s", err);
  return str_sprintf("[%s]", hit.value);
}

static void expect(const char *type, const char *file, const char *key, const char *want) {
  const char *got = run(type, file, key);
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "lookup{%s}%s{%s}: got \"%s\", want \"%s\"\n", key, type, file, got, want);
    failures++;
  }
}

/* ---- a cdb writer ---- */
static void put32(FILE *f, uint32_t v) {
  unsigned char b[4] = {v & 255, (v >> 8) & 255, (v >> 16) & 255, v >> 24};
  fwrite(b, 1, 4, f);
}

static uint32_t cdb_hash(const char *k) {
  uint32_t h = 5381;
  for (; *k; k++) h = ((h << 5) + h) ^ (unsigned char)*k;
  return h;
}

static void write_cdb(const char *name, const char *const *kv, int n) {
  FILE *f = fopen(path(name), "wb");
  uint32_t pos = 2048, hashes[64], recpos[64];
  fseek(f, 2048, SEEK_SET);
  for (int i = 0; i < n; i++) {
    hashes[i] = cdb_hash(kv[2 * i]);
    recpos[i] = pos;
    put32(f, (uint32_t)strlen(kv[2 * i]));
    put32(f, (uint32_t)strlen(kv[2 * i + 1]));
    fputs(kv[2 * i], f);
    fputs(kv[2 * i + 1], f);
    pos += 8 + (uint32_t)(strlen(kv[2 * i]) + strlen(kv[2 * i + 1]));
  }
  uint32_t hdr[512];
  for (int t = 0; t < 256; t++) {
    int cnt = 0;
    for (int i = 0; i < n; i++) if ((hashes[i] & 255) == (uint32_t)t) cnt++;
    uint32_t len = (uint32_t)cnt * 2, sh[128] = {0}, sp[128] = {0};
    for (int i = 0; i < n; i++) {
      if ((hashes[i] & 255) != (uint32_t)t) continue;
      uint32_t s = (hashes[i] >> 8) % len;
      while (sp[s]) s = (s + 1) % len;
      sh[s] = hashes[i];
      sp[s] = recpos[i];
    }
    hdr[2 * t] = pos;
    hdr[2 * t + 1] = len;
    for (uint32_t s = 0; s < len; s++) { put32(f, sh[s]); put32(f, sp[s]); }
    pos += len * 8;
  }
  fseek(f, 0, SEEK_SET);
  for (int i = 0; i < 512; i++) put32(f, hdr[i]);
  fclose(f);
}

/* ---- a Berkeley DB hash file, keys/data as given (lengths explicit) ---- */
static void write_db(const char *name, const char *const *kv, int n, bool zero) {
  DB *db;
  db_create(&db, NULL, 0);
  db->open(db, NULL, path(name), NULL, DB_HASH, DB_CREATE | DB_TRUNCATE, 0644);
  for (int i = 0; i < n; i++) {
    DBT k = {0}, d = {0};
    k.data = (void *)kv[2 * i];
    k.size = (u_int32_t)(strlen(kv[2 * i]) + zero);
    d.data = (void *)kv[2 * i + 1];
    d.size = (u_int32_t)(strlen(kv[2 * i + 1]) + zero);
    db->put(db, NULL, &k, &d, 0);
  }
  db->close(db, 0);
}

static void write_lmdb(const char *name, const char *const *kv, int n) {
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  mdb_env_create(&env);
  if (mdb_env_open(env, path(name), MDB_NOSUBDIR, 0644)) { fprintf(stderr, "lmdb create\n"); exit(2); }
  mdb_txn_begin(env, NULL, 0, &txn);
  mdb_dbi_open(txn, NULL, 0, &dbi);
  for (int i = 0; i < n; i++) {
    MDB_val k = {strlen(kv[2 * i]), (void *)kv[2 * i]}, d = {strlen(kv[2 * i + 1]), (void *)kv[2 * i + 1]};
    mdb_put(txn, dbi, &k, &d, 0);
  }
  mdb_txn_commit(txn);
  mdb_env_close(env);
}

int main(void) {
  strcpy(dir, "/tmp/test_lookups_db.XXXXXX");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }

  /* cdb */
  static const char *const ckv[] = {"alpha", "one", "beta", "two words", "Alpha", "upper",
                                    "*", "star", "*@example.com", "atdom", "*.fict.example", "pw",
                                    "dup", "first", "dup", "second", "empty", ""};
  write_cdb("c1.cdb", ckv, 9);
  expect("cdb", "c1.cdb", "alpha", "[one]");
  expect("cdb", "c1.cdb", "Alpha", "[upper]");
  expect("cdb", "c1.cdb", "ALPHA", "NOTFOUND");
  expect("cdb", "c1.cdb", "beta", "[two words]");
  expect("cdb", "c1.cdb", "dup", "[first]");
  expect("cdb", "c1.cdb", "empty", "[]");
  expect("cdb", "c1.cdb", "nosuch", "NOTFOUND");
  expect("cdb*", "c1.cdb", "nosuch", "[star]");
  expect("cdb*@", "c1.cdb", "u@example.com", "[atdom]");
  expect("partial-cdb", "c1.cdb", "a.fict.example", "[pw]");
  expect("cdb,ret=key", "c1.cdb", "alpha", "[alpha]");
  expect("cdb", "nonexist.cdb", "alpha",
         str_sprintf("DEFER: failed to open %s for cdb lookup: No such file or directory",
                     path("nonexist.cdb")));
  FILE *f = fopen(path("bad.cdb"), "w");
  fputs("garbage\n", f);
  fclose(f);
  expect("cdb", "bad.cdb", "alpha",
         str_sprintf("DEFER: failed to open %s too short for cdb lookup: No such file or directory",
                     path("bad.cdb")));
  mkdir(path("dd"), 0755);
  expect("cdb", "dd", "alpha",
         str_sprintf("DEFER: failed to open cannot read header from %s for cdb lookup: Is a directory",
                     path("dd")));

  /* damaged cdb files: positions and lengths pointing anywhere must give
   * NOTFOUND or a deferral, never a read outside the file */
  {
    uint32_t seed = 12345;
    for (int round = 0; round < 200; round++) {
      const char *n = str_sprintf("rand%d.cdb", round);
      FILE *rf = fopen(path(n), "wb");
      size_t len = 2048 + (size_t)(round * 37 % 3000);
      for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned char b = (unsigned char)(seed >> 16);
        /* keep some positions small so that probes land inside the file */
        if (round % 2 && (i % 8) >= 2 && (i % 8) < 4) b = 0;
        fputc(b, rf);
      }
      fclose(rf);
      static const char *const keys[] = {"alpha", "a", "", "zzzzzzzz", "key"};
      for (int k = 0; k < 5; k++) {
        lookup_spec spec;
        lookup_hit hit;
        const char *err;
        lookup_spec_parse("cdb", 3, &spec);
        lookup_rc rc = lookup_search(&spec, path(n), keys[k], &hit, &err);
        if (rc != LOOKUP_FOUND && rc != LOOKUP_NOTFOUND && rc != LOOKUP_DEFER) failures++;
      }
    }
  }

  /* dsearch */
  mkdir(path("dd/sub"), 0755);
  fclose(fopen(path("dd/file1"), "w"));
  symlink("file1", path("dd/link1"));
  expect("dsearch", "dd", "file1", "[file1]");
  expect("dsearch", "dd", "FILE1", "NOTFOUND");
  expect("dsearch", "dd", "sub", "[sub]");
  expect("dsearch,ret=full", "dd", "file1", str_sprintf("[%s/file1]", path("dd")));
  expect("dsearch,filter=file", "dd", "file1", "[file1]");
  expect("dsearch,filter=file", "dd", "sub", "NOTFOUND");
  expect("dsearch,filter=dir", "dd", "sub", "[sub]");
  expect("dsearch,filter=dir", "dd", ".", "[.]");
  expect("dsearch,filter=subdir", "dd", ".", "NOTFOUND");
  expect("dsearch,filter=subdir", "dd", "..", "NOTFOUND");
  expect("dsearch,filter=subdir", "dd", "sub", "[sub]");
  expect("dsearch,filter=file", "dd", "link1", "NOTFOUND");
  expect("dsearch", "dd", "link1", "[link1]");
  expect("dsearch", "dd", "a/b", "DEFER: lookup of \"a/b\" gave DEFER: key for dsearch lookup contains a slash: a/b");
  expect("dsearch", "nodir", "file1",
         str_sprintf("DEFER: failed to open %s for directory search: No such file or directory",
                     path("nodir")));
  expect("dsearch", "bad.cdb", "file1",
         str_sprintf("DEFER: failed to open %s for directory search: Not a directory",
                     path("bad.cdb")));
  expect("dsearch,filter=bogus", "dd", "file1", "[file1]");
  expect("dsearch", "dd", "", "NOTFOUND");
  expect("dsearch", "dd/", "file1", "[file1]");
  expect("dsearch,ret=full", "dd/", "file1", str_sprintf("[%s/dd//file1]", dir));
  expect("dsearch*", "dd", "zz", "NOTFOUND");
  /* a new entry is seen: the directory changed, so cached results go */
  expect("dsearch", "dd", "later", "NOTFOUND");
  fclose(fopen(path("dd/later"), "w"));
  expect("dsearch", "dd", "later", "[later]");

  /* dbm family (files as exim_dbmbuild writes them: zero-terminated) */
  static const char *const dkv[] = {"alpha", "one", "beta", "two", "multi", "a b",
                                    "with space", "sp"};
  write_db("d.db", dkv, 4, true);
  write_db("dnz.db", dkv, 4, false);
  static const char *const jkv[] = {"user\0realm", "pw"};
  {
    DB *db;
    db_create(&db, NULL, 0);
    db->open(db, NULL, path("j.db"), NULL, DB_HASH, DB_CREATE | DB_TRUNCATE, 0644);
    DBT k = {0}, d = {0};
    k.data = (void *)jkv[0];
    k.size = 10;
    d.data = (void *)jkv[1];
    d.size = 2;
    db->put(db, NULL, &k, &d, 0);
    db->close(db, 0);
  }
  expect("dbm", "d.db", "alpha", "[one]");
  expect("dbm", "d.db", "beta", "[two]");
  expect("dbm", "d.db", "Beta", "NOTFOUND");
  expect("dbm", "d.db", "multi", "[a b]");
  expect("dbm", "d.db", "with space", "[sp]");
  expect("dbmnz", "d.db", "alpha", "NOTFOUND");
  expect("dbmnz", "dnz.db", "alpha", "[one]");
  expect("dbm", "dnz.db", "alpha", "NOTFOUND");
  expect("dbmjz", "d.db", "alpha", "NOTFOUND");
  expect("dbmjz", "j.db", "user:realm", "[pw]");
  expect("dbmjz", "j.db", "user", "NOTFOUND");
  expect("dbm*", "d.db", "zz", "NOTFOUND");
  expect("dbm,ret=key", "d.db", "alpha", "[alpha]");
  expect("dbm", "nonexist.db", "alpha",
         str_sprintf("DEFER: failed to open %s as a db (v4.1+) file: No such file or directory",
                     path("nonexist.db")));

  /* files written by our exim_dbmbuild read back as exim4 reads Debian's */
  {
    const char *ex = getenv("EXIM");
    const char *prog = ex ? str_sprintf("%.*s/exim_dbmbuild", (int)(strrchr(ex, '/') - ex), ex)
                          : "build/exim_dbmbuild";
    FILE *src = fopen(path("e.txt"), "w");
    fputs("alpha: one\nBeta: two\nalpha: dupe\nBETA: x\nmulti: a\n\n# c\n  b   \n"
          "\"with \\x41 space\": sp\nnodata\n  tab\tin  \n", src);
    fclose(src);
    if (system(str_sprintf("%s %s %s >/dev/null 2>&1", prog, path("e.txt"), path("m1.db"))) == -1 ||
        system(str_sprintf("%s -nolc %s %s >/dev/null 2>&1", prog, path("e.txt"), path("m2.db"))) == -1 ||
        system(str_sprintf("%s -nozero -lastdup %s %s >/dev/null 2>&1", prog, path("e.txt"),
                           path("m3.db"))) == -1) {
      fprintf(stderr, "cannot run %s\n", prog);
      failures++;
    }
    expect("dbm", "m1.db", "multi", "[a b]");
    expect("dbm", "m1.db", "nodata", "[ tab\tin]");
    expect("dbm", "m1.db", "with a space", "[sp]");
    expect("dbm", "m2.db", "with A space", "[sp]");
    expect("dbm", "m1.db", "beta", "[two]");
    expect("dbm", "m1.db", "alpha", "[one]");
    expect("dbm", "m2.db", "Beta", "[two]");
    expect("dbmnz", "m3.db", "alpha", "[dupe]");
    expect("dbm", "m3.db", "alpha", "NOTFOUND");
  }

  /* lmdb */
  static const char *const lkv[] = {"alpha", "one", "Beta", "two", "*", "star"};
  write_lmdb("l.mdb", lkv, 3);
  expect("lmdb", "l.mdb", "alpha", "[one]");
  expect("lmdb", "l.mdb", "beta", "NOTFOUND");
  expect("lmdb", "l.mdb", "Beta", "[two]");
  expect("lmdb*", "l.mdb", "zz", "[star]");
  expect("lmdb,ret=key", "l.mdb", "alpha", "[alpha]");
  /* a forked child that tidies and exits leaves the parent's files usable */
  {
    pid_t pid = fork();
    if (pid == 0) {
      lookup_tidy_all();
      _exit(0);   /* as a child that does not exec: the parent's handles are not ours */
    }
    int status;
    waitpid(pid, &status, 0);
    expect("lmdb,cache=no_rd", "l.mdb", "Beta", "[two]");
    expect("dbm,cache=no_rd", "d.db", "beta", "[two]");
  }
  const char *got = run("lmdb", "nonexist.mdb", "alpha");
  const char *want = str_sprintf("DEFER: LMDB: Unable to open environment with %s: ",
                                 path("nonexist.mdb"));
  if (strncmp(got, want, strlen(want)) != 0) {
    fprintf(stderr, "lmdb missing file: %s\n", got);
    failures++;
  }

  lookup_tidy_all();
  system(str_sprintf("rm -rf '%s'", dir));
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures != 0;
}
