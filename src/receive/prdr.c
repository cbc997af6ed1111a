/* prdr.c - the PRDR data phase (spec 44.9): after the message is read, for
 * each recipient acl_smtp_data_prdr decides; the client gets "353 PRDR
 * content analysis beginning", one reply per recipient, and (from
 * receive_smtp.c) a final reply for the message.  Texts as exim4 4.96:
 *   250 PRDR R=<addr> acceptance          450 PRDR R=<addr> temporary refusal
 *   550 PRDR R=<addr> refusal             <code> <message=> when one is set
 * and the same words in the main log ("PRDR <addr> <message>" for a
 * message= text).
 *
 * Entry point: prdr_impl.data_phase (through prdr_ops_hooks, prdr.h).
 * Must never: keep a recipient the ACL did not accept.
 */
#include <string.h>

#include "acl/acl.h"
#include "base/log.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/variables.h"
#include "receive/prdr.h"

static int data_phase(rcv_msg *r, gstring **reply, bool *all_rejected) {
  spool_msg *m = &r->m;
  *reply = g_cat(*reply, "353 PRDR content analysis beginning\r\n");
  *all_rejected = true;
  int kept = 0;
  for (int i = 0; i < m->recipients_count; i++) {
    spool_recipient rc = m->recipients[i];
    const char *u = NULL, *l = NULL;
    const char *at = strrchr(rc.address, '@');
    expand_var_set("local_part", at ? str_copyn(rc.address, (size_t)(at - rc.address)) : rc.address);
    expand_var_set("domain", at ? at + 1 : "");
    int res = acl_check(ACL_WHERE_PRDR, rc.address, mainconf.acl_smtp_data_prdr, &u, &l);
    int code = res == ACL_OK ? 250 : res == ACL_DEFER || res == ACL_ERROR ? 450 : 550;
    const char *word = res == ACL_OK ? "acceptance" : code == 450 ? "temporary refusal" : "refusal";
    if (u && *u) {
      *reply = g_fmt(*reply, "%d %s\r\n", code, u);
      log_write_msg(m->id, LOG_MAIN, "PRDR %s %s", rc.address, l && *l ? l : u);
    } else {
      *reply = g_fmt(*reply, "%d PRDR R=<%s> %s\r\n", code, rc.address, word);
      log_write_msg(m->id, LOG_MAIN, "PRDR R=<%s> %s", rc.address, word);
    }
    if (res == ACL_OK) {
      r->rcpt_given[kept] = r->rcpt_given[i];
      m->recipients[kept++] = rc;
    }
    else if (code == 450) *all_rejected = false;
  }
  m->recipients_count = kept;
  expand_var_set("local_part", NULL);
  expand_var_set("domain", NULL);
  return kept;
}

const struct prdr_ops prdr_impl = {.data_phase = data_phase};
