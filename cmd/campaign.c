/* orgctl campaign: the verbs of the operation table (strategies, campaigns, sub-campaigns,
 * compliance; lib/kinds/campaign.c), and the verbs that read files, which are commands of
 * their own: one row of the table below adds one. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct campaign_verb {
    const char *verb;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *summary;
    enum cli_access access;
} campaign_verbs[] = {
    {NULL, NULL, NULL, CLI_READ},
};

int cmd_campaign(struct cli *cli, int argc, char **argv)
{
    for (const struct campaign_verb *v = campaign_verbs; argc > 0 && v->verb; v++)
        if (strcmp(argv[0], v->verb) == 0) {
            cli->writes = v->access == CLI_WRITE;
            return v->run(cli, argc - 1, argv + 1);
        }
    return cli_run_kind(cli, "campaign", argc, argv);
}

void cli_campaign_list_verbs(void)
{
    for (const struct campaign_verb *v = campaign_verbs; v->verb; v++)
        printf("campaign %s\t%s\n", v->verb, v->access == CLI_WRITE ? "write" : "read");
}
