/* sock.h - connecting stream sockets to local services (a UNIX socket
 * path, or a host name/IP and port over TCP): ${readsocket}, the dovecot
 * authenticator and other clients of daemons.
 *
 * Entry points: sock_connect_unix(), sock_connect_tcp(), sock_wait().
 * Must never: block beyond the timeout given (<= 0: no timeout), or leak
 * a descriptor on failure.
 */
#ifndef BASE_SOCK_H
#define BASE_SOCK_H

#include <stdbool.h>

/* Connect to the UNIX socket at path; the descriptor, or -1 with errno set
 * (ENAMETOOLONG when the path does not fit a sockaddr_un). */
int sock_connect_unix(const char *path);

/* Connect to host (name or IP address) at port, trying each address in
 * turn, each within timeout seconds.  The descriptor, or -1 and *gai_rc
 * set (getaddrinfo's non-zero code: the name or port did not resolve) or,
 * when *gai_rc is 0, *err_no holding the last connect error. */
int sock_connect_tcp(const char *host, const char *port, int timeout, int *gai_rc, int *err_no);

/* Wait until fd is readable (for_write false) or writable, at most timeout
 * seconds (<= 0: no limit).  1 ready, 0 timed out, -1 error (errno). */
int sock_wait(int fd, bool for_write, int timeout);

#endif
