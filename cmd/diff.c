/* orgctl diff: a change set as a unified diff of its JSON files, printed file by file as
 * the library makes it (a set of 200k files is never held whole), but in CSV, whose one
 * cell holds it all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

/* As a table: the patch as it is. */
static int put_patch(const char *text, size_t len, void *payload)
{
    fwrite(text, 1, len, stdout);
    return 0;
}

/* In JSON: {change_set, diff}, keys in order, the patch's text inside the "diff" string
 * escaped as the whole would be. The head comes with the first part (or at the end), so
 * a set not found or not to be seen prints nothing. */
struct json_patch {
    const char *id;
    bool head;
};

static void json_head(struct json_patch *j)
{
    cJSON *id = cJSON_CreateString(j->id);
    char *quoted = orgctl_json_canonical_at(id, 1);
    printf("{\n  \"change_set\": %s,\n  \"diff\": \"", quoted);
    free(quoted);
    cJSON_Delete(id);
    j->head = true;
}

static int put_patch_json(const char *text, size_t len, void *payload)
{
    struct json_patch *j = payload;
    if (!j->head)
        json_head(j);
    char *part = strndup(text, len);
    cJSON *s = cJSON_CreateString(part);
    char *quoted = orgctl_json_canonical_at(s, 1);
    fwrite(quoted + 1, 1, strlen(quoted) - 2, stdout); /* without its quotes */
    free(quoted);
    cJSON_Delete(s);
    free(part);
    return 0;
}

static int add_patch(const char *text, size_t len, void *payload)
{
    fwrite(text, 1, len, payload);
    return 0;
}

static int skip_patch(const char *text, size_t len, void *payload)
{
    return 0;
}

int cmd_diff(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, status = cli_parse(cli, "diff", argc, argv, NULL, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl diff CHANGE-SET\n\nPrints the change set as a unified diff "
                    "of the canonical JSON files it changed.\n");
        return EXIT_OK;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    int error;
    if (cli->quiet) { /* nothing shown, but a set that cannot be read fails */
        error = orgctl_history_diff_each(repo, pos[0], skip_patch, NULL);
    } else if (cli->format == CLI_TABLE) {
        error = orgctl_history_diff_each(repo, pos[0], put_patch, NULL);
    } else if (cli->format == CLI_JSON) {
        struct json_patch j = {pos[0], false};
        error = orgctl_history_diff_each(repo, pos[0], put_patch_json, &j);
        if (!error && !j.head)
            json_head(&j);
        if (j.head)
            fputs("\"\n}\n", stdout);
    } else { /* CSV: the one cell is the whole patch */
        char *patch = NULL;
        size_t len = 0;
        FILE *all = open_memstream(&patch, &len);
        error = all ? orgctl_history_diff_each(repo, pos[0], add_patch, all) : EXIT_ERROR;
        if (all)
            fclose(all);
        if (!error) {
            cJSON *obj = cJSON_CreateObject();
            cJSON_AddStringToObject(obj, "change_set", pos[0]);
            cJSON_AddStringToObject(obj, "diff", patch ? patch : "");
            output(cli, obj, NULL);
            cJSON_Delete(obj);
        }
        free(patch);
    }
    if (error < 0)
        status = cli_fail(cli, "diff", error);
    orgctl_repo_free(repo);
    return status;
}
