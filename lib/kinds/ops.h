/* Internal: the operation tables of each kind and the generic verbs they share. */
#ifndef ORGCTL_OPS_H
#define ORGCTL_OPS_H

#include "internal.h"
#include "orgctl/op.h"

extern const orgctl_op orgctl_org_ops[];
extern const orgctl_op orgctl_user_ops[];
extern const orgctl_op orgctl_role_ops[];
extern const orgctl_op orgctl_group_ops[];
extern const orgctl_op orgctl_access_ops[];
extern const orgctl_op orgctl_capacity_ops[];
extern const orgctl_op orgctl_pair_ops[], orgctl_clone_ops[]; /* pair.c, clone.c */
extern const orgctl_op orgctl_campaign_ops[];                 /* campaign.c */
extern const orgctl_op orgctl_strategy_ops[];                 /* campaign.c */
extern const orgctl_op orgctl_campaign_parts_ops[];           /* campaign.c */
extern const orgctl_op orgctl_suppress_ops[];                 /* suppress.c */

/* The pairing `id` as ctx->org sees it: its own (*trusting true) or another org's that
 * admits it; *where the org it is filed in (malloc'd), *obj it (caller frees). */
int orgctl_pair_locate(orgctl_op_ctx *ctx, const char *id, char **where, cJSON **obj,
                       bool *trusting);

/* Generic verbs, for any kind of the table. */
int orgctl_generic_show(orgctl_op_ctx *ctx);
int orgctl_generic_list(orgctl_op_ctx *ctx);
/* Makes an object (or each of a list) of the op's kind what show and list print: every
 * field present (orgctl_kind_fill), and a user's computed fields (orgctl_user_fill). */
int orgctl_generic_present(orgctl_op_ctx *ctx, cJSON *obj);
int orgctl_generic_present_list(orgctl_op_ctx *ctx, cJSON *list);

/* Groups and roles read while filling many users: each once (lib/kinds/user.c). */
typedef struct orgctl_user_cache orgctl_user_cache;
orgctl_user_cache *orgctl_user_cache_new(void);
void orgctl_user_cache_free(orgctl_user_cache *cache);
/* For a list of many users in name order: their agent and access groups are read from
 * the groups' member rows in one pass beside it (a row at a time), instead of asking the
 * index for each user's. Users asked out of order are asked of the index. Called again,
 * the pass starts again (a second pass over the users). */
int orgctl_user_cache_read_groups(orgctl_repo *repo, const char *org, orgctl_user_cache *cache);
/* Sets the computed fields of the user object `user` of `org`: "groups" and
 * "access_groups" (the agent and access groups it is a member of) and "effective_roles"
 * (each enabled role in effect -> where from: "direct", "group:G", "access:A"; the roles
 * of enabled groups only, none for a disabled user), as orgctl_perm_check counts them.
 * `cache` may be NULL. */
int orgctl_user_fill(orgctl_repo *repo, const char *org, cJSON *user, orgctl_user_cache *cache);
int orgctl_generic_rm(orgctl_op_ctx *ctx); /* refuses while referenced, unless --force */
int orgctl_generic_enable(orgctl_op_ctx *ctx);
int orgctl_generic_disable(orgctl_op_ctx *ctx);
int orgctl_generic_copy(orgctl_op_ctx *ctx); /* positional "new-name" */
/* Gives obj, made in `org` (new, or a copy), its identity (the kind's ORGCTL_FIELD_IDENTITY
 * fields): unique to the commit it is made on, its kind, org and name. */
int orgctl_generic_identity(const orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            cJSON *obj);
/* "group member-add G USER...", "user role-rm U ROLE...", "user skill-rm U SKILL...",
 * "user option-set U K=V...": the op's first positional parameter is named after a kind
 * ("user") or a field in the singular ("option"); its values are added to or removed from
 * the op kind's list or map field that refers to that kind or has that name (a map takes
 * KEY=VALUE to add, KEY to remove). */
int orgctl_generic_ref_add(orgctl_op_ctx *ctx);
int orgctl_generic_ref_rm(orgctl_op_ctx *ctx);
/* "user skill-set U SKILL LEVEL": sets an entry of the map that refers to the first
 * positional parameter's kind to the positional "level", checked against the field's range. */
int orgctl_generic_level_set(orgctl_op_ctx *ctx);

/* "create": a new object of the op's kind named ctx->name (enabled, when the kind has a
 * state) with what its parameters say (orgctl_generic_apply_params); EEXISTS if taken. */
int orgctl_generic_create(orgctl_op_ctx *ctx);
/* The same, left unstaged in *out for the caller to complete and put. */
int orgctl_generic_new(orgctl_op_ctx *ctx, cJSON **out);
/* "update": applies the parameters to the object ctx->name. */
int orgctl_generic_update(orgctl_op_ctx *ctx);
/* Applies the op's parameters to obj: strings and numbers set the field of the same name,
 * a parameter named after a list or map field in the singular adds to it ("--role R" to
 * "roles", "--skill S=7" to "skills", "--option K=V" to "options"). */
int orgctl_generic_apply_params(orgctl_op_ctx *ctx, cJSON *obj);

/* Loads ctx->name of the op's kind into *obj. */
int orgctl_generic_load(orgctl_op_ctx *ctx, cJSON **obj);
/* Stages obj and makes it the result (takes ownership of obj). */
int orgctl_generic_put(orgctl_op_ctx *ctx, cJSON *obj);
/* Sets string and integer fields of obj from parameters of the same name ('-' read as
 * '_'); ORGCTL_EINVALID for a number that is none or out of the field's range. */
int orgctl_generic_set_fields(orgctl_op_ctx *ctx, cJSON *obj);
/* Sets entries of the map `field` from the KEY=VALUE values of parameter `param`; the
 * values of a RANGE field must be whole numbers in its range (skill levels). */
int orgctl_generic_map_set(orgctl_op_ctx *ctx, cJSON *obj, const char *field, const char *param);
/* Adds (add=true) or removes the values of parameter `param` to or from list `field`.
 * Removing a value that is not there is an error naming it. */
int orgctl_generic_list_edit(orgctl_op_ctx *ctx, cJSON *obj, const char *field, const char *param,
                             bool add);
/* Parses a whole number from min to max; ORGCTL_EINVALID naming `what` otherwise. */
int orgctl_parse_int(const char *what, const char *s, int min, int max, int *out);
/* Parses KEY=VALUE into key and value (malloc'd). */
int orgctl_parse_kv(const char *what, const char *kv, char **key, char **value);

/* Shared parameter rows. */
#define ORGCTL_PARAM_FORCE                                                                         \
    {                                                                                              \
        "force", ORGCTL_PARAM_FLAG, NULL, "also remove it from the objects that refer to it"       \
    }
#define ORGCTL_PARAMS_END                                                                          \
    {                                                                                              \
        NULL, 0, NULL, NULL                                                                        \
    }

/* Parameter tables several kinds share (lib/kinds/params.c): "member add|rm G USER...",
 * "role add|rm X ROLE...", "skill set X SKILL LEVEL", "skill rm X SKILL...", "rm [--force]"
 * and "copy OLD NEW-NAME". */
extern const orgctl_param orgctl_params_members[], orgctl_params_roles[], orgctl_params_skill_set[],
    orgctl_params_skill_rm[], orgctl_params_force[], orgctl_params_copy[];

#endif
