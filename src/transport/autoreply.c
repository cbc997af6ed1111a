/* autoreply.c - the autoreply transport (spec chapter 27): private options
 * with Exim 4.96's types and defaults.  Exim checks nothing about them at
 * configuration time.
 * Entry point: transport_autoreply (delivery: autoreply_run.c, autoreply_once.c).
 * Must never: send a message at configuration time.
 */
#include "transport.h"

#include "../deliver/addr.h"
#include "autoreply.h"

#define AR(n, t, f) {n, t, OPT_OFF(autoreply_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist autoreply_option_list[] = {
  AR("bcc", opt_stringptr, bcc),
  AR("cc", opt_stringptr, cc),
  AR("file", opt_stringptr, file),
  AR("file_expand", opt_bool, file_expand),
  AR("file_optional", opt_bool, file_optional),
  AR("from", opt_stringptr, from),
  AR("headers", opt_stringptr, headers),
  AR("log", opt_stringptr, log),
  AR("mode", opt_octint, mode),
  AR("never_mail", opt_stringptr, never_mail),
  AR("once", opt_stringptr, once),
  AR("once_file_size", opt_int, once_file_size),
  AR("once_repeat", opt_stringptr, once_repeat),
  AR("reply_to", opt_stringptr, reply_to),
  AR("return_message", opt_bool, return_message),
  AR("subject", opt_stringptr, subject),
  AR("text", opt_stringptr, text),
  AR("to", opt_stringptr, to),
};

static const autoreply_options autoreply_defaults = {.mode = 0600};

static const char *autoreply_init(driver_instance *d) { return transport_generic_init(d); }

static const transport_ops autoreply_ops = {.local = true, .deliver = autoreply_deliver};

const driver_info transport_autoreply = {
  .name = "autoreply",
  .options = autoreply_option_list,
  .options_count = OPT_COUNT(autoreply_option_list),
  .options_defaults = &autoreply_defaults,
  .options_size = sizeof(autoreply_options),
  .init = autoreply_init,
  .kind_ops = &autoreply_ops,
};
