/* orgctl show: what a change set changed, object by object. A set of 200k objects is
 * printed as it is walked, an object at a time: the library gives the changes one by one
 * (orgctl_history_changes_each), and nothing here holds them all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#define CHANGE_COLUMNS 5 /* op, kind, org, name, path: a change's fields, in this order */

static void change_cells(const orgctl_history_change *ch, const char **cells)
{
    cells[0] = ch->op;
    cells[1] = ch->kind;
    cells[2] = ch->org;
    cells[3] = ch->name;
    cells[4] = ch->path;
}

/* --- table: the change set's fields, then its objects, one a line --- */

static int widen(const orgctl_history_change *ch, void *payload)
{
    const char *cells[CHANGE_COLUMNS];
    change_cells(ch, cells);
    output_columns_widen(payload, cells);
    return 0;
}

static int table_line(const orgctl_history_change *ch, void *payload)
{
    const char *cells[CHANGE_COLUMNS];
    change_cells(ch, cells);
    output_columns_line(stdout, payload, cells);
    return 0;
}

static int show_table(orgctl_history_changes *changes, const cJSON *info)
{
    struct output_columns t;
    output_columns_init(&t, "op,kind,org,name"); /* the first four of CHANGE_COLUMNS */
    int error = orgctl_history_changes_each(changes, widen, &t); /* the widths first */
    if (!error) {
        output_fields(stdout, info);
        fputc('\n', stdout);
        output_columns_header(stdout, &t);
        error = orgctl_history_changes_each(changes, table_line, &t);
    }
    output_columns_free(&t);
    return error;
}

/* --- JSON: the object orgctl_history_show gives, written as its changes come --- */

static void put_json(const cJSON *v, int depth)
{
    char *s = orgctl_json_canonical_at(v, depth);
    fputs(s, stdout);
    free(s);
}

static int json_change(const orgctl_history_change *ch, void *payload)
{
    size_t *n = payload;
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "kind", ch->kind); /* in key order: no sort needed */
    cJSON_AddStringToObject(obj, "name", ch->name);
    cJSON_AddStringToObject(obj, "op", ch->op);
    cJSON_AddStringToObject(obj, "org", ch->org);
    cJSON_AddStringToObject(obj, "path", ch->path);
    fputs((*n)++ ? ",\n    " : "\n    ", stdout);
    put_json(obj, 2);
    cJSON_Delete(obj);
    return 0;
}

static int show_json(orgctl_history_changes *changes, cJSON *info)
{
    orgctl_json_sort(info);
    bool changes_done = false;
    const char *sep = "\n  "; /* before each member */
    int error = 0;
    fputc('{', stdout);
    for (const cJSON *f = info->child;; f = f->next) {
        /* "changes" in its place among the keys */
        if (!changes_done && (!f || strcmp("changes", f->string) < 0)) {
            size_t n = 0;
            fputs(sep, stdout);
            fputs("\"changes\": [", stdout);
            sep = ",\n  ";
            error = orgctl_history_changes_each(changes, json_change, &n);
            fputs(n ? "\n  ]" : "]", stdout);
            changes_done = true;
            if (error)
                break;
        }
        if (!f)
            break;
        cJSON *key = cJSON_CreateString(f->string);
        fputs(sep, stdout);
        sep = ",\n  ";
        put_json(key, 1);
        fputs(": ", stdout);
        put_json(f, 1);
        cJSON_Delete(key);
    }
    fputs("\n}\n", stdout);
    return error;
}

/* --- CSV: a row per object changed, each with the change set's fields (an "org" of the
 * change set would be named change_set_org, since the object's org may differ) --- */

struct csv_rows {
    const char **cells; /* the change's, then the change set's (fixed) */
    size_t n;
    size_t rows;
};

static int csv_change(const orgctl_history_change *ch, void *payload)
{
    struct csv_rows *r = payload;
    change_cells(ch, r->cells);
    output_csv_row(stdout, r->cells, r->n);
    r->rows++;
    return 0;
}

static const char *const change_keys[CHANGE_COLUMNS] = {"op", "kind", "org", "name", "path"};

static int show_csv(orgctl_history_changes *changes, cJSON *info)
{
    orgctl_json_sort(info);
    size_t nfields = (size_t)cJSON_GetArraySize(info), n = CHANGE_COLUMNS + nfields, i = 0;
    char **names = calloc(n, sizeof(*names)), **values = calloc(n, sizeof(*values));
    const char **cells = calloc(n, sizeof(*cells));
    for (i = 0; i < CHANGE_COLUMNS; i++) {
        names[i] = strdup(change_keys[i]);
        cells[i] = "";
    }
    for (const cJSON *f = info->child; f; f = f->next, i++) {
        bool clash = false;
        for (size_t k = 0; k < CHANGE_COLUMNS; k++)
            clash |= strcmp(f->string, change_keys[k]) == 0;
        size_t len = strlen(f->string) + sizeof("change_set_");
        names[i] = malloc(len);
        snprintf(names[i], len, "%s%s", clash ? "change_set_" : "", f->string);
        cells[i] = values[i] = orgctl_json_cell(f);
    }
    /* the header as -o csv orders any list: the change's columns, then the rest sorted */
    for (size_t a = CHANGE_COLUMNS + 1; a < n; a++)
        for (size_t b = a; b > CHANGE_COLUMNS && strcmp(names[b - 1], names[b]) > 0; b--) {
            char *tn = names[b - 1], *tv = values[b - 1];
            const char *tc = cells[b - 1];
            names[b - 1] = names[b], values[b - 1] = values[b], cells[b - 1] = cells[b];
            names[b] = tn, values[b] = tv, cells[b] = tc;
        }
    output_csv_row(stdout, (const char *const *)names, n);
    struct csv_rows r = {cells, n, 0};
    int error = orgctl_history_changes_each(changes, csv_change, &r);
    if (!error && r.rows == 0) { /* one row still says who did what */
        for (i = 0; i < CHANGE_COLUMNS; i++)
            cells[i] = "";
        output_csv_row(stdout, cells, n);
    }
    for (i = 0; i < n; i++) {
        free(names[i]);
        free(values[i]);
    }
    free(names);
    free(values);
    free(cells);
    return error;
}

static int walk_only(const orgctl_history_change *ch, void *payload)
{
    return 0;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, status = cli_parse(cli, "show", argc, argv, NULL, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl show CHANGE-SET\n\nShows who made a change set, when, with "
                    "which command, and each object it created, updated or deleted.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    orgctl_history_changes *changes = NULL;
    cJSON *info = NULL;
    int error = orgctl_history_changes_open(&changes, &info, repo, pos[0]);
    if (error < 0)
        ;
    else if (cli->quiet) /* nothing shown, but a set that cannot be read fails */
        error = orgctl_history_changes_each(changes, walk_only, NULL);
    else if (cli->format == CLI_JSON)
        error = show_json(changes, info);
    else if (cli->format == CLI_CSV)
        error = show_csv(changes, info);
    else
        error = show_table(changes, info);
    if (error < 0)
        status = cli_fail(cli, "show", error);
    orgctl_history_changes_free(changes);
    cJSON_Delete(info);
    orgctl_repo_free(repo);
    return status;
}
