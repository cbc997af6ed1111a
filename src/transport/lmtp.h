/* lmtp.h - private options block of the lmtp transport and its delivery
 * entry point. */
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

struct transport_instance;
struct address_item;
/* Deliver over LMTP (lmtp_run.c): transport_ops.deliver of lmtp. */
bool lmtp_deliver(struct transport_instance *t, struct address_item *addr);

#endif
