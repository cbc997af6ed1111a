/* queue.h - the queue (spec chapters 5 (-q, -bp, -M options), 47, 54, 57):
 * queue runners, listing and the administrator's message actions.
 *
 * Entry points: queue_run() (-q family, one pass or two-phase -qq),
 * queue_list_main() (-bp family and mailq), queue_count_main() (-bpc),
 * queue_action_main() (-Mrm -Mf -Mt -Mg -Mar -Mmad -Mmd -Mes -Mvh -Mvb -Mvl
 * -Mvc -MG), queue_deliver_main() (-M -Mc -Mg), queue_ids() (what is on a
 * queue, in order).
 * Must never: act on a message another process has locked (other than
 * listing it); remove a message without logging who did it.
 */
#ifndef QUEUE_QUEUE_H
#define QUEUE_QUEUE_H

#include <stdbool.h>
#include <sys/types.h>

#include "../main/cmdline.h"

/* The message ids on queue `queue_name` ("" default), sorted as Exim's
 * queue runner takes them (random unless queue_run_in_order; listing is
 * always in id order when sorted=true).  NULL-terminated, in POOL_MAIN. */
char **queue_ids(const char *queue_name, bool sorted, int *count);

/* Options of one queue run (from -q... and -R/-S/-Rf/-Sr...). */
typedef struct queue_run_opts {
  const char *queue_name;       /* -qG<name>, "" default */
  bool force;                   /* -qf */
  bool force_thaw;              /* -qff */
  bool local_only;              /* -ql */
  bool two_phase;               /* -qq */
  bool in_order;                /* -qi? no: -qi is "initial delivery only" */
  bool initial_only;            /* -qi: only messages not yet tried */
  const char *start_id, *stop_id;   /* -q id1 id2 */
  const char *recipient_select; /* -R / -Rf / -Rr */
  int recipient_select_mode;    /* 0 plain (substring), 1 forced (f), 2 regex (r) */
  const char *sender_select;    /* -S / -Sr */
  int sender_select_mode;       /* the *_select_mode values are bits: 1 forced (f), 2 regex (r) */
  bool verbose;                 /* -v */
  bool dont_deliver;            /* -N */
} queue_run_opts;

/* The options of a queue run as the command line gives them (-q..., -R,
 * -S, -qG, -v, -N). */
void queue_run_opts_from_cmdline(queue_run_opts *o, const cmdline_state *st);

/* The log text of a run's flags as exim4 writes it after "pid=N":
 * " -qff -R x", "" for a plain run. */
const char *queue_run_flags_text(const queue_run_opts *o);

/* -M, -Mc, -Mg: a delivery process for each id in turn (forced and
 * thawing for -M and -Mg, respecting retry times for -Mc). */
int queue_deliver_main(const cmdline_state *st, int argc, char **argv, const char *admin_name);

/* One queue run: logs "Start queue run: pid=N" / "End queue run: pid=N"
 * (with -qf/-qff/-R flags shown as Exim shows them) and delivers each
 * message in a child process. */
void queue_run(const queue_run_opts *o);

int queue_list_main(const cmdline_state *st, int argc, char **argv);
int queue_count_main(const cmdline_state *st);
int queue_action_main(const cmdline_state *st, int argc, char **argv, const char *admin_name);

/* Who runs the -M actions: a caller who is not an admin user gets
 * "Permission denied" for each message, except -Mrm on a message it
 * originated (spec -Mrm).  Default: admin. */
void queue_set_caller(bool admin, uid_t uid);

#endif
