/* version.h - the program's version and the -bV text.
 *
 * version_print() writes everything -bV shows except the final
 * "Configuration file is ..." line, which main prints once the
 * configuration has been read.
 */
#ifndef MAIN_VERSION_H
#define MAIN_VERSION_H

#include <stdio.h>

/* The Exim release this program behaves as: "4.96". */
extern const char version_string[];
/* Set at link time (build/buildinfo.c): "1", "27-May-2026 16:52:26". */
extern const char version_build_number[];
extern const char version_build_date[];

void version_print(FILE *f);

#endif
