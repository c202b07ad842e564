/* The verbs every kind shares: show, list, rm, enable, disable, copy, and helpers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/object.h"
#include "sha1.h"
#include "strmap.h"

int orgctl_generic_load(orgctl_op_ctx *ctx, cJSON **obj)
{
    return orgctl_object_load(ctx->repo, orgctl_op_kind(ctx->op), ctx->org, ctx->name, obj);
}

int orgctl_generic_present(orgctl_op_ctx *ctx, cJSON *obj)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    orgctl_kind_fill(kind, obj);
    return kind == &orgctl_kind_user ? orgctl_user_fill(ctx->repo, ctx->org, obj, NULL) : 0;
}

int orgctl_generic_present_list(orgctl_op_ctx *ctx, cJSON *list)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    bool users = kind == &orgctl_kind_user;
    orgctl_user_cache *cache = users ? orgctl_user_cache_new() : NULL;
    /* One read transaction for the many lookups, not one (and its locks) each. */
    bool own_tx = users && orgctl_index_read_begin(ctx->repo);
    int error = 0;
    /* many users: the groups once, not each user's through the index */
    if (users && cJSON_GetArraySize(list) > 64)
        error = orgctl_user_cache_read_groups(ctx->repo, ctx->org, cache);
    cJSON *item, *walk = error ? NULL : list;
    cJSON_ArrayForEach(item, walk)
    {
        orgctl_kind_fill(kind, item);
        if (users && (error = orgctl_user_fill(ctx->repo, ctx->org, item, cache)) < 0)
            break;
    }
    orgctl_index_read_end(ctx->repo, own_tx);
    orgctl_user_cache_free(cache);
    return error;
}

int orgctl_generic_put(orgctl_op_ctx *ctx, cJSON *obj)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    int error = orgctl_changeset_put(ctx->cs, kind, ctx->org, obj);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    orgctl_kind_strip_secrets(kind, obj); /* secrets never leave the library */
    cJSON_Delete(ctx->result);
    ctx->result = obj;
    return 0;
}

int orgctl_generic_show(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    ctx->result = obj;
    return orgctl_generic_present(ctx, obj);
}

/* The filter a list parameter stands for: an indexed field of the kind ("--state", or
 * "--role" for the list "roles"), or else a kind with an indexed field naming objects of
 * this kind ("user list --group G": the users in G's "members"). */
static bool list_filter(const orgctl_kind *kind, const char *param, orgctl_filter *out)
{
    char plural[64];
    snprintf(plural, sizeof(plural), "%ss", param);
    const orgctl_field *f = orgctl_kind_field(kind, param);
    if (!f)
        f = orgctl_kind_field(kind, plural);
    if (f && (f->flags & ORGCTL_FIELD_INDEXED)) {
        *out = (orgctl_filter){f->name, NULL, NULL};
        return true;
    }
    const orgctl_kind *other = orgctl_kind_lookup(param);
    for (f = other ? other->fields : NULL; f && f->name; f++)
        if ((f->flags & ORGCTL_FIELD_INDEXED) && f->ref_kind &&
            strcmp(f->ref_kind, kind->name) == 0) {
            *out = (orgctl_filter){f->name, NULL, other};
            return true;
        }
    return false;
}

/* A filter's value the field cannot hold (its filter_values) is refused, naming them. */
static int filter_value_known(const orgctl_kind *kind, const orgctl_filter *filter,
                              const char *param, const char *value)
{
    const orgctl_field *f = filter->of_kind ? NULL : orgctl_kind_field(kind, filter->field);
    if (!f || !f->filter_values)
        return 0;
    strbuf known = STRBUF_INIT;
    for (const char *const *w = f->filter_values; *w; w++) {
        if (strcmp(*w, value) == 0) {
            strbuf_release(&known);
            return 0;
        }
        strbuf_addf(&known, "%s%s", known.len ? ", " : "", *w);
    }
    int error = orgctl_error_set(ORGCTL_EINVALID, "--%s takes %s, not \"%.60s\"", param,
                                 strbuf_str(&known), value);
    strbuf_release(&known);
    return error;
}

/* Lists of more users than this read the groups of their org once (every membership),
 * not each user's through the index. */
#define USERS_READ_ONE_BY_ONE 64

struct orgctl_rows {
    orgctl_repo *repo;
    const orgctl_kind *kind;
    const char *org, *search; /* the op's: they outlive the rows */
    orgctl_filter filters[8];
    size_t nfilters;
    orgctl_object_iter *it;
    orgctl_user_cache *cache;
    bool own_tx;    /* one read transaction for every pass and the many lookups */
    unsigned flags; /* of this pass */
    size_t given;   /* rows given in this pass */
};

int orgctl_rows_restart(orgctl_rows *rows, unsigned flags)
{
    orgctl_object_iter_free(rows->it);
    rows->it = NULL;
    rows->flags = flags;
    rows->given = 0;
    return orgctl_object_iter_new(&rows->it, rows->repo, rows->kind, rows->org, rows->filters,
                                  rows->nfilters, rows->search);
}

int orgctl_rows_next(orgctl_rows *rows, cJSON **row)
{
    *row = NULL;
    if (!rows->it)
        return 0;
    int found = orgctl_object_iter_next(rows->it, row);
    if (found <= 0)
        return found;
    orgctl_kind_fill(rows->kind, *row);
    rows->given++;
    if (rows->kind != &orgctl_kind_user || (rows->flags & ORGCTL_ROWS_STORED))
        return 1;
    int error = 0;
    if (!rows->cache)
        rows->cache = orgctl_user_cache_new();
    if (rows->given == USERS_READ_ONE_BY_ONE + 1)
        error = orgctl_user_cache_read_groups(rows->repo, rows->org, rows->cache);
    if (!error)
        error = orgctl_user_fill(rows->repo, rows->org, *row, rows->cache);
    if (error < 0) {
        cJSON_Delete(*row);
        *row = NULL;
        return error;
    }
    return 1;
}

void orgctl_rows_free(orgctl_rows *rows)
{
    if (!rows)
        return;
    orgctl_object_iter_free(rows->it);
    orgctl_index_read_end(rows->repo, rows->own_tx);
    orgctl_user_cache_free(rows->cache);
    free(rows);
}

int orgctl_generic_list(orgctl_op_ctx *ctx)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    orgctl_rows *rows = xcalloc(1, sizeof(*rows));
    rows->repo = ctx->repo;
    rows->kind = kind;
    rows->org = ctx->org;
    rows->search = orgctl_params_get(ctx->params, "search");
    /* Every parameter of a list verb but --search is a filter. */
    for (const orgctl_param *p = ctx->op->params; p && p->name && rows->nfilters < 8; p++) {
        const char *v = orgctl_params_get(ctx->params, p->name);
        /* a state no object has is a typo, not an empty list */
        if (v && strcmp(p->name, "state") == 0 && strcmp(v, "enabled") != 0 &&
            strcmp(v, "disabled") != 0) {
            free(rows);
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "--state takes enabled or disabled, not \"%s\"", v);
        }
        if (v && strcmp(p->name, "search") != 0 &&
            list_filter(kind, p->name, &rows->filters[rows->nfilters])) {
            int error = filter_value_known(kind, &rows->filters[rows->nfilters], p->name, v);
            if (error < 0) {
                free(rows);
                return error;
            }
            rows->filters[rows->nfilters++].value = v;
        }
    }
    int error = orgctl_rows_restart(rows, 0);
    if (error < 0) {
        orgctl_rows_free(rows);
        return error;
    }
    /* after the index has caught up (the first pass's sync), before the first row */
    rows->own_tx = orgctl_index_read_begin(ctx->repo);
    if (ctx->stream) {
        ctx->rows = rows;
        return 0;
    }
    cJSON *arr = cJSON_CreateArray(), *row;
    while ((error = orgctl_rows_next(rows, &row)) > 0)
        cJSON_AddItemToArray(arr, row);
    orgctl_rows_free(rows);
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    ctx->result = arr;
    return 0;
}

/* Removes ctx->name from the field of a referring object, in the same change set. */
static int drop_reference(orgctl_op_ctx *ctx, const cJSON *ref)
{
    const orgctl_kind *kind =
        orgctl_kind_lookup(cJSON_GetStringValue(cJSON_GetObjectItem(ref, "kind")));
    const char *field = cJSON_GetStringValue(cJSON_GetObjectItem(ref, "field"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(ref, "name"));
    cJSON *obj = NULL;
    int error = orgctl_object_load(ctx->repo, kind, ctx->org, name, &obj);
    if (error < 0)
        return error;
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (cJSON_IsObject(v)) {
        cJSON_DeleteItemFromObjectCaseSensitive(v, ctx->name);
    } else if (cJSON_IsArray(v)) {
        for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--) {
            const char *s = cJSON_GetStringValue(cJSON_GetArrayItem(v, i));
            if (s && strcmp(s, ctx->name) == 0)
                cJSON_DeleteItemFromArray(v, i);
        }
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
    }
    error = orgctl_changeset_put(ctx->cs, kind, ctx->org, obj);
    cJSON_Delete(obj);
    return error;
}

/* The items of the kind's member lists (a group's members): while there are any, the
 * object is in use, but nothing refers to it that would need updating. */
static void collect_members(const orgctl_kind *kind, const cJSON *obj, cJSON *found)
{
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_MEMBERS))
            continue;
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(obj, f->name))
        {
            cJSON *ref = cJSON_CreateObject();
            cJSON_AddStringToObject(ref, "kind", f->ref_kind);
            cJSON_AddStringToObject(ref, "field", f->name);
            cJSON_AddStringToObject(ref, "name", cJSON_GetStringValue(item));
            cJSON_AddItemToArray(found, ref);
        }
    }
}

/* 'user "alice", group "Sales" and 3 more' */
static void describe_refs(strbuf *sb, const cJSON *refs)
{
    int n = cJSON_GetArraySize(refs), i = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, refs)
    {
        if (i == 10) {
            strbuf_addf(sb, " and %d more", n - 10);
            break;
        }
        strbuf_addf(sb, "%s%s \"%s\"", i++ ? ", " : "",
                    cJSON_GetStringValue(cJSON_GetObjectItem(r, "kind")),
                    cJSON_GetStringValue(cJSON_GetObjectItem(r, "name")));
    }
}

static int refuse_rm(const orgctl_kind *kind, const char *name, const cJSON *refs,
                     const cJSON *members)
{
    bool in_use = cJSON_GetArraySize(refs) > 0, has_members = cJSON_GetArraySize(members) > 0;
    strbuf sb = STRBUF_INIT;
    if (in_use) {
        strbuf_adds(&sb, "is in use by ");
        describe_refs(&sb, refs);
    }
    if (has_members) {
        strbuf_adds(&sb, in_use ? " and has members: " : "has members: ");
        describe_refs(&sb, members);
    }
    int error =
        orgctl_error_set(ORGCTL_ECONFLICT, "%s \"%s\" %s; give --force to remove it %s", kind->name,
                         name, strbuf_str(&sb), in_use ? "from them too" : "anyway");
    strbuf_release(&sb);
    return error;
}

int orgctl_generic_rm(orgctl_op_ctx *ctx)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    cJSON *refs = cJSON_CreateArray(), *members = cJSON_CreateArray();
    collect_members(kind, obj, members);
    cJSON_Delete(obj);
    error = orgctl_object_references(ctx->repo, kind, ctx->org, ctx->name, refs);
    if (!error && (cJSON_GetArraySize(refs) > 0 || cJSON_GetArraySize(members) > 0) &&
        !orgctl_params_has(ctx->params, "force"))
        error = refuse_rm(kind, ctx->name, refs, members);
    if (!error) /* many referrers: one pack, as a bulk set writes */
        error = orgctl_changeset_large(ctx->cs, (size_t)cJSON_GetArraySize(refs) + 1, false);
    cJSON *r;
    cJSON_ArrayForEach(r, refs)
    {
        if (error)
            break;
        error = drop_reference(ctx, r);
    }
    if (!error)
        error = orgctl_changeset_remove(ctx->cs, kind, ctx->org, ctx->name);
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "removed", ctx->name);
        cJSON_AddItemToObject(ctx->result, "updated", refs);
        if (cJSON_GetArraySize(members) > 0) {
            cJSON_AddItemToObject(ctx->result, "members", members);
            members = NULL;
        }
        refs = NULL;
    }
    cJSON_Delete(refs);
    cJSON_Delete(members);
    return error;
}

static int set_state(orgctl_op_ctx *ctx, const char *state)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "state");
    cJSON_AddStringToObject(obj, "state", state);
    return orgctl_generic_put(ctx, obj);
}

int orgctl_generic_enable(orgctl_op_ctx *ctx)
{
    return set_state(ctx, "enabled");
}

int orgctl_generic_disable(orgctl_op_ctx *ctx)
{
    return set_state(ctx, "disabled");
}

int orgctl_generic_identity(const orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            cJSON *obj)
{
    /* The hash of where the object is made: the commit the change set builds on, the kind,
     * the org and the name. A user removed and made again is made on another commit, so it
     * is someone else; the same command on the same repository makes the same commit (the
     * crash and fault suites compare a killed run against it). */
    static const char digits[] = "0123456789abcdef";
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "name"));
    strbuf where = STRBUF_INIT;
    strbuf_adds(&where, "orgctl identity\n");
    if (repo->has_head)
        strbuf_add(&where, repo->head.id, sizeof(repo->head.id));
    strbuf_addf(&where, "\n%s\n%s\n%s", kind->name, org, name ? name : "");
    unsigned char digest[32];
    orgctl_sha256(where.buf, where.len, digest);
    strbuf_release(&where);
    char id[ORGCTL_IDENTITY_HEX + 1];
    for (size_t i = 0; i < ORGCTL_IDENTITY_HEX / 2; i++) {
        id[2 * i] = digits[digest[i] >> 4];
        id[2 * i + 1] = digits[digest[i] & 15];
    }
    id[ORGCTL_IDENTITY_HEX] = '\0';
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_IDENTITY))
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
        cJSON_AddStringToObject(obj, f->name, id);
    }
    return 0;
}

int orgctl_generic_copy(orgctl_op_ctx *ctx)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    const char *new_name = orgctl_params_get(ctx->params, "new-name");
    int error;
    if ((error = orgctl_name_validate(kind->name, new_name)) < 0)
        return error;
    if (orgctl_object_exists(ctx->repo, kind, ctx->org, new_name))
        return orgctl_error_set(ORGCTL_EEXISTS, "%s \"%s\" exists already in org \"%s\"",
                                kind->name, new_name, ctx->org);
    cJSON *obj = NULL;
    if ((error = orgctl_generic_load(ctx, &obj)) < 0)
        return error;
    cJSON_ReplaceItemInObjectCaseSensitive(obj, "name", cJSON_CreateString(new_name));
    if ((error = orgctl_generic_identity(ctx->repo, kind, ctx->org, obj)) < 0) { /* someone else */
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

int orgctl_parse_int(const char *what, const char *s, int min, int max, int *out)
{
    /* A plain number: an optional '-' and at most 9 digits (strtol would take " 7", "+7"
     * and overflow quietly). */
    const char *d = s && *s == '-' ? s + 1 : s;
    size_t n = d ? strspn(d, "0123456789") : 0;
    if (n == 0 || d[n] || n > 9)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.100s\" is not a whole number", what,
                                s ? s : "");
    long v = strtol(s, NULL, 10);
    if (v < min || v > max)
        return orgctl_error_set(ORGCTL_EINVALID, "%s %s is outside %d to %d", what, s, min, max);
    *out = (int)v;
    return 0;
}

/* The field a parameter names ("full-name": full_name), or with `plural` the one named
 * as its plural ("role": roles). Compared in place, without a copy: this runs for every
 * parameter of every row of a bulk set. */
static const orgctl_field *field_named(const orgctl_kind *kind, const char *param, bool plural)
{
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (f->flags & ORGCTL_FIELD_COMPUTED) /* "--group" joins a group, in the group */
            continue;
        const char *a = f->name, *b = param;
        while (*a && *b && (*a == *b || (*a == '_' && *b == '-')))
            a++, b++;
        if (*b == '\0' && (plural ? a[0] == 's' && a[1] == '\0' : *a == '\0'))
            return f;
    }
    return NULL;
}

/* The field a parameter sets: the one of the same name ('-' read as '_'), or its plural
 * ("--role" adds to "roles", "--skill" sets in "skills"). */
static const orgctl_field *param_field(const orgctl_kind *kind, const char *param)
{
    const orgctl_field *f = field_named(kind, param, false);
    if (f)
        return f;
    f = field_named(kind, param, true);
    return f && (f->type == ORGCTL_FIELD_LIST || f->type == ORGCTL_FIELD_MAP) ? f : NULL;
}

/* field_named(kind, p->name, false) and param_field(kind, p->name), kept by parameter:
 * every row of a bulk set asks them for each parameter of its op. */
struct param_fields {
    const orgctl_kind *kind;
    const orgctl_param *param;
    const orgctl_field *named, *edited;
};

static const struct param_fields *fields_of(const orgctl_kind *kind, const orgctl_param *p)
{
    static _Thread_local struct param_fields cache[128];
    struct param_fields *c = &cache[((uintptr_t)p / sizeof(*p)) % 128];
    if (c->param != p || c->kind != kind)
        *c = (struct param_fields){kind, p, field_named(kind, p->name, false),
                                   param_field(kind, p->name)};
    return c;
}

int orgctl_generic_set_fields(orgctl_op_ctx *ctx, cJSON *obj)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    const char *key = kind == &orgctl_kind_org ? "shortname" : "name";
    for (const orgctl_param *p = ctx->op->params; p && p->name; p++) {
        const char *v = orgctl_params_get(ctx->params, p->name);
        if (!v || (p->flags & ORGCTL_PARAM_FLAG))
            continue;
        const orgctl_field *f = fields_of(kind, p)->named;
        if (!f || strcmp(f->name, key) == 0)
            continue;
        const char *field = f->name;
        if (f->type == ORGCTL_FIELD_STRING) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
            /* --description "" drops an optional field; a required one fails validation */
            if (*v || (f->flags & ORGCTL_FIELD_REQUIRED))
                cJSON_AddStringToObject(obj, field, v);
        } else if (f->type == ORGCTL_FIELD_INT) {
            int n, error;
            bool ranged = f->flags & ORGCTL_FIELD_RANGE;
            if ((error = orgctl_parse_int(field, v, ranged ? f->min : -1000000000,
                                          ranged ? f->max : 1000000000, &n)) < 0)
                return error;
            cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
            cJSON_AddNumberToObject(obj, field, n);
        }
    }
    return 0;
}

int orgctl_generic_map_set(orgctl_op_ctx *ctx, cJSON *obj, const char *field, const char *param)
{
    const orgctl_field *f = orgctl_kind_field(orgctl_op_kind(ctx->op), field);
    cJSON *map = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsObject(map)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
        map = cJSON_AddObjectToObject(obj, field);
    }
    int error = 0;
    for (size_t i = 0; i < orgctl_params_count(ctx->params, param) && !error; i++) {
        char *k = NULL, *v = NULL;
        int level;
        if ((error = orgctl_parse_kv(param, orgctl_params_at(ctx->params, param, i), &k, &v)) < 0)
            break;
        cJSON_DeleteItemFromObjectCaseSensitive(map, k);
        if (!(f->flags & ORGCTL_FIELD_RANGE))
            cJSON_AddStringToObject(map, k, v);
        else if ((error = orgctl_parse_int("level", v, f->min, f->max, &level)) == 0)
            cJSON_AddNumberToObject(map, k, level);
        free(k);
        free(v);
    }
    return error;
}

int orgctl_generic_list_edit(orgctl_op_ctx *ctx, cJSON *obj, const char *field, const char *param,
                             bool add)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsArray(list)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
        list = cJSON_AddArrayToObject(obj, field);
    }
    /* The items by value, so that adding to a list of k items costs O(1), not O(k):
     * bulk sets add thousands of members to one group. */
    strmap items = STRMAP_INIT;
    cJSON *gone = cJSON_CreateArray(); /* removed items: the map's keys point into them */
    int error = 0;
    for (cJSON *c = list->child; c; c = c->next)
        if (cJSON_IsString(c))
            strmap_set(&items, c->valuestring, (size_t)(uintptr_t)c);
    size_t n = orgctl_params_count(ctx->params, param);
    for (size_t i = 0; i < n && !error; i++) {
        const char *v = orgctl_params_at(ctx->params, param, i);
        size_t found = 0;
        if (!strmap_get(&items, v, &found) || !found) {
            if (!add)
                error = orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" has no %s \"%s\"",
                                         ctx->op->kind, ctx->name, param, v);
            else {
                cJSON *item = cJSON_CreateString(v);
                cJSON_AddItemToArray(list, item);
                strmap_set(&items, item->valuestring, (size_t)(uintptr_t)item);
            }
        } else if (!add) {
            strmap_set(&items, v, 0);
            cJSON_AddItemToArray(gone, cJSON_DetachItemViaPointer(list, (cJSON *)(uintptr_t)found));
        }
    }
    strmap_free(&items);
    cJSON_Delete(gone);
    return error;
}

int orgctl_parse_kv(const char *what, const char *kv, char **key, char **value)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\" is not KEY=VALUE", what, kv);
    *key = strndup(kv, (size_t)(eq - kv));
    *value = xstrdup(eq + 1);
    return 0;
}

/* The list or map field of the op's kind that its first positional parameter edits: the
 * one whose values name objects of the kind the parameter is named after (for "group
 * member-add G USER...", "user" and "members"), else the one named as its plural
 * ("option" and "options"). */
static const orgctl_field *ref_field(orgctl_op_ctx *ctx, const orgctl_param **param)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    const orgctl_param *p = ctx->op->params;
    while (p && p->name && !(p->flags & ORGCTL_PARAM_POSITIONAL))
        p++;
    *param = p;
    for (const orgctl_field *f = kind->fields; p && p->name && f->name; f++)
        if (f->ref_kind && strcmp(f->ref_kind, p->name) == 0 &&
            (f->type == ORGCTL_FIELD_LIST || f->type == ORGCTL_FIELD_MAP))
            return f;
    const orgctl_field *f = p && p->name ? param_field(kind, p->name) : NULL;
    if (f && (f->type == ORGCTL_FIELD_LIST || f->type == ORGCTL_FIELD_MAP))
        return f;
    orgctl_error_set(ORGCTL_ERROR, "%s %s: no field refers to its arguments", ctx->op->kind,
                     ctx->op->verb);
    return NULL;
}

static int map_remove(orgctl_op_ctx *ctx, cJSON *obj, const char *field, const char *param)
{
    cJSON *map = cJSON_GetObjectItemCaseSensitive(obj, field);
    for (size_t i = 0; i < orgctl_params_count(ctx->params, param); i++) {
        const char *key = orgctl_params_at(ctx->params, param, i);
        if (!cJSON_GetObjectItemCaseSensitive(map, key))
            return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" has no %s \"%s\"",
                                    orgctl_op_kind(ctx->op)->name, ctx->name, param, key);
        cJSON_DeleteItemFromObjectCaseSensitive(map, key);
    }
    return 0;
}

static int ref_edit(orgctl_op_ctx *ctx, bool add)
{
    const orgctl_param *param;
    const orgctl_field *f = ref_field(ctx, &param);
    cJSON *obj = NULL;
    int error;
    if (!f)
        return ORGCTL_ERROR;
    if ((error = orgctl_generic_load(ctx, &obj)) < 0)
        return error;
    if (f->type == ORGCTL_FIELD_LIST)
        error = orgctl_generic_list_edit(ctx, obj, f->name, param->name, add);
    else if (!add)
        error = map_remove(ctx, obj, f->name, param->name);
    else
        error = orgctl_generic_map_set(ctx, obj, f->name, param->name);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

int orgctl_generic_ref_add(orgctl_op_ctx *ctx)
{
    return ref_edit(ctx, true);
}

int orgctl_generic_ref_rm(orgctl_op_ctx *ctx)
{
    return ref_edit(ctx, false);
}

int orgctl_generic_level_set(orgctl_op_ctx *ctx)
{
    const orgctl_param *param;
    const orgctl_field *f = ref_field(ctx, &param);
    cJSON *obj = NULL;
    int level, error;
    if (!f)
        return ORGCTL_ERROR;
    if ((error = orgctl_parse_int("level", orgctl_params_get(ctx->params, "level"), f->min, f->max,
                                  &level)) < 0 ||
        (error = orgctl_generic_load(ctx, &obj)) < 0)
        return error;
    cJSON *map = cJSON_GetObjectItemCaseSensitive(obj, f->name);
    if (!cJSON_IsObject(map)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
        map = cJSON_AddObjectToObject(obj, f->name);
    }
    const char *key = orgctl_params_get(ctx->params, param->name);
    cJSON_DeleteItemFromObjectCaseSensitive(map, key);
    cJSON_AddNumberToObject(map, key, level);
    return orgctl_generic_put(ctx, obj);
}

int orgctl_generic_apply_params(orgctl_op_ctx *ctx, cJSON *obj)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    int error = orgctl_generic_set_fields(ctx, obj);
    for (const orgctl_param *p = ctx->op->params; p && p->name && !error; p++) {
        const orgctl_field *f = fields_of(kind, p)->edited;
        if (!f || (p->flags & (ORGCTL_PARAM_FLAG | ORGCTL_PARAM_POSITIONAL)))
            continue;
        if (f->type == ORGCTL_FIELD_LIST)
            error = orgctl_generic_list_edit(ctx, obj, f->name, p->name, true);
        else if (f->type == ORGCTL_FIELD_MAP && orgctl_params_has(ctx->params, p->name))
            error = orgctl_generic_map_set(ctx, obj, f->name, p->name);
    }
    return error;
}

int orgctl_generic_new(orgctl_op_ctx *ctx, cJSON **out)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    *out = NULL;
    if (orgctl_object_exists(ctx->repo, kind, ctx->org, ctx->name))
        return orgctl_error_set(ORGCTL_EEXISTS, "%s \"%s\" exists already in org \"%s\"",
                                kind->name, ctx->name, ctx->org);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "name", ctx->name);
    if (orgctl_kind_field(kind, "state"))
        cJSON_AddStringToObject(obj, "state", "enabled");
    int error = orgctl_generic_apply_params(ctx, obj);
    if (!error)
        error = orgctl_generic_identity(ctx->repo, kind, ctx->org, obj);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    *out = obj;
    return 0;
}

int orgctl_generic_create(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_new(ctx, &obj);
    return error < 0 ? error : orgctl_generic_put(ctx, obj);
}

int orgctl_generic_update(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if ((error = orgctl_generic_apply_params(ctx, obj)) < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}
