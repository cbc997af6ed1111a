/* appendfile.c - the appendfile transport (spec chapter 26): private
 * options with Exim 4.96's types and defaults, and init: file vs
 * directory, the locking defaults (flock, MBX), "no locking configured",
 * create_file values, and the defaults of check_string, escape_string,
 * message_prefix and message_suffix that depend on the delivery format.
 * Entry point: transport_appendfile (its delivery is appendfile_run.c's
 * appendfile_ops).
 * Must never: touch a mailbox at configuration time.
 */
#include "transport.h"

#include <string.h>

#include "appendfile.h"
#include "appendfile_int.h"

#define AO(n, t, f) {n, t, OPT_OFF(appendfile_options, f), NULL, NULL}
/* An option of the MBX support (SUPPORT_MBX), refused when it is off. */
#define AOMBX(n, t, f) {n, t, OPT_OFF(appendfile_options, f), "MBX", NULL}

/* Sorted by name (strcmp order; '*' sorts first).  Exim lists the stored
 * expansion of maildir_use_size_file under its internal name too. */
static const optionlist appendfile_option_list[] = {
  AO("*expand_maildir_use_size_file", opt_stringptr, maildir_use_size_file.expand),
  AO("allow_fifo", opt_bool, allow_fifo),
  AO("allow_symlink", opt_bool, allow_symlink),
  AO("batch_id", opt_stringptr, batch_id),
  AO("batch_max", opt_int, batch_max),
  AO("check_group", opt_bool, check_group),
  AO("check_owner", opt_bool, check_owner),
  AO("check_string", opt_stringptr, check_string),
  AO("create_directory", opt_bool, create_directory),
  AO("create_file", opt_stringptr, create_file),
  AO("directory", opt_stringptr, directory),
  AO("directory_file", opt_stringptr, directory_file),
  AO("directory_mode", opt_octint, directory_mode),
  AO("escape_string", opt_stringptr, escape_string),
  AO("file", opt_stringptr, file),
  AO("file_format", opt_stringptr, file_format),
  AO("file_must_exist", opt_bool, file_must_exist),
  AO("lock_fcntl_timeout", opt_time, lock_fcntl_timeout),
  AO("lock_flock_timeout", opt_time, lock_flock_timeout),
  AO("lock_interval", opt_time, lock_interval),
  AO("lock_retries", opt_int, lock_retries),
  AO("lockfile_mode", opt_octint, lockfile_mode),
  AO("lockfile_timeout", opt_time, lockfile_timeout),
  AO("mailbox_filecount", opt_stringptr, mailbox_filecount),
  AO("mailbox_size", opt_stringptr, mailbox_size),
  AO("maildir_format", opt_bool, maildir_format),
  AO("maildir_quota_directory_regex", opt_stringptr, maildir_quota_directory_regex),
  AO("maildir_retries", opt_int, maildir_retries),
  AO("maildir_tag", opt_stringptr, maildir_tag),
  AO("maildir_use_size_file", opt_expand_bool, maildir_use_size_file),
  AO("maildirfolder_create_regex", opt_stringptr, maildirfolder_create_regex),
  AO("mailstore_format", opt_bool, mailstore_format),
  AO("mailstore_prefix", opt_stringptr, mailstore_prefix),
  AO("mailstore_suffix", opt_stringptr, mailstore_suffix),
  AOMBX("mbx_format", opt_bool, mbx_format),
  AO("message_prefix", opt_stringptr, message_prefix),
  AO("message_suffix", opt_stringptr, message_suffix),
  AO("mode", opt_octint, mode),
  AO("mode_fail_narrower", opt_bool, mode_fail_narrower),
  AO("notify_comsat", opt_bool, notify_comsat),
  AO("quota", opt_stringptr, quota),
  AO("quota_directory", opt_stringptr, quota_directory),
  AO("quota_filecount", opt_stringptr, quota_filecount),
  AO("quota_is_inclusive", opt_bool, quota_is_inclusive),
  AO("quota_size_regex", opt_stringptr, quota_size_regex),
  AO("quota_warn_message", opt_stringptr, quota_warn_message),
  AO("quota_warn_threshold", opt_stringptr, quota_warn_threshold),
  AO("use_bsmtp", opt_bool, use_bsmtp),
  AO("use_crlf", opt_bool, use_crlf),
  AO("use_fcntl_lock", opt_bool_set, use_fcntl_lock),
  AO("use_flock_lock", opt_bool_set, use_flock_lock),
  AO("use_lockfile", opt_bool_set, use_lockfile),
  AOMBX("use_mbx_lock", opt_bool_set, use_mbx_lock),
};

static const appendfile_options appendfile_defaults = {
  .batch_max = 1,
  .check_owner = true,
  .check_string = "From ",
  .create_directory = true,
  .create_file = "anywhere",
  .directory_file = "q${base62:$tod_epoch}-$inode",
  .directory_mode = 0700,
  .escape_string = ">From ",
  .lock_interval = 3,
  .lock_retries = 10,
  .lockfile_mode = 0600,
  .lockfile_timeout = 30 * 60,
  .maildir_quota_directory_regex = "^(?:cur|new|\\..*)$",
  .maildir_retries = 10,
  .message_prefix = "From ${if def:return_path{$return_path}{MAILER-DAEMON}} ${tod_bsdinbox}\n",
  .message_suffix = "\n",
  .mode = 0600,
  .mode_fail_narrower = true,
  .quota_is_inclusive = true,
  .use_fcntl_lock = true,
  .use_lockfile = true,
};

static bool was_set(const appendfile_options *ob, const char *name) {
  option_table t = {appendfile_option_list, OPT_COUNT(appendfile_option_list), NULL, NULL};
  const optionlist *o = option_find(&t, 1, name, NULL);
  return o && option_was_set(o, ob);
}

/* Unset a format-dependent string default unless the configuration set it. */
static void unset_default(appendfile_options *ob, const char **field, const char *name) {
  if (!was_set(ob, name)) *field = NULL;
}

static const char *appendfile_init(driver_instance *d) {
  const char *err = transport_generic_init(d);
  if (err) return err;
  appendfile_options *ob = d->options_block;

  if (ob->file && ob->directory)
    return driver_error(d, "transport", "only one of \"file\" or \"directory\" can be specified");

  /* flock locking replaces fcntl unless fcntl was asked for; MBX format
   * uses MBX locking without a lock file unless any locking was asked for. */
  if (ob->use_flock_lock && !ob->use_fcntl_lock_set) ob->use_fcntl_lock = false;
  if (ob->mbx_format && !ob->use_fcntl_lock_set && !ob->use_flock_lock_set &&
      !ob->use_lockfile_set && !ob->use_mbx_lock_set) {
    ob->use_mbx_lock = true;
    ob->use_lockfile = false;
  }
  if (!ob->use_fcntl_lock && !ob->use_flock_lock && !ob->use_lockfile)
    return driver_error(d, "transport", "no locking configured");

  static const char *const create_words[] = {"anywhere", "belowhome", "inhome"};
  ob->create_file_code = -1;
  for (int i = 0; i < 3; i++)
    if (strcmp(ob->create_file, create_words[i]) == 0) ob->create_file_code = i;
  if (ob->create_file_code < 0) {
    if (ob->create_file[0] != '/')
      return driver_error_plain("invalid value given for \"create_file\" for the %s transport: '%s'",
                                d->name, ob->create_file);
    ob->create_file_code = CREATE_PATH;
  }

  if (ob->use_bsmtp) {
    /* Batched SMTP: dot-stuffing replaces "From " escaping. */
    ob->check_string = ".";
    ob->escape_string = "..";
    unset_default(ob, &ob->message_prefix, "message_prefix");
    unset_default(ob, &ob->message_suffix, "message_suffix");
  } else if (ob->directory || ob->maildir_format || ob->mailstore_format) {
    unset_default(ob, &ob->check_string, "check_string");
    unset_default(ob, &ob->escape_string, "escape_string");
    unset_default(ob, &ob->message_prefix, "message_prefix");
    unset_default(ob, &ob->message_suffix, "message_suffix");
  }
  return NULL;
}

const driver_info transport_appendfile = {
  .name = "appendfile",
  .options = appendfile_option_list,
  .options_count = OPT_COUNT(appendfile_option_list),
  .options_defaults = &appendfile_defaults,
  .options_size = sizeof(appendfile_options),
  .init = appendfile_init,
  .kind_ops = &appendfile_ops,
};
