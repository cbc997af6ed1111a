/* write.h - writing a message to a transport's output (spec chapter 24
 * and the per-transport options that shape the copy): the header section
 * with the routers' and transport's headers_add/headers_remove and
 * headers_rewrite applied, Return-path:, Envelope-to: and Delivery-date:
 * when asked, then the body from the -D file; line endings (CRLF), SMTP dot
 * stuffing, check_string/escape_string, and a transport_filter process
 * between the message and the output.  Shared by every transport.
 *
 * Entry points: transport_write_message(), transport_return_path(),
 * transport_headers_text().
 * Must never: write part of a message and report success; run the
 * transport filter through a shell.
 */
#ifndef TRANSPORT_WRITE_H
#define TRANSPORT_WRITE_H

#include <stdbool.h>
#include <sys/types.h>

#include "../base/str.h"
#include "../deliver/addr.h"
#include "transport.h"

enum {
  TW_CRLF = 1u << 0,             /* line ends are CRLF (use_crlf, lmtp, smtp, bsmtp) */
  TW_DOT_STUFF = 1u << 1,        /* SMTP dot stuffing (lmtp, smtp, use_bsmtp) */
  TW_END_DOT = 1u << 2,          /* write the terminating "." line */
  TW_HEADERS_ONLY = 1u << 3,
  TW_BODY_ONLY = 1u << 4,
  TW_RETURN_PATH = 1u << 5,      /* add Return-path: (return_path_add) */
  TW_ENVELOPE_TO = 1u << 6,      /* add Envelope-to: (envelope_to_add) */
  TW_DELIVERY_DATE = 1u << 7,    /* add Delivery-date: (delivery_date_add) */
  TW_NO_FILTER = 1u << 8         /* ignore transport_filter (autoreply's returned copy) */
};

typedef struct transport_write_opts {
  int fd;                        /* where the message goes */
  unsigned flags;                /* TW_*; the transport's own generic options add theirs */
  const transport_instance *t;   /* headers_add/remove/rewrite, filter, return_path: NULL for none */
  const address_item *addr;      /* routers' extra headers, Envelope-to: list (a batch: addr->next...) */
  const char *check_string;      /* at the start of a line: replace with escape_string */
  const char *escape_string;
  long size_limit;               /* 0: none; bodies larger are cut for bounces (bounce_return_size_limit) */
  int filter_timeout;            /* seconds for the transport_filter process */
} transport_write_opts;

/* Write the message of deliver_current.  false with *error (and errno, or
 * the ERRNO_* of addr.h in *err_code) on failure: write errors, filter
 * failure (ERRNO_FILTER_FAIL), header expansion failure
 * (ERRNO_CHHEADER_FAIL). */
bool transport_write_message(const transport_write_opts *o, const char **error, int *err_code);

/* Bytes a transport has written for the current delivery (the log's S=
 * with +delivery_size): everything transport_write_message() and
 * transport_write_string() wrote since the delivery process set it to 0. */
extern long transport_count;

/* Write n bytes of a transport's own text (message_prefix/suffix, a BSMTP
 * envelope line) and count them in transport_count.  false with errno. */
bool transport_write_string(int fd, const char *s, size_t n);

/* The text a transport puts in addr->message after a failed
 * transport_write_message(), naming where it was writing (Exim's
 * "... while writing to <where>"): error NULL (a plain errno) gives
 * "error while writing to <where>"; an expansion failure's detail stays
 * at the end. */
char *transport_write_failure_text(const char *error, const char *where);

/* The transport's message_size_limit against the message's size: OK, or
 * FAIL ("message is too big (transport limit = N)") or DEFER (expansion
 * failure) with addr->message, basic_errno set on every address of the
 * list. */
int transport_check_size(const transport_instance *t, address_item *addr);

/* The envelope sender for this delivery: the transport's return_path
 * (expanded) or the message's sender, "" for a bounce ($return_path).
 * NULL with *error on expansion failure. */
const char *transport_return_path(const transport_instance *t, const address_item *addr, const char **error);

/* What exim4's delivery process sets up before a local transport runs:
 * the return path and the transport_filter command.  false with *error
 * and *error_no (ERRNO_EXPANDFAIL for the return path, -1 for the
 * filter) when either fails (the return path's failure is logged to the
 * main and panic logs, as exim4); the transport then defers every address. */
bool transport_local_setup(const transport_instance *t, address_item *addr, const char **error, int *error_no);

/* The header section as it would be written (for autoreply's
 * return_message, bounces' copy of the message, and $message_headers in
 * a transport). */
gstring *transport_headers_text(const transport_write_opts *o, const char **error);

/* Build the argument vector of a command as pipe, queryprogram, lmtp
 * command and transport_filter do (spec 29.3): split the unexpanded string
 * into arguments at white space (quotes grouping as Exim's rules), then
 * expand each argument separately; "$pipe_addresses" as a whole argument
 * becomes one argument per address.  When `expand_args` is false the
 * arguments are used as they are.  NULL with *error ("Expansion of ...
 * failed", "... is tainted", "missing command") on failure. */
char **transport_command_argv(const char *command, const char *what, bool expand_args,
                              const address_item *addr, const char **error);

/* After transport_command_argv() fails: true when an argument was refused
 * as tainted (a permanent failure), false for an expansion failure or a
 * missing command (temporary). */
extern bool transport_command_tainted;

/* Run argv[0] (an absolute path) in a child: its stdin from *in_fd (a pipe
 * the caller writes, or -1: /dev/null) and stdout+stderr to *out_fd (a pipe
 * the caller reads, or -1: /dev/null), with envp, umask and the current
 * directory given.  Returns the pid, or -1 with *error.
 * Precisely, for each of in_fd/out_fd: NULL gives the child /dev/null;
 * *fd == -1 makes a new pipe and returns the caller's end in *fd
 * (close-on-exec); *fd >= 0 hands that descriptor to the child as it is
 * (e.g. a transport filter writing straight to the delivery fd). */
pid_t transport_child_open(char *const *argv, char *const *envp, mode_t umask_value, const char *cwd,
                           int *in_fd, int *out_fd, bool new_process_group, const char **error);

/* After transport_child_open() returned a pid: 0 when the command was
 * executed, else the errno of the failed execve (the child then exits with
 * status 127, as a shell does for a missing command). */
extern int transport_child_exec_errno;

/* Wait for a child with a timeout (seconds, 0 = none): the exit status as
 * waitpid gives it, -256 on timeout (the child's process group is killed),
 * -257 on a wait error. */
int transport_child_wait(pid_t pid, int timeout);

#endif
