/* Running bulk sets: create reads and checks a file and stores it (lib/bulk/bulk_store.c),
 * plan tries its rows in a change set that is thrown away, exec applies them.
 *
 * A set is created, and executed, as a change set of its own: executing writes the rows'
 * changes and the set's new status in one commit, so rolling that change set back makes
 * the set pending again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "bulk_internal.h"
#include "options_version.h"
#include "orgctl/json.h"
#include "orgctl/settings.h"
#include "sha1.h"
#include "strmap.h"

static const struct bulk_dialect *dialect_of(const cJSON *set)
{
    const char *f = bulk_set_str(set, "format");
    return f && strcmp(f, bulk_gax.name) == 0 ? &bulk_gax : &bulk_native;
}

static size_t set_rows(const cJSON *set)
{
    return (size_t)cJSON_GetNumberValue(cJSON_GetObjectItem(set, "rows"));
}

/* Runs the stored rows of `set` in cs (a change set begun with ORGCTL_BULK_ROWS), filling
 * `run`. */
static int run_set(orgctl_repo *repo, orgctl_changeset *cs, const cJSON *set,
                   const struct bulk_rows *rows, struct bulk_run *run)
{
    run->repo = repo;
    run->cs = cs;
    run->org = bulk_set_str(set, "org");
    run->dialect = dialect_of(set);
    run->settings.file = bulk_set_str(set, "source");
    run->settings.kind = bulk_set_str(set, "kind");
    run->problems.file = run->settings.file;
    run->total = set_rows(set);
    return bulk_run_rows(run, rows);
}

/* Runs the rows in a change set that is then thrown away: what they would do now. */
static int dry_run(orgctl_repo *repo, const cJSON *set, const struct bulk_rows *rows,
                   struct bulk_run *run)
{
    orgctl_changeset *cs = NULL;
    int error = orgctl_changeset_begin_bulk(&cs, repo, "orgctl bulk plan", NULL, set_rows(set),
                                            ORGCTL_BULK_ROWS | ORGCTL_BULK_DRY);
    if (error < 0)
        return error;
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
    bulk_replace(out, "status", cJSON_CreateString(status));
    bulk_replace(out, "changes",
                 run->changes ? cJSON_Duplicate(run->changes, 1) : cJSON_CreateArray());
    bulk_replace(out, "problems",
                 run->problems.list ? cJSON_Duplicate(run->problems.list, 1) : cJSON_CreateArray());
    return out;
}

static int problems_error(const struct bulk_problems *p)
{
    const char *file = p->file ? p->file : "the rows";
    char listed[64] = "";
    if (p->count > BULK_MAX_PROBLEMS)
        snprintf(listed, sizeof(listed), " (the first %d listed)", BULK_MAX_PROBLEMS);
    if (p->stopped)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%zu problem%s in %s%s; reading stopped at line %zu, the rest "
                                "was not checked",
                                p->count, p->count == 1 ? "" : "s", file, listed, p->stopped);
    return orgctl_error_set(ORGCTL_EINVALID, "%zu problem%s in %s%s", p->count,
                            p->count == 1 ? "" : "s", file, listed);
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

/* The stored rows, written to an unlinked temporary file as they are read: a set's file
 * may be a gigabyte, its reading stays within a few megabytes. */
struct spool {
    int fd;
    strbuf buf;
    size_t len;
    char *map; /* all of it, once read */
};

static int spool_flush(struct spool *sp)
{
    int error = bulk_write_all(sp->fd, sp->buf.buf, sp->buf.len);
    sp->len += sp->buf.len;
    strbuf_reset(&sp->buf);
    return error;
}

/* Maps what was written: the rows to try and to store. */
static int spool_map(struct spool *sp)
{
    int error = spool_flush(sp);
    if (error < 0 || sp->len == 0)
        return error;
    void *m = mmap(NULL, sp->len, PROT_READ, MAP_PRIVATE, sp->fd, 0);
    if (m == MAP_FAILED)
        return orgctl_error_set(ORGCTL_ERROR, "cannot map the rows: %s", strerror(errno));
    sp->map = m;
    return 0;
}

static void spool_release(struct spool *sp)
{
    if (sp->map)
        munmap(sp->map, sp->len);
    if (sp->fd >= 0)
        close(sp->fd);
    strbuf_release(&sp->buf);
}

static int store_record(const struct bulk_dialect *d, void *layout, const struct bulk_record *r,
                        bool hdr, struct spool *sp, struct bulk_problems *p)
{
    strbuf *rows = &sp->buf;
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
    if (!error && rows->len >= 1 << 16)
        error = spool_flush(sp);
    return error;
}

/* The rows seen, by a digest of their key: 1M rows of 1 KB keep 60 MB, not a gigabyte. */
struct dups {
    strmap lines;
    arena keys;
};

static void check_duplicate(struct dups *d, char *key, const struct bulk_record *r, size_t column,
                            const char *what, struct bulk_problems *p)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[20];
    char digest[33];
    orgctl_sha1 c;
    orgctl_sha1_init(&c);
    orgctl_sha1_update(&c, key, strlen(key));
    orgctl_sha1_final(&c, md);
    free(key);
    for (int i = 0; i < 16; i++) {
        digest[2 * i] = hex[md[i] >> 4];
        digest[2 * i + 1] = hex[md[i] & 15];
    }
    digest[32] = '\0';
    size_t first;
    if (strmap_get(&d->lines, digest, &first))
        bulk_problem(p, r->line, column, "%s line %zu", what, first);
    else
        strmap_set(&d->lines, arena_strdup(&d->keys, digest), r->line);
}

static void dups_free(struct dups *d)
{
    strmap_free(&d->lines);
    arena_free(&d->keys);
}

/* What a set's file may hold: bulk.max_rows and bulk.max_megabytes in force in the set's
 * org, or the enterprise's while that org is not made yet. */
struct limits {
    size_t rows, bytes;
};

static long setting_default(const char *key)
{
    return strtol(orgctl_setting_lookup(key)->def, NULL, 10);
}

static int set_limits(orgctl_repo *repo, const char *org, struct limits *l)
{
    l->rows = (size_t)setting_default("bulk.max_rows");
    l->bytes = (size_t)setting_default("bulk.max_megabytes") << 20;
    if (!org || !*org || !orgctl_object_exists(repo, &orgctl_kind_org, org, org))
        org = repo->ctx->enterprise_org;
    if (!org || !orgctl_object_exists(repo, &orgctl_kind_org, org, org))
        return 0; /* nothing made yet: the defaults */
    cJSON *rows = NULL;
    int error = orgctl_settings_show(repo, org, &rows);
    if (error < 0)
        return error;
    l->rows = (size_t)orgctl_settings_int(rows, "bulk.max_rows");
    l->bytes = (size_t)orgctl_settings_int(rows, "bulk.max_megabytes") << 20;
    cJSON_Delete(rows);
    return 0;
}

/* Whether reading goes on after the record at `line`: not past the set's limits, nor
 * once BULK_MAX_PROBLEMS are listed (the rest would not be shown: a file of a million
 * bad rows is refused in the time of its first thousand). */
static bool read_on(const struct limits *l, orgctl_csv *csv, size_t nrows, size_t line,
                    struct bulk_problems *p)
{
    if (nrows > l->rows)
        bulk_problem(p, line, 1,
                     "more than %zu rows, the most a bulk set may hold here (setting "
                     "bulk.max_rows): split the file",
                     l->rows);
    else if (orgctl_csv_bytes_read(csv) > l->bytes)
        bulk_problem(p, line, 1,
                     "more than %zu MiB, the most a bulk set's file may hold here (setting "
                     "bulk.max_megabytes): split the file",
                     l->bytes >> 20);
    else if (p->count < BULK_MAX_PROBLEMS)
        return true;
    p->stopped = line;
    return false;
}

/* Reads and checks the source, writing the rows as stored into `rows`. */
static int read_source(const struct bulk_dialect *d, const char *path,
                       const struct bulk_settings *s, const struct limits *limits,
                       struct spool *rows, size_t *nrows, struct bulk_problems *p)
{
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    void *layout = NULL;
    struct dups dups = {STRMAP_INIT, ARENA_INIT};
    int error;
    /* a compressed file inflates no further than the set may hold (the reader's own
     * bound, a little beyond, so that the set's says why) */
    orgctl_csv_options opts = ORGCTL_CSV_OPTIONS_INIT;
    opts.max_input_size = limits->bytes + ((size_t)1 << 20);
    *nrows = 0;
    if ((error = orgctl_csv_open(&csv, path, &opts)) < 0)
        return error == ORGCTL_EINVALID ? (csv_problem(p, path), error) : error;
    if ((error = orgctl_csv_next(&rec, csv)) < 0) {
        csv_problem(p, path);
        goto done;
    }
    struct bulk_record r = {rec, 0, orgctl_csv_record_line(rec)};
    /* after a wrong header, every row would be wrong too: only the reader checks them */
    bool header_ok = d->layout_new(&layout, s, &r, p) == 0;
    if ((error = store_record(d, layout, &r, true, rows, p)) < 0)
        goto done;
    while ((error = orgctl_csv_next(&rec, csv)) == 0) {
        struct bulk_row row = {0};
        r.rec = rec;
        r.line = orgctl_csv_record_line(rec);
        if (!read_on(limits, csv, ++*nrows, r.line, p))
            break;
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
        /* every row's cells are checked as stored (a password file read), but once the
         * set is refused, nothing more is kept */
        if ((error = store_record(d, layout, &r, false, rows, p)) < 0)
            break;
        if (p->count)
            strbuf_reset(&rows->buf);
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
    bulk_stamp(repo, set, "created", "created_by");
    return set;
}

int orgctl_bulk_create(orgctl_repo *repo, const char *name, const char *path,
                       const orgctl_bulk_create_options *opts, char **id_out, cJSON **out)
{
    orgctl_bulk_create_options o = ORGCTL_BULK_CREATE_OPTIONS_INIT;
    const struct bulk_dialect *d;
    struct bulk_run run = {0};
    struct bulk_problems p = {path, NULL, 0, 0};
    struct spool rows = {-1, STRBUF_INIT, 0, NULL};
    struct limits limits;
    strbuf summary = STRBUF_INIT;
    cJSON *set = NULL;
    size_t nrows = 0;
    int error;
    *out = NULL;
    if (id_out)
        *id_out = NULL;
    if (opts && (error = orgctl_options_version_check("bulk create", opts->version,
                                                      ORGCTL_BULK_CREATE_OPTIONS_VERSION)) < 0)
        return error;
    if (opts)
        o = *opts;
    d = o.format == ORGCTL_BULK_GAX ? &bulk_gax : &bulk_native;
    if ((error = bulk_check_name(name)) < 0 ||
        (error = bulk_check_permission(repo, NULL, o.org, PERM_ADD)) < 0)
        return error;
    if (bulk_load_set(repo, name, &set) == 0) {
        error = orgctl_error_set(ORGCTL_EEXISTS, "bulk set \"%s\" exists already (status %s)", name,
                                 bulk_set_str(set, "status"));
        goto done;
    }
    orgctl_error_clear();
    struct bulk_settings s = {path, o.kind, repo, o.org};
    if ((error = set_limits(repo, o.org, &limits)) < 0 ||
        (error = bulk_tmpfile(repo, &rows.fd)) < 0)
        goto done;
    if ((error = read_source(d, path, &s, &limits, &rows, &nrows, &p)) < 0) {
        if (error == ORGCTL_EINVALID) {
            *out = cJSON_CreateObject();
            cJSON_AddStringToObject(*out, "name", name);
            cJSON_AddNumberToObject(*out, "problem_count", (double)p.count);
            if (p.stopped)
                cJSON_AddNumberToObject(*out, "stopped_at_line", (double)p.stopped);
            cJSON_AddItemToObject(*out, "problems", p.list);
            p.list = NULL;
            error = problems_error(&p);
        }
        goto done;
    }
    if ((error = spool_map(&rows)) < 0)
        goto done;
    set = new_set(repo, name, path, &o, nrows);
    struct bulk_rows in_memory = {NULL, rows.map, rows.len};
    if ((error = dry_run(repo, set, &in_memory, &run)) < 0)
        goto done;
    cJSON *report_json = report(set, &run, pending_status(&run));
    cJSON_Delete(set);
    set = report_json;
    strbuf_addf(&summary, "bulk create %s: %zu row%s from %s", name, nrows, nrows == 1 ? "" : "s",
                path);
    if ((error = bulk_store_set(repo, set, rows.map ? rows.map : "", rows.len, o.command,
                                strbuf_str(&summary), id_out)) < 0)
        goto done;
    *out = set;
    set = NULL;
done:
    cJSON_Delete(set);
    cJSON_Delete(p.list);
    bulk_run_release(&run);
    spool_release(&rows);
    strbuf_release(&summary);
    return error;
}

/* --- plan and exec --- */

/* The set `name`, pending, with its rows (a file to close). */
static int load_pending(orgctl_repo *repo, const char *name, const char *permission, cJSON **set,
                        int *rows_fd, char *rows_path, size_t size)
{
    int error;
    *rows_fd = -1;
    if ((error = bulk_load_set(repo, name, set)) < 0 ||
        (error = bulk_check_permission(repo, *set, NULL, permission)) < 0)
        goto done;
    if (bulk_executed(*set)) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "bulk set \"%s\" was executed already (change set %s, %s)", name,
                                 bulk_set_str(*set, "change_set"), bulk_set_str(*set, "status"));
        goto done;
    }
    error = bulk_open_rows(repo, name, rows_fd, rows_path, size);
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
        int error = orgctl_errno_error(errno, "cannot write %s", path);
        free(*tmp);
        *tmp = NULL;
        return error;
    }
    int w = orgctl_write_all(fd, csv->buf, csv->len), saved = errno;
    if (close(fd) < 0 || w < 0)
        return orgctl_errno_error(w < 0 ? saved : errno, "cannot write %s", path);
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
    bulk_stamp(repo, done, "executed", "executed_by");
    bulk_replace(done, "change_set", cJSON_CreateString(id));
    bulk_replace(done, "applied", cJSON_CreateNumber((double)run->applied));
    bulk_replace(done, "failed", cJSON_CreateNumber((double)run->failed));
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
    char *json = NULL, *set_file = NULL, *failures_tmp = NULL;
    int error;
    *out = NULL;
    if (id_out)
        *id_out = NULL;
    if (opts && (error = orgctl_options_version_check("bulk exec", opts->version,
                                                      ORGCTL_BULK_EXEC_OPTIONS_VERSION)) < 0)
        return error;
    set_file = bulk_set_path(name, "set.json");
    if (opts)
        o = *opts;
    if ((error = load_pending(repo, name, PERM_EXECUTE, &set, &fd, path, sizeof(path))) < 0 ||
        (error = orgctl_changeset_begin_bulk(&cs, repo, o.command ? o.command : "orgctl bulk exec",
                                             bulk_set_str(set, "org"), set_rows(set),
                                             ORGCTL_BULK_ROWS)) < 0)
        goto done;
    run.want_failures = o.continue_on_error;
    run.stop_on_refusal = true; /* even with continue_on_error: no burning others' sets */
    run.progress = o.progress;
    run.payload = o.payload;
    if ((error = run_set(repo, cs, set, &rows, &run)) < 0)
        goto done;
    if (run.failed && !o.continue_on_error) {
        *out = report(set, &run, bulk_set_str(set, "status"));
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
        (run.failed && o.failures_path && !repo->dry_run && /* a dry run writes no file */
         (error = write_failures(o.failures_path, &run.failures, &failures_tmp)) < 0))
        goto done;
    orgctl_changeset_add_trailer(cs, "Bulk-Set", name);
    if ((error = orgctl_changeset_commit(cs, strbuf_str(&summary), id_out)) < 0)
        goto done;
    if (failures_tmp && rename(failures_tmp, o.failures_path) < 0)
        error = orgctl_errno_error(errno, "cannot write %s (the failing rows are in %s)",
                                   o.failures_path, failures_tmp);
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
