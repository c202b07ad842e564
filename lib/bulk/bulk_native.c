/* The native bulk dialect: a row is `kind,op,name` plus one column per parameter of the
 * operation, named as in the operation table, so every kind and verb that has a row
 * there works here without this file knowing it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bulk_internal.h"
#include "orgctl/json.h"
#include "orgctl/password.h"

/* COL_LIST: a column named as a list field ("roles"), one value a ';'-separated list
 * of values of the parameter in the singular ("role"), as `-o csv` writes the field.
 * COL_FILE: the "password-file" of an operation that takes one (user passwd), read when
 * the set is created, next to the CSV file; the stored rows hold its hash instead, in a
 * COL_HASH column (BULK_HASH_COLUMN), which a file may also give itself. */
enum role {
    COL_PARAM,
    COL_KIND,
    COL_OP,
    COL_NAME,
    COL_ORG,
    COL_IGNORE,
    COL_LIST,
    COL_FILE,
    COL_HASH
};
#define PASSWORD_FILE "password-file"

static const char *const reserved[] = {"", "kind", "op", "name", "org", "error"};

struct layout {
    size_t ncols;
    enum role *role;
    char **names;
    long col[COL_IGNORE];    /* the column of each reserved role, or -1 */
    long file_col, hash_col; /* COL_FILE's and COL_HASH's, or -1 */
    const char *kind;        /* of rows that name none */
    size_t line;             /* of the header */
    const struct bulk_settings *settings;
};

static bool is_change(const orgctl_op *op)
{
    return (op->flags & ORGCTL_OP_WRITE) && !(op->flags & ORGCTL_OP_NO_BULK);
}

static bool kind_exists(const char *kind)
{
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++)
        if (is_change(*op) && strcmp((*op)->kind, kind) == 0)
            return true;
    return false;
}

/* Whether some change of `kind` (NULL: of any kind) takes the parameter `name` (a
 * repeatable one, with `multi`). */
static bool param_exists(const char *kind, const char *name, bool multi)
{
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++) {
        const orgctl_param *p = is_change(*op) && (!kind || strcmp((*op)->kind, kind) == 0)
                                    ? orgctl_op_param(*op, name)
                                    : NULL;
        if (p && (!multi || (p->flags & ORGCTL_PARAM_MULTI)))
            return true;
    }
    return false;
}

static bool column_exists(const char *kind, const char *name)
{
    return param_exists(kind, name, false);
}

/* A field `-o csv` prints that nothing sets ("effective_roles", "password_set", an "id":
 * a user made from a row is someone new): read back, it says nothing. */
static bool computed_field(const char *kind, const char *column)
{
    for (const orgctl_kind *const *k = orgctl_kinds(); *k; k++) {
        if (kind && strcmp((*k)->name, kind) != 0)
            continue;
        for (const orgctl_field *f = (*k)->fields; f->name; f++) {
            const char *a = f->name, *b = column; /* "password_set" is "password-set" */
            while (*a && (*a == *b || (*a == '_' && *b == '-')))
                a++, b++;
            if (!*a && !*b && (f->flags & (ORGCTL_FIELD_COMPUTED | ORGCTL_FIELD_IDENTITY)))
                return true;
        }
    }
    return false;
}

/* "a, b, c": the kinds that have changes, or the change verbs of `kind`. */
static char *list_words(const char *kind)
{
    strbuf sb = STRBUF_INIT;
    const char *last = "";
    for (const orgctl_op *const *op = orgctl_ops(); *op; op++) {
        if (!is_change(*op) || (kind && strcmp((*op)->kind, kind) != 0))
            continue;
        const char *w = kind ? (*op)->verb : (*op)->kind;
        if (strcmp(w, last) == 0) /* the table is grouped by kind */
            continue;
        strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", w);
        last = w;
    }
    return strbuf_detach(&sb, NULL);
}

static void layout_free(void *l)
{
    struct layout *layout = l;
    if (!layout)
        return;
    for (size_t j = 0; j < layout->ncols; j++)
        free(layout->names[j]);
    free(layout->names);
    free(layout->role);
    free(layout);
}

static char *column_name(const char *cell)
{
    while (*cell == ' ')
        cell++;
    char *s = xstrdup(cell);
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    for (char *c = s; *c; c++) /* "Full_Name", as `-o csv` writes it, is "full-name" */
        *c = *c == '_' ? '-' : (char)tolower((unsigned char)*c);
    return s;
}

static void check_column(struct layout *l, size_t j, const struct bulk_settings *s,
                         struct bulk_problems *p)
{
    const char *name = l->names[j];
    for (int r = COL_KIND; r <= COL_IGNORE; r++) {
        if (strcmp(name, reserved[r]) != 0)
            continue;
        l->role[j] = (enum role)r;
        if (r != COL_IGNORE && l->col[r] >= 0)
            bulk_problem(p, l->line, j + 1, "column \"%s\" appears twice", name);
        else if (r != COL_IGNORE)
            l->col[r] = (long)j;
        return;
    }
    if (strcmp(name, "password hash") == 0 || strcmp(name, "password-hash") == 0 ||
        strcmp(name, PASSWORD_FILE) == 0) {
        bool hash = strcmp(name, PASSWORD_FILE) != 0;
        long *at = hash ? &l->hash_col : &l->file_col;
        l->role[j] = hash ? COL_HASH : COL_FILE;
        if (*at >= 0)
            bulk_problem(p, l->line, j + 1, "column \"%.100s\" appears twice", name);
        *at = (long)j;
        if (l->hash_col >= 0 && l->file_col >= 0)
            bulk_problem(p, l->line, j + 1, "give %s or %s, not both", PASSWORD_FILE,
                         BULK_HASH_COLUMN);
        return;
    }
    l->role[j] = COL_PARAM;
    size_t len = strlen(name);
    if (*name && !column_exists(s->kind, name) && len > 1 && name[len - 1] == 's') {
        l->names[j][len - 1] = '\0'; /* "roles": a list of "role" */
        if (param_exists(s->kind, l->names[j], true)) {
            l->role[j] = COL_LIST;
            return;
        }
        l->names[j][len - 1] = 's';
    }
    if (*name && !column_exists(s->kind, name) && computed_field(s->kind, name)) {
        l->role[j] = COL_IGNORE;
        return;
    }
    if (!*name)
        bulk_problem(p, l->line, j + 1, "column %zu has no name", j + 1);
    else if (!column_exists(s->kind, name) && s->kind)
        bulk_problem(p, l->line, j + 1,
                     "unknown column \"%s\": no %s operation takes it (see \"orgctl bulk "
                     "columns\")",
                     name, s->kind);
    else if (!column_exists(NULL, name))
        bulk_problem(p, l->line, j + 1,
                     "unknown column \"%s\": no operation takes it (see \"orgctl bulk "
                     "columns\")",
                     name);
}

static int layout_new(void **out, const struct bulk_settings *s, const struct bulk_record *hdr,
                      struct bulk_problems *p)
{
    struct layout *l = xcalloc(1, sizeof(*l));
    size_t before = p->count;
    l->ncols = bulk_record_count(hdr);
    l->role = xcalloc(l->ncols, sizeof(*l->role));
    l->names = xcalloc(l->ncols, sizeof(*l->names));
    l->kind = s->kind;
    l->line = hdr->line;
    for (int r = 0; r < COL_IGNORE; r++)
        l->col[r] = -1;
    l->file_col = l->hash_col = -1;
    l->settings = s;
    if (s->kind && !kind_exists(s->kind)) {
        char *kinds = list_words(NULL);
        bulk_problem(p, hdr->line, 1, "unknown kind \"%s\" given with --kind (kinds: %s)", s->kind,
                     kinds);
        free(kinds);
    }
    for (size_t j = 0; j < l->ncols; j++) {
        l->names[j] = column_name(bulk_record_field(hdr, j));
        check_column(l, j, s, p);
    }
    if (l->col[COL_KIND] < 0 && !s->kind)
        bulk_problem(p, hdr->line, 1,
                     "the header has no \"kind\" column (a row is kind,op,name,...; or give "
                     "--kind KIND)");
    /* without an "op" column every row is a create: a list printed with -o csv */
    if (l->col[COL_NAME] < 0)
        bulk_problem(p, hdr->line, 1,
                     "the header has no \"name\" column (a row is kind,op,name,...)");
    *out = l;
    return p->count > before ? ORGCTL_EINVALID : 0;
}

static const char *cell(const struct layout *l, const struct bulk_record *r, enum role role)
{
    return l->col[role] >= 0 ? bulk_record_field(r, (size_t)l->col[role]) : "";
}

static size_t column_of(const struct layout *l, enum role role)
{
    return l->col[role] >= 0 ? (size_t)l->col[role] + 1 : 1;
}

/* The operation a row names: kind and op, an op's words joined by '-' or ' '. */
static const orgctl_op *row_op(const struct layout *l, const struct bulk_record *r,
                               struct bulk_problems *p)
{
    const char *kind = cell(l, r, COL_KIND);
    if (!*kind && l->kind)
        kind = l->kind;
    if (!*kind) {
        bulk_problem(p, r->line, column_of(l, COL_KIND), "no kind");
        return NULL;
    }
    if (!kind_exists(kind)) {
        char *kinds = list_words(NULL);
        bulk_problem(p, r->line, column_of(l, COL_KIND), "unknown kind \"%s\" (kinds: %s)", kind,
                     kinds);
        free(kinds);
        return NULL;
    }
    char verb[128];
    snprintf(verb, sizeof(verb), "%s", l->col[COL_OP] >= 0 ? cell(l, r, COL_OP) : "create");
    for (char *c = verb; *c; c++)
        if (*c == ' ')
            *c = '-';
    const orgctl_op *op = *verb ? orgctl_op_lookup(kind, verb) : NULL;
    if (!op || !is_change(op)) {
        char *verbs = list_words(kind);
        if (!*verb)
            bulk_problem(p, r->line, column_of(l, COL_OP), "no op (%s ops: %s)", kind, verbs);
        else if (!op)
            bulk_problem(p, r->line, column_of(l, COL_OP), "%s has no op \"%s\" (%s ops: %s)", kind,
                         verb, kind, verbs);
        else
            bulk_problem(p, r->line, column_of(l, COL_OP),
                         "%s %s changes nothing: a bulk row must be a change (%s ops: %s)", kind,
                         verb, kind, verbs);
        free(verbs);
        return NULL;
    }
    return op;
}

static int flag_value(const char *v)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "x"};
    static const char *const no[] = {"0", "false", "no", "n"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    return -1;
}

static void add_params(struct layout *l, const struct bulk_record *r, struct bulk_row *row,
                       struct bulk_step *st, struct bulk_problems *p)
{
    const orgctl_op *op = st->op;
    for (size_t j = 0; j < l->ncols; j++) {
        const char *v = bulk_record_field(r, j);
        if ((l->role[j] != COL_PARAM && l->role[j] != COL_LIST) || !*v)
            continue;
        const orgctl_param *param = orgctl_op_param(op, l->names[j]);
        if (!param) {
            strbuf takes = STRBUF_INIT;
            for (const orgctl_param *q = op->params; q && q->name; q++)
                strbuf_addf(&takes, "%s%s", takes.len ? ", " : "", q->name);
            bulk_problem(p, r->line, j + 1, "%s %s takes no \"%s\" (it takes: %s)", op->kind,
                         op->verb, l->names[j], takes.len ? strbuf_str(&takes) : "nothing");
            strbuf_release(&takes);
            continue;
        }
        if (param->flags & ORGCTL_PARAM_FLAG) {
            int f = flag_value(v);
            if (f < 0)
                bulk_problem(p, r->line, j + 1, "\"%s\" is a flag: give 1 or 0, not \"%s\"",
                             param->name, v);
            if (f > 0)
                bulk_step_param(row, st, param->name, "1", j + 1);
            continue;
        }
        if (l->role[j] == COL_LIST) {
            cJSON *items = orgctl_json_cell_split(v), *item;
            if (!(param->flags & ORGCTL_PARAM_MULTI))
                bulk_problem(p, r->line, j + 1, "\"%s\" takes one value, not a list", param->name);
            else
                cJSON_ArrayForEach(item, items)
                    bulk_step_param(row, st, param->name, item->valuestring, j + 1);
            cJSON_Delete(items);
        } else if (!(param->flags & ORGCTL_PARAM_MULTI) &&
                   orgctl_params_has(st->params, param->name)) {
            bulk_problem(p, r->line, j + 1, "\"%s\" is given twice", param->name);
        } else {
            bulk_step_param(row, st, param->name, v, j + 1);
        }
    }
    for (const orgctl_param *q = op->params; q && q->name; q++) {
        if (!(q->flags & ORGCTL_PARAM_REQUIRED) || orgctl_params_has(st->params, q->name))
            continue;
        size_t col = st->column;
        for (size_t j = 0; j < l->ncols; j++)
            if ((l->role[j] == COL_PARAM || l->role[j] == COL_LIST) &&
                strcmp(l->names[j], q->name) == 0)
                col = j + 1;
        bulk_problem(p, r->line, col, "%s %s needs \"%s\"", op->kind, op->verb, q->name);
    }
}

/* The password of an operation that takes a password-file: the file, in a source (read
 * by store_cell), or its hash, which a stored set holds (never a path: exec opens none). */
static void password_step(struct layout *l, const struct bulk_record *r, struct bulk_row *row,
                          struct bulk_step *st, struct bulk_problems *p)
{
    const char *file = l->file_col >= 0 ? bulk_record_field(r, (size_t)l->file_col) : "";
    const char *hash = l->hash_col >= 0 ? bulk_record_field(r, (size_t)l->hash_col) : "";
    size_t fcol = (size_t)l->file_col + 1, hcol = (size_t)l->hash_col + 1;
    if (!orgctl_op_param(st->op, PASSWORD_FILE)) {
        if (*file || *hash)
            bulk_problem(p, r->line, *file ? fcol : hcol,
                         "%s %s takes no password (user passwd does)", st->op->kind, st->op->verb);
        return;
    }
    if (*file && r->first) /* a set stored before passwords were hashed at create */
        bulk_problem(p, r->line, fcol,
                     "the set names a password file, read only when a set is created: "
                     "create the set again from its file");
    else if (!*file && !*hash)
        bulk_problem(p, r->line, st->column,
                     "%s %s needs a %s (a file in the CSV file's folder) or a %s", st->op->kind,
                     st->op->verb, PASSWORD_FILE, BULK_HASH_COLUMN);
    if (*hash && bulk_hash_cell(p, r->line, hcol, hash)) {
        st->run = bulk_set_password;
        bulk_step_param(row, st, "hash", hash, hcol);
    }
}

static int parse(void *layout, const struct bulk_record *r, struct bulk_row *row,
                 struct bulk_problems *p)
{
    struct layout *l = layout;
    size_t before = p->count;
    row->line = r->line;
    if (bulk_record_count(r) > l->ncols)
        bulk_problem(p, r->line, l->ncols + 1, "%zu fields, but the header has %zu",
                     bulk_record_count(r), l->ncols);
    const orgctl_op *op = row_op(l, r, p);
    if (!op)
        return ORGCTL_EINVALID;
    const char *name = cell(l, r, COL_NAME), *org = cell(l, r, COL_ORG);
    if (!(op->flags & ORGCTL_OP_NO_NAME) && orgctl_name_validate(op->kind, name) < 0)
        bulk_problem(p, r->line, column_of(l, COL_NAME), "%s", orgctl_error_last());
    if (*org && orgctl_name_validate("org", org) < 0)
        bulk_problem(p, r->line, column_of(l, COL_ORG), "%s", orgctl_error_last());
    struct bulk_step *st = bulk_row_step(
        row, op, org, (op->flags & ORGCTL_OP_NO_NAME) ? NULL : name, column_of(l, COL_OP));
    add_params(l, r, row, st, p);
    password_step(l, r, row, st, p);
    /* after the parameters: a message is about them more often than about the name */
    if (st->name && st->ncells < 15)
        st->cells[st->ncells++] = (struct bulk_cell){st->name, column_of(l, COL_NAME)};
    if (st->org && st->ncells < 16)
        st->cells[st->ncells++] = (struct bulk_cell){st->org, column_of(l, COL_ORG)};
    return p->count > before ? ORGCTL_EINVALID : 0;
}

/* Two rows that say the same are one too many: kind, op, org, name and every cell. */
static char *key(void *layout, const struct bulk_record *r, size_t *column)
{
    struct layout *l = layout;
    strbuf sb = STRBUF_INIT;
    const char *kind = cell(l, r, COL_KIND);
    strbuf_adds(&sb, *kind ? kind : l->kind ? l->kind : "");
    for (size_t j = 0; j < l->ncols; j++) {
        strbuf_addch(&sb, '\x1f');
        if (l->role[j] != COL_KIND && l->role[j] != COL_IGNORE)
            strbuf_adds(&sb, bulk_record_field(r, j));
    }
    *column = 1;
    return strbuf_detach(&sb, NULL);
}

/* A password file's problem: ORGCTL_EINVALID, "password-file "FILE" is ..." (a `why`
 * that is a reason, not what the file does: after a colon). */
static int bad_file(const char *rel, const char *why)
{
    bool verb = strncmp(why, "is ", 3) == 0 || strncmp(why, "must ", 5) == 0 ||
                strncmp(why, "goes ", 5) == 0 || strncmp(why, "names ", 6) == 0 ||
                strncmp(why, "cannot ", 7) == 0;
    char *copy = xstrdup(why); /* it may be the last error, which this one replaces */
    int error = orgctl_error_set(ORGCTL_EINVALID, "%s \"%.100s\"%s %s", PASSWORD_FILE, rel,
                                 verb ? "" : ":", copy);
    free(copy);
    return error;
}

/* Opens the last part of a path in dir `fd`: a regular file, not a symbolic link. */
static int open_regular(int fd, const char *rel, const char *part, int *out)
{
    struct stat st;
    if (fstatat(fd, part, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return bad_file(rel, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return bad_file(rel, "is a symbolic link, not a file");
    if (!S_ISREG(st.st_mode))
        return bad_file(rel, "is not a regular file");
    /* no FIFO, device or link may stand in its place since: not opened, or refused */
    *out = openat(fd, part, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*out < 0)
        return bad_file(rel, strerror(errno));
    if (fstat(*out, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(*out);
        return bad_file(rel, "is not a regular file");
    }
    if (st.st_size > 4098) { /* a line of at most 4096 bytes, and its line end */
        close(*out);
        return bad_file(rel, "is larger than a password: one line of up to 4096 bytes");
    }
    return 0;
}

/* Reads the password in `rel`, a path in the folder of the CSV file `csv`: relative,
 * without "..", through no symbolic link, a regular file of one line. */
static int read_password_file(const char *csv, const char *rel, char **password)
{
    *password = NULL;
    if (rel[0] == '/')
        return bad_file(rel, "must be a path in the CSV file's folder, not an absolute one");
    const char *slash = strrchr(csv, '/');
    char *dir = slash ? strndup(csv, slash == csv ? 1 : (size_t)(slash - csv)) : xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), file = -1, error = 0;
    free(dir);
    if (fd < 0)
        return bad_file(rel, "cannot be read: the CSV file's folder cannot be opened");
    char *path = xstrdup(rel), *save = NULL;
    for (char *part = strtok_r(path, "/", &save); part && !error && file < 0;) {
        char *next = strtok_r(NULL, "/", &save);
        if (strcmp(part, "..") == 0) {
            error = bad_file(rel, "must stay in the CSV file's folder (no \"..\")");
        } else if (next && strcmp(part, ".") != 0) {
            int sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0)
                error = bad_file(rel, errno == ELOOP || errno == ENOTDIR
                                          ? "goes through a symbolic link or a file, not a folder"
                                          : strerror(errno));
            close(fd);
            fd = sub;
        } else if (!next) {
            error = strcmp(part, ".") == 0 ? bad_file(rel, "names no file")
                                           : open_regular(fd, rel, part, &file);
        }
        part = next;
    }
    free(path);
    if (fd >= 0)
        close(fd);
    if (!error && file < 0)
        error = bad_file(rel, "names no file");
    if (error)
        return error;
    FILE *f = fdopen(file, "r");
    if (!f) {
        close(file);
        return orgctl_error_set(ORGCTL_ERROR, "out of memory");
    }
    error = orgctl_password_read(f, password);
    fclose(f);
    if (error < 0) /* "the password ...": of this file */
        return bad_file(rel, orgctl_error_last());
    return 0;
}

/* A password file's column is stored as the hash of the password it holds. */
static int store_cell(void *layout, const struct bulk_record *r, size_t j, bool hdr, strbuf *out,
                      struct bulk_problems *p)
{
    struct layout *l = layout;
    const char *v = bulk_record_field(r, j);
    if (j >= l->ncols || l->role[j] != COL_FILE || (!hdr && !*v)) { /* (a field too many) */
        bulk_csv_cell(out, v);
        return 0;
    }
    if (hdr) {
        bulk_csv_cell(out, BULK_HASH_COLUMN);
        return 0;
    }
    char *password = NULL, *hash = NULL;
    int error = read_password_file(l->settings->file, v, &password);
    if (!error && bulk_password_policy(l->settings, cell(l, r, COL_ORG), cell(l, r, COL_NAME), NULL,
                                       password) < 0)
        error = bad_file(v, orgctl_error_last());
    if (!error)
        error = orgctl_password_hash(password, &hash);
    if (error == ORGCTL_EINVALID)
        bulk_problem(p, r->line, j + 1, "%s", orgctl_error_last());
    bulk_csv_cell(out, hash ? hash : "");
    orgctl_password_free(password);
    free(hash);
    return error == ORGCTL_EINVALID ? 0 : error;
}

const struct bulk_dialect bulk_native = {"native", 1,   layout_new, layout_free,
                                         parse,    key, store_cell};
