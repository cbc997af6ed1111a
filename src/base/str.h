/* str.h - strings: growable strings and copying/formatting into pools.
 *
 * gstring is the one growable string type: explicit length, allocated in the
 * current store pool, always kept NUL-terminated by g_str().  A gstring's
 * taint follows its content: appending tainted data to an untainted gstring
 * moves it to tainted memory.  Passing NULL as the gstring creates one.
 *
 * Plain C strings are `char *`; use the uc() helper for ctype calls.
 */
#ifndef BASE_STR_H
#define BASE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define uc(c) ((unsigned char)(c))

typedef struct gstring {
  size_t len;   /* bytes of content */
  size_t size;  /* bytes allocated for s (content + NUL) */
  char *s;
} gstring;

gstring *g_new(size_t hint, bool tainted);
gstring *g_catn(gstring *g, const char *s, size_t n);
gstring *g_cat(gstring *g, const char *s);
gstring *g_catc(gstring *g, char c);
gstring *g_fmt(gstring *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
gstring *g_vfmt(gstring *g, const char *fmt, va_list ap);
/* NUL-terminate and return the content ("" for NULL). */
char *g_str(gstring *g);
/* Drop trailing bytes so that len becomes n (n <= len). */
void g_trim(gstring *g, size_t n);

/* Copies into the current pool, keeping the taint of the source. */
char *str_copy(const char *s);
char *str_copyn(const char *s, size_t n);
/* Copy with explicit taint. */
char *str_copy_taint(const char *s, bool tainted);
/* Copy into the permanent pool (configuration data). */
char *str_perm(const char *s);
/* printf into the current pool (untainted unless an argument is: callers
 * formatting tainted data use g_fmt on a tainted gstring). */
char *str_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One backslash escape as Exim reads it in quoted strings, expansions and
 * lookup keys: *pp points just after the backslash and is advanced.
 * \ooo octal (1-3 digits), \xhh (0-2 hex digits; none gives a zero
 * byte), \b \f \n \r \t \v; any other character stands for itself.  At
 * the end of the string it returns '\\' and does not advance. */
int str_escape(const char **pp);

/* Case-insensitive comparisons of ASCII strings. */
int str_cmpic(const char *a, const char *b);
int str_ncmpic(const char *a, const char *b, size_t n);
bool str_eqic(const char *a, const char *b);
/* Lowercase copy. */
char *str_lc(const char *s);

/* Skip leading white space; return pointer to first non-space. */
const char *str_skip_space(const char *s);
/* Strip trailing white space in place; returns s. */
char *str_rtrim(char *s);

/* Render a string for printing: non-printing bytes as \n, \t, \xHH. */
char *str_printing(const char *s);

/* Size with Exim's K/M/G suffix when it divides exactly ("100K", "50M"). */
char *str_format_mkint(long long n);

#endif
