/* expand_int.h - internals shared by the expansion engine's files
 * (parse.c, eval.c, items.c, variables.c).  Not for other layers: they use
 * expand.h and variables.h.
 *
 * A string is parsed once into a tree: a sequence (eseq) of nodes (text,
 * variable, header, item, operator, ${if}); conditions are their own small
 * tree (econd).  Trees of cached strings live in the permanent pool and are
 * never modified by evaluation.
 */
#ifndef EXPAND_EXPAND_INT_H
#define EXPAND_EXPAND_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/str.h"
#include "cond.h"
#include "expand.h"
#include "variables.h"

/* Maximum nesting of ${...} and of conditions: deeper strings fail cleanly. */
#define EXPAND_MAX_DEPTH 1000
/* Largest string one expansion may build (guards against exponential
 * growth in ${reduce} and friends): a clean error instead of exhausting
 * memory. */
#define EXPAND_MAX_RESULT (128 * 1024 * 1024)

typedef struct enode enode;
typedef struct econd econd;

typedef struct eseq {
  int n;
  enode **v;
} eseq;

typedef enum {
  N_TEXT,      /* literal bytes */
  N_VAR,       /* a table variable */
  N_ACLVAR,    /* $acl_cX / $acl_mX */
  N_RVAR,      /* $r_name: a router's "set" variable (expand_rvar_hook) */
  N_NUM,       /* $0..$n */
  N_HEADER,    /* $h_name: and friends */
  N_ITEM,      /* ${item{..}..} */
  N_OP,        /* ${op:arg} */
  N_IF         /* ${if cond{yes}{no}} */
} enode_type;

typedef enum { HDR_DECODED, HDR_BASE, HDR_RAW, HDR_LIST } hdr_kind;

/* Expansion items (spec 11.5) the parser knows. */
typedef enum {
  I_ACL, I_AUTHRESULTS, I_CERTEXTRACT, I_DLFUNC, I_ENV, I_EXTRACT, I_FILTER, I_HASH, I_HMAC,
  I_IMAPFOLDER, I_LENGTH, I_LISTEXTRACT, I_LISTQUOTE, I_LOOKUP, I_MAP, I_NHASH, I_PERL,
  I_PRVS, I_PRVSCHECK, I_READFILE, I_READSOCK, I_REDUCE, I_RUN, I_SG, I_SORT, I_SRS_ENCODE,
  I_SUBSTR, I_TR
} item_id;

struct enode {
  enode_type type;
  const char *text;      /* N_TEXT bytes; N_HEADER/N_ACLVAR/N_ITEM name */
  size_t len;            /* N_TEXT length */
  const expand_var *var; /* N_VAR */
  int num;               /* N_NUM index; N_HEADER hdr_kind; N_ITEM item_id */
  int nargs;             /* argument sequences */
  eseq **args;
  const char *opt;       /* N_OP suffix; N_ITEM: lookup type text / json flag / run options */
  const void *op;        /* N_OP: const struct expand_op * */
  const char *key2;      /* N_ITEM extras (extract: "json"/"jsons") */
  econd *cond;           /* N_IF */
  bool fail_no;          /* "fail" in place of the "no" string */
  bool has_yes, has_no;  /* N_IF / lookup / extract: yes/no strings present */
  eseq *yes, *no;
};

typedef enum {
  C_SIMPLE, C_NOT, C_AND, C_OR, C_DEF, C_BOOL, C_BOOL_LAX, C_FORALL, C_FORANY, C_ACL,
  C_FIRST_DELIVERY, C_QUEUE_RUNNING
} econd_type;

struct econd {
  econd_type type;
  const char *name;                 /* condition word as written */
  const struct expand_cond *sc;     /* C_SIMPLE */
  int nargs;
  eseq **args;
  int nsubs;
  econd **subs;                     /* C_NOT (1), C_AND/C_OR, C_FORALL/ANY (1) */
  int json;                         /* forall/forany: 0, 1 (_json), 2 (_jsons) */
  /* C_DEF: the variable/header tested */
  const expand_var *var;
  int defkind;                      /* 0 var, 1 header, 2 aclvar, 3 numeric */
  int hdr;
  const char *defname;
};

/* parse.c */
const char *expand_parse(const char *s, eseq **out);

/* eval.c */
typedef enum { EV_OK, EV_ERROR, EV_FORCED } ev_rc;
ev_rc eval_seq(const eseq *q, gstring **out);
/* The {yes}{no} strings after lookup, extract, run, env ...: $value is val
 * while they are expanded; "fail" in place of {no} forces failure. */
ev_rc eval_yesno(const enode *n, bool ok, const char *val, gstring **out, const char *type);
/* Evaluate a sequence into a new string (NULL on failure). */
char *eval_to_str(const eseq *q);
ev_rc eval_cond(const econd *c, bool *result);
/* Set the failure message (always returns EV_ERROR). */
ev_rc ev_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
ev_rc ev_forced(const char *msg);
/* The last error came from a simple condition's function (Exim words the
 * context of such errors inside ${filter} differently). */
extern bool ev_error_from_simple_cond;
/* Append Exim's context ("... inside \"map\" item") to an error. */
ev_rc ev_inside(ev_rc rc, const char *fmt, const char *name);
void eval_header(int kind, const char *name, gstring **out, bool *found);
extern const char *expand_value;   /* $value */
extern const char *expand_item;    /* $item */

/* Parse cache counters: strings parsed, and parses saved by the cache. */
void expand_cache_counts(unsigned long *parses, unsigned long *hits);

/* items.c */
ev_rc item_eval(const enode *n, gstring **out);
int item_lookup_name(const char *name);   /* -1 if not an item */
void item_arg_counts(int id, int *min, int *max);



/* items_list.c */
ev_rc item_listextract(const enode *n, char **sub, gstring **out);
ev_rc item_listquote(char **sub, gstring **out);
ev_rc item_sort(const enode *n, gstring **out);
ev_rc item_extract_json(const enode *n, gstring **out);
char **json_list_items(const char *text, bool strip, int *count, const char **err);

/* items_sec.c */
ev_rc item_hmac(char **sub, gstring **out);
ev_rc item_prvs(char **sub, int nargs, gstring **out);
ev_rc item_prvscheck(const enode *n, gstring **out);
ev_rc item_imapfolder(char **sub, int nargs, gstring **out);
ev_rc item_readsocket(const enode *n, char **sub, gstring **out);
#endif
