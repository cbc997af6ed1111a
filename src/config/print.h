/* print.h - the -bP command-line option (spec 5, "-bP").
 *
 * bp_main() prints what its arguments name, after the configuration has been
 * read: main options, config_file, routers/transports/authenticators,
 * named lists, macros, the configuration text, the environment.
 */
#ifndef CONFIG_PRINT_H
#define CONFIG_PRINT_H

#include <stdbool.h>

/* argv[0..argc-1] are the words after -bP (no program name, no "-bP").
 * `admin` is true for root, the exim user and members of admin_groups.
 * Output goes to stdout.  Returns the exit status: 1 when the last word
 * named nothing known, else 0. */
int bp_main(int argc, char **argv, bool admin);

/* Print every main option whose feature is built, sorted, as "-bP" with no
 * arguments does; `no_labels` is "-bP -n". */
void bp_print_main_options(bool admin, bool no_labels);

#endif
