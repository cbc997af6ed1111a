/* acl_ratelimit.c - the ratelimit condition (spec 44.39-44.44):
 *   ratelimit = m / p / options / key
 * options per_conn, per_mail, per_rcpt, per_byte, per_cmd, per_addr,
 * strict, leaky, readonly, noupdate, count=N, unique=TEXT.
 *
 * The rate is an exponentially smoothed event rate: with the interval i
 * since the stored record and the period p, a = exp(-i/p) and
 *   rate' = (1 - a) * count / (i / p) + a * rate
 * (a burst of events in a short time adds `count` per event).  The
 * condition is true when rate' >= m.  Records live in the "ratelimit"
 * hints database keyed "p/per_x/key" ("p/per_x/unique/key" with unique=),
 * laid out as Exim's (time stamp, microseconds, rate, and for unique= a
 * Bloom filter with its epoch).  Results are cached per connection
 * (per_conn) and per message (per_mail, per_byte, per_rcpt outside RCPT),
 * so re-testing the same limit does not count twice.
 *
 * Sets $sender_rate, $sender_rate_limit, $sender_rate_period.
 *
 * Entry point: the table acl_ratelimit_defs[]; acl_ratelimit_reset_message().
 * Must never: write the database in readonly/noupdate mode, or on leaky
 * when the client is over the limit.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "acl/acl_int.h"
#include "base/list.h"
#include "base/log.h"
#include "base/store.h"
#include "expand/expand.h"
#include "expand/variables.h"
#include "hints/hints.h"
#include "smtp/conn.h"

#define W(x) ACL_WHERE_BIT(ACL_WHERE_##x)

/* Exim's record layouts (dbdata_ratelimit, dbdata_ratelimit_unique). */
typedef struct rl_record {
  time_t time_stamp;
  int time_usec;
  double rate;
} rl_record;

#define BLOOM_BYTES 40
typedef struct rl_unique_record {
  rl_record dbd;
  time_t bloom_epoch;
  unsigned bloom_size;
  unsigned char bloom[BLOOM_BYTES];
} rl_unique_record;

typedef enum { PER_MAIL, PER_CONN, PER_RCPT, PER_BYTE, PER_CMD, PER_ADDR } per_mode;
static const char *const per_names[] = {"per_mail", "per_conn", "per_rcpt", "per_byte", "per_cmd", "per_addr"};
typedef enum { UPD_DEFAULT, UPD_LEAKY, UPD_STRICT, UPD_READONLY, UPD_NOUPDATE } upd_mode;

/* Cached results: per connection and per message. */
typedef struct rl_cache {
  struct rl_cache *next;
  const char *key;
  double rate;
} rl_cache;
static rl_cache *cache_conn, *cache_mail;
static const void *cache_conn_owner;
static time_t cache_conn_start;

/* Entries are malloc'd so that many messages on one connection do not
 * pile up in the permanent pool. */
static void cache_free(rl_cache **list) {
  while (*list) {
    rl_cache *c = *list;
    *list = c->next;
    free((char *)c->key);
    free(c);
  }
}

void acl_ratelimit_reset_message(void) { cache_free(&cache_mail); }

static rl_cache **cache_for(per_mode mode, acl_where where) {
  if (mode == PER_CONN) {
    /* A new connection in this process starts a new cache. */
    if (cache_conn_owner != (const void *)conn_current ||
        (conn_current && cache_conn_start != conn_current->start)) {
      cache_free(&cache_conn);
      cache_conn_owner = conn_current;
      cache_conn_start = conn_current ? conn_current->start : 0;
    }
    return &cache_conn;
  }
  if (mode == PER_MAIL || mode == PER_BYTE || (mode == PER_RCPT && where != ACL_WHERE_RCPT))
    return &cache_mail;
  return NULL;
}

static void set_vars(double rate, const char *limit, const char *period) {
  expand_var_set("sender_rate", str_sprintf("%.1f", rate));
  expand_var_set("sender_rate_limit", limit);
  expand_var_set("sender_rate_period", period);
}

/* The Bloom filter of unique=: 8 bit positions from an MD5-like spread of
 * the value; FNV-1a hashes with different seeds keep it simple. */
static unsigned bloom_hash(const char *s, unsigned seed) {
  uint32_t h = 2166136261u ^ seed * 16777619u;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 16777619u;
  }
  return h;
}

static bool bloom_test_set(unsigned char *bloom, unsigned size, const char *value, bool set) {
  bool seen = true;
  for (unsigned i = 0; i < 8; i++) {
    unsigned bit = bloom_hash(value, i + 1) % (size * 8);
    if (!(bloom[bit / 8] & (1u << (bit % 8)))) {
      seen = false;
      if (set) bloom[bit / 8] |= (unsigned char)(1u << (bit % 8));
    }
  }
  return seen;
}

static bool mode_allowed(per_mode mode, acl_where w) {
  switch (mode) {
  case PER_MAIL:
  case PER_BYTE:
    return w == ACL_WHERE_MAIL || w == ACL_WHERE_RCPT || w == ACL_WHERE_PREDATA || w == ACL_WHERE_MIME ||
           w == ACL_WHERE_DATA || w == ACL_WHERE_NOTSMTP;
  case PER_RCPT:
    return w == ACL_WHERE_RCPT || w == ACL_WHERE_PREDATA || w == ACL_WHERE_MIME || w == ACL_WHERE_DATA ||
           w == ACL_WHERE_NOTSMTP;   /* exim4 counts non-SMTP recipients too */
  case PER_ADDR:
    return w == ACL_WHERE_RCPT;
  default:
    return true;
  }
}

static double message_size(void) {
  const char *v = expand_var_value(expand_var_find("message_size", 12));
  if (v && *v) return strtod(v, NULL);
  if (conn_current && conn_current->env.declared_size >= 0) return (double)conn_current->env.declared_size;
  return 0;
}

/* Errors in the arguments, worded as exim4 words them. */
static int rl_error(acl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rl_error(acl_ctx *ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_cat(NULL, "error in arguments to \"ratelimit\" condition: ");
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  return acl_error(ctx, "%s", g_str(g));
}

static int c_ratelimit(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  const char *list = arg;
  int sep = '/';
  char *limit_s = list_next(&list, &sep);
  char *period_s = list_next(&list, &sep);
  char *end;
  double limit = limit_s ? strtod(limit_s, &end) : 0;
  if (!limit_s || end == limit_s) return rl_error(ctx, "\"%s\" is not a positive number", limit_s ? limit_s : "NULL");
  if (*end == 'K' || *end == 'k') { limit *= 1024; end++; }
  else if (*end == 'M' || *end == 'm') { limit *= 1024 * 1024; end++; }
  else if (*end == 'G' || *end == 'g') { limit *= 1024.0 * 1024 * 1024; end++; }
  if (*end || limit < 0) return rl_error(ctx, "\"%s\" is not a positive number", limit_s);
  int period = period_s ? acl_parse_time(period_s) : -1;
  if (period <= 0) return rl_error(ctx, "\"%s\" is not a time value", period_s ? period_s : "NULL");

  per_mode mode = PER_MAIL;
  bool mode_set = false;
  upd_mode upd = UPD_DEFAULT;
  const char *key = NULL, *unique = NULL;
  double count = 1.0;
  bool count_set = false;
  char *opt;
  while ((opt = list_next(&list, &sep))) {
    int m = -1;
    for (int i = 0; i < 6; i++)
      if (strcmp(opt, per_names[i]) == 0) m = i;
    if (m >= 0) {
      if (mode_set && (per_mode)m != mode) return rl_error(ctx, "conflicting per_* options");
      mode = (per_mode)m;
      mode_set = true;
    } else if (strcmp(opt, "leaky") == 0 || strcmp(opt, "strict") == 0 || strcmp(opt, "readonly") == 0 ||
               strcmp(opt, "noupdate") == 0) {
      upd_mode u = opt[0] == 'l' ? UPD_LEAKY : opt[0] == 's' ? UPD_STRICT : opt[0] == 'r' ? UPD_READONLY
                                                                                      : UPD_NOUPDATE;
      if (upd != UPD_DEFAULT && upd != u) return rl_error(ctx, "conflicting update modes");
      upd = u;
    } else if (strncmp(opt, "count=", 6) == 0) {
      count = strtod(opt + 6, &end);
      if (end == opt + 6 || *end || count < 0) return rl_error(ctx, "\"%s\" is not a positive number", opt);
      count_set = true;
    } else if (strncmp(opt, "unique=", 7) == 0) {
      unique = opt + 7;
    } else {
      key = opt;   /* the last other element is the key */
    }
  }
  if (mode == PER_ADDR) {
    /* per_addr is per_rcpt with the recipient as the unique value. */
    const char *lp = expand_var_value(expand_var_find("local_part", 10));
    const char *dom = expand_var_value(expand_var_find("domain", 6));
    unique = str_sprintf("%s@%s", lp ? lp : "", dom ? dom : "");
  }
  if (!mode_allowed(mode, ctx->where)) {
    if (upd == UPD_LEAKY || upd == UPD_STRICT)
      return rl_error(ctx, "\"%s\" must not have /leaky or /strict option, or cannot be used in %s ACL",
                      per_names[mode], acl_where_name[ctx->where]);
    upd = UPD_READONLY;
  }
  if (upd == UPD_DEFAULT) upd = UPD_LEAKY;
  if (!key) {
    const char *h = conn_current ? conn_current->host_address : NULL;
    if (!h) h = expand_var_value(expand_var_find("sender_host_address", 19));
    key = h ? h : "";
  }
  bool readonly = upd == UPD_READONLY || upd == UPD_NOUPDATE;
  if (readonly) {
    count = 0;      /* only the stored rate (decayed) is looked at */
    unique = NULL;  /* "the specific unique= value is ignored" */
  } else if (!count_set) {
    if (mode == PER_BYTE) count = message_size();
    else if (mode == PER_RCPT && ctx->where != ACL_WHERE_RCPT) {
      count = conn_current ? conn_current->env.recipients_count : 0;
      if (count == 0) {
        /* non-SMTP reception keeps its recipients out of the envelope */
        const char *v = expand_var_value(expand_var_find("recipients_count", 16));
        if (v && *v) count = strtod(v, NULL);
      }
    }
  }
  const char *dbkey = str_sprintf("%s/%s/%s%s", period_s, mode == PER_ADDR ? "per_rcpt" : per_names[mode],
                                  unique ? "unique/" : "", key);
  if (acl_tracing) acl_trace(ctx->level, "ratelimit condition count=%g %.1f/%s", count, limit, dbkey);

  /* Cached? */
  rl_cache **cp = cache_for(mode, ctx->where);
  if (cp)
    for (rl_cache *c = *cp; c; c = c->next)
      if (strcmp(c->key, dbkey) == 0) {
        set_vars(c->rate, limit_s, period_s);
        if (acl_tracing) acl_trace(ctx->level, "ratelimit found pre-computed rate %.1f", c->rate);
        return c->rate < limit ? ACL_FAIL : ACL_OK;
      }

  const char *error;
  hints_db *db = hints_open(NULL, "ratelimit", !readonly, &error);
  if (!db && !readonly) {
    log_write(LOG_MAIN | LOG_PANIC, "ratelimit database not available: %s", error);
    return ACL_DEFER;
  }
  struct timeval now;
  gettimeofday(&now, NULL);
  size_t len = 0;
  rl_unique_record rec;
  memset(&rec, 0, sizeof rec);
  bool have = false;
  void *old = db ? hints_read(db, dbkey, &len) : NULL;   /* no database yet: nothing recorded */
  if (old && len >= sizeof(rl_record)) {
    memcpy(&rec, old, len < sizeof rec ? len : sizeof rec);
    have = true;
    if (acl_tracing) acl_trace(ctx->level, "ratelimit found key in database");
  } else if (acl_tracing && !unique) {
    acl_trace(ctx->level, "ratelimit creating new rate data block");
  }

  double rate;
  bool unique_seen = false;
  {
    if (unique) {
      /* The event set is thrown away when older than the period. */
      if (!have || rec.bloom_size != BLOOM_BYTES || now.tv_sec - rec.bloom_epoch > period) {
        if (acl_tracing) acl_trace(ctx->level, "ratelimit creating new Bloom filter");
        memset(rec.bloom, 0, sizeof rec.bloom);
        rec.bloom_size = BLOOM_BYTES;
        rec.bloom_epoch = now.tv_sec;
      }
      if (acl_tracing) acl_trace(ctx->level, "ratelimit checking uniqueness of %s", unique);
      unique_seen = bloom_test_set(rec.bloom, rec.bloom_size, unique, false);
      if (acl_tracing)
        acl_trace(ctx->level, "ratelimit event %s Bloom filter", unique_seen ? "found in" : "added to");
    }
    if (!have && acl_tracing) acl_trace(ctx->level, "ratelimit initializing new key's rate data");
    double c = unique_seen ? 0 : count;
    if (!have) {
      rate = c;
    } else {
      double interval = (double)(now.tv_sec - rec.dbd.time_stamp) + (now.tv_usec - rec.dbd.time_usec) / 1e6;
      double i_over_p = interval / period;
      if (i_over_p < 1e-9) i_over_p = 1e-9;
      double a = exp(-i_over_p);
      rate = c * (1 - a) / i_over_p + a * rec.dbd.rate;
    }
  }
  int rc = rate < limit ? ACL_FAIL : ACL_OK;
  bool write = upd == UPD_STRICT || (upd == UPD_LEAKY && rc == ACL_FAIL);
  if (write) {
    rec.dbd.rate = rate;
    rec.dbd.time_stamp = now.tv_sec;
    rec.dbd.time_usec = (int)now.tv_usec;
    if (unique) bloom_test_set(rec.bloom, rec.bloom_size, unique, true);
    hints_write(db, dbkey, &rec, unique ? sizeof(rl_unique_record) : sizeof(rl_record));
    if (acl_tracing) acl_trace(ctx->level, "ratelimit db updated");
  } else if (acl_tracing) {
    acl_trace(ctx->level, "ratelimit db not updated: %s",
              readonly ? (upd == UPD_NOUPDATE ? "noupdate mode" : "readonly mode") : "over the limit, but leaky");
  }
  if (acl_tracing) acl_trace(ctx->level, "ratelimit computed rate %.1f", rate);
  if (db) hints_close(db);
  set_vars(rate, limit_s, period_s);
  if (cp) {
    rl_cache *c = malloc(sizeof *c);
    char *k = strdup(dbkey);
    if (c && k) {
      c->key = k;
      c->rate = rate;
      c->next = *cp;
      *cp = c;
    } else {
      free(c);
      free(k);
    }
  }
  return rc;
}

const acl_cond_def acl_ratelimit_defs[] = {
  {"ratelimit", 0, ACL_WHERE_ALL, c_ratelimit, NULL},
  {NULL, 0, 0, NULL, NULL},
};
