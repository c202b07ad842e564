/* orgctl check: what in the repository cannot be believed; exit 1 when anything. */
#include <stdio.h>

#include "commands.h"

static void check_table(FILE *out, const cJSON *problems, void *arg)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, problems)
    {
        fprintf(out, "%s: %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(p, "path")),
                cJSON_GetStringValue(cJSON_GetObjectItem(p, "problem")));
    }
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
    int npos, status = cli_parse(cli, "check", argc, argv, NULL, NULL, 0, 0, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl check\n\nLists what orgctl does not believe, one \"PATH: "
                    "PROBLEM\" a line: files of the tree that break their kind's rules (neither "
                    "served nor honoured) and objects of the history missing from the object "
                    "database. Exit status 1 when there is any, 0 when none. Needs the view "
                    "permission of every kind in every org.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    cJSON *problems = NULL;
    int error = orgctl_check(&problems, repo);
    if (error < 0) {
        status = cli_fail(cli, "check", error);
    } else {
        output(cli, problems,
               &(struct output_view){"path,problem", check_table, NULL, "path,problem", NULL});
        status = cJSON_GetArraySize(problems) ? EXIT_ERROR : EXIT_OK;
    }
    cJSON_Delete(problems);
    orgctl_repo_free(repo);
    return status;
}
