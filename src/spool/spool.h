/* spool.h - a message's spool files (-H and -D) in Exim 4.96's format
 * (spec chapter 57): the in-memory envelope (spool_msg) and the writer and
 * reader.  Entry points: spool_input_dir, spool_write_message,
 * spool_data_open/spool_data_write/spool_commit/spool_abort (streaming),
 * spool_update_header, spool_read_header.  The writer never leaves a partial file under a final
 * name; the reader never modifies or deletes what it reads.
 * Strings are in the store pools; a value's taint is the store's taint
 * (a tainted value is written as "--name", read back tainted). */
#ifndef SPOOL_SPOOL_H
#define SPOOL_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spool/message_id.h"

/* One header line as kept in the -H file: "%03d%c %s" (length, type). */
typedef struct spool_header {
  struct spool_header *next;
  char type;          /* ' ', '*', 'B', 'C', 'F', 'I', 'P', 'R', 'S', 'T' */
  char *text;         /* whole header including its final newline */
} spool_header;

/* A recipient; the extended form is written when pno >= 0, errors_to is set
 * or dsn_flags != 0. */
typedef struct spool_recipient {
  char *address;
  char *orcpt;        /* DSN ORCPT, or NULL */
  int dsn_flags;
  char *errors_to;    /* or NULL */
  int pno;            /* parent number for one_time children, else -1 */
} spool_recipient;

/* An ACL variable: scope 'c' or 'm', name after "acl_c"/"acl_m" ("0",
 * "_foo"). */
typedef struct spool_aclvar {
  struct spool_aclvar *next;
  char scope;
  char *name;
  char *value;
} spool_aclvar;

/* The non-recipients tree, written pre-order with Y/N branch letters; kept
 * balanced (AVL, names compared with strcmp) by spool_tree_insert as Exim
 * keeps it, so the same insertions give the same file. */
typedef struct spool_tree {
  struct spool_tree *left, *right;
  char *name;
  int balance;        /* height(right) - height(left): -1, 0, 1 */
} spool_tree;

/* Adds name (copied); false when it is already there. */
bool spool_tree_insert(spool_tree **root, const char *name);
/* The node for name, or NULL. */
spool_tree *spool_tree_search(spool_tree *root, const char *name);

typedef struct spool_msg {
  char id[MESSAGE_ID_LENGTH + 1];
  char *originator_login;
  uid_t originator_uid;
  gid_t originator_gid;
  char *sender;                 /* "" for bounces */
  long received_sec;
  int received_usec;
  long complete_sec;            /* -received_time_complete */
  int complete_usec;
  int warning_count;

  char *helo_name;
  char *host_address;           /* with host_port */
  int host_port;
  char *host_name;
  char *host_auth;
  char *host_auth_pubname;
  char *interface_address;      /* with interface_port */
  int interface_port;
  char *active_hostname;
  char *ident;
  char *received_protocol;
  spool_aclvar *aclvars;

  bool wireformat;              /* -spool_file_wireformat, else linecount */
  int body_linecount;
  int max_received_linelength;
  int body_zerocount;
  char *auth_id;
  char *auth_sender;
  bool allow_unqualified_recipient;
  bool allow_unqualified_sender;
  bool deliver_firsttime;
  bool frozen;
  long frozen_at;
  bool dont_deliver;            /* -N */
  bool host_lookup_deferred;
  bool host_lookup_failed;
  bool local;
  bool localerror;
  char *local_scan;
  char *spam_bar, *spam_score, *spam_score_int;
  bool manual_thaw;
  bool sender_set_untrusted;
  bool tls_certificate_verified;
  char *tls_cipher, *tls_peercert, *tls_peerdn, *tls_sni, *tls_ourcert;
  int tls_ocsp;                 /* written when non-zero */
  int tls_resumption;           /* -tls_resumption 'A'+n, always written */
  char *tls_ver;
  bool smtputf8;
  int utf8_downcvt;             /* 0 none, 1 yes, -1 optional */
  char *dsn_envid;
  int dsn_ret;                  /* written when non-zero */

  spool_tree *nonrecipients;
  int recipients_count;
  spool_recipient *recipients;
  spool_header *headers;
} spool_msg;

/* A spool_msg with every field at its "absent" value. */
void spool_msg_init(spool_msg *m);

/* "<spool>/input" or "<spool>/input/<6th char of id>" (split). */
char *spool_input_dir(const char *spool_directory, bool split, const char *id);

/* The -H file's text for m, exactly as Exim 4.96 writes it. */
char *spool_header_text(const spool_msg *m, size_t *len);

/* Streaming writer: open a temporary -D in the input directory (made when
 * missing), append body data, then commit (fsync -D, rename to <id>-D, write
 * and fsync a temporary -H, rename to <id>-H, fsync the directory).  Any
 * failure removes what was written and returns false with *error set; the
 * caller answers 451/452.  After a successful commit the -D file stays open
 * with a write lock until spool_close. */
typedef struct spool_ctx {
  char *dir;
  char id[MESSAGE_ID_LENGTH + 1];
  char *data_tmp, *data_final, *hdr_tmp, *hdr_final;
  int data_fd;
  bool data_renamed;
} spool_ctx;

bool spool_data_open(spool_ctx *c, const char *spool_directory, bool split,
                     const char *id, const char **error);
bool spool_data_write(spool_ctx *c, const char *buf, size_t n,
                      const char **error);
bool spool_commit(spool_ctx *c, const spool_msg *m, const char **error);
void spool_abort(spool_ctx *c);
void spool_close(spool_ctx *c);

/* The whole thing for a body held in memory. */
bool spool_write_message(const char *spool_directory, bool split,
                         const spool_msg *m, const char *body, size_t body_len,
                         const char **error);

/* Replaces an existing <id>-H with m's text (temporary file, fsync, rename,
 * directory fsync), for a queue run that recorded deliveries; on failure
 * the old -H stays as it was.  The caller holds the -D lock. */
bool spool_update_header(const char *spool_directory, bool split,
                         const spool_msg *m, const char **error);

/* After a failed write errno holds its cause; this gives the SMTP code the
 * caller answers with: 452 when the disk or quota is full, else 451. */
int spool_failure_code(int err);

/* Read <dir>/<id>-H into m; false with *error (naming the file and line) for
 * a missing, corrupt or truncated file, which is left untouched. */
bool spool_read_header(const char *spool_directory, bool split,
                       const char *id, spool_msg *m, const char **error);
/* The same from text already in memory (name is used in errors). */
bool spool_parse_header(const char *text, size_t len, const char *name,
                        spool_msg *m, const char **error);

/* The size exim -bp shows for a message: the -D file's size less its id
 * line, plus one (as Exim counts), plus every header not marked '*'. */
long spool_message_size(const spool_msg *m, long data_file_size);

/* The write(2) used for spool files.  Unit tests replace it to inject
 * failures; nothing in the program changes it. */
extern ssize_t (*spool_write_fn)(int fd, const void *buf, size_t n);

#endif
