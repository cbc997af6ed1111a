/* daemon.h - the listening daemon (-bd, -bdf, -bw; spec chapters 3, 13):
 * sockets from daemon_smtp_ports / local_interfaces / -oX, a child per
 * connection running smtp_session_run(), connection limits, the pid file,
 * SIGHUP re-exec with a configuration checked first, SIGTERM, reaping;
 * with -q<time> (with or without -bd) periodic queue runners, and the
 * deliveries of messages its SMTP children receive.
 *
 * Must never: stop serving because a new configuration is broken; leave
 * zombies; accept beyond smtp_accept_max.
 */
#ifndef DAEMON_DAEMON_H
#define DAEMON_DAEMON_H

#include "main/cmdline.h"

/* -bd / -bdf / -bw / -q<time>.  Returns the exit code (the foreground daemon returns
 * after SIGTERM). */
int daemon_main(cmdline_state *st, int argc, char **argv);

#endif
