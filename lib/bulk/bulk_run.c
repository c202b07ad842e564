/* The bulk engine: the rows of a stored set run in one change set, in batches under
 * savepoints, so that a failing row is undone alone, reported with its place, and the
 * rest go on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bulk_internal.h"
#include "strmap.h"

static void count_change(struct bulk_run *run, const struct bulk_step *st, size_t n)
{
    if (!run->changes)
        run->changes = cJSON_CreateArray();
    cJSON *c;
    cJSON_ArrayForEach(c, run->changes)
    {
        if (strcmp(cJSON_GetObjectItem(c, "kind")->valuestring, st->kind) == 0 &&
            strcmp(cJSON_GetObjectItem(c, "op")->valuestring, st->verb) == 0) {
            cJSON *count = cJSON_GetObjectItem(c, "count");
            cJSON_SetNumberValue(count, count->valuedouble + (double)n);
            return;
        }
    }
    c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "kind", st->kind);
    cJSON_AddStringToObject(c, "op", st->verb);
    cJSON_AddNumberToObject(c, "count", (double)n);
    cJSON_AddItemToArray(run->changes, c);
}

static int run_step(struct bulk_run *run, const struct bulk_step *st)
{
    const char *org = st->org ? st->org : run->org;
    if (st->run)
        return st->run(run->repo, run->cs, org, st);
    orgctl_op_ctx ctx = {.op = st->op,
                         .repo = run->repo,
                         .cs = run->cs,
                         .org = org,
                         .name = st->name,
                         .params = st->params};
    int error = orgctl_op_run(&ctx);
    orgctl_op_ctx_clear(&ctx);
    return error;
}

/* The cell a message is about: the first value it quotes, else the step's own cell. */
static size_t guess_column(const struct bulk_step *st, const char *msg)
{
    for (size_t i = 0; i < st->ncells; i++) {
        size_t len = strlen(st->cells[i].value);
        for (const char *q = strchr(msg, '"'); q && len; q = strchr(q + 1, '"'))
            if (strncmp(q + 1, st->cells[i].value, len) == 0 && q[1 + len] == '"')
                return st->cells[i].column;
    }
    return st->column;
}

static void fail_row(struct bulk_run *run, const struct bulk_row *row, const struct bulk_step *st)
{
    char *msg = xstrdup(orgctl_error_last());
    size_t column = guess_column(st, msg);
    bulk_problem(&run->problems, row->line, column, "%s %s: %s", st->kind, st->verb, msg);
    run->failed++;
    if (run->want_failures) {
        strbuf where = STRBUF_INIT;
        strbuf_addf(&where, "%s:%zu:%zu: %s %s: %s", run->settings.file, row->line, column,
                    st->kind, st->verb, msg);
        strbuf_adds(&run->failures, row->text ? row->text : "");
        strbuf_addch(&run->failures, ',');
        bulk_csv_cell(&run->failures, strbuf_str(&where));
        strbuf_addch(&run->failures, '\n');
        strbuf_release(&where);
    }
    free(msg);
}

/* A permission refusal of an exec ends it: it is no row error to go on past, and the set
 * must stay pending for someone who may run it (the error names the row). */
static int refused(struct bulk_run *run, const struct bulk_row *row, const struct bulk_step *st)
{
    char *msg = xstrdup(orgctl_error_last());
    int error = orgctl_error_set(ORGCTL_EPERM, "%s:%zu: %s %s: %s; nothing was applied",
                                 run->settings.file ? run->settings.file : "rows", row->line,
                                 st->kind, st->verb, msg);
    free(msg);
    return error;
}

/* Runs one row's steps; a failing step undoes the whole row. Returns only fatal errors. */
static int run_row(struct bulk_run *run, struct bulk_row *row)
{
    int error;
    if ((error = orgctl_changeset_savepoint(run->cs)) < 0)
        return error;
    for (size_t i = 0; i < row->nsteps; i++) {
        if ((error = run_step(run, &row->steps[i])) < 0) {
            if (error == ORGCTL_EPERM && run->stop_on_refusal)
                return refused(run, row, &row->steps[i]);
            if (error == ORGCTL_ESTORAGE) /* a full disk: no row's fault, and the next fails too */
                return error;
            fail_row(run, row, &row->steps[i]);
            return orgctl_changeset_rollback_to_savepoint(run->cs);
        }
    }
    if ((error = orgctl_changeset_release_savepoint(run->cs)) < 0)
        return error;
    run->applied++;
    for (size_t i = 0; i < row->nsteps; i++)
        count_change(run, &row->steps[i], 1);
    return 0;
}

/* --- merging consecutive rows ---
 * Adding 1000 users to a group row by row rewrites the group 1000 times, each time bigger.
 * An operation whose one positional argument repeats (`group member-add G USER...`) means
 * the same given the values at once as one by one, so consecutive rows that differ only
 * in that argument run as one step; if it fails, they run again one by one to find the
 * failing rows. */

static const orgctl_param *merge_param(const orgctl_op *op)
{
    const orgctl_param *found = NULL;
    for (const orgctl_param *p = op ? op->params : NULL; p && p->name; p++)
        if (p->flags & ORGCTL_PARAM_POSITIONAL) {
            if (found || !(p->flags & ORGCTL_PARAM_MULTI))
                return NULL;
            found = p;
        }
    return found;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool mergeable(const struct bulk_row *a, const struct bulk_row *b)
{
    if (a->nsteps != 1 || b->nsteps != 1 || a->pass != b->pass)
        return false;
    const struct bulk_step *x = &a->steps[0], *y = &b->steps[0];
    const orgctl_param *mp = merge_param(x->op);
    if (!mp || x->run || y->run || x->op != y->op || !same_str(x->org, y->org) ||
        !same_str(x->name, y->name))
        return false;
    for (const orgctl_param *p = x->op->params; p->name; p++) {
        size_t n = orgctl_params_count(x->params, p->name);
        if (p == mp)
            continue;
        if (n != orgctl_params_count(y->params, p->name))
            return false;
        for (size_t i = 0; i < n; i++)
            if (strcmp(orgctl_params_at(x->params, p->name, i),
                       orgctl_params_at(y->params, p->name, i)) != 0)
                return false;
    }
    return true;
}

/* Runs the step of `n` mergeable rows: the last row's parameters, with the merged one's
 * values of all. */
static int run_merged_step(struct bulk_run *run, struct bulk_row *const *rows, size_t n)
{
    struct bulk_step merged = rows[0]->steps[0];
    const orgctl_param *mp = merge_param(merged.op);
    merged.params = orgctl_params_new();
    for (const orgctl_param *p = merged.op->params; p->name; p++)
        for (size_t r = p == mp ? 0 : n - 1; r < n; r++)
            for (size_t i = 0; i < orgctl_params_count(rows[r]->steps[0].params, p->name); i++)
                orgctl_params_add(merged.params, p->name,
                                  orgctl_params_at(rows[r]->steps[0].params, p->name, i));
    int error = run_step(run, &merged);
    orgctl_params_free(merged.params);
    return error;
}

/* Fewer mergeable rows than this that fail together run row by row. */
#define SPLIT_MIN 8

/* Runs `n` mergeable rows as one step, in their own savepoint; when that fails, each half
 * the same way, in file order, down to rows run one by one: a few failing rows among
 * 1000 member-adds of one group rewrote the group 1000 times, each time bigger; halves
 * find them with a few dozen rewrites, and each row still fails or applies on what the
 * rows before it did. */
static int run_merged(struct bulk_run *run, struct bulk_row *rows, size_t n)
{
    struct bulk_row **all = xmalloc(n * sizeof(*all));
    for (size_t i = 0; i < n; i++)
        all[i] = &rows[i];
    int error = orgctl_changeset_savepoint(run->cs);
    bool ok = !error && run_merged_step(run, all, n) == 0;
    free(all);
    if (error)
        return error;
    if (ok) {
        run->applied += n;
        count_change(run, &rows[0].steps[0], n);
        return orgctl_changeset_release_savepoint(run->cs);
    }
    if ((error = orgctl_changeset_rollback_to_savepoint(run->cs)) < 0)
        return error;
    if (n >= SPLIT_MIN) {
        if ((error = run_merged(run, rows, n / 2)) < 0)
            return error;
        return run_merged(run, rows + n / 2, n - n / 2);
    }
    for (size_t r = 0; r < n && !error; r++)
        error = run_row(run, &rows[r]);
    return error;
}

/* --- batches ---
 * A savepoint per row makes SQLite copy every page the row touches into its statement
 * journal: for 100k rows, gigabytes. Rows run in batches under one savepoint instead;
 * only a batch with a failing row is rolled back and run again row by row, in file order,
 * each in its own savepoint, so that the failing rows are undone alone and reported.
 *
 * In a batch, a member-add row also joins an earlier unit of the same group when every
 * row since is independent of that group (rows creating other users, giving them roles
 * or skills, adding them to other groups: a file that creates each user and then adds it
 * to one of a few big groups rewrote a group of thousands for every user). The unit then
 * runs after those rows. That is only right when the rows since neither read the group
 * nor change what its member-adds check (that the members exist, the actor's rights), so
 * the actor's own rows, rows joining a group by other means, and the creation of a user
 * the unit adds already (whose member-add must fail) end it. Run in file order when
 * anything fails, a batch reports what the file order gives. */

/* A batch holds BATCH_ROWS rows at first; each batch that ran clean doubles the next one's
 * size, up to BATCH_ROWS_MAX, and a failing one starts again from BATCH_ROWS: a batch
 * that fails runs twice, but a clean one rewrites each group it adds to once, and a file
 * whose member-add rows (or group columns) spread over many groups rewrote each group once
 * per 2048 rows (100k users in 100 groups: 4,900 rewrites of up to 1000 members). */
#define BATCH_ROWS 2048
#define BATCH_ROWS_MAX 32768
#define MAX_MERGED 4096 /* a step's values are looked up by a linear scan */
#define NO_ROW ((size_t)-1)

struct unit {
    size_t first, last, n; /* a chain of rows (batch.link): n 0 when it moved on */
};

struct batch {
    struct bulk_row *rows;
    size_t *link; /* the next row of its unit */
    size_t nrows, alloc;
    struct unit *units;
    size_t nunits, ualloc;
    /* The units later rows may join, by group ("verb kind org name" -> index into opens,
     * keys in open_keys), with the generation each was opened in: a row that leaves no
     * group alone closes them all by starting a new generation. */
    strmap open;
    arena open_keys;
    struct open_unit {
        uint64_t generation;
        size_t unit;
    } * opens;
    size_t nopens, opens_alloc;
    uint64_t generation;
    strmap members; /* the values open units add (keys in their rows) */
    size_t limit;   /* rows it may hold (BATCH_ROWS to BATCH_ROWS_MAX) */
};

static size_t batch_limit(const struct batch *b)
{
    return b->limit ? b->limit : BATCH_ROWS;
}

static const char *step_org(const struct bulk_run *run, const struct bulk_step *st)
{
    return st->org ? st->org : run->org;
}

/* Whether `user` (in the step's org) is the actor, or the enterprise administrator whose
 * rights every write in the enterprise org checks. */
static bool is_actor(struct bulk_run *run, const struct bulk_step *st, const char *user)
{
    const orgctl_repo *repo = run->repo;
    const char *org = step_org(run, st);
    return (repo->ctx->actor_user && strcmp(user, repo->ctx->actor_user) == 0 &&
            same_str(org, repo->ctx->actor_org)) ||
           (repo->ctx->enterprise_admin && strcmp(user, repo->ctx->enterprise_admin) == 0 &&
            same_str(org, repo->ctx->enterprise_org));
}

static bool unit_is_merged(const struct batch *b, const struct unit *u)
{
    return u->n > 1 || merge_param(b->rows[u->first].steps[0].op) != NULL;
}

static bool is_member_add(const struct bulk_step *st)
{
    return st->op && !st->run && strcmp(st->verb, "member-add") == 0 && merge_param(st->op);
}

/* Whether the row is a member-add that may join an earlier unit: its members are not the
 * actor (whose rights a group may change). */
static bool is_movable(struct bulk_run *run, const struct bulk_row *row)
{
    const struct bulk_step *st = &row->steps[0];
    const orgctl_param *mp = row->nsteps == 1 && !st->run ? merge_param(st->op) : NULL;
    if (!mp || strcmp(st->verb, "member-add") != 0)
        return false;
    for (size_t i = 0; i < orgctl_params_count(st->params, mp->name); i++)
        if (is_actor(run, st, orgctl_params_at(st->params, mp->name, i)))
            return false;
    return true;
}

/* Whether the row leaves every group alone, and what member-adds check: it creates
 * another user (not one they add), or gives one a role or a skill. */
static bool leaves_groups_alone(struct bulk_run *run, struct batch *b, const struct bulk_row *row)
{
    const struct bulk_step *st = &row->steps[0];
    if (row->nsteps != 1 || st->run || strcmp(st->kind, "user") != 0 || is_actor(run, st, st->name))
        return false;
    if (strcmp(st->verb, "role-add") == 0 || strcmp(st->verb, "skill-set") == 0)
        return true;
    size_t added;
    return strcmp(st->verb, "create") == 0 && !orgctl_params_get(st->params, "group") &&
           !orgctl_params_get(st->params, "access-group") &&
           !orgctl_params_get(st->params, "template") && !strmap_get(&b->members, st->name, &added);
}

static void note_members(struct batch *b, const struct bulk_row *row)
{
    const struct bulk_step *st = &row->steps[0];
    const orgctl_param *mp = merge_param(st->op);
    for (size_t i = 0; i < orgctl_params_count(st->params, mp->name); i++)
        strmap_set(&b->members, orgctl_params_at(st->params, mp->name, i), 1);
}

static void group_key(strbuf *key, struct bulk_run *run, const struct bulk_step *st)
{
    const char *parts[4] = {st->verb, st->kind, step_org(run, st), st->name};
    for (int i = 0; i < 4; i++) {
        strbuf_adds(key, parts[i] ? parts[i] : "");
        strbuf_addch(key, '\x1f');
    }
}

/* The open unit of the row's group, or NO_ROW. */
static size_t open_unit(struct bulk_run *run, struct batch *b, const struct bulk_row *row)
{
    strbuf key = STRBUF_INIT;
    group_key(&key, run, &row->steps[0]);
    size_t i = 0;
    bool found = strmap_get(&b->open, strbuf_str(&key), &i);
    strbuf_release(&key);
    return found && b->opens[i].generation == b->generation ? b->opens[i].unit : NO_ROW;
}

static void set_open_unit(struct bulk_run *run, struct batch *b, const struct bulk_row *row,
                          size_t unit)
{
    strbuf key = STRBUF_INIT;
    group_key(&key, run, &row->steps[0]);
    size_t i;
    if (!strmap_get(&b->open, strbuf_str(&key), &i)) {
        if (b->nopens == b->opens_alloc) {
            b->opens_alloc = b->opens_alloc ? b->opens_alloc * 2 : 64;
            b->opens = xrealloc(b->opens, b->opens_alloc * sizeof(*b->opens));
        }
        i = b->nopens++;
        strmap_set(&b->open, arena_strdup(&b->open_keys, strbuf_str(&key)), i);
    }
    b->opens[i] = (struct open_unit){b->generation, unit};
    strbuf_release(&key);
}

/* The unit the row joins: the last one when they merge, else its group's open one
 * (NO_ROW: none). */
static size_t unit_to_join(struct bulk_run *run, struct batch *b, const struct bulk_row *row)
{
    struct unit *last = b->nunits ? &b->units[b->nunits - 1] : NULL;
    if (last && last->n < MAX_MERGED && unit_is_merged(b, last) &&
        mergeable(&b->rows[last->last], row))
        return b->nunits - 1;
    if (b->nrows >= batch_limit(b) || !is_movable(run, row)) /* a full batch grows no further */
        return NO_ROW;
    size_t u = open_unit(run, b, row);
    return u != NO_ROW && b->units[u].n < MAX_MERGED && mergeable(&b->rows[b->units[u].last], row)
               ? u
               : NO_ROW;
}

static struct unit *add_unit(struct batch *b)
{
    if (b->nunits == b->ualloc) {
        b->ualloc = b->ualloc ? b->ualloc * 2 : BATCH_ROWS + 1;
        b->units = xrealloc(b->units, b->ualloc * sizeof(*b->units));
    }
    return &b->units[b->nunits++];
}

/* Runs a unit without a savepoint of its own: false when a step fails. */
static bool run_unit_fast(struct bulk_run *run, struct batch *b, const struct unit *u)
{
    if (u->n == 1) {
        struct bulk_row *row = &b->rows[u->first];
        for (size_t i = 0; i < row->nsteps; i++)
            if (run_step(run, &row->steps[i]) < 0)
                return false;
        return true;
    }
    struct bulk_row **rows = xmalloc(u->n * sizeof(*rows));
    size_t r = u->first;
    for (size_t i = 0; i < u->n; i++, r = b->link[r])
        rows[i] = &b->rows[r];
    bool ok = run_merged_step(run, rows, u->n) == 0;
    free(rows);
    return ok;
}

/* Counts the batch's rows, in file order (units that moved run out of it): the kinds and
 * ops of the set's summary come in the order the file first has them. */
static void count_rows(struct bulk_run *run, struct batch *b)
{
    for (size_t r = 0; r < b->nrows; r++) {
        const struct bulk_row *row = &b->rows[r];
        if (row->shadow)
            continue;
        run->applied++;
        for (size_t i = 0; i < row->nsteps; i++)
            count_change(run, &row->steps[i], 1);
    }
}

/* The batch's rows in file order, consecutive mergeable rows as one step: after a unit
 * failed, to find which rows fail where they stand. */
static int run_in_order(struct bulk_run *run, struct batch *b)
{
    int error = 0;
    for (size_t r = 0; r < b->nrows && !error;) {
        size_t n = 1;
        if (b->rows[r].shadow) {
            r++;
            continue;
        }
        if (merge_param(b->rows[r].steps[0].op))
            while (r + n < b->nrows && n < MAX_MERGED && !b->rows[r + n].shadow &&
                   mergeable(&b->rows[r + n - 1], &b->rows[r + n]))
                n++;
        error = n > 1 ? run_merged(run, &b->rows[r], n) : run_row(run, &b->rows[r]);
        r += n;
    }
    return error;
}

static int run_batch(struct bulk_run *run, struct batch *b)
{
    int error = orgctl_changeset_savepoint(run->cs);
    size_t u = 0;
    while (!error && u < b->nunits && (b->units[u].n == 0 || run_unit_fast(run, b, &b->units[u])))
        u++;
    if (!error && u == b->nunits) {
        count_rows(run, b);
        error = orgctl_changeset_release_savepoint(run->cs);
        b->limit = batch_limit(b) < BATCH_ROWS_MAX ? batch_limit(b) * 2 : BATCH_ROWS_MAX;
    } else if (!error && (error = orgctl_changeset_rollback_to_savepoint(run->cs)) == 0) {
        error = run_in_order(run, b);
        b->limit = BATCH_ROWS;
    }
    for (size_t r = 0; r < b->nrows; r++)
        bulk_row_clear(&b->rows[r]);
    b->nrows = b->nunits = 0;
    strmap_clear(&b->open);
    arena_free(&b->open_keys);
    b->nopens = 0;
    strmap_clear(&b->members);
    return error;
}

/* Takes the row into the batch's rows (file order), in no unit yet. */
static size_t keep_row(struct batch *b, struct bulk_row *row)
{
    if (b->nrows == b->alloc) {
        b->alloc = b->alloc ? b->alloc * 2 : BATCH_ROWS + 1;
        b->rows = xrealloc(b->rows, b->alloc * sizeof(*b->rows));
        b->link = xrealloc(b->link, b->alloc * sizeof(*b->link));
    }
    size_t r = b->nrows++;
    b->rows[r] = *row;
    b->link[r] = NO_ROW;
    memset(row, 0, sizeof(*row));
    return r;
}

/* Adds a row to the batch: to a unit it joins, or as a unit of its own, running the batch
 * first when it is full (`may_run`). */
static int add_row(struct bulk_run *run, struct batch *b, struct bulk_row *row, bool may_run)
{
    size_t join = unit_to_join(run, b, row);
    int error = 0;
    if (may_run && join == NO_ROW && b->nrows >= batch_limit(b) && (error = run_batch(run, b)) < 0)
        return error;
    size_t r = keep_row(b, row);
    row = &b->rows[r];
    bool movable = is_movable(run, row);
    if (!movable && !leaves_groups_alone(run, b, row))
        b->generation++; /* it closes every open unit */
    if (join == NO_ROW) {
        *add_unit(b) = (struct unit){r, r, 1};
        join = b->nunits - 1;
    } else {
        struct unit *u = &b->units[join];
        b->link[u->last] = r;
        u->last = r;
        u->n++;
        if (join != b->nunits - 1) { /* it runs after the rows it passed */
            struct unit moved = *u;
            u->n = 0;
            *add_unit(b) = moved;
            join = b->nunits - 1;
        }
    }
    if (movable) { /* its unit is its group's open one (a unit it did not join closes) */
        note_members(b, row);
        set_open_unit(run, b, row, join);
    }
    return 0;
}

/* --- rows that join groups as they go ---
 * A user create row with a group column, or a GAX row (a user and its memberships), puts
 * the user into its groups itself, and a row of its kind merges with no other: a file of
 * such rows rewrote each group, bigger each time, for every user (5,000 rows: 8 s, against
 * 0.1 s with separate member-add rows). In a batch such a row stays as it is, for counting
 * and for the run in file order after a failure, and is followed by shadow rows that the
 * fast run runs instead: its steps one by one, each group of a group column as a
 * member-add, which join their group's unit as the file's own member-add rows do. They
 * give the same objects (lists are sets) and check what the row checks, a member-add
 * the operation's permission besides: where they fail, the rows run in file order. */

static bool joins_groups(const struct bulk_step *st)
{
    return strcmp(st->kind, "user") == 0 && strcmp(st->verb, "create") == 0 &&
           !orgctl_params_has(st->params, "template") &&
           (orgctl_params_has(st->params, "group") ||
            orgctl_params_has(st->params, "access-group"));
}

/* A shadow row of `row` whose one step is `op` on `name`: with `member` (a member-add),
 * that member; else `st`'s parameters, but the groups a user create joins. */
static void add_shadow(struct bulk_row *sh, const struct bulk_row *row, const struct bulk_step *st,
                       const orgctl_op *op, const char *name, const char *member)
{
    sh->line = row->line;
    sh->pass = row->pass;
    sh->shadow = true;
    struct bulk_step *s = bulk_row_step(sh, op, st->org, name, st->column);
    if (member) {
        bulk_step_param(sh, s, merge_param(op)->name, member, st->column);
        return;
    }
    bool joins = joins_groups(st);
    for (const orgctl_param *p = op->params; p && p->name; p++)
        if (!joins || (strcmp(p->name, "group") != 0 && strcmp(p->name, "access-group") != 0))
            for (size_t i = 0; i < orgctl_params_count(st->params, p->name); i++)
                bulk_step_param(sh, s, p->name, orgctl_params_at(st->params, p->name, i),
                                st->column);
}

/* The shadow rows of `row` (malloc'd, *n of them), or NULL when it runs as it is: a row of
 * steps of operations, one of them a user create that joins groups or a member-add after
 * the first. */
static struct bulk_row *shadows_of(const struct bulk_row *row, size_t *n)
{
    static const char *const params[] = {"group", "access-group"};
    static const char *const kinds[] = {"group", "access"};
    bool split = false;
    size_t count = row->nsteps;
    *n = 0;
    for (size_t i = 0; i < row->nsteps; i++) {
        const struct bulk_step *st = &row->steps[i];
        if (!st->op || st->run)
            return NULL;
        split |= (i > 0 && is_member_add(st)) || joins_groups(st);
        for (size_t k = 0; k < 2 && joins_groups(st); k++)
            count += orgctl_params_count(st->params, params[k]);
    }
    if (!split)
        return NULL;
    struct bulk_row *out = xcalloc(count, sizeof(*out));
    for (size_t i = 0; i < row->nsteps; i++) {
        const struct bulk_step *st = &row->steps[i];
        add_shadow(&out[(*n)++], row, st, st->op, st->name, NULL);
        for (size_t k = 0; k < 2 && joins_groups(st); k++) {
            const orgctl_op *op = orgctl_op_lookup(kinds[k], "member-add");
            for (size_t j = 0; op && j < orgctl_params_count(st->params, params[k]); j++)
                add_shadow(&out[(*n)++], row, st, op, orgctl_params_at(st->params, params[k], j),
                           st->name);
        }
    }
    return out;
}

/* Adds a row to the batch, and its shadow rows, all in the same batch. */
static int push_row(struct bulk_run *run, struct batch *b, struct bulk_row *row)
{
    size_t n = 0;
    struct bulk_row *shadows = shadows_of(row, &n);
    if (!shadows)
        return add_row(run, b, row, true);
    int error = 0;
    if (b->nrows && b->nrows + 1 + n > batch_limit(b))
        error = run_batch(run, b);
    if (!error)
        keep_row(b, row); /* in no unit: the fast run runs its shadows */
    for (size_t i = 0; i < n; i++) {
        if (!error)
            error = add_row(run, b, &shadows[i], false);
        bulk_row_clear(&shadows[i]);
    }
    free(shadows);
    return error;
}

/* The row as stored, without its line: what the failures file repeats, but for a
 * password hash (a file anyone may be sent to fix is no place for one). */
static char *row_text(const struct bulk_run *run, const struct bulk_record *r)
{
    strbuf sb = STRBUF_INIT;
    for (size_t j = 0; j < bulk_record_count(r); j++) {
        const char *v = bulk_record_field(r, j);
        if (j)
            strbuf_addch(&sb, ',');
        bulk_csv_cell(&sb, (long)j == run->hash_column && *v ? BULK_HASH_SHOWN : v);
    }
    return strbuf_detach(&sb, NULL);
}

static void progress(struct bulk_run *run, size_t done)
{
    if (run->progress && (done % 512 == 0 || done == run->total))
        run->progress(done, run->total, run->payload);
}

static void failed_parse(struct bulk_run *run, const struct bulk_record *r, size_t done)
{
    run->failed++;
    if (run->want_failures) {
        cJSON *last =
            cJSON_GetArrayItem(run->problems.list, cJSON_GetArraySize(run->problems.list) - 1);
        char *text = row_text(run, r);
        strbuf_addf(&run->failures, "%s,", text);
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(last, "message"));
        bulk_csv_cell(&run->failures, msg ? msg : "the row is not valid any more");
        strbuf_addch(&run->failures, '\n');
        free(text);
    }
    progress(run, done);
}

static int run_pass(struct bulk_run *run, const struct bulk_rows *rows, int pass, size_t *done)
{
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    void *layout = NULL;
    struct batch b = {0};
    int error;
    error = rows->path
                ? orgctl_csv_open(&csv, rows->path, NULL)
                : orgctl_csv_open_buffer(&csv, run->settings.file, rows->data, rows->len, NULL);
    if (error < 0 || (error = orgctl_csv_next(&rec, csv)) < 0)
        goto done;
    struct bulk_record r = {rec, 1, 0};
    r.line = strtoul(orgctl_csv_record_field(rec, 0, NULL), NULL, 10);
    if ((error = run->dialect->layout_new(&layout, &run->settings, &r, &run->problems)) < 0)
        goto done;
    run->hash_column = -1;
    if (pass == 0 && run->want_failures) {
        char *header = row_text(run, &r);
        strbuf_addf(&run->failures, "%s,error\n", header);
        free(header);
    }
    for (size_t j = 0; j < bulk_record_count(&r); j++)
        if (strcmp(bulk_record_field(&r, j), BULK_HASH_COLUMN) == 0)
            run->hash_column = (long)j;
    while (!error && (error = orgctl_csv_next(&rec, csv)) == 0) {
        struct bulk_row row = {0};
        struct bulk_problems again = {0}; /* a later pass finds the same problems */
        r.rec = rec;
        r.line = strtoul(orgctl_csv_record_field(rec, 0, NULL), NULL, 10);
        if (run->dialect->parse(layout, &r, &row, pass ? &again : &run->problems) < 0) {
            if (pass == 0) /* a row the operation table no longer allows */
                failed_parse(run, &r, ++*done);
        } else if (row.pass == pass) {
            if (run->want_failures)
                row.text = row_text(run, &r);
            error = push_row(run, &b, &row);
            progress(run, ++*done);
        }
        bulk_row_clear(&row);
        cJSON_Delete(again.list);
    }
    if (error == ORGCTL_ITEROVER)
        error = run_batch(run, &b);
done:
    for (size_t i = 0; i < b.nrows; i++)
        bulk_row_clear(&b.rows[i]);
    free(b.rows);
    free(b.link);
    free(b.units);
    strmap_free(&b.open);
    arena_free(&b.open_keys);
    free(b.opens);
    strmap_free(&b.members);
    if (layout)
        run->dialect->layout_free(layout);
    orgctl_csv_free(csv);
    return error;
}

int bulk_run_rows(struct bulk_run *run, const struct bulk_rows *rows)
{
    size_t done = 0;
    int error = 0;
    for (int pass = 0; pass < run->dialect->passes && !error; pass++)
        error = run_pass(run, rows, pass, &done);
    run->rows = done;
    return error;
}

void bulk_run_release(struct bulk_run *run)
{
    cJSON_Delete(run->problems.list);
    cJSON_Delete(run->changes);
    strbuf_release(&run->failures);
    memset(run, 0, sizeof(*run));
}
