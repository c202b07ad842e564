/* Objects: loading from the index and the generic validation the kind table drives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_key.h"
#include "internal.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "orgctl/settings.h"
#include "strmap.h"
#include "trust.h"
#include "utf8.h"

static const char *org_of(const orgctl_kind *kind, const char *org, const char *name)
{
    if (kind == &orgctl_kind_org)
        return name;
    return kind->per_org ? org : "";
}

/* The files warned about (their paths' hashes), each once a process: a command may look
 * an object up often. */
#define WARNED_MAX 64
static _Thread_local size_t warned[WARNED_MAX], nwarned;

struct invalid_seen {
    strbuf first;   /* "path: problem" of the first */
    strbuf damaged; /* of the first that cannot be read at all */
};

static int warn_invalid(const char *path, const char *problem, bool damaged, void *payload)
{
    struct invalid_seen *seen = payload;
    if (!seen->first.len)
        strbuf_addf(&seen->first, "%s: %s", path, problem);
    if (damaged) { /* not a warning: the command fails, naming it */
        if (!seen->damaged.len)
            strbuf_addf(&seen->damaged, "%s: %s", path, problem);
        return 0;
    }
    size_t h = strmap_hash(path);
    for (size_t i = 0; i < nwarned; i++)
        if (warned[i] == h)
            return 0;
    if (nwarned < WARNED_MAX)
        warned[nwarned++] = h;
    orgctl_warning("%s: %s; not used", path, problem);
    return 0;
}

int orgctl_object_warn_invalid(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name, strbuf *first)
{
    struct invalid_seen seen = {STRBUF_INIT, STRBUF_INIT};
    int n = orgctl_index_invalid(repo, kind, org, name, warn_invalid, &seen);
    if (first)
        strbuf_add(first, strbuf_str(&seen.first), seen.first.len);
    if (n > 0 && seen.damaged.len)
        n = orgctl_error_set(ORGCTL_ERROR, "%s", strbuf_str(&seen.damaged));
    strbuf_release(&seen.first);
    strbuf_release(&seen.damaged);
    return n;
}

static int first_invalid(const char *path, const char *problem, bool damaged, void *payload)
{
    strbuf_addf(payload, "%s: %s", path, problem);
    return 1;
}

int orgctl_object_refuse_invalid(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                 const char *name)
{
    if (!orgctl_index_has_invalid(repo))
        return 0;
    strbuf bad = STRBUF_INIT;
    int n = orgctl_index_invalid(repo, kind, org, name, first_invalid, &bad);
    if (n > 0)
        n = orgctl_error_set(ORGCTL_EINVALID,
                             "%s \"%s\" cannot be changed: %s (repair or remove the file with "
                             "git, or roll back the change set that made it)",
                             kind->name, name, strbuf_str(&bad));
    strbuf_release(&bad);
    return n;
}

int orgctl_object_load(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *name, cJSON **out)
{
    *out = NULL;
    org = org_of(kind, org, name);
    if (kind == &orgctl_kind_enterprise)
        name = ""; /* one of its kind: enterprise.json, keyed by no name */
    char *path = orgctl_kind_path(kind, org, name);
    char *json = orgctl_index_get(repo, kind, org, name, path);
    free(path);
    if (!json) {
        strbuf bad = STRBUF_INIT;
        int error = orgctl_object_warn_invalid(repo, kind, org, name, &bad);
        if (error > 0) /* there, but not believed: damaged data (exit 1), not "not found" */
            error = orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\" cannot be read: %s", kind->name,
                                     name, strbuf_str(&bad));
        strbuf_release(&bad);
        if (error < 0)
            return error;
        if (kind == &orgctl_kind_org)
            return orgctl_error_set(ORGCTL_ENOTFOUND, "org \"%s\" not found", name);
        if (!kind->per_org)
            return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" not found", kind->name, name);
        return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" not found in org \"%s\"", kind->name,
                                name, org);
    }
    *out = cJSON_Parse(json);
    free(json);
    return *out ? 0
                : orgctl_error_set(ORGCTL_ERROR, "%s \"%s\": broken JSON in the index", kind->name,
                                   name);
}

int orgctl_object_get(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                      const char *name)
{
    int error = orgctl_object_load(repo, kind, org, name, out);
    if (error == 0)
        orgctl_kind_strip_secrets(kind, *out); /* secrets never leave the library */
    return error;
}

/* The paths of the last objects found: the rows of a bulk set ask for the same org, role
 * and group over and over, and a path takes allocations to build. A path depends on the
 * kind, org and name alone, so a kept one is never stale. */
#define KEPT_PATHS 8
struct kept_path {
    const orgctl_kind *kind;
    char *org, *name, *path;
};
static _Thread_local struct kept_path kept_paths[KEPT_PATHS];
static _Thread_local size_t next_kept;

static const char *kept_path(const orgctl_kind *kind, const char *org, const char *name)
{
    for (size_t i = 0; i < KEPT_PATHS; i++) {
        const struct kept_path *k = &kept_paths[i];
        if (k->kind == kind && strcmp(k->name, name) == 0 && strcmp(k->org, org) == 0)
            return k->path;
    }
    return NULL;
}

static void keep_path(const orgctl_kind *kind, const char *org, const char *name, char *path)
{
    struct kept_path *k = &kept_paths[next_kept];
    next_kept = (next_kept + 1) % KEPT_PATHS;
    free(k->org);
    free(k->name);
    free(k->path);
    *k = (struct kept_path){kind, xstrdup(org), xstrdup(name), path};
}

bool orgctl_object_exists(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                          const char *name)
{
    org = org_of(kind, org, name);
    if (kind == &orgctl_kind_enterprise)
        name = "";
    const char *kept = org && name ? kept_path(kind, org, name) : NULL;
    if (kept)
        return orgctl_index_exists(repo, kind, org, name, kept);
    char *path = orgctl_kind_path(kind, org, name);
    bool found = orgctl_index_exists(repo, kind, org, name, path);
    if (found && org && name) /* referred to, likely again */
        keep_path(kind, org, name, path);
    else
        free(path);
    return found;
}

int orgctl_object_state(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                        const char *name)
{
    char *path = orgctl_kind_path(kind, org_of(kind, org, name), name);
    int state;
    if (repo->cs && orgctl_changeset_state_known(repo->cs, path, &state)) {
        free(path);
        return state;
    }
    cJSON *obj = NULL;
    if (orgctl_object_load(repo, kind, org, name, &obj) < 0) {
        orgctl_error_clear();
        state = -1;
    } else {
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "state"));
        state = !orgctl_kind_field(kind, "state") || (s && strcmp(s, "enabled") == 0);
    }
    cJSON_Delete(obj);
    if (repo->cs)
        orgctl_changeset_state_keep(repo->cs, path, state);
    free(path);
    return state;
}

/* Whether `field` of the object held `value` (a list item, a map key, a string). */
static bool holds(const cJSON *obj, const char *field, const char *value)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field), *c;
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, value) == 0;
    if (cJSON_IsObject(v))
        return cJSON_GetObjectItemCaseSensitive(v, value) != NULL;
    cJSON_ArrayForEach(c, v)
    {
        if (cJSON_IsString(c) && strcmp(c->valuestring, value) == 0)
            return true;
    }
    return false;
}

/* What orgctl_object_check_assignable needs per reference; `before` is read on the first
 * reference to a disabled object, which is rare. */
struct assignable {
    orgctl_repo *repo;
    const orgctl_kind *kind;
    const char *org, *name;
    cJSON *before;
    bool loaded;
};

static int check_assignable(struct assignable *a, const orgctl_field *f, const orgctl_kind *target,
                            const char *ref)
{
    if (!ref || orgctl_object_state(a->repo, target, a->org, ref) != 0)
        return 0;
    if (!a->loaded) {
        a->loaded = true;
        if (orgctl_object_load(a->repo, a->kind, a->org, a->name, &a->before) < 0)
            orgctl_error_clear();
    }
    if (holds(a->before, f->name, ref))
        return 0;
    return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": %s \"%s\" is disabled; enable it first",
                            a->kind->name, a->name, target->name, ref);
}

int orgctl_object_check_assignable(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                   const cJSON *obj)
{
    struct assignable a = {
        repo, kind, org, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "name")),
        NULL, false};
    int error = 0;
    if (!a.name || !kind->per_org || kind == &orgctl_kind_org)
        return 0;
    for (const orgctl_field *f = kind->fields; f->name && !error; f++) {
        const orgctl_kind *target = f->ref_kind ? orgctl_kind_lookup(f->ref_kind) : NULL;
        if (!target || (f->flags & ORGCTL_FIELD_MEMBERS) || !orgctl_kind_field(target, "state"))
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name), *c;
        if (cJSON_IsString(v))
            error = check_assignable(&a, f, target, v->valuestring);
        for (c = cJSON_IsString(v) || !v ? NULL : v->child; c && !error; c = c->next)
            error = check_assignable(&a, f, target, cJSON_IsObject(v) ? c->string : c->valuestring);
    }
    cJSON_Delete(a.before);
    return error;
}

int orgctl_object_names(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                        const char *prefix)
{
    return orgctl_index_names(out, repo, kind, org, prefix);
}

struct orgctl_object_iter {
    orgctl_repo *repo;
    const orgctl_kind *kind;
    orgctl_index_cursor *rows;
};

int orgctl_object_iter_new(orgctl_object_iter **out, orgctl_repo *repo, const orgctl_kind *kind,
                           const char *org, const orgctl_filter *filters, size_t nfilters,
                           const char *search)
{
    orgctl_index_cursor *rows = NULL;
    *out = NULL;
    int error = orgctl_index_list_open(&rows, repo, kind, org, filters, nfilters, search);
    if (error < 0)
        return error;
    /* what the listing passes over, said before its first row; one that cannot be read at
     * all fails it, before anything is shown */
    error =
        orgctl_object_warn_invalid(repo, kind, kind == &orgctl_kind_org ? NULL : org, NULL, NULL);
    if (error < 0) {
        orgctl_index_cursor_free(rows);
        return error;
    }
    orgctl_object_iter *it = xcalloc(1, sizeof(*it));
    *it = (orgctl_object_iter){repo, kind, rows};
    *out = it;
    return 0;
}

int orgctl_object_iter_next(orgctl_object_iter *it, cJSON **obj)
{
    const char *json;
    size_t len;
    int found;
    *obj = NULL;
    while ((found = orgctl_index_cursor_next(it->rows, &json, &len)) > 0) {
        *obj = cJSON_ParseWithLength(json, len);
        if (*obj) {
            orgctl_kind_strip_secrets(it->kind, *obj); /* secrets never leave the library */
            return 1;
        }
    }
    return found;
}

void orgctl_object_iter_free(orgctl_object_iter *it)
{
    if (!it)
        return;
    orgctl_index_cursor_free(it->rows);
    free(it);
}

int orgctl_object_list(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const orgctl_filter *filters, size_t nfilters, const char *search)
{
    orgctl_object_iter *it = NULL;
    *out = NULL;
    int error = orgctl_object_iter_new(&it, repo, kind, org, filters, nfilters, search);
    if (error < 0)
        return error;
    cJSON *arr = cJSON_CreateArray(), *obj;
    while ((error = orgctl_object_iter_next(it, &obj)) > 0)
        cJSON_AddItemToArray(arr, obj);
    orgctl_object_iter_free(it);
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    *out = arr;
    return 0;
}

int orgctl_object_referrers(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind,
                            const char *org, const char *field, const char *value)
{
    return orgctl_index_referrers(repo, false, kind, org, field, value, 0, out);
}

int orgctl_object_references(orgctl_repo *repo, const orgctl_kind *target, const char *org,
                             const char *name, cJSON *found)
{
    const orgctl_kind *const *kinds = orgctl_kinds();
    int error = 0;
    for (int i = 0; kinds[i] && !error; i++)
        for (const orgctl_field *f = kinds[i]->fields; f->name && !error; f++) {
            if (!f->ref_kind || strcmp(f->ref_kind, target->name) != 0)
                continue;
            cJSON *names = NULL, *n;
            error = orgctl_object_referrers(&names, repo, kinds[i], org, f->name, name);
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

int orgctl_object_count_in_org(orgctl_repo *repo, const char *org, long *count)
{
    return orgctl_index_count_in_org(repo, org, count);
}

/* --- validation --- */

/* A domain of an e-mail address: two or more dot-separated labels of 1 to 63 bytes, each
 * letters, digits, hyphens (not first or last) or UTF-8 (an internationalised label). */
static bool valid_domain(const char *d)
{
    int labels = 0;
    for (const char *label = d;; labels++) {
        size_t len = strcspn(label, ".");
        if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
            return false;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)label[i];
            if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-'))
                return false;
        }
        if (!label[len])
            return labels >= 1;
        label += len + 1;
    }
}

/* RFC 5321's limits (a local part of 64 bytes, a path of 254), valid UTF-8, one '@', no
 * spaces, controls or invisible characters, and a well-formed domain. */
static bool valid_email(const char *s)
{
    size_t len = strlen(s);
    const char *at = strchr(s, '@');
    if (!at || at == s || at - s > 64 || len > 254 || strchr(at + 1, '@') ||
        !orgctl_utf8_valid(s, len) || orgctl_utf8_forbidden(s, len, true))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == '"' ||
            *p == '\\')
            return false;
    if (s[0] == '.' || at[-1] == '.' || strstr(s, ".."))
        return false;
    return valid_domain(at + 1);
}

static int sort_cmp(const void *a, const void *b)
{
    return strcmp((*(cJSON *const *)a)->valuestring, (*(cJSON *const *)b)->valuestring);
}

/* Lists are sets: sorted and without duplicates, so the same set is the same bytes. */
static void normalise_list(cJSON *list)
{
    int n = cJSON_GetArraySize(list);
    if (n < 2)
        return;
    cJSON **items = xmalloc(sizeof(*items) * n);
    int i = 0;
    while (list->child)
        items[i++] = cJSON_DetachItemViaPointer(list, list->child);
    qsort(items, n, sizeof(*items), sort_cmp);
    const cJSON *kept = NULL; /* the last one kept: a third copy compares with it, not with
                                 the second, which is freed */
    for (i = 0; i < n; i++) {
        if (kept && strcmp(items[i]->valuestring, kept->valuestring) == 0) {
            cJSON_Delete(items[i]);
        } else {
            cJSON_AddItemToArray(list, items[i]);
            kept = items[i];
        }
    }
    free(items);
}

static int check_ref(orgctl_repo *repo, const orgctl_field *f, const char *org, const char *value)
{
    const orgctl_kind *target = orgctl_kind_lookup(f->ref_kind);
    if (!target || orgctl_object_exists(repo, target, org, value))
        return 0;
    return orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" does not exist in org \"%s\"",
                            target->name, value, org);
}

static bool is_integer(const cJSON *v)
{
    return cJSON_IsNumber(v) && fabs(v->valuedouble) < 1e15 &&
           v->valuedouble == (double)(long long)v->valuedouble;
}

/* A map value of a RANGE field: "java": 7 in a user's skills. */
static int check_level(const orgctl_kind *kind, const char *name, const orgctl_field *f,
                       const cJSON *c)
{
    const char *what = f->ref_kind ? f->ref_kind : f->name;
    if (!is_integer(c))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%s\": level of %s \"%s\" must be a whole number from %d "
                                "to %d",
                                kind->name, name, what, c->string, f->min, f->max);
    if (c->valuedouble < f->min || c->valuedouble > f->max)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%s\": level %g of %s \"%s\" is outside %d to %d", kind->name,
                                name, c->valuedouble, what, c->string, f->min, f->max);
    return 0;
}

/* Free text: at most ORGCTL_TEXT_MAX bytes of valid UTF-8 without controls (which a
 * terminal would obey when a listing prints them) or bidirectional controls. */
static int check_text(const orgctl_kind *kind, const char *name, const char *field,
                      const char *text)
{
    size_t len = strlen(text);
    if (len > ORGCTL_TEXT_MAX)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.100s\": %s is longer than %d bytes",
                                kind->name, name, field, ORGCTL_TEXT_MAX);
    if (!orgctl_utf8_valid(text, len))
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.100s\": %s is not valid UTF-8", kind->name,
                                name, field);
    unsigned bad = orgctl_utf8_forbidden(text, len, false);
    if (bad)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%.100s\": %s contains U+%04X, a control character",
                                kind->name, name, field, bad);
    return 0;
}

/* The names a list or map field of the object before the change held (NULL: none), whose
 * references were checked when it was written: adding a member to a group of 100k checks
 * the member, not the 100k. Keys point into `before`. */
static void held_names(strmap *held, const cJSON *before, const orgctl_field *f)
{
    const cJSON *v = before ? cJSON_GetObjectItemCaseSensitive(before, f->name) : NULL;
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next) {
        const char *key = f->type == ORGCTL_FIELD_MAP ? c->string : cJSON_GetStringValue(c);
        if (key)
            strmap_set(held, key, 1);
    }
}

static int check_new_ref(orgctl_repo *repo, const orgctl_field *f, const char *org,
                         const strmap *held, const char *value)
{
    size_t one;
    return strmap_get(held, value, &one) ? 0 : check_ref(repo, f, org, value);
}

/* With `stored`, an object as found in the tree: its own shape only (references and
 * unique values are checked across objects, by the index). `before`: the object as the
 * change set found it, valid (NULL: none), whose references need no second look. */
static int check_field(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *name, const orgctl_field *f, cJSON *v, bool stored,
                       const cJSON *before)
{
    strmap held = STRMAP_INIT;
    int error = 0;
    switch (f->type) {
    case ORGCTL_FIELD_STRING:
        if (!cJSON_IsString(v))
            return orgctl_error_set(ORGCTL_EINVALID, "%s: field \"%s\" must be a string",
                                    kind->name, f->name);
        if ((f->flags & ORGCTL_FIELD_REQUIRED) && !*v->valuestring)
            return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": %s must not be empty", kind->name,
                                    name, f->name);
        if ((error = check_text(kind, name, f->name, v->valuestring)) < 0)
            return error;
        if (strcmp(f->name, "state") == 0 && strcmp(v->valuestring, "enabled") != 0 &&
            strcmp(v->valuestring, "disabled") != 0)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s \"%s\": state \"%s\" is not enabled or disabled",
                                    kind->name, name, v->valuestring);
        if ((f->flags & ORGCTL_FIELD_IDENTITY) &&
            (strlen(v->valuestring) != ORGCTL_IDENTITY_HEX ||
             strspn(v->valuestring, "0123456789abcdef") != ORGCTL_IDENTITY_HEX))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s \"%s\": %s \"%.100s\" is not %d lowercase hex digits",
                                    kind->name, name, f->name, v->valuestring, ORGCTL_IDENTITY_HEX);
        if ((f->flags & ORGCTL_FIELD_EMAIL) && !valid_email(v->valuestring))
            return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": invalid e-mail \"%.100s\"",
                                    kind->name, name, v->valuestring);
        if (stored)
            return 0;
        if (f->flags & ORGCTL_FIELD_UNIQUE) {
            char *other = orgctl_index_find_value(repo, kind, org, f->name, v->valuestring, name);
            if (other) {
                error = orgctl_error_set(ORGCTL_EEXISTS, "%s \"%s\" is already used by %s \"%s\"",
                                         f->name, v->valuestring, kind->name, other);
                free(other);
                return error;
            }
        }
        if (f->ref_kind)
            return check_ref(repo, f, org, v->valuestring);
        return 0;
    case ORGCTL_FIELD_BOOL:
        return cJSON_IsBool(v)
                   ? 0
                   : orgctl_error_set(ORGCTL_EINVALID, "%s: field \"%s\" must be true or false",
                                      kind->name, f->name);
    case ORGCTL_FIELD_INT:
        if (!is_integer(v))
            return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": %s must be a whole number",
                                    kind->name, name, f->name);
        if ((f->flags & ORGCTL_FIELD_RANGE) && (v->valuedouble < f->min || v->valuedouble > f->max))
            return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": %s %g is outside %d to %d",
                                    kind->name, name, f->name, v->valuedouble, f->min, f->max);
        return 0;
    case ORGCTL_FIELD_LIST:
        if (!cJSON_IsArray(v))
            return orgctl_error_set(ORGCTL_EINVALID, "%s: field \"%s\" must be a list", kind->name,
                                    f->name);
        if (f->ref_kind && !stored)
            held_names(&held, before, f);
        for (cJSON *c = v->child; c && !error; c = c->next) {
            if (!cJSON_IsString(c)) {
                error = orgctl_error_set(ORGCTL_EINVALID, "%s: items of \"%s\" must be strings",
                                         kind->name, f->name);
                break;
            }
            if (f->flags & ORGCTL_FIELD_PERMISSION)
                error = orgctl_perm_validate(c->valuestring);
            else if (f->ref_kind && !stored)
                error = check_new_ref(repo, f, org, &held, c->valuestring);
        }
        strmap_free(&held);
        if (!error)
            normalise_list(v);
        return error;
    case ORGCTL_FIELD_MAP:
        if (!cJSON_IsObject(v))
            return orgctl_error_set(ORGCTL_EINVALID, "%s: field \"%s\" must be an object",
                                    kind->name, f->name);
        if (f->ref_kind && !stored)
            held_names(&held, before, f);
        for (cJSON *c = v->child; c && !error; c = c->next) {
            error = check_text(kind, name, f->name, c->string);
            if (!error && cJSON_IsString(c))
                error = check_text(kind, name, f->name, c->valuestring);
            if (!error && (f->flags & ORGCTL_FIELD_RANGE))
                error = check_level(kind, name, f, c);
            if (!error && f->ref_kind && !stored)
                error = check_new_ref(repo, f, org, &held, c->string);
        }
        strmap_free(&held);
        return error;
    }
    return 0;
}

/* Fields of a kind that validate maps in one pass (more would be looked up one by one). */
#define MAX_FIELDS 32

static int validate(orgctl_repo *repo, const orgctl_kind *kind, const char *org, cJSON *obj,
                    bool stored, const cJSON *before)
{
    int error = 0;
    if (!cJSON_IsObject(obj))
        return orgctl_error_set(ORGCTL_EINVALID, "%s: not a JSON object", kind->name);
    const char *key = kind == &orgctl_kind_org ? "shortname" : "name";
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
    if (kind != &orgctl_kind_enterprise) {
        if (!name)
            return orgctl_error_set(ORGCTL_EINVALID, "%s: %s is required", kind->name, key);
        if ((error = orgctl_name_validate(kind->name, name)) < 0)
            return error;
    } else {
        name = "";
    }
    if (kind == &orgctl_kind_org)
        org = name;
    /* each member to its field in one pass (a lookup per field was a pass each) */
    cJSON *by_field[MAX_FIELDS] = {NULL};
    for (cJSON *c = obj->child; c; c = c->next) {
        const orgctl_field *f = orgctl_kind_field(kind, c->string);
        if (!f)
            return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": unknown field \"%s\"", kind->name,
                                    name, c->string);
        if (f->flags & ORGCTL_FIELD_COMPUTED) /* shown only, derived from other objects */
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s \"%s\": field \"%s\" is computed, never stored", kind->name,
                                    name, c->string);
        size_t i = (size_t)(f - kind->fields);
        if (i < MAX_FIELDS && !by_field[i]) /* the first, as a lookup finds */
            by_field[i] = c;
    }
    for (const orgctl_field *f = kind->fields; f->name && !error; f++) {
        size_t i = (size_t)(f - kind->fields);
        cJSON *v = i < MAX_FIELDS ? by_field[i] : cJSON_GetObjectItemCaseSensitive(obj, f->name);
        if (!v || cJSON_IsNull(v)) {
            if (f->flags & ORGCTL_FIELD_REQUIRED)
                return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\": %s is required", kind->name,
                                        name, f->name);
            continue;
        }
        error = check_field(repo, kind, org, name, f, v, stored, before);
    }
    if (stored)
        return error;
    if (!error && kind->validate)
        error = kind->validate(repo, org, obj);
    /* an org's settings, measured against the enterprise's (lib/core/settings.c) */
    if (!error && kind == &orgctl_kind_org)
        error = orgctl_settings_validate_org(repo, org, obj);
    if (!error && kind == &orgctl_kind_user) /* a clone: the limits (lib/core/trust.c) */
        error = orgctl_clone_validate(repo, org, obj);
    if (!error)
        error = orgctl_object_check_assignable(repo, kind, org, obj);
    return error;
}

int orgctl_object_validate(orgctl_repo *repo, const orgctl_kind *kind, const char *org, cJSON *obj)
{
    return validate(repo, kind, org, obj, false, NULL);
}

int orgctl_object_validate_change(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                  cJSON *obj, const cJSON *before)
{
    return validate(repo, kind, org, obj, false, before);
}

int orgctl_object_validate_stored(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                  const char *name, cJSON *obj)
{
    int error = validate(repo, kind, org, obj, true, NULL);
    if (error < 0)
        return error;
    const char *key = kind == &orgctl_kind_org ? "shortname" : "name";
    const char *own = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
    if (kind != &orgctl_kind_enterprise && strcmp(own, name) != 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.100s\" is filed under the name \"%.100s\"",
                                kind->name, own, name);
    /* the kind's own rules that concern the object alone: its settings, a rule's
     * combination (an org's other rules compare it with the enterprise's) */
    if (kind == &orgctl_kind_org || kind == &orgctl_kind_enterprise) {
        const cJSON *v;
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(obj, "settings"))
        {
            if ((error = orgctl_setting_check(v->string, v)) < 0)
                return error;
        }
        return 0;
    }
    return kind->validate ? kind->validate(repo, org, obj) : 0;
}

int orgctl_object_refs(const orgctl_kind *kind, const cJSON *obj, orgctl_object_ref_cb cb,
                       void *payload)
{
    int error = 0;
    for (const orgctl_field *f = kind->fields; f->name && !error; f++) {
        const orgctl_kind *target = f->ref_kind ? orgctl_kind_lookup(f->ref_kind) : NULL;
        if (!target || (f->flags & ORGCTL_FIELD_COMPUTED))
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name), *c;
        if (cJSON_IsString(v))
            error = cb(target, f, v->valuestring, payload);
        for (c = cJSON_IsString(v) || !v ? NULL : v->child; c && !error; c = c->next) {
            const char *value = cJSON_IsObject(v) ? c->string : cJSON_GetStringValue(c);
            if (value)
                error = cb(target, f, value, payload);
        }
    }
    return error;
}
