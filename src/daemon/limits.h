/* limits.h - the daemon's table of running connections and the checks made
 * on each new one before a process is forked for it (spec: smtp_accept_max,
 * smtp_accept_max_per_host, smtp_accept_reserve with smtp_reserve_hosts,
 * smtp_load_reserve).
 *
 * Entry points: limits_check() (may this connection be served?),
 * limits_add() / limits_remove() (a child started / was reaped),
 * limits_count().
 * Must never: fork, block, or keep a connection the checks refused.
 */
#ifndef DAEMON_LIMITS_H
#define DAEMON_LIMITS_H

#include <stdbool.h>
#include <sys/types.h>

/* NULL when the connection from address:port may be served; otherwise the
 * refusal reply (with CRLF) to send, and *log_line the main-log line. */
const char *limits_check(const char *address, int port, const char **log_line);

void limits_add(pid_t pid, const char *address);
/* False when pid was not one of ours. */
bool limits_remove(pid_t pid);
/* Connections being served. */
int limits_count(void);

#endif
