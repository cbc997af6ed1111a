/* route.c - the routing engine (spec 3.10-3.12, chapter 15): one address
 * through the configured routers, with the generic preconditions tested in
 * Exim's order, the router type's own route function, and the generic
 * handling of its answer (more, pass_router, unseen, self, user/group,
 * fail_verify, retry keys, cannot_route_message).
 *
 * Entry points: route_address(), route_check_preconditions(),
 * route_transport_is_local().
 * Must never: deliver anything; follow redirections (the caller routes the
 * addresses left on ctx->generated).
 */
#include "route.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/list.h"
#include "../base/log.h"
#include "../base/store.h"
#include "../base/str.h"
#include "../expand/expand.h"
#include "../expand/match.h"
#include "../expand/variables.h"
#include "../transport/transport.h"

bool route_transport_is_local(const struct transport_instance *t) {
  const transport_ops *ops = t && t->drv.info ? t->drv.info->kind_ops : NULL;
  return ops && ops->local;
}

bool route_tracing;
bool route_address_testing;

void route_trace(const char *fmt, ...) {
  if (!route_tracing) return;
  va_list ap;
  va_start(ap, fmt);
  gstring *g = g_vfmt(g_cat(NULL, ">>> "), fmt, ap);
  va_end(ap);
  g = g_catc(g, '\n');
  fwrite(g->s, 1, g->len, stderr);
  fflush(stderr);
}

static const router_ops *ops_of(const router_instance *r) {
  return r->drv.info ? r->drv.info->kind_ops : NULL;
}

static router_instance *next_router(const router_instance *r) {
  return (router_instance *)r->drv.next;
}

/* ---- local part affixes ---------------------------------------------- */

/* Length of the prefix of lp matched by one local_part_prefix item, or -1.
 * "*x" matches the longest start of lp that ends in "x". */
static int prefix_len(const char *lp, const char *item, bool caseful, int *vlen) {
  size_t n = strlen(item), l = strlen(lp);
  *vlen = 0;
  if (item[0] == '*') {
    const char *rest = item + 1;
    size_t rn = n - 1;
    if (rn > l) return -1;
    for (size_t i = l - rn + 1; i-- > 0;)
      if ((caseful ? strncmp(lp + i, rest, rn) : str_ncmpic(lp + i, rest, rn)) == 0) {
        *vlen = (int)i;
        return (int)(i + rn);
      }
    return -1;
  }
  if (n > l) return -1;
  return (caseful ? strncmp(lp, item, n) : str_ncmpic(lp, item, n)) == 0 ? (int)n : -1;
}

/* Length of the suffix matched by one local_part_suffix item, or -1.
 * "x*" matches the longest end of lp that starts with "x". */
static int suffix_len(const char *lp, const char *item, bool caseful, int *vlen) {
  size_t n = strlen(item), l = strlen(lp);
  *vlen = 0;
  if (n && item[n - 1] == '*') {
    size_t rn = n - 1;
    for (size_t i = 0; i + rn <= l; i++)
      if ((caseful ? strncmp(lp + i, item, rn) : str_ncmpic(lp + i, item, rn)) == 0) {
        *vlen = (int)(l - i - rn);
        return (int)(l - i);
      }
    return -1;
  }
  if (n > l) return -1;
  return (caseful ? strncmp(lp + l - n, item, n) : str_ncmpic(lp + l - n, item, n)) == 0 ? (int)n
                                                                                           : -1;
}

/* Remove the router's prefix/suffix from a->local_part; false when a
 * mandatory one is missing. */
static bool strip_affixes(router_instance *r, address_item *a) {
  bool caseful = r->caseful_local_part;
  if (r->local_part_prefix) {
    const char *list = r->local_part_prefix;
    int sep = 0, vlen = 0, len = -1;
    char *item;
    while ((item = list_next(&list, &sep)))
      if ((len = prefix_len(a->local_part, item, caseful, &vlen)) >= 0) break;
    if (len >= 0) {
      a->prefix = str_copyn(a->local_part, (size_t)len);
      a->prefix_v = item[0] == '*' ? str_copyn(a->local_part, (size_t)vlen) : NULL;
      a->local_part += len;
    } else if (!r->local_part_prefix_optional) {
      return false;
    }
  }
  if (r->local_part_suffix) {
    const char *list = r->local_part_suffix;
    int sep = 0, vlen = 0, len = -1;
    char *item;
    while ((item = list_next(&list, &sep)))
      if ((len = suffix_len(a->local_part, item, caseful, &vlen)) >= 0) break;
    if (len >= 0) {
      size_t l = strlen(a->local_part);
      size_t n = strlen(item);
      a->suffix = str_copy(a->local_part + l - (size_t)len);
      a->suffix_v = (n && item[n - 1] == '*') ? str_copy(a->local_part + l - (size_t)vlen) : NULL;
      a->local_part = str_copyn(a->local_part, l - (size_t)len);
    } else if (!r->local_part_suffix_optional) {
      return false;
    }
  }
  return true;
}

/* ---- require_files ----------------------------------------------------- */

/* OK (all as required), SKIP, or DEFER with a->message. */
static int check_files(router_instance *r, address_item *a) {
  const char *list = r->require_files;
  int sep = 0;
  char *item;
  while ((item = list_next(&list, &sep))) {
    const char *s = expand_cstring(item);
    if (!s) {
      if (expand_status.forced_fail) continue;
      a->message = str_sprintf("failed to expand \"%s\" for require_files: %s", item,
                               expand_status.message);
      return DEFER;
    }
    if (!*s) continue;
    bool eacces_missing = false, invert = false;
    if (*s == '+') {
      eacces_missing = true;
      s++;
    }
    if (*s == '!') {
      invert = true;
      s++;
    }
    /* A word without '/' names the user (and group) for the rough
     * accessibility check; the check itself is made by stat() as the
     * current user, which a missing user makes fail. */
    if (!strchr(s, '/')) {
      char *u = str_copy(s), *comma = strchr(u, ',');
      if (comma) *comma = 0;
      if (!route_finduser(u) && !(*u >= '0' && *u <= '9')) return SKIP;
      continue;
    }
    if (*s != '/') {
      a->message = str_sprintf("require_files: \"%s\" is not absolute", s);
      return DEFER;
    }
    struct stat st;
    int rc = stat(s, &st);
    bool exists = rc == 0;
    if (rc != 0 && errno != ENOENT && errno != ENOTDIR) {
      if (!(errno == EACCES && eacces_missing)) {
        a->message = str_sprintf("require_files: error for %s: %s", s, strerror(errno));
        return DEFER;
      }
    }
    if (exists == invert) return SKIP;
  }
  return OK;
}

/* ---- preconditions ------------------------------------------------------ */

static void run_debug_print(router_instance *r, route_ctx *ctx) {
  if (!r->debug_print || !(ctx->debug_print || route_address_testing || (debug_selector & D_route)))
    return;
  const char *s = expand_cstring(r->debug_print);
  if (!s) s = str_sprintf("failed to expand debug_output \"%s\": %s", r->debug_print, expand_status.message);
  size_t n = strlen(s);
  fprintf(stderr, "%s%s", s, n && s[n - 1] == '\n' ? "" : "\n");
  fflush(stderr);
}

int route_check_preconditions(router_instance *r, address_item *a, route_ctx *ctx,
                              struct passwd **pw_out) {
  const char *err = NULL, *data = NULL;
  *pw_out = NULL;
  a->local_part = r->caseful_local_part ? a->cc_local_part : a->lc_local_part;
  a->prefix = a->prefix_v = a->suffix = a->suffix_v = NULL;
  a->local_part_data = NULL;
  a->domain_data = NULL;
  a->home_dir = NULL;
  if (!strip_affixes(r, a)) return SKIP;
  addr_set_vars(a);
  expand_var_set("router_name", r->drv.name);

  switch (ctx->purpose) {
  case ROUTE_VERIFY_RECIPIENT:
    if (!r->verify_recipient) return SKIP;
    break;
  case ROUTE_VERIFY_SENDER:
    if (!r->verify_sender) return SKIP;
    break;
  case ROUTE_ADDRESS_TEST:
    if (!r->address_test || r->verify_only) return SKIP;
    break;
  case ROUTE_DELIVER:
    if (r->verify_only) return SKIP;
    break;
  }
  if (ctx->expn && !r->expn) return SKIP;
  /* A router never sees again an address it generated itself (a loop). */
  for (const address_item *p = a->parent; p; p = p->parent)
    if (p->router == r && strcmp(p->address, a->address) == 0) return SKIP;

  if (r->domains) {
    match_rc m = match_domain_list(a->domain, r->domains, &data, &err);
    if (m == MATCH_DEFER) {
      a->message = "domains check lookup or other defer";   /* the list check logged why */
      return DEFER;
    }
    if (m != MATCH_YES) return SKIP;
    a->domain_data = data ? data : "";   /* an implicit match (after a negated item): none */
    expand_var_set("domain_data", a->domain_data);
  }
  if (r->local_parts) {
    data = NULL;
    match_rc m = match_localpart_list(a->local_part, r->local_parts, !r->caseful_local_part, &data,
                                      &err);
    if (m == MATCH_DEFER) {
      a->message = "local_parts check lookup or other defer";
      return DEFER;
    }
    if (m != MATCH_YES) return SKIP;
    a->local_part_data = data ? data : "";
    expand_var_set("local_part_data", a->local_part_data);
  }
  if (r->check_local_user) {
    struct passwd *pw = route_finduser(a->local_part);
    if (!pw) return SKIP;
    *pw_out = pw;
    a->local_part_data = str_copy_taint(pw->pw_name, false);
    a->home_dir = pw->pw_dir;
    expand_var_set("local_part_data", a->local_part_data);
    expand_var_set("home", a->home_dir);
    expand_var_set("local_user_uid", str_sprintf("%ld", (long)pw->pw_uid));
    expand_var_set("local_user_gid", str_sprintf("%ld", (long)pw->pw_gid));
  }
  if (r->router_home_directory) {
    const char *h = expand_cstring(r->router_home_directory);
    if (!h) {
      if (!expand_status.forced_fail) {
        a->message = str_sprintf("failed to expand \"%s\" for router_home_directory: %s",
                                 r->router_home_directory, expand_status.message);
        return DEFER;
      }
    } else {
      a->home_dir = h;
      expand_var_set("home", h);
    }
  }
  run_debug_print(r, ctx);
  if (r->senders) {
    const char *snd = ctx->sender ? ctx->sender : "";
    match_rc m = match_address_list(snd, r->senders, true, NULL, &err);
    if (m == MATCH_DEFER) {
      a->message = "senders check lookup or other defer";
      return DEFER;
    }
    if (m != MATCH_YES) return SKIP;
  }
  if (r->require_files) {
    int rc = check_files(r, a);
    if (rc != OK) return rc;
  }
  if (r->condition) {
    expand_status.lookup_deferred = false;
    const char *v = expand_cstring(r->condition);
    if (!v) {
      if (expand_status.forced_fail) return SKIP;
      /* exim4 logs any other failure (a lookup's file missing, an unknown
       * variable) and skips the router. */
      log_write(LOG_MAIN | LOG_PANIC, "failed to expand condition \"%s\" for %s router: %s",
                r->condition, r->drv.name, expand_status.message);
      return SKIP;
    }
    if (!*v || strcmp(v, "0") == 0 || str_eqic(v, "no") || str_eqic(v, "false")) return SKIP;
  }
  return OK;
}

/* ---- after the preconditions -------------------------------------------- */

/* "set": "r_name = value" items, each expanded and added to the address's
 * variables (later values win).  OK, DEFER. */
static int apply_set(router_instance *r, address_item *a) {
  const char *list = r->set;
  int sep = ';';
  char *item;
  while ((item = list_next(&list, &sep))) {
    char *eq = strchr(item, '=');
    if (!eq) {
      a->message = str_sprintf("bad 'set' item in %s router: '%s'", r->drv.name, item);
      return DEFER;
    }
    char *name = item;
    char *e = eq;
    while (e > name && (e[-1] == ' ' || e[-1] == '\t')) e--;
    *e = 0;
    if (strncmp(name, "r_", 2) != 0 || !name[2]) {
      a->message = str_sprintf("bad variable name '%s' in 'set' of %s router", name, r->drv.name);
      return DEFER;
    }
    const char *v = expand_cstring(str_skip_space(eq + 1));
    if (!v) {
      a->message = str_sprintf("failed to expand \"%s\" in 'set' of %s router: %s", eq + 1,
                               r->drv.name, expand_status.message);
      return DEFER;
    }
    /* Rebuild "name=value\0...\0" with this one first (found first). */
    gstring *g = g_new(64, is_tainted(v));
    g = g_fmt(g, "%s=%s", name + 2, v);
    g = g_catc(g, 0);
    if (a->router_var_set)
      for (const char *p = a->router_var_set; *p; p += strlen(p) + 1) {
        g = g_cat(g, p);
        g = g_catc(g, 0);
      }
    g = g_catc(g, 0);
    a->router_var_set = g->s;
    addr_current_rvars = a->router_var_set;
  }
  return OK;
}

/* An expandable boolean option (more, unseen): OK with *value, or DEFER. */
static int expand_bool(const opt_expand_bool_val *o, bool dflt, const char *name,
                       router_instance *r, address_item *a, bool *value) {
  *value = o->value;
  if (!o->expand) return OK;
  const char *v = expand_cstring(o->expand);
  if (!v) {
    if (expand_status.forced_fail) {
      *value = dflt;
      return OK;
    }
    a->message = str_sprintf("failed to expand \"%s\" in %s router: %s", name, r->drv.name,
                             expand_status.message);
    return DEFER;
  }
  if (str_eqic(v, "true") || str_eqic(v, "yes")) *value = true;
  else if (str_eqic(v, "false") || str_eqic(v, "no")) *value = false;
  else {
    a->message = str_sprintf("\"%s\" is not a valid value for the \"%s\" option in the %s router",
                             v, name, r->drv.name);
    return DEFER;
  }
  return OK;
}

static void set_retry_keys(router_instance *r, address_item *a) {
  a->domain_retry_key = str_sprintf("R:%s", a->domain);
  a->address_retry_key = r && r->retry_use_local_part
                             ? str_sprintf("R:%s@%s", a->local_part, a->domain)
                             : a->domain_retry_key;
}

/* The route fn accepted a: the transport options, user and group. */
static int accepted(router_instance *r, address_item *a, const struct passwd *pw, route_ctx *ctx,
                    bool generated) {
  const router_ops *ops = ops_of(r);
  /* The user and group first: exim4 defers without naming a transport. */
  if (!route_set_ugid(r, a, pw)) return DEFER;
  if (!generated && !(ops->flags & RI_NOTRANSPORT)) {
    int rc = route_get_errors_headers(r, a, ctx);
    if (rc != OK) return rc;
    if (!a->transport && r->transport_name) {
      a->transport = route_get_transport(r, r->transport_name, a);
      if (!a->transport) return DEFER;
    }
  }
  /* dsn_lasthop: no DSN request passed on beyond this router's transport
   * (not for redirections). */
  if (r->dsn_lasthop && !generated) a->dsn_flags |= rf_dsnlasthop;
  if (!a->home_dir && pw) a->home_dir = pw->pw_dir;
  if (r->transport_home_directory) a->home_dir = r->transport_home_directory;
  if (r->transport_current_directory) a->current_dir = r->transport_current_directory;
  return OK;
}

/* A copy of a (routed as a is now) made a child of it, for unseen. */
static address_item *copy_as_child(address_item *a) {
  address_item *c = store_get(sizeof *c, false);
  *c = *a;
  c->parent = a;
  c->next = NULL;
  c->child_count = 0;
  a->child_count++;
  return c;
}

void route_add_generated(route_ctx *ctx, address_item *child) {
  child->next = NULL;
  address_item **p = &ctx->generated;
  while (*p) p = &(*p)->next;
  *p = child;
}

int route_address(address_item *a, route_ctx *ctx) {
  router_instance *r = a->start_router ? a->start_router : (router_instance *)router_kind.instances;
  const char *cannot_route = NULL;
  a->message = a->user_message = NULL;
  a->basic_errno = 0;
  route_trace("routing %s", a->address);

  while (r) {
    struct passwd *pw = NULL;
    /* the last router considered gives it, set or not (exim4, spec 3.10) */
    cannot_route = r->cannot_route_message;
    int rc = route_check_preconditions(r, a, ctx, &pw);
    if (rc == SKIP) {
      r = next_router(r);
      continue;
    }
    if (rc != OK) {
      set_retry_keys(r, a);
      a->router = r;
      a->status = rc;
      return rc;
    }

    /* "set", then address_data, then the router itself. */
    if (r->set && apply_set(r, a) != OK) {
      set_retry_keys(r, a);
      a->status = DEFER;
      return DEFER;
    }
    bool declined = false;
    if (r->address_data) {
      const char *d = expand_cstring(r->address_data);
      if (!d) {
        if (!expand_status.forced_fail) {
          a->message = str_sprintf("expansion of \"%s\" failed in %s router: %s", r->address_data,
                                   r->drv.name, expand_status.message);
          set_retry_keys(r, a);
          a->status = DEFER;
          return DEFER;
        }
        declined = true;
      } else {
        a->address_data = d;
        expand_var_set("address_data", d);
      }
    }

    const router_ops *ops = ops_of(r);
    address_item *gen_before = ctx->generated;
    int children_before = a->child_count;
    if (!declined) {
      if (!ops || !ops->route) {
        a->message = str_sprintf("%s router: %s routing is not in this build yet", r->drv.name,
                                 r->drv.driver_name);
        a->router = r;
        set_retry_keys(r, a);
        a->status = DEFER;
        return DEFER;
      }
      /* A host list left by an earlier router that passed or declined stays
       * with the address (exim4 shows it too). */
      a->transport = NULL;
      route_trace("calling %s router", r->drv.name);
      rc = ops->route(r, a, pw, ctx);
    } else {
      rc = DECLINE;
    }

    if (rc == DECLINE) {
      bool more;
      route_trace("%s router declined for %s", r->drv.name, a->address);
      if (expand_bool(&r->more, true, "more", r, a, &more) != OK) {
        a->status = DEFER;
        return DEFER;
      }
      if (!more) {
        route_trace("\"more\" is false: skipping remaining routers");
        break;
      }
      r = next_router(r);
      continue;
    }
    if (rc == PASS) {
      r = r->pass_router ? r->pass_router : next_router(r);
      continue;
    }
    a->router = r;
    if (rc == DEFER || rc == ERROR) {
      set_retry_keys(r, a);
      a->status = DEFER;
      if (!a->message) a->message = str_sprintf("%s router deferred", r->drv.name);
      route_trace("%s router: defer for %s", r->drv.name, a->address);
      route_trace("  message: %s", a->message);
      if (rc == ERROR)
        log_write(LOG_MAIN | LOG_PANIC, "%s router: %s", r->drv.name, a->message);
      return DEFER;
    }
    if (rc == FAIL || rc == DISCARD || rc == REROUTED) {
      if (rc == FAIL) {
        /* The router's errors_to applies to the failure it gives (exim4);
         * a failed expansion of it leaves the failure as it was. */
        const char *m = a->message;
        if (route_get_errors_to(r, a, ctx) != OK) a->message = m;
        route_trace("%s router forced address failure", r->drv.name);
      }
      else route_trace("routed by %s router", r->drv.name);
      a->status = rc;
      return rc;
    }

    /* OK: either routed to a transport (or hosts), or children made. */
    bool generated = a->child_count > children_before || ctx->generated != gen_before;
    /* redirect_router: where the children's routing starts. */
    if (generated && r->redirect_router)
      for (address_item *c = ctx->generated; c; c = c->next)
        if (c->parent == a && !c->start_router && !(c->flags & af_pfr))
          c->start_router = r->redirect_router;
    rc = accepted(r, a, pw, ctx, generated);
    if (rc != OK) {
      set_retry_keys(r, a);
      a->status = DEFER;
      return DEFER;
    }
    if ((ctx->purpose == ROUTE_VERIFY_RECIPIENT && r->fail_verify_recipient) ||
        (ctx->purpose == ROUTE_VERIFY_SENDER && r->fail_verify_sender)) {
      a->status = FAIL;
      a->message = a->user_message = str_sprintf("%s router forced verify failure", r->drv.name);
      a->flags |= af_verify_routed;
      return FAIL;
    }
    bool unseen;
    if (expand_bool(&r->unseen, false, "unseen", r, a, &unseen) != OK) {
      a->status = DEFER;
      return DEFER;
    }
    if (unseen && !generated && next_router(r)) {
      /* The routed copy and a clone going on to the next router both
       * become children of a: the clone without the header changes. */
      address_item *done = copy_as_child(a);
      done->status = OK;
      done->flags |= af_unseen;
      address_item *clone = copy_as_child(a);
      clone->status = DEFER_NONE;
      clone->router = NULL;
      clone->transport = NULL;
      clone->host_list = NULL;
      clone->extra_headers = NULL;
      clone->remove_headers = NULL;
      clone->start_router = next_router(r);
      route_add_generated(ctx, done);
      route_add_generated(ctx, clone);
      a->transport = NULL;
      a->host_list = NULL;
    } else if (unseen && generated && next_router(r)) {
      address_item *clone = copy_as_child(a);
      clone->status = DEFER_NONE;
      clone->router = NULL;
      clone->extra_headers = NULL;
      clone->remove_headers = NULL;
      clone->start_router = next_router(r);
      route_add_generated(ctx, clone);
    }
    a->status = OK;
    route_trace("routed by %s router", r->drv.name);
    return OK;
  }

  /* No router accepted it. */
  route_trace("no more routers");
  a->router = NULL;
  a->status = FAIL;
  /* A message a declining router left (e.g. "syntax error in redirection
   * data") stands, even over cannot_route_message, as in exim4. */
  if (a->message) return FAIL;
  a->message = "Unrouteable address";
  if (cannot_route) {
    const char *m = expand_cstring(cannot_route);
    if (m) a->user_message = a->message = m;
    else if (!expand_status.forced_fail)
      log_write(LOG_MAIN | LOG_PANIC, "failed to expand cannot_route_message \"%s\": %s",
                cannot_route, expand_status.message);
  }
  return FAIL;
}
