/* queuefile.c - the queuefile transport (experimental, EXPERIMENTAL_QUEUEFILE;
 * seed text "Queuefile transport"): its one option, "directory" (expanded
 * at delivery), which must be set.  The generic transport options are
 * accepted and ignored by this transport.
 * Entry point: transport_queuefile.
 * Must never: copy spool files at configuration time.
 */
#include "transport.h"

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

static const transport_ops queuefile_ops = {.local = true};

const driver_info transport_queuefile = {
  .name = "queuefile",
  .options = queuefile_option_list,
  .options_count = OPT_COUNT(queuefile_option_list),
  .options_defaults = &queuefile_defaults,
  .options_size = sizeof(queuefile_options),
  .init = queuefile_init,
  .kind_ops = &queuefile_ops,
};
