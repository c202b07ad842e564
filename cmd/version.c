/* orgctl version. */
#include <stdio.h>

#include "commands.h"

static void version_table(FILE *out, const cJSON *obj, void *arg)
{
    fprintf(out, "orgctl %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(obj, "version")));
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
    int npos, status = cli_parse(cli, "version", argc, argv, NULL, NULL, 0, 0, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help", "usage: orgctl version\n\nPrints the version.\n");
        return EXIT_OK;
    }
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "version", orgctl_version(NULL, NULL, NULL));
    output(cli, obj, &(struct output_view){NULL, version_table, NULL});
    cJSON_Delete(obj);
    return EXIT_OK;
}
