/* orgctl log: the change sets the actor may see, newest first, filtered. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

static struct {
    const char *max, *this_org, *org, *actor, *kind, *object, *since, *until, *grep;
    struct cli_list orgs;
} arg;

static const struct cli_flag log_flags[] = {
    {"-n", true, &arg.max, "show at most N change sets", NULL},
    {"--max-count", true, &arg.max, "show at most N change sets", NULL},
    {"--org", true, &arg.org, "only change sets that touched ORG (repeatable: any of them)",
     &arg.orgs},
    {"--this-org", false, &arg.this_org, "only change sets that touched the global --org org",
     NULL},
    {"--actor", true, &arg.actor, "only change sets made by USER@ORG (or USER of any org)", NULL},
    {"--kind", true, &arg.kind, "only change sets that changed an object of KIND", NULL},
    {"--object", true, &arg.object, "only change sets that changed object KIND/NAME", NULL},
    {"--since", true, &arg.since, "only change sets made at or after TIME (ISO 8601)", NULL},
    {"--until", true, &arg.until, "only change sets made at or before TIME (ISO 8601)", NULL},
    {"--grep", true, &arg.grep, "only change sets whose summary or command holds TEXT", NULL},
    {NULL, false, NULL, NULL, NULL},
};

const struct cli_flag *cli_log_flags(void)
{
    return log_flags;
}

int cmd_log(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, status = cli_parse(cli, "log", argc, argv, log_flags, pos, 0, 0, &npos);
    if (status)
        goto done;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl log [-n N] [--org ORG]... [--this-org] [--actor USER@ORG] "
                    "[--kind KIND] [--object KIND/NAME] [--since TIME] [--until TIME] "
                    "[--grep TEXT]\n\nLists the change sets you may see, newest first: id, "
                    "time, actor, summary. Filters combine: all must hold, and any of several "
                    "--org.\n");
        goto done;
    }
    if (arg.this_org) {
        if (!cli->org || !*cli->org) {
            status = cli_usage("log: --this-org needs --org ORG before \"log\" (or ORGCTL_ORG)");
            goto done;
        }
        arg.orgs.v = realloc(arg.orgs.v, (arg.orgs.n + 1) * sizeof(*arg.orgs.v));
        arg.orgs.v[arg.orgs.n++] = cli->org;
    }
    double n = 0;
    if (arg.max && !cli_plain_number(arg.max, false, 1e9, &n)) {
        status = cli_usage("log: -n takes a whole number, not \"%s\"", arg.max);
        goto done;
    }
    orgctl_log_options opts = ORGCTL_LOG_OPTIONS_INIT;
    opts.max = (size_t)n;
    opts.orgs = arg.orgs.v;
    opts.norgs = arg.orgs.n;
    opts.actor = arg.actor;
    opts.kind = arg.kind;
    opts.object = arg.object;
    opts.since = arg.since;
    opts.until = arg.until;
    opts.grep = arg.grep;
    if (orgctl_log_options_check(&opts) < 0) {
        status = cli_usage("log: %s", orgctl_error_last());
        goto done;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        goto done;
    cJSON *items = NULL;
    int error = orgctl_history_log(&items, repo, &opts);
    if (error < 0)
        status = cli_fail(cli, "log", error);
    else if (cli->format == CLI_TABLE)
        output_list(cli, items, "id,time,actor,summary");
    else /* every field, as orgctl-log(1) lists them */
        output_list(cli, items, "id,time,actor,summary,orgs,command,rolls_back,commit");
    cJSON_Delete(items);
    orgctl_repo_free(repo);
done:
    free(arg.orgs.v);
    arg.orgs.v = NULL;
    arg.orgs.n = 0;
    return status;
}
