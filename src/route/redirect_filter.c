/* redirect_filter.c - redirection data that is an Exim or Sieve filter
 * (spec 22.3, allow_filter): the filter run with what the router's allow_*
 * and forbid_* options permit, and its outcome turned into the router's
 * answer (the generated addresses are finished by redirect_run.c).
 *
 * Entry point: redirect_filter() (redirect.h).
 * Must never: run a filter the options lock out, or hide a filter error
 * (skip_syntax_errors logs it and declines).
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/str.h"
#include "../filter/filter.h"
#include "redirect.h"
#include "route.h"

static unsigned filter_options(const redirect_options *ob) {
  unsigned o = 0;
  if (ob->allow_defer) o |= RDO_DEFER;
  if (ob->allow_fail) o |= RDO_FAIL;
  if (ob->allow_freeze) o |= RDO_FREEZE;
  if (!ob->forbid_blackhole) o |= RDO_BLACKHOLE;
  if (!ob->forbid_file) o |= RDO_FILE;
  if (!ob->forbid_pipe) o |= RDO_PIPE;
  if (!ob->forbid_filter_reply) o |= RDO_REPLY;
  if (!ob->forbid_filter_logwrite) o |= RDO_LOG;
  if (!ob->forbid_filter_existstest) o |= RDO_EXISTS;
  if (!ob->forbid_filter_lookup) o |= RDO_LOOKUP;
  if (!ob->forbid_filter_run) o |= RDO_RUN;
  if (!ob->forbid_filter_readfile) o |= RDO_READFILE;
  if (!ob->forbid_filter_readsocket) o |= RDO_READSOCK;
  if (!ob->forbid_filter_dlfunc) o |= RDO_DLFUNC;
  if (!ob->forbid_filter_perl) o |= RDO_PERL;
  if (!ob->forbid_include) o |= RDO_INCLUDE;
  if (!ob->forbid_exim_filter) o |= RDO_EXIM_FILTER;
  if (!ob->forbid_sieve_filter) o |= RDO_SIEVE_FILTER;
  if (!ob->forbid_smtp_code) o |= RDO_SMTP_CODE;
  if (ob->rewrite) o |= RDO_REWRITE;
  return o;
}

int redirect_filter(router_instance *r, redirect_options *ob, address_item *a,
                    const struct passwd *pw, const char *data, address_item **generated,
                    bool *keep_parent, const char *log_id, const route_ctx *ctx) {
  *generated = NULL;
  *keep_parent = false;
  filter_type kind = filter_kind(data);
  if (kind == FILTER_NOT) return -1;
  if (!ob->allow_filter) {
    a->message = "error in filter data: filtering not enabled";
    return DEFER;
  }
  filter_ctx fc;
  memset(&fc, 0, sizeof fc);
  fc.options = filter_options(ob);
  const char *home = a->home_dir ? a->home_dir : pw ? pw->pw_dir : NULL;
  fc.home = ob->filter_prepend_home ? home : NULL;
  fc.sieve_vacation_directory = ob->sieve_vacation_directory;
  fc.sieve_subaddress = ob->sieve_subaddress;
  fc.sieve_useraddress = ob->sieve_useraddress;
  fc.sieve_enotify_mailto_owner = ob->sieve_enotify_mailto_owner;
  fc.parent = a;
  fc.first_delivery = true;
  /* The filter runs as the router's user (user/group, or the local
   * user's from check_local_user). */
  address_item ids = *a;
  ids.flags &= ~(unsigned)(af_uid_set | af_gid_set);
  if (!route_set_ugid(r, &ids, pw)) {
    a->message = ids.message;
    return DEFER;
  }
  if (!(ids.flags & af_uid_set)) {
    a->message = str_sprintf("no uid for running the filter in the %s router", r->drv.name);
    return DEFER;
  }
  const char *perr = NULL;
  filter_result fr = redirect_filter_as_user(data, &fc, ids.uid,
                                             ids.flags & af_gid_set ? ids.gid : getegid(), &perr);
  if (perr) {
    a->message = perr;
    return DEFER;
  }
  /* -bt tells on stderr what became of a Sieve filter's implicit keep. */
  if (kind == FILTER_SIEVE && ctx->purpose == ROUTE_ADDRESS_TEST &&
      (fr == FF_DELIVERED || fr == FF_NOTDELIVERED))
    fprintf(stderr, fc.error ? "Sieve error: %s\n" : "%s\n",
            fc.error ? fc.error : fc.sieve_keep ? "Implicit keep" : "No implicit keep");
  switch (fr) {
  case FF_ERROR:
  case FF_INCLUDEFAIL:
    if (ob->skip_syntax_errors) {
      log_write_msg(log_id, LOG_MAIN, "%s router: skipped error: %s", r->drv.name, fc.error ? fc.error : "");
      return DECLINE;
    }
    a->message = str_sprintf("error in filter file: %s", fc.error ? fc.error : "");
    a->basic_errno = ERRNO_BADREDIRECT;
    return DEFER;
  case FF_DEFER:
    a->message = fc.error ? fc.error : "";
    a->user_message = fc.user_message;
    a->basic_errno = ERRNO_UNKNOWNERROR;
    return DEFER;
  case FF_FREEZE:
    a->message = fc.error ? fc.error : "";
    a->special_action = SPECIAL_FREEZE;
    a->basic_errno = ERRNO_UNKNOWNERROR;   /* exim4: -1, as for defer */
    return DEFER;
  case FF_FAIL:
    a->message = fc.error ? fc.error : "";
    a->user_message = fc.user_message ? fc.user_message : a->message;
    return FAIL;
  case FF_BLACKHOLE:
    return DISCARD;
  case FF_DELIVERED:
    *generated = fc.generated;
    if (!fc.generated) a->flags |= af_filter_discard;
    return fc.generated ? OK : DISCARD;
  case FF_NOTDELIVERED:
    /* No significant delivery: the address itself goes on as well (a
     * copy of it, which this router will not handle again). */
    if (!fc.generated) return DECLINE;
    *generated = fc.generated;
    *keep_parent = true;
    return OK;
  }
  return DECLINE;
}
