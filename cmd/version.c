/* orgctl version. */
#include <stdio.h>

#include "commands.h"

int cmd_version(struct cli *cli, int argc, char **argv)
{
    printf("orgctl %s\n", ORGCTL_VERSION);
    return EXIT_OK;
}
