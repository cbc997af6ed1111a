/* items_list.c - list and JSON items of spec 11.5: ${listextract},
 * ${listquote}, ${sort}, ${extract json/jsons}, and the JSON list walk used
 * by forall_json/forany_json(s).
 *
 * Entry points: item_listextract, item_listquote, item_sort,
 * item_extract_json, json_list_items (expand_int.h).
 *
 * Must never: read past the end of the JSON text (every scan is bounded by
 * the terminating NUL).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../base/list.h"
#include "../base/store.h"
#include "../base/str.h"
#include "expand_int.h"

static bool signed_number(const char *s, long *v) {
  const char *p = str_skip_space(s);
  char *end;
  long x = strtol(p, &end, 10);
  if (end == p) return false;
  end = (char *)str_skip_space(end);
  if (*end) return false;
  *v = x;
  return true;
}

ev_rc item_listextract(const enode *n, char **sub, gstring **out) {
  long num;
  if (!signed_number(sub[0], &num))
    return ev_fail("first argument of \"listextract\" must be numeric");
  int count = list_count(sub[1], 0);
  /* counted from the end; as exim4, going more than one past the start
   * lands on the first item */
  if (num < 0) {
    num = count + num + 1;
    if (num < 0) num = 1;
  }
  const char *val = NULL;
  if (num >= 1 && num <= count) {
    const char *lp = sub[1];
    int sep = 0;
    char *it = NULL;
    for (long i = 0; i < num; i++) it = list_next(&lp, &sep);
    val = it;
  }
  return eval_yesno(n, val != NULL, val, out, "listextract");
}

ev_rc item_listquote(char **sub, gstring **out) {
  char sep = sub[0][0];
  *out = g_catn(*out, sub[1], 0);   /* keeps the string's taint */
  if (!*sub[1]) {
    *out = g_catc(*out, ' ');
    return EV_OK;
  }
  for (const char *p = sub[1]; *p; p++) {
    if (sep && *p == sep) *out = g_catc(*out, sep);
    *out = g_catc(*out, *p);
  }
  return EV_OK;
}

/* ${sort{list}{comparator}{extractor}}: insertion in order, each new item
 * placed before the first kept item it compares "before". */
ev_rc item_sort(const enode *n, gstring **out) {
  char *list = eval_to_str(n->args[0]);
  if (!list) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  const char *cmpname = n->opt ? n->opt : "";
  static const char *const allowed[] = {"<", "<=", ">", ">=", "lt", "le", "gt", "ge",
                                        "lti", "lei", "gti", "gei", NULL};
  const struct expand_cond *sc = NULL;
  for (int i = 0; allowed[i]; i++)
    if (strcmp(cmpname, allowed[i]) == 0) sc = expand_cond_find(cmpname);
  if (!sc) {
    if (expand_cond_find(cmpname)) return ev_fail("comparator not handled for sort");
    return ev_fail("%s", "");
  }
  const char *save_item = expand_item;
  int cap = 16, cnt = 0;
  char **items = store_get(sizeof(char *) * (size_t)cap, false);
  char **keys = store_get(sizeof(char *) * (size_t)cap, false);
  const char *lp = list;
  int sep = 0;
  char *it;
  ev_rc rc = EV_OK;
  while ((it = list_next(&lp, &sep))) {
    expand_item = it;
    char *key = eval_to_str(n->args[2]);
    if (!key || !*key) {
      rc = key ? EV_FORCED : expand_status.forced_fail ? EV_FORCED : EV_ERROR;
      /* an empty or forced-failed extraction is reported with its text */
      if (rc == EV_FORCED) rc = ev_fail("field-extract in sort: \"%s\"", n->key2 ? n->key2 : "");
      break;
    }
    if (cnt >= cap) {
      char **ni = store_get(sizeof(char *) * (size_t)cap * 2, false);
      char **nk = store_get(sizeof(char *) * (size_t)cap * 2, false);
      memcpy(ni, items, sizeof(char *) * (size_t)cnt);
      memcpy(nk, keys, sizeof(char *) * (size_t)cnt);
      items = ni;
      keys = nk;
      cap *= 2;
    }
    int pos = cnt;
    for (int i = 0; i < cnt; i++) {
      const char *args[2] = {key, keys[i]};
      bool before = false;
      if (sc->fn(args, 2, &before) == NULL && before) {
        pos = i;
        break;
      }
    }
    memmove(items + pos + 1, items + pos, sizeof(char *) * (size_t)(cnt - pos));
    memmove(keys + pos + 1, keys + pos, sizeof(char *) * (size_t)(cnt - pos));
    items[pos] = it;
    keys[pos] = key;
    cnt++;
  }
  expand_item = save_item;
  if (rc != EV_OK) return rc;
  gstring *g = NULL;
  for (int i = 0; i < cnt; i++) g = list_append(g, sep > 0 ? sep : ':', items[i]);
  if (g) *out = g_catn(*out, g->s, g->len);
  return EV_OK;
}

/* ---------------- JSON ---------------- */

static const char *jws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

/* End of the JSON value starting at p (after white space), or NULL. */
static const char *json_value_end(const char *p, int depth) {
  if (depth > EXPAND_MAX_DEPTH) return NULL;
  p = jws(p);
  if (*p == '"') {
    for (p++; *p && *p != '"'; p++)
      if (*p == '\\' && p[1]) p++;
    return *p == '"' ? p + 1 : NULL;
  }
  if (*p == '[' || *p == '{') {
    char close = *p == '[' ? ']' : '}';
    p = jws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        if (*p != '"') return NULL;
        if (!(p = json_value_end(p, depth + 1))) return NULL;
        p = jws(p);
        if (*p != ':') return NULL;
        p++;
      }
      if (!(p = json_value_end(p, depth + 1))) return NULL;
      p = jws(p);
      if (*p == ',') {
        p = jws(p + 1);
        continue;
      }
      return *p == close ? p + 1 : NULL;
    }
  }
  const char *s = p;
  while (*p && !strchr(",]} \t\r\n", *p)) p++;
  return p > s ? p : NULL;
}

static const char *json_strip_err;

/* Copy of a JSON value; strip: a string's quotes removed (a value that is
 * not a string sets json_strip_err). */
static const char *json_copy(const char *s, const char *e, bool strip) {
  if (strip) {
    if (*s == '"' && e - s >= 2) return str_copyn(s + 1, (size_t)(e - s - 2));
    json_strip_err = "missing '\"' wrapping string result for extract jsons";
  }
  return str_copyn(s, (size_t)(e - s));
}

/* Element n (1-based) of a JSON array; *err on a malformed text. */
static const char *json_array_nth(const char *text, long n, bool strip, const char *what,
                                  const char **err) {
  const char *p = jws(text);
  *err = NULL;
  if (*p != '[') {
    *err = str_sprintf("missing '[' wrapping array for %s", what);
    return NULL;
  }
  p = jws(p + 1);
  if (*p == ']') return NULL;
  for (long i = 1;; i++) {
    const char *s = jws(p);
    const char *e = json_value_end(s, 0);
    if (!e) {
      *err = str_sprintf("missing ']' wrapping array for %s", what);
      return NULL;
    }
    if (i == n) {
      const char *v = json_copy(s, e, strip);
      /* the rest of the array must be well formed too */
      for (const char *q = jws(e);;) {
        if (*q == ']') return v;
        if (*q != ',' || !(q = json_value_end(q + 1, 0))) {
          *err = str_sprintf("missing ']' wrapping array for %s", what);
          return NULL;
        }
        q = jws(q);
      }
    }
    p = jws(e);
    if (*p == ',') {
      p++;
      continue;
    }
    if (*p != ']') *err = str_sprintf("missing ']' wrapping array for %s", what);
    return NULL;
  }
}

static const char *json_object_get(const char *text, const char *key, bool strip,
                                   const char **err) {
  const char *p = jws(text);
  *err = NULL;
  if (*p != '{') {
    *err = "missing '{' wrapping object for extract json";
    return NULL;
  }
  p = jws(p + 1);
  if (*p == '}') return NULL;
  size_t kl = strlen(key);
  for (;;) {
    p = jws(p);
    const char *ks = p;
    const char *ke = *p == '"' ? json_value_end(p, 0) : NULL;
    if (!ke) {
      *err = "missing '}' wrapping object for extract json";
      return NULL;
    }
    p = jws(ke);
    if (*p != ':') {
      *err = "missing '}' wrapping object for extract json";
      return NULL;
    }
    const char *vs = jws(p + 1);
    const char *ve = json_value_end(vs, 0);
    if (!ve) {
      *err = "missing '}' wrapping object for extract json";
      return NULL;
    }
    if ((size_t)(ke - ks - 2) == kl && strncmp(ks + 1, key, kl) == 0) return json_copy(vs, ve, strip);
    p = jws(ve);
    if (*p == ',') {
      p++;
      continue;
    }
    if (*p != '}') *err = "missing '}' wrapping object for extract json";
    return NULL;
  }
}

ev_rc item_extract_json(const enode *n, gstring **out) {
  char *sub[3];
  for (int i = 0; i < n->nargs; i++)
    if (!(sub[i] = eval_to_str(n->args[i]))) return expand_status.forced_fail ? EV_FORCED : EV_ERROR;
  bool strip = strcmp(n->key2, "jsons") == 0;
  char *key = str_rtrim(str_copy(str_skip_space(sub[0])));
  if (!*key) return ev_fail("first argument of \"extract\" must not be empty");
  const char *err = NULL, *v;
  /* a third braced part is the "yes" string, as for named extraction */
  enode tmp = *n;
  if (n->nargs == 3) {
    tmp.yes = n->args[2];
    tmp.has_yes = true;
    if (n->has_yes) {
      tmp.no = n->yes;
      tmp.has_no = true;
    }
  }
  json_strip_err = NULL;
  if (*key && strspn(key, "0123456789") == strlen(key))
    v = json_array_nth(sub[1], strtol(key, NULL, 10), strip, "extract json", &err);
  else
    v = json_object_get(sub[1], key, strip, &err);
  if (err) return ev_fail("%s", err);
  if (v && json_strip_err) return ev_fail("%s", json_strip_err);
  return eval_yesno(&tmp, v != NULL, v, out, "extract");
}

/* The elements of a JSON array as strings (for forall_json and friends);
 * NULL and *err when the text is not an array. */
char **json_list_items(const char *text, bool strip, int *count, const char **err) {
  int cap = 8, n = 0;
  char **v = store_get(sizeof(char *) * (size_t)cap, false);
  const char *p = jws(text);
  *err = NULL;
  if (*p != '[') {
    *err = "missing '[' wrapping array";
    return NULL;
  }
  p = jws(p + 1);
  if (*p != ']')
    for (;;) {
      const char *s = jws(p);
      const char *e = json_value_end(s, 0);
      if (!e) {
        *err = "missing ']' wrapping array";
        return NULL;
      }
      if (n >= cap) {
        char **nv = store_get(sizeof(char *) * (size_t)cap * 2, false);
        memcpy(nv, v, sizeof(char *) * (size_t)n);
        v = nv;
        cap *= 2;
      }
      v[n++] = (char *)json_copy(s, e, strip);
      p = jws(e);
      if (*p == ',') {
        p++;
        continue;
      }
      if (*p != ']') {
        *err = "missing ']' wrapping array";
        return NULL;
      }
      break;
    }
  *count = n;
  return v;
}
