/* appendfile_run.c - the appendfile transport's delivery entry (spec
 * chapter 26): where the message goes (file, directory, or the path a
 * redirection gave in $address_file), the checks on that path, the
 * dispatch to the mbox, directory, maildir and mailstore writers, and the
 * outcome on every address of the batch.  Also the writing of one copy
 * (message_prefix, BSMTP envelope, message, message_suffix) that all the
 * forms share.
 *
 * Entry points: appendfile_deliver(), appendfile_batch_max() (used by
 * appendfile.c's transport_ops), af_fail(), af_write_copy().
 * Must never: accept a relative or tainted path; report success for a
 * copy that was not completely written.
 */
#include "appendfile_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/fdio.h"
#include "../base/list.h"
#include "../base/str.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../expand/variables.h"
#include "write.h"

void af_fail(af_ctx *c, int rc, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(NULL, fmt, ap);
  va_end(ap);
  c->rc = rc;
  c->basic_errno = err;
  c->message = g_str(g);
}

/* Expand an optional string option: NULL for unset or forced failure;
 * false on another failure (recorded). */
static bool expand_opt(af_ctx *c, const char *value, const char *what, const char **out) {
  *out = NULL;
  if (!value) return true;
  const char *v = expand_cstring(value);
  if (!v) {
    if (expand_status.forced_fail) return true;
    /* exim4 gives no reason here */
    af_fail(c, DEFER, ERRNO_EXPANDFAIL, "Expansion of \"%s\" (%s for %s transport) failed", value, what,
            c->t->drv.name);
    return false;
  }
  *out = v;
  return true;
}

/* A line of the BSMTP envelope. */
static bool bsmtp_line(af_ctx *c, int fd, const char *text) {
  gstring *g = g_cat(NULL, text);
  g = g_cat(g, c->ob->use_crlf ? "\r\n" : "\n");
  return transport_write_string(fd, g->s, g->len);
}

/* The address a BSMTP RCPT command names (affixes dropped unless
 * rcpt_include_affixes). */
static const char *rcpt_address(af_ctx *c, const address_item *a) {
  if (c->t->rcpt_include_affixes || (!a->prefix && !a->suffix) || !a->local_part || !a->domain)
    return a->address;
  return str_sprintf("%s@%s", a->local_part, a->domain);
}

static void write_failed(af_ctx *c, const char *where) {
  int e = errno;
  af_fail(c, DEFER, e, "%s", transport_write_failure_text(NULL, where));
}

bool af_write_copy(af_ctx *c, int fd, const char *where) {
  appendfile_options *ob = c->ob;
  const char *prefix, *suffix;
  if (!expand_opt(c, ob->message_prefix, "prefix", &prefix)) return false;
  if (prefix && *prefix && !transport_write_string(fd, prefix, strlen(prefix))) {
    write_failed(c, where);
    return false;
  }
  unsigned flags = ob->use_crlf || c->mbx ? TW_CRLF : 0;
  if (ob->use_bsmtp) {
    const char *err = NULL;
    const char *rp = transport_return_path(c->t, c->addr, &err);
    if (!rp) {
      af_fail(c, DEFER, ERRNO_EXPANDFAIL, "%s", err);
      return false;
    }
    bool ok = bsmtp_line(c, fd, str_sprintf("MAIL FROM:<%s>", rp));
    for (address_item *a = c->addr; a && ok; a = a->next)
      ok = bsmtp_line(c, fd, str_sprintf("RCPT TO:<%s>", rcpt_address(c, a)));
    if (ok) ok = bsmtp_line(c, fd, "DATA");
    if (!ok) {
      write_failed(c, where);
      return false;
    }
    flags |= TW_END_DOT;
  }
  transport_write_opts o = {
      .fd = fd,
      .flags = flags,
      .t = c->t,
      .addr = c->addr,
      .check_string = ob->check_string,
      .escape_string = ob->escape_string,
  };
  const char *error = NULL;
  int code = 0;
  if (!transport_write_message(&o, &error, &code)) {
    if (code == EDQUOT)
      af_fail(c, DEFER, code, "mailbox is full (system quota exceeded while writing to %s)", where);
    else if (code == ERRNO_UNKNOWNERROR && error)   /* a transport filter that could not be set up */
      af_fail(c, DEFER, code, "%s", error);
    else
      af_fail(c, DEFER, code, "%s", transport_write_failure_text(error, where));
    return false;
  }
  if (!expand_opt(c, ob->message_suffix, "suffix", &suffix)) return false;
  if (suffix && *suffix && !transport_write_string(fd, suffix, strlen(suffix))) {
    write_failed(c, where);
    return false;
  }
  return true;
}

/* Where the message goes: file or directory (expanded), else the path a
 * redirection generated.  false with the failure recorded. */
static bool find_path(af_ctx *c) {
  appendfile_options *ob = c->ob;
  address_item *a = c->addr;
  const char *raw = ob->file ? ob->file : ob->directory;
  c->is_dir = ob->directory != NULL;
  if (raw) {
    const char *v = expand_cstring(raw);
    if (!v) {
      af_fail(c, DEFER, ERRNO_UNKNOWNERROR,
              "Expansion of \"%s\" (file or directory name for %s transport) failed: %s", raw, c->t->drv.name,
              expand_status.message);
      return false;
    }
    c->path = v;
  } else if (a->address && a->address[0] == '/') {
    c->path = a->address;
    size_t n = strlen(c->path);
    c->is_dir = (a->flags & af_directory) || c->path[n - 1] == '/' || ob->maildir_format ||
                ob->mailstore_format;
  } else {
    af_fail(c, DEFER, ERRNO_BADTRANSPORT, "Mandatory file or directory option missing from %s transport",
            c->t->drv.name);
    return false;
  }
  if (c->path[0] != '/') {
    af_fail(c, DEFER, ERRNO_NOTABSOLUTE, "appendfile: file or directory name \"%s\" is not absolute", c->path);
    return false;
  }
  /* A path from a router's redirection may be tainted: only a create_file
   * path that it lies below makes it acceptable (spec 26.1). */
  if (is_tainted(c->path) && raw) {
    if (ob->create_file_code == CREATE_PATH && af_create_allowed(c, c->path)) {
      c->path = str_copy_taint(c->path, false);
    } else {
      af_fail(c, DEFER, ERRNO_UNKNOWNERROR,
              "Tainted '%s' (file or directory name for %s transport) not permitted", c->path,
              c->t->drv.name);
      return false;
    }
  }
  /* Trailing slashes of a directory are not part of its name. */
  if (c->is_dir) {
    size_t n = strlen(c->path);
    while (n > 1 && c->path[n - 1] == '/') n--;
    c->path = str_copyn(c->path, n);
  }
  return true;
}

/* file_format: the transport an existing mailbox's first bytes call for.
 * NULL with the failure recorded when none matches; c->t when it is this
 * one (a missing or empty file is this transport's). */
static transport_instance *format_transport(af_ctx *c) {
  int fd = open(c->path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return c->t;
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n <= 0) return c->t;
  const char *list = c->ob->file_format;
  int sep = 0;
  char *test, *name;
  while ((test = list_next(&list, &sep)) && (name = list_next(&list, &sep))) {
    size_t len = strlen(test);
    if (len > (size_t)n || memcmp(buf, test, len) != 0) continue;
    if (strcmp(name, c->t->drv.name) == 0) return c->t;
    driver_instance *d = driver_find(&transport_kind, name);
    if (d) return (transport_instance *)d;
    break;
  }
  af_fail(c, DEFER, ERRNO_FORMATUNKNOWN, "mailbox file format unrecognized");
  return NULL;
}

static bool appendfile_deliver(transport_instance *t, address_item *addr) {
  af_ctx c = {0};
  c.t = t;
  c.ob = t->drv.options_block;
  c.addr = addr;
  c.uid = geteuid();
  c.gid = getegid();
  c.mode = c.ob->mode;
  if (addr->mode > 0) {
    c.mode = addr->mode;
    c.mode_forced = true;
  }
  c.maildir = c.ob->maildir_format;
  c.mailstore = c.ob->mailstore_format;
  const char *h = expand_cstring("$home");
  c.home = h && *h ? h : NULL;
  c.mailbox_size = c.mailbox_filecount = -1;
  c.rc = OK;

  int rc;
  transport_instance *other = NULL;
  if (transport_check_size(t, addr) != OK) return true;
  /* The return path first: $return_path in the options is the one this
   * transport sets. */
  const char *rperr = NULL;
  int rperrno = 0;
  if (!transport_local_setup(t, addr, &rperr, &rperrno)) {
    af_fail(&c, DEFER, rperrno, "%s", rperr);
    rc = DEFER;
  } else if (!find_path(&c) || !af_quota_setup(&c)) {
    rc = c.rc;
  } else if (!c.is_dir && strcmp(c.path, "/dev/null") == 0) {
    rc = OK;
  } else if (!c.is_dir && c.ob->file_format && (other = format_transport(&c)) != t) {
    if (other) {
      /* Another transport takes the batch; the log names it. */
      for (address_item *a = addr; a; a = a->next) a->transport = other;
      const transport_ops *ops = other->drv.info ? other->drv.info->kind_ops : NULL;
      return ops && ops->deliver ? ops->deliver(other, addr) : false;
    }
    rc = c.rc;
  } else if (!c.is_dir) {
    rc = af_deliver_file(&c);
  } else if (c.maildir) {
    rc = af_deliver_maildir(&c);
  } else if (c.mailstore) {
    rc = af_deliver_mailstore(&c);
  } else {
    rc = af_deliver_directory(&c);
  }
  for (address_item *a = addr; a; a = a->next) {
    a->transport_return = rc;
    a->basic_errno = rc == OK ? 0 : c.basic_errno;
    a->more_errno = rc == OK ? 0 : c.more_errno;
    a->message = rc == OK ? NULL : c.message;
    if (c.freeze && rc != OK) a->special_action = SPECIAL_FREEZE;
    if (c.warn && rc == OK) a->special_action = SPECIAL_WARN;
  }
  return true;
}

static int appendfile_batch_max(const transport_instance *t) {
  const appendfile_options *ob = t->drv.options_block;
  return ob->batch_max > 0 ? ob->batch_max : 1;
}

const transport_ops appendfile_ops = {
    .local = true,
    .deliver = appendfile_deliver,
    .batch_max = appendfile_batch_max,
    .send_warning = appendfile_send_warning,
};
