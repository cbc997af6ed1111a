/* autoreply.h - private options block of the autoreply transport, its
 * delivery entry point and the once record. */
#ifndef TRANSPORT_AUTOREPLY_H
#define TRANSPORT_AUTOREPLY_H

#include <stdbool.h>
#include <time.h>

typedef struct autoreply_options {
  const char *bcc, *cc, *file;
  bool file_expand, file_optional;
  const char *from, *headers, *log;
  int mode;
  const char *never_mail, *once;
  int once_file_size;
  const char *once_repeat, *reply_to;
  bool return_message;
  const char *subject, *text, *to;
} autoreply_options;

struct transport_instance;
struct address_item;
/* Send the reply (autoreply_run.c): transport_ops.deliver of autoreply. */
bool autoreply_deliver(struct transport_instance *t, struct address_item *addr);

/* The once record (autoreply_once.c): path names a DBM file
 * (file_size 0) or a plain file of at most file_size bytes.  check sets
 * *when to the time a reply was last sent to `to` (0: never); record notes
 * `now`.  false with *error when the file cannot be used (check: exim4's
 * "Failed to open ... file <path>", the reason in *error_no). */
bool autoreply_once_check(const char *path, int file_size, int mode, const char *to, time_t *when,
                          const char **error, int *error_no);
bool autoreply_once_record(const char *path, int file_size, int mode, const char *to, time_t now,
                           const char **error);

#endif
