/* appendfile_quota.c - appendfile's own quotas (spec 26.2: quota,
 * quota_filecount, quota_is_inclusive, quota_size_regex, mailbox_size,
 * mailbox_filecount, quota_directory, quota_warn_threshold): expanding and
 * reading the settings
 * (K/M/G, decimals, "/no_check"), adding up what a directory tree uses,
 * and the check made before a message is written.
 *
 * Entry points: af_quota_setup(), af_directory_usage(), af_quota_check(),
 * af_quota_warn_check() (appendfile_int.h).
 * Must never: follow symbolic links while adding up a directory; recurse
 * without bound (depth is limited).
 */
#include "appendfile_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/regex.h"
#include "../base/str.h"
#include "../expand/expand.h"

#define USAGE_MAX_DEPTH 32

/* A size as the quota options take it: digits with an optional fraction,
 * an optional K, M or G, then optionally "/no_check".  false when the
 * text is not of that form. */
static bool parse_size(const char *s, long long *out, bool *no_check, bool *percent) {
  s = str_skip_space(s);
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno != 0 || v < 0) return false;
  switch (*end) {
  case 'K': case 'k': v *= 1024.0; end++; break;
  case 'M': case 'm': v *= 1024.0 * 1024.0; end++; break;
  case 'G': case 'g': v *= 1024.0 * 1024.0 * 1024.0; end++; break;
  default: break;
  }
  if (percent) *percent = false;
  if (*end == '%' && percent) {
    *percent = true;
    end++;
  }
  if (no_check) *no_check = false;
  while (*end == ' ') end++;
  if (*end == '/') {
    if (strcmp(end + 1, "no_check") != 0 || !no_check) return false;
    *no_check = true;
    end += strlen(end);
  }
  if (*str_skip_space(end)) return false;
  *out = (long long)v;
  return true;
}

static bool size_option(af_ctx *c, const char *value, const char *what, long long *out, bool *no_check) {
  if (!value) return true;
  const char *v = expand_cstring(value);
  if (!v) {
    af_fail(c, DEFER, ERRNO_UNKNOWNERROR, "Expansion of \"%s\" in %s transport failed: %s", value, c->t->drv.name,
            expand_status.message);
    return false;
  }
  if (!*v) return true;
  if (!parse_size(v, out, no_check, NULL)) {
    af_fail(c, DEFER, ERRNO_EXPANDFAIL, "Invalid %s value \"%s\" for %s transport", what, v, c->t->drv.name);
    return false;
  }
  return true;
}

bool af_quota_setup(af_ctx *c) {
  appendfile_options *ob = c->ob;
  if (!size_option(c, ob->quota, "quota", &c->quota, &c->quota_no_check)) return false;
  if (!size_option(c, ob->quota_filecount, "quota_filecount", &c->quota_filecount, &c->filecount_no_check))
    return false;
  if (ob->mailbox_size && !size_option(c, ob->mailbox_size, "mailbox_size", &c->mailbox_size, NULL)) return false;
  if (ob->mailbox_filecount &&
      !size_option(c, ob->mailbox_filecount, "mailbox_filecount", &c->mailbox_filecount, NULL))
    return false;
  if (ob->quota_warn_threshold) {
    const char *v = expand_cstring(ob->quota_warn_threshold);
    if (!v) {
      af_fail(c, DEFER, ERRNO_UNKNOWNERROR, "Expansion of \"%s\" in %s transport failed: %s",
              ob->quota_warn_threshold, c->t->drv.name, expand_status.message);
      return false;
    }
    long long w = 0;
    bool percent = false;
    if (*v && !parse_size(v, &w, NULL, &percent)) {
      af_fail(c, DEFER, ERRNO_EXPANDFAIL, "Invalid quota_warn_threshold value \"%s\" for %s transport", v,
              c->t->drv.name);
      return false;
    }
    /* A percentage is of the quota, and means nothing without one. */
    c->warn_threshold = !percent ? w : c->quota > 0 ? (long long)((double)c->quota * (double)w / 100.0) : 0;
  }
  const char *ms = expand_cstring("$message_size");
  c->message_size = ms ? strtoll(ms, NULL, 10) : 0;
  return true;
}

/* The size a file name carries (quota_size_regex), or -1. */
static long long name_size(af_ctx *c, const char *name) {
  if (!c->ob->quota_size_regex) return -1;
  const char *err = NULL;
  const regex *re = regex_get(c->ob->quota_size_regex, 0, &err);
  if (!re) return -1;
  const char *caps[2];
  int ncaps = 0;
  if (regex_match(re, name, strlen(name), caps, 2, &ncaps, &err) != 1 || ncaps < 2) return -1;
  return strtoll(caps[1], NULL, 10);
}

static void usage_walk(af_ctx *c, const char *dir, const regex *top, int depth, long long *size,
                       long long *count) {
  if (depth > USAGE_MAX_DEPTH) return;
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *n = e->d_name;
    if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) continue;
    if (top) {
      const char *err = NULL;
      if (regex_match(top, n, strlen(n), NULL, 0, NULL, &err) != 1) continue;
    }
    char *path = str_sprintf("%s/%s", dir, n);
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      usage_walk(c, path, NULL, depth + 1, size, count);
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    long long s = name_size(c, n);
    if (s < 0) s = st.st_nlink > 1 ? (long long)st.st_size / (long long)st.st_nlink : (long long)st.st_size;
    *size += s;
    (*count)++;
  }
  closedir(d);
}

void af_directory_usage(af_ctx *c, const char *dir, const char *top_regex, long long *size, long long *count) {
  const regex *top = NULL;
  if (top_regex) {
    const char *err = NULL;
    top = regex_get(top_regex, 0, &err);
  }
  usage_walk(c, dir, top, 0, size, count);
}

bool af_quota_check(af_ctx *c, long long size, long long count, const char *where) {
  bool inclusive = c->ob->quota_is_inclusive;
  if (c->quota > 0 && !c->quota_no_check) {
    long long used = inclusive ? size + c->message_size : size;
    if (used > c->quota) {
      af_fail(c, DEFER, ERRNO_EXIMQUOTA, "mailbox is full (MTA-imposed quota exceeded while writing to %s)", where);
      return false;
    }
  }
  if (count >= 0 && c->quota_filecount > 0 && !c->filecount_no_check) {
    long long files = inclusive ? count + 1 : count;
    if (files > c->quota_filecount) {
      af_fail(c, DEFER, ERRNO_EXIMQUOTA,
              "mailbox is full (MTA-imposed filecount quota exceeded while writing to %s)", where);
      return false;
    }
  }
  return true;
}

void af_quota_warn_check(af_ctx *c, long long before, long long after) {
  if (c->warn_threshold > 0 && before < c->warn_threshold && after >= c->warn_threshold) c->warn = true;
}
