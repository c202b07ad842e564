/* orgctl org: the verbs come from liborgctl's operation table (see orgctl-org(1)). */
#include "commands.h"

int cmd_org(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "org", argc, argv);
}
