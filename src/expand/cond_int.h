/* cond_int.h - shared between the files of the ${if} simple conditions
 * (cond.c, cond_crypt.c); not for use outside them. */
#ifndef EXPAND_COND_INT_H
#define EXPAND_COND_INT_H

#include <stdbool.h>

/* crypteq {<clear>}{<encrypted>}: {md5} {sha1} {crypt} {crypt16} or bare crypt. */
const char *cond_crypteq(const char *const *args, int nargs, bool *result);

/* 4, 6 or 0: whether s has the form of an IP address (no mask allowed). */
int cond_ip_version(const char *s);

#endif
