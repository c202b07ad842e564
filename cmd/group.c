/* orgctl group: the verbs come from liborgctl's operation table (see orgctl-group(1)). */
#include "commands.h"

int cmd_group(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "group", argc, argv);
}
