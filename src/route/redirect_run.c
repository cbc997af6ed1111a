/* redirect_run.c - the redirect router at routing time (spec chapter 22):
 * getting the redirection data (data expanded, or file read with its
 * owner, group and mode checks), interpreting it as a redirection list,
 * and turning the result into the router's answer and the generated
 * addresses (qualified, rewritten, check_ancestor, pipes, files and
 * directories with their transports, forbid_* marks).
 *
 * Entry point: redirect_route() (router_ops.route of router_redirect).
 * Must never: read a file by a tainted or relative name; run a command or
 * write a file itself (generated pipe and file deliveries are done by
 * their transports later).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../config/main_config.h"
#include "../deliver/bounce_int.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../rewrite/rewrite.h"
#include "redirect.h"
#include "redirect_int.h"
#include "route.h"

#define MAX_FILE_SIZE (16 * 1024 * 1024)

static const char *router_name(const router_instance *r) { return r->drv.name; }

static bool id_in(const uid_t *list, uid_t id) {
  if (!list) return false;
  for (uid_t i = 1; i <= list[0]; i++)
    if (list[i] == id) return true;
  return false;
}

/* Read the file option's file into *data.  OK, DECLINE (no file, or a
 * forced expansion failure) or DEFER with a->message. */
static int read_file(redirect_options *ob, address_item *a,
                     const struct passwd *pw, const char **data) {
  const char *name = expand_cstring(ob->file);
  if (!name) {
    if (expand_status.forced_fail) return DECLINE;
    a->message = str_sprintf("failed to expand \"%s\": %s", ob->file, expand_status.message);
    return DEFER;
  }
  if (is_tainted(name)) {
    a->message = str_sprintf("Tainted name '%s' for file read not permitted\n", name);
    a->basic_errno = ERRNO_UNKNOWNERROR;
    return DEFER;
  }
  if (name[0] != '/') {
    a->message = str_sprintf("\"%s\" is not an absolute path", name);
    return DEFER;
  }
  int fd = open(name, O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT && !ob->ignore_enotdir) {
      /* A missing directory may be an unmounted file system: defer. */
      const char *slash = strrchr(name, '/');
      const char *dir = str_sprintf("%.*s/.", (int)(slash - name), name);
      struct stat st;
      if (stat(dir, &st) != 0) {
        a->message = str_sprintf("failed to stat %s (%s)", dir, strerror(errno));
        a->basic_errno = errno;
        return DEFER;
      }
      return DECLINE;
    }
    if (e == ENOENT || (e == EACCES && ob->ignore_eacces) || (e == ENOTDIR && ob->ignore_enotdir))
      return DECLINE;
    a->message = str_sprintf("failed to open %s (%s)", name, strerror(e));
    a->basic_errno = e;
    return DEFER;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    a->message = str_sprintf("%s is not a regular file", name);
    return DEFER;
  }
  const char *bad = NULL;
  if (st.st_mode & (mode_t)ob->modemask) {
    bad = str_sprintf("bad mode (0%o) for %s: 0%o bit(s) unexpected", (unsigned)st.st_mode, name,
                      (unsigned)(st.st_mode & (mode_t)ob->modemask));
  } else if (ob->check_owner && !(pw && st.st_uid == pw->pw_uid) && !id_in(ob->owners, st.st_uid)) {
    bad = str_sprintf("bad owner for %s", name);
  } else if (ob->check_group && !(pw && st.st_gid == pw->pw_gid) &&
             !id_in((const uid_t *)ob->owngroups, (uid_t)st.st_gid)) {
    bad = str_sprintf("bad group for %s", name);
  }
  if (bad || st.st_size > MAX_FILE_SIZE) {
    close(fd);
    a->message = bad ? bad : str_sprintf("%s is too big", name);
    return DEFER;
  }
  gstring *g = g_new((size_t)st.st_size + 1, false);
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) g = g_catn(g, buf, (size_t)n);
  int e = errno;
  close(fd);
  if (n < 0) {
    a->message = str_sprintf("failed to read %s (%s)", name, strerror(e));
    return DEFER;
  }
  *data = g_str(g);
  return OK;
}

/* The text of a :fail: / :defer: without a leading SMTP code when
 * forbid_smtp_code is set ("550 5.1.1 text" -> "text"). */
static const char *strip_code(const char *t) {
  if (!(t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' && t[2] <= '9' &&
        t[3] == ' '))
    return t;
  t += 4;
  const char *p = t;
  if (*p >= '0' && *p <= '9') {
    while (*p && *p != ' ' && (*p == '.' || (*p >= '0' && *p <= '9'))) p++;
    if (*p == ' ') t = p + 1;
  }
  return t;
}

/* The qualified address of an address item. */
static const char *qualify(redirect_options *ob, address_item *a,
                           const rd_item *it, bool *declined) {
  if (it->qualified) return it->text;
  const char *dom;
  if (it->backslash || ob->qualify_preserve_domain) {
    dom = a->domain;
  } else if (ob->qualify_domain) {
    dom = expand_cstring(ob->qualify_domain);
    if (!dom) {
      *declined = true;
      return NULL;
    }
  } else {
    dom = rewrite_qualify_recipient();
  }
  return str_copy_taint(str_sprintf("%s@%s", it->text, dom), is_tainted(it->text) || is_tainted(dom));
}

/* The top-level ancestor's address (one_time). */
static const char *top_address(const address_item *a) {
  while (a->parent) a = a->parent;
  return a->address;
}

/* Give a child a new (plain) address: local part and domain split again
 * as addr_new() splits them, no pipe/file/reply flags. */
static void set_child_address(address_item *c, const char *addr) {
  const char *at = strrchr(addr, '@');
  c->address = addr;
  c->flags &= ~(unsigned)(af_pfr | af_file | af_directory | af_reply);
  c->cc_local_part = c->local_part = at ? str_copyn(addr, (size_t)(at - addr)) : addr;
  c->lc_local_part = str_lc(c->cc_local_part);
  c->domain = str_lc(at ? at + 1 : "");
  addr_set_unique(c);
}

/* A pipe, file, directory or reply child: its transport, or why it has
 * none (forbidden, or the option unset). */
static int set_pfr(router_instance *r, redirect_options *ob, address_item *c,
                   const struct passwd *pw) {
  enum { PIPE, FILE_, DIR, REPLY } kind = c->address[0] == '|'    ? PIPE
                                          : c->flags & af_reply     ? REPLY
                                          : c->flags & af_directory ? DIR
                                                                    : FILE_;
  static const char *const opts[] = {"pipe_transport", "file_transport", "directory_transport",
                                     "reply_transport"};
  const char *names[] = {ob->pipe_transport, ob->file_transport, ob->directory_transport,
                         ob->reply_transport};
  static const int forbid_errno[] = {ERRNO_FORBIDPIPE, ERRNO_FORBIDFILE, ERRNO_FORBIDFILE,
                                     ERRNO_FORBIDREPLY};
  bool forbidden = kind == PIPE ? ob->forbid_pipe : kind == REPLY ? ob->forbid_filter_reply
                                                                  : ob->forbid_file;
  const char *name = names[kind];
  c->router = r;
  c->status = OK;
  /* Neither kind gets a transport: the delivery process fails a forbidden
   * one ("delivery to pipe forbidden") and defers one without a transport
   * ("defer (-30): pipe_transport unset in aliases router"), as exim4. */
  if (forbidden) {
    static const char *const what[] = {"pipe", "file", "file", "reply"};
    c->basic_errno = forbid_errno[kind];
    c->message = str_sprintf("delivery to %s forbidden", what[kind]);
    return OK;
  }
  c->flags |= kind == PIPE ? af_allow_pipe : kind == REPLY ? af_allow_reply : af_allow_file;
  if (!name) {
    c->basic_errno = ERRNO_BADTRANSPORT;
    c->message = str_sprintf("%s unset in %s router", opts[kind], router_name(r));
    return OK;
  }
  c->transport = route_get_transport(r, name, c);
  if (!c->transport) {
    /* as an unset one: the child carries the error (exim4) */
    c->basic_errno = ERRNO_BADTRANSPORT;
    return OK;
  }
  if (!route_set_ugid(r, c, pw)) return DEFER;
  if (pw && !c->home_dir) c->home_dir = pw->pw_dir;
  if (r->transport_home_directory) c->home_dir = r->transport_home_directory;
  if (r->transport_current_directory) c->current_dir = r->transport_current_directory;
  return OK;
}

/* syntax_errors_to (spec 22.10): during a delivery, mail the syntax errors
 * skip_syntax_errors skipped to the address it gives, as exim4 words it. */
static void send_syntax_errors(router_instance *r, redirect_options *ob, const rd_list *l,
                               route_ctx *ctx) {
  if (!ob->syntax_errors_to || !l->skipped || ctx->purpose != ROUTE_DELIVER || !deliver_current)
    return;
  const char *to = expand_cstring(ob->syntax_errors_to);
  if (!to) {
    log_write(LOG_MAIN | LOG_PANIC, "%s router failed to expand %s: %s", r->drv.name,
              ob->syntax_errors_to, expand_status.message);
    return;
  }
  const char *text = NULL;
  if (ob->syntax_errors_text && !(text = expand_cstring(ob->syntax_errors_text)))
    log_write(LOG_MAIN | LOG_PANIC, "%s router failed to expand %s: %s", r->drv.name,
              ob->syntax_errors_text, expand_status.message);
  const spool_msg *m = &deliver_current->m;
  const char *msgid = NULL;
  for (const spool_header *h = m->headers; h; h = h->next)
    if (h->type == 'I') {
      const char *v = strchr(h->text, ':');
      if (v) msgid = str_rtrim(str_copy(str_skip_space(v + 1)));
      break;
    }
  pid_t pid;
  const char *err = NULL;
  FILE *f = bounce_submit_open("", m->id, &pid, &err);
  if (!f) {
    log_write(LOG_MAIN | LOG_PANIC, "%s router: failed to send syntax error message: %s", r->drv.name,
              err ? err : "");
    return;
  }
  fprintf(f, "Auto-Submitted: auto-replied\n");
  bounce_put_from(f);
  /* exim4 ends the header section after Subject:, so References: and the
   * rest are the body. */
  fprintf(f, "To: %s\nSubject: error(s) in forwarding or filtering\n\n", to);
  if (msgid) fprintf(f, "References: %s\n", msgid);
  if (text) fprintf(f, "%s\n\n", text);
  fprintf(f, "The %s router encountered the following error(s):\n\n%s", r->drv.name,
          l->skipped_text ? g_str(l->skipped_text) : "");
  fprintf(f, l->items ? "Other addresses were processed normally.\n"
                      : "No valid addresses were generated.\n");
  if (!bounce_submit_close(f, pid))
    log_write(LOG_MAIN | LOG_PANIC, "%s router: failed to send syntax error message", r->drv.name);
}

/* The final form of a plain address child: rewritten (rewrite option)
 * and replaced by the current address when it is one of its ancestors
 * (check_ancestor). */
static const char *child_address(redirect_options *ob, address_item *a, const char *addr) {
  if (ob->rewrite && (rewrite_existflags & RW_T))
    addr = rewrite_address(addr, RW_T, rewrite_rules, rewrite_qualify_recipient());
  if (ob->check_ancestor)
    for (const address_item *anc = a; anc; anc = anc->parent)
      if (str_eqic(anc->address, addr)) return a->address;
  return addr;
}

/* Make the children of a from a redirection list's items or a filter's
 * generated addresses (and, keep_parent, a copy of a itself), finish
 * them, and put them on ctx->generated. */
static int make_children(router_instance *r, redirect_options *ob, address_item *a,
                         const struct passwd *pw, route_ctx *ctx, const rd_item *items,
                         address_item *generated, bool keep_parent) {
  int rc = route_get_errors_headers(r, a, ctx);
  if (rc != OK) return rc;
  address_item *kids = NULL, **tail = &kids;
  for (const rd_item *it = items; it; it = it->next) {
    address_item *c;
    if (it->kind == RDI_ADDRESS) {
      bool declined = false;
      const char *addr = qualify(ob, a, it, &declined);
      if (declined) return DECLINE;
      c = addr_child(a, addr);
      /* An address with a domain that starts with '|' or '/' (spec 22.6:
       * "/s=x/o=y/@gate.way") is an address, not a pipe or a file. */
      set_child_address(c, child_address(ob, a, addr));
    } else {
      c = addr_child(a, it->text);
    }
    *tail = c;
    tail = &c->next;
  }
  /* A filter's deliveries in the filter's order, as a list's. */
  *tail = generated;
  if (keep_parent) {
    /* The copy of the address goes first, as exim4 routes it. */
    address_item *copy = addr_child(a, a->address);
    copy->next = kids;
    kids = copy;
  }
  for (address_item *c = kids, *next; c; c = next) {
    next = c->next;
    if (c->flags & af_pfr) {
      rc = set_pfr(r, ob, c, pw);
      if (rc != OK) {
        a->message = c->message;
        return rc;
      }
    } else if (!items) {
      const char *addr = child_address(ob, a, c->address);
      if (addr != c->address) set_child_address(c, addr);
    }
    if (ob->hide_child_in_errmsg) c->flags |= af_hide_child;
    if (ob->rewrite) c->flags |= af_rewrite_headers;
    if (ob->one_time) c->onetime_parent = a->onetime_parent ? a->onetime_parent : top_address(a);
    route_add_generated(ctx, c);
  }
  return OK;
}

int redirect_route(router_instance *r, address_item *a, const struct passwd *pw, route_ctx *ctx) {
  redirect_options *ob = r->drv.options_block;

  /* no_repeat_use: not for anything this router generated before. */
  if (!ob->repeat_use)
    for (const address_item *p = a->parent; p; p = p->parent)
      if (p->router == r) return DECLINE;

  /* An expanded user or group is checked before anything is read, as
   * exim4 does (a failure defers even a list that needs no user). */
  if (r->user.expand || r->group.expand) {
    address_item ids = *a;
    if (!route_set_ugid(r, &ids, pw)) {
      a->message = ids.message;
      a->basic_errno = ids.basic_errno;
      return DEFER;
    }
  }

  const char *data;
  if (ob->file) {
    int rc = read_file(ob, a, pw, &data);
    /* exim4 gives error -1 for every failure to get the file */
    if (rc == DEFER) a->basic_errno = ERRNO_UNKNOWNERROR;
    if (rc != OK) return rc;
  } else {
    data = expand_cstring(ob->data);
    if (!data) {
      if (expand_status.forced_fail) return DECLINE;
      a->message = str_sprintf("failed to expand \"%s\": %s", ob->data, expand_status.message);
      return DEFER;
    }
  }
  const char *p = data;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  if (!*p) return DECLINE;

  address_item *generated = NULL;
  bool keep_parent = false;
  const char *log_id = ctx->purpose == ROUTE_DELIVER && deliver_current ? deliver_current->m.id : NULL;
  int frc = redirect_filter(r, ob, a, pw, data, &generated, &keep_parent, log_id, ctx);
  if (frc >= 0 && frc != OK) return frc;
  if (frc == OK) return make_children(r, ob, a, pw, ctx, NULL, generated, keep_parent);

  rd_list l;
  memset(&l, 0, sizeof l);
  l.allow_fail = ob->allow_fail;
  l.allow_defer = ob->allow_defer;
  l.forbid_blackhole = ob->forbid_blackhole;
  l.forbid_include = ob->forbid_include;
  l.skip_syntax_errors = ob->skip_syntax_errors;
  l.include_directory = ob->include_directory;
  l.router_name = router_name(r);
  l.log_id = log_id;
  /* :include: files named in a user's data are read with the user's
   * rights (the router's user/group, or check_local_user's). */
  int lrc;
  if ((r->user.set || r->user.expand || pw) && strcasestr(data, ":include:")) {
    address_item ids = *a;
    ids.flags &= ~(unsigned)(af_uid_set | af_gid_set);
    if (!route_set_ugid(r, &ids, pw)) {
      a->message = ids.message;
      return DEFER;
    }
    const char *perr = NULL;
    lrc = redirect_list_as_user(data, &l, ids.uid, ids.flags & af_gid_set ? ids.gid : getegid(), &perr);
    if (perr) {
      a->message = perr;
      return DEFER;
    }
  } else {
    lrc = rd_parse_list(data, &l);
  }
  if (lrc == RDL_DECLINE) return DECLINE;
  if (lrc == RDL_ERROR) {
    a->message = str_sprintf("error in redirect %s: %s", ob->file ? "file" : "data", l.text);
    a->basic_errno = ERRNO_BADREDIRECT;
    return DEFER;
  }
  if (lrc == RDL_FAIL && l.items) {
    /* Addresses listed before the :fail: are still routed (exim4); the
     * address itself fails. */
    int crc = make_children(r, ob, a, pw, ctx, l.items, NULL, false);
    if (crc != OK) return crc;
  }
  if (lrc == RDL_FAIL || lrc == RDL_DEFER) {
    a->message = a->user_message = ob->forbid_smtp_code ? strip_code(l.text) : l.text;
    if (lrc == RDL_DEFER) a->basic_errno = ERRNO_UNKNOWNERROR;   /* "defer (-1)" as exim4 logs it */
    return lrc == RDL_FAIL ? FAIL : DEFER;
  }
  send_syntax_errors(r, ob, &l, ctx);
  /* :blackhole: anywhere means nothing is delivered for this address. */
  if (l.blackhole) return DISCARD;
  if (!l.items) {
    /* Nothing left after skipped syntax errors: the router declines, and
     * if no later router takes the address this is why (exim4). */
    if (l.skipped) a->message = "syntax error in redirection data";
    return DECLINE;
  }

  return make_children(r, ob, a, pw, ctx, l.items, NULL, false);
}
