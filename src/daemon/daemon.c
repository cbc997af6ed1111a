/* daemon.c - the listening daemon (-bd, -bdf), inetd wait mode (-bw) and
 * the queue-running daemon (-q<time>, alone or with -bd): start-up
 * (detach, sockets, pid file, the "daemon started" line), the accept loop
 * with a child process per connection, reaping, SIGHUP (re-exec once the
 * new configuration is known to load) and SIGTERM.  See daemon.h; the
 * sockets are listen.c's, the accept-time limits limits.c's, the queue
 * runners and notified deliveries queue_runs.c's.
 *
 * Signals are turned into bytes on a self-pipe, so that the loop handles
 * them between poll() calls and no handler does real work.
 *
 * Must never: stop serving because a new configuration is broken; leave
 * zombies; accept beyond smtp_accept_max; let a child keep the listening
 * sockets or the daemon's signal handling, or read from the network as
 * root when the Exim user is known.
 */
#include "daemon/daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "daemon/limits.h"
#include "daemon/listen.h"
#include "daemon/queue_runs.h"
#include "expand/expand.h"
#include "main/version.h"
#include "smtp/conn.h"
#include "smtp/proxy.h"
#include "smtp/smtp_in.h"
#include "tls/tls.h"

static int sig_pipe[2] = {-1, -1};
static listen_sock *socks;
static int nsocks;
static const char *pid_file;       /* written by us, removed at SIGTERM */
static int receive_timeout;        /* -os, else smtp_receive_timeout */

static void on_signal(int sig) {
  int saved = errno;
  unsigned char b = (unsigned char)sig;
  if (write(sig_pipe[1], &b, 1) < 0) { /* the pipe is full: the loop is behind anyway */ }
  errno = saved;
}

static void set_handler(int sig, void (*fn)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(sig, &sa, NULL);
}

/* ---------------- start-up ---------------- */

/* Leave the controlling terminal: the parent returns to the caller. */
static void detach(void) {
  pid_t pid = fork();
  if (pid < 0) log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "fork() failed when starting daemon: %s", strerror(errno));
  if (pid > 0) _exit(EXIT_SUCCESS);
  setsid();
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) close(null);
  }
}

/* Which pid file, if any (spec -bd, -oP, -oX, pid_file_path). */
static const char *pid_file_name(const cmdline_state *st) {
  if (st->pid_file) return st->pid_file;
  if (st->override_local_interfaces) return NULL;
  if (mainconf.pid_file_path) {
    const char *p = expand_cstring(mainconf.pid_file_path);
    if (!p) {
      log_write(LOG_MAIN | LOG_PANIC, "failed to expand pid_file_path \"%s\": %s", mainconf.pid_file_path,
                expand_status.message);
      return NULL;
    }
    return p;
  }
  return str_sprintf("%s/exim-daemon.pid", mainconf.spool_directory);
}

static void write_pid_file(const char *name) {
  FILE *f = fopen(name, "w");
  if (!f) {
    log_write(LOG_MAIN | LOG_PANIC, "failed to open pid file %s: %s", name, strerror(errno));
    return;
  }
  fprintf(f, "%d\n", (int)getpid());
  fchmod(fileno(f), 0644);
  fclose(f);
  pid_file = str_perm(name);
  DEBUG(D_any) debug_printf("pid written to %s\n", name);
}

/* ---------------- SIGHUP ---------------- */

static char self_path[PATH_MAX];
static char **saved_argv;

/* Run this program with the daemon's arguments but -bV instead of -bd:
 * it reads the configuration as the re-executed daemon would.  NULL when
 * it loads, else the error it printed (one line). */
static const char *check_new_config(void) {
  int argc = 0;
  while (saved_argv[argc]) argc++;
  char **args = store_get(sizeof(char *) * (size_t)(argc + 1), false);
  for (int i = 0; i < argc; i++) {
    const char *a = saved_argv[i];
    args[i] = (char *)(i > 0 && (strcmp(a, "-bd") == 0 || strcmp(a, "-bdf") == 0 || strncmp(a, "-bw", 3) == 0)
                           ? "-bV" : a);
  }
  args[argc] = NULL;
  int pipefd[2];
  if (pipe(pipefd) < 0) return str_sprintf("pipe() failed: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return str_sprintf("fork() failed: %s", strerror(errno));
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
    }
    dup2(pipefd[1], 2);
    execv(self_path, args);
    _exit(127);
  }
  close(pipefd[1]);
  gstring *out = g_new(256, false);
  char buf[1024];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (out->len < 8192) out = g_catn(out, buf, (size_t)n);
  }
  close(pipefd[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return NULL;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && out->len == 0)
    return str_sprintf("cannot run %s", self_path);
  /* one line: drop the time stamps, join continuation lines */
  gstring *msg = g_new(out->len + 1, false);
  for (char *line = strtok(g_str(out), "\n"); line; line = strtok(NULL, "\n")) {
    const char *t = line;
    if (strlen(t) > 20 && t[4] == '-' && t[7] == '-' && t[10] == ' ' && t[13] == ':') t += 20;
    t = str_skip_space(t);
    if (!*t) continue;
    if (msg->len) msg = g_catc(msg, ' ');
    msg = g_cat(msg, t);
  }
  return msg->len ? g_str(msg) : "the configuration check failed";
}

static void sighup(void) {
  log_write(LOG_MAIN, "pid %d: SIGHUP received: re-exec daemon", (int)getpid());
  const char *err = check_new_config();
  if (err) {
    log_write(LOG_MAIN | LOG_PANIC, "SIGHUP received, but the new configuration cannot be used; "
                                    "the daemon goes on with the old one: %s", err);
    return;
  }
  /* The listening sockets are close-on-exec; the new image binds again. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  set_handler(SIGCHLD, SIG_DFL);
  execv(self_path, saved_argv);
  log_write(LOG_MAIN | LOG_PANIC, "exec of %s failed after SIGHUP: %s", self_path, strerror(errno));
  set_handler(SIGCHLD, on_signal);
}

/* ---------------- connections ---------------- */

/* Text and port of a socket address; IPv4-mapped IPv6 as plain IPv4. */
static void sockaddr_text(const struct sockaddr_storage *sa, char *buf, size_t size, int *port) {
  if (sa->ss_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    *port = ntohs(s6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, buf, (socklen_t)size);
    else inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)size);
  } else {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    *port = ntohs(s4->sin_port);
    inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)size);
  }
}

/* In the child, before anything from the network is read: the SMTP
 * session runs as the Exim user and group (spec 56.2: Exim always receives
 * under its own uid), when the daemon runs as root and they are known.
 * The daemon itself keeps root for what only it does (re-exec, the pid
 * file). */
static void give_up_root(void) {
  uid_t uid;
  gid_t gid;
  if (geteuid() != 0 || main_config_exim_ids(&uid, &gid) != NULL || uid == 0) return;
  struct passwd *pw = getpwuid(uid);
  if (setgid(gid) < 0 || (pw ? initgroups(pw->pw_name, gid) : setgroups(0, NULL)) < 0 || setuid(uid) < 0)
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "unable to set uid=%ld gid=%ld for an SMTP connection: %s",
              (long)uid, (long)gid, strerror(errno));
  DEBUG(D_uid) debug_printf("SMTP connection process running as uid=%ld gid=%ld\n", (long)uid, (long)gid);
}

/* In the child: serve one connection, never return. */
static void serve(int fd, const char *peer, int peer_port, bool tls_on_connect, int already) {
  for (int i = 0; i < nsocks; i++)
    if (socks[i].fd >= 0) close(socks[i].fd);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  set_handler(SIGHUP, SIG_DFL);
  set_handler(SIGTERM, SIG_DFL);
  set_handler(SIGINT, SIG_DFL);
  set_handler(SIGCHLD, SIG_DFL);
  qr_child_cleanup();
  give_up_root();
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  if (mainconf.smtp_accept_keepalive) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  }

  smtp_conn *c = store_get(sizeof *c, false);
  conn_init(c, fd, fd, receive_timeout);
  c->host_address = str_copy(peer);
  c->host_port = peer_port;
  struct sockaddr_storage local;
  socklen_t len = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &len) == 0) {
    char buf[INET6_ADDRSTRLEN];
    sockaddr_text(&local, buf, sizeof buf, &c->interface_port);
    c->interface_address = str_copy(buf);
  }
  /* smtp_accept_queue: counted when the connection starts (spec) */
  if (mainconf.smtp_accept_queue > 0 && already >= mainconf.smtp_accept_queue) c->accept_queue = true;
  c->connection_count = already + 1;
  if (mainconf.smtp_accept_queue_per_connection > 0)
    c->connection_max_messages = mainconf.smtp_accept_queue_per_connection;
  conn_current = c;
  conn_publish(c);

  if (proxy_ops_hooks && !proxy_ops_hooks->start(c)) exit(EXIT_SUCCESS);

  if (tls_on_connect && tls_ops_hooks) {
    c->tls.on_connect = true;
    const char *err = NULL;
    if (!tls_ops_hooks->server_start(c, &err)) {
      /* exim4: "TLS error on connection from [ip] (call): reason" */
      const char *who = c->host_name ? str_sprintf("%s [%s]", c->host_name, c->host_address)
                                     : str_sprintf("[%s]", c->host_address);
      log_write(LOG_MAIN, "TLS error on connection from %s %s", who, err ? err : "(SSL_accept): handshake failed");
      exit(EXIT_FAILURE);
    }
    conn_publish(c);
  }
  exit(smtp_session_run(c));
}

/* A connection is waiting on listening socket s. */
static void accept_one(const listen_sock *s) {
  struct sockaddr_storage peer;
  socklen_t len = sizeof peer;
  int fd = accept4(s->fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
      log_write(LOG_MAIN, "accept() failed: %s", strerror(errno));
    return;
  }
  char addr[INET6_ADDRSTRLEN];
  int port = 0;
  sockaddr_text(&peer, addr, sizeof addr, &port);

  store_mark *mark = store_mark_take(POOL_MAIN);
  const char *log_line = NULL;
  const char *refusal = limits_check(addr, port, &log_line);
  if (refusal) {
    /* the refusal goes out on a fresh socket: a short write cannot block long */
    if (write(fd, refusal, strlen(refusal)) < 0) { /* peer gone: nothing to tell */ }
    close(fd);
    log_write(LOG_MAIN, "%s", log_line);
    store_reset(mark);
    return;
  }
  int already = limits_count();
  pid_t pid = fork();
  if (pid == 0) serve(fd, addr, port, s->tls_on_connect, already);
  if (pid < 0) log_write(LOG_MAIN, "fork of SMTP server process failed: %s", strerror(errno));
  else {
    limits_add(pid, addr);
    DEBUG(D_any) debug_printf("connection from [%s]:%d handled by pid %d (%d now)\n", addr, port, (int)pid,
                              limits_count());
  }
  close(fd);
  store_reset(mark);
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (!qr_reaped(pid)) limits_remove(pid);
    DEBUG(D_any) debug_printf("child %d ended: status 0x%04x (%d now)\n", (int)pid, status, limits_count());
  }
}

static int terminate(void) {
  for (int i = 0; i < nsocks; i++)
    if (socks[i].fd >= 0) close(socks[i].fd);
  if (pid_file) unlink(pid_file);
  DEBUG(D_any) debug_printf("SIGTERM/SIGINT seen: daemon ends\n");
  return EXIT_SUCCESS;
}

/* ---------------- main ---------------- */

/* What a queue runner or delivery child of the daemon does first: none of
 * the daemon's sockets, pipes or signal handling stay with it. */
static void daemon_child_setup(void) {
  for (int i = 0; i < nsocks; i++)
    if (socks[i].fd >= 0) close(socks[i].fd);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  set_handler(SIGHUP, SIG_DFL);
  set_handler(SIGTERM, SIG_DFL);
  set_handler(SIGINT, SIG_DFL);
  set_handler(SIGCHLD, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
}

int daemon_main(cmdline_state *st, int argc, char **argv) {
  (void)argc;
  bool listening = st->daemon_listen || st->inetd_wait;   /* else -q<time> alone: queue runs only */
  /* a daemon-only configuration rule (exim4 checks it when -bd starts) */
  if (mainconf.smtp_accept_max == 0 && (mainconf.smtp_accept_queue > 0 || mainconf.smtp_accept_max_per_host))
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "Exim configuration error:\n  smtp_accept_max must be set if "
                                   "smtp_accept_queue or smtp_accept_max_per_host is set");
  receive_timeout = st->smtp_receive_timeout >= 0 ? st->smtp_receive_timeout : mainconf.smtp_receive_timeout;
  saved_argv = argv;
  ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n > 0) self_path[n] = 0;
  else snprintf(self_path, sizeof self_path, "%s", mainconf.exim_path ? mainconf.exim_path : argv[0]);

  const char *err;
  if (st->inetd_wait) {
    /* -bw: the listening socket is our stdin */
    if ((err = listen_inherited(0, st->tls_on_connect, &socks, &nsocks))) {
      fprintf(stderr, "exim: -bw: %s\n", err);
      return EXIT_FAILURE;
    }
  } else if (listening) {
    if ((err = listen_plan(st->override_local_interfaces, st->tls_on_connect, &socks, &nsocks)))
      log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "%s", err);
  }

  if (!st->daemon_foreground && !st->inetd_wait && !st->debug && !st->verbose) {
    detach();
    /* a re-exec after SIGHUP must not detach again (its pid must stay) */
    for (int i = 1; saved_argv[i]; i++)
      if (strcmp(saved_argv[i], "-bd") == 0) saved_argv[i] = "-bdf";
  }

  if (!st->inetd_wait && listening && (err = listen_open(socks, nsocks)))
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "%s", err);
  qr_init(st, listening, daemon_child_setup);

  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "pipe() failed in daemon: %s", strerror(errno));
  set_handler(SIGHUP, on_signal);
  set_handler(SIGTERM, on_signal);
  set_handler(SIGINT, on_signal);
  set_handler(SIGCHLD, on_signal);
  signal(SIGPIPE, SIG_IGN);

  /* what every child shares (TLS: self-signed certificate, ticket keys) */
  time_t tls_init_time = time(NULL);
  if (tls_ops_hooks && tls_ops_hooks->daemon_init) tls_ops_hooks->daemon_init();

  if (!st->inetd_wait) {
    /* -q<time> without -bd: a pid file only when -oP asks for one */
    const char *name = listening ? pid_file_name(st) : st->pid_file;
    if (name) write_pid_file(name);
  }
  if (st->inetd_wait) {
    const char *how = st->inetd_wait_timeout > 0 ? str_sprintf("terminating after %d seconds", st->inetd_wait_timeout)
                                                 : "with no wait timeout";
    log_write(LOG_MAIN, "exim %s daemon started: pid=%d, launched with listening socket, %s", version_string,
              (int)getpid(), how);
  } else {
    const char *what = listening ? str_sprintf("listening for %s", listen_describe(socks, nsocks))
                                 : "not listening for SMTP";
    log_write(LOG_MAIN, "exim %s daemon started: pid=%d, %s, %s", version_string, (int)getpid(), qr_describe(),
              what);
  }

  struct pollfd *pfd = store_get_in(POOL_PERM, sizeof *pfd * (size_t)(nsocks + 2), false);
  int np = 0;
  int *which = store_get_in(POOL_PERM, sizeof(int) * (size_t)(nsocks + 2), false);
  pfd[np] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
  which[np++] = -1;
  if (qr_poll_fd() >= 0) {
    pfd[np] = (struct pollfd){.fd = qr_poll_fd(), .events = POLLIN};
    which[np++] = -2;
  }
  for (int i = 0; i < nsocks; i++)
    if (socks[i].fd >= 0 && !socks[i].skip) {
      pfd[np] = (struct pollfd){.fd = socks[i].fd, .events = POLLIN};
      which[np++] = i;
    }

  /* -bw<time>: leave that long after the start (as exim4 does, whatever
   * was served meanwhile), so that inetd listens again */
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long long deadline_ms = st->inetd_wait && st->inetd_wait_timeout > 0
                              ? t0.tv_sec * 1000LL + t0.tv_nsec / 1000000 + st->inetd_wait_timeout * 1000LL
                              : -1;
  for (;;) {
    int wait_ms = -1;
    if (deadline_ms >= 0) {
      struct timespec t;
      clock_gettime(CLOCK_MONOTONIC, &t);
      long long left = deadline_ms - (t.tv_sec * 1000LL + t.tv_nsec / 1000000);
      wait_ms = left > 0 ? (int)left : 0;
    }
    int q_ms = qr_timeout_ms();
    bool queue_due = q_ms >= 0 && (wait_ms < 0 || q_ms < wait_ms);
    if (queue_due) wait_ms = q_ms;
    int r = poll(pfd, (nfds_t)np, wait_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      log_write(LOG_MAIN | LOG_PANIC | LOG_DIE, "poll() failed in daemon: %s", strerror(errno));
    }
    qr_tick();
    if (r == 0 && queue_due) continue;
    if (r == 0) {
      log_write(LOG_MAIN, "exim %s daemon terminating, inetd wait timeout reached.\n", version_string);
      return EXIT_SUCCESS;
    }
    if (pfd[0].revents & POLLIN) {
      unsigned char sigs[64];
      ssize_t k = read(sig_pipe[0], sigs, sizeof sigs);
      bool hup = false, term = false;
      for (ssize_t i = 0; i < k; i++) {
        if (sigs[i] == SIGCHLD) reap();
        else if (sigs[i] == SIGHUP) hup = true;
        else if (sigs[i] == SIGTERM || sigs[i] == SIGINT) term = true;
      }
      if (term) return terminate();
      if (hup) {
        if (st->inetd_wait) log_write(LOG_MAIN, "pid %d: SIGHUP received: ignored in -bw mode", (int)getpid());
        else sighup();
      }
    }
    if (tls_ops_hooks && tls_ops_hooks->daemon_init && time(NULL) - tls_init_time >= 3600) {
      tls_init_time = time(NULL);       /* hourly: the TLS layer rotates its ticket keys */
      tls_ops_hooks->daemon_init();
    }
    for (int i = 1; i < np; i++) {
      if (!(pfd[i].revents & POLLIN)) continue;
      if (which[i] == -2) qr_notified();
      else accept_one(&socks[which[i]]);
    }
  }
}
