/* Where bulk sets live in the repository, and the commands that only read or remove them
 * (list, show, rm, columns).
 *
 * bulk/<name>/set.json   what the set is: {name, format, source, kind, org, rows, status,
 *                        changes, problems, created, created_by} and, once executed,
 *                        {executed, executed_by, change_set, applied, failed}
 * bulk/<name>/rows.csv   the rows: the source's header and records as CSV, each preceded
 *                        by the line it had in the source ("line" column); GAX passwords
 *                        replaced by their hash ("Password Hash" column) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk_internal.h"
#include "orgctl/json.h"
#include "orgctl/perm.h"

/* Set names become folder names as they are: letters, digits, '.', '_', '-'. */
int bulk_check_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > 100 || name[0] == '.' || name[0] == '-' ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "invalid bulk set name \"%s\": use 1 to 100 letters, digits, "
                                "'.', '_' or '-', not starting with '.' or '-'",
                                name ? name : "");
    return 0;
}

char *bulk_set_path(const char *name, const char *file)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "bulk/%s%s%s", name ? name : "", file ? "/" : "", file ? file : "");
    return strbuf_detach(&sb, NULL);
}

/* The blob at `path` in the branch's tree; ORGCTL_ENOTFOUND when there is none. */
static int head_blob(orgctl_repo *repo, const char *path, orgctl_blob **out)
{
    orgctl_tree *tree = NULL;
    orgctl_tree_entry *te = NULL;
    int error;
    *out = NULL;
    if ((error = orgctl_repo_git_open(repo)) < 0)
        return error;
    if (!repo->has_head)
        return ORGCTL_ENOTFOUND;
    if ((error = orgctl_commit_tree(&tree, repo, &repo->head)) < 0)
        return error;
    error = orgctl_tree_entry_bypath(&te, tree, path);
    if (error == 0 && (error = orgctl_blob_lookup(out, repo, orgctl_tree_entry_id(te))) < 0)
        error = orgctl_git_error(error, path);
    else if (error < 0) {
        orgctl_store_error_clear();
        error = ORGCTL_ENOTFOUND;
    }
    orgctl_tree_entry_free(te);
    orgctl_tree_free(tree);
    return error;
}

int bulk_load_set(orgctl_repo *repo, const char *name, cJSON **set)
{
    orgctl_blob *blob = NULL;
    char *path = bulk_set_path(name, "set.json");
    int error = bulk_check_name(name);
    *set = NULL;
    if (!error)
        error = head_blob(repo, path, &blob);
    free(path);
    if (error == ORGCTL_ENOTFOUND)
        return orgctl_error_set(ORGCTL_ENOTFOUND,
                                "bulk set \"%s\" not found (see \"orgctl bulk list\")", name);
    if (error < 0)
        return error;
    *set = cJSON_ParseWithLength(orgctl_blob_data(blob), orgctl_blob_size(blob));
    orgctl_blob_free(blob);
    return *set ? 0 : orgctl_error_set(ORGCTL_ERROR, "bulk set \"%s\": broken set.json", name);
}

const char *bulk_set_str(const cJSON *set, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(set, key));
}

bool bulk_executed(const cJSON *set)
{
    return cJSON_GetObjectItemCaseSensitive(set, "change_set") != NULL;
}

/* The org a set belongs to: the org its rows act in, else its creator's (whose own org a
 * set without one was checked in when it was made), else the enterprise org. */
static char *owner_org(orgctl_repo *repo, const cJSON *set)
{
    const char *org = bulk_set_str(set, "org");
    if (org && *org)
        return xstrdup(org);
    const char *creator = bulk_set_str(set, "created_by");
    const char *at = creator ? strrchr(creator, '@') : NULL;
    if (at && at[1])
        return xstrdup(at + 1);
    return xstrdup(repo->ctx->enterprise_org ? repo->ctx->enterprise_org : "");
}

int bulk_check_permission(orgctl_repo *repo, const cJSON *set, const char *org,
                          const char *permission)
{
    if (!set)
        return orgctl_perm_check(repo, org && *org ? org : NULL, permission);
    char *owner = owner_org(repo, set);
    int error = orgctl_perm_check(repo, owner, permission);
    free(owner);
    return error;
}

/* "bulk/<set>/<file>": the path of the set's set.json (malloc'd) and, in *file, the
 * file's name; NULL for a path of another form. */
static char *set_json_of(const char *path, const char **file)
{
    const char *name = path + strlen("bulk/");
    const char *slash = strchr(name, '/');
    if (strncmp(path, "bulk/", 5) != 0 || !slash || slash == name || strchr(slash + 1, '/') ||
        !slash[1])
        return NULL;
    *file = slash + 1;
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, path, (size_t)(slash - path));
    strbuf_adds(&sb, "/set.json");
    return strbuf_detach(&sb, NULL);
}

/* The owner org of the set stored as `json` (NULL: none; unreadable: the enterprise's). */
static char *owner_of_bytes(orgctl_repo *repo, const char *json, size_t len)
{
    cJSON *set = json ? cJSON_ParseWithLength(json, len) : NULL;
    char *org = json ? owner_org(repo, set) : NULL;
    cJSON_Delete(set);
    return org;
}

/* The owner org of the set whose set.json is at `set_json`, as the change set sees it
 * (or, removed by it, as it was before); NULL when there is no such set. */
static char *current_owner(orgctl_repo *repo, const char *set_json)
{
    strbuf sb = STRBUF_INIT;
    int found = orgctl_changeset_read_current(repo, set_json, false, &sb);
    if (found == 0)
        found = orgctl_changeset_read_current(repo, set_json, true, &sb);
    char *org = found > 0 ? owner_of_bytes(repo, sb.buf ? sb.buf : "", sb.len) : NULL;
    orgctl_error_clear();
    strbuf_release(&sb);
    return org;
}

static char *file_org(orgctl_repo *repo, const char *path)
{
    const char *file;
    char *set_json = set_json_of(path, &file);
    char *org = set_json ? current_owner(repo, set_json) : NULL;
    free(set_json);
    if (!org && !repo->ctx->actor && orgctl_repo_set_actor(repo, NULL) < 0)
        orgctl_error_clear();
    if (!org) /* no set: files of none are the actor's to tidy, in their own org */
        org = xstrdup(repo->ctx->actor_org ? repo->ctx->actor_org : "");
    return org;
}

/* `permission` in `org`, which is never the actor's own by default. */
static int check_in(orgctl_repo *repo, const char *org, const char *permission)
{
    if (!org || !*org)
        return orgctl_error_set(ORGCTL_EPERM, "permission denied: no org to check \"%s\" in",
                                permission);
    return orgctl_perm_check(repo, org, permission);
}

/* set.json: created with add, removed with delete, changed (executed, or made pending
 * again by a rollback) with execute, in the org of the set before and after. Its other
 * files (the rows) say what the set does: add or delete, in the set's org. */
static int authorize_file(orgctl_repo *repo, const char *path, const char *before,
                          size_t before_len, const char *after, size_t after_len)
{
    const char *file;
    char *set_json = set_json_of(path, &file);
    if (!set_json) /* not a set's: the enterprise's */
        return check_in(repo, repo->ctx->enterprise_org, "directory:organization:admin");
    const char *perm = !before ? PERM_ADD : !after ? PERM_DELETE : PERM_EXECUTE;
    char *orgs[2] = {NULL, NULL};
    if (strcmp(file, "set.json") == 0) {
        orgs[0] = owner_of_bytes(repo, before, before_len);
        orgs[1] = owner_of_bytes(repo, after, after_len);
    } else {
        perm = after ? PERM_ADD : PERM_DELETE;
        orgs[0] = current_owner(repo, set_json);
        if (!orgs[0])
            orgs[0] = file_org(repo, path);
    }
    int error = 0;
    for (int i = 0; i < 2 && !error; i++)
        if (orgs[i] && (i == 0 || !orgs[0] || strcmp(orgs[0], orgs[1]) != 0))
            error = check_in(repo, orgs[i], perm);
    free(orgs[0]);
    free(orgs[1]);
    free(set_json);
    return error;
}

void bulk_stamp(orgctl_repo *repo, cJSON *set, const char *time_key, const char *actor_key)
{
    time_t now = 0;
    char when[32];
    orgctl_clock_now(&now);
    orgctl_time_format(now, when, sizeof(when));
    cJSON_DeleteItemFromObjectCaseSensitive(set, time_key);
    cJSON_DeleteItemFromObjectCaseSensitive(set, actor_key);
    cJSON_AddStringToObject(set, time_key, when);
    const char *actor = orgctl_repo_actor(repo);
    cJSON_AddStringToObject(set, actor_key, actor ? actor : "");
}

void bulk_replace(cJSON *obj, const char *key, cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    cJSON_AddItemToObject(obj, key, value ? value : cJSON_CreateNull());
}

/* Writes set.json (and rows.csv when given) as one change set. */
int bulk_store_set(orgctl_repo *repo, const cJSON *set, const char *rows, size_t len,
                   const char *command, const char *summary, char **id_out)
{
    orgctl_changeset *cs = NULL;
    const char *name = bulk_set_str(set, "name");
    char *json = orgctl_json_canonical(set);
    char *set_file = bulk_set_path(name, "set.json"), *rows_file = bulk_set_path(name, "rows.csv");
    int error =
        orgctl_changeset_begin(&cs, repo, command ? command : summary, bulk_set_str(set, "org"));
    if (!error)
        error = orgctl_changeset_put_raw(cs, set_file, json, strlen(json));
    if (!error && rows)
        error = orgctl_changeset_put_raw(cs, rows_file, rows, len);
    if (!error) {
        orgctl_changeset_add_trailer(cs, "Bulk-Set", name);
        error = orgctl_changeset_commit(cs, summary, id_out);
    }
    orgctl_changeset_free(cs);
    free(json);
    free(set_file);
    free(rows_file);
    return error;
}

int bulk_write_all(int fd, const void *data, size_t len)
{
    return orgctl_write_all(fd, data, len) < 0
               ? orgctl_errno_error(errno, "cannot write a temporary file")
               : 0;
}

static int write_piece(const void *data, size_t len, void *payload)
{
    return bulk_write_all(*(int *)payload, data, len);
}

/* Copies the blob `id` into the open file fd, streamed when the object database can
 * (a loose object: a 1M-row set's 100 MB of rows never sit in memory). */
static int copy_blob(orgctl_repo *repo, const orgctl_oid *id, int fd)
{
    return orgctl_blob_stream(repo, id, "cannot read the rows", write_piece, &fd);
}

/* The rows of set `name`, in a temporary file already unlinked: read it as `path`
 * ("/dev/fd/N") until *fd is closed. */
int bulk_tmpfile(orgctl_repo *repo, int *fd)
{
    strbuf tmp = STRBUF_INIT;
    int error = 0;
    if (repo->read_only) { /* a plan of a read-only repository's set: elsewhere, then */
        const char *dir = getenv("TMPDIR");
        strbuf_addf(&tmp, "%s/orgctl-bulk-rows-XXXXXX", dir && *dir ? dir : "/tmp");
    } else {
        strbuf_addf(&tmp, "%s/orgctl/tmp-bulk-rows-XXXXXX", repo->gitdir);
    }
    if ((*fd = mkstemp(tmp.buf)) < 0)
        error = orgctl_errno_error(errno, "cannot create %s", tmp.buf);
    else
        unlink(tmp.buf);
    strbuf_release(&tmp);
    return error;
}

int bulk_open_rows(orgctl_repo *repo, const char *name, int *fd, char *path, size_t size)
{
    orgctl_tree *tree = NULL;
    orgctl_tree_entry *te = NULL;
    char *file = bulk_set_path(name, "rows.csv");
    int error;
    *fd = -1;
    if ((error = orgctl_commit_tree(&tree, repo, &repo->head)) < 0)
        goto done;
    if (orgctl_tree_entry_bypath(&te, tree, file) < 0) {
        orgctl_store_error_clear();
        error = orgctl_error_set(ORGCTL_ERROR, "bulk set \"%s\" has no rows.csv", name);
        goto done;
    }
    if ((error = bulk_tmpfile(repo, fd)) < 0)
        goto done;
    snprintf(path, size, "/dev/fd/%d", *fd);
    error = copy_blob(repo, orgctl_tree_entry_id(te), *fd);
done:
    if (error < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    orgctl_tree_entry_free(te);
    orgctl_tree_free(tree);
    free(file);
    return error;
}

int orgctl_bulk_list(orgctl_repo *repo, enum orgctl_bulk_filter filter, cJSON **out)
{
    orgctl_tree *tree = NULL, *bulk = NULL;
    orgctl_tree_entry *te = NULL;
    int error;
    *out = NULL;
    if ((error = orgctl_perm_check(repo, NULL, PERM_VIEW)) < 0 ||
        (error = orgctl_repo_git_open(repo)) < 0)
        return error;
    cJSON *arr = cJSON_CreateArray();
    if (repo->has_head && (error = orgctl_commit_tree(&tree, repo, &repo->head)) == 0 &&
        orgctl_tree_entry_bypath(&te, tree, "bulk") == 0 &&
        orgctl_tree_lookup(&bulk, repo, orgctl_tree_entry_id(te)) == 0) {
        for (size_t i = 0; i < orgctl_tree_entrycount(bulk) && !error; i++) {
            cJSON *set = NULL;
            if (bulk_load_set(repo, orgctl_tree_entry_name(orgctl_tree_entry_byindex(bulk, i)),
                              &set) < 0) {
                orgctl_error_clear();
                continue;
            }
            bool keep =
                filter == ORGCTL_BULK_ALL || (filter == ORGCTL_BULK_PENDING) == !bulk_executed(set);
            if (keep)
                cJSON_AddItemToArray(arr, set);
            else
                cJSON_Delete(set);
        }
    }
    orgctl_store_error_clear();
    orgctl_tree_entry_free(te);
    orgctl_tree_free(bulk);
    orgctl_tree_free(tree);
    if (error < 0) {
        cJSON_Delete(arr);
        return error;
    }
    *out = arr;
    return 0;
}

/* The stored rows as objects: {line, <column>: <value>} for the cells that are not empty. */
static int rows_json(const char *source, const char *data, size_t len, cJSON **out)
{
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    char **names = NULL;
    size_t ncols = 0;
    int error;
    *out = cJSON_CreateArray();
    if ((error = orgctl_csv_open_buffer(&csv, source, data, len, NULL)) < 0 ||
        (error = orgctl_csv_next(&rec, csv)) < 0)
        goto done;
    ncols = orgctl_csv_record_count(rec);
    names = xcalloc(ncols, sizeof(*names));
    for (size_t i = 0; i < ncols; i++)
        names[i] = xstrdup(orgctl_csv_record_field(rec, i, NULL));
    while ((error = orgctl_csv_next(&rec, csv)) == 0) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "line", strtod(orgctl_csv_record_field(rec, 0, NULL), NULL));
        for (size_t i = 1; i < orgctl_csv_record_count(rec) && i < ncols; i++) {
            const char *v = orgctl_csv_unguard(orgctl_csv_record_field(rec, i, NULL));
            if (*v && strcmp(names[i], BULK_HASH_COLUMN) == 0)
                v = BULK_HASH_SHOWN; /* a GAX set's: not shown */
            if (*v && !cJSON_GetObjectItemCaseSensitive(row, names[i]))
                cJSON_AddStringToObject(row, names[i], v);
        }
        cJSON_AddItemToArray(*out, row);
    }
    if (error == ORGCTL_ITEROVER)
        error = 0;
done:
    for (size_t i = 0; i < ncols; i++)
        free(names[i]);
    free(names);
    orgctl_csv_free(csv);
    return error;
}

static bool rows_mask(const char *data, size_t len, strbuf *out)
{
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    long column = -1;
    bool any = false;
    strbuf sb = STRBUF_INIT;
    int error = orgctl_csv_open_buffer(&csv, NULL, data, len, NULL);
    for (size_t row = 0; !error && (error = orgctl_csv_next(&rec, csv)) == 0; row++) {
        for (size_t i = 0; i < orgctl_csv_record_count(rec); i++) {
            const char *v = orgctl_csv_unguard(orgctl_csv_record_field(rec, i, NULL));
            if (row == 0 && strcmp(v, BULK_HASH_COLUMN) == 0)
                column = (long)i;
            else if (row > 0 && (long)i == column && *v) {
                v = BULK_HASH_SHOWN;
                any = true;
            }
            strbuf_adds(&sb, i ? "," : "");
            bulk_csv_cell(&sb, v);
        }
        strbuf_addch(&sb, '\n');
    }
    orgctl_csv_free(csv);
    orgctl_error_clear();
    if (error != ORGCTL_ITEROVER) { /* rows that do not read may hold anything */
        strbuf_reset(&sb);
        strbuf_adds(&sb, "(not valid CSV: not shown, as it may hold a password hash)\n");
        any = true;
    }
    if (any)
        strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    return any;
}

int orgctl_bulk_show(orgctl_repo *repo, const char *name, cJSON **out)
{
    cJSON *set = NULL, *rows_arr = NULL;
    orgctl_blob *rows = NULL;
    char *path = bulk_set_path(name, "rows.csv");
    int error;
    *out = NULL;
    if ((error = bulk_load_set(repo, name, &set)) < 0 ||
        (error = bulk_check_permission(repo, set, NULL, PERM_VIEW)) < 0)
        goto done;
    if ((error = head_blob(repo, path, &rows)) == 0)
        error = rows_json(bulk_set_str(set, "source"), orgctl_blob_data(rows),
                          orgctl_blob_size(rows), &rows_arr);
    else if (error == ORGCTL_ENOTFOUND)
        error = 0;
    if (error < 0)
        goto done;
    bulk_replace(set, "records", rows_arr ? rows_arr : cJSON_CreateArray());
    rows_arr = NULL;
    *out = set;
    set = NULL;
done:
    cJSON_Delete(set);
    cJSON_Delete(rows_arr);
    orgctl_blob_free(rows);
    free(path);
    return error;
}

int orgctl_bulk_rm(orgctl_repo *repo, const char *name, const char *command, char **id_out)
{
    cJSON *set = NULL;
    orgctl_changeset *cs = NULL;
    char *set_file = bulk_set_path(name, "set.json"), *rows_file = bulk_set_path(name, "rows.csv");
    strbuf summary = STRBUF_INIT;
    int error;
    if (id_out)
        *id_out = NULL;
    if ((error = bulk_load_set(repo, name, &set)) < 0 ||
        (error = bulk_check_permission(repo, set, NULL, PERM_DELETE)) < 0)
        goto done;
    if (bulk_executed(set)) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "bulk set \"%s\" was executed (change set %s): it is history "
                                 "now; \"orgctl rollback %s\" undoes it",
                                 name, bulk_set_str(set, "change_set"),
                                 bulk_set_str(set, "change_set"));
        goto done;
    }
    strbuf_addf(&summary, "bulk rm %s", name);
    if ((error = orgctl_changeset_begin(&cs, repo, command ? command : strbuf_str(&summary),
                                        bulk_set_str(set, "org"))) < 0 ||
        (error = orgctl_changeset_put_raw(cs, set_file, NULL, 0)) < 0 ||
        (error = orgctl_changeset_put_raw(cs, rows_file, NULL, 0)) < 0)
        goto done;
    orgctl_changeset_add_trailer(cs, "Bulk-Set", name);
    error = orgctl_changeset_commit(cs, strbuf_str(&summary), id_out);
done:
    orgctl_changeset_free(cs);
    cJSON_Delete(set);
    strbuf_release(&summary);
    free(set_file);
    free(rows_file);
    return error;
}

int orgctl_bulk_columns(cJSON **out)
{
    *out = cJSON_CreateArray();
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++) {
        if (!((*op)->flags & ORGCTL_OP_WRITE) || ((*op)->flags & ORGCTL_OP_NO_BULK))
            continue;
        cJSON *item = cJSON_CreateObject(), *cols = cJSON_CreateArray();
        cJSON_AddStringToObject(item, "kind", (*op)->kind);
        cJSON_AddStringToObject(item, "op", (*op)->verb);
        cJSON_AddStringToObject(item, "summary", (*op)->summary);
        for (const orgctl_param *p = (*op)->params; p && p->name; p++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "name", p->name);
            cJSON_AddBoolToObject(c, "required", (p->flags & ORGCTL_PARAM_REQUIRED) != 0);
            cJSON_AddBoolToObject(c, "repeatable", (p->flags & ORGCTL_PARAM_MULTI) != 0);
            cJSON_AddBoolToObject(c, "flag", (p->flags & ORGCTL_PARAM_FLAG) != 0);
            cJSON_AddBoolToObject(c, "positional", (p->flags & ORGCTL_PARAM_POSITIONAL) != 0);
            cJSON_AddStringToObject(c, "help", p->help ? p->help : "");
            cJSON_AddItemToArray(cols, c);
        }
        cJSON_AddItemToObject(item, "columns", cols);
        cJSON_AddItemToArray(*out, item);
    }
    return 0;
}

/* A set's rows hold password hashes (a GAX set's); its set.json is JSON, which the core
 * masks as any other. */
static bool mask_file(const char *path, const char *data, size_t len, strbuf *out)
{
    size_t n = strlen(path), m = strlen("/rows.csv");
    return n >= m && strcmp(path + n - m, "/rows.csv") == 0 && rows_mask(data, len, out);
}

static const struct orgctl_bulk_files bulk_files = {
    .authorize = authorize_file,
    .org = file_org,
    .mask = mask_file,
};

/* As the library is loaded: a rollback or `show` of a set calls nothing of bulk's before
 * the core asks these (lib/core/internal.h). */
__attribute__((constructor)) static void register_bulk_files(void)
{
    orgctl_bulk_files_register(&bulk_files);
}
