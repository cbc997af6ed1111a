/* address.h - mail addresses as text: RFC 5322/5321 parsing the way Exim
 * does it for SMTP MAIL/RCPT arguments, command-line recipients and header
 * address lists, with Exim's error texts.
 *
 * Entry points:
 *   address_extract()    the working address (route-addr or addr-spec) of
 *                        one mailbox: "Phrase <l@d>", "l@d (comment)",
 *                        "<@route,@route:l@d>", "<>" (when allowed)
 *   address_find_end()   end of one address in a comma-separated list
 *   address_walk_*()     every address of a header value (To:, Cc:, Bcc:,
 *                        Sender:, ...), groups included, one at a time
 *   address_qualify()    add @domain to an unqualified address
 *   xtext_decode/encode  RFC 3461 xtext (the ORCPT and AUTH= parameters)
 *   address_is_7bit()    no byte >= 0x80 (the SMTPUTF8 decisions)
 *
 * Results are new strings in the current store pool that keep the taint of
 * the input.  Nothing here ever modifies its input, reads past the end of
 * the string it is given, or fails on hostile input: bad syntax is
 * reported through *error.
 */
#ifndef BASE_ADDRESS_H
#define BASE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a domain may be a domain literal ([1.2.3.4]) inside angle
 * brackets or in a source route; the main option allow_domain_literals
 * (false by default, as in Exim), copied here by main_config_finish().
 * When false, such a literal gives "domain literals not allowed".  As
 * exim4 does, the domain of a bare addr-spec ("a@[1.2.3.4]", no angle
 * brackets) may be a literal whatever this says. */
extern bool address_allow_domain_literals;

/* The working address of one mailbox.  Comments and white space outside
 * quoted strings are removed, quoted local parts stay quoted, a source
 * route (<@a,@b:l@d>, or @a:l@d without brackets) is dropped, a domain
 * literal is kept as written.  "<>" gives "" when allow_null and "missing
 * or malformed local part" otherwise; a mailbox of only white space and
 * comments is always "empty address".  A working address whose text (the
 * inside of the angle brackets, or the addr-spec) is longer than 256 bytes
 * is "address is ridiculously long: ..."; exim4 has no separate limit on
 * the local part or the domain, and neither has this.
 *
 * On success returns the address; *start and *end are the offsets in
 * mailbox of the first byte of the address text and of the byte after it,
 * the span exim4 replaces when it rewrites or qualifies an address in a
 * header: the inside of the angle brackets without white space before the
 * '>' (comments included), or the addr-spec up to the end of its last
 * word or label (a comment after it excluded); *domain is the
 * offset of the domain within the returned string (0 when there is no
 * domain, i.e. an unqualified local part).  On failure returns NULL with
 * *error set to exim4's text for the fault (e.g. "missing or malformed
 * local part (expected word or \"<\")"), tainted when mailbox is; start,
 * end and domain are then undefined.  error, start, end and domain may be
 * NULL. */
char *address_extract(const char *mailbox, const char **error, int *start, int *end, int *domain,
                      bool allow_null);

/* The end of the first address in a comma-separated list starting at s:
 * the first ',' outside quoted strings, comments and angle brackets (not
 * escaped by a backslash), or the terminating NUL.  As in exim4, square
 * brackets are not special, "<" ... ">" is a flag rather than a nesting
 * count, and a source route (an item whose first byte is '@', or "<@")
 * runs past commas up to its ':' or a '>' that closes no bracket.  With
 * nl_ends, a newline also ends the address.  Never returns NULL. */
const char *address_find_end(const char *s, bool nl_ends);

/* ---- header address lists -------------------------------------------------- */

/* One item of a header's address list. */
typedef struct address_item {
  const char *text;     /* the item as written, white space trimmed (a copy):
                           what exim4 quotes after "failing address in ...
                           header is: " */
  const char *address;  /* the working address, NULL when it does not parse */
  const char *error;    /* Exim's error text when address is NULL */
  int domain;           /* offset of the domain in address (0: none) */
  size_t offset;        /* offset of text's first byte in the header value */
  size_t start, end;    /* when address is set: the span of the address in
                           the header value (inside the angle brackets, or
                           the addr-spec), for rewriting it in place */
} address_item;

/* Iterator state; treat as opaque. */
typedef struct address_walk {
  const char *base;     /* the header value */
  const char *p;        /* where the next item starts */
  bool in_group;        /* inside "name: ... ;" */
} address_walk;

/* Start walking value (a header's value after the colon; folded lines are
 * fine: newlines count as white space). */
void address_walk_init(address_walk *w, const char *value);

/* The next non-empty item; false at the end.  Group syntax
 * ("Friends: a@b, c@d;") is accepted as exim4 does: the group name and
 * the ';' are not part of the addresses (item->text keeps them); a ';'
 * after a complete address, or right after a local part, closes the group
 * and ends the item, the rest of it being ignored; an empty group yields
 * nothing.  Items that are empty or only comments (",,", a trailing comma,
 * "(c)") are skipped, as exim4 does for -t and verify = header_syntax.
 * No empty address ("<>") is accepted.  Pass the header value as stored,
 * with its final newline: exim4's "may not follow" error texts quote it. */
bool address_walk_next(address_walk *w, address_item *item);

/* ---- phrases ----------------------------------------------------------------- */

/* A display name made fit for "Name <address>" the way exim4 writes the
 * caller's full name (-F, gecos) into a From: header it adds: leading
 * white space removed; the text before the first quoted string put in
 * quotes when it holds one of ),.:;<>@[\] outside comments; after that,
 * each space-separated word holding one quoted; unterminated quoted
 * strings closed; exim4's quirks kept (a quoted last word gets a second
 * closing quote).  For 7-bit text only: exim4 RFC 2047-encodes a name
 * with 8-bit bytes as a whole instead (see address_is_7bit()). */
char *address_fix_phrase(const char *phrase);

/* ---- small helpers ---------------------------------------------------------- */

/* addr if it already has an '@', else addr@domain (a new string that is
 * tainted when either part is). */
char *address_qualify(const char *addr, const char *domain);

/* RFC 3461 xtext as exim4 decodes it (AUTH=, ENVID=, ORCPT=, XCLIENT):
 * "+XX" (two hex digits, either case) stands for one byte, "+00" ends the
 * string there; other bytes must be 33..127 and stand for themselves.
 * Returns the decoded string (taint of s) or NULL when s is not valid
 * xtext (a '+' without two hex digits, a byte outside 33..127). */
char *xtext_decode(const char *s);
/* Encode: '+', '=', and bytes outside 33..126 become "+XX". */
char *xtext_encode(const char *s);

/* True when no byte of s is >= 0x80 (an address that needs no SMTPUTF8). */
bool address_is_7bit(const char *s);

#endif
