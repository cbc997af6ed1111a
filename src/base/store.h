/* store.h - memory pools with reset points and taint tracking.
 *
 * All allocation in the program goes through pools.  A pool is freed by
 * resetting it to a mark, never piece by piece.  Each pool has an untainted
 * and a tainted half: data that came from outside (SMTP, headers, DNS,
 * lookups keyed on untrusted data) is allocated tainted, and is_tainted()
 * tells the two apart from the pointer alone.
 *
 * Pools:
 *   POOL_PERM     lives for the process (configuration, option values)
 *   POOL_MAIN     general work; callers take marks and reset them
 *   POOL_MESSAGE  one message; reset between messages
 *   POOL_SEARCH   lookup results cache; reset when the cache is flushed
 *
 * Allocation failure is fatal (the process dies with a panic-log line): no
 * caller ever sees NULL.
 */
#ifndef BASE_STORE_H
#define BASE_STORE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  POOL_PERM,
  POOL_MAIN,
  POOL_MESSAGE,
  POOL_SEARCH,
  POOL__COUNT
} store_pool;

/* Allocate from the current pool (POOL_MAIN unless changed). Memory is
 * aligned for any type and is not zeroed. */
void *store_get(size_t size, bool tainted);
/* Allocate from a named pool. */
void *store_get_in(store_pool pool, size_t size, bool tainted);
/* Zeroed allocation from the current pool. */
void *store_zget(size_t size, bool tainted);

/* Make the current pool `pool`; returns the previous one. */
store_pool store_pool_set(store_pool pool);
store_pool store_pool_current(void);

/* Try to grow the most recent allocation `p` (of `oldsize`) in place to
 * `newsize`.  Returns true on success.  Used by the growable strings. */
bool store_extend(void *p, size_t oldsize, size_t newsize);

/* Marks: remember the high-water point of both halves of a pool and later
 * free everything allocated after it. */
typedef struct store_mark store_mark;
store_mark *store_mark_take(store_pool pool);
void store_reset(store_mark *mark);
/* Free every block of a pool. */
void store_pool_reset(store_pool pool);

/* True if p points into tainted memory of any pool. */
bool is_tainted(const void *p);

/* Statistics for debug output: bytes in use per pool. */
size_t store_in_use(store_pool pool);

#endif
