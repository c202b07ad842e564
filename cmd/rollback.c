/* orgctl rollback: a new change set that undoes an earlier one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

/* A value of the plan as the table shows it: JSON, or "(none)". */
static void print_value(const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        fputs("(none)", stdout);
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    fputs(s ? s : "?", stdout);
    free(s);
}

/* One field's change: "roles: - \"Agent\"", "skills \"java\": 7 -> (none)"; a secret
 * field's values are never there to print, only whether it changes. */
static void print_field(const orgctl_kind *kind, const cJSON *f)
{
    const char *field = cJSON_GetStringValue(cJSON_GetObjectItem(f, "field"));
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(f, "key"));
    const cJSON *from = cJSON_GetObjectItem(f, "from"), *to = cJSON_GetObjectItem(f, "to");
    const orgctl_field *def = kind ? orgctl_kind_field(kind, field) : NULL;
    bool had = from && !cJSON_IsNull(from), has = to && !cJSON_IsNull(to);
    printf("    %s", field);
    if (def && (def->flags & ORGCTL_FIELD_SECRET)) {
        printf(": %s", had && has ? "changed" : has ? "set" : "removed");
    } else if (def && def->type == ORGCTL_FIELD_LIST && key) {
        printf(": %s ", has ? "+" : "-");
        print_value(has ? to : from);
    } else {
        if (key)
            printf(" \"%s\"", key);
        fputs(": ", stdout);
        print_value(from);
        fputs(" -> ", stdout);
        print_value(to);
    }
    puts(cJSON_IsTrue(cJSON_GetObjectItem(f, "conflict")) ? "  (conflict)" : "");
}

/* The plan of a dry run, object by object and field by field. */
static void print_plan(const char *summary, const cJSON *changes)
{
    printf("dry run: %s would restore:\n", summary);
    const cJSON *ch, *f;
    cJSON_ArrayForEach(ch, changes)
    {
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(ch, "kind"));
        const char *org = cJSON_GetStringValue(cJSON_GetObjectItem(ch, "org"));
        const char *conflict = cJSON_GetStringValue(cJSON_GetObjectItem(ch, "conflict"));
        printf("  %s %s \"%s\"", cJSON_GetStringValue(cJSON_GetObjectItem(ch, "op")), kind,
               cJSON_GetStringValue(cJSON_GetObjectItem(ch, "name")));
        if (org && *org && strcmp(kind, "org") != 0)
            printf(" (org %s)", org);
        if (conflict)
            printf("  (conflict: %s)", conflict);
        putchar('\n');
        cJSON_ArrayForEach(f, cJSON_GetObjectItem(ch, "fields"))
            print_field(orgctl_kind_lookup(kind), f);
    }
}

/* The plan as CSV: a row per field that changes (one with no field for an object made or
 * removed whole). */
static void print_plan_csv(struct cli *cli, const cJSON *changes)
{
    static const char *const object_cols[] = {"op", "kind", "org", "name", "conflict", NULL};
    static const char *const field_cols[] = {"field", "key", "from", "to", NULL};
    cJSON *rows = cJSON_CreateArray();
    const cJSON *ch;
    cJSON_ArrayForEach(ch, changes)
    {
        const cJSON *f = cJSON_GetObjectItem(ch, "fields")->child;
        do {
            cJSON *row = cJSON_CreateObject();
            for (int i = 0; object_cols[i]; i++)
                cJSON_AddItemToObject(row, object_cols[i],
                                      cJSON_Duplicate(cJSON_GetObjectItem(ch, object_cols[i]), 1));
            for (int i = 0; field_cols[i]; i++)
                cJSON_AddItemToObject(row, field_cols[i],
                                      f ? cJSON_Duplicate(cJSON_GetObjectItem(f, field_cols[i]), 1)
                                        : cJSON_CreateNull());
            cJSON_AddBoolToObject(row, "field_conflict",
                                  f && cJSON_IsTrue(cJSON_GetObjectItem(f, "conflict")));
            cJSON_AddItemToArray(rows, row);
        } while (f && (f = f->next));
    }
    output_list(cli, rows, "op,kind,org,name,conflict,field,key,from,to,field_conflict");
    cJSON_Delete(rows);
}

int cmd_rollback(struct cli *cli, int argc, char **argv)
{
    const char *force = NULL;
    const struct cli_flag flags[] = {
        {"--force", false, &force,
         "take the rolled-back values where later change sets changed them too"},
        {NULL, false, NULL, NULL},
    };
    const char *pos[1];
    int npos, status = cli_parse(cli, "rollback", argc, argv, flags, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl rollback CHANGE-SET [--force]\n\nUndoes what the change set "
                    "changed, field by field, as a new change set; later changes of other "
                    "fields stay.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_WRITE)) != 0)
        return status;
    char *id = NULL;
    cJSON *rolled = NULL;
    int error = orgctl_history_rollback(&id, &rolled, repo, pos[0], force != NULL, cli->dry_run,
                                        cli->command_line);
    if (rolled) { /* done, or a dry run's plan (shown even when it is refused) */
        char summary[512];
        snprintf(summary, sizeof(summary), "rollback %s: %s",
                 cJSON_GetStringValue(cJSON_GetObjectItem(rolled, "id")),
                 cJSON_GetStringValue(cJSON_GetObjectItem(rolled, "summary")));
        /* result: the change set rolled back; changes: what restoring it changes (a dry
         * run's table and CSV show them field by field) */
        cJSON *changes = cJSON_DetachItemFromObject(rolled, "changes");
        if (cli->dry_run && cli->format == CLI_CSV)
            print_plan_csv(cli, changes);
        else if (cli->dry_run && cli->format == CLI_TABLE) {
            if (!cli->quiet)
                print_plan(summary, changes);
        } else
            output_change(cli, id, summary, rolled, changes);
        cJSON_Delete(changes);
    }
    if (error < 0)
        status = cli_fail(cli, "rollback", error);
    free(id);
    cJSON_Delete(rolled);
    orgctl_repo_free(repo);
    return status;
}
