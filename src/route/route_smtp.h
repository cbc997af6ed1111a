/* route_smtp.h - routing for the SMTP server and the ACLs, in terms that
 * need neither address_item definition (base/address.h and deliver/addr.h
 * both name one): VRFY and EXPN answers, and the header addresses that
 * verify = header_sender checks.
 *
 * Entry points: route_smtp_vrfy(), route_smtp_expn() (route_smtp.c),
 * route_header_sender_addresses() (route_parse.c).
 * Must never: deliver anything.
 */
#ifndef ROUTE_ROUTE_SMTP_H
#define ROUTE_ROUTE_SMTP_H

#include <stdbool.h>

/* VRFY of a syntactically valid, qualified address: the reply code and
 * text (without the code) exim4 gives: 250 "<a> is deliverable", 550
 * "<a> <why>" (*failed set: the caller logs "VRFY failed for ..."), 451
 * "Cannot resolve <a> at this time". */
int route_smtp_vrfy(const char *address, bool trace, const char **text, bool *failed);

/* EXPN: the addresses the address is redirected to (one per line, in
 * angle brackets), the address itself when it is not redirected, or the
 * failure: 250 / 553, text lines separated by '\n'. */
int route_smtp_expn(const char *address, bool trace, const char **text);
/* (trace: write the -bh commentary of the routing on stderr.) */

/* The addresses of the message's Sender:, Reply-To: and From: headers
 * (in that order), as triples "Header\0item as written\0address\0"
 * ending with an empty string; NULL when there are none. */
const char *route_header_sender_addresses(void);

#endif
