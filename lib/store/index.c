/* The SQLite index: a cache of the objects at one commit, for queries. It records the
 * commit it reflects and catches up by walking only the trees that changed. Deleting it
 * loses nothing. A change set stages its changes in an open transaction here, so reads
 * during the change set see them. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "index_key.h"
#include "store.h"
#include "strmap.h"
#include "utf8.h"

/* 5: the invalid table; 6: values ignoring case are case-folded (one branch), or
 * invalid.damaged (another); 7: both, so an index either made is built anew */
#define SCHEMA_VERSION 7
#define SCHEMA_VERSION_TEXT "7"

/* Both tables are keyed by what queries ask for, without rowids or second indexes: one
 * B-tree insert per object and per indexed value (three each before, which was most of a
 * bulk run's time), and objects in name order, so a sorted file of new users appends
 * instead of writing all over the table. attrs' key is one text column (index_key.h):
 * kind, org, field, value and name. An object's attrs rows are found from its JSON, so
 * deleting them needs no index by name. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS objects(kind TEXT NOT NULL, org TEXT NOT NULL,"
    " name TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY(kind, org, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS attrs(key TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL)"
    " WITHOUT ROWID;"
    /* The files of the tree that break their kind's rules: never in objects, so queries
     * pass them over at no cost; kind, org and name as the path gives them, and with
     * `missing` the key (orgctl_index_key_add of kind, org, name) of the object a
     * reference names that does not exist, so its arrival can clear them; `damaged` when
     * the file cannot be read at all (its blob is missing from the object database). */
    "CREATE TABLE IF NOT EXISTS invalid(path TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL,"
    " org TEXT NOT NULL, name TEXT NOT NULL, problem TEXT NOT NULL, missing TEXT,"
    " damaged INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS invalid_object ON invalid(kind, org, name);"
    "CREATE INDEX IF NOT EXISTS invalid_missing ON invalid(missing) WHERE missing IS NOT NULL;";

static int exec_now(orgctl_repo *repo, const char *sql)
{
    if (sqlite3_exec(repo->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return orgctl_sqlite_error(repo->db, NULL);
    return 0;
}

int orgctl_index_exec(orgctl_repo *repo, const char *sql)
{
    int error = orgctl_index_sync(repo);
    return error < 0 ? error : exec_now(repo, sql);
}

void orgctl_index_abort(orgctl_repo *repo)
{
    sqlite3_exec(repo->db, "ROLLBACK", NULL, NULL, NULL);
}

bool orgctl_index_read_begin(orgctl_repo *repo)
{
    return sqlite3_get_autocommit(repo->db) && orgctl_index_exec(repo, "BEGIN") == 0;
}

void orgctl_index_read_end(orgctl_repo *repo, bool began)
{
    if (began)
        orgctl_index_exec(repo, "COMMIT");
}

static const char *const savepoint_sql[] = {
    [ORGCTL_SAVEPOINT_BEGIN] = "SAVEPOINT row",
    [ORGCTL_SAVEPOINT_RELEASE] = "RELEASE row",
    [ORGCTL_SAVEPOINT_ROLLBACK] = "ROLLBACK TO row; RELEASE row",
};

int orgctl_index_savepoint_now(orgctl_repo *repo, enum orgctl_savepoint what)
{
    int error = exec_now(repo, savepoint_sql[what]);
    if (!error)
        orgctl_index_inserts_savepoint(repo, what);
    return error;
}

int orgctl_index_savepoint(orgctl_repo *repo, enum orgctl_savepoint what)
{
    if (what != ORGCTL_SAVEPOINT_ROLLBACK)
        return repo->writer ? orgctl_index_writer_savepoint(repo, what)
                            : orgctl_index_savepoint_now(repo, what);
    if (repo->writer && orgctl_index_writer_undo(repo))
        return 0; /* its writes were never made */
    /* the writes queued before it, but not the inserts kept: the rollback drops some */
    int error = repo->writer ? orgctl_index_writer_wait(repo, orgctl_index_writer_last(repo))
                             : orgctl_index_flush_deletes(repo);
    return error < 0 ? error : orgctl_index_savepoint_now(repo, what);
}

static _Thread_local struct orgctl_stmt_cache *thread_stmts;

void orgctl_index_thread_stmts(struct orgctl_stmt_cache *c)
{
    thread_stmts = c;
}

void orgctl_index_stmts_finalize(struct orgctl_stmt_cache *c)
{
    for (int i = 0; i < c->n; i++)
        sqlite3_finalize(c->st[i]);
    c->n = 0;
}

sqlite3_stmt *orgctl_index_stmt_now(orgctl_repo *repo, const char *sql)
{
    struct orgctl_stmt_cache *c = thread_stmts ? thread_stmts : &repo->stmts;
    for (int i = 0; i < c->n; i++)
        if (c->sql[i] == sql) {
            sqlite3_reset(c->st[i]);
            sqlite3_clear_bindings(c->st[i]);
            return c->st[i];
        }
    if (c->n == (int)(sizeof(c->st) / sizeof(c->st[0]))) {
        orgctl_error_set(ORGCTL_ERROR, "index: too many statements"); /* a bug: raise 48 */
        return NULL;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(repo->db, sql, -1, &st, NULL) != SQLITE_OK) {
        orgctl_sqlite_error(repo->db, "prepare");
        return NULL;
    }
    c->sql[c->n] = sql;
    c->st[c->n++] = st;
    return st;
}

sqlite3_stmt *orgctl_index_stmt(orgctl_repo *repo, const char *sql)
{
    return orgctl_index_sync(repo) < 0 ? NULL : orgctl_index_stmt_now(repo, sql);
}

static const char *meta_get_sql = "SELECT value FROM meta WHERE key = ?1";

static char *meta_get(orgctl_repo *repo, const char *key)
{
    sqlite3_stmt *st = orgctl_index_stmt(repo, meta_get_sql);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return v;
}

static int meta_set(orgctl_repo *repo, const char *key, const char *value)
{
    static const char *sql = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)";
    sqlite3_stmt *st = orgctl_index_stmt(repo, sql);
    if (!st)
        return ORGCTL_ERROR;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : orgctl_sqlite_error(repo->db, "write meta");
}

/* casefold(TEXT) in SQL: orgctl_utf8_casefold, for what is searched ignoring case. */
static void casefold_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    strbuf sb = STRBUF_INIT;
    orgctl_utf8_casefold(&sb, s);
    size_t len = sb.len;
    sqlite3_result_text(ctx, strbuf_detach(&sb, NULL), (int)len, free);
}

/* The SQL functions queries use, on every connection (file, as is, or in memory). */
static void register_functions(sqlite3 *db)
{
    sqlite3_create_function(db, "casefold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            casefold_sql, NULL, NULL);
}

/* The schema version of an open index (PRAGMA user_version); -1 when it cannot be read. */
static int schema_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return version;
}

/* Opens the index at `path` (":memory:" for one that is nowhere) for reading and writing,
 * made anew when it has another layout. */
static int open_at(orgctl_repo *repo, const char *path)
{
    /* SQLite opens the file read-only when it cannot open it for writing, and says so
     * only at the first write ("attempt to write a readonly database"): the cause is named
     * now, or, when the file opens for writing here (a passing failure), tried again. */
    for (int attempt = 0;; attempt++) {
        int rc = sqlite3_open_v2(path, &repo->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 NULL);
        if (rc != SQLITE_OK)
            return orgctl_sqlite_error(repo->db, "open");
        if (sqlite3_db_readonly(repo->db, "main") != 1)
            break;
        sqlite3_close(repo->db);
        repo->db = NULL;
        int fd = open(path, O_RDWR | O_CLOEXEC);
        int err = fd < 0 ? errno : EIO;
        if (fd >= 0)
            close(fd);
        if (fd < 0 || attempt > 0)
            return orgctl_errno_error(err, "index: cannot open %s for writing", path);
    }
    register_functions(repo->db);
    sqlite3_busy_timeout(repo->db, 30000);
    int error;
    if ((error = orgctl_index_exec(repo, "PRAGMA synchronous=NORMAL")) < 0)
        return error;
    /* user_version holds the schema version: a current index needs no schema work, which
     * keeps a query's start-up short. */
    if (schema_version(repo->db) == SCHEMA_VERSION)
        return 0;
    /* New, or another layout: start over; the index is derived data. 16 KB pages (for a
     * new file: WAL fixes them): a bulk set's commit copies its whole index from the WAL
     * into the file, a fifth faster than in 4 KB pages. */
    if ((error = orgctl_index_exec(repo, "PRAGMA page_size=16384")) < 0 ||
        (error = orgctl_index_exec(repo, "PRAGMA journal_mode=WAL")) < 0 ||
        (error = orgctl_index_exec(repo, "BEGIN IMMEDIATE; DROP TABLE IF EXISTS objects;"
                                         "DROP TABLE IF EXISTS attrs; DROP TABLE IF EXISTS meta;"
                                         "DROP TABLE IF EXISTS invalid;")) < 0 ||
        (error = orgctl_index_exec(repo, schema)) < 0 ||
        (error = orgctl_index_exec(repo, "PRAGMA user_version=" SCHEMA_VERSION_TEXT "; COMMIT")) <
            0)
        sqlite3_exec(repo->db, "ROLLBACK", NULL, NULL, NULL);
    return error;
}

/* "file:PATH?QUERY" with the characters a URI reserves in PATH escaped. */
static char *file_uri(const char *path, const char *query)
{
    strbuf uri = STRBUF_INIT;
    strbuf_adds(&uri, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (strchr("?#%", *p) || *p < 0x20 || *p >= 0x7f)
            strbuf_addf(&uri, "%%%02X", *p);
        else
            strbuf_addch(&uri, (char)*p);
    }
    strbuf_addf(&uri, "?%s", query);
    return strbuf_detach(&uri, NULL);
}

/* The index file of a repository orgctl may not write, as it is: immutable (no lock and
 * no -shm file, which could not be made), and only when the file holds all of it, that
 * is, no WAL holds pages it lacks, and its layout is current. NULL otherwise. */
static sqlite3 *open_as_is(const char *path)
{
    struct stat st;
    strbuf wal = STRBUF_INIT;
    strbuf_addf(&wal, "%s-wal", path);
    bool whole = stat(path, &st) == 0 && st.st_size > 0 &&
                 (stat(strbuf_str(&wal), &st) < 0 || st.st_size == 0);
    strbuf_release(&wal);
    sqlite3 *db = NULL;
    char *uri = whole ? file_uri(path, "immutable=1") : NULL;
    if (uri &&
        (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                         NULL) != SQLITE_OK ||
         schema_version(db) != SCHEMA_VERSION)) {
        sqlite3_close(db);
        db = NULL;
    }
    free(uri);
    if (db)
        register_functions(db);
    return db;
}

/* Copies the index `from` into a new one in memory, repo->db. */
static int copy_into_memory(orgctl_repo *repo, sqlite3 *from)
{
    if (sqlite3_open_v2(":memory:", &repo->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK)
        return orgctl_sqlite_error(repo->db, "open");
    register_functions(repo->db);
    sqlite3_stmt *st = NULL;
    int page_size = 0;
    if (sqlite3_prepare_v2(from, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        page_size = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA page_size=%d", page_size); /* a copy keeps them */
    if (sqlite3_exec(repo->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return orgctl_sqlite_error(repo->db, "copy");
    sqlite3_backup *b = sqlite3_backup_init(repo->db, "main", from, "main");
    if (!b)
        return orgctl_sqlite_error(repo->db, "copy");
    sqlite3_backup_step(b, -1);
    if (sqlite3_backup_finish(b) != SQLITE_OK)
        return orgctl_sqlite_error(repo->db, "copy");
    return 0;
}

int orgctl_index_in_memory(orgctl_repo *repo)
{
    if (repo->db && !sqlite3_db_readonly(repo->db, "main"))
        return 0; /* in memory already */
    sqlite3 *file = repo->db;
    repo->db = NULL;
    orgctl_index_stmts_finalize(&repo->stmts); /* they were the file's */
    int error = file ? copy_into_memory(repo, file) : open_at(repo, ":memory:");
    sqlite3_close(file);
    return error;
}

/* Makes the index file `path``suffix` unless it is there (an empty -wal or -shm is as
 * none to SQLite). Made here, a file that cannot be made is named with its errno: SQLite,
 * failing to make one, retries read-only and reports that attempt's ENOENT. */
static int make_file(const char *path, const char *suffix)
{
    strbuf name = STRBUF_INIT;
    strbuf_addf(&name, "%s%s", path, suffix);
    int fd = open(strbuf_str(&name), O_RDWR | O_CREAT | O_CLOEXEC, ORGCTL_FILE_MODE);
    int error =
        fd < 0 ? orgctl_errno_error(errno, "index: cannot create %s", strbuf_str(&name)) : 0;
    if (fd >= 0)
        close(fd);
    strbuf_release(&name);
    return error;
}

/* For a writer: whether SQLite, failing to open the -wal or -shm file for writing, opened
 * it read-only, so that the first write would fail ("attempt to write a readonly
 * database", no errno). */
static bool writes_refused(orgctl_repo *repo)
{
    if (repo->lock_fd < 0)
        return false;
    int rc = sqlite3_exec(repo->db, "BEGIN IMMEDIATE; ROLLBACK", NULL, NULL, NULL);
    return rc != SQLITE_OK && sqlite3_errcode(repo->db) == SQLITE_READONLY;
}

static int open_db(orgctl_repo *repo)
{
    if (!repo->gitdir)
        return open_at(repo, ":memory:"); /* a dry init's repository, which is nowhere */
    strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/orgctl/index.sqlite", repo->gitdir);
    int error = 0;
    if (repo->read_only) {
        /* A dry run stages its changes in the index: in a copy, then. */
        repo->db = open_as_is(strbuf_str(&path));
        if (!repo->db || repo->dry_run)
            error = orgctl_index_in_memory(repo);
    } else {
        /* Made here, not by SQLite (0644): it holds every password hash. SQLite gives its
         * -wal and -shm files the database's mode. A file that cannot be made is named by
         * make_file. A failure of SQLite's own (its -journal, -wal or -shm opened read-only when
         * they would not open for writing, which it reports later and by another errno) is tried
         * once more, and then reported as it is. */
        for (int attempt = 0; attempt < 2; attempt++) {
            struct stat st;
            if ((error = make_file(strbuf_str(&path), "")) < 0 ||
                /* a new one is made in a rollback journal, before it turns to WAL */
                (stat(strbuf_str(&path), &st) == 0 && st.st_size == 0 &&
                 (error = make_file(strbuf_str(&path), "-journal")) < 0) ||
                (error = make_file(strbuf_str(&path), "-wal")) < 0 ||
                (error = make_file(strbuf_str(&path), "-shm")) < 0)
                break;
            if ((error = open_at(repo, strbuf_str(&path))) == 0 && writes_refused(repo))
                error = orgctl_sqlite_error(repo->db, "open");
            if (error == 0 || attempt == 1)
                break; /* the last one's connection stays: orgctl_index_open reads its code */
            orgctl_index_close(repo);
        }
    }
    strbuf_release(&path);
    return error;
}

/* A damaged index file (a crash of the disk, a stray write) is thrown away and rebuilt:
 * it is a cache of the commit, so nothing is lost. Done under the writer lock, so no
 * writer's staged change set goes with it. */
int orgctl_index_open(orgctl_repo *repo)
{
    int error = open_db(repo);
    if (error == 0 || repo->read_only)
        return error;
    int rc = repo->db ? sqlite3_errcode(repo->db) : SQLITE_CANTOPEN;
    if (rc != SQLITE_NOTADB && rc != SQLITE_CORRUPT)
        return error;
    bool locked_here = repo->lock_fd < 0;
    if ((error = orgctl_lock_acquire(repo)) < 0)
        return error;
    orgctl_index_close(repo);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        strbuf path = STRBUF_INIT;
        strbuf_addf(&path, "%s/orgctl/index.sqlite%s", repo->gitdir, suffixes[i]);
        unlink(strbuf_str(&path));
        strbuf_release(&path);
    }
    error = open_db(repo);
    if (locked_here)
        orgctl_lock_release(repo);
    return error;
}

void orgctl_index_close(orgctl_repo *repo)
{
    orgctl_index_writer_stop(repo, false);
    orgctl_index_stmts_finalize(&repo->stmts);
    if (repo->db)
        sqlite3_close(repo->db);
    repo->db = NULL;
}

bool orgctl_index_commit(orgctl_repo *repo, git_oid *out)
{
    char *hex = meta_get(repo, "commit");
    bool ok = hex && strlen(hex) == GIT_OID_HEXSZ && orgctl_oid_parse(hex, out);
    free(hex);
    return ok;
}

long orgctl_index_max_id(orgctl_repo *repo)
{
    char *v = meta_get(repo, "max_id");
    long id = v ? strtol(v, NULL, 10) : 0;
    free(v);
    return id > 0 && id <= ORGCTL_CHANGESET_ID_MAX ? id : 0;
}

int orgctl_index_set_commit(orgctl_repo *repo, const git_oid *commit, long max_id)
{
    char hex[GIT_OID_HEXSZ + 1], id[32];
    git_oid_tostr(hex, sizeof(hex), commit);
    int error = meta_set(repo, "commit", hex);
    if (!error && max_id > orgctl_index_max_id(repo)) {
        snprintf(id, sizeof(id), "%ld", max_id);
        error = meta_set(repo, "max_id", id);
    }
    return error;
}

/* The highest change-set id among the commits reachable from `to` and not from `from`
 * (NULL: all): the cost follows the commits the index has not seen. */
static long max_id_since(orgctl_repo *repo, const git_oid *from, const git_oid *to)
{
    git_revwalk *walk = NULL;
    git_oid oid;
    long max = 0, id;
    if (git_revwalk_new(&walk, repo->git) == 0 && git_revwalk_push(walk, to) == 0) {
        if (from) /* a commit rewritten away cannot be hidden: then every one is walked */
            git_revwalk_hide(walk, from);
        while (git_revwalk_next(&oid, walk) == 0) {
            git_commit *c = NULL;
            if (git_commit_lookup(&c, repo->git, &oid) < 0)
                break;
            if (orgctl_changeset_id_parse(git_commit_message(c), &id) && id > max)
                max = id;
            git_commit_free(c);
        }
    }
    git_revwalk_free(walk);
    git_error_clear();
    return max;
}

/* --- indexed values ---
 * An object's attrs rows: each string field, list item or map key of its indexed fields
 * (lowercased where the field ignores case), as keys (index_key.h), sorted so that an
 * update can write only the rows that changed: adding one member to a group of 10k
 * touches one row, not 20k. */

struct orgctl_index_attrs {
    strbuf text;       /* the keys, each ended by a NUL */
    const char **keys; /* into text, sorted */
    size_t n, alloc;
};

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void attrs_of(const orgctl_kind *kind, const char *org, const char *name, const cJSON *obj,
                     struct orgctl_index_attrs *set)
{
    strbuf prefix = STRBUF_INIT;
    orgctl_index_key_add(&prefix, kind->name, false);
    orgctl_index_key_add(&prefix, org, false);
    size_t *at = NULL; /* offsets into text while it grows */
    for (const orgctl_field *f = kind->fields; obj && f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_INDEXED))
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
        /* a string is its own one value; a list has its items, a map its keys */
        const cJSON *c = cJSON_IsArray(v) || cJSON_IsObject(v) ? v->child : v;
        for (; c; c = c == v ? NULL : c->next) {
            const char *value = c == v              ? cJSON_GetStringValue(v)
                                : cJSON_IsObject(v) ? c->string
                                                    : (cJSON_IsString(c) ? c->valuestring : "");
            if (!value)
                break;
            if (set->n == set->alloc) {
                set->alloc = set->alloc ? set->alloc * 2 : 8;
                at = xrealloc(at, set->alloc * sizeof(*at));
            }
            at[set->n++] = set->text.len;
            strbuf_add(&set->text, prefix.buf, prefix.len);
            orgctl_index_key_add(&set->text, f->name, false);
            orgctl_index_key_add(&set->text, value, f->flags & ORGCTL_FIELD_NOCASE);
            strbuf_adds(&set->text, name);
            strbuf_addch(&set->text, '\0');
        }
    }
    set->keys = xmalloc((set->n ? set->n : 1) * sizeof(*set->keys));
    for (size_t i = 0; i < set->n; i++)
        set->keys[i] = set->text.buf + at[i];
    if (set->n > 8) {
        qsort(set->keys, set->n, sizeof(*set->keys), key_cmp);
    } else { /* the usual handful: an insertion sort, without qsort's allocation */
        for (size_t i = 1; i < set->n; i++)
            for (size_t j = i; j > 0 && strcmp(set->keys[j - 1], set->keys[j]) > 0; j--) {
                const char *t = set->keys[j];
                set->keys[j] = set->keys[j - 1];
                set->keys[j - 1] = t;
            }
    }
    free(at);
    strbuf_release(&prefix);
}

static void attrs_of_json(const orgctl_kind *kind, const char *org, const char *name,
                          const char *json, struct orgctl_index_attrs *set)
{
    cJSON *obj = json ? cJSON_Parse(json) : NULL;
    attrs_of(kind, org, name, obj, set);
    cJSON_Delete(obj);
}

static void attr_set_free(struct orgctl_index_attrs *set)
{
    strbuf_release(&set->text);
    free(set->keys);
}

orgctl_index_attrs *orgctl_index_attrs_of(const orgctl_kind *kind, const char *org,
                                          const char *name, const cJSON *obj)
{
    orgctl_index_attrs *set = xcalloc(1, sizeof(*set));
    attrs_of(kind, org, name, obj, set);
    return set;
}

size_t orgctl_index_attrs_bytes(const orgctl_index_attrs *set)
{
    return set ? set->text.alloc + set->alloc * sizeof(*set->keys) : 0;
}

void orgctl_index_attrs_free(orgctl_index_attrs *set)
{
    if (set)
        attr_set_free(set);
    free(set);
}

/* INSERT statements of 1 to 8 rows: an object's rows in one statement cost a third of
 * as many as a statement each. */
#define ROW "(?, ?)"
#define MAX_ROWS_PER_INSERT 8
static const char *const insert_sqls[MAX_ROWS_PER_INSERT] = {
    /* OR IGNORE: a list may repeat a value */
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW "," ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW "," ROW "," ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW "," ROW "," ROW "," ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW "," ROW "," ROW "," ROW "," ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW "," ROW "," ROW "," ROW "," ROW
    "," ROW,
    "INSERT OR IGNORE INTO attrs(key, name) VALUES " ROW "," ROW "," ROW "," ROW "," ROW "," ROW
    "," ROW "," ROW,
};

/* Inserts rows: keys[i] of the object names[i]. */
static int attrs_insert(orgctl_repo *repo, const char *const *keys, const char *const *names,
                        size_t n)
{
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, insert_sqls[n - 1]);
    if (!st)
        return ORGCTL_ERROR;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_text(st, (int)(2 * i + 1), keys[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, (int)(2 * i + 2), names[i], -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : orgctl_sqlite_error(repo->db, "index values");
}

static int attrs_delete(orgctl_repo *repo, const char *key)
{
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, "DELETE FROM attrs WHERE key = ?1");
    if (!st)
        return ORGCTL_ERROR;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : orgctl_sqlite_error(repo->db, "index values");
}

static bool defer_insert(orgctl_repo *repo, const char *name, const struct orgctl_index_attrs *old,
                         const struct orgctl_index_attrs *new);

/* Turns the rows of `old` into those of `new` (both sorted, both of the object `name`). */
static int attrs_update(orgctl_repo *repo, const char *name, const struct orgctl_index_attrs *old,
                        const struct orgctl_index_attrs *new)
{
    const char *added[MAX_ROWS_PER_INSERT], *names[MAX_ROWS_PER_INSERT];
    size_t nadded = 0, i = 0, j = 0;
    int error = 0;
    if (defer_insert(repo, name, old, new))
        return 0;
    for (size_t k = 0; k < MAX_ROWS_PER_INSERT; k++) /* every row is the object's */
        names[k] = name;
    while (!error && (i < old->n || j < new->n)) {
        int c = i == old->n ? 1 : j == new->n ? -1 : strcmp(old->keys[i], new->keys[j]);
        if (c < 0) {
            /* the row may be one of those kept for later: they go in first */
            error = orgctl_index_flush_inserts(repo);
            if (!error)
                error = attrs_delete(repo, old->keys[i++]);
        } else if (c > 0) {
            added[nadded++] = new->keys[j++];
            if (nadded == MAX_ROWS_PER_INSERT) {
                error = attrs_insert(repo, added, names, nadded);
                nadded = 0;
            }
        } else {
            i++, j++;
        }
    }
    return !error && nadded ? attrs_insert(repo, added, names, nadded) : error;
}

/* --- deferred inserts (see internal.h) ---
 * The rows an object adds are kept, in runs (an object's are sorted), and go in merged
 * into one sorted stream: v[0..flushed) are in the table, the rest wait. A savepoint
 * notes where it began; a rollback to it drops what came after and, since SQLite undoes
 * what was inserted since, marks those before as waiting again. */

/* An object adding fewer rows writes them at once (a user's handful: in name order,
 * they are appends anyway). */
#define DEFER_MIN_ROWS 64

struct deferred_run {
    size_t start;     /* into v */
    const char *name; /* of the object, in strings */
};

struct orgctl_deferred_inserts {
    const char **v; /* keys, in strings */
    size_t n, alloc, flushed;
    struct deferred_run *runs;
    size_t nruns, runs_alloc;
    bool in_savepoint;
    size_t savepoint_n, savepoint_flushed, savepoint_runs;
    arena strings;
};

void orgctl_index_defer_inserts(orgctl_repo *repo)
{
    if (!repo->inserts)
        repo->inserts = xcalloc(1, sizeof(*repo->inserts));
}

void orgctl_index_drop_inserts(orgctl_repo *repo)
{
    struct orgctl_deferred_inserts *d = repo->inserts;
    if (!d)
        return;
    free(d->v);
    free(d->runs);
    arena_free(&d->strings);
    free(d);
    repo->inserts = NULL;
}

/* Frees what is kept once every row is in the table for good. */
static void inserts_trim(struct orgctl_deferred_inserts *d)
{
    if (d->in_savepoint || d->flushed < d->n)
        return;
    d->n = d->flushed = d->nruns = 0;
    arena_free(&d->strings);
}

/* Keeps the rows `new` adds to `old` for later when they are many; false when they are
 * to be written now (few, no deferring, or a row to delete: deletes go in order). */
static bool defer_insert(orgctl_repo *repo, const char *name, const struct orgctl_index_attrs *old,
                         const struct orgctl_index_attrs *new)
{
    struct orgctl_deferred_inserts *d = repo->inserts;
    if (!d || new->n < DEFER_MIN_ROWS)
        return false;
    size_t i = 0, j = 0, start = d->n;
    while (i < old->n || j < new->n) {
        int c = i == old->n ? 1 : j == new->n ? -1 : strcmp(old->keys[i], new->keys[j]);
        if (c < 0) { /* a row to delete */
            d->n = start;
            return false;
        }
        if (c == 0) {
            i++, j++;
            continue;
        }
        if (d->n == d->alloc) {
            d->alloc = d->alloc ? d->alloc * 2 : 1024;
            d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
        }
        d->v[d->n++] = arena_strdup(&d->strings, new->keys[j++]);
    }
    if (d->n == start)
        return true;
    if (d->nruns == d->runs_alloc) {
        d->runs_alloc = d->runs_alloc ? d->runs_alloc * 2 : 64;
        d->runs = xrealloc(d->runs, d->runs_alloc * sizeof(*d->runs));
    }
    d->runs[d->nruns++] = (struct deferred_run){start, arena_strdup(&d->strings, name)};
    return true;
}

/* A run being merged: its next key and where it ends. */
struct run_cursor {
    const char *const *next, *const *end;
    const char *name;
};

static void heap_down(struct run_cursor *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && strcmp(*h[l].next, *h[m].next) < 0)
            m = l;
        if (l + 1 < n && strcmp(*h[l + 1].next, *h[m].next) < 0)
            m = l + 1;
        if (m == i)
            return;
        struct run_cursor t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

int orgctl_index_flush_inserts(orgctl_repo *repo)
{
    struct orgctl_deferred_inserts *d = repo->inserts;
    if (!d || d->flushed == d->n)
        return 0;
    size_t r = d->nruns;
    while (r > 0 && d->runs[r - 1].start >= d->flushed)
        r--;
    size_t nheap = d->nruns - r;
    struct run_cursor *heap = xmalloc(nheap * sizeof(*heap));
    for (size_t k = 0; k < nheap; k++) {
        const struct deferred_run *run = &d->runs[r + k];
        size_t end = r + k + 1 < d->nruns ? d->runs[r + k + 1].start : d->n;
        heap[k] = (struct run_cursor){d->v + run->start, d->v + end, run->name};
    }
    for (size_t k = nheap / 2; k-- > 0;)
        heap_down(heap, nheap, k);
    const char *keys[MAX_ROWS_PER_INSERT], *names[MAX_ROWS_PER_INSERT];
    size_t nkeys = 0;
    int error = 0;
    while (nheap > 0 && !error) {
        keys[nkeys] = *heap[0].next++;
        names[nkeys++] = heap[0].name;
        if (heap[0].next == heap[0].end)
            heap[0] = heap[--nheap];
        heap_down(heap, nheap, 0);
        if (nkeys == MAX_ROWS_PER_INSERT || (nheap == 0 && nkeys > 0)) {
            error = attrs_insert(repo, keys, names, nkeys);
            nkeys = 0;
        }
    }
    free(heap);
    if (error < 0)
        return error;
    d->flushed = d->n;
    inserts_trim(d);
    return 0;
}

void orgctl_index_inserts_savepoint(orgctl_repo *repo, enum orgctl_savepoint what)
{
    struct orgctl_deferred_inserts *d = repo->inserts;
    if (!d)
        return;
    switch (what) {
    case ORGCTL_SAVEPOINT_BEGIN:
        d->in_savepoint = true;
        d->savepoint_n = d->n;
        d->savepoint_flushed = d->flushed;
        d->savepoint_runs = d->nruns;
        break;
    case ORGCTL_SAVEPOINT_ROLLBACK: /* the table is as it was at the savepoint */
        d->n = d->savepoint_n;
        d->flushed = d->savepoint_flushed;
        d->nruns = d->savepoint_runs;
        d->in_savepoint = false; /* ROLLBACK TO is followed by RELEASE */
        inserts_trim(d);
        break;
    case ORGCTL_SAVEPOINT_RELEASE:
        d->in_savepoint = false;
        inserts_trim(d);
        break;
    }
}

/* --- which paths exist, known while a bulk set runs ---
 * Its rows ask again and again whether the same org, role or group exists, and whether
 * each new name is free. The change set knows the paths it staged; this cache keeps what
 * the index said of the others: the objects found (the orgs, roles and groups rows refer
 * to), and the last few names found free, which index_put then knows to be new. */

#define RECENT_FREE 64

/* The objects of one kind in one org as the index had them before the change set, held
 * in memory when there are no more of them than rows in the set (a hash join instead of a
 * lookup per row): a set that creates 100k users in a new org then asks memory, not
 * SQLite, whether each name and e-mail is free (0.45 s of a 2.5 s run). */
struct base_objects {
    const orgctl_kind *kind;
    char *org;
    bool loaded;   /* false: too many, the index is asked */
    strmap names;  /* name -> 1 */
    strmap values; /* "field\x1fvalue" of its unique fields -> the name (in strings) */
    arena strings;
};

#define MAX_BASE_OBJECTS 16

struct orgctl_path_cache {
    strmap found; /* paths of objects that were in the index before the change set */
    arena keys;   /* its keys */
    strbuf free_paths[RECENT_FREE];  /* a ring of paths found free (buffers reused: this runs
                                      * for every row, and must not churn the heap) */
    size_t free_hashes[RECENT_FREE]; /* theirs: most are passed over without a strcmp */
    size_t next_free;
    size_t rows; /* of the set */
    struct base_objects base[MAX_BASE_OBJECTS];
    size_t nbase;
};

int orgctl_index_tune_bulk(orgctl_repo *repo, size_t rows)
{
    /* 48 bytes a row (KB below), from 32 to 96 MB */
    size_t kb = rows / 1024 * 48;
    kb = kb < 32768 ? 32768 : kb > 98304 ? 98304 : kb;
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%zu", kb);
    return orgctl_index_exec(repo, sql);
}

void orgctl_index_cache_start(orgctl_repo *repo, size_t rows)
{
    if (!repo->paths)
        repo->paths = xcalloc(1, sizeof(*repo->paths));
    repo->paths->rows = rows;
}

void orgctl_index_cache_reset(orgctl_repo *repo)
{
    struct orgctl_path_cache *c = repo->paths;
    if (!c)
        return;
    strmap_free(&c->found);
    arena_free(&c->keys);
    for (size_t i = 0; i < RECENT_FREE; i++)
        strbuf_reset(&c->free_paths[i]);
}

void orgctl_index_cache_stop(orgctl_repo *repo)
{
    orgctl_index_cache_reset(repo);
    for (size_t i = 0; repo->paths && i < RECENT_FREE; i++)
        strbuf_release(&repo->paths->free_paths[i]);
    for (size_t i = 0; repo->paths && i < repo->paths->nbase; i++) {
        struct base_objects *b = &repo->paths->base[i];
        free(b->org);
        strmap_free(&b->names);
        strmap_free(&b->values);
        arena_free(&b->strings);
    }
    free(repo->paths);
    repo->paths = NULL;
}

static void cache_note(orgctl_repo *repo, const char *path, bool exists)
{
    struct orgctl_path_cache *c = repo->paths;
    if (!c)
        return;
    if (!exists) {
        strbuf_reset(&c->free_paths[c->next_free]);
        strbuf_adds(&c->free_paths[c->next_free], path);
        c->free_hashes[c->next_free] = strmap_hash(path);
        c->next_free = (c->next_free + 1) % RECENT_FREE;
        return;
    }
    strmap_set(&c->found, arena_strdup(&c->keys, path), 1);
}

/* 1 or 0 when it is known whether `path` exists, else -1. */
static int cache_knows(orgctl_repo *repo, const char *path)
{
    struct orgctl_path_cache *c = repo->paths;
    size_t v;
    if (!c)
        return -1;
    int staged = repo->cs ? repo->cs_hooks->staged(repo->cs, path) : -1;
    if (staged >= 0)
        return staged;
    if (strmap_get(&c->found, path, &v))
        return 1;
    size_t h = strmap_hash(path);
    for (size_t k = 1; k <= RECENT_FREE; k++) { /* newest first: usually the one asked */
        size_t i = (c->next_free + RECENT_FREE - k) % RECENT_FREE;
        if (c->free_paths[i].len == 0)
            break;
        if (c->free_hashes[i] == h && strcmp(c->free_paths[i].buf, path) == 0)
            return 0;
    }
    return -1;
}

/* The object a path names, as the key of its row; false for a path that is no object. */
struct object_key {
    const orgctl_kind *kind;
    char *org, *name;
};

static bool object_key(const char *path, struct object_key *key)
{
    if (orgctl_kind_parse_path(path, &key->kind, &key->org, &key->name) == 0)
        return true;
    free(key->org);
    free(key->name);
    key->org = key->name = NULL;
    return false;
}

static void bind_key(sqlite3_stmt *st, const orgctl_kind *kind, const char *org, const char *name)
{
    sqlite3_bind_text(st, 1, kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, org, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
}

void orgctl_index_bind_range(sqlite3_stmt *st, int i, orgctl_index_range *r)
{
    sqlite3_bind_text(st, i, strbuf_str(&r->lo), (int)r->lo.len, SQLITE_STATIC);
    sqlite3_bind_text(st, i + 1, strbuf_str(&r->hi), (int)r->hi.len, SQLITE_STATIC);
}

/* A statement reading the index as it was before the change set: right for the objects
 * the change set has not written. With an index writer it is on the read-only connection,
 * which does not wait for the writer. */
static sqlite3_stmt *base_stmt(orgctl_repo *repo, const char *sql)
{
    return repo->writer ? orgctl_index_writer_base_stmt(repo, sql)
                        : orgctl_index_stmt_now(repo, sql);
}

int orgctl_index_referrers(orgctl_repo *repo, bool base, const orgctl_kind *kind, const char *org,
                           const char *field, const char *value, int limit, cJSON **out)
{
    /* the rows of one value: one range of keys, in name order */
    static const char *sql =
        "SELECT name FROM attrs WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3";
    sqlite3_stmt *st = base ? base_stmt(repo, sql) : orgctl_index_stmt(repo, sql);
    *out = NULL;
    if (!st)
        return ORGCTL_ERROR;
    orgctl_index_range range = {STRBUF_INIT, STRBUF_INIT};
    orgctl_index_key_range(&range, kind->name, org, field, value);
    orgctl_index_bind_range(st, 1, &range);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : -1);
    cJSON *arr = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    orgctl_index_range_release(&range);
    *out = arr;
    return 0;
}

/* The key of a unique value in base_objects.values: "field\x1fvalue". */
static void base_value_key(strbuf *key, const char *field, const char *value)
{
    strbuf_reset(key);
    strbuf_adds(key, field);
    strbuf_addch(key, '\x1f');
    strbuf_adds(key, value);
}

static void load_base(orgctl_repo *repo, struct base_objects *b)
{
    static const char *count_sql = "SELECT count(*) FROM objects WHERE kind = ?1 AND org = ?2";
    static const char *names_sql = "SELECT name FROM objects WHERE kind = ?1 AND org = ?2";
    static const char *values_sql = "SELECT key, name FROM attrs WHERE key >= ?1 AND key < ?2";
    sqlite3_stmt *st = base_stmt(repo, count_sql);
    if (!st)
        return;
    bind_key(st, b->kind, b->org, NULL);
    sqlite3_int64 count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (count < 0 || (size_t)count > repo->paths->rows || !(st = base_stmt(repo, names_sql)))
        return;
    bind_key(st, b->kind, b->org, NULL);
    while (sqlite3_step(st) == SQLITE_ROW)
        strmap_set(&b->names, arena_strdup(&b->strings, (const char *)sqlite3_column_text(st, 0)),
                   1);
    sqlite3_reset(st);
    strbuf key = STRBUF_INIT, value = STRBUF_INIT;
    orgctl_index_range range = {STRBUF_INIT, STRBUF_INIT};
    for (const orgctl_field *f = b->kind->fields; f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_UNIQUE) || !(st = base_stmt(repo, values_sql)))
            continue;
        orgctl_index_key_range(&range, b->kind->name, b->org, f->name, NULL);
        orgctl_index_bind_range(st, 1, &range);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 1);
            strbuf_reset(&value);
            orgctl_index_key_value(&value, (const char *)sqlite3_column_text(st, 0),
                                   (size_t)sqlite3_column_bytes(st, 0), range.lo.len, strlen(name));
            base_value_key(&key, f->name, strbuf_str(&value));
            strmap_set(&b->values, arena_strdup(&b->strings, strbuf_str(&key)),
                       (size_t)(uintptr_t)arena_strdup(&b->strings, name));
        }
        sqlite3_reset(st);
    }
    orgctl_index_range_release(&range);
    strbuf_release(&key);
    strbuf_release(&value);
    b->loaded = true;
}

/* The objects of kind in org before the change set, in memory, or NULL: ask the index. Only
 * with an index writer, whose read-only connection shows that state however far the set
 * has gone. */
static struct base_objects *base_objects(orgctl_repo *repo, const orgctl_kind *kind,
                                         const char *org)
{
    struct orgctl_path_cache *c = repo->paths;
    if (!c || !repo->writer)
        return NULL;
    for (size_t i = 0; i < c->nbase; i++)
        if (c->base[i].kind == kind && strcmp(c->base[i].org, org) == 0)
            return c->base[i].loaded ? &c->base[i] : NULL;
    if (c->nbase == MAX_BASE_OBJECTS)
        return NULL;
    struct base_objects *b = &c->base[c->nbase++];
    b->kind = kind;
    b->org = xstrdup(org);
    load_base(repo, b);
    return b->loaded ? b : NULL;
}

bool orgctl_index_exists(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name, const char *path)
{
    static const char *sql = "SELECT 1 FROM objects WHERE kind = ?1 AND org = ?2 AND name = ?3";
    int known = cache_knows(repo, path);
    if (known >= 0)
        return known;
    orgctl_index_flush_deletes(repo); /* an error stays for the commit to return */
    /* not staged (cache_knows answers for those), so as before the change set */
    struct base_objects *b = base_objects(repo, kind, org);
    sqlite3_stmt *st = NULL;
    bool found = false;
    size_t one;
    if (b) {
        found = strmap_get(&b->names, name, &one);
    } else if ((st = base_stmt(repo, sql))) {
        bind_key(st, kind, org, name);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
    }
    /* noted either way: the put that usually follows then knows a new object is new, and
     * its index write need not look for an old version */
    if (b || st)
        cache_note(repo, path, found);
    return found;
}

static const char *get_json_sql =
    "SELECT json FROM objects WHERE kind = ?1 AND org = ?2 AND name = ?3";

static char *get_json(sqlite3_stmt *st, const orgctl_kind *kind, const char *org, const char *name)
{
    if (!st)
        return NULL;
    bind_key(st, kind, org, name);
    char *json = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        json = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return json;
}

/* Not INSERT OR REPLACE: a statement that may both replace rows and abort makes SQLite
 * copy every page it touches into a statement journal, which dominated bulk runs. */
int orgctl_index_put_row(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name, const char *json, const orgctl_index_attrs *attrs,
                         bool maybe_exists)
{
    static const char *insert_sql = "INSERT INTO objects(kind, org, name, json) "
                                    "VALUES (?1, ?2, ?3, ?4)";
    static const char *update_sql = "UPDATE objects SET json = ?4 "
                                    "WHERE kind = ?1 AND org = ?2 AND name = ?3";
    char *old_json =
        maybe_exists ? get_json(orgctl_index_stmt_now(repo, get_json_sql), kind, org, name) : NULL;
    struct orgctl_index_attrs old = {0};
    attrs_of_json(kind, org, name, old_json, &old);
    int error = 0;
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, old_json ? update_sql : insert_sql);
    if (!st) {
        error = ORGCTL_ERROR;
        goto done;
    }
    bind_key(st, kind, org, name);
    sqlite3_bind_text(st, 4, json, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    error = rc == SQLITE_DONE ? attrs_update(repo, name, &old, attrs)
                              : orgctl_sqlite_error(repo->db, "index object");
done:
    attr_set_free(&old);
    free(old_json);
    return error;
}

int orgctl_index_put(orgctl_repo *repo, const char *path, const orgctl_kind *kind, const char *org,
                     const char *name, const char *json, const cJSON *obj)
{
    /* a path known to be new has no old version to read */
    bool maybe_exists = cache_knows(repo, path) != 0;
    /* the index rows of its values are made here, from obj: the writer thread, the busier
     * one, need not parse the JSON again */
    orgctl_index_attrs *attrs = orgctl_index_attrs_of(kind, org, name, obj);
    if (repo->writer)
        return orgctl_index_writer_put(repo, kind, org, name, json, obj, attrs, maybe_exists);
    int error = orgctl_index_put_row(repo, kind, org, name, json, attrs, maybe_exists);
    orgctl_index_attrs_free(attrs);
    return error;
}

int orgctl_index_delete_row(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const char *name)
{
    static const char *sql = "DELETE FROM objects WHERE kind = ?1 AND org = ?2 AND name = ?3 "
                             "RETURNING json";
    struct orgctl_index_attrs old = {0}, none = {0};
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, sql);
    if (!st)
        return ORGCTL_ERROR;
    bind_key(st, kind, org, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        attrs_of_json(kind, org, name, (const char *)sqlite3_column_text(st, 0), &old);
        rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    int error = rc == SQLITE_DONE ? attrs_update(repo, name, &old, &none)
                                  : orgctl_sqlite_error(repo->db, "delete object");
    attr_set_free(&old);
    return error;
}

/* --- deferred deletes (see internal.h) --- */

#define MAX_DEFERRED_GROUPS 16

struct deferred_group {
    const orgctl_kind *kind;
    char *org;
    const char **names; /* in strings */
    size_t n, alloc;
    strmap seen; /* the names, once each */
};

struct orgctl_deferred_deletes {
    struct deferred_group group[MAX_DEFERRED_GROUPS];
    size_t ngroups;
    arena strings;
    int error; /* of a flush: kept, so that the change set cannot commit */
};

void orgctl_index_defer_deletes(orgctl_repo *repo)
{
    if (!repo->deletes)
        repo->deletes = xcalloc(1, sizeof(*repo->deletes));
}

void orgctl_index_drop_deletes(orgctl_repo *repo)
{
    struct orgctl_deferred_deletes *d = repo->deletes;
    if (!d)
        return;
    for (size_t i = 0; i < MAX_DEFERRED_GROUPS; i++) {
        free(d->group[i].org);
        free(d->group[i].names);
        strmap_free(&d->group[i].seen);
    }
    arena_free(&d->strings);
    free(d);
    repo->deletes = NULL;
}

/* Whether the group's names are every object of its kind in its org. */
static bool group_is_all(orgctl_repo *repo, const struct deferred_group *g)
{
    static const char *count_sql = "SELECT count(*) FROM objects WHERE kind = ?1 AND org = ?2";
    static const char *one_sql = "SELECT 1 FROM objects WHERE kind = ?1 AND org = ?2 AND name = ?3";
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, count_sql);
    if (!st)
        return false;
    bind_key(st, g->kind, g->org, NULL);
    sqlite3_int64 count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (count != (sqlite3_int64)g->n)
        return false;
    for (size_t i = 0; i < g->n; i++) { /* n of them, all distinct and there: all */
        if (!(st = orgctl_index_stmt_now(repo, one_sql)))
            return false;
        bind_key(st, g->kind, g->org, g->names[i]);
        bool there = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (!there)
            return false;
    }
    return true;
}

static int flush_group(orgctl_repo *repo, const struct deferred_group *g)
{
    static const char *attrs_sql = "DELETE FROM attrs WHERE key >= ?1 AND key < ?2";
    static const char *objects_sql = "DELETE FROM objects WHERE kind = ?1 AND org = ?2";
    int error = 0;
    if (!group_is_all(repo, g)) {
        for (size_t i = 0; i < g->n && !error; i++)
            error = orgctl_index_delete_row(repo, g->kind, g->org, g->names[i]);
        return error;
    }
    orgctl_index_range range = {STRBUF_INIT, STRBUF_INIT};
    orgctl_index_key_range(&range, g->kind->name, g->org, NULL, NULL);
    const char *sqls[2] = {attrs_sql, objects_sql};
    for (int i = 0; i < 2 && !error; i++) {
        sqlite3_stmt *st = orgctl_index_stmt_now(repo, sqls[i]);
        if (!st) {
            error = ORGCTL_ERROR;
            break;
        }
        if (sqls[i] == attrs_sql)
            orgctl_index_bind_range(st, 1, &range);
        else
            bind_key(st, g->kind, g->org, NULL);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            error = orgctl_sqlite_error(repo->db, "delete objects");
    }
    orgctl_index_range_release(&range);
    return error;
}

int orgctl_index_flush_deletes(orgctl_repo *repo)
{
    struct orgctl_deferred_deletes *d = repo->deletes;
    if (!d || d->error || d->ngroups == 0)
        return d ? d->error : 0;
    repo->deletes = NULL; /* the reads of flush_group see the index as it is */
    /* before the rows are deleted (on this thread: deferred deletes, of a big rollback,
     * never run with the index writer of a bulk set) */
    d->error = orgctl_index_flush_inserts(repo);
    for (size_t i = 0; i < d->ngroups && !d->error; i++)
        d->error = flush_group(repo, &d->group[i]);
    for (size_t i = 0; i < d->ngroups; i++) {
        d->group[i].n = 0;
        strmap_clear(&d->group[i].seen);
    }
    d->ngroups = 0;
    repo->deletes = d;
    return d->error;
}

/* Keeps the delete for later; false when there is no room for another kind and org. */
static bool defer_delete(struct orgctl_deferred_deletes *d, const struct object_key *key)
{
    struct deferred_group *g = NULL;
    for (size_t i = 0; i < d->ngroups && !g; i++)
        if (d->group[i].kind == key->kind && strcmp(d->group[i].org, key->org) == 0)
            g = &d->group[i];
    if (!g) {
        if (d->ngroups == MAX_DEFERRED_GROUPS)
            return false;
        g = &d->group[d->ngroups++];
        free(g->org);
        g->kind = key->kind;
        g->org = xstrdup(key->org);
    }
    size_t one;
    if (strmap_get(&g->seen, key->name, &one))
        return true;
    if (g->n == g->alloc) {
        g->alloc = g->alloc ? g->alloc * 2 : 64;
        g->names = xrealloc(g->names, g->alloc * sizeof(*g->names));
    }
    g->names[g->n] = arena_strdup(&d->strings, key->name);
    strmap_set(&g->seen, g->names[g->n++], 1);
    return true;
}

int orgctl_index_delete(orgctl_repo *repo, const char *path)
{
    struct object_key key;
    if (!object_key(path, &key))
        return 0; /* no object: never indexed */
    int error = 0;
    if (repo->deletes && defer_delete(repo->deletes, &key))
        ;
    else if (repo->writer)
        error = orgctl_index_writer_delete(repo, key.kind, key.org, key.name);
    else
        error = orgctl_index_delete_row(repo, key.kind, key.org, key.name);
    free(key.org);
    free(key.name);
    return error;
}

char *orgctl_index_get(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *name, const char *path)
{
    /* An object the change set wrote may still be in the writer's queue: a bulk set reads
     * it back from its pack, else waits for its last write and reads the change set's
     * state; the others are as they were. */
    bool staged = repo->cs && repo->cs_hooks->staged(repo->cs, path) >= 0;
    char *json = NULL;
    if (staged && repo->writer && repo->cs_hooks->read_staged(repo->cs, path, &json))
        return json;
    if (orgctl_index_flush_deletes(repo) < 0 ||
        (staged && orgctl_index_writer_wait(repo, repo->cs_hooks->index_seq(repo->cs, path)) < 0))
        return NULL;
    if (!staged)
        return get_json(base_stmt(repo, get_json_sql), kind, org, name);
    orgctl_index_writer_hold(repo);
    json = get_json(orgctl_index_stmt_now(repo, get_json_sql), kind, org, name);
    orgctl_index_writer_release(repo);
    return json;
}

/* The first name of another object with the value, if any, read with `st`; *staged tells
 * whether it is one the change set wrote. */
static char *find_value_with(orgctl_repo *repo, sqlite3_stmt *st, const orgctl_kind *kind,
                             const char *org, const char *field, const char *value,
                             const char *except, bool *staged)
{
    char *name = NULL;
    *staged = false;
    if (!st)
        return NULL;
    orgctl_index_range range = {STRBUF_INIT, STRBUF_INIT};
    orgctl_index_key_range(&range, kind->name, org, field, value);
    orgctl_index_bind_range(st, 1, &range);
    sqlite3_bind_text(st, 3, except ? except : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        name = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    orgctl_index_range_release(&range);
    if (name && repo->cs) {
        char *path = orgctl_kind_path(kind, org, name);
        *staged = repo->cs_hooks->staged(repo->cs, path) >= 0;
        free(path);
    }
    return name;
}

char *orgctl_index_find_value(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                              const char *field, const char *value, const char *except)
{
    const orgctl_field *f = orgctl_kind_field(kind, field);
    strbuf low = STRBUF_INIT;
    if (f && (f->flags & ORGCTL_FIELD_NOCASE)) {
        orgctl_utf8_casefold(&low, value);
        value = strbuf_str(&low);
    }
    static const char *sql =
        "SELECT name FROM attrs WHERE key >= ?1 AND key < ?2 AND name <> ?3 LIMIT 1";
    bool staged = false;
    char *name = NULL;
    if (orgctl_index_flush_deletes(repo) < 0)
        goto done;
    if (repo->writer) {
        /* The index before the change set answers unless the change set gave the value to
         * another object, or the object found is one it wrote: then wait for the writer
         * and ask the change set's state. */
        const char *given = orgctl_index_writer_given(repo, kind, org, field, value);
        bool exact = given && strcmp(given, except ? except : "") != 0;
        struct base_objects *b = exact ? NULL : base_objects(repo, kind, org);
        if (b) {
            strbuf key = STRBUF_INIT;
            size_t found = 0;
            base_value_key(&key, field, value);
            if (strmap_get(&b->values, strbuf_str(&key), &found) &&
                strcmp((const char *)(uintptr_t)found, except ? except : "") != 0) {
                name = xstrdup((const char *)(uintptr_t)found);
                char *path = orgctl_kind_path(kind, org, name);
                exact = repo->cs && repo->cs_hooks->staged(repo->cs, path) >= 0;
                free(path);
            }
            strbuf_release(&key);
        } else if (!exact) {
            name = find_value_with(repo, base_stmt(repo, sql), kind, org, field, value, except,
                                   &staged);
            exact = staged;
        }
        if (!exact)
            goto done;
        free(name);
        name = NULL;
        if (orgctl_index_sync(repo) < 0)
            goto done;
    }
    name = find_value_with(repo, orgctl_index_stmt_now(repo, sql), kind, org, field, value, except,
                           &staged);
done:
    strbuf_release(&low);
    return name;
}

/* --- files that break the rules (the invalid table) --- */

static void invalid_key(strbuf *key, const orgctl_kind *kind, const char *org, const char *name)
{
    strbuf_reset(key);
    orgctl_index_key_add(key, kind->name, false);
    orgctl_index_key_add(key, org, false);
    strbuf_adds(key, name);
}

bool orgctl_index_has_invalid(orgctl_repo *repo)
{
    if (!repo->invalid_known) {
        sqlite3_stmt *st = base_stmt(repo, "SELECT 1 FROM invalid LIMIT 1");
        repo->has_invalid = st && sqlite3_step(st) == SQLITE_ROW;
        if (st)
            sqlite3_reset(st);
        repo->invalid_known = st != NULL;
    }
    return repo->has_invalid;
}

static int record_invalid(orgctl_repo *repo, const char *path, const orgctl_kind *kind,
                          const char *org, const char *name, const char *problem,
                          const char *missing, bool damaged)
{
    static const char *sql = "INSERT OR IGNORE INTO invalid(path, kind, org, name, problem, "
                             "missing, damaged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, sql);
    if (!st)
        return ORGCTL_ERROR;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, org, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, problem, -1, SQLITE_STATIC);
    if (missing)
        sqlite3_bind_text(st, 6, missing, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, damaged);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    repo->invalid_known = repo->has_invalid = true;
    return rc == SQLITE_DONE ? 0 : orgctl_sqlite_error(repo->db, "index an invalid file");
}

int orgctl_index_forget_invalid(orgctl_repo *repo, const char *path)
{
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, "DELETE FROM invalid WHERE path = ?1");
    if (!st)
        return ORGCTL_ERROR;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : orgctl_sqlite_error(repo->db, "index an invalid file");
}

int orgctl_index_invalid(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name, orgctl_index_invalid_cb cb, void *payload)
{
    static const char *one_sql =
        "SELECT path, problem, damaged FROM invalid WHERE kind = ?1 AND org = ?2 AND name = ?3";
    static const char *kind_sql =
        "SELECT path, problem, damaged FROM invalid WHERE kind = ?1 AND (?2 IS NULL OR org = ?2) "
        "ORDER BY path";
    static const char *all_sql = "SELECT path, problem, damaged FROM invalid ORDER BY path";
    if (!orgctl_index_has_invalid(repo))
        return 0;
    sqlite3_stmt *st = base_stmt(repo, !kind ? all_sql : name ? one_sql : kind_sql);
    if (!st)
        return ORGCTL_ERROR;
    if (kind) {
        sqlite3_bind_text(st, 1, kind->name, -1, SQLITE_STATIC);
        if (org)
            sqlite3_bind_text(st, 2, org, -1, SQLITE_STATIC);
        if (name)
            sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    }
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        if (cb((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
               sqlite3_column_int(st, 2) != 0, payload) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : orgctl_sqlite_error(repo->db, "read invalid files");
}

/* --- catching up ---
 * Each file that changed is checked on its own (its place, its JSON, its kind's rules);
 * once the whole difference is in, the references of those that pass, and of those that
 * referred to what went: a reference to nothing makes its object invalid. Only what
 * changed is looked at, whatever the size of the tree. */

struct pending_ref { /* a reference to check once every object is in */
    const orgctl_kind *kind, *target;
    const char *path, *org, *name, *value; /* in strings; the first three shared by an
                                              object's references */
};

struct catch_up {
    orgctl_repo *repo;
    git_tree *tree; /* the new one */
    bool rebuild;   /* from nothing: no invalid row to forget */
    int error;
    struct pending_ref *refs;
    size_t nrefs, refs_alloc;
    arena strings;
    char **came, **gone; /* paths of objects that appeared, and that went */
    size_t ncame, ngone, came_alloc, gone_alloc;
    strmap values; /* rebuilding: the key of each unique value seen -> its holder's name */
};

static void push_path(char ***v, size_t *n, size_t *alloc, const char *path)
{
    if (*n == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 64;
        *v = xrealloc(*v, *alloc * sizeof(**v));
    }
    (*v)[(*n)++] = xstrdup(path);
}

struct ref_walk {
    struct catch_up *cu;
    const orgctl_kind *kind;
    const char *path, *org, *name; /* copied into strings on the first reference */
};

static int note_ref(const orgctl_kind *target, const orgctl_field *f, const char *value,
                    void *payload)
{
    struct ref_walk *w = payload;
    struct catch_up *cu = w->cu;
    if (cu->nrefs == cu->refs_alloc) {
        cu->refs_alloc = cu->refs_alloc ? cu->refs_alloc * 2 : 256;
        cu->refs = xrealloc(cu->refs, cu->refs_alloc * sizeof(*cu->refs));
    }
    struct pending_ref *last = cu->nrefs ? &cu->refs[cu->nrefs - 1] : NULL;
    if (!last || last->path != w->path) { /* the object's first */
        w->path = arena_strdup(&cu->strings, w->path);
        w->org = arena_strdup(&cu->strings, w->org);
        w->name = arena_strdup(&cu->strings, w->name);
    }
    cu->refs[cu->nrefs++] = (struct pending_ref){
        w->kind, target, w->path, w->org, w->name, arena_strdup(&cu->strings, value)};
    (void)f;
    return 0;
}

/* Indexes the file at `path`: as the object of kind, org and name that its `text` (parsed
 * as `obj`) holds, or, with a `problem`, as an invalid file (dropping what an earlier
 * version left, or queries would answer with stale data). */
static int index_checked(orgctl_repo *repo, bool forget, const char *path, const orgctl_kind *kind,
                         const char *org, const char *name, bool at_its_place, const char *problem,
                         const char *missing, bool damaged, const char *text, const cJSON *obj)
{
    int error = forget ? orgctl_index_forget_invalid(repo, path) : 0;
    if (error < 0)
        return error;
    if (!*problem)
        return orgctl_index_put(repo, path, kind, org, name, text, obj);
    if (at_its_place && (error = orgctl_index_delete(repo, path)) < 0)
        return error;
    return record_invalid(repo, path, kind, org, name, problem, missing, damaged);
}

/* What is wrong with a file at a place where an object can be (given its JSON, parsed as
 * obj, NULL: none); nothing added when all is well. */
static void check_file(orgctl_repo *repo, strbuf *problem, const orgctl_kind *kind, const char *org,
                       const char *name, cJSON *obj)
{
    if (!obj)
        strbuf_adds(problem, "not valid JSON");
    else if (orgctl_store_object_rules->validate_stored(repo, kind, org, name, obj) < 0)
        strbuf_adds(problem, orgctl_error_last());
    orgctl_error_clear();
}

int orgctl_index_restored(orgctl_repo *repo, const char *path, const char *text, cJSON *obj)
{
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    int place = orgctl_kind_locate(path, &kind, &org, &name), error = 0;
    if (place == ORGCTL_ENOTFOUND)
        return 0;
    /* an object is indexed as it is: the rollback validates what it restores there */
    if (place < 0 || !obj) {
        strbuf problem = STRBUF_INIT;
        strbuf_adds(&problem, place < 0 ? orgctl_error_last() : "not valid JSON");
        error = orgctl_error_set(ORGCTL_EINVALID, "restoring %s: %s", path, strbuf_str(&problem));
        strbuf_release(&problem);
    } else if (!orgctl_index_has_invalid(repo) ||
               (error = orgctl_index_forget_invalid(repo, path)) == 0) {
        error = orgctl_index_put(repo, path, kind, org, name, text, obj);
    }
    free(org);
    free(name);
    return error;
}

/* --- unique values (an e-mail, an identity) held twice, in a hand-made commit ---
 * Both holders are invalid, whichever came first (a user's identity held twice is trusted
 * in neither); their invalid rows carry the value's key in `missing`, so that once one goes
 * or changes, the other is looked at again (recheck_unique). */

#define UNIQUE_KEY_PREFIX '!' /* no kind's name, so no key of a missing object, starts so */

static void unique_key(strbuf *key, const orgctl_kind *kind, const char *org, const orgctl_field *f,
                       const char *value)
{
    strbuf folded = STRBUF_INIT;
    if (f->flags & ORGCTL_FIELD_NOCASE) {
        orgctl_utf8_casefold(&folded, value);
        value = strbuf_str(&folded);
    }
    strbuf_reset(key);
    strbuf_addch(key, UNIQUE_KEY_PREFIX);
    const char *parts[4] = {kind->name, org, f->name, value};
    for (int i = 0; i < 4; i++)
        orgctl_index_key_add(key, parts[i], false);
    strbuf_release(&folded);
}

/* Whether the object has a row among the valid ones. */
static bool object_row_there(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                             const char *name)
{
    static const char *sql = "SELECT 1 FROM objects WHERE kind = ?1 AND org = ?2 AND name = ?3";
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, sql);
    if (!st)
        return false;
    bind_key(st, kind, org, name);
    bool there = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return there;
}

/* Another holder of the unique value of `key` than `name`: valid (*valid) or found invalid
 * for holding it; malloc'd, or NULL. */
static char *unique_holder(struct catch_up *cu, const orgctl_kind *kind, const char *org,
                           const orgctl_field *f, const char *value, const char *name,
                           const char *key, bool *valid)
{
    static const char *invalid_sql =
        "SELECT name FROM invalid WHERE missing = ?1 AND name <> ?2 LIMIT 1";
    static const char *valid_sql =
        "SELECT name FROM attrs WHERE key >= ?1 AND key < ?2 AND name <> ?3 LIMIT 1";
    char *other = NULL;
    size_t found;
    *valid = true;
    if (cu->rebuild) { /* every holder so far is in the map */
        if (strmap_get(&cu->values, key, &found) &&
            strcmp((const char *)(uintptr_t)found, name) != 0)
            other = xstrdup((const char *)(uintptr_t)found);
        else
            strmap_set(&cu->values, arena_strdup(&cu->strings, key),
                       (size_t)(uintptr_t)arena_strdup(&cu->strings, name));
        if (!other)
            return NULL;
        *valid = object_row_there(cu->repo, kind, org, other);
        return other;
    }
    strbuf folded = STRBUF_INIT;
    if (f->flags & ORGCTL_FIELD_NOCASE) {
        orgctl_utf8_casefold(&folded, value);
        value = strbuf_str(&folded);
    }
    orgctl_index_range range = {STRBUF_INIT, STRBUF_INIT};
    orgctl_index_key_range(&range, kind->name, org, f->name, value);
    sqlite3_stmt *st = orgctl_index_stmt_now(cu->repo, valid_sql);
    if (st) {
        orgctl_index_bind_range(st, 1, &range);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            other = xstrdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
    }
    if (!other && (st = orgctl_index_stmt_now(cu->repo, invalid_sql))) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            other = xstrdup((const char *)sqlite3_column_text(st, 0));
            *valid = false;
        }
        sqlite3_reset(st);
    }
    orgctl_index_range_release(&range);
    strbuf_release(&folded);
    return other;
}

/* A unique value of obj that another object holds too: the problem (and its key) for
 * obj; the other holder, if valid so far, is made invalid with it. */
static int unique_clash(struct catch_up *cu, const orgctl_kind *kind, const char *org,
                        const char *name, const cJSON *obj, strbuf *problem, strbuf *key)
{
    int error = 0;
    for (const orgctl_field *f = kind->fields; f->name && !problem->len && !error; f++) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, f->name));
        bool valid;
        if (!(f->flags & ORGCTL_FIELD_UNIQUE) || !v)
            continue;
        unique_key(key, kind, org, f, v);
        char *other = unique_holder(cu, kind, org, f, v, name, strbuf_str(key), &valid);
        if (!other)
            continue;
        strbuf_addf(problem, "%s \"%.100s\" is held by %s \"%.100s\" too", f->name, v, kind->name,
                    other);
        if (valid) {
            strbuf theirs = STRBUF_INIT;
            char *path = orgctl_kind_path(kind, org, other);
            strbuf_addf(&theirs, "%s \"%.100s\" is held by %s \"%.100s\" too", f->name, v,
                        kind->name, name);
            error = orgctl_index_delete_row(cu->repo, kind, org, other);
            if (!error)
                error = record_invalid(cu->repo, path, kind, org, other, strbuf_str(&theirs),
                                       strbuf_str(key), false);
            strbuf_release(&theirs);
            free(path);
        }
        free(other);
    }
    if (!problem->len)
        strbuf_reset(key);
    return error;
}

/* The blob `id` of the file at `path`: 0 with *blob, or 0 with *blob NULL, *damaged and the
 * problem said when it is missing from the object database (damaged storage, recorded as
 * such), or another error. */
static int read_blob(orgctl_repo *repo, const char *path, const git_oid *id, git_blob **blob,
                     strbuf *problem, bool *damaged)
{
    int error = git_blob_lookup(blob, repo->git, id);
    if (error == GIT_ENOTFOUND) {
        char hex[GIT_OID_HEXSZ + 1];
        git_error_clear();
        *blob = NULL;
        *damaged = true;
        strbuf_addf(problem, "blob %s is missing from the object database",
                    git_oid_tostr(hex, sizeof(hex), id));
        return 0;
    }
    return error < 0 ? orgctl_git_error(error, path) : 0;
}

/* A payload file of an object (a suppression list's shard) is checked as its kind's
 * descriptor says, and recorded as invalid when it breaks the format: queries of the
 * object then refuse it instead of believing it. Other files that are no object (README,
 * a future kind) are not indexed. */
static int index_payload(struct catch_up *cu, const char *path, const git_oid *id)
{
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    const char *rel;
    if (orgctl_kind_locate_payload(path, &kind, &org, &name, &rel) < 0)
        return 0;
    strbuf problem = STRBUF_INIT;
    git_blob *blob = NULL;
    bool damaged = false;
    int error = read_blob(cu->repo, path, id, &blob, &problem, &damaged);
    if (!error && blob &&
        kind->payload->check(rel, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) < 0) {
        strbuf_adds(&problem, orgctl_error_last());
        orgctl_error_clear();
    }
    if (!error && !cu->rebuild)
        error = orgctl_index_forget_invalid(cu->repo, path);
    if (!error && problem.len)
        error =
            record_invalid(cu->repo, path, kind, org, name, strbuf_str(&problem), NULL, damaged);
    git_blob_free(blob);
    strbuf_release(&problem);
    free(org);
    free(name);
    return error;
}

/* Indexes the file at `path` (blob `id`) as it is in the commit caught up with, and notes
 * its references for check_references. */
static int index_blob(struct catch_up *cu, const char *path, const git_oid *id)
{
    orgctl_repo *repo = cu->repo;
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    int place = orgctl_kind_locate(path, &kind, &org, &name);
    if (place == ORGCTL_ENOTFOUND)
        return index_payload(cu, path, id);
    strbuf problem = STRBUF_INIT, text = STRBUF_INIT, unique = STRBUF_INIT;
    git_blob *blob = NULL;
    cJSON *obj = NULL;
    int error = 0;
    bool damaged = false;
    if (place < 0) {
        strbuf_adds(&problem, orgctl_error_last());
        orgctl_error_clear();
    } else if ((error = read_blob(repo, path, id, &blob, &problem, &damaged)) < 0) {
        goto done;
    } else if (blob) {
        strbuf_add(&text, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
        obj = cJSON_Parse(strbuf_str(&text));
        check_file(repo, &problem, kind, org, name, obj);
    }
    if (!problem.len && place == 0)
        error = unique_clash(cu, kind, org, name, obj, &problem, &unique);
    if (!error)
        error = index_checked(repo, !cu->rebuild, path, kind, org, name, place == 0,
                              strbuf_str(&problem), unique.len ? strbuf_str(&unique) : NULL,
                              damaged, strbuf_str(&text), obj);
    struct ref_walk w = {cu, kind, path, org, name};
    if (!error && !problem.len)
        error = orgctl_store_object_rules->refs(kind, obj, note_ref, &w);
done:
    cJSON_Delete(obj);
    git_blob_free(blob);
    strbuf_release(&problem);
    strbuf_release(&text);
    strbuf_release(&unique);
    free(org);
    free(name);
    return error;
}

static int catch_up_one(const char *path, const git_oid *old_id, const git_oid *new_id,
                        void *payload)
{
    struct catch_up *cu = payload;
    if (new_id) {
        cu->error = index_blob(cu, path, new_id);
        if (!old_id && !cu->error && !cu->rebuild) /* from nothing, none waits for it */
            push_path(&cu->came, &cu->ncame, &cu->came_alloc, path);
        return cu->error;
    }
    cu->error = orgctl_index_delete(cu->repo, path);
    if (!cu->error)
        cu->error = orgctl_index_forget_invalid(cu->repo, path);
    if (!cu->error)
        push_path(&cu->gone, &cu->ngone, &cu->gone_alloc, path);
    return cu->error;
}

/* Whether the tree holds the object (valid or not). */
static bool object_there(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name)
{
    static const char *sql = "SELECT 1 FROM objects WHERE kind = ?1 AND org = ?2 AND name = ?3 "
                             "UNION ALL SELECT 1 FROM invalid WHERE kind = ?1 AND org = ?2 AND "
                             "name = ?3 LIMIT 1";
    sqlite3_stmt *st = orgctl_index_stmt_now(repo, sql);
    if (!st)
        return true;
    bind_key(st, kind, org, name);
    bool there = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return there;
}

/* Takes the object out of the objects: it refers to `target` `value`, which is not there.
 * A target that is not per org (a strategy) is missed under the org "", where it would be
 * indexed, so that its coming back finds every referrer of every org (came_back). */
static int refers_to_nothing(orgctl_repo *repo, const char *path, const orgctl_kind *kind,
                             const char *org, const char *name, const orgctl_kind *target,
                             const char *value)
{
    strbuf problem = STRBUF_INIT, key = STRBUF_INIT;
    if (target->per_org)
        strbuf_addf(&problem, "%s \"%.100s\" does not exist in org \"%s\"", target->name, value,
                    org);
    else
        strbuf_addf(&problem, "%s \"%.100s\" does not exist", target->name, value);
    invalid_key(&key, target, target->per_org ? org : "", value);
    int error = orgctl_index_delete_row(repo, kind, org, name);
    if (!error)
        error = record_invalid(repo, path, kind, org, name, strbuf_str(&problem), strbuf_str(&key),
                               false);
    strbuf_release(&problem);
    strbuf_release(&key);
    return error;
}

/* Indexes again the files at `paths` (a JSON list) as the tree holds them; a path the tree
 * no longer holds is skipped (its removal is caught up with on its own). */
static int reindex_paths(struct catch_up *cu, const cJSON *paths)
{
    const cJSON *p;
    int error = 0;
    cJSON_ArrayForEach(p, paths)
    {
        git_tree_entry *e = NULL;
        if (error < 0 || git_tree_entry_bypath(&e, cu->tree, p->valuestring) < 0)
            continue;
        error = index_blob(cu, p->valuestring, git_tree_entry_id(e));
        git_tree_entry_free(e);
    }
    git_error_clear();
    return error;
}

/* The files that referred to nothing and now may not: indexed again. */
static int came_back(struct catch_up *cu, const char *path)
{
    static const char *sql = "SELECT path FROM invalid WHERE missing = ?1";
    const orgctl_kind *kind;
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &kind, &org, &name) < 0)
        return 0;
    strbuf key = STRBUF_INIT;
    invalid_key(&key, kind, org, name);
    free(org);
    free(name);
    cJSON *paths = cJSON_CreateArray();
    sqlite3_stmt *st = orgctl_index_stmt_now(cu->repo, sql);
    int error = st ? 0 : ORGCTL_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, strbuf_str(&key), -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            cJSON_AddItemToArray(paths,
                                 cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
        sqlite3_reset(st);
    }
    if (!error)
        error = reindex_paths(cu, paths);
    cJSON_Delete(paths);
    strbuf_release(&key);
    return error;
}

/* The orgs that hold objects of `kind` (as the index was before the change set), or NULL. */
static cJSON *orgs_holding(orgctl_repo *repo, const orgctl_kind *kind)
{
    sqlite3_stmt *st = base_stmt(repo, "SELECT DISTINCT org FROM objects WHERE kind = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, kind->name, -1, SQLITE_STATIC);
    cJSON *orgs = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(orgs, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    return orgs;
}

/* The objects that referred to the object at `path`, which went. */
static int left_behind(orgctl_repo *repo, const char *path)
{
    const orgctl_kind *target, *const *kinds = orgctl_kinds();
    char *org = NULL, *name = NULL;
    if (orgctl_kind_parse_path(path, &target, &org, &name) < 0)
        return 0;
    int error = 0;
    for (int i = 0; kinds[i] && !error && !object_there(repo, target, org, name); i++)
        for (const orgctl_field *f = kinds[i]->fields; f->name && !error; f++) {
            if (!f->ref_kind || strcmp(f->ref_kind, target->name) != 0)
                continue;
            /* a target that is not per org (a strategy) is referred to from every org */
            cJSON *orgs = target->per_org || !kinds[i]->per_org
                              ? cJSON_CreateStringArray((const char *[]){org}, 1)
                              : orgs_holding(repo, kinds[i]),
                  *o;
            if (!orgs)
                error = ORGCTL_ERROR;
            cJSON_ArrayForEach(o, orgs)
            {
                cJSON *names = NULL, *n;
                if (!error)
                    error = orgctl_index_referrers(repo, true, kinds[i], o->valuestring, f->name,
                                                   name, 0, &names);
                cJSON_ArrayForEach(n, names)
                {
                    char *rpath = orgctl_kind_path(kinds[i], o->valuestring, n->valuestring);
                    if (!error)
                        error = refers_to_nothing(repo, rpath, kinds[i], o->valuestring,
                                                  n->valuestring, target, name);
                    free(rpath);
                }
                cJSON_Delete(names);
            }
            cJSON_Delete(orgs);
        }
    free(org);
    free(name);
    return error;
}

/* The files invalid for holding a unique value another holds too: looked at again once
 * anything changed (usually there is none). */
static int recheck_unique(struct catch_up *cu)
{
    static const char *sql = "SELECT path FROM invalid WHERE missing >= '!' AND missing < '\"'";
    sqlite3_stmt *st = orgctl_index_stmt_now(cu->repo, sql);
    if (!st)
        return ORGCTL_ERROR;
    cJSON *paths = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(paths, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    int error = reindex_paths(cu, paths);
    cJSON_Delete(paths);
    return error;
}

static int check_references(struct catch_up *cu)
{
    int error = 0;
    bool waiting = !cu->rebuild && orgctl_index_has_invalid(cu->repo);
    if (waiting)
        error = recheck_unique(cu);
    for (size_t i = 0; i < cu->ncame && waiting && !error; i++)
        error = came_back(cu, cu->came[i]);
    const struct pending_ref *there = NULL; /* the last found: most name the same role */
    for (size_t i = 0; i < cu->nrefs && !error; i++) {
        const struct pending_ref *r = &cu->refs[i];
        if (there && there->target == r->target && strcmp(there->value, r->value) == 0 &&
            strcmp(there->org, r->org) == 0)
            continue;
        /* a kind that is not per org (a strategy) is indexed under the org "" */
        if (object_there(cu->repo, r->target, r->target->per_org ? r->org : "", r->value))
            there = r;
        else
            error =
                refers_to_nothing(cu->repo, r->path, r->kind, r->org, r->name, r->target, r->value);
    }
    for (size_t i = 0; i < cu->ngone && !error; i++)
        error = left_behind(cu->repo, cu->gone[i]);
    return error;
}

static void catch_up_free(struct catch_up *cu)
{
    strmap_free(&cu->values);
    arena_free(&cu->strings);
    for (size_t i = 0; i < cu->ncame; i++)
        free(cu->came[i]);
    for (size_t i = 0; i < cu->ngone; i++)
        free(cu->gone[i]);
    free(cu->refs);
    free(cu->came);
    free(cu->gone);
}

int orgctl_index_catch_up(orgctl_repo *repo, const git_oid *target)
{
    git_oid from;
    bool has_from = orgctl_index_commit(repo, &from);
    git_tree *old_tree = NULL, *new_tree = NULL;
    int error;
    if ((error = orgctl_index_exec(repo, "BEGIN IMMEDIATE")) < 0)
        return error;
    repo->invalid_known = false;
    if (has_from && orgctl_commit_tree(&old_tree, repo, &from) < 0) {
        /* The commit it reflected is gone (history rewritten): rebuild from nothing. */
        orgctl_error_clear();
        old_tree = NULL;
    }
    if (!old_tree && (error = orgctl_index_exec(repo, "DELETE FROM objects; DELETE FROM attrs;"
                                                      "DELETE FROM invalid;")) < 0)
        goto done;
    /* from nothing, a whole tree: the references then checked read what was just written,
     * which SQLite's default 2 MB of cache would read back from the WAL */
    if (!old_tree && (error = orgctl_index_tune_bulk(repo, 0)) < 0)
        goto done;
    if ((error = orgctl_commit_tree(&new_tree, repo, target)) < 0)
        goto done;
    struct catch_up cu = {repo, new_tree, !old_tree, 0};
    error = orgctl_tree_diff(repo, old_tree, new_tree, catch_up_one, &cu);
    if (cu.error < 0)
        error = cu.error;
    if (!error)
        error = check_references(&cu);
    catch_up_free(&cu);
    if (!error)
        error = orgctl_index_set_commit(repo, target,
                                        max_id_since(repo, old_tree ? &from : NULL, target));
done:
    git_tree_free(old_tree);
    git_tree_free(new_tree);
    repo->invalid_known = false;
    if (!error)
        error = orgctl_index_exec(repo, "COMMIT");
    else
        sqlite3_exec(repo->db, "ROLLBACK", NULL, NULL, NULL);
    return error;
}
