/* Users: creation (also from a template), passwords, options, roles, skills, and the
 * question of what a user may do. Membership of groups lives in the groups. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/json.h"
#include "orgctl/object.h"
#include "orgctl/password.h"
#include "orgctl/perm.h"
#include "strmap.h"

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

/* Puts ctx->name into the members of each group of `kind` in `groups` (names, a JSON
 * list): agent groups or access groups. */
static int join_groups(orgctl_op_ctx *ctx, const orgctl_kind *kind, const cJSON *groups)
{
    const cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        cJSON *group = NULL;
        int error = orgctl_object_load(ctx->repo, kind, ctx->org, g->valuestring, &group);
        if (error < 0)
            return error;
        cJSON *members = cJSON_GetObjectItemCaseSensitive(group, "members");
        if (!cJSON_IsArray(members)) {
            cJSON_DeleteItemFromObjectCaseSensitive(group, "members");
            members = cJSON_AddArrayToObject(group, "members");
        }
        cJSON_AddItemToArray(members, cJSON_CreateString(ctx->name));
        error = orgctl_changeset_put(ctx->cs, kind, ctx->org, group);
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
    cJSON *access = cJSON_CreateArray();
    int error = 0;
    if (template && (error = orgctl_object_load(ctx->repo, &orgctl_kind_template, ctx->org,
                                                template, &tmpl)) < 0)
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
        cJSON_AddItemToArray(groups, cJSON_CreateString(orgctl_params_at(ctx->params, "group", i)));
    /* The user's roles and skills, and the groups joined, are authorized as they are
     * staged (lib/core/authz.c): the grant permission and rule, routing:skill:assign,
     * directory:group:edit, authorization:accessGroup:edit. */
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "access-group"); i++)
        cJSON_AddItemToArray(access,
                             cJSON_CreateString(orgctl_params_at(ctx->params, "access-group", i)));
    error = orgctl_generic_put(ctx, user); /* takes user */
    user = NULL;
    if (!error)
        error = join_groups(ctx, &orgctl_kind_group, groups);
    if (!error)
        error = join_groups(ctx, &orgctl_kind_access, access);
    if (!error) {
        cJSON_AddItemToObject(ctx->result, "groups", groups);
        cJSON_AddItemToObject(ctx->result, "access_groups", access);
        groups = access = NULL;
    }
done:
    cJSON_Delete(tmpl);
    cJSON_Delete(user);
    cJSON_Delete(groups);
    cJSON_Delete(access);
    return error;
}

/* The password comes from the caller: the parameter "password" (not in the table, so
 * never an option or a CSV column; the CLI reads it from stdin), or a file named by
 * --password-file. The library reads no terminal. */
static int user_passwd(orgctl_op_ctx *ctx)
{
    const char *file = orgctl_params_get(ctx->params, "password-file");
    const char *given = orgctl_params_get(ctx->params, "password");
    cJSON *user = NULL;
    char *password = NULL, *hash = NULL;
    int error;
    if ((error = orgctl_generic_load(ctx, &user)) < 0)
        return error;
    if (given) {
        password = xstrdup(given);
    } else if (!file || strcmp(file, "-") == 0) {
        error = orgctl_error_set(ORGCTL_EINVALID, "no password given (the caller reads it)");
        goto done;
    } else {
        FILE *f = fopen(file, "r");
        if (!f) {
            error = orgctl_error_set(ORGCTL_EINVALID, "cannot open password file \"%s\": %s", file,
                                     strerror(errno));
            goto done;
        }
        error = orgctl_password_read(f, &password);
        fclose(f);
    }
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
    return orgctl_perm_answer(&ctx->result, ctx->repo, ctx->org, ctx->name,
                              orgctl_params_get(ctx->params, "permission"));
}

static const orgctl_param create_params[] = {
    {"email", ORGCTL_PARAM_REQUIRED, "EMAIL", "e-mail address, unique in the org"},
    {"full-name", 0, "NAME", "full name"},
    {"template", 0, "TEMPLATE", "start from this user template"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role to hold"},
    {"group", ORGCTL_PARAM_MULTI, "GROUP", "an agent group to join"},
    {"access-group", ORGCTL_PARAM_MULTI, "ACCESS-GROUP", "an access group to join"},
    {"state", 0, "STATE", "enabled (the default) or disabled"},
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
    {"option", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED, "KEY=VALUE",
     "options to set"},
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
    {"user", "update", "change a user's e-mail, full name or options", W, "directory:user:edit",
     update_params, orgctl_generic_update},
    {"user", "passwd", "set a user's password, read from stdin or --password-file", W,
     "directory:user:setPassword", passwd_params, user_passwd},
    {"user", "option-set", "set options of a user", W, "directory:user:edit", option_set_params,
     orgctl_generic_ref_add},
    {"user", "option-rm", "remove options of a user", W, "directory:user:edit", option_rm_params,
     orgctl_generic_ref_rm},
    {"user", "role-add", "give a user roles", W, "authorization:grant:add", orgctl_params_roles,
     orgctl_generic_ref_add},
    {"user", "role-rm", "take roles from a user", W, "authorization:grant:delete",
     orgctl_params_roles, orgctl_generic_ref_rm},
    {"user", "skill-set", "give a user a skill at a level, or change its level", W,
     "routing:skill:assign", orgctl_params_skill_set, orgctl_generic_level_set},
    {"user", "skill-rm", "take skills from a user", W, "routing:skill:assign",
     orgctl_params_skill_rm, orgctl_generic_ref_rm},
    {"user", "can", "whether a user holds a permission, and through which role and group",
     ORGCTL_OP_ANSWER, "authorization:grant:view", can_params, user_can},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};

/* --- what show and list add: groups, access groups, effective roles --- */

/* Who is in which group of a kind, read in one pass beside a list of users in name order:
 * a cursor over the groups' member rows of the index, in member order (a list of 100k
 * users in 100 groups holds a row of it, not every membership). */
struct membership {
    orgctl_index_cursor *rows;
    const char *member, *group; /* the row it stands on (NULL: past the last) */
    char *last_user;            /* the user asked last: the next must come after */
    int error;
};

struct orgctl_user_cache {
    strmap groups; /* "KIND\x1fNAME" -> the group's roles if enabled (a cJSON list), else 0 */
    strmap roles;  /* role name -> 1 when enabled, 2 when not (or gone) */
    /* Once begun (orgctl_user_cache_read_groups): the agent groups [0] and access groups
     * [1] of users asked in name order, so a list asks no index per user. */
    struct membership members[2];
    bool read_groups;
    cJSON *keep; /* owns the keys and the lists */
};

orgctl_user_cache *orgctl_user_cache_new(void)
{
    orgctl_user_cache *c = xcalloc(1, sizeof(*c));
    c->keep = cJSON_CreateArray();
    return c;
}

void orgctl_user_cache_free(orgctl_user_cache *c)
{
    if (!c)
        return;
    strmap_free(&c->groups);
    strmap_free(&c->roles);
    for (int k = 0; k < 2; k++) {
        orgctl_index_cursor_free(c->members[k].rows);
        free(c->members[k].last_user);
    }
    cJSON_Delete(c->keep);
    free(c);
}

static const char *keep_key(orgctl_user_cache *c, const char *key)
{
    cJSON *s = cJSON_CreateString(key);
    cJSON_AddItemToArray(c->keep, s);
    return s->valuestring;
}

static bool role_enabled(orgctl_repo *repo, const char *org, const char *role, orgctl_user_cache *c)
{
    size_t v = 0;
    if (strmap_get(&c->roles, role, &v))
        return v == 1;
    cJSON *obj = NULL;
    bool enabled = false;
    if (orgctl_object_load(repo, &orgctl_kind_role, org, role, &obj) == 0) {
        const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "state"));
        enabled = state && strcmp(state, "enabled") == 0;
    } else {
        orgctl_error_clear();
    }
    cJSON_Delete(obj);
    strmap_set(&c->roles, keep_key(c, role), enabled ? 1 : 2);
    return enabled;
}

/* Keeps what the group `obj` (NULL: gone) gives its members: its roles when enabled. */
static size_t remember_group(orgctl_user_cache *c, const char *key, cJSON *obj)
{
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "state"));
    cJSON *roles = state && strcmp(state, "enabled") == 0
                       ? cJSON_DetachItemFromObjectCaseSensitive(obj, "roles")
                       : NULL;
    if (roles)
        cJSON_AddItemToArray(c->keep, roles);
    strmap_set(&c->groups, keep_key(c, key), (size_t)(uintptr_t)roles);
    return (size_t)(uintptr_t)roles;
}

/* The roles a group gives its members: its list when it is enabled, else NULL. */
static const cJSON *group_roles(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                const char *name, orgctl_user_cache *c)
{
    strbuf key = STRBUF_INIT;
    strbuf_addf(&key, "%s\x1f%s", kind->name, name);
    size_t v = 0;
    if (!strmap_get(&c->groups, strbuf_str(&key), &v)) {
        cJSON *obj = NULL;
        if (orgctl_object_load(repo, kind, org, name, &obj) < 0)
            orgctl_error_clear();
        v = remember_group(c, strbuf_str(&key), obj);
        cJSON_Delete(obj);
    }
    strbuf_release(&key);
    return (const cJSON *)(uintptr_t)v;
}

static void membership_step(struct membership *m)
{
    int found = orgctl_index_values_next(m->rows, &m->member, &m->group);
    if (found <= 0)
        m->member = m->group = NULL;
    if (found < 0)
        m->error = found;
}

int orgctl_user_cache_read_groups(orgctl_repo *repo, const char *org, orgctl_user_cache *c)
{
    const orgctl_kind *kinds[2] = {&orgctl_kind_group, &orgctl_kind_access};
    for (int k = 0; k < 2; k++) {
        struct membership *m = &c->members[k];
        /* a pass over the users again (a table's second): the rows from the first again */
        orgctl_index_cursor_free(m->rows);
        free(m->last_user);
        *m = (struct membership){0};
        int error = orgctl_index_values_open(&m->rows, repo, kinds[k], org, "members");
        if (error < 0)
            return error;
        membership_step(m);
        if (m->error < 0)
            return m->error;
    }
    c->read_groups = true;
    return 0;
}

/* The groups `user` is in, from the member rows (NULL when the user comes before the one
 * asked last: the rows have passed it). */
static cJSON *groups_in_order(struct membership *m, const char *user)
{
    if (m->last_user && strcmp(user, m->last_user) <= 0)
        return NULL;
    free(m->last_user);
    m->last_user = xstrdup(user);
    while (m->member && strcmp(m->member, user) < 0)
        membership_step(m);
    cJSON *names = cJSON_CreateArray(); /* each user's, in group order: sorted */
    for (; m->member && strcmp(m->member, user) == 0; membership_step(m))
        cJSON_AddItemToArray(names, cJSON_CreateString(m->group));
    return names;
}

/* Adds `source` to the sources of each enabled role of `roles` in `effective`. */
static void add_roles(orgctl_repo *repo, const char *org, const cJSON *roles, const char *source,
                      cJSON *effective, orgctl_user_cache *c)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, roles)
    {
        if (!cJSON_IsString(r) || !role_enabled(repo, org, r->valuestring, c))
            continue;
        cJSON *sources = cJSON_GetObjectItemCaseSensitive(effective, r->valuestring);
        if (!sources)
            sources = cJSON_AddArrayToObject(effective, r->valuestring);
        cJSON_AddItemToArray(sources, cJSON_CreateString(source));
    }
}

/* The groups of `kind` that `user` is a member of, into `names`; their roles into
 * `effective` (source "PREFIX:GROUP") when `enabled`. */
static int add_groups(orgctl_repo *repo, const char *org, const orgctl_kind *kind,
                      const char *prefix, const char *user, bool enabled, cJSON **names,
                      cJSON *effective, orgctl_user_cache *c)
{
    struct membership *m = &c->members[kind == &orgctl_kind_access];
    *names = c->read_groups ? groups_in_order(m, user) : NULL;
    int error = m->error;
    if (!*names && !error)
        error = orgctl_object_referrers(names, repo, kind, org, "members", user);
    const cJSON *g, *walk = enabled && !error ? *names : NULL;
    strbuf source = STRBUF_INIT;
    cJSON_ArrayForEach(g, walk)
    {
        strbuf_reset(&source);
        strbuf_addf(&source, "%s:%s", prefix, g->valuestring);
        add_roles(repo, org, group_roles(repo, kind, org, g->valuestring, c), strbuf_str(&source),
                  effective, c);
    }
    strbuf_release(&source);
    return error;
}

int orgctl_user_fill(orgctl_repo *repo, const char *org, cJSON *user, orgctl_user_cache *cache)
{
    orgctl_user_cache *c = cache ? cache : orgctl_user_cache_new();
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(user, "name"));
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(user, "state"));
    bool enabled = state && strcmp(state, "enabled") == 0; /* a disabled user holds nothing */
    cJSON *groups = NULL, *access = NULL, *effective = cJSON_CreateObject();
    if (enabled)
        add_roles(repo, org, cJSON_GetObjectItem(user, "roles"), "direct", effective, c);
    int error = name ? 0 : orgctl_error_set(ORGCTL_EINVALID, "user without a name");
    if (!error)
        error = add_groups(repo, org, &orgctl_kind_group, "group", name, enabled, &groups,
                           effective, c);
    if (!error)
        error = add_groups(repo, org, &orgctl_kind_access, "access", name, enabled, &access,
                           effective, c);
    cJSON_ReplaceItemInObjectCaseSensitive(user, "groups", groups ? groups : cJSON_CreateArray());
    cJSON_ReplaceItemInObjectCaseSensitive(user, "access_groups",
                                           access ? access : cJSON_CreateArray());
    orgctl_json_sort(effective); /* roles by name; each one's sources in the order found */
    cJSON_ReplaceItemInObjectCaseSensitive(user, "effective_roles", effective);
    if (!cache)
        orgctl_user_cache_free(c);
    return error;
}
