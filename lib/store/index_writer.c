/* The index written by a thread of its own while a bulk set runs: the rows' checks, JSON
 * and pack on one core, the SQLite writes on the other.
 *
 * Writes (and the SAVEPOINT/RELEASE around batches) are queued in order and applied by the
 * writer on the repository's connection, in the change set's open transaction. The rows'
 * reads that need not wait go to a second, read-only connection, which sees the index as
 * it was before the change set (its transaction is not committed) and shares no lock with
 * the writer (sharing the connection serialised the two threads: slower than one):
 *  - an object the change set has not written is as it was (exists, get); one it wrote
 *    is read back from the set's pack (the change set's read_staged hook), or, in a dry set
 *    that has none, from the repository's connection with the writer held between two
 *    writes (orgctl_index_writer_hold);
 *  - a unique value is taken when an object the change set has not written has it, and
 *    free when, besides, no object the change set wrote was given it (find_value: the
 *    unique values the change set gave are kept here).
 * Everything else waits for the queue to empty, and for the attrs rows kept for later
 * (orgctl_index_defer_inserts) to go in, and reads the repository's connection
 * (orgctl_index_sync); a rollback to a savepoint waits for the queue and drops what was
 * kept since: the index is exact whenever it is read as a whole. An error of the writer is kept and
 * returned by the next sync or stop: the change set then fails as a whole.
 *
 * A savepoint is begun in SQLite only when it must be. The writer stops before the first
 * write queued in it until it ends: released, the writes go in as any others; rolled
 * back, they are taken off the queue unwritten, at the cost of what they were. Only when
 * someone waits for a write past its start (a sync, a full queue) does the writer begin it
 * in SQLite and go on. A SQLite savepoint copies every page a write touches into its
 * statement journal, and a rollback waited for the queue: with a savepoint per row (the
 * rows of a batch that failed, run again one by one), that was a third of a run with 1%
 * failing rows. */
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "store.h"
#include "strmap.h"
#include "utf8.h"

/* Queued items at most, and bytes of them (JSON and attrs rows): a group's put carries all
 * its members. When the writer falls behind (a thousand groups of a thousand members,
 * inserted all over the attrs table), the rows go on and the writer catches up while the
 * trees are written: a bound of 1 MB made the rows wait, and a million-user set 1.8 s
 * slower; 32 MB is about what the writer is behind at the end of such a set. */
#define QUEUE_MAX 4096
#define QUEUE_MAX_BYTES ((size_t)32 << 20)
/* The writer is woken when this many items wait (or someone waits for it): waking it for
 * every item cost a context switch per row. */
#define WAKE_AT 64

enum item_op { ITEM_PUT, ITEM_DELETE, ITEM_SAVEPOINT, ITEM_FLUSH };

struct item {
    struct item *next;
    enum item_op op;
    const orgctl_kind *kind;
    char *org, *name, *json;
    orgctl_index_attrs *attrs;       /* ITEM_PUT */
    enum orgctl_savepoint savepoint; /* ITEM_SAVEPOINT */
    bool maybe_exists;
    size_t bytes; /* of json and attrs */
};

struct orgctl_index_writer {
    orgctl_repo *repo;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, space, idle;
    struct item *head, *tail;
    struct item *done; /* applied, to be freed by the thread that made them */
    size_t queued, queued_bytes;
    bool busy, stopping, drop;
    bool held;                  /* orgctl_index_writer_hold */
    bool rows_done;             /* orgctl_index_writer_rows_done: no more values or base reads */
    uint64_t enqueued, applied; /* sequence numbers of items */
    uint64_t awaited;           /* a reader waits until this one is applied */
    /* the savepoint open (see above): begun after write number sp_start; sp_real once
     * begun in SQLite, sp_force when someone waits for a write past its start */
    bool sp_open, sp_real, sp_force;
    uint64_t sp_start;
    int error;
    char message[512];
    struct orgctl_stmt_cache stmts; /* the writer thread's */
    sqlite3 *base;                  /* read-only: the index before the change set */
    struct orgctl_stmt_cache base_stmts;
    strmap values; /* "kind\x1forg\x1ffield\x1fvalue" -> the name of the object given it */
    arena strings; /* the keys and names of values */
};

static void item_free(struct item *it)
{
    free(it->org);
    free(it->name);
    free(it->json);
    orgctl_index_attrs_free(it->attrs);
    free(it);
}

static void free_items(struct item *it)
{
    while (it) {
        struct item *next = it->next;
        item_free(it);
        it = next;
    }
}

static int apply(struct orgctl_index_writer *w, const struct item *it);

/* Whether the next write is the first of a savepoint not begun in SQLite. */
static bool at_savepoint(const struct orgctl_index_writer *w)
{
    return w->sp_open && !w->sp_real && w->applied == w->sp_start;
}

/* Someone waits for a write past the start of the savepoint: the writer begins it. */
static void force_savepoint(struct orgctl_index_writer *w)
{
    if (w->sp_open && !w->sp_real && w->enqueued > w->sp_start) {
        w->sp_force = true;
        pthread_cond_signal(&w->work);
    }
}

static void keep_error(struct orgctl_index_writer *w, int error)
{
    if (error < 0 && !w->error) {
        w->error = error;
        snprintf(w->message, sizeof(w->message), "%s", orgctl_error_last());
    }
}

static void *run(void *arg)
{
    struct orgctl_index_writer *w = arg;
    orgctl_index_thread_stmts(&w->stmts);
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while ((!w->head || w->held || (at_savepoint(w) && !w->sp_force)) && !w->stopping)
            pthread_cond_wait(&w->work, &w->mu);
        if (!w->head)
            break;
        if (at_savepoint(w)) { /* forced (or stopping): begun in SQLite after all */
            w->sp_real = true;
            w->busy = true;
            bool skip = w->error != 0 || w->drop;
            pthread_mutex_unlock(&w->mu);
            int error = skip ? 0 : orgctl_index_savepoint_now(w->repo, ORGCTL_SAVEPOINT_BEGIN);
            pthread_mutex_lock(&w->mu);
            keep_error(w, error);
            w->busy = false;
            continue;
        }
        struct item *it = w->head;
        w->head = it->next;
        if (!w->head)
            w->tail = NULL;
        w->busy = true;
        bool skip = w->error != 0 || w->drop;
        pthread_mutex_unlock(&w->mu);
        int error = skip ? 0 : apply(w, it);
        pthread_mutex_lock(&w->mu);
        /* freed by the rows' thread, which allocated it: a free here takes that thread's
         * malloc arena lock, and the two threads then queued on it (60k context switches
         * in a million-user run) */
        it->next = w->done;
        w->done = it;
        keep_error(w, error);
        w->busy = false;
        w->queued--;
        w->queued_bytes -= it->bytes;
        w->applied++;
        pthread_cond_signal(&w->space);
        if (!w->head || w->held || at_savepoint(w) || (w->awaited && w->applied >= w->awaited))
            pthread_cond_broadcast(&w->idle);
    }
    pthread_mutex_unlock(&w->mu);
    orgctl_index_stmts_finalize(&w->stmts);
    orgctl_index_thread_stmts(NULL);
    return NULL;
}

static int apply(struct orgctl_index_writer *w, const struct item *it)
{
    switch (it->op) {
    case ITEM_PUT:
        return orgctl_index_put_row(w->repo, it->kind, it->org, it->name, it->json, it->attrs,
                                    it->maybe_exists);
    case ITEM_DELETE:
        return orgctl_index_delete_row(w->repo, it->kind, it->org, it->name);
    case ITEM_SAVEPOINT:
        return orgctl_index_savepoint_now(w->repo, it->savepoint);
    case ITEM_FLUSH:
        return orgctl_index_flush_inserts(w->repo);
    }
    return 0;
}

int orgctl_index_writer_start(orgctl_repo *repo)
{
    if (repo->writer || !sqlite3_threadsafe() || repo->read_only)
        return 0; /* a SQLite without threads, or an index in memory (a read-only
                   * repository's) that a second connection cannot see: this thread */
    struct orgctl_index_writer *w = xcalloc(1, sizeof(*w));
    w->repo = repo;
    strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/orgctl/index.sqlite", repo->gitdir);
    int rc = sqlite3_open_v2(strbuf_str(&path), &w->base,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    strbuf_release(&path);
    if (rc != SQLITE_OK) {
        sqlite3_close(w->base);
        free(w);
        return 0; /* no second connection: the writes stay on this thread */
    }
    sqlite3_busy_timeout(w->base, 30000);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->space, NULL);
    pthread_cond_init(&w->idle, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->work);
        pthread_cond_destroy(&w->space);
        pthread_cond_destroy(&w->idle);
        sqlite3_close(w->base);
        free(w);
        return 0; /* no thread: the writes stay on this thread */
    }
    repo->writer = w;
    orgctl_index_defer_inserts(repo);
    return 0;
}

/* Waits until the queue is written; the writer's first error. Called with mu held. */
static int wait_idle(struct orgctl_index_writer *w)
{
    force_savepoint(w);
    if (w->head)
        pthread_cond_signal(&w->work);
    while (w->head || w->busy)
        pthread_cond_wait(&w->idle, &w->mu);
    return w->error;
}

uint64_t orgctl_index_writer_last(orgctl_repo *repo)
{
    return repo->writer ? repo->writer->enqueued : 0;
}

/* The writer, seen from another thread (NULL: none, or this is the writer's thread). */
static struct orgctl_index_writer *writer_elsewhere(orgctl_repo *repo)
{
    struct orgctl_index_writer *w = repo->writer;
    return w && !pthread_equal(pthread_self(), w->thread) ? w : NULL;
}

int orgctl_index_writer_wait(orgctl_repo *repo, uint64_t seq)
{
    struct orgctl_index_writer *w = writer_elsewhere(repo);
    if (!w)
        return 0;
    pthread_mutex_lock(&w->mu);
    if (w->applied < seq) {
        w->awaited = seq;
        if (seq > w->sp_start)
            force_savepoint(w);
        pthread_cond_signal(&w->work);
        while (w->applied < seq && !w->error)
            pthread_cond_wait(&w->idle, &w->mu);
        w->awaited = 0;
    }
    int error = w->error;
    pthread_mutex_unlock(&w->mu);
    return error < 0 ? orgctl_error_set(error, "%s", w->message) : 0;
}

static void set_held(orgctl_repo *repo, bool held)
{
    struct orgctl_index_writer *w = writer_elsewhere(repo);
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->held = held;
    if (!held)
        pthread_cond_signal(&w->work);
    while (held && w->busy) /* it finishes the write it is in */
        pthread_cond_wait(&w->idle, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

void orgctl_index_writer_hold(orgctl_repo *repo)
{
    set_held(repo, true);
}

void orgctl_index_writer_release(orgctl_repo *repo)
{
    set_held(repo, false);
}

static int report(struct orgctl_index_writer *w, int error)
{
    return error < 0 ? orgctl_error_set(error, "%s", w->message) : 0;
}

int orgctl_index_sync(orgctl_repo *repo)
{
    struct orgctl_index_writer *w = repo->writer;
    if (!w)
        return orgctl_index_flush_deletes(repo);
    if (pthread_equal(pthread_self(), w->thread))
        return 0;
    pthread_mutex_lock(&w->mu);
    int error = wait_idle(w);
    pthread_mutex_unlock(&w->mu);
    /* the writer is idle until the next item is queued, by this thread */
    return error < 0 ? report(w, error) : orgctl_index_flush_inserts(repo);
}

/* What only the rows read: the index before the change set and the unique values given. */
static void free_rows_state(struct orgctl_index_writer *w)
{
    orgctl_index_stmts_finalize(&w->base_stmts);
    sqlite3_close(w->base);
    w->base = NULL;
    strmap_free(&w->values);
    arena_free(&w->strings);
}

int orgctl_index_writer_stop(orgctl_repo *repo, bool apply_queue)
{
    struct orgctl_index_writer *w = repo->writer;
    if (!w)
        return 0;
    pthread_mutex_lock(&w->mu);
    w->drop = !apply_queue;
    int error = wait_idle(w);
    w->stopping = true;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    repo->writer = NULL;
    free_items(w->done);
    error = apply_queue ? report(w, error) : 0;
    if (apply_queue && !error)
        error = orgctl_index_flush_inserts(repo);
    orgctl_index_drop_inserts(repo);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->space);
    pthread_cond_destroy(&w->idle);
    free_rows_state(w);
    free(w);
    return error;
}

static int enqueue(struct orgctl_index_writer *w, struct item *it)
{
    pthread_mutex_lock(&w->mu);
    struct item *done = w->done;
    w->done = NULL;
    while ((w->queued >= QUEUE_MAX || w->queued_bytes >= QUEUE_MAX_BYTES) && !w->error) {
        force_savepoint(w);
        pthread_cond_signal(&w->work);
        pthread_cond_wait(&w->space, &w->mu);
    }
    int error = w->error;
    if (!error) {
        if (w->tail)
            w->tail->next = it;
        else
            w->head = it;
        w->tail = it;
        w->queued++;
        w->queued_bytes += it->bytes;
        w->enqueued++;
        if (w->queued >= WAKE_AT || it->op == ITEM_FLUSH)
            pthread_cond_signal(&w->work);
    }
    pthread_mutex_unlock(&w->mu);
    free_items(done);
    if (error)
        item_free(it);
    return report(w, error);
}

static struct item *item_new(enum item_op op, const orgctl_kind *kind, const char *org,
                             const char *name)
{
    struct item *it = xcalloc(1, sizeof(*it));
    it->op = op;
    it->kind = kind;
    it->org = org ? xstrdup(org) : NULL;
    it->name = name ? xstrdup(name) : NULL;
    return it;
}

/* "kind \x1f org \x1f field \x1f value": the key of a unique value. */
static void value_key(strbuf *sb, const orgctl_kind *kind, const char *org, const char *field,
                      const char *value)
{
    const char *parts[4] = {kind->name, org, field, value};
    for (int i = 0; i < 4; i++) { /* without printf: this runs for every row */
        if (i)
            strbuf_addch(sb, '\x1f');
        strbuf_adds(sb, parts[i]);
    }
}

/* Notes the unique values `obj`, named `name`, gets. */
static void note_values(struct orgctl_index_writer *w, const orgctl_kind *kind, const char *org,
                        const char *name, const cJSON *obj)
{
    strbuf key = STRBUF_INIT, low = STRBUF_INIT;
    const char *stored_name = NULL;
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_UNIQUE))
            continue;
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, f->name));
        if (!v)
            continue;
        strbuf_reset(&low);
        if (f->flags & ORGCTL_FIELD_NOCASE)
            orgctl_utf8_casefold(&low, v);
        else
            strbuf_adds(&low, v);
        strbuf_reset(&key);
        value_key(&key, kind, org, f->name, strbuf_str(&low));
        if (!stored_name)
            stored_name = arena_strdup(&w->strings, name);
        strmap_set(&w->values, arena_strdup(&w->strings, strbuf_str(&key)),
                   (size_t)(uintptr_t)stored_name);
    }
    strbuf_release(&key);
    strbuf_release(&low);
}

int orgctl_index_writer_put(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const char *name, const char *json, const cJSON *obj,
                            orgctl_index_attrs *attrs, bool maybe_exists)
{
    struct orgctl_index_writer *w = repo->writer;
    struct item *it = item_new(ITEM_PUT, kind, org, name);
    size_t len = strlen(json);
    it->json = xmalloc(len + 1);
    memcpy(it->json, json, len + 1);
    it->bytes = len + orgctl_index_attrs_bytes(attrs);
    it->attrs = attrs;
    it->maybe_exists = maybe_exists;
    note_values(w, kind, org, name, obj);
    return enqueue(w, it);
}

int orgctl_index_writer_delete(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name)
{
    return enqueue(repo->writer, item_new(ITEM_DELETE, kind, org, name));
}

int orgctl_index_writer_rows_done(orgctl_repo *repo)
{
    if (!repo->writer)
        return 0;
    free_rows_state(repo->writer);
    repo->writer->rows_done = true;
    /* the inserts kept go in while the trees are written */
    return enqueue(repo->writer, item_new(ITEM_FLUSH, NULL, NULL, NULL));
}

int orgctl_index_writer_savepoint(orgctl_repo *repo, enum orgctl_savepoint what)
{
    struct orgctl_index_writer *w = repo->writer;
    pthread_mutex_lock(&w->mu);
    bool lazy = what == ORGCTL_SAVEPOINT_BEGIN ? !w->sp_open : w->sp_open && !w->sp_real;
    if (what == ORGCTL_SAVEPOINT_BEGIN && lazy) {
        w->sp_open = true;
        w->sp_real = w->sp_force = false;
        w->sp_start = w->enqueued;
    } else if (what == ORGCTL_SAVEPOINT_RELEASE) {
        w->sp_open = false; /* its writes go in as any others */
        pthread_cond_signal(&w->work);
    }
    pthread_mutex_unlock(&w->mu);
    if (lazy)
        return 0;
    struct item *it = item_new(ITEM_SAVEPOINT, NULL, NULL, NULL);
    it->savepoint = what;
    return enqueue(w, it);
}

bool orgctl_index_writer_undo(orgctl_repo *repo)
{
    struct orgctl_index_writer *w = repo->writer;
    pthread_mutex_lock(&w->mu);
    bool lazy = w->sp_open && !w->sp_real;
    if (lazy) {
        /* the writer stopped before the savepoint's first write: the queue holds the
         * writes numbered applied + busy + 1 to enqueued, those past sp_start go */
        size_t keep = (size_t)(w->sp_start - w->applied) - (w->busy ? 1 : 0);
        struct item **link = &w->head, *last = NULL;
        for (size_t i = 0; i < keep && *link; i++) {
            last = *link;
            link = &last->next;
        }
        struct item *gone = *link;
        *link = NULL;
        w->tail = last;
        for (struct item *it = gone; it; it = it->next) {
            w->queued--;
            w->queued_bytes -= it->bytes;
        }
        w->enqueued = w->sp_start; /* their numbers are given again */
        w->sp_open = false;
        pthread_cond_signal(&w->space);
        pthread_mutex_unlock(&w->mu);
        free_items(gone);
        return true;
    }
    w->sp_open = false;
    pthread_mutex_unlock(&w->mu);
    return false;
}

const char *orgctl_index_writer_given(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                      const char *field, const char *value)
{
    assert(!repo->writer->rows_done);
    strbuf key = STRBUF_INIT;
    value_key(&key, kind, org, field, value);
    size_t name = 0;
    bool found = strmap_get(&repo->writer->values, strbuf_str(&key), &name);
    strbuf_release(&key);
    return found ? (const char *)(uintptr_t)name : NULL;
}

sqlite3_stmt *orgctl_index_writer_base_stmt(orgctl_repo *repo, const char *sql)
{
    struct orgctl_index_writer *w = repo->writer;
    assert(!w->rows_done);
    struct orgctl_stmt_cache *c = &w->base_stmts;
    for (int i = 0; i < c->n; i++)
        if (c->sql[i] == sql) {
            sqlite3_reset(c->st[i]);
            sqlite3_clear_bindings(c->st[i]);
            return c->st[i];
        }
    sqlite3_stmt *st = NULL;
    if (c->n == (int)(sizeof(c->st) / sizeof(c->st[0])) ||
        sqlite3_prepare_v2(w->base, sql, -1, &st, NULL) != SQLITE_OK) {
        orgctl_sqlite_error(w->base, "prepare");
        return NULL;
    }
    c->sql[c->n] = sql;
    c->st[c->n++] = st;
    return st;
}
