/* redirect.c - the redirect router (spec chapter 22): private options with
 * Exim 4.96's types and defaults (plus the libsrs_alt options of the
 * SRS_ALT feature), and init: exactly one of file and data, one_time rules,
 * qualify_domain vs qualify_preserve_domain, a user for filters.  A transport
 * must not be set.  The routing itself is in redirect_run.c.
 * Entry point: router_redirect.
 * Must never: read or interpret redirection data at configuration time.
 */
#include "router.h"

#include "redirect.h"

#define RDO(n, t, f) {n, t, OPT_OFF(redirect_options, f), NULL, NULL}
#define RDS(n, f) {n, opt_stringptr, OPT_OFF(redirect_options, f), "SRS_ALT", NULL}

/* Sorted by name (strcmp order). */
static const optionlist redirect_option_list[] = {
  RDO("allow_defer", opt_bool, allow_defer),
  RDO("allow_fail", opt_bool, allow_fail),
  RDO("allow_filter", opt_bool, allow_filter),
  RDO("allow_freeze", opt_bool, allow_freeze),
  RDO("check_ancestor", opt_bool, check_ancestor),
  RDO("check_group", opt_bool_set, check_group),
  RDO("check_owner", opt_bool_set, check_owner),
  RDO("data", opt_stringptr, data),
  RDO("directory_transport", opt_stringptr, directory_transport),
  RDO("file", opt_stringptr, file),
  RDO("file_transport", opt_stringptr, file_transport),
  RDO("filter_prepend_home", opt_bool, filter_prepend_home),
  RDO("forbid_blackhole", opt_bool, forbid_blackhole),
  RDO("forbid_exim_filter", opt_bool, forbid_exim_filter),
  RDO("forbid_file", opt_bool, forbid_file),
  RDO("forbid_filter_dlfunc", opt_bool, forbid_filter_dlfunc),
  RDO("forbid_filter_existstest", opt_bool, forbid_filter_existstest),
  RDO("forbid_filter_logwrite", opt_bool, forbid_filter_logwrite),
  RDO("forbid_filter_lookup", opt_bool, forbid_filter_lookup),
  RDO("forbid_filter_perl", opt_bool, forbid_filter_perl),
  RDO("forbid_filter_readfile", opt_bool, forbid_filter_readfile),
  RDO("forbid_filter_readsocket", opt_bool, forbid_filter_readsocket),
  RDO("forbid_filter_reply", opt_bool, forbid_filter_reply),
  RDO("forbid_filter_run", opt_bool, forbid_filter_run),
  RDO("forbid_include", opt_bool, forbid_include),
  RDO("forbid_pipe", opt_bool, forbid_pipe),
  RDO("forbid_sieve_filter", opt_bool, forbid_sieve_filter),
  RDO("forbid_smtp_code", opt_bool, forbid_smtp_code),
  RDO("hide_child_in_errmsg", opt_bool, hide_child_in_errmsg),
  RDO("ignore_eacces", opt_bool, ignore_eacces),
  RDO("ignore_enotdir", opt_bool, ignore_enotdir),
  RDO("include_directory", opt_stringptr, include_directory),
  RDO("modemask", opt_octint, modemask),
  RDO("one_time", opt_bool, one_time),
  RDO("owners", opt_uidlist, owners),
  RDO("owngroups", opt_gidlist, owngroups),
  RDO("pipe_transport", opt_stringptr, pipe_transport),
  RDO("qualify_domain", opt_stringptr, qualify_domain),
  RDO("qualify_preserve_domain", opt_bool, qualify_preserve_domain),
  RDO("repeat_use", opt_bool, repeat_use),
  RDO("reply_transport", opt_stringptr, reply_transport),
  RDO("rewrite", opt_bool, rewrite),
  RDO("sieve_enotify_mailto_owner", opt_stringptr, sieve_enotify_mailto_owner),
  RDO("sieve_subaddress", opt_stringptr, sieve_subaddress),
  RDO("sieve_useraddress", opt_stringptr, sieve_useraddress),
  RDO("sieve_vacation_directory", opt_stringptr, sieve_vacation_directory),
  RDO("skip_syntax_errors", opt_bool, skip_syntax_errors),
  RDS("srs", srs),
  RDS("srs_alias", srs_alias),
  RDS("srs_condition", srs_condition),
  RDS("srs_dbinsert", srs_dbinsert),
  RDS("srs_dbselect", srs_dbselect),
  RDO("syntax_errors_text", opt_stringptr, syntax_errors_text),
  RDO("syntax_errors_to", opt_stringptr, syntax_errors_to),
};

static const redirect_options redirect_defaults = {
  .filter_prepend_home = true,
  .modemask = 022,
  .repeat_use = true,
  .rewrite = true,
};

static const char *redirect_init(driver_instance *d) {
  const char *err = router_generic_init(d);
  if (err) return err;
  router_instance *r = (router_instance *)d;
  redirect_options *ob = d->options_block;
  /* The file's owner and group are checked by default when there is
   * something to check them against. */
  if (!ob->check_owner_set) ob->check_owner = r->check_local_user || ob->owners;
  if (!ob->check_group_set)
    ob->check_group = (r->check_local_user && !(ob->modemask & 020)) || ob->owngroups;
  if (ob->file && ob->data)
    return driver_error(d, "router", "only one of \"file\" or \"data\" must be specified");
  if (!ob->file && !ob->data)
    return driver_error(d, "router", "one of \"file\" or \"data\" must be specified");
  if (ob->one_time) {
    /* A one-time redirection may not deliver to pipes, files or replies. */
    ob->forbid_pipe = ob->forbid_file = ob->forbid_filter_reply = true;
    if (r->unseen.value || r->unseen.expand)
      return driver_error(d, "router", "\"unseen\" may not be used with \"one_time\"");
    if (r->headers_add || r->headers_remove)
      return driver_error(d, "router",
                          "\"headers_add\" and \"headers_remove\" are not permitted with \"one_time\"");
  }
  if (ob->qualify_domain && ob->qualify_preserve_domain)
    return driver_error(d, "router",
                        "only one of \"qualify_domain\" or \"qualify_preserve_domain\" must be set");
  if (ob->allow_filter && !r->user.set && !r->user.expand && !r->check_local_user)
    return driver_error(d, "router",
                        "\"user\" or \"check_local_user\" must be set with \"allow_filter\"");
  return NULL;
}

static const router_ops redirect_ops = {.flags = RI_NOTRANSPORT, .route = redirect_route};

const driver_info router_redirect = {
  .name = "redirect",
  .options = redirect_option_list,
  .options_count = OPT_COUNT(redirect_option_list),
  .options_defaults = &redirect_defaults,
  .options_size = sizeof(redirect_options),
  .init = redirect_init,
  .kind_ops = &redirect_ops,
};
