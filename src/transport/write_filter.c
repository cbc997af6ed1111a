/* write_filter.c - a transport's transport_filter (spec 24,
 * transport_filter and transport_filter_timeout): the command is started
 * with child.c's helpers (no shell), a second child writes the message
 * into it (LF line ends, before any CRLF, dot stuffing or escaping, so the
 * parent can never deadlock), and the parent copies the filter's output
 * through the transport's output stream.
 *
 * Entry point: tw_write_filtered() (write_int.h), called by
 * transport_write_message().
 * Must never: report success when the filter or the writing child failed;
 * leave a child behind (both are reaped, the filter killed on timeout).
 */
#include "write.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "write_int.h"

extern char **environ;

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The writing child: the message, plain, into the filter's stdin. */
static void writer_child(const transport_write_opts *o, unsigned flags, const gstring *hdrs, int fd) {
  signal(SIGPIPE, SIG_IGN);
  tw_out p;
  tw_out_init(&p, fd, 0, NULL, NULL);
  const char *err = NULL;
  int code = 0;
  bool ok = tw_write_parts(o, flags & ~(TW_CRLF | TW_DOT_STUFF), hdrs, &p, &err, &code) &&
            tw_out_flush(&p);
  _exit(ok ? 0 : 1);
}

static void kill_filter(pid_t pid) {
  if (kill(-pid, SIGKILL) < 0) kill(pid, SIGKILL);
}

bool tw_write_filtered(const transport_write_opts *o, unsigned flags, const char *command,
                       const gstring *hdrs, tw_out *w, const char **error, int *err_code) {
  char **argv = transport_command_argv(command, "transport filter", true, o->addr, error);
  if (!argv) {
    /* a command that cannot be built: error -1, the text alone (exim4) */
    *err_code = ERRNO_UNKNOWNERROR;
    return false;
  }
  int in_fd = -1, out_fd = -1;
  pid_t fpid = transport_child_open(argv, environ, 077, NULL, &in_fd, &out_fd, true, error);
  if (fpid < 0) {
    *err_code = ERRNO_FILTER_FAIL;
    return false;
  }
  pid_t wpid = fork();
  if (wpid == 0) {
    close(out_fd);
    writer_child(o, flags, hdrs, in_fd);
  }
  close(in_fd);
  if (wpid < 0) {
    *err_code = errno;
    *error = NULL;
    close(out_fd);
    kill_filter(fpid);
    transport_child_wait(fpid, 0);
    return false;
  }

  /* Copy the filter's output until it closes it, within the timeout. */
  int timeout = o->filter_timeout > 0 ? o->filter_timeout
                : o->t && o->t->transport_filter_timeout > 0 ? o->t->transport_filter_timeout : 0;
  long deadline = timeout > 0 ? now_ms() + (long)timeout * 1000 : 0;
  bool timed_out = false, read_failed = false;
  int read_errno = 0;
  char buf[TW_BUFSIZE];
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      long left = deadline - now_ms();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      wait_ms = left > 1000000 ? 1000000 : (int)left;
    }
    struct pollfd pfd = {.fd = out_fd, .events = POLLIN};
    int pr = poll(&pfd, 1, wait_ms);
    if (pr < 0) {
      if (errno == EINTR) continue;
      read_failed = true;
      read_errno = errno;
      break;
    }
    if (pr == 0) continue;
    ssize_t n = read(out_fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      read_failed = true;
      read_errno = errno;
      break;
    }
    if (n == 0) break;
    if (!tw_out_data(w, buf, (size_t)n)) break;
  }
  close(out_fd);
  if (timed_out || read_failed || w->failed) kill_filter(fpid);

  int fstatus = transport_child_wait(fpid, timed_out ? 0 : (deadline ? 1 + (int)((deadline - now_ms()) / 1000) : 0));
  if (timed_out) kill(wpid, SIGKILL);
  int wstatus = 0;
  while (waitpid(wpid, &wstatus, 0) < 0 && errno == EINTR) {}

  if (timed_out || fstatus == -256) {
    *err_code = ETIMEDOUT;
    *error = NULL;
    return false;
  }
  if (w->failed) return true;            /* the caller reports the write error */
  if (read_failed) {
    *err_code = read_errno;
    *error = NULL;
    return false;
  }
  if (fstatus < 0 || !WIFEXITED(fstatus) || WEXITSTATUS(fstatus) != 0) {
    int code = fstatus < 0 ? fstatus : WIFEXITED(fstatus) ? WEXITSTATUS(fstatus) : -WTERMSIG(fstatus);
    *err_code = ERRNO_FILTER_FAIL;
    *error = str_sprintf(TW_FILTER_FAIL "%d)%s", code, code == 127 ? ": unable to execute command" : "");
    return false;
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    *err_code = ERRNO_FILTER_FAIL;
    *error = "transport filter writing process failed";
    return false;
  }
  return true;
}
