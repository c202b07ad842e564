/* Bulk change sets stored in the repository, and the commands on them.
 *
 * bulk/<name>/set.json   what the set is: {name, format, source, kind, org, rows, status,
 *                        changes, problems, created, created_by} and, once executed,
 *                        {executed, executed_by, change_set, applied, failed}
 * bulk/<name>/rows.csv   the rows: the source's header and records as CSV, each preceded
 *                        by the line it had in the source ("line" column); GAX passwords
 *                        replaced by their hash ("Password Hash" column)
 *
 * A set is created, and executed, as a change set of its own: executing writes the rows'
 * changes and the set's new status in one commit, so rolling that change set back makes
 * the set pending again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk_internal.h"
#include "orgctl/json.h"
#include "orgctl/perm.h"
#include "strmap.h"

#define PERM_ADD "outbound:bulkChangeSet:add"
#define PERM_VIEW "outbound:bulkChangeSet:view"
#define PERM_EXECUTE "outbound:bulkChangeSet:execute"
#define PERM_DELETE "outbound:bulkChangeSet:delete"

/* Set names become folder names as they are: letters, digits, '.', '_', '-'. */
static int check_name(const char *name)
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

static char *set_path(const char *name, const char *file)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "bulk/%s%s%s", name ? name : "", file ? "/" : "", file ? file : "");
    return strbuf_detach(&sb, NULL);
}

/* The blob at `path` in the branch's tree; ORGCTL_ENOTFOUND when there is none. */
static int head_blob(orgctl_repo *repo, const char *path, git_blob **out)
{
    git_tree *tree = NULL;
    git_tree_entry *te = NULL;
    int error;
    *out = NULL;
    if ((error = orgctl_repo_git_open(repo)) < 0)
        return error;
    if (!repo->has_head)
        return ORGCTL_ENOTFOUND;
    if ((error = orgctl_commit_tree(&tree, repo->git, &repo->head)) < 0)
        return error;
    error = git_tree_entry_bypath(&te, tree, path);
    if (error == 0 && (error = git_blob_lookup(out, repo->git, git_tree_entry_id(te))) < 0)
        error = orgctl_git_error(error, path);
    else if (error < 0) {
        git_error_clear();
        error = ORGCTL_ENOTFOUND;
    }
    git_tree_entry_free(te);
    git_tree_free(tree);
    return error;
}

static int load_set(orgctl_repo *repo, const char *name, cJSON **set)
{
    git_blob *blob = NULL;
    char *path = set_path(name, "set.json");
    int error = check_name(name);
    *set = NULL;
    if (!error)
        error = head_blob(repo, path, &blob);
    free(path);
    if (error == ORGCTL_ENOTFOUND)
        return orgctl_error_set(ORGCTL_ENOTFOUND,
                                "bulk set \"%s\" not found (see \"orgctl bulk list\")", name);
    if (error < 0)
        return error;
    *set = cJSON_ParseWithLength(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return *set ? 0 : orgctl_error_set(ORGCTL_ERROR, "bulk set \"%s\": broken set.json", name);
}

static const char *set_str(const cJSON *set, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(set, key));
}

static bool executed(const cJSON *set)
{
    return cJSON_GetObjectItemCaseSensitive(set, "change_set") != NULL;
}

static int check_permission(orgctl_repo *repo, const cJSON *set, const char *org,
                            const char *permission)
{
    if (set)
        org = set_str(set, "org");
    return orgctl_perm_check(repo, org && *org ? org : NULL, permission);
}

static void stamp(orgctl_repo *repo, cJSON *set, const char *time_key, const char *actor_key)
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

static void replace(cJSON *obj, const char *key, cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    cJSON_AddItemToObject(obj, key, value ? value : cJSON_CreateNull());
}

static const struct bulk_dialect *dialect_of(const cJSON *set)
{
    const char *f = set_str(set, "format");
    return f && strcmp(f, bulk_gax.name) == 0 ? &bulk_gax : &bulk_native;
}

/* Runs the stored rows of `set` in cs (a bulk change set), filling `run`. */
static int run_set(orgctl_repo *repo, orgctl_changeset *cs, const cJSON *set,
                   const struct bulk_rows *rows, struct bulk_run *run)
{
    run->repo = repo;
    run->cs = cs;
    run->org = set_str(set, "org");
    run->dialect = dialect_of(set);
    run->settings.file = set_str(set, "source");
    run->settings.kind = set_str(set, "kind");
    run->problems.file = run->settings.file;
    run->total = (size_t)cJSON_GetNumberValue(cJSON_GetObjectItem(set, "rows"));
    int error = orgctl_index_tune_bulk(repo);
    if (error < 0)
        return error;
    orgctl_perm_cache_start(repo);
    orgctl_index_cache_start(repo);
    error = bulk_run_rows(run, rows);
    orgctl_index_cache_stop(repo);
    orgctl_perm_cache_stop(repo);
    return error;
}

/* Runs the rows in a change set that is then thrown away: what they would do now. */
static int dry_run(orgctl_repo *repo, const cJSON *set, const struct bulk_rows *rows,
                   struct bulk_run *run)
{
    orgctl_changeset *cs = NULL;
    int error = orgctl_changeset_begin(&cs, repo, "orgctl bulk plan", NULL);
    if (error < 0)
        return error;
    orgctl_changeset_set_bulk(cs, true);
    error = run_set(repo, cs, set, rows, run);
    orgctl_changeset_free(cs);
    return error;
}

static const char *pending_status(const struct bulk_run *run)
{
    return run->rows == 0 ? "empty" : run->problems.count ? "incomplete" : "ready";
}

/* The JSON answer of plan and exec: the set and what its rows do. */
static cJSON *report(const cJSON *set, const struct bulk_run *run, const char *status)
{
    cJSON *out = cJSON_Duplicate(set, 1);
    replace(out, "status", cJSON_CreateString(status));
    replace(out, "changes", run->changes ? cJSON_Duplicate(run->changes, 1) : cJSON_CreateArray());
    replace(out, "problems",
            run->problems.list ? cJSON_Duplicate(run->problems.list, 1) : cJSON_CreateArray());
    return out;
}

static int problems_error(const struct bulk_problems *p)
{
    return orgctl_error_set(ORGCTL_EINVALID, "%zu problem%s in %s", p->count,
                            p->count == 1 ? "" : "s", p->file ? p->file : "the rows");
}

/* --- create --- */

/* A reader's error "FILE:LINE:COLUMN: reason" (or "FILE: reason") as a problem. */
static void csv_problem(struct bulk_problems *p, const char *file)
{
    const char *msg = orgctl_error_last();
    size_t flen = strlen(file), line = 0, column = 0;
    if (strncmp(msg, file, flen) == 0 && msg[flen] == ':') {
        msg += flen + 1;
        char *end;
        unsigned long l = strtoul(msg, &end, 10);
        if (end != msg && *end == ':') {
            line = l;
            unsigned long c = strtoul(end + 1, &end, 10);
            column = *end == ':' ? c : 0;
            msg = *end == ':' ? end + 1 : msg;
        }
        while (*msg == ' ')
            msg++;
    }
    /* "FILE: empty file" has no place: its first line and column are the place */
    bulk_problem(p, line ? line : 1, column ? column : 1, "%s", msg);
}

static int store_record(const struct bulk_dialect *d, void *layout, const struct bulk_record *r,
                        bool hdr, strbuf *rows, struct bulk_problems *p)
{
    int error = 0;
    if (hdr)
        strbuf_adds(rows, "line");
    else
        strbuf_addf(rows, "%zu", r->line);
    for (size_t j = 0; j < bulk_record_count(r) && !error; j++) {
        strbuf_addch(rows, ',');
        error = d->store_cell(layout, r, j, hdr, rows, p);
    }
    strbuf_addch(rows, '\n');
    return error;
}

struct dups {
    strmap lines;
    char **keys;
    size_t n;
};

static void check_duplicate(struct dups *d, char *key, const struct bulk_record *r,
                            size_t column, const char *what, struct bulk_problems *p)
{
    size_t first;
    if (strmap_get(&d->lines, key, &first)) {
        bulk_problem(p, r->line, column, "%s line %zu", what, first);
        free(key);
        return;
    }
    d->keys = xrealloc(d->keys, (d->n + 1) * sizeof(*d->keys));
    d->keys[d->n++] = key;
    strmap_set(&d->lines, key, r->line);
}

static void dups_free(struct dups *d)
{
    strmap_free(&d->lines);
    for (size_t i = 0; i < d->n; i++)
        free(d->keys[i]);
    free(d->keys);
}

/* Reads and checks the source, writing the rows as stored into `rows`. */
static int read_source(const struct bulk_dialect *d, const char *path,
                       const struct bulk_settings *s, strbuf *rows, size_t *nrows,
                       struct bulk_problems *p)
{
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    void *layout = NULL;
    struct dups dups = {STRMAP_INIT, NULL, 0};
    int error;
    *nrows = 0;
    if ((error = orgctl_csv_open(&csv, path, NULL)) < 0)
        return error == ORGCTL_EINVALID ? (csv_problem(p, path), error) : error;
    if ((error = orgctl_csv_next(&rec, csv)) < 0) {
        csv_problem(p, path);
        goto done;
    }
    struct bulk_record r = {rec, 0, orgctl_csv_record_line(rec)};
    /* after a wrong header, every row would be wrong too: only the reader checks them */
    bool header_ok = d->layout_new(&layout, s, &r, p) == 0;
    store_record(d, layout, &r, true, rows, p);
    while ((error = orgctl_csv_next(&rec, csv)) == 0) {
        struct bulk_row row = {0};
        r.rec = rec;
        r.line = orgctl_csv_record_line(rec);
        (*nrows)++;
        if (header_ok && d->parse(layout, &r, &row, p) == 0) {
            size_t column;
            char *key = d->key(layout, &r, &column);
            if (key)
                check_duplicate(&dups, key, &r, column,
                                d == &bulk_gax ? "this user appears already on"
                                               : "duplicate row: the same as",
                                p);
        }
        bulk_row_clear(&row);
        if (p->count == 0 && (error = store_record(d, layout, &r, false, rows, p)) < 0)
            break;
    }
    if (error == ORGCTL_ITEROVER)
        error = 0;
    else if (error == ORGCTL_EINVALID)
        csv_problem(p, path);
done:
    dups_free(&dups);
    if (layout)
        d->layout_free(layout);
    orgctl_csv_free(csv);
    return p->count ? ORGCTL_EINVALID : error;
}

static cJSON *new_set(orgctl_repo *repo, const char *name, const char *path,
                      const orgctl_bulk_create_options *o, size_t nrows)
{
    cJSON *set = cJSON_CreateObject();
    cJSON_AddStringToObject(set, "name", name);
    cJSON_AddStringToObject(set, "format", o->format == ORGCTL_BULK_GAX ? "gax" : "native");
    cJSON_AddStringToObject(set, "source", path);
    if (o->kind && o->format != ORGCTL_BULK_GAX)
        cJSON_AddStringToObject(set, "kind", o->kind);
    if (o->org && *o->org)
        cJSON_AddStringToObject(set, "org", o->org);
    cJSON_AddNumberToObject(set, "rows", (double)nrows);
    stamp(repo, set, "created", "created_by");
    return set;
}

/* Writes set.json (and rows.csv when given) as one change set. */
static int store_set(orgctl_repo *repo, const cJSON *set, const strbuf *rows,
                     const char *command, const char *summary, char **id_out)
{
    orgctl_changeset *cs = NULL;
    const char *name = set_str(set, "name");
    char *json = orgctl_json_canonical(set);
    char *set_file = set_path(name, "set.json"), *rows_file = set_path(name, "rows.csv");
    int error = orgctl_changeset_begin(&cs, repo, command ? command : summary, set_str(set, "org"));
    if (!error)
        error = orgctl_changeset_put_raw(cs, set_file, json, strlen(json));
    if (!error && rows)
        error = orgctl_changeset_put_raw(cs, rows_file, rows->buf, rows->len);
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

int orgctl_bulk_create(orgctl_repo *repo, const char *name, const char *path,
                       const orgctl_bulk_create_options *opts, char **id_out, cJSON **out)
{
    orgctl_bulk_create_options o = ORGCTL_BULK_CREATE_OPTIONS_INIT;
    const struct bulk_dialect *d;
    struct bulk_run run = {0};
    struct bulk_problems p = {path, NULL, 0};
    strbuf rows = STRBUF_INIT, summary = STRBUF_INIT;
    cJSON *set = NULL;
    size_t nrows = 0;
    int error;
    if (opts)
        o = *opts;
    d = o.format == ORGCTL_BULK_GAX ? &bulk_gax : &bulk_native;
    *out = NULL;
    if (id_out)
        *id_out = NULL;
    if ((error = check_name(name)) < 0 || (error = check_permission(repo, NULL, o.org, PERM_ADD)) < 0)
        return error;
    if (load_set(repo, name, &set) == 0) {
        error = orgctl_error_set(ORGCTL_EEXISTS, "bulk set \"%s\" exists already (status %s)",
                                 name, set_str(set, "status"));
        goto done;
    }
    orgctl_error_clear();
    struct bulk_settings s = {path, o.kind, repo, o.org};
    if ((error = read_source(d, path, &s, &rows, &nrows, &p)) < 0) {
        if (error == ORGCTL_EINVALID) {
            *out = cJSON_CreateObject();
            cJSON_AddStringToObject(*out, "name", name);
            cJSON_AddItemToObject(*out, "problems", p.list);
            p.list = NULL;
            error = problems_error(&p);
        }
        goto done;
    }
    set = new_set(repo, name, path, &o, nrows);
    struct bulk_rows in_memory = {NULL, rows.buf, rows.len};
    if ((error = dry_run(repo, set, &in_memory, &run)) < 0)
        goto done;
    cJSON *report_json = report(set, &run, pending_status(&run));
    cJSON_Delete(set);
    set = report_json;
    strbuf_addf(&summary, "bulk create %s: %zu row%s from %s", name, nrows,
                nrows == 1 ? "" : "s", path);
    if ((error = store_set(repo, set, &rows, o.command, strbuf_str(&summary), id_out)) < 0)
        goto done;
    *out = set;
    set = NULL;
done:
    cJSON_Delete(set);
    cJSON_Delete(p.list);
    bulk_run_release(&run);
    strbuf_release(&rows);
    strbuf_release(&summary);
    return error;
}

/* --- plan and exec --- */

static int write_all(int fd, const void *data, size_t len)
{
    for (const char *p = data; len > 0;) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return orgctl_error_set(ORGCTL_ERROR, "cannot write a temporary file: %s",
                                    strerror(errno));
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Copies the blob `id` into the open file fd, streamed when the object database can
 * (a loose object: a 1M-row set's 100 MB of rows never sit in memory). */
static int copy_blob(orgctl_repo *repo, const git_oid *id, int fd)
{
    git_odb *odb = NULL;
    git_odb_stream *st = NULL;
    git_odb_object *obj = NULL;
    size_t len = 0, got = 0;
    git_object_t type;
    char buf[1 << 16];
    int error = git_repository_odb(&odb, repo->git);
    if (error < 0)
        return orgctl_git_error(error, "cannot open the object database");
    if (git_odb_open_rstream(&st, &len, &type, odb, id) == 0) {
        int n = 0;
        while (got < len && (n = git_odb_stream_read(st, buf, sizeof(buf))) > 0 &&
               (error = write_all(fd, buf, (size_t)n)) == 0)
            got += (size_t)n;
        if (!error && got < len)
            error = orgctl_git_error(n < 0 ? n : GIT_ERROR, "cannot read the rows");
    } else if ((error = git_odb_read(&obj, odb, id)) < 0) {
        error = orgctl_git_error(error, "cannot read the rows");
    } else {
        error = write_all(fd, git_odb_object_data(obj), git_odb_object_size(obj));
    }
    git_error_clear();
    git_odb_stream_free(st);
    git_odb_object_free(obj);
    git_odb_free(odb);
    return error;
}

/* The rows of set `name`, in a temporary file already unlinked: read it as `path`
 * ("/dev/fd/N") until *fd is closed. */
static int open_rows(orgctl_repo *repo, const char *name, int *fd, char *path, size_t size)
{
    git_tree *tree = NULL;
    git_tree_entry *te = NULL;
    char *file = set_path(name, "rows.csv");
    strbuf tmp = STRBUF_INIT;
    int error;
    *fd = -1;
    if ((error = orgctl_commit_tree(&tree, repo->git, &repo->head)) < 0)
        goto done;
    if (git_tree_entry_bypath(&te, tree, file) < 0) {
        git_error_clear();
        error = orgctl_error_set(ORGCTL_ERROR, "bulk set \"%s\" has no rows.csv", name);
        goto done;
    }
    strbuf_addf(&tmp, "%s/orgctl/tmp-bulk-rows-XXXXXX", repo->gitdir);
    if ((*fd = mkstemp(tmp.buf)) < 0) {
        error = orgctl_error_set(ORGCTL_ERROR, "cannot create %s: %s", tmp.buf, strerror(errno));
        goto done;
    }
    unlink(tmp.buf);
    snprintf(path, size, "/dev/fd/%d", *fd);
    error = copy_blob(repo, git_tree_entry_id(te), *fd);
done:
    if (error < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    strbuf_release(&tmp);
    git_tree_entry_free(te);
    git_tree_free(tree);
    free(file);
    return error;
}

/* The set `name`, pending, with its rows (a file to close). */
static int load_pending(orgctl_repo *repo, const char *name, const char *permission,
                        cJSON **set, int *rows_fd, char *rows_path, size_t size)
{
    int error;
    *rows_fd = -1;
    if ((error = load_set(repo, name, set)) < 0 ||
        (error = check_permission(repo, *set, NULL, permission)) < 0)
        goto done;
    if (executed(*set)) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "bulk set \"%s\" was executed already (change set %s, %s)",
                                 name, set_str(*set, "change_set"), set_str(*set, "status"));
        goto done;
    }
    error = open_rows(repo, name, rows_fd, rows_path, size);
done:
    if (error < 0) {
        cJSON_Delete(*set);
        *set = NULL;
    }
    return error;
}

int orgctl_bulk_plan(orgctl_repo *repo, const char *name, cJSON **out)
{
    cJSON *set = NULL;
    char path[32];
    struct bulk_rows rows = {path, NULL, 0};
    struct bulk_run run = {0};
    int fd, error;
    *out = NULL;
    if ((error = load_pending(repo, name, PERM_VIEW, &set, &fd, path, sizeof(path))) < 0)
        return error;
    error = dry_run(repo, set, &rows, &run);
    if (!error) {
        *out = report(set, &run, pending_status(&run));
        if (run.problems.count)
            error = problems_error(&run.problems);
    }
    bulk_run_release(&run);
    close(fd);
    cJSON_Delete(set);
    return error;
}

/* Writes the failing rows next to their final name, before the change set is committed:
 * a file that cannot be written stops the exec while nothing is changed yet. *tmp
 * receives the temporary name (caller renames or removes it, and frees it). */
static int write_failures(const char *path, const strbuf *csv, char **tmp)
{
    strbuf name = STRBUF_INIT;
    strbuf_addf(&name, "%s.tmp-XXXXXX", path);
    *tmp = strbuf_detach(&name, NULL);
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        int error = orgctl_error_set(ORGCTL_ERROR, "cannot write %s: %s", path, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return error;
    }
    ssize_t w = write(fd, csv->buf, csv->len);
    if (close(fd) < 0 || w < 0 || (size_t)w != csv->len)
        return orgctl_error_set(ORGCTL_ERROR, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* The set as executed: its status and the change set that holds its rows. */
static cJSON *executed_set(orgctl_repo *repo, orgctl_changeset *cs, const cJSON *set,
                           const struct bulk_run *run)
{
    const char *status = run->failed == 0 ? "completed" : run->applied ? "failed" : "not executed";
    cJSON *done = report(set, run, status);
    char id[32];
    snprintf(id, sizeof(id), "%ld", orgctl_changeset_next_id(cs));
    stamp(repo, done, "executed", "executed_by");
    replace(done, "change_set", cJSON_CreateString(id));
    replace(done, "applied", cJSON_CreateNumber((double)run->applied));
    replace(done, "failed", cJSON_CreateNumber((double)run->failed));
    return done;
}

int orgctl_bulk_exec(orgctl_repo *repo, const char *name, const orgctl_bulk_exec_options *opts,
                     char **id_out, cJSON **out)
{
    orgctl_bulk_exec_options o = ORGCTL_BULK_EXEC_OPTIONS_INIT;
    cJSON *set = NULL, *done = NULL;
    char path[32];
    struct bulk_rows rows = {path, NULL, 0};
    int fd = -1;
    orgctl_changeset *cs = NULL;
    struct bulk_run run = {0};
    strbuf summary = STRBUF_INIT;
    char *json = NULL, *set_file = set_path(name, "set.json"), *failures_tmp = NULL;
    int error;
    if (opts)
        o = *opts;
    *out = NULL;
    if (id_out)
        *id_out = NULL;
    if ((error = load_pending(repo, name, PERM_EXECUTE, &set, &fd, path, sizeof(path))) < 0 ||
        (error = orgctl_changeset_begin(&cs, repo, o.command ? o.command : "orgctl bulk exec",
                                        set_str(set, "org"))) < 0)
        goto done;
    orgctl_changeset_set_bulk(cs, false);
    run.want_failures = o.continue_on_error;
    run.progress = o.progress;
    run.payload = o.payload;
    if ((error = run_set(repo, cs, set, &rows, &run)) < 0)
        goto done;
    if (run.failed && !o.continue_on_error) {
        *out = report(set, &run, set_str(set, "status"));
        error = problems_error(&run.problems);
        goto done; /* nothing is applied */
    }
    done = executed_set(repo, cs, set, &run);
    json = orgctl_json_canonical(done);
    strbuf_addf(&summary, "bulk exec %s: %zu row%s applied", name, run.applied,
                run.applied == 1 ? "" : "s");
    if (run.failed)
        strbuf_addf(&summary, ", %zu failed", run.failed);
    if ((error = orgctl_changeset_put_raw(cs, set_file, json, strlen(json))) < 0 ||
        (run.failed && o.failures_path &&
         (error = write_failures(o.failures_path, &run.failures, &failures_tmp)) < 0))
        goto done;
    orgctl_changeset_add_trailer(cs, "Bulk-Set", name);
    if ((error = orgctl_changeset_commit(cs, strbuf_str(&summary), id_out)) < 0)
        goto done;
    if (failures_tmp && rename(failures_tmp, o.failures_path) < 0)
        error = orgctl_error_set(ORGCTL_ERROR, "cannot write %s: %s (the failing rows are in "
                                 "%s)", o.failures_path, strerror(errno), failures_tmp);
    free(failures_tmp); /* kept on disk when it could not be moved */
    failures_tmp = NULL;
    *out = done;
    done = NULL;
done:
    if (failures_tmp)
        unlink(failures_tmp);
    free(failures_tmp);
    orgctl_changeset_free(cs);
    bulk_run_release(&run);
    if (fd >= 0)
        close(fd);
    cJSON_Delete(set);
    cJSON_Delete(done);
    strbuf_release(&summary);
    free(json);
    free(set_file);
    return error;
}

/* --- list, show, rm, columns --- */

int orgctl_bulk_list(orgctl_repo *repo, enum orgctl_bulk_filter filter, cJSON **out)
{
    git_tree *tree = NULL, *bulk = NULL;
    git_tree_entry *te = NULL;
    int error;
    *out = NULL;
    if ((error = orgctl_perm_check(repo, NULL, PERM_VIEW)) < 0 ||
        (error = orgctl_repo_git_open(repo)) < 0)
        return error;
    cJSON *arr = cJSON_CreateArray();
    if (repo->has_head && (error = orgctl_commit_tree(&tree, repo->git, &repo->head)) == 0 &&
        git_tree_entry_bypath(&te, tree, "bulk") == 0 &&
        git_tree_lookup(&bulk, repo->git, git_tree_entry_id(te)) == 0) {
        for (size_t i = 0; i < git_tree_entrycount(bulk) && !error; i++) {
            cJSON *set = NULL;
            if (load_set(repo, git_tree_entry_name(git_tree_entry_byindex(bulk, i)), &set) < 0) {
                orgctl_error_clear();
                continue;
            }
            bool keep = filter == ORGCTL_BULK_ALL ||
                        (filter == ORGCTL_BULK_PENDING) == !executed(set);
            if (keep)
                cJSON_AddItemToArray(arr, set);
            else
                cJSON_Delete(set);
        }
    }
    git_error_clear();
    git_tree_entry_free(te);
    git_tree_free(bulk);
    git_tree_free(tree);
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
            const char *v = orgctl_csv_record_field(rec, i, NULL);
            if (*v && strcmp(names[i], "Password Hash") == 0)
                v = "(hashed)"; /* a GAX set's: not shown */
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

int orgctl_bulk_show(orgctl_repo *repo, const char *name, cJSON **out)
{
    cJSON *set = NULL, *rows_arr = NULL;
    git_blob *rows = NULL;
    char *path = set_path(name, "rows.csv");
    int error;
    *out = NULL;
    if ((error = load_set(repo, name, &set)) < 0 ||
        (error = check_permission(repo, set, NULL, PERM_VIEW)) < 0)
        goto done;
    if ((error = head_blob(repo, path, &rows)) == 0)
        error = rows_json(set_str(set, "source"), git_blob_rawcontent(rows),
                          (size_t)git_blob_rawsize(rows), &rows_arr);
    else if (error == ORGCTL_ENOTFOUND)
        error = 0;
    if (error < 0)
        goto done;
    replace(set, "records", rows_arr ? rows_arr : cJSON_CreateArray());
    rows_arr = NULL;
    *out = set;
    set = NULL;
done:
    cJSON_Delete(set);
    cJSON_Delete(rows_arr);
    git_blob_free(rows);
    free(path);
    return error;
}

int orgctl_bulk_rm(orgctl_repo *repo, const char *name, const char *command, char **id_out)
{
    cJSON *set = NULL;
    orgctl_changeset *cs = NULL;
    char *set_file = set_path(name, "set.json"), *rows_file = set_path(name, "rows.csv");
    strbuf summary = STRBUF_INIT;
    int error;
    if (id_out)
        *id_out = NULL;
    if ((error = load_set(repo, name, &set)) < 0 ||
        (error = check_permission(repo, set, NULL, PERM_DELETE)) < 0)
        goto done;
    if (executed(set)) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "bulk set \"%s\" was executed (change set %s): it is history "
                                 "now; \"orgctl rollback %s\" undoes it",
                                 name, set_str(set, "change_set"), set_str(set, "change_set"));
        goto done;
    }
    strbuf_addf(&summary, "bulk rm %s", name);
    if ((error = orgctl_changeset_begin(&cs, repo, command ? command : strbuf_str(&summary),
                                        set_str(set, "org"))) < 0 ||
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
        if (!((*op)->flags & ORGCTL_OP_WRITE))
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
