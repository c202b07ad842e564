/* orgctl rollback: a new change set that undoes an earlier one. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

int cmd_rollback(struct cli *cli, int argc, char **argv)
{
    const char *force = NULL;
    const struct cli_flag flags[] = {
        {"--force", false, &force, "restore objects that later change sets changed too"},
        {NULL, false, NULL, NULL},
    };
    const char *pos[1];
    int npos, status = cli_parse(cli, "rollback", argc, argv, flags, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl rollback CHANGE-SET [--force]\n\nRestores what the change "
                    "set touched to its state before it, as a new change set.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_WRITE)) != 0)
        return status;
    char *id = NULL;
    cJSON *rolled = NULL;
    int error = orgctl_history_rollback(repo, pos[0], force != NULL, cli->dry_run,
                                        cli->command_line, &id, &rolled);
    if (error < 0) {
        status = cli_fail(cli, "rollback", error);
    } else {
        char summary[512];
        snprintf(summary, sizeof(summary), "rollback %s: %s",
                 cJSON_GetStringValue(cJSON_GetObjectItem(rolled, "id")),
                 cJSON_GetStringValue(cJSON_GetObjectItem(rolled, "summary")));
        /* result: the change set rolled back; changes: what restoring it changes */
        cJSON *changes = cJSON_DetachItemFromObject(rolled, "changes");
        output_change(cli, id, summary, rolled, changes);
        cJSON_Delete(changes);
    }
    free(id);
    cJSON_Delete(rolled);
    orgctl_repo_free(repo);
    return status;
}
