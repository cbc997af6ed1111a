/* cdb.c - the cdb lookup (spec 9.3): our own reader of D. J. Bernstein's
 * constant database format.  The file starts with a 2048-byte header of 256
 * (position, slot count) pairs of little-endian 32-bit numbers; a key's
 * hash h (5381, then h = ((h << 5) + h) ^ byte) picks header entry h & 255,
 * and its hash table is probed from slot (h >> 8) % count, each slot a
 * (hash, record position) pair, an empty slot (position 0) ending the
 * search.  A record is key length, data length, key, data.  Keys are looked
 * up as given (no terminating zero), case-sensitively; the first record of
 * a duplicated key wins.
 *
 * Entry point: lookup_cdb (lookup_info).  The file is mmap'd read-only.
 *
 * Never: read outside the mapped file, whatever numbers a damaged file
 * holds (every position and length is checked against the size).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lookup.h"
#include "../base/str.h"

#define CDB_HEADER 2048

typedef struct cdb_file {
  const unsigned char *map;
  size_t size;
} cdb_file;

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void *cdb_open(const char *filename, const char **error) {
  int fd = open(filename, O_RDONLY);
  if (fd < 0) {
    *error = str_sprintf("failed to open %s for cdb lookup: %s", filename, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    *error = str_sprintf("fstat(%s) failed - cannot do cdb lookup: %s", filename, strerror(errno));
    close(fd);
    return NULL;
  }
  if (S_ISREG(st.st_mode) && st.st_size < CDB_HEADER) {
    /* Exim's wording, with whatever error number is current (none) */
    *error = str_sprintf("failed to open %s too short for cdb lookup: %s", filename,
                         strerror(errno));
    close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    char hdr[CDB_HEADER];
    ssize_t n = read(fd, hdr, sizeof hdr);
    int e = n < 0 ? errno : EINVAL;
    *error = str_sprintf("failed to open cannot read header from %s for cdb lookup: %s", filename,
                         strerror(e));
    close(fd);
    return NULL;
  }
  void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  int e = errno;
  close(fd);
  if (m == MAP_FAILED) {
    *error = str_sprintf("failed to open %s for cdb lookup: %s", filename, strerror(e));
    return NULL;
  }
  cdb_file *c = store_get_in(POOL_SEARCH, sizeof *c, false);
  c->map = m;
  c->size = (size_t)st.st_size;
  return c;
}

static void cdb_close(void *handle) {
  cdb_file *c = handle;
  munmap((void *)c->map, c->size);
}

static lookup_rc cdb_find(void *handle, const char *filename, const char *key, size_t keylen,
                          const char **result, const char **error, bool *do_cache,
                          const char *opts) {
  cdb_file *c = handle;
  (void)do_cache;
  (void)opts;
  uint32_t h = 5381;
  for (size_t i = 0; i < keylen; i++) h = ((h << 5) + h) ^ (unsigned char)key[i];

  const unsigned char *ent = c->map + (h & 255) * 8;
  uint32_t tpos = get32(ent), tlen = get32(ent + 4);
  if (tlen == 0) return LOOKUP_NOTFOUND;
  if ((uint64_t)tpos + (uint64_t)tlen * 8 > c->size) {
    *error = str_sprintf("cdb: hash table out of range in %s", filename);
    return LOOKUP_DEFER;
  }
  uint32_t slot = (h >> 8) % tlen;
  for (uint32_t n = 0; n < tlen; n++) {
    const unsigned char *sp = c->map + tpos + (size_t)slot * 8;
    uint32_t sh = get32(sp), rpos = get32(sp + 4);
    if (rpos == 0) return LOOKUP_NOTFOUND;
    if (sh == h) {
      if ((uint64_t)rpos + 8 > c->size) {
        *error = str_sprintf("cdb: record out of range in %s", filename);
        return LOOKUP_DEFER;
      }
      uint32_t kl = get32(c->map + rpos), dl = get32(c->map + rpos + 4);
      if ((uint64_t)rpos + 8 + kl + dl > c->size) {
        *error = str_sprintf("cdb: record out of range in %s", filename);
        return LOOKUP_DEFER;
      }
      if (kl == keylen && memcmp(c->map + rpos + 8, key, keylen) == 0) {
        *result = str_copyn((const char *)c->map + rpos + 8 + kl, dl);
        return LOOKUP_FOUND;
      }
    }
    if (++slot == tlen) slot = 0;
  }
  return LOOKUP_NOTFOUND;
}

const lookup_info lookup_cdb = {
  .name = "cdb", .style = LOOKUP_SINGLE_KEY, .open = cdb_open, .find = cdb_find,
  .close = cdb_close,
};
