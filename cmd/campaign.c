/* orgctl campaign: outbound campaigns (orgctl-campaign(1)). Its one verb here is stats
 * (cmd/campaign_stats.c); the campaigns themselves come with their own verbs. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const char campaign_usage[] =
    "usage:\n"
    "  orgctl campaign stats [--campaign CAMPAIGN] [--from TIME] [--to TIME] [--html FILE] "
    "RESULTS\n"
    "      the campaign dashboard's figures from a file of call result records\n";

int cmd_campaign(struct cli *cli, int argc, char **argv)
{
    if (argc == 0) {
        fputs(campaign_usage, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "help") == 0) {
        output_text(cli, "help", campaign_usage);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "stats") == 0)
        return cli_campaign_stats(cli, argc - 1, argv + 1);
    static const char *const verbs[] = {"stats", NULL};
    const char *s = cli_suggest(argv[0], verbs);
    return s ? cli_usage("campaign: unknown verb \"%s\" (did you mean \"%s\"?)", argv[0], s)
             : cli_usage("campaign: unknown verb \"%s\" (see \"orgctl campaign --help\")", argv[0]);
}

bool cli_campaign_complete(struct cli *cli, int nwords, const char *const *words, const char *cur)
{
    if (nwords == 1) {
        if (strncmp("stats", cur, strlen(cur)) == 0)
            puts("stats");
        return false; /* the verbs of the operation table follow */
    }
    if (strcmp(words[1], "stats") != 0)
        return false;
    cli_campaign_stats_complete(cli, nwords, words, cur);
    return true;
}
