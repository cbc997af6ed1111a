/* dns.c - DNS queries through the system resolver (libresolv), decoded
 * into dns_record lists, with CNAME following, the dns_* main options and
 * a small per-process cache of answers.
 *
 * Entry points: dns_init(), dns_set_timeouts(), dns_lookup(), dns_first(),
 * dns_next(), dns_txt_count(), dns_txt_string(), dns_reverse_name(),
 * dns_rc_name(), dns_type_name(), dns_cache_flush().  The pseudo types are
 * in dns_special.c.
 * Must never: trust a length in a reply without checking it against the
 * reply's end (ns_initparse/ns_parserr and dn_expand do the bounds work);
 * hand untainted memory out for data that came from the DNS.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../base/ip.h"
#include "../base/log.h"
#include "../base/regex.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../expand/match.h"

/* Largest reply we accept: the limit of a TCP DNS message. */
#define DNS_MAXREPLY 65535
/* Lifetime of a cached negative answer (the resolver does not hand us the
 * SOA of a negative reply through res_search). */
#define DNS_NEGATIVE_TTL 60
/* Bound on the cache: past it, answers are simply not cached. */
#define DNS_CACHE_MAX 512

static int override_retrans, override_retry;

void dns_set_timeouts(int retrans_seconds, int retry_count) {
  override_retrans = retrans_seconds;
  override_retry = retry_count;
}

void dns_init(bool qualify_single, bool search_parents, bool use_dnssec) {
  if (!(_res.options & RES_INIT)) res_init();
  const main_config *mc = &mainconf;
  unsigned long opts = _res.options;
  opts = qualify_single ? opts | RES_DEFNAMES : opts & ~(unsigned long)RES_DEFNAMES;
  opts = search_parents ? opts | RES_DNSRCH : opts & ~(unsigned long)RES_DNSRCH;
  if (mc->dns_use_edns0 > 0) opts |= RES_USE_EDNS0;
  else if (mc->dns_use_edns0 == 0) opts &= ~(unsigned long)RES_USE_EDNS0;
  if (use_dnssec || mc->dns_dnssec_ok > 0) {
    /* The DO bit needs EDNS0; glibc passes the AD bit on only with trust-ad. */
    opts |= RES_USE_DNSSEC | RES_USE_EDNS0;
#ifdef RES_TRUSTAD
    opts |= RES_TRUSTAD;
#endif
  } else if (mc->dns_dnssec_ok == 0) {
    opts &= ~(unsigned long)RES_USE_DNSSEC;
  }
  _res.options = opts;
  int retrans = override_retrans ? override_retrans : mc->dns_retrans;
  int retry = override_retry ? override_retry : mc->dns_retry;
  if (retrans > 0) _res.retrans = retrans;
  if (retry > 0) _res.retry = retry;
}

/* A tainted copy that lives as long as the cache. */
static const char *tainted_copy(const char *s) {
  size_t n = strlen(s);
  char *p = store_get_in(POOL_PERM, n + 1, true);
  memcpy(p, s, n + 1);
  return p;
}

/* ---- the cache ---- */

typedef struct cache_entry {
  struct cache_entry *next;
  const char *name;   /* as asked, lower-cased */
  int type;
  unsigned long options;  /* resolver options that change the answer */
  time_t expires;
  dns_rc rc;
  dns_answer *ans;
  const char *fqn;
} cache_entry;

static cache_entry *cache;
static int cache_count;

void dns_cache_flush(void) {
  cache = NULL;
  cache_count = 0;
}

static unsigned long answer_options(void) {
  return _res.options & (RES_DEFNAMES | RES_DNSRCH | RES_USE_DNSSEC);
}

static cache_entry *cache_find(const char *name, int type) {
  time_t now = time(NULL);
  unsigned long opts = answer_options();
  for (cache_entry *e = cache; e; e = e->next)
    if (e->type == type && e->options == opts && strcasecmp(e->name, name) == 0)
      return e->expires > now ? e : NULL;
  return NULL;
}

static void cache_add(const char *name, int type, dns_rc rc, dns_answer *ans, const char *fqn) {
  if (cache_count >= DNS_CACHE_MAX || rc == DNS_AGAIN) return;
  cache_entry *e = store_get_in(POOL_PERM, sizeof *e, false);
  e->name = tainted_copy(name);
  e->type = type;
  e->options = answer_options();
  e->rc = rc;
  e->ans = ans;
  e->fqn = fqn;
  unsigned ttl = rc == DNS_SUCCEED && ans ? ans->min_ttl : DNS_NEGATIVE_TTL;
  e->expires = time(NULL) + ttl;
  e->next = cache;
  cache = e;
  cache_count++;
}

/* ---- decoding a reply ---- */

/* Expand a (possibly compressed) name at p; NULL if it is malformed. */
static const char *expand_name(const ns_msg *msg, const unsigned char *p) {
  char buf[NS_MAXDNAME];
  if (dn_expand(ns_msg_base(*msg), ns_msg_end(*msg), p, buf, sizeof buf) < 0) return NULL;
  return tainted_copy(buf);
}

/* Decode one record's type-specific fields; false if its data is malformed. */
static bool decode_rdata(const ns_msg *msg, const ns_rr *rr, dns_record *r) {
  const unsigned char *d = ns_rr_rdata(*rr);
  size_t len = ns_rr_rdlen(*rr);
  char text[INET6_ADDRSTRLEN];
  switch (r->type) {
  case DNS_T_A:
    if (len != 4 || !inet_ntop(AF_INET, d, text, sizeof text)) return false;
    r->target = tainted_copy(text);
    return true;
  case DNS_T_AAAA:
    if (len != 16 || !inet_ntop(AF_INET6, d, text, sizeof text)) return false;
    r->target = tainted_copy(text);
    return true;
  case DNS_T_CNAME:
  case DNS_T_PTR:
  case DNS_T_NS:
    return (r->target = expand_name(msg, d)) != NULL;
  case DNS_T_MX:
    if (len < 3) return false;
    r->pref = ns_get16(d);
    return (r->target = expand_name(msg, d + 2)) != NULL;
  case DNS_T_SRV:
    if (len < 7) return false;
    r->pref = ns_get16(d);
    r->weight = ns_get16(d + 2);
    r->port = ns_get16(d + 4);
    return (r->target = expand_name(msg, d + 6)) != NULL;
  case DNS_T_SOA: {
    char buf[NS_MAXDNAME];
    const unsigned char *end = ns_msg_end(*msg);
    int n = dn_expand(ns_msg_base(*msg), end, d, buf, sizeof buf);
    if (n < 0) return false;
    r->target = tainted_copy(buf);
    const unsigned char *p = d + n;
    n = dn_expand(ns_msg_base(*msg), end, p, buf, sizeof buf);
    if (n < 0) return false;
    r->rname = tainted_copy(buf);
    p += n;
    if (p + 20 > d + len) return false;
    for (int i = 0; i < 5; i++) r->soa[i] = ns_get32(p + 4 * i);
    return true;
  }
  case DNS_T_TXT:
  case DNS_T_SPF: {
    /* A sequence of <length><bytes> strings that must fill the data exactly. */
    size_t off = 0;
    while (off < len) off += 1 + d[off];
    return off == len;
  }
  default:
    return true;
  }
}

/* All records of one section, in order; malformed records are dropped. */
static dns_record *decode_section(ns_msg *msg, ns_sect sect, unsigned *min_ttl) {
  dns_record *head = NULL, **tail = &head;
  int count = ns_msg_count(*msg, sect);
  for (int i = 0; i < count; i++) {
    ns_rr rr;
    if (ns_parserr(msg, sect, i, &rr) < 0) break;
    if (ns_rr_class(rr) != ns_c_in) continue;
    dns_record *r = store_get_in(POOL_PERM, sizeof *r, true);
    memset(r, 0, sizeof *r);
    r->name = tainted_copy(ns_rr_name(rr));
    r->type = ns_rr_type(rr);
    r->ttl = ns_rr_ttl(rr);
    r->rdlength = ns_rr_rdlen(rr);
    unsigned char *copy = store_get_in(POOL_PERM, r->rdlength ? r->rdlength : 1, true);
    memcpy(copy, ns_rr_rdata(rr), r->rdlength);
    r->rdata = copy;
    if (!decode_rdata(msg, &rr, r)) continue;
    if (r->ttl < *min_ttl) *min_ttl = r->ttl;
    *tail = r;
    tail = &r->next;
  }
  return head;
}

/* The query name of a reply (the name after qualification). */
static const char *question_name(ns_msg *msg) {
  ns_rr q;
  if (ns_msg_count(*msg, ns_s_qd) < 1 || ns_parserr(msg, ns_s_qd, 0, &q) < 0) return NULL;
  return tainted_copy(ns_rr_name(q));
}

/* dns_trust_aa: an authoritative answer for a listed zone counts as
 * authenticated.  The zone is the first NS of the authority section, or
 * the first SOA's name when the answer section is empty. */
static bool trusted_aa(const dns_answer *a) {
  const char *list = mainconf.dns_trust_aa;
  if (!a->authoritative || !list || !*list) return false;
  const dns_record *zone = a->answer ? dns_first(a->authority, DNS_T_NS)
                                     : dns_first(a->authority, DNS_T_SOA);
  if (!zone) return false;
  const char *err = NULL;
  return match_domain_list(zone->name, list, NULL, &err) == MATCH_YES;
}

/* The length of the reply in buf by walking its sections (at most size);
 * -1 when it does not fit. */
static int reply_length(const unsigned char *buf, size_t size) {
  const unsigned char *p = buf + NS_HFIXEDSZ, *end = buf + size;
  if (size < NS_HFIXEDSZ) return -1;
  int qd = ns_get16(buf + 4), rrs = ns_get16(buf + 6) + ns_get16(buf + 8) + ns_get16(buf + 10);
  for (int i = 0; i < qd + rrs; i++) {
    int n = dn_skipname(p, end);
    if (n < 0) return -1;
    p += n;
    if (i < qd) {
      if (end - p < NS_QFIXEDSZ) return -1;
      p += NS_QFIXEDSZ;
    } else {
      if (end - p < NS_RRFIXEDSZ) return -1;
      size_t rdlen = ns_get16(p + 8);
      p += NS_RRFIXEDSZ;
      if ((size_t)(end - p) < rdlen) return -1;
      p += rdlen;
    }
  }
  return (int)(p - buf);
}

/* The authority section of a failed query's reply, or NULL. */
static dns_answer *negative_answer(const unsigned char *buf, size_t size) {
  ns_msg msg;
  int len = reply_length(buf, size);
  if (len < 0 || ns_initparse(buf, len, &msg) < 0) return NULL;
  dns_answer *a = store_get_in(POOL_PERM, sizeof *a, false);
  memset(a, 0, sizeof *a);
  a->min_ttl = ~0u;
  a->authority = decode_section(&msg, ns_s_ns, &a->min_ttl);
  a->rcode = ns_msg_getflag(msg, ns_f_rcode);
  a->min_ttl = DNS_NEGATIVE_TTL;
  if (!a->authority) return NULL;
  a->authoritative = ns_msg_getflag(msg, ns_f_aa);
  a->authenticated = ns_msg_getflag(msg, ns_f_ad) || trusted_aa(a);
  return a;
}

static dns_rc errno_rc(int herr) {
  switch (herr) {
  case HOST_NOT_FOUND: return DNS_NOMATCH;
  case NO_DATA: return DNS_NODATA;
  case TRY_AGAIN: return DNS_AGAIN;
  default: return DNS_FAIL;
  }
}

/* One query, no CNAME following.  *fqn gets the question name. */
static dns_rc basic_lookup(dns_answer **out, const char *name, int type, const char **fqn) {
  *out = NULL;
  cache_entry *hit = cache_find(name, type);
  if (hit) {
    *out = hit->ans;
    if (fqn) *fqn = hit->fqn;
    DEBUG(D_dns) debug_printf("DNS lookup of %s (%s) using cached value %s\n", name, dns_type_name(type),
              dns_rc_name(hit->rc));
    return hit->rc;
  }
  size_t size = 4096;
  unsigned char *buf = store_get(size, true);
  int len = res_search(name, ns_c_in, type, buf, (int)size);
  if (len > (int)size) {
    size = len > DNS_MAXREPLY ? DNS_MAXREPLY : (size_t)len;
    buf = store_get(size, true);
    len = res_search(name, ns_c_in, type, buf, (int)size);
    if (len > (int)size) len = (int)size;
  }
  if (len < 0) {
    dns_rc rc = errno_rc(h_errno);
    bool replied = rc == DNS_NODATA || rc == DNS_NOMATCH;
    DEBUG(D_dns) debug_printf("DNS lookup of %s (%s) gave %s\n", name, dns_type_name(type), dns_rc_name(rc));
    if (rc == DNS_AGAIN && mainconf.dns_again_means_nonexist) {
      const char *err = NULL;
      if (type != DNS_T_TLSA &&
          match_domain_list(name, mainconf.dns_again_means_nonexist, NULL, &err) == MATCH_YES) {
        DEBUG(D_dns) debug_printf("%s is in dns_again_means_nonexist: returning DNS_NOMATCH\n", name);
        rc = DNS_NOMATCH;
      }
    }
    /* A negative reply still carries the zone's SOA in its authority
     * section (the CSA parent search needs it, dnsdb whether it was
     * authenticated); the resolver gives no length for a failed query, so
     * the reply is parsed by its counts. */
    dns_answer *neg = replied ? negative_answer(buf, size) : NULL;
    cache_add(name, type, rc, neg, NULL);
    *out = neg;
    return rc;
  }
  ns_msg msg;
  if (ns_initparse(buf, len, &msg) < 0) {
    DEBUG(D_dns) debug_printf("DNS lookup of %s (%s): malformed reply\n", name, dns_type_name(type));
    return DNS_FAIL;
  }
  dns_answer *a = store_get_in(POOL_PERM, sizeof *a, false);
  memset(a, 0, sizeof *a);
  a->min_ttl = ~0u;
  a->answer = decode_section(&msg, ns_s_an, &a->min_ttl);
  a->authority = decode_section(&msg, ns_s_ns, &a->min_ttl);
  a->additional = decode_section(&msg, ns_s_ar, &a->min_ttl);
  if (a->min_ttl == ~0u) a->min_ttl = DNS_NEGATIVE_TTL;
  a->rcode = ns_msg_getflag(msg, ns_f_rcode);
  a->authoritative = ns_msg_getflag(msg, ns_f_aa);
  a->authenticated = ns_msg_getflag(msg, ns_f_ad) || trusted_aa(a);
  const char *qname = question_name(&msg);
  if (!qname) qname = tainted_copy(name);
  dns_rc rc = a->answer ? DNS_SUCCEED : DNS_NODATA;
  DEBUG(D_dns) debug_printf("DNS lookup of %s (%s) succeeded%s\n", qname, dns_type_name(type),
            a->authenticated ? " (authenticated)" : "");
  cache_add(name, type, rc, a, qname);
  *out = a;
  if (fqn) *fqn = qname;
  return rc;
}

/* dns_check_names_pattern, for names we look up forward. */
static bool name_acceptable(const char *name, int type) {
  const char *pat = mainconf.dns_check_names_pattern;
  if (!pat || !*pat || type == DNS_T_PTR || type == DNS_T_TXT) return true;
  const char *err = NULL;
  const regex *re = regex_get(pat, 0, &err);
  if (!re) return true;  /* a bad pattern was reported when the option was read */
  return regex_match(re, name, strlen(name), NULL, 0, NULL, &err) > 0;
}

dns_rc dns_lookup(dns_answer **ans, const char *name, int type, const char **fqn) {
  *ans = NULL;
  if (!name_acceptable(name, type)) {
    DEBUG(D_dns) debug_printf("DNS name syntax check failed: %s (%s)\n", name, dns_type_name(type));
    return DNS_NOMATCH;
  }
  const char *want = name;
  for (int loops = 0;; loops++) {
    const char *qname = NULL;
    dns_rc rc = basic_lookup(ans, want, type, &qname);
    if (rc != DNS_SUCCEED) return rc;
    if (type == DNS_T_CNAME) {
      if (fqn) *fqn = qname;
      return rc;
    }
    /* Follow the CNAME chain inside this answer as far as it goes. */
    const char *owner = qname;
    for (int hops = 0; hops < 64; hops++) {
      const dns_record *r;
      for (r = (*ans)->answer; r; r = r->next)
        if (r->type == type && strcasecmp(r->name, owner) == 0) {
          if (fqn) *fqn = owner;
          return DNS_SUCCEED;
        }
      const dns_record *cname = NULL;
      for (r = (*ans)->answer; r; r = r->next)
        if (r->type == DNS_T_CNAME && strcasecmp(r->name, owner) == 0) cname = r;
      if (!cname) break;
      owner = cname->target;
    }
    if (strcasecmp(owner, qname) == 0) {
      /* Records of other types only: nothing for this type. */
      return DNS_NODATA;
    }
    if (loops >= mainconf.dns_cname_loops) {
      DEBUG(D_dns) debug_printf("CNAME chain for %s too long for dns_cname_loops\n", name);
      return DNS_FAIL;
    }
    want = owner;
  }
}

const dns_record *dns_first(const dns_record *list, int type) {
  for (; list; list = list->next)
    if (list->type == type) return list;
  return NULL;
}

const dns_record *dns_next(const dns_record *r, int type) {
  return r ? dns_first(r->next, type) : NULL;
}

int dns_txt_count(const dns_record *r) {
  int n = 0;
  for (size_t off = 0; off < r->rdlength; off += 1 + r->rdata[off]) n++;
  return n;
}

const char *dns_txt_string(const dns_record *r, int i) {
  for (size_t off = 0; off < r->rdlength; off += 1 + r->rdata[off])
    if (i-- == 0) {
      size_t n = r->rdata[off];
      char *s = store_get(n + 1, true);
      memcpy(s, r->rdata + off + 1, n);
      s[n] = 0;
      return s;
    }
  return NULL;
}

const char *dns_reverse_name(const char *ip) {
  ip_address a;
  if (!ip || !ip_parse(ip, false, &a, NULL)) return NULL;
  const char *rev = ip_format_reverse(&a);
  return str_copy_taint(str_sprintf("%s.%s", rev, a.family == 4 ? "in-addr.arpa" : "ip6.arpa"),
                        is_tainted(ip));
}

const char *dns_rc_name(dns_rc rc) {
  switch (rc) {
  case DNS_SUCCEED: return "DNS_SUCCEED";
  case DNS_NOMATCH: return "DNS_NOMATCH";
  case DNS_NODATA: return "DNS_NODATA";
  case DNS_AGAIN: return "DNS_AGAIN";
  default: return "DNS_FAIL";
  }
}

const char *dns_type_name(int type) {
  switch (type) {
  case DNS_T_A: return "A";
  case DNS_T_NS: return "NS";
  case DNS_T_CNAME: return "CNAME";
  case DNS_T_SOA: return "SOA";
  case DNS_T_PTR: return "PTR";
  case DNS_T_MX: return "MX";
  case DNS_T_TXT: return "TXT";
  case DNS_T_AAAA: return "AAAA";
  case DNS_T_SRV: return "SRV";
  case DNS_T_TLSA: return "TLSA";
  case DNS_T_SPF: return "SPF";
  case DNS_T_ZNS: return "ZNS";
  case DNS_T_CSA: return "CSA";
  case DNS_T_SOA_UP: return "SOA";
  default: return "?";
  }
}
