/* The orgctl binary's shared pieces: global options, the command table, option parsing
 * and the printers. Commands are thin: parse, call liborgctl, render. */
#ifndef ORGCTL_CLI_H
#define ORGCTL_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

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
    /* NULL for a kind's command: its verbs come from liborgctl's operation table
     * (cli_run_kind), so a new kind needs no function here */
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *summary;
    enum cli_access access;
};

/* The command table (cmd/orgctl.c). */
extern const struct cli_command cli_commands[];
/* Runs a command of the table with its arguments (after its name). */
int cli_run_command(struct cli *cli, const struct cli_command *cmd, int argc, char **argv);

/* The global options, accepted before the command and among its arguments: the one list
 * that parsing, suggestions, completion and every usage text read. */
enum cli_global_id {
    CLI_G_DIR,
    CLI_G_ORG,
    CLI_G_AS,
    CLI_G_OUTPUT,
    CLI_G_DRY_RUN,
    CLI_G_QUIET,
    CLI_G_LOCK_TIMEOUT,
    CLI_G_HELP,
    CLI_G_VERSION,
};
struct cli_global {
    enum cli_global_id id;
    const char *name;    /* "--output" (or the only spelling: "-C") */
    const char *alias;   /* "-o", or NULL */
    const char *metavar; /* "table|json|csv", or NULL for a flag */
    bool in_usage;       /* listed in a command's usage (not --help, --version) */
};
extern const struct cli_global cli_globals[];
/* The global options as a usage line: "[-C DIR] [--org ORG] ..." with brackets, else
 * "-C DIR, --org ORG, ..."; each by its short spelling when it has one. */
void cli_globals_usage(FILE *f, bool brackets);
/* Their names, NULL-terminated, for suggestions and completion. */
const char *const *cli_global_names(void);

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
void cli_kind_help(struct cli *cli, const char *kind);

/* Opens the repository and sets the actor; prints the error and returns its exit status
 * on failure. A command not declared as writing may not open for writing; with --dry-run,
 * ORGCTL_OPEN_WRITE becomes ORGCTL_OPEN_DRY_RUN, so nothing it does is committed. */
int cli_open(struct cli *cli, orgctl_repo **repo, enum orgctl_open_mode mode);

/* What "orgctl __complete" prints, alone on a line, when the word is a file name: the
 * shells complete file names then (no name of an object holds a tab). */
#define CLI_COMPLETE_FILES "\tfiles"

/* "orgctl __complete commands": every command, and every verb of those declared
 * CLI_VERBS, with "read" or "write", one a line (NAME[ VERB WORDS]<TAB>read|write). */
void cli_list_commands(void);

/* Printers (cmd/output.c): the only code that writes results on stdout. */

/* How the table of a result looks; JSON and CSV follow from the result alone. */
struct output_view {
    const char *columns; /* a list: the table's columns (comma-separated; NULL: every field);
                            CSV prints these first, then every other field, sorted */
    void (*table)(FILE *out, const cJSON *result, void *arg); /* a table of its own */
    void *arg;
    const char *fields; /* a list: every field its items have, so that CSV names them all
                           even when it is empty (NULL: those the items have) */
    const cJSON *csv;   /* the list CSV prints instead of the result, its rows carrying
                           every field of the result (show: a row per object changed) */
};
/* Prints a command's result: nothing with -q; with -o json the result as canonical
 * JSON; with -o csv a list as a header and a row per item, anything else as a header
 * and one row, every field (lists and maps in a cell as orgctl_json_cell writes them);
 * else the view's table, a list's aligned columns or an object's "field  value" lines. */
void output(struct cli *cli, const cJSON *result, const struct output_view *view);
void output_list(struct cli *cli, const cJSON *items, const char *columns);
/* A list given row by row (orgctl_rows of an operation), printed as `output` prints the
 * same list whole, row by row: memory of a row, not of the list. A table reads the rows
 * twice, first for the widths of its columns (of `kind`: only the stored fields when no
 * column is computed). Returns the library's error, if one stopped the rows. */
int output_rows(struct cli *cli, orgctl_rows *rows, const struct output_view *view,
                const orgctl_kind *kind);
void output_object(struct cli *cli, const cJSON *obj);
/* Text (help, a diff) as the result {key: text}: the table prints the text as it is. */
void output_text(struct cli *cli, const char *key, const char *text);
/* A mutation's outcome: {change_set (null: none, or a dry run), summary, dry_run,
 * result (null: none), changes ([] or what the change set holds: op, path, ...)}. */
void output_change(struct cli *cli, const char *id, const char *summary, const cJSON *result,
                   const cJSON *changes);
/* For a view's table: a list's aligned columns, an object's "field  value" lines. */
void output_table(FILE *out, const cJSON *list, const char *columns);
void output_fields(FILE *out, const cJSON *obj);
/* A table written a row at a time, as output_table writes it whole: `columns`
 * (comma-separated), each as wide as the widest cell given to output_columns_widen (a
 * first pass over the rows), then the header and the lines. */
struct output_columns {
    char **names;
    size_t n;
    size_t *width;
};
void output_columns_init(struct output_columns *t, const char *columns);
void output_columns_widen(struct output_columns *t, const char *const *cells);
void output_columns_header(FILE *out, const struct output_columns *t);
void output_columns_line(FILE *out, const struct output_columns *t, const char *const *cells);
void output_columns_free(struct output_columns *t);
/* One CSV record of n cells, as -o csv writes each. */
void output_csv_row(FILE *out, const char *const *cells, size_t n);
/* Whether s is a plain number (digits, with fraction also digits "." digits: no sign,
 * space, exponent or hex) of at most max; stores it in *out. */
bool cli_plain_number(const char *s, bool fraction, double max, double *out);
/* Prints one error line (printf-style, without the newline) on stderr as a terminal may
 * show it: controls and invalid UTF-8 as U+FFFD, a quoted field cut after about a hundred
 * bytes, the line after about a thousand. Every error and warning goes through it. */
void output_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Terminal columns `s` takes: code points, wide ones two, combining marks none. */
size_t output_width(const char *s);
/* Text written to t->f (output_text_begin: open_memstream) and then printed by
 * output_text_end as output_text does. */
struct output_text {
    FILE *f;
    char *buf;
    size_t len;
};
FILE *output_text_begin(struct output_text *t);
void output_text_end(struct cli *cli, const char *key, struct output_text *t);

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
    const char *metavar;   /* named when the value is missing (NULL: "a value") */
};
/* Parses argv into flags (NULL-name terminated) and up to max_pos positional arguments;
 * global options are accepted anywhere, but a command's own option of the same name (log
 * --org) is the command's; after "--" every word is positional; an option that is not
 * repeatable may be given once. Returns 0 or EXIT_USAGE (message printed). */
int cli_parse(struct cli *cli, const char *command, int argc, char **argv,
              const struct cli_flag *flags, const char **pos, int min_pos, int max_pos, int *npos);

#endif
