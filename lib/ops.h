/* Internal: the operation tables of each kind and the generic verbs they share. */
#ifndef ORGCTL_OPS_H
#define ORGCTL_OPS_H

#include "internal.h"
#include "orgctl/op.h"

extern const orgctl_op orgctl_org_ops[];
extern const orgctl_op orgctl_user_ops[];
extern const orgctl_op orgctl_role_ops[];

/* The kind an operation acts on. */
const orgctl_kind *orgctl_op_kind(const orgctl_op *op);

/* Generic verbs, for any kind of the table. */
int orgctl_generic_show(orgctl_op_ctx *ctx);
int orgctl_generic_list(orgctl_op_ctx *ctx);
int orgctl_generic_rm(orgctl_op_ctx *ctx);     /* refuses while referenced, unless --force */
int orgctl_generic_enable(orgctl_op_ctx *ctx);
int orgctl_generic_disable(orgctl_op_ctx *ctx);
int orgctl_generic_copy(orgctl_op_ctx *ctx);   /* positional "new-name" */

/* Loads ctx->name of the op's kind into *obj. */
int orgctl_generic_load(orgctl_op_ctx *ctx, cJSON **obj);
/* Stages obj and makes it the result (takes ownership of obj). */
int orgctl_generic_put(orgctl_op_ctx *ctx, cJSON *obj);
/* Sets string fields of obj from parameters of the same name ('-' read as '_'). */
void orgctl_generic_set_strings(orgctl_op_ctx *ctx, cJSON *obj);
/* Adds (add=true) or removes the values of parameter `param` to or from list `field`.
 * Removing a value that is not there is an error naming it. */
int orgctl_generic_list_edit(orgctl_op_ctx *ctx, cJSON *obj, const char *field,
                             const char *param, bool add);
/* Parses KEY=VALUE into key and value (malloc'd). */
int orgctl_parse_kv(const char *what, const char *kv, char **key, char **value);

/* Shared parameter rows. */
#define ORGCTL_PARAM_FORCE                                                                 \
    {"force", ORGCTL_PARAM_FLAG, NULL, "also remove it from the objects that refer to it"}
#define ORGCTL_PARAMS_END {NULL, 0, NULL, NULL}

#endif
