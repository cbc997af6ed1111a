/* autoreply.h - private options block of the autoreply transport. */
#ifndef TRANSPORT_AUTOREPLY_H
#define TRANSPORT_AUTOREPLY_H

#include <stdbool.h>

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

#endif
