/* Bulk change sets, inside the library: rows and their steps, the two dialects that read
 * them (bulk_native.c, gax.c), the engine that runs them (bulk_run.c) and the sets stored
 * in the repository (bulk.c). Not installed. */
#ifndef ORGCTL_BULK_INTERNAL_H
#define ORGCTL_BULK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"
#include "orgctl/bulk.h"
#include "orgctl/csv.h"
#include "orgctl/op.h"

/* Every problem found in the rows, in file order: [{file, line, column, message}], the
 * same problem on the lines right after one item (its last_line: the last of them). Only
 * the first BULK_MAX_PROBLEMS are listed; `count` has them all. Reading a set's file
 * stops once that many are found (`stopped`: the line it stopped at, else 0). */
#define BULK_MAX_PROBLEMS 1000
struct bulk_problems {
    const char *file;
    cJSON *list;
    size_t count;
    size_t stopped;
};
void bulk_problem(struct bulk_problems *p, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A value of a row and the column it came from, so a message about it points at it. */
struct bulk_cell {
    const char *value;
    size_t column;
};

/* One operation of a row: an operation of the table, or `run` for what none does (a GAX
 * password hash). Strings are owned by the row. */
struct bulk_step {
    const orgctl_op *op;
    int (*run)(orgctl_repo *repo, orgctl_changeset *cs, const char *org,
               const struct bulk_step *step);
    const char *kind, *verb; /* of op, or what `run` does */
    const char *org;         /* NULL: the set's org */
    const char *name;
    orgctl_params *params;
    size_t column; /* the cell the step stands for */
    struct bulk_cell cells[16];
    size_t ncells;
};

/* A row: its line in the source file and what it does. A native row is one step; a GAX
 * row is a user and its memberships. */
struct bulk_row {
    size_t line;
    int pass; /* rows run pass by pass: GAX deletions, additions, updates; native all 0 */
    struct bulk_step *steps;
    size_t nsteps, alloc;
    char *text;     /* the row as stored, without its line: for the failures file */
    bool shadow;    /* one step of the row before it, run in a batch's fast run instead of it
                     * (lib/bulk/bulk_run.c) */
    char **strings; /* what the steps point to */
    size_t nstrings, strings_alloc;
};
/* A new step of the row with the strings copied into it; valid until the row's next step
 * (which may move the row's steps). */
struct bulk_step *bulk_row_step(struct bulk_row *row, const orgctl_op *op, const char *org,
                                const char *name, size_t column);
/* Adds a parameter value to the step, remembering its column. */
void bulk_step_param(struct bulk_row *row, struct bulk_step *step, const char *param,
                     const char *value, size_t column);
const char *bulk_row_keep(struct bulk_row *row, const char *s);
void bulk_row_clear(struct bulk_row *row);

/* Records are read from the source file (columns 1..) or from a stored rows.csv, whose
 * first column is the line in the source; `column` numbers are always the source's. */
struct bulk_record {
    const orgctl_csv_record *rec;
    size_t first; /* index of the first data field: 0 in a source, 1 stored */
    size_t line;
};
size_t bulk_record_count(const struct bulk_record *r);
/* Data field j (0-based), or "" past the end. */
const char *bulk_record_field(const struct bulk_record *r, size_t j);

/* What a set knows when reading its rows. */
struct bulk_settings {
    const char *file;  /* the source, as named in messages */
    const char *kind;  /* native: kind of rows without a kind column */
    orgctl_repo *repo; /* at create: GAX passwords are checked against the org's policy */
    const char *org;
};

/* A dialect: how a header and rows read. */
struct bulk_dialect {
    const char *name;
    int passes; /* rows run in passes 0..passes-1 (struct bulk_row's pass) */
    /* Checks the header; *layout (freed with layout_free) even when problems were added. */
    int (*layout_new)(void **layout, const struct bulk_settings *s, const struct bulk_record *hdr,
                      struct bulk_problems *p);
    void (*layout_free)(void *layout);
    /* Turns a record into a row; ORGCTL_EINVALID after adding its problems. */
    int (*parse)(void *layout, const struct bulk_record *r, struct bulk_row *row,
                 struct bulk_problems *p);
    /* The key two rows may not share (NULL: none); *column: where to point. Malloc'd. */
    char *(*key)(void *layout, const struct bulk_record *r, size_t *column);
    /* Appends data field j of a source record (hdr: of the header) as stored: GAX hashes
     * passwords; `line` and p for a problem. */
    int (*store_cell)(void *layout, const struct bulk_record *r, size_t j, bool hdr, strbuf *out,
                      struct bulk_problems *p);
};
extern const struct bulk_dialect bulk_native, bulk_gax;

/* --- sets in the repository (bulk_store.c) --- */
#define PERM_ADD "outbound:bulkChangeSet:add"
#define PERM_VIEW "outbound:bulkChangeSet:view"
#define PERM_EXECUTE "outbound:bulkChangeSet:execute"
#define PERM_DELETE "outbound:bulkChangeSet:delete"

int bulk_check_name(const char *name);
/* "bulk/<name>/<file>" (file NULL: the folder); malloc'd. */
char *bulk_set_path(const char *name, const char *file);
/* The set.json of set `name` at the branch; ORGCTL_ENOTFOUND naming it. */
int bulk_load_set(orgctl_repo *repo, const char *name, cJSON **set);
const char *bulk_set_str(const cJSON *set, const char *key);
bool bulk_executed(const cJSON *set);
/* `permission` in the set's org (set NULL: in `org`, else the actor's). */
int bulk_check_permission(orgctl_repo *repo, const cJSON *set, const char *org,
                          const char *permission);
/* Sets `time_key` to now and `actor_key` to the actor. */
void bulk_stamp(orgctl_repo *repo, cJSON *set, const char *time_key, const char *actor_key);
/* Replaces obj's `key` with value (NULL: null); takes value. */
void bulk_replace(cJSON *obj, const char *key, cJSON *value);
/* Writes set.json (and rows.csv when rows is not NULL: `len` bytes) as one change set. */
int bulk_store_set(orgctl_repo *repo, const cJSON *set, const char *rows, size_t len,
                   const char *command, const char *summary, char **id_out);
/* A new temporary file in the repository's private folder, unlinked at once. */
int bulk_tmpfile(orgctl_repo *repo, int *fd);
int bulk_write_all(int fd, const void *data, size_t len);
/* The rows of set `name` in an unlinked temporary file, to read as `path` ("/dev/fd/N")
 * until *fd is closed. */
int bulk_open_rows(orgctl_repo *repo, const char *name, int *fd, char *path, size_t size);

/* Appends a CSV cell, quoted when it needs to be. */
void bulk_csv_cell(strbuf *sb, const char *value);

/* The column of stored rows that holds password hashes (a GAX set's), and what every
 * view shows instead of a hash: no command prints one. */
#define BULK_HASH_COLUMN "Password Hash"
#define BULK_HASH_SHOWN "(set)"
/* A view of history shows the hashes of BULK_HASH_COLUMN as BULK_HASH_SHOWN
 * (lib/bulk/bulk_store.c registers how with the core). */

/* A step's `run` setting (or, with no "hash" parameter, removing) the user's password
 * hash: a stored set holds hashes, never passwords nor the files they came from. */
int bulk_set_password(orgctl_repo *repo, orgctl_changeset *cs, const char *org,
                      const struct bulk_step *st);
/* Whether a BULK_HASH_COLUMN cell a file gives is a yescrypt hash (else a problem). */
bool bulk_hash_cell(struct bulk_problems *p, size_t line, size_t column, const char *v);
/* The password policy of `org` (NULL: the set's) for user `name`, when that org exists
 * already (else the rows' exec checks nothing: only hashes are stored). */
int bulk_password_policy(const struct bulk_settings *s, const char *org, const char *name,
                         const char *email, const char *password);

/* The engine (bulk_run.c): runs the rows of a stored set in a change set. */
struct bulk_run {
    orgctl_repo *repo;
    orgctl_changeset *cs;
    const char *org; /* the set's org */
    const struct bulk_dialect *dialect;
    struct bulk_settings settings;
    struct bulk_problems problems;
    cJSON *changes; /* [{kind, op, count}] in order of appearance */
    size_t rows, applied, failed;
    bool want_failures;   /* keep the failing rows in `failures` (CSV) */
    bool stop_on_refusal; /* a row refused a permission ends the run with ORGCTL_EPERM */
    strbuf failures;
    long hash_column; /* of the stored rows' BULK_HASH_COLUMN (-1: none), not repeated */
    size_t total;     /* rows of the set, for progress */
    void (*progress)(size_t done, size_t total, void *payload);
    void *payload;
};
/* Where stored rows are read from: the file `path`, or `len` bytes at `data`. */
struct bulk_rows {
    const char *path;
    const char *data;
    size_t len;
};
/* Runs every row of a rows.csv in run->cs, in batches under savepoints: a failing row is
 * undone and reported, and the next one runs. */
int bulk_run_rows(struct bulk_run *run, const struct bulk_rows *rows);
void bulk_run_release(struct bulk_run *run);

#endif
