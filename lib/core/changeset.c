/* Change sets: staged in the index's open SQLite transaction and in a list of tree
 * updates; committed as one git commit whose branch update is a compare-and-swap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "history_view.h"
#include "internal.h"
#include "orgctl/authz.h"
#include "orgctl/json.h"
#include "packwriter.h"
#include "strmap.h"

struct entry {
    char *path;
    orgctl_oid oid;
    bool deleted;
    uint64_t index_seq; /* its row's last write in the index writer's queue */
};

/* What a staged change replaced, so a savepoint can be rolled back. */
struct undo {
    size_t entry;
    bool created; /* the entry did not exist before */
    orgctl_oid oid;
    bool deleted;
    uint64_t index_seq; /* a rolled-back savepoint's writes may never be made */
};

struct orgctl_changeset {
    orgctl_repo *repo;
    char *command, *org;
    struct entry *entries;
    size_t n, alloc;
    arena paths; /* the entries' paths */
    strmap by_path;
    strbuf trailers;
    struct undo *undo;
    size_t nundo, undo_alloc, savepoint;
    bool in_savepoint, finished;
    bool bulk;               /* blobs and trees go into one pack */
    bool rows_cache;         /* it started the index's path cache for its rows */
    bool dry;                /* never committed: no objects at all (a plan, --dry-run) */
    orgctl_packwriter *pack; /* bulk: made on the first blob */
    strmap states;           /* path -> object state + 1, kept until the path is staged */
    arena state_paths;
    /* orgctl_changeset_entry's folders of the base tree (folder -> index in base_trees,
     * NULL where there is none): libgit2 keeps no tree over 4 KB in its cache, and a look
     * by path read and hashed the folder of 100k users anew for each entry */
    strmap base_dirs;
    arena base_dir_names;
    strbuf base_dir_key;
    orgctl_tree **base_trees;
    size_t nbase_trees;
    struct commit_hook *hooks; /* orgctl_changeset_on_commit's, last registered first */
};

struct commit_hook {
    void (*on_commit)(orgctl_repo *repo, size_t changes, void *payload);
    void (*done)(void *payload);
    void *payload;
    struct commit_hook *next;
};

void orgctl_changeset_on_commit(orgctl_changeset *cs,
                                void (*on_commit)(orgctl_repo *repo, size_t changes, void *payload),
                                void (*done)(void *payload), void *payload)
{
    struct commit_hook *h = xmalloc(sizeof(*h));
    *h = (struct commit_hook){on_commit, done, payload, cs->hooks};
    cs->hooks = h;
}

/* What the store may ask the open change set (lib/store/store.h). */
static const struct orgctl_changeset_hooks store_hooks = {
    .staged = orgctl_changeset_staged,
    .read_staged = orgctl_changeset_read_staged,
    .index_seq = orgctl_changeset_index_seq,
    .free = orgctl_changeset_free,
};

int orgctl_changeset_begin(orgctl_changeset **out, orgctl_repo *repo, const char *command,
                           const char *org)
{
    *out = NULL;
    /* a dry init's repository is nowhere to lock; a dry run of a read-only one needs none */
    if (repo->lock_fd < 0 && repo->gitdir && !(repo->dry_run && repo->read_only))
        return orgctl_error_set(ORGCTL_ERROR, "repository not opened for writing");
    if (repo->cs)
        return orgctl_error_set(ORGCTL_ERROR, "a change set is open already");
    int error = repo->gitdir ? orgctl_repo_git_open(repo) : 0;
    /* Savepoint journals in memory, not in /var/tmp; SQLite reads this setting when the
     * transaction begins. */
    if (!error)
        error = orgctl_index_exec(repo, "PRAGMA temp_store=MEMORY; BEGIN IMMEDIATE");
    if (error < 0)
        return error;
    orgctl_changeset *cs = xcalloc(1, sizeof(*cs));
    cs->repo = repo;
    cs->command = xstrdup(command);
    for (char *p = cs->command; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    cs->org = org ? xstrdup(org) : NULL;
    cs->dry = repo->dry_run;
    repo->cs = cs;
    repo->cs_hooks = &store_hooks;
    /* Every change is authorized (lib/core/authz.c); the answers hold until a change drops them. */
    orgctl_perm_cache_start(repo);
    *out = cs;
    return 0;
}

orgctl_repo *orgctl_changeset_repo(orgctl_changeset *cs)
{
    return cs->repo;
}

/* Stages `path`: its blob `oid` (NULL: a dry bulk change set has none), or its removal. */
static void record(orgctl_changeset *cs, const char *path, const orgctl_oid *oid, bool deleted)
{
    size_t i;
    struct undo u = {0};
    if (strmap_get(&cs->by_path, path, &i)) {
        u.entry = i;
        u.oid = cs->entries[i].oid;
        u.deleted = cs->entries[i].deleted;
        u.index_seq = cs->entries[i].index_seq;
    } else {
        if (cs->n == cs->alloc) {
            cs->alloc = cs->alloc ? cs->alloc * 2 : 16;
            cs->entries = xrealloc(cs->entries, cs->alloc * sizeof(*cs->entries));
        }
        i = cs->n++;
        cs->entries[i].path = arena_strdup(&cs->paths, path);
        strmap_set(&cs->by_path, cs->entries[i].path, i);
        u.entry = i;
        u.created = true;
    }
    if (cs->in_savepoint) {
        if (cs->nundo == cs->undo_alloc) {
            cs->undo_alloc = cs->undo_alloc ? cs->undo_alloc * 2 : 16;
            cs->undo = xrealloc(cs->undo, cs->undo_alloc * sizeof(*cs->undo));
        }
        cs->undo[cs->nundo++] = u;
    }
    size_t state;
    if (cs->states.len && strmap_get(&cs->states, path, &state))
        strmap_set(&cs->states, path, 0); /* staged again: no longer known */
    cs->entries[i].deleted = deleted;
    cs->entries[i].index_seq = orgctl_index_writer_last(cs->repo);
    if (oid)
        cs->entries[i].oid = *oid;
}

/* A blob: a loose object, or in a bulk change set one more object of its pack. A dry
 * change set writes none: a small one keeps the id, so that commit can tell which paths
 * end where they started. */
static int write_blob(orgctl_changeset *cs, const char *data, size_t len, orgctl_oid *oid)
{
    int error;
    if (cs->dry && cs->bulk)
        return 0;
    if (cs->dry) {
        return orgctl_blob_hash(oid, data, len);
    }
    if (cs->bulk) {
        if (!cs->pack && (error = orgctl_store_pack_new(&cs->pack, cs->repo)) < 0)
            return error;
        return orgctl_store_pack_blob(cs->pack, data, len, oid);
    }
    return orgctl_blob_write(oid, cs->repo, data, len);
}

static const char *key_field(const orgctl_kind *kind)
{
    return kind == &orgctl_kind_org ? "shortname" : "name";
}

/* The object at `path` as staged (NULL: there is none), for its authorization. */
static cJSON *load_before(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                          const char *name, const char *path)
{
    if (!orgctl_index_exists(cs->repo, kind, org, name, path))
        return NULL;
    char *json = orgctl_index_get(cs->repo, kind, org, name, path);
    cJSON *obj = json ? cJSON_Parse(json) : NULL;
    free(json);
    return obj ? obj : cJSON_CreateObject(); /* there, but unreadable: nothing to keep */
}

/* The object `obj` replaces, as the change set holds it, for its authorization and its
 * validation (NULL: none, or no permissions are checked). */
static cJSON *before_put(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                         const cJSON *obj)
{
    const char *name = kind == &orgctl_kind_enterprise
                           ? ""
                           : cJSON_GetStringValue(cJSON_GetObjectItem(obj, key_field(kind)));
    if (cs->repo->ctx->skip_permissions || !name)
        return NULL;
    if (kind != &orgctl_kind_enterprise && orgctl_name_validate(kind->name, name) < 0) {
        orgctl_error_clear(); /* validation says it */
        return NULL;
    }
    if (kind == &orgctl_kind_org)
        org = name;
    if (!kind->per_org)
        org = "";
    char *path = orgctl_kind_path(kind, org, name);
    cJSON *before = load_before(cs, kind, org, name, path);
    free(path);
    return before;
}

int orgctl_changeset_put(orgctl_changeset *cs, const orgctl_kind *kind, const char *org, cJSON *obj)
{
    int error;
    /* what the object held before was checked when it was written (a member added to a
     * big group is looked up alone) */
    cJSON *before = before_put(cs, kind, org, obj);
    if ((error = orgctl_object_validate_change(cs->repo, kind, org, obj, before)) < 0) {
        cJSON_Delete(before);
        return error;
    }
    const char *name = kind == &orgctl_kind_enterprise
                           ? ""
                           : cJSON_GetStringValue(cJSON_GetObjectItem(obj, key_field(kind)));
    if (kind == &orgctl_kind_org)
        org = name;
    if (!kind->per_org)
        org = "";
    char *path = NULL;
    if ((error = orgctl_org_check_change(cs->repo, kind, org, obj)) < 0 ||
        (error = orgctl_object_refuse_invalid(cs->repo, kind, org, name)) < 0 ||
        (!cs->repo->ctx->skip_permissions &&
         (error = orgctl_authorize_change(cs->repo, kind, org, name, before, obj)) < 0)) {
        cJSON_Delete(before);
        return error;
    }
    cJSON_Delete(before);
    path = orgctl_kind_path(kind, org, name);
    char *json = orgctl_json_canonical(obj);
    orgctl_oid oid;
    if ((error = write_blob(cs, json, strlen(json), &oid)) == 0 &&
        (error = orgctl_index_put(cs->repo, path, kind, org, name, json, obj)) == 0)
        record(cs, path, cs->dry && cs->bulk ? NULL : &oid, false);
    orgctl_perm_cache_changed(cs->repo, kind, org, name);
    free(json);
    free(path);
    return error;
}

/* What a removal's authorization is given as the object before: that there was one. */
static const cJSON *const kind_removed = &(const cJSON){.type = cJSON_Object};

int orgctl_changeset_remove(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                            const char *name)
{
    int error = orgctl_object_refuse_invalid(cs->repo, kind, org, name);
    if (error < 0)
        return error;
    if (!orgctl_object_exists(cs->repo, kind, org, name))
        return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" not found in org \"%s\"", kind->name,
                                name, org);
    if ((error = orgctl_org_check_change(cs->repo, kind, org, NULL)) < 0)
        return error;
    char *path = orgctl_kind_path(kind, org, name);
    if (!cs->repo->ctx->skip_permissions)
        error = orgctl_authorize_change(cs->repo, kind, org, name, kind_removed, NULL);
    if (!error && (error = orgctl_index_delete(cs->repo, path)) == 0)
        record(cs, path, NULL, true);
    orgctl_perm_cache_changed(cs->repo, kind, org, name);
    free(path);
    return error;
}

/* Authorizes putting `data` (NULL: removing) at a path that is no object of a kind. */
static int authorize_file(orgctl_changeset *cs, const char *path, const char *data, size_t len)
{
    if (cs->repo->ctx->skip_permissions)
        return 0;
    strbuf before = STRBUF_INIT;
    int error = orgctl_changeset_read_current(cs->repo, path, false, &before);
    if (error >= 0)
        error = orgctl_authorize_file(cs->repo, path, error ? before.buf ? before.buf : "" : NULL,
                                      before.len, data, len);
    strbuf_release(&before);
    return error;
}

int orgctl_changeset_put_raw(orgctl_changeset *cs, const char *path, const char *data, size_t len)
{
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    strbuf text = STRBUF_INIT;
    cJSON *obj = NULL;
    int error = 0;
    bool is_object = orgctl_kind_parse_path(path, &kind, &org, &name) == 0;
    if (is_object && data) {
        strbuf_add(&text, data, len);
        obj = cJSON_Parse(strbuf_str(&text));
    }
    /* Restored bytes are authorized like the object they hold (an unreadable one as an
     * object with no fields), other files by where they are. */
    if (is_object && !cs->repo->ctx->skip_permissions && !data) {
        /* no look whether it is there: a big rollback's deletes wait to be written */
        error = orgctl_authorize_change(cs->repo, kind, org, name, kind_removed, NULL);
    } else if (is_object && !cs->repo->ctx->skip_permissions) {
        cJSON *before = load_before(cs, kind, org, name, path);
        cJSON *empty = data && !obj ? cJSON_CreateObject() : NULL;
        error = orgctl_authorize_change(cs->repo, kind, org, name, before, obj ? obj : empty);
        cJSON_Delete(before);
        cJSON_Delete(empty);
    } else if (!is_object) {
        error = authorize_file(cs, path, data, len);
    }
    if (is_object)
        orgctl_perm_cache_changed(cs->repo, kind, org, name);
    /* a rollback restores objects unvalidated (--force may undo what later sets built
     * on), but never into a disabled org, nor giving what is disabled */
    if (!error && is_object && (!data || obj) &&
        (error = orgctl_org_check_change(cs->repo, kind, org, obj)) == 0 && obj)
        error = orgctl_object_check_assignable(cs->repo, kind, org, obj);
    orgctl_oid oid;
    /* a file removed takes what broke the rules there along (one restored: below) */
    if (!error && !data && orgctl_index_has_invalid(cs->repo))
        error = orgctl_index_forget_invalid(cs->repo, path);
    if (error < 0)
        goto done;
    if (!data) {
        if ((error = orgctl_index_delete(cs->repo, path)) == 0)
            record(cs, path, NULL, true);
        goto done;
    }
    if ((error = write_blob(cs, data, len, &oid)) < 0)
        goto done;
    error = orgctl_index_restored(cs->repo, path, strbuf_str(&text), obj);
    if (!error)
        record(cs, path, cs->dry && cs->bulk ? NULL : &oid, false);
done:
    cJSON_Delete(obj);
    strbuf_release(&text);
    free(org);
    free(name);
    return error;
}

int orgctl_changeset_check_edit(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                                const char *name)
{
    int error = orgctl_org_check_change(cs->repo, kind, org, NULL);
    return error < 0 ? error : orgctl_authorize_edit(cs->repo, kind, org, name);
}

bool orgctl_changeset_org_disabled(orgctl_changeset *cs, const char *org)
{
    return orgctl_object_state(cs->repo, &orgctl_kind_org, org, org) == 0;
}

const char *orgctl_changeset_org(const orgctl_changeset *cs)
{
    return cs ? cs->org : NULL;
}

int orgctl_changeset_put_payload(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                                 const char *name, const char *rel, const char *data, size_t len)
{
    if (!kind->payload)
        return orgctl_error_set(ORGCTL_EINVALID, "a %s has no payload files", kind->name);
    if (!orgctl_object_exists(cs->repo, kind, org, name))
        return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" not found in org \"%s\"", kind->name,
                                name, org);
    int error = orgctl_org_check_change(cs->repo, kind, org, NULL);
    if (error < 0 || (data && (error = kind->payload->check(rel, data, len)) < 0))
        return error;
    char *object_path = orgctl_kind_path(kind, org, name);
    strbuf path = STRBUF_INIT;
    strbuf_add(&path, object_path, strlen(object_path) - strlen(kind->payload->object_file));
    strbuf_adds(&path, rel);
    /* the path must come back to this object and file: a rel of "../x" does not */
    const orgctl_kind *back;
    char *back_org = NULL, *back_name = NULL;
    const char *back_rel;
    if (orgctl_kind_locate_payload(strbuf_str(&path), &back, &back_org, &back_name, &back_rel) <
            0 ||
        back != kind || strcmp(back_org, org) != 0 || strcmp(back_name, name) != 0 ||
        strcmp(back_rel, rel) != 0 || strstr(rel, ".."))
        error = orgctl_error_set(ORGCTL_EINVALID, "%s: no payload file of %s \"%s\"", rel,
                                 kind->name, name);
    if (!error)
        error = orgctl_changeset_put_raw(cs, strbuf_str(&path), data, len);
    free(back_org);
    free(back_name);
    free(object_path);
    strbuf_release(&path);
    return error;
}

int orgctl_changeset_read_current(orgctl_repo *repo, const char *path, bool base, strbuf *out)
{
    orgctl_changeset *cs = repo->cs;
    size_t i;
    int error;
    strbuf_reset(out);
    if (!base && cs && strmap_get(&cs->by_path, path, &i)) {
        struct entry *e = &cs->entries[i];
        if (e->deleted)
            return 0;
        if (cs->pack) {
            if ((error = orgctl_packwriter_read(cs->pack, &e->oid, out)) < 0)
                return error;
            return 1;
        }
        if (!cs->dry) {
            orgctl_blob *blob = NULL;
            if ((error = orgctl_blob_lookup(&blob, repo, &e->oid)) < 0)
                return orgctl_git_error(error, path);
            strbuf_add(out, orgctl_blob_data(blob), orgctl_blob_size(blob));
            orgctl_blob_free(blob);
            return 1;
        }
    }
    if (!repo->has_head)
        return 0;
    orgctl_tree *tree = NULL;
    orgctl_tree_entry *te = NULL;
    orgctl_blob *blob = NULL;
    if ((error = orgctl_repo_git_open(repo)) < 0 ||
        (error = orgctl_commit_tree(&tree, repo, &repo->head)) < 0)
        return error;
    int found = orgctl_tree_entry_bypath(&te, tree, path) == 0;
    if (found && (error = orgctl_blob_lookup(&blob, repo, orgctl_tree_entry_id(te))) < 0)
        error = orgctl_git_error(error, path);
    else if (found)
        strbuf_add(out, orgctl_blob_data(blob), orgctl_blob_size(blob));
    orgctl_store_error_clear();
    orgctl_blob_free(blob);
    orgctl_tree_entry_free(te);
    orgctl_tree_free(tree);
    return error < 0 ? error : found;
}

void orgctl_changeset_add_trailer(orgctl_changeset *cs, const char *key, const char *value)
{
    strbuf_addf(&cs->trailers, "%s: %s\n", key, value);
}

int orgctl_changeset_savepoint(orgctl_changeset *cs)
{
    int error = orgctl_index_savepoint(cs->repo, ORGCTL_SAVEPOINT_BEGIN);
    if (!error) {
        cs->in_savepoint = true;
        cs->nundo = 0;
    }
    return error;
}

int orgctl_changeset_release_savepoint(orgctl_changeset *cs)
{
    cs->in_savepoint = false;
    cs->nundo = 0;
    return orgctl_index_savepoint(cs->repo, ORGCTL_SAVEPOINT_RELEASE);
}

/* Costs what it undoes, not the size of the change set (a path map rebuilt for each
 * failing row of a bulk set was most of a --continue-on-error run). */
int orgctl_changeset_rollback_to_savepoint(orgctl_changeset *cs)
{
    size_t state;
    while (cs->nundo > 0) {
        struct undo *u = &cs->undo[--cs->nundo];
        struct entry *e = &cs->entries[u->entry];
        /* a state kept since the path was staged here is no longer known */
        if (cs->states.len && strmap_get(&cs->states, e->path, &state))
            strmap_set(&cs->states, e->path, 0);
        if (u->created) {
            strmap_del(&cs->by_path, e->path);
            cs->n--; /* created entries are undone newest first, so this is the last */
        } else {
            e->oid = u->oid;
            e->deleted = u->deleted;
            e->index_seq = u->index_seq;
        }
    }
    cs->in_savepoint = false;
    orgctl_perm_cache_changed(cs->repo, NULL, NULL, NULL);
    orgctl_index_cache_reset(cs->repo);
    return orgctl_index_savepoint(cs->repo, ORGCTL_SAVEPOINT_ROLLBACK);
}

int orgctl_changeset_staged(orgctl_changeset *cs, const char *path)
{
    size_t i;
    if (!strmap_get(&cs->by_path, path, &i))
        return -1;
    return cs->entries[i].deleted ? 0 : 1;
}

bool orgctl_changeset_read_staged(orgctl_changeset *cs, const char *path, char **data)
{
    size_t i;
    *data = NULL;
    if (!cs->pack || !strmap_get(&cs->by_path, path, &i))
        return false;
    if (cs->entries[i].deleted)
        return true;
    strbuf sb = STRBUF_INIT;
    if (orgctl_packwriter_read(cs->pack, &cs->entries[i].oid, &sb) < 0) {
        strbuf_release(&sb);
        orgctl_error_clear();
        return false;
    }
    *data = strbuf_detach(&sb, NULL);
    return true;
}

bool orgctl_changeset_state_known(orgctl_changeset *cs, const char *path, int *state)
{
    size_t v;
    if (!strmap_get(&cs->states, path, &v) || v == 0)
        return false;
    *state = (int)v - 2;
    return true;
}

void orgctl_changeset_state_keep(orgctl_changeset *cs, const char *path, int state)
{
    size_t v;
    const char *key =
        strmap_get(&cs->states, path, &v) ? path : arena_strdup(&cs->state_paths, path);
    strmap_set(&cs->states, key, (size_t)(state + 2));
}

uint64_t orgctl_changeset_index_seq(orgctl_changeset *cs, const char *path)
{
    size_t i;
    return strmap_get(&cs->by_path, path, &i) ? cs->entries[i].index_seq : 0;
}

size_t orgctl_changeset_count(orgctl_changeset *cs)
{
    return cs->n;
}

/* The folder of the base commit's tree that holds `path` (its last '/' at `slash`), read
 * once per change set; NULL when there is none. */
static orgctl_tree *base_dir(orgctl_changeset *cs, const char *path, const char *slash)
{
    size_t len = slash ? (size_t)(slash - path) : 0, i;
    strbuf_reset(&cs->base_dir_key);
    strbuf_add(&cs->base_dir_key, path, len);
    const char *key = strbuf_str(&cs->base_dir_key);
    if (strmap_get(&cs->base_dirs, key, &i))
        return cs->base_trees[i];
    orgctl_tree *tree = NULL, *dir = NULL;
    orgctl_tree_entry *te = NULL;
    if (orgctl_commit_tree(&tree, cs->repo, &cs->repo->head) == 0) {
        if (len == 0)
            dir = tree, tree = NULL;
        else if (orgctl_tree_entry_bypath(&te, tree, key) == 0 && orgctl_tree_entry_is_tree(te))
            orgctl_tree_lookup(&dir, cs->repo, orgctl_tree_entry_id(te));
    }
    orgctl_tree_entry_free(te);
    orgctl_tree_free(tree);
    orgctl_error_clear();
    cs->base_trees = xrealloc(cs->base_trees, (cs->nbase_trees + 1) * sizeof(*cs->base_trees));
    cs->base_trees[cs->nbase_trees] = dir;
    strmap_set(&cs->base_dirs, arena_strdup(&cs->base_dir_names, key), cs->nbase_trees++);
    return dir;
}

void orgctl_changeset_entry(orgctl_changeset *cs, size_t i, enum orgctl_change_op *op,
                            const char **path)
{
    struct entry *e = &cs->entries[i];
    *path = e->path;
    if (e->deleted) {
        *op = ORGCTL_CHANGE_DELETE;
        return;
    }
    /* Created or updated: whether the path exists at the base commit. */
    *op = ORGCTL_CHANGE_CREATE;
    const char *slash = strrchr(e->path, '/');
    orgctl_tree *dir = cs->repo->has_head ? base_dir(cs, e->path, slash) : NULL;
    if (dir && orgctl_tree_entry_byname(dir, slash ? slash + 1 : e->path))
        *op = ORGCTL_CHANGE_UPDATE;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const orgctl_tree_change *)a)->path, ((const orgctl_tree_change *)b)->path);
}

/* The change-set id is a sequence number, so people can say "rollback 42"; commit ids work
 * wherever an id is taken, too. It is one more than every id the repository has shown,
 * whatever a hand-made commit's trailer says: the parent's (counting back from the last
 * commit that has one, since commits made with plain git have none) and the highest the
 * index has seen (a pushed "Change-Set: 3" on top of 10 must not make the next one 4). */
static int next_sequence(orgctl_repo *repo, long *out)
{
    orgctl_commit *c = NULL;
    long seq = 0, seen = orgctl_index_max_id(repo);
    if (repo->has_head && orgctl_commit_lookup(&c, repo, &repo->head) < 0)
        c = NULL;
    while (c) {
        orgctl_commit *parent = NULL;
        if (!orgctl_changeset_id_parse(orgctl_commit_message(c), &seq) &&
            orgctl_commit_parentcount(c) > 0 && orgctl_commit_parent(&parent, c, 0) < 0)
            parent = NULL;
        orgctl_commit_free(c);
        c = parent;
    }
    orgctl_store_error_clear();
    if (seen > seq)
        seq = seen;
    if (seq >= ORGCTL_CHANGESET_ID_MAX)
        return orgctl_error_set(ORGCTL_ERROR, "change-set ids are exhausted (the last is %ld)",
                                seq);
    *out = seq + 1;
    return 0;
}

/* Changes for orgctl_tree_write_changes, sorted by path (unsorted input is quadratic),
 * without the entries that end where they started. */
static size_t build_updates(orgctl_changeset *cs, orgctl_tree *base, orgctl_tree_change **out)
{
    orgctl_tree_change *ups = xcalloc(cs->n ? cs->n : 1, sizeof(*ups));
    size_t n = 0;
    for (size_t i = 0; i < cs->n; i++) {
        struct entry *e = &cs->entries[i];
        orgctl_tree_entry *te = NULL;
        bool in_base = base && orgctl_tree_entry_bypath(&te, base, e->path) == 0;
        bool same = in_base && !e->deleted && orgctl_oid_equal(orgctl_tree_entry_id(te), &e->oid);
        orgctl_tree_entry_free(te);
        if (same || (e->deleted && !in_base))
            continue;
        ups[n].path = e->path;
        ups[n].oid = e->deleted ? NULL : &e->oid;
        n++;
    }
    orgctl_error_clear();
    qsort(ups, n, sizeof(*ups), entry_cmp);
    *out = ups;
    return n;
}

/* The org a trustee of a pairing acts in (lib/core/trust.c), not its own: NULL for anyone else. */
static const char *acting_in(const orgctl_changeset *cs)
{
    const orgctl_repo *repo = cs->repo;
    if (!cs->org || !*cs->org || !repo->ctx->actor_org ||
        strcmp(cs->org, repo->ctx->actor_org) == 0 ||
        (repo->ctx->enterprise_org && strcmp(repo->ctx->actor_org, repo->ctx->enterprise_org) == 0))
        return NULL;
    return cs->org;
}

/* The person a clone acting stands for ("bob@partner", its clone_of, which never changes),
 * malloc'd; NULL when the actor is no clone. */
static char *actor_clone_of(orgctl_repo *repo)
{
    cJSON *user = NULL;
    char *of = NULL;
    if (repo->ctx->actor_user && orgctl_object_load(repo, &orgctl_kind_user, repo->ctx->actor_org,
                                                    repo->ctx->actor_user, &user) == 0) {
        const char *s = cJSON_GetStringValue(
            cJSON_GetObjectItem(cJSON_GetObjectItem(user, "options"), "clone_of"));
        of = s ? xstrdup(s) : NULL;
    }
    orgctl_error_clear();
    cJSON_Delete(user);
    return of;
}

/* The author of the commit: the actor ("bob@partner in client", a trustee or a clone of
 * one) and their email, or the actor's name. */
static void author_of(orgctl_changeset *cs, strbuf *name, strbuf *email)
{
    orgctl_repo *repo = cs->repo;
    cJSON *user = NULL;
    const char *mail = NULL;
    if (repo->ctx->actor_user && orgctl_object_load(repo, &orgctl_kind_user, repo->ctx->actor_org,
                                                    repo->ctx->actor_user, &user) == 0)
        mail = cJSON_GetStringValue(cJSON_GetObjectItem(user, "email"));
    orgctl_error_clear();
    const char *actor = repo->ctx->actor ? repo->ctx->actor : "orgctl";
    char *clone_of = actor_clone_of(repo);
    if (clone_of)
        strbuf_addf(name, "%s in %s", clone_of, repo->ctx->actor_org);
    else
        strbuf_adds(name, actor);
    if (!clone_of && acting_in(cs))
        strbuf_addf(name, " in %s", acting_in(cs));
    free(clone_of);
    strbuf_adds(email, mail ? mail : actor);
    cJSON_Delete(user);
}

static int write_commit(orgctl_changeset *cs, const char *summary, const orgctl_oid *tree_id,
                        orgctl_oid *out, long seq)
{
    orgctl_repo *repo = cs->repo;
    orgctl_tree *tree = NULL, *parent_tree = NULL;
    orgctl_commit *parent = NULL;
    strbuf msg = STRBUF_INIT, name = STRBUF_INIT, email = STRBUF_INIT;
    time_t now;
    int error;
    if ((error = orgctl_clock_now(&now)) < 0)
        goto done;
    author_of(cs, &name, &email);
    strbuf_addf(&msg, "%s\n\nChange-Set: %ld\nActor: %s\nCommand: %s\n", summary, seq,
                repo->ctx->actor ? repo->ctx->actor : "orgctl", cs->command);
    char *clone_of = actor_clone_of(repo);
    if (clone_of) /* a clone: the person it stands for, and where */
        strbuf_addf(&msg, "Clone-Of: %s\nActing-In: %s\n", clone_of, repo->ctx->actor_org);
    else if (acting_in(cs))
        strbuf_addf(&msg, "Acting-In: %s\n", acting_in(cs));
    free(clone_of);
    if ((error = orgctl_tree_lookup(&tree, repo, tree_id)) < 0 ||
        (repo->has_head && (error = orgctl_commit_lookup(&parent, repo, &repo->head)) < 0) ||
        (parent && (error = orgctl_commit_get_tree(&parent_tree, parent)) < 0)) {
        error = orgctl_git_error(error, "cannot read tree");
        goto done;
    }
    /* One Org trailer per org the tree says it touched, whatever org the command named
     * ("org update beta" run with --org acme is beta's). */
    if ((error = orgctl_scope_trailers(repo, parent_tree, tree, &msg)) < 0)
        goto done;
    strbuf_add(&msg, strbuf_str(&cs->trailers), cs->trailers.len);
    error = orgctl_commit_write(out, repo, strbuf_str(&name), strbuf_str(&email), now,
                                strbuf_str(&msg), tree, parent);
done:
    orgctl_tree_free(tree);
    orgctl_tree_free(parent_tree);
    orgctl_commit_free(parent);
    strbuf_release(&msg);
    strbuf_release(&name);
    strbuf_release(&email);
    return error;
}

/* The tree of a small change set: its blobs are written already, the store writes the
 * trees. *n is the number of paths that changed. */
static int write_trees(orgctl_changeset *cs, orgctl_tree *base, orgctl_oid *tree_id, size_t *n)
{
    orgctl_tree_change *changes = NULL;
    int error = 0;
    *n = build_updates(cs, base, &changes);
    if (*n > 0)
        error = orgctl_tree_write_changes(tree_id, cs->repo, base, changes, *n);
    free(changes);
    return error;
}

/* The tree of a bulk change set, into its pack (with its blobs), which is installed before
 * the commit is written. *n is 0 when the tree is the base's. */
static int write_pack(orgctl_changeset *cs, orgctl_tree *base, orgctl_oid *tree_id, size_t *n)
{
    *n = 0;
    if (cs->dry)
        return orgctl_error_set(ORGCTL_ERROR, "a dry change set cannot be committed");
    orgctl_tree_change *changes = xcalloc(cs->n ? cs->n : 1, sizeof(*changes));
    int error = 0;
    if (!cs->pack && (error = orgctl_store_pack_new(&cs->pack, cs->repo)) < 0)
        goto done;
    for (size_t i = 0; i < cs->n; i++) {
        changes[i].path = cs->entries[i].path;
        changes[i].oid = cs->entries[i].deleted ? NULL : &cs->entries[i].oid;
    }
    orgctl_tree_changes_sort(changes, cs->n);
    if ((error = orgctl_packwriter_tree(cs->pack, base, changes, cs->n, tree_id)) < 0 ||
        (base && orgctl_oid_equal(tree_id, orgctl_tree_id(base))))
        goto done;
    *n = cs->n;
    error = orgctl_packwriter_finish(cs->pack);
done:
    free(changes);
    return error;
}

/* Bulk mode: what the change set switches on here, it ends in commit or free. */
static int go_bulk(orgctl_changeset *cs, size_t paths, unsigned flags)
{
    orgctl_repo *repo = cs->repo;
    cs->bulk = true;
    cs->dry = (flags & ORGCTL_BULK_DRY) || repo->dry_run;
    if (flags & ORGCTL_BULK_DEFER_DELETES)
        orgctl_index_defer_deletes(repo);
    int error = orgctl_index_tune_bulk(repo, paths);
    if (!error && (flags & ORGCTL_BULK_ROWS)) {
        error = orgctl_index_writer_start(repo);
        if (!error && !cs->rows_cache) {
            orgctl_index_cache_start(repo, paths);
            cs->rows_cache = true;
        }
    }
    return error;
}

static void end_rows_cache(orgctl_changeset *cs)
{
    if (cs->rows_cache)
        orgctl_index_cache_stop(cs->repo);
    cs->rows_cache = false;
}

int orgctl_changeset_begin_bulk(orgctl_changeset **out, orgctl_repo *repo, const char *command,
                                const char *org, size_t paths, unsigned flags)
{
    int error = orgctl_changeset_begin(out, repo, command, org);
    if (error < 0 || (error = go_bulk(*out, paths, flags)) == 0)
        return error;
    orgctl_changeset_free(*out);
    *out = NULL;
    return error;
}

int orgctl_changeset_large(orgctl_changeset *cs, size_t paths, bool dry)
{
    if (paths <= ORGCTL_CHANGESET_LARGE)
        return 0;
    return go_bulk(cs, paths, ORGCTL_BULK_DEFER_DELETES | (dry ? ORGCTL_BULK_DRY : 0));
}

long orgctl_changeset_next_id(orgctl_changeset *cs)
{
    long seq = 0;
    return next_sequence(cs->repo, &seq) < 0 ? 0 : seq;
}

int orgctl_changeset_commit(orgctl_changeset *cs, const char *summary, char **id_out)
{
    orgctl_repo *repo = cs->repo;
    orgctl_tree *base = NULL;
    orgctl_oid tree_id, commit_id;
    size_t n = 0;
    int error = 0;
    if (id_out)
        *id_out = NULL;
    end_rows_cache(cs); /* the rows are over */
    if (repo->has_head && (error = orgctl_commit_tree(&base, repo, &repo->head)) < 0)
        goto done;
    if (cs->bulk && (error = orgctl_index_writer_rows_done(repo)) < 0)
        goto done;
    if (cs->dry)
        error = 0; /* checked to the end below; nothing is written */
    else
        error = cs->bulk ? write_pack(cs, base, &tree_id, &n) : write_trees(cs, base, &tree_id, &n);
    /* The index writer (of a bulk set) finishes its queue while the trees are written;
     * an error of its fails the change set before the branch moves. */
    int index_error = orgctl_index_writer_stop(repo, true);
    if (!index_error)
        index_error = orgctl_index_flush_deletes(repo);
    if (error < 0 || (error = index_error) < 0)
        goto done;
    if (n == 0 || cs->dry) {
        error = orgctl_index_exec(repo, "ROLLBACK"); /* nothing to write */
        cs->finished = true;
        goto done;
    }
    long seq = 0;
    if ((error = next_sequence(repo, &seq)) < 0 ||
        (error = write_commit(cs, summary, &tree_id, &commit_id, seq)) < 0 ||
        (error = orgctl_branch_move(repo, &commit_id, summary)) < 0)
        goto done;
    /* The branch has moved: from here the change is made. A failure to record it in the
     * index only makes the index lag; the next run catches it up. */
    repo->head = commit_id;
    repo->has_head = true;
    if (orgctl_index_set_commit(repo, &commit_id, seq) < 0 || orgctl_index_exec(repo, "COMMIT") < 0)
        orgctl_index_abort(repo);
    cs->finished = true;
    for (struct commit_hook *h = cs->hooks; h; h = h->next)
        h->on_commit(repo, cs->n, h->payload);
    orgctl_error_clear(); /* the change is made whatever a hook met */
    if (id_out) {
        strbuf id = STRBUF_INIT;
        strbuf_addf(&id, "%ld", seq);
        *id_out = strbuf_detach(&id, NULL);
    }
done:
    orgctl_tree_free(base);
    return error;
}

void orgctl_changeset_free(orgctl_changeset *cs)
{
    if (!cs)
        return;
    end_rows_cache(cs);
    while (cs->hooks) {
        struct commit_hook *h = cs->hooks;
        cs->hooks = h->next;
        h->done(h->payload);
        free(h);
    }
    orgctl_index_writer_stop(cs->repo, false);
    orgctl_index_drop_deletes(cs->repo);
    if (!cs->finished)
        orgctl_index_abort(cs->repo);
    if (cs->repo->cs == cs) {
        cs->repo->cs = NULL;
        orgctl_perm_cache_stop(cs->repo);
    }
    arena_free(&cs->paths);
    free(cs->entries);
    strmap_free(&cs->by_path);
    strmap_free(&cs->states);
    arena_free(&cs->state_paths);
    for (size_t i = 0; i < cs->nbase_trees; i++)
        orgctl_tree_free(cs->base_trees[i]);
    free(cs->base_trees);
    strmap_free(&cs->base_dirs);
    arena_free(&cs->base_dir_names);
    strbuf_release(&cs->base_dir_key);
    strbuf_release(&cs->trailers);
    free(cs->undo);
    orgctl_packwriter_free(cs->pack);
    free(cs->command);
    free(cs->org);
    free(cs);
}
