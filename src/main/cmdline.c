/* cmdline.c - parse Exim's command line into a cmdline_state (spec 5,
 * option list in exim(8)).
 *
 * Entry points: cmdline_parse(), cmdline_conflict(), cmdline_has_action(),
 * cmdline_is_msgid(), cmdline_debug_option(), cmdline_arguments_text().
 *
 * Each option follows Exim's argument rule exactly: some take their value
 * attached or as the next argument (-f addr / -faddr), some only as the next
 * argument (-bh, -bem), some only attached (-bw<time>, -E<id>), and a few
 * consume the next argument only when it looks right (-oB <n>, -q <id>).
 * Error texts are Exim's.
 *
 * This file must never print, exit, change privileges or read files: it
 * only fills the state and returns error text.
 */
#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/option.h"

#define MAX_D_MACROS 10
#define SYSLOG_NAME_MAX 32

static const char BADARG[] = "exim abandoned: unknown, malformed, or incomplete option %s";

bool cmdline_is_msgid(const char *s) {
  static const int shape[] = {6, 6, 2};
  const char *p = s;
  for (int part = 0; part < 3; part++) {
    for (int k = 0; k < shape[part]; k++, p++)
      if (!isalnum(uc(*p))) return false;
    if (part < 2 && *p++ != '-') return false;
  }
  return *p == 0;
}

const char *cmdline_debug_option(const char *spec, uint64_t *bits) {
  if (*spec == 0) {
    *bits = debug_default;
    return NULL;
  }
  if (*spec == '=') {
    char *end;
    errno = 0;
    long v = strtol(spec + 1, &end, 0);
    if (*end != 0 || errno != 0)
      return str_sprintf("exim: malformed numeric debug_selector setting: %s", spec);
    *bits = (uint64_t)(uint32_t)v;
    return NULL;
  }
  const char *err = debug_parse(spec, debug_default, bits);
  return err ? str_sprintf("exim: %s", err) : NULL;
}

/* Exim's time syntax, as the configuration uses it; -1 when malformed. */
static int read_time(const char *s) {
  int t;
  if (!s || option_parse_time(s, &t) != NULL) return -1;
  return t;
}

/* Presets for the name we were called by (spec 5.1). */
static void name_presets(cmdline_state *st) {
  const char *n = st->called_as;
  if (strcmp(n, "mailq") == 0) {
    st->list_queue = true;
  } else if (strcmp(n, "rsmtp") == 0) {
    st->smtp_input = st->smtp_batched = true;
  } else if (strcmp(n, "rmail") == 0) {
    st->dot_ends = false;
    st->error_handling = ERRORS_MAIL;
  } else if (strcmp(n, "runq") == 0) {
    st->queue_interval = 0;
  } else if (strcmp(n, "newaliases") == 0) {
    st->bi_option = true;
  }
}

static void state_init(cmdline_state *st, int argc, char **argv) {
  memset(st, 0, sizeof *st);
  st->argc = argc;
  st->argv = argv;
  const char *n = argc > 0 && argv[0] ? argv[0] : "exim";
  const char *slash = strrchr(n, '/');
  st->called_as = slash ? slash + 1 : n;
  st->recipients_arg = argc;
  st->test_retry_arg = st->test_rewrite_arg = -1;
  st->macros_tail = &st->macros;
  st->dot_ends = true;
  st->receive_timeout = st->smtp_receive_timeout = -1;
  st->connection_max_messages = -1;
  st->msg_action_arg = -1;
  st->queue_interval = -1;
}

/* -D syntax: optional spaces, NAME ([A-Z][A-Za-z0-9_]*), optional spaces,
 * then end or '=' and the value.  Returns NULL, BADARG-style, or Exim's
 * message. */
static const char *check_D(const char *arg, const char *rest) {
  const char *p = str_skip_space(rest);
  if (!isupper(uc(*p))) return "exim: macro name set by -D must start with an upper case letter";
  while (isalnum(uc(*p)) || *p == '_') p++;
  p = str_skip_space(p);
  if (*p != 0 && *p != '=') return str_sprintf(BADARG, arg);
  return NULL;
}

/* Take the value of an option that has it attached or in the next
 * argument.  Returns NULL when it is missing. */
static const char *attached_or_next(const char *rest, int argc, char **argv, int *i) {
  if (*rest) return rest;
  if (*i + 1 < argc) return argv[++*i];
  return NULL;
}

/* -b... ; returns NULL or an error, may set *end_options. */
static const char *opt_b(cmdline_state *st, const char *arg, const char *r, int argc, char **argv,
                         int *i, bool *end_options) {
  const char *bad = str_sprintf(BADARG, arg);
  switch (*r) {
  case 'd':
    if (strcmp(r, "d") == 0) st->daemon_listen = true;
    else if (strcmp(r, "df") == 0) st->daemon_listen = st->daemon_foreground = true;
    else return bad;
    return NULL;
  case 'e':
    if (strcmp(r, "e") == 0) { st->expansion_test = true; return NULL; }
    if (strcmp(r, "em") == 0) {
      if (++*i >= argc) return bad;
      st->expansion_test = true;
      st->expansion_test_message = argv[*i];
      return NULL;
    }
    return bad;
  case 'F':
    if (r[1]) return bad;
    if (++*i >= argc) return str_sprintf("exim: file name expected after %s", arg);
    st->filter_system = argv[*i];
    return NULL;
  case 'f': {
    const char **field = NULL;
    switch (r[1]) {
    case 0:
      if (++*i >= argc) return str_sprintf("exim: file name expected after %s", arg);
      st->filter_user = argv[*i];
      return NULL;
    case 'd': field = &st->filter_domain; break;
    case 'l': field = &st->filter_localpart; break;
    case 'p': field = &st->filter_prefix; break;
    case 's': field = &st->filter_suffix; break;
    default: return bad;
    }
    if (++*i >= argc) return str_sprintf("exim: string expected after %s", arg);
    *field = argv[*i];
    return NULL;
  }
  case 'h':
    if (strcmp(r, "h") != 0 && strcmp(r, "hc") != 0) return bad;
    if (++*i >= argc) return bad;
    st->host_checking = argv[*i];
    st->host_checking_callout = r[1] == 'c';
    return NULL;
  case 'i':
    if (r[1]) return bad;
    st->bi_option = true;
    return NULL;
  case 'I':
    if (r[1] != ':') return bad;
    st->info = r + 2;
    return NULL;
  case 'm':
    if (strcmp(r, "m") == 0) { st->receive_explicit = true; return NULL; }
    if (strcmp(r, "malware") == 0) {
      if (++*i >= argc) return bad;
      st->malware_test = argv[*i];
      return NULL;
    }
    return bad;
  case 'n':
    if (strcmp(r, "nq") != 0) return bad;
    st->no_qualify = true;
    return NULL;
  case 'P':
    if (r[1]) return bad;
    st->list_options = true;
    return NULL;
  case 'p': {
    static const char *const forms[] = {"", "a", "c", "r", "ra", "ru", "u"};
    size_t k;
    for (k = 0; k < sizeof forms / sizeof forms[0]; k++)
      if (strcmp(r + 1, forms[k]) == 0) break;
    if (k == sizeof forms / sizeof forms[0]) return bad;
    strcpy(st->list_queue_option, forms[k]);
    if (strcmp(forms[k], "c") == 0) st->count_queue = true;
    else st->list_queue = true;
    return NULL;
  }
  case 'r':
    if (strcmp(r, "rt") == 0) st->test_retry_arg = *i + 1;
    else if (strcmp(r, "rw") == 0) st->test_rewrite_arg = *i + 1;
    else return bad;
    *end_options = true;  /* every later argument belongs to the test */
    return NULL;
  case 'S':
    if (r[1]) return bad;
    st->smtp_input = st->smtp_batched = true;
    return NULL;
  case 's':
    if (r[1]) return bad;
    st->smtp_input = true;
    st->smtp_batched = false;
    return NULL;
  case 't':
    if (r[1]) return bad;
    st->address_test = true;
    return NULL;
  case 'V':
    if (r[1]) return bad;
    st->version = true;
    return NULL;
  case 'v':
    if (strcmp(r, "v") == 0) st->verify_address = true;
    else if (strcmp(r, "vs") == 0) st->verify_address = st->verify_as_sender = true;
    else return bad;
    return NULL;
  case 'w':
    st->inetd_wait = true;
    if (r[1]) {
      int t = read_time(r + 1);
      if (t <= 0) return str_sprintf("exim: bad time value %s: abandoned", arg);
      st->inetd_wait_timeout = t;
    }
    return NULL;
  default:
    return bad;
  }
}

/* Number of following arguments each -MCx option takes; -1: unknown. */
static int mc_args(char c) {
  switch (c) {
  case 'A': case 'D': case 'K': case 'P': case 'S': case 'T': return 0;
  case 'd': case 'G': case 'r': case 's': return 1;
  case 'Q': case 'q': return 2;
  case 'L': case 't': return 3;
  case 'p': return 4;
  default: return -1;
  }
}

static const char *opt_M(cmdline_state *st, const char *arg, const char *r, int argc, char **argv,
                         int *i, bool *end_options) {
  const char *bad = str_sprintf(BADARG, arg);
  if (strcmp(r, "C") == 0) {
    st->internal_option = true;
    if (argc != *i + 6) return "exim: too many or too few arguments after -MC";
    if (st->msg_action_arg >= 0) return "exim: incompatible arguments";
    st->continuation = true;
    st->continue_transport = argv[++*i];
    st->continue_hostname = argv[++*i];
    st->continue_host_address = argv[++*i];
    st->continue_sequence = atoi(argv[++*i]);
    st->msg_action = MSG_DELIVER;
    st->msg_action_arg = ++*i;
    st->forced_delivery = true;
    if (!cmdline_is_msgid(argv[*i]))
      return str_sprintf("exim: malformed message id %s after -MC option", argv[*i]);
    return NULL;
  }
  if (r[0] == 'C' && r[1] && !r[2]) {
    int n = mc_args(r[1]);
    if (n < 0) return bad;
    st->internal_option = true;
    if (*i + n >= argc) return bad;
    if (r[1] == 'G') st->queue_name = argv[*i + 1];
    *i += n;
    return NULL;
  }

  static const struct {
    const char *name;
    msg_action_t action;
    bool one;
  } acts[] = {
      {"", MSG_DELIVER, false},          {"ar", MSG_ADD_RECIPIENT, true},
      {"c", MSG_DELIVER, false},         {"es", MSG_EDIT_SENDER, true},
      {"f", MSG_FREEZE, false},          {"g", MSG_DELIVER, false},
      {"G", MSG_SETQUEUE, false},        {"mad", MSG_MARK_ALL_DELIVERED, false},
      {"md", MSG_MARK_DELIVERED, true},  {"rm", MSG_REMOVE, false},
      {"set", MSG_LOAD, true},           {"t", MSG_THAW, false},
      {"vb", MSG_SHOW_BODY, true},       {"vc", MSG_SHOW_COPY, true},
      {"vh", MSG_SHOW_HEADER, true},     {"vl", MSG_SHOW_LOG, true},
  };
  size_t k;
  for (k = 0; k < sizeof acts / sizeof acts[0]; k++)
    if (strcmp(r, acts[k].name) == 0) break;
  if (k == sizeof acts / sizeof acts[0]) return bad;
  st->msg_action = acts[k].action;
  st->msg_action_option = arg;
  st->one_msg_action = acts[k].one;
  if (*r == 0) st->forced_delivery = st->force_thaw = true;
  if (strcmp(r, "g") == 0) st->give_up = true;
  if (strcmp(r, "G") == 0) {
    if (++*i >= argc) return bad;
    st->queue_name_dest = argv[*i];
  }
  st->msg_action_arg = *i + 1;
  if (st->msg_action_arg >= argc) return str_sprintf("exim: no message ids given after %s option", arg);
  if (!st->one_msg_action) {
    for (int j = st->msg_action_arg; j < argc; j++)
      if (!cmdline_is_msgid(argv[j]))
        return str_sprintf("exim: malformed message id %s after %s option", argv[j], arg);
    *end_options = true;
    return NULL;
  }
  if (!cmdline_is_msgid(argv[st->msg_action_arg]))
    return str_sprintf("exim: malformed message id %s after %s option", argv[st->msg_action_arg], arg);
  ++*i;
  return NULL;
}

static const char *opt_o(cmdline_state *st, const char *arg, const char *r, int argc, char **argv,
                         int *i) {
  const char *bad = str_sprintf(BADARG, arg);
  const char *v;
  switch (*r) {
  case 'A':
    if (!(v = attached_or_next(r + 1, argc, argv, i))) return "exim: string expected after -oA";
    st->alias_arg = v;
    return NULL;
  case 'B':
    if (r[1]) {
      if (!isdigit(uc(r[1]))) return "exim: number expected after -oB";
      st->connection_max_messages = atoi(r + 1);
    } else if (*i + 1 < argc && isdigit(uc(argv[*i + 1][0]))) {
      st->connection_max_messages = atoi(argv[++*i]);
    } else {
      st->connection_max_messages = 1;
    }
    return NULL;
  case 'd':
    if (strcmp(r, "db") == 0) st->delivery_mode = DELIVERY_BACKGROUND;
    else if (strcmp(r, "df") == 0 || strcmp(r, "di") == 0) st->delivery_mode = DELIVERY_FOREGROUND;
    else if (strcmp(r, "dq") == 0) st->delivery_mode = DELIVERY_QUEUE;
    else if (strcmp(r, "dqs") == 0) st->queue_smtp = true;
    else return bad;
    return NULL;
  case 'e':
    if (r[1] == 0 || r[2] != 0) return bad;
    switch (r[1]) {
    case 'e': st->error_handling = ERRORS_MAIL; break;
    case 'm': case 'w': st->error_handling = ERRORS_MAIL_FAIL; break;
    case 'p': case 'q': st->error_handling = ERRORS_STDERR; break;
    default: return bad;
    }
    return NULL;
  case 'i':
    if (strcmp(r, "i") != 0 && strcmp(r, "itrue") != 0) return bad;
    st->dot_ends = false;
    return NULL;
  case 'M': {
    if (*i + 1 >= argc) return str_sprintf("exim: data expected after %s", arg);
    const char *d = argv[*i + 1];
    const char **field;
    if (strcmp(r, "Ma") == 0) field = &st->host_address;
    else if (strcmp(r, "Maa") == 0) field = &st->authenticator;
    else if (strcmp(r, "Mai") == 0) field = &st->authenticated_id;
    else if (strcmp(r, "Mas") == 0) field = &st->authenticated_sender;
    else if (strcmp(r, "Mi") == 0) field = &st->interface_address;
    else if (strcmp(r, "Mm") == 0) {
      if (!cmdline_is_msgid(d)) return "-oMm must be a valid message ID";
      field = &st->message_reference;
    } else if (strcmp(r, "Mr") == 0) field = &st->received_protocol;
    else if (strcmp(r, "Ms") == 0) field = &st->host_name;
    else if (strcmp(r, "Mt") == 0) field = &st->ident;
    else return bad;
    *field = d;
    ++*i;
    return NULL;
  }
  case 'm': case 'o':
    if (r[1]) return bad;
    return NULL;  /* -om, -oo: Sendmail options Exim ignores */
  case 'P':
    if (strcmp(r, "PX") == 0) st->pid_file_remove = true;
    else if (r[1]) return bad;
    else if (*i + 1 < argc) st->pid_file = argv[++*i];
    return NULL;
  case 'r': case 's': {
    int *tp = *r == 'r' ? &st->receive_timeout : &st->smtp_receive_timeout;
    const char *shown = arg;
    int t = -1;
    if (r[1]) t = read_time(r + 1);
    else if (*i + 1 < argc) t = read_time(shown = argv[++*i]);
    if (t < 0) return str_sprintf("exim: bad time value %s: abandoned", shown);
    *tp = t;
    return NULL;
  }
  case 'v':
    if (r[1]) return bad;
    st->verbose = true;
    st->debug_selector |= D_v;
    return NULL;
  case 'X':
    if (!(v = attached_or_next(r + 1, argc, argv, i))) return bad;
    st->override_local_interfaces = v;
    return NULL;
  case 'Y':
    if (r[1]) return bad;
    st->no_notifier_socket = true;
    return NULL;
  default:
    return bad;
  }
}

/* -R / -S (also reached from -qR / -qS); `name` is "-R" or "-S". */
static const char *opt_RS(cmdline_state *st, char which, const char *r, int argc, char **argv, int *i) {
  static const char *const flags[] = {"", "f", "ff", "r", "rf", "rff"};
  const char *value = NULL;
  bool regex = false, force = false;
  size_t k;
  for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
    if (strcmp(r, flags[k]) == 0) break;
  if (k < sizeof flags / sizeof flags[0]) {
    regex = *r == 'r';
    force = strchr(r, 'f') != NULL;
    if (strstr(r, "ff")) st->force_thaw = true;
    if (++*i >= argc) return str_sprintf("exim: string expected after -%c", which);
    value = argv[*i];
  } else {
    value = r;
  }
  if (force) st->select_force = true;
  if (which == 'R') {
    st->select_recipient = value;
    st->select_recipient_regex = regex;
  } else {
    st->select_sender = value;
    st->select_sender_regex = regex;
  }
  return NULL;
}

static const char *opt_q(cmdline_state *st, const char *arg, const char *r, int argc, char **argv,
                         int *i) {
  if (*r == 'R' || *r == 'S') return opt_RS(st, *r, r + 1, argc, argv, i);
  if (st->queue_interval >= 0) return "exim: -q specified more than once";
  if (*r == 'q') { st->queue_2stage = true; r++; }
  if (*r == 'i') { st->queue_first_delivery = true; r++; }
  if (*r == 'f') {
    st->queue_force = true;
    if (*++r == 'f') { st->force_thaw = true; r++; }
  }
  if (*r == 'l') { st->queue_local = true; r++; }
  if (*r == 'G') {
    const char *name = ++r;
    while (*r && *r != '/') r++;
    st->queue_name = str_copyn(name, (size_t)(r - name));
    if (*r == '/') r++;
  }
  if (st->list_queue || st->count_queue) return NULL;  /* -bp -qG<name>: just the queue */
  if (!*r && (*i + 1 >= argc || argv[*i + 1][0] == '-' || cmdline_is_msgid(argv[*i + 1]))) {
    st->queue_interval = 0;
    if (*i + 1 < argc && cmdline_is_msgid(argv[*i + 1])) st->start_id = argv[++*i];
    if (*i + 1 < argc && cmdline_is_msgid(argv[*i + 1])) st->stop_id = argv[++*i];
    return NULL;
  }
  const char *shown = arg;
  const char *text = *r ? r : argv[++*i];
  if (!*r) shown = text;
  int t = read_time(text);
  if (t <= 0) return str_sprintf("exim: bad time value %s: abandoned", shown);
  st->queue_interval = t;
  return NULL;
}

const char *cmdline_parse(int argc, char **argv, cmdline_state *st) {
  state_init(st, argc, argv);
  name_presets(st);

  int i;
  for (i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (arg[0] != '-') break;
    if (strcmp(arg, "--") == 0) {
      i++;
      break;
    }
    st->any_option = true;
    if (strcmp(arg, "--help") == 0) { st->help = true; continue; }
    if (strcmp(arg, "--version") == 0) { st->version = true; continue; }

    const char *bad = str_sprintf(BADARG, arg);
    char sw = arg[1];
    const char *r = sw ? arg + 2 : arg + 1;
    const char *v, *err = NULL;
    bool end_options = false;

    switch (sw) {
    case 'A':
      if (strcmp(r, "c") != 0 && strcmp(r, "m") != 0) err = bad;
      break;
    case 'B': case 'U':
      break;  /* Sendmail options Exim ignores */
    case 'b':
      err = opt_b(st, arg, r, argc, argv, &i, &end_options);
      break;
    case 'C':
      if (!(v = attached_or_next(r, argc, argv, &i))) err = bad;
      else st->config_file = v;
      break;
    case 'D': {
      if ((err = check_D(arg, r))) break;
      if (st->macro_count >= MAX_D_MACROS) {
        err = "exim: too many -D options on command line";
        break;
      }
      cmdline_macro *m = store_get(sizeof *m, false);
      m->next = NULL;
      m->text = r;
      *st->macros_tail = m;
      st->macros_tail = &m->next;
      st->macro_count++;
      break;
    }
    case 'd':
      if (strcmp(r, "ropcr") == 0) break;  /* obsolete no-op */
      if (*r == 'd') {
        st->debug_daemon = true;
        r++;
      }
      err = cmdline_debug_option(r, &st->debug_selector);
      st->debug = true;
      break;
    case 'E':
      st->local_error_message = true;
      if (cmdline_is_msgid(r)) st->error_message_id = r;
      break;
    case 'e':
      if (r[0] == 0 || r[1] != 0 || !strchr("empqw", r[0])) {
        err = bad;
        break;
      }
      err = opt_o(st, arg, str_sprintf("e%c", r[0]), argc, argv, &i);
      break;
    case 'F':
      if (!(v = attached_or_next(r, argc, argv, &i))) err = bad;
      else st->sender_fullname = v;
      break;
    case 'f': case 'r':
      if (!(v = attached_or_next(r, argc, argv, &i))) err = bad;
      else st->sender_address = strcmp(v, "<>") == 0 ? "" : v;
      break;
    case 'G':
      if (!*r) st->suppress_local_fixups = true;
      break;
    case 'h':
      if (*r) {
        if (!isdigit(uc(*r))) err = bad;
      } else if (++i >= argc) {
        err = bad;
      }
      break;
    case 'i':
      if (*r) err = bad;
      else st->dot_ends = false;
      break;
    case 'L':
      if (!(v = attached_or_next(r, argc, argv, &i))) err = bad;
      else if (strlen(v) > SYSLOG_NAME_MAX)
        err = str_sprintf("exim: the -L syslog name is too long: \"%s\"", v);
      else st->syslog_name = v;
      break;
    case 'M':
      err = opt_M(st, arg, r, argc, argv, &i, &end_options);
      break;
    case 'm':
      if (*r) err = bad;  /* -m = -om, ignored */
      break;
    case 'N':
      if (*r) err = bad;
      else st->dont_deliver = st->verbose = true, st->debug_selector |= D_v;
      break;
    case 'n':
      st->terse = true;
      break;
    case 'O':
      if (!(v = attached_or_next(r, argc, argv, &i))) err = "exim: string expected after -O";
      break;
    case 'o':
      err = opt_o(st, arg, r, argc, argv, &i);
      break;
    case 'p':
      if (strcmp(r, "d") == 0 || strcmp(r, "s") == 0) {
        st->perl_start = r;
      } else if (!(v = attached_or_next(r, argc, argv, &i))) {
        err = bad;
      } else {
        const char *colon = strchr(v, ':');
        if (colon) {
          st->received_protocol = str_copyn(v, (size_t)(colon - v));
          st->host_name = colon + 1;
        } else {
          st->received_protocol = v;
        }
      }
      break;
    case 'q':
      err = opt_q(st, arg, r, argc, argv, &i);
      break;
    case 'R': case 'S':
      err = opt_RS(st, sw, r, argc, argv, &i);
      break;
    case 't':
      if (*r == 0) st->extract_recipients = true;
      else if (strcmp(r, "i") == 0) st->extract_recipients = true, st->dot_ends = false;
      else if (strcmp(r, "ls-on-connect") == 0) st->tls_on_connect = true;
      else err = bad;
      break;
    case 'v':
      if (*r) err = bad;
      else st->verbose = true, st->debug_selector |= D_v;
      break;
    case 'x':
      if (*r) err = bad;  /* AIX; ignored */
      break;
    case 'X':
      if (!attached_or_next(r, argc, argv, &i)) err = "exim: string expected after -X";
      break;
    case 'z':
      if (!(v = attached_or_next(r, argc, argv, &i))) err = str_sprintf("exim: file name expected after %s", arg);
      else st->log_line = v;
      break;
    default:
      err = bad;
      break;
    }
    if (err) return err;
    if (end_options) {
      i++;
      break;
    }
  }
  st->recipients_arg = i;
  if (st->msg_action_arg >= 0 && !st->one_msg_action) st->recipients_arg = argc;
  if (st->test_retry_arg >= 0 || st->test_rewrite_arg >= 0) st->recipients_arg = argc;

  /* -R / -S alone make one queue run. */
  if ((st->select_recipient || st->select_sender) && st->queue_interval < 0) st->queue_interval = 0;
  return NULL;
}

bool cmdline_has_action(const cmdline_state *st) {
  return st->daemon_listen || st->inetd_wait || st->expansion_test || st->filter_system ||
         st->filter_user || st->host_checking || st->bi_option || st->info || st->malware_test ||
         st->list_options || st->list_queue || st->count_queue || st->test_retry_arg >= 0 ||
         st->test_rewrite_arg >= 0 || st->smtp_input || st->address_test || st->version ||
         st->verify_address || st->msg_action != MSG_NONE || st->queue_interval >= 0 ||
         st->log_line || st->extract_recipients || st->receive_explicit;
}

const char *cmdline_conflict(const cmdline_state *st) {
  bool filter = st->filter_system || st->filter_user;
  bool checking = st->host_checking || st->address_test || st->verify_address ||
                  st->expansion_test || filter;
  bool msg = st->msg_action_arg > 0;
  bool recipients = st->recipients_arg < st->argc && !msg && st->test_retry_arg < 0 &&
                    st->test_rewrite_arg < 0;
  bool retry_rewrite = st->test_retry_arg >= 0 || st->test_rewrite_arg >= 0;
  bool daemon_or_periodic = st->daemon_listen || st->queue_interval > 0;
  bool bad =
      ((st->smtp_input || st->extract_recipients || recipients) &&
       (st->daemon_listen || st->queue_interval >= 0 || st->bi_option || retry_rewrite || filter ||
        (msg && !st->one_msg_action))) ||
      (msg && (st->daemon_listen || st->queue_interval > 0 || st->list_options ||
               (checking && st->msg_action != MSG_LOAD) || st->bi_option || retry_rewrite)) ||
      (daemon_or_periodic && (st->sender_address || st->list_options || st->list_queue ||
                              checking || st->bi_option)) ||
      (st->daemon_listen && st->queue_interval == 0) ||
      (st->inetd_wait && st->queue_interval >= 0) ||
      (st->list_options &&
       (checking || st->smtp_input || st->extract_recipients || filter || st->bi_option)) ||
      (st->verify_address && (st->address_test || st->smtp_input || st->extract_recipients ||
                              filter || st->bi_option)) ||
      (st->address_test && (st->smtp_input || st->extract_recipients || filter || st->bi_option)) ||
      (st->smtp_input && (st->sender_address || filter || st->extract_recipients)) ||
      (st->msg_action == MSG_LOAD && (!st->expansion_test || st->expansion_test_message));
  return bad ? "exim: incompatible command-line options or arguments" : NULL;
}

/* One argument as the "arguments" log line shows it: control bytes other
 * than tab and 8-bit bytes as \n, \r or three octal digits; the result in
 * double quotes when it is empty or holds a space or tab. */
static gstring *argument_text(gstring *g, const char *arg) {
  gstring *a = g_new(strlen(arg) + 3, is_tainted(arg));
  for (const unsigned char *p = (const unsigned char *)arg; *p; p++) {
    if (*p == '\n') a = g_cat(a, "\\n");
    else if (*p == '\r') a = g_cat(a, "\\r");
    else if ((*p < 32 && *p != '\t') || *p >= 127) a = g_fmt(a, "\\%03o", *p);
    else a = g_catc(a, (char)*p);
  }
  const char *t = g_str(a);
  bool quote = !*t || strpbrk(t, " \t");
  return g_fmt(g, quote ? "\"%s\"" : "%s", t);
}

const char *cmdline_arguments_text(int argc, char **argv) {
  gstring *g = g_fmt(NULL, "%d args:", argc);
  for (int i = 0; i < argc; i++) g = argument_text(g_catc(g, ' '), argv[i]);
  return g_str(g);
}
