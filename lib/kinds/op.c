/* The registry of operations, their parameters, and running one. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "ops.h"
#include "orgctl/perm.h"

struct param_value {
    char *name;        /* one allocation: the name, its NUL, the value */
    const char *value; /* in name's allocation */
};

struct orgctl_params {
    struct param_value *v;
    size_t n, alloc;
    /* Where the last orgctl_params_at found its value: asking for the values of a name
     * one after another (a merged bulk step has thousands) costs O(n), not O(n^2). */
    const char *at_name;
    size_t at_k, at_i;
};

orgctl_params *orgctl_params_new(void)
{
    return xcalloc(1, sizeof(orgctl_params));
}

const char *orgctl_params_add(orgctl_params *p, const char *name, const char *value)
{
    if (p->n == p->alloc) {
        p->alloc = p->alloc ? p->alloc * 2 : 8;
        p->v = xrealloc(p->v, p->alloc * sizeof(*p->v));
    }
    size_t name_len = strlen(name) + 1, value_len = strlen(value) + 1;
    char *both = xmalloc(name_len + value_len);
    memcpy(both, name, name_len);
    memcpy(both + name_len, value, value_len);
    p->v[p->n].name = both;
    p->v[p->n].value = both + name_len;
    return p->v[p->n++].value;
}

const char *orgctl_params_get(const orgctl_params *p, const char *name)
{
    for (size_t i = p ? p->n : 0; i-- > 0;)
        if (strcmp(p->v[i].name, name) == 0)
            return p->v[i].value;
    return NULL;
}

bool orgctl_params_has(const orgctl_params *p, const char *name)
{
    return orgctl_params_get(p, name) != NULL;
}

size_t orgctl_params_count(const orgctl_params *p, const char *name)
{
    size_t c = 0;
    for (size_t i = 0; p && i < p->n; i++)
        c += strcmp(p->v[i].name, name) == 0;
    return c;
}

const char *orgctl_params_at(const orgctl_params *p, const char *name, size_t k)
{
    orgctl_params *cursor = (orgctl_params *)p; /* the cursor is a cache, not a change */
    size_t i = 0, want = k;
    if (p && p->at_name && strcmp(p->at_name, name) == 0 && p->at_k < k) {
        i = p->at_i + 1;
        k -= p->at_k + 1;
    }
    for (; p && i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0 && k-- == 0) {
            cursor->at_name = p->v[i].name;
            cursor->at_k = want;
            cursor->at_i = i;
            return p->v[i].value;
        }
    return NULL;
}

void orgctl_params_free(orgctl_params *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        /* a value may be a password (user passwd's "password"): wiped, not just freed */
        char *v = (char *)p->v[i].value;
        explicit_bzero(v, strlen(v));
        free(p->v[i].name);
    }
    free(p->v);
    free(p);
}

/* --- the operation table, made from the kinds' descriptors --- */

/* The kinds that have verbs, in the order of the commands, with the rows of their own
 * verbs (lib/kinds/KIND.c): special verbs, and standard verbs that do more than the
 * generic ones (such a row stands in the standard verb's place). */
static const struct kind_ops {
    const orgctl_kind *kind; /* NULL: a command of verbs of its own only (clone) */
    const orgctl_op *own;
} kind_ops[] = {
    {&orgctl_kind_org, orgctl_org_ops},
    {&orgctl_kind_user, orgctl_user_ops},
    {&orgctl_kind_template, NULL},
    {&orgctl_kind_role, orgctl_role_ops},
    {&orgctl_kind_group, orgctl_group_ops},
    {&orgctl_kind_skill, NULL},
    {&orgctl_kind_access, orgctl_access_ops},
    {&orgctl_kind_capacity, orgctl_capacity_ops},
    {&orgctl_kind_pairing, orgctl_pair_ops},
    {NULL, orgctl_clone_ops},
    {NULL, orgctl_suppress_ops},
    {&orgctl_kind_campaign, orgctl_campaign_ops},
    {&orgctl_kind_strategy, orgctl_strategy_ops},
    {NULL, orgctl_campaign_parts_ops},
};

#define W ORGCTL_OP_WRITE
static const struct standard_verb {
    const char *name;
    unsigned flags;
    enum orgctl_kind_action action;
    int (*run)(orgctl_op_ctx *ctx);
} standard_verbs[] = {
    {"create", W, ORGCTL_ACTION_ADD, orgctl_generic_create},
    {"list", ORGCTL_OP_NO_NAME, ORGCTL_ACTION_VIEW, orgctl_generic_list},
    {"show", 0, ORGCTL_ACTION_VIEW, orgctl_generic_show},
    {"update", W, ORGCTL_ACTION_EDIT, orgctl_generic_update},
    {"rm", W, ORGCTL_ACTION_DELETE, orgctl_generic_rm},
    {"copy", W, ORGCTL_ACTION_ADD, orgctl_generic_copy},
    {"enable", W, ORGCTL_ACTION_EDIT, orgctl_generic_enable},
    {"disable", W, ORGCTL_ACTION_EDIT, orgctl_generic_disable},
};
#undef W

static const struct standard_verb *standard_verb(const char *name)
{
    for (size_t i = 0; i < sizeof(standard_verbs) / sizeof(standard_verbs[0]); i++)
        if (strcmp(standard_verbs[i].name, name) == 0)
            return &standard_verbs[i];
    return NULL;
}

/* The option a field is given by: "members" -> "member", "full_name" -> "full-name". */
static char *field_option(const orgctl_field *f)
{
    size_t len = strlen(f->name);
    if ((f->type == ORGCTL_FIELD_LIST || f->type == ORGCTL_FIELD_MAP) && len > 1 &&
        f->name[len - 1] == 's')
        len--;
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, f->name, len);
    char *option = strbuf_detach(&sb, NULL);
    for (char *c = option; *c; c++)
        if (*c == '_')
            *c = '-';
    return option;
}

static char *upper(const char *s)
{
    char *u = xstrdup(s);
    for (char *c = u; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return u;
}

/* The metavar of a field's option to create or update ("USER", "SKILL=LEVEL", "TEXT"). */
static char *field_metavar(const orgctl_field *f)
{
    if (f->metavar)
        return xstrdup(f->metavar);
    if (f->type == ORGCTL_FIELD_MAP && !f->ref_kind)
        return xstrdup("KEY=VALUE");
    if (!f->ref_kind)
        return xstrdup("TEXT");
    char *ref = upper(f->ref_kind);
    if (f->type != ORGCTL_FIELD_MAP)
        return ref;
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s=%s", ref, (f->flags & ORGCTL_FIELD_RANGE) ? "LEVEL" : "VALUE");
    free(ref);
    return strbuf_detach(&sb, NULL);
}

/* The options of a standard verb: the fields it takes (create, update) or filters by
 * (list, and --search), in the order of the fields. */
static orgctl_param *field_params(const orgctl_kind *kind, const char *verb)
{
    bool list = strcmp(verb, "list") == 0;
    unsigned bit = strcmp(verb, "create") == 0   ? ORGCTL_VERB_CREATE
                   : strcmp(verb, "update") == 0 ? ORGCTL_VERB_UPDATE
                                                 : 0;
    size_t n = 0;
    for (const orgctl_field *f = kind->fields; f->name; f++)
        n++;
    orgctl_param *params = xcalloc(n + 2, sizeof(*params)), *p = params;
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (list && f->filter) {
            char *option = field_option(f);
            *p++ = (orgctl_param){option, 0, upper(f->ref_kind ? f->ref_kind : option), f->filter};
        } else if (!list && (f->verbs & bit)) {
            bool many = f->type == ORGCTL_FIELD_LIST || f->type == ORGCTL_FIELD_MAP;
            *p++ = (orgctl_param){field_option(f), many ? ORGCTL_PARAM_MULTI : 0, field_metavar(f),
                                  f->param_help ? f->param_help : f->help};
        }
    }
    if (list && kind->search)
        *p++ = (orgctl_param){"search", 0, "TEXT", kind->search};
    if (p == params) {
        free(params);
        return NULL;
    }
    return params;
}

/* "change an agent group's description", "... a, b or c": the fields update takes. */
static void update_summary(strbuf *sb, const orgctl_kind *kind, const char *noun)
{
    size_t n = 0, i = 0;
    for (const orgctl_field *f = kind->fields; f->name; f++)
        n += (f->verbs & ORGCTL_VERB_UPDATE) != 0;
    strbuf_addf(sb, "change %s's ", noun);
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (!(f->verbs & ORGCTL_VERB_UPDATE))
            continue;
        if (i++)
            strbuf_adds(sb, i == n ? " or " : ", ");
        for (const char *c = f->name; *c; c++)
            strbuf_addch(sb, *c == '_' ? ' ' : *c);
    }
}

static bool has_members(const orgctl_kind *kind)
{
    for (const orgctl_field *f = kind->fields; f->name; f++)
        if (f->flags & ORGCTL_FIELD_MEMBERS)
            return true;
    return false;
}

/* What help says a standard verb does, when the descriptor does not say it. */
static char *standard_summary(const orgctl_kind *kind, const char *verb)
{
    const char *noun = kind->noun ? kind->noun : kind->name;
    const char *nouns = kind->nouns ? kind->nouns : kind->plural;
    bool members = has_members(kind);
    strbuf sb = STRBUF_INIT;
    if (strcmp(verb, "list") == 0)
        strbuf_addf(&sb, "list %s", nouns);
    else if (strcmp(verb, "update") == 0)
        update_summary(&sb, kind, noun);
    else if (strcmp(verb, "rm") == 0)
        strbuf_addf(&sb, "remove %s%s", noun,
                    members                        ? " (--force: even with members)"
                    : orgctl_kind_referenced(kind) ? " (--force: also from its holders)"
                                                   : "");
    else if (strcmp(verb, "copy") == 0)
        strbuf_addf(&sb, "copy %s%s under a new name", noun, members ? ", members and all," : "");
    else
        strbuf_addf(&sb, "%s %s", verb, noun);
    return strbuf_detach(&sb, NULL);
}

/* The row of the standard verb `v` of `kind`. */
static orgctl_op *standard_row(const orgctl_kind *kind, const orgctl_kind_verb *v,
                               const struct standard_verb *std)
{
    orgctl_op *op = xcalloc(1, sizeof(*op));
    char perm[128];
    op->kind = kind->command ? kind->command : kind->name;
    op->object = kind->command ? kind->name : NULL;
    if (kind->command) {
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "%s-%s", kind->name, v->name);
        op->verb = strbuf_detach(&sb, NULL);
    } else {
        op->verb = v->name;
    }
    op->summary = v->summary ? v->summary : standard_summary(kind, v->name);
    op->flags = std->flags;
    /* an org's verbs act in the org they name */
    if (kind == &orgctl_kind_org)
        op->flags |= ORGCTL_OP_SELF_ORG | ORGCTL_OP_NO_ORG;
    /* an enterprise-wide kind's verbs act in no org of their own (a strategy) */
    if (!kind->per_org)
        op->flags |= ORGCTL_OP_NO_ORG;
    op->permission = v->permission
                         ? v->permission
                         : xstrdup(orgctl_kind_permission(perm, sizeof(perm), kind, std->action));
    if (strcmp(v->name, "rm") == 0)
        op->params = orgctl_kind_referenced(kind) ? orgctl_params_force : NULL;
    else if (strcmp(v->name, "copy") == 0)
        op->params = orgctl_params_copy;
    else
        op->params = field_params(kind, v->name);
    op->run = std->run;
    return op;
}

/* The row of its own table that `kind` gives for `verb` (a standard verb's stand-in, or
 * a special verb), or NULL. */
static const orgctl_op *own_row(const struct kind_ops *k, const char *verb)
{
    const char *prefix = k->kind && k->kind->command ? k->kind->name : NULL;
    size_t plen = prefix ? strlen(prefix) : 0;
    for (const orgctl_op *op = k->own; op && op->kind; op++)
        if (prefix ? strncmp(op->verb, prefix, plen) == 0 && op->verb[plen] == '-' &&
                         strcmp(op->verb + plen + 1, verb) == 0
                   : strcmp(op->verb, verb) == 0)
            return op;
    return NULL;
}

static const orgctl_op **table;

static void make_table(void)
{
    size_t n = 0, alloc = 64;
    const orgctl_op **ops = xcalloc(alloc, sizeof(*ops));
    for (size_t i = 0; i < sizeof(kind_ops) / sizeof(kind_ops[0]); i++) {
        const struct kind_ops *k = &kind_ops[i];
        size_t first = n;
        for (const orgctl_kind_verb *v = k->kind ? k->kind->verbs : NULL; v && v->name; v++) {
            const orgctl_op *own = own_row(k, v->name);
            const struct standard_verb *std = standard_verb(v->name);
            if (n + 2 >= alloc)
                ops = xrealloc(ops, (alloc *= 2) * sizeof(*ops));
            if (own)
                ops[n++] = own;
            else if (std)
                ops[n++] = standard_row(k->kind, v, std);
            /* else: a verb the kind names and does not have (tests/unit: none) */
        }
        /* its own verbs the descriptor does not place come after */
        for (const orgctl_op *op = k->own; op && op->kind; op++) {
            bool placed = false;
            for (size_t j = first; j < n && !placed; j++)
                placed = ops[j] == op;
            if (placed)
                continue;
            if (n + 2 >= alloc)
                ops = xrealloc(ops, (alloc *= 2) * sizeof(*ops));
            ops[n++] = op;
        }
    }
    ops[n] = NULL;
    table = ops;
}

static const orgctl_op *const *all_ops(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_table);
    return table;
}

const orgctl_op *const *orgctl_ops(void)
{
    return all_ops();
}

const orgctl_op *orgctl_op_lookup(const char *kind, const char *verb)
{
    /* the rows of a bulk set ask for the same few ops over and over */
    static _Thread_local const orgctl_op *last;
    if (last && strcmp(last->kind, kind) == 0 && strcmp(last->verb, verb) == 0)
        return last;
    for (const orgctl_op *const *op = all_ops(); *op; op++)
        if (strcmp((*op)->kind, kind) == 0 && strcmp((*op)->verb, verb) == 0)
            return last = *op;
    return NULL;
}

const orgctl_param *orgctl_op_param(const orgctl_op *op, const char *name)
{
    for (const orgctl_param *p = op->params; p && p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

const orgctl_kind *orgctl_op_kind(const orgctl_op *op)
{
    return orgctl_kind_lookup(op->object ? op->object : op->kind);
}

/* A change set's first line when the operation gave none: "user role-add alice
 * Supervisor" as typed ("user role add alice Supervisor"): the verb, the name and the
 * positional arguments, never an option's value (it may be a secret). */
static char *describe_call(const orgctl_op_ctx *ctx)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, ctx->op->kind);
    strbuf_addch(&sb, ' ');
    for (const char *c = ctx->op->verb; *c; c++)
        strbuf_addch(&sb, *c == '-' ? ' ' : *c);
    if (ctx->name) {
        strbuf_addch(&sb, ' ');
        strbuf_adds(&sb, ctx->name);
    }
    for (const orgctl_param *p = ctx->op->params; p && p->name; p++) {
        if (!(p->flags & ORGCTL_PARAM_POSITIONAL))
            continue;
        for (size_t i = 0; i < orgctl_params_count(ctx->params, p->name); i++) {
            strbuf_addch(&sb, ' ');
            strbuf_adds(&sb, orgctl_params_at(ctx->params, p->name, i));
        }
    }
    return strbuf_detach(&sb, NULL);
}

int orgctl_op_run(orgctl_op_ctx *ctx)
{
    const orgctl_op *op = ctx->op;
    int error;
    /* An org's operations act in the org they name. */
    if ((op->flags & ORGCTL_OP_SELF_ORG) && ctx->name)
        ctx->org = ctx->name;
    if (!(op->flags & ORGCTL_OP_NO_NAME) &&
        (error = orgctl_name_validate(op->object ? op->object : op->kind, ctx->name)) < 0)
        return error;
    if (!(op->flags & ORGCTL_OP_NO_ORG)) {
        if (!ctx->org || !*ctx->org)
            return orgctl_error_set(ORGCTL_EINVALID, "no org: give --org ORG");
        if (!orgctl_object_exists(ctx->repo, &orgctl_kind_org, ctx->org, ctx->org)) {
            /* not found, or (naming the file) there but not believed */
            cJSON *org = NULL;
            error = orgctl_object_load(ctx->repo, &orgctl_kind_org, ctx->org, ctx->org, &org);
            cJSON_Delete(org);
            if (error < 0)
                return error;
        }
    }
    for (const orgctl_param *p = op->params; p && p->name; p++)
        if ((p->flags & ORGCTL_PARAM_REQUIRED) && !orgctl_params_has(ctx->params, p->name))
            return orgctl_error_set(ORGCTL_EINVALID, "%s%s is required",
                                    (p->flags & ORGCTL_PARAM_POSITIONAL) ? "" : "--",
                                    (p->flags & ORGCTL_PARAM_POSITIONAL) ? p->metavar : p->name);
    if ((op->flags & ORGCTL_OP_WRITE) && !ctx->cs)
        return orgctl_error_set(ORGCTL_ERROR, "%s %s needs a change set", op->kind, op->verb);
    if (op->permission && !(op->flags & ORGCTL_OP_OWN_CHECK) &&
        (error = orgctl_perm_check(ctx->repo, ctx->org, op->permission)) < 0)
        return error;
    if ((error = op->run(ctx)) < 0)
        return error;
    if ((op->flags & ORGCTL_OP_WRITE) && !ctx->summary)
        ctx->summary = describe_call(ctx);
    /* Only the enterprise org's objects can lock its administrator out. */
    if ((op->flags & ORGCTL_OP_WRITE) && ctx->org && ctx->repo->ctx->enterprise_org &&
        strcmp(ctx->org, ctx->repo->ctx->enterprise_org) == 0)
        return orgctl_perm_keep_enterprise_admin(ctx->repo);
    return 0;
}

void orgctl_op_ctx_clear(orgctl_op_ctx *ctx)
{
    cJSON_Delete(ctx->result);
    free(ctx->summary);
    orgctl_rows_free(ctx->rows);
    ctx->result = NULL;
    ctx->summary = NULL;
    ctx->rows = NULL;
}
