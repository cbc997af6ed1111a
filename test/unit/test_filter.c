/* test_filter.c - filter_interpret() outside -bf, as the redirect router
 * and the delivery process call it: the generated addresses (deliver with
 * errors_to and noerror, save with $home and a mode, directories, pipes
 * kept unexpanded, mail/vacation reply items, Sieve redirect/fileinto/
 * keep), the significant-delivery result, logfile/logwrite writing the
 * file, fail/freeze/defer texts ("<<log>>rest"), the system filter's
 * headers add/remove and $n -> $sn, forbidden commands, filter_kind().
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "filter/filter.h"
#include "unit.h"

static const char headers[] = "From: Some One <someone@example.com>\n"
                              "To: me@test.ex\n"
                              "Subject: hello world\n";
static const char body[] = "body\n";

static void setup(void) {
  expand_set_message(headers, strlen(headers), body, strlen(body));
  expand_var_set("sender_address", "someone@example.com");
  expand_var_set("return_path", "someone@example.com");
  expand_var_set("reply_address", "Some One <someone@example.com>");
  expand_var_set("local_part", "me");
  expand_var_set("domain", "test.ex");
  expand_var_set("home", "/home/me");
}

static const unsigned user_opts = RDO_FILE | RDO_PIPE | RDO_REPLY | RDO_LOG | RDO_EXIM_FILTER |
                                  RDO_SIEVE_FILTER;

static filter_result run(const char *text, filter_ctx *ctx, unsigned options) {
  memset(ctx, 0, sizeof *ctx);
  ctx->options = options;
  ctx->home = "/home/me";
  ctx->parent = addr_new("me@test.ex");
  ctx->first_delivery = true;
  ctx->sieve_vacation_directory = "/home/me/.vacation";
  return filter_interpret(text, ctx);
}

static int count(const address_item *a) {
  int n = 0;
  for (; a; a = a->next) n++;
  return n;
}

static void test_kind(void) {
  CHECK(filter_kind("# Exim filter\n") == FILTER_EXIM);
  CHECK(filter_kind("  #EXIM FILTER comment\n") == FILTER_EXIM);
  CHECK(filter_kind("# Sieve filter\nkeep;") == FILTER_SIEVE);
  CHECK(filter_kind("a@b, c@d\n") == FILTER_NOT);
  CHECK(filter_kind("# exim filtering\n") == FILTER_NOT);
}

static void test_deliveries(void) {
  filter_ctx ctx;
  filter_result r = run("# Exim filter\n"
                        "deliver other@x.y errors_to me@test.ex\n"
                        "noerror unseen deliver copy@x.y\n"
                        "save mail/folder 640\n"
                        "save /var/mail/dir/\n"
                        "pipe \"/bin/prog $local_part\"\n",
                        &ctx, user_opts);
  CHECK(r == FF_DELIVERED);
  CHECK(count(ctx.generated) == 5);
  address_item *a = ctx.generated;
  CHECK(a && strcmp(a->address, "other@x.y") == 0 && strcmp(a->errors_address, "me@test.ex") == 0);
  CHECK(a && a->parent == ctx.parent && !(a->flags & af_pfr));
  a = a ? a->next : NULL;
  CHECK(a && strcmp(a->address, "copy@x.y") == 0 && (a->flags & af_ignore_error));
  a = a ? a->next : NULL;
  CHECK(a && strcmp(a->address, "/home/me/mail/folder") == 0 && a->mode == 0640);
  CHECK(a && (a->flags & af_pfr) && (a->flags & af_file) && !(a->flags & af_directory));
  a = a ? a->next : NULL;
  CHECK(a && strcmp(a->address, "/var/mail/dir/") == 0 && (a->flags & af_directory));
  a = a ? a->next : NULL;
  CHECK(a && strcmp(a->address, "|/bin/prog $local_part") == 0);
  CHECK(a && (a->flags & af_pfr) && (a->flags & af_expand_pipe));

  /* Only unseen deliveries: normal delivery goes on. */
  r = run("# Exim filter\nunseen deliver a@b.c\n", &ctx, user_opts);
  CHECK(r == FF_NOTDELIVERED && count(ctx.generated) == 1);
  r = run("# Exim filter\n# nothing\n", &ctx, user_opts);
  CHECK(r == FF_NOTDELIVERED && ctx.generated == NULL);
  r = run("# Exim filter\nseen finish\n", &ctx, user_opts);
  CHECK(r == FF_DELIVERED && ctx.generated == NULL);
}

static void test_mail(void) {
  filter_ctx ctx;
  filter_result r = run("# Exim filter\n"
                        "mail subject \"Re: $h_subject:\" text \"got it\" once /home/me/once once_repeat 2d\n"
                        "vacation\n",
                        &ctx, user_opts);
  CHECK(r == FF_NOTDELIVERED);
  CHECK(count(ctx.generated) == 2);
  address_item *a = ctx.generated;
  CHECK(a && (a->flags & af_reply) && a->reply);
  if (a && a->reply) {
    CHECK(strcmp(a->reply->to, "Some One <someone@example.com>") == 0);
    CHECK(strcmp(a->reply->subject, "Re: hello world") == 0);
    CHECK(strcmp(a->reply->text, "got it") == 0);
    CHECK(a->reply->once_repeat == 2 * 86400);
  }
  a = a ? a->next : NULL;
  CHECK(a && a->reply && strcmp(a->reply->subject, "On vacation") == 0 && a->reply->file_expand);
  CHECK(a && a->reply && strcmp(a->reply->file, "/home/me/.vacation.msg") == 0);
  CHECK(a && a->reply && strcmp(a->reply->oncelog, "/home/me/.vacation") == 0);
  CHECK(a && a->reply && strcmp(a->reply->logfile, "/home/me/.vacation.log") == 0);

  /* No replies to bounces. */
  expand_var_set("return_path", "");
  r = run("# Exim filter\nmail text x\n", &ctx, user_opts);
  CHECK(r == FF_NOTDELIVERED && ctx.generated == NULL);
  expand_var_set("return_path", "someone@example.com");
}

static void test_forbidden_and_errors(void) {
  filter_ctx ctx;
  CHECK(run("# Exim filter\nfail text x\n", &ctx, user_opts) == FF_ERROR);
  CHECK(ctx.error && strstr(ctx.error, "\"fail\" is disabled"));
  CHECK(run("# Exim filter\ndeliver a@b errors_to x@y\n", &ctx, user_opts) == FF_ERROR);
  CHECK(ctx.error && strcmp(ctx.error, "errors_to must point to the caller's address") == 0);
  /* forbid_file/pipe/filter_reply are the router's business: the filter
   * still generates the address (exim4 marks it at routing) */
  CHECK(run("# Exim filter\nsave /x\n", &ctx, user_opts & ~RDO_FILE) == FF_DELIVERED && ctx.generated);
  CHECK(run("# Exim filter\npipe /x\n", &ctx, user_opts & ~RDO_PIPE) == FF_DELIVERED && ctx.generated);
  CHECK(run("# Exim filter\nmail text x\n", &ctx, user_opts & ~RDO_REPLY) == FF_NOTDELIVERED &&
        ctx.generated);
  /* forbid_filter_logwrite: logfile is fine, logwrite fails when obeyed */
  CHECK(run("# Exim filter\nlogfile /tmp/x\nif a is b then logwrite x endif\n", &ctx, user_opts & ~RDO_LOG) ==
        FF_NOTDELIVERED);
  CHECK(run("# Exim filter\nlogwrite \"${run{/bin/false}}\"\n", &ctx, user_opts & ~RDO_LOG) == FF_ERROR);
  CHECK(ctx.error && strcmp(ctx.error, "logwrite command forbidden") == 0);
  CHECK(run("# Exim filter\nkeep\n", &ctx, user_opts & ~RDO_EXIM_FILTER) == FF_ERROR);
  CHECK(run("# Sieve filter\nkeep;\n", &ctx, user_opts & ~RDO_SIEVE_FILTER) == FF_ERROR);
  /* allow_fail: fail with a log part and a bounce part */
  CHECK(run("# Exim filter\nfail \"<<short>>long text\"\n", &ctx, user_opts | RDO_FAIL) == FF_FAIL);
  CHECK(ctx.error && strcmp(ctx.error, "short") == 0);
  CHECK(ctx.user_message && strcmp(ctx.user_message, "long text") == 0);
  CHECK(run("# Exim filter\nfreeze text cold\n", &ctx, user_opts | RDO_FREEZE) == FF_FREEZE);
  CHECK(ctx.error && strcmp(ctx.error, "cold") == 0);
  CHECK(run("# Exim filter\ndefer\n", &ctx, user_opts | RDO_DEFER) == FF_DEFER);
  /* freeze is ignored after a manual thaw */
  memset(&ctx, 0, sizeof ctx);
  ctx.options = user_opts | RDO_FREEZE;
  ctx.manually_thawed = true;
  ctx.parent = addr_new("me@test.ex");
  CHECK(filter_interpret("# Exim filter\nfreeze\n", &ctx) == FF_NOTDELIVERED);
}

static void test_logfile(void) {
  char dir[] = "/tmp/test_filter.XXXXXX";
  if (!mkdtemp(dir)) return;
  char path[128];
  snprintf(path, sizeof path, "%s/log", dir);
  filter_ctx ctx;
  const char *text = str_sprintf("# Exim filter\nlogfile %s 0640\nlogwrite \"one $local_part\"\n"
                                 "logwrite \"two\\n\"\n", path);
  CHECK(run(text, &ctx, user_opts) == FF_NOTDELIVERED);
  char buf[128] = {0};
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0 && strcmp(buf, "one me\ntwo\n") == 0);
    close(fd);
  }
  CHECK(run("# Exim filter\nlogwrite x\n", &ctx, user_opts) == FF_ERROR);
  /* the file is opened by the first logwrite, not by logfile */
  snprintf(path, sizeof path, "%s/never", dir);
  CHECK(run(str_sprintf("# Exim filter\nlogfile %s\n", path), &ctx, user_opts) == FF_NOTDELIVERED);
  CHECK(access(path, F_OK) != 0);
  snprintf(path, sizeof path, "%s/log", dir);
  unlink(path);
  rmdir(dir);
}

static void test_system(void) {
  filter_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.options = RDO_SYSTEM;
  ctx.first_delivery = true;
  filter_result r = filter_interpret("# Exim filter\n"
                                     "if first_delivery then headers add \"X-Seen: yes\" endif\n"
                                     "headers remove \"Subject\"\n"
                                     "add 7 to n2\n"
                                     "unseen deliver archive@x.y errors_to anyone@z\n",
                                     &ctx);
  CHECK(r == FF_NOTDELIVERED);
  CHECK(ctx.headers_add && strcmp(ctx.headers_add, "X-Seen: yes\n") == 0);
  CHECK(ctx.headers_remove && strcmp(ctx.headers_remove, "Subject") == 0);
  const char *v = expand_cstring("$h_x-seen:|$h_subject:");
  CHECK(v && strcmp(v, "yes|") == 0);
  const char **sn2 = expand_var_slot("sn2");
  CHECK(sn2 && *sn2 && strcmp(*sn2, "7") == 0);
  CHECK(ctx.generated && ctx.generated->parent == NULL && strcmp(ctx.generated->errors_address, "anyone@z") == 0);
  setup();
}

static void test_sieve(void) {
  filter_ctx ctx;
  filter_result r = run("# Sieve filter\nrequire [\"fileinto\", \"copy\"];\n"
                        "if header :contains \"subject\" \"hello\" { fileinto \"Hello\"; }\n"
                        "redirect :copy \"a@b.c\";\n",
                        &ctx, user_opts);
  CHECK(r == FF_DELIVERED && !ctx.error);
  CHECK(count(ctx.generated) == 2);
  address_item *a = ctx.generated;
  CHECK(a && strcmp(a->address, "Hello") == 0 && (a->flags & af_file));
  a = a ? a->next : NULL;
  CHECK(a && strcmp(a->address, "a@b.c") == 0);
  CHECK(!ctx.sieve_keep);

  r = run("# Sieve filter\nrequire \"copy\";\nredirect :copy \"a@b.c\";\n", &ctx, user_opts);
  CHECK(r == FF_DELIVERED && ctx.sieve_keep && count(ctx.generated) == 2);
  CHECK(ctx.generated && ctx.generated->next && strcmp(ctx.generated->next->address, "inbox") == 0);

  /* An error files into inbox and says why. */
  r = run("# Sieve filter\nfrobnicate;\n", &ctx, user_opts);
  CHECK(r == FF_DELIVERED && ctx.error && strcmp(ctx.error, "syntax error in line 2") == 0);
  CHECK(ctx.generated && strcmp(ctx.generated->address, "inbox") == 0);

  /* vacation: a reply with the once file in the vacation directory. */
  r = run("# Sieve filter\nrequire \"vacation\";\nvacation :days 2 \"away\";\ndiscard;\n", &ctx, user_opts);
  CHECK(r == FF_DELIVERED && count(ctx.generated) == 1);
  a = ctx.generated;
  CHECK(a && a->reply && strcmp(a->reply->to, "someone@example.com") == 0);
  CHECK(a && a->reply && a->reply->once_repeat == 2 * 86400);
  CHECK(a && a->reply && strncmp(a->reply->oncelog, "/home/me/.vacation/", 19) == 0);
  CHECK(a && a->reply && strcmp(a->reply->subject, "Auto: hello world") == 0);
  CHECK(a && a->reply && !a->reply->headers);

  /* :mime: the reason's headers become the reply's, the rest its text */
  r = run("# Sieve filter\nrequire \"vacation\";\nvacation :mime text:\nContent-Type: text/plain\n\naway\n.\n;\n",
          &ctx, user_opts);
  a = ctx.generated;
  CHECK(a && a->reply && a->reply->headers &&
        strcmp(a->reply->headers, "MIME-Version: 1.0\nContent-Type: text/plain") == 0);
  CHECK(a && a->reply && a->reply->text && strcmp(a->reply->text, "away\r\n") == 0);
}

/* redirect's forbid_filter_* options: the expansion items are refused with
 * exim4's texts; allowed they work; the system filter is never limited. */
static void test_forbid(void) {
  static const struct { const char *text; unsigned allow; const char *msg; } t[] = {
    {"deliver \"${lookup{x}lsearch{/dev/null}{a@b}{c@d}}\"", RDO_LOOKUP, "lookup expansions are not permitted"},
    {"deliver \"${run{/bin/true}}\"", RDO_RUN, "running a command is not permitted"},
    {"deliver \"${readfile{/dev/null}}x@y\"", RDO_READFILE, "file insertions are not permitted"},
    {"deliver \"${readsocket{/nonexistent}{x}}\"", RDO_READSOCK, "socket insertions are not permitted"},
    {"deliver \"${stat:/}\"", RDO_EXISTS, "Use of the stat() expansion is not permitted"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    filter_ctx ctx;
    const char *text = str_sprintf("# Exim filter\n%s\n", t[i].text);
    CHECK(run(text, &ctx, user_opts) == FF_ERROR);
    CHECK(ctx.error && strstr(ctx.error, t[i].msg) && strstr(ctx.error, "in deliver command"));
    run(text, &ctx, user_opts | t[i].allow);
    CHECK(!ctx.error || !strstr(ctx.error, "not permitted"));
  }
  filter_ctx ctx;
  CHECK(run("# Exim filter\nif \"${if exists{/}{y}{n}}\" is y then deliver a@b endif\n", &ctx, user_opts) ==
        FF_ERROR);
  CHECK(ctx.error && strcmp(ctx.error, "failed to expand \"${if exists{/}{y}{n}}\" in filter file: "
                                       "File existence tests are not permitted") == 0);
  CHECK(run("# Exim filter\nif \"${if exists{/}{y}{n}}\" is y then deliver a@b endif\n", &ctx,
            user_opts | RDO_EXISTS) == FF_DELIVERED);
  CHECK(run("# Exim filter\nif \"${if exists{/}{y}{n}}\" is y then deliver a@b endif\n", &ctx,
            RDO_SYSTEM) == FF_DELIVERED);
  /* outside a filter nothing is refused */
  CHECK(expand_forbid == 0);
  const char *v = expand_cstring("${if exists{/}{y}{n}}");
  CHECK(v && strcmp(v, "y") == 0);
}

int main(void) {
  store_pool_set(POOL_MAIN);
  setup();
  test_kind();
  test_deliveries();
  test_mail();
  test_forbidden_and_errors();
  test_logfile();
  test_system();
  test_sieve();
  test_forbid();
  return unit_done("test_filter");
}
