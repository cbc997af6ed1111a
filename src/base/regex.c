/* regex.c - PCRE2 wrapper with a compile cache; see regex.h.
 * Compiled patterns live in malloc'd PCRE2 memory owned by the cache, never
 * in the store pools (they outlive pool resets).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "str.h"

struct regex {
  struct regex *next;      /* hash chain */
  char *pattern;
  unsigned flags;
  pcre2_code *code;
};

#define CACHE_BUCKETS 256
static regex *cache[CACHE_BUCKETS];
static pcre2_match_data *md;      /* shared match data, grown as needed */
static uint32_t md_pairs;

static unsigned hash(const char *s, unsigned flags) {
  uint32_t h = 2166136261u ^ flags;
  for (; *s; s++) h = (h ^ uc(*s)) * 16777619u;
  return h % CACHE_BUCKETS;
}

const regex *regex_get(const char *pattern, unsigned flags, const char **error) {
  unsigned h = hash(pattern, flags);
  for (regex *r = cache[h]; r; r = r->next)
    if (r->flags == flags && strcmp(r->pattern, pattern) == 0) return r;
  int errcode;
  PCRE2_SIZE erroff;
  uint32_t options = (flags & REGEX_CASELESS) ? PCRE2_CASELESS : 0;
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &errcode,
                                   &erroff, NULL);
  if (!code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(errcode, buf, sizeof buf);
    *error = str_sprintf("%s at offset %zu while compiling %s", (char *)buf, (size_t)erroff,
                         pattern);
    return NULL;
  }
  regex *r = malloc(sizeof *r);
  char *copy = strdup(pattern);
  if (!r || !copy) log_panic_die("out of memory compiling a regular expression");
  r->pattern = copy;
  r->flags = flags;
  r->code = code;
  r->next = cache[h];
  cache[h] = r;
  return r;
}

static pcre2_match_data *match_data_for(const regex *re) {
  uint32_t pairs;
  pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &pairs);
  pairs += 1;
  if (!md || md_pairs < pairs) {
    if (md) pcre2_match_data_free(md);
    md_pairs = pairs < 32 ? 32 : pairs;
    md = pcre2_match_data_create(md_pairs, NULL);
    if (!md) log_panic_die("out of memory for regular expression match data");
  }
  return md;
}

static int match_error(int rc, const char **error) {
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(rc, buf, sizeof buf);
  *error = str_sprintf("regular expression error: %s", (char *)buf);
  return -1;
}

int regex_match_offsets(const regex *re, const char *subject, size_t len, size_t start,
                        size_t *ovector, int maxpairs, const char **error) {
  pcre2_match_data *m = match_data_for(re);
  int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, start, 0, m, NULL);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) return match_error(rc, error);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m);
  if (rc > maxpairs) rc = maxpairs;
  for (int i = 0; i < rc; i++) {
    ovector[2 * i] = ov[2 * i];
    ovector[2 * i + 1] = ov[2 * i + 1];
  }
  return rc;
}

int regex_match(const regex *re, const char *subject, size_t len, const char **caps,
                int maxcaps, int *ncaps, const char **error) {
  pcre2_match_data *m = match_data_for(re);
  int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, m, NULL);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) return match_error(rc, error);
  if (caps) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m);
    int n = rc < maxcaps ? rc : maxcaps;
    for (int i = 0; i < n; i++) {
      if (ov[2 * i] == PCRE2_UNSET)
        caps[i] = str_copyn(subject, 0);
      else
        caps[i] = str_copyn(subject + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    }
    if (ncaps) *ncaps = n;
  }
  return 1;
}

void regex_cache_reset(void) {
  for (int i = 0; i < CACHE_BUCKETS; i++) {
    while (cache[i]) {
      regex *r = cache[i];
      cache[i] = r->next;
      pcre2_code_free(r->code);
      free(r->pattern);
      free(r);
    }
  }
}
