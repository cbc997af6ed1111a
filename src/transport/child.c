/* child.c - commands that transports run (spec 29.3): splitting a command
 * line into arguments with Exim's quoting rules, expanding each argument
 * on its own ("$pipe_addresses" and, under force_command, "$address_pipe"
 * becoming several arguments), refusing a tainted command name, then
 * starting the command in a child with pipes for its input and output and
 * waiting for it with a timeout.  Used by pipe, lmtp (command=),
 * queryprogram and the transport filter.
 *
 * Entry points: transport_command_argv(), transport_child_open(),
 * transport_child_wait() (declared in write.h).
 * Must never: run anything through a shell (callers that want one put
 * /bin/sh -c in the vector themselves); leave the timeout alarm or its
 * handler installed after returning.
 */
#include "write.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/store.h"
#include "../expand/expand.h"
#include "../expand/variables.h"

/* Enough for any sensible command; a batch of addresses through
 * $pipe_addresses is bounded by batch_max. */
#define ARGV_MAX 4096

typedef struct argv_build {
  char **v;
  bool *checked;            /* the argument must not be tainted */
  int n, size;
} argv_build;

static bool argv_add(argv_build *b, char *s, bool check) {
  if (b->n + 1 >= ARGV_MAX) return false;
  if (b->n + 1 >= b->size) {
    int nsize = b->size ? b->size * 2 : 16;
    char **nv = store_get(sizeof(char *) * nsize, false);
    bool *nc = store_get(sizeof(bool) * nsize, false);
    if (b->n) {
      memcpy(nv, b->v, sizeof(char *) * b->n);
      memcpy(nc, b->checked, sizeof(bool) * b->n);
    }
    b->v = nv;
    b->checked = nc;
    b->size = nsize;
  }
  b->checked[b->n] = check;
  b->v[b->n++] = s;
  b->v[b->n] = NULL;
  return true;
}

/* Split s into raw (unexpanded) arguments: white space separates them; an
 * argument opened by a single quote runs to the next single quote with no
 * escapes; one opened by a double quote runs to the next double quote with
 * backslash escapes interpreted.  The copies keep the taint of s. */
static bool split_args(const char *s, argv_build *b) {
  bool tainted = is_tainted(s);
  while (isspace(uc(*s))) s++;
  while (*s) {
    gstring *g = g_new(32, tainted);
    if (*s == '\'') {
      s++;
      while (*s && *s != '\'') g = g_catc(g, *s++);
      if (*s) s++;
    } else if (*s == '"') {
      s++;
      while (*s && *s != '"') {
        if (*s == '\\' && s[1]) {
          s++;
          g = g_catc(g, (char)str_escape(&s));
        } else {
          g = g_catc(g, *s++);
        }
      }
      if (*s) s++;
    } else {
      while (*s && !isspace(uc(*s))) g = g_catc(g, *s++);
    }
    if (!argv_add(b, g_str(g), true)) return false;
    while (isspace(uc(*s))) s++;
  }
  return true;
}

bool transport_command_tainted;
int transport_child_exec_errno;

static char **fail(const char **error, char *msg) {
  if (error) *error = msg;
  return NULL;
}

char **transport_command_argv(const char *command, const char *what, bool expand_args,
                              const address_item *addr, const char **error) {
  transport_command_tainted = false;
  if (!what) what = "command";
  if (!command || !*str_skip_space(command))
    return fail(error, str_sprintf("missing command for %s", what));

  argv_build raw = {0};
  if (!split_args(command, &raw))
    return fail(error, str_sprintf("too many arguments in command \"%s\" in %s", command, what));

  argv_build out = {0};
  for (int i = 0; i < raw.n; i++) {
    const char *a = raw.v[i];
    if (expand_args && strcmp(a, "$pipe_addresses") == 0) {
      for (const address_item *ad = addr; ad; ad = ad->next)
        if (!argv_add(&out, (char *)ad->address, false))
          return fail(error, str_sprintf("too many arguments in command \"%s\" in %s", command, what));
      continue;
    }
    if (expand_args && addr && (addr->flags & af_force_command) && strcmp(a, "$address_pipe") == 0) {
      /* The redirected command, split as any command (and expanded when
       * it came from a filter). */
      const char *ap = addr->address;
      if (ap && *ap == '|') ap++;
      while (ap && isspace(uc(*ap))) ap++;
      argv_build sub = {0};
      if (ap && !split_args(ap, &sub))
        return fail(error, str_sprintf("too many arguments in command \"%s\" in %s", command, what));
      for (int j = 0; j < sub.n; j++) {
        char *e = sub.v[j];
        if (addr->flags & af_expand_pipe) {
          e = expand_string(sub.v[j]);
          if (!e)
            return fail(error, str_sprintf("Expansion of \"%s\" from command \"%s\" in %s failed: %s",
                                           sub.v[j], ap, what, expand_status.message));
        }
        if (!argv_add(&out, e, true))
          return fail(error, str_sprintf("too many arguments in command \"%s\" in %s", command, what));
      }
      continue;
    }
    char *e = (char *)a;
    if (expand_args) {
      e = expand_string(a);
      if (!e)
        return fail(error, str_sprintf("Expansion of \"%s\" from command \"%s\" in %s failed: %s", a,
                                       command, what, expand_status.message));
    }
    if (!argv_add(&out, e, true))
      return fail(error, str_sprintf("too many arguments in command \"%s\" in %s", command, what));
  }
  if (out.n == 0 || !*out.v[0])
    return fail(error, str_sprintf("missing command for %s", what));
  for (int i = 0; i < out.n; i++)
    if (out.checked[i] && is_tainted(out.v[i])) {
      transport_command_tainted = true;
      return fail(error, str_sprintf("Tainted arg %d for %s command: '%s'", i, what, out.v[i]));
    }
  return out.v;
}

/* In the child: make fd `target` refer to `fd`. */
static void child_fd(int fd, int target) {
  if (fd != target) {
    dup2(fd, target);
    close(fd);
  }
}

pid_t transport_child_open(char *const *argv, char *const *envp, mode_t umask_value, const char *cwd,
                           int *in_fd, int *out_fd, bool new_process_group, const char **error) {
  /* For each side: NULL -> /dev/null; *fd >= 0 -> that descriptor is
   * given to the child as it is; *fd == -1 -> a new pipe whose other end
   * is returned in *fd. */
  int inp[2] = {-1, -1}, outp[2] = {-1, -1};
  if (in_fd && *in_fd < 0 && pipe(inp) < 0) {
    if (error) *error = str_sprintf("pipe() failed: %s", strerror(errno));
    return -1;
  }
  if (out_fd && *out_fd < 0 && pipe(outp) < 0) {
    int e = errno;
    if (inp[0] >= 0) { close(inp[0]); close(inp[1]); }
    if (error) *error = str_sprintf("pipe() failed: %s", strerror(e));
    return -1;
  }
  /* A close-on-exec pipe tells the parent whether execve worked: it sees
   * EOF when it did, the errno when it did not. */
  int ep[2];
  if (pipe2(ep, O_CLOEXEC) < 0) ep[0] = ep[1] = -1;
  transport_child_exec_errno = 0;
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    if (inp[0] >= 0) { close(inp[0]); close(inp[1]); }
    if (outp[0] >= 0) { close(outp[0]); close(outp[1]); }
    if (ep[0] >= 0) { close(ep[0]); close(ep[1]); }
    if (error) *error = str_sprintf("fork() failed: %s", strerror(e));
    return -1;
  }
  if (pid == 0) {
    if (new_process_group) setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    int in = -1, out = -1;
    if (!in_fd) in = open("/dev/null", O_RDONLY);
    else if (inp[0] >= 0) { close(inp[1]); in = inp[0]; }
    else in = *in_fd;
    if (!out_fd) out = open("/dev/null", O_WRONLY);
    else if (outp[1] >= 0) { close(outp[0]); out = outp[1]; }
    else out = *out_fd;
    /* The output goes to 1 and 2; move it clear of 0 first. */
    if (out == 0) { out = dup(out); }
    if (in >= 0) child_fd(in, 0);
    if (out >= 0) {
      if (out != 1) dup2(out, 1);
      if (out != 2) dup2(out, 2);
      if (out > 2) close(out);
    }
    if (ep[1] >= 0 && ep[1] < 3) ep[1] = -1;   /* cannot happen: 0-2 were open */
    if (ep[1] >= 0 && ep[1] != 3) { dup3(ep[1], 3, O_CLOEXEC); ep[1] = 3; }
    closefrom(ep[1] >= 0 ? 4 : 3);
    umask(umask_value);
    int e = 0;
    if (cwd && chdir(cwd) < 0) e = errno;
    else {
      execve(argv[0], argv, envp);
      e = errno;
    }
    if (ep[1] >= 0) { ssize_t w = write(ep[1], &e, sizeof e); (void)w; }
    _exit(127);
  }
  if (ep[1] >= 0) {
    close(ep[1]);
    int e = 0;
    ssize_t r;
    while ((r = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR) {}
    if (r == (ssize_t)sizeof e) transport_child_exec_errno = e ? e : ENOEXEC;
    close(ep[0]);
  }
  if (new_process_group) setpgid(pid, pid);   /* no race with the child's own call */
  if (inp[0] >= 0) { close(inp[0]); *in_fd = inp[1]; fcntl(inp[1], F_SETFD, FD_CLOEXEC); }
  if (outp[1] >= 0) { close(outp[1]); *out_fd = outp[0]; fcntl(outp[0], F_SETFD, FD_CLOEXEC); }
  return pid;
}

static volatile sig_atomic_t child_timed_out;

static void child_alarm(int sig) {
  (void)sig;
  child_timed_out = 1;
}

int transport_child_wait(pid_t pid, int timeout) {
  struct sigaction sa, old;
  unsigned old_alarm = 0;
  child_timed_out = 0;
  if (timeout > 0) {
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = child_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* no SA_RESTART: waitpid must return EINTR */
    sigaction(SIGALRM, &sa, &old);
    old_alarm = alarm((unsigned)timeout);
  }
  int status = 0, rc;
  for (;;) {
    pid_t r = child_timed_out ? (errno = EINTR, -1) : waitpid(pid, &status, 0);
    if (r == pid) { rc = status; break; }
    if (r < 0 && errno == EINTR) {
      if (!child_timed_out) continue;
      if (kill(-pid, SIGKILL) < 0) kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
      rc = -256;
      break;
    }
    rc = -257;
    break;
  }
  if (timeout > 0) {
    alarm(0);
    sigaction(SIGALRM, &old, NULL);
    if (old_alarm) alarm(old_alarm);
  }
  return rc;
}
