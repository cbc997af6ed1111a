/* lmtp_run.c - delivery by the lmtp transport (spec chapter 28, RFC
 * 2033): to a command run with its standard input and output as the LMTP
 * channel, or to a unix domain socket; greeting, LHLO, MAIL, one RCPT per
 * address (IGNOREQUOTA when asked for and advertised), DATA and the
 * message (CRLF, dot stuffing), then one reply per accepted recipient.
 * Outcomes and texts as Exim gives them ("LMTP error after RCPT
 * TO:<x>: 550 ...", "LMTP timeout after ...", "LMTP connection closed
 * after ...", "Malformed LMTP response after ..."); a successful address
 * keeps the reply for the log's C="...".
 *
 * Entry point: lmtp_deliver() (lmtp.h), the transport_ops.deliver of lmtp.
 * Must never: wait for the peer beyond the timeout; send a command line
 * holding a CR or LF from the addresses.
 */
#include "lmtp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/store.h"
#include "../config/main_config.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "write.h"

#define LMTP_REPLY_MAX 16384
/* transport_return of an address whose RCPT was accepted, until its reply
 * after the data arrives (not one of the result codes of addr.h). */
#define PENDING_RCPT 100

typedef struct lmtp_conn {
  int rfd, wfd;
  int timeout;                  /* seconds */
  char buf[4096];
  size_t have, pos;
  long written;                 /* message bytes sent */
  int write_errno;              /* RS_WRITE_ERROR: why */
} lmtp_conn;

/* RS_MALFORMED: a reply line that is not three digits followed by a
 * space, a hyphen or nothing; RS_WRITE_ERROR: a command could not be
 * written (c->write_errno). */
typedef enum { RS_OK, RS_TIMEOUT, RS_CLOSED, RS_MALFORMED, RS_WRITE_ERROR } rstatus;

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Wait until fd is ready for events, within the deadline. */
static rstatus wait_fd(int fd, short events, long deadline) {
  for (;;) {
    long left = deadline - now_ms();
    if (left <= 0) return RS_TIMEOUT;
    struct pollfd pf = {.fd = fd, .events = events};
    int r = poll(&pf, 1, left > 1000000 ? 1000000 : (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return RS_CLOSED;
    if (r > 0) return RS_OK;
  }
}

static rstatus send_bytes(lmtp_conn *c, const char *s, size_t n) {
  long deadline = now_ms() + c->timeout * 1000L;
  while (n) {
    rstatus st = wait_fd(c->wfd, POLLOUT, deadline);
    if (st != RS_OK) return st;
    ssize_t w = write(c->wfd, s, n);
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (w < 0) {
      c->write_errno = errno;
      return RS_WRITE_ERROR;
    }
    if (w == 0) return RS_CLOSED;
    s += w;
    n -= (size_t)w;
  }
  return RS_OK;
}

/* One line (without CRLF) into *line. */
static rstatus read_line(lmtp_conn *c, gstring **line, long deadline) {
  *line = g_new(128, true);
  for (;;) {
    while (c->pos < c->have) {
      char ch = c->buf[c->pos++];
      if (ch == '\n') {
        if ((*line)->len && (*line)->s[(*line)->len - 1] == '\r') (*line)->len--;
        return RS_OK;
      }
      if ((*line)->len < LMTP_REPLY_MAX) *line = g_catc(*line, ch);
    }
    rstatus st = wait_fd(c->rfd, POLLIN, deadline);
    if (st != RS_OK) return st;
    ssize_t r = read(c->rfd, c->buf, sizeof c->buf);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) return RS_CLOSED;
    c->have = (size_t)r;
    c->pos = 0;
  }
}

static bool reply_line_ok(const char *l, size_t len) {
  if (len < 3) return false;
  for (int i = 0; i < 3; i++)
    if (l[i] < '0' || l[i] > '9') return false;
  return len == 3 || l[3] == ' ' || l[3] == '-';
}

/* A whole (possibly multi-line) reply: its code, and the text with lines
 * joined by newlines (for RS_MALFORMED the lines up to the bad one). */
static rstatus read_reply(lmtp_conn *c, int *code, const char **text) {
  long deadline = now_ms() + c->timeout * 1000L;
  gstring *all = g_new(128, true);
  for (;;) {
    gstring *line;
    rstatus st = read_line(c, &line, deadline);
    if (st != RS_OK) return st;
    char *l = g_str(line);
    if (all->len) all = g_catc(all, '\n');
    all = g_cat(all, l);
    if (!reply_line_ok(l, line->len)) {
      *code = 0;
      *text = g_str(all);
      return RS_MALFORMED;
    }
    bool more = line->len > 3 && l[3] == '-';
    if (!more) {
      *code = (line->len >= 3 && l[0] >= '1' && l[0] <= '5') ? atoi(str_copyn(l, 3)) : 0;
      *text = g_str(all);
      return RS_OK;
    }
  }
}

static void set_one(address_item *a, int rc, int basic, int more, const char *msg) {
  a->transport_return = rc;
  a->basic_errno = basic;
  a->more_errno = more;
  a->message = msg;
}

static void set_pending(address_item *addr, int rc, int basic, int more, const char *msg) {
  for (address_item *a = addr; a; a = a->next)
    if (a->transport_return == DEFER_NONE || a->transport_return == PENDING_RCPT)
      set_one(a, rc, basic, more, msg);
}

/* Failure of a step: timeouts and closed connections defer; a bad reply
 * fails (5xx) or defers (4xx, with err4xx and the code) every address not
 * yet settled. */
static void step_failed(const lmtp_conn *c, address_item *addr, rstatus st, int code, const char *reply,
                        const char *after, int err4xx) {
  if (st == RS_WRITE_ERROR)   /* exim4's text for a command it could not send */
    set_pending(addr, DEFER, c->write_errno, 0, str_sprintf("Error %d", c->write_errno));
  else if (st == RS_TIMEOUT)
    set_pending(addr, DEFER, -1, 0, str_sprintf("LMTP timeout after %s", after));
  else if (st == RS_CLOSED)
    set_pending(addr, DEFER, -1, 0, str_sprintf("LMTP connection closed after %s", after));
  else if (st == RS_MALFORMED)
    set_pending(addr, DEFER, ERRNO_SMTPFORMAT, 0,
                str_sprintf("Malformed LMTP response after %s: %s", after, str_printing(reply)));
  else
    set_pending(addr, code >= 500 ? FAIL : DEFER, code >= 500 ? 0 : err4xx, code,
                str_sprintf("LMTP error after %s: %s", after, str_printing(reply)));
}

static bool has_crlf(const char *s) { return s && strpbrk(s, "\r\n") != NULL; }

/* Copy what the writer produces to the peer; counts c->written. */
static rstatus send_file(lmtp_conn *c, int fd) {
  char buf[16384];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return RS_CLOSED;
    if (r == 0) return RS_OK;
    rstatus st = send_bytes(c, buf, (size_t)r);
    if (st != RS_OK) return st;
    c->written += r;
  }
}

static int connect_socket(const char *path, const char **error) {
  struct sockaddr_un sun;
  memset(&sun, 0, sizeof sun);
  sun.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sun.sun_path) {
    errno = ENAMETOOLONG;
    *error = strerror(errno);
    return -1;
  }
  strcpy(sun.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
    *error = strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

bool lmtp_deliver(transport_instance *t, address_item *addr) {
  lmtp_options *ob = t->drv.options_block;
  const char *tname = t->drv.name;
  const char *what = str_sprintf("%s transport", tname);
  const char *err = NULL;
  for (address_item *a = addr; a; a = a->next) a->transport_return = DEFER_NONE;
  int err_no = 0;
  if (!transport_local_setup(t, addr, &err, &err_no)) {
    set_pending(addr, DEFER, err_no, 0, err);
    return true;
  }

  lmtp_conn c = {.rfd = -1, .wfd = -1, .timeout = ob->timeout > 0 ? ob->timeout : 300};
  pid_t pid = -1;
  if (ob->command) {
    char **argv = transport_command_argv(ob->command, what, true, addr, &err);
    if (!argv) {
      set_pending(addr, transport_command_tainted ? FAIL : DEFER, -1, 0, err);
      return true;
    }
    char *envp[] = {NULL};
    int in = -1, out = -1;
    pid = transport_child_open(argv, envp, 022, NULL, &in, &out, true, &err);
    if (pid < 0) {
      set_pending(addr, DEFER, -1, 0, str_sprintf("Failed to create child process for %s: %s", what, err));
      return true;
    }
    c.wfd = in;
    c.rfd = out;
  } else {
    const char *path = expand_cstring(ob->socket);
    if (!path) {
      set_pending(addr, DEFER, -1, 0, str_sprintf("Expansion of \"%s\" (socket setting for %s) failed: %s",
                                                  ob->socket, what, expand_status.message));
      return true;
    }
    int fd = connect_socket(path, &err);
    if (fd < 0) {
      set_pending(addr, DEFER, -1, 0,
                  str_sprintf("Failed to connect to socket %s for %s: %s", path, what, err));
      return true;
    }
    c.rfd = c.wfd = fd;
  }
  void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);

  int code = 0;
  const char *reply = NULL;
  rstatus st;
  const char *after = "initial connection";
  const char *nl = "\r\n";
  int msg_fd = -1;

  st = read_reply(&c, &code, &reply);
  if (st != RS_OK || code / 100 != 2) {
    step_failed(&c, addr, st, code, reply, after, ERRNO_SMTPFORMAT);
    goto done;
  }

  const char *helo = mainconf.primary_hostname ? mainconf.primary_hostname : "";
  after = str_sprintf("LHLO %s", helo);
  st = send_bytes(&c, str_sprintf("%s%s", after, nl), strlen(after) + 2);
  if (st == RS_OK) st = read_reply(&c, &code, &reply);
  if (st != RS_OK || code / 100 != 2) {
    step_failed(&c, addr, st, code, reply, after, ERRNO_SMTPFORMAT);
    goto done;
  }
  bool ignorequota = false;
  if (ob->ignore_quota) {
    /* an EHLO-style keyword line: "250-IGNOREQUOTA" or "250 IGNOREQUOTA" */
    for (const char *p = reply; p && *p;) {
      const char *e = strchr(p, '\n');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      if (len >= 15 && strncasecmp(p + 4, "IGNOREQUOTA", 11) == 0 &&
          (len == 15 || p[15] == ' ' || p[15] == '\n'))
        ignorequota = true;
      p = e ? e + 1 : NULL;
    }
  }

  const char *rp = transport_return_path(t, addr, &err);
  if (!rp) {
    set_pending(addr, DEFER, ERRNO_EXPANDFAIL, 0, err);
    goto quit;
  }
  if (has_crlf(rp)) {
    set_pending(addr, FAIL, 0, 0, "LMTP: line break in the sender address");
    goto quit;
  }
  after = str_sprintf("MAIL FROM:<%s>", rp);
  st = send_bytes(&c, str_sprintf("%s%s", after, nl), strlen(after) + 2);
  if (st == RS_OK) st = read_reply(&c, &code, &reply);
  if (st != RS_OK || code / 100 != 2) {
    step_failed(&c, addr, st, code, reply, after, ERRNO_MAIL4XX);
    goto done;
  }

  int accepted = 0;
  for (address_item *a = addr; a; a = a->next) {
    if (has_crlf(a->address)) {
      set_one(a, FAIL, 0, 0, "LMTP: line break in the recipient address");
      continue;
    }
    after = str_sprintf("RCPT TO:<%s>%s", a->address, ignorequota ? " IGNOREQUOTA" : "");
    st = send_bytes(&c, str_sprintf("%s%s", after, nl), strlen(after) + 2);
    if (st == RS_OK) st = read_reply(&c, &code, &reply);
    if (st != RS_OK) {
      step_failed(&c, addr, st, code, reply, after, ERRNO_RCPT4XX);
      goto done;
    }
    if (code / 100 == 2) {
      a->transport_return = PENDING_RCPT;
      accepted++;
    } else {
      set_one(a, code >= 500 ? FAIL : DEFER, code >= 500 ? 0 : ERRNO_RCPT4XX, code,
              str_sprintf("LMTP error after %s: %s", after, str_printing(reply)));
    }
  }
  if (accepted == 0) goto quit;

  after = "DATA";
  st = send_bytes(&c, "DATA\r\n", 6);
  if (st == RS_OK) st = read_reply(&c, &code, &reply);
  if (st != RS_OK || code / 100 != 3) {
    step_failed(&c, addr, st, code, reply, after, ERRNO_DATA4XX);
    if (st == RS_OK) goto quit;
    goto done;
  }
  /* A writer process produces the message (CRLF, dot stuffing, final
   * dot) into a pipe; it is copied to the peer here, under the timeout,
   * counting the bytes. */
  int mp[2];
  if (pipe(mp) < 0) {
    set_pending(addr, DEFER, errno, 0, "LMTP: pipe() failed");
    goto done;
  }
  fflush(NULL);
  pid_t wpid = fork();
  if (wpid == 0) {
    close(mp[0]);
    signal(SIGPIPE, SIG_IGN);
    transport_write_opts o = {
        .fd = mp[1],
        .flags = TW_CRLF | TW_DOT_STUFF | TW_END_DOT,
        .t = t,
        .addr = addr,
        .filter_timeout = t->transport_filter_timeout,
    };
    int ecode = 0;
    _exit(transport_write_message(&o, &err, &ecode) ? 0 : 1);
  }
  close(mp[1]);
  if (wpid < 0) {
    close(mp[0]);
    set_pending(addr, DEFER, errno, 0, "LMTP: fork() failed");
    goto done;
  }
  msg_fd = mp[0];
  st = send_file(&c, msg_fd);
  transport_count = c.written;   /* the message's bytes: the log's S= */
  close(msg_fd);
  msg_fd = -1;
  if (st != RS_OK) kill(wpid, SIGKILL);
  int wst = 0;
  while (waitpid(wpid, &wst, 0) < 0 && errno == EINTR) {}
  if (st != RS_OK) {
    set_pending(addr, DEFER, -1, 0,
                str_sprintf("LMTP %s while writing the message (%ld bytes written)",
                            st == RS_TIMEOUT ? "timeout" : "connection closed", c.written));
    goto done;
  }
  if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
    set_pending(addr, DEFER, 0, 0, "LMTP: failed to write the message");
    goto done;
  }
  for (address_item *a = addr; a; a = a->next) {
    if (a->transport_return != PENDING_RCPT) continue;
    st = read_reply(&c, &code, &reply);
    if (st == RS_MALFORMED) {
      /* exim4: error -1 here, not the format error of the other steps */
      set_pending(addr, DEFER, ERRNO_UNKNOWNERROR, 0, str_sprintf("Malformed LMTP response after end of data: %s",
                                                  str_printing(reply)));
      goto done;
    }
    if (st != RS_OK) {
      set_pending(addr, DEFER, -1, 0,
                  str_sprintf("LMTP %s after end of data (%ld bytes written)",
                              st == RS_TIMEOUT ? "timeout" : "connection closed", c.written));
      goto done;
    }
    if (code / 100 == 2)
      set_one(a, OK, 0, 0, str_printing(reply));
    else
      set_one(a, code >= 500 ? FAIL : DEFER, code >= 500 ? 0 : ERRNO_DATA4XX, code,
              str_sprintf("LMTP error after end of data: %s", str_printing(reply)));
  }

quit:
  if (send_bytes(&c, "QUIT\r\n", 6) == RS_OK) (void)read_reply(&c, &code, &reply);
done:
  if (msg_fd >= 0) close(msg_fd);
  if (c.wfd >= 0) close(c.wfd);
  if (c.rfd >= 0 && c.rfd != c.wfd) close(c.rfd);
  if (pid > 0) {
    int status = transport_child_wait(pid, c.timeout);
    if (status == -256) kill(-pid, SIGKILL);
  }
  signal(SIGPIPE, old_pipe);
  for (address_item *a = addr; a; a = a->next)
    if (a->transport_return == PENDING_RCPT || a->transport_return == DEFER_NONE)
      set_one(a, DEFER, -1, 0, "LMTP delivery did not complete");
  return true;
}
