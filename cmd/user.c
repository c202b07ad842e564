/* orgctl user: the verbs come from liborgctl's operation table (see orgctl-user(1)). */
#include "commands.h"

int cmd_user(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "user", argc, argv);
}
