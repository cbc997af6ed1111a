/* fixups.c - the header processing of spec chapter 48 for a received
 * message: Return-path:/Envelope-to:/Delivery-date: removal, the Sendmail
 * From: fix for a bare login name, -t recipient extraction (Bcc: removed,
 * command-line addresses subtracted), and for locally-originated or
 * submission-mode messages the Message-Id:, From:, Sender: and Date: that
 * Exim adds (Resent- forms when the message has Resent- headers).
 *
 * Entry point: rcv_fixups (receive_int.h).
 * Must never: drop a header outright (removed headers stay in the -H file
 * marked '*', as Exim keeps them), or change headers when
 * suppress_local_fixups is in force (other than the removals and -t).
 */
#include <ctype.h>
#include <string.h>

#include "base/address.h"
#include "base/rfc2047.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "receive/receive_int.h"
#include "rewrite/rewrite.h"

static void remove_named(rcv_msg *r, const char *name) {
  for (spool_header *h = r->m.headers; h; h = h->next)
    if (rcv_header_is(h, name)) h->type = '*';
}

static bool has_resent(const rcv_msg *r) {
  for (const spool_header *h = r->m.headers; h; h = h->next)
    if (h->type != '*' && str_ncmpic(h->text, "resent-", 7) == 0) return true;
  return false;
}

static const char *qualify_domain(void) {
  return mainconf.qualify_domain ? mainconf.qualify_domain : "";
}

static const char *login_address(const rcv_msg *r) {
  return str_sprintf("%s@%s", r->login, qualify_domain());
}

/* As exim4, a 7-bit name is made a valid phrase, one with 8-bit bytes is
 * RFC 2047-encoded (headers_charset) as a whole. */
static const char *phrase_of(const char *fullname) {
  return address_is_7bit(fullname) ? address_fix_phrase(fullname)
                                   : g_str(rfc2047_encode(NULL, fullname, mainconf.headers_charset));
}

/* "name <addr>", the name made a phrase; just addr without a name */
static const char *named_address(const char *fullname, const char *addr) {
  if (!fullname || !*fullname) return addr;
  return str_sprintf("%s <%s>", phrase_of(fullname), addr);
}

/* "Full Name <login@qualify_domain>" (just the address without a name). */
static const char *login_mailbox(const rcv_msg *r) {
  return named_address(r->fullname, login_address(r));
}

/* A From: that holds only the caller's unqualified login (spec 48.11). */
static void fix_login_from(rcv_msg *r, const char *name) {
  for (spool_header *h = r->m.headers; h; h = h->next) {
    if (!rcv_header_is(h, name)) continue;
    char *v = rcv_header_value(h);
    const char *s = str_skip_space(v);
    str_rtrim((char *)s);
    if (r->login && strcmp(s, r->login) == 0) {
      h->type = '*';
      rcv_header_append(&r->m.headers, str_sprintf("%s: %s", name, login_mailbox(r)), 'F');
    }
    return;
  }
}

static bool in_args(char **args, int nargs, const char *addr) {
  for (int i = 0; i < nargs; i++)
    if (str_eqic(args[i], addr)) return true;
  return false;
}

/* -t: recipients from To:, Cc:, Bcc: (the Resent- ones when there are
 * Resent- headers); Bcc: is removed; addresses given as arguments are
 * not recipients and go into the non-recipients tree. */
static void extract_recipients(rcv_msg *r, bool resent, char **args, int nargs) {
  for (int i = 0; i < nargs; i++) spool_tree_insert(&r->m.nonrecipients, args[i]);
  static const char *const plain[] = {"To", "Cc", "Bcc"};
  static const char *const rs[] = {"Resent-To", "Resent-Cc", "Resent-Bcc"};
  const char *const *names = resent ? rs : plain;
  for (spool_header *h = r->m.headers; h; h = h->next) {
    int which = -1;
    for (int k = 0; k < 3; k++)
      if (rcv_header_is(h, names[k])) which = k;
    if (which < 0) continue;
    address_walk w;
    address_item it;
    char *value = rcv_header_value(h);
    address_walk_init(&w, value);
    for (const char *start = w.p; address_walk_next(&w, &it); start = w.p) {
      if (!it.address) {
        /* exim4 names a malformed item by the rest of the header from it
         * on ("bad@@y, x@@z"), and then goes on after its comma */
        while (*start == ',' || isspace((unsigned char)*start)) start++;
        char *rest = str_copy(start);
        str_rtrim(rest);
        const char *what = *rest ? rest : it.text, *why = it.error ? it.error : "malformed address";
        if (!r->bad_addresses) r->first_bad = str_sprintf("%s - %s", what, why);
        r->bad_addresses = g_fmt(r->bad_addresses, "%s  %s: %s", r->bad_addresses ? "\n" : "", what, why);
        r->bad_address_count++;
        continue;
      }
      if (!*it.address) continue;
      const char *a = it.domain ? it.address
                                : address_qualify(it.address, mainconf.qualify_recipient
                                                                  ? mainconf.qualify_recipient
                                                                  : qualify_domain());
      if (in_args(args, nargs, a)) continue;
      rcv_add_recipient(r, a, it.address);
    }
    if (which == 2) h->type = '*';
  }
}

/* The address that submission mode puts in From:/Sender: (spec 48.11). */
static const char *submission_address(const rcv_msg *r) {
  const char *id = r->c->authenticated_id;
  if (!id || !*id) return NULL;
  const char *dom = r->c->env.submission_domain;
  if (!dom) return str_sprintf("%s@%s", id, qualify_domain());
  if (!*dom) return id;
  return str_sprintf("%s@%s", id, dom);
}

static const char *with_name(const char *name, const char *addr) {
  return name && *name ? str_sprintf("%s <%s>", name, addr) : addr;
}

/* The working address of the first From: (or Resent-From:), or NULL. */
static const char *from_address(rcv_msg *r, const char *name) {
  spool_header *h = rcv_header_find(r->m.headers, name);
  if (!h) return NULL;
  address_walk w;
  address_item it;
  address_walk_init(&w, rcv_header_value(h));
  if (!address_walk_next(&w, &it) || !it.address) return "";
  return it.address;
}

/* Does from (a working address) equal local@domain, allowing
 * local_from_prefix / local_from_suffix (literal lists of fixed strings)? */
static bool from_matches(const char *from, const char *local, const char *domain) {
  const char *at = strrchr(from, '@');
  if (!at || !str_eqic(at + 1, domain)) return false;
  size_t fl = (size_t)(at - from), ll = strlen(local);
  if (fl == ll && strncmp(from, local, ll) == 0) return true;
  const char *pre = mainconf.local_from_prefix, *suf = mainconf.local_from_suffix;
  for (size_t off = 0; off + ll <= fl; off++) {
    if (strncmp(from + off, local, ll) != 0) continue;
    bool pre_ok = off == 0 || (pre && (strcmp(pre, "*") == 0 ||
                                       (strlen(pre) == off && strncmp(pre, from, off) == 0)));
    size_t rest = fl - off - ll;
    bool suf_ok = rest == 0 || (suf && (strcmp(suf, "*") == 0 ||
                                        (strlen(suf) == rest && strncmp(suf, from + off + ll, rest) == 0)));
    if (pre_ok && suf_ok) return true;
  }
  return false;
}

static const char *message_id_text(const rcv_msg *r) {
  const char *dom = mainconf.primary_hostname;
  if (mainconf.message_id_header_domain) {
    const char *x = expand_cstring(mainconf.message_id_header_domain);
    if (x && *x) dom = x;
  }
  const char *extra = "";
  if (mainconf.message_id_header_text) {
    const char *x = expand_cstring(mainconf.message_id_header_text);
    if (x && *x) extra = str_sprintf(".%s", x);
  }
  return str_sprintf("E%s%s@%s", r->m.id, extra, dom ? dom : "");
}

/* The id= of the log line: the Message-ID content without angle brackets. */
static const char *msgid_for_log(const spool_header *h) {
  char *v = rcv_header_value(h);
  char *s = (char *)str_skip_space(v);
  str_rtrim(s);
  size_t n = strlen(s);
  if (n >= 2 && s[0] == '<' && s[n - 1] == '>') return str_copyn(s + 1, n - 2);
  return s;
}

/* The envelope recipients (T rules) and sender (F rules) rewritten as
 * exim4 does at reception, each change leaving the old address in a
 * deleted ('*') X-rewrote-original-recipient: / X-rewrote-sender: header
 * (spec 31.2). */
static void rewrite_envelope_recipients(rcv_msg *r) {
  if (!(rewrite_existflags & RW_T)) return;
  const char *rq = rewrite_qualify_recipient();
  for (int i = 0; i < r->m.recipients_count; i++) {
    spool_recipient *rc = &r->m.recipients[i];
    const char *n = rewrite_address(rc->address, RW_T, rewrite_rules, rq);
    if (n == rc->address) continue;
    rcv_header_append(&r->m.headers, str_sprintf("X-rewrote-original-recipient: %s", rc->address), '*');
    rc->address = (char *)n;
  }
}

static void rewrite_envelope_sender(rcv_msg *r) {
  if (!(rewrite_existflags & RW_F) || !r->m.sender || !*r->m.sender) return;
  const char *n = rewrite_address(r->m.sender, RW_F, rewrite_rules, rewrite_qualify_recipient());
  if (n == r->m.sender) return;
  rcv_header_append(&r->m.headers, str_sprintf("X-rewrote-sender: %s", r->m.sender), '*');
  r->m.sender = (char *)n;
}

bool rcv_fixups(rcv_msg *r, char **args, int nargs, const char **error) {
  if (mainconf.return_path_remove) remove_named(r, "Return-path");
  if (mainconf.envelope_to_remove) remove_named(r, "Envelope-to");
  if (mainconf.delivery_date_remove) remove_named(r, "Delivery-date");

  bool resent = has_resent(r);
  bool fix = (r->local || r->submission) && !r->suppress_fixups;
  const char *pfx = resent ? "Resent-" : "";

  if (r->non_smtp) fix_login_from(r, resent ? "Resent-From" : "From");

  /* -t without recipients fails, after the other fix-ups: the copy that
   * -oem mails back has the added headers, as exim4's */
  bool no_recipients = false;
  if (r->extract) {
    extract_recipients(r, resent, args, nargs);
    no_recipients = r->m.recipients_count == 0 && !r->bad_addresses;
  }

  /* Unqualified addresses in the address headers of a locally-originated
   * message, or from a host allowed unqualified recipients / senders, get
   * @qualify_recipient (To:, Cc:, Bcc:) or @qualify_domain (From:,
   * Sender:, Reply-To:) (spec 31, 48.3), and the global rewriting
   * rules apply to the headers received with the message (spec 31.2), in
   * one pass after -t took its recipients from them; a changed header
   * stays marked '*' with the new one right after it. */
  const char *qr = mainconf.qualify_recipient ? mainconf.qualify_recipient : qualify_domain();
  rewrite_headers_received(&r->m.headers,
                           r->m.allow_unqualified_sender && !r->no_qualify ? qualify_domain() : NULL,
                           r->m.allow_unqualified_recipient && !r->no_qualify ? qr : NULL);

  /* Message-Id: */
  spool_header *mid = rcv_header_find(r->m.headers, resent ? "Resent-Message-ID" : "Message-ID");
  if (mid) {
    r->msgid_header = msgid_for_log(mid);
  } else if (fix) {
    const char *id = message_id_text(r);
    const char *text = str_sprintf("%sMessage-Id: <%s>", pfx, id);
    if (resent) rcv_header_prepend(&r->m.headers, text, 'I');
    else rcv_header_append(&r->m.headers, text, 'I');
    r->msgid_header = id;
    r->msgid_created = true;
  }

  rewrite_envelope_recipients(r);

  const char *from_name = resent ? "Resent-From" : "From";
  const char *sender_name = resent ? "Resent-Sender" : "Sender";
  const char *sender = r->m.sender;

  /* From: */
  if (fix && !rcv_header_find(r->m.headers, from_name)) {
    const char *content = NULL;
    if (r->submission && !r->local) {
      if (sender && *sender) content = sender;
      else content = submission_address(r);
      if (content && r->c->env.submission_name)
        content = with_name(r->c->env.submission_name, content);
    } else if ((sender && *sender) || r->local_error) {
      /* the caller's address with its name; an explicit sender (-f) is
       * used as it is, named only by -F, and a report made with -f <>
       * (-E) gets the bare login address unless -F named it */
      if (!r->sender_explicit) content = login_mailbox(r);
      else content = named_address(r->fullname_given ? r->fullname : NULL,
                                   sender && *sender ? sender : login_address(r));
    }
    if (content)
      rewrite_header_in_place(rcv_header_append(&r->m.headers, str_sprintf("%s: %s", from_name, content), 'F'));
  }
  rewrite_envelope_sender(r);

  /* Sender: for an untrusted local caller (48.16) */
  if (r->local && !r->trusted && !r->suppress_fixups && r->login) {
    if (!mainconf.local_sender_retain) {
      remove_named(r, sender_name);
      if (resent) remove_named(r, "Sender");
    }
    if (mainconf.local_from_check) {
      const char *from = from_address(r, from_name);
      if (from && !from_matches(from, r->login, qualify_domain()))
        rcv_header_append(&r->m.headers, str_sprintf("%s: %s", sender_name, login_mailbox(r)), 'S');
    }
  } else if (r->submission && !r->local && !r->suppress_fixups && !r->c->env.submission_sender_retain) {
    remove_named(r, sender_name);
    const char *addr = submission_address(r);
    if (addr) {
      const char *from = from_address(r, from_name);
      if (!from || !str_eqic(from, addr)) {
        rcv_header_append(&r->m.headers,
                          str_sprintf("%s: %s", sender_name, with_name(r->c->env.submission_name, addr)),
                          'S');
        r->m.sender = (char *)addr;   /* the return path follows Sender: */
      }
    }
  }

  /* Date: */
  if (fix && !rcv_header_find(r->m.headers, resent ? "Resent-Date" : "Date")) {
    const char *text = str_sprintf("%sDate: %s", pfx, rcv_date(r->tv.tv_sec));
    if (resent) rcv_header_prepend(&r->m.headers, text, ' ');
    else rcv_header_append(&r->m.headers, text, ' ');
  }

  spool_header *subj = rcv_header_find(r->m.headers, "Subject");
  if (subj) {
    char *v = rcv_header_value(subj);
    r->subject = str_skip_space(v);
  }
  if (no_recipients) {
    *error = "no recipients found in headers";
    return false;
  }
  return true;
}
