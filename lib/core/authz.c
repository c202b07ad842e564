/* Authorization of one change, from the object before and after it (include/orgctl/authz.h).
 * What each kind and field needs is in the table of kinds (lib/schema/kind.c): a new kind is a
 * descriptor, not a new check here. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/authz.h"
#include "orgctl/perm.h"
#include "strmap.h"
#include "trust.h"

enum action { ADD = ORGCTL_ACTION_ADD, EDIT = ORGCTL_ACTION_EDIT, DELETE = ORGCTL_ACTION_DELETE };

/* The permission `action` on an object of `kind` needs, in buf: the kind's descriptor says. */
static const char *action_permission(const orgctl_kind *kind, enum action action, char *buf,
                                     size_t size)
{
    return orgctl_kind_permission(buf, size, kind, (enum orgctl_kind_action)action);
}

/* The org an object's permissions are checked in: its own, or the enterprise org for
 * kinds not per org and the creation and removal of orgs. NULL: no enterprise yet. */
static const char *check_org(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                             enum action action)
{
    if (!kind->per_org || (kind->enterprise_lifecycle && action != EDIT))
        return repo->ctx->enterprise_org;
    return org;
}

static int check(orgctl_repo *repo, const char *org, const char *permission)
{
    if (!org || !*org) /* never the actor's own org by default: a repository has one */
        return orgctl_error_set(ORGCTL_EPERM,
                                "permission denied: no enterprise org to check "
                                "\"%s\" in",
                                permission);
    return orgctl_perm_check(repo, org, permission);
}

/* --- the grant rule --- */

static const char *actor_name(orgctl_repo *repo)
{
    return repo->ctx->actor ? repo->ctx->actor : "the actor";
}

/* Rewrites the last error (the missing permission) as a refusal to grant `what`. */
static int refuse_grant(orgctl_repo *repo, const char *org, const char *what, const char *missing)
{
    return orgctl_error_set(ORGCTL_EPERM,
                            "permission denied: %s cannot grant %s in org \"%s\": they lack "
                            "\"%s\"",
                            actor_name(repo), what, org, missing);
}

static bool has_wildcard(const char *permission)
{
    const char *action = strrchr(permission, ':');
    return strchr(permission, '*') || (action && strcmp(action, ":all") == 0);
}

/* The first permission of the catalogue that `permission` covers and the actor lacks in
 * `org`, or NULL when they hold it whole. */
static const char *first_missing(orgctl_repo *repo, const char *org, const char *permission)
{
    if (orgctl_perm_check(repo, org, permission) == 0)
        return NULL; /* one of their grants covers it whole: "*:*:*" covers "*:*:*" */
    orgctl_error_clear();
    if (!has_wildcard(permission))
        return permission;
    for (const char *const *c = orgctl_perm_catalogue(); *c; c++)
        if (orgctl_perm_matches(permission, *c) && orgctl_perm_check(repo, org, *c) < 0) {
            orgctl_error_clear();
            return *c;
        }
    return NULL;
}

int orgctl_perm_check_all(orgctl_repo *repo, const char *org, const char *permission)
{
    if (repo->ctx->skip_permissions)
        return 0;
    const char *missing = first_missing(repo, org, permission);
    if (!missing)
        return 0;
    strbuf what = STRBUF_INIT;
    strbuf_addf(&what, "\"%s\"", permission);
    int error = refuse_grant(repo, org, strbuf_str(&what), missing);
    strbuf_release(&what);
    return error;
}

static int role_answer(orgctl_repo *repo, const char *org, const char *role)
{
    cJSON *obj = NULL;
    if (orgctl_object_load(repo, &orgctl_kind_role, org, role, &obj) < 0) {
        orgctl_error_clear(); /* lists nothing; a reference to it fails validation */
        return 0;
    }
    const char *missing = NULL;
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(obj, "permissions"))
    {
        if (cJSON_IsString(p) && (missing = first_missing(repo, org, p->valuestring)))
            break;
    }
    int error = 0;
    if (missing) {
        strbuf what = STRBUF_INIT;
        strbuf_addf(&what, "role \"%s\"", role);
        error = refuse_grant(repo, org, strbuf_str(&what), missing);
        strbuf_release(&what);
    }
    cJSON_Delete(obj);
    return error;
}

int orgctl_perm_check_role(orgctl_repo *repo, const char *org, const char *role)
{
    if (repo->ctx->skip_permissions)
        return 0;
    if (!repo->ctx->actor) { /* the cache keeps answers for one actor */
        int error = orgctl_repo_set_actor(repo, NULL);
        if (error < 0)
            return error;
    }
    return orgctl_perm_cache_role(repo, org, role, role_answer);
}

/* Whether obj passes on what it grants: it exists and, if its kind has a state, is
 * enabled (perm.c: disabled users, roles and groups grant nothing). */
static bool active(const orgctl_kind *kind, const cJSON *obj)
{
    static _Thread_local const orgctl_kind *known; /* asked twice a row of a bulk set */
    static _Thread_local bool has_state;
    if (!obj)
        return false;
    if (kind != known) {
        has_state = orgctl_kind_field(kind, "state") != NULL;
        known = kind;
    }
    if (!has_state)
        return true;
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "state"));
    return state && strcmp(state, "enabled") == 0;
}

/* The string items of a list, as a set in `m` (keys borrowed from the list). */
static void item_set(strmap *m, const cJSON *list)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        if (cJSON_IsString(item))
            strmap_set(m, item->valuestring, 1);
    }
}

/* Whether list `after` holds a string that list `before` does not. */
static bool list_adds(const cJSON *before, const cJSON *after)
{
    strmap had = STRMAP_INIT;
    size_t one;
    bool adds = false;
    item_set(&had, before);
    const cJSON *item;
    cJSON_ArrayForEach(item, after)
    {
        if (cJSON_IsString(item) && !strmap_get(&had, item->valuestring, &one)) {
            adds = true;
            break;
        }
    }
    strmap_free(&had);
    return adds;
}

static bool list_has(const cJSON *list, const char *s)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        if (cJSON_IsString(item) && strcmp(item->valuestring, s) == 0)
            return true;
    }
    return false;
}

static bool has_grants(const orgctl_kind *kind, const cJSON *obj)
{
    for (const orgctl_field *f = kind->fields; f->name; f++)
        if ((f->flags & ORGCTL_FIELD_GRANTS) &&
            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(obj, f->name)) > 0)
            return true;
    return false;
}

/* That the actor holds what obj passes on (its GRANTS fields' roles and permissions),
 * but what `before` (NULL: nothing) passed on already. */
static int check_passed_on(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                           const cJSON *before, const cJSON *obj)
{
    int error = 0;
    for (const orgctl_field *f = kind->fields; f->name && !error; f++) {
        if (!(f->flags & ORGCTL_FIELD_GRANTS))
            continue;
        strmap had = STRMAP_INIT;
        size_t one;
        if (before)
            item_set(&had, cJSON_GetObjectItemCaseSensitive(before, f->name));
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(obj, f->name))
        {
            if (!cJSON_IsString(item) || strmap_get(&had, item->valuestring, &one))
                continue;
            error = (f->flags & ORGCTL_FIELD_PERMISSION)
                        ? orgctl_perm_check_all(repo, org, item->valuestring)
                        : orgctl_perm_check_role(repo, org, item->valuestring);
            if (error)
                break;
        }
        strmap_free(&had);
    }
    return error;
}

/* The fact "some object of kind `fact` in org passes something on" (1), or not (0). */
static int some_pass_on(orgctl_repo *repo, const char *org, const char *fact)
{
    const orgctl_kind *kind = orgctl_kind_lookup(fact);
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        cJSON *names = NULL;
        if (!(f->flags & ORGCTL_FIELD_GRANTS))
            continue;
        int found = orgctl_index_referrers(repo, true, kind, org, f->name, NULL, 1, &names) == 0 &&
                    cJSON_GetArraySize(names) > 0;
        cJSON_Delete(names);
        if (found)
            return 1;
    }
    orgctl_error_clear();
    return 0;
}

/* An object (a user) becoming active receives what the groups that list it as a member
 * pass on. Those the change set made it a member of were checked then (they gained a
 * member); so only the memberships it had before the change set are looked up, and only
 * in orgs where some group passes something on (a fact that holds for the change set:
 * groups that come to pass something on in it were checked for all their members). A new
 * user can be listed already when a forced rollback left the name behind. */
static int check_memberships(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                             const char *name)
{
    /* The MEMBERS fields naming objects of `kind`, found once a kind (asked every row). */
    static _Thread_local const orgctl_kind *known, *lists[8];
    static _Thread_local const orgctl_field *fields[8];
    static _Thread_local int n;
    if (kind != known) {
        n = 0;
        for (const orgctl_kind *const *k = orgctl_kinds(); *k; k++)
            for (const orgctl_field *f = (*k)->fields; f->name && n < 8; f++)
                if ((f->flags & ORGCTL_FIELD_MEMBERS) && f->ref_kind &&
                    strcmp(f->ref_kind, kind->name) == 0) {
                    lists[n] = *k;
                    fields[n++] = f;
                }
        known = kind;
    }
    int error = 0;
    for (int i = 0; i < n && !error; i++) {
        const orgctl_kind *k = lists[i];
        const orgctl_field *f = fields[i];
        if (orgctl_perm_cache_fact(repo, org, k->name, some_pass_on) == 0)
            continue;
        orgctl_error_clear();
        cJSON *groups = NULL, *g;
        if ((error = orgctl_index_referrers(repo, true, k, org, f->name, name, 0, &groups)))
            break;
        cJSON_ArrayForEach(g, groups)
        {
            cJSON *group = NULL;
            if (orgctl_object_load(repo, k, org, g->valuestring, &group) < 0) {
                orgctl_error_clear(); /* gone in the change set */
                continue;
            }
            if (list_has(cJSON_GetObjectItemCaseSensitive(group, f->name), name) &&
                active(k, group))
                error = check_passed_on(repo, k, org, NULL, group);
            cJSON_Delete(group);
            if (error)
                break;
        }
        cJSON_Delete(groups);
    }
    return error;
}

/* The grant rule: the actor holds everything `after` passes on that `before` did not pass
 * on to the same recipients. New recipients (members) receive all of it, and so does
 * everyone when the object becomes active, with what its groups pass on to it. */
static int check_grants(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                        const char *name, const cJSON *before, const cJSON *after)
{
    if (!active(kind, after))
        return 0;
    bool all = !active(kind, before);
    int error = all && name ? check_memberships(repo, kind, org, name) : 0;
    if (error || !has_grants(kind, after))
        return error;
    for (const orgctl_field *f = kind->fields; f->name && !all; f++)
        if ((f->flags & ORGCTL_FIELD_MEMBERS) &&
            list_adds(cJSON_GetObjectItemCaseSensitive(before, f->name),
                      cJSON_GetObjectItemCaseSensitive(after, f->name)))
            all = true;
    return check_passed_on(repo, kind, org, all ? NULL : before, after);
}

/* --- what changed --- */

static bool is_empty(const cJSON *v)
{
    return !v || cJSON_IsNull(v) ||
           ((cJSON_IsArray(v) || cJSON_IsObject(v)) && cJSON_GetArraySize(v) == 0);
}

/* Whether a LIST or MAP value `after` adds to (or, for a map, changes an entry of) `before`,
 * and whether it removes from it. Other values: any difference is an addition, a value
 * that goes away a removal. */
static void compare_values(const orgctl_field *f, const cJSON *before, const cJSON *after,
                           bool *adds, bool *removes)
{
    *adds = *removes = false;
    if (f && f->type == ORGCTL_FIELD_LIST && (!before || cJSON_IsArray(before)) &&
        (!after || cJSON_IsArray(after))) {
        *adds = list_adds(before, after);
        *removes = list_adds(after, before);
        return;
    }
    if (f && f->type == ORGCTL_FIELD_MAP && (!before || cJSON_IsObject(before)) &&
        (!after || cJSON_IsObject(after))) {
        const cJSON *e;
        cJSON_ArrayForEach(e, after)
        {
            const cJSON *old = cJSON_GetObjectItemCaseSensitive(before, e->string);
            if (!old || !cJSON_Compare(old, e, true))
                *adds = true;
        }
        cJSON_ArrayForEach(e, before)
        {
            if (!cJSON_GetObjectItemCaseSensitive(after, e->string))
                *removes = true;
        }
        return;
    }
    if (before && after ? !cJSON_Compare(before, after, true) : before != after) {
        *adds = after != NULL && !is_empty(after);
        *removes = !*adds;
    }
}

/* Whether obj has a member not described by the kind's fields that `other` lacks or holds
 * differently. */
static bool unknown_changed(const orgctl_kind *kind, const cJSON *obj, const cJSON *other)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, obj)
    {
        if (!e->string || orgctl_kind_field(kind, e->string))
            continue;
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(other, e->string);
        if (!o || !cJSON_Compare(o, e, true))
            return true;
    }
    return false;
}

/* The permissions each changed field needs: its own, else the kind's edit permission. */
static int check_fields(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                        const cJSON *before, const cJSON *after)
{
    char buf[128];
    const char *edit = before ? action_permission(kind, EDIT, buf, sizeof(buf)) : NULL;
    int error = 0;
    for (const orgctl_field *f = kind->fields; f->name && !error; f++) {
        bool adds, removes;
        if (!before) { /* created: the kind's add covers the fields without their own */
            if (f->perm && !is_empty(cJSON_GetObjectItemCaseSensitive(after, f->name)))
                error = check(repo, org, f->perm);
            continue;
        }
        compare_values(f, cJSON_GetObjectItemCaseSensitive(before, f->name),
                       cJSON_GetObjectItemCaseSensitive(after, f->name), &adds, &removes);
        if (adds)
            error = check(repo, org, f->perm ? f->perm : edit);
        if (!error && removes)
            error = check(repo, org, f->perm_rm ? f->perm_rm : f->perm ? f->perm : edit);
    }
    if (!error && before &&
        (unknown_changed(kind, after, before) || unknown_changed(kind, before, after)))
        error = check(repo, org, edit);
    return error;
}

/* An identity never changes, nor is given to an object made without one, nor taken away:
 * whoever trusts it (a pairing) trusts that object and no other. */
static int identity_kept(const orgctl_kind *kind, const char *name, const cJSON *before,
                         const cJSON *after)
{
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_IDENTITY))
            continue;
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(before, f->name),
                    *b = cJSON_GetObjectItemCaseSensitive(after, f->name);
        if (a || b ? !a || !b || !cJSON_Compare(a, b, true) : false)
            return orgctl_error_set(ORGCTL_EPERM,
                                    "permission denied: the %s of %s \"%s\" never changes", f->name,
                                    kind->name, name);
    }
    return 0;
}

int orgctl_authorize_change(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const char *name, const cJSON *before, const cJSON *after)
{
    if (repo->ctx->skip_permissions || (!before && !after))
        return 0;
    if (kind == &orgctl_kind_org)
        org = name;
    /* pairings and clones decide for themselves (lib/core/trust.c) */
    if (kind == &orgctl_kind_pairing)
        return orgctl_pair_authorize(repo, org, name, before, after);
    int own = before && after ? identity_kept(kind, name, before, after) : 0;
    if (own < 0)
        return own;
    own = kind == &orgctl_kind_user ? orgctl_clone_authorize(repo, org, name, before, after) : 1;
    if (own <= 0)
        return own;
    char buf[128];
    enum action action = !before ? ADD : !after ? DELETE : EDIT;
    const char *perm = action_permission(kind, action, buf, sizeof(buf));
    const char *where = check_org(repo, kind, org, action);
    int error;
    /* An edit needs what its fields need (a role given: the grant permission only, as
     * "user role add" says); creating or removing needs the kind's permission first. */
    if (action != EDIT && (error = check(repo, where, perm)) < 0)
        return error;
    if (action == DELETE)
        return 0;
    where = check_org(repo, kind, org, EDIT);
    if ((error = check_fields(repo, kind, where, before, after)) < 0)
        return error;
    return check_grants(repo, kind, where, name, before, after);
}

int orgctl_authorize_edit(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                          const char *name)
{
    if (repo->ctx->skip_permissions)
        return 0;
    if (kind == &orgctl_kind_org)
        org = name;
    char buf[128];
    return check(repo, check_org(repo, kind, org, EDIT),
                 action_permission(kind, EDIT, buf, sizeof(buf)));
}

/* --- files that are no object --- */

static const char *const org_admin = "directory:organization:admin";

static const struct orgctl_bulk_files *bulk_files;

void orgctl_bulk_files_register(const struct orgctl_bulk_files *files)
{
    bulk_files = files;
}

const struct orgctl_bulk_files *orgctl_bulk_files(void)
{
    return bulk_files;
}

/* The org folder `path` is in ("orgs/<org>/..."), malloc'd, or NULL. */
static char *org_folder(const char *path)
{
    if (strncmp(path, "orgs/", 5) != 0)
        return NULL;
    const char *slash = strchr(path + 5, '/');
    return slash && slash > path + 5 ? strndup(path + 5, (size_t)(slash - path - 5)) : NULL;
}

int orgctl_authorize_file(orgctl_repo *repo, const char *path, const char *before,
                          size_t before_len, const char *after, size_t after_len)
{
    if (repo->ctx->skip_permissions || (!before && !after))
        return 0;
    if (strncmp(path, ORGCTL_BULK_FOLDER, strlen(ORGCTL_BULK_FOLDER)) == 0) {
        if (!bulk_files)
            return orgctl_error_set(ORGCTL_EPERM,
                                    "permission denied: %s is a bulk set's file, which this "
                                    "program cannot authorize (no bulk layer)",
                                    path);
        return bulk_files->authorize(repo, path, before, before_len, after, after_len);
    }
    const orgctl_kind *kind;
    char *name = NULL, *org = NULL;
    const char *rel;
    if (orgctl_kind_locate_payload(path, &kind, &org, &name, &rel) == 0) {
        /* a payload file changes its object: the kind's edit permission, where edits of it
         * are checked */
        char buf[128];
        int error = check(repo, check_org(repo, kind, org, EDIT),
                          action_permission(kind, EDIT, buf, sizeof(buf)));
        free(org);
        free(name);
        return error;
    }
    org = org_folder(path);
    int error = check(repo, org ? org : repo->ctx->enterprise_org, org_admin);
    free(org);
    return error;
}

char *orgctl_authorize_path_org(orgctl_repo *repo, const char *path)
{
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) == 0) {
        free(name);
        if (kind->per_org)
            return org;
        free(org);
    } else if (strncmp(path, ORGCTL_BULK_FOLDER, strlen(ORGCTL_BULK_FOLDER)) == 0) {
        if (bulk_files)
            return bulk_files->org(repo, path);
    } else if ((org = org_folder(path))) {
        return org;
    }
    return xstrdup(repo->ctx->enterprise_org ? repo->ctx->enterprise_org : "");
}
