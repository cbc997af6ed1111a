/* cram_md5.c - the cram_md5 authenticator (spec chapter 35): private
 * options and init (server when server_secret is set, client when
 * client_secret is set; client_name then defaults to primary_hostname).
 * Entry point: auth_cram_md5.
 * Must never: run an AUTH exchange at configuration time.
 */
#include "auth.h"

#include "../config/main_config.h"

typedef struct cram_md5_options {
  const char *client_name;
  const char *client_secret;
  const char *server_secret;
} cram_md5_options;

#define CO(n, t, f) {n, t, OPT_OFF(cram_md5_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist cram_md5_option_list[] = {
  CO("client_name", opt_stringptr, client_name),
  CO("client_secret", opt_stringptr, client_secret),
  CO("server_secret", opt_stringptr, server_secret),
};

static const cram_md5_options cram_md5_defaults = {.client_name = NULL};

static const char *cram_md5_init(driver_instance *d) {
  auth_instance *a = (auth_instance *)d;
  cram_md5_options *ob = d->options_block;
  a->server = ob->server_secret != NULL;
  a->client = ob->client_secret != NULL;
  if (a->client && !ob->client_name) ob->client_name = mainconf.primary_hostname;
  return auth_generic_init(d);
}

static const auth_ops cram_md5_ops = {.public_name_from_instance = false};

const driver_info auth_cram_md5 = {
  .name = "cram_md5",
  .options = cram_md5_option_list,
  .options_count = OPT_COUNT(cram_md5_option_list),
  .options_defaults = &cram_md5_defaults,
  .options_size = sizeof(cram_md5_options),
  .init = cram_md5_init,
  .kind_ops = &cram_md5_ops,
};
