/* orgctl show: what a change set changed, object by object. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* As a table: the change set's fields, then its objects, one a line. */
static void set_table(FILE *out, const cJSON *cs, void *arg)
{
    cJSON *fields = cJSON_Duplicate(cs, 1);
    cJSON_DeleteItemFromObject(fields, "changes");
    output_fields(out, fields);
    cJSON_Delete(fields);
    fputc('\n', out);
    output_table(out, cJSON_GetObjectItem(cs, "changes"), "op,kind,org,name");
}

/* As CSV: a row per object changed, each with the change set's fields (the orgs it
 * touched as "orgs"; an "org" of the change set would be renamed change_set_org, since the
 * object's org may differ). */
static cJSON *csv_rows(const cJSON *cs)
{
    cJSON *rows = cJSON_CreateArray(), *none = cJSON_CreateArray();
    const cJSON *c, *f, *changes = cJSON_GetObjectItem(cs, "changes");
    if (cJSON_GetArraySize(changes) == 0) { /* one row still says who did what */
        cJSON_AddItemToArray(none, cJSON_CreateObject());
        changes = none;
    }
    cJSON_ArrayForEach(c, changes)
    {
        cJSON *row = cJSON_Duplicate(c, 1);
        for (f = cs->child; f; f = f->next) {
            char name[64];
            snprintf(name, sizeof(name), "%s%s",
                     cJSON_GetObjectItem(c, f->string) ? "change_set_" : "", f->string);
            if (strcmp(f->string, "changes") != 0)
                cJSON_AddItemToObject(row, name, cJSON_Duplicate(f, 1));
        }
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_Delete(none);
    return rows;
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
    cJSON *cs = NULL;
    int error = orgctl_history_show(&cs, repo, pos[0]);
    if (error < 0) {
        status = cli_fail(cli, "show", error);
    } else {
        cJSON *rows = csv_rows(cs);
        output(cli, cs,
               &(struct output_view){"op,kind,org,name,path", set_table, NULL, NULL, rows});
        cJSON_Delete(rows);
    }
    cJSON_Delete(cs);
    orgctl_repo_free(repo);
    return status;
}
