/* Capacity rules: validation of the media maxima and the combination rule, and the verbs,
 * including assigning a rule to users and agent groups. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ops.h"
#include "orgctl/capacity.h"

static const char *const media[] = {"voice", "chat", "email", "message", "callback", NULL};

const char *const *orgctl_capacity_media(void)
{
    return media;
}

/* A recursive-descent reader of the combination rule:
 *   rule := term { OR term }   term := factor { AND factor }   factor := MEDIUM | ( rule ) */
struct reader {
    const char *text, *p;
    const cJSON *rule;
    unsigned seen; /* one bit per medium */
    char word[32];
};

static const char *next_word(struct reader *r)
{
    while (*r->p == ' ' || *r->p == '\t')
        r->p++;
    size_t n = 0;
    if (*r->p == '(' || *r->p == ')') {
        r->word[n++] = *r->p++;
    } else {
        while (*r->p && !strchr(" \t()", *r->p) && n + 1 < sizeof(r->word))
            r->word[n++] = *r->p++;
    }
    r->word[n] = '\0';
    return r->word;
}

static int rule_error(struct reader *r, const char *why)
{
    return orgctl_error_set(ORGCTL_EINVALID, "combination rule \"%s\": %s", r->text, why);
}

static int read_rule(struct reader *r, int depth);

static int read_factor(struct reader *r, int depth)
{
    const char *w = next_word(r);
    if (strcmp(w, "(") == 0) {
        int error = read_rule(r, depth + 1);
        if (error < 0)
            return error;
        if (strcmp(r->word, ")") != 0)
            return rule_error(r, "a '(' is not closed");
        next_word(r);
        return 0;
    }
    if (!*w || strcmp(w, ")") == 0 || strcasecmp(w, "and") == 0 || strcasecmp(w, "or") == 0)
        return rule_error(r, *w ? "a media type is missing before an operator or ')'"
                                : "a media type is missing at the end");
    for (int i = 0; media[i]; i++) {
        if (strcmp(w, media[i]) != 0)
            continue;
        if (r->seen & (1u << i))
            return orgctl_error_set(ORGCTL_EINVALID, "combination rule \"%s\" names %s twice",
                                    r->text, w);
        r->seen |= 1u << i;
        const cJSON *max = r->rule ? cJSON_GetObjectItemCaseSensitive(r->rule, w) : NULL;
        if (r->rule && (!cJSON_IsNumber(max) || max->valuedouble < 1))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "combination rule \"%s\" names %s, whose maximum is 0; "
                                    "give --%s N first",
                                    r->text, w, w);
        next_word(r);
        return 0;
    }
    return orgctl_error_set(ORGCTL_EINVALID,
                            "combination rule \"%s\": unknown media type \"%s\" (voice, chat, "
                            "email, message or callback)",
                            r->text, w);
}

/* Reads operands joined by `op`, each read by `operand`; leaves the next word in r->word. */
static int read_chain(struct reader *r, int depth, const char *op,
                      int (*operand)(struct reader *, int))
{
    int error;
    do {
        if ((error = operand(r, depth)) < 0)
            return error;
    } while (strcasecmp(r->word, op) == 0);
    return 0;
}

static int read_term(struct reader *r, int depth)
{
    return read_chain(r, depth, "and", read_factor);
}

static int read_rule(struct reader *r, int depth)
{
    if (depth > 8)
        return rule_error(r, "parentheses nest too deep");
    return read_chain(r, depth, "or", read_term);
}

int orgctl_capacity_combine_check(const char *combine, const cJSON *rule)
{
    struct reader r = {combine, combine, rule, 0, ""};
    int error = read_rule(&r, 0);
    if (error < 0)
        return error;
    if (strcmp(r.word, ")") == 0)
        return rule_error(&r, "a ')' has no '('");
    if (*r.word)
        return orgctl_error_set(ORGCTL_EINVALID, "combination rule \"%s\": \"%s\" is not AND or OR",
                                combine, r.word);
    return 0;
}

int orgctl_capacity_validate(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    const cJSON *combine = cJSON_GetObjectItemCaseSensitive(obj, "combine");
    if (!combine)
        return 0;
    return orgctl_capacity_combine_check(combine->valuestring, obj);
}

static int capacity_create(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_new(ctx, &obj);
    if (error < 0)
        return error;
    for (int i = 0; media[i]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(obj, media[i]))
            cJSON_AddNumberToObject(obj, media[i], 0);
    return orgctl_generic_put(ctx, obj);
}

/* Sets (rule != NULL) or clears the capacity rule of the users or groups named by
 * parameter `param`, listing them in the result. */
static int assign_to(orgctl_op_ctx *ctx, const orgctl_kind *kind, const char *param,
                     const char *rule)
{
    cJSON *done = cJSON_AddArrayToObject(ctx->result, kind->plural);
    for (size_t i = 0; i < orgctl_params_count(ctx->params, param); i++) {
        const char *name = orgctl_params_at(ctx->params, param, i);
        cJSON *obj = NULL;
        int error = orgctl_object_load(ctx->repo, kind, ctx->org, name, &obj);
        if (error < 0)
            return error;
        const char *had = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "capacity"));
        if (!rule && (!had || strcmp(had, ctx->name) != 0)) {
            if (had)
                error = orgctl_error_set(ORGCTL_ENOTFOUND,
                                         "%s \"%s\" has capacity rule \"%s\", not \"%s\"",
                                         kind->name, name, had, ctx->name);
            else
                error = orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" has no capacity rule",
                                         kind->name, name);
            cJSON_Delete(obj);
            return error;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "capacity");
        if (rule)
            cJSON_AddStringToObject(obj, "capacity", rule);
        error = orgctl_changeset_put(ctx->cs, kind, ctx->org, obj);
        cJSON_Delete(obj);
        if (error < 0)
            return error;
        cJSON_AddItemToArray(done, cJSON_CreateString(name));
    }
    return 0;
}

static int capacity_assign_or_clear(orgctl_op_ctx *ctx, bool assign)
{
    cJSON *rule = NULL;
    int error = orgctl_generic_load(ctx, &rule);
    if (error < 0)
        return error;
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(rule, "state"));
    bool disabled = !state || strcmp(state, "enabled") != 0;
    cJSON_Delete(rule);
    if (assign && disabled)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "capacity rule \"%s\" is disabled; enable it first", ctx->name);
    if (!orgctl_params_has(ctx->params, "user") && !orgctl_params_has(ctx->params, "group"))
        return orgctl_error_set(ORGCTL_EINVALID, "give --user USER or --group GROUP");
    ctx->result = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx->result, "rule", ctx->name);
    const char *value = assign ? ctx->name : NULL;
    if ((error = assign_to(ctx, &orgctl_kind_user, "user", value)) < 0)
        return error;
    return assign_to(ctx, &orgctl_kind_group, "group", value);
}

static int capacity_assign(orgctl_op_ctx *ctx)
{
    return capacity_assign_or_clear(ctx, true);
}

static int capacity_unassign(orgctl_op_ctx *ctx)
{
    return capacity_assign_or_clear(ctx, false);
}

#define MEDIA_PARAMS(what)                                                                         \
    {"voice", 0, "N", what " voice calls at once (0 to 100)"},                                     \
        {"chat", 0, "N", what " chats at once (0 to 100)"},                                        \
        {"email", 0, "N", what " e-mails at once (0 to 100)"},                                     \
        {"message", 0, "N", what " messages at once (0 to 100)"},                                  \
    {                                                                                              \
        "callback", 0, "N", what " callbacks at once (0 to 100)"                                   \
    }

static const orgctl_param create_params[] = {
    MEDIA_PARAMS("most (default 0)"),
    {"combine", 0, "RULE", "which media may be mixed, e.g. \"voice AND chat\""},
    {"description", 0, "TEXT", "what the rule is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param update_params[] = {
    MEDIA_PARAMS("most"),
    {"combine", 0, "RULE", "a new combination rule (\"\" drops it)"},
    {"description", 0, "TEXT", "what the rule is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param assign_params[] = {
    {"user", ORGCTL_PARAM_MULTI, "USER", "a user to give the rule"},
    {"group", ORGCTL_PARAM_MULTI, "GROUP", "an agent group to give the rule"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
#define MANAGE "routing:utilization:manage"
const orgctl_op orgctl_capacity_ops[] = {
    {"capacity", "create", "create a capacity rule", W, MANAGE, create_params, capacity_create},
    {"capacity", "update", "change a capacity rule's maxima, combination or description", W, MANAGE,
     update_params, orgctl_generic_update},
    {"capacity", "assign", "give users or agent groups a capacity rule", W, MANAGE, assign_params,
     capacity_assign},
    {"capacity", "unassign", "take a capacity rule from users or agent groups", W, MANAGE,
     assign_params, capacity_unassign},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
