/* be.c - the -be and -bem modes (spec 5, 11.3): expand each argument, or
 * each line of standard input, and print the result or "Failed: <reason>".
 * With -bem the message file's headers and body are visible to $h_...,
 * $message_body and friends.
 *
 * Entry point: be_main().
 *
 * Must never: treat anything read here as trusted data for file names or
 * commands (the expander's taint rules apply unchanged).
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "../config/main_config.h"
#include "../smtp/conn.h"
#include "../smtp/smtp_in.h"
#include "be.h"
#include "cmdline.h"
#include "version.h"

static void be_one(const char *s) {
  store_mark *m = store_mark_take(POOL_MAIN);
  char *r = expand_string(s);
  if (r) printf("%s\n", r);
  else if (expand_status.forced_fail) printf("Failed: %s\n", expand_status.message);
  else printf("Failed: %s\n", expand_status.message ? expand_status.message : "");
  fflush(stdout);
  store_reset(m);
}

/* Read the -bem file: headers up to the first empty line, then the body. */
static const char *load_message(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) return str_sprintf("exim: failed to open %s: %s", file, strerror(errno));
  gstring *h = g_new(1024, true), *b = g_new(1024, true);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  bool in_body = false, first = true;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (first && strncmp(line, "From ", 5) == 0) {
      first = false;
      continue;
    }
    first = false;
    if (!in_body && (strcmp(line, "\n") == 0 || strcmp(line, "\r\n") == 0)) {
      in_body = true;
      continue;
    }
    if (in_body) b = g_catn(b, line, (size_t)n);
    else if (line[0] != ' ' && line[0] != '\t' && !strchr(line, ':')) {
      /* not a header: the body starts here */
      in_body = true;
      b = g_catn(b, line, (size_t)n);
    } else
      h = g_catn(h, line, (size_t)n);
  }
  free(line);
  fclose(f);
  expand_set_message(g_str(h), h->len, g_str(b), b->len);
  return NULL;
}

static const char *num(int n) { return str_perm(str_sprintf("%d", n)); }

/* -oMa, -oMs, -oMi, -oMt, -oMr, -oMaa, -oMai, -oMas: the variables they
 * stand for (as exim4 -be; $sender_fullhost stays empty). */
static void publish_oM(const cmdline_state *st) {
  smtp_conn c;
  memset(&c, 0, sizeof c);
  smtp_apply_oM(&c, st, true);
  if (c.host_address) {
    expand_var_set("sender_host_address", c.host_address);
    expand_var_set("sender_host_port", num(c.host_port));
  }
  if (c.host_name) expand_var_set("sender_host_name", c.host_name);
  if (c.interface_address) {
    expand_var_set("received_ip_address", c.interface_address);
    expand_var_set("interface_address", c.interface_address);
    expand_var_set("received_port", num(c.interface_port));
    expand_var_set("interface_port", num(c.interface_port));
  }
  if (st->ident) expand_var_set("sender_ident", c.ident);
  if (c.received_protocol) expand_var_set("received_protocol", c.received_protocol);
  if (c.auth_driver_name) expand_var_set("sender_host_authenticated", c.auth_driver_name);
  if (c.authenticated_id) expand_var_set("authenticated_id", c.authenticated_id);
  if (st->authenticated_sender)
    expand_var_set("authenticated_sender", str_copy_taint(st->authenticated_sender, true));
}

int be_main(int argc, char **argv, const char *message_file, const cmdline_state *st) {
  store_pool_set(POOL_MAIN);
  expand_var_set("exim_version", mainconf.exim_version ? mainconf.exim_version : version_string);
  expand_var_set("version_number", version_string);
  expand_var_set("compile_number", version_build_number);
  expand_var_set("compile_date", version_build_date);
  struct passwd *pw = getpwuid(getuid());
  const char *login = pw ? pw->pw_name : str_sprintf("%ld", (long)getuid());
  expand_var_set("sender_address", str_perm(str_sprintf("%s@%s", login,
      mainconf.qualify_domain ? mainconf.qualify_domain : "")));
  expand_var_set("sender_ident", str_perm(login));
  expand_var_set("authenticated_id", str_perm(login));
  expand_var_set("authenticated_sender", expand_var_slot("sender_address")[0]);
  expand_var_set("originator_uid", str_perm(str_sprintf("%ld", (long)getuid())));
  expand_var_set("originator_gid", str_perm(str_sprintf("%ld", (long)getgid())));
  publish_oM(st);
  if (message_file) {
    const char *err = load_message(message_file);
    if (err) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
  }
  if (argc > 0) {
    for (int i = 0; i < argc; i++) be_one(argv[i]);
    return 0;
  }
  /* As exim4: a "> " prompt before each logical line (tty or not), a line
   * ending in a backslash continues on the next with its leading white
   * space dropped, and a newline after the last prompt at end of input. */
  gstring *acc = NULL;
  store_mark *mark = NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  for (;;) {
    if (!acc) {
      fputs("> ", stdout);
      fflush(stdout);
    }
    if ((n = getline(&line, &cap, stdin)) <= 0) break;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    const char *start = line;
    if (!acc) mark = store_mark_take(POOL_MAIN);
    if (acc)
      while (*start == ' ' || *start == '\t') start++;
    size_t len = strlen(start);
    if (len > 0 && start[len - 1] == '\\') {
      acc = g_catn(acc ? acc : g_new(64, false), start, len - 1);
      continue;
    }
    acc = g_catn(acc ? acc : g_new(64, false), start, len);
    be_one(g_str(acc));
    acc = NULL;
    store_reset(mark);
  }
  if (acc) {
    be_one(g_str(acc));
    fputs("> ", stdout);
  }
  printf("\n");
  free(line);
  return 0;
}
