/* orgctl access: the verbs come from liborgctl's operation table (see orgctl-access(1)). */
#include "commands.h"

int cmd_access(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "access", argc, argv);
}
