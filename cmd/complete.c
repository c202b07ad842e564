/* orgctl __complete WORD...: candidates for the next word, for the shell completions, so
 * they ask the binary instead of keeping lists that drift. The last word is the one being
 * completed (may be empty). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void complete_names(struct cli *cli, const char *kind, const char *prefix)
{
    const orgctl_kind *k = orgctl_kind_lookup(kind);
    orgctl_repo *repo = NULL;
    if (!k || orgctl_repo_open(&repo, cli->dir, ORGCTL_OPEN_READ) < 0)
        return;
    cJSON *items = NULL;
    if (orgctl_object_list(repo, k, cli->org ? cli->org : "", NULL, 0, NULL, &items) == 0) {
        const cJSON *it;
        const char *key = strcmp(kind, "org") == 0 ? "shortname" : "name";
        cJSON_ArrayForEach(it, items)
        {
            const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(it, key));
            if (n && strncmp(n, prefix, strlen(prefix)) == 0)
                printf("%s\n", n);
        }
    }
    cJSON_Delete(items);
    orgctl_repo_free(repo);
}

static void print_if(const char *word, const char *prefix)
{
    if (strncmp(word, prefix, strlen(prefix)) == 0)
        printf("%s\n", word);
}

int cmd_complete(struct cli *cli, int argc, char **argv)
{
    const char *cur = argc ? argv[argc - 1] : "";
    const char *words[64];
    int n = 0;
    /* Drop global options (and their values) so positions are counted without them. */
    for (int i = 0; i < argc - 1 && n < 64; i++) {
        int error = 0, before = i;
        if (cli_global_option(cli, argc - 1, argv, &i, &error)) {
            (void)before;
            continue;
        }
        words[n++] = argv[i];
    }
    if (n == 0) {
        for (const struct cli_command *c = cli_commands; c->name; c++)
            if (c->summary)
                print_if(c->name, cur);
        if (cur[0] == '-')
            for (const char *const *g = (const char *const[]){"-C", "--org", "--as", "--output",
                                                               "--dry-run", "--quiet", "--help",
                                                               "--version", NULL};
                 *g; g++)
                print_if(*g, cur);
        return EXIT_OK;
    }
    const char *kind = words[0];
    if (strcmp(kind, "help") == 0 && n == 1) {
        for (const struct cli_command *c = cli_commands; c->name; c++)
            if (c->summary)
                print_if(c->name, cur);
        return EXIT_OK;
    }
    if (n == 1 && !orgctl_kind_lookup(kind) && cur[0] == '-') {
        return EXIT_OK;
    }
    if (n == 1) {
        /* verbs: the first word of each (role-add -> role) */
        const char *last = "";
        for (const orgctl_op *const *op = orgctl_ops(); *op; op++) {
            if (strcmp((*op)->kind, kind) != 0)
                continue;
            char word[64];
            snprintf(word, sizeof(word), "%s", (*op)->verb);
            char *dash = strchr(word, '-');
            if (dash)
                *dash = '\0';
            if (strcmp(word, last) != 0)
                print_if(word, cur);
            last = (*op)->verb;
            if (dash)
                last = "";
        }
        return EXIT_OK;
    }
    const orgctl_op *op = NULL;
    int used = 2;
    if (n >= 3) {
        char joined[128];
        snprintf(joined, sizeof(joined), "%s-%s", words[1], words[2]);
        op = orgctl_op_lookup(kind, joined);
        used = 3;
    }
    if (!op) {
        op = orgctl_op_lookup(kind, words[1]);
        used = 2;
    }
    if (!op && n == 2) {
        /* the second word of a two-word verb */
        for (const orgctl_op *const *o = orgctl_ops(); *o; o++) {
            size_t l = strlen(words[1]);
            if (strcmp((*o)->kind, kind) == 0 && strncmp((*o)->verb, words[1], l) == 0 &&
                (*o)->verb[l] == '-')
                print_if((*o)->verb + l + 1, cur);
        }
        return EXIT_OK;
    }
    if (!op)
        return EXIT_OK;
    if (cur[0] == '-') {
        for (const orgctl_param *p = op->params; p && p->name; p++)
            if (!(p->flags & ORGCTL_PARAM_POSITIONAL)) {
                char opt[80];
                snprintf(opt, sizeof(opt), "--%s", p->name);
                print_if(opt, cur);
            }
        return EXIT_OK;
    }
    const char *prev = n > used ? words[n - 1] : "";
    if (strcmp(prev, "--role") == 0)
        complete_names(cli, "role", cur);
    else if (n == used && !(op->flags & ORGCTL_OP_NO_NAME))
        complete_names(cli, kind, cur);
    else if (strcmp(op->verb, "role-add") == 0 || strcmp(op->verb, "role-rm") == 0)
        complete_names(cli, "role", cur);
    else if (strcmp(op->verb, "grant") == 0 || strcmp(op->verb, "revoke") == 0)
        for (const char *const *p = orgctl_perm_catalogue(); *p; p++)
            print_if(*p, cur);
    return EXIT_OK;
}
