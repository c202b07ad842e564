/* orgctl check: the files of the tree that break their kind's rules (the index records
 * them as it reads each commit, lib/store/index.c) and the objects of the history missing from
 * the object database. Each tree and blob is looked at once, however many commits share
 * it: the cost follows the objects of the history, as git fsck's does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "folder.h"
#include "internal.h"
#include "orgctl/check.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "strmap.h"

/* --- who may run it --- */

static int may_read(orgctl_repo *repo, const char *org)
{
    const orgctl_kind *const *kinds = orgctl_kinds();
    char permission[128];
    int error = 0;
    for (int i = 0; kinds[i] && !error; i++) {
        if (!kinds[i]->per_org)
            continue;
        error = orgctl_perm_check(
            repo, org,
            orgctl_kind_permission(permission, sizeof(permission), kinds[i], ORGCTL_ACTION_VIEW));
    }
    return error;
}

static int may_read_all(orgctl_repo *repo)
{
    const char *ent = orgctl_repo_enterprise_org(repo);
    if (!ent)
        return orgctl_error_set(ORGCTL_EPERM, "permission denied: no enterprise org");
    /* the enterprise's own file and whatever lies in no readable org */
    int error = orgctl_perm_check(repo, ent, "directory:organization:view");
    cJSON *orgs = NULL, *o;
    int listed = orgctl_object_names(&orgs, repo, &orgctl_kind_org, "", "");
    if (listed < 0)
        return listed;
    cJSON_ArrayForEach(o, orgs)
    {
        if (!error)
            error = may_read(repo, o->valuestring);
    }
    cJSON_Delete(orgs);
    return error;
}

/* --- what is wrong --- */

struct check {
    orgctl_repo *repo;
    cJSON *problems;
    strmap seen;     /* ids of the trees and blobs looked at */
    strmap reported; /* paths of HEAD reported from the index */
    arena keys;
    strbuf path;
    const char *commit; /* NULL: HEAD's tree; else the short id prefixed to paths */
};

static void add_problem(struct check *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_problem(struct check *c, const char *path, const char *fmt, ...)
{
    char problem[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof(problem), fmt, ap);
    va_end(ap);
    strbuf where = STRBUF_INIT;
    if (c->commit)
        strbuf_addf(&where, "%s:", c->commit);
    strbuf_adds(&where, path);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "path", strbuf_str(&where));
    cJSON_AddStringToObject(p, "problem", problem);
    cJSON_AddItemToArray(c->problems, p);
    strbuf_release(&where);
}

static int add_invalid(const char *path, const char *problem, bool damaged, void *payload)
{
    struct check *c = payload;
    add_problem(c, path, "%s", problem);
    strmap_set(&c->reported, arena_strdup(&c->keys, path), 1);
    return 0;
}

/* Whether the object was looked at before; notes it. */
static bool seen(struct check *c, const orgctl_oid *id)
{
    char hex[ORGCTL_OID_HEXSZ + 1];
    size_t one;
    orgctl_oid_tostr(hex, sizeof(hex), id);
    if (strmap_get(&c->seen, hex, &one))
        return true;
    strmap_set(&c->seen, arena_strdup(&c->keys, hex), 1);
    return false;
}

static void cut_path(strbuf *sb, size_t len)
{
    sb->len = len;
    if (sb->buf)
        sb->buf[len] = '\0';
}

static int walk_tree(struct check *c, const orgctl_oid *id)
{
    orgctl_tree *tree = NULL;
    char hex[ORGCTL_OID_HEXSZ + 1];
    int error = orgctl_tree_lookup(&tree, c->repo, id);
    if (error == ORGCTL_STORE_NOTFOUND) {
        orgctl_store_error_clear();
        add_problem(c, c->path.len ? strbuf_str(&c->path) : "/",
                    "tree %s is missing from the object database",
                    orgctl_oid_tostr(hex, sizeof(hex), id));
        return 0;
    }
    if (error < 0)
        return orgctl_git_error(error, strbuf_str(&c->path));
    size_t len = c->path.len, n = orgctl_tree_entrycount(tree);
    int rc;
    for (size_t i = 0; i < n && !error; i++) {
        const orgctl_tree_entry *e = orgctl_tree_entry_byindex(tree, i);
        const orgctl_oid *eid = orgctl_tree_entry_id(e);
        bool is_tree = orgctl_tree_entry_is_tree(e);
        if ((!is_tree && !orgctl_tree_entry_is_blob(e)) || seen(c, eid))
            continue;
        cut_path(&c->path, len);
        if (len)
            strbuf_addch(&c->path, '/');
        strbuf_adds(&c->path, orgctl_tree_entry_name(e));
        size_t one;
        if (is_tree)
            error = walk_tree(c, eid);
        /* the header only (a loose object that is no zlib stream, a packed one whose
         * entry is damaged): the whole content is git fsck's work */
        else if ((rc = orgctl_blob_present(c->repo, eid)) != 0 &&
                 !(!c->commit && strmap_get(&c->reported, strbuf_str(&c->path), &one)))
            add_problem(c, strbuf_str(&c->path),
                        rc == ORGCTL_STORE_NOTFOUND ? "blob %s is missing from the object database"
                                                    : "blob %s is damaged: it cannot be read",
                        orgctl_oid_tostr(hex, sizeof(hex), eid));
    }
    cut_path(&c->path, len);
    orgctl_tree_free(tree);
    return error;
}

/* HEAD's tree, then each commit's in turn back from HEAD: what they share is walked once. */
static int walk_history(struct check *c)
{
    orgctl_walk *walk = NULL;
    orgctl_oid id;
    char hex[ORGCTL_OID_HEXSZ + 1], short_id[13];
    int error = orgctl_walk_new(&walk, c->repo, &c->repo->head, false);
    while (error == 0 && (error = orgctl_walk_next(&id, walk)) == 0) {
        orgctl_commit *commit = NULL;
        if ((error = orgctl_commit_lookup(&commit, c->repo, &id)) < 0)
            break;
        orgctl_oid_tostr(short_id, sizeof(short_id), &id);
        c->commit = orgctl_oid_equal(&id, &c->repo->head) ? NULL : short_id;
        const orgctl_oid *tree = orgctl_commit_tree_id(commit);
        strbuf_reset(&c->path);
        if (!seen(c, tree))
            error = walk_tree(c, tree);
        orgctl_commit_free(commit);
    }
    c->commit = NULL;
    if (error == ORGCTL_STORE_ITEROVER) {
        error = 0;
    } else if (error == ORGCTL_STORE_NOTFOUND) { /* a commit of the history is gone */
        const char *message = orgctl_store_error_message();
        add_problem(c, "", "commit history broken after %s: %s",
                    orgctl_oid_tostr(hex, sizeof(hex), &id),
                    message ? message : "a commit is missing");
        orgctl_store_error_clear();
        error = 0;
    } else if (error < 0) {
        error = orgctl_git_error(error, "history");
    }
    orgctl_walk_free(walk);
    return error;
}

static int path_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(x, "path")),
                  cJSON_GetStringValue(cJSON_GetObjectItem(y, "path")));
}

static cJSON *sorted(cJSON *arr)
{
    int n = cJSON_GetArraySize(arr);
    cJSON **items = xmalloc((n ? n : 1) * sizeof(*items));
    for (int i = 0; i < n; i++)
        items[i] = cJSON_DetachItemViaPointer(arr, arr->child);
    qsort(items, (size_t)n, sizeof(*items), path_cmp);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, items[i]);
    free(items);
    return arr;
}

/* --- payload files of no object (a suppression list's shards with no list.json) --- */

struct orphans {
    struct check *c;
    const orgctl_kind *kind; /* the object the last payload file was of */
    char *org, *name;
    bool exists;
};

static int note_orphan(const char *rel, const char *data, size_t len, void *payload)
{
    struct orphans *o = payload;
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    const char *file;
    (void)data;
    (void)len;
    strbuf_reset(&o->c->path);
    strbuf_addf(&o->c->path, "orgs/%s", rel);
    const char *path = strbuf_str(&o->c->path);
    if (orgctl_kind_locate_payload(path, &kind, &org, &name, &file) < 0)
        return 0;
    /* files come in path order, an object's together: one look per object */
    if (kind != o->kind || !o->org || strcmp(org, o->org) != 0 || strcmp(name, o->name) != 0) {
        free(o->org);
        free(o->name);
        o->kind = kind;
        o->org = org;
        o->name = name;
        o->exists = orgctl_object_exists(o->c->repo, kind, org, name);
    } else {
        free(org);
        free(name);
    }
    size_t reported;
    if (!o->exists && !strmap_get(&o->c->reported, path, &reported)) {
        char *object = orgctl_kind_path(kind, o->org, o->name);
        add_problem(o->c, path, "a file of no object: there is no %s", object);
        free(object);
    }
    return 0;
}

/* Every payload file at HEAD whose object is not there: no query reads it. */
static int check_orphans(struct check *c)
{
    struct orphans o = {c, NULL, NULL, NULL, false};
    int error = orgctl_store_folder_files(c->repo, "orgs", 0, note_orphan, &o);
    free(o.org);
    free(o.name);
    return error;
}

int orgctl_check(cJSON **out, orgctl_repo *repo)
{
    *out = NULL;
    int error = may_read_all(repo);
    if (error < 0)
        return error;
    struct check c = {repo,       cJSON_CreateArray(), STRMAP_INIT, STRMAP_INIT,
                      ARENA_INIT, STRBUF_INIT,         NULL};
    if ((error = orgctl_index_invalid(repo, NULL, NULL, NULL, add_invalid, &c)) >= 0)
        error = repo->has_head ? orgctl_repo_git_open(repo) : 0;
    if (!error && repo->has_head)
        error = walk_history(&c);
    if (!error && repo->has_head)
        error = check_orphans(&c);
    strmap_free(&c.seen);
    strmap_free(&c.reported);
    arena_free(&c.keys);
    strbuf_release(&c.path);
    if (error < 0) {
        cJSON_Delete(c.problems);
        return error;
    }
    *out = sorted(c.problems);
    return 0;
}
