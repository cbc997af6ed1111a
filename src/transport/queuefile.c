/* queuefile.c - the queuefile transport (experimental, EXPERIMENTAL_QUEUEFILE;
 * seed text "Queuefile transport"): its one option, "directory" (expanded
 * at delivery), which must be set.  The generic transport options are
 * accepted and ignored by this transport.  Delivery copies the message's
 * spool files, -D first and -H last (so that a process watching the
 * directory sees a complete message once the -H file is there), keeping
 * the spool format: a hard link when the directory is on the spool's file
 * system, else a copy written under a temporary name and renamed.
 * Entry point: transport_queuefile.
 * Must never: copy spool files at configuration time; leave a partial
 * file under a final name; replace a file already in the directory.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/str.h"
#include "../deliver/addr.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"

typedef struct queuefile_options {
  const char *directory;
} queuefile_options;

static const optionlist queuefile_option_list[] = {
  {"directory", opt_stringptr, OPT_OFF(queuefile_options, directory), NULL, NULL},
};

static const queuefile_options queuefile_defaults = {.directory = NULL};

static const char *queuefile_init(driver_instance *d) {
  const char *err = transport_generic_init(d);
  if (err) return err;
  queuefile_options *ob = d->options_block;
  if (!ob->directory)
    return driver_error_plain("directory must be set for the %s transport", d->name);
  return NULL;
}

/* Copy src to dst: a hard link, or a copy via dst.tmp renamed into
 * place.  false with *error. */
static bool copy_spool_file(const char *src, const char *dst, const char **error) {
  if (link(src, dst) == 0) return true;
  if (errno == EEXIST) {
    *error = str_sprintf("%s already exists", dst);
    return false;
  }
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    *error = str_sprintf("failed to open %s: %s", src, strerror(errno));
    return false;
  }
  struct stat st;
  if (fstat(in, &st) < 0) st.st_mode = 0640;
  const char *tmp = str_sprintf("%s.tmp", dst);
  int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
  if (out < 0) {
    *error = str_sprintf("failed to create %s: %s", tmp, strerror(errno));
    close(in);
    return false;
  }
  char buf[16384];
  bool ok = true;
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { ok = false; break; }
    if (r == 0) break;
    for (ssize_t done = 0; done < r;) {
      ssize_t w = write(out, buf + done, (size_t)(r - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) { ok = false; break; }
      done += w;
    }
    if (!ok) break;
  }
  int e = errno;
  if (ok && fsync(out) < 0) { ok = false; e = errno; }
  if (close(out) < 0 && ok) { ok = false; e = errno; }
  close(in);
  if (ok && access(dst, F_OK) == 0) {
    *error = str_sprintf("%s already exists", dst);
    unlink(tmp);
    return false;
  }
  if (ok && rename(tmp, dst) < 0) { ok = false; e = errno; }
  if (!ok) {
    *error = str_sprintf("failed to copy %s to %s: %s", src, dst, strerror(e));
    unlink(tmp);
  }
  return ok;
}

static void set_all(address_item *addr, int rc, int basic, const char *msg) {
  for (address_item *a = addr; a; a = a->next) {
    a->transport_return = rc;
    a->basic_errno = basic;
    a->message = msg;
  }
}

static bool queuefile_deliver(transport_instance *t, address_item *addr) {
  queuefile_options *ob = t->drv.options_block;
  const char *tname = t->drv.name;
  const char *dir = expand_cstring(ob->directory);
  if (!dir) {
    set_all(addr, DEFER, ERRNO_EXPANDFAIL, str_sprintf("failed to expand directory \"%s\" for %s transport: %s",
                                                      ob->directory, tname, expand_status.message));
    return true;
  }
  if (*dir != '/') {
    set_all(addr, DEFER, ERRNO_NOTABSOLUTE,
            str_sprintf("%s transport directory \"%s\" is not an absolute path", tname, dir));
    return true;
  }
  struct stat st;
  if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
    set_all(addr, DEFER, errno ? errno : ENOTDIR,
            str_sprintf("%s transport: %s is not a directory", tname, dir));
    return true;
  }
  if (!deliver_current) {
    set_all(addr, DEFER, 0, str_sprintf("%s transport: no message is being delivered", tname));
    return true;
  }
  const char *id = deliver_current->m.id;
  const char *qname = deliver_current->queue_name ? deliver_current->queue_name : "";
  const char *err = NULL;
  const char *dst_d = str_sprintf("%s/%s-D", dir, id);
  if (!copy_spool_file(deliver_spool_path(id, qname, 'D'), dst_d, &err)) {
    set_all(addr, DEFER, errno, str_sprintf("%s transport: %s", tname, err));
    return true;
  }
  if (!copy_spool_file(deliver_spool_path(id, qname, 'H'), str_sprintf("%s/%s-H", dir, id), &err)) {
    int e = errno;
    unlink(dst_d);   /* ours, just made: no half message is left */
    set_all(addr, DEFER, e, str_sprintf("%s transport: %s", tname, err));
    return true;
  }
  set_all(addr, OK, 0, NULL);
  return true;
}

static const transport_ops queuefile_ops = {.local = true, .deliver = queuefile_deliver};

const driver_info transport_queuefile = {
  .name = "queuefile",
  .options = queuefile_option_list,
  .options_count = OPT_COUNT(queuefile_option_list),
  .options_defaults = &queuefile_defaults,
  .options_size = sizeof(queuefile_options),
  .init = queuefile_init,
  .kind_ops = &queuefile_ops,
};
