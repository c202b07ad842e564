/* Change sets as history: log, show, diff, rollback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_view.h"
#include "internal.h"
#include "orgctl/authz.h"
#include "orgctl/history.h"
#include "orgctl/perm.h"
#include "restore.h"

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

/* A commit's change-set number: its Change-Set trailer when that is a number
 * (orgctl_changeset_id_parse) greater than the number of its nearest numbered ancestor.
 * Only a commit made by hand can break that (a pushed "Change-Set: 3" on top of 10), and
 * such a commit has no number: a number names one change set. */
static bool commit_number(const orgctl_commit *c, long *out)
{
    long n, below;
    if (!orgctl_changeset_id_parse(orgctl_commit_message(c), &n))
        return false;
    orgctl_commit *p = NULL;
    bool found = false;
    if (orgctl_commit_parentcount(c) > 0 && orgctl_commit_parent(&p, c, 0) < 0)
        p = NULL;
    /* Commits without a number (made with plain git) are passed over, a bounded number. */
    for (int steps = 0; p && !found && steps < 1000; steps++) {
        found = orgctl_changeset_id_parse(orgctl_commit_message(p), &below);
        orgctl_commit *next = NULL;
        if (!found && orgctl_commit_parentcount(p) > 0 && orgctl_commit_parent(&next, p, 0) < 0)
            next = NULL;
        orgctl_commit_free(p);
        p = found ? NULL : next;
    }
    orgctl_commit_free(p);
    orgctl_store_error_clear();
    if (found && n <= below)
        return false;
    *out = n;
    return true;
}

static cJSON *describe_commit(const orgctl_commit *c)
{
    cJSON *obj = cJSON_CreateObject();
    const char *msg = orgctl_commit_message(c);
    char hex[ORGCTL_OID_HEXSZ + 1], when[32], number[32];
    orgctl_oid_tostr(hex, sizeof(hex), orgctl_commit_id(c));
    long n;
    bool numbered = commit_number(c, &n);
    if (numbered)
        snprintf(number, sizeof(number), "%ld", n);
    cJSON_AddStringToObject(obj, "id", numbered ? number : hex);
    cJSON_AddStringToObject(obj, "commit", hex);
    orgctl_time_format(orgctl_commit_time(c), when, sizeof(when));
    cJSON_AddStringToObject(obj, "time", when);
    char *actor = trailer(msg, "Actor"), *in = trailer(msg, "Acting-In"),
         *clone_of = trailer(msg, "Clone-Of");
    strbuf who = STRBUF_INIT; /* a trustee of a pairing, or a clone of one: "bob@partner in
                                 client" */
    strbuf_adds(&who, clone_of && in ? clone_of : actor ? actor : orgctl_commit_author_name(c));
    if (actor && in)
        strbuf_addf(&who, " in %s", in);
    free(clone_of);
    cJSON_AddStringToObject(obj, "actor", strbuf_str(&who));
    strbuf_release(&who);
    free(actor);
    free(in);
    const char *summary = orgctl_commit_summary((orgctl_commit *)c);
    cJSON_AddStringToObject(obj, "summary", summary ? summary : "");
    add_trailer(obj, "org", msg, "Org");
    add_trailer(obj, "command", msg, "Command");
    add_trailer(obj, "rolls_back", msg, "Rolls-Back");
    return obj;
}

int orgctl_history_log(cJSON **out, orgctl_repo *repo, const orgctl_log_options *opts)
{
    orgctl_walk *walk = NULL;
    orgctl_history_view *view = NULL;
    size_t max = opts ? opts->max : 0;
    int error;
    *out = NULL;
    if ((error = orgctl_repo_git_open(repo)) < 0 ||
        (error = orgctl_history_view_new(&view, repo, opts)) < 0)
        return error;
    cJSON *arr = cJSON_CreateArray();
    *out = arr;
    if (!repo->has_head)
        goto done;
    if ((error = orgctl_walk_new(&walk, repo, &repo->head, true)) < 0) {
        error = orgctl_git_error(error, "cannot walk history");
        goto done;
    }
    orgctl_oid id;
    size_t n = 0;
    int next = 0;
    while ((max == 0 || n < max) && (next = orgctl_walk_next(&id, walk)) == 0) {
        orgctl_commit *c = NULL;
        if ((error = orgctl_commit_lookup(&c, repo, &id)) < 0) {
            error = orgctl_git_error(error, "cannot walk history");
            break;
        }
        cJSON *item = describe_commit(c);
        int keep = orgctl_history_view_match(view, c, item);
        orgctl_commit_free(c);
        if (keep > 0) {
            cJSON_AddItemToArray(arr, item);
            n++;
        } else {
            cJSON_Delete(item);
        }
        if (keep < 0) {
            error = keep;
            break;
        }
    }
    if (!error && next != 0 && next != ORGCTL_STORE_ITEROVER && (max == 0 || n < max))
        error = orgctl_git_error(next, "cannot walk history");
done:
    orgctl_walk_free(walk);
    orgctl_history_view_free(view);
    if (error < 0) {
        cJSON_Delete(arr);
        *out = NULL;
    }
    return error;
}

/* Finds a change set by its number (walking back from HEAD) or as a git revision. */
static int resolve(orgctl_repo *repo, const char *id, orgctl_commit **out)
{
    *out = NULL;
    bool numeric =
        *id && strspn(id, "0123456789") == strlen(id) && strlen(id) <= ORGCTL_CHANGESET_ID_DIGITS;
    long wanted = numeric ? strtol(id, NULL, 10) : 0, n;
    if (numeric && repo->has_head) {
        orgctl_walk *walk = NULL;
        orgctl_oid oid;
        int found = 0;
        if (orgctl_walk_new(&walk, repo, &repo->head, false) == 0) {
            while (!found && orgctl_walk_next(&oid, walk) == 0) {
                orgctl_commit *c = NULL;
                if (orgctl_commit_lookup(&c, repo, &oid) < 0)
                    break;
                found = commit_number(c, &n) && n == wanted;
                if (found)
                    *out = c;
                else
                    orgctl_commit_free(c);
            }
        }
        orgctl_walk_free(walk);
        if (found)
            return 0;
    }
    if (!numeric && orgctl_commit_resolve(out, repo, id) == 0)
        return 0;
    orgctl_store_error_clear();
    return orgctl_error_set(ORGCTL_ENOTFOUND, "change set \"%s\" not found (see \"orgctl log\")",
                            id);
}

static int parent_tree(orgctl_commit *c, orgctl_tree **out)
{
    *out = NULL;
    if (orgctl_commit_parentcount(c) == 0)
        return 0;
    orgctl_commit *p = NULL;
    int error = orgctl_commit_parent(&p, c, 0);
    if (!error)
        error = orgctl_commit_get_tree(out, p);
    orgctl_commit_free(p);
    return error < 0 ? orgctl_git_error(error, "cannot read parent") : 0;
}

/* Resolves change set `id` for show and diff: ORGCTL_EPERM unless the actor may see it;
 * *item (may be NULL) describes it. */
static int resolve_visible(orgctl_repo *repo, const char *id, orgctl_commit **c, cJSON **item)
{
    orgctl_history_view *view = NULL;
    cJSON *info = NULL;
    int error;
    if ((error = orgctl_repo_git_open(repo)) < 0 ||
        (error = orgctl_history_view_new(&view, repo, NULL)) < 0 ||
        (error = resolve(repo, id, c)) < 0)
        goto done;
    info = describe_commit(*c);
    if ((error = orgctl_history_view_check(view, *c, info)) < 0) {
        orgctl_commit_free(*c);
        *c = NULL;
    }
done:
    orgctl_history_view_free(view);
    if (item && error == 0)
        *item = info;
    else
        cJSON_Delete(info);
    return error;
}

struct orgctl_history_changes {
    orgctl_repo *repo;
    orgctl_tree *old_tree, *new_tree;
};

int orgctl_history_changes_open(orgctl_history_changes **out, cJSON **info, orgctl_repo *repo,
                                const char *id)
{
    orgctl_commit *c = NULL;
    *out = NULL;
    *info = NULL;
    int error = resolve_visible(repo, id, &c, info);
    if (error < 0)
        return error;
    orgctl_history_changes *ch = xcalloc(1, sizeof(*ch));
    ch->repo = repo;
    if ((error = parent_tree(c, &ch->old_tree)) == 0 &&
        (error = orgctl_commit_get_tree(&ch->new_tree, c)) < 0)
        error = orgctl_git_error(error, "cannot read tree");
    orgctl_commit_free(c);
    if (error < 0) {
        orgctl_history_changes_free(ch);
        cJSON_Delete(*info);
        *info = NULL;
        return error;
    }
    *out = ch;
    return 0;
}

void orgctl_history_changes_free(orgctl_history_changes *ch)
{
    if (!ch)
        return;
    orgctl_tree_free(ch->old_tree);
    orgctl_tree_free(ch->new_tree);
    free(ch);
}

struct each_change {
    orgctl_history_change_cb cb;
    void *payload;
};

static int one_change(const char *path, const orgctl_oid *old_id, const orgctl_oid *new_id,
                      void *payload)
{
    struct each_change *e = payload;
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    orgctl_history_change ch = {!old_id   ? "created"
                                : !new_id ? "deleted"
                                          : "updated",
                                "file", "", path, path};
    if (orgctl_kind_parse_path(path, &kind, &org, &name) == 0) {
        ch.kind = kind->name;
        ch.org = org;
        ch.name = name;
    }
    int stop = e->cb(&ch, e->payload);
    free(org);
    free(name);
    return stop;
}

int orgctl_history_changes_each(orgctl_history_changes *ch, orgctl_history_change_cb cb,
                                void *payload)
{
    struct each_change e = {cb, payload};
    return orgctl_tree_diff(ch->repo, ch->old_tree, ch->new_tree, one_change, &e);
}

static int collect_change(const orgctl_history_change *change, void *payload)
{
    cJSON *ch = cJSON_CreateObject();
    cJSON_AddStringToObject(ch, "op", change->op);
    cJSON_AddStringToObject(ch, "kind", change->kind);
    cJSON_AddStringToObject(ch, "org", change->org);
    cJSON_AddStringToObject(ch, "name", change->name);
    cJSON_AddStringToObject(ch, "path", change->path);
    cJSON_AddItemToArray(payload, ch);
    return 0;
}

int orgctl_history_show(cJSON **out, orgctl_repo *repo, const char *id)
{
    orgctl_history_changes *ch = NULL;
    cJSON *obj = NULL;
    *out = NULL;
    int error = orgctl_history_changes_open(&ch, &obj, repo, id);
    if (error < 0)
        return error;
    cJSON *changes = cJSON_AddArrayToObject(obj, "changes");
    error = orgctl_history_changes_each(ch, collect_change, changes);
    orgctl_history_changes_free(ch);
    if (error < 0)
        cJSON_Delete(obj);
    else
        *out = obj;
    return error;
}

struct diff_state {
    orgctl_repo *repo;
    orgctl_history_patch_cb cb;
    void *payload;
    strbuf patch; /* one file's, handed to cb */
    int error;
};

static int diff_one(const char *path, const orgctl_oid *old_id, const orgctl_oid *new_id,
                    void *payload)
{
    struct diff_state *ds = payload;
    orgctl_blob *a = NULL, *b = NULL;
    strbuf shown_a = STRBUF_INIT, shown_b = STRBUF_INIT;
    bool masked = false;
    int error = 0;
    if (old_id && (error = orgctl_blob_lookup(&a, ds->repo, old_id)) < 0)
        goto done;
    if (new_id && (error = orgctl_blob_lookup(&b, ds->repo, new_id)) < 0)
        goto done;
    /* Secrets are shown as "(set)" or "(changed)": the diff is of the texts shown. */
    orgctl_history_mask(path, a ? orgctl_blob_data(a) : NULL, a ? orgctl_blob_size(a) : 0,
                        b ? orgctl_blob_data(b) : NULL, b ? orgctl_blob_size(b) : 0, &shown_a,
                        &shown_b, &masked);
    /* From the texts, not the blobs: a blob's patch asks the repository's attributes for a
     * diff driver, files read (stat, access) for each of 200k paths; orgctl sets none. */
    strbuf_reset(&ds->patch);
    if (masked)
        error = orgctl_patch_texts(&ds->patch, path, a ? strbuf_str(&shown_a) : NULL, shown_a.len,
                                   b ? strbuf_str(&shown_b) : NULL, shown_b.len);
    else
        error = orgctl_patch_texts(&ds->patch, path, a ? orgctl_blob_data(a) : NULL,
                                   a ? orgctl_blob_size(a) : 0, b ? orgctl_blob_data(b) : NULL,
                                   b ? orgctl_blob_size(b) : 0);
    if (error >= 0)
        ds->error =
            ds->cb(strbuf_str(&ds->patch), ds->patch.len, ds->payload); /* the caller's error */
done:
    strbuf_release(&shown_a);
    strbuf_release(&shown_b);
    orgctl_blob_free(a);
    orgctl_blob_free(b);
    if (error < 0)
        ds->error = orgctl_git_error(error, path);
    return ds->error;
}

int orgctl_history_diff_each(orgctl_repo *repo, const char *id, orgctl_history_patch_cb cb,
                             void *payload)
{
    orgctl_history_changes *ch = NULL;
    cJSON *info = NULL;
    int error = orgctl_history_changes_open(&ch, &info, repo, id);
    cJSON_Delete(info);
    if (error < 0)
        return error;
    struct diff_state ds = {repo, cb, payload, STRBUF_INIT, 0};
    error = orgctl_tree_diff(repo, ch->old_tree, ch->new_tree, diff_one, &ds);
    if (ds.error)
        error = ds.error;
    strbuf_release(&ds.patch);
    orgctl_history_changes_free(ch);
    return error;
}

static int add_patch(const char *text, size_t len, void *payload)
{
    strbuf_add(payload, text, len);
    return 0;
}

int orgctl_history_diff(char **out, orgctl_repo *repo, const char *id)
{
    strbuf sb = STRBUF_INIT;
    *out = NULL;
    int error = orgctl_history_diff_each(repo, id, add_patch, &sb);
    if (!error)
        *out = strbuf_detach(&sb, NULL);
    strbuf_release(&sb);
    return error;
}

/* --- rollback: the restore engine is lib/core/restore.c --- */

/* The permission pass of a rollback (check_one, per path of the change set). */
struct restore {
    orgctl_repo *repo;
    orgctl_restore *engine;
    int error;
    size_t npaths;
    cJSON *orgs; /* the orgs whose rollback permission was checked */
};

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

static int check_one(const char *path, const orgctl_oid *before, const orgctl_oid *after,
                     void *payload)
{
    struct restore *r = payload;
    r->npaths++;
    r->error = check_rollback_permission(r, NULL, path);
    return r->error;
}

int orgctl_history_rollback(char **new_id, cJSON **out, orgctl_repo *repo, const char *id,
                            bool force, bool dry_run, const char *command)
{
    orgctl_commit *c = NULL;
    orgctl_tree *old_tree = NULL, *new_tree = NULL, *head_tree = NULL;
    struct restore r = {repo, NULL, 0, 0, NULL};
    orgctl_changeset *cs = NULL;
    bool planned = false; /* a dry run's plan is shown even when it is refused */
    size_t nconflicts = 0;
    int error;
    *new_id = NULL;
    *out = NULL;
    if ((error = orgctl_repo_git_open(repo)) < 0 || (error = resolve(repo, id, &c)) < 0)
        return error;
    cJSON *info = describe_commit(c);
    const char *cs_id = cJSON_GetStringValue(cJSON_GetObjectItem(info, "id"));
    if (orgctl_commit_parentcount(c) == 0) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "change set %s created the repository; it cannot be rolled back",
                                 cs_id);
        goto done;
    }
    if ((error = parent_tree(c, &old_tree)) < 0 ||
        (error = orgctl_commit_tree(&head_tree, repo, &repo->head)) < 0)
        goto done;
    if ((error = orgctl_commit_get_tree(&new_tree, c)) < 0) {
        error = orgctl_git_error(error, "cannot read tree");
        goto done;
    }
    if ((error = orgctl_restore_begin(&r.engine, repo, old_tree, new_tree, head_tree)) < 0)
        goto done;
    /* Nothing changes while the permissions are checked: their answers can be kept. */
    orgctl_perm_cache_start(repo);
    r.orgs = cJSON_CreateArray();
    const cJSON *touched;
    cJSON_ArrayForEach(touched, cJSON_GetObjectItem(info, "orgs"))
    {
        if (cJSON_IsString(touched) && *touched->valuestring &&
            (error = check_rollback_permission(&r, touched->valuestring, NULL)) < 0)
            break;
    }
    if (!error)
        error = orgctl_tree_diff(repo, old_tree, new_tree, check_one, &r);
    orgctl_perm_cache_stop(repo);
    if (r.error < 0 || error < 0) {
        error = r.error < 0 ? r.error : error;
        goto done;
    }
    cJSON *changes = cJSON_AddArrayToObject(info, "changes");
    if ((error = orgctl_restore_merge(r.engine, &nconflicts)) < 0)
        goto done;
    if (nconflicts && !force) {
        if (dry_run && (error = orgctl_restore_stage(r.engine, NULL, changes, true)) < 0)
            goto done;
        planned = dry_run;
        error = orgctl_error_set(ORGCTL_ECONFLICT,
                                 "change set %s cannot be rolled back: later change sets changed "
                                 "%s; give --force to take the rolled-back values of those fields",
                                 cs_id, orgctl_restore_conflicts(r.engine));
        goto done;
    }
    if ((error = orgctl_changeset_begin(
             &cs, repo, command, cJSON_GetStringValue(cJSON_GetObjectItem(info, "org")))) < 0)
        goto done;
    if ((error = orgctl_changeset_large(cs, r.npaths, dry_run)) < 0 ||
        (error = orgctl_restore_stage(r.engine, cs, changes, dry_run)) < 0 ||
        (error = orgctl_perm_keep_enterprise_admin(repo)) < 0 ||
        (error = orgctl_restore_validate_merged(r.engine)) < 0)
        goto done;
    /* Rolling back the last change set gives back its parent's tree exactly, a state the
     * repository was in: nothing to check (for each object a set created, a look for what
     * still refers to it took half of a 100k-user rollback). */
    bool latest = orgctl_oid_equal(orgctl_commit_id(c), &repo->head);
    planned = dry_run;
    if (!force && !latest && (error = orgctl_restore_check_integrity(r.engine, cs_id)) < 0)
        goto done;
    if (dry_run)
        goto done;
    orgctl_changeset_add_trailer(cs, "Rolls-Back", cs_id);
    strbuf summary = STRBUF_INIT;
    strbuf_addf(&summary, "rollback %s: %s", cs_id,
                cJSON_GetStringValue(cJSON_GetObjectItem(info, "summary")));
    error = orgctl_changeset_commit(cs, strbuf_str(&summary), new_id);
    strbuf_release(&summary);
    planned = !error;
done:
    if (planned) {
        *out = info;
        info = NULL;
    }
    cJSON_Delete(info);
    cJSON_Delete(r.orgs);
    orgctl_changeset_free(cs);
    orgctl_restore_free(r.engine);
    orgctl_tree_free(old_tree);
    orgctl_tree_free(new_tree);
    orgctl_tree_free(head_tree);
    orgctl_commit_free(c);
    return error;
}
