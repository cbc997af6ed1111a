/* test_xclient.c - unit tests for the XCLIENT hooks (src/smtp/xclient.c):
 * advertisement to hosts_xclient only, each parameter's syntax (xtext,
 * IPV6: prefix, [UNAVAILABLE] / [TEMPUNAVAIL]), the first-use rule (ADDR
 * and PORT both required), the reply codes, and what a success changes in
 * the connection and its expansion variables.  The permission is judged on
 * the connection's own peer even after XCLIENT supplied another address.
 * A build without EXPERIMENTAL_XCLIENT has no hooks: nothing to test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/main_config.h"
#include "config/readconf.h"
#include "expand/expand.h"
#include "smtp/conn.h"
#include "smtp/xclient.h"
#include "unit.h"

static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static const char *var(const char *name) {
  char buf[64];
  snprintf(buf, sizeof buf, "$%s", name);
  return expand_cstring(buf);
}

static int cmd(smtp_conn *c, const char *args, const char **reply) {
  return xclient_ops_hooks->command(c, args, reply);
}

int main(void) {
  if (!xclient_ops_hooks) {
    printf("XCLIENT not in this build\n");
    return 0;
  }
  char dir[] = "/tmp/test_xclient.XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char conf[128];
  snprintf(conf, sizeof conf, "%s/exim.conf", dir);
  FILE *f = fopen(conf, "w");
  fputs("primary_hostname = test.example\nhosts_xclient = 127.0.0.1\n", f);
  fclose(f);
  readconf_args a = {.file_list = conf};
  readconf_load(&a);

  smtp_conn c;
  const char *reply = NULL;

  /* a host outside hosts_xclient: not advertised, refused */
  conn_init(&c, -1, -1, 0);
  c.host_address = "192.0.2.99";
  c.host_port = 1000;
  CHECK(xclient_ops_hooks->ehlo_keyword(&c) == NULL);
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=1", &reply) == 550 &&
        is(reply, "550 XCLIENT command used when not advertised"));

  /* the proxy */
  conn_init(&c, -1, -1, 0);
  c.host_address = "127.0.0.1";
  c.host_port = 40000;
  c.interface_address = "127.0.0.1";
  c.interface_port = 25;
  c.helo_seen = c.esmtp = true;
  c.helo_name = "proxy.example";
  CHECK(is(xclient_ops_hooks->ehlo_keyword(&c), "XCLIENT ADDR NAME PORT LOGIN DESTADDR DESTPORT"));
  CHECK(cmd(&c, "", &reply) == 501 && is(reply, "501 XCLIENT must have at least one operand"));
  CHECK(cmd(&c, "   ", &reply) == 501);
  CHECK(cmd(&c, "ADDR=192.0.2.1", &reply) == 501 &&
        is(reply, "501 XCLIENT must give both ADDR and PORT parameters when first used"));
  CHECK(cmd(&c, "PORT=1", &reply) == 501);
  CHECK(cmd(&c, "ADDR=192.0.2.300 PORT=1", &reply) == 501 && is(reply, "501 XCLIENT: invalid value for ADDR"));
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=65536", &reply) == 501 && is(reply, "501 XCLIENT: invalid value for PORT"));
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=1x", &reply) == 501);
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=1 HELO=x", &reply) == 501 &&
        is(reply, "501 XCLIENT: unrecognised parameter \"HELO\""));
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT", &reply) == 501 && is(reply, "501 XCLIENT: malformed parameter \"PORT\""));
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=1 NAME=bad+ZZ", &reply) == 501 &&
        is(reply, "501 XCLIENT: invalid xtext in NAME value"));
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=1 NAME=bad/name", &reply) == 501);
  /* nothing of a refused command was applied */
  CHECK(is(c.host_address, "127.0.0.1") && !c.xclient_used && !c.proxy_session && c.helo_seen);

  c.env.mail_seen = true;
  CHECK(cmd(&c, "ADDR=192.0.2.1 PORT=1", &reply) == 503 &&
        is(reply, "503 XCLIENT command not permitted during a mail transaction"));
  c.env.mail_seen = false;

  /* success, with xtext ('+2E' is '.') and every parameter */
  CHECK(cmd(&c, "ADDR=192.0.2.7 port=4444 NAME=client+2Eexample LOGIN=fred DESTADDR=10.0.0.1 DESTPORT=587",
            &reply) == 220 && is(reply, "220 XCLIENT success"));
  CHECK(is(c.host_address, "192.0.2.7") && c.host_port == 4444 && is(c.host_name, "client.example"));
  CHECK(is(c.authenticated_id, "fred"));
  CHECK(c.proxy_session && c.xclient_used);
  CHECK(is(c.proxy_local_address, "127.0.0.1") && c.proxy_local_port == 40000);
  CHECK(is(c.proxy_external_address, "10.0.0.1") && c.proxy_external_port == 587);
  CHECK(!c.helo_seen && !c.esmtp && c.helo_name == NULL);
  CHECK(is(var("sender_host_address"), "192.0.2.7") && is(var("sender_host_port"), "4444"));
  CHECK(is(var("proxy_session"), "yes") && is(var("proxy_external_address"), "10.0.0.1"));
  CHECK(is(var("proxy_local_port"), "40000") && is(var("authenticated_id"), "fred"));

  /* later commands need neither ADDR nor PORT; the permission still
   * belongs to the real peer (192.0.2.7 is not in hosts_xclient) */
  CHECK(is(xclient_ops_hooks->ehlo_keyword(&c), "XCLIENT ADDR NAME PORT LOGIN DESTADDR DESTPORT"));
  CHECK(cmd(&c, "NAME=[UNAVAILABLE]", &reply) == 220);
  CHECK(c.host_name == NULL && c.host_lookup_failed && !c.host_lookup_deferred);
  CHECK(is(c.host_address, "192.0.2.7"));
  CHECK(cmd(&c, "NAME=[TEMPUNAVAIL] LOGIN=[UNAVAILABLE]", &reply) == 220);
  CHECK(c.host_lookup_deferred && !c.host_lookup_failed && c.authenticated_id == NULL);
  CHECK(cmd(&c, "ADDR=IPV6:2001:db8::1 PORT=[UNAVAILABLE]", &reply) == 220);
  CHECK(is(c.host_address, "2001:db8::1") && c.host_port == 0);
  CHECK(is(c.proxy_local_address, "127.0.0.1"));   /* the first XCLIENT's proxy */
  CHECK(cmd(&c, "ADDR=IPV6:192.0.2.1", &reply) == 501);

  snprintf(conf, sizeof conf, "rm -rf %s", dir);
  if (system(conf) != 0) perror("cleanup");
  return unit_done("test_xclient");
}
