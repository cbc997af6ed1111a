/* sock.c - connecting to UNIX and TCP stream sockets.  See sock.h.
 *
 * Must never: leave a descriptor open on a failed attempt, or wait longer
 * than asked.
 */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int sock_wait(int fd, bool for_write, int timeout) {
  struct pollfd p = {.fd = fd, .events = for_write ? POLLOUT : POLLIN};
  time_t end = timeout > 0 ? time(NULL) + timeout : 0;
  for (;;) {
    int ms = -1;
    if (timeout > 0) {
      time_t left = end - time(NULL);
      if (left < 0) left = 0;
      ms = (int)left * 1000;
    }
    int n = poll(&p, 1, ms);
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? -1 : n > 0 ? 1 : 0;
  }
}

int sock_connect_unix(const char *path) {
  struct sockaddr_un sa;
  if (strlen(path) >= sizeof sa.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* connect() bounded by timeout: non-blocking connect, wait, check. */
static int connect_timed(int fd, const struct sockaddr *sa, socklen_t len, int timeout) {
  if (timeout <= 0) return connect(fd, sa, len);
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
  int rc = connect(fd, sa, len);
  if (rc < 0 && errno == EINPROGRESS) {
    int w = sock_wait(fd, true, timeout);
    if (w == 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    if (w < 0) return -1;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) return -1;
    if (soerr) {
      errno = soerr;
      return -1;
    }
    rc = 0;
  }
  if (rc == 0 && fcntl(fd, F_SETFL, fl) < 0) return -1;
  return rc;
}

int sock_connect_tcp(const char *host, const char *port, int timeout, int *gai_rc, int *err_no) {
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  *gai_rc = getaddrinfo(host, port, &hints, &res);
  *err_no = 0;
  if (*gai_rc != 0) return -1;
  int fd = -1;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      *err_no = errno;
      continue;
    }
    if (connect_timed(fd, ai->ai_addr, ai->ai_addrlen, timeout) == 0) break;
    *err_no = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}
