/* Users: the verbs of the foundation (create, update, roles, state). */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static int set_options(orgctl_op_ctx *ctx, cJSON *obj)
{
    cJSON *options = cJSON_GetObjectItemCaseSensitive(obj, "options");
    if (!options)
        options = cJSON_AddObjectToObject(obj, "options");
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "option"); i++) {
        char *k, *v;
        int error = orgctl_parse_kv("option", orgctl_params_at(ctx->params, "option", i), &k, &v);
        if (error < 0)
            return error;
        cJSON_DeleteItemFromObjectCaseSensitive(options, k);
        cJSON_AddStringToObject(options, k, v);
        free(k);
        free(v);
    }
    return 0;
}

static int user_create(orgctl_op_ctx *ctx)
{
    if (orgctl_object_exists(ctx->repo, &orgctl_kind_user, ctx->org, ctx->name))
        return orgctl_error_set(ORGCTL_EEXISTS, "user \"%s\" exists already in org \"%s\"",
                                ctx->name, ctx->org);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "name", ctx->name);
    cJSON_AddStringToObject(obj, "state", "enabled");
    orgctl_generic_set_strings(ctx, obj);
    int error = set_options(ctx, obj);
    if (!error)
        error = orgctl_generic_list_edit(ctx, obj, "roles", "role", true);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

static int user_update(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    orgctl_generic_set_strings(ctx, obj);
    if ((error = set_options(ctx, obj)) < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

static int user_roles(orgctl_op_ctx *ctx, bool add)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if ((error = orgctl_generic_list_edit(ctx, obj, "roles", "role", add)) < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

static int user_role_add(orgctl_op_ctx *ctx)
{
    return user_roles(ctx, true);
}

static int user_role_rm(orgctl_op_ctx *ctx)
{
    return user_roles(ctx, false);
}

static const orgctl_param create_params[] = {
    {"email", ORGCTL_PARAM_REQUIRED, "EMAIL", "e-mail address, unique in the org"},
    {"full-name", 0, "NAME", "full name"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role to hold"},
    {"option", ORGCTL_PARAM_MULTI, "KEY=VALUE", "an option"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param update_params[] = {
    {"email", 0, "EMAIL", "new e-mail address"},
    {"full-name", 0, "NAME", "new full name"},
    {"option", ORGCTL_PARAM_MULTI, "KEY=VALUE", "set an option"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param list_params[] = {
    {"state", 0, "STATE", "only enabled or disabled users"},
    {"role", 0, "ROLE", "only holders of this role"},
    {"search", 0, "TEXT", "only users whose name or e-mail contains TEXT"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param role_params[] = {
    {"role", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED, "ROLE",
     "roles to add or remove"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_user_ops[] = {
    {"user", "create", "create a user", W, "directory:user:add", create_params, user_create},
    {"user", "list", "list users", ORGCTL_OP_NO_NAME, "directory:user:view", list_params,
     orgctl_generic_list},
    {"user", "show", "show a user", 0, "directory:user:view", NULL, orgctl_generic_show},
    {"user", "update", "change a user's e-mail, full name or options", W, "directory:user:edit",
     update_params, user_update},
    {"user", "rm", "remove a user", W, "directory:user:delete", NULL, orgctl_generic_rm},
    {"user", "enable", "enable a user", W, "directory:user:edit", NULL, orgctl_generic_enable},
    {"user", "disable", "disable a user (they can no longer act)", W, "directory:user:edit",
     NULL, orgctl_generic_disable},
    {"user", "role-add", "give a user roles", W, "authorization:grant:add", role_params,
     user_role_add},
    {"user", "role-rm", "take roles from a user", W, "authorization:grant:delete", role_params,
     user_role_rm},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
