/* host_find.h - finding the hosts and IP addresses for one name (spec
 * 17 "dnslookup", 20.5-20.7 "bydns"/"byname"/"/MX", 15
 * "ignore_target_hosts", 13.8 local host detection): SRV, then MX, then
 * address records through src/dns; or the system's getaddrinfo() for
 * byname.  Shared by dnslookup, manualroute, queryprogram and (later) the
 * smtp transport.
 *
 * Entry points: host_find_bydns(), host_find_byname(), host_find_default(),
 * host_find_ignored(), host_random().
 * Must never: invent an address; keep an address that ignore_target_hosts
 * names; treat a temporary DNS failure as "no such host" (except where the
 * configuration says so: mx_fail_domains, srv_fail_domains,
 * dns_again_means_nonexist).
 */
#ifndef ROUTE_HOST_FIND_H
#define ROUTE_HOST_FIND_H

#include <stdbool.h>

#include "../deliver/addr.h"

/* Results (HOST_FOUND, HOST_FIND_FAILED, HOST_FIND_AGAIN are route.h's). */
enum { HOST_FOUND_LOCAL = 10, HOST_FIND_SECURITY = 11 };

/* What to look up and how (host_find_opts.flags). */
#define HF_SRV 0x001             /* SRV records first (srv_service) */
#define HF_MX 0x002              /* MX records, then address records */
#define HF_MX_ONLY 0x004         /* no address records when there is no MX (mx_domains) */
#define HF_QUALIFY_SINGLE 0x008  /* resolver RES_DEFNAMES */
#define HF_SEARCH_PARENTS 0x010  /* resolver RES_DNSRCH */
#define HF_IPV4_ONLY 0x020       /* A records only */
#define HF_IPV4_PREFER 0x040     /* A records before AAAA */
#define HF_DNSSEC_REQUEST 0x080  /* ask for DNSSEC */
#define HF_DNSSEC_REQUIRE 0x100  /* insist on authenticated answers */
#define HF_NO_LOCAL_CHECK 0x200  /* leave local hosts to the caller */

typedef struct host_find_opts {
  unsigned flags;
  const char *srv_service;          /* check_srv, expanded (HF_SRV) */
  const char *srv_fail_domains;     /* DNS errors for SRV count as "none" */
  const char *mx_fail_domains;      /* DNS errors for MX count as "none" */
  const char *ignore_target_hosts;  /* addresses dropped (expanded per address) */
  int port;                         /* port of the hosts made (PORT_NONE) */
} host_find_opts;

typedef struct host_find_result {
  host_item *hosts;       /* one item per address (unusable hosts have none) */
  const char *fqn;        /* the name as qualified by the resolver (no CNAMEs) */
  const char *message;    /* why it failed, or why the first host is local */
  bool from_mx;           /* the hosts came from MX or SRV records */
  bool local_removed;     /* this host (and lower preferences) was removed */
  bool secure;            /* every answer used was DNSSEC-authenticated */
} host_find_result;

/* The hosts for `name` from the DNS: SRV (HF_SRV), then MX (HF_MX), then
 * address records.  HOST_FOUND, HOST_FOUND_LOCAL (the first host is this
 * host: the caller applies "self"), HOST_FIND_FAILED (res->message may say
 * why), HOST_FIND_AGAIN, HOST_FIND_SECURITY (HF_DNSSEC_REQUIRE unmet). */
int host_find_bydns(const char *name, const host_find_opts *o, host_find_result *res);

/* The addresses of `name` from getaddrinfo() (IPv6 first unless
 * HF_IPV4_PREFER; only IPv4 with HF_IPV4_ONLY).  HOST_FOUND,
 * HOST_FOUND_LOCAL, HOST_FIND_FAILED, HOST_FIND_AGAIN. */
int host_find_byname(const char *name, const host_find_opts *o, host_find_result *res);

/* manualroute's default: the DNS, then getaddrinfo() when the DNS said the
 * name does not exist. */
int host_find_default(const char *name, const host_find_opts *o, host_find_result *res);

/* A random number below n (seeded once per process): the order of equal
 * MX preferences, SRV weights, hosts_randomize. */
long host_random(long n);

/* Whether ignore_target_hosts (`list`) names this address of `name`. */
bool host_find_ignored(const char *list, const char *name, const char *ip);

#endif
