/* The registry of operations, their parameters, and running one. */
#include <stdlib.h>
#include <string.h>

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

static const orgctl_op *const *all_ops(void)
{
    static const orgctl_op **ops;
    if (ops)
        return ops;
    const orgctl_op *tables[] = {orgctl_org_ops,    orgctl_user_ops,     orgctl_template_ops,
                                 orgctl_role_ops,   orgctl_group_ops,    orgctl_skill_ops,
                                 orgctl_access_ops, orgctl_capacity_ops, orgctl_pair_ops,
                                 orgctl_clone_ops,  orgctl_suppress_ops};
    size_t n = 0;
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const orgctl_op *op = tables[t]; op->kind; op++)
            n++;
    ops = xcalloc(n + 1, sizeof(*ops));
    n = 0;
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const orgctl_op *op = tables[t]; op->kind; op++)
            ops[n++] = op;
    return ops;
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
    ctx->result = NULL;
    ctx->summary = NULL;
}
