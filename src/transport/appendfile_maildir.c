/* appendfile_maildir.c - maildir delivery (spec 26.5-26.7): the new, cur
 * and tmp subdirectories (and maildirfolder under
 * maildirfolder_create_regex), the quota directory (the parent of a
 * maildir++ folder), the maildirsize file (maildir_use_size_file: quota
 * line "<bytes>S,<count>C", then "<size> <count>" lines, created from the
 * usage of the directories maildir_quota_directory_regex selects), the
 * unique name <sec>.M<usec>P<pid>.<host> written in tmp and renamed into
 * new with maildir_tag.
 *
 * Entry point: af_deliver_maildir() (appendfile_int.h).
 * Must never: put a file in new/ before it is completely written; reuse a
 * name (the clock must move on before the process ends).
 */
#include "appendfile_int.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../base/regex.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../expand/variables.h"

/* A maildirsize file larger than this is recalculated (maildir++). */
#define MAILDIRSIZE_MAX 5120

static bool ensure_subdirs(af_ctx *c, const char *dir) {
  static const char *const subs[] = {"tmp", "new", "cur"};
  for (int i = 0; i < 3; i++) {
    char *p = str_sprintf("%s/%s", dir, subs[i]);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) continue;
    if (!c->ob->create_directory) {
      af_fail(c, DEFER, ENOENT, "directory %s does not exist, but create_directory is not set", p);
      return false;
    }
    if (!af_make_dirs(c, p)) {
      af_fail(c, DEFER, errno, "cannot create %s", p);
      return false;
    }
  }
  if (c->ob->maildirfolder_create_regex) {
    const char *err = NULL;
    const regex *re = regex_get(c->ob->maildirfolder_create_regex, 0, &err);
    if (!re) {
      af_fail(c, DEFER, ERRNO_EXPANDFAIL, "appendfile: regular expression error: %s while compiling \"%s\"",
              err ? err : "", c->ob->maildirfolder_create_regex);
      return false;
    }
    if (regex_match(re, dir, strlen(dir), NULL, 0, NULL, &err) == 1) {
      char *mf = str_sprintf("%s/maildirfolder", dir);
      int fd = open(mf, O_WRONLY | O_CREAT | O_NOFOLLOW, c->mode);
      if (fd < 0) {
        af_fail(c, DEFER, errno, "failed to create %s", mf);
        return false;
      }
      close(fd);
    }
  }
  return true;
}

/* The maildirsize file: its total and file count, (re)made when missing,
 * too long or holding another quota.  false with the failure recorded. */
static bool maildirsize_read(af_ctx *c, const char *qdir, const char *file, long long *size,
                             long long *count) {
  char *ql = str_sprintf("%lldS,%lldC", c->quota, c->quota_filecount);

  int fd = open(file, O_RDONLY | O_NOFOLLOW);
  if (fd >= 0) {
    char buf[MAILDIRSIZE_MAX + 1];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n > 0 && n <= MAILDIRSIZE_MAX) {
      buf[n] = 0;
      char *nl = strchr(buf, '\n');
      if (nl && (size_t)(nl - buf) == strlen(ql) && strncmp(buf, ql, strlen(ql)) == 0) {
        long long s = 0, k = 0;
        for (char *p = nl + 1; *p;) {
          char *e;
          long long a = strtoll(p, &e, 10);
          long long b = strtoll(e, &e, 10);
          s += a;
          k += b;
          p = strchr(e, '\n');
          if (!p) break;
          p++;
        }
        *size = s;
        *count = k;
        return true;
      }
    }
  }

  /* Recalculate and write a new file (via a temporary name). */
  long long s = 0, k = 0;
  af_directory_usage(c, qdir, c->ob->maildir_quota_directory_regex, &s, &k);
  char *tmp = str_sprintf("%s/tmp/%ld.%d_maildirsize.%s", qdir, (long)time(NULL), (int)getpid(),
                          mainconf.primary_hostname ? mainconf.primary_hostname : "");
  gstring *g = g_fmt(NULL, "%s\n%lld %lld\n", ql, s, k);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, c->mode);
  if (fd < 0) {
    af_fail(c, DEFER, errno, "while opening or reading %s", file);
    return false;
  }
  af_set_mode(c, fd);
  bool ok = write(fd, g->s, g->len) == (ssize_t)g->len;
  if (close(fd) != 0) ok = false;
  if (!ok || rename(tmp, file) != 0) {
    af_fail(c, DEFER, errno, "failed to write maildirsize file %s", file);
    unlink(tmp);
    return false;
  }
  *size = s;
  *count = k;
  return true;
}

static void maildirsize_add(const char *file, long long size) {
  int fd = open(file, O_WRONLY | O_APPEND | O_NOFOLLOW);
  if (fd < 0) return;
  char *line = str_sprintf("%lld 1\n", size);
  if (write(fd, line, strlen(line)) < 0) {
    /* The file is only a cache: the next recalculation repairs it. */
  }
  close(fd);
}

/* The tag to add to the name in new/: expanded maildir_tag, printing
 * characters only, ':' first when it starts alphanumeric.  NULL with the
 * failure recorded; "" for none. */
static const char *make_tag(af_ctx *c, long long written) {
  if (!c->ob->maildir_tag) return "";
  expand_set_message_size_override((long)written);
  const char *v = expand_cstring(c->ob->maildir_tag);
  expand_set_message_size_override(-1);
  if (!v) {
    if (expand_status.forced_fail) return "";
    af_fail(c, DEFER, ERRNO_UNKNOWNERROR, "Expansion of \"%s\" (maildir_tag for %s transport) failed: %s",
            c->ob->maildir_tag, c->t->drv.name, expand_status.message);
    return NULL;
  }
  gstring *g = g_new(32, false);
  for (const char *p = v; *p; p++)
    if (isprint(uc(*p))) g = g_catc(g, *p);
  char *tag = g_str(g);
  if (strchr(tag, '/')) {
    af_fail(c, DEFER, ERRNO_EXPANDFAIL, "maildir_tag \"%s\" contains \"/\"", tag);
    return NULL;
  }
  if (isalnum(uc(tag[0]))) tag = str_sprintf(":%s", tag);
  return tag;
}

int af_deliver_maildir(af_ctx *c) {
  appendfile_options *ob = c->ob;
  const char *dir = c->path;
  if (!af_ensure_directory(c, dir)) return c->rc;
  struct stat dst;
  if (stat(dir, &dst) != 0) {
    int e = errno;
    if (c->mkdir_errno) {
      af_fail(c, DEFER, c->mkdir_errno, "cannot create %s", dir);
    } else {
      af_fail(c, DEFER, e, "stat() error for %s: %s", dir, strerror(e));
    }
    return c->rc;
  }
  if (!ensure_subdirs(c, dir)) return c->rc;

  /* The quota directory: given, or the parent of a maildir++ folder. */
  const char *qdir = dir;
  if (ob->quota_directory) {
    const char *q = expand_cstring(ob->quota_directory);
    if (!q) {
      af_fail(c, DEFER, ERRNO_UNKNOWNERROR, "Expansion of \"%s\" (quota_directory name for %s transport) failed: %s",
              ob->quota_directory, c->t->drv.name, expand_status.message);
      return c->rc;
    }
    qdir = q;
  } else {
    struct stat st;
    if (stat(str_sprintf("%s/maildirfolder", dir), &st) == 0) {
      const char *slash = strrchr(dir, '/');
      if (slash && slash != dir) qdir = str_copyn(dir, (size_t)(slash - dir));
    }
  }

  bool use_size_file = ob->maildir_use_size_file.value;
  if (ob->maildir_use_size_file.expand) {
    const char *err = NULL;
    use_size_file = expand_check_condition(ob->maildir_use_size_file.expand, &err);
    if (err) {
      af_fail(c, DEFER, ERRNO_EXPANDFAIL, "%s", err);
      return c->rc;
    }
  }

  char *sizefile = NULL;
  long long size = c->mailbox_size, count = c->mailbox_filecount;
  if (use_size_file) {
    sizefile = str_sprintf("%s/maildirsize", qdir);
    long long s = 0, k = 0;
    if (!maildirsize_read(c, qdir, sizefile, &s, &k)) return c->rc;
    if (size < 0) size = s;
    if (count < 0) count = k;
  } else if ((c->quota > 0 || c->quota_filecount > 0 || c->warn_threshold > 0) && (size < 0 || count < 0)) {
    long long s = 0, k = 0;
    af_directory_usage(c, qdir, NULL, &s, &k);
    if (size < 0) size = s;
    if (count < 0) count = k;
  }

  /* A name nobody has used: stat() must say it does not exist. */
  const char *host = mainconf.primary_hostname ? mainconf.primary_hostname : "";
  char *name = NULL, *tmpname = NULL;
  struct timeval tv;
  int tries = ob->maildir_retries > 0 ? ob->maildir_retries : 1;
  for (int i = 0;; i++) {
    gettimeofday(&tv, NULL);
    name = str_sprintf("%ld.M%ldP%d.%s", (long)tv.tv_sec, (long)tv.tv_usec, (int)getpid(), host);
    tmpname = str_sprintf("%s/tmp/%s", dir, name);
    struct stat st;
    if (stat(tmpname, &st) != 0 && errno == ENOENT) break;
    if (i + 1 >= tries) {
      af_fail(c, DEFER, EEXIST, "failed to find a unique name for a file in %s/tmp", dir);
      return c->rc;
    }
    sleep(2);
  }

  if (c->quota > 0 || c->quota_filecount > 0) {
    /* The text names the file relative to the maildir, as exim4's does. */
    if (!af_quota_check(c, size < 0 ? 0 : size, count < 0 ? 0 : count, str_sprintf("tmp/%s", name)))
      return c->rc;
  }

  int fd = open(tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, c->mode);
  if (fd < 0) {
    af_fail(c, DEFER, errno, "while creating file %s", tmpname);
    return c->rc;
  }
  af_set_mode(c, fd);
  bool ok = af_write_copy(c, fd, tmpname);
  struct stat st;
  if (ok && fstat(fd, &st) != 0) {
    af_fail(c, DEFER, errno, "failed to stat %s", tmpname);
    ok = false;
  }
  if (close(fd) != 0 && ok) {
    af_fail(c, DEFER, errno, "error while closing %s", tmpname);
    ok = false;
  }
  const char *tag = ok ? make_tag(c, (long long)st.st_size) : NULL;
  if (!ok || !tag) {
    unlink(tmpname);
    return c->rc;
  }
  char *newname = str_sprintf("%s/new/%s%s", dir, name, tag);
  if (rename(tmpname, newname) != 0) {
    if (errno == ENAMETOOLONG && *tag) newname = str_sprintf("%s/new/%s", dir, name);
    if (!*tag || rename(tmpname, newname) != 0) {
      af_fail(c, DEFER, errno, "while renaming %s as %s", tmpname, newname);
      unlink(tmpname);
      return c->rc;
    }
  }
  if (sizefile) maildirsize_add(sizefile, (long long)st.st_size);
  long long before = size < 0 ? 0 : size;
  af_quota_warn_check(c, before, before + (long long)st.st_size);

  /* The next name this process could make must differ. */
  struct timeval now;
  do gettimeofday(&now, NULL);
  while (now.tv_sec == tv.tv_sec && now.tv_usec == tv.tv_usec);
  c->rc = OK;
  return OK;
}
