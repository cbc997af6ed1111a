/* limits.c - running connections per client address and the accept-time
 * checks, in Exim's order: smtp_accept_max, then smtp_accept_max_per_host
 * (expanded with $sender_host_address set), then smtp_accept_reserve and
 * smtp_load_reserve (both waived for smtp_reserve_hosts).  Replies and log
 * lines are Exim 4.96's (recorded in test/expected/daemon/daemon.json).
 * See limits.h.
 *
 * Must never: let the table and the set of live children disagree (every
 * limits_add() is matched by limits_remove() when the child is reaped).
 */
#include "daemon/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/log_selector.h"
#include "base/store.h"
#include "base/str.h"
#include "config/main_config.h"
#include "expand/expand.h"
#include "expand/match.h"
#include "expand/variables.h"

typedef struct running {
  pid_t pid;              /* 0: free slot */
  char address[48];       /* INET6_ADDRSTRLEN and a scope */
} running;

static running *table;
static int table_size, in_use;

int limits_count(void) { return in_use; }

void limits_add(pid_t pid, const char *address) {
  for (int i = 0; i < table_size; i++)
    if (table[i].pid == 0) {
      table[i].pid = pid;
      snprintf(table[i].address, sizeof table[i].address, "%s", address);
      in_use++;
      return;
    }
  /* full: a bigger table in the permanent pool (the old one is abandoned;
   * sizes double, so the waste stays below the table's size) */
  int n = table_size ? table_size * 2 : 32;
  running *t = store_get_in(POOL_PERM, sizeof *t * (size_t)n, false);
  memset(t, 0, sizeof *t * (size_t)n);
  if (table_size) memcpy(t, table, sizeof *t * (size_t)table_size);
  table = t;
  table_size = n;
  limits_add(pid, address);
}

bool limits_remove(pid_t pid) {
  for (int i = 0; i < table_size; i++)
    if (table[i].pid == pid) {
      table[i].pid = 0;
      in_use--;
      return true;
    }
  return false;
}

static int count_from(const char *address) {
  int n = 0;
  for (int i = 0; i < table_size; i++)
    if (table[i].pid && strcmp(table[i].address, address) == 0) n++;
  return n;
}

static const char *host_for_log(const char *address, int port) {
  return LOGGING(incoming_port) ? str_sprintf("[%s]:%d", address, port) : str_sprintf("[%s]", address);
}

static bool reserved_host(const char *address) {
  const char *list = mainconf.smtp_reserve_hosts, *err = NULL;
  if (!list) return false;
  return match_host_list(NULL, address, list, &err) == MATCH_YES;
}

const char *limits_check(const char *address, int port, const char **log_line) {
  const int max = mainconf.smtp_accept_max;
  if (max > 0 && in_use >= max) {
    *log_line = str_sprintf("Connection from %s refused: too many connections", host_for_log(address, port));
    return "421 Too many concurrent SMTP connections; please try again later.\r\n";
  }

  if (mainconf.smtp_accept_max_per_host) {
    long long per_host = 0;
    expand_var_set("sender_host_address", address);
    const char *err = expand_string_integer(mainconf.smtp_accept_max_per_host, false, &per_host);
    expand_var_set("sender_host_address", NULL);
    if (err)
      log_write(LOG_MAIN | LOG_PANIC, "expansion of smtp_accept_max_per_host failed for %s: %s",
                host_for_log(address, port), err);
    else if (per_host > 0 && count_from(address) >= per_host) {
      *log_line = str_sprintf("Connection from %s refused: too many connections from that IP address",
                              host_for_log(address, port));
      return "421 Too many concurrent SMTP connections from this IP address; please try again later.\r\n";
    }
  }

  const int reserve = mainconf.smtp_accept_reserve;
  if (max > 0 && reserve > 0 && in_use >= max - reserve && !reserved_host(address)) {
    *log_line = str_sprintf("temporarily refused connection from %s: not in reserve list: connected=%d max=%d reserve=%d",
                            host_for_log(address, port), in_use, max, reserve);
    return str_sprintf("421 %s: Too many concurrent SMTP connections; please try again later\r\n",
                       mainconf.primary_hostname ? mainconf.primary_hostname : "");
  }

  if (mainconf.smtp_load_reserve >= 0) {
    double load;
    if (getloadavg(&load, 1) == 1 && load * 1000.0 > (double)mainconf.smtp_load_reserve &&
        !reserved_host(address)) {
      *log_line = str_sprintf("Connection from %s refused: load average = %.2f", host_for_log(address, port), load);
      return "421 Too much load; please try again later.\r\n";
    }
  }
  return NULL;
}
