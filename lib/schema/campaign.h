/* Internal: the outbound kinds (lib/schema/campaign.c): campaign strategies (enterprise
 * wide, strategies/<name>.json), campaigns and sub-campaigns (per org,
 * orgs/<org>/campaigns/<name>.json, orgs/<org>/subcampaigns/<name>.json) and the
 * enterprise's compliance rules (one object, compliance/rules.json). What each rule of
 * one object alone says is checked here; the rules between objects (a campaign within
 * compliance, the 50 running campaigns of an org, the state machine) are the verbs'
 * (lib/kinds/campaign.c). */
#ifndef ORGCTL_CAMPAIGN_H
#define ORGCTL_CAMPAIGN_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "orgctl/kind.h"

extern const orgctl_kind orgctl_kind_strategy, orgctl_kind_campaign, orgctl_kind_subcampaign,
    orgctl_kind_compliance;

/* The name of the one compliance object. */
#define ORGCTL_COMPLIANCE_NAME "rules"
/* The most campaigns of an org that are on or stopping at once. */
#define ORGCTL_CAMPAIGN_MAX_RUNNING 50

/* A calling window "HH:MM-HH:MM" in minutes of the day: start before end, end at most
 * 24:00 ("25:00-08:00" and "21:00-08:00" are refused). ORGCTL_EINVALID naming `what`. */
int orgctl_window_parse(const char *what, const char *text, int *start, int *end);
/* Week days "mon-fri", "mon,wed,fri", "sat-sun,mon": a mask, bit 0 Monday ... bit 6
 * Sunday. ORGCTL_EINVALID naming `what`. */
int orgctl_days_parse(const char *what, const char *text, unsigned *mask);
/* An IANA time zone name's spelling ("America/New_York"): letters, digits, '_', '-', '+'
 * in parts joined by '/', no "." part. Whether the zone exists is the verbs' to ask. */
int orgctl_tz_name_check(const char *what, const char *text);
/* A date "YYYY-MM-DD" (a real one). */
int orgctl_date_check(const char *what, const char *text);
/* The results of a call that a strategy treats: busy, no-answer, answering-machine, fax,
 * dropped; NULL-terminated. */
extern const char *const orgctl_call_results[];

/* The string `field` of obj, or NULL. */
const char *orgctl_campaign_str(const cJSON *obj, const char *field);

#endif
