/* Permissions: the catalogue, matching, and the check of an actor's grants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "trust.h"

/* The public Genesys Cloud permissions of the domains orgctl manages. One place: the
 * man page orgctl-role(1) and `orgctl help permissions` list it. */
static const char *const catalogue[] = {
    "directory:organization:admin",
    "directory:organization:view",
    "directory:user:add",
    "directory:user:view",
    "directory:user:edit",
    "directory:user:delete",
    "directory:user:setPassword",
    "directory:group:add",
    "directory:group:view",
    "directory:group:edit",
    "directory:group:delete",
    "directory:template:add",
    "directory:template:view",
    "directory:template:edit",
    "directory:template:delete",
    "authorization:role:add",
    "authorization:role:view",
    "authorization:role:edit",
    "authorization:role:delete",
    "authorization:grant:add",
    "authorization:grant:view",
    "authorization:grant:delete",
    "authorization:accessGroup:add",
    "authorization:accessGroup:view",
    "authorization:accessGroup:edit",
    "authorization:accessGroup:delete",
    "authorization:orgTrustor:view",
    "authorization:orgTrustor:add",
    "authorization:orgTrustor:delete",
    "authorization:orgTrustor:all",
    "authorization:orgTrustee:view",
    "authorization:orgTrustee:add",
    "authorization:orgTrustee:edit",
    "authorization:orgTrustee:delete",
    "authorization:orgTrusteeUser:add",
    "authorization:orgTrusteeUser:view",
    "authorization:orgTrusteeUser:edit",
    "authorization:orgTrusteeUser:delete",
    "authorization:orgTrusteeGroup:add",
    "authorization:orgTrusteeGroup:view",
    "authorization:orgTrusteeGroup:edit",
    "authorization:orgTrusteeGroup:delete",
    "authorization:orgClonedUser:add",
    "authorization:orgClonedUser:view",
    "authorization:orgClonedUser:delete",
    "routing:skill:add",
    "routing:skill:view",
    "routing:skill:edit",
    "routing:skill:delete",
    "routing:skill:assign",
    "routing:queue:view",
    "routing:queue:edit",
    "routing:utilization:view",
    "routing:utilization:manage",
    "outbound:campaign:add",
    "outbound:campaign:view",
    "outbound:campaign:edit",
    "outbound:campaign:delete",
    "outbound:contactList:add",
    "outbound:contactList:view",
    "outbound:contactList:edit",
    "outbound:contactList:delete",
    "outbound:dncList:add",
    "outbound:dncList:view",
    "outbound:dncList:edit",
    "outbound:dncList:delete",
    "outbound:campaignRule:view",
    "outbound:campaignRule:edit",
    "outbound:callableTimeSet:view",
    "outbound:callableTimeSet:edit",
    "outbound:bulkChangeSet:add",
    "outbound:bulkChangeSet:view",
    "outbound:bulkChangeSet:execute",
    "outbound:bulkChangeSet:delete",
    "audits:audit:view",
    "audits:changeSet:view",
    "audits:changeSet:rollback",
    NULL,
};

const char *const *orgctl_perm_catalogue(void)
{
    return catalogue;
}

/* Splits "a:b:c" into three parts; false unless there are exactly three. */
static bool split3(const char *s, char parts[3][64])
{
    for (int i = 0; i < 3; i++) {
        const char *colon = i < 2 ? strchr(s, ':') : s + strlen(s);
        if (!colon || colon == s || (size_t)(colon - s) >= 64)
            return false;
        memcpy(parts[i], s, (size_t)(colon - s));
        parts[i][colon - s] = '\0';
        s = colon + (i < 2);
    }
    return strchr(parts[2], ':') == NULL;
}

bool orgctl_perm_matches(const char *grant, const char *wanted)
{
    char g[3][64], w[3][64];
    if (!split3(grant, g) || !split3(wanted, w))
        return false;
    for (int i = 0; i < 3; i++) {
        if (strcmp(g[i], "*") == 0 || strcmp(g[i], w[i]) == 0)
            continue;
        if (i == 2 && strcmp(g[i], "all") == 0)
            continue;
        return false;
    }
    return true;
}

int orgctl_perm_validate(const char *permission)
{
    char p[3][64];
    if (!split3(permission, p))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "permission \"%s\" is not of the form domain:entity:action",
                                permission);
    for (const char *c = permission; *c; c++)
        if (!(*c == ':' || *c == '*' || *c == '_' || (*c >= 'a' && *c <= 'z') ||
              (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return *c > ' ' && *c < 0x7f
                       ? orgctl_error_set(ORGCTL_EINVALID,
                                          "permission \"%s\" has an invalid character '%c'",
                                          permission, *c)
                       : orgctl_error_set(ORGCTL_EINVALID,
                                          "permission \"%s\" has an invalid character (byte "
                                          "0x%02X): letters, digits, '_', '*' and ':' only",
                                          permission, (unsigned char)*c);
    for (int i = 0; catalogue[i]; i++)
        if (orgctl_perm_matches(permission, catalogue[i]))
            return 0;
    return orgctl_error_set(
        ORGCTL_EINVALID, "unknown permission \"%s\" (see \"orgctl help permissions\")", permission);
}

/* How a user holds a permission: the role, and the group it comes through (NULL: the
 * user holds the role). */
struct grant {
    char *role, *group;
    const orgctl_kind *group_kind;
};

/* The role names already looked at, so a role many groups share is read once. */
struct seen {
    char **names;
    size_t n, alloc;
};

static bool seen_before(struct seen *seen, const char *name)
{
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->names[i], name) == 0)
            return true;
    if (seen->n == seen->alloc) {
        seen->alloc = seen->alloc ? seen->alloc * 2 : 16;
        seen->names = xrealloc(seen->names, seen->alloc * sizeof(*seen->names));
    }
    seen->names[seen->n++] = xstrdup(name);
    return false;
}

static bool is_enabled(const cJSON *obj)
{
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "state"));
    return state && strcmp(state, "enabled") == 0;
}

/* The first of the roles in `names` (a JSON list) of `org` that is enabled and grants
 * `permission`, or NULL. */
static const char *roles_grant(orgctl_repo *repo, const char *org, const cJSON *names,
                               const char *permission, struct seen *seen)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, names)
    {
        cJSON *role = NULL;
        if (!cJSON_IsString(r) || seen_before(seen, r->valuestring))
            continue;
        if (orgctl_object_load(repo, &orgctl_kind_role, org, r->valuestring, &role) < 0) {
            orgctl_error_clear();
            continue;
        }
        bool granted = false;
        const cJSON *p;
        if (is_enabled(role))
            cJSON_ArrayForEach(p, cJSON_GetObjectItem(role, "permissions"))
            {
                if (cJSON_IsString(p) && orgctl_perm_matches(p->valuestring, permission)) {
                    granted = true;
                    break;
                }
            }
        cJSON_Delete(role);
        if (granted)
            return r->valuestring;
    }
    return NULL;
}

/* Looks through the roles of the enabled groups of `kind` that `user` is a member of. */
static bool groups_grant(orgctl_repo *repo, const char *org, const orgctl_kind *kind,
                         const char *user, const char *permission, struct seen *seen,
                         struct grant *g)
{
    cJSON *names = NULL, *n;
    if (orgctl_object_referrers(&names, repo, kind, org, "members", user) < 0) {
        orgctl_error_clear();
        return false;
    }
    cJSON_ArrayForEach(n, names)
    {
        cJSON *group = NULL;
        if (orgctl_object_load(repo, kind, org, n->valuestring, &group) < 0) {
            orgctl_error_clear();
            continue;
        }
        const char *role =
            is_enabled(group)
                ? roles_grant(repo, org, cJSON_GetObjectItem(group, "roles"), permission, seen)
                : NULL;
        if (role) {
            g->role = xstrdup(role);
            g->group = xstrdup(n->valuestring);
            g->group_kind = kind;
        }
        cJSON_Delete(group);
        if (role)
            break;
    }
    cJSON_Delete(names);
    return g->role != NULL;
}

/* Whether the (enabled) user object `u` of `org` holds `permission`: through their own
 * roles, else the roles of enabled agent groups, else of enabled access groups. */
static bool user_grant(orgctl_repo *repo, const char *org, const cJSON *u, const char *permission,
                       struct grant *g)
{
    struct seen seen = {NULL, 0, 0};
    const char *user = cJSON_GetStringValue(cJSON_GetObjectItem(u, "name"));
    const char *role = roles_grant(repo, org, cJSON_GetObjectItem(u, "roles"), permission, &seen);
    *g = (struct grant){role ? xstrdup(role) : NULL, NULL, NULL};
    bool granted = role ||
                   groups_grant(repo, org, &orgctl_kind_group, user, permission, &seen, g) ||
                   groups_grant(repo, org, &orgctl_kind_access, user, permission, &seen, g);
    for (size_t i = 0; i < seen.n; i++)
        free(seen.names[i]);
    free(seen.names);
    return granted;
}

/* Whether one of the roles `paired` (a JSON list, freed here) of `org`, which a pairing
 * grants (lib/core/trust.c), grants `permission`; *g says which. */
static bool paired_grant(orgctl_repo *repo, const char *org, cJSON *paired, const char *permission,
                         struct grant *g)
{
    struct seen seen = {NULL, 0, 0};
    const char *role = roles_grant(repo, org, paired, permission, &seen);
    g->role = role ? xstrdup(role) : NULL;
    for (size_t i = 0; i < seen.n; i++)
        free(seen.names[i]);
    free(seen.names);
    cJSON_Delete(paired);
    return g->role != NULL;
}

/* Whether the user object `u` of `org` is a clone whose trust holds and grants it
 * `permission` through its source (lib/core/trust.c). */
static bool clone_grant(orgctl_repo *repo, const char *org, const cJSON *u, const char *permission,
                        struct grant *g)
{
    cJSON *roles = NULL;
    if (orgctl_clone_usable(repo, org, u, &roles) < 0) {
        orgctl_error_clear();
        return false;
    }
    return roles && paired_grant(repo, org, roles, permission, g);
}

static void grant_describe(strbuf *sb, const struct grant *g)
{
    strbuf_addf(sb, "role \"%s\"", g->role);
    if (g->group)
        strbuf_addf(sb, " through %s \"%s\"",
                    g->group_kind == &orgctl_kind_access ? "access group" : "agent group",
                    g->group);
}

static void grant_clear(struct grant *g)
{
    free(g->role);
    free(g->group);
    g->role = g->group = NULL;
}

/* Whether the org `org` exists and is enabled: the users of a disabled org cannot act. */
static bool org_enabled(orgctl_repo *repo, const char *org)
{
    cJSON *o = NULL;
    bool enabled = orgctl_object_load(repo, &orgctl_kind_org, org, org, &o) == 0 && is_enabled(o);
    cJSON_Delete(o);
    orgctl_error_clear();
    return enabled;
}

/* Whether `user` of `user_org` may act at all, whatever the permission: they exist, are
 * enabled, and so is their org. Fills *out with the user (caller frees) when they may. */
static int actor_usable(orgctl_repo *repo, const char *user_org, const char *user, cJSON **out)
{
    cJSON *u = NULL;
    *out = NULL;
    if (orgctl_object_load(repo, &orgctl_kind_user, user_org, user, &u) < 0)
        return orgctl_error_set(ORGCTL_EPERM, "actor \"%s@%s\" does not exist", user, user_org);
    if (!is_enabled(u)) {
        cJSON_Delete(u);
        return orgctl_error_set(ORGCTL_EPERM, "actor \"%s@%s\" is disabled", user, user_org);
    }
    if (!org_enabled(repo, user_org)) {
        cJSON_Delete(u);
        return orgctl_error_set(ORGCTL_EPERM, "actor \"%s@%s\" cannot act: org \"%s\" is disabled",
                                user, user_org, user_org);
    }
    int error = orgctl_clone_usable(repo, user_org, u, NULL); /* a clone: its trust in force */
    if (error < 0) {
        cJSON_Delete(u);
        return error;
    }
    *out = u;
    return 0;
}

int orgctl_perm_actor_check(orgctl_repo *repo)
{
    cJSON *u = NULL;
    int error;
    if (repo->ctx->skip_permissions)
        return 0;
    if (!repo->ctx->actor && (error = orgctl_repo_set_actor(repo, NULL)) < 0)
        return error;
    if ((error = actor_usable(repo, repo->ctx->actor_org, repo->ctx->actor_user, &u)) < 0)
        return error;
    cJSON_Delete(u);
    return 0;
}

int orgctl_perm_explain(char **via, orgctl_repo *repo, const char *org, const char *user_org,
                        const char *user, const char *permission)
{
    cJSON *u = NULL;
    int error;
    if (via)
        *via = NULL;
    if ((error = actor_usable(repo, user_org, user, &u)) < 0)
        return error;
    /* A user acts in their own org; the enterprise account's users act in every org. */
    bool reach = strcmp(org, user_org) == 0 ||
                 (repo->ctx->enterprise_org && strcmp(user_org, repo->ctx->enterprise_org) == 0);
    struct grant g = {NULL, NULL, NULL};
    bool granted = reach && user_grant(repo, user_org, u, permission, &g);
    /* A trustee of a pairing of `org` acts there with the roles it grants, and no more; a
     * clone with those its source is granted, on top of its own. */
    cJSON *paired = reach ? NULL : orgctl_pair_roles(repo, org, user_org, user);
    if (paired) {
        granted = paired_grant(repo, org, paired, permission, &g);
        reach = true;
    } else if (reach && !granted && strcmp(org, user_org) == 0) {
        granted = clone_grant(repo, org, u, permission, &g);
    }
    cJSON_Delete(u);
    if (granted) {
        if (via) {
            strbuf sb = STRBUF_INIT;
            grant_describe(&sb, &g);
            *via = strbuf_detach(&sb, NULL);
        }
        grant_clear(&g);
        return 0;
    }
    if (!reach)
        return orgctl_error_set(ORGCTL_EPERM,
                                "permission denied: %s@%s has no access to org \"%s\"", user,
                                user_org, org);
    return orgctl_error_set(ORGCTL_EPERM, "permission denied: %s@%s lacks \"%s\" in org \"%s\"",
                            user, user_org, permission, org);
}

int orgctl_perm_answer(cJSON **out, orgctl_repo *repo, const char *org, const char *user,
                       const char *permission)
{
    cJSON *u = NULL;
    int error;
    *out = NULL;
    if ((error = orgctl_perm_validate(permission)) < 0 ||
        (error = orgctl_object_load(repo, &orgctl_kind_user, org, user, &u)) < 0)
        return error;
    struct grant g = {NULL, NULL, NULL};
    bool user_enabled = is_enabled(u), enabled = user_enabled && org_enabled(repo, org);
    /* One read transaction for the few hundred lookups, not one (and its locks) each. */
    bool own_tx = orgctl_index_read_begin(repo);
    bool granted = enabled && (user_grant(repo, org, u, permission, &g) ||
                               clone_grant(repo, org, u, permission, &g));
    orgctl_index_read_end(repo, own_tx);
    cJSON_Delete(u);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddBoolToObject(a, "answer", granted);
    cJSON_AddStringToObject(a, "user", user);
    cJSON_AddStringToObject(a, "org", org);
    cJSON_AddStringToObject(a, "permission", permission);
    strbuf why = STRBUF_INIT;
    if (granted) {
        cJSON_AddStringToObject(a, "role", g.role);
        if (g.group)
            cJSON_AddStringToObject(a, g.group_kind->name, g.group);
        strbuf_adds(&why, "yes: ");
        grant_describe(&why, &g);
    } else if (!user_enabled) {
        strbuf_addf(&why, "no: user \"%s\" is disabled", user);
    } else if (!enabled) {
        strbuf_addf(&why, "no: org \"%s\" is disabled", org);
    } else {
        strbuf_addf(&why,
                    "no: no enabled role of \"%s\" or of an enabled group they are in "
                    "grants it",
                    user);
    }
    for (int i = 0; i < 3; i++) /* the same keys, yes or no */
        if (!cJSON_GetObjectItem(a, (const char *[]){"role", "group", "access"}[i]))
            cJSON_AddNullToObject(a, (const char *[]){"role", "group", "access"}[i]);
    cJSON_AddStringToObject(a, "reason", strbuf_str(&why));
    strbuf_release(&why);
    grant_clear(&g);
    *out = a;
    return 0;
}

int orgctl_perm_check(orgctl_repo *repo, const char *org, const char *permission)
{
    if (repo->ctx->skip_permissions)
        return 0;
    if (!repo->ctx->actor) {
        int error = orgctl_repo_set_actor(repo, NULL);
        if (error < 0)
            return error;
    }
    if (!org || !*org)
        org = repo->ctx->actor_org;
    if (repo->ctx->perm_cache)
        return orgctl_perm_cache_check(repo, org, permission);
    return orgctl_perm_explain(NULL, repo, org, repo->ctx->actor_org, repo->ctx->actor_user,
                               permission);
}

int orgctl_perm_keep_enterprise_admin(orgctl_repo *repo)
{
    if (!repo->ctx->enterprise_org || !repo->ctx->enterprise_admin || repo->ctx->skip_permissions)
        return 0;
    if (orgctl_perm_explain(NULL, repo, repo->ctx->enterprise_org, repo->ctx->enterprise_org,
                            repo->ctx->enterprise_admin, "directory:organization:admin") == 0)
        return 0;
    strbuf why = STRBUF_INIT;
    strbuf_adds(&why, orgctl_error_last());
    int error =
        orgctl_error_set(ORGCTL_EINVALID,
                         "this would leave the enterprise administrator %s@%s unable to "
                         "act (%s); nothing was changed",
                         repo->ctx->enterprise_admin, repo->ctx->enterprise_org, strbuf_str(&why));
    strbuf_release(&why);
    return error;
}
