/* ops_int.h - internal declarations shared by the operator files
 * (ops.c, ops_encode.c, ops_hash.c, ops_address.c, ops_misc.c).
 * Only ops.c's table uses these; nothing outside src/expand/ops*.c may.
 */
#ifndef EXPAND_OPS_INT_H
#define EXPAND_OPS_INT_H

#include "ops.h"

#define OPFN(name) const char *name(gstring **out, const char *arg, const char *opt)

/* ops.c */
OPFN(op_lc); OPFN(op_uc); OPFN(op_strlen); OPFN(op_listcount);
OPFN(op_length); OPFN(op_l); OPFN(op_substr); OPFN(op_s);
OPFN(op_hash); OPFN(op_h); OPFN(op_nhash); OPFN(op_nh);

#endif
