/* Bulk change sets: many operations from a CSV file, reviewed and then run as one change
 * set.
 *
 * A row of a file is one operation spelled as on the command line: `kind,op,name` and one
 * column per parameter of the operation, named as its option ("email", "full-name") or
 * positional argument ("role" of `user role-add`); an empty cell is a parameter not
 * given. The reserved column "org" names the org a row acts in (default: the set's org)
 * and "error" is ignored (so a failures file can be fixed and run again). Columns come
 * from the operation table (op.h): `orgctl_bulk_columns` lists them.
 *
 * The GAX dialect (ORGCTL_BULK_GAX) is the agent CSV of Genesys Administrator Extension:
 * one row per user keyed by Username, Action ADD, UPDATE or DELETE, and columns
 * "Skill:<name>", "Agent Group:<name>", "Access Group:<name>"; see orgctl-bulk(1).
 *
 * A set is stored in the repository, as a change set of its own, under bulk/<name>/:
 * set.json (what, from where, status, the change set it produced) and rows.csv (the rows,
 * normalised). Functions that report on rows return a JSON object whose "problems" list
 * holds {file, line, column, message} for every row that is wrong; they return
 * ORGCTL_EINVALID when that list is not empty. */
#ifndef ORGCTL_BULK_H
#define ORGCTL_BULK_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "orgctl/repo.h"

enum orgctl_bulk_format {
    ORGCTL_BULK_NATIVE = 0, /* kind,op,name,<parameters> */
    ORGCTL_BULK_GAX = 1,    /* GAX agent CSV */
};

#define ORGCTL_BULK_CREATE_OPTIONS_VERSION 1

typedef struct {
    unsigned int version;
    enum orgctl_bulk_format format;
    const char *kind;    /* native: the kind of rows whose file has no "kind" column */
    const char *org;     /* the org rows act in unless they name one */
    const char *command; /* the command line, recorded in the change set */
} orgctl_bulk_create_options;

/* clang-format off */
#define ORGCTL_BULK_CREATE_OPTIONS_INIT {ORGCTL_BULK_CREATE_OPTIONS_VERSION, ORGCTL_BULK_NATIVE, NULL, NULL, NULL}
/* clang-format on */

/* Reads `path` (CSV, .gz or .zip), checks every row's form (columns, kinds, operations,
 * required parameters, duplicates) and stores it as the pending set `name`, whose status
 * is then "empty" (no rows), "incomplete" (some rows cannot run against the current state
 * yet: their problems are in *out) or "ready". Passwords of a GAX file are hashed here
 * and never stored in clear. On a problem of form nothing is stored: ORGCTL_EINVALID with
 * *out listing them all. *id_out (may be NULL) receives the change set's id. The
 * repository must be open for writing. Caller frees *out and *id_out. */
int orgctl_bulk_create(orgctl_repo *repo, const char *name, const char *path,
                       const orgctl_bulk_create_options *opts, char **id_out, cJSON **out);

/* Checks every row of set `name` against the current state in a change set that is then
 * thrown away: *out = {name, status, rows, changes: [{kind, op, count}], problems}. */
int orgctl_bulk_plan(orgctl_repo *repo, const char *name, cJSON **out);

#define ORGCTL_BULK_EXEC_OPTIONS_VERSION 1

typedef struct {
    unsigned int version;
    /* Apply the rows that work and write the others to `failures_path` (CSV in the set's
     * own format, with an "error" column) instead of applying nothing. */
    bool continue_on_error;
    const char *failures_path;
    const char *command;
    /* Called now and then with the rows done so far (NULL: not called). */
    void (*progress)(size_t done, size_t total, void *payload);
    void *payload;
} orgctl_bulk_exec_options;

/* clang-format off */
#define ORGCTL_BULK_EXEC_OPTIONS_INIT {ORGCTL_BULK_EXEC_OPTIONS_VERSION, false, NULL, NULL, NULL, NULL}
/* clang-format on */

/* Runs every row of the pending set `name` as ONE change set, which also marks the set
 * "completed" (or, with continue_on_error, "failed" when some rows failed, "not executed"
 * when all did) and records the change set's id in it. Without continue_on_error a single
 * failing row means nothing is applied: ORGCTL_EINVALID, every failing row in *out.
 * *out = {name, status, change_set, applied, failed, changes, problems}; *id_out
 * receives the change set's id. */
int orgctl_bulk_exec(orgctl_repo *repo, const char *name, const orgctl_bulk_exec_options *opts,
                     char **id_out, cJSON **out);

enum orgctl_bulk_filter {
    ORGCTL_BULK_ALL,
    ORGCTL_BULK_PENDING,  /* not executed yet */
    ORGCTL_BULK_EXECUTED, /* completed, failed or not executed */
};

/* The sets, sorted by name, as a JSON array of their set.json (caller frees). */
int orgctl_bulk_list(orgctl_repo *repo, enum orgctl_bulk_filter filter, cJSON **out);

/* One set: its set.json and "rows", each {line, <column>: <value>...} (non-empty cells). */
int orgctl_bulk_show(orgctl_repo *repo, const char *name, cJSON **out);

/* Removes the pending set `name` (an executed one is history: ORGCTL_EINVALID). */
int orgctl_bulk_rm(orgctl_repo *repo, const char *name, const char *command, char **id_out);

/* The columns of every kind's operations that a native file may use, as a JSON array of
 * {kind, op, summary, columns: [{name, required, repeatable, flag, positional, help}]}. */
int orgctl_bulk_columns(cJSON **out);

#endif
