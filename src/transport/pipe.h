/* pipe.h - private options block of the pipe transport and its delivery
 * entry point. */
#ifndef TRANSPORT_PIPE_H
#define TRANSPORT_PIPE_H

#include <stdbool.h>

typedef struct pipe_options {
  const char *allow_commands;
  const char *batch_id;
  int batch_max;
  const char *check_string;
  const char *command;
  const char *environment;
  const char *escape_string;
  bool force_command, freeze_exec_fail, freeze_signal, ignore_status;
  bool log_defer_output, log_fail_output, log_output;
  int max_output;
  const char *message_prefix;
  const char *message_suffix;
  const char *path;
  bool permit_coredump, pipe_as_creator, restrict_to_path;
  bool return_fail_output, return_output;
  const char *temp_errors;
  int timeout;
  bool timeout_defer;
  int umask;
  bool use_bsmtp, use_crlf, use_shell;
} pipe_options;

struct transport_instance;
struct address_item;
/* Deliver to the command (pipe_run.c): transport_ops.deliver of pipe. */
bool pipe_deliver(struct transport_instance *t, struct address_item *addr);

#endif
