/* redirect_list.c - non-filter redirection lists (spec 22.4-22.6, 22.9):
 * comma or newline separated items, # comments, whole-item double quotes,
 * "\local", |pipes, /files and /directories/, :include:, :fail:, :defer:,
 * :blackhole:, :unknown:, and the syntax checking of addresses with
 * Exim's error texts (skipped and logged with skip_syntax_errors).
 *
 * Entry point: rd_parse_list() (redirect_int.h).
 * Must never: read an :include: file given by a relative or tainted name or
 * outside include_directory; recurse without bound.
 */
#include "redirect_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/address.h"
#include "../base/log.h"
#include "../base/store.h"

#define MAX_INCLUDE_DEPTH 10
#define MAX_INCLUDE_SIZE (16 * 1024 * 1024)

static bool starts(const char *s, const char *word) { return str_ncmpic(s, word, strlen(word)) == 0; }

static char *trimmed(const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return str_copyn(s, n);
}

/* The whole content of an :include: file, or NULL with l->text set. */
/* Internal to parse(): the list ends here without an error. */
#define RDL_STOP (-1)

static char *read_include(const char *path, rd_list *l, bool *missing) {
  int fd = open(path, O_RDONLY | O_NOCTTY);
  *missing = false;
  if (fd < 0) {
    int e = errno;
    *missing = e == ENOENT;
    l->text = str_sprintf("failed to open included file %s: %s", path, strerror(e));
    if (e == EACCES)
      l->text = str_sprintf("%s (euid=%ld egid=%ld)", l->text, (long)geteuid(), (long)getegid());
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    /* exim4 opens it and fails to read it */
    l->text = str_sprintf("error while reading included file %s: %s", path, strerror(EISDIR));
    close(fd);
    return NULL;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_INCLUDE_SIZE) {
    l->text = str_sprintf("included file %s is not a regular file", path);
    close(fd);
    return NULL;
  }
  gstring *g = g_new((size_t)st.st_size + 1, false);
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) g = g_catn(g, buf, (size_t)n);
  int e = errno;
  close(fd);
  if (n < 0) {
    l->text = str_sprintf("failed to read included file %s: %s", path, strerror(e));
    return NULL;
  }
  return g_str(g);
}

static void add_item(rd_list *l, rd_item ***tail, rd_item_kind kind, const char *text,
                     bool backslash, bool qualified) {
  rd_item *it = store_zget(sizeof *it, false);
  it->kind = kind;
  it->text = text;
  it->backslash = backslash;
  it->qualified = qualified;
  **tail = it;
  *tail = &it->next;
}

static int parse(const char *s, rd_list *l, rd_item ***tail, int depth) {
  for (;;) {
    while (*s && (isspace((unsigned char)*s) || *s == ',')) s++;
    if (!*s) return RDL_OK;
    if (*s == '#') {
      while (*s && *s != '\n') s++;
      continue;
    }

    if (*s == ':') {
      bool fail = starts(s, ":fail:");
      if (fail || starts(s, ":defer:")) {
        /* The text is the rest of the data, newlines included (exim4):
         * nothing after it is an item. */
        if (!(fail ? l->allow_fail : l->allow_defer)) {
          l->text = str_sprintf("\"%s\" is not permitted", trimmed(s, strcspn(s, "\n")));
          return RDL_ERROR;
        }
        size_t n = strlen(s);
        size_t kw = fail ? 6 : 7;
        l->text = trimmed(s + kw, n - kw);
        return fail ? RDL_FAIL : RDL_DEFER;
      }
      if (starts(s, ":blackhole:")) {
        if (l->forbid_blackhole) {
          l->text = "\":blackhole:\" is not permitted";
          return RDL_ERROR;
        }
        l->blackhole = true;
        s += 11;
        continue;
      }
      if (starts(s, ":unknown:")) return RDL_DECLINE;
      if (starts(s, ":include:")) {
        if (l->forbid_include) {
          l->text = "included files not permitted";
          return RDL_ERROR;
        }
        const char *p = s + 9;
        size_t n = strcspn(p, ",\n");
        const char *path = trimmed(p, n);
        s = p + n;
        if (path[0] != '/') {
          l->text = str_sprintf("included file \"%s\" is not an absolute path", path);
          return RDL_ERROR;
        }
        if (is_tainted(path)) {
          l->text = str_sprintf("Tainted name '%s' for included file not permitted", path);
          return RDL_ERROR;
        }
        if (l->include_directory) {
          size_t dl = strlen(l->include_directory);
          while (dl > 1 && l->include_directory[dl - 1] == '/') dl--;
          if (strncmp(path, l->include_directory, dl) != 0 || path[dl] != '/' ||
              strstr(path, "/../")) {
            l->text = str_sprintf("included file %s is not in directory %s", path,
                                  l->include_directory);
            return RDL_ERROR;
          }
        }
        if (depth >= MAX_INCLUDE_DEPTH) {
          l->text = str_sprintf("too many nested :include: files at %s", path);
          return RDL_ERROR;
        }
        bool missing;
        char *content = read_include(path, l, &missing);
        if (!content) return missing && l->missing_include_ends ? RDL_STOP : RDL_ERROR;
        int rc = parse(content, l, tail, depth + 1);
        if (rc != RDL_OK) return rc;
        continue;
      }
    }

    /* An ordinary item: up to a comma or newline outside quotes, comments
     * and angle brackets. */
    const char *end = address_find_end(s, true);
    char *item = trimmed(s, (size_t)(end - s));
    s = end;
    size_t n = strlen(item);
    if (n >= 2 && item[0] == '"' && item[n - 1] == '"' && !memchr(item + 1, '"', n - 2)) {
      item[n - 1] = 0;
      item++;
    }
    bool backslash = false;
    if (item[0] == '\\') {
      backslash = true;
      item++;
    }
    const char *err = NULL;
    int dom = 0;
    if (item[0] == '|' || item[0] == '/') {
      /* A pipe or a path unless it is an address with a domain. */
      char *a = address_extract(item, &err, NULL, NULL, &dom, false);
      if (a && dom) add_item(l, tail, RDI_ADDRESS, a, backslash, true);
      else add_item(l, tail, item[0] == '|' ? RDI_PIPE : RDI_FILE, item, false, false);
      continue;
    }
    char *a = address_extract(item, &err, NULL, NULL, &dom, false);
    if (!a) {
      if (!err || strcmp(err, "empty address") == 0) continue;   /* only comments */
      if (l->skip_syntax_errors) {
        const char *line = str_sprintf("%s router: skipped error: %s in \"%s\"", l->router_name, err, item);
        if (l->defer_logging) l->log_lines = g_fmt(l->log_lines, "%s\n", line);
        else log_write_msg(l->log_id, LOG_MAIN, "%s", line);
        l->skipped_text = g_fmt(l->skipped_text, "  %s in the address\n  \"%s\"\n\n", err, item);
        l->skipped++;
        continue;
      }
      l->text = str_sprintf("%s in \"%s\"", err, item);
      return RDL_ERROR;
    }
    if (!*a) continue;
    add_item(l, tail, RDI_ADDRESS, a, backslash, dom != 0);
  }
}

int rd_parse_list(const char *data, rd_list *l) {
  rd_item **tail = &l->items;
  l->items = NULL;
  int rc = parse(data, l, &tail, 0);
  return rc == RDL_STOP ? RDL_OK : rc;
}
