/* dnsdb.c - the dnsdb lookup (spec 9.10-9.13): the DNS as a query-style
 * database.  A query is
 *
 *   [>S[,F|;]] [modifier,]... [type=]domain-list
 *
 * S separates records and list items (newline by default), F fields of
 * one record (";" concatenates them); modifiers are defer_strict|lax|never,
 * dnssec_strict|lax|never, retrans_<time>, retry_<count>; types are a,
 * aaaa, a+, cname, csa, mx, mxh, ns, zns, ptr, soa, spf, srv, tlsa, txt
 * (the default).  PTR items that are IP addresses are inverted; a PTR
 * query that is exactly one IPv6 address is not split at its colons.
 * $lookup_dnssec_authenticated is set to "yes"/"no" (empty under
 * dnssec_never).
 *
 * Entry point: lookup_dnsdb (lookup_info).
 * Must never: report "not found" for a temporary DNS error under
 * defer_strict, or return data from a record it could not decode.
 */
#include <ctype.h>
#include <string.h>

#include "lookup.h"
#include "../base/ip.h"
#include "../base/list.h"
#include "../base/log.h"
#include "../base/str.h"
#include "../config/option.h"
#include "../dns/dns.h"
#include "../expand/variables.h"

enum { DEFER_STRICT, DEFER_LAX, DEFER_NEVER };
enum { DNSSEC_STRICT, DNSSEC_LAX, DNSSEC_NEVER };

/* Query types: wire types, the dns.h pseudo types, and two of our own. */
#define T_MXH (-1)
#define T_APLUS (-2)

static const struct {
  const char *name;
  int type;
} types[] = {
  {"a", DNS_T_A},       {"a+", T_APLUS},      {"aaaa", DNS_T_AAAA}, {"cname", DNS_T_CNAME},
  {"csa", DNS_T_CSA},   {"mx", DNS_T_MX},     {"mxh", T_MXH},       {"ns", DNS_T_NS},
  {"ptr", DNS_T_PTR},   {"soa", DNS_T_SOA_UP}, {"spf", DNS_T_SPF},  {"srv", DNS_T_SRV},
  {"tlsa", DNS_T_TLSA}, {"txt", DNS_T_TXT},   {"zns", DNS_T_ZNS},
};

typedef struct query {
  char sep;             /* between records and items */
  bool have_fsep;       /* a field separator was given */
  const char *fsep;     /* "" when ';' asked for concatenation */
  int defer, dnssec, retrans, retry;
  int type;
  const char *list;
} query;

static void *dnsdb_open(const char *filename, const char **error) {
  (void)filename;
  (void)error;
  return (void *)"dnsdb";
}

static void dnsdb_close(void *handle) { (void)handle; }

/* Parse the part before the domain list; NULL or the error text. */
static const char *parse_query(const char *s, query *q) {
  memset(q, 0, sizeof *q);
  q->sep = '\n';
  q->defer = DEFER_LAX;
  q->dnssec = DNSSEC_LAX;
  q->type = DNS_T_TXT;
  s = str_skip_space(s);
  if (*s == '>') {
    if (s[1]) q->sep = s[1], s += 2;
    else s++;
    if (*s == ',' && s[1]) {
      q->have_fsep = true;
      q->fsep = str_copyn(s + 1, 1);
      s += 2;
    } else if (*s == ';') {
      q->have_fsep = true;
      q->fsep = "";
      s++;
    }
    s = str_skip_space(s);
  }
  for (;;) {
    const char *comma = strchr(s, ',');
    if (!comma) break;
    const char *word = str_copyn(s, (size_t)(comma - s));
    if (str_ncmpic(word, "defer_", 6) == 0) {
      const char *v = word + 6;
      if (str_eqic(v, "strict")) q->defer = DEFER_STRICT;
      else if (str_eqic(v, "lax")) q->defer = DEFER_LAX;
      else if (str_eqic(v, "never")) q->defer = DEFER_NEVER;
      else return "unsupported dnsdb defer behaviour";
    } else if (str_ncmpic(word, "dnssec_", 7) == 0) {
      const char *v = word + 7;
      if (str_eqic(v, "strict")) q->dnssec = DNSSEC_STRICT;
      else if (str_eqic(v, "lax")) q->dnssec = DNSSEC_LAX;
      else if (str_eqic(v, "never")) q->dnssec = DNSSEC_NEVER;
      else return "unsupported dnsdb dnssec behaviour";
    } else if (str_ncmpic(word, "retrans_", 8) == 0) {
      if (option_parse_time(word + 8, &q->retrans) || q->retrans <= 0)
        return "dnsdb retrans value must be a positive time";
    } else if (str_ncmpic(word, "retry_", 6) == 0) {
      long long n;
      if (!isdigit((unsigned char)word[6])) return "dnsdb retry count must be a number";
      n = 0;
      for (const char *p = word + 6; *p; p++) {
        if (!isdigit((unsigned char)*p) || n > 1000) return "dnsdb retry count must be a number";
        n = n * 10 + (*p - '0');
      }
      q->retry = (int)n;
    } else {
      break;
    }
    s = str_skip_space(comma + 1);
  }
  /* "type=" when the text before the first '=' is one word */
  const char *eq = strchr(s, '=');
  if (eq) {
    const char *e = eq;
    while (e > s && isspace((unsigned char)e[-1])) e--;
    bool word = e > s;
    for (const char *p = s; p < e; p++)
      if (!isalnum((unsigned char)*p) && *p != '+') word = false;
    if (word) {
      const char *t = str_copyn(s, (size_t)(e - s));
      size_t i;
      for (i = 0; i < sizeof types / sizeof types[0]; i++)
        if (str_eqic(t, types[i].name)) break;
      if (i == sizeof types / sizeof types[0]) return "unsupported DNS record type";
      q->type = types[i].type;
      s = str_skip_space(eq + 1);
    }
  }
  q->list = s;
  return NULL;
}

static gstring *add_sep(gstring *g, char sep) {
  return g && g->len ? g_catc(g, sep) : g;
}

/* A TXT/SPF record: its first string, or all joined by fsep. */
static gstring *txt_data(gstring *g, const dns_record *r, const query *q, bool spf) {
  int n = dns_txt_count(r);
  bool all = q->have_fsep || spf;
  const char *fsep = q->have_fsep ? q->fsep : "";
  for (int i = 0; i < (all ? n : (n > 0 ? 1 : 0)); i++) {
    if (i) g = g_cat(g, fsep);
    g = g_cat(g, dns_txt_string(r, i));
  }
  return g;
}

static const char *target_text(const char *t) {
  return t && strcmp(t, ".") != 0 ? t : "";
}

/* One record's data appended to g; *skip when the record gives none. */
static gstring *record_data(gstring *g, const dns_record *r, const query *q, const char *domain,
                            const char *fqn, bool *skip) {
  const char *fs = q->have_fsep ? q->fsep : " ";
  *skip = false;
  switch (q->type) {
  case DNS_T_TXT: return txt_data(g, r, q, false);
  case DNS_T_SPF: return txt_data(g, r, q, true);
  case T_MXH: return g_cat(g, target_text(r->target));
  case DNS_T_MX: return g_cat(g_cat(g_fmt(g, "%d", r->pref), fs), target_text(r->target));
  case DNS_T_SRV:
    return g_cat(g_fmt(g, "%d%s%d%s%d%s", r->pref, fs, r->weight, fs, r->port, fs),
                 target_text(r->target));
  case DNS_T_SOA_UP:
    if (!q->have_fsep) return g_cat(g, target_text(r->target));
    return g_fmt(g, "%s%s%s%s%lu%s%lu%s%lu%s%lu%s%lu", target_text(r->target), fs,
                 target_text(r->rname), fs, r->soa[0], fs, r->soa[1], fs, r->soa[2], fs, r->soa[3],
                 fs, r->soa[4]);
  case DNS_T_TLSA: {
    if (r->rdlength < 3) {
      *skip = true;
      return g;
    }
    g = g_fmt(g, "%d%s%d%s%d%s", r->rdata[0], fs, r->rdata[1], fs, r->rdata[2], fs);
    for (size_t i = 3; i < r->rdlength; i++) g = g_fmt(g, "%02x", r->rdata[i]);
    return g;
  }
  case DNS_T_CSA: {
    /* Version 1 only.  The name's own record: weight 0-1 no, 2 yes,
     * 3 unknown; a parent's: port bit 0 asks for explicit authorization. */
    if (r->pref != 1) {
      *skip = true;
      return g;
    }
    char code;
    if (str_eqic(fqn, str_sprintf("_client._smtp.%s", domain)))
      code = r->weight < 2 ? 'N' : r->weight == 2 ? 'Y' : r->weight == 3 ? '?' : 0;
    else
      code = r->port & 1 ? 'X' : '?';
    if (!code) {
      *skip = true;
      return g;
    }
    return g_cat(g_fmt(g, "%c ", code), target_text(r->target));
  }
  default: return g_cat(g, target_text(r->target));
  }
}

/* One lookup of one item; adds the records' data to *g.  Returns the
 * DNS outcome after dnssec_strict's rule. */
static dns_rc one_lookup(gstring **g, const char *domain, int type, const query *q,
                         bool *authenticated) {
  dns_answer *ans = NULL;
  const char *fqn = NULL;
  int wire = type == DNS_T_ZNS ? DNS_T_NS : type == DNS_T_SOA_UP ? DNS_T_SOA
             : type == DNS_T_CSA ? DNS_T_SRV : type == T_MXH ? DNS_T_MX : type;
  dns_rc rc = dns_special_lookup(&ans, domain, type == T_MXH ? DNS_T_MX : type, &fqn);
  if (rc != DNS_SUCCEED) {
    /* a negative answer counts as authenticated when the reply was */
    if (!ans || !ans->authenticated) *authenticated = false;
    return rc;
  }
  if (!ans->authenticated) {
    *authenticated = false;
    if (q->dnssec == DNSSEC_STRICT) return DNS_AGAIN;
  }
  query qq = *q;
  qq.type = type;
  for (const dns_record *r = dns_first(ans->answer, wire); r; r = dns_next(r, wire)) {
    if (fqn && !str_eqic(r->name, fqn)) continue;   /* (CNAME chain members) */
    bool skip;
    size_t mark = *g ? (*g)->len : 0;
    *g = record_data(add_sep(*g, q->sep), r, &qq, domain, fqn, &skip);
    if (skip && *g) g_trim(*g, mark);   /* no data: no separator either */
  }
  return rc;
}

static lookup_rc dnsdb_find(void *handle, const char *filename, const char *key, size_t keylen,
                            const char **result, const char **error, bool *do_cache,
                            const char *opts) {
  (void)handle;
  (void)filename;
  (void)keylen;
  (void)opts;
  query q;
  const char *err = parse_query(key, &q);
  if (err) {
    *error = err;
    return LOOKUP_DEFER;
  }
  dns_set_timeouts(q.retrans, q.retry);
  dns_init(false, false, q.dnssec != DNSSEC_NEVER);

  /* One IPv6 address as a PTR query is not a list. */
  bool single = q.type == DNS_T_PTR && *q.list != '<' && ip_is_address(q.list, NULL) == 6;
  gstring *g = NULL;
  bool found = false, deferred = false, authenticated = true;
  lookup_rc rc = LOOKUP_NOTFOUND;
  const char *lp = q.list;
  int sep = 0;
  const char *item;
  while ((item = single ? lp : list_next(&lp, &sep)) != NULL) {
    if (single) lp = NULL;
    if (!*item) continue;
    const char *domain = item;
    if (q.type == DNS_T_PTR) {
      const char *rev = ip_is_address(item, NULL) ? dns_reverse_name(item) : NULL;
      if (rev) domain = rev;
    }
    int steps[2] = {q.type, 0};
    if (q.type == T_APLUS) steps[0] = DNS_T_AAAA, steps[1] = DNS_T_A;
    for (int s = 0; s < 2 && steps[s]; s++) {
      dns_rc r = one_lookup(&g, domain, steps[s], &q, &authenticated);
      if (r == DNS_SUCCEED) {
        found = true;
      } else if (r == DNS_AGAIN) {
        if (q.defer == DEFER_STRICT) {
          dns_set_timeouts(0, 0);
          *error = "";
          return LOOKUP_DEFER;
        }
        if (q.defer == DEFER_LAX) deferred = true;
      }
    }
  }
  dns_set_timeouts(0, 0);
  expand_var_set("lookup_dnssec_authenticated",
                 q.dnssec == DNSSEC_NEVER ? "" : authenticated ? "yes" : "no");
  if (found) {
    *result = g ? g_str(g) : "";
    rc = LOOKUP_FOUND;
  } else if (deferred) {
    *error = "";
    rc = LOOKUP_DEFER;
  }
  /* The answers' TTLs bound the DNS layer's own cache; results that
   * depend on the moment's DNS state are not kept beyond it. */
  *do_cache = false;
  return rc;
}

const lookup_info lookup_dnsdb = {
  .name = "dnsdb", .style = LOOKUP_QUERY, .open = dnsdb_open, .find = dnsdb_find,
  .close = dnsdb_close,
};
