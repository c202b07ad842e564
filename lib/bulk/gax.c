/* The GAX agent CSV dialect (Genesys Administrator Extension, "CSV File"): one row per user
 * keyed by Username, columns in any order, headers matched in any case with or without
 * spaces. Mandatory: Action (ADD, UPDATE, DELETE), First Name, Last Name, Employee Id,
 * Username, Is Agent (Y/N). Optional: Password, Email Address, External Id, Enabled (Y/N),
 * and one column per related object, "Skill:<name>" (a level), "Agent Group:<name>" and
 * "Access Group:<name>" (Y: a member). An empty cell changes nothing; "/d" removes the
 * attribute or membership (N too, for memberships of an UPDATE).
 *
 * A row becomes the operations of the table it stands for (user create|update|rm,
 * user skill-set, group member-add, ...), so their checks and permissions apply. First and
 * last name, employee id, "is agent" and external id are kept as the user's options
 * (first_name, last_name, employee_id, is_agent, external_id); the full name is "First
 * Last". Passwords are hashed when the set is created: the stored rows hold only the hash,
 * in a "Password Hash" column, which a file may also carry itself. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bulk_internal.h"
#include "orgctl/object.h"
#include "orgctl/password.h"
#include "orgctl/perm.h"

enum gtype {
    G_ACTION,
    G_FIRST,
    G_LAST,
    G_EMPLOYEE,
    G_USERNAME,
    G_ISAGENT,
    G_PASSWORD,
    G_HASH,
    G_EMAIL,
    G_EXTERNAL,
    G_ENABLED,
    G_IGNORE, /* plain columns, then those of related objects: */
    G_SKILL,
    G_GROUP,
    G_ACCESS,
    G_NTYPES
};

static const struct {
    const char *key, *label, *option; /* option: the user option it is kept as */
    bool mandatory;
} columns[G_NTYPES] = {
    [G_ACTION] = {"action", "Action", NULL, true},
    [G_FIRST] = {"firstname", "First Name", "first_name", true},
    [G_LAST] = {"lastname", "Last Name", "last_name", true},
    [G_EMPLOYEE] = {"employeeid", "Employee Id", "employee_id", true},
    [G_USERNAME] = {"username", "Username", NULL, true},
    [G_ISAGENT] = {"isagent", "Is Agent", "is_agent", true},
    [G_PASSWORD] = {"password", "Password", NULL, false},
    [G_HASH] = {"passwordhash", BULK_HASH_COLUMN, NULL, false},
    [G_EMAIL] = {"emailaddress", "Email Address", NULL, false},
    [G_EXTERNAL] = {"externalid", "External Id", "external_id", false},
    [G_ENABLED] = {"enabled", "Enabled", NULL, false},
    [G_IGNORE] = {"error", "error", NULL, false},
    [G_SKILL] = {"skill", "Skill", NULL, false},
    [G_GROUP] = {"agentgroup", "Agent Group", NULL, false},
    [G_ACCESS] = {"accessgroup", "Access Group", NULL, false},
};

enum action { ADD, UPDATE, DELETE };
static const char *const actions[] = {"ADD", "UPDATE", "DELETE"};
/* GAX runs deletions, then additions, then updates. */
static const int action_pass[] = {[DELETE] = 0, [ADD] = 1, [UPDATE] = 2};

struct gcol {
    enum gtype type;
    char *object; /* Skill:<object> ... */
};

struct layout {
    size_t ncols;
    struct gcol *cols;
    long col[G_IGNORE]; /* the column of each plain type, or -1 */
    const struct bulk_settings *settings;
};

/* "Agent Group" -> "agentgroup": lower case, no spaces. */
static char *header_key(const char *s, size_t len)
{
    char *k = xmalloc(len + 1), *o = k;
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            *o++ = (char)tolower((unsigned char)s[i]);
    *o = '\0';
    return k;
}

static char *trimmed(const char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return strndup(s, n);
}

static void check_column(struct layout *l, size_t j, const char *cell, size_t line,
                         struct bulk_problems *p)
{
    const char *colon = strchr(cell, ':');
    char *key = header_key(cell, colon ? (size_t)(colon - cell) : strlen(cell));
    struct gcol *c = &l->cols[j];
    int found = -1;
    for (int t = colon ? G_SKILL : 0; t < (colon ? G_NTYPES : G_SKILL); t++)
        if (strcmp(key, columns[t].key) == 0)
            found = t;
    c->type = found < 0 ? G_IGNORE : (enum gtype)found;
    if (found < 0)
        bulk_problem(p, line, j + 1,
                     colon ? "unknown column \"%s\": related objects are Skill:, Agent Group: "
                             "and Access Group:"
                           : "unknown column \"%s\" (see GAX FORMAT in orgctl-bulk(1))",
                     cell);
    else if (colon) {
        c->object = trimmed(colon + 1);
        if (!*c->object)
            bulk_problem(p, line, j + 1, "column \"%s\" names no %s", cell, columns[found].label);
        for (size_t k = 0; k < j; k++)
            if (l->cols[k].type == c->type && l->cols[k].object &&
                strcmp(l->cols[k].object, c->object) == 0)
                bulk_problem(p, line, j + 1, "column \"%s\" appears twice", cell);
    } else if (found != G_IGNORE && l->col[found] >= 0) {
        bulk_problem(p, line, j + 1, "column \"%s\" appears twice", cell);
    } else if (found != G_IGNORE) {
        l->col[found] = (long)j;
    }
    free(key);
}

static void layout_free(void *layout)
{
    struct layout *l = layout;
    if (!l)
        return;
    for (size_t j = 0; j < l->ncols; j++)
        free(l->cols[j].object);
    free(l->cols);
    free(l);
}

static int layout_new(void **out, const struct bulk_settings *s, const struct bulk_record *hdr,
                      struct bulk_problems *p)
{
    struct layout *l = xcalloc(1, sizeof(*l));
    size_t before = p->count;
    l->ncols = bulk_record_count(hdr);
    l->cols = xcalloc(l->ncols, sizeof(*l->cols));
    for (int t = 0; t < G_IGNORE; t++)
        l->col[t] = -1;
    for (size_t j = 0; j < l->ncols; j++)
        check_column(l, j, bulk_record_field(hdr, j), hdr->line, p);
    for (int t = 0; t < G_IGNORE; t++)
        if (columns[t].mandatory && l->col[t] < 0)
            bulk_problem(p, hdr->line, 1, "the header has no \"%s\" column (mandatory)",
                         columns[t].label);
    if (l->col[G_PASSWORD] >= 0 && l->col[G_HASH] >= 0)
        bulk_problem(p, hdr->line, (size_t)l->col[G_HASH] + 1,
                     "give Password or Password Hash, not both");
    l->settings = s;
    *out = l;
    return p->count > before ? ORGCTL_EINVALID : 0;
}

static const char *cell(const struct layout *l, const struct bulk_record *r, enum gtype t)
{
    return l->col[t] >= 0 ? bulk_record_field(r, (size_t)l->col[t]) : "";
}

static size_t col(const struct layout *l, enum gtype t)
{
    return l->col[t] >= 0 ? (size_t)l->col[t] + 1 : 1;
}

/* --- steps that no operation does as such --- */

/* An UPDATE that gives one of First and Last Name: the full name takes the other from
 * the user's options. */
static int set_names(orgctl_repo *repo, orgctl_changeset *cs, const char *org,
                     const struct bulk_step *st)
{
    cJSON *user = NULL;
    int error;
    if ((error = orgctl_object_load(repo, orgctl_kind_lookup("user"), org, st->name, &user)) < 0)
        return error;
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(user, "options");
    const char *first = orgctl_params_get(st->params, "first"),
               *last = orgctl_params_get(st->params, "last");
    if (!first)
        first = cJSON_GetStringValue(cJSON_GetObjectItem(options, columns[G_FIRST].option));
    if (!last)
        last = cJSON_GetStringValue(cJSON_GetObjectItem(options, columns[G_LAST].option));
    strbuf full = STRBUF_INIT, o1 = STRBUF_INIT, o2 = STRBUF_INIT;
    strbuf_addf(&full, "%s%s%s", first ? first : "", first && last ? " " : "", last ? last : "");
    strbuf_addf(&o1, "%s=%s", columns[G_FIRST].option, first ? first : "");
    strbuf_addf(&o2, "%s=%s", columns[G_LAST].option, last ? last : "");
    orgctl_params *params = orgctl_params_new();
    orgctl_params_add(params, "full-name", strbuf_str(&full));
    orgctl_params_add(params, "option", strbuf_str(&o1));
    orgctl_params_add(params, "option", strbuf_str(&o2));
    orgctl_op_ctx ctx = {
        .op = st->op, .repo = repo, .cs = cs, .org = org, .name = st->name, .params = params};
    error = orgctl_op_run(&ctx);
    orgctl_op_ctx_clear(&ctx);
    orgctl_params_free(params);
    strbuf_release(&full);
    strbuf_release(&o1);
    strbuf_release(&o2);
    cJSON_Delete(user);
    return error;
}

/* --- rows --- */

struct rowctx {
    const struct layout *l;
    const struct bulk_record *r;
    struct bulk_row *row;
    struct bulk_problems *p;
    const char *user;
    enum action action;
};

/* A step running `kind verb`; NULL (with a problem) when this orgctl has no such verb. */
static struct bulk_step *step(struct rowctx *x, const char *kind, const char *verb,
                              const char *name, size_t column)
{
    const orgctl_op *op = orgctl_op_lookup(kind, verb);
    if (!op) {
        bulk_problem(x->p, x->r->line, column,
                     "this column needs \"orgctl %s %s\", which "
                     "does not exist",
                     kind, verb);
        return NULL;
    }
    struct bulk_step *st = bulk_row_step(x->row, op, NULL, name, column);
    /* a message naming the user points at Username */
    st->cells[st->ncells++] =
        (struct bulk_cell){st->name, strcmp(kind, "user") == 0 ? col(x->l, G_USERNAME) : column};
    return st;
}

/* Fills the op's positional parameters, in order, with the values given. */
static void positional(struct rowctx *x, struct bulk_step *st, const char *a, const char *b)
{
    const char *vals[] = {a, b};
    size_t k = 0;
    for (const orgctl_param *q = st->op->params; q && q->name && k < 2; q++)
        if ((q->flags & ORGCTL_PARAM_POSITIONAL) && vals[k])
            bulk_step_param(x->row, st, q->name, vals[k++], st->column);
}

static bool is_yes(const char *v)
{
    return strcasecmp(v, "Y") == 0 || strcasecmp(v, "yes") == 0;
}

static bool is_no(const char *v)
{
    return strcasecmp(v, "N") == 0 || strcasecmp(v, "no") == 0;
}

static bool is_remove(const char *v)
{
    return strcasecmp(v, "/d") == 0;
}

static void option_param(struct rowctx *x, struct bulk_step *st, enum gtype t)
{
    const char *v = cell(x->l, x->r, t);
    if (!*v || is_remove(v))
        return;
    strbuf kv = STRBUF_INIT;
    strbuf_addf(&kv, "%s=%s", columns[t].option, t == G_ISAGENT ? (is_yes(v) ? "Y" : "N") : v);
    bulk_step_param(x->row, st, "option", strbuf_str(&kv), col(x->l, t));
    strbuf_release(&kv);
}

/* The user step of the row: create, update or rm. */
static void user_step(struct rowctx *x)
{
    const struct layout *l = x->l;
    if (x->action == DELETE) {
        struct bulk_step *st = step(x, "user", "rm", x->user, col(l, G_ACTION));
        if (st && orgctl_op_param(st->op, "force"))
            bulk_step_param(x->row, st, "force", "1", col(l, G_ACTION));
        return;
    }
    struct bulk_step *st =
        step(x, "user", x->action == ADD ? "create" : "update", x->user, col(l, G_ACTION));
    if (!st)
        return;
    const char *email = cell(l, x->r, G_EMAIL);
    if (*email && !is_remove(email))
        bulk_step_param(x->row, st, "email", email, col(l, G_EMAIL));
    const char *first = cell(l, x->r, G_FIRST), *last = cell(l, x->r, G_LAST);
    if (x->action == ADD) {
        strbuf full = STRBUF_INIT;
        strbuf_addf(&full, "%s %s", first, last);
        bulk_step_param(x->row, st, "full-name", strbuf_str(&full), col(l, G_FIRST));
        strbuf_release(&full);
        option_param(x, st, G_FIRST);
        option_param(x, st, G_LAST);
    }
    option_param(x, st, G_EMPLOYEE);
    option_param(x, st, G_ISAGENT);
    option_param(x, st, G_EXTERNAL);
    /* st is done with: a new step may move the row's steps */
    if (x->action != ADD && (*first || *last)) {
        struct bulk_step *names =
            step(x, "user", "update", x->user, col(l, *first ? G_FIRST : G_LAST));
        if (names) {
            names->run = set_names;
            if (*first)
                orgctl_params_add(names->params, "first", first);
            if (*last)
                orgctl_params_add(names->params, "last", last);
        }
    }
}

/* Removals of options ("/d"), the password, enabled. */
static void attribute_steps(struct rowctx *x)
{
    const struct layout *l = x->l;
    static const enum gtype removable[] = {G_EXTERNAL};
    for (size_t i = 0; i < sizeof(removable) / sizeof(*removable); i++) {
        enum gtype t = removable[i];
        if (!is_remove(cell(l, x->r, t)))
            continue;
        struct bulk_step *st = step(x, "user", "option-rm", x->user, col(l, t));
        if (st)
            positional(x, st, columns[t].option, NULL);
    }
    const char *hash = cell(l, x->r, G_HASH);
    /* checked here, so that a stored set's hand-edited rows are held to it too */
    if (*hash && (is_remove(hash) || bulk_hash_cell(x->p, x->r->line, col(l, G_HASH), hash))) {
        struct bulk_step *st = step(x, "user", "passwd", x->user, col(l, G_HASH));
        if (st) {
            st->run = bulk_set_password;
            if (!is_remove(hash))
                orgctl_params_add(st->params, "hash", hash);
        }
    }
    const char *enabled = cell(l, x->r, G_ENABLED);
    if (*enabled)
        step(x, "user", is_yes(enabled) ? "enable" : "disable", x->user, col(l, G_ENABLED));
}

/* Skill:, Agent Group: and Access Group: columns. */
static void related_steps(struct rowctx *x)
{
    static const char *const kinds[] = {[G_GROUP] = "group", [G_ACCESS] = "access"};
    for (size_t j = 0; j < x->l->ncols; j++) {
        const struct gcol *c = &x->l->cols[j];
        const char *v = bulk_record_field(x->r, j);
        if (c->type < G_SKILL || !*v || !c->object)
            continue;
        bool rm = is_remove(v) || (c->type != G_SKILL && is_no(v));
        if (c->type != G_SKILL && is_no(v) && x->action == ADD)
            continue; /* a new user is in no group */
        struct bulk_step *st;
        if (c->type == G_SKILL) {
            if ((st = step(x, "user", rm ? "skill-rm" : "skill-set", x->user, j + 1)))
                positional(x, st, c->object, rm ? NULL : v);
        } else if ((st = step(x, kinds[c->type], rm ? "member-rm" : "member-add", c->object,
                              j + 1))) {
            st->cells[0].value = x->user; /* messages name the user more than the group */
            positional(x, st, x->user, NULL);
        }
    }
}

static bool yes_no(struct rowctx *x, enum gtype t, bool required)
{
    const char *v = cell(x->l, x->r, t);
    if ((!*v && !required) || is_yes(v) || is_no(v) ||
        (x->action == UPDATE && is_remove(v) && !columns[t].mandatory))
        return true;
    bulk_problem(x->p, x->r->line, col(x->l, t), "%s must be Y or N, not \"%s\"", columns[t].label,
                 v);
    return false;
}

/* What a row must hold before it becomes steps. */
static void check_row(struct rowctx *x)
{
    const struct layout *l = x->l;
    for (int t = 0; t < G_IGNORE; t++) {
        const char *v = cell(l, x->r, t);
        if (x->action == ADD && columns[t].mandatory && !*v)
            bulk_problem(x->p, x->r->line, col(l, t), "%s is mandatory for ADD", columns[t].label);
        else if (is_remove(v) &&
                 (x->action == ADD || columns[t].mandatory || t == G_EMAIL || t == G_ENABLED))
            bulk_problem(x->p, x->r->line, col(l, t), "%s cannot be removed (/d)",
                         columns[t].label);
    }
    if (x->action == ADD && !*cell(l, x->r, G_EMAIL))
        bulk_problem(x->p, x->r->line, col(l, G_EMAIL),
                     "Email Address is empty: orgctl needs one for a new user");
    if (x->action != DELETE) {
        yes_no(x, G_ISAGENT, x->action == ADD);
        yes_no(x, G_ENABLED, false);
    }
    for (size_t j = 0; j < l->ncols; j++) {
        const char *v = bulk_record_field(x->r, j);
        enum gtype t = l->cols[j].type;
        if (!*v || t < G_SKILL || is_remove(v))
            continue;
        if (t == G_SKILL && strspn(v, "0123456789") != strlen(v))
            bulk_problem(x->p, x->r->line, j + 1, "a skill level is a number, not \"%s\"", v);
        else if (t != G_SKILL && !is_yes(v) && !is_no(v))
            bulk_problem(x->p, x->r->line, j + 1, "give Y, N or /d, not \"%s\"", v);
    }
}

static int parse(void *layout, const struct bulk_record *r, struct bulk_row *row,
                 struct bulk_problems *p)
{
    struct layout *l = layout;
    struct rowctx x = {l, r, row, p, cell(l, r, G_USERNAME), ADD};
    size_t before = p->count;
    row->line = r->line;
    if (bulk_record_count(r) > l->ncols)
        bulk_problem(p, r->line, l->ncols + 1, "%zu fields, but the header has %zu",
                     bulk_record_count(r), l->ncols);
    char *action = trimmed(cell(l, r, G_ACTION));
    int a = -1;
    for (int i = 0; i < 3; i++)
        if (strcasecmp(action, actions[i]) == 0)
            a = i;
    if (a < 0)
        bulk_problem(p, r->line, col(l, G_ACTION),
                     "Action must be ADD, UPDATE or DELETE, not "
                     "\"%s\"",
                     action);
    free(action);
    if (orgctl_name_validate("Username", x.user) < 0)
        bulk_problem(p, r->line, col(l, G_USERNAME), "%s", orgctl_error_last());
    if (a < 0 || p->count > before)
        return ORGCTL_EINVALID;
    x.action = (enum action)a;
    row->pass = action_pass[a];
    check_row(&x);
    if (p->count > before)
        return ORGCTL_EINVALID;
    user_step(&x);
    if (x.action != DELETE) {
        attribute_steps(&x);
        related_steps(&x);
    }
    /* An UPDATE's plain "user update" with nothing to set is only needed when the row
     * does nothing else (it then checks that the user exists). */
    if (x.action == UPDATE && row->nsteps > 1 && row->steps[0].ncells == 1 && !row->steps[0].run) {
        orgctl_params_free(row->steps[0].params);
        memmove(row->steps, row->steps + 1, --row->nsteps * sizeof(*row->steps));
    }
    return p->count > before ? ORGCTL_EINVALID : 0;
}

static char *key(void *layout, const struct bulk_record *r, size_t *column)
{
    struct layout *l = layout;
    *column = col(l, G_USERNAME);
    return xstrdup(cell(l, r, G_USERNAME));
}

static int store_cell(void *layout, const struct bulk_record *r, size_t j, bool hdr, strbuf *out,
                      struct bulk_problems *p)
{
    struct layout *l = layout;
    const char *v = bulk_record_field(r, j);
    enum gtype t = j < l->ncols ? l->cols[j].type : G_IGNORE; /* (a field too many) */
    if (hdr || !*v || is_remove(v) || (t != G_PASSWORD && t != G_HASH)) {
        bulk_csv_cell(out, hdr && t == G_PASSWORD ? columns[G_HASH].label : v);
        return 0;
    }
    if (t == G_HASH) { /* as it is: parse checked it */
        bulk_csv_cell(out, v);
        return 0;
    }
    if (bulk_password_policy(l->settings, NULL, cell(l, r, G_USERNAME), cell(l, r, G_EMAIL), v) <
        0) {
        bulk_problem(p, r->line, j + 1, "Password: %s", orgctl_error_last());
        return 0;
    }
    char *hash = NULL;
    int error = orgctl_password_hash(v, &hash);
    if (!error)
        bulk_csv_cell(out, hash);
    free(hash);
    return error;
}

const struct bulk_dialect bulk_gax = {"gax", 3, layout_new, layout_free, parse, key, store_cell};
