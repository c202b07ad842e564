/* Listings from the index: the objects of a kind that pass filters, read through a cursor
 * one row at a time (a list of a million objects holds one row, not the million), the
 * names that start with a prefix, the count of objects in an org. The SQL of these
 * queries lives here, with the tables it reads, not where they are asked. */
#include <stdlib.h>
#include <string.h>

#include "index_key.h"
#include "store.h"

struct orgctl_index_cursor {
    orgctl_repo *repo;
    sqlite3_stmt *st;
    /* of a values cursor: the value of the row, and the length of the keys' prefix */
    strbuf value;
    size_t prefix_len;
};

/* Each filter binds three parameters from ?3 on: the parts of the attrs keys it asks for
 * around the org, which is a parameter or, listing orgs, each org's own name
 * (index_key.h; names hold no byte that the keys escape). */
static void add_filter_sql(strbuf *sql, const orgctl_filter *f, size_t i, const char *org)
{
    int k = 3 + 3 * (int)i;
    if (f->of_kind) /* the key of the row saying that `value` names this object */
        strbuf_addf(sql,
                    " AND EXISTS (SELECT 1 FROM attrs WHERE key = ?%d || %s || ?%d || o.name"
                    " || ?%d)",
                    k, org, k + 1, k + 2);
    else /* the range of the rows of the value */
        strbuf_addf(sql,
                    " AND o.name IN (SELECT name FROM attrs WHERE key >= ?%d || %s || ?%d AND "
                    "key < ?%d || %s || ?%d)",
                    k, org, k + 1, k, org, k + 2);
}

static void bind_strbuf(sqlite3_stmt *st, int i, const strbuf *sb)
{
    sqlite3_bind_text(st, i, sb->buf ? sb->buf : "", (int)sb->len, SQLITE_TRANSIENT);
}

/* Binds the key parts around the org (see add_filter_sql): ?k the kind's, ?k+1 the
 * field's and the value's (none when NULL) after it, ?k+2 the end of their range; or,
 * with `name` (of_kind), ?k+1 the field's alone and ?k+2 the name's after the value. */
static void bind_key_parts(sqlite3_stmt *st, int k, const char *kind, const char *field,
                           const char *value, bool lower, const char *name)
{
    strbuf part = STRBUF_INIT, end = STRBUF_INIT;
    orgctl_index_key_add(&part, kind, false);
    bind_strbuf(st, k, &part);
    strbuf_reset(&part);
    strbuf_addch(&part, ORGCTL_INDEX_KEY_SEP); /* after the org */
    orgctl_index_key_add(&part, field, false);
    if (value)
        orgctl_index_key_add(&part, value, lower);
    bind_strbuf(st, k + 1, &part);
    if (name) {
        strbuf_addch(&end, ORGCTL_INDEX_KEY_SEP); /* after the value */
        strbuf_adds(&end, name);
    } else {
        orgctl_index_key_end(&end, part.buf, part.len);
    }
    bind_strbuf(st, k + 2, &end);
    strbuf_release(&part);
    strbuf_release(&end);
}

static void bind_filter(sqlite3_stmt *st, const orgctl_kind *kind, const orgctl_filter *f, size_t i)
{
    int k = 3 + 3 * (int)i;
    if (f->of_kind) {
        bind_key_parts(st, k, f->of_kind->name, f->field, NULL, false, f->value);
        return;
    }
    const orgctl_field *field = orgctl_kind_field(kind, f->field);
    bind_key_parts(st, k, kind->name, f->field, f->value,
                   field && (field->flags & ORGCTL_FIELD_NOCASE), NULL);
}

int orgctl_index_list_open(orgctl_index_cursor **out, orgctl_repo *repo, const orgctl_kind *kind,
                           const char *org, const orgctl_filter *filters, size_t nfilters,
                           const char *search)
{
    *out = NULL;
    strbuf sql = STRBUF_INIT;
    /* An org is filed under its own shortname: listing orgs matches each row to itself. */
    const char *org_sql = kind == &orgctl_kind_org ? "o.name" : "?2";
    strbuf_addf(&sql, "SELECT o.json FROM objects o WHERE o.kind = ?1 AND o.org = %s", org_sql);
    for (size_t i = 0; i < nfilters; i++)
        add_filter_sql(&sql, &filters[i], i, org_sql);
    int search_param = 3 + 3 * (int)nfilters;
    /* the e-mail rows' keys from the value on hold the name too: a match there is a
     * match of the name, which is asked anyway */
    if (search)
        strbuf_addf(&sql,
                    " AND (instr(casefold(o.name), casefold(?%d)) > 0 OR o.name IN (SELECT "
                    "name FROM attrs WHERE key >= ?%d || %s || ?%d AND key < ?%d || %s || ?%d "
                    "AND instr(substr(key, length(?%d || %s || ?%d) + 1), casefold(?%d)) > 0))",
                    search_param, search_param + 1, org_sql, search_param + 2, search_param + 1,
                    org_sql, search_param + 3, search_param + 1, org_sql, search_param + 2,
                    search_param);
    strbuf_adds(&sql, " ORDER BY o.name");
    sqlite3_stmt *st = NULL;
    int error = orgctl_index_sync(repo);
    if (error < 0) {
        strbuf_release(&sql);
        return error;
    }
    if (sqlite3_prepare_v2(repo->db, strbuf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
        strbuf_release(&sql);
        return orgctl_sqlite_error(repo->db, "list");
    }
    strbuf_release(&sql);
    /* copies: the cursor may outlive its caller's strings */
    sqlite3_bind_text(st, 1, kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind->per_org && kind != &orgctl_kind_org ? org : "", -1,
                      SQLITE_TRANSIENT);
    for (size_t i = 0; i < nfilters; i++)
        bind_filter(st, kind, &filters[i], i);
    if (search) {
        sqlite3_bind_text(st, search_param, search, -1, SQLITE_TRANSIENT);
        bind_key_parts(st, search_param + 1, kind->name, "email", NULL, false, NULL);
    }
    orgctl_index_cursor *c = xcalloc(1, sizeof(*c));
    c->repo = repo;
    c->st = st;
    *out = c;
    return 0;
}

int orgctl_index_values_open(orgctl_index_cursor **out, orgctl_repo *repo, const orgctl_kind *kind,
                             const char *org, const char *field)
{
    /* the field's rows: one range of keys, in value order, then name order */
    static const char *sql = "SELECT key, name FROM attrs WHERE key >= ?1 AND key < ?2 "
                             "ORDER BY key";
    sqlite3_stmt *st = NULL;
    *out = NULL;
    int error = orgctl_index_sync(repo);
    if (error < 0)
        return error;
    /* a statement of its own, not a kept one: it stays open while others run */
    if (sqlite3_prepare_v2(repo->db, sql, -1, &st, NULL) != SQLITE_OK)
        return orgctl_sqlite_error(repo->db, "list values");
    orgctl_index_range range = {STRBUF_INIT, STRBUF_INIT};
    orgctl_index_key_range(&range, kind->name, org, field, NULL);
    bind_strbuf(st, 1, &range.lo);
    bind_strbuf(st, 2, &range.hi);
    orgctl_index_cursor *c = xcalloc(1, sizeof(*c));
    c->repo = repo;
    c->st = st;
    c->prefix_len = range.lo.len;
    orgctl_index_range_release(&range);
    *out = c;
    return 0;
}

int orgctl_index_values_next(orgctl_index_cursor *c, const char **value, const char **name)
{
    const char *key;
    size_t key_len;
    int found = orgctl_index_cursor_next(c, &key, &key_len);
    if (found <= 0)
        return found;
    *name = (const char *)sqlite3_column_text(c->st, 1);
    strbuf_reset(&c->value);
    orgctl_index_key_value(&c->value, key, key_len, c->prefix_len,
                           (size_t)sqlite3_column_bytes(c->st, 1));
    *value = strbuf_str(&c->value);
    return 1;
}

int orgctl_index_cursor_next(orgctl_index_cursor *c, const char **json, size_t *len)
{
    *json = NULL;
    *len = 0;
    if (!c->st)
        return 0;
    int rc = sqlite3_step(c->st);
    if (rc == SQLITE_ROW) {
        *json = (const char *)sqlite3_column_text(c->st, 0);
        *len = (size_t)sqlite3_column_bytes(c->st, 0);
        return 1;
    }
    int error = rc == SQLITE_DONE ? 0 : orgctl_sqlite_error(c->repo->db, "list");
    sqlite3_finalize(c->st); /* done: the read ends here, not when the cursor is freed */
    c->st = NULL;
    return error;
}

void orgctl_index_cursor_free(orgctl_index_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    strbuf_release(&c->value);
    free(c);
}

int orgctl_index_names(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *prefix)
{
    /* An org is filed under its own shortname, as in orgctl_index_list_open. Every name
     * that starts with the prefix sorts from it to it followed by 0xff, a byte UTF-8 never
     * has. */
    static const char *sql = "SELECT name FROM objects WHERE kind = ?1 AND org = ?2 AND "
                             "name >= ?3 AND name < ?4 ORDER BY name";
    static const char *org_sql = "SELECT name FROM objects WHERE kind = ?1 AND org = name AND "
                                 "name >= ?3 AND name < ?4 ORDER BY name";
    *out = NULL;
    int error = orgctl_index_sync(repo);
    if (error < 0)
        return error;
    sqlite3_stmt *st = orgctl_index_stmt(repo, kind == &orgctl_kind_org ? org_sql : sql);
    if (!st)
        return ORGCTL_ERROR;
    strbuf end = STRBUF_INIT;
    strbuf_adds(&end, prefix);
    strbuf_addch(&end, '\xff');
    sqlite3_bind_text(st, 1, kind->name, -1, SQLITE_STATIC);
    if (kind != &orgctl_kind_org)
        sqlite3_bind_text(st, 2, kind->per_org ? org : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, end.buf, (int)end.len, SQLITE_STATIC);
    cJSON *arr = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    strbuf_release(&end);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(arr);
        return orgctl_sqlite_error(repo->db, "list names");
    }
    *out = arr;
    return 0;
}

int orgctl_index_count_in_org(orgctl_repo *repo, const char *org, long *count)
{
    static const char *sql = "SELECT count(*) FROM objects WHERE org = ?1 AND kind <> 'org'";
    sqlite3_stmt *st = orgctl_index_stmt(repo, sql);
    if (!st)
        return ORGCTL_ERROR;
    sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
    *count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return 0;
}
