/* bounce.c - delivery failure reports (spec chapter 50.1, RFC 3464) and the
 * submission of every generated message: a child of this program that
 * reads the message as "-t -oem -oi -f <sender> -E<id>".
 *
 * Entry points (bounce.h): bounce_send(), bounce_submit_open(),
 * bounce_submit_close(), bounce_submit_result(); (bounce_int.h)
 * bounce_out_open()/bounce_out_close(), the submission of a report with its failures logged, for bounce_warn.c
 * too.
 * Must never: bounce to "<>" (the caller freezes instead); hand the child an
 * argument through a shell; leave a child unwaited.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../config/main_config.h"
#include "../config/readconf.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "../expand/variables.h"
#include "bounce_int.h"
#include "retry.h"
#include "deliver_start.h"
#include "../smtp/conn.h"
#include "config.h"

/* ---- submission ---------------------------------------------------------- */

/* The program to run: exim_path when the configuration names one, else
 * this very binary (the same file once installed at the default
 * BIN_DIRECTORY/exim; a build that is not installed runs itself rather
 * than whatever may be installed there). */
static const char *self_path(void) {
  const char *dflt = BIN_DIRECTORY "/exim";
  if (mainconf.exim_path && *mainconf.exim_path && strcmp(mainconf.exim_path, dflt) != 0 &&
      access(mainconf.exim_path, X_OK) == 0)
    return mainconf.exim_path;
  return access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" : mainconf.exim_path;
}

/* SIGPIPE is ignored while a child reads a generated message, so that a
 * child dying early is a write error, not the end of this process. */
static struct sigaction saved_sigpipe;
static int submit_depth;

static void sigpipe_ignore(void) {
  if (submit_depth++ == 0) {
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &saved_sigpipe);
  }
}

static void sigpipe_restore(void) {
  if (submit_depth > 0 && --submit_depth == 0) sigaction(SIGPIPE, &saved_sigpipe, NULL);
}

FILE *bounce_submit_open(const char *sender, const char *id, pid_t *pid, const char **error) {
  const char *argv[64];
  int n = 0;
  argv[n++] = mainconf.exim_path ? mainconf.exim_path : "exim";
  /* The child reads the configuration this process read: -C when it is not
   * the built-in one, and the command line's -D macros. */
  if (config.filename && strcmp(config.filename, CONFIGURE_FILE) != 0) {
    argv[n++] = "-C";
    argv[n++] = config.filename;
  }
  for (const macro_item *m = config.macros; m && n < 52; m = m->next)
    if (m->command_line) argv[n++] = m->value && *m->value ? str_sprintf("-D%s=%s", m->name, m->value)
                                                           : str_sprintf("-D%s", m->name);
  /* during a foreground (-odi) delivery the report is delivered before
   * its parent completes (exim4 passes -odi here too) */
  if (deliver_synchronous) argv[n++] = "-odi";
  /* -v: the child is verbose too, on this process's stderr (exim4) */
  bool verbose = (debug_selector & D_v) != 0;
  if (verbose) argv[n++] = "-v";
  /* what a message on a named queue generates goes to that queue (exim4) */
  if (deliver_current && deliver_current->queue_name && *deliver_current->queue_name) {
    argv[n++] = "-MCG";
    argv[n++] = deliver_current->queue_name;
  }
  argv[n++] = "-t";
  argv[n++] = "-oem";
  argv[n++] = "-oi";
  argv[n++] = "-f";
  argv[n++] = sender && *sender ? sender : "<>";   /* as exim4 writes it */
  argv[n++] = id ? str_sprintf("-E%s", id) : "-E";
  argv[n] = NULL;

  int fd[2];
  if (pipe(fd) < 0) {
    *error = str_sprintf("pipe failed: %s", strerror(errno));
    return NULL;
  }
  const char *path = self_path();
  fflush(NULL);
  pid_t p = fork();
  if (p < 0) {
    *error = str_sprintf("fork failed: %s", strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return NULL;
  }
  if (p == 0) {
    close(fd[1]);
    if (fd[0] != 0) {
      dup2(fd[0], 0);
      close(fd[0]);
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 1);
      if (!verbose) dup2(null, 2);
      if (null > 2) close(null);
    }
    signal(SIGPIPE, SIG_DFL);
    execv(path, (char *const *)argv);
    _exit(127);
  }
  close(fd[0]);
  FILE *f = fdopen(fd[1], "w");
  if (!f) {
    *error = str_sprintf("fdopen failed: %s", strerror(errno));
    close(fd[1]);
    kill(p, SIGTERM);
    waitpid(p, NULL, 0);
    return NULL;
  }
  sigpipe_ignore();
  *pid = p;
  return f;
}

int bounce_submit_result(FILE *f, pid_t pid, bool *written) {
  bool ok = fflush(f) == 0 && !ferror(f);
  *written = fclose(f) == 0 && ok;
  sigpipe_restore();
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return INT_MIN;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

bool bounce_submit_close(FILE *f, pid_t pid) {
  bool written;
  return bounce_submit_result(f, pid, &written) == 0 && written;
}

bool bounce_out_open(bounce_out *o, const deliver_msg *dm, const char *what, const char *to) {
  const char *error = NULL;
  *o = (bounce_out){.dm = dm, .what = what, .to = to};
  o->f = bounce_submit_open("", dm->m.id, &o->pid, &error);
  if (!o->f)
    log_write_msg(dm->m.id, LOG_MAIN | LOG_PANIC, "Process failed (%s) when sending %s to %s", error, what, to);
  return o->f != NULL;
}

bool bounce_out_close(bounce_out *o, bool ok) {
  bool written;
  int status = bounce_submit_result(o->f, o->pid, &written);
  o->f = NULL;
  if (status == 0 && written && ok) return true;
  /* The child ran and refused the report (its exit status): as exim4, a
   * failure report's refusal is a main log line; with retry rules
   * configured the failures stay and the message is frozen (" (frozen)",
   * the text in the msglog too, without time or line end, as exim4 writes
   * it), without any they count as reported.
   * Other reports' refusals go unremarked. */
  if (status > 0 && strcmp(o->what, "message") == 0) {
    o->frozen = retry_rules() != NULL;
    const char *text = str_sprintf("Process failed (%d) when writing error message to %s%s", status, o->to,
                                   o->frozen ? " (frozen)" : "");
    log_write_msg(o->dm->m.id, LOG_MAIN, "%s", text);
    if (o->frozen && o->dm->msglog) {
      fputs(text, o->dm->msglog);
      fflush(o->dm->msglog);
    }
    return !o->frozen;
  }
  if (status > 0) return true;   /* a warning or a success report */
  log_write_msg(o->dm->m.id, LOG_MAIN | LOG_PANIC, "Process failed when sending %s to %s", o->what, o->to);
  return false;
}

/* ---- failure reports ----------------------------------------------------- */

/* Whether a failure of a should be reported: with DSN NOTIFY given, only
 * when it includes FAILURE. */
static bool wants_failure_notice(const address_item *a) {
  for (; a; a = a->parent)
    if (a->dsn_flags & (rf_notify_never | rf_notify_success | rf_notify_failure | rf_notify_delay))
      return (a->dsn_flags & rf_notify_failure) != 0;
  return true;
}

/* What the report says about a: a router's or :fail:'s text as it is; a
 * local transport's detail stays in the log unless the transport passes it
 * on (exim 4.96 writes "local delivery failed"). */
static const char *failure_reason(const address_item *a) {
  if (a->user_message && *a->user_message) return a->user_message;
  /* a pipe, file or reply the redirection may not make: no reason line */
  if (a->basic_errno == ERRNO_FORBIDPIPE || a->basic_errno == ERRNO_FORBIDFILE ||
      a->basic_errno == ERRNO_FORBIDREPLY)
    return NULL;
  /* failed only because a pipe produced output (return_output): the
   * output, further down, is the whole story (exim4 adds no line) */
  if (a->return_output && *a->return_output && a->message &&
      strcmp(a->message, "return message generated") == 0)
    return NULL;
  if (a->transport && !a->host_list && !(a->flags & af_pass_message)) return "local delivery failed";
  return a->message;
}

/* Output of pipe commands with return_output/return_fail_output: the
 * third item of the template (default text below), then each address's
 * text under its name. */
static void put_return_output(FILE *f, const bounce_template *tpl, address_item *failed) {
  int n = 0;
  for (address_item *a = failed; a; a = a->next)
    if (a->return_output && *a->return_output) n++;
  if (!n) return;
  const char *intro = bounce_template_item(tpl, 2);
  if (intro) fputs(intro, f);
  else fprintf(f, "The following text was generated during the delivery attempt%s:\n", n > 1 ? "s" : "");
  for (address_item *a = failed; a; a = a->next) {
    if (!a->return_output || !*a->return_output) continue;
    fprintf(f, "\n------ %s ------\n\n%s", a->address, a->return_output);
    if (a->return_output[strlen(a->return_output) - 1] != '\n') fputc('\n', f);
  }
  fputc('\n', f);
}

/* The default second item: who sent the message and what failed. */
static void put_default_intro(FILE *f, const char *sender, bool to_sender) {
  fputs("This message was created automatically by mail delivery software.\n", f);
  const char *extra = mainconf.bounce_message_text;
  if (extra && *extra) fprintf(f, "%s\n", extra);
  else fputc('\n', f);
  if (to_sender)
    fputs("A message that you sent could not be delivered to one or more of its\n"
          "recipients. This is a permanent error. The following address(es) failed:\n", f);
  else
    fprintf(f, "A message sent by\n\n  <%s>\n\ncould not be delivered to one or more of its recipients. "
               "The following\naddress(es) failed:\n", sender);
}

/* errors_copy (spec 14): the addresses of the first item whose pattern
 * (an address list item, in quotes when it holds white space) matches the
 * bounce's recipient, expanded with $local_part and $domain of that
 * recipient; NULL when none. */
static const char *errors_copy_for(const char *to) {
  const char *list = mainconf.errors_copy;
  int sep = 0;
  for (char *item; list && (item = list_next(&list, &sep));) {
    while (*item == ' ' || *item == '\t') item++;
    const char *pattern = item;
    char *rest;
    if (*item == '"') {
      pattern = ++item;
      rest = strchr(item, '"');
      if (!rest) continue;
      *rest++ = 0;
    } else {
      rest = item + strcspn(item, " \t");
      if (*rest) *rest++ = 0;
    }
    const char *err = NULL;
    if (match_address_list(to, str_sprintf("<;%s", pattern), true, NULL, &err) != MATCH_YES) continue;
    const char *at = strrchr(to, '@');
    expand_var_set("local_part", at ? str_copyn(to, (size_t)(at - to)) : to);
    expand_var_set("domain", at ? at + 1 : "");
    const char *addresses = expand_cstring(rest);
    expand_var_set("local_part", NULL);
    expand_var_set("domain", NULL);
    if (!addresses) {
      log_write(LOG_MAIN | LOG_PANIC, "Failed to expand \"%s\" (in errors_copy): %s", rest,
                expand_status.message ? expand_status.message : "");
      return NULL;
    }
    while (*addresses == ' ' || *addresses == '\t') addresses++;
    return *addresses ? addresses : NULL;
  }
  return NULL;
}

bool bounce_send(deliver_msg *dm, const char *to, address_item *failed) {
  if (!to || !*to) return false;
  /* DSN NOTIFY without FAILURE: as exim 4.96, such addresses at the head of
   * the list are dropped (and logged); from the first one that wants a
   * report on, every address is reported */
  while (failed && !wants_failure_notice(failed)) {
    log_write_msg(dm->m.id, LOG_MAIN, "%s: error ignored: RFC 3461 DSN, failure notify not requested",
                  failed->address);
    failed = failed->next;
  }
  if (!failed) return true;

  const char *sender = bounce_sender(dm);
  bool to_sender = strcmp(sender, to) == 0;
  expand_var_set("bounce_recipient", to);
  bounce_template tpl;
  bounce_template_read(&tpl, mainconf.bounce_message_file, "error", dm->m.id);

  bounce_out out;
  if (!bounce_out_open(&out, dm, "message", to)) {
    expand_var_set("bounce_recipient", NULL);
    return false;
  }
  FILE *f = out.f;
  const char *boundary = bounce_boundary();

  /* hidden addresses (hide_child_in_errmsg) are left out */
  bool first = true;
  for (address_item *a = failed; a; a = a->next) {
    if ((a->flags & af_hide_child) && a->parent) continue;
    fprintf(f, "%s%s", first ? "X-Failed-Recipients: " : ",\n  ", bounce_reported_address(a)->address);
    first = false;
  }
  if (!first) fputc('\n', f);
  bounce_put_reply_to(f);
  fputs("Auto-Submitted: auto-replied\n", f);
  bounce_put_from(f);
  fprintf(f, "To: %s\n", to);
  /* errors_copy: copies by Bcc:, which -t takes as recipients and drops */
  const char *copy = errors_copy_for(to);
  if (copy) fprintf(f, "Bcc: %s\n", copy);
  bounce_put_references(f, dm);
  bounce_put_mime(f, boundary);
  const char *subject = bounce_template_item(&tpl, 0);
  if (subject) fprintf(f, "%s%s", subject, subject[strlen(subject) - 1] == '\n' ? "" : "\n");
  else fprintf(f, "Subject: Mail delivery failed%s\n", to_sender ? ": returning message to sender" : "");
  fprintf(f, "\n--%s\nContent-type: text/plain; charset=us-ascii\n\n", boundary);

  const char *intro = bounce_template_item(&tpl, 1);
  if (intro) fputs(intro, f);
  else put_default_intro(f, sender, to_sender);
  fputc('\n', f);
  for (address_item *a = failed; a; a = a->next) bounce_put_address(f, a, failure_reason(a), NULL);
  fputc('\n', f);
  put_return_output(f, &tpl, failed);

  /* RFC 3464 part: exim 4.96 lists the recipients in the reverse order,
   * except when a returned-output section came in between (then in the
   * same order as above) */
  bounce_put_dsn_head(f, dm, boundary);
  int n = 0;
  bool output = false;
  for (address_item *a = failed; a; a = a->next, n++)
    if (a->return_output && *a->return_output) output = true;
  address_item **v = store_get(sizeof *v * (size_t)(n ? n : 1), false);
  n = 0;
  for (address_item *a = failed; a; a = a->next) v[n++] = a;
  for (int i = 0; i < n; i++)
    bounce_put_dsn_recipient(f, v[output ? i : n - 1 - i], "failed", "5.0.0", NULL);

  bool ok = bounce_out_close(&out, bounce_put_returned(f, dm, failed, boundary, dm->m.dsn_ret == SPOOL_DSN_RET_HDRS));
  expand_var_set("bounce_recipient", NULL);
  if (out.frozen) {
    if (!dm->frozen_reason) dm->frozen_reason = "";   /* frozen, logged already */
    dm->keep_firsttime = true;
  }
  return ok;
}
