/* pipe.c - the pipe transport (spec chapter 29): private options with Exim
 * 4.96's types and defaults, and init: pipe_as_creator against an explicit
 * user or group, the temp_errors syntax, restrict_to_path against
 * use_shell, and the batched-SMTP string defaults.  A missing command is
 * found at delivery time, as in Exim.
 * Entry point: transport_pipe (delivery itself: pipe_run.c).
 * Must never: run a command at configuration time.
 */
#include "transport.h"

#include <ctype.h>

#include "pipe.h"

#define PO(n, t, f) {n, t, OPT_OFF(pipe_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist pipe_option_list[] = {
  PO("allow_commands", opt_stringptr, allow_commands),
  PO("batch_id", opt_stringptr, batch_id),
  PO("batch_max", opt_int, batch_max),
  PO("check_string", opt_stringptr, check_string),
  PO("command", opt_stringptr, command),
  PO("environment", opt_stringptr, environment),
  PO("escape_string", opt_stringptr, escape_string),
  PO("force_command", opt_bool, force_command),
  PO("freeze_exec_fail", opt_bool, freeze_exec_fail),
  PO("freeze_signal", opt_bool, freeze_signal),
  PO("ignore_status", opt_bool, ignore_status),
  PO("log_defer_output", opt_bool, log_defer_output),
  PO("log_fail_output", opt_bool, log_fail_output),
  PO("log_output", opt_bool, log_output),
  PO("max_output", opt_mkint, max_output),
  PO("message_prefix", opt_stringptr, message_prefix),
  PO("message_suffix", opt_stringptr, message_suffix),
  PO("path", opt_stringptr, path),
  PO("permit_coredump", opt_bool, permit_coredump),
  PO("pipe_as_creator", opt_bool, pipe_as_creator),
  PO("restrict_to_path", opt_bool, restrict_to_path),
  PO("return_fail_output", opt_bool, return_fail_output),
  PO("return_output", opt_bool, return_output),
  PO("temp_errors", opt_stringptr, temp_errors),
  PO("timeout", opt_time, timeout),
  PO("timeout_defer", opt_bool, timeout_defer),
  PO("umask", opt_octint, umask),
  PO("use_bsmtp", opt_bool, use_bsmtp),
  PO("use_crlf", opt_bool, use_crlf),
  PO("use_shell", opt_bool, use_shell),
};

static const pipe_options pipe_defaults = {
  .batch_max = 1,
  .max_output = 20 * 1024,
  .message_prefix = "From ${if def:return_path{$return_path}{MAILER-DAEMON}} ${tod_bsdinbox}\n",
  .message_suffix = "\n",
  .path = "/bin:/usr/bin",
  .temp_errors = "75:73",   /* EX_TEMPFAIL:EX_CANTCREAT */
  .timeout = 3600,
  .umask = 022,
};

/* "*" or a colon-separated list of numbers. */
static bool temp_errors_ok(const char *s) {
  if (s[0] == '*' && s[1] == 0) return true;
  for (const char *p = s; *p; p++)
    if (!isdigit(uc(*p)) && *p != ':' && !isspace(uc(*p))) return false;
  return true;
}

static bool was_set(const pipe_options *ob, const char *name) {
  option_table t = {pipe_option_list, OPT_COUNT(pipe_option_list), NULL, NULL};
  const optionlist *o = option_find(&t, 1, name, NULL);
  return o && option_was_set(o, ob);
}

static const char *pipe_init(driver_instance *d) {
  const char *err = transport_generic_init(d);
  if (err) return err;
  transport_instance *t = (transport_instance *)d;
  pipe_options *ob = d->options_block;
  if (ob->pipe_as_creator &&
      (option_was_set(transport_generic_option("user"), t) ||
       option_was_set(transport_generic_option("group"), t)))
    return driver_error_plain(
        "both pipe_as_creator and an explicit uid/gid are set for the %s transport", d->name);
  if (ob->temp_errors && !temp_errors_ok(ob->temp_errors))
    return driver_error_plain(
        "temp_errors must be a list of numbers or an asterisk for the %s transport", d->name);
  if (ob->restrict_to_path && ob->use_shell)
    return driver_error_plain("both restrict_to_path and use_shell set for %s transport", d->name);
  if (ob->use_bsmtp) {
    ob->check_string = ".";
    ob->escape_string = "..";
    if (!was_set(ob, "message_prefix")) ob->message_prefix = NULL;
    if (!was_set(ob, "message_suffix")) ob->message_suffix = NULL;
  }
  return NULL;
}

static int pipe_batch_max(const transport_instance *t) {
  const pipe_options *ob = t->drv.options_block;
  return ob->batch_max > 0 ? ob->batch_max : 1;
}

static bool pipe_as_creator(const transport_instance *t) {
  return ((const pipe_options *)t->drv.options_block)->pipe_as_creator;
}

static const transport_ops pipe_ops = {.local = true, .deliver = pipe_deliver, .batch_max = pipe_batch_max,
                                       .as_creator = pipe_as_creator};

const driver_info transport_pipe = {
  .name = "pipe",
  .options = pipe_option_list,
  .options_count = OPT_COUNT(pipe_option_list),
  .options_defaults = &pipe_defaults,
  .options_size = sizeof(pipe_options),
  .init = pipe_init,
  .kind_ops = &pipe_ops,
};
