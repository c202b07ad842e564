/* orgctl skill: the verbs come from liborgctl's operation table (see orgctl-skill(1)). */
#include "commands.h"

int cmd_skill(struct cli *cli, int argc, char **argv)
{
    return cli_run_kind(cli, "skill", argc, argv);
}
