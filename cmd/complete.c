/* orgctl __complete WORD...: candidates for the next word, for the shell completions, so
 * they ask the binary instead of keeping lists that drift. The last word is the one being
 * completed (may be empty).
 *
 * orgctl __ops: the operation table, one line per operation, for scripts and tests that
 * must cover every verb (tests/cli/t6000-permission-matrix.sh), fields separated by one
 * space:  KIND VERB write|read PERMISSION [NAME] [POSITIONAL...] [--OPTION=METAVAR...]
 * VERB is the table's ("role-add"; the CLI takes "role add" too); PERMISSION is "-" when
 * the operation checks its own; NAME is there when it takes an object name; positional
 * metavars end in "..." when repeatable; only required options are listed. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* The names of objects of `kind` that start with `prefix`, each printed after `lead`. */
static void complete_names_after(struct cli *cli, const char *kind, const char *lead,
                                 const char *prefix)
{
    const orgctl_kind *k = orgctl_kind_lookup(kind);
    orgctl_repo *repo = NULL;
    if (!k || orgctl_repo_open(&repo, cli->dir, ORGCTL_OPEN_READ) < 0)
        return;
    cJSON *names = NULL;
    if (orgctl_object_names(&names, repo, k, cli->org ? cli->org : "", prefix) == 0) {
        const cJSON *n;
        cJSON_ArrayForEach(n, names)
        {
            printf("%s%s\n", lead, n->valuestring);
        }
    }
    cJSON_Delete(names);
    orgctl_repo_free(repo);
}

void cli_complete_names(struct cli *cli, const char *kind, const char *prefix)
{
    complete_names_after(cli, kind, "", prefix);
}

static void print_if(const char *word, const char *prefix)
{
    if (strncmp(word, prefix, strlen(prefix)) == 0)
        printf("%s\n", word);
}

/* The trustees of pairing `pairing` (pair grant PAIRING --user <TAB>): USER@ORG or
 * GROUP@ORG, as `pair show` shows them to the actor (who may not see them is offered
 * nothing). */
static void complete_trustees(struct cli *cli, const char *pairing, bool groups, const char *cur)
{
    orgctl_repo *repo = NULL;
    orgctl_params *params = orgctl_params_new();
    orgctl_op_ctx ctx = {
        orgctl_op_lookup("pair", "show"), NULL, NULL, cli->org, pairing, params, NULL, NULL};
    if (pairing && cli->org && orgctl_repo_open(&repo, cli->dir, ORGCTL_OPEN_READ) == 0 &&
        orgctl_repo_set_actor(repo, cli->actor) == 0 && orgctl_perm_actor_check(repo) == 0) {
        ctx.repo = repo;
        if (orgctl_op_run(&ctx) == 0) {
            const char *org = cJSON_GetStringValue(cJSON_GetObjectItem(ctx.result, "trustee"));
            const cJSON *n;
            cJSON_ArrayForEach(n, cJSON_GetObjectItem(ctx.result, groups ? "groups" : "users"))
            {
                char word[512];
                snprintf(word, sizeof(word), "%s@%s", cJSON_GetStringValue(n) ?: "", org ?: "");
                print_if(word, cur);
            }
        }
    }
    orgctl_op_ctx_clear(&ctx);
    orgctl_repo_free(repo);
    orgctl_params_free(params);
}

/* Whether `param` of op names a trustee of the pairing, USER@ORG (pair grant, revoke,
 * rm-user, rm-group, clone rm): not a user of the current org. */
static bool names_trustee(const orgctl_op *op, const orgctl_param *param)
{
    return strcmp(op->kind, "pair") == 0
               ? strchr(param->metavar, '@') || strncmp(op->verb, "rm-", 3) == 0
               : strcmp(op->kind, "clone") == 0 && strcmp(op->verb, "rm") == 0;
}

/* The value of a parameter: permissions from the catalogue, else the names of the kind it
 * is named after ("--role", "skill") or that the field it fills refers to ("--member"). */
static void complete_value(struct cli *cli, const orgctl_op *op, const orgctl_param *p,
                           const char *cur)
{
    if (strcmp(p->name, "permission") == 0) {
        for (const char *const *c = orgctl_perm_catalogue(); *c; c++)
            print_if(*c, cur);
        return;
    }
    if (strcmp(p->name, "setting") == 0 || strcmp(p->name, "unset-setting") == 0) {
        for (const orgctl_setting *s = orgctl_settings(); s->key; s++) {
            char word[96];
            snprintf(word, sizeof(word), "%s%s", s->key, p->name[0] == 's' ? "=" : "");
            print_if(word, cur);
        }
        return;
    }
    const orgctl_kind *target = orgctl_kind_lookup(p->name);
    const orgctl_kind *object = orgctl_op_kind(op);
    char plural[80];
    snprintf(plural, sizeof(plural), "%ss", p->name);
    const orgctl_field *f = object ? orgctl_kind_field(object, plural) : NULL;
    if (!target && f && f->ref_kind)
        target = orgctl_kind_lookup(f->ref_kind);
    if (target)
        cli_complete_names(cli, target->name, cur);
}

/* How many positional words (the name first) `words` holds, skipping options and their
 * values: the index of the word being completed. */
static int positional_index(const orgctl_op *op, const char *const *words, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (strncmp(words[i], "--", 2) != 0) {
            k++;
            continue;
        }
        const orgctl_param *p = orgctl_op_param(op, words[i] + 2);
        if (p && !(p->flags & ORGCTL_PARAM_FLAG) && !strchr(words[i], '='))
            i++;
    }
    return k;
}

/* `orgctl log`: its options; kinds after --kind; KIND/ then the kind's names (in the org
 * of the command line) after --object. */
static void complete_log(struct cli *cli, const char *prev, const char *cur)
{
    if (strcmp(prev, "--kind") == 0 || strcmp(prev, "--object") == 0) {
        const char *slash = strchr(cur, '/');
        bool object = strcmp(prev, "--object") == 0;
        if (object && slash) {
            char kind[64];
            snprintf(kind, sizeof(kind), "%.*s", (int)(slash - cur), cur);
            char lead[80];
            snprintf(lead, sizeof(lead), "%s/", kind);
            complete_names_after(cli, kind, lead, slash + 1);
            return;
        }
        for (const orgctl_kind *const *k = orgctl_kinds(); *k; k++) {
            if (object && *k == orgctl_kind_lookup("enterprise"))
                continue;
            char word[80];
            snprintf(word, sizeof(word), "%s%s", (*k)->name, object ? "/" : "");
            print_if(word, cur);
        }
        return;
    }
    for (const struct cli_flag *f = cli_log_flags(); f->name; f++)
        if (f->takes_value && strcmp(prev, f->name) == 0)
            return; /* a value of its own: a name, a time, a text */
    if (cur[0] == '-')
        for (const struct cli_flag *f = cli_log_flags(); f->name; f++)
            print_if(f->name, cur);
}

int cmd_complete(struct cli *cli, int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "commands") == 0) { /* hidden: who writes (tests) */
        cli_list_commands();
        return EXIT_OK;
    }
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
            for (const char *const *g = cli_global_names(); *g; g++)
                print_if(*g, cur);
        return EXIT_OK;
    }
    const char *kind = words[0];
    if (strcmp(kind, "bulk") == 0) {
        cli_bulk_complete(cli, n, words, cur);
        return EXIT_OK;
    }
    if (strcmp(kind, "campaign") == 0 && cli_campaign_complete(cli, n, words, cur))
        return EXIT_OK;
    if (strcmp(kind, "log") == 0) {
        complete_log(cli, n > 1 ? words[n - 1] : "", cur);
        return EXIT_OK;
    }
    if (strcmp(kind, "help") == 0 && n == 1) {
        for (const struct cli_command *c = cli_commands; c->name; c++)
            if (c->summary)
                print_if(c->name, cur);
        return EXIT_OK;
    }
    if (strcmp(kind, "help") == 0) { /* "help user role <TAB>": the verbs, as typed */
        if (n > 3)
            return EXIT_OK;
        kind = words[1];
        memmove(words, words + 1, sizeof(*words) * (size_t)--n);
        if (n == 2 && orgctl_op_lookup(kind, words[1]))
            return EXIT_OK; /* a one-word verb: nothing follows in help */
    }
    if (n == 1 && !orgctl_kind_lookup(kind) && cur[0] == '-') {
        return EXIT_OK;
    }
    if (n == 1) {
        /* verbs: the first word of each (role-add -> role) */
        char last[64] = "";
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
            snprintf(last, sizeof(last), "%s", word);
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
    const orgctl_param *opt = strncmp(prev, "--", 2) == 0 ? orgctl_op_param(op, prev + 2) : NULL;
    if (opt && !(opt->flags & ORGCTL_PARAM_FLAG) && names_trustee(op, opt)) {
        complete_trustees(cli, n > used ? words[used] : NULL, strcmp(opt->name, "group") == 0, cur);
        return EXIT_OK;
    }
    if (opt && !(opt->flags & ORGCTL_PARAM_FLAG)) {
        complete_value(cli, op, opt, cur);
        return EXIT_OK;
    }
    int k = positional_index(op, words + used, n - used);
    if (!(op->flags & ORGCTL_OP_NO_NAME) && k-- == 0) {
        const orgctl_kind *object = orgctl_op_kind(op);
        cli_complete_names(cli, object ? object->name : kind, cur);
        return EXIT_OK;
    }
    for (const orgctl_param *p = op->params; p && p->name; p++) {
        if (!(p->flags & ORGCTL_PARAM_POSITIONAL))
            continue;
        if (k == 0 || (p->flags & ORGCTL_PARAM_MULTI)) {
            complete_value(cli, op, p, cur);
            break;
        }
        k--;
    }
    return EXIT_OK;
}

int cmd_ops(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argv;
    if (argc)
        return cli_usage("__ops takes no arguments");
    for (const orgctl_op *const *o = orgctl_ops(); *o; o++) {
        const orgctl_op *op = *o;
        printf("%s %s %s %s", op->kind, op->verb, (op->flags & ORGCTL_OP_WRITE) ? "write" : "read",
               op->permission ? op->permission : "-");
        if (!(op->flags & ORGCTL_OP_NO_NAME))
            printf(" NAME");
        for (const orgctl_param *p = op->params; p && p->name; p++)
            if (p->flags & ORGCTL_PARAM_POSITIONAL)
                printf(" %s%s", p->metavar, (p->flags & ORGCTL_PARAM_MULTI) ? "..." : "");
        for (const orgctl_param *p = op->params; p && p->name; p++)
            if (!(p->flags & ORGCTL_PARAM_POSITIONAL) && (p->flags & ORGCTL_PARAM_REQUIRED))
                printf(" --%s=%s", p->name, p->metavar);
        putchar('\n');
    }
    return EXIT_OK;
}
