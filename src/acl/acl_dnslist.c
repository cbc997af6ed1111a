/* acl_dnslist.c - the dnslists ACL condition (spec 44.27-44.37): DNS
 * black lists keyed on the inverted IP address of the calling host, or on
 * explicit keys after "/" (IP addresses inverted, names as they are).
 *
 * One item of the condition's list:
 *   +include_unknown | +exclude_unknown | +defer_unknown   (temporary errors)
 *   [txtdomain,]domain[[!](=|==|&|=&)ip,ip...][/key-list]
 * A match sets $dnslist_domain, $dnslist_matched (the key, not inverted),
 * $dnslist_value (the A records, ", "-joined) and $dnslist_text (the
 * first string of the TXT record).  Without a value restriction, A records outside 127.0.0.0/8 are
 * logged and discarded.  Answers are cached for the process (one SMTP
 * connection) within their TTL; the -bh commentary and the log lines are
 * exim4's.
 *
 * Entry point: acl_dnslists_run (the "dnslists" entry of
 * acl_conditions_core[]).
 * Must never: treat a temporary DNS error as a listing unless
 * +include_unknown says so, or look up a name longer than the DNS allows.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "acl/acl_int.h"
#include "base/ip.h"
#include "base/list.h"
#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "dns/dns.h"
#include "expand/variables.h"
#include "smtp/conn.h"

/* TTLs exim4 reports for cache entries that have no records. */
#define NEGATIVE_TTL 60
#define DEFER_TTL 3600

typedef enum { UNKNOWN_EXCLUDE, UNKNOWN_INCLUDE, UNKNOWN_DEFER } unknown_mode;

/* One cached lookup of a list name. */
typedef struct bl_entry {
  struct bl_entry *next;
  const char *name;
  dns_rc rc;              /* DNS_SUCCEED with addrs, or a failure */
  const char **addrs;     /* the A records as text */
  int naddrs;
  time_t expires;
} bl_entry;

static bl_entry *cache;

/* The -bh commentary, or debug output under -d+dnsbl. */
static void dl_trace(acl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dl_trace(acl_ctx *ctx, const char *fmt, ...) {
  if (!acl_tracing && !(debug_selector & D_dnsbl)) return;
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(NULL, fmt, ap);
  va_end(ap);
  if (acl_tracing) acl_trace(ctx->level, "%s", g_str(g));
  else debug_printf("%s\n", g_str(g));
}

/* The A records of a name, from the cache or the DNS, with commentary. */
static bl_entry *bl_lookup(acl_ctx *ctx, const char *name) {
  time_t now = time(NULL);
  for (bl_entry *e = cache; e; e = e->next)
    if (strcasecmp(e->name, name) == 0 && e->expires > now) {
      dl_trace(ctx, "dnslists: using result of previous lookup");
      return e;
    }
  dl_trace(ctx, "new DNS lookup for %s", name);
  dns_init(false, false, false);
  dns_answer *ans = NULL;
  const char *fqn = NULL;
  dns_rc rc = dns_lookup(&ans, name, DNS_T_A, &fqn);
  bl_entry *e = store_get_in(POOL_PERM, sizeof *e, false);
  memset(e, 0, sizeof *e);
  e->name = str_copy_taint(name, true);
  unsigned ttl = rc == DNS_AGAIN ? DEFER_TTL : NEGATIVE_TTL;
  if (rc == DNS_SUCCEED) {
    int n = 0;
    for (const dns_record *r = dns_first(ans->answer, DNS_T_A); r; r = dns_next(r, DNS_T_A)) n++;
    e->addrs = store_get_in(POOL_PERM, sizeof(char *) * (size_t)(n ? n : 1), false);
    for (const dns_record *r = dns_first(ans->answer, DNS_T_A); r; r = dns_next(r, DNS_T_A))
      if (!fqn || strcasecmp(r->name, fqn) == 0) e->addrs[e->naddrs++] = r->target;
    if (e->naddrs == 0) rc = DNS_NODATA;
    ttl = ans->min_ttl;
  }
  e->rc = rc == DNS_SUCCEED || rc == DNS_AGAIN ? rc : DNS_NOMATCH;
  e->expires = now + ttl;
  e->next = cache;
  cache = e;
  dl_trace(ctx, "dnslists: wrote cache entry, ttl=%u", ttl);
  return e;
}

static const char *joined(const bl_entry *e) {
  gstring *g = NULL;
  for (int i = 0; i < e->naddrs; i++) g = g_cat(i ? g_cat(g, ", ") : g, e->addrs[i]);
  return g ? g_str(g) : "";
}

/* The first string of the first TXT record of a name ("" if none), as
 * exim4 takes it. */
static const char *bl_text(const char *name) {
  dns_answer *ans = NULL;
  if (dns_lookup(&ans, name, DNS_T_TXT, NULL) != DNS_SUCCEED) return "";
  const dns_record *r = dns_first(ans->answer, DNS_T_TXT);
  const char *s = r ? dns_txt_string(r, 0) : NULL;
  return s ? s : "";
}

/* A value restriction: "=a,b", "==a", "&m", "=&m", each may be "!"-negated. */
typedef struct restriction {
  bool present, negated, all, bitand;
  const char *text;       /* as written after the "!", for messages */
  const char *values;     /* the comma list */
} restriction;

static bool ipv4_of(const char *s, unsigned long *v) {
  struct in_addr a;
  if (inet_pton(AF_INET, s, &a) != 1) return false;
  *v = ntohl(a.s_addr);
  return true;
}

/* Does one address match any listed value? */
static bool value_matches(const restriction *r, const char *addr) {
  unsigned long a, m;
  if (!ipv4_of(addr, &a)) return false;
  const char *p = r->values;
  while (*p) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    const char *v = str_copyn(p, n);
    if (ipv4_of(v, &m) && (r->bitand ? (a & m) == m : a == m)) return true;
    p += n + (c ? 1 : 0);
  }
  return false;
}

/* NULL when the records pass the restriction, else exim4's reason. */
static const char *restriction_fails(const restriction *r, const bl_entry *e) {
  int matched = 0;
  for (int i = 0; i < e->naddrs; i++)
    if (value_matches(r, e->addrs[i])) matched++;
  if (!r->all) {
    if (!r->negated) return matched ? NULL : "there was no match for";
    return matched ? "there was an exclude match for" : NULL;
  }
  bool every = matched == e->naddrs;
  if (!r->negated) return every ? NULL : "there was an IP address that did not match for";
  return every ? "there were no IP addresses that did not match for" : NULL;
}

/* Split "txt,dom!==v,v" into its parts. */
static void parse_domain_part(const char *s, const char **txtdom, const char **dom, restriction *r) {
  memset(r, 0, sizeof *r);
  size_t n = strcspn(s, "!=&");
  const char *names = str_copyn(s, n);
  const char *p = s + n;
  if (*p) {
    r->present = true;
    if (*p == '!') r->negated = true, p++;
    r->text = p;
    if (*p == '=') {
      p++;
      if (*p == '=') r->all = true, p++;
      else if (*p == '&') r->all = true, r->bitand = true, p++;
    } else if (*p == '&') {
      r->bitand = true, p++;
    }
    r->values = p;
  }
  const char *comma = strchr(names, ',');
  if (comma) {
    *txtdom = str_copyn(names, (size_t)(comma - names));
    *dom = comma + 1;
  } else {
    *txtdom = *dom = names;
  }
}

/* The name to look up for a key in a list domain. */
static const char *list_name(const char *key, const char *domain) {
  ip_address a;
  if (ip_is_address(key, NULL) && ip_parse(key, false, &a, NULL))
    return str_sprintf("%s.%s", ip_format_reverse(&a), domain);
  return str_sprintf("%s.%s", key, domain);
}

typedef enum { KEY_LISTED, KEY_NOT_LISTED, KEY_DEFER } key_result;

static void set_vars(const char *domain, const char *key, const char *value, const char *text) {
  expand_var_set("dnslist_domain", domain);
  expand_var_set("dnslist_matched", key);
  if (value) expand_var_set("dnslist_value", value);
  if (text) expand_var_set("dnslist_text", text);
}

/* Look one key up in one list item. */
static key_result check_key(acl_ctx *ctx, const char *key, const char *txtdom, const char *dom,
                            const restriction *r, unknown_mode unknown) {
  const char *name = list_name(key, dom);
  if (strlen(name) > 255) {
    dl_trace(ctx, "dnslists: name too long: %s", name);
    return KEY_NOT_LISTED;
  }
  bl_entry *e = bl_lookup(ctx, name);
  if (e->rc == DNS_AGAIN) {
    const char *what = unknown == UNKNOWN_INCLUDE ? "assumed in list"
                       : unknown == UNKNOWN_DEFER ? "returned DEFER" : "assumed not in list";
    if (LOGGING(dnslist_defer))
      log_write(LOG_MAIN, "DNS list lookup defer (probably timeout) for %s: %s", name, what);
    if (unknown == UNKNOWN_EXCLUDE) return KEY_NOT_LISTED;
    if (unknown == UNKNOWN_DEFER) return KEY_DEFER;
    set_vars(txtdom, key, NULL, NULL);
    dl_trace(ctx, "=> that means %s is listed at %s", key, txtdom);
    return KEY_LISTED;
  }
  if (e->rc != DNS_SUCCEED) {
    dl_trace(ctx, "DNS lookup for %s failed", name);
    dl_trace(ctx, "=> that means %s is not listed at %s", key, dom);
    return KEY_NOT_LISTED;
  }
  dl_trace(ctx, "DNS lookup for %s succeeded (yielding %s)", name, joined(e));
  if (r->present) {
    const char *why = restriction_fails(r, e);
    if (why) {
      dl_trace(ctx, "=> but we are not accepting this block class because");
      dl_trace(ctx, "=> %s %s", why, r->text);
      return KEY_NOT_LISTED;
    }
  } else {
    /* Only 127.0.0.0/8 answers count. */
    bl_entry *kept = store_get(sizeof *kept, false);
    *kept = *e;
    kept->addrs = store_get(sizeof(char *) * (size_t)(e->naddrs ? e->naddrs : 1), false);
    kept->naddrs = 0;
    for (int i = 0; i < e->naddrs; i++) {
      unsigned long v;
      if (ipv4_of(e->addrs[i], &v) && (v >> 24) == 127) kept->addrs[kept->naddrs++] = e->addrs[i];
      else
        log_write(LOG_MAIN, "DNS list lookup for %s at %s returned %s; not in 127.0/8 and discarded",
                  key, dom, e->addrs[i]);
    }
    if (kept->naddrs == 0) return KEY_NOT_LISTED;
    e = kept;
  }
  const char *txtname = name;
  if (txtdom != dom) {
    /* The merged-list form: the first domain must list the key too. */
    txtname = list_name(key, txtdom);
    bl_entry *t = bl_lookup(ctx, txtname);
    if (t->rc != DNS_SUCCEED) {
      if (t->rc != DNS_AGAIN) {
        dl_trace(ctx, "DNS lookup for %s failed", txtname);
        dl_trace(ctx, "=> that means %s is not listed at %s", key, txtdom);
      }
      return KEY_NOT_LISTED;
    }
    dl_trace(ctx, "DNS lookup for %s succeeded (yielding %s)", txtname, joined(t));
    e = t;
  }
  set_vars(txtdom, key, joined(e), bl_text(txtname));
  dl_trace(ctx, "=> that means %s is listed at %s", key, txtdom);
  return KEY_LISTED;
}

static const char *host_address(void) {
  if (conn_current && conn_current->host_address) return conn_current->host_address;
  const char *v = expand_var_value(expand_var_find("sender_host_address", 19));
  return v && *v ? v : NULL;
}

int acl_dnslists_run(acl_ctx *ctx, const acl_item *it, const char *arg) {
  (void)it;
  unknown_mode unknown = UNKNOWN_EXCLUDE;
  int sep = 0;
  const char *list = arg;
  char *item;
  while ((item = list_next(&list, &sep)) != NULL) {
    dl_trace(ctx, "dnslists check: %s", item);
    if (strcmp(item, "+include_unknown") == 0) { unknown = UNKNOWN_INCLUDE; continue; }
    if (strcmp(item, "+exclude_unknown") == 0) { unknown = UNKNOWN_EXCLUDE; continue; }
    if (strcmp(item, "+defer_unknown") == 0) { unknown = UNKNOWN_DEFER; continue; }
    char *slash = strchr(item, '/');
    const char *keys = NULL;
    if (slash) {
      *slash = 0;
      keys = slash + 1;
    }
    const char *txtdom, *dom;
    restriction r;
    parse_domain_part(item, &txtdom, &dom, &r);
    bool deferred = false;
    if (!keys) {
      const char *addr = host_address();
      if (!addr) continue;
      key_result kr = check_key(ctx, addr, txtdom, dom, &r, unknown);
      if (kr == KEY_LISTED) return ACL_OK;
      if (kr == KEY_DEFER) deferred = true;
    } else {
      int ksep = 0;
      const char *kl = keys;
      char *key;
      while ((key = list_next(&kl, &ksep)) != NULL) {
        if (!*key) continue;
        key_result kr = check_key(ctx, key, txtdom, dom, &r, unknown);
        if (kr == KEY_LISTED) return ACL_OK;
        if (kr == KEY_DEFER) deferred = true;
      }
    }
    if (deferred) return ACL_DEFER;
  }
  return ACL_FAIL;
}
