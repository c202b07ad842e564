/* The one layer that prints results on stdout: a table for people, JSON or CSV for
 * scripts, nothing with -q. Commands hand it a JSON result and, for the table, a view;
 * they never print results themselves, so none can forget -q or -o. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --- display width: what a terminal column counts, not bytes --- */

/* The code point at *s (advancing *s); a byte that starts no valid UTF-8 sequence (a
 * stray continuation, an overlong form, a surrogate, past U+10FFFF) is one U+FFFD. */
static uint32_t next_code_point(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = *p;
    *s = p + 1;
    if (c < 0x80)
        return c;
    int extra = c >= 0xf5 ? -1 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;
    if (extra < 0)
        return 0xfffd;
    c &= 0x3f >> extra;
    for (int i = 1; i <= extra; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0xfffd;
        c = (c << 6) | (p[i] & 0x3f);
    }
    static const uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (c < least[extra] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0xfffd;
    *s = p + 1 + extra;
    return c;
}

/* Whether a terminal would obey c rather than show it: C0 and C1 controls, DEL, and the
 * bidirectional controls that reorder a line. A table shows each as U+FFFD. */
static bool terminal_control(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Columns a code point takes: 0 for combining marks and zero-width characters, 2 for
 * East Asian wide and fullwidth ones and emoji, else 1 (wcwidth's rule, without the
 * locale: the tests and pipelines run in C). */
static int code_point_width(uint32_t c)
{
    static const uint32_t zero[][2] = {
        {0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a},
        {0x064b, 0x065f}, {0x0e31, 0x0e31}, {0x0e34, 0x0e3a}, {0x1ab0, 0x1aff},
        {0x1dc0, 0x1dff}, {0x200b, 0x200f}, {0x202a, 0x202e}, {0x2060, 0x2064},
        {0x20d0, 0x20ff}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}, {0xfeff, 0xfeff},
    };
    static const uint32_t wide[][2] = {
        {0x1100, 0x115f},   {0x2e80, 0x303e},   {0x3041, 0x33ff},   {0x3400, 0x4dbf},
        {0x4e00, 0x9fff},   {0xa000, 0xa4cf},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},
        {0xfe30, 0xfe4f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x1f300, 0x1f64f},
        {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
    };
    if (terminal_control(c))
        return 1; /* shown as U+FFFD */
    if (c < 0x300)
        return 1;
    for (size_t i = 0; i < sizeof(zero) / sizeof(*zero); i++)
        if (c >= zero[i][0] && c <= zero[i][1])
            return 0;
    for (size_t i = 0; i < sizeof(wide) / sizeof(*wide); i++)
        if (c >= wide[i][0] && c <= wide[i][1])
            return 2;
    return 1;
}

size_t output_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;)
        w += (size_t)code_point_width(next_code_point(&p));
    return w;
}

/* Prints s as a table shows it: text stored by hand (a full name holding ESC [ 2 J) must
 * not drive the terminal, so every control is shown as U+FFFD, never passed on. */
static void put_shown(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        const unsigned char *start = p;
        uint32_t c = next_code_point(&p);
        if (terminal_control(c) || c == 0xfffd)
            fputs("\xef\xbf\xbd", out);
        else
            fwrite(start, 1, (size_t)(p - start), out);
    }
}

/* An error line as the terminal gets it (output_error): no control character (U+FFFD
 * instead, as in a table) and no invalid UTF-8; of a quoted field ("...") at most
 * ERROR_QUOTE bytes, of the whole line at most ERROR_LINE, each cut with "...". A field
 * of 16 MB in a bad row costs a hundred bytes of stderr, not 16 MB per problem. */
enum { ERROR_QUOTE = 100, ERROR_LINE = 1000 };

static void put_error_line(FILE *out, const char *line)
{
    size_t written = 0, quoted = 0;
    bool in_quote = false;
    for (const unsigned char *p = (const unsigned char *)line; *p;) {
        const unsigned char *start = p;
        uint32_t c = next_code_point(&p);
        if (c == '"') {
            in_quote = !in_quote;
            quoted = 0;
        } else if (in_quote && (quoted += (size_t)(p - start)) > ERROR_QUOTE) {
            const char *close = strchr((const char *)p, '"');
            fputs("...", out);
            if (!close)
                return;
            p = (const unsigned char *)close;
            continue;
        }
        if ((written += (size_t)(p - start)) > ERROR_LINE) {
            fputs("...", out);
            return;
        }
        if (terminal_control(c) || c == 0xfffd)
            fputs("\xef\xbf\xbd", out);
        else
            fwrite(start, 1, (size_t)(p - start), out);
    }
}

void output_error(const char *fmt, ...)
{
    va_list ap;
    char *line = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fputs("orgctl: out of memory\n", stderr);
        return;
    }
    put_error_line(stderr, line);
    fputc('\n', stderr);
    free(line);
}

/* Prints s and pads it with spaces to `width` columns. */
static void put_padded(FILE *out, const char *s, size_t width)
{
    put_shown(out, s);
    for (size_t w = output_width(s); w < width; w++)
        fputc(' ', out);
}

/* --- CSV --- */

static void csv_cell(FILE *out, const char *s)
{
    char buf[512];
    size_t n = orgctl_csv_cell(buf, sizeof(buf), s);
    if (n < sizeof(buf)) {
        fwrite(buf, 1, n, out);
        return;
    }
    char *big = malloc(n + 1);
    if (!big) {
        fputs("orgctl: out of memory\n", stderr);
        abort();
    }
    orgctl_csv_cell(big, n + 1, s);
    fwrite(big, 1, n, out);
    free(big);
}

static void csv_row(FILE *out, char **cells, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        if (c)
            fputc(',', out);
        csv_cell(out, cells[c]);
    }
    fputc('\n', out);
}

/* --- the columns of a list --- */

struct columns {
    char **names;
    size_t n, cap;
};

static bool columns_has(const struct columns *cols, const char *name)
{
    for (size_t i = 0; i < cols->n; i++)
        if (strcmp(cols->names[i], name) == 0)
            return true;
    return false;
}

static void columns_add(struct columns *cols, const char *name, size_t len)
{
    char *s = strndup(name, len);
    if (columns_has(cols, s)) {
        free(s);
        return;
    }
    if (cols->n == cols->cap) {
        cols->cap = cols->cap ? cols->cap * 2 : 16;
        cols->names = realloc(cols->names, cols->cap * sizeof(*cols->names));
    }
    cols->names[cols->n++] = s;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void columns_add_all(struct columns *cols, const char *names)
{
    for (const char *p = names; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        columns_add(cols, p, len);
        p = comma ? comma + 1 : NULL;
    }
}

/* The columns of `items`: `first` (comma-separated) in its order, then, unless `only`,
 * the other `fields` and every other key of any item, sorted. Keys of items are few and
 * alike (the kind table's fields), so looking each up in the short list costs nothing
 * that grows. */
static void list_columns(const cJSON *items, const char *first, const char *fields, bool only,
                         struct columns *cols)
{
    columns_add_all(cols, first);
    size_t given = cols->n;
    if (!only)
        columns_add_all(cols, fields);
    const cJSON *item, *c, *walk = only ? NULL : items;
    cJSON_ArrayForEach(item, walk)
    {
        for (c = item->child; c; c = c->next)
            if (c->string)
                columns_add(cols, c->string, strlen(c->string));
    }
    qsort(cols->names + given, cols->n - given, sizeof(*cols->names), name_cmp);
}

static void columns_free(struct columns *cols)
{
    for (size_t i = 0; i < cols->n; i++)
        free(cols->names[i]);
    free(cols->names);
}

/* --- the printers --- */

static void print_json(FILE *out, const cJSON *v)
{
    char *s = orgctl_json_canonical(v);
    fputs(s, out);
    free(s);
}

static char *cell_of(const cJSON *obj, const char *key)
{
    return orgctl_json_cell(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* A line of a table: each cell padded to its column's width and two spaces, the last as
 * it is. */
static void table_line(FILE *out, char *const *cells, size_t n, const size_t *width)
{
    for (size_t c = 0; c < n; c++) {
        if (c + 1 < n)
            put_padded(out, cells[c], width[c] + 2);
        else
            fputs(cells[c], out);
    }
    fputc('\n', out);
}

/* The header of a table: the column names upper-cased. */
static void table_header(FILE *out, const struct columns *cols, const size_t *width)
{
    char **upper = calloc(cols->n + 1, sizeof(*upper));
    for (size_t c = 0; c < cols->n; c++) {
        upper[c] = strdup(cols->names[c]);
        for (char *p = upper[c]; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 32);
    }
    table_line(out, upper, cols->n, width);
    for (size_t c = 0; c < cols->n; c++)
        free(upper[c]);
    free(upper);
}

/* The widths of the columns' names, before any row widens them. */
static size_t *header_widths(const struct columns *cols)
{
    size_t *width = calloc(cols->n + 1, sizeof(*width));
    for (size_t c = 0; c < cols->n; c++)
        width[c] = output_width(cols->names[c]);
    return width;
}

/* A list: a header and a row per item (CSV), or aligned columns (table). */
static void print_list(FILE *out, bool csv, const cJSON *items, const char *columns,
                       const char *fields)
{
    struct columns cols = {NULL, 0, 0};
    /* CSV carries every field; a table shows the view's columns, when it has some */
    list_columns(items, columns, fields, !csv && columns, &cols);
    size_t nrows = (size_t)cJSON_GetArraySize(items), r = 0;
    char **cells = calloc(nrows * cols.n + 1, sizeof(*cells));
    size_t *width = header_widths(&cols);
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
        for (size_t c = 0; c < cols.n; c++) {
            char *s = cells[r * cols.n + c] = cell_of(item, cols.names[c]);
            size_t w = csv ? 0 : output_width(s);
            if (w > width[c])
                width[c] = w;
        }
        r++;
    }
    if (csv)
        csv_row(out, cols.names, cols.n);
    else
        table_header(out, &cols, width);
    for (r = 0; r < nrows; r++) {
        if (csv)
            csv_row(out, cells + r * cols.n, cols.n);
        else
            table_line(out, cells + r * cols.n, cols.n, width);
    }
    for (r = 0; r < nrows * cols.n; r++)
        free(cells[r]);
    free(cells);
    free(width);
    columns_free(&cols);
}

/* --- a table or CSV written row by row, its widths measured first --- */

void output_columns_init(struct output_columns *t, const char *columns)
{
    struct columns cols = {NULL, 0, 0};
    columns_add_all(&cols, columns);
    t->names = cols.names;
    t->n = cols.n;
    t->width = header_widths(&cols);
}

void output_columns_widen(struct output_columns *t, const char *const *cells)
{
    for (size_t c = 0; c < t->n; c++) {
        size_t w = output_width(cells[c]);
        if (w > t->width[c])
            t->width[c] = w;
    }
}

void output_columns_header(FILE *out, const struct output_columns *t)
{
    struct columns cols = {t->names, t->n, t->n};
    table_header(out, &cols, t->width);
}

void output_columns_line(FILE *out, const struct output_columns *t, const char *const *cells)
{
    table_line(out, (char *const *)cells, t->n, t->width);
}

void output_columns_free(struct output_columns *t)
{
    struct columns cols = {t->names, t->n, t->n};
    columns_free(&cols);
    free(t->width);
    *t = (struct output_columns){0};
}

void output_csv_row(FILE *out, const char *const *cells, size_t n)
{
    csv_row(out, (char **)cells, n);
}

/* --- lists given row by row --- */

/* -o json: the list as orgctl_json_canonical renders it whole, an item at a time. */
static int rows_json(FILE *out, orgctl_rows *rows)
{
    cJSON *row;
    size_t n = 0;
    int error;
    fputc('[', out);
    while ((error = orgctl_rows_next(rows, &row)) > 0) {
        char *s = orgctl_json_canonical_at(row, 1);
        fputs(n++ ? ",\n  " : "\n  ", out);
        fputs(s, out);
        free(s);
        cJSON_Delete(row);
    }
    fputs(n ? "\n]\n" : "]\n", out);
    return error;
}

/* A first pass for a table: the widths of its columns. It reads the stored fields only
 * when no column is computed. */
static int rows_widths(orgctl_rows *rows, const orgctl_kind *kind, const struct columns *cols,
                       size_t *width)
{
    unsigned flags = ORGCTL_ROWS_STORED;
    for (size_t c = 0; c < cols->n; c++) {
        const orgctl_field *f = kind ? orgctl_kind_field(kind, cols->names[c]) : NULL;
        if (!kind || (f && (f->flags & ORGCTL_FIELD_COMPUTED)))
            flags = 0;
    }
    int error = orgctl_rows_restart(rows, flags);
    cJSON *row;
    while (error >= 0 && (error = orgctl_rows_next(rows, &row)) > 0) {
        for (size_t c = 0; c < cols->n; c++) {
            char *s = cell_of(row, cols->names[c]);
            size_t w = output_width(s);
            if (w > width[c])
                width[c] = w;
            free(s);
        }
        cJSON_Delete(row);
    }
    return error < 0 ? error : orgctl_rows_restart(rows, 0);
}

int output_rows(struct cli *cli, orgctl_rows *rows, const struct output_view *view,
                const orgctl_kind *kind)
{
    FILE *out = stdout;
    cJSON *row;
    int error = 0;
    if (cli->quiet) { /* nothing shown, but a row that fails fails the command */
        while ((error = orgctl_rows_next(rows, &row)) > 0)
            cJSON_Delete(row);
        return error;
    }
    if (cli->format == CLI_JSON)
        return rows_json(out, rows);
    bool csv = cli->format == CLI_CSV;
    struct columns cols = {NULL, 0, 0};
    /* The rows hold their kind's fields, no other key (objects are validated against it,
     * then filled): the header needs no look at them. */
    list_columns(NULL, view->columns, view->fields, !csv && view->columns, &cols);
    size_t *width = header_widths(&cols);
    char **cells = calloc(cols.n + 1, sizeof(*cells));
    if (!csv)
        error = rows_widths(rows, kind, &cols, width);
    if (error >= 0 && csv)
        csv_row(out, cols.names, cols.n);
    else if (error >= 0)
        table_header(out, &cols, width);
    while (error >= 0 && (error = orgctl_rows_next(rows, &row)) > 0) {
        for (size_t c = 0; c < cols.n; c++)
            cells[c] = cell_of(row, cols.names[c]);
        if (csv)
            csv_row(out, cells, cols.n);
        else
            table_line(out, cells, cols.n, width);
        for (size_t c = 0; c < cols.n; c++)
            free(cells[c]);
        cJSON_Delete(row);
    }
    free(cells);
    free(width);
    columns_free(&cols);
    return error;
}

/* An object: its fields sorted, as "key  value" lines (table) or a header and one row
 * (CSV). */
static void print_object(FILE *out, bool csv, const cJSON *obj)
{
    cJSON *sorted = cJSON_Duplicate(obj, 1);
    orgctl_json_sort(sorted);
    size_t n = (size_t)cJSON_GetArraySize(sorted), i = 0, w = 0;
    char **keys = calloc(n + 1, sizeof(*keys)), **cells = calloc(n + 1, sizeof(*cells));
    for (const cJSON *c = sorted->child; c; c = c->next, i++) {
        keys[i] = c->string;
        cells[i] = orgctl_json_cell(c);
        if (output_width(c->string) > w)
            w = output_width(c->string);
    }
    if (csv) {
        csv_row(out, keys, n);
        csv_row(out, cells, n);
    } else {
        for (i = 0; i < n; i++) {
            put_padded(out, keys[i], w + 3);
            put_shown(out, cells[i]);
            fputc('\n', out);
        }
    }
    for (i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
    free(keys);
    cJSON_Delete(sorted);
}

void output(struct cli *cli, const cJSON *result, const struct output_view *view)
{
    FILE *out = stdout;
    if (cli->quiet || !result)
        return;
    if (cli->format == CLI_JSON)
        print_json(out, result);
    else if (cli->format == CLI_TABLE && view && view->table)
        view->table(out, result, view->arg);
    else if (cli->format == CLI_CSV && view && view->csv)
        print_list(out, true, view->csv, view->columns, view->fields);
    else if (cJSON_IsArray(result))
        print_list(out, cli->format == CLI_CSV, result, view ? view->columns : NULL,
                   view ? view->fields : NULL);
    else if (cJSON_IsObject(result))
        print_object(out, cli->format == CLI_CSV, result);
    else
        fprintf(out, "%s\n", cJSON_GetStringValue(result) ? cJSON_GetStringValue(result) : "");
}

void output_list(struct cli *cli, const cJSON *items, const char *columns)
{
    output(cli, items, &(struct output_view){columns, NULL, NULL, NULL});
}

void output_object(struct cli *cli, const cJSON *obj)
{
    output(cli, obj, NULL);
}

void output_table(FILE *out, const cJSON *list, const char *columns)
{
    print_list(out, false, list, columns, NULL);
}

void output_fields(FILE *out, const cJSON *obj)
{
    print_object(out, false, obj);
}

/* The table of a text result: the text as it is. */
static void text_table(FILE *out, const cJSON *result, void *key)
{
    fputs(cJSON_GetStringValue(cJSON_GetObjectItem(result, key)), out);
}

void output_text(struct cli *cli, const char *key, const char *text)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, key, text);
    output(cli, obj, &(struct output_view){NULL, text_table, (void *)key, NULL});
    cJSON_Delete(obj);
}

static void change_table(FILE *out, const cJSON *change, void *arg)
{
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(change, "change_set"));
    const char *summary = cJSON_GetStringValue(cJSON_GetObjectItem(change, "summary"));
    const cJSON *changes = cJSON_GetObjectItem(change, "changes"), *c;
    if (cJSON_IsTrue(cJSON_GetObjectItem(change, "dry_run"))) {
        fprintf(out, "dry run: %s would change %d object(s):\n", summary,
                cJSON_GetArraySize(changes));
        cJSON_ArrayForEach(c, changes)
        {
            fprintf(out, "  %s %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(c, "op")),
                    cJSON_GetStringValue(cJSON_GetObjectItem(c, "path")));
        }
    } else if (id) {
        fprintf(out, "change set %s: %s\n", id, summary);
    } else {
        fprintf(out, "nothing to change: %s\n", summary);
    }
}

void output_change(struct cli *cli, const char *id, const char *summary, const cJSON *result,
                   const cJSON *changes)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "change_set", id ? cJSON_CreateString(id) : cJSON_CreateNull());
    cJSON_AddStringToObject(out, "summary", summary);
    cJSON_AddBoolToObject(out, "dry_run", cli->dry_run);
    /* references, not copies: a rollback of a bulk set changes 100k objects */
    cJSON_AddItemToObject(out, "result",
                          cJSON_IsObject(result)  ? cJSON_CreateObjectReference(result->child)
                          : cJSON_IsArray(result) ? cJSON_CreateArrayReference(result->child)
                          : result                ? cJSON_Duplicate(result, 1)
                                                  : cJSON_CreateNull());
    cJSON_AddItemToObject(
        out, "changes", changes ? cJSON_CreateArrayReference(changes->child) : cJSON_CreateArray());
    output(cli, out, &(struct output_view){NULL, change_table, NULL, NULL});
    cJSON_Delete(out);
}

FILE *output_text_begin(struct output_text *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    return t->f ? t->f : stderr;
}

void output_text_end(struct cli *cli, const char *key, struct output_text *t)
{
    if (t->f)
        fclose(t->f);
    output_text(cli, key, t->buf ? t->buf : "");
    free(t->buf);
    t->f = NULL;
    t->buf = NULL;
}
