/* appendfile_int.h - internals shared by the appendfile transport's
 * runtime files: the delivery context (one call of the transport for a
 * batch of addresses), and the functions each file provides.
 *   appendfile_run.c     entry (path, results), writing one copy
 *   appendfile_mbox.c    appending to a single file (checks, locking)
 *   appendfile_dir.c     directories: creation, create_file, new files,
 *                        mailstore
 *   appendfile_maildir.c maildir and maildirsize
 *   appendfile_quota.c   quota options and mailbox sizes
 *   appendfile_mbx.c     MBX format and locking (SUPPORT_MBX)
 * Not for use outside src/transport/appendfile*.c.
 */
#ifndef TRANSPORT_APPENDFILE_INT_H
#define TRANSPORT_APPENDFILE_INT_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "../deliver/addr.h"
#include "appendfile.h"
#include "transport.h"

typedef struct af_ctx {
  transport_instance *t;
  appendfile_options *ob;
  address_item *addr;          /* the batch */
  const char *path;            /* expanded file or directory */
  bool is_dir;
  bool maildir, mailstore;
  bool mbx;                    /* mbx_format for a single file: CRLF copy */
  uid_t uid;                   /* the delivery process's ids */
  gid_t gid;
  int mode;                    /* mode for created files */
  bool mode_forced;            /* a filter's save command gave it */
  const char *home;            /* $home, or NULL */
  int mkdir_errno;             /* af_ensure_directory() could not make
                                  the directory: why (0: it could) */

  /* Quota settings (appendfile_quota.c). */
  long long quota, quota_filecount, quota_warn_threshold;
  bool quota_no_check, filecount_no_check;
  long long mailbox_size, mailbox_filecount;   /* -1: not given */
  long long message_size;      /* $message_size: what the inclusive check adds */
  long long warn_threshold;    /* quota_warn_threshold in bytes, 0: none */
  bool warn;                   /* the delivery crossed it */
  long long usage_before;      /* mailbox size before this delivery */

  /* Outcome. */
  int rc;                      /* OK, DEFER, FAIL */
  int basic_errno, more_errno;
  const char *message;
  bool freeze;
} af_ctx;

/* The transport type's operations (appendfile_run.c). */
extern const transport_ops appendfile_ops;

/* Record a failure (rc DEFER or FAIL) with Exim's error number and text. */
void af_fail(af_ctx *c, int rc, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Write one copy of the message to fd: message_prefix, the BSMTP envelope
 * when use_bsmtp, the message itself, the terminating dot (BSMTP) and
 * message_suffix.  `where` names the file for the error text.  On failure
 * records it in c and returns false. */
bool af_write_copy(af_ctx *c, int fd, const char *where);

/* appendfile_mbox.c */
int af_deliver_file(af_ctx *c);
/* One fcntl (use_fcntl) or flock lock call on fd, shared or exclusive,
 * blocking for at most `timeout` seconds when timeout > 0. */
bool af_lock_call(int fd, bool use_fcntl, bool shared, int timeout);

/* appendfile_mbx.c, present when SUPPORT_MBX is on (af_mbx_ops_hooks is
 * NULL otherwise; the options that need it are refused then).
 *   lock    the MBX locking rules on the open mailbox: AF_LOCK_OK with the
 *           /tmp lock file's descriptor and name, AF_LOCK_BUSY (try again
 *           after lock_interval) or AF_LOCK_ERROR (failure recorded)
 *   unlock  release, removing the /tmp file when nobody else holds the
 *           mailbox
 *   write   one copy in MBX format appended to fd (the file header first
 *           when the mailbox was empty: start == 0); false with the
 *           failure recorded */
enum { AF_LOCK_OK, AF_LOCK_BUSY, AF_LOCK_ERROR };
struct af_mbx_ops {
  int (*lock)(af_ctx *c, int fd, const struct stat *st, int *lockfd, const char **lockname);
  void (*unlock)(af_ctx *c, int fd, int lockfd, const char *lockname);
  bool (*write)(af_ctx *c, int fd, const char *path, off_t start);
};
extern const struct af_mbx_ops *const af_mbx_ops_hooks;

/* appendfile_dir.c */
bool af_create_allowed(af_ctx *c, const char *path);
/* Makes dir and its missing parents with directory_mode; false with
 * errno set (the caller words the failure). */
bool af_make_dirs(af_ctx *c, const char *dir);
/* create_file allows a new file in dir, and dir exists or is made
 * (create_directory).  A directory that cannot be made is left for the
 * file's creation to report, as exim4 does (maildir reports it itself);
 * false with the failure recorded. */
bool af_ensure_directory(af_ctx *c, const char *dir);
int af_deliver_directory(af_ctx *c);
int af_deliver_mailstore(af_ctx *c);
/* Give a new file the mode (fchmod, since the umask may narrow it). */
void af_set_mode(af_ctx *c, int fd);

/* appendfile_maildir.c */
int af_deliver_maildir(af_ctx *c);

/* appendfile_quota.c */
bool af_quota_setup(af_ctx *c);
/* Total size and file count below dir (quota_size_regex honoured);
 * `regex` limits the top-level entries counted (maildir), or NULL. */
void af_directory_usage(af_ctx *c, const char *dir, const char *top_regex, long long *size,
                        long long *count);
/* Check the quotas before writing (current usage known): false with the
 * failure recorded. */
bool af_quota_check(af_ctx *c, long long size, long long count, const char *where);
/* Note whether growing from `before` to `after` bytes crossed
 * quota_warn_threshold (c->warn). */
void af_quota_warn_check(af_ctx *c, long long before, long long after);

/* appendfile_warn.c: the quota warning message, sent by the delivery
 * process (not the transport's, which runs as the user) for an address
 * the transport marked SPECIAL_WARN. */
void appendfile_send_warning(struct transport_instance *t, address_item *addr);

#endif
