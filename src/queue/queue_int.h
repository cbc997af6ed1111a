/* queue_int.h - what the files of the queue layer share: where a queue's
 * spool files are (default or named queue, split or not), finding one
 * message's files, and the age/size texts of the -bp listing.
 * Must never: build a path from an id that is not a valid message id.
 */
#ifndef QUEUE_QUEUE_INT_H
#define QUEUE_QUEUE_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "spool/spool.h"

/* The spool directory of queue `name`: spool_directory itself for the
 * default queue ("" or NULL), <spool_directory>/<name> for a named one. */
const char *queue_spool_dir(const char *name);

/* The input directory that holds <id>-H: with split_spool_directory the
 * id's subdirectory first, then the other place (a message may be in the
 * "wrong" one after the option changed).  When neither has it, the place
 * the current setting would use. */
const char *queue_input_dir(const char *queue_name, const char *id);

/* The same, and whether that directory is a split subdirectory. */
bool queue_locate(const char *queue_name, const char *id, const char **dir, bool *split);

/* Read <dir>/<id>-H: 1 read, 0 open failed (errno set), -1 corrupt
 * (*hsize = the file's size, as "spool format error: size=N" shows). */
int queue_read_header(const char *queue_name, const char *id, spool_msg *m, long *hsize);

/* The -bp texts: age " 5m"/" 2h"/" 4d" and size "  279"/" 3.2K"/"293K". */
const char *queue_age_text(long seconds);
const char *queue_size_text(long size);

/* The full message size exim -bp shows, or -1 when the -D file is missing. */
long queue_message_size(const char *queue_name, const spool_msg *m);

/* True if id is on the recipients list of m (exact match). */
bool queue_is_recipient(const spool_msg *m, const char *address);

/* The working address of a -Mar/-Mes argument, fully qualified ("" for
 * "<>" when allow_null), or NULL with exim's *error text. */
const char *queue_parse_address(const char *arg, bool allow_null, const char **error);

#endif
