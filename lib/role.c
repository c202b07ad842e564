/* Roles: permission sets, and the default role. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/role.h"

int orgctl_role_put_default(orgctl_changeset *cs, const char *org)
{
    cJSON *role = cJSON_CreateObject();
    cJSON_AddStringToObject(role, "name", ORGCTL_DEFAULT_ROLE);
    cJSON_AddStringToObject(role, "description", "all permissions (default role)");
    cJSON_AddStringToObject(role, "state", "enabled");
    cJSON *perms = cJSON_AddArrayToObject(role, "permissions");
    cJSON_AddItemToArray(perms, cJSON_CreateString("*:*:*"));
    int error = orgctl_changeset_put(cs, &orgctl_kind_role, org, role);
    cJSON_Delete(role);
    return error;
}

static int role_create(orgctl_op_ctx *ctx)
{
    if (orgctl_object_exists(ctx->repo, &orgctl_kind_role, ctx->org, ctx->name))
        return orgctl_error_set(ORGCTL_EEXISTS, "role \"%s\" exists already in org \"%s\"",
                                ctx->name, ctx->org);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "name", ctx->name);
    cJSON_AddStringToObject(obj, "state", "enabled");
    orgctl_generic_set_strings(ctx, obj);
    cJSON_AddArrayToObject(obj, "permissions");
    orgctl_generic_list_edit(ctx, obj, "permissions", "permission", true);
    return orgctl_generic_put(ctx, obj);
}

static int role_update(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    orgctl_generic_set_strings(ctx, obj);
    if (orgctl_params_has(ctx->params, "permission")) {
        /* --permission on update gives the whole new set */
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "permissions");
        cJSON_AddArrayToObject(obj, "permissions");
        orgctl_generic_list_edit(ctx, obj, "permissions", "permission", true);
    }
    return orgctl_generic_put(ctx, obj);
}

static int role_edit_permissions(orgctl_op_ctx *ctx, bool add)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if ((error = orgctl_generic_list_edit(ctx, obj, "permissions", "permission", add)) < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

static int role_grant(orgctl_op_ctx *ctx)
{
    return role_edit_permissions(ctx, true);
}

static int role_revoke(orgctl_op_ctx *ctx)
{
    return role_edit_permissions(ctx, false);
}

static const orgctl_param create_params[] = {
    {"permission", ORGCTL_PARAM_MULTI, "PERMISSION", "a permission, domain:entity:action"},
    {"description", 0, "TEXT", "what the role is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param list_params[] = {
    {"state", 0, "STATE", "only enabled or disabled roles"},
    {"permission", 0, "PERMISSION", "only roles that list this permission"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param grant_params[] = {
    {"permission", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED,
     "PERMISSION", "permissions to add or remove"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param rm_params[] = {ORGCTL_PARAM_FORCE, ORGCTL_PARAMS_END};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_role_ops[] = {
    {"role", "create", "create a role", W, "authorization:role:add", create_params, role_create},
    {"role", "list", "list roles", ORGCTL_OP_NO_NAME, "authorization:role:view", list_params,
     orgctl_generic_list},
    {"role", "show", "show a role", 0, "authorization:role:view", NULL, orgctl_generic_show},
    {"role", "update", "change a role's description or whole permission set", W,
     "authorization:role:edit", create_params, role_update},
    {"role", "rm", "remove a role (--force: also from its holders)", W,
     "authorization:role:delete", rm_params, orgctl_generic_rm},
    {"role", "grant", "add permissions to a role", W, "authorization:role:edit", grant_params,
     role_grant},
    {"role", "revoke", "remove permissions from a role", W, "authorization:role:edit",
     grant_params, role_revoke},
    {"role", "enable", "enable a role", W, "authorization:role:edit", NULL,
     orgctl_generic_enable},
    {"role", "disable", "disable a role (it then grants nothing)", W,
     "authorization:role:edit", NULL, orgctl_generic_disable},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
