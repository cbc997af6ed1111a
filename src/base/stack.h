/* stack.h - a guard for the recursive parsers (filters, Sieve): whether
 * the process's stack is close to its limit, so that deep nesting is
 * refused with an error instead of crashing, whatever the frame sizes
 * (optimisation, sanitizers) and the stack limit (ulimit -s).
 */
#ifndef BASE_STACK_H
#define BASE_STACK_H

#include <stdbool.h>

/* Remember where the stack starts and how big it may grow; main() calls
 * it first.  Without it, stack_nearly_full() is always false. */
void stack_guard_init(void);

/* True when less than a safety margin of the stack is left. */
bool stack_nearly_full(void);

#endif
