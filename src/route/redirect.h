/* redirect.h - private options block of the redirect router. */
#ifndef ROUTE_REDIRECT_H
#define ROUTE_REDIRECT_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct redirect_options {
  bool allow_defer, allow_fail, allow_filter, allow_freeze;
  bool check_ancestor;
  bool check_group, check_group_set;   /* opt_bool_set pairs */
  bool check_owner, check_owner_set;
  const char *data;
  const char *directory_transport;
  const char *file;
  const char *file_transport;
  bool filter_prepend_home;
  bool forbid_blackhole, forbid_exim_filter, forbid_file, forbid_filter_dlfunc;
  bool forbid_filter_existstest, forbid_filter_logwrite, forbid_filter_lookup;
  bool forbid_filter_perl, forbid_filter_readfile, forbid_filter_readsocket;
  bool forbid_filter_reply, forbid_filter_run, forbid_include, forbid_pipe;
  bool forbid_sieve_filter, forbid_smtp_code;
  bool hide_child_in_errmsg, ignore_eacces, ignore_enotdir;
  const char *include_directory;
  int modemask;
  bool one_time;
  uid_t *owners;                    /* [0] = count; NULL unset */
  gid_t *owngroups;
  const char *pipe_transport;
  const char *qualify_domain;
  bool qualify_preserve_domain;
  bool repeat_use;
  const char *reply_transport;
  bool rewrite;
  const char *sieve_enotify_mailto_owner;
  const char *sieve_subaddress;
  const char *sieve_useraddress;
  const char *sieve_vacation_directory;
  bool skip_syntax_errors;
  const char *srs, *srs_alias, *srs_condition, *srs_dbinsert, *srs_dbselect;
  const char *syntax_errors_text;
  const char *syntax_errors_to;
} redirect_options;

/* The router's route function (redirect_run.c; route.h router_route_fn). */
struct router_instance;
struct address_item;
struct route_ctx;
struct passwd;
int redirect_route(struct router_instance *r, struct address_item *a, const struct passwd *pw,
                   struct route_ctx *ctx);

/* Run the data as a filter when it is one (redirect_filter.c): -1 when it
 * is not a filter; else the router's answer, with OK giving the generated
 * addresses (children of a) in *generated and *keep_parent when the
 * filter set up no significant delivery; log_id: the message id for
 * log lines (NULL outside a delivery); ctx: why the address is routed
 * (-bt shows whether a Sieve filter's implicit keep remained). */
int redirect_filter(struct router_instance *r, redirect_options *ob, struct address_item *a,
                    const struct passwd *pw, const char *data, struct address_item **generated,
                    bool *keep_parent, const char *log_id, const struct route_ctx *ctx);

/* filter_interpret() under uid/gid (redirect_child.c): in a child
 * process when this one runs with other privileges; FF_ERROR with *error
 * when that child fails. */
#include "../filter/filter.h"
filter_result redirect_filter_as_user(const char *data, filter_ctx *fc, uid_t uid, gid_t gid,
                                      const char **error);

#endif
