/* test_readconf.c - unit tests for what the configuration reader hands to
 * later layers (src/config/readconf.c, confline.c, macro.c): the logical
 * lines of the acl/retry/rewrite sections with their file and line, named
 * lists with their cache/hide/number fields, driver instances with their
 * source position, -D parsing, and the macro list.  Error paths and -bP
 * output are covered by test/black/test_readconf.py against exim4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/store.h"
#include "base/str.h"
#include "config/driver.h"
#include "config/readconf.h"
#include "unit.h"


static char dir[] = "/tmp/test_readconfXXXXXX";

static const char *write_file(const char *name, const char *text) {
  const char *path = str_sprintf("%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
  return path;
}

static int count_lines(const config_line *l) {
  int n = 0;
  for (; l; l = l->next) n++;
  return n;
}

static void test_cmdline_macros(void) {
  macro_item *list = NULL;
  CHECK(macro_parse_cmdline("ABC=1", &list) == NULL);
  CHECK(macro_parse_cmdline("EMPTY", &list) == NULL);
  CHECK(macro_parse_cmdline("SP = x y ", &list) == NULL);
  CHECK(macro_parse_cmdline("ABCDEFGHIJKLMNOPQRSTUVWXYZ=long", &list) == NULL);
  CHECK(list && strcmp(list->name, "ABC") == 0 && strcmp(list->value, "1") == 0 && list->command_line);
  CHECK(strcmp(list->next->name, "EMPTY") == 0 && strcmp(list->next->value, "") == 0);
  CHECK(strcmp(list->next->next->value, "x y ") == 0);
  CHECK(strcmp(list->next->next->next->name, "ABCDEFGHIJKLMNOPQRSTUVW") == 0);
  const char *e = macro_parse_cmdline("ABC=2", &list);
  CHECK(e && strcmp(e, "duplicated -D in command line") == 0);
  e = macro_parse_cmdline("lower=1", &list);
  CHECK(e && strcmp(e, "macro name set by -D must start with an upper case letter") == 0);
  e = macro_parse_cmdline("X-Y", &list);
  CHECK(e && strcmp(e, "unknown, malformed, or incomplete option -DX-Y") == 0);
}

static void test_load(void) {
  write_file("inc.conf", "begin retry\n*  *  F,1h,10m\n");
  const char *conf = write_file(
      "exim.conf",
      "MAC = from_file\n"
      "OVER = file\n"
      "hide domainlist local = a : b\n"
      "hostlist_cache dyn = ${if true{x}}\n"
      "hostlist nocache = ${if true{y}}\n"
      "addresslist al = \"q\\tw\"\n"
      "begin acl\n"
      "first:\n"
      "  accept hosts = \\\n"
      "     MAC\n"
      "SECOND = 1\n"
      "second:\n"
      "  deny\n"
      "begin rewrite\n"
      "*@x  y@z  F\n"
      ".include inc.conf\n"
      "begin routers\n"
      "r1:\n"
      "  driver = redirect\n"
      "  data = OVER\n"
      "r2:\n"
      "  driver = redirect\n"
      "  data = x\n");
  macro_item *cl = NULL;
  CHECK(macro_parse_cmdline("OVER=cmdline", &cl) == NULL);
  readconf_args a = {.file_list = str_sprintf("%s/none.conf:%s", dir, conf), .cmdline_macros = cl};
  readconf_load(&a);

  CHECK(strcmp(config.filename, conf) == 0);
  CHECK(strcmp(config.directory, dir) == 0);

  /* macros: -D first, file definition of OVER ignored */
  const macro_item *m = config.macros;
  CHECK(m && strcmp(m->name, "OVER") == 0 && strcmp(m->value, "cmdline") == 0 && m->command_line);
  CHECK(m->next && strcmp(m->next->name, "MAC") == 0 && !m->next->command_line);
  CHECK(m->next->next && strcmp(m->next->next->name, "SECOND") == 0);
  CHECK(!m->next->next->next);

  /* named lists */
  named_list *n = named_list_find(NL_DOMAIN, "local");
  CHECK(n && n->hide && n->cache && n->number == 0 && strcmp(n->value, "a : b") == 0);
  n = named_list_find(NL_HOST, "dyn");
  CHECK(n && !n->hide && n->cache && n->number == 0);
  n = named_list_find(NL_HOST, "nocache");
  CHECK(n && !n->cache && n->number == 1);
  n = named_list_find(NL_ADDRESS, "al");
  CHECK(n && strcmp(n->value, "q\tw") == 0);
  CHECK(!named_list_find(NL_LOCALPART, "al"));

  /* ACL lines: joined, macro-substituted, positioned at their last line */
  const config_line *l = config.acl_lines;
  CHECK(count_lines(l) == 4);
  CHECK(l && strcmp(l->text, "first:") == 0 && l->line == 8 && strcmp(l->file, conf) == 0);
  CHECK(l->next && strcmp(l->next->text, "accept hosts = from_file") == 0 && l->next->line == 10);
  CHECK(l->next->next && strcmp(l->next->next->text, "second:") == 0 && l->next->next->line == 12);

  l = config.rewrite_lines;
  CHECK(count_lines(l) == 1 && strcmp(l->text, "*@x  y@z  F") == 0 && l->line == 15);
  l = config.retry_lines;
  CHECK(count_lines(l) == 1 && strcmp(l->text, "*  *  F,1h,10m") == 0 && l->line == 2);
  CHECK(l && strcmp(l->file, str_sprintf("%s/inc.conf", dir)) == 0);
  CHECK(config.local_scan_lines == NULL);

  /* all_lines: position markers have line 0 */
  int markers = 0;
  for (l = config.all_lines; l; l = l->next)
    if (l->line == 0) {
      markers++;
      CHECK(l->text[0] == '#');
    }
  CHECK(markers == 4);  /* main file, before and in inc.conf, back */

  /* driver instances, in order, with their position */
  driver_instance *d = router_kind.instances;
  CHECK(d && strcmp(d->name, "r1") == 0 && strcmp(d->driver_name, "redirect") == 0 && d->info);
  CHECK(d && d->srcline == 18 && strcmp(d->srcfile, conf) == 0 && d->options_block);
  CHECK(d && d->next && strcmp(d->next->name, "r2") == 0 && !d->next->next);
  CHECK(driver_find(&router_kind, "r2") == d->next);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  test_cmdline_macros();
  test_load();
  unlink(str_sprintf("%s/exim.conf", dir));
  unlink(str_sprintf("%s/inc.conf", dir));
  rmdir(dir);
  if (failures) fprintf(stderr, "%d failures\n", failures);
  return failures != 0;
}
