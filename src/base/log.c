/* log.c - log lines and debug output; see log.h.
 * Log files proper (mainlog/rejectlog/paniclog, syslog) arrive with the
 * reception layer; until then every line goes to stderr with Exim's
 * timestamp, as Exim itself does before its log files are open.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "str.h"

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

static gstring *timestamp(gstring *g) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return g_cat(g, buf);
}

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
  fwrite(g->s, 1, g->len, stderr);
  fflush(stderr);
  store_reset(m);
}

static void vlog(unsigned flags, const char *fmt, va_list ap) {
  store_mark *m = store_mark_take(POOL_MAIN);
  gstring *g = timestamp(NULL);
  g = g_catc(g, ' ');
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
  vlog(flags, fmt, ap);
  va_end(ap);
  if (flags & LOG_DIE) exit(EXIT_FAILURE);
}

void log_panic_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(LOG_PANIC, fmt, ap);
  va_end(ap);
  exit(EXIT_FAILURE);
}
