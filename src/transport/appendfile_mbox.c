/* appendfile_mbox.c - appending to a single mailbox file (spec 26.3):
 * missing directories, the NFS-safe lock file (hitching post, link,
 * lockfile_timeout), the checks on an existing file (symbolic links,
 * regular file or allowed FIFO, owner, group, mode), creation with
 * O_EXCL under create_file and file_must_exist, fcntl()/flock() locks
 * with lock_retries/lock_interval or blocking with a timeout (the MBX
 * rules and format are appendfile_mbx.c's), the quota,
 * on a failed append the file cut back to its length and times, and
 * notify_comsat.
 *
 * Entry point: af_deliver_file() (appendfile_int.h).
 * Must never: follow a symbolic link unless allow_symlink; leave a
 * partial message in the mailbox; leave its lock file behind.
 */
#include "appendfile_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/str.h"
#include "../config/main_config.h"

/* ---- lock file ------------------------------------------------------------- */

static bool take_lockfile(af_ctx *c, const char *lockname) {
  appendfile_options *ob = c->ob;
  char *hitch = str_sprintf("%s.%s.%08x.%08x", lockname, mainconf.primary_hostname ? mainconf.primary_hostname : "",
                            (unsigned)time(NULL), (unsigned)getpid());
  int retries = ob->lock_retries > 0 ? ob->lock_retries : 1;
  for (int attempt = 0;; attempt++) {
    int fd = open(hitch, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, ob->lockfile_mode);
    if (fd < 0) {
      af_fail(c, DEFER, errno, "creating lock file hitching post %s (euid=%ld egid=%ld)", hitch, (long)geteuid(),
              (long)getegid());
      return false;
    }
    fchmod(fd, ob->lockfile_mode);
    close(fd);
    bool got = link(hitch, lockname) == 0;
    if (!got) {
      struct stat st;
      got = stat(hitch, &st) == 0 && st.st_nlink == 2;
    }
    unlink(hitch);
    if (got) return true;

    /* Someone holds it: a lock file older than lockfile_timeout (by its
     * inode change time, which a user cannot set back) was left behind by
     * accident. */
    struct stat ls;
    if (ob->lockfile_timeout > 0 && lstat(lockname, &ls) == 0 &&
        time(NULL) - ls.st_ctime > ob->lockfile_timeout && unlink(lockname) == 0)
      continue;
    if (attempt + 1 >= retries) break;
    if (ob->lock_interval > 0) sleep((unsigned)ob->lock_interval);
  }
  af_fail(c, DEFER, ERRNO_LOCKFAILED, "failed to lock mailbox %s (lock file)", c->path);
  return false;
}

/* ---- fcntl / flock ------------------------------------------------------------ */

static void lock_alarm(int sig) {
  (void)sig;
}

bool af_lock_call(int fd, bool use_fcntl, bool shared, int timeout) {
  struct sigaction sa, old;
  if (timeout > 0) {
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = lock_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    alarm((unsigned)timeout);
  }
  bool ok;
  if (use_fcntl) {
    struct flock fl = {.l_type = shared ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET};
    ok = fcntl(fd, timeout > 0 ? F_SETLKW : F_SETLK, &fl) == 0;
  } else {
    ok = flock(fd, (shared ? LOCK_SH : LOCK_EX) | (timeout > 0 ? 0 : LOCK_NB)) == 0;
  }
  if (timeout > 0) {
    alarm(0);
    sigaction(SIGALRM, &old, NULL);
  }
  return ok;
}

/* Lock the open mailbox: exclusive fcntl/flock locks, or the MBX rules
 * (use_mbx_lock).  AF_LOCK_OK, AF_LOCK_BUSY or AF_LOCK_ERROR (recorded). */
static int lock_open_file(af_ctx *c, int fd, const struct stat *st, int *mbxfd, const char **mbxname) {
  appendfile_options *ob = c->ob;
  if (ob->use_mbx_lock) return af_mbx_ops_hooks->lock(c, fd, st, mbxfd, mbxname);
  if (ob->use_fcntl_lock && !af_lock_call(fd, true, false, ob->lock_fcntl_timeout)) return AF_LOCK_BUSY;
  if (ob->use_flock_lock && !af_lock_call(fd, false, false, ob->lock_flock_timeout)) return AF_LOCK_BUSY;
  return AF_LOCK_OK;
}

/* ---- opening ------------------------------------------------------------------ */

/* Checks on an existing file (st from lstat, or stat after a permitted
 * link); the mode to give it, or -1 to leave it, in *newmode. */
static bool check_existing(af_ctx *c, const struct stat *st, int *newmode) {
  appendfile_options *ob = c->ob;
  *newmode = -1;
  if (!S_ISREG(st->st_mode) && !(ob->allow_fifo && S_ISFIFO(st->st_mode))) {
    af_fail(c, DEFER, ERRNO_NOTREGULAR, "mailbox %s is not a regular file", c->path);
    return false;
  }
  if (ob->check_owner && st->st_uid != c->uid) {
    af_fail(c, DEFER, ERRNO_BADUGID, "mailbox %s has wrong uid (%ld != %ld)", c->path, (long)st->st_uid,
            (long)c->uid);
    return false;
  }
  if (ob->check_group && st->st_gid != c->gid) {
    af_fail(c, DEFER, ERRNO_BADUGID, "mailbox %s has wrong gid (%ld != %ld)", c->path, (long)st->st_gid,
            (long)c->gid);
    return false;
  }
  int perm = st->st_mode & 07777;
  if (S_ISFIFO(st->st_mode) || perm == c->mode) return true;
  if (c->mode_forced) {
    *newmode = c->mode;
  } else if ((c->mode & ~perm) != 0 && ob->mode_fail_narrower) {
    af_fail(c, DEFER, ERRNO_BADMODE, "mailbox %s has the wrong mode %o (%o expected)", c->path, perm, c->mode);
    return false;
  } else if ((perm & ~c->mode) != 0) {
    *newmode = perm & c->mode;
  }
  return true;
}

/* Open the mailbox for appending, creating it when allowed.  -1 with the
 * failure recorded. */
static int open_mailbox(af_ctx *c, struct stat *st) {
  appendfile_options *ob = c->ob;
  const char *path = c->path;
  int rw = ob->use_mbx_lock ? O_RDWR : O_WRONLY;   /* a shared fcntl lock needs read access */
  for (int round = 0; round < 10; round++) {
    bool link_to_nothing = false;
    if (lstat(path, st) == 0) {
      if (S_ISLNK(st->st_mode)) {
        if (ob->check_owner && st->st_uid != c->uid) {
          af_fail(c, DEFER, ERRNO_BADUGID, "mailbox %s (symlink) has wrong uid (%ld != %ld)", path,
                  (long)st->st_uid, (long)c->uid);
          return -1;
        }
        if (ob->allow_symlink) {
          if (stat(path, st) != 0) {
            if (errno != ENOENT) {
              af_fail(c, DEFER, errno, "failed to stat %s", path);
              return -1;
            }
            link_to_nothing = true;
          }
        }
      }
      if (!link_to_nothing) {
        int newmode;
        if (!check_existing(c, st, &newmode)) return -1;
        bool fifo = S_ISFIFO(st->st_mode);
        int fd = open(path, rw | O_APPEND | O_NOCTTY | (fifo ? O_NONBLOCK : 0) |
                                (ob->allow_symlink ? 0 : O_NOFOLLOW));
        if (fd < 0) {
          if (errno == ENOENT) continue;
          af_fail(c, DEFER, errno, "while opening mailbox %s", path);
          return -1;
        }
        struct stat st2;
        if (fstat(fd, &st2) != 0 || st2.st_ino != st->st_ino || st2.st_dev != st->st_dev ||
            st2.st_uid != st->st_uid || (st2.st_mode & S_IFMT) != (st->st_mode & S_IFMT)) {
          close(fd);
          af_fail(c, DEFER, ERRNO_INODECHANGED, "opened mailbox %s has changed since it was checked", path);
          c->freeze = true;
          return -1;
        }
        if (fifo) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        if (newmode >= 0 && fchmod(fd, (mode_t)newmode) != 0) {
          close(fd);
          af_fail(c, DEFER, errno, "failed to change the mode of mailbox %s", path);
          return -1;
        }
        *st = st2;
        return fd;
      }
    } else if (errno != ENOENT) {
      af_fail(c, DEFER, errno, "failed to lstat mailbox %s", path);
      return -1;
    }

    /* The file does not exist. */
    if (ob->file_must_exist) {
      af_fail(c, DEFER, ENOENT, "mailbox %s does not exist, but file_must_exist is set", path);
      return -1;
    }
    if (!af_create_allowed(c, path)) {
      af_fail(c, DEFER, ERRNO_BADCREATE,
              "mailbox %s does not exist, but creation outside the home directory is not permitted", path);
      return -1;
    }
    int fd = open(path, rw | O_APPEND | O_CREAT | O_NOCTTY | (link_to_nothing ? 0 : O_EXCL | O_NOFOLLOW),
                  c->mode);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      af_fail(c, DEFER, errno, "while creating mailbox %s", path);
      return -1;
    }
    af_set_mode(c, fd);
    fstat(fd, st);
    return fd;
  }
  af_fail(c, DEFER, ERRNO_EXISTRACE, "mailbox %s: existence unclear", path);
  c->freeze = true;
  return -1;
}

/* ---- comsat ---------------------------------------------------------------------- */

/* notify_comsat: one datagram "<local part>@<offset>\n" (with its NUL, as
 * exim4 sends it) to the biff service on the local host. */
static void notify_comsat(af_ctx *c, off_t offset) {
  struct servent *se = getservbyname("biff", "udp");
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = se ? (in_port_t)se->s_port : htons(512)};
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char *lp = c->addr->local_part ? c->addr->local_part : "";
  char *msg = str_sprintf("%s@%ld\n", lp, (long)offset);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) return;
  if (sendto(s, msg, strlen(msg) + 1, 0, (struct sockaddr *)&sin, sizeof sin) < 0) {
    /* Nobody listening is not an error of the delivery. */
  }
  close(s);
}

/* ---- delivery ------------------------------------------------------------------ */

int af_deliver_file(af_ctx *c) {
  appendfile_options *ob = c->ob;
  const char *path = c->path;

  /* Missing directories above the file: made when create_file allows the
   * file itself (so never for "inhome", whose file must be in the home
   * directory).  exim4 defers a file below a create_file path whose
   * directory is missing with error -1 and no text, creating nothing. */
  const char *slash = strrchr(path, '/');
  if (slash && slash != path) {
    char *dir = str_copyn(path, (size_t)(slash - path));
    struct stat ds;
    if (stat(dir, &ds) != 0 && (errno == ENOENT || errno == ENOTDIR) && ob->create_directory &&
        af_create_allowed(c, path)) {
      if (ob->create_file_code == CREATE_PATH) {
        c->rc = DEFER;
        c->basic_errno = ERRNO_UNKNOWNERROR;
        c->message = NULL;
        return c->rc;
      }
      if (!af_make_dirs(c, dir)) {
        int e = errno;
        af_fail(c, DEFER, e, "failed to create directories for %s: %s", path, strerror(e));
        return c->rc;
      }
    }
  }

  char *lockname = NULL;
  if (ob->use_lockfile) {
    lockname = str_sprintf("%s.lock", path);
    if (!take_lockfile(c, lockname)) return c->rc;
  }

  /* Open and lock; a lock refused without blocking closes the file and
   * tries again after lock_interval. */
  int retries = ob->lock_retries > 0 ? ob->lock_retries : 1;
  int timeout = ob->use_fcntl_lock ? ob->lock_fcntl_timeout : ob->lock_flock_timeout;
  if (timeout > 0) {
    long total = (long)retries * ob->lock_interval;
    retries = (int)((total + timeout - 1) / timeout);
    if (retries < 1) retries = 1;
  }
  int fd = -1, mbxfd = -1;
  const char *mbxname = NULL;
  struct stat st;
  bool locking = ob->use_fcntl_lock || ob->use_flock_lock;
  for (int attempt = 0;; attempt++) {
    fd = open_mailbox(c, &st);
    if (fd < 0) goto out;
    int lk = locking ? lock_open_file(c, fd, &st, &mbxfd, &mbxname) : AF_LOCK_OK;
    if (lk == AF_LOCK_OK) break;
    close(fd);
    fd = -1;
    if (lk == AF_LOCK_ERROR) goto out;
    if (attempt + 1 >= retries) {
      af_fail(c, DEFER, ERRNO_LOCKFAILED, "failed to lock mailbox %s (fcntl/flock)", path);
      goto out;
    }
    if (ob->lock_interval > 0) sleep((unsigned)ob->lock_interval);
  }

  {
    bool regular = S_ISREG(st.st_mode);
    off_t start = regular ? st.st_size : 0;
    long long size = c->mailbox_size >= 0 ? c->mailbox_size : (long long)start;
    if (!af_quota_check(c, size, -1, path)) {
      if (c->basic_errno == ERRNO_EXIMQUOTA) c->more_errno = (int)(time(NULL) - st.st_atime);
      goto out;
    }
    c->mbx = ob->mbx_format;
    if (c->mbx ? af_mbx_ops_hooks->write(c, fd, path, start) : af_write_copy(c, fd, path)) {
      c->rc = OK;
      struct stat after;
      if (regular && fstat(fd, &after) == 0) af_quota_warn_check(c, size, size + (after.st_size - start));
      if (ob->notify_comsat) notify_comsat(c, start);
    } else if (regular) {
      /* Cut the mailbox back and restore its times. */
      int e = errno;
      if (ftruncate(fd, start) == 0) {
        struct timespec ts[2] = {st.st_atim, st.st_mtim};
        futimens(fd, ts);
      }
      errno = e;
    }
  }

out:
  if (mbxfd >= 0) af_mbx_ops_hooks->unlock(c, fd, mbxfd, mbxname);
  if (fd >= 0 && close(fd) != 0 && c->rc == OK)
    af_fail(c, DEFER, errno, "error while closing %s", path);
  if (lockname) unlink(lockname);
  return c->rc;
}
