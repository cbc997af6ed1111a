/* filter_personal.c - "is this personal mail?": the Exim filter's
 * personal condition (filter document 3.27-3.29) and the Sieve vacation
 * command's check (RFC 5230 4.5-4.6), which exim4 does the same way: not a
 * bounce, no List-* header, Auto-Submitted absent or "no", Precedence not
 * bulk/list/junk, one of the user's addresses in To: (Sieve: To:, Cc: or
 * Bcc:), and no From: address that is the user's own or a robot's
 * (beginning server@, daemon@, root@, listserv@, majordomo@ or owner-...@,
 * or containing -request@).  Addresses compare without regard to case.
 *
 * Entry points: filter_personal(), filter_user_addresses().
 *
 * Must never: change the message.
 */
#include <string.h>

#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "filter_int.h"

fstrlist *filter_user_addresses(void) {
  const char *lp = expand_cstring("$local_part"), *dom = expand_cstring("$domain");
  const char *pre = expand_cstring("$local_part_prefix"), *suf = expand_cstring("$local_part_suffix");
  fstrlist *s = store_zget(sizeof *s, false);
  s->s = str_sprintf("%s@%s", lp ? lp : "", dom ? dom : "");
  if ((pre && *pre) || (suf && *suf)) {
    fstrlist *f = store_zget(sizeof *f, false);
    f->s = str_sprintf("%s%s%s@%s", pre ? pre : "", lp ? lp : "", suf ? suf : "", dom ? dom : "");
    f->next = s;
    s = f;
  }
  return s;
}

typedef struct personal_arg {
  const fstrlist *mine;
  bool from;     /* testing From: (self or robots) rather than To: */
} personal_arg;

static bool personal_one(const char *address, void *p) {
  personal_arg *pa = p;
  for (const fstrlist *m = pa->mine; m; m = m->next)
    if (str_cmpic(address, m->s) == 0) return true;
  if (!pa->from) return false;
  static const char *const robots[] = {"server@", "daemon@", "root@", "listserv@", "majordomo@"};
  for (size_t i = 0; i < sizeof robots / sizeof robots[0]; i++)
    if (str_ncmpic(address, robots[i], strlen(robots[i])) == 0) return true;
  for (const char *p2 = address; *p2; p2++)
    if (str_ncmpic(p2, "-request@", 9) == 0) return true;
  if (str_ncmpic(address, "owner-", 6) == 0) {
    const char *at = strchr(address + 6, '@');
    if (at && at > address + 6) return true;
  }
  return false;
}

static bool header_present(const char *name) {
  const char *v = expand_cstring(str_sprintf("${if def:h_%s:{y}{n}}", name));
  return v && *v == 'y';
}

static bool contains_caseless(const char *s, const char *w) {
  size_t n = strlen(w);
  for (; *s; s++)
    if (str_ncmpic(s, w, n) == 0) return true;
  return false;
}

bool filter_personal(const fstrlist *to_mine, const fstrlist *from_mine, bool cc_bcc) {
  const char *sender = expand_cstring("$sender_address");
  if (!sender || !*sender) return false;
  static const char *const lists[] = {"List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe",
                                      "List-Post", "List-Owner", "List-Archive"};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if (header_present(lists[i])) return false;
  if (header_present("auto-submitted")) {
    const char *as = expand_cstring("$h_auto-submitted:");
    if (!as || str_cmpic(as, "no") != 0) return false;
  }
  const char *prec = expand_cstring("$h_precedence:");
  if (prec && (contains_caseless(prec, "bulk") || contains_caseless(prec, "list") ||
               contains_caseless(prec, "junk")))
    return false;
  personal_arg pa = {to_mine, false};
  const char *to = expand_cstring(cc_bcc ? "$h_to:,$h_cc:,$h_bcc:" : "$h_to:");
  if (!to || !filter_each_address(to, personal_one, &pa)) return false;
  pa.mine = from_mine;
  pa.from = true;
  const char *from = expand_cstring("$h_from:");
  return !(from && filter_each_address(from, personal_one, &pa));
}
