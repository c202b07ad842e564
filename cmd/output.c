/* The one layer that prints results: a table on a terminal, JSON or CSV for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The text of a value in one cell: lists joined by ';', maps as k=v;... */
static char *cell_text(const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return strdup("");
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsBool(v))
        return strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        char buf[64];
        /* whole numbers in full: "1000000", not "1e+06" (counts of a big bulk set) */
        double d = v->valuedouble;
        if (d == (double)(long long)d && d > -1e15 && d < 1e15)
            snprintf(buf, sizeof(buf), "%lld", (long long)d);
        else
            snprintf(buf, sizeof(buf), "%g", d);
        return strdup(buf);
    }
    size_t cap = 64, len = 0;
    char *s = calloc(1, cap);
    for (const cJSON *c = v->child; c; c = c->next) {
        char *item = cell_text(c);
        size_t need = len + strlen(item) + (c->string ? strlen(c->string) + 1 : 0) + 2;
        if (need >= cap) {
            cap = need * 2;
            s = realloc(s, cap);
        }
        len += (size_t)sprintf(s + len, "%s%s%s%s", len ? ";" : "", cJSON_IsObject(v) ? c->string : "",
                               cJSON_IsObject(v) ? "=" : "", item);
        free(item);
    }
    return s;
}

static void csv_cell(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static int split_columns(const char *columns, char cols[][32], int max)
{
    int n = 0;
    const char *p = columns;
    while (p && *p && n < max) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        snprintf(cols[n++], 32, "%.*s", (int)len, p);
        p = comma ? comma + 1 : NULL;
    }
    return n;
}

static void print_json(const cJSON *v)
{
    char *s = orgctl_json_canonical(v);
    fputs(s, stdout);
    free(s);
}

void output_list(struct cli *cli, const cJSON *items, const char *columns)
{
    if (cli->format == CLI_JSON) {
        print_json(items);
        return;
    }
    char cols[32][32];
    int ncols = split_columns(columns, cols, 32);
    int nrows = cJSON_GetArraySize(items);
    char ***cells = calloc((size_t)nrows + 1, sizeof(*cells));
    size_t width[32] = {0};
    for (int c = 0; c < ncols; c++)
        width[c] = strlen(cols[c]);
    const cJSON *item = items ? items->child : NULL; /* by index is quadratic */
    for (int r = 0; r < nrows; r++, item = item->next) {
        cells[r] = calloc((size_t)ncols, sizeof(char *));
        for (int c = 0; c < ncols; c++) {
            cells[r][c] = cell_text(cJSON_GetObjectItemCaseSensitive(item, cols[c]));
            if (strlen(cells[r][c]) > width[c])
                width[c] = strlen(cells[r][c]);
        }
    }
    if (cli->format == CLI_CSV) {
        for (int c = 0; c < ncols; c++) {
            if (c)
                putchar(',');
            csv_cell(cols[c]);
        }
        putchar('\n');
        for (int r = 0; r < nrows; r++) {
            for (int c = 0; c < ncols; c++) {
                if (c)
                    putchar(',');
                csv_cell(cells[r][c]);
            }
            putchar('\n');
        }
    } else {
        for (int c = 0; c < ncols; c++) {
            for (char *p = cols[c]; *p; p++)
                putchar(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            if (c + 1 < ncols)
                printf("%*s", (int)(width[c] - strlen(cols[c]) + 2), "");
        }
        putchar('\n');
        for (int r = 0; r < nrows; r++) {
            for (int c = 0; c < ncols; c++)
                printf(c + 1 < ncols ? "%-*s  " : "%-*s", c + 1 < ncols ? (int)width[c] : 0,
                       cells[r][c]);
            putchar('\n');
        }
    }
    for (int r = 0; r < nrows; r++) {
        for (int c = 0; c < ncols; c++)
            free(cells[r][c]);
        free(cells[r]);
    }
    free(cells);
}

void output_object(struct cli *cli, const cJSON *obj)
{
    if (cli->format == CLI_JSON) {
        print_json(obj);
        return;
    }
    cJSON *sorted = cJSON_Duplicate(obj, 1);
    orgctl_json_sort(sorted);
    if (cli->format == CLI_CSV) {
        for (const cJSON *c = sorted->child; c; c = c->next) {
            if (c != sorted->child)
                putchar(',');
            csv_cell(c->string);
        }
        putchar('\n');
    }
    size_t w = 0;
    for (const cJSON *c = sorted->child; c; c = c->next)
        if (strlen(c->string) > w)
            w = strlen(c->string);
    for (const cJSON *c = sorted->child; c; c = c->next) {
        char *text = cell_text(c);
        if (cli->format == CLI_CSV) {
            if (c != sorted->child)
                putchar(',');
            csv_cell(text);
        } else {
            printf("%-*s  %s\n", (int)w + 1, c->string, text);
        }
        free(text);
    }
    if (cli->format == CLI_CSV)
        putchar('\n');
    cJSON_Delete(sorted);
}

void output_change(struct cli *cli, const char *id, const char *summary, const cJSON *result)
{
    if (cli->format == CLI_JSON) {
        cJSON *out = cJSON_CreateObject();
        if (id)
            cJSON_AddStringToObject(out, "change_set", id);
        else
            cJSON_AddNullToObject(out, "change_set");
        cJSON_AddStringToObject(out, "summary", summary);
        cJSON_AddBoolToObject(out, "dry_run", cli->dry_run);
        if (result)
            cJSON_AddItemToObject(out, "result", cJSON_Duplicate(result, 1));
        print_json(out);
        cJSON_Delete(out);
        return;
    }
    if (cli->quiet)
        return;
    if (id)
        printf("change set %s: %s\n", id, summary);
    else if (!cli->dry_run)
        printf("nothing to change: %s\n", summary);
}
