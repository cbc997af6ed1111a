/* log.c - log lines and debug output; see log.h.
 *
 * Two modes.  Until log_open_files() is called (and always in testing modes
 * such as -be, as Exim does), every line goes to stderr with a timestamp:
 * configuration errors keep that form.  After it, lines go to the main,
 * reject and panic logs of spec chapter 53: files named by log_file_path
 * (with %s, %D, %M), syslog, or both.  Each file is opened with O_APPEND and
 * each line is one write(), so concurrent processes never interleave; a
 * file renamed by a log cycler (53.2) or a new day's datestamp (53.3) makes
 * the next line reopen it.
 *
 * Must never: write a log line in more than one write() call; write debug
 * output anywhere but stderr.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "log_selector.h"
#include "str.h"

#include <ctype.h>

uint64_t debug_selector;

const debug_name debug_names[] = {
  {"acl", D_acl}, {"all", D_all}, {"auth", D_auth}, {"deliver", D_deliver}, {"dns", D_dns},
  {"dnsbl", D_dnsbl}, {"exec", D_exec}, {"expand", D_expand}, {"filter", D_filter},
  {"hints_lookup", D_hints_lookup}, {"host_lookup", D_host_lookup}, {"ident", D_ident},
  {"interface", D_interface}, {"lists", D_lists}, {"load", D_load},
  {"local_scan", D_local_scan}, {"lookup", D_lookup}, {"memory", D_memory},
  {"noutf8", D_noutf8}, {"pid", D_pid}, {"process_info", D_process_info},
  {"queue_run", D_queue_run}, {"receive", D_receive}, {"resolver", D_resolver},
  {"retry", D_retry}, {"rewrite", D_rewrite}, {"route", D_route},
  {"timestamp", D_timestamp}, {"tls", D_tls}, {"transport", D_transport}, {"uid", D_uid},
  {"verify", D_verify}, {NULL, 0}};

const uint64_t debug_all_plus = D_all & ~(uint64_t)(D_memory | D_noutf8);
const uint64_t debug_default = D_all & ~(uint64_t)(D_expand | D_filter | D_interface | D_load |
                                                   D_local_scan | D_memory | D_pid | D_resolver |
                                                   D_timestamp | D_noutf8);

const char *debug_parse(const char *spec, uint64_t start, uint64_t *bits) {
  uint64_t v = start;
  const char *p = spec;
  while (*p) {
    char sign = *p;
    if (sign != '+' && sign != '-')
      return str_sprintf("malformed debug_selector setting: + or - expected but found \"%s\"", p);
    const char *w = ++p;
    while (*p && *p != '+' && *p != '-') p++;
    size_t n = (size_t)(p - w);
    const debug_name *d;
    for (d = debug_names; d->name; d++)
      if (strlen(d->name) == n && strncmp(d->name, w, n) == 0) break;
    if (!d->name) return str_sprintf("unknown debug_selector setting: %c%.*s", sign, (int)n, w);
    uint64_t b = d->bits;
    if (sign == '+') {
      if (b == D_all) b = debug_all_plus;
      v |= b;
    } else {
      v &= ~b;
    }
  }
  *bits = v;
  return NULL;
}

/* ---------------------------------------------------------------------
 * Line format
 * ------------------------------------------------------------------- */

static bool files_mode;          /* log_open_files() has been called */
static bool host_checking_mode;  /* -bh: "LOG: text" lines on stderr only */
static bool address_testing_mode;  /* -bt: "LOG: MAIN\n  text" blocks on stderr only */
static char host_checking_id[64]; /* -bh: the last message's id, shown on later lines */
static log_settings cfg;

gstring *log_timestamp(gstring *g, const struct timeval *tv, bool millisec, bool zone) {
  struct tm tm;
  localtime_r(&tv->tv_sec, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  g = g_cat(g, buf);
  if (millisec) g = g_fmt(g, ".%03d", (int)(tv->tv_usec / 1000));
  if (zone) {
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    g = g_fmt(g, " %c%02ld%02ld", sign, off / 60, off % 60);
  }
  return g;
}

static gstring *timestamp(gstring *g) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  bool ms = files_mode && LOGGING(millisec);
  bool zone = files_mode && cfg.log_timezone;
  return log_timestamp(g, &tv, ms, zone);
}

/* ---------------------------------------------------------------------
 * File names (53.1, 53.3)
 * ------------------------------------------------------------------- */

/* The name of one log from a template holding %s (and maybe %D or %M).
 * For the panic log the datestamp is removed with one neighbouring
 * non-alphanumeric character: the following one when %D/%M follows a
 * slash, the preceding one otherwise. */
const char *log_file_name(const char *tmpl, const char *which, time_t now) {
  struct tm tm;
  localtime_r(&now, &tm);
  bool panic = strcmp(which, "panic") == 0;
  gstring *g = NULL;
  for (const char *p = tmpl; *p; p++) {
    if (p[0] == '%' && p[1] == 's') {
      g = g_cat(g, which);
      p++;
    } else if (p[0] == '%' && (p[1] == 'D' || p[1] == 'M')) {
      if (panic) {
        bool after_slash = p > tmpl && p[-1] == '/';
        if (after_slash) {
          if (p[2] && !isalnum((unsigned char)p[2])) p++;
        } else if (g && g->len > 0 && !isalnum((unsigned char)g->s[g->len - 1])) {
          g->len--;
        }
      } else if (p[1] == 'D') {
        g = g_fmt(g, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
      } else {
        g = g_fmt(g, "%04d%02d", tm.tm_year + 1900, tm.tm_mon + 1);
      }
      p++;
    } else {
      g = g_catc(g, *p);
    }
  }
  return g_str(g);
}

/* ---------------------------------------------------------------------
 * Syslog splitting (53.4)
 * ------------------------------------------------------------------- */

const char **log_syslog_split(const char *text, size_t max, int *count) {
  /* First pass: count the pieces; second: make them. */
  int n = 0;
  for (int pass = 0; pass < 2; pass++) {
    const char **out = NULL;
    if (pass == 1) out = store_get(sizeof(char *) * (size_t)(n + 1), false);
    int k = 0;
    const char *p = text;
    do {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      bool by_newline = nl != NULL;
      if (len > max) {
        len = max;
        by_newline = false;
      }
      if (pass == 1)
        out[k] = n == 1 ? str_sprintf("%.*s", (int)len, p)
                        : str_sprintf("[%d%c%d] %.*s", k + 1, by_newline ? '\\' : '/', n, (int)len, p);
      k++;
      p += len;
      if (by_newline) p++;
    } while (*p);
    if (pass == 0) n = k;
    else {
      out[k] = NULL;
      *count = n;
      return out;
    }
  }
  return NULL;
}

/* ---------------------------------------------------------------------
 * Files
 * ------------------------------------------------------------------- */

enum { LF_MAIN, LF_REJECT, LF_PANIC, LF__COUNT };
static const char *const lf_names[LF__COUNT] = {"main", "reject", "panic"};
static const int lf_priority[LF__COUNT] = {LOG_INFO, LOG_NOTICE, LOG_ALERT};

static struct {
  int fd;
  char *name;    /* perm copy of the name it was opened under */
} lf[LF__COUNT] = {{-1, NULL}, {-1, NULL}, {-1, NULL}};

static const char *file_template;   /* NULL: no files (syslog only) */
static bool use_syslog;
static bool syslog_opened;

/* The facility names Exim accepts (exim4 refuses auth, cron, kern, ...). */
static const struct {
  const char *name;
  int code;
} facilities[] = {
  {"mail", LOG_MAIL}, {"user", LOG_USER}, {"news", LOG_NEWS}, {"uucp", LOG_UUCP},
  {"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
  {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
  {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}, {NULL, 0}};

int log_facility_code(const char *name) {
  if (!name) return LOG_MAIL;
  if (strncasecmp(name, "log_", 4) == 0) name += 4;
  for (int i = 0; facilities[i].name; i++)
    if (strcasecmp(name, facilities[i].name) == 0) return facilities[i].code;
  return -1;
}

/* The next item of a colon-separated list (no separator change, no
 * doubling: Exim's rule for this option), trimmed; NULL at the end. */
static const char *path_item(const char **pp) {
  const char *p = *pp;
  if (!p) return NULL;
  const char *c = strchr(p, ':');
  size_t len = c ? (size_t)(c - p) : strlen(p);
  *pp = c ? c + 1 : NULL;
  while (len && (*p == ' ' || *p == '\t')) p++, len--;
  while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
  return str_sprintf("%.*s", (int)len, p);
}

/* An empty item: the first item of the build's LOG_FILE_PATH that is
 * neither empty nor syslog, else spool_directory/log/%slog. */
static const char *default_template(const log_settings *s) {
  const char *bp = s->build_file_path;
  const char *it;
  while ((it = path_item(&bp)))
    if (*it && strcmp(it, "syslog") != 0) return it;
  return str_sprintf("%s/log/%%slog", s->spool_directory ? s->spool_directory : "");
}

const char *log_open_files(const log_settings *s) {
  cfg = *s;
  file_template = NULL;
  use_syslog = false;
  const char *list = s->file_path ? s->file_path : "";
  const char *it;
  bool extra = false;
  while ((it = path_item(&list))) {
    if (strcmp(it, "syslog") == 0) {
      use_syslog = true;
    } else if (file_template) {
      extra = true;
    } else {
      const char *t = *it ? it : default_template(s);
      if (!strstr(t, "%s")) {
        files_mode = false;   /* the error itself goes to stderr */
        return str_sprintf("log_file_path \"%s\" does not contain \"%%s\"", t);
      }
      file_template = str_perm(t);
    }
  }
  if (use_syslog) {
    int fac = log_facility_code(s->syslog_facility);
    if (fac < 0) fac = LOG_MAIL;
    const char *name = s->syslog_processname && *s->syslog_processname ? s->syslog_processname : "exim";
    openlog(str_perm(name), LOG_CONS | LOG_PID, fac);
    syslog_opened = true;
  }
  files_mode = true;
  if (extra)
    log_write(LOG_MAIN | LOG_PANIC, "More than one path given in log_file_path: using %s", file_template);
  return NULL;
}

bool log_files_active(void) { return files_mode; }

void log_host_checking(bool on) { host_checking_mode = on; }
void log_address_testing(bool on) { address_testing_mode = on; }

void log_host_checking_id(const char *id) {
  snprintf(host_checking_id, sizeof host_checking_id, "%s", id ? id : "");
}

/* Open (creating: mode 0640, owned by the exim user when root) one log. */
static int open_log(const char *name) {
  int fd = open(name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
  if (fd < 0 && errno == ENOENT) {
    char *dir = str_copy(name);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
      *slash = 0;
      if (mkdir(dir, 0750) == 0 && geteuid() == 0 && cfg.set_owner)
        if (chown(dir, cfg.uid, cfg.gid) != 0) { /* the open below reports any real problem */ }
    }
    fd = open(name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
  }
  if (fd < 0) return -1;
  struct stat st;
  if (geteuid() == 0 && cfg.set_owner && fstat(fd, &st) == 0 && st.st_uid == 0 && st.st_size == 0)
    if (fchown(fd, cfg.uid, cfg.gid) != 0) { /* leave it root-owned: still writable by root */ }
  return fd;
}

/* The fd for log `which`, reopened when the name changed (new datestamp)
 * or the file was renamed or removed (53.2); -1 with errno on failure. */
time_t log_clock_override;

static int log_fd(int which) {
  time_t now = log_clock_override ? log_clock_override : time(NULL);
  const char *name = log_file_name(file_template, lf_names[which], now);
  if (lf[which].fd >= 0) {
    struct stat a, b;
    bool same_name = strcmp(name, lf[which].name) == 0;
    int st = same_name ? stat(name, &a) : -1;
    if (st == 0 && fstat(lf[which].fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
      return lf[which].fd;
    /* a delivery child under another uid cannot look into the log
     * directory: it keeps the file its parent opened */
    if (same_name && st < 0 && errno == EACCES) return lf[which].fd;
    close(lf[which].fd);
    lf[which].fd = -1;
  }
  int fd = open_log(name);
  if (fd < 0) return -1;
  lf[which].fd = fd;
  lf[which].name = str_perm(name);
  return fd;
}

void log_open_main(void) {
  if (file_template && !host_checking_mode && !address_testing_mode) (void)log_fd(LF_MAIN);
}

/* syslog adds its own pid (LOG_PID); Exim's "[pid]" of the pid selector
 * stays only with syslog_pid, the timestamp only with syslog_timestamp. */
static void to_syslog(int which, const char *stamp, const char *text) {
  if (!syslog_opened) return;
  gstring *g = NULL;
  if (cfg.syslog_timestamp) g = g_cat(g, stamp);
  if (LOGGING(pid) && cfg.syslog_pid) g = g_fmt(g, "[%d] ", (int)getpid());
  const char *full = str_sprintf("%s%s", g_str(g), text);
  int n;
  const char **parts = log_syslog_split(full, 870, &n);
  for (int i = 0; i < n; i++) syslog(lf_priority[which], "%s", parts[i]);
}

/* Panic lines that cannot reach their file: stderr (and syslog at LOG_CRIT,
 * as the spec says Exim does as a last resort). */
static void panic_fallback(const char *line) {
  fputs(line, stderr);
  fflush(stderr);
  openlog("exim", LOG_PID | LOG_CONS, LOG_MAIL);
  syslog(LOG_CRIT, "%s", line);
  syslog_opened = false;
}

/* `stamp` is the timestamp and a space; the file line adds "[pid] " for
 * the pid selector. */
static void write_one(int which, const char *stamp, const char *text) {
  if (file_template) {
    const char *line = str_sprintf("%s%s%s\n", stamp, LOGGING(pid) ? str_sprintf("[%d] ", (int)getpid()) : "", text);
    int fd = log_fd(which);
    if (fd < 0 || !fd_write_all(fd, line, strlen(line))) {
      int e = errno;
      if (which == LF_PANIC) {
        panic_fallback(line);
      } else {
        const char *name = log_file_name(file_template, lf_names[which],
                                         log_clock_override ? log_clock_override : time(NULL));
        const char *msg = str_sprintf("Cannot open %s log file \"%s\": %s: euid=%d egid=%d", lf_names[which],
                                      name, strerror(e), (int)geteuid(), (int)getegid());
        log_write(LOG_PANIC | LOG_DIE, "%s", msg);
      }
    }
  }
  if (use_syslog) to_syslog(which, stamp, text);
}

/* The log_selector name of the line being written (log_write_sel), shown
 * by -v and -d as "LOG: <name> MAIN"; NULL for lines written always.
 * line_echo_only: that selector is off, so the line is only shown. */
static const char *line_selector;
static bool line_echo_only;

#define LOG_LINE_MAX 8189   /* exim4 4.96: longest line written, without its newline */

static void vlog_files(const char *id, unsigned flags, const char *headers, const char *fmt, va_list ap) {
  gstring *stamp = timestamp(NULL);
  stamp = g_catc(stamp, ' ');
  gstring *t = NULL;
  if (id && *id) t = g_fmt(t, "%s ", id);
  va_list ap2;
  va_copy(ap2, ap);
  t = g_vfmt(t, fmt, ap);
  const char *text = g_str(t);
  const char *st = g_str(stamp);
  /* exim4 builds a line in an 8 KiB buffer: one longer than LOG_LINE_MAX
   * (timestamp and "[pid] " included) is replaced by its overflow notice,
   * which ends with a newline of its own (so an empty line follows) */
  size_t pidlen = LOGGING(pid) ? strlen(str_sprintf("[%d] ", (int)getpid())) : 0;
  if (stamp->len + pidlen + t->len > LOG_LINE_MAX) text = "**** log string overflowed log buffer ****\n";
  bool shown = false;   /* -v: on stderr already, labelled */
  DEBUG(D_any) {
    gstring *w = line_selector ? g_fmt(NULL, " %s", line_selector) : NULL;
    if ((flags & (LOG_MAIN | LOG_REJECT)) && !(flags & LOG_NOMAIN)) w = g_cat(w, " MAIN");
    if (flags & LOG_REJECT) w = g_cat(w, " REJECT");
    if (flags & LOG_PANIC) w = g_cat(w, " PANIC");
    if (flags & LOG_DIE) w = g_cat(w, " DIE");
    debug_printf("LOG:%s\n  %s\n", g_str(w), text);
  } else if ((debug_selector & D_v) && (flags & (LOG_MAIN | LOG_REJECT)) && !(flags & LOG_NOMAIN)) {
    /* -v: main log lines on stderr too, without the id, labelled with the
     * logs they go to ("LOG: MAIN PANIC", "LOG: MAIN REJECT"; exim4) */
    gstring *v = g_vfmt(NULL, fmt, ap2);
    gstring *w = line_selector ? g_fmt(NULL, " %s", line_selector) : NULL;
    w = g_cat(w, " MAIN");
    if (flags & LOG_REJECT) w = g_cat(w, " REJECT");
    if (flags & LOG_PANIC) w = g_cat(w, " PANIC");
    fprintf(debug_file ? debug_file : stderr, "LOG:%s\n  %s\n", g_str(w), g_str(v));
    fflush(debug_file ? debug_file : stderr);
    shown = true;
  }
  if (line_echo_only) return;
  bool to_reject = (flags & LOG_REJECT) && cfg.write_rejectlog;
  bool to_panic = (flags & LOG_PANIC) != 0;
  bool to_main = (flags & (LOG_MAIN | LOG_REJECT)) && !(flags & LOG_NOMAIN);
  /* Without syslog_duplication a line bound for two logs reaches syslog once. */
  bool saved = use_syslog;
  if (to_main) {
    if (!cfg.syslog_duplication && (to_reject || to_panic)) use_syslog = false;
    write_one(LF_MAIN, st, text);
    use_syslog = saved;
  }
  if (to_reject) {
    const char *rt = headers && *headers ? str_sprintf("%s\n%s", text, headers) : text;
    size_t n = strlen(rt);
    if (n && rt[n - 1] == '\n') rt = str_sprintf("%.*s", (int)(n - 1), rt);
    if (!cfg.syslog_duplication && to_panic) use_syslog = false;
    write_one(LF_REJECT, st, rt);
    use_syslog = saved;
  }
  if (to_panic) {
    write_one(LF_PANIC, st, text);
    /* exim4 copies panic lines to stderr as well (seen with a bad
     * log_file_path); a detached daemon sets no_stderr; -v has shown it
     * already ("LOG: MAIN PANIC"). */
    if (!cfg.no_stderr && !shown) {
      fprintf(stderr, "%s%s%s\n", st, LOGGING(pid) ? str_sprintf("[%d] ", (int)getpid()) : "", text);
      fflush(stderr);
    }
  }
  va_end(ap2);
}

/* ---------------------------------------------------------------------
 * Debug output
 * ------------------------------------------------------------------- */

FILE *debug_file;

void debug_printf(const char *fmt, ...) {
  store_mark *m = store_mark_take(POOL_MAIN);
  gstring *g = NULL;
  if (debug_selector & D_timestamp) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    g = g_fmt(g, "%02d:%02d:%02d ", tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  if (debug_selector & D_pid) g = g_fmt(g, "%5d ", (int)getpid());
  va_list ap;
  va_start(ap, fmt);
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  FILE *out = debug_file ? debug_file : stderr;
  fwrite(g->s, 1, g->len, out);
  fflush(out);
  store_reset(m);
}

static void vlog(const char *id, unsigned flags, const char *headers, const char *fmt, va_list ap) {
  /* a reject-log-only line is not shown by -bh / -bt */
  if ((flags & LOG_NOMAIN) && (address_testing_mode || host_checking_mode)) return;
  store_mark *m = store_mark_take(POOL_MAIN);
  if (address_testing_mode && !host_checking_mode) {
    gstring *h = g_cat(NULL, "LOG:");
    if (flags & (LOG_MAIN | LOG_REJECT)) h = g_cat(h, " MAIN");
    if (flags & LOG_REJECT) h = g_cat(h, " REJECT");
    if (flags & LOG_PANIC) h = g_cat(h, " PANIC");
    if (flags & LOG_DIE) h = g_cat(h, " DIE");
    h = g_cat(h, "\n  ");
    if (id && *id) h = g_fmt(h, "%s ", id);
    h = g_vfmt(h, fmt, ap);
    h = g_catc(h, '\n');
    fwrite(h->s, 1, h->len, stderr);
    fflush(stderr);
    store_reset(m);
    if (flags & LOG_DIE) exit(1);
    return;
  }
  if (host_checking_mode) {
    gstring *h = g_cat(NULL, "LOG: ");
    if (!id || !*id) id = host_checking_id;
    if (*id) h = g_fmt(h, "%s ", id);
    h = g_vfmt(h, fmt, ap);
    h = g_catc(h, '\n');
    fwrite(h->s, 1, h->len, stderr);
    fflush(stderr);
    store_reset(m);
    return;
  }
  if (files_mode) {
    vlog_files(id, flags, headers, fmt, ap);
    store_reset(m);
    return;
  }
  gstring *g = timestamp(NULL);
  g = g_catc(g, ' ');
  if (id && *id) g = g_fmt(g, "%s ", id);
  g = g_vfmt(g, fmt, ap);
  g = g_catc(g, '\n');
  fwrite(g->s, 1, g->len, stderr);
  fflush(stderr);
  DEBUG(D_any) {
    if (flags & LOG_PANIC) debug_printf("LOG: PANIC\n");
  }
  store_reset(m);
}

void log_write(unsigned flags, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(NULL, flags, NULL, fmt, ap);
  va_end(ap);
  if (flags & LOG_DIE) exit(EXIT_FAILURE);
}

void log_write_msg(const char *id, unsigned flags, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(id, flags, NULL, fmt, ap);
  va_end(ap);
  if (flags & LOG_DIE) exit(EXIT_FAILURE);
}

void log_write_sel(const char *selector, bool on, const char *id, unsigned flags, const char *fmt, ...) {
  /* off: only -v / -d see it, and only once the log files are in use */
  if (!on && (!files_mode || !(debug_selector & (D_v | D_any)))) return;
  va_list ap;
  va_start(ap, fmt);
  line_selector = selector;
  line_echo_only = !on;
  vlog(id, flags, NULL, fmt, ap);
  line_selector = NULL;
  line_echo_only = false;
  va_end(ap);
}

void log_write_reject(const char *id, const char *headers, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(id, LOG_MAIN | LOG_REJECT, headers, fmt, ap);
  va_end(ap);
}

void log_write_full(const char *id, unsigned flags, const char *headers, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(id, flags, headers, fmt, ap);
  va_end(ap);
}

void log_panic_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(NULL, LOG_PANIC, NULL, fmt, ap);
  va_end(ap);
  exit(EXIT_FAILURE);
}
