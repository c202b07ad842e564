/* orgctl capacity: the verbs come from liborgctl's operation table (see orgctl-capacity(1)). */
#include "commands.h"

int cmd_capacity(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "capacity", argc, argv);
}
