/* dsearch.c - the dsearch lookup (spec 9.3): the "file" is a directory,
 * and the key is found when an entry of that name exists (lstat).
 * Options: ret=full (result is "directory/key"), filter=file|dir|subdir
 * (only regular files; only directories; directories other than "." and
 * ".."); other options are ignored, as Exim does.  The result is the key
 * (untainted, like every lookup result).
 *
 * Entry point: lookup_dsearch (lookup_info).
 *
 * Never: accept a key with a slash (it could leave the directory).
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "lookup.h"
#include "../base/str.h"

static void *ds_open(const char *dirname, const char **error) {
  DIR *d = opendir(dirname);
  if (!d) {
    *error = str_sprintf("failed to open %s for directory search: %s", dirname, strerror(errno));
    return NULL;
  }
  closedir(d);
  return (void *)dirname;   /* nothing to keep open: the name is the handle */
}

static void ds_close(void *handle) { (void)handle; }

static lookup_rc ds_find(void *handle, const char *dirname, const char *key, size_t keylen,
                         const char **result, const char **error, bool *do_cache,
                         const char *opts) {
  (void)handle;
  (void)keylen;
  (void)do_cache;
  if (strchr(key, '/')) {
    *error = str_sprintf("key for dsearch lookup contains a slash: %s", key);
    return LOOKUP_DEFER;
  }
  if (!*key) return LOOKUP_NOTFOUND;
  const char *path = str_sprintf("%s/%s", dirname, key);
  struct stat st;
  if (lstat(path, &st) != 0) return LOOKUP_NOTFOUND;

  const char *filter = lookup_opt_get(opts, "filter");
  if (filter) {
    if (strcmp(filter, "file") == 0 && !S_ISREG(st.st_mode)) return LOOKUP_NOTFOUND;
    if (strcmp(filter, "dir") == 0 && !S_ISDIR(st.st_mode)) return LOOKUP_NOTFOUND;
    if (strcmp(filter, "subdir") == 0 &&
        (!S_ISDIR(st.st_mode) || strcmp(key, ".") == 0 || strcmp(key, "..") == 0))
      return LOOKUP_NOTFOUND;
  }
  const char *ret = lookup_opt_get(opts, "ret");
  *result = str_copy_taint(ret && strcmp(ret, "full") == 0 ? path : key, false);
  return LOOKUP_FOUND;
}

const lookup_info lookup_dsearch = {
  .name = "dsearch", .style = LOOKUP_SINGLE_KEY, .open = ds_open, .find = ds_find,
  .close = ds_close,
};
