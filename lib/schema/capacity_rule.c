/* Capacity rules' own rules, beside their descriptor: the media and the combination rule
 * (include/orgctl/capacity.h). The kind's verbs are lib/kinds/capacity.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "orgctl/capacity.h"
#include "orgctl/errors.h"

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
