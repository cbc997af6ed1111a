/* main.c - program entry: parse the command line (cmdline.c), decide what
 * the caller may do (trust.c), read the configuration and dispatch to the
 * mode requested (spec chapter 5).
 *
 * Entry point: main().  Order of work, as Exim's:
 *   1. parse argv (errors: Exim's text, exit 1); --help, -bI:help
 *   2. incompatible combinations (exit 1)
 *   3. first debug line, -bV version text
 *   4. -C / -D trust, giving up privilege when required
 *   5. read the configuration (readconf_load exits 1 on any error)
 *   6. admin / trusted status, permission checks, then the mode.
 * A mode whose layer is not in this tree yet prints one line naming it and
 * exits with EXIT_NOT_YET (2): nothing pretends to work.
 *
 * Must never: read the configuration before privilege has been given up
 * for an untrusted -C/-D; print debug output for a non-admin caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/log_selector.h"
#include "../base/stack.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../config/print.h"
#include "../config/readconf.h"
#include "../daemon/daemon.h"
#include "../deliver/deliver_start.h"
#include "../deliver/retry.h"
#include "../expand/expand.h"
#include "../filter/filter.h"
#include "../queue/queue.h"
#include "../receive/receive.h"
#include "../rewrite/rewrite.h"
#include "../route/route.h"
#include "../smtp/smtp_in.h"
#include "be.h"
#include "cmdline.h"
#include "config.h"
#include "trust.h"
#include "version.h"

#ifndef LOG_FILE_PATH
#define LOG_FILE_PATH ""   /* the build chose no log path: spool_directory/log */
#endif

/* The exit status of a mode that this build does not have yet. */
#define EXIT_NOT_YET 2

static void fail(const char *text) {
  fprintf(stderr, "%s\n", text);
  exit(EXIT_FAILURE);
}

static void not_yet(const char *what, const char *layer) {
  fprintf(stderr, "exim: %s is not available yet: it arrives with %s\n", what, layer);
  exit(EXIT_NOT_YET);
}

static void print_help(void) {
  fputs("Exim is a Mail Transfer Agent. It is normally called by Mail User Agents,\n"
        "not directly from a shell command line. Options and/or arguments control\n"
        "what it does when called. For a list of options, see the Exim documentation.\n",
        stderr);
}

static void bi_help(FILE *f) {
  fputs("The -bI: flag takes a string indicating which information to provide.\n"
        "If the string is not recognised, you'll get this help (on stderr).\n"
        "\n"
        "  exim -bI:help    this information\n"
        "  exim -bI:dscp    list of known dscp value keywords\n"
        "  exim -bI:sieve   list of supported sieve extensions\n",
        f);
}

/* -bI:dscp: the DSCP keywords dscp= accepts, sorted. */
static int bi_dscp(void) {
  static const char *const names[] = {"af11", "af12", "af13", "af21", "af22", "af23",
                                      "af31", "af32", "af33", "af41", "af42", "af43",
                                      "ef", "lowcost", "lowdelay", "mincost",
                                      "reliability", "throughput", NULL};
  for (const char *const *n = names; *n; n++) printf("%s\n", *n);
  return EXIT_SUCCESS;
}

/* -bi: run bi_command (no arguments of its own, -oA's value as its one
 * argument) as the caller; a no-op when bi_command is unset. */
static int run_bi_command(const cmdline_state *st, const caller *c) {
  const char *cmd = mainconf.bi_command;
  if (!cmd || !*cmd) return EXIT_SUCCESS;
  char *args[3] = {(char *)cmd, (char *)st->alias_arg, NULL};
  DEBUG(D_exec) debug_printf("exec %s%s%s\n", cmd, st->alias_arg ? " " : "",
                             st->alias_arg ? st->alias_arg : "");
  const char *err = trust_drop_privilege(c, "running bi_command");
  if (err) fail(err);
  execv(cmd, args);
  fprintf(stderr, "exim: exec failed: %s\n", strerror(errno));
  return EXIT_FAILURE;
}

static int main_argc;         /* for the arguments log line */
static char **main_argv;

/* Leave stderr for the log files of log_file_path (spec 53.1); the path
 * is expanded first, and a failure is a panic, as in Exim.  -L names the
 * syslog process instead of syslog_processname. */
static void open_logs(const char *syslog_name, bool exim_known, uid_t uid, gid_t gid) {
  const char *path = mainconf.log_file_path;
  if (path && strchr(path, '$')) {
    const char *x = expand_cstring(path);
    if (!x) log_write(LOG_PANIC | LOG_DIE, "failed to expand \"%s\": %s", path, expand_status.message);
    path = x;
  }
  log_settings ls = {.file_path = path, .build_file_path = LOG_FILE_PATH, .spool_directory = mainconf.spool_directory,
                     .syslog_facility = mainconf.syslog_facility,
                     .syslog_processname = syslog_name ? syslog_name : mainconf.syslog_processname,
                     .syslog_pid = mainconf.syslog_pid, .syslog_timestamp = mainconf.syslog_timestamp,
                     .syslog_duplication = mainconf.syslog_duplication,
                     .log_timezone = mainconf.log_timezone, .write_rejectlog = mainconf.write_rejectlog,
                     .set_owner = exim_known, .uid = uid, .gid = gid};
  const char *err = log_open_files(&ls);
  if (err) log_write(LOG_PANIC | LOG_DIE, "%s", err);
  if (LOGGING(arguments) && main_argc > 0) {   /* spec 53.15: cwd and the arguments, once the log is open */
    char *cwd = getcwd(NULL, 0);
    log_write(LOG_MAIN, "cwd=%s %s", cwd ? cwd : "", cmdline_arguments_text(main_argc, main_argv));
    free(cwd);
  }
}

/* Debug lines written once the configuration is read. */
static void debug_after_config(int argc, char **argv) {
  debug_printf("configuration file is %s\n", config.filename ? config.filename : "");
  gstring *g = NULL;
  for (int i = 0; i < argc; i++) g = g_fmt(g, "%s%s", i ? " " : "", argv[i]);
  char *cwd = getcwd(NULL, 0);
  debug_printf("cwd=%s %d args: %s\n", cwd ? cwd : "?", argc, g_str(g));
  free(cwd);
}

int main(int argc, char **argv) {
  cmdline_state st;
  caller me;
  const char *err;

  stack_guard_init();
  main_argc = argc, main_argv = argv;
  if ((err = cmdline_parse(argc, argv, &st))) fail(err);
  if (st.help) {
    print_help();
    return EXIT_FAILURE;
  }
  if (st.info && strcmp(st.info, "help") == 0) {
    bi_help(stdout);
    return EXIT_SUCCESS;
  }
  if ((err = cmdline_conflict(&st))) fail(err);

  caller_identify(&me);
  debug_selector = st.debug_selector;
  DEBUG(D_any)
    debug_printf("Exim version %s uid=%ld gid=%ld pid=%ld D=%llx\n", version_string, (long)me.uid,
                 (long)me.gid, (long)getpid(), (unsigned long long)debug_selector);

  if (st.version) version_print(stdout);

  trust_decision trust;
  if ((err = trust_check(&st, &me, &trust))) fail(err);
  if (trust.drop && (err = trust_drop_privilege(&me, "-C, -D, -be or -bf forces real uid")))
    fail(err);

  readconf_args rargs = {.file_list = trust.config_list, .cmdline_macros = NULL,
                         .check_owner = trust.config_trusted};
  for (const cmdline_macro *m = st.macros; m; m = m->next)
    if ((err = macro_parse_cmdline(m->text, &rargs.cmdline_macros))) fail(str_sprintf("exim: %s", err));
  readconf_load(&rargs);
  deliver_queue_smtp = st.queue_smtp;

  DEBUG(D_any) debug_after_config(argc, argv);

  uid_t exim_uid = 0;
  gid_t exim_gid = 0;
  bool exim_known = main_config_exim_ids(&exim_uid, &exim_gid) == NULL;
  bool admin = caller_is_admin(&me, exim_known, exim_uid, exim_gid, mainconf.admin_groups);
  bool trusted = caller_is_trusted(&me, exim_known, exim_uid, mainconf.trusted_users,
                                   mainconf.trusted_groups);
  DEBUG(D_any) {
    if (trusted) debug_printf("trusted user\n");
    if (admin) debug_printf("admin user\n");
  }

  /* Debugging shows database queries and users' filters: admins only. */
  if ((debug_selector & D_any) && !admin) {
    debug_selector = 0;
    fail("exim: debugging permission denied");
  }
  if (st.syslog_name && !admin) fail("exim: you lack sufficient privilege to specify syslog process name");
  if (st.internal_option && me.uid != 0 && !(exim_known && me.uid == exim_uid))
    fail("exim: the -MC options are for Exim's own use (root or the Exim user only)");

  bool checking = st.host_checking || st.address_test || st.verify_address || st.expansion_test ||
                  st.filter_user || st.filter_system || st.test_retry_arg >= 0 ||
                  st.test_rewrite_arg >= 0;
  if (checking && mainconf.commandline_checks_require_admin && !admin)
    fail("exim: those command-line flags are set to require admin");

  bool other_action = st.list_options || st.info || st.daemon_listen || st.inetd_wait ||
                      st.expansion_test || st.filter_user || st.filter_system ||
                      st.host_checking || st.bi_option || st.malware_test || st.list_queue ||
                      st.count_queue || st.test_retry_arg >= 0 || st.test_rewrite_arg >= 0 ||
                      st.smtp_input || st.address_test || st.verify_address ||
                      st.msg_action != MSG_NONE || st.queue_interval >= 0 || st.log_line;
  if (st.version && !other_action) {
    printf("Configuration file is %s\n", config.filename ? config.filename : trust.config_list);
    return EXIT_SUCCESS;
  }

  /* ---- modes whose code is here ---- */
  if (st.list_options) {
    int n = argc - st.recipients_arg;
    char **words = store_get(sizeof(char *) * (size_t)(n + 2), false);
    int k = 0;
    if (st.terse) words[k++] = "-n";
    for (int i = st.recipients_arg; i < argc; i++) words[k++] = argv[i];
    words[k] = NULL;
    return bp_main(k, words, admin);
  }
  if (st.info) {
    if (strcmp(st.info, "dscp") == 0) return bi_dscp();
    if (strcmp(st.info, "sieve") == 0) {
      filter_sieve_extensions();
      return EXIT_SUCCESS;
    }
    bi_help(stderr);
    return EXIT_FAILURE;
  }
  if (st.bi_option) {
    if (LOGGING(arguments)) open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    return run_bi_command(&st, &me);
  }

  /* ---- permission checks that come before the mode's own work ---- */
  bool prod = st.msg_action == MSG_DELIVER || st.queue_interval >= 0;
  if ((st.daemon_listen || st.inetd_wait || st.malware_test) && !admin) fail("exim: permission denied");
  /* -Mf -Mt -Mrm -Mar -Mmd -Mmad -Mes -Mv*: refused per message by the
   * queue layer ("Permission denied"; -Mrm allowed to the originator) */
  bool per_message = st.msg_action != MSG_NONE && st.msg_action != MSG_DELIVER &&
                     st.msg_action != MSG_LOAD && st.msg_action != MSG_SETQUEUE;
  if (st.msg_action == MSG_SETQUEUE && !admin) fail("exim: permission denied");
  if (st.msg_action != MSG_NONE && !per_message && !st.continuation && !admin &&
      (st.msg_action != MSG_DELIVER || mainconf.prod_requires_admin))
    fail("exim: Permission denied");
  if (prod && mainconf.prod_requires_admin && !admin && !st.continuation) fail("exim: permission denied");
  if ((st.list_queue || st.count_queue) && mainconf.queue_list_requires_admin && !admin)
    fail("exim: permission denied");
  if (st.log_line && !admin) return EXIT_FAILURE;
  if (st.test_retry_arg >= 0 && st.test_retry_arg >= argc) fail("-brt needs a domain or address argument");
  if (st.test_rewrite_arg >= 0 && st.test_rewrite_arg >= argc) fail("-brw needs an address argument");

  /* ---- modes whose layer has not arrived ---- */
  /* -MCG <queue> alone names the queue of a message received or delivered
   * (reports from a named queue's deliveries, the -Mc re-exec) */
  if (st.continuation || (st.internal_option && !st.queue_name))
    not_yet("-MC (continued SMTP delivery)", "the SMTP transport");
  if (st.daemon_listen || st.inetd_wait) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    return daemon_main(&st, argc, argv);
  }
  if (st.msg_action == MSG_LOAD) not_yet("-Mset (loading a message for -be)", "the spool layer");
  if (st.expansion_test) return be_main(argc - st.recipients_arg, argv + st.recipients_arg, st.expansion_test_message, &st);
  if (st.filter_user || st.filter_system)
    return filter_test_run(st.filter_system, st.filter_user, st.filter_domain, st.filter_localpart,
                           st.filter_prefix, st.filter_suffix, st.sender_address, st.verbose);
  if (st.host_checking) return smtp_session_main(&st, &me, trusted);
  if (st.malware_test) not_yet("-bmalware (malware scanning)", "the content-scanning module");
  if ((st.list_queue || st.count_queue) && LOGGING(arguments))   /* exim4 logs these two too */
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
  if (st.list_queue) return queue_list_main(&st, argc, argv);
  if (st.count_queue) return queue_count_main(&st);
  if (st.test_retry_arg >= 0)
    return retry_test_main(argc - st.test_retry_arg, argv + st.test_retry_arg, st.sender_address);
  if (st.test_rewrite_arg >= 0) return rewrite_test_main(argv[st.test_rewrite_arg]);
  if (st.smtp_input) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    return smtp_session_main(&st, &me, trusted);
  }
  if (st.address_test || st.verify_address)
    return route_test_main(argc - st.recipients_arg, argv + st.recipients_arg,
                           st.address_test ? ROUTE_ADDRESS_TEST
                           : st.verify_as_sender ? ROUTE_VERIFY_SENDER : ROUTE_VERIFY_RECIPIENT,
                           st.sender_address);
  if (st.msg_action != MSG_NONE && st.msg_action != MSG_DELIVER) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    queue_set_caller(admin, me.uid);
    return queue_action_main(&st, argc, argv, me.login);
  }
  if (st.msg_action == MSG_DELIVER) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    return queue_deliver_main(&st, argc, argv, me.login);
  }
  if (st.queue_interval > 0) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    return daemon_main(&st, argc, argv);
  }
  if (st.queue_interval == 0) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    queue_run_opts qo;
    queue_run_opts_from_cmdline(&qo, &st);
    queue_run(&qo);
    return EXIT_SUCCESS;
  }
  if (st.log_line) {
    main_argc = 0;   /* exim4 writes no arguments line for -z */
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    log_write(LOG_MAIN, "%s", st.log_line);
    return EXIT_SUCCESS;
  }

  /* No action: with recipients (or -t) a message is to be read. */
  if (st.recipients_arg < argc || st.extract_recipients) {
    open_logs(st.syslog_name, exim_known, exim_uid, exim_gid);
    return receive_cmdline_main(&st, argc, argv);
  }
  print_help();
  return EXIT_FAILURE;
}
