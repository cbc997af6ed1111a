/* test_cmdline.c - unit tests for the command-line parser (src/main/cmdline.c):
 * argument rules of every option family, program-name presets, Exim's
 * error texts, -d selector parsing and the incompatibility rules. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "main/cmdline.h"
#include "unit.h"


static cmdline_state st;

/* Parse a NULL-terminated list of words (argv[0] first). */
static const char *parse_v(const char *const *words) {
  static char *argv[64];
  int argc = 0;
  while (words[argc]) {
    argv[argc] = (char *)words[argc];
    argc++;
  }
  argv[argc] = NULL;
  return cmdline_parse(argc, argv, &st);
}
#define PARSE(...) parse_v((const char *const[]){"exim", __VA_ARGS__, NULL})
#define PARSE_AS(name, ...) parse_v((const char *const[]){name, __VA_ARGS__, NULL})
#define STREQ(a, b) ((a) && (b) && strcmp((a), (b)) == 0)
#define ABANDON(opt) "exim abandoned: unknown, malformed, or incomplete option " opt

static void test_attached_or_next(void) {
  CHECK(PARSE("-f", "a@b") == NULL && STREQ(st.sender_address, "a@b"));
  CHECK(PARSE("-fa@b") == NULL && STREQ(st.sender_address, "a@b"));
  CHECK(PARSE("-f", "<>") == NULL && STREQ(st.sender_address, ""));
  CHECK(PARSE("-r", "x@y") == NULL && STREQ(st.sender_address, "x@y"));
  CHECK(STREQ(PARSE("-f"), ABANDON("-f")));
  CHECK(STREQ(PARSE("-r"), ABANDON("-r")));
  CHECK(PARSE("-F", "Full Name") == NULL && STREQ(st.sender_fullname, "Full Name"));
  CHECK(PARSE("-FName") == NULL && STREQ(st.sender_fullname, "Name"));
  CHECK(STREQ(PARSE("-F"), ABANDON("-F")));
  CHECK(PARSE("-C", "/a:/b") == NULL && STREQ(st.config_file, "/a:/b"));
  CHECK(PARSE("-C/x") == NULL && STREQ(st.config_file, "/x"));
  CHECK(STREQ(PARSE("-C"), ABANDON("-C")));
  CHECK(PARSE("-L", "tag") == NULL && STREQ(st.syslog_name, "tag"));
  CHECK(STREQ(PARSE("-L"), ABANDON("-L")));
  CHECK(STREQ(PARSE("-Lx123456789012345678901234567890123"),
              "exim: the -L syslog name is too long: \"x123456789012345678901234567890123\""));
  CHECK(STREQ(PARSE("-X"), "exim: string expected after -X"));
  CHECK(PARSE("-X", "file", "-bV") == NULL && st.version);
  CHECK(STREQ(PARSE("-O"), "exim: string expected after -O"));
  CHECK(STREQ(PARSE("-z"), "exim: file name expected after -z"));
  CHECK(PARSE("-z", "note") == NULL && STREQ(st.log_line, "note"));
  CHECK(PARSE("-h", "5", "-bV") == NULL && st.version);
  CHECK(PARSE("-h5") == NULL);
  CHECK(STREQ(PARSE("-hx"), ABANDON("-hx")));
  CHECK(STREQ(PARSE("-h"), ABANDON("-h")));
  CHECK(PARSE("-p", "proto:host") == NULL && STREQ(st.received_protocol, "proto") &&
        STREQ(st.host_name, "host"));
  CHECK(PARSE("-pesmtp") == NULL && STREQ(st.received_protocol, "esmtp") && !st.host_name);
  CHECK(PARSE("-ps") == NULL && STREQ(st.perl_start, "s"));
  CHECK(STREQ(PARSE("-p"), ABANDON("-p")));
}

static void test_b_options(void) {
  CHECK(PARSE("-bd") == NULL && st.daemon_listen && !st.daemon_foreground);
  CHECK(PARSE("-bdf") == NULL && st.daemon_foreground);
  CHECK(STREQ(PARSE("-bdx"), ABANDON("-bdx")));
  CHECK(PARSE("-be") == NULL && st.expansion_test);
  CHECK(PARSE("-bem", "/m") == NULL && STREQ(st.expansion_test_message, "/m"));
  CHECK(STREQ(PARSE("-bem"), ABANDON("-bem")));
  CHECK(STREQ(PARSE("-bemx"), ABANDON("-bemx")));
  CHECK(STREQ(PARSE("-bF"), "exim: file name expected after -bF"));
  CHECK(STREQ(PARSE("-bf"), "exim: file name expected after -bf"));
  CHECK(STREQ(PARSE("-bFx"), ABANDON("-bFx")));
  CHECK(STREQ(PARSE("-bfd"), "exim: string expected after -bfd"));
  CHECK(STREQ(PARSE("-bfl"), "exim: string expected after -bfl"));
  CHECK(PARSE("-bfs", "-sfx", "-bf", "/f") == NULL && STREQ(st.filter_suffix, "-sfx") &&
        STREQ(st.filter_user, "/f"));
  CHECK(STREQ(PARSE("-bh"), ABANDON("-bh")));
  CHECK(STREQ(PARSE("-bhc"), ABANDON("-bhc")));
  CHECK(PARSE("-bhc", "1.2.3.4") == NULL && st.host_checking_callout &&
        STREQ(st.host_checking, "1.2.3.4"));
  CHECK(PARSE("-bI:dscp") == NULL && STREQ(st.info, "dscp"));
  CHECK(STREQ(PARSE("-bI"), ABANDON("-bI")));
  CHECK(STREQ(PARSE("-bmalware"), ABANDON("-bmalware")));
  CHECK(PARSE("-bnq") == NULL && st.no_qualify);
  CHECK(STREQ(PARSE("-bPx"), ABANDON("-bPx")));
  CHECK(PARSE("-bP", "a", "b") == NULL && st.list_options && st.recipients_arg == 2);
  CHECK(PARSE("-bpru") == NULL && st.list_queue && STREQ(st.list_queue_option, "ru"));
  CHECK(PARSE("-bpc") == NULL && st.count_queue && !st.list_queue);
  CHECK(STREQ(PARSE("-bpar"), ABANDON("-bpar")));
  CHECK(PARSE("-brt", "-x", "y") == NULL && st.test_retry_arg == 2 && st.recipients_arg == 4);
  CHECK(PARSE("-brw", "a@b") == NULL && st.test_rewrite_arg == 2);
  CHECK(PARSE("-bS") == NULL && st.smtp_input && st.smtp_batched);
  CHECK(PARSE("-bs") == NULL && st.smtp_input && !st.smtp_batched);
  CHECK(PARSE("-bvs") == NULL && st.verify_address && st.verify_as_sender);
  CHECK(STREQ(PARSE("-bvx"), ABANDON("-bvx")));
  CHECK(PARSE("-bw5m") == NULL && st.inetd_wait && st.inetd_wait_timeout == 300);
  CHECK(STREQ(PARSE("-bw0"), "exim: bad time value -bw0: abandoned"));
  CHECK(STREQ(PARSE("-bX"), ABANDON("-bX")));
}

static void test_o_options(void) {
  CHECK(STREQ(PARSE("-oMa"), "exim: data expected after -oMa"));
  CHECK(STREQ(PARSE("-oMx"), "exim: data expected after -oMx"));
  CHECK(STREQ(PARSE("-oMx", "foo"), ABANDON("-oMx")));
  CHECK(PARSE("-oMa", "1.2.3.4", "-oMaa", "plain", "-oMai", "id", "-oMas", "s@x", "-oMi", "5.6.7.8",
              "-oMr", "proto", "-oMs", "host", "-oMt", "ident") == NULL);
  CHECK(STREQ(st.host_address, "1.2.3.4") && STREQ(st.authenticator, "plain") &&
        STREQ(st.authenticated_id, "id") && STREQ(st.authenticated_sender, "s@x") &&
        STREQ(st.interface_address, "5.6.7.8") && STREQ(st.received_protocol, "proto") &&
        STREQ(st.host_name, "host") && STREQ(st.ident, "ident"));
  CHECK(STREQ(PARSE("-oMm", "bad"), "-oMm must be a valid message ID"));
  CHECK(PARSE("-oMm", "1xVTD9-0002qn-0J") == NULL && STREQ(st.message_reference, "1xVTD9-0002qn-0J"));
  CHECK(PARSE("-oB") == NULL && st.connection_max_messages == 1);
  CHECK(PARSE("-oB", "5", "-bV") == NULL && st.connection_max_messages == 5 && st.version);
  CHECK(PARSE("-oB7") == NULL && st.connection_max_messages == 7);
  CHECK(STREQ(PARSE("-oBx"), "exim: number expected after -oB"));
  CHECK(PARSE("-odb") == NULL && st.delivery_mode == DELIVERY_BACKGROUND);
  CHECK(PARSE("-odi") == NULL && st.delivery_mode == DELIVERY_FOREGROUND);
  CHECK(PARSE("-odq") == NULL && st.delivery_mode == DELIVERY_QUEUE);
  CHECK(PARSE("-odqs") == NULL && st.queue_smtp);
  CHECK(STREQ(PARSE("-odx"), ABANDON("-odx")));
  CHECK(PARSE("-oep") == NULL && st.error_handling == ERRORS_STDERR);
  CHECK(PARSE("-ew") == NULL && st.error_handling == ERRORS_MAIL_FAIL);
  CHECK(STREQ(PARSE("-oex"), ABANDON("-oex")));
  CHECK(STREQ(PARSE("-ea"), ABANDON("-ea")));
  CHECK(PARSE("-oitrue") == NULL && !st.dot_ends);
  CHECK(STREQ(PARSE("-oifalse"), ABANDON("-oifalse")));
  CHECK(PARSE("-om", "-oo") == NULL);
  CHECK(PARSE("-oP", "/p") == NULL && STREQ(st.pid_file, "/p"));
  CHECK(PARSE("-oP") == NULL && st.pid_file == NULL);
  CHECK(PARSE("-oPX") == NULL && st.pid_file_remove);
  CHECK(STREQ(PARSE("-oPfoo"), ABANDON("-oPfoo")));
  CHECK(STREQ(PARSE("-or"), "exim: bad time value -or: abandoned"));
  CHECK(STREQ(PARSE("-or", "5x"), "exim: bad time value 5x: abandoned"));
  CHECK(STREQ(PARSE("-or5"), "exim: bad time value -or5: abandoned"));
  CHECK(PARSE("-or", "5m", "-os1h") == NULL && st.receive_timeout == 300 &&
        st.smtp_receive_timeout == 3600);
  CHECK(STREQ(PARSE("-oA"), "exim: string expected after -oA"));
  CHECK(PARSE("-oAfile") == NULL && STREQ(st.alias_arg, "file"));
  CHECK(PARSE("-oX", "25") == NULL && STREQ(st.override_local_interfaces, "25"));
  CHECK(STREQ(PARSE("-oX"), ABANDON("-oX")));
  CHECK(PARSE("-ov") == NULL && st.verbose);
  CHECK(STREQ(PARSE("-oZ"), ABANDON("-oZ")));
}

static void test_M_options(void) {
  const char *id = "1xVTD9-0002qn-0J";
  CHECK(STREQ(PARSE("-M"), "exim: no message ids given after -M option"));
  CHECK(STREQ(PARSE("-Mrm"), "exim: no message ids given after -Mrm option"));
  CHECK(STREQ(PARSE("-Mrm", "bad"), "exim: malformed message id bad after -Mrm option"));
  CHECK(PARSE("-Mrm", id, id) == NULL && st.msg_action == MSG_REMOVE && st.msg_action_arg == 2);
  CHECK(STREQ(PARSE("-M", id, "-bt"), "exim: malformed message id -bt after -M option"));
  CHECK(PARSE("-Mar", id, "a@b", "c@d") == NULL && st.msg_action == MSG_ADD_RECIPIENT &&
        st.recipients_arg == 3);
  CHECK(STREQ(PARSE("-Mes", "bad"), "exim: malformed message id bad after -Mes option"));
  CHECK(PARSE("-Mg", id) == NULL && st.give_up && st.msg_action == MSG_DELIVER);
  CHECK(PARSE("-MG", "q2", id) == NULL && STREQ(st.queue_name_dest, "q2"));
  CHECK(STREQ(PARSE("-MG"), ABANDON("-MG")));
  CHECK(STREQ(PARSE("-Mx"), ABANDON("-Mx")));
  CHECK(STREQ(PARSE("-Mvbx"), ABANDON("-Mvbx")));
  CHECK(STREQ(PARSE("-MC", "a", "b", "c", "d"), "exim: too many or too few arguments after -MC"));
  CHECK(STREQ(PARSE("-MC", "a", "b", "c", "d", "e"), "exim: malformed message id e after -MC option"));
  CHECK(PARSE("-MC", "smtp", "h", "1.2.3.4", "3", id) == NULL && st.continuation &&
        st.continue_sequence == 3 && st.internal_option);
  CHECK(PARSE("-MCA") == NULL && st.internal_option);
  CHECK(STREQ(PARSE("-MCd"), ABANDON("-MCd")));
  CHECK(STREQ(PARSE("-MCt", "a", "b"), ABANDON("-MCt")));
  CHECK(STREQ(PARSE("-MCZ"), ABANDON("-MCZ")));
  CHECK(STREQ(PARSE("-Mset", id), "exim: incompatible command-line options or arguments") ||
        cmdline_conflict(&st) != NULL);
}

static void test_q_options(void) {
  const char *id = "1xVTD9-0002qn-0J", *id2 = "1xVTD9-0002qn-0K";
  CHECK(PARSE("-q") == NULL && st.queue_interval == 0);
  CHECK(PARSE("-qqiffl") == NULL && st.queue_2stage && st.queue_first_delivery && st.queue_force &&
        st.force_thaw && st.queue_local && st.queue_interval == 0);
  CHECK(PARSE("-q30m") == NULL && st.queue_interval == 1800);
  CHECK(PARSE("-q", "1h") == NULL && st.queue_interval == 3600);
  CHECK(STREQ(PARSE("-q", "foo"), "exim: bad time value foo: abandoned"));
  CHECK(STREQ(PARSE("-qfff"), "exim: bad time value -qfff: abandoned"));
  CHECK(STREQ(PARSE("-q0"), "exim: bad time value -q0: abandoned"));
  CHECK(STREQ(PARSE("-q", "-q"), "exim: -q specified more than once"));
  CHECK(PARSE("-q", id, id2) == NULL && STREQ(st.start_id, id) && STREQ(st.stop_id, id2));
  CHECK(PARSE("-qGfoo/5m") == NULL && STREQ(st.queue_name, "foo") && st.queue_interval == 300);
  CHECK(STREQ(PARSE("-qGabc/5x"), "exim: bad time value -qGabc/5x: abandoned"));
  CHECK(PARSE("-bp", "-qGquarantine") == NULL && STREQ(st.queue_name, "quarantine") &&
        st.queue_interval < 0);
  CHECK(PARSE("-R", "dom") == NULL && STREQ(st.select_recipient, "dom") && st.queue_interval == 0);
  CHECK(PARSE("-Rrff", "re") == NULL && st.select_recipient_regex && st.select_force && st.force_thaw);
  CHECK(PARSE("-Rx") == NULL && STREQ(st.select_recipient, "x"));
  CHECK(STREQ(PARSE("-R"), "exim: string expected after -R"));
  CHECK(STREQ(PARSE("-qRf"), "exim: string expected after -R"));
  CHECK(STREQ(PARSE("-qSrff"), "exim: string expected after -S"));
  CHECK(PARSE("-qS", "s@x", "-q5m") == NULL && STREQ(st.select_sender, "s@x") &&
        st.queue_interval == 300);
}

static void test_misc(void) {
  CHECK(STREQ(PARSE("-Zfoo"), ABANDON("-Zfoo")));
  CHECK(STREQ(PARSE("--foo"), ABANDON("--foo")));
  CHECK(STREQ(PARSE("-"), ABANDON("-")));
  CHECK(PARSE("--", "-x@y") == NULL && st.recipients_arg == 2);
  CHECK(PARSE("--help") == NULL && st.help);
  CHECK(PARSE("--version") == NULL && st.version);
  CHECK(PARSE("-Ac", "-Am", "-B8", "-Ux", "-x", "-m", "-n", "-G", "-dropcr") == NULL &&
        st.suppress_local_fixups && st.terse);
  CHECK(STREQ(PARSE("-Ax"), ABANDON("-Ax")));
  CHECK(STREQ(PARSE("-xy"), ABANDON("-xy")));
  CHECK(STREQ(PARSE("-Tqt", "1s"), ABANDON("-Tqt")));
  CHECK(PARSE("-t") == NULL && st.extract_recipients && st.dot_ends);
  CHECK(PARSE("-ti") == NULL && st.extract_recipients && !st.dot_ends);
  CHECK(STREQ(PARSE("-tx"), ABANDON("-tx")));
  CHECK(PARSE("-tls-on-connect") == NULL && st.tls_on_connect);
  CHECK(STREQ(PARSE("-tls-on-connectx"), ABANDON("-tls-on-connectx")));
  CHECK(PARSE("-E") == NULL && st.local_error_message && !st.error_message_id);
  CHECK(PARSE("-E1xVTD9-0002qn-0J") == NULL && STREQ(st.error_message_id, "1xVTD9-0002qn-0J"));
  CHECK(PARSE("-N") == NULL && st.dont_deliver && (st.debug_selector & D_v));
  CHECK(STREQ(PARSE("-Nx"), ABANDON("-Nx")));
  CHECK(PARSE("-i", "a@b", "-bV") == NULL && st.recipients_arg == 2 && !st.version);
  /* -D */
  CHECK(PARSE("-DFOO", "-DBAR=1", "-D BAZ = x") == NULL && st.macro_count == 3 &&
        STREQ(st.macros->text, "FOO") && STREQ(st.macros->next->next->text, " BAZ = x"));
  CHECK(STREQ(PARSE("-D", "BAR=1"), "exim: macro name set by -D must start with an upper case letter"));
  CHECK(STREQ(PARSE("-Dfoo"), "exim: macro name set by -D must start with an upper case letter"));
  CHECK(STREQ(PARSE("-DFOO BAR"), ABANDON("-DFOO BAR")));
  CHECK(STREQ(PARSE("-DFOO-"), ABANDON("-DFOO-")));
  CHECK(STREQ(PARSE("-DA", "-DB", "-DC", "-DD", "-DE", "-DF", "-DG", "-DH", "-DI", "-DJ", "-DK"),
              "exim: too many -D options on command line"));
}

static void test_names(void) {
  CHECK(PARSE_AS("/usr/bin/mailq", "-qGq") == NULL && st.list_queue && STREQ(st.queue_name, "q"));
  CHECK(PARSE_AS("rsmtp", "-odq") == NULL && st.smtp_batched);
  CHECK(PARSE_AS("rmail", "a@b") == NULL && !st.dot_ends && st.error_handling == ERRORS_MAIL);
  CHECK(PARSE_AS("runq", "-v") == NULL && st.queue_interval == 0);
  CHECK(STREQ(PARSE_AS("runq", "-q"), "exim: -q specified more than once"));
  CHECK(PARSE_AS("/usr/sbin/newaliases", "-v") == NULL && st.bi_option);
  CHECK(PARSE_AS("sendmail", "-v") == NULL && !cmdline_has_action(&st));
}

static void test_debug(void) {
  CHECK(PARSE("-d") == NULL && st.debug && st.debug_selector == 0xf7715cfd);
  CHECK(PARSE("-d+all") == NULL && st.debug_selector == 0xfff9ffff);
  CHECK(PARSE("-d-all") == NULL && st.debug_selector == 0);
  CHECK(PARSE("-d-all+acl") == NULL && st.debug_selector == 4);
  CHECK(PARSE("-d-all+acl", "-v") == NULL && st.debug_selector == 5);
  CHECK(PARSE("-v", "-d-all+acl") == NULL && st.debug_selector == 4);
  CHECK(PARSE("-d+expand") == NULL && st.debug_selector == 0xf7715dfd);
  CHECK(PARSE("-d+memory") == NULL && st.debug_selector == 0xf7735cfd);
  CHECK(PARSE("-d+timestamp") == NULL && st.debug_selector == 0xff715cfd);
  CHECK(PARSE("-d+pid") == NULL && st.debug_selector == 0xf7795cfd);
  CHECK(PARSE("-d+local_scan") == NULL && st.debug_selector == 0xf7715cff);
  CHECK(PARSE("-d-all+all") == NULL && st.debug_selector == 0xfff9ffff);
  CHECK(PARSE("-d+route+deliver+transport-acl") == NULL && st.debug_selector == 0xf7715cf9);
  CHECK(PARSE("-dd+acl") == NULL && st.debug_daemon && st.debug_selector == 0xf7715cfd);
  CHECK(PARSE("-d=10") == NULL && st.debug_selector == 10);
  CHECK(PARSE("-d=0x10") == NULL && st.debug_selector == 16);
  CHECK(PARSE("-d=-1") == NULL && st.debug_selector == 0xffffffff);
  CHECK(STREQ(PARSE("-d=z"), "exim: malformed numeric debug_selector setting: =z"));
  CHECK(STREQ(PARSE("-d+foo"), "exim: unknown debug_selector setting: +foo"));
  CHECK(STREQ(PARSE("-d+acl-foo"), "exim: unknown debug_selector setting: -foo"));
  CHECK(STREQ(PARSE("-d+"), "exim: unknown debug_selector setting: +"));
  CHECK(STREQ(PARSE("-d+ACL"), "exim: unknown debug_selector setting: +ACL"));
  CHECK(STREQ(PARSE("-d-v"), "exim: unknown debug_selector setting: -v"));
  CHECK(STREQ(PARSE("-dx"), "exim: malformed debug_selector setting: + or - expected but found \"x\""));
  CHECK(STREQ(PARSE("-dropcrx"),
              "exim: malformed debug_selector setting: + or - expected but found \"ropcrx\""));
}

static const char *conflict(void) { return cmdline_conflict(&st); }

static void test_conflicts(void) {
  const char *inc = "exim: incompatible command-line options or arguments";
  const char *id = "1xVTD9-0002qn-0J";
  CHECK(PARSE("-bd", "-bt") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bP", "-bt") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bt", "-bv") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bs", "-f", "a@b") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bd", "-f", "a@b") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bw", "-q5m") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bt", "-t") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-be", "-bP") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bi", "-bt") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bf", "/dev/null", "-bt") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-Mset", id) == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bd", "-q") == NULL && STREQ(conflict(), inc));
  CHECK(PARSE("-bd", "-q30m") == NULL && conflict() == NULL);
  CHECK(PARSE("-be", "-Mset", id) == NULL && conflict() == NULL);
  CHECK(PARSE("-bV", "-bt") == NULL && conflict() == NULL);
  CHECK(PARSE("-bP", "-bV") == NULL && conflict() == NULL);
  CHECK(PARSE("-bt", "a@b") == NULL && conflict() == NULL);
  CHECK(PARSE("-bp", "-bt") == NULL && conflict() == NULL);
  CHECK(PARSE("-R", "a", "-R", "b") == NULL && conflict() == NULL && STREQ(st.select_recipient, "b"));
}

static void test_msgid(void) {
  CHECK(cmdline_is_msgid("1xVTD9-0002qn-0J"));
  CHECK(!cmdline_is_msgid("1xVTD9-0002qn-0"));
  CHECK(!cmdline_is_msgid("1xVTD9-0002qn-0JX"));
  CHECK(!cmdline_is_msgid("1xVTD9_0002qn-0J"));
  CHECK(!cmdline_is_msgid(""));
}

int main(void) {
  test_attached_or_next();
  test_b_options();
  test_o_options();
  test_M_options();
  test_q_options();
  test_misc();
  test_names();
  test_debug();
  test_conflicts();
  test_msgid();
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else printf("test_cmdline: all checks passed\n");
  return failures != 0;
}
