/* queue_list.c - the queue listings (spec 5: -bp, -bpa, -bpc, -bpr, -bpra,
 * -bpru, -bpu, and "mailq"): one block per message in Exim's layout,
 *
 *   <age> <size> <id> <sender> [*** frozen ***]
 *           <undelivered recipient>
 *         D <delivered recipient>
 *        +D <generated address, delivered>       (-bpa, -bpra)
 *   <blank line>
 *
 * sorted by id unless r is given (then in directory order), only the
 * undelivered recipients with u; with message ids as arguments just those
 * messages, in the order given.  -bpc prints the number of messages.
 *
 * Entry points: queue_list_main, queue_count_main (queue.h).
 * Must never: lock, change or remove anything on the spool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/store.h"
#include "base/str.h"
#include "queue/queue.h"
#include "queue/queue_int.h"

/* In-order walk of the non-recipients tree: the generated addresses, that
 * is the delivered ones that are not on the recipients list. */
static void print_generated(const spool_msg *m, const spool_tree *t) {
  if (!t) return;
  print_generated(m, t->left);
  if (!queue_is_recipient(m, t->name)) printf("       +D %s\n", t->name);
  print_generated(m, t->right);
}

/* One message's block.  quiet_missing: a message gone since the directory
 * was read (delivered meanwhile) is left out rather than shown as an error. */
static void list_one(const char *queue_name, const char *id, bool undelivered_only, bool generated,
                     bool quiet_missing, time_t now) {
  store_mark *mark = store_mark_take(POOL_MAIN);
  spool_msg m;
  long hsize;
  int rc = queue_read_header(queue_name, id, &m, &hsize);
  if (rc == 0) {
    if (!(quiet_missing && errno == ENOENT))
      printf("      %.*s\n    *** spool read error: %s ***\n\n", MESSAGE_ID_LENGTH, id, strerror(errno));
  } else if (rc < 0) {
    printf("      %.*s\n    *** spool format error: size=%ld ***\n\n", MESSAGE_ID_LENGTH, id, hsize);
  } else {
    long size = queue_message_size(queue_name, &m);
    printf("%s %s %s <%s>%s\n", queue_age_text((long)(now - m.received_sec)),
           size < 0 ? "     " : queue_size_text(size), m.id, m.sender, m.frozen ? " *** frozen ***" : "");
    for (int i = 0; i < m.recipients_count; i++) {
      const char *a = m.recipients[i].address;
      if (spool_tree_search(m.nonrecipients, a)) {
        if (!undelivered_only) printf("        D %s\n", a);
      } else {
        printf("          %s\n", a);
      }
    }
    if (generated) print_generated(&m, m.nonrecipients);
    printf("\n");
  }
  fflush(stdout);
  store_reset(mark);
}

int queue_list_main(const cmdline_state *st, int argc, char **argv) {
  const char *opt = st->list_queue_option;
  bool unsorted = strchr(opt, 'r') != NULL;
  bool undelivered_only = strchr(opt, 'u') != NULL;
  bool generated = strchr(opt, 'a') != NULL;
  const char *queue_name = st->queue_name ? st->queue_name : "";
  time_t now = time(NULL);

  if (st->recipients_arg < argc) {
    for (int i = st->recipients_arg; i < argc; i++)
      list_one(queue_name, argv[i], undelivered_only, generated, false, now);
    return EXIT_SUCCESS;
  }
  int n;
  char **ids = queue_ids(queue_name, !unsorted, &n);
  for (int i = 0; i < n; i++) list_one(queue_name, ids[i], undelivered_only, generated, true, now);
  return EXIT_SUCCESS;
}

int queue_count_main(const cmdline_state *st) {
  int n;
  queue_ids(st->queue_name ? st->queue_name : "", false, &n);
  printf("%d\n", n);
  return EXIT_SUCCESS;
}
