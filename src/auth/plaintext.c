/* plaintext.c - the plaintext authenticator (spec chapter 34): private
 * options and init (server when server_condition is set, client when
 * client_send is set; public_name defaults to the instance name), and the
 * server side of PLAIN/LOGIN-style exchanges: NUL-separated strings from
 * the initial response and from answers to server_prompts go into
 * $auth1..$auth3 (and $1..), then server_condition decides.
 * Entry point: auth_plaintext.
 * Must never: run an AUTH exchange at configuration time; authenticate
 * without server_condition passing.
 */
#include "auth.h"

#include <string.h>

#include "../base/list.h"
#include "../expand/expand.h"
#include "auth_server.h"

typedef struct plaintext_options {
  bool client_ignore_invalid_base64;
  const char *client_send;
  const char *server_prompts;
} plaintext_options;

#define PO(n, t, f) {n, t, OPT_OFF(plaintext_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist plaintext_option_list[] = {
  PO("client_ignore_invalid_base64", opt_bool, client_ignore_invalid_base64),
  PO("client_send", opt_stringptr, client_send),
  PO("server_prompts", opt_stringptr, server_prompts),
};

static const plaintext_options plaintext_defaults = {.client_send = NULL};

static const char *plaintext_init(driver_instance *d) {
  auth_instance *a = (auth_instance *)d;
  plaintext_options *ob = d->options_block;
  a->server = a->server_condition != NULL;
  a->client = ob->client_send != NULL;
  return auth_generic_init(d);
}

/* Split data[0..len) at NULs and append the strings to v (at most max). */
static int split_nul(const char *data, size_t len, const char **v, int n, int max) {
  size_t start = 0;
  for (size_t i = 0; i <= len && n < max; i++) {
    if (i == len || data[i] == 0) {
      v[n++] = str_copyn(data + start, i - start);
      start = i + 1;
    }
  }
  return n;
}

static int plaintext_server(auth_instance *a, smtp_conn *c, const char *initial) {
  plaintext_options *ob = a->drv.options_block;
  const char *prompts = "";
  if (ob->server_prompts) {
    prompts = expand_cstring(ob->server_prompts);
    if (!prompts) {   /* forced failure too: exim4 defers */
      auth_server_defer(expand_status.message, NULL);
      return AUTH_DEFER;
    }
  }
  const char *v[EXPAND_MAXN];
  int n = 0;
  if (initial) {
    const char *data;
    size_t len;
    if (!auth_b64_decode(initial, &data, &len)) return AUTH_BAD64;
    n = split_nul(data, len, v, 0, EXPAND_MAXN - 1);
  }
  /* Prompts beyond the strings already received ask for more. */
  int sep = 0, i = 0;
  for (const char *pr; (pr = list_next(&prompts, &sep)); i++) {
    if (i < n) continue;
    const char *data;
    size_t len;
    int rc = auth_get_data(c, pr, strlen(pr), &data, &len);
    if (rc != AUTH_OK) return rc;
    n = split_nul(data, len, v, n, EXPAND_MAXN - 1);
  }
  auth_set_vars(v, n);
  return auth_check_server_condition(a, c);
}

static const auth_ops plaintext_ops = {.public_name_from_instance = true, .server = plaintext_server};

const driver_info auth_plaintext = {
  .name = "plaintext",
  .options = plaintext_option_list,
  .options_count = OPT_COUNT(plaintext_option_list),
  .options_defaults = &plaintext_defaults,
  .options_size = sizeof(plaintext_options),
  .init = plaintext_init,
  .kind_ops = &plaintext_ops,
};
