/* Who may see which change sets, and what a view of history shows of them.
 *
 * A change set is shown only to an actor who holds audits:changeSet:view in every org it
 * touched. Which orgs those are comes from its tree against its parent's, never from its
 * trailers: anyone who can write to the repository with git can make a commit whose
 * "Org:" trailer names one org while its tree changes another. Comparing the trees is
 * cheap where it matters: it stops at the org folders (orgs/<org>/), skipping those whose
 * ids are equal, so it costs the number of orgs, not of objects, and each tree is read
 * once as a log walks from a commit to its parent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_view.h"
#include "internal.h"
#include "options_version.h"
#include "orgctl/json.h"
#include "orgctl/org.h"
#include "orgctl/perm.h"
#include "strmap.h"

#define VIEW_PERMISSION "audits:changeSet:view"

/* --- the orgs a change set touched --- */

static void scope_add(orgctl_scope *s, const char *org)
{
    if (s->n == s->alloc) {
        s->alloc = s->alloc ? s->alloc * 2 : 4;
        s->orgs = xrealloc(s->orgs, s->alloc * sizeof(*s->orgs));
    }
    s->orgs[s->n++] = xstrdup(org);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void orgctl_scope_clear(orgctl_scope *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->orgs[i]);
    free(s->orgs);
    *s = (orgctl_scope){0};
}

static bool valid_org(const char *name)
{
    bool ok = orgctl_org_shortname_validate(name) == 0;
    orgctl_error_clear();
    return ok;
}

/* The entries of two trees (either may be NULL) that differ, in one merge of their
 * sorted lists: cb(name, entry in a or NULL, entry in b or NULL). */
typedef int (*merge_cb)(void *payload, const orgctl_tree_entry *ea, const orgctl_tree_entry *eb);

static int merge_entries(orgctl_tree *a, orgctl_tree *b, merge_cb cb, void *payload)
{
    size_t na = a ? orgctl_tree_entrycount(a) : 0, nb = b ? orgctl_tree_entrycount(b) : 0;
    size_t i = 0, j = 0;
    int error = 0;
    while (!error && (i < na || j < nb)) {
        const orgctl_tree_entry *ea = i < na ? orgctl_tree_entry_byindex(a, i) : NULL;
        const orgctl_tree_entry *eb = j < nb ? orgctl_tree_entry_byindex(b, j) : NULL;
        int cmp = !ea ? 1 : !eb ? -1 : orgctl_tree_entry_cmp(ea, eb);
        if (cmp < 0) {
            error = cb(payload, ea, NULL);
            i++;
        } else if (cmp > 0) {
            error = cb(payload, NULL, eb);
            j++;
        } else {
            if (!orgctl_tree_entry_same(ea, eb))
                error = cb(payload, ea, eb);
            i++;
            j++;
        }
    }
    return error;
}

/* A few trees kept by id: walking back, a commit's parent is the next commit, so its
 * trees (the root and orgs/, which holds an entry per org) are read once, not twice. */
#define KEPT_TREES 16
struct tree_memo {
    orgctl_tree *tree[KEPT_TREES];
    size_t next;
};

static int memo_tree(orgctl_repo *repo, struct tree_memo *m, const orgctl_oid *id,
                     orgctl_tree **out)
{
    for (size_t i = 0; m && i < KEPT_TREES; i++)
        if (m->tree[i] && orgctl_oid_equal(orgctl_tree_id(m->tree[i]), id)) {
            *out = m->tree[i];
            return 0;
        }
    int error = orgctl_tree_lookup(out, repo, id);
    if (error < 0)
        return orgctl_git_error(error, "cannot read tree");
    if (m) {
        orgctl_tree_free(m->tree[m->next]);
        m->tree[m->next] = *out;
        m->next = (m->next + 1) % KEPT_TREES;
    }
    return 0;
}

static void memo_release(struct tree_memo *m, orgctl_tree *t)
{
    if (!m) /* not kept: the caller's own */
        orgctl_tree_free(t);
}

static void memo_free(struct tree_memo *m)
{
    for (size_t i = 0; i < KEPT_TREES; i++)
        orgctl_tree_free(m->tree[i]);
    memset(m, 0, sizeof(*m));
}

struct scope_walk {
    orgctl_repo *repo;
    struct tree_memo *memo;
    orgctl_scope *s;
};

/* The sub-tree of an entry (NULL when the entry is none or no tree). */
static int entry_tree(struct scope_walk *w, const orgctl_tree_entry *e, orgctl_tree **out)
{
    *out = NULL;
    if (!e || !orgctl_tree_entry_is_tree(e))
        return 0;
    return memo_tree(w->repo, w->memo, orgctl_tree_entry_id(e), out);
}

static int org_folder(void *payload, const orgctl_tree_entry *ea, const orgctl_tree_entry *eb)
{
    struct scope_walk *w = payload;
    const orgctl_tree_entry *e = ea ? ea : eb;
    if (orgctl_tree_entry_is_tree(e) && valid_org(orgctl_tree_entry_name(e)))
        scope_add(w->s, orgctl_tree_entry_name(e));
    else
        w->s->enterprise = true; /* no org's folder: nobody's but the enterprise's */
    return 0;
}

/* The org of one side of a bulk set's folder: its set.json's "org"; the enterprise's
 * when it has none or the folder is no set. */
static void bulk_side(struct scope_walk *w, const orgctl_tree_entry *e)
{
    orgctl_tree *set = NULL;
    orgctl_blob *blob = NULL;
    const char *org = NULL;
    cJSON *json = NULL;
    if (orgctl_tree_entry_is_tree(e) &&
        orgctl_tree_lookup(&set, w->repo, orgctl_tree_entry_id(e)) == 0) {
        const orgctl_tree_entry *f = orgctl_tree_entry_byname(set, "set.json");
        if (f && orgctl_tree_entry_is_blob(f) &&
            orgctl_blob_lookup(&blob, w->repo, orgctl_tree_entry_id(f)) == 0)
            json = cJSON_ParseWithLength(orgctl_blob_data(blob), orgctl_blob_size(blob));
        org = cJSON_GetStringValue(cJSON_GetObjectItem(json, "org"));
    }
    if (org && valid_org(org))
        scope_add(w->s, org);
    else
        w->s->enterprise = true;
    orgctl_store_error_clear();
    cJSON_Delete(json);
    orgctl_blob_free(blob);
    orgctl_tree_free(set);
}

static int bulk_folder(void *payload, const orgctl_tree_entry *ea, const orgctl_tree_entry *eb)
{
    struct scope_walk *w = payload;
    if (ea)
        bulk_side(w, ea);
    if (eb)
        bulk_side(w, eb);
    return 0;
}

static int top_entry(void *payload, const orgctl_tree_entry *ea, const orgctl_tree_entry *eb)
{
    struct scope_walk *w = payload;
    const char *name = orgctl_tree_entry_name(ea ? ea : eb);
    merge_cb cb = strcmp(name, "orgs") == 0   ? org_folder
                  : strcmp(name, "bulk") == 0 ? bulk_folder
                                              : NULL;
    if (!cb) {
        w->s->enterprise = true; /* enterprise.json, or a file of no org */
        return 0;
    }
    orgctl_tree *ta = NULL, *tb = NULL;
    int error;
    if ((error = entry_tree(w, ea, &ta)) == 0 && (error = entry_tree(w, eb, &tb)) == 0) {
        /* a file where a folder belongs (or the reverse): nobody's but the enterprise's */
        if ((ea && !ta) || (eb && !tb))
            w->s->enterprise = true;
        error = merge_entries(ta, tb, cb, w);
    }
    memo_release(w->memo, ta);
    memo_release(w->memo, tb);
    return error;
}

static int scope_walk(orgctl_repo *repo, struct tree_memo *memo, orgctl_tree *old_tree,
                      orgctl_tree *new_tree, orgctl_scope *s)
{
    struct scope_walk w = {repo, memo, s};
    *s = (orgctl_scope){0};
    int error = merge_entries(old_tree, new_tree, top_entry, &w);
    if (error < 0) {
        orgctl_scope_clear(s);
        return error;
    }
    if (s->enterprise && repo->ctx->enterprise_org)
        scope_add(s, repo->ctx->enterprise_org);
    if (s->n > 1) /* qsort of NULL, 0 is undefined (a change set that touched no org) */
        qsort(s->orgs, s->n, sizeof(*s->orgs), cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (k && strcmp(s->orgs[k - 1], s->orgs[i]) == 0)
            free(s->orgs[i]);
        else
            s->orgs[k++] = s->orgs[i];
    }
    s->n = k;
    return 0;
}

int orgctl_scope_of(orgctl_repo *repo, orgctl_tree *old_tree, orgctl_tree *new_tree,
                    orgctl_scope *s)
{
    return scope_walk(repo, NULL, old_tree, new_tree, s);
}

int orgctl_scope_trailers(orgctl_repo *repo, orgctl_tree *old_tree, orgctl_tree *new_tree,
                          strbuf *msg)
{
    orgctl_scope s;
    int error = orgctl_scope_of(repo, old_tree, new_tree, &s);
    for (size_t i = 0; !error && i < s.n; i++)
        strbuf_addf(msg, "Org: %s\n", s.orgs[i]);
    orgctl_scope_clear(&s);
    return error;
}

/* --- the view --- */

struct orgctl_history_view {
    orgctl_repo *repo;
    const char *const *orgs;
    size_t norgs;
    const char *actor, *grep;
    bool has_since, has_until;
    time_t since, until;
    const orgctl_kind *kind;     /* --kind */
    const orgctl_kind *obj_kind; /* --object KIND/NAME */
    char *obj_name;
    strmap seen; /* org -> 1 may see its history, 2 may not; keys in seen_keys */
    char **seen_keys;
    size_t nseen;
    struct tree_memo memo;
};

/* Splits "KIND/NAME" (NAME malloc'd). */
static int parse_object(const char *s, const orgctl_kind **kind, char **name)
{
    const char *slash = strchr(s, '/');
    *kind = NULL;
    *name = NULL;
    if (!slash)
        return orgctl_error_set(ORGCTL_EINVALID, "--object \"%s\" is not KIND/NAME", s);
    char k[64];
    snprintf(k, sizeof(k), "%.*s", (int)(slash - s), s);
    *kind = orgctl_kind_lookup(k);
    if (!*kind || *kind == &orgctl_kind_enterprise)
        return orgctl_error_set(ORGCTL_EINVALID, "--object \"%s\": unknown kind \"%s\"", s, k);
    int error = orgctl_name_validate(k, slash + 1);
    if (error < 0)
        return error;
    if (*kind == &orgctl_kind_org && (error = orgctl_org_shortname_validate(slash + 1)) < 0)
        return error;
    *name = xstrdup(slash + 1);
    return 0;
}

static int parse_time(const char *what, const char *s, bool end_of_day, time_t *out)
{
    bool date_only = false;
    int error = orgctl_time_parse(out, &date_only, what, s);
    if (error < 0)
        return error;
    if (date_only && end_of_day)
        *out += 24 * 60 * 60 - 1;
    return 0;
}

int orgctl_log_options_check(const orgctl_log_options *o)
{
    time_t t;
    int error;
    if ((error = orgctl_options_version_check("log", o->version, ORGCTL_LOG_OPTIONS_VERSION)) < 0)
        return error;
    for (size_t i = 0; i < o->norgs; i++)
        if ((error = orgctl_org_shortname_validate(o->orgs[i])) < 0)
            return error;
    if (o->kind && !orgctl_kind_lookup(o->kind)) {
        strbuf kinds = STRBUF_INIT;
        for (const orgctl_kind *const *k = orgctl_kinds(); *k; k++)
            strbuf_addf(&kinds, "%s%s", kinds.len ? ", " : "", (*k)->name);
        error = orgctl_error_set(ORGCTL_EINVALID, "--kind: unknown kind \"%s\" (kinds: %s)",
                                 o->kind, strbuf_str(&kinds));
        strbuf_release(&kinds);
        return error;
    }
    if (o->object) {
        const orgctl_kind *k;
        char *name = NULL;
        error = parse_object(o->object, &k, &name);
        free(name);
        if (error < 0)
            return error;
    }
    if ((o->since && (error = parse_time("--since", o->since, false, &t)) < 0) ||
        (o->until && (error = parse_time("--until", o->until, true, &t)) < 0))
        return error;
    if (o->actor && !*o->actor)
        return orgctl_error_set(ORGCTL_EINVALID, "--actor must not be empty");
    return 0;
}

int orgctl_history_view_new(orgctl_history_view **out, orgctl_repo *repo,
                            const orgctl_log_options *opts)
{
    int error;
    *out = NULL;
    if ((error = orgctl_perm_check(repo, NULL, VIEW_PERMISSION)) < 0)
        return error;
    orgctl_history_view *v = xcalloc(1, sizeof(*v));
    v->repo = repo;
    if (opts) {
        if ((error = orgctl_log_options_check(opts)) < 0) {
            free(v);
            return error;
        }
        v->orgs = opts->orgs;
        v->norgs = opts->norgs;
        v->actor = opts->actor;
        v->grep = opts->grep;
        v->kind = opts->kind ? orgctl_kind_lookup(opts->kind) : NULL;
        if (opts->object)
            parse_object(opts->object, &v->obj_kind, &v->obj_name);
        v->has_since = opts->since && parse_time("--since", opts->since, false, &v->since) == 0;
        v->has_until = opts->until && parse_time("--until", opts->until, true, &v->until) == 0;
    }
    *out = v;
    return 0;
}

void orgctl_history_view_free(orgctl_history_view *v)
{
    if (!v)
        return;
    strmap_free(&v->seen);
    for (size_t i = 0; i < v->nseen; i++)
        free(v->seen_keys[i]);
    free(v->seen_keys);
    free(v->obj_name);
    memo_free(&v->memo);
    free(v);
}

/* Whether the actor may see the history of `org`; each org is asked once per view. */
static bool may_see(orgctl_history_view *v, const char *org)
{
    size_t answer;
    if (strmap_get(&v->seen, org, &answer))
        return answer == 1;
    bool yes = orgctl_perm_check(v->repo, org, VIEW_PERMISSION) == 0;
    orgctl_error_clear();
    v->seen_keys = xrealloc(v->seen_keys, (v->nseen + 1) * sizeof(*v->seen_keys));
    v->seen_keys[v->nseen] = xstrdup(org);
    strmap_set(&v->seen, v->seen_keys[v->nseen++], yes ? 1 : 2);
    return yes;
}

static bool may_see_scope(orgctl_history_view *v, const orgctl_scope *s)
{
    if (v->repo->ctx->skip_permissions)
        return true;
    /* Enterprise paths in a repository that names no enterprise org: nobody's to show. */
    if (s->enterprise && !v->repo->ctx->enterprise_org)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (!may_see(v, s->orgs[i]))
            return false;
    return true;
}

static bool in_scope(const orgctl_scope *s, const char *org)
{
    return bsearch(&org, s->orgs, s->n, sizeof(*s->orgs), cmp_str) != NULL;
}

/* The trees of c and of its first parent (NULL for the first commit). */
static int commit_trees(orgctl_history_view *v, orgctl_commit *c, orgctl_tree **old_tree,
                        orgctl_tree **new_tree)
{
    orgctl_repo *repo = v->repo;
    int error;
    *old_tree = *new_tree = NULL;
    if ((error = memo_tree(repo, &v->memo, orgctl_commit_tree_id(c), new_tree)) < 0)
        return error;
    if (orgctl_commit_parentcount(c) == 0)
        return 0;
    orgctl_commit *p = NULL;
    if ((error = orgctl_commit_lookup(&p, repo, orgctl_commit_parent_id(c, 0))) ==
        ORGCTL_STORE_NOTFOUND) {
        orgctl_store_error_clear(); /* a shallow clone: judged against nothing, all it holds is new
                                     */
        return 0;
    }
    if (error < 0)
        return orgctl_git_error(error, "cannot read parent");
    error = memo_tree(repo, &v->memo, orgctl_commit_tree_id(p), old_tree);
    orgctl_commit_free(p);
    return error;
}

/* The trees of c and its parent (kept by the view) and the orgs c touched. */
static int commit_scope(orgctl_history_view *v, orgctl_commit *c, orgctl_tree **old_tree,
                        orgctl_tree **new_tree, orgctl_scope *s)
{
    *s = (orgctl_scope){0};
    int error = commit_trees(v, c, old_tree, new_tree);
    return error < 0 ? error : scope_walk(v->repo, &v->memo, *old_tree, *new_tree, s);
}

/* Whether the entry at `path` differs between the trees (either may be NULL), descending
 * only while the sub-trees on the way differ. */
static int path_changed(orgctl_repo *repo, orgctl_tree *a, orgctl_tree *b, const char *path,
                        bool *changed)
{
    orgctl_tree *t[2] = {a, b};
    int error = 0;
    char part[512];
    *changed = false;
    for (const char *p = path; p && *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        snprintf(part, sizeof(part), "%.*s", (int)len, p);
        p = slash ? slash + 1 : NULL;
        const orgctl_tree_entry *e[2] = {t[0] ? orgctl_tree_entry_byname(t[0], part) : NULL,
                                         t[1] ? orgctl_tree_entry_byname(t[1], part) : NULL};
        if (!e[0] && !e[1])
            break;
        if (e[0] && e[1] && orgctl_tree_entry_same(e[0], e[1]))
            break;
        if (!p) { /* the entry itself: there on one side only, or different */
            *changed = true;
            break;
        }
        for (int i = 0; i < 2 && !error; i++) { /* a side without the folder goes on empty */
            orgctl_tree *sub = NULL;
            if (e[i] && orgctl_tree_entry_is_tree(e[i]) &&
                (error = orgctl_tree_lookup(&sub, repo, orgctl_tree_entry_id(e[i]))) < 0)
                error = orgctl_git_error(error, "cannot read tree");
            if (t[i] != a && t[i] != b)
                orgctl_tree_free(t[i]);
            t[i] = sub;
        }
        if (error)
            break;
    }
    for (int i = 0; i < 2; i++)
        if (t[i] != a && t[i] != b)
            orgctl_tree_free(t[i]);
    return error;
}

/* Whether the change set changed an object of the --kind (or the --object) in one of
 * the orgs it touched that --org allows. */
static int changed_objects(orgctl_history_view *v, const orgctl_scope *s, orgctl_tree *old_tree,
                           orgctl_tree *new_tree, bool *found)
{
    const orgctl_kind *kind = v->obj_kind ? v->obj_kind : v->kind;
    int error = 0;
    *found = false;
    if (!kind->per_org) /* enterprise.json */
        return path_changed(v->repo, old_tree, new_tree, "enterprise.json", found);
    for (size_t i = 0; i < s->n && !error && !*found; i++) {
        const char *org = s->orgs[i];
        bool wanted = v->norgs == 0;
        for (size_t j = 0; j < v->norgs && !wanted; j++)
            wanted = strcmp(v->orgs[j], org) == 0;
        if (!wanted)
            continue;
        char *path;
        if (v->obj_kind) {
            if (kind == &orgctl_kind_org && strcmp(org, v->obj_name) != 0)
                continue;
            path = orgctl_kind_path(kind, org, v->obj_name);
            if (kind->payload) /* the object is its folder: its payload files change it too */
                path[strlen(path) - strlen(kind->payload->object_file) - 1] = '\0';
        } else if (kind == &orgctl_kind_org) {
            path = orgctl_kind_path(kind, org, org);
        } else {
            strbuf sb = STRBUF_INIT;
            strbuf_addf(&sb, "orgs/%s/%s", org, kind->plural);
            path = strbuf_detach(&sb, NULL);
        }
        error = path_changed(v->repo, old_tree, new_tree, path, found);
        free(path);
    }
    return error;
}

/* The item shows the orgs the tree says, not the first Org trailer. */
static void set_orgs(cJSON *item, const orgctl_scope *s)
{
    if (!item)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(item, "org");
    cJSON *orgs = cJSON_AddArrayToObject(item, "orgs");
    for (size_t i = 0; i < s->n; i++)
        cJSON_AddItemToArray(orgs, cJSON_CreateString(s->orgs[i]));
}

static bool actor_matches(const char *want, const char *actor)
{
    if (!actor)
        return false;
    const char *in = strstr(actor, " in "); /* "bob@partner in client": bob@partner's */
    size_t whole = in ? (size_t)(in - actor) : strlen(actor);
    if (strchr(want, '@'))
        return strlen(want) == whole && strncmp(want, actor, whole) == 0;
    const char *at = memrchr(actor, '@', whole);
    size_t len = at ? (size_t)(at - actor) : whole;
    return strlen(want) == len && strncmp(want, actor, len) == 0;
}

static bool text_has(const cJSON *item, const char *key, const char *text)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(item, key));
    return s && strstr(s, text);
}

int orgctl_history_view_match(orgctl_history_view *v, orgctl_commit *c, cJSON *item)
{
    /* What the commit says first; the trees only for what passes. */
    time_t when = orgctl_commit_time(c);
    if ((v->has_since && when < v->since) || (v->has_until && when > v->until))
        return 0;
    if (v->actor &&
        !actor_matches(v->actor, cJSON_GetStringValue(cJSON_GetObjectItem(item, "actor"))))
        return 0;
    if (v->grep && !text_has(item, "summary", v->grep) && !text_has(item, "command", v->grep))
        return 0;
    orgctl_tree *old_tree, *new_tree;
    orgctl_scope s;
    int error = commit_scope(v, c, &old_tree, &new_tree, &s);
    if (error < 0)
        return error;
    int keep = may_see_scope(v, &s);
    if (keep && v->norgs) { /* any of the orgs asked for */
        bool any = false;
        for (size_t i = 0; i < v->norgs && !any; i++)
            any = in_scope(&s, v->orgs[i]);
        keep = any;
    }
    if (keep && (v->kind || v->obj_kind)) {
        bool found = false;
        if ((error = changed_objects(v, &s, old_tree, new_tree, &found)) < 0)
            keep = error;
        else
            keep = found;
    }
    if (keep > 0)
        set_orgs(item, &s);
    orgctl_scope_clear(&s);
    return keep;
}

int orgctl_history_view_check(orgctl_history_view *v, orgctl_commit *c, cJSON *item)
{
    orgctl_tree *old_tree, *new_tree;
    orgctl_scope s;
    int error = commit_scope(v, c, &old_tree, &new_tree, &s);
    if (error < 0)
        return error;
    if (!may_see_scope(v, &s)) {
        char hex[ORGCTL_OID_HEXSZ + 1];
        orgctl_oid_tostr(hex, sizeof(hex), orgctl_commit_id(c));
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(item, "id"));
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: change set %s touches an org where %s "
                                 "lacks \"%s\"",
                                 id ? id : hex, orgctl_repo_actor(v->repo), VIEW_PERMISSION);
    } else {
        set_orgs(item, &s);
    }
    orgctl_scope_clear(&s);
    return error;
}

/* --- secrets --- */

#define SHOWN_SET "(set)"
#define SHOWN_CHANGED "(changed)"
#define NOT_SHOWN "(not valid JSON: not shown, as it may hold a secret)\n"
#define NOT_SHOWN_BULK "(a bulk set's file: not shown without the bulk layer)\n"

static bool secret_name(const char *key)
{
    for (const orgctl_kind *const *k = orgctl_kinds(); *k; k++)
        for (const orgctl_field *f = (*k)->fields; f->name; f++)
            if ((f->flags & ORGCTL_FIELD_SECRET) && strcmp(f->name, key) == 0)
                return true;
    return false;
}

/* Puts `text` in place of member c of obj, under the same key. */
static void replace_member(cJSON *obj, cJSON *c, const char *text)
{
    cJSON *r = cJSON_CreateString(text);
    r->string = c->string;
    c->string = NULL;
    cJSON_ReplaceItemViaPointer(obj, c, r);
}

/* Masks the secret-named members of the containers below `container` (not its own);
 * true when there was one. */
static bool mask_below(cJSON *container)
{
    bool any = false;
    cJSON *next;
    for (cJSON *c = container ? container->child : NULL; c; c = next) {
        next = c->next;
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        for (cJSON *m = c->child, *after; m; m = after) {
            after = m->next;
            if (cJSON_IsObject(c) && m->string && secret_name(m->string)) {
                replace_member(c, m, SHOWN_SET);
                any = true;
            }
        }
        any |= mask_below(c);
    }
    return any;
}

static cJSON *parse_side(const char *data, size_t len, bool *broken)
{
    *broken = false;
    if (!data)
        return NULL;
    cJSON *obj = cJSON_ParseWithLength(data, len);
    *broken = !cJSON_IsObject(obj);
    if (*broken) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void mask_json(const char *old_data, size_t old_len, const char *new_data, size_t new_len,
                      strbuf *old_out, strbuf *new_out, bool *masked)
{
    bool broken[2];
    cJSON *side[2] = {parse_side(old_data, old_len, &broken[0]),
                      parse_side(new_data, new_len, &broken[1])};
    bool any = broken[0] || broken[1];
    /* An object's own secrets in pairs: the new side says whether it changed. */
    cJSON *next;
    for (cJSON *c = side[1] ? side[1]->child : NULL; c; c = next) {
        next = c->next;
        if (!c->string || !secret_name(c->string))
            continue;
        cJSON *was = side[0] ? cJSON_GetObjectItemCaseSensitive(side[0], c->string) : NULL;
        bool changed = was && !cJSON_Compare(was, c, true);
        if (was)
            replace_member(side[0], was, SHOWN_SET);
        replace_member(side[1], c, changed ? SHOWN_CHANGED : SHOWN_SET);
        any = true;
    }
    for (cJSON *c = side[0] ? side[0]->child : NULL; c; c = next) {
        next = c->next;
        if (c->string && secret_name(c->string) &&
            !(cJSON_IsString(c) && strcmp(c->valuestring, SHOWN_SET) == 0)) {
            replace_member(side[0], c, SHOWN_SET);
            any = true;
        }
    }
    any |= mask_below(side[0]);
    any |= mask_below(side[1]);
    *masked = any;
    strbuf *out[2] = {old_out, new_out};
    for (int i = 0; any && i < 2; i++) {
        if (broken[i]) {
            strbuf_adds(out[i], NOT_SHOWN);
        } else if (side[i]) {
            char *text = orgctl_json_canonical(side[i]);
            strbuf_adds(out[i], text);
            free(text);
        }
    }
    cJSON_Delete(side[0]);
    cJSON_Delete(side[1]);
}

void orgctl_history_mask(const char *path, const char *old_data, size_t old_len,
                         const char *new_data, size_t new_len, strbuf *old_out, strbuf *new_out,
                         bool *masked)
{
    *masked = false;
    if (ends_with(path, ".json")) {
        mask_json(old_data, old_len, new_data, new_len, old_out, new_out, masked);
    } else if (strncmp(path, ORGCTL_BULK_FOLDER, strlen(ORGCTL_BULK_FOLDER)) == 0) {
        const struct orgctl_bulk_files *files = orgctl_bulk_files();
        if (!files) { /* who knows what it holds: nothing shown */
            strbuf_adds(old_out, old_data ? NOT_SHOWN_BULK : "");
            strbuf_adds(new_out, new_data ? NOT_SHOWN_BULK : "");
            *masked = true;
            return;
        }
        bool a = old_data && files->mask(path, old_data, old_len, old_out);
        bool b = new_data && files->mask(path, new_data, new_len, new_out);
        *masked = a || b;
        if (*masked && old_data && !a) /* a side with nothing to hide, as it is */
            strbuf_add(old_out, old_data, old_len);
        if (*masked && new_data && !b)
            strbuf_add(new_out, new_data, new_len);
    }
    if (!*masked) {
        strbuf_reset(old_out);
        strbuf_reset(new_out);
    }
}
