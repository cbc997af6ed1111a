/* lmtp.h - private options block of the lmtp transport. */
#ifndef TRANSPORT_LMTP_H
#define TRANSPORT_LMTP_H

#include <stdbool.h>

typedef struct lmtp_options {
  const char *batch_id;
  int batch_max;
  const char *command;
  bool ignore_quota;
  const char *socket;
  int timeout;
} lmtp_options;

#endif
