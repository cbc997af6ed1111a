/* queue_runs.c - the daemon's deliveries: periodic queue runners (-q<time>,
 * queue_run_max) and the deliveries of messages received by its SMTP
 * children (deliver_notify_fd).  See queue_runs.h.
 *
 * The first queue run starts when the daemon starts, then one every
 * interval; when queue_run_max runners are still busy at that time, that
 * run is skipped.  A receiver writes "<id>\n" to the pipe; the daemon
 * (which keeps its privilege) forks a process that delivers that message.
 */
#include "daemon/queue_runs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "config/option.h"
#include "deliver/deliver.h"
#include "deliver/deliver_start.h"
#include "expand/expand.h"
#include "queue/queue.h"
#include "spool/message_id.h"

#define MAX_TRACKED 256

static int interval;                 /* seconds; 0: no queue runs */
static queue_run_opts run_opts;
static const char *describe = "no queue runs";
static long long next_run_ms;
static void (*setup_child)(void);
static int notify[2] = {-1, -1};
static char pending[2 * (MESSAGE_ID_LENGTH + 2)];
static size_t pending_len;
static pid_t runners[MAX_TRACKED];
static int nrunners;
static pid_t deliveries[MAX_TRACKED];
static int ndeliveries;

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

void qr_init(const cmdline_state *st, bool listening, void (*child_setup)(void)) {
  setup_child = child_setup;
  interval = st->queue_interval > 0 ? st->queue_interval : 0;
  if (interval) {
    queue_run_opts_from_cmdline(&run_opts, st);
    run_opts.queue_name = run_opts.queue_name ? str_perm(run_opts.queue_name) : "";
    const char *name = st->queue_name ? str_sprintf("G%s/", st->queue_name) : "";
    describe = str_perm(str_sprintf("-q%s%s", name, option_format_time(interval)));
    next_run_ms = now_ms();
  }
  if (listening) {
    if (pipe2(notify, O_CLOEXEC) < 0) {
      log_write(LOG_MAIN | LOG_PANIC, "pipe() for delivery notifications failed: %s", strerror(errno));
      notify[0] = notify[1] = -1;
      return;
    }
    fcntl(notify[0], F_SETFL, fcntl(notify[0], F_GETFL) | O_NONBLOCK);
    deliver_notify_fd = notify[1];
  }
}

const char *qr_describe(void) { return describe; }

int qr_poll_fd(void) { return notify[0]; }

int qr_timeout_ms(void) {
  if (!interval) return -1;
  long long left = next_run_ms - now_ms();
  return left > 0 ? (int)(left > 86400000LL ? 86400000LL : left) : 0;
}

static void track(pid_t *table, int *n, pid_t pid) {
  for (int i = 0; i < *n; i++)
    if (table[i] == 0) {
      table[i] = pid;
      return;
    }
  if (*n < MAX_TRACKED) table[(*n)++] = pid;
}

static int live(const pid_t *table, int n) {
  int k = 0;
  for (int i = 0; i < n; i++)
    if (table[i]) k++;
  return k;
}

/* In a new child of the daemon: nothing of the daemon's own stays open. */
static void child_common(void) {
  if (setup_child) setup_child();
  if (notify[0] >= 0) close(notify[0]);
  if (notify[1] >= 0) close(notify[1]);
  notify[0] = notify[1] = -1;
  deliver_notify_fd = -1;
}

/* queue_run_max, expanded with $queue_name; 0 means no limit. */
static int run_max(void) {
  const char *s = mainconf.queue_run_max;
  if (!s || !*s) return 0;
  if (strchr(s, '$')) {
    const char *x = expand_cstring(s);
    if (!x) {
      log_write(LOG_MAIN | LOG_PANIC, "failed to expand queue_run_max \"%s\": %s", s, expand_status.message);
      return 0;
    }
    s = x;
  }
  return atoi(s);
}

void qr_tick(void) {
  if (!interval || now_ms() < next_run_ms) return;
  next_run_ms = now_ms() + interval * 1000LL;
  store_mark *mark = store_mark_take(POOL_MAIN);
  int max = run_max();
  store_reset(mark);
  if (max > 0 && live(runners, nrunners) >= max) {
    DEBUG(D_any) debug_printf("queue_run_max (%d) reached: no queue run now\n", max);
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    log_write(LOG_MAIN, "fork of queue-runner process failed: %s", strerror(errno));
    return;
  }
  if (pid == 0) {
    child_common();
    queue_run(&run_opts);
    fflush(NULL);
    _exit(EXIT_SUCCESS);
  }
  track(runners, &nrunners, pid);
  DEBUG(D_any) debug_printf("daemon: queue runner pid %d started\n", (int)pid);
}

static void start_delivery(const char *id) {
  pid_t pid = fork();
  if (pid < 0) {
    log_write(LOG_MAIN, "fork of delivery process failed: %s", strerror(errno));
    return;
  }
  if (pid == 0) {
    child_common();
    deliver_opts d = {.queue_smtp = deliver_queue_smtp, .reception_domains = true};   /* just received */
    deliver_message(id, "", &d);
    fflush(NULL);
    _exit(EXIT_SUCCESS);
  }
  track(deliveries, &ndeliveries, pid);
  DEBUG(D_any) debug_printf("daemon: delivery of %s (received by a child) in pid %d\n", id, (int)pid);
}

void qr_notified(void) {
  for (;;) {
    ssize_t n = read(notify[0], pending + pending_len, sizeof pending - pending_len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    pending_len += (size_t)n;
    char *nl;
    while ((nl = memchr(pending, '\n', pending_len))) {
      *nl = 0;
      if (nl - pending == MESSAGE_ID_LENGTH && message_id_valid(pending)) start_delivery(pending);
      size_t used = (size_t)(nl + 1 - pending);
      memmove(pending, nl + 1, pending_len - used);
      pending_len -= used;
    }
    if (pending_len == sizeof pending) pending_len = 0;   /* no line of ours is that long */
  }
}

static bool forget(pid_t *table, int n, pid_t pid) {
  for (int i = 0; i < n; i++)
    if (table[i] == pid) {
      table[i] = 0;
      return true;
    }
  return false;
}

bool qr_reaped(pid_t pid) {
  return forget(runners, nrunners, pid) || forget(deliveries, ndeliveries, pid);
}

void qr_child_cleanup(void) {
  if (notify[0] >= 0) close(notify[0]);
  notify[0] = -1;
}
