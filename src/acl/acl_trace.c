/* acl_trace.c - the commentary Exim prints while testing a host (-bh):
 * ">>> processing \"accept\" (file line)", ">>> check hosts = ...",
 * ">>> end of ACL \"name\": ACCEPT" and so on, on stderr, indented by the
 * nesting level as Exim indents them (a bar every fourth level).
 *
 * Entry points: acl_set_trace(), acl_trace().
 * Must never: write anywhere when tracing is off.
 */
#include <stdarg.h>
#include <stdio.h>

#include "acl/acl_int.h"
#include "base/log.h"

bool acl_tracing;

void acl_set_trace(bool on) { acl_tracing = on; }

void acl_trace(int level, const char *fmt, ...) {
  if (!acl_tracing) return;
  gstring *g = g_cat(NULL, ">>> ");
  for (int i = 1; i <= level; i++) g = g_cat(g, i % 4 == 0 ? "\xe2\x95\x8e" : " ");
  va_list ap;
  va_start(ap, fmt);
  g = g_vfmt(g, fmt, ap);
  va_end(ap);
  g = g_catc(g, '\n');
  fwrite(g->s, 1, g->len, stderr);
  fflush(stderr);
}
