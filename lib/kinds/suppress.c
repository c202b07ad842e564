/* The suppression list's verbs ("suppress create|add|import|check|..."): the list object
 * through the generic verbs, its entries through the engines of lib/outbound/suppress.c.
 * An enterprise list lives in the enterprise org (--enterprise) and applies to every org;
 * inside an org it is read-only (its permissions are checked in the enterprise org). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"
#include "orgctl/history.h"
#include "orgctl/perm.h"
#include "orgctl/settings.h"
#include "suppress.h"
#include "suppress_text.h"

#define W ORGCTL_OP_WRITE
#define VIEW "outbound:dncList:view"

#define PARAM_COUNTRY                                                                              \
    {                                                                                              \
        "default-country", 0, "ISO",                                                               \
            "the region of national numbers (default: the setting suppress.default_country, US)"   \
    }
#define PARAM_ENTERPRISE                                                                           \
    {                                                                                              \
        "enterprise", ORGCTL_PARAM_FLAG, NULL, "the enterprise's list (in the enterprise org)"     \
    }

/* The org the op acts in: the enterprise org with --enterprise, else --org, which must
 * exist. ctx->org becomes it. */
static int resolve_org(orgctl_op_ctx *ctx)
{
    const char *ent = orgctl_repo_enterprise_org(ctx->repo);
    if (orgctl_params_has(ctx->params, "enterprise")) {
        if (!ent)
            return orgctl_error_set(ORGCTL_ENOTFOUND, "no enterprise org");
        ctx->org = ent;
        return 0;
    }
    if (!ctx->org || !*ctx->org)
        return orgctl_error_set(ORGCTL_EINVALID, "no org: give --org ORG or --enterprise");
    if (!orgctl_object_exists(ctx->repo, &orgctl_kind_org, ctx->org, ctx->org)) {
        cJSON *org = NULL;
        int error = orgctl_object_load(ctx->repo, &orgctl_kind_org, ctx->org, ctx->org, &org);
        cJSON_Delete(org);
        return error < 0 ? error
                         : orgctl_error_set(ORGCTL_ENOTFOUND, "org \"%s\" not found", ctx->org);
    }
    return 0;
}

/* For reading a list by name: the org's own, else the enterprise's of that name. */
static int resolve_read(orgctl_op_ctx *ctx, const char *list)
{
    int error = resolve_org(ctx);
    if (error < 0)
        return error;
    const char *ent = orgctl_repo_enterprise_org(ctx->repo);
    if (list && ent && !orgctl_object_exists(ctx->repo, &orgctl_kind_suppress, ctx->org, list) &&
        orgctl_object_exists(ctx->repo, &orgctl_kind_suppress, ent, list))
        ctx->org = ent;
    return orgctl_perm_check(ctx->repo, ctx->org, VIEW);
}

/* For changing a list's entries: it must be the org's own (an enterprise list is changed
 * with --enterprise, by who may in the enterprise org). */
static int resolve_write(orgctl_op_ctx *ctx)
{
    int error = resolve_org(ctx);
    if (error < 0)
        return error;
    const char *ent = orgctl_repo_enterprise_org(ctx->repo);
    if (!orgctl_object_exists(ctx->repo, &orgctl_kind_suppress, ctx->org, ctx->name)) {
        if (ent && orgctl_object_exists(ctx->repo, &orgctl_kind_suppress, ent, ctx->name))
            return orgctl_error_set(ORGCTL_EPERM,
                                    "suppression list \"%s\" is the enterprise's: read-only in "
                                    "org \"%s\" (change it with --enterprise)",
                                    ctx->name, ctx->org);
        return orgctl_error_set(ORGCTL_ENOTFOUND, "suppression list \"%s\" not found in org \"%s\"",
                                ctx->name, ctx->org);
    }
    /* refused even when nothing would change (enable of an enabled list) */
    return orgctl_perm_check(ctx->repo, ctx->org, ctx->op->permission);
}

static int now_seconds(int64_t *now)
{
    time_t t;
    int error = orgctl_clock_now(&t);
    *now = (int64_t)t;
    return error;
}

static const char *scope_of(orgctl_op_ctx *ctx, const char *org)
{
    const char *ent = orgctl_repo_enterprise_org(ctx->repo);
    return ent && strcmp(org, ent) == 0 ? "enterprise" : "org";
}

/* The region of national numbers: --default-country, else the United States. */
static int default_country(orgctl_op_ctx *ctx, const orgctl_phone_region **out)
{
    const char *iso = orgctl_params_get(ctx->params, "default-country");
    if (!iso) { /* the org's setting, else the enterprise's, else US */
        cJSON *rows = NULL, *row;
        int error = orgctl_settings_show(ctx->repo, ctx->org, &rows);
        const char *set = NULL;
        cJSON *walk = error ? NULL : rows;
        cJSON_ArrayForEach(row, walk)
        {
            const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "key"));
            if (key && strcmp(key, "suppress.default_country") == 0)
                set = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "value"));
        }
        *out = orgctl_phone_region_lookup(set ? set : "US");
        cJSON_Delete(rows);
        if (error < 0)
            return error;
        if (*out)
            return 0;
        return orgctl_error_set(ORGCTL_EINVALID,
                                "setting suppress.default_country=\"%.20s\" is no region", set);
    }
    *out = orgctl_phone_region_lookup(iso);
    if (!*out)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "--default-country \"%.20s\" is no region (an ISO 3166 code "
                                "such as US or GB)",
                                iso);
    return 0;
}

/* --- the list object --- */

static int suppress_create(orgctl_op_ctx *ctx)
{
    int error = resolve_org(ctx);
    if (error < 0)
        return error;
    if ((error = orgctl_perm_check(ctx->repo, ctx->org, ctx->op->permission)) < 0)
        return error;
    bool required = orgctl_params_has(ctx->params, "required");
    if (required && strcmp(scope_of(ctx, ctx->org), "enterprise") != 0)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "--required is for enterprise lists (--enterprise): an org's "
                                "list applies to its own campaigns when they name it");
    if (orgctl_object_exists(ctx->repo, &orgctl_kind_suppress, ctx->org, ctx->name))
        return orgctl_error_set(ORGCTL_EEXISTS,
                                "suppression list \"%s\" exists already in org \"%s\"", ctx->name,
                                ctx->org);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "name", ctx->name);
    cJSON_AddStringToObject(obj, "state", "enabled");
    const char *description = orgctl_params_get(ctx->params, "description");
    if (description)
        cJSON_AddStringToObject(obj, "description", description);
    if (required)
        cJSON_AddTrueToObject(obj, "required");
    return orgctl_generic_put(ctx, obj);
}

static void add_scope(orgctl_op_ctx *ctx, cJSON *obj, const char *org)
{
    orgctl_kind_fill(&orgctl_kind_suppress, obj);
    cJSON_AddStringToObject(obj, "scope", scope_of(ctx, org));
    cJSON_AddStringToObject(obj, "org", org);
}

static int list_org(orgctl_op_ctx *ctx, const char *org, cJSON *out)
{
    cJSON *names = NULL, *n;
    int error = orgctl_index_referrers(ctx->repo, false, &orgctl_kind_suppress, org, "state", NULL,
                                       0, &names);
    cJSON *walk = error ? NULL : names;
    cJSON_ArrayForEach(n, walk)
    {
        cJSON *obj = NULL;
        if ((error = orgctl_object_load(ctx->repo, &orgctl_kind_suppress, org,
                                        cJSON_GetStringValue(n), &obj)) < 0)
            break;
        add_scope(ctx, obj, org);
        cJSON_AddItemToArray(out, obj);
    }
    cJSON_Delete(names);
    return error;
}

/* The org's lists and the enterprise's, which apply to it. */
static int suppress_list(orgctl_op_ctx *ctx)
{
    int error = resolve_read(ctx, NULL);
    if (error < 0)
        return error;
    const char *ent = orgctl_repo_enterprise_org(ctx->repo);
    ctx->result = cJSON_CreateArray();
    error = list_org(ctx, ctx->org, ctx->result);
    if (!error && ent && strcmp(ent, ctx->org) != 0 && orgctl_perm_check(ctx->repo, ent, VIEW) == 0)
        error = list_org(ctx, ent, ctx->result);
    orgctl_error_clear();
    return error;
}

static int suppress_show(orgctl_op_ctx *ctx)
{
    int64_t now;
    int error = resolve_read(ctx, ctx->name);
    cJSON *obj = NULL;
    if (error < 0 || (error = now_seconds(&now)) < 0 ||
        (error = orgctl_object_load(ctx->repo, &orgctl_kind_suppress, ctx->org, ctx->name, &obj)) <
            0)
        return error;
    size_t numbers = 0, clients = 0, expired = 0;
    if ((error = orgctl_suppress_size(ctx->repo, ctx->org, ctx->name, now, &numbers, &clients,
                                      &expired)) < 0) {
        cJSON_Delete(obj);
        return error;
    }
    add_scope(ctx, obj, ctx->org);
    cJSON_AddNumberToObject(obj, "numbers", (double)numbers);
    cJSON_AddNumberToObject(obj, "client_ids", (double)clients);
    cJSON_AddNumberToObject(obj, "expired", (double)expired);
    /* the last change set that touched it, when the actor may see the history */
    orgctl_log_options log = ORGCTL_LOG_OPTIONS_INIT;
    strbuf object = STRBUF_INIT;
    strbuf_addf(&object, "suppress/%s", ctx->name);
    const char *orgs[] = {ctx->org};
    log.max = 1;
    log.object = strbuf_str(&object);
    log.orgs = orgs;
    log.norgs = 1;
    cJSON *last = NULL;
    if (orgctl_history_log(&last, ctx->repo, &log) == 0 && cJSON_GetArraySize(last) == 1)
        cJSON_AddItemToObject(
            obj, "last_change_set",
            cJSON_Duplicate(cJSON_GetObjectItem(cJSON_GetArrayItem(last, 0), "id"), true));
    else
        cJSON_AddNullToObject(obj, "last_change_set");
    orgctl_error_clear();
    cJSON_Delete(last);
    strbuf_release(&object);
    ctx->result = obj;
    return 0;
}

static int suppress_rm(orgctl_op_ctx *ctx)
{
    int error = resolve_write(ctx);
    if (error < 0 || (error = orgctl_suppress_clear(ctx->cs, ctx->org, ctx->name)) < 0 ||
        (error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_suppress, ctx->org, ctx->name)) < 0)
        return error;
    ctx->result = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx->result, "removed", ctx->name);
    return 0;
}

static int suppress_state(orgctl_op_ctx *ctx)
{
    int error = resolve_write(ctx);
    if (error < 0)
        return error;
    return strcmp(ctx->op->verb, "enable") == 0 ? orgctl_generic_enable(ctx)
                                                : orgctl_generic_disable(ctx);
}

/* --- entries --- */

/* The numbers and client ids given, checked: all or nothing. */
static int given_entries(orgctl_op_ctx *ctx, const orgctl_phone_region *region, const char *param,
                         uint64_t **keys, size_t *n, const char ***clients, size_t *nc)
{
    size_t count = orgctl_params_count(ctx->params, param);
    *nc = orgctl_params_count(ctx->params, "client-id");
    *keys = xcalloc(count + 1, sizeof(**keys));
    *clients = xcalloc(*nc + 1, sizeof(**clients));
    *n = 0;
    if (count + *nc == 0)
        return orgctl_error_set(ORGCTL_EINVALID, "give a NUMBER or --client-id ID");
    for (size_t i = 0; i < count; i++) {
        const char *text = orgctl_params_at(ctx->params, param, i);
        int error = orgctl_suppress_number(text, strlen(text), region, &(*keys)[(*n)++], NULL);
        if (error < 0)
            return error;
    }
    for (size_t i = 0; i < *nc; i++) {
        const char *id = orgctl_params_at(ctx->params, "client-id", i);
        if (!orgctl_suppress_client_valid(id, strlen(id)))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "client id \"%.60s\" is not one (1 to 255 bytes, no space or "
                                    "control byte)",
                                    id);
        (*clients)[i] = id;
    }
    return 0;
}

static int suppress_edit(orgctl_op_ctx *ctx)
{
    bool remove = strcmp(ctx->op->verb, "remove") == 0;
    const orgctl_phone_region *region = NULL;
    uint64_t *keys = NULL;
    const char **clients = NULL;
    size_t n = 0, nc = 0, changed = 0;
    int64_t now, expires = 0;
    const char *exp = orgctl_params_get(ctx->params, "expires");
    int error = resolve_write(ctx);
    if (!error)
        error = now_seconds(&now);
    if (!error)
        error = default_country(ctx, &region);
    if (!error)
        error = given_entries(ctx, region, "number", &keys, &n, &clients, &nc);
    if (!error && exp)
        error = orgctl_suppress_expiry("--expires", exp, strlen(exp), now, &expires);
    if (!error)
        error = orgctl_suppress_edit(ctx->cs, ctx->org, ctx->name, keys, n, clients, nc, expires,
                                     remove, &changed);
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "list", ctx->name);
        cJSON_AddNumberToObject(ctx->result, remove ? "removed" : "added", (double)changed);
    }
    free(keys);
    free(clients);
    return error;
}

/* What a compressed file may inflate to, as the org's settings say. */
static int inflate_limit(orgctl_op_ctx *ctx, size_t *out)
{
    cJSON *rows = NULL;
    int error = orgctl_settings_show(ctx->repo, ctx->org, &rows);
    if (error == 0)
        *out = (size_t)orgctl_settings_int(rows, "suppress.max_inflated_megabytes") << 20;
    cJSON_Delete(rows);
    return error;
}

static int suppress_import(orgctl_op_ctx *ctx)
{
    orgctl_suppress_import_options o = {0};
    orgctl_suppress_import_result res = {0, 0, 0, 0, 0, STRBUF_INIT};
    int error = resolve_write(ctx);
    if (!error)
        error = now_seconds(&o.now);
    if (!error)
        error = inflate_limit(ctx, &o.max_input_size);
    if (!error)
        error = default_country(ctx, &o.region);
    o.column = orgctl_params_get(ctx->params, "column");
    o.expires_column = orgctl_params_get(ctx->params, "expires-column");
    o.client_column = orgctl_params_get(ctx->params, "client-column");
    o.replace = orgctl_params_has(ctx->params, "replace");
    o.skip_invalid = orgctl_params_has(ctx->params, "skip-invalid");
    const char *file = orgctl_params_get(ctx->params, "file");
    if (!error)
        error = orgctl_suppress_import(ctx->cs, ctx->org, ctx->name, file, &o, &res);
    if (!error) {
        cJSON *r = ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "list", ctx->name);
        cJSON_AddNumberToObject(r, "read", (double)res.lines);
        cJSON_AddNumberToObject(r, "added", (double)res.added);
        cJSON_AddNumberToObject(r, "removed", (double)res.removed);
        if (o.replace)
            cJSON_AddNumberToObject(r, "total", (double)res.total);
        cJSON_AddNumberToObject(r, "skipped", (double)res.skipped);
        cJSON *lines = cJSON_AddArrayToObject(r, "skipped_lines");
        for (char *p = res.skipped_report.buf, *nl; p && (nl = strchr(p, '\n')); p = nl + 1) {
            *nl = '\0';
            cJSON_AddItemToArray(lines, cJSON_CreateString(p));
        }
        strbuf s = STRBUF_INIT;
        strbuf_addf(&s, "suppress import %s (%zu added, %zu removed)", ctx->name, res.added,
                    res.removed);
        ctx->summary = strbuf_detach(&s, NULL);
    }
    strbuf_release(&res.skipped_report);
    return error;
}

static int suppress_prune(orgctl_op_ctx *ctx)
{
    int64_t now;
    size_t removed = 0;
    int error = resolve_write(ctx);
    if (!error && (error = now_seconds(&now)) == 0)
        error = orgctl_suppress_prune(ctx->cs, ctx->org, ctx->name, now, &removed);
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "list", ctx->name);
        cJSON_AddNumberToObject(ctx->result, "removed", (double)removed);
    }
    return error;
}

static int suppress_export(orgctl_op_ctx *ctx)
{
    int error = resolve_read(ctx, ctx->name);
    const char *file = orgctl_params_get(ctx->params, "file");
    /* "-": the CSV itself is the output, streamed (rows of a 10M list would not fit in
     * memory as JSON), and nothing after it */
    bool to_stdout = file && strcmp(file, "-") == 0;
    size_t count = 0;
    cJSON *rows = file ? NULL : cJSON_CreateArray();
    if (!error)
        error = orgctl_suppress_export(ctx->repo, ctx->org, ctx->name, file, rows, &count);
    if (error < 0) {
        cJSON_Delete(rows);
        return error;
    }
    if (rows) {
        ctx->result = rows;
    } else if (to_stdout) {
        ctx->result = NULL;
    } else {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "list", ctx->name);
        cJSON_AddStringToObject(ctx->result, "file", file);
        cJSON_AddNumberToObject(ctx->result, "entries", (double)count);
    }
    return 0;
}

/* "check [LIST] NUMBER... [--client-id ID]... [--all]": answer true when none is
 * suppressed (exit 0), false when any is (exit 10), with which list and until when. */
static int suppress_check(orgctl_op_ctx *ctx)
{
    bool all = orgctl_params_has(ctx->params, "all");
    size_t count = orgctl_params_count(ctx->params, "entry");
    const char *list = NULL;
    size_t first = 0;
    if (!all) {
        if (count == 0)
            return orgctl_error_set(ORGCTL_EINVALID, "name a LIST, or give --all");
        list = orgctl_params_at(ctx->params, "entry", 0);
        first = 1;
    }
    int64_t now;
    int error = resolve_read(ctx, list);
    if (!error)
        error = now_seconds(&now);
    if (!error && list)
        error = orgctl_name_validate("suppression list", list);
    if (!error && count - first + orgctl_params_count(ctx->params, "client-id") == 0)
        error = orgctl_error_set(ORGCTL_EINVALID, "give a NUMBER or --client-id ID to check");
    /* every number is read before any list is opened: a typo is an error, not an answer */
    const orgctl_phone_region *region = NULL;
    if (!error)
        error = default_country(ctx, &region);
    uint64_t *keys = xcalloc(count + 1, sizeof(*keys));
    for (size_t i = first; !error && i < count; i++) {
        const char *text = orgctl_params_at(ctx->params, "entry", i);
        error = orgctl_suppress_number(text, strlen(text), region, &keys[i], NULL);
    }
    orgctl_suppress_set *set = NULL;
    if (!error)
        error = orgctl_suppress_set_open_all(&set, ctx->repo, ctx->org, list);
    cJSON *found = cJSON_CreateArray();
    for (size_t i = first; !error && i < count + orgctl_params_count(ctx->params, "client-id");
         i++) {
        const char *in_list;
        int64_t expires;
        bool is_number = i < count;
        const char *given = is_number ? orgctl_params_at(ctx->params, "entry", i)
                                      : orgctl_params_at(ctx->params, "client-id", i - count);
        int hit = is_number
                      ? orgctl_suppress_set_match_number(&in_list, &expires, set, keys[i], now)
                      : orgctl_suppress_set_match_client(&in_list, &expires, set, given, now);
        if (!hit)
            continue;
        cJSON *row = cJSON_CreateObject();
        char text[ORGCTL_E164_MAX];
        if (is_number) {
            orgctl_phone_from_key(text, keys[i]);
            cJSON_AddStringToObject(row, "number", text);
        } else {
            cJSON_AddStringToObject(row, "client_id", given);
        }
        cJSON_AddStringToObject(row, "list", in_list);
        if (expires) {
            char exp[ORGCTL_SUPPRESS_EXPIRY_LEN + 1];
            orgctl_expiry_format(exp, expires);
            cJSON_AddStringToObject(row, "expires", exp);
        } else {
            cJSON_AddNullToObject(row, "expires");
        }
        cJSON_AddItemToArray(found, row);
    }
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddBoolToObject(ctx->result, "answer", cJSON_GetArraySize(found) == 0);
        cJSON_AddStringToObject(ctx->result, "commit", orgctl_suppress_set_commit(set));
        cJSON_AddItemToObject(ctx->result, "suppressed", found);
    } else {
        cJSON_Delete(found);
    }
    orgctl_suppress_set_free(set);
    free(keys);
    return error;
}

static const orgctl_param create_params[] = {
    PARAM_ENTERPRISE,
    {"description", 0, "TEXT", "what the list is for"},
    {"required", ORGCTL_PARAM_FLAG, NULL,
     "every org's campaigns honour it, named or not (enterprise lists)"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param scope_params[] = {
    PARAM_ENTERPRISE,
    ORGCTL_PARAMS_END,
};
static const orgctl_param add_params[] = {
    {"number", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI, "NUMBER",
     "a phone number (+1 317 555 1212, (317) 555-1212, ...)"},
    {"client-id", ORGCTL_PARAM_MULTI, "ID", "a client id (a customer opted out on every device)"},
    {"expires", 0, "yyyy-MM-ddTHH:mmZ",
     "when the entries stop suppressing (UTC, at most 180 days)"},
    PARAM_COUNTRY,
    PARAM_ENTERPRISE,
    ORGCTL_PARAMS_END,
};
static const orgctl_param remove_params[] = {
    {"number", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI, "NUMBER", "a phone number"},
    {"client-id", ORGCTL_PARAM_MULTI, "ID", "a client id"},
    PARAM_COUNTRY,
    PARAM_ENTERPRISE,
    ORGCTL_PARAMS_END,
};
static const orgctl_param import_params[] = {
    {"file", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "FILE",
     "CSV with a header, or one number a line; plain, .gz or .zip"},
    {"column", 0, "NAME", "the phone column (default: \"number\", or the only column)"},
    {"expires-column", 0, "NAME", "a column of expiries yyyy-MM-ddTHH:mmZ"},
    {"client-column", 0, "NAME", "a column of client ids"},
    {"replace", ORGCTL_PARAM_FLAG, NULL, "the list becomes the file's content, in one change set"},
    {"skip-invalid", ORGCTL_PARAM_FLAG, NULL, "import the valid lines and report the others"},
    PARAM_COUNTRY,
    PARAM_ENTERPRISE,
    ORGCTL_PARAMS_END,
};
static const orgctl_param export_params[] = {
    {"file", ORGCTL_PARAM_POSITIONAL, "FILE",
     "write CSV (number,expires,client_id) here (\"-\": standard output)"},
    PARAM_ENTERPRISE,
    ORGCTL_PARAMS_END,
};
static const orgctl_param check_params[] = {
    {"entry", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI, "LIST|NUMBER",
     "the list (unless --all), then the numbers"},
    {"client-id", ORGCTL_PARAM_MULTI, "ID", "a client id to check"},
    {"all", ORGCTL_PARAM_FLAG, NULL, "every enabled list the org sees"},
    PARAM_COUNTRY,
    PARAM_ENTERPRISE,
    ORGCTL_PARAMS_END,
};

/* Every verb acts in the org the list is in (its own, or the enterprise org with
 * --enterprise or for an enterprise list read from an org), and checks there: writes through
 * the change set's authorization, reads in resolve_read. */
#define OWN (ORGCTL_OP_NO_ORG | ORGCTL_OP_OWN_CHECK)
#define BULKLESS (ORGCTL_OP_NO_BULK | OWN)
#define ADD "outbound:dncList:add"
#define EDIT "outbound:dncList:edit"
#define DELETE "outbound:dncList:delete"
const orgctl_op orgctl_suppress_ops[] = {
    {"suppress", "create", "create a suppression list", W | OWN, ADD, create_params,
     suppress_create},
    {"suppress", "list", "list the org's suppression lists and the enterprise's",
     ORGCTL_OP_NO_NAME | OWN, VIEW, scope_params, suppress_list, NULL,
     "name,scope,state,required,description"},
    {"suppress", "show", "show a list: size, scope, expired entries, last change set", OWN, VIEW,
     scope_params, suppress_show},
    {"suppress", "rm", "remove a list and its entries", W | OWN, DELETE, scope_params, suppress_rm},
    {"suppress", "enable", "enable a list", W | OWN, EDIT, scope_params, suppress_state},
    {"suppress", "disable", "disable a list (it suppresses nothing)", W | OWN, EDIT, scope_params,
     suppress_state},
    {"suppress", "add", "add numbers or client ids to a list", W | OWN, EDIT, add_params,
     suppress_edit},
    {"suppress", "remove", "remove numbers or client ids from a list", W | OWN, EDIT, remove_params,
     suppress_edit},
    {"suppress", "import", "import a file into a list (--replace: the list becomes the file)",
     W | BULKLESS, EDIT, import_params, suppress_import},
    {"suppress", "prune", "remove the expired entries of a list", W | BULKLESS, EDIT, scope_params,
     suppress_prune},
    {"suppress", "export", "write a list as CSV, sorted", BULKLESS, VIEW, export_params,
     suppress_export, NULL, "number,expires,client_id"},
    {"suppress", "check", "exit 10 when a number is suppressed, saying by which list",
     ORGCTL_OP_NO_NAME | ORGCTL_OP_ANSWER | BULKLESS, VIEW, check_params, suppress_check, NULL,
     "number,client_id,list,expires"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
