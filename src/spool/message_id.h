/* message_id.h - Exim 4.96 message ids (spec 3.4): tttttt-pppppp-ff (time, pid, fraction), base 62.
 * Entry points: message_id_base62, message_id_format, message_id_new,
 * message_id_valid.  Never touches the spool or the configuration. */
#ifndef SPOOL_MESSAGE_ID_H
#define SPOOL_MESSAGE_ID_H

#include <stdbool.h>
#include <sys/time.h>
#include <sys/types.h>

#define MESSAGE_ID_LENGTH 16
/* Sub-second resolution of the last part, in microseconds (1/200 s): what
 * exim4 4.96 uses with and without localhost_number. */
#define MESSAGE_ID_RESOLUTION 5000

/* The last `width` base-62 digits of `value` (0-9A-Za-z) into out[width],
 * no terminator. */
void message_id_base62(unsigned long value, int width, char *out);

/* The id for a reception time, a pid and a localhost_number (-1: unset)
 * into out[MESSAGE_ID_LENGTH + 1]. */
void message_id_format(const struct timeval *tv, pid_t pid, int host_number,
                       char *out);

/* A new id for this process: takes the time, and when it would give the same
 * id as the previous call in this process, waits for the clock to tick past
 * the id's resolution first.  The time used is returned in *tv when tv is
 * not NULL. */
void message_id_new(int host_number, char *out, struct timeval *tv);

/* Waits until the clock has moved past the resolution tick of *tv, as Exim
 * does after a reception so a re-used pid cannot repeat an id. */
void message_id_wait_tick(const struct timeval *tv);

/* True when s (exactly 16 characters) has the form of a message id. */
bool message_id_valid(const char *s);

#endif
