/* message_id.c - generation and checking of Exim 4.96 message ids.
 * An id is base-62 time (6), pid (6) and a sub-second part (2): the time's
 * microseconds / 5000, plus localhost_number * 200 when that is set.
 * Entry points: message_id_base62, message_id_format, message_id_new,
 * message_id_wait_tick, message_id_valid.
 * Must never hand out the same id twice in one process. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spool/message_id.h"

static const char base62_chars[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void message_id_base62(unsigned long value, int width, char *out) {
  for (int i = width - 1; i >= 0; i--) {
    out[i] = base62_chars[value % 62];
    value /= 62;
  }
}

void message_id_format(const struct timeval *tv, pid_t pid, int host_number,
                       char *out) {
  unsigned long frac = (unsigned long)tv->tv_usec / MESSAGE_ID_RESOLUTION;
  if (host_number >= 0)
    frac += (unsigned long)host_number * (1000000 / MESSAGE_ID_RESOLUTION);
  message_id_base62((unsigned long)tv->tv_sec, 6, out);
  out[6] = '-';
  message_id_base62((unsigned long)pid, 6, out + 7);
  out[13] = '-';
  message_id_base62(frac, 2, out + 14);
  out[16] = 0;
}

/* Same tick: same second and same 1/200 s slot. */
static bool same_tick(const struct timeval *a, const struct timeval *b) {
  return a->tv_sec == b->tv_sec &&
         a->tv_usec / MESSAGE_ID_RESOLUTION == b->tv_usec / MESSAGE_ID_RESOLUTION;
}

void message_id_wait_tick(const struct timeval *tv) {
  for (;;) {
    struct timeval now;
    gettimeofday(&now, NULL);
    if (now.tv_sec > tv->tv_sec ||
        (now.tv_sec == tv->tv_sec &&
         now.tv_usec / MESSAGE_ID_RESOLUTION > tv->tv_usec / MESSAGE_ID_RESOLUTION))
      return;
    /* Sleep to the start of the next slot (the clock may also go back:
     * then we keep waiting for it to pass *tv). */
    long left = MESSAGE_ID_RESOLUTION - now.tv_usec % MESSAGE_ID_RESOLUTION;
    if (now.tv_sec < tv->tv_sec) left = MESSAGE_ID_RESOLUTION;
    struct timespec ts = {0, left * 1000L};
    nanosleep(&ts, NULL);
  }
}

void message_id_new(int host_number, char *out, struct timeval *tv) {
  static struct timeval last;
  static bool have_last;
  static pid_t last_pid;
  pid_t pid = getpid();
  struct timeval now;
  if (have_last && last_pid == pid) {
    /* Wait until this call cannot repeat the previous id. */
    gettimeofday(&now, NULL);
    if (same_tick(&now, &last) ||
        (now.tv_sec < last.tv_sec ||
         (now.tv_sec == last.tv_sec && now.tv_usec < last.tv_usec)))
      message_id_wait_tick(&last);
  }
  gettimeofday(&now, NULL);
  message_id_format(&now, pid, host_number, out);
  last = now;
  last_pid = pid;
  have_last = true;
  if (tv) *tv = now;
}

bool message_id_valid(const char *s) {
  if (strlen(s) != MESSAGE_ID_LENGTH) return false;
  for (int i = 0; i < MESSAGE_ID_LENGTH; i++) {
    if (i == 6 || i == 13) {
      if (s[i] != '-') return false;
    } else if (!memchr(base62_chars, s[i], 62) || s[i] == 0) {
      return false;
    }
  }
  return true;
}
