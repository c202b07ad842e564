/* orgctl bulk: change sets from CSV files (see orgctl-bulk(1)). Parsing and printing only;
 * liborgctl's bulk.h does the work. */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

struct verb {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *usage, *summary;
    bool writes; /* commits a change set (see enum cli_access) */
};

/* "FILE:LINE:COLUMN: message", one a line, as compilers print them; "(lines L to M)"
 * after one that stands for the same problem on the lines after it. */
static void print_problems(const cJSON *report, const char *prefix)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(report, "problems"))
    {
        int line = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "line"));
        const cJSON *last = cJSON_GetObjectItem(p, "last_line");
        char lines[64] = "";
        if (last)
            snprintf(lines, sizeof(lines), " (lines %d to %d)", line,
                     (int)cJSON_GetNumberValue(last));
        output_error("%s%s:%d:%d: %s%s", prefix,
                     cJSON_GetStringValue(cJSON_GetObjectItem(p, "file")), line,
                     (int)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "column")),
                     cJSON_GetStringValue(cJSON_GetObjectItem(p, "message")), lines);
    }
}

/* The table of a report: the line saying what happened (arg), then the changes. */
static void report_table(FILE *out, const cJSON *report, void *line)
{
    fputs(line, out);
    const cJSON *changes = cJSON_GetObjectItem(report, "changes");
    if (cJSON_GetArraySize(changes) > 0)
        output_table(out, changes, "kind,op,count");
}

static void print_report(struct cli *cli, const cJSON *report, const char *line)
{
    output(cli, report, &(struct output_view){NULL, report_table, (void *)line});
}

/* The report of plan, create and exec: JSON as it is, else problems on stderr. */
static int finish(struct cli *cli, const char *what, int error, const cJSON *report)
{
    if (report && cli->format != CLI_TABLE)
        output_object(cli, report);
    else if (report)
        print_problems(report, "");
    return error < 0 ? cli_fail(cli, what, error) : EXIT_OK;
}

/* `orgctl bulk VERB NAME`: parses the NAME and opens the repository (not for --help). */
static int open_named(struct cli *cli, const char *what, int argc, char **argv,
                      enum orgctl_open_mode mode, const char **name, orgctl_repo **repo)
{
    int npos, status = cli_parse(cli, what, argc, argv, NULL, name, 1, 1, &npos);
    return status || cli->help ? status : cli_open(cli, repo, mode);
}

/* The "dry run: ..." line of a verb that would have committed (not with -o json). */
static void dry_run_line(struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void dry_run_line(struct cli *cli, const char *fmt, ...)
{
    if (cli->format == CLI_JSON || cli->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("dry run: ", stdout);
    vprintf(fmt, ap);
    fputs(" (nothing was changed)\n", stdout);
    va_end(ap);
}

/* A report printed as JSON says whether it was a dry run. */
static void mark_dry_run(struct cli *cli, cJSON *report)
{
    if (report && cli->dry_run)
        cJSON_AddBoolToObject(report, "dry_run", true);
}

static int bulk_create(struct cli *cli, int argc, char **argv)
{
    const char *kind = NULL, *format = NULL, *pos[2];
    const struct cli_flag flags[] = {
        {"--kind", true, &kind, "the kind of every row (the file has no kind column)"},
        {"--format", true, &format, "native (default) or gax"},
        {NULL, false, NULL, NULL},
    };
    int npos, status = cli_parse(cli, "bulk create", argc, argv, flags, pos, 2, 2, &npos);
    if (status || cli->help)
        return status;
    orgctl_bulk_create_options o = ORGCTL_BULK_CREATE_OPTIONS_INIT;
    if (format && strcmp(format, "gax") == 0)
        o.format = ORGCTL_BULK_GAX;
    else if (format && strcmp(format, "native") != 0)
        return cli_usage("bulk create: unknown format \"%s\" (native or gax)", format);
    o.kind = kind;
    o.org = cli->org;
    o.command = cli->command_line;
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_WRITE)) != 0)
        return status;
    char *id = NULL;
    cJSON *set = NULL;
    int error = orgctl_bulk_create(repo, pos[0], pos[1], &o, &id, &set);
    mark_dry_run(cli, set);
    if (error == 0) {
        char line[512];
        int rows = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(set, "rows"));
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(set, "status"));
        if (cli->format != CLI_JSON)
            print_problems(set, "warning: ");
        if (cli->dry_run)
            snprintf(line, sizeof(line),
                     "dry run: bulk create would store the set %s: %d rows, "
                     "%s (nothing was changed)\n",
                     pos[0], rows, st);
        else
            snprintf(line, sizeof(line), "change set %s: bulk set %s: %d rows, %s\n", id, pos[0],
                     rows, st);
        print_report(cli, set, line);
    } else {
        status = finish(cli, "bulk create", error, set);
    }
    free(id);
    cJSON_Delete(set);
    orgctl_repo_free(repo);
    return status;
}

static int bulk_plan(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL;
    orgctl_repo *repo = NULL;
    /* A plan runs the rows in a change set it throws away: it never commits. */
    int status = open_named(cli, "bulk plan", argc, argv, ORGCTL_OPEN_DRY_RUN, &name, &repo);
    if (status || cli->help)
        return status;
    cJSON *plan = NULL;
    int error = orgctl_bulk_plan(repo, name, &plan);
    if (plan) {
        char line[512];
        snprintf(line, sizeof(line), "bulk set %s: %d rows from %s, %s\n", name,
                 (int)cJSON_GetNumberValue(cJSON_GetObjectItem(plan, "rows")),
                 cJSON_GetStringValue(cJSON_GetObjectItem(plan, "source")),
                 cJSON_GetStringValue(cJSON_GetObjectItem(plan, "status")));
        print_report(cli, plan, line);
        if (cli->format != CLI_JSON)
            print_problems(plan, "");
    }
    status = error < 0 ? cli_fail(cli, "bulk plan", error) : EXIT_OK;
    cJSON_Delete(plan);
    orgctl_repo_free(repo);
    return status;
}

static void draw_progress(size_t done, size_t total, void *payload)
{
    int width = 40, filled = total ? (int)(done * (size_t)width / total) : width;
    fprintf(stderr, "\r[%.*s%*s] %3d%% %zu/%zu rows", filled,
            "########################################", width - filled, "",
            total ? (int)(done * 100 / total) : 100, done, total);
    *(bool *)payload = true;
}

static int bulk_exec(struct cli *cli, int argc, char **argv)
{
    const char *keep_going = NULL, *failures = NULL, *pos[1];
    const struct cli_flag flags[] = {
        {"--continue-on-error", false, &keep_going,
         "apply the rows that work; write the others to the failures file"},
        {"--failures", true, &failures, "the failures file (default NAME-failures.csv)"},
        {NULL, false, NULL, NULL},
    };
    int npos, status = cli_parse(cli, "bulk exec", argc, argv, flags, pos, 1, 1, &npos);
    if (status || cli->help)
        return status;
    char default_failures[256];
    snprintf(default_failures, sizeof(default_failures), "%s-failures.csv", pos[0]);
    bool drawn = false;
    orgctl_bulk_exec_options o = ORGCTL_BULK_EXEC_OPTIONS_INIT;
    o.continue_on_error = keep_going != NULL;
    o.failures_path = failures ? failures : default_failures;
    o.command = cli->command_line;
    if (isatty(STDERR_FILENO) && !cli->quiet) {
        o.progress = draw_progress;
        o.payload = &drawn;
    }
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_WRITE)) != 0)
        return status;
    char *id = NULL;
    cJSON *done = NULL;
    int error = orgctl_bulk_exec(repo, pos[0], &o, &id, &done);
    if (drawn)
        fputc('\n', stderr);
    mark_dry_run(cli, done);
    int failed = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(done, "failed"));
    int applied = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(done, "applied"));
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(done, "status"));
    if (error == 0) {
        char line[512];
        if (cli->format != CLI_JSON)
            print_problems(done, "");
        if (cli->dry_run)
            snprintf(line, sizeof(line),
                     "dry run: bulk exec would apply %d rows of the set %s "
                     "as one change set (%d failed), marking it %s (nothing was changed)\n",
                     applied, pos[0], failed, st);
        else
            snprintf(line, sizeof(line),
                     "change set %s: bulk set %s %s: %d rows applied, %d "
                     "failed\n",
                     id, pos[0], st, applied, failed);
        print_report(cli, done, line);
        if (failed && cli->dry_run)
            fprintf(stderr,
                    "orgctl: bulk exec: %d rows would fail (no failures file is "
                    "written in a dry run)\n",
                    failed);
        else if (failed)
            output_error("orgctl: bulk exec: %d rows failed; they are in %s: fix them and "
                         "run them as a new set",
                         failed, o.failures_path);
    } else {
        status = finish(cli, "bulk exec", error, done);
        if (error == ORGCTL_EINVALID && done) /* rows failed, not the set's name */
            fprintf(stderr, "orgctl: bulk exec: nothing was applied (--continue-on-error "
                            "applies the rows that work)\n");
    }
    if (error == 0 && failed)
        status = EXIT_ERROR;
    free(id);
    cJSON_Delete(done);
    orgctl_repo_free(repo);
    return status;
}

static int bulk_list(struct cli *cli, int argc, char **argv)
{
    const char *pending = NULL, *completed = NULL, *pos[1];
    const struct cli_flag flags[] = {
        {"--pending", false, &pending, "only sets not executed yet"},
        {"--completed", false, &completed, "only executed sets"},
        {NULL, false, NULL, NULL},
    };
    int npos, status = cli_parse(cli, "bulk list", argc, argv, flags, pos, 0, 0, &npos);
    if (status || cli->help)
        return status;
    orgctl_repo *repo = NULL;
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    cJSON *sets = NULL;
    int error = orgctl_bulk_list(repo,
                                 pending     ? ORGCTL_BULK_PENDING
                                 : completed ? ORGCTL_BULK_EXECUTED
                                             : ORGCTL_BULK_ALL,
                                 &sets);
    if (error < 0)
        status = cli_fail(cli, "bulk list", error);
    else
        output_list(cli, sets, "name,status,rows,format,change_set,source");
    cJSON_Delete(sets);
    orgctl_repo_free(repo);
    return status;
}

/* A set: its fields, the changes, then each row as "LINE  column=value ...", its cells
 * in the file's order. */
static void show_table(FILE *out, const cJSON *set, void *arg)
{
    cJSON *fields = cJSON_Duplicate(set, 1);
    cJSON_DeleteItemFromObject(fields, "records");
    cJSON_DeleteItemFromObject(fields, "problems");
    cJSON_DeleteItemFromObject(fields, "changes");
    output_fields(out, fields);
    cJSON_Delete(fields);
    const cJSON *changes = cJSON_GetObjectItem(set, "changes"), *r, *c;
    if (cJSON_GetArraySize(changes)) {
        fputc('\n', out);
        output_table(out, changes, "kind,op,count");
    }
    fprintf(out, "\n  LINE  ROW\n");
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(set, "records"))
    {
        fprintf(out, "%6d ", (int)cJSON_GetNumberValue(cJSON_GetObjectItem(r, "line")));
        cJSON_ArrayForEach(c, r)
        {
            if (strcmp(c->string, "line") != 0)
                fprintf(out, " %s=%s", c->string, c->valuestring);
        }
        fputc('\n', out);
    }
}

static int bulk_show(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL;
    orgctl_repo *repo = NULL;
    int status = open_named(cli, "bulk show", argc, argv, ORGCTL_OPEN_READ, &name, &repo);
    if (status || cli->help)
        return status;
    cJSON *set = NULL;
    int error = orgctl_bulk_show(repo, name, &set);
    if (error < 0) {
        status = cli_fail(cli, "bulk show", error);
    } else {
        output(cli, set, &(struct output_view){NULL, show_table, NULL});
        if (cli->format == CLI_TABLE)
            print_problems(set, "");
    }
    cJSON_Delete(set);
    orgctl_repo_free(repo);
    return status;
}

static int bulk_rm(struct cli *cli, int argc, char **argv)
{
    const char *name = NULL;
    orgctl_repo *repo = NULL;
    int status = open_named(cli, "bulk rm", argc, argv, ORGCTL_OPEN_WRITE, &name, &repo);
    if (status || cli->help)
        return status;
    char *id = NULL, summary[160];
    int error = orgctl_bulk_rm(repo, name, cli->command_line, &id);
    snprintf(summary, sizeof(summary), "bulk rm %s", name);
    if (error < 0)
        status = cli_fail(cli, "bulk rm", error);
    else if (cli->dry_run && cli->format != CLI_JSON)
        dry_run_line(cli, "bulk rm would remove the pending set %s", name);
    else
        output_change(cli, id, summary, NULL, NULL);
    free(id);
    orgctl_repo_free(repo);
    return status;
}

/* "user,create,name,email*,full-name,role+": * required, + repeatable, ? a flag. */
static void columns_table(FILE *out, const cJSON *ops, void *arg)
{
    const cJSON *op, *c;
    cJSON_ArrayForEach(op, ops)
    {
        fprintf(out, "%s,%s,name", cJSON_GetStringValue(cJSON_GetObjectItem(op, "kind")),
                cJSON_GetStringValue(cJSON_GetObjectItem(op, "op")));
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(op, "columns"))
        {
            fprintf(out, ",%s%s%s%s", cJSON_GetStringValue(cJSON_GetObjectItem(c, "name")),
                    cJSON_IsTrue(cJSON_GetObjectItem(c, "required")) ? "*" : "",
                    cJSON_IsTrue(cJSON_GetObjectItem(c, "repeatable")) ? "+" : "",
                    cJSON_IsTrue(cJSON_GetObjectItem(c, "flag")) ? "?" : "");
        }
        fputc('\n', out);
    }
}

static int bulk_columns(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, status = cli_parse(cli, "bulk columns", argc, argv, NULL, pos, 0, 1, &npos);
    if (status || cli->help)
        return status;
    cJSON *ops = NULL;
    orgctl_bulk_columns(&ops);
    for (int i = cJSON_GetArraySize(ops) - 1; npos && i >= 0; i--) /* only KIND's */
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(ops, i), "kind")),
                   pos[0]) != 0)
            cJSON_DeleteItemFromArray(ops, i);
    output(cli, ops, &(struct output_view){NULL, columns_table, NULL});
    cJSON_Delete(ops);
    return EXIT_OK;
}

static const struct verb verbs[] = {
    {"create", bulk_create, "create NAME FILE [--kind KIND] [--format native|gax]",
     "store FILE (CSV, .gz or .zip) as the pending set NAME", true},
    {"plan", bulk_plan, "plan NAME", "check every row against the current state", false},
    {"exec", bulk_exec, "exec NAME [--continue-on-error] [--failures FILE]",
     "apply every row as one change set", true},
    {"list", bulk_list, "list [--pending|--completed]", "list the sets", false},
    {"show", bulk_show, "show NAME", "show a set: status, change set, rows", false},
    {"rm", bulk_rm, "rm NAME", "remove a pending set", true},
    {"columns", bulk_columns, "columns [KIND]",
     "the columns of every operation (* required, + repeatable, ? flag)", false},
    {NULL, NULL, NULL, NULL, false},
};

void cli_bulk_list_verbs(void)
{
    for (const struct verb *v = verbs; v->name; v++)
        printf("bulk %s\t%s\n", v->name, v->writes ? "write" : "read");
}

static void usage(FILE *f)
{
    fprintf(f, "usage:\n");
    for (const struct verb *v = verbs; v->name; v++)
        fprintf(f, "  orgctl bulk %-52s %s\n", v->usage, v->summary);
    fprintf(f, "\n\"man orgctl-bulk\" describes the file formats.\n");
}

/* A set allocates and frees millions of small blocks; glibc's default trimming returns
 * memory to the kernel and asks for it again all the time (bench/bench-bulk.sh measures
 * it, as NOTES.md did for git fast-import). */
static void tune_malloc(void)
{
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_TOP_PAD, 64 << 20);
}

int cmd_bulk(struct cli *cli, int argc, char **argv)
{
    tune_malloc();
    /* A row never reads the terminal (user passwd without --password-file would wait). */
    if (!freopen("/dev/null", "r", stdin))
        return cli_usage("bulk: cannot close standard input");
    if (argc == 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "help") == 0) {
        struct output_text t;
        usage(output_text_begin(&t));
        output_text_end(cli, "help", &t);
        return EXIT_OK;
    }
    const char *names[16];
    int n = 0;
    for (const struct verb *v = verbs; v->name; v++) {
        names[n++] = v->name;
        if (strcmp(v->name, argv[0]) != 0)
            continue;
        cli->writes = v->writes;
        int status = v->run(cli, argc - 1, argv + 1);
        if (cli->help && status == 0) {
            struct output_text t;
            fprintf(output_text_begin(&t), "usage: orgctl bulk %s\n\n%s.\n", v->usage, v->summary);
            output_text_end(cli, "help", &t);
        }
        return status;
    }
    names[n] = NULL;
    const char *s = cli_suggest(argv[0], names);
    return s ? cli_usage("bulk: unknown verb \"%s\" (did you mean \"%s\"?)", argv[0], s)
             : cli_usage("bulk: unknown verb \"%s\" (see \"orgctl bulk --help\")", argv[0]);
}

/* For `orgctl __complete bulk ...`: the verbs, then the names of pending sets. */
void cli_bulk_complete(struct cli *cli, int nwords, const char *const *words, const char *cur)
{
    if (nwords == 1) {
        for (const struct verb *v = verbs; v->name; v++)
            if (strncmp(v->name, cur, strlen(cur)) == 0)
                printf("%s\n", v->name);
        return;
    }
    if (nwords != 2 || strcmp(words[1], "create") == 0 || strcmp(words[1], "list") == 0 ||
        strcmp(words[1], "columns") == 0)
        return;
    orgctl_repo *repo = NULL;
    cJSON *sets = NULL, *s;
    if (orgctl_repo_open(&repo, cli->dir, ORGCTL_OPEN_READ) < 0)
        return;
    bool pending_only = strcmp(words[1], "show") != 0;
    if (orgctl_bulk_list(repo, pending_only ? ORGCTL_BULK_PENDING : ORGCTL_BULK_ALL, &sets) == 0)
        cJSON_ArrayForEach(s, sets)
        {
            const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(s, "name"));
            if (name && strncmp(name, cur, strlen(cur)) == 0)
                printf("%s\n", name);
        }
    cJSON_Delete(sets);
    orgctl_repo_free(repo);
}
