/* spool_read.c - reads a -H spool file (spec chapter 57, Exim 4.96 format)
 * back into a spool_msg, for the queue layer and queue listings.
 * Entry points: spool_read_header, spool_parse_header, spool_message_size.
 * Rejects missing, corrupt or truncated files with an error naming the file
 * and line; never modifies, renames or deletes a spool file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fdio.h"
#include "base/store.h"
#include "base/str.h"
#include "spool/spool.h"

typedef struct {
  const char *p, *end, *name;
  int line;
  const char **error;
} reader;

static bool fail(reader *r, const char *what) {
  *r->error = str_sprintf("spool file %s is corrupt or truncated at line %d: %s",
                          r->name, r->line, what);
  return false;
}

/* The next line without its newline; NULL when the text ends first. */
static char *next_line(reader *r) {
  const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
  if (!nl) return NULL;
  char *s = str_copyn(r->p, (size_t)(nl - r->p));
  r->p = nl + 1;
  r->line++;
  return s;
}

/* A certificate that spool_write put on one line, as PEM again: each
 * "-----BEGIN x-----" and "-----END x-----" on a line of its own, the
 * base64 between them in lines of 64.  Text without a BEGIN line is kept
 * as it is. */
static char *pem_restore(const char *s) {
  if (!strstr(s, "-----BEGIN ")) return (char *)s;
  gstring *g = g_new(strlen(s) + strlen(s) / 64 + 8, is_tainted(s));
  const char *p = s;
  while (*p) {
    if (strncmp(p, "-----", 5) == 0) {          /* a BEGIN or END line */
      const char *e = strstr(p + 5, "-----");
      size_t n = e ? (size_t)(e + 5 - p) : strlen(p);
      g = g_catn(g, p, n);
      g = g_catc(g, '\n');
      p += n;
      continue;
    }
    size_t col = 0;                             /* base64 up to the next dashes */
    while (*p && strncmp(p, "-----", 5) != 0) {
      g = g_catc(g, *p++);
      if (++col == 64 && *p && strncmp(p, "-----", 5) != 0) {
        g = g_catc(g, '\n');
        col = 0;
      }
    }
    if (col) g = g_catc(g, '\n');
  }
  return g_str(g);
}

static bool parse_long(const char *s, long *out, char **endp) {
  char *e;
  errno = 0;
  long v = strtol(s, &e, 10);
  if (e == s || errno) return false;
  *out = v;
  if (endp) *endp = e;
  else if (*e) return false;
  return true;
}

static bool parse_int(const char *s, int *out) {
  long v;
  if (!parse_long(s, &v, NULL) || v < -2147483647L || v > 2147483647L) return false;
  *out = (int)v;
  return true;
}

/* "sec.usec" with exactly six digits after the point (sec may be empty). */
static bool parse_time_usec(const char *s, long *sec, int *usec) {
  const char *dot = strchr(s, '.');
  if (!dot || strlen(dot + 1) != 6 || strspn(dot + 1, "0123456789") != 6) return false;
  if (sec) {
    char *e;
    if (!parse_long(s, sec, &e) || e != dot) return false;
  } else if (dot != s) {
    return false;
  }
  *usec = atoi(dot + 1);
  return true;
}

/* "[address]:port" as Exim 4.96 writes -host_address and
 * -interface_address, or the older "address.port". */
static bool parse_addr_port(const char *v, bool tainted, char **addr, int *port) {
  if (v[0] == '[') {
    const char *close = strchr(v, ']');
    if (!close || close == v + 1 || close[1] != ':' || !parse_int(close + 2, port)) return false;
    *addr = str_copy_taint(str_copyn(v + 1, (size_t)(close - v - 1)), tainted);
    return true;
  }
  const char *dot = strrchr(v, '.');
  if (!dot || dot == v || !parse_int(dot + 1, port)) return false;
  *addr = str_copy_taint(str_copyn(v, (size_t)(dot - v)), tainted);
  return true;
}

static spool_tree *read_tree(reader *r, int depth) {
  if (depth > 1000) { fail(r, "non-recipients tree too deep"); return NULL; }
  char *s = next_line(r);
  if (!s) { fail(r, "end of file in the non-recipients tree"); return NULL; }
  if ((s[0] != 'Y' && s[0] != 'N') || (s[1] != 'Y' && s[1] != 'N') || s[2] != ' ') {
    fail(r, "bad non-recipients tree line");
    return NULL;
  }
  spool_tree *t = store_get(sizeof *t, false);
  t->name = s + 3;
  t->left = t->right = NULL;
  t->balance = 0;
  if (s[0] == 'Y' && !(t->left = read_tree(r, depth + 1))) return NULL;
  if (s[1] == 'Y' && !(t->right = read_tree(r, depth + 1))) return NULL;
  return t;
}

/* Height of a tree read from a file, setting each node's balance so that
 * later insertions keep it balanced. */
static int tree_heights(spool_tree *t) {
  if (!t) return 0;
  int l = tree_heights(t->left), r = tree_heights(t->right);
  t->balance = r - l;
  return 1 + (l > r ? l : r);
}

/* Parse "<digits>" ending just before `end`, scanning backwards from end;
 * returns the start of the digits or NULL. */
static char *digits_back(char *start, char *end, long *val) {
  char *p = end;
  while (p > start && p[-1] >= '0' && p[-1] <= '9') p--;
  if (p == end) return NULL;
  char save = *end;
  *end = 0;
  *val = atol(p);
  *end = save;
  return p;
}

/* A recipient line: plain address, or the extended forms ending "#<flags>". */
static bool parse_recipient(reader *r, char *s, spool_recipient *rc) {
  rc->orcpt = rc->errors_to = NULL;
  rc->dsn_flags = 0;
  rc->pno = -1;
  rc->address = s;
  char *hash = strrchr(s, '#');
  if (!hash || !hash[1] || strspn(hash + 1, "0123456789") != strlen(hash + 1) ||
      !strchr(s, ' '))
    return true;               /* a plain address (may contain '#') */
  long flags = atol(hash + 1), pno, elen, dsn, olen;
  char *p = digits_back(s, hash, &pno);
  if (p && p > s && p[-1] == '-') { p--; pno = -pno; }   /* -1: no parent */
  if (!p || p == s || p[-1] != ',') return fail(r, "bad recipient parent number");
  char *q = digits_back(s, p - 1, &elen);
  if (!q || q == s || q[-1] != ' ' || (q - 1 - s) < elen) return fail(r, "bad recipient errors_to length");
  char *e = q - 1 - elen;
  if (e == s || e[-1] != ' ') return fail(r, "bad recipient errors_to");
  if (elen) rc->errors_to = str_copyn(e, (size_t)elen);
  rc->pno = (int)pno;
  char *rest_end = e - 1;
  if (flags & 2) {
    char *d = digits_back(s, rest_end, &dsn);
    if (!d || d == s || d[-1] != ',') return fail(r, "bad recipient DSN flags");
    char *l = digits_back(s, d - 1, &olen);
    if (!l || l == s || l[-1] != ' ' || (l - 1 - s) < olen) return fail(r, "bad recipient ORCPT length");
    char *o = l - 1 - olen;
    if (o == s || o[-1] != ' ') return fail(r, "bad recipient ORCPT");
    if (olen) rc->orcpt = str_copyn(o, (size_t)olen);
    rc->dsn_flags = (int)dsn;
    rest_end = o - 1;
  }
  *rest_end = 0;
  return true;
}

/* One "-name value" line (already without leading dashes); *tainted from a
 * second dash.  Returns false with an error for a malformed known item. */
static bool option_line(reader *r, spool_msg *m, char *s, bool tainted) {
  char *sp = strchr(s, ' ');
  char *name = sp ? str_copyn(s, (size_t)(sp - s)) : s;
  char *val = sp ? str_copy_taint(sp + 1, tainted) : NULL;
#define STR(n, field) if (strcmp(name, n) == 0) { if (!val) return fail(r, "missing value"); m->field = val; return true; }
#define FLAG(n, field) if (strcmp(name, n) == 0) { m->field = true; return true; }
#define NUM(n, field) if (strcmp(name, n) == 0) { if (!val || !parse_int(val, &m->field)) return fail(r, "bad number"); return true; }
  if (strcmp(name, "aclc") == 0 || strcmp(name, "aclm") == 0 || strcmp(name, "acl") == 0) {
    /* "-aclc name len" then len bytes then a newline. */
    char *vn, *lp;
    int len;
    if (!val || !(lp = strrchr(val, ' ')) || !parse_int(lp + 1, &len) || len < 0)
      return fail(r, "bad ACL variable line");
    vn = str_copyn(val, (size_t)(lp - val));
    if (r->end - r->p < (long)len + 1 || r->p[len] != '\n')
      return fail(r, "ACL variable value truncated");
    spool_aclvar *v = store_get(sizeof *v, false);
    if (name[3] == 0) {        /* old "-acl N len": 0-9 c, 10-19 m */
      int n;
      if (!parse_int(vn, &n) || n < 0 || n > 19) return fail(r, "bad ACL variable number");
      v->scope = n < 10 ? 'c' : 'm';
      v->name = str_sprintf("%d", n % 10);
    } else {
      v->scope = name[3];
      v->name = vn;
    }
    v->value = str_copy_taint(str_copyn(r->p, (size_t)len), tainted);
    for (const char *c = r->p; c < r->p + len; c++) if (*c == '\n') r->line++;
    r->p += len + 1;
    r->line++;
    spool_aclvar **tail = &m->aclvars;
    while (*tail) tail = &(*tail)->next;
    v->next = NULL;
    *tail = v;
    return true;
  }
  if (strcmp(name, "received_time_usec") == 0) {
    if (!val || !parse_time_usec(val, NULL, &m->received_usec)) return fail(r, "bad received_time_usec");
    return true;
  }
  if (strcmp(name, "received_time_complete") == 0) {
    if (!val || !parse_time_usec(val, &m->complete_sec, &m->complete_usec))
      return fail(r, "bad received_time_complete");
    return true;
  }
  if (strcmp(name, "host_address") == 0) {
    if (!val || !parse_addr_port(val, tainted, &m->host_address, &m->host_port))
      return fail(r, "bad host_address");
    return true;
  }
  if (strcmp(name, "interface_address") == 0) {
    if (!val || !parse_addr_port(val, tainted, &m->interface_address, &m->interface_port))
      return fail(r, "bad interface_address");
    return true;
  }
  if (strcmp(name, "frozen") == 0) {
    if (!val || !parse_long(val, &m->frozen_at, NULL)) return fail(r, "bad frozen time");
    m->frozen = true;
    return true;
  }
  if (strcmp(name, "tls_resumption") == 0) {
    if (!val || val[0] < 'A' || val[0] > 'Z' || val[1]) return fail(r, "bad tls_resumption");
    m->tls_resumption = val[0] - 'A';
    return true;
  }
  if (strcmp(name, "utf8_downcvt") == 0) {
    if (!val) return fail(r, "missing value");
    m->utf8_downcvt = strcmp(val, "optional") == 0 ? -1 : 1;
    return true;
  }
  if (strcmp(name, "tls_peercert") == 0 || strcmp(name, "tls_ourcert") == 0) {
    if (!val) return fail(r, "missing value");
    *(name[4] == 'p' ? &m->tls_peercert : &m->tls_ourcert) = pem_restore(val);
    return true;
  }
  STR("helo_name", helo_name) STR("host_name", host_name) STR("host_auth", host_auth)
  STR("host_auth_pubname", host_auth_pubname) STR("active_hostname", active_hostname)
  STR("ident", ident) STR("received_protocol", received_protocol)
  STR("auth_id", auth_id) STR("auth_sender", auth_sender) STR("local_scan", local_scan)
  STR("spam_bar", spam_bar) STR("spam_score", spam_score) STR("spam_score_int", spam_score_int)
  STR("tls_cipher", tls_cipher) STR("tls_peerdn", tls_peerdn)
  STR("tls_sni", tls_sni) STR("tls_ver", tls_ver)
  STR("dsn_envid", dsn_envid)
  NUM("body_linecount", body_linecount) NUM("max_received_linelength", max_received_linelength)
  NUM("body_zerocount", body_zerocount) NUM("tls_ocsp", tls_ocsp) NUM("dsn_ret", dsn_ret)
  FLAG("spool_file_wireformat", wireformat)
  FLAG("allow_unqualified_recipient", allow_unqualified_recipient)
  FLAG("allow_unqualified_sender", allow_unqualified_sender)
  FLAG("deliver_firsttime", deliver_firsttime) FLAG("N", dont_deliver)
  FLAG("host_lookup_deferred", host_lookup_deferred) FLAG("host_lookup_failed", host_lookup_failed)
  FLAG("local", local) FLAG("localerror", localerror) FLAG("manual_thaw", manual_thaw)
  FLAG("sender_set_untrusted", sender_set_untrusted)
  FLAG("tls_certificate_verified", tls_certificate_verified) FLAG("smtputf8", smtputf8)
#undef STR
#undef FLAG
#undef NUM
  return true;                 /* items of other builds are skipped, as Exim does */
}

bool spool_parse_header(const char *text, size_t len, const char *name,
                        spool_msg *m, const char **error) {
  reader rr = {text, text + len, name, 0, error}, *r = &rr;
  char *s;
  spool_msg_init(m);

  if (!(s = next_line(r))) return fail(r, "no id line");
  size_t sl = strlen(s);
  if (sl != MESSAGE_ID_LENGTH + 2 || strcmp(s + MESSAGE_ID_LENGTH, "-H") != 0 ||
      (memcpy(m->id, s, MESSAGE_ID_LENGTH), m->id[MESSAGE_ID_LENGTH] = 0,
       !message_id_valid(m->id)))
    return fail(r, "first line is not \"<message id>-H\"");

  if (!(s = next_line(r))) return fail(r, "no originator line");
  {
    char *g = strrchr(s, ' ');
    long uid, gid;
    if (!g || !parse_long(g + 1, &gid, NULL)) return fail(r, "bad originator line");
    *g = 0;
    char *u = strrchr(s, ' ');
    if (!u || !parse_long(u + 1, &uid, NULL)) return fail(r, "bad originator line");
    *u = 0;
    m->originator_login = s;
    m->originator_uid = (uid_t)uid;
    m->originator_gid = (gid_t)gid;
  }

  if (!(s = next_line(r))) return fail(r, "no sender line");
  sl = strlen(s);
  if (sl < 2 || s[0] != '<' || s[sl - 1] != '>') return fail(r, "sender not in <>");
  m->sender = str_copy_taint(str_copyn(s + 1, sl - 2), true);

  if (!(s = next_line(r))) return fail(r, "no time line");
  {
    char *e;
    long wc;
    if (!parse_long(s, &m->received_sec, &e) || *e != ' ' ||
        !parse_long(e + 1, &wc, NULL))
      return fail(r, "bad time line");
    m->warning_count = (int)wc;
  }

  for (;;) {
    if (r->p >= r->end) return fail(r, "end of file before the recipients");
    if (*r->p != '-') break;
    s = next_line(r);
    if (!s) return fail(r, "end of file in the options");
    bool tainted = s[1] == '-';
    char *o = s + (tainted ? 2 : 1);
    if (tainted && *o == '(') {               /* quoted for a lookup */
      char *c = strchr(o, ')');
      if (!c) return fail(r, "bad quoter");
      o = c + 1;
    }
    if (!*o) return fail(r, "empty option line");
    if (!option_line(r, m, o, tainted)) return false;
  }

  if (r->end - r->p >= 3 && memcmp(r->p, "XX\n", 3) == 0) {
    r->p += 3;
    r->line++;
  } else if (!(m->nonrecipients = read_tree(r, 0))) {
    return false;
  } else {
    tree_heights(m->nonrecipients);
  }

  if (!(s = next_line(r)) || !parse_int(s, &m->recipients_count) ||
      m->recipients_count < 0)
    return fail(r, "bad recipient count");
  if (m->recipients_count > (r->end - r->p))
    return fail(r, "recipient count larger than the file");
  m->recipients = store_get((size_t)(m->recipients_count ? m->recipients_count : 1) *
                            sizeof(spool_recipient), false);
  for (int i = 0; i < m->recipients_count; i++) {
    if (!(s = next_line(r))) return fail(r, "end of file in the recipients");
    if (!parse_recipient(r, s, &m->recipients[i])) return false;
  }

  if (!(s = next_line(r)) || *s) return fail(r, "no blank line before the headers");

  spool_header **tail = &m->headers;
  while (r->p < r->end) {
    int n = 0;
    if (r->end - r->p < 5) return fail(r, "truncated header line");
    for (int i = 0; i < 3; i++) {
      if (r->p[i] < '0' || r->p[i] > '9') return fail(r, "bad header length");
      n = n * 10 + (r->p[i] - '0');
    }
    /* More than 999 characters: the count has more digits. */
    const char *q = r->p + 3;
    while (q < r->end && *q >= '0' && *q <= '9') n = n * 10 + (*q++ - '0');
    if (r->end - q < 2 || q[1] != ' ') return fail(r, "bad header type");
    char type = q[0];
    q += 2;
    if (r->end - q < n || n < 1 || q[n - 1] != '\n') return fail(r, "header text truncated");
    spool_header *h = store_get(sizeof *h, false);
    h->type = type;
    h->text = str_copy_taint(str_copyn(q, (size_t)n), true);
    h->next = NULL;
    *tail = h;
    tail = &h->next;
    for (const char *c = q; c < q + n; c++) if (*c == '\n') r->line++;
    r->p = q + n;
  }
  return true;
}

bool spool_read_header(const char *spool_directory, bool split,
                       const char *id, spool_msg *m, const char **error) {
  char *name = str_sprintf("%s/%s-H", spool_input_dir(spool_directory, split, id), id);
  int fd = open(name, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    *error = str_sprintf("failed to open spool file %s: %s", name, strerror(errno));
    if (fd >= 0) close(fd);
    return false;
  }
  size_t size = (size_t)st.st_size;
  char *buf = store_get(size + 1, true);
  size_t got = fd_read_upto(fd, buf, size);
  close(fd);
  buf[got] = 0;
  if (!spool_parse_header(buf, got, name, m, error)) return false;
  if (strcmp(m->id, id) != 0) {
    *error = str_sprintf("spool file %s names message %s", name, m->id);
    return false;
  }
  return true;
}

long spool_message_size(const spool_msg *m, long data_file_size) {
  /* The -D file starts with "<id>-D\n" (MESSAGE_ID_LENGTH + 3 bytes). */
  long size = data_file_size - (MESSAGE_ID_LENGTH + 3) + 1;
  for (const spool_header *h = m->headers; h; h = h->next)
    if (h->type != '*') size += (long)strlen(h->text);
  return size;
}
