/* appendfile.h - private options block of the appendfile transport. */
#ifndef TRANSPORT_APPENDFILE_H
#define TRANSPORT_APPENDFILE_H

#include <stdbool.h>

#include "../config/option.h"

/* create_file values. */
enum { CREATE_ANYWHERE, CREATE_BELOWHOME, CREATE_INHOME, CREATE_PATH };

typedef struct appendfile_options {
  bool allow_fifo;
  bool allow_symlink;
  const char *batch_id;
  int batch_max;
  bool check_group;
  bool check_owner;
  const char *check_string;
  bool create_directory;
  const char *create_file;
  const char *directory;
  const char *directory_file;
  int directory_mode;
  const char *escape_string;
  const char *file;
  const char *file_format;
  bool file_must_exist;
  int lock_fcntl_timeout;
  int lock_flock_timeout;
  int lock_interval;
  int lock_retries;
  int lockfile_mode;
  int lockfile_timeout;
  const char *mailbox_filecount;
  const char *mailbox_size;
  bool maildir_format;
  const char *maildir_quota_directory_regex;
  int maildir_retries;
  const char *maildir_tag;
  opt_expand_bool_val maildir_use_size_file;
  const char *maildirfolder_create_regex;
  bool mailstore_format;
  const char *mailstore_prefix;
  const char *mailstore_suffix;
  bool mbx_format;
  const char *message_prefix;
  const char *message_suffix;
  int mode;
  bool mode_fail_narrower;
  bool notify_comsat;
  const char *quota;
  const char *quota_directory;
  const char *quota_filecount;
  bool quota_is_inclusive;
  const char *quota_size_regex;
  const char *quota_warn_message;
  const char *quota_warn_threshold;
  bool use_bsmtp;
  bool use_crlf;
  bool use_fcntl_lock, use_fcntl_lock_set;     /* opt_bool_set pairs */
  bool use_flock_lock, use_flock_lock_set;
  bool use_lockfile, use_lockfile_set;
  bool use_mbx_lock, use_mbx_lock_set;
  int create_file_code;                         /* derived by init */
} appendfile_options;

#endif
