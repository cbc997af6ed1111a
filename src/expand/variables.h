/* variables.h - the table of expansion variables (spec 11.9).
 *
 * One sorted table (binary search) of every variable name.  Each entry says
 * how to read the value: a string slot that the layer owning it fills
 * (message, connection, delivery variables start unset = empty), an integer
 * slot, or a function computing it ($tod_*, $pid, configuration values).
 * Later layers fill slots with expand_var_set() or by keeping the pointer
 * from expand_var_slot().
 *
 * Also the $acl_c* / $acl_m* table and the message seen by $h_ variables and
 * $message_body in -bem mode.
 */
#ifndef EXPAND_VARIABLES_H
#define EXPAND_VARIABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/str.h"

typedef enum { VT_SLOT, VT_FN } var_type;

typedef struct expand_var {
  const char *name;
  var_type type;
  int slot;                              /* VT_SLOT: index into the slot array */
  const char *(*fn)(void);               /* VT_FN */
} expand_var;

/* Find a variable by exact name; NULL if unknown. */
const expand_var *expand_var_find(const char *name, size_t len);
/* True while a filter file runs: $n0..$n9 and $sn0..$sn9 exist only then. */
extern bool expand_filter_running;
bool expand_var_filter_only(const expand_var *v);
/* Current value of a variable (NULL: unset, which expands as empty). */
const char *expand_var_value(const expand_var *v);
/* Set by the SMTP layer: called for a variable that is unset when it is
 * referenced; a value found on demand ($sender_host_name: the host name
 * is looked up then, spec 11), or NULL. */
extern const char *(*expand_var_on_demand)(const char *name);
/* Set a slot variable by name; false if no such slot variable. */
bool expand_var_set(const char *name, const char *value);
/* The slot of a slot variable (for layers that set it often). */
const char **expand_var_slot(const char *name);

/* $acl_c... and $acl_m...: any name of that form is valid; unset = empty. */
bool expand_aclvar_name_ok(const char *name);
const char *expand_aclvar_get(const char *name);   /* NULL if unset */
void expand_aclvar_set(const char *name, const char *value);
void expand_aclvar_clear_message(void);           /* unset every $acl_m* */
/* Every set $acl_c* / $acl_m* (full names), for the spool's -aclc/-aclm. */
void expand_aclvar_foreach(void (*fn)(const char *name, const char *value, void *ctx), void *ctx);

/* The message seen by $h_..., $message_body etc.: headers as one block of
 * header lines (each ending "\n", continuation lines included), and the
 * body.  NULL headers: no message. */
void expand_set_message(const char *headers, size_t hlen, const char *body, size_t blen);
/* Reception keeps only the start of a body in memory (given as body to
 * expand_set_message) and the rest on disk: these counts then stand for the
 * whole message ($message_size, $message_linecount, $body_linecount,
 * $body_zerocount, $message_body_size, $message_body_end).  NULL: count
 * what expand_set_message was given. */
typedef struct expand_msg_counts {
  long size, linecount, body_linecount, body_zerocount, body_size;
  const char *body_end;   /* the last message_body_visible bytes, or NULL */
  size_t body_end_len;
} expand_msg_counts;
void expand_set_message_counts(const expand_msg_counts *counts);
/* $message_size shows `size` instead while >= 0 (appendfile's maildir_tag
 * sees the bytes written); -1 ends the override. */
void expand_set_message_size_override(long size);
/* Headers of the current message named name (case-insensitive), for
 * variables.c and eval.c: call fn for each matching header's raw content
 * (text after the colon, terminating newline included). */
void expand_headers_foreach(const char *name, void (*fn)(const char *content, size_t len, void *ctx),
                            void *ctx);
bool expand_have_message(void);
/* What expand_set_message() was last given (the system filter's "headers
 * add/remove" rebuild the header block from it). */
void expand_get_message(const char **headers, size_t *hlen, const char **body, size_t *blen);

#endif
