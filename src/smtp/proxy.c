/* proxy.c - the PROXY protocol, versions 1 (text) and 2 (binary), read at
 * the start of a connection from a host in hosts_proxy.  See proxy.h.
 *
 * Entry point: proxy_ops_impl.start (through proxy_ops_hooks).
 * Reading is byte exact: version 1 a byte at a time up to its LF (at most
 * 107 bytes, the protocol's limit), version 2 its 16-byte preamble and then
 * exactly the length it announces, so no SMTP input is swallowed.  All of
 * it within proxy_protocol_timeout.
 *
 * Must never: read past the header, act on a v2 length beyond what was
 * read, or change the peer's identity for a malformed header.
 */
#include "smtp/proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/match.h"

#define V1_MAX 107            /* "PROXY TCP6 " + two full IPv6 + ports + CRLF */
#define V2_MAX_BODY 1024      /* addresses plus TLVs; anything longer is refused */

static const unsigned char v2_sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
                                         0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

typedef struct {
  bool local;                 /* LOCAL (v2) or UNKNOWN (v1): no addresses */
  char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
  int src_port, dst_port;
} header;

typedef enum { RD_OK, RD_EOF, RD_FAIL } rd_result;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Exactly n bytes before the deadline. */
static rd_result read_exact(int fd, unsigned char *buf, size_t n, long long deadline) {
  size_t got = 0;
  while (got < n) {
    long long left = deadline - now_ms();
    if (left <= 0) return RD_FAIL;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return RD_FAIL;
    ssize_t k = read(fd, buf + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return RD_FAIL;
    if (k == 0) return got == 0 ? RD_EOF : RD_FAIL;
    got += (size_t)k;
  }
  return RD_OK;
}

/* A decimal port 0..65535, nothing else. */
static int port_value(const char *s) {
  if (!*s || strlen(s) > 5) return -1;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9') return -1;
  int v = atoi(s);
  return v <= 65535 ? v : -1;
}

/* "PROXY TCP4 src dst sport dport" (line without CRLF). */
static bool parse_v1(char *line, header *h) {
  char *w[7];
  int n = 0;
  for (char *save, *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
    if (n == 7) return false;
    w[n++] = t;
  }
  if (n < 2 || strcmp(w[0], "PROXY") != 0) return false;
  if (strcmp(w[1], "UNKNOWN") == 0) {
    h->local = true;
    return true;
  }
  int family = strcmp(w[1], "TCP4") == 0 ? 4 : strcmp(w[1], "TCP6") == 0 ? 6 : 0;
  if (!family || n != 6) return false;
  if (ip_is_address(w[2], NULL) != family || ip_is_address(w[3], NULL) != family) return false;
  if (strlen(w[2]) >= sizeof h->src || strlen(w[3]) >= sizeof h->dst) return false;
  h->src_port = port_value(w[4]);
  h->dst_port = port_value(w[5]);
  if (h->src_port < 0 || h->dst_port < 0) return false;
  strcpy(h->src, w[2]);
  strcpy(h->dst, w[3]);
  return true;
}

/* The rest of a v1 line after its first byte: up to LF, CRLF required. */
static rd_result read_v1(int fd, char first, char *line, long long deadline) {
  size_t n = 0;
  line[n++] = first;
  while (n < V1_MAX) {
    unsigned char ch;
    rd_result r = read_exact(fd, &ch, 1, deadline);
    if (r != RD_OK) return RD_FAIL;
    if (ch == '\n') {
      if (line[n - 1] != '\r') return RD_FAIL;
      line[n - 1] = 0;
      return RD_OK;
    }
    line[n++] = (char)ch;
  }
  return RD_FAIL;
}

/* The v2 header after its first byte. */
static bool read_parse_v2(int fd, unsigned char first, header *h, long long deadline) {
  unsigned char pre[16];
  pre[0] = first;
  if (read_exact(fd, pre + 1, 15, deadline) != RD_OK) return false;
  if (memcmp(pre, v2_sig, sizeof v2_sig) != 0) return false;
  int version = pre[12] >> 4, command = pre[12] & 0x0f;
  int family = pre[13];
  size_t len = ((size_t)pre[14] << 8) | pre[15];
  if (version != 2 || command > 1 || len > V2_MAX_BODY) return false;
  unsigned char body[V2_MAX_BODY];
  if (len && read_exact(fd, body, len, deadline) != RD_OK) return false;
  if (command == 0) {           /* LOCAL: the proxy speaking for itself */
    h->local = true;
    return true;
  }
  if (family == 0x11) {         /* TCP over IPv4 */
    if (len < 12) return false;
    inet_ntop(AF_INET, body, h->src, sizeof h->src);
    inet_ntop(AF_INET, body + 4, h->dst, sizeof h->dst);
    h->src_port = (body[8] << 8) | body[9];
    h->dst_port = (body[10] << 8) | body[11];
    return true;
  }
  if (family == 0x21) {         /* TCP over IPv6 */
    if (len < 36) return false;
    inet_ntop(AF_INET6, body, h->src, sizeof h->src);
    inet_ntop(AF_INET6, body + 16, h->dst, sizeof h->dst);
    h->src_port = (body[32] << 8) | body[33];
    h->dst_port = (body[34] << 8) | body[35];
    return true;
  }
  if (family == 0x00) {         /* UNSPEC with PROXY: addresses unknown */
    h->local = true;
    return true;
  }
  return false;
}

/* Read and parse whichever version arrives.  RD_EOF: the peer closed
 * without sending anything. */
static rd_result read_header(int fd, header *h, long long deadline) {
  unsigned char first;
  rd_result r = read_exact(fd, &first, 1, deadline);
  if (r != RD_OK) return r;
  if (first == v2_sig[0]) return read_parse_v2(fd, first, h, deadline) ? RD_OK : RD_FAIL;
  char line[V1_MAX + 1];
  if (first != 'P') {
    /* not a proxy header at all: the line is consumed, as Exim does */
    (void)read_v1(fd, (char)first, line, deadline);
    return RD_FAIL;
  }
  if (read_v1(fd, (char)first, line, deadline) != RD_OK) return RD_FAIL;
  return parse_v1(line, h) ? RD_OK : RD_FAIL;
}

static bool proxy_start(smtp_conn *c) {
  const char *err = NULL;
  if (!mainconf.hosts_proxy || !c->host_address ||
      match_host_list(NULL, c->host_address, mainconf.hosts_proxy, &err) != MATCH_YES)
    return true;

  int timeout = mainconf.proxy_protocol_timeout > 0 ? mainconf.proxy_protocol_timeout : 3;
  header h;
  memset(&h, 0, sizeof h);
  rd_result r = read_header(c->in.fd, &h, now_ms() + (long long)timeout * 1000);
  if (r == RD_EOF) return false;

  c->proxy_session = true;
  if (r == RD_OK && !h.local) {
    DEBUG(D_receive) debug_printf("PROXY header: client %s.%d, proxy outside %s.%d\n", h.src, h.src_port,
                                  h.dst, h.dst_port);
    c->proxy_local_address = c->host_address;
    c->proxy_local_port = c->host_port;
    c->proxy_external_address = str_copy_taint(h.dst, true);
    c->proxy_external_port = h.dst_port;
    c->host_address = str_copy_taint(h.src, true);
    c->host_port = h.src_port;
  } else {
    DEBUG(D_receive) debug_printf("PROXY header %s: connection goes on from the proxy's address\n",
                                  r == RD_OK ? "without addresses" : "missing or malformed");
  }
  conn_publish(c);
  return true;
}

const struct proxy_ops proxy_ops_impl = {.start = proxy_start};
