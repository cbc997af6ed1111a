/* items_ext.c - expansion items that use cryptography or reach outside the
 * process (spec 11.5, 60.2): ${hmac}, ${prvs}, ${prvscheck}, ${imapfolder},
 * ${readsocket}.
 *
 * Entry points: item_hmac, item_prvs, item_prvscheck, item_imapfolder,
 * item_readsocket (expand_int.h).
 *
 * Must never: block without a timeout on a socket; connect to a socket
 * whose name is tainted.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/regex.h"
#include "../base/sock.h"
#include "../base/store.h"
#include "../base/str.h"
#include "expand_int.h"

static gstring *hex(gstring *g, const unsigned char *d, unsigned n) {
  for (unsigned i = 0; i < n; i++) g = g_fmt(g, "%02x", d[i]);
  return g;
}

ev_rc item_hmac(char **sub, gstring **out) {
  const EVP_MD *md;
  if (strcmp(sub[0], "md5") == 0) md = EVP_md5();
  else if (strcmp(sub[0], "sha1") == 0) md = EVP_sha1();
  else return ev_fail("hmac algorithm \"%s\" is not recognised", sub[0]);
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  HMAC(md, sub[1], (int)strlen(sub[1]), (const unsigned char *)sub[2], strlen(sub[2]), d, &n);
  *out = hex(*out, d, n);
  return EV_OK;
}

/* First six hex digits of HMAC-SHA1(secret, keynum daystamp address). */
static const char *prvs_hash(const char *address, const char *secret, char keynum,
                             const char *day) {
  char *src = str_sprintf("%c%s%s", keynum, day, address);
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  HMAC(EVP_sha1(), secret, (int)strlen(secret), (const unsigned char *)src, strlen(src), d, &n);
  gstring *g = hex(NULL, d, 3);
  return g_str(g);
}

static long today(void) { return (long)(time(NULL) / 86400); }

ev_rc item_prvs(char **sub, int nargs, gstring **out) {
  const char *addr = sub[0];
  const char *at = strrchr(addr, '@');
  if (!at || at == addr || !at[1]) return ev_fail("prvs first argument must be a qualified email address");
  char keynum = '0';
  if (nargs > 2) {
    if (strlen(sub[2]) != 1 || !isdigit(uc(sub[2][0])))
      return ev_fail("prvs third argument must be a single digit");
    keynum = sub[2][0];
  }
  char *day = str_sprintf("%03ld", (today() + 7) % 1000);
  const char *h = prvs_hash(addr, sub[1], keynum, day);
  *out = g_fmt(*out, "prvs=%c%s%s=%s", keynum, day, h, addr);
  return EV_OK;
}

ev_rc item_prvscheck(const enode *n, gstring **out) {
  char *addr = eval_to_str(n->args[0]);
  if (!addr) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *err;
  const regex *re = regex_get("^prvs\\=([0-9])([0-9]{3})([A-F0-9]{6})\\=(.+)\\@(.+)$",
                              REGEX_CASELESS, &err);
  const char *caps[6];
  int nc = 0;
  if (!re || regex_match(re, addr, strlen(addr), caps, 6, &nc, &err) <= 0 || nc < 6) {
    /* not a prvs address: the item is empty; the other arguments are still
     * checked by expanding them */
    for (int i = 1; i < n->nargs; i++)
      if (!eval_to_str(n->args[i])) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
    return EV_OK;
  }
  const char *decoded = str_sprintf("%s@%s", caps[4], caps[5]);
  const char **a = expand_var_slot("prvscheck_address");
  const char **k = expand_var_slot("prvscheck_keynum");
  const char **r = expand_var_slot("prvscheck_result");
  *a = decoded;
  *k = caps[1];
  char *secret = eval_to_str(n->args[1]);
  if (!secret) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *h = prvs_hash(decoded, secret, caps[1][0], caps[2]);
  bool ok = str_eqic(h, caps[3]);
  if (ok) {
    long now = today() % 1000;
    long exp = strtol(caps[2], NULL, 10);
    long diff = (exp - now + 1000) % 1000;
    ok = diff <= 7;
  }
  *r = ok ? "1" : "";
  ev_rc rc = EV_OK;
  char *third = n->nargs > 2 ? eval_to_str(n->args[2]) : "";
  if (!third) rc = expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  else if (*third) *out = g_cat(*out, third);
  else *out = g_cat(*out, decoded);
  *a = NULL;
  *k = NULL;
  return rc;
}

/* ---------------- imapfolder (modified UTF-7) ---------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static gstring *flush_utf16(gstring *g, const unsigned char *u, size_t n) {
  if (!n) return g;
  g = g_catc(g, '&');
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (unsigned)u[i] << 16 | (unsigned)u[i + 1] << 8 | u[i + 2];
    g = g_catc(g, b64[v >> 18 & 63]);
    g = g_catc(g, b64[v >> 12 & 63]);
    g = g_catc(g, b64[v >> 6 & 63]);
    g = g_catc(g, b64[v & 63]);
  }
  if (n - i == 1) {
    unsigned v = (unsigned)u[i] << 16;
    g = g_catc(g, b64[v >> 18 & 63]);
    g = g_catc(g, b64[v >> 12 & 63]);
  } else if (n - i == 2) {
    unsigned v = (unsigned)u[i] << 16 | (unsigned)u[i + 1] << 8;
    g = g_catc(g, b64[v >> 18 & 63]);
    g = g_catc(g, b64[v >> 12 & 63]);
    g = g_catc(g, b64[v >> 6 & 63]);
  }
  return g_catc(g, '-');
}

/* Next code point of UTF-8 text (a lone invalid byte is taken as Latin-1). */
static unsigned next_cp(const unsigned char **pp) {
  const unsigned char *p = *pp;
  unsigned c = *p;
  int extra = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  if (c < 0x80 || !extra) {
    *pp = p + 1;
    return c;
  }
  unsigned v = c & (0x3f >> extra);
  for (int i = 1; i <= extra; i++) {
    if ((p[i] & 0xc0) != 0x80) {
      *pp = p + 1;
      return c;
    }
    v = v << 6 | (p[i] & 0x3f);
  }
  *pp = p + extra + 1;
  return v;
}

ev_rc item_imapfolder(char **sub, int nargs, gstring **out) {
  char sep = nargs > 1 ? sub[1][0] : '/';
  if (nargs > 1 && strlen(sub[1]) != 1)
    return ev_fail("imapfolder: separator must be a single character");
  const char *specials = nargs > 2 ? sub[2] : "";
  gstring *g = g_new(32, false);
  size_t cap = 64, n = 0;
  unsigned char *u = store_get(cap, false);
  const unsigned char *p = (const unsigned char *)sub[0];
  while (*p) {
    unsigned c = *p;
    bool encode = c >= 0x80 || (c && strchr(specials, (int)c));
    if (!encode) {
      g = flush_utf16(g, u, n);
      n = 0;
      p++;
      if ((char)c == sep) g = g_catc(g, '.');
      else if (c == '.') return ev_fail("imapfolder: illegal character '.'");
      else if (c == '&') g = g_cat(g, "&-");
      else g = g_catc(g, (char)c);
      continue;
    }
    unsigned cp = next_cp(&p);
    unsigned char units[4];
    size_t k = 0;
    if (cp >= 0x10000) {
      unsigned v = cp - 0x10000, hi = 0xd800 | (v >> 10), lo = 0xdc00 | (v & 0x3ff);
      units[k++] = (unsigned char)(hi >> 8);
      units[k++] = (unsigned char)hi;
      units[k++] = (unsigned char)(lo >> 8);
      units[k++] = (unsigned char)lo;
    } else {
      units[k++] = (unsigned char)(cp >> 8);
      units[k++] = (unsigned char)cp;
    }
    if (n + k > cap) {
      unsigned char *nu = store_get(cap * 2, false);
      memcpy(nu, u, n);
      u = nu;
      cap *= 2;
    }
    memcpy(u + n, units, k);
    n += k;
  }
  g = flush_utf16(g, u, n);
  *out = g_catn(*out, sub[0], 0);   /* keeps the name's taint */
  *out = g_catn(*out, g->s, g->len);
  return EV_OK;
}

/* ---------------- readsocket ---------------- */

static int connect_unix(const char *path, const char **err) {
  int fd = sock_connect_unix(path);
  if (fd < 0)
    *err = errno == ENAMETOOLONG ? str_sprintf("unix domain socket name %s is too long", path)
                                 : str_sprintf("failed to connect to socket %s: %s", path, strerror(errno));
  return fd;
}

static int connect_inet(const char *spec, int timeout, const char **err) {
  /* host:port, host may be [addr] */
  const char *host, *port;
  char *s = str_copy(spec);
  if (*s == '[') {
    char *e = strchr(s, ']');
    if (!e || e[1] != ':') {
      *err = str_sprintf("missing port for readsocket %s", spec);
      return -1;
    }
    *e = 0;
    host = s + 1;
    port = e + 2;
  } else {
    char *c = strrchr(s, ':');
    if (!c) {
      *err = str_sprintf("missing port for readsocket %s", spec);
      return -1;
    }
    *c = 0;
    host = s;
    port = c + 1;
  }
  int gai_rc, last;
  int fd = sock_connect_tcp(host, port, timeout, &gai_rc, &last);
  if (fd >= 0) return fd;
  if (gai_rc != 0) {
    *err = gai_rc == EAI_SERVICE ? str_sprintf("invalid port \"%s\" for readsocket", port)
                                 : str_sprintf("no IP address found for host %s", host);
    return -1;
  }
  *err = str_sprintf("failed to connect to any address for %s: %s", host, strerror(last));
  return -1;
}

ev_rc item_readsocket(const enode *n, char **sub, gstring **out) {
  int timeout = 5;
  bool do_shutdown = true;
  if (is_tainted(sub[0]))
    return ev_fail("attempt to use tainted value '%s' for socket name of readsocket", sub[0]);
  if (n->nargs > 2 && *sub[2]) {
    const char *lp = sub[2];
    int sep = 0;
    char *it;
    bool first = true;
    while ((it = list_next(&lp, &sep))) {
      if (first) {
        first = false;
        char *end;
        long t = strtol(it, &end, 10);
        if (end == it) return ev_fail("bad time value %s", it);
        switch (*end) {
        case 'm': t *= 60; break;
        case 'h': t *= 3600; break;
        case 'd': t *= 86400; break;
        default: break;
        }
        timeout = (int)t;
        continue;
      }
      if (strcmp(it, "shutdown=no") == 0) do_shutdown = false;
      else if (strcmp(it, "shutdown=yes") == 0) do_shutdown = true;
      else if (strncmp(it, "cache=", 6) == 0) continue;
      else if (strcmp(it, "tls=no") == 0) continue;
      else if (strcmp(it, "tls=yes") == 0)
        return ev_fail("TLS for readsocket is not in this build yet: it arrives with the TLS layer");
    }
  }
  const char *err = NULL;
  int fd = strncmp(sub[0], "inet:", 5) == 0 ? connect_inet(sub[0] + 5, timeout, &err)
                                             : connect_unix(sub[0], &err);
  gstring *data = NULL;
  if (fd >= 0) {
    size_t len = strlen(sub[1]), off = 0;
    while (off < len) {
      ssize_t w = write(fd, sub[1] + off, len - off);
      if (w <= 0) {
        err = str_sprintf("request write to socket failed: %s", strerror(errno));
        break;
      }
      off += (size_t)w;
    }
    if (!err && do_shutdown) shutdown(fd, SHUT_WR);
    data = g_new(256, true);
    while (!err) {
      struct pollfd pf = {.fd = fd, .events = POLLIN};
      int pr = poll(&pf, 1, timeout * 1000);
      if (pr == 0) {
        err = "socket read timed out";
        break;
      }
      if (pr < 0) {
        if (errno == EINTR) continue;
        err = str_sprintf("socket read failed: %s", strerror(errno));
        break;
      }
      char buf[4096];
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) break;
      data = g_catn(data, buf, (size_t)r);
    }
    close(fd);
  }
  if (err) {
    if (n->nargs > 4) {
      *out = g_cat(*out, sub[4]);
      return EV_OK;
    }
    return ev_fail("%s", err);
  }
  if (n->nargs > 3) {
    *out = g_catn(*out, data->s, 0);
    for (size_t i = 0; i < data->len; i++) {
      if (data->s[i] == '\n') *out = g_cat(*out, sub[3]);
      else *out = g_catc(*out, data->s[i]);
    }
  } else
    *out = g_catn(*out, data->s, data->len);
  return EV_OK;
}
