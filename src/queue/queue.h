/* queue.h - the queue (spec chapters 5 (-q, -bp, -M options), 47, 54, 57):
 * queue runners, listing and the administrator's message actions.
 *
 * Entry points: queue_run() (-q family, one pass or two-phase -qq),
 * queue_list_main() (-bp family and mailq), queue_count_main() (-bpc),
 * queue_action_main() (-Mrm -Mf -Mt -Mg -Mar -Mmad -Mmd -Mes -Mvh -Mvb -Mvl
 * -Mvc -Mc -M -MG), queue_ids() (what is on a queue, in order).
 * Must never: act on a message another process has locked (other than
 * listing it); remove a message without logging who did it.
 */
#ifndef QUEUE_QUEUE_H
#define QUEUE_QUEUE_H

#include <stdbool.h>

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
  int sender_select_mode;
} queue_run_opts;

/* One queue run: logs "Start queue run: pid=N" / "End queue run: pid=N"
 * (with -qf/-qff/-R flags shown as Exim shows them) and delivers each
 * message in a child process. */
void queue_run(const queue_run_opts *o);

int queue_list_main(const cmdline_state *st, int argc, char **argv);
int queue_count_main(const cmdline_state *st);
int queue_action_main(const cmdline_state *st, int argc, char **argv, const char *admin_name);

#endif
