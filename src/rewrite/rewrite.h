/* rewrite.h - address rewriting (spec chapter 31: the "begin rewrite"
 * section and the transports' headers_rewrite / return_path options'
 * rewriting): rules with their flags (E F T b c f h r s t S Q q R w),
 * applied where Exim applies them: envelope sender and recipients at
 * reception, the address headers (From:, Reply-To:, Sender:, To:, Cc:,
 * Bcc:, ...) at reception, SMTP-time (S) on MAIL/RCPT, and by transports.
 *
 * Entry points: rewrite_read_config(), rewrite_address(),
 * rewrite_header_list(), rewrite_rules_parse() (for headers_rewrite),
 * rewrite_test_main() (-brw).
 * Must never: rewrite an address into something that no longer parses
 * without logging it; loop (a rule's R flag repeats at most 10 times).
 */
#ifndef REWRITE_REWRITE_H
#define REWRITE_REWRITE_H

#include <stdbool.h>

#include "../spool/spool.h"

/* Which addresses a rule applies to (rewrite flags). */
enum {
  RW_E = 0x0001,                  /* all envelope fields (F | T) */
  RW_F = 0x0002,                  /* envelope From */
  RW_T = 0x0004,                  /* envelope To */
  RW_b = 0x0008,                  /* Bcc: */
  RW_c = 0x0010,                  /* Cc: */
  RW_f = 0x0020,                  /* From: */
  RW_h = 0x0040,                  /* all headers */
  RW_r = 0x0080,                  /* Reply-To: */
  RW_s = 0x0100,                  /* Sender: */
  RW_t = 0x0200,                  /* To: */
  RW_S = 0x0400,                  /* SMTP time */
  RW_ALL_HEADERS = RW_b | RW_c | RW_f | RW_h | RW_r | RW_s | RW_t,
  RW_ALL = RW_E | RW_F | RW_T | RW_ALL_HEADERS,
  RW_Q = 0x1000,                  /* rewrite to unqualified local part allowed */
  RW_q = 0x2000,                  /* quit after this rule if it matched */
  RW_R = 0x4000,                  /* repeat */
  RW_w = 0x8000                   /* whole address (with phrase) */
};

typedef struct rewrite_rule {
  struct rewrite_rule *next;
  const char *key;                /* pattern */
  const char *replacement;
  int flags;
} rewrite_rule;

/* The global rules from the configuration's rewrite section. */
extern rewrite_rule *rewrite_rules;
extern int rewrite_existflags;    /* OR of every rule's flags */

/* Parse the rewrite section (config.rewrite_lines): Exim's configuration
 * error with file and line on a bad rule. */
void rewrite_read_config(void);

/* Parse rules from an option value (headers_rewrite: ":"-separated rules
 * or one per line); NULL with *error. */
rewrite_rule *rewrite_rules_parse(const char *text, const char **error);

/* Rewrite one bare address ("local@domain", or "local" when qualification
 * is left to the caller) for the given flag (RW_F, RW_T, RW_S, RW_f, ...).
 * Returns the original pointer when nothing changed; logs the
 * "rewrite_rules" debug lines.  The result is qualified with
 * qualify_domain when the rule's replacement leaves it unqualified,
 * unless the Q flag allows it. */
const char *rewrite_address(const char *address, int flag, const rewrite_rule *rules,
                            const char *qualify_domain);

/* Rewrite the addresses in the message's address headers that rules with
 * the matching header flags cover: changed headers are marked deleted
 * ('*') and a rewritten copy appended, as Exim does.  Returns true when any
 * header changed. */
bool rewrite_header_list(spool_header **headers, const rewrite_rule *rules, int existflags);

/* The same for one header's text (a transport's headers_rewrite); NULL
 * when unchanged. */
char *rewrite_one_header(const char *header_text, const rewrite_rule *rules, int existflags);

/* Additions (rewrite.c, rewrite_header.c) ------------------------------ */

/* rewrite_address() with the full result: *whole (may be NULL) gets the
 * complete replacement text when the last change came from a rule with
 * the w flag (a header then takes it in place of the whole item).  With
 * RW_S the address is the raw MAIL/RCPT argument and only regular
 * expression rules apply. */
const char *rewrite_address_full(const char *address, int flag, const rewrite_rule *rules,
                                 const char *qualify, const char **whole);

/* SMTP-time rewriting (S rules, spec 31.9) of a MAIL or RCPT argument as
 * received (angle brackets included); the argument itself when no rule
 * changed it. */
const char *rewrite_smtp(const char *arg);

/* qualify_recipient, or qualify_domain when that is unset. */
const char *rewrite_qualify_recipient(void);

/* OR of the flags of a list of rules (for headers_rewrite lists). */
int rewrite_rules_flags(const rewrite_rule *rules);

/* The rewrite flag (RW_f, RW_t, ...) of a header by its -H type letter
 * ('F', 'T', 'C', 'B', 'R', 'S'), 0 for others. */
int rewrite_header_flag(char type);

/* Rewrite the addresses of one header ("Name: value\n"): those the rules
 * with `flag` change are replaced in place (the working part, or the whole
 * item for a w rule).  With `qualify` set, unqualified addresses are first
 * qualified with it (and then rewritten); without, they are left alone.
 * Returns the new text, or NULL when nothing changed. */
char *rewrite_header_text(const char *text, int flag, const rewrite_rule *rules,
                          const char *qualify);

/* Reception: qualify unqualified addresses (in From:, Sender:, Reply-To:
 * with qualify_domain when it is not NULL, in To:, Cc:, Bcc: with
 * qualify_recipient when that is not NULL: the caller passes NULL where
 * unqualified addresses are not allowed, spec 31, 48.3) and rewrite with
 * the global rules the address headers received with a message; each changed header is marked '*' and its new version
 * inserted right after it, as Exim does.  True when any changed. */
bool rewrite_headers_received(spool_header **headers, const char *qualify_domain,
                              const char *qualify_recipient);

/* One header (may be NULL) the receive layer added from the envelope
 * (From: from the sender): rewritten by the global rules of its type,
 * the old one marked '*' with the new one after it. */
void rewrite_header_in_place(spool_header *h);

/* -brw address: prints each of the nine rewrite targets as Exim does. */
int rewrite_test_main(const char *address);

#endif
