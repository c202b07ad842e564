/* The outbound kinds (lib/schema/campaign.h): fields, descriptors and the rules of one
 * object alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "orgctl/errors.h"
#include "orgctl/repo.h"

#define CAMPAIGN_VIEW "outbound:campaign:view"
#define RULE_EDIT "outbound:campaignRule:edit"
#define TIMES_EDIT "outbound:callableTimeSet:edit", NULL

const char *const orgctl_call_results[] = {"busy", "no-answer", "answering-machine",
                                           "fax",  "dropped",   NULL};
static const char *const dialing_modes[] = {"agentless",  "preview",     "power",
                                            "predictive", "progressive", NULL};
static const char *const campaign_states[] = {"off", "on", "stopping", "complete", "invalid", NULL};
static const char *const sub_states[] = {"off", "running", "paused", "stopped", NULL};
static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static const orgctl_field strategy_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "strategy name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the strategy is for"},
    {"mode", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "dialing mode: agentless, preview, power, predictive or progressive",
     .filter = "only strategies of this dialing mode", .filter_values = dialing_modes},
    {"max_attempts", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL,
     "most attempts per contact (1 to 100)", 1, 100},
    {"reset_days", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL,
     "days after which a contact's attempts count from zero again (0: never)", 0, 365},
    {"treatments", ORGCTL_FIELD_MAP, 0, NULL,
     "per call result: RESULT=retry:MINUTES or RESULT=no-retry"},
    {"window", ORGCTL_FIELD_STRING, 0, NULL, "default calling window, HH:MM-HH:MM"},
    {"days", ORGCTL_FIELD_STRING, 0, NULL, "default calling days, e.g. mon-fri"},
    {NULL, 0, 0, NULL, NULL},
};

static const orgctl_field campaign_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "campaign name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the campaign is for"},
    {"status", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "off, on, stopping, complete or invalid", .filter = "only campaigns in this status",
     .filter_values = campaign_states},
    {"strategy", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, "strategy",
     "the campaign strategy (enterprise-wide)", .filter = "only campaigns of this strategy"},
    {"window", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL,
     "calling window in the campaign's time zone, HH:MM-HH:MM"},
    {"days", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "calling days, e.g. mon-fri"},
    {"tz", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "IANA time zone of the window"},
    {"suppress", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED, NULL, "suppression lists it honours"},
    {"max_attempts", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL,
     "most attempts per contact (1 to 100; else the strategy's)", 1, 100},
    {"abandon_rate", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL,
     "most abandoned calls, percent (0 to 100; power and predictive need it)", 0, 100},
    {"priority", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL, "priority, 1 (low) to 5", 1, 5},
    {"invalid_reason", ORGCTL_FIELD_STRING, 0, NULL, "why the campaign is invalid"},
    {NULL, 0, 0, NULL, NULL},
};

static const orgctl_field subcampaign_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "sub-campaign name, the key"},
    {"campaign", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, "campaign",
     "the campaign it belongs to"},
    {"status", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "off, running, paused or stopped"},
    {"start", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "first moment of calling (UTC)"},
    {"end", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "last moment of calling (UTC)"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the sub-campaign is for"},
    {"last_load", ORGCTL_FIELD_MAP, 0, NULL,
     "the last load: input SHA-256, counts per reason, the commit of the rules applied"},
    /* Shown, never stored: what it takes from its campaign and strategy (lib/kinds/campaign.c) */
    {"mode", ORGCTL_FIELD_STRING, ORGCTL_FIELD_COMPUTED, NULL, "the strategy's dialing mode"},
    {"max_attempts", ORGCTL_FIELD_INT, ORGCTL_FIELD_COMPUTED, NULL,
     "the campaign's most attempts, else the strategy's"},
    {"window", ORGCTL_FIELD_STRING, ORGCTL_FIELD_COMPUTED, NULL, "the campaign's window"},
    {"days", ORGCTL_FIELD_STRING, ORGCTL_FIELD_COMPUTED, NULL, "the campaign's days"},
    {"tz", ORGCTL_FIELD_STRING, ORGCTL_FIELD_COMPUTED, NULL, "the campaign's time zone"},
    {NULL, 0, 0, NULL, NULL},
};

static const orgctl_field compliance_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "always \"rules\""},
    {"window", ORGCTL_FIELD_STRING, 0, NULL, "allowed contact time everywhere, HH:MM-HH:MM local",
     0, 0, TIMES_EDIT},
    {"regions", ORGCTL_FIELD_MAP, 0, NULL,
     "allowed contact time by region (state, province), REGION[:DAY]=HH:MM-HH:MM local", 0, 0,
     TIMES_EDIT},
    {"days", ORGCTL_FIELD_STRING, 0, NULL, "allowed contact days, e.g. mon-sat", 0, 0, TIMES_EDIT},
    {"no_contact_dates", ORGCTL_FIELD_LIST, 0, NULL, "dates never to call, YYYY-MM-DD", 0, 0,
     TIMES_EDIT},
    {"max_attempts", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL,
     "most attempts per contact per period (1 to 100)", 1, 100},
    {"attempt_period_days", ORGCTL_FIELD_INT, ORGCTL_FIELD_RANGE, NULL,
     "the period of max_attempts, in days (1 to 365)", 1, 365},
    {"required_lists", ORGCTL_FIELD_LIST, 0, NULL,
     "suppression lists every campaign honours: shown from the enterprise lists marked "
     "required, never stored"},
    {"area_code_table", ORGCTL_FIELD_MAP, 0, NULL,
     "NANPA area codes: CODE=REGION TIME-ZONE... (campaign compliance set --area-codes)"},
    {NULL, 0, 0, NULL, NULL},
};

static int strategy_validate(orgctl_repo *repo, const char *org, const cJSON *obj);
static int campaign_validate(orgctl_repo *repo, const char *org, const cJSON *obj);
static int subcampaign_validate(orgctl_repo *repo, const char *org, const cJSON *obj);
static int compliance_validate(orgctl_repo *repo, const char *org, const cJSON *obj);

/* Strategies are the enterprise's: changed with the campaign permissions there (not per
 * org), viewed and used from every org. */
/* list, show and copy are the standard ones ("campaign strategy-list"); create and update
 * take their options in an order of their own, rm makes campaigns invalid. */
static const orgctl_kind_verb strategy_verbs[] = {
    {"create"}, {"list"}, {"show"}, {"update"}, {"rm"}, {"copy"}, {NULL},
};
const orgctl_kind orgctl_kind_strategy = {
    "strategy",
    "strategies",
    "outbound:campaign",
    false,
    false,
    strategy_fields,
    "name,mode,max_attempts,window,days",
    strategy_validate,
    .noun = "a campaign strategy",
    .nouns = "campaign strategies",
    .command = "campaign",
    .verbs = strategy_verbs,
    .search = "only strategies whose name contains TEXT",
};
/* list and show are the standard ones; the other verbs are lib/kinds/campaign.c's rows (the
 * state machine, the compliance check), placed here. */
static const orgctl_kind_verb campaign_verbs[] = {
    {"create"}, {"list"},  {"show"}, {"update"},   {"rm"},
    {"copy"},   {"start"}, {"stop"}, {"complete"}, {NULL},
};
const orgctl_kind orgctl_kind_campaign = {
    "campaign",
    "campaigns",
    "outbound:campaign",
    true,
    false,
    campaign_fields,
    "name,status,strategy,window,days,tz,priority",
    campaign_validate,
    .noun = "a campaign",
    .nouns = "campaigns",
    .verbs = campaign_verbs,
    .search = "only campaigns whose name contains TEXT",
};
/* A sub-campaign is part of its campaign: the campaign's permissions guard it. */
const orgctl_kind orgctl_kind_subcampaign = {
    "subcampaign",
    "subcampaigns",
    "outbound:campaign",
    true,
    false,
    subcampaign_fields,
    "name,campaign,status,start,end",
    subcampaign_validate,
};
const orgctl_kind orgctl_kind_compliance = {
    "compliance",
    "compliance",
    "outbound:campaignRule",
    false,
    false,
    compliance_fields,
    "name,window,days,max_attempts,attempt_period_days,required_lists",
    compliance_validate,
    .perm_add = RULE_EDIT,
    .perm_edit = RULE_EDIT,
    .perm_delete = RULE_EDIT,
};

const char *orgctl_campaign_str(const cJSON *obj, const char *field)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, field));
}

static bool one_of(const char *s, const char *const *words)
{
    for (; s && *words; words++)
        if (strcmp(s, *words) == 0)
            return true;
    return false;
}

/* Two digits at s, as a number. */
static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "HH:MM" at s: minutes of the day (24:00 when allow_24), or -1. */
static int clock_minutes(const char *s, bool allow_24)
{
    int h = two_digits(s), m = s[2] == ':' ? two_digits(s + 3) : -1;
    if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
        return -1;
    return h * 60 + m;
}

int orgctl_window_parse(const char *what, const char *text, int *start, int *end)
{
    if (!text || strlen(text) != 11 || text[5] != '-')
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.40s\" is not a window HH:MM-HH:MM", what,
                                text ? text : "");
    int a = clock_minutes(text, false), b = clock_minutes(text + 6, true);
    if (a < 0 || b < 0)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%s\": %s is no time of day (00:00 to 23:59, or 24:00 "
                                "as the end)",
                                what, text, a < 0 ? "the start" : "the end");
    if (b <= a)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%s\" ends before it starts (a window does not span "
                                "midnight)",
                                what, text);
    *start = a;
    *end = b;
    return 0;
}

static int day_index(const char *s, size_t len)
{
    for (int i = 0; day_names[i]; i++)
        if (len == 3 && memcmp(s, day_names[i], 3) == 0)
            return i;
    return -1;
}

int orgctl_days_parse(const char *what, const char *text, unsigned *mask)
{
    unsigned m = 0;
    const char *p = text ? text : "";
    if (!*p)
        return orgctl_error_set(ORGCTL_EINVALID, "%s is empty (e.g. mon-fri)", what);
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *dash = memchr(p, '-', len);
        int a = day_index(p, dash ? (size_t)(dash - p) : len);
        int b = dash ? day_index(dash + 1, len - (size_t)(dash - p) - 1) : a;
        if (a < 0 || b < 0)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s \"%.60s\": \"%.*s\" is not a day (mon, tue, wed, thu, fri, "
                                    "sat, sun) or a range of them",
                                    what, text, (int)len, p);
        if (b < a)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s \"%.60s\": \"%.*s\" runs backwards (write mon-fri, or "
                                    "fri,sat,sun,mon)",
                                    what, text, (int)len, p);
        for (int d = a; d <= b; d++)
            m |= 1u << d;
        p += len;
        if (*p == ',' && !*++p)
            return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.60s\" ends with a comma", what, text);
    }
    *mask = m;
    return 0;
}

int orgctl_tz_name_check(const char *what, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    bool ok = len > 0 && len < 64 && text[0] != '/' && text[len - 1] != '/' && !strstr(text, "//");
    for (size_t i = 0; ok && i < len; i++) {
        char c = text[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || c == '+' || c == '/';
    }
    if (ok && (text[0] == '.' || strstr(text, "/.")))
        ok = false;
    return ok ? 0
              : orgctl_error_set(ORGCTL_EINVALID,
                                 "%s \"%.60s\" is not a time zone name (e.g. America/New_York)",
                                 what, text ? text : "");
}

int orgctl_date_check(const char *what, const char *text)
{
    bool date_only = false;
    time_t t;
    if (!text || strlen(text) != 10 || orgctl_time_parse(&t, &date_only, what, text) < 0 ||
        !date_only) {
        orgctl_error_clear();
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.40s\" is not a date YYYY-MM-DD", what,
                                text ? text : "");
    }
    return 0;
}

/* The optional window and days of obj, checked; `kind` and `name` name it. */
static int check_window_days(const char *kind, const cJSON *obj)
{
    char what[320];
    int a, b;
    unsigned m;
    const char *name = orgctl_campaign_str(obj, "name");
    const char *w = orgctl_campaign_str(obj, "window"), *d = orgctl_campaign_str(obj, "days");
    snprintf(what, sizeof(what), "%s \"%.255s\": window", kind, name ? name : "");
    if (w && orgctl_window_parse(what, w, &a, &b) < 0)
        return ORGCTL_EINVALID;
    snprintf(what, sizeof(what), "%s \"%.255s\": days", kind, name ? name : "");
    if (d && orgctl_days_parse(what, d, &m) < 0)
        return ORGCTL_EINVALID;
    return 0;
}

static int strategy_validate(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    (void)repo, (void)org;
    const char *name = orgctl_campaign_str(obj, "name"), *mode = orgctl_campaign_str(obj, "mode");
    if (!one_of(mode, dialing_modes))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "strategy \"%s\": mode \"%.40s\" is not agentless, preview, power, "
                                "predictive or progressive",
                                name, mode ? mode : "");
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(obj, "treatments"))
    {
        if (!one_of(t->string, orgctl_call_results))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "strategy \"%s\": treatment of \"%.40s\": not a call result "
                                    "(busy, no-answer, answering-machine, fax, dropped)",
                                    name, t->string);
        const char *v = cJSON_GetStringValue(t);
        const char *digits = v && strncmp(v, "retry:", 6) == 0 ? v + 6 : "";
        size_t n = strspn(digits, "0123456789");
        int minutes = n >= 1 && n <= 5 && digits[n] == '\0' ? atoi(digits) : -1;
        if (!(v && strcmp(v, "no-retry") == 0) && (minutes < 1 || minutes > 10080))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "strategy \"%s\": treatment %s=\"%.40s\" is not retry:MINUTES "
                                    "(1 to 10080) or no-retry",
                                    name, t->string, v ? v : "");
    }
    return check_window_days("strategy", obj);
}

static int campaign_validate(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    (void)repo, (void)org;
    const char *name = orgctl_campaign_str(obj, "name"),
               *state = orgctl_campaign_str(obj, "status");
    if (!one_of(state, campaign_states))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "campaign \"%s\": status \"%.40s\" is not off, on, stopping, "
                                "complete or invalid",
                                name, state ? state : "");
    char what[300];
    snprintf(what, sizeof(what), "campaign \"%.255s\": tz", name);
    if (orgctl_tz_name_check(what, orgctl_campaign_str(obj, "tz")) < 0)
        return ORGCTL_EINVALID;
    return check_window_days("campaign", obj);
}

static int subcampaign_validate(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    (void)repo, (void)org;
    const char *name = orgctl_campaign_str(obj, "name"),
               *state = orgctl_campaign_str(obj, "status");
    if (!one_of(state, sub_states))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "sub-campaign \"%s\": status \"%.40s\" is not off, running, paused "
                                "or stopped",
                                name, state ? state : "");
    time_t start, end;
    int error;
    if ((error = orgctl_time_parse(&start, NULL, "start", orgctl_campaign_str(obj, "start"))) < 0 ||
        (error = orgctl_time_parse(&end, NULL, "end", orgctl_campaign_str(obj, "end"))) < 0)
        return error;
    if (end <= start)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "sub-campaign \"%s\": end %s is not after start %s", name,
                                orgctl_campaign_str(obj, "end"), orgctl_campaign_str(obj, "start"));
    return 0;
}

/* A region of compliance windows: "NY", "ON", "NY:sun" (2 or 3 capitals, a day). */
static bool region_key(const char *k)
{
    size_t n = strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (n < 2 || n > 3)
        return false;
    return k[n] == '\0' || (k[n] == ':' && day_index(k + n + 1, strlen(k + n + 1)) >= 0);
}

static int compliance_validate(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    (void)repo, (void)org;
    const char *name = orgctl_campaign_str(obj, "name");
    if (!name || strcmp(name, ORGCTL_COMPLIANCE_NAME) != 0)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "compliance: the rules are named \"%s\", not \"%s\"",
                                ORGCTL_COMPLIANCE_NAME, name ? name : "");
    /* a list is required by its own mark (orgctl-suppress(1) --required): one source */
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(obj, "required_lists")) > 0)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "compliance: required_lists is not stored in the rules (a list "
                                "is required by its own mark: campaign compliance set "
                                "--require-list)");
    int error = check_window_days("compliance", obj), a, b;
    const cJSON *c;
    cJSON_ArrayForEach(c, (error ? NULL : cJSON_GetObjectItemCaseSensitive(obj, "regions")))
    {
        char what[96];
        if (!region_key(c->string))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "compliance: region \"%.40s\" is not REGION or REGION:DAY "
                                    "(NY, ON, TX:sun)",
                                    c->string);
        snprintf(what, sizeof(what), "compliance: region %s", c->string);
        if ((error = orgctl_window_parse(what, cJSON_GetStringValue(c), &a, &b)) < 0)
            return error;
    }
    cJSON_ArrayForEach(c,
                       (error ? NULL : cJSON_GetObjectItemCaseSensitive(obj, "no_contact_dates")))
    {
        if ((error = orgctl_date_check("compliance: no-contact date", c->valuestring)) < 0)
            return error;
    }
    cJSON_ArrayForEach(c, (error ? NULL : cJSON_GetObjectItemCaseSensitive(obj, "area_code_table")))
    {
        const char *v = cJSON_GetStringValue(c);
        if (strlen(c->string) != 3 || strspn(c->string, "0123456789") != 3 || !v || !*v)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "compliance: area code \"%.40s\" is not three digits with a "
                                    "region and time zone",
                                    c->string);
    }
    return error;
}
