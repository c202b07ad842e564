/* orgctl help [COMMAND]. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void general_usage(FILE *f)
{
    fprintf(f, "usage: orgctl [-C DIR] [--org ORG] [--as USER@ORG] [-o table|json|csv] "
               "[--dry-run] [-q] [--lock-timeout SECONDS] COMMAND [VERB] [ARGS]\n\ncommands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (c->summary)
            fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n\"orgctl help COMMAND\" or \"orgctl COMMAND --help\" for a command; "
               "\"orgctl help permissions\" for what each needs; \"orgctl help settings\" for the "
               "org settings; \"man orgctl\".\n");
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "permissions") == 0) {
        /* The table of what each operation needs, as orgctl(1) lists it. */
        for (const orgctl_op *const *op = orgctl_ops(); *op; op++)
            printf("%-8s %-10s %s\n", (*op)->kind, (*op)->verb,
                   (*op)->permission ? (*op)->permission : "directory:organization:admin");
        printf("log, show, diff: audits:changeSet:view; rollback: audits:changeSet:rollback "
               "in each org it touches, and what each change it makes needs\n"
               "granting (a role, a permission, a membership of a group with roles) also "
               "needs every permission granted\n\nknown permissions (a role's "
               "permission must match one; * is a wildcard, action all means every action):\n");
        for (const char *const *p = orgctl_perm_catalogue(); *p; p++)
            printf("  %s\n", *p);
        return EXIT_OK;
    }
    if (argc > 0 && strcmp(argv[0], "settings") == 0) {
        /* The table of settings (lib/settings.c), as orgctl(5) lists it. */
        int npos, status = cli_parse(cli, "help settings", argc - 1, argv + 1, NULL, NULL, 0, 0,
                                     &npos);
        if (status)
            return status;
        cJSON *table = orgctl_settings_describe();
        output_list(cli, table, "key,type,default,scope,help");
        cJSON_Delete(table);
        return EXIT_OK;
    }
    /* "orgctl help --help" is help on help: the general usage. */
    if (argc > 0 && (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0))
        argc = 0;
    if (argc > 0) {
        const struct cli_command *cmd = cli_find_command(argv[0]);
        if (!cmd || !cmd->summary) {
            return cli_usage("help: unknown command \"%s\"", argv[0]);
        }
        char *args[] = {"--help", NULL};
        cli->help = true;
        return cmd->run(cli, 1, args);
    }
    general_usage(stdout);
    return EXIT_OK;
}

int cli_no_command(void)
{
    general_usage(stderr); /* a usage error: on stderr, like every other */
    return EXIT_USAGE;
}
