/* The orgctl binary's shared pieces: global options, the command table, option parsing
 * and the printers. Commands are thin: parse, call liborgctl, render. */
#ifndef ORGCTL_CLI_H
#define ORGCTL_CLI_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "orgctl.h"

enum cli_format { CLI_TABLE, CLI_JSON, CLI_CSV };

/* Exit statuses, the same in every command (orgctl(1)). */
enum {
    EXIT_OK = 0,
    EXIT_ERROR = 1,
    EXIT_USAGE = 2,
    EXIT_NOTFOUND = 3,
    EXIT_PERM = 4,
    EXIT_CONFLICT = 5,
    EXIT_NO = 10,
};

struct cli {
    const char *dir;   /* -C */
    const char *org;   /* --org, $ORGCTL_ORG */
    const char *actor; /* --as */
    enum cli_format format;
    bool dry_run, quiet, help;
    bool writes; /* what runs is declared as writing (the table; an op's or verb's flag) */
    const char *command_name; /* "user" */
    char *command_line;       /* recorded in change sets */
};

/* Whether a command writes: every command that may commit is declared so, which is what
 * lets cli_open turn --dry-run into a repository that commits nothing, and lets
 * "orgctl __complete commands" list the writers for the tests. */
enum cli_access {
    CLI_READ,  /* never commits */
    CLI_WRITE, /* commits (or creates) */
    CLI_VERBS, /* per verb: the op table's ORGCTL_OP_WRITE, bulk's verb table */
};

struct cli_command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *summary;
    enum cli_access access;
};

/* The command table (cmd/orgctl.c). */
extern const struct cli_command cli_commands[];

/* Parses a global option at argv[*i] (and its value); true when it was one. Sets
 * *error to EXIT_USAGE on a bad value. */
bool cli_global_option(struct cli *cli, int argc, char **argv, int *i, int *error);

/* Prints "orgctl: <what>: <message>" for a library error and returns its exit status. */
int cli_fail(struct cli *cli, const char *what, int code);
/* Prints a usage error ("orgctl: <msg>") and returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The closest of `candidates` (NULL-terminated) to `word`, or NULL when none is close. */
const char *cli_suggest(const char *word, const char *const *candidates);

/* Runs a kind's command through the operation table of liborgctl (cmd/opcmd.c). */
int cli_run_kind(struct cli *cli, const char *kind, int argc, char **argv);
/* Prints the help of a kind's command (all verbs and options). */
void cli_kind_help(const char *kind);

/* Opens the repository and sets the actor; prints the error and returns its exit status
 * on failure. A command not declared as writing may not open for writing; with --dry-run,
 * ORGCTL_OPEN_WRITE becomes ORGCTL_OPEN_DRY_RUN, so nothing it does is committed. */
int cli_open(struct cli *cli, orgctl_repo **repo, enum orgctl_open_mode mode);

/* "orgctl __complete commands": every command, and every verb of those declared
 * CLI_VERBS, with "read" or "write", one a line (NAME[ VERB WORDS]<TAB>read|write). */
void cli_list_commands(void);

/* Printers (cmd/output.c). `columns` is comma-separated; NULL prints every field. */
void output_list(struct cli *cli, const cJSON *items, const char *columns);
void output_object(struct cli *cli, const cJSON *obj);
/* Prints a mutation's outcome: the change-set id and what it did. */
void output_change(struct cli *cli, const char *id, const char *summary, const cJSON *result);


/* The values of a repeatable option, in the order given (v is malloc'd). */
struct cli_list {
    const char **v;
    size_t n;
};

/* Options of a command outside the operation table (init, log, show, ...). */
struct cli_flag {
    const char *name; /* "--force" */
    bool takes_value;
    const char **value; /* set to the value, or to "1" for a flag */
    const char *help;
    struct cli_list *list; /* non-NULL: repeatable, every value is kept here */
};
/* Parses argv into flags (NULL-name terminated) and up to max_pos positional arguments;
 * global options are accepted anywhere, but a command's own option of the same name (log
 * --org) is the command's. Returns 0 or EXIT_USAGE (message printed). */
int cli_parse(struct cli *cli, const char *command, int argc, char **argv,
              const struct cli_flag *flags, const char **pos, int min_pos, int max_pos,
              int *npos);

#endif
