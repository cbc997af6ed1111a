/* fdio.c - whole reads and writes on a descriptor (see fdio.h). */
#include "fdio.h"

#include <errno.h>
#include <unistd.h>

bool fd_write_all(int fd, const void *p, size_t n) {
  const char *s = p;
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    s += w;
    n -= (size_t)w;
  }
  return true;
}

bool fd_read_all(int fd, void *p, size_t n) {
  char *s = p;
  while (n > 0) {
    ssize_t r = read(fd, s, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    s += r;
    n -= (size_t)r;
  }
  return true;
}

size_t fd_read_upto(int fd, void *p, size_t n) {
  char *s = p;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, s + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  return got;
}
