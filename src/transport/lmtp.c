/* lmtp.c - the lmtp transport (spec chapter 28): private options and init
 * (exactly one of command and socket).
 * Entry point: transport_lmtp (delivery itself: lmtp_run.c).
 * Must never: run the command or connect at configuration time.
 */
#include "transport.h"

#include "lmtp.h"

#define LO(n, t, f) {n, t, OPT_OFF(lmtp_options, f), NULL, NULL}

/* Sorted by name (strcmp order). */
static const optionlist lmtp_option_list[] = {
  LO("batch_id", opt_stringptr, batch_id),
  LO("batch_max", opt_int, batch_max),
  LO("command", opt_stringptr, command),
  LO("ignore_quota", opt_bool, ignore_quota),
  LO("socket", opt_stringptr, socket),
  LO("timeout", opt_time, timeout),
};

static const lmtp_options lmtp_defaults = {.batch_max = 1, .timeout = 300};

static const char *lmtp_init(driver_instance *d) {
  const char *err = transport_generic_init(d);
  if (err) return err;
  lmtp_options *ob = d->options_block;
  if ((ob->command == NULL) == (ob->socket == NULL))
    return driver_error_plain(
        "one (and only one) of command or socket must be set for the %s transport", d->name);
  return NULL;
}

static int lmtp_batch_max(const transport_instance *t) {
  const lmtp_options *ob = t->drv.options_block;
  return ob->batch_max > 0 ? ob->batch_max : 1;
}

static const transport_ops lmtp_ops = {.local = true, .deliver = lmtp_deliver, .batch_max = lmtp_batch_max};

const driver_info transport_lmtp = {
  .name = "lmtp",
  .options = lmtp_option_list,
  .options_count = OPT_COUNT(lmtp_option_list),
  .options_defaults = &lmtp_defaults,
  .options_size = sizeof(lmtp_options),
  .init = lmtp_init,
  .kind_ops = &lmtp_ops,
};
