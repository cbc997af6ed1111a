/* rewrite_header.c - rewriting the addresses in header lines (spec 31.2,
 * 31.8, 31.10 "w"): one header's text, the headers received with a message
 * (together with the qualification of spec 48.3), and a transport's
 * headers_rewrite on one header.
 *
 * Entry points: rewrite_header_flag(), rewrite_header_text(),
 * rewrite_headers_received(), rewrite_header_list(), rewrite_one_header().
 * Must never: remove a header (a changed one stays, marked '*'), or touch
 * anything outside the address spans it rewrites.
 */
#include "rewrite.h"

#include <string.h>

#include "../base/address.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"

int rewrite_header_flag(char type) {
  switch (type) {
  case 'F': return RW_f;
  case 'T': return RW_t;
  case 'C': return RW_c;
  case 'B': return RW_b;
  case 'R': return RW_r;
  case 'S': return RW_s;
  default: return 0;
  }
}

/* The type letter of a header by its name (with or without "Resent-"). */
static char type_of(const char *text) {
  static const struct { const char *name; char type; } names[] = {
    {"bcc", 'B'}, {"cc", 'C'}, {"from", 'F'}, {"reply-to", 'R'}, {"sender", 'S'}, {"to", 'T'},
  };
  size_t n = strcspn(text, ": \t");
  if (n > 7 && str_ncmpic(text, "resent-", 7) == 0) {
    text += 7;
    n -= 7;
  }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i].name) == n && str_ncmpic(text, names[i].name, n) == 0) return names[i].type;
  return ' ';
}

/* Column at which a line of a rewritten header is broken after a changed
 * address that another follows (measured from exim4: a line reaching
 * column 40 with the comma is continued on a new line). */
#define REFOLD_COLUMN 40

/* After a rewritten item ending at item_end in value (the output g holds
 * value up to `done`): when a comma and another item follow on the same
 * line and the output line would reach REFOLD_COLUMN with the comma, copy
 * the comma and its white space and start a continuation line, as exim4
 * does.  Returns the new `done`. */
static size_t refold_after(gstring **g, const char *value, size_t done, size_t item_end) {
  const char *comma = value + item_end;
  while (*comma == ' ' || *comma == '\t') comma++;
  if (*comma != ',') return done;
  const char *next = comma + 1;
  while (*next == ' ' || *next == '\t') next++;
  if (!*next || *next == '\n' || *next == '\r') return done;
  const char *out = g_str(*g);
  const char *nl = strrchr(out, '\n');
  size_t column = strlen(nl ? nl + 1 : out) + (size_t)(comma - (value + done)) + 1;
  if (column < REFOLD_COLUMN) return done;
  *g = g_catn(*g, value + done, (size_t)(next - (value + done)));
  *g = g_cat(*g, "\n\t");
  return (size_t)(next - value);
}

char *rewrite_header_text(const char *text, int flag, const rewrite_rule *rules,
                          const char *qualify) {
  const char *colon = strchr(text, ':');
  if (!colon) return NULL;
  const char *value = colon + 1;
  const char *rq = rewrite_qualify_recipient();
  address_walk w;
  address_item it;
  address_walk_init(&w, value);
  gstring *g = NULL;
  size_t done = 0;
  while (address_walk_next(&w, &it)) {
    if (!it.address || !*it.address) continue;
    const char *a = it.address;
    bool changed = false;
    if (!it.domain || !strchr(a, '@')) {
      /* Unqualified: qualified when allowed, else neither qualified nor
       * rewritten (spec 31). */
      if (!qualify || strchr(a, '@')) continue;
      a = address_qualify(a, qualify);
      changed = true;
    }
    const char *whole = NULL;
    const char *n = rules ? rewrite_address_full(a, flag, rules, rq, &whole) : a;
    if (n != a) changed = true;
    if (!changed) continue;
    /* Replace the working part (inside the angle brackets, or the
     * addr-spec), or for a w rule the whole item as written. */
    size_t from = it.start, to = it.end;
    if (whole) {
      from = it.offset;
      to = it.offset + strlen(it.text);
    }
    if (from < done || to < from) continue;
    if (!g) g = g_catn(g_new(strlen(text) + 64, is_tainted(text)), text, (size_t)(value - text));
    g = g_catn(g, value + done, from - done);
    g = g_cat(g, whole ? whole : n);
    done = to;
    done = refold_after(&g, value, done, it.offset + strlen(it.text));
  }
  if (!g) return NULL;
  g = g_cat(g, value + done);
  return g_str(g);
}

/* Mark h deleted and put text right after it with h's type; returns the
 * new header. */
static spool_header *replace_after(spool_header *h, char *text) {
  spool_header *n = store_get(sizeof *n, is_tainted(text));
  n->type = h->type;
  n->text = text;
  n->next = h->next;
  h->next = n;
  h->type = '*';
  return n;
}

static bool rewrite_list(spool_header *list, const rewrite_rule *rules, int existflags,
                         const char *qd, const char *qr) {
  bool any = false;
  for (spool_header *h = list; h; h = h->next) {
    int flag = rewrite_header_flag(h->type);
    if (!flag) continue;
    bool use_rules = rules && (existflags & flag);
    const char *q = strchr("TCB", h->type) ? qr : qd;
    if (!use_rules && !q) continue;
    char *t = rewrite_header_text(h->text, flag, use_rules ? rules : NULL, q);
    if (!t) continue;
    h = replace_after(h, t);
    any = true;
  }
  return any;
}

bool rewrite_headers_received(spool_header **headers, const char *qualify_domain,
                              const char *qualify_recipient) {
  return rewrite_list(*headers, rewrite_rules, rewrite_existflags, qualify_domain, qualify_recipient);
}

bool rewrite_header_list(spool_header **headers, const rewrite_rule *rules, int existflags) {
  return rewrite_list(*headers, rules, existflags, NULL, NULL);
}

char *rewrite_one_header(const char *header_text, const rewrite_rule *rules, int existflags) {
  int flag = rewrite_header_flag(type_of(header_text));
  if (!flag || !(existflags & flag)) return NULL;
  return rewrite_header_text(header_text, flag, rules, NULL);
}

void rewrite_header_in_place(spool_header *h) {
  int flag = h ? rewrite_header_flag(h->type) : 0;
  if (!flag || !(rewrite_existflags & flag)) return;
  char *t = rewrite_header_text(h->text, flag, rewrite_rules, NULL);
  if (t) replace_after(h, t);
}
