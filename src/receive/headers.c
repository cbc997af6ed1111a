/* headers.c - a message's header lines as a list (spool_header): telling a
 * header line from body text, splitting a received header block, the type
 * letters of the -H file (spec 57.1), finding, adding and listing headers.
 *
 * Entry points: see receive_int.h ("headers.c" part).
 * Must never: read past the block it is given, or fail on hostile input
 * (anything that is not a header simply is not one).
 */
#include <string.h>

#include "base/store.h"
#include "base/str.h"
#include "receive/receive_int.h"

bool rcv_is_header_line(const char *line, size_t len) {
  size_t i = 0;
  /* as exim4: any byte above space except DEL and ':' (8-bit ones too,
   * so that verify = header_names_ascii can see them) */
  while (i < len && (unsigned char)line[i] > ' ' && line[i] != 127 && line[i] != ':') i++;
  if (i == 0) return false;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
  return i < len && line[i] == ':';
}

/* Length of the name of a header's text (up to blanks or the colon). */
static size_t name_len(const char *text) {
  size_t n = 0;
  while (text[n] && text[n] != ':' && text[n] != ' ' && text[n] != '\t') n++;
  return n;
}

static bool name_is(const char *text, const char *name) {
  size_t n = name_len(text);
  return n == strlen(name) && str_ncmpic(text, name, n) == 0;
}

char rcv_header_type(const char *text) {
  static const struct { const char *name; char type; } types[] = {
    {"bcc", 'B'}, {"cc", 'C'}, {"from", 'F'}, {"message-id", 'I'}, {"received", 'P'},
    {"reply-to", 'R'}, {"sender", 'S'}, {"to", 'T'},
    {"resent-bcc", 'B'}, {"resent-cc", 'C'}, {"resent-from", 'F'}, {"resent-message-id", 'I'},
    {"resent-reply-to", 'R'}, {"resent-sender", 'S'}, {"resent-to", 'T'},
  };
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (name_is(text, types[i].name)) return types[i].type;
  return ' ';
}

bool rcv_header_is(const spool_header *h, const char *name) {
  return h->type != '*' && name_is(h->text, name);
}

spool_header *rcv_header_find(spool_header *list, const char *name) {
  for (spool_header *h = list; h; h = h->next)
    if (rcv_header_is(h, name)) return h;
  return NULL;
}

char *rcv_header_value(const spool_header *h) {
  const char *colon = strchr(h->text, ':');
  if (!colon) return str_copy("");
  size_t n = strlen(colon + 1);
  if (n && colon[n] == '\n') n--;
  return str_copyn(colon + 1, n);
}

static spool_header *new_header(const char *text, char type) {
  spool_header *h = store_get(sizeof *h, is_tainted(text));
  h->next = NULL;
  h->type = type;
  size_t n = strlen(text);
  gstring *g = g_new(n + 2, is_tainted(text));
  g = g_catn(g, text, n);
  if (!n || text[n - 1] != '\n') g = g_catc(g, '\n');
  h->text = g_str(g);
  return h;
}

spool_header *rcv_header_append(spool_header **list, const char *text, char type) {
  spool_header *h = new_header(text, type);
  while (*list) list = &(*list)->next;
  *list = h;
  return h;
}

spool_header *rcv_header_prepend(spool_header **list, const char *text, char type) {
  spool_header *h = new_header(text, type);
  h->next = *list;
  *list = h;
  return h;
}

spool_header *rcv_parse_headers(const char *block, size_t len) {
  spool_header *head = NULL, **tail = &head;
  size_t i = 0;
  while (i < len) {
    size_t start = i;
    /* one header: this line and the continuation lines after it */
    for (;;) {
      const char *nl = memchr(block + i, '\n', len - i);
      i = nl ? (size_t)(nl - block) + 1 : len;
      if (i >= len || (block[i] != ' ' && block[i] != '\t')) break;
    }
    spool_header *h = store_get(sizeof *h, is_tainted(block));
    h->next = NULL;
    gstring *g = g_new(i - start + 1, is_tainted(block));
    g = g_catn(g, block + start, i - start);
    if (block[i - 1] != '\n') g = g_catc(g, '\n');
    h->text = g_str(g);
    h->type = rcv_header_type(h->text);
    *tail = h;
    tail = &h->next;
  }
  return head;
}

gstring *rcv_headers_block(const spool_header *list) {
  gstring *g = g_new(1024, false);
  for (const spool_header *h = list; h; h = h->next)
    if (h->type != '*') g = g_cat(g, h->text);
  return g;
}

char *rcv_headers_for_log(const spool_header *list) {
  gstring *g = g_new(1024, false);
  for (const spool_header *h = list; h; h = h->next) {
    if (h->type == '*') continue;
    g = g_fmt(g, "%c %s", h->type, h->text);
  }
  if (g->len && g->s[g->len - 1] == '\n') g_trim(g, g->len - 1);
  return g_str(g);
}
