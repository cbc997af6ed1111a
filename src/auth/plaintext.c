/* plaintext.c - the plaintext authenticator (spec chapter 34): private
 * options and init (server when server_condition is set, client when
 * client_send is set; public_name defaults to the instance name).
 * Entry point: auth_plaintext.
 * Must never: run an AUTH exchange at configuration time.
 */
#include "auth.h"

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

static const auth_ops plaintext_ops = {.public_name_from_instance = true};

const driver_info auth_plaintext = {
  .name = "plaintext",
  .options = plaintext_option_list,
  .options_count = OPT_COUNT(plaintext_option_list),
  .options_defaults = &plaintext_defaults,
  .options_size = sizeof(plaintext_options),
  .init = plaintext_init,
  .kind_ops = &plaintext_ops,
};
