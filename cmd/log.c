/* orgctl log: the change sets, newest first. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

int cmd_log(struct cli *cli, int argc, char **argv)
{
    const char *max = NULL, *org_only = NULL;
    const struct cli_flag flags[] = {
        {"-n", true, &max, "show at most N change sets"},
        {"--max-count", true, &max, "show at most N change sets"},
        {"--this-org", false, &org_only, "only change sets about the --org org"},
        {NULL, false, NULL, NULL},
    };
    const char *pos[1];
    int npos, status = cli_parse(cli, "log", argc, argv, flags, pos, 0, 0, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl log [-n N] [--this-org]\n\nLists change sets, newest first: "
                    "id, time, actor, summary.\n");
        return EXIT_OK;
    }
    if (org_only && (!cli->org || !*cli->org))
        return cli_usage("log: --this-org needs --org ORG");
    char *end = NULL;
    long n = max ? strtol(max, &end, 10) : 0;
    if (max && (*end || n < 0))
        return cli_usage("log: -n takes a whole number, not \"%s\"", max);
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    cJSON *items = NULL;
    int error = orgctl_history_log(repo, (size_t)n, org_only ? cli->org : NULL, &items);
    if (error < 0)
        status = cli_fail(cli, "log", error);
    else
        output_list(cli, items, "id,time,actor,summary");
    cJSON_Delete(items);
    orgctl_repo_free(repo);
    return status;
}
