/* spool_write.c - writes a message's -D and -H files as Exim 4.96 does
 * (spec chapter 57), durably: temporary -D, fsync, rename; temporary -H,
 * fsync, rename; fsync of the directory.  Only then may reception say 250.
 * Entry points: spool_msg_init, spool_input_dir, spool_header_text,
 * spool_data_open, spool_data_write, spool_commit, spool_abort, spool_close,
 * spool_write_message, spool_update_header, spool_failure_code.
 * Never leaves a truncated file under a final name; on any failure it
 * removes its temporaries (and a -D it had renamed) and reports the error. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "spool/spool.h"

static ssize_t plain_write(int fd, const void *buf, size_t n) {
  return write(fd, buf, n);
}
ssize_t (*spool_write_fn)(int fd, const void *buf, size_t n) = plain_write;

void spool_msg_init(spool_msg *m) {
  memset(m, 0, sizeof *m);
  m->sender = "";
  m->originator_login = "";
}

char *spool_input_dir(const char *spool_directory, bool split, const char *id) {
  if (split) return str_sprintf("%s/input/%c", spool_directory, id[5]);
  return str_sprintf("%s/input", spool_directory);
}

/* "-name value" or "--name value" for a tainted value. */
static gstring *var_line(gstring *g, const char *name, const char *val) {
  g = g_catc(g, '-');
  if (is_tainted(val)) g = g_catc(g, '-');
  return g_fmt(g, "%s %s\n", name, val);
}

/* A certificate (PEM) on one line: its line breaks left out.  spool_read
 * puts them back (after the BEGIN line, every 64 base64 characters, before
 * the END line), which gives the PEM that OpenSSL writes. */
static gstring *pem_line(gstring *g, const char *name, const char *pem) {
  g = g_catc(g, '-');
  if (is_tainted(pem)) g = g_catc(g, '-');
  g = g_fmt(g, "%s ", name);
  for (const char *p = pem; *p; p++)
    if (*p != '\n' && *p != '\r') g = g_catc(g, *p);
  return g_catc(g, '\n');
}

static gstring *tree_out(gstring *g, const spool_tree *t) {
  g = g_fmt(g, "%c%c %s\n", t->left ? 'Y' : 'N', t->right ? 'Y' : 'N', t->name);
  if (t->left) g = tree_out(g, t->left);
  if (t->right) g = tree_out(g, t->right);
  return g;
}

/* ACL variables go out as Exim walks its two balanced trees (connection
 * variables, then message ones): each tree is built by inserting the names
 * in the order the variables were first set (the list's order) and written
 * root first (pre-order), e.g. a, b, c, d set in that order give b a c d
 * (checked against exim4). */
static const spool_aclvar *aclvar_find(const spool_aclvar *list, char scope, const char *name) {
  for (const spool_aclvar *v = list; v; v = v->next)
    if (v->scope == scope && strcmp(v->name, name) == 0) return v;
  return NULL;
}

static gstring *aclvar_tree_out(gstring *g, const spool_tree *t, const spool_aclvar *list, char scope) {
  if (!t) return g;
  const spool_aclvar *v = aclvar_find(list, scope, t->name);
  g = g_catc(g, '-');
  if (is_tainted(v->value)) g = g_catc(g, '-');
  g = g_fmt(g, "acl%c %s %zu\n%s\n", scope, v->name, strlen(v->value), v->value);
  g = aclvar_tree_out(g, t->left, list, scope);
  return aclvar_tree_out(g, t->right, list, scope);
}

static gstring *aclvars_out(gstring *g, const spool_aclvar *list) {
  static const char scopes[] = {'c', 'm'};
  for (int k = 0; k < 2; k++) {
    spool_tree *root = NULL;
    for (const spool_aclvar *v = list; v; v = v->next)
      if (v->scope == scopes[k]) spool_tree_insert(&root, v->name);
    g = aclvar_tree_out(g, root, list, scopes[k]);
  }
  return g;
}

char *spool_header_text(const spool_msg *m, size_t *len) {
  gstring *g = g_new(1024, false);
  g = g_fmt(g, "%s-H\n", m->id);
  g = g_fmt(g, "%.63s %ld %ld\n", m->originator_login, (long)m->originator_uid,
            (long)m->originator_gid);
  g = g_fmt(g, "<%s>\n", m->sender ? m->sender : "");
  g = g_fmt(g, "%ld %d\n", m->received_sec, m->warning_count);
  g = g_fmt(g, "-received_time_usec .%06d\n", m->received_usec);
  g = g_fmt(g, "-received_time_complete %ld.%06d\n", m->complete_sec,
            m->complete_usec);
  if (m->helo_name) g = var_line(g, "helo_name", m->helo_name);
  if (m->host_address) {
    if (is_tainted(m->host_address)) g = g_catc(g, '-');
    g = g_fmt(g, "-host_address [%s]:%d\n", m->host_address, m->host_port);
    if (m->host_name) g = var_line(g, "host_name", m->host_name);
  }
  if (m->host_auth) g = var_line(g, "host_auth", m->host_auth);
  if (m->host_auth_pubname) g = var_line(g, "host_auth_pubname", m->host_auth_pubname);
  if (m->interface_address) {
    if (is_tainted(m->interface_address)) g = g_catc(g, '-');
    g = g_fmt(g, "-interface_address [%s]:%d\n", m->interface_address,
              m->interface_port);
  }
  if (m->active_hostname) g = var_line(g, "active_hostname", m->active_hostname);
  if (m->ident) g = var_line(g, "ident", m->ident);
  if (m->received_protocol) g = var_line(g, "received_protocol", m->received_protocol);
  g = aclvars_out(g, m->aclvars);
  if (m->wireformat) g = g_cat(g, "-spool_file_wireformat\n");
  else g = g_fmt(g, "-body_linecount %d\n", m->body_linecount);
  g = g_fmt(g, "-max_received_linelength %d\n", m->max_received_linelength);
  if (m->body_zerocount > 0) g = g_fmt(g, "-body_zerocount %d\n", m->body_zerocount);
  if (m->auth_id) g = var_line(g, "auth_id", m->auth_id);
  if (m->auth_sender) g = var_line(g, "auth_sender", m->auth_sender);
  if (m->allow_unqualified_recipient) g = g_cat(g, "-allow_unqualified_recipient\n");
  if (m->allow_unqualified_sender) g = g_cat(g, "-allow_unqualified_sender\n");
  if (m->deliver_firsttime) g = g_cat(g, "-deliver_firsttime\n");
  if (m->frozen) g = g_fmt(g, "-frozen %ld\n", m->frozen_at);
  if (m->dont_deliver) g = g_cat(g, "-N\n");
  if (m->host_lookup_deferred) g = g_cat(g, "-host_lookup_deferred\n");
  if (m->host_lookup_failed) g = g_cat(g, "-host_lookup_failed\n");
  if (m->local) g = g_cat(g, "-local\n");
  if (m->localerror) g = g_cat(g, "-localerror\n");
  if (m->local_scan) g = var_line(g, "local_scan", m->local_scan);
  if (m->spam_bar) g = var_line(g, "spam_bar", m->spam_bar);
  if (m->spam_score) g = var_line(g, "spam_score", m->spam_score);
  if (m->spam_score_int) g = var_line(g, "spam_score_int", m->spam_score_int);
  if (m->manual_thaw) g = g_cat(g, "-manual_thaw\n");
  if (m->sender_set_untrusted) g = g_cat(g, "-sender_set_untrusted\n");
  if (m->tls_certificate_verified) g = g_cat(g, "-tls_certificate_verified\n");
  if (m->tls_cipher) g = var_line(g, "tls_cipher", m->tls_cipher);
  if (m->tls_peercert) g = pem_line(g, "tls_peercert", m->tls_peercert);
  if (m->tls_peerdn) g = var_line(g, "tls_peerdn", m->tls_peerdn);
  if (m->tls_sni) g = var_line(g, "tls_sni", m->tls_sni);
  if (m->tls_ourcert) g = pem_line(g, "tls_ourcert", m->tls_ourcert);
  if (m->tls_ocsp) g = g_fmt(g, "-tls_ocsp %d\n", m->tls_ocsp);
  g = g_fmt(g, "-tls_resumption %c\n", 'A' + m->tls_resumption);
  if (m->tls_ver) g = var_line(g, "tls_ver", m->tls_ver);
  if (m->smtputf8) {
    g = g_cat(g, "-smtputf8\n");
    if (m->utf8_downcvt)
      g = g_fmt(g, "-utf8_downcvt %s\n", m->utf8_downcvt < 0 ? "optional" : "yes");
  }
  if (m->dsn_envid) g = g_fmt(g, "-dsn_envid %s\n", m->dsn_envid);
  if (m->dsn_ret) g = g_fmt(g, "-dsn_ret %d\n", m->dsn_ret);

  if (m->nonrecipients) g = tree_out(g, m->nonrecipients);
  else g = g_cat(g, "XX\n");
  g = g_fmt(g, "%d\n", m->recipients_count);
  for (int i = 0; i < m->recipients_count; i++) {
    const spool_recipient *r = &m->recipients[i];
    if (r->pno < 0 && !r->errors_to && r->dsn_flags == 0) {
      g = g_fmt(g, "%s\n", r->address);
    } else {
      const char *e = r->errors_to ? r->errors_to : "";
      const char *o = r->orcpt ? r->orcpt : "";
      g = g_fmt(g, "%s %s %zu,%d %s %zu,%d#3\n", r->address, o, strlen(o),
                r->dsn_flags, e, strlen(e), r->pno);
    }
  }
  g = g_catc(g, '\n');
  for (const spool_header *h = m->headers; h; h = h->next)
    g = g_fmt(g, "%03zu%c %s", strlen(h->text), h->type, h->text);
  char *s = g_str(g);
  if (len) *len = strlen(s);
  return s;
}

/* ---- files ---- */

static bool write_all(int fd, const char *buf, size_t n, const char *name,
                      const char **error) {
  while (n > 0) {
    ssize_t w = spool_write_fn(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = ENOSPC;
      *error = str_sprintf("write failed for %s: %s", name,
                           w < 0 ? strerror(errno) : "no progress (disk full?)");
      return false;
    }
    buf += w;
    n -= (size_t)w;
  }
  return true;
}

/* mkdir -p for <spool>/input[/x], mode 0750 as Exim makes them. */
static bool make_dirs(const char *path, const char **error) {
  char *p = str_copy(path);
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == 0) {
      char c = *s;
      *s = 0;
      if (mkdir(p, 0750) < 0 && errno != EEXIST) {
        *error = str_sprintf("failed to create directory %s: %s", p, strerror(errno));
        return false;
      }
      *s = c;
      if (!c) break;
    }
  }
  return true;
}

static bool fsync_dir(const char *dir, const char **error) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0 || fsync(fd) < 0) {
    *error = str_sprintf("failed to sync directory %s: %s", dir, strerror(errno));
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  return true;
}

bool spool_data_open(spool_ctx *c, const char *spool_directory, bool split,
                     const char *id, const char **error) {
  memset(c, 0, sizeof *c);
  c->data_fd = -1;
  if (!message_id_valid(id)) {
    *error = str_sprintf("invalid message id \"%s\"", id);
    errno = EINVAL;
    return false;
  }
  memcpy(c->id, id, MESSAGE_ID_LENGTH + 1);
  c->dir = spool_input_dir(spool_directory, split, id);
  c->data_tmp = str_sprintf("%s/dat.%s", c->dir, id);
  c->data_final = str_sprintf("%s/%s-D", c->dir, id);
  c->hdr_tmp = str_sprintf("%s/hdr.%s", c->dir, id);
  c->hdr_final = str_sprintf("%s/%s-H", c->dir, id);
  if (!make_dirs(c->dir, error)) return false;
  struct stat st;
  if (lstat(c->hdr_final, &st) == 0 || lstat(c->data_final, &st) == 0) {
    *error = str_sprintf("spool files for message %s already exist in %s", id, c->dir);
    errno = EEXIST;
    return false;
  }
  c->data_fd = open(c->data_tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (c->data_fd < 0) {
    *error = str_sprintf("failed to create spool file %s: %s", c->data_tmp,
                         strerror(errno));
    return false;
  }
  char *first = str_sprintf("%s-D\n", id);
  if (!write_all(c->data_fd, first, strlen(first), c->data_tmp, error)) {
    spool_abort(c);
    return false;
  }
  return true;
}

bool spool_data_write(spool_ctx *c, const char *buf, size_t n,
                      const char **error) {
  if (!write_all(c->data_fd, buf, n, c->data_tmp, error)) {
    spool_abort(c);
    return false;
  }
  return true;
}

void spool_abort(spool_ctx *c) {
  int saved = errno;           /* the caller's answer depends on the cause */
  if (c->data_fd >= 0) close(c->data_fd);
  c->data_fd = -1;
  if (c->data_tmp) unlink(c->data_tmp);
  if (c->hdr_tmp) unlink(c->hdr_tmp);
  if (c->data_renamed) unlink(c->data_final);
  c->data_renamed = false;
  errno = saved;
}

void spool_close(spool_ctx *c) {
  if (c->data_fd >= 0) close(c->data_fd);
  c->data_fd = -1;
}

/* Writes the -H text for m into tmp and fsyncs it; on failure removes tmp
 * and keeps errno. */
static bool write_header_tmp(const char *tmp, const spool_msg *m, const char **error) {
  size_t len;
  char *text = spool_header_text(m, &len);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    *error = str_sprintf("failed to create spool file %s: %s", tmp, strerror(errno));
    return false;
  }
  bool ok = write_all(fd, text, len, tmp, error);
  if (ok && fsync(fd) < 0) {
    *error = str_sprintf("fsync failed for %s: %s", tmp, strerror(errno));
    ok = false;
  }
  int saved = errno;
  if (close(fd) < 0 && ok) {
    *error = str_sprintf("close failed for %s: %s", tmp, strerror(errno));
    saved = errno;
    ok = false;
  }
  if (!ok) unlink(tmp);
  errno = saved;
  return ok;
}

bool spool_commit(spool_ctx *c, const spool_msg *m, const char **error) {
  if (strcmp(m->id, c->id) != 0) {
    *error = str_sprintf("message id %s does not match the spool file %s", m->id, c->id);
    errno = EINVAL;
    spool_abort(c);
    return false;
  }
  if (fsync(c->data_fd) < 0) {
    *error = str_sprintf("fsync failed for %s: %s", c->data_tmp, strerror(errno));
    goto fail;
  }
  if (rename(c->data_tmp, c->data_final) < 0) {
    *error = str_sprintf("failed to rename %s: %s", c->data_tmp, strerror(errno));
    goto fail;
  }
  c->data_renamed = true;
  /* The -D file is locked as Exim locks it while a message is in use. */
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  if (fcntl(c->data_fd, F_SETLK, &fl) < 0) {
    *error = str_sprintf("failed to lock %s: %s", c->data_final, strerror(errno));
    goto fail;
  }
  if (!write_header_tmp(c->hdr_tmp, m, error)) goto fail;
  if (rename(c->hdr_tmp, c->hdr_final) < 0) {
    *error = str_sprintf("failed to rename %s: %s", c->hdr_tmp, strerror(errno));
    goto fail;
  }
  if (!fsync_dir(c->dir, error)) {
    /* The message is not known to be durable: take it back. */
    unlink(c->hdr_final);
    goto fail;
  }
  return true;
fail:
  spool_abort(c);
  return false;
}

bool spool_update_header(const char *spool_directory, bool split,
                         const spool_msg *m, const char **error) {
  char *dir = spool_input_dir(spool_directory, split, m->id);
  char *tmp = str_sprintf("%s/hdr.%s", dir, m->id);
  char *final = str_sprintf("%s/%s-H", dir, m->id);
  struct stat st;
  if (lstat(final, &st) < 0) {
    *error = str_sprintf("spool file %s: %s", final, strerror(errno));
    return false;
  }
  if (!write_header_tmp(tmp, m, error)) return false;
  if (rename(tmp, final) < 0) {
    int saved = errno;
    *error = str_sprintf("failed to rename %s: %s", tmp, strerror(errno));
    unlink(tmp);
    errno = saved;
    return false;
  }
  return fsync_dir(dir, error);
}

int spool_failure_code(int err) {
  return err == ENOSPC || err == EDQUOT ? 452 : 451;
}

bool spool_write_message(const char *spool_directory, bool split,
                         const spool_msg *m, const char *body, size_t body_len,
                         const char **error) {
  spool_ctx c;
  if (!spool_data_open(&c, spool_directory, split, m->id, error)) return false;
  if (body_len && !spool_data_write(&c, body, body_len, error)) return false;
  if (!spool_commit(&c, m, error)) return false;
  spool_close(&c);
  return true;
}
