/* Runs a kind's command ("orgctl user create alice --email ...") through the operation
 * table of liborgctl: the same table gives the verbs, their options, help and completion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

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
        fprintf(f, " %s",
                strcmp(op->kind, "org") == 0 && strcmp(op->verb, "create") == 0 ? "COMPANY-NAME"
                                                                                : "NAME");
    for (const orgctl_param *p = op->params; p && p->name; p++)
        if (p->flags & ORGCTL_PARAM_POSITIONAL) /* an optional one in brackets, as man pages */
            fprintf(f, (p->flags & ORGCTL_PARAM_REQUIRED) ? " %s%s" : " [%s%s]", p->metavar,
                    (p->flags & ORGCTL_PARAM_MULTI) ? "..." : "");
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

static void op_help(struct cli *cli, const orgctl_op *op)
{
    struct output_text t;
    FILE *f = output_text_begin(&t);
    fprintf(f, "usage:\n");
    verb_usage(f, op);
    fprintf(f, "\n%s.\nneeds permission: %s\n", op->summary,
            op->permission ? op->permission : "directory:organization:admin");
    if (op->params && op->params->name)
        fprintf(f, "\noptions:\n");
    for (const orgctl_param *p = op->params; p && p->name; p++) {
        char left[96];
        bool pos = p->flags & ORGCTL_PARAM_POSITIONAL;
        bool bare = p->flags & (ORGCTL_PARAM_FLAG | ORGCTL_PARAM_POSITIONAL);
        snprintf(left, sizeof(left), "%s%s%s%s", pos ? "" : "--", pos ? p->metavar : p->name,
                 bare ? "" : " ", bare ? "" : p->metavar);
        fprintf(f, "  %-28s %s%s\n", left, p->help,
                (p->flags & ORGCTL_PARAM_MULTI) ? " (repeatable)" : "");
    }
    fprintf(f, "\nglobal options: ");
    cli_globals_usage(f, false);
    fputc('\n', f);
    output_text_end(cli, "help", &t);
}

/* Whether `verb` ("role-add") starts with the word `group` ("role") of a two-word verb. */
static bool in_group(const char *verb, const char *group)
{
    size_t n = strlen(group);
    return strncmp(verb, group, n) == 0 && verb[n] == '-';
}

/* The usage of the verbs of `kind` (of those starting with the word `group`, if given). */
static void kind_usage(FILE *f, const char *kind, const char *group)
{
    const struct cli_command *cmd = cli_find_command(kind);
    if (group)
        fprintf(f, "orgctl %s %s: the verbs \"%s %s ...\"\n\nusage:\n", kind, group, kind, group);
    else
        fprintf(f, "orgctl %s: %s\n\nusage:\n", kind, cmd ? cmd->summary : "");
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++)
        if (strcmp((*op)->kind, kind) == 0 && (!group || in_group((*op)->verb, group)))
            verb_usage(f, *op);
    if (!group && strcmp(kind, "campaign") == 0) /* its verbs outside the table */
        cli_campaign_usage(f);
    fprintf(f, "\n\"orgctl %s VERB --help\" describes a verb; \"man orgctl-%s\" has the details.\n",
            kind, kind);
}

/* The help of a kind's command, or of its verbs starting with the word `group`. */
static void group_help(struct cli *cli, const char *kind, const char *group)
{
    struct output_text t;
    kind_usage(output_text_begin(&t), kind, group);
    output_text_end(cli, "help", &t);
}

void cli_kind_help(struct cli *cli, const char *kind)
{
    group_help(cli, kind, NULL);
}

/* Whether some verb of `kind` is two words starting with `word` ("user role"). */
static bool is_group(const char *kind, const char *word)
{
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++)
        if (strcmp((*op)->kind, kind) == 0 && in_group((*op)->verb, word))
            return true;
    return false;
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

/* An unknown verb: the closest one, spelled as typed ("role rm", never "role-rm"). The
 * first two words are matched against the two-word verbs, then the first alone. */
static int unknown_verb(const char *kind, int argc, char **argv)
{
    char words[64][64], typed[128];
    const char *all[64], *two[64];
    int n = 0, n2 = 0;
    /* first the verbs a command has outside the op table ("campaign stats"): a tie goes
     * to them */
    if (strcmp(kind, "campaign") == 0)
        for (const char *const *v = cli_campaign_verbs(); *v && n < 8; v++)
            all[n++] = *v;
    for (const orgctl_op *const *op = orgctl_ops(); *op && n < 63; op++) {
        if (strcmp((*op)->kind, kind) != 0)
            continue;
        verb_words((*op)->verb, words[n], sizeof(words[0]));
        if (strchr(words[n], ' '))
            two[n2++] = words[n];
        all[n] = words[n];
        n++;
    }
    all[n] = two[n2] = NULL;
    const char *s = NULL;
    if (argc >= 2 && argv[1][0] != '-') {
        snprintf(typed, sizeof(typed), "%s %s", argv[0], argv[1]);
        s = cli_suggest(typed, two);
    }
    if (!s) {
        verb_words(argv[0], typed, sizeof(typed)); /* "role-rmm": "role rmm" */
        s = cli_suggest(typed, all);
    }
    if (s)
        return cli_usage("%s: unknown verb \"%s\" (did you mean \"%s\"?)", kind, typed, s);
    return cli_usage("%s: unknown verb \"%s\" (see \"orgctl %s --help\")", kind, typed, kind);
}

/* Parses the verb's options and arguments into params and the object name: the op's
 * parameters become the option table of the one parser (cli_parse). */
static int parse_args(struct cli *cli, const orgctl_op *op, int argc, char **argv,
                      orgctl_params *params, const char **name)
{
    enum { MAX_OPTIONS = 63, MAX_POSITIONAL = 256 };
    struct cli_flag flags[MAX_OPTIONS + 1] = {{0}};
    char names[MAX_OPTIONS][72];
    const char *values[MAX_OPTIONS] = {0};
    struct cli_list lists[MAX_OPTIONS] = {{0}};
    const orgctl_param *of[MAX_OPTIONS];
    int nflags = 0;
    for (const orgctl_param *p = op->params; p && p->name && nflags < MAX_OPTIONS; p++) {
        if (p->flags & ORGCTL_PARAM_POSITIONAL)
            continue;
        snprintf(names[nflags], sizeof(names[nflags]), "--%s", p->name);
        flags[nflags] = (struct cli_flag){names[nflags],
                                          !(p->flags & ORGCTL_PARAM_FLAG),
                                          &values[nflags],
                                          p->help,
                                          (p->flags & ORGCTL_PARAM_MULTI) ? &lists[nflags] : NULL,
                                          p->metavar};
        of[nflags++] = p;
    }
    char command[96]; /* as typed: "user role add" */
    char verb[64];
    verb_words(op->verb, verb, sizeof(verb));
    snprintf(command, sizeof(command), "%s %s", op->kind, verb);
    const char *positional[MAX_POSITIONAL];
    int npos = 0;
    int error = cli_parse(cli, command, argc, argv, flags, positional, 0, MAX_POSITIONAL, &npos);
    for (int f = 0; f < nflags && !error; f++) {
        if (lists[f].n)
            for (size_t i = 0; i < lists[f].n; i++)
                orgctl_params_add(params, of[f]->name, lists[f].v[i]);
        else if (values[f])
            orgctl_params_add(params, of[f]->name, values[f]);
    }
    for (int f = 0; f < nflags; f++)
        free(lists[f].v);
    if (error)
        return error;
    int k = 0;
    *name = NULL;
    if (!(op->flags & ORGCTL_OP_NO_NAME)) {
        if (npos == 0 && !cli->help)
            return cli_usage("%s: missing NAME", command);
        *name = npos ? positional[k++] : NULL;
    }
    for (const orgctl_param *p = op->params; p && p->name; p++) {
        if (!(p->flags & ORGCTL_PARAM_POSITIONAL))
            continue;
        if (k == npos && (p->flags & ORGCTL_PARAM_REQUIRED) && !cli->help)
            return cli_usage("%s: missing %s", command, p->metavar);
        do {
            if (k < npos)
                orgctl_params_add(params, p->name, positional[k++]);
        } while ((p->flags & ORGCTL_PARAM_MULTI) && k < npos);
    }
    if (k < npos)
        return cli_usage("%s: unexpected argument \"%s\"", command, positional[k]);
    for (const orgctl_param *p = op->params; p && p->name && !cli->help; p++)
        if ((p->flags & ORGCTL_PARAM_REQUIRED) && !(p->flags & ORGCTL_PARAM_POSITIONAL) &&
            !orgctl_params_has(params, p->name))
            return cli_usage("%s: missing --%s %s", command, p->name, p->metavar);
    return 0;
}

/* What a change set holds, file by file: [{op, path}]. */
static cJSON *changes_of(orgctl_changeset *cs)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < orgctl_changeset_count(cs); i++) {
        enum orgctl_change_op op;
        const char *path;
        orgctl_changeset_entry(cs, i, &op, &path);
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "op",
                                op == ORGCTL_CHANGE_CREATE   ? "create"
                                : op == ORGCTL_CHANGE_UPDATE ? "update"
                                                             : "delete");
        cJSON_AddStringToObject(c, "path", path);
        cJSON_AddItemToArray(list, c);
    }
    return list;
}

/* An operation with a --password-file reads stdin when it is not given or is "-": the CLI
 * reads it (the library reads no terminal) and passes it on as "password". */
static int read_password(struct cli *cli, const orgctl_op *op, orgctl_params *params)
{
    const char *file = orgctl_params_get(params, "password-file");
    if (!orgctl_op_param(op, "password-file") || (file && strcmp(file, "-") != 0))
        return 0;
    char *password = NULL, what[160], verb[64];
    int error = orgctl_password_read(stdin, &password);
    if (error < 0) {
        verb_words(op->verb, verb, sizeof(verb));
        snprintf(what, sizeof(what), "%s %s", op->kind, verb);
        return cli_fail(cli, what, error);
    }
    orgctl_params_add(params, "password", password);
    orgctl_password_free(password);
    return 0;
}

/* "pair accept -": the link from stdin, so it is in no shell history. */
static int read_link(struct cli *cli, const orgctl_op *op, orgctl_params *params)
{
    const char *link = orgctl_params_get(params, "link");
    if (!orgctl_op_param(op, "link") || !link || strcmp(link, "-") != 0)
        return 0;
    char *line = NULL;
    if (orgctl_password_read(stdin, &line) < 0) /* a bad link: exit 1 (orgctl-pair(1)) */
        return cli_fail(cli, "pair accept",
                        orgctl_error_set(ORGCTL_ERROR, "pairing link refused: none, or more "
                                                       "than one line, on standard input"));
    orgctl_params_add(params, "link", line);
    orgctl_password_free(line);
    return 0;
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
    const char *summary = ctx->summary ? ctx->summary : what; /* the library composes it */
    cJSON *changes = changes_of(cs);
    if (!cli->dry_run)
        error = orgctl_changeset_commit(cs, summary, &id);
    orgctl_changeset_free(cs);
    if (error >= 0)
        output_change(cli, id, summary, ctx->result, changes);
    /* a pairing link is printed once, on stdout, even with -q (orgctl-pair(1)) */
    const char *link = cJSON_GetStringValue(cJSON_GetObjectItem(ctx->result, "link"));
    if (error >= 0 && link && cli->format != CLI_JSON)
        printf("%s\n", link);
    cJSON_Delete(changes);
    free(id);
    return error < 0 ? cli_fail(cli, what, error) : EXIT_OK;
}

/* A list an operation answers, whole or row by row: the op's own columns (org settings),
 * else its kind's table columns, and every field of the kind in CSV. */
static int print_objects(struct cli *cli, const orgctl_op *op, const cJSON *list, orgctl_rows *rows)
{
    const orgctl_kind *kind = orgctl_op_kind(op);
    char fields[1024] = "";
    size_t len = 0;
    for (const orgctl_field *f = kind ? kind->fields : NULL; f && f->name; f++)
        if (!(f->flags & ORGCTL_FIELD_SECRET) && len + strlen(f->name) + 2 < sizeof(fields))
            len += (size_t)snprintf(fields + len, sizeof(fields) - len, "%s%s", len ? "," : "",
                                    f->name);
    struct output_view view = {op->columns ? op->columns
                               : kind      ? kind->columns
                                           : "name",
                               NULL, NULL, op->columns ? NULL : fields};
    if (rows)
        return output_rows(cli, rows, &view, op->columns ? NULL : kind);
    output(cli, list, &view);
    return 0;
}

int cli_run_kind(struct cli *cli, const char *kind, int argc, char **argv)
{
    int used = 0, status;
    if (argc == 0) { /* a usage error: the help on stderr */
        kind_usage(stderr, kind, NULL);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "help") == 0) {
        cli_kind_help(cli, kind);
        return EXIT_OK;
    }
    const orgctl_op *op = find_op(kind, argc, argv, &used);
    /* "user role", "user role --help": the first word of two-word verbs */
    if (!op && is_group(kind, argv[0]) && (argc == 1 || argv[1][0] == '-')) {
        for (int i = 1; i < argc; i++)
            if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
                cli->help = true;
        if (cli->help) {
            group_help(cli, kind, argv[0]);
            return EXIT_OK;
        }
        kind_usage(stderr, kind, argv[0]);
        return EXIT_USAGE;
    }
    if (!op)
        return unknown_verb(kind, argc, argv);
    orgctl_params *params = orgctl_params_new();
    const char *name = NULL;
    if ((status = parse_args(cli, op, argc - used, argv + used, params, &name)) != 0)
        goto done;
    if (cli->help) {
        op_help(cli, op);
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
    /* stdin is read once the repository is open (a command that cannot run reads nothing) */
    if ((status = read_password(cli, op, params)) != 0 ||
        (status = read_link(cli, op, params)) != 0) {
        orgctl_repo_free(repo);
        goto done;
    }
    /* a read may give a list row by row, printed as it is read */
    orgctl_op_ctx ctx = {op, repo, NULL, cli->org, name, params, NULL, NULL, !write, NULL};
    char what[160], verb[64];
    verb_words(op->verb, verb, sizeof(verb));
    snprintf(what, sizeof(what), "%s %s", kind, verb);
    if (write) {
        status = run_write(cli, &ctx);
    } else if ((status = orgctl_op_run(&ctx)) < 0) {
        status = cli_fail(cli, what, status);
    } else if (ctx.rows || cJSON_IsArray(ctx.result)) {
        if ((status = print_objects(cli, op, ctx.result, ctx.rows)) < 0)
            status = cli_fail(cli, what, status);
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
