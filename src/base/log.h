/* log.h - logging and debug output.
 *
 * log_write() is the one way to write Exim's main, reject and panic logs
 * (log_write_msg() adds a message id, log_write_reject() header lines).
 * Until the log files are opened (log_open_files(), after the configuration
 * is read, by modes that really log), lines go to stderr in Exim's format,
 * which is also what Exim does for errors found while reading the
 * configuration and in testing modes such as -be.
 *
 * Debug output (-d) goes to stderr; DEBUG(D_x) guards a debug_printf() so
 * that argument evaluation costs nothing when that selector is off.
 */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdbool.h>
#include <stdint.h>

/* Destinations; combine with |. */
#define LOG_MAIN    0x01
#define LOG_REJECT  0x02
#define LOG_PANIC   0x04
#define LOG_DIE     0x08   /* exit(1) after writing */
#define LOG_CONFIG  0x10   /* prefix "Exim configuration error" */
#define LOG_NOMAIN  0x20   /* with LOG_REJECT: the reject log only (exim4 writes
                              such a line there when its selector is off) */

/* LOG_REJECT lines go to the main log too (and to the reject log unless
 * write_rejectlog is false). */
void log_write(unsigned flags, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_panic_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The same with "<id> " after the timestamp (id NULL or "": none). */
void log_write_msg(const char *id, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A line written because of log_selector item `selector` (a name such as
 * "skip_delivery", "queue_run"), `on` being that item's state: -v and -d
 * show it as "LOG: <name> MAIN" even when it is off, as exim4 does; the
 * log files get it only when on. */
void log_write_sel(const char *selector, bool on, const char *id, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A rejection: the line to the main and reject logs; in the reject log it
 * is followed by `headers` (the message's header lines, already in the
 * form to log, newline-separated; NULL when not read yet). */
void log_write_reject(const char *id, const char *headers, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The general form: id (or NULL), flags (LOG_MAIN, LOG_REJECT, ...), and
 * the header lines a reject-log entry is followed by (or NULL). */
void log_write_full(const char *id, unsigned flags, const char *headers, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* What log_open_files() needs from the configuration (spec 14, 53). */
typedef struct {
  const char *file_path;        /* log_file_path, expanded; NULL/"" = default */
  const char *build_file_path;  /* the build's LOG_FILE_PATH (for empty items) */
  const char *spool_directory;  /* for the default spool/log/%slog */
  const char *syslog_facility;  /* NULL = mail */
  const char *syslog_processname;
  bool syslog_pid, syslog_timestamp, syslog_duplication;
  bool log_timezone, write_rejectlog;
  bool set_owner;               /* when root, new files/dirs owned by uid/gid */
  bool no_stderr;               /* panic lines not copied to stderr (detached) */
  unsigned uid, gid;
} log_settings;

/* Switch from stderr to the log files / syslog.  Returns NULL or an error
 * text (a log_file_path item without %s: Exim's text). */
const char *log_open_files(const log_settings *s);
bool log_files_active(void);
/* Open the main log file now, so that a child about to change to a uid
 * that cannot open it (a transport's user) writes through the inherited
 * descriptor; nothing when the lines go elsewhere. */
void log_open_main(void);
/* -bh / -bhc: from now on every line goes to stderr only, as
 * "LOG: [id ]text" (Exim's host-checking form), never to a log file. */
void log_host_checking(bool on);
/* -bt: every line goes to stderr only, as "LOG: MAIN[ PANIC]\n  text"
 * (exim4's address-testing form), never to a log file. */
void log_address_testing(bool on);
/* -bh: exim4 keeps showing the id of the session's last message on the
 * lines that follow it, until the next MAIL; "" or NULL: none. */
void log_host_checking_id(const char *id);

/* Helpers, exposed for tests:
 * log_file_name: the name of log `which` ("main", "reject", "panic") from
 *   a log_file_path template at time `now` (%D yyyymmdd, %M yyyymm; the
 *   panic log loses the datestamp and one neighbouring punctuation char).
 * log_syslog_split: syslog pieces of `text`, split at newlines and after
 *   `max` characters, "[n/m] " / "[n\m] " prefixed when more than one.
 * log_timestamp: "YYYY-MM-DD HH:MM:SS[.mmm][ +hhmm]". */
#include <time.h>
#include <sys/time.h>
#include "str.h"
/* Tests only: when non-zero, the time that picks datestamped file names. */
extern time_t log_clock_override;
/* syslog_facility: mail, user, news, uucp, daemon, local0-7, any case, an
 * optional "log_" prefix; NULL means mail; -1 for anything else. */
int log_facility_code(const char *name);
const char *log_file_name(const char *tmpl, const char *which, time_t now);
const char **log_syslog_split(const char *text, size_t max, int *count);
gstring *log_timestamp(gstring *g, const struct timeval *tv, bool millisec, bool zone);

/* Debug selectors (spec 5, option -d).  Names and the default set are in
 * debug_names[] (log.c).  The bit positions are Exim's, so that the "D=%x"
 * value in the first debug line reads the same as Exim's: v is bit 0,
 * local_scan bit 1, then the names in alphabetical order. */
enum {
  D_v = 1ULL << 0, D_local_scan = 1ULL << 1,
  D_acl = 1ULL << 2, D_auth = 1ULL << 3, D_deliver = 1ULL << 4, D_dns = 1ULL << 5,
  D_dnsbl = 1ULL << 6, D_exec = 1ULL << 7, D_expand = 1ULL << 8, D_filter = 1ULL << 9,
  D_hints_lookup = 1ULL << 10, D_host_lookup = 1ULL << 11, D_ident = 1ULL << 12,
  D_interface = 1ULL << 13, D_lists = 1ULL << 14, D_load = 1ULL << 15,
  D_lookup = 1ULL << 16, D_memory = 1ULL << 17,
  D_noutf8 = 1ULL << 18, D_pid = 1ULL << 19, D_process_info = 1ULL << 20,
  D_queue_run = 1ULL << 21, D_receive = 1ULL << 22, D_resolver = 1ULL << 23,
  D_retry = 1ULL << 24, D_rewrite = 1ULL << 25, D_route = 1ULL << 26,
  D_timestamp = 1ULL << 27, D_tls = 1ULL << 28, D_transport = 1ULL << 29,
  D_uid = 1ULL << 30, D_verify = 1ULL << 31
};
#define D_all 0xffffffffULL
/* Any real debugging (not just -v or the line-format modifiers). */
#define D_any (D_all & ~(uint64_t)(D_v | D_noutf8 | D_pid | D_timestamp))

typedef struct {
  const char *name;
  uint64_t bits;
} debug_name;

extern const debug_name debug_names[];   /* NULL-terminated, sorted */
extern const uint64_t debug_default;     /* set by a bare -d */
extern const uint64_t debug_all_plus;    /* set by +all (no memory, no noutf8) */
extern uint64_t debug_selector;          /* current; 0 = debugging off */

#define DEBUG(x) if (debug_selector & (x))

/* Parse "+a-b+c" starting from `start` into *bits; returns NULL on success or
 * Exim's error text (without the "exim: " prefix):
 *   unknown debug_selector setting: +word
 *   malformed debug_selector setting: + or - expected but found "text"
 * "+all" sets everything but memory and noutf8; "-all" clears everything. */
const char *debug_parse(const char *spec, uint64_t start, uint64_t *bits);

void debug_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where debug_printf writes: NULL means stderr (control = debug sets a file). */
#include <stdio.h>
extern FILE *debug_file;

#endif
