/* orgctl diff: a change set as a unified diff of its JSON files. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

/* As a table: the patch as it is. */
static void patch_table(FILE *out, const cJSON *obj, void *arg)
{
    fputs(cJSON_GetStringValue(cJSON_GetObjectItem(obj, "diff")), out);
}

int cmd_diff(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, status = cli_parse(cli, "diff", argc, argv, NULL, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl diff CHANGE-SET\n\nPrints the change set as a unified diff "
                    "of the canonical JSON files it changed.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    char *patch = NULL;
    int error = orgctl_history_diff(&patch, repo, pos[0]);
    if (error < 0) {
        status = cli_fail(cli, "diff", error);
    } else {
        cJSON *obj = cJSON_CreateObject();
        cJSON_AddStringToObject(obj, "change_set", pos[0]);
        cJSON_AddStringToObject(obj, "diff", patch);
        output(cli, obj, &(struct output_view){NULL, patch_table, NULL});
        cJSON_Delete(obj);
    }
    free(patch);
    orgctl_repo_free(repo);
    return status;
}
