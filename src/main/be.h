/* be.h - the -be / -bem expansion testing modes. */
#ifndef MAIN_BE_H
#define MAIN_BE_H

struct cmdline_state;

/* Expand argv[0..argc-1] (or stdin lines when argc is 0); message_file is
 * the -bem file or NULL; st gives the -oM values.  Returns the exit status. */
int be_main(int argc, char **argv, const char *message_file, const struct cmdline_state *st);

#endif
