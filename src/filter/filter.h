/* filter.h - user and system filters (exim-4.96-filter.txt): the Exim
 * filter language and Sieve (RFC 5228 with the extensions Exim supports:
 * fileinto, copy, envelope, vacation, subaddress, comparator-i;ascii-numeric,
 * encoded-character, enotify, regex? no), run by the redirect router, by the
 * delivery process for system_filter, and by -bf/-bF for testing.
 *
 * Entry points: filter_kind(), filter_interpret(), filter_test_main().
 * Must never: run a command, write a file or send mail itself: it returns
 * generated addresses (|pipe, /file, >reply) for the delivery process to
 * run with the owner's privileges; obey a forbid_* option silently.
 */
#ifndef FILTER_FILTER_H
#define FILTER_FILTER_H

#include <stdbool.h>

#include "../deliver/addr.h"

typedef enum { FILTER_NOT, FILTER_EXIM, FILTER_SIEVE } filter_type;

/* Which kind of filter text is this ("# Exim filter" / "# Sieve filter"
 * first line, case-insensitive, as spec 22.6 says), FILTER_NOT for a plain
 * redirection list. */
filter_type filter_kind(const char *text);

/* What the caller allows (redirect's allow_* / forbid_* options, and the
 * system filter's differences). */
enum {
  RDO_DEFER = 1u << 0,        /* allow_defer */
  RDO_FAIL = 1u << 1,         /* allow_fail */
  RDO_FREEZE = 1u << 2,       /* allow_freeze */
  RDO_BLACKHOLE = 1u << 3,    /* !forbid_blackhole */
  RDO_FILE = 1u << 4,         /* !forbid_file */
  RDO_PIPE = 1u << 5,         /* !forbid_pipe */
  RDO_REPLY = 1u << 6,        /* !forbid_filter_reply */
  RDO_LOG = 1u << 7,          /* !forbid_filter_logwrite */
  RDO_EXISTS = 1u << 8,       /* !forbid_filter_existstest */
  RDO_LOOKUP = 1u << 9,       /* !forbid_filter_lookup */
  RDO_RUN = 1u << 10,         /* !forbid_filter_run */
  RDO_READFILE = 1u << 11,    /* !forbid_filter_readfile */
  RDO_READSOCK = 1u << 12,    /* !forbid_filter_readsocket */
  RDO_DLFUNC = 1u << 13,
  RDO_PERL = 1u << 14,
  RDO_INCLUDE = 1u << 15,     /* !forbid_include */
  RDO_EXIM_FILTER = 1u << 16, /* !forbid_exim_filter */
  RDO_SIEVE_FILTER = 1u << 17,/* !forbid_sieve_filter */
  RDO_SMTP_CODE = 1u << 18,   /* !forbid_smtp_code */
  RDO_REWRITE = 1u << 19,
  RDO_SYSTEM = 1u << 20,      /* this is the system filter */
  RDO_TESTING = 1u << 21      /* -bf/-bF: print actions, do nothing */
};

/* Outcome of a filter run (the delivery / router decision). */
typedef enum {
  FF_DELIVERED,     /* a significant delivery happened ("seen"): no normal delivery */
  FF_NOTDELIVERED,  /* carry on with normal delivery */
  FF_BLACKHOLE,
  FF_DEFER,
  FF_FAIL,
  FF_FREEZE,
  FF_ERROR,         /* the filter is in error: *error set */
  FF_INCLUDEFAIL
} filter_result;

typedef struct filter_ctx {
  unsigned options;             /* RDO_* */
  const char *home;             /* $home ($home used by "save" with a relative path) */
  const char *sieve_vacation_directory;
  const char *sieve_subaddress;
  const char *sieve_useraddress;
  const char *sieve_enotify_mailto_owner;
  const char *sieve_inbox;      /* the "keep" mailbox name (default "inbox") */
  address_item *parent;         /* the address being filtered (NULL: system filter) */
  /* Output: generated addresses (deliveries to addresses, |pipes, /files,
   * >reply items) with af_pfr flags, on this list in order. */
  address_item *generated;
  const char *error;            /* FF_ERROR / FF_DEFER / FF_FAIL / FF_FREEZE text (for a
                                   fail "<<log>>rest" text: the part for the log) */
  const char *user_message;     /* "fail text ..." for the sender (after ">>") */
  bool seen;                    /* a significant action happened */
  /* System filter only: headers to add and remove, and "unseen"
   * deliveries. */
  const char *headers_add;
  const char *headers_remove;
  /* Input for the first_delivery and manually_thawed conditions (set by
   * the caller: true for -bf / a first delivery attempt). */
  bool first_delivery;
  bool manually_thawed;
  /* Sieve: the keep (implicit or explicit) remains; the caller delivers
   * normally (FF_NOTDELIVERED is returned then too). */
  bool sieve_keep;
} filter_ctx;

/* Run the filter text against the current message (deliver_current or the
 * -bf message); generated addresses go on ctx->generated. */
filter_result filter_interpret(const char *text, filter_ctx *ctx);

/* -bf file / -bF file with the message on stdin, plus -bfd -bfl -bfp -bfs:
 * prints what the filter would do as Exim 4.96 does ("Deliver message to:
 * ...", "Filtering did not set up a significant delivery."...).  Exit code. */
int filter_test_main(const char *file, bool system, const char *domain, const char *local_part,
                     const char *prefix, const char *suffix, const char *sender);

/* The same with both files (-bF and -bf together: the system filter runs
 * first, its $n0..$n9 become the user filter's $sn0..$sn9); either may be
 * NULL.  verbose: -v, trace conditions and Sieve actions on stderr. */
int filter_test_run(const char *system_file, const char *user_file, const char *domain,
                    const char *local_part, const char *prefix, const char *suffix, const char *sender,
                    bool verbose);

/* -bI:sieve: the Sieve extensions this build supports, one per line. */
void filter_sieve_extensions(void);

#endif
