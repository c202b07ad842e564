/* orgctl help [COMMAND [VERB...]] and orgctl help permissions. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void general_usage(FILE *f)
{
    fprintf(f, "usage: orgctl ");
    cli_globals_usage(f, true);
    fprintf(f, " COMMAND [VERB] [ARGS]\n\ncommands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (c->summary)
            fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n\"orgctl help COMMAND [VERB]\" or \"orgctl COMMAND [VERB] --help\" for a "
               "command; \"orgctl help permissions\" for what each needs; \"orgctl help settings\" "
               "for the org settings; \"man orgctl\".\n");
}

static const char history_note[] =
    "log, show, diff: audits:changeSet:view; rollback: audits:changeSet:rollback in each org "
    "it touches, and what each change it makes needs\ngranting (a role, a permission, a "
    "membership of a group with roles) also needs every permission granted\ncheck: the view "
    "permission of every kind in every org\ncampaign stats: outbound:campaign:view in the org "
    "of --org (a file alone, without --org: none)";

static void permissions_table(FILE *out, const cJSON *result, void *arg)
{
    const cJSON *op, *p;
    cJSON_ArrayForEach(op, cJSON_GetObjectItem(result, "operations"))
    {
        fprintf(out, "%-8s %-12s %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(op, "kind")),
                cJSON_GetStringValue(cJSON_GetObjectItem(op, "verb")),
                cJSON_GetStringValue(cJSON_GetObjectItem(op, "permission")));
    }
    fprintf(out,
            "%s\n\nknown permissions (a role's permission must match one; * is a "
            "wildcard, action all means every action):\n",
            history_note);
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(result, "catalogue"))
        fprintf(out, "  %s\n", p->valuestring);
}

/* The table of what each operation needs, as orgctl(1) lists it, and the catalogue. */
static int permissions(struct cli *cli)
{
    cJSON *result = cJSON_CreateObject();
    cJSON *ops = cJSON_AddArrayToObject(result, "operations");
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++) {
        char verb[64];
        snprintf(verb, sizeof(verb), "%s", (*op)->verb);
        for (char *c = verb; *c; c++) /* as typed: "role add" */
            if (*c == '-')
                *c = ' ';
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "kind", (*op)->kind);
        cJSON_AddStringToObject(row, "verb", verb);
        /* none in the table: org create's is the enterprise admin's; pair's and clone's
         * depend on the side (orgctl-pair(1), orgctl-clone(1)) */
        const char *perm = (*op)->permission_note ? (*op)->permission_note
                           : (*op)->permission    ? (*op)->permission
                                                  : "directory:organization:admin";
        cJSON_AddStringToObject(row, "permission", perm);
        cJSON_AddItemToArray(ops, row);
    }
    cJSON_AddStringToObject(result, "history", history_note);
    cJSON *cat = cJSON_AddArrayToObject(result, "catalogue");
    for (const char *const *p = orgctl_perm_catalogue(); *p; p++)
        cJSON_AddItemToArray(cat, cJSON_CreateString(*p));
    output(cli, result, &(struct output_view){NULL, permissions_table, NULL});
    cJSON_Delete(result);
    return EXIT_OK;
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
    /* global options may come anywhere ("orgctl help permissions -o json") */
    char *words[16];
    int n = 0, error = 0;
    for (int i = 0; i < argc; i++) {
        if (cli_global_option(cli, argc, argv, &i, &error)) {
            if (error)
                return error;
        } else if (n < 15) {
            words[n++] = argv[i];
        }
    }
    if (n > 0 && strcmp(words[0], "permissions") == 0)
        return permissions(cli);
    if (n > 0 && strcmp(words[0], "settings") == 0) {
        /* The table of settings (lib/settings.c), as orgctl(5) lists it. */
        cJSON *table = orgctl_settings_describe();
        output(cli, table, &(struct output_view){"key,type,default,scope,help"});
        cJSON_Delete(table);
        return EXIT_OK;
    }
    /* "orgctl help --help" is help on help: the general usage. */
    if (n > 0) {
        const struct cli_command *cmd = cli_find_command(words[0]);
        if (!cmd || !cmd->summary)
            return cli_usage("help: unknown command \"%s\"", words[0]);
        /* "orgctl help user role add" is "orgctl user role add --help" */
        words[n] = "--help";
        cli->help = true;
        return cli_run_command(cli, cmd, n, words + 1);
    }
    struct output_text t;
    general_usage(output_text_begin(&t));
    output_text_end(cli, "help", &t);
    return EXIT_OK;
}

int cli_no_command(void)
{
    general_usage(stderr); /* a usage error: on stderr, like every other */
    return EXIT_USAGE;
}
