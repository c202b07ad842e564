/* orgctl role: the verbs come from liborgctl's operation table (see orgctl-role(1)). */
#include "commands.h"

int cmd_role(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "role", argc, argv);
}
