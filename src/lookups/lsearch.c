/* lsearch.c - the linear-search lookups on text files (spec 9.3): lsearch
 * (literal caseless keys), wildlsearch (keys expanded, then matched as
 * "*suffix", "^regex", "type;file" or literally), nwildlsearch (the same
 * without expansion) and iplsearch (keys are IP addresses or CIDR nets).
 *
 * File format: "key: data" or "key data"; a key starting with '"' runs to
 * the closing quote with backslash escapes; data continues on following
 * lines that start with white space (joined by one space); a blank line, a
 * white-space-only line or a comment line ends an item, as Exim's reader
 * does.  Option "ret=full" returns the whole line (key de-quoted).
 *
 * Entry points: lookup_lsearch, lookup_wildlsearch, lookup_nwildlsearch,
 * lookup_iplsearch (lookup_info, see lookup.h).
 *
 * Never: use a fixed-size buffer for a line, or keep data of a previous
 * file version (search.c reopens changed files).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lookup.h"
#include "../base/ip.h"
#include "../base/log.h"
#include "../base/regex.h"
#include "../base/str.h"
#include "../expand/expand.h"

typedef enum { LS_PLAIN, LS_WILD, LS_NWILD, LS_IP } ls_kind;

static void *ls_open_kind(const char *filename, const char **error, const char *name) {
  FILE *f = fopen(filename, "rb");
  if (!f) {
    *error = str_sprintf("failed to open %s for linear search: %s", filename, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
    *error = str_sprintf("%s is not a regular file (%s lookup)", filename, name);
    fclose(f);
    return NULL;
  }
  return f;
}

static void *ls_open(const char *filename, const char **error) {
  return ls_open_kind(filename, error, "lsearch");
}
static void *ls_open_wild(const char *filename, const char **error) {
  return ls_open_kind(filename, error, "wildlsearch");
}
static void *ls_open_nwild(const char *filename, const char **error) {
  return ls_open_kind(filename, error, "nwildlsearch");
}
static void *ls_open_ip(const char *filename, const char **error) {
  return ls_open_kind(filename, error, "iplsearch");
}

static void ls_close(void *handle) { fclose((FILE *)handle); }

/* Read one line (without its newline) into *g; false at end of file. */
static bool read_line(FILE *f, gstring **g) {
  int c;
  if (!*g) *g = g_new(128, false);
  (*g)->len = 0;
  bool any = false;
  while ((c = getc(f)) != EOF) {
    any = true;
    if (c == '\n') break;
    *g = g_catc(*g, (char)c);
  }
  g_str(*g);
  if ((*g)->len && (*g)->s[(*g)->len - 1] == '\r') (*g)->s[--(*g)->len] = 0;
  return any;
}

/* Exim's backslash escapes inside quoted keys (spec 6.17). */
static const char *read_escape(const char *p, gstring **g) {
  /* p points after the backslash */
  if (*p) *g = g_catc(*g, (char)str_escape(&p));
  return p;
}

/* Does the file key (already expanded for wildlsearch) match the subject?
 * Sets *error and returns -1 on a hard failure. */
static int wild_match(const char *pattern, const char *subject, const char **error) {
  if (*pattern == '^') {
    const regex *re = regex_get(pattern, REGEX_CASELESS, error);
    if (!re) return -1;
    int r = regex_match(re, subject, strlen(subject), NULL, 0, NULL, error);
    return r;
  }
  if (*pattern == '*') {
    size_t pl = strlen(pattern + 1), sl = strlen(subject);
    return sl >= pl && str_cmpic(subject + sl - pl, pattern + 1) == 0;
  }
  const char *semi = strchr(pattern, ';');
  if (semi) {
    lookup_spec spec;
    if (lookup_spec_parse(pattern, (size_t)(semi - pattern), &spec) == NULL) {
      const char *file = semi + 1;
      while (isspace(uc(*file))) file++;
      lookup_hit hit;
      const char *err = NULL;
      lookup_rc rc = spec.info->style == LOOKUP_SINGLE_KEY
                         ? lookup_search(&spec, file, subject, &hit, &err)
                         : lookup_search(&spec, NULL, file, &hit, &err);
      if (rc == LOOKUP_DEFER) { *error = err; return -1; }
      return rc == LOOKUP_FOUND;
    }
  }
  return str_cmpic(pattern, subject) == 0;
}

static lookup_rc ls_find_kind(ls_kind kind, void *handle, const char *filename, const char *key,
                              size_t keylen, const char **result, const char **error,
                              const char *opts) {
  FILE *f = handle;
  (void)keylen;
  bool ret_full = false;
  if (opts) {
    const char *p = opts;
    while (*p) {
      const char *e = strchr(p, ',');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      if (l == 8 && strncmp(p, "ret=full", 8) == 0) ret_full = true;
      if (!e) break;
      p = e + 1;
    }
  }

  ip_address want;
  bool key_is_ip = false;
  if (kind == LS_IP) {
    if (ip_is_address(key, NULL) != 0) {
      if (!ip_parse(key, false, &want, NULL)) return LOOKUP_NOTFOUND;
      /* an IPv4-mapped IPv6 address is looked for as IPv4 */
      static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      if (want.family == 6 && memcmp(want.b, mapped, 12) == 0) {
        want.family = 4;
        memmove(want.b, want.b + 12, 4);
      }
      key_is_ip = true;
    } else if (strcmp(key, "*") != 0) {
      *error = str_sprintf("\"%s\" is not a valid iplsearch key (an IP address, with optional "
                           "CIDR mask, is wanted): in a host list, use net-iplsearch as the "
                           "search type", key);
      return LOOKUP_DEFER;
    }
  }

  rewind(f);
  gstring *line = NULL;
  bool have_line = read_line(f, &line);
  while (have_line) {
    const char *s = line->s;
    if (!*s || *s == '#' || isspace(uc(*s))) { have_line = read_line(f, &line); continue; }
    store_mark *mark = store_mark_take(store_pool_current());

    /* the key */
    gstring *fkey = g_new(64, false);
    if (*s == '"') {
      s++;
      while (*s && *s != '"') {
        if (*s == '\\') s = read_escape(s + 1, &fkey);
        else fkey = g_catc(fkey, *s++);
      }
      if (*s == '"') s++;
    } else {
      while (*s && *s != ':' && !isspace(uc(*s))) fkey = g_catc(fkey, *s++);
    }
    const char *filekey = g_str(fkey);
    const char *after_key = s;

    int m = 0;
    switch (kind) {
    case LS_PLAIN:
      m = str_cmpic(filekey, key) == 0;
      break;
    case LS_NWILD:
      m = wild_match(filekey, key, error);
      break;
    case LS_WILD: {
      const char *ek = expand_string(filekey);
      if (!ek) {
        /* as Exim: the reason goes to the log, the deferral carries no text */
        log_write(LOG_MAIN, "failed to expand \"%s\" while checking a list: %s", filekey,
                  expand_status.message ? expand_status.message : "");
        *error = "";
        return LOOKUP_DEFER;
      }
      m = wild_match(ek, key, error);
      break;
    }
    case LS_IP:
      if (key_is_ip) {
        ip_address a;
        bool too_big = false, ok = ip_parse(filekey, true, &a, &too_big);
        if (!ok && too_big) {
          /* as Exim: a mask longer than the address compares every bit */
          const char *slash = strrchr(filekey, '/');
          ok = slash && ip_parse(str_copyn(filekey, (size_t)(slash - filekey)), false, &a, NULL);
        }
        if (ok && a.family == want.family) {
          ip_address w = want;
          int bits = a.mask < 0 ? (a.family == 4 ? 32 : 128) : a.mask;
          ip_apply_mask(&a, bits);
          ip_apply_mask(&w, bits);
          m = memcmp(a.b, w.b, a.family == 4 ? 4 : 16) == 0;
        }
      } else {
        m = strcmp(filekey, key) == 0;
      }
      break;
    }
    if (m < 0) return LOOKUP_DEFER;
    if (!m) {
      store_reset(mark);
      have_line = read_line(f, &line);
      continue;
    }

    /* found: the data */
    gstring *data = g_new(128, false);
    if (ret_full) {
      data = g_cat(data, filekey);
      data = g_cat(data, after_key);
    } else {
      s = after_key;
      while (isspace(uc(*s))) s++;
      if (*s == ':') s++;
      while (isspace(uc(*s))) s++;
      data = g_cat(data, s);
    }
    /* continuation lines */
    line = NULL;
    while (read_line(f, &line)) {
      const char *p = line->s;
      if (!isspace(uc(*p))) break;
      while (isspace(uc(*p))) p++;
      if (!*p) break;
      data = g_catc(data, ' ');
      data = g_cat(data, p);
    }
    while (data->len && isspace(uc(data->s[data->len - 1]))) data->len--;
    *result = g_str(data);
    return LOOKUP_FOUND;
  }
  return LOOKUP_NOTFOUND;
}

#define LS_FIND(fn, kind)                                                                   \
  static lookup_rc fn(void *handle, const char *filename, const char *key, size_t keylen,  \
                      const char **result, const char **error, bool *do_cache,             \
                      const char *opts) {                                                   \
    (void)do_cache;                                                                         \
    return ls_find_kind(kind, handle, filename, key, keylen, result, error, opts);          \
  }

LS_FIND(ls_find_plain, LS_PLAIN)
LS_FIND(ls_find_wild, LS_WILD)
LS_FIND(ls_find_nwild, LS_NWILD)
LS_FIND(ls_find_ip, LS_IP)

const lookup_info lookup_lsearch = {
  .name = "lsearch", .style = LOOKUP_SINGLE_KEY, .open = ls_open, .find = ls_find_plain,
  .close = ls_close,
};
const lookup_info lookup_wildlsearch = {
  .name = "wildlsearch", .style = LOOKUP_SINGLE_KEY, .open = ls_open_wild, .find = ls_find_wild,
  .close = ls_close,
};
const lookup_info lookup_nwildlsearch = {
  .name = "nwildlsearch", .style = LOOKUP_SINGLE_KEY, .open = ls_open_nwild, .find = ls_find_nwild,
  .close = ls_close,
};
const lookup_info lookup_iplsearch = {
  .name = "iplsearch", .style = LOOKUP_SINGLE_KEY, .open = ls_open_ip, .find = ls_find_ip,
  .close = ls_close,
};
