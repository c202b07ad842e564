/* The restore engine of rollback: a three-way restore per object (see restore.h).
 *
 * Only the paths later change sets changed need a merge; they are found by a walk of the
 * change set's tree against HEAD's, so a rollback of the last change set, or of a big one
 * that little touched since, costs what it did when it restored whole files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/json.h"
#include "orgctl/object.h"
#include "restore.h"
#include "strmap.h"

/* Conflicts named in full in the message; the rest are counted. */
#define NAMED_OBJECTS 10
#define NAMED_FIELDS 8

enum action {
    RESTORE, /* the parent's bytes, or its absence */
    KEEP,    /* HEAD is as the rollback would leave it */
    WRITE,   /* the merged object */
};

/* A path a later change set changed: its state in the change set (then) and at HEAD (now),
 * and once merged, what the rollback does with it. */
struct later {
    char *path;
    orgctl_oid then, now;
    bool had, has;
    enum action action;
    char *merged;  /* WRITE: canonical JSON */
    cJSON *detail; /* its entry of the plan, when it changes */
};

struct orgctl_restore {
    orgctl_repo *repo;
    orgctl_tree *parent, *set, *head;
    struct later *later;
    size_t nlater, alloc;
    strmap by_path; /* path -> index in later */
    strbuf conflicts;
    size_t nconflicted; /* objects with a conflict */
    /* while staging */
    orgctl_changeset *cs;
    cJSON *changes;
    bool detail;
    int error;
    /* while checking integrity */
    strbuf problems;
    size_t nproblems;
};

static int note_later(const char *path, const orgctl_oid *then, const orgctl_oid *now,
                      void *payload)
{
    orgctl_restore *rs = payload;
    if (rs->nlater == rs->alloc) {
        rs->alloc = rs->alloc ? rs->alloc * 2 : 16;
        rs->later = xrealloc(rs->later, rs->alloc * sizeof(*rs->later));
    }
    struct later *l = &rs->later[rs->nlater];
    memset(l, 0, sizeof(*l));
    l->path = xstrdup(path);
    if ((l->had = then != NULL))
        l->then = *then;
    if ((l->has = now != NULL))
        l->now = *now;
    strmap_set(&rs->by_path, l->path, rs->nlater++);
    return 0;
}

int orgctl_restore_begin(orgctl_restore **out, orgctl_repo *repo, orgctl_tree *parent,
                         orgctl_tree *set, orgctl_tree *head)
{
    orgctl_restore *rs = xcalloc(1, sizeof(*rs));
    rs->repo = repo;
    rs->parent = parent;
    rs->set = set;
    rs->head = head;
    int error = orgctl_tree_diff(repo, set, head, note_later, rs);
    if (error < 0) {
        orgctl_restore_free(rs);
        rs = NULL;
    }
    *out = rs;
    return error;
}

static struct later *find_later(orgctl_restore *rs, const char *path)
{
    size_t i;
    return strmap_get(&rs->by_path, path, &i) ? &rs->later[i] : NULL;
}

bool orgctl_restore_exists_now(orgctl_restore *rs, const char *path, const orgctl_oid *after,
                               bool *changed)
{
    struct later *l = find_later(rs, path);
    *changed = l != NULL;
    return l ? l->has : after != NULL;
}

void orgctl_restore_name(strbuf *sb, const char *path)
{
    const orgctl_kind *kind = NULL;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) == 0 && *org && kind != &orgctl_kind_org)
        strbuf_addf(sb, "%s \"%s\" (org %s)", kind->name, name, org);
    else if (kind && name)
        strbuf_addf(sb, "%s \"%s\"", kind->name, *name ? name : kind->name);
    else
        strbuf_adds(sb, path);
    free(org);
    free(name);
}

/* --- the merge of one object --- */

static bool same(const cJSON *a, const cJSON *b)
{
    return a == b || (a && b && cJSON_Compare(a, b, 1));
}

static const cJSON *member(const cJSON *obj, const char *key)
{
    return obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* Sets obj[key] to a copy of v, or removes it (v NULL). */
static void set_member(cJSON *obj, const char *key, const cJSON *v)
{
    if (!v) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
        return;
    }
    cJSON *copy = cJSON_Duplicate(v, 1);
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, copy);
    else
        cJSON_AddItemToObject(obj, key, copy);
}

struct merge {
    const orgctl_kind *kind;
    cJSON *result; /* HEAD's object, made the rollback's */
    bool strict;   /* every change is a conflict: the object was re-created since */
    cJSON *fields; /* the plan's [{field, key, from, to, conflict}] */
    strbuf names;  /* the conflicting fields, for the message */
    size_t nconflicts;
};

static void add_value(cJSON *entry, const char *name, const cJSON *v, bool secret)
{
    if (!v)
        cJSON_AddNullToObject(entry, name);
    else if (secret) /* a hash is never shown: only whether there is one */
        cJSON_AddStringToObject(entry, name, "set");
    else
        cJSON_AddItemToObject(entry, name, cJSON_Duplicate(v, 1));
}

/* Records that field (its item or key `key`) goes from `from` to `to`. */
static void note(struct merge *m, const char *field, const char *key, const cJSON *from,
                 const cJSON *to, bool conflict)
{
    const orgctl_field *f = m->kind ? orgctl_kind_field(m->kind, field) : NULL;
    bool secret = f && (f->flags & ORGCTL_FIELD_SECRET);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "field", field);
    if (key)
        cJSON_AddStringToObject(e, "key", key);
    else
        cJSON_AddNullToObject(e, "key");
    add_value(e, "from", from, secret);
    add_value(e, "to", to, secret);
    cJSON_AddBoolToObject(e, "conflict", conflict);
    cJSON_AddItemToArray(m->fields, e);
    if (!conflict)
        return;
    if (m->nconflicts < NAMED_FIELDS) {
        strbuf_adds(&m->names, m->nconflicts ? ", " : "");
        strbuf_adds(&m->names, field);
        if (key)
            strbuf_addf(&m->names, " \"%s\"", key);
    } else if (m->nconflicts == NAMED_FIELDS) {
        strbuf_adds(&m->names, " and more");
    }
    m->nconflicts++;
}

/* One value (a field, or a map's key `key` in `into`): the rolled-back one unless HEAD
 * changed it since the change set; HEAD's when it is the rolled-back one already;
 * otherwise a conflict, and the rolled-back one. */
static void merge_value(struct merge *m, cJSON *into, const char *field, const char *key,
                        const cJSON *pv, const cJSON *cv, const cJSON *hv)
{
    bool conflict;
    if (!m->strict && same(hv, cv))
        conflict = false;
    else if (!same(hv, pv))
        conflict = true;
    else
        return;
    set_member(into, key ? key : field, pv);
    note(m, field, key, hv, pv, conflict);
}

static bool is_object_or_absent(const cJSON *v)
{
    return !v || cJSON_IsObject(v);
}

static bool is_strings_or_absent(const cJSON *v)
{
    if (!v)
        return true;
    if (!cJSON_IsArray(v))
        return false;
    for (const cJSON *c = v->child; c; c = c->next)
        if (!cJSON_IsString(c))
            return false;
    return true;
}

/* The members of an object, or the items of a list of strings, by key (value: the item). */
static void index_items(strmap *map, const cJSON *v)
{
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next)
        strmap_set(map, cJSON_IsString(c) && !c->string ? c->valuestring : c->string,
                   (size_t)(uintptr_t)c);
}

static const cJSON *item_of(const strmap *map, const char *key)
{
    size_t v;
    return strmap_get(map, key, &v) ? (const cJSON *)(uintptr_t)v : NULL;
}

/* A map, key by key. */
static void merge_map(struct merge *m, const char *field, const cJSON *pv, const cJSON *cv,
                      const cJSON *hv)
{
    cJSON *into = cJSON_GetObjectItemCaseSensitive(m->result, field);
    if (!into)
        into = cJSON_AddObjectToObject(m->result, field);
    strmap ps = STRMAP_INIT, cs = STRMAP_INIT, hs = STRMAP_INIT;
    index_items(&ps, pv);
    index_items(&cs, cv);
    index_items(&hs, hv);
    for (const cJSON *p = pv ? pv->child : NULL; p; p = p->next) {
        const cJSON *c = item_of(&cs, p->string);
        if (!same(p, c))
            merge_value(m, into, field, p->string, p, c, item_of(&hs, p->string));
    }
    for (const cJSON *c = cv ? cv->child : NULL; c; c = c->next)
        if (!item_of(&ps, c->string))
            merge_value(m, into, field, c->string, NULL, c, item_of(&hs, c->string));
    if (!pv && !into->child) /* as it was: no such field */
        cJSON_DeleteItemFromObjectCaseSensitive(m->result, field);
    strmap_free(&ps);
    strmap_free(&cs);
    strmap_free(&hs);
}

static int string_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A list, item by item: the items the change set added go, those it removed come back,
 * where HEAD still has them as the change set left them. An item is there or not, so HEAD
 * either agrees with the change set or is already as the rollback would leave it: only a
 * re-created object (strict) has conflicts here. */
static void merge_list(struct merge *m, const char *field, const cJSON *pv, const cJSON *cv,
                       const cJSON *hv)
{
    strmap ps = STRMAP_INIT, cs = STRMAP_INIT, hs = STRMAP_INIT, drop = STRMAP_INIT;
    index_items(&ps, pv);
    index_items(&cs, cv);
    index_items(&hs, hv);
    size_t nadd = 0, n = 0;
    const char **items =
        xmalloc((size_t)(cJSON_GetArraySize(hv) + cJSON_GetArraySize(pv) + 1) * sizeof(*items));
    for (const cJSON *c = cv ? cv->child : NULL; c; c = c->next)
        if (!item_of(&ps, c->valuestring) && item_of(&hs, c->valuestring)) {
            strmap_set(&drop, c->valuestring, 1);
            note(m, field, c->valuestring, c, NULL, m->strict);
        }
    for (const cJSON *h = hv ? hv->child : NULL; h; h = h->next)
        if (!item_of(&drop, h->valuestring))
            items[n++] = h->valuestring;
    for (const cJSON *p = pv ? pv->child : NULL; p; p = p->next)
        if (!item_of(&cs, p->valuestring) && !item_of(&hs, p->valuestring)) {
            items[n++] = p->valuestring;
            nadd++;
            note(m, field, p->valuestring, NULL, p, m->strict);
        }
    if (nadd || drop.len) {
        qsort(items, n, sizeof(*items), string_cmp);
        cJSON *list = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++)
            if (i == 0 || strcmp(items[i], items[i - 1]) != 0)
                cJSON_AddItemToArray(list, cJSON_CreateString(items[i]));
        if (!pv && n == 0) /* as it was: no such field */
            cJSON_Delete(list), list = NULL;
        set_member(m->result, field, list);
        cJSON_Delete(list);
    }
    free(items);
    strmap_free(&ps);
    strmap_free(&cs);
    strmap_free(&hs);
    strmap_free(&drop);
}

static void merge_field(struct merge *m, const char *field, const cJSON *P, const cJSON *C,
                        const cJSON *H)
{
    const cJSON *pv = member(P, field), *cv = member(C, field), *hv = member(H, field);
    if (same(pv, cv))
        return;
    const orgctl_field *f = m->kind ? orgctl_kind_field(m->kind, field) : NULL;
    if (f && (f->flags & ORGCTL_FIELD_IDENTITY))
        return; /* the object there keeps its own: one re-created since is someone else */
    if (f && f->type == ORGCTL_FIELD_LIST && is_strings_or_absent(pv) && is_strings_or_absent(cv) &&
        is_strings_or_absent(hv))
        merge_list(m, field, pv, cv, hv);
    else if (f && f->type == ORGCTL_FIELD_MAP && is_object_or_absent(pv) &&
             is_object_or_absent(cv) && is_object_or_absent(hv))
        merge_map(m, field, pv, cv, hv);
    else
        merge_value(m, m->result, field, NULL, pv, cv, hv);
}

/* m->result := H with what the change from P to C changed undone; the fields in name
 * order, so the plan reads as the file does. */
static void merge_fields(struct merge *m, const cJSON *P, const cJSON *C, const cJSON *H)
{
    m->result = cJSON_Duplicate(H, 1);
    size_t n = 0;
    const char **names =
        xmalloc((size_t)(cJSON_GetArraySize(P) + cJSON_GetArraySize(C) + 1) * sizeof(*names));
    for (const cJSON *p = P->child; p; p = p->next)
        names[n++] = p->string;
    for (const cJSON *c = C->child; c; c = c->next)
        if (!member(P, c->string))
            names[n++] = c->string;
    qsort(names, n, sizeof(*names), string_cmp);
    for (size_t i = 0; i < n; i++)
        merge_field(m, names[i], P, C, H);
    free(names);
}

/* The JSON object in blob `id`; NULL when it is none (*error set on a read failure). */
static cJSON *read_object(orgctl_restore *rs, const orgctl_oid *id, int *error)
{
    orgctl_blob *blob = NULL;
    int e = orgctl_blob_lookup(&blob, rs->repo, id);
    if (e < 0) {
        *error = orgctl_git_error(e, "cannot read object");
        return NULL;
    }
    cJSON *obj = cJSON_ParseWithLength(orgctl_blob_data(blob), orgctl_blob_size(blob));
    orgctl_blob_free(blob);
    if (obj && !cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

/* An entry of the plan: {op, kind, org, name, path, conflict, fields}. */
static cJSON *plan_entry(const char *path, const char *op)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "op", op);
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) == 0) {
        cJSON_AddStringToObject(e, "kind", kind->name);
        cJSON_AddStringToObject(e, "org", org);
        cJSON_AddStringToObject(e, "name", name);
    } else {
        cJSON_AddStringToObject(e, "kind", "file");
        cJSON_AddStringToObject(e, "org", "");
        cJSON_AddStringToObject(e, "name", path);
    }
    free(org);
    free(name);
    cJSON_AddStringToObject(e, "path", path);
    cJSON_AddNullToObject(e, "conflict");
    cJSON_AddArrayToObject(e, "fields");
    return e;
}

static const char *op_of(bool had_before, bool has_now)
{
    return !had_before ? "delete" : has_now ? "update" : "create";
}

/* Adds an object's conflicts to the message: its name, its fields, what happened to it. */
static void name_conflicts(orgctl_restore *rs, const char *path, struct merge *m, const char *why)
{
    if (rs->nconflicted < NAMED_OBJECTS) {
        strbuf_adds(&rs->conflicts, rs->nconflicted ? "; " : "");
        orgctl_restore_name(&rs->conflicts, path);
        strbuf_adds(&rs->conflicts, ": ");
        strbuf_adds(&rs->conflicts, strbuf_str(&m->names));
        if (why)
            strbuf_addf(&rs->conflicts, m->names.len ? " (%s)" : "%s", why);
    } else if (rs->nconflicted == NAMED_OBJECTS) {
        strbuf_adds(&rs->conflicts, "; and more");
    }
    rs->nconflicted++;
}

static bool oid_same(const orgctl_oid *a, const orgctl_oid *b)
{
    return a == b || (a && b && orgctl_oid_equal(a, b));
}

/* Decides what the rollback does with a path of the change set that a later change set
 * changed: P its state before the change set (NULL: none), l->then in it, l->now at HEAD. */
static int merge_later(orgctl_restore *rs, struct later *l, const orgctl_oid *p)
{
    const orgctl_oid *c = l->had ? &l->then : NULL, *h = l->has ? &l->now : NULL;
    if (oid_same(h, p)) {
        l->action = KEEP;
        return 0;
    }
    int error = 0;
    const orgctl_kind *kind = NULL;
    char *org = NULL, *name = NULL;
    bool object = orgctl_kind_parse_path(l->path, &kind, &org, &name) == 0;
    free(org);
    free(name);
    cJSON *P = p && object ? read_object(rs, p, &error) : NULL;
    cJSON *C = c && object ? read_object(rs, c, &error) : NULL;
    cJSON *H = h && object ? read_object(rs, h, &error) : NULL;
    if ((p && !P) || (c && !C) || (h && !H))
        object = false; /* a file that is no JSON object: whole, as it was */
    struct merge m = {object ? kind : NULL, NULL, false, cJSON_CreateArray(), STRBUF_INIT, 0};
    const char *why = NULL;
    l->action = RESTORE;
    if (error < 0) {
        goto done;
    } else if (!object) {
        why = "changed since";
    } else if (!p) { /* created by the change set: goes, unless changed since */
        if (!same(C, H)) {
            for (const cJSON *x = H->child; x; x = x->next)
                if (!same(x, member(C, x->string)))
                    note(&m, x->string, NULL, x, NULL, true);
            for (const cJSON *x = C->child; x; x = x->next)
                if (!member(H, x->string))
                    note(&m, x->string, NULL, NULL, NULL, true);
            why = "changed since the change set created it";
        }
    } else if (!h) {
        why = "deleted since";
    } else if (same(H, P)) {
        l->action = KEEP;
    } else {
        /* Deleted by the change set and re-created since: the new object is not the old
         * one, so whatever the rollback would bring back into it is a conflict. */
        cJSON *none = c ? NULL : cJSON_CreateObject();
        m.strict = !c;
        merge_fields(&m, P, c ? C : none, H);
        cJSON_Delete(none);
        if (m.strict && m.nconflicts)
            why = "re-created since";
        if (same(m.result, H)) {
            l->action = KEEP;
        } else if (!same(m.result, P)) {
            l->action = WRITE;
            l->merged = orgctl_json_canonical(m.result);
        }
    }
    if (why && !m.nconflicts && !m.names.len)
        m.nconflicts = 1; /* a conflict of the whole object */
    if (l->action != KEEP) {
        l->detail = plan_entry(l->path, op_of(p != NULL, h != NULL));
        if (why)
            cJSON_ReplaceItemInObjectCaseSensitive(l->detail, "conflict", cJSON_CreateString(why));
        cJSON_ReplaceItemInObjectCaseSensitive(l->detail, "fields", m.fields);
        m.fields = NULL;
    }
    if (m.nconflicts)
        name_conflicts(rs, l->path, &m, why);
done:
    cJSON_Delete(m.fields);
    cJSON_Delete(m.result);
    strbuf_release(&m.names);
    cJSON_Delete(P);
    cJSON_Delete(C);
    cJSON_Delete(H);
    return error;
}

int orgctl_restore_merge(orgctl_restore *rs, size_t *count)
{
    int error = 0;
    for (size_t i = 0; i < rs->nlater && !error; i++) {
        struct later *l = &rs->later[i];
        orgctl_tree_entry *te = NULL;
        const orgctl_oid *p = NULL;
        if (orgctl_tree_entry_bypath(&te, rs->parent, l->path) == 0)
            p = orgctl_tree_entry_id(te);
        orgctl_store_error_clear();
        if (oid_same(p, l->had ? &l->then : NULL))
            l->action = KEEP; /* not the change set's: nothing to restore */
        else
            error = merge_later(rs, l, p);
        orgctl_tree_entry_free(te);
    }
    *count = rs->nconflicted;
    return error;
}

const char *orgctl_restore_conflicts(orgctl_restore *rs)
{
    return strbuf_str(&rs->conflicts);
}

/* --- staging --- */

/* The plan's entry of a path no later change set changed: what the change set changed,
 * undone (HEAD has the change set's version). */
static cJSON *describe(orgctl_restore *rs, const char *path, const orgctl_oid *before,
                       const orgctl_oid *after)
{
    cJSON *entry = plan_entry(path, op_of(before != NULL, after != NULL));
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (!before || !after || orgctl_kind_parse_path(path, &kind, &org, &name) < 0)
        return entry;
    free(org);
    free(name);
    int error = 0;
    cJSON *P = read_object(rs, before, &error), *C = read_object(rs, after, &error);
    if (P && C) {
        struct merge m = {kind, NULL, false, cJSON_GetObjectItem(entry, "fields"), STRBUF_INIT, 0};
        merge_fields(&m, P, C, C);
        cJSON_Delete(m.result);
        strbuf_release(&m.names);
    }
    cJSON_Delete(P);
    cJSON_Delete(C);
    rs->error = error;
    return entry;
}

static int stage_one(const char *path, const orgctl_oid *before, const orgctl_oid *after,
                     void *payload)
{
    orgctl_restore *rs = payload;
    struct later *l = find_later(rs, path);
    enum action action = l ? l->action : RESTORE;
    bool has_now = l ? l->has : after != NULL;
    if (action == KEEP)
        return 0;
    if (rs->changes) {
        cJSON *entry;
        if (!rs->detail) {
            entry = cJSON_CreateObject();
            cJSON_AddStringToObject(entry, "op", op_of(before != NULL, has_now));
            cJSON_AddStringToObject(entry, "path", path);
        } else {
            entry = l ? cJSON_Duplicate(l->detail, 1) : describe(rs, path, before, after);
        }
        cJSON_AddItemToArray(rs->changes, entry);
        if (rs->error < 0)
            return rs->error;
    }
    if (!rs->cs)
        return 0;
    if (action == WRITE)
        return rs->error = orgctl_changeset_put_raw(rs->cs, path, l->merged, strlen(l->merged));
    if (!before)
        return rs->error = has_now ? orgctl_changeset_put_raw(rs->cs, path, NULL, 0) : 0;
    orgctl_blob *blob = NULL;
    if ((rs->error = orgctl_blob_lookup(&blob, rs->repo, before)) < 0)
        return rs->error = orgctl_git_error(rs->error, path);
    rs->error =
        orgctl_changeset_put_raw(rs->cs, path, orgctl_blob_data(blob), orgctl_blob_size(blob));
    orgctl_blob_free(blob);
    return rs->error;
}

int orgctl_restore_stage(orgctl_restore *rs, orgctl_changeset *cs, cJSON *changes, bool detail)
{
    rs->cs = cs;
    rs->changes = changes;
    rs->detail = detail;
    rs->error = 0;
    int error = orgctl_tree_diff(rs->repo, rs->parent, rs->set, stage_one, rs);
    return rs->error < 0 ? rs->error : error;
}

/* --- checks of the staged state --- */

int orgctl_restore_validate_merged(orgctl_restore *rs)
{
    for (size_t i = 0; i < rs->nlater; i++) {
        struct later *l = &rs->later[i];
        const orgctl_kind *kind;
        char *org = NULL, *name = NULL;
        if (l->action != WRITE || orgctl_kind_parse_path(l->path, &kind, &org, &name) < 0)
            continue;
        cJSON *obj = NULL;
        int error = orgctl_object_load(rs->repo, kind, org, name, &obj);
        if (!error)
            error = orgctl_object_validate(rs->repo, kind, org, obj);
        cJSON_Delete(obj);
        if (error == ORGCTL_EINVALID) {
            strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
            orgctl_restore_name(&sb, l->path);
            strbuf_adds(&why, orgctl_error_last()); /* the message is overwritten below */
            error = orgctl_error_set(ORGCTL_EINVALID,
                                     "restoring %s: its rolled-back fields do not fit what later "
                                     "change sets made of the rest: %s",
                                     strbuf_str(&sb), strbuf_str(&why));
            strbuf_release(&sb);
            strbuf_release(&why);
        }
        free(org);
        free(name);
        if (error == ORGCTL_EINVALID)
            return error;
        orgctl_error_clear(); /* references and unique values: check_integrity's */
    }
    return 0;
}

/* Would the restored `path` leave a reference to nothing, an object in an org that is gone,
 * or a value that is no longer unique? Later change sets may have built on what the
 * rollback removes (a user given the role it deletes). */
static int check_integrity(const char *path, const orgctl_oid *before, const orgctl_oid *after,
                           void *payload)
{
    orgctl_restore *rs = payload;
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    (void)after;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) < 0)
        return 0;
    strbuf problem = STRBUF_INIT;
    if (!before && kind == &orgctl_kind_org) {
        long n = 0;
        orgctl_object_count_in_org(rs->repo, org, &n);
        if (n > 0)
            strbuf_addf(&problem, "org \"%s\" would be removed while it holds %ld objects", org, n);
    } else if (!before) {
        cJSON *refs = cJSON_CreateArray();
        orgctl_object_references(rs->repo, kind, org, name, refs);
        cJSON *ref = cJSON_GetArrayItem(refs, 0);
        if (ref)
            strbuf_addf(&problem, "%s \"%s\" would be removed while %s \"%s\" refers to it",
                        kind->name, name, cJSON_GetStringValue(cJSON_GetObjectItem(ref, "kind")),
                        cJSON_GetStringValue(cJSON_GetObjectItem(ref, "name")));
        cJSON_Delete(refs);
    } else if (kind->per_org && kind != &orgctl_kind_org &&
               !orgctl_object_exists(rs->repo, &orgctl_kind_org, org, org)) {
        strbuf_addf(&problem, "%s \"%s\" would return to org \"%s\", which is gone", kind->name,
                    name, org);
    } else {
        cJSON *obj = NULL;
        if (orgctl_object_load(rs->repo, kind, org, name, &obj) == 0 &&
            orgctl_object_validate(rs->repo, kind, org, obj) < 0)
            strbuf_addf(&problem, "restoring %s \"%s\": %s", kind->name, name, orgctl_error_last());
        cJSON_Delete(obj);
    }
    orgctl_error_clear();
    if (problem.len) {
        if (rs->nproblems < 3)
            strbuf_addf(&rs->problems, "%s%s", rs->nproblems ? "; " : "", strbuf_str(&problem));
        rs->nproblems++;
    }
    strbuf_release(&problem);
    free(org);
    free(name);
    return 0;
}

int orgctl_restore_check_integrity(orgctl_restore *rs, const char *id)
{
    strbuf_reset(&rs->problems);
    rs->nproblems = 0;
    int error = orgctl_tree_diff(rs->repo, rs->parent, rs->set, check_integrity, rs);
    if (error < 0 || !rs->nproblems)
        return error;
    return orgctl_error_set(ORGCTL_ECONFLICT,
                            "change set %s cannot be rolled back: %s%s; give --force to roll it "
                            "back anyway",
                            id, strbuf_str(&rs->problems), rs->nproblems > 3 ? "; and more" : "");
}

void orgctl_restore_free(orgctl_restore *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->nlater; i++) {
        free(rs->later[i].path);
        free(rs->later[i].merged);
        cJSON_Delete(rs->later[i].detail);
    }
    free(rs->later);
    strmap_free(&rs->by_path);
    strbuf_release(&rs->conflicts);
    strbuf_release(&rs->problems);
    free(rs);
}
