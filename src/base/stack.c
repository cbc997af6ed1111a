/* stack.c - the recursion guard of stack.h: the address of a local in
 * main() marks the stack's start; RLIMIT_STACK (64 MiB when unlimited)
 * less a margin for what runs after the guard trips (error texts, the
 * sanitizers' reports) is what recursion may use.
 * Entry points: stack_guard_init(), stack_nearly_full().
 * Must never: allocate, or be called across threads (the program has none).
 */
#include "stack.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#define STACK_MARGIN (512 * 1024)
#define STACK_UNLIMITED (64UL * 1024 * 1024)

static uintptr_t stack_base;
static size_t stack_budget;

void stack_guard_init(void) {
  char here;
  stack_base = (uintptr_t)&here;
  size_t limit = STACK_UNLIMITED;
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) limit = rl.rlim_cur;
  stack_budget = limit > 2 * STACK_MARGIN ? limit - STACK_MARGIN : limit / 2;
}

bool stack_nearly_full(void) {
  if (!stack_base) return false;
  char here;
  uintptr_t now = (uintptr_t)&here;
  size_t used = stack_base > now ? stack_base - now : now - stack_base;
  return used > stack_budget;
}
