/* The store's internals, shared by the files of lib/store/ and by the layers above (which
 * see them through lib/core/internal.h): the repository handle as far as storage goes (git,
 * the SQLite index, the writer lock), the index, the tree walker. Not installed. */
#ifndef ORGCTL_STORE_H
#define ORGCTL_STORE_H

#include <cjson/cJSON.h>
#include <git2.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "index_key.h"
#include "orgctl/changeset.h"
#include "orgctl/errors.h"
#include "orgctl/kind.h"
#include "orgctl/object.h"
#include "orgctl/repo.h"
#include "packwriter.h"
#include "strbuf.h"

#define ORGCTL_BRANCH "refs/heads/main"

/* Prepared statements of the index, keyed by their SQL text's address: one set per thread
 * that uses the connection (a statement must not be stepped by two threads at once). */
struct orgctl_stmt_cache {
    const char *sql[48];
    sqlite3_stmt *st[48];
    int n;
};

struct orgctl_index_writer;
struct orgctl_context;

/* The rules of objects the index checks the files of the tree against as it catches up
 * (lib/core/object.c): the core registers them before it opens a repository
 * (orgctl_store_set_object_rules), so the store calls nothing of the layers above. */
typedef int (*orgctl_object_ref_cb)(const orgctl_kind *target, const orgctl_field *f,
                                    const char *value, void *payload);
struct orgctl_object_rules {
    /* Validates obj as found in the tree at the path of `name` (of kind in org): the rules
     * of its kind that concern the object alone. */
    int (*validate_stored)(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                           const char *name, cJSON *obj);
    /* Calls cb for each reference obj makes, until cb returns non-zero, which it returns. */
    int (*refs)(const orgctl_kind *kind, const cJSON *obj, orgctl_object_ref_cb cb, void *payload);
};
void orgctl_store_set_object_rules(const struct orgctl_object_rules *rules);
/* The rules registered (lib/store/rules.c). */
extern const struct orgctl_object_rules *orgctl_store_object_rules;

/* What the store asks of the change set open above it: the change set registers them as
 * it begins (lib/core/changeset.c), so the store calls nothing of the layers above. */
struct orgctl_changeset_hooks {
    /* Whether the change set staged `path`: 1 written, 0 removed, -1 not staged. */
    int (*staged)(orgctl_changeset *cs, const char *path);
    /* What a bulk change set staged at `path`, read back from its pack (*data NULL:
     * removed); false when it cannot tell. */
    bool (*read_staged)(orgctl_changeset *cs, const char *path, char **data);
    /* The index writer's sequence number of the last write of `path`'s row (0: none). */
    uint64_t (*index_seq)(orgctl_changeset *cs, const char *path);
    /* Frees the change set as the repository is closed. */
    void (*free)(orgctl_changeset *cs);
};

struct orgctl_repo {
    git_repository *git;
    char *gitdir;
    sqlite3 *db;
    int lock_fd;   /* >= 0 while this process holds the writer lock */
    bool has_head; /* the branch exists */
    git_oid head;  /* the commit the index reflects, read under the lock */
    bool dry_run;  /* ORGCTL_OPEN_DRY_RUN: change sets are never committed */
    /* orgctl may not write to it (a read-only mount, a mirror): queries and dry runs only,
     * without the lock, the index read as it is or held in memory (lib/store/index.c) */
    bool read_only;
    struct orgctl_init_place *init; /* init's repository until it is moved into place */
    /* The change set open above (lib/core/changeset.c), which the store knows only through
     * the questions it may ask it (cs_hooks), and the context of the layers above
     * (lib/core/internal.h): opaque here. */
    orgctl_changeset *cs;
    const struct orgctl_changeset_hooks *cs_hooks;
    struct orgctl_context *ctx;
    struct orgctl_path_cache *paths; /* while a bulk set runs (lib/store/index.c) */
    struct orgctl_stmt_cache stmts;
    struct orgctl_index_writer *writer;      /* while a bulk set runs (lib/store/index_writer.c) */
    struct orgctl_deferred_deletes *deletes; /* while a big rollback runs (lib/store/index.c) */
    struct orgctl_deferred_inserts *inserts; /* while a bulk set runs (lib/store/index.c) */
    bool invalid_known, has_invalid;         /* whether the index holds invalid files, once asked */
};

/* Parses the 40 lowercase hex digits of a commit id at the start of `s`, followed by the
 * end of the line or a space. Not git_oid_fromstrn: libgit2 may not be initialised yet
 * (it keeps its error in thread state that does not exist then: a damaged ref crashed
 * every command), and a ref is read before every command. */
bool orgctl_oid_parse(const char *s, git_oid *out);
/* The hex id of the commit the repository was read at ("" in an empty one): what a
 * change set made now builds on (a load records it as the rules it applied). */
void orgctl_store_head_hex(orgctl_repo *repo, char out[41]);

/* The modes of the files and folders orgctl creates in a repository, less the umask:
 * nothing for others, since objects and the index hold password hashes (orgctl(5)). */
#define ORGCTL_FILE_MODE 0660
#define ORGCTL_DIR_MODE 0770

/* Opens the git repository on first need (queries answered by the index never do). */
int orgctl_repo_git_open(orgctl_repo *repo);

/* Wraps the last libgit2 error into ours: ORGCTL_ESTORAGE when the operating system said
 * the disk is full or a file is too large. */
int orgctl_git_error(int code, const char *what);
/* Wraps the last SQLite error into ours (`what` may be NULL), naming the errno SQLite saw
 * when the operating system failed it: ORGCTL_ESTORAGE when that is a full disk. */
int orgctl_sqlite_error(sqlite3 *db, const char *what);

/* Objects written through libgit2 (blobs, trees, a commit): call _begin, then the libgit2
 * function, then _check with what it returned. A write that failed is an error even when
 * libgit2, having retried elsewhere, says it worked (lib/store/repo.c). */
void orgctl_odb_write_begin(void);
int orgctl_odb_write_check(int error, const char *what);

/* --- errors of the operating system (lib/util/oserror.c) --- */
/* Whether errno `err` says the disk is full or a file may grow no more (ENOSPC, EDQUOT,
 * EFBIG): not the input's fault, and no use going on past. */
bool orgctl_errno_is_storage(int err);
/* Sets "WHAT: strerror(err)" (WHAT printf-style) and returns ORGCTL_ESTORAGE for a
 * storage errno, else ORGCTL_ERROR. errno is `err` after it. */
int orgctl_errno_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes all of `data`; -1 with errno set when a write fails. */
int orgctl_write_all(int fd, const void *data, size_t len);

/* The writer lock (flock on <gitdir>/orgctl/lock). Under it, stale git locks and
 * temporary packs left by killed writers are removed. */
int orgctl_lock_acquire(orgctl_repo *repo);
void orgctl_lock_release(orgctl_repo *repo);

/* --- the SQLite index (lib/store/index.c) --- */
/* Opens the index; in a read-only repository, the file as it is when it is whole and
 * current, else (and for a dry run) a copy in memory. */
int orgctl_index_open(orgctl_repo *repo);
/* In a read-only repository: the index becomes a copy in memory (built from nothing when
 * there is no usable file), which may then be caught up. */
int orgctl_index_in_memory(orgctl_repo *repo);
void orgctl_index_close(orgctl_repo *repo);
/* The commit the index reflects; false when it reflects none. */
bool orgctl_index_commit(orgctl_repo *repo, git_oid *out);
/* Records the commit the index reflects and `max_id`, when higher than what it holds, as the
 * highest change-set id seen. */
int orgctl_index_set_commit(orgctl_repo *repo, const git_oid *commit, long max_id);
/* The highest change-set id the index has seen (0: none). */
long orgctl_index_max_id(orgctl_repo *repo);
/* Brings the index from the commit it reflects to `target`, walking only what changed. */
int orgctl_index_catch_up(orgctl_repo *repo, const git_oid *target);
/* Stores one object's JSON text (parsed as `obj`) under `path`. */
int orgctl_index_put(orgctl_repo *repo, const char *path, const orgctl_kind *kind, const char *org,
                     const char *name, const char *json, const cJSON *obj);
int orgctl_index_delete(orgctl_repo *repo, const char *path);
/* Files of the tree that break their kind's rules (not indexed as objects): whether there
 * are any (asked once, then kept), and each one, cb(path, problem, payload), of the object
 * `name` of kind in org, of all of kind in org (name NULL) or all (kind NULL), in path
 * order until cb returns non-zero; returns how many were passed, or an error. */
bool orgctl_index_has_invalid(orgctl_repo *repo);
/* `damaged`: the file cannot be read at all (its blob is missing), which is damaged storage,
 * not a file that breaks the rules. */
typedef int (*orgctl_index_invalid_cb)(const char *path, const char *problem, bool damaged,
                                       void *payload);
int orgctl_index_invalid(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name, orgctl_index_invalid_cb cb, void *payload);
/* Indexes a file a change set restores (a rollback) at `path`: the object it holds, as it
 * is (the rollback validates what it restores, lib/core/restore.c), or for a file in a
 * kind's folder where no object can be, or that is no JSON, ORGCTL_EINVALID naming it.
 * `obj` is `text` parsed (NULL: not JSON). */
int orgctl_index_restored(orgctl_repo *repo, const char *path, const char *text, cJSON *obj);
/* Forgets that the file at `path` was invalid: a change set writes or removes it. */
int orgctl_index_forget_invalid(orgctl_repo *repo, const char *path);
/* Whether the object is there; `path` is its path (orgctl_kind_path), which the change
 * set and the caches of a bulk run know objects by. */
bool orgctl_index_exists(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name, const char *path);
/* For a change of `rows` objects: a page cache of 32 MB, not SQLite's 2 MB, and up to
 * 96 MB for a set of a million (its membership rows are inserted all over the attrs table,
 * and with less, a page is read back from the WAL for most rows: 8% of the run). */
int orgctl_index_tune_bulk(orgctl_repo *repo, size_t rows);
/* While a bulk set (of `rows` rows) runs, which paths exist is kept in memory; reset after
 * a rollback to a savepoint. */
void orgctl_index_cache_start(orgctl_repo *repo, size_t rows);
void orgctl_index_cache_reset(orgctl_repo *repo);
void orgctl_index_cache_stop(orgctl_repo *repo);
/* The JSON text of the object (malloc'd) or NULL when there is none; `path` as above. */
char *orgctl_index_get(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *name, const char *path);
/* The name of another object of kind in org whose `field` holds `value`, or NULL. */
char *orgctl_index_find_value(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                              const char *field, const char *value, const char *except);
/* The names (at most `limit`, 0: all), in order, of objects of `kind` in org whose `field`
 * holds `value` (NULL: any value): as the change set has them, or with `base` as the index
 * was before the change set while a bulk set's writer runs (without waiting for it). */
int orgctl_index_referrers(orgctl_repo *repo, bool base, const orgctl_kind *kind, const char *org,
                           const char *field, const char *value, int limit, cJSON **out);
/* --- listings (lib/store/index_list.c) --- */
/* A cursor over the JSON texts of the objects of `kind` in `org` that pass every filter
 * (and whose name or e-mail contains `search`, when not NULL), in name order: one row at
 * a time, so a list costs a row of memory, not the whole result. */
typedef struct orgctl_index_cursor orgctl_index_cursor;
int orgctl_index_list_open(orgctl_index_cursor **out, orgctl_repo *repo, const orgctl_kind *kind,
                           const char *org, const orgctl_filter *filters, size_t nfilters,
                           const char *search);
/* 1 with the next row's text in *json (valid until the next call), 0 at the end, < 0 on
 * error. */
int orgctl_index_cursor_next(orgctl_index_cursor *c, const char **json, size_t *len);
void orgctl_index_cursor_free(orgctl_index_cursor *c);
/* A cursor over the values the objects of `kind` in `org` hold in their indexed `field`
 * (a group's members), each with the name of the object holding it: in value order, then
 * name order, so that a list of users in name order meets their groups in one pass. */
int orgctl_index_values_open(orgctl_index_cursor **out, orgctl_repo *repo, const orgctl_kind *kind,
                             const char *org, const char *field);
/* 1 with the next row (both valid until the next call), 0 at the end, < 0 on error. */
int orgctl_index_values_next(orgctl_index_cursor *c, const char **value, const char **name);
/* The names of the objects of `kind` in `org` starting with `prefix`, in order, as a JSON
 * array (a range of the index, without reading the objects). */
int orgctl_index_names(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *prefix);
/* The number of objects in `org`, the org itself left out. */
int orgctl_index_count_in_org(orgctl_repo *repo, const char *org, long *count);
/* Runs `sql` once the index writer (if any) has written everything queued before. */
int orgctl_index_exec(orgctl_repo *repo, const char *sql);
/* Rolls the index's open transaction back at once, whatever the writer has queued, and
 * whether or not one is open (a change set given up, or one whose commit failed to record). */
void orgctl_index_abort(orgctl_repo *repo);
/* Begins a read transaction when none is open, so that many lookups share one (and its
 * locks); true when it began one, which orgctl_index_read_end(repo, true) ends. */
bool orgctl_index_read_begin(orgctl_repo *repo);
void orgctl_index_read_end(orgctl_repo *repo, bool began);
/* The savepoint a bulk set's batch runs in: begun and released in turn with the writes
 * queued before; a rollback to it waits for them. `_now` on the calling thread. */
enum orgctl_savepoint {
    ORGCTL_SAVEPOINT_BEGIN,
    ORGCTL_SAVEPOINT_RELEASE,
    ORGCTL_SAVEPOINT_ROLLBACK
};
int orgctl_index_savepoint(orgctl_repo *repo, enum orgctl_savepoint what);
int orgctl_index_savepoint_now(orgctl_repo *repo, enum orgctl_savepoint what);
/* A cached prepared statement for `sql` (reset, bindings cleared), once the index writer
 * (if any) has written everything queued: what it reads is the change set's state. */
sqlite3_stmt *orgctl_index_stmt(orgctl_repo *repo, const char *sql);
/* The same without waiting for the writer, for the reads that know what it has not
 * written yet (exists, get, find_value), and for the writer itself. */
sqlite3_stmt *orgctl_index_stmt_now(orgctl_repo *repo, const char *sql);
/* The statements of the calling thread are in `c` (NULL: the repository's). */
void orgctl_index_thread_stmts(struct orgctl_stmt_cache *c);
void orgctl_index_stmts_finalize(struct orgctl_stmt_cache *c);
/* Binds a range of attrs keys to parameters i and i + 1. */
void orgctl_index_bind_range(sqlite3_stmt *st, int i, orgctl_index_range *r);
/* The attrs rows of an object (its indexed values), as index keys. */
typedef struct orgctl_index_attrs orgctl_index_attrs;
orgctl_index_attrs *orgctl_index_attrs_of(const orgctl_kind *kind, const char *org,
                                          const char *name, const cJSON *obj);
void orgctl_index_attrs_free(orgctl_index_attrs *attrs);
/* The memory they hold. */
size_t orgctl_index_attrs_bytes(const orgctl_index_attrs *attrs);
/* The writes themselves, on whichever thread does them: an object's row and its attrs
 * rows (`maybe_exists` false when it is known to be new), and their removal. */
int orgctl_index_put_row(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                         const char *name, const char *json, const orgctl_index_attrs *attrs,
                         bool maybe_exists);
int orgctl_index_delete_row(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const char *name);

/* Deletes of objects are kept until the index is next read as a whole (orgctl_index_sync)
 * or the change set commits; then those that remove every object of a kind in an org are
 * two range deletes instead of a delete per object and per indexed value. For a rollback
 * of a bulk set, which deletes everything the set created. */
void orgctl_index_defer_deletes(orgctl_repo *repo);
int orgctl_index_flush_deletes(orgctl_repo *repo);
void orgctl_index_drop_deletes(orgctl_repo *repo);

/* Inserts of an object's attrs rows, when it adds many (a group's members), are kept
 * while a bulk set runs and go in at once, merged in key order, when the index is next
 * read as a whole, before a row is deleted, and when the rows are over: a thousand groups
 * of a thousand members, inserted group by group, wrote all over the attrs table, and
 * SQLite copied each page they touched into the batch's savepoint journal (the million-user
 * set spent 7 s there, the 100k one 0.3 s). A rollback to a savepoint drops those kept
 * since (orgctl_index_inserts_savepoint follows the savepoints). */
void orgctl_index_defer_inserts(orgctl_repo *repo);
int orgctl_index_flush_inserts(orgctl_repo *repo);
void orgctl_index_inserts_savepoint(orgctl_repo *repo, enum orgctl_savepoint what);
void orgctl_index_drop_inserts(orgctl_repo *repo);

/* the index written by a thread of its own while a bulk set runs: */
#include "index_writer.h"

/* Change-set ids (lib/store/trailer.c): 1 to ORGCTL_CHANGESET_ID_MAX, at most that many
 * digits, never reused. */
#define ORGCTL_CHANGESET_ID_DIGITS 15
#define ORGCTL_CHANGESET_ID_MAX 999999999999999L
/* The id in a commit message's last Change-Set trailer; false when there is none, or it is
 * no id (not digits, a leading zero, too long: a hand-made commit). */
bool orgctl_changeset_id_parse(const char *msg, long *out);

/* --- the objects of the repository (lib/store/objects.c) --- */
/* The layers above deal in these handles and ids and the functions below, never in
 * libgit2's: they are libgit2's objects under the store's names. */
typedef git_oid orgctl_oid;
typedef git_tree orgctl_tree;
typedef git_tree_entry orgctl_tree_entry;
typedef git_blob orgctl_blob;
typedef git_commit orgctl_commit;
typedef git_revwalk orgctl_walk;
#define ORGCTL_OID_HEXSZ GIT_OID_HEXSZ
/* What a lookup returns when there is no such object or path, and a walk at its end. */
#define ORGCTL_STORE_NOTFOUND GIT_ENOTFOUND
#define ORGCTL_STORE_ITEROVER GIT_ITEROVER
/* Forgets the storage's last error (a miss that is an answer); its text, or NULL. */
void orgctl_store_error_clear(void);
const char *orgctl_store_error_message(void);

bool orgctl_oid_equal(const orgctl_oid *a, const orgctl_oid *b);
/* The hex id in out (size - 1 digits at most), which it returns. */
char *orgctl_oid_tostr(char *out, size_t size, const orgctl_oid *id);

/* Trees and their entries (an entry of a tree lives as long as the tree). */
int orgctl_tree_lookup(orgctl_tree **out, orgctl_repo *repo, const orgctl_oid *id);
void orgctl_tree_free(orgctl_tree *tree);
const orgctl_oid *orgctl_tree_id(const orgctl_tree *tree);
size_t orgctl_tree_entrycount(const orgctl_tree *tree);
const orgctl_tree_entry *orgctl_tree_entry_byindex(const orgctl_tree *tree, size_t i);
const orgctl_tree_entry *orgctl_tree_entry_byname(const orgctl_tree *tree, const char *name);
/* The entry at `path` below root, the caller's to free; ORGCTL_STORE_NOTFOUND (no error
 * kept) when there is none. */
int orgctl_tree_entry_bypath(orgctl_tree_entry **out, const orgctl_tree *root, const char *path);
void orgctl_tree_entry_free(orgctl_tree_entry *entry);
const char *orgctl_tree_entry_name(const orgctl_tree_entry *entry);
const orgctl_oid *orgctl_tree_entry_id(const orgctl_tree_entry *entry);
bool orgctl_tree_entry_is_tree(const orgctl_tree_entry *entry);
bool orgctl_tree_entry_is_blob(const orgctl_tree_entry *entry);
/* Same id and mode. */
bool orgctl_tree_entry_same(const orgctl_tree_entry *a, const orgctl_tree_entry *b);
/* The order of entries in a tree. */
int orgctl_tree_entry_cmp(const orgctl_tree_entry *a, const orgctl_tree_entry *b);
/* The tree `base` (NULL: the empty tree) becomes with `changes` (sorted by path) applied,
 * written as loose objects: the trees of a small change set. */
int orgctl_tree_write_changes(orgctl_oid *out, orgctl_repo *repo, const orgctl_tree *base,
                              const orgctl_tree_change *changes, size_t n);

/* Blobs. */
int orgctl_blob_lookup(orgctl_blob **out, orgctl_repo *repo, const orgctl_oid *id);
void orgctl_blob_free(orgctl_blob *blob);
const char *orgctl_blob_data(const orgctl_blob *blob);
size_t orgctl_blob_size(const orgctl_blob *blob);
/* The id `data` has as a blob, written nowhere. */
int orgctl_blob_hash(orgctl_oid *out, const void *data, size_t len);
/* Writes `data` as a loose blob. */
int orgctl_blob_write(orgctl_oid *out, orgctl_repo *repo, const void *data, size_t len);
/* 0 when the blob `id` is in the object database and its header reads as a blob's,
 * ORGCTL_STORE_NOTFOUND when it is missing, -1 when it is something else or unreadable:
 * without reading its content. */
int orgctl_blob_present(orgctl_repo *repo, const orgctl_oid *id);
/* Passes the content of blob `id` to cb piece by piece, streamed where the object
 * database can (a loose object), else whole; a read that fails is named `what`. */
int orgctl_blob_stream(orgctl_repo *repo, const orgctl_oid *id, const char *what,
                       int (*cb)(const void *data, size_t len, void *payload), void *payload);
/* The pack of a bulk change set (packwriter.h), in this repository; a blob added to it. */
int orgctl_store_pack_new(orgctl_packwriter **out, orgctl_repo *repo);
int orgctl_store_pack_blob(orgctl_packwriter *pack, const void *data, size_t len, orgctl_oid *out);

/* A unified patch (3 lines of context) of two texts (NULL: the side has none), both sides
 * named `path`, appended to out. From texts, never blobs: a blob's patch would look up the
 * repository's attributes for a diff driver, files read for each path. Returns libgit2's
 * code. */
int orgctl_patch_texts(strbuf *out, const char *path, const char *old_text, size_t old_len,
                       const char *new_text, size_t new_len);

/* Commits. */
int orgctl_commit_lookup(orgctl_commit **out, orgctl_repo *repo, const orgctl_oid *id);
void orgctl_commit_free(orgctl_commit *commit);
const orgctl_oid *orgctl_commit_id(const orgctl_commit *commit);
const char *orgctl_commit_message(const orgctl_commit *commit);
/* The first paragraph of the message, kept by the commit. */
const char *orgctl_commit_summary(orgctl_commit *commit);
const char *orgctl_commit_author_name(const orgctl_commit *commit);
time_t orgctl_commit_time(const orgctl_commit *commit);
unsigned orgctl_commit_parentcount(const orgctl_commit *commit);
int orgctl_commit_parent(orgctl_commit **out, const orgctl_commit *commit, unsigned n);
const orgctl_oid *orgctl_commit_parent_id(const orgctl_commit *commit, unsigned n);
const orgctl_oid *orgctl_commit_tree_id(const orgctl_commit *commit);
int orgctl_commit_get_tree(orgctl_tree **out, const orgctl_commit *commit);
/* The commit a revision (a commit id, a prefix of one, a ref) names. */
int orgctl_commit_resolve(orgctl_commit **out, orgctl_repo *repo, const char *spec);
/* Writes a commit of `tree` on `parent` (NULL: the first), authored by name <email> at
 * `when` and committed by orgctl. */
int orgctl_commit_write(orgctl_oid *out, orgctl_repo *repo, const char *author_name,
                        const char *author_email, time_t when, const char *message,
                        const orgctl_tree *tree, const orgctl_commit *parent);
/* Moves the branch from the HEAD read under the lock to `commit`, or fails with
 * ORGCTL_ECONFLICT if anyone moved it (compare-and-swap). */
int orgctl_branch_move(orgctl_repo *repo, const orgctl_oid *commit, const char *summary);

/* A walk of history back from `from`: newest first by time (by_time), else git's order.
 * _next gives ORGCTL_STORE_ITEROVER at the end. */
int orgctl_walk_new(orgctl_walk **out, orgctl_repo *repo, const orgctl_oid *from, bool by_time);
int orgctl_walk_next(orgctl_oid *out, orgctl_walk *walk);
void orgctl_walk_free(orgctl_walk *walk);

/* --- tree walk (lib/store/treewalk.c) --- */
/* Called for every blob path whose id differs between the two trees; a NULL id means the
 * side has no such path. Return non-zero to stop. */
typedef int (*orgctl_tree_diff_cb)(const char *path, const orgctl_oid *old_id,
                                   const orgctl_oid *new_id, void *payload);
/* Walks two trees (either may be NULL), skipping sub-trees whose ids are equal, so the
 * cost follows the size of the difference. */
int orgctl_tree_diff(orgctl_repo *repo, orgctl_tree *old_tree, orgctl_tree *new_tree,
                     orgctl_tree_diff_cb cb, void *payload);
/* The tree of a commit (NULL oid: no tree). */
int orgctl_commit_tree(orgctl_tree **out, orgctl_repo *repo, const orgctl_oid *commit);
/* The file `path` as committed at HEAD, in *data (malloc'd, NUL-terminated; caller frees)
 * and *len; ORGCTL_ENOTFOUND, with no error message, when there is no HEAD, no such file
 * or it cannot be read. */
int orgctl_store_read_head(char **data, size_t *len, orgctl_repo *repo, const char *path);

/* Opens the repository that `dir` (or $ORGCTL_DIR, or the working directory) is in or
 * names, as far as storage goes: the writer lock for a writer, the index brought up to
 * HEAD. The context (actor, enterprise) is the core's (lib/core/context.c). */
int orgctl_store_open(orgctl_repo **out, const char *dir, enum orgctl_open_mode mode);
/* Creates an empty repository in dir and opens it for writing. With `dry`, only checks
 * that it could: *out is then a repository in memory (no git directory, an index in
 * memory) whose change sets are dry. */
int orgctl_store_create(orgctl_repo **out, const char *dir, bool dry);
/* Closes what orgctl_store_open opened, and the open change set (through its hooks); the
 * context is freed by orgctl_repo_free before. */
void orgctl_store_close(orgctl_repo *repo);
/* Moves init's repository, its first change set committed, from its temporary folder into
 * place; until then, closing it removes it. */
int orgctl_repo_install(orgctl_repo *repo);

#endif
