/* main.c - program entry: parse the command line, read the configuration,
 * dispatch to the mode requested.  The command-line grammar lives in
 * cmdline.c; each mode's code lives in its own layer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "exim: command line not wired up\n");
  return EXIT_FAILURE;
}
