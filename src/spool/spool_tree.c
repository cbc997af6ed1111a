/* spool_tree.c - the non-recipients tree of a -H file: a balanced (AVL)
 * binary tree of addresses ordered by strcmp, as Exim keeps it.
 * Entry points: spool_tree_insert, spool_tree_search.
 * Never removes nodes (addresses only ever join the set). */
#include <string.h>

#include "base/store.h"
#include "base/str.h"
#include "spool/spool.h"

static spool_tree *rotate_left(spool_tree *a) {
  spool_tree *b = a->right;
  a->right = b->left;
  b->left = a;
  return b;
}

static spool_tree *rotate_right(spool_tree *a) {
  spool_tree *b = a->left;
  a->left = b->right;
  b->right = a;
  return b;
}

/* Rebalances *p after its left (dir -1) or right (+1) subtree grew; returns
 * true when the height of *p grew. */
static bool grew(spool_tree **p, int dir) {
  spool_tree *n = *p;
  n->balance += dir;
  if (n->balance == 0) return false;
  if (n->balance == dir) return true;       /* was 0: now leaning, taller */
  /* |balance| == 2: rotate */
  spool_tree *c = dir < 0 ? n->left : n->right;
  if (c->balance == dir) {                  /* single rotation */
    *p = dir < 0 ? rotate_right(n) : rotate_left(n);
    n->balance = c->balance = 0;
  } else {                                  /* double rotation */
    spool_tree *g = dir < 0 ? c->right : c->left;
    if (dir < 0) {
      n->left = rotate_left(c);
      *p = rotate_right(n);
    } else {
      n->right = rotate_right(c);
      *p = rotate_left(n);
    }
    n->balance = g->balance == dir ? -dir : 0;
    c->balance = g->balance == -dir ? dir : 0;
    g->balance = 0;
  }
  return false;
}

static bool insert(spool_tree **p, spool_tree *node, bool *added) {
  if (!*p) {
    *p = node;
    *added = true;
    return true;
  }
  int c = strcmp(node->name, (*p)->name);
  if (c == 0) return false;
  if (c < 0) return insert(&(*p)->left, node, added) && grew(p, -1);
  return insert(&(*p)->right, node, added) && grew(p, 1);
}

bool spool_tree_insert(spool_tree **root, const char *name) {
  spool_tree *node = store_get(sizeof *node, false);
  node->left = node->right = NULL;
  node->balance = 0;
  node->name = str_copy(name);
  bool added = false;
  insert(root, node, &added);
  return added;
}

spool_tree *spool_tree_search(spool_tree *root, const char *name) {
  while (root) {
    int c = strcmp(name, root->name);
    if (c == 0) return root;
    root = c < 0 ? root->left : root->right;
  }
  return NULL;
}
