/* filter_test.c - -bf and -bF (filter document 1.3, spec 47.2): read a
 * test message from standard input, make up its envelope (sender from -f,
 * a "From " line or the caller; return path from a Return-path: header;
 * recipient from -bfl/-bfd/-bfp/-bfs or the caller), run the system filter
 * and/or the user's filter in testing mode and print what they would do,
 * as exim4 prints it.
 *
 * Entry points: filter_test_main(), filter_test_run().
 *
 * A file that is not a filter is parsed by the redirect router's list
 * parser (redirect_int.h) and the generated items listed.
 *
 * Must never: deliver, log or write anything: RDO_TESTING makes the
 * interpreters print instead of acting.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "../route/redirect_int.h"
#include "../spool/message_id.h"
#include "filter_int.h"

static const char *read_file(const char *name, const char **error) {
  FILE *f = fopen(name, "r");
  if (!f) {
    *error = str_sprintf("exim: failed to open %s: %s", name, strerror(errno));
    return NULL;
  }
  gstring *g = g_new(4096, false);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) g = g_catn(g, buf, n);
  fclose(f);
  return g_str(g);
}

/* The first address in a header value ("<a@b>" or "a@b"). */
static const char *header_address(const char *v) {
  const char *err;
  bool q;
  const char *a = filter_one_address(v, &err, &q);
  return a ? a : v;
}

typedef struct test_msg {
  const char *from_line_sender;   /* from a "From " line, or NULL */
  bool any_headers;
} test_msg;

/* Standard input: an optional "From " line, header lines, then the body. */
static void read_message(test_msg *m) {
  gstring *h = g_new(1024, true), *b = g_new(1024, true);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  bool in_body = false, first = true;
  long lines = 0, body_lines = 0, zeros = 0;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    lines++;
    if (first && strncmp(line, "From ", 5) == 0) {
      first = false;
      const char *p = line + 5;
      while (*p == ' ') p++;
      size_t len = strcspn(p, " \t\n");
      m->from_line_sender = str_copy_taint(str_copyn(p, len), true);
      continue;
    }
    first = false;
    if (!in_body) {
      if (strcmp(line, "\n") == 0 || strcmp(line, "\r\n") == 0) {
        in_body = true;
        continue;
      }
      bool cont = line[0] == ' ' || line[0] == '\t';
      const char *colon = strchr(line, ':');
      bool header = cont ? h->len > 0 : colon && colon > line;
      if (header && !cont) {
        for (const char *p = line; p < colon; p++)
          if ((unsigned char)*p <= ' ' && *p != ' ' && *p != '\t') header = false;
      }
      if (header) {
        h = g_catn(h, line, (size_t)n);
        m->any_headers = true;
        continue;
      }
      /* Not a header line: the headers end here; exim4 drops the line. */
      in_body = true;
      continue;
    }
    b = g_catn(b, line, (size_t)n);
    body_lines++;
    for (ssize_t i = 0; i < n; i++)
      if (!line[i]) zeros++;
  }
  free(line);
  (void)lines;
  (void)body_lines;
  (void)zeros;
  expand_set_message(g_str(h), h->len, g_str(b), b->len);
}

static const char *trimmed_header(const char *name) {
  const char *v = expand_cstring(str_sprintf("$rh_%s:", name));
  if (!v) return "";
  while (*v == ' ' || *v == '\t' || *v == '\n') v++;
  char *c = str_copy(v);
  size_t n = strlen(c);
  while (n && (c[n - 1] == '\n' || c[n - 1] == ' ' || c[n - 1] == '\t' || c[n - 1] == '\r')) c[--n] = 0;
  return c;
}

/* A .forward that is not a filter: the redirect router's list parser,
 * with what it generated listed last first, as exim4 prints it. */
static int forward_list(const char *text, const char *qualify) {
  rd_list l;
  memset(&l, 0, sizeof l);
  l.missing_include_ends = true;
  int rc = rd_parse_list(text, &l);
  if (rc == RDL_ERROR || rc == RDL_FAIL || rc == RDL_DEFER) {
    printf("exim: error in forward file: %s\n", l.text ? l.text : "");
    return 1;
  }
  if (rc == RDL_OK && l.blackhole) printf("exim: forwardfile contains \":blackhole:\"\n");
  if (rc != RDL_OK || !l.items) {
    printf("exim: no addresses generated from forward file\n");
    return 0;
  }
  printf("exim: forward file generated:\n");
  int n = 0;
  for (rd_item *i = l.items; i; i = i->next) n++;
  const rd_item **v = store_get(sizeof *v * (size_t)n, false);
  n = 0;
  for (rd_item *i = l.items; i; i = i->next) v[n++] = i;
  while (n-- > 0) {
    const rd_item *i = v[n];
    if (i->kind == RDI_ADDRESS && !i->qualified) printf("  %s@%s\n", i->text, qualify);
    else printf("  %s\n", i->text);
  }
  return 0;
}

static int report(filter_result r, const filter_ctx *ctx, bool sieve) {
  static const char *const ended[] = {[FF_FAIL] = "fail", [FF_FREEZE] = "freeze", [FF_DEFER] = "defer"};
  if (r == FF_ERROR) {
    printf("%s error: %s\n", sieve ? "Sieve" : "Filter", ctx->error ? ctx->error : "");
    return sieve ? 0 : 1;
  }
  if (sieve) {
    if (ctx->error) {
      printf("Sieve error: %s\n", ctx->error);
      return 0;
    }
    printf("%s\n", ctx->sieve_keep ? "Implicit keep" : "No implicit keep");
    return 0;
  }
  if (r == FF_FAIL || r == FF_FREEZE || r == FF_DEFER) {
    printf("Filtering ended by \"%s\".\n", ended[r]);
    return 0;
  }
  if (r == FF_DELIVERED)
    printf("Filtering set up at least one significant delivery or other action.\n"
           "No other deliveries will occur.\n");
  else
    printf("Filtering did not set up a significant delivery.\nNormal delivery will occur.\n");
  return 0;
}

int filter_test_run(const char *system_file, const char *user_file, const char *domain,
                    const char *local_part, const char *prefix, const char *suffix, const char *sender,
                    bool verbose) {
  filter_verbose = verbose;
  const char *err = NULL;
  const char *systext = system_file ? read_file(system_file, &err) : NULL;
  const char *usertext = !err && user_file ? read_file(user_file, &err) : NULL;
  if (err) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }

  struct passwd *pw = getpwuid(getuid());
  const char *login = pw ? str_perm(pw->pw_name) : str_sprintf("%ld", (long)getuid());
  const char *qd = mainconf.qualify_domain ? mainconf.qualify_domain : "";
  const char *qr = mainconf.qualify_recipient ? mainconf.qualify_recipient : qd;

  test_msg m = {0};
  read_message(&m);
  if (!m.any_headers) printf("Warning: no message headers read\n");

  bool sender_given = sender != NULL;
  if (!sender) {
    if (m.from_line_sender) {
      sender = m.from_line_sender;
      sender_given = true;
      printf("Sender taken from \"From \" line\n");
    } else {
      sender = str_sprintf("%s@%s", login, qd);
    }
  }
  const char *rp_header = trimmed_header("return-path");
  const char *return_path = sender;
  if (*rp_header) {
    return_path = header_address(rp_header);
    printf("Return-path taken from \"Return-path:\" header line\n");
    printf("Return-path = %s\n", *return_path ? return_path : "<>");
  } else {
    printf("Return-path copied from sender\n");
  }
  printf("Sender      = %s\n", *sender ? sender : "<>");

  const char *lp = local_part ? local_part : login;
  const char *dom = domain ? domain : qr;
  printf("Recipient   = %s%s%s@%s\n", prefix ? prefix : "", lp, suffix ? suffix : "", dom);
  if (prefix) printf("Prefix    = %s\n", prefix);
  if (suffix) printf("Suffix    = %s\n", suffix);

  /* The envelope and message variables. */
  char id[MESSAGE_ID_LENGTH + 1];
  struct timeval tv;
  message_id_new(-1, id, &tv);
  expand_var_set("message_id", str_perm(id));
  expand_var_set("message_exim_id", str_perm(id));
  expand_var_set("sender_address", sender);
  expand_var_set("return_path", return_path);
  expand_var_set("local_part", lp);
  expand_var_set("domain", dom);
  expand_var_set("original_local_part", lp);
  expand_var_set("original_domain", dom);
  expand_var_set("local_part_prefix", prefix ? prefix : "");
  expand_var_set("local_part_suffix", suffix ? suffix : "");
  if (pw) expand_var_set("home", str_perm(pw->pw_dir));

  /* As for a locally submitted message, exim4 removes Return-path:,
   * Envelope-to: and Delivery-date: and adds the Message-Id:, From: and
   * Date: headers a message lacks (spec 48). */
  {
    filter_ctx scratch = {0};
    filter_headers_remove(&scratch, "Return-path:Envelope-to:Delivery-date");
    /* the sizes and counts stay those of the message as read */
    expand_msg_counts counts = {0};
    const char *v;
    if ((v = expand_cstring("$message_size"))) counts.size = strtol(v, NULL, 10);
    if ((v = expand_cstring("$message_linecount"))) counts.linecount = strtol(v, NULL, 10);
    if ((v = expand_cstring("$body_linecount"))) counts.body_linecount = strtol(v, NULL, 10);
    if ((v = expand_cstring("$body_zerocount"))) counts.body_zerocount = strtol(v, NULL, 10);
    if ((v = expand_cstring("$message_body_size"))) counts.body_size = strtol(v, NULL, 10);
    const char *h, *b;
    size_t hl, bl;
    expand_get_message(&h, &hl, &b, &bl);
    gstring *g = g_new(hl + 256, true);
    if (h) g = g_catn(g, h, hl);
    if (!*trimmed_header("message-id"))
      g = g_fmt(g, "Message-Id: <E%s@%s>\n", id, mainconf.primary_hostname ? mainconf.primary_hostname : "");
    if (!*trimmed_header("from")) {
      if (sender_given) {
        g = g_fmt(g, "From: %s\n", sender);
      } else {
        const char *name = pw && pw->pw_gecos ? str_copyn(pw->pw_gecos, strcspn(pw->pw_gecos, ",")) : "";
        const char *mbox = str_sprintf("%s@%s", login, qd);
        if (*name) g = g_fmt(g, "From: %s <%s>\n", filter_fix_phrase(name), mbox);
        else g = g_fmt(g, "From: %s\n", mbox);
      }
    }
    if (!*trimmed_header("date")) {
      const char *d = expand_cstring("$tod_full");
      g = g_fmt(g, "Date: %s\n", d ? d : "");
    }
    expand_set_message(g_str(g), g->len, b ? b : "", b ? bl : 0);
    expand_set_message_counts(&counts);
  }
  const char *reply = trimmed_header("reply-to");
  if (!*reply) reply = trimmed_header("from");
  expand_var_set("reply_address", reply);

  int rc = 0;
  if (systext) {
    /* exim4 names the kind it sees but reads a system filter as an Exim
     * filter whatever its first line says. */
    printf("Testing %s filter file \"%s\"\n\n", filter_kind(systext) == FILTER_SIEVE ? "Sieve" : "Exim",
           system_file);
    expand_var_set("recipients", str_sprintf("%s%s%s@%s", prefix ? prefix : "", lp, suffix ? suffix : "", dom));
    filter_ctx ctx = {.options = RDO_SYSTEM | RDO_TESTING | RDO_DEFER | RDO_FAIL | RDO_FREEZE | RDO_FILE |
                                 RDO_PIPE | RDO_REPLY | RDO_LOG | RDO_EXISTS | RDO_LOOKUP | RDO_RUN |
                                 RDO_READFILE | RDO_READSOCK | RDO_DLFUNC | RDO_PERL | RDO_EXIM_FILTER,
                      .first_delivery = true};
    filter_testing = true;
    filter_result r = exim_filter_interpret(systext, &ctx);
    expand_var_set("recipients", NULL);
    rc = report(r, &ctx, false);
    if (r == FF_ERROR) return rc;
  }
  if (usertext) {
    filter_type kind = filter_kind(usertext);
    if (kind == FILTER_NOT) {
      printf("Testing forward file file \"%s\"\n\n", user_file);
      return forward_list(usertext, qr);
    }
    printf("Testing %s filter file \"%s\"\n\n", kind == FILTER_EXIM ? "Exim" : "Sieve", user_file);
    filter_ctx ctx = {.options = RDO_TESTING | RDO_FILE | RDO_PIPE | RDO_REPLY | RDO_LOG | RDO_EXISTS |
                                 RDO_LOOKUP | RDO_RUN | RDO_READFILE | RDO_READSOCK | RDO_DLFUNC | RDO_PERL |
                                 RDO_EXIM_FILTER | RDO_SIEVE_FILTER,
                      .first_delivery = true,
                      .sieve_vacation_directory = NULL,
                      .sieve_inbox = "inbox"};
    filter_result r = filter_interpret(usertext, &ctx);
    rc = report(r, &ctx, kind == FILTER_SIEVE);
  }
  fflush(stdout);
  return rc;
}

int filter_test_main(const char *file, bool system, const char *domain, const char *local_part,
                     const char *prefix, const char *suffix, const char *sender) {
  return filter_test_run(system ? file : NULL, system ? NULL : file, domain, local_part, prefix, suffix,
                         sender, false);
}
