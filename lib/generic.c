/* The verbs every kind shares: show, list, rm, enable, disable, copy, and helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/object.h"

int orgctl_generic_load(orgctl_op_ctx *ctx, cJSON **obj)
{
    return orgctl_object_load(ctx->repo, orgctl_op_kind(ctx->op), ctx->org, ctx->name, obj);
}

/* Secrets never leave the library. */
static void strip_secrets(const orgctl_kind *kind, cJSON *obj)
{
    for (const orgctl_field *f = kind->fields; f->name; f++)
        if (f->flags & ORGCTL_FIELD_SECRET) {
            bool had = cJSON_GetObjectItem(obj, f->name) != NULL;
            cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
            if (had && strcmp(f->name, "password_hash") == 0)
                cJSON_AddBoolToObject(obj, "password_set", 1);
        }
}

int orgctl_generic_put(orgctl_op_ctx *ctx, cJSON *obj)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    int error = orgctl_changeset_put(ctx->cs, kind, ctx->org, obj);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    strip_secrets(kind, obj);
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
    strip_secrets(orgctl_op_kind(ctx->op), obj);
    ctx->result = obj;
    return 0;
}

int orgctl_generic_list(orgctl_op_ctx *ctx)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    orgctl_filter filters[8];
    size_t n = 0;
    /* Every parameter of a list verb that names an indexed field is a filter. */
    for (const orgctl_param *p = ctx->op->params; p && p->name && n < 8; p++) {
        const char *v = orgctl_params_get(ctx->params, p->name);
        if (!v || strcmp(p->name, "search") == 0)
            continue;
        const orgctl_field *f = orgctl_kind_field(kind, p->name);
        if (!f) {
            /* "--role R" filters the list field "roles". */
            char plural[64];
            snprintf(plural, sizeof(plural), "%ss", p->name);
            f = orgctl_kind_field(kind, plural);
        }
        if (f && (f->flags & ORGCTL_FIELD_INDEXED)) {
            filters[n].field = f->name;
            filters[n++].value = v;
        }
    }
    cJSON *arr = NULL;
    int error = orgctl_object_list(ctx->repo, kind, ctx->org, filters, n,
                                   orgctl_params_get(ctx->params, "search"), &arr);
    if (error < 0)
        return error;
    cJSON *item;
    cJSON_ArrayForEach(item, arr)
    strip_secrets(kind, item);
    ctx->result = arr;
    return 0;
}

/* Every (kind, field) of the table whose values name objects of `target`. */
static int for_each_reference(orgctl_op_ctx *ctx, const orgctl_kind *target, cJSON *found)
{
    const orgctl_kind *const *kinds = orgctl_kinds();
    int error = 0;
    for (int i = 0; kinds[i] && !error; i++)
        for (const orgctl_field *f = kinds[i]->fields; f->name && !error; f++) {
            if (!f->ref_kind || strcmp(f->ref_kind, target->name) != 0)
                continue;
            cJSON *names = NULL;
            error = orgctl_object_referrers(ctx->repo, kinds[i], ctx->org, f->name, ctx->name,
                                            &names);
            cJSON *n;
            cJSON_ArrayForEach(n, names)
            {
                cJSON *ref = cJSON_CreateObject();
                cJSON_AddStringToObject(ref, "kind", kinds[i]->name);
                cJSON_AddStringToObject(ref, "field", f->name);
                cJSON_AddStringToObject(ref, "name", n->valuestring);
                cJSON_AddItemToArray(found, ref);
            }
            cJSON_Delete(names);
        }
    return error;
}

/* Removes ctx->name from the field of a referring object, in the same change set. */
static int drop_reference(orgctl_op_ctx *ctx, const cJSON *ref)
{
    const orgctl_kind *kind = orgctl_kind_lookup(cJSON_GetStringValue(cJSON_GetObjectItem(ref, "kind")));
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

int orgctl_generic_rm(orgctl_op_ctx *ctx)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    if (!orgctl_object_exists(ctx->repo, kind, ctx->org, ctx->name))
        return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" not found in org \"%s\"",
                                kind->name, ctx->name, ctx->org);
    cJSON *refs = cJSON_CreateArray();
    int error = for_each_reference(ctx, kind, refs);
    int nrefs = cJSON_GetArraySize(refs);
    if (!error && nrefs > 0 && !orgctl_params_has(ctx->params, "force")) {
        strbuf list = STRBUF_INIT;
        for (int i = 0; i < nrefs && i < 10; i++) {
            cJSON *r = cJSON_GetArrayItem(refs, i);
            strbuf_addf(&list, "%s%s \"%s\"", i ? ", " : "",
                        cJSON_GetStringValue(cJSON_GetObjectItem(r, "kind")),
                        cJSON_GetStringValue(cJSON_GetObjectItem(r, "name")));
        }
        if (nrefs > 10)
            strbuf_addf(&list, " and %d more", nrefs - 10);
        error = orgctl_error_set(ORGCTL_ECONFLICT,
                                 "%s \"%s\" is in use by %s; give --force to remove it from "
                                 "them too",
                                 kind->name, ctx->name, strbuf_str(&list));
        strbuf_release(&list);
    }
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
        refs = NULL;
    }
    cJSON_Delete(refs);
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
    return orgctl_generic_put(ctx, obj);
}

void orgctl_generic_set_strings(orgctl_op_ctx *ctx, cJSON *obj)
{
    const orgctl_kind *kind = orgctl_op_kind(ctx->op);
    for (const orgctl_param *p = ctx->op->params; p && p->name; p++) {
        const char *v = orgctl_params_get(ctx->params, p->name);
        if (!v || (p->flags & ORGCTL_PARAM_FLAG))
            continue;
        char field[64];
        snprintf(field, sizeof(field), "%s", p->name);
        for (char *c = field; *c; c++)
            if (*c == '-')
                *c = '_';
        const orgctl_field *f = orgctl_kind_field(kind, field);
        const char *key = kind == &orgctl_kind_org ? "shortname" : "name";
        if (!f || f->type != ORGCTL_FIELD_STRING || strcmp(field, key) == 0)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
        cJSON_AddStringToObject(obj, field, v);
    }
}

int orgctl_generic_list_edit(orgctl_op_ctx *ctx, cJSON *obj, const char *field,
                             const char *param, bool add)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsArray(list)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
        list = cJSON_AddArrayToObject(obj, field);
    }
    size_t n = orgctl_params_count(ctx->params, param);
    for (size_t i = 0; i < n; i++) {
        const char *v = orgctl_params_at(ctx->params, param, i);
        int found = -1;
        for (int j = 0; j < cJSON_GetArraySize(list); j++) {
            const char *s = cJSON_GetStringValue(cJSON_GetArrayItem(list, j));
            if (s && strcmp(s, v) == 0)
                found = j;
        }
        if (add && found < 0)
            cJSON_AddItemToArray(list, cJSON_CreateString(v));
        else if (!add && found >= 0)
            cJSON_DeleteItemFromArray(list, found);
        else if (!add)
            return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" has no %s \"%s\"",
                                    ctx->op->kind, ctx->name, param, v);
    }
    return 0;
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
