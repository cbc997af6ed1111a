/* route_test.c - address testing from the command line (spec 5: -bt, -bv,
 * -bvs): each argument, or each line of the standard input after a "> "
 * prompt when there are none, is routed and the result printed as Exim
 * 4.96 prints it.
 *
 * Entry point: route_test_main().
 * Must never: deliver; print anything but the results on stdout (log
 * lines and debug_print output go to stderr).
 */
#include "route.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/variables.h"

static void print_parents(FILE *f, const address_item *a) {
  for (const address_item *p = a->parent; p; p = p->parent) fprintf(f, "    <-- %s\n", p->address);
}

static const char *driver_name(const void *d) {
  return d ? ((const driver_instance *)d)->name : "";
}

static void route_print_leaf(FILE *f, const address_item *a, bool duplicate, bool verify) {
  if ((a->flags & af_pfr) && a->status == OK) {
    /* "parent -> |command" and its transport, or why it has none. */
    /* A reply's ">to" is shown as "mail to", as exim4 does. */
    if ((a->flags & af_reply) && a->address[0] == '>')
      fprintf(f, "%s -> mail %s", a->parent ? a->parent->address : "", a->address + 1);
    else
      fprintf(f, "%s -> %s", a->parent ? a->parent->address : "", a->address);
    if (!a->transport) {
      if (a->basic_errno == ERRNO_FORBIDPIPE || a->basic_errno == ERRNO_FORBIDFILE ||
          a->basic_errno == ERRNO_FORBIDREPLY)
        fprintf(f, " *** forbidden ***\n");
      else
        fprintf(f, "\n*** Error in setting up pipe, file, or autoreply:\n%s\n",
                a->message ? a->message : "");
      return;
    }
    fprintf(f, "\n  transport = %s\n", driver_name(a->transport));
    return;
  }
  switch (a->status) {
  case FAIL:
    fprintf(f, verify ? "%s failed to verify: %s\n" : "%s is undeliverable: %s\n", a->address,
            a->message ? a->message : "");
    print_parents(f, a);
    return;
  case DEFER:
    fprintf(f, "%s cannot be resolved at this time: %s\n", a->address,
            a->message ? a->message : "");
    print_parents(f, a);
    return;
  case DISCARD:
    fprintf(f, "mail to %s is discarded\n", a->address);
    print_parents(f, a);
    return;
  default:
    break;
  }
  fprintf(f, "%s%s\n", a->address, duplicate ? "   [duplicate, would not be delivered]" : "");
  print_parents(f, a);
  fprintf(f, "  router = %s, transport = %s\n", driver_name(a->router),
          a->transport ? driver_name(a->transport) : "unset");
  /* Names and addresses in columns, as Exim lines them up. */
  /* An MX host whose address lookup failed shows as "[unknown]". */
  int wname = 0, waddr = 0;
  for (const host_item *h = a->host_list; h; h = h->next) {
    const char *ad = h->address ? h->address : h->mx != MX_NONE ? "unknown" : NULL;
    if ((int)strlen(h->name) > wname) wname = (int)strlen(h->name);
    if (ad && (int)strlen(ad) > waddr) waddr = (int)strlen(ad);
  }
  for (const host_item *h = a->host_list; h; h = h->next) {
    const char *ad = h->address ? h->address : h->mx != MX_NONE ? "unknown" : NULL;
    if (!ad) {
      fprintf(f, "  host %s          \n", h->name);
      continue;
    }
    fprintf(f, "  host %-*s [%s]%*s", wname, h->name, ad, waddr - (int)strlen(ad), "");
    if (h->mx >= 0) fprintf(f, " MX=%d", h->mx);
    if (h->port != PORT_NONE) fprintf(f, " port=%d", h->port);
    if (h->status == hstatus_unusable) fprintf(f, " ** unusable **");
    fputc('\n', f);
  }
}

/* Addresses routed so far in this run (duplicate marking). */
typedef struct seen_addr {
  struct seen_addr *next;
  const char *unique;
  const address_item *parent;
} seen_addr;
static seen_addr *seen;

/* Test one address; returns 0, 1 (deferred) or 2 (failed). */
static int test_one(const char *text, route_purpose purpose, const char *sender) {
  const char *err = NULL;
  bool qualified = false;
  const char *addr = route_parse_address(text, &err, &qualified);
  if (!addr) {
    printf("syntax error: %s\n", err ? err : "malformed address");
    return 2;
  }
  address_item *top = route_new_address(str_copy_taint(addr, true), purpose);
  address_item *leaves = NULL;
  /* -bt, and -bv/-bvs with -v, show the whole routing. */
  bool full = purpose == ROUTE_ADDRESS_TEST || (debug_selector & D_v);
  int rc = route_tree(top, purpose, sender, full ? RV_FULL : 0, &leaves);
  if (full) {
    for (address_item *a = leaves; a; a = a->next) {
      /* An address routed before (in this run) would not be delivered
       * twice (spec 3.11: local parts compared with their case). */
      bool dup = false;
      if (a->status == OK && !(a->flags & af_pfr)) {
        /* (the two halves of an unseen router share their parent) */
        for (seen_addr *s = seen; s; s = s->next)
          if (strcmp(s->unique, a->unique) == 0 && s->parent != a->parent) dup = true;
        if (!dup) {
          seen_addr *s = store_get(sizeof *s, false);
          s->unique = a->unique;
          s->parent = a->parent;
          s->next = seen;
          seen = s;
        }
      }
      route_print_leaf(stdout, a, dup, purpose != ROUTE_ADDRESS_TEST);
    }
  } else if (rc == OK) {
    printf("%s verified\n", top->address);
  } else {
    address_item *bad = leaves;
    while (bad && bad->status != FAIL && bad->status != DEFER) bad = bad->next;
    const char *msg = bad && bad->message ? bad->message : "";
    if (rc == FAIL) printf("%s failed to verify: %s\n", top->address, msg);
    else printf("%s cannot be resolved at this time: %s\n", top->address, msg);
  }
  fflush(stdout);
  return rc == OK ? 0 : rc == FAIL ? 2 : 1;
}

static int combine(int worst, int rc) {
  if (rc == 2 || worst == 2) return 2;
  return rc > worst ? rc : worst;
}

int route_test_main(int argc, char **argv, route_purpose purpose, const char *sender) {
  if (!sender) {
    /* The default sender: the caller at qualify_domain. */
    struct passwd *pw = getpwuid(getuid());
    sender = str_sprintf("%s@%s", pw ? pw->pw_name : "unknown",
                         mainconf.qualify_domain ? mainconf.qualify_domain : "");
  }
  expand_var_set("sender_address", sender);
  if (purpose == ROUTE_ADDRESS_TEST) {
    log_address_testing(true);
    route_address_testing = true;
  }
  int worst = 0;
  if (argc > 0) {
    for (int i = 0; i < argc; i++) {
      if (!argv[i][0]) continue;
      worst = combine(worst, test_one(argv[i], purpose, sender));
    }
    return worst;
  }
  char line[8192];
  for (;;) {
    printf("> ");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) break;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                 line[n - 1] == '\t'))
      line[--n] = 0;
    const char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) {
      printf("syntax error: empty address\n");
      worst = combine(worst, 2);
      continue;
    }
    worst = combine(worst, test_one(s, purpose, sender));
  }
  printf("\n");
  return worst;
}
