/* queue_run.c - queue runner processes (spec 5: -q, -qf, -qff, -qi, -ql,
 * -qq, -q<id> [<id>], -R/-S with their f/ff/r flags, -qG<name>; spec 3 and
 * queue_run_in_order) and the message deliveries started by -M, -Mc, -Mg.
 *
 * A run logs "Start queue run: pid=N<flags>" ("Start 'name' queue run"
 * for a named queue), then takes the messages of the queue one at a time
 * (in id order with queue_run_in_order, else in an unpredictable order),
 * skips those outside -q id1 id2, and when -R, -S or -qi select messages
 * reads the -H first (a frozen message is then passed over with "Message
 * is frozen", as exim4 does).  Each chosen message is delivered by a
 * child process running deliver_message(); the runner waits for it before
 * the next one.  -qq makes a first pass that only routes, then a normal
 * one.  Ends with "End queue run: pid=N<flags>".
 *
 * Entry points: queue_run, queue_run_opts_from_cmdline,
 * queue_run_flags_text, queue_deliver_main (queue.h).
 * Must never: deliver two messages at once from one runner; let a delivery
 * child return into the runner's loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/regex.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "deliver/deliver.h"
#include "queue/queue.h"
#include "queue/queue_int.h"

void queue_run_opts_from_cmdline(queue_run_opts *o, const cmdline_state *st) {
  memset(o, 0, sizeof *o);
  o->queue_name = st->queue_name ? st->queue_name : "";
  o->force = st->queue_force || st->select_force;
  o->force_thaw = st->force_thaw;
  o->local_only = st->queue_local;
  o->two_phase = st->queue_2stage;
  o->initial_only = st->queue_first_delivery;
  o->start_id = st->start_id;
  o->stop_id = st->stop_id;
  o->recipient_select = st->select_recipient;
  o->recipient_select_mode = (st->select_force ? 1 : 0) | (st->select_recipient_regex ? 2 : 0);
  o->sender_select = st->select_sender;
  o->sender_select_mode = (st->select_force ? 1 : 0) | (st->select_sender_regex ? 2 : 0);
  o->verbose = st->verbose;
  o->dont_deliver = st->dont_deliver;
}

const char *queue_run_flags_text(const queue_run_opts *o) {
  gstring *g = g_new(64, false);
  bool forced = o->force || o->force_thaw;
  if (o->two_phase || o->initial_only || forced || o->local_only)
    g = g_fmt(g, " -q%s%s%s%s%s", o->two_phase ? "q" : "", o->initial_only ? "i" : "", forced ? "f" : "",
              o->force_thaw ? "f" : "", o->local_only ? "l" : "");
  if (o->recipient_select)
    g = g_fmt(g, " -R%s %s", o->recipient_select_mode & 2 ? "r" : "", o->recipient_select);
  if (o->sender_select) g = g_fmt(g, " -S%s %s", o->sender_select_mode & 2 ? "r" : "", o->sender_select);
  return g_str(g);
}

/* ---------------- selection ---------------- */

/* Does text contain the -R/-S string (case-independent), or match it as a
 * regular expression? */
static bool select_match(const char *text, const char *want, int mode) {
  if (mode & 2) {
    const char *error;
    const regex *re = regex_get(want, REGEX_CASELESS, &error);
    if (!re) return false;
    return regex_match(re, text, strlen(text), NULL, 0, NULL, &error) == 1;
  }
  size_t n = strlen(want);
  for (const char *p = text; *p; p++)
    if (str_ncmpic(p, want, n) == 0) return true;
  return n == 0;
}

/* True when the message passes -R, -S and -qi; a frozen message (without
 * ff) is not chosen. */
static bool selected(const queue_run_opts *o, const char *id) {
  spool_msg m;
  long hsize;
  if (queue_read_header(o->queue_name, id, &m, &hsize) != 1) return false;
  if (m.frozen && !o->force_thaw) {
    log_write_sel("skip_delivery", LOGGING(skip_delivery), NULL, LOG_MAIN, "Message is frozen");
    return false;
  }
  if (o->initial_only && !m.deliver_firsttime) return false;
  if (o->sender_select && !select_match(m.sender, o->sender_select, o->sender_select_mode)) return false;
  if (o->recipient_select) {
    bool any = false;
    for (int i = 0; i < m.recipients_count && !any; i++) {
      const char *a = m.recipients[i].address;
      if (!spool_tree_search(m.nonrecipients, a) &&
          select_match(a, o->recipient_select, o->recipient_select_mode))
        any = true;
    }
    if (!any) return false;
  }
  return true;
}

/* ---------------- delivery processes ---------------- */

/* Deliver one message in a child and wait for it.  The child never
 * returns here. */
static int deliver_in_child(const char *id, const char *queue_name, const deliver_opts *dopts) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    log_write(LOG_MAIN | LOG_PANIC, "fork of delivery process failed: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    int r = deliver_message(id, queue_name, dopts);
    fflush(NULL);
    _exit(r == DELIVER_NOT_ATTEMPTED ? 1 : 0);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return status;
}

static void shuffle(char **ids, int n) {
  unsigned seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(rand_r(&seed) % (unsigned)(i + 1));
    char *t = ids[i];
    ids[i] = ids[j];
    ids[j] = t;
  }
}

/* deliver_queue_load_max: a run that is not forced stops once the load
 * average is above it ("Abandon queue run: pid=N (load L, max M)").  true
 * when the run is to stop. */
static bool load_too_high(const queue_run_opts *o) {
  if (o->force || mainconf.deliver_queue_load_max < 0) return false;
  double load = 0;
  if (getloadavg(&load, 1) != 1 || load * 1000.0 <= (double)mainconf.deliver_queue_load_max) return false;
  log_write(LOG_MAIN, "Abandon queue run: pid=%d (load %.2f, max %.2f)", (int)getpid(), load,
            mainconf.deliver_queue_load_max / 1000.0);
  return true;
}

/* One pass over the queue; false when it was abandoned. */
static bool one_pass(const queue_run_opts *o, bool first_pass) {
  int n;
  char **ids = queue_ids(o->queue_name, mainconf.queue_run_in_order, &n);
  if (!mainconf.queue_run_in_order) shuffle(ids, n);
  bool selecting = o->recipient_select || o->sender_select || o->initial_only;
  bool first_selected = true;
  for (int i = 0; i < n; i++) {
    const char *id = ids[i];
    if (o->start_id && strcmp(id, o->start_id) < 0) continue;
    if (o->stop_id && strcmp(id, o->stop_id) > 0) continue;
    store_mark *mark = store_mark_take(POOL_MAIN);
    bool go = !selecting || selected(o, id);
    store_reset(mark);
    if (!go) continue;
    if (load_too_high(o)) return false;
    /* -R/-S: the first chosen message is delivered forced (spec -R) */
    bool forced = o->force || ((o->recipient_select || o->sender_select) && first_selected);
    first_selected = false;
    deliver_opts d = {.forced = forced, .force_thaw = o->force_thaw, .queue_run = true, .queue_run_pid = (int)getpid(),
                      .first_pass_routing = first_pass, .local_only = o->local_only,
                      .verbose = o->verbose || o->dont_deliver, .dont_deliver = o->dont_deliver};
    deliver_in_child(id, o->queue_name, &d);
  }
  return true;
}

/* A run ends ("End queue run") once every process it started has finished,
 * the detached deliveries of the reports its deliveries submitted included
 * (exim4's order): they all inherit the write end of a pipe, which the
 * runner reads to its end.  Transport commands close it (transport/child.c). */
static void wait_for_descendants(int fds[2]) {
  if (fds[0] < 0) return;
  close(fds[1]);
  char buf[64];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) != 0)
    if (n < 0 && errno != EINTR) break;
  close(fds[0]);
}

void queue_run(const queue_run_opts *o) {
  const char *flags = queue_run_flags_text(o);
  const char *qn = o->queue_name && *o->queue_name ? str_sprintf("'%s' ", o->queue_name) : "";
  int pid = (int)getpid();
  log_write_sel("queue_run", LOGGING(queue_run), NULL, LOG_MAIN, "Start %squeue run: pid=%d%s", qn, pid, flags);
  int fds[2] = {-1, -1};
  if (pipe(fds) == 0) (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  else fds[0] = fds[1] = -1;
  if (!o->two_phase || one_pass(o, true)) one_pass(o, false);
  wait_for_descendants(fds);
  log_write_sel("queue_run", LOGGING(queue_run), NULL, LOG_MAIN, "End %squeue run: pid=%d%s", qn, pid, flags);
}

int queue_deliver_main(const cmdline_state *st, int argc, char **argv, const char *admin_name) {
  (void)admin_name;
  const char *queue_name = st->queue_name ? st->queue_name : "";
  bool forced = st->forced_delivery || st->give_up;
  /* -Mc is the delivery after reception of a re-executed program:
   * -odqs and queue_smtp_domains apply to it */
  bool mc = st->msg_action_option && strcmp(st->msg_action_option, "-Mc") == 0;
  deliver_opts d = {.forced = forced, .force_thaw = forced, .give_up = st->give_up,
                    .verbose = st->verbose || st->dont_deliver, .dont_deliver = st->dont_deliver,
                    .queue_smtp = mc && st->queue_smtp, .reception_domains = mc};
  for (int i = st->msg_action_arg; i < argc; i++) deliver_in_child(argv[i], queue_name, &d);
  return EXIT_SUCCESS;
}
