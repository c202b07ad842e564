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

static int role_update(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if ((error = orgctl_generic_set_fields(ctx, obj)) == 0 &&
        orgctl_params_has(ctx->params, "permission")) {
        /* --permission on update gives the whole new set */
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "permissions");
        error = orgctl_generic_list_edit(ctx, obj, "permissions", "permission", true);
    }
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

/* Re-creates the default role as it was made with the org, whatever became of it. */
static int role_reset_default(orgctl_op_ctx *ctx)
{
    cJSON *role = NULL;
    int error = orgctl_role_put_default(ctx->cs, ctx->org);
    if (!error)
        error =
            orgctl_object_load(ctx->repo, &orgctl_kind_role, ctx->org, ORGCTL_DEFAULT_ROLE, &role);
    ctx->result = role;
    return error;
}

static const orgctl_param create_params[] = {
    {"permission", ORGCTL_PARAM_MULTI, "PERMISSION", "a permission, domain:entity:action"},
    {"description", 0, "TEXT", "what the role is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param grant_params[] = {
    {"permission", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED,
     "PERMISSION", "permissions to add or remove"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_role_ops[] = {
    {"role", "create", "create a role", W, "authorization:role:add", create_params,
     orgctl_generic_create},
    {"role", "update", "change a role's description or whole permission set", W,
     "authorization:role:edit", create_params, role_update},
    {"role", "grant", "add permissions to a role", W, "authorization:role:edit", grant_params,
     orgctl_generic_ref_add},
    {"role", "revoke", "remove permissions from a role", W, "authorization:role:edit", grant_params,
     orgctl_generic_ref_rm},
    {"role", "reset-default",
     "re-create the default role \"" ORGCTL_DEFAULT_ROLE "\" with every permission",
     W | ORGCTL_OP_NO_NAME, "authorization:role:edit", NULL, role_reset_default},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
