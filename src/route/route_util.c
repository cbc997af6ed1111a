/* route_util.c - helpers the routing engine and the router types share
 * (spec chapter 15): local users (check_local_user, with a cache), the
 * user/group options, the transport option, and the options that give data
 * for the transport (errors_to, headers_add, headers_remove).
 *
 * Entry points: route_finduser(), route_set_ugid(), route_get_transport(),
 * route_get_errors_headers(), route_log_id().
 * Must never: run anything as another user; accept a transport name that
 * is not configured.
 */
#include "route.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../deliver/deliver.h"
#include "../expand/expand.h"
#include "../transport/transport.h"

/* A small cache of getpwnam() answers (names, found or not), kept for the
 * process in POOL_PERM: one message routes the same users many times. */
typedef struct pw_cache {
  struct pw_cache *next;
  const char *name;
  struct passwd pw;                 /* pw.pw_name NULL: no such user */
} pw_cache;
static pw_cache *pw_cached;
static int pw_cache_count;

struct passwd *route_finduser(const char *name) {
  if (!name || !*name) return NULL;
  for (pw_cache *c = pw_cached; c; c = c->next)
    if (strcmp(c->name, name) == 0) return c->pw.pw_name ? &c->pw : NULL;
  errno = 0;
  struct passwd *pw = getpwnam(name);
  if (pw_cache_count >= 200) return pw;    /* cache full: no more entries */
  pw_cache *c = store_get_in(POOL_PERM, sizeof *c, false);
  memset(c, 0, sizeof *c);
  c->name = str_perm(name);
  if (pw) {
    c->pw = *pw;
    c->pw.pw_name = str_perm(pw->pw_name);
    c->pw.pw_passwd = str_perm(pw->pw_passwd ? pw->pw_passwd : "");
    c->pw.pw_gecos = str_perm(pw->pw_gecos ? pw->pw_gecos : "");
    c->pw.pw_dir = str_perm(pw->pw_dir ? pw->pw_dir : "");
    c->pw.pw_shell = str_perm(pw->pw_shell ? pw->pw_shell : "");
  }
  c->next = pw_cached;
  pw_cached = c;
  pw_cache_count++;
  return pw ? &c->pw : NULL;
}

bool route_find_uid(const char *s, uid_t *uid, gid_t *gid, bool *have_gid) {
  char *end;
  *have_gid = false;
  if (*s >= '0' && *s <= '9') {
    unsigned long n = strtoul(s, &end, 10);
    if (*end == 0) {
      *uid = (uid_t)n;
      return true;
    }
  }
  struct passwd *pw = route_finduser(s);
  if (!pw) return false;
  *uid = pw->pw_uid;
  *gid = pw->pw_gid;
  *have_gid = true;
  return true;
}

bool route_find_gid(const char *s, gid_t *gid) {
  char *end;
  if (*s >= '0' && *s <= '9') {
    unsigned long n = strtoul(s, &end, 10);
    if (*end == 0) {
      *gid = (gid_t)n;
      return true;
    }
  }
  struct group *gr = getgrnam(s);
  if (!gr) return false;
  *gid = gr->gr_gid;
  return true;
}

const char *route_log_id(void) {
  return deliver_current ? deliver_current->m.id : NULL;
}

/* A user or group that cannot be had: logged to the main and panic logs
 * and deferred with error -1, as exim4 does. */
static bool ugid_failed(address_item *a, const char *msg) {
  log_write_msg(route_log_id(), LOG_MAIN | LOG_PANIC, "%s", msg);
  a->message = msg;
  a->basic_errno = ERRNO_UNKNOWNERROR;
  return false;
}

bool route_set_ugid(router_instance *r, address_item *a, const struct passwd *pw) {
  bool gid_from_user = false;
  gid_t ugid = 0;
  if (r->user.expand) {
    const char *u = expand_cstring(r->user.expand);
    if (!u)
      return ugid_failed(a, str_sprintf("Failed to expand user string \"%s\" for the %s router: %s",
                                        r->user.expand, r->drv.name, expand_status.message));
    uid_t uid;
    if (!route_find_uid(u, &uid, &ugid, &gid_from_user))
      return ugid_failed(a, str_sprintf("Failed to find user \"%s\" from expanded string \"%s\" for the %s router",
                                        u, r->user.expand, r->drv.name));
    a->uid = uid;
    a->flags |= af_uid_set;
  } else if (r->user.set) {
    a->uid = (uid_t)r->user.id;
    a->flags |= af_uid_set;
  } else if (pw) {
    a->uid = pw->pw_uid;
    a->gid = pw->pw_gid;
    a->flags |= af_uid_set | af_gid_set;
  }
  if (r->group.expand) {
    const char *g = expand_cstring(r->group.expand);
    gid_t gid;
    if (!g)
      return ugid_failed(a, str_sprintf("Failed to expand group string \"%s\" for the %s router: %s",
                                        r->group.expand, r->drv.name, expand_status.message));
    if (!route_find_gid(g, &gid))
      return ugid_failed(a, str_sprintf("Failed to find group \"%s\" from expanded string \"%s\" for the %s router",
                                        g, r->group.expand, r->drv.name));
    a->gid = gid;
    a->flags |= af_gid_set;
  } else if (r->group.set) {
    a->gid = (gid_t)r->group.id;
    a->flags |= af_gid_set;
  } else if (gid_from_user) {
    a->gid = ugid;
    a->flags |= af_gid_set;
  }
  if (r->initgroups && (a->flags & af_uid_set)) a->flags |= af_initgroups;
  return true;
}

struct transport_instance *route_get_transport(router_instance *r, const char *name,
                                               address_item *a) {
  if (!name) return NULL;
  const char *n = name;
  if (strchr(name, '$')) {
    n = expand_cstring(name);
    if (!n) {
      a->message = str_sprintf("failed to expand transport \"%s\" in %s router: %s", name,
                               r->drv.name, expand_status.message);
      a->basic_errno = ERRNO_BADTRANSPORT;
      return NULL;
    }
    if (is_tainted(n)) {
      log_write_msg(route_log_id(), LOG_MAIN | LOG_PANIC,
                    "attempt to use tainted value '%s' from '%s' for transport", n, name);
      a->message = "internal configuration error";
      a->basic_errno = ERRNO_BADTRANSPORT;
      return NULL;
    }
  }
  driver_instance *d = driver_find(&transport_kind, n);
  if (!d) {
    a->message = str_sprintf("transport \"%s\" not found in %s router", n, r->drv.name);
    a->basic_errno = ERRNO_BADTRANSPORT;
    return NULL;
  }
  return (struct transport_instance *)d;
}

/* headers_add: newline-separated items, each expanded; empty and forced
 * failures dropped.  Appended to what earlier routers added. */
static bool add_headers(router_instance *r, address_item *a) {
  if (!r->headers_add) return true;
  int sep = '\n';
  const char *list = r->headers_add;
  gstring *g = NULL;
  if (a->extra_headers) g = g_cat(g_new(64, false), a->extra_headers);
  char *item;
  while ((item = list_next(&list, &sep))) {
    const char *v = expand_cstring(item);
    if (!v) {
      if (expand_status.forced_fail) continue;
      a->message = str_sprintf("%s router failed to expand add_headers item \"%s\": %s", r->drv.name, item,
                               expand_status.message);
      return false;
    }
    if (!*v) continue;
    if (!g) g = g_new(64, is_tainted(v));
    g = g_cat(g, v);
    if (v[strlen(v) - 1] != '\n') g = g_catc(g, '\n');
  }
  if (g) a->extra_headers = g_str(g);
  return true;
}

/* headers_remove: a ':'-list; items are kept unexpanded only when the
 * expansion is forced to fail (dropped) - others are expanded now. */
static bool remove_headers(router_instance *r, address_item *a) {
  if (!r->headers_remove) return true;
  int sep = 0;
  const char *list = r->headers_remove;
  gstring *g = NULL;
  if (a->remove_headers) g = g_cat(g_new(64, false), a->remove_headers);
  char *item;
  while ((item = list_next(&list, &sep))) {
    const char *v = expand_cstring(item);
    if (!v) {
      if (expand_status.forced_fail) continue;
      a->message = str_sprintf("%s router failed to expand remove_headers item \"%s\": %s", r->drv.name,
                               item, expand_status.message);
      return false;
    }
    if (!*v) continue;
    g = list_append(g, ':', v);
  }
  if (g) a->remove_headers = g_str(g);
  return true;
}

int route_get_errors_to(router_instance *r, address_item *a, route_ctx *ctx) {
  if (r->errors_to) {
    const char *e = expand_cstring(r->errors_to);
    if (!e) {
      if (!expand_status.forced_fail) {
        a->message = str_sprintf("%s router failed to expand \"%s\": %s", r->drv.name, r->errors_to,
                                 expand_status.message);
        return DEFER;
      }
    } else if (!*e) {
      a->errors_address = "";
    } else if (ctx->purpose == ROUTE_DELIVER || ctx->purpose == ROUTE_ADDRESS_TEST) {
      /* The errors address is used only when it verifies (as a sender,
       * with an empty envelope sender); not while one is being checked. */
      static int depth;
      if (depth == 0) {
        address_item *leaves = NULL;
        depth++;
        int rc = route_verify(e, ROUTE_VERIFY_SENDER, "", &leaves);
        depth--;
        addr_set_vars(a);
        if (rc == OK) a->errors_address = str_copy(e);
      }
    }
  }
  return OK;
}

int route_get_errors_headers(router_instance *r, address_item *a, route_ctx *ctx) {
  if (route_get_errors_to(r, a, ctx) != OK) return DEFER;
  /* Header changes do not matter when only verifying. */
  if (ctx->purpose == ROUTE_VERIFY_RECIPIENT || ctx->purpose == ROUTE_VERIFY_SENDER) return OK;
  if (!add_headers(r, a) || !remove_headers(r, a)) return DEFER;
  return OK;
}
