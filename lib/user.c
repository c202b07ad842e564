/* Users: creation (also from a template), passwords, options, roles, skills, and the
 * question of what a user may do. Membership of groups lives in the groups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/object.h"
#include "orgctl/password.h"
#include "orgctl/perm.h"

/* Adds what a template gives to a new user; what the command line says wins. */
static void apply_template(cJSON *user, const cJSON *tmpl)
{
    const cJSON *item;
    cJSON *roles = cJSON_GetObjectItemCaseSensitive(user, "roles");
    if (!roles)
        roles = cJSON_AddArrayToObject(user, "roles");
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(tmpl, "roles"))
    cJSON_AddItemToArray(roles, cJSON_Duplicate(item, 0));
    const char *maps[] = {"skills", "options"};
    for (size_t m = 0; m < 2; m++) {
        cJSON *map = cJSON_GetObjectItemCaseSensitive(user, maps[m]);
        if (!map)
            map = cJSON_AddObjectToObject(user, maps[m]);
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(tmpl, maps[m]))
        {
            if (!cJSON_GetObjectItemCaseSensitive(map, item->string))
                cJSON_AddItemToObject(map, item->string, cJSON_Duplicate(item, 0));
        }
    }
}

/* Puts ctx->name into the members of each group in `groups` (names, a JSON list). */
static int join_groups(orgctl_op_ctx *ctx, const cJSON *groups)
{
    const cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        cJSON *group = NULL;
        int error = orgctl_object_load(ctx->repo, &orgctl_kind_group, ctx->org,
                                       g->valuestring, &group);
        if (error < 0)
            return error;
        cJSON *members = cJSON_GetObjectItemCaseSensitive(group, "members");
        if (!cJSON_IsArray(members)) {
            cJSON_DeleteItemFromObjectCaseSensitive(group, "members");
            members = cJSON_AddArrayToObject(group, "members");
        }
        cJSON_AddItemToArray(members, cJSON_CreateString(ctx->name));
        error = orgctl_changeset_put(ctx->cs, &orgctl_kind_group, ctx->org, group);
        cJSON_Delete(group);
        if (error < 0)
            return error;
    }
    return 0;
}

static int user_create(orgctl_op_ctx *ctx)
{
    const char *template = orgctl_params_get(ctx->params, "template");
    cJSON *tmpl = NULL, *user = NULL, *groups = cJSON_CreateArray();
    int error = 0;
    if (template &&
        (error = orgctl_object_load(ctx->repo, &orgctl_kind_template, ctx->org, template,
                                    &tmpl)) < 0)
        goto done;
    if ((error = orgctl_generic_new(ctx, &user)) < 0)
        goto done;
    if (!cJSON_GetObjectItemCaseSensitive(user, "options")) /* every user has options */
        cJSON_AddObjectToObject(user, "options");
    if (tmpl) {
        apply_template(user, tmpl);
        const cJSON *g;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(tmpl, "groups"))
        cJSON_AddItemToArray(groups, cJSON_Duplicate(g, 0));
    }
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "group"); i++)
        cJSON_AddItemToArray(groups,
                             cJSON_CreateString(orgctl_params_at(ctx->params, "group", i)));
    /* The user's roles and skills, and the groups joined, are authorized as they are
     * staged (lib/authz.c): the grant permission and rule, routing:skill:assign,
     * directory:group:edit. */
    error = orgctl_generic_put(ctx, user); /* takes user */
    user = NULL;
    if (!error)
        error = join_groups(ctx, groups);
    if (!error) {
        cJSON_AddItemToObject(ctx->result, "groups", groups);
        groups = NULL;
    }
done:
    cJSON_Delete(tmpl);
    cJSON_Delete(user);
    cJSON_Delete(groups);
    return error;
}

static int user_passwd(orgctl_op_ctx *ctx)
{
    const char *file = orgctl_params_get(ctx->params, "password-file");
    bool use_stdin = !file || strcmp(file, "-") == 0;
    cJSON *user = NULL;
    char *password = NULL, *hash = NULL;
    int error;
    if ((error = orgctl_generic_load(ctx, &user)) < 0)
        return error;
    FILE *f = use_stdin ? stdin : fopen(file, "r");
    if (!f) {
        error = orgctl_error_set(ORGCTL_EINVALID, "cannot open password file \"%s\": %s", file,
                                 strerror(errno));
        goto done;
    }
    error = orgctl_password_read(f, &password);
    if (!use_stdin)
        fclose(f);
    if (error < 0 || (error = orgctl_password_check(ctx->repo, ctx->org, user, password)) < 0 ||
        (error = orgctl_password_hash(password, &hash)) < 0)
        goto done;
    cJSON_DeleteItemFromObjectCaseSensitive(user, "password_hash");
    cJSON_AddStringToObject(user, "password_hash", hash);
    error = orgctl_generic_put(ctx, user); /* takes user */
    user = NULL;
done:
    orgctl_password_free(password);
    free(hash);
    cJSON_Delete(user);
    return error;
}

static int user_can(orgctl_op_ctx *ctx)
{
    return orgctl_perm_answer(ctx->repo, ctx->org, ctx->name,
                              orgctl_params_get(ctx->params, "permission"), &ctx->result);
}

static const orgctl_param create_params[] = {
    {"email", ORGCTL_PARAM_REQUIRED, "EMAIL", "e-mail address, unique in the org"},
    {"full-name", 0, "NAME", "full name"},
    {"template", 0, "TEMPLATE", "start from this user template"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role to hold"},
    {"group", ORGCTL_PARAM_MULTI, "GROUP", "an agent group to join"},
    {"skill", ORGCTL_PARAM_MULTI, "SKILL=LEVEL", "a skill to hold, level 0 to 10"},
    {"option", ORGCTL_PARAM_MULTI, "KEY=VALUE", "an option"},
    {"capacity", 0, "RULE", "a capacity rule"},
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
    {"role", 0, "ROLE", "only holders of this role (their own)"},
    {"group", 0, "GROUP", "only members of this agent group"},
    {"access", 0, "ACCESS-GROUP", "only members of this access group"},
    {"skill", 0, "SKILL", "only holders of this skill"},
    {"capacity", 0, "RULE", "only users given this capacity rule"},
    {"search", 0, "TEXT", "only users whose name or e-mail contains TEXT"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param passwd_params[] = {
    {"password-file", 0, "FILE", "read the password from FILE (default, or \"-\": stdin)"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param option_set_params[] = {
    {"option", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED,
     "KEY=VALUE", "options to set"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param option_rm_params[] = {
    {"option", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED, "KEY",
     "options to remove"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param can_params[] = {
    {"permission", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "PERMISSION",
     "domain:entity:action"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_user_ops[] = {
    {"user", "create", "create a user", W, "directory:user:add", create_params, user_create},
    {"user", "list", "list users", ORGCTL_OP_NO_NAME, "directory:user:view", list_params,
     orgctl_generic_list},
    {"user", "show", "show a user", 0, "directory:user:view", NULL, orgctl_generic_show},
    {"user", "update", "change a user's e-mail, full name or options", W, "directory:user:edit",
     update_params, orgctl_generic_update},
    {"user", "rm", "remove a user (--force: also from their groups)", W,
     "directory:user:delete", orgctl_params_force, orgctl_generic_rm},
    {"user", "enable", "enable a user", W, "directory:user:edit", NULL, orgctl_generic_enable},
    {"user", "disable", "disable a user (they can no longer act)", W, "directory:user:edit",
     NULL, orgctl_generic_disable},
    {"user", "passwd", "set a user's password, read from stdin or --password-file", W,
     "directory:user:setPassword", passwd_params, user_passwd},
    {"user", "option-set", "set options of a user", W, "directory:user:edit", option_set_params,
     orgctl_generic_ref_add},
    {"user", "option-rm", "remove options of a user", W, "directory:user:edit",
     option_rm_params, orgctl_generic_ref_rm},
    {"user", "role-add", "give a user roles", W, "authorization:grant:add", orgctl_params_roles,
     orgctl_generic_ref_add},
    {"user", "role-rm", "take roles from a user", W, "authorization:grant:delete", orgctl_params_roles,
     orgctl_generic_ref_rm},
    {"user", "skill-set", "give a user a skill at a level, or change its level", W,
     "routing:skill:assign", orgctl_params_skill_set, orgctl_generic_level_set},
    {"user", "skill-rm", "take skills from a user", W, "routing:skill:assign", orgctl_params_skill_rm,
     orgctl_generic_ref_rm},
    {"user", "can", "whether a user holds a permission, and through which role and group",
     ORGCTL_OP_ANSWER, "authorization:grant:view", can_params, user_can},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
