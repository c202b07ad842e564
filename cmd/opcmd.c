/* Runs a kind's command ("orgctl user create alice --email ...") through the operation
 * table of liborgctl: the same table gives the verbs, their options, help and completion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void verb_words(const char *verb, char *out, size_t size)
{
    snprintf(out, size, "%s", verb);
    for (char *p = out; *p; p++)
        if (*p == '-')
            *p = ' ';
}

static void verb_usage(FILE *f, const orgctl_op *op)
{
    char words[64];
    verb_words(op->verb, words, sizeof(words));
    fprintf(f, "  orgctl %s %s", op->kind, words);
    if (!(op->flags & ORGCTL_OP_NO_NAME))
        fprintf(f, " %s", strcmp(op->kind, "org") == 0 && strcmp(op->verb, "create") == 0
                              ? "COMPANY-NAME"
                              : "NAME");
    for (const orgctl_param *p = op->params; p && p->name; p++)
        if (p->flags & ORGCTL_PARAM_POSITIONAL)
            fprintf(f, " %s%s", p->metavar, (p->flags & ORGCTL_PARAM_MULTI) ? "..." : "");
    for (const orgctl_param *p = op->params; p && p->name; p++) {
        if (p->flags & ORGCTL_PARAM_POSITIONAL)
            continue;
        const char *open = (p->flags & ORGCTL_PARAM_REQUIRED) ? "" : "[";
        const char *close = (p->flags & ORGCTL_PARAM_REQUIRED) ? "" : "]";
        if (p->flags & ORGCTL_PARAM_FLAG)
            fprintf(f, " %s--%s%s", open, p->name, close);
        else
            fprintf(f, " %s--%s %s%s", open, p->name, p->metavar, close);
    }
    fputc('\n', f);
}

static void op_help(const orgctl_op *op)
{
    printf("usage:\n");
    verb_usage(stdout, op);
    printf("\n%s.\nneeds permission: %s\n", op->summary,
           op->permission ? op->permission : "directory:organization:admin");
    if (op->params && op->params->name)
        printf("\noptions:\n");
    for (const orgctl_param *p = op->params; p && p->name; p++)
    {
        char left[96];
        bool pos = p->flags & ORGCTL_PARAM_POSITIONAL;
        bool bare = p->flags & (ORGCTL_PARAM_FLAG | ORGCTL_PARAM_POSITIONAL);
        snprintf(left, sizeof(left), "%s%s%s%s", pos ? "" : "--", pos ? p->metavar : p->name,
                 bare ? "" : " ", bare ? "" : p->metavar);
        printf("  %-28s %s%s\n", left, p->help,
               (p->flags & ORGCTL_PARAM_MULTI) ? " (repeatable)" : "");
    }
    printf("\nglobal options: -C DIR, --org ORG, --as USER@ORG, -o table|json|csv, --dry-run, "
           "-q, --lock-timeout SECONDS\n");
}

void cli_kind_help(const char *kind)
{
    const struct cli_command *cmd = NULL;
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, kind) == 0)
            cmd = c;
    printf("orgctl %s: %s\n\nusage:\n", kind, cmd ? cmd->summary : "");
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++)
        if (strcmp((*op)->kind, kind) == 0)
            verb_usage(stdout, *op);
    printf("\n\"orgctl %s VERB --help\" describes a verb; \"man orgctl-%s\" has the details.\n",
           kind, kind);
}

static const orgctl_op *find_op(const char *kind, int argc, char **argv, int *used)
{
    if (argc >= 2) {
        char joined[128];
        snprintf(joined, sizeof(joined), "%s-%s", argv[0], argv[1]);
        const orgctl_op *op = orgctl_op_lookup(kind, joined);
        if (op) {
            *used = 2;
            return op;
        }
    }
    *used = 1;
    return orgctl_op_lookup(kind, argv[0]);
}

static int unknown_verb(const char *kind, const char *verb)
{
    const char *verbs[64];
    int n = 0;
    for (const orgctl_op *const *op = orgctl_ops(); *op && n < 63; op++)
        if (strcmp((*op)->kind, kind) == 0)
            verbs[n++] = (*op)->verb;
    verbs[n] = NULL;
    const char *s = cli_suggest(verb, verbs);
    if (s)
        return cli_usage("%s: unknown verb \"%s\" (did you mean \"%s\"?)", kind, verb, s);
    return cli_usage("%s: unknown verb \"%s\" (see \"orgctl %s --help\")", kind, verb, kind);
}

/* Parses the verb's options and arguments into params and the object name. */
static int parse_args(struct cli *cli, const orgctl_op *op, int argc, char **argv,
                      orgctl_params *params, const char **name)
{
    const char *positional[256];
    int npos = 0, error = 0;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (npos == 256)
                return cli_usage("too many arguments");
            positional[npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (cli_global_option(cli, argc, argv, &i, &error)) {
            if (error)
                return error;
            continue;
        }
        char optname[128];
        const char *eq = strchr(a, '=');
        snprintf(optname, sizeof(optname), "%.*s", (int)(eq ? eq - a - 2 : (long)strlen(a) - 2),
                 a + 2);
        const orgctl_param *p = a[1] == '-' ? orgctl_op_param(op, optname) : NULL;
        if (!p || (p->flags & ORGCTL_PARAM_POSITIONAL)) {
            const char *names[64];
            int n = 0;
            char buf[64][64];
            for (const orgctl_param *q = op->params; q && q->name && n < 63; q++)
                if (!(q->flags & ORGCTL_PARAM_POSITIONAL)) {
                    snprintf(buf[n], 64, "--%s", q->name);
                    names[n] = buf[n];
                    n++;
                }
            names[n] = NULL;
            char verb[64];
            verb_words(op->verb, verb, sizeof(verb));
            const char *s = cli_suggest(a, names);
            return s ? cli_usage("%s %s: unknown option \"%s\" (did you mean \"%s\"?)", op->kind,
                                 verb, a, s)
                     : cli_usage("%s %s: unknown option \"%s\"", op->kind, verb, a);
        }
        if (p->flags & ORGCTL_PARAM_FLAG) {
            orgctl_params_add(params, p->name, "1");
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value)
            return cli_usage("option --%s needs a value (%s)", p->name, p->metavar);
        if (!(p->flags & ORGCTL_PARAM_MULTI) && orgctl_params_has(params, p->name))
            return cli_usage("option --%s is given twice", p->name);
        orgctl_params_add(params, p->name, value);
    }
    int k = 0;
    *name = NULL;
    if (!(op->flags & ORGCTL_OP_NO_NAME)) {
        if (npos == 0 && !cli->help)
            return cli_usage("%s %s: missing NAME", op->kind, op->verb);
        *name = npos ? positional[k++] : NULL;
    }
    for (const orgctl_param *p = op->params; p && p->name; p++) {
        if (!(p->flags & ORGCTL_PARAM_POSITIONAL))
            continue;
        if (k == npos && (p->flags & ORGCTL_PARAM_REQUIRED) && !cli->help)
            return cli_usage("%s %s: missing %s", op->kind, op->verb, p->metavar);
        do {
            if (k < npos)
                orgctl_params_add(params, p->name, positional[k++]);
        } while ((p->flags & ORGCTL_PARAM_MULTI) && k < npos);
    }
    if (k < npos)
        return cli_usage("%s %s: unexpected argument \"%s\"", op->kind, op->verb, positional[k]);
    for (const orgctl_param *p = op->params; p && p->name && !cli->help; p++)
        if ((p->flags & ORGCTL_PARAM_REQUIRED) && !(p->flags & ORGCTL_PARAM_POSITIONAL) &&
            !orgctl_params_has(params, p->name))
            return cli_usage("%s %s: missing --%s %s", op->kind, op->verb, p->name, p->metavar);
    return 0;
}

static void print_dry_run(struct cli *cli, orgctl_changeset *cs, const char *summary)
{
    if (cli->format == CLI_JSON)
        return;
    printf("dry run: %s would change %zu object(s):\n", summary, orgctl_changeset_count(cs));
    for (size_t i = 0; i < orgctl_changeset_count(cs); i++) {
        enum orgctl_change_op op;
        const char *path;
        orgctl_changeset_entry(cs, i, &op, &path);
        printf("  %s %s\n",
               op == ORGCTL_CHANGE_CREATE   ? "create"
               : op == ORGCTL_CHANGE_UPDATE ? "update"
                                            : "delete",
               path);
    }
}

/* "user role add alice Supervisor": the verb, the name and the positional arguments. */
static void describe_call(const orgctl_op_ctx *ctx, const char *verb, char *out, size_t size)
{
    int len = snprintf(out, size, "%s %s%s%s", ctx->op->kind, verb, ctx->name ? " " : "",
                       ctx->name ? ctx->name : "");
    for (const orgctl_param *p = ctx->op->params; p && p->name; p++) {
        if (!(p->flags & ORGCTL_PARAM_POSITIONAL))
            continue;
        for (size_t i = 0; i < orgctl_params_count(ctx->params, p->name); i++)
            if (len >= 0 && (size_t)len < size)
                len += snprintf(out + len, size - (size_t)len, " %s",
                                orgctl_params_at(ctx->params, p->name, i));
    }
}

static int run_write(struct cli *cli, orgctl_op_ctx *ctx)
{
    orgctl_changeset *cs = NULL;
    char verb[64], *id = NULL;
    verb_words(ctx->op->verb, verb, sizeof(verb));
    int error = orgctl_changeset_begin(&cs, ctx->repo, cli->command_line, ctx->org);
    if (error < 0)
        return cli_fail(cli, NULL, error);
    ctx->cs = cs;
    char what[160];
    snprintf(what, sizeof(what), "%s %s", ctx->op->kind, verb);
    if ((error = orgctl_op_run(ctx)) < 0) {
        orgctl_changeset_free(cs);
        return cli_fail(cli, what, error);
    }
    char summary[512];
    if (ctx->summary)
        snprintf(summary, sizeof(summary), "%s", ctx->summary);
    else
        describe_call(ctx, verb, summary, sizeof(summary));
    if (cli->dry_run) {
        print_dry_run(cli, cs, summary);
        output_change(cli, NULL, summary, ctx->result);
        orgctl_changeset_free(cs);
        return EXIT_OK;
    }
    error = orgctl_changeset_commit(cs, summary, &id);
    orgctl_changeset_free(cs);
    if (error < 0)
        return cli_fail(cli, what, error);
    output_change(cli, id, summary, ctx->result);
    free(id);
    return EXIT_OK;
}

int cli_run_kind(struct cli *cli, const char *kind, int argc, char **argv)
{
    int used = 0, status;
    if (argc == 0 || strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "help") == 0) {
        cli_kind_help(kind);
        return argc == 0 ? EXIT_USAGE : EXIT_OK;
    }
    const orgctl_op *op = find_op(kind, argc, argv, &used);
    if (!op)
        return unknown_verb(kind, argv[0]);
    orgctl_params *params = orgctl_params_new();
    const char *name = NULL;
    if ((status = parse_args(cli, op, argc - used, argv + used, params, &name)) != 0)
        goto done;
    if (cli->help) {
        op_help(op);
        goto done;
    }
    if (!(op->flags & ORGCTL_OP_NO_ORG) && (!cli->org || !*cli->org)) {
        status = cli_usage("%s: no org: give --org ORG or set ORGCTL_ORG", kind);
        goto done;
    }
    orgctl_repo *repo = NULL;
    bool write = op->flags & ORGCTL_OP_WRITE;
    cli->writes = write;
    if ((status = cli_open(cli, &repo, write ? ORGCTL_OPEN_WRITE : ORGCTL_OPEN_READ)) != 0)
        goto done;
    orgctl_op_ctx ctx = {op, repo, NULL, cli->org, name, params, NULL, NULL};
    if (write) {
        status = run_write(cli, &ctx);
    } else if ((status = orgctl_op_run(&ctx)) < 0) {
        char what[160], verb[64];
        verb_words(op->verb, verb, sizeof(verb));
        snprintf(what, sizeof(what), "%s %s", kind, verb);
        status = cli_fail(cli, what, status);
    } else if (cJSON_IsArray(ctx.result)) {
        const orgctl_kind *k = orgctl_op_kind(op);
        output_list(cli, ctx.result, op->columns ? op->columns : k ? k->columns : "name");
    } else if (ctx.result) {
        output_object(cli, ctx.result);
    }
    /* A question answered "no" is no failure, but scripts need to tell it from "yes". */
    if (status == 0 && (op->flags & ORGCTL_OP_ANSWER) &&
        !cJSON_IsTrue(cJSON_GetObjectItem(ctx.result, "answer")))
        status = EXIT_NO;
    orgctl_op_ctx_clear(&ctx);
    orgctl_repo_free(repo);
done:
    orgctl_params_free(params);
    return status;
}
