/* orgctl init: a new config repository with the enterprise account. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

static void init_table(FILE *out, const cJSON *obj, void *arg)
{
    bool dry = cJSON_IsTrue(cJSON_GetObjectItem(obj, "dry_run"));
    fprintf(out, "%s orgctl repository in %s\nenterprise administrator: %s\n%s",
            dry ? "dry run: init would create an" : "initialized",
            cJSON_GetStringValue(cJSON_GetObjectItem(obj, "repository")),
            cJSON_GetStringValue(cJSON_GetObjectItem(obj, "admin")),
            dry ? "(nothing was created)\n" : "");
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
    const char *dir = NULL, *enterprise = NULL, *admin = NULL, *email = NULL;
    const struct cli_flag flags[] = {
        {"--enterprise", true, &enterprise, "display name of the enterprise (Enterprise)"},
        {"--admin", true, &admin, "name of the first administrator (admin)"},
        {"--email", true, &email, "e-mail of the first administrator"},
        {NULL, false, NULL, NULL},
    };
    const char *pos[1];
    int npos, status = cli_parse(cli, "init", argc, argv, flags, pos, 0, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl init [DIR] [--enterprise NAME] [--admin USER] [--email "
                    "EMAIL]\n\nCreates a config repository in DIR (default: -C DIR, "
                    "$ORGCTL_DIR, or the\ncurrent directory) holding the enterprise account and "
                    "its administrator.\n");
        return EXIT_OK;
    }
    dir = npos ? pos[0] : cli->dir ? cli->dir : getenv("ORGCTL_DIR");
    if (!dir || !*dir)
        dir = ".";
    orgctl_init_options opts = ORGCTL_INIT_OPTIONS_INIT;
    opts.enterprise_name = enterprise;
    opts.admin_name = admin;
    opts.admin_email = email;
    opts.dry_run = cli->dry_run;
    char *who = NULL;
    int error = orgctl_repo_init(&who, dir, &opts);
    if (error < 0)
        return cli_fail(cli, "init", error);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "admin", who);
    cJSON_AddStringToObject(obj, "repository", dir);
    cJSON_AddBoolToObject(obj, "dry_run", cli->dry_run);
    output(cli, obj, &(struct output_view){NULL, init_table, NULL});
    cJSON_Delete(obj);
    free(who);
    return EXIT_OK;
}
