/* orgctl: the command table, global options and dispatch. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

const struct cli_command cli_commands[] = {
    {"init", cmd_init, "create a config repository with the enterprise account", CLI_WRITE},
    {"org", NULL, "manage the orgs of the enterprise", CLI_VERBS},
    {"user", NULL, "manage users", CLI_VERBS},
    {"role", NULL, "manage roles and their permissions", CLI_VERBS},
    {"group", NULL, "manage agent groups: members, roles, skills", CLI_VERBS},
    {"skill", NULL, "manage agent skills", CLI_VERBS},
    {"access", NULL, "manage access groups: members share roles", CLI_VERBS},
    {"capacity", NULL, "manage capacity rules and assign them", CLI_VERBS},
    {"pair", NULL, "authorized organisations: pair with another org, grant it roles", CLI_VERBS},
    {"clone", NULL, "clone a trusted user into the org that trusts it", CLI_VERBS},
    {"suppress", NULL, "contact suppression (do-not-call) lists: numbers and client ids",
     CLI_VERBS},
    {"campaign", cmd_campaign,
     "outbound campaigns: strategies, campaigns, sub-campaigns, compliance, loads, stats",
     CLI_VERBS},
    {"bulk", cmd_bulk, "change sets from CSV files: create, plan, exec", CLI_VERBS},
    {"log", cmd_log, "list change sets, newest first", CLI_READ},
    {"show", cmd_show, "show what a change set changed, object by object", CLI_READ},
    {"diff", cmd_diff, "show a change set as a diff of the JSON files", CLI_READ},
    {"rollback", cmd_rollback, "undo a change set with a new change set", CLI_WRITE},
    {"check", cmd_check, "list what breaks the rules in the tree or is missing; exit 1 if any",
     CLI_READ},
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

static void say_warning(const char *message, void *payload)
{
    fprintf(stderr, "orgctl: warning: %s\n", message);
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

const struct cli_global cli_globals[] = {
    {CLI_G_DIR, "-C", NULL, "DIR", true},
    {CLI_G_ORG, "--org", NULL, "ORG", true},
    {CLI_G_AS, "--as", NULL, "USER@ORG", true},
    {CLI_G_OUTPUT, "--output", "-o", "table|json|csv", true},
    {CLI_G_DRY_RUN, "--dry-run", NULL, NULL, true},
    {CLI_G_QUIET, "--quiet", "-q", NULL, true},
    {CLI_G_LOCK_TIMEOUT, "--lock-timeout", NULL, "SECONDS", true},
    {CLI_G_HELP, "--help", "-h", NULL, false},
    {CLI_G_VERSION, "--version", NULL, NULL, false},
    {0, NULL, NULL, NULL, false},
};

void cli_globals_usage(FILE *f, bool brackets)
{
    bool first = true;
    for (const struct cli_global *g = cli_globals; g->name; g++) {
        if (!g->in_usage)
            continue;
        fprintf(f, "%s%s%s%s%s%s",
                first      ? ""
                : brackets ? " "
                           : ", ",
                brackets ? "[" : "", g->alias ? g->alias : g->name, g->metavar ? " " : "",
                g->metavar ? g->metavar : "", brackets ? "]" : "");
        first = false;
    }
}

const char *const *cli_global_names(void)
{
    static const char *names[16];
    if (!names[0])
        for (size_t i = 0; cli_globals[i].name && i < 15; i++)
            names[i] = cli_globals[i].name;
    return names;
}

static const struct cli_global *find_global(const char *arg)
{
    for (const struct cli_global *g = cli_globals; g->name; g++)
        if (is_option(arg, g->name) || (g->alias && is_option(arg, g->alias)))
            return g;
    return NULL;
}

bool cli_global_option(struct cli *cli, int argc, char **argv, int *i, int *error)
{
    const char *a = argv[*i];
    const struct cli_global *g = find_global(a);
    /* --version is a command of its own, only before one (main) */
    if (!g || g->id == CLI_G_VERSION)
        return false;
    const char *v = NULL;
    if (g->metavar &&
        !(v = option_value(argc, argv, i, is_option(a, g->name) ? g->name : g->alias, error)))
        return true;
    switch (g->id) {
    case CLI_G_DIR:
        cli->dir = v;
        break;
    case CLI_G_ORG:
        cli->org = v;
        break;
    case CLI_G_AS:
        cli->actor = v;
        break;
    case CLI_G_OUTPUT:
        if (strcmp(v, "table") == 0)
            cli->format = CLI_TABLE;
        else if (strcmp(v, "json") == 0)
            cli->format = CLI_JSON;
        else if (strcmp(v, "csv") == 0)
            cli->format = CLI_CSV;
        else
            *error = cli_usage("unknown output format \"%s\" (table, json or csv)", v);
        break;
    case CLI_G_LOCK_TIMEOUT:
        if (set_lock_timeout("--lock-timeout", v) < 0)
            *error = EXIT_USAGE;
        break;
    case CLI_G_DRY_RUN:
        cli->dry_run = true;
        break;
    case CLI_G_QUIET:
        cli->quiet = true;
        break;
    case CLI_G_HELP:
        cli->help = true;
        break;
    case CLI_G_VERSION:
        break;
    }
    return true;
}

int cli_open(struct cli *cli, orgctl_repo **repo, enum orgctl_open_mode mode)
{
    *repo = NULL;
    if (mode == ORGCTL_OPEN_WRITE && !cli->writes) {
        fprintf(stderr,
                "orgctl: internal error: \"%s\" writes but is not declared as "
                "writing (cmd/orgctl.c)\n",
                cli->command_name);
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
        /* a pairing link is a secret: never in history (orgctl-pair(1)) */
        if (strncmp(a, "orgctl://pair/", 14) == 0)
            a = "orgctl://pair/(link)";
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
        if (strcmp(c->name, "campaign") == 0)
            cli_campaign_list_verbs();
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

int cli_run_command(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
    return cmd->run ? cmd->run(cli, argc, argv) : cli_run_kind(cli, cmd->name, argc, argv);
}

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* orgctl is a short-lived process. glibc gives memory back to the kernel as soon as 256 KB
 * lie free at the top of the heap, and zlib takes (and frees) that much for every object
 * libgit2 deflates: each of a small change set's ten objects then faulted its pages in
 * again, and each give-back flushed the TLB of every CPU (a sixth of the page faults of
 * `suppress add`). Freed memory is kept up to 64 MB; blocks of 4 MB or more (the arrays of
 * a large import or load) are still mapped on their own and returned when freed. */
static void keep_freed_memory(void)
{
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    /* A file-size limit (ulimit -f) makes a write fail with EFBIG, which is reported and
     * undone like a full disk, instead of killing orgctl halfway through. */
    signal(SIGXFSZ, SIG_IGN);
    keep_freed_memory();
    cli.org = getenv("ORGCTL_ORG");
    orgctl_lock_wait_set(-1, say_lock_wait, NULL);
    orgctl_warning_handler_set(say_warning, NULL);
    const char *lock_timeout = getenv("ORGCTL_LOCK_TIMEOUT");
    if (lock_timeout && *lock_timeout && set_lock_timeout("ORGCTL_LOCK_TIMEOUT", lock_timeout) < 0)
        return EXIT_USAGE;
    int i = 1, error = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--version") == 0)
            return cmd_version(&cli, 0, NULL);
        if (!cli_global_option(&cli, argc, argv, &i, &error)) {
            const char *s = cli_suggest(argv[i], cli_global_names());
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
    int status = cli_run_command(&cli, cmd, argc - i - 1, argv + i + 1);
    free(cli.command_line);
    /* A full disk or closed pipe must not look like success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            fprintf(stderr, "orgctl: cannot write output: %s\n", strerror(errno));
        return status ? status : EXIT_ERROR;
    }
    return status;
}
