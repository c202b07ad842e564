/* orgctl: the command table, global options and dispatch. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

const struct cli_command cli_commands[] = {
    {"init", cmd_init, "create a config repository with the enterprise account", CLI_WRITE},
    {"org", cmd_org, "manage the orgs of the enterprise", CLI_VERBS},
    {"user", cmd_user, "manage users", CLI_VERBS},
    {"role", cmd_role, "manage roles and their permissions", CLI_VERBS},
    {"group", cmd_group, "manage agent groups: members, roles, skills", CLI_VERBS},
    {"skill", cmd_skill, "manage agent skills", CLI_VERBS},
    {"access", cmd_access, "manage access groups: members share roles", CLI_VERBS},
    {"capacity", cmd_capacity, "manage capacity rules and assign them", CLI_VERBS},
    {"bulk", cmd_bulk, "change sets from CSV files: create, plan, exec", CLI_VERBS},
    {"log", cmd_log, "list change sets, newest first", CLI_READ},
    {"show", cmd_show, "show what a change set changed, object by object", CLI_READ},
    {"diff", cmd_diff, "show a change set as a diff of the JSON files", CLI_READ},
    {"rollback", cmd_rollback, "undo a change set with a new change set", CLI_WRITE},
    {"help", cmd_help, "show help for orgctl or a command", CLI_READ},
    {"version", cmd_version, "print the version", CLI_READ},
    {"__complete", cmd_complete, NULL, CLI_READ},
    {"__ops", cmd_ops, NULL, CLI_READ},
    {NULL, NULL, NULL, CLI_READ},
};

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    output_error("orgctl: %s", n < 0 ? "out of memory" : msg);
    free(msg);
    return EXIT_USAGE;
}

int cli_fail(struct cli *cli, const char *what, int code)
{
    const char *msg = orgctl_error_last();
    if (what && *what)
        output_error("orgctl: %s: %s", what, *msg ? msg : "failed");
    else
        output_error("orgctl: %s", *msg ? msg : "failed");
    return orgctl_error_exit_status(code);
}

static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (; *candidates; candidates++) {
        size_t d = distance(word, *candidates);
        if (d < best_d || (strncmp(word, *candidates, strlen(word)) == 0 && !best)) {
            best = *candidates;
            best_d = d;
        }
    }
    return best;
}

static const char *option_value(int argc, char **argv, int *i, const char *name, int *error)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && arg[n] == '=')
        return arg + n + 1;
    if (*i + 1 >= argc) {
        *error = cli_usage("option %s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

static bool is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || (arg[n] == '=' && name[1] == '-'));
}

static void say_lock_wait(const char *message, void *payload)
{
    output_error("orgctl: %s", message);
}

/* --lock-timeout SECONDS and $ORGCTL_LOCK_TIMEOUT: a number of seconds, 0 or more. */
static int set_lock_timeout(const char *what, const char *value)
{
    double t = 0;
    if (!value || !cli_plain_number(value, true, 86400 * 365, &t)) {
        cli_usage("%s \"%s\" is not a number of seconds", what, value ? value : "");
        return -1;
    }
    orgctl_lock_wait_set(t, say_lock_wait, NULL);
    return 0;
}

bool cli_global_option(struct cli *cli, int argc, char **argv, int *i, int *error)
{
    const char *a = argv[*i];
    if (is_option(a, "-C")) {
        cli->dir = option_value(argc, argv, i, "-C", error);
    } else if (is_option(a, "--org")) {
        cli->org = option_value(argc, argv, i, "--org", error);
    } else if (is_option(a, "--as")) {
        cli->actor = option_value(argc, argv, i, "--as", error);
    } else if (is_option(a, "-o") || is_option(a, "--output")) {
        const char *f = option_value(argc, argv, i, a[1] == 'o' ? "-o" : "--output", error);
        if (!f)
            return true;
        if (strcmp(f, "table") == 0)
            cli->format = CLI_TABLE;
        else if (strcmp(f, "json") == 0)
            cli->format = CLI_JSON;
        else if (strcmp(f, "csv") == 0)
            cli->format = CLI_CSV;
        else
            *error = cli_usage("unknown output format \"%s\" (table, json or csv)", f);
    } else if (is_option(a, "--lock-timeout")) {
        const char *v = option_value(argc, argv, i, "--lock-timeout", error);
        if (v && set_lock_timeout("--lock-timeout", v) < 0)
            *error = EXIT_USAGE;
    } else if (is_option(a, "--dry-run")) {
        cli->dry_run = true;
    } else if (is_option(a, "-q") || is_option(a, "--quiet")) {
        cli->quiet = true;
    } else if (is_option(a, "-h") || is_option(a, "--help")) {
        cli->help = true;
    } else {
        return false;
    }
    return true;
}

int cli_open(struct cli *cli, orgctl_repo **repo, enum orgctl_open_mode mode)
{
    *repo = NULL;
    if (mode == ORGCTL_OPEN_WRITE && !cli->writes) {
        fprintf(stderr, "orgctl: internal error: \"%s\" writes but is not declared as "
                "writing (cmd/orgctl.c)\n", cli->command_name);
        return EXIT_ERROR;
    }
    if (mode == ORGCTL_OPEN_WRITE && cli->dry_run)
        mode = ORGCTL_OPEN_DRY_RUN;
    int error = orgctl_repo_open(repo, cli->dir, mode);
    if (error < 0)
        return cli_fail(cli, NULL, error);
    /* An actor given but empty or malformed is a usage error; one who cannot act (unknown,
     * disabled, of a disabled org) is refused before anything is read. */
    int status = 0;
    if ((error = orgctl_repo_set_actor(*repo, cli->actor)) < 0) {
        cli_fail(cli, NULL, error);
        status = EXIT_USAGE;
    } else if ((error = orgctl_perm_actor_check(*repo)) < 0)
        status = cli_fail(cli, NULL, error);
    if (status) {
        orgctl_repo_free(*repo);
        *repo = NULL;
    }
    return status;
}

/* The command line as recorded in the change set: words shell-quoted when needed. */
static char *record_command(int argc, char **argv)
{
    size_t cap = 64;
    for (int i = 0; i < argc; i++)
        cap += strlen(argv[i]) * 4 + 3;
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "orgctl");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789-_.,:=@/+*%") == strlen(a);
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'')
                p += sprintf(p, "'\\''");
            else
                *p++ = *a;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

static const char **command_names(void)
{
    static const char *names[32];
    int n = 0;
    for (const struct cli_command *c = cli_commands; c->name && n < 31; c++)
        if (c->summary)
            names[n++] = c->name;
    names[n] = NULL;
    return names;
}

void cli_list_commands(void)
{
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (!c->summary)
            continue;
        if (c->access != CLI_VERBS) {
            printf("%s\t%s\n", c->name, c->access == CLI_WRITE ? "write" : "read");
            continue;
        }
        if (strcmp(c->name, "bulk") == 0) {
            cli_bulk_list_verbs();
            continue;
        }
        for (const orgctl_op *const *op = orgctl_ops(); *op; op++) {
            if (strcmp((*op)->kind, c->name) != 0)
                continue;
            printf("%s ", c->name);
            for (const char *p = (*op)->verb; *p; p++)
                putchar(*p == '-' ? ' ' : *p);
            printf("\t%s\n", ((*op)->flags & ORGCTL_OP_WRITE) ? "write" : "read");
        }
    }
}

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    cli.org = getenv("ORGCTL_ORG");
    orgctl_lock_wait_set(-1, say_lock_wait, NULL);
    const char *lock_timeout = getenv("ORGCTL_LOCK_TIMEOUT");
    if (lock_timeout && *lock_timeout && set_lock_timeout("ORGCTL_LOCK_TIMEOUT", lock_timeout) < 0)
        return EXIT_USAGE;
    int i = 1, error = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--version") == 0)
            return cmd_version(&cli, 0, NULL);
        if (!cli_global_option(&cli, argc, argv, &i, &error)) {
            const char *globals[] = {"-C", "--org", "--as", "--output", "--dry-run", "--quiet",
                                     "--help", "--version", "--lock-timeout", NULL};
            const char *s = cli_suggest(argv[i], globals);
            return s ? cli_usage("unknown option \"%s\" (did you mean \"%s\"?)", argv[i], s)
                     : cli_usage("unknown option \"%s\" (see \"orgctl help\")", argv[i]);
        }
        if (error)
            return error;
    }
    if (i >= argc) /* "orgctl --help" asks for the usage; a bare "orgctl" lacks a command */
        return cli.help ? cmd_help(&cli, 0, NULL) : cli_no_command();
    const struct cli_command *cmd = cli_find_command(argv[i]);
    if (!cmd) {
        const char *s = cli_suggest(argv[i], command_names());
        return s ? cli_usage("unknown command \"%s\" (did you mean \"%s\"?)", argv[i], s)
                 : cli_usage("unknown command \"%s\" (see \"orgctl help\")", argv[i]);
    }
    cli.command_name = cmd->name;
    cli.writes = cmd->access == CLI_WRITE; /* CLI_VERBS: the verb's own flag, set there */
    cli.command_line = record_command(argc, argv);
    int status = cmd->run(&cli, argc - i - 1, argv + i + 1);
    free(cli.command_line);
    /* A full disk or closed pipe must not look like success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            fprintf(stderr, "orgctl: cannot write output: %s\n", strerror(errno));
        return status ? status : EXIT_ERROR;
    }
    return status;
}
