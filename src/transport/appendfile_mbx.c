/* appendfile_mbx.c - the MBX mailbox format and the MBX locking rules of
 * the appendfile transport (spec 26: mbx_format, use_mbx_lock; built with
 * SUPPORT_MBX).
 *
 * MBX locking: a shared lock (fcntl and/or flock, as configured) on the
 * open mailbox and an exclusive one on /tmp/.<dev>.<inode> (hex numbers of
 * the mailbox), created with lockfile_mode; when done, the /tmp file is
 * removed if an exclusive lock on the mailbox can then be had (nobody else
 * has it open under these rules).
 *
 * MBX format: an empty mailbox first gets the 2048-byte file header
 * ("*mbx*", UID validity, last UID, keyword lines, NUL padding); each
 * message is preceded by "<internal date>,<size>;<flags>-<uid>" and has
 * CRLF line ends.  The copy is made in a tmpfile() first, since its size
 * goes before it (message_prefix and message_suffix are written as they
 * expand, and counted).
 *
 * Entry point: af_mbx_impl through af_mbx_ops_hooks (appendfile_int.h).
 * Must never: follow a symbolic link in /tmp; leave a partial message in
 * the mailbox (the caller cuts it back on failure).
 */
#include "appendfile_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/fdio.h"
#include "../base/str.h"
#include "write.h"

#define MBX_HEADER_SIZE 2048
#define MBX_KEYWORD_LINES 30

static int mbx_lock(af_ctx *c, int fd, const struct stat *st, int *lockfd, const char **lockname) {
  appendfile_options *ob = c->ob;
  if (ob->use_fcntl_lock && !af_lock_call(fd, true, true, ob->lock_fcntl_timeout)) return AF_LOCK_BUSY;
  if (ob->use_flock_lock && !af_lock_call(fd, false, true, ob->lock_flock_timeout)) return AF_LOCK_BUSY;

  const char *name = str_sprintf("/tmp/.%lx.%lx", (unsigned long)st->st_dev, (unsigned long)st->st_ino);
  int lfd = open(name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY, ob->lockfile_mode);
  if (lfd < 0) {
    af_fail(c, DEFER, ERRNO_LOCKFAILED, "failed to open MBX lock file %s :%s", name, strerror(errno));
    return AF_LOCK_ERROR;
  }
  struct stat ls;
  if (fstat(lfd, &ls) != 0 || !S_ISREG(ls.st_mode) || ls.st_nlink != 1) {
    close(lfd);
    af_fail(c, DEFER, ERRNO_LOCKFAILED, "MBX lock file %s is not a plain file", name);
    return AF_LOCK_ERROR;
  }
  fchmod(lfd, ob->lockfile_mode);
  bool got = (!ob->use_fcntl_lock || af_lock_call(lfd, true, false, ob->lock_fcntl_timeout)) &&
             (!ob->use_flock_lock || af_lock_call(lfd, false, false, ob->lock_flock_timeout));
  if (!got) {
    close(lfd);
    return AF_LOCK_BUSY;
  }
  *lockfd = lfd;
  *lockname = name;
  return AF_LOCK_OK;
}

static void mbx_unlock(af_ctx *c, int fd, int lockfd, const char *lockname) {
  appendfile_options *ob = c->ob;
  if (lockfd < 0) return;
  if (fd >= 0 && (!ob->use_fcntl_lock || af_lock_call(fd, true, false, 0)) &&
      (!ob->use_flock_lock || af_lock_call(fd, false, false, 0)))
    unlink(lockname);
  close(lockfd);
}

/* The file header of a new MBX mailbox. */
static bool write_file_header(int fd) {
  char h[MBX_HEADER_SIZE];
  memset(h, 0, sizeof h);
  int n = snprintf(h, sizeof h, "*mbx*\r\n%08lx00000000\r\n", (unsigned long)time(NULL));
  for (int i = 0; i < MBX_KEYWORD_LINES; i++, n += 2) memcpy(h + n, "\r\n", 2);
  return fd_write_all(fd, h, sizeof h);
}

static bool mbx_write(af_ctx *c, int fd, const char *path, off_t start) {
  FILE *tf = tmpfile();
  if (!tf) {
    af_fail(c, DEFER, errno, "while setting up temporary file");
    return false;
  }
  int tfd = fileno(tf);
  bool ok = af_write_copy(c, tfd, path);
  struct stat ts;
  if (ok && fstat(tfd, &ts) != 0) {
    af_fail(c, DEFER, errno, "while setting up temporary file");
    ok = false;
  }
  if (ok && start == 0 && !write_file_header(fd)) {
    af_fail(c, DEFER, errno, "while writing MBX header to %s", path);
    ok = false;
  }
  if (ok) {
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%d-%b-%Y %H:%M:%S %z", localtime_r(&now, &tm));
    char *line = str_sprintf("%s,%lu;%08lx%04x-%08x\r\n", date, (unsigned long)ts.st_size, 0UL, 0U, 0U);
    ok = fd_write_all(fd, line, strlen(line));
    char buf[16384];
    ssize_t got = 0;
    off_t off = 0;
    while (ok && (got = pread(tfd, buf, sizeof buf, off)) > 0) {
      ok = fd_write_all(fd, buf, (size_t)got);
      off += got;
    }
    if (ok && got < 0) ok = false;
    if (!ok) {
      int e = errno;
      af_fail(c, DEFER, e, "%s", transport_write_failure_text(NULL, path));
    }
  }
  fclose(tf);
  return ok;
}

const struct af_mbx_ops af_mbx_impl = {
  .lock = mbx_lock,
  .unlock = mbx_unlock,
  .write = mbx_write,
};
