/* appendfile_dir.c - appendfile's directories (spec 26.2 create_file,
 * create_directory, 26.4, 26.8, 26.9): where creation is allowed, making
 * missing directories with directory_mode, and the two simple forms of
 * delivery into a directory: one new file named by directory_file
 * (written as temp.<pid>.<host>, renamed when complete), and mailstore
 * (<id>-<pid>.env and .msg, the envelope first under .tmp).
 *
 * Entry points: af_create_allowed(), af_make_dirs(), af_set_mode(),
 * af_ensure_directory(), af_deliver_directory(), af_deliver_mailstore()
 * (appendfile_int.h).
 * Must never: leave a partly written file under a final name; create
 * anything outside where create_file allows.
 */
#include "appendfile_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/str.h"
#include "../config/main_config.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "../spool/message_id.h"

bool af_create_allowed(af_ctx *c, const char *path) {
  appendfile_options *ob = c->ob;
  const char *base;
  switch (ob->create_file_code) {
  case CREATE_ANYWHERE:
    return true;
  case CREATE_PATH:
    base = ob->create_file;
    break;
  default:
    if (!c->home) return true;
    base = c->home;
    break;
  }
  size_t n = strlen(base);
  while (n > 1 && base[n - 1] == '/') n--;
  if (strncmp(path, base, n) != 0 || path[n] != '/') return false;
  const char *rest = path + n + 1;
  if (ob->create_file_code == CREATE_INHOME) return strchr(rest, '/') == NULL;
  /* belowhome (and a path): no ".." component may climb out. */
  for (const char *p = rest; *p;) {
    const char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 2 && p[0] == '.' && p[1] == '.') return false;
    if (!e) break;
    p = e + 1;
  }
  return true;
}

bool af_make_dirs(af_ctx *c, const char *dir) {
  char *p = str_copy(dir);
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != 0) continue;
    char save = *s;
    *s = 0;
    if (mkdir(p, (mode_t)c->ob->directory_mode) == 0) {
      chmod(p, (mode_t)c->ob->directory_mode);
    } else if (errno != EEXIST) {
      return false;
    }
    *s = save;
    if (!save) break;
  }
  return true;
}

void af_set_mode(af_ctx *c, int fd) {
  fchmod(fd, (mode_t)c->mode);
}

bool af_ensure_directory(af_ctx *c, const char *dir) {
  /* create_file applies to the new file (so "inhome" refuses any
   * directory but the home directory itself, existing or not). */
  if (!af_create_allowed(c, str_sprintf("%s/x", dir))) {
    af_fail(c, DEFER, ERRNO_BADCREATE,
            "tried to create file in %s, but file creation outside the home directory is not permitted", dir);
    return false;
  }
  struct stat st;
  if (stat(dir, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    af_fail(c, DEFER, ERRNO_NOTDIRECTORY, "%s is not a directory", dir);
    return false;
  }
  /* Without create_directory, or when the directory cannot be made,
   * exim4 goes on and the file's creation reports the failure (maildir:
   * the caller reports it, "stat() error for ..." or "cannot create"). */
  if (errno == ENOENT && c->ob->create_directory && !af_make_dirs(c, dir)) c->mkdir_errno = errno;
  return true;
}

/* Quota against the directory's usage (quota_directory, else dir). */
static bool directory_quota(af_ctx *c, const char *dir, const char *where) {
  if (c->quota <= 0 && c->quota_filecount <= 0 && c->warn_threshold <= 0) return true;
  long long size = c->mailbox_size, count = c->mailbox_filecount;
  if (size < 0 || count < 0) {
    long long s = 0, n = 0;
    af_directory_usage(c, dir, NULL, &s, &n);
    if (size < 0) size = s;
    if (count < 0) count = n;
  }
  c->usage_before = size;
  return af_quota_check(c, size, count, where);
}

/* A new file (O_EXCL) with the delivery mode. */
static int new_file(af_ctx *c, const char *name) {
  int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, c->mode);
  if (fd < 0) {
    /* exim4 gives the reason the directory could not be made. */
    af_fail(c, DEFER, errno == ENOENT && c->mkdir_errno ? c->mkdir_errno : errno, "while creating file %s", name);
    return -1;
  }
  af_set_mode(c, fd);
  return fd;
}

static bool close_file(af_ctx *c, int fd, const char *name) {
  if (close(fd) == 0) return true;
  af_fail(c, DEFER, errno, "error while closing %s", name);
  return false;
}

int af_deliver_directory(af_ctx *c) {
  const char *dir = c->path;
  const char *qdir = dir;
  /* quota_directory before the directory is made (exim4) */
  if (c->ob->quota_directory) {
    const char *q = expand_cstring(c->ob->quota_directory);
    if (!q) {
      af_fail(c, DEFER, ERRNO_UNKNOWNERROR, "Expansion of \"%s\" (quota_directory name for %s transport) failed: %s",
              c->ob->quota_directory, c->t->drv.name, expand_status.message);
      return c->rc;
    }
    qdir = q;
  }
  if (!af_ensure_directory(c, dir)) return c->rc;
  char *tmp = str_sprintf("%s/temp.%d.%s", dir, (int)getpid(),
                          mainconf.primary_hostname ? mainconf.primary_hostname : "");
  if (!directory_quota(c, qdir, tmp)) return c->rc;

  int fd = new_file(c, tmp);
  if (fd < 0) return c->rc;
  bool ok = af_write_copy(c, fd, tmp);
  struct stat st;
  if (ok) ok = fstat(fd, &st) == 0 || (af_fail(c, DEFER, errno, "failed to stat %s", tmp), false);
  if (!close_file(c, fd, tmp)) ok = false;
  if (!ok) {
    unlink(tmp);
    return c->rc;
  }

  /* The final name: directory_file with $inode set. */
  expand_var_set("inode", str_sprintf("%lu", (unsigned long)st.st_ino));
  const char *name = expand_cstring(c->ob->directory_file);
  expand_var_set("inode", NULL);
  if (!name || !*name || strchr(name, '/')) {
    unlink(tmp);
    if (!name)
      af_fail(c, DEFER, 0, "Expansion of \"%s\" (directory_file for %s transport) failed: %s",
              c->ob->directory_file, c->t->drv.name, expand_status.message);
    else
      af_fail(c, DEFER, ERRNO_EXPANDFAIL, "invalid directory_file \"%s\" for %s transport", name, c->t->drv.name);
    return c->rc;
  }
  char *final = str_sprintf("%s/%s", dir, name);
  if (rename(tmp, final) != 0) {
    af_fail(c, DEFER, errno, "while renaming %s as %s", tmp, final);
    unlink(tmp);
    return c->rc;
  }
  af_quota_warn_check(c, c->usage_before, c->usage_before + (long long)st.st_size);
  c->rc = OK;
  return OK;
}

/* Expand a mailstore prefix/suffix and write it, ending in a newline. */
static bool mailstore_text(af_ctx *c, int fd, const char *value, const char *what, const char *where) {
  if (!value) return true;
  const char *v = expand_cstring(value);
  if (!v) {
    if (expand_status.forced_fail) return true;
    af_fail(c, DEFER, ERRNO_EXPANDFAIL, "Expansion of \"%s\" (%s for %s transport) failed: %s", value, what,
            c->t->drv.name, expand_status.message);
    return false;
  }
  size_t n = strlen(v);
  if (n == 0) return true;
  gstring *g = g_catn(NULL, v, n);
  if (v[n - 1] != '\n') g = g_catc(g, '\n');
  if (write(fd, g->s, g->len) != (ssize_t)g->len) {
    af_fail(c, DEFER, errno, "error while writing to %s", where);
    return false;
  }
  return true;
}

int af_deliver_mailstore(af_ctx *c) {
  const char *dir = c->path;
  if (!af_ensure_directory(c, dir)) return c->rc;

  char pid62[7];
  message_id_base62((unsigned long)getpid(), 6, pid62);
  pid62[6] = 0;
  const char *id = deliver_current ? deliver_current->m.id : "";
  char *basename = str_sprintf("%s/%s-%s", dir, id, pid62);
  expand_var_set("mailstore_basename", basename);
  char *tmpname = str_sprintf("%s.tmp", basename), *envname = str_sprintf("%s.env", basename),
       *msgname = str_sprintf("%s.msg", basename);
  if (!directory_quota(c, dir, msgname)) return c->rc;

  int efd = new_file(c, tmpname);
  if (efd < 0) return c->rc;
  bool ok = mailstore_text(c, efd, c->ob->mailstore_prefix, "mailstore_prefix", tmpname);
  if (ok) {
    const char *sender = deliver_current && deliver_current->m.sender ? deliver_current->m.sender : "";
    gstring *g = g_fmt(NULL, "%s\n", sender);
    for (address_item *a = c->addr; a; a = a->next) g = g_fmt(g, "%s\n", a->address);
    if (write(efd, g->s, g->len) != (ssize_t)g->len) {
      af_fail(c, DEFER, errno, "error while writing to %s", tmpname);
      ok = false;
    }
  }
  if (ok) ok = mailstore_text(c, efd, c->ob->mailstore_suffix, "mailstore_suffix", tmpname);
  if (!close_file(c, efd, tmpname)) ok = false;
  int mfd = -1;
  if (ok) {
    mfd = new_file(c, msgname);
    ok = mfd >= 0;
  }
  if (ok) {
    ok = af_write_copy(c, mfd, msgname);
    struct stat st;
    if (ok && fstat(mfd, &st) == 0) af_quota_warn_check(c, c->usage_before, c->usage_before + (long long)st.st_size);
    if (!close_file(c, mfd, msgname)) ok = false;
    if (!ok) unlink(msgname);
  }
  if (ok && rename(tmpname, envname) != 0) {
    af_fail(c, DEFER, errno, "while renaming %s as %s", tmpname, envname);
    unlink(msgname);
    ok = false;
  }
  if (!ok) {
    unlink(tmpname);
    return c->rc;
  }
  c->rc = OK;
  return OK;
}
