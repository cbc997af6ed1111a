/* appendfile_warn.c - the quota warning message (spec 26.2
 * quota_warn_threshold, quota_warn_message): when a delivery made the
 * mailbox cross the threshold, the transport marks the address
 * SPECIAL_WARN, and the delivery process (privileged) calls this to
 * expand quota_warn_message (or exim4's default text) for the address and
 * submit it as a new message from "<>", with an Auto-Submitted: header,
 * a default From: and errors_reply_to as Reply-To: unless the text has
 * its own.
 *
 * Entry point: appendfile_send_warning() (transport_ops.send_warning).
 * Must never: run in the transport's own process (it is not privileged
 * to submit a message); stop the delivery when the warning fails (that
 * is only logged).
 */
#include "appendfile_int.h"

#include <stdio.h>
#include <string.h>

#include "../base/log.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../deliver/bounce.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"

#define DEFAULT_WARN_MESSAGE                                                     \
  "To: $local_part@$domain\n"                                                    \
  "Subject: Your mailbox\n\n"                                                    \
  "This message is automatically created by mail delivery software (Exim).\n\n" \
  "The size of your mailbox has exceeded a warning threshold that is\n"         \
  "set by the system administrator.\n"

/* Whether the header part of text has a header called name ("from"). */
static bool has_header(const char *text, const char *name) {
  size_t n = strlen(name);
  for (const char *p = text; *p && *p != '\n';) {
    if (str_ncmpic(p, name, n) == 0 && p[n] == ':') return true;
    const char *e = strchr(p, '\n');
    if (!e) break;
    p = e + 1;
  }
  return false;
}

void appendfile_send_warning(struct transport_instance *t, address_item *addr) {
  appendfile_options *ob = t->drv.options_block;
  const char *id = deliver_current ? deliver_current->m.id : NULL;
  addr_set_vars(addr);
  const char *raw = ob->quota_warn_message ? ob->quota_warn_message : DEFAULT_WARN_MESSAGE;
  const char *text = expand_cstring(raw);
  if (!text) {
    log_write_msg(id, LOG_MAIN, "Failed to expand \"%s\" (warning message for %s transport): %s", raw,
                  t->drv.name, expand_status.message);
    return;
  }
  if (!*text) return;
  const char *err = NULL;
  pid_t pid;
  FILE *f = bounce_submit_open("", id, &pid, &err);
  if (!f) {
    log_write_msg(id, LOG_MAIN, "Failed to send quota warning message for %s transport: %s", t->drv.name,
                  err ? err : "");
    return;
  }
  fputs("Auto-Submitted: auto-replied\n", f);
  if (!has_header(text, "from"))
    fprintf(f, "From: Mail Delivery System <Mailer-Daemon@%s>\n",
            mainconf.qualify_domain ? mainconf.qualify_domain : "");
  if (mainconf.errors_reply_to && *mainconf.errors_reply_to && !has_header(text, "reply-to"))
    fprintf(f, "Reply-To: %s\n", mainconf.errors_reply_to);
  fputs(text, f);
  if (!bounce_submit_close(f, pid))
    log_write_msg(id, LOG_MAIN, "Failed to send quota warning message for %s transport", t->drv.name);
}
