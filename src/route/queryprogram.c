/* queryprogram.c - the queryprogram router (spec chapter 21): private
 * options and init (a command and command_user are required; a fixed
 * command_user without command_group gives that user's group), and
 * routing: the command run as command_user/command_group (when root) in
 * current_directory with a timeout, its first output line read as
 * ACCEPT/DECLINE/PASS/DEFER/FREEZE/FAIL/REDIRECT and acted on.
 * Entry point: router_queryprogram.
 * Must never: run the command at configuration time, through a shell, or
 * with tainted arguments (transport_command_argv refuses them).
 */
#include "router.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../transport/transport.h"
#include "../transport/write.h"
#include "route.h"

#include <pwd.h>

#include "queryprogram.h"

#define QO(n, t, f) {n, t, OPT_OFF(queryprogram_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist queryprogram_option_list[] = {
  QO("command", opt_stringptr, command),
  QO("command_group", opt_expand_gid, command_group),
  QO("command_user", opt_expand_uid, command_user),
  QO("current_directory", opt_stringptr, current_directory),
  QO("timeout", opt_time, timeout),
};

static const queryprogram_options queryprogram_defaults = {
  .current_directory = "/",
  .timeout = 3600,
};

static const char *queryprogram_init(driver_instance *d) {
  const char *err = router_generic_init(d);
  if (err) return err;
  queryprogram_options *ob = d->options_block;
  if (!ob->command) return driver_error(d, "router", "a command specification is required");
  if (!ob->command_user.set && !ob->command_user.expand)
    return driver_error(d, "router", "command_user must be specified");
  if (ob->command_user.set && !ob->command_user.numeric && !ob->command_group.set && !ob->command_group.expand) {
    struct passwd *pw = getpwuid((uid_t)ob->command_user.id);
    if (pw) {
      ob->command_group.id = pw->pw_gid;
      ob->command_group.set = true;
    }
  }
  return NULL;
}

/* A user or group option (fixed or expanded) as an id; false with *error. */
static bool get_id(const opt_expand_id *o, bool group, const char *rname, unsigned long *id,
                   gid_t *user_gid, bool *have_user_gid, const char **error) {
  if (!o->expand) {
    *id = o->id;
    return true;
  }
  const char *v = expand_cstring(o->expand);
  if (!v) {
    *error = str_sprintf("failed to expand %s \"%s\" in %s router: %s",
                         group ? "command_group" : "command_user", o->expand, rname,
                         expand_status.message);
    return false;
  }
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  if (*v >= '0' && *v <= '9' && !*end) {
    *id = n;
    return true;
  }
  if (group) {
    struct group *gr = getgrnam(v);
    if (!gr) {
      *error = str_sprintf("group %s was not found for the %s router", v, rname);
      return false;
    }
    *id = gr->gr_gid;
    return true;
  }
  struct passwd *pw = route_finduser(v);
  if (!pw) {
    *error = str_sprintf("user %s was not found for the %s router", v, rname);
    return false;
  }
  *id = pw->pw_uid;
  *user_gid = pw->pw_gid;
  *have_user_gid = true;
  return true;
}

/* Run the command; its output (up to 1023 bytes of the first line) in
 * *line.  OK, or DEFER with a->message. */
static int run_command(router_instance *r, queryprogram_options *ob, address_item *a,
                       char *line, size_t size) {
  const char *err = NULL;
  unsigned long uid = 0, gid = 0;
  gid_t ugid = 0;
  bool have_ugid = false;
  if (!get_id(&ob->command_user, false, r->drv.name, &uid, &ugid, &have_ugid, &err)) {
    a->message = err;
    return DEFER;
  }
  if (ob->command_group.set || ob->command_group.expand) {
    if (!get_id(&ob->command_group, true, r->drv.name, &gid, &ugid, &have_ugid, &err)) {
      a->message = err;
      return DEFER;
    }
  } else if (have_ugid) {
    gid = ugid;
  } else {
    a->message = str_sprintf("command_user set without command_group for %s router", r->drv.name);
    return DEFER;
  }
  const char *cwd = ob->current_directory ? expand_cstring(ob->current_directory) : "/";
  if (!cwd) {
    a->message = str_sprintf("failed to expand current_directory for %s router: %s", r->drv.name,
                             expand_status.message);
    return DEFER;
  }
  char **argv = transport_command_argv(ob->command, "queryprogram router", true, a, &err);
  if (!argv) {
    a->message = err;
    return DEFER;
  }

  /* A go-between child becomes the user (when we are root) and runs the
   * command in its own process group, so that a timeout kills both. */
  int p[2];
  if (pipe(p) != 0) {
    a->message = str_sprintf("pipe() failed for %s router: %s", r->drv.name, strerror(errno));
    return DEFER;
  }
  fflush(NULL);
  pid_t wrapper = fork();
  if (wrapper < 0) {
    close(p[0]);
    close(p[1]);
    a->message = str_sprintf("fork() failed for %s router: %s", r->drv.name, strerror(errno));
    return DEFER;
  }
  if (wrapper == 0) {
    close(p[0]);
    setpgid(0, 0);
    if (geteuid() == 0) {
      gid_t g = (gid_t)gid;
      if (setgroups(1, &g) != 0 || setgid(g) != 0 || setuid((uid_t)uid) != 0) _exit(126);
    }
    int fd = p[1];
    const char *cerr = NULL;
    extern char **environ;
    pid_t pid = transport_child_open(argv, environ, 077, cwd, NULL, &fd, false, &cerr);
    if (pid < 0) _exit(126);
    close(p[1]);
    int st = transport_child_wait(pid, 0);
    _exit(st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 125);
  }
  close(p[1]);

  /* Read everything (keeping the first line) until EOF or the timeout. */
  time_t deadline = ob->timeout > 0 ? time(NULL) + ob->timeout : 0;
  size_t got = 0;
  bool timed_out = false;
  char buf[1024];
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      time_t left = deadline - time(NULL);
      if (left <= 0) {
        timed_out = true;
        break;
      }
      wait_ms = left > 1000000 ? 1000000000 : (int)left * 1000;
    }
    struct pollfd pfd = {p[0], POLLIN, 0};
    int pr = poll(&pfd, 1, wait_ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) {
      timed_out = true;
      break;
    }
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++)
      if (got + 1 < size) line[got++] = buf[i];
  }
  close(p[0]);
  line[got] = 0;
  if (timed_out) {
    kill(-wrapper, SIGKILL);
    waitpid(wrapper, NULL, 0);
    a->message = str_sprintf("%s router: command timed out", r->drv.name);
    a->special_action = SPECIAL_FREEZE;
    return DEFER;
  }
  int st = transport_child_wait(wrapper, 0);
  if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    a->message = str_sprintf("%s router: command returned non-zero code %d", r->drv.name,
                             st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return DEFER;
  }
  char *nl = strchr(line, '\n');
  if (nl) *nl = 0;
  return OK;
}

/* The next word of *pp; a "key=value" word's value may be "quoted". */
static char *next_field(const char **pp) {
  const char *p = str_skip_space(*pp);
  if (!*p) return NULL;
  gstring *g = g_new(32, is_tainted(p));
  while (*p && *p != ' ' && *p != '\t') {
    if (*p == '"') {
      p++;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1]) p++;
        g = g_catc(g, *p++);
      }
      if (*p == '"') p++;
      continue;
    }
    g = g_catc(g, *p++);
  }
  *pp = p;
  return g_str(g);
}

static int qp_route(router_instance *r, address_item *a, const struct passwd *pw,
                    route_ctx *ctx) {
  queryprogram_options *ob = r->drv.options_block;
  char line[1024];
  int rc = run_command(r, ob, a, line, sizeof line);
  addr_set_vars(a);
  if (rc != OK) return rc;
  /* The output is data from outside: tainted. */
  const char *rest = str_copy_taint(line, true);
  char *word = next_field(&rest);
  rest = str_skip_space(rest);
  if (!word) {
    a->message = str_sprintf("%s router: command failed to return data", r->drv.name);
    return DEFER;
  }
  if (str_eqic(word, "decline")) return DECLINE;
  if (str_eqic(word, "pass")) return PASS;
  if (str_eqic(word, "fail")) {
    a->message = a->user_message = rest;
    return FAIL;
  }
  if (str_eqic(word, "defer") || str_eqic(word, "freeze")) {
    a->message = rest;
    if (str_eqic(word, "freeze")) a->special_action = SPECIAL_FREEZE;
    return DEFER;
  }
  if (str_eqic(word, "redirect")) {
    rc = route_get_errors_headers(r, a, ctx);
    if (rc != OK) return rc;
    const char *list = route_split_address_list(rest);
    for (const char *x = list; x && *x; x += strlen(x) + 1) {
      address_item *c = addr_child(a, x);
      c->start_router = r->redirect_router;
      route_add_generated(ctx, c);
    }
    return OK;
  }
  if (!str_eqic(word, "accept")) {
    a->message = str_sprintf("bad command yield: %s %s", word, rest);
    log_write(LOG_PANIC, "%s router: %s", r->drv.name, a->message);
    return DEFER;
  }
  const char *tname = NULL, *hosts = NULL, *data = NULL;
  unsigned how = 0;
  char *f;
  while ((f = next_field(&rest))) {
    if (str_ncmpic(f, "transport=", 10) == 0) tname = f + 10;
    else if (str_ncmpic(f, "hosts=", 6) == 0) hosts = f + 6;
    else if (str_ncmpic(f, "lookup=", 7) == 0) how |= str_eqic(f + 7, "byname") ? RH_BYNAME : RH_BYDNS;
    else if (str_ncmpic(f, "data=", 5) == 0) data = f + 5;
  }
  if (data) a->address_data = data;
  if (tname) {
    /* A transport named by the command must be an untainted name: look it
     * up by an untainted copy only when it names a configured one. */
    driver_instance *d = driver_find(&transport_kind, tname);
    if (!d) {
      a->message = str_sprintf("unknown transport name %s yielded by command", tname);
      return DEFER;
    }
    a->transport = (struct transport_instance *)d;
  }
  if (hosts) {
    /* The hosts are looked up whatever the transport (exim4 does). */
    host_item *hl = route_hosts_parse(hosts, false);
    const char *failed = NULL;
    rc = route_hosts_lookup(r, a, &hl, how, &failed);
    if (rc != HOST_FOUND) {
      route_log_no_address(failed);
      if (!a->message)
        a->message = str_sprintf("lookup of host \"%s\" failed in %s router", failed, r->drv.name);
      return DEFER;
    }
    a->host_list = hl;
    if (route_host_is_local(hl)) {
      int before = a->child_count;
      rc = route_self(r, a, hl, ctx);
      if (rc != OK || a->child_count != before) a->host_list = NULL;
      return rc;
    }
  }
  return OK;
}

static const router_ops queryprogram_ops = {.flags = 0, .route = qp_route};

const driver_info router_queryprogram = {
  .name = "queryprogram",
  .options = queryprogram_option_list,
  .options_count = OPT_COUNT(queryprogram_option_list),
  .options_defaults = &queryprogram_defaults,
  .options_size = sizeof(queryprogram_options),
  .init = queryprogram_init,
  .kind_ops = &queryprogram_ops,
};
