/* deliver_start.c - what happens to a message once it is on the spool
 * (spec 3.4, options -odb/-odf/-odi/-odq, queue_only, queue_only_file,
 * queue_only_load, queue_only_override, control = queue): either nothing
 * (it waits for a queue runner) or a delivery process started now, in the
 * background or waited for.
 *
 * Entry point: deliver_after_reception (deliver.h); deliver_reception_mode
 * and deliver_config_arg, set by main() from the command line.
 * Must never: start a delivery while the receiving process still holds the
 * -D lock; leave a zombie behind for a background delivery.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver_int.h"
#include "main/cmdline.h"

int deliver_reception_mode = DELIVERY_DEFAULT;
const char *deliver_config_arg;
const char *deliver_reception_queue;
bool deliver_synchronous;
bool deliver_queue_smtp;
static bool deliver_load_latched;   /* queue_only_load_latch: once high, queue the rest */

/* queue_only_file: the first listed path (without "smtp" prefix) that
 * exists. */
static bool queue_file_exists(void) {
  const char *list = mainconf.queue_only_file;
  if (!list || !*list) return false;
  char *copy = str_copy(list);
  for (char *p = strtok(copy, ":"); p; p = strtok(NULL, ":")) {
    while (*p == ' ') p++;
    str_rtrim(p);
    if (strncmp(p, "smtp", 4) == 0 && p[4] == '/') continue;   /* queue_smtp_domains: remote only */
    struct stat st;
    if (*p == '/' && stat(p, &st) == 0) return true;
  }
  return false;
}

/* The delivery itself, in this (child) process: directly when we can
 * switch to the delivery users, else by running the program again. */
static void run_delivery(const char *id) {
  /* Re-executing only helps when the program gets root back from its
   * setuid bit; otherwise this process delivers as what it is. */
  struct stat st;
  bool setuid_root = mainconf.exim_path && *mainconf.exim_path && stat(mainconf.exim_path, &st) == 0 &&
                     st.st_uid == 0 && (st.st_mode & S_ISUID) && access(mainconf.exim_path, X_OK) == 0;
  if (geteuid() != 0 && setuid_root) {
    char *argv[10];
    int n = 0;
    argv[n++] = (char *)mainconf.exim_path;
    if (deliver_config_arg) {
      argv[n++] = "-C";
      argv[n++] = (char *)deliver_config_arg;
    }
    if (deliver_queue_smtp) argv[n++] = "-odqs";
    if (deliver_reception_queue) {
      argv[n++] = "-MCG";
      argv[n++] = (char *)deliver_reception_queue;
    }
    argv[n++] = "-Mc";
    argv[n++] = (char *)id;
    argv[n] = NULL;
    execv(argv[0], argv);
    log_write(LOG_MAIN | LOG_PANIC, "exec of %s failed: %s", argv[0], strerror(errno));
  }
  deliver_opts o = {.after_reception = true, .queue_smtp = deliver_queue_smtp, .reception_domains = true};
  (void)deliver_message(id, deliver_reception_queue ? deliver_reception_queue : "", &o);
}

void deliver_after_reception(const char *id, int mode, bool queue_only_by_acl) {
  bool override = (mode != DELIVERY_DEFAULT || deliver_queue_smtp) && mainconf.queue_only_override;
  if (mode == DELIVERY_QUEUE) return;
  if (queue_only_by_acl) {   /* control = queue: -odi does not override it (exim4) */
    log_write_msg(id, LOG_MAIN, "no immediate delivery: queued by ACL");
    return;
  }
  if (!override && (mainconf.queue_only || queue_file_exists())) return;
  /* queue_only_load: -odi does not override it (exim4) */
  if (mainconf.queue_only_load >= 0) {
    double load = 0;
    if (deliver_load_latched ||
        (getloadavg(&load, 1) == 1 && load * 1000.0 > (double)mainconf.queue_only_load)) {
      if (!deliver_load_latched)
        log_write_msg(id, LOG_MAIN, "no immediate delivery: load average %.2f", load);
      if (mainconf.queue_only_load_latch) deliver_load_latched = true;
      return;
    }
  }
  /* the daemon's delivery pipe carries ids of the default queue only */
  if (deliver_notify_fd >= 0 && mode != DELIVERY_FOREGROUND && !deliver_reception_queue) {
    const char *line = str_sprintf("%s\n", id);
    if (write(deliver_notify_fd, line, strlen(line)) == (ssize_t)strlen(line)) return;
  }

  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    log_write(LOG_MAIN | LOG_PANIC, "fork of delivery process for %s failed: %s", id, strerror(errno));
    return;
  }
  if (pid == 0) {
    if (mode != DELIVERY_FOREGROUND) {
      /* background: a grandchild delivers, so that nobody waits for it */
      (void)setsid();
      pid_t g = fork();
      if (g != 0) _exit(g < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
      /* nothing of the caller's session stays open in it, but -v's
       * stderr: the delivery shows there too (exim4) */
      int null = open("/dev/null", O_RDWR);
      if (null >= 0) {
        dup2(null, 0), dup2(null, 1);
        if (!(debug_selector & D_v)) dup2(null, 2);
        if (null > 2) close(null);
      }
    }
    deliver_synchronous = mode == DELIVERY_FOREGROUND;
    run_delivery(id);
    fflush(NULL);
    _exit(EXIT_SUCCESS);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
}
