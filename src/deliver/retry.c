/* retry.c - the "begin retry" section (spec chapter 32): parsing the rules,
 * finding the rule for a failing address/domain/host, error and sender,
 * and -brt (spec 5, -brt) which prints the rule found.
 *
 * Entry points (retry.h): retry_read_config() (called by readconf after
 * the sections are read; a bad rule is a configuration error with the
 * rule's file and line), retry_find_rule(), retry_parse_error(),
 * retry_format_rule(), retry_print_config(), retry_test_main().
 * The hints database side is retry_db.c.
 *
 * Must never: accept a rule it cannot apply (every malformed field is an
 * error), or match a rule that has a senders list when the sender is
 * unknown (NULL).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../config/option.h"
#include "../expand/match.h"
#include "retry.h"

static retry_rule *rules;

const retry_rule *retry_rules(void) { return rules; }

/* ---------------------------------------------------------------------
 * Error names (spec 32.5)
 * ------------------------------------------------------------------- */

/* rcpt_4xx / mail_4xx / data_4xx: more_errno holds the code with its
 * wildcard digits marked ("4xx": any, "45x": second digit only). */
#define SMTP4XX_WILD2 0x1000
#define SMTP4XX_WILD3 0x2000

static const char *parse_4xx(const char *name, const char *prefix, int *more) {
  const char *d = name + strlen(prefix);  /* after "rcpt_4" */
  if (strlen(d) != 2 || !((d[0] == 'x' && d[1] == 'x') || (isdigit((unsigned char)d[0]) &&
                                                         (d[1] == 'x' || isdigit((unsigned char)d[1])))))
    return str_sprintf("%s must be followed by xx, dx, or dd, where x is literal and d is any digit",
                       prefix);
  if (d[0] == 'x') *more = 400 | SMTP4XX_WILD2 | SMTP4XX_WILD3;
  else if (d[1] == 'x') *more = (400 + (d[0] - '0') * 10) | SMTP4XX_WILD3;
  else *more = 400 + (d[0] - '0') * 10 + (d[1] - '0');
  return NULL;
}

/* "_A" / "_MX" qualifiers (caseless, as Exim accepts "timeout_mx"). */
static int host_qualifier(const char *s) {
  if (str_eqic(s, "A")) return RTEF_A;
  if (str_eqic(s, "MX")) return RTEF_MX;
  return -1;
}

const char *retry_parse_error(const char *name, int *basic, int *more) {
  *basic = *more = 0;
  if (strcmp(name, "*") == 0) return NULL;
  if (strncmp(name, "quota", 5) == 0 && (name[5] == 0 || name[5] == '_')) {
    *basic = ERRNO_EXIMQUOTA;
    if (name[5] == '_') {
      int t;
      if (option_parse_time(name + 6, &t) || t <= 0) return "bad time value";
      *more = t;
    }
    return NULL;
  }
  if (strncmp(name, "refused", 7) == 0 && (name[7] == 0 || name[7] == '_')) {
    *basic = ECONNREFUSED;
    if (name[7] == '_' && (*more = host_qualifier(name + 8)) < 0)
      return "A or MX expected after \"refused\"";
    return NULL;
  }
  if (strncmp(name, "timeout", 7) == 0 && (name[7] == 0 || name[7] == '_')) {
    *basic = ETIMEDOUT;
    if (name[7] == 0) return NULL;
    const char *q = name + 8;
    if (strncmp(q, "connect", 7) == 0 && (q[7] == 0 || q[7] == '_')) {
      *more = RTEF_CTOUT;
      if (q[7] == 0) return NULL;
      q += 8;
    }
    int h = host_qualifier(q);
    if (h < 0) return "\"A\", \"MX\", or \"connect\" expected after \"timeout\"";
    *more |= h;
    return NULL;
  }
  static const struct { const char *name; int basic; } simple[] = {
    {"auth_failed", ERRNO_AUTHFAIL},       {"lost_connection", ERRNO_SMTPCLOSED},
    {"lookup", ERRNO_UNKNOWNHOST},         {"tls_required", ERRNO_TLSREQUIRED}};
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
    if (strcmp(name, simple[i].name) == 0) {
      *basic = simple[i].basic;
      return NULL;
    }
  static const struct { const char *prefix; int basic; } smtp[] = {
    {"rcpt_4", ERRNO_RCPT4XX}, {"mail_4", ERRNO_MAIL4XX}, {"data_4", ERRNO_DATA4XX}};
  for (size_t i = 0; i < sizeof smtp / sizeof smtp[0]; i++)
    if (strncmp(name, smtp[i].prefix, 6) == 0) {
      *basic = smtp[i].basic;
      return parse_4xx(name, smtp[i].prefix, more);
    }
  return str_sprintf("unknown or malformed retry error \"%s\"", name);
}

/* The error field as -brt shows it: the connection and quota errors by
 * name, every other kind (and "any") as "*", as exim 4.96 prints them. */
static const char *error_display(const retry_rule *r) {
  gstring *g = NULL;
  switch (r->basic_errno) {
  case ERRNO_EXIMQUOTA:
    g = g_cat(g, "quota");
    if (r->more_errno > 0) g = g_fmt(g, "_%s", option_format_time(r->more_errno));
    break;
  case ECONNREFUSED:
    g = g_cat(g, "refused");
    if (r->more_errno & RTEF_MX) g = g_cat(g, "_MX");
    else if (r->more_errno & RTEF_A) g = g_cat(g, "_A");
    break;
  case ETIMEDOUT:
    g = g_cat(g, "timeout");
    if (r->more_errno & RTEF_CTOUT) g = g_cat(g, "_connect");
    if (r->more_errno & RTEF_MX) g = g_cat(g, "_MX");
    else if (r->more_errno & RTEF_A) g = g_cat(g, "_A");
    break;
  case ERRNO_AUTHFAIL: return "auth_failed";
  default: return "*";
  }
  return g_str(g);
}

/* Does a rule's error (rb, rm) cover the error that happened (b, m)? */
static bool error_matches(int rb, int rm, int b, int m) {
  if (rb == 0) return true;
  if (rb == ERRNO_EXIMQUOTA) {
    if (b != ERRNO_EXIMQUOTA && b != ENOSPC) return false;
    return rm == 0 || m >= rm;
  }
  /* "lookup": a host's lookup failed or deferred */
  if (rb == ERRNO_UNKNOWNHOST) return b == ERRNO_UNKNOWNHOST || b == ERRNO_DNSDEFER;
  if (rb != b) return false;
  switch (rb) {
  case ECONNREFUSED:
  case ETIMEDOUT: return (rm & m) == rm;
  case ERRNO_RCPT4XX:
  case ERRNO_MAIL4XX:
  case ERRNO_DATA4XX: {
    if (rm & SMTP4XX_WILD2) return true;
    int code = m & 0xfff;
    if (rm & SMTP4XX_WILD3) return (code / 10) % 10 == ((rm & 0xfff) / 10) % 10;
    return code == (rm & 0xfff);
  }
  default: return true;
  }
}

/* ---------------------------------------------------------------------
 * Parsing a rule
 * ------------------------------------------------------------------- */

/* A field: "quoted" (backslash escapes) or up to white space. */
static char *read_field(const char **pp, bool quotable) {
  const char *p = str_skip_space(*pp);
  gstring *g = g_new(32, false);
  if (quotable && *p == '"') {
    p++;
    while (*p && *p != '"') {
      if (*p == '\\') {
        p++;
        g = g_catc(g, (char)str_escape(&p));
      } else g = g_catc(g, *p++);
    }
    if (*p == '"') p++;
  } else {
    while (*p && !isspace((unsigned char)*p)) g = g_catc(g, *p++);
  }
  *pp = p;
  return g_str(g);
}

/* One parameter value: up to ',', ';', white space or the end. */
static char *read_value(const char **pp) {
  const char *p = *pp, *s = p;
  while (*p && *p != ',' && *p != ';' && !isspace((unsigned char)*p)) p++;
  *pp = p;
  return str_copyn(s, (size_t)(p - s));
}

static bool parse_time_value(const char *v, int *t) {
  return v[0] && isdigit((unsigned char)v[0]) && !option_parse_time(v, t) && *t > 0;
}

/* A multiplier in thousandths, as Exim keeps it ("1.0005" is 1.0). */
static bool parse_multiplier(const char *v, double *out) {
  if (!isdigit((unsigned char)*v)) return false;
  long whole = 0, frac = 0;
  int digits = 0;
  for (; isdigit((unsigned char)*v); v++) {
    whole = whole * 10 + (*v - '0');
    if (whole > 1000000) return false;
  }
  if (*v == '.')
    for (v++; isdigit((unsigned char)*v); v++)
      if (digits < 3) {
        frac = frac * 10 + (*v - '0');
        digits++;
      }
  if (*v) return false;
  while (digits++ < 3) frac *= 10;
  long fixed = whole * 1000 + frac;
  if (fixed < 1000) return false;
  *out = (double)fixed / 1000.0;
  return true;
}

/* The parameter sets; NULL or the error text. */
static const char *parse_params(const char *p, retry_rule *r) {
  int cap = 4;
  r->params = store_get(sizeof(retry_param) * (size_t)cap, false);
  r->nparams = 0;
  const char *bad = "bad parameters for retry rule";
  p = str_skip_space(p);
  while (*p) {
    retry_param rp = {0};
    rp.algorithm = (char)toupper((unsigned char)*p++);
    if (*p++ != ',') return "comma expected";
    if (rp.algorithm != 'F' && rp.algorithm != 'G' && rp.algorithm != 'H')
      return "unknown retry rule letter";
    int nvalues = rp.algorithm == 'F' ? 2 : 3;
    for (int i = 0; i < nvalues; i++) {
      if (i > 0 && *p++ != ',') return "comma expected";
      if (*p == '-') return "comma or semicolon expected";
      char *v = read_value(&p);
      if (i == 0 && !parse_time_value(v, &rp.until)) return bad;
      if (i == 1 && !parse_time_value(v, &rp.p1)) return bad;
      if (i == 2 && !parse_multiplier(v, &rp.p2)) return bad;
    }
    if (rp.algorithm == 'F') rp.p2 = 1.0;
    if (r->nparams == cap) {
      retry_param *n = store_get(sizeof(retry_param) * (size_t)cap * 2, false);
      memcpy(n, r->params, sizeof(retry_param) * (size_t)cap);
      r->params = n;
      cap *= 2;
    }
    r->params[r->nparams++] = rp;
    p = str_skip_space(p);
    if (*p == ';') p = str_skip_space(p + 1);
    else if (*p) return "semicolon expected";
  }
  return NULL;
}

/* Parse one rule line; NULL with *error on failure. */
static retry_rule *parse_rule(const char *line, const char **error) {
  retry_rule *r = store_get(sizeof *r, false);
  memset(r, 0, sizeof *r);
  const char *p = line;
  r->pattern = read_field(&p, true);
  p = str_skip_space(p);
  if (!*p) {
    *error = "missing error type in retry rule";
    return NULL;
  }
  r->error_name = read_field(&p, false);
  if ((*error = retry_parse_error(r->error_name, &r->basic_errno, &r->more_errno))) return NULL;
  p = str_skip_space(p);
  if (strncmp(p, "senders", 7) == 0) {
    p += 7;
    if (*p != '=') {
      *error = "\"=\" expected after \"senders\" in retry rule";
      return NULL;
    }
    p++;
    r->senders = read_field(&p, true);
  }
  if ((*error = parse_params(p, r))) return NULL;
  return r;
}

void retry_read_config(void) {
  store_pool old = store_pool_set(POOL_PERM);
  retry_rule **tail = &rules;
  rules = NULL;
  for (config_line *cl = config.retry_lines; cl; cl = cl->next) {
    const char *error;
    retry_rule *r = parse_rule(cl->text, &error);
    if (!r) config_error_at(cl->file, cl->line, "%s", error);
    r->file = cl->file;
    r->line = cl->line;
    *tail = r;
    tail = &r->next;
  }
  store_pool_set(old);
}

/* ---------------------------------------------------------------------
 * Finding a rule
 * ------------------------------------------------------------------- */

/* The pattern is a one-item address list; a key without a local part is
 * tested as "*@domain" (a domain pattern or "*@..." matches it, a regex
 * sees the local part as "*"). */
static bool pattern_matches(const char *pattern, const char *key) {
  if (!key) return false;
  const char *subject = strchr(key, '@') ? key : str_sprintf("*@%s", key);
  const char *err = NULL;
  return match_address_list(subject, pattern, true, NULL, &err) == MATCH_YES;
}

const retry_rule *retry_find_rule(const char *key, const char *domain, int basic_errno,
                                  int more_errno, const char *sender) {
  for (const retry_rule *r = rules; r; r = r->next) {
    if (!pattern_matches(r->pattern, key) && !pattern_matches(r->pattern, domain)) continue;
    if (!error_matches(r->basic_errno, r->more_errno, basic_errno, more_errno)) continue;
    if (r->senders) {
      const char *err = NULL;
      if (!sender || match_address_list(sender, r->senders, true, NULL, &err) != MATCH_YES) continue;
    }
    return r;
  }
  return NULL;
}

/* ---------------------------------------------------------------------
 * Printing: -brt and -bP-style listing
 * ------------------------------------------------------------------- */

/* "1.5", "2.0", "1.125": thousandths without trailing zeros, one digit at
 * least. */
static char *format_multiplier(double m) {
  long fixed = (long)(m * 1000.0 + 0.5);
  char frac[8];
  snprintf(frac, sizeof frac, "%03ld", fixed % 1000);
  for (int i = 2; i > 0 && frac[i] == '0'; i--) frac[i] = 0;
  return str_sprintf("%ld.%s", fixed / 1000, frac);
}

char *retry_format_rule(const retry_rule *r) {
  gstring *g = g_fmt(NULL, "%s  %s  ", r->pattern, error_display(r));
  for (int i = 0; i < r->nparams; i++) {
    const retry_param *p = &r->params[i];
    g = g_fmt(g, "%c,%s,", p->algorithm, option_format_time(p->until));
    g = g_cat(g, option_format_time(p->p1));
    /* exim 4.96 shows the multiplier of G sets only */
    if (p->algorithm == 'G') g = g_fmt(g, ",%s", format_multiplier(p->p2));
    g = g_cat(g, "; ");
  }
  return g_str(g);
}

void retry_print_config(void) {
  for (const retry_rule *r = rules; r; r = r->next) printf("%s\n", retry_format_rule(r));
}

int retry_test_main(int argc, char **argv, const char *sender) {
  if (argc < 1) {
    fprintf(stderr, "-brt needs a domain or address argument\n");
    return EXIT_FAILURE;
  }
  const char *key = argv[0];
  const char *alternate = NULL;
  int basic = 0, more = 0;
  if (!strchr(key, '@') && !strchr(key, '.'))
    printf("Warning: \"%s\" contains no '@' and no '.' characters. It is being \n"
           "treated as a one-component domain, not as a local part.\n\n", key);
  int i = 1;
  if (i < argc && i < 3 && strchr(argv[i], '.')) alternate = argv[i++];
  if (i < argc && i < 3) {
    const char *err = retry_parse_error(argv[i], &basic, &more);
    if (err) {
      printf("%s\n", err);
      return EXIT_FAILURE;
    }
  }
  const retry_rule *r = retry_find_rule(str_lc(key), alternate ? str_lc(alternate) : NULL, basic,
                                        more, sender);
  if (r) printf("Retry rule: %s\n", retry_format_rule(r));
  else printf("No retry information found\n");
  return EXIT_SUCCESS;
}
