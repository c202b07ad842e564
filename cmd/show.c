/* orgctl show: what a change set changed, object by object. */
#include <stdio.h>

#include "commands.h"

int cmd_show(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, status = cli_parse(cli, "show", argc, argv, NULL, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        printf("usage: orgctl show CHANGE-SET\n\nShows who made a change set, when, with "
               "which command, and each object it created, updated or deleted.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    cJSON *cs = NULL;
    int error = orgctl_history_show(repo, pos[0], &cs);
    if (error < 0) {
        status = cli_fail(cli, "show", error);
    } else if (cli->format == CLI_TABLE) {
        cJSON *changes = cJSON_DetachItemFromObject(cs, "changes");
        output_object(cli, cs);
        printf("\n");
        output_list(cli, changes, "op,kind,org,name");
        cJSON_Delete(changes);
    } else if (cli->format == CLI_CSV) {
        output_list(cli, cJSON_GetObjectItem(cs, "changes"), "op,kind,org,name,path");
    } else {
        output_object(cli, cs);
    }
    cJSON_Delete(cs);
    orgctl_repo_free(repo);
    return status;
}
