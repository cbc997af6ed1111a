/* test_child.c - unit tests for src/transport/child.c: command splitting
 * with Exim's quoting rules, per-argument expansion, $pipe_addresses and
 * $address_pipe (force_command), refusal of a tainted command name, and
 * running a child with pipes, a timeout and an exit status. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "deliver/addr.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "transport/write.h"
#include "unit.h"

static int argc_of(char **v) {
  int n = 0;
  while (v && v[n]) n++;
  return n;
}

static void test_split(void) {
  const char *err = NULL;
  char **v = transport_command_argv("/bin/echo  a 'b c' \"d\\te\" f\"g", "test", false, NULL, &err);
  CHECK(v != NULL);
  if (!v) return;
  CHECK(argc_of(v) == 5);
  CHECK(strcmp(v[0], "/bin/echo") == 0);
  CHECK(strcmp(v[1], "a") == 0);
  CHECK(strcmp(v[2], "b c") == 0);
  CHECK(strcmp(v[3], "d\te") == 0);
  CHECK(strcmp(v[4], "f\"g") == 0);
  /* unexpanded: a dollar stays */
  v = transport_command_argv("/bin/echo $local_part", "test", false, NULL, &err);
  CHECK(v && strcmp(v[1], "$local_part") == 0);
  CHECK(transport_command_argv("   ", "test", false, NULL, &err) == NULL);
  CHECK(err && strstr(err, "missing command") != NULL);
}

static void test_expand(void) {
  const char *err = NULL;
  expand_var_set("local_part", "jo hn");
  char **v = transport_command_argv("/bin/echo $local_part \"${if eq{1}{1}{x y}{z}}\"", "test", true, NULL, &err);
  CHECK(v && argc_of(v) == 3);
  if (v) {
    CHECK(strcmp(v[1], "jo hn") == 0);
    CHECK(strcmp(v[2], "x y") == 0);
  }
  /* a failing expansion names the argument */
  v = transport_command_argv("/bin/echo ${foo", "pipe transport", true, NULL, &err);
  CHECK(v == NULL && err && strstr(err, "${foo") != NULL);

  address_item a1 = {0}, a2 = {0};
  a1.address = "a@b.example";
  a2.address = "c@d.example";
  a1.next = &a2;
  v = transport_command_argv("/bin/echo x $pipe_addresses y", "test", true, &a1, &err);
  CHECK(v && argc_of(v) == 5);
  if (v) {
    CHECK(strcmp(v[2], "a@b.example") == 0);
    CHECK(strcmp(v[3], "c@d.example") == 0);
    CHECK(strcmp(v[4], "y") == 0);
  }

  address_item p = {0};
  p.address = "|/usr/bin/foo 'a b' c";
  p.flags = af_force_command | af_pfr;
  v = transport_command_argv("/bin/wrap $address_pipe", "test", true, &p, &err);
  CHECK(v && argc_of(v) == 4);
  if (v) {
    CHECK(strcmp(v[1], "/usr/bin/foo") == 0);
    CHECK(strcmp(v[2], "a b") == 0);
    CHECK(strcmp(v[3], "c") == 0);
  }

  /* tainted command name refused */
  char *t = store_get(20, true);
  strcpy(t, "/bin/true");
  v = transport_command_argv(t, "pipe transport", false, NULL, &err);
  CHECK(transport_command_tainted);
  CHECK(v == NULL && err && strcmp(err, "Tainted arg 0 for pipe transport command: '/bin/true'") == 0);
  /* any expanded argument: $local_part from the message is tainted */
  char *lp = store_get(10, true);
  strcpy(lp, "bob");
  expand_var_set("local_part", lp);
  v = transport_command_argv("/bin/echo x-$local_part", "p1 transport", true, NULL, &err);
  CHECK(v == NULL && err && strcmp(err, "Tainted arg 1 for p1 transport command: 'x-bob'") == 0);
  /* but addresses inserted by $pipe_addresses are not checked */
  address_item ta = {0};
  ta.address = lp;
  v = transport_command_argv("/bin/echo $pipe_addresses", "p1 transport", true, &ta, &err);
  CHECK(v && argc_of(v) == 2);
}

static void test_run(void) {
  const char *err = NULL;
  char *argv[] = {"/bin/sh", "-c", "read x; echo got $x; echo err >&2; exit 3", NULL};
  char *envp[] = {"PATH=/bin:/usr/bin", NULL};
  int in = -1, out = -1;
  pid_t pid = transport_child_open(argv, envp, 022, "/", &in, &out, true, &err);
  CHECK(pid > 0);
  CHECK(transport_child_exec_errno == 0);
  if (pid <= 0) return;
  CHECK(write(in, "hello\n", 6) == 6);
  close(in);
  char buf[100];
  size_t n = 0;
  ssize_t r;
  while (n < sizeof buf - 1 && (r = read(out, buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  close(out);
  CHECK(strcmp(buf, "got hello\nerr\n") == 0);
  int st = transport_child_wait(pid, 10);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);

  /* exec failure: 127 */
  char *bad[] = {"/nonexistent/cmd", NULL};
  pid = transport_child_open(bad, envp, 022, NULL, NULL, NULL, false, &err);
  CHECK(pid > 0);
  CHECK(transport_child_exec_errno == ENOENT);
  st = transport_child_wait(pid, 10);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);

  /* timeout kills the group */
  char *slow[] = {"/bin/sleep", "30", NULL};
  pid = transport_child_open(slow, envp, 022, NULL, NULL, NULL, true, &err);
  CHECK(pid > 0);
  st = transport_child_wait(pid, 1);
  CHECK(st == -256);
  CHECK(kill(pid, 0) < 0);
}

int main(void) {
  test_split();
  test_expand();
  test_run();
  return unit_done("test_child");
}
