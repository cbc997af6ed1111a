/* cmdline.h - the parsed Exim command line (spec chapter 5).
 *
 * cmdline_parse() turns argv into one cmdline_state and never prints, exits
 * or touches the process (uid, files, configuration): main.c decides what to
 * do with the result.  Errors come back as the exact text Exim writes to
 * stderr, for the caller to print and exit 1.
 *
 * cmdline_conflict() applies Exim's "incompatible command-line options or
 * arguments" rules to a parsed state.
 */
#ifndef MAIN_CMDLINE_H
#define MAIN_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

/* -M family (and -MC continuation). */
typedef enum {
  MSG_NONE,
  MSG_DELIVER,            /* -M, -Mc, -Mg (give_up), -MC */
  MSG_ADD_RECIPIENT,      /* -Mar */
  MSG_EDIT_SENDER,        /* -Mes */
  MSG_FREEZE,             /* -Mf */
  MSG_SETQUEUE,           /* -MG */
  MSG_MARK_ALL_DELIVERED, /* -Mmad */
  MSG_MARK_DELIVERED,     /* -Mmd */
  MSG_REMOVE,             /* -Mrm */
  MSG_LOAD,               /* -Mset */
  MSG_THAW,               /* -Mt */
  MSG_SHOW_BODY,          /* -Mvb */
  MSG_SHOW_COPY,          /* -Mvc */
  MSG_SHOW_HEADER,        /* -Mvh */
  MSG_SHOW_LOG,           /* -Mvl */
} msg_action_t;

/* -oe? : how errors in non-SMTP input are reported. */
typedef enum { ERRORS_DEFAULT, ERRORS_MAIL /* -oee */, ERRORS_MAIL_FAIL /* -oem, -oew */,
               ERRORS_STDERR /* -oep, -oeq */ } error_handling_t;

/* -od? : delivery mode for received messages. */
typedef enum { DELIVERY_DEFAULT, DELIVERY_BACKGROUND /* -odb */, DELIVERY_FOREGROUND /* -odf -odi */,
               DELIVERY_QUEUE /* -odq */ } delivery_mode_t;

/* A -D macro exactly as given (after "-D"). */
typedef struct cmdline_macro {
  struct cmdline_macro *next;
  const char *text;
} cmdline_macro;

typedef struct cmdline_state {
  /* Where things are in argv. */
  int argc;
  char **argv;
  const char *called_as;      /* basename of argv[0] */
  int recipients_arg;         /* first non-option argument (argc if none) */
  bool any_option;            /* at least one option was given */
  bool help;                  /* --help */

  /* -b actions */
  bool daemon_listen;         /* -bd, -bdf */
  bool daemon_foreground;     /* -bdf */
  bool inetd_wait;            /* -bw */
  int inetd_wait_timeout;     /* -bw<time>; 0 = none */
  bool expansion_test;        /* -be, -bem */
  const char *expansion_test_message; /* -bem file */
  const char *filter_system;  /* -bF file */
  const char *filter_user;    /* -bf file */
  const char *filter_domain, *filter_localpart, *filter_prefix, *filter_suffix; /* -bfd -bfl -bfp -bfs */
  const char *host_checking;  /* -bh / -bhc address */
  bool host_checking_callout; /* -bhc */
  bool bi_option;             /* -bi */
  const char *info;           /* -bI:<what> (the part after the colon) */
  bool receive_explicit;      /* -bm */
  const char *malware_test;   /* -bmalware file */
  bool no_qualify;            /* -bnq */
  bool list_options;          /* -bP */
  bool list_queue;            /* -bp -bpa -bpr -bpra -bpru -bpu */
  bool count_queue;           /* -bpc */
  char list_queue_option[4];  /* "", "a", "c", "r", "ra", "ru", "u" */
  int test_retry_arg;         /* -brt: index of its first argument, or -1 */
  int test_rewrite_arg;       /* -brw: likewise */
  bool smtp_input;            /* -bs, -bS */
  bool smtp_batched;          /* -bS */
  bool address_test;          /* -bt */
  bool version;               /* -bV, --version */
  bool verify_address;        /* -bv, -bvs */
  bool verify_as_sender;      /* -bvs */

  /* Configuration */
  const char *config_file;    /* -C list; NULL = compiled-in */
  cmdline_macro *macros;      /* -D, in order */
  cmdline_macro **macros_tail;
  int macro_count;

  /* Debugging and verbosity */
  bool debug;                 /* some -d given */
  bool debug_daemon;          /* -dd */
  uint64_t debug_selector;    /* from the last -d (0 with -d-all) */
  bool verbose;               /* -v, -ov */

  /* Message reception */
  bool local_error_message;   /* -E */
  const char *error_message_id; /* -E<id> */
  error_handling_t error_handling;
  const char *sender_fullname;  /* -F */
  const char *sender_address;   /* -f / -r ("<>" stored as "") */
  bool suppress_local_fixups;   /* -G */
  bool dot_ends;                /* true unless -i / -oi / -oitrue / -ti / rmail */
  bool extract_recipients;      /* -t */
  bool tls_on_connect;          /* -tls-on-connect */
  delivery_mode_t delivery_mode;
  bool queue_smtp;              /* -odqs */
  int receive_timeout;          /* -or; -1 unset */
  int smtp_receive_timeout;     /* -os; -1 unset */
  const char *perl_start;       /* -ps / -pd: "s" / "d", or NULL */

  /* -oM values (trusted callers / testing modes) */
  const char *host_address;     /* -oMa */
  const char *authenticator;    /* -oMaa */
  const char *authenticated_id; /* -oMai */
  const char *authenticated_sender; /* -oMas */
  const char *interface_address;    /* -oMi */
  const char *message_reference;    /* -oMm */
  const char *received_protocol;    /* -oMr, -p<r> */
  const char *host_name;            /* -oMs, -p<r>:<s> */
  const char *ident;                /* -oMt */

  /* Daemon */
  const char *override_local_interfaces; /* -oX */
  const char *pid_file;         /* -oP */
  bool pid_file_remove;         /* -oPX */
  bool no_notifier_socket;      /* -oY */
  int connection_max_messages;  /* -oB; -1 unset */
  const char *alias_arg;        /* -oA */
  const char *syslog_name;      /* -L */
  const char *log_line;         /* -z */

  /* Delivery control */
  bool dont_deliver;            /* -N */
  bool terse;                   /* -n */

  /* -M */
  msg_action_t msg_action;
  const char *msg_action_option;  /* the -M word as given */
  int msg_action_arg;           /* index of the first message id, or -1 */
  bool one_msg_action;          /* takes exactly one id, then other args */
  bool forced_delivery;         /* -M */
  bool force_thaw;              /* -M, -qff, -Rff */
  bool give_up;                 /* -Mg */
  const char *queue_name_dest;  /* -MG */
  bool continuation;            /* -MC (and its argument set) */
  const char *continue_transport, *continue_hostname, *continue_host_address;
  int continue_sequence;
  bool internal_option;         /* some -MC / -MCx was given */

  /* Queue runs: -q, -R, -S */
  int queue_interval;           /* -1 none; 0 single run; >0 periodic */
  bool queue_2stage;            /* -qq */
  bool queue_first_delivery;    /* -qi */
  bool queue_force;             /* -qf */
  bool queue_local;             /* -ql */
  const char *queue_name;       /* -qG<name>, -MCG */
  const char *start_id, *stop_id;
  const char *select_recipient; /* -R */
  bool select_recipient_regex;
  const char *select_sender;    /* -S */
  bool select_sender_regex;
  bool select_force;            /* f in -R/-S flags */
} cmdline_state;

/* Parse argv[1..].  The name argv[0] was called by presets options first
 * (spec 5.1): mailq = -bp, rsmtp = -bS, rmail = -i -oee, runq = -q,
 * newaliases = -bi.  Returns NULL on success, else the full error line
 * (without newline) that Exim would print; the exit status is then 1. */
const char *cmdline_parse(int argc, char **argv, cmdline_state *st);

/* NULL, or the "incompatible ..." error line. */
const char *cmdline_conflict(const cmdline_state *st);

/* True if the state asks for something other than reading a message. */
bool cmdline_has_action(const cmdline_state *st);

/* Exim's message id shape (4.96: six, six and two base-62 characters: tttttt-pppppp-ff). */
bool cmdline_is_msgid(const char *s);

/* Parse a -d argument (the text after "-d" or "-dd") into *bits: "" is the
 * default set, "=N" a number, else +name/-name items.  NULL or the error line. */
const char *cmdline_debug_option(const char *spec, uint64_t *bits);

/* "N args: argv[0] ..." for log_selector +arguments: each argument with
 * non-printing bytes escaped, quoted when empty or holding white space. */
const char *cmdline_arguments_text(int argc, char **argv);

#endif
