/* Operations: every verb on every kind ("user create", "role grant", ...) described once
 * as data: its parameters, the permission it needs, and the function that does it. The
 * CLI parses options from this table, `orgctl bulk` maps CSV columns to the same
 * parameters, and help and completion are generated from it. */
#ifndef ORGCTL_OP_H
#define ORGCTL_OP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "orgctl/changeset.h"
#include "orgctl/repo.h"

/* Parameter values by name; a name may hold several values. */
typedef struct orgctl_params orgctl_params;

orgctl_params *orgctl_params_new(void);
const char *orgctl_params_add(orgctl_params *p, const char *name, const char *value);
/* The last value of `name`, or NULL. */
const char *orgctl_params_get(const orgctl_params *p, const char *name);
size_t orgctl_params_count(const orgctl_params *p, const char *name);
const char *orgctl_params_at(const orgctl_params *p, const char *name, size_t i);
bool orgctl_params_has(const orgctl_params *p, const char *name);
void orgctl_params_free(orgctl_params *p);

enum orgctl_param_flags {
    ORGCTL_PARAM_REQUIRED = 1 << 0,
    ORGCTL_PARAM_MULTI = 1 << 1,      /* may be given more than once */
    ORGCTL_PARAM_FLAG = 1 << 2,       /* takes no value ("1" when given) */
    ORGCTL_PARAM_POSITIONAL = 1 << 3, /* an argument after the name, in table order */
};

typedef struct orgctl_param {
    const char *name; /* option name without "--"; also the CSV column */
    unsigned flags;
    const char *metavar;
    const char *help;
} orgctl_param;

enum orgctl_op_flags {
    ORGCTL_OP_WRITE = 1 << 0,     /* makes a change set */
    ORGCTL_OP_NO_ORG = 1 << 1,    /* acts on no org, or names it itself (org create) */
    ORGCTL_OP_NO_NAME = 1 << 2,   /* takes no object name (list) */
    ORGCTL_OP_SELF_ORG = 1 << 3,  /* the name is the org it acts in (org show|update|...) */
    ORGCTL_OP_ANSWER = 1 << 4,    /* a yes/no question: the result's boolean "answer" is it;
                                     "no" is no error, the CLI exits 10 */
    ORGCTL_OP_NO_BULK = 1 << 5,   /* not a bulk row (it prints a secret, or takes one) */
    ORGCTL_OP_OWN_CHECK = 1 << 6, /* `permission` is checked by the operation itself, in the
                                     org it finds the object in (an enterprise suppression
                                     list's: the enterprise org), not in ctx->org before */
};

typedef struct orgctl_op orgctl_op;

/* A list an operation gives row by row (see orgctl_op_ctx.stream): each row is read from
 * the index as it is asked for, so a list of a million objects costs the memory of a few. */
typedef struct orgctl_rows orgctl_rows;
enum orgctl_rows_flags {
    /* the stored fields only: computed ones (a user's groups, effective roles) are left as
     * they are stored, which costs less (a first pass that measures stored columns) */
    ORGCTL_ROWS_STORED = 1 << 0,
};
/* 1 with the next row in *row (caller frees with cJSON_Delete), 0 at the end, < 0 on
 * error. */
int orgctl_rows_next(orgctl_rows *rows, cJSON **row);
/* Starts the rows again from the first, as `flags` say; the same rows as the first time,
 * read in one read transaction of the index. */
int orgctl_rows_restart(orgctl_rows *rows, unsigned flags);
void orgctl_rows_free(orgctl_rows *rows);

/* What an operation runs with. The operation sets `result` (a JSON value the caller
 * renders and frees) and `summary`, the change set's first line (orgctl_op_run composes
 * "KIND VERB NAME ARGS..." when the operation does not). */
typedef struct orgctl_op_ctx {
    const orgctl_op *op;
    orgctl_repo *repo;
    orgctl_changeset *cs; /* NULL for read-only operations */
    const char *org;
    const char *name; /* the object named on the command line (NULL with OP_NO_NAME) */
    const orgctl_params *params;
    cJSON *result;
    char *summary;
    /* Set by the caller: a list may be given in `rows`, row by row, instead of `result`
     * (the generic list of every kind does; orgctl_op_ctx_clear frees them). */
    bool stream;
    orgctl_rows *rows;
} orgctl_op_ctx;

struct orgctl_op {
    const char *kind; /* the command: "user" */
    const char *verb; /* "create", "role-add" (words joined by '-') */
    const char *summary;
    unsigned flags;
    const char *permission; /* checked in ctx->org before running; NULL: run checks */
    const orgctl_param *params;
    int (*run)(orgctl_op_ctx *ctx);
    const char *object;  /* the kind it acts on when not `kind` ("user template-create"
                            acts on templates); NULL: `kind` */
    const char *columns; /* the columns of a list it returns, when not its kind's */
    /* What the run checks itself, by side (pairings, clones), for `orgctl help permissions`;
     * NULL: `permission` says it all. */
    const char *permission_note;
};

/* The operation `verb` of `kind`, or NULL. */
const orgctl_op *orgctl_op_lookup(const char *kind, const char *verb);

/* All operations, NULL-terminated, grouped by kind. */
const orgctl_op *const *orgctl_ops(void);

/* The kind of object an operation acts on (its `object`, else its `kind`), or NULL. */
const orgctl_kind *orgctl_op_kind(const orgctl_op *op);

/* The parameter `name` of `op`, or NULL. */
const orgctl_param *orgctl_op_param(const orgctl_op *op, const char *name);

/* Checks the name and the required parameters, then the actor's permission, then runs the
 * operation. Mutating operations need ctx->cs. The library reads no terminal: a secret an
 * operation needs comes from its caller as a parameter not in its table ("user passwd"
 * takes "password"; or "password-file", a file the library reads). */
int orgctl_op_run(orgctl_op_ctx *ctx);

/* Frees what the operation left in ctx (result, summary). */
void orgctl_op_ctx_clear(orgctl_op_ctx *ctx);

#endif
