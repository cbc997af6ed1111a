/* store.c - memory pools with reset points and taint tracking.
 *
 * Each pool half (untainted/tainted) is a chain of blocks obtained from
 * malloc; allocation bumps a pointer in the newest block.  Tainted blocks are
 * also kept in one address-ordered array so is_tainted() is a binary search.
 * Entry points: see store.h.  Never returns NULL: exhaustion is fatal.
 */
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ALIGNMENT 16
#define MIN_BLOCK 8192

typedef struct block {
  struct block *prev;   /* older block of the same chain */
  size_t size;          /* usable bytes after the header */
  size_t used;
  bool tainted;
} block;

#define BLOCK_DATA(b) ((char *)(b) + ((sizeof(block) + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1)))

typedef struct {
  block *top;           /* newest block */
  void *last_alloc;     /* most recent allocation, for store_extend */
  size_t in_use;
  size_t next_size;     /* size of the next block to get */
} chain;

static chain pools[POOL__COUNT][2];
static store_pool current_pool = POOL_MAIN;

/* Address-ordered list of tainted blocks for is_tainted(). */
static block **tainted_blocks;
static size_t n_tainted, cap_tainted;

struct store_mark {
  store_pool pool;
  block *top[2];
  size_t used[2];
};

static void out_of_memory(size_t size) {
  fprintf(stderr, "exim: failed to get %zu bytes of memory\n", size);
  log_panic_die("failed to get %zu bytes of memory", size);
}

static void tainted_add(block *b) {
  if (n_tainted == cap_tainted) {
    cap_tainted = cap_tainted ? cap_tainted * 2 : 64;
    block **n = realloc(tainted_blocks, cap_tainted * sizeof *n);
    if (!n) out_of_memory(cap_tainted * sizeof *n);
    tainted_blocks = n;
  }
  size_t i = n_tainted;
  while (i > 0 && (uintptr_t)tainted_blocks[i - 1] > (uintptr_t)b) {
    tainted_blocks[i] = tainted_blocks[i - 1];
    i--;
  }
  tainted_blocks[i] = b;
  n_tainted++;
}

static void tainted_remove(block *b) {
  for (size_t i = 0; i < n_tainted; i++)
    if (tainted_blocks[i] == b) {
      memmove(tainted_blocks + i, tainted_blocks + i + 1, (n_tainted - i - 1) * sizeof *tainted_blocks);
      n_tainted--;
      return;
    }
}

static void block_free(block *b) {
  if (b->tainted) tainted_remove(b);
  free(b);
}

static block *block_new(chain *c, size_t need, bool tainted) {
  size_t size = c->next_size ? c->next_size : MIN_BLOCK;
  while (size < need) size *= 2;
  if (c->next_size < 1024 * 1024) c->next_size = size * 2;
  block *b = malloc(BLOCK_DATA((block *)0) - (char *)0 + size);
  if (!b) out_of_memory(size);
  b->prev = c->top;
  b->size = size;
  b->used = 0;
  b->tainted = tainted;
  c->top = b;
  if (tainted) tainted_add(b);
  return b;
}

void *store_get_in(store_pool pool, size_t size, bool tainted) {
  chain *c = &pools[pool][tainted];
  size_t rounded = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
  if (rounded == 0) rounded = ALIGNMENT;
  if (rounded < size) out_of_memory(size);
  block *b = c->top;
  if (!b || b->size - b->used < rounded) b = block_new(c, rounded, tainted);
  void *p = BLOCK_DATA(b) + b->used;
  b->used += rounded;
  c->in_use += rounded;
  c->last_alloc = p;
  return p;
}

void *store_get(size_t size, bool tainted) {
  return store_get_in(current_pool, size, tainted);
}

void *store_zget(size_t size, bool tainted) {
  void *p = store_get(size, tainted);
  memset(p, 0, size);
  return p;
}

store_pool store_pool_set(store_pool pool) {
  store_pool old = current_pool;
  current_pool = pool;
  return old;
}

store_pool store_pool_current(void) { return current_pool; }

bool store_extend(void *p, size_t oldsize, size_t newsize) {
  for (int pool = 0; pool < POOL__COUNT; pool++)
    for (int t = 0; t < 2; t++) {
      chain *c = &pools[pool][t];
      if (c->last_alloc != p || !c->top) continue;
      block *b = c->top;
      size_t old_r = (oldsize + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
      size_t new_r = (newsize + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
      if (old_r == 0) old_r = ALIGNMENT;
      if (new_r <= old_r) return true;
      if ((char *)p + old_r != BLOCK_DATA(b) + b->used) return false;
      if (b->used - old_r + new_r > b->size) return false;
      b->used += new_r - old_r;
      c->in_use += new_r - old_r;
      return true;
    }
  return false;
}

store_mark *store_mark_take(store_pool pool) {
  /* The mark itself lives in the pool it marks, below the point it records,
   * so resetting to it keeps it valid until the next allocation. */
  store_mark *m = store_get_in(pool, sizeof *m, false);
  m->pool = pool;
  for (int t = 0; t < 2; t++) {
    m->top[t] = pools[pool][t].top;
    m->used[t] = m->top[t] ? m->top[t]->used : 0;
  }
  return m;
}

void store_reset(store_mark *m) {
  for (int t = 0; t < 2; t++) {
    chain *c = &pools[m->pool][t];
    while (c->top && c->top != m->top[t]) {
      block *b = c->top;
      c->top = b->prev;
      c->in_use -= b->used;
      block_free(b);
    }
    if (c->top) {
      c->in_use -= c->top->used - m->used[t];
      c->top->used = m->used[t];
    }
    c->last_alloc = NULL;
  }
}

void store_pool_reset(store_pool pool) {
  for (int t = 0; t < 2; t++) {
    chain *c = &pools[pool][t];
    while (c->top) {
      block *b = c->top;
      c->top = b->prev;
      block_free(b);
    }
    c->in_use = 0;
    c->last_alloc = NULL;
  }
}

bool is_tainted(const void *p) {
  uintptr_t a = (uintptr_t)p;
  size_t lo = 0, hi = n_tainted;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    block *b = tainted_blocks[mid];
    uintptr_t start = (uintptr_t)BLOCK_DATA(b);
    if (a < start)
      hi = mid;
    else if (a >= start + b->size)
      lo = mid + 1;
    else
      return true;
  }
  return false;
}

size_t store_in_use(store_pool pool) {
  return pools[pool][0].in_use + pools[pool][1].in_use;
}
