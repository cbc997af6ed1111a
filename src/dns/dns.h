/* dns.h - the DNS resolver layer: queries through the system resolver
 * (libresolv), answers decoded into records, CNAME chains followed, the
 * main options dns_* applied, and a per-process cache.
 *
 * Every name and datum that came from the DNS is tainted.  Records point
 * into memory owned by the answer; answers live in POOL_PERM (they are the
 * cache), so callers may keep them for the life of the process.
 *
 * Users: the dnslookup router and host finding (src/route/), the dnsdb
 * lookup, dnslists, host name lookups and CSA (src/acl/, src/smtp/).
 */
#ifndef DNS_DNS_H
#define DNS_DNS_H

#include <stdbool.h>
#include <stddef.h>

/* Outcome of a lookup. */
typedef enum {
  DNS_SUCCEED,  /* records of the type were found */
  DNS_NOMATCH,  /* the name does not exist (NXDOMAIN), or failed dns_check_names_pattern */
  DNS_NODATA,   /* the name exists but has no records of that type */
  DNS_AGAIN,    /* temporary failure (SERVFAIL, timeout) */
  DNS_FAIL      /* permanent failure of another kind (bad reply, REFUSED) */
} dns_rc;

/* Record types, by their wire numbers (RFC 1035 and later). */
enum {
  DNS_T_A = 1,
  DNS_T_NS = 2,
  DNS_T_CNAME = 5,
  DNS_T_SOA = 6,
  DNS_T_PTR = 12,
  DNS_T_MX = 15,
  DNS_T_TXT = 16,
  DNS_T_AAAA = 28,
  DNS_T_SRV = 33,
  DNS_T_TLSA = 52,
  DNS_T_SPF = 99,
  /* Pseudo types for dns_special_lookup (never sent on the wire). */
  DNS_T_ZNS = 65536 + 1,  /* NS of the name or its nearest parent that has some */
  DNS_T_CSA = 65536 + 2,  /* SRV _client._smtp.<name>, CSA parent search (spec 44.52) */
  DNS_T_SOA_UP = 65536 + 3 /* SOA of the name or its nearest parent (dnsdb soa=) */
};

/* One resource record, decoded.  Fields not used by a type are zero/NULL. */
typedef struct dns_record {
  struct dns_record *next;
  const char *name;          /* owner name, no trailing dot */
  int type;
  unsigned ttl;
  /* A/AAAA: the address as text.  CNAME/PTR/NS: the target name.
   * MX: the exchange.  SRV: the target.  SOA: the primary server (mname). */
  const char *target;
  int pref;                  /* MX preference; SRV priority */
  int weight, port;          /* SRV */
  const char *rname;         /* SOA responsible mailbox, as a name */
  unsigned long soa[5];      /* SOA serial refresh retry expire minimum */
  /* The record's data exactly as on the wire (TXT strings, TLSA bytes). */
  const unsigned char *rdata;
  size_t rdlength;
} dns_record;

/* An answer to one query. */
typedef struct dns_answer {
  dns_record *answer;        /* answer section, in the server's order */
  dns_record *additional;    /* additional section (MX/SRV glue) */
  dns_record *authority;     /* authority section (SOA of a negative answer) */
  bool authenticated;        /* AD bit set, or AA from a dns_trust_aa domain */
  bool authoritative;        /* AA bit set */
  int rcode;                 /* the header's RCODE */
  unsigned min_ttl;          /* smallest TTL in the answer (cache lifetime) */
} dns_answer;

/* Apply resolver settings for the lookups that follow: qualify_single
 * (RES_DEFNAMES), search_parents (RES_DNSRCH), and whether to ask for
 * DNSSEC (the DO bit) besides what dns_dnssec_ok says.  The main options
 * dns_retrans, dns_retry, dns_use_edns0 and dns_dnssec_ok are read each
 * time.  Cheap: call before each logical lookup. */
void dns_init(bool qualify_single, bool search_parents, bool use_dnssec);

/* Per-lookup overrides used by the dnsdb modifiers retrans_ and retry_
 * (0 means "the main option"). */
void dns_set_timeouts(int retrans_seconds, int retry_count);

/* Look `name` up for records of `type` (a wire type), following CNAME
 * chains up to dns_cname_loops deep.  On DNS_SUCCEED *ans holds the final
 * answer and, when fqn is not NULL, *fqn the name the records belong to
 * (after CNAMEs and qualification).  On other results *ans may hold the
 * negative answer (authority section).  Applies dns_check_names_pattern
 * (not to PTR names), dns_again_means_nonexist and dns_trust_aa. */
dns_rc dns_lookup(dns_answer **ans, const char *name, int type, const char **fqn);

/* The pseudo types above, and ordinary types (passed to dns_lookup). */
dns_rc dns_special_lookup(dns_answer **ans, const char *name, int type, const char **fqn);

/* Records of `type` in a list (answer or additional section), in order:
 * for (r = dns_first(a->answer, T); r; r = dns_next(r, T)). */
const dns_record *dns_first(const dns_record *list, int type);
const dns_record *dns_next(const dns_record *r, int type);

/* The character-strings of a TXT/SPF record: count them, or copy the
 * i-th (0-based) into a new tainted string.  NULL when i is out of range. */
int dns_txt_count(const dns_record *r);
const char *dns_txt_string(const dns_record *r, int i);

/* "4.3.2.1.in-addr.arpa" or the ip6.arpa nibble form for an IP address
 * in text form; NULL if `ip` is not an address. */
const char *dns_reverse_name(const char *ip);

/* Text of a result code for debug output ("DNS_SUCCEED" ...). */
const char *dns_rc_name(dns_rc rc);

/* A readable name of a wire type ("MX"), for messages. */
const char *dns_type_name(int type);

/* Forget every cached answer (tests, and -bh/-bt between lookups that
 * must not see each other's results). */
void dns_cache_flush(void);

#endif
