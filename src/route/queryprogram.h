/* queryprogram.h - private options block of the queryprogram router. */
#ifndef ROUTE_QUERYPROGRAM_H
#define ROUTE_QUERYPROGRAM_H

#include "../config/option.h"

typedef struct queryprogram_options {
  const char *command;
  opt_expand_id command_group;
  opt_expand_id command_user;
  const char *current_directory;
  int timeout;
} queryprogram_options;

#endif
