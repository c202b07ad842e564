/* The pieces the bulk dialects and engine share: problems, rows and their steps, records
 * of a source or stored file, CSV cells. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk_internal.h"
#include "orgctl/object.h"
#include "orgctl/password.h"

void bulk_problem(struct bulk_problems *p, size_t line, size_t column, const char *fmt, ...)
{
    p->count++;
    if (!p->list)
        p->list = cJSON_CreateArray();
    if (cJSON_GetArraySize(p->list) >= BULK_MAX_PROBLEMS)
        return;
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    /* the same problem on the lines after (a file of one row repeated): one item, whose
     * last_line says how far it goes */
    cJSON *last = p->list->child ? p->list->child->prev : NULL;
    const cJSON *last_line = last ? cJSON_GetObjectItem(last, "last_line") : NULL;
    double after = last_line ? last_line->valuedouble
                             : cJSON_GetNumberValue(cJSON_GetObjectItem(last, "line"));
    if (last && text && (double)line == after + 1 &&
        cJSON_GetNumberValue(cJSON_GetObjectItem(last, "column")) == (double)column &&
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(last, "message")), text) == 0) {
        bulk_replace(last, "last_line", cJSON_CreateNumber((double)line));
        free(text);
        return;
    }
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "file", p->file ? p->file : "");
    cJSON_AddNumberToObject(item, "line", (double)line);
    cJSON_AddNumberToObject(item, "column", (double)column);
    cJSON_AddStringToObject(item, "message", text ? text : "?");
    cJSON_AddItemToArray(p->list, item);
    free(text);
}

const char *bulk_row_keep(struct bulk_row *row, const char *s)
{
    if (!s)
        return NULL;
    if (row->nstrings == row->strings_alloc) {
        row->strings_alloc = row->strings_alloc ? row->strings_alloc * 2 : 8;
        row->strings = xrealloc(row->strings, row->strings_alloc * sizeof(*row->strings));
    }
    return row->strings[row->nstrings++] = xstrdup(s);
}

struct bulk_step *bulk_row_step(struct bulk_row *row, const orgctl_op *op, const char *org,
                                const char *name, size_t column)
{
    if (row->nsteps == row->alloc) {
        row->alloc = row->alloc ? row->alloc * 2 : 1; /* a row is one step, mostly */
        row->steps = xrealloc(row->steps, row->alloc * sizeof(*row->steps));
    }
    struct bulk_step *st = &row->steps[row->nsteps++];
    memset(st, 0, sizeof(*st));
    st->op = op;
    st->kind = op ? op->kind : NULL;
    st->verb = op ? op->verb : NULL;
    st->org = org && *org ? bulk_row_keep(row, org) : NULL;
    st->name = bulk_row_keep(row, name);
    st->params = orgctl_params_new();
    st->column = column;
    return st;
}

void bulk_step_param(struct bulk_row *row, struct bulk_step *step, const char *param,
                     const char *value, size_t column)
{
    const char *kept = orgctl_params_add(step->params, param, value); /* lives as long */
    if (step->ncells < sizeof(step->cells) / sizeof(step->cells[0])) {
        step->cells[step->ncells].value = kept;
        step->cells[step->ncells++].column = column;
    }
}

void bulk_row_clear(struct bulk_row *row)
{
    for (size_t i = 0; i < row->nsteps; i++)
        orgctl_params_free(row->steps[i].params);
    for (size_t i = 0; i < row->nstrings; i++)
        free(row->strings[i]);
    free(row->strings);
    free(row->steps);
    free(row->text);
    memset(row, 0, sizeof(*row));
}

size_t bulk_record_count(const struct bulk_record *r)
{
    size_t n = orgctl_csv_record_count(r->rec);
    return n > r->first ? n - r->first : 0;
}

const char *bulk_record_field(const struct bulk_record *r, size_t j)
{
    const char *v = orgctl_csv_record_field(r->rec, r->first + j, NULL);
    return v ? orgctl_csv_unguard(v) : "";
}

void bulk_csv_cell(strbuf *sb, const char *value)
{
    size_t n = orgctl_csv_cell(NULL, 0, value);
    strbuf_grow(sb, n + 1);
    orgctl_csv_cell(sb->buf + sb->len, n + 1, value);
    sb->len += n;
}

int bulk_set_password(orgctl_repo *repo, orgctl_changeset *cs, const char *org,
                      const struct bulk_step *st)
{
    const orgctl_kind *kind = orgctl_kind_lookup("user");
    cJSON *user = NULL;
    int error;
    /* the change set checks directory:user:setPassword, the hash's permission */
    if ((error = orgctl_object_load(repo, kind, org, st->name, &user)) < 0)
        return error;
    const char *hash = orgctl_params_get(st->params, "hash");
    cJSON_DeleteItemFromObjectCaseSensitive(user, "password_hash");
    if (hash)
        cJSON_AddStringToObject(user, "password_hash", hash);
    error = orgctl_changeset_put(cs, kind, org, user);
    cJSON_Delete(user);
    return error;
}

bool bulk_hash_cell(struct bulk_problems *p, size_t line, size_t column, const char *v)
{
    if (strcmp(v, BULK_HASH_SHOWN) == 0) /* a failures file's: hashes are not repeated */
        bulk_problem(p, line, column,
                     "%s \"%s\" stands for a hash a failures file does not repeat: give the "
                     "password again, or empty the cell",
                     BULK_HASH_COLUMN, v);
    else if (!orgctl_password_hash_valid(v))
        bulk_problem(p, line, column,
                     "%s is no yescrypt hash (\"$y$...\", as orgctl makes them): another "
                     "scheme (\"$1$\" MD5-crypt, \"$6$\", DES) would bypass the password "
                     "policy",
                     BULK_HASH_COLUMN);
    else
        return true;
    return false;
}

int bulk_password_policy(const struct bulk_settings *s, const char *org, const char *name,
                         const char *email, const char *password)
{
    const orgctl_kind *kind = orgctl_kind_lookup("user");
    if (!org || !*org)
        org = s->org;
    if (!s->repo || !org || !orgctl_object_exists(s->repo, orgctl_kind_lookup("org"), org, org))
        return 0;
    cJSON *user = NULL;
    if (email || orgctl_object_load(s->repo, kind, org, name, &user) < 0) {
        orgctl_error_clear();
        cJSON_Delete(user);
        user = cJSON_CreateObject();
        cJSON_AddStringToObject(user, "name", name);
        if (email)
            cJSON_AddStringToObject(user, "email", email);
    }
    int error = orgctl_password_check(s->repo, org, user, password);
    cJSON_Delete(user);
    return error;
}
