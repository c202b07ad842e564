/* Canonical JSON writer. cJSON keeps insertion order, so we sort and print ourselves. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/json.h"
#include "strbuf.h"

static int key_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);
}

void orgctl_json_sort(cJSON *value)
{
    if (!value || !(cJSON_IsObject(value) || cJSON_IsArray(value)))
        return;
    int n = cJSON_GetArraySize(value);
    for (cJSON *c = value->child; c; c = c->next)
        orgctl_json_sort(c);
    if (!cJSON_IsObject(value) || n < 2)
        return;
    cJSON **items = malloc(sizeof(*items) * n);
    if (!items)
        return;
    int i = 0;
    for (cJSON *c = value->child; c; c = c->next)
        items[i++] = c;
    qsort(items, n, sizeof(*items), key_cmp);
    for (i = 0; i < n; i++) {
        items[i]->prev = i ? items[i - 1] : items[n - 1]; /* cJSON: head->prev is tail */
        items[i]->next = i + 1 < n ? items[i + 1] : NULL;
    }
    value->child = items[0];
    free(items);
}

static void put_string(strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* Copy a run of characters that need no escape at once: lists of 100k users
         * are mostly such runs. */
        size_t run = 0;
        while (p[run] >= 0x20 && p[run] != 0x7f && p[run] != '"' && p[run] != '\\')
            run++;
        if (run) {
            strbuf_add(sb, p, run);
            p += run - 1;
            continue;
        }
        switch (*p) {
        case '"':
            strbuf_adds(sb, "\\\"");
            break;
        case '\\':
            strbuf_adds(sb, "\\\\");
            break;
        case '\n':
            strbuf_adds(sb, "\\n");
            break;
        case '\t':
            strbuf_adds(sb, "\\t");
            break;
        case '\r':
            strbuf_adds(sb, "\\r");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                strbuf_addf(sb, "\\u%04x", *p);
            else
                strbuf_addch(sb, (char)*p);
        }
    }
    strbuf_addch(sb, '"');
}

static void put_indent(strbuf *sb, int depth)
{
    for (int i = 0; i < depth; i++)
        strbuf_adds(sb, "  ");
}

static int has_sorted_keys(const cJSON *obj)
{
    for (const cJSON *c = obj->child; c && c->next; c = c->next)
        if (strcmp(c->string, c->next->string) > 0)
            return 0;
    return 1;
}

static void put_value(strbuf *sb, const cJSON *v, int depth);

static void put_container(strbuf *sb, const cJSON *v, int depth, char open, char close)
{
    const cJSON *only = v->child;
    if (!only) {
        strbuf_addch(sb, open);
        strbuf_addch(sb, close);
        return;
    }
    /* Sort a copy's order without touching the caller's value. */
    int n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    const cJSON **items = malloc(sizeof(*items) * n);
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        items[i++] = c;
    if (cJSON_IsObject(v) && !has_sorted_keys(v))
        qsort(items, n, sizeof(*items), key_cmp);
    strbuf_addch(sb, open);
    strbuf_addch(sb, '\n');
    for (i = 0; i < n; i++) {
        put_indent(sb, depth + 1);
        if (cJSON_IsObject(v)) {
            put_string(sb, items[i]->string);
            strbuf_adds(sb, ": ");
        }
        put_value(sb, items[i], depth + 1);
        if (i + 1 < n)
            strbuf_addch(sb, ',');
        strbuf_addch(sb, '\n');
    }
    put_indent(sb, depth);
    strbuf_addch(sb, close);
    free(items);
}

static void put_value(strbuf *sb, const cJSON *v, int depth)
{
    if (cJSON_IsNull(v))
        strbuf_adds(sb, "null");
    else if (cJSON_IsTrue(v))
        strbuf_adds(sb, "true");
    else if (cJSON_IsFalse(v))
        strbuf_adds(sb, "false");
    else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
            strbuf_addf(sb, "%lld", (long long)d);
        else if (isfinite(d))
            strbuf_addf(sb, "%.17g", d);
        else
            strbuf_adds(sb, "null");
    } else if (cJSON_IsString(v))
        put_string(sb, v->valuestring);
    else if (cJSON_IsArray(v))
        put_container(sb, v, depth, '[', ']');
    else if (cJSON_IsObject(v))
        put_container(sb, v, depth, '{', '}');
    else
        strbuf_adds(sb, "null");
}

char *orgctl_json_canonical(const cJSON *value)
{
    strbuf sb = STRBUF_INIT;
    put_value(&sb, value, 0);
    strbuf_addch(&sb, '\n');
    return strbuf_detach(&sb, NULL);
}

char *orgctl_json_canonical_at(const cJSON *value, int depth)
{
    strbuf sb = STRBUF_INIT;
    put_value(&sb, value, depth);
    return strbuf_detach(&sb, NULL);
}

/* --- one value in one CSV cell --- */

static void cell_escaped(strbuf *sb, const char *s, bool escape)
{
    for (; *s; s++) {
        if (escape && (*s == '\\' || *s == ';' || *s == '=' || *s == ','))
            strbuf_addch(sb, '\\');
        strbuf_addch(sb, *s);
    }
}

static void cell_add(strbuf *sb, const cJSON *v, int depth)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsString(v)) {
        cell_escaped(sb, v->valuestring, depth > 0);
    } else if (cJSON_IsBool(v)) {
        strbuf_adds(sb, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        /* whole numbers in full: "1000000", not "1e+06" (counts of a big bulk set) */
        double d = v->valuedouble;
        if (d == (double)(long long)d && d > -1e15 && d < 1e15)
            strbuf_addf(sb, "%lld", (long long)d);
        else
            strbuf_addf(sb, "%.17g", d);
    } else if (depth >= 2) {
        char *json = cJSON_PrintUnformatted(v);
        cell_escaped(sb, json ? json : "", true);
        free(json);
    } else {
        char sep = depth == 0 ? ';' : ',';
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child)
                strbuf_addch(sb, sep);
            if (cJSON_IsObject(v)) {
                cell_escaped(sb, c->string, true);
                strbuf_addch(sb, '=');
            }
            cell_add(sb, c, depth + 1);
        }
    }
}

char *orgctl_json_cell(const cJSON *value)
{
    strbuf sb = STRBUF_INIT;
    cell_add(&sb, value, 0);
    return strbuf_detach(&sb, NULL);
}

cJSON *orgctl_json_cell_split(const char *cell)
{
    cJSON *items = cJSON_CreateArray();
    strbuf sb = STRBUF_INIT;
    if (!*cell)
        return items;
    for (const char *p = cell;; p++) {
        if (*p == '\\' && p[1]) {
            strbuf_addch(&sb, *++p);
        } else if (*p == ';' || !*p) {
            cJSON_AddItemToArray(items, cJSON_CreateString(strbuf_str(&sb)));
            strbuf_reset(&sb);
            if (!*p)
                break;
        } else {
            strbuf_addch(&sb, *p);
        }
    }
    strbuf_release(&sb);
    return items;
}
