/* pipe_run.c - delivery by the pipe transport (spec chapter 29): the
 * command (the transport's, or the redirected "|command" of a pipe
 * address, or both under force_command), allow_commands/restrict_to_path
 * and the path search, the environment of 29.4, use_shell, then the
 * message (message_prefix, batch SMTP envelope, the message, suffix)
 * written by a separate writer process while this one collects the
 * command's output (max_output, timeout), and the outcome in Exim's words:
 * exit codes with their sysexits hints, temp_errors, ignore_status,
 * signals, freeze_signal/freeze_exec_fail, return_output and the
 * log_*_output lines; no core dumps unless permit_coredump.
 *
 * Entry point: pipe_deliver() (pipe.h), the transport_ops.deliver of pipe.
 * Must never: run the command through a shell unless use_shell is set;
 * wait for the command or the writer without a bound when a timeout is
 * configured; keep more than max_output bytes of output.
 */
#include "pipe.h"

#include <errno.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../config/main_config.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "write.h"

/* Set the outcome on every address of the batch. */
static void set_all(address_item *addr, int rc, int basic_errno, const char *msg) {
  for (address_item *a = addr; a; a = a->next) {
    a->transport_return = rc;
    a->basic_errno = basic_errno;
    a->message = msg;
  }
}

static const char *var(const char *name) {
  const expand_var *v = expand_var_find(name, strlen(name));
  const char *s = v ? expand_var_value(v) : NULL;
  return s ? s : "";
}

/* The sysexits.h hint Exim adds after an exit code. */
static const char *exit_hint(int code) {
  static const char *const hints[] = {
      "usage or syntax error",          /* 64 */
      "error in input data",
      "input data missing",
      "user nonexistent",
      "host nonexistent",
      "service or program unavailable",
      "internal software error",
      "internal operating system error",
      "system file missing",
      "can't create output file",
      "input/output error",
      "temporary error",
      "protocol error",
      "permission denied",
      "configuration error",            /* 78 */
  };
  if (code >= 64 && code <= 78) return hints[code - 64];
  if (code == 127) return "unable to exec or command does not exist";
  return NULL;
}

/* Is code listed in temp_errors ("*" or a colon list of numbers)? */
static bool is_temp_error(const char *list, int code) {
  if (!list) return false;
  const char *p = list;
  int sep = 0;
  for (char *item; (item = list_next(&p, &sep)) != NULL;) {
    if (strcmp(item, "*") == 0) return true;
    char *end;
    long v = strtol(item, &end, 10);
    if (end != item && *str_skip_space(end) == 0 && v == code) return true;
  }
  return false;
}

/* Look for name (no slash) in the colon-separated directories of path. */
static const char *search_path(const char *name, const char *path) {
  const char *p = path;
  int sep = ':';
  for (char *dir; (dir = list_next(&p, &sep)) != NULL;) {
    if (!*dir) continue;
    char *full = str_sprintf("%s/%s", dir, name);
    struct stat st;
    if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) return full;
  }
  return NULL;
}

/* The environment of spec 29.4 plus the environment option.  NULL with
 * *error when the option fails to expand. */
static char **build_env(const transport_instance *t, const pipe_options *ob, const address_item *addr,
                        const char *path, const char **error) {
  int n = 0;
  /* A batch has no single local part: exim4 shows "NULL" (and an empty
   * local part in RECIPIENT). */
  const char *lp = addr->next ? "NULL" : var("local_part");
  const address_item *top = addr;
  while ((top->flags & af_pfr) && top->parent) top = top->parent;
  const char *sender = deliver_current && deliver_current->m.sender ? deliver_current->m.sender : "";
  const char *id = deliver_current ? deliver_current->m.id : var("message_exim_id");
  const char *home = var("home");
  const char *qd = mainconf.qualify_domain ? mainconf.qualify_domain : "";
  char **env = store_get(sizeof(char *) * 64, false);
#define ENV(...) env[n++] = str_sprintf(__VA_ARGS__)
  ENV("LOCAL_PART=%s", lp);
  ENV("LOGNAME=%s", lp);
  ENV("USER=%s", lp);
  ENV("LOCAL_PART_PREFIX=%s", addr->next ? "" : var("local_part_prefix"));
  ENV("LOCAL_PART_SUFFIX=%s", addr->next ? "" : var("local_part_suffix"));
  ENV("DOMAIN=%s", var("domain"));
  ENV("HOME=%s", home);
  ENV("MESSAGE_ID=%s", id);
  ENV("PATH=%s", path);
  if (addr->next)
    ENV("RECIPIENT=@%s", var("domain"));
  else
    ENV("RECIPIENT=%s", top->address ? top->address : "");
  ENV("QUALIFY_DOMAIN=%s", qd);
  ENV("SENDER=%s", sender);
  ENV("SHELL=/bin/sh");
  if (mainconf.timezone && *mainconf.timezone) ENV("TZ=%s", mainconf.timezone);
  if (addr->host_list && addr->host_list->name) ENV("HOST=%s", addr->host_list->name);
#undef ENV
  if (ob->environment) {
    const char *list = expand_cstring(ob->environment);
    if (!list) {
      *error = str_sprintf("failed to expand string \"%s\" for %s transport: %s", ob->environment,
                           t->drv.name, expand_status.message);
      return NULL;
    }
    int sep = 0;
    for (char *item; (item = list_next(&list, &sep)) != NULL;) {
      if (n >= 63) break;
      env[n++] = item;
    }
  }
  env[n] = NULL;
  return env;
}

/* ------------------------------------------------------------ writing */

static bool write_str(int fd, const char *s, size_t len) {
  while (len) {
    ssize_t w = write(fd, s, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    s += w;
    len -= (size_t)w;
  }
  return true;
}

/* The writer process: everything the command reads on its input.  Exit
 * 0 when written (or the command stopped reading: EPIPE is not an error,
 * the command's status decides), 1 with the error text on errfd. */
static void writer_main(transport_instance *t, const pipe_options *ob, address_item *addr, int fd,
                        int errfd, const char *prefix, const char *suffix, const char *return_path) {
  signal(SIGPIPE, SIG_IGN);
  const char *nl = ob->use_crlf ? "\r\n" : "\n";
  const char *err = NULL;
  int code = 0;
  bool ok = true;
  if (prefix && *prefix) ok = transport_write_string(fd, prefix, strlen(prefix));
  if (ok && ob->use_bsmtp) {
    gstring *g = g_new(256, true);
    g = g_fmt(g, "MAIL FROM:<%s>%s", return_path ? return_path : "", nl);
    for (address_item *a = addr; a; a = a->next) g = g_fmt(g, "RCPT TO:<%s>%s", a->address, nl);
    g = g_fmt(g, "DATA%s", nl);
    ok = transport_write_string(fd, g->s, g->len);
  }
  if (ok) {
    transport_write_opts o = {
        .fd = fd,
        .flags = (ob->use_crlf ? TW_CRLF : 0) | (ob->use_bsmtp ? TW_END_DOT : 0),
        .t = t,
        .addr = addr,
        .check_string = ob->check_string,
        .escape_string = ob->escape_string,
        .filter_timeout = t->transport_filter_timeout,
    };
    ok = transport_write_message(&o, &err, &code);
  }
  if (ok && suffix && *suffix) ok = transport_write_string(fd, suffix, strlen(suffix));
  if (ok || errno == EPIPE) {
    /* the byte count for the delivery's S= */
    char n[32];
    int len = snprintf(n, sizeof n, "+%ld", transport_count);
    write_str(errfd, n, (size_t)len);
    _exit(0);
  }
  if (!err) err = str_sprintf("error writing to pipe: %s", strerror(errno));
  gstring *g = g_new(64, false);
  g = g_fmt(g, "%d %d ", code, errno);
  g = g_cat(g, err);
  write_str(errfd, g->s, g->len);
  _exit(1);
}

/* ------------------------------------------------------------ delivery */

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void kill_group(pid_t pid) {
  if (kill(-pid, SIGKILL) < 0) kill(pid, SIGKILL);
}

/* Wait for pid until deadline (ms, 0 = none).  true with *status when it
 * ended, false on timeout. */
static bool wait_until(pid_t pid, long deadline, int *status) {
  for (;;) {
    pid_t r = waitpid(pid, status, deadline ? WNOHANG : 0);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) {
      *status = 0;
      return true;
    }
    if (deadline && r == 0) {
      if (now_ms() >= deadline) return false;
      struct timespec ts = {0, 10 * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
}

bool pipe_deliver(transport_instance *t, address_item *addr) {
  pipe_options *ob = t->drv.options_block;
  const char *tname = t->drv.name;
  const char *what = str_sprintf("%s transport", tname);
  const char *err = NULL;
  int err_no = 0;
  if (!transport_local_setup(t, addr, &err, &err_no)) {
    set_all(addr, DEFER, err_no, err);
    return true;
  }

  /* Which command, and whether its arguments are expanded. */
  const char *cmd;
  bool expand = true;
  bool pfr_pipe = (addr->flags & af_pfr) && addr->address && addr->address[0] == '|';
  if (pfr_pipe && !ob->force_command) {
    cmd = addr->address + 1;
    while (*cmd == ' ' || *cmd == '\t') cmd++;
    expand = (addr->flags & af_expand_pipe) != 0;
    if (is_tainted(cmd)) {
      set_all(addr, DEFER, 0,
              str_sprintf("Tainted '%s' (command for %s transport) not permitted", cmd, tname));
      return true;
    }
  } else {
    cmd = ob->command;
    if (pfr_pipe) addr->flags |= af_force_command;
  }
  if (!cmd || !*str_skip_space(cmd)) {
    set_all(addr, DEFER, 0, str_sprintf("no command specified for %s transport", tname));
    return true;
  }

  /* PATH, also the search path for a command without a slash. */
  const char *path = expand_cstring(ob->path ? ob->path : "");
  if (!path) {
    set_all(addr, DEFER, 0, str_sprintf("failed to expand string \"%s\" for %s transport: %s", ob->path,
                                        tname, expand_status.message));
    return true;
  }

  char **argv;
  if (ob->use_shell) {
    const char *full = expand ? expand_cstring(cmd) : cmd;
    if (!full) {
      set_all(addr, DEFER, 0, str_sprintf("Expansion of command \"%s\" in %s failed: %s", cmd, what,
                                          expand_status.message));
      return true;
    }
    argv = store_get(sizeof(char *) * 4, false);
    argv[0] = "/bin/sh";
    argv[1] = "-c";
    argv[2] = (char *)full;
    argv[3] = NULL;
  } else {
    argv = transport_command_argv(cmd, what, expand, addr, &err);
    if (!argv) {
      set_all(addr, transport_command_tainted ? FAIL : DEFER, 0, err);
      return true;
    }
    /* allow_commands and restrict_to_path */
    if (ob->allow_commands || ob->restrict_to_path) {
      bool permitted = false;
      if (ob->allow_commands) {
        const char *list = expand_cstring(ob->allow_commands);
        if (!list) {
          set_all(addr, DEFER, 0, str_sprintf("failed to expand string \"%s\" for %s transport: %s",
                                              ob->allow_commands, tname, expand_status.message));
          return true;
        }
        int sep = 0;
        for (char *item; !permitted && (item = list_next(&list, &sep)) != NULL;)
          if (strcmp(item, argv[0]) == 0) permitted = true;
      }
      if (!permitted && ob->restrict_to_path) {
        if (strchr(argv[0], '/')) {
          set_all(addr, FAIL, 0,
                  str_sprintf("\"/\" found in \"%s\" (command for %s) - failed for security reasons",
                              argv[0], what));
          return true;
        }
        permitted = true;
      }
      if (!permitted) {
        set_all(addr, FAIL, 0, str_sprintf("\"%s\" command not permitted by %s", argv[0], what));
        return true;
      }
    }
    if (!strchr(argv[0], '/')) {
      const char *found = search_path(argv[0], path);
      if (!found) {
        set_all(addr, FAIL, 0, str_sprintf("\"%s\" command not found for %s", argv[0], what));
        return true;
      }
      argv[0] = (char *)found;
    }
  }

  /* Prefix and suffix are expanded before anything runs. */
  const char *prefix = NULL, *suffix = NULL;
  if (ob->message_prefix) {
    prefix = expand_cstring(ob->message_prefix);
    if (!prefix) {
      set_all(addr, DEFER, 0, str_sprintf("Expansion of \"%s\" (prefix for %s) failed: %s",
                                          ob->message_prefix, what, expand_status.message));
      return true;
    }
  }
  if (ob->message_suffix) {
    suffix = expand_cstring(ob->message_suffix);
    if (!suffix) {
      set_all(addr, DEFER, 0, str_sprintf("Expansion of \"%s\" (suffix for %s) failed: %s",
                                          ob->message_suffix, what, expand_status.message));
      return true;
    }
  }
  const char *return_path = NULL;
  if (ob->use_bsmtp) {
    return_path = transport_return_path(t, addr, &err);
    if (!return_path) {
      set_all(addr, DEFER, ERRNO_EXPANDFAIL, err);
      return true;
    }
  }

  char **envp = build_env(t, ob, addr, path, &err);
  if (!envp) {
    set_all(addr, DEFER, 0, err);
    return true;
  }

  /* Core dumps (the limit is inherited by the command): the soft and hard
   * limits go to 0 first, as exim4's delivery process does before it gives
   * up root, so permit_coredump's raise to unlimited only works for a
   * transport running as root; otherwise its failure is logged and the
   * command keeps 0. */
  struct rlimit rl = {0, 0};
  setrlimit(RLIMIT_CORE, &rl);
  rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
  if (ob->permit_coredump && setrlimit(RLIMIT_CORE, &rl) < 0)
    log_write_msg(deliver_current ? deliver_current->m.id : NULL, LOG_MAIN,
                  "delivery setrlimit(RLIMIT_CORE, RLIM_INFINITY) failed: %s", strerror(errno));

  /* Start the command, then the writer. */
  int in = -1, out = -1;
  pid_t pid = transport_child_open(argv, envp, (mode_t)ob->umask, NULL, &in, &out, true, &err);
  if (pid < 0) {
    set_all(addr, DEFER, errno, str_sprintf("Failed to create child process for %s: %s", what, err));
    return true;
  }
  int exec_errno = transport_child_exec_errno;
  int ep[2];
  if (pipe(ep) < 0) ep[0] = ep[1] = -1;
  fflush(NULL);
  pid_t wpid = fork();
  if (wpid == 0) {
    close(out);
    if (ep[0] >= 0) close(ep[0]);
    writer_main(t, ob, addr, in, ep[1], prefix, suffix, return_path);
  }
  close(in);
  if (ep[1] >= 0) close(ep[1]);
  if (wpid < 0) {
    int e = errno;
    kill_group(pid);
    waitpid(pid, NULL, 0);
    close(out);
    if (ep[0] >= 0) close(ep[0]);
    set_all(addr, DEFER, e, str_sprintf("Failed to create writer process for %s", what));
    return true;
  }

  /* Collect the output until EOF, the timeout, or max_output. */
  long deadline = ob->timeout > 0 ? now_ms() + ob->timeout * 1000L : 0;
  gstring *output = g_new(256, true);
  long total = 0;
  bool timed_out = false, writer_timed_out = false;
  for (;;) {
    int ms = -1;
    if (deadline) {
      long left = deadline - now_ms();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      ms = left > 1000000 ? 1000000 : (int)left;
    }
    struct pollfd pf = {.fd = out, .events = POLLIN};
    int r = poll(&pf, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    char buf[4096];
    ssize_t got = read(out, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (total <= ob->max_output) {
      long room = ob->max_output - total;
      output = g_catn(output, buf, got < room ? (size_t)got : (size_t)room);
    }
    total += got;
    if (total > ob->max_output) kill_group(pid);
  }
  close(out);

  int status = 0, wstatus = 0;
  if (timed_out) {
    int ws;
    if (waitpid(wpid, &ws, WNOHANG) == 0) writer_timed_out = true;
    kill_group(pid);
    kill(wpid, SIGKILL);
  }
  if (!timed_out && !wait_until(pid, deadline, &status)) {
    timed_out = true;
    int ws;
    if (waitpid(wpid, &ws, WNOHANG) == 0) writer_timed_out = true;
    kill_group(pid);
    kill(wpid, SIGKILL);
  }
  if (timed_out) {
    waitpid(pid, &status, 0);
  } else if (!wait_until(wpid, now_ms() + 5000, &wstatus)) {
    /* The command has ended; a writer still blocked has nobody reading
     * it but a descendant: what the command read is what counts. */
    kill(wpid, SIGKILL);
    wstatus = 0;
  }
  waitpid(wpid, NULL, 0);   /* reap (no-op when reaped above) */
  char werr[1024] = "";
  if (ep[0] >= 0) {
    ssize_t r = read(ep[0], werr, sizeof werr - 1);
    werr[r > 0 ? r : 0] = 0;
    close(ep[0]);
  }
  if (werr[0] == '+') {   /* written completely: the count */
    transport_count = atol(werr + 1);
    werr[0] = 0;
  }

  /* The first line of the output, for the log. */
  const char *first_line = NULL;
  if (output->len) {
    char *s = g_str(output);
    size_t len = strcspn(s, "\n");
    first_line = str_printing(str_copyn(s, len));
  }
  const char *sender = deliver_current && deliver_current->m.sender ? deliver_current->m.sender : "";
  bool bounce_msg = *sender == 0;

  int rc = OK, basic = 0;
  const char *msg = NULL;
  bool deferred_by_code = false;
  if (timed_out) {
    rc = ob->timeout_defer ? DEFER : FAIL;
    msg = writer_timed_out ? "pipe delivery process timed out (preceded by timeout while writing to pipe)"
                           : "pipe delivery process timed out";
  } else if (exec_errno && ob->freeze_exec_fail) {
    rc = DEFER;
    msg = str_sprintf("pipe process failed to exec \"%s\"", argv[0]);
    for (address_item *a = addr; a; a = a->next) a->special_action = SPECIAL_FREEZE;
  } else if (!ob->ignore_status && WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    msg = str_sprintf("Child process of %s (running command \"%s\") was terminated by signal %d (%s)", what,
                      cmd, sig, strsignal(sig));
    if (ob->freeze_signal) {
      rc = DEFER;
      for (address_item *a = addr; a; a = a->next) a->special_action = SPECIAL_FREEZE;
    } else {
      rc = FAIL;
    }
  } else if (!ob->ignore_status && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    int code = WEXITSTATUS(status);
    const char *hint = exit_hint(code);
    msg = str_sprintf("Child process of %s returned %d%s%s%s from command: %s", what, code,
                      hint ? " (could mean " : "", hint ? hint : "", hint ? ")" : "", argv[0]);
    if (is_temp_error(ob->temp_errors, code) && !(ob->return_output && output->len)) {
      rc = DEFER;
      deferred_by_code = true;
    } else {
      rc = FAIL;
    }
  } else if (werr[0]) {
    /* The message could not be written (the command succeeded). */
    int code = 0, e = 0, skip = 0;
    if (sscanf(werr, "%d %d %n", &code, &e, &skip) >= 2) {
      rc = DEFER;
      basic = code ? code : e;
      char *m = str_copy(werr + skip);
      /* exim4's pipe transport capitalises the filter's failure */
      if (strncmp(m, "transport filter process failed", 31) == 0) m[0] = 'T';
      msg = m;
    }
  } else if (ob->return_output && output->len && !bounce_msg) {
    rc = FAIL;
    msg = "return message generated";
  }
  (void)wstatus;

  if (first_line && (ob->log_output || (ob->log_fail_output && rc == FAIL) ||
                     (ob->log_defer_output && deferred_by_code)))
    log_write_msg(deliver_current ? deliver_current->m.id : NULL, LOG_MAIN, "<%s>: %s output: %s",
                  addr->address, what, first_line);

  const char *ret = NULL;
  if (output->len && !bounce_msg &&
      (ob->return_output || (ob->return_fail_output && rc == FAIL && !timed_out)))
    ret = g_str(output);
  for (address_item *a = addr; a; a = a->next) {
    a->transport_return = rc;
    a->basic_errno = basic;
    a->message = msg;
    a->return_output = ret;
  }
  return true;
}
