/* Change sets as history: log, show, diff, rollback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/authz.h"
#include "orgctl/history.h"
#include "orgctl/perm.h"
#include "strmap.h"

/* A rollback of more paths than this writes one pack, as a bulk change set does. */
#define BULK_PATHS 256

/* The value of trailer `key` in a commit message (malloc'd), or NULL. */
static char *trailer(const char *msg, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = msg; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > klen + 1 && strncmp(line, key, klen) == 0 && line[klen] == ':' &&
            line[klen + 1] == ' ')
            return strndup(line + klen + 2, len - klen - 2);
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

static void add_trailer(cJSON *obj, const char *name, const char *msg, const char *key)
{
    char *v = trailer(msg, key);
    if (v)
        cJSON_AddStringToObject(obj, name, v);
    else
        cJSON_AddNullToObject(obj, name);
    free(v);
}

static cJSON *describe_commit(const git_commit *c)
{
    cJSON *obj = cJSON_CreateObject();
    const char *msg = git_commit_message(c);
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
    char *id = trailer(msg, "Change-Set");
    cJSON_AddStringToObject(obj, "id", id ? id : hex);
    free(id);
    cJSON_AddStringToObject(obj, "commit", hex);
    orgctl_time_format((time_t)git_commit_time(c), when, sizeof(when));
    cJSON_AddStringToObject(obj, "time", when);
    char *actor = trailer(msg, "Actor");
    cJSON_AddStringToObject(obj, "actor", actor ? actor : git_commit_author(c)->name);
    free(actor);
    const char *summary = git_commit_summary((git_commit *)c);
    cJSON_AddStringToObject(obj, "summary", summary ? summary : "");
    add_trailer(obj, "org", msg, "Org");
    add_trailer(obj, "command", msg, "Command");
    add_trailer(obj, "rolls_back", msg, "Rolls-Back");
    return obj;
}

static int check_view(orgctl_repo *repo)
{
    int error = orgctl_repo_git_open(repo);
    return error < 0 ? error : orgctl_perm_check(repo, NULL, "audits:changeSet:view");
}

int orgctl_history_log(orgctl_repo *repo, size_t max, const char *org, cJSON **out)
{
    git_revwalk *walk = NULL;
    int error;
    *out = NULL;
    if ((error = check_view(repo)) < 0)
        return error;
    cJSON *arr = cJSON_CreateArray();
    *out = arr;
    if (!repo->has_head)
        return 0;
    if ((error = git_revwalk_new(&walk, repo->git)) < 0 ||
        (error = git_revwalk_push(walk, &repo->head)) < 0)
        goto done;
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    git_oid id;
    size_t n = 0;
    while ((max == 0 || n < max) && (error = git_revwalk_next(&id, walk)) == 0) {
        git_commit *c = NULL;
        if ((error = git_commit_lookup(&c, repo->git, &id)) < 0)
            break;
        cJSON *item = describe_commit(c);
        git_commit_free(c);
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItem(item, "org"));
        if (org && (!o || strcmp(o, org) != 0)) {
            cJSON_Delete(item);
            continue;
        }
        cJSON_AddItemToArray(arr, item);
        n++;
    }
    if (error == GIT_ITEROVER)
        error = 0;
done:
    git_revwalk_free(walk);
    return error < 0 ? orgctl_git_error(error, "cannot walk history") : 0;
}

/* Finds a change set by its number (walking back from HEAD) or as a git revision. */
static int resolve(orgctl_repo *repo, const char *id, git_commit **out)
{
    *out = NULL;
    bool numeric = *id && strspn(id, "0123456789") == strlen(id) && strlen(id) < 10;
    if (numeric && repo->has_head) {
        git_revwalk *walk = NULL;
        git_oid oid;
        int found = 0;
        if (git_revwalk_new(&walk, repo->git) == 0 && git_revwalk_push(walk, &repo->head) == 0) {
            while (!found && git_revwalk_next(&oid, walk) == 0) {
                git_commit *c = NULL;
                if (git_commit_lookup(&c, repo->git, &oid) < 0)
                    break;
                char *cs = trailer(git_commit_message(c), "Change-Set");
                found = cs && strcmp(cs, id) == 0;
                free(cs);
                if (found)
                    *out = c;
                else
                    git_commit_free(c);
            }
        }
        git_revwalk_free(walk);
        if (found)
            return 0;
    }
    git_object *obj = NULL;
    if (!numeric && git_revparse_single(&obj, repo->git, id) == 0) {
        int error = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
        git_object_free(obj);
        if (error == 0)
            return 0;
    }
    git_error_clear();
    return orgctl_error_set(ORGCTL_ENOTFOUND, "change set \"%s\" not found (see \"orgctl log\")",
                            id);
}

static int parent_tree(git_commit *c, git_tree **out)
{
    *out = NULL;
    if (git_commit_parentcount(c) == 0)
        return 0;
    git_commit *p = NULL;
    int error = git_commit_parent(&p, c, 0);
    if (!error)
        error = git_commit_tree(out, p);
    git_commit_free(p);
    return error < 0 ? orgctl_git_error(error, "cannot read parent") : 0;
}

struct collect {
    cJSON *changes;
};

static int collect_change(const char *path, const git_oid *old_id, const git_oid *new_id,
                          void *payload)
{
    struct collect *co = payload;
    cJSON *ch = cJSON_CreateObject();
    cJSON_AddStringToObject(ch, "op", !old_id ? "created" : !new_id ? "deleted" : "updated");
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) == 0) {
        cJSON_AddStringToObject(ch, "kind", kind->name);
        cJSON_AddStringToObject(ch, "org", org);
        cJSON_AddStringToObject(ch, "name", name);
    } else {
        cJSON_AddStringToObject(ch, "kind", "file");
        cJSON_AddStringToObject(ch, "org", "");
        cJSON_AddStringToObject(ch, "name", path);
    }
    cJSON_AddStringToObject(ch, "path", path);
    free(org);
    free(name);
    cJSON_AddItemToArray(co->changes, ch);
    return 0;
}

/* The changes of commit c against its first parent. */
static int changes_of(orgctl_repo *repo, git_commit *c, cJSON **out)
{
    git_tree *old_tree = NULL, *new_tree = NULL;
    int error;
    *out = cJSON_CreateArray();
    if ((error = parent_tree(c, &old_tree)) < 0)
        return error;
    if ((error = git_commit_tree(&new_tree, c)) < 0) {
        git_tree_free(old_tree);
        return orgctl_git_error(error, "cannot read tree");
    }
    struct collect co = {*out};
    error = orgctl_tree_diff(repo->git, old_tree, new_tree, collect_change, &co);
    git_tree_free(old_tree);
    git_tree_free(new_tree);
    return error;
}

int orgctl_history_show(orgctl_repo *repo, const char *id, cJSON **out)
{
    git_commit *c = NULL;
    int error;
    *out = NULL;
    if ((error = check_view(repo)) < 0 || (error = resolve(repo, id, &c)) < 0)
        return error;
    cJSON *obj = describe_commit(c);
    cJSON *changes = NULL;
    error = changes_of(repo, c, &changes);
    cJSON_AddItemToObject(obj, "changes", changes);
    git_commit_free(c);
    if (error < 0)
        cJSON_Delete(obj);
    else
        *out = obj;
    return error;
}

struct diff_state {
    git_repository *git;
    strbuf *out;
    int error;
};

static int diff_one(const char *path, const git_oid *old_id, const git_oid *new_id,
                    void *payload)
{
    struct diff_state *ds = payload;
    git_blob *a = NULL, *b = NULL;
    git_patch *patch = NULL;
    git_buf buf = {0};
    int error = 0;
    if (old_id && (error = git_blob_lookup(&a, ds->git, old_id)) < 0)
        goto done;
    if (new_id && (error = git_blob_lookup(&b, ds->git, new_id)) < 0)
        goto done;
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 3;
    if ((error = git_patch_from_blobs(&patch, a, path, b, path, &opts)) < 0 ||
        (error = git_patch_to_buf(&buf, patch)) < 0)
        goto done;
    strbuf_add(ds->out, buf.ptr, buf.size);
done:
    git_buf_dispose(&buf);
    git_patch_free(patch);
    git_blob_free(a);
    git_blob_free(b);
    if (error < 0)
        ds->error = orgctl_git_error(error, path);
    return ds->error;
}

int orgctl_history_diff(orgctl_repo *repo, const char *id, char **out)
{
    git_commit *c = NULL;
    git_tree *old_tree = NULL, *new_tree = NULL;
    strbuf sb = STRBUF_INIT;
    int error;
    *out = NULL;
    if ((error = check_view(repo)) < 0 || (error = resolve(repo, id, &c)) < 0)
        return error;
    if ((error = parent_tree(c, &old_tree)) < 0)
        goto done;
    if ((error = git_commit_tree(&new_tree, c)) < 0) {
        error = orgctl_git_error(error, "cannot read tree");
        goto done;
    }
    struct diff_state ds = {repo->git, &sb, 0};
    error = orgctl_tree_diff(repo->git, old_tree, new_tree, diff_one, &ds);
    if (ds.error < 0)
        error = ds.error;
    if (!error)
        *out = strbuf_detach(&sb, NULL);
done:
    strbuf_release(&sb);
    git_tree_free(old_tree);
    git_tree_free(new_tree);
    git_commit_free(c);
    return error;
}

/* --- rollback --- */

struct restore {
    orgctl_repo *repo;
    git_tree *head_tree;
    orgctl_changeset *cs;
    strbuf conflicts;
    int nconflicts;
    int error;
    /* The paths that later change sets changed: 1 when they exist now, 0 when not. A
     * walk of two trees finds them all at the cost of what changed, where a look-up in
     * the current tree for each path of a 100k-object change set costs seconds. */
    strmap since;
    char **since_keys;
    size_t nsince, npaths;
    cJSON *changes;
    cJSON *orgs; /* the orgs whose rollback permission was checked */
};

static int note_since(const char *path, const git_oid *then, const git_oid *now, void *payload)
{
    struct restore *r = payload;
    r->since_keys = xrealloc(r->since_keys, (r->nsince + 1) * sizeof(*r->since_keys));
    r->since_keys[r->nsince] = xstrdup(path);
    strmap_set(&r->since, r->since_keys[r->nsince++], now != NULL);
    return 0;
}

/* Whether `path`, which the change set left as `after`, exists now; *changed: whether a
 * later change set changed it. */
static bool exists_now(struct restore *r, const char *path, const git_oid *after, bool *changed)
{
    size_t now;
    *changed = strmap_get(&r->since, path, &now);
    return *changed ? now != 0 : after != NULL;
}

static void name_object(strbuf *sb, const char *path)
{
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) == 0 && *org)
        strbuf_addf(sb, "%s \"%s\" (org %s)", kind->name, name, org);
    else if (kind && name)
        strbuf_addf(sb, "%s \"%s\"", kind->name, *name ? name : kind->name);
    else
        strbuf_adds(sb, path);
    free(org);
    free(name);
}

/* Rolling back needs the rollback permission in each org the change set touched (`org`,
 * or the org of `path`); what it restores is authorized as it is staged, like any change. */
static int check_rollback_permission(struct restore *r, const char *org, const char *path)
{
    char *owned = org ? NULL : orgctl_authorize_path_org(r->repo, path);
    const cJSON *seen;
    int error = 0;
    if (!org)
        org = owned;
    cJSON_ArrayForEach(seen, r->orgs)
    {
        if (strcmp(seen->valuestring, org) == 0)
            goto done;
    }
    cJSON_AddItemToArray(r->orgs, cJSON_CreateString(org));
    error = *org ? orgctl_perm_check(r->repo, org, "audits:changeSet:rollback")
                 : orgctl_error_set(ORGCTL_EPERM, "permission denied: %s has no org",
                                    path ? path : "the change set");
done:
    free(owned);
    return error;
}

static int check_one(const char *path, const git_oid *before, const git_oid *after,
                     void *payload)
{
    struct restore *r = payload;
    bool changed, now = exists_now(r, path, after, &changed);
    r->npaths++;
    if (changed) {
        if (r->nconflicts < 10) {
            strbuf_adds(&r->conflicts, r->nconflicts ? ", " : "");
            name_object(&r->conflicts, path);
        }
        r->nconflicts++;
    }
    (void)before;
    (void)now;
    r->error = check_rollback_permission(r, NULL, path);
    return r->error;
}

static int restore_one(const char *path, const git_oid *before, const git_oid *after,
                       void *payload)
{
    struct restore *r = payload;
    bool changed, exists = exists_now(r, path, after, &changed);
    if (exists || before) {
        cJSON *ch = cJSON_CreateObject();
        cJSON_AddStringToObject(ch, "op", !before ? "delete" : exists ? "update" : "create");
        cJSON_AddStringToObject(ch, "path", path);
        cJSON_AddItemToArray(r->changes, ch);
    }
    if (!before) {
        r->error = exists ? orgctl_changeset_put_raw(r->cs, path, NULL, 0) : 0;
        return r->error;
    }
    git_blob *blob = NULL;
    if ((r->error = git_blob_lookup(&blob, r->repo->git, before)) < 0)
        return r->error = orgctl_git_error(r->error, path);
    r->error = orgctl_changeset_put_raw(r->cs, path, git_blob_rawcontent(blob),
                                        (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return r->error;
}

/* After the restore is staged: would it leave a reference to nothing, an object in an org
 * that is gone, or a value that is no longer unique? Later change sets may have built on
 * what the rollback removes (a user given the role it deletes). */
static int check_integrity(const char *path, const git_oid *before, const git_oid *after,
                           void *payload)
{
    struct restore *r = payload;
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) < 0)
        return 0;
    strbuf problem = STRBUF_INIT;
    if (!before && kind == &orgctl_kind_org) {
        long n = 0;
        orgctl_object_count_in_org(r->repo, org, &n);
        if (n > 0)
            strbuf_addf(&problem, "org \"%s\" would be removed while it holds %ld objects", org,
                        n);
    } else if (!before) {
        cJSON *refs = cJSON_CreateArray();
        orgctl_object_references(r->repo, kind, org, name, refs);
        cJSON *ref = cJSON_GetArrayItem(refs, 0);
        if (ref)
            strbuf_addf(&problem, "%s \"%s\" would be removed while %s \"%s\" refers to it",
                        kind->name, name, cJSON_GetStringValue(cJSON_GetObjectItem(ref, "kind")),
                        cJSON_GetStringValue(cJSON_GetObjectItem(ref, "name")));
        cJSON_Delete(refs);
    } else if (kind->per_org && kind != &orgctl_kind_org &&
               !orgctl_object_exists(r->repo, &orgctl_kind_org, org, org)) {
        strbuf_addf(&problem, "%s \"%s\" would return to org \"%s\", which is gone", kind->name,
                    name, org);
    } else {
        cJSON *obj = NULL;
        if (orgctl_object_load(r->repo, kind, org, name, &obj) == 0 &&
            orgctl_object_validate(r->repo, kind, org, obj) < 0)
            strbuf_addf(&problem, "restoring %s \"%s\": %s", kind->name, name,
                        orgctl_error_last());
        cJSON_Delete(obj);
    }
    orgctl_error_clear();
    if (problem.len) {
        if (r->nconflicts < 3)
            strbuf_addf(&r->conflicts, "%s%s", r->nconflicts ? "; " : "", strbuf_str(&problem));
        r->nconflicts++;
    }
    strbuf_release(&problem);
    free(org);
    free(name);
    return 0;
}

int orgctl_history_rollback(orgctl_repo *repo, const char *id, bool force, bool dry_run,
                            const char *command, char **new_id, cJSON **out)
{
    git_commit *c = NULL;
    git_tree *old_tree = NULL, *new_tree = NULL;
    struct restore r = {repo, NULL, NULL, STRBUF_INIT, 0, 0, STRMAP_INIT, NULL, 0, 0, NULL};
    int error;
    *new_id = NULL;
    *out = NULL;
    if ((error = orgctl_repo_git_open(repo)) < 0 || (error = resolve(repo, id, &c)) < 0)
        return error;
    cJSON *info = describe_commit(c);
    const char *cs_id = cJSON_GetStringValue(cJSON_GetObjectItem(info, "id"));
    if (git_commit_parentcount(c) == 0) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "change set %s created the repository; it cannot be rolled back",
                                 cs_id);
        goto done;
    }
    if ((error = parent_tree(c, &old_tree)) < 0 ||
        (error = orgctl_commit_tree(&r.head_tree, repo->git, &repo->head)) < 0)
        goto done;
    if ((error = git_commit_tree(&new_tree, c)) < 0) {
        error = orgctl_git_error(error, "cannot read tree");
        goto done;
    }
    /* Nothing changes while the permissions are checked: their answers can be kept. */
    orgctl_perm_cache_start(repo);
    r.orgs = cJSON_CreateArray();
    const char *org = cJSON_GetStringValue(cJSON_GetObjectItem(info, "org"));
    if (org && *org && (error = check_rollback_permission(&r, org, NULL)) < 0) {
        orgctl_perm_cache_stop(repo);
        goto done;
    }
    if ((error = orgctl_tree_diff(repo->git, new_tree, r.head_tree, note_since, &r)) == 0)
        error = orgctl_tree_diff(repo->git, old_tree, new_tree, check_one, &r);
    orgctl_perm_cache_stop(repo);
    if (r.error < 0 || error < 0) {
        error = r.error < 0 ? r.error : error;
        goto done;
    }
    if (r.nconflicts && !force) {
        error = orgctl_error_set(ORGCTL_ECONFLICT,
                                 "change set %s cannot be rolled back: later change sets changed "
                                 "%s%s; give --force to restore them anyway",
                                 cs_id, strbuf_str(&r.conflicts),
                                 r.nconflicts > 10 ? " and more" : "");
        goto done;
    }
    if ((error = orgctl_changeset_begin(&r.cs, repo, command,
                                        cJSON_GetStringValue(cJSON_GetObjectItem(info, "org")))) < 0)
        goto done;
    if (r.npaths > BULK_PATHS) { /* blobs and trees in one pack, not loose */
        orgctl_changeset_set_bulk(r.cs, dry_run);
        orgctl_index_defer_deletes(repo);
        if ((error = orgctl_index_tune_bulk(repo, r.npaths)) < 0)
            goto done;
    }
    r.changes = cJSON_AddArrayToObject(info, "changes");
    error = orgctl_tree_diff(repo->git, old_tree, new_tree, restore_one, &r);
    if (r.error < 0)
        error = r.error;
    if (error < 0)
        goto done;
    if ((error = orgctl_perm_keep_enterprise_admin(repo)) < 0)
        goto done;
    /* Rolling back the last change set gives back its parent's tree exactly, a state the
     * repository was in: nothing to check (for each object a set created, a look for what
     * still refers to it took half of a 100k-user rollback). */
    bool latest = git_oid_equal(git_commit_id(c), &repo->head);
    if (!force && !latest) {
        strbuf_reset(&r.conflicts);
        r.nconflicts = 0;
        orgctl_tree_diff(repo->git, old_tree, new_tree, check_integrity, &r);
        if (r.nconflicts) {
            error = orgctl_error_set(ORGCTL_ECONFLICT,
                                     "change set %s cannot be rolled back: %s%s; give --force "
                                     "to roll it back anyway",
                                     cs_id, strbuf_str(&r.conflicts),
                                     r.nconflicts > 3 ? "; and more" : "");
            goto done;
        }
    }
    if (dry_run) {
        *out = info;
        info = NULL;
        goto done;
    }
    orgctl_changeset_add_trailer(r.cs, "Rolls-Back", cs_id);
    strbuf summary = STRBUF_INIT;
    strbuf_addf(&summary, "rollback %s: %s", cs_id,
                cJSON_GetStringValue(cJSON_GetObjectItem(info, "summary")));
    error = orgctl_changeset_commit(r.cs, strbuf_str(&summary), new_id);
    strbuf_release(&summary);
    if (!error) {
        *out = info;
        info = NULL;
    }
done:
    cJSON_Delete(info);
    cJSON_Delete(r.orgs);
    orgctl_changeset_free(r.cs);
    strbuf_release(&r.conflicts);
    strmap_free(&r.since);
    for (size_t i = 0; i < r.nsince; i++)
        free(r.since_keys[i]);
    free(r.since_keys);
    git_tree_free(old_tree);
    git_tree_free(new_tree);
    git_tree_free(r.head_tree);
    git_commit_free(c);
    return error;
}
