/* Outbound campaigns (orgctl-campaign(1)): strategies of the enterprise, campaigns and
 * their sub-campaigns in each org, and the enterprise's compliance rules. The kinds are
 * lib/schema/campaign.c; here are the verbs and the rules between objects: a campaign
 * within compliance, the state machine of Genesys Cloud's campaigns (off, on, stopping,
 * complete, invalid), at most 50 running campaigns per org, and a compliance change
 * that would break campaigns refused, or with --force turning them invalid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "nanpa.h"
#include "ops.h"
#include "orgctl/object.h"
#include "tz.h"

/* --- reading the objects a rule needs --- */

static const char *str_of(const cJSON *obj, const char *field)
{
    return orgctl_campaign_str(obj, field);
}

static int int_of(const cJSON *obj, const char *field, int otherwise)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    return cJSON_IsNumber(v) ? v->valueint : otherwise;
}

static void set_str(cJSON *obj, const char *field, const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
    if (value)
        cJSON_AddStringToObject(obj, field, value);
}

/* The compliance rules: an empty object when none were set. */
static int load_compliance(orgctl_repo *repo, cJSON **out)
{
    if (!orgctl_object_exists(repo, &orgctl_kind_compliance, "", ORGCTL_COMPLIANCE_NAME)) {
        *out = cJSON_CreateObject();
        cJSON_AddStringToObject(*out, "name", ORGCTL_COMPLIANCE_NAME);
        return 0;
    }
    return orgctl_object_load(repo, &orgctl_kind_compliance, "", ORGCTL_COMPLIANCE_NAME, out);
}

/* The suppression list kind, when this build has one (orgctl-suppress(1)). */
static const orgctl_kind *list_kind(void)
{
    return orgctl_kind_lookup("suppress");
}

static int check_lists_exist(orgctl_repo *repo, const char *org, const char *what,
                             const cJSON *lists)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, lists)
    {
        const orgctl_kind *k = list_kind();
        if (!cJSON_IsString(l) || !k || !orgctl_object_exists(repo, k, org, l->valuestring))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s: suppression list \"%.100s\" does not exist", what,
                                    cJSON_IsString(l) ? l->valuestring : "");
    }
    return 0;
}

/* Why `campaign` (with its `strategy`, NULL when gone) breaks the `rules`, in *why
 * (malloc'd), or NULL when it keeps them: the rule is named. */
static char *breaks_compliance(const cJSON *rules, const cJSON *campaign, const cJSON *strategy)
{
    strbuf why = STRBUF_INIT;
    const char *cw = str_of(rules, "window"), *w = str_of(campaign, "window");
    int ca, cb, a, b;
    if (cw && w && orgctl_window_parse("window", cw, &ca, &cb) == 0 &&
        orgctl_window_parse("window", w, &a, &b) == 0 && (a < ca || b > cb))
        strbuf_addf(&why, "window %s is outside the compliance window %s", w, cw);
    const char *cd = str_of(rules, "days"), *d = str_of(campaign, "days");
    unsigned cm, m;
    if (!why.len && cd && d && orgctl_days_parse("days", cd, &cm) == 0 &&
        orgctl_days_parse("days", d, &m) == 0 && (m & ~cm))
        strbuf_addf(&why, "days %s are outside the compliance days %s", d, cd);
    orgctl_error_clear();
    int max = int_of(rules, "max_attempts", 0);
    int attempts = int_of(campaign, "max_attempts", int_of(strategy, "max_attempts", 0));
    if (!why.len && max && attempts > max)
        strbuf_addf(&why, "max attempts %d is above the compliance maximum of %d", attempts, max);
    /* a required list is none of a campaign's business: every load honours it */
    if (!why.len) {
        strbuf_release(&why);
        return NULL;
    }
    return strbuf_detach(&why, NULL);
}

/* The strategy a campaign names, or NULL (and no error) when it is gone. */
static cJSON *strategy_of(orgctl_repo *repo, const cJSON *campaign)
{
    const char *name = str_of(campaign, "strategy");
    cJSON *s = NULL;
    if (name && orgctl_object_exists(repo, &orgctl_kind_strategy, "", name) &&
        orgctl_object_load(repo, &orgctl_kind_strategy, "", name, &s) == 0)
        return s;
    orgctl_error_clear();
    return NULL;
}

/* Everything a campaign needs to run: its strategy, its lists, the rules between them and
 * compliance (power and predictive dialing need an abandon rate, as Genesys Cloud). */
static int check_campaign(orgctl_repo *repo, const char *org, const cJSON *campaign)
{
    const char *name = str_of(campaign, "name");
    char what[300];
    snprintf(what, sizeof(what), "campaign \"%.255s\"", name);
    cJSON *strategy = strategy_of(repo, campaign), *rules = NULL;
    int error = 0;
    if (!strategy)
        return orgctl_error_set(ORGCTL_EINVALID, "%s: strategy \"%.100s\" does not exist", what,
                                str_of(campaign, "strategy"));
    const char *mode = str_of(strategy, "mode"), *zone = str_of(campaign, "tz");
    orgctl_tz *tz = NULL;
    if (zone && orgctl_tz_load(&tz, NULL, zone) < 0) {
        char why[256];
        snprintf(why, sizeof(why), "%s", orgctl_error_last());
        error = orgctl_error_set(ORGCTL_EINVALID, "%s: unknown time zone: %s", what, why);
    }
    orgctl_tz_free(tz);
    if (!error && mode && (strcmp(mode, "power") == 0 || strcmp(mode, "predictive") == 0) &&
        !cJSON_GetObjectItemCaseSensitive(campaign, "abandon_rate"))
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "%s: strategy \"%s\" dials in %s mode, which needs "
                                 "--abandon-rate",
                                 what, str_of(strategy, "name"), mode);
    if (!error)
        error = check_lists_exist(repo, org, what,
                                  cJSON_GetObjectItemCaseSensitive(campaign, "suppress"));
    if (!error && (error = load_compliance(repo, &rules)) == 0) {
        char *why = breaks_compliance(rules, campaign, strategy);
        if (why)
            error = orgctl_error_set(ORGCTL_EINVALID, "%s would weaken compliance: %s", what, why);
        free(why);
    }
    cJSON_Delete(rules);
    cJSON_Delete(strategy);
    return error;
}

/* --- strategies --- */

/* The options of strategy create and update: update takes --mode as one of them. */
#define STRATEGY_OPTIONS                                                                           \
    {"description", 0, "TEXT", "what the strategy is for"},                                        \
        {"max-attempts", 0, "N", "most attempts per contact (1 to 100)"},                          \
        {"reset-days", 0, "DAYS", "days after which attempts count from zero (0: never)"},         \
        {"treatment", ORGCTL_PARAM_MULTI, "RESULT=retry:MINUTES|RESULT=no-retry",                  \
         "what a call result leads to (busy, no-answer, answering-machine, fax, dropped)"},        \
        {"window", 0, "HH:MM-HH:MM", "default calling window"},                                    \
    {                                                                                              \
        "days", 0, "DAYS", "default calling days, e.g. mon-fri"                                    \
    }
#define MODE_HELP "dialing mode: agentless, preview, power, predictive, progressive"
static const orgctl_param strategy_params[] = {
    {"mode", 0, "MODE", MODE_HELP},
    STRATEGY_OPTIONS,
    ORGCTL_PARAMS_END,
};
static const orgctl_param strategy_create_params[] = {
    {"mode", ORGCTL_PARAM_REQUIRED, "MODE", MODE_HELP},
    STRATEGY_OPTIONS,
    ORGCTL_PARAMS_END,
};

/* The campaigns of every org that use strategy `name`: [{org, name}]. */
static int campaigns_using(orgctl_repo *repo, const char *strategy, cJSON **out)
{
    cJSON *orgs = NULL, *found = cJSON_CreateArray();
    int error = orgctl_object_names(&orgs, repo, &orgctl_kind_org, "", "");
    const cJSON *o;
    cJSON_ArrayForEach(o, (error ? NULL : orgs))
    {
        cJSON *names = NULL;
        if ((error = orgctl_object_referrers(&names, repo, &orgctl_kind_campaign, o->valuestring,
                                             "strategy", strategy)) < 0)
            break;
        const cJSON *n;
        cJSON_ArrayForEach(n, names)
        {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "org", o->valuestring);
            cJSON_AddStringToObject(c, "name", n->valuestring);
            cJSON_AddItemToArray(found, c);
        }
        cJSON_Delete(names);
    }
    cJSON_Delete(orgs);
    if (error < 0) {
        cJSON_Delete(found);
        return error;
    }
    *out = found;
    return 0;
}

/* 'acme/Renewals, beta/Winback and 3 more' */
static void describe_campaigns(strbuf *sb, const cJSON *list)
{
    int n = cJSON_GetArraySize(list), i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, list)
    {
        if (i == 10) {
            strbuf_addf(sb, " and %d more", n - 10);
            break;
        }
        strbuf_addf(sb, "%s%s/%s", i++ ? ", " : "", str_of(c, "org"), str_of(c, "name"));
    }
}

/* Makes the campaign `name` of `org` invalid (a running one stops calling), saying why. */
static int make_invalid(orgctl_op_ctx *ctx, const char *org, const char *name, const char *why)
{
    cJSON *obj = NULL;
    int error = orgctl_object_load(ctx->repo, &orgctl_kind_campaign, org, name, &obj);
    if (error < 0)
        return error;
    set_str(obj, "status", "invalid");
    set_str(obj, "invalid_reason", why);
    error = orgctl_changeset_put(ctx->cs, &orgctl_kind_campaign, org, obj);
    cJSON_Delete(obj);
    return error;
}

/* "strategy rm": refused while campaigns use it; with --force they become invalid. */
static int strategy_rm(orgctl_op_ctx *ctx)
{
    cJSON *users = NULL, *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    cJSON_Delete(obj);
    if (error < 0 || (error = campaigns_using(ctx->repo, ctx->name, &users)) < 0)
        return error;
    if (cJSON_GetArraySize(users) > 0 && !orgctl_params_has(ctx->params, "force")) {
        strbuf sb = STRBUF_INIT;
        describe_campaigns(&sb, users);
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "strategy \"%s\" is used by campaigns %s; give --force to "
                                 "remove it and make them invalid",
                                 ctx->name, strbuf_str(&sb));
        strbuf_release(&sb);
    }
    char why[320];
    snprintf(why, sizeof(why), "strategy \"%.255s\" was removed", ctx->name);
    const cJSON *c;
    cJSON_ArrayForEach(c, (error ? NULL : users))
    {
        /* a disabled org's campaigns do not call and nothing in it changes: left as they are */
        if (orgctl_changeset_org_disabled(ctx->cs, str_of(c, "org")))
            continue;
        if ((error = make_invalid(ctx, str_of(c, "org"), str_of(c, "name"), why)) < 0)
            break;
    }
    if (!error)
        error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_strategy, "", ctx->name);
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "removed", ctx->name);
        cJSON_AddItemToObject(ctx->result, "invalid", users);
        users = NULL;
    }
    cJSON_Delete(users);
    return error;
}

/* --- campaigns --- */

/* The options of campaign create and update but --strategy and --tz, which create needs. */
#define CAMPAIGN_OPTIONS                                                                           \
    {"window", 0, "HH:MM-HH:MM", "calling window (default: the strategy's)"},                      \
        {"days", 0, "DAYS", "calling days, e.g. mon-fri (default: the strategy's)"},               \
        {"suppress", ORGCTL_PARAM_MULTI, "LIST", "a suppression list to honour"},                  \
        {"max-attempts", 0, "N", "most attempts per contact (1 to 100; default: the strategy's)"}, \
        {"abandon-rate", 0, "PCT",                                                                 \
         "most abandoned calls, percent (power and predictive need it)"},                          \
        {"priority", 0, "1-5", "priority, 1 (low) to 5"},                                          \
    {                                                                                              \
        "description", 0, "TEXT", "what the campaign is for"                                       \
    }
#define STRATEGY_HELP "the campaign strategy (enterprise-wide)"
#define TZ_HELP "IANA time zone of the window, e.g. America/New_York"
static const orgctl_param campaign_create_params[] = {
    {"strategy", ORGCTL_PARAM_REQUIRED, "STRATEGY", STRATEGY_HELP},
    {"tz", ORGCTL_PARAM_REQUIRED, "ZONE", TZ_HELP},
    CAMPAIGN_OPTIONS,
    ORGCTL_PARAMS_END,
};
static const orgctl_param stop_params[] = {
    {"wait", ORGCTL_PARAM_FLAG, NULL, "finish stopping: the campaign is off at once"},
    ORGCTL_PARAMS_END,
};

/* The window and days a campaign has not given: the strategy's. */
static void take_defaults(orgctl_repo *repo, cJSON *campaign)
{
    cJSON *strategy = strategy_of(repo, campaign);
    for (int i = 0; strategy && i < 2; i++) {
        const char *f = i ? "days" : "window";
        if (!cJSON_GetObjectItemCaseSensitive(campaign, f) && str_of(strategy, f))
            cJSON_AddStringToObject(campaign, f, str_of(strategy, f));
    }
    cJSON_Delete(strategy);
}

/* Stages a campaign once it keeps every rule between objects. */
static int campaign_put_checked(orgctl_op_ctx *ctx, cJSON *obj)
{
    int error = check_campaign(ctx->repo, ctx->org, obj);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

static int campaign_create(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_new(ctx, &obj);
    if (error < 0)
        return error;
    set_str(obj, "status", "off");
    take_defaults(ctx->repo, obj);
    return campaign_put_checked(ctx, obj);
}

static const char *state_of(const cJSON *campaign)
{
    const char *s = str_of(campaign, "status");
    return s ? s : "";
}

static bool running(const char *state)
{
    return strcmp(state, "on") == 0 || strcmp(state, "stopping") == 0;
}

static int campaign_update(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if (running(state_of(obj)))
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "campaign \"%s\" is %s: stop it (campaign stop --wait) before "
                                 "changing it",
                                 ctx->name, state_of(obj));
    if (!error)
        error = orgctl_generic_apply_params(ctx, obj);
    for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, "unsuppress"); i++) {
        const char *l = orgctl_params_at(ctx->params, "unsuppress", i);
        cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, "suppress");
        int k = 0, at = -1;
        const cJSON *item;
        cJSON_ArrayForEach(item, list)
        {
            if (cJSON_IsString(item) && strcmp(item->valuestring, l) == 0)
                at = k;
            k++;
        }
        if (at < 0)
            error = orgctl_error_set(ORGCTL_ENOTFOUND,
                                     "campaign \"%s\" does not honour list \"%s\"", ctx->name, l);
        else
            cJSON_DeleteItemFromArray(list, at);
    }
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return campaign_put_checked(ctx, obj);
}

/* How many campaigns of the org are on or stopping, but `except`. */
static int count_running(orgctl_repo *repo, const char *org, const char *except, int *count)
{
    *count = 0;
    for (int i = 0; i < 2; i++) {
        orgctl_filter f = {"status", i ? "stopping" : "on", NULL};
        cJSON *list = NULL;
        int error = orgctl_object_list(&list, repo, &orgctl_kind_campaign, org, &f, 1, NULL);
        if (error < 0)
            return error;
        const cJSON *c;
        cJSON_ArrayForEach(c, list)
        {
            *count += strcmp(str_of(c, "name"), except) != 0;
        }
        cJSON_Delete(list);
    }
    return 0;
}

/* Moves the campaign to `to`, when the state machine allows it from where it is. */
static int transition(orgctl_op_ctx *ctx, const char *to)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    const char *from = state_of(obj);
    bool wait = orgctl_params_has(ctx->params, "wait");
    char refused[160] = "";
    if (strcmp(to, "on") == 0) {
        if (running(from))
            snprintf(refused, sizeof(refused), "it is %s already", from);
    } else if (strcmp(to, "stopping") == 0) {
        if (strcmp(from, "complete") == 0)
            snprintf(refused, sizeof(refused), "complete -> off is not allowed (start it again)");
        else if (!running(from))
            snprintf(refused, sizeof(refused), "it is %s, not on", from);
        if (wait || strcmp(from, "stopping") == 0)
            to = "off"; /* stop --wait, or a stop of a stopping campaign: it is done */
    } else if (strcmp(to, "complete") == 0 && !running(from)) {
        snprintf(refused, sizeof(refused), "it is %s: only a campaign on or stopping completes",
                 from);
    }
    if (*refused)
        error = orgctl_error_set(ORGCTL_EINVALID, "campaign \"%s\" cannot go from %s to %s: %s",
                                 ctx->name, from, to, refused);
    int n = 0;
    if (!error && strcmp(to, "on") == 0) {
        if ((error = check_campaign(ctx->repo, ctx->org, obj)) < 0)
            ;
        else if ((error = count_running(ctx->repo, ctx->org, ctx->name, &n)) == 0 &&
                 n >= ORGCTL_CAMPAIGN_MAX_RUNNING)
            error = orgctl_error_set(ORGCTL_EINVALID,
                                     "campaign \"%s\" cannot start: org \"%s\" has %d campaigns on "
                                     "or stopping, the limit is %d",
                                     ctx->name, ctx->org, n, ORGCTL_CAMPAIGN_MAX_RUNNING);
    }
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    set_str(obj, "status", to);
    set_str(obj, "invalid_reason", NULL);
    return orgctl_generic_put(ctx, obj);
}

static int campaign_start(orgctl_op_ctx *ctx)
{
    return transition(ctx, "on");
}

static int campaign_stop(orgctl_op_ctx *ctx)
{
    return transition(ctx, "stopping");
}

static int campaign_complete(orgctl_op_ctx *ctx)
{
    return transition(ctx, "complete");
}

/* "rm": only while off; its sub-campaigns go with it (--force), else it is refused. */
static int campaign_rm(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL, *subs = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if (strcmp(state_of(obj), "off") != 0)
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "campaign \"%s\" is %s: only a campaign that is off is removed",
                                 ctx->name, state_of(obj));
    cJSON_Delete(obj);
    if (!error)
        error = orgctl_object_referrers(&subs, ctx->repo, &orgctl_kind_subcampaign, ctx->org,
                                        "campaign", ctx->name);
    if (!error && cJSON_GetArraySize(subs) > 0 && !orgctl_params_has(ctx->params, "force"))
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "campaign \"%s\" has %d sub-campaigns; give --force to remove "
                                 "them too",
                                 ctx->name, cJSON_GetArraySize(subs));
    const cJSON *s;
    cJSON_ArrayForEach(s, (error ? NULL : subs))
    {
        if ((error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_subcampaign, ctx->org,
                                             s->valuestring)) < 0)
            break;
    }
    if (!error)
        error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_campaign, ctx->org, ctx->name);
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "removed", ctx->name);
        cJSON_AddItemToObject(ctx->result, "subcampaigns", subs);
        subs = NULL;
    }
    cJSON_Delete(subs);
    return error;
}

static int campaign_copy(orgctl_op_ctx *ctx)
{
    int error = orgctl_generic_copy(ctx);
    if (error < 0)
        return error;
    cJSON *copy = cJSON_Duplicate(ctx->result, true); /* a copy starts off */
    set_str(copy, "status", "off");
    set_str(copy, "invalid_reason", NULL);
    return orgctl_generic_put(ctx, copy);
}

/* --- sub-campaigns --- */

static const orgctl_param sub_create_params[] = {
    {"campaign", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "CAMPAIGN", "its campaign"},
    {"sub", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "SUB", "the sub-campaign's name"},
    {"start", ORGCTL_PARAM_REQUIRED, "TIME", "first moment of calling, YYYY-MM-DD[THH:MM:SSZ]"},
    {"end", ORGCTL_PARAM_REQUIRED, "TIME", "last moment of calling"},
    {"description", 0, "TEXT", "what the sub-campaign is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param sub_list_params[] = {
    {"campaign", 0, "CAMPAIGN", "only the sub-campaigns of this campaign"},
    {"status", 0, "STATUS", "only sub-campaigns in this status"},
    {"search", 0, "TEXT", "only sub-campaigns whose name contains TEXT"},
    ORGCTL_PARAMS_END,
};

/* A time as stored: ISO 8601 UTC. */
static int normalise_time(const char *what, const char *text, char *out, size_t size)
{
    time_t t;
    int error = orgctl_time_parse(&t, NULL, what, text);
    if (error == 0)
        orgctl_time_format(t, out, size);
    return error;
}

static int sub_create(orgctl_op_ctx *ctx)
{
    const char *campaign = orgctl_params_get(ctx->params, "campaign");
    const char *sub = orgctl_params_get(ctx->params, "sub");
    char start[32], end[32];
    int error;
    if ((error = orgctl_name_validate("sub-campaign", sub)) < 0 ||
        (error = orgctl_name_validate("campaign", campaign)) < 0)
        return error;
    if (!orgctl_object_exists(ctx->repo, &orgctl_kind_campaign, ctx->org, campaign))
        return orgctl_error_set(ORGCTL_ENOTFOUND, "campaign \"%s\" does not exist in org \"%s\"",
                                campaign, ctx->org);
    if ((error = normalise_time("--start", orgctl_params_get(ctx->params, "start"), start,
                                sizeof(start))) < 0 ||
        (error = normalise_time("--end", orgctl_params_get(ctx->params, "end"), end, sizeof(end))) <
            0)
        return error;
    ctx->name = sub;
    cJSON *obj = NULL;
    if ((error = orgctl_generic_new(ctx, &obj)) < 0)
        return error;
    set_str(obj, "campaign", campaign);
    set_str(obj, "status", "off");
    set_str(obj, "start", start);
    set_str(obj, "end", end);
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "campaign sub create %s %s", campaign, sub);
    ctx->summary = strbuf_detach(&sb, NULL);
    return orgctl_generic_put(ctx, obj);
}

/* What a sub-campaign takes from its campaign and the campaign's strategy: the dialing
 * mode, attempts, window, days and time zone (shown, never stored). */
static void fill_defaults(orgctl_repo *repo, const char *org, cJSON *sub)
{
    cJSON *campaign = NULL, *strategy = NULL;
    const char *name = str_of(sub, "campaign");
    if (!name || orgctl_object_load(repo, &orgctl_kind_campaign, org, name, &campaign) < 0) {
        orgctl_error_clear();
        return;
    }
    strategy = strategy_of(repo, campaign);
    set_str(sub, "mode", str_of(strategy, "mode"));
    int attempts = int_of(campaign, "max_attempts", int_of(strategy, "max_attempts", 0));
    cJSON_DeleteItemFromObjectCaseSensitive(sub, "max_attempts");
    if (attempts)
        cJSON_AddNumberToObject(sub, "max_attempts", attempts);
    set_str(sub, "window", str_of(campaign, "window"));
    set_str(sub, "days", str_of(campaign, "days"));
    set_str(sub, "tz", str_of(campaign, "tz"));
    cJSON_Delete(strategy);
    cJSON_Delete(campaign);
}

static int sub_show(orgctl_op_ctx *ctx)
{
    int error = orgctl_generic_show(ctx);
    if (error == 0)
        fill_defaults(ctx->repo, ctx->org, ctx->result);
    return error;
}

/* The sub-campaign's state machine (the guide: Stop cannot be resumed, Pause can). */
static int sub_transition(orgctl_op_ctx *ctx, const char *from_ok, const char *to)
{
    cJSON *obj = NULL, *campaign = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    const char *from = state_of(obj);
    /* from_ok: the states it may leave, space-separated */
    char padded[48];
    snprintf(padded, sizeof(padded), " %s ", from);
    char allowed[64];
    snprintf(allowed, sizeof(allowed), " %s ", from_ok);
    if (!strstr(allowed, padded))
        error = orgctl_error_set(ORGCTL_EINVALID, "sub-campaign \"%s\" cannot go from %s to %s%s",
                                 ctx->name, from, to,
                                 strcmp(from, "stopped") == 0 ? ": a stopped sub-campaign cannot "
                                                                "be resumed or started"
                                                              : "");
    if (!error && strcmp(to, "running") == 0 &&
        (error = orgctl_object_load(ctx->repo, &orgctl_kind_campaign, ctx->org,
                                    str_of(obj, "campaign"), &campaign)) == 0 &&
        strcmp(state_of(campaign), "on") != 0)
        error = orgctl_error_set(
            ORGCTL_EINVALID, "sub-campaign \"%s\" cannot run: its campaign \"%s\" is %s, not on",
            ctx->name, str_of(obj, "campaign"), state_of(campaign));
    cJSON_Delete(campaign);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    set_str(obj, "status", to);
    return orgctl_generic_put(ctx, obj);
}

static int sub_start(orgctl_op_ctx *ctx)
{
    return sub_transition(ctx, "off", "running");
}
static int sub_pause(orgctl_op_ctx *ctx)
{
    return sub_transition(ctx, "running", "paused");
}
static int sub_resume(orgctl_op_ctx *ctx)
{
    return sub_transition(ctx, "paused", "running");
}
static int sub_stop(orgctl_op_ctx *ctx)
{
    return sub_transition(ctx, "off running paused", "stopped");
}

static int sub_rm(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    int error = orgctl_generic_load(ctx, &obj);
    if (error < 0)
        return error;
    if (strcmp(state_of(obj), "running") == 0 || strcmp(state_of(obj), "paused") == 0)
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "sub-campaign \"%s\" is %s: stop it before removing it", ctx->name,
                                 state_of(obj));
    cJSON_Delete(obj);
    if (!error)
        error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_subcampaign, ctx->org, ctx->name);
    if (!error) {
        ctx->result = cJSON_CreateObject();
        cJSON_AddStringToObject(ctx->result, "removed", ctx->name);
    }
    return error;
}

/* --- compliance --- */

static const orgctl_param compliance_params[] = {
    {"window", 0, "HH:MM-HH:MM", "allowed contact time everywhere (local to the contact)"},
    {"region", ORGCTL_PARAM_MULTI, "REGION[:DAY]=HH:MM-HH:MM",
     "allowed contact time in a state or province (on a weekday)"},
    {"unset-region", ORGCTL_PARAM_MULTI, "REGION[:DAY]", "drop a region's window"},
    {"days", 0, "DAYS", "allowed contact days, e.g. mon-sat"},
    {"no-contact-date", ORGCTL_PARAM_MULTI, "DATE", "a date never to call, YYYY-MM-DD"},
    {"unset-no-contact-date", ORGCTL_PARAM_MULTI, "DATE", "drop a no-contact date"},
    {"max-attempts", 0, "N", "most attempts per contact per period (1 to 100)"},
    {"attempt-period-days", 0, "DAYS", "the period of --max-attempts (1 to 365)"},
    {"require-list", ORGCTL_PARAM_MULTI, "LIST", "a suppression list every campaign honours"},
    {"unrequire-list", ORGCTL_PARAM_MULTI, "LIST", "no longer require a list"},
    {"area-codes", 0, "FILE", "NANPA's area-code report (npa_report.csv): regions and zones"},
    {"skip-invalid", ORGCTL_PARAM_FLAG, NULL, "leave the report's bad rows out, naming them"},
    {"force", ORGCTL_PARAM_FLAG, NULL, "make the campaigns the change breaks invalid"},
    ORGCTL_PARAMS_END,
};

static void collect_problem(const char *message, void *payload)
{
    strbuf *sb = payload;
    strbuf_addf(sb, "%s%s", sb->len ? "; " : "", message);
}

/* "--area-codes FILE": NANPA's report read strictly (lib/util/nanpa.h) into the rules'
 * area_codes, CODE: "REGION[,REGION] ZONE[ ZONE]" for each code in service with a region;
 * its bad rows refused, naming each, unless --skip-invalid leaves them out (warning). */
static int import_area_codes(orgctl_op_ctx *ctx, cJSON *rules)
{
    const char *file = orgctl_params_get(ctx->params, "area-codes");
    if (!file)
        return 0;
    bool skip = orgctl_params_has(ctx->params, "skip-invalid");
    strbuf problems = STRBUF_INIT;
    size_t n = 0;
    orgctl_nanpa *table = NULL;
    int error = orgctl_nanpa_read_report(&table, &n, file, skip ? ORGCTL_NANPA_SKIP_BAD_ROWS : 0,
                                         collect_problem, &problems);
    if (error == ORGCTL_EINVALID && n)
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "%zu rows of the report refused (--skip-invalid leaves them "
                                 "out): %s",
                                 n, strbuf_str(&problems));
    else if (!error && n)
        orgctl_warning("%zu rows of the report left out: %s", n, strbuf_str(&problems));
    strbuf_release(&problems);
    if (error < 0)
        return error;
    cJSON_DeleteItemFromObjectCaseSensitive(rules, "area_code_table");
    cJSON *codes = cJSON_AddObjectToObject(rules, "area_code_table");
    for (int npa = 200; npa <= 999; npa++) {
        const orgctl_nanpa_entry *e = orgctl_nanpa_lookup(table, npa);
        if (!e || !e->in_service || !e->regions[0][0] || !e->zones[0][0])
            continue;
        strbuf v = STRBUF_INIT;
        for (int i = 0; i < ORGCTL_NANPA_MAX_REGIONS && e->regions[i][0]; i++)
            strbuf_addf(&v, "%s%s", i ? "," : "", e->regions[i]);
        for (int i = 0; i < ORGCTL_NANPA_MAX_ZONES && e->zones[i][0]; i++)
            strbuf_addf(&v, " %s", e->zones[i]);
        char key[8];
        snprintf(key, sizeof(key), "%d", npa);
        cJSON_AddStringToObject(codes, key, strbuf_str(&v));
        strbuf_release(&v);
    }
    orgctl_nanpa_free(table);
    return 0;
}

/* Drops the string `value` from the array `list`: whether it was there. */
static bool list_drop(cJSON *list, const char *value)
{
    int k = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        if (cJSON_IsString(item) && strcmp(item->valuestring, value) == 0) {
            cJSON_DeleteItemFromArray(list, k);
            return true;
        }
        k++;
    }
    return false;
}

/* --require-list / --unrequire-list LIST: the required mark of the enterprise's list LIST,
 * the one place a list is required (suppress create --required writes the same mark),
 * changed in the same change set (which checks the list's own edit permission). */
static int mark_required(orgctl_op_ctx *ctx, const char *name, bool required)
{
    const orgctl_kind *k = list_kind();
    const char *ent = orgctl_repo_enterprise_org(ctx->repo);
    cJSON *list = NULL;
    if (!k || !ent || !orgctl_object_exists(ctx->repo, k, ent, name))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "compliance: suppression list \"%.100s\" does not exist in the "
                                "enterprise org",
                                name);
    int error = orgctl_object_load(ctx->repo, k, ent, name, &list);
    if (error < 0)
        return error;
    if (!required && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(list, "required")))
        error = orgctl_error_set(ORGCTL_ENOTFOUND, "compliance has no required list \"%s\"", name);
    cJSON_DeleteItemFromObjectCaseSensitive(list, "required");
    if (required)
        cJSON_AddTrueToObject(list, "required");
    if (!error)
        error = orgctl_changeset_put(ctx->cs, k, ent, list);
    cJSON_Delete(list);
    return error;
}

static int compliance_edit(orgctl_op_ctx *ctx, cJSON *rules)
{
    int error = 0;
    for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, "unset-region"); i++) {
        const char *r = orgctl_params_at(ctx->params, "unset-region", i);
        cJSON *regions = cJSON_GetObjectItemCaseSensitive(rules, "regions");
        if (!cJSON_GetObjectItemCaseSensitive(regions, r))
            error = orgctl_error_set(ORGCTL_ENOTFOUND, "compliance has no region \"%s\"", r);
        cJSON_DeleteItemFromObjectCaseSensitive(regions, r);
    }
    for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, "unset-no-contact-date");
         i++) {
        const char *date = orgctl_params_at(ctx->params, "unset-no-contact-date", i);
        if (!list_drop(cJSON_GetObjectItemCaseSensitive(rules, "no_contact_dates"), date))
            error = orgctl_error_set(ORGCTL_ENOTFOUND, "compliance has no no-contact date \"%s\"",
                                     date);
    }
    if (!error)
        error = orgctl_generic_apply_params(ctx, rules);
    if (!error)
        error = import_area_codes(ctx, rules);
    for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, "require-list"); i++)
        error = mark_required(ctx, orgctl_params_at(ctx->params, "require-list", i), true);
    for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, "unrequire-list"); i++)
        error = mark_required(ctx, orgctl_params_at(ctx->params, "unrequire-list", i), false);
    return error;
}

/* The enterprise's suppression lists marked required, names in order (caller frees). */
static int required_lists(orgctl_repo *repo, cJSON **out)
{
    const orgctl_kind *k = list_kind();
    const char *ent = orgctl_repo_enterprise_org(repo);
    cJSON *lists = NULL;
    *out = cJSON_CreateArray();
    int error = k && ent ? orgctl_object_list(&lists, repo, k, ent, NULL, 0, NULL) : 0;
    const cJSON *l;
    cJSON_ArrayForEach(l, lists)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "required")))
            cJSON_AddItemToArray(*out, cJSON_CreateString(str_of(l, "name")));
    }
    cJSON_Delete(lists);
    return error;
}

/* The rules as shown: their required_lists read from the lists (never stored). */
static int rules_for_show(orgctl_repo *repo, cJSON *rules)
{
    cJSON *lists;
    int error = required_lists(repo, &lists);
    orgctl_kind_fill(&orgctl_kind_compliance, rules);
    cJSON_DeleteItemFromObjectCaseSensitive(rules, "required_lists");
    cJSON_AddItemToObject(rules, "required_lists", lists);
    return error;
}

/* The campaigns of every org that `rules` would break: [{org, name, why}]. */
static int broken_campaigns(orgctl_repo *repo, const cJSON *rules, cJSON **out)
{
    cJSON *orgs = NULL, *found = cJSON_CreateArray();
    int error = orgctl_object_names(&orgs, repo, &orgctl_kind_org, "", "");
    const cJSON *o;
    cJSON_ArrayForEach(o, (error ? NULL : orgs))
    {
        cJSON *list = NULL;
        if ((error = orgctl_object_list(&list, repo, &orgctl_kind_campaign, o->valuestring, NULL, 0,
                                        NULL)) < 0)
            break;
        const cJSON *c;
        cJSON_ArrayForEach(c, list)
        {
            if (strcmp(state_of(c), "invalid") == 0)
                continue;
            cJSON *strategy = strategy_of(repo, c);
            char *why = breaks_compliance(rules, c, strategy);
            cJSON_Delete(strategy);
            if (!why)
                continue;
            cJSON *b = cJSON_CreateObject();
            cJSON_AddStringToObject(b, "org", o->valuestring);
            cJSON_AddStringToObject(b, "name", str_of(c, "name"));
            cJSON_AddStringToObject(b, "why", why);
            cJSON_AddItemToArray(found, b);
            free(why);
        }
        cJSON_Delete(list);
    }
    cJSON_Delete(orgs);
    if (error < 0) {
        cJSON_Delete(found);
        return error;
    }
    *out = found;
    return 0;
}

static int compliance_set(orgctl_op_ctx *ctx)
{
    cJSON *rules = NULL, *broken = NULL;
    int error = load_compliance(ctx->repo, &rules);
    ctx->name = ORGCTL_COMPLIANCE_NAME;
    cJSON_DeleteItemFromObjectCaseSensitive(rules, "required_lists");
    if (!error)
        error = compliance_edit(ctx, rules);
    /* staged first: validated and authorized (each field's permission) before the
     * campaigns are looked at */
    if (!error)
        error = orgctl_changeset_put(ctx->cs, &orgctl_kind_compliance, "", rules);
    if (!error)
        error = broken_campaigns(ctx->repo, rules, &broken);
    if (!error && cJSON_GetArraySize(broken) > 0 && !orgctl_params_has(ctx->params, "force")) {
        strbuf sb = STRBUF_INIT;
        describe_campaigns(&sb, broken);
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "the change would break campaigns %s (%s); give --force to make "
                                 "them invalid",
                                 strbuf_str(&sb), str_of(broken->child, "why"));
        strbuf_release(&sb);
    }
    const cJSON *b;
    cJSON_ArrayForEach(b, (error ? NULL : broken))
    {
        char why[512];
        snprintf(why, sizeof(why), "compliance: %s", str_of(b, "why"));
        if ((error = make_invalid(ctx, str_of(b, "org"), str_of(b, "name"), why)) < 0)
            break;
    }
    cJSON_Delete(broken);
    if (error < 0) {
        cJSON_Delete(rules);
        return error;
    }
    ctx->summary = xstrdup("campaign compliance set");
    ctx->result = rules;
    error = rules_for_show(ctx->repo, rules);
    /* the marks this change set makes, not yet at HEAD */
    cJSON *shown = cJSON_GetObjectItemCaseSensitive(rules, "required_lists");
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "unrequire-list"); i++)
        list_drop(shown, orgctl_params_at(ctx->params, "unrequire-list", i));
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "require-list"); i++) {
        const char *name = orgctl_params_at(ctx->params, "require-list", i);
        list_drop(shown, name);
        cJSON_AddItemToArray(shown, cJSON_CreateString(name));
    }
    return error;
}

static int compliance_show(orgctl_op_ctx *ctx)
{
    int error = load_compliance(ctx->repo, &ctx->result);
    if (error == 0)
        error = rules_for_show(ctx->repo, ctx->result);
    return error;
}

/* --- the table --- */

#define W ORGCTL_OP_WRITE
#define E ORGCTL_OP_NO_ORG /* enterprise-wide: any org, or the actor's own */
#define ADD "outbound:campaign:add"
#define VIEW "outbound:campaign:view"
#define EDIT "outbound:campaign:edit"
#define DELETE "outbound:campaign:delete"

static const orgctl_param campaign_update_params[] = {
    {"strategy", 0, "STRATEGY", STRATEGY_HELP},
    {"tz", 0, "ZONE", TZ_HELP},
    CAMPAIGN_OPTIONS,
    {"unsuppress", ORGCTL_PARAM_MULTI, "LIST", "a suppression list no longer to honour"},
    ORGCTL_PARAMS_END,
};

/* The campaign kind's verbs that do more than the standard ones (its list and show are
 * the descriptor's). */
const orgctl_op orgctl_campaign_ops[] = {
    {"campaign", "create", "create a campaign (off) of a strategy", W, ADD, campaign_create_params,
     campaign_create},
    {"campaign", "update", "change a campaign (while not on or stopping)", W, EDIT,
     campaign_update_params, campaign_update},
    {"campaign", "rm", "remove a campaign that is off (--force: with its sub-campaigns)", W, DELETE,
     orgctl_params_force, campaign_rm},
    {"campaign", "copy", "copy a campaign under a new name (off)", W, ADD, orgctl_params_copy,
     campaign_copy},
    {"campaign", "start", "turn a campaign on (from off, complete or invalid, once valid)", W, EDIT,
     NULL, campaign_start},
    {"campaign", "stop", "stop a campaign: on -> stopping (--wait: -> off)", W, EDIT, stop_params,
     campaign_stop},
    {"campaign", "complete", "mark a campaign's work done (on or stopping -> complete)", W, EDIT,
     NULL, campaign_complete},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};

/* The strategies' verbs that are not the standard ones ("campaign strategy-create"). */
const orgctl_op orgctl_strategy_ops[] = {
    {"campaign", "strategy-create", "create a campaign strategy (enterprise org)", W | E, ADD,
     strategy_create_params, orgctl_generic_create, "strategy"},
    {"campaign", "strategy-update", "change a campaign strategy", W | E, EDIT, strategy_params,
     orgctl_generic_update, "strategy"},
    {"campaign", "strategy-rm", "remove a strategy (--force: its campaigns become invalid)", W | E,
     DELETE, orgctl_params_force, strategy_rm, "strategy"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};

/* The sub-campaigns' and compliance's verbs, rows of their own. */
const orgctl_op orgctl_campaign_parts_ops[] = {
    {"campaign", "sub-create", "create a sub-campaign of a campaign", W | ORGCTL_OP_NO_NAME, ADD,
     sub_create_params, sub_create, "subcampaign"},
    {"campaign", "sub-list", "list sub-campaigns", ORGCTL_OP_NO_NAME, VIEW, sub_list_params,
     orgctl_generic_list, "subcampaign"},
    {"campaign", "sub-show", "show a sub-campaign and what it takes from its strategy", 0, VIEW,
     NULL, sub_show, "subcampaign"},
    {"campaign", "sub-rm", "remove a sub-campaign (not while running or paused)", W, DELETE, NULL,
     sub_rm, "subcampaign"},
    {"campaign", "sub-start", "start a sub-campaign (its campaign on)", W, EDIT, NULL, sub_start,
     "subcampaign"},
    {"campaign", "sub-pause", "pause a running sub-campaign", W, EDIT, NULL, sub_pause,
     "subcampaign"},
    {"campaign", "sub-resume", "resume a paused sub-campaign", W, EDIT, NULL, sub_resume,
     "subcampaign"},
    {"campaign", "sub-stop", "stop a sub-campaign for good (it cannot be resumed)", W, EDIT, NULL,
     sub_stop, "subcampaign"},
    {"campaign", "compliance-show", "show the enterprise's compliance rules", ORGCTL_OP_NO_NAME | E,
     "outbound:campaignRule:view", NULL, compliance_show, "compliance"},
    {"campaign", "compliance-set", "change the compliance rules (enterprise org)",
     W | ORGCTL_OP_NO_NAME | E, "outbound:campaignRule:edit", compliance_params, compliance_set,
     "compliance"},

    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
